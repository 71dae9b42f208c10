// A 1,000,000-node double chain (mul, add, relu) is built, compiled, run through both sweeps and
// destroyed: nothing recurses over graph size (a recursive sweep would overflow the stack here).
#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::Unwrap;

TEST(MillionNode, ChainCompilesBackpropagatesAndIsDestroyed) {
  constexpr int kTriples = 333334;  // 3 nodes each: 1,000,002 nodes
  Graph g;
  {
    GraphBuilder b({Shape{}, Shape{}, Shape{}});  // x, a, c
    Var v = b.arg(0), a = b.arg(1), c = b.arg(2);
    for (int i = 0; i < kTriples; ++i) v = b.relu(b.add(b.mul(v, a), c));
    g = Unwrap(b.finish());
  }
  ASSERT_EQ(g.numNodes(), 3u * kTriples);
  ASSERT_GE(g.numNodes(), 1000000u);

  // v_{k+1} = relu(v_k * 1 + 1/4): every relu active, values exact in double.
  std::vector<Tensor<double>> in{Tensor<double>::scalar(0.5), Tensor<double>::scalar(1.0),
                                 Tensor<double>::scalar(0.25)};
  {
    Compiled<double> compiled = Unwrap(compile<double>(g, in));
    const size_t out = Unwrap(checkedOutId(g));
    EXPECT_EQ(compiled.values()[out][0], 0.5 + 0.25 * kTriples);

    // d out / dx = 1; d out / da = sum of v_k = Σ (0.5 + k/4); d out / dc = kTriples.
    Context<double> all = Unwrap(compiled.backwardDenseAllFromOutput());
    EXPECT_EQ(all[0][0], 1.0);
    EXPECT_EQ(all[2][0], static_cast<double>(kTriples));
    const double n = kTriples;
    EXPECT_EQ(all[1][0], 0.5 * n + 0.25 * (n * (n - 1) / 2));

    std::vector<Tensor<double>> seeds;
    seeds.reserve(g.numValues());
    for (size_t id = 0; id < g.numValues(); ++id) seeds.emplace_back(Shape{});
    seeds[out] = Tensor<double>::scalar(1.0);
    Context<double> from = Unwrap(compiled.tape().backwardDenseFrom(seeds));
    EXPECT_EQ(from[0][0], 1.0);
    EXPECT_EQ(from[1][0], all[1][0]);
    EXPECT_EQ(from[2][0], all[2][0]);
  }  // compiled, contexts and tape destroyed here; the graph below
  g = Graph();
  EXPECT_EQ(g.numNodes(), 0u);
}

}  // namespace
}  // namespace verigrad
