// The spec's scalar helpers at the exact rational: literals convert exactly.
#include "verigrad/rational.hpp"
#include "verigrad/spec/scalar.hpp"

namespace verigrad::spec {

template <>
Result<Rational> literalTo<Rational>(const ExactLiteral& literal) {
  return Rational::fromLiteral(literal);
}

}  // namespace verigrad::spec
