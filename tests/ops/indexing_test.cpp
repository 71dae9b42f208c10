// The indexing family (gathers and scatter-adds): values and gradients against hand derivations,
// exactly, at every scalar; range checks of the checked ops and the Nat ops' out-of-range rules.
#include "op_case.hpp"

namespace verigrad {
namespace {

using namespace testing;  // the op-case harness (op_case.hpp)

// ---- gatherScalar: x[n] -> x[index]; VJP one-hot δ at index

// x = [1/2, -1, 3], index 1: out = -1; δ = 2/3 -> dx = [0, 2/3, 0].
TEST(GatherScalar, ValueAndOneHotGradient) {
  OpCase c{{Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherScalar(v[0], 1); },
           {{"1/2", "-1", "3"}},
           {"-1"},
           {"2/3"},
           {{"0", "2/3", "0"}}};
  checkCase<Rational>(c);
  c.seed = {"3/4"};
  c.grads = {{"0", "3/4", "0"}};
  checkCase<double>(c);
  checkCase<float>(c);
}

TEST(GatherScalar, OutOfRangeIndexIsBuilderError) {
  for (int64_t index : {int64_t{3}, int64_t{100}, int64_t{-1}}) {
    Error e = buildError({Shape{3}}, [index](GraphBuilder& b, const std::vector<Var>& v) {
      b.gatherScalar(v[0], index);
    });
    EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange) << "index " << index << ": " << e.message;
  }
  // Nothing is in range in an empty vector.
  Error e = buildError({Shape{0}},
                       [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherScalar(v[0], 0); });
  EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange) << e.message;
}

// ---- gatherRow: x[r,c] -> row index; VJP δ in that row, zero rows elsewhere

// x = [[1, 2], [3, 4], [5, 1/3]], index 2: out = [5, 1/3]; δ = [-1, 1/2] -> dx = [0,0, 0,0,
// -1,1/2].
TEST(GatherRow, ValueAndOneHotRowGradient) {
  OpCase c{{Shape{3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherRow(v[0], 2); },
           {{"1", "2", "3", "4", "5", "1/3"}},
           {"5", "1/3"},
           {"-1", "1/2"},
           {{"0", "0", "0", "0", "-1", "1/2"}}};
  checkCase<Rational>(c);
  c.inputs = {{"1", "2", "3", "4", "5", "1/4"}};
  c.out = {"5", "1/4"};
  checkCase<double>(c);
  checkCase<float>(c);
}

// Row 0 of a [2,3]: dx = [δ, 0, 0, 0].
TEST(GatherRow, FirstRow) {
  OpCase c{{Shape{2, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherRow(v[0], 0); },
           {{"1", "2", "3", "4", "5", "6"}},
           {"1", "2", "3"},
           {"1/2", "-2", "8"},
           {{"1/2", "-2", "8", "0", "0", "0"}}};
  checkAllScalars(c);
}

TEST(GatherRow, OutOfRangeIndexIsBuilderError) {
  for (int64_t index : {int64_t{2}, int64_t{-1}}) {
    Error e = buildError({Shape{2, 3}}, [index](GraphBuilder& b, const std::vector<Var>& v) {
      b.gatherRow(v[0], index);
    });
    EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange) << "index " << index << ": " << e.message;
  }
}

// ---- gatherScalarNat: x[index] if index < n else 0; no gradient when out of range

TEST(GatherScalarNat, InRange) {
  OpCase c{{Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherScalarNat(v[0], 0); },
           {{"1/2", "-1", "3"}},
           {"1/2"},
           {"-5/4"},
           {{"-5/4", "0", "0"}}};
  checkAllScalars(c);
}

// index = n and far beyond: the value reads 0 and dx is all zeros, whatever δ is.
TEST(GatherScalarNat, OutOfRangeReadsZeroAndPassesNoGradient) {
  for (int64_t index : {int64_t{3}, int64_t{1000}}) {
    SCOPED_TRACE("index " + std::to_string(index));
    OpCase c{
        {Shape{3}},
        [index](GraphBuilder& b, const std::vector<Var>& v) { b.gatherScalarNat(v[0], index); },
        {{"1/2", "-1", "3"}},
        {"0"},
        {"7"},
        {{"0", "0", "0"}}};
    checkAllScalars(c);
  }
}

TEST(GatherScalarNat, NegativeIndexIsBuilderError) {
  Error e = buildError(
      {Shape{3}}, [](GraphBuilder& b, const std::vector<Var>& v) { b.gatherScalarNat(v[0], -1); });
  EXPECT_NE(e.code, ErrorCode::Internal) << e.message;
}

// ---- gatherVecNat: out[j] = x[idx[j]] (0 when idx[j] >= n); dx[i] = Σ_{j: idx[j] = i} δ[j]

// x = [1/2, -1, 3], idx = [2, 0, 2, 5, 1, 2]: out = [3, 1/2, 3, 0, -1, 3].
// δ = [1, 2, 3, 4, 5, 1/3]: dx[0] = δ1 = 2; dx[1] = δ4 = 5; dx[2] = δ0 + δ2 + δ5 = 1 + 3 + 1/3 =
// 13/3 (duplicates accumulate); δ3 (index 5, out of range) reaches nothing.
TEST(GatherVecNat, DuplicatesAccumulateAndOutOfRangePassesNothing) {
  const std::vector<int64_t> idx{2, 0, 2, 5, 1, 2};
  OpCase c{{Shape{3}},
           [idx](GraphBuilder& b, const std::vector<Var>& v) { b.gatherVecNat(v[0], idx); },
           {{"1/2", "-1", "3"}},
           {"3", "1/2", "3", "0", "-1", "3"},
           {"1", "2", "3", "4", "5", "1/3"},
           {{"2", "5", "13/3"}}};
  checkCase<Rational>(c);
  // Dyadic: δ5 = 1/4, dx[2] = 1 + 3 + 1/4 = 17/4.
  c.seed[5] = "1/4";
  c.grads = {{"2", "5", "17/4"}};
  checkCase<double>(c);
  checkCase<float>(c);
}

// An empty index list: the output is empty and dx is all zeros.
TEST(GatherVecNat, EmptyIndexList) {
  OpCase c{{Shape{2}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.gatherVecNat(v[0], std::vector<int64_t>{});
           },
           {{"1", "2"}},
           {},
           {},
           {{"0", "0"}}};
  checkAllScalars(c);
}

// Gathering from an empty vector: every index is out of range.
TEST(GatherVecNat, EmptySource) {
  OpCase c{{Shape{0}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.gatherVecNat(v[0], std::vector<int64_t>{0, 3});
           },
           {{}},
           {"0", "0"},
           {"1", "2"},
           {{}}};
  checkAllScalars(c);
}

TEST(GatherVecNat, NegativeIndexIsBuilderError) {
  Error e = buildError({Shape{3}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.gatherVecNat(v[0], std::vector<int64_t>{0, -1, 2});
  });
  EXPECT_NE(e.code, ErrorCode::Internal) << e.message;
  EXPECT_FALSE(e.message.empty());
}

// ---- gatherRowsNat: out row j = x row idx[j] (zero row when out of range); per-row fold over j

// x = [[1, 2], [3, 4], [5, 6]], idx = [1, 3, 1, 0]: out = [[3, 4], [0, 0], [3, 4], [1, 2]].
// δ = [[1, 1/3], [7, 7], [2, -1], [1/2, 1]]: dx row 0 = δ3 = [1/2, 1];
// row 1 = δ0 + δ2 = [3, -2/3]; row 2 = 0 (never gathered); δ1 (index 3) reaches nothing.
TEST(GatherRowsNat, DuplicatesAccumulateAndOutOfRangeRowIsZero) {
  const std::vector<int64_t> idx{1, 3, 1, 0};
  OpCase c{{Shape{3, 2}},
           [idx](GraphBuilder& b, const std::vector<Var>& v) { b.gatherRowsNat(v[0], idx); },
           {{"1", "2", "3", "4", "5", "6"}},
           {"3", "4", "0", "0", "3", "4", "1", "2"},
           {"1", "1/3", "7", "7", "2", "-1", "1/2", "1"},
           {{"1/2", "1", "3", "-2/3", "0", "0"}}};
  checkCase<Rational>(c);
  // Dyadic: δ0 = [1, 1/4], row 1 = [3, -3/4].
  c.seed[1] = "1/4";
  c.grads = {{"1/2", "1", "3", "-3/4", "0", "0"}};
  checkCase<double>(c);
  checkCase<float>(c);
}

TEST(GatherRowsNat, NegativeIndexIsBuilderError) {
  Error e = buildError({Shape{3, 2}}, [](GraphBuilder& b, const std::vector<Var>& v) {
    b.gatherRowsNat(v[0], std::vector<int64_t>{-2});
  });
  EXPECT_NE(e.code, ErrorCode::Internal) << e.message;
}

// ---- scatterAddVec: x with x[index] += v; VJP x ← δ, v ← δ[index]

// x = [1, 2, 3], v = 1/3, index 2: out = [1, 2, 10/3]; δ = [1, -1, 5]: dx = δ, dv = 5.
TEST(ScatterAddVec, ValuesAndGradients) {
  OpCase c{{Shape{3}, Shape{}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.scatterAddVec(v[0], v[1], 2); },
           {{"1", "2", "3"}, {"1/3"}},
           {"1", "2", "10/3"},
           {"1", "-1", "5"},
           {{"1", "-1", "5"}, {"5"}}};
  checkCase<Rational>(c);
  c.inputs[1] = {"1/4"};
  c.out[2] = "13/4";
  checkCase<double>(c);
  checkCase<float>(c);
}

TEST(ScatterAddVec, OutOfRangeIndexIsBuilderError) {
  for (int64_t index : {int64_t{3}, int64_t{-1}}) {
    Error e = buildError({Shape{3}, Shape{}}, [index](GraphBuilder& b, const std::vector<Var>& v) {
      b.scatterAddVec(v[0], v[1], index);
    });
    EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange) << "index " << index << ": " << e.message;
  }
}

// ---- scatterAddRow: row index += v; VJP x ← δ, v ← row index of δ

// x [2,3] = [[1, 2, 3], [4, 5, 6]], v = [1/2, -1, 0], index 0: out = [[3/2, 1, 3], [4, 5, 6]].
// δ = [[1, 2, 3], [4, -1/4, 6]]: dx = δ; dv = [1, 2, 3].
TEST(ScatterAddRow, ValuesAndGradients) {
  OpCase c{{Shape{2, 3}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.scatterAddRow(v[0], v[1], 0); },
           {{"1", "2", "3", "4", "5", "6"}, {"1/2", "-1", "0"}},
           {"3/2", "1", "3", "4", "5", "6"},
           {"1", "2", "3", "4", "-1/4", "6"},
           {{"1", "2", "3", "4", "-1/4", "6"}, {"1", "2", "3"}}};
  checkAllScalars(c);
}

// index 1 (the last row): dv = [4, -1/4, 6].
TEST(ScatterAddRow, LastRow) {
  OpCase c{{Shape{2, 3}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.scatterAddRow(v[0], v[1], 1); },
           {{"1", "2", "3", "4", "5", "6"}, {"1/2", "-1", "0"}},
           {"1", "2", "3", "9/2", "4", "6"},
           {"1", "2", "3", "4", "-1/4", "6"},
           {{"1", "2", "3", "4", "-1/4", "6"}, {"4", "-1/4", "6"}}};
  checkAllScalars(c);
}

TEST(ScatterAddRow, OutOfRangeIndexIsBuilderError) {
  for (int64_t index : {int64_t{2}, int64_t{-1}}) {
    Error e =
        buildError({Shape{2, 3}, Shape{3}}, [index](GraphBuilder& b, const std::vector<Var>& v) {
          b.scatterAddRow(v[0], v[1], index);
        });
    EXPECT_EQ(e.code, ErrorCode::IndexOutOfRange) << "index " << index << ": " << e.message;
  }
}

// ---- gradient routing through a gather feeding a scatter, over the same source

// y = scatterAddVec(x, gatherScalar(x, 0), 2) = [x0, x1, x2 + x0]; with x = [1/3, 5, 1] and
// δ = [1, 2, 3]: dx = δ (through x) + one-hot(0, δ[2]) (through the gather) = [4, 2, 3].
TEST(Indexing, GatherIntoScatterSumsBothPaths) {
  OpCase c{{Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) {
             b.scatterAddVec(v[0], b.gatherScalar(v[0], 0), 2);
           },
           {{"1/3", "5", "1"}},
           {"1/3", "5", "4/3"},
           {"1", "2", "3"},
           {{"4", "2", "3"}}};
  c.operandsAreInputs = false;
  checkCase<Rational>(c);
  c.inputs = {{"1/4", "5", "1"}};
  c.out = {"1/4", "5", "5/4"};
  checkCase<double>(c);
  checkCase<float>(c);
}

// ---- defensive dispatch

TEST(IndexingKernels, ForwardRefusesOtherFamiliesOps) {
  expectForwardRefusesForeignNode<double>(OpFamily::Indexing);
}

}  // namespace
}  // namespace verigrad
