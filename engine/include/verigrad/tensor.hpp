// Tensor<T> (owning: inputs and seeds) and TensorView<T> (non-owning views into an arena).
// Row-major (outermost axis first), matching TorchLean's flattening order.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "verigrad/shape.hpp"

namespace verigrad {

// A view: the data and the shape both belong to the viewed tensor or context.
template <class T>
struct TensorView {
  const T* data = nullptr;
  ShapeRef shape;
  int64_t numel() const { return shape.numel(); }
  std::span<const T> span() const { return {data, static_cast<size_t>(shape.numel())}; }
  const T& operator[](int64_t i) const { return data[i]; }
};

template <class T>
class Tensor {
 public:
  Tensor() : data_(1) {}  // scalar 0
  explicit Tensor(const Shape& shape) : shape_(shape), data_(static_cast<size_t>(shape.numel())) {}

  // Shape and row-major data; a count mismatch is a ShapeMismatch error.
  static Result<Tensor> make(const Shape& shape, std::vector<T> data) {
    if (static_cast<int64_t>(data.size()) != shape.numel()) {
      return Error::make(ErrorCode::ShapeMismatch, "tensor of shape " + shape.str() + " needs " +
                                                       std::to_string(shape.numel()) +
                                                       " elements, got " +
                                                       std::to_string(data.size()));
    }
    Tensor t;
    t.shape_ = shape;
    t.data_ = std::move(data);
    return t;
  }
  static Tensor scalar(T value) {
    Tensor t;
    t.data_[0] = std::move(value);
    return t;
  }
  static Tensor fromView(const TensorView<T>& v) {
    Tensor t(v.shape);
    for (int64_t i = 0; i < v.numel(); ++i) t.data_[i] = v.data[i];
    return t;
  }

  const Shape& shape() const { return shape_; }
  int64_t numel() const { return static_cast<int64_t>(data_.size()); }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& operator[](int64_t i) { return data_[i]; }
  const T& operator[](int64_t i) const { return data_[i]; }
  std::span<const T> span() const { return data_; }
  TensorView<T> view() const { return {data_.data(), shape_}; }

 private:
  Shape shape_;
  std::vector<T> data_;
};

}  // namespace verigrad
