// Shape: dims outermost first, rank <= 8 stored inline (no heap); scalar = rank 0; zero extents allowed.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

#include "verigrad/result.hpp"

namespace verigrad {

class Shape {
 public:
  static constexpr int kMaxRank = 8;
  // Largest element count a shape may have (numel is overflow-checked against it).
  static constexpr int64_t kMaxNumel = int64_t{1} << 62;

  Shape() = default;  // scalar
  // Unchecked construction for literals in code; use make() for untrusted dims.
  Shape(std::initializer_list<int64_t> dims);
  static Result<Shape> make(std::span<const int64_t> dims);

  int rank() const { return rank_; }
  bool isScalar() const { return rank_ == 0; }
  int64_t operator[](int axis) const { return dims_[axis]; }
  int64_t dim(int axis) const { return dims_[axis]; }
  std::span<const int64_t> dims() const { return {dims_, static_cast<size_t>(rank_)}; }

  // Element count; valid for every Shape built through make() or a GraphBuilder (<= kMaxNumel).
  int64_t numel() const;
  // Element count, or an Overflow error when it exceeds kMaxNumel.
  static Result<int64_t> checkedNumel(std::span<const int64_t> dims);

  // Row-major strides (in elements), innermost stride 1.
  void strides(int64_t* out) const;

  std::string str() const;  // "[2,3]", scalar "[]"
  // The multi-index of a row-major flat index, as messages print it: 5 in [2,3] is "[1,2]".
  std::string indexText(int64_t flatIndex) const;

  friend bool operator==(const Shape& a, const Shape& b);
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  int64_t dims_[kMaxRank] = {};
  uint8_t rank_ = 0;
};

}  // namespace verigrad
