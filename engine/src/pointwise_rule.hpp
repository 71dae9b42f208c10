// Pointwise<op>: the per-element formulas of an op whose value at element i depends only on its
// operands' elements i and its literals (the Elementwise and Activation families). One
// specialisation per op, in engine/ops/<family>_rules.hpp, holds the forward value and the VJP
// contribution side by side; the family kernels loop over them (pointwise_kernels.hpp) and a
// Plan runs them directly on scalar nodes (plan_program.hpp), so both paths share one formula and
// give the same bits.
//
// A rule of arity 1 provides
//   template <class T> static T value(const T& x, const T* lits);
//   template <int k, class T> static T grad(const T& g, const T& x, const T& y, const T* lits);
// and of arity 2
//   template <class T> static T value(const T& x0, const T& x1, const T* lits);
//   template <int k, class T>
//   static T grad(const T& g, const T& x0, const T& x1, const T& y, const T* lits);
// where g is the upstream cotangent at the element, y the forward value, and grad<k> the
// contribution to operand k. A rule whose op has a restricted domain also provides
//   static constexpr std::string_view domainMessage;
//   template <class T> static bool outsideDomain(operand elements...);
// which the exact and interval scalars check before computing (a DomainError naming the node and
// the element); float and double keep the IEEE result instead.
#pragma once

#include <array>
#include <string_view>

#include "verigrad/op.hpp"

namespace verigrad::kernels {

template <Op op>
struct Pointwise;  // defined only for the ops of the Elementwise and Activation families

inline constexpr std::array<bool, kNumOps> kIsPointwise = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) \
  OpFamily::family == OpFamily::Elementwise || OpFamily::family == OpFamily::Activation,
#include "verigrad/ops.def"
#undef VG_OP
};

inline constexpr std::array<int, kNumOps> kArityOf = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) arity,
#include "verigrad/ops.def"
#undef VG_OP
};

template <Op op>
concept RestrictedDomain = requires {
  Pointwise<op>::domainMessage;
};

}  // namespace verigrad::kernels
