// Interval: the rigorous scalar, an RAII wrapper over a raw MPFI interval with outward-rounded
// arithmetic, no raw comparison operators (a three-way comparison that can answer Ambiguous
// instead), and the kink conventions of engine/src/scalar_conventions.hpp as hulls of branches.
//
// Why raw mpfi_t and not Boost's mpfi_float: Boost 1.74's comparison operators terminate the
// process on overlapping operands (an exception thrown through noexcept), and its expression
// templates break lower()/upper()/in() on temporaries. Owning the mpfi_t means no such operator
// exists to be called by accident, every endpoint decision is written out here, and NaN
// enclosures (which MPFI produces, e.g. for inf - inf) are handled explicitly.
//
// Precision policy: one process-wide default (256 bits), fixed at most once and frozen as soon as
// it is first read, so every default-precision Interval of a run has the same precision. Each
// Interval carries its own precision; a binary operation computes at the larger of its operands'
// precisions.
//
// Division policy: there is no operator/ (MPFI answers [-inf, +inf] for a divisor containing 0,
// which would silently turn a domain error into an inconclusive case); `divide` returns a
// DomainError instead, so a kernel cannot forget the check.
#pragma once

#include <mpfi.h>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "verigrad/exact_literal.hpp"
#include "verigrad/rational.hpp"
#include "verigrad/result.hpp"

namespace verigrad {

namespace detail {
struct IntervalAccess;  // construction at a given precision and raw writes; interval.cpp only
}

// The answer of a comparison between two enclosures. Equal means both are the same point;
// Ambiguous means the enclosures overlap (or one is NaN), so the order of the true values is
// not known.
enum class Ordering : uint8_t { Less, Equal, Greater, Ambiguous };

const char* orderingName(Ordering ordering);

class Interval {
 public:
  static constexpr long kDefaultPrecision = 256;
  static constexpr long kMinPrecision = 16;
  static constexpr long kMaxPrecision = 1L << 16;

  // Fixes the process-wide default precision. Succeeds once (again with the same value); an
  // InvalidArgument error when bits is outside [kMinPrecision, kMaxPrecision] or the default is
  // already fixed at another value, including by a read (defaultPrecision, or building any
  // Interval at the default precision). Call it at the start of main.
  static Status setDefaultPrecision(long bits);
  static long defaultPrecision();  // freezes the default

  // At the default precision. Integers are points when the precision holds them (always at 64
  // bits and more), else outward-rounded enclosures.
  Interval();           // the point 0
  Interval(int n);      // NOLINT: integers convert implicitly, as for Rational
  Interval(int64_t n);  // NOLINT
  // Rigorous enclosures (mpfi_set_q): not a point unless the rational is a dyadic that fits.
  explicit Interval(const Rational& q);
  explicit Interval(const ExactLiteral& x);

  // The same at an explicit precision; InvalidArgument outside [kMinPrecision, kMaxPrecision].
  static Result<Interval> fromRational(const Rational& q, long bits);
  static Result<Interval> fromInt(int64_t n, long bits);
  // A point when the precision holds the double (always at 53 bits and more), else an
  // outward-rounded enclosure; DomainError for NaN and infinities.
  static Result<Interval> fromDouble(double x);
  static Result<Interval> fromDouble(double x, long bits);
  // [lo, hi] with lo rounded down and hi rounded up; InvalidArgument when lo > hi.
  static Result<Interval> fromEndpoints(const Rational& lo, const Rational& hi);
  static Result<Interval> fromEndpoints(const Rational& lo, const Rational& hi, long bits);

  Interval(const Interval& o);
  Interval(Interval&& o) noexcept;  // a moved-from Interval may only be assigned or destroyed
  Interval& operator=(const Interval& o);
  Interval& operator=(Interval&& o) noexcept;
  ~Interval();

  long precision() const;
  bool isNaN() const;                          // an endpoint is NaN: the enclosure says nothing
  bool isBounded() const;                      // both endpoints finite (and not NaN)
  bool isPoint() const;                        // bounded and lo == hi
  bool containsZero() const;                   // lo <= 0 <= hi; true for NaN (0 is not excluded)
  bool certainlyPositive() const;              // lo > 0
  bool certainlyNegative() const;              // hi < 0
  bool certainlyNonNegative() const;           // lo >= 0
  bool contains(const Rational& q) const;      // q in [lo, hi]; false for NaN
  bool contains(const Interval& inner) const;  // inner within [lo, hi]; false for NaN

  // Exact endpoints (MPFR values are dyadic rationals). Overflow for an infinite endpoint or an
  // exponent beyond 2^24 (a rational that large risks GMP's uncatchable allocation abort);
  // DomainError for NaN.
  Result<Rational> lower() const;
  Result<Rational> upper() const;
  Result<Rational> width() const;          // hi - lo
  Result<Rational> relativeWidth() const;  // (hi - lo) / max(|lo|, |hi|); 0 for [0, 0]
  Result<Rational> midpoint() const;       // (lo + hi) / 2

  // "[lo, hi]" in decimal with lo rounded down and hi rounded up, so the text still encloses;
  // enough digits to tell neighbouring values of this precision apart.
  std::string str() const;

  // Read-only access for MPFR-level code (oracle, tests). The value belongs to this object.
  mpfi_srcptr raw() const { return v_; }

  Interval operator-() const;
  Interval& operator+=(const Interval& o);
  Interval& operator-=(const Interval& o);
  Interval& operator*=(const Interval& o);

  friend Interval operator+(const Interval& a, const Interval& b);
  friend Interval operator-(const Interval& a, const Interval& b);
  friend Interval operator*(const Interval& a, const Interval& b);
  friend std::ostream& operator<<(std::ostream& os, const Interval& x);

 private:
  struct Uninitialized {};
  Interval(Uninitialized, long bits);  // NaN endpoints at `bits`; callers set the value

  mpfi_t v_;

  friend struct detail::IntervalAccess;
};

// ---- Comparison, set operations, acceptance width

Ordering compare(const Interval& a, const Interval& b);
// False only when the enclosures are provably disjoint (NaN overlaps everything).
bool overlaps(const Interval& a, const Interval& b);
// The smallest interval containing both (NaN if either is NaN).
Interval hull(const Interval& a, const Interval& b);
// The common part; nullopt when provably disjoint. NaN if either is NaN (disjointness unknown).
std::optional<Interval> intersect(const Interval& a, const Interval& b);
// design.md's acceptance width: bounded and hi - lo <= max(2^-floor(p/2) * max(|lo|, |hi|),
// absoluteFloor), p = x.precision(). Decided with upward-rounded width and downward-rounded
// threshold, so a true answer is rigorous.
bool isNarrow(const Interval& x, const Rational& absoluteFloor);

// ---- Arithmetic and elementary functions (outward rounding, precision of the operands)

// DomainError when the divisor contains 0 (or is NaN).
Result<Interval> divide(const Interval& a, const Interval& b);
Interval square(const Interval& x);  // [0, max^2] when x straddles 0, unlike x * x
Interval exp(const Interval& x);
Interval expm1(const Interval& x);
Interval tanh(const Interval& x);
// DomainError unless x is certainly positive (an enclosure reaching 0 or below, or NaN).
Result<Interval> log(const Interval& x);
// DomainError unless x is certainly greater than -1.
Result<Interval> log1p(const Interval& x);
// Totalised as TorchLean: sqrt(max(x, 0)); never fails.
Interval sqrt(const Interval& x);
Interval sigmoid(const Interval& x);   // 1 / (1 + exp(-x)), x used once: no dependency widening
Interval softplus(const Interval& x);  // log1p(exp(x))

// ---- Division inside generic kernels (found by ADL from the kernels' unqualified calls, like the
// kink helpers below). A kernel first asks mayBeZero of every divisor and reports a DomainError;
// quotient is then defined. Should a divisor containing 0 reach quotient anyway, the result is
// NaN (an enclosure that is never narrow, so never a pass), not MPFI's [-inf, +inf].
bool mayBeZero(const Interval& x);  // containsZero(): NaN counts as possibly zero
Interval quotient(const Interval& a, const Interval& b);
// The same pattern for log: kernels check mayBeNonPositive, then call logPositive (NaN when the
// argument is not certainly > 0).
bool mayBeNonPositive(const Interval& x);  // !certainlyPositive(): NaN counts
Interval logPositive(const Interval& x);

// ---- Kink conventions (same as engine/src/scalar_conventions.hpp, found by ADL from the
// kernels' unqualified calls). Values are the exact image of the input box, which lies inside
// the hull of both branches; derivatives are the hull of every branch value that some point of
// the inputs can take (relu'(0) = 0, sign(0) = 0, ties 1/2, clamp' = 1 only strictly inside).

Interval reluValue(const Interval& x);
Interval reluDerivative(const Interval& x);
Interval signOf(const Interval& x);
Interval absValue(const Interval& x);
Interval maxValue(const Interval& a, const Interval& b);
Interval minValue(const Interval& a, const Interval& b);
Interval maxMaskFirst(const Interval& a, const Interval& b);  // d max(a, b) / da
Interval minMaskFirst(const Interval& a, const Interval& b);  // d min(a, b) / da
Interval clampValue(const Interval& x, const Interval& lo, const Interval& hi);
Interval clampDerivative(const Interval& x, const Interval& lo, const Interval& hi);
// d sqrt(max(x, 0)) / dx: 1 / (2 sqrt(x)) where x > 0, 0 where x <= 0. An enclosure straddling 0
// gives [0, +inf] (unbounded near 0+), which is never narrow: inconclusive, not a wrong answer.
Interval sqrtDerivative(const Interval& x);

}  // namespace verigrad
