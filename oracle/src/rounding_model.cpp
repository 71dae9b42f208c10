// The rounding table: for each op, the standard-model error of its float forward value and of each
// operand's VJP contribution, derived from how engine/ops/<family>.inl computes them. One row per
// op so the whole model can be audited on one screen.
#include "verigrad/oracle/rounding_model.hpp"

#include <algorithm>

namespace verigrad::oracle {
namespace {

using Src = Count::Source;

constexpr Count fixed(int64_t k) { return {Src::Fixed, 0, 0, k}; }
constexpr Count numelOf(int operand, int64_t plus = 0) {
  return {Src::OperandNumel, operand, 0, plus};
}
constexpr Count dimOf(int operand, int axis, int64_t plus = 0) {
  return {Src::OperandDim, operand, axis, plus};
}
constexpr Count axisExtent(int64_t plus = 0) { return {Src::AxisExtent, 0, 0, plus}; }
constexpr Count indexCount() { return {Src::IndexCount, 0, 0, 0}; }
constexpr Count reductionFactor() { return {Src::ReductionFactor, 0, 0, 0}; }

// A contribution of k roundings relative to its own exact value (no cancellation inside).
constexpr VjpRounding times(int64_t k) { return {fixed(k), Magnitude::OfExact}; }
// A contribution that sums `terms` products: γ_terms times the sum of the absolute products.
constexpr VjpRounding sums(Count terms) { return {terms, Magnitude::OfAbsoluteTerms}; }
// δ itself, a mask times δ (mask 0 or 1), or δ moved to other positions: exact.
constexpr VjpRounding kCopy = times(0);

constexpr OpRounding exact(Op op, VjpRounding a = kCopy, VjpRounding b = kCopy) {
  return {op, ForwardModel::Exact, fixed(0), Magnitude::OfExact, fixed(1), {a, b, kCopy}};
}
constexpr OpRounding rounded(Op op, VjpRounding a = kCopy, VjpRounding b = kCopy) {
  OpRounding row = exact(op, a, b);
  row.forward = ForwardModel::CorrectlyRounded;
  return row;
}
constexpr OpRounding summed(Op op, Count depth, Magnitude m, Count divisor,
                            std::array<VjpRounding, 3> vjp) {
  return {op, ForwardModel::Summed, depth, m, divisor, vjp};
}
constexpr Magnitude kAbs = Magnitude::OfAbsoluteTerms;

// Forward depths count every rounding a term can meet: products 1, the additions of a fold from
// 0 (the first addition is exact), a final division 1. VJP depths follow the kernels' formulas
// (see each op's vjp in engine/ops): e.g. inv is (δ·(ix·ix))·(−1) with ix = fl(1/x): 4.
constexpr OpRounding kTable[] = {
    // ---- sources: const holds the literal as the engine rounded it; detach copies
    exact(Op::Const),
    exact(Op::Detach),
    // ---- elementwise: one IEEE operation each; VJPs δ, δ·other, δ/b, (δ·a)/(b·b), ...
    rounded(Op::Add),
    rounded(Op::Sub),  // b ← 0 − δ: exact
    rounded(Op::Mul, times(1), times(1)),
    rounded(Op::Div, times(1), times(3)),  // a ← δ/b; b ← 0 − (δ·a)/(b·b)
    rounded(Op::Square, times(2)),         // fl(δ·x) + fl(δ·x): one rounding, two allowed
    rounded(Op::Scale, times(1)),          // δ·c, c as the engine rounded it
    exact(Op::Max, times(1), times(1)),    // mask ∈ {0, ½, 1} times δ: ½·δ may underflow
    exact(Op::Min, times(1), times(1)),
    exact(Op::Abs),    // sign(x)·δ
    exact(Op::Clamp),  // clamp'(x)·δ
    exact(Op::Relu),   // relu'(x)·δ
    rounded(Op::Inv, times(4)),
    // ---- reductions: folds from 0; mean divides by the extent, its VJP multiplies by fl(1/n)
    summed(Op::Sum, numelOf(0), kAbs, fixed(1), {kCopy}),
    summed(Op::ReduceSum, axisExtent(), kAbs, fixed(1), {kCopy}),
    summed(Op::ReduceMean, axisExtent(2), kAbs, axisExtent(), {times(2)}),
    // Σ(fl(a−b))² / N: every term is non-negative, so M = |exact|. VJP ((a−b)·fl(2/N))·δ.
    summed(Op::MseLoss, numelOf(0, 3), Magnitude::OfExact, numelOf(0), {times(4), times(4)}),
    // ---- linear algebra (OpenBLAS: any summation order, FMA or not)
    // linear: (W·x, i terms) + b. VJPs: w ← δ_r·x_c; b ← δ; x ← Wᵀδ over o terms.
    summed(Op::Linear, dimOf(0, 1, 1), kAbs, fixed(1), {times(1), kCopy, sums(dimOf(0, 0))}),
    // matmul a[m,n]·b[n,p]: n terms. a ← δ·bᵀ (p terms), b ← aᵀ·δ (m terms).
    summed(Op::Matmul, dimOf(0, 1), kAbs, fixed(1), {sums(dimOf(1, 1)), sums(dimOf(0, 0))}),
    summed(Op::Bmm, dimOf(0, 2), kAbs, fixed(1), {sums(dimOf(1, 2)), sums(dimOf(0, 1))}),
    // ---- structural: every value is moved, never computed; broadcastTo's VJP sums δ over the
    // broadcast axes (numel(out)/numel(x) terms per element), so it is the one rounding VJP here.
    exact(Op::Flatten),
    exact(Op::Reshape),
    exact(Op::Transpose2d),
    exact(Op::Transpose3dFirstToLast),
    exact(Op::Transpose3dLastToFirst),
    exact(Op::Transpose3dLastTwo),
    exact(Op::SwapAdjacentAtDepth),
    exact(Op::BroadcastTo, sums(reductionFactor())),
    exact(Op::ConcatVectors),
    exact(Op::ConcatDim0),
    exact(Op::SliceRange0),
    // ---- indexing: gathers copy; the Nat list gathers' VJPs add duplicates (index-count terms);
    // scatter-adds round once at the target position.
    exact(Op::GatherScalar),
    exact(Op::GatherRow),
    exact(Op::GatherScalarNat),
    exact(Op::GatherVecNat, sums(indexCount())),
    exact(Op::GatherRowsNat, sums(indexCount())),
    rounded(Op::ScatterAddVec),
    rounded(Op::ScatterAddRow),
};

}  // namespace

const OpRounding* roundingOf(Op op) {
  const auto* it = std::find_if(std::begin(kTable), std::end(kTable),
                                [op](const OpRounding& row) { return row.op == op; });
  return it == std::end(kTable) ? nullptr : it;
}

int64_t countFor(const Count& c, const Graph& graph, const Node& node) {
  const auto parents = graph.parents(node);
  auto operandShape = [&](int k) -> const Shape& { return graph.shapeOf(parents[k]); };
  switch (c.source) {
    case Src::Fixed:
      return c.plus;
    case Src::OperandNumel:
      return operandShape(c.operand).numel() + c.plus;
    case Src::OperandDim:
      return operandShape(c.operand).dim(c.axis) + c.plus;
    case Src::AxisExtent:
      return operandShape(0).dim(static_cast<int>(graph.ints(node)[0])) + c.plus;
    case Src::IndexCount:
      return static_cast<int64_t>(graph.ints(node).size()) + c.plus;
    case Src::ReductionFactor: {
      const int64_t in = operandShape(0).numel();
      return (in == 0 ? 0 : node.shape.numel() / in) + c.plus;
    }
  }
  return c.plus;
}

}  // namespace verigrad::oracle
