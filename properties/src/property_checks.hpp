// The check function of every property, one per property id, registered in properties_registry.cpp.
#pragma once

#include "verigrad/props/property.hpp"

namespace verigrad::props::detail {

Outcome checkLayout(const Case& c);        // layout         (exact, double, float)
Outcome checkOutId(const Case& c);         // out-id         (exact, double)
Outcome checkForwardSpec(const Case& c);   // forward-spec   (exact)
Outcome checkBackwardSpec(const Case& c);  // backward-spec  (exact)
Outcome checkVjpLinearity(const Case& c);  // vjp-linearity  (exact)
Outcome checkAdjoint(const Case& c);       // adjoint        (exact)
Outcome checkAllVsFrom(const Case& c);     // all-vs-from    (exact)
Outcome checkBadInput(const Case& c);      // bad-input      (exact, double)
Outcome checkDeterminism(const Case& c);   // determinism    (double, float)
Outcome checkFloatLocal(const Case& c);    // float-local    (double, float)

}  // namespace verigrad::props::detail
