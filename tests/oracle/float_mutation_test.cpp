// The local float check can fail: a value moved off its correct rounding by one ulp, a gradient
// moved beyond its standard-model bound, and a GEMM result off by a relative 1e-6 are each
// reported at exactly the node and element that were changed.
#include <cmath>
#include <iostream>
#include <limits>

#include "float_case.hpp"

namespace verigrad::testing {
namespace {

// x moved by n ulps towards +inf.
template <class F>
F UlpsUp(F x, int n) {
  for (int i = 0; i < n; ++i) x = std::nextafter(x, std::numeric_limits<F>::infinity());
  return x;
}

void Print(const oracle::FloatCheckResult& r, const Graph& g) {
  if (r.mismatch) std::cout << "[ report ] " << oracle::summarizeMismatch(*r.mismatch, g) << "\n";
}

template <class F>
Tensor<F> Positive(const Shape& s, uint64_t salt) {
  Tensor<F> t = PseudoTensor<F>(s, salt);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = std::fabs(t[k]) + F(0.1);
  return t;
}

// a, b: [2,3]; node = op(a, b) (one operand for unary ops); out = sum(square(node)).
struct OneOpGraph {
  Graph g;
  ValueId node;
};

OneOpGraph Elementwise(Op op) {
  GraphBuilder b({Shape{2, 3}, Shape{2, 3}});
  const Var a = b.arg(0), c = b.arg(1);
  Var n;
  switch (op) {
    case Op::Mul:
      n = b.mul(a, c);
      break;
    case Op::Div:
      n = b.div(a, c);
      break;
    case Op::Add:
      n = b.add(a, c);
      break;
    case Op::Inv:
      n = b.inv(a);
      break;
    default:
      n = b.scale(a, L("1/3"));
      break;
  }
  b.sum(b.square(n));
  return {Unwrap(b.finish()), n.id};
}

template <class F>
void ExpectOneUlpForwardErrorCaught(Op op) {
  SCOPED_TRACE(std::string(opName(op)) + " at " + std::string(ScalarTraits<F>::name));
  const OneOpGraph t = Elementwise(op);
  const std::vector<Tensor<F>> in = {Positive<F>(Shape{2, 3}, 3), Positive<F>(Shape{2, 3}, 4)};
  const Compiled<F> run = Unwrap(compile<F>(t.g, in));
  ASSERT_TRUE(oracle::checkFloatForward<F>(t.g, run.values()).ok());

  Context<F> bad = run.values();
  F* v = bad.mutableData(t.node);
  v[4] = UlpsUp(v[4], 1);
  const oracle::FloatCheckResult r = oracle::checkFloatForward<F>(t.g, bad);
  Print(r, t.g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->what, "float-forward");
  EXPECT_EQ(r.mismatch->node, t.node);
  EXPECT_EQ(r.mismatch->element, "[1,1]");
}

TEST(FloatMutation, OneUlpOffTheCorrectRoundingIsCaughtForEverySingleRoundingOp) {
  for (Op op : {Op::Mul, Op::Div, Op::Add, Op::Inv, Op::Scale}) {
    ExpectOneUlpForwardErrorCaught<double>(op);
    ExpectOneUlpForwardErrorCaught<float>(op);
  }
}

// The gradient of a in mul(a, b) from backwardDenseAll at the mul: one contribution δ·b with
// one rounding, accumulated into an empty slot, so the bound is γ₁|δb| + γ₂(1 + γ₁)|δb| + 3η,
// about 3u|g|: between 1.5 and 3 ulps of g. One ulp is inside the model; four are not.
template <class F>
void ExpectGradientErrorCaughtBeyondItsBound() {
  SCOPED_TRACE(ScalarTraits<F>::name);
  const OneOpGraph t = Elementwise(Op::Mul);
  const std::vector<Tensor<F>> in = {PseudoTensor<F>(Shape{2, 3}, 3),
                                     PseudoTensor<F>(Shape{2, 3}, 4)};
  const Compiled<F> run = Unwrap(compile<F>(t.g, in));
  const Tensor<F> seed = PseudoTensor<F>(Shape{2, 3}, 9);
  const Context<F> grads = Unwrap(run.tape().backwardDenseAll(t.node, seed));
  ASSERT_TRUE(oracle::checkFloatGradientsAll<F>(t.g, run.values(), t.node, seed, grads).ok());

  Context<F> oneUlp = grads;
  oneUlp.mutableData(0)[2] = UlpsUp(oneUlp.mutableData(0)[2], 1);
  EXPECT_TRUE(oracle::checkFloatGradientsAll<F>(t.g, run.values(), t.node, seed, oneUlp).ok());

  Context<F> bad = grads;
  bad.mutableData(0)[2] = UlpsUp(bad.mutableData(0)[2], 4);
  const oracle::FloatCheckResult r =
      oracle::checkFloatGradientsAll<F>(t.g, run.values(), t.node, seed, bad);
  Print(r, t.g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->what, "float-gradient");
  EXPECT_EQ(r.mismatch->node, 0);
  EXPECT_EQ(r.mismatch->element, "[0,2]");
}

TEST(FloatMutation, AGradientBeyondItsBoundIsCaughtAtItsValueAndElement) {
  ExpectGradientErrorCaughtBeyondItsBound<double>();
  ExpectGradientErrorCaughtBeyondItsBound<float>();
}

// backwardDenseAll leaves a slot that is not reached from the output at exactly zero.
TEST(FloatMutation, AnUnreachedSlotMustBeExactlyZero) {
  GraphBuilder b({Shape{3}, Shape{3}});
  const Var m = b.mul(b.arg(0), b.arg(0));
  b.add(m, b.arg(1));
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<double>> in = {PseudoTensor<double>(Shape{3}, 1),
                                          PseudoTensor<double>(Shape{3}, 2)};
  const Compiled<double> run = Unwrap(compile<double>(g, in));
  const Tensor<double> seed = PseudoTensor<double>(Shape{3}, 5);
  Context<double> grads = Unwrap(run.tape().backwardDenseAll(m.id, seed));
  ASSERT_TRUE(oracle::checkFloatGradientsAll<double>(g, run.values(), m.id, seed, grads).ok());
  grads.mutableData(1)[2] = std::numeric_limits<double>::denorm_min();  // input 1 is unreached
  const oracle::FloatCheckResult r =
      oracle::checkFloatGradientsAll<double>(g, run.values(), m.id, seed, grads);
  Print(r, g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->node, 1);
  EXPECT_EQ(r.mismatch->element, "[2]");
}

TEST(FloatMutation, ASeededGradientOffByOneBillionthIsCaughtThroughBackwardDenseFrom) {
  const OneOpGraph t = Elementwise(Op::Add);  // a ← δ: exact copies, accumulated onto the seed
  const std::vector<Tensor<double>> in = {PseudoTensor<double>(Shape{2, 3}, 3),
                                          PseudoTensor<double>(Shape{2, 3}, 4)};
  const Compiled<double> run = Unwrap(compile<double>(t.g, in));
  const std::vector<Tensor<double>> seeds = PseudoSeeds<double>(t.g, 11);
  const std::span<const Tensor<double>> s(seeds);
  Context<double> grads = Unwrap(run.tape().backwardDenseFrom(seeds));
  ASSERT_TRUE(oracle::checkFloatGradientsFrom<double>(t.g, run.values(), s, grads).ok());
  grads.mutableData(1)[5] += 1e-9;  // the bound is about 2u(|seed| + |δ|) < 1e-15
  const oracle::FloatCheckResult r =
      oracle::checkFloatGradientsFrom<double>(t.g, run.values(), s, grads);
  Print(r, t.g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->node, 1);
  EXPECT_EQ(r.mismatch->element, "[1,2]");
}

// matmul [3,4]·[4,2] of positive values (M = |exact|, so the bound is about γ₄|exact|): a value
// or a gradient off by a relative 1e-6 is far outside it at float and at double.
template <class F>
void ExpectMatmulRelativeErrorCaught() {
  SCOPED_TRACE(ScalarTraits<F>::name);
  GraphBuilder b({Shape{3, 4}, Shape{4, 2}});
  const Var mm = b.matmul(b.arg(0), b.arg(1));
  b.sum(b.square(mm));
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<F>> in = {Positive<F>(Shape{3, 4}, 21), Positive<F>(Shape{4, 2}, 22)};
  const Compiled<F> run = Unwrap(compile<F>(g, in));
  ASSERT_TRUE(oracle::checkFloatForward<F>(g, run.values()).ok());

  Context<F> bad = run.values();
  bad.mutableData(mm.id)[3] *= F(1 + 1e-6);
  const oracle::FloatCheckResult r = oracle::checkFloatForward<F>(g, bad);
  Print(r, g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.mismatch->node, mm.id);
  EXPECT_EQ(r.mismatch->element, "[1,1]");

  const Tensor<F> seed = Positive<F>(Shape{3, 2}, 23);
  Context<F> grads = Unwrap(run.tape().backwardDenseAll(mm.id, seed));
  ASSERT_TRUE(oracle::checkFloatGradientsAll<F>(g, run.values(), mm.id, seed, grads).ok());
  grads.mutableData(1)[5] *= F(1 + 1e-6);  // b's gradient aᵀ·δ, element [2,1]
  const oracle::FloatCheckResult rg =
      oracle::checkFloatGradientsAll<F>(g, run.values(), mm.id, seed, grads);
  Print(rg, g);
  ASSERT_FALSE(rg.ok());
  EXPECT_EQ(rg.mismatch->what, "float-gradient");
  EXPECT_EQ(rg.mismatch->node, 1);
  EXPECT_EQ(rg.mismatch->element, "[2,1]");
}

TEST(FloatMutation, AMatmulOffByARelativeMillionthIsCaught) {
  ExpectMatmulRelativeErrorCaught<double>();
  ExpectMatmulRelativeErrorCaught<float>();
}

}  // namespace
}  // namespace verigrad::testing
