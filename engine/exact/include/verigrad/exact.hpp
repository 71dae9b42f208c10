// The engine at the exact rational scalar: include this to compile<Rational> and run the sweeps.
#pragma once

#include "verigrad/compiled.hpp"
#include "verigrad/rational.hpp"

namespace verigrad {

template <>
struct ScalarTraits<Rational> {
  static constexpr std::string_view name = "exact";
  static constexpr bool transcendental =
      false;                                  // has exp, log, tanh, ... (Activation, Normalization)
  static constexpr bool domainErrors = true;  // domain errors (division by zero) instead of inf/NaN
  static Result<Rational> fromLiteral(const ExactLiteral& x) { return Rational::fromLiteral(x); }
  // Transcendental ops (exp, tanh, softmax, ...) have irrational values: refused, not
  // approximated; compile them at the interval scalar (verigrad/interval_engine.hpp).
  static bool supports(Op op) { return !isTranscendental(op); }
};

}  // namespace verigrad
