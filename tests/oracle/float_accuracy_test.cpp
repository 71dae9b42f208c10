// The end-to-end accuracy report on a small MLP: it runs at float and double, measures every
// value and every gradient of the output, and gives finite, plausible numbers (no accuracy is
// asserted: the report is a report). Inputs that float cannot hold exactly are refused. Graphs
// with transcendental ops are measured against the interval spec, and the per-op sweep of
// `verigrad accuracy` covers the ten transcendental ops.
#include "verigrad/oracle/float_accuracy.hpp"

#include <cmath>
#include <iostream>
#include <set>

#include "float_case.hpp"

namespace verigrad::testing {
namespace {

// x[4] → relu(linear(W1, b1, x)) → linear(W2, b2, ·) → mseLoss against t[3].
Graph Mlp() {
  GraphBuilder b({Shape{4}, Shape{5, 4}, Shape{5}, Shape{3, 5}, Shape{3}, Shape{3}});
  const Var h = b.relu(b.linear(b.arg(1), b.arg(2), b.arg(0)));
  b.mseLoss(b.linear(b.arg(3), b.arg(4), h), b.arg(5));
  return Unwrap(b.finish());
}

// Non-dyadic values that float holds exactly (so both formats start from the same inputs).
std::vector<Tensor<Rational>> FloatExactInputs(const Graph& g) {
  std::vector<Tensor<Rational>> in;
  for (size_t i = 0; i < g.numInputs(); ++i) {
    const Tensor<float> f = PseudoTensor<float>(g.inputs()[i], 31 + i);
    Tensor<Rational> t(f.shape());
    for (int64_t k = 0; k < f.numel(); ++k) t[k] = Rational::fromFloat(f[k]);
    in.push_back(std::move(t));
  }
  return in;
}

void ExpectPlausible(const oracle::UlpStats& s) {
  EXPECT_TRUE(std::isfinite(s.maxUlps));
  EXPECT_TRUE(std::isfinite(s.medianUlps));
  EXPECT_GE(s.maxUlps, 0.0);
  EXPECT_GE(s.medianUlps, 0.0);
  EXPECT_LE(s.medianUlps, s.maxUlps);
  EXPECT_EQ(s.nonFinite, 0u);
}

template <class F>
void ExpectReport() {
  SCOPED_TRACE(ScalarTraits<F>::name);
  const Graph g = Mlp();
  const std::vector<Tensor<Rational>> in = FloatExactInputs(g);
  const oracle::AccuracyReport r =
      Unwrap(oracle::measureFloatAccuracy<F>(g, std::span<const Tensor<Rational>>(in)));
  std::cout << oracle::formatAccuracyReport(r, g);

  ASSERT_EQ(r.values.size(), g.numValues());
  ASSERT_EQ(r.gradients.size(), g.numValues());
  EXPECT_TRUE(r.gradientNote.empty());
  for (const oracle::ValueAccuracy& v : r.values) {
    ExpectPlausible(v.stats);
    EXPECT_EQ(v.stats.elements, static_cast<uint64_t>(g.shapeOf(v.id).numel()));
    if (g.isInput(v.id)) {
      EXPECT_EQ(v.stats.maxUlps, 0.0) << "inputs are exact";
    }
  }
  for (const oracle::ValueAccuracy& v : r.gradients) ExpectPlausible(v.stats);
  for (const oracle::OpAccuracy& o : r.valueOps) ExpectPlausible(o.stats);
  for (const oracle::OpAccuracy& o : r.gradientOps) ExpectPlausible(o.stats);
  // inputs, linear, relu, mseLoss
  EXPECT_EQ(r.valueOps.size(), 4u);
}

TEST(FloatAccuracy, ReportsAnMlpAtDoubleAndFloat) {
  ExpectReport<double>();
  ExpectReport<float>();
}

TEST(FloatAccuracy, RefusesInputsTheFormatCannotHold) {
  const Graph g = Mlp();
  std::vector<Tensor<Rational>> in = FloatExactInputs(g);
  in[2][1] = Q("1/3");
  const auto r = oracle::measureFloatAccuracy<double>(g, std::span<const Tensor<Rational>>(in));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().node, 2);
}

TEST(FloatAccuracy, ANonScalarOutputHasNoGradientSection) {
  GraphBuilder b({Shape{3}});
  b.scale(b.arg(0), L("1/3"));
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<Rational>> in = {TQ(Shape{3}, {"1", "-2", "1/4"})};
  const oracle::AccuracyReport r =
      Unwrap(oracle::measureFloatAccuracy<float>(g, std::span<const Tensor<Rational>>(in)));
  EXPECT_TRUE(r.gradients.empty());
  EXPECT_FALSE(r.gradientNote.empty());
  // 1/3 rounded once: at most half an ulp of the exact value.
  EXPECT_LE(r.values[1].stats.maxUlps, 0.5);
}

// A graph with transcendental ops is measured against the spec at the interval scalar: the first
// op on exact inputs (tanh) is off by no more than the libm's error plus the final rounding.
template <class F>
void ExpectTranscendentalReport() {
  SCOPED_TRACE(ScalarTraits<F>::name);
  GraphBuilder b({Shape{2, 3}, Shape{2, 3}});
  b.sum(b.mul(b.softmax(b.tanh(b.arg(0))), b.arg(1)));
  const Graph g = Unwrap(b.finish());
  const std::vector<Tensor<Rational>> in = FloatExactInputs(g);
  const oracle::AccuracyReport r =
      Unwrap(oracle::measureFloatAccuracy<F>(g, std::span<const Tensor<Rational>>(in)));
  std::cout << oracle::formatAccuracyReport(r, g);
  EXPECT_NE(r.reference.find("interval"), std::string::npos);
  ASSERT_EQ(r.gradients.size(), g.numValues());
  for (const oracle::ValueAccuracy& v : r.values) {
    ExpectPlausible(v.stats);
    EXPECT_EQ(v.stats.unresolved, 0u);
    EXPECT_EQ(v.stats.elements, static_cast<uint64_t>(g.shapeOf(v.id).numel()));
  }
  for (const oracle::ValueAccuracy& v : r.gradients) ExpectPlausible(v.stats);
  EXPECT_LE(r.values[2].stats.maxUlps, 3.0) << "tanh of exact inputs: 2 ulps (glibc) + rounding";
}

TEST(FloatAccuracy, TranscendentalGraphsUseTheIntervalReference) {
  ExpectTranscendentalReport<double>();
  ExpectTranscendentalReport<float>();
}

TEST(FloatAccuracy, TheSweepCoversEveryTranscendentalOp) {
  oracle::SweepOptions options;
  options.cases = 2;
  const std::vector<oracle::SweepRow> rows = Unwrap(oracle::sweepTranscendentalAccuracy(options));
  std::cout << oracle::formatSweepTable(rows);
  ASSERT_EQ(rows.size(), 40u);  // 10 ops x {float, double} x {value, gradient}
  std::set<Op> ops;
  for (const oracle::SweepRow& r : rows) {
    ops.insert(r.op);
    EXPECT_TRUE(isTranscendental(r.op));
    EXPECT_EQ(r.cases, 2u);
    EXPECT_GT(r.stats.elements, 0u) << opName(r.op) << " " << r.scalar << " " << r.quantity;
    EXPECT_TRUE(std::isfinite(r.stats.maxUlps));
    EXPECT_LE(r.stats.medianUlps, r.stats.maxUlps);
  }
  EXPECT_EQ(ops.size(), 10u);
  // The same seed gives the same table.
  EXPECT_EQ(oracle::formatSweepTable(Unwrap(oracle::sweepTranscendentalAccuracy(options))),
            oracle::formatSweepTable(rows));
}

}  // namespace
}  // namespace verigrad::testing
