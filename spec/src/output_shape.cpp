// The spec's output shape of every op: one small function per op family, each a plain formula
// over the operand shapes and attributes (no shared rule language with the IR).
#include "verigrad/spec/output_shape.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace verigrad::spec {
namespace {

// Everything a shape formula may read about one node.
struct NodeShapes {
  const Graph& graph;
  ValueId id;
  const Node& node;
  std::vector<Shape> operands;
  std::span<const int64_t> ints;
  std::span<const ExactLiteral> literals;
};

Error nodeError(const NodeShapes& n, ErrorCode code, const std::string& what) {
  return Error::make(code, "'" + n.graph.nodeText(n.id) + "': spec: " + what,
                     static_cast<int64_t>(n.id));
}

std::string operandText(const NodeShapes& n, size_t k) {
  return "operand #" + std::to_string(k) + " has shape " + n.operands[k].str();
}

Result<Shape> shapeOf(const std::vector<int64_t>& dims) { return Shape::make(dims); }

std::vector<int64_t> dimsOf(const Shape& s) { return {s.dims().begin(), s.dims().end()}; }

Result<Shape> expectRank(const NodeShapes& n, size_t k, int rank) {
  if (n.operands[k].rank() != rank) {
    return nodeError(n, ErrorCode::ShapeMismatch,
                     operandText(n, k) + ", expected rank " + std::to_string(rank));
  }
  return n.operands[k];
}

Result<Shape> expectAtLeastRank(const NodeShapes& n, size_t k, int rank) {
  if (n.operands[k].rank() < rank) {
    return nodeError(n, ErrorCode::ShapeMismatch,
                     operandText(n, k) + ", expected rank at least " + std::to_string(rank));
  }
  return n.operands[k];
}

bool sameShapes(const NodeShapes& n) {
  for (const Shape& s : n.operands) {
    if (s != n.operands[0]) return false;
  }
  return true;
}

Result<Shape> mismatch(const NodeShapes& n, const std::string& what) {
  return nodeError(n, ErrorCode::ShapeMismatch, what);
}

Result<Shape> indexOutOfRange(const NodeShapes& n, const std::string& what) {
  return nodeError(n, ErrorCode::IndexOutOfRange, what);
}

// ---- sources

Result<Shape> sourceShape(const NodeShapes& n) {
  if (n.node.op == Op::Detach) return n.operands[0];
  // const: the declared shape is the op's argument; the payload fills it exactly.
  const Shape& declared = n.node.shape;
  if (static_cast<int64_t>(n.literals.size()) != declared.numel()) {
    return mismatch(n, "const of shape " + declared.str() + " has " +
                           std::to_string(n.literals.size()) + " payload values");
  }
  return declared;
}

// ---- elementwise: every operand has the output's shape

Result<Shape> elementwiseShape(const NodeShapes& n) {
  if (!sameShapes(n)) {
    return mismatch(n, operandText(n, 0) + " but " + operandText(n, 1) + " (must be equal)");
  }
  if (n.node.op == Op::Clamp && ExactLiteral::compare(n.literals[0], n.literals[1]) > 0) {
    return nodeError(
        n, ErrorCode::InvalidArgument,
        "clamp needs lo <= hi, got " + n.literals[0].str() + " > " + n.literals[1].str());
  }
  return n.operands[0];
}

// ---- activations and normalisation (transcendental ops)

// log(softplus(x) + eps) and layer norm's sqrt(var + eps) need eps > 0.
Result<Shape> positiveEpsilon(const NodeShapes& n) {
  if (n.literals[0].sign() <= 0) {
    return nodeError(n, ErrorCode::InvalidArgument, "eps must be > 0, got " + n.literals[0].str());
  }
  return n.operands[0];
}

// Elementwise: the operand's shape.
Result<Shape> activationShape(const NodeShapes& n) {
  if (n.node.op == Op::SafeLog) return positiveEpsilon(n);
  return n.operands[0];
}

// softmax/logSoftmax keep the shape (any rank; a scalar is its own row); layerNorm takes x : L×E
// with L, E > 0 and gamma, beta : E.
Result<Shape> normalizationShape(const NodeShapes& n) {
  if (n.node.op != Op::LayerNorm) return n.operands[0];
  Result<Shape> x = expectRank(n, 0, 2);
  if (!x.ok()) return x;
  const int64_t rows = n.operands[0][0];
  const int64_t e = n.operands[0][1];
  if (rows <= 0 || e <= 0) {
    return mismatch(n, operandText(n, 0) + ", expected L > 0 and E > 0");
  }
  for (size_t k = 1; k <= 2; ++k) {
    if (n.operands[k].rank() != 1 || n.operands[k][0] != e) {
      return mismatch(n, operandText(n, k) + ", expected [" + std::to_string(e) + "]");
    }
  }
  return positiveEpsilon(n);
}

// ---- reductions

Result<Shape> withoutAxis(const NodeShapes& n, int64_t axis) {
  const Shape& x = n.operands[0];
  if (axis < 0 || axis >= x.rank()) {
    return nodeError(n, ErrorCode::InvalidArgument,
                     "axis " + std::to_string(axis) + " is not an axis of " + x.str());
  }
  std::vector<int64_t> dims = dimsOf(x);
  dims.erase(dims.begin() + axis);
  return shapeOf(dims);
}

Result<Shape> reductionShape(const NodeShapes& n) {
  const Shape& x = n.operands[0];
  switch (n.node.op) {
    case Op::Sum:
      return Shape{};
    case Op::ReduceSum:
      return withoutAxis(n, n.ints[0]);
    case Op::ReduceMean: {
      Result<Shape> out = withoutAxis(n, n.ints[0]);
      if (out.ok() && x.dim(static_cast<int>(n.ints[0])) == 0) {
        return mismatch(n, "the mean over axis " + std::to_string(n.ints[0]) + " of " + x.str() +
                               " divides by zero elements");
      }
      return out;
    }
    case Op::MseLoss:
      if (!sameShapes(n)) {
        return mismatch(n, operandText(n, 0) + " but " + operandText(n, 1) + " (must be equal)");
      }
      if (x.numel() == 0) return mismatch(n, "the mean squared error of an empty tensor");
      return Shape{};
    default:
      return nodeError(n, ErrorCode::Internal, "not a reduction");
  }
}

// ---- linear algebra

Result<Shape> linearShape(const NodeShapes& n) {
  for (size_t k = 0; k < 3; ++k) {
    Result<Shape> r = expectRank(n, k, k == 0 ? 2 : 1);
    if (!r.ok()) return r;
  }
  const Shape &w = n.operands[0], &b = n.operands[1], &x = n.operands[2];
  if (b.dim(0) != w.dim(0) || x.dim(0) != w.dim(1)) {
    return mismatch(
        n, "linear needs w [o,i], b [o], x [i], got " + w.str() + ", " + b.str() + ", " + x.str());
  }
  return Shape{w.dim(0)};
}

Result<Shape> matmulShape(const NodeShapes& n, int batchAxes) {
  for (size_t k = 0; k < 2; ++k) {
    Result<Shape> r = expectRank(n, k, 2 + batchAxes);
    if (!r.ok()) return r;
  }
  const Shape &a = n.operands[0], &b = n.operands[1];
  const int m = batchAxes, inner = batchAxes + 1;
  if (a.dim(inner) != b.dim(m) || (batchAxes == 1 && a.dim(0) != b.dim(0))) {
    return mismatch(n, "cannot multiply " + a.str() + " by " + b.str());
  }
  std::vector<int64_t> dims;
  if (batchAxes == 1) dims.push_back(a.dim(0));
  dims.push_back(a.dim(m));
  dims.push_back(b.dim(inner));
  return shapeOf(dims);
}

Result<Shape> linalgShape(const NodeShapes& n) {
  switch (n.node.op) {
    case Op::Linear:
      return linearShape(n);
    case Op::Matmul:
      return matmulShape(n, 0);
    case Op::Bmm:
      return matmulShape(n, 1);
    default:
      return nodeError(n, ErrorCode::Internal, "not a linear-algebra op");
  }
}

// ---- structural

// Right-aligned (NumPy/PyTorch expand): target has at least the source's rank, and each source
// dim equals the aligned target dim or is 1.
bool broadcastable(const Shape& from, const Shape& to) {
  if (from.rank() > to.rank()) return false;
  const int offset = to.rank() - from.rank();
  for (int a = 0; a < from.rank(); ++a) {
    if (from.dim(a) != 1 && from.dim(a) != to.dim(a + offset)) return false;
  }
  return true;
}

Result<Shape> permuted3(const NodeShapes& n, int first, int second, int third) {
  Result<Shape> r = expectRank(n, 0, 3);
  if (!r.ok()) return r;
  const Shape& x = n.operands[0];
  return Shape{x.dim(first), x.dim(second), x.dim(third)};
}

Result<Shape> swappedAtDepth(const NodeShapes& n, int64_t d) {
  const Shape& x = n.operands[0];
  if (d < 0 || d + 1 >= x.rank()) {
    return nodeError(n, ErrorCode::InvalidArgument,
                     "depth " + std::to_string(d) + " has no adjacent axis pair in " + x.str());
  }
  std::vector<int64_t> dims = dimsOf(x);
  std::swap(dims[d], dims[d + 1]);
  return shapeOf(dims);
}

Result<Shape> concatShape(const NodeShapes& n) {
  const Shape &a = n.operands[0], &b = n.operands[1];
  if (n.node.op == Op::ConcatVectors) {
    if (a.rank() != 1 || b.rank() != 1) return mismatch(n, "concatVectors needs two vectors");
  } else {
    std::vector<int64_t> ta = dimsOf(a), tb = dimsOf(b);
    if (a.rank() < 1 || b.rank() < 1 ||
        !std::equal(ta.begin() + 1, ta.end(), tb.begin() + 1, tb.end())) {
      return mismatch(n, "cannot concatenate " + a.str() + " and " + b.str() + " along axis 0");
    }
  }
  std::vector<int64_t> dims = dimsOf(a);
  dims[0] = a.dim(0) + b.dim(0);
  return shapeOf(dims);
}

Result<Shape> sliceShape(const NodeShapes& n) {
  Result<Shape> r = expectAtLeastRank(n, 0, 1);
  if (!r.ok()) return r;
  const Shape& x = n.operands[0];
  const int64_t start = n.ints[0], len = n.ints[1];
  if (start < 0 || len < 0 || start > x.dim(0) || len > x.dim(0) - start) {
    return indexOutOfRange(n, "rows [" + std::to_string(start) + ", " + std::to_string(start) +
                                  " + " + std::to_string(len) + ") are not within " + x.str());
  }
  std::vector<int64_t> dims = dimsOf(x);
  dims[0] = len;
  return shapeOf(dims);
}

Result<Shape> structuralShape(const NodeShapes& n) {
  const Shape& x = n.operands[0];
  switch (n.node.op) {
    case Op::Flatten:
      return Shape{x.numel()};
    case Op::Reshape:
      if (n.node.shape.numel() != x.numel()) {
        return mismatch(n, "cannot reshape " + x.str() + " to " + n.node.shape.str());
      }
      return n.node.shape.get();
    case Op::Transpose2d: {
      Result<Shape> r = expectRank(n, 0, 2);
      if (!r.ok()) return r;
      return Shape{x.dim(1), x.dim(0)};
    }
    case Op::Transpose3dFirstToLast:
      return permuted3(n, 1, 2, 0);
    case Op::Transpose3dLastToFirst:
      return permuted3(n, 2, 0, 1);
    case Op::Transpose3dLastTwo:
      return permuted3(n, 0, 2, 1);
    case Op::SwapAdjacentAtDepth:
      return swappedAtDepth(n, n.ints[0]);
    case Op::BroadcastTo:
      if (!broadcastable(x, n.node.shape)) {
        return mismatch(n, "cannot broadcast " + x.str() + " to " + n.node.shape.str());
      }
      return n.node.shape.get();
    case Op::ConcatVectors:
    case Op::ConcatDim0:
      return concatShape(n);
    case Op::SliceRange0:
      return sliceShape(n);
    default:
      return nodeError(n, ErrorCode::Internal, "not a structural op");
  }
}

// ---- indexing

Result<Shape> checkedIndex(const NodeShapes& n, int64_t index, int64_t extent, bool bounded) {
  if (index < 0 || (bounded && index >= extent)) {
    return indexOutOfRange(
        n, "index " + std::to_string(index) +
               (bounded ? " is not below " + std::to_string(extent) : " is negative"));
  }
  return Shape{};
}

Result<Shape> indexingShape(const NodeShapes& n) {
  const Shape& x = n.operands[0];
  const bool rowOp = n.node.op == Op::GatherRow || n.node.op == Op::GatherRowsNat ||
                     n.node.op == Op::ScatterAddRow;
  Result<Shape> rank = expectRank(n, 0, rowOp ? 2 : 1);
  if (!rank.ok()) return rank;
  const int64_t extent = x.dim(0);
  switch (n.node.op) {
    case Op::GatherScalar:
    case Op::GatherScalarNat: {
      Result<Shape> r = checkedIndex(n, n.ints[0], extent, n.node.op == Op::GatherScalar);
      if (!r.ok()) return r;
      return Shape{};
    }
    case Op::GatherRow: {
      Result<Shape> r = checkedIndex(n, n.ints[0], extent, true);
      if (!r.ok()) return r;
      return Shape{x.dim(1)};
    }
    case Op::GatherVecNat:
    case Op::GatherRowsNat: {
      for (int64_t index : n.ints) {
        Result<Shape> r = checkedIndex(n, index, extent, false);
        if (!r.ok()) return r;
      }
      const auto count = static_cast<int64_t>(n.ints.size());
      return rowOp ? Shape{count, x.dim(1)} : Shape{count};
    }
    case Op::ScatterAddVec:
    case Op::ScatterAddRow: {
      const Shape& v = n.operands[1];
      const bool fits = rowOp ? v == Shape{x.dim(1)} : v.isScalar();
      if (!fits) return mismatch(n, "cannot add " + v.str() + " into a row of " + x.str());
      Result<Shape> r = checkedIndex(n, n.ints[0], extent, true);
      if (!r.ok()) return r;
      return x;
    }
    default:
      return nodeError(n, ErrorCode::Internal, "not an indexing op");
  }
}

// Arity and attribute counts, so the formulas above may read their operands and attributes.
Result<Shape> checkSignature(const NodeShapes& n) {
  const OpInfo& info = opInfo(n.node.op);
  if (n.operands.size() != static_cast<size_t>(info.arity)) {
    return nodeError(
        n, ErrorCode::InvalidArgument,
        std::to_string(n.operands.size()) + " operands, expected " + std::to_string(info.arity));
  }
  if (info.numInts >= 0 && n.ints.size() != static_cast<size_t>(info.numInts)) {
    return nodeError(n, ErrorCode::InvalidArgument, "wrong number of int attributes");
  }
  if (info.numLits >= 0 && n.literals.size() != static_cast<size_t>(info.numLits)) {
    return nodeError(n, ErrorCode::InvalidArgument, "wrong number of literal attributes");
  }
  return Shape{};
}

}  // namespace

Result<Shape> specOutputShape(const Graph& graph, ValueId id) {
  if (id >= graph.numValues()) {
    return Error::make(ErrorCode::InvalidId, "spec: value id " + std::to_string(id) +
                                                 " is out of range (" +
                                                 std::to_string(graph.numValues()) + " values)");
  }
  if (graph.isInput(id)) return graph.inputs()[id];
  const Node& node = graph.producer(id);
  NodeShapes n{graph, id, node, {}, graph.ints(node), graph.literals(node)};
  for (ValueId p : graph.parents(node)) {
    if (p >= id) {
      return nodeError(n, ErrorCode::InvalidId,
                       "operand %" + std::to_string(p) + " is not defined before the node");
    }
    n.operands.push_back(graph.shapeOf(p));
  }
  Result<Shape> signature = checkSignature(n);
  if (!signature.ok()) return signature;
  switch (opInfo(node.op).family) {
    case OpFamily::Source:
      return sourceShape(n);
    case OpFamily::Elementwise:
      return elementwiseShape(n);
    case OpFamily::Reduction:
      return reductionShape(n);
    case OpFamily::Linalg:
      return linalgShape(n);
    case OpFamily::Structural:
      return structuralShape(n);
    case OpFamily::Indexing:
      return indexingShape(n);
    case OpFamily::Activation:
      return activationShape(n);
    case OpFamily::Normalization:
      return normalizationShape(n);
  }
  return nodeError(n, ErrorCode::Internal, "unknown op family");
}

}  // namespace verigrad::spec
