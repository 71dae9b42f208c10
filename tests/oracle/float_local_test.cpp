// The local float check on every op: for each of the catalogue's ops, hand-built graphs with
// non-dyadic values (so results round) pass checkFloatForward and both gradient checks at float
// and at double; every op has a row in the rounding table; and the check's handling of inf/NaN.
#include <cmath>
#include <limits>
#include <set>

#include "float_case.hpp"
#include "verigrad/oracle/rounding_model.hpp"

namespace verigrad::testing {
namespace {

using X = std::vector<Var>;
using D = std::vector<double>;

std::vector<ExactLiteral> Lits(std::initializer_list<const char*> texts) {
  std::vector<ExactLiteral> out;
  for (const char* t : texts) out.push_back(L(t));
  return out;
}

const std::vector<FloatCase>& Cases() {
  static const std::vector<FloatCase> cases = {
      // ---- sources
      {"const", {Shape{2, 3}},
       [](GraphBuilder& b, const X& x) {
         const auto payload = Lits({"1/3", "0.1", "-2/7", "5/3", "1e-3", "7"});
         return b.add(x[0], b.constant(Shape{2, 3}, payload));
       }},
      {"detach", {Shape{4}},
       [](GraphBuilder& b, const X& x) { return b.mul(x[0], b.detach(b.scale(x[0], L("1/3")))); }},
      // ---- elementwise
      {"add", {Shape{2, 3}, Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.add(x[0], x[1]); }},
      {"add_shared", {Shape{5}}, [](GraphBuilder& b, const X& x) { return b.add(x[0], x[0]); }},
      {"sub", {Shape{2, 3}, Shape{2, 3}},
       [](GraphBuilder& b, const X& x) { return b.sub(b.scale(x[0], L("0.1")), x[1]); }},
      {"sub_shared", {Shape{4}}, [](GraphBuilder& b, const X& x) { return b.sub(x[0], x[0]); }},
      {"mul", {Shape{2, 3}, Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.mul(x[0], x[1]); }},
      {"mul_shared", {Shape{4}}, [](GraphBuilder& b, const X& x) { return b.mul(x[0], x[0]); }},
      {"div", {Shape{2, 3}, Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.div(x[0], x[1]); },
       {{}, {0.7, -1.3, 2.1, 0.9, -0.45, 1.7}}},
      {"div_shared", {Shape{4}}, [](GraphBuilder& b, const X& x) { return b.div(x[0], x[0]); },
       {{0.3, -1.7, 2.2, 0.11}}},
      {"square", {Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.square(x[0]); }},
      {"scale", {Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.scale(x[0], L("1/3")); }},
      {"max_ties", {Shape{6}, Shape{6}}, [](GraphBuilder& b, const X& x) { return b.max(x[0], x[1]); },
       {{0.1, 1.0 / 3, -0.7, 2.0 / 3, 0, 1.1}, {0.1, -1.0 / 3, -0.7, 0.5, 0, 1.2}}},
      {"min_ties", {Shape{6}, Shape{6}}, [](GraphBuilder& b, const X& x) { return b.min(x[0], x[1]); },
       {{0.1, 1.0 / 3, -0.7, 2.0 / 3, 0, 1.1}, {0.1, -1.0 / 3, -0.7, 0.5, 0, 1.2}}},
      {"max_shared", {Shape{3}}, [](GraphBuilder& b, const X& x) { return b.max(x[0], x[0]); }},
      {"abs", {Shape{5}}, [](GraphBuilder& b, const X& x) { return b.abs(x[0]); },
       {{-0.3, 0, 1.0 / 7, -2.0 / 3, 1.9}}},
      {"clamp_endpoints", {Shape{6}},
       [](GraphBuilder& b, const X& x) { return b.clamp(x[0], L("-0.5"), L("0.75")); },
       {{-0.5, 0.75, 0.3, -1.1, 1.9, 1.0 / 3}}},
      {"clamp_rounded_bounds", {Shape{2, 4}},
       [](GraphBuilder& b, const X& x) { return b.clamp(x[0], L("-1/3"), L("0.1")); }},
      {"relu", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.relu(x[0]); },
       {{-0.3, 0, 1.0 / 7, -2.0 / 3, 1.9, 0.1}}},
      {"inv", {Shape{5}}, [](GraphBuilder& b, const X& x) { return b.inv(x[0]); },
       {{0.3, -1.7, 3.0, 1.0 / 7, -0.01}}},
      // ---- reductions
      {"sum", {Shape{3, 4}}, [](GraphBuilder& b, const X& x) { return b.sum(x[0]); }},
      {"reduceSum_axis1", {Shape{2, 5, 3}},
       [](GraphBuilder& b, const X& x) { return b.reduceSum(x[0], 1); }},
      {"reduceSum_axis0", {Shape{4, 3}},
       [](GraphBuilder& b, const X& x) { return b.reduceSum(b.scale(x[0], L("1/3")), 0); }},
      {"reduceMean", {Shape{3, 5}}, [](GraphBuilder& b, const X& x) { return b.reduceMean(x[0], 1); }},
      {"mseLoss", {Shape{2, 3}, Shape{2, 3}},
       [](GraphBuilder& b, const X& x) { return b.mseLoss(x[0], x[1]); }},
      // ---- linear algebra
      {"linear", {Shape{4, 5}, Shape{4}, Shape{5}},
       [](GraphBuilder& b, const X& x) { return b.linear(x[0], x[1], x[2]); }},
      {"matmul", {Shape{3, 4}, Shape{4, 2}},
       [](GraphBuilder& b, const X& x) { return b.matmul(b.scale(x[0], L("1/3")), x[1]); }},
      {"matmul_shared", {Shape{3, 3}}, [](GraphBuilder& b, const X& x) { return b.matmul(x[0], x[0]); }},
      {"bmm", {Shape{2, 3, 4}, Shape{2, 4, 3}}, [](GraphBuilder& b, const X& x) { return b.bmm(x[0], x[1]); }},
      // ---- structural (the operand is a computed value, so moved values carry rounding)
      {"flatten", {Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.flatten(b.square(x[0])); }},
      {"reshape", {Shape{2, 3}},
       [](GraphBuilder& b, const X& x) { return b.reshape(b.scale(x[0], L("0.1")), Shape{3, 2}); }},
      {"transpose2d", {Shape{2, 3}}, [](GraphBuilder& b, const X& x) { return b.transpose2d(x[0]); }},
      {"transpose3dFirstToLast", {Shape{2, 3, 4}},
       [](GraphBuilder& b, const X& x) { return b.transpose3dFirstToLast(x[0]); }},
      {"transpose3dLastToFirst", {Shape{2, 3, 4}},
       [](GraphBuilder& b, const X& x) { return b.transpose3dLastToFirst(x[0]); }},
      {"transpose3dLastTwo", {Shape{2, 3, 4}},
       [](GraphBuilder& b, const X& x) { return b.transpose3dLastTwo(x[0]); }},
      {"swapAdjacentAtDepth", {Shape{2, 3, 4}},
       [](GraphBuilder& b, const X& x) { return b.swapAdjacentAtDepth(x[0], 1); }},
      {"broadcastTo_prepend", {Shape{3}},
       [](GraphBuilder& b, const X& x) { return b.broadcastTo(x[0], Shape{4, 3}); }},
      {"broadcastTo_expand", {Shape{2, 1, 3}},
       [](GraphBuilder& b, const X& x) { return b.broadcastTo(x[0], Shape{2, 5, 3}); }},
      {"concatVectors", {Shape{3}, Shape{2}},
       [](GraphBuilder& b, const X& x) { return b.concatVectors(x[0], b.scale(x[1], L("1/3"))); }},
      {"concatDim0", {Shape{2, 3}, Shape{1, 3}},
       [](GraphBuilder& b, const X& x) { return b.concatDim0(x[0], x[1]); }},
      {"sliceRange0", {Shape{5, 2}}, [](GraphBuilder& b, const X& x) { return b.sliceRange0(x[0], 1, 3); }},
      // ---- indexing
      {"gatherScalar", {Shape{5}}, [](GraphBuilder& b, const X& x) { return b.gatherScalar(x[0], 2); }},
      {"gatherRow", {Shape{3, 4}}, [](GraphBuilder& b, const X& x) { return b.gatherRow(x[0], 1); }},
      {"gatherScalarNat", {Shape{5}},
       [](GraphBuilder& b, const X& x) {
         return b.add(b.gatherScalarNat(x[0], 3), b.gatherScalarNat(x[0], 7));
       }},
      {"gatherVecNat", {Shape{5}},
       [](GraphBuilder& b, const X& x) {
         const int64_t idx[] = {0, 3, 3, 9, 1, 3};
         return b.gatherVecNat(x[0], idx);
       }},
      {"gatherRowsNat", {Shape{3, 2}},
       [](GraphBuilder& b, const X& x) {
         const int64_t idx[] = {2, 0, 2, 5};
         return b.gatherRowsNat(x[0], idx);
       }},
      {"scatterAddVec", {Shape{4}, Shape{}},
       [](GraphBuilder& b, const X& x) { return b.scatterAddVec(x[0], x[1], 2); }},
      {"scatterAddRow", {Shape{3, 2}, Shape{2}},
       [](GraphBuilder& b, const X& x) { return b.scatterAddRow(x[0], x[1], 1); }},
      // ---- activations and normalisation (Modelled rows: the kernel's formula in the standard
      // model, glibc's ulps for exp, log, log1p, tanh); kinks and large magnitudes included
      {"sqrt_kink", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.sqrt(x[0]); },
       {{-0.3, 0, 1.0 / 7, 2.0 / 3, 1.9, 1e-30}}},
      {"sigmoid", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.sigmoid(x[0]); },
       {{-0.3, 0, 1.0 / 7, -40, 35, 1.9}}},
      {"tanh", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.tanh(x[0]); },
       {{-0.3, 0, 1.0 / 7, -20, 9, 1e-9}}},
      {"softplus", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.softplus(x[0]); },
       {{-0.3, 0, 1.0 / 7, -40, 60, 1.9}}},
      {"exp", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.exp(b.scale(x[0], L("1/3"))); }},
      {"log", {Shape{6}}, [](GraphBuilder& b, const X& x) { return b.log(x[0]); },
       {{0.3, 1, 1.0 / 7, 1e-20, 3e20, 1.0000001}}},
      {"safeLog", {Shape{6}},
       [](GraphBuilder& b, const X& x) { return b.safeLog(x[0], L("1/1000000")); },
       {{-0.3, 0, 1.0 / 7, -40, 60, 1.9}}},
      {"softmax_rows", {Shape{2, 4}}, [](GraphBuilder& b, const X& x) { return b.softmax(x[0]); },
       {{0.1, 0.1, -2.0 / 3, 1.9, 30, -30, 1.0 / 7, 0}}},
      {"softmax_scalar", {Shape{}}, [](GraphBuilder& b, const X& x) { return b.softmax(x[0]); }},
      {"logSoftmax_rows", {Shape{2, 4}},
       [](GraphBuilder& b, const X& x) { return b.logSoftmax(b.scale(x[0], L("3"))); }},
      {"layerNorm", {Shape{3, 4}, Shape{4}, Shape{4}},
       [](GraphBuilder& b, const X& x) { return b.layerNorm(x[0], x[1], x[2], L("1/1000000")); },
       {{0.1, -2.0 / 3, 1.9, 0.3, 0.5, 0.5, 0.5, 0.5, 1e3, -1e3, 1.0 / 7, 2}}},
      // ---- a small network: every value receives several contributions
      {"mlp", {Shape{4}, Shape{5, 4}, Shape{5}, Shape{3, 5}, Shape{3}, Shape{3}},
       [](GraphBuilder& b, const X& x) {
         const Var h = b.relu(b.linear(x[1], x[2], x[0]));
         const Var y = b.linear(x[3], x[4], h);
         return b.add(b.mseLoss(y, x[5]), b.sum(b.mul(h, h)));
       }},
  };
  return cases;
}

class FloatLocal : public ::testing::TestWithParam<size_t> {};

TEST_P(FloatLocal, DoublePassesForwardAndBothGradientChecks) {
  ExpectLocalFloatChecksPass<double>(Cases()[GetParam()]);
}

TEST_P(FloatLocal, FloatPassesForwardAndBothGradientChecks) {
  ExpectLocalFloatChecksPass<float>(Cases()[GetParam()]);
}

INSTANTIATE_TEST_SUITE_P(EveryOp, FloatLocal, ::testing::Range<size_t>(0, Cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return Cases()[info.param].name;
                         });

TEST(FloatLocalCoverage, EveryOpAppearsInSomeCase) {
  std::set<Op> seen;
  for (const FloatCase& c : Cases()) {
    const BuiltCase built = Build(c);
    for (const Node& n : built.graph.nodes()) seen.insert(n.op);
  }
  for (Op op : allOps()) EXPECT_TRUE(seen.count(op)) << opName(op) << " has no float case";
}

TEST(FloatLocalCoverage, EveryOpHasARoundingRow) {
  for (Op op : allOps()) {
    const oracle::OpRounding* row = oracle::roundingOf(op);
    ASSERT_NE(row, nullptr) << opName(op);
    EXPECT_EQ(row->op, op);
  }
}

// ---- why some rows of the rounding table are not "exact": VJPs that add several δ terms

// δ = {1, 1e-17, -1} summed from 0 in order gives 0 where the exact sum is 1e-17: correct IEEE
// behaviour that only a bound over Σ|terms| (here γ_3·2) admits; γ·|exact| would reject it.
template <class Build>
void ExpectCancellingVjpAccepted(Build&& build) {
  GraphBuilder b({Shape{1}});
  const Var node = build(b, b.arg(0));
  const Graph g = Unwrap(b.finish());
  const Compiled<double> run =
      Unwrap(compile<double>(g, std::vector<Tensor<double>>{TF<double>(Shape{1}, {0.25})}));
  const Tensor<double> seed = TF<double>(Shape{3}, {1.0, 1e-17, -1.0});
  const Context<double> grads = Unwrap(run.tape().backwardDenseAll(node.id, seed));
  ASSERT_EQ(grads[0][0], 0.0) << "the engine's fold order is ((0 + 1) + 1e-17) + (-1)";
  const oracle::FloatCheckResult r =
      oracle::checkFloatGradientsAll<double>(g, run.values(), node.id, seed, grads);
  EXPECT_TRUE(r.ok()) << Describe(r, g);
}

TEST(FloatLocalModel, BroadcastToVjpIsASumOfDeltaTerms) {
  ExpectCancellingVjpAccepted([](GraphBuilder& b, Var x) { return b.broadcastTo(x, Shape{3}); });
}

TEST(FloatLocalModel, GatherVecNatVjpIsASumOfDeltaTerms) {
  ExpectCancellingVjpAccepted([](GraphBuilder& b, Var x) {
    const int64_t idx[] = {0, 0, 0};
    return b.gatherVecNat(x, idx);
  });
}

TEST(FloatLocalModel, SumWithCancellationIsBoundedBySumOfAbsoluteTerms) {
  GraphBuilder b({Shape{3}});
  const Var s = b.sum(b.arg(0));
  const Graph g = Unwrap(b.finish());
  const Compiled<double> run = Unwrap(
      compile<double>(g, std::vector<Tensor<double>>{TF<double>(Shape{3}, {1.0, 1e-17, -1.0})}));
  ASSERT_EQ(run.values()[s.id][0], 0.0);
  const oracle::FloatCheckResult r = oracle::checkFloatForward<double>(g, run.values());
  EXPECT_TRUE(r.ok()) << Describe(r, g);
}

// ---- inf and NaN

GraphBuilder TwoVectors(int64_t n) { return GraphBuilder({Shape{n}, Shape{n}}); }

TEST(FloatLocalNonFinite, OverflowOfTheExactProductIsAccepted) {
  GraphBuilder b = TwoVectors(2);
  b.mul(b.arg(0), b.arg(1));
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<double>> in = {TF<double>(Shape{2}, {1e300, 0.1}),
                                          TF<double>(Shape{2}, {1e10, 0.3})};
  const Compiled<double> run = Unwrap(compile<double>(g, in));
  ASSERT_TRUE(std::isinf(run.values()[2][0]));
  const oracle::FloatCheckResult r = oracle::checkFloatForward<double>(g, run.values());
  EXPECT_TRUE(r.ok()) << Describe(r, g);
  EXPECT_EQ(r.checked, 2u);
}

TEST(FloatLocalNonFinite, DivisionByZeroAndInfiniteOperandsAreSkipped) {
  GraphBuilder b = TwoVectors(2);
  const Var q = b.div(b.arg(0), b.arg(1));  // 1/0 = inf
  b.add(q, b.arg(0));                       // an inf operand: skipped
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<double>> in = {TF<double>(Shape{2}, {1.0, 0.1}),
                                          TF<double>(Shape{2}, {0.0, 0.3})};
  const Compiled<double> run = Unwrap(compile<double>(g, in));
  const oracle::FloatCheckResult r = oracle::checkFloatForward<double>(g, run.values());
  EXPECT_TRUE(r.ok()) << Describe(r, g);
  EXPECT_EQ(r.skippedNonFinite, 4u);
  EXPECT_EQ(r.checked, 0u);
}

TEST(FloatLocalNonFinite, ANaNFromFiniteOperandsIsAMismatch) {
  GraphBuilder b = TwoVectors(3);
  const Var s = b.add(b.arg(0), b.arg(1));
  const Graph g = Unwrap(b.finish());
  const Compiled<double> run =
      Unwrap(compile<double>(g, std::vector<Tensor<double>>{PseudoTensor<double>(Shape{3}, 1),
                                                            PseudoTensor<double>(Shape{3}, 2)}));
  Context<double> bad = run.values();
  bad.mutableData(s.id)[1] = std::numeric_limits<double>::quiet_NaN();
  const oracle::FloatCheckResult r = oracle::checkFloatForward<double>(g, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->node, s.id);
  EXPECT_EQ(r.mismatch->element, "[1]");
}

TEST(FloatLocalNonFinite, GradientsThroughAnInfiniteValueAreSkipped) {
  GraphBuilder b({Shape{2}});
  const Var inv = b.inv(b.arg(0));  // 1/0 = inf at element 0
  b.sum(b.square(inv));
  const Graph g = Unwrap(b.finish());
  const Compiled<double> run =
      Unwrap(compile<double>(g, std::vector<Tensor<double>>{TF<double>(Shape{2}, {0.0, 0.3})}));
  const Context<double> grads = Unwrap(run.backwardDenseAllFromOutput());
  const oracle::FloatCheckResult r = oracle::checkFloatGradientsAll<double>(
      g, run.values(), outId(g), Tensor<double>::scalar(1.0), grads);
  EXPECT_TRUE(r.ok()) << Describe(r, g);
  EXPECT_GT(r.skippedNonFinite, 0u);
}

}  // namespace
}  // namespace verigrad::testing
