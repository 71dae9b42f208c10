// Forward definitions of linear algebra: linear, matmul, bmm. Every dot product is TorchLean's
// left fold over the shared index from 0 (`acc += x` is acc = acc + x, in place).
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// linear: y[o] = (Σ_i w[o, i] x[i]) + b[o]: the mat-vec fold, then the bias.
template <class E>
Value<E> affine(const NodeView<E>& v) {
  const Value<E>& w = v.operand(0);
  const Value<E>& b = v.operand(1);
  const Value<E>& x = v.operand(2);
  const int64_t rows = w.shape.dim(0), cols = w.shape.dim(1);
  Value<E> out = emptyOutput(v);
  for (int64_t o = 0; o < rows; ++o) {
    E acc = zeroElement<E>();
    for (int64_t i = 0; i < cols; ++i) acc += w.data[o * cols + i] * x.data[i];
    out.data.push_back(acc + b.data[o]);
  }
  return out;
}

// c[i, j] = Σ_k a[i, k] b[k, j] for a [m, n] at offset aBase and b [n, p] at offset bBase.
template <class E>
void appendProduct(const std::vector<E>& a, int64_t aBase, const std::vector<E>& b, int64_t bBase,
                   int64_t m, int64_t n, int64_t p, std::vector<E>& c) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < p; ++j) {
      E acc = zeroElement<E>();
      for (int64_t k = 0; k < n; ++k) acc += a[aBase + i * n + k] * b[bBase + k * p + j];
      c.push_back(std::move(acc));
    }
  }
}

// matmul: [m, n] × [n, p] -> [m, p].
template <class E>
Value<E> matrixProduct(const NodeView<E>& v) {
  const Value<E>& a = v.operand(0);
  const Value<E>& b = v.operand(1);
  Value<E> out = emptyOutput(v);
  appendProduct(a.data, 0, b.data, 0, a.shape.dim(0), a.shape.dim(1), b.shape.dim(1), out.data);
  return out;
}

// bmm: out[t] = a[t] × b[t] for each batch t of [B, m, n] × [B, n, p].
template <class E>
Value<E> batchedProduct(const NodeView<E>& v) {
  const Value<E>& a = v.operand(0);
  const Value<E>& b = v.operand(1);
  const int64_t batches = a.shape.dim(0), m = a.shape.dim(1), n = a.shape.dim(2);
  const int64_t p = b.shape.dim(2);
  Value<E> out = emptyOutput(v);
  for (int64_t t = 0; t < batches; ++t) {
    appendProduct(a.data, t * m * n, b.data, t * n * p, m, n, p, out.data);
  }
  return out;
}

template <class E>
Result<Value<E>> forwardLinalg(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Linear:
      return affine(v);
    case Op::Matmul:
      return matrixProduct(v);
    case Op::Bmm:
      return batchedProduct(v);
    default:
      return internalError(*v.graph, v.id, "not a linear-algebra op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Linalg, S)
