// Dual<Rational>: the smooth rules and every kink convention, at the kink and on both sides of it:
// relu'(0) = 0, abs'(0) = sign(0) = 0, max/min ties split 0.5/0.5, clamp' = 1 only strictly inside.
#include "spec_test_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;
using D = Dual<Rational>;

D Dl(const char* value, const char* tangent) { return D(R(value), R(tangent)); }
D Block(const char* value, std::initializer_list<const char*> tangents) {
  std::vector<Rational> t;
  for (const char* x : tangents) t.push_back(R(x));
  return D(R(value), std::move(t));
}

// The value and the tangent block as text; a structurally zero block prints as {}.
std::vector<std::string> Text(const D& d) {
  std::vector<std::string> out{d.value.str()};
  for (const Rational& t : d.tangent) out.push_back(t.str());
  return out;
}
std::vector<std::string> Want(std::initializer_list<const char*> v) { return Strs(v); }

// The tangent along direction 0 (zero for a structurally zero block).
std::string T0(const D& d) { return d.tangentAt(0).str(); }

// ---- smooth arithmetic

TEST(SpecDual, SumDifferenceAndNegation) {
  EXPECT_EQ(Text(Dl("1", "2") + Dl("1/2", "3")), Want({"3/2", "5"}));
  EXPECT_EQ(Text(Dl("1", "2") - Dl("1/2", "3")), Want({"1/2", "-1"}));
  EXPECT_EQ(Text(-Dl("1", "2")), Want({"-1", "-2"}));
}

TEST(SpecDual, ProductRule) {
  // (a b)' = a' b + a b' = 2 5 + 3 (-1)
  EXPECT_EQ(Text(Dl("3", "2") * Dl("5", "-1")), Want({"15", "7"}));
  EXPECT_EQ(Text(Dl("3", "2") * R("1/2")), Want({"3/2", "1"}));
}

TEST(SpecDual, QuotientAndReciprocalRules) {
  // (a / b)' = a'/b - a b'/b²: a = 2, a' = 1, b = 4, b' = 3 -> 1/4 - 6/16 = -1/8
  EXPECT_EQ(Text(divide(Dl("2", "1"), Dl("4", "3"))), Want({"1/2", "-1/8"}));
  // (1/x)' = -x'/x²
  EXPECT_EQ(Text(reciprocal(Dl("2", "1"))), Want({"1/2", "-1/4"}));
  EXPECT_EQ(Text(divideByCount(Dl("3", "1"), 4)), Want({"3/4", "1/4"}));
}

TEST(SpecDual, AnEmptyBlockIsZeroOfAnyWidth) {
  const D constant(R("3"));
  EXPECT_TRUE(constant.hasZeroTangent());
  EXPECT_EQ(T0(constant), "0");
  EXPECT_EQ(Text(constant + Block("2", {"1", "2"})), Want({"5", "1", "2"}));
  EXPECT_EQ(Text(constant - Block("2", {"1", "2"})), Want({"1", "-1", "-2"}));
  EXPECT_EQ(Text(constant * Block("2", {"1", "2"})), Want({"6", "3", "6"}));
  EXPECT_TRUE((constant * constant).hasZeroTangent());
}

TEST(SpecDual, BlocksCombineDirectionByDirection) {
  EXPECT_EQ(Text(Block("1", {"1", "0"}) * Block("2", {"0", "1"})), Want({"2", "2", "1"}));
}

// ---- relu: relu'(0) = 0

TEST(SpecDualRelu, PassesTheTangentOnlyWhereXIsPositive) {
  EXPECT_EQ(Text(relu(Dl("1/2", "3"))), Want({"1/2", "3"}));
  EXPECT_EQ(T0(relu(Dl("-1/2", "3"))), "0");
  EXPECT_EQ(relu(Dl("-1/2", "3")).value.str(), "0");
}

TEST(SpecDualRelu, DerivativeAtZeroIsZero) {
  const D y = relu(Dl("0", "3"));
  EXPECT_EQ(y.value.str(), "0");
  EXPECT_EQ(T0(y), "0");
}

// ---- abs and sign: sign(0) = 0, abs'(0) = 0

TEST(SpecDualAbs, DerivativeIsTheSign) {
  EXPECT_EQ(Text(absolute(Dl("2", "3"))), Want({"2", "3"}));
  EXPECT_EQ(Text(absolute(Dl("-2", "3"))), Want({"2", "-3"}));
}

TEST(SpecDualAbs, DerivativeAtZeroIsZero) {
  const D y = absolute(Dl("0", "3"));
  EXPECT_EQ(y.value.str(), "0");
  EXPECT_EQ(T0(y), "0");
}

TEST(SpecDualSign, IsPiecewiseConstantWithSignOfZeroZero) {
  EXPECT_EQ(signum(Dl("0", "5")).value.str(), "0");
  EXPECT_EQ(signum(Dl("-1/3", "5")).value.str(), "-1");
  EXPECT_EQ(signum(Dl("7", "5")).value.str(), "1");
  EXPECT_EQ(T0(signum(Dl("0", "5"))), "0");
  EXPECT_EQ(T0(signum(Dl("7", "5"))), "0");
  EXPECT_EQ(signum(R("0")).str(), "0");
}

// ---- max / min: the strict winner's tangent; at a tie (a' + b') / 2

TEST(SpecDualMax, FollowsTheStrictlyLargerOperand) {
  EXPECT_EQ(Text(maximum(Dl("2", "3"), Dl("1", "5"))), Want({"2", "3"}));
  EXPECT_EQ(Text(maximum(Dl("1", "3"), Dl("2", "5"))), Want({"2", "5"}));
}

TEST(SpecDualMax, TieSplitsTheDerivativeEvenly) {
  EXPECT_EQ(Text(maximum(Dl("1", "3"), Dl("1", "5"))), Want({"1", "4"}));
  EXPECT_EQ(Text(maximum(Block("1", {"1", "0"}), Block("1", {"0", "1"}))),
            Want({"1", "1/2", "1/2"}));
  // Only one side moves: half of its tangent passes.
  EXPECT_EQ(Text(maximum(Block("1", {"2", "4"}), D(R("1")))), Want({"1", "1", "2"}));
  // max(x, x): both halves are x's, so the whole tangent passes.
  EXPECT_EQ(Text(maximum(Dl("1", "3"), Dl("1", "3"))), Want({"1", "3"}));
}

TEST(SpecDualMin, FollowsTheStrictlySmallerOperand) {
  EXPECT_EQ(Text(minimum(Dl("2", "3"), Dl("1", "5"))), Want({"1", "5"}));
  EXPECT_EQ(Text(minimum(Dl("1", "3"), Dl("2", "5"))), Want({"1", "3"}));
}

TEST(SpecDualMin, TieSplitsTheDerivativeEvenly) {
  EXPECT_EQ(Text(minimum(Dl("-1", "3"), Dl("-1", "5"))), Want({"-1", "4"}));
  EXPECT_EQ(Text(minimum(Dl("0", "1"), D(R("0")))), Want({"0", "1/2"}));
}

// ---- clamp: 1 strictly inside (lo, hi), else 0 (at lo, at hi, outside, and when lo == hi)

TEST(SpecDualClamp, PassesTheTangentStrictlyInside) {
  EXPECT_EQ(Text(clampTo(Dl("0", "3"), R("-1"), R("1"))), Want({"0", "3"}));
}

TEST(SpecDualClamp, AtTheLowerBoundTheDerivativeIsZero) {
  const D y = clampTo(Dl("-1", "3"), R("-1"), R("1"));
  EXPECT_EQ(y.value.str(), "-1");
  EXPECT_EQ(T0(y), "0");
}

TEST(SpecDualClamp, AtTheUpperBoundTheDerivativeIsZero) {
  const D y = clampTo(Dl("1", "3"), R("-1"), R("1"));
  EXPECT_EQ(y.value.str(), "1");
  EXPECT_EQ(T0(y), "0");
}

TEST(SpecDualClamp, OutsideTheValueIsTheBoundAndTheDerivativeZero) {
  const D below = clampTo(Dl("-5", "3"), R("-1"), R("1"));
  EXPECT_EQ(below.value.str(), "-1");
  EXPECT_EQ(T0(below), "0");
  const D above = clampTo(Dl("5/2", "3"), R("-1"), R("1"));
  EXPECT_EQ(above.value.str(), "1");
  EXPECT_EQ(T0(above), "0");
}

TEST(SpecDualClamp, EqualBoundsGiveAConstant) {
  for (const char* x : {"-1", "1/2", "3"}) {
    const D y = clampTo(Dl(x, "3"), R("1/2"), R("1/2"));
    EXPECT_EQ(y.value.str(), "1/2") << x;
    EXPECT_EQ(T0(y), "0") << x;
  }
}

// ---- the plain-scalar versions agree with the dual values

TEST(SpecScalar, PiecewiseValuesAtTheKinks) {
  EXPECT_EQ(relu(R("0")).str(), "0");
  EXPECT_EQ(absolute(R("0")).str(), "0");
  EXPECT_EQ(absolute(R("-3/2")).str(), "3/2");
  EXPECT_EQ(maximum(R("1"), R("1")).str(), "1");
  EXPECT_EQ(minimum(R("-2"), R("3")).str(), "-2");
  EXPECT_EQ(clampTo(R("2"), R("-1"), R("1")).str(), "1");
  EXPECT_EQ(compare(R("1/3"), R("1/2")), Order::Less);
  EXPECT_EQ(compare(R("1/2"), R("2/4")), Order::Equal);
  EXPECT_TRUE(isZero(R("0/5")));
  EXPECT_EQ(Ok(literalTo<Rational>(L("-7/3"))).str(), "-7/3");
}

}  // namespace
}  // namespace verigrad::spec
