// The structural kernels (flatten, reshape, transposes, swapAdjacentAtDepth, broadcastTo, concats,
// sliceRange0): each op's forward and VJP side by side. They move elements without arithmetic,
// except broadcastTo's VJP, which sums δ over the broadcast axes.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernel_api.hpp"

namespace verigrad::kernels {
namespace structural_detail {

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

// dst[0..n) (mode)= src[0..n).
template <class T>
void copyInto(const T* src, int64_t n, T* dst, Accum mode) {
  withMode(mode, [&](auto tag) {
    for (int64_t i = 0; i < n; ++i) put<decltype(tag)::value>(dst[i], src[i]);
  });
}

template <class T>
void fillZero(T* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = T(0);
}

// Visits every multi-index of `extents` (n <= Shape::kMaxRank axes) in row-major order and calls
// f(offA, offB) with Σ idx[k]·strideA[k] and Σ idx[k]·strideB[k]. Iterative (an odometer), no
// allocation; n == 0 visits the single empty index; any zero extent visits nothing.
template <class F>
void forEachIndex(int n, const int64_t* extents, const int64_t* strideA, const int64_t* strideB,
                  F&& f) {
  for (int k = 0; k < n; ++k) {
    if (extents[k] == 0) return;
  }
  int64_t idx[Shape::kMaxRank] = {};
  int64_t offA = 0, offB = 0;
  for (;;) {
    f(offA, offB);
    int k = n - 1;
    for (; k >= 0; --k) {
      ++idx[k];
      offA += strideA[k];
      offB += strideB[k];
      if (idx[k] < extents[k]) break;
      offA -= idx[k] * strideA[k];
      offB -= idx[k] * strideB[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

// An axis permutation: out axis k is source axis perm[k], so out.shape[k] = src.shape[perm[k]].
// Forward: out[idx] = src[idx read through perm]. The VJP scatters δ back through the same
// mapping; a permutation is a bijection, so in Assign mode every dst element is written once.
struct Permutation {
  int rank = 0;
  int perm[Shape::kMaxRank] = {};
};

// Strides: the row-major strides of the output, and for each output axis the stride of its
// source axis in the row-major source.
inline void permutedStrides(const Shape& src, const Permutation& p, int64_t* outDims,
                            int64_t* outStrides, int64_t* srcStrides) {
  int64_t srcRowMajor[Shape::kMaxRank] = {};
  src.strides(srcRowMajor);
  for (int k = 0; k < p.rank; ++k) {
    outDims[k] = src[p.perm[k]];
    srcStrides[k] = srcRowMajor[p.perm[k]];
  }
  int64_t s = 1;
  for (int k = p.rank - 1; k >= 0; --k) {
    outStrides[k] = s;
    s *= outDims[k];
  }
}

template <class T>
void permuteForward(const TensorView<T>& x, const Permutation& p, T* out) {
  int64_t dims[Shape::kMaxRank], outStrides[Shape::kMaxRank], srcStrides[Shape::kMaxRank];
  permutedStrides(x.shape, p, dims, outStrides, srcStrides);
  forEachIndex(p.rank, dims, outStrides, srcStrides,
               [&](int64_t o, int64_t s) { out[o] = x.data[s]; });
}

template <class T>
void permuteVjp(const Shape& srcShape, const Permutation& p, const T* g, T* dst, Accum mode) {
  int64_t dims[Shape::kMaxRank], outStrides[Shape::kMaxRank], srcStrides[Shape::kMaxRank];
  permutedStrides(srcShape, p, dims, outStrides, srcStrides);
  withMode(mode, [&](auto tag) {
    forEachIndex(p.rank, dims, outStrides, srcStrides,
                 [&](int64_t o, int64_t s) { put<decltype(tag)::value>(dst[s], g[o]); });
  });
}

inline Permutation permutation3(int a, int b, int c) {
  Permutation p;
  p.rank = 3;
  p.perm[0] = a;
  p.perm[1] = b;
  p.perm[2] = c;
  return p;
}

// swapAdjacentAtDepth d on a rank-r tensor: the identity with axes d and d+1 exchanged (the
// builder guarantees 0 <= d, d + 1 < r).
inline Permutation swapAt(int rank, int64_t d) {
  Permutation p;
  p.rank = rank;
  for (int k = 0; k < rank; ++k) p.perm[k] = k;
  p.perm[d] = static_cast<int>(d + 1);
  p.perm[d + 1] = static_cast<int>(d);
  return p;
}

// Right-aligned broadcast of `src` (rank r) to `target` (rank R >= r): target axis k reads source
// axis k - (R - r), or nothing when prepended; a source extent of 1 is repeated. For each target
// axis: its extent, its row-major stride in the target, and its stride in the source (0 when the
// axis is prepended or expanded from 1).
struct BroadcastMap {
  int rank = 0;
  int64_t extents[Shape::kMaxRank] = {};
  int64_t targetStrides[Shape::kMaxRank] = {};
  int64_t srcStrides[Shape::kMaxRank] = {};
};

inline BroadcastMap broadcastMap(const Shape& src, const Shape& target) {
  BroadcastMap m;
  m.rank = target.rank();
  target.strides(m.targetStrides);
  int64_t srcRowMajor[Shape::kMaxRank] = {};
  src.strides(srcRowMajor);
  const int lead = target.rank() - src.rank();
  for (int k = 0; k < m.rank; ++k) {
    m.extents[k] = target[k];
    const bool fromSource = k >= lead && src[k - lead] != 1;
    m.srcStrides[k] = fromSource ? srcRowMajor[k - lead] : 0;
  }
  return m;
}

// True when the broadcast only prepends axes (the source shape is the target's suffix, e.g. a
// bias [n] to [batch, n]): the target is then whole copies of the source, row after row.
inline bool onlyPrependsAxes(const Shape& src, const Shape& target) {
  const int lead = target.rank() - src.rank();
  for (int k = 0; k < src.rank(); ++k) {
    if (src[k] != target[lead + k]) return false;
  }
  return true;
}

template <class T>
void broadcastForward(const TensorView<T>& x, const Shape& target, T* out) {
  if (onlyPrependsAxes(x.shape, target)) {  // the common bias case: row copies, same values
    const int64_t inner = x.shape.numel();
    const int64_t total = target.numel();
    for (int64_t base = 0; inner > 0 && base < total; base += inner) {
      for (int64_t i = 0; i < inner; ++i) out[base + i] = x.data[i];
    }
    return;
  }
  const BroadcastMap m = broadcastMap(x.shape, target);
  forEachIndex(m.rank, m.extents, m.targetStrides, m.srcStrides,
               [&](int64_t o, int64_t s) { out[o] = x.data[s]; });
}

// dst[s] (mode)= Σ of δ over every target element that reads source element s, folded from 0 in
// the row-major order of δ. The target axes split into kept axes (they enumerate the source
// elements, in source row-major order) and reduced axes (stride 0 in the source: prepended or
// expanded from 1). Each source element's sum is completed before its slot is touched, so Add
// is `existing + contribution` and Assign never reads dst; a reduced axis of extent 0 (1 → 0)
// gives the empty sum 0.
template <class T>
void broadcastVjp(const Shape& srcShape, const Shape& target, const T* g, T* dst, Accum mode) {
  if (mode == Accum::Assign && onlyPrependsAxes(srcShape, target)) {
    // Row by row into dst: each dst[s] is 0 + δ[s] + δ[inner + s] + ..., the same fold from 0 in
    // δ's row-major order as below, so the same bits; Assign lets dst hold the running sums.
    const int64_t inner = srcShape.numel();
    const int64_t total = target.numel();
    for (int64_t i = 0; i < inner; ++i) dst[i] = T(0);
    for (int64_t base = 0; inner > 0 && base < total; base += inner) {
      for (int64_t i = 0; i < inner; ++i) dst[i] += g[base + i];
    }
    return;
  }
  const BroadcastMap m = broadcastMap(srcShape, target);
  int nKept = 0, nReduced = 0;
  int64_t keptExt[Shape::kMaxRank], keptSrc[Shape::kMaxRank], keptTgt[Shape::kMaxRank];
  int64_t redExt[Shape::kMaxRank], redTgt[Shape::kMaxRank];
  for (int k = 0; k < m.rank; ++k) {
    if (m.srcStrides[k] != 0) {
      keptExt[nKept] = m.extents[k];
      keptSrc[nKept] = m.srcStrides[k];
      keptTgt[nKept] = m.targetStrides[k];
      ++nKept;
    } else {
      redExt[nReduced] = m.extents[k];
      redTgt[nReduced] = m.targetStrides[k];
      ++nReduced;
    }
  }
  withMode(mode, [&](auto tag) {
    constexpr Accum M = decltype(tag)::value;
    T acc = T(0);
    forEachIndex(nKept, keptExt, keptSrc, keptTgt, [&](int64_t s, int64_t base) {
      acc = T(0);
      forEachIndex(nReduced, redExt, redTgt, redTgt,
                   [&](int64_t off, int64_t) { acc += g[base + off]; });
      put<M>(dst[s], acc);
    });
  });
}

// The number of elements in one slab along axis 0 (the product of the remaining dims), computed
// from the dims so that it is right even when axis 0 has extent 0.
inline int64_t rowSize(const Shape& s) {
  int64_t n = 1;
  for (int k = 1; k < s.rank(); ++k) n *= s[k];
  return n;
}

template <class T>
Error wrongOp(const NodeArgs<T>& a) {
  return Error::make(ErrorCode::Internal,
                     "structural kernel called for op '" + std::string(opName(a.node->op)) + "'",
                     a.id);
}

}  // namespace structural_detail

template <class T>
Status forwardStructural(const NodeArgs<T>& a, T* out) {
  using namespace structural_detail;
  const TensorView<T>& x = a.in[0];
  switch (a.node->op) {
    case Op::Flatten:  // ops.def `flatten`: x[*s] -> [numel(s)]; row-major order is kept
    case Op::Reshape:  // ops.def `reshape`: x[*s] -> @shape; row-major order is kept
      for (int64_t i = 0; i < x.numel(); ++i) out[i] = x.data[i];
      return okStatus();
    case Op::Transpose2d:  // ops.def `transpose2d`: x[m,n] -> [n,m]
    {
      Permutation p;
      p.rank = 2;
      p.perm[0] = 1;
      p.perm[1] = 0;
      permuteForward(x, p, out);
      return okStatus();
    }
    case Op::Transpose3dFirstToLast:  // ops.def: x[a,b,c] -> [b,c,a], out[j,k,i] = x[i,j,k]
      permuteForward(x, permutation3(1, 2, 0), out);
      return okStatus();
    case Op::Transpose3dLastToFirst:  // ops.def: x[a,b,c] -> [c,a,b], out[k,i,j] = x[i,j,k]
      permuteForward(x, permutation3(2, 0, 1), out);
      return okStatus();
    case Op::Transpose3dLastTwo:  // ops.def: x[a,b,c] -> [a,c,b], out[i,k,j] = x[i,j,k]
      permuteForward(x, permutation3(0, 2, 1), out);
      return okStatus();
    case Op::SwapAdjacentAtDepth:  // ops.def: x[*s] -> swap(s, d)
      permuteForward(x, swapAt(x.shape.rank(), a.ints[0]), out);
      return okStatus();
    case Op::BroadcastTo:  // ops.def `broadcastTo`: x[*s] -> @shape, right-aligned expand
      broadcastForward(x, a.node->shape, out);
      return okStatus();
    case Op::ConcatVectors:  // ops.def: a[n] b[m] -> [n + m]
    case Op::ConcatDim0:     // ops.def: a[n,*s] b[m,*s] -> [n + m, *s]; row-major blocks
    {
      const int64_t na = a.in[0].numel(), nb = a.in[1].numel();
      for (int64_t i = 0; i < na; ++i) out[i] = a.in[0].data[i];
      for (int64_t i = 0; i < nb; ++i) out[na + i] = a.in[1].data[i];
      return okStatus();
    }
    case Op::SliceRange0:  // ops.def: x[n,*s] -> [len, *s], rows start .. start+len-1
    {
      const int64_t row = rowSize(x.shape);
      const int64_t begin = a.ints[0] * row, count = a.ints[1] * row;
      for (int64_t i = 0; i < count; ++i) out[i] = x.data[begin + i];
      return okStatus();
    }
    default:
      return wrongOp(a);
  }
}

template <class T>
void vjpStructural(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  using namespace structural_detail;
  const Shape& xs = a.in[0].shape;
  switch (a.node->op) {
    case Op::Flatten:  // recipe: reshape(g, shape=[*s])
    case Op::Reshape:  // recipe: reshape(g, shape=[*s])
      copyInto(g, a.in[0].numel(), dst, mode);
      return;
    case Op::Transpose2d:  // recipe: transpose2d(g)
    {
      Permutation p;
      p.rank = 2;
      p.perm[0] = 1;
      p.perm[1] = 0;
      permuteVjp(xs, p, g, dst, mode);
      return;
    }
    // The 3-D recipes name the inverse permutation; scattering δ back through the forward
    // mapping applies exactly that inverse.
    case Op::Transpose3dFirstToLast:  // recipe: transpose3dLastToFirst(g)
      permuteVjp(xs, permutation3(1, 2, 0), g, dst, mode);
      return;
    case Op::Transpose3dLastToFirst:  // recipe: transpose3dFirstToLast(g)
      permuteVjp(xs, permutation3(2, 0, 1), g, dst, mode);
      return;
    case Op::Transpose3dLastTwo:  // recipe: transpose3dLastTwo(g)
      permuteVjp(xs, permutation3(0, 2, 1), g, dst, mode);
      return;
    case Op::SwapAdjacentAtDepth:  // recipe: swapAdjacentAtDepth(g, d=d) (an involution)
      permuteVjp(xs, swapAt(xs.rank(), a.ints[0]), g, dst, mode);
      return;
    case Op::BroadcastTo:  // recipe: sumToShape(g, shape=[*s])
      broadcastVjp(xs, a.node->shape, g, dst, mode);
      return;
    case Op::ConcatVectors:  // recipes: a ← δ[0, n), b ← δ[n, n + m)
    case Op::ConcatDim0:     // recipes: a ← rows [0, n) of δ, b ← rows [n, n + m)
    {
      const int64_t na = a.in[0].numel();
      if (operand == 0) {
        copyInto(g, na, dst, mode);
      } else {
        assert(operand == 1);
        copyInto(g + na, a.in[1].numel(), dst, mode);
      }
      return;
    }
    case Op::SliceRange0:  // recipe: δ in rows start .. start+len-1, zeros elsewhere
    {
      const int64_t row = rowSize(xs);
      const int64_t begin = a.ints[0] * row, count = a.ints[1] * row;
      // Adding zero to the other rows is a no-op, so Add touches only the sliced rows.
      if (mode == Accum::Assign) {
        fillZero(dst, begin);
        fillZero(dst + begin + count, a.in[0].numel() - begin - count);
      }
      copyInto(g, count, dst + begin, mode);
      return;
    }
    default:
      // The sweep only calls a family's VJP for that family's ops (forward rejects others).
      assert(false && "vjpStructural called for an op of another family");
      return;
  }
}

}  // namespace verigrad::kernels
