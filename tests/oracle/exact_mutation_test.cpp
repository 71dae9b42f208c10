// Mutation check of the exact comparison (issue 3 acceptance): starting from the exact engine's
// correct gradients, a deliberately wrong VJP (a transposed matmul gradient, relu'(0) = 1, a max
// tie split 1/0, a min tie split 0/1, clamp's derivative 1 at an endpoint, mseLoss without its
// 2/N, div's b-gradient with the wrong sign) is written into the slot it would reach, and
// oracle::compareExact against spec::denseGradient must name exactly that value and element.
#include <functional>
#include <iostream>

#include "test_support.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::testing {
namespace {

using SpecValues = std::vector<spec::Value<Rational>>;

struct MutationCase {
  std::string name;
  Graph graph;
  std::vector<Tensor<Rational>> inputs;
  // Turns the correct gradient context into the one the buggy VJP would produce.
  std::function<void(Context<Rational>&)> mutate;
  int64_t node;         // the value whose gradient the bug corrupts first (lowest id)
  std::string element;  // its first wrong element
};

// Runs the case: the correct context agrees with the spec; the mutated one is reported at the
// expected node and element.
void ExpectCaught(const MutationCase& c) {
  SCOPED_TRACE(c.name);
  const Compiled<Rational> run = Unwrap(compile<Rational>(c.graph, c.inputs));
  const SpecValues inputs = oracle::toSpecValues(c.inputs);
  const size_t out = outId(c.graph);
  const SpecValues seeds = Unwrap(
      spec::oneHotSeeds<Rational>(c.graph, out, spec::Value<Rational>{Shape{}, {Rational(1)}}));
  const SpecValues expected = Unwrap(spec::denseGradient<Rational>(c.graph, inputs, seeds));

  Context<Rational> grads = Unwrap(run.backwardDenseAllFromOutput());
  ASSERT_FALSE(oracle::compareExact(grads, expected, "gradient").has_value());

  c.mutate(grads);
  const std::optional<oracle::Mismatch> m = oracle::compareExact(grads, expected, "gradient");
  ASSERT_TRUE(m.has_value());
  std::cout << "[ report ] " << c.name << ": " << oracle::summarizeMismatch(*m, c.graph) << "\n";
  EXPECT_EQ(m->what, "gradient");
  EXPECT_EQ(m->node, c.node);
  EXPECT_EQ(m->element, c.element);
}

Graph Finish(GraphBuilder& b) { return Unwrap(b.finish()); }

// matmul a[2,3]·b[3,4] where a is computed (scale), so the wrong slot is a node: dA = δ·bᵀ
// reinterpreted as [3,2] and transposed back to [2,3], a "transposed VJP" whose shape still fits.
MutationCase TransposedMatmul() {
  GraphBuilder b({Shape{2, 3}, Shape{3, 4}});
  const Var a = b.scale(b.arg(0), L("1/2"));
  b.sum(b.square(b.matmul(a, b.arg(1))));
  return {"matmul dA transposed",
          Finish(b),
          {TQ(Shape{2, 3}, {"1", "-2", "1/3", "3/2", "0", "-1"}),
           TQ(Shape{3, 4}, {"1", "2", "-1", "1/2", "0", "3", "1/4", "-2", "5", "-1/3", "2", "1"})},
          [id = a.id](Context<Rational>& g) {
            Rational* d = g.mutableData(id);
            const std::vector<Rational> right(d, d + 6);  // [2,3] row-major
            for (int i = 0; i < 2; ++i) {
              for (int j = 0; j < 3; ++j) d[i * 3 + j] = right[j * 2 + i];  // ([3,2] view)ᵀ
            }
          },
          a.id,
          "[0,1]"};
}

// relu'(0) = 1 instead of 0: x[2] = 0 receives δ = 2/3.
MutationCase ReluDerivativeAtZero() {
  GraphBuilder b({Shape{4}});
  const Var x = b.scale(b.arg(0), L("3"));
  b.sum(b.scale(b.relu(x), L("2/3")));
  return {"relu'(0) = 1",
          Finish(b),
          {TQ(Shape{4}, {"1/2", "-1", "0", "3"})},
          [id = x.id](Context<Rational>& g) { g.mutableData(id)[2] = Q("2/3"); },
          x.id,
          "[2]"};
}

// A tie at element 1 of max(a, b) / min(a, b), δ = 3/4: the spec splits it 3/8 and 3/8.
MutationCase TieSplit(bool isMax) {
  GraphBuilder b({Shape{3}, Shape{3}});
  const Var m = isMax ? b.max(b.arg(0), b.arg(1)) : b.min(b.arg(0), b.arg(1));
  b.sum(b.scale(m, L("3/4")));
  return {isMax ? "max tie split 1/0" : "min tie split 0/1",
          Finish(b),
          {TQ(Shape{3}, {"1", "2/3", "-1"}), TQ(Shape{3}, {"0", "2/3", "5"})},
          [isMax](Context<Rational>& g) {
            g.mutableData(0)[1] = isMax ? Q("3/4") : Q("0");
            g.mutableData(1)[1] = isMax ? Q("0") : Q("3/4");
          },
          0,
          "[1]"};
}

// clamp(x, -1/2, 3/4) with x at both endpoints; the bug passes δ at the upper endpoint [2].
MutationCase ClampAtEndpoint() {
  GraphBuilder b({Shape{4}});
  b.sum(b.clamp(b.arg(0), L("-1/2"), L("3/4")));
  return {"clamp' = 1 at hi",
          Finish(b),
          {TQ(Shape{4}, {"-1/2", "0", "3/4", "1"})},
          [](Context<Rational>& g) { g.mutableData(0)[2] = Q("1"); },
          0,
          "[2]"};
}

// mseLoss(a, b) of [2,2] without its 2/N: a ← (a − b)·δ, b ← −(a − b)·δ.
MutationCase MseLossWithoutTwoOverN() {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  b.mseLoss(b.arg(0), b.arg(1));
  return {"mseLoss without 2/N",
          Finish(b),
          {TQ(Shape{2, 2}, {"1", "1/3", "-2", "0"}), TQ(Shape{2, 2}, {"1", "2", "1/2", "-1"})},
          [](Context<Rational>& g) {
            const std::vector<Rational> a = {Q("1"), Q("1/3"), Q("-2"), Q("0")};
            const std::vector<Rational> t = {Q("1"), Q("2"), Q("1/2"), Q("-1")};
            for (int k = 0; k < 4; ++k) {
              g.mutableData(0)[k] = a[k] - t[k];
              g.mutableData(1)[k] = t[k] - a[k];
            }
          },
          0,
          "[0,1]"};  // [0,0] has a = b: there the missing factor multiplies zero
}

// div(a, b): b ← +δ·a/b² instead of −δ·a/b².
MutationCase DivWrongSign() {
  GraphBuilder b({Shape{3}, Shape{3}});
  b.sum(b.div(b.arg(0), b.arg(1)));
  return {"div db sign",
          Finish(b),
          {TQ(Shape{3}, {"0", "1", "-3"}), TQ(Shape{3}, {"2", "1/3", "4"})},
          [](Context<Rational>& g) {
            Rational* d = g.mutableData(1);
            for (int k = 0; k < 3; ++k) d[k] = -d[k];
          },
          1,
          "[1]"};  // [0] has a = 0: its gradient is 0 either way
}

TEST(ExactMutation, CompareExactNamesTheWrongValueAndElement) {
  for (const MutationCase& c :
       {TransposedMatmul(), ReluDerivativeAtZero(), TieSplit(true), TieSplit(false),
        ClampAtEndpoint(), MseLossWithoutTwoOverN(), DivWrongSign()}) {
    ExpectCaught(c);
  }
}

// A wrong value (not only a gradient) is named the same way.
TEST(ExactMutation, AWrongForwardValueIsNamed) {
  GraphBuilder b({Shape{2, 2}});
  const Var s = b.square(b.arg(0));
  const Graph g = Finish(b);
  const std::vector<Tensor<Rational>> in = {TQ(Shape{2, 2}, {"1/3", "2", "-1", "0"})};
  const Compiled<Rational> run = Unwrap(compile<Rational>(g, in));
  const SpecValues expected = Unwrap(spec::evaluate<Rational>(g, oracle::toSpecValues(in)));
  Context<Rational> values = run.values();
  ASSERT_FALSE(oracle::compareExact(values, expected, "value").has_value());
  values.mutableData(s.id)[2] = Q("-1");  // (-1)² computed as -1
  const std::optional<oracle::Mismatch> m = oracle::compareExact(values, expected, "value");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->node, s.id);
  EXPECT_EQ(m->element, "[1,0]");
  EXPECT_EQ(m->engine, "-1");
  EXPECT_EQ(m->spec, "1");
}

}  // namespace
}  // namespace verigrad::testing
