// What the per-family forward definitions share (private to spec/): the view of one node they
// read, the element traits that let one definition serve S and Dual<S>, elementwise maps,
// row-major index helpers and the errors. Each family file (spec/src/<family>.inl) defines its
// forward<Family>.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/graph.hpp"
#include "verigrad/spec/dual.hpp"
#include "verigrad/spec/scalar.hpp"
#include "verigrad/spec/value.hpp"

namespace verigrad::spec::detail {

// One forward definition serves a plain scalar (evaluate) and a dual number (jvp, denseGradient):
// it reads values through primal() and makes constants through constant().
template <class E>
struct Element {
  using Scalar = E;
  static const E& primal(const E& x) { return x; }
  static E constant(const Scalar& s) { return s; }
};

template <class S>
struct Element<Dual<S>> {
  using Scalar = S;
  static const S& primal(const Dual<S>& x) { return x.value; }
  static Dual<S> constant(const S& s) { return Dual<S>(s); }
};

template <class E>
using ScalarOf = typename Element<E>::Scalar;

// Everything a forward definition may read about one node.
template <class E>
struct NodeView {
  const Graph* graph = nullptr;
  ValueId id = 0;
  Op op{};
  const Value<E>* in[3] = {};             // operand values, in operand order
  std::span<const int64_t> ints;          // int attributes
  std::span<const ScalarOf<E>> literals;  // literal attributes, converted to the scalar
  Shape shape;                            // the output shape (specOutputShape)

  const Value<E>& operand(int k) const { return *in[k]; }
};

template <class E>
Value<E> emptyOutput(const NodeView<E>& v) {
  Value<E> out;
  out.shape = v.shape;
  out.data.reserve(static_cast<size_t>(v.shape.numel()));
  return out;
}

template <class E>
E zeroElement() {
  return Element<E>::constant(ScalarOf<E>(0));
}

// out[i] = f(x[i]) over the first operand, in the node's output shape.
template <class E, class F>
Value<E> mapUnary(const NodeView<E>& v, F f) {
  Value<E> out = emptyOutput(v);
  for (const E& x : v.operand(0).data) out.data.push_back(f(x));
  return out;
}

// out[i] = f(a[i], b[i]) over the first two operands (same shape).
template <class E, class F>
Value<E> mapBinary(const NodeView<E>& v, F f) {
  Value<E> out = emptyOutput(v);
  const std::vector<E>& a = v.operand(0).data;
  const std::vector<E>& b = v.operand(1).data;
  for (size_t i = 0; i < a.size(); ++i) out.data.push_back(f(a[i], b[i]));
  return out;
}

// ---- row-major index arithmetic (outermost axis first)

// The multi-index of flat position `flat` in `shape`, written to idx[0 .. rank).
void unravel(const Shape& shape, int64_t flat, int64_t* idx);
// The flat position of multi-index idx in `shape`.
int64_t ravel(const Shape& shape, const int64_t* idx);
// "[1,2]": the multi-index of a flat position, for messages.
std::string elementLabel(const Shape& shape, int64_t flat);

// "'<node text>': <what> at element [i,j]", a DomainError naming the node (Error::node = id).
Error domainError(const Graph& graph, ValueId id, const Shape& shape, int64_t flat,
                  std::string_view what);
// A broken invariant inside the spec (a family asked for an op it does not define).
Error internalError(const Graph& graph, ValueId id, std::string_view what);
// "'<node text>': <op> cannot be computed exactly at the <scalar> scalar": a transcendental op at
// a scalar without exp and log (the rational), refused as the engine's compile refuses it.
Error unsupportedAtScalar(const Graph& graph, ValueId id, std::string_view scalarName);

// ---- the forward definitions, one function per family (spec/src/<family>.inl)

template <class E>
Result<Value<E>> forwardSource(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardElementwise(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardReduction(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardLinalg(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardStructural(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardIndexing(const NodeView<E>& v);
// Transcendental families: instantiated only at a scalar with ScalarOps<S>::kTranscendental.
template <class E>
Result<Value<E>> forwardActivation(const NodeView<E>& v);
template <class E>
Result<Value<E>> forwardNormalization(const NodeView<E>& v);

// Each family unit instantiates its definition at a scalar S and at Dual<S>.
#define VG_SPEC_INSTANTIATE_FAMILY(Family, S)                                           \
  namespace verigrad::spec::detail {                                                    \
  template Result<Value<S>> forward##Family<S>(const NodeView<S>& v);                   \
  template Result<Value<Dual<S>>> forward##Family<Dual<S>>(const NodeView<Dual<S>>& v); \
  }

}  // namespace verigrad::spec::detail
