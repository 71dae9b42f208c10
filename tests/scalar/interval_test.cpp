// Tests for Interval: rigorous construction, enclosures checked against MPFR at 1024 bits, the
// three-way comparison, the kink helpers (sound and tight against the engine's own scalar
// conventions on a grid), the division and log domain errors, and the precision rules.
#include "verigrad/interval.hpp"

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <functional>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verigrad/exact_literal.hpp"
#include "verigrad/rational.hpp"

// The kink conventions as the float/double/exact kernels implement them: the interval helpers
// must agree with them at every point of a box, so the test reads the engine's own header.
#include "../../engine/src/scalar_conventions.hpp"

namespace verigrad {
namespace {

constexpr long kRefBits = 1024;  // reference precision, four times the default

Rational rat(std::string_view text) {
  auto r = Rational::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Rational();
}

Interval iv(std::string_view lo, std::string_view hi) {
  auto r = Interval::fromEndpoints(rat(lo), rat(hi));
  EXPECT_TRUE(r.ok()) << lo << ", " << hi << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Interval();
}

Interval pt(std::string_view q) { return Interval(rat(q)); }

Rational pow10(int k) {
  Rational r(1);
  for (int i = 0; i < k; ++i) r *= Rational(10);
  return r;
}

// An enclosure that says nothing. MPFI produces these (e.g. inf - inf); the wrapper offers no
// way to build one on purpose, so the test writes NaN into the endpoints directly.
Interval nanInterval() {
  Interval x;
  auto* raw = const_cast<__mpfi_struct*>(x.raw());
  mpfr_set_nan(&raw->left);
  mpfr_set_nan(&raw->right);
  return x;
}

Rational lowerOf(const Interval& x) {
  auto r = x.lower();
  EXPECT_TRUE(r.ok()) << x << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Rational();
}

Rational upperOf(const Interval& x) {
  auto r = x.upper();
  EXPECT_TRUE(r.ok()) << x << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Rational();
}

// Exact endpoint check, for results that must be exactly representable.
::testing::AssertionResult hasBounds(const Interval& x, std::string_view lo, std::string_view hi) {
  const auto l = x.lower();
  const auto h = x.upper();
  if (!l.ok() || !h.ok()) return ::testing::AssertionFailure() << x << " has no exact bounds";
  if (l.value() != rat(lo) || h.value() != rat(hi)) {
    return ::testing::AssertionFailure() << x << " is [" << l.value() << ", " << h.value()
                                         << "], expected [" << lo << ", " << hi << "]";
  }
  return ::testing::AssertionSuccess();
}

// An mpfr_t with a scope.
class Mpfr {
 public:
  explicit Mpfr(long bits = kRefBits) { mpfr_init2(v_, bits); }
  ~Mpfr() { mpfr_clear(v_); }
  Mpfr(const Mpfr&) = delete;
  Mpfr& operator=(const Mpfr&) = delete;
  mpfr_ptr get() { return v_; }
  mpfr_srcptr get() const { return v_; }

 private:
  mpfr_t v_;
};

using MpfrFn = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

// Directed-rounding compositions for the reference: both are increasing in x.
int sigmoidRef(mpfr_ptr rop, mpfr_srcptr x, mpfr_rnd_t rnd) {
  // A lower bound of 1/(1+e^-x) needs an upper bound of e^-x, and conversely.
  const mpfr_rnd_t inner = rnd == MPFR_RNDD ? MPFR_RNDU : MPFR_RNDD;
  Mpfr t;
  mpfr_neg(t.get(), x, inner);
  mpfr_exp(t.get(), t.get(), inner);
  mpfr_add_ui(t.get(), t.get(), 1, inner);
  return mpfr_ui_div(rop, 1, t.get(), rnd);
}

int softplusRef(mpfr_ptr rop, mpfr_srcptr x, mpfr_rnd_t rnd) {
  Mpfr t;
  mpfr_exp(t.get(), x, rnd);
  return mpfr_log1p(rop, t.get(), rnd);
}

// A reference enclosure of f([lo, hi]) for an increasing f, computed with MPFR alone (no MPFI)
// at kRefBits: [f(lo rounded down) rounded down, f(hi rounded up) rounded up].
struct Reference {
  Mpfr lo;
  Mpfr hi;
  Reference(MpfrFn f, const Rational& a, const Rational& b) {
    Mpfr x;
    mpfr_set_q(x.get(), a.impl().backend().data(), MPFR_RNDD);
    f(lo.get(), x.get(), MPFR_RNDD);
    mpfr_set_q(x.get(), b.impl().backend().data(), MPFR_RNDU);
    f(hi.get(), x.get(), MPFR_RNDU);
  }
};

// The enclosure must contain the reference enclosure (hence the true image) and be narrow.
::testing::AssertionResult enclosesReference(const Interval& x, MpfrFn f, const Rational& a,
                                             const Rational& b) {
  const Reference ref(f, a, b);
  if (x.isNaN()) return ::testing::AssertionFailure() << "NaN enclosure";
  if (!mpfr_lessequal_p(&x.raw()->left, ref.lo.get()) ||
      !mpfr_greaterequal_p(&x.raw()->right, ref.hi.get())) {
    return ::testing::AssertionFailure()
           << x << " misses the reference image of [" << a << ", " << b << "]";
  }
  return ::testing::AssertionSuccess();
}

// design.md's acceptance width, checked exactly: relative width <= 2^-(p/2).
::testing::AssertionResult isNarrowExactly(const Interval& x) {
  const auto rel = x.relativeWidth();
  if (!rel.ok()) return ::testing::AssertionFailure() << rel.error().message;
  Rational bound(1);
  for (long i = 0; i < x.precision() / 2; ++i) bound /= Rational(2);
  if (bound < rel.value()) {
    return ::testing::AssertionFailure() << x << " has relative width " << rel.value();
  }
  if (!isNarrow(x, Rational())) return ::testing::AssertionFailure() << "isNarrow disagrees";
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Construction

TEST(IntervalConstruction, OneThirdIsEnclosedNotRoundedToAPoint) {
  // Boost's mpfi_float(mpq_rational(1, 3)) is a point that misses 1/3 (dependencies pitfall 8).
  const Rational third = rat("1/3");
  const Interval x(third);
  EXPECT_TRUE(x.contains(third));
  EXPECT_FALSE(x.isPoint());
  EXPECT_LT(lowerOf(x), third);
  EXPECT_LT(third, upperOf(x));
  EXPECT_TRUE(isNarrowExactly(x));
  // The endpoints are the neighbouring 256-bit floats of 1/3, computed here with MPFR alone.
  Mpfr down(256);
  Mpfr up(256);
  mpfr_set_q(down.get(), third.impl().backend().data(), MPFR_RNDD);
  mpfr_set_q(up.get(), third.impl().backend().data(), MPFR_RNDU);
  EXPECT_TRUE(mpfr_equal_p(&x.raw()->left, down.get()));
  EXPECT_TRUE(mpfr_equal_p(&x.raw()->right, up.get()));
}

TEST(IntervalConstruction, RationalsOfEverySizeAreContained) {
  const Rational huge = pow10(400) + rat("1/7");
  const Rational tiny = Rational(1) / (Rational(3) * pow10(400));
  for (const Rational& q : {rat("1/10"), rat("-1/10"), rat("2/3"), rat("-123456789/1000"), huge,
                            -huge, tiny, -tiny, rat("1/1000000007")}) {
    const Interval x(q);
    EXPECT_TRUE(x.contains(q)) << q;
    EXPECT_FALSE(x.isPoint()) << q;  // none of these is a 256-bit float
    EXPECT_TRUE(lowerOf(x) < q && q < upperOf(x)) << q;
    EXPECT_TRUE(isNarrowExactly(x)) << q;
    EXPECT_EQ(x.certainlyPositive(), q.sign() > 0);
    EXPECT_EQ(x.certainlyNegative(), q.sign() < 0);
    EXPECT_FALSE(x.containsZero());
  }
}

TEST(IntervalConstruction, DyadicsIntegersAndDoublesArePoints) {
  EXPECT_TRUE(hasBounds(pt("3/8"), "3/8", "3/8"));
  EXPECT_TRUE(hasBounds(Interval(7), "7", "7"));
  EXPECT_TRUE(
      hasBounds(Interval(int64_t{-9007199254740993}), "-9007199254740993", "-9007199254740993"));
  EXPECT_TRUE(hasBounds(Interval(), "0", "0"));
  EXPECT_TRUE(Interval().isPoint());
  EXPECT_TRUE(Interval().containsZero());

  auto tenth = Interval::fromDouble(0.1);
  ASSERT_TRUE(tenth.ok());
  EXPECT_TRUE(tenth->isPoint());
  EXPECT_EQ(lowerOf(*tenth), Rational::fromDouble(0.1));  // the double, not 1/10
  EXPECT_FALSE(tenth->contains(rat("1/10")));

  auto denormal = Interval::fromDouble(4.9406564584124654e-324);
  ASSERT_TRUE(denormal.ok());
  EXPECT_TRUE(denormal->isPoint());
  EXPECT_TRUE(denormal->certainlyPositive());

  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    auto r = Interval::fromDouble(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  }
}

TEST(IntervalConstruction, FromExactLiteral) {
  auto lit = ExactLiteral::parse("-1/3");
  ASSERT_TRUE(lit.ok());
  const Interval x(lit.value());
  EXPECT_TRUE(x.contains(rat("-1/3")));
  EXPECT_FALSE(x.isPoint());
  auto big = ExactLiteral::parse("123456789012345678901234567890/7");
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(Interval(big.value()).contains(rat("123456789012345678901234567890/7")));
}

TEST(IntervalConstruction, FromEndpointsRoundsOutwardAndChecksOrder) {
  const Interval x = iv("1/3", "2/3");
  EXPECT_TRUE(x.contains(rat("1/3")));
  EXPECT_TRUE(x.contains(rat("2/3")));
  EXPECT_TRUE(x.contains(rat("1/2")));
  EXPECT_FALSE(x.contains(rat("1/4")));
  auto bad = Interval::fromEndpoints(rat("1"), rat("0"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
}

TEST(IntervalConstruction, CopyMoveAndSwapKeepValues) {
  std::vector<Interval> v;
  for (int i = 0; i < 100; ++i) v.push_back(Interval(Rational(i) / Rational(3)));  // regrowth
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(v[i].contains(Rational(i) / Rational(3))) << i;
  Interval a = pt("1/4");
  Interval b = a;  // copy
  Interval c = std::move(a);
  a = b;  // assigning a moved-from Interval revives it
  EXPECT_TRUE(hasBounds(a, "1/4", "1/4"));
  std::swap(b, c);
  EXPECT_TRUE(hasBounds(c, "1/4", "1/4"));
  auto low = Interval::fromRational(rat("1/3"), 64);
  ASSERT_TRUE(low.ok());
  c = low.value();  // copy-assign changes the precision
  EXPECT_EQ(c.precision(), 64);
  EXPECT_TRUE(c.contains(rat("1/3")));
}

TEST(IntervalText, PrintedBoundsStillEnclose) {
  EXPECT_EQ(Interval(1).str(), "[1, 1]");
  EXPECT_EQ(pt("-3/8").str(), "[-0.375, -0.375]");
  const Interval x(rat("1/3"));
  const std::string s = x.str();
  ASSERT_EQ(s.front(), '[');
  ASSERT_EQ(s.back(), ']');
  const size_t comma = s.find(", ");
  ASSERT_NE(comma, std::string::npos);
  const Rational lo = rat(s.substr(1, comma - 1));
  const Rational hi = rat(s.substr(comma + 2, s.size() - comma - 3));
  EXPECT_TRUE(lo <= lowerOf(x) && upperOf(x) <= hi) << s;
  EXPECT_LT(lo, hi);             // enough digits to show the width
  EXPECT_GT(s.size(), 2u * 70);  // ~78 significant digits per bound at 256 bits
  std::ostringstream os;
  os << x;
  EXPECT_EQ(os.str(), s);
}

// ---------------------------------------------------------------------------------------------
// Elementary functions against MPFR at 1024 bits

struct FnCase {
  const char* name;
  std::function<Interval(const Interval&)> f;
  MpfrFn ref;
  std::vector<const char*> points;
};

Interval must(Result<Interval> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Interval();
}

std::vector<FnCase> fnCases() {
  return {
      {"exp",
       [](const Interval& x) { return exp(x); },
       mpfr_exp,
       {"1/3", "-5/2", "10", "1/1000000", "-7/3", "100", "-100", "1/10"}},
      {"expm1",
       [](const Interval& x) { return expm1(x); },
       mpfr_expm1,
       {"1/3", "-5/2", "1/1000000", "-1/1000000000", "20"}},
      {"log",
       [](const Interval& x) { return must(log(x)); },
       mpfr_log,
       {"1/3", "5/2", "10", "1/1000000", "123456789/1000", "2", "9/10"}},
      {"log1p",
       [](const Interval& x) { return must(log1p(x)); },
       mpfr_log1p,
       {"1/3", "-1/2", "1/1000000000", "-999/1000", "1000"}},
      {"tanh",
       [](const Interval& x) { return tanh(x); },
       mpfr_tanh,
       {"1/3", "-5/2", "1/1000000", "-7/3", "1/10", "3"}},
      {"sqrt",
       [](const Interval& x) { return sqrt(x); },
       mpfr_sqrt,
       {"2", "1/3", "1/10", "1/100000000000000000000", "123456789"}},
      {"sigmoid",
       [](const Interval& x) { return sigmoid(x); },
       sigmoidRef,
       {"1/3", "-5/2", "0", "1/1000000", "7", "-7"}},
      {"softplus",
       [](const Interval& x) { return softplus(x); },
       softplusRef,
       {"1/3", "-5/2", "0", "1/1000000", "7", "-7"}},
  };
}

TEST(IntervalFunctions, PointEnclosuresContainTheReferenceAndAreNarrow) {
  for (const FnCase& c : fnCases()) {
    for (const char* p : c.points) {
      const Rational q = rat(p);
      const Interval y = c.f(Interval(q));
      EXPECT_TRUE(enclosesReference(y, c.ref, q, q)) << c.name << "(" << p << ")";
      EXPECT_TRUE(isNarrowExactly(y)) << c.name << "(" << p << ") = " << y;
    }
  }
}

TEST(IntervalFunctions, BoxEnclosuresContainTheWholeImage) {
  for (const FnCase& c : fnCases()) {
    const bool positiveOnly = std::string_view(c.name) == "log" || c.name == std::string("sqrt");
    const Rational a = positiveOnly ? rat("1/7") : rat("-1/4");
    const Rational b = rat("1/2");
    const Interval y = c.f(must(Interval::fromEndpoints(a, b)));
    EXPECT_TRUE(enclosesReference(y, c.ref, a, b)) << c.name;
    // Not much wider than the image: the monotone functions are evaluated at the endpoints.
    const Reference ref(c.ref, a, b);
    Mpfr slack;
    mpfr_sub(slack.get(), &y.raw()->right, ref.hi.get(), MPFR_RNDU);
    EXPECT_LT(mpfr_get_d(slack.get(), MPFR_RNDU), 1e-70) << c.name;
  }
}

TEST(IntervalFunctions, TheReferenceCheckRejectsAFloatApproximation) {
  // The nearest 256-bit float of exp(1/3), as a point, misses the true value: the containment
  // check above would catch an implementation that rounds to nearest instead of outward.
  Mpfr nearest(256);
  Mpfr third(kRefBits);
  mpfr_set_q(third.get(), rat("1/3").impl().backend().data(), MPFR_RNDN);
  mpfr_exp(nearest.get(), third.get(), MPFR_RNDN);
  Interval x = exp(Interval(rat("1/3")));
  mpfi_set_fr(const_cast<__mpfi_struct*>(x.raw()), nearest.get());
  EXPECT_TRUE(x.isPoint());
  EXPECT_FALSE(enclosesReference(x, mpfr_exp, rat("1/3"), rat("1/3")));
}

TEST(IntervalFunctions, SqrtIsTotalisedAtZero) {
  EXPECT_TRUE(hasBounds(sqrt(iv("-1/4", "1/4")), "0", "1/2"));
  EXPECT_TRUE(hasBounds(sqrt(iv("-1", "-1/2")), "0", "0"));
  EXPECT_TRUE(hasBounds(sqrt(pt("9/4")), "3/2", "3/2"));
}

TEST(IntervalFunctions, ExactValuesAndOverflow) {
  EXPECT_TRUE(hasBounds(exp(Interval(0)), "1", "1"));
  EXPECT_TRUE(hasBounds(tanh(Interval(0)), "0", "0"));
  EXPECT_TRUE(hasBounds(sigmoid(Interval(0)), "1/2", "1/2"));
  EXPECT_TRUE(hasBounds(must(log(Interval(1))), "0", "0"));
  // e^(2^40) is beyond MPFR's exponent range: still an enclosure, but unbounded.
  const Interval big = exp(Interval(int64_t{1} << 40));
  EXPECT_FALSE(big.isBounded());
  EXPECT_TRUE(big.certainlyPositive());
  auto up = big.upper();
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().code, ErrorCode::Overflow);
  EXPECT_FALSE(isNarrow(big, Rational(1)));
}

TEST(IntervalFunctions, SquareOfAStraddlingIntervalIsNonNegative) {
  const Interval x = iv("-1/4", "1/2");
  EXPECT_TRUE(hasBounds(square(x), "0", "1/4"));
  EXPECT_TRUE(hasBounds(x * x, "-1/8", "1/4"));  // x * x cannot know both factors are one x
}

// ---------------------------------------------------------------------------------------------
// Domain errors

TEST(IntervalDomain, DivisionByAnIntervalContainingZeroIsADomainError) {
  for (const Interval& d :
       {iv("-1", "1"), Interval(0), iv("0", "1/2"), iv("-1/2", "0"), nanInterval()}) {
    auto r = divide(Interval(1), d);
    ASSERT_FALSE(r.ok()) << d;
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
    EXPECT_NE(r.error().message.find("contains 0"), std::string::npos);
  }
  auto three = divide(Interval(1), Interval(rat("1/3")));
  ASSERT_TRUE(three.ok());
  EXPECT_TRUE(three->contains(Rational(3)));
  EXPECT_TRUE(isNarrowExactly(*three));
  auto negative = divide(pt("1/2"), iv("-2", "-1"));
  ASSERT_TRUE(negative.ok());
  EXPECT_TRUE(hasBounds(*negative, "-1/2", "-1/4"));
}

TEST(IntervalDomain, LogOfANonPositiveOrStraddlingEnclosureIsADomainError) {
  for (const Interval& x : {Interval(0), Interval(-1), iv("-1", "-1/2"), iv("-1/4", "1"),
                            iv("0", "1"), nanInterval()}) {
    auto r = log(x);
    ASSERT_FALSE(r.ok()) << x;
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  }
  for (const Interval& x : {Interval(-1), iv("-2", "0"), iv("-1", "1")}) {
    auto r = log1p(x);
    ASSERT_FALSE(r.ok()) << x;
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  }
  EXPECT_TRUE(log(iv("1/1000", "1")).ok());
}

// ---------------------------------------------------------------------------------------------
// Comparison, hull, intersection, acceptance width

TEST(IntervalCompare, ThreeWay) {
  EXPECT_EQ(compare(iv("0", "1"), iv("2", "3")), Ordering::Less);
  EXPECT_EQ(compare(iv("2", "3"), iv("0", "1")), Ordering::Greater);
  EXPECT_EQ(compare(pt("3/8"), pt("3/8")), Ordering::Equal);
  EXPECT_EQ(compare(Interval(rat("1/3")), Interval(rat("1/3") + rat("1/1000000"))), Ordering::Less);
  // Overlap, touching, a point inside, and the same non-point interval: all Ambiguous.
  EXPECT_EQ(compare(iv("0", "2"), iv("1", "3")), Ordering::Ambiguous);
  EXPECT_EQ(compare(iv("0", "1"), iv("1", "2")), Ordering::Ambiguous);
  EXPECT_EQ(compare(pt("1"), iv("1", "2")), Ordering::Ambiguous);
  const Interval third(rat("1/3"));
  EXPECT_EQ(compare(third, third), Ordering::Ambiguous);  // both enclose 1/3, not the same point
  EXPECT_EQ(compare(nanInterval(), Interval(1)), Ordering::Ambiguous);
  EXPECT_STREQ(orderingName(Ordering::Ambiguous), "Ambiguous");
}

TEST(IntervalCompare, Predicates) {
  EXPECT_TRUE(iv("1/4", "1/2").certainlyPositive());
  EXPECT_FALSE(iv("0", "1/2").certainlyPositive());
  EXPECT_TRUE(iv("0", "1/2").certainlyNonNegative());
  EXPECT_TRUE(iv("-1/2", "-1/4").certainlyNegative());
  EXPECT_FALSE(iv("-1/2", "0").certainlyNegative());
  EXPECT_TRUE(iv("-1/2", "0").containsZero());
  EXPECT_FALSE(iv("1/4", "1/2").containsZero());
  // NaN: nothing certain, zero not excluded.
  const Interval n = nanInterval();
  EXPECT_TRUE(n.isNaN());
  EXPECT_TRUE(n.containsZero());
  EXPECT_FALSE(n.certainlyPositive() || n.certainlyNegative() || n.certainlyNonNegative());
  EXPECT_FALSE(n.isPoint() || n.isBounded() || n.contains(Rational(0)));
  EXPECT_EQ(n.lower().error().code, ErrorCode::DomainError);
}

TEST(IntervalSets, HullAndIntersect) {
  EXPECT_TRUE(hasBounds(hull(iv("0", "1"), iv("2", "3")), "0", "3"));
  EXPECT_TRUE(hasBounds(hull(iv("-1", "4"), iv("2", "3")), "-1", "4"));
  auto common = intersect(iv("0", "2"), iv("1", "3"));
  ASSERT_TRUE(common.has_value());
  EXPECT_TRUE(hasBounds(*common, "1", "2"));
  auto touching = intersect(iv("0", "1"), iv("1", "2"));
  ASSERT_TRUE(touching.has_value());
  EXPECT_TRUE(touching->isPoint());
  EXPECT_FALSE(intersect(iv("0", "1"), iv("2", "3")).has_value());
  EXPECT_FALSE(overlaps(iv("0", "1"), iv("2", "3")));
  // NaN: disjointness is not provable, the answer is a NaN enclosure.
  auto withNaN = intersect(nanInterval(), Interval(1));
  ASSERT_TRUE(withNaN.has_value());
  EXPECT_TRUE(withNaN->isNaN());
  EXPECT_TRUE(hull(nanInterval(), Interval(1)).isNaN());
}

TEST(IntervalSets, WidthMidpointAndAcceptance) {
  const Interval x = iv("1/4", "1/2");
  EXPECT_EQ(x.width().value(), rat("1/4"));
  EXPECT_EQ(x.relativeWidth().value(), rat("1/2"));
  EXPECT_EQ(x.midpoint().value(), rat("3/8"));
  EXPECT_EQ(Interval(0).relativeWidth().value(), Rational(0));

  Rational eps200(1);
  for (int i = 0; i < 200; ++i) eps200 /= Rational(2);
  Rational eps100 = eps200;
  for (int i = 0; i < 100; ++i) eps100 *= Rational(2);
  EXPECT_TRUE(isNarrow(must(Interval::fromEndpoints(Rational(1), 1 + eps200)), Rational()));
  EXPECT_FALSE(isNarrow(must(Interval::fromEndpoints(Rational(1), 1 + eps100)), Rational()));
  // Near zero only the absolute floor can accept.
  const Interval nearZero = must(Interval::fromEndpoints(-eps200, eps200));
  EXPECT_FALSE(isNarrow(nearZero, Rational()));
  EXPECT_TRUE(isNarrow(nearZero, eps100));
  EXPECT_TRUE(isNarrow(Interval(0), Rational()));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

TEST(IntervalArithmetic, OutwardRounding) {
  const Interval third(rat("1/3"));
  const Interval sum = third + Interval(rat("2/3"));
  EXPECT_TRUE(sum.contains(Rational(1)));
  EXPECT_FALSE(sum.isPoint());
  EXPECT_TRUE((third * Interval(3)).contains(Rational(1)));
  EXPECT_TRUE((third - third).contains(Rational(0)));
  EXPECT_TRUE((-third).contains(rat("-1/3")));
  Interval acc(0);
  for (int i = 0; i < 30; ++i) acc += third;
  EXPECT_TRUE(acc.contains(Rational(10)));
  acc -= Interval(10);
  EXPECT_TRUE(acc.containsZero());
  acc *= Interval(2);
  EXPECT_TRUE(acc.containsZero());
  EXPECT_TRUE(hasBounds(iv("-1", "2") * iv("-3", "1/2"), "-6", "3"));
}

TEST(IntervalPrecision, DefaultAndExplicitPrecisions) {
  // This binary never sets the default: it is 256 bits, and reading it fixed it.
  EXPECT_EQ(Interval::defaultPrecision(), 256);
  EXPECT_EQ(Interval().precision(), 256);
  EXPECT_EQ(Interval(rat("1/3")).precision(), 256);
  EXPECT_TRUE(Interval::setDefaultPrecision(256).ok());  // the same value again is fine
  auto again = Interval::setDefaultPrecision(128);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(Interval::defaultPrecision(), 256);

  auto low = Interval::fromRational(rat("1/3"), 64);
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(low->precision(), 64);
  const Interval high(rat("1/3"));
  EXPECT_TRUE(low->contains(high));  // coarser, and still an enclosure
  EXPECT_FALSE(high.contains(*low));
  EXPECT_TRUE(isNarrowExactly(*low));         // narrow for its own precision: 2^-32
  EXPECT_EQ((*low + high).precision(), 256);  // mixed: the wider precision
  EXPECT_EQ(exp(*low).precision(), 64);
  EXPECT_TRUE(exp(*low).contains(exp(high)));

  for (long bad : {0L, 15L, (1L << 16) + 1}) {
    auto r = Interval::fromRational(rat("1/3"), bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    EXPECT_FALSE(Interval::fromInt(1, bad).ok());
    EXPECT_FALSE(Interval::fromDouble(1.0, bad).ok());
    EXPECT_FALSE(Interval::setDefaultPrecision(bad).ok());
  }
}

// ---------------------------------------------------------------------------------------------
// Kink helpers

TEST(IntervalKinks, ReluHullsAtTheKink) {
  const Interval x = iv("-1/4", "1/4");
  EXPECT_TRUE(hasBounds(reluValue(x), "0", "1/4"));
  EXPECT_TRUE(hasBounds(reluDerivative(x), "0", "1"));
  EXPECT_TRUE(hasBounds(reluDerivative(Interval(0)), "0", "0"));  // relu'(0) = 0
  EXPECT_TRUE(hasBounds(reluDerivative(iv("0", "1")), "0", "1"));
  EXPECT_TRUE(hasBounds(reluDerivative(iv("-1", "0")), "0", "0"));
  EXPECT_TRUE(hasBounds(reluDerivative(Interval(rat("1/3"))), "1", "1"));
  EXPECT_TRUE(hasBounds(reluValue(iv("-1/2", "-1/4")), "0", "0"));
  EXPECT_TRUE(reluValue(Interval(rat("1/3"))).contains(rat("1/3")));
}

TEST(IntervalKinks, SignAndAbs) {
  EXPECT_TRUE(hasBounds(signOf(iv("-1/4", "1/4")), "-1", "1"));
  EXPECT_TRUE(hasBounds(signOf(iv("0", "1/4")), "0", "1"));
  EXPECT_TRUE(hasBounds(signOf(iv("-1/4", "0")), "-1", "0"));
  EXPECT_TRUE(hasBounds(signOf(Interval(0)), "0", "0"));  // sign(0) = 0
  EXPECT_TRUE(hasBounds(signOf(Interval(rat("-1/3"))), "-1", "-1"));
  EXPECT_TRUE(hasBounds(absValue(iv("-1/4", "1/2")), "0", "1/2"));
  EXPECT_TRUE(hasBounds(absValue(iv("-1/2", "1/4")), "0", "1/2"));
  EXPECT_TRUE(hasBounds(absValue(iv("-1/2", "-1/4")), "1/4", "1/2"));
}

TEST(IntervalKinks, MaxMinOfOverlappingIntervals) {
  const Interval a = iv("0", "2");
  const Interval b = iv("1", "3");
  // The image of max over the box, inside the hull [0, 3] of the two branches a and b.
  EXPECT_TRUE(hasBounds(maxValue(a, b), "1", "3"));
  EXPECT_TRUE(hull(a, b).contains(maxValue(a, b)));
  EXPECT_TRUE(hasBounds(minValue(a, b), "0", "2"));
  const Interval mask = maxMaskFirst(a, b);
  EXPECT_TRUE(hasBounds(mask, "0", "1"));
  EXPECT_TRUE(mask.contains(rat("1/2")));
  EXPECT_TRUE(hasBounds(minMaskFirst(a, b), "0", "1"));
  // Ties of points split 1/2; certain orders give 0 or 1.
  EXPECT_TRUE(hasBounds(maxMaskFirst(pt("3/8"), pt("3/8")), "1/2", "1/2"));
  EXPECT_TRUE(hasBounds(maxMaskFirst(iv("2", "3"), iv("0", "1")), "1", "1"));
  EXPECT_TRUE(hasBounds(maxMaskFirst(iv("0", "1"), iv("2", "3")), "0", "0"));
  EXPECT_TRUE(hasBounds(minMaskFirst(iv("0", "1"), iv("2", "3")), "1", "1"));
  // Touching: a <= b for sure, a tie possible: {0, 1/2}.
  EXPECT_TRUE(hasBounds(maxMaskFirst(iv("0", "1"), iv("1", "2")), "0", "1/2"));
  EXPECT_TRUE(hasBounds(minMaskFirst(iv("0", "1"), iv("1", "2")), "1/2", "1"));
}

TEST(IntervalKinks, Clamp) {
  const Interval zero(0);
  const Interval one(1);
  EXPECT_TRUE(hasBounds(clampValue(iv("-1", "1/2"), zero, one), "0", "1/2"));
  EXPECT_TRUE(hasBounds(clampValue(iv("1/2", "2"), zero, one), "1/2", "1"));
  EXPECT_TRUE(hasBounds(clampDerivative(iv("1/4", "1/2"), zero, one), "1", "1"));
  EXPECT_TRUE(hasBounds(clampDerivative(iv("-1/4", "1/4"), zero, one), "0", "1"));
  EXPECT_TRUE(hasBounds(clampDerivative(zero, zero, one), "0", "0"));  // 1 only strictly inside
  EXPECT_TRUE(hasBounds(clampDerivative(one, zero, one), "0", "0"));
  EXPECT_TRUE(hasBounds(clampDerivative(pt("2"), zero, one), "0", "0"));
  EXPECT_TRUE(hasBounds(clampDerivative(pt("1/2"), pt("1/2"), pt("1/2")), "0", "0"));  // lo == hi
  // Bounds that are enclosures themselves (1/3 is not a 256-bit float).
  const Interval third(rat("1/3"));
  EXPECT_TRUE(hasBounds(clampDerivative(pt("1/2"), third, one), "1", "1"));
  EXPECT_TRUE(hasBounds(clampDerivative(third, third, one), "0", "1"));
}

// Issue 6 acceptance: two overlapping, non-identical intervals through every kink helper (and
// every comparison-like entry point). With Boost's mpfi_float this terminates the process.
TEST(IntervalKinks, OverlappingIntervalsThroughEveryHelperDoNotAbort) {
  const Interval a = iv("-1/4", "1/2");
  const Interval b(rat("1/3"));  // overlaps a, and is not a point
  const Interval c = iv("1/4", "1");
  const std::vector<std::pair<const char*, Interval>> results = {
      {"reluValue", reluValue(a)},
      {"reluDerivative", reluDerivative(a)},
      {"signOf", signOf(a)},
      {"absValue", absValue(a)},
      {"maxValue", maxValue(a, b)},
      {"minValue", minValue(a, b)},
      {"maxMaskFirst", maxMaskFirst(a, b)},
      {"minMaskFirst", minMaskFirst(a, b)},
      {"clampValue", clampValue(a, b, c)},
      {"clampDerivative", clampDerivative(a, b, c)},
      {"sqrt", sqrt(a)},
      {"hull", hull(a, b)},
      {"intersect", intersect(a, b).value()},
  };
  for (const auto& [name, r] : results) {
    EXPECT_FALSE(r.isNaN()) << name;
    EXPECT_TRUE(r.isBounded()) << name;
  }
  EXPECT_EQ(compare(a, b), Ordering::Ambiguous);
  EXPECT_EQ(compare(b, c), Ordering::Ambiguous);
  EXPECT_TRUE(maxMaskFirst(a, b).contains(rat("1/2")));
  EXPECT_TRUE(hasBounds(clampDerivative(a, b, c), "0", "1"));
  // And with an enclosure that says nothing: the helpers answer, nothing aborts.
  const Interval n = nanInterval();
  EXPECT_TRUE(hasBounds(reluDerivative(n), "0", "1"));
  EXPECT_TRUE(hasBounds(signOf(n), "-1", "1"));
  EXPECT_TRUE(hasBounds(maxMaskFirst(n, a), "0", "1"));
  EXPECT_TRUE(hasBounds(minMaskFirst(a, n), "0", "1"));
  EXPECT_TRUE(hasBounds(clampDerivative(a, n, c), "0", "1"));
  EXPECT_TRUE(reluValue(n).isNaN() && absValue(n).isNaN() && maxValue(n, a).isNaN() &&
              minValue(a, n).isNaN() && clampValue(a, b, n).isNaN() && sqrt(n).isNaN());
}

// Soundness and tightness on a grid: for every box with endpoints in {-1, -3/4, ..., 1}, each
// helper's result has exactly the min and max of the engine's scalar convention (evaluated on
// Rationals) over the box's points of step 1/8, which include every kink and tie the box holds.
std::vector<Rational> gridIn(const Rational& lo, const Rational& hi, const Rational& step) {
  std::vector<Rational> out;
  for (Rational t = lo; t <= hi; t += step) out.push_back(t);
  return out;
}

struct Box {
  Rational lo;
  Rational hi;
  Interval x;
};

std::vector<Box> boxes(const std::vector<const char*>& ends) {
  std::vector<Box> out;
  for (size_t i = 0; i < ends.size(); ++i) {
    for (size_t j = i; j < ends.size(); ++j) {
      Box b{rat(ends[i]), rat(ends[j]), Interval()};
      b.x = must(Interval::fromEndpoints(b.lo, b.hi));
      out.push_back(std::move(b));
    }
  }
  return out;
}

// Tracks the min and max of sampled convention values.
struct Range {
  std::optional<Rational> lo;
  std::optional<Rational> hi;
  void add(const Rational& v) {
    if (!lo || v < *lo) lo = v;
    if (!hi || *hi < v) hi = v;
  }
};

::testing::AssertionResult matches(const Interval& r, const Range& sampled) {
  if (!r.isBounded()) return ::testing::AssertionFailure() << r << " is not bounded";
  const Rational l = r.lower().value();
  const Rational h = r.upper().value();
  if (l != *sampled.lo || h != *sampled.hi) {
    return ::testing::AssertionFailure()
           << r << " but the convention ranges over [" << *sampled.lo << ", " << *sampled.hi << "]";
  }
  return ::testing::AssertionSuccess();
}

const Rational kStep = Rational(1) / Rational(8);

TEST(IntervalKinks, OneArgumentHelpersAreSoundAndTightOnAGrid) {
  int checked = 0;
  for (const Box& b : boxes({"-1", "-3/4", "-1/4", "0", "1/4", "1/2", "1"})) {
    Range relu, reluD, sign, abs;
    for (const Rational& t : gridIn(b.lo, b.hi, kStep)) {
      relu.add(kernels::reluValue(t));
      reluD.add(kernels::reluDerivative(t));
      sign.add(kernels::signOf(t));
      abs.add(kernels::absValue(t));
    }
    const std::string where = b.x.str();
    EXPECT_TRUE(matches(verigrad::reluValue(b.x), relu)) << "relu " << where;
    EXPECT_TRUE(matches(verigrad::reluDerivative(b.x), reluD)) << "relu' " << where;
    EXPECT_TRUE(matches(verigrad::signOf(b.x), sign)) << "sign " << where;
    EXPECT_TRUE(matches(verigrad::absValue(b.x), abs)) << "abs " << where;
    // sqrt(max(x, 0)) is increasing: its enclosure holds sqrt of the sampled relu range.
    const Interval root = verigrad::sqrt(b.x);
    EXPECT_TRUE(root.certainlyNonNegative() && root.contains(verigrad::sqrt(Interval(*relu.hi))))
        << "sqrt " << where;
    ++checked;
  }
  EXPECT_EQ(checked, 28);
}

TEST(IntervalKinks, TwoArgumentHelpersAreSoundAndTightOnAGrid) {
  const std::vector<Box> all = boxes({"-1", "-1/2", "-1/4", "0", "1/4", "1/2", "1"});
  for (const Box& a : all) {
    for (const Box& b : all) {
      Range mx, mn, mxMask, mnMask;
      for (const Rational& s : gridIn(a.lo, a.hi, kStep)) {
        for (const Rational& t : gridIn(b.lo, b.hi, kStep)) {
          mx.add(kernels::maxValue(s, t));
          mn.add(kernels::minValue(s, t));
          mxMask.add(kernels::maxMaskFirst(s, t));
          mnMask.add(kernels::minMaskFirst(s, t));
        }
      }
      const std::string where = a.x.str() + " " + b.x.str();
      EXPECT_TRUE(matches(verigrad::maxValue(a.x, b.x), mx)) << "max " << where;
      EXPECT_TRUE(matches(verigrad::minValue(a.x, b.x), mn)) << "min " << where;
      EXPECT_TRUE(matches(verigrad::maxMaskFirst(a.x, b.x), mxMask)) << "maxMask " << where;
      EXPECT_TRUE(matches(verigrad::minMaskFirst(a.x, b.x), mnMask)) << "minMask " << where;
    }
  }
}

TEST(IntervalKinks, ClampIsSoundAndTightOnAGrid) {
  const std::vector<Box> xs = boxes({"-1", "-1/2", "0", "1/2", "1"});
  const std::vector<Box> bounds = boxes({"-1/2", "0", "1/2"});
  for (const Box& x : xs) {
    for (const Box& l : bounds) {
      for (const Box& h : bounds) {
        // The builder rejects lo > hi for points; boxes may still overlap.
        if (h.hi < l.lo) continue;
        Range value, deriv;
        for (const Rational& s : gridIn(x.lo, x.hi, kStep)) {
          for (const Rational& p : gridIn(l.lo, l.hi, kStep)) {
            for (const Rational& q : gridIn(h.lo, h.hi, kStep)) {
              if (q < p) continue;
              value.add(kernels::clampValue(s, p, q));
              deriv.add(kernels::clampDerivative(s, p, q));
            }
          }
        }
        const std::string where = x.x.str() + " in " + l.x.str() + ".." + h.x.str();
        // The value helper also covers lo > hi pairs inside the boxes, so it is only sound
        // there; the derivative is checked for tightness too.
        const Interval v = verigrad::clampValue(x.x, l.x, h.x);
        EXPECT_TRUE(v.contains(*value.lo) && v.contains(*value.hi)) << "clamp " << where;
        EXPECT_TRUE(matches(verigrad::clampDerivative(x.x, l.x, h.x), deriv)) << "clamp' " << where;
      }
    }
  }
}

}  // namespace
}  // namespace verigrad
