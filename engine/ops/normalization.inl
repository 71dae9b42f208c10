// The Normalization family's kernels (softmax, logSoftmax, layerNorm): op by op, the forward
// value and the VJP side by side, with TorchLean's formulas (reference §5.2.4 and §5.2.10).
// softmax and logSoftmax work along the last axis, one row at a time, shifted by the row's max
// (a fold seeded with the first element); a scalar is a row of its own (softmax 1, logSoftmax 0,
// both with VJP 0). Sums are left folds from 0. Never instantiated for the exact rational.
#pragma once

#include <string>
#include <vector>

#include "elementary.hpp"
#include "fault_injection.hpp"
#include "kernel_api.hpp"
#include "kernel_loops.hpp"
#include "scalar_conventions.hpp"
#include "verigrad/op.hpp"

namespace verigrad::kernels {

namespace normalization {

using loops::numelOf;
using loops::put;

// The rows of a last-axis op: `count` rows of `length` elements, contiguous.
struct Rows {
  int64_t count = 0;
  int64_t length = 0;
};

template <class T>
Rows lastAxisRows(const NodeArgs<T>& a) {
  const Shape& s = a.node->shape;
  if (s.rank() == 0) return {1, 1};
  const int64_t length = s[s.rank() - 1];
  return {length == 0 ? 0 : s.numel() / length, length};
}

// The row maximum, a fold seeded with the first element. Over intervals this is an enclosure of
// some element's value; the shift cancels mathematically, so any enclosure does.
template <class T>
T rowMax(const T* x, int64_t n) {
  T m = x[0];
  for (int64_t j = 1; j < n; ++j) m = maxValue(m, x[j]);
  return m;
}

// ---- softmax — ops.def: VG_OP(Softmax, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// y = e / Σe per row, e = exp(x − m).
template <class T>
Status forwardSoftmax(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  if (a.node->shape.rank() == 0) {
    out[0] = T(1);
    return okStatus();
  }
  const Rows r = lastAxisRows(a);
  for (int64_t row = 0; row < r.count; ++row) {
    const T* xr = x + row * r.length;
    T* yr = out + row * r.length;
    const T m = rowMax(xr, r.length);
    T total(0);
    for (int64_t j = 0; j < r.length; ++j) {
      yr[j] = exp(xr[j] - m);
      total += yr[j];
    }
    // total >= exp(0) in exact arithmetic (the max's own term), so the quotient is defined.
    for (int64_t j = 0; j < r.length; ++j) yr[j] = quotient(yr[j], total);
  }
  return okStatus();
}
// x ← y ⊙ (δ − Σ(δ ⊙ y)) per row, y the forward value; a scalar's VJP is 0.
template <Accum M, class T>
void vjpSoftmax(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* y = a.out.data;
  if (a.node->shape.rank() == 0) {
    put<M>(dst[0], T(0));
    return;
  }
  const Rows r = lastAxisRows(a);
  for (int64_t row = 0; row < r.count; ++row) {
    const int64_t base = row * r.length;
    T dot(0);
    for (int64_t j = 0; j < r.length; ++j) dot += g[base + j] * y[base + j];
    for (int64_t j = 0; j < r.length; ++j) {
      if constexpr (fault::kFaultSoftmaxVjp) {
        put<M>(dst[base + j], y[base + j] * g[base + j]);
      } else {
        put<M>(dst[base + j], y[base + j] * (g[base + j] - dot));
      }
    }
  }
}

// ---- logSoftmax — ops.def: VG_OP(LogSoftmax, ..., "x[*s] -> [*s]", "x: mul(g, x)")
// y = (x − m) − log Σ exp(x − m) per row.
template <class T>
Status forwardLogSoftmax(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  if (a.node->shape.rank() == 0) {
    out[0] = T(0);
    return okStatus();
  }
  const Rows r = lastAxisRows(a);
  for (int64_t row = 0; row < r.count; ++row) {
    const T* xr = x + row * r.length;
    T* yr = out + row * r.length;
    const T m = rowMax(xr, r.length);
    T total(0);
    for (int64_t j = 0; j < r.length; ++j) {
      yr[j] = xr[j] - m;
      total += exp(yr[j]);
    }
    const T logTotal = logPositive(total);  // total >= 1 in exact arithmetic
    for (int64_t j = 0; j < r.length; ++j) yr[j] = yr[j] - logTotal;
  }
  return okStatus();
}
// x ← δ − exp(y) ⊙ Σδ per row, y the forward value; a scalar's VJP is 0.
template <Accum M, class T>
void vjpLogSoftmax(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* y = a.out.data;
  if (a.node->shape.rank() == 0) {
    put<M>(dst[0], T(0));
    return;
  }
  const Rows r = lastAxisRows(a);
  for (int64_t row = 0; row < r.count; ++row) {
    const int64_t base = row * r.length;
    T total(0);
    for (int64_t j = 0; j < r.length; ++j) total += g[base + j];
    for (int64_t j = 0; j < r.length; ++j) {
      put<M>(dst[base + j], g[base + j] - exp(y[base + j]) * total);
    }
  }
}

// ---- layerNorm — ops.def: VG_OP(LayerNorm, ..., "eps:lit",
//   "x[L,E] gamma[E] beta[E] -> [L,E] where 0 < L, 0 < E", ...)
// Per row: μ = Σx / E; c = x − μ; var = max(Σc² / E, 0); std = sqrt(var + ε); x̂ = c / std;
// y = x̂ ⊙ γ + β.
template <class T>
struct RowStats {
  T mean;
  T std;
};

template <class T>
RowStats<T> rowStats(const T* xr, int64_t e, const T& eps) {
  const T extent(e);
  T sum(0);
  for (int64_t j = 0; j < e; ++j) sum += xr[j];
  RowStats<T> st{quotient(sum, extent), T(0)};
  T squares(0);
  for (int64_t j = 0; j < e; ++j) squares += square(xr[j] - st.mean);
  const T variance = maxValue(quotient(squares, extent), T(0));  // TorchLean's clamp at 0
  st.std = sqrt(variance + eps);                                 // eps > 0 (builder), so std > 0
  return st;
}

template <class T>
Status forwardLayerNorm(const NodeArgs<T>& a, T* out) {
  const T* x = a.in[0].data;
  const T* gamma = a.in[1].data;
  const T* beta = a.in[2].data;
  const int64_t rows = a.node->shape[0];
  const int64_t e = a.node->shape[1];
  for (int64_t i = 0; i < rows; ++i) {
    const T* xr = x + i * e;
    const RowStats<T> st = rowStats(xr, e, a.lits[0]);
    for (int64_t j = 0; j < e; ++j) {
      out[i * e + j] = quotient(xr[j] - st.mean, st.std) * gamma[j] + beta[j];
    }
  }
  return okStatus();
}

// dβ = Σ_rows δ; dγ = Σ_rows δ ⊙ x̂;
// dx = invstd ⊙ (δγ − mean(δγ) − x̂ ⊙ mean(δγ ⊙ x̂)), δγ = δ ⊙ γ, means over E.
// The row statistics are recomputed (TorchLean's VJP recomputes them from x).
template <Accum M, class T>
void vjpLayerNormInput(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const T* gamma = a.in[1].data;
  const int64_t rows = a.node->shape[0];
  const int64_t e = a.node->shape[1];
  const T extent(e);
  for (int64_t i = 0; i < rows; ++i) {
    const T* xr = x + i * e;
    const T* gr = g + i * e;
    const RowStats<T> st = rowStats(xr, e, a.lits[0]);
    const T invStd = quotient(T(1), st.std);
    T sumDg(0), sumDgXhat(0);
    for (int64_t j = 0; j < e; ++j) {
      const T dg = gr[j] * gamma[j];
      sumDg += dg;
      sumDgXhat += dg * quotient(xr[j] - st.mean, st.std);
    }
    const T meanDg = quotient(sumDg, extent);
    const T meanDgXhat = quotient(sumDgXhat, extent);
    for (int64_t j = 0; j < e; ++j) {
      const T xhat = quotient(xr[j] - st.mean, st.std);
      const T dg = gr[j] * gamma[j];
      if constexpr (fault::kFaultLayerNormVjp) {
        put<M>(dst[i * e + j], invStd * (dg - xhat * meanDgXhat));
      } else {
        put<M>(dst[i * e + j], invStd * ((dg - meanDg) - xhat * meanDgXhat));
      }
    }
  }
}

// Column sums over the rows, summed first (a left fold from 0 per column) and then stored with
// the mode, so an existing slot receives `existing + contribution` as for every other VJP. The
// per-thread buffer grows once to the widest E seen: no allocation per node afterwards.
template <Accum M, class T, class Term>
void columnSums(const NodeArgs<T>& a, T* dst, Term&& term) {
  const int64_t rows = a.node->shape[0];
  const int64_t e = a.node->shape[1];
  static thread_local std::vector<T> sums;
  if (static_cast<int64_t>(sums.size()) < e) sums.resize(static_cast<size_t>(e));
  for (int64_t j = 0; j < e; ++j) sums[j] = T(0);
  for (int64_t i = 0; i < rows; ++i) term(i, sums.data());
  for (int64_t j = 0; j < e; ++j) put<M>(dst[j], T(sums[j]));
}

template <Accum M, class T>
void vjpLayerNormGamma(const NodeArgs<T>& a, const T* g, T* dst) {
  const T* x = a.in[0].data;
  const int64_t e = a.node->shape[1];
  columnSums<M>(a, dst, [&](int64_t i, T* sums) {
    const T* xr = x + i * e;
    const RowStats<T> st = rowStats(xr, e, a.lits[0]);
    for (int64_t j = 0; j < e; ++j) sums[j] += g[i * e + j] * quotient(xr[j] - st.mean, st.std);
  });
}

template <Accum M, class T>
void vjpLayerNormBeta(const NodeArgs<T>& a, const T* g, T* dst) {
  const int64_t e = a.node->shape[1];
  columnSums<M>(a, dst, [&](int64_t i, T* sums) {
    for (int64_t j = 0; j < e; ++j) sums[j] += g[i * e + j];
  });
}

template <Accum M, class T>
void vjpWithMode(const NodeArgs<T>& a, int operand, const T* g, T* dst) {
  switch (a.node->op) {
    case Op::Softmax:
      return vjpSoftmax<M>(a, g, dst);
    case Op::LogSoftmax:
      return vjpLogSoftmax<M>(a, g, dst);
    case Op::LayerNorm:
      if (operand == 0) return vjpLayerNormInput<M>(a, g, dst);
      if (operand == 1) return vjpLayerNormGamma<M>(a, g, dst);
      return vjpLayerNormBeta<M>(a, g, dst);
    default:
      return;  // not a normalization op: forwardNormalization has already reported it
  }
}

}  // namespace normalization

template <class T>
Status forwardNormalization(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
    case Op::Softmax:
      return normalization::forwardSoftmax(a, out);
    case Op::LogSoftmax:
      return normalization::forwardLogSoftmax(a, out);
    case Op::LayerNorm:
      return normalization::forwardLayerNorm(a, out);
    default:
      return Error::make(
          ErrorCode::Internal,
          "forwardNormalization called for op '" + std::string(opName(a.node->op)) + "'", a.id);
  }
}

template <class T>
void vjpNormalization(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  if (mode == Accum::Assign) {
    normalization::vjpWithMode<Accum::Assign>(a, operand, g, dst);
  } else {
    normalization::vjpWithMode<Accum::Add>(a, operand, g, dst);
  }
}

}  // namespace verigrad::kernels
