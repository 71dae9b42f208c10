// Rational: safe construction, text and correctly rounded conversion of the exact scalar, on GMP.
#include "verigrad/rational.hpp"

#include <gmp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>
#include <utility>

namespace verigrad {

namespace {

// mpz_set_si / mpz_get_ui take long: int64 and the 55-bit mantissas below must fit in it.
static_assert(sizeof(long) == 8, "Rational assumes an LP64 platform");

// An mpz_t with a scope: temporaries of the rounding path are released on every return.
class Mpz {
 public:
  Mpz() { mpz_init(v_); }
  ~Mpz() { mpz_clear(v_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_ptr get() { return v_; }

 private:
  mpz_t v_;
};

// Result of rounding |value| to a binary format: mantissa * 2^exponent.
struct Binary {
  bool overflow = false;
  unsigned long mantissa = 0;
  long exponent = 0;
};

// Rounds |num|/den (den > 0) to nearest-even with `precision` significand bits, normal binades
// 2^minExp .. 2^maxExp and subnormals (quantum 2^(minExp - precision + 1)) below. Independent of
// ExactLiteral's implementation: here the halfway decision compares twice the remainder with
// the divisor instead of carrying guard bits.
Binary roundMagnitude(mpz_srcptr numIn, mpz_srcptr den, int precision, long minExp, long maxExp) {
  Binary out;
  Mpz num;
  mpz_abs(num.get(), numIn);
  Mpz scaledNum;
  Mpz scaledDen;
  // Exponent of the leading bit: floor(log2(num/den)). mpz_sizeinbase(x, 2) is exact for base 2.
  long e =
      static_cast<long>(mpz_sizeinbase(num.get(), 2)) - static_cast<long>(mpz_sizeinbase(den, 2));
  if (e >= 0) {
    mpz_set(scaledNum.get(), num.get());
    mpz_mul_2exp(scaledDen.get(), den, static_cast<mp_bitcnt_t>(e));
  } else {
    mpz_mul_2exp(scaledNum.get(), num.get(), static_cast<mp_bitcnt_t>(-e));
    mpz_set(scaledDen.get(), den);
  }
  if (mpz_cmp(scaledNum.get(), scaledDen.get()) < 0) --e;
  if (e > maxExp) {
    out.overflow = true;
    return out;
  }
  // Weight of the last significand bit; constant across the whole subnormal range.
  const long quantum = std::max(e, minExp) - (precision - 1);
  if (e < quantum - 1) return out;  // less than half the smallest subnormal: zero
  // q = floor(num / (den * 2^quantum)), r the remainder, divisor = den * 2^quantum scaled to
  // integers on whichever side the power of two lands.
  Mpz dividend;
  Mpz divisor;
  if (quantum <= 0) {
    mpz_mul_2exp(dividend.get(), num.get(), static_cast<mp_bitcnt_t>(-quantum));
    mpz_set(divisor.get(), den);
  } else {
    mpz_set(dividend.get(), num.get());
    mpz_mul_2exp(divisor.get(), den, static_cast<mp_bitcnt_t>(quantum));
  }
  Mpz q;
  Mpz r;
  mpz_tdiv_qr(q.get(), r.get(), dividend.get(), divisor.get());
  // Round half to even: up when 2r > divisor, or 2r == divisor and q is odd.
  mpz_mul_2exp(r.get(), r.get(), 1);
  const int half = mpz_cmp(r.get(), divisor.get());
  if (half > 0 || (half == 0 && mpz_odd_p(q.get()))) mpz_add_ui(q.get(), q.get(), 1);
  // Rounding up may carry into a new binade; past maxExp that is an overflow.
  const long top = quantum + static_cast<long>(mpz_sizeinbase(q.get(), 2)) - 1;
  if (mpz_sgn(q.get()) != 0 && top > maxExp) {
    out.overflow = true;
    return out;
  }
  out.mantissa = mpz_get_ui(q.get());  // at most precision + 1 bits
  out.exponent = quantum;
  return out;
}

template <class F>
Result<F> convertRational(const Rational& self, const char* formatName) {
  using Lim = std::numeric_limits<F>;
  static_assert(Lim::is_iec559 && Lim::radix == 2);
  mpq_srcptr q = self.impl().backend().data();
  if (mpq_sgn(q) == 0) return F(0);
  // numeric_limits counts exponents for a significand in [0.5, 1); here it is in [1, 2).
  const Binary b = roundMagnitude(mpq_numref(q), mpq_denref(q), Lim::digits, Lim::min_exponent - 1,
                                  Lim::max_exponent - 1);
  if (b.overflow) {
    std::string text = self.str();
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    return Error::make(ErrorCode::Overflow,
                       "rational " + text + " overflows " + std::string(formatName));
  }
  // The mantissa is exact in F and mantissa * 2^exponent is representable: ldexp is exact.
  const F m = std::ldexp(static_cast<F>(b.mantissa), static_cast<int>(b.exponent));
  return mpq_sgn(q) < 0 ? -m : m;
}

}  // namespace

Result<Rational> Rational::fromRatio(int64_t p, int64_t q) {
  if (q == 0) return Error::make(ErrorCode::DomainError, "rational: zero denominator");
  // Built from mpz parts: Boost 1.74's two-argument constructor wraps a negative denominator.
  Rational r;
  mpq_ptr dst = r.v_.backend().data();
  mpz_set_si(mpq_numref(dst), static_cast<long>(p));
  mpz_set_si(mpq_denref(dst), static_cast<long>(q));
  // canonicalize moves the sign to the numerator and removes common factors; in mpz, negating
  // INT64_MIN is harmless.
  mpq_canonicalize(dst);
  return r;
}

Result<Rational> Rational::parse(std::string_view text) {
  // One grammar for the IR and the scalar: ExactLiteral's parser, then an exact transfer.
  auto lit = ExactLiteral::parse(text);
  if (!lit.ok()) return lit.error();
  return fromLiteral(lit.value());
}

Rational Rational::fromLiteral(const ExactLiteral& x) {
  Rational r;
  mpq_ptr dst = r.v_.backend().data();
  if (x.isSmall()) {
    // Inline literals are already in lowest terms with a positive denominator.
    mpz_set_si(mpq_numref(dst), static_cast<long>(x.num()));
    mpz_set_si(mpq_denref(dst), static_cast<long>(x.den()));
    return r;
  }
  // The big form is reachable only through its canonical text ("p" or "p/q", lowest terms).
  const std::string text = x.str();
  if (mpq_set_str(dst, text.c_str(), 10) != 0) {
    mpq_set_ui(dst, 0, 1);  // unreachable: str() always produces valid GMP syntax
    return r;
  }
  mpq_canonicalize(dst);
  return r;
}

Rational Rational::fromDouble(double x) {
  Rational r;
  // Precondition: finite. mpq_set_d is undefined for NaN/inf, so keep 0 rather than crash.
  if (!std::isfinite(x)) return r;
  mpq_set_d(r.v_.backend().data(), x);  // exact: every finite double is a dyadic rational
  return r;
}

Result<double> Rational::toDouble() const { return convertRational<double>(*this, "double"); }

Result<float> Rational::toFloat() const { return convertRational<float>(*this, "float"); }

std::string Rational::str() const {
  mpq_srcptr q = v_.backend().data();
  // Size from GMP's documentation: digits of both parts plus sign, '/' and the terminator.
  const size_t size = mpz_sizeinbase(mpq_numref(q), 10) + mpz_sizeinbase(mpq_denref(q), 10) + 3;
  std::string buf(size, '\0');
  mpq_get_str(buf.data(), 10, q);
  buf.resize(std::char_traits<char>::length(buf.c_str()));
  return buf;
}

std::ostream& operator<<(std::ostream& os, const Rational& r) { return os << r.str(); }

}  // namespace verigrad
