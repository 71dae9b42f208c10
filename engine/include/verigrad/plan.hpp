// Plan<T>: compile a graph once, then run forward and the sweeps for new inputs into the same
// buffers — what a training loop uses. Results are bit-identical to compile<T> + Tape on the same
// inputs and seeds (except a NaN's sign and payload, which IEEE 754 leaves unspecified and the
// compiler may pick differently in two code paths), and the property `plan-reuse` checks it: make()
// lowers the graph once (scalar pointwise nodes run their ops' per-element rules directly; the rest
// run compile's kernels; the sweep's reached/first-write decisions are made once per output id),
// and reused slots are reset to the state a fresh context starts in.
//
// Thread safety: a Plan is used by one thread at a time (it owns mutable buffers); distinct Plans
// may share one Graph and run concurrently. References returned by values() and gradients() stay
// valid for the Plan's lifetime and see the results of the latest call.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "verigrad/context.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/scalar_traits.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad {

template <class T>
struct CompiledState;
namespace plan_program {
template <class T>
struct Program;
}

template <class T>
class Plan {
 public:
  // Refuses ops T cannot compute and converts the literals, as compile<T> does; allocates the
  // value and gradient contexts once.
  static Result<Plan> make(const Graph& graph);

  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
  ~Plan();

  // Checks the inputs against Γ (the messages of compile<T>, prefixed "plan") and evaluates every
  // node into values(). After an error, values() is unspecified and the sweeps refuse to run
  // until a forward succeeds.
  Status forward(std::span<const Tensor<T>> inputs);
  Status forward(const std::vector<Tensor<T>>& inputs) {
    return forward(std::span<const Tensor<T>>(inputs));
  }

  // Zero-copy inputs, for loops that keep their inputs (weights, a batch buffer) in the plan and
  // update them in place: write input i through input(i), then call forward() with no arguments,
  // which evaluates from the inputs as they stand. Inputs start at zero. input() invalidates the
  // last forward (the sweeps refuse to run until forward() succeeds again); an index outside Γ is
  // an InvalidId error. The span stays valid for the Plan's lifetime.
  Result<std::span<T>> input(size_t i);
  Status forward();

  // The sweeps of Tape<T>, with the same checks and messages, into gradients().
  Status backwardDenseAll(size_t outId, const Tensor<T>& seed);
  Status backwardDenseAllFromOutput();  // at checkedOutId, seed 1 (the output must be a scalar)
  Status backwardDenseFrom(std::span<const Tensor<T>> grads0);

  const Context<T>& values() const;
  const Context<T>& gradients() const;
  const Graph& graph() const;

 private:
  Plan() = default;
  Status requireForward() const;

  std::unique_ptr<CompiledState<T>> state_;
  std::unique_ptr<plan_program::Program<T>> program_;  // the graph lowered once (engine-internal)
  Context<T> grads_;
  std::vector<T> scratch_;  // sweep working buffer, kept across calls
  bool forwardDone_ = false;
};

}  // namespace verigrad
