// Forward definitions of the structural ops: each output element is one operand element, chosen
// by an index formula over the output's multi-index (row-major, outermost axis first).
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// out[idx] = x[source(idx)] for every output multi-index idx; source writes x's multi-index.
template <class E, class F>
Value<E> gatherBy(const NodeView<E>& v, F source) {
  const Value<E>& x = v.operand(0);
  Value<E> out = emptyOutput(v);
  int64_t idx[Shape::kMaxRank];
  int64_t from[Shape::kMaxRank];
  for (int64_t flat = 0; flat < v.shape.numel(); ++flat) {
    unravel(v.shape, flat, idx);
    source(idx, from);
    out.data.push_back(x.data[ravel(x.shape, from)]);
  }
  return out;
}

// flatten, reshape: out[i] = x[i]; row-major order is unchanged.
template <class E>
Value<E> sameOrder(const NodeView<E>& v) {
  Value<E> out = emptyOutput(v);
  out.data = v.operand(0).data;
  return out;
}

// The product of x's dims after the first: the size of one row along axis 0.
inline int64_t rowSize(const Shape& x) {
  int64_t size = 1;
  for (int a = 1; a < x.rank(); ++a) size *= x.dim(a);
  return size;
}

// concatVectors and concatDim0: out[r, c] = a[r, c] for r < n, else b[r - n, c].
template <class E>
Value<E> concatenated(const NodeView<E>& v) {
  const Value<E>& a = v.operand(0);
  const Value<E>& b = v.operand(1);
  const int64_t n = a.shape.dim(0), row = rowSize(a.shape);
  Value<E> out = emptyOutput(v);
  for (int64_t r = 0; r < v.shape.dim(0); ++r) {
    for (int64_t c = 0; c < row; ++c) {
      out.data.push_back(r < n ? a.data[r * row + c] : b.data[(r - n) * row + c]);
    }
  }
  return out;
}

// sliceRange0: out[r, c] = x[start + r, c] for r < len.
template <class E>
Value<E> rowSlice(const NodeView<E>& v) {
  const Value<E>& x = v.operand(0);
  const int64_t start = v.ints[0], row = rowSize(x.shape);
  Value<E> out = emptyOutput(v);
  for (int64_t r = 0; r < v.shape.dim(0); ++r) {
    for (int64_t c = 0; c < row; ++c) out.data.push_back(x.data[(start + r) * row + c]);
  }
  return out;
}

// broadcastTo (right-aligned): x's axis a sits under output axis a + (rank(out) - rank(x)); an
// axis of extent 1 is read at index 0 for every output index along it.
template <class E>
Value<E> broadcast(const NodeView<E>& v) {
  const Shape& x = v.operand(0).shape;
  const int offset = v.shape.rank() - x.rank();
  return gatherBy(v, [&](const int64_t* idx, int64_t* from) {
    for (int a = 0; a < x.rank(); ++a) from[a] = x.dim(a) == 1 ? 0 : idx[a + offset];
  });
}

template <class E>
Result<Value<E>> forwardStructural(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Flatten:
    case Op::Reshape:
      return sameOrder(v);
    case Op::Transpose2d:  // out[j, i] = x[i, j]
      return gatherBy(v, [](const int64_t* o, int64_t* from) {
        from[0] = o[1];
        from[1] = o[0];
      });
    case Op::Transpose3dFirstToLast:  // x [a,b,c] -> out [b,c,a]: out[j, k, i] = x[i, j, k]
      return gatherBy(v, [](const int64_t* o, int64_t* from) {
        from[0] = o[2];
        from[1] = o[0];
        from[2] = o[1];
      });
    case Op::Transpose3dLastToFirst:  // x [a,b,c] -> out [c,a,b]: out[k, i, j] = x[i, j, k]
      return gatherBy(v, [](const int64_t* o, int64_t* from) {
        from[0] = o[1];
        from[1] = o[2];
        from[2] = o[0];
      });
    case Op::Transpose3dLastTwo:  // x [a,b,c] -> out [a,c,b]: out[i, k, j] = x[i, j, k]
      return gatherBy(v, [](const int64_t* o, int64_t* from) {
        from[0] = o[0];
        from[1] = o[2];
        from[2] = o[1];
      });
    case Op::SwapAdjacentAtDepth: {  // out[.., j, i, ..] = x[.., i, j, ..] at axes d, d + 1
      const int d = static_cast<int>(v.ints[0]);
      const int rank = v.shape.rank();
      return gatherBy(v, [d, rank](const int64_t* o, int64_t* from) {
        for (int a = 0; a < rank; ++a) from[a] = o[a];
        from[d] = o[d + 1];
        from[d + 1] = o[d];
      });
    }
    case Op::BroadcastTo:
      return broadcast(v);
    case Op::ConcatVectors:
    case Op::ConcatDim0:
      return concatenated(v);
    case Op::SliceRange0:
      return rowSlice(v);
    default:
      return internalError(*v.graph, v.id, "not a structural op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Structural, S)
