// The check function of every property, one per property id, registered in properties_registry.cpp.
#pragma once

#include "verigrad/props/property.hpp"

namespace verigrad::props::detail {

// "interval": cases whose graph holds a transcendental op run there instead of at exact.
Outcome checkLayout(const Case& c);        // layout         (exact, interval, double, float)
Outcome checkOutId(const Case& c);         // out-id         (exact, interval, double)
Outcome checkForwardSpec(const Case& c);   // forward-spec   (exact, interval)
Outcome checkBackwardSpec(const Case& c);  // backward-spec  (exact, interval)
Outcome checkVjpLinearity(const Case& c);  // vjp-linearity  (exact, interval)
Outcome checkAdjoint(const Case& c);       // adjoint        (exact, interval)
Outcome checkAllVsFrom(const Case& c);     // all-vs-from    (exact, interval)
Outcome checkBadInput(const Case& c);      // bad-input      (exact, interval, double)
Outcome checkDeterminism(const Case& c);   // determinism    (double, float)
Outcome checkFloatLocal(const Case& c);    // float-local    (double, float)
Outcome checkPlanReuse(const Case& c);     // plan-reuse     (double, float)
Outcome checkCompileAdopt(const Case& c);  // compile-adopt  (exact, double, float)

// The interval halves of the value properties (properties_interval.cpp), for graphs with a
// transcendental op; the check functions above dispatch to them.
Outcome intervalForwardSpec(const Case& c);
Outcome intervalBackwardSpec(const Case& c);
Outcome intervalVjpLinearity(const Case& c);
Outcome intervalAdjoint(const Case& c);
Outcome intervalAllVsFrom(const Case& c);

}  // namespace verigrad::props::detail
