// The Elementwise family's kernels: op by op, the forward value and the VJP side by side, with
// TorchLean's formulas (reference §5.2.2–5.2.3) and the kink conventions of scalar_conventions.hpp.
// Included once per scalar by the generated instantiation units (engine/CMakeLists.txt).
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "kernel_api.hpp"
#include "kernel_loops.hpp"
#include "scalar_conventions.hpp"
#include "verigrad/op.hpp"
#include "verigrad/scalar_traits.hpp"

namespace verigrad::kernels {

namespace elementwise {

using loops::emit;
using loops::numelOf;
using loops::produce;
using loops::put;

// Over exact scalars a zero divisor, over intervals a divisor enclosure containing 0, is a
// DomainError at the first such element; over float and double the IEEE quotient (inf/NaN)
// stands. `divisor` is read only when the scalar reports domain errors.
template <class T>
inline Status checkDivisors([[maybe_unused]] const NodeArgs<T>& a,
                            [[maybe_unused]] const T* divisor, [[maybe_unused]] int64_t n) {
  if constexpr (ScalarTraits<T>::domainErrors) {
    for (int64_t i = 0; i < n; ++i) {
      if (mayBeZero(divisor[i])) return domainError(a, i, "division by zero");
    }
  }
  return okStatus();
}

// ---- add — ops.def: VG_OP(Add, ..., "a[*s] b[*s] -> [*s]", "a: g; b: g")
template <class T>
Status forwardAdd(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  return produce(out, numelOf(a), [&](int64_t i) { return x[i] + y[i]; });
}
// a ← δ, b ← δ. For `add x x` the sweep sums both contributions (δ + δ).
template <Accum M, class T>
void vjpAdd(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  emit<M>(dst, numelOf(a), [&](int64_t i) { return T(g[i]); });
}

// ---- sub — ops.def: VG_OP(Sub, ..., "a[*s] b[*s] -> [*s]", "a: g; b: g")
template <class T>
Status forwardSub(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  return produce(out, numelOf(a), [&](int64_t i) { return x[i] - y[i]; });
}
// a ← δ, b ← 0 − δ (TorchLean's `fill 0 − δ`, kept as a subtraction: over floats 0 − (+0) is
// +0 where negation would give −0).
template <Accum M, class T>
void vjpSub(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  if (operand == 0) {
    emit<M>(dst, numelOf(a), [&](int64_t i) { return T(g[i]); });
  } else {
    const T zero(0);
    emit<M>(dst, numelOf(a), [&](int64_t i) { return zero - g[i]; });
  }
}

// ---- mul — ops.def: VG_OP(Mul, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, b); b: mul(g, a)")
template <class T>
Status forwardMul(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  return produce(out, numelOf(a), [&](int64_t i) { return x[i] * y[i]; });
}
// a ← δ⊙b, b ← δ⊙a: each operand receives δ times the *other* operand.
template <Accum M, class T>
void vjpMul(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  const T* other = a.in[operand == 0 ? 1 : 0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * other[i]; });
}

// ---- div — ops.def: VG_OP(Div, ..., "a[*s] b[*s] -> [*s]",
//                           "a: div(g, b); b: mul(g, div(a, mul(b, b)))")
// A convenience op beyond TorchLean; b = 0 is a DomainError over exact scalars.
template <class T>
Status forwardDiv(const NodeArgs<T>& a, T* out) {
  const int64_t n = numelOf(a);
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  VG_TRY_STATUS(checkDivisors(a, y, n));
  return produce(out, n, [&](int64_t i) { return quotient(x[i], y[i]); });
}
// a ← δ / b, b ← 0 − (δ⊙a)/(b⊙b). Over exact scalars the forward pass has already rejected a
// zero divisor, so these divisions are defined.
template <Accum M, class T>
void vjpDiv(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  if (operand == 0) {
    emit<M>(dst, numelOf(a), [&](int64_t i) { return quotient(g[i], y[i]); });
  } else {
    const T zero(0);
    emit<M>(dst, numelOf(a), [&](int64_t i) { return zero - quotient(g[i] * x[i], y[i] * y[i]); });
  }
}

// ---- square — ops.def: VG_OP(Square, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// TorchLean's `mul x x` as a one-operand op.
template <class T>
Status forwardSquare(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return x[i] * x[i]; });
}
// x ← δ⊙x + δ⊙x: the two operand slots of `mul x x` summed, as TorchLean's sweep would.
template <Accum M, class T>
void vjpSquare(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) {
    T half = g[i] * x[i];
    return half + half;
  });
}

// ---- scale — ops.def: VG_OP(Scale, ..., "c:lit", "x[*s] -> [*s]", "x: scale(g)")
template <class T>
Status forwardScale(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T& c = a.lits[0];
  return produce(out, numelOf(a), [&](int64_t i) { return x[i] * c; });
}
// x ← δ * c.
template <Accum M, class T>
void vjpScale(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T& c = a.lits[0];
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * c; });
}

// ---- max — ops.def: VG_OP(Max, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, a); b: mul(g, b)")
template <class T>
Status forwardMax(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  return produce(out, numelOf(a), [&](int64_t i) { return maxValue(x[i], y[i]); });
}
// a ← mA⊙δ, b ← mB⊙δ with mA = maxMaskFirst(a, b), mB = maxMaskFirst(b, a) (ties: ½ each).
template <Accum M, class T>
void vjpMax(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  const T* self = a.in[operand == 0 ? 0 : 1].data;
  const T* other = a.in[operand == 0 ? 1 : 0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return maxMaskFirst(self[i], other[i]) * g[i]; });
}

// ---- min — ops.def: VG_OP(Min, ..., "a[*s] b[*s] -> [*s]", "a: mul(g, a); b: mul(g, b)")
template <class T>
Status forwardMin(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  return produce(out, numelOf(a), [&](int64_t i) { return minValue(x[i], y[i]); });
}
// Mirror image of max: a ← minMaskFirst(a, b)⊙δ, b ← minMaskFirst(b, a)⊙δ.
template <Accum M, class T>
void vjpMin(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  const T* self = a.in[operand == 0 ? 0 : 1].data;
  const T* other = a.in[operand == 0 ? 1 : 0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return minMaskFirst(self[i], other[i]) * g[i]; });
}

// ---- abs — ops.def: VG_OP(Abs, ..., "x[*s] -> [*s]", "x: mul(g, x)")
template <class T>
Status forwardAbs(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return absValue(x[i]); });
}
// x ← sign(x)⊙δ, sign(0) = 0.
template <Accum M, class T>
void vjpAbs(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return signOf(x[i]) * g[i]; });
}

// ---- clamp — ops.def: VG_OP(Clamp, ..., "lo:lit hi:lit", "x[*s] -> [*s]", "x: mul(g, x)")
// The builder rejects lo > hi; lo == hi is allowed (derivative 0 everywhere).
template <class T>
Status forwardClamp(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T& lo = a.lits[0];
  const T& hi = a.lits[1];
  return produce(out, numelOf(a), [&](int64_t i) { return clampValue(x[i], lo, hi); });
}
// x ← clamp'(x)⊙δ, the derivative 1 only strictly inside (lo, hi).
template <Accum M, class T>
void vjpClamp(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const T& lo = a.lits[0];
  const T& hi = a.lits[1];
  emit<M>(dst, numelOf(a), [&](int64_t i) { return clampDerivative(x[i], lo, hi) * g[i]; });
}

// ---- relu — ops.def: VG_OP(Relu, ..., "x[*s] -> [*s]", "x: mul(g, x)")
template <class T>
Status forwardRelu(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return reluValue(x[i]); });
}
// x ← relu'(x)⊙δ, relu'(0) = 0.
template <Accum M, class T>
void vjpRelu(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return reluDerivative(x[i]) * g[i]; });
}

// ---- inv — ops.def: VG_OP(Inv, ..., "x[*s] -> [*s]", "x: mul(g, mul(x, x))")
// 1/x; x = 0 is a DomainError over exact scalars and ±inf over float/double.
template <class T>
Status forwardInv(const NodeArgs<T>& a, T* out) {
  const int64_t n = numelOf(a);
  const T* x = a.in[0].data;
  VG_TRY_STATUS(checkDivisors(a, x, n));
  const T one(1);
  return produce(out, n, [&](int64_t i) { return quotient(one, x[i]); });
}
// x ← (δ⊙(ix⊙ix))*(−1) with ix = 1/x, the forward value (a.out), as TorchLean computes it.
template <Accum M, class T>
void vjpInv(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst) {
  const T* ix = a.out.data;
  const T minusOne(-1);
  emit<M>(dst, numelOf(a), [&](int64_t i) { return (g[i] * (ix[i] * ix[i])) * minusOne; });
}

template <Accum M, class T>
void vjpWithMode(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  switch (a.node->op) {
    case Op::Add:
      return vjpAdd<M>(a, operand, g, dst);
    case Op::Sub:
      return vjpSub<M>(a, operand, g, dst);
    case Op::Mul:
      return vjpMul<M>(a, operand, g, dst);
    case Op::Div:
      return vjpDiv<M>(a, operand, g, dst);
    case Op::Square:
      return vjpSquare<M>(a, operand, g, dst);
    case Op::Scale:
      return vjpScale<M>(a, operand, g, dst);
    case Op::Max:
      return vjpMax<M>(a, operand, g, dst);
    case Op::Min:
      return vjpMin<M>(a, operand, g, dst);
    case Op::Abs:
      return vjpAbs<M>(a, operand, g, dst);
    case Op::Clamp:
      return vjpClamp<M>(a, operand, g, dst);
    case Op::Relu:
      return vjpRelu<M>(a, operand, g, dst);
    case Op::Inv:
      return vjpInv<M>(a, operand, g, dst);
    default:
      return;  // not an elementwise op: forwardElementwise has already reported it
  }
}

}  // namespace elementwise

template <class T>
Status forwardElementwise(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
    case Op::Add:
      return elementwise::forwardAdd(a, out);
    case Op::Sub:
      return elementwise::forwardSub(a, out);
    case Op::Mul:
      return elementwise::forwardMul(a, out);
    case Op::Div:
      return elementwise::forwardDiv(a, out);
    case Op::Square:
      return elementwise::forwardSquare(a, out);
    case Op::Scale:
      return elementwise::forwardScale(a, out);
    case Op::Max:
      return elementwise::forwardMax(a, out);
    case Op::Min:
      return elementwise::forwardMin(a, out);
    case Op::Abs:
      return elementwise::forwardAbs(a, out);
    case Op::Clamp:
      return elementwise::forwardClamp(a, out);
    case Op::Relu:
      return elementwise::forwardRelu(a, out);
    case Op::Inv:
      return elementwise::forwardInv(a, out);
    default:
      return Error::make(
          ErrorCode::Internal,
          "forwardElementwise called for op '" + std::string(opName(a.node->op)) + "'", a.id);
  }
}

// The mode is decided once per call; each op's loop is instantiated for both modes.
template <class T>
void vjpElementwise(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  if (mode == Accum::Assign) {
    elementwise::vjpWithMode<Accum::Assign>(a, operand, g, dst);
  } else {
    elementwise::vjpWithMode<Accum::Add>(a, operand, g, dst);
  }
}

}  // namespace verigrad::kernels
