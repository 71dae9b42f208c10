// The Activation family's kernels (sqrt, sigmoid, tanh, softplus, exp, log, safeLog): loops
// (pointwise_kernels.hpp) over the per-element formulas of activation_rules.hpp, where each op's
// forward value and VJP sit side by side. Never instantiated for the exact rational (compile
// refuses these ops there).
#pragma once

#include "activation_rules.hpp"
#include "pointwise_kernels.hpp"

namespace verigrad::kernels {

template <class T>
Status forwardActivation(const NodeArgs<T>& a, T* out) {
  return pointwise::forwardFamily<OpFamily::Activation>(a, out);
}

// Every activation has one operand.
template <class T>
void vjpActivation(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  pointwise::vjpFamily<OpFamily::Activation>(a, operand, g, dst, mode);
}

}  // namespace verigrad::kernels
