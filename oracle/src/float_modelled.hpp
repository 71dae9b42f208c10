// The local float check of the Modelled rows (transcendental ops): the true value comes from the
// spec at the interval scalar, evaluated on the engine's own float operands as exact points; the
// allowed distance is the row's kernel-model radius (kernel_model.hpp) plus the enclosure's
// half-width. Shared by float_forward.cpp and float_gradient.cpp.
#pragma once

#include <optional>
#include <vector>

#include "verigrad/context.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/oracle/float_local.hpp"
#include "verigrad/oracle/rounding_model.hpp"
#include "verigrad/rational.hpp"

namespace verigrad::oracle::detail {

// Node `id` (its operands finite) against its model; a problem is returned as a Mismatch
// ("float-forward"), counts go to `result`.
template <class F>
std::optional<Mismatch> checkModelledForward(const Graph& g, const Context<F>& values, ValueId id,
                                             const OpRounding& row, FloatCheckResult& result);

// One operand slot's contribution J_sᵀ δ at the engine's operands and δ.
struct ModelledContribution {
  std::vector<Rational> value;                 // the midpoint of the spec's enclosure
  std::vector<std::optional<Rational>> bound;  // model radius + half-width; nullopt: unbounded
  std::vector<Rational> magnitude;             // an upper bound of |J_sᵀ δ|
};

// Every operand slot's contribution of child `c` (values and δ = grads[c] finite). A DomainError
// (no exact derivative at these operands) is returned as such.
template <class F>
Result<std::vector<ModelledContribution>> modelledPullback(const Graph& g, const Context<F>& values,
                                                           const Context<F>& grads, ValueId c,
                                                           const OpRounding& row);

}  // namespace verigrad::oracle::detail
