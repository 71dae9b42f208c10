// Plan<T>: one compile, many forward/backward runs into the same buffers, bit-identical to
// compile<T> + Tape on the same inputs and seeds; its error paths.
#include "verigrad/plan.hpp"

#include <algorithm>
#include <random>

#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::bitIdentical;
using testing::L;
using testing::TQ;
using testing::Unwrap;

// A graph where every sweep path matters: a repeated parent (add x x), a node unreached from the
// output (detached branch), BLAS-backed matmul at float/double, a reduction, relu's kink and
// tanh/logSoftmax (transcendental at float/double).
Graph mixedGraph(bool transcendental) {
  GraphBuilder b({Shape{2, 3}, Shape{3, 2}, Shape{2}});
  Var m = b.matmul(b.arg(0), b.arg(1));  // [2,2]
  Var r = b.relu(b.add(m, m));
  b.detach(b.square(b.arg(2)));  // not reached from the output
  Var v = b.reduceSum(r, 0);     // [2]
  if (transcendental) v = b.logSoftmax(b.tanh(v));
  b.sum(b.mul(v, b.arg(2)));
  return Unwrap(b.finish());
}

template <class T>
std::vector<Tensor<T>> randomInputs(const Graph& g, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(-8, 8);
  std::vector<Tensor<T>> in;
  for (const Shape& s : g.inputs()) {
    Tensor<T> t(s);
    for (int64_t k = 0; k < t.numel(); ++k) t[k] = T(pick(rng)) / T(4);  // ties and zeros often
    in.push_back(std::move(t));
  }
  return in;
}

template <class T>
void expectReuseMatchesCompile(bool transcendental) {
  const Graph g = mixedGraph(transcendental);
  Plan<T> plan = Unwrap(Plan<T>::make(g));
  std::mt19937_64 rng(7);
  for (int run = 0; run < 20; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const std::vector<Tensor<T>> in = randomInputs<T>(g, rng);
    ASSERT_TRUE(plan.forward(in).ok());
    const Compiled<T> fresh = Unwrap(compile<T>(g, in));
    EXPECT_TRUE(bitIdentical(plan.values(), fresh.values()));

    // Alternate the sweeps so each one starts from the other's leftovers.
    if (run % 2 == 0) {
      ASSERT_TRUE(plan.backwardDenseAllFromOutput().ok());
      EXPECT_TRUE(bitIdentical(plan.gradients(), Unwrap(fresh.backwardDenseAllFromOutput())));
    } else {
      std::vector<Tensor<T>> seeds;
      for (size_t id = 0; id < g.numValues(); ++id) {
        Tensor<T> s(g.shapeOf(static_cast<ValueId>(id)));
        for (int64_t k = 0; k < s.numel(); ++k) s[k] = T(static_cast<int>(rng() % 5) - 2);
        seeds.push_back(std::move(s));
      }
      ASSERT_TRUE(plan.backwardDenseFrom(seeds).ok());
      EXPECT_TRUE(bitIdentical(plan.gradients(), Unwrap(fresh.tape().backwardDenseFrom(seeds))));
      // A partial sweep from an inner node after a total one: unreached slots are zero again.
      const size_t inner = g.numInputs() + 1;
      const Tensor<T> seed(g.shapeOf(static_cast<ValueId>(inner)));
      ASSERT_TRUE(plan.backwardDenseAll(inner, seed).ok());
      EXPECT_TRUE(
          bitIdentical(plan.gradients(), Unwrap(fresh.tape().backwardDenseAll(inner, seed))));
    }
  }
}

TEST(Plan, ReuseIsBitIdenticalToCompileAtDouble) { expectReuseMatchesCompile<double>(true); }
TEST(Plan, ReuseIsBitIdenticalToCompileAtFloat) { expectReuseMatchesCompile<float>(true); }
TEST(Plan, ReuseIsBitIdenticalToCompileAtRational) {
  const Graph g = mixedGraph(false);
  Plan<Rational> plan = Unwrap(Plan<Rational>::make(g));
  for (int run = 0; run < 3; ++run) {
    const std::vector<Tensor<Rational>> in = {
        TQ({2, 3}, {"1", "-1/2", "0", "2", "1/3", "-1"}),
        TQ({3, 2}, {"0", "1", std::to_string(run).c_str(), "-2", "1/2", "1"}),
        TQ({2}, {"3", "-1/4"})};
    ASSERT_TRUE(plan.forward(in).ok());
    ASSERT_TRUE(plan.backwardDenseAllFromOutput().ok());
    const Compiled<Rational> fresh = Unwrap(compile<Rational>(g, in));
    const Context<Rational> grads = Unwrap(fresh.backwardDenseAllFromOutput());
    for (size_t k = 0; k < grads.flat().size(); ++k) {
      EXPECT_EQ(plan.gradients().flat()[k], grads.flat()[k]) << "element " << k;
      EXPECT_EQ(plan.values().flat()[k], fresh.values().flat()[k]) << "element " << k;
    }
  }
}

TEST(Plan, RefusesWhatCompileRefuses) {
  GraphBuilder b({Shape{2}});
  b.exp(b.arg(0));
  const Graph g = Unwrap(b.finish());
  Result<Plan<Rational>> p = Plan<Rational>::make(g);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::Unsupported);
  EXPECT_NE(p.error().message.find("exp"), std::string::npos) << p.error().message;
}

TEST(Plan, BadInputsAreErrorsAndTheSweepsWaitForAGoodForward) {
  const Graph g = mixedGraph(true);
  Plan<double> plan = Unwrap(Plan<double>::make(g));
  // No forward yet.
  Status early = plan.backwardDenseAllFromOutput();
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("forward"), std::string::npos);

  std::vector<Tensor<double>> in = {Tensor<double>(Shape{2, 3}), Tensor<double>(Shape{3, 2}),
                                    Tensor<double>(Shape{3})};  // input %2 has the wrong shape
  Status bad = plan.forward(in);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(bad.error().message, "plan: input %2 has shape [3], expected [2]");
  EXPECT_FALSE(plan.backwardDenseAllFromOutput().ok());

  in[2] = Tensor<double>(Shape{2});
  ASSERT_TRUE(plan.forward(in).ok());
  EXPECT_TRUE(plan.backwardDenseAllFromOutput().ok());
  // Sweep checks keep Tape's messages.
  Status badId = plan.backwardDenseAll(99, Tensor<double>::scalar(1.0));
  ASSERT_FALSE(badId.ok());
  EXPECT_EQ(badId.error().code, ErrorCode::InvalidId);
  Status badSeeds = plan.backwardDenseFrom(std::vector<Tensor<double>>{});
  ASSERT_FALSE(badSeeds.ok());
  EXPECT_NE(badSeeds.error().message.find("wrong length"), std::string::npos);
}

// Inputs written in place through input(i) + forward() compute what forward(inputs) computes,
// bit for bit, and the same plan can switch between the two forms.
template <class T>
void expectInPlaceInputsMatchCopiedInputs() {
  const Graph g = mixedGraph(true);
  Plan<T> inPlace = Unwrap(Plan<T>::make(g));
  Plan<T> copied = Unwrap(Plan<T>::make(g));
  std::mt19937_64 rng(11);
  for (int run = 0; run < 6; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const std::vector<Tensor<T>> in = randomInputs<T>(g, rng);
    if (run == 3) {
      ASSERT_TRUE(inPlace.forward(in).ok());  // the copying form in between
    } else {
      for (size_t i = 0; i < in.size(); ++i) {
        const std::span<T> slot = Unwrap(inPlace.input(i));
        ASSERT_EQ(slot.size(), static_cast<size_t>(in[i].numel()));
        std::copy(in[i].span().begin(), in[i].span().end(), slot.begin());
      }
      ASSERT_TRUE(inPlace.forward().ok());
    }
    ASSERT_TRUE(copied.forward(in).ok());
    EXPECT_TRUE(bitIdentical(inPlace.values(), copied.values()));
    ASSERT_TRUE(inPlace.backwardDenseAllFromOutput().ok());
    ASSERT_TRUE(copied.backwardDenseAllFromOutput().ok());
    EXPECT_TRUE(bitIdentical(inPlace.gradients(), copied.gradients()));
  }
}

TEST(Plan, InPlaceInputsMatchCopiedInputsAtDouble) {
  expectInPlaceInputsMatchCopiedInputs<double>();
}
TEST(Plan, InPlaceInputsMatchCopiedInputsAtFloat) { expectInPlaceInputsMatchCopiedInputs<float>(); }

TEST(Plan, InputsStartAtZero) {
  const Graph g = mixedGraph(false);
  Plan<double> plan = Unwrap(Plan<double>::make(g));
  ASSERT_TRUE(plan.forward().ok());
  const std::vector<Tensor<double>> zeros = {Tensor<double>(Shape{2, 3}),
                                             Tensor<double>(Shape{3, 2}), Tensor<double>(Shape{2})};
  const Compiled<double> fresh = Unwrap(compile<double>(g, zeros));
  EXPECT_TRUE(bitIdentical(plan.values(), fresh.values()));
}

TEST(Plan, InputOutOfRangeIsAnErrorAndInputInvalidatesTheForward) {
  const Graph g = mixedGraph(false);
  Plan<double> plan = Unwrap(Plan<double>::make(g));
  Result<std::span<double>> bad = plan.input(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidId);
  EXPECT_EQ(bad.error().message, "plan: input index 3 is out of range (|Γ| = 3)");

  ASSERT_TRUE(plan.forward().ok());
  ASSERT_TRUE(plan.backwardDenseAllFromOutput().ok());
  Unwrap(plan.input(0))[0] = 1.0;  // the values no longer match the inputs
  Status stale = plan.backwardDenseAllFromOutput();
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("forward"), std::string::npos) << stale.error().message;
  ASSERT_TRUE(plan.forward().ok());
  EXPECT_TRUE(plan.backwardDenseAllFromOutput().ok());
}

}  // namespace
}  // namespace verigrad
