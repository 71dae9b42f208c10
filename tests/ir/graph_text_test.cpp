// The graph text format: print/parse round trips, line:column parse errors, builder errors.
#include "verigrad/graph_text.hpp"

#include "test_support.hpp"

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

// Every transcendental op (issue 6), with eps literals of each kind: the default 1e-6 (stored
// exactly as 1/1000000), a decimal, a non-dyadic rational, and the double nearest 1e-6 (a dyadic
// with a 73-bit denominator, printed exactly so the round trip loses nothing).
Graph transcendentalGraph() {
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}, Shape{}});
  Var x = b.arg(0), g = b.arg(1), beta = b.arg(2), s = b.arg(3);
  b.sqrt(x);
  b.sigmoid(x);
  b.tanh(s);
  b.softplus(x);
  b.exp(g);
  b.log(x);
  b.safeLog(x);
  b.safeLog(g, L("1e-5"));
  b.safeLog(s, L("1/3"));
  b.safeLog(x, Unwrap(ExactLiteral::fromDouble(1e-6)));
  b.softmax(x);
  b.softmax(s);
  b.logSoftmax(x);
  b.layerNorm(x, g, beta);
  b.layerNorm(x, g, g, L("1/1024"));
  return Unwrap(b.finish());
}

TEST(GraphText, EveryTranscendentalOpRoundTrips) {
  Graph g = transcendentalGraph();
  std::string text = printGraph(g);
  GraphText parsed = Unwrap(parseGraphText(text));
  EXPECT_TRUE(sameGraph(g, parsed.graph)) << text;
  EXPECT_EQ(printGraph(parsed.graph), text);
  // The eps literal is kept exactly: the graph's own literal, not a rounded decimal.
  const Node& fromDouble = parsed.graph.producer(13);
  ASSERT_EQ(fromDouble.op, Op::SafeLog);
  EXPECT_EQ(parsed.graph.literals(fromDouble)[0], Unwrap(ExactLiteral::fromDouble(1e-6)));
  EXPECT_NE(parsed.graph.literals(fromDouble)[0], L("1/1000000"));
}

TEST(GraphText, TranscendentalLinesLookLikeTheFormat) {
  std::string text = printGraph(transcendentalGraph());
  const char* lines[] = {
      "%4 = sqrt(%0) : [2,3]\n",
      "%5 = sigmoid(%0) : [2,3]\n",
      "%6 = tanh(%3) : []\n",
      "%7 = softplus(%0) : [2,3]\n",
      "%8 = exp(%1) : [3]\n",
      "%9 = log(%0) : [2,3]\n",
      "%10 = safeLog(%0) {eps = 1/1000000} : [2,3]\n",
      "%11 = safeLog(%1) {eps = 1/100000} : [3]\n",
      "%12 = safeLog(%3) {eps = 1/3} : []\n",
      // 1e-6 as a double is 4722366482869645 / 2^72, in lowest terms.
      "%13 = safeLog(%0) {eps = 4722366482869645/4722366482869645213696} : [2,3]\n",
      "%14 = softmax(%0) : [2,3]\n",
      "%15 = softmax(%3) : []\n",
      "%16 = logSoftmax(%0) : [2,3]\n",
      "%17 = layerNorm(%0, %1, %2) {eps = 1/1000000} : [2,3]\n",
      "%18 = layerNorm(%0, %1, %1) {eps = 1/1024} : [2,3]\n",
  };
  for (const char* line : lines) EXPECT_NE(text.find(line), std::string::npos) << line << text;
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

TEST(GraphText, TranscendentalParseErrors) {
  expectParseError("input %0 : [2]\n%1 = safeLog(%0) {eps = 0} : [2]\n", ErrorCode::InvalidArgument,
                   "line 2: '%1 = safeLog(%0) {eps = 0}': safeLog needs eps > 0, got eps = 0");
  expectParseError("input %0 : [2]\n%1 = safeLog(%0) : [2]\n", ErrorCode::Parse,
                   "line 2, column 18: safeLog needs attributes {...}");
  expectParseError(
      "input %0 : [2,3]\ninput %1 : [2]\n%2 = layerNorm(%0, %1, %1) {eps = 1/10} : [2,3]\n",
      ErrorCode::ShapeMismatch,
      "line 3: '%2 = layerNorm(%0, %1, %1) {eps = 1/10}': operand #1 (%1) has shape [2], "
      "expected [3]");
}

}  // namespace
}  // namespace verigrad
