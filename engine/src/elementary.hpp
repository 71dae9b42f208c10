// Elementary functions for the transcendental kernels (activation.inl, normalization.inl).
//
// float/double: glibc's libm (exp, log, log1p, tanh, sqrt), composed into sigmoid and softplus
// in one fixed way, so the oracle's rounding model (oracle/src/rounding_model.cpp) can bound each
// op from the libm's documented ulp errors. The interval scalar's overloads of the same names
// (verigrad/interval.hpp: exp, tanh, sqrt, sigmoid, softplus, logPositive, sqrtDerivative) are
// found by ADL from the kernels' unqualified calls and take precedence (non-templates).
#pragma once

#include <cmath>
#include <concepts>

namespace verigrad::kernels {

template <std::floating_point T>
inline T exp(T x) {
  return std::exp(x);
}
template <std::floating_point T>
inline T tanh(T x) {
  return std::tanh(x);
}
// log of an argument the kernel has checked (or, over float/double, IEEE: log(0) = -inf,
// log(negative) = NaN).
template <std::floating_point T>
inline T logPositive(T x) {
  return std::log(x);
}
template <std::floating_point T>
inline bool mayBeNonPositive(T x) {
  return !(x > T(0));
}
// TorchLean's totalised sqrt(max(x, 0)); max(x, 0) as relu (x > 0 ? x : 0).
template <std::floating_point T>
inline T sqrt(T x) {
  return x > T(0) ? std::sqrt(x) : T(0);
}
// d sqrt(max(x, 0)) / dx = 1 / (2 sqrt(x)) if x > 0 else 0 (TorchLean's convention).
template <std::floating_point T>
inline T sqrtDerivative(T x) {
  return x > T(0) ? T(1) / (T(2) * std::sqrt(x)) : T(0);
}
// 1 / (1 + exp(-x)), TorchLean's formula: exp(-x) overflows to +inf for very negative x and the
// quotient is then exactly +0, so no NaN arises.
template <std::floating_point T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}
// log(1 + exp(x)) in the stable form max(x, 0) + log1p(exp(-|x|)): the same real function as
// TorchLean's formula, without its overflow to +inf above x ~ 709 (double) or its loss of every
// digit below x ~ -37 (where 1 + exp(x) rounds to 1).
template <std::floating_point T>
inline T softplus(T x) {
  const T positivePart = x > T(0) ? x : T(0);
  return positivePart + std::log1p(std::exp(-std::fabs(x)));
}

// x², written as a call so the interval scalar's square ([0, max²] for an enclosure straddling 0,
// where x * x would reach below 0) is used there.
template <std::floating_point T>
inline T square(T x) {
  return x * x;
}

}  // namespace verigrad::kernels
