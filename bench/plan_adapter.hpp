// The one place the "rerun a built graph" workloads (W1(b)) touch the engine: a Plan<T> compiled
// once, then forward + backwardDenseAll for new inputs into the same buffers.
#pragma once

#include <optional>
#include <span>

#include "verigrad/verigrad.hpp"

namespace vgbench {

inline constexpr const char* kRerunLabel = "Plan<T>: forward + backwardDenseAll, buffers reused";

// Forward at new inputs and backward from the graph's output (seed 1, scalar output), on a graph
// built and planned once. value()/gradient() read the last run.
template <class T>
class Rerun {
 public:
  explicit Rerun(verigrad::Graph graph)
      : out_(verigrad::outId(graph)), plan_(verigrad::Plan<T>::make(graph)) {}

  // False only if the graph and inputs disagree: the bench checks its graphs before timing, so a
  // false here is a bench bug.
  bool run(std::span<const verigrad::Tensor<T>> inputs) {
    if (!plan_.ok()) return false;
    verigrad::Plan<T>& p = plan_.value();
    return p.forward(inputs).ok() && p.backwardDenseAll(out_, seed_).ok();
  }

  const T* value(size_t id) const { return plan_.value().values()[id].data; }
  const T* gradient(size_t id) const { return plan_.value().gradients()[id].data; }
  size_t outId() const { return out_; }

 private:
  size_t out_;
  verigrad::Result<verigrad::Plan<T>> plan_;
  const verigrad::Tensor<T> seed_ = verigrad::Tensor<T>::scalar(T(1));
};

}  // namespace vgbench
