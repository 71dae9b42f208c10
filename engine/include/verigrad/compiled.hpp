// compile<T>: evaluate a graph forward on concrete inputs and return the value context (Γ ++ ss,
// inputs first and unchanged) plus the tape, one node per value id. The Tape runs reverse mode
// densely (TorchLean's backwardDenseFrom / backwardDenseAll).
//
// Thread safety: a Compiled<T> (and its Tape) is used by one thread at a time; distinct Compiled
// objects may run concurrently, and they may share one Graph.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "verigrad/context.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/scalar_traits.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad {

template <class T>
struct CompiledState;  // engine-internal: graph, values, literals converted to T

template <class T>
class Tape {
 public:
  size_t size() const;  // |Γ| + |ss|

  // A seed for every value (TorchLean's grads0). Wrong count: "autograd: initial dense gradient
  // array has wrong length"; wrong shape: "autograd: gradient array has wrong shape for node".
  // Visits ids from last to first; every node's VJP runs; a node sums its contributions per
  // parent in operand order, then each parent slot becomes existing + contribution.
  Result<Context<T>> backwardDenseFrom(std::span<const Tensor<T>> grads0) const;
  // The same from a context laid out for this graph (e.g. a previous result).
  Result<Context<T>> backwardDenseFrom(const Context<T>& grads0) const;

  // Seed `seed` at value `outId`. Only nodes reached from outId through gradient-carrying edges
  // run their VJP; a reached slot's first contribution is stored, later ones added; unreached
  // slots are zero. Errors: "autograd: invalid output id", "autograd: seed gradient shape
  // mismatch for output".
  Result<Context<T>> backwardDenseAll(size_t outId, const Tensor<T>& seed) const;

 private:
  template <class>
  friend class Compiled;
  std::shared_ptr<const CompiledState<T>> state_;
};

template <class T>
class Compiled {
 public:
  const Context<T>& values() const;  // Γ ++ ss
  const Tape<T>& tape() const { return tape_; }
  const Graph& graph() const;

  // backwardDenseAll at checkedOutId with the scalar seed 1 (the output must be a scalar).
  Result<Context<T>> backwardDenseAllFromOutput() const;
  // A seed per value, each checked against Γ ++ ss before the sweep (the typed entry point).
  Result<Context<T>> backwardDenseFromSeedCtx(std::span<const Tensor<T>> seeds) const;

  // The inputs back, as tensors, leaving this object empty (like a moved-from one). When compile
  // adopted them and no copy of this Compiled or its Tape is alive, they are the adopted tensors
  // themselves (no copy); otherwise copies of Γ's values.
  std::vector<Tensor<T>> releaseInputs() &&;

 private:
  template <class U>
  friend Result<Compiled<U>> compile(const Graph&, std::span<const Tensor<U>>);
  template <class U>
  friend Result<Compiled<U>> compile(const Graph&, std::vector<Tensor<U>>&&);
  explicit Compiled(std::shared_ptr<const CompiledState<T>> state) : state_(std::move(state)) {
    tape_.state_ = state_;
  }
  std::shared_ptr<const CompiledState<T>> state_;
  Tape<T> tape_;
};

// Checks inputs against Γ (count and shapes), converts literals to T (an overflowing literal is an
// error), refuses ops T cannot compute, evaluates forward in id order.
template <class T>
Result<Compiled<T>> compile(const Graph& graph, std::span<const Tensor<T>> inputs);
template <class T>
Result<Compiled<T>> compile(const Graph& graph, const std::vector<Tensor<T>>& inputs) {
  return compile<T>(graph, std::span<const Tensor<T>>(inputs));
}
// The same, adopting the inputs instead of copying them: Γ's slots in values() are these tensors'
// own buffers (a step over large weights saves copying them). On success `inputs` is left empty
// and releaseInputs() gives the tensors back; on any error it is left as it was.
template <class T>
Result<Compiled<T>> compile(const Graph& graph, std::vector<Tensor<T>>&& inputs);

// The gradients of the given ids (TorchLean's gradsPrefix), each re-checked against the graph.
template <class T>
Result<std::vector<Tensor<T>>> gradientsOf(const Context<T>& grads, std::span<const size_t> ids);

}  // namespace verigrad
