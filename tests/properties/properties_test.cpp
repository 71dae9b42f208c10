// The ten named properties under RapidCheck, one GoogleTest each (Properties.<id, '-' as '_'>),
// through the same adapter as `verigrad check`, so reproduce strings work in both. A failure
// prints the property's report: the mismatch, the graph as text and DOT, and the case file.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

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
