// The case generators: any choice list gives a valid graph within the caps, shrinking reaches
// small graphs, values favour zeros and ties, and a default run of 100 cases covers every op.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <iostream>

#include "verigrad/graph_text.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/props/generators.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::props {
namespace {

// Any choice bytes at all, any length: the interpreter must cope with every list.
rc::Gen<std::vector<Choice>> anyChoices() {
  return rc::gen::container<std::vector<Choice>>(
      rc::gen::map(rc::gen::container<std::vector<uint8_t>>(12 + 4 * Choice::kDataPicks,
                                                            rc::gen::arbitrary<uint8_t>()),
                   [](const std::vector<uint8_t>& b) {
                     Choice c;
                     c.op = b[0];
                     c.operand = {b[1], b[2], b[3]};
                     c.dim = {b[4], b[5], b[6]};
                     c.attr = b[7];
                     c.aux = b[8];
                     c.lit = {b[9], b[10], b[11]};
                     size_t k = 12;
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
                        *rc::gen::arbitrary<uint8_t>()};
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
    c.op = static_cast<uint8_t>(static_cast<int>(op));
    const Interpreted r = interpret({c}, CasePicks{}, GenConfig{});
    ASSERT_TRUE(r.internalError.empty()) << opName(op) << ": " << r.internalError;
    ASSERT_EQ(r.c.graph.numNodes(), 1u) << opName(op);
    EXPECT_EQ(r.c.graph.node(0).op, op);
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
    auto r = spec::evaluate<Rational>(c.graph, oracle::toSpecValues(c.inputs));
    domainErrors += !r.ok() && r.error().code == ErrorCode::DomainError;
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

}  // namespace
}  // namespace verigrad::props
