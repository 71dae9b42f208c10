// The case file format: parseCase(printCase(c)) == c for generated cases, the printed form of a
// small case, the defaults of a bare graph file, and errors that name their line.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "verigrad/props/case.hpp"
#include "verigrad/props/generators.hpp"

namespace verigrad::props {
namespace {

RC_GTEST_PROP(CaseFile, parse_of_print_is_the_case, ()) {
  const Case c = *genCase(GenConfig{});
  const std::string text = printCase(c);
  Result<Case> parsed = parseCase(text);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(sameCase(parsed.value(), c));
  RC_ASSERT(printCase(parsed.value()) == text);
}

constexpr const char* kSmallCase =
    "input %0 : [2]\n"
    "input %1 : []\n"
    "%2 = scale(%0) {c = -1/3} : [2]\n"
    "%3 = sum(%2) : []\n"
    "value %0 = [1, 1/2]\n"
    "value %1 = [0]\n"
    "seed %0 = [0, 0]\n"
    "seed %1 = [1]\n"
    "seed %2 = [2, -1]\n"
    "seed %3 = [1]\n"
    "seedb %0 = [1, 1]\n"
    "seedb %1 = [0]\n"
    "seedb %2 = [0, 3/4]\n"
    "seedb %3 = [-1]\n"
    "tangent %0 = [1, -1]\n"
    "tangent %1 = [1/2]\n"
    "coeff a = 2\n"
    "coeff b = -1/3\n"
    "out %2\n";

TEST(CaseFile, PrintsTheGraphThenValuesSeedsAndTheCaseData) {
  Result<Case> c = parseCase(kSmallCase);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(printCase(c.value()), kSmallCase);
  EXPECT_EQ(c->inputs[0][1].str(), "1/2");
  EXPECT_EQ(c->seedsB[2][1].str(), "3/4");
  EXPECT_EQ(c->tangents[1][0].str(), "1/2");
  EXPECT_EQ(c->coeffB.str(), "-1/3");
  EXPECT_EQ(c->outId, 2u);
}

TEST(CaseFile, ABareGraphIsACaseWithZerosUnitCoefficientsAndTheLastOutput) {
  Result<Case> c = parseCase("# a comment\ninput %0 : [2]\n%1 = relu(%0) : [2]\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->inputs.size(), 1u);
  ASSERT_EQ(c->seedsA.size(), 2u);
  ASSERT_EQ(c->seedsB.size(), 2u);
  ASSERT_EQ(c->tangents.size(), 1u);
  for (const auto* ts : {&c->inputs, &c->seedsA, &c->seedsB, &c->tangents}) {
    for (const auto& t : *ts) {
      for (const Rational& x : t.span()) EXPECT_TRUE(x.isZero());
    }
  }
  EXPECT_EQ(c->coeffA, Rational(1));
  EXPECT_EQ(c->coeffB, Rational(1));
  EXPECT_EQ(c->outId, 1u);
}

TEST(CaseFile, AnEmptyFileIsTheEmptyCase) {
  Result<Case> c = parseCase("");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->graph.numValues(), 0u);
  EXPECT_EQ(c->outId, 0u);
}

TEST(CaseFile, AnOutOfRangeOutputIdIsKept) {
  Result<Case> c = parseCase("input %0 : []\nout %7\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->outId, 7u);
}

void expectErrorAtLine(std::string_view text, int line, std::string_view fragment,
                       ErrorCode code = ErrorCode::Parse) {
  Result<Case> c = parseCase(text);
  ASSERT_FALSE(c.ok()) << "expected an error in:\n" << text;
  EXPECT_EQ(c.error().code, code) << c.error().message;
  const std::string head = "line " + std::to_string(line);
  EXPECT_EQ(c.error().message.rfind(head, 0), 0u) << c.error().message;
  EXPECT_NE(c.error().message.find(fragment), std::string::npos) << c.error().message;
}

TEST(CaseFile, ErrorsNameTheirLine) {
  const std::string graph = "input %0 : [2]\n%1 = relu(%0) : [2]\n";
  expectErrorAtLine(graph + "seedb %1 = [1]\n", 3, "seedb %1 has 1 entries, shape [2] needs 2");
  expectErrorAtLine(graph + "seedb %5 = [1, 2]\n", 3, "seedb %5 is not a value id");
  expectErrorAtLine(graph + "tangent %1 = [1, 2]\n", 3, "tangent %1 is not an input");
  expectErrorAtLine(graph + "tangent %0 = [1, x]\n", 3, "column 18: bad rational");
  expectErrorAtLine(graph + "coeff c = 1\n", 3, "expected 'coeff a' or 'coeff b'");
  expectErrorAtLine(graph + "coeff a = 1\ncoeff a = 2\n", 4, "duplicate coeff a");
  expectErrorAtLine(graph + "out 1\n", 3, "expected a value id");
  expectErrorAtLine(graph + "out %1 %2\n", 3, "unexpected text");
  expectErrorAtLine(graph + "seedb %1 = [1, 2]\nseedb %1 = [1, 2]\n", 4, "duplicate seedb %1");
  // Lines of the graph text format keep their numbers around the case's own data lines.
  expectErrorAtLine("coeff a = 1\ninput %0 : [2]\n%1 = relu(%0, %0) : [2]\n", 3,
                    "relu takes 1 operand(s), got 2", ErrorCode::InvalidArgument);
  // The graph parser checks value and seed sizes after the graph: the line is found for it.
  expectErrorAtLine(graph + "out %1\nvalue %0 = [1]\n", 4, "value %0 has 1 entries");
  expectErrorAtLine(graph + "seed %1 = [1, 2, 3]\n", 3, "seed %1 has 3 entries");
}

}  // namespace
}  // namespace verigrad::props
