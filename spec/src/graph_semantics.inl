// evaluate, jvp and denseGradient: the graph-level semantics, by forward evaluation of the
// per-family definitions at S (values) and at Dual<S> (tangents). No reverse sweep, no VJP.
#pragma once

#include <algorithm>
#include <string>

#include "node_forward.hpp"
#include "verigrad/spec/graph_semantics.hpp"
#include "verigrad/spec/output_shape.hpp"

namespace verigrad::spec::detail {

// ---- checks of caller-supplied contexts (inputs, tangents, seeds)

template <class S>
Status checkValueData(const Value<S>& v, const std::string& what, size_t id) {
  if (v.numel() != v.shape.numel()) {
    return Error::make(ErrorCode::ShapeMismatch,
                       "spec: " + what + " %" + std::to_string(id) + " has " +
                           std::to_string(v.numel()) + " elements, its shape " + v.shape.str() +
                           " needs " + std::to_string(v.shape.numel()),
                       static_cast<int64_t>(id));
  }
  return okStatus();
}

// One entry per input of Γ, each of Γ's shape (the engine's compile checks the same, with the
// same error codes). `what` names an entry ("input"), `plural` the entries ("tensors").
template <class S>
Status checkAgainstInputs(const Graph& graph, std::span<const Value<S>> values,
                          const std::string& what, const std::string& plural) {
  if (values.size() != graph.numInputs()) {
    return Error::make(ErrorCode::InvalidArgument,
                       "spec: the graph has " + std::to_string(graph.numInputs()) +
                           " inputs (|Γ|), got " + std::to_string(values.size()) + " " + plural);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].shape != graph.inputs()[i]) {
      return Error::make(ErrorCode::ShapeMismatch,
                         "spec: " + what + " %" + std::to_string(i) + " has shape " +
                             values[i].shape.str() + ", expected " + graph.inputs()[i].str(),
                         static_cast<int64_t>(i));
    }
    VG_TRY_STATUS(checkValueData(values[i], what, i));
  }
  return okStatus();
}

// One seed per value of Γ ++ ss, checked from the last id down (the order a reverse sweep would
// meet them, so a bad seed is reported at the same id as the engine reports it).
template <class S>
Status checkSeeds(const Graph& graph, std::span<const Value<S>> seeds) {
  if (seeds.size() != graph.numValues()) {
    return Error::make(ErrorCode::InvalidArgument,
                       "spec: a seed context needs one seed per value (|Γ| + |ss| = " +
                           std::to_string(graph.numValues()) + "), got " +
                           std::to_string(seeds.size()));
  }
  for (size_t id = seeds.size(); id-- > 0;) {
    const Shape& expected = graph.shapeOf(static_cast<ValueId>(id));
    if (seeds[id].shape != expected) {
      return Error::make(ErrorCode::ShapeMismatch,
                         "spec: seed %" + std::to_string(id) + " has shape " +
                             seeds[id].shape.str() + ", expected " + expected.str(),
                         static_cast<int64_t>(id));
    }
    VG_TRY_STATUS(checkValueData(seeds[id], "seed", id));
  }
  return okStatus();
}

// ---- what every pass over the graph shares: output shapes and literals, computed once

template <class S>
struct Prepared {
  std::vector<Shape> shapes;             // per node, from specOutputShape
  std::vector<std::vector<S>> literals;  // per node, converted to S
};

// The spec's shape of every node (it must equal the declared one: the values and seeds are laid
// out by the declared shapes), then, node by node, the op's support at S and every literal
// converted to S, before any value is computed.
template <class S>
Result<Prepared<S>> prepare(const Graph& graph) {
  Prepared<S> p;
  p.shapes.reserve(graph.numNodes());
  p.literals.reserve(graph.numNodes());
  for (size_t k = 0; k < graph.numNodes(); ++k) {
    const auto id = static_cast<ValueId>(graph.numInputs() + k);
    Result<Shape> shape = specOutputShape(graph, id);
    if (!shape.ok()) return shape.error();
    if (shape.value() != graph.node(k).shape) {
      return internalError(graph, id,
                           "the graph declares shape " + graph.node(k).shape.str() +
                               " but the spec computes " + shape.value().str());
    }
    p.shapes.push_back(shape.value());
  }
  for (size_t k = 0; k < graph.numNodes(); ++k) {
    const auto id = static_cast<ValueId>(graph.numInputs() + k);
    // A transcendental op at a scalar without exp and log (the rational) is refused before any
    // value is computed, node by node with the literals, as the engine's compile refuses it.
    if constexpr (!ScalarOps<S>::kTranscendental) {
      if (isTranscendental(graph.node(k).op)) return unsupportedAtScalar(graph, id, kScalarName<S>);
    }
    std::vector<S> converted;
    for (const ExactLiteral& lit : graph.literals(graph.node(k))) {
      Result<S> c = literalTo<S>(lit);
      if (!c.ok()) {
        return Error::make(c.error().code,
                           "'" + graph.nodeText(id) + "': literal " + lit.str() +
                               " cannot be converted: " + c.error().message,
                           static_cast<int64_t>(id));
      }
      converted.push_back(std::move(c).value());
    }
    p.literals.push_back(std::move(converted));
  }
  return p;
}

template <class E>
Result<Value<E>> forwardNode(const NodeView<E>& v) {
  switch (opInfo(v.op).family) {
    case OpFamily::Source:
      return forwardSource(v);
    case OpFamily::Elementwise:
      return forwardElementwise(v);
    case OpFamily::Reduction:
      return forwardReduction(v);
    case OpFamily::Linalg:
      return forwardLinalg(v);
    case OpFamily::Structural:
      return forwardStructural(v);
    case OpFamily::Indexing:
      return forwardIndexing(v);
    case OpFamily::Activation:
    case OpFamily::Normalization:
      // prepare() has refused these ops at a scalar without exp and log; the families are
      // instantiated only where they are defined.
      if constexpr (ScalarOps<ScalarOf<E>>::kTranscendental) {
        if (opInfo(v.op).family == OpFamily::Activation) return forwardActivation(v);
        return forwardNormalization(v);
      } else {
        return unsupportedAtScalar(*v.graph, v.id, kScalarName<ScalarOf<E>>);
      }
  }
  return internalError(*v.graph, v.id, "unknown op family");
}

// Runs node id's forward definition; operandOf(p) gives the value of operand id p.
template <class E, class OperandOf>
Result<Value<E>> runNode(const Graph& graph, const Prepared<ScalarOf<E>>& p, ValueId id,
                         OperandOf operandOf) {
  const size_t k = id - graph.numInputs();
  const Node& node = graph.node(k);
  NodeView<E> v;
  v.graph = &graph;
  v.id = id;
  v.op = node.op;
  v.ints = graph.ints(node);
  v.literals = p.literals[k];
  v.shape = p.shapes[k];
  std::span<const ValueId> parents = graph.parents(node);
  for (size_t j = 0; j < parents.size(); ++j) v.in[j] = &operandOf(parents[j]);
  return forwardNode(v);
}

template <class S>
Result<std::vector<Value<S>>> evaluatePrepared(const Graph& graph, const Prepared<S>& p,
                                               std::span<const Value<S>> inputs) {
  std::vector<Value<S>> values(inputs.begin(), inputs.end());
  values.reserve(graph.numValues());
  for (size_t id = graph.numInputs(); id < graph.numValues(); ++id) {
    Result<Value<S>> y = runNode<S>(graph, p, static_cast<ValueId>(id),
                                    [&](ValueId q) -> const Value<S>& { return values[q]; });
    if (!y.ok()) return y.error();
    values.push_back(std::move(y).value());
  }
  return values;
}

// ---- dense gradient: one perturbation pass per value

// The value with no tangent: how a value that does not depend on the perturbed one enters a pass.
template <class S>
Value<Dual<S>> constantDual(const Value<S>& x) {
  Value<Dual<S>> out{x.shape, {}};
  out.data.reserve(x.data.size());
  for (const S& e : x.data) out.data.emplace_back(e);
  return out;
}

// Value i perturbed along every unit direction at once: element k carries tangent block e_k.
template <class S>
Value<Dual<S>> unitBlock(const Value<S>& x) {
  const size_t width = x.data.size();
  Value<Dual<S>> out{x.shape, {}};
  out.data.reserve(width);
  for (size_t k = 0; k < width; ++k) {
    std::vector<S> direction(width, S(0));
    direction[k] = S(1);
    out.data.emplace_back(x.data[k], std::move(direction));
  }
  return out;
}

template <class S>
bool hasTangent(const Value<Dual<S>>& x) {
  for (const Dual<S>& e : x.data) {
    if (!e.hasZeroTangent()) return true;
  }
  return false;
}

// grad[k] += <tangent_j along e_k, seed_j> for every direction k of the block. An exactly zero
// seed element contributes exactly 0 and is skipped, also when the tangent is unknown() (an
// unbounded interval derivative that no seed asks about must not spread to other values).
template <class S>
void addPairing(const Value<Dual<S>>& tangent, const Value<S>& seed, std::vector<S>& grad) {
  for (size_t e = 0; e < tangent.data.size(); ++e) {
    const Dual<S>& t = tangent.data[e];
    if (t.hasZeroTangent() || isZero(seed.data[e])) continue;
    for (size_t k = 0; k < grad.size(); ++k) grad[k] += t.tangent[k] * seed.data[e];
  }
}

// The values that move in one perturbation pass, kept across passes so that a pass costs what
// its moved values cost, not an allocation per value of the graph.
template <class S>
struct PassState {
  std::vector<Value<Dual<S>>> moved;  // the Dual value of id j, valid where moves[j]
  std::vector<char> moves;
  std::vector<size_t> touched;  // the ids with moves set, to reset after the pass

  explicit PassState(size_t n) : moved(n), moves(n, 0) {}
  void mark(size_t j, Value<Dual<S>> value) {
    moved[j] = std::move(value);
    moves[j] = 1;
    touched.push_back(j);
  }
  void reset() {
    for (size_t j : touched) {
      moves[j] = 0;
      moved[j] = Value<Dual<S>>{};
    }
    touched.clear();
  }
};

// The gradient of value i: perturb it, recompute its descendants at Dual<S> (a node none of whose
// operands moved keeps its constant value and is skipped), and pair every moved value with its
// seed. Values before i never move.
template <class S>
Result<Value<S>> gradientOfValue(const Graph& graph, const Prepared<S>& p, size_t i,
                                 const std::vector<Value<S>>& values,
                                 const std::vector<Value<Dual<S>>>& constants,
                                 std::span<const Value<S>> seeds, PassState<S>& pass) {
  pass.reset();
  pass.mark(i, unitBlock(values[i]));
  Value<S> grad = zeros<S>(graph.shapeOf(static_cast<ValueId>(i)));
  addPairing(pass.moved[i], seeds[i], grad.data);
  // Inputs never depend on one another: the first value that can move after i is a node.
  for (size_t j = std::max(i + 1, graph.numInputs()); j < graph.numValues(); ++j) {
    const Node& node = graph.producer(static_cast<ValueId>(j));
    bool anyOperandMoves = false;
    for (ValueId q : graph.parents(node)) anyOperandMoves = anyOperandMoves || pass.moves[q];
    if (!anyOperandMoves) continue;
    Result<Value<Dual<S>>> y = runNode<Dual<S>>(
        graph, p, static_cast<ValueId>(j), [&](ValueId q) -> const Value<Dual<S>>& {
          return pass.moves[q] ? pass.moved[q] : constants[q];
        });
    if (!y.ok()) return y.error();
    if (!hasTangent(y.value())) continue;  // e.g. detach: the perturbation stops here
    pass.mark(j, std::move(y).value());
    addPairing(pass.moved[j], seeds[j], grad.data);
  }
  return grad;
}

}  // namespace verigrad::spec::detail

namespace verigrad::spec {

template <class S>
Result<std::vector<Value<S>>> evaluate(const Graph& graph, std::span<const Value<S>> inputs) {
  VG_TRY_STATUS(detail::checkAgainstInputs(graph, inputs, "input", "tensors"));
  Result<detail::Prepared<S>> p = detail::prepare<S>(graph);
  if (!p.ok()) return p.error();
  return detail::evaluatePrepared(graph, p.value(), inputs);
}

template <class S>
Result<std::vector<Value<S>>> jvp(const Graph& graph, std::span<const Value<S>> inputs,
                                  std::span<const Value<S>> inputTangents) {
  VG_TRY_STATUS(detail::checkAgainstInputs(graph, inputs, "input", "tensors"));
  VG_TRY_STATUS(
      detail::checkAgainstInputs(graph, inputTangents, "input tangent", "input tangents"));
  Result<detail::Prepared<S>> p = detail::prepare<S>(graph);
  if (!p.ok()) return p.error();

  // One direction: every input element carries its tangent as a block of width 1.
  std::vector<Value<Dual<S>>> duals;
  duals.reserve(graph.numValues());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Value<Dual<S>> x{inputs[i].shape, {}};
    for (size_t e = 0; e < inputs[i].data.size(); ++e) {
      x.data.emplace_back(inputs[i].data[e], inputTangents[i].data[e]);
    }
    duals.push_back(std::move(x));
  }
  for (size_t id = graph.numInputs(); id < graph.numValues(); ++id) {
    Result<Value<Dual<S>>> y =
        detail::runNode<Dual<S>>(graph, p.value(), static_cast<ValueId>(id),
                                 [&](ValueId q) -> const Value<Dual<S>>& { return duals[q]; });
    if (!y.ok()) return y.error();
    duals.push_back(std::move(y).value());
  }

  std::vector<Value<S>> tangents;
  tangents.reserve(duals.size());
  for (const Value<Dual<S>>& d : duals) {
    Value<S> t{d.shape, {}};
    t.data.reserve(d.data.size());
    for (const Dual<S>& e : d.data) t.data.push_back(e.tangentAt(0));
    tangents.push_back(std::move(t));
  }
  return tangents;
}

template <class S>
Result<std::vector<Value<S>>> denseGradient(const Graph& graph, std::span<const Value<S>> inputs,
                                            std::span<const Value<S>> seeds) {
  VG_TRY_STATUS(detail::checkAgainstInputs(graph, inputs, "input", "tensors"));
  Result<detail::Prepared<S>> p = detail::prepare<S>(graph);
  if (!p.ok()) return p.error();
  Result<std::vector<Value<S>>> values = detail::evaluatePrepared(graph, p.value(), inputs);
  if (!values.ok()) return values.error();
  VG_TRY_STATUS(detail::checkSeeds(graph, seeds));

  std::vector<Value<Dual<S>>> constants;
  constants.reserve(graph.numValues());
  for (const Value<S>& v : values.value()) constants.push_back(detail::constantDual(v));

  std::vector<Value<S>> grads;
  grads.reserve(graph.numValues());
  detail::PassState<S> pass(graph.numValues());
  for (size_t i = 0; i < graph.numValues(); ++i) {
    Result<Value<S>> g =
        detail::gradientOfValue(graph, p.value(), i, values.value(), constants, seeds, pass);
    if (!g.ok()) return g.error();
    grads.push_back(std::move(g).value());
  }
  return grads;
}

}  // namespace verigrad::spec

#define VG_SPEC_INSTANTIATE(S)                                                                     \
  namespace verigrad::spec {                                                                       \
  template Result<std::vector<Value<S>>> evaluate<S>(const Graph&, std::span<const Value<S>>);     \
  template Result<std::vector<Value<S>>> jvp<S>(const Graph&, std::span<const Value<S>>,           \
                                                std::span<const Value<S>>);                        \
  template Result<std::vector<Value<S>>> denseGradient<S>(const Graph&, std::span<const Value<S>>, \
                                                          std::span<const Value<S>>);              \
  }
