// The spec's forward definition of every op (grouped by family, as spec/src is) on small graphs,
// against values derived by hand; every sum is a left fold from 0 in row-major order.
#include <functional>

#include "spec_test_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

// The spec's value of op(inputs...) on a one-node graph.
V Apply(const std::vector<V>& inputs,
        const std::function<Var(GraphBuilder&, std::vector<Var>)>& op) {
  std::vector<Shape> shapes;
  for (const V& x : inputs) shapes.push_back(x.shape);
  GraphBuilder b(shapes);
  op(b, b.args());
  return LastValue(Finish(b), inputs);
}

V Unary(const V& x, const std::function<Var(GraphBuilder&, Var)>& op) {
  return Apply({x}, [&](GraphBuilder& b, std::vector<Var> a) { return op(b, a[0]); });
}

V Binary(const V& x, const V& y, const std::function<Var(GraphBuilder&, Var, Var)>& op) {
  return Apply({x, y}, [&](GraphBuilder& b, std::vector<Var> a) { return op(b, a[0], a[1]); });
}

void ExpectValue(const V& got, const Shape& shape, std::initializer_list<const char*> want) {
  EXPECT_EQ(got.shape, shape) << "got shape " << got.shape.str();
  EXPECT_EQ(Strs(got), Strs(want));
}

// ---- sources

TEST(SpecForwardSource, ConstIsItsPayloadRowMajor) {
  GraphBuilder b({});
  const ExactLiteral payload[] = {L("1/2"), L("-3"), L("0"), L("7/4")};
  b.constant(Shape{2, 2}, payload);
  ExpectValue(LastValue(Finish(b), {}), Shape{2, 2}, {"1/2", "-3", "0", "7/4"});
}

TEST(SpecForwardSource, DetachIsTheIdentityOnValues) {
  V x = Val(Shape{3}, {"1/3", "-2", "0"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.detach(v); }), Shape{3},
              {"1/3", "-2", "0"});
}

// ---- elementwise (a and b include a tie in the last element and a sign change)

const V kA = Val(Shape{2, 2}, {"1/2", "-1", "3", "2"});
const V kB = Val(Shape{2, 2}, {"1/3", "2", "-3", "2"});
const V kC = Val(Shape{2, 2}, {"0", "-5/2", "7", "-1"});

TEST(SpecForwardElementwise, Add) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.add(x, y); }),
              Shape{2, 2}, {"5/6", "1", "0", "4"});
}

TEST(SpecForwardElementwise, AddOfAValueWithItself) {
  ExpectValue(Unary(kA, [](GraphBuilder& b, Var x) { return b.add(x, x); }), Shape{2, 2},
              {"1", "-2", "6", "4"});
}

TEST(SpecForwardElementwise, Sub) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.sub(x, y); }),
              Shape{2, 2}, {"1/6", "-3", "6", "0"});
}

TEST(SpecForwardElementwise, Mul) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.mul(x, y); }),
              Shape{2, 2}, {"1/6", "-2", "-9", "4"});
}

TEST(SpecForwardElementwise, Div) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.div(x, y); }),
              Shape{2, 2}, {"3/2", "-1/2", "-1", "1"});
}

TEST(SpecForwardElementwise, Square) {
  ExpectValue(Unary(kA, [](GraphBuilder& b, Var x) { return b.square(x); }), Shape{2, 2},
              {"1/4", "1", "9", "4"});
}

TEST(SpecForwardElementwise, Scale) {
  ExpectValue(Unary(kA, [](GraphBuilder& b, Var x) { return b.scale(x, L("-2/3")); }), Shape{2, 2},
              {"-1/3", "2/3", "-2", "-4/3"});
}

TEST(SpecForwardElementwise, MaxIncludingATie) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.max(x, y); }),
              Shape{2, 2}, {"1/2", "2", "3", "2"});
}

TEST(SpecForwardElementwise, MinIncludingATie) {
  ExpectValue(Binary(kA, kB, [](GraphBuilder& b, Var x, Var y) { return b.min(x, y); }),
              Shape{2, 2}, {"1/3", "-1", "-3", "2"});
}

TEST(SpecForwardElementwise, AbsIncludingZero) {
  ExpectValue(Unary(kC, [](GraphBuilder& b, Var x) { return b.abs(x); }), Shape{2, 2},
              {"0", "5/2", "7", "1"});
}

TEST(SpecForwardElementwise, ClampInsideAtAndBeyondTheBounds) {
  V x = Val(Shape{5}, {"-1", "-1/2", "0", "1", "3"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.clamp(v, L("-1/2"), L("1")); }),
              Shape{5}, {"-1/2", "-1/2", "0", "1", "1"});
}

TEST(SpecForwardElementwise, ClampWithEqualBoundsIsConstant) {
  V x = Val(Shape{3}, {"-1", "1/4", "3"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.clamp(v, L("1/4"), L("1/4")); }),
              Shape{3}, {"1/4", "1/4", "1/4"});
}

TEST(SpecForwardElementwise, ReluIncludingZero) {
  ExpectValue(Unary(kC, [](GraphBuilder& b, Var x) { return b.relu(x); }), Shape{2, 2},
              {"0", "0", "7", "0"});
}

TEST(SpecForwardElementwise, Inv) {
  ExpectValue(Unary(kB, [](GraphBuilder& b, Var x) { return b.inv(x); }), Shape{2, 2},
              {"3", "1/2", "-1/3", "1/2"});
}

TEST(SpecForwardElementwise, ScalarOperands) {
  V x = Val(Shape{}, {"-3/4"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.abs(v); }), Shape{}, {"3/4"});
}

// ---- reductions

const V kX23 = Val(Shape{2, 3}, {"1/2", "2", "-3", "4", "5", "1/3"});

TEST(SpecForwardReduction, SumFoldsEveryElement) {
  // ((((1/2 + 2) - 3) + 4) + 5) + 1/3 = 53/6
  ExpectValue(Unary(kX23, [](GraphBuilder& b, Var x) { return b.sum(x); }), Shape{}, {"53/6"});
}

TEST(SpecForwardReduction, SumOfAnEmptyTensorIsZero) {
  ExpectValue(Unary(Val(Shape{0, 2}, {}), [](GraphBuilder& b, Var x) { return b.sum(x); }), Shape{},
              {"0"});
}

TEST(SpecForwardReduction, ReduceSumOverEachAxis) {
  ExpectValue(Unary(kX23, [](GraphBuilder& b, Var x) { return b.reduceSum(x, 0); }), Shape{3},
              {"9/2", "7", "-8/3"});
  ExpectValue(Unary(kX23, [](GraphBuilder& b, Var x) { return b.reduceSum(x, 1); }), Shape{2},
              {"-1/2", "28/3"});
}

TEST(SpecForwardReduction, ReduceSumOverTheMiddleAxisOfRank3) {
  V x = Val(Shape{2, 2, 2}, {"1", "2", "3", "4", "5", "6", "7", "8"});
  // out[o, i] = x[o, 0, i] + x[o, 1, i]
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.reduceSum(v, 1); }), Shape{2, 2},
              {"4", "6", "12", "14"});
}

// Departure from TorchLean: an axis of extent 0 is valid and sums to 0.
TEST(SpecForwardReduction, ReduceSumOverAZeroLengthAxisIsZero) {
  ExpectValue(Unary(Val(Shape{2, 0}, {}), [](GraphBuilder& b, Var x) { return b.reduceSum(x, 1); }),
              Shape{2}, {"0", "0"});
}

TEST(SpecForwardReduction, ReduceMeanOverEachAxis) {
  ExpectValue(Unary(kX23, [](GraphBuilder& b, Var x) { return b.reduceMean(x, 0); }), Shape{3},
              {"9/4", "7/2", "-4/3"});
  ExpectValue(Unary(kX23, [](GraphBuilder& b, Var x) { return b.reduceMean(x, 1); }), Shape{2},
              {"-1/6", "28/9"});
}

TEST(SpecForwardReduction, MseLoss) {
  // differences 1/2, 1, -2; squares 1/4, 1, 4; (21/4) / 3
  V yhat = Val(Shape{3}, {"1/2", "2", "-1"});
  V target = Val(Shape{3}, {"0", "1", "1"});
  ExpectValue(Binary(yhat, target, [](GraphBuilder& b, Var x, Var y) { return b.mseLoss(x, y); }),
              Shape{}, {"7/4"});
}

// ---- linear algebra

TEST(SpecForwardLinalg, LinearIsMatVecThenBias) {
  V w = Val(Shape{2, 3}, {"1", "2", "3", "4", "5", "6"});
  V bias = Val(Shape{2}, {"1/2", "-1"});
  V x = Val(Shape{3}, {"1", "-1", "2"});
  // W x = [1 - 2 + 6, 4 - 5 + 12] = [5, 11]
  V y = Apply({w, bias, x},
              [](GraphBuilder& b, std::vector<Var> a) { return b.linear(a[0], a[1], a[2]); });
  ExpectValue(y, Shape{2}, {"11/2", "10"});
}

TEST(SpecForwardLinalg, Matmul) {
  V a = Val(Shape{2, 3}, {"1", "2", "3", "4", "5", "6"});
  V b = Val(Shape{3, 2}, {"1/2", "0", "0", "1", "1", "-1"});
  // row 0: [1/2 + 3, 2 - 3]; row 1: [2 + 6, 5 - 6]
  ExpectValue(Binary(a, b, [](GraphBuilder& g, Var x, Var y) { return g.matmul(x, y); }),
              Shape{2, 2}, {"7/2", "-1", "8", "-1"});
}

TEST(SpecForwardLinalg, MatmulWithAnEmptyInnerDimensionIsZero) {
  V a = Val(Shape{2, 0}, {});
  V b = Val(Shape{0, 1}, {});
  ExpectValue(Binary(a, b, [](GraphBuilder& g, Var x, Var y) { return g.matmul(x, y); }),
              Shape{2, 1}, {"0", "0"});
}

TEST(SpecForwardLinalg, BmmMultipliesEachBatch) {
  V a = Val(Shape{2, 1, 2}, {"1", "2", "3", "4"});
  V b = Val(Shape{2, 2, 1}, {"5", "6", "7", "8"});
  // [1 5 + 2 6], [3 7 + 4 8]
  ExpectValue(Binary(a, b, [](GraphBuilder& g, Var x, Var y) { return g.bmm(x, y); }),
              Shape{2, 1, 1}, {"17", "53"});
}

// ---- structural (x3[i, j, k] = 6i + 3j + k)

const V kX3 = Val(Shape{2, 2, 3}, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"});
const V kM23 = Val(Shape{2, 3}, {"1", "2", "3", "4", "5", "6"});

TEST(SpecForwardStructural, FlattenKeepsRowMajorOrder) {
  ExpectValue(Unary(kM23, [](GraphBuilder& b, Var x) { return b.flatten(x); }), Shape{6},
              {"1", "2", "3", "4", "5", "6"});
}

TEST(SpecForwardStructural, ReshapeKeepsRowMajorOrder) {
  ExpectValue(Unary(kM23,
                    [](GraphBuilder& b, Var x) {
                      return b.reshape(x, Shape{3, 1, 2});
                    }),
              Shape{3, 1, 2}, {"1", "2", "3", "4", "5", "6"});
}

TEST(SpecForwardStructural, Transpose2d) {
  ExpectValue(Unary(kM23, [](GraphBuilder& b, Var x) { return b.transpose2d(x); }), Shape{3, 2},
              {"1", "4", "2", "5", "3", "6"});
}

TEST(SpecForwardStructural, Transpose3dFirstToLast) {
  // out[j, k, i] = x[i, j, k]
  ExpectValue(Unary(kX3, [](GraphBuilder& b, Var x) { return b.transpose3dFirstToLast(x); }),
              Shape{2, 3, 2}, {"0", "6", "1", "7", "2", "8", "3", "9", "4", "10", "5", "11"});
}

TEST(SpecForwardStructural, Transpose3dLastToFirst) {
  // out[k, i, j] = x[i, j, k]
  ExpectValue(Unary(kX3, [](GraphBuilder& b, Var x) { return b.transpose3dLastToFirst(x); }),
              Shape{3, 2, 2}, {"0", "3", "6", "9", "1", "4", "7", "10", "2", "5", "8", "11"});
}

TEST(SpecForwardStructural, Transpose3dLastTwo) {
  // out[i, k, j] = x[i, j, k]
  ExpectValue(Unary(kX3, [](GraphBuilder& b, Var x) { return b.transpose3dLastTwo(x); }),
              Shape{2, 3, 2}, {"0", "3", "1", "4", "2", "5", "6", "9", "7", "10", "8", "11"});
}

TEST(SpecForwardStructural, SwapAdjacentAtDepth) {
  // depth 0: out[j, i, k] = x[i, j, k]
  ExpectValue(Unary(kX3, [](GraphBuilder& b, Var x) { return b.swapAdjacentAtDepth(x, 0); }),
              Shape{2, 2, 3}, {"0", "1", "2", "6", "7", "8", "3", "4", "5", "9", "10", "11"});
  // depth 1 swaps the last two axes
  ExpectValue(Unary(kX3, [](GraphBuilder& b, Var x) { return b.swapAdjacentAtDepth(x, 1); }),
              Shape{2, 3, 2}, {"0", "3", "1", "4", "2", "5", "6", "9", "7", "10", "8", "11"});
}

// Departure from TorchLean: right-aligned broadcasting (NumPy/PyTorch expand).
TEST(SpecForwardStructural, BroadcastToPrependsAndExpandsRightAligned) {
  V row = Val(Shape{3}, {"1", "2", "3"});
  ExpectValue(Unary(row,
                    [](GraphBuilder& b, Var x) {
                      return b.broadcastTo(x, Shape{2, 3});
                    }),
              Shape{2, 3}, {"1", "2", "3", "1", "2", "3"});
  V column = Val(Shape{2, 1}, {"1", "2"});
  ExpectValue(Unary(column,
                    [](GraphBuilder& b, Var x) {
                      return b.broadcastTo(x, Shape{2, 3});
                    }),
              Shape{2, 3}, {"1", "1", "1", "2", "2", "2"});
  V pair = Val(Shape{1, 2}, {"1/2", "-1"});
  ExpectValue(Unary(pair,
                    [](GraphBuilder& b, Var x) {
                      return b.broadcastTo(x, Shape{2, 2, 2});
                    }),
              Shape{2, 2, 2}, {"1/2", "-1", "1/2", "-1", "1/2", "-1", "1/2", "-1"});
  V scalar = Val(Shape{}, {"7"});
  ExpectValue(Unary(scalar,
                    [](GraphBuilder& b, Var x) {
                      return b.broadcastTo(x, Shape{2, 2});
                    }),
              Shape{2, 2}, {"7", "7", "7", "7"});
  V one = Val(Shape{1}, {"5"});
  ExpectValue(Unary(one, [](GraphBuilder& b, Var x) { return b.broadcastTo(x, Shape{0}); }),
              Shape{0}, {});
}

TEST(SpecForwardStructural, ConcatVectors) {
  V a = Val(Shape{2}, {"1", "2"});
  V b = Val(Shape{3}, {"3", "4", "5"});
  ExpectValue(Binary(a, b, [](GraphBuilder& g, Var x, Var y) { return g.concatVectors(x, y); }),
              Shape{5}, {"1", "2", "3", "4", "5"});
}

TEST(SpecForwardStructural, ConcatDim0) {
  V a = Val(Shape{1, 2}, {"1", "2"});
  V b = Val(Shape{2, 2}, {"3", "4", "5", "6"});
  ExpectValue(Binary(a, b, [](GraphBuilder& g, Var x, Var y) { return g.concatDim0(x, y); }),
              Shape{3, 2}, {"1", "2", "3", "4", "5", "6"});
}

TEST(SpecForwardStructural, SliceRange0) {
  V x = Val(Shape{4, 2}, {"0", "1", "2", "3", "4", "5", "6", "7"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.sliceRange0(v, 1, 2); }), Shape{2, 2},
              {"2", "3", "4", "5"});
  ExpectValue(Unary(x, [](GraphBuilder& b, Var v) { return b.sliceRange0(v, 4, 0); }), Shape{0, 2},
              {});
}

// ---- indexing

const V kVec = Val(Shape{3}, {"1/2", "-1", "4"});
const V kRows = Val(Shape{3, 2}, {"1", "2", "3", "4", "5", "6"});

TEST(SpecForwardIndexing, GatherScalar) {
  ExpectValue(Unary(kVec, [](GraphBuilder& b, Var x) { return b.gatherScalar(x, 2); }), Shape{},
              {"4"});
}

TEST(SpecForwardIndexing, GatherRow) {
  ExpectValue(Unary(kRows, [](GraphBuilder& b, Var x) { return b.gatherRow(x, 1); }), Shape{2},
              {"3", "4"});
}

TEST(SpecForwardIndexing, GatherScalarNatReadsZeroBeyondTheAxis) {
  ExpectValue(Unary(kVec, [](GraphBuilder& b, Var x) { return b.gatherScalarNat(x, 1); }), Shape{},
              {"-1"});
  ExpectValue(Unary(kVec, [](GraphBuilder& b, Var x) { return b.gatherScalarNat(x, 3); }), Shape{},
              {"0"});
}

TEST(SpecForwardIndexing, GatherVecNatWithDuplicatesAndOutOfRange) {
  const int64_t indices[] = {2, 0, 7, 2};
  ExpectValue(Unary(kVec, [&](GraphBuilder& b, Var x) { return b.gatherVecNat(x, indices); }),
              Shape{4}, {"4", "1/2", "0", "4"});
}

TEST(SpecForwardIndexing, GatherRowsNatWithOutOfRange) {
  const int64_t indices[] = {2, 3, 0};
  ExpectValue(Unary(kRows, [&](GraphBuilder& b, Var x) { return b.gatherRowsNat(x, indices); }),
              Shape{3, 2}, {"5", "6", "0", "0", "1", "2"});
}

TEST(SpecForwardIndexing, ScatterAddVec) {
  V v = Val(Shape{}, {"10"});
  ExpectValue(
      Binary(kVec, v, [](GraphBuilder& b, Var x, Var y) { return b.scatterAddVec(x, y, 1); }),
      Shape{3}, {"1/2", "9", "4"});
}

TEST(SpecForwardIndexing, ScatterAddRow) {
  V v = Val(Shape{2}, {"10", "-1/2"});
  ExpectValue(
      Binary(kRows, v, [](GraphBuilder& b, Var x, Var y) { return b.scatterAddRow(x, y, 0); }),
      Shape{3, 2}, {"11", "3/2", "3", "4", "5", "6"});
}

// ---- graph level: the context is Γ ++ ss, inputs first and unchanged

TEST(SpecForwardGraph, EvaluateReturnsInputsThenEveryNodeInIdOrder) {
  GraphBuilder b({Shape{2}, Shape{2}});
  Var x = b.arg(0), y = b.arg(1);
  Var s = b.add(x, y);
  Var p = b.mul(s, x);
  b.sum(p);
  Graph g = Finish(b);
  V x0 = Val(Shape{2}, {"1", "2"}), y0 = Val(Shape{2}, {"1/2", "-3"});
  std::vector<V> values = Ok(evaluate(g, std::vector<V>{x0, y0}));
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[0], x0);
  EXPECT_EQ(values[1], y0);
  EXPECT_EQ(Strs(values[2]), Strs({"3/2", "-1"}));
  EXPECT_EQ(Strs(values[3]), Strs({"3/2", "-2"}));
  EXPECT_EQ(Strs(values[4]), Strs({"-1/2"}));
}

TEST(SpecForwardGraph, AGraphWithoutNodesEvaluatesToItsInputs) {
  GraphBuilder b({Shape{1}});
  Graph g = Finish(b);
  V x = Val(Shape{1}, {"2"});
  std::vector<V> values = Ok(evaluate(g, std::vector<V>{x}));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0], x);
}

}  // namespace
}  // namespace verigrad::spec
