// compile<T> and the Compiled<T> accessors: checks inputs against Γ, converts literals, refuses
// ops T cannot compute, and evaluates forward in id order into one value arena.
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "compiled_state.hpp"
#include "fault_injection.hpp"

namespace verigrad {

namespace compile_steps {

// Inputs against Γ: count, then each shape.
template <class T>
Status checkInputs(const Graph& graph, std::span<const Tensor<T>> inputs, std::string_view who) {
  const size_t numInputs = graph.numInputs();
  if (inputs.size() != numInputs) {
    return Error::make(ErrorCode::InvalidArgument,
                       std::string(who) + ": the graph has " + std::to_string(numInputs) +
                           " inputs (|Γ|), got " + std::to_string(inputs.size()) + " tensors");
  }
  for (size_t i = 0; i < numInputs; ++i) {
    if (inputs[i].shape() != graph.inputs()[i]) {
      return Error::make(ErrorCode::ShapeMismatch,
                         std::string(who) + ": input %" + std::to_string(i) + " has shape " +
                             inputs[i].shape().str() + ", expected " + graph.inputs()[i].str(),
                         static_cast<int64_t>(i));
    }
  }
  return okStatus();
}

// The graph-only part of compiling, except the value context: refuses ops T cannot compute and
// converts the literal pool to T.
template <class T>
Result<std::unique_ptr<CompiledState<T>>> checkAndConvert(const Graph& graph) {
  using Traits = ScalarTraits<T>;
  auto state = std::make_unique<CompiledState<T>>();
  state->graph = graph;
  const size_t numInputs = graph.numInputs();
  for (size_t k = 0; k < graph.numNodes(); ++k) {
    const Node& n = graph.node(k);
    const auto id = static_cast<ValueId>(numInputs + k);
    if (!Traits::supports(n.op)) {
      return Error::make(ErrorCode::Unsupported,
                         "'" + graph.nodeText(id) + "': " + std::string(opName(n.op)) +
                             " cannot be computed exactly at the " + std::string(Traits::name) +
                             " scalar",
                         id);
    }
    for (const ExactLiteral& lit : graph.literals(n)) {
      Result<T> converted = Traits::fromLiteral(lit);
      if (!converted.ok()) {
        return Error::make(converted.error().code,
                           "'" + graph.nodeText(id) + "': literal " + lit.str() +
                               " cannot be converted to " + std::string(Traits::name) + ": " +
                               converted.error().message,
                           id);
      }
      state->literals.push_back(std::move(converted).value());
    }
  }
  return state;
}

// checkAndConvert, then the value context with Γ in its arena (uninitialised: evaluate, or the
// caller for Γ, writes every slot).
template <class T>
Result<std::unique_ptr<CompiledState<T>>> prepare(const Graph& graph) {
  Result<std::unique_ptr<CompiledState<T>>> state = checkAndConvert<T>(graph);
  if (state.ok()) state.value()->values = Context<T>::uninitialized(graph);
  return state;
}

// Copies checked inputs into Γ's slots.
template <class T>
void copyInputs(CompiledState<T>& state, std::span<const Tensor<T>> inputs) {
  for (size_t i = 0; i < state.graph.numInputs(); ++i) {
    T* dst = state.values.mutableData(i);
    const T* src = inputs[i].data();
    if constexpr (fault::kFaultLayoutSwap) src = fault::layoutSwapSource(inputs, i);
    std::copy_n(src, inputs[i].numel(), dst);  // a memmove at float/double
  }
}

// Evaluates node `id` into its slot of `arena`. The slot is value-initialised first, as the
// kernels' contract says (except for the ops that overwrite it, kernels::kForwardOverwrites), so
// whatever the arena held before (a fresh uninitialised one, or a Plan's last run) the result is
// the same.
template <class T>
Status evaluateNode(const kernels::GraphView<T>& view, T* arena, ValueId id) {
  const Node& n = view.producer(id);
  T* out = view.outputSlot(arena, id);
  if (!kernels::kForwardOverwrites[static_cast<size_t>(n.op)]) {
    kernels::valueInitialise(out, n.shape.numel());
  }
  return kernels::forwardNode(view.args(id, arena, /*withOut=*/false), out);
}

// Evaluates every node in id order from the inputs in Γ's slots.
template <class T>
Status evaluate(CompiledState<T>& state) {
  const size_t numInputs = state.graph.numInputs();
  const kernels::GraphView<T> view(state);
  T* arena = state.values.arena().data();
  const size_t numNodes = state.graph.numNodes();  // hoisted: kernels' stores could alias the body
  for (size_t k = 0; k < numNodes; ++k) {
    VG_TRY_STATUS(evaluateNode(view, arena, static_cast<ValueId>(numInputs + k)));
  }
  return okStatus();
}

}  // namespace compile_steps

template <class T>
Result<Compiled<T>> compile(const Graph& graph, std::span<const Tensor<T>> inputs) {
  VG_TRY_STATUS(compile_steps::checkInputs(graph, inputs, "compile"));
  Result<std::unique_ptr<CompiledState<T>>> state = compile_steps::prepare<T>(graph);
  if (!state.ok()) return state.error();
  compile_steps::copyInputs(*state.value(), inputs);
  VG_TRY_STATUS(compile_steps::evaluate(*state.value()));
  return Compiled<T>(std::shared_ptr<const CompiledState<T>>(std::move(state).value()));
}

template <class T>
Result<Compiled<T>> compile(const Graph& graph, std::vector<Tensor<T>>&& inputs) {
  VG_TRY_STATUS(compile_steps::checkInputs(graph, std::span<const Tensor<T>>(inputs), "compile"));
  Result<std::unique_ptr<CompiledState<T>>> prepared = compile_steps::checkAndConvert<T>(graph);
  if (!prepared.ok()) return prepared.error();
  CompiledState<T>& state = *prepared.value();
  state.values = Context<T>::adopting(graph, std::move(inputs));
  if (Status evaluated = compile_steps::evaluate(state); !evaluated.ok()) {
    inputs = state.values.releaseInputs();  // an error must not cost the caller its tensors
    return evaluated.error();
  }
  return Compiled<T>(std::shared_ptr<const CompiledState<T>>(std::move(prepared).value()));
}

template <class T>
std::vector<Tensor<T>> Compiled<T>::releaseInputs() && {
  std::vector<Tensor<T>> inputs;
  if (!state_) return inputs;  // already released or moved from
  // The only owners are this object and its own tape: nobody else can read Γ any more. The
  // acquire fence pairs with the release of any other owner that has just let go.
  if (state_->values.adoptsInputs() && state_.use_count() == 2) {
    std::atomic_thread_fence(std::memory_order_acquire);
    // The state was created non-const (compile's make_unique); only the handles are const.
    inputs = const_cast<CompiledState<T>&>(*state_).values.releaseInputs();
  } else {
    const size_t numInputs = state_->graph.numInputs();
    inputs.reserve(numInputs);
    for (size_t i = 0; i < numInputs; ++i) inputs.push_back(state_->values.tensor(i));
  }
  tape_.state_.reset();
  state_.reset();
  return inputs;
}

template <class T>
const Context<T>& Compiled<T>::values() const {
  return state_->values;
}

template <class T>
const Graph& Compiled<T>::graph() const {
  return state_->graph;
}

template <class T>
Result<Context<T>> Compiled<T>::backwardDenseAllFromOutput() const {
  Result<size_t> out = checkedOutId(state_->graph);
  if (!out.ok()) return out.error();
  return tape_.backwardDenseAll(out.value(), Tensor<T>::scalar(T(1)));
}

template <class T>
Result<Context<T>> Compiled<T>::backwardDenseFromSeedCtx(std::span<const Tensor<T>> seeds) const {
  const Graph& g = state_->graph;
  if (seeds.size() != g.numValues()) {
    return Error::make(ErrorCode::InvalidArgument,
                       "autograd: seed context has " + std::to_string(seeds.size()) +
                           " entries, expected |Γ| + |ss| = " + std::to_string(g.numValues()));
  }
  for (size_t id = 0; id < seeds.size(); ++id) {
    const Shape& expected = g.shapeOf(static_cast<ValueId>(id));
    if (seeds[id].shape() != expected) {
      return Error::make(ErrorCode::ShapeMismatch,
                         "autograd: seed context entry %" + std::to_string(id) + " has shape " +
                             seeds[id].shape().str() + ", expected " + expected.str() +
                             " (Γ ++ ss)",
                         static_cast<int64_t>(id));
    }
  }
  return tape_.backwardDenseFrom(seeds);
}

template <class T>
Result<std::vector<Tensor<T>>> gradientsOf(const Context<T>& grads, std::span<const size_t> ids) {
  std::vector<Tensor<T>> out;
  out.reserve(ids.size());
  for (size_t id : ids) {
    if (id >= grads.size()) {
      return Error::make(ErrorCode::InvalidId, "gradientsOf: id " + std::to_string(id) +
                                                   " is out of range (" +
                                                   std::to_string(grads.size()) + " values)");
    }
    out.push_back(grads.tensor(id));
  }
  return out;
}

}  // namespace verigrad
