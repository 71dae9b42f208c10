// oracle::compareInterval and its parts: disjoint enclosures are a mismatch at the right node and
// element (whatever their widths), intersecting narrow ones agree, intersecting wide ones are
// inconclusive and counted, a domain error on one side only is inconclusive, and a shape or count
// difference is a mismatch.
#include "verigrad/oracle/compare_interval.hpp"

#include <iostream>

#include "test_support.hpp"

namespace verigrad::testing {
namespace {

using IntervalValues = std::vector<spec::Value<Interval>>;

Interval Point(double x) { return Unwrap(Interval::fromDouble(x)); }
Interval Around(double x, double radius) {
  return Unwrap(
      Interval::fromEndpoints(Rational::fromDouble(x - radius), Rational::fromDouble(x + radius)));
}

// x[2,2] → exp → sum at the interval scalar: the engine's values, and the same values as the
// "spec" side (the comparisons below edit that side only).
struct Fixture {
  Graph graph;
  Context<Interval> values;
  IntervalValues spec;
};

Fixture Make() {
  GraphBuilder b({Shape{2, 2}});
  b.sum(b.exp(b.arg(0)));
  Fixture f{Unwrap(b.finish()), {}, {}};
  const std::vector<Tensor<Rational>> in = {TQ(Shape{2, 2}, {"1/3", "-2", "0", "5/4"})};
  const std::vector<Tensor<Interval>> iv = oracle::toIntervalTensors(in);
  f.values = Unwrap(compile<Interval>(f.graph, iv)).values();
  f.spec = oracle::toSpecValues(f.values);
  return f;
}

void Print(const oracle::IntervalComparison& c, const Graph& g) {
  if (c.mismatch) std::cout << "[ report ] " << oracle::summarizeMismatch(*c.mismatch, g) << "\n";
  if (c.firstInconclusive) {
    std::cout << "[ inconclusive ] " << oracle::summarizeMismatch(*c.firstInconclusive, g) << "\n";
  }
}

TEST(CompareInterval, AcceptanceFloorIsTwoToMinusHalfThePrecision) {
  Rational expected(1);
  for (int k = 0; k < 128; ++k) expected /= Rational(2);
  EXPECT_EQ(oracle::acceptanceFloor(256), expected);
  EXPECT_EQ(oracle::acceptanceFloor(3), Rational(1) / Rational(2));
}

TEST(CompareInterval, IdenticalNarrowEnclosuresAgree) {
  const Fixture f = Make();
  const oracle::IntervalComparison c = oracle::compareInterval(f.values, f.spec, "value");
  EXPECT_FALSE(c.failed());
  EXPECT_TRUE(c.conclusive());
  EXPECT_EQ(c.elements, 4 + 4 + 1);
  EXPECT_EQ(c.inconclusive, 0);
}

TEST(CompareInterval, OverlappingNarrowEnclosuresAgree) {
  Fixture f = Make();
  // exp(0) = 1: a different narrow enclosure of 1 (width 2^-200 ≪ the acceptance width).
  f.spec[1].data[2] = Around(1.0, 0x1p-200);
  const oracle::IntervalComparison c = oracle::compareInterval(f.values, f.spec, "value");
  EXPECT_TRUE(c.conclusive());
}

TEST(CompareInterval, DisjointEnclosuresAreAMismatchAtTheirNodeAndElement) {
  Fixture f = Make();
  f.spec[1].data[3] = Point(3.5);  // exp(5/4) ≈ 3.49: the true values differ
  const oracle::IntervalComparison c = oracle::compareInterval(f.values, f.spec, "value");
  Print(c, f.graph);
  ASSERT_TRUE(c.failed());
  EXPECT_EQ(c.mismatch->what, "value");
  EXPECT_EQ(c.mismatch->node, 1);
  EXPECT_EQ(c.mismatch->element, "[1,1]");
  EXPECT_NE(c.mismatch->detail.find("exp"), std::string::npos) << c.mismatch->detail;
  EXPECT_NE(c.mismatch->detail.find("disjoint"), std::string::npos);
  EXPECT_NE(c.mismatch->engine.find("width"), std::string::npos) << c.mismatch->engine;
  EXPECT_NE(c.mismatch->spec.find("width"), std::string::npos) << c.mismatch->spec;
}

TEST(CompareInterval, DisjointWideEnclosuresAreStillAMismatch) {
  const oracle::IntervalComparison c =
      oracle::compareEnclosures(Around(0.0, 0.25), Around(1.0, 0.25), "gradient", 7, "[2]");
  ASSERT_TRUE(c.failed());
  EXPECT_EQ(c.mismatch->node, 7);
  EXPECT_EQ(c.mismatch->element, "[2]");
  EXPECT_EQ(c.inconclusive, 0);
}

TEST(CompareInterval, OverlappingWideEnclosuresAreInconclusiveAndCounted) {
  Fixture f = Make();
  f.spec[1].data[0] = Around(std::exp(1.0 / 3.0), 1e-3);  // contains exp(1/3), not narrow
  f.spec[2].data[0] = Around(0.0, 1e6);                   // contains the sum, very wide
  const oracle::IntervalComparison c = oracle::compareInterval(f.values, f.spec, "value");
  Print(c, f.graph);
  EXPECT_FALSE(c.failed());
  EXPECT_FALSE(c.conclusive());
  EXPECT_EQ(c.inconclusive, 2);
  EXPECT_EQ(c.elements, 9);
  ASSERT_TRUE(c.firstInconclusive.has_value());
  EXPECT_EQ(c.firstInconclusive->node, 1);
  EXPECT_EQ(c.firstInconclusive->element, "[0,0]");
  EXPECT_NE(c.firstInconclusive->what.find("inconclusive"), std::string::npos);
}

TEST(CompareInterval, OneSidedDomainErrorIsInconclusive) {
  const Error domain = Error::make(ErrorCode::DomainError, "log of a value that is not > 0", 3);
  for (const auto& [engineError, specError] :
       {std::pair{&domain, static_cast<const Error*>(nullptr)},
        std::pair{static_cast<const Error*>(nullptr), &domain}}) {
    const oracle::IntervalComparison c = oracle::compareIntervalOutcomes(engineError, specError);
    EXPECT_FALSE(c.failed());
    EXPECT_EQ(c.inconclusive, 1);
    ASSERT_TRUE(c.firstInconclusive.has_value());
    EXPECT_EQ(c.firstInconclusive->node, 3);
  }
  // Both sides at the same node with the same kind: agreement, nothing counted.
  const oracle::IntervalComparison both = oracle::compareIntervalOutcomes(&domain, &domain);
  EXPECT_TRUE(both.conclusive());
  EXPECT_EQ(both.elements, 0);
  // Any other one-sided error, or errors of different kinds, is a mismatch.
  const Error shape = Error::make(ErrorCode::ShapeMismatch, "bad input", 0);
  EXPECT_TRUE(oracle::compareIntervalOutcomes(&shape, nullptr).failed());
  EXPECT_TRUE(oracle::compareIntervalOutcomes(&shape, &domain).failed());
  const Error elsewhere = Error::make(ErrorCode::DomainError, "log", 4);
  EXPECT_TRUE(oracle::compareIntervalOutcomes(&domain, &elsewhere).failed());
}

TEST(CompareInterval, ShapeAndCountDifferencesAreMismatches) {
  Fixture f = Make();
  IntervalValues reshaped = f.spec;
  reshaped[1].shape = Shape{4};
  oracle::IntervalComparison c = oracle::compareInterval(f.values, reshaped, "value");
  ASSERT_TRUE(c.failed());
  EXPECT_EQ(c.mismatch->what, "value-shape");
  EXPECT_EQ(c.mismatch->node, 1);

  IntervalValues shorter = f.spec;
  shorter.pop_back();
  c = oracle::compareInterval(f.values, shorter, "value");
  ASSERT_TRUE(c.failed());
  EXPECT_EQ(c.mismatch->what, "value-count");
}

TEST(CompareInterval, ConversionsKeepEnclosuresRigorous) {
  const std::vector<Tensor<Rational>> in = {TQ(Shape{2}, {"1/3", "1/4"})};
  const std::vector<Tensor<Interval>> iv = oracle::toIntervalTensors(in);
  EXPECT_TRUE(iv[0][0].contains(Q("1/3")));  // mpfi_set_q: not a point that misses 1/3
  EXPECT_FALSE(iv[0][0].isPoint());
  EXPECT_TRUE(iv[0][1].isPoint());  // a dyadic is held exactly
  const IntervalValues sv = oracle::toSpecValues(std::span<const Tensor<Interval>>(iv));
  EXPECT_EQ(sv[0].shape, Shape{2});
  EXPECT_TRUE(sv[0].data[1].contains(Q("1/4")));
}

}  // namespace
}  // namespace verigrad::testing
