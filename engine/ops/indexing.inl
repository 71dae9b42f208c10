// The indexing kernels (gathers and scatter-adds): each op's forward and VJP side by side. The
// checked ops (gatherScalar, gatherRow, scatterAdd*) rely on the builder's range checks; the Nat
// ops read 0 for an index >= n and pass it no gradient (TorchLean's total gathers).
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernel_api.hpp"

namespace verigrad::kernels {
namespace indexing_detail {

// The accumulation mode as a compile-time constant, so inner loops never branch on it.
template <Accum M>
using ModeTag = std::integral_constant<Accum, M>;

template <class F>
void withMode(Accum mode, F&& f) {
  if (mode == Accum::Assign) {
    f(ModeTag<Accum::Assign>{});
  } else {
    f(ModeTag<Accum::Add>{});
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

template <class T>
void fillZero(T* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = T(0);
}

// dst[0..n) (mode)= src[0..n).
template <class T>
void copyInto(const T* src, int64_t n, T* dst, Accum mode) {
  withMode(mode, [&](auto tag) {
    for (int64_t i = 0; i < n; ++i) put<decltype(tag)::value>(dst[i], src[i]);
  });
}

// dst (rows × cols) (mode)= the one-hot contribution "δ in row `row`, zero rows elsewhere".
// Adding zero rows is a no-op, so Add touches only that row; Assign writes every row.
template <class T>
void oneHotRows(int64_t rows, int64_t cols, int64_t row, const T* delta, T* dst, Accum mode) {
  if (mode == Accum::Assign) {
    fillZero(dst, row * cols);
    fillZero(dst + (row + 1) * cols, (rows - row - 1) * cols);
  }
  copyInto(delta, cols, dst + row * cols, mode);
}

// dst (rows × cols) (mode)= the gather VJP of the index list: row i receives Σ δ[j] over the
// j with idx[j] = i, folded over j = 0..k-1 from 0 (duplicates accumulate); indices >= rows pass
// nothing. Assign: zero dst, then add each δ[j] in j order, which is that fold exactly. Add: each
// δ[j] is added to the slot in j order; over the exact scalar that equals existing + fold, over
// floats a duplicated index re-associates the same sum (existing + contribution up to rounding,
// as design.md allows for GEMM), which avoids a scratch buffer per node.
template <class T>
void scatterRowsVjp(std::span<const int64_t> idx, int64_t rows, int64_t cols, const T* g, T* dst,
                    Accum mode) {
  if (mode == Accum::Assign) fillZero(dst, rows * cols);
  const int64_t k = static_cast<int64_t>(idx.size());
  for (int64_t j = 0; j < k; ++j) {
    const int64_t i = idx[j];
    if (i >= rows) continue;  // read 0 in the forward: no gradient
    T* d = dst + i * cols;
    const T* gj = g + j * cols;
    for (int64_t c = 0; c < cols; ++c) d[c] += gj[c];
  }
}

template <class T>
Error wrongOp(const NodeArgs<T>& a) {
  return Error::make(ErrorCode::Internal,
                     "indexing kernel called for op '" + std::string(opName(a.node->op)) + "'",
                     a.id);
}

}  // namespace indexing_detail

template <class T>
Status forwardIndexing(const NodeArgs<T>& a, T* out) {
  using namespace indexing_detail;
  const TensorView<T>& x = a.in[0];
  switch (a.node->op) {
    case Op::GatherScalar:  // ops.def: x[n] -> [], 0 <= index < n
      out[0] = x.data[a.ints[0]];
      return okStatus();
    case Op::GatherRow:  // ops.def: x[r,c] -> [c], 0 <= index < r
    {
      const int64_t cols = x.shape[1];
      const T* row = x.data + a.ints[0] * cols;
      for (int64_t c = 0; c < cols; ++c) out[c] = row[c];
      return okStatus();
    }
    case Op::GatherScalarNat:  // ops.def: x[n] -> [], 0 <= index; index >= n reads 0
    {
      const int64_t i = a.ints[0];
      out[0] = i < x.shape[0] ? x.data[i] : T(0);
      return okStatus();
    }
    case Op::GatherVecNat:  // ops.def: x[n] -> [count(indices)]; an index >= n reads 0
    {
      const int64_t n = x.shape[0];
      const int64_t k = static_cast<int64_t>(a.ints.size());
      for (int64_t j = 0; j < k; ++j) {
        const int64_t i = a.ints[j];
        out[j] = i < n ? x.data[i] : T(0);
      }
      return okStatus();
    }
    case Op::GatherRowsNat:  // ops.def: x[r,c] -> [count(indices), c]; zero row when >= r
    {
      const int64_t rows = x.shape[0], cols = x.shape[1];
      const int64_t k = static_cast<int64_t>(a.ints.size());
      for (int64_t j = 0; j < k; ++j) {
        const int64_t i = a.ints[j];
        T* o = out + j * cols;
        if (i < rows) {
          for (int64_t c = 0; c < cols; ++c) o[c] = x.data[i * cols + c];
        } else {
          fillZero(o, cols);
        }
      }
      return okStatus();
    }
    case Op::ScatterAddVec:  // ops.def: x[n] v[] -> [n]: x with x[index] += v
    {
      const int64_t n = x.shape[0], i = a.ints[0];
      for (int64_t e = 0; e < n; ++e) out[e] = x.data[e];
      out[i] += a.in[1].data[0];
      return okStatus();
    }
    case Op::ScatterAddRow:  // ops.def: x[r,c] v[c] -> [r,c]: row index += v
    {
      const int64_t cols = x.shape[1], i = a.ints[0];
      for (int64_t e = 0; e < x.numel(); ++e) out[e] = x.data[e];
      T* row = out + i * cols;
      for (int64_t c = 0; c < cols; ++c) row[c] += a.in[1].data[c];
      return okStatus();
    }
    default:
      return wrongOp(a);
  }
}

template <class T>
void vjpIndexing(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  using namespace indexing_detail;
  const Shape& xs = a.in[0].shape;
  switch (a.node->op) {
    case Op::GatherScalar:  // recipe: scatterAddVec(const(shape=[n]), g, index): one-hot δ
      oneHotRows(xs[0], 1, a.ints[0], g, dst, mode);
      return;
    case Op::GatherRow:  // recipe: scatterAddRow(const(shape=[r, c]), g, index): δ in that row
      oneHotRows(xs[0], xs[1], a.ints[0], g, dst, mode);
      return;
    case Op::GatherScalarNat:  // one-hot δ when index < n; else the zero contribution
    {
      const int64_t n = xs[0], i = a.ints[0];
      if (i < n) {
        oneHotRows(n, 1, i, g, dst, mode);
      } else if (mode == Accum::Assign) {
        fillZero(dst, n);
      }
      return;
    }
    case Op::GatherVecNat:  // dx[i] = Σ_{j: idx[j] = i} δ[j]
      scatterRowsVjp(a.ints, xs[0], 1, g, dst, mode);
      return;
    case Op::GatherRowsNat:  // row i of dx = Σ_{j: idx[j] = i} row j of δ
      scatterRowsVjp(a.ints, xs[0], xs[1], g, dst, mode);
      return;
    case Op::ScatterAddVec:  // recipes: x ← δ; v ← δ[index]
      if (operand == 0) {
        copyInto(g, xs[0], dst, mode);
      } else {
        assert(operand == 1);
        copyInto(g + a.ints[0], 1, dst, mode);
      }
      return;
    case Op::ScatterAddRow:  // recipes: x ← δ; v ← row index of δ
      if (operand == 0) {
        copyInto(g, a.in[0].numel(), dst, mode);
      } else {
        assert(operand == 1);
        copyInto(g + a.ints[0] * xs[1], xs[1], dst, mode);
      }
      return;
    default:
      // The sweep only calls a family's VJP for that family's ops (forward rejects others).
      assert(false && "vjpIndexing called for an op of another family");
      return;
  }
}

}  // namespace verigrad::kernels
