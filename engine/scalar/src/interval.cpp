// Interval: construction, precision policy, endpoint decisions and kink hulls of the MPFI scalar.
#include "verigrad/interval.hpp"

#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <utility>

namespace verigrad {

namespace detail {

// The only way to build an Interval at a chosen precision without a value, and to write into
// one: kept out of the public header so users cannot observe a half-built Interval.
struct IntervalAccess {
  static Interval make(long bits) { return Interval(Interval::Uninitialized{}, bits); }
  static mpfi_ptr ptr(Interval& x) { return x.v_; }
};

}  // namespace detail

namespace {

using Access = detail::IntervalAccess;

// mpfi_set_si takes long: the int64 constructors rely on LP64.
static_assert(sizeof(long) == 8, "Interval assumes an LP64 platform");

// 0 while the default is not fixed (reads then fix it at kDefaultPrecision); else the fixed value.
std::atomic<long> g_defaultPrecision{0};

// Endpoint exponents beyond this are refused by the exact conversions: the rational would need
// more than 2 MiB and GMP aborts the process, uncatchably, when an allocation fails.
constexpr long kMaxExactExponent = 1L << 24;

bool validPrecision(long bits) {
  return bits >= Interval::kMinPrecision && bits <= Interval::kMaxPrecision;
}

Error badPrecision(long bits) {
  return Error::make(ErrorCode::InvalidArgument,
                     "interval precision of " + std::to_string(bits) + " bits is outside [" +
                         std::to_string(Interval::kMinPrecision) + ", " +
                         std::to_string(Interval::kMaxPrecision) + "]");
}

mpfr_srcptr lo(const Interval& x) { return &x.raw()->left; }
mpfr_srcptr hi(const Interval& x) { return &x.raw()->right; }

long widerPrecision(const Interval& a, const Interval& b) {
  return std::max(a.precision(), b.precision());
}

// An mpfr_t with a scope, for temporaries.
class Mpfr {
 public:
  explicit Mpfr(long bits) { mpfr_init2(v_, bits); }
  ~Mpfr() { mpfr_clear(v_); }
  Mpfr(const Mpfr&) = delete;
  Mpfr& operator=(const Mpfr&) = delete;
  mpfr_ptr get() { return v_; }

 private:
  mpfr_t v_;
};

// A fresh Interval's endpoints are NaN (mpfr_init2), which is exactly the "says nothing" value.
Interval nanInterval(long bits) { return Access::make(bits); }

Result<Rational> exactEndpoint(mpfr_srcptr x, const char* which) {
  if (mpfr_nan_p(x)) {
    return Error::make(ErrorCode::DomainError, std::string("interval ") + which + " bound is NaN");
  }
  if (mpfr_inf_p(x)) {
    return Error::make(ErrorCode::Overflow,
                       std::string("interval ") + which + " bound is infinite, not a rational");
  }
  if (mpfr_zero_p(x)) return Rational();
  const long e = mpfr_get_exp(x);
  if (e > kMaxExactExponent || e < -kMaxExactExponent) {
    return Error::make(ErrorCode::Overflow, std::string("interval ") + which +
                                                " bound has binary exponent " + std::to_string(e) +
                                                ", too large for an exact rational");
  }
  Rational::Impl q;
  mpfr_get_q(q.backend().data(), x);  // exact: an MPFR number is a dyadic rational
  return Rational(std::move(q));
}

Result<Rational> maxMagnitude(const Interval& x) {
  auto l = x.lower();
  if (!l.ok()) return l.error();
  auto h = x.upper();
  if (!h.ok()) return h.error();
  const Rational a = l->sign() < 0 ? -l.value() : l.value();
  const Rational b = h->sign() < 0 ? -h.value() : h.value();
  return a < b ? b : a;
}

std::string endpointText(mpfr_srcptr x, bool roundDown, long bits) {
  const int digits = static_cast<int>(mpfr_get_str_ndigits(10, bits));
  char* text = nullptr;
  // Directed decimal rounding keeps the printed interval an enclosure.
  const int n = roundDown ? mpfr_asprintf(&text, "%.*RDg", digits, x)
                          : mpfr_asprintf(&text, "%.*RUg", digits, x);
  if (n < 0 || text == nullptr) return "?";
  std::string out(text);
  mpfr_free_str(text);
  return out;
}

// The derivative branches some point of the inputs can take; the result is their hull.
struct Branches {
  bool minusOne = false;
  bool zero = false;
  bool half = false;
  bool one = false;
};

Interval hullOf(const Branches& b, long bits) {
  const bool on[4] = {b.minusOne, b.zero, b.half, b.one};
  const double value[4] = {-1.0, 0.0, 0.5, 1.0};  // exact at every allowed precision
  int first = -1;
  int last = -1;
  for (int i = 0; i < 4; ++i) {
    if (!on[i]) continue;
    if (first < 0) first = i;
    last = i;
  }
  Interval r = Access::make(bits);
  // Every point of a box takes some branch, so first < 0 would be a bug: answer NaN (no claim).
  if (first >= 0) mpfi_interv_d(Access::ptr(r), value[first], value[last]);
  return r;
}

}  // namespace

const char* orderingName(Ordering ordering) {
  switch (ordering) {
    case Ordering::Less:
      return "Less";
    case Ordering::Equal:
      return "Equal";
    case Ordering::Greater:
      return "Greater";
    case Ordering::Ambiguous:
      return "Ambiguous";
  }
  return "?";
}

// ---- Precision policy

Status Interval::setDefaultPrecision(long bits) {
  if (!validPrecision(bits)) return badPrecision(bits);
  long expected = 0;
  if (g_defaultPrecision.compare_exchange_strong(expected, bits)) return okStatus();
  if (expected == bits) return okStatus();
  return Error::make(ErrorCode::InvalidArgument,
                     "default interval precision is already fixed at " + std::to_string(expected) +
                         " bits (it can be set once, before the first Interval is built)");
}

long Interval::defaultPrecision() {
  long expected = g_defaultPrecision.load();
  if (expected != 0) return expected;
  // First read: fix the default so later set calls cannot change it under existing values.
  if (g_defaultPrecision.compare_exchange_strong(expected, kDefaultPrecision)) {
    return kDefaultPrecision;
  }
  return expected;
}

// ---- Construction

Interval::Interval(Uninitialized, long bits) { mpfi_init2(v_, bits); }

Interval::Interval() : Interval(Uninitialized{}, defaultPrecision()) { mpfi_set_ui(v_, 0); }

Interval::Interval(int n) : Interval(Uninitialized{}, defaultPrecision()) { mpfi_set_si(v_, n); }

Interval::Interval(int64_t n) : Interval(Uninitialized{}, defaultPrecision()) {
  mpfi_set_si(v_, static_cast<long>(n));
}

Interval::Interval(const Rational& q) : Interval(Uninitialized{}, defaultPrecision()) {
  // mpfi_set_q rounds the endpoints outward: the enclosure contains q (design.md, pitfall 8).
  mpfi_set_q(v_, q.impl().backend().data());
}

Interval::Interval(const ExactLiteral& x) : Interval(Rational::fromLiteral(x)) {}

Result<Interval> Interval::fromRational(const Rational& q, long bits) {
  if (!validPrecision(bits)) return badPrecision(bits);
  Interval r(Uninitialized{}, bits);
  mpfi_set_q(r.v_, q.impl().backend().data());
  return r;
}

Result<Interval> Interval::fromInt(int64_t n, long bits) {
  if (!validPrecision(bits)) return badPrecision(bits);
  Interval r(Uninitialized{}, bits);
  mpfi_set_si(r.v_, static_cast<long>(n));
  return r;
}

Result<Interval> Interval::fromDouble(double x) { return fromDouble(x, defaultPrecision()); }

Result<Interval> Interval::fromDouble(double x, long bits) {
  if (!validPrecision(bits)) return badPrecision(bits);
  if (!std::isfinite(x)) {
    return Error::make(ErrorCode::DomainError, "interval from a non-finite double");
  }
  Interval r(Uninitialized{}, bits);
  mpfi_set_d(r.v_, x);
  return r;
}

Result<Interval> Interval::fromEndpoints(const Rational& l, const Rational& h) {
  return fromEndpoints(l, h, defaultPrecision());
}

Result<Interval> Interval::fromEndpoints(const Rational& l, const Rational& h, long bits) {
  if (!validPrecision(bits)) return badPrecision(bits);
  if (h < l) {
    return Error::make(ErrorCode::InvalidArgument,
                       "interval endpoints out of order: [" + l.str() + ", " + h.str() + "]");
  }
  Mpfr a(bits);
  Mpfr b(bits);
  mpfr_set_q(a.get(), l.impl().backend().data(), MPFR_RNDD);
  mpfr_set_q(b.get(), h.impl().backend().data(), MPFR_RNDU);
  Interval r(Uninitialized{}, bits);
  mpfi_interv_fr(r.v_, a.get(), b.get());
  return r;
}

Interval::Interval(const Interval& o) : Interval(Uninitialized{}, mpfi_get_prec(o.v_)) {
  mpfi_set(v_, o.v_);
}

Interval::Interval(Interval&& o) noexcept {
  // Steal the limbs; a null limb pointer marks the source as moved-from for ~Interval and
  // operator=, the only operations it still supports (as with Boost's GMP backends).
  v_[0] = o.v_[0];
  o.v_->left._mpfr_d = nullptr;
  o.v_->right._mpfr_d = nullptr;
}

Interval& Interval::operator=(const Interval& o) {
  if (this == &o) return *this;
  const mpfr_prec_t bits = mpfi_get_prec(o.v_);
  if (v_->left._mpfr_d == nullptr) {
    mpfi_init2(v_, bits);
  } else if (mpfi_get_prec(v_) != bits) {
    mpfi_set_prec(v_, bits);
  }
  mpfi_set(v_, o.v_);  // same precision: exact
  return *this;
}

Interval& Interval::operator=(Interval&& o) noexcept {
  if (this != &o) mpfi_swap(v_, o.v_);
  return *this;
}

Interval::~Interval() {
  if (v_->left._mpfr_d != nullptr) mpfi_clear(v_);
}

// ---- Queries

long Interval::precision() const { return mpfi_get_prec(v_); }

bool Interval::isNaN() const { return mpfi_nan_p(v_) != 0; }

bool Interval::isBounded() const {
  return !isNaN() && mpfr_number_p(&v_->left) && mpfr_number_p(&v_->right);
}

bool Interval::isPoint() const { return isBounded() && mpfr_equal_p(&v_->left, &v_->right); }

// NaN is tested first everywhere below: mpfr_sgn and mpfr_cmp of a NaN answer 0 (and only set
// a flag), which would read as "touches zero" or "equal".
bool Interval::containsZero() const {
  if (isNaN()) return true;
  return mpfr_sgn(&v_->left) <= 0 && mpfr_sgn(&v_->right) >= 0;
}

bool Interval::certainlyPositive() const { return !isNaN() && mpfr_sgn(&v_->left) > 0; }

bool Interval::certainlyNegative() const { return !isNaN() && mpfr_sgn(&v_->right) < 0; }

bool Interval::certainlyNonNegative() const { return !isNaN() && mpfr_sgn(&v_->left) >= 0; }

bool Interval::contains(const Rational& q) const {
  if (isNaN()) return false;
  mpq_srcptr p = q.impl().backend().data();
  return mpfr_cmp_q(&v_->left, p) <= 0 && mpfr_cmp_q(&v_->right, p) >= 0;
}

bool Interval::contains(const Interval& inner) const {
  if (isNaN() || inner.isNaN()) return false;
  return mpfr_lessequal_p(&v_->left, lo(inner)) && mpfr_greaterequal_p(&v_->right, hi(inner));
}

Result<Rational> Interval::lower() const { return exactEndpoint(&v_->left, "lower"); }

Result<Rational> Interval::upper() const { return exactEndpoint(&v_->right, "upper"); }

Result<Rational> Interval::width() const {
  auto l = lower();
  if (!l.ok()) return l.error();
  auto h = upper();
  if (!h.ok()) return h.error();
  return h.value() - l.value();
}

Result<Rational> Interval::relativeWidth() const {
  auto w = width();
  if (!w.ok()) return w.error();
  auto mag = maxMagnitude(*this);
  if (!mag.ok()) return mag.error();
  if (mag->isZero()) return Rational();  // [0, 0]: width 0 as well
  return w.value() / mag.value();
}

Result<Rational> Interval::midpoint() const {
  auto l = lower();
  if (!l.ok()) return l.error();
  auto h = upper();
  if (!h.ok()) return h.error();
  return (l.value() + h.value()) / Rational(2);
}

std::string Interval::str() const {
  const long bits = precision();
  return "[" + endpointText(&v_->left, true, bits) + ", " + endpointText(&v_->right, false, bits) +
         "]";
}

std::ostream& operator<<(std::ostream& os, const Interval& x) { return os << x.str(); }

// ---- Arithmetic

Interval Interval::operator-() const {
  Interval r(Uninitialized{}, precision());
  mpfi_neg(r.v_, v_);
  return r;
}

Interval operator+(const Interval& a, const Interval& b) {
  Interval r = Access::make(widerPrecision(a, b));
  mpfi_add(Access::ptr(r), a.raw(), b.raw());
  return r;
}

Interval operator-(const Interval& a, const Interval& b) {
  Interval r = Access::make(widerPrecision(a, b));
  mpfi_sub(Access::ptr(r), a.raw(), b.raw());
  return r;
}

Interval operator*(const Interval& a, const Interval& b) {
  Interval r = Access::make(widerPrecision(a, b));
  mpfi_mul(Access::ptr(r), a.raw(), b.raw());
  return r;
}

// Through a fresh result, so the wider precision of the two operands is kept.
Interval& Interval::operator+=(const Interval& o) { return *this = *this + o; }
Interval& Interval::operator-=(const Interval& o) { return *this = *this - o; }
Interval& Interval::operator*=(const Interval& o) { return *this = *this * o; }

Result<Interval> divide(const Interval& a, const Interval& b) {
  if (b.containsZero()) {
    return Error::make(ErrorCode::DomainError,
                       "division by an interval that contains 0: " + b.str());
  }
  Interval r = Access::make(widerPrecision(a, b));
  mpfi_div(Access::ptr(r), a.raw(), b.raw());
  return r;
}

Interval square(const Interval& x) {
  Interval r = Access::make(x.precision());
  mpfi_sqr(Access::ptr(r), x.raw());
  return r;
}

Interval exp(const Interval& x) {
  Interval r = Access::make(x.precision());
  mpfi_exp(Access::ptr(r), x.raw());
  return r;
}

Interval expm1(const Interval& x) {
  Interval r = Access::make(x.precision());
  mpfi_expm1(Access::ptr(r), x.raw());
  return r;
}

Interval tanh(const Interval& x) {
  Interval r = Access::make(x.precision());
  mpfi_tanh(Access::ptr(r), x.raw());
  return r;
}

Result<Interval> log(const Interval& x) {
  // MPFI would answer a NaN lower bound for an enclosure reaching 0; an error is the design's
  // answer, also when only part of the enclosure is outside the domain.
  if (!x.certainlyPositive()) {
    return Error::make(ErrorCode::DomainError,
                       "log of an enclosure that is not certainly positive: " + x.str());
  }
  Interval r = Access::make(x.precision());
  mpfi_log(Access::ptr(r), x.raw());
  return r;
}

Result<Interval> log1p(const Interval& x) {
  if (x.isNaN() || mpfr_cmp_si(lo(x), -1) <= 0) {
    return Error::make(ErrorCode::DomainError,
                       "log1p of an enclosure that is not certainly above -1: " + x.str());
  }
  Interval r = Access::make(x.precision());
  mpfi_log1p(Access::ptr(r), x.raw());
  return r;
}

bool mayBeZero(const Interval& x) { return x.containsZero(); }

Interval quotient(const Interval& a, const Interval& b) {
  Result<Interval> q = divide(a, b);
  if (q.ok()) return std::move(q).value();
  return nanInterval(widerPrecision(a, b));
}

bool mayBeNonPositive(const Interval& x) { return !x.certainlyPositive(); }

Interval logPositive(const Interval& x) {
  Result<Interval> y = log(x);
  if (y.ok()) return std::move(y).value();
  return nanInterval(x.precision());
}

Interval sqrt(const Interval& x) {
  // max(x, 0) is exact as an interval ([max(lo,0), max(hi,0)]), so only sqrt rounds.
  const Interval clamped = reluValue(x);
  Interval r = Access::make(x.precision());
  mpfi_sqrt(Access::ptr(r), clamped.raw());
  return r;
}

Interval sigmoid(const Interval& x) {
  const long bits = x.precision();
  Interval t = Access::make(bits);
  mpfi_neg(Access::ptr(t), x.raw());
  mpfi_exp(Access::ptr(t), t.raw());
  mpfi_add_ui(Access::ptr(t), t.raw(), 1);  // >= 1: the division below cannot meet 0
  Interval r = Access::make(bits);
  mpfi_ui_div(Access::ptr(r), 1, t.raw());
  return r;
}

Interval softplus(const Interval& x) {
  const Interval e = exp(x);  // >= 0 > -1: inside log1p's domain
  Interval r = Access::make(x.precision());
  mpfi_log1p(Access::ptr(r), e.raw());
  return r;
}

// ---- Comparison and set operations

Ordering compare(const Interval& a, const Interval& b) {
  if (a.isNaN() || b.isNaN()) return Ordering::Ambiguous;
  if (mpfr_less_p(hi(a), lo(b))) return Ordering::Less;
  if (mpfr_greater_p(lo(a), hi(b))) return Ordering::Greater;
  if (a.isPoint() && b.isPoint() && mpfr_equal_p(lo(a), lo(b))) return Ordering::Equal;
  return Ordering::Ambiguous;
}

bool overlaps(const Interval& a, const Interval& b) {
  if (a.isNaN() || b.isNaN()) return true;
  return mpfr_lessequal_p(lo(a), hi(b)) && mpfr_lessequal_p(lo(b), hi(a));
}

Interval hull(const Interval& a, const Interval& b) {
  const long bits = widerPrecision(a, b);
  if (a.isNaN() || b.isNaN()) return nanInterval(bits);
  Interval r = Access::make(bits);
  mpfi_union(Access::ptr(r), a.raw(), b.raw());
  return r;
}

std::optional<Interval> intersect(const Interval& a, const Interval& b) {
  const long bits = widerPrecision(a, b);
  if (a.isNaN() || b.isNaN()) return nanInterval(bits);
  if (!overlaps(a, b)) return std::nullopt;
  Interval r = Access::make(bits);
  mpfi_intersect(Access::ptr(r), a.raw(), b.raw());
  return r;
}

bool isNarrow(const Interval& x, const Rational& absoluteFloor) {
  if (!x.isBounded()) return false;
  const long bits = x.precision();
  // Upper bound on the width; lower bounds on both thresholds: "narrow" is never claimed wrongly.
  Mpfr width(bits);
  mpfr_sub(width.get(), hi(x), lo(x), MPFR_RNDU);
  Mpfr relative(bits);
  mpfr_abs(relative.get(), lo(x), MPFR_RNDD);  // exact at the same precision
  Mpfr upperMag(bits);
  mpfr_abs(upperMag.get(), hi(x), MPFR_RNDD);
  mpfr_max(relative.get(), relative.get(), upperMag.get(), MPFR_RNDD);
  mpfr_mul_2si(relative.get(), relative.get(), -(bits / 2), MPFR_RNDD);
  Mpfr floor(bits);
  mpfr_set_q(floor.get(), absoluteFloor.impl().backend().data(), MPFR_RNDD);
  mpfr_max(relative.get(), relative.get(), floor.get(), MPFR_RNDD);
  return mpfr_lessequal_p(width.get(), relative.get());
}

// ---- Kink conventions

Interval reluValue(const Interval& x) {
  const long bits = x.precision();
  if (x.isNaN()) return nanInterval(bits);
  if (mpfr_sgn(lo(x)) >= 0) return x;
  Interval r = Access::make(bits);
  if (mpfr_sgn(hi(x)) <= 0) {
    mpfi_set_ui(Access::ptr(r), 0);
    return r;
  }
  mpfi_set(Access::ptr(r), x.raw());
  mpfr_set_zero(&Access::ptr(r)->left, 1);  // straddles 0: the image is [0, hi]
  return r;
}

Interval reluDerivative(const Interval& x) {
  Branches b;
  if (x.isNaN()) {
    b.zero = b.one = true;
  } else {
    b.one = mpfr_sgn(hi(x)) > 0;    // some point is > 0
    b.zero = mpfr_sgn(lo(x)) <= 0;  // some point is <= 0 (relu'(0) = 0)
  }
  return hullOf(b, x.precision());
}

Interval signOf(const Interval& x) {
  Branches b;
  if (x.isNaN()) {
    b.minusOne = b.zero = b.one = true;
  } else {
    b.minusOne = mpfr_sgn(lo(x)) < 0;
    b.zero = mpfr_sgn(lo(x)) <= 0 && mpfr_sgn(hi(x)) >= 0;
    b.one = mpfr_sgn(hi(x)) > 0;
  }
  return hullOf(b, x.precision());
}

Interval absValue(const Interval& x) {
  const long bits = x.precision();
  if (x.isNaN()) return nanInterval(bits);
  // MPFI's abs is the exact image: x, -x, or [0, max(-lo, hi)] when x straddles 0.
  Interval r = Access::make(bits);
  mpfi_abs(Access::ptr(r), x.raw());
  return r;
}

Interval maxValue(const Interval& a, const Interval& b) {
  const long bits = widerPrecision(a, b);
  if (a.isNaN() || b.isNaN()) return nanInterval(bits);
  // The image of max over the box; exact, since the result is at least as precise as both.
  Interval r = Access::make(bits);
  mpfr_max(&Access::ptr(r)->left, lo(a), lo(b), MPFR_RNDD);
  mpfr_max(&Access::ptr(r)->right, hi(a), hi(b), MPFR_RNDU);
  return r;
}

Interval minValue(const Interval& a, const Interval& b) {
  const long bits = widerPrecision(a, b);
  if (a.isNaN() || b.isNaN()) return nanInterval(bits);
  Interval r = Access::make(bits);
  mpfr_min(&Access::ptr(r)->left, lo(a), lo(b), MPFR_RNDD);
  mpfr_min(&Access::ptr(r)->right, hi(a), hi(b), MPFR_RNDU);
  return r;
}

Interval maxMaskFirst(const Interval& a, const Interval& b) {
  Branches m;
  if (a.isNaN() || b.isNaN()) {
    m.zero = m.half = m.one = true;
  } else {
    m.one = mpfr_greater_p(hi(a), lo(b));   // some a > some b
    m.zero = mpfr_greater_p(hi(b), lo(a));  // some b > some a
    m.half = overlaps(a, b);                // a tie is possible
  }
  return hullOf(m, widerPrecision(a, b));
}

Interval minMaskFirst(const Interval& a, const Interval& b) {
  Branches m;
  if (a.isNaN() || b.isNaN()) {
    m.zero = m.half = m.one = true;
  } else {
    m.one = mpfr_less_p(lo(a), hi(b));   // some a < some b
    m.zero = mpfr_less_p(lo(b), hi(a));  // some b < some a
    m.half = overlaps(a, b);
  }
  return hullOf(m, widerPrecision(a, b));
}

Interval clampValue(const Interval& x, const Interval& l, const Interval& h) {
  // min and max are monotone in each argument, so composing their exact images stays exact.
  return minValue(h, maxValue(l, x));
}

Interval clampDerivative(const Interval& x, const Interval& l, const Interval& h) {
  Branches d;
  if (x.isNaN() || l.isNaN() || h.isNaN()) {
    d.zero = d.one = true;
  } else {
    // 1 is possible iff some x lies strictly between some lo and some hi: [x.lo, x.hi] meets
    // the open (lo.lo, hi.hi).
    d.one = mpfr_less_p(lo(x), hi(h)) && mpfr_greater_p(hi(x), lo(l)) && mpfr_less_p(lo(l), hi(h));
    // 0 is possible iff some x <= some lo or some x >= some hi.
    d.zero = mpfr_lessequal_p(lo(x), hi(l)) || mpfr_greaterequal_p(hi(x), lo(h));
  }
  return hullOf(d, std::max(x.precision(), widerPrecision(l, h)));
}

Interval sqrtDerivative(const Interval& x) {
  const long bits = x.precision();
  if (x.isNaN()) return nanInterval(bits);
  if (x.certainlyPositive()) {
    Interval twoRoot = sqrt(x);
    mpfi_mul_ui(Access::ptr(twoRoot), twoRoot.raw(), 2);
    return quotient(Interval(1), twoRoot);
  }
  Interval r = Access::make(bits);
  if (mpfr_sgn(hi(x)) <= 0) {  // every point is <= 0
    mpfi_set_ui(Access::ptr(r), 0);
    return r;
  }
  // Straddles 0: the branch value 0 and 1/(2 sqrt(t)) for t in (0, hi], unbounded near 0+.
  mpfi_interv_d(Access::ptr(r), 0.0, std::numeric_limits<double>::infinity());
  return r;
}

}  // namespace verigrad
