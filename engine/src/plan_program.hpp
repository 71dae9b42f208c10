// plan_program::Program<T>: a Plan's graph lowered once into flat steps, so that reruns skip the
// work the graph alone decides.
//  - Forward: a scalar node of a pointwise op (float and double) becomes a step that applies the
//    op's Pointwise rule directly to the value arena: no argument assembly and one dispatch, where
//    the generic path builds NodeArgs and goes through the family and op switches. Every other
//    node is a generic step that runs exactly what compile runs.
//  - backwardDenseAll: which nodes are reached from the output, and whether each write is a
//    slot's first contribution (Assign) or a later one (Add), depend only on the graph and the
//    output id. They are lowered once per output id (the reached nodes' steps with their modes,
//    and the runs of unreached slots to zero) and reused while the id stays the same.
// The scalar steps compute with the same rules, in the same operand order, with the same
// Assign/Add decisions as the sweeps of tape.inl, so the results are bit-identical to compile +
// Tape (property `plan-reuse`, tests/engine/plan_program_test.cpp). Tape's one-shot sweeps decide
// as they go instead: for a single run, lowering costs more than it saves.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "activation_rules.hpp"
#include "compile.inl"
#include "elementwise_rules.hpp"
#include "pointwise_rule.hpp"
#include "tape.inl"

namespace verigrad::plan_program {

// Scalar steps are for float and double: no domain errors to report, and plain values to copy.
template <class T>
inline constexpr bool kScalarSteps = std::is_floating_point_v<T> && !ScalarTraits<T>::domainErrors;

inline constexpr uint8_t kGeneric = 0xff;  // Step::code of a node run through the generic path
static_assert(kNumOps < kGeneric, "op codes and kGeneric must not collide");

struct Step {
  uint8_t code = kGeneric;    // the op of a scalar step, or kGeneric
  uint8_t addMask = 0;        // backward: bit k set = operand k's write adds (else it assigns)
  bool sameOperands = false;  // a binary scalar step whose operands are one value (`mul x x`)
  uint32_t aux = 0;           // scalar step: the node's first literal; generic step: its value id
  uint64_t x0 = 0, x1 = 0;    // scalar step: operand offsets in the arenas (x1 = x0 if unary)
  uint64_t out = 0;  // the node's offset in the arenas (values and gradients share a layout)
};

template <class T>
struct Program {
  std::vector<Step> forward;                                // one step per node, in id order
  size_t backwardFor = std::numeric_limits<size_t>::max();  // the output id `backward` is for
  std::vector<Step> backward;  // reached nodes with gradient edges, last id first, addMask set
  std::vector<std::pair<uint64_t, uint64_t>> zeroRuns;  // unreached slots: (offset, count)
};

// A Plan's value context keeps Γ in its arena (it never adopts inputs), so the steps' offsets
// are the Γ ++ ss layout's own.
template <class T>
Program<T> lower(const CompiledState<T>& s) {
  assert(!s.values.adoptsInputs());
  const kernels::GraphView<T> view(s);
  const size_t numInputs = s.graph.numInputs(), numNodes = s.graph.numNodes();
  Program<T> p;
  p.forward.resize(numNodes);
  for (size_t k = 0; k < numNodes; ++k) {
    const Node& n = view.nodes[k];
    const auto id = static_cast<ValueId>(numInputs + k);
    Step& st = p.forward[k];
    st.out = view.offsets[id];
    st.aux = id;
    if (!kScalarSteps<T> || !kernels::kIsPointwise[static_cast<size_t>(n.op)] ||
        n.shape.numel() != 1) {
      continue;
    }
    const ValueId* parents = view.parentsOf(n);
    st.code = static_cast<uint8_t>(n.op);
    st.aux = n.litBegin;
    st.x0 = view.offsets[parents[0]];
    st.x1 = n.numParents == 2 ? view.offsets[parents[1]] : st.x0;
    st.sameOperands = n.numParents == 2 && parents[0] == parents[1];
  }
  return p;
}

// The backward program for output id `outId`: the decisions sweep::denseAll makes as it goes
// (reached flags; a parent's first write assigns, later ones add), made once.
template <class T>
void lowerBackward(const CompiledState<T>& s, Program<T>& p, size_t outId) {
  const kernels::GraphView<T> view(s);
  const size_t numInputs = s.graph.numInputs(), numValues = s.graph.numValues();
  std::vector<uint8_t> reached(numValues, 0);
  reached[outId] = 1;
  p.backward.clear();
  for (size_t id = outId + 1; id-- > numInputs;) {
    if (!reached[id]) continue;
    const Node& n = view.producer(static_cast<ValueId>(id));
    if (!kernels::kHasGradientEdges[static_cast<size_t>(n.op)]) continue;
    Step st = p.forward[id - numInputs];
    const ValueId* parents = view.parentsOf(n);
    st.addMask = 0;
    for (size_t k = 0; k < n.numParents; ++k) {
      const size_t first = static_cast<size_t>(std::find(parents, parents + k, parents[k]) -
                                               parents);  // the parent's first operand
      const bool adds = first < k ? (st.addMask >> first) & 1u : reached[parents[k]] != 0;
      if (adds) st.addMask = static_cast<uint8_t>(st.addMask | (1u << k));
      reached[parents[k]] = 1;
    }
    p.backward.push_back(st);
  }
  p.zeroRuns.clear();
  for (size_t id = 0; id < numValues; ++id) {
    if (reached[id]) continue;
    const uint64_t begin = view.offsets[id], end = view.offsets[id + 1];
    if (begin == end) continue;
    if (!p.zeroRuns.empty() && p.zeroRuns.back().first + p.zeroRuns.back().second == begin) {
      p.zeroRuns.back().second += end - begin;
    } else {
      p.zeroRuns.emplace_back(begin, end - begin);
    }
  }
  p.backwardFor = outId;
}

// ---- scalar steps: the op's Pointwise rule on single elements

template <Op op, class T>
inline T scalarValue(const Step& st, const T* v, const T* lits) {
  using P = kernels::Pointwise<op>;
  if constexpr (kernels::kArityOf[static_cast<size_t>(op)] == 1) {
    return P::value(v[st.x0], lits + st.aux);
  } else {
    return P::value(v[st.x0], v[st.x1], lits + st.aux);
  }
}

// The mode lowered for operand k's write.
inline kernels::Accum modeOf(uint8_t addMask, size_t k) {
  return (addMask >> k) & 1u ? kernels::Accum::Add : kernels::Accum::Assign;
}

// The contributions of one scalar step, in operand order; operands that are one value sum their
// contributions first (as runNodeVjp's scratch does), then land in the slot.
template <Op op, class T>
inline void scalarVjp(const Step& st, uint8_t addMask, const T* v, T* grads, const T* lits) {
  using P = kernels::Pointwise<op>;
  const T g = grads[st.out];
  const T* l = lits + st.aux;
  if constexpr (kernels::kArityOf[static_cast<size_t>(op)] == 1) {
    kernels::accumulate(grads[st.x0], P::template grad<0>(g, v[st.x0], v[st.out], l),
                        modeOf(addMask, 0));
  } else {
    const T c0 = P::template grad<0>(g, v[st.x0], v[st.x1], v[st.out], l);
    const T c1 = P::template grad<1>(g, v[st.x0], v[st.x1], v[st.out], l);
    if (st.sameOperands) {
      kernels::accumulate(grads[st.x0], T(c0 + c1), modeOf(addMask, 0));
    } else {
      kernels::accumulate(grads[st.x0], c0, modeOf(addMask, 0));
      kernels::accumulate(grads[st.x1], c1, modeOf(addMask, 1));
    }
  }
}

template <class T>
inline void runScalarForward(const Step& st, T* v, const T* lits) {
  if constexpr (kScalarSteps<T>) {
    switch (static_cast<Op>(st.code)) {
#define VG_OP(id, name, family, arity, attrs, rule, recipe)             \
  case Op::id:                                                          \
    if constexpr (kernels::kIsPointwise[static_cast<size_t>(Op::id)]) { \
      v[st.out] = scalarValue<Op::id>(st, v, lits);                     \
    }                                                                   \
    return;
#include "verigrad/ops.def"
#undef VG_OP
    }
  }
}

template <class T>
inline void runScalarVjp(const Step& st, uint8_t addMask, const T* v, T* grads, const T* lits) {
  if constexpr (kScalarSteps<T>) {
    switch (static_cast<Op>(st.code)) {
#define VG_OP(id, name, family, arity, attrs, rule, recipe)             \
  case Op::id:                                                          \
    if constexpr (kernels::kIsPointwise[static_cast<size_t>(Op::id)]) { \
      scalarVjp<Op::id>(st, addMask, v, grads, lits);                   \
    }                                                                   \
    return;
#include "verigrad/ops.def"
#undef VG_OP
    }
  }
}

// ---- the runs

// compile_steps::evaluate over the program.
template <class T>
Status forward(CompiledState<T>& s, const Program<T>& p) {
  const kernels::GraphView<T> view(s);
  T* arena = s.values.arena().data();
  const T* lits = s.literals.data();
  for (const Step& st : p.forward) {
    if (st.code != kGeneric) {
      runScalarForward(st, arena, lits);
      continue;
    }
    VG_TRY_STATUS(compile_steps::evaluateNode(view, arena, st.aux));
  }
  return okStatus();
}

// sweep::denseAll over the backward program for outId (lowered by the caller).
template <class T>
void backwardAll(const CompiledState<T>& s, const Program<T>& p, Context<T>& grads,
                 std::vector<T>& scratch, size_t outId, const T* seed) {
  const kernels::GraphView<T> view(s);
  const T* values = s.values.flat().data();
  const T* lits = s.literals.data();
  T* arena = grads.arena().data();
  const auto seedNumel = static_cast<int64_t>(view.offsets[outId + 1] - view.offsets[outId]);
  std::copy_n(seed, seedNumel, arena + view.offsets[outId]);
  for (const Step& st : p.backward) {
    if (st.code != kGeneric) {
      runScalarVjp(st, st.addMask, values, arena, lits);
      continue;
    }
    const ValueId id = st.aux;
    const Node& n = view.producer(id);
    const ValueId* parents = view.parentsOf(n);
    sweep::runNodeVjp(
        view, values, arena, id, scratch,
        [&](ValueId parent) {  // the mode lowered for the parent's first operand slot
          const auto k =
              static_cast<size_t>(std::find(parents, parents + n.numParents, parent) - parents);
          return modeOf(st.addMask, k);
        },
        [](ValueId) {});
  }
  for (const auto& [offset, count] : p.zeroRuns) std::fill_n(arena + offset, count, T());
}

// sweep::denseFromInPlace over the program: every node, every write adds.
template <class T>
void backwardFromInPlace(const CompiledState<T>& s, const Program<T>& p, Context<T>& grads,
                         std::vector<T>& scratch) {
  const kernels::GraphView<T> view(s);
  const T* values = s.values.flat().data();
  const T* lits = s.literals.data();
  T* arena = grads.arena().data();
  for (auto it = p.forward.rbegin(); it != p.forward.rend(); ++it) {
    const Step& st = *it;
    if (st.code != kGeneric) {
      runScalarVjp(st, uint8_t{0b11}, values, arena, lits);
      continue;
    }
    sweep::runNodeVjp(
        view, values, arena, st.aux, scratch, [](ValueId) { return kernels::Accum::Add; },
        [](ValueId) {});
  }
}

}  // namespace verigrad::plan_program
