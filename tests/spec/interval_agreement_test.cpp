// Agreement of the engine at the interval scalar with the spec at the interval scalar, on every op
// of the catalogue (all 49, each alone and all in one graph) and on mixed graphs: compile<Interval>
// values, Tape::backwardDenseFrom from several seed contexts and backwardDenseAll against
// spec::evaluate and spec::denseGradient. Every pair of enclosures must intersect and, with point
// inputs, both must be narrow (design.md, "The oracle"); errors agree (code, node, message).
// The test links the engine at Interval; the spec library itself never does.
#include <functional>
#include <set>

#include "spec_interval_support.hpp"
#include "verigrad/interval_engine.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

Tensor<Interval> ToTensor(const IV& v) { return Ok(Tensor<Interval>::make(v.shape, v.data)); }

std::vector<Tensor<Interval>> ToTensors(const std::vector<IV>& vs) {
  std::vector<Tensor<Interval>> out;
  for (const IV& v : vs) out.push_back(ToTensor(v));
  return out;
}

IV FromView(const TensorView<Interval>& t) {
  return IV{t.shape, std::vector<Interval>(t.data, t.data + t.numel())};
}

std::vector<IV> FromContext(const Context<Interval>& c) {
  std::vector<IV> out;
  for (size_t id = 0; id < c.size(); ++id) out.push_back(FromView(c[id]));
  return out;
}

// The acceptance check of this test (a local stand-in for the oracle's interval comparison): the
// two enclosures intersect, and when `narrow` both are narrow.
::testing::AssertionResult Agree(const Interval& engine, const Interval& spec, bool narrow) {
  if (!overlaps(engine, spec)) {
    return ::testing::AssertionFailure()
           << "disjoint: engine " << engine.str() << ", spec " << spec.str();
  }
  if (narrow && !(Narrow(engine) && Narrow(spec))) {
    return ::testing::AssertionFailure()
           << "not narrow: engine " << engine.str() << ", spec " << spec.str();
  }
  return ::testing::AssertionSuccess();
}

void ExpectAgreeingContext(const Graph& g, const std::vector<IV>& engine,
                           const std::vector<IV>& spec, bool narrow, const std::string& what) {
  ASSERT_EQ(engine.size(), spec.size()) << what;
  for (size_t id = 0; id < spec.size(); ++id) {
    ASSERT_EQ(engine[id].shape, spec[id].shape) << what << " %" << id;
    for (size_t k = 0; k < spec[id].data.size(); ++k) {
      EXPECT_TRUE(Agree(engine[id].data[k], spec[id].data[k], narrow))
          << what << " of " << g.nodeText(static_cast<ValueId>(id)) << " element " << k;
    }
  }
}

// Dyadic values (interval points) with zeros, ties and both signs; or non-dyadic ones.
Rational Pattern(size_t salt, size_t element, bool dyadic) {
  static const char* const kDyadic[] = {"1/2",  "0", "-1", "2",  "1/2",
                                        "-3/4", "1", "0",  "-2", "3/8"};
  static const char* const kThirds[] = {"1/3",  "0", "-1", "2/3", "1/10",
                                        "-5/3", "1", "0",  "-2",  "1/7"};
  return R((dyadic ? kDyadic : kThirds)[(3 * salt + element) % 10]);
}

IV Patterned(const Shape& shape, size_t salt, bool dyadic = true) {
  IV v = zeros<Interval>(shape);
  for (size_t k = 0; k < v.data.size(); ++k) v.data[k] = Interval(Pattern(salt, k, dyadic));
  return v;
}

// Seed contexts: one-hot ones and a pattern at the output, a seed at every value, seeds at the
// inputs only, one at a middle value.
std::vector<std::pair<std::string, std::vector<IV>>> SeedContexts(const Graph& g) {
  std::vector<std::pair<std::string, std::vector<IV>>> contexts;
  const size_t n = g.numValues(), out = n - 1;
  auto context = [&](const std::function<bool(size_t)>& seeded, size_t salt) {
    std::vector<IV> seeds;
    for (size_t id = 0; id < n; ++id) {
      const Shape& s = g.shapeOf(static_cast<ValueId>(id));
      seeds.push_back(seeded(id) ? Patterned(s, id + salt) : zeros<Interval>(s));
    }
    return seeds;
  };
  std::vector<IV> ones = context([](size_t) { return false; }, 0);
  for (Interval& x : ones[out].data) x = Interval(1);
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

// engine<Interval> vs spec<Interval>: error agreement, then values, backwardDenseFrom for every
// seed context and backwardDenseAll.
void ExpectAgreement(const Graph& g, const std::vector<IV>& inputs, bool narrow = true) {
  Result<Compiled<Interval>> compiled = compile<Interval>(g, ToTensors(inputs));
  Result<std::vector<IV>> values = evaluate(g, inputs);
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
  ExpectAgreeingContext(g, FromContext(compiled->values()), values.value(), narrow, "value");

  for (const auto& [name, seeds] : SeedContexts(g)) {
    Result<Context<Interval>> engine = compiled->tape().backwardDenseFrom(ToTensors(seeds));
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    std::vector<IV> spec = Ok(denseGradient(g, inputs, seeds));
    ExpectAgreeingContext(g, FromContext(engine.value()), spec, narrow, "gradient (" + name + ")");
  }

  const size_t out = g.numValues() - 1;
  const IV seed = Patterned(g.shapeOf(static_cast<ValueId>(out)), 7);
  Result<Context<Interval>> all = compiled->tape().backwardDenseAll(out, ToTensor(seed));
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::vector<IV> spec = Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, out, seed))));
  ExpectAgreeingContext(g, FromContext(all.value()), spec, narrow, "backwardDenseAll gradient");
}

// Inputs for a graph: patterned per input, with no zero in a divisor and only positive values
// under a log (shifted to |v| + 1/4).
std::vector<IV> InputsFor(const Graph& g, bool dyadic) {
  std::vector<IV> inputs;
  for (size_t i = 0; i < g.numInputs(); ++i)
    inputs.push_back(Patterned(g.inputs()[i], 11 * i, dyadic));
  for (const Node& n : g.nodes()) {
    std::span<const ValueId> p = g.parents(n);
    auto adjust = [&](ValueId id, const std::function<Rational(const Rational&)>& f) {
      if (id >= g.numInputs()) return;
      for (size_t k = 0; k < inputs[id].data.size(); ++k) {
        inputs[id].data[k] = Interval(f(Pattern(11 * id, k, dyadic)));
      }
    };
    if (n.op == Op::Log) {
      adjust(p[0], [](const Rational& q) { return (q.sign() < 0 ? -q : q) + R("1/4"); });
    }
    if (n.op == Op::Div || n.op == Op::Inv) {
      adjust(p[n.op == Op::Div ? 1 : 0],
             [](const Rational& q) { return q.isZero() ? R("-5/2") : q; });
    }
  }
  return inputs;
}

// The node `k` of `g` alone: one input per operand slot (with the operand's shape), then the
// node with the same op, attributes and declared shape.
Graph AloneGraph(const Graph& g, size_t k) {
  const Node& n = g.node(k);
  std::vector<Shape> shapes;
  for (ValueId p : g.parents(n)) shapes.push_back(g.shapeOf(p));
  GraphBuilder b(shapes);
  std::vector<ValueId> parents;
  for (size_t i = 0; i < shapes.size(); ++i) parents.push_back(static_cast<ValueId>(i));
  Ok(b.addNode(n.op, parents, g.ints(n), g.literals(n), n.shape));
  return Finish(b);
}

// ---- every op of the catalogue, each alone

TEST(SpecIntervalEngineAgreement, EveryOpAloneWithPointInputs) {
  Graph every = EveryOpGraph();
  std::set<Op> seen;
  for (size_t k = 0; k < every.numNodes(); ++k) {
    Graph g = AloneGraph(every, k);
    SCOPED_TRACE(g.nodeText(static_cast<ValueId>(g.numValues() - 1)));
    ExpectAgreement(g, InputsFor(g, /*dyadic=*/true));
    seen.insert(every.node(k).op);
  }
  EXPECT_EQ(seen.size(), allOps().size());
  EXPECT_EQ(seen.size(), 49u);
}

// Non-dyadic inputs are not points: an exact tie becomes an Ambiguous comparison (both sides take
// hulls, which may be wide: inconclusive, not wrong), so only the intersection is required.
TEST(SpecIntervalEngineAgreement, EveryOpAloneWithNonPointInputs) {
  Graph every = EveryOpGraph();
  for (size_t k = 0; k < every.numNodes(); ++k) {
    Graph g = AloneGraph(every, k);
    SCOPED_TRACE(g.nodeText(static_cast<ValueId>(g.numValues() - 1)));
    ExpectAgreement(g, InputsFor(g, /*dyadic=*/false), /*narrow=*/false);
  }
}

TEST(SpecIntervalEngineAgreement, SmoothOpsWithNonPointInputsAreNarrow) {
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}});
  Var x = b.arg(0), gamma = b.arg(1), beta = b.arg(2);
  Var s = b.add(b.sigmoid(x), b.tanh(x));
  s = b.add(s, b.softplus(x));
  s = b.add(s, b.exp(x));
  s = b.add(s, b.safeLog(x));
  s = b.add(s, b.log(b.exp(x)));
  s = b.add(s, b.softmax(x));
  s = b.add(s, b.logSoftmax(x));
  s = b.add(s, b.layerNorm(x, gamma, beta));
  b.sum(b.mul(s, s));
  Graph g = Finish(b);
  ExpectAgreement(g, InputsFor(g, /*dyadic=*/false));
}

// ---- all ops in one graph, and mixed graphs

TEST(SpecIntervalEngineAgreement, EveryOpInOneGraph) {
  Graph g = EveryOpGraph();
  ExpectAgreement(g, InputsFor(g, /*dyadic=*/true));
}

TEST(SpecIntervalEngineAgreement, ClassifierWithLayerNormAndLogSoftmaxLoss) {
  GraphBuilder b({Shape{4, 3}, Shape{3, 5}, Shape{5}, Shape{5}, Shape{4, 5}});
  Var h = b.matmul(b.arg(0), b.arg(1));                // [4,5]
  h = b.layerNorm(h, b.arg(2), b.arg(3), L("1/100"));  // [4,5]
  h = b.relu(h);
  Var logp = b.logSoftmax(h);
  Var p = b.softmax(h);
  Var nll = b.sum(b.mul(logp, b.arg(4)));
  b.add(b.scale(nll, L("-1/4")), b.sum(b.mul(p, p)));
  Graph g = Finish(b);
  ExpectAgreement(g, InputsFor(g, /*dyadic=*/true));
}

TEST(SpecIntervalEngineAgreement, SqrtOfSquaresAndSafeLogChain) {
  GraphBuilder b({Shape{3}, Shape{3}});
  Var norm = b.sqrt(b.sum(b.square(b.sub(b.arg(0), b.arg(1)))));
  Var y = b.safeLog(b.tanh(b.div(b.arg(0), b.add(b.exp(b.arg(1)), b.sigmoid(b.arg(0))))));
  b.add(norm, b.sum(y));
  Graph g = Finish(b);
  ExpectAgreement(g, InputsFor(g, /*dyadic=*/true));
}

// ---- wide, overlapping enclosures through every kink: both sides take hulls (the engine with
// the scalar's kink helpers, the spec with its own, from compare() and hull()); they need only
// intersect. The sqrt value also feeds a second consumer, so its unbounded derivative meets both
// a zero and a nonzero seed.

TEST(SpecIntervalEngineAgreement, OverlappingEnclosuresThroughEveryKinkIntersect) {
  GraphBuilder b({Shape{4}, Shape{4}, Shape{2, 3}});
  Var x = b.arg(0), y = b.arg(1), r = b.arg(2);
  Var s = b.add(b.relu(x), b.abs(y));
  s = b.add(s, b.max(x, y));
  s = b.add(s, b.min(x, y));
  s = b.add(s, b.clamp(x, L("0"), L("1/2")));
  Var root = b.sqrt(y);
  s = b.add(s, b.mul(root, x));
  Var rows = b.add(b.softmax(r), b.logSoftmax(r));
  Var norm = b.layerNorm(r, b.gatherRow(r, 0), b.gatherRow(r, 1), L("1/2"));
  b.add(b.sum(s), b.sum(b.mul(rows, norm)));
  Graph g = Finish(b);
  const Interval a = Span("-1/4", "1/2"), c = Span("1/4", "3/4"), d = Span("-1", "1/8");
  const Interval near = Span("15/16", "17/16");
  ExpectAgreement(g,
                  {IV{Shape{4}, {a, c, d, I("1/4")}}, IV{Shape{4}, {c, a, d, Span("-1/8", "1/8")}},
                   IV{Shape{2, 3}, {near, near, near, a, c, I("2")}}},
                  /*narrow=*/false);
}

// ---- errors agree

TEST(SpecIntervalEngineAgreement, LogOfANonPositiveEnclosureIsTheSameError) {
  GraphBuilder b({Shape{2, 2}});
  b.log(b.sub(b.arg(0), b.constant(Shape{2, 2}, std::vector<ExactLiteral>(4, L("1/3")))));
  Graph g = Finish(b);
  ExpectAgreement(g, {IVal(Shape{2, 2}, {"1", "2", "1/3", "4"})});  // 1/3 - 1/3 straddles 0
  ExpectAgreement(g, {IVal(Shape{2, 2}, {"1", "2", "-1", "4"})});
  ExpectAgreement(g, {IVal(Shape{2, 2}, {"1", "2", "1", "4"})});
}

TEST(SpecIntervalEngineAgreement, ADivisorContainingZeroIsTheSameError) {
  GraphBuilder b({Shape{3}, Shape{3}});
  Var third = b.constant(Shape{3}, std::vector<ExactLiteral>(3, L("1/3")));
  b.div(b.arg(0), b.sub(b.arg(1), third));
  Graph g = Finish(b);
  ExpectAgreement(g, {IVal(Shape{3}, {"1", "2", "3"}), IVal(Shape{3}, {"1", "1/3", "0"})});
  ExpectAgreement(g, {IVal(Shape{3}, {"1", "2", "3"}), IVal(Shape{3}, {"1", "2", "0"})});
}

}  // namespace
}  // namespace verigrad::spec
