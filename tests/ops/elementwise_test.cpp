// Tests of the Elementwise family (engine/ops/elementwise.inl): forward values and VJPs of every
// op against hand-derived exact values, the kink conventions, and the departures from TorchLean.
#include <cmath>
#include <string>
#include <vector>

#include "typed_op_support.hpp"

namespace verigrad {
namespace {

using namespace testing;  // test_support.hpp and the typed harness (typed_op_support.hpp)

template <class T>
class ElementwiseOps : public ::testing::Test {};
TYPED_TEST_SUITE(ElementwiseOps, Scalars, ScalarName);

// ---- add: a + b; a ← δ, b ← δ.
TYPED_TEST(ElementwiseOps, Add) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}, Shape{2}}, [](GraphBuilder& b) { return b.add(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"1/2", "-3"}), Ten<T>({2}, {"1/4", "2"})});
  ExpectExact(c.values()[z.id], {"3/4", "-1"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"2", "-1/2"}), {{"2", "-1/2"}, {"2", "-1/2"}});
}

// ---- sub: a − b; a ← δ, b ← 0 − δ.
TYPED_TEST(ElementwiseOps, Sub) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}, Shape{2}}, [](GraphBuilder& b) { return b.sub(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"1/2", "-3"}), Ten<T>({2}, {"1/4", "2"})});
  ExpectExact(c.values()[z.id], {"1/4", "-5"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"2", "-1/2"}), {{"2", "-1/2"}, {"-2", "1/2"}});
}

// ---- mul: a ⊙ b; a ← δ⊙b = [2·1/4, −1/2·2, 1·5], b ← δ⊙a = [2·1/2, −1/2·−3, 1·0].
TYPED_TEST(ElementwiseOps, Mul) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}, Shape{3}}, [](GraphBuilder& b) { return b.mul(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c =
      CompileOk<T>(g, {Ten<T>({3}, {"1/2", "-3", "0"}), Ten<T>({3}, {"1/4", "2", "5"})});
  ExpectExact(c.values()[z.id], {"1/8", "-6", "0"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"2", "-1/2", "1"}),
                   {{"1/2", "-1", "5"}, {"1", "3/2", "0"}});
}

// ---- mul x x: both operand slots are x, so x receives δ⊙x + δ⊙x = 2x·δ = [2·3·1, 2·(−1/2)·2].
TYPED_TEST(ElementwiseOps, MulOfSameOperandGivesTwoXDelta) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.mul(b.arg(0), b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"3", "-1/2"})});
  ExpectExact(c.values()[z.id], {"9", "1/4"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"1", "2"}), {{"6", "-2"}});
}

// ---- div: a / b; a ← δ / b = [4/2, (1/2)/(−1/4)];
// b ← 0 − (δ⊙a)/(b⊙b) = [−(4·1)/4, −((1/2)(−3/2))/(1/16)] = [−1, 12] (= −δ·a/b²).
TYPED_TEST(ElementwiseOps, Div) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}, Shape{2}}, [](GraphBuilder& b) { return b.div(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"1", "-3/2"}), Ten<T>({2}, {"2", "-1/4"})});
  ExpectExact(c.values()[z.id], {"1/2", "6"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"4", "1/2"}), {{"2", "-2"}, {"-1", "12"}});
}

// div with a non-dyadic quotient: 1/3; a ← 1/3, b ← −(1·1)/(3·3) = −1/9. Over float/double each of
// these is one rounded division of exact operands, compared within ulps (see ExpectRounded).
TYPED_TEST(ElementwiseOps, DivNonDyadic) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{}, Shape{}}, [](GraphBuilder& b) { return b.div(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({}, {"1"}), Ten<T>({}, {"3"})});
  ExpectRounded(c.values()[z.id], {"1/3"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"1"})));
  ExpectRounded(grads[0], {"1/3"});
  ExpectRounded(grads[1], {"-1/9"});
}

// ---- square: x ⊙ x; x ← δ⊙x + δ⊙x = [2·3·1, 2·(−1/2)·2, 2·0·5].
TYPED_TEST(ElementwiseOps, Square) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}}, [](GraphBuilder& b) { return b.square(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"3", "-1/2", "0"})});
  ExpectExact(c.values()[z.id], {"9", "1/4", "0"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"1", "2", "5"}), {{"6", "-2", "0"}});
}

// ---- scale by c = −3/4: x·c = [2·(−3/4), (−1/2)(−3/4)]; x ← δ·c = [1·(−3/4), 4·(−3/4)].
TYPED_TEST(ElementwiseOps, Scale) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.scale(b.arg(0), L("-3/4")); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"2", "-1/2"})});
  ExpectExact(c.values()[z.id], {"-3/2", "3/8"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"1", "4"}), {{"-3/4", "-3"}});
}

// scale by the non-dyadic 1/3: exact over Rational (3·1/3 = 1, x ← 1/3); over float/double c is
// the correctly rounded 1/3 and 3·c rounds once, so compared within ulps.
TYPED_TEST(ElementwiseOps, ScaleByNonDyadicLiteral) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{}}, [](GraphBuilder& b) { return b.scale(b.arg(0), L("1/3")); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({}, {"3"})});
  ExpectRounded(c.values()[z.id], {"1"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"1"})));
  ExpectRounded(grads[0], {"1/3"});
}

// ---- max: masks 1 where the operand is strictly larger, 0 where smaller, 1/2 at a tie (last
// element, 3/2 = 3/2): a ← [2, 0, 6/2], b ← [0, 4, 6/2].
TYPED_TEST(ElementwiseOps, MaxSplitsTiesInHalf) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}, Shape{3}}, [](GraphBuilder& b) { return b.max(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c =
      CompileOk<T>(g, {Ten<T>({3}, {"1", "-2", "3/2"}), Ten<T>({3}, {"1/2", "5", "3/2"})});
  ExpectExact(c.values()[z.id], {"1", "5", "3/2"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"2", "4", "6"}), {{"2", "0", "3"}, {"0", "4", "3"}});
}

// max x x: a tie everywhere, so each slot gives δ/2 and x receives δ/2 + δ/2 = δ.
TYPED_TEST(ElementwiseOps, MaxOfSameOperandPassesTheWholeGradient) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.max(b.arg(0), b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"-1", "5/4"})});
  ExpectExact(c.values()[z.id], {"-1", "5/4"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"3", "-1/2"}), {{"3", "-1/2"}});
}

// ---- min: the mirror image: a ← [0, 4, 3], b ← [2, 0, 3] (tie at the last element).
TYPED_TEST(ElementwiseOps, MinSplitsTiesInHalf) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}, Shape{3}}, [](GraphBuilder& b) { return b.min(b.arg(0), b.arg(1)); }, &z);
  Compiled<T> c =
      CompileOk<T>(g, {Ten<T>({3}, {"1", "-2", "3/2"}), Ten<T>({3}, {"1/2", "5", "3/2"})});
  ExpectExact(c.values()[z.id], {"1/2", "-2", "3/2"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"2", "4", "6"}), {{"0", "4", "3"}, {"2", "0", "3"}});
}

// ---- abs: |x|; x ← sign(x)⊙δ with sign(0) = 0: [−4, 0, 6].
TYPED_TEST(ElementwiseOps, AbsHasZeroDerivativeAtZero) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}}, [](GraphBuilder& b) { return b.abs(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"-3/2", "0", "2"})});
  ExpectExact(c.values()[z.id], {"3/2", "0", "2"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"4", "5", "6"}), {{"-4", "0", "6"}});
}

// ---- clamp to [−1, 2]: derivative 1 only strictly inside, so 0 below, at lo, at hi and above:
// x = [−3, −1, 0, 1/2, 2, 5] → [−1, −1, 0, 1/2, 2, 2]; x ← [0, 0, 3, 4, 0, 0].
TYPED_TEST(ElementwiseOps, ClampPassesGradientOnlyStrictlyInside) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{6}}, [](GraphBuilder& b) { return b.clamp(b.arg(0), L("-1"), L("2")); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({6}, {"-3", "-1", "0", "1/2", "2", "5"})});
  ExpectExact(c.values()[z.id], {"-1", "-1", "0", "1/2", "2", "2"});
  ExpectInputGrads(c, z.id, Ten<T>({6}, {"1", "2", "3", "4", "5", "6"}),
                   {{"0", "0", "3", "4", "0", "0"}});
}

// clamp with lo == hi = 1/2 is allowed: the constant 1/2 with derivative 0 everywhere.
TYPED_TEST(ElementwiseOps, ClampWithEqualBoundsHasZeroDerivative) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}}, [](GraphBuilder& b) { return b.clamp(b.arg(0), L("1/2"), L("1/2")); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"0", "1/2", "1"})});
  ExpectExact(c.values()[z.id], {"1/2", "1/2", "1/2"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"1", "2", "3"}), {{"0", "0", "0"}});
}

// ---- relu: max(x, 0); x ← relu'(x)⊙δ with relu'(0) = 0: [0, 0, 4].
TYPED_TEST(ElementwiseOps, ReluHasZeroDerivativeAtZero) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{3}}, [](GraphBuilder& b) { return b.relu(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({3}, {"-1", "0", "3/2"})});
  ExpectExact(c.values()[z.id], {"0", "0", "3/2"});
  ExpectInputGrads(c, z.id, Ten<T>({3}, {"2", "3", "4"}), {{"0", "0", "4"}});
}

// ---- inv: 1/x = [1/2, −4]; x ← (δ⊙(ix⊙ix))·(−1) = [−(1·1/4), −((1/2)·16)] = [−1/4, −8]
// (= −δ/x²).
TYPED_TEST(ElementwiseOps, Inv) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.inv(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"2", "-1/4"})});
  ExpectExact(c.values()[z.id], {"1/2", "-4"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"1", "1/2"}), {{"-1/4", "-8"}});
}

// inv 3 = 1/3, x ← −(1/3)² = −1/9. Over float/double ix is rounded, then ix⊙ix rounds again, so
// the gradient need not be the correctly rounded −1/9: compared within ulps.
TYPED_TEST(ElementwiseOps, InvNonDyadic) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{}}, [](GraphBuilder& b) { return b.inv(b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({}, {"3"})});
  ExpectRounded(c.values()[z.id], {"1/3"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, Ten<T>({}, {"1"})));
  ExpectRounded(grads[0], {"-1/9"});
}

// ---- departures (design.md "Departures from TorchLean")

// add x x: x is a repeated parent; the sweep sums the two contributions, δ + δ = 2δ.
TYPED_TEST(ElementwiseOps, Departure_AddOfSameOperandGivesGradientTwo) {
  using T = TypeParam;
  Var z;
  Graph g = OneNode(
      {Shape{2}}, [](GraphBuilder& b) { return b.add(b.arg(0), b.arg(0)); }, &z);
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"1/2", "-3"})});
  ExpectExact(c.values()[z.id], {"1", "-6"});
  ExpectInputGrads(c, z.id, Ten<T>({2}, {"1", "-1/4"}), {{"2", "-1/2"}});
}

// Over the exact scalar a zero divisor cannot be represented: compile fails with a DomainError
// that names the node and the element.
TEST(ElementwiseDepartures, Departure_InvDivByZeroIsADomainErrorOverRationals) {
  {
    GraphBuilder b({Shape{2}});
    Var z = b.inv(b.arg(0));
    Graph g = Unwrap(b.finish());
    Result<Compiled<Rational>> r =
        compile<Rational>(g, std::vector<Tensor<Rational>>{testing::TQ({2}, {"1", "0"})});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
    EXPECT_EQ(r.error().node, static_cast<int64_t>(z.id));
    EXPECT_NE(r.error().message.find(g.nodeText(z.id)), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("division by zero at element [1]"), std::string::npos)
        << r.error().message;
  }
  {
    GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
    Var z = b.div(b.arg(0), b.arg(1));
    Graph g = Unwrap(b.finish());
    Result<Compiled<Rational>> r = compile<Rational>(
        g, std::vector<Tensor<Rational>>{testing::TQ({2, 2}, {"1", "2", "3", "4"}),
                                         testing::TQ({2, 2}, {"1", "1", "0", "0"})});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
    EXPECT_EQ(r.error().node, static_cast<int64_t>(z.id));
    EXPECT_NE(r.error().message.find(g.nodeText(z.id)), std::string::npos) << r.error().message;
    // The first zero divisor in row-major order is reported.
    EXPECT_NE(r.error().message.find("division by zero at element [1,0]"), std::string::npos)
        << r.error().message;
  }
}

// Over double the same graphs compile: the IEEE results inf (1/±0 = ±inf) and NaN (0/0).
TEST(ElementwiseDepartures, Departure_InvDivByZeroGivesInfOverDouble) {
  {
    GraphBuilder b({Shape{3}});
    Var z = b.inv(b.arg(0));
    Graph g = Unwrap(b.finish());
    Compiled<double> c = CompileOk<double>(g, {testing::TF<double>({3}, {2.0, 0.0, -0.0})});
    const TensorView<double> v = c.values()[z.id];
    EXPECT_EQ(v[0], 0.5);
    EXPECT_TRUE(std::isinf(v[1]) && v[1] > 0) << v[1];
    EXPECT_TRUE(std::isinf(v[2]) && v[2] < 0) << v[2];
  }
  {
    GraphBuilder b({Shape{2}, Shape{2}});
    Var z = b.div(b.arg(0), b.arg(1));
    Graph g = Unwrap(b.finish());
    Compiled<double> c = CompileOk<double>(
        g, {testing::TF<double>({2}, {1.0, 0.0}), testing::TF<double>({2}, {0.0, 0.0})});
    const TensorView<double> v = c.values()[z.id];
    EXPECT_TRUE(std::isinf(v[0]) && v[0] > 0) << v[0];
    EXPECT_TRUE(std::isnan(v[1])) << v[1];
  }
}

}  // namespace
}  // namespace verigrad
