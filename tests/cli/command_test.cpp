// Tests of the `verigrad` command run as a user runs it: exit statuses, help on every subcommand,
// byte-identical check output for one seed with --no-timing, replay of a corpus file and of
// transcendental cases (at Interval, possibly inconclusive), exact fractions from `run`, and the
// highlighted node in `dot`.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int status = -1;
  std::string output;
};

// Runs `verigrad <args>` through the shell; `2>&1` in args merges stderr into the output.
CommandResult runVerigrad(const std::string& args) {
  const std::string command = std::string("'") + VERIGRAD_BIN + "' " + args;
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  const int raw = pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

// A fresh directory per test, removed afterwards.
class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("verigrad-cli-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string writeFile(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string corpus(const std::string& name) {
    return std::string(VERIGRAD_CORPUS_DIR) + "/" + name;
  }

  fs::path dir_;
};

// exp, log, softmax and layerNorm beside rational ops: no exact scalar computes it.
constexpr const char* kTranscendental =
    "input %0 : [2,2]\n"
    "input %1 : [2]\n"
    "%2 = exp(%0) : [2,2]\n"
    "%3 = log(%2) : [2,2]\n"
    "%4 = softmax(%3) : [2,2]\n"
    "%5 = layerNorm(%0, %1, %1) {eps = 1/1000000} : [2,2]\n"
    "%6 = mul(%4, %5) : [2,2]\n"
    "%7 = sum(%6) : []\n"
    "value %0 = [1/2, -1, 0, 1/3]\n"
    "value %1 = [1, -1/2]\n"
    "seed %7 = [1]\n"
    "tangent %0 = [1, 0, -1, 2]\n";

// sqrt(sqrt(exp(x) - exp(x))): the kink at 0 cannot be decided from enclosures.
constexpr const char* kUndecidable =
    "input %0 : [1]\n"
    "%1 = exp(%0) : [1]\n"
    "%2 = exp(%0) : [1]\n"
    "%3 = sub(%1, %2) : [1]\n"
    "%4 = sqrt(%3) : [1]\n"
    "%5 = sqrt(%4) : [1]\n"
    "value %0 = [1/2]\n"
    "seed %5 = [1]\n";

constexpr const char* kSquareSum =
    "input %0 : [2]\n"
    "%1 = square(%0) : [2]\n"
    "%2 = sum(%1) : []\n"
    "value %0 = [1/3, -1/2]\n";

TEST_F(CommandTest, HelpForTheCommandAndEverySubcommand) {
  CommandResult top = runVerigrad("--help");
  EXPECT_EQ(top.status, 0);
  for (const char* cmd : {"check", "replay", "run", "dot"}) {
    EXPECT_NE(top.output.find(std::string("  ") + cmd), std::string::npos) << top.output;
    CommandResult help = runVerigrad(std::string(cmd) + " --help");
    EXPECT_EQ(help.status, 0) << cmd;
    EXPECT_NE(help.output.find(std::string("usage: verigrad ") + cmd), std::string::npos)
        << help.output;
  }
}

TEST_F(CommandTest, BadCommandLinesExitWithStatus2) {
  CommandResult unknownCommand = runVerigrad("frobnicate 2>&1");
  EXPECT_EQ(unknownCommand.status, 2);
  EXPECT_NE(unknownCommand.output.find("unknown command 'frobnicate'"), std::string::npos);
  CommandResult unknownFlag = runVerigrad("check --bogus 2>&1");
  EXPECT_EQ(unknownFlag.status, 2);
  EXPECT_NE(unknownFlag.output.find("unknown option '--bogus'"), std::string::npos)
      << unknownFlag.output;
  EXPECT_EQ(runVerigrad("check --cases many 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("check --property no-such-property 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("replay 2>&1").status, 2);  // FILE missing
  EXPECT_EQ(runVerigrad("run " + corpus("kink_ties.case") + " --scalar quad 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("dot a.case b.case 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("").status, 2);
}

// Every RapidCheck property by name: the Z3 shape theorems (their own tests cover them) would make
// this test cost a minute under the sanitizers.
constexpr const char* kCaseProperties =
    "layout out-id forward-spec backward-spec vjp-linearity adjoint all-vs-from bad-input "
    "determinism float-local";

TEST_F(CommandTest, SameSeedGivesAByteIdenticalTableWithoutTiming) {
  const std::string args =
      "check --cases 3 --max-size 30 --seed 20240611 --no-timing --save-dir '" +
      (dir_ / "failures").string() + "' --property " + kCaseProperties;
  CommandResult first = runVerigrad(args);
  CommandResult second = runVerigrad(args);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(first.output, second.output);
  EXPECT_NE(first.output.find("seed: 20240611"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("float-local"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("inconclusive"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("exact, interval"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("layerNorm"), std::string::npos) << first.output;  // op counts
  EXPECT_EQ(first.output.find("time"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("not checked"), std::string::npos)  // not a full default run
      << first.output;

  CommandResult timed = runVerigrad(
      "check --cases 3 --max-size 30 --seed 20240611 --property "
      "layout out-id");
  ASSERT_EQ(timed.status, 0) << timed.output;
  EXPECT_NE(timed.output.find("time"), std::string::npos) << timed.output;
}

TEST_F(CommandTest, CheckJsonNamesEveryProperty) {
  CommandResult r = runVerigrad(
      "check --cases 2 --max-size 20 --seed 5 --json --property "
      "forward-spec backward-spec");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("{\"seed\": 5", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("\"property\": \"forward-spec\""), std::string::npos);
  EXPECT_NE(r.output.find("\"property\": \"backward-spec\""), std::string::npos);
  EXPECT_NE(r.output.find("\"passed\": true"), std::string::npos);
  EXPECT_NE(r.output.find("\"inconclusive\": "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"inconclusive_share\": "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"softmax\": "), std::string::npos) << r.output;  // op counts
}

TEST_F(CommandTest, ReplayOfACorpusFilePasses) {
  CommandResult r = runVerigrad("replay " + corpus("duplicate_parents.case"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("replay: pass"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("forward-spec"), std::string::npos) << r.output;
}

TEST_F(CommandTest, ReplayOfATranscendentalCasePassesAtInterval) {
  CommandResult r = runVerigrad("replay '" + writeFile("mixed.case", kTranscendental) + "'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("replay: pass"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("inconclusive"), std::string::npos) << r.output;
}

TEST_F(CommandTest, ReplayOfAnUndecidableCaseIsInconclusiveNotAFailure) {
  const std::string file = writeFile("undecidable.case", kUndecidable);
  CommandResult r = runVerigrad("replay '" + file + "' --property forward-spec");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("forward-spec  exact, interval  inconclusive"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("replay: pass"), std::string::npos) << r.output;
  CommandResult json = runVerigrad("replay '" + file + "' --property forward-spec --json");
  EXPECT_EQ(json.status, 0) << json.output;
  EXPECT_NE(json.output.find("\"result\": \"inconclusive\""), std::string::npos) << json.output;
}

TEST_F(CommandTest, ReplayReportsAnUnreadableCase) {
  CommandResult r = runVerigrad("replay '" + writeFile("bad.case", "input %0 : [2\n") + "' 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("line 1, column"), std::string::npos) << r.output;
}

TEST_F(CommandTest, RunPrintsExactFractions) {
  CommandResult r = runVerigrad("run '" + writeFile("square.case", kSquareSum) + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("%1 [2] = [1/9, 1/4]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("%2 [] = [13/36]"), std::string::npos) << r.output;
  // d/dx Σ x² = 2x, after the "gradients" heading.
  const size_t gradients = r.output.find("gradients (backwardDenseAllFromOutput");
  ASSERT_NE(gradients, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("%0 [2] = [2/3, -1]", gradients), std::string::npos) << r.output;
}

TEST_F(CommandTest, RunPrintsRoundTripDigitsForFloats) {
  const std::string file = writeFile("square.case", kSquareSum);
  CommandResult d = runVerigrad("run '" + file + "' --scalar double");
  ASSERT_EQ(d.status, 0) << d.output;
  EXPECT_NE(d.output.find("%0 [2] = [0.3333333333333333, -0.5]"), std::string::npos) << d.output;
  CommandResult f = runVerigrad("run '" + file + "' --scalar float --json");
  ASSERT_EQ(f.status, 0) << f.output;
  EXPECT_NE(f.output.find("\"data\": [0.33333334, -0.5]"), std::string::npos) << f.output;
}

TEST_F(CommandTest, RunReportsTheEngineErrorAndExits1) {
  CommandResult r = runVerigrad("run " + corpus("division_by_zero.case") + " 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("'%2 = div(%0, %1)': division by zero"), std::string::npos) << r.output;
}

// The DOT line of value `id` ("  v2 [label=...];"), or empty.
std::string dotNodeLine(const std::string& dot, int id) {
  const std::string head = "\n  v" + std::to_string(id) + " [label=";
  const size_t at = dot.find(head);
  if (at == std::string::npos) return "";
  return dot.substr(at + 1, dot.find('\n', at + 1) - at - 1);
}

bool highlighted(const std::string& dot, int id) {
  return dotNodeLine(dot, id).find("color=red") != std::string::npos;
}

TEST_F(CommandTest, DotHighlightsTheMismatchNodeOfASavedFailure) {
  const std::string file =
      writeFile("failure.case", std::string("# mismatch-node %2\n") + kSquareSum);
  CommandResult r = runVerigrad("dot '" + file + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("digraph verigrad {", 0), 0u) << r.output;
  EXPECT_NE(dotNodeLine(r.output, 2).find("sum(%1)"), std::string::npos) << r.output;
  EXPECT_TRUE(highlighted(r.output, 2)) << r.output;
  EXPECT_FALSE(highlighted(r.output, 1)) << r.output;

  // --highlight overrides the comment; -o writes the file instead of stdout.
  const std::string out = (dir_ / "graph.dot").string();
  CommandResult written = runVerigrad("dot '" + file + "' --highlight %1 -o '" + out + "'");
  ASSERT_EQ(written.status, 0) << written.output;
  EXPECT_TRUE(written.output.empty()) << written.output;
  std::ifstream in(out);
  std::stringstream dot;
  dot << in.rdbuf();
  EXPECT_TRUE(highlighted(dot.str(), 1)) << dot.str();
  EXPECT_FALSE(highlighted(dot.str(), 2)) << dot.str();
  EXPECT_EQ(runVerigrad("dot '" + file + "' --highlight %9 2>&1").status, 2);
}

TEST_F(CommandTest, DotOfAPlainCaseHighlightsNothing) {
  CommandResult r = runVerigrad("dot '" + writeFile("plain.case", kSquareSum) + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("color=red"), std::string::npos) << r.output;
}

}  // namespace
