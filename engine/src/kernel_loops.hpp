// Per-element loops shared by the elementwise-shaped kernel families (elementwise.inl,
// activation.inl): the accumulation mode is a template parameter, so the loops carry no branch
// on it, and Assign never reads the destination.
#pragma once

#include <type_traits>
#include <utility>

#include "kernel_api.hpp"

namespace verigrad::kernels::loops {

// Stores a contribution according to the accumulation mode. The mode is a template parameter so
// that the per-element loops carry no branch on it; Assign never reads dst.
template <Accum M, class T>
inline void put(T& dst, std::type_identity_t<T>&& c) {
  if constexpr (M == Accum::Assign) {
    dst = std::move(c);
  } else {
    dst += c;
  }
}

// dst[i] (=|+=) contribution(i) for i < n.
template <Accum M, class T, class F>
inline void emit(T* dst, int64_t n, F&& contribution) {
  for (int64_t i = 0; i < n; ++i) put<M>(dst[i], contribution(i));
}

// out[i] = value(i) for i < n (ops with no domain restriction).
template <class T, class F>
inline Status produce(T* out, int64_t n, F&& value) {
  for (int64_t i = 0; i < n; ++i) out[i] = value(i);
  return okStatus();
}

template <class T>
inline int64_t numelOf(const NodeArgs<T>& a) {
  return a.node->shape.numel();
}

}  // namespace verigrad::kernels::loops
