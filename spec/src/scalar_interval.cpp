// The spec's scalar helpers at the interval scalar: a literal becomes a rigorous enclosure of the
// exact rational (mpfi_set_q, design.md pitfall 8), a point when the rational is a dyadic that
// fits the precision.
#include "verigrad/spec/interval_scalar.hpp"

namespace verigrad::spec {

template <>
Result<Interval> literalTo<Interval>(const ExactLiteral& literal) {
  return Interval(Rational::fromLiteral(literal));
}

}  // namespace verigrad::spec
