// The Activation family's kernels (sqrt, sigmoid, tanh, softplus, exp, log, safeLog): op by op,
// the forward value and the VJP side by side, with TorchLean's formulas (reference §5.2.3).
// Local derivative g(x), VJP x ← δ ⊙ g(x). Over float/double the elementary functions are the
// libm's (elementary.hpp); over the interval scalar they are MPFI's, found by ADL. Never
// instantiated for the exact rational (compile refuses these ops there).
#pragma once

#include <string>

#include "elementary.hpp"
#include "fault_injection.hpp"
#include "kernel_api.hpp"
#include "kernel_loops.hpp"
#include "scalar_conventions.hpp"
#include "verigrad/op.hpp"
#include "verigrad/scalar_traits.hpp"

namespace verigrad::kernels {

namespace activation {

using loops::emit;
using loops::numelOf;
using loops::produce;

// ---- sqrt — ops.def: VG_OP(Sqrt, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// sqrt(max(x, 0)), total; derivative 1/(2 sqrt x) for x > 0, else 0.
template <class T>
Status forwardSqrt(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return sqrt(x[i]); });
}
template <Accum M, class T>
void vjpSqrt(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * sqrtDerivative(x[i]); });
}

// ---- sigmoid — s = 1/(1 + exp(-x)); derivative s(1 − s) from the forward value.
template <class T>
Status forwardSigmoid(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return sigmoid(x[i]); });
}
template <Accum M, class T>
void vjpSigmoid(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* s = a.out.data;
  const T one(1);
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * (s[i] * (one - s[i])); });
}

// ---- tanh — derivative 1 − tanh(x)² from the forward value.
template <class T>
Status forwardTanh(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return tanh(x[i]); });
}
template <Accum M, class T>
void vjpTanh(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* y = a.out.data;
  const T one(1);
  emit<M>(dst, numelOf(a), [&](int64_t i) {
    if constexpr (fault::kFaultTanhVjp) return g[i] * (one - y[i]);
    return g[i] * (one - y[i] * y[i]);
  });
}

// ---- softplus — log(1 + exp(x)); derivative sigmoid(x).
template <class T>
Status forwardSoftplus(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return softplus(x[i]); });
}
template <Accum M, class T>
void vjpSoftplus(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * sigmoid(x[i]); });
}

// ---- exp — derivative exp(x), the forward value.
template <class T>
Status forwardExp(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  return produce(out, numelOf(a), [&](int64_t i) { return exp(x[i]); });
}
template <Accum M, class T>
void vjpExp(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* y = a.out.data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return g[i] * y[i]; });
}

// ---- log — defined for x > 0: over the interval scalar an enclosure not certainly > 0 is a
// DomainError naming the node and element (TorchLean panics); over float/double the IEEE value
// (-inf at 0, NaN below) stands. Derivative 1/x, applied as δ / x (one rounding).
template <class T>
Status forwardLog(const NodeArgs<T>& a, T* out) {
  const int64_t n = numelOf(a);
  const T* x = a.in[0].data;
  if constexpr (ScalarTraits<T>::domainErrors) {
    for (int64_t i = 0; i < n; ++i) {
      if (mayBeNonPositive(x[i])) return domainError(a, i, "log of a value that is not > 0");
    }
  }
  return produce(out, n, [&](int64_t i) { return logPositive(x[i]); });
}
template <Accum M, class T>
void vjpLog(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  emit<M>(dst, numelOf(a), [&](int64_t i) { return quotient(g[i], x[i]); });
}

// ---- safeLog — log(softplus(x) + ε), ε > 0 (the builder checks): the argument is > 0 for every
// x, so there is no domain error. Derivative sigmoid(x) / (softplus(x) + ε).
template <class T>
Status forwardSafeLog(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T& eps = a.lits[0];
  return produce(out, numelOf(a), [&](int64_t i) { return logPositive(softplus(x[i]) + eps); });
}
template <Accum M, class T>
void vjpSafeLog(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const T& eps = a.lits[0];
  emit<M>(dst, numelOf(a), [&](int64_t i) {
    return g[i] * quotient(sigmoid(x[i]), softplus(x[i]) + eps);
  });
}

template <Accum M, class T>
void vjpWithMode(const NodeArgs<T>& a, const T* g, T* dst) {
  switch (a.node->op) {
    case Op::Sqrt: return vjpSqrt<M>(a, g, dst);
    case Op::Sigmoid: return vjpSigmoid<M>(a, g, dst);
    case Op::Tanh: return vjpTanh<M>(a, g, dst);
    case Op::Softplus: return vjpSoftplus<M>(a, g, dst);
    case Op::Exp: return vjpExp<M>(a, g, dst);
    case Op::Log: return vjpLog<M>(a, g, dst);
    case Op::SafeLog: return vjpSafeLog<M>(a, g, dst);
    default: return;  // not an activation: forwardActivation has already reported it
  }
}

}  // namespace activation

template <class T>
Status forwardActivation(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
    case Op::Sqrt: return activation::forwardSqrt(a, out);
    case Op::Sigmoid: return activation::forwardSigmoid(a, out);
    case Op::Tanh: return activation::forwardTanh(a, out);
    case Op::Softplus: return activation::forwardSoftplus(a, out);
    case Op::Exp: return activation::forwardExp(a, out);
    case Op::Log: return activation::forwardLog(a, out);
    case Op::SafeLog: return activation::forwardSafeLog(a, out);
    default:
      return Error::make(
          ErrorCode::Internal,
          "forwardActivation called for op '" + std::string(opName(a.node->op)) + "'", a.id);
  }
}

// Every activation has one operand; the mode is decided once per call.
template <class T>
void vjpActivation(const NodeArgs<T>& a, int /*operand*/, const T* g, T* dst, Accum mode) {
  if (mode == Accum::Assign) {
    activation::vjpWithMode<Accum::Assign>(a, g, dst);
  } else {
    activation::vjpWithMode<Accum::Add>(a, g, dst);
  }
}

}  // namespace verigrad::kernels
