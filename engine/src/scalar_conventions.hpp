// The kink conventions, stated once (TorchLean's; the spec encodes them independently with dual
// numbers in spec/dual.hpp): relu'(0) = 0; sign(0) = 0; max/min split the gradient 0.5/0.5 at
// ties; clamp's derivative is 1 only strictly inside (lo, hi). Kernels call these, so the
// interval scalar can later overload them with three-way comparisons and hulls.
#pragma once

#include "fault_injection.hpp"

namespace verigrad::kernels {

// Division, written as calls so the interval scalar (which has no operator/) overloads them by
// ADL: kernels ask mayBeZero of a divisor before dividing (a DomainError at exact and interval
// scalars), then call quotient.
template <class T>
inline bool mayBeZero(const T& x) {
  return x == T(0);
}
template <class T>
inline T quotient(const T& a, const T& b) {
  return a / b;
}

template <class T>
inline T reluValue(const T& x) {
  return x > T(0) ? x : T(0);
}
template <class T>
inline T reluDerivative(const T& x) {  // relu'(0) = 0
  if constexpr (fault::kFaultReluKink) return x >= T(0) ? T(1) : T(0);
  return x > T(0) ? T(1) : T(0);
}
template <class T>
inline T signOf(const T& x) {  // sign(0) = 0; abs' = sign
  return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
}
template <class T>
inline T absValue(const T& x) {
  return x < T(0) ? T(-x) : x;
}
template <class T>
inline T maxValue(const T& a, const T& b) {
  return a > b ? a : b;  // on a tie either operand is the value
}
template <class T>
inline T minValue(const T& a, const T& b) {
  return a < b ? a : b;
}
// d max(a,b)/da: 1 if a > b, 0 if b > a, else 1/2 (ties and unordered, e.g. NaN, split evenly).
template <class T>
inline T maxMaskFirst(const T& a, const T& b) {
  if (a > b) return T(1);
  if (b > a) return T(0);
  return quotient(T(1), T(2));
}
// d min(a,b)/da: 1 if a < b, 0 if b < a, else 1/2.
template <class T>
inline T minMaskFirst(const T& a, const T& b) {
  if (a < b) return T(1);
  if (b < a) return T(0);
  return quotient(T(1), T(2));
}
// clamp(x, lo, hi) = min(hi, max(lo, x)).
template <class T>
inline T clampValue(const T& x, const T& lo, const T& hi) {
  return minValue(hi, maxValue(lo, x));
}
template <class T>
inline T clampDerivative(const T& x, const T& lo, const T& hi) {  // 1 only strictly inside
  return (x > lo && hi > x) ? T(1) : T(0);
}

}  // namespace verigrad::kernels
