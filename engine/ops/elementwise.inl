// The Elementwise family's kernels: loops (pointwise_kernels.hpp) over the per-element formulas
// of elementwise_rules.hpp, where each op's forward value and VJP sit side by side. Included once
// per scalar by the generated instantiation units (engine/CMakeLists.txt).
#pragma once

#include "elementwise_rules.hpp"
#include "pointwise_kernels.hpp"

namespace verigrad::kernels {

template <class T>
Status forwardElementwise(const NodeArgs<T>& a, T* out) {
  return pointwise::forwardFamily<OpFamily::Elementwise>(a, out);
}

template <class T>
void vjpElementwise(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  pointwise::vjpFamily<OpFamily::Elementwise>(a, operand, g, dst, mode);
}

}  // namespace verigrad::kernels
