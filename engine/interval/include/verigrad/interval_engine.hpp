// The engine at the interval scalar: include this to compile<Interval> and run the sweeps with
// rigorous enclosures (MPFI, outward rounding). Every op is supported, transcendental ones
// included; a divisor or log argument whose enclosure reaches 0 is a DomainError naming the node.
#pragma once

#include "verigrad/compiled.hpp"
#include "verigrad/interval.hpp"

namespace verigrad {

template <>
struct ScalarTraits<Interval> {
  static constexpr std::string_view name = "interval";
  // Domain errors instead of inf/NaN: a divisor enclosure containing 0 cannot be divided by.
  static constexpr bool transcendental =
      true;  // has exp, log, tanh, ... (Activation, Normalization)
  static constexpr bool domainErrors = true;
  // Rigorous: the enclosure contains the literal (mpfi_set_q), a point when it is dyadic.
  static Result<Interval> fromLiteral(const ExactLiteral& x) { return Interval(x); }
  static bool supports(Op) { return true; }
};

}  // namespace verigrad
