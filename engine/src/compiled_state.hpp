// CompiledState<T>: what compile produces and the sweeps read (graph, value context, literals
// converted to T), plus the per-node kernel dispatch by op family. Engine-internal.
#pragma once

#include <array>
#include <vector>

#include "kernel_api.hpp"
#include "verigrad/compiled.hpp"

namespace verigrad {

template <class T>
struct CompiledState {
  Graph graph;
  Context<T> values;
  std::vector<T> literals;  // graph literal pool converted to T, same indexing as the pool
};

namespace kernels {

inline constexpr std::array<OpFamily, kNumOps> kFamilyOf = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) OpFamily::family,
#include "verigrad/ops.def"
#undef VG_OP
};

inline constexpr std::array<bool, kNumOps> kHasGradientEdges = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) std::string_view(vjp) != "none",
#include "verigrad/ops.def"
#undef VG_OP
};

// out[0..n) = T(). Scalars (most nodes of scalar-heavy graphs) skip the call a loop would become.
template <class T>
inline void valueInitialise(T* out, int64_t n) {
  if (n == 1) {
    out[0] = T();
  } else {
    for (int64_t e = 0; e < n; ++e) out[e] = T();
  }
}

// Raw pointers into a compiled state's graph, taken once per sweep so that assembling a node's
// arguments is a handful of loads (the sweeps run this for every node; Graph's accessors would
// each go through the shared body). Valid while the state is alive and unchanged.
template <class T>
struct GraphView {
  explicit GraphView(const CompiledState<T>& s)
      : graph(&s.graph),
        nodes(s.graph.nodes().data()),
        parentPool(s.graph.parentPool().data()),
        intPool(s.graph.intPool().data()),
        literals(s.literals.data()),
        offsets(s.graph.valueOffsets().data()),
        inputs(s.graph.inputs().data()),
        numInputs(s.graph.numInputs()),
        adopted(s.values.adoptedInputs()),
        numAdopted(s.values.adoptsInputs() ? s.graph.numInputs() : 0),
        arenaStart(s.values.arenaStart()) {}

  const Node& producer(ValueId id) const { return nodes[id - numInputs]; }
  ShapeRef shapeOf(ValueId id) const {
    return id < numInputs ? ShapeRef(inputs[id]) : nodes[id - numInputs].shape;
  }
  const ValueId* parentsOf(const Node& n) const { return parentPool + n.parentBegin; }

  // Value `id`'s slot given the value arena `values` (s.values.arena()): an adopted input's own
  // buffer, or its place in the arena.
  const T* valueSlot(const T* values, ValueId id) const {
    return id < numAdopted ? adopted[id].data() : values + arenaIndex(id);
  }
  // A node's own slot (never an input), for forward evaluation to write.
  T* outputSlot(T* values, ValueId id) const { return values + arenaIndex(id); }
  // Where a node's value starts in the value arena.
  uint64_t arenaIndex(ValueId id) const { return offsets[id] - arenaStart; }

  // The arguments of node `id` over the value arena `values`; `withOut` also sets the node's
  // forward value (for VJPs).
  NodeArgs<T> args(ValueId id, const T* values, bool withOut) const {
    const Node& n = producer(id);
    NodeArgs<T> a;
    a.graph = graph;
    a.id = id;
    a.node = &n;
    a.ints = std::span<const int64_t>(intPool + n.intBegin, n.intCount);
    a.lits = std::span<const T>(literals + n.litBegin, n.litCount);
    const ValueId* parents = parentsOf(n);
    for (size_t k = 0; k < n.numParents; ++k) {
      a.in[k] = TensorView<T>{valueSlot(values, parents[k]), shapeOf(parents[k])};
    }
    if (withOut) a.out = TensorView<T>{values + arenaIndex(id), n.shape};
    return a;
  }

  const Graph* graph;
  const Node* nodes;
  const ValueId* parentPool;
  const int64_t* intPool;
  const T* literals;
  const uint64_t* offsets;
  const Shape* inputs;
  size_t numInputs;
  // A value context that adopted its inputs (Context::adoptsInputs): Γ's slots are those
  // tensors, and the arena begins at arenaStart. Otherwise numAdopted and arenaStart are 0.
  const Tensor<T>* adopted;
  size_t numAdopted;
  uint64_t arenaStart;
};

template <class T>
Status forwardNode(const NodeArgs<T>& a, T* out) {
  switch (kFamilyOf[static_cast<size_t>(a.node->op)]) {
    case OpFamily::Source:
      return forwardSource(a, out);
    case OpFamily::Elementwise:
      return forwardElementwise(a, out);
    case OpFamily::Reduction:
      return forwardReduction(a, out);
    case OpFamily::Linalg:
      return forwardLinalg(a, out);
    case OpFamily::Structural:
      return forwardStructural(a, out);
    case OpFamily::Indexing:
      return forwardIndexing(a, out);
    case OpFamily::Activation:
    case OpFamily::Normalization:
      if constexpr (ScalarTraits<T>::transcendental) {
        if (kFamilyOf[static_cast<size_t>(a.node->op)] == OpFamily::Activation) {
          return forwardActivation(a, out);
        }
        return forwardNormalization(a, out);
      }
      break;  // compile refused the op (ScalarTraits<T>::supports)
  }
  return Error::make(ErrorCode::Internal,
                     "forward: op '" + std::string(opName(a.node->op)) + "' has no kernel at the " +
                         std::string(ScalarTraits<T>::name) + " scalar",
                     a.id);
}

template <class T>
void vjpNode(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  switch (kFamilyOf[static_cast<size_t>(a.node->op)]) {
    case OpFamily::Source:
      return vjpSource(a, operand, g, dst, mode);
    case OpFamily::Elementwise:
      return vjpElementwise(a, operand, g, dst, mode);
    case OpFamily::Reduction:
      return vjpReduction(a, operand, g, dst, mode);
    case OpFamily::Linalg:
      return vjpLinalg(a, operand, g, dst, mode);
    case OpFamily::Structural:
      return vjpStructural(a, operand, g, dst, mode);
    case OpFamily::Indexing:
      return vjpIndexing(a, operand, g, dst, mode);
    case OpFamily::Activation:
      if constexpr (ScalarTraits<T>::transcendental) return vjpActivation(a, operand, g, dst, mode);
      return;
    case OpFamily::Normalization:
      if constexpr (ScalarTraits<T>::transcendental) {
        return vjpNormalization(a, operand, g, dst, mode);
      }
      return;
  }
}

}  // namespace kernels
}  // namespace verigrad
