// Tests for ExactLiteral: parsing, canonical text, int64 edges, comparison, exact fromDouble and
// correctly rounded toFloat/toDouble, cross-checked against GMP and MPFR.
#include "verigrad/exact_literal.hpp"

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "mpfr_reference.hpp"

namespace verigrad {
namespace {

using namespace testing::mpref;  // Q, kMin/kMax, bits, convert, the edges and MPFR's rounding

ExactLiteral lit(std::string_view text) {
  auto r = ExactLiteral::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : ExactLiteral();
}

ExactLiteral lit(const Q& q) { return lit(q.text()); }

// ---------------------------------------------------------------------------------------------
// Parsing and canonical text

TEST(ExactLiteralParse, CanonicalText) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"+7", "7"},
      {"3", "3"},
      {"-3/4", "-3/4"},
      {"6/8", "3/4"},
      {"10/5", "2"},
      {"0/5", "0"},
      {"00012", "12"},
      {"0.125", "1/8"},
      {"-2.5e-3", "-1/400"},
      {"1e10", "10000000000"},
      {"1E-2", "1/100"},
      {"1e+2", "100"},
      {".5", "1/2"},
      {"5.", "5"},
      {"1.50", "3/2"},
      {"0.000", "0"},
      {"0e99999999999999999999", "0"},
      {"123.456e1", "30864/25"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(lit(in).str(), want) << in;
  }
}

TEST(ExactLiteralParse, HugeIntegersAndFractionsRoundTrip) {
  const std::string big = "123456789012345678901234567890123456789012345678901234567890";
  EXPECT_EQ(lit(big).str(), big);
  EXPECT_FALSE(lit(big).isSmall());
  EXPECT_EQ(lit("-" + big).str(), "-" + big);
  EXPECT_EQ(lit("-" + big).sign(), -1);
  // A big fraction with a big common factor reduces, here all the way back to inline.
  const std::string zeros(30, '0');
  const ExactLiteral reduced = lit("3" + zeros + "/7" + zeros);
  EXPECT_EQ(reduced.str(), "3/7");
  EXPECT_TRUE(reduced.isSmall());
  EXPECT_EQ(reduced.num(), 3);
  EXPECT_EQ(reduced.den(), 7);
  EXPECT_EQ(lit("1/100000000000000000000").str(), "1/100000000000000000000");
  EXPECT_EQ(lit("-1e-30").str(), "-1/1000000000000000000000000000000");
  EXPECT_EQ(lit("2.5e30").str(), "2500000000000000000000000000000");

  // Random rationals of up to ~600 bits each side: str(parse(text)) is GMP's canonical text.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    Q q;
    const int numLimbs = 1 + static_cast<int>(rng() % 10);
    const int denLimbs = 1 + static_cast<int>(rng() % 10);
    for (int k = 0; k < numLimbs; ++k) {
      mpz_mul_2exp(mpq_numref(q.get()), mpq_numref(q.get()), 64);
      mpz_add_ui(mpq_numref(q.get()), mpq_numref(q.get()), rng() >> (rng() % 64));
    }
    mpz_set_ui(mpq_denref(q.get()), 1);
    for (int k = 0; k < denLimbs; ++k) {
      mpz_mul_2exp(mpq_denref(q.get()), mpq_denref(q.get()), 64);
      mpz_add_ui(mpq_denref(q.get()), mpq_denref(q.get()), rng() >> (rng() % 64));
    }
    if (rng() % 2) mpz_neg(mpq_numref(q.get()), mpq_numref(q.get()));
    // Also exercise reduction: multiply numerator and denominator by a common factor.
    mpq_canonicalize(q.get());
    const std::string want = q.text();
    mpz_mul_ui(mpq_numref(q.get()), mpq_numref(q.get()), 6 * 1000003UL);
    mpz_mul_ui(mpq_denref(q.get()), mpq_denref(q.get()), 6 * 1000003UL);
    std::string unreduced = q.text();  // mpq_get_str prints the unreduced parts
    EXPECT_EQ(lit(unreduced).str(), want);
    EXPECT_EQ(lit(want).str(), want);
  }
}

TEST(ExactLiteralParse, ErrorsNameTextAndColumn) {
  struct Bad {
    const char* text;
    int column;
  };
  const std::vector<Bad> cases = {
      {"", 1},    {"-", 2},   {"abc", 1}, {"1.2.3", 4}, {"1/", 3},    {"/2", 1},   {"1/2/3", 4},
      {"1e", 3},  {"1e+", 4}, {" 1", 1},  {"1 ", 2},    {"0x10", 2},  {"1/-2", 3}, {"1.5/2", 4},
      {"--1", 2}, {"e5", 1},  {".", 1},   {"1/2e3", 4}, {"1_000", 2}, {"-.e1", 2}, {"1e1.5", 4},
      {"inf", 1}, {"nan", 1}, {"1,5", 2}, {"-6/-8", 4},
  };
  for (const Bad& b : cases) {
    auto r = ExactLiteral::parse(b.text);
    ASSERT_FALSE(r.ok()) << "accepted: \"" << b.text << "\"";
    EXPECT_EQ(r.error().code, ErrorCode::Parse) << b.text;
    const std::string& msg = r.error().message;
    EXPECT_NE(msg.find("\"" + std::string(b.text) + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("column " + std::to_string(b.column)), std::string::npos)
        << b.text << " -> " << msg;
  }
  // The message shape itself, once.
  EXPECT_EQ(ExactLiteral::parse("1.2.3").error().message,
            "exact literal: cannot parse \"1.2.3\": unexpected '.' at column 4");
}

TEST(ExactLiteralParse, ZeroDenominatorAndExponentLimit) {
  auto zero = ExactLiteral::parse("1/0");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::DomainError);
  auto zeroBig = ExactLiteral::parse("-5/000000000000000000000000000000");
  ASSERT_FALSE(zeroBig.ok());
  EXPECT_EQ(zeroBig.error().code, ErrorCode::DomainError);
  // Runaway exponents are refused instead of building enormous numbers.
  auto huge = ExactLiteral::parse("1e100000");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::Parse);
  EXPECT_FALSE(ExactLiteral::parse("1e-99999999999999999999999").ok());
  // ... but the limit is on the resulting power of ten, and 10^±10000 is accepted.
  EXPECT_TRUE(ExactLiteral::parse("1e10000").ok());
  EXPECT_TRUE(ExactLiteral::parse("1e-10000").ok());
  EXPECT_EQ(lit("0.00001e5").str(), "1");
}

// ---------------------------------------------------------------------------------------------
// fromRatio and the int64 edges

TEST(ExactLiteralRatio, SignNormalisationAndLowestTerms) {
  struct Case {
    int64_t p, q;
    const char* text;
    int64_t num, den;
  };
  const std::vector<Case> cases = {
      {1, -1, "-1", -1, 1},
      {3, -6, "-1/2", -1, 2},
      {-3, -6, "1/2", 1, 2},
      {-3, 6, "-1/2", -1, 2},
      {0, -5, "0", 0, 1},
      {12, 4, "3", 3, 1},
      {kMax, kMax, "1", 1, 1},
      {kMin, kMin, "1", 1, 1},
      {kMin, 1, "-9223372036854775808", kMin, 1},
      {kMin, 2, "-4611686018427387904", kMin / 2, 1},
      {2, kMin, "-1/4611686018427387904", -1, int64_t{1} << 62},
      {kMin, -2, "4611686018427387904", int64_t{1} << 62, 1},
      {kMax, -1, "-9223372036854775807", -kMax, 1},
  };
  for (const Case& c : cases) {
    auto r = ExactLiteral::fromRatio(c.p, c.q);
    ASSERT_TRUE(r.ok()) << c.p << "/" << c.q;
    EXPECT_EQ(r->str(), c.text) << c.p << "/" << c.q;
    EXPECT_TRUE(r->isSmall()) << c.p << "/" << c.q;
    EXPECT_EQ(r->num(), c.num) << c.p << "/" << c.q;
    EXPECT_EQ(r->den(), c.den) << c.p << "/" << c.q;
    EXPECT_GT(r->den(), 0);
  }
}

TEST(ExactLiteralRatio, Int64MinNeedsTheBigForm) {
  // +2^63 does not fit int64: negating INT64_MIN must not overflow, it must go big.
  auto a = ExactLiteral::fromRatio(kMin, -1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->str(), "9223372036854775808");
  EXPECT_FALSE(a->isSmall());
  EXPECT_EQ(a->sign(), 1);
  auto b = ExactLiteral::fromRatio(1, kMin);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->str(), "-1/9223372036854775808");
  EXPECT_FALSE(b->isSmall());
  EXPECT_EQ(b->sign(), -1);
  auto c = ExactLiteral::fromRatio(kMax, kMin);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->str(), "-9223372036854775807/9223372036854775808");
  auto d = ExactLiteral::fromRatio(-3, kMin);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->str(), "3/9223372036854775808");

  // Parsing picks the same forms at the same boundaries.
  EXPECT_TRUE(lit("9223372036854775807").isSmall());
  EXPECT_FALSE(lit("9223372036854775808").isSmall());
  EXPECT_TRUE(lit("-9223372036854775808").isSmall());
  EXPECT_EQ(lit("-9223372036854775808").num(), kMin);
  EXPECT_FALSE(lit("-9223372036854775809").isSmall());
  EXPECT_TRUE(lit("1/9223372036854775807").isSmall());
  EXPECT_FALSE(lit("1/9223372036854775808").isSmall());
  EXPECT_FALSE(lit("-1/9223372036854775808").isSmall());
  EXPECT_EQ(ExactLiteral(kMin).str(), "-9223372036854775808");
  EXPECT_EQ(lit("9223372036854775808"), a.value());
  EXPECT_EQ(lit("-1/9223372036854775808"), b.value());
}

TEST(ExactLiteralRatio, ZeroDenominatorIsADomainError) {
  for (int64_t p : {int64_t{0}, int64_t{1}, int64_t{-7}, kMin, kMax}) {
    auto r = ExactLiteral::fromRatio(p, 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
    EXPECT_EQ(r.error().message, "exact literal: zero denominator");
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

TEST(ExactLiteralCompare, HandPickedOrderings) {
  const std::vector<std::string> ascending = {
      "-1e40",
      "-9223372036854775809",
      "-9223372036854775808",
      "-9223372036854775807",
      "-1",
      "-1/3",
      "-1/9223372036854775807",
      "-1/9223372036854775808",
      "0",
      "1/100000000000000000000000",
      "1/9223372036854775808",
      "1/9223372036854775807",
      "333333333333/1000000000000",
      "1/3",
      "9223372036854775806/9223372036854775807",
      "9223372036854775807/9223372036854775808",
      "1",
      "9223372036854775807",
      "9223372036854775808",
      "1e40",
      "10000000000000000000000000000000000000001",
  };
  std::vector<ExactLiteral> values;
  for (const std::string& s : ascending) values.push_back(lit(s));
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      const int want = (i > j) - (i < j);
      const int got = ExactLiteral::compare(values[i], values[j]);
      EXPECT_EQ((got > 0) - (got < 0), want) << values[i].str() << " vs " << values[j].str();
    }
  }
  EXPECT_EQ(lit("0.5"), ExactLiteral::fromDouble(0.5).value());
  EXPECT_EQ(lit("2/4"), ExactLiteral::fromRatio(1, 2).value());
  EXPECT_EQ(ExactLiteral(kMin), ExactLiteral::fromRatio(kMin, 1).value());
  EXPECT_LT(ExactLiteral::compare(ExactLiteral(kMin), ExactLiteral(kMax)), 0);
}

TEST(ExactLiteralCompare, AgreesWithGmpOnRandomPairs) {
  std::mt19937_64 rng(11);
  auto randomQ = [&]() {
    const int kind = static_cast<int>(rng() % 3);
    // kind 0: int64-sized parts (inline path); 1: mixed; 2: multi-limb (big path)
    const int limbs = kind == 0 ? 1 : kind == 1 ? 1 + static_cast<int>(rng() % 2) : 3;
    return randomLimbs(rng, limbs);
  };
  for (int i = 0; i < 3000; ++i) {
    const Q a = randomQ();
    // Half of the pairs are near-ties: b = a +- a tiny amount, or a itself.
    Q b = randomQ();
    if (i % 4 == 1) b = a;
    if (i % 4 == 2) b = a + Q::pow2(-300);
    if (i % 4 == 3) b = a - Q(1) / Q(kMax);
    const int want = mpq_cmp(a.get(), b.get());
    const int got = ExactLiteral::compare(lit(a), lit(b));
    EXPECT_EQ((got > 0) - (got < 0), (want > 0) - (want < 0)) << a.text() << " vs " << b.text();
  }
}

// ---------------------------------------------------------------------------------------------
// fromDouble is exact

TEST(ExactLiteralFromDouble, ExactDyadicValues) {
  EXPECT_EQ(ExactLiteral::fromDouble(0.1)->str(), "3602879701896397/36028797018963968");
  EXPECT_EQ(ExactLiteral::fromDouble(-0.75)->str(), "-3/4");
  EXPECT_EQ(ExactLiteral::fromDouble(-0.0)->str(), "0");
  EXPECT_EQ(ExactLiteral::fromDouble(1e300)->str(), Q::fromDouble(1e300).text());
  EXPECT_FALSE(ExactLiteral::fromDouble(1e300)->isSmall());
  const double dmin = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(ExactLiteral::fromDouble(dmin)->str(), Q::pow2(-1074).text());
  EXPECT_EQ(ExactLiteral::fromDouble(5e-324)->str(), Q::pow2(-1074).text());
  EXPECT_EQ(ExactLiteral::fromDouble(std::numeric_limits<double>::max())->str(),
            Q::fromDouble(std::numeric_limits<double>::max()).text());
  // 2^62 is inline, 2^63 is not; 2^-62 is inline, 2^-63 is not.
  EXPECT_TRUE(ExactLiteral::fromDouble(std::ldexp(1.0, 62))->isSmall());
  EXPECT_FALSE(ExactLiteral::fromDouble(std::ldexp(1.0, 63))->isSmall());
  EXPECT_TRUE(ExactLiteral::fromDouble(std::ldexp(1.0, -62))->isSmall());
  EXPECT_FALSE(ExactLiteral::fromDouble(std::ldexp(1.0, -63))->isSmall());
  EXPECT_EQ(ExactLiteral::fromDouble(-std::ldexp(1.0, 63))->str(), "-9223372036854775808");
  EXPECT_TRUE(ExactLiteral::fromDouble(-std::ldexp(1.0, 63))->isSmall());
}

TEST(ExactLiteralFromDouble, NonFiniteIsInvalidArgument) {
  for (double x :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    auto r = ExactLiteral::fromDouble(x);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  }
}

TEST(ExactLiteralFromDouble, RoundTripsBitwiseIncludingSubnormals) {
  std::mt19937_64 rng(3);
  std::vector<double> xs = {
      std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::min() - std::numeric_limits<double>::denorm_min(),
      1.0,
      0.1,
      -1e-310};
  for (double x : randomFiniteDoubles(rng, 6000)) xs.push_back(x);
  for (double x : xs) {
    auto l = ExactLiteral::fromDouble(x);
    ASSERT_TRUE(l.ok());
    auto back = l->toDouble();
    ASSERT_TRUE(back.ok()) << x;
    // -0 is the rational 0, which converts to +0.
    EXPECT_EQ(bits(back.value()), bits(x == 0 ? 0.0 : x)) << l->str();
    EXPECT_EQ(l->str(), Q::fromDouble(x).text());
  }
  for (float f : randomFiniteNonZeroFloats(rng, 3000)) {
    auto back = ExactLiteral::fromDouble(f)->toFloat();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(bits(back.value()), bits(f));
  }
}

// ---------------------------------------------------------------------------------------------
// Correct rounding at the edges of float and double

TEST(ExactLiteralRounding, FloatEdges) { checkEdges<float>(lit); }
TEST(ExactLiteralRounding, DoubleEdges) { checkEdges<double>(lit); }

TEST(ExactLiteralRounding, DirectFloatAvoidsDoubleRounding) {
  expectDirectFloatRounding(lit(doubleRoundingTrap()));
  EXPECT_EQ(lit("1/3").toFloat().value(), 1.0f / 3.0f);
  EXPECT_EQ(lit("-1/3").toDouble().value(), -1.0 / 3.0);
}

TEST(ExactLiteralRounding, OverflowMessageNamesLiteralAndFormat) {
  auto f = lit("1e39").toFloat();
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::Overflow);
  EXPECT_EQ(f.error().message,
            "exact literal 1000000000000000000000000000000000000000 overflows float");
  EXPECT_TRUE(lit("1e38").toFloat().ok());
  EXPECT_TRUE(lit("1e39").toDouble().ok());
  auto d = lit("-1e309").toDouble();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, ErrorCode::Overflow);
  EXPECT_NE(d.error().message.find("overflows double"), std::string::npos);
  EXPECT_EQ(lit("-0.5e-400").toDouble().value(), 0.0);
  EXPECT_TRUE(std::signbit(lit("-0.5e-400").toDouble().value()));
  EXPECT_EQ(bits(lit("0").toFloat().value()), 0U);
}

// ---------------------------------------------------------------------------------------------
// Independent cross-check: decimal text rounded by MPFR (and glibc) vs parse + toFloat/toDouble

// The exact decimal expansion of the dyadic m * 2^-k (k >= 0): m * 5^k, point k digits left.
std::string dyadicDecimal(mpz_srcptr m, unsigned long k) {
  mpz_t d;
  mpz_init(d);
  mpz_ui_pow_ui(d, 5, k);
  mpz_mul(d, d, m);
  char* s = mpz_get_str(nullptr, 10, d);
  std::string digits(s);
  void (*freeFn)(void*, size_t) = nullptr;
  mp_get_memory_functions(nullptr, nullptr, &freeFn);
  freeFn(s, std::strlen(s) + 1);
  mpz_clear(d);
  return digits + "e-" + std::to_string(k);
}

// Checks parse + convert against MPFR and, when asked, glibc's strtod/strtof as a third opinion.
// (Not for the long exact-midpoint decimals below: there glibc 2.36's strtod was observed to
// round some subnormal results one ulp low, while MPFR, CPython's float() and we agree.)
template <class F>
void checkDecimal(const std::string& s, bool alsoLibc, int* checked) {
  const ExactLiteral x = lit(s);
  const auto want = mpfrRound<F>(s);
  const auto got = convert<F>(x);
  if (!want) {
    ASSERT_FALSE(got.ok()) << s;
    EXPECT_EQ(got.error().code, ErrorCode::Overflow) << s;
  } else {
    ASSERT_TRUE(got.ok()) << s << ": " << got.error().message;
    // An exact zero ("-0e5") is the rational 0, which converts to +0; MPFR and libc keep the
    // text's sign. Non-zero values that round to zero keep their sign in all three.
    const F reference = x.isZero() ? F(0) : *want;
    EXPECT_EQ(bits(got.value()), bits(reference)) << s;
    if (alsoLibc && !x.isZero()) {
      if constexpr (std::is_same_v<F, float>) {
        EXPECT_EQ(bits(got.value()), bits(std::strtof(s.c_str(), nullptr))) << s;
      } else {
        EXPECT_EQ(bits(got.value()), bits(std::strtod(s.c_str(), nullptr))) << s;
      }
    }
  }
  ++*checked;
}

TEST(ExactLiteralRounding, RandomDecimalsMatchMpfr) {
  std::mt19937_64 rng(20240601);
  int checked = 0;
  // Exponent centres: ordinary values, and the subnormal, normal and overflow edges of both.
  const std::vector<int> centres = {0, -324, -320, -308, -45, -40, -38, 38, 308, 20, -20};
  for (int i = 0; i < 3000; ++i) {
    std::string s = rng() % 2 ? "-" : "";
    const int intDigits = static_cast<int>(rng() % 20);
    const int fracDigits = static_cast<int>(rng() % 25) + (intDigits == 0 ? 1 : 0);
    for (int k = 0; k < intDigits; ++k) s += static_cast<char>('0' + rng() % 10);
    if (fracDigits > 0) s += '.';
    for (int k = 0; k < fracDigits; ++k) s += static_cast<char>('0' + rng() % 10);
    const int centre = centres[rng() % centres.size()];
    s += "e" + std::to_string(centre - intDigits + static_cast<int>(rng() % 7) - 3);
    checkDecimal<double>(s, true, &checked);
    checkDecimal<float>(s, true, &checked);
  }
  // Exact midpoints between neighbouring floats/doubles, written as full decimals, and the
  // same text with the last digit nudged: ties to even and the nearest non-ties.
  for (int i = 0; i < 1500; ++i) {
    const bool isFloat = i % 2 == 0;
    const int p = isFloat ? 24 : 53;
    // Odd m of p+1 bits: m * 2^-k is halfway between two p-bit neighbours. Small k gives
    // normal values; k near the subnormal range gives ties at reduced precision too.
    mpz_t m;
    mpz_init_set_ui(m, (rng() | 1) & ((uint64_t{1} << (p + 1)) - 1));
    mpz_setbit(m, static_cast<mp_bitcnt_t>(p));
    const unsigned long k = isFloat ? 100 + rng() % 100 : 1040 + rng() % 110;
    const unsigned long shiftDown = rng() % 3 == 0 ? rng() % 40 : 0;  // deeper into subnormals
    std::string s = dyadicDecimal(m, k + shiftDown);
    mpz_clear(m);
    for (int nudge : {0, 1, -1}) {
      std::string t = s;
      const size_t lastDigit = t.find('e') - 1;
      if (nudge == 1 && t[lastDigit] != '9') ++t[lastDigit];
      if (nudge == -1 && t[lastDigit] != '0') --t[lastDigit];
      if (isFloat) {
        checkDecimal<float>(t, false, &checked);
      } else {
        checkDecimal<double>(t, false, &checked);
      }
    }
  }
  EXPECT_GE(checked, 10000);
}

}  // namespace
}  // namespace verigrad
