// Forward definitions of the reductions and losses. Every sum is TorchLean's left fold from 0 in
// row-major order: (((0 + x0) + x1) + ...); `acc += x` is acc = acc + x, in place.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// sum: the fold over every element; a scalar.
template <class E>
Value<E> sumAll(const NodeView<E>& v) {
  E acc = zeroElement<E>();
  for (const E& x : v.operand(0).data) acc += x;
  Value<E> out = emptyOutput(v);
  out.data.push_back(std::move(acc));
  return out;
}

// x viewed as [outer, n, inner] around `axis`.
struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};

inline AxisSplit splitAt(const Shape& x, int axis) {
  AxisSplit s;
  for (int a = 0; a < axis; ++a) s.outer *= x.dim(a);
  s.n = x.dim(axis);
  for (int a = axis + 1; a < x.rank(); ++a) s.inner *= x.dim(a);
  return s;
}

// reduceSum: out[o, i] = Σ_j x[o, j, i], the fold over j = 0 .. n-1 (0 when n = 0).
template <class E>
Value<E> sumOverAxis(const NodeView<E>& v) {
  const Value<E>& x = v.operand(0);
  const AxisSplit s = splitAt(x.shape, static_cast<int>(v.ints[0]));
  Value<E> out = emptyOutput(v);
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t i = 0; i < s.inner; ++i) {
      E acc = zeroElement<E>();
      for (int64_t j = 0; j < s.n; ++j) acc += x.data[(o * s.n + j) * s.inner + i];
      out.data.push_back(std::move(acc));
    }
  }
  return out;
}

// reduceMean: reduceSum / n (n > 0: the shape formula rejects an empty axis).
template <class E>
Value<E> meanOverAxis(const NodeView<E>& v) {
  Value<E> out = sumOverAxis(v);
  const int64_t n = v.operand(0).shape.dim(static_cast<int>(v.ints[0]));
  for (E& y : out.data) y = divideByCount(y, n);
  return out;
}

// mseLoss: (Σ_i (a[i] - b[i]) (a[i] - b[i])) / N, N = numel > 0.
template <class E>
Value<E> meanSquaredError(const NodeView<E>& v) {
  const std::vector<E>& a = v.operand(0).data;
  const std::vector<E>& b = v.operand(1).data;
  E acc = zeroElement<E>();
  for (size_t i = 0; i < a.size(); ++i) {
    const E d = a[i] - b[i];
    acc += d * d;
  }
  Value<E> out = emptyOutput(v);
  out.data.push_back(divideByCount(acc, static_cast<int64_t>(a.size())));
  return out;
}

template <class E>
Result<Value<E>> forwardReduction(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Sum:
      return sumAll(v);
    case Op::ReduceSum:
      return sumOverAxis(v);
    case Op::ReduceMean:
      return meanOverAxis(v);
    case Op::MseLoss:
      return meanSquaredError(v);
    default:
      return internalError(*v.graph, v.id, "not a reduction");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Reduction, S)
