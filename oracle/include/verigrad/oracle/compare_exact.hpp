// Exact comparisons of engine<Rational> with the spec: error agreement first (the engine errors
// iff the spec errors, at the same node, with the same kind), then values element for element,
// no tolerance.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "verigrad/exact.hpp"
#include "verigrad/oracle/mismatch.hpp"
#include "verigrad/spec/value.hpp"

namespace verigrad::oracle {

// Agreement of two outcomes: both succeeded, or both failed at the same node with the same code.
std::optional<Mismatch> compareOutcomes(const Error* engine, const Error* spec);

template <class A, class B>
std::optional<Mismatch> compareOutcomes(const Result<A>& engine, const Result<B>& spec) {
  return compareOutcomes(engine.ok() ? nullptr : &engine.error(),
                         spec.ok() ? nullptr : &spec.error());
}

// Every value of `engine` equals the spec's, shape and element, exactly. `what` names the
// context in the report ("value", "gradient").
std::optional<Mismatch> compareExact(const Context<Rational>& engine,
                                     std::span<const spec::Value<Rational>> spec,
                                     std::string_view what);

// The spec's own output-shape computation agrees with every declared shape of the graph.
std::optional<Mismatch> compareDeclaredShapes(const Graph& g);

// Conversions between the engine's tensors and the spec's values (same row-major data).
std::vector<spec::Value<Rational>> toSpecValues(std::span<const Tensor<Rational>> tensors);
std::vector<Tensor<Rational>> toTensors(std::span<const spec::Value<Rational>> values);

}  // namespace verigrad::oracle
