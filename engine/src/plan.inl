// Plan<T>: compile_steps (compile.inl) checks and prepares; the graph lowered into a
// plan_program::Program runs forward and the sweeps on buffers owned by the plan.
#pragma once

#include <algorithm>
#include <string>

#include "compile.inl"
#include "plan_program.hpp"
#include "tape.inl"
#include "verigrad/plan.hpp"

namespace verigrad {

template <class T>
Result<Plan<T>> Plan<T>::make(const Graph& graph) {
  Result<std::unique_ptr<CompiledState<T>>> state = compile_steps::prepare<T>(graph);
  if (!state.ok()) return state.error();
  Plan plan;
  plan.state_ = std::move(state).value();
  // Inputs written through input() start at zero, like every slot of a fresh Context.
  std::fill(plan.state_->values.arena().begin(), plan.state_->values.arena().end(), T());
  plan.grads_ = Context<T>(graph);
  plan.program_ = std::make_unique<plan_program::Program<T>>(plan_program::lower(*plan.state_));
  return plan;
}

template <class T>
Plan<T>::Plan(Plan&&) noexcept = default;
template <class T>
Plan<T>& Plan<T>::operator=(Plan&&) noexcept = default;
template <class T>
Plan<T>::~Plan() = default;

template <class T>
Status Plan<T>::forward(std::span<const Tensor<T>> inputs) {
  forwardDone_ = false;
  VG_TRY_STATUS(compile_steps::checkInputs(state_->graph, inputs, "plan"));
  compile_steps::copyInputs(*state_, inputs);
  return forward();
}

template <class T>
Status Plan<T>::forward() {
  forwardDone_ = false;
  VG_TRY_STATUS(plan_program::forward(*state_, *program_));
  forwardDone_ = true;
  return okStatus();
}

template <class T>
Result<std::span<T>> Plan<T>::input(size_t i) {
  const size_t numInputs = state_->graph.numInputs();
  if (i >= numInputs) {
    return Error::make(ErrorCode::InvalidId,
                       "plan: input index " + std::to_string(i) +
                           " is out of range (|Γ| = " + std::to_string(numInputs) + ")");
  }
  forwardDone_ = false;  // the values no longer match the inputs
  return std::span<T>(state_->values.mutableData(i),
                      static_cast<size_t>(state_->graph.inputs()[i].numel()));
}

template <class T>
Status Plan<T>::requireForward() const {
  if (forwardDone_) return okStatus();
  return Error::make(ErrorCode::InvalidArgument,
                     "plan: no successful forward() yet: the sweeps need the forward values");
}

template <class T>
Status Plan<T>::backwardDenseAll(size_t outId, const Tensor<T>& seed) {
  VG_TRY_STATUS(requireForward());
  VG_TRY_STATUS(sweep::checkOutputSeed(state_->graph, outId, seed.shape()));
  if (program_->backwardFor != outId) plan_program::lowerBackward(*state_, *program_, outId);
  plan_program::backwardAll(*state_, *program_, grads_, scratch_, outId, seed.data());
  return okStatus();
}

template <class T>
Status Plan<T>::backwardDenseAllFromOutput() {
  Result<size_t> out = checkedOutId(state_->graph);
  if (!out.ok()) return out.error();
  return backwardDenseAll(out.value(), Tensor<T>::scalar(T(1)));
}

template <class T>
Status Plan<T>::backwardDenseFrom(std::span<const Tensor<T>> grads0) {
  VG_TRY_STATUS(requireForward());
  VG_TRY_STATUS(sweep::checkSeedContext(
      state_->graph, grads0.size(), [&](size_t id) -> const Shape& { return grads0[id].shape(); }));
  sweep::copySeeds(grads_, grads0);  // every slot is a seed: nothing of the last sweep remains
  plan_program::backwardFromInPlace(*state_, *program_, grads_, scratch_);
  return okStatus();
}

template <class T>
const Context<T>& Plan<T>::values() const {
  return state_->values;
}
template <class T>
const Context<T>& Plan<T>::gradients() const {
  return grads_;
}
template <class T>
const Graph& Plan<T>::graph() const {
  return state_->graph;
}

}  // namespace verigrad

#define VG_INSTANTIATE_PLAN(T) template class verigrad::Plan<T>;
