// The properties on graphs with transcendental ops, which run at Interval: every property under
// RapidCheck on mixed cases (MixedCases.<id>), a hand-written mix of every transcendental op with
// rational ones that passes everywhere, a case whose enclosures are necessarily wide (counted
// inconclusive, neither a pass nor a failure), and the inconclusive budget of a default run.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <iostream>

#include "verigrad/exact.hpp"
#include "verigrad/oracle/compare_interval.hpp"
#include "verigrad/props/generators.hpp"
#include "verigrad/props/property.hpp"

namespace verigrad::props {
namespace {

// Every transcendental op beside rational ones: exp feeding log (a certainly positive operand),
// softmax and logSoftmax along rows, layerNorm into a matmul, tanh into relu, sqrt of softmax,
// sigmoid times softplus, safeLog with its own eps.
constexpr const char* kMixed =
    "input %0 : [2,3]\n"
    "input %1 : [3]\n"
    "input %2 : [3]\n"
    "input %3 : [3,2]\n"
    "%4 = exp(%0) : [2,3]\n"
    "%5 = log(%4) : [2,3]\n"
    "%6 = softmax(%0) : [2,3]\n"
    "%7 = layerNorm(%0, %1, %2) {eps = 1/1000000} : [2,3]\n"
    "%8 = matmul(%7, %3) : [2,2]\n"
    "%9 = tanh(%8) : [2,2]\n"
    "%10 = relu(%9) : [2,2]\n"
    "%11 = sqrt(%6) : [2,3]\n"
    "%12 = logSoftmax(%5) : [2,3]\n"
    "%13 = add(%11, %12) : [2,3]\n"
    "%14 = sigmoid(%1) : [3]\n"
    "%15 = softplus(%2) : [3]\n"
    "%16 = safeLog(%1) {eps = 1/1000} : [3]\n"
    "%17 = mul(%14, %15) : [3]\n"
    "%18 = add(%17, %16) : [3]\n"
    "%19 = sum(%13) : []\n"
    "%20 = sum(%10) : []\n"
    "%21 = add(%19, %20) : []\n"
    "value %0 = [1/2, -1, 0, 2, 1/3, -1/4]\n"
    "value %1 = [1, 1/2, -2]\n"
    "value %2 = [0, 1, -1/2]\n"
    "value %3 = [1, -1, 1/2, 2, 0, 3/4]\n"
    "seed %21 = [1]\n"
    "seed %18 = [1, -1, 1/2]\n"
    "seed %7 = [1, 0, -1, 1/3, 2, 0]\n"
    "seedb %21 = [-2]\n"
    "seedb %9 = [1, 1/2, 0, -1]\n"
    "tangent %0 = [1, 0, -1, 1/2, 0, 2]\n"
    "tangent %1 = [1, 1, -1/3]\n"
    "tangent %3 = [0, 1, 0, -1, 1/4, 0]\n"
    "coeff a = 3\n"
    "coeff b = -1/2\n"
    "out %18\n";

// exp(x) - exp(x) encloses 0 with a tiny width on both sides: sqrt's kink is undecidable there.
// sqrt(sqrt(.)) of it is [0, ~2^-63], wider than any acceptance width, and its derivative
// [0, +inf]: values and gradients are necessarily inconclusive, in the engine and the spec alike.
constexpr const char* kAmbiguous =
    "input %0 : [1]\n"
    "%1 = exp(%0) : [1]\n"
    "%2 = exp(%0) : [1]\n"
    "%3 = sub(%1, %2) : [1]\n"
    "%4 = sqrt(%3) : [1]\n"
    "%5 = sqrt(%4) : [1]\n"
    "%6 = sum(%5) : []\n"
    "value %0 = [1/2]\n"
    "seed %6 = [1]\n"
    "seedb %6 = [2]\n"
    "tangent %0 = [1]\n";

Case parsed(const char* text) {
  Result<Case> c = parseCase(text);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? c.value() : Case{};
}

TEST(MixedCase, EveryPropertyPassesAtInterval) {
  const Case c = parsed(kMixed);
  // No exact scalar computes it: whatever the value properties decided, they decided at Interval.
  Result<Compiled<Rational>> exact = compile<Rational>(c.graph, c.inputs);
  ASSERT_FALSE(exact.ok());
  EXPECT_EQ(exact.error().code, ErrorCode::Unsupported);
  EXPECT_NE(exact.error().message.find("exp cannot be computed exactly"), std::string::npos)
      << exact.error().message;
  for (const Property& p : properties()) {
    const Outcome o = p.check(c);
    EXPECT_EQ(o.status, Outcome::Status::Pass) << report(p, o, c);
  }
}

TEST(MixedCase, AnUndecidableKinkIsInconclusiveNeitherPassNorFail) {
  const Case c = parsed(kAmbiguous);
  for (const char* id : {"forward-spec", "backward-spec"}) {
    const Property* p = findProperty(id);
    ASSERT_NE(p, nullptr);
    const Outcome o = p->check(c);
    EXPECT_EQ(o.status, Outcome::Status::Inconclusive) << report(*p, o, c);
    EXPECT_TRUE(o.passed());                     // not a failure...
    EXPECT_NE(o.status, Outcome::Status::Pass);  // ...and not a pass
    EXPECT_FALSE(o.message.empty());
  }
  for (const Property& p : properties()) {
    const Outcome o = p.check(c);
    EXPECT_NE(o.status, Outcome::Status::Fail) << report(p, o, c);
  }
}

TEST(InconclusiveBudget, AShareAboveTheOraclesLimitFailsARun) {
  EXPECT_EQ(maxInconclusiveShare(), oracle::kMaxInconclusiveShare);
  EXPECT_EQ(statusName(Outcome::Status::Inconclusive), "inconclusive");
  // 5% of 100: 5 may be undecided, 6 may not.
  EXPECT_FALSE(inconclusiveShareExceeded(5, 100));
  EXPECT_TRUE(inconclusiveShareExceeded(6, 100));
  EXPECT_FALSE(inconclusiveShareExceeded(0, 0));
  EXPECT_TRUE(inconclusiveShareExceeded(1, 0));
  EXPECT_TRUE(inconclusiveShareExceeded(1, 1));
}

// ---- every property under RapidCheck on mixed cases (nearly all hold a transcendental op)

void checkMixed(std::string_view id) {
  const Property* p = findProperty(id);
  RC_ASSERT(p != nullptr);
  const Case c = *genMixedCase(GenConfig{});
  const Outcome o = p->check(c);
  RC_CLASSIFY(o.status == Outcome::Status::Inconclusive, "inconclusive");
  if (o.status == Outcome::Status::Discard) RC_DISCARD(o.message);
  if (!o.passed()) RC_FAIL(report(*p, o, c));
}

RC_GTEST_PROP(MixedCases, layout, ()) { checkMixed("layout"); }
RC_GTEST_PROP(MixedCases, out_id, ()) { checkMixed("out-id"); }
RC_GTEST_PROP(MixedCases, forward_spec, ()) { checkMixed("forward-spec"); }
RC_GTEST_PROP(MixedCases, backward_spec, ()) { checkMixed("backward-spec"); }
RC_GTEST_PROP(MixedCases, vjp_linearity, ()) { checkMixed("vjp-linearity"); }
RC_GTEST_PROP(MixedCases, adjoint, ()) { checkMixed("adjoint"); }
RC_GTEST_PROP(MixedCases, all_vs_from, ()) { checkMixed("all-vs-from"); }
RC_GTEST_PROP(MixedCases, bad_input, ()) { checkMixed("bad-input"); }
RC_GTEST_PROP(MixedCases, determinism, ()) { checkMixed("determinism"); }
RC_GTEST_PROP(MixedCases, float_local, ()) { checkMixed("float-local"); }

// ---- the budget over a default-sized run of mixed cases

// 100 mixed cases at sizes 0..99 from a fixed seed: no property fails, and each leaves at most
// oracle::kMaxInconclusiveShare of the cases it applies to undecided. (A `verigrad check` run,
// half of whose cases are rational, sees about half these shares.)
TEST(InconclusiveBudget, MixedCasesStayWithinTheShare) {
  std::vector<Case> cases;
  rc::Random random(20240612);
  for (int size = 0; size < 100; ++size) {
    cases.push_back(genMixedCase(GenConfig{})(random.split(), size).value());
  }
  for (const Property& p : properties()) {
    uint64_t applicable = 0, inconclusive = 0, discarded = 0;
    for (const Case& c : cases) {
      const Outcome o = p.check(c);
      ASSERT_NE(o.status, Outcome::Status::Fail) << report(p, o, c);
      if (o.status == Outcome::Status::Discard) {
        ++discarded;
        continue;
      }
      ++applicable;
      if (o.status == Outcome::Status::Inconclusive) {
        ++inconclusive;
        std::cout << p.id << ": inconclusive: " << o.message << "\n";
        if (std::getenv("VERIGRAD_SHOW_INCONCLUSIVE")) std::cout << report(p, o, c) << "\n";
      }
    }
    std::cout << p.id << ": " << inconclusive << " inconclusive of " << applicable << " ("
              << discarded << " discarded)\n";
    EXPECT_FALSE(inconclusiveShareExceeded(inconclusive, applicable)) << p.id;
  }
}

}  // namespace
}  // namespace verigrad::props
