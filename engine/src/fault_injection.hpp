// Test-only injected faults (issue 4): each flag is false unless CMake was configured with
// -DVERIGRAD_INJECT_FAULT=<name> (cmake/FaultInjection.cmake), which defines VERIGRAD_FAULT_<NAME>
// for the engine targets only. Engine code tests the flags with `if constexpr`, so a production
// build compiles every fault branch away and ships none of them.
#pragma once

#include <cstddef>

namespace verigrad::fault {

#ifdef VERIGRAD_FAULT_MATMUL_VJP
inline constexpr bool kFaultMatmulVjp = true;  // matmul's dA uses δ·B instead of δ·Bᵀ
#else
inline constexpr bool kFaultMatmulVjp = false;
#endif

#ifdef VERIGRAD_FAULT_RELU_KINK
inline constexpr bool kFaultReluKink = true;  // relu'(0) = 1 instead of 0
#else
inline constexpr bool kFaultReluKink = false;
#endif

#ifdef VERIGRAD_FAULT_OVERWRITE_ACCUM
inline constexpr bool kFaultOverwriteAccum = true;  // a repeated parent keeps its last contribution
#else
inline constexpr bool kFaultOverwriteAccum = false;
#endif

#ifdef VERIGRAD_FAULT_OUT_ID
inline constexpr bool kFaultOutId = true;  // checkedOutId returns |Γ|+|ss| (one past the end)
#else
inline constexpr bool kFaultOutId = false;
#endif

#ifdef VERIGRAD_FAULT_LAYOUT_SWAP
inline constexpr bool kFaultLayoutSwap = true;  // inputs %0 and %1 trade places in the context
#else
inline constexpr bool kFaultLayoutSwap = false;
#endif

#ifdef VERIGRAD_FAULT_TANH_VJP
inline constexpr bool kFaultTanhVjp = true;  // tanh' = 1 - tanh instead of 1 - tanh^2
#else
inline constexpr bool kFaultTanhVjp = false;
#endif

#ifdef VERIGRAD_FAULT_SOFTMAX_VJP
inline constexpr bool kFaultSoftmaxVjp = true;  // softmax's VJP drops the row sum term: y*d
#else
inline constexpr bool kFaultSoftmaxVjp = false;
#endif

#ifdef VERIGRAD_FAULT_LAYERNORM_VJP
inline constexpr bool kFaultLayerNormVjp = true;  // layerNorm's dx drops the mean(dy*gamma) term
#else
inline constexpr bool kFaultLayerNormVjp = false;
#endif

// The input whose data lands in slot i under the layout-swap fault: %0 and %1 trade places when
// they have the same shape (a swap of differently shaped inputs would write past a slot). Generic
// over the span of tensors so this header stays std-only (graph.cpp in verigrad::ir includes it).
template <class Inputs>
auto layoutSwapSource(const Inputs& inputs, size_t i) {
  if (i >= 2 || inputs.size() < 2 || inputs[0].shape() != inputs[1].shape()) {
    return inputs[i].data();
  }
  return inputs[1 - i].data();
}

}  // namespace verigrad::fault
