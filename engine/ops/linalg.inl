// The linear-algebra kernels (linear, matmul, bmm): each op's forward and VJP side by side; float
// and double go to OpenBLAS, the exact scalar runs the generic loops in TorchLean's fold order.
#pragma once

#include <cblas.h>

#include <cassert>
#include <climits>
#include <cstdint>
#include <string>
#include <type_traits>

#include "fault_injection.hpp"
#include "kernel_api.hpp"

namespace verigrad::kernels {
namespace linalg_detail {

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
inline constexpr bool kUsesBlas = std::is_same_v<T, float> || std::is_same_v<T, double>;

// BLAS takes 32-bit extents here (Debian's OpenBLAS uses the LP64 interface); larger extents
// fall back to the generic loops rather than truncate.
inline bool fitsBlas(int64_t a, int64_t b, int64_t c) {
  return a <= INT_MAX && b <= INT_MAX && c <= INT_MAX;
}

inline blasint blasExtent(int64_t v) { return static_cast<blasint>(v); }
// BLAS requires every leading dimension >= 1, even for empty operands (never passed here).
inline blasint blasLd(int64_t v) { return static_cast<blasint>(v < 1 ? 1 : v); }

// C[m,p] (mode)= op(A)[m,n] · op(B)[n,p], each op(X) = X or Xᵀ of a row-major stored matrix:
// A is stored [m,n] (or [n,m] when transA), B is stored [n,p] (or [p,n] when transB). Each C
// element is TorchLean's left fold over k from 0, then combined with the slot per mode; the fold
// is complete before the slot is touched, so Add is `existing + contribution`.
template <Accum M, class T>
void gemmGeneric(bool transA, bool transB, int64_t m, int64_t n, int64_t p, const T* A, const T* B,
                 T* C) {
  // Element strides of op(A) along (i, k) and op(B) along (k, j).
  const int64_t aRow = transA ? 1 : n, aCol = transA ? m : 1;
  const int64_t bRow = transB ? 1 : p, bCol = transB ? n : 1;
  T acc = T(0);
  T term = T(0);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < p; ++j) {
      acc = T(0);
      const T* a = A + i * aRow;
      const T* b = B + j * bCol;
      for (int64_t k = 0; k < n; ++k) {
        term = a[k * aCol];
        term *= b[k * bRow];
        acc += term;
      }
      put<M>(C[i * p + j], acc);
    }
  }
}

// The same product; float and double call OpenBLAS GEMM with beta = 0 (Assign: C is never read)
// or beta = 1 (Add: existing + contribution up to rounding, as design.md allows).
template <class T>
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t p, const T* A, const T* B, T* C,
          Accum mode) {
  if (m == 0 || p == 0) return;  // C is empty
  if (n == 0) {
    // Empty reduction: the contribution is all zeros. Skip BLAS (it needs ld >= 1).
    if (mode == Accum::Assign) {
      for (int64_t i = 0; i < m * p; ++i) C[i] = T(0);
    }
    return;
  }
  if constexpr (kUsesBlas<T>) {
    if (fitsBlas(m, n, p)) {
      const CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
      const CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
      const blasint lda = blasLd(transA ? m : n), ldb = blasLd(transB ? n : p), ldc = blasLd(p);
      const T beta = mode == Accum::Assign ? T(0) : T(1);
      if constexpr (std::is_same_v<T, float>) {
        cblas_sgemm(CblasRowMajor, ta, tb, blasExtent(m), blasExtent(p), blasExtent(n), 1.0f, A,
                    lda, B, ldb, beta, C, ldc);
      } else {
        cblas_dgemm(CblasRowMajor, ta, tb, blasExtent(m), blasExtent(p), blasExtent(n), 1.0, A, lda,
                    B, ldb, beta, C, ldc);
      }
      return;
    }
  }
  withMode(mode,
           [&](auto tag) { gemmGeneric<decltype(tag)::value>(transA, transB, m, n, p, A, B, C); });
}

// y[rows] (mode)= op(W)·v with W stored row-major [r,c]: op = W (rows = r, fold over c) or Wᵀ
// (rows = c, fold over r). Generic path: left fold from 0 over the reduced index.
template <class T>
void gemv(bool transW, int64_t r, int64_t c, const T* W, const T* v, T* y, Accum mode) {
  const int64_t rows = transW ? c : r, len = transW ? r : c;
  if (rows == 0) return;
  if (len == 0) {
    if (mode == Accum::Assign) {
      for (int64_t i = 0; i < rows; ++i) y[i] = T(0);
    }
    return;
  }
  if constexpr (kUsesBlas<T>) {
    if (fitsBlas(r, c, 1)) {
      // BLAS says beta = 0 never reads y, but OpenBLAS implements it with ?scal, whose NaN
      // handling has changed between releases (0 * NaN): zero y first so a stale NaN cannot leak.
      if (mode == Accum::Assign) {
        for (int64_t e = 0; e < rows; ++e) y[e] = T(0);
      }
      const CBLAS_TRANSPOSE tw = transW ? CblasTrans : CblasNoTrans;
      const T beta = mode == Accum::Assign ? T(0) : T(1);
      if constexpr (std::is_same_v<T, float>) {
        cblas_sgemv(CblasRowMajor, tw, blasExtent(r), blasExtent(c), 1.0f, W, blasLd(c), v, 1, beta,
                    y, 1);
      } else {
        cblas_dgemv(CblasRowMajor, tw, blasExtent(r), blasExtent(c), 1.0, W, blasLd(c), v, 1, beta,
                    y, 1);
      }
      return;
    }
  }
  // op(W)·v is the GEMM op(W)[rows,len] · v[len,1].
  withMode(mode, [&](auto tag) {
    gemmGeneric<decltype(tag)::value>(transW, false, rows, len, 1, W, v, y);
  });
}

template <class T>
Error wrongOp(const NodeArgs<T>& a) {
  return Error::make(ErrorCode::Internal,
                     "linalg kernel called for op '" + std::string(opName(a.node->op)) + "'", a.id);
}

}  // namespace linalg_detail

template <class T>
Status forwardLinalg(const NodeArgs<T>& a, T* out) {
  using namespace linalg_detail;
  switch (a.node->op) {
    case Op::Linear: {
      // ops.def `linear`: w[o,i] b[o] x[i] -> [o]. out_o = (Σ_j W_oj x_j, folded from 0) + b_o:
      // the mat-vec first, then the bias added to it (TorchLean's order).
      const TensorView<T>& w = a.in[0];
      const int64_t o = w.shape[0], i = w.shape[1];
      gemv(false, o, i, w.data, a.in[2].data, out, Accum::Assign);
      const T* b = a.in[1].data;
      for (int64_t r = 0; r < o; ++r) out[r] += b[r];
      return okStatus();
    }
    case Op::Matmul: {
      // ops.def `matmul`: a[m,n] b[n,p] -> [m,p]; each element a left fold over k from 0.
      const Shape& sa = a.in[0].shape;
      gemm(false, false, sa[0], sa[1], a.in[1].shape[1], a.in[0].data, a.in[1].data, out,
           Accum::Assign);
      return okStatus();
    }
    case Op::Bmm: {
      // ops.def `bmm`: a[B,m,n] b[B,n,p] -> [B,m,p]; batch by batch, each as matmul.
      const Shape& sa = a.in[0].shape;
      const int64_t batch = sa[0], m = sa[1], n = sa[2], p = a.in[1].shape[2];
      for (int64_t t = 0; t < batch; ++t) {
        gemm(false, false, m, n, p, a.in[0].data + t * m * n, a.in[1].data + t * n * p,
             out + t * m * p, Accum::Assign);
      }
      return okStatus();
    }
    default:
      return wrongOp(a);
  }
}

template <class T>
void vjpLinalg(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  using namespace linalg_detail;
  switch (a.node->op) {
    case Op::Linear: {
      // ops.def `linear` recipes: w ← outer(δ, x), b ← δ, x ← Wᵀδ (x_j = Σ_i δ_i W_ij, fold
      // over i from 0).
      const TensorView<T>& w = a.in[0];
      const int64_t o = w.shape[0], i = w.shape[1];
      if (operand == 0) {
        // One product per element and no reduction: a plain loop is as fast as BLAS ger and
        // gives the exact TorchLean element δ_r x_c in both modes.
        const T* x = a.in[2].data;
        withMode(mode, [&](auto tag) {
          constexpr Accum M = decltype(tag)::value;
          T term = T(0);
          for (int64_t r = 0; r < o; ++r) {
            for (int64_t c = 0; c < i; ++c) {
              term = g[r];
              term *= x[c];
              put<M>(dst[r * i + c], term);
            }
          }
        });
      } else if (operand == 1) {
        withMode(mode, [&](auto tag) {
          for (int64_t r = 0; r < o; ++r) put<decltype(tag)::value>(dst[r], g[r]);
        });
      } else {
        assert(operand == 2);
        gemv(true, o, i, w.data, g, dst, mode);
      }
      return;
    }
    case Op::Matmul: {
      // ops.def `matmul` recipes: a ← δ·Bᵀ ([m,p]·[p,n]), b ← Aᵀ·δ ([n,m]·[m,p]).
      const int64_t m = a.in[0].shape[0], n = a.in[0].shape[1], p = a.in[1].shape[1];
      if (operand == 0) {
        if constexpr (fault::kFaultMatmulVjp)
          return gemm(false, false, m, p, n, g, a.in[1].data, dst, mode);
        gemm(false, true, m, p, n, g, a.in[1].data, dst, mode);
      } else {
        assert(operand == 1);
        gemm(true, false, n, m, p, a.in[0].data, g, dst, mode);
      }
      return;
    }
    case Op::Bmm: {
      // ops.def `bmm` recipes: per batch as matmul.
      const Shape& sa = a.in[0].shape;
      const int64_t batch = sa[0], m = sa[1], n = sa[2], p = a.in[1].shape[2];
      for (int64_t t = 0; t < batch; ++t) {
        const T* gt = g + t * m * p;
        if (operand == 0) {
          gemm(false, true, m, p, n, gt, a.in[1].data + t * n * p, dst + t * m * n, mode);
        } else {
          assert(operand == 1);
          gemm(true, false, n, m, p, a.in[0].data + t * m * n, gt, dst + t * n * p, mode);
        }
      }
      return;
    }
    default:
      // The sweep only calls a family's VJP for that family's ops (forward rejects others).
      assert(false && "vjpLinalg called for an op of another family");
      return;
  }
}

}  // namespace verigrad::kernels
