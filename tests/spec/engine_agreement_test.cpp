// Agreement of the exact engine with the spec: for several graphs per op family, compile<Rational>
// values equal spec::evaluate, and Tape::backwardDenseFrom / backwardDenseAll equal
// spec::denseGradient, element for element with no tolerance, from several seed contexts. Errors
// agree too (same code, node and message). This test is the one place that links both.
#include <functional>

#include "mlp_exact.hpp"
#include "spec_test_support.hpp"
#include "test_support.hpp"

namespace verigrad::spec {
namespace {

using testing::EveryOpGraph;
using testing::EveryRationalOpGraph;
using testing::Finish;
using testing::L;
using testing::Ok;
using testing::R;
using testing::Strs;
using testing::Val;
using V = Value<Rational>;

Tensor<Rational> ToTensor(const V& v) { return Ok(Tensor<Rational>::make(v.shape, v.data)); }

std::vector<Tensor<Rational>> ToTensors(const std::vector<V>& vs) {
  std::vector<Tensor<Rational>> out;
  for (const V& v : vs) out.push_back(ToTensor(v));
  return out;
}

V FromView(const TensorView<Rational>& t) {
  return V{t.shape, std::vector<Rational>(t.data, t.data + t.numel())};
}

std::vector<V> FromContext(const Context<Rational>& c) {
  std::vector<V> out;
  for (size_t id = 0; id < c.size(); ++id) out.push_back(FromView(c[id]));
  return out;
}

// Small rationals with zeros, repeats (ties) and both signs, cycled with an offset per value.
Rational Pattern(size_t value, size_t element) {
  static const char* const kValues[] = {"1/2",  "0", "-1", "2",  "1/2",
                                        "-3/4", "1", "0",  "-2", "1/3"};
  return R(kValues[(3 * value + element) % (sizeof(kValues) / sizeof(kValues[0]))]);
}

V Patterned(const Shape& shape, size_t salt) {
  V v = zeros<Rational>(shape);
  for (size_t k = 0; k < v.data.size(); ++k) v.data[k] = Pattern(salt, k);
  return v;
}

// Per-value comparison with a message naming the value and the first differing element.
void ExpectSameContext(const Graph& g, const std::vector<V>& engine, const std::vector<V>& spec,
                       const std::string& what) {
  ASSERT_EQ(engine.size(), spec.size()) << what;
  for (size_t id = 0; id < spec.size(); ++id) {
    EXPECT_EQ(engine[id].shape, spec[id].shape) << what << " %" << id;
    EXPECT_EQ(Strs(engine[id]), Strs(spec[id]))
        << what << " of " << g.nodeText(static_cast<ValueId>(id)) << " (engine vs spec)";
  }
}

// The seed contexts every graph is checked with: one-hot at the output (ones, then a pattern),
// a seed at every value, seeds at the inputs only, and one at a middle value.
std::vector<std::pair<std::string, std::vector<V>>> SeedContexts(const Graph& g) {
  std::vector<std::pair<std::string, std::vector<V>>> contexts;
  const size_t n = g.numValues(), out = n - 1;
  auto context = [&](const std::function<bool(size_t)>& seeded, size_t salt) {
    std::vector<V> seeds;
    for (size_t id = 0; id < n; ++id) {
      const Shape& s = g.shapeOf(static_cast<ValueId>(id));
      seeds.push_back(seeded(id) ? Patterned(s, id + salt) : zeros<Rational>(s));
    }
    return seeds;
  };
  std::vector<V> ones = context([](size_t) { return false; }, 0);
  for (Rational& x : ones[out].data) x = Rational(1);
  contexts.emplace_back("one-hot ones at the output", ones);
  contexts.emplace_back("one-hot pattern at the output",
                        context([&](size_t id) { return id == out; }, 1));
  contexts.emplace_back("a seed at every value", context([](size_t) { return true; }, 2));
  contexts.emplace_back("seeds at the inputs only",
                        context([&](size_t id) { return id < g.numInputs(); }, 3));
  const size_t middle = (g.numInputs() + n) / 2;
  contexts.emplace_back("a seed at a middle value",
                        context([&](size_t id) { return id == middle; }, 4));
  return contexts;
}

// engine<Rational> == spec: values, backwardDenseFrom for every seed context, backwardDenseAll.
void ExpectAgreement(const Graph& g, const std::vector<V>& inputs) {
  Result<Compiled<Rational>> compiled = compile<Rational>(g, ToTensors(inputs));
  Result<std::vector<V>> values = evaluate(g, inputs);
  ASSERT_EQ(compiled.ok(), values.ok())
      << "error agreement: engine "
      << (compiled.ok() ? std::string("ok") : compiled.error().message) << ", spec "
      << (values.ok() ? std::string("ok") : values.error().message);
  if (!values.ok()) {
    EXPECT_EQ(compiled.error().code, values.error().code);
    EXPECT_EQ(compiled.error().node, values.error().node);
    EXPECT_EQ(compiled.error().message, values.error().message);
    return;
  }
  ExpectSameContext(g, FromContext(compiled->values()), values.value(), "value");

  for (const auto& [name, seeds] : SeedContexts(g)) {
    Result<Context<Rational>> engine = compiled->tape().backwardDenseFrom(ToTensors(seeds));
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    std::vector<V> spec = Ok(denseGradient(g, inputs, seeds));
    ExpectSameContext(g, FromContext(engine.value()), spec, "gradient (" + name + ")");
  }

  const size_t out = g.numValues() - 1;
  const V seed = Patterned(g.shapeOf(static_cast<ValueId>(out)), 7);
  Result<Context<Rational>> all = compiled->tape().backwardDenseAll(out, ToTensor(seed));
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::vector<V> spec = Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, out, seed))));
  ExpectSameContext(g, FromContext(all.value()), spec, "backwardDenseAll gradient");
}

// Inputs patterned per input index, so different inputs differ.
std::vector<V> PatternedInputs(const Graph& g) {
  std::vector<V> inputs;
  for (size_t i = 0; i < g.numInputs(); ++i) inputs.push_back(Patterned(g.inputs()[i], 11 * i));
  return inputs;
}

// Inputs with no zero element (divisors).
std::vector<V> NonzeroInputs(const Graph& g) {
  std::vector<V> inputs = PatternedInputs(g);
  for (V& v : inputs) {
    for (Rational& x : v.data) {
      if (x.isZero()) x = R("-5/2");
    }
  }
  return inputs;
}

// ---- source

TEST(SpecEngineAgreementSource, ConstAndDetach) {
  GraphBuilder b({Shape{2, 2}});
  Var x = b.arg(0);
  const ExactLiteral payload[] = {L("1/2"), L("-1"), L("0"), L("3")};
  Var c = b.constant(Shape{2, 2}, payload);
  Var d = b.detach(x);
  b.sum(b.add(b.mul(x, d), b.mul(c, x)));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementSource, DetachedChainAndUnusedConst) {
  GraphBuilder b({Shape{3}});
  Var x = b.arg(0);
  const ExactLiteral payload[] = {L("2")};
  b.constant(Shape{1}, payload);
  Var d = b.detach(b.square(x));
  b.mul(d, x);
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

// ---- elementwise

TEST(SpecEngineAgreementElementwise, EveryOpWithTiesAndZeros) {
  GraphBuilder b({Shape{2, 3}, Shape{2, 3}});
  Var x = b.arg(0), y = b.arg(1);
  Var s = b.add(b.add(x, y), b.sub(x, y));
  s = b.add(s, b.mul(x, y));
  s = b.add(s, b.square(x));
  s = b.add(s, b.scale(y, L("-3/2")));
  s = b.add(s, b.max(x, y));
  s = b.add(s, b.min(x, y));
  s = b.add(s, b.abs(x));
  s = b.add(s, b.clamp(x, L("0"), L("1/2")));
  s = b.add(s, b.clamp(y, L("-1"), L("-1")));
  s = b.add(s, b.relu(y));
  b.sum(s);
  Graph g = Finish(b);
  std::vector<V> inputs = {Val(Shape{2, 3}, {"0", "1/2", "-1", "2", "1/2", "-3/4"}),
                           Val(Shape{2, 3}, {"0", "1/2", "1", "-2", "0", "-1"})};
  ExpectAgreement(g, inputs);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementElementwise, DivAndInv) {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  Var x = b.arg(0), y = b.arg(1);
  b.mul(b.div(x, y), b.inv(b.add(y, x)));
  Graph g = Finish(b);
  ExpectAgreement(
      g, {Val(Shape{2, 2}, {"1", "-1/2", "3", "2"}), Val(Shape{2, 2}, {"2", "1", "-1/3", "1/2"})});
}

TEST(SpecEngineAgreementElementwise, SharedOperands) {
  GraphBuilder b({Shape{3}});
  Var x = b.arg(0);
  Var a = b.add(x, x);
  Var m = b.max(x, x);
  b.mul(b.min(a, m), b.mul(x, x));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementElementwise, DivisionByZeroIsTheSameError) {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  b.div(b.arg(0), b.arg(1));
  Graph g = Finish(b);
  ExpectAgreement(g,
                  {Val(Shape{2, 2}, {"1", "2", "3", "4"}), Val(Shape{2, 2}, {"1", "2", "0", "0"})});
  GraphBuilder b2({Shape{3}});
  b2.inv(b2.relu(b2.arg(0)));
  Graph g2 = Finish(b2);
  ExpectAgreement(g2, {Val(Shape{3}, {"1", "-1", "2"})});
}

// ---- reductions

TEST(SpecEngineAgreementReduction, SumReduceSumReduceMean) {
  GraphBuilder b({Shape{2, 3, 2}});
  Var x = b.arg(0);
  Var r0 = b.reduceSum(x, 0);                   // [3,2]
  Var r1 = b.reduceMean(r0, 1);                 // [3]
  Var r2 = b.reduceSum(b.reduceMean(x, 2), 1);  // [2]
  b.add(b.sum(r1), b.sum(b.square(r2)));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementReduction, MseLossAndAnEmptyAxis) {
  GraphBuilder b({Shape{4}, Shape{4}, Shape{2, 0}});
  Var e = b.reduceSum(b.arg(2), 1);  // [2] of zeros
  Var l = b.mseLoss(b.arg(0), b.arg(1));
  b.add(b.sum(e), l);
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

// ---- linear algebra

TEST(SpecEngineAgreementLinalg, LinearMatmulBmm) {
  GraphBuilder b({Shape{3, 2}, Shape{3}, Shape{2}, Shape{2, 3}, Shape{2, 2, 3}, Shape{2, 3, 1}});
  Var y = b.linear(b.arg(0), b.arg(1), b.arg(2));  // [3]
  Var m = b.matmul(b.arg(3), b.arg(0));            // [2,2]
  Var p = b.bmm(b.arg(4), b.arg(5));               // [2,2,1]
  b.add(b.add(b.sum(y), b.sum(b.square(m))), b.sum(p));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementLinalg, MatmulChainWithSharedOperand) {
  GraphBuilder b({Shape{2, 2}});
  Var a = b.arg(0);
  b.matmul(b.matmul(a, a), b.transpose2d(a));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

// ---- structural

TEST(SpecEngineAgreementStructural, PermutationsAndReshapes) {
  GraphBuilder b({Shape{2, 3, 2}});
  Var x = b.arg(0);
  Var f = b.transpose3dFirstToLast(x);  // [3,2,2]
  Var l = b.transpose3dLastToFirst(x);  // [2,2,3]
  Var t = b.transpose3dLastTwo(x);      // [2,2,3]
  Var s = b.swapAdjacentAtDepth(l, 0);  // [2,2,3]
  Var r = b.reshape(f, Shape{2, 2, 3});
  Var sum = b.add(b.add(b.mul(r, s), t), l);
  Var flat = b.flatten(sum);
  b.mul(flat, b.flatten(b.transpose2d(b.reshape(x, Shape{3, 4}))));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementStructural, BroadcastConcatSlice) {
  GraphBuilder b({Shape{3}, Shape{2, 1}, Shape{}, Shape{2}, Shape{4, 3}});
  Var row = b.broadcastTo(b.arg(0), Shape{2, 3});
  Var col = b.broadcastTo(b.arg(1), Shape{2, 2, 3});
  Var sc = b.broadcastTo(b.arg(2), Shape{2, 3});
  Var sum = b.add(b.broadcastTo(b.mul(row, sc), Shape{2, 2, 3}), col);  // [2,2,3]
  Var cv = b.concatVectors(b.arg(3), b.arg(0));                         // [5]
  Var cd = b.concatDim0(b.reshape(sum, Shape{4, 3}), b.arg(4));         // [8,3]
  Var sl = b.sliceRange0(cd, 3, 4);                                     // [4,3]
  b.add(b.sum(b.square(sl)), b.sum(b.mul(cv, cv)));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

// ---- indexing

TEST(SpecEngineAgreementIndexing, GathersWithDuplicatesAndOutOfRange) {
  GraphBuilder b({Shape{4}, Shape{3, 2}});
  Var v = b.arg(0), m = b.arg(1);
  const int64_t vi[] = {3, 0, 9, 3, 1};
  const int64_t ri[] = {2, 2, 5, 0};
  Var a = b.gatherScalar(v, 1);
  Var c = b.gatherScalarNat(v, 2);
  Var d = b.gatherScalarNat(v, 4);
  Var e = b.gatherVecNat(v, vi);    // [5]
  Var r = b.gatherRow(m, 2);        // [2]
  Var rs = b.gatherRowsNat(m, ri);  // [4,2]
  Var s = b.add(b.add(a, c), d);
  b.add(b.add(s, b.sum(b.square(e))), b.add(b.sum(r), b.sum(b.mul(rs, rs))));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

TEST(SpecEngineAgreementIndexing, ScatterAdds) {
  GraphBuilder b({Shape{3}, Shape{}, Shape{3, 2}, Shape{2}});
  Var sv = b.scatterAddVec(b.arg(0), b.arg(1), 2);
  Var sr = b.scatterAddRow(b.arg(2), b.arg(3), 0);
  Var twice = b.scatterAddRow(sr, b.arg(3), 0);
  b.add(b.sum(b.square(sv)), b.sum(b.mul(twice, sr)));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
}

// ---- mixed graphs

TEST(SpecEngineAgreementMixed, TwoLayerNetworkWithLoss) {
  GraphBuilder b({Shape{4, 3}, Shape{3, 2}, Shape{2}, Shape{4, 2}});
  Var h = b.relu(b.add(b.matmul(b.arg(0), b.arg(1)), b.broadcastTo(b.arg(2), Shape{4, 2})));
  Var y = b.clamp(h, L("0"), L("1"));
  b.mseLoss(y, b.arg(3));
  Graph g = Finish(b);
  ExpectAgreement(g, PatternedInputs(g));
  ExpectAgreement(g, NonzeroInputs(g));
}

// All 39 rational ops in one graph; with a zero divisor, the same DomainError from both.
TEST(SpecEngineAgreementMixed, EveryRationalOpOfTheCatalogueInOneGraph) {
  Graph g = EveryRationalOpGraph();
  ExpectAgreement(g, NonzeroInputs(g));
  std::vector<V> withZeroDivisor = NonzeroInputs(g);
  withZeroDivisor[1].data[4] = Rational(0);
  ExpectAgreement(g, withZeroDivisor);
  Result<std::vector<V>> r = evaluate(g, withZeroDivisor);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DomainError);
}

// The ten transcendental ops at the rational scalar: the same Unsupported error (code, node,
// message) from the engine's compile and the spec, at the first such node, before an earlier
// node's division by zero is reached (both refuse before computing any value).
TEST(SpecEngineAgreementMixed, TranscendentalOpsAreRefusedAtTheRationalScalar) {
  Graph g = EveryOpGraph();
  ExpectAgreement(g, NonzeroInputs(g));
  std::vector<V> withZeroDivisor = NonzeroInputs(g);
  withZeroDivisor[1].data[4] = Rational(0);
  ExpectAgreement(g, withZeroDivisor);
  Result<std::vector<V>> r = evaluate(g, withZeroDivisor);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Unsupported);
  EXPECT_EQ(r.error().node, static_cast<int64_t>(EveryRationalOpGraph().numValues()));

  for (Op op : {Op::Exp, Op::Softmax}) {
    GraphBuilder b({Shape{3}});
    Var x = b.arg(0);
    b.relu(op == Op::Exp ? b.exp(x) : b.softmax(x));
    Graph one = Finish(b);
    ExpectAgreement(one, PatternedInputs(one));
  }
}

TEST(SpecEngineAgreementMixed, TheExactMlpExample) {
  Graph g = Ok(examples::buildMlpGraph());
  std::vector<V> inputs;
  for (const Tensor<Rational>& t : examples::mlpInputs()) inputs.push_back(FromView(t.view()));
  ExpectAgreement(g, inputs);
}

}  // namespace
}  // namespace verigrad::spec
