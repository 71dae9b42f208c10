// The linalg family (linear, matmul, bmm): values and gradients against hand derivations, exactly,
// over the exact rational and (dyadic cases) over double and float through OpenBLAS.
#include "op_case.hpp"

namespace verigrad {
namespace {

using namespace testing;  // the op-case harness (op_case.hpp)

// ---- linear: w[o,i] b[o] x[i] -> [o]

// w = [[1, 2, -1], [1/2, 0, 3]], b = [1/5, -1], x = [2, -1, 1/3], δ = [1, -2]:
//   out = [(2 - 2 - 1/3) + 1/5, (1 + 0 + 1) - 1] = [-2/15, 1]
//   dw = outer(δ, x) = [[2, -1, 1/3], [-4, 2, -2/3]];  db = δ
//   dx_j = Σ_i δ_i W_ij = [1 - 1, 2 - 0, -1 - 6] = [0, 2, -7]
TEST(Linear, ExactValuesAndGradients) {
  OpCase c{{Shape{2, 3}, Shape{2}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.linear(v[0], v[1], v[2]); },
           {{"1", "2", "-1", "1/2", "0", "3"}, {"1/5", "-1"}, {"2", "-1", "1/3"}},
           {"-2/15", "1"},
           {"1", "-2"},
           {{"2", "-1", "1/3", "-4", "2", "-2/3"}, {"1", "-2"}, {"0", "2", "-7"}}};
  checkCase<Rational>(c);
}

// The same with b = [1/4, -1], x = [2, -1, 1/2]: out = [-1/2 + 1/4, (1 + 3/2) - 1] = [-1/4, 3/2];
// dw = [[2, -1, 1/2], [-4, 2, -1]]; db = δ; dx = [0, 2, -7].
TEST(Linear, DyadicDoubleAndFloat) {
  OpCase c{{Shape{2, 3}, Shape{2}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.linear(v[0], v[1], v[2]); },
           {{"1", "2", "-1", "1/2", "0", "3"}, {"1/4", "-1"}, {"2", "-1", "1/2"}},
           {"-1/4", "3/2"},
           {"1", "-2"},
           {{"2", "-1", "1/2", "-4", "2", "-1"}, {"1", "-2"}, {"0", "2", "-7"}}};
  checkAllScalars(c);
}

// i = 0: the mat-vec is the empty fold 0, so out = 0 + b = b; dw and dx are empty; db = δ.
TEST(Linear, ZeroInputFeatures) {
  OpCase c{{Shape{2, 0}, Shape{2}, Shape{0}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.linear(v[0], v[1], v[2]); },
           {{}, {"1/3", "-1/2"}, {}},
           {"1/3", "-1/2"},
           {"3", "-1/4"},
           {{}, {"3", "-1/4"}, {}}};
  checkCase<Rational>(c);
  c.inputs[1] = {"1/4", "-1/2"};
  c.out = {"1/4", "-1/2"};
  checkCase<double>(c);
  checkCase<float>(c);
}

// o = 0: the output is empty; dx_j = Σ over no rows = 0 (an Assign VJP must still write zeros).
TEST(Linear, ZeroOutputFeatures) {
  OpCase c{{Shape{0, 3}, Shape{0}, Shape{3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.linear(v[0], v[1], v[2]); },
           {{}, {}, {"1", "2", "3"}},
           {},
           {},
           {{}, {}, {"0", "0", "0"}}};
  checkAllScalars(c);
}

// ---- matmul: a[m,n] b[n,p] -> [m,p], non-square so that a transposed VJP would be caught

// A = [[1, 0, -1], [2, 1/2, 3]] (2x3), B = [[1, 2], [0, -1], [1/3, 1]] (3x2), δ = [[1, -1], [2,
// 1/2]]:
//   AB = [[1 - 1/3, 2 - 1], [2 + 1, 4 - 1/2 + 3]] = [[2/3, 1], [3, 13/2]]
//   dA = δ Bᵀ: row 0 = [1 - 2, 0 + 1, 1/3 - 1] = [-1, 1, -2/3]
//              row 1 = [2 + 1, 0 - 1/2, 2/3 + 1/2] = [3, -1/2, 7/6]
//   dB = Aᵀ δ: row 0 = [1 + 4, -1 + 1] = [5, 0]; row 1 = [0 + 1, 0 + 1/4] = [1, 1/4]
//              row 2 = [-1 + 6, 1 + 3/2] = [5, 5/2]
TEST(Matmul, ExactNonSquare) {
  OpCase c{{Shape{2, 3}, Shape{3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); },
           {{"1", "0", "-1", "2", "1/2", "3"}, {"1", "2", "0", "-1", "1/3", "1"}},
           {"2/3", "1", "3", "13/2"},
           {"1", "-1", "2", "1/2"},
           {{"-1", "1", "-2/3", "3", "-1/2", "7/6"}, {"5", "0", "1", "1/4", "5", "5/2"}}};
  checkCase<Rational>(c);
}

// The same with B[2][0] = 1/4: AB = [[3/4, 1], [11/4, 13/2]]; dA row 0 ends 1/4 - 1 = -3/4,
// row 1 ends 1/2 + 1/2 = 1; dB does not depend on B.
TEST(Matmul, DyadicNonSquareDoubleAndFloat) {
  OpCase c{{Shape{2, 3}, Shape{3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); },
           {{"1", "0", "-1", "2", "1/2", "3"}, {"1", "2", "0", "-1", "1/4", "1"}},
           {"3/4", "1", "11/4", "13/2"},
           {"1", "-1", "2", "1/2"},
           {{"-1", "1", "-3/4", "3", "-1/2", "1"}, {"5", "0", "1", "1/4", "5", "5/2"}}};
  checkAllScalars(c);
}

// [0,3] x [3,2] -> [0,2]: nothing to compute forward; dA is empty; dB = Aᵀδ sums over m = 0 rows,
// so it is the zero [3,2] matrix.
TEST(Matmul, ZeroRows) {
  OpCase c{{Shape{0, 3}, Shape{3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); },
           {{}, {"1", "2", "3", "4", "5", "6"}},
           {},
           {},
           {{}, {"0", "0", "0", "0", "0", "0"}}};
  checkAllScalars(c);
}

// [2,0] x [0,3] -> [2,3]: every element is the empty fold 0; dA and dB are empty.
TEST(Matmul, ZeroInnerDim) {
  OpCase c{{Shape{2, 0}, Shape{0, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); },
           {{}, {}},
           {"0", "0", "0", "0", "0", "0"},
           {"1", "2", "3", "4", "5", "1/2"},
           {{}, {}}};
  checkAllScalars(c);
}

// [2,3] x [3,0] -> [2,0]: dA = δ Bᵀ sums over p = 0 columns: the zero [2,3] matrix; dB is empty.
TEST(Matmul, ZeroColumns) {
  OpCase c{{Shape{2, 3}, Shape{3, 0}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); },
           {{"1", "2", "3", "4", "5", "6"}, {}},
           {},
           {},
           {{"0", "0", "0", "0", "0", "0"}, {}}};
  checkAllScalars(c);
}

// matmul(x, x) with x = [[1, 2], [3, 4]], δ = [[1, 0], [0, 0]]: x² = [[7, 10], [15, 22]];
// dx = δ xᵀ + xᵀ δ = [[1, 3], [0, 0]] + [[1, 0], [2, 0]] = [[2, 3], [2, 0]] (both operand
// contributions of the one parent are summed).
TEST(Matmul, SameOperandTwice) {
  OpCase c{{Shape{2, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[0]); },
           {{"1", "2", "3", "4"}},
           {"7", "10", "15", "22"},
           {"1", "0", "0", "0"},
           {{"2", "3", "2", "0"}}};
  c.operandsAreInputs = false;
  checkAllScalars(c);
}

// ---- bmm: a[B,m,n] b[B,n,p] -> [B,m,p], per batch as matmul (m = 1, n = 3, p = 2)

// Batch 0: a = [1, -1, 2], B = [[1, 0], [2, 1], [0, 1/3]], δ = [1, 3]
//   out = [1 - 2 + 0, 0 - 1 + 2/3] = [-1, -1/3]
//   da = δ Bᵀ = [1 + 0, 2 + 3, 0 + 1] = [1, 5, 1];  dB = aᵀ δ = [[1, 3], [-1, -3], [2, 6]]
// Batch 1: a = [1/2, 0, 1], B = [[2, -2], [5, 7], [1, 1]], δ = [-1, 2]
//   out = [1 + 0 + 1, -1 + 0 + 1] = [2, 0]
//   da = [-2 - 4, -5 + 14, -1 + 2] = [-6, 9, 1];  dB = [[-1/2, 1], [0, 0], [-1, 2]]
TEST(Bmm, ExactPerBatch) {
  OpCase c{{Shape{2, 1, 3}, Shape{2, 3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.bmm(v[0], v[1]); },
           {{"1", "-1", "2", "1/2", "0", "1"},
            {"1", "0", "2", "1", "0", "1/3", "2", "-2", "5", "7", "1", "1"}},
           {"-1", "-1/3", "2", "0"},
           {"1", "3", "-1", "2"},
           {{"1", "5", "1", "-6", "9", "1"},
            {"1", "3", "-1", "-3", "2", "6", "-1/2", "1", "0", "0", "-1", "2"}}};
  checkCase<Rational>(c);
}

// The same with batch 0's B[2][1] = 1/4: out[0][1] = -1 + 1/2 = -1/2; da[0][2] = 3/4.
TEST(Bmm, DyadicDoubleAndFloat) {
  OpCase c{{Shape{2, 1, 3}, Shape{2, 3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.bmm(v[0], v[1]); },
           {{"1", "-1", "2", "1/2", "0", "1"},
            {"1", "0", "2", "1", "0", "1/4", "2", "-2", "5", "7", "1", "1"}},
           {"-1", "-1/2", "2", "0"},
           {"1", "3", "-1", "2"},
           {{"1", "5", "3/4", "-6", "9", "1"},
            {"1", "3", "-1", "-3", "2", "6", "-1/2", "1", "0", "0", "-1", "2"}}};
  checkAllScalars(c);
}

// [2,1,0] x [2,0,2] -> [2,1,2]: the empty fold in every batch gives zeros; both gradients empty.
TEST(Bmm, ZeroInnerDim) {
  OpCase c{{Shape{2, 1, 0}, Shape{2, 0, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.bmm(v[0], v[1]); },
           {{}, {}},
           {"0", "0", "0", "0"},
           {"1", "2", "3", "4"},
           {{}, {}}};
  checkAllScalars(c);
}

// [0,2,3] x [0,3,2]: no batches at all.
TEST(Bmm, ZeroBatches) {
  OpCase c{{Shape{0, 2, 3}, Shape{0, 3, 2}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.bmm(v[0], v[1]); },
           {{}, {}},
           {},
           {},
           {{}, {}}};
  checkCase<Rational>(c);
  checkCase<double>(c);
}

// [2,2,1] x [2,1,3] -> [2,2,3] with m = 2, p = 3 (outer products); da sums over p, db over m:
// batch 0: a = [1, 2], b = [1, -1, 1/2]: out = [[1, -1, 1/2], [2, -2, 1]]
// batch 1: a = [0, -1], b = [4, 0, 2]:   out = [[0, 0, 0], [-4, 0, -2]]
// δ = ones everywhere except δ[1][1][2] = 2:
//   da0 = [1 - 1 + 1/2, same] = [1/2, 1/2];  da1 = [4 + 0 + 2, 4 + 0 + 4] = [6, 8]
//   db0 = [1 + 2, 1 + 2, 1 + 2] = [3, 3, 3];  db1 = [0 - 1, 0 - 1, 0 - 2] = [-1, -1, -2]
TEST(Bmm, OuterProductBatches) {
  OpCase c{{Shape{2, 2, 1}, Shape{2, 1, 3}},
           [](GraphBuilder& b, const std::vector<Var>& v) { b.bmm(v[0], v[1]); },
           {{"1", "2", "0", "-1"}, {"1", "-1", "1/2", "4", "0", "2"}},
           {"1", "-1", "1/2", "2", "-2", "1", "0", "0", "0", "-4", "0", "-2"},
           {"1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "2"},
           {{"1/2", "1/2", "6", "8"}, {"3", "3", "3", "-1", "-1", "-2"}}};
  checkAllScalars(c);
}

// ---- defensive dispatch

TEST(LinalgKernels, ForwardRefusesOtherFamiliesOps) {
  expectForwardRefusesForeignNode<double>(OpFamily::Linalg);
  expectForwardRefusesForeignNode<Rational>(OpFamily::Linalg);
}

TEST(LinalgShapes, MismatchedInnerDimsAreBuilderErrors) {
  Error e =
      testing::buildError({Shape{2, 3}, Shape{2, 2}},
                          [](GraphBuilder& b, const std::vector<Var>& v) { b.matmul(v[0], v[1]); });
  EXPECT_EQ(e.code, ErrorCode::ShapeMismatch) << e.message;
}

}  // namespace
}  // namespace verigrad
