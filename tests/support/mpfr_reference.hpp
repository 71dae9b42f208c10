// The GMP/MPFR reference shared by the two independent exact-to-float conversions' tests
// (ExactLiteral and Rational): GMP rationals, random inputs, rounding edges and MPFR's rounding.
#pragma once

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "verigrad/result.hpp"

namespace verigrad::testing::mpref {

inline constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

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

inline uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }
inline uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }

// x.toFloat() or x.toDouble(), by F.
template <class F, class X>
Result<F> convert(const X& x) {
  if constexpr (std::is_same_v<F, float>) {
    return x.toFloat();
  } else {
    return x.toDouble();
  }
}

// ---------------------------------------------------------------------------------------------
// Random inputs

// A random rational whose numerator and denominator are each `limbs` 64-bit limbs of random
// width (zero parts become 1), of random sign, in lowest terms.
inline Q randomLimbs(std::mt19937_64& rng, int limbs) {
  Q q;
  for (mpz_ptr z : {mpq_numref(q.get()), mpq_denref(q.get())}) {
    mpz_set_ui(z, 0);
    for (int k = 0; k < limbs; ++k) {
      mpz_mul_2exp(z, z, 64);
      mpz_add_ui(z, z, (rng() >> 1) >> (rng() % 63));
    }
    if (mpz_sgn(z) == 0) mpz_set_ui(z, 1);
  }
  if (rng() % 2) mpz_neg(mpq_numref(q.get()), mpq_numref(q.get()));
  mpq_canonicalize(q.get());
  return q;
}

// `count` random bit patterns as doubles, every third one a subnormal (or zero), the non-finite
// ones dropped.
inline std::vector<double> randomFiniteDoubles(std::mt19937_64& rng, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i) {
    uint64_t b = rng();
    if (i % 3 == 0) b &= 0x800FFFFFFFFFFFFFULL;  // subnormal (or zero)
    const double x = std::bit_cast<double>(b);
    if (std::isfinite(x)) out.push_back(x);
  }
  return out;
}

// The same for floats, zeros dropped too.
inline std::vector<float> randomFiniteNonZeroFloats(std::mt19937_64& rng, int count) {
  std::vector<float> out;
  for (int i = 0; i < count; ++i) {
    uint32_t b = static_cast<uint32_t>(rng());
    if (i % 3 == 0) b &= 0x807FFFFFU;
    const float f = std::bit_cast<float>(b);
    if (std::isfinite(f) && f != 0) out.push_back(f);
  }
  return out;
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

// Checks every edge of format F, and its negation, converted through `exact(q)`: the value under
// test (an ExactLiteral or a Rational) made from the GMP rational q.
template <class F, class X>
void checkEdges(X (*exact)(const Q&)) {
  for (const Edge<F>& c : edgeCases<F>()) {
    for (int s : {1, -1}) {
      const Q v = s > 0 ? c.value : -c.value;
      const auto r = convert<F>(exact(v));
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

// x = 1 + 2^-24 + 2^-60 lies just above the float halfway point 1 + 2^-24. Rounded to double it
// becomes exactly that halfway point, which then ties to the even float 1: wrong.
inline Q doubleRoundingTrap() { return Q(1) + Q::pow2(-24) + Q::pow2(-60); }

// `x` is doubleRoundingTrap() as the value under test: toFloat must round directly, not through
// toDouble.
template <class X>
void expectDirectFloatRounding(const X& x) {
  const double viaDouble = x.toDouble().value();
  EXPECT_EQ(viaDouble, 1.0 + std::ldexp(1.0, -24));
  EXPECT_EQ(static_cast<float>(viaDouble), 1.0f);              // double-rounded: wrong
  EXPECT_EQ(x.toFloat().value(), std::nextafter(1.0f, 2.0f));  // 1 + 2^-23: correct
}

// ---------------------------------------------------------------------------------------------
// MPFR's correctly rounded reference

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

// The correctly rounded F (nearest-even, with F's subnormals) of the value `set(x)` stores into
// the MPFR variable x, returning MPFR's ternary value; nullopt on overflow.
template <class F, class Set>
std::optional<F> mpfrRoundWith(Set set) {
  MpfrFormat<F> range;
  mpfr_t x;
  mpfr_init2(x, std::numeric_limits<F>::digits);
  int t = set(x);
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

// The correctly rounded F of q per MPFR; nullopt on overflow.
template <class F>
std::optional<F> mpfrRound(const Q& q) {
  return mpfrRoundWith<F>([&](mpfr_ptr x) { return mpfr_set_q(x, q.get(), MPFR_RNDN); });
}

// The correctly rounded F of a decimal string per MPFR; nullopt on overflow.
template <class F>
std::optional<F> mpfrRound(const std::string& decimal) {
  return mpfrRoundWith<F>(
      [&](mpfr_ptr x) { return mpfr_strtofr(x, decimal.c_str(), nullptr, 10, MPFR_RNDN); });
}

}  // namespace verigrad::testing::mpref
