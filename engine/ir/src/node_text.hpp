// A node's head in the graph text syntax, e.g. "%7 = sliceRange0(%3) {start = 0, len = 2}".
// Shared by Graph::nodeText, the builder's messages and the graph printer.
#pragma once

#include <span>
#include <string>

#include "verigrad/graph.hpp"

namespace verigrad::detail {

// `abbreviate` shortens attribute lists longer than 8 entries (for error messages).
std::string formatNodeText(ValueId id, Op op, std::span<const ValueId> parents,
                           std::span<const int64_t> ints, std::span<const ExactLiteral> literals,
                           bool abbreviate);

}  // namespace verigrad::detail
