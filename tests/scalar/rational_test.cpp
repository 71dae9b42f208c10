// Tests for Rational: safe construction (Boost's negative-denominator pitfall), text, exact
// fromDouble, and correctly rounded toFloat/toDouble cross-checked with MPFR and ExactLiteral.
#include "verigrad/rational.hpp"

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <boost/version.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mpfr_reference.hpp"
#include "verigrad/exact_literal.hpp"

namespace verigrad {
namespace {

using namespace testing::mpref;  // Q, kMin/kMax, bits, convert, the edges and MPFR's rounding

// q as a Rational, set through GMP (not through Rational's own constructors).
Rational asRational(const Q& q) {
  Rational::Impl impl;
  mpq_set(impl.backend().data(), q.get());
  return Rational(impl);
}

Rational rat(std::string_view text) {
  auto r = Rational::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Rational();
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
    const int limbs = 1 + static_cast<int>(rng() % 6);
    const Q q = randomLimbs(rng, i % 2 ? limbs : 1);
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
  for (double x : randomFiniteDoubles(rng, 6000)) {
    const Rational r = Rational::fromDouble(x);
    EXPECT_EQ(r.str(), Q::fromDouble(x).text());
    auto back = r.toDouble();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(bits(back.value()), bits(x == 0 ? 0.0 : x)) << r.str();
  }
  for (float f : randomFiniteNonZeroFloats(rng, 3000)) {
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

TEST(RationalRounding, FloatEdges) { checkEdges<float>(asRational); }
TEST(RationalRounding, DoubleEdges) { checkEdges<double>(asRational); }

TEST(RationalRounding, DirectFloatAvoidsDoubleRounding) {
  expectDirectFloatRounding(asRational(doubleRoundingTrap()));
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
    const Result<F> viaRational = convert<F>(asRational(q));
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
