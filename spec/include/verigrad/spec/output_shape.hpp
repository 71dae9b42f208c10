// The spec's own output shapes: one plain formula per op over the operand shapes (as the graph
// records them) and the attributes, written independently of the IR's shape-rule language. The
// oracle cross-checks them against the shapes the graph declares.
#pragma once

#include "verigrad/graph.hpp"
#include "verigrad/result.hpp"
#include "verigrad/shape.hpp"

namespace verigrad::spec {

// Γ[id] for an input; for a node, its output shape by the op's formula. A node the formula
// rejects (operand shapes, attributes, indices) is an error naming the node; an id out of range
// is an InvalidId error.
Result<Shape> specOutputShape(const Graph& graph, ValueId id);

}  // namespace verigrad::spec
