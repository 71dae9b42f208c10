// The tape contract: layout Γ ++ ss, tape size, output ids, both sweeps' reach and accumulation.
#include <cmath>

#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::L;
using testing::Q;
using testing::Strs;
using testing::TQ;
using testing::Unwrap;
using Strings = std::vector<std::string>;

// Γ = [x [2], w [2,3]]; %2 = scale(x) {c = 1/2}; %3 = matmul(reshape(x -> [1,2]), w); %4 = sum.
Graph smallGraph() {
  GraphBuilder b({Shape{2}, Shape{2, 3}});
  Var x = b.arg(0), w = b.arg(1);
  b.scale(x, L("1/2"));
  Var row = b.reshape(x, Shape{1, 2});
  b.sum(b.matmul(row, w));
  return Unwrap(b.finish());
}

std::vector<Tensor<Rational>> smallInputs() {
  return {TQ({2}, {"1", "-2"}), TQ({2, 3}, {"1", "2", "3", "1/2", "0", "-1"})};
}

TEST(TapeContract, ContextIsInputsThenNodesWithDeclaredShapes) {
  Graph g = smallGraph();
  auto inputs = smallInputs();
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  ASSERT_EQ(c.values().size(), g.numInputs() + g.numNodes());
  EXPECT_EQ(c.tape().size(), 2u + 4u);
  for (size_t id = 0; id < c.values().size(); ++id) {
    EXPECT_EQ(c.values().shape(id), g.shapeOf(static_cast<ValueId>(id))) << "value " << id;
  }
  // Inputs pass through unchanged, in order.
  EXPECT_EQ(Strs(c.values()[0]), (Strings{"1", "-2"}));
  EXPECT_EQ(Strs(c.values()[1]), (Strings{"1", "2", "3", "1/2", "0", "-1"}));
  EXPECT_EQ(c.values().shape(2), (Shape{2}));
  EXPECT_EQ(c.values().shape(3), (Shape{1, 2}));
  EXPECT_EQ(c.values().shape(4), (Shape{1, 3}));
  EXPECT_EQ(c.values().shape(5), (Shape{}));
  // x w = [1 - 1, 2 + 0, 3 + 2] = [0, 2, 5]; sum = 7
  EXPECT_EQ(Strs(c.values()[4]), (Strings{"0", "2", "5"}));
  EXPECT_EQ(Strs(c.values()[5]), (Strings{"7"}));
}

TEST(TapeContract, CheckedOutIdIsLastValue) {
  Graph g = smallGraph();
  EXPECT_EQ(Unwrap(checkedOutId(g)), 5u);
  EXPECT_EQ(outId(g), 5u);
}

TEST(TapeContract, CheckedOutIdErrorsOnEmptyProducedList) {
  GraphBuilder b({Shape{2}, Shape{3}});
  Graph g = Unwrap(b.finish());
  Result<size_t> id = checkedOutId(g);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::NoOutput);
  EXPECT_EQ(id.error().message, "compiled graph has no output node");
  // And the compiled entry point that depends on it.
  std::vector<Tensor<Rational>> inputs{TQ({2}, {"1", "2"}), TQ({3}, {"1", "2", "3"})};
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  auto grads = c.backwardDenseAllFromOutput();
  ASSERT_FALSE(grads.ok());
  EXPECT_EQ(grads.error().message, "compiled graph has no output node");
}

TEST(TapeContractDeathTest, OutIdRefusesEmptyProducedList) {
  GraphBuilder b({Shape{2}});
  Graph g = Unwrap(b.finish());
  EXPECT_DEATH((void)outId(g), "no produced node");
}

TEST(TapeContract, DuplicateParentGetsSummedGradient) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  b.sum(b.add(x, x));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<Rational>> in{TQ({2}, {"3", "-1/2"})};
  Compiled<Rational> c = Unwrap(compile<Rational>(g, in));
  Context<Rational> all = Unwrap(c.backwardDenseAllFromOutput());
  EXPECT_EQ(Strs(all[0]), (Strings{"2", "2"}));
  std::vector<Tensor<Rational>> seeds{TQ({2}, {"0", "0"}), TQ({2}, {"0", "0"}), TQ({}, {"1"})};
  Context<Rational> from = Unwrap(c.tape().backwardDenseFrom(seeds));
  EXPECT_EQ(Strs(from[0]), (Strings{"2", "2"}));

  // The same in double: 1 + 1 lands as one contribution.
  std::vector<Tensor<double>> inD{testing::TF<double>({2}, {3.0, -0.5})};
  Compiled<double> cd = Unwrap(compile<double>(g, inD));
  Context<double> allD = Unwrap(cd.backwardDenseAllFromOutput());
  EXPECT_EQ(testing::Vals(allD[0]), (std::vector<double>{2.0, 2.0}));
}

// %1 = square(x) is not an ancestor of the output %2 = sum(x).
TEST(TapeContract, DisconnectedNodeGetsZeroFromAllAndItsSeedFromFrom) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  Var side = b.square(x);
  b.sum(x);
  Graph g = Unwrap(b.finish());
  ASSERT_EQ(side.id, 1u);
  std::vector<Tensor<Rational>> in{TQ({2}, {"3", "5"})};
  Compiled<Rational> c = Unwrap(compile<Rational>(g, in));

  Context<Rational> all = Unwrap(c.backwardDenseAllFromOutput());
  EXPECT_EQ(Strs(all[1]), (Strings{"0", "0"}));
  EXPECT_EQ(Strs(all[0]), (Strings{"1", "1"}));

  // backwardDenseFrom keeps a seed on the disconnected node and runs its VJP: x gets 2x * s.
  std::vector<Tensor<Rational>> seeds{TQ({2}, {"0", "0"}), TQ({2}, {"1/3", "-1"}), TQ({}, {"1"})};
  Context<Rational> from = Unwrap(c.tape().backwardDenseFrom(seeds));
  EXPECT_EQ(Strs(from[1]), (Strings{"1/3", "-1"}));
  EXPECT_EQ(Strs(from[0]), (Strings{"3", "-9"}));  // 1 + 2*3*(1/3), 1 + 2*5*(-1)
  EXPECT_EQ(Strs(from[2]), (Strings{"1"}));
}

// y = x * detach(x): the detached branch carries no gradient, so dy/dx = detach(x) only.
TEST(TapeContract, DetachedBranchIsNotReached) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  Var d = b.detach(x);
  b.sum(b.mul(x, d));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<Rational>> in{TQ({2}, {"3", "-1/2"})};
  Compiled<Rational> c = Unwrap(compile<Rational>(g, in));
  Context<Rational> all = Unwrap(c.backwardDenseAllFromOutput());
  EXPECT_EQ(Strs(all[0]), (Strings{"3", "-1/2"}));     // d(x*c)/dx = c, not 2x
  EXPECT_EQ(Strs(all[d.id]), (Strings{"3", "-1/2"}));  // the detach node itself is reached
}

// A disconnected inv(0) makes 0 * inf = NaN in the total sweep; the sparse sweep never runs it.
TEST(TapeContract, BackwardDenseAllKeepsNaNOfDisconnectedNodesOut) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  b.inv(x);
  b.sum(x);
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {0.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(g, in));
  Context<double> all = Unwrap(c.backwardDenseAllFromOutput());
  EXPECT_EQ(testing::Vals(all[0]), (std::vector<double>{1.0, 1.0}));
  std::vector<Tensor<double>> seeds{Tensor<double>(Shape{2}), Tensor<double>(Shape{2}),
                                    Tensor<double>::scalar(1.0)};
  Context<double> from = Unwrap(c.tape().backwardDenseFrom(seeds));
  EXPECT_TRUE(std::isnan(from[0][0]));
  EXPECT_EQ(from[0][1], 1.0);
}

TEST(TapeContract, AllEqualsFromOneHotAtAnIntermediateOutput) {
  Graph g = smallGraph();
  auto inputs = smallInputs();
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  Tensor<Rational> seed = TQ({1, 3}, {"2", "-1/3", "1/5"});
  Context<Rational> all = Unwrap(c.tape().backwardDenseAll(4, seed));
  std::vector<Tensor<Rational>> oneHot;
  for (size_t id = 0; id < g.numValues(); ++id) {
    oneHot.push_back(id == 4 ? seed : Tensor<Rational>(g.shapeOf(static_cast<ValueId>(id))));
  }
  Context<Rational> from = Unwrap(c.tape().backwardDenseFrom(oneHot));
  for (size_t id = 0; id < g.numValues(); ++id) {
    EXPECT_EQ(Strs(all[id]), Strs(from[id])) << "value " << id;
  }
  EXPECT_EQ(Strs(all[4]), (Strings{"2", "-1/3", "1/5"}));  // the seed passes through
  EXPECT_EQ(Strs(all[5]), (Strings{"0"}));                 // after the output: zero
  EXPECT_EQ(Strs(all[2]), (Strings{"0", "0"}));            // not an ancestor: zero
  // dx = reshape(seed w^T): [2 - 2/3 + 3/5, 1 + 0 - 1/5] = [29/15, 4/5]
  EXPECT_EQ(Strs(all[0]), (Strings{"29/15", "4/5"}));
}

TEST(TapeContract, SeedContextIsCheckedBeforeTheSweep) {
  Graph g = smallGraph();
  auto inputs = smallInputs();
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  std::vector<Tensor<Rational>> seeds;
  for (size_t id = 0; id < g.numValues(); ++id) {
    seeds.emplace_back(g.shapeOf(static_cast<ValueId>(id)));
  }
  seeds[3] = Tensor<Rational>(Shape{2, 1});
  auto r = c.backwardDenseFromSeedCtx(seeds);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 3);
  EXPECT_NE(r.error().message.find("entry %3 has shape [2,1], expected [1,2]"), std::string::npos)
      << r.error().message;
  seeds[3] = Tensor<Rational>(Shape{1, 2});
  seeds[5] = Tensor<Rational>::scalar(Q("1"));
  Context<Rational> grads = Unwrap(c.backwardDenseFromSeedCtx(seeds));
  EXPECT_EQ(Strs(grads[0]), (Strings{"6", "-1/2"}));  // row sums of w
}

TEST(TapeContract, GradientsOfReturnsRequestedIds) {
  Graph g = smallGraph();
  auto inputs = smallInputs();
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  Context<Rational> grads = Unwrap(c.backwardDenseAllFromOutput());
  const size_t ids[] = {1, 0};
  std::vector<Tensor<Rational>> params = Unwrap(gradientsOf(grads, std::span<const size_t>(ids)));
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(Strs(params[0].view()), (Strings{"1", "1", "1", "-2", "-2", "-2"}));
  EXPECT_EQ(Strs(params[1].view()), (Strings{"6", "-1/2"}));
  const size_t bad[] = {6};
  auto r = gradientsOf(grads, std::span<const size_t>(bad));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidId);
}

}  // namespace
}  // namespace verigrad
