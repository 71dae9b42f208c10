// Tests of the Reduction family (engine/ops/reduction.inl): forward values and VJPs of sum,
// reduceSum, reduceMean and mseLoss against hand-derived exact values, the left-fold summation
// order, and the departures from TorchLean.
#include <string>
#include <vector>

#include "typed_op_support.hpp"

namespace verigrad {
namespace {

using namespace testing;  // test_support.hpp and the typed harness (typed_op_support.hpp)

template <class T>
class ReductionOps : public ::testing::Test {};
TYPED_TEST_SUITE(ReductionOps, Scalars, ScalarName);

// x = [[1, −1/2, 3/4], [2, 0, −4]] as a [2,3] tensor, shared by the sum cases.
template <class T>
Tensor<T> X23() {
  return Ten<T>({2, 3}, {"1", "-1/2", "3/4", "2", "0", "-4"});
}

// ---- sum: ((((((0 + 1) − 1/2) + 3/4) + 2) + 0) − 4) = −3/4; x ← δ replicated.
TYPED_TEST(ReductionOps, Sum) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 3}}, [](GraphBuilder& b) { return b.sum(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {X23<T>()});
  EXPECT_EQ(c.values()[z.id].shape, Shape{});
  ExpectExact(c.values()[z.id], {"-3/4"});
  ExpectInputGrads(c, z.id, Ten<T>({}, {"3/2"}), {{"3/2", "3/2", "3/2", "3/2", "3/2", "3/2"}});
}

// sum of a scalar is the scalar (0 + x); x ← δ.
TYPED_TEST(ReductionOps, SumOfScalar) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{}}, [](GraphBuilder& b) { return b.sum(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({}, {"5/2"})});
  ExpectExact(c.values()[z.id], {"5/2"});
  ExpectInputGrads(c, z.id, Ten<T>({}, {"-3"}), {{"-3"}});
}

// sum of an empty tensor is the empty fold, 0; its gradient is empty.
TYPED_TEST(ReductionOps, SumOfEmptyTensorIsZero) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 0}}, [](GraphBuilder& b) { return b.sum(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Tensor<T>(Shape{2, 0})});
  ExpectExact(c.values()[z.id], {"0"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"7"})));
  EXPECT_EQ(grads[0].shape, (Shape{2, 0}));
  EXPECT_EQ(grads[0].numel(), 0);
  ExpectExact(grads[z.id], {"7"});
}

// ---- reduceSum axis 0 of [2,3]: column sums [1 + 2, −1/2 + 0, 3/4 − 4] = [3, −1/2, −13/4];
// x[i,j] ← δ[j].
TYPED_TEST(ReductionOps, ReduceSumAxis0) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 3}}, [](GraphBuilder& b) { return b.reduceSum(b.arg(0), 0); }, &z);
  Compiled<T> c = CompileOk<T>(g, {X23<T>()});
  EXPECT_EQ(c.values()[z.id].shape, Shape{3});
  ExpectExact(c.values()[z.id], {"3", "-1/2", "-13/4"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"1", "2", "4"}), {{"1", "2", "4", "1", "2", "4"}});
}

// reduceSum axis 1 of [2,3]: row sums [1 − 1/2 + 3/4, 2 + 0 − 4] = [5/4, −2]; x[i,j] ← δ[i].
TYPED_TEST(ReductionOps, ReduceSumAxis1) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 3}}, [](GraphBuilder& b) { return b.reduceSum(b.arg(0), 1); }, &z);
  Compiled<T> c = CompileOk<T>(g, {X23<T>()});
  EXPECT_EQ(c.values()[z.id].shape, Shape{2});
  ExpectExact(c.values()[z.id], {"5/4", "-2"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"1/2", "-1"}), {{"1/2", "1/2", "1/2", "-1", "-1", "-1"}});
}

// reduceSum over the middle axis of [2,2,2] holding 1..8: out[o,j] = x[o,0,j] + x[o,1,j] =
// [[1+3, 2+4], [5+7, 6+8]]; x[o,k,j] ← δ[o,j].
TYPED_TEST(ReductionOps, ReduceSumMiddleAxisOfRank3) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 2, 2}}, [](GraphBuilder& b) { return b.reduceSum(b.arg(0), 1); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2, 2, 2}, {"1", "2", "3", "4", "5", "6", "7", "8"})});
  EXPECT_EQ(c.values()[z.id].shape, (Shape{2, 2}));
  ExpectExact(c.values()[z.id], {"4", "6", "12", "14"});
  ExpectInputGrads(c, z.id, Ten<T>({2, 2}, {"1", "2", "3", "-1/4"}),
                   {{"1", "2", "1", "2", "3", "-1/4", "3", "-1/4"}});
}

// ---- reduceMean axis 0 of [[1, 3], [−1/2, 4]]: [(1 − 1/2)/2, (3 + 4)/2] = [1/4, 7/2];
// x[i,j] ← δ[j]·(1/2).
TYPED_TEST(ReductionOps, ReduceMeanAxis0) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 2}}, [](GraphBuilder& b) { return b.reduceMean(b.arg(0), 0); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2, 2}, {"1", "3", "-1/2", "4"})});
  ExpectExact(c.values()[z.id], {"1/4", "7/2"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"2", "-4"}), {{"1", "-2", "1", "-2"}});
}

// reduceMean axis 1: [(1 + 3)/2, (−1/2 + 4)/2] = [2, 7/4]; x[i,j] ← δ[i]·(1/2).
TYPED_TEST(ReductionOps, ReduceMeanAxis1) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 2}}, [](GraphBuilder& b) { return b.reduceMean(b.arg(0), 1); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2, 2}, {"1", "3", "-1/2", "4"})});
  ExpectExact(c.values()[z.id], {"2", "7/4"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"2", "-4"}), {{"1", "1", "-2", "-2"}});
}

// reduceMean over an extent of 3: (1 + 2 + 4)/3 = 7/3, x ← 1·(1/3). Over float/double the sum 7
// is exact and 7/3 and 1/3 each round once: compared within ulps.
TYPED_TEST(ReductionOps, ReduceMeanNonDyadic) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}}, [](GraphBuilder& b) { return b.reduceMean(b.arg(0), 0); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"1", "2", "4"})});
  ExpectRounded(c.values()[z.id], {"7/3"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"1"})));
  ExpectRounded(grads[0], {"1/3", "1/3", "1/3"});
}

// reduceMean of an empty tensor over a non-empty axis is fine: [0,2] → [0].
TYPED_TEST(ReductionOps, ReduceMeanOfEmptyTensorOverNonEmptyAxis) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{0, 2}}, [](GraphBuilder& b) { return b.reduceMean(b.arg(0), 1); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Tensor<T>(Shape{0, 2})});
  EXPECT_EQ(c.values()[z.id].shape, Shape{0});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Tensor<T>(Shape{0})));
  EXPECT_EQ(grads[0].numel(), 0);
}

// ---- mseLoss of a = [[1, 2], [−1/2, 0]], b = [[0, 4], [1/2, 0]]: a − b = [1, −2, −1, 0],
// Σ(a−b)² / 4 = (1 + 4 + 1 + 0)/4 = 3/2. base = (a − b)·(2/4) = [1/2, −1, −1/2, 0];
// with δ = 2: a ← base·δ = [1, −2, −1, 0], b ← 0 − base·δ = [−1, 2, 1, 0].
TYPED_TEST(ReductionOps, MseLoss) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2, 2}, Shape{2, 2}}, [](GraphBuilder& b) { return b.mseLoss(b.arg(0), b.arg(1)); },
      &z);
  Compiled<T> c = CompileOk<T>(
      g, {Ten<T>({2, 2}, {"1", "2", "-1/2", "0"}), Ten<T>({2, 2}, {"0", "4", "1/2", "0"})});
  EXPECT_EQ(c.values()[z.id].shape, Shape{});
  ExpectExact(c.values()[z.id], {"3/2"});
  ExpectInputGrads(c, z.id, Ten<T>({}, {"2"}), {{"1", "-2", "-1", "0"}, {"-1", "2", "1", "0"}});
}

// mseLoss with N = 3: (1² + 0 + 0)/3 = 1/3; base = [1·(2/3), 0, 0], δ = 1: a ← [2/3, 0, 0],
// b ← [−2/3, 0, 0]. Over float/double 1/3 and 2/3 each round once: compared within ulps.
TYPED_TEST(ReductionOps, MseLossNonDyadic) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}, Shape{3}}, [](GraphBuilder& b) { return b.mseLoss(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"1", "0", "0"}), Ten<T>({3}, {"0", "0", "0"})});
  ExpectRounded(c.values()[z.id], {"1/3"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"1"})));
  ExpectRounded(grads[0], {"2/3", "0", "0"});
  ExpectRounded(grads[1], {"-2/3", "0", "0"});
}

// mseLoss x x: the loss is 0 and x receives base·δ + (0 − base·δ) = 0 with base = 0.
TYPED_TEST(ReductionOps, MseLossOfSameOperandIsZero) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.mseLoss(b.arg(0), b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"3", "-1/2"})});
  ExpectExact(c.values()[z.id], {"0"});
  ExpectInputGrads(c, z.id, Ten<T>({}, {"5"}), {{"0", "0"}});
}

// ---- summation order: TorchLean's sums are left folds from 0 in row-major order. In double,
// ((0 + 2^53) + 1) + 1 = 2^53 (each +1 is a tie, rounded to even), while 1 + 1 + 2^53 = 2^53 + 2;
// the exact sum is 2^53 + 2 either way.
TEST(ReductionOrder, SumsAreLeftFoldsInRowMajorOrder) {
  const double big = 9007199254740992.0;  // 2^53
  for (bool bigFirst : {true, false}) {
    SCOPED_TRACE(bigFirst ? "[2^53, 1, 1]" : "[1, 1, 2^53]");
    const std::vector<double> data =
        bigFirst ? std::vector<double>{big, 1.0, 1.0} : std::vector<double>{1.0, 1.0, big};
    const double want = bigFirst ? big : big + 2.0;

    GraphBuilder b({Shape{3}, Shape{3, 1}});
    Var s = b.sum(b.arg(0));
    Var r = b.reduceSum(b.arg(1), 0);  // the same three values down a column
    Graph g = Unwrap(b.finish());
    Compiled<double> c = CompileOk<double>(
        g, {Unwrap(Tensor<double>::make({3}, data)), Unwrap(Tensor<double>::make({3, 1}, data))});
    EXPECT_EQ(c.values()[s.id][0], want);
    EXPECT_EQ(c.values()[r.id][0], want);

    std::vector<Rational> exact;
    for (double d : data) exact.push_back(Rational::fromDouble(d));
    Compiled<Rational> e = CompileOk<Rational>(g, {Unwrap(Tensor<Rational>::make({3}, exact)),
                                                   Unwrap(Tensor<Rational>::make({3, 1}, exact))});
    EXPECT_EQ(e.values()[s.id][0].str(), "9007199254740994");
    EXPECT_EQ(e.values()[r.id][0].str(), "9007199254740994");
  }
}

// ---- departures (design.md "Departures from TorchLean")

// TorchLean requires every extent up to the axis to be positive; Verigrad only needs axis < rank,
// and a sum over a zero-length axis is the empty fold, 0, with an empty gradient.
TYPED_TEST(ReductionOps, Departure_ReduceSumOverEmptyAxisIsZero) {
  using T = TypeParam;
  GraphBuilder b({Shape{2, 0}, Shape{0, 3}});
  Var inner = b.reduceSum(b.arg(0), 1);
  Var outer = b.reduceSum(b.arg(1), 0);
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {Tensor<T>(Shape{2, 0}), Tensor<T>(Shape{0, 3})});
  EXPECT_EQ(c.values()[inner.id].shape, Shape{2});
  ExpectExact(c.values()[inner.id], {"0", "0"});
  EXPECT_EQ(c.values()[outer.id].shape, Shape{3});
  ExpectExact(c.values()[outer.id], {"0", "0", "0"});

  Context<T> grads = Unwrap(c.tape().backwardDenseAll(inner.id, Ten<T>({2}, {"1", "2"})));
  EXPECT_EQ(grads[0].shape, (Shape{2, 0}));
  EXPECT_EQ(grads[0].numel(), 0);
  ExpectExact(grads[inner.id], {"1", "2"});
  grads = Unwrap(c.tape().backwardDenseAll(outer.id, Ten<T>({3}, {"1", "2", "3"})));
  EXPECT_EQ(grads[1].numel(), 0);
  ExpectExact(grads[outer.id], {"1", "2", "3"});
}

// A mean over nothing has no value (TorchLean: NaN): the builder rejects it.
TEST(ReductionDepartures, Departure_ReduceMeanOverEmptyAxisIsABuilderError) {
  GraphBuilder b({Shape{2, 0}});
  Var m = b.reduceMean(b.arg(0), 1);
  EXPECT_FALSE(m.valid());
  Result<Graph> g = b.finish();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("reduceMean"), std::string::npos) << g.error().message;
}

// The mean squared error of no elements has no value (TorchLean: NaN): the builder rejects it.
TEST(ReductionDepartures, Departure_MseLossOfEmptyTensorIsABuilderError) {
  for (const Shape& s : {Shape{0}, Shape{3, 0}}) {
    SCOPED_TRACE(s.str());
    GraphBuilder b({s, s});
    Var m = b.mseLoss(b.arg(0), b.arg(1));
    EXPECT_FALSE(m.valid());
    Result<Graph> g = b.finish();
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message.find("mseLoss"), std::string::npos) << g.error().message;
  }
}

}  // namespace
}  // namespace verigrad
