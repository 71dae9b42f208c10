// The spec at the interval scalar: ScalarOps<Interval> (three-way comparison with Ambiguous, hull,
// division, the elementary functions) and literalTo<Interval>. Include it before instantiating any
// spec template at Interval (spec.hpp does).
//
// Only the scalar's arithmetic is used here: MPFI's outward-rounded operations, its three-way
// comparison and hull. The kink conventions are the spec's own (scalar.hpp, dual.hpp), decided
// from compare() alone; the scalar's convention helpers (reluValue, signOf, maxMaskFirst, ...) are
// the engine's and are not called.
#pragma once

#include <utility>

#include "verigrad/interval.hpp"
#include "verigrad/spec/scalar.hpp"

namespace verigrad::spec {

template <>
struct ScalarOps<Interval> {
  static constexpr bool kTranscendental = true;

  static Order compare(const Interval& a, const Interval& b) {
    switch (verigrad::compare(a, b)) {
      case Ordering::Less:
        return Order::Less;
      case Ordering::Equal:
        return Order::Equal;
      case Ordering::Greater:
        return Order::Greater;
      case Ordering::Ambiguous:
        break;
    }
    return Order::Ambiguous;
  }

  static Interval hull(const Interval& a, const Interval& b) { return verigrad::hull(a, b); }

  // The NaN enclosure: never narrow, overlaps everything, so a result built from it is counted
  // as inconclusive, never as a pass. (The scalar offers no NaN or unbounded constructor; its
  // quotient by an enclosure containing 0 is documented to answer NaN.)
  static Interval unknown() { return verigrad::quotient(Interval(0), Interval(0)); }

  // Precondition: b's enclosure excludes 0 (ops report a DomainError first, as for an exact zero
  // divisor). Should it not, the answer is unknown() rather than MPFI's [-inf, +inf].
  static Interval divide(const Interval& a, const Interval& b) {
    Result<Interval> q = verigrad::divide(a, b);
    if (q.ok()) return std::move(q).value();
    return unknown();
  }

  static Interval exp(const Interval& x) { return verigrad::exp(x); }
  static Interval tanh(const Interval& x) { return verigrad::tanh(x); }
  // Preconditions as in scalar.hpp; outside them, unknown().
  static Interval log(const Interval& x) {
    Result<Interval> y = verigrad::log(x);
    if (y.ok()) return std::move(y).value();
    return unknown();
  }
  static Interval log1p(const Interval& x) {
    Result<Interval> y = verigrad::log1p(x);
    if (y.ok()) return std::move(y).value();
    return unknown();
  }
  // x encloses a number >= 0 (the spec has applied max(x, 0)); the enclosure may still reach below
  // 0 (a hull of both branches), and MPFI's square root of the non-negative part is the answer.
  static Interval sqrtOfNonNegative(const Interval& x) { return verigrad::sqrt(x); }
};

template <>
Result<Interval> literalTo<Interval>(const ExactLiteral& literal);

}  // namespace verigrad::spec
