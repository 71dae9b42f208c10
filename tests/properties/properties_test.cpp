// The named properties under RapidCheck, one GoogleTest each (Properties.<id, '-' as '_'>),
// through the same adapter as `verigrad check`, so reproduce strings work in both. A failure
// prints the property's report: the mismatch, the graph as text and DOT, and the case file.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include "verigrad/plan.hpp"
#include "verigrad/props/case.hpp"
#include "verigrad/props/rapidcheck_adapter.hpp"

namespace verigrad::props {
namespace {

void check(std::string_view id) {
  const Property* p = findProperty(id);
  RC_ASSERT(p != nullptr);
  runUnderRapidCheck(*p);
}

RC_GTEST_PROP(Properties, layout, ()) { check("layout"); }
RC_GTEST_PROP(Properties, out_id, ()) { check("out-id"); }
RC_GTEST_PROP(Properties, forward_spec, ()) { check("forward-spec"); }
RC_GTEST_PROP(Properties, backward_spec, ()) { check("backward-spec"); }
RC_GTEST_PROP(Properties, vjp_linearity, ()) { check("vjp-linearity"); }
RC_GTEST_PROP(Properties, adjoint, ()) { check("adjoint"); }
RC_GTEST_PROP(Properties, all_vs_from, ()) { check("all-vs-from"); }
RC_GTEST_PROP(Properties, bad_input, ()) { check("bad-input"); }
RC_GTEST_PROP(Properties, determinism, ()) { check("determinism"); }
RC_GTEST_PROP(Properties, float_local, ()) { check("float-local"); }
RC_GTEST_PROP(Properties, plan_reuse, ()) { check("plan-reuse"); }
RC_GTEST_PROP(Properties, compile_adopt, ()) { check("compile-adopt"); }

// A run of `plan-reuse` found this: inv(0) = inf, so inv's VJP gives 0·inf = NaN, and `sub x x`
// sums NaN and -NaN. Which NaN an add returns depends on the operand order the compiler picked
// (IEEE 754 leaves a NaN's sign unspecified); the plan's scalar steps and compile's loops got
// opposite signs. Both are NaN, which is all either can promise: the property accepts it.
TEST(PlanReuse, NaNGradientsOfEitherSignAgree) {
  Result<Case> c = parseCase(
      "input %0 : [1]\n%1 = abs(%0) : [1]\n%2 = sub(%1, %1) : [1]\n%3 = inv(%2) : [1]\n"
      "value %0 = [-1]\nseed %0 = [0]\nseed %1 = [0]\nseed %2 = [0]\nseed %3 = [0]\n"
      "seedb %3 = [0]\ntangent %0 = [0]\nout %3\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::vector<Tensor<double>> in{Tensor<double>::make(Shape{1}, {-1.0}).value()};
  const std::vector<Tensor<double>> seeds(4, Tensor<double>::make(Shape{1}, {0.0}).value());
  Compiled<double> fresh = compile<double>(c->graph, in).value();
  const Context<double> freshGrads = fresh.tape().backwardDenseFrom(seeds).value();
  Plan<double> plan = Plan<double>::make(c->graph).value();
  ASSERT_TRUE(plan.forward(in).ok());
  ASSERT_TRUE(plan.backwardDenseFrom(seeds).ok());
  for (size_t id = 0; id < 3; ++id) {
    EXPECT_TRUE(std::isnan(plan.gradients()[id][0])) << "%" << id;
    EXPECT_TRUE(std::isnan(freshGrads[id][0])) << "%" << id;
  }
  const Property* p = findProperty("plan-reuse");
  ASSERT_NE(p, nullptr);
  const Outcome o = p->check(c.value());
  EXPECT_EQ(o.status, Outcome::Status::Pass) << o.message;
}

// Every property of the table has its RC_GTEST_PROP above, under the id the CLI uses.
TEST(PropertyTable, EveryPropertyHasItsGoogleTest) {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  for (const Property& p : properties()) {
    bool found = false;
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
      const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
      for (int t = 0; t < suite.total_test_count(); ++t) {
        const ::testing::TestInfo& info = *suite.GetTestInfo(t);
        found = found ||
                std::string(info.test_suite_name()) + "/" + info.name() == rapidcheckTestId(p.id);
      }
    }
    EXPECT_TRUE(found) << "no GoogleTest " << rapidcheckTestId(p.id) << " for property " << p.id;
  }
}

TEST(PropertyTable, TheTwelveIdsInOrder) {
  std::vector<std::string> ids;
  for (const Property& p : properties()) {
    ids.emplace_back(p.id);
    EXPECT_FALSE(p.scalars.empty()) << p.id;
    EXPECT_FALSE(p.statement.empty()) << p.id;
    EXPECT_EQ(findProperty(p.id), &p);
  }
  EXPECT_EQ(
      ids, (std::vector<std::string>{"layout", "out-id", "forward-spec", "backward-spec",
                                     "vjp-linearity", "adjoint", "all-vs-from", "bad-input",
                                     "determinism", "float-local", "plan-reuse", "compile-adopt"}));
  EXPECT_EQ(findProperty("no-such-property"), nullptr);
  EXPECT_EQ(rapidcheckTestId("all-vs-from"), "Properties/all_vs_from");
}

}  // namespace
}  // namespace verigrad::props
