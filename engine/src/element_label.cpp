// Multi-index labels for messages: the row-major flat index 5 of [2,3] prints as "[1,2]".
#include "kernel_api.hpp"

namespace verigrad::kernels {

std::string elementLabel(const Shape& shape, int64_t flatIndex) {
  int64_t strides[Shape::kMaxRank];
  shape.strides(strides);
  std::string out = "[";
  for (int axis = 0; axis < shape.rank(); ++axis) {
    if (axis) out += ',';
    out += std::to_string(strides[axis] == 0 ? 0 : flatIndex / strides[axis]);
    if (strides[axis] != 0) flatIndex %= strides[axis];
  }
  return out + "]";
}

}  // namespace verigrad::kernels
