// The Z3 translation agrees with the engine's evaluator (inferShape, evalRecipe) on every small
// case of every op, evaluated by substitution and simplification; and a disagreement is caught.
#include "verigrad/smt/faithfulness.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace verigrad::smt {
namespace {

class Faithfulness : public ::testing::TestWithParam<Op> {};

TEST_P(Faithfulness, TranslationAgreesWithTheEvaluatorOnAllSmallCases) {
  const FaithfulnessReport r = checkFaithfulness(GetParam(), FaithfulnessOptions{});
  std::cout << opName(GetParam()) << ": " << r.cases << " cases, " << r.accepted << " accepted, "
            << r.recipeChecks << " recipe results, " << r.mismatches << " mismatches, " << r.seconds
            << " s\n";
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_GT(r.cases, 0u);
  EXPECT_GT(r.accepted, 0u) << "no accepted case: the recipes were never compared";
  EXPECT_EQ(r.mismatches, 0u);
  for (const std::string& e : r.examples) ADD_FAILURE() << e;
}

INSTANTIATE_TEST_SUITE_P(EveryOp, Faithfulness,
                         ::testing::ValuesIn(allOps().begin(), allOps().end()),
                         [](const ::testing::TestParamInfo<Op>& info) {
                           return std::string(opName(info.param));
                         });

// The check can fail: the evaluator given a different row than the translation disagrees.
TEST(FaithfulnessCheck, CatchesADifferentRow) {
  Result<rules::ShapeRule> row = rules::parseRule("matmul", {}, "a[m,n] b[n,p] -> [n,m]");
  ASSERT_TRUE(row.ok()) << row.error().message;
  FaithfulnessOptions o;
  o.maxRank = 2;
  const FaithfulnessReport r = checkFaithfulness(Op::Matmul, o, &row.value());
  EXPECT_GT(r.mismatches, 0u);
  ASSERT_FALSE(r.examples.empty());
  EXPECT_NE(r.examples[0].find("forward: evaluator"), std::string::npos) << r.examples[0];
}

}  // namespace
}  // namespace verigrad::smt
