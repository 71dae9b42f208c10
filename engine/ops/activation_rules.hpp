// The Activation family's per-element formulas (pointwise_rule.hpp): op by op, the forward value
// and the VJP contribution side by side, with TorchLean's formulas (reference §5.2.3). Local
// derivative d(x), VJP x ← δ ⊙ d(x). Over float/double the elementary functions are the libm's
// (elementary.hpp); over the interval scalar they are MPFI's, found by ADL. Never instantiated for
// the exact rational (compile refuses these ops there). The loops are in activation.inl.
#pragma once

#include <string_view>

#include "elementary.hpp"
#include "fault_injection.hpp"
#include "pointwise_rule.hpp"
#include "scalar_conventions.hpp"

namespace verigrad::kernels {

// ---- sqrt — ops.def: VG_OP(Sqrt, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// sqrt(max(x, 0)), total; derivative 1/(2 sqrt x) for x > 0, else 0.
template <>
struct Pointwise<Op::Sqrt> {
  template <class T>
  static T value(const T& x, const T*) {
    return sqrt(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    return g * sqrtDerivative(x);
  }
};

// ---- sigmoid — s = 1/(1 + exp(-x)); derivative s(1 − s) from the forward value.
template <>
struct Pointwise<Op::Sigmoid> {
  template <class T>
  static T value(const T& x, const T*) {
    return sigmoid(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T& s, const T*) {
    return g * (s * (T(1) - s));
  }
};

// ---- tanh — derivative 1 − tanh(x)² from the forward value.
template <>
struct Pointwise<Op::Tanh> {
  template <class T>
  static T value(const T& x, const T*) {
    return tanh(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T& y, const T*) {
    if constexpr (fault::kFaultTanhVjp) return g * (T(1) - y);
    return g * (T(1) - y * y);
  }
};

// ---- softplus — log(1 + exp(x)); derivative sigmoid(x).
template <>
struct Pointwise<Op::Softplus> {
  template <class T>
  static T value(const T& x, const T*) {
    return softplus(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    return g * sigmoid(x);
  }
};

// ---- exp — derivative exp(x), the forward value.
template <>
struct Pointwise<Op::Exp> {
  template <class T>
  static T value(const T& x, const T*) {
    return exp(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T& y, const T*) {
    return g * y;
  }
};

// ---- log — defined for x > 0: over the interval scalar an enclosure not certainly > 0 is a
// DomainError naming the node and element (TorchLean panics); over float/double the IEEE value
// (-inf at 0, NaN below) stands. Derivative 1/x, applied as δ / x (one rounding).
template <>
struct Pointwise<Op::Log> {
  static constexpr std::string_view domainMessage = "log of a value that is not > 0";
  template <class T>
  static bool outsideDomain(const T& x) {
    return mayBeNonPositive(x);
  }
  template <class T>
  static T value(const T& x, const T*) {
    return logPositive(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    return quotient(g, x);
  }
};

// ---- safeLog — log(softplus(x) + ε), ε > 0 (the builder checks): the argument is > 0 for every
// x, so there is no domain error. Derivative sigmoid(x) / (softplus(x) + ε).
template <>
struct Pointwise<Op::SafeLog> {
  template <class T>
  static T value(const T& x, const T* lits) {
    return logPositive(softplus(x) + lits[0]);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T* lits) {
    return g * quotient(sigmoid(x), softplus(x) + lits[0]);
  }
};

}  // namespace verigrad::kernels
