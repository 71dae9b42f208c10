// `verigrad accuracy` run as a user runs it: the table lists every transcendental op at float and
// double with finite errors, the PNG is written (when gnuplot is installed), --help documents the
// floor and the domains, and bad arguments exit 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int status = -1;
  std::string output;
};

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

bool HaveGnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

TEST(AccuracyCommand, PrintsTheTableAndWritesThePng) {
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("verigrad-accuracy-" + std::to_string(rd()));
  fs::create_directories(dir);
  const fs::path png = dir / "accuracy.png";
  const CommandResult r = runVerigrad("accuracy --cases 5 --png '" + png.string() + "' 2>&1");
  std::cout << r.output;
  for (const char* op : {"sqrt", "sigmoid", "tanh", "softplus", "exp", "log", "safeLog", "softmax",
                         "logSoftmax", "layerNorm"}) {
    for (const char* scalar : {"float", "double"}) {
      for (const char* quantity : {"value", "gradient"}) {
        // One row per op, scalar and quantity: "op scalar quantity max median elements cases".
        std::istringstream lines(r.output);
        std::string line;
        bool found = false;
        while (std::getline(lines, line)) {
          std::istringstream words(line);
          std::string a, b, c, max, median, elements, cases;
          if (!(words >> a >> b >> c >> max >> median >> elements >> cases)) continue;
          if (a != op || b != scalar || c != quantity) continue;
          found = true;
          EXPECT_EQ(cases, "5") << line;
          EXPECT_NE(max.find_first_of("0123456789"), std::string::npos) << line;
          EXPECT_EQ(max.find("inf"), std::string::npos) << line;
          EXPECT_EQ(max.find("nan"), std::string::npos) << line;
          EXPECT_NE(elements, "0") << line;
        }
        EXPECT_TRUE(found) << op << " " << scalar << " " << quantity;
      }
    }
  }
  if (HaveGnuplot()) {
    EXPECT_EQ(r.status, 0);
    ASSERT_TRUE(fs::exists(png));
    EXPECT_GT(fs::file_size(png), 1000u);
  } else {
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("gnuplot"), std::string::npos);
  }
  fs::remove_all(dir);
}

TEST(AccuracyCommand, NoPngPrintsTheTableOnly) {
  const CommandResult r = runVerigrad("accuracy --cases 1 --seed 7 --no-png");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("layerNorm"), std::string::npos);
  EXPECT_EQ(r.output.find("wrote"), std::string::npos);
}

TEST(AccuracyCommand, HelpStatesTheFloorAndTheDomains) {
  const CommandResult r = runVerigrad("accuracy --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("2^-30"), std::string::npos);
  EXPECT_NE(r.output.find("gnuplot-nox"), std::string::npos);
  EXPECT_NE(r.output.find("input domains"), std::string::npos);
}

TEST(AccuracyCommand, BadArgumentsExitTwo) {
  EXPECT_EQ(runVerigrad("accuracy --cases 0 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("accuracy --cases many 2>&1").status, 2);
  EXPECT_EQ(runVerigrad("accuracy --bogus 2>&1").status, 2);
}

}  // namespace
