// The arena block cache behind Context<T> (verigrad/arena_allocator.hpp): freed large arenas are
// reused, a reused block never leaks old contents into a zeroed Context, small and oversized
// blocks bypass it, and it stays within its bounds.
#include "verigrad/arena_allocator.hpp"

#include <vector>

#include "test_support.hpp"
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

}  // namespace
}  // namespace verigrad
