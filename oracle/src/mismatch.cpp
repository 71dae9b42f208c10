// Renders oracle mismatches for people: node, op, element, both values and the graph.
#include "verigrad/oracle/mismatch.hpp"

#include "verigrad/graph_dot.hpp"
#include "verigrad/graph_text.hpp"

namespace verigrad::oracle {

std::string summarizeMismatch(const Mismatch& m, const Graph& g) {
  std::string out = m.what + " mismatch";
  if (m.node >= 0 && static_cast<size_t>(m.node) < g.numValues()) {
    out += " at '" + g.nodeText(static_cast<ValueId>(m.node)) + "'";
  }
  if (!m.element.empty()) out += " element " + m.element;
  out += ": engine " + m.engine + ", spec " + m.spec;
  if (!m.detail.empty()) out += " (" + m.detail + ")";
  return out;
}

std::string formatMismatch(std::string_view property, const Mismatch& m, const Graph& g,
                           bool withDot) {
  std::string out = "property " + std::string(property) + ": " + summarizeMismatch(m, g) + "\n";
  out += "  node:    " + (m.node >= 0 ? "%" + std::to_string(m.node) : std::string("-")) + "\n";
  if (m.node >= 0 && static_cast<size_t>(m.node) < g.numValues() &&
      !g.isInput(static_cast<ValueId>(m.node))) {
    out += "  op:      " + std::string(opName(g.producer(static_cast<ValueId>(m.node)).op)) + "\n";
  }
  if (!m.element.empty()) out += "  element: " + m.element + "\n";
  out += "  engine:  " + m.engine + "\n  spec:    " + m.spec + "\n";
  if (!m.detail.empty()) out += "  detail:  " + m.detail + "\n";
  out += "graph (" + std::to_string(g.numValues()) + " values):\n" + printGraph(g);
  if (withDot) {
    std::optional<ValueId> highlight;
    if (m.node >= 0) highlight = static_cast<ValueId>(m.node);
    out += "dot:\n" + printDot(g, highlight);
  }
  return out;
}

}  // namespace verigrad::oracle
