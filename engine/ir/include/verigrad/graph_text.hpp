// The graph text format: SSA lines with ids, op, parents, attributes and declared shapes, exact
// rational literals, and optional input values and seeds. parse(print(g)) == g.
//
//   # comment
//   input %0 : [2,3]
//   input %1 : [3]
//   %2 = reshape(%1) : [3,1]
//   %3 = matmul(%0, %2) : [2,1]
//   %4 = scale(%3) {c = -1/3} : [2,1]
//   %5 = gatherVecNat(%1) {indices = [0, 2, 2]} : [3]
//   value %1 = [1, 1/2, -3]
//   seed %4 = [1, 0]
//
// Inputs come first, numbered from 0; node ids continue in order. Every parse error reports
// line and column; a node the builder rejects reports the builder's message with its line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/graph.hpp"

namespace verigrad {

// A graph plus the optional data a saved case carries (input values, seeds), as exact literals.
struct GraphText {
  Graph graph;
  std::vector<std::optional<std::vector<ExactLiteral>>> values;  // per input id; nullopt if absent
  std::vector<std::optional<std::vector<ExactLiteral>>> seeds;   // per value id; nullopt if absent
};

std::string printGraph(const Graph& g);
std::string printGraphText(const GraphText& t);
Result<GraphText> parseGraphText(std::string_view text);
// Structural equality: same Γ, and node by node the same op, parents, attributes and shape.
bool sameGraph(const Graph& a, const Graph& b);

}  // namespace verigrad
