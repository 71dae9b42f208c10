// The RapidCheck body of every property (see rapidcheck_adapter.hpp).
#include "verigrad/props/rapidcheck_adapter.hpp"

namespace verigrad::props {

std::string gtestName(std::string_view propertyId) {
  std::string name(propertyId);
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

std::string rapidcheckTestId(std::string_view propertyId) {
  return "Properties/" + gtestName(propertyId);
}

void runUnderRapidCheck(const Property& p, const GenConfig& cfg, const FailureHook& onFailure) {
  const Case c = *genCase(cfg);
  const Outcome o = p.check(c);
  if (o.status == Outcome::Status::Discard) RC_DISCARD(o.message);
  // Inconclusive is not a failure: RapidCheck counts the case as a success, the tag shows the
  // share in GoogleTest's report, and the caller (verigrad check) counts it against the budget.
  RC_CLASSIFY(o.status == Outcome::Status::Inconclusive, "inconclusive");
  if (!o.passed()) {
    if (onFailure) onFailure(p, o, c);
    RC_FAIL(report(p, o, c));
  }
}

}  // namespace verigrad::props
