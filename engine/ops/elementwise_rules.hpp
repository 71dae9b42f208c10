// The Elementwise family's per-element formulas (pointwise_rule.hpp): op by op, the forward value
// and the VJP contribution side by side, with TorchLean's formulas (reference §5.2.2–5.2.3) and
// the kink conventions of scalar_conventions.hpp. The loops over them are in elementwise.inl.
#pragma once

#include <string_view>

#include "pointwise_rule.hpp"
#include "scalar_conventions.hpp"

namespace verigrad::kernels {

// ---- add — ops.def: VG_OP(Add, ..., "a[*s] b[*s] -> [*s]", "a: g; b: g")
// a ← δ, b ← δ. For `add x x` the sweep sums both contributions (δ + δ).
template <>
struct Pointwise<Op::Add> {
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return x + y;
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T&, const T&, const T*) {
    return g;
  }
};

// ---- sub — ops.def: VG_OP(Sub, ..., "a[*s] b[*s] -> [*s]", "a: g; b: g")
// a ← δ, b ← 0 − δ (TorchLean's `fill 0 − δ`, kept as a subtraction: over floats 0 − (+0) is +0
// where negation would give −0).
template <>
struct Pointwise<Op::Sub> {
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return x - y;
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T&, const T&, const T*) {
    if constexpr (k == 0) return g;
    return T(0) - g;
  }
};

// ---- mul — ops.def: VG_OP(Mul, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, b); b: mul(g, a)")
// a ← δ⊙b, b ← δ⊙a: each operand receives δ times the *other* operand.
template <>
struct Pointwise<Op::Mul> {
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return x * y;
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T& y, const T&, const T*) {
    if constexpr (k == 0) return g * y;
    return g * x;
  }
};

// ---- div — ops.def: VG_OP(Div, ..., "a[*s] b[*s] -> [*s]",
//                           "a: div(g, b); b: mul(g, div(a, mul(b, b)))")
// A convenience op beyond TorchLean; b = 0 is a DomainError over exact scalars, so the VJP's
// divisions are defined there. a ← δ / b, b ← 0 − (δ⊙a)/(b⊙b).
template <>
struct Pointwise<Op::Div> {
  static constexpr std::string_view domainMessage = "division by zero";
  template <class T>
  static bool outsideDomain(const T&, const T& y) {
    return mayBeZero(y);
  }
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return quotient(x, y);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T& y, const T&, const T*) {
    if constexpr (k == 0) return quotient(g, y);
    return T(0) - quotient(g * x, y * y);
  }
};

// ---- square — ops.def: VG_OP(Square, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// TorchLean's `mul x x` as a one-operand op: x ← δ⊙x + δ⊙x, the two operand slots of `mul x x`
// summed, as TorchLean's sweep would.
template <>
struct Pointwise<Op::Square> {
  template <class T>
  static T value(const T& x, const T*) {
    return x * x;
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    T half = g * x;
    return half + half;
  }
};

// ---- scale — ops.def: VG_OP(Scale, ..., "c:lit", "x[*s] -> [*s]", "x: scale(g)")
// x ← δ * c.
template <>
struct Pointwise<Op::Scale> {
  template <class T>
  static T value(const T& x, const T* lits) {
    return x * lits[0];
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T&, const T* lits) {
    return g * lits[0];
  }
};

// ---- max — ops.def: VG_OP(Max, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, a); b: mul(g, b)")
// a ← mA⊙δ, b ← mB⊙δ with mA = maxMaskFirst(a, b), mB = maxMaskFirst(b, a) (ties: ½ each).
template <>
struct Pointwise<Op::Max> {
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return maxValue(x, y);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T& y, const T&, const T*) {
    if constexpr (k == 0) return maxMaskFirst(x, y) * g;
    return maxMaskFirst(y, x) * g;
  }
};

// ---- min — ops.def: VG_OP(Min, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, a); b: mul(g, b)")
// Mirror image of max: a ← minMaskFirst(a, b)⊙δ, b ← minMaskFirst(b, a)⊙δ.
template <>
struct Pointwise<Op::Min> {
  template <class T>
  static T value(const T& x, const T& y, const T*) {
    return minValue(x, y);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T& y, const T&, const T*) {
    if constexpr (k == 0) return minMaskFirst(x, y) * g;
    return minMaskFirst(y, x) * g;
  }
};

// ---- abs — ops.def: VG_OP(Abs, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// x ← sign(x)⊙δ, sign(0) = 0.
template <>
struct Pointwise<Op::Abs> {
  template <class T>
  static T value(const T& x, const T*) {
    return absValue(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    return signOf(x) * g;
  }
};

// ---- clamp — ops.def: VG_OP(Clamp, ..., "lo:lit hi:lit", "x[*s] -> [*s]", "x: mul(g, x)")
// The builder rejects lo > hi; lo == hi is allowed (derivative 0 everywhere). x ← clamp'(x)⊙δ,
// the derivative 1 only strictly inside (lo, hi).
template <>
struct Pointwise<Op::Clamp> {
  template <class T>
  static T value(const T& x, const T* lits) {
    return clampValue(x, lits[0], lits[1]);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T* lits) {
    return clampDerivative(x, lits[0], lits[1]) * g;
  }
};

// ---- relu — ops.def: VG_OP(Relu, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// x ← relu'(x)⊙δ, relu'(0) = 0.
template <>
struct Pointwise<Op::Relu> {
  template <class T>
  static T value(const T& x, const T*) {
    return reluValue(x);
  }
  template <int k, class T>
  static T grad(const T& g, const T& x, const T&, const T*) {
    return reluDerivative(x) * g;
  }
};

// ---- inv — ops.def: VG_OP(Inv, ..., "x[*s] -> [*s]", "x: mul(g, mul(x, x))")
// 1/x; x = 0 is a DomainError over exact scalars and ±inf over float/double.
// x ← (δ⊙(ix⊙ix))*(−1) with ix = 1/x the forward value, as TorchLean computes it.
template <>
struct Pointwise<Op::Inv> {
  static constexpr std::string_view domainMessage = "division by zero";
  template <class T>
  static bool outsideDomain(const T& x) {
    return mayBeZero(x);
  }
  template <class T>
  static T value(const T& x, const T*) {
    return quotient(T(1), x);
  }
  template <int k, class T>
  static T grad(const T& g, const T&, const T& ix, const T*) {
    return (g * (ix * ix)) * T(-1);
  }
};

}  // namespace verigrad::kernels
