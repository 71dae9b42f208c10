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

// The arguments of node `id`; `withOut` also sets the node's forward value (for VJPs).
template <class T>
NodeArgs<T> nodeArgs(const CompiledState<T>& s, ValueId id, bool withOut) {
  const Graph& g = s.graph;
  const Node& n = g.producer(id);
  NodeArgs<T> a;
  a.graph = &g;
  a.id = id;
  a.node = &n;
  a.ints = g.ints(n);
  a.lits = std::span<const T>(s.literals.data() + n.litBegin, n.litCount);
  std::span<const ValueId> parents = g.parents(n);
  for (size_t k = 0; k < parents.size(); ++k) a.in[k] = s.values[parents[k]];
  if (withOut) a.out = s.values[id];
  return a;
}

template <class T>
Status forwardNode(const NodeArgs<T>& a, T* out) {
  switch (kFamilyOf[static_cast<size_t>(a.node->op)]) {
    case OpFamily::Source: return forwardSource(a, out);
    case OpFamily::Elementwise: return forwardElementwise(a, out);
    case OpFamily::Reduction: return forwardReduction(a, out);
    case OpFamily::Linalg: return forwardLinalg(a, out);
    case OpFamily::Structural: return forwardStructural(a, out);
    case OpFamily::Indexing: return forwardIndexing(a, out);
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
    case OpFamily::Source: return vjpSource(a, operand, g, dst, mode);
    case OpFamily::Elementwise: return vjpElementwise(a, operand, g, dst, mode);
    case OpFamily::Reduction: return vjpReduction(a, operand, g, dst, mode);
    case OpFamily::Linalg: return vjpLinalg(a, operand, g, dst, mode);
    case OpFamily::Structural: return vjpStructural(a, operand, g, dst, mode);
    case OpFamily::Indexing: return vjpIndexing(a, operand, g, dst, mode);
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
