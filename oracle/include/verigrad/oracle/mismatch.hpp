// Mismatch: what the oracle reports when the engine and the spec disagree, and its rendering
// (property, node id, op, element multi-index, both values, the graph as text and as DOT).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "verigrad/graph.hpp"

namespace verigrad::oracle {

struct Mismatch {
  std::string what;     // "value", "gradient", "error", "shape", "float-bound", ...
  int64_t node = -1;    // value id in Γ ++ ss, -1 when the disagreement is not about one
  std::string element;  // multi-index like "[1,0]", empty when not about one element
  std::string engine;   // the engine's value or error
  std::string spec;     // the reference's value or error
  std::string detail;   // anything else worth saying (bound, seed, ...)
};

// Multi-line report: the property, node id and op text, element, both values, then the graph
// in the text format and as DOT with the node highlighted.
std::string formatMismatch(std::string_view property, const Mismatch& m, const Graph& g,
                           bool withDot = true);

// The one-line head of formatMismatch (no graph), for tables and test failure messages.
std::string summarizeMismatch(const Mismatch& m, const Graph& g);

}  // namespace verigrad::oracle
