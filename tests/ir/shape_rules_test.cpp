// The shape-rule language: every row and recipe parses; each op accepts and rejects as its row
// says, with verifier-style messages; broadcasting; and every VJP recipe yields its operand's
// shape on all small shapes matching the op's signature (a wrong recipe is caught).
#include "verigrad/shape_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace verigrad::rules {
namespace {

constexpr int64_t kTwoTo62 = int64_t{1} << 62;

// One application of an op's row.
struct Example {
  Op op;
  std::vector<Shape> operands;
  std::vector<int64_t> ints = {};
  std::optional<Shape> target = std::nullopt;
  size_t numLiterals = 0;
};

// Operands are %1..%n and the node is %(n+1), as in "%3 = matmul(%1, %2)".
Result<Shape> infer(const Example& e) {
  std::vector<ValueId> ids;
  std::string text =
      "%" + std::to_string(e.operands.size() + 1) + " = " + std::string(opName(e.op)) + "(";
  for (size_t k = 0; k < e.operands.size(); ++k) {
    ids.push_back(static_cast<ValueId>(k + 1));
    text += (k ? ", %" : "%") + std::to_string(k + 1);
  }
  text += ")";
  const RuleArgs args{e.operands, e.ints, e.numLiterals, e.target ? &*e.target : nullptr};
  return inferShape(e.op, args, text, ids);
}

std::string describe(const Example& e) {
  std::string out = std::string(opName(e.op)) + " operands";
  for (const Shape& s : e.operands) out += " " + s.str();
  out += " ints [";
  for (int64_t i : e.ints) out += " " + std::to_string(i);
  out += " ]";
  if (e.target) out += " target " + e.target->str();
  return out;
}

void expectError(const Result<Shape>& r, ErrorCode code, const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "accepted with " << r.value().str() << "; expected: " << fragment;
  EXPECT_EQ(r.error().code, code) << errorCodeName(r.error().code) << ": " << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos)
      << "message: " << r.error().message << "\nexpected to contain: " << fragment;
  EXPECT_EQ(r.error().node, -1);
}

// ---- the table parses

TEST(ShapeRules, EveryRowAndRecipeParses) {
  const std::vector<std::string> errors = rowParseErrors();
  for (const std::string& e : errors) ADD_FAILURE() << e;
  EXPECT_TRUE(errors.empty());
  for (Op op : allOps()) {
    const ShapeRule& rule = shapeRule(op);
    EXPECT_EQ(rule.name, opName(op));
    EXPECT_EQ(rule.text, opInfo(op).shapeRule);
    EXPECT_EQ(rule.operands.size(), static_cast<size_t>(opInfo(op).arity)) << opName(op);
  }
  ASSERT_NE(helperRule("sumToShape"), nullptr);
  EXPECT_EQ(helperRule("noSuchRow"), nullptr);
}

// An op with gradient edges has exactly one recipe per operand; const and detach have none.
TEST(ShapeRules, RecipesCoverEveryGradientEdge) {
  for (Op op : allOps()) {
    const std::span<const Recipe> recipes = vjpRecipes(op);
    if (!opInfo(op).hasGradientEdges) {
      EXPECT_TRUE(recipes.empty()) << opName(op);
      continue;
    }
    ASSERT_EQ(recipes.size(), static_cast<size_t>(opInfo(op).arity)) << opName(op);
    std::vector<bool> seen(recipes.size(), false);
    for (const Recipe& r : recipes) {
      ASSERT_GE(r.operand, 0);
      ASSERT_LT(static_cast<size_t>(r.operand), seen.size());
      EXPECT_FALSE(seen[static_cast<size_t>(r.operand)]) << opName(op);
      seen[static_cast<size_t>(r.operand)] = true;
    }
  }
}

// The printer gives back each recipe as ops.def writes it, so messages quote the table itself.
TEST(ShapeRules, RecipesPrintBackAsWritten) {
  for (Op op : allOps()) {
    for (const Recipe& r : vjpRecipes(op)) {
      const std::string operand = shapeRule(op).operands[static_cast<size_t>(r.operand)].name;
      EXPECT_EQ(r.text, operand + ": " + recipeText(*r.expr)) << opName(op);
    }
  }
}

// ---- every op accepts and rejects as its row says

struct Accepted {
  Example example;
  Shape expected;
};

struct Rejected {
  Example example;
  ErrorCode code;
  std::string fragment;
};

const std::vector<Accepted>& acceptedExamples() {
  static const std::vector<Accepted> examples = {
      {{Op::Const, {}, {}, Shape{2, 3}, 6}, Shape{2, 3}},
      {{Op::Detach, {Shape{2, 3}}}, Shape{2, 3}},
      {{Op::Add, {Shape{2, 3}, Shape{2, 3}}}, Shape{2, 3}},
      {{Op::Sub, {Shape{}, Shape{}}}, Shape{}},
      {{Op::Mul, {Shape{0, 4}, Shape{0, 4}}}, Shape{0, 4}},
      {{Op::Div, {Shape{5}, Shape{5}}}, Shape{5}},
      {{Op::Square, {Shape{3}}}, Shape{3}},
      {{Op::Scale, {Shape{2, 1}}, {}, std::nullopt, 1}, Shape{2, 1}},
      {{Op::Max, {Shape{1, 2, 3}, Shape{1, 2, 3}}}, Shape{1, 2, 3}},
      {{Op::Min, {Shape{7}, Shape{7}}}, Shape{7}},
      {{Op::Abs, {Shape{}}}, Shape{}},
      {{Op::Clamp, {Shape{4}}, {}, std::nullopt, 2}, Shape{4}},
      {{Op::Relu, {Shape{2, 2}}}, Shape{2, 2}},
      {{Op::Inv, {Shape{3}}}, Shape{3}},
      {{Op::Sum, {Shape{2, 3}}}, Shape{}},
      {{Op::ReduceSum, {Shape{2, 5}}, {1}}, Shape{2}},
      {{Op::ReduceSum, {Shape{0, 5}}, {0}}, Shape{5}},  // sum over a zero-length axis is fine
      {{Op::ReduceMean, {Shape{2, 5}}, {0}}, Shape{5}},
      {{Op::MseLoss, {Shape{2, 3}, Shape{2, 3}}}, Shape{}},
      {{Op::Linear, {Shape{3, 2}, Shape{3}, Shape{2}}}, Shape{3}},
      {{Op::Matmul, {Shape{2, 3}, Shape{3, 4}}}, Shape{2, 4}},
      {{Op::Bmm, {Shape{2, 3, 4}, Shape{2, 4, 5}}}, Shape{2, 3, 5}},
      {{Op::Flatten, {Shape{2, 3, 4}}}, Shape{24}},
      {{Op::Flatten, {Shape{}}}, Shape{1}},
      {{Op::Reshape, {Shape{2, 3}}, {}, Shape{3, 2}}, Shape{3, 2}},
      {{Op::Transpose2d, {Shape{2, 3}}}, Shape{3, 2}},
      {{Op::Transpose3dFirstToLast, {Shape{2, 3, 4}}}, Shape{3, 4, 2}},
      {{Op::Transpose3dLastToFirst, {Shape{2, 3, 4}}}, Shape{4, 2, 3}},
      {{Op::Transpose3dLastTwo, {Shape{2, 3, 4}}}, Shape{2, 4, 3}},
      {{Op::SwapAdjacentAtDepth, {Shape{2, 3, 4}}, {1}}, Shape{2, 4, 3}},
      {{Op::BroadcastTo, {Shape{3}}, {}, Shape{2, 3}}, Shape{2, 3}},
      {{Op::ConcatVectors, {Shape{2}, Shape{3}}}, Shape{5}},
      {{Op::ConcatDim0, {Shape{2, 3}, Shape{4, 3}}}, Shape{6, 3}},
      {{Op::SliceRange0, {Shape{5, 2}}, {1, 3}}, Shape{3, 2}},
      {{Op::SliceRange0, {Shape{5}}, {5, 0}}, Shape{0}},
      {{Op::GatherScalar, {Shape{4}}, {3}}, Shape{}},
      {{Op::GatherRow, {Shape{3, 2}}, {0}}, Shape{2}},
      {{Op::GatherScalarNat, {Shape{4}}, {9}}, Shape{}},  // >= n reads 0: not an error
      {{Op::GatherVecNat, {Shape{4}}, {0, 5, 5}}, Shape{3}},
      {{Op::GatherRowsNat, {Shape{3, 2}}, {2, 0}}, Shape{2, 2}},
      {{Op::GatherRowsNat, {Shape{3, 2}}, {}}, Shape{0, 2}},
      {{Op::ScatterAddVec, {Shape{4}, Shape{}}, {2}}, Shape{4}},
      {{Op::ScatterAddRow, {Shape{3, 2}, Shape{2}}, {2}}, Shape{3, 2}},
      {{Op::Sqrt, {Shape{2, 3}}}, Shape{2, 3}},
      {{Op::Sigmoid, {Shape{}}}, Shape{}},
      {{Op::Tanh, {Shape{0}}}, Shape{0}},
      {{Op::Softplus, {Shape{4}}}, Shape{4}},
      {{Op::Exp, {Shape{1, 1, 1}}}, Shape{1, 1, 1}},
      {{Op::Log, {Shape{3}}}, Shape{3}},
      {{Op::SafeLog, {Shape{2}}, {}, std::nullopt, 1}, Shape{2}},
      {{Op::Softmax, {Shape{2, 0}}}, Shape{2, 0}},  // an empty last axis is a legal shape
      {{Op::Softmax, {Shape{}}}, Shape{}},
      {{Op::LogSoftmax, {Shape{2, 3, 4}}}, Shape{2, 3, 4}},
      {{Op::LayerNorm, {Shape{2, 3}, Shape{3}, Shape{3}}, {}, std::nullopt, 1}, Shape{2, 3}},
  };
  return examples;
}

const std::vector<Rejected>& rejectedExamples() {
  using enum ErrorCode;
  static const std::vector<Rejected> examples = {
      {{Op::Const, {}, {}, std::nullopt, 0}, InvalidArgument, "const needs a target shape"},
      {{Op::Detach, {Shape{2}, Shape{2}}}, InvalidArgument, "detach takes 1 operand(s), got 2"},
      {{Op::Add, {Shape{2, 3}, Shape{3, 2}}},
       ShapeMismatch,
       "'%3 = add(%1, %2)': operand #1 (%2) has shape [3,2], expected [2,3] "
       "(pack s = [2,3] from operand #0 (%1) [2,3])"},
      {{Op::Sub, {Shape{2}, Shape{}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [], expected [2] (pack s = [2] from operand #0 (%1) [2])"},
      {{Op::Mul, {Shape{4}, Shape{5}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [5], expected [4]"},
      {{Op::Div, {Shape{4, 1}, Shape{4}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [4], expected [4,1]"},
      {{Op::Square, {}}, InvalidArgument, "square takes 1 operand(s), got 0"},
      {{Op::Scale, {Shape{2}, Shape{2}}, {}, std::nullopt, 1},
       InvalidArgument,
       "scale takes 1 operand(s), got 2"},
      {{Op::Max, {Shape{2}, Shape{2, 2}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [2,2], expected [2]"},
      {{Op::Min, {Shape{1}, Shape{}}}, ShapeMismatch, "operand #1 (%2) has shape [], expected [1]"},
      {{Op::Abs, {}}, InvalidArgument, "abs takes 1 operand(s), got 0"},
      {{Op::Clamp, {Shape{2}, Shape{2}}, {}, std::nullopt, 2},
       InvalidArgument,
       "clamp takes 1 operand(s), got 2"},
      {{Op::Relu, {}}, InvalidArgument, "relu takes 1 operand(s), got 0"},
      {{Op::Inv, {Shape{1}, Shape{1}}}, InvalidArgument, "inv takes 1 operand(s), got 2"},
      {{Op::Sum, {}}, InvalidArgument, "sum takes 1 operand(s), got 0"},
      {{Op::ReduceSum, {Shape{2, 5}}, {3}},
       InvalidArgument,
       "'%2 = reduceSum(%1)': constraint `axis < rank(s)` fails: axis = 3, rank(s) = 2 "
       "(operand #0 (%1) has shape [2,5])"},
      {{Op::ReduceSum, {Shape{2, 5}}, {-1}},
       InvalidArgument,
       "constraint `0 <= axis` fails: axis = -1 (operand #0 (%1) has shape [2,5])"},
      {{Op::ReduceMean, {Shape{2, 0}}, {1}},
       InvalidArgument,
       "constraint `0 < s[axis]` fails: s[axis] = 0 (operand #0 (%1) has shape [2,0])"},
      {{Op::MseLoss, {Shape{0}, Shape{0}}},
       ShapeMismatch,
       "constraint `0 < numel(s)` fails: numel(s) = 0 (operand #0 (%1) has shape [0])"},
      {{Op::Linear, {Shape{3, 2}, Shape{3}, Shape{4}}},
       ShapeMismatch,
       "operand #2 (%3) has shape [4], expected [2] (dim i = 2 from operand #0 (%1) [3,2])"},
      {{Op::Matmul, {Shape{2, 3}, Shape{4, 2}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [4,2], expected [3,*] (dim n = 3 from operand #0 (%1) [2,3])"},
      {{Op::Bmm, {Shape{2, 3, 4}, Shape{3, 4, 5}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [3,4,5], expected [2,4,*] "
       "(dim B = 2 from operand #0 (%1) [2,3,4])"},
      {{Op::Flatten, {}}, InvalidArgument, "flatten takes 1 operand(s), got 0"},
      {{Op::Reshape, {Shape{2, 3}}, {}, Shape{5}},
       ShapeMismatch,
       "constraint `numel(s) == numel(@shape)` fails: numel(s) = 6, numel(@shape) = 5 "
       "(operand #0 (%1) has shape [2,3], target shape [5])"},
      {{Op::Transpose2d, {Shape{2, 3, 4}}},
       ShapeMismatch,
       "operand #0 (%1) has shape [2,3,4], expected rank 2 [m,n]"},
      {{Op::Transpose3dFirstToLast, {Shape{2, 3}}},
       ShapeMismatch,
       "operand #0 (%1) has shape [2,3], expected rank 3 [a,b,c]"},
      {{Op::Transpose3dLastToFirst, {Shape{}}},
       ShapeMismatch,
       "operand #0 (%1) has shape [], expected rank 3 [a,b,c]"},
      {{Op::Transpose3dLastTwo, {Shape{1, 2, 3, 4}}},
       ShapeMismatch,
       "operand #0 (%1) has shape [1,2,3,4], expected rank 3 [a,b,c]"},
      {{Op::SwapAdjacentAtDepth, {Shape{2, 3, 4}}, {2}},
       InvalidArgument,
       "constraint `d + 1 < rank(s)` fails: d + 1 = 3, rank(s) = 3 "
       "(operand #0 (%1) has shape [2,3,4])"},
      {{Op::BroadcastTo, {Shape{3}}, {}, Shape{3, 2}},
       ShapeMismatch,
       "constraint `broadcastable(s, @shape)` fails: [3] does not broadcast to [3,2]: dim 0 is "
       "3, target dim 1 is 2 (operand #0 (%1) has shape [3], target shape [3,2])"},
      {{Op::ConcatVectors, {Shape{2}, Shape{3, 1}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [3,1], expected rank 1 [m]"},
      {{Op::ConcatDim0, {Shape{2, 3}, Shape{4, 5}}},
       ShapeMismatch,
       // m = 4 is known once the operand's first dim is read.
       "operand #1 (%2) has shape [4,5], expected [4,3] (pack s = [3] from operand #0 (%1) "
       "[2,3])"},
      {{Op::ConcatDim0, {Shape{2, 3}, Shape{}}},
       ShapeMismatch,
       "operand #1 (%2) has shape [], expected rank >= 1 [m,*s]"},
      {{Op::SliceRange0, {Shape{5, 2}}, {3, 3}},
       IndexOutOfRange,
       "constraint `start + len <= n` fails: start + len = 6, n = 5 "
       "(operand #0 (%1) has shape [5,2])"},
      {{Op::SliceRange0, {Shape{5}}, {0, -1}}, IndexOutOfRange, "`0 <= len` fails: len = -1"},
      {{Op::GatherScalar, {Shape{4}}, {4}},
       IndexOutOfRange,
       "constraint `index < n` fails: index = 4, n = 4 (operand #0 (%1) has shape [4])"},
      {{Op::GatherRow, {Shape{3, 2}}, {-1}},
       IndexOutOfRange,
       "constraint `0 <= index` fails: index = -1 (operand #0 (%1) has shape [3,2])"},
      {{Op::GatherScalarNat, {Shape{4}}, {-1}},
       IndexOutOfRange,
       "constraint `0 <= index` fails: index = -1 (operand #0 (%1) has shape [4])"},
      {{Op::GatherVecNat, {Shape{4}}, {1, -2}},
       IndexOutOfRange,
       "constraint `nonneg(indices)` fails: indices[1] = -2 (operand #0 (%1) has shape [4])"},
      {{Op::GatherRowsNat, {Shape{3}}, {0}},
       ShapeMismatch,
       "operand #0 (%1) has shape [3], expected rank 2 [r,c]"},
      {{Op::ScatterAddVec, {Shape{4}, Shape{1}}, {0}},
       ShapeMismatch,
       "operand #1 (%2) has shape [1], expected rank 0 []"},
      {{Op::ScatterAddRow, {Shape{3, 2}, Shape{3}}, {0}},
       ShapeMismatch,
       "operand #1 (%2) has shape [3], expected [2] (dim c = 2 from operand #0 (%1) [3,2])"},
      {{Op::ScatterAddRow, {Shape{3, 2}, Shape{2}}, {3}},
       IndexOutOfRange,
       "constraint `index < r` fails: index = 3, r = 3 (operand #0 (%1) has shape [3,2])"},
      {{Op::Sqrt, {}}, InvalidArgument, "sqrt takes 1 operand(s), got 0"},
      {{Op::Sigmoid, {Shape{2}, Shape{2}}}, InvalidArgument, "sigmoid takes 1 operand(s), got 2"},
      {{Op::Tanh, {}}, InvalidArgument, "tanh takes 1 operand(s), got 0"},
      {{Op::Softplus, {Shape{1}, Shape{1}}}, InvalidArgument, "softplus takes 1 operand(s), got 2"},
      {{Op::Exp, {}}, InvalidArgument, "exp takes 1 operand(s), got 0"},
      {{Op::Log, {Shape{3}, Shape{3}}}, InvalidArgument, "log takes 1 operand(s), got 2"},
      {{Op::SafeLog, {}, {}, std::nullopt, 1},
       InvalidArgument,
       "safeLog takes 1 operand(s), got 0"},
      {{Op::Softmax, {}}, InvalidArgument, "softmax takes 1 operand(s), got 0"},
      {{Op::LogSoftmax, {Shape{2}, Shape{2}}},
       InvalidArgument,
       "logSoftmax takes 1 operand(s), got 2"},
      {{Op::LayerNorm, {Shape{2, 3}, Shape{4}, Shape{3}}, {}, std::nullopt, 1},
       ShapeMismatch,
       "'%4 = layerNorm(%1, %2, %3)': operand #1 (%2) has shape [4], expected [3] (dim E = 3 "
       "from operand #0 (%1) [2,3])"},
      {{Op::LayerNorm, {Shape{2, 3, 1}, Shape{3}, Shape{3}}, {}, std::nullopt, 1},
       ShapeMismatch,
       "operand #0 (%1) has shape [2,3,1], expected rank 2 [L,E]"},
      {{Op::LayerNorm, {Shape{0, 3}, Shape{3}, Shape{3}}, {}, std::nullopt, 1},
       ShapeMismatch,
       "constraint `0 < L` fails: L = 0"},
      {{Op::LayerNorm, {Shape{2, 0}, Shape{0}, Shape{0}}, {}, std::nullopt, 1},
       ShapeMismatch,
       "constraint `0 < E` fails: E = 0"},
  };
  return examples;
}

TEST(ShapeRules, AcceptedExamples) {
  for (const Accepted& a : acceptedExamples()) {
    Result<Shape> r = infer(a.example);
    ASSERT_TRUE(r.ok()) << describe(a.example) << ": " << r.error().message;
    EXPECT_EQ(r.value(), a.expected) << describe(a.example);
  }
}

TEST(ShapeRules, RejectedExamples) {
  for (const Rejected& x : rejectedExamples()) {
    SCOPED_TRACE(describe(x.example));
    expectError(infer(x.example), x.code, x.fragment);
  }
}

TEST(ShapeRules, EveryOpHasAnAcceptedAndARejectedExample) {
  EXPECT_EQ(allOps().size(), 49u);
  for (Op op : allOps()) {
    bool accepted = false, rejected = false;
    for (const Accepted& a : acceptedExamples()) accepted = accepted || a.example.op == op;
    for (const Rejected& x : rejectedExamples()) rejected = rejected || x.example.op == op;
    EXPECT_TRUE(accepted) << opName(op);
    EXPECT_TRUE(rejected) << opName(op);
  }
}

// ---- the verifier-style messages of the brief, verbatim

Result<Shape> matmulNode(const Shape& a, const Shape& b) {
  const Shape operands[] = {a, b};
  const ValueId ids[] = {2, 3};
  return inferShape(Op::Matmul, RuleArgs{operands, {}, 0, nullptr}, "%4 = matmul(%2, %3)", ids);
}

TEST(ShapeRules, MatmulMessagesAreExact) {
  Result<Shape> inner = matmulNode(Shape{2, 3}, Shape{4, 2});
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(inner.error().message,
            "'%4 = matmul(%2, %3)': operand #1 (%3) has shape [4,2], expected [3,*] (dim n = 3 "
            "from operand #0 (%2) [2,3])");
  Result<Shape> rank = matmulNode(Shape{2, 3, 4}, Shape{4, 2});
  ASSERT_FALSE(rank.ok());
  EXPECT_EQ(rank.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(rank.error().message,
            "'%4 = matmul(%2, %3)': operand #0 (%2) has shape [2,3,4], expected rank 2 [m,n]");
}

TEST(ShapeRules, ReduceSumAxisMessageIsExact) {
  const Shape operands[] = {Shape{2, 5}};
  const int64_t axis[] = {3};
  const ValueId ids[] = {4};
  Result<Shape> r = inferShape(Op::ReduceSum, RuleArgs{operands, axis, 0, nullptr},
                               "%5 = reduceSum(%4) {axis = 3}", ids);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().message,
            "'%5 = reduceSum(%4) {axis = 3}': constraint `axis < rank(s)` fails: axis = 3, "
            "rank(s) = 2 (operand #0 (%4) has shape [2,5])");
}

// ---- broadcasting: right-aligned NumPy/PyTorch expand

Result<Shape> broadcast(const Shape& from, const Shape& to) {
  return infer({Op::BroadcastTo, {from}, {}, to});
}

TEST(ShapeRules, BroadcastableIsRightAlignedExpand) {
  EXPECT_EQ(broadcast(Shape{3}, Shape{2, 3}).value(), (Shape{2, 3}));
  EXPECT_EQ(broadcast(Shape{1}, Shape{0}).value(), (Shape{0}));  // 1 -> 0 is allowed
  EXPECT_EQ(broadcast(Shape{}, Shape{2, 3}).value(), (Shape{2, 3}));
  EXPECT_EQ(broadcast(Shape{2, 1}, Shape{4, 2, 5}).value(), (Shape{4, 2, 5}));
  EXPECT_EQ(broadcast(Shape{0, 3}, Shape{0, 3}).value(), (Shape{0, 3}));
  expectError(broadcast(Shape{3}, Shape{3, 2}), ErrorCode::ShapeMismatch,
              "[3] does not broadcast to [3,2]: dim 0 is 3, target dim 1 is 2");
  expectError(broadcast(Shape{2}, Shape{}), ErrorCode::ShapeMismatch,
              "[2] does not broadcast to []: rank 1 > rank 0");
  expectError(broadcast(Shape{0}, Shape{1}), ErrorCode::ShapeMismatch,
              "dim 0 is 0, target dim 0 is 1");  // 0 -> 1 is not an expand
}

// ---- overflow: numel beyond 2^62 and int64 arithmetic are errors, never wrapped

TEST(ShapeRules, OverflowIsAnError) {
  // n + m = 2^63 does not fit in int64.
  expectError(infer({Op::ConcatVectors, {Shape{kTwoTo62}, Shape{kTwoTo62}}}), ErrorCode::Overflow,
              "`n + m` overflows int64");
  // 2^62 + 1 elements: fits in int64 but exceeds the numel bound.
  expectError(infer({Op::ConcatVectors, {Shape{kTwoTo62}, Shape{1}}}), ErrorCode::Overflow,
              "more than 2^62 elements");
  EXPECT_EQ(infer({Op::ConcatVectors, {Shape{kTwoTo62 - 1}, Shape{1}}}).value(), (Shape{kTwoTo62}));
  // Shape{...} does not check numel; a target of 2^64 elements is caught by the row.
  const int64_t big = int64_t{1} << 31;
  expectError(infer({Op::BroadcastTo, {Shape{big, big}}, {}, Shape{4, big, big}}),
              ErrorCode::Overflow, "2^62");
  expectError(infer({Op::Reshape, {Shape{2}}, {}, Shape{8, big, big}}), ErrorCode::Overflow,
              "2^62");
  expectError(infer({Op::SliceRange0, {Shape{5}}, {INT64_MAX, 2}}), ErrorCode::Overflow,
              "`start + len` overflows int64");
}

// ---- the grammar: rows not in ops.def, through the same evaluator

Result<Shape> evalRow(std::string_view text, std::vector<Shape> operands,
                      std::vector<int64_t> ints = {}, std::span<const AttrSpec> attrs = {}) {
  Result<ShapeRule> rule = parseRule("test", attrs, text);
  if (!rule.ok()) return rule.error();
  std::vector<ValueId> ids;
  for (size_t k = 0; k < operands.size(); ++k) ids.push_back(static_cast<ValueId>(k + 1));
  return inferShapeWith(rule.value(), attrs, RuleArgs{operands, ints, 0, nullptr}, "%9 = test",
                        ids);
}

TEST(ShapeRules, FloorDivisionIfThenElseAndPackFunctions) {
  const char* row = "x[n,m] -> [n / m, if n < m then m - n else n - m]";
  EXPECT_EQ(evalRow(row, {Shape{7, 2}}).value(), (Shape{3, 5}));
  EXPECT_EQ(evalRow(row, {Shape{2, 7}}).value(), (Shape{0, 5}));
  expectError(evalRow(row, {Shape{7, 0}}), ErrorCode::ShapeMismatch,
              "'%9 = test': output [n / m, if n < m then m - n else n - m]: division by zero in "
              "`n / m` (operand #0 (%1) has shape [7,0])");
  // Floor division rounds toward minus infinity: (0 - 5) / 2 = -3, not -2.
  EXPECT_EQ(evalRow("x[n] -> [(n - 5) / 2 + 3]", {Shape{0}}).value(), (Shape{0}));
  expectError(evalRow("x[n] -> [n - 5]", {Shape{2}}), ErrorCode::ShapeMismatch,
              "dim `n - 5` = -3 is negative");
  // Only the chosen branch is evaluated: no division by zero when m == 0.
  EXPECT_EQ(evalRow("x[n,m] -> [if m == 0 then 0 else n / m]", {Shape{5, 0}}).value(), (Shape{0}));
  const char* packs = "x[*s] -> [rank(s), numel(s), s[0], s[rank(s) - 1]]";
  EXPECT_EQ(evalRow(packs, {Shape{2, 3, 4}}).value(), (Shape{3, 24, 2, 4}));
  expectError(evalRow(packs, {Shape{}}), ErrorCode::ShapeMismatch,
              "`s[0]`: index 0 is outside s = []");
  EXPECT_EQ(evalRow("x[*s] -> setdim(s, 1, 7)", {Shape{2, 3, 4}}).value(), (Shape{2, 7, 4}));
  EXPECT_EQ(evalRow("x[*s] -> swap(s, 0)", {Shape{2, 3, 4}}).value(), (Shape{3, 2, 4}));
  EXPECT_EQ(evalRow("x[*s] -> drop(s, 2)", {Shape{2, 3, 4}}).value(), (Shape{2, 3}));
  expectError(evalRow("x[*s] -> swap(s, 0)", {Shape{2}}), ErrorCode::ShapeMismatch,
              "`swap(s, 0)`: axis 0 is out of range for s = [2]");
  const int64_t big = int64_t{1} << 30;
  expectError(evalRow("x[n] -> [n * n * n]", {Shape{big}}), ErrorCode::Overflow,
              "`n * n * n` overflows int64");
  expectError(evalRow("x[n] -> [n, n, 5]", {Shape{big}}), ErrorCode::Overflow,
              "more than 2^62 elements");
  expectError(evalRow("x[*s] -> [*s, *s, *s]", {Shape{1, 2, 3}}), ErrorCode::ShapeMismatch,
              "more than 8 dims");
  // A dim bound twice in one pattern must agree with itself.
  expectError(evalRow("x[n,n] -> [n]", {Shape{2, 3}}), ErrorCode::ShapeMismatch,
              "operand #0 (%1) has shape [2,3], expected [2,2] (dim n = 2 from operand #0 (%1) "
              "[2,3])");
}

TEST(ShapeRules, AttributesAreLookedUpByName) {
  const AttrSpec attrs[] = {{"k", AttrKind::Int}, {"j", AttrKind::Int}};
  EXPECT_EQ(evalRow("x[n] -> [n + k, j] where k < j", {Shape{1}}, {2, 5}, attrs).value(),
            (Shape{3, 5}));
  expectError(evalRow("x[n] -> [n + k, j] where k < j", {Shape{1}}, {5, 2}, attrs),
              ErrorCode::ShapeMismatch, "constraint `k < j` fails: k = 5, j = 2 (operand #0");
  expectError(evalRow("x[n] -> [k]", {Shape{1}}, {2}, attrs), ErrorCode::InvalidArgument,
              "test takes 2 int attribute(s), got 1");
  const AttrSpec list[] = {{"idx", AttrKind::Ints}};
  EXPECT_EQ(
      evalRow("x[n] -> [count(idx)] where nonneg(idx)", {Shape{1}}, {0, 0, 0, 0}, list).value(),
      (Shape{4}));
}

TEST(ShapeRules, BadRowsAreParseErrors) {
  const AttrSpec attrs[] = {{"axis", AttrKind::Int}, {"idx", AttrKind::Ints}};
  const std::pair<const char*, const char*> bad[] = {
      {"x[n -> [n]", "expected ',' or ']'"},
      {"x[n] -> [m]", "unknown name `m`"},
      {"x[*s] -> [s]", "pack `s` is not a dim"},
      {"x[*s, *t] -> [*s]", "at most one pack"},
      {"x[n] y[*n] -> [n]", "bound both as a dim and as a pack"},
      {"x[n] x[m] -> [n]", "operand `x` appears twice"},
      {"x[axis] -> [axis]", "`axis` is an attribute"},
      {"x[n] -> [idx]", "attribute `idx` is a list"},
      {"x[n] -> [n] where n", "expected '==', '<=' or '<'"},
      {"x[n] -> [n] where n <= 99999999999999999999", "integer does not fit in int64"},
      {"x[n] -> [n] ; ", "expected `where`, ',' or the end of the row"},
      {"x[n] -> [n] where n > 0", "unexpected character '>'"},
      {"x[rank] -> []", "`rank` is reserved"},
      {"x[n] -> [count(axis)]", "expected an attribute of a fitting kind"},
      {"x[n] -> drop(n, 0)", "expected a pack"},
  };
  for (const auto& [text, fragment] : bad) {
    Result<ShapeRule> r = parseRule("test", attrs, text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::Parse);
    EXPECT_NE(r.error().message.find(fragment), std::string::npos)
        << r.error().message << "\nexpected to contain: " << fragment;
    EXPECT_NE(r.error().message.find("column "), std::string::npos) << r.error().message;
  }
  // Deep nesting is refused rather than recursing without bound.
  const std::string deep = "x[n] -> [" + std::string(200, '(') + "n" + std::string(200, ')') + "]";
  Result<ShapeRule> r = parseRule("test", attrs, deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nesting deeper than 64"), std::string::npos);
}

TEST(ShapeRules, BadRecipesAreParseErrors) {
  const std::pair<const char*, const char*> bad[] = {
      {"a: matmul(g)", "matmul takes 2 operand(s), got 1"},
      {"a: reshape(g)", "reshape needs shape="},
      {"a: sliceRange0(g, start=0)", "sliceRange0 needs len="},
      {"a: transpose2d(g, shape=[m, n])", "transpose2d takes no target shape"},
      {"a: sliceRange0(g, begin=0, len=n)", "sliceRange0 has no int attribute `begin`"},
      {"c: g", "expected an operand of matmul"},
      {"a: g; a: g", "operand has two recipes"},
      {"a: foo(g)", "no row named `foo`"},
      {"a: h", "`h` is neither g nor an operand of matmul"},
      {"a: sliceRange0(start=0, g, len=n)", "operand after a keyword"},
  };
  for (const auto& [text, fragment] : bad) {
    Result<std::vector<Recipe>> r = parseRecipes(Op::Matmul, text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::Parse);
    EXPECT_NE(r.error().message.find(fragment), std::string::npos)
        << r.error().message << "\nexpected to contain: " << fragment;
  }
}

TEST(ShapeRules, ExpressionsPrintCanonically) {
  Result<ShapeRule> r = parseRule(
      "test", {},
      "x[a,b,c] -> [(a + b) * c - (a - b), a - b - c, a / (b * c), (if a < b then a else b) + 1]");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(shapeText(r.value().output),
            "[(a + b) * c - (a - b), a - b - c, a / (b * c), (if a < b then a else b) + 1]");
}

// ---- faithfulness: every recipe yields its operand's shape on all small shapes

// Dim lists of rank 0..3 with entries from `values`.
std::vector<std::vector<int64_t>> smallLists(const std::vector<int64_t>& values) {
  std::vector<std::vector<int64_t>> out = {{}};
  for (size_t begin = 0, rank = 1; rank <= 3; ++rank) {
    const size_t end = out.size();
    for (size_t i = begin; i < end; ++i) {
      for (int64_t v : values) {
        std::vector<int64_t> longer = out[i];
        longer.push_back(v);
        out.push_back(std::move(longer));
      }
    }
    begin = end;
  }
  return out;
}

const std::vector<int64_t> kDims = {0, 1, 2, 3};
const std::vector<int64_t> kAttrValues = {-1, 0, 1, 2, 3, 4};

Shape shapeOf(const std::vector<int64_t>& dims) { return Shape::make(dims).value(); }

// Calls `visit` with every operand list matching the row's patterns: each dim name takes 0..3,
// each pack name every dim list of rank 0..3 with extents 0..3.
void forEachOperandList(const ShapeRule& rule,
                        const std::function<void(const std::vector<Shape>&)>& visit) {
  std::vector<std::string> dimNames, packNames;
  for (const OperandPattern& p : rule.operands) {
    for (const OperandPattern::Dim& d : p.dims) {
      std::vector<std::string>& names = d.isPack ? packNames : dimNames;
      if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
    }
  }
  const std::vector<std::vector<int64_t>> packValues = smallLists(kDims);
  std::vector<size_t> dimIndex(dimNames.size(), 0), packIndex(packNames.size(), 0);
  auto lookup = [](const std::vector<std::string>& names, const std::string& name) {
    return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  };
  while (true) {
    std::vector<Shape> operands;
    for (const OperandPattern& p : rule.operands) {
      std::vector<int64_t> dims;
      for (const OperandPattern::Dim& d : p.dims) {
        if (d.isPack) {
          const auto& pack = packValues[packIndex[lookup(packNames, d.name)]];
          dims.insert(dims.end(), pack.begin(), pack.end());
        } else {
          dims.push_back(kDims[dimIndex[lookup(dimNames, d.name)]]);
        }
      }
      operands.push_back(shapeOf(dims));
    }
    visit(operands);
    // Odometer over dims, then packs.
    size_t i = 0;
    for (; i < dimIndex.size(); ++i) {
      if (++dimIndex[i] < kDims.size()) break;
      dimIndex[i] = 0;
    }
    if (i < dimIndex.size()) continue;
    size_t j = 0;
    for (; j < packIndex.size(); ++j) {
      if (++packIndex[j] < packValues.size()) break;
      packIndex[j] = 0;
    }
    if (j == packIndex.size()) return;
  }
}

// Every int-attribute list the op takes: each Int attribute in -1..4, an Ints attribute every
// list of length 0..3 with entries in -1..4.
std::vector<std::vector<int64_t>> attrLists(Op op) {
  std::vector<std::vector<int64_t>> out = {{}};
  for (const AttrSpec& a : opInfo(op).attrs) {
    if (a.kind == AttrKind::Ints) return smallLists(kAttrValues);
    if (a.kind != AttrKind::Int) continue;
    std::vector<std::vector<int64_t>> longer;
    for (const auto& prefix : out) {
      for (int64_t v : kAttrValues) {
        longer.push_back(prefix);
        longer.back().push_back(v);
      }
    }
    out = std::move(longer);
  }
  return out;
}

size_t numLiteralsOf(Op op) {
  size_t n = 0;
  for (const AttrSpec& a : opInfo(op).attrs) n += a.kind == AttrKind::Lit ? 1 : 0;
  return n;
}

struct Faithfulness {
  int accepted = 0;  // operand/attribute/target combinations the forward row accepts
  int checked = 0;   // recipe evaluations on them
  int failures = 0;  // recipe results that are errors or differ from the operand's shape
  std::string firstFailure;
};

// Runs `recipes` (for op's operands) on every small case op's forward row accepts.
Faithfulness checkRecipes(Op op, std::span<const Recipe> recipes) {
  Faithfulness f;
  const ShapeRule& rule = shapeRule(op);
  std::vector<std::optional<Shape>> targets = {std::nullopt};
  if (opInfo(op).takesTargetShape) {
    targets.clear();
    for (const auto& dims : smallLists(kDims)) targets.push_back(shapeOf(dims));
  }
  const bool alwaysAccepts = rule.constraints.empty() && !opInfo(op).takesTargetShape;
  const std::vector<std::vector<int64_t>> allInts = attrLists(op);
  forEachOperandList(rule, [&](const std::vector<Shape>& operands) {
    for (const std::vector<int64_t>& ints : allInts) {
      for (const std::optional<Shape>& target : targets) {
        const Example e{op, operands, ints, target, numLiteralsOf(op)};
        Result<Shape> out = infer(e);
        if (!out.ok()) {
          if (alwaysAccepts) ADD_FAILURE() << describe(e) << ": " << out.error().message;
          continue;
        }
        ++f.accepted;
        const RuleArgs args{e.operands, e.ints, e.numLiterals, e.target ? &*e.target : nullptr};
        for (const Recipe& r : recipes) {
          ++f.checked;
          Result<Shape> grad = evalRecipe(op, r, args, out.value());
          const Shape& want = operands[static_cast<size_t>(r.operand)];
          if (grad.ok() && grad.value() == want) continue;
          if (f.failures++ == 0) {
            f.firstFailure = describe(e) + ", recipe `" + r.text + "`: " +
                             (grad.ok() ? "gave " + grad.value().str() + ", want " + want.str()
                                        : grad.error().message);
          }
        }
      }
    }
  });
  return f;
}

TEST(ShapeRules, EveryRecipeYieldsItsOperandsShapeOnAllSmallShapes) {
  for (Op op : allOps()) {
    if (!opInfo(op).hasGradientEdges) continue;
    const Faithfulness f = checkRecipes(op, vjpRecipes(op));
    EXPECT_GT(f.accepted, 0) << opName(op);
    EXPECT_EQ(f.checked, f.accepted * opInfo(op).arity) << opName(op);
    EXPECT_EQ(f.failures, 0) << opName(op) << ": " << f.firstFailure;
  }
}

// vjpShape is the table's recipe through the same evaluator; engine builds call it per node.
TEST(ShapeRules, VjpShapeUsesTheTablesRecipe) {
  const Shape operands[] = {Shape{2, 3}, Shape{3, 4}};
  const RuleArgs args{operands, {}, 0, nullptr};
  EXPECT_EQ(vjpShape(Op::Matmul, 0, args, Shape{2, 4}).value(), (Shape{2, 3}));
  EXPECT_EQ(vjpShape(Op::Matmul, 1, args, Shape{2, 4}).value(), (Shape{3, 4}));
  Result<Shape> bad = vjpShape(Op::Matmul, 0, args, Shape{2, 5});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(bad.error().message,
            "vjp recipe `a: matmul(g, transpose2d(b))` of matmul operand #0: 'matmul(g, "
            "transpose2d(b))': operand #1 (transpose2d(b)) has shape [4,3], expected [5,*] (dim "
            "n = 5 from operand #0 (g) [2,5])");
  expectError(vjpShape(Op::Matmul, 2, args, Shape{2, 4}), ErrorCode::InvalidArgument,
              "matmul has no operand #2");
  const Shape x[] = {Shape{2}};
  expectError(vjpShape(Op::Detach, 0, RuleArgs{x, {}, 0, nullptr}, Shape{2}),
              ErrorCode::InvalidArgument, "detach passes no gradient");
  // A node the forward row rejects has no recipe shape either.
  expectError(vjpShape(Op::Matmul, 0, RuleArgs{x, {}, 0, nullptr}, Shape{2}),
              ErrorCode::InvalidArgument, "the forward row rejects the node");
}

// The faithfulness check can fail: wrong recipes are caught on some small case.
TEST(ShapeRules, WrongRecipesAreCaught) {
  const std::pair<Op, const char*> wrong[] = {
      {Op::Matmul, "a: matmul(g, b)"},
      // Right only when axis = 0: broadcasting prepends the dropped axis.
      {Op::ReduceSum, "x: broadcastTo(g, shape=[*s])"},
      {Op::Transpose3dFirstToLast, "x: transpose3dFirstToLast(g)"},
      {Op::ConcatDim0, "a: sliceRange0(g, start=n, len=n)"},
      {Op::GatherRowsNat,
       "x: broadcastTo(reshape(reduceSum(g, axis=0), shape=[1, c]), "
       "shape=[count(indices), c])"},
  };
  for (const auto& [op, text] : wrong) {
    Result<std::vector<Recipe>> recipes = parseRecipes(op, text);
    ASSERT_TRUE(recipes.ok()) << recipes.error().message;
    const Faithfulness f = checkRecipes(op, recipes.value());
    EXPECT_GT(f.failures, 0) << opName(op) << ": `" << text << "` passed every case";
    EXPECT_LT(f.failures, f.checked) << text;  // and they are not wrong everywhere
  }
  // A hand-built AST: `x: g` for reduceSum yields the output's shape, never the operand's.
  RecipeExpr g;
  g.kind = RecipeExpr::Kind::Cotangent;
  g.name = "g";
  const Recipe identity{0, std::make_shared<const RecipeExpr>(g), "x: g"};
  const Faithfulness f = checkRecipes(Op::ReduceSum, std::span<const Recipe>(&identity, 1));
  EXPECT_GT(f.accepted, 0);
  EXPECT_EQ(f.failures, f.checked);
}

}  // namespace
}  // namespace verigrad::rules

namespace verigrad::rules {
namespace {

// The builder's fast path (hasSameShapeRule) answers exactly what the interpreter answers: same
// shape or same error message, for every op whose row it claims, over operand shapes that are
// equal, unequal, and of the wrong count.
TEST(ShapeRules, SameShapeFastPathAgreesWithTheInterpreter) {
  const std::vector<Shape> shapes = {Shape{},     Shape{0},    Shape{2},      Shape{3},
                                     Shape{2, 3}, Shape{3, 2}, Shape{1, 2, 3}};
  int claimed = 0, compared = 0;
  for (Op op : allOps()) {
    const ShapeRule& rule = shapeRule(op);
    EXPECT_EQ(hasSameShapeRule(op), isSameShapeRule(rule)) << opName(op);
    if (!hasSameShapeRule(op)) continue;
    ++claimed;
    const std::vector<int64_t> ints(static_cast<size_t>(std::max(opInfo(op).numInts, 0)), 0);
    for (size_t count = 1; count <= 3; ++count) {
      for (const Shape& a : shapes) {
        for (const Shape& b : shapes) {
          std::vector<Shape> operands(count, a);
          if (count > 1) operands.back() = b;
          const std::vector<ValueId> ids = {1, 2, 3};
          const RuleArgs args{operands, ints, static_cast<size_t>(std::max(opInfo(op).numLits, 0)),
                              nullptr};
          const std::span<const ValueId> idSpan(ids.data(), count);
          Result<Shape> fast = inferShape(op, args, "n", idSpan);
          Result<Shape> slow = inferShapeWith(rule, opInfo(op).attrs, args, "n", idSpan);
          ASSERT_EQ(fast.ok(), slow.ok()) << opName(op) << " with " << count << " operands";
          if (fast.ok()) {
            EXPECT_EQ(fast.value(), slow.value()) << opName(op);
          } else {
            EXPECT_EQ(fast.error().message, slow.error().message) << opName(op);
          }
          ++compared;
        }
      }
    }
  }
  // add, sub, mul, div, max, min (binary) and the unary elementwise and activation rows.
  EXPECT_GE(claimed, 20);
  std::printf("fast path claimed by %d ops, %d cases compared\n", claimed, compared);
}

}  // namespace
}  // namespace verigrad::rules
