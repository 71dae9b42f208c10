// ScalarTraits<T>: what compile and the kernels need to know about a scalar type. Specialised for
// float and double here; for the exact rational in verigrad/exact.hpp.
#pragma once

#include <string_view>

#include "verigrad/exact_literal.hpp"
#include "verigrad/op.hpp"

namespace verigrad {

template <class T>
struct ScalarTraits;

template <>
struct ScalarTraits<double> {
  static constexpr std::string_view name = "double";
  static constexpr bool transcendental =
      true;  // has exp, log, tanh, ... (Activation, Normalization)
  static constexpr bool domainErrors = false;  // IEEE results (inf/NaN) instead of domain errors
  static Result<double> fromLiteral(const ExactLiteral& x) { return x.toDouble(); }
  static bool supports(Op) { return true; }
};

template <>
struct ScalarTraits<float> {
  static constexpr std::string_view name = "float";
  static constexpr bool transcendental =
      true;  // has exp, log, tanh, ... (Activation, Normalization)
  static constexpr bool domainErrors = false;
  static Result<float> fromLiteral(const ExactLiteral& x) { return x.toFloat(); }
  static bool supports(Op) { return true; }
};

}  // namespace verigrad
