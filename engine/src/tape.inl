// The reverse sweeps over a compiled tape: backwardDenseFrom (total: every node's VJP runs) and
// backwardDenseAll (sparse: only nodes reached from the output run). Contributions go to true
// parents only (design.md, departures): same values as TorchLean's dense emission, O(edges).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiled_state.hpp"
#include "fault_injection.hpp"
#ifndef NDEBUG
#include "verigrad/shape_rules.hpp"
#endif

namespace verigrad {
namespace sweep {

using kernels::Accum;

// Debug builds check every VJP contribution's shape against the operand's recipe in ops.def.
template <class T>
void assertRecipeShape(const kernels::NodeArgs<T>& a, int operand) {
#ifndef NDEBUG
  Shape operands[3];
  const size_t arity = a.node->numParents;
  for (size_t k = 0; k < arity; ++k) operands[k] = a.in[k].shape;
  rules::RuleArgs args{std::span<const Shape>(operands, arity), a.ints, a.node->litCount,
                       &a.node->shape};
  Result<Shape> recipe = rules::vjpShape(a.node->op, operand, args, a.node->shape);
  if (!recipe.ok() || recipe.value() != a.in[operand].shape) {
    std::fprintf(stderr, "verigrad: VJP recipe of %s operand #%d disagrees with the operand\n",
                 std::string(opName(a.node->op)).c_str(), operand);
    std::abort();
  }
#else
  (void)a;
  (void)operand;
#endif
}

// Runs node id's VJP for every distinct parent, reading values from `values` and writing into
// the gradient arena `grads` (both laid out by view.offsets). `modeFor(parent)` says whether the
// parent's slot is overwritten (first contribution) or added to; `onWritten(parent)` runs after
// each write. A parent that occurs in several operand slots first sums its contributions in
// operand order in `scratch` (so `add x x` gives x the one contribution δ + δ), then lands in its
// slot.
template <class T, class ModeFor, class OnWritten>
void runNodeVjp(const kernels::GraphView<T>& view, const T* values, T* grads, ValueId id,
                std::vector<T>& scratch, ModeFor&& modeFor, OnWritten&& onWritten) {
  const Node& n = view.producer(id);
  if (!kernels::kHasGradientEdges[static_cast<size_t>(n.op)]) return;
  const kernels::NodeArgs<T> a = view.args(id, values, /*withOut=*/true);
  const T* delta = grads + view.offsets[id];
  const ValueId* parents = view.parentsOf(n);
  const size_t arity = n.numParents;
  const bool distinct =
      arity < 2 || (parents[0] != parents[1] &&
                    (arity < 3 || (parents[0] != parents[2] && parents[1] != parents[2])));
  if (distinct) {  // the common case: one write per operand
    for (size_t k = 0; k < arity; ++k) {
      const ValueId p = parents[k];
      assertRecipeShape(a, static_cast<int>(k));
      kernels::vjpNode(a, static_cast<int>(k), delta, grads + view.offsets[p], modeFor(p));
      onWritten(p);
    }
    return;
  }
  for (size_t k = 0; k < arity; ++k) {
    const ValueId p = parents[k];
    bool seenBefore = false, seenAfter = false;
    for (size_t j = 0; j < arity; ++j) {
      if (parents[j] == p && j < k) seenBefore = true;
      if (parents[j] == p && j > k) seenAfter = true;
    }
    if (seenBefore) continue;  // already handled with its first occurrence
    assertRecipeShape(a, static_cast<int>(k));
    T* slot = grads + view.offsets[p];
    const Accum mode = modeFor(p);
    if (!seenAfter) {
      kernels::vjpNode(a, static_cast<int>(k), delta, slot, mode);
    } else {
      const auto numel = static_cast<size_t>(view.shapeOf(p).numel());
      if (scratch.size() < numel) scratch.resize(numel);
      kernels::vjpNode(a, static_cast<int>(k), delta, scratch.data(), Accum::Assign);
      for (size_t j = k + 1; j < arity; ++j) {
        if (parents[j] != p) continue;
        assertRecipeShape(a, static_cast<int>(j));
        if constexpr (fault::kFaultOverwriteAccum) scratch.assign(numel, T(0));
        kernels::vjpNode(a, static_cast<int>(j), delta, scratch.data(), Accum::Add);
      }
      for (size_t e = 0; e < numel; ++e) kernels::accumulate(slot[e], scratch[e], mode);
    }
    onWritten(p);
  }
}

// The checks of backwardDenseAll: the output id, then the seed's shape.
inline Status checkOutputSeed(const Graph& g, size_t outId, const Shape& seedShape) {
  const size_t n = g.numValues();
  if (outId >= n) {
    return Error::make(ErrorCode::InvalidId, "autograd: invalid output id " +
                                                 std::to_string(outId) + " (the tape has " +
                                                 std::to_string(n) + " nodes)");
  }
  const Shape& outShape = g.shapeOf(static_cast<ValueId>(outId));
  if (seedShape != outShape) {
    return Error::make(ErrorCode::ShapeMismatch,
                       "autograd: seed gradient shape mismatch for output %" +
                           std::to_string(outId) + ": expected " + outShape.str() + ", got " +
                           seedShape.str(),
                       static_cast<int64_t>(outId));
  }
  return okStatus();
}

// The checks of backwardDenseFrom: one seed per value, each of its value's shape. The sweep
// visits ids from last to first; a bad seed is reported in that order, as it would meet it.
template <class ShapeOf>
Status checkSeedContext(const Graph& g, size_t count, ShapeOf&& shapeOf) {
  if (count != g.numValues()) {
    return Error::make(ErrorCode::InvalidArgument,
                       "autograd: initial dense gradient array has wrong length: expected " +
                           std::to_string(g.numValues()) + ", got " + std::to_string(count));
  }
  for (size_t id = count; id-- > 0;) {
    const Shape& expected = g.shapeOf(static_cast<ValueId>(id));
    const Shape& got = shapeOf(id);
    if (got != expected) {
      return Error::make(ErrorCode::ShapeMismatch,
                         "autograd: gradient array has wrong shape for node %" +
                             std::to_string(id) + ": expected " + expected.str() + ", got " +
                             got.str(),
                         static_cast<int64_t>(id));
    }
  }
  return okStatus();
}

// Checked seeds into a context laid out for the same graph.
template <class T>
void copySeeds(Context<T>& grads, std::span<const Tensor<T>> seeds) {
  for (size_t id = 0; id < seeds.size(); ++id) {
    T* dst = grads.mutableData(id);
    const T* src = seeds[id].data();
    for (int64_t e = 0; e < seeds[id].numel(); ++e) dst[e] = src[e];
  }
}

// backwardDenseAll into `grads` (laid out for s.graph, contents irrelevant), after the caller's
// checks of outId and the seed's shape. Reach and first writes are decided as the sweep goes: a
// reached slot's first contribution is stored, not added, so its old contents never matter; the
// slots the sweep never reaches are zeroed after it (TorchLean's final zero-fill). A Plan, which
// reruns one output id, makes the same decisions once instead (plan_program::lowerBackward);
// lowering for a single sweep costs more than it saves (W1(a) backward 12.8 -> 16.3 ns/node).
template <class T>
void denseAll(const CompiledState<T>& s, Context<T>& grads, size_t outId, const T* seed) {
  const Graph& g = s.graph;
  std::vector<uint8_t> reached(g.numValues(), 0);
  std::vector<T> scratch;
  reached[outId] = 1;
  T* dst = grads.mutableData(outId);
  const int64_t seedNumel = g.shapeOf(static_cast<ValueId>(outId)).numel();
  for (int64_t e = 0; e < seedNumel; ++e) dst[e] = seed[e];

  const size_t first = g.numInputs();
  const kernels::GraphView<T> view(s);
  const T* values = s.values.flat().data();
  T* arena = grads.arena().data();
  uint8_t* seen = reached.data();
  // Nodes after outId are never reached: start at outId itself.
  for (size_t id = outId + 1; id-- > first;) {
    if (!seen[id]) continue;
    runNodeVjp(
        view, values, arena, static_cast<ValueId>(id), scratch,
        [seen](ValueId p) { return seen[p] ? kernels::Accum::Add : kernels::Accum::Assign; },
        [seen](ValueId p) { seen[p] = 1; });
  }
  const size_t numValues = g.numValues();
  for (size_t id = 0; id < numValues; ++id) {
    if (seen[id]) continue;
    kernels::valueInitialise(arena + view.offsets[id],
                             view.shapeOf(static_cast<ValueId>(id)).numel());
  }
}

// backwardDenseFrom in place: `grads` holds the seeds on entry and the gradients on return.
template <class T>
void denseFromInPlace(const CompiledState<T>& s, Context<T>& grads) {
  const size_t first = s.graph.numInputs();
  std::vector<T> scratch;
  const kernels::GraphView<T> view(s);
  const T* values = s.values.flat().data();
  T* arena = grads.arena().data();
  for (size_t id = s.graph.numValues(); id-- > first;) {
    runNodeVjp(
        view, values, arena, static_cast<ValueId>(id), scratch, [](ValueId) { return Accum::Add; },
        [](ValueId) {});
  }
}

}  // namespace sweep

template <class T>
size_t Tape<T>::size() const {
  return state_->graph.numValues();
}

template <class T>
Result<Context<T>> Tape<T>::backwardDenseFrom(std::span<const Tensor<T>> grads0) const {
  const Graph& g = state_->graph;
  VG_TRY_STATUS(sweep::checkSeedContext(
      g, grads0.size(), [&](size_t id) -> const Shape& { return grads0[id].shape(); }));
  Context<T> grads = Context<T>::uninitialized(g);  // every slot receives its seed
  sweep::copySeeds(grads, grads0);
  sweep::denseFromInPlace(*state_, grads);
  return grads;
}

template <class T>
Result<Context<T>> Tape<T>::backwardDenseFrom(const Context<T>& grads0) const {
  const Graph& g = state_->graph;
  VG_TRY_STATUS(sweep::checkSeedContext(
      g, grads0.size(), [&](size_t id) -> const Shape& { return grads0.shape(id); }));
  Context<T> grads = Context<T>::uninitialized(g);
  // grads0 may be a value context that adopted its inputs: Γ's slots outside its arena.
  const size_t adopted = grads0.adoptsInputs() ? g.numInputs() : 0;
  for (size_t i = 0; i < adopted; ++i) {
    const std::span<const T> seed = grads0[i].span();
    std::copy(seed.begin(), seed.end(), grads.mutableData(i));
  }
  const std::span<const T> seeds = grads0.flat();
  std::copy(seeds.begin(), seeds.end(), grads.arena().begin() + grads0.arenaStart());
  sweep::denseFromInPlace(*state_, grads);
  return grads;
}

template <class T>
Result<Context<T>> Tape<T>::backwardDenseAll(size_t outId, const Tensor<T>& seed) const {
  const CompiledState<T>& s = *state_;
  VG_TRY_STATUS(sweep::checkOutputSeed(s.graph, outId, seed.shape()));
  Context<T> grads = Context<T>::uninitialized(s.graph);  // denseAll writes every slot
  sweep::denseAll(s, grads, outId, seed.data());
  return grads;
}

}  // namespace verigrad

// Instantiates the engine's templates for one scalar type (in engine_<scalar>.cpp).
#define VG_INSTANTIATE_ENGINE(T)                                                        \
  template class verigrad::Tape<T>;                                                     \
  template class verigrad::Compiled<T>;                                                 \
  template verigrad::Result<verigrad::Compiled<T>> verigrad::compile<T>(                \
      const verigrad::Graph&, std::span<const verigrad::Tensor<T>>);                    \
  template verigrad::Result<verigrad::Compiled<T>> verigrad::compile<T>(                \
      const verigrad::Graph&, std::vector<verigrad::Tensor<T>>&&);                      \
  template verigrad::Result<std::vector<verigrad::Tensor<T>>> verigrad::gradientsOf<T>( \
      const verigrad::Context<T>&, std::span<const size_t>);
