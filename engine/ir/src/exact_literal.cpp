// ExactLiteral: construction, parsing, printing, exact comparison and correctly rounded
// conversion of the IR's rational constants, with a BigUInt fallback beyond int64.
#include "verigrad/exact_literal.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>

#include "big_uint.hpp"

namespace verigrad {

namespace {

// Largest |k| accepted in a decimal literal d * 10^k. Reducing p/q costs time quadratic in the
// bit length, so a typo such as "1e999999999" must not build a billion-bit number; 10^10000 is
// far beyond every binary format the engine converts to.
constexpr int64_t kMaxDecimalExponent = 10000;
constexpr uint64_t kInt64MaxU = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// |x| as uint64: unsigned arithmetic, so INT64_MIN does not overflow.
uint64_t magnitude(int64_t x) {
  return x < 0 ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
}

// Long user text is shortened in messages so an error stays readable.
std::string abbreviate(std::string_view text) {
  constexpr size_t kMax = 80;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

Error parseError(std::string_view text, size_t index, std::string_view what) {
  std::string msg = "exact literal: cannot parse \"" + abbreviate(text) + "\": ";
  if (index >= text.size()) {
    msg += "unexpected end of text";
  } else {
    msg += "unexpected '";
    msg += text[index];
    msg += "'";
  }
  msg += " at column " + std::to_string(index + 1);
  if (!what.empty()) msg += " (" + std::string(what) + ")";
  return Error::make(ErrorCode::Parse, std::move(msg));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace detail {

// The big form: sign and magnitude, numerator > 0 (zero is always inline), lowest terms.
// Also the working form of every value for the big-number paths (see of()).
struct BigRational {
  bool negative = false;
  BigUInt num;
  BigUInt den{1};

  // Any literal as sign + magnitudes (inline values widened).
  static BigRational of(const ExactLiteral& x) {
    if (x.big_) return *x.big_;
    BigRational r;
    r.negative = x.num_ < 0;
    r.num = BigUInt(magnitude(x.num_));
    r.den = BigUInt(static_cast<uint64_t>(x.den_));
    return r;
  }

  // Canonical literal from a fraction already in lowest terms with den > 0: inline when it fits.
  static ExactLiteral fromLowestTerms(bool negative, BigUInt num, BigUInt den) {
    ExactLiteral out;
    if (num.isZero()) return out;
    if (num.fitsUint64() && den.fitsUint64()) {
      const uint64_t n = num.toUint64();
      const uint64_t d = den.toUint64();
      // -2^63 fits int64 although +2^63 does not.
      const bool numFits = n <= kInt64MaxU || (negative && n == kInt64MaxU + 1);
      if (numFits && d <= kInt64MaxU) {
        out.num_ = negative ? static_cast<int64_t>(~n + 1) : static_cast<int64_t>(n);
        out.den_ = static_cast<int64_t>(d);
        return out;
      }
    }
    auto big = std::make_shared<BigRational>();
    big->negative = negative;
    big->num = std::move(num);
    big->den = std::move(den);
    out.big_ = std::move(big);
    return out;
  }

  // Precondition: den != 0.
  static ExactLiteral reduce(bool negative, BigUInt num, BigUInt den) {
    if (num.isZero()) return ExactLiteral();
    BigUInt g = BigUInt::gcd(num, den);
    if (!(g == BigUInt(1))) {
      BigUInt rem;
      BigUInt::divmod(num, g, num, rem);
      BigUInt::divmod(den, g, den, rem);
    }
    return fromLowestTerms(negative, std::move(num), std::move(den));
  }
};

}  // namespace detail

using detail::BigRational;
using detail::BigUInt;

namespace {

// A positive value N/D rounded to nearest-even in a binary format with `precision` significand
// bits, normal exponents in [minExp, maxExp] and subnormals below: mantissa * 2^exponent, with
// mantissa < 2^precision except after a carry out of rounding (then exactly 2^precision).
struct Rounded {
  bool overflow = false;
  uint64_t mantissa = 0;
  int exponent = 0;
};

Rounded roundToBinary(const BigUInt& num, const BigUInt& den, int precision, int minExp,
                      int maxExp) {
  Rounded out;
  // e = floor(log2(N/D)): N/D lies in [2^(e0-1), 2^(e0+1)), one comparison decides which half.
  const int64_t e0 = static_cast<int64_t>(num.bitLength()) - static_cast<int64_t>(den.bitLength());
  int cmp = e0 >= 0 ? BigUInt::compare(num, den << static_cast<size_t>(e0))
                    : BigUInt::compare(num << static_cast<size_t>(-e0), den);
  const int64_t e = cmp >= 0 ? e0 : e0 - 1;
  if (e > maxExp) {
    out.overflow = true;  // at least 2^(maxExp+1): beyond max finite + half an ulp
    return out;
  }
  // The quantum (weight of the last kept bit): fixed at the subnormal quantum below minExp, so
  // a subnormal result is rounded once, at its own (reduced) precision.
  const int64_t quantum = std::max<int64_t>(e, minExp) - (precision - 1);
  if (e < quantum - 1) return out;  // below half the smallest subnormal: rounds to zero
  // W = floor(N/D / 2^(quantum-2)): the kept bits plus a round bit and a guard bit; the
  // remainder of the division becomes the sticky bit.
  const int64_t shift = 2 - quantum;
  BigUInt w;
  BigUInt rem;
  if (shift >= 0) {
    BigUInt::divmod(num << static_cast<size_t>(shift), den, w, rem);
  } else {
    BigUInt::divmod(num, den << static_cast<size_t>(-shift), w, rem);
  }
  const uint64_t bits = w.toUint64();  // at most precision + 2 <= 55 bits
  const bool sticky = !rem.isZero() || (bits & 1U) != 0;
  const bool roundBit = (bits & 2U) != 0;
  uint64_t mantissa = bits >> 2;
  if (roundBit && (sticky || (mantissa & 1U) != 0)) ++mantissa;
  const int exponent = static_cast<int>(quantum);
  // A carry may have produced 2^precision: the top bit then sits one binade higher.
  const int topExponent = exponent + static_cast<int>(std::bit_width(mantissa)) - 1;
  if (mantissa != 0 && topExponent > maxExp) {
    out.overflow = true;
    return out;
  }
  out.mantissa = mantissa;
  out.exponent = exponent;
  return out;
}

template <class F>
Result<F> convertTo(const ExactLiteral& x, const char* formatName) {
  using Lim = std::numeric_limits<F>;
  static_assert(Lim::is_iec559 && Lim::radix == 2);
  if (x.isZero()) return F(0);
  const BigRational v = BigRational::of(x);
  // numeric_limits exponents are for a significand in [0.5, 1); ours is in [1, 2).
  const Rounded r =
      roundToBinary(v.num, v.den, Lim::digits, Lim::min_exponent - 1, Lim::max_exponent - 1);
  if (r.overflow) {
    std::string text = x.str();
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    return Error::make(ErrorCode::Overflow,
                       "exact literal " + text + " overflows " + std::string(formatName));
  }
  // The mantissa has at most `digits` + 1 bits (exact in F) and mantissa * 2^exponent is
  // representable, so ldexp is exact: no second rounding happens here.
  const F magnitudeValue = std::ldexp(static_cast<F>(r.mantissa), r.exponent);
  return v.negative ? -magnitudeValue : magnitudeValue;
}

}  // namespace

Result<ExactLiteral> ExactLiteral::fromRatio(int64_t p, int64_t q) {
  if (q == 0) return Error::make(ErrorCode::DomainError, "exact literal: zero denominator");
  if (p == 0) return ExactLiteral();
  const bool negative = (p < 0) != (q < 0);
  uint64_t n = magnitude(p);
  uint64_t d = magnitude(q);
  const uint64_t g = std::gcd(n, d);
  n /= g;
  d /= g;
  // Even reduced, 2^63 may remain (INT64_MIN / -1, 1 / INT64_MIN): fromLowestTerms then
  // chooses the big form.
  return BigRational::fromLowestTerms(negative, BigUInt(n), BigUInt(d));
}

Result<ExactLiteral> ExactLiteral::fromDouble(double x) {
  if (std::isnan(x)) {
    return Error::make(ErrorCode::InvalidArgument, "exact literal: NaN is not a rational number");
  }
  if (std::isinf(x)) {
    return Error::make(ErrorCode::InvalidArgument,
                       "exact literal: infinity is not a rational number");
  }
  if (x == 0) return ExactLiteral();  // -0 too: the rationals have one zero
  int exp = 0;
  const double frac = std::frexp(std::fabs(x), &exp);  // |x| = frac * 2^exp, frac in [0.5, 1)
  // frac has at most 53 significant bits (fewer for subnormals), so this is an exact integer.
  uint64_t mant = static_cast<uint64_t>(std::ldexp(frac, std::numeric_limits<double>::digits));
  int64_t e = static_cast<int64_t>(exp) - std::numeric_limits<double>::digits;
  const int tz = std::countr_zero(mant);
  mant >>= tz;
  e += tz;
  // mant is odd now, so mant / 2^-e is already in lowest terms.
  if (e >= 0) {
    return BigRational::fromLowestTerms(x < 0, BigUInt(mant) << static_cast<size_t>(e), BigUInt(1));
  }
  return BigRational::fromLowestTerms(x < 0, BigUInt(mant), BigUInt(1) << static_cast<size_t>(-e));
}

Result<ExactLiteral> ExactLiteral::parse(std::string_view text) {
  const size_t n = text.size();
  if (n == 0) return parseError(text, 0, "empty literal");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    ++i;
  }
  auto scanDigits = [&](size_t from) {
    size_t j = from;
    while (j < n && isDigit(text[j])) ++j;
    return j;
  };
  const size_t intBegin = i;
  i = scanDigits(i);
  const std::string_view intDigits = text.substr(intBegin, i - intBegin);

  // "p/q": integers of any length, no decimal point or exponent on either side.
  if (i < n && text[i] == '/') {
    if (intDigits.empty()) return parseError(text, intBegin, "expected a digit");
    const size_t denBegin = ++i;
    i = scanDigits(i);
    if (i == denBegin) return parseError(text, i, "expected a digit");
    if (i != n) return parseError(text, i, "");
    BigUInt num;
    BigUInt den;
    // Cannot fail: both ranges are non-empty runs of digits.
    (void)BigUInt::fromDecimal(intDigits, num);
    (void)BigUInt::fromDecimal(text.substr(denBegin), den);
    if (den.isZero()) {
      return Error::make(ErrorCode::DomainError,
                         "exact literal: zero denominator in \"" + abbreviate(text) + "\"");
    }
    return BigRational::reduce(negative, std::move(num), std::move(den));
  }

  // Decimal: digits [. digits] [e|E [sign] digits], at least one mantissa digit.
  std::string_view fracDigits;
  if (i < n && text[i] == '.') {
    const size_t fracBegin = ++i;
    i = scanDigits(i);
    fracDigits = text.substr(fracBegin, i - fracBegin);
  }
  if (intDigits.empty() && fracDigits.empty()) {
    return parseError(text, intBegin, "expected a digit");
  }
  int64_t exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool expNegative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) {
      expNegative = text[i] == '-';
      ++i;
    }
    const size_t expBegin = i;
    for (; i < n && isDigit(text[i]); ++i) {
      // Saturate: anything this large is rejected below unless the mantissa is zero.
      if (exponent < (int64_t{1} << 40)) exponent = exponent * 10 + (text[i] - '0');
    }
    if (i == expBegin) return parseError(text, i, "expected an exponent digit");
    if (expNegative) exponent = -exponent;
  }
  if (i != n) return parseError(text, i, "");

  std::string digits;
  digits.reserve(intDigits.size() + fracDigits.size());
  digits.append(intDigits);
  digits.append(fracDigits);
  BigUInt mantissa;
  (void)BigUInt::fromDecimal(digits, mantissa);  // non-empty digits only: cannot fail
  if (mantissa.isZero()) return ExactLiteral();
  // value = mantissa * 10^k
  const int64_t k = exponent - static_cast<int64_t>(fracDigits.size());
  if (k > kMaxDecimalExponent || k < -kMaxDecimalExponent) {
    return Error::make(ErrorCode::Parse, "exact literal: cannot parse \"" + abbreviate(text) +
                                             "\": decimal exponent " + std::to_string(k) +
                                             " out of range (at most " +
                                             std::to_string(kMaxDecimalExponent) + " in size)");
  }
  const BigUInt scale = BigUInt::pow(10, static_cast<uint32_t>(k < 0 ? -k : k));
  if (k >= 0) return BigRational::reduce(negative, mantissa * scale, BigUInt(1));
  return BigRational::reduce(negative, std::move(mantissa), scale);
}

std::string ExactLiteral::str() const {
  if (!big_) {
    std::string s = std::to_string(num_);
    if (den_ != 1) s += "/" + std::to_string(den_);
    return s;
  }
  std::string s = big_->negative ? "-" : "";
  s += big_->num.toDecimal();
  if (!(big_->den == BigUInt(1))) s += "/" + big_->den.toDecimal();
  return s;
}

int ExactLiteral::sign() const {
  if (big_) return big_->negative ? -1 : 1;
  return (num_ > 0) - (num_ < 0);
}

int ExactLiteral::compare(const ExactLiteral& a, const ExactLiteral& b) {
  if (!a.big_ && !b.big_) {
    // |num| <= 2^63 and den < 2^63, so each cross product fits comfortably in 127 bits.
    __extension__ using Int128 = __int128;
    const Int128 lhs = static_cast<Int128>(a.num_) * b.den_;
    const Int128 rhs = static_cast<Int128>(b.num_) * a.den_;
    return (lhs > rhs) - (lhs < rhs);
  }
  const int sa = a.sign();
  const int sb = b.sign();
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  const BigRational x = BigRational::of(a);
  const BigRational y = BigRational::of(b);
  const int magnitudeOrder = BigUInt::compare(x.num * y.den, y.num * x.den);
  return sa < 0 ? -magnitudeOrder : magnitudeOrder;
}

Result<double> ExactLiteral::toDouble() const { return convertTo<double>(*this, "double"); }

Result<float> ExactLiteral::toFloat() const { return convertTo<float>(*this, "float"); }

}  // namespace verigrad
