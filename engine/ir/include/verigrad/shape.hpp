// Shape: dims outermost first, rank <= 8 held inline (no heap); scalar = rank 0; zero extents ok.
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
  // Inline: every kernel asks it once per node.
  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < rank_; ++i) n *= dims_[i];
    return n;
  }
  // Element count, or an Overflow error when it exceeds kMaxNumel.
  static Result<int64_t> checkedNumel(std::span<const int64_t> dims);

  // Row-major strides (in elements), innermost stride 1.
  void strides(int64_t* out) const;

  std::string str() const;  // "[2,3]", scalar "[]"
  // The multi-index of a row-major flat index, as messages print it: 5 in [2,3] is "[1,2]".
  std::string indexText(int64_t flatIndex) const;

  // Rank, then the first `rank` dims. Inline: the builder compares operand shapes on every node.
  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.rank_ != b.rank_) return false;
    for (int i = 0; i < a.rank_; ++i) {
      if (a.dims_[i] != b.dims_[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  int64_t dims_[kMaxRank] = {};
  uint8_t rank_ = 0;
};

// A non-owning reference to a Shape that reads like a const Shape&: 8 bytes instead of the
// 72-byte inline Shape. Node records (shapes interned in the graph's shape pool) and tensor views
// hold one. The referenced Shape must outlive it; binding a temporary is refused at compile time.
class ShapeRef {
 public:
  ShapeRef() = default;                             // the scalar shape
  ShapeRef(const Shape& shape) : shape_(&shape) {}  // NOLINT: a view converts implicitly
  ShapeRef(const Shape&&) = delete;                 // would dangle

  operator const Shape&() const { return *shape_; }  // NOLINT: reads as the shape it names
  const Shape& get() const { return *shape_; }

  int rank() const { return shape_->rank(); }
  bool isScalar() const { return shape_->isScalar(); }
  int64_t operator[](int axis) const { return (*shape_)[axis]; }
  int64_t dim(int axis) const { return shape_->dim(axis); }
  std::span<const int64_t> dims() const { return shape_->dims(); }
  int64_t numel() const { return shape_->numel(); }
  void strides(int64_t* out) const { shape_->strides(out); }
  std::string str() const { return shape_->str(); }
  std::string indexText(int64_t flatIndex) const { return shape_->indexText(flatIndex); }

  friend bool operator==(const ShapeRef& a, const ShapeRef& b) { return a.get() == b.get(); }
  friend bool operator==(const ShapeRef& a, const Shape& b) { return a.get() == b; }
  friend bool operator==(const Shape& a, const ShapeRef& b) { return a == b.get(); }
  friend bool operator!=(const ShapeRef& a, const ShapeRef& b) { return !(a == b); }
  friend bool operator!=(const ShapeRef& a, const Shape& b) { return !(a == b); }
  friend bool operator!=(const Shape& a, const ShapeRef& b) { return !(a == b); }

 private:
  static const Shape kScalar;
  const Shape* shape_ = &kScalar;
};

}  // namespace verigrad
