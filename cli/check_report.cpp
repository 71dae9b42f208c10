// The output of `verigrad check`: the results table (time column only with timing, so a seed
// reproduces the rest byte for byte) with each property's inconclusive count and share, op
// counts, shape theorems, and each failure with its report, saved case, seed, reproduce string
// and replay command; or all of it as JSON.
#include <cstdio>
#include <iostream>

#include "check_run.hpp"
#include "output.hpp"

namespace verigrad::cli {
namespace {

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

std::string secondsNumber(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}
std::string secondsText(double s) { return secondsNumber(s) + " s"; }

// A share as a percentage with one decimal ("3.0%"), and as a JSON number ("0.030").
std::string percentText(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * share);
  return buf;
}
std::string shareNumber(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", share);
  return buf;
}

std::string inconclusiveText(const PropertyRow& r) {
  return std::to_string(r.inconclusive) + " (" + percentText(r.inconclusiveShare()) + ")";
}

std::string resultText(const PropertyRow& r) {
  if (r.run.verdict == RcRun::Verdict::Pass && r.inconclusiveOverBudget()) {
    return "FAIL (inconclusive > " + percentText(props::maxInconclusiveShare()) + ")";
  }
  return std::string(verdictName(r.run.verdict));
}

std::string resultsTable(const CheckResults& results, bool timing) {
  std::vector<std::string> header = {"property",  "scalars",      "cases",
                                     "discarded", "inconclusive", "result"};
  if (timing) header.push_back("time");
  TextTable table(header);
  for (const PropertyRow& r : results.rows) {
    std::vector<std::string> row = {std::string(r.property->id),  std::string(r.property->scalars),
                                    std::to_string(r.run.passed), std::to_string(r.run.discarded),
                                    inconclusiveText(r),          resultText(r)};
    if (timing) row.push_back(secondsText(r.seconds));
    table.addRow(std::move(row));
  }
  if (const auto& t = results.theorems) {
    // One "case" per theorem: the row counts theorems proved.
    std::vector<std::string> row = {std::string(kShapeTheoremsId),
                                    std::string(kShapeTheoremsScope),
                                    std::to_string(t->proved),
                                    "0",
                                    "-",
                                    t->passed() ? "pass" : "FAIL"};
    if (timing) row.push_back(secondsText(results.theoremSeconds));
    table.addRow(std::move(row));
  }
  return table.render();
}

std::string theoremTable(const TheoremRun& run, bool timing) {
  std::vector<std::string> header = {"theorem", "op", "status"};
  if (timing) header.push_back("solver time");
  TextTable table(header);
  for (const TheoremLine& line : run.lines) {
    std::vector<std::string> row = {line.name, line.op, line.status};
    if (timing) row.push_back(secondsText(line.seconds));
    table.addRow(std::move(row));
  }
  std::string out = table.render();
  for (const TheoremLine& line : run.lines) {
    if (line.status != "proved") out += line.name + " (" + line.op + "): " + line.detail + "\n";
  }
  return out;
}

std::string coverageNote(const CheckResults& results, const CheckOptions& options) {
  const std::string minimum = "minimum " + std::to_string(results.minOpCount) + " per op";
  if (options.fullDefaultRun) return minimum + ": checked (full default run)";
  return minimum +
         ": not checked (only for a full run: all properties, default --cases and "
         "--max-size)";
}

std::string reproduceCommand(const PropertyRow& r, const CheckOptions& options) {
  return "RC_PARAMS=\"" + r.run.reproduce + "\" " + options.program + " check --property " +
         std::string(r.property->id);
}

std::string replayCommand(const PropertyRow& r, const CheckOptions& options) {
  return options.program + " replay " + r.savedFile;
}

// The first inconclusive case of each property that had one: what could not be decided.
std::string inconclusiveNotes(const CheckResults& results) {
  std::string out;
  for (const PropertyRow& r : results.rows) {
    if (!r.firstInconclusive) continue;
    out += "  " + std::string(r.property->id) + ": " + r.firstInconclusive->message;
    if (const auto& m = r.firstInconclusive->mismatch) {
      out += " (first: " + m->what + (m->node >= 0 ? " at %" + std::to_string(m->node) : "") +
             (m->element.empty() ? "" : " " + m->element) + ")";
    }
    out += "\n";
  }
  return out;
}

void printFailureText(std::ostream& os, const PropertyRow& r, const CheckOptions& options) {
  if (!failed(r.run)) {  // only the inconclusive share is over budget
    os << "\n== FAIL: " << r.property->id << " ==\n"
       << r.inconclusive << " of " << r.applicable() << " cases inconclusive ("
       << percentText(r.inconclusiveShare()) << "), above the "
       << percentText(props::maxInconclusiveShare()) << " a run may leave undecided\n";
    if (r.firstInconclusive) os << "first: " << r.firstInconclusive->message << "\n";
    os << "seed: " << options.rc.seed << "\n";
    return;
  }
  os << "\n== " << verdictName(r.run.verdict) << ": " << r.property->id << " ==\n";
  if (r.failingCase && r.failingOutcome) {
    os << props::report(*r.property, *r.failingOutcome, *r.failingCase);
    os << "shrunk case: " << r.failingCase->graph.numInputs() << " inputs, "
       << r.failingCase->graph.numNodes() << " nodes\n";
  } else {
    os << r.run.message << "\n";
  }
  os << "seed: " << options.rc.seed << "\n";
  if (!r.run.reproduce.empty()) os << "reproduce: " << reproduceCommand(r, options) << "\n";
  if (!r.savedFile.empty()) {
    os << "saved: " << r.savedFile << "\n";
    os << "replay: " << replayCommand(r, options) << "\n";
  } else if (!r.saveError.empty()) {
    os << "could not save the case: " << r.saveError << "\n";
  }
}

std::string rowJson(const PropertyRow& r, const CheckOptions& options) {
  std::string out = "{\"property\": " + jsonString(r.property->id) +
                    ", \"scalars\": " + jsonString(r.property->scalars) +
                    ", \"cases\": " + std::to_string(r.run.passed) +
                    ", \"discarded\": " + std::to_string(r.run.discarded) +
                    ", \"inconclusive\": " + std::to_string(r.inconclusive) +
                    ", \"inconclusive_share\": " + shareNumber(r.inconclusiveShare()) +
                    ", \"result\": " + jsonString(r.failed() ? "FAIL" : verdictName(r.run.verdict));
  if (options.timing) out += ", \"seconds\": " + secondsNumber(r.seconds);
  if (r.firstInconclusive) {
    out += ", \"first_inconclusive\": " + jsonString(r.firstInconclusive->message);
  }
  if (!failed(r.run)) return out + "}";
  out +=
      ", \"message\": " + jsonString(r.failingOutcome ? r.failingOutcome->message : r.run.message);
  if (r.failingCase && r.failingOutcome) {
    out += ", \"report\": " +
           jsonString(props::report(*r.property, *r.failingOutcome, *r.failingCase));
    out += ", \"shrunk_inputs\": " + std::to_string(r.failingCase->graph.numInputs());
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
  return out + "}";
}

std::string theoremsJson(const TheoremRun& run, bool timing) {
  std::vector<std::string> items;
  for (const TheoremLine& line : run.lines) {
    std::string item = "{\"theorem\": " + jsonString(line.name) +
                       ", \"op\": " + jsonString(line.op) +
                       ", \"status\": " + jsonString(line.status);
    if (timing) item += ", \"seconds\": " + secondsNumber(line.seconds);
    if (!line.detail.empty()) item += ", \"detail\": " + jsonString(line.detail);
    items.push_back(item + "}");
  }
  return "{\"passed\": " + std::string(run.passed() ? "true" : "false") +
         ", \"proved\": " + std::to_string(run.proved) +
         ", \"total\": " + std::to_string(run.lines.size()) +
         ", \"theorems\": " + jsonArray(items) + "}";
}

}  // namespace

bool failed(const RcRun& run) {
  return run.verdict != RcRun::Verdict::Pass && run.verdict != RcRun::Verdict::Skipped;
}

uint64_t PropertyRow::applicable() const {
  const auto discarded = static_cast<uint64_t>(run.discarded);
  return generated > discarded ? generated - discarded : 0;
}

double PropertyRow::inconclusiveShare() const {
  return applicable() == 0 ? 0
                           : static_cast<double>(inconclusive) / static_cast<double>(applicable());
}

bool PropertyRow::inconclusiveOverBudget() const {
  return props::inconclusiveShareExceeded(inconclusive, applicable());
}

bool PropertyRow::failed() const { return cli::failed(run) || inconclusiveOverBudget(); }

void printCheckText(const CheckResults& results, const CheckOptions& options) {
  std::ostream& os = std::cout;
  os << resultsTable(results, options.timing) << "\nseed: " << options.rc.seed << " ("
     << options.rc.maxSuccess << " cases per property, max size " << options.rc.maxSize
     << "; each property draws from a seed derived from it and the property id)\n"
     << "inconclusive: interval cases whose enclosures intersect but are not narrow; a property "
        "fails above "
     << percentText(props::maxInconclusiveShare()) << " of its cases\n";
  if (std::string notes = inconclusiveNotes(results); !notes.empty()) {
    os << "first inconclusive case per property:\n" << notes;
  }
  if (!results.rows.empty()) {
    os << "\nop counts over " << results.ops.cases() << " generated cases:\n"
       << results.ops.table() << "op coverage: " << coverageNote(results, options) << "\n";
  }
  if (!results.scarceOps.empty()) {
    os << "op coverage: FAIL, below the minimum:";
    for (const std::string& s : results.scarceOps) os << " " << s;
    os << "\n";
  }
  if (results.theorems) {
    os << "\nshape theorems (" << results.theorems->proved << " of "
       << results.theorems->lines.size() << " proved):\n"
       << theoremTable(*results.theorems, options.timing);
  }
  for (const PropertyRow& r : results.rows) {
    if (r.failed()) printFailureText(os, r, options);
  }
  os << "\ncheck: " << (results.passed ? "pass" : "FAIL") << "\n";
}

void printCheckJson(const CheckResults& results, const CheckOptions& options) {
  std::vector<std::string> items, scarce;
  for (const PropertyRow& r : results.rows) items.push_back(rowJson(r, options));
  for (const std::string& s : results.scarceOps) scarce.push_back(jsonString(s));
  std::cout << "{\"seed\": " << options.rc.seed << ", \"cases\": " << options.rc.maxSuccess
            << ", \"max_size\": " << options.rc.maxSize
            << ", \"passed\": " << (results.passed ? "true" : "false")
            << ", \"max_inconclusive_share\": " << shareNumber(props::maxInconclusiveShare())
            << ",\n \"properties\": " << jsonArray(items)
            << ",\n \"generated_cases\": " << results.ops.cases()
            << ", \"op_counts\": " << results.ops.json()
            << ",\n \"op_coverage\": {\"checked\": " << (options.fullDefaultRun ? "true" : "false")
            << ", \"minimum\": " << results.minOpCount
            << ", \"below_minimum\": " << jsonArray(scarce) << "}";
  if (results.theorems) {
    std::cout << ",\n \"shape_theorems\": " << theoremsJson(*results.theorems, options.timing);
  }
  std::cout << "}\n";
}

}  // namespace verigrad::cli
