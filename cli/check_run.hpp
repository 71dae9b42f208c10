// What one `verigrad check` run chose and found, shared by the runner (check_command.cpp) and the
// printer of its tables and JSON (check_report.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "op_counts.hpp"
#include "rc_adapter.hpp"
#include "shape_theorems.hpp"
#include "verigrad/props/property.hpp"

namespace verigrad::cli {

struct CheckOptions {
  std::vector<const props::Property*> properties;
  bool theorems = false;  // run the Z3 shape theorems as the `shape-theorems` row
  RcParams rc;            // rc.seed is the run's seed; each property derives its own from it
  bool json = false;
  bool timing = true;
  std::filesystem::path saveDir;
  bool fullDefaultRun = false;  // the op-coverage minimum applies
  std::string program;          // how the user invoked us, for the commands we print
};

// The outcome of one property's run.
struct PropertyRow {
  const props::Property* property = nullptr;
  RcRun run;
  double seconds = 0;
  std::optional<props::Case> failingCase;  // the last failing evaluation: the shrunk minimum
  std::optional<props::Outcome> failingOutcome;
  std::string savedFile;  // empty when nothing failed or the save failed
  std::string saveError;
  // Generated cases (shrink attempts excluded) whose outcome was Inconclusive, and the first.
  uint64_t generated = 0;
  uint64_t inconclusive = 0;
  std::optional<props::Outcome> firstInconclusive;

  // The cases the property applied to (generated, not discarded): the share's denominator.
  uint64_t applicable() const;
  double inconclusiveShare() const;  // 0 when nothing applied
  bool inconclusiveOverBudget() const;
  bool failed() const;  // RapidCheck's verdict failed, or the inconclusive share is over budget
};

struct CheckResults {
  std::vector<PropertyRow> rows;
  std::optional<TheoremRun> theorems;
  double theoremSeconds = 0;  // wall time of the theorem row
  OpCounter ops;
  uint64_t minOpCount = 0;
  std::vector<std::string> scarceOps;  // "op count" below the minimum (full default runs only)
  bool passed = true;
};

bool failed(const RcRun& run);

void printCheckText(const CheckResults& results, const CheckOptions& options);
void printCheckJson(const CheckResults& results, const CheckOptions& options);

}  // namespace verigrad::cli
