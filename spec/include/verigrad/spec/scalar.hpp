// The scalar helpers every spec definition goes through: three-way comparison, literal conversion,
// division, the piecewise functions (relu, abs, max, min, clamp, sign) and the elementary
// functions (exp, log, log1p, tanh, sqrt) at a plain scalar S.
//
// Every branch of a piecewise definition is decided by compare() alone. An interval scalar cannot
// always decide (overlapping enclosures): compare then answers Ambiguous and the piecewise
// function returns the hull of every branch it cannot rule out. This is the spec's own hull logic,
// written here from compare() and a hull of two values; it does not use the interval scalar's kink
// helpers (reluValue, signOf, maxMaskFirst, ...), which are the engine's side of the check.
//
// What differs per scalar lives in ScalarOps<S>: the primary template is the exact rational (an
// ordered field with <, /, no transcendental functions); verigrad/spec/interval_scalar.hpp
// specialises it for the interval scalar.
//
// Calls with a plain-scalar argument whose name the scalar's own namespace also declares
// (compare, divide, exp, log, log1p, tanh, sqrt: verigrad::compare(Interval, Interval) and so on)
// are written qualified, spec::compare(...), so argument-dependent lookup cannot pick the
// scalar's function instead of the spec's.
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "verigrad/exact_literal.hpp"
#include "verigrad/result.hpp"

namespace verigrad {
class Rational;
class Interval;
}  // namespace verigrad

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

// The outcome of comparing two scalars. Equal: the same number. Ambiguous: the scalar cannot tell
// (two overlapping, non-identical enclosures); an exact scalar never answers Ambiguous.
enum class Order { Less, Equal, Greater, Ambiguous };

// What the spec needs of a scalar beyond + - * and unary minus. The primary template serves an
// exact ordered field (the rational): comparisons decide, division is exact, no exp or log.
template <class S>
struct ScalarOps {
  // Whether exp, log, log1p, tanh and sqrt exist at S (the Activation and Normalization ops).
  static constexpr bool kTranscendental = false;

  static Order compare(const S& a, const S& b) {
    if (a < b) return Order::Less;
    if (b < a) return Order::Greater;
    return Order::Equal;
  }
  // The hull of two branch values. Only asked for after an Ambiguous comparison, which an exact
  // scalar never answers.
  static S hull(const S& a, const S& /*b*/) {
    assert(false && "an exact comparison is never ambiguous");
    return a;
  }
  // A value that claims nothing (an unbounded derivative). Never asked for at an exact scalar.
  static S unknown() {
    assert(false && "an exact scalar has no unbounded derivative to enclose");
    return S(0);
  }
  // Precondition: b is not zero.
  static S divide(const S& a, const S& b) { return a / b; }
};

// The scalar's name in messages, as the engine and the CLI name it ("'%3 = exp(%0)': exp cannot be
// computed exactly at the exact scalar").
template <class S>
inline constexpr std::string_view kScalarName = "exact";
template <>
inline constexpr std::string_view kScalarName<Rational> = "exact";
template <>
inline constexpr std::string_view kScalarName<Interval> = "interval";

template <PlainScalar S>
Order compare(const S& a, const S& b) {
  return ScalarOps<S>::compare(a, b);
}

// Certainly zero (an exact zero, or the point enclosure [0, 0]).
template <PlainScalar S>
bool isZero(const S& x) {
  return spec::compare(x, S(0)) == Order::Equal;
}

// Not certainly nonzero: a divisor for which the op reports a DomainError (an exact zero, or an
// enclosure that contains 0).
template <PlainScalar S>
bool possiblyZero(const S& x) {
  const Order o = spec::compare(x, S(0));
  return o == Order::Equal || o == Order::Ambiguous;
}

// The hull of two branch values (see ScalarOps::hull).
template <PlainScalar S>
S branchHull(const S& a, const S& b) {
  return ScalarOps<S>::hull(a, b);
}

// The exact literal of a graph attribute (scale c, clamp lo/hi, eps, const payload) as an S.
// Defined per scalar: the rational is exact; the interval encloses the literal (mpfi_set_q).
template <PlainScalar S>
Result<S> literalTo(const ExactLiteral& literal);
template <>
Result<Rational> literalTo<Rational>(const ExactLiteral& literal);

// ---- arithmetic that the dual numbers refine (same names, so one definition serves both)

// Precondition: b is not zero (the op reports a DomainError first, or b is nonzero by
// construction, e.g. a sum of exponentials).
template <PlainScalar S>
S divide(const S& a, const S& b) {
  return ScalarOps<S>::divide(a, b);
}
template <PlainScalar S>
S reciprocal(const S& x) {
  return spec::divide(S(1), x);
}
// x / n for an element count n > 0 (reduceMean, mseLoss, layerNorm).
template <PlainScalar S>
S divideByCount(const S& x, int64_t n) {
  return spec::divide(x, S(n));
}

// ---- piecewise functions (values only; their derivative conventions live in dual.hpp)

// sign(0) = 0.
template <PlainScalar S>
S signum(const S& x) {
  switch (spec::compare(x, S(0))) {
    case Order::Less:
      return S(-1);
    case Order::Greater:
      return S(1);
    case Order::Equal:
      return S(0);
    case Order::Ambiguous:
      break;
  }
  return branchHull(S(-1), S(1));  // contains the third branch, 0
}

// max(x, 0).
template <PlainScalar S>
S relu(const S& x) {
  switch (spec::compare(x, S(0))) {
    case Order::Greater:
      return x;
    case Order::Less:
    case Order::Equal:
      return S(0);
    case Order::Ambiguous:
      break;
  }
  return branchHull(x, S(0));
}

template <PlainScalar S>
S absolute(const S& x) {
  switch (spec::compare(x, S(0))) {
    case Order::Less:
      return S(-x);
    case Order::Greater:
    case Order::Equal:
      return x;
    case Order::Ambiguous:
      break;
  }
  return branchHull(S(-x), x);
}

template <PlainScalar S>
S maximum(const S& a, const S& b) {
  switch (spec::compare(a, b)) {
    case Order::Less:
      return b;
    case Order::Greater:
    case Order::Equal:
      return a;
    case Order::Ambiguous:
      break;
  }
  return branchHull(a, b);
}

template <PlainScalar S>
S minimum(const S& a, const S& b) {
  switch (spec::compare(a, b)) {
    case Order::Greater:
      return b;
    case Order::Less:
    case Order::Equal:
      return a;
    case Order::Ambiguous:
      break;
  }
  return branchHull(a, b);
}

// min(hi, max(lo, x)), TorchLean's clampSpec; lo <= hi (lo == hi allowed).
template <PlainScalar S>
S clampTo(const S& x, const S& lo, const S& hi) {
  return minimum(hi, maximum(lo, x));
}

// ---- elementary functions (only at a scalar with ScalarOps<S>::kTranscendental)

template <PlainScalar S>
S exp(const S& x) {
  return ScalarOps<S>::exp(x);
}
// Precondition: x > 0 (the log op reports a DomainError first; elsewhere the argument is
// positive by construction).
template <PlainScalar S>
S log(const S& x) {
  return ScalarOps<S>::log(x);
}
// Precondition: x > -1.
template <PlainScalar S>
S log1p(const S& x) {
  return ScalarOps<S>::log1p(x);
}
template <PlainScalar S>
S tanh(const S& x) {
  return ScalarOps<S>::tanh(x);
}
// TorchLean's total square root, sqrt(max(x, 0)): the spec takes max(x, 0) itself (relu above,
// a hull when x straddles 0); the scalar's square root is then applied to a value whose true
// number is >= 0, restricted to the non-negative part of its enclosure.
template <PlainScalar S>
S sqrt(const S& x) {
  return ScalarOps<S>::sqrtOfNonNegative(relu(x));
}

}  // namespace verigrad::spec
