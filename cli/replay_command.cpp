// `verigrad replay FILE`: re-runs every (or the named) property on one saved case, no RapidCheck
// involved, prints a table and the report of each failure; exit 1 if any property fails.
#include <array>
#include <iostream>

#include "args.hpp"
#include "case_file.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "property_selection.hpp"
#include "shape_theorems.hpp"

namespace verigrad::cli {
namespace {

constexpr std::array kOptions = {
    OptionSpec{"--property", "", OptionSpec::Arity::Many, "NAME",
               "replay only these properties (default: all)"},
    OptionSpec{"--json", "", OptionSpec::Arity::Switch, "", "print JSON instead of a table"},
};

constexpr CommandSpec kSpec{
    "replay", "FILE", "re-run the properties on a saved case file",
    "Parses the case in FILE (a case saved by `verigrad check`, a corpus file, or any graph text\n"
    "file: missing data lines default to zeros) and runs every property on it, or only the ones\n"
    "named with --property. A graph with a transcendental op is checked at the interval scalar,\n"
    "where a property may be inconclusive (neither pass nor failure). Prints a table and the full\n"
    "report of every failure; exits 1 if any property fails.",
    kOptions};

using props::statusName;

struct ReplayRow {
  const props::Property* property;
  props::Outcome outcome;
};

void printTable(const std::vector<ReplayRow>& rows, const CaseFile& file) {
  TextTable table({"property", "scalars", "result", "message"});
  for (const ReplayRow& r : rows) {
    table.addRow({std::string(r.property->id), std::string(r.property->scalars),
                  std::string(statusName(r.outcome.status)), r.outcome.message});
  }
  std::cout << "replay of " << file.path << " (" << file.value.graph.numInputs() << " inputs, "
            << file.value.graph.numNodes() << " nodes)\n\n"
            << table.render();
  for (const ReplayRow& r : rows) {
    // Failures, and inconclusive outcomes (what could not be decided), get the full report.
    if (r.outcome.passed() && r.outcome.status != props::Outcome::Status::Inconclusive) continue;
    std::cout << "\n" << props::report(*r.property, r.outcome, file.value);
  }
}

void printJson(const std::vector<ReplayRow>& rows, const CaseFile& file, bool passed) {
  std::vector<std::string> items;
  for (const ReplayRow& r : rows) {
    std::string item = "{\"property\": " + jsonString(r.property->id) +
                       ", \"scalars\": " + jsonString(r.property->scalars) +
                       ", \"result\": " + jsonString(statusName(r.outcome.status)) +
                       ", \"message\": " + jsonString(r.outcome.message);
    if (r.outcome.mismatch) item += ", \"node\": " + std::to_string(r.outcome.mismatch->node);
    items.push_back(item + "}");
  }
  std::cout << "{\"file\": " << jsonString(file.path)
            << ", \"inputs\": " << file.value.graph.numInputs()
            << ", \"nodes\": " << file.value.graph.numNodes()
            << ", \"passed\": " << (passed ? "true" : "false")
            << ", \"properties\": " << jsonArray(items) << "}\n";
}

}  // namespace

int runReplayCommand(int argc, char** argv) {
  int exitCode = kExitOk;
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  for (const std::string& name : args->values("--property")) {
    if (name == kShapeTheoremsId) {
      return usageError(kSpec,
                        "shape-theorems is about the shape rules, not a case: run "
                        "`verigrad check --property shape-theorems`");
    }
  }
  auto selection = selectProperties(args->values("--property"));
  if (auto* error = std::get_if<std::string>(&selection)) return usageError(kSpec, *error);
  Result<CaseFile> file = loadCaseFile(args->positional()[0]);
  if (!file.ok()) {
    std::cerr << "verigrad replay: " << file.error().message << "\n";
    return kExitFailure;
  }
  std::vector<ReplayRow> rows;
  bool passed = true;
  for (const props::Property* p : std::get<0>(selection)) {
    rows.push_back({p, checkCase(*p, file->value)});
    passed = passed && rows.back().outcome.passed();
  }
  if (args->has("--json")) {
    printJson(rows, file.value(), passed);
  } else {
    printTable(rows, file.value());
    std::cout << "\nreplay: " << (passed ? "pass" : "FAIL") << "\n";
  }
  return passed ? kExitOk : kExitFailure;
}

}  // namespace verigrad::cli
