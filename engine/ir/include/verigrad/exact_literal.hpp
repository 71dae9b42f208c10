// ExactLiteral: how the IR stores rational constants (scale factors, clamp bounds, const payloads)
// without a bignum library in its header. int64 numerator/denominator inline; an opaque big
// representation beyond that. Conversion to float/double is correctly rounded (nearest-even)
// straight from the rational, never through another binary format.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "verigrad/result.hpp"

namespace verigrad {

namespace detail {
struct BigRational;  // sign + magnitude numerator/denominator limbs; defined in exact_literal.cpp
}

class ExactLiteral {
 public:
  ExactLiteral() = default;                         // 0
  ExactLiteral(int64_t integer) : num_(integer) {}  // NOLINT: integers convert implicitly

  // p/q reduced to lowest terms with a positive denominator; q == 0 is an error.
  static Result<ExactLiteral> fromRatio(int64_t p, int64_t q);
  // Every finite double is a dyadic rational; NaN and infinities are errors.
  static Result<ExactLiteral> fromDouble(double x);
  // "3", "-3/4", "0.125", "-2.5e-3", "1e10"; integers of any length. Whitespace is not allowed.
  static Result<ExactLiteral> parse(std::string_view text);

  // Canonical text: "p" when the denominator is 1, else "p/q" (lowest terms, q > 0).
  std::string str() const;
  int sign() const;
  bool isZero() const { return sign() == 0; }
  // True when numerator and denominator both fit in int64 (then num()/den() are exact).
  bool isSmall() const { return big_ == nullptr; }
  int64_t num() const { return num_; }
  int64_t den() const { return den_; }

  // Correctly rounded (round to nearest, ties to even), subnormals included. An Overflow error
  // when the value rounds beyond the largest finite number of the format.
  Result<double> toDouble() const;
  Result<float> toFloat() const;

  // Exact comparison: negative, zero or positive as a <, =, > b.
  static int compare(const ExactLiteral& a, const ExactLiteral& b);
  friend bool operator==(const ExactLiteral& a, const ExactLiteral& b) {
    return compare(a, b) == 0;
  }

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
  std::shared_ptr<const detail::BigRational> big_;  // set iff the value does not fit inline

  friend struct detail::BigRational;
};

}  // namespace verigrad
