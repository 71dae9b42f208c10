// Helpers for the spec's tests: exact values from text, graph building, and Result unwrapping,
// using only the IR, the rational scalar and the spec (no engine type).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/graph_builder.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::spec::testing {

using V = Value<Rational>;

// Unwraps a Result; an error becomes an exception, which GoogleTest reports as this test's failure.
template <class T>
T Ok(Result<T> r) {
  if (!r.ok()) throw std::runtime_error("unexpected error: " + r.error().message);
  return std::move(r).value();
}

inline Rational R(std::string_view text) { return Ok(Rational::parse(text)); }
inline ExactLiteral L(std::string_view text) { return Ok(ExactLiteral::parse(text)); }

inline V Val(const Shape& shape, std::initializer_list<const char*> values) {
  std::vector<Rational> data;
  for (const char* v : values) data.push_back(R(v));
  return Ok(makeValue(shape, std::move(data)));
}

// Element-wise text, e.g. {"1/2", "-3"}: exact comparison with EXPECT_EQ and readable failures.
inline std::vector<std::string> Strs(const V& v) {
  std::vector<std::string> out;
  for (const Rational& x : v.data) out.push_back(x.str());
  return out;
}
inline std::vector<std::string> Strs(std::initializer_list<const char*> values) {
  return std::vector<std::string>(values.begin(), values.end());
}

inline Graph Finish(GraphBuilder& b) { return Ok(b.finish()); }

// The spec's value of the graph's last node.
inline V LastValue(const Graph& g, const std::vector<V>& inputs) {
  std::vector<V> values = Ok(evaluate(g, inputs));
  return values.back();
}

}  // namespace verigrad::spec::testing
