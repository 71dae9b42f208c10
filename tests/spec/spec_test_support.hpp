// Helpers for the spec's tests: exact values from text, graph building, and Result unwrapping,
// using only the IR, the scalars and the spec (no engine type).
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

// One graph containing every op of ops.def at least once, some in several shape configurations;
// without the transcendental ops (Activation, Normalization) when `transcendental` is false: the
// graph every scalar evaluates. The transcendental ops come last, so the two graphs share ids.
inline Graph EveryOpGraph(bool transcendental = true) {
  GraphBuilder b({Shape{2, 3}, Shape{2, 3}, Shape{3}, Shape{2, 2, 3}, Shape{}});
  Var m = b.arg(0), n = b.arg(1), v = b.arg(2), t = b.arg(3), s = b.arg(4);
  const ExactLiteral payload[] = {L("1"), L("-1/2"), L("0")};
  Var c = b.constant(Shape{3}, payload);
  b.detach(m);
  b.add(m, n);
  b.sub(m, n);
  b.mul(m, m);
  b.div(m, n);
  b.square(v);
  b.scale(v, L("3/4"));
  b.max(m, n);
  b.min(m, n);
  b.abs(c);
  b.clamp(v, L("-1"), L("1"));
  b.relu(t);
  b.inv(s);
  b.sum(t);
  b.reduceSum(t, 0);
  b.reduceSum(t, 2);
  b.reduceMean(t, 1);
  b.mseLoss(m, n);
  Var w = b.transpose2d(m);  // [3,2]
  b.linear(m, b.sliceRange0(b.flatten(m), 0, 2), v);
  b.matmul(m, w);
  b.bmm(t, b.transpose3dLastTwo(t));
  b.reshape(t, Shape{3, 4});
  b.transpose3dFirstToLast(t);
  b.transpose3dLastToFirst(t);
  b.swapAdjacentAtDepth(t, 0);
  b.broadcastTo(v, Shape{4, 2, 3});
  b.broadcastTo(s, Shape{2});
  b.concatVectors(v, c);
  b.concatDim0(m, n);
  b.sliceRange0(t, 1, 1);
  b.gatherScalar(v, 2);
  b.gatherRow(m, 1);
  b.gatherScalarNat(v, 9);
  const int64_t indices[] = {0, 5, 2};
  b.gatherVecNat(v, indices);
  b.gatherRowsNat(m, indices);
  b.scatterAddVec(v, s, 0);
  b.scatterAddRow(m, v, 1);
  if (transcendental) {
    b.sqrt(m);  // crosses 0 with the usual patterned inputs
    b.sigmoid(m);
    b.tanh(t);
    b.softplus(v);
    b.exp(s);
    b.log(b.sigmoid(n));  // an argument that is > 0 for every input
    b.safeLog(m, L("1/2"));
    b.softmax(t);
    b.softmax(s);  // a scalar is a row of its own
    b.logSoftmax(m);
    b.logSoftmax(s);
    b.layerNorm(m, v, c, L("1/4"));
  }
  return Finish(b);
}

// The graph above without the ten transcendental ops: the 39 ops the rational scalar computes.
inline Graph EveryRationalOpGraph() { return EveryOpGraph(/*transcendental=*/false); }

}  // namespace verigrad::spec::testing
