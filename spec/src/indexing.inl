// Forward definitions of gather and scatter-add. The *Nat gathers read 0 (a constant, so no
// tangent) for an index at or beyond the axis; the others have in-range indices by construction.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// Row r of x [rows, cols] (x viewed as rows of `cols` elements; cols = 1 for a vector), or a row
// of zeros when r >= rows.
template <class E>
void appendRowOrZeros(const Value<E>& x, int64_t r, int64_t cols, std::vector<E>& out) {
  const bool inRange = r < x.shape.dim(0);
  for (int64_t c = 0; c < cols; ++c) {
    out.push_back(inRange ? x.data[r * cols + c] : zeroElement<E>());
  }
}

inline int64_t colsOf(const Shape& x) { return x.rank() == 2 ? x.dim(1) : 1; }

// gatherScalar, gatherRow, gatherScalarNat: out = x[index] (a scalar or a row);
// gatherVecNat, gatherRowsNat: out[j] = x[indices[j]]. Zero where the index is out of range.
template <class E>
Value<E> gathered(const NodeView<E>& v) {
  const Value<E>& x = v.operand(0);
  Value<E> out = emptyOutput(v);
  for (int64_t index : v.ints) appendRowOrZeros(x, index, colsOf(x.shape), out.data);
  return out;
}

// scatterAddVec: out[i] = x[i] + v (i = index), x[i] elsewhere;
// scatterAddRow: out[r, c] = x[r, c] + v[c] (r = index), x[r, c] elsewhere.
template <class E>
Value<E> scatterAdded(const NodeView<E>& v) {
  const Value<E>& x = v.operand(0);
  const Value<E>& add = v.operand(1);
  const int64_t index = v.ints[0], cols = colsOf(x.shape);
  Value<E> out = emptyOutput(v);
  for (int64_t r = 0; r < x.shape.dim(0); ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const E& xi = x.data[r * cols + c];
      out.data.push_back(r == index ? xi + add.data[c] : xi);
    }
  }
  return out;
}

template <class E>
Result<Value<E>> forwardIndexing(const NodeView<E>& v) {
  switch (v.op) {
    case Op::GatherScalar:
    case Op::GatherRow:
    case Op::GatherScalarNat:
    case Op::GatherVecNat:
    case Op::GatherRowsNat:
      return gathered(v);
    case Op::ScatterAddVec:
    case Op::ScatterAddRow:
      return scatterAdded(v);
    default:
      return internalError(*v.graph, v.id, "not an indexing op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Indexing, S)
