// The one place that touches RapidCheck's internals (rc::detail): runs a named property with an
// explicit seed, case count and size, observes every evaluation, and returns the result with the
// reproduce string. Nothing from RapidCheck leaks through this header.
#pragma once

#include <cstdint>
#include <string>

#include "verigrad/props/property.hpp"

namespace verigrad::cli {

struct RcParams {
  uint64_t seed = 0;
  int maxSuccess = 100;  // passing cases before the property passes
  int maxSize = 100;     // RapidCheck's size bound, passed to the generators
};

// Called from inside the RapidCheck run.
class RcObserver {
 public:
  virtual ~RcObserver() = default;
  // Every evaluation of the property (generated cases and shrink attempts alike), after the check.
  virtual void onEvaluated(const props::Case& c, const props::Outcome& o) = 0;
  // A generated case is done (not called for shrink attempts).
  virtual void onGeneratedCase(bool discarded) = 0;
  // A shrink attempt is done; `accepted` when it still fails (the new smallest failure).
  virtual void onShrinkTried(bool accepted) = 0;
};

struct RcRun {
  enum class Verdict { Pass, Fail, GaveUp, Error, Skipped };
  Verdict verdict = Verdict::Pass;
  int passed = 0;         // passing generated cases (RapidCheck's numSuccess)
  int discarded = 0;      // generated cases the property discarded
  std::string message;    // the failure, give-up or error description
  std::string reproduce;  // on failure: the RC_PARAMS value "reproduce=<base64>"
};

// The property's RapidCheck test id, shared with GoogleTest ("<suite>/<name>"), so one
// RC_PARAMS="reproduce=..." string replays the failure from either.
std::string rapidCheckId(const props::Property& p);

// Runs `p` through RapidCheck. When RC_PARAMS carries a reproduce map, a property in the map is
// reproduced straight to its minimal case and every other property is Skipped (as in GoogleTest).
RcRun runWithRapidCheck(const props::Property& p, const RcParams& params, RcObserver& observer);

// True when RC_PARAMS asks to reproduce failures.
bool reproduceRequested();

}  // namespace verigrad::cli
