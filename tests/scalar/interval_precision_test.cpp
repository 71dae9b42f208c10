// Tests for the process-wide interval precision: set once before use, then fixed. A separate
// binary from interval_test.cpp because setting the default is irreversible within a process.
#include <gtest/gtest.h>

#include "verigrad/interval.hpp"
#include "verigrad/rational.hpp"

namespace verigrad {
namespace {

// Every test starts by setting 128 bits: whether ctest runs each test in its own process or the
// binary runs them all in one, setting the same value again succeeds.
TEST(IntervalDefaultPrecision, SetOnceThenFixed) {
  ASSERT_TRUE(Interval::setDefaultPrecision(128).ok());
  EXPECT_EQ(Interval::defaultPrecision(), 128);
  EXPECT_TRUE(Interval::setDefaultPrecision(128).ok());
  auto other = Interval::setDefaultPrecision(256);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(other.error().message.find("128"), std::string::npos);
  EXPECT_EQ(Interval::defaultPrecision(), 128);
}

TEST(IntervalDefaultPrecision, NewIntervalsUseTheDefault) {
  ASSERT_TRUE(Interval::setDefaultPrecision(128).ok());
  const Rational third = Rational(1) / Rational(3);
  const Interval x(third);
  EXPECT_EQ(x.precision(), 128);
  EXPECT_EQ(Interval().precision(), 128);
  EXPECT_EQ(Interval(7).precision(), 128);
  EXPECT_EQ(exp(x).precision(), 128);
  EXPECT_TRUE(x.contains(third));
  // Narrow for 128 bits (relative width <= 2^-64), and wider than a 256-bit enclosure.
  EXPECT_TRUE(isNarrow(x, Rational()));
  auto fine = Interval::fromRational(third, 256);
  ASSERT_TRUE(fine.ok());
  EXPECT_TRUE(x.contains(fine.value()));
  EXPECT_FALSE(fine->contains(x));
  EXPECT_EQ((x + fine.value()).precision(), 256);
}

}  // namespace
}  // namespace verigrad
