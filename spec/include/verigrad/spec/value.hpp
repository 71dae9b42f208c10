// Value<S>: the spec's own tensor, a shape and its elements in row-major order (outermost axis
// first, TorchLean's flattening order). Deliberately minimal: no views, no arena, no strides.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "verigrad/result.hpp"
#include "verigrad/shape.hpp"

namespace verigrad::spec {

template <class S>
struct Value {
  Shape shape;
  std::vector<S> data;  // shape.numel() elements, row-major

  int64_t numel() const { return static_cast<int64_t>(data.size()); }
  friend bool operator==(const Value&, const Value&) = default;
};

// A value from a shape and row-major data; a count mismatch is a ShapeMismatch error.
template <class S>
Result<Value<S>> makeValue(const Shape& shape, std::vector<S> data) {
  if (static_cast<int64_t>(data.size()) != shape.numel()) {
    return Error::make(ErrorCode::ShapeMismatch, "spec: a value of shape " + shape.str() +
                                                     " needs " + std::to_string(shape.numel()) +
                                                     " elements, got " +
                                                     std::to_string(data.size()));
  }
  return Value<S>{shape, std::move(data)};
}

template <class S>
Value<S> zeros(const Shape& shape) {
  return Value<S>{shape, std::vector<S>(static_cast<size_t>(shape.numel()), S(0))};
}

}  // namespace verigrad::spec
