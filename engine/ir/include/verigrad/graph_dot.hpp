// Graphviz DOT rendering of a graph, optionally highlighting one node (e.g. a mismatch).
#pragma once

#include <optional>
#include <string>

#include "verigrad/graph.hpp"

namespace verigrad {

std::string printDot(const Graph& g, std::optional<ValueId> highlight = std::nullopt);

}  // namespace verigrad
