// Rules broken on purpose make the matching theorem fail with a concrete counterexample, and the
// reported shapes really do break the rule when the engine's evaluator runs it.
#include <gtest/gtest.h>

#include <iostream>
#include <regex>

#include "verigrad/smt/theorems.hpp"

namespace verigrad::smt {
namespace {

Theorem theorem(const std::string& name, std::optional<Op> op) {
  for (const Theorem& t : allTheorems()) {
    if (t.name == name && t.op == op) return t;
  }
  ADD_FAILURE() << "no theorem " << name;
  return {};
}

RuleOverride brokenRow(Op op, const char* text) {
  Result<rules::ShapeRule> row = rules::parseRule(opName(op), opInfo(op).attrs, text);
  EXPECT_TRUE(row.ok()) << row.error().message;
  return {op, row.ok() ? std::optional(row.value()) : std::nullopt, std::nullopt};
}

RuleOverride brokenRecipes(Op op, const char* text) {
  Result<std::vector<rules::Recipe>> recipes = rules::parseRecipes(op, text);
  EXPECT_TRUE(recipes.ok()) << recipes.error().message;
  return {op, std::nullopt, recipes.ok() ? std::optional(recipes.value()) : std::nullopt};
}

TheoremResult expectFailure(const std::string& name, std::optional<Op> op,
                            const RuleOverride* override, const Options& options = {}) {
  const TheoremResult r = runTheorem(theorem(name, op), options, override);
  std::cout << name << " " << (op ? opName(*op) : "-") << ": " << statusName(r.status) << ": "
            << r.counterexample << r.detail << "\n";
  EXPECT_EQ(r.status, TheoremStatus::Failed) << r.detail;
  EXPECT_FALSE(r.counterexample.empty());
  return r;
}

// "a = [1,2]" -> Shape{1,2}
Shape shapeNamed(const std::string& text, const std::string& name) {
  const std::regex pattern(name + R"( = \[([0-9,]*)\])");
  std::smatch m;
  if (!std::regex_search(text, m, pattern)) {
    ADD_FAILURE() << "no shape " << name << " in: " << text;
    return Shape{};
  }
  std::vector<int64_t> dims;
  const std::string list = m[1];
  for (size_t at = 0; at < list.size();) {
    const size_t comma = list.find(',', at);
    dims.push_back(std::stoll(list.substr(at, comma - at)));
    at = comma == std::string::npos ? list.size() : comma + 1;
  }
  return Shape::make(dims).value();
}

TEST(BrokenRules, MatmulOutputAsNMFailsVjpShape) {
  const RuleOverride o = brokenRow(Op::Matmul, "a[m,n] b[n,p] -> [n,m]");
  const TheoremResult r = expectFailure("vjp-shape", Op::Matmul, &o);
  EXPECT_NE(r.counterexample.find("expected"), std::string::npos);
  // With the reported a and b, the broken row's output fed to the table's recipe for a does not
  // give a's shape back.
  const Shape a = shapeNamed(r.counterexample, "a"), b = shapeNamed(r.counterexample, "b");
  const Shape operands[] = {a, b};
  const rules::RuleArgs args{operands, {}, 0, nullptr};
  const Result<Shape> out = rules::inferShapeWith(*o.row, {}, args, "", {});
  ASSERT_TRUE(out.ok()) << out.error().message;
  bool someRecipeBreaks = false;
  for (const rules::Recipe& recipe : rules::vjpRecipes(Op::Matmul)) {
    const Result<Shape> grad = rules::evalRecipe(Op::Matmul, recipe, args, out.value());
    someRecipeBreaks = someRecipeBreaks || !grad.ok() || grad.value() != operands[recipe.operand];
  }
  EXPECT_TRUE(someRecipeBreaks) << r.counterexample;
}

TEST(BrokenRules, RecipeReturningTheOutputShapeFailsVjpShape) {
  const RuleOverride o = brokenRecipes(Op::Matmul, "a: g; b: matmul(transpose2d(a), g)");
  const TheoremResult r = expectFailure("vjp-shape", Op::Matmul, &o);
  EXPECT_NE(r.counterexample.find("recipe `a: g` gives"), std::string::npos);
  const Shape a = shapeNamed(r.counterexample, "a"), b = shapeNamed(r.counterexample, "b");
  const Shape operands[] = {a, b};
  const rules::RuleArgs args{operands, {}, 0, nullptr};
  const Result<Shape> out = rules::inferShape(Op::Matmul, args, "", {});
  ASSERT_TRUE(out.ok()) << out.error().message;  // a real matmul the row accepts
  const Result<Shape> grad = rules::evalRecipe(Op::Matmul, (*o.recipes)[0], args, out.value());
  ASSERT_TRUE(grad.ok());
  EXPECT_NE(grad.value(), a) << "the engine's evaluator agrees the recipe is wrong there";
}

TEST(BrokenRules, AMissingRecipeFailsVjpShape) {
  const RuleOverride o = brokenRecipes(Op::Matmul, "a: matmul(g, transpose2d(b))");
  const TheoremResult r = expectFailure("vjp-shape", Op::Matmul, &o);
  EXPECT_NE(r.counterexample.find("operand #1 has no VJP recipe"), std::string::npos);
}

TEST(BrokenRules, ReduceSumRecipeWithoutTheReshapeFails) {
  const RuleOverride o = brokenRecipes(Op::ReduceSum, "x: broadcastTo(g, shape=[*s])");
  const TheoremResult r = expectFailure("vjp-shape", Op::ReduceSum, &o);
  EXPECT_NE(r.counterexample.find("axis = "), std::string::npos);
}

TEST(BrokenRules, ANonInversePermutationFails) {
  const RuleOverride o = brokenRecipes(Op::Transpose3dFirstToLast, "x: transpose3dFirstToLast(g)");
  expectFailure("permutation", Op::Transpose3dFirstToLast, &o);
}

TEST(BrokenRules, ASliceThatMayRunPastTheEndFailsIndexBounds) {
  const RuleOverride o = brokenRow(
      Op::SliceRange0, "x[n,*s] -> [len, *s] where 0 <= start, 0 <= len, start + len <= n + 1");
  const TheoremResult r = expectFailure("index-bounds", Op::SliceRange0, &o);
  EXPECT_NE(r.counterexample.find("is outside"), std::string::npos);
}

TEST(BrokenRules, AnOutputThatCanOverflowFailsOutputNumel) {
  const RuleOverride o = brokenRow(Op::ConcatVectors, "a[n] b[m] -> [n * m * m * m * m]");
  expectFailure("output-numel", Op::ConcatVectors, &o);
}

TEST(BrokenRules, DimsUpTo65535OverflowNumelAtRankFour) {
  Options o;
  o.maxDim = 65535;
  const TheoremResult r = expectFailure("numel-bound", std::nullopt, nullptr, o);
  EXPECT_NE(r.counterexample.find("rank 4"), std::string::npos);
}

}  // namespace
}  // namespace verigrad::smt
