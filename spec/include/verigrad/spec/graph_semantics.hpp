// The graph-level reference semantics: evaluate (values), jvp (tangents) and denseGradient (the
// definition of what the engine's backwardDenseFrom must return), all by forward evaluation of
// the per-op definitions: the spec contains no VJP and no reverse sweep.
//
// Instantiated at S = Rational and S = Interval (spec/CMakeLists.txt generates one unit per family
// and scalar). The Activation and Normalization ops (exp, log, softmax, layerNorm, ...) are defined
// at Interval only; at Rational they are an Unsupported error naming the node, as the engine's
// compile<Rational> refuses them. Nothing throws; every failure is an Error naming the value id
// it is about.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "verigrad/graph.hpp"
#include "verigrad/result.hpp"
#include "verigrad/spec/value.hpp"

namespace verigrad::spec {

// Every value of the graph in Γ ++ ss order: the inputs unchanged, then each node's forward
// definition applied in id order. Errors: input count (InvalidArgument) or shape (ShapeMismatch,
// naming the input), an op the scalar cannot compute (Unsupported, naming the node), a value
// outside an op's domain (DomainError naming the node and element, e.g. "'%5 = div(%3, %4)':
// division by zero at element [1,0]"; at Interval, a divisor enclosure containing 0 or a log
// argument not certainly > 0).
template <class S>
Result<std::vector<Value<S>>> evaluate(const Graph& graph, std::span<const Value<S>> inputs);

// The tangent of every value (Γ ++ ss) when input i moves along inputTangents[i]: the chain rule
// carried forward through dual numbers. detach and const have zero tangent. Errors as evaluate,
// plus a tangent count or shape that does not match Γ.
template <class S>
Result<std::vector<Value<S>>> jvp(const Graph& graph, std::span<const Value<S>> inputs,
                                  std::span<const Value<S>> inputTangents);

// One seed per value of Γ ++ ss. Entry k of the gradient of value i is
//     Σ_{j ≥ i} <tangent_j, seed_j>
// where tangent_j is the tangent of value j when v_i alone is perturbed by e_k: v_i's descendants
// are recomputed from it; earlier and unrelated values (and those behind a detach or a const) do
// not move. The j = i term is seed_i[k] itself. All e_k of one value travel as one block of
// tangents, so the cost is one pass per value. Errors as evaluate, then a seed count
// (InvalidArgument) or shape (ShapeMismatch, naming the value; checked from the last id down).
template <class S>
Result<std::vector<Value<S>>> denseGradient(const Graph& graph, std::span<const Value<S>> inputs,
                                            std::span<const Value<S>> seeds);

// The seed context that is `seed` at value outId and zero elsewhere: denseGradient of it is what
// the engine's backwardDenseAll(outId, seed) must return. Errors: outId out of range (InvalidId),
// seed shape (ShapeMismatch).
template <class S>
Result<std::vector<Value<S>>> oneHotSeeds(const Graph& graph, size_t outId, const Value<S>& seed) {
  if (outId >= graph.numValues()) {
    return Error::make(ErrorCode::InvalidId, "spec: invalid output id " + std::to_string(outId) +
                                                 " (the graph has " +
                                                 std::to_string(graph.numValues()) + " values)");
  }
  const Shape& outShape = graph.shapeOf(static_cast<ValueId>(outId));
  if (seed.shape != outShape || seed.numel() != outShape.numel()) {
    return Error::make(ErrorCode::ShapeMismatch,
                       "spec: seed for output %" + std::to_string(outId) + " has shape " +
                           seed.shape.str() + ", expected " + outShape.str(),
                       static_cast<int64_t>(outId));
  }
  std::vector<Value<S>> seeds;
  seeds.reserve(graph.numValues());
  for (size_t id = 0; id < graph.numValues(); ++id) {
    seeds.push_back(id == outId ? seed : zeros<S>(graph.shapeOf(static_cast<ValueId>(id))));
  }
  return seeds;
}

// ---- the same entry points for vectors (template deduction does not see through std::span)

template <class S>
Result<std::vector<Value<S>>> evaluate(const Graph& graph, const std::vector<Value<S>>& inputs) {
  return evaluate<S>(graph, std::span<const Value<S>>(inputs));
}

template <class S>
Result<std::vector<Value<S>>> jvp(const Graph& graph, const std::vector<Value<S>>& inputs,
                                  const std::vector<Value<S>>& inputTangents) {
  return jvp<S>(graph, std::span<const Value<S>>(inputs), std::span<const Value<S>>(inputTangents));
}

template <class S>
Result<std::vector<Value<S>>> denseGradient(const Graph& graph, const std::vector<Value<S>>& inputs,
                                            const std::vector<Value<S>>& seeds) {
  return denseGradient<S>(graph, std::span<const Value<S>>(inputs),
                          std::span<const Value<S>>(seeds));
}

}  // namespace verigrad::spec
