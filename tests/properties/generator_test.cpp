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
  return rc::gen::container<std::vector<Choice>>(rc::gen::map(
      rc::gen::container<std::vector<uint8_t>>(12, rc::gen::arbitrary<uint8_t>()),
      [](const std::vector<uint8_t>& b) {
        Choice c;
        c.op = b[0];
        c.operand = {b[1], b[2], b[3]};
        c.dim = {b[4], b[5], b[6]};
        c.attr = b[7];
        c.aux = b[8];
        c.lit = {b[9], b[10], b[11]};
        return c;
      }));
}

// Every invariant the interpreter promises about a skeleton.
void assertValidSkeleton(const Skeleton& sk, size_t choices, const GenConfig& cfg) {
  const Graph& g = sk.graph;
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
}

RC_GTEST_PROP(Generators, any_choice_list_gives_a_valid_graph, ()) {
  const GenConfig cfg;
  const std::vector<Choice> choices = *anyChoices();
  assertValidSkeleton(interpretChoices(choices, cfg), choices.size(), cfg);
}

RC_GTEST_PROP(Generators, generated_cases_are_laid_out_for_their_graph, ()) {
  const GenConfig cfg;
  const std::vector<Choice> choices = *genChoices(cfg);
  const Skeleton sk = interpretChoices(choices, cfg);
  assertValidSkeleton(sk, choices.size(), cfg);
  const Case c = assembleCase(sk, *genDataPicks(sk));
  const Graph& g = c.graph;
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

TEST(Generators, MissingPicksGiveZerosAndTheOutput) {
  Choice add;
  add.op = static_cast<uint8_t>(Op::Add);
  const Skeleton sk = interpretChoices({add}, GenConfig{});
  ASSERT_TRUE(sk.internalError.empty()) << sk.internalError;
  ASSERT_EQ(sk.graph.numNodes(), 1u);
  const Case c = assembleCase(sk, DataPicks{});
  EXPECT_EQ(c.outId, sk.graph.numValues() - 1);
  for (const auto& t : c.inputs) {
    for (const Rational& x : t.span()) EXPECT_TRUE(x.isZero());
  }
  EXPECT_TRUE(c.coeffA.isZero());
}

TEST(Generators, EveryOpIsReachableFromOneChoice) {
  for (Op op : allOps()) {
    Choice c;
    c.op = static_cast<uint8_t>(static_cast<int>(op));
    const Skeleton sk = interpretChoices({c}, GenConfig{});
    ASSERT_TRUE(sk.internalError.empty()) << opName(op) << ": " << sk.internalError;
    ASSERT_EQ(sk.graph.numNodes(), 1u) << opName(op);
    EXPECT_EQ(sk.graph.node(0).op, op);
  }
}

// ---- shrinking: a stand-in failing property shrinks to the smallest case that still fails

struct ShrinkResult {
  Case minimal;
  int steps = 0;
  bool everyStepValid = true;
};

// RapidCheck's strategy: take the first shrink that still fails, repeat until none does.
ShrinkResult shrinkWhile(rc::Shrinkable<Case> current, const std::function<bool(const Case&)>& fails) {
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
  rc::Shrinkable<Case> start = firstCase([&](const Case& c) {
    return fails(c) && c.graph.numNodes() >= 10;
  });
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
  EXPECT_GT(zeros * 10, elements);              // more than 1 in 10 elements is 0
  EXPECT_GT(tiedInputs * 3, inputsWithTwo);      // more than 1 in 3 inputs has a tie
  EXPECT_GE(domainErrors, 1u);                   // zero divisors happen...
  EXPECT_LE(domainErrors, 15u);                  // ...but rarely
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
