// Rational: the exact scalar. A thin wrapper over Boost.Multiprecision's GMP rational with safe
// construction (Boost 1.74's mpq_rational(1, -1) silently wraps the denominator; cpp_rational
// throws), exact comparison, and correctly rounded conversion to float and double.
#pragma once

#include <boost/multiprecision/gmp.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "verigrad/exact_literal.hpp"
#include "verigrad/result.hpp"

namespace verigrad {

class Rational {
 public:
  using Impl = boost::multiprecision::number<boost::multiprecision::gmp_rational,
                                             boost::multiprecision::et_off>;

  Rational() = default;                                   // 0
  Rational(int64_t n) : v_(static_cast<long long>(n)) {}  // NOLINT: integers convert implicitly
  Rational(int n) : v_(n) {}                              // NOLINT
  explicit Rational(Impl v) : v_(std::move(v)) {}

  // p/q in lowest terms with a positive denominator; q == 0 is a DomainError.
  static Result<Rational> fromRatio(int64_t p, int64_t q);
  // "p", "-p/q" (any length), decimals "0.125", "-2.5e-3"; anything else is a Parse error.
  static Result<Rational> parse(std::string_view text);
  static Rational fromLiteral(const ExactLiteral& x);
  static Rational fromDouble(double x);  // exact; precondition: finite
  static Rational fromFloat(float x) { return fromDouble(static_cast<double>(x)); }

  // Correctly rounded to nearest-even, directly from the rational (no double rounding through
  // another format, subnormals included). Overflow error beyond the largest finite value.
  Result<double> toDouble() const;
  Result<float> toFloat() const;

  std::string str() const;  // "p" or "p/q"
  int sign() const { return v_.sign(); }
  bool isZero() const { return v_.is_zero(); }
  const Impl& impl() const { return v_; }

  Rational operator-() const { return Rational(Impl(-v_)); }
  Rational& operator+=(const Rational& o) {
    v_ += o.v_;
    return *this;
  }
  Rational& operator-=(const Rational& o) {
    v_ -= o.v_;
    return *this;
  }
  Rational& operator*=(const Rational& o) {
    v_ *= o.v_;
    return *this;
  }
  // Precondition: o != 0 (kernels check and report a DomainError first).
  Rational& operator/=(const Rational& o) {
    v_ /= o.v_;
    return *this;
  }

  friend Rational operator+(Rational a, const Rational& b) { return a += b; }
  friend Rational operator-(Rational a, const Rational& b) { return a -= b; }
  friend Rational operator*(Rational a, const Rational& b) { return a *= b; }
  friend Rational operator/(Rational a, const Rational& b) { return a /= b; }
  friend bool operator==(const Rational& a, const Rational& b) { return a.v_ == b.v_; }
  friend bool operator!=(const Rational& a, const Rational& b) { return a.v_ != b.v_; }
  friend bool operator<(const Rational& a, const Rational& b) { return a.v_ < b.v_; }
  friend bool operator>(const Rational& a, const Rational& b) { return a.v_ > b.v_; }
  friend bool operator<=(const Rational& a, const Rational& b) { return a.v_ <= b.v_; }
  friend bool operator>=(const Rational& a, const Rational& b) { return a.v_ >= b.v_; }
  friend std::ostream& operator<<(std::ostream& os, const Rational& r);

 private:
  Impl v_;
};

}  // namespace verigrad
