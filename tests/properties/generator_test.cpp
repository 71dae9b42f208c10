// The case generators: any choice list gives a valid graph within the caps, shrinking reaches
// small graphs, values favour zeros and ties, a default run of 100 cases covers every op, half
// the cases are rational and half mix transcendental ops, and every op's operands stay in its
// domain (log's certainly positive, the exponentials' moderate) unless the node says otherwise.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <iostream>

#include "verigrad/graph_builder.hpp"
#include "verigrad/graph_text.hpp"
#include "verigrad/interval_engine.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/oracle/compare_interval.hpp"
#include "verigrad/props/generators.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::props {
namespace {

// Any choice bytes at all, any length: the interpreter must cope with every list.
rc::Gen<std::vector<Choice>> anyChoices() {
  return rc::gen::container<std::vector<Choice>>(
      rc::gen::map(rc::gen::container<std::vector<uint8_t>>(13 + 4 * Choice::kDataPicks,
                                                            rc::gen::arbitrary<uint8_t>()),
                   [](const std::vector<uint8_t>& b) {
                     Choice c;
                     c.op = b[0];
                     c.operand = {b[1], b[2], b[3]};
                     c.dim = {b[4], b[5], b[6]};
                     c.attr = b[7];
                     c.aux = b[8];
                     c.lit = {b[9], b[10], b[11]};
                     c.transcendental = b[12];
                     size_t k = 13;
                     for (Choice::DataPicks* role : {&c.value, &c.seedA, &c.seedB, &c.tangent}) {
                       for (uint8_t& pick : *role) pick = b[k++];
                     }
                     return c;
                   }));
}

// Every invariant the interpreter promises about its result.
void assertValidInterpretation(const Interpreted& sk, size_t choices, const GenConfig& cfg) {
  const Graph& g = sk.c.graph;
  RC_ASSERT(sk.internalError.empty());
  RC_ASSERT(g.numNodes() + sk.skippedChoices == choices);
  RC_ASSERT(!oracle::compareDeclaredShapes(g).has_value());
  RC_ASSERT(g.totalElements() <= static_cast<uint64_t>(cfg.maxGraphElements));
  for (size_t id = 0; id < g.numValues(); ++id) {
    const Shape& s = g.shapeOf(static_cast<ValueId>(id));
    RC_ASSERT(s.rank() <= 3);
    RC_ASSERT(s.numel() <= cfg.maxValueElements);
  }
  RC_ASSERT(sk.mulDepth.size() == g.numValues());
  for (int d : sk.mulDepth) RC_ASSERT(d <= cfg.maxMulDepth);
  RC_ASSERT(sk.nonZeroInput.size() == g.numInputs());
  RC_ASSERT(sk.positiveInput.size() == g.numInputs());
  RC_ASSERT(sk.mayLeaveDomain.size() == g.numValues());
  // The text format reproduces it: parse(print(g)) == g.
  Result<GraphText> reparsed = parseGraphText(printGraph(g));
  RC_ASSERT(reparsed.ok());
  RC_ASSERT(sameGraph(reparsed->graph, g));
  // The data is laid out for the graph.
  const Case& c = sk.c;
  RC_ASSERT(c.inputs.size() == g.numInputs());
  RC_ASSERT(c.tangents.size() == g.numInputs());
  RC_ASSERT(c.seedsA.size() == g.numValues());
  RC_ASSERT(c.seedsB.size() == g.numValues());
  for (size_t i = 0; i < g.numInputs(); ++i) {
    RC_ASSERT(c.inputs[i].shape() == g.inputs()[i]);
    RC_ASSERT(c.tangents[i].shape() == g.inputs()[i]);
    if (sk.nonZeroInput[i]) {
      for (const Rational& x : c.inputs[i].span()) RC_ASSERT(!x.isZero());
    }
    if (sk.positiveInput[i]) {
      for (const Rational& x : c.inputs[i].span()) RC_ASSERT(x.sign() > 0);
    }
  }
  for (size_t id = 0; id < g.numValues(); ++id) {
    RC_ASSERT(c.seedsA[id].shape() == g.shapeOf(static_cast<ValueId>(id)));
    RC_ASSERT(c.seedsB[id].shape() == g.shapeOf(static_cast<ValueId>(id)));
  }
  RC_ASSERT(g.numValues() == 0 || c.outId < g.numValues());
}

RC_GTEST_PROP(Generators, any_choice_list_gives_a_valid_graph, ()) {
  const GenConfig cfg;
  const std::vector<Choice> choices = *anyChoices();
  const CasePicks picks{*rc::gen::arbitrary<uint8_t>(), *rc::gen::arbitrary<uint8_t>(),
                        *rc::gen::arbitrary<uint8_t>(), *rc::gen::arbitrary<uint8_t>()};
  assertValidInterpretation(interpret(choices, picks, cfg), choices.size(), cfg);
}

RC_GTEST_PROP(Generators, generated_choices_give_a_valid_case, ()) {
  const GenConfig cfg;
  const std::vector<Choice> choices = *genChoices(cfg);
  assertValidInterpretation(interpret(choices, *genCasePicks(), cfg), choices.size(), cfg);
}

RC_GTEST_PROP(Generators, shapes_have_rank_at_most_three_and_small_dims, ()) {
  const Shape s = *genShape();
  RC_ASSERT(s.rank() <= 3);
  for (int64_t d : s.dims()) RC_ASSERT(d >= 0 && d <= 4);
}

TEST(Generators, ZeroPicksGiveZerosAndTheOutput) {
  Choice add;
  add.op = static_cast<uint8_t>(Op::Add);
  const Interpreted r = interpret({add}, CasePicks{}, GenConfig{});
  ASSERT_TRUE(r.internalError.empty()) << r.internalError;
  ASSERT_EQ(r.c.graph.numNodes(), 1u);
  EXPECT_EQ(r.c.outId, r.c.graph.numValues() - 1);
  for (const auto* ts : {&r.c.inputs, &r.c.seedsA, &r.c.seedsB, &r.c.tangents}) {
    for (const auto& t : *ts) {
      for (const Rational& x : t.span()) EXPECT_TRUE(x.isZero());
    }
  }
  EXPECT_TRUE(r.c.coeffA.isZero());
}

// Removing a choice keeps the data of the values the other choices created.
TEST(Generators, DataTravelsWithItsChoice) {
  Choice first, second;
  first.op = static_cast<uint8_t>(Op::Relu);
  first.operand = {kFreshPick, 0, 0};
  first.value = {1, 2, 3, 4, 5, 6, 7};
  second.op = static_cast<uint8_t>(Op::Abs);
  second.operand = {kFreshPick, 0, 0};
  second.value = {9, 10, 11, 9, 10, 11, 9};
  const Interpreted both = interpret({first, second}, CasePicks{}, GenConfig{});
  const Interpreted alone = interpret({second}, CasePicks{}, GenConfig{});
  ASSERT_EQ(both.c.inputs.size(), 2u);
  ASSERT_EQ(alone.c.inputs.size(), 1u);
  EXPECT_EQ(both.c.inputs[1][0], alone.c.inputs[0][0]);
  EXPECT_EQ(alone.c.inputs[0][0], tableValue(9));
}

TEST(Generators, EveryOpIsReachableFromOneChoice) {
  for (Op op : allOps()) {
    Choice c;
    CasePicks picks;
    if (isTranscendental(op)) {
      const auto& ops = transcendentalOps();
      c.transcendental =
          static_cast<uint8_t>(std::find(ops.begin(), ops.end(), op) - ops.begin() + 1);
      picks.mixed = 1;
    } else {
      c.op = static_cast<uint8_t>(static_cast<int>(op));  // rational ops lead the catalogue
    }
    const Interpreted r = interpret({c}, picks, GenConfig{});
    ASSERT_TRUE(r.internalError.empty()) << opName(op) << ": " << r.internalError;
    ASSERT_EQ(r.c.graph.numNodes(), 1u) << opName(op);
    EXPECT_EQ(r.c.graph.node(0).op, op);
  }
}

TEST(Generators, TheOpListsSplitTheCatalogue) {
  EXPECT_EQ(rationalOps().size(), static_cast<size_t>(kNumRationalOps));
  EXPECT_EQ(transcendentalOps().size(), static_cast<size_t>(kNumTranscendentalOps));
  for (Op op : rationalOps()) EXPECT_FALSE(isTranscendental(op)) << opName(op);
  for (Op op : transcendentalOps()) EXPECT_TRUE(isTranscendental(op)) << opName(op);
  // The rational ops are the catalogue's first entries, so c.op indexes both the same way.
  for (size_t i = 0; i < rationalOps().size(); ++i) EXPECT_EQ(rationalOps()[i], allOps()[i]);
}

// A transcendental pick names its op only in a mixed case; 0 (what it shrinks to) never does.
TEST(Generators, ATranscendentalPickNeedsAMixedCase) {
  Choice c;
  c.op = static_cast<uint8_t>(Op::Relu);
  c.transcendental = 5;  // exp
  EXPECT_EQ(choiceOp(c, true), Op::Exp);
  EXPECT_EQ(choiceOp(c, false), Op::Relu);
  c.transcendental = 0;
  EXPECT_EQ(choiceOp(c, true), Op::Relu);
  c.transcendental = kTranscendentalPeriod + 10;  // layerNorm, modulo the period
  EXPECT_EQ(choiceOp(c, true), Op::LayerNorm);
  c.transcendental = kNumTranscendentalOps + 1;
  EXPECT_EQ(choiceOp(c, true), Op::Relu);
}

TEST(Generators, EpsilonsArePositiveAndStartAtTheDefault) {
  EXPECT_EQ(ExactLiteral::compare(epsilonValue(0), GraphBuilder::defaultEpsilon()), 0);
  for (int pick = 0; pick < 256; ++pick) {
    EXPECT_GT(epsilonValue(static_cast<uint8_t>(pick)).sign(), 0) << pick;
  }
  for (int pick = 0; pick < kValueTableSize; ++pick) {
    EXPECT_GT(positiveTableValue(static_cast<uint8_t>(pick)).sign(), 0) << pick;
  }
}

// ---- shrinking: a stand-in failing property shrinks to the smallest case that still fails

struct ShrinkResult {
  Case minimal;
  int steps = 0;
  bool everyStepValid = true;
};

// RapidCheck's strategy: take the first shrink that still fails, repeat until none does.
ShrinkResult shrinkWhile(rc::Shrinkable<Case> current,
                         const std::function<bool(const Case&)>& fails) {
  ShrinkResult r;
  for (bool progressed = true; progressed && r.steps < 5000;) {
    progressed = false;
    rc::Seq<rc::Shrinkable<Case>> shrinks = current.shrinks();
    while (rc::Maybe<rc::Shrinkable<Case>> next = shrinks.next()) {
      const Case candidate = next->value();
      r.everyStepValid = r.everyStepValid && !oracle::compareDeclaredShapes(candidate.graph);
      if (fails(candidate)) {
        current = *next;
        ++r.steps;
        progressed = true;
        break;
      }
    }
  }
  r.minimal = current.value();
  return r;
}

bool hasOp(const Case& c, Op op) { return opCounts(c)[static_cast<size_t>(op)] > 0; }

// The first case, over seeds 1, 2, ..., at size 100 that satisfies `wanted`.
rc::Shrinkable<Case> firstCase(const std::function<bool(const Case&)>& wanted) {
  for (uint64_t seed = 1;; ++seed) {
    rc::Shrinkable<Case> s = genCase(GenConfig{})(rc::Random(seed), rc::kNominalSize);
    if (wanted(s.value())) return s;
  }
}

TEST(Shrinking, AFailureNeedingAMatmulShrinksToOneMatmulOfSmallZeros) {
  auto fails = [](const Case& c) { return hasOp(c, Op::Matmul); };
  rc::Shrinkable<Case> start =
      firstCase([&](const Case& c) { return fails(c) && c.graph.numNodes() >= 10; });
  const ShrinkResult r = shrinkWhile(start, fails);
  EXPECT_TRUE(r.everyStepValid);
  const Graph& g = r.minimal.graph;
  ASSERT_EQ(g.numNodes(), 1u) << printCase(r.minimal);
  EXPECT_EQ(g.node(0).op, Op::Matmul);
  EXPECT_LE(g.numInputs(), 2u);
  for (const Shape& s : g.inputs()) {
    for (int64_t d : s.dims()) EXPECT_EQ(d, 1) << printCase(r.minimal);  // dims shrink to 1
  }
  for (const auto& t : r.minimal.inputs) {
    for (const Rational& x : t.span()) EXPECT_TRUE(x.isZero()) << printCase(r.minimal);
  }
  std::cout << "matmul case shrank in " << r.steps << " steps from "
            << start.value().graph.numNodes() << " nodes to:\n"
            << printCase(r.minimal);
}

TEST(Shrinking, AFailureNeedingFiveNodesShrinksToFive) {
  auto fails = [](const Case& c) { return c.graph.numNodes() >= 5; };
  rc::Shrinkable<Case> start = firstCase([](const Case& c) { return c.graph.numNodes() >= 12; });
  const ShrinkResult r = shrinkWhile(start, fails);
  EXPECT_TRUE(r.everyStepValid);
  EXPECT_EQ(r.minimal.graph.numNodes(), 5u) << printCase(r.minimal);
}

TEST(Shrinking, ALayerNormFailureShrinksToOneLayerNormOfOnes) {
  auto fails = [](const Case& c) { return hasOp(c, Op::LayerNorm); };
  rc::Shrinkable<Case> start =
      firstCase([&](const Case& c) { return fails(c) && c.graph.numNodes() >= 10; });
  const ShrinkResult r = shrinkWhile(start, fails);
  EXPECT_TRUE(r.everyStepValid);
  const Graph& g = r.minimal.graph;
  ASSERT_EQ(g.numNodes(), 1u) << printCase(r.minimal);
  EXPECT_EQ(g.node(0).op, Op::LayerNorm);
  for (const Shape& s : g.inputs()) {
    for (int64_t d : s.dims()) EXPECT_EQ(d, 1) << printCase(r.minimal);
  }
  // eps shrinks to the builder's default.
  EXPECT_EQ(ExactLiteral::compare(g.literals(g.node(0))[0], GraphBuilder::defaultEpsilon()), 0)
      << printCase(r.minimal);
  std::cout << "layerNorm case shrank in " << r.steps << " steps from "
            << start.value().graph.numNodes() << " nodes to:\n"
            << printCase(r.minimal);
}

TEST(Shrinking, ADivisionByZeroShrinksToOneDivisionNode) {
  auto fails = [](const Case& c) {
    Result<std::vector<spec::Value<Rational>>> r =
        spec::evaluate<Rational>(c.graph, oracle::toSpecValues(c.inputs));
    return !r.ok() && r.error().code == ErrorCode::DomainError;
  };
  const ShrinkResult r = shrinkWhile(firstCase(fails), fails);
  EXPECT_TRUE(r.everyStepValid);
  ASSERT_EQ(r.minimal.graph.numNodes(), 1u) << printCase(r.minimal);
  const Op op = r.minimal.graph.node(0).op;
  EXPECT_TRUE(op == Op::Div || op == Op::Inv) << printCase(r.minimal);
}

// ---- distributions of a default run

// 100 cases at sizes 0..99, as a RapidCheck run of 100 cases ramps them, from a fixed seed.
std::vector<Case> defaultRun(uint64_t seed) {
  std::vector<Case> cases;
  rc::Random random(seed);
  for (int size = 0; size < 100; ++size) {
    cases.push_back(genCase(GenConfig{})(random.split(), size).value());
  }
  return cases;
}

TEST(Distribution, EveryOpAppearsAtLeastTheMinimumIn100Cases) {
  OpCounts total{};
  size_t nodes = 0;
  for (const Case& c : defaultRun(20240601)) {
    addOpCounts(total, opCounts(c));
    nodes += c.graph.numNodes();
  }
  std::cout << "per-op node counts over 100 default cases (" << nodes << " nodes):\n"
            << formatOpCounts(total);
  for (Op op : allOps()) {
    EXPECT_GE(total[static_cast<size_t>(op)], kMinOpCountPer100) << opName(op);
  }
}

bool hasTranscendentalOp(const Case& c) {
  for (Op op : transcendentalOps()) {
    if (hasOp(c, op)) return true;
  }
  return false;
}

// The reference's error on the case: spec::evaluate at Rational, or at Interval with a
// transcendental op.
std::optional<Error> referenceError(const Case& c) {
  if (hasTranscendentalOp(c)) {
    auto r = spec::evaluate<Interval>(
        c.graph, oracle::toSpecValues(
                     std::span<const Tensor<Interval>>(oracle::toIntervalTensors(c.inputs))));
    if (!r.ok()) return r.error();
    return std::nullopt;
  }
  auto r = spec::evaluate<Rational>(c.graph, oracle::toSpecValues(c.inputs));
  if (!r.ok()) return r.error();
  return std::nullopt;
}

TEST(Distribution, HalfTheCasesMixInTranscendentalOps) {
  size_t mixed = 0, cases = 0, nodes = 0, transcendental = 0;
  for (uint64_t seed : {3u, 5u, 8u, 13u}) {
    for (const Case& c : defaultRun(seed)) {
      if (c.graph.numNodes() == 0) continue;
      ++cases;
      if (!hasTranscendentalOp(c)) continue;
      ++mixed;
      for (const Node& n : c.graph.nodes()) {
        ++nodes;
        transcendental += isTranscendental(n.op);
      }
    }
  }
  std::cout << mixed << " of " << cases << " cases hold a transcendental op; " << transcendental
            << " of their " << nodes << " nodes are transcendental\n";
  EXPECT_GT(mixed * 100, cases * 38);  // about half
  EXPECT_LT(mixed * 100, cases * 62);
  // 10/23 of a mixed case's choices name a transcendental op.
  EXPECT_GT(transcendental * 100, nodes * 35);
  EXPECT_LT(transcendental * 100, nodes * 52);
}

// The minimum holds with a margin: over many default runs every op's mean count is at least
// twice kMinOpCountPer100, and a run that misses the minimum for some op is rare.
TEST(Distribution, EveryOpClearsTheMinimumWithAMargin) {
  constexpr int kRuns = 40;
  OpCounts total{};
  int runsBelow = 0;
  for (int run = 0; run < kRuns; ++run) {
    OpCounts counts{};
    for (const Case& c : defaultRun(1000 + static_cast<uint64_t>(run))) {
      addOpCounts(counts, opCounts(c));
    }
    addOpCounts(total, counts);
    runsBelow +=
        std::any_of(counts.begin(), counts.end(), [](uint64_t n) { return n < kMinOpCountPer100; });
  }
  std::cout << "mean per-op counts over " << kRuns << " default runs (x" << kRuns << "):\n"
            << formatOpCounts(total) << runsBelow << " of " << kRuns << " runs left some op below "
            << kMinOpCountPer100 << "\n";
  for (Op op : allOps()) {
    EXPECT_GE(total[static_cast<size_t>(op)], 2 * kMinOpCountPer100 * kRuns) << opName(op);
  }
  EXPECT_LE(runsBelow, 2);
}

TEST(Distribution, ValuesFavourZerosTiesAndSometimesDivideByZero) {
  size_t elements = 0, zeros = 0, tiedInputs = 0, inputsWithTwo = 0, domainErrors = 0;
  for (const Case& c : defaultRun(7)) {
    for (const auto& t : c.inputs) {
      for (const Rational& x : t.span()) zeros += x.isZero();
      elements += static_cast<size_t>(t.numel());
      if (t.numel() < 2) continue;
      ++inputsWithTwo;
      std::vector<Rational> xs(t.span().begin(), t.span().end());
      std::sort(xs.begin(), xs.end());
      tiedInputs += std::adjacent_find(xs.begin(), xs.end()) != xs.end();
    }
    const std::optional<Error> e = referenceError(c);
    domainErrors += e && e->code == ErrorCode::DomainError;
  }
  std::cout << "zeros " << zeros << "/" << elements << ", inputs with ties " << tiedInputs << "/"
            << inputsWithTwo << ", cases with a division by zero " << domainErrors << "/100\n";
  EXPECT_GT(zeros * 10, elements);           // more than 1 in 10 elements is 0
  EXPECT_GT(tiedInputs * 3, inputsWithTwo);  // more than 1 in 3 inputs has a tie
  EXPECT_GE(domainErrors, 1u);               // zero divisors happen...
  EXPECT_LE(domainErrors, 15u);              // ...but rarely
}

TEST(Distribution, ShapesCoverRanksZeroToThreeAndEmptyDims) {
  std::array<size_t, 4> ranks{};
  size_t empty = 0, ones = 0;
  for (const Case& c : defaultRun(11)) {
    for (size_t id = 0; id < c.graph.numValues(); ++id) {
      const Shape& s = c.graph.shapeOf(static_cast<ValueId>(id));
      ++ranks[static_cast<size_t>(s.rank())];
      empty += s.numel() == 0;
      ones += std::count(s.dims().begin(), s.dims().end(), 1);
    }
  }
  for (size_t r = 0; r < 4; ++r) EXPECT_GT(ranks[r], 20u) << "rank " << r;
  EXPECT_GT(empty, 10u);
  EXPECT_GT(ones, 100u);
}

// ---- domains: every op's operands lie in its domain unless the node is marked

struct DomainCensus {
  size_t cases = 0, logs = 0, markedLogs = 0, exponentials = 0, layerNorms = 0, sqrts = 0;
  size_t domainErrors = 0, inconclusiveEdges = 0;
};

// Interpreted cases at sizes 0..99, repeatedly, from one seed; `mixed` forces the case kind.
std::vector<Interpreted> interpretedRun(uint64_t seed, int cases, bool mixed) {
  std::vector<Interpreted> out;
  rc::Random random(seed);
  const GenConfig cfg;
  for (int i = 0; i < cases; ++i) {
    const int size = i % 100;
    const std::vector<Choice> choices = genChoices(cfg)(random.split(), size).value();
    CasePicks picks = genCasePicks()(random.split(), size).value();
    picks.mixed = mixed ? 1 : 0;
    out.push_back(interpret(choices, picks, cfg));
  }
  return out;
}

bool within(const Interval& x, int64_t bound) {
  Result<Rational> lo = x.lower(), hi = x.upper();
  return lo.ok() && hi.ok() && lo.value() >= Rational(-bound) && hi.value() <= Rational(bound);
}

// Mixed cases at Interval: log's operand enclosures are certainly positive and the exponentials'
// within [-4, 4] (unless the log is marked), and no DomainError happens at an unmarked node, in
// the engine or in the spec.
TEST(Domains, MixedCasesStayInsideEveryDomain) {
  DomainCensus n;
  for (const Interpreted& r : interpretedRun(77, 400, true)) {
    const Case& c = r.c;
    const Graph& g = c.graph;
    ++n.cases;
    const std::vector<Tensor<Interval>> inputs = oracle::toIntervalTensors(c.inputs);
    Result<Compiled<Interval>> engine = compile<Interval>(g, inputs);
    auto spec = spec::evaluate<Interval>(
        g, oracle::toSpecValues(std::span<const Tensor<Interval>>(inputs)));
    for (const Error* e :
         {engine.ok() ? nullptr : &engine.error(), spec.ok() ? nullptr : &spec.error()}) {
      if (e == nullptr) continue;
      ASSERT_EQ(e->code, ErrorCode::DomainError) << e->message << "\n" << printCase(c);
      ASSERT_GE(e->node, 0) << e->message;
      EXPECT_TRUE(r.mayLeaveDomain[static_cast<size_t>(e->node)])
          << "a DomainError at an unmarked node: " << e->message << "\n"
          << printCase(c);
      ++n.domainErrors;
    }
    for (size_t k = 0; k < g.numNodes(); ++k) {
      const Node& node = g.node(k);
      const size_t id = g.numInputs() + k;
      n.logs += node.op == Op::Log;
      n.markedLogs += node.op == Op::Log && r.mayLeaveDomain[id];
      n.sqrts += node.op == Op::Sqrt;
      n.layerNorms += node.op == Op::LayerNorm;
      if (!engine.ok() || g.parents(node).empty()) continue;
      const TensorView<Interval> x = engine->values()[g.parents(node)[0]];
      if (node.op == Op::Log && !r.mayLeaveDomain[id]) {
        for (int64_t e = 0; e < x.numel(); ++e) {
          EXPECT_TRUE(x[e].certainlyPositive()) << "log operand " << x[e] << "\n" << printCase(c);
        }
      }
      if (node.op == Op::Exp || node.op == Op::Softplus || node.op == Op::Sigmoid ||
          node.op == Op::Tanh || node.op == Op::SafeLog) {
        ++n.exponentials;
        for (int64_t e = 0; e < x.numel(); ++e) {
          EXPECT_TRUE(within(x[e], 4)) << opName(node.op) << " operand " << x[e] << "\n"
                                       << printCase(c);
        }
      }
      if (node.op == Op::SafeLog || node.op == Op::LayerNorm) {
        EXPECT_GT(g.literals(node)[0].sign(), 0);
      }
    }
  }
  std::cout << n.cases << " mixed cases: " << n.logs << " logs (" << n.markedLogs
            << " allowed outside the domain), " << n.exponentials << " exp/softplus/sigmoid/tanh/"
            << "safeLog, " << n.sqrts << " sqrt, " << n.layerNorms << " layerNorm; "
            << n.domainErrors << " domain errors, all at marked nodes\n";
  EXPECT_GT(n.logs, 150u);
  EXPECT_GT(n.markedLogs, 2u);
  EXPECT_LT(n.markedLogs * 8, n.logs);
}

// Rational cases have no transcendental op, and their domain errors are at marked divisions.
TEST(Domains, RationalCasesHoldNoTranscendentalOp) {
  size_t errors = 0;
  for (const Interpreted& r : interpretedRun(78, 200, false)) {
    EXPECT_FALSE(hasTranscendentalOp(r.c)) << printCase(r.c);
    auto spec = spec::evaluate<Rational>(r.c.graph, oracle::toSpecValues(r.c.inputs));
    if (spec.ok()) continue;
    ++errors;
    ASSERT_EQ(spec.error().code, ErrorCode::DomainError) << spec.error().message;
    EXPECT_TRUE(r.mayLeaveDomain[static_cast<size_t>(spec.error().node)]) << printCase(r.c);
  }
  EXPECT_GE(errors, 1u);
}

// Kinks are reached: sqrt and relu see exact zeros, softmax rows see ties.
TEST(Domains, KinksAreExercised) {
  size_t sqrtZeros = 0, softmaxTies = 0;
  for (const Interpreted& r : interpretedRun(79, 300, true)) {
    const Case& c = r.c;
    const Graph& g = c.graph;
    Result<Compiled<Interval>> engine = compile<Interval>(g, oracle::toIntervalTensors(c.inputs));
    if (!engine.ok()) continue;
    for (size_t k = 0; k < g.numNodes(); ++k) {
      const Node& node = g.node(k);
      if (g.parents(node).empty()) continue;
      const TensorView<Interval> x = engine->values()[g.parents(node)[0]];
      if (node.op == Op::Sqrt) {
        for (int64_t e = 0; e < x.numel(); ++e) sqrtZeros += x[e].containsZero();
      }
      if ((node.op == Op::Softmax || node.op == Op::LogSoftmax) && x.shape.rank() >= 1) {
        const int64_t row = x.shape[x.shape.rank() - 1];
        for (int64_t start = 0; row > 1 && start < x.numel(); start += row) {
          bool tie = false;
          for (int64_t i = start; i < start + row; ++i) {
            for (int64_t j = i + 1; j < start + row; ++j) tie = tie || overlaps(x[i], x[j]);
          }
          softmaxTies += tie;
        }
      }
    }
  }
  std::cout << sqrtZeros << " sqrt operands at (or enclosing) 0, " << softmaxTies
            << " softmax rows with a tie\n";
  EXPECT_GT(sqrtZeros, 20u);
  EXPECT_GT(softmaxTies, 20u);
}

}  // namespace
}  // namespace verigrad::props
