// Golden hashes of float and double runs: for a fixed set of cases, the FNV-1a 64 hash of every
// value and gradient bit (compile, backwardDenseFrom(seedsA), backwardDenseAll(out, seedsA[out]),
// props::runBits) must equal the constant committed here, so a change of any result bit — kernel
// order, BLAS call, rounding of inputs or literals — is noticed. Run with 1 OpenBLAS thread (the
// `determinism` property checks that 2 threads give the same bits).
//
// To regenerate after an INTENDED numerical change: run
//   VERIGRAD_PRINT_GOLDEN=1 build/bin/props_golden_hash_test
// and paste the printed table over kGolden below; say in the commit why the bits changed.
// OpenBLAS chooses its GEMM/GEMV kernels by CPU at run time, so the constants hold for the x86-64
// machines CI runs on; a different kernel family may legitimately change the BLAS-backed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mlp_exact.hpp"
#include "verigrad/props/case.hpp"
#include "verigrad/props/result_hash.hpp"

namespace verigrad::props {
namespace {

// A matmul chain through BLAS GEMM: [4,3] x [3,5] x [5,2], non-dyadic inputs (they round).
constexpr const char* kMatmulChain =
    "input %0 : [4,3]\n"
    "input %1 : [3,5]\n"
    "input %2 : [5,2]\n"
    "%3 = matmul(%0, %1) : [4,5]\n"
    "%4 = matmul(%3, %2) : [4,2]\n"
    "%5 = sum(%4) : []\n"
    "value %0 = [1/3, -2/7, 5/11, 1/10, 3, -1/6, 2/9, 7/13, -4/3, 1/7, 0, 11/17]\n"
    "value %1 = [1/5, 2/3, -1/9, 4/7, 1/11, -3/10, 5/6, 1/13, 2, -7/9, 1/3, 1/4, -1/17, 8/15, "
    "3/19]\n"
    "value %2 = [-1/3, 1/6, 2/5, -3/7, 1/9, 5/8, -2/11, 1/12, 7/10, -1/13]\n"
    "seed %3 = [1/3, 0, 0, 0, -1/7, 0, 0, 2/9, 0, 0, 0, 0, 0, 0, 1/10, 0, 0, 0, 0, 1]\n"
    "seed %5 = [1]\n"
    "out %5\n";

// Reductions and losses: reduceSum/reduceMean over each axis, broadcastTo back, mseLoss.
constexpr const char* kReductions =
    "input %0 : [2,3,2]\n"
    "input %1 : [3,2]\n"
    "%2 = reduceSum(%0) {axis = 0} : [3,2]\n"
    "%3 = reduceMean(%0) {axis = 1} : [2,2]\n"
    "%4 = reduceMean(%2) {axis = 1} : [3]\n"
    "%5 = broadcastTo(%4) : [2,3]\n"
    "%6 = transpose2d(%5) : [3,2]\n"
    "%7 = mseLoss(%6, %1) : []\n"
    "%8 = sum(%3) : []\n"
    "%9 = scale(%8) {c = 1/3} : []\n"
    "value %0 = [1/3, -1/7, 2/9, 0, 1/11, -5/13, 3/17, 1/19, -2/23, 1/29, 4/31, -1/37]\n"
    "value %1 = [1/10, -1/5, 3/10, 0, 1/3, -2/3]\n"
    "seed %7 = [1]\n"
    "seed %9 = [-1/3]\n"
    "out %7\n";

// Structure and indexing: transposes, concat, slice, gathers (in and past range), scatter.
constexpr const char* kStructure =
    "input %0 : [2,3,2]\n"
    "input %1 : [4]\n"
    "%2 = transpose3dFirstToLast(%0) : [3,2,2]\n"
    "%3 = swapAdjacentAtDepth(%2) {d = 1} : [3,2,2]\n"
    "%4 = reshape(%3) : [6,2]\n"
    "%5 = sliceRange0(%4) {start = 1, len = 3} : [3,2]\n"
    "%6 = gatherRowsNat(%5) {indices = [0, 2, 5, 2]} : [4,2]\n"
    "%7 = flatten(%6) : [8]\n"
    "%8 = concatVectors(%7, %1) : [12]\n"
    "%9 = gatherVecNat(%8) {indices = [11, 0, 13, 3]} : [4]\n"
    "%10 = gatherScalar(%1) {index = 3} : []\n"
    "%11 = scatterAddVec(%9, %10) {index = 2} : [4]\n"
    "value %0 = [1/3, -1/7, 2/9, 0, 1/11, -5/13, 3/17, 1/19, -2/23, 1/29, 4/31, -1/37]\n"
    "value %1 = [1/10, -1/5, 3/10, 1/7]\n"
    "seed %11 = [1, -1/3, 2/7, 1/9]\n"
    "seed %5 = [1/3, 1/5, 1/7, 1/11, 1/13, 1/17]\n"
    "out %11\n";

// bmm, linear, division and the kinks (relu, abs, max, clamp) at exact ties.
constexpr const char* kKinks =
    "input %0 : [2,2,3]\n"
    "input %1 : [2,3,2]\n"
    "input %2 : [3,4]\n"
    "input %3 : [3]\n"
    "input %4 : [4]\n"
    "%5 = bmm(%0, %1) : [2,2,2]\n"
    "%6 = flatten(%5) : [8]\n"
    "%7 = sliceRange0(%6) {start = 2, len = 4} : [4]\n"
    "%8 = linear(%2, %3, %7) : [3]\n"
    "%9 = relu(%8) : [3]\n"
    "%10 = abs(%3) : [3]\n"
    "%11 = max(%9, %10) : [3]\n"
    "%12 = clamp(%11) {lo = -1/2, hi = 1/3} : [3]\n"
    "%13 = inv(%4) : [4]\n"
    "%14 = div(%7, %13) : [4]\n"
    "%15 = sum(%14) : []\n"
    "value %0 = [1/3, -1/7, 2/9, 0, 1/11, -5/13, 3/17, 1/19, -2/23, 1/29, 4/31, -1/37]\n"
    "value %1 = [1/5, 2/3, -1/9, 4/7, 1/11, -3/10, 5/6, 1/13, 2, -7/9, 1/3, 1/4]\n"
    "value %2 = [1, 0, -1, 1/2, 1/3, 1/3, -2/3, 0, 1/7, 3/7, -1/7, 2]\n"
    "value %3 = [0, 1/3, -1/3]\n"
    "value %4 = [1/3, -3, 7, 1/10]\n"
    "seed %12 = [1, -1, 1/3]\n"
    "seed %15 = [1]\n"
    "out %12\n";

Case parsed(const char* text) {
  Result<Case> c = parseCase(text);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? c.value() : Case{};
}

// The exact MLP example (linear, relu, linear, mseLoss), seeded 1 at the loss.
Case mlpCase() {
  Result<Graph> g = examples::buildMlpGraph();
  EXPECT_TRUE(g.ok());
  Case c;
  if (!g.ok()) return c;
  c.graph = g.value();
  c.inputs = examples::mlpInputs();
  for (size_t id = 0; id < c.graph.numValues(); ++id) {
    c.seedsA.emplace_back(c.graph.shapeOf(static_cast<ValueId>(id)));
  }
  c.outId = c.graph.numValues() - 1;
  c.seedsA[c.outId][0] = Rational(1);
  return c;
}

struct Golden {
  const char* name;
  const char* scalar;
  uint64_t hash;
};

// Regenerate with VERIGRAD_PRINT_GOLDEN=1 (see the top of this file).
constexpr Golden kGolden[] = {
    {"mlp", "double", 0x1a71ce97262865b8ull},
    {"mlp", "float", 0x3561bdf7a93b5718ull},
    {"matmul-chain", "double", 0x0b654412cbbc86d1ull},
    {"matmul-chain", "float", 0xf8307f0c6150767aull},
    {"reductions", "double", 0x8a0fbe7506759d7aull},
    {"reductions", "float", 0x48650b5b8b008c2dull},
    {"structure", "double", 0xf4ce418a01a8c7b9ull},
    {"structure", "float", 0x7ca32a264b6d42a5ull},
    {"kinks", "double", 0xff8e50b32d802180ull},
    {"kinks", "float", 0xc1de3468fa76a0e1ull},
};

Case goldenCase(std::string_view name) {
  if (name == "mlp") return mlpCase();
  if (name == "matmul-chain") return parsed(kMatmulChain);
  if (name == "reductions") return parsed(kReductions);
  if (name == "structure") return parsed(kStructure);
  return parsed(kKinks);
}

uint64_t hashOf(const Case& c, std::string_view scalar) {
  BlasThreads one(1);
  return hashBits(scalar == "double" ? runBits<double>(c) : runBits<float>(c));
}

TEST(GoldenHashes, FloatAndDoubleRunsKeepTheirBits) {
  const bool print = std::getenv("VERIGRAD_PRINT_GOLDEN") != nullptr;
  for (const Golden& g : kGolden) {
    const Case c = goldenCase(g.name);
    const ResultBits bits = [&] {
      BlasThreads one(1);
      return std::string_view(g.scalar) == "double" ? runBits<double>(c) : runBits<float>(c);
    }();
    EXPECT_TRUE(bits.errors.empty()) << g.name << " " << g.scalar << ": " << bits.errors;
    EXPECT_FALSE(bits.segments.empty()) << g.name;
    const uint64_t actual = hashBits(bits);
    if (print) {
      std::printf("    {\"%s\", \"%s\", 0x%016llxull},\n", g.name, g.scalar,
                  static_cast<unsigned long long>(actual));
    }
    EXPECT_EQ(actual, g.hash) << g.name << " at " << g.scalar << ": the result bits changed";
  }
}

TEST(GoldenHashes, TheHashSeesEveryBit) {
  Case c = parsed(kMatmulChain);
  const uint64_t before = hashOf(c, "double");
  EXPECT_EQ(hashOf(c, "double"), before);  // stable within a process
  // One ulp in one input changes the hash.
  c.inputs[0][0] = Rational::fromDouble(std::nextafter(1.0 / 3.0, 1.0));
  EXPECT_NE(hashOf(c, "double"), before);
  // So does one more seed.
  Case d = parsed(kMatmulChain);
  d.seedsA[4][0] = Rational(1);
  EXPECT_NE(hashOf(d, "double"), before);
}

TEST(GoldenHashes, Fnv1aOfKnownStrings) {
  auto bytes = [](std::string_view s) {
    return std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(s.data()),
                                          s.size());
  };
  EXPECT_EQ(fnv1a64(bytes("")), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64(bytes("a")), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64(bytes("foobar")), 0x85944171f73967e8ull);
}

}  // namespace
}  // namespace verigrad::props
