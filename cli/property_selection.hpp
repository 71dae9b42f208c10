// Choosing properties by id for check and replay (every property by default, or the named ones in
// suite order; an unknown name is a usage error listing the known ids), and running one on a case.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "verigrad/props/property.hpp"

namespace verigrad::cli {

// The selected properties, or the message for an unknown name.
std::variant<std::vector<const props::Property*>, std::string> selectProperties(
    const std::vector<std::string>& names);

// p.check(c), with an escaping exception turned into a failed outcome: a property that throws has
// found a bug too, and replay must report it rather than die.
props::Outcome checkCase(const props::Property& p, const props::Case& c);

}  // namespace verigrad::cli
