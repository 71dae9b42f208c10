// Context<T>: one tensor per value id in Γ ++ ss, stored in a single arena (values or gradients).
// A value context made by compile's moving overload adopts its input tensors instead: Γ's slots
// are those tensors' own buffers and the arena holds ss's slots only (adoptsInputs()).
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "verigrad/arena_allocator.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad {

template <class T>
class Compiled;

template <class T>
class Context {
 public:
  Context() = default;
  using Arena = std::vector<T, ArenaAllocator<T>>;

  // All-zero context laid out for `graph` (value-initialised elements).
  explicit Context(Graph graph)
      : graph_(std::move(graph)), data_(static_cast<size_t>(graph_.totalElements()), T()) {}
  // A context laid out for `graph` whose elements are default-initialised: unspecified for float
  // and double. For the engine, which writes every slot before anything reads it.
  static Context uninitialized(Graph graph) {
    Context c;
    c.graph_ = std::move(graph);
    c.data_ = Arena(static_cast<size_t>(c.graph_.totalElements()));
    return c;
  }

  size_t size() const { return graph_.numValues(); }
  const Shape& shape(size_t id) const { return graph_.shapeOf(static_cast<ValueId>(id)); }
  TensorView<T> operator[](size_t id) const {
    if (id < adopted_.size()) return {adopted_[id].data(), shape(id)};
    return {data_.data() + (offset(id) - arenaStart_), shape(id)};
  }
  Tensor<T> tensor(size_t id) const { return Tensor<T>::fromView((*this)[id]); }
  const Graph& graph() const { return graph_; }

  // True when Γ's slots are adopted tensors rather than arena slots (never for a graph without
  // inputs, and never for gradients).
  bool adoptsInputs() const { return !adopted_.empty(); }

  // Raw access for the engine and the oracle. offset(id) is the value's place in the Γ ++ ss
  // layout; the arena starts at arenaStart(): 0, or offset(|Γ|) when the inputs are adopted,
  // in which case flat() holds ss's slots only.
  T* mutableData(size_t id) {
    if (id < adopted_.size()) return adopted_[id].data();
    return data_.data() + (offset(id) - arenaStart_);
  }
  std::span<const T> flat() const { return data_; }
  Arena& arena() { return data_; }
  uint64_t offset(size_t id) const { return graph_.valueOffsets()[id]; }
  uint64_t arenaStart() const { return arenaStart_; }
  const Tensor<T>* adoptedInputs() const { return adopted_.data(); }

 private:
  template <class U>
  friend class Compiled;
  template <class U>
  friend Result<Compiled<U>> compile(const Graph&, std::vector<Tensor<U>>&&);

  // A value context whose Γ slots are `inputs` (already checked against Γ by the caller) and
  // whose arena, default-initialised, holds ss.
  static Context adopting(Graph graph, std::vector<Tensor<T>>&& inputs) {
    Context c;
    c.graph_ = std::move(graph);
    c.arenaStart_ = c.graph_.valueOffsets()[c.graph_.numInputs()];
    c.data_ = Arena(static_cast<size_t>(c.graph_.totalElements() - c.arenaStart_));
    c.adopted_ = std::move(inputs);
    return c;
  }
  // Gives the adopted tensors back and leaves the context empty (no values).
  std::vector<Tensor<T>> releaseInputs() {
    std::vector<Tensor<T>> inputs = std::exchange(adopted_, {});
    *this = Context();
    return inputs;
  }

  Graph graph_;
  Arena data_;
  std::vector<Tensor<T>> adopted_;
  uint64_t arenaStart_ = 0;
};

}  // namespace verigrad
