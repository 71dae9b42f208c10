// Every Z3 shape theorem, for every op, proved with the default bounds (ranks <= 4, dims <= 2^15)
// within two minutes; the theorem x op table with status and solver time is printed.
#include "verigrad/smt/theorems.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>

namespace verigrad::smt {
namespace {

// One run of the whole set (ctest runs each test in its own process, so the set is solved once).
TEST(ShapeTheorems, EveryTheoremIsProvedWithinTwoMinutes) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<TheoremResult> results = runTheorems(Options{});
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << formatTheoremTable(results) << "wall time " << wall << " s\n";
  ASSERT_FALSE(results.empty());
  for (const TheoremResult& r : results) {
    EXPECT_EQ(r.status, TheoremStatus::Proved)
        << r.theorem.name << " " << (r.theorem.op ? opName(*r.theorem.op) : "-") << ": "
        << r.counterexample << r.detail;
    EXPECT_GT(r.queries, 0) << r.theorem.name;
  }
  EXPECT_LT(wall, 120.0);
}

bool has(const std::vector<Theorem>& ts, std::string_view name, std::optional<Op> op) {
  return std::any_of(ts.begin(), ts.end(),
                     [&](const Theorem& t) { return t.name == name && t.op == op; });
}

TEST(ShapeTheorems, TheListCoversEveryOpAndEveryStatement) {
  const std::vector<Theorem> ts = allTheorems();
  for (Op op : allOps()) {
    EXPECT_TRUE(has(ts, "output-numel", op)) << opName(op);
    EXPECT_EQ(has(ts, "vjp-shape", op), opInfo(op).hasGradientEdges) << opName(op);
  }
  for (Op op : {Op::Reshape, Op::Flatten}) EXPECT_TRUE(has(ts, "numel-preserved", op));
  for (Op op : {Op::Transpose2d, Op::Transpose3dFirstToLast, Op::Transpose3dLastToFirst,
                Op::Transpose3dLastTwo, Op::SwapAdjacentAtDepth}) {
    EXPECT_TRUE(has(ts, "permutation", op)) << opName(op);
  }
  EXPECT_TRUE(has(ts, "broadcast-vjp", Op::BroadcastTo));
  for (Op op : {Op::BroadcastTo, Op::ConcatVectors, Op::ConcatDim0, Op::SliceRange0,
                Op::GatherScalar, Op::GatherRow, Op::GatherScalarNat, Op::GatherVecNat,
                Op::GatherRowsNat, Op::ScatterAddVec, Op::ScatterAddRow}) {
    EXPECT_TRUE(has(ts, "index-bounds", op)) << opName(op);
  }
  for (const char* global : {"numel-bound", "numel-lemmas", "offset-step", "offset-in-range",
                             "out-id-range", "out-id-unchecked"}) {
    EXPECT_TRUE(has(ts, global, std::nullopt)) << global;
  }
}

// With |ss| = 0 the unchecked size_t formula wraps at |Γ| = 0: Z3 shows the value.
TEST(ShapeTheorems, UncheckedOutIdWrapsWhenThereIsNoNode) {
  for (const Theorem& t : allTheorems()) {
    if (t.name != "out-id-unchecked") continue;
    const TheoremResult r = runTheorem(t, Options{});
    std::cout << r.detail << "\n";
    EXPECT_TRUE(r.proved());
    EXPECT_NE(r.detail.find("|Γ| = 0 gives 18446744073709551615"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("an input's id"), std::string::npos) << r.detail;
  }
}

TEST(ShapeTheoremOptions, OutOfRangeOptionsAreErrorsNotCrashes) {
  Options o;
  o.maxDim = int64_t{1} << 20;  // beyond the 16-bit dim variables
  const TheoremResult r = runTheorem(allTheorems().front(), o);
  EXPECT_EQ(r.status, TheoremStatus::Error);
  EXPECT_NE(r.detail.find("maxDim"), std::string::npos);
}

}  // namespace
}  // namespace verigrad::smt
