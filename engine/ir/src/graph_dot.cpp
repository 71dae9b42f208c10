// Renders a graph as Graphviz DOT: one box per value (id, op, shape), one edge per operand.
#include "verigrad/graph_dot.hpp"

namespace verigrad {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

std::string printDot(const Graph& g, std::optional<ValueId> highlight) {
  std::string out =
      "digraph verigrad {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (ValueId id = 0; id < g.numValues(); ++id) {
    const std::string head = g.isInput(id) ? "%" + std::to_string(id) + " input" : g.nodeText(id);
    // Escape the text first: the "\n" line break between head and shape is DOT syntax.
    const std::string label = escape(head) + "\\n" + escape(g.shapeOf(id).str());
    out += "  v" + std::to_string(id) + " [label=\"" + label + "\"";
    if (g.isInput(id)) out += ", style=rounded";
    if (highlight && *highlight == id) out += ", color=red, penwidth=3, fontcolor=red";
    out += "];\n";
  }
  for (ValueId id = static_cast<ValueId>(g.numInputs()); id < g.numValues(); ++id) {
    const Node& n = g.producer(id);
    const bool stops = !opInfo(n.op).hasGradientEdges;
    std::span<const ValueId> parents = g.parents(n);
    for (size_t k = 0; k < parents.size(); ++k) {
      out += "  v" + std::to_string(parents[k]) + " -> v" + std::to_string(id) + " [label=\"#" +
             std::to_string(k) + "\"" + (stops ? ", style=dashed" : "") + "];\n";
    }
  }
  return out + "}\n";
}

}  // namespace verigrad
