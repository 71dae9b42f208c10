// The spec at the interval scalar, derivatives: the dual rules of the elementary functions, the
// kink conventions as hulls when the primal comparison is Ambiguous, denseGradient of each
// transcendental op against its hand derivative (contained and narrow), and overlapping
// enclosures through every kink (relu, abs, max, min, clamp, sqrt, softmax's max, layerNorm's
// variance clamp): no abort, and hulls that contain every branch.
#include "spec_interval_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

ID Di(Interval value, std::initializer_list<const char*> tangents) {
  std::vector<Interval> t;
  for (const char* x : tangents) t.push_back(I(x));
  return ID(std::move(value), std::move(t));
}

// Tangent entry k contains every one of `values`.
::testing::AssertionResult TangentContains(const ID& d, size_t k,
                                           std::initializer_list<const char*> values) {
  const Interval t = d.tangentAt(k);
  for (const char* q : values) {
    if (!t.contains(R(q))) {
      return ::testing::AssertionFailure() << "tangent " << k << " = " << t.str() << " lacks " << q;
    }
  }
  return ::testing::AssertionSuccess();
}

// ---- Dual<Interval>: the elementary rules

TEST(SpecIntervalDual, ElementaryRules) {
  const ID e = exp(Di(I("1"), {"1", "2"}));
  EXPECT_TRUE(EnclosesNarrowly(e.value, RefExp(1)));
  EXPECT_TRUE(EnclosesNarrowly(e.tangentAt(0), RefExp(1)));
  EXPECT_TRUE(EnclosesNarrowly(e.tangentAt(1), I("2") * RefExp(1)));
  EXPECT_TRUE(EnclosesNarrowly(log(Di(I("2"), {"1"})).tangentAt(0), "1/2"));
  EXPECT_TRUE(EnclosesNarrowly(log1p(Di(I("1"), {"1"})).tangentAt(0), "1/2"));
  EXPECT_TRUE(EnclosesNarrowly(tanh(Di(I("0"), {"3"})).tangentAt(0), "3"));
  const ID r = sqrt(Di(I("4"), {"1"}));
  EXPECT_TRUE(EnclosesNarrowly(r.value, "2"));
  EXPECT_TRUE(EnclosesNarrowly(r.tangentAt(0), "1/4"));
  EXPECT_TRUE(exp(ID(I("1"))).hasZeroTangent());  // a constant stays a constant
}

TEST(SpecIntervalDual, SqrtDerivativeIsZeroAtAndBelowZeroAndUnknownAcrossIt) {
  for (const char* x : {"0", "-1"}) {
    const ID r = sqrt(Di(I(x), {"1"}));
    EXPECT_TRUE(EnclosesNarrowly(r.value, "0")) << x;
    EXPECT_TRUE(EnclosesNarrowly(r.tangentAt(0), "0")) << x;
  }
  // 1/(2 sqrt t) is unbounded as t -> 0+: the tangent claims nothing (never narrow).
  const ID across = sqrt(Di(Span("-1", "1"), {"1"}));
  for (const char* q : {"0", "1"}) EXPECT_TRUE(across.value.contains(R(q))) << q;
  EXPECT_FALSE(Narrow(across.tangentAt(0)));
  EXPECT_TRUE(sqrt(ID(Span("-1", "1"))).hasZeroTangent());
}

// ---- Dual<Interval>: the kink conventions

TEST(SpecIntervalDual, KinksAtDecidablePointsFollowTheConventions) {
  EXPECT_TRUE(EnclosesNarrowly(relu(Di(I("0"), {"3"})).tangentAt(0), "0"));      // relu'(0) = 0
  EXPECT_TRUE(EnclosesNarrowly(absolute(Di(I("0"), {"3"})).tangentAt(0), "0"));  // sign(0) = 0
  const ID tie = maximum(Di(I("1/2"), {"1", "0"}), Di(I("1/2"), {"0", "1"}));
  EXPECT_TRUE(EnclosesNarrowly(tie.tangentAt(0), "1/2"));  // ties split 0.5/0.5
  EXPECT_TRUE(EnclosesNarrowly(tie.tangentAt(1), "1/2"));
  EXPECT_TRUE(EnclosesNarrowly(clampTo(Di(I("1"), {"1"}), I("0"), I("1")).tangentAt(0), "0"));
  EXPECT_TRUE(EnclosesNarrowly(clampTo(Di(I("1/3"), {"1"}), I("0"), I("1")).tangentAt(0), "1"));
}

TEST(SpecIntervalDual, KinksAtAmbiguousValuesHullTheBranchTangents) {
  const Interval x = Span("-1/4", "1/2");
  EXPECT_TRUE(TangentContains(relu(Di(x, {"3"})), 0, {"0", "3"}));
  EXPECT_TRUE(TangentContains(absolute(Di(x, {"3"})), 0, {"-3", "0", "3"}));
  EXPECT_TRUE(signum(Di(x, {"3"})).hasZeroTangent());
  const ID a = Di(Span("0", "1"), {"1", "0"}), b = Di(Span("1/2", "3/2"), {"0", "1"});
  for (const ID& m : {maximum(a, b), minimum(a, b)}) {
    EXPECT_TRUE(TangentContains(m, 0, {"0", "1/2", "1"}));
    EXPECT_TRUE(TangentContains(m, 1, {"0", "1/2", "1"}));
  }
  EXPECT_TRUE(
      TangentContains(clampTo(Di(Span("-1/2", "1/2"), {"1"}), I("0"), I("1")), 0, {"0", "1"}));
  // lo == hi: the derivative is 0 everywhere, decided without x.
  EXPECT_TRUE(
      EnclosesNarrowly(clampTo(Di(Span("0", "1"), {"1"}), I("1/2"), I("1/2")).tangentAt(0), "0"));
}

// ---- denseGradient of each transcendental op against its hand derivative

// The gradient of every input of g when the last value is seeded with `seed`.
std::vector<IV> InputGradients(const Graph& g, const std::vector<IV>& inputs, const IV& seed) {
  std::vector<IV> seeds = Ok(oneHotSeeds(g, g.numValues() - 1, seed));
  std::vector<IV> grads = Ok(denseGradient(g, inputs, seeds));
  grads.resize(g.numInputs());
  return grads;
}

IV Ones(const Shape& s) {
  IV v = zeros<Interval>(s);
  for (Interval& x : v.data) x = Interval(1);
  return v;
}

// d op(x) / dx elementwise (seed 1 at every output element).
IV UnaryGradient(const std::function<Var(GraphBuilder&, Var)>& op, const IV& x) {
  GraphBuilder b({x.shape});
  op(b, b.arg(0));
  Graph g = Finish(b);
  return InputGradients(g, {x}, Ones(x.shape))[0];
}

void ExpectEach(const IV& got, const std::vector<Interval>& want, const std::string& what) {
  ASSERT_EQ(got.data.size(), want.size()) << what;
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_TRUE(EnclosesNarrowly(got.data[k], want[k])) << what << " element " << k;
  }
}

TEST(SpecIntervalGradient, ExpLogSqrt) {
  ExpectEach(
      UnaryGradient([](GraphBuilder& b, Var x) { return b.exp(x); }, IVal(Shape{2}, {"0", "1"})),
      {I("1"), RefExp(1)}, "exp'");
  ExpectEach(
      UnaryGradient([](GraphBuilder& b, Var x) { return b.log(x); }, IVal(Shape{2}, {"2", "1/3"})),
      {I("1/2"), I("3")}, "log'");
  ExpectEach(UnaryGradient([](GraphBuilder& b, Var x) { return b.sqrt(x); },
                           IVal(Shape{4}, {"4", "1/4", "0", "-1"})),
             {I("1/4"), I("1"), I("0"), I("0")}, "sqrt'");
}

TEST(SpecIntervalGradient, SigmoidTanhSoftplusSafeLog) {
  const IV x = IVal(Shape{2}, {"0", "1"});
  const Interval s1 = RefSigmoid(1), t1 = RefTanh(1);
  ExpectEach(UnaryGradient([](GraphBuilder& b, Var v) { return b.sigmoid(v); }, x),
             {I("1/4"), s1 * (I("1") - s1)}, "sigmoid' = s (1 - s)");
  ExpectEach(UnaryGradient([](GraphBuilder& b, Var v) { return b.tanh(v); }, x),
             {I("1"), I("1") - t1 * t1}, "tanh' = 1 - tanh²");
  ExpectEach(UnaryGradient([](GraphBuilder& b, Var v) { return b.softplus(v); }, x), {I("1/2"), s1},
             "softplus' = sigmoid");
  // safeLog'(x) = sigmoid(x) / (softplus(x) + eps), eps = 1/2.
  const Interval at0 = Ok(verigrad::divide(I("1/2"), RefLog(2) + I("1/2")));
  const Interval at1 = Ok(verigrad::divide(s1, RefSoftplus(1) + I("1/2")));
  ExpectEach(UnaryGradient([](GraphBuilder& b, Var v) { return b.safeLog(v, L("1/2")); }, x),
             {at0, at1}, "safeLog'");
}

TEST(SpecIntervalGradient, SoftmaxAndLogSoftmaxOfEqualEntries) {
  // y = 1/3 each; dy_0/dx_j = y_0 (δ_0j - y_j): [2/9, -1/9, -1/9]. logSoftmax: δ_0j - y_j.
  const IV x = IVal(Shape{3}, {"5", "5", "5"});
  const IV e0 = IVal(Shape{3}, {"1", "0", "0"});
  GraphBuilder b({Shape{3}});
  b.softmax(b.arg(0));
  Graph g = Finish(b);
  ExpectEach(InputGradients(g, {x}, e0)[0], {I("2/9"), I("-1/9"), I("-1/9")}, "softmax'");
  GraphBuilder b2({Shape{3}});
  b2.logSoftmax(b2.arg(0));
  Graph g2 = Finish(b2);
  ExpectEach(InputGradients(g2, {x}, e0)[0], {I("2/3"), I("-1/3"), I("-1/3")}, "logSoftmax'");
  // A scalar row: softmax is 1 and logSoftmax 0 whatever x, so the derivative is 0.
  for (bool log : {false, true}) {
    GraphBuilder bs({Shape{}});
    log ? bs.logSoftmax(bs.arg(0)) : bs.softmax(bs.arg(0));
    Graph gs = Finish(bs);
    ExpectEach(InputGradients(gs, {IVal(Shape{}, {"2"})}, IVal(Shape{}, {"1"}))[0], {I("0")},
               "scalar row");
  }
}

TEST(SpecIntervalGradient, LayerNormOfOneTwoThree) {
  // x = [1,2,3], γ = 1, β = 0, eps = 1/3: std = 1, x̂ = [-1,0,1]. Seed e_0:
  // dx = invstd (δγ - mean(δγ) - x̂ mean(δγ x̂)) = [1/3, -1/3, 0]; dγ = δ x̂; dβ = δ.
  GraphBuilder b({Shape{1, 3}, Shape{3}, Shape{3}});
  b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("1/3"));
  Graph g = Finish(b);
  std::vector<IV> grads =
      InputGradients(g,
                     {IVal(Shape{1, 3}, {"1", "2", "3"}), IVal(Shape{3}, {"1", "1", "1"}),
                      IVal(Shape{3}, {"0", "0", "0"})},
                     IVal(Shape{1, 3}, {"1", "0", "0"}));
  ExpectEach(grads[0], {I("1/3"), I("-1/3"), I("0")}, "dx");
  ExpectEach(grads[1], {I("-1"), I("0"), I("0")}, "dgamma");
  ExpectEach(grads[2], {I("1"), I("0"), I("0")}, "dbeta");
}

TEST(SpecIntervalGradient, JvpCarriesTangentsThroughTheTranscendentalOps) {
  // d/dt softmax(x + t v) at x = (5, 5, 5), v = (1, 0, 0): J v = (2/9, -1/9, -1/9); then exp of
  // logSoftmax gives back softmax, with the same tangent.
  GraphBuilder b({Shape{3}});
  Var p = b.softmax(b.arg(0));
  b.exp(b.logSoftmax(b.arg(0)));
  Graph g = Finish(b);
  std::vector<IV> t = Ok(jvp(g, std::vector<IV>{IVal(Shape{3}, {"5", "5", "5"})},
                             std::vector<IV>{IVal(Shape{3}, {"1", "0", "0"})}));
  ExpectEach(t[p.id], {I("2/9"), I("-1/9"), I("-1/9")}, "softmax tangent");
  ExpectEach(t.back(), {I("2/9"), I("-1/9"), I("-1/9")}, "exp(logSoftmax) tangent");
}

// ---- overlapping enclosures through every kink: no abort, hulls of the branches

struct KinkCase {
  std::string name;
  std::function<void(GraphBuilder&, Var, Var)> build;  // operands: x, y
};

// Evaluates and differentiates (seed 1 at every output element) op(x, y) with overlapping
// enclosures; returns the output value and the gradients of x and y.
std::vector<IV> ThroughKink(const KinkCase& c, const IV& x, const IV& y) {
  GraphBuilder b({x.shape, y.shape});
  c.build(b, b.arg(0), b.arg(1));
  Graph g = Finish(b);
  std::vector<IV> inputs{x, y};
  std::vector<IV> values = Ok(evaluate(g, inputs));
  std::vector<IV> grads = InputGradients(g, inputs, Ones(g.shapeOf(g.numValues() - 1)));
  return {values.back(), grads[0], grads[1]};
}

void ExpectContains(const Interval& x, std::initializer_list<const char*> values,
                    const std::string& what) {
  for (const char* q : values) EXPECT_TRUE(x.contains(R(q))) << what << ": " << x << " lacks " << q;
}

TEST(SpecIntervalKinks, ReluAbsClampSqrtAcrossTheirKinks) {
  const IV x{Shape{1}, {Span("-1/4", "1/2")}};
  const IV unused = IVal(Shape{1}, {"0"});
  auto relu = ThroughKink({"relu", [](GraphBuilder& b, Var v, Var) { b.relu(v); }}, x, unused);
  ExpectContains(relu[0].data[0], {"0", "1/2"}, "relu value");
  ExpectContains(relu[1].data[0], {"0", "1"}, "relu'");
  auto abs = ThroughKink({"abs", [](GraphBuilder& b, Var v, Var) { b.abs(v); }}, x, unused);
  ExpectContains(abs[0].data[0], {"0", "1/4", "1/2"}, "abs value");
  ExpectContains(abs[1].data[0], {"-1", "0", "1"}, "abs'");
  auto clamp = ThroughKink(
      {"clamp", [](GraphBuilder& b, Var v, Var) { b.clamp(v, L("0"), L("1")); }}, x, unused);
  ExpectContains(clamp[0].data[0], {"0", "1/2"}, "clamp value");
  ExpectContains(clamp[1].data[0], {"0", "1"}, "clamp'");
  auto root = ThroughKink({"sqrt", [](GraphBuilder& b, Var v, Var) { b.sqrt(v); }}, x, unused);
  ExpectContains(root[0].data[0], {"0", "1/2"}, "sqrt value");
  EXPECT_FALSE(Narrow(root[1].data[0])) << "sqrt' is unbounded near 0+: inconclusive";
}

TEST(SpecIntervalKinks, MaxAndMinOfOverlappingOperands) {
  const IV a{Shape{1}, {Span("0", "1")}}, b{Shape{1}, {Span("1/2", "3/2")}};
  for (bool isMax : {true, false}) {
    auto r =
        ThroughKink({isMax ? "max" : "min",
                     [isMax](GraphBuilder& g, Var u, Var v) { isMax ? g.max(u, v) : g.min(u, v); }},
                    a, b);
    ExpectContains(r[0].data[0], {"1/2", "1"}, "value");
    ExpectContains(r[1].data[0], {"0", "1/2", "1"}, "d/da");
    ExpectContains(r[2].data[0], {"0", "1/2", "1"}, "d/db");
  }
}

TEST(SpecIntervalKinks, SoftmaxShiftOfOverlappingEntries) {
  // At the point (1/2, 1/2) of the box: softmax 1/2 each, and with seed e_0 the gradient
  // [1/4, -1/4]; both lie in the enclosures.
  const IV x{Shape{2}, {Span("0", "1"), Span("1/2", "3/2")}};
  GraphBuilder b({Shape{2}});
  b.softmax(b.arg(0));
  Graph g = Finish(b);
  IV y = Ok(evaluate(g, std::vector<IV>{x})).back();
  ExpectContains(y.data[0], {"1/2"}, "softmax value 0");
  ExpectContains(y.data[1], {"1/2"}, "softmax value 1");
  IV dx = InputGradients(g, {x}, IVal(Shape{2}, {"1", "0"}))[0];
  ExpectContains(dx.data[0], {"1/4"}, "softmax' 0");
  ExpectContains(dx.data[1], {"-1/4"}, "softmax' 1");
  // Narrow overlapping entries (the same non-dyadic value): an Ambiguous max, and still narrow.
  IV thirds = IVal(Shape{2}, {"1/3", "1/3"});
  IV dt = InputGradients(g, {thirds}, IVal(Shape{2}, {"1", "0"}))[0];
  EXPECT_TRUE(EnclosesNarrowly(dt.data[0], "1/4"));
  EXPECT_TRUE(EnclosesNarrowly(dt.data[1], "-1/4"));
}

TEST(SpecIntervalKinks, LayerNormVarianceClampOfAnAlmostConstantRow) {
  // Overlapping entries around 1: the variance enclosure straddles 0, so the clamp max(var, 0)
  // is Ambiguous. At the point (1, 1, 1) of the box: y = β = 0, and with seed e_0, eps = 1
  // (std = 1, x̂ = 0): dx = [2/3, -1/3, -1/3], dγ = 0, dβ = [1, 0, 0].
  const Interval near1 = Span("7/8", "9/8");
  GraphBuilder b({Shape{1, 3}, Shape{3}, Shape{3}});
  b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("1"));
  Graph g = Finish(b);
  const std::vector<IV> inputs{IV{Shape{1, 3}, {near1, near1, near1}},
                               IVal(Shape{3}, {"1", "1", "1"}), IVal(Shape{3}, {"0", "0", "0"})};
  IV y = Ok(evaluate(g, inputs)).back();
  for (const Interval& v : y.data) ExpectContains(v, {"0"}, "layerNorm value");
  std::vector<IV> grads = InputGradients(g, inputs, IVal(Shape{1, 3}, {"1", "0", "0"}));
  ExpectContains(grads[0].data[0], {"2/3"}, "dx 0");
  ExpectContains(grads[0].data[1], {"-1/3"}, "dx 1");
  ExpectContains(grads[0].data[2], {"-1/3"}, "dx 2");
  for (const Interval& v : grads[1].data) ExpectContains(v, {"0"}, "dgamma");
  ExpectContains(grads[2].data[0], {"1"}, "dbeta");
  // The same with narrow overlapping entries (1/3 is not a point): the clamp is Ambiguous and
  // every result is still narrow.
  const std::vector<IV> thirds{IVal(Shape{1, 3}, {"1/3", "1/3", "1/3"}),
                               IVal(Shape{3}, {"1", "1", "1"}), IVal(Shape{3}, {"0", "0", "0"})};
  std::vector<IV> gt = InputGradients(g, thirds, IVal(Shape{1, 3}, {"1", "0", "0"}));
  ExpectEach(gt[0], {I("2/3"), I("-1/3"), I("-1/3")}, "dx at thirds");
}

}  // namespace
}  // namespace verigrad::spec
