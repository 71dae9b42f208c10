// The Plan's lowered program (engine/src/plan_program.hpp): which nodes become scalar steps, the
// Assign/Add decisions lowered for backwardDenseAll, and, through the public Plan API, that a
// graph of scalar steps of every pointwise op (repeated operands, literals, const and detach,
// unreached nodes, generic nodes between scalar ones) gives the bits compile + Tape give.
#include "plan_program.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "test_support.hpp"
#include "verigrad/plan.hpp"

namespace verigrad {
namespace {

using testing::bitIdentical;
using testing::Unwrap;

constexpr uint8_t code(Op op) { return static_cast<uint8_t>(op); }

// x·a + a, then tanh: the W1 chain's three ops.
Graph chainGraph() {
  GraphBuilder b({Shape{}, Shape{}});
  b.tanh(b.add(b.mul(b.arg(0), b.arg(1)), b.arg(1)));
  return Unwrap(b.finish());
}

TEST(PlanProgram, ScalarPointwiseNodesBecomeScalarStepsAtFloatAndDoubleOnly) {
  GraphBuilder b({Shape{}, Shape{2}, Shape{1, 1}});
  b.mul(b.arg(0), b.arg(0));  // %3 scalar, one value in both operands
  b.relu(b.arg(1));           // %4 [2]: generic
  b.scale(b.arg(2), Unwrap(ExactLiteral::fromRatio(1, 2)));  // %5 [1,1]: numel 1, a literal
  b.sum(b.arg(1));                                           // %6 scalar but not pointwise: generic
  const Graph g = Unwrap(b.finish());

  auto lowered = [&](auto zero) {
    using T = decltype(zero);
    const auto state = Unwrap(compile_steps::prepare<T>(g));
    return plan_program::lower(*state);
  };
  const plan_program::Program<double> p = lowered(0.0);
  ASSERT_EQ(p.forward.size(), 4u);
  EXPECT_EQ(p.forward[0].code, code(Op::Mul));
  EXPECT_TRUE(p.forward[0].sameOperands);
  EXPECT_EQ(p.forward[0].x0, g.valueOffsets()[0]);
  EXPECT_EQ(p.forward[0].x1, g.valueOffsets()[0]);
  EXPECT_EQ(p.forward[0].out, g.valueOffsets()[3]);
  EXPECT_EQ(p.forward[1].code, plan_program::kGeneric);
  EXPECT_EQ(p.forward[1].aux, 4u);  // a generic step carries its value id
  EXPECT_EQ(p.forward[2].code, code(Op::Scale));
  EXPECT_EQ(p.forward[2].aux, g.node(2).litBegin);  // a scalar step carries its first literal
  EXPECT_EQ(p.forward[3].code, plan_program::kGeneric);

  EXPECT_EQ(lowered(0.0f).forward[0].code, code(Op::Mul));
  for (const plan_program::Step& st : lowered(Rational()).forward) {
    EXPECT_EQ(st.code, plan_program::kGeneric) << "exact scalars report domain errors: generic";
  }
}

// The decisions sweep::denseAll makes on the chain, lowered: from the output tanh (%4) back, each
// parent's first write assigns; the mul's write to `a` (%1) comes after the add's and adds.
TEST(PlanProgram, BackwardLowersReachAndFirstWrites) {
  const Graph g = chainGraph();  // %2 = mul(%0, %1), %3 = add(%2, %1), %4 = tanh(%3)
  const auto state = Unwrap(compile_steps::prepare<double>(g));
  plan_program::Program<double> p = plan_program::lower(*state);

  plan_program::lowerBackward(*state, p, 4);
  ASSERT_EQ(p.backward.size(), 3u);
  EXPECT_EQ(p.backward[0].code, code(Op::Tanh));
  EXPECT_EQ(p.backward[0].addMask, 0b00);
  EXPECT_EQ(p.backward[1].code, code(Op::Add));
  EXPECT_EQ(p.backward[1].addMask, 0b00);
  EXPECT_EQ(p.backward[2].code, code(Op::Mul));
  EXPECT_EQ(p.backward[2].addMask, 0b10);
  EXPECT_TRUE(p.zeroRuns.empty());
  EXPECT_EQ(p.backwardFor, 4u);

  // From the mul (%2): the add and tanh are after it, so never reached, and zeroed as one run.
  plan_program::lowerBackward(*state, p, 2);
  ASSERT_EQ(p.backward.size(), 1u);
  EXPECT_EQ(p.backward[0].addMask, 0b00);
  ASSERT_EQ(p.zeroRuns.size(), 1u);
  EXPECT_EQ(p.zeroRuns[0], (std::pair<uint64_t, uint64_t>{g.valueOffsets()[3], 2}));

  // From an input: no node runs; every other slot is zeroed.
  plan_program::lowerBackward(*state, p, 1);
  EXPECT_TRUE(p.backward.empty());
  ASSERT_EQ(p.zeroRuns.size(), 2u);
  EXPECT_EQ(p.zeroRuns[0], (std::pair<uint64_t, uint64_t>{0, 1}));
  EXPECT_EQ(p.zeroRuns[1], (std::pair<uint64_t, uint64_t>{2, 3}));
}

// Repeated operands: `add x x` lowers one write (bit 0) whose mode applies to both slots.
TEST(PlanProgram, RepeatedOperandsShareTheirFirstWrite) {
  GraphBuilder b({Shape{}});
  Var x = b.arg(0);
  Var y = b.mul(x, x);    // %1
  b.add(y, b.add(x, x));  // %2 = add(%0, %0), %3 = add(%1, %2)
  const Graph g = Unwrap(b.finish());
  const auto state = Unwrap(compile_steps::prepare<double>(g));
  plan_program::Program<double> p = plan_program::lower(*state);
  plan_program::lowerBackward(*state, p, 3);
  ASSERT_EQ(p.backward.size(), 3u);
  EXPECT_EQ(p.backward[1].aux, 0u);  // %2 = add(%0, %0): x's first write assigns, in both slots
  EXPECT_TRUE(p.backward[1].sameOperands);
  EXPECT_EQ(p.backward[1].addMask, 0b00);
  EXPECT_TRUE(p.backward[2].sameOperands);  // %1 = mul(%0, %0): x already written, so adds
  EXPECT_EQ(p.backward[2].addMask, 0b11);
}

// Every pointwise op on scalars, with the cases the sweeps treat specially; a vector branch
// (generic steps) feeds scalar ones through a sum and takes a scalar back through broadcastTo.
Graph everyPointwiseOp() {
  GraphBuilder b({Shape{}, Shape{}, Shape{3}, Shape{1}});
  const Var x = b.arg(0), y = b.arg(1), v = b.arg(2), w = b.arg(3);
  // %4 = tanh(x), %5 = broadcastTo, %6 = mul [3], %7 = tanh [3], %8 = sum: generic steps.
  const Var fromVector = b.sum(b.tanh(b.mul(v, b.broadcastTo(b.tanh(x), Shape{3}))));
  const ExactLiteral half = Unwrap(ExactLiteral::fromRatio(1, 2));
  const ExactLiteral minusHalf = Unwrap(ExactLiteral::fromRatio(-1, 2));
  const std::vector<Var> terms = {
      // %9 = add(x, y), ...
      b.add(x, y),
      b.sub(x, y),
      b.mul(x, y),
      b.div(x, y),
      b.max(x, y),
      b.min(x, y),
      b.add(x, x),
      b.sub(y, y),
      b.mul(x, x),
      b.div(y, y),
      b.max(x, x),
      b.min(y, y),
      b.square(x),
      b.scale(y, Unwrap(ExactLiteral::fromRatio(-3, 2))),
      b.abs(x),
      b.clamp(x, minusHalf, half),
      b.relu(y),
      b.inv(x),
      b.sqrt(x),
      b.sigmoid(y),
      b.tanh(x),
      b.softplus(y),
      b.exp(x),
      b.log(y),
      b.safeLog(x, GraphBuilder::defaultEpsilon()),
      b.sum(b.relu(w)),  // relu on [1]: numel 1, a scalar step too
  };
  b.detach(b.exp(x));  // no gradient edge, unreached
  const ExactLiteral two(2);
  b.mul(b.constant(Shape{}, std::span<const ExactLiteral>(&two, 1)), y);  // unreached
  // Each term is used twice (adds after its first write) and reaches the output.
  Var acc = fromVector;
  for (const Var& t : terms) acc = b.add(acc, b.mul(t, b.sum(t)));
  return Unwrap(b.finish());
}

template <class T>
void expectScalarStepsMatchCompile() {
  const Graph g = everyPointwiseOp();
  Plan<T> plan = Unwrap(Plan<T>::make(g));
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> pick(-6, 6);
  const size_t last = g.numValues() - 1;
  // Output ids: the last node, the vector branch's sum and its [3] tanh (generic steps), div(x, y)
  // (a scalar step), an input, and the last again: the backward program is lowered anew for each,
  // then for an id seen before.
  const size_t outIds[] = {last, 8, 7, 12, 1, last};
  for (int run = 0; run < 40; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    std::vector<Tensor<T>> in;
    for (const Shape& s : g.inputs()) {
      Tensor<T> t(s);
      for (int64_t k = 0; k < t.numel(); ++k) t[k] = T(pick(rng)) / T(4);  // zeros and ties
      in.push_back(std::move(t));
    }
    ASSERT_TRUE(plan.forward(in).ok());
    const Compiled<T> fresh = Unwrap(compile<T>(g, in));
    ASSERT_TRUE(bitIdentical(plan.values(), fresh.values()));

    const size_t o = outIds[run % 6];
    Tensor<T> seed(g.shapeOf(static_cast<ValueId>(o)));
    for (int64_t k = 0; k < seed.numel(); ++k) seed[k] = T(pick(rng)) / T(2);
    ASSERT_TRUE(plan.backwardDenseAll(o, seed).ok());
    EXPECT_TRUE(bitIdentical(plan.gradients(), Unwrap(fresh.tape().backwardDenseAll(o, seed))))
        << "backwardDenseAll from %" << o;

    if (run % 4 == 3) {
      std::vector<Tensor<T>> seeds;
      for (size_t id = 0; id < g.numValues(); ++id) {
        Tensor<T> s(g.shapeOf(static_cast<ValueId>(id)));
        for (int64_t k = 0; k < s.numel(); ++k) s[k] = T(pick(rng)) / T(2);
        seeds.push_back(std::move(s));
      }
      ASSERT_TRUE(plan.backwardDenseFrom(seeds).ok());
      EXPECT_TRUE(bitIdentical(plan.gradients(), Unwrap(fresh.tape().backwardDenseFrom(seeds))))
          << "backwardDenseFrom";
    }
  }
}

TEST(PlanProgram, ScalarStepsOfEveryPointwiseOpMatchCompileAtDouble) {
  expectScalarStepsMatchCompile<double>();
}
TEST(PlanProgram, ScalarStepsOfEveryPointwiseOpMatchCompileAtFloat) {
  expectScalarStepsMatchCompile<float>();
}

// The graph above really exercises the scalar steps: every pointwise op appears as one.
TEST(PlanProgram, TheEveryOpGraphLowersEveryPointwiseOpToAScalarStep) {
  const Graph g = everyPointwiseOp();
  const auto state = Unwrap(compile_steps::prepare<double>(g));
  const plan_program::Program<double> p = plan_program::lower(*state);
  for (Op op : allOps()) {
    if (!kernels::kIsPointwise[static_cast<size_t>(op)]) continue;
    EXPECT_TRUE(std::any_of(p.forward.begin(), p.forward.end(), [&](const plan_program::Step& st) {
      return st.code == code(op);
    })) << opName(op);
  }
}

}  // namespace
}  // namespace verigrad
