// The graph-level spec: jvp and denseGradient on small graphs against hand-derived exact values
// (seed passthrough, fan-out, detach, const, kinks, several seed contexts), and its errors.
#include "spec_test_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

std::vector<V> Vs(std::initializer_list<V> values) { return std::vector<V>(values); }

// Seeds zero everywhere except the listed ids.
std::vector<V> SeedsAt(const Graph& g, std::initializer_list<std::pair<size_t, V>> nonzero) {
  std::vector<V> seeds;
  for (ValueId id = 0; id < g.numValues(); ++id) seeds.push_back(zeros<Rational>(g.shapeOf(id)));
  for (const auto& [id, seed] : nonzero) seeds[id] = seed;
  return seeds;
}

// ---- jvp

TEST(SpecJvp, SquareHasTangentTwoXT) {
  GraphBuilder b({Shape{2}});
  b.square(b.arg(0));
  Graph g = Finish(b);
  std::vector<V> t =
      Ok(jvp(g, Vs({Val(Shape{2}, {"3", "-1/2"})}), Vs({Val(Shape{2}, {"1", "2"})})));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(Strs(t[0]), Strs({"1", "2"})) << "an input's tangent is the one given";
  EXPECT_EQ(Strs(t[1]), Strs({"6", "-2"}));
}

TEST(SpecJvp, ThroughReluMulAndSum) {
  GraphBuilder b({Shape{3}, Shape{3}});
  Var r = b.relu(b.arg(0));
  b.sum(b.mul(r, b.arg(1)));
  Graph g = Finish(b);
  // r = [0, 2, 0], r' = [0, 1, 0] (relu'(0) = 0); (r w)' = r' w + r w' = [0, 7, 0] + [0, 0, 0]
  std::vector<V> t =
      Ok(jvp(g, Vs({Val(Shape{3}, {"0", "2", "-1"}), Val(Shape{3}, {"5", "7", "11"})}),
             Vs({Val(Shape{3}, {"1", "1", "1"}), Val(Shape{3}, {"0", "0", "1"})})));
  EXPECT_EQ(Strs(t[2]), Strs({"0", "1", "0"}));
  EXPECT_EQ(Strs(t[3]), Strs({"0", "7", "0"}));
  EXPECT_EQ(Strs(t[4]), Strs({"7"}));
}

TEST(SpecJvp, DetachAndConstHaveZeroTangent) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  Var d = b.detach(x);
  const ExactLiteral payload[] = {L("5"), L("6")};
  Var c = b.constant(Shape{2}, payload);
  b.add(b.mul(x, d), c);
  Graph g = Finish(b);
  std::vector<V> t = Ok(jvp(g, Vs({Val(Shape{2}, {"1", "2"})}), Vs({Val(Shape{2}, {"1", "1"})})));
  EXPECT_EQ(Strs(t[1]), Strs({"0", "0"})) << "detach";
  EXPECT_EQ(Strs(t[2]), Strs({"0", "0"})) << "const";
  // (x d)' = x' d + x d' = [1, 2]; + c' = 0
  EXPECT_EQ(Strs(t[4]), Strs({"1", "2"}));
}

TEST(SpecJvp, MatmulIsBilinear) {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  b.matmul(b.arg(0), b.arg(1));
  Graph g = Finish(b);
  // (A B)' = A' B + A B' with A' = [[1,0],[0,0]], B' = [[0,0],[0,1]]
  std::vector<V> t = Ok(
      jvp(g, Vs({Val(Shape{2, 2}, {"1", "2", "3", "4"}), Val(Shape{2, 2}, {"0", "1", "1", "0"})}),
          Vs({Val(Shape{2, 2}, {"1", "0", "0", "0"}), Val(Shape{2, 2}, {"0", "0", "0", "1"})})));
  EXPECT_EQ(Strs(t[2]), Strs({"0", "3", "0", "4"}));
}

// ---- denseGradient

TEST(SpecDenseGradient, SumOfSquaresGivesTwoX) {
  GraphBuilder b({Shape{3}});
  b.sum(b.square(b.arg(0)));
  Graph g = Finish(b);
  std::vector<V> x = Vs({Val(Shape{3}, {"1", "-2", "1/2"})});
  std::vector<V> grads = Ok(denseGradient(g, x, Ok(oneHotSeeds(g, 2, Val(Shape{}, {"1"})))));
  ASSERT_EQ(grads.size(), 3u);
  EXPECT_EQ(Strs(grads[0]), Strs({"2", "-4", "1"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"1", "1", "1"}));
  EXPECT_EQ(Strs(grads[2]), Strs({"1"}));
}

TEST(SpecDenseGradient, AddOfAValueWithItselfGivesTwiceTheSeed) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  b.add(x, x);
  Graph g = Finish(b);
  std::vector<V> grads = Ok(denseGradient(g, Vs({Val(Shape{2}, {"1", "2"})}),
                                          Ok(oneHotSeeds(g, 1, Val(Shape{2}, {"3", "5"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"6", "10"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"3", "5"}));
}

TEST(SpecDenseGradient, ANodeNotConnectedToTheOthersKeepsItsSeed) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  b.square(x);         // %1
  b.scale(x, L("2"));  // %2, not a descendant of %1
  Graph g = Finish(b);
  std::vector<V> x0 = Vs({Val(Shape{2}, {"1", "3"})});
  const V s1 = Val(Shape{2}, {"1/2", "-1"}), s2 = Val(Shape{2}, {"1", "1"});

  std::vector<V> grads = Ok(denseGradient(g, x0, SeedsAt(g, {{1, s1}, {2, s2}})));
  EXPECT_EQ(grads[1], s1);
  EXPECT_EQ(grads[2], s2);
  // 2 x s1 + 2 s2 = [1 + 2, -6 + 2]
  EXPECT_EQ(Strs(grads[0]), Strs({"3", "-4"}));

  // One-hot at %2: %1 is not an ancestor of %2 and gets nothing.
  grads = Ok(denseGradient(g, x0, SeedsAt(g, {{2, s2}})));
  EXPECT_EQ(Strs(grads[1]), Strs({"0", "0"}));
  EXPECT_EQ(Strs(grads[0]), Strs({"2", "2"}));
}

TEST(SpecDenseGradient, ValuesAfterTheSeededOneDoNotFeedBack) {
  GraphBuilder b({Shape{1}});
  b.square(b.arg(0));
  Graph g = Finish(b);
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{1}, {"5"})}), SeedsAt(g, {{0, Val(Shape{1}, {"7"})}})));
  EXPECT_EQ(Strs(grads[0]), Strs({"7"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"0"}));
}

TEST(SpecDenseGradient, DetachPassesNoGradient) {
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  Var d = b.detach(x);
  b.mul(x, d);
  Graph g = Finish(b);
  std::vector<V> grads = Ok(denseGradient(g, Vs({Val(Shape{2}, {"2", "-3"})}),
                                          Ok(oneHotSeeds(g, 2, Val(Shape{2}, {"1", "1"})))));
  EXPECT_EQ(Strs(grads[1]), Strs({"2", "-3"})) << "the detached value's own gradient is x s";
  EXPECT_EQ(Strs(grads[0]), Strs({"2", "-3"})) << "d s only: nothing through the detach (not 2x)";
}

TEST(SpecDenseGradient, AConstReceivesItsConsumersGradient) {
  GraphBuilder b({Shape{2}});
  const ExactLiteral payload[] = {L("5"), L("6")};
  Var c = b.constant(Shape{2}, payload);
  b.mul(b.arg(0), c);
  Graph g = Finish(b);
  std::vector<V> grads = Ok(denseGradient(g, Vs({Val(Shape{2}, {"1", "-1"})}),
                                          Ok(oneHotSeeds(g, 2, Val(Shape{2}, {"1", "2"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"5", "12"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"1", "-2"}));
}

TEST(SpecDenseGradient, SeedsAtSeveralValuesAddUp) {
  GraphBuilder b({Shape{1}});
  Var y = b.scale(b.arg(0), L("3"));
  b.square(y);
  Graph g = Finish(b);
  // x = 2, y = 6; grad z = 100, grad y = 10 + 2 y 100 = 1210, grad x = 1 + 3 1210 = 3631
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{1}, {"2"})}),
                       Vs({Val(Shape{1}, {"1"}), Val(Shape{1}, {"10"}), Val(Shape{1}, {"100"})})));
  EXPECT_EQ(Strs(grads[2]), Strs({"100"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"1210"}));
  EXPECT_EQ(Strs(grads[0]), Strs({"3631"}));
}

TEST(SpecDenseGradient, MatmulGivesSBTransposeAndATransposeS) {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  b.matmul(b.arg(0), b.arg(1));
  Graph g = Finish(b);
  std::vector<V> inputs =
      Vs({Val(Shape{2, 2}, {"1", "2", "3", "4"}), Val(Shape{2, 2}, {"5", "6", "7", "8"})});
  std::vector<V> grads =
      Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, 2, Val(Shape{2, 2}, {"1", "0", "0", "2"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"5", "7", "12", "16"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"1", "6", "2", "8"}));
}

TEST(SpecDenseGradient, DivAndInv) {
  GraphBuilder b({Shape{1}, Shape{1}});
  b.div(b.arg(0), b.arg(1));
  b.inv(b.arg(1));
  Graph g = Finish(b);
  std::vector<V> inputs = Vs({Val(Shape{1}, {"3"}), Val(Shape{1}, {"2"})});
  std::vector<V> grads = Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, 2, Val(Shape{1}, {"1"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"1/2"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"-3/4"}));
  grads = Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, 3, Val(Shape{1}, {"1"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"0"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"-1/4"}));
}

TEST(SpecDenseGradient, KinksFollowTheConventions) {
  GraphBuilder b({Shape{3}, Shape{3}});
  Var x = b.arg(0), y = b.arg(1);
  b.relu(x);                    // %2
  b.abs(x);                     // %3
  b.clamp(x, L("-1"), L("0"));  // %4
  b.max(x, y);                  // %5
  b.min(x, y);                  // %6
  b.clamp(x, L("0"), L("0"));   // %7
  Graph g = Finish(b);
  std::vector<V> inputs = Vs({Val(Shape{3}, {"0", "-1", "-1/2"}), Val(Shape{3}, {"0", "2", "-1"})});
  const V ones = Val(Shape{3}, {"1", "1", "1"});
  auto gradOfX = [&](size_t out) {
    return Strs(Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, out, ones))))[0]);
  };
  EXPECT_EQ(gradOfX(2), Strs({"0", "0", "0"})) << "relu'(0) = 0";
  EXPECT_EQ(gradOfX(3), Strs({"0", "-1", "-1"})) << "abs'(0) = 0";
  EXPECT_EQ(gradOfX(4), Strs({"0", "0", "1"})) << "clamp' = 0 at hi and at lo";
  EXPECT_EQ(gradOfX(5), Strs({"1/2", "0", "1"})) << "max: tie 1/2, else the winner";
  EXPECT_EQ(gradOfX(6), Strs({"1/2", "1", "0"})) << "min: tie 1/2, else the winner";
  EXPECT_EQ(gradOfX(7), Strs({"0", "0", "0"})) << "clamp with lo == hi";
  // max(x, y) at the tie: y gets the other half.
  EXPECT_EQ(Strs(Ok(denseGradient(g, inputs, Ok(oneHotSeeds(g, 5, ones))))[1]),
            Strs({"1/2", "1", "0"}));
}

TEST(SpecDenseGradient, GatherDuplicatesAccumulateAndOutOfRangePassesNothing) {
  GraphBuilder b({Shape{3}});
  const int64_t indices[] = {2, 0, 7, 2};
  b.gatherVecNat(b.arg(0), indices);
  Graph g = Finish(b);
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{3}, {"1", "2", "3"})}),
                       Ok(oneHotSeeds(g, 1, Val(Shape{4}, {"1", "10", "100", "1000"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"10", "0", "1001"}));
}

TEST(SpecDenseGradient, BroadcastSumsOverTheExpandedAxis) {
  GraphBuilder b({Shape{3}});
  b.broadcastTo(b.arg(0), Shape{2, 3});
  Graph g = Finish(b);
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{3}, {"1", "2", "3"})}),
                       Ok(oneHotSeeds(g, 1, Val(Shape{2, 3}, {"1", "2", "3", "4", "5", "6"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"5", "7", "9"}));
}

TEST(SpecDenseGradient, MseLossGivesTwoOverNTimesTheDifference) {
  GraphBuilder b({Shape{3}, Shape{3}});
  b.mseLoss(b.arg(0), b.arg(1));
  Graph g = Finish(b);
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{3}, {"1/2", "2", "-1"}), Val(Shape{3}, {"0", "1", "1"})}),
                       Ok(oneHotSeeds(g, 2, Val(Shape{}, {"1"})))));
  EXPECT_EQ(Strs(grads[0]), Strs({"1/3", "2/3", "-4/3"}));
  EXPECT_EQ(Strs(grads[1]), Strs({"-1/3", "-2/3", "4/3"}));
}

TEST(SpecDenseGradient, EmptyValuesHaveEmptyGradients) {
  GraphBuilder b({Shape{0, 2}});
  b.sum(b.arg(0));
  Graph g = Finish(b);
  std::vector<V> grads =
      Ok(denseGradient(g, Vs({Val(Shape{0, 2}, {})}), Ok(oneHotSeeds(g, 1, Val(Shape{}, {"1"})))));
  EXPECT_EQ(grads[0].shape, (Shape{0, 2}));
  EXPECT_TRUE(grads[0].data.empty());
}

// jvp and denseGradient are adjoint: Σ_j <jvp(dx)_j, s_j> = Σ_{i∈Γ} <dx_i, grad_i>, exactly.
TEST(SpecDenseGradient, IsTheAdjointOfJvp) {
  GraphBuilder b({Shape{2, 2}, Shape{2}});
  Var a = b.arg(0), v = b.arg(1);
  Var m = b.matmul(a, b.transpose2d(a));
  Var r = b.reduceSum(b.relu(b.sub(m, b.broadcastTo(v, Shape{2, 2}))), 1);
  b.sum(b.mul(b.max(r, v), b.inv(b.add(v, v))));
  Graph g = Finish(b);
  std::vector<V> inputs =
      Vs({Val(Shape{2, 2}, {"1", "-2", "1/2", "3"}), Val(Shape{2}, {"2", "-1/3"})});
  std::vector<V> dx = Vs({Val(Shape{2, 2}, {"1", "1/2", "-1", "2"}), Val(Shape{2}, {"3", "-1"})});
  std::vector<V> seeds;
  for (ValueId id = 0; id < g.numValues(); ++id) {
    V s = zeros<Rational>(g.shapeOf(id));
    for (size_t k = 0; k < s.data.size(); ++k)
      s.data[k] = Rational(static_cast<int64_t>(id + 2 * k) - 3);
    seeds.push_back(s);
  }
  std::vector<V> tangents = Ok(jvp(g, inputs, dx));
  std::vector<V> grads = Ok(denseGradient(g, inputs, seeds));
  Rational lhs, rhs;
  for (ValueId id = 0; id < g.numValues(); ++id) {
    for (size_t k = 0; k < seeds[id].data.size(); ++k)
      lhs += tangents[id].data[k] * seeds[id].data[k];
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (size_t k = 0; k < dx[i].data.size(); ++k) rhs += dx[i].data[k] * grads[i].data[k];
  }
  EXPECT_EQ(lhs, rhs) << lhs.str() << " vs " << rhs.str();
  EXPECT_FALSE(lhs.isZero()) << "a vacuous check: choose other data";
}

// ---- errors

Graph DivGraph() {
  GraphBuilder b({Shape{2, 2}, Shape{2, 2}});
  b.div(b.arg(0), b.arg(1));
  return Finish(b);
}

TEST(SpecErrors, DivisionByZeroNamesTheNodeAndTheFirstElement) {
  Graph g = DivGraph();
  std::vector<V> inputs =
      Vs({Val(Shape{2, 2}, {"1", "2", "3", "4"}), Val(Shape{2, 2}, {"1", "2", "0", "0"})});
  Result<std::vector<V>> r = evaluate(g, inputs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  EXPECT_EQ(r.error().node, 2);
  EXPECT_EQ(r.error().message, "'%2 = div(%0, %1)': division by zero at element [1,0]");

  // jvp and denseGradient evaluate the same definitions and report the same error.
  Result<std::vector<V>> t = jvp(g, inputs, inputs);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, r.error().message);
  EXPECT_EQ(t.error().node, 2);
  Result<std::vector<V>> d = denseGradient(g, inputs, SeedsAt(g, {}));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, r.error().message);
  EXPECT_EQ(d.error().code, ErrorCode::DomainError);
}

TEST(SpecErrors, InverseOfZeroNamesTheNode) {
  GraphBuilder b({Shape{}});
  b.inv(b.relu(b.arg(0)));
  Graph g = Finish(b);
  Result<std::vector<V>> r = evaluate(g, Vs({Val(Shape{}, {"-1"})}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DomainError);
  EXPECT_EQ(r.error().node, 2);
  EXPECT_EQ(r.error().message, "'%2 = inv(%1)': division by zero at element []");
}

TEST(SpecErrors, WrongInputCountOrShape) {
  Graph g = DivGraph();
  const V ok = Val(Shape{2, 2}, {"1", "2", "3", "4"});
  Result<std::vector<V>> r = evaluate(g, Vs({ok}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().message, "spec: the graph has 2 inputs (|Γ|), got 1 tensors");

  r = evaluate(g, Vs({ok, Val(Shape{4}, {"1", "2", "3", "4"})}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 1);
  EXPECT_EQ(r.error().message, "spec: input %1 has shape [4], expected [2,2]");

  V broken = ok;
  broken.data.pop_back();
  r = evaluate(g, Vs({ok, broken}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 1);

  EXPECT_EQ(denseGradient(g, Vs({ok}), SeedsAt(g, {})).error().code, ErrorCode::InvalidArgument);
}

TEST(SpecErrors, WrongTangentCountOrShape) {
  Graph g = DivGraph();
  const V ok = Val(Shape{2, 2}, {"1", "2", "3", "4"});
  Result<std::vector<V>> r = jvp(g, Vs({ok, ok}), Vs({ok}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  r = jvp(g, Vs({ok, ok}), Vs({Val(Shape{}, {"1"}), ok}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 0);
}

TEST(SpecErrors, WrongSeedCountOrShape) {
  Graph g = DivGraph();
  const V ok = Val(Shape{2, 2}, {"1", "2", "3", "4"});
  std::vector<V> seeds = SeedsAt(g, {});
  seeds.pop_back();
  Result<std::vector<V>> r = denseGradient(g, Vs({ok, ok}), seeds);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);

  // Two bad seeds: the later id is reported, as a sweep from the last id would meet it first.
  seeds = SeedsAt(g, {{0, Val(Shape{}, {"1"})}, {2, Val(Shape{4}, {"1", "2", "3", "4"})}});
  r = denseGradient(g, Vs({ok, ok}), seeds);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 2);
}

TEST(SpecErrors, OneHotSeedsCheckTheIdAndTheShape) {
  Graph g = DivGraph();
  EXPECT_EQ(oneHotSeeds(g, 3, Val(Shape{}, {"1"})).error().code, ErrorCode::InvalidId);
  Result<std::vector<V>> r = oneHotSeeds(g, 2, Val(Shape{}, {"1"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().node, 2);
  std::vector<V> seeds = Ok(oneHotSeeds(g, 1, Val(Shape{2, 2}, {"1", "0", "0", "1"})));
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(Strs(seeds[1]), Strs({"1", "0", "0", "1"}));
  EXPECT_EQ(Strs(seeds[0]), Strs({"0", "0", "0", "0"}));
  EXPECT_EQ(Strs(seeds[2]), Strs({"0", "0", "0", "0"}));
}

}  // namespace
}  // namespace verigrad::spec
