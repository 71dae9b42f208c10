// The named properties of the suite: plain functions from a Case to an Outcome, usable from
// GoogleTest (RC_GTEST_PROP), from the `verigrad` command and from replay of saved cases. In every
// property the engine errors iff the spec errors (same node, same kind); only then are results
// compared.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "verigrad/oracle/mismatch.hpp"
#include "verigrad/props/case.hpp"

namespace verigrad::props {

struct Outcome {
  enum class Status { Pass, Fail, Discard };  // Discard: the case does not apply (counted)
  Status status = Status::Pass;
  std::optional<oracle::Mismatch> mismatch;   // set on Fail when the failure is about a node
  std::string message;                        // one line; the full report comes from report()

  bool passed() const { return status != Status::Fail; }
  static Outcome pass() { return {}; }
  static Outcome discard(std::string why) { return {Status::Discard, std::nullopt, std::move(why)}; }
  static Outcome fail(std::string why, std::optional<oracle::Mismatch> m = std::nullopt) {
    return {Status::Fail, std::move(m), std::move(why)};
  }
};

struct Property {
  std::string_view id;         // "layout", "out-id", "forward-spec", ... (CLI and GoogleTest names)
  std::string_view scalars;    // the scalar types it runs at, e.g. "exact" or "double, float"
  std::string_view statement;  // one sentence: what it asserts
  Outcome (*check)(const Case&);
};

// Every property, in the order the suite runs and prints them.
std::span<const Property> properties();
const Property* findProperty(std::string_view id);

// A multi-line report of a failing outcome: property, statement, mismatch (node, op, element,
// both values), and the case's graph as text and DOT.
std::string report(const Property& p, const Outcome& o, const Case& c);

}  // namespace verigrad::props
