// Graph accessors and the output-id functions (TorchLean's outId / checkedOutId).
#include "verigrad/graph.hpp"

#include <cstdio>
#include <cstdlib>

#include "../../src/fault_injection.hpp"
#include "node_text.hpp"

namespace verigrad {

static_assert(sizeof(Node) == 32, "a node record stays 32 bytes (issue 8: bookkeeping per node)");

Graph::Graph() {
  auto body = std::make_shared<detail::GraphBody>();
  body->valueOffsets.push_back(0);
  body_ = std::move(body);
}

std::string Graph::nodeText(ValueId id) const {
  if (id < numInputs()) return "%" + std::to_string(id) + " (input " + std::to_string(id) + ")";
  const Node& n = producer(id);
  return detail::formatNodeText(id, n.op, parents(n), ints(n), literals(n), /*abbreviate=*/true);
}

size_t outId(const Graph& g) {
  // A documented precondition, checked in every build: the unchecked formula would name an input
  // (or wrap to SIZE_MAX when Γ is empty too) instead of a produced node.
  if (g.numNodes() == 0) {
    std::fputs("verigrad: outId called on a graph with no produced node (use checkedOutId)\n",
               stderr);
    std::abort();
  }
  return g.numInputs() + g.numNodes() - 1;
}

Result<size_t> checkedOutId(const Graph& g) {
  if (g.numNodes() == 0) {
    return Error::make(ErrorCode::NoOutput, "compiled graph has no output node");
  }
  if constexpr (fault::kFaultOutId) return g.numInputs() + g.numNodes();
  return g.numInputs() + g.numNodes() - 1;
}

}  // namespace verigrad
