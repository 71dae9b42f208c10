// `verigrad check`: runs the named properties through RapidCheck with one seed, prints a table
// (timings in their own column, dropped by --no-timing so a seed reproduces the table byte for
// byte), per-op counts with the coverage minimum, and for each failure the shrunk case, saved.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "args.hpp"
#include "case_file.hpp"
#include "commands.hpp"
#include "op_counts.hpp"
#include "output.hpp"
#include "property_selection.hpp"
#include "rc_adapter.hpp"

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
               "run only these properties (default: all)"},
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
    "Runs every property (or the ones named with --property) through RapidCheck with one seed,\n"
    "then prints a table (property, scalar types, cases, discarded, result, time), the seed and\n"
    "per-op counts over the generated cases. A full run (all properties, default case count and\n"
    "size) also fails when an op of the catalogue was generated fewer than 10 times per 100\n"
    "generated cases.\n"
    "On a failure the shrunk counterexample is reported and saved as a case file in the save\n"
    "directory, with the seed, the RC_PARAMS reproduce string and the `verigrad replay` command\n"
    "that replays it. RC_PARAMS=\"reproduce=...\" (from here or from the GoogleTest suite) "
    "re-runs\n"
    "only the failing property, straight to its minimal case. Progress goes to stderr when it is\n"
    "a terminal. Exit status 1 on any failure.",
    kOptions};

struct CheckOptions {
  std::vector<const props::Property*> properties;
  RcParams rc;
  bool json = false;
  bool timing = true;
  std::filesystem::path saveDir;
  bool fullDefaultRun = false;  // the op-coverage minimum applies
  std::string program;          // how the user invoked us, for the commands we print
};

// The outcome of one property's run, for the table and the failure section.
struct PropertyRow {
  const props::Property* property = nullptr;
  RcRun run;
  double seconds = 0;
  std::optional<props::Case> failingCase;  // the last failing evaluation: the shrunk minimum
  std::optional<props::Outcome> failingOutcome;
  std::string savedFile;  // empty when nothing failed or the save failed
  std::string saveError;
};

bool failed(const RcRun& run) {
  return run.verdict != RcRun::Verdict::Pass && run.verdict != RcRun::Verdict::Skipped;
}

std::string_view verdictName(RcRun::Verdict v) {
  switch (v) {
    case RcRun::Verdict::Pass:
      return "pass";
    case RcRun::Verdict::Fail:
      return "FAIL";
    case RcRun::Verdict::GaveUp:
      return "GAVE UP";
    case RcRun::Verdict::Error:
      return "ERROR";
    case RcRun::Verdict::Skipped:
      return "skipped";
  }
  return "?";
}

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
    if (o.status == props::Outcome::Status::Fail) saveFailure(c, o);
  }
  void onGeneratedCase(bool /*discarded*/) override {
    ops_.commit();
    ++generated_;
    progress_.show(row_.property->id, generated_, options_.rc.maxSuccess, shrinks_);
  }
  void onShrinkTried(bool /*accepted*/) override {
    ops_.discardStaged();
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

std::string secondsNumber(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}
std::string secondsText(double s) { return secondsNumber(s) + " s"; }

std::string resultsTable(const std::vector<PropertyRow>& rows, bool timing) {
  std::vector<std::string> header = {"property", "scalars", "cases", "discarded", "result"};
  if (timing) header.push_back("time");
  TextTable table(header);
  for (const PropertyRow& r : rows) {
    std::vector<std::string> row = {std::string(r.property->id), std::string(r.property->scalars),
                                    std::to_string(r.run.passed), std::to_string(r.run.discarded),
                                    std::string(verdictName(r.run.verdict))};
    if (timing) row.push_back(secondsText(r.seconds));
    table.addRow(std::move(row));
  }
  return table.render();
}

std::string coverageNote(const CheckOptions& options, const OpCounter& ops) {
  const std::string minimum = "minimum " + std::to_string(minOpCount(ops.cases())) + " per op";
  return options.fullDefaultRun ? minimum + ": checked (full default run)"
                                : minimum +
                                      ": not checked (only for a full run: all properties, "
                                      "default --cases and --max-size)";
}

std::string reproduceCommand(const PropertyRow& r, const CheckOptions& options) {
  return "RC_PARAMS=\"" + r.run.reproduce + "\" " + options.program + " check --property " +
         std::string(r.property->id);
}

std::string replayCommand(const PropertyRow& r, const CheckOptions& options) {
  return options.program + " replay " + r.savedFile;
}

void printFailureText(std::ostream& os, const PropertyRow& r, const CheckOptions& options) {
  os << "\n== " << verdictName(r.run.verdict) << ": " << r.property->id << " ==\n";
  if (r.failingCase && r.failingOutcome) {
    os << props::report(*r.property, *r.failingOutcome, *r.failingCase);
  } else {
    os << r.run.message << "\n";
  }
  os << "seed: " << options.rc.seed << "\n";
  if (r.failingCase) {
    os << "shrunk case: " << r.failingCase->graph.numInputs() << " inputs, "
       << r.failingCase->graph.numNodes() << " nodes\n";
  }
  if (!r.run.reproduce.empty()) os << "reproduce: " << reproduceCommand(r, options) << "\n";
  if (!r.savedFile.empty()) {
    os << "saved: " << r.savedFile << "\n";
    os << "replay: " << replayCommand(r, options) << "\n";
  } else if (!r.saveError.empty()) {
    os << "could not save the case: " << r.saveError << "\n";
  }
}

void printText(const std::vector<PropertyRow>& rows, const OpCounter& ops,
               const std::vector<std::string>& scarce, const CheckOptions& options, bool passed) {
  std::ostream& os = std::cout;
  os << resultsTable(rows, options.timing) << "\nseed: " << options.rc.seed << " ("
     << options.rc.maxSuccess << " cases per property, max size " << options.rc.maxSize
     << "; each property draws from a seed derived from it and the property id)\n";
  os << "\nop counts over " << ops.cases() << " generated cases:\n"
     << ops.table() << "op coverage: " << coverageNote(options, ops) << "\n";
  if (!scarce.empty()) {
    os << "op coverage: FAIL, below the minimum:";
    for (const std::string& s : scarce) os << " " << s;
    os << "\n";
  }
  for (const PropertyRow& r : rows) {
    if (failed(r.run)) printFailureText(os, r, options);
  }
  os << "\ncheck: " << (passed ? "pass" : "FAIL") << "\n";
}

std::string rowJson(const PropertyRow& r, const CheckOptions& options) {
  std::string out = "{\"property\": " + jsonString(r.property->id) +
                    ", \"scalars\": " + jsonString(r.property->scalars) +
                    ", \"cases\": " + std::to_string(r.run.passed) +
                    ", \"discarded\": " + std::to_string(r.run.discarded) +
                    ", \"result\": " + jsonString(verdictName(r.run.verdict));
  if (options.timing) out += ", \"seconds\": " + secondsNumber(r.seconds);
  if (failed(r.run)) {
    out += ", \"message\": " +
           jsonString(r.failingOutcome ? r.failingOutcome->message : r.run.message);
    if (r.failingCase && r.failingOutcome) {
      out += ", \"report\": " +
             jsonString(props::report(*r.property, *r.failingOutcome, *r.failingCase));
      out += ", \"shrunk_nodes\": " + std::to_string(r.failingCase->graph.numNodes());
      if (r.failingOutcome->mismatch) {
        out += ", \"node\": " + std::to_string(r.failingOutcome->mismatch->node);
      }
    }
    if (!r.run.reproduce.empty()) out += ", \"reproduce\": " + jsonString(r.run.reproduce);
    if (!r.savedFile.empty()) {
      out += ", \"case_file\": " + jsonString(r.savedFile) +
             ", \"replay\": " + jsonString(replayCommand(r, options));
    }
  }
  return out + "}";
}

void printJson(const std::vector<PropertyRow>& rows, const OpCounter& ops,
               const std::vector<std::string>& scarce, const CheckOptions& options, bool passed) {
  std::vector<std::string> items, scarceJson;
  for (const PropertyRow& r : rows) items.push_back(rowJson(r, options));
  for (const std::string& s : scarce) scarceJson.push_back(jsonString(s));
  std::cout << "{\"seed\": " << options.rc.seed << ", \"cases\": " << options.rc.maxSuccess
            << ", \"max_size\": " << options.rc.maxSize
            << ", \"passed\": " << (passed ? "true" : "false")
            << ",\n \"properties\": " << jsonArray(items)
            << ",\n \"generated_cases\": " << ops.cases() << ", \"op_counts\": " << ops.json()
            << ",\n \"op_coverage\": {\"checked\": " << (options.fullDefaultRun ? "true" : "false")
            << ", \"minimum\": " << minOpCount(ops.cases())
            << ", \"below_minimum\": " << jsonArray(scarceJson) << "}}\n";
}

// Parses the options into CheckOptions; returns an error message for a bad value.
std::optional<std::string> readOptions(const ParsedArgs& args, CheckOptions& out) {
  auto selection = selectProperties(args.values("--property"));
  if (auto* error = std::get_if<std::string>(&selection)) return *error;
  out.properties = std::get<0>(std::move(selection));
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
  OpCounter ops;
  std::vector<PropertyRow> rows;
  bool passed = true;
  for (const props::Property* p : options.properties) {
    rows.push_back(runOne(*p, options, ops, progress));
    passed = passed && !failed(rows.back().run);
  }
  std::vector<std::string> scarce;
  if (options.fullDefaultRun) scarce = ops.below(minOpCount(ops.cases()));
  passed = passed && scarce.empty();

  if (options.json) {
    printJson(rows, ops, scarce, options, passed);
  } else {
    printText(rows, ops, scarce, options, passed);
  }
  return passed ? kExitOk : kExitFailure;
}

}  // namespace verigrad::cli
