// Tests for Rational: safe construction (Boost's negative-denominator pitfall), text, exact
// fromDouble, and correctly rounded toFloat/toDouble cross-checked with MPFR and ExactLiteral.
#include "verigrad/rational.hpp"

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <bit>
#include <boost/version.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "verigrad/exact_literal.hpp"

namespace verigrad {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Exact rationals built with GMP directly, so test inputs do not come from the code under test.
class Q {
 public:
  Q() { mpq_init(v_); }
  explicit Q(long n) : Q() { mpq_set_si(v_, n, 1); }
  Q(const Q& o) : Q() { mpq_set(v_, o.v_); }
  Q& operator=(const Q& o) {
    mpq_set(v_, o.v_);
    return *this;
  }
  ~Q() { mpq_clear(v_); }

  static Q pow2(long k) {
    Q r(1);
    if (k >= 0) mpq_mul_2exp(r.v_, r.v_, static_cast<mp_bitcnt_t>(k));
    if (k < 0) mpq_div_2exp(r.v_, r.v_, static_cast<mp_bitcnt_t>(-k));
    return r;
  }
  static Q pow10(long k) {
    Q r;
    mpz_ui_pow_ui(mpq_numref(r.v_), 10, static_cast<unsigned long>(k < 0 ? -k : k));
    if (k < 0) mpq_inv(r.v_, r.v_);
    return r;
  }
  static Q fromDouble(double x) {
    Q r;
    mpq_set_d(r.v_, x);
    return r;
  }
  friend Q operator+(const Q& a, const Q& b) { return apply(mpq_add, a, b); }
  friend Q operator-(const Q& a, const Q& b) { return apply(mpq_sub, a, b); }
  friend Q operator*(const Q& a, const Q& b) { return apply(mpq_mul, a, b); }
  friend Q operator/(const Q& a, const Q& b) { return apply(mpq_div, a, b); }
  Q operator-() const {
    Q r;
    mpq_neg(r.v_, v_);
    return r;
  }
  std::string text() const {
    std::string buf(mpz_sizeinbase(mpq_numref(v_), 10) + mpz_sizeinbase(mpq_denref(v_), 10) + 3,
                    '\0');
    mpq_get_str(buf.data(), 10, v_);
    buf.resize(std::strlen(buf.c_str()));
    return buf;
  }
  // The same value as a Rational, set through GMP (not through Rational's own constructors).
  Rational rational() const {
    Rational::Impl impl;
    mpq_set(impl.backend().data(), v_);
    return Rational(impl);
  }
  mpq_ptr get() { return v_; }
  mpq_srcptr get() const { return v_; }

 private:
  static Q apply(void (*op)(mpq_ptr, mpq_srcptr, mpq_srcptr), const Q& a, const Q& b) {
    Q r;
    op(r.v_, a.v_, b.v_);
    return r;
  }
  mpq_t v_;
};

Rational rat(std::string_view text) {
  auto r = Rational::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Rational();
}

uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }
uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

template <class F, class X>
Result<F> convert(const X& x) {
  if constexpr (std::is_same_v<F, float>) {
    return x.toFloat();
  } else {
    return x.toDouble();
  }
}

// ---------------------------------------------------------------------------------------------
// Construction

TEST(RationalFromRatio, NegativeDenominatorPitfall) {
  // Boost 1.74's two-argument mpq constructor turns the denominator -1 into 2^64 - 1.
  auto minusOne = Rational::fromRatio(1, -1);
  ASSERT_TRUE(minusOne.ok());
  EXPECT_EQ(minusOne.value(), Rational(-1));
  EXPECT_EQ(minusOne->str(), "-1");
  auto minusHalf = Rational::fromRatio(3, -6);
  ASSERT_TRUE(minusHalf.ok());
  EXPECT_EQ(minusHalf.value(), Rational(-1) / Rational(2));
  EXPECT_EQ(minusHalf->str(), "-1/2");
  EXPECT_EQ(Rational::fromRatio(-3, -6)->str(), "1/2");
  EXPECT_EQ(Rational::fromRatio(0, -6)->str(), "0");
  EXPECT_EQ(Rational::fromRatio(0, -6).value(), Rational(0));

#if BOOST_VERSION == 107400
  // The naive path, shown wrong (it does not crash, it silently gives a tiny positive number).
  const Rational naive{Rational::Impl(1, -1)};
  EXPECT_NE(naive, Rational(-1));
  EXPECT_EQ(naive.str(), "1/18446744073709551615");
#endif
}

TEST(RationalFromRatio, Int64Edges) {
  EXPECT_EQ(Rational::fromRatio(kMin, -1)->str(), "9223372036854775808");
  EXPECT_EQ(Rational::fromRatio(1, kMin)->str(), "-1/9223372036854775808");
  EXPECT_EQ(Rational::fromRatio(kMin, kMin)->str(), "1");
  EXPECT_EQ(Rational::fromRatio(kMin, 1)->str(), "-9223372036854775808");
  EXPECT_EQ(Rational::fromRatio(kMax, kMin)->str(), "-9223372036854775807/9223372036854775808");
  EXPECT_EQ(Rational::fromRatio(kMin, 2)->str(), "-4611686018427387904");
  EXPECT_EQ(Rational(kMin).str(), "-9223372036854775808");
  EXPECT_EQ(Rational(kMin), Rational::fromRatio(kMin, 1).value());
  EXPECT_EQ(-Rational(kMin), Rational::fromRatio(kMin, -1).value());
}

TEST(RationalFromRatio, ZeroDenominatorIsADomainError) {
  for (int64_t p : {int64_t{0}, int64_t{1}, kMin, kMax}) {
    auto r = Rational::fromRatio(p, 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  }
}

TEST(RationalParse, CanonicalTextAndErrors) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"3", "3"},
      {"-3/4", "-3/4"},
      {"6/8", "3/4"},
      {"0.125", "1/8"},
      {"-2.5e-3", "-1/400"},
      {"1e10", "10000000000"},
      {"1E-2", "1/100"},
      {".5", "1/2"},
      {"1.50", "3/2"},
      {"-9223372036854775808", "-9223372036854775808"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(rat(in).str(), want) << in;
  const std::string big =
      "-123456789012345678901234567890123456789/1267650600228229401496703205376";
  EXPECT_EQ(rat(big).str(), big);
  const std::string zeros(40, '0');
  EXPECT_EQ(rat("22" + zeros + "/33" + zeros).str(), "2/3");
  EXPECT_EQ(rat("1/3") + rat("1/6"), rat("0.5"));

  for (const char* bad : {"", "-", "abc", "1.2.3", "1/", "1/-2", " 1", "1e", "0x1"}) {
    auto r = Rational::parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::Parse) << bad;
    EXPECT_NE(r.error().message.find("column"), std::string::npos) << r.error().message;
  }
  auto zero = Rational::parse("7/0");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::DomainError);
}

TEST(RationalFromLiteral, SmallAndBigLiteralsTransferExactly) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 1000; ++i) {
    Q q;
    const int limbs = 1 + static_cast<int>(rng() % 6);
    for (mpz_ptr z : {mpq_numref(q.get()), mpq_denref(q.get())}) {
      mpz_set_ui(z, 0);
      for (int k = 0; k < (i % 2 ? limbs : 1); ++k) {
        mpz_mul_2exp(z, z, 64);
        mpz_add_ui(z, z, (rng() >> 1) >> (rng() % 63));
      }
      if (mpz_sgn(z) == 0) mpz_set_ui(z, 1);
    }
    if (rng() % 2) mpz_neg(mpq_numref(q.get()), mpq_numref(q.get()));
    mpq_canonicalize(q.get());
    auto lit = ExactLiteral::parse(q.text());
    ASSERT_TRUE(lit.ok());
    const Rational r = Rational::fromLiteral(lit.value());
    EXPECT_EQ(mpq_equal(r.impl().backend().data(), q.get()), 1) << q.text();
    EXPECT_EQ(r.str(), q.text());
  }
  auto fromInt64Min = ExactLiteral::fromRatio(kMin, 3);
  ASSERT_TRUE(fromInt64Min.ok());
  EXPECT_EQ(Rational::fromLiteral(fromInt64Min.value()).str(), "-9223372036854775808/3");
}

TEST(RationalFromDouble, ExactAndRoundTripsBitwise) {
  EXPECT_EQ(Rational::fromDouble(0.1).str(), "3602879701896397/36028797018963968");
  EXPECT_EQ(Rational::fromDouble(-0.0).str(), "0");
  EXPECT_EQ(Rational::fromDouble(5e-324).str(), Q::pow2(-1074).text());
  EXPECT_EQ(Rational::fromFloat(0.1f).str(), "13421773/134217728");
  std::mt19937_64 rng(9);
  for (int i = 0; i < 6000; ++i) {
    uint64_t b = rng();
    if (i % 3 == 0) b &= 0x800FFFFFFFFFFFFFULL;  // subnormals
    const double x = std::bit_cast<double>(b);
    if (!std::isfinite(x)) continue;
    const Rational r = Rational::fromDouble(x);
    EXPECT_EQ(r.str(), Q::fromDouble(x).text());
    auto back = r.toDouble();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(bits(back.value()), bits(x == 0 ? 0.0 : x)) << r.str();
  }
  for (int i = 0; i < 3000; ++i) {
    uint32_t b = static_cast<uint32_t>(rng());
    if (i % 3 == 0) b &= 0x807FFFFFU;
    const float f = std::bit_cast<float>(b);
    if (!std::isfinite(f) || f == 0) continue;
    auto back = Rational::fromFloat(f).toFloat();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(bits(back.value()), bits(f));
  }
}

TEST(RationalText, StreamsCanonicalText) {
  std::ostringstream os;
  os << Rational::fromRatio(6, -8).value() << " " << Rational(7) << " " << Rational();
  EXPECT_EQ(os.str(), "-3/4 7 0");
}

// ---------------------------------------------------------------------------------------------
// Correct rounding at the edges of float and double

template <class F>
struct Edge {
  std::string name;
  Q value;
  std::optional<F> expected;  // nullopt: an Overflow error
};

// The rounding edges of format F, each with its correctly rounded result.
template <class F>
std::vector<Edge<F>> edgeCases() {
  using Lim = std::numeric_limits<F>;
  const long p = Lim::digits;
  const long minExp = Lim::min_exponent - 1;  // exponent of the smallest normal
  const long maxExp = Lim::max_exponent - 1;  // exponent of the largest finite
  const Q one(1);
  const Q half = Q::pow2(-1);
  const Q quantum = Q::pow2(minExp - p + 1);  // the smallest subnormal
  const Q tiny = Q::pow2(minExp - p + 1 - 300);
  const Q maxUlp = Q::pow2(maxExp - p + 1);
  const F up1 = std::nextafter(F(1), F(2));
  const F up2 = std::nextafter(up1, F(2));
  const F dmin = Lim::denorm_min();
  return {
      {"one third", one / Q(3), F(1) / F(3)},
      {"tie at 1 + half ulp rounds to even (down)", one + Q::pow2(-p), F(1)},
      {"tie at 1 + 3 half ulps rounds to even (up)", one + Q(3) * Q::pow2(-p), up2},
      {"just above a tie", one + Q::pow2(-p) + tiny, up1},
      {"just below a tie", one + Q(3) * Q::pow2(-p) - tiny, up1},
      {"smallest subnormal", quantum, dmin},
      {"half the smallest subnormal ties to zero", half * quantum, F(0)},
      {"just below half the smallest subnormal", half * quantum - tiny, F(0)},
      {"just above half the smallest subnormal", half * quantum + tiny, dmin},
      // Rounding first to p bits would land exactly on the half and then tie to zero.
      {"above half the smallest subnormal by less than a p-bit ulp",
       half * quantum * (one + Q::pow2(-p - 5)), dmin},
      {"three halves of the smallest subnormal ties to even (two)", Q(3) * half * quantum,
       F(2) * dmin},
      {"largest subnormal", (Q::pow2(p - 1) - one) * quantum, Lim::min() - dmin},
      {"halfway largest subnormal / smallest normal ties up to even",
       (Q::pow2(p - 1) - half) * quantum, Lim::min()},
      {"just below that halfway point", (Q::pow2(p - 1) - half) * quantum - tiny,
       Lim::min() - dmin},
      {"smallest normal", Q::pow2(minExp), Lim::min()},
      {"largest finite", (Q::pow2(p) - one) * maxUlp, Lim::max()},
      {"just below the overflow threshold", (Q::pow2(p) - half) * maxUlp - one, Lim::max()},
      {"the overflow threshold (max + half ulp)", (Q::pow2(p) - half) * maxUlp, std::nullopt},
      {"2^(maxExp+1)", Q::pow2(maxExp + 1), std::nullopt},
      {"10^400", Q::pow10(400), std::nullopt},
      {"10^-400", Q::pow10(-400), F(0)},
  };
}

template <class F>
void checkEdges() {
  for (const Edge<F>& c : edgeCases<F>()) {
    for (int s : {1, -1}) {
      const Q v = s > 0 ? c.value : -c.value;
      const auto r = convert<F>(v.rational());
      const std::string what = c.name + (s < 0 ? " (negated)" : "");
      if (!c.expected) {
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_EQ(r.error().code, ErrorCode::Overflow) << what;
        continue;
      }
      ASSERT_TRUE(r.ok()) << what << ": " << r.error().message;
      const F want = s > 0 ? *c.expected : -*c.expected;
      EXPECT_EQ(bits(r.value()), bits(want)) << what << ": got " << r.value() << " want " << want;
    }
  }
}

TEST(RationalRounding, FloatEdges) { checkEdges<float>(); }
TEST(RationalRounding, DoubleEdges) { checkEdges<double>(); }

TEST(RationalRounding, DirectFloatAvoidsDoubleRounding) {
  // x = 1 + 2^-24 + 2^-60 lies just above the float halfway point 1 + 2^-24. Rounded to double
  // it becomes exactly that halfway point, which then ties to the even float 1: wrong.
  const Rational x = (Q(1) + Q::pow2(-24) + Q::pow2(-60)).rational();
  const double viaDouble = x.toDouble().value();
  EXPECT_EQ(viaDouble, 1.0 + std::ldexp(1.0, -24));
  EXPECT_EQ(static_cast<float>(viaDouble), 1.0f);              // double-rounded: wrong
  EXPECT_EQ(x.toFloat().value(), std::nextafter(1.0f, 2.0f));  // 1 + 2^-23: correct
  EXPECT_EQ(rat("1/3").toFloat().value(), 1.0f / 3.0f);
  EXPECT_EQ(rat("-1/3").toDouble().value(), -1.0 / 3.0);
  auto over = rat("1e39").toFloat();
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::Overflow);
  EXPECT_NE(over.error().message.find("overflows float"), std::string::npos);
  EXPECT_TRUE(std::signbit(rat("-1e-400").toFloat().value()));
  EXPECT_EQ(bits(Rational().toDouble().value()), 0U);
}

// ---------------------------------------------------------------------------------------------
// Independent cross-check: MPFR vs Rational vs ExactLiteral on pseudo-random rationals

// Switches MPFR's exponent range to format F's (subnormals via mpfr_subnormalize) for a scope.
template <class F>
class MpfrFormat {
 public:
  MpfrFormat() : emin_(mpfr_get_emin()), emax_(mpfr_get_emax()) {
    using Lim = std::numeric_limits<F>;
    // MPFR significands are in [1/2, 1): the smallest subnormal 2^(min_exponent - digits) is
    // 0.1b * 2^(min_exponent - digits + 1), and every finite value is below 2^max_exponent.
    mpfr_set_emin(Lim::min_exponent - Lim::digits + 1);
    mpfr_set_emax(Lim::max_exponent);
  }
  ~MpfrFormat() {
    mpfr_set_emin(emin_);
    mpfr_set_emax(emax_);
  }

 private:
  mpfr_exp_t emin_, emax_;
};

// The correctly rounded F of q per MPFR (set_q + subnormalize, nearest-even); nullopt on
// overflow.
template <class F>
std::optional<F> mpfrRound(const Q& q) {
  MpfrFormat<F> range;
  mpfr_t x;
  mpfr_init2(x, std::numeric_limits<F>::digits);
  int t = mpfr_set_q(x, q.get(), MPFR_RNDN);
  t = mpfr_subnormalize(x, t, MPFR_RNDN);
  std::optional<F> out;
  if (!mpfr_inf_p(x)) {
    if constexpr (std::is_same_v<F, float>) {
      out = mpfr_get_flt(x, MPFR_RNDN);
    } else {
      out = mpfr_get_d(x, MPFR_RNDN);
    }
  }
  mpfr_clear(x);
  return out;
}

// A uniformly random integer with exactly `bitCount` bits (top bit set).
void randomBits(mpz_ptr z, std::mt19937_64& rng, unsigned long bitCount) {
  mpz_set_ui(z, 0);
  for (unsigned long have = 0; have < bitCount; have += 64) {
    mpz_mul_2exp(z, z, 64);
    mpz_add_ui(z, z, rng());
  }
  mpz_fdiv_r_2exp(z, z, bitCount);
  mpz_setbit(z, bitCount - 1);
}

// Pseudo-random rationals aimed at format F: every magnitude, the subnormal and overflow
// edges, exact midpoints and their close neighbours, and multi-thousand-bit parts.
template <class F>
Q randomRational(std::mt19937_64& rng, int kind) {
  using Lim = std::numeric_limits<F>;
  const long p = Lim::digits;
  const long minExp = Lim::min_exponent - 1;
  const long maxExp = Lim::max_exponent - 1;
  auto pick = [&](long lo, long hi) { return lo + static_cast<long>(rng() % (hi - lo + 1)); };
  Q q;
  mpz_ptr num = mpq_numref(q.get());
  mpz_ptr den = mpq_denref(q.get());
  switch (kind) {
    case 0:  // int64-sized parts
      randomBits(num, rng, pick(1, 63));
      randomBits(den, rng, pick(1, 63));
      break;
    case 1: {  // any magnitude, up to a few hundred bits each
      randomBits(num, rng, pick(1, 400));
      randomBits(den, rng, pick(1, 400));
      break;
    }
    case 2: {  // around the subnormal range, quotient near 2^t
      const long t = pick(minExp - p - 3, minExp + 3);
      const long nb = pick(1, 200);
      randomBits(num, rng, nb);
      randomBits(den, rng, nb - t);
      break;
    }
    case 3: {  // around the overflow threshold
      const long t = pick(maxExp - 2, maxExp + 1);
      const long db = pick(1, 200);
      randomBits(den, rng, db);
      randomBits(num, rng, db + t);
      break;
    }
    case 4: {  // an exact midpoint m * 2^k (m odd, p+1 bits), maybe nudged by a tiny amount
      randomBits(num, rng, p + 1);
      mpz_setbit(num, 0);
      const long k = pick(minExp - 2 * p, maxExp - p);
      mpz_set_ui(den, 1);
      mpq_canonicalize(q.get());
      q = q * Q::pow2(k);
      const long nudge = static_cast<long>(rng() % 3);
      if (nudge != 0) {
        Q eps;
        mpz_set_ui(mpq_numref(eps.get()), 1);
        randomBits(mpq_denref(eps.get()), rng, pick(1, 300));
        eps = eps * Q::pow2(k - 2 * p);
        q = nudge == 1 ? q + eps : q - eps;
      }
      break;
    }
    default:  // thousands of bits on both sides
      randomBits(num, rng, pick(1500, 2500));
      randomBits(den, rng, pick(1500, 2500));
      break;
  }
  if (rng() % 2) mpz_neg(num, num);
  mpq_canonicalize(q.get());
  return q;
}

template <class F>
void crossCheck(uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  int overflows = 0;
  int zeros = 0;
  int subnormals = 0;
  for (int i = 0; i < count; ++i) {
    const Q q = randomRational<F>(rng, i % 6);
    const std::optional<F> want = mpfrRound<F>(q);
    const Result<F> viaRational = convert<F>(q.rational());
    auto lit = ExactLiteral::parse(q.text());
    ASSERT_TRUE(lit.ok()) << q.text();
    const Result<F> viaLiteral = convert<F>(lit.value());
    if (!want) {
      ++overflows;
      ASSERT_FALSE(viaRational.ok()) << q.text();
      EXPECT_EQ(viaRational.error().code, ErrorCode::Overflow);
      ASSERT_FALSE(viaLiteral.ok()) << q.text();
      EXPECT_EQ(viaLiteral.error().code, ErrorCode::Overflow);
      continue;
    }
    if (*want == 0) ++zeros;
    if (*want != 0 && std::fabs(*want) < std::numeric_limits<F>::min()) ++subnormals;
    ASSERT_TRUE(viaRational.ok()) << q.text() << ": " << viaRational.error().message;
    ASSERT_TRUE(viaLiteral.ok()) << q.text() << ": " << viaLiteral.error().message;
    EXPECT_EQ(bits(viaRational.value()), bits(*want)) << "Rational " << q.text();
    EXPECT_EQ(bits(viaLiteral.value()), bits(*want)) << "ExactLiteral " << q.text();
  }
  // The generator must actually reach the edges it aims at.
  EXPECT_GT(overflows, count / 50);
  EXPECT_GT(zeros, count / 100);
  EXPECT_GT(subnormals, count / 20);
}

TEST(RationalRounding, FloatMatchesMpfrAndExactLiteral) { crossCheck<float>(101, 3000); }
TEST(RationalRounding, DoubleMatchesMpfrAndExactLiteral) { crossCheck<double>(202, 3000); }

}  // namespace
}  // namespace verigrad
