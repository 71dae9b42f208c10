// Per-op counts over the cases a check run generates (shrink attempts excluded), so a run can
// show, and a full default run can require, that every op of the catalogue was exercised.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "verigrad/op.hpp"
#include "verigrad/props/generators.hpp"

namespace verigrad::cli {

class OpCounter {
 public:
  // Counts the ops of a case just evaluated; kept aside until we know it was a generated case.
  void stage(const props::Case& c);
  void commit();         // the staged case was a generated case: add it to the totals
  void discardStaged();  // it was a shrink attempt: forget it

  uint64_t cases() const { return cases_; }
  uint64_t count(Op op) const { return totals_[static_cast<size_t>(op)]; }
  // "name count" of every op under `minimum`, in catalogue order.
  std::vector<std::string> below(uint64_t minimum) const;
  std::string table() const;  // catalogue order, several columns
  std::string json() const;   // {"add": 12, ...}

 private:
  props::OpCounts totals_{};
  std::optional<props::OpCounts> staged_;
  uint64_t cases_ = 0;
};

}  // namespace verigrad::cli
