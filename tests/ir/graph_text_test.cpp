// The graph text format: print/parse round trips, line:column parse errors, builder errors.
#include "test_support.hpp"
#include "verigrad/graph_text.hpp"

namespace verigrad {
namespace {

using testing::L;
using testing::Unwrap;

// One graph that uses every attribute kind and several op families.
Graph richGraph() {
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{}});
  Var m = b.arg(0), v = b.arg(1), s = b.arg(2);
  Var col = b.reshape(v, Shape{3, 1});
  Var p = b.matmul(m, col);
  b.scale(p, L("-1/3"));
  b.clamp(v, L("-2"), L("5/2"));
  const int64_t idx[] = {0, 2, 2, 7};
  b.gatherVecNat(v, idx);
  b.sliceRange0(m, 1, 1);
  const ExactLiteral payload[] = {L("1/2"), L("-3"), L("0")};
  b.constant(Shape{3}, payload);
  b.scatterAddVec(v, s, 1);
  b.broadcastTo(v, Shape{2, 3});
  b.reduceMean(m, 1);
  return Unwrap(b.finish());
}

TEST(GraphText, PrintThenParseGivesTheSameGraph) {
  Graph g = richGraph();
  std::string text = printGraph(g);
  GraphText parsed = Unwrap(parseGraphText(text));
  EXPECT_TRUE(sameGraph(g, parsed.graph)) << text;
  EXPECT_EQ(printGraph(parsed.graph), text);
}

TEST(GraphText, PrintedLinesLookLikeTheFormat) {
  std::string text = printGraph(richGraph());
  EXPECT_NE(text.find("input %0 : [2,3]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("%4 = matmul(%0, %3) : [2,1]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("%5 = scale(%4) {c = -1/3} : [2,1]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("{indices = [0, 2, 2, 7]} : [4]"), std::string::npos) << text;
  EXPECT_NE(text.find("%9 = const() {payload = [1/2, -3, 0]} : [3]"), std::string::npos) << text;
}

TEST(GraphText, ValuesAndSeedsRoundTrip) {
  const char* text =
      "# a case file\n"
      "input %0 : [2]\n"
      "%1 = square(%0) : [2]   # trailing comment\n"
      "%2 = sum(%1) : []\n"
      "value %0 = [1/2, -3]\n"
      "seed %2 = [1]\n";
  GraphText t = Unwrap(parseGraphText(text));
  ASSERT_TRUE(t.values[0].has_value());
  EXPECT_EQ((*t.values[0])[0], L("1/2"));
  EXPECT_FALSE(t.seeds[1].has_value());
  ASSERT_TRUE(t.seeds[2].has_value());
  GraphText again = Unwrap(parseGraphText(printGraphText(t)));
  EXPECT_EQ(printGraphText(again), printGraphText(t));
}

void expectParseError(const std::string& text, ErrorCode code, const std::string& fragment) {
  Result<GraphText> r = parseGraphText(text);
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos)
      << "message: " << r.error().message << "\nexpected: " << fragment;
}

TEST(GraphText, ParseErrorsGiveLineAndColumn) {
  expectParseError("input %0 : [2]\n%1 = frobnicate(%0) : [2]\n", ErrorCode::Parse,
                   "line 2, column 6: unknown op 'frobnicate'");
  expectParseError("input %0 : [2]\n%1 = relu(%0 : [2]\n", ErrorCode::Parse,
                   "line 2, column 14: expected ',' or ')' after an operand");
  expectParseError("input %0 : [2\n", ErrorCode::Parse, "line 1, column 14: expected ','");
  expectParseError("input %1 : [2]\n", ErrorCode::Parse, "line 1, column 9: expected input %0");
  expectParseError("input %0 : [2]\n%2 = relu(%0) : [2]\n", ErrorCode::Parse,
                   "line 2, column 3: expected node %1 next");
  expectParseError("input %0 : [2]\n%1 = scale(%0) {c = 1/0} : [2]\n", ErrorCode::Parse,
                   "line 2, column 21: bad literal");
  expectParseError("input %0 : [2]\n%1 = scale(%0) {k = 1} : [2]\n", ErrorCode::Parse,
                   "line 2, column 17: expected attribute 'c' of scale, got 'k'");
  expectParseError("input %0 : [2]\n%1 = relu(%0) : [2] extra\n", ErrorCode::Parse,
                   "unexpected text after the declared shape");
  expectParseError("%0 = const() {payload = [1]} : [1]\ninput %1 : [2]\n", ErrorCode::Parse,
                   "line 2, column 6: inputs must precede the nodes");
}

TEST(GraphText, BuilderErrorsCarryTheLine) {
  expectParseError("input %0 : [2,3]\ninput %1 : [2,3]\n%2 = matmul(%0, %1) : [2,3]\n",
                   ErrorCode::ShapeMismatch, "line 3: '%2 = matmul(%0, %1)': operand #1 (%1)");
  expectParseError("input %0 : [2]\n%1 = relu(%0) : [3]\n", ErrorCode::ShapeMismatch,
                   "line 2: '%1 = relu(%0)': declared shape [3] does not match the inferred");
  expectParseError("input %0 : [2]\n%1 = add(%0, %2) : [2]\n", ErrorCode::InvalidId,
                   "line 2: '%1 = add(%0, %2)': operand #1 (%2) is not defined before %1");
}

TEST(GraphText, DataMustMatchShapes) {
  expectParseError("input %0 : [2]\nvalue %0 = [1]\n", ErrorCode::Parse,
                   "value %0 has 1 entries, shape [2] needs 2");
  expectParseError("input %0 : [2]\n%1 = sum(%0) : []\nseed %1 = [1, 2]\n", ErrorCode::Parse,
                   "seed %1 has 2 entries");
  expectParseError("input %0 : [2]\n%1 = sum(%0) : []\nvalue %1 = [1]\n", ErrorCode::Parse,
                   "value %1 is not an input");
}

}  // namespace
}  // namespace verigrad
