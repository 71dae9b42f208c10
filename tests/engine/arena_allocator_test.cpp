// The arena block cache behind Context<T> (verigrad/arena_allocator.hpp): freed large arenas are
// reused, a reused block never leaks old contents into a zeroed Context, small and oversized
// blocks bypass it, and it stays within its bounds.
#include "verigrad/arena_allocator.hpp"

#include <cstring>
#include <limits>
#include <vector>

#include "test_support.hpp"
#include "verigrad/compiled.hpp"
#include "verigrad/context.hpp"

namespace verigrad {
namespace {

using testing::Unwrap;

// A graph whose value context holds `elements` doubles (one input).
Graph graphOf(int64_t elements) {
  GraphBuilder b({Shape{elements}});
  return Unwrap(b.finish());
}

class ArenaCache : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!detail::arenaCacheEnabled()) GTEST_SKIP() << "the cache is off under AddressSanitizer";
    releaseCachedArenas();
  }
  void TearDown() override { releaseCachedArenas(); }
  static std::pair<size_t, size_t> usage() { return detail::cachedArenaUsage(); }
};

constexpr int64_t kLarge = 100000;  // 800 kB of doubles: above kMinCachedBytes

TEST_F(ArenaCache, AFreedLargeArenaIsReusedAndAZeroedContextIsZero) {
  const Graph g = graphOf(kLarge);
  const double* first = nullptr;
  {
    Context<double> c(g);
    first = c.flat().data();
    for (double& x : c.arena()) x = 7.0;  // dirty the block before it goes back
  }
  EXPECT_EQ(usage(), std::make_pair(size_t{kLarge * sizeof(double)}, size_t{1}));
  Context<double> again(g);
  EXPECT_EQ(again.flat().data(), first);  // the same block
  EXPECT_EQ(usage(), std::make_pair(size_t{0}, size_t{0}));
  for (double x : again.flat()) ASSERT_EQ(x, 0.0);  // Context(graph) still zeroes it
}

TEST_F(ArenaCache, SmallArenasBypassTheCache) {
  { Context<double> c(graphOf(16)); }
  EXPECT_EQ(usage(), std::make_pair(size_t{0}, size_t{0}));
}

TEST_F(ArenaCache, ABlockMoreThanTwiceTheRequestIsNotReused) {
  const double* big = nullptr;
  {
    Context<double> c(graphOf(4 * kLarge));
    big = c.flat().data();
  }
  Context<double> small(graphOf(kLarge));
  EXPECT_NE(small.flat().data(), big);
  EXPECT_EQ(usage().second, 1u);  // the big block is still cached
}

TEST_F(ArenaCache, StaysWithinItsBlockBound) {
  {
    std::vector<Context<double>> many;
    for (size_t i = 0; i < detail::kMaxCachedBlocks + 3; ++i) many.emplace_back(graphOf(kLarge));
  }
  EXPECT_EQ(usage().second, detail::kMaxCachedBlocks);
  EXPECT_LE(usage().first, detail::kMaxCachedBytes);
  releaseCachedArenas();
  EXPECT_EQ(usage(), std::make_pair(size_t{0}, size_t{0}));
}

// compile and the sweeps leave their arenas uninitialised and rely on writing every slot: a
// recycled block full of NaN must not reach any value or gradient. (OpenBLAS GEMM with beta = 0
// into NaN, the relu kink, the unreached slots' zero-fill and the seeds all see such a block.)
template <class T>
void expectRecycledNaNArenasDoNotLeak() {
  GraphBuilder b({Shape{128, 128}, Shape{128, 128}, Shape{128}});
  Var m = b.relu(b.matmul(b.arg(0), b.arg(1)));
  b.detach(b.arg(2));  // never reached from the output: its gradient slot is zero-filled
  b.sum(b.mul(m, m));
  const Graph g = Unwrap(b.finish());
  std::vector<Tensor<T>> in;
  for (const Shape& s : g.inputs()) {
    Tensor<T> t(s);
    for (int64_t k = 0; k < t.numel(); ++k) t[k] = T((k * 7) % 13 - 6) / T(8);
    in.push_back(std::move(t));
  }
  const Compiled<T> reference = Unwrap(compile<T>(g, in));
  const Context<T> referenceGrads = Unwrap(reference.backwardDenseAllFromOutput());
  {
    std::vector<Context<T>> poisoned;
    for (int i = 0; i < 2; ++i) {
      poisoned.push_back(Context<T>::uninitialized(g));
      for (T& x : poisoned.back().arena()) x = std::numeric_limits<T>::quiet_NaN();
    }
  }
  ASSERT_EQ(detail::cachedArenaUsage().second, 2u);
  const Compiled<T> again = Unwrap(compile<T>(g, in));
  const Context<T> grads = Unwrap(again.backwardDenseAllFromOutput());
  EXPECT_EQ(detail::cachedArenaUsage().second, 0u);  // both poisoned blocks were taken
  ASSERT_EQ(again.values().flat().size(), reference.values().flat().size());
  EXPECT_EQ(std::memcmp(again.values().flat().data(), reference.values().flat().data(),
                        again.values().flat().size_bytes()),
            0);
  ASSERT_EQ(grads.flat().size(), referenceGrads.flat().size());
  EXPECT_EQ(
      std::memcmp(grads.flat().data(), referenceGrads.flat().data(), grads.flat().size_bytes()), 0);
}

TEST_F(ArenaCache, RecycledNaNArenasDoNotLeakAtFloat) { expectRecycledNaNArenasDoNotLeak<float>(); }
TEST_F(ArenaCache, RecycledNaNArenasDoNotLeakAtDouble) {
  expectRecycledNaNArenasDoNotLeak<double>();
}

}  // namespace
}  // namespace verigrad
