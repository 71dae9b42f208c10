// The Reduction family's kernels (sum, reduceSum, reduceMean, mseLoss): op by op, the forward
// value and the VJP side by side, with TorchLean's formulas (reference §5.2.5). Every sum is a
// left fold from 0 in row-major order, ((0 + x0) + x1) + …, as TorchLean's sumSpec.
// Included once per scalar by the generated instantiation units (engine/CMakeLists.txt).
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "kernel_api.hpp"
#include "scalar_conventions.hpp"
#include "verigrad/op.hpp"

namespace verigrad::kernels {

namespace reduction {

// Stores a contribution according to the accumulation mode, which is a template parameter so
// the per-element loops carry no branch on it; Assign never reads dst.
template <Accum M, class T>
inline void put(T& dst, std::type_identity_t<T>&& c) {
  if constexpr (M == Accum::Assign) {
    dst = std::move(c);
  } else {
    dst += c;
  }
}
template <Accum M, class T>
inline void put(T& dst, const T& c) {
  if constexpr (M == Accum::Assign) {
    dst = c;
  } else {
    dst += c;
  }
}

// A tensor viewed as [outer, extent, inner] around one axis: the reduced axis in the middle.
struct AxisSplit {
  int64_t outer = 1;
  int64_t extent = 1;
  int64_t inner = 1;
};
inline AxisSplit splitAt(const Shape& s, int64_t axis) {
  AxisSplit r;
  for (int d = 0; d < s.rank(); ++d) {
    if (d < axis) {
      r.outer *= s[d];
    } else if (d == axis) {
      r.extent = s[d];
    } else {
      r.inner *= s[d];
    }
  }
  return r;
}

// out[o, j] = ((0 + x[o,0,j]) + x[o,1,j]) + … over the middle axis. The loops run in x's
// row-major order (each output row is visited once per k), and every output element still
// receives its terms in increasing k from an explicit 0.
template <class T>
inline void sumOverAxis(const T* x, const AxisSplit& s, T* out) {
  for (int64_t o = 0; o < s.outer; ++o) {
    T* row = out + o * s.inner;
    for (int64_t j = 0; j < s.inner; ++j) row[j] = T(0);
    for (int64_t k = 0; k < s.extent; ++k) {
      const T* src = x + (o * s.extent + k) * s.inner;
      for (int64_t j = 0; j < s.inner; ++j) row[j] += src[j];
    }
  }
}

template <class T>
Error internalError(const NodeArgs<T>& a, const std::string& what) {
  return Error::make(ErrorCode::Internal, "'" + a.graph->nodeText(a.id) + "': " + what, a.id);
}

// ---- sum — ops.def: VG_OP(Sum, ..., "x[*s] -> []", "x: broadcastTo(g, shape=[*s])")
template <class T>
Status forwardSum(const NodeArgs<T>& a, T* out) {
  const TensorView<T>& x = a.in[0];
  const int64_t n = x.numel();
  T acc(0);
  for (int64_t i = 0; i < n; ++i) acc += x[i];
  out[0] = std::move(acc);
  return okStatus();
}
// x ← δ replicated to x's shape.
template <Accum M, class T>
void vjpSum(const NodeArgs<T>& a, const T* g, T* dst) {
  const int64_t n = a.in[0].numel();
  const T& delta = g[0];
  for (int64_t i = 0; i < n; ++i) put<M>(dst[i], delta);
}

// ---- reduceSum — ops.def: VG_OP(ReduceSum, ..., "axis:int",
//   "x[*s] -> drop(s, axis) where 0 <= axis, axis < rank(s)",
//   "x: broadcastTo(reshape(g, shape=setdim(s, axis, 1)), shape=[*s])")
// A zero-length axis sums to 0 (a departure from TorchLean, which rejects it).
template <class T>
Status forwardReduceSum(const NodeArgs<T>& a, T* out) {
  sumOverAxis(a.in[0].data, splitAt(a.in[0].shape, a.ints[0]), out);
  return okStatus();
}
// x ← δ broadcast back along the removed axis.
template <Accum M, class T>
void vjpReduceSum(const NodeArgs<T>& a, const T* g, T* dst) {
  const AxisSplit s = splitAt(a.in[0].shape, a.ints[0]);
  for (int64_t o = 0; o < s.outer; ++o) {
    const T* delta = g + o * s.inner;
    for (int64_t k = 0; k < s.extent; ++k) {
      T* slot = dst + (o * s.extent + k) * s.inner;
      for (int64_t j = 0; j < s.inner; ++j) put<M>(slot[j], delta[j]);
    }
  }
}

// ---- reduceMean — ops.def: VG_OP(ReduceMean, ..., "axis:int",
//   "x[*s] -> drop(s, axis) where 0 <= axis, axis < rank(s), 0 < s[axis]",
//   "x: broadcastTo(reshape(g, shape=setdim(s, axis, 1)), shape=[*s])")
// The row forbids an empty axis (a departure: TorchLean's mean of nothing is NaN).
template <class T>
Status forwardReduceMean(const NodeArgs<T>& a, T* out) {
  const AxisSplit s = splitAt(a.in[0].shape, a.ints[0]);
  if (s.extent <= 0) return internalError(a, "reduceMean over an empty axis passed the builder");
  sumOverAxis(a.in[0].data, s, out);
  const T extent(s.extent);
  const int64_t m = s.outer * s.inner;
  for (int64_t i = 0; i < m; ++i) out[i] = quotient(out[i], extent);  // sum / extent, as TorchLean
  return okStatus();
}
// x ← (δ broadcast back) * (1/extent).
template <Accum M, class T>
void vjpReduceMean(const NodeArgs<T>& a, const T* g, T* dst) {
  const AxisSplit s = splitAt(a.in[0].shape, a.ints[0]);
  const T invExtent = quotient(T(1), T(s.extent));  // extent > 0: the forward pass ran
  for (int64_t o = 0; o < s.outer; ++o) {
    const T* delta = g + o * s.inner;
    for (int64_t k = 0; k < s.extent; ++k) {
      T* slot = dst + (o * s.extent + k) * s.inner;
      for (int64_t j = 0; j < s.inner; ++j) put<M>(slot[j], delta[j] * invExtent);
    }
  }
}

// ---- mseLoss — ops.def: VG_OP(MseLoss, ..., "a[*s] b[*s] -> [] where 0 < numel(s)",
//   "a: mul(a, broadcastTo(g, shape=[*s])); b: mul(b, broadcastTo(g, shape=[*s]))")
// Σ((a−b)⊙(a−b)) / N with N = numel as T; the row forbids N = 0 (a departure: TorchLean's NaN).
template <class T>
Status forwardMseLoss(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  const int64_t n = a.in[0].numel();
  if (n <= 0) return internalError(a, "mseLoss of an empty tensor passed the builder");
  T acc(0);
  for (int64_t i = 0; i < n; ++i) {
    const T d = x[i] - y[i];
    acc += d * d;
  }
  out[0] = quotient(acc, T(n));
  return okStatus();
}
// base = (a−b) * (2/N) with 2 = 1 + 1; a ← base * δ, b ← 0 − (base * δ).
template <Accum M, class T>
void vjpMseLoss(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const T* y = a.in[1].data;
  const int64_t n = a.in[0].numel();
  const T twoOverN = quotient(T(1) + T(1), T(n));  // n > 0: the forward pass ran
  const T& delta = g[0];
  if (operand == 0) {
    for (int64_t i = 0; i < n; ++i) put<M>(dst[i], ((x[i] - y[i]) * twoOverN) * delta);
  } else {
    const T zero(0);
    for (int64_t i = 0; i < n; ++i) put<M>(dst[i], zero - ((x[i] - y[i]) * twoOverN) * delta);
  }
}

template <Accum M, class T>
void vjpWithMode(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  switch (a.node->op) {
    case Op::Sum:
      return vjpSum<M>(a, g, dst);
    case Op::ReduceSum:
      return vjpReduceSum<M>(a, g, dst);
    case Op::ReduceMean:
      return vjpReduceMean<M>(a, g, dst);
    case Op::MseLoss:
      return vjpMseLoss<M>(a, operand, g, dst);
    default:
      return;  // not a reduction: forwardReduction has already reported it
  }
}

}  // namespace reduction

template <class T>
Status forwardReduction(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
    case Op::Sum:
      return reduction::forwardSum(a, out);
    case Op::ReduceSum:
      return reduction::forwardReduceSum(a, out);
    case Op::ReduceMean:
      return reduction::forwardReduceMean(a, out);
    case Op::MseLoss:
      return reduction::forwardMseLoss(a, out);
    default:
      return Error::make(ErrorCode::Internal,
                         "forwardReduction called for op '" + std::string(opName(a.node->op)) + "'",
                         a.id);
  }
}

// The mode is decided once per call; each op's loop is instantiated for both modes.
template <class T>
void vjpReduction(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  if (mode == Accum::Assign) {
    reduction::vjpWithMode<Accum::Assign>(a, operand, g, dst);
  } else {
    reduction::vjpWithMode<Accum::Add>(a, operand, g, dst);
  }
}

}  // namespace verigrad::kernels
