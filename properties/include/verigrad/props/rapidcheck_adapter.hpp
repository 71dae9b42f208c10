// Running a property under RapidCheck, shared by the GoogleTest suite and the `verigrad` command so
// that a `RC_PARAMS="reproduce=..."` string from one replays in the other: both draw exactly one
// case with genCase(cfg) and register the property under the same test id.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "verigrad/props/generators.hpp"
#include "verigrad/props/property.hpp"

namespace verigrad::props {

// The RapidCheck test id of a property: "Properties/<id with '-' as '_'>", which is what
// RC_GTEST_PROP(Properties, forward_spec, ()) registers for "forward-spec".
std::string rapidcheckTestId(std::string_view propertyId);
// The GoogleTest name part alone ("forward_spec").
std::string gtestName(std::string_view propertyId);

// Called on every failing evaluation, the shrunk minimum last (e.g. to save the case).
using FailureHook = std::function<void(const Property&, const Outcome&, const Case&)>;

// The body of a RapidCheck property: draws one case, runs p, RC_DISCARDs a Discard and RC_FAILs a
// Fail with report(). Call it only inside a RapidCheck property (RC_GTEST_PROP, rc::check).
void runUnderRapidCheck(const Property& p, const GenConfig& cfg = {},
                        const FailureHook& onFailure = {});

}  // namespace verigrad::props
