// The spec at the interval scalar, values: the scalar helpers (three-way comparison with Ambiguous,
// hulls at kinks, rigorous literals, division), each transcendental op's value against exact
// values and 1000-bit MPFR references (contained and narrow), domain errors, every rational op at
// Interval enclosing the rational spec's value, and the rational scalar's refusal of the ten
// transcendental ops.
#include "spec_interval_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

// ---- the scalar helpers at Interval (compare and divide are written spec::compare and
// spec::divide: verigrad::compare and verigrad::divide of the scalar itself would otherwise be
// found by argument-dependent lookup and preferred as non-templates)

TEST(SpecIntervalScalar, CompareAnswersAmbiguousForOverlappingEnclosures) {
  EXPECT_EQ(spec::compare(I("1/3"), I("1/2")), Order::Less);
  EXPECT_EQ(spec::compare(I("1/2"), I("-1")), Order::Greater);
  EXPECT_EQ(spec::compare(I("1/2"), I("2/4")), Order::Equal);      // the same point
  EXPECT_EQ(spec::compare(I("1/3"), I("1/3")), Order::Ambiguous);  // the same non-point enclosure
  EXPECT_EQ(spec::compare(Span("0", "1"), Span("1/2", "2")), Order::Ambiguous);
  EXPECT_TRUE(isZero(I("0")));
  EXPECT_FALSE(isZero(Span("-1", "1")));
  EXPECT_TRUE(possiblyZero(Span("-1", "1")));
  EXPECT_TRUE(possiblyZero(Span("0", "1")));
  EXPECT_FALSE(possiblyZero(I("1/3")));
}

TEST(SpecIntervalScalar, PiecewiseFunctionsDecideWhereTheyCan) {
  EXPECT_TRUE(relu(I("-1/2")).isPoint());
  EXPECT_TRUE(relu(I("-1/2")).contains(R("0")));
  EXPECT_TRUE(EnclosesNarrowly(relu(I("1/3")), "1/3"));
  EXPECT_TRUE(EnclosesNarrowly(absolute(I("-1/3")), "1/3"));
  EXPECT_TRUE(EnclosesNarrowly(signum(I("-1/3")), "-1"));
  EXPECT_TRUE(EnclosesNarrowly(signum(I("0")), "0"));
  EXPECT_TRUE(EnclosesNarrowly(maximum(I("1/3"), I("1/4")), "1/3"));
  EXPECT_TRUE(EnclosesNarrowly(minimum(I("1/3"), I("1/4")), "1/4"));
  EXPECT_TRUE(EnclosesNarrowly(clampTo(I("2"), I("0"), I("1")), "1"));
  EXPECT_TRUE(EnclosesNarrowly(clampTo(I("1/3"), I("0"), I("1")), "1/3"));
}

TEST(SpecIntervalScalar, PiecewiseFunctionsHullBothBranchesWhenTheComparisonIsAmbiguous) {
  const Interval x = Span("-1/4", "1/2");
  for (const char* q : {"0", "1/2"}) EXPECT_TRUE(relu(x).contains(R(q))) << q;
  for (const char* q : {"0", "1/4", "1/2"}) EXPECT_TRUE(absolute(x).contains(R(q))) << q;
  for (const char* q : {"-1", "0", "1"}) EXPECT_TRUE(signum(x).contains(R(q))) << q;
  const Interval a = Span("0", "1"), b = Span("1/2", "3/2");
  for (const char* q : {"1/2", "1", "3/2"}) EXPECT_TRUE(maximum(a, b).contains(R(q))) << q;
  for (const char* q : {"0", "1/2", "1"}) EXPECT_TRUE(minimum(a, b).contains(R(q))) << q;
  const Interval c = clampTo(Span("-1/2", "1/2"), I("0"), I("1"));
  for (const char* q : {"0", "1/2"}) EXPECT_TRUE(c.contains(R(q))) << q;
  EXPECT_FALSE(Narrow(relu(x)));
}

TEST(SpecIntervalScalar, LiteralsAreRigorousEnclosures) {
  const Interval third = Ok(literalTo<Interval>(L("1/3")));
  EXPECT_TRUE(EnclosesNarrowly(third, "1/3"));
  EXPECT_FALSE(third.isPoint());  // mpfi_set_q, not a rounded point (pitfall 8)
  EXPECT_TRUE(Ok(literalTo<Interval>(L("-3/8"))).isPoint());
  EXPECT_TRUE(EnclosesNarrowly(Ok(literalTo<Interval>(L("0.1"))), "1/10"));
}

TEST(SpecIntervalScalar, DivisionHelpers) {
  EXPECT_TRUE(EnclosesNarrowly(spec::divide(I("1"), I("3")), "1/3"));
  EXPECT_TRUE(EnclosesNarrowly(reciprocal(I("-4")), "-1/4"));
  EXPECT_TRUE(EnclosesNarrowly(divideByCount(I("2"), 3), "2/3"));
  // A broken precondition (a divisor enclosure containing 0) claims nothing and does not abort.
  const Interval q = spec::divide(I("1"), Span("-1", "1"));
  EXPECT_TRUE(q.isNaN());
  EXPECT_FALSE(Narrow(q));
}

// ---- values of the transcendental ops

// The value of op applied to one input of `shape`.
IV UnaryValue(const std::function<Var(GraphBuilder&, Var)>& op, const IV& x) {
  GraphBuilder b({x.shape});
  op(b, b.arg(0));
  Graph g = Finish(b);
  return Ok(evaluate(g, std::vector<IV>{x})).back();
}

void ExpectEach(const IV& got, const std::vector<Interval>& want, const std::string& what) {
  ASSERT_EQ(got.data.size(), want.size()) << what;
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_TRUE(EnclosesNarrowly(got.data[k], want[k])) << what << " element " << k;
  }
}

TEST(SpecIntervalForwardActivation, Exp) {
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.exp(x); },
                    IVal(Shape{4}, {"0", "1", "-1/2", "1/3"}));
  ExpectEach(y, {I("1"), RefExp(1), RefExp(-1, 2), RefExp(1, 3)}, "exp");
  EXPECT_TRUE(y.data[0].isPoint());  // exp(0) = 1 exactly
}

TEST(SpecIntervalForwardActivation, Log) {
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.log(x); },
                    IVal(Shape{3}, {"1", "2", "1/3"}));
  ExpectEach(y, {I("0"), RefLog(2), RefLog(1, 3)}, "log");
}

TEST(SpecIntervalForwardActivation, SigmoidTanhSoftplus) {
  const IV x = IVal(Shape{3}, {"0", "1", "-2"});
  ExpectEach(UnaryValue([](GraphBuilder& b, Var v) { return b.sigmoid(v); }, x),
             {I("1/2"), RefSigmoid(1), RefSigmoid(-2)}, "sigmoid");
  ExpectEach(UnaryValue([](GraphBuilder& b, Var v) { return b.tanh(v); }, x),
             {I("0"), RefTanh(1), RefTanh(-2)}, "tanh");
  ExpectEach(UnaryValue([](GraphBuilder& b, Var v) { return b.softplus(v); }, x),
             {RefLog(2), RefSoftplus(1), RefSoftplus(-2)}, "softplus");
}

TEST(SpecIntervalForwardActivation, SqrtIsTotalisedAtZeroAndBelow) {
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.sqrt(x); },
                    IVal(Shape{5}, {"4", "2", "0", "-1", "1/4"}));
  ExpectEach(y, {I("2"), RefSqrt(2), I("0"), I("0"), I("1/2")}, "sqrt");
}

TEST(SpecIntervalForwardActivation, SafeLog) {
  // log(softplus(0) + 1/2) = log(log 2 + 1/2), and log(softplus(1) + 1/2).
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.safeLog(x, L("1/2")); },
                    IVal(Shape{2}, {"0", "1"}));
  const Interval at0 = Reference([](mpfr_ptr r, mpfr_rnd_t rnd) {
    mpfr_set_si(r, 2, rnd);
    mpfr_log(r, r, rnd);
    mpfr_add_d(r, r, 0.5, rnd);
    mpfr_log(r, r, rnd);
  });
  const Interval at1 = Reference([](mpfr_ptr r, mpfr_rnd_t rnd) {
    mpfr_set_si(r, 1, rnd);
    mpfr_exp(r, r, rnd);
    mpfr_log1p(r, r, rnd);
    mpfr_add_d(r, r, 0.5, rnd);
    mpfr_log(r, r, rnd);
  });
  ExpectEach(y, {at0, at1}, "safeLog");
}

// ---- softmax, logSoftmax, layerNorm

TEST(SpecIntervalForwardNormalization, SoftmaxOfEqualEntriesIsUniform) {
  // 1/3 is not a point: the row's max is decided by an Ambiguous comparison (a hull), and the
  // shift still cancels.
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.softmax(x); },
                    IVal(Shape{2, 3}, {"1/3", "1/3", "1/3", "2", "2", "2"}));
  for (size_t k = 0; k < 6; ++k) EXPECT_TRUE(EnclosesNarrowly(y.data[k], "1/3")) << k;
}

TEST(SpecIntervalForwardNormalization, SoftmaxAlongTheLastAxis) {
  // softmax([0, 1]) = [sigmoid(-1), sigmoid(1)]; rank 3, rows of 2.
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.softmax(x); },
                    IVal(Shape{2, 1, 2}, {"0", "1", "5", "5"}));
  ExpectEach(y, {RefSigmoid(-1), RefSigmoid(1), I("1/2"), I("1/2")}, "softmax");
}

TEST(SpecIntervalForwardNormalization, SoftmaxOfAScalarIsOneAndOfAnEmptyAxisIsEmpty) {
  IV one = UnaryValue([](GraphBuilder& b, Var x) { return b.softmax(x); }, IVal(Shape{}, {"7"}));
  ASSERT_EQ(one.data.size(), 1u);
  EXPECT_TRUE(one.data[0].isPoint());
  EXPECT_TRUE(one.data[0].contains(R("1")));
  for (const Shape& s : {Shape{2, 0}, Shape{0, 3}}) {
    IV empty = UnaryValue([](GraphBuilder& b, Var x) { return b.softmax(x); }, IVal(s, {}));
    EXPECT_EQ(empty.shape, s);
    EXPECT_TRUE(empty.data.empty());
    IV logEmpty = UnaryValue([](GraphBuilder& b, Var x) { return b.logSoftmax(x); }, IVal(s, {}));
    EXPECT_TRUE(logEmpty.data.empty());
  }
}

TEST(SpecIntervalForwardNormalization, LogSoftmax) {
  // Equal entries: -log 4; [0, 1]: [-softplus(1), -softplus(-1)]; a scalar: 0.
  IV y = UnaryValue([](GraphBuilder& b, Var x) { return b.logSoftmax(x); },
                    IVal(Shape{2, 4}, {"5", "5", "5", "5", "0", "1", "-3/4", "-3/4"}));
  const Interval minusLog4 = -RefLog(4);
  for (size_t k = 0; k < 4; ++k) EXPECT_TRUE(EnclosesNarrowly(y.data[k], minusLog4)) << k;
  IV pair = UnaryValue([](GraphBuilder& b, Var x) { return b.logSoftmax(x); },
                       IVal(Shape{2}, {"0", "1"}));
  ExpectEach(pair, {-RefSoftplus(1), -RefSoftplus(-1)}, "logSoftmax");
  IV zero =
      UnaryValue([](GraphBuilder& b, Var x) { return b.logSoftmax(x); }, IVal(Shape{}, {"7"}));
  EXPECT_TRUE(zero.data[0].isPoint());
  EXPECT_TRUE(zero.data[0].contains(R("0")));
}

IV LayerNormValue(const IV& x, const IV& gamma, const IV& beta, const char* eps) {
  GraphBuilder b({x.shape, gamma.shape, beta.shape});
  b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L(eps));
  Graph g = Finish(b);
  return Ok(evaluate(g, std::vector<IV>{x, gamma, beta})).back();
}

TEST(SpecIntervalForwardNormalization, LayerNormOfOneTwoThree) {
  // mean 2, variance 2/3; with eps = 1/3 the deviation is exactly 1. A constant row has
  // variance 0: its output is beta.
  IV y = LayerNormValue(IVal(Shape{2, 3}, {"1", "2", "3", "4", "4", "4"}),
                        IVal(Shape{3}, {"1", "1", "1"}), IVal(Shape{3}, {"0", "0", "1/4"}), "1/3");
  ExpectEach(y, {I("-1"), I("0"), I("5/4"), I("0"), I("0"), I("1/4")}, "layerNorm");
}

TEST(SpecIntervalForwardNormalization, LayerNormWithTheDefaultEpsilon) {
  // x̂ = (-1, 0, 1) / sqrt(2/3 + 10^-6) = (-1, 0, 1) sqrt(3000000 / 2000003); y = x̂ γ + β.
  IV y = LayerNormValue(IVal(Shape{1, 3}, {"1", "2", "3"}), IVal(Shape{3}, {"2", "1/2", "-1"}),
                        IVal(Shape{3}, {"1", "0", "1/4"}), "1/1000000");
  const Interval inv = RefSqrt(3000000, 2000003);
  ExpectEach(y, {I("1") - I("2") * inv, I("0"), I("1/4") - inv}, "layerNorm");
}

// ---- domain errors

TEST(SpecIntervalErrors, LogOfAValueThatIsNotCertainlyPositive) {
  struct Case {
    IV x;
    const char* element;
  };
  for (const Case& c :
       {Case{IVal(Shape{3}, {"1", "0", "-1"}), "[1]"}, Case{IVal(Shape{2}, {"-1/2", "2"}), "[0]"},
        Case{IV{Shape{2}, {I("1"), Span("-1/8", "1")}}, "[1]"}}) {
    GraphBuilder b({c.x.shape});
    b.log(b.arg(0));
    Graph g = Finish(b);
    Result<std::vector<IV>> r = evaluate(g, std::vector<IV>{c.x});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DomainError);
    EXPECT_EQ(r.error().node, 1);
    EXPECT_EQ(r.error().message,
              "'" + g.nodeText(1) + "': log of a value that is not > 0 at element " + c.element);
  }
}

TEST(SpecIntervalErrors, ADivisorEnclosureContainingZero) {
  GraphBuilder b({Shape{2}, Shape{2}});
  b.div(b.arg(0), b.arg(1));
  Graph g = Finish(b);
  Result<std::vector<IV>> r = evaluate(
      g, std::vector<IV>{IVal(Shape{2}, {"1", "1"}), IV{Shape{2}, {I("2"), Span("-1", "1")}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  EXPECT_EQ(r.error().message, "'" + g.nodeText(2) + "': division by zero at element [1]");
  GraphBuilder b2({Shape{}});
  b2.inv(b2.arg(0));
  Graph g2 = Finish(b2);
  Result<std::vector<IV>> r2 = evaluate(g2, std::vector<IV>{IVal(Shape{}, {"0"})});
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::DomainError);
}

// ---- every rational op at Interval encloses the rational spec

// Dyadic inputs (points), with zeros, ties and both signs; `thirds` mixes in non-dyadic values.
std::vector<V> PatternedInputs(const Graph& g, bool thirds) {
  static const char* const kDyadic[] = {"1/2",  "0", "-1", "2",  "1/2",
                                        "-3/4", "1", "0",  "-2", "3/8"};
  static const char* const kThirds[] = {"1/3",  "0", "-1", "2/3", "1/2",
                                        "-5/3", "1", "0",  "-2",  "1/7"};
  std::vector<V> inputs;
  for (size_t i = 0; i < g.numInputs(); ++i) {
    V v = zeros<Rational>(g.inputs()[i]);
    for (size_t k = 0; k < v.data.size(); ++k) {
      const char* text = (thirds ? kThirds : kDyadic)[(3 * i + k) % 10];
      v.data[k] = R(text);
      if (v.data[k].isZero() && i == 1) v.data[k] = R("-5/2");  // the divisor input
    }
    if (i == 4 && v.data[0].isZero()) v.data[0] = R("3");  // inv's operand
    inputs.push_back(v);
  }
  return inputs;
}

void ExpectEnclosesContext(const std::vector<IV>& got, const std::vector<V>& exact, bool narrow,
                           const Graph& g, const std::string& what) {
  ASSERT_EQ(got.size(), exact.size()) << what;
  for (size_t id = 0; id < exact.size(); ++id) {
    ASSERT_EQ(got[id].data.size(), exact[id].data.size()) << what << " %" << id;
    for (size_t k = 0; k < exact[id].data.size(); ++k) {
      const Interval& x = got[id].data[k];
      EXPECT_TRUE(x.contains(exact[id].data[k]))
          << what << " of " << g.nodeText(static_cast<ValueId>(id)) << " element " << k << ": "
          << x.str() << " vs " << exact[id].data[k];
      if (narrow) {
        EXPECT_TRUE(Narrow(x)) << what << " of " << g.nodeText(static_cast<ValueId>(id))
                               << " element " << k << ": " << x.str();
      }
    }
  }
}

TEST(SpecIntervalRationalOps, EveryRationalOpEnclosesTheRationalSpec) {
  Graph g = EveryRationalOpGraph();
  for (bool thirds : {false, true}) {
    const std::vector<V> inputs = PatternedInputs(g, thirds);
    const std::vector<IV> iinputs = ToIntervals(inputs);
    const std::string what = thirds ? "non-dyadic inputs" : "dyadic inputs";
    // Dyadic inputs are points: every comparison decides, so every enclosure is narrow. With
    // non-dyadic inputs an exact tie becomes an Ambiguous comparison: a hull, still enclosing.
    ExpectEnclosesContext(Ok(evaluate(g, iinputs)), Ok(evaluate(g, inputs)), !thirds, g,
                          "value (" + what + ")");
    std::vector<V> seeds;
    for (size_t id = 0; id < g.numValues(); ++id) {
      V s = zeros<Rational>(g.shapeOf(static_cast<ValueId>(id)));
      for (size_t k = 0; k < s.data.size(); ++k) s.data[k] = Rational(int64_t((id + k) % 3) - 1);
      seeds.push_back(s);
    }
    ExpectEnclosesContext(Ok(denseGradient(g, iinputs, ToIntervals(seeds))),
                          Ok(denseGradient(g, inputs, seeds)), !thirds, g,
                          "gradient (" + what + ")");
  }
}

TEST(SpecIntervalRationalOps, EveryOpEvaluatesAndDifferentiatesAtInterval) {
  Graph g = EveryOpGraph();
  const std::vector<IV> inputs = ToIntervals(PatternedInputs(g, false));
  std::vector<IV> values = Ok(evaluate(g, inputs));
  ASSERT_EQ(values.size(), g.numValues());
  std::vector<IV> seeds;
  for (ValueId id = 0; id < g.numValues(); ++id) {
    EXPECT_EQ(values[id].shape, g.shapeOf(id));
    for (const Interval& x : values[id].data) EXPECT_TRUE(Narrow(x)) << g.nodeText(id) << " " << x;
    seeds.push_back(zeros<Interval>(g.shapeOf(id)));
  }
  std::vector<IV> grads = Ok(denseGradient(g, inputs, seeds));
  for (ValueId id = 0; id < g.numValues(); ++id) {
    for (const Interval& x : grads[id].data) EXPECT_TRUE(isZero(x)) << "zero seeds, zero gradients";
  }
}

// ---- the rational scalar refuses the transcendental ops

TEST(SpecIntervalRationalRefusal, EveryEntryPointReportsUnsupportedAtTheFirstSuchNode) {
  Graph g = EveryOpGraph();
  const std::vector<V> inputs = PatternedInputs(g, true);
  const auto first = static_cast<ValueId>(EveryRationalOpGraph().numValues());
  const std::string message =
      "'" + g.nodeText(first) + "': sqrt cannot be computed exactly at the exact scalar";
  std::vector<V> zero;
  for (ValueId id = 0; id < g.numValues(); ++id) zero.push_back(zeros<Rational>(g.shapeOf(id)));
  const std::vector<V> tangents(zero.begin(), zero.begin() + g.numInputs());
  for (const Result<std::vector<V>>& r :
       {evaluate(g, inputs), jvp(g, inputs, tangents), denseGradient(g, inputs, zero)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Unsupported);
    EXPECT_EQ(r.error().node, static_cast<int64_t>(first));
    EXPECT_EQ(r.error().message, message);
  }
}

}  // namespace
}  // namespace verigrad::spec
