// The named properties of the suite: plain functions from a Case to an Outcome, usable from
// GoogleTest (RC_GTEST_PROP), from the `verigrad` command and from replay of saved cases. In every
// property the engine errors iff the spec errors (same node, same kind); only then are results
// compared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "verigrad/oracle/mismatch.hpp"
#include "verigrad/props/case.hpp"

namespace verigrad::props {

struct Outcome {
  // Discard: the case does not apply (counted). Inconclusive: an interval comparison could not
  // decide (enclosures that intersect but are not narrow, or a domain error on one side only):
  // counted, never a pass and never a failure by itself; a run fails when its inconclusive cases
  // exceed oracle::kMaxInconclusiveShare of the cases it applied to.
  enum class Status { Pass, Fail, Discard, Inconclusive };
  Status status = Status::Pass;
  // Set on Fail when the failure is about a node; on Inconclusive, the first undecided element.
  std::optional<oracle::Mismatch> mismatch;
  std::string message;  // one line; the full report comes from report()

  bool passed() const { return status != Status::Fail; }  // not a failure (possibly undecided)
  static Outcome pass() { return {}; }
  static Outcome discard(std::string why) {
    return {Status::Discard, std::nullopt, std::move(why)};
  }
  static Outcome fail(std::string why, std::optional<oracle::Mismatch> m = std::nullopt) {
    return {Status::Fail, std::move(m), std::move(why)};
  }
  static Outcome inconclusive(std::string why, std::optional<oracle::Mismatch> m = std::nullopt) {
    return {Status::Inconclusive, std::move(m), std::move(why)};
  }
};

// "pass", "FAIL", "discard", "inconclusive".
std::string_view statusName(Outcome::Status s);

// The share above which a run's inconclusive cases fail it (oracle::kMaxInconclusiveShare), and
// the test: `inconclusive` of `applicable` cases (generated cases the property did not discard).
double maxInconclusiveShare();
bool inconclusiveShareExceeded(uint64_t inconclusive, uint64_t applicable);

struct Property {
  std::string_view id;  // "layout", "out-id", "forward-spec", ... (CLI and GoogleTest names)
  // The scalar types it runs at, e.g. "exact, interval" (interval: cases whose graph holds a
  // transcendental op) or "double, float".
  std::string_view scalars;
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
