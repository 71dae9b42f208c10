// Mutation check of the interval comparison (issue 6 acceptance): for each of the ten
// transcendental ops, starting from engine<Interval>'s correct gradients (which agree with
// spec<Interval>::denseGradient, every element conclusive), the contribution a specific buggy VJP
// would produce is computed at Interval with the buggy formula and written into the operand's
// slot; oracle::compareInterval must then name exactly that value and element, with both
// enclosures narrow and disjoint: the bug is caught by a proof of disagreement, not by a
// tolerance.
//
// Every graph is out = sum(op(x, ...) ⊙ w): the op receives δ = w exactly, and its operand x (an
// input, value 0) receives the op's VJP of w alone.
#include <functional>
#include <iostream>

#include "test_support.hpp"
#include "verigrad/oracle/compare_interval.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::testing {
namespace {

using IntervalValues = std::vector<spec::Value<Interval>>;
using Row = std::vector<Interval>;

struct MutationCase {
  std::string name;
  Graph graph;
  std::vector<Tensor<Rational>> inputs;
  // The buggy VJP's contribution to value 0 (x), from the inputs (x, ..., w) at Interval.
  std::function<Row(const std::vector<Tensor<Interval>>&)> buggy;
  std::string element;  // the first element where the bug shows
};

Interval Div(const Interval& a, const Interval& b) { return Unwrap(divide(a, b)); }

Row RowOf(const Tensor<Interval>& t) { return Row(t.span().begin(), t.span().end()); }

void ExpectCaught(const MutationCase& c) {
  SCOPED_TRACE(c.name);
  const std::vector<Tensor<Interval>> inputs = oracle::toIntervalTensors(c.inputs);
  const Compiled<Interval> run = Unwrap(compile<Interval>(c.graph, inputs));
  const IntervalValues specInputs = oracle::toSpecValues(std::span<const Tensor<Interval>>(inputs));
  const IntervalValues seeds = Unwrap(spec::oneHotSeeds<Interval>(
      c.graph, outId(c.graph), spec::Value<Interval>{Shape{}, {Interval(1)}}));
  const IntervalValues expected = Unwrap(spec::denseGradient<Interval>(c.graph, specInputs, seeds));

  Context<Interval> grads = Unwrap(run.backwardDenseAllFromOutput());
  const oracle::IntervalComparison correct = oracle::compareInterval(grads, expected, "gradient");
  ASSERT_FALSE(correct.failed()) << oracle::summarizeMismatch(*correct.mismatch, c.graph);
  ASSERT_TRUE(correct.conclusive()) << correct.inconclusive << " inconclusive";

  const Row wrong = c.buggy(inputs);
  ASSERT_EQ(static_cast<int64_t>(wrong.size()), grads[0].numel());
  for (size_t k = 0; k < wrong.size(); ++k) grads.mutableData(0)[k] = wrong[k];

  const oracle::IntervalComparison r = oracle::compareInterval(grads, expected, "gradient");
  ASSERT_TRUE(r.failed());
  std::cout << "[ report ] " << c.name << ": " << oracle::summarizeMismatch(*r.mismatch, c.graph)
            << "\n";
  EXPECT_EQ(r.mismatch->what, "gradient");
  EXPECT_EQ(r.mismatch->node, 0);
  EXPECT_EQ(r.mismatch->element, c.element);

  // Both enclosures narrow, and disjoint: a proof that the true values differ.
  const int64_t e = [&] {
    for (int64_t k = 0; k < grads[0].numel(); ++k) {
      if (grads.shape(0).indexText(k) == c.element) return k;
    }
    return int64_t{-1};
  }();
  ASSERT_GE(e, 0);
  const Interval& engine = grads[0][e];
  const Interval& spec = expected[0].data[static_cast<size_t>(e)];
  EXPECT_TRUE(isNarrow(engine, oracle::acceptanceFloor(engine.precision()))) << engine.str();
  EXPECT_TRUE(isNarrow(spec, oracle::acceptanceFloor(spec.precision()))) << spec.str();
  EXPECT_FALSE(overlaps(engine, spec));
}

// out = sum(op(x) ⊙ w) for an elementwise op on x[3].
template <class Build>
Graph Elementwise(Build op) {
  GraphBuilder b({Shape{3}, Shape{3}});
  b.sum(b.mul(op(b, b.arg(0)), b.arg(1)));
  return Unwrap(b.finish());
}

// δ_i ⊙ f(x_i) for an elementwise bug f.
template <class F>
std::function<Row(const std::vector<Tensor<Interval>>&)> Pointwise(F f) {
  return [f](const std::vector<Tensor<Interval>>& in) {
    Row out;
    for (int64_t i = 0; i < in[0].numel(); ++i) out.push_back(in[1][i] * f(in[0][i]));
    return out;
  };
}

std::vector<Tensor<Rational>> ActivationInputs() {
  return {TQ(Shape{3}, {"1/2", "-3/4", "2"}), TQ(Shape{3}, {"3/2", "-1", "2/3"})};
}
std::vector<Tensor<Rational>> PositiveInputs() {
  return {TQ(Shape{3}, {"3/2", "1/3", "5"}), TQ(Shape{3}, {"3/2", "-1", "2/3"})};
}

MutationCase TanhOneMinusTanh() {
  return {"tanh' = 1 - tanh", Elementwise([](GraphBuilder& b, Var x) { return b.tanh(x); }),
          ActivationInputs(), Pointwise([](const Interval& x) { return Interval(1) - tanh(x); }),
          "[0]"};
}

MutationCase SigmoidWithoutOneMinusS() {
  return {"sigmoid' = s", Elementwise([](GraphBuilder& b, Var x) { return b.sigmoid(x); }),
          ActivationInputs(), Pointwise([](const Interval& x) { return sigmoid(x); }), "[0]"};
}

MutationCase SoftplusDerivativeExp() {
  return {"softplus' = exp(x)", Elementwise([](GraphBuilder& b, Var x) { return b.softplus(x); }),
          ActivationInputs(), Pointwise([](const Interval& x) { return exp(x); }), "[0]"};
}

MutationCase ExpDerivativeOne() {
  return {"exp' = 1", Elementwise([](GraphBuilder& b, Var x) { return b.exp(x); }),
          ActivationInputs(), Pointwise([](const Interval&) { return Interval(1); }), "[0]"};
}

MutationCase LogDerivativeInverseSquare() {
  return {"log' = 1/x^2", Elementwise([](GraphBuilder& b, Var x) { return b.log(x); }),
          PositiveInputs(),
          Pointwise([](const Interval& x) { return Div(Interval(1), square(x)); }), "[0]"};
}

MutationCase SqrtWithoutTheTwo() {
  return {"sqrt' = 1/sqrt(x)", Elementwise([](GraphBuilder& b, Var x) { return b.sqrt(x); }),
          PositiveInputs(), Pointwise([](const Interval& x) { return Div(Interval(1), sqrt(x)); }),
          "[0]"};
}

MutationCase SafeLogWithoutSigmoid() {
  const ExactLiteral eps = L("1/1000");
  return {
      "safeLog' without the sigmoid factor",
      Elementwise([eps](GraphBuilder& b, Var x) { return b.safeLog(x, eps); }), ActivationInputs(),
      Pointwise([eps](const Interval& x) { return Div(Interval(1), softplus(x) + Interval(eps)); }),
      "[0]"};
}

// Rows of a [2,3] softmax-family op: x and w.
std::vector<Tensor<Rational>> RowInputs() {
  return {TQ(Shape{2, 3}, {"1/2", "-1", "2", "0", "3/4", "-5/4"}),
          TQ(Shape{2, 3}, {"1", "-2", "1/2", "3/2", "-1/3", "2"})};
}

template <class Build>
Graph RowGraph(Build op) {
  GraphBuilder b({Shape{2, 3}, Shape{2, 3}});
  b.sum(b.mul(op(b, b.arg(0)), b.arg(1)));
  return Unwrap(b.finish());
}

// softmax of one row, at Interval.
Row SoftmaxRow(const Interval* x, int n) {
  Row e;
  Interval total(0);
  for (int j = 0; j < n; ++j) {
    e.push_back(exp(x[j]));
    total += e.back();
  }
  for (Interval& v : e) v = Div(v, total);
  return e;
}

MutationCase SoftmaxWithoutSum() {
  return {"softmax VJP without the sum term",
          RowGraph([](GraphBuilder& b, Var x) { return b.softmax(x); }), RowInputs(),
          [](const std::vector<Tensor<Interval>>& in) {
            Row out;
            for (int r = 0; r < 2; ++r) {
              const Row y = SoftmaxRow(&in[0][3 * r], 3);
              for (int j = 0; j < 3; ++j) out.push_back(y[j] * in[1][3 * r + j]);  // y ⊙ δ
            }
            return out;
          },
          "[0,0]"};
}

MutationCase LogSoftmaxWithoutExpSum() {
  return {"logSoftmax VJP without exp(y) * sum(delta)",
          RowGraph([](GraphBuilder& b, Var x) { return b.logSoftmax(x); }), RowInputs(),
          [](const std::vector<Tensor<Interval>>& in) { return RowOf(in[1]); },  // δ alone
          "[0,0]"};
}

// layerNorm x[2,3], γ[3], β[3], w[2,3]; the bug drops mean(δγ) from dx.
MutationCase LayerNormWithoutMeanTerm() {
  const ExactLiteral eps = L("1/1000");
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}, Shape{2, 3}});
  b.sum(b.mul(b.layerNorm(b.arg(0), b.arg(1), b.arg(2), eps), b.arg(3)));
  return {
      "layerNorm dx without mean(delta*gamma)",
      Unwrap(b.finish()),
      {TQ(Shape{2, 3}, {"1/2", "-1", "2", "0", "3/4", "-5/4"}), TQ(Shape{3}, {"2", "-1/2", "1"}),
       TQ(Shape{3}, {"1/4", "0", "-1"}), TQ(Shape{2, 3}, {"1", "-2", "1/2", "3/2", "1/3", "2"})},
      [eps](const std::vector<Tensor<Interval>>& in) {
        const Interval three(3);
        Row out;
        for (int r = 0; r < 2; ++r) {
          const Interval* x = &in[0][3 * r];
          const Interval* w = &in[3][3 * r];
          const Interval mean = Div(x[0] + x[1] + x[2], three);
          Interval var(0);
          for (int j = 0; j < 3; ++j) var += square(x[j] - mean);
          const Interval sigma = sqrt(Div(var, three) + Interval(eps));
          Row xhat, dg;
          Interval dgXhat(0);
          for (int j = 0; j < 3; ++j) {
            xhat.push_back(Div(x[j] - mean, sigma));
            dg.push_back(w[j] * in[1][j]);
            dgXhat += dg.back() * xhat.back();
          }
          for (int j = 0; j < 3; ++j) {
            out.push_back(Div(dg[j] - xhat[j] * Div(dgXhat, three), sigma));
          }
        }
        return out;
      },
      "[0,0]"};
}

TEST(IntervalMutation, CompareIntervalNamesTheWrongValueAndElement) {
  for (const MutationCase& c :
       {TanhOneMinusTanh(), SoftmaxWithoutSum(), LogSoftmaxWithoutExpSum(),
        LayerNormWithoutMeanTerm(), SigmoidWithoutOneMinusS(), SoftplusDerivativeExp(),
        ExpDerivativeOne(), LogDerivativeInverseSquare(), SafeLogWithoutSigmoid(),
        SqrtWithoutTheTwo()}) {
    ExpectCaught(c);
  }
}

// A wrong forward value is named the same way: tanh computed as x (its first-order Taylor term).
TEST(IntervalMutation, AWrongForwardValueIsNamed) {
  const Graph g = Elementwise([](GraphBuilder& b, Var x) { return b.tanh(x); });
  const std::vector<Tensor<Interval>> in = oracle::toIntervalTensors(ActivationInputs());
  const Compiled<Interval> run = Unwrap(compile<Interval>(g, in));
  const IntervalValues expected = Unwrap(
      spec::evaluate<Interval>(g, oracle::toSpecValues(std::span<const Tensor<Interval>>(in))));
  Context<Interval> values = run.values();
  ASSERT_TRUE(oracle::compareInterval(values, expected, "value").conclusive());
  values.mutableData(2)[1] = in[0][1];  // tanh(-3/4) replaced by -3/4
  const oracle::IntervalComparison r = oracle::compareInterval(values, expected, "value");
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.mismatch->node, 2);
  EXPECT_EQ(r.mismatch->element, "[1]");
}

}  // namespace
}  // namespace verigrad::testing
