// The structural family (flatten, reshape, transposes, swapAdjacentAtDepth, broadcastTo, concats,
// sliceRange0): values and gradients against hand derivations, exactly, at every scalar.
#include "op_case.hpp"

namespace verigrad {
namespace {

using namespace testing;  // the op-case harness (op_case.hpp)

// 1 .. 12 as text: the row-major values used by the rank-3 permutation cases.
Strings oneToTwelve() {
  Strings s;
  for (int i = 1; i <= 12; ++i) s.push_back(std::to_string(i));
  return s;
}

// ---- flatten and reshape: row-major copies; the VJP copies δ back

TEST(Flatten, RowMajorCopy) {
  OpCase c{{Shape{2, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.flatten(v[0]); },
           {{"1/3", "-2", "5", "1/7"}},
           {"1/3", "-2", "5", "1/7"},
           {"1", "-1/3", "1/2", "4"},
           {{"1", "-1/3", "1/2", "4"}}};
  checkCase<Rational>(c);
  c.inputs = {{"1/4", "-2", "5", "1/8"}};
  c.out = c.inputs[0];
  c.seed = {"1", "-1/4", "1/2", "4"};
  c.grads = {c.seed};
  checkCase<double>(c);
  checkCase<float>(c);
}

TEST(Reshape, RowMajorCopy) {
  OpCase c{{Shape{2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.reshape(v[0], Shape{3, 2});
           },
           {{"1", "2", "3", "4", "5", "1/2"}},
           {"1", "2", "3", "4", "5", "1/2"},
           {"-1", "1/4", "0", "2", "3", "6"},
           {{"-1", "1/4", "0", "2", "3", "6"}}};
  checkAllScalars(c);
}

TEST(Reshape, ZeroExtent) {
  OpCase c{{Shape{0, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.reshape(v[0], Shape{3, 0, 2});
           },
           {{}},
           {},
           {},
           {{}}};
  checkAllScalars(c);
}

// ---- transposes

// x = [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]; δ = [[1, 2], [3, 4], [5, 6]] gives
// dx[i][j] = δ[j][i] = [[1, 3, 5], [2, 4, 6]].
TEST(Transpose2d, ValuesAndGradient) {
  OpCase c{{Shape{2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.transpose2d(v[0]); },
           {{"1", "2", "3", "4", "5", "6"}},
           {"1", "4", "2", "5", "3", "6"},
           {"1", "2", "3", "4", "5", "6"},
           {{"1", "3", "5", "2", "4", "6"}}};
  checkAllScalars(c);
}

// x [2,2,3] with x[i,j,k] = 6i + 3j + k + 1 (flat 1..12) -> [2,3,2], out[j,k,i] = x[i,j,k]:
//   (j,k,i) in row-major order: 1,7, 2,8, 3,9, 4,10, 5,11, 6,12.
// δ flat 1..12 has δ[j,k,i] = 6j + 2k + i + 1; dx[i,j,k] = δ[j,k,i]:
//   i=0: j=0 -> 1,3,5; j=1 -> 7,9,11;  i=1: j=0 -> 2,4,6; j=1 -> 8,10,12.
TEST(Transpose3dFirstToLast, ValuesAndGradient) {
  OpCase c{{Shape{2, 2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.transpose3dFirstToLast(v[0]); },
           {oneToTwelve()},
           {"1", "7", "2", "8", "3", "9", "4", "10", "5", "11", "6", "12"},
           oneToTwelve(),
           {{"1", "3", "5", "7", "9", "11", "2", "4", "6", "8", "10", "12"}}};
  checkAllScalars(c);
}

// x as above -> [3,2,2], out[k,i,j] = x[i,j,k]: k=0 -> 1,4,7,10; k=1 -> 2,5,8,11; k=2 -> 3,6,9,12.
// δ flat 1..12 has δ[k,i,j] = 4k + 2i + j + 1; dx[i,j,k] = δ[k,i,j]:
//   (0,0) -> 1,5,9; (0,1) -> 2,6,10; (1,0) -> 3,7,11; (1,1) -> 4,8,12.
TEST(Transpose3dLastToFirst, ValuesAndGradient) {
  OpCase c{{Shape{2, 2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.transpose3dLastToFirst(v[0]); },
           {oneToTwelve()},
           {"1", "4", "7", "10", "2", "5", "8", "11", "3", "6", "9", "12"},
           oneToTwelve(),
           {{"1", "5", "9", "2", "6", "10", "3", "7", "11", "4", "8", "12"}}};
  checkAllScalars(c);
}

// x as above -> [2,3,2], out[i,k,j] = x[i,j,k]: i=0 -> 1,4, 2,5, 3,6; i=1 -> 7,10, 8,11, 9,12.
// δ flat 1..12 has δ[i,k,j] = 6i + 2k + j + 1; dx[i,j,k] = δ[i,k,j]:
//   (0,0) -> 1,3,5; (0,1) -> 2,4,6; (1,0) -> 7,9,11; (1,1) -> 8,10,12.
TEST(Transpose3dLastTwo, ValuesAndGradient) {
  OpCase c{{Shape{2, 2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.transpose3dLastTwo(v[0]); },
           {oneToTwelve()},
           {"1", "4", "2", "5", "3", "6", "7", "10", "8", "11", "9", "12"},
           oneToTwelve(),
           {{"1", "3", "5", "2", "4", "6", "7", "9", "11", "8", "10", "12"}}};
  checkAllScalars(c);
}

// ---- swapAdjacentAtDepth

// x [2,3,2] with x[a,b,c] = 6a + 2b + c + 1, d = 0 -> [3,2,2], out[b,a,c] = x[a,b,c]:
//   b=0 -> 1,2, 7,8; b=1 -> 3,4, 9,10; b=2 -> 5,6, 11,12.
// δ flat 1..12 has δ[b,a,c] = 4b + 2a + c + 1; dx[a,b,c] = δ[b,a,c]:
//   a=0 -> 1,2, 5,6, 9,10; a=1 -> 3,4, 7,8, 11,12.
TEST(SwapAdjacentAtDepth, OutermostPair) {
  OpCase c{{Shape{2, 3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.swapAdjacentAtDepth(v[0], 0); },
           {oneToTwelve()},
           {"1", "2", "7", "8", "3", "4", "9", "10", "5", "6", "11", "12"},
           oneToTwelve(),
           {{"1", "2", "5", "6", "9", "10", "3", "4", "7", "8", "11", "12"}}};
  checkAllScalars(c);
}

// Rank 4: x [2,2,3,1] with x[a,b,c,0] = 6a + 3b + c + 1, d = 1 -> [2,3,2,1], out[a,c,b] = x[a,b,c]:
//   a=0 -> 1,4, 2,5, 3,6; a=1 -> 7,10, 8,11, 9,12.
// δ flat 1..12 has δ[a,c,b] = 6a + 2c + b + 1; dx[a,b,c] = δ[a,c,b]:
//   (0,0) -> 1,3,5; (0,1) -> 2,4,6; (1,0) -> 7,9,11; (1,1) -> 8,10,12.
TEST(SwapAdjacentAtDepth, InnerPairOfRank4) {
  OpCase c{{Shape{2, 2, 3, 1}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.swapAdjacentAtDepth(v[0], 1); },
           {oneToTwelve()},
           {"1", "4", "2", "5", "3", "6", "7", "10", "8", "11", "9", "12"},
           oneToTwelve(),
           {{"1", "3", "5", "2", "4", "6", "7", "9", "11", "8", "10", "12"}}};
  checkAllScalars(c);
}

// TorchLean leaves the tensor unchanged when d + 1 >= rank; Verigrad refuses (design.md).
TEST(SwapAdjacentAtDepth, Departure_SwapAdjacentAtDepthOutOfRangeIsError) {
  for (int64_t d : {int64_t{2}, int64_t{3}, int64_t{-1}}) {
    Error e = buildError({Shape{2, 3, 4}}, [d](GraphBuilder& b, const std::vector<Var>& v) {
      b.swapAdjacentAtDepth(v[0], d);
    });
    EXPECT_NE(e.code, ErrorCode::Internal) << "d = " << d << ": " << e.message;
    EXPECT_FALSE(e.message.empty()) << "d = " << d;
  }
  GraphBuilder ok({Shape{2, 3, 4}});
  Var y = ok.swapAdjacentAtDepth(ok.arg(0), 1);
  EXPECT_EQ(y.shape, (Shape{2, 4, 3}));
  VG_ASSERT_OK(ok.finish());
  // A scalar and a vector have no adjacent pair at all.
  Error scalar = buildError({Shape{}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.swapAdjacentAtDepth(v[0], 0);
  });
  EXPECT_NE(scalar.code, ErrorCode::Internal) << scalar.message;
  Error vector = buildError({Shape{5}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.swapAdjacentAtDepth(v[0], 0);
  });
  EXPECT_NE(vector.code, ErrorCode::Internal) << vector.message;
}

// ---- broadcastTo: right-aligned expand; the VJP sums δ over the broadcast axes

// [3] -> [2,3]: out = x twice; dx[k] = δ[0,k] + δ[1,k].
// x = [1, -2, 1/3], δ = [1/3, 2, 3, 1, 5, -6]: dx = [4/3, 7, -3].
TEST(BroadcastTo, PrependAxis) {
  OpCase c{{Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.broadcastTo(v[0], Shape{2, 3});
           },
           {{"1", "-2", "1/3"}},
           {"1", "-2", "1/3", "1", "-2", "1/3"},
           {"1/3", "2", "3", "1", "5", "-6"},
           {{"4/3", "7", "-3"}}};
  checkCase<Rational>(c);
  // Dyadic: x[2] = 1/4, δ[0] = 1/2: dx = [3/2, 7, -3].
  c.inputs = {{"1", "-2", "1/4"}};
  c.out = {"1", "-2", "1/4", "1", "-2", "1/4"};
  c.seed = {"1/2", "2", "3", "1", "5", "-6"};
  c.grads = {{"3/2", "7", "-3"}};
  checkCase<double>(c);
  checkCase<float>(c);
}

// [1] -> [4]: out = x four times; dx = δ0 + δ1 + δ2 + δ3 = 1 + 2 + 3 + 1/2 = 13/2.
// The prepend-only fast path ([3] -> [4,3]) and the generic path ([1,3] -> [4,3], an expanded
// axis) must sum δ in the same order: a left fold from 0 down each column. With δ columns
// (1e8, 1, -1e8, 1) float gives ((0 + 1e8) + 1) - 1e8 + 1 = 1, where any other grouping gives 0
// or 2; both paths must give exactly 1, and the same forward rows.
TEST(BroadcastTo, PrependFastPathSumsInTheGenericOrder) {
  auto gradient = [](const Shape& from) {
    GraphBuilder b({from, Shape{4, 3}});
    b.sum(b.mul(b.broadcastTo(b.arg(0), Shape{4, 3}), b.arg(1)));
    const Graph g = Unwrap(b.finish());
    const std::vector<Tensor<float>> in = {
        Unwrap(Tensor<float>::make(from, {2.0f, -3.0f, 0.5f})),
        Unwrap(Tensor<float>::make(Shape{4, 3}, {1e8f, 1e8f, 1e8f, 1.0f, 1.0f, 1.0f, -1e8f, -1e8f,
                                                 -1e8f, 1.0f, 1.0f, 1.0f}))};
    const Compiled<float> c = Unwrap(compile<float>(g, in));
    const Context<float> d = Unwrap(c.backwardDenseAllFromOutput());
    std::vector<float> rows(c.values()[2].data, c.values()[2].data + 12);
    std::vector<float> dx(d[0].data, d[0].data + 3);
    return std::make_pair(rows, dx);
  };
  const auto fast = gradient(Shape{3});
  const auto generic = gradient(Shape{1, 3});
  EXPECT_EQ(fast.first, generic.first);
  EXPECT_EQ(fast.second, (std::vector<float>{1.0f, 1.0f, 1.0f}));
  EXPECT_EQ(generic.second, (std::vector<float>{1.0f, 1.0f, 1.0f}));
}

TEST(BroadcastTo, ExpandOne) {
  OpCase c{{Shape{1}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.broadcastTo(v[0], Shape{4}); },
           {{"-3/4"}},
           {"-3/4", "-3/4", "-3/4", "-3/4"},
           {"1", "2", "3", "1/2"},
           {{"13/2"}}};
  checkAllScalars(c);
}

// scalar -> [2,2]: dx = 1 - 1 + 1/2 + 1/4 = 3/4 (the full sum).
TEST(BroadcastTo, ScalarToMatrix) {
  OpCase c{{Shape{}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.broadcastTo(v[0], Shape{2, 2});
           },
           {{"5"}},
           {"5", "5", "5", "5"},
           {"1", "-1", "1/2", "1/4"},
           {{"3/4"}}};
  checkAllScalars(c);
}

// [2,1] -> [2,3]: row r repeats x[r]; dx[r] = Σ_c δ[r,c]: [1 + 2 + 3, 4 + 5 + 1/2] = [6, 19/2].
TEST(BroadcastTo, ExpandInnerAxis) {
  OpCase c{{Shape{2, 1}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.broadcastTo(v[0], Shape{2, 3});
           },
           {{"1", "2"}},
           {"1", "1", "1", "2", "2", "2"},
           {"1", "2", "3", "4", "5", "1/2"},
           {{"6", "19/2"}}};
  checkAllScalars(c);
}

// [2,1] -> [3,2,2]: prepend an axis and expand the last; out[a,b,c] = x[b].
// δ flat 1..12 has δ[a,b,c] = 4a + 2b + c + 1; dx[b] = Σ_{a,c} δ[a,b,c]:
//   b=0: (1+2) + (5+6) + (9+10) = 33;  b=1: (3+4) + (7+8) + (11+12) = 45.
TEST(BroadcastTo, PrependAndExpand) {
  OpCase c{{Shape{2, 1}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.broadcastTo(v[0], Shape{3, 2, 2});
           },
           {{"1/2", "-1"}},
           {"1/2", "1/2", "-1", "-1", "1/2", "1/2", "-1", "-1", "1/2", "1/2", "-1", "-1"},
           oneToTwelve(),
           {{"33", "45"}}};
  checkAllScalars(c);
}

// [1] -> [0] (an extent of 1 may broadcast to 0): the output is empty; dx is the empty sum 0.
TEST(BroadcastTo, OneToZero) {
  OpCase c{
      {Shape{1}}, [](GraphBuilder& b, const std::vector<Var>& v) { b.broadcastTo(v[0], Shape{0}); },
      {{"7"}},    {},
      {},         {{"0"}}};
  checkAllScalars(c);
}

// [2,3] -> [2,3]: the identity; dx = δ.
TEST(BroadcastTo, SameShape) {
  OpCase c{{Shape{2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.broadcastTo(v[0], Shape{2, 3});
           },
           {{"1", "2", "3", "4", "5", "6"}},
           {"1", "2", "3", "4", "5", "6"},
           {"-1", "1/2", "0", "2", "3", "1/4"},
           {{"-1", "1/2", "0", "2", "3", "1/4"}}};
  checkAllScalars(c);
}

// TorchLean's evidence rules accept [3] -> [3,2]; Verigrad's right-aligned rule does not (the
// trailing 3 would have to match 2), and accepts [3] -> [2,3].
TEST(BroadcastTo, Departure_BroadcastToRightAligned) {
  Error e = buildError({Shape{3}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.broadcastTo(v[0], Shape{3, 2});
  });
  EXPECT_EQ(e.code, ErrorCode::ShapeMismatch) << e.message;
  GraphBuilder ok({Shape{3}});
  Var y = ok.broadcastTo(ok.arg(0), Shape{2, 3});
  EXPECT_EQ(y.shape, (Shape{2, 3}));
  VG_ASSERT_OK(ok.finish());
  // Fewer target axes than source axes, and a non-1 extent that differs, are errors too.
  Error fewer = buildError({Shape{2, 3}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.broadcastTo(v[0], Shape{3});
  });
  EXPECT_EQ(fewer.code, ErrorCode::ShapeMismatch) << fewer.message;
  Error differ = buildError({Shape{2}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.broadcastTo(v[0], Shape{3});
  });
  EXPECT_EQ(differ.code, ErrorCode::ShapeMismatch) << differ.message;
}

// ---- concatVectors and concatDim0: the VJP splits δ

TEST(ConcatVectors, ValuesAndSplitGradient) {
  OpCase c{{Shape{2}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.concatVectors(v[0], v[1]); },
           {{"1/3", "2"}, {"-1", "0", "5"}},
           {"1/3", "2", "-1", "0", "5"},
           {"1", "2", "3", "4", "-1/3"},
           {{"1", "2"}, {"3", "4", "-1/3"}}};
  checkCase<Rational>(c);
  c.inputs[0] = {"1/4", "2"};
  c.out[0] = "1/4";
  c.seed[4] = "-1/4";
  c.grads[1][2] = "-1/4";
  checkCase<double>(c);
  checkCase<float>(c);
}

TEST(ConcatVectors, EmptyFirstOperand) {
  OpCase c{{Shape{0}, Shape{2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.concatVectors(v[0], v[1]); },
           {{}, {"1", "2"}},
           {"1", "2"},
           {"3", "-1/2"},
           {{}, {"3", "-1/2"}}};
  checkAllScalars(c);
}

// a [1,2] ++ b [2,2] -> [3,2]: da = row 0 of δ, db = rows 1..2.
TEST(ConcatDim0, ValuesAndSplitGradient) {
  OpCase c{{Shape{1, 2}, Shape{2, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.concatDim0(v[0], v[1]); },
           {{"1", "2"}, {"3", "4", "5", "1/2"}},
           {"1", "2", "3", "4", "5", "1/2"},
           {"-1", "1/4", "2", "0", "7", "8"},
           {{"-1", "1/4"}, {"2", "0", "7", "8"}}};
  checkAllScalars(c);
}

// a [0,2] ++ b [2,2]: the output is b; da is empty, db = δ.
TEST(ConcatDim0, EmptyFirstOperand) {
  OpCase c{{Shape{0, 2}, Shape{2, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.concatDim0(v[0], v[1]); },
           {{}, {"3", "4", "5", "6"}},
           {"3", "4", "5", "6"},
           {"1", "2", "1/2", "1/4"},
           {{}, {"1", "2", "1/2", "1/4"}}};
  checkAllScalars(c);
}

// Rank 3: a [1,2,1] ++ b [1,2,1] -> [2,2,1].
TEST(ConcatDim0, Rank3) {
  OpCase c{{Shape{1, 2, 1}, Shape{1, 2, 1}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.concatDim0(v[0], v[1]); },
           {{"1", "2"}, {"3", "4"}},
           {"1", "2", "3", "4"},
           {"5", "6", "7", "1/2"},
           {{"5", "6"}, {"7", "1/2"}}};
  checkAllScalars(c);
}

// ---- sliceRange0: rows start .. start+len-1; the VJP puts δ into those rows, zeros elsewhere

// x [4,2], start 1, len 2: out = rows 1 and 2; dx = [0, 0, δ0, δ1, δ2, δ3, 0, 0].
TEST(SliceRange0, ValuesAndGradient) {
  OpCase c{{Shape{4, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.sliceRange0(v[0], 1, 2); },
           {{"1", "2", "3", "4", "5", "1/2", "7", "8"}},
           {"3", "4", "5", "1/2"},
           {"1/4", "-1", "2", "3"},
           {{"0", "0", "1/4", "-1", "2", "3", "0", "0"}}};
  checkAllScalars(c);
}

// len = 0 at the end (start = n): the output is empty; dx is all zeros.
TEST(SliceRange0, EmptySliceAtEnd) {
  OpCase c{{Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.sliceRange0(v[0], 3, 0); },
           {{"1", "2", "3"}},
           {},
           {},
           {{"0", "0", "0"}}};
  checkAllScalars(c);
}

// The whole tensor: dx = δ.
TEST(SliceRange0, WholeRange) {
  OpCase c{
      {Shape{2, 1}}, [](GraphBuilder& b, const std::vector<Var>& v) { b.sliceRange0(v[0], 0, 2); },
      {{"1", "2"}},  {"1", "2"},
      {"-1/2", "4"}, {{"-1/2", "4"}}};
  checkAllScalars(c);
}

TEST(SliceRange0, PastTheEndIsIndexOutOfRange) {
  struct Bad {
    int64_t start, len;
  };
  for (Bad bad : {Bad{3, 2}, Bad{5, 0}, Bad{0, 5}}) {
    Error e = buildError({Shape{4, 2}}, [bad](GraphBuilder& b, const std::vector<Var>& v) {
      b.sliceRange0(v[0], bad.start, bad.len);
    });
    EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange)
        << "start " << bad.start << ", len " << bad.len << ": " << e.message;
  }
  // Negative start or length: refused (the kind is the shape rule's to choose).
  for (Bad bad : {Bad{-1, 1}, Bad{1, -1}}) {
    Error e = buildError({Shape{4, 2}}, [bad](GraphBuilder& b, const std::vector<Var>& v) {
      b.sliceRange0(v[0], bad.start, bad.len);
    });
    EXPECT_NE(e.code, ErrorCode::Internal)
        << "start " << bad.start << ", len " << bad.len << ": " << e.message;
  }
}

// ---- defensive dispatch

TEST(StructuralKernels, ForwardRefusesOtherFamiliesOps) {
  expectForwardRefusesForeignNode<double>(OpFamily::Structural);
}

}  // namespace
}  // namespace verigrad
