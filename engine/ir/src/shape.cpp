// Shape construction with validation, overflow-checked numel, strides and printing.
#include "verigrad/shape.hpp"

#include <cassert>

namespace verigrad {

const Shape ShapeRef::kScalar{};

Shape::Shape(std::initializer_list<int64_t> dims) {
  assert(dims.size() <= static_cast<size_t>(kMaxRank));
  for (int64_t d : dims) {
    assert(d >= 0);
    dims_[rank_++] = d;
  }
}

Result<Shape> Shape::make(std::span<const int64_t> dims) {
  if (dims.size() > static_cast<size_t>(kMaxRank)) {
    return Error::make(ErrorCode::InvalidArgument, "shape has rank " + std::to_string(dims.size()) +
                                                       ", the maximum is " +
                                                       std::to_string(kMaxRank));
  }
  Shape s;
  for (int64_t d : dims) {
    if (d < 0) {
      return Error::make(ErrorCode::InvalidArgument,
                         "shape has a negative extent " + std::to_string(d));
    }
    s.dims_[s.rank_++] = d;
  }
  auto n = checkedNumel(dims);
  if (!n.ok()) return n.error();
  return s;
}

Result<int64_t> Shape::checkedNumel(std::span<const int64_t> dims) {
  // A zero extent anywhere makes the product 0, even if other extents are huge.
  for (int64_t d : dims) {
    if (d == 0) return int64_t{0};
  }
  int64_t n = 1;
  for (int64_t d : dims) {
    int64_t next = 0;
    if (d < 0 || __builtin_mul_overflow(n, d, &next) || next > kMaxNumel) {
      std::string text = "[";
      for (size_t i = 0; i < dims.size(); ++i) text += (i ? "," : "") + std::to_string(dims[i]);
      return Error::make(ErrorCode::Overflow, "shape " + text + "] has more than 2^62 elements");
    }
    n = next;
  }
  return n;
}

void Shape::strides(int64_t* out) const {
  int64_t s = 1;
  for (int i = rank_ - 1; i >= 0; --i) {
    out[i] = s;
    s *= dims_[i];
  }
}

std::string Shape::str() const {
  std::string out = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i) out += ',';
    out += std::to_string(dims_[i]);
  }
  return out + "]";
}

std::string Shape::indexText(int64_t flatIndex) const {
  int64_t strides[kMaxRank];
  this->strides(strides);
  std::string out = "[";
  for (int axis = 0; axis < rank_; ++axis) {
    if (axis) out += ',';
    // A zero extent somewhere makes later strides 0; such a shape has no elements to name.
    out += std::to_string(strides[axis] == 0 ? 0 : flatIndex / strides[axis]);
    if (strides[axis] != 0) flatIndex %= strides[axis];
  }
  return out + "]";
}

}  // namespace verigrad
