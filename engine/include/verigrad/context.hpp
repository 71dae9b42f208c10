// Context<T>: one tensor per value id in Γ ++ ss, stored in a single arena (values or gradients).
#pragma once

#include <vector>

#include "verigrad/arena_allocator.hpp"
#include "verigrad/graph.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad {

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
  TensorView<T> operator[](size_t id) const { return {data_.data() + offset(id), shape(id)}; }
  Tensor<T> tensor(size_t id) const { return Tensor<T>::fromView((*this)[id]); }
  const Graph& graph() const { return graph_; }

  // Raw access for the engine and the oracle: the arena and each value's offset in it.
  T* mutableData(size_t id) { return data_.data() + offset(id); }
  std::span<const T> flat() const { return data_; }
  Arena& arena() { return data_; }
  uint64_t offset(size_t id) const { return graph_.valueOffsets()[id]; }

 private:
  Graph graph_;
  Arena data_;
};

}  // namespace verigrad
