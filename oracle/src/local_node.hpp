// One node of a graph re-stated as a graph of its own (Γ = its operands, one node, literals as the
// engine's float format rounded them), so the spec can evaluate and differentiate that single op
// exactly at the engine's own float operands.
#pragma once

#include <span>
#include <vector>

#include "verigrad/context.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/interval.hpp"
#include "verigrad/rational.hpp"
#include "verigrad/spec/value.hpp"

namespace verigrad::oracle::detail {

enum class Sharing {
  // One input per distinct parent, so add(x, x) stays add(x, x): the forward value as written.
  DistinctParents,
  // One input per operand slot, so add(x, x) becomes add(p, q): each slot's own contribution.
  PerSlot,
};

struct LocalNode {
  Graph graph;                    // Γ = operands, then the one node (its id is numInputs())
  std::vector<ValueId> sources;   // for each input of `graph`, the value id it stands for
  std::vector<size_t> slotInput;  // for each operand slot of the node, its input in `graph`
};

// The node `id` of `g` (not an input) on its own, with its literals rounded to F.
template <class F>
Result<LocalNode> localNode(const Graph& g, ValueId id, Sharing sharing);

// The local graph's inputs: the engine's float operands converted exactly (or their absolute
// values, for the Σ|terms| magnitudes).
template <class F>
std::vector<spec::Value<Rational>> localInputs(const LocalNode& local, const Context<F>& values,
                                               bool absolute);

// A float tensor converted exactly (optionally in absolute value).
template <class F>
spec::Value<Rational> exactValue(const TensorView<F>& t, bool absolute);

// The same at the interval scalar: the float operands as exact points (transcendental ops, whose
// exact values only an enclosure can hold).
template <class F>
std::vector<spec::Value<Interval>> localPointInputs(const LocalNode& local,
                                                    const Context<F>& values);
template <class F>
spec::Value<Interval> pointValue(const TensorView<F>& t);

// The exact value of the node at `inputs` (S = Rational), or its enclosure (S = Interval).
template <class S>
Result<spec::Value<S>> evaluateLocal(const LocalNode& local,
                                     std::span<const spec::Value<S>> inputs);

// J_nodeᵀ δ for each input of the local graph (duplicate slots of a shared input summed), from
// spec::denseGradient with δ seeded at the node and zero seeds on the inputs.
template <class S>
Result<std::vector<spec::Value<S>>> pullbackLocal(const LocalNode& local,
                                                  std::span<const spec::Value<S>> inputs,
                                                  const spec::Value<S>& delta);

}  // namespace verigrad::oracle::detail
