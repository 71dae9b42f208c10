// `verigrad shapes`: symbolic graphs proved well-shaped for every batch size, conflicts named by
// a minimal unsat core, "some but not all" with both assignments, parse errors, and the command.
#include "verigrad/smt/shapes.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/graph_text.hpp"

namespace verigrad::smt {
namespace {

std::string dataFile(const std::string& name) {
  return std::string(VERIGRAD_SMT_TEST_DATA) + "/" + name;
}

std::string read(const std::string& name) {
  std::ifstream in(dataFile(name));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ShapesReport check(const std::string& text, const ShapesOptions& options = {}) {
  Result<SymbolicGraph> g = parseSymbolicGraph(text);
  EXPECT_TRUE(g.ok()) << g.error().message;
  if (!g.ok()) return {};
  const ShapesReport r = checkShapes(g.value(), options);
  std::cout << formatShapesReport(r);
  return r;
}

TEST(Shapes, MlpWithSymbolicBatchIsWellShapedForEveryBatchSize) {
  const ShapesReport r = check(read("mlp_symbolic.txt"));
  EXPECT_EQ(r.verdict, ShapesVerdict::WellShapedForAll) << r.message;
  ASSERT_EQ(r.bounds.size(), 1u);
  EXPECT_EQ(r.bounds[0].first, "B");
  EXPECT_EQ(r.bounds[0].second, (std::pair<int64_t, int64_t>{1, 32768}));
}

TEST(Shapes, MlpWithBatchZeroAllowedIsWellShapedOnlyForSome) {
  ShapesOptions o;
  o.minDim = 0;  // mseLoss of an empty tensor is an error
  const ShapesReport r = check(read("mlp_symbolic.txt"), o);
  ASSERT_EQ(r.verdict, ShapesVerdict::WellShapedForSome);
  EXPECT_EQ(r.counterexample, (std::vector<std::pair<std::string, int64_t>>{{"B", 0}}));
  ASSERT_EQ(r.failing.size(), 1u);
  EXPECT_NE(r.failing[0].find("mseLoss"), std::string::npos);
}

TEST(Shapes, MismatchedInnerDimensionNamesTheTwoNodesInConflict) {
  const ShapesReport r = check(read("mlp_mismatch.txt"));
  ASSERT_EQ(r.verdict, ShapesVerdict::IllShaped);
  ASSERT_EQ(r.conflict.size(), 2u);
  EXPECT_NE(r.conflict[0].find("%9 = relu(%8) : [B, 128]"), std::string::npos) << r.conflict[0];
  EXPECT_NE(r.conflict[1].find("%10 = matmul(%9, %3)"), std::string::npos) << r.conflict[1];
}

TEST(Shapes, WithoutDeclaredShapesTheCoreIsThePathTheDimTravels) {
  const ShapesReport r = check(
      "input %0 : [B, 3]\ninput %1 : [3, 4]\ninput %2 : [5, 2]\n"
      "%3 = matmul(%0, %1)\n%4 = relu(%3)\n%5 = matmul(%4, %2)\n");
  ASSERT_EQ(r.verdict, ShapesVerdict::IllShaped);
  ASSERT_EQ(r.conflict.size(), 3u);
  EXPECT_NE(r.conflict[0].find("%3 = matmul"), std::string::npos);
  EXPECT_NE(r.conflict[2].find("%5 = matmul"), std::string::npos);
}

TEST(Shapes, AReshapeThatNeedsAnEvenBatchHoldsOnlyForSome) {
  const ShapesReport r = check(read("reshape_some.txt"));
  ASSERT_EQ(r.verdict, ShapesVerdict::WellShapedForSome);
  ASSERT_EQ(r.model.size(), 1u);
  EXPECT_EQ(r.model[0].second % 2, 0);
  EXPECT_EQ(r.counterexample[0].second % 2, 1);
}

TEST(Shapes, RangesAndSymbolicAttributes) {
  const std::string text =
      "input %0 : [B, 2 * H]\n"
      "%1 = sliceRange0(%0) {start = 1, len = B - 1} : [B - 1, 2 * H]\n"
      "%2 = reshape(%1) : [(B - 1) * H, 2]\n";
  ShapesOptions o;
  o.ranges = {{"B", 1, 64}, {"H", 1, 8}};
  EXPECT_EQ(check(text, o).verdict, ShapesVerdict::WellShapedForAll);
  o.ranges = {{"B", 0, 64}, {"H", 1, 8}};  // B = 0: len = -1
  EXPECT_EQ(check(text, o).verdict, ShapesVerdict::WellShapedForSome);
}

TEST(Shapes, AConflictThatNeedsTheBoundsNamesThem) {
  // numel 6B vs 5B agree only at B = 0, which the default bounds exclude.
  const ShapesReport r = check("input %0 : [B, 6]\n%1 = reshape(%0) : [B, 5]\n");
  ASSERT_EQ(r.verdict, ShapesVerdict::IllShaped);
  ASSERT_EQ(r.conflict.size(), 2u);
  EXPECT_NE(r.conflict[0].find("symbol ranges: B in [1, 32768]"), std::string::npos);
}

TEST(Shapes, ARankMismatchIsReportedWithoutASolver) {
  const ShapesReport r = check("input %0 : [B, 3]\ninput %1 : [3]\n%2 = matmul(%0, %1)\n");
  ASSERT_EQ(r.verdict, ShapesVerdict::IllShaped);
  ASSERT_EQ(r.conflict.size(), 1u);
  EXPECT_NE(r.conflict[0].find("line 3"), std::string::npos);
  EXPECT_NE(r.conflict[0].find("whatever the symbols are"), std::string::npos);
}

TEST(Shapes, ParseErrorsNameTheLine) {
  const auto error = [](const std::string& text) {
    Result<SymbolicGraph> g = parseSymbolicGraph(text);
    EXPECT_FALSE(g.ok());
    return g.ok() ? std::string() : g.error().message;
  };
  EXPECT_NE(error("input %0 : [B]\n%1 = relu(%0) : [C]\n").find("line 2"), std::string::npos);
  EXPECT_NE(error("input %0 : [B]\n%1 = relu(%0) : [C]\n").find("unknown name `C`"),
            std::string::npos);
  EXPECT_NE(error("input %0 : [B]\n%1 = reshape(%0)\n").find("needs its target shape"),
            std::string::npos);
  EXPECT_NE(error("input %0 : [B]\n%2 = relu(%0)\n").find("expected node %1"), std::string::npos);
  EXPECT_NE(error("input %0 : [B]\n%1 = frobnicate(%0)\n").find("unknown op"), std::string::npos);
  EXPECT_NE(error("input %0 : [B]\n%1 = relu(%1)\n").find("not defined before"), std::string::npos);
}

// The engine's own printed graphs (concrete dims, every attribute kind) read as symbolic graphs
// with no symbols, and are well-shaped.
TEST(Shapes, PrintedGraphsOfTheEngineParseAndAreWellShaped) {
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{4, 3}});
  const Var x = b.arg(0), v = b.arg(1), w = b.arg(2);
  const ExactLiteral third = ExactLiteral::parse("-1/3").value();
  const ExactLiteral zero = ExactLiteral::parse("0").value(),
                     one = ExactLiteral::parse("1").value();
  const ExactLiteral payload[] = {one, zero, one};
  const int64_t indices[] = {0, 2, 2};
  const Var s = b.scale(x, third);
  const Var c = b.clamp(s, zero, one);
  const Var r = b.reduceSum(c, 1);
  const Var k = b.constant(Shape{3}, payload);
  const Var g = b.gatherVecNat(b.add(v, k), indices);
  const Var cat = b.concatDim0(x, w);
  const Var sl = b.sliceRange0(cat, 1, 4);
  const Var t = b.swapAdjacentAtDepth(b.reshape(sl, Shape{2, 2, 3}), 1);
  const Var bc = b.broadcastTo(r, Shape{5, 2});
  const Var gg = b.concatVectors(g, g);
  b.mseLoss(b.flatten(t), b.reshape(b.concatVectors(gg, b.flatten(b.transpose2d(x))), Shape{12}));
  b.sum(bc);
  Result<Graph> graph = b.finish();
  ASSERT_TRUE(graph.ok()) << graph.error().message;
  const std::string text = printGraph(graph.value());
  std::cout << text;
  const ShapesReport report = check(text);
  EXPECT_EQ(report.verdict, ShapesVerdict::WellShapedForAll) << report.message;
  EXPECT_TRUE(report.bounds.empty());
}

TEST(Shapes, BadRangesAreErrors) {
  Result<SymbolicGraph> g = parseSymbolicGraph("input %0 : [B]\n");
  ASSERT_TRUE(g.ok());
  ShapesOptions o;
  o.ranges = {{"Q", 1, 2}};
  EXPECT_EQ(checkShapes(g.value(), o).verdict, ShapesVerdict::Error);
  o.ranges = {{"B", 5, 2}};
  EXPECT_EQ(checkShapes(g.value(), o).verdict, ShapesVerdict::Error);
}

// ---- the command

int runCommand(std::vector<std::string> args, std::string* out = nullptr) {
  args.insert(args.begin(), "shapes");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  const int status = runShapesCommand(static_cast<int>(argv.size()), argv.data());
  const std::string printed = ::testing::internal::GetCapturedStdout();
  std::cout << printed;
  if (out) *out = printed;
  return status;
}

TEST(ShapesCommand, ExitStatusAndOutput) {
  std::string out;
  EXPECT_EQ(runCommand({dataFile("mlp_symbolic.txt")}, &out), 0);
  EXPECT_NE(out.find("well-shaped for every assignment within the bounds"), std::string::npos);
  EXPECT_EQ(runCommand({dataFile("mlp_mismatch.txt")}, &out), 1);
  EXPECT_NE(out.find("%10 = matmul(%9, %3)"), std::string::npos);
  EXPECT_EQ(runCommand({"--min-dim", "0", dataFile("mlp_symbolic.txt")}, &out), 1);
  EXPECT_NE(out.find("ill-shaped at  B = 0"), std::string::npos);
  EXPECT_EQ(runCommand({"--range", "B=2:8", dataFile("mlp_symbolic.txt")}, &out), 0);
  EXPECT_NE(out.find("B in [2, 8]"), std::string::npos);
  EXPECT_EQ(runCommand({"--help"}, &out), 0);
  EXPECT_NE(out.find("--max-dim"), std::string::npos);
}

TEST(ShapesCommand, BadCommandLinesAndFilesExitTwo) {
  EXPECT_EQ(runCommand({}), 2);
  EXPECT_EQ(runCommand({"--max-dim", "70000", dataFile("mlp_symbolic.txt")}), 2);
  EXPECT_EQ(runCommand({"--range", "B1:8", dataFile("mlp_symbolic.txt")}), 2);
  EXPECT_EQ(runCommand({"--range", "Q=1:8", dataFile("mlp_symbolic.txt")}), 2);
  EXPECT_EQ(runCommand({dataFile("no_such_file.txt")}), 2);
}

}  // namespace
}  // namespace verigrad::smt
