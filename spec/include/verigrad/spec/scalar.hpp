// The scalar helpers every spec definition goes through: three-way comparison, literal conversion
// and the piecewise functions (relu, abs, max, min, clamp, sign) at a plain scalar S.
//
// Every branch of a piecewise definition is decided by compare() alone. An interval scalar cannot
// always decide (overlapping enclosures), so it will add an Ambiguous outcome and overload these
// few functions to return the hull of both branches; no definition elsewhere compares scalars.
#pragma once

#include <cstdint>
#include <type_traits>

#include "verigrad/exact_literal.hpp"
#include "verigrad/result.hpp"

namespace verigrad {
class Rational;
}

namespace verigrad::spec {

template <class S>
struct Dual;

template <class T>
struct IsDual : std::false_type {};
template <class S>
struct IsDual<Dual<S>> : std::true_type {};

// A scalar the spec computes with directly (not a dual number).
template <class S>
concept PlainScalar = !IsDual<S>::value;

enum class Order { Less, Equal, Greater };

template <PlainScalar S>
Order compare(const S& a, const S& b) {
  if (a < b) return Order::Less;
  if (b < a) return Order::Greater;
  return Order::Equal;
}

template <PlainScalar S>
bool isZero(const S& x) {
  return compare(x, S(0)) == Order::Equal;
}

// The exact literal of a graph attribute (scale c, clamp lo/hi, const payload) as an S. Defined
// per scalar: the rational is exact; an interval will enclose the literal.
template <PlainScalar S>
Result<S> literalTo(const ExactLiteral& literal);
template <>
Result<Rational> literalTo<Rational>(const ExactLiteral& literal);

// ---- arithmetic that the dual numbers refine (same names, so one definition serves both)

// Precondition: b is not zero (the op reports a DomainError first).
template <PlainScalar S>
S divide(const S& a, const S& b) {
  return a / b;
}
template <PlainScalar S>
S reciprocal(const S& x) {
  return S(1) / x;
}
// x / n for an element count n > 0 (reduceMean, mseLoss).
template <PlainScalar S>
S divideByCount(const S& x, int64_t n) {
  return x / S(n);
}

// ---- piecewise functions (values only; their derivative conventions live in dual.hpp)

// sign(0) = 0.
template <PlainScalar S>
S signum(const S& x) {
  switch (compare(x, S(0))) {
    case Order::Less:
      return S(-1);
    case Order::Greater:
      return S(1);
    case Order::Equal:
      break;
  }
  return S(0);
}

// max(x, 0).
template <PlainScalar S>
S relu(const S& x) {
  return compare(x, S(0)) == Order::Greater ? x : S(0);
}

template <PlainScalar S>
S absolute(const S& x) {
  return compare(x, S(0)) == Order::Less ? S(-x) : x;
}

template <PlainScalar S>
S maximum(const S& a, const S& b) {
  return compare(a, b) == Order::Less ? b : a;
}

template <PlainScalar S>
S minimum(const S& a, const S& b) {
  return compare(a, b) == Order::Greater ? b : a;
}

// min(hi, max(lo, x)), TorchLean's clampSpec; lo <= hi (lo == hi allowed).
template <PlainScalar S>
S clampTo(const S& x, const S& lo, const S& hi) {
  return minimum(hi, maximum(lo, x));
}

}  // namespace verigrad::spec
