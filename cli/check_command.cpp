// `verigrad check`: parses the options, runs the selected properties through RapidCheck (each at
// a seed derived from the run's seed), saves every failing evaluation, counts ops, runs the Z3
// shape theorems, and hands the results to check_report.cpp.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>

#include "args.hpp"
#include "case_file.hpp"
#include "check_run.hpp"
#include "commands.hpp"
#include "property_selection.hpp"

namespace verigrad::cli {
namespace {

// Pinned for `verigrad check`; ctest pins its own (smaller) counts in the GoogleTest suite.
constexpr int kDefaultCases = 100;
constexpr int kDefaultMaxSize = 100;
// A full default run requires every op of the catalogue kMinOpCountPer100 times per 100 generated
// cases (the generators' own coverage target, properties/generators.hpp).
uint64_t minOpCount(uint64_t generatedCases) {
  return std::max<uint64_t>(props::kMinOpCountPer100,
                            props::kMinOpCountPer100 * generatedCases / 100);
}
constexpr std::string_view kDefaultSaveDir = "verigrad-failures";

constexpr std::array kOptions = {
    OptionSpec{"--property", "", OptionSpec::Arity::Many, "NAME",
               "run only these properties (default: all, and shape-theorems)"},
    OptionSpec{"--cases", "", OptionSpec::Arity::One, "N",
               "passing cases per property (default 100)"},
    OptionSpec{"--max-size", "", OptionSpec::Arity::One, "N",
               "RapidCheck's size bound for the generators (default 100)"},
    OptionSpec{"--seed", "", OptionSpec::Arity::One, "S", "seed of the run (default: random)"},
    OptionSpec{"--json", "", OptionSpec::Arity::Switch, "", "print JSON instead of tables"},
    OptionSpec{"--no-timing", "", OptionSpec::Arity::Switch, "",
               "drop the time column (same seed => byte-identical output)"},
    OptionSpec{"--save-dir", "", OptionSpec::Arity::One, "DIR",
               "where failing cases are saved (default verigrad-failures/)"},
};

constexpr CommandSpec kSpec{
    "check", "", "run the property suite through RapidCheck (the main job)",
    "Runs every property (or the ones named with --property) through RapidCheck, each at a seed\n"
    "derived from the run's seed, then the Z3 shape theorems (the row `shape-theorems`, when the\n"
    "build has Z3). Prints a table (property, scalar types, cases, discarded, inconclusive,\n"
    "result, time), the seed, per-op counts over the generated cases and each theorem with its\n"
    "status. Graphs with a transcendental op (exp, log, softmax, ...) are checked at the interval\n"
    "scalar: a case whose enclosures intersect but are not narrow is inconclusive, neither a pass\n"
    "nor a failure; a property fails when more than 5% of its cases (passing or inconclusive) are\n"
    "inconclusive. A full run (all properties, default --cases and --max-size) also fails when an\n"
    "op of the catalogue was generated fewer than 10 times per 100 generated cases.\n"
    "\n"
    "On a failure the shrunk counterexample is reported and saved as a case file in the save\n"
    "directory, with the seed, the RC_PARAMS reproduce string and the `verigrad replay` command\n"
    "that replays it. RC_PARAMS=\"reproduce=...\" (from here or from the GoogleTest suite)\n"
    "re-runs only the failing property, straight to its minimal case. Progress goes to stderr\n"
    "when it is a terminal. Exit status 1 on any failure.",
    kOptions};

// Progress on stderr, redrawn in place; only when stderr is a terminal, so logs and pipes stay
// clean and stdout (the table) is never touched.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void show(std::string_view property, int generated, int target, int shrinks) {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K  %.*s: %d/%d cases", static_cast<int>(property.size()),
                 property.data(), generated, target);
    if (shrinks > 0) std::fprintf(stderr, ", shrinking (%d tried)", shrinks);
    std::fflush(stderr);
  }
  void clear() {
    if (!enabled_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }

 private:
  bool enabled_;
};

// Watches one property's run: counts ops of generated cases, saves every failing evaluation
// (so the file left on disk is the shrunk minimum), and drives the progress line.
class CheckObserver : public RcObserver {
 public:
  CheckObserver(const CheckOptions& options, PropertyRow& row, OpCounter& ops, Progress& progress)
      : options_(options), row_(row), ops_(ops), progress_(progress) {}

  void onEvaluated(const props::Case& c, const props::Outcome& o) override {
    ops_.stage(c);
    staged_.reset();
    if (o.status == props::Outcome::Status::Inconclusive) staged_ = o;
    if (o.status == props::Outcome::Status::Fail) saveFailure(c, o);
  }
  void onGeneratedCase(bool /*discarded*/) override {
    ops_.commit();
    ++row_.generated;
    if (staged_) {
      ++row_.inconclusive;
      if (!row_.firstInconclusive) row_.firstInconclusive = std::move(staged_);
      staged_.reset();
    }
    ++generated_;
    progress_.show(row_.property->id, generated_, options_.rc.maxSuccess, shrinks_);
  }
  void onShrinkTried(bool /*accepted*/) override {
    ops_.discardStaged();
    staged_.reset();
    ++shrinks_;
    if (shrinks_ % 8 == 0) {
      progress_.show(row_.property->id, generated_, options_.rc.maxSuccess, shrinks_);
    }
  }

 private:
  std::filesystem::path savePath() const {
    return options_.saveDir /
           (std::string(row_.property->id) + "-" + std::to_string(options_.rc.seed) + ".case");
  }
  void saveFailure(const props::Case& c, const props::Outcome& o) {
    row_.failingCase = c;
    row_.failingOutcome = o;
    std::optional<int64_t> node;
    if (o.mismatch && o.mismatch->node >= 0) node = o.mismatch->node;
    const FailureRecord record{row_.property->id, options_.rc.seed, o.message, node};
    const std::filesystem::path path = savePath();
    if (std::optional<std::string> error =
            writeFileAtomically(path, renderFailureCase(record, c))) {
      row_.saveError = *error;
      row_.savedFile.clear();
    } else {
      row_.savedFile = path.string();
      row_.saveError.clear();
    }
  }

  const CheckOptions& options_;
  PropertyRow& row_;
  OpCounter& ops_;
  Progress& progress_;
  std::optional<props::Outcome> staged_;  // the evaluation's outcome, when inconclusive
  int generated_ = 0;
  int shrinks_ = 0;
};

// Each property runs at its own seed, derived from the run's seed and the property id: with one
// seed for all, every property would draw the very same cases. `--seed S --property P` still
// reproduces P's part of a full run with seed S.
uint64_t propertySeed(uint64_t runSeed, std::string_view id) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a of the id
  for (char ch : id) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  uint64_t z = runSeed ^ h;  // then one splitmix64 step to spread it
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

PropertyRow runOne(const props::Property& p, const CheckOptions& options, OpCounter& ops,
                   Progress& progress) {
  PropertyRow row;
  row.property = &p;
  CheckObserver observer(options, row, ops, progress);
  const auto start = std::chrono::steady_clock::now();
  RcParams params = options.rc;
  params.seed = propertySeed(options.rc.seed, p.id);
  row.run = runWithRapidCheck(p, params, observer);
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.clear();
  return row;
}

// Parses the options into CheckOptions; returns an error message for a bad value.
std::optional<std::string> readOptions(const ParsedArgs& args, CheckOptions& out) {
  // shape-theorems is not a case property: take it out of the names before selecting.
  std::vector<std::string> names = args.values("--property");
  const bool namedTheorems = std::ranges::find(names, kShapeTheoremsId) != names.end();
  if (namedTheorems && !shapeTheoremsAvailable()) {
    return std::string(kShapeTheoremsId) + " is not in this build (Z3 was not found)";
  }
  std::erase(names, std::string(kShapeTheoremsId));
  // All by default; a RC_PARAMS reproduction runs only RapidCheck properties, like GoogleTest.
  out.theorems =
      namedTheorems || (names.empty() && shapeTheoremsAvailable() && !reproduceRequested());
  if (!names.empty() || !namedTheorems) {
    auto selection = selectProperties(names);
    if (auto* error = std::get_if<std::string>(&selection)) return *error;
    out.properties = std::get<0>(std::move(selection));
  }
  auto positiveInt = [&](std::string_view name, int fallback, int minimum,
                         int& into) -> std::optional<std::string> {
    into = fallback;
    if (std::optional<std::string> text = args.value(name)) {
      std::optional<uint64_t> v = parseUnsigned(*text);
      if (!v || *v < static_cast<uint64_t>(minimum) || *v > 1'000'000'000) {
        return std::string(name) + " needs a whole number >= " + std::to_string(minimum) +
               ", not '" + *text + "'";
      }
      into = static_cast<int>(*v);
    }
    return std::nullopt;
  };
  if (auto e = positiveInt("--cases", kDefaultCases, 1, out.rc.maxSuccess)) return e;
  if (auto e = positiveInt("--max-size", kDefaultMaxSize, 0, out.rc.maxSize)) return e;
  if (std::optional<std::string> text = args.value("--seed")) {
    std::optional<uint64_t> v = parseUnsigned(*text);
    if (!v) return "--seed needs an unsigned 64-bit number, not '" + *text + "'";
    out.rc.seed = *v;
  } else {
    std::random_device rd;
    out.rc.seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  out.json = args.has("--json");
  out.timing = !args.has("--no-timing");
  out.saveDir = args.value("--save-dir").value_or(std::string(kDefaultSaveDir));
  out.fullDefaultRun = out.properties.size() == props::properties().size() &&
                       out.rc.maxSuccess == kDefaultCases && out.rc.maxSize == kDefaultMaxSize &&
                       !reproduceRequested();
  return std::nullopt;
}

}  // namespace

int runCheckCommand(int argc, char** argv) {
  int exitCode = kExitOk;
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  CheckOptions options;
  if (std::optional<std::string> error = readOptions(*args, options)) {
    return usageError(kSpec, *error);
  }
  options.program = programName();

  Progress progress;
  CheckResults results;
  for (const props::Property* p : options.properties) {
    results.rows.push_back(runOne(*p, options, results.ops, progress));
    results.passed = results.passed && !results.rows.back().failed();
  }
  if (options.theorems) {
    const auto start = std::chrono::steady_clock::now();
    results.theorems = runShapeTheorems();
    results.theoremSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    results.passed = results.passed && results.theorems->passed();
  }
  results.minOpCount = minOpCount(results.ops.cases());
  if (options.fullDefaultRun) results.scarceOps = results.ops.below(results.minOpCount);
  results.passed = results.passed && results.scarceOps.empty();

  if (options.json) {
    printCheckJson(results, options);
  } else {
    printCheckText(results, options);
  }
  const bool passed = results.passed;
  return passed ? kExitOk : kExitFailure;
}

}  // namespace verigrad::cli
