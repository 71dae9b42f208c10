// The engine at the exact rational scalar: include this to compile<Rational> and run the sweeps.
#pragma once

#include "verigrad/compiled.hpp"
#include "verigrad/rational.hpp"

namespace verigrad {

template <>
struct ScalarTraits<Rational> {
  static constexpr std::string_view name = "exact";
  static constexpr bool exact = true;  // domain errors (division by zero) instead of inf/NaN
  static Result<Rational> fromLiteral(const ExactLiteral& x) { return Rational::fromLiteral(x); }
  static bool supports(Op) { return true; }  // every op of the engine-core set is rational
};

}  // namespace verigrad
