// The local float check: each float/double result of the engine, forward value or gradient, is
// compared with the exact result of the same op at the engine's OWN float operands, within the
// standard-model bound of rounding_model.hpp (u = 2^-24 or 2^-53, γ_k = k·u/(1 − k·u), η = half
// the smallest subnormal per rounding). Node by node, so errors never compound into a vacuous
// end-to-end bound; end-to-end accuracy is reported separately (float_accuracy.hpp).
//
// Forward: depth-0 ops must equal the exact value; single-rounding ops must equal the correctly
// rounded exact value (½ ulp, nearest even); summing ops must satisfy |v − exact| ≤ γ_k·M + k·η.
// Gradients: g_p must be within
//     Σ_c γ_{k_c}·M_c + γ_{m+1}·(|seed_p| + Σ_c (|exact_c| + γ_{k_c}·M_c)) + (m + 1 + Σ_c k_c)·η
// of seed_p + Σ_c exact_c, where c runs over the m operand slots through which p receives a
// contribution J_cᵀ δ_c (δ_c the engine's own float gradient of the child, exact_c its exact
// pullback by spec::denseGradient on the child alone). Non-finite operands skip the element; a
// non-finite result from finite operands is accepted only when the exact result, or a partial
// result the op must form, exceeds the format's largest finite value, or the spec reports a
// division by zero. Nothing throws; the first disagreement is returned as a Mismatch.
//
// Cost: the spec differentiates each node on its own by forward mode, about numel(operands) ×
// numel(node) exact operations (and block tangents of that size) per node: meant for the small
// graphs of the property suite and the tests, not for production-sized layers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "verigrad/context.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/oracle/mismatch.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad::oracle {

struct FloatCheckResult {
  // The first element outside its bound ("float-forward" / "float-gradient"), with the engine
  // value, the exact value and the bound in `detail`.
  std::optional<Mismatch> mismatch;
  uint64_t checked = 0;           // elements compared (a legitimate overflow counts as checked)
  uint64_t skippedNonFinite = 0;  // elements whose inputs were inf/NaN, or the spec's x/0
  uint64_t skippedUnbounded = 0;  // elements of ops with k·u ≥ 1 terms: the model bounds nothing

  bool ok() const { return !mismatch.has_value(); }
};

// Every node of `graph` against its exact value at the engine's own operands (`values` is the
// engine's value context, Γ ++ ss, laid out for `graph`).
template <class F>
FloatCheckResult checkFloatForward(const Graph& graph, const Context<F>& values);

// The gradients `grads` that Tape::backwardDenseFrom(seeds) returned: every node's VJP ran.
template <class F>
FloatCheckResult checkFloatGradientsFrom(const Graph& graph, const Context<F>& values,
                                         std::span<const Tensor<F>> seeds, const Context<F>& grads);

// The gradients that Tape::backwardDenseAll(outId, seed) returned: only nodes reached from outId
// through gradient-carrying edges contribute; unreached slots must be exactly 0 and outId's slot
// exactly the seed.
template <class F>
FloatCheckResult checkFloatGradientsAll(const Graph& graph, const Context<F>& values, size_t outId,
                                        const Tensor<F>& seed, const Context<F>& grads);

}  // namespace verigrad::oracle
