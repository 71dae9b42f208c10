// The rounding table: for each op, the standard-model error of its float forward value and of each
// operand's VJP contribution, derived from how engine/ops/<family>.inl computes them. One row per
// op so the whole model can be audited on one screen.
#include "verigrad/oracle/rounding_model.hpp"

#include <algorithm>

#include "kernel_model.hpp"

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
constexpr OpRounding modelled(Op op, const detail::KernelModel& model) {
  OpRounding row = exact(op);
  row.forward = ForwardModel::Modelled;
  row.model = &model;
  return row;
}

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
    // ---- transcendental ops: Modelled. The check evaluates each kernel's formula in the standard
    // model over intervals (kernel_model.cpp): ½ ulp per + − × ÷ sqrt, (k + ½) ulps per libm call
    // with glibc's documented k (exp 1, log 1, log1p 1, tanh 2; kernel_model.cpp gives the source),
    // every higher-order term included. First order, with u = 2^-p and ε_f = (2k_f + 1)·u the
    // relative error of a libm call (ε_exp = ε_log = ε_log1p = 3u, ε_tanh = 5u):
    //
    // sqrt(max(x,0)): one IEEE sqrt, |ŷ − y| ≤ ½ulp(y); x <= 0 gives 0 exactly. VJP
    //   δ·fl(1/fl(2·fl(√x))), doubling exact: 3 roundings, |ĉ − c| ≤ 3u·|c|.
    modelled(Op::Sqrt, detail::kSqrtModel),
    // sigmoid 1/(1 + E), E = exp(−x): Ê = E(1 ± ε_exp); 1 + Ê moves relatively by (1 − s)·ε_exp,
    //   two roundings: |ŝ − s| ≤ s·((1 − s)·ε_exp + 2u): well-conditioned for every x. VJP
    //   δ·ŝ(1 − ŝ): 1 − ŝ cancels as s → 1, |Δ(1 − s)| ≤ s·(ε_exp + 2u) + ½ulp: absolute error
    //   ≤ |δ|·s·(1 − s)·(ε_exp + 5u) + |δ|·s·(ε_exp + 3u)·s, relative ~ s/(1 − s) for x ≫ 0.
    modelled(Op::Sigmoid, detail::kSigmoidModel),
    // tanh: libm, |ŷ − y| ≤ 2.5 ulp(y). VJP δ·(1 − ŷ²): |Δŷ²| ≤ 2|y|·2.5ulp(y) + ½ulp(y²), the
    //   subtraction cancels as |x| grows (condition 2y²/(1 − y²)): absolute error
    //   ≤ |δ|·(5|y|·ulp(y) + ½ulp(y²) + ½ulp(1 − y²)) + ½ulp(c).
    modelled(Op::Tanh, detail::kTanhModel),
    // softplus max(x,0) + log1p(exp(−|x|)): exp then log1p (condition ≤ 1 at E ∈ (0,1]) give
    //   L̂ = L·(1 ± (ε_exp + ε_log1p)); both terms ≥ 0, no cancellation: |ŷ − y| ≤
    //   y·(6u·L/y + u). VJP δ·sigmoid(x): the sigmoid bound plus one rounding.
    modelled(Op::Softplus, detail::kSoftplusModel),
    // exp: libm, |ŷ − y| ≤ 1.5 ulp(y). VJP δ·ŷ: |ĉ − c| ≤ |c|·(ε_exp + u).
    modelled(Op::Exp, detail::kExpModel),
    // log (x > 0): libm, |ŷ − y| ≤ 1.5 ulp(y), relative to the result even near x = 1. VJP
    //   fl(δ/x): one rounding, ½ ulp.
    modelled(Op::Log, detail::kLogModel),
    // safeLog log(softplus(x) + ε): a = sp + ε with â = a·(1 ± (7u·sp/a + u)); log's absolute
    //   error is the argument's relative error: |ŷ − y| ≤ 7u·sp/a + u + 1.5ulp(y) (relative
    //   conditioning 1/|log a| near a = 1). VJP δ·σ/(sp + ε): 5u + 8u + 2u relative, ≈ 15u.
    modelled(Op::SafeLog, detail::kSafeLogModel),
    // softmax per row, m = max (exact): d̂_j = fl(x_j − m) off by ½ulp(d_j) absolute, so
    //   ê_j = e_j·(1 ± (½ulp(d_j) + ε_exp)); Σê over n positive terms (n − 1 roundings); one
    //   division: |ŷ_j − y_j| ≤ y_j·(½ulp(d_j) + max_k ½ulp(d_k) + 2ε_exp + γ_(n−1) + u): relative,
    //   growing with the row's spread |x_j − m| (exp of a rounded difference). VJP
    //   ŷ⊙(δ − Σδ⊙ŷ): dot = Σδ_k ŷ_k off by γ_n·Σ|δ_k|y_k + rel(y)·Σ|δ_k|y_k; δ_j − dot cancels:
    //   |ĉ_j − c_j| ≤ y_j·(|δ_j − dot|·(rel(y) + 2u) + (γ_n + rel(y))·Σ|δ_k|y_k).
    modelled(Op::Softmax, detail::kSoftmaxModel),
    // logSoftmax per row: d̂_j as above; T = Σexp(d̂) relatively off by ½ulp(d)max + ε_exp +
    //   γ_(n−1); log T absolutely off by that plus 1.5ulp(log T); y_j = fl(d̂_j − log T) cancels:
    //   |ŷ_j − y_j| ≤ ½ulp(d_j) + rel(T) + 1.5ulp(log T) + ½ulp(y_j). VJP δ − exp(ŷ)·Σδ:
    //   |ĉ_j − c_j| ≤ e^y_j·(|Σδ|·(|Δy_j| + ε_exp + u) + γ_(n−1)·Σ|δ|) + ½ulp(c_j).
    modelled(Op::LogSoftmax, detail::kLogSoftmaxModel),
    // layerNorm per row of E: μ̂ off by γ_E·Σ|x|/E; ĉ_j = fl(x_j − μ̂) off by |Δμ| + ½ulp(c_j)
    //   (cancels as x_j → μ); var = Σĉ²/E relatively off by 2·max|Δc/c| + γ_(E+1); σ = √(var + ε)
    //   relatively off by ½·rel(var)·var/(var + ε) + 1.5u; x̂ = ĉ/σ off by |Δc|/σ + |x̂|(rel σ + u);
    //   y = fl(fl(x̂γ) + β) off by |γ||Δx̂| + ½ulp(x̂γ) + ½ulp(y) (cancels when x̂γ ≈ −β). VJPs:
    //   dx = σ⁻¹((δγ − mean δγ) − x̂·mean(δγ x̂)) off by σ⁻¹(|Δδγ| + |Δmean δγ| + |Δ(x̂·m₂)|)
    //   + rel(σ⁻¹)·|dx| (three-term cancellation); dγ = Σ_rows δ x̂ off by γ_L·Σ|δ x̂| + Σ|δ||Δx̂|;
    //   dβ = Σ_rows δ off by γ_(L−1)·Σ|δ|.
    modelled(Op::LayerNorm, detail::kLayerNormModel),
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
