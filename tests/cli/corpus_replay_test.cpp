// Replays every saved case of tests/corpus/ (counterexamples and hand-written regressions)
// through every property, as plain GoogleTest cases: proptest-style regressions in ctest.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "verigrad/props/case.hpp"
#include "verigrad/props/property.hpp"

namespace verigrad::props {
namespace {

const std::vector<std::string> kCorpusFiles = {
#include "corpus_files.inc"
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "…/tests/corpus/kink_ties.case" -> "kink_ties" (GoogleTest names: letters, digits, '_').
std::string testName(const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') + 1);
  stem = stem.substr(0, stem.rfind('.'));
  for (char& ch : stem) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return stem;
}

class CorpusReplay : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusReplay, EveryPropertyHolds) {
  const std::string text = readFile(GetParam());
  ASSERT_FALSE(text.empty()) << "cannot read " << GetParam();
  Result<Case> c = parseCase(text);
  ASSERT_TRUE(c.ok()) << GetParam() << ": " << c.error().message;
  for (const Property& p : properties()) {
    const Outcome o = p.check(c.value());
    EXPECT_TRUE(o.passed()) << GetParam() << "\n" << report(p, o, c.value());
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusReplay, ::testing::ValuesIn(kCorpusFiles),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return testName(info.param);
                         });

// A glob that silently matched nothing would make the replay above vacuous.
TEST(Corpus, HoldsTheHandWrittenRegressions) {
  EXPECT_GE(kCorpusFiles.size(), 8u);
  for (const char* name : {"duplicate_parents", "detach_and_const", "zero_sized_dims", "kink_ties",
                           "division_by_zero"}) {
    bool found = false;
    for (const std::string& f : kCorpusFiles) found = found || testName(f) == name;
    EXPECT_TRUE(found) << name << ".case is missing from tests/corpus/";
  }
}

}  // namespace
}  // namespace verigrad::props
