// Graph: the immutable SSA/DAG IR. Γ (input shapes) and nodes in creation order; node k has value
// id |Γ| + k. Built by GraphBuilder (or the text parser) and immutable after finish(): copies
// share one read-only body, so a Graph may be shared across threads freely.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "verigrad/exact_literal.hpp"
#include "verigrad/op.hpp"
#include "verigrad/shape.hpp"

namespace verigrad {

using ValueId = uint32_t;  // position in Γ ++ ss

// A node's record (32 bytes). Parents, ints and literals live in graph-wide pools, the shape in
// the shape pool or Γ (shared, not copied): no allocation per node.
struct Node {
  Op op;
  uint8_t numParents;
  uint32_t parentBegin;
  uint32_t intBegin;
  uint32_t intCount;
  uint32_t litBegin;
  uint32_t litCount;
  ShapeRef shape;  // output shape ss[k]: a shape-pool entry or Γ's (both owned by the body)
};

namespace detail {
struct GraphBody {
  std::vector<Shape> inputs;
  std::vector<Node> nodes;
  std::deque<Shape> shapePool;  // node shapes; a deque, so a ShapeRef never moves
  std::vector<ValueId> parentPool;
  std::vector<int64_t> intPool;
  std::vector<ExactLiteral> literalPool;
  std::vector<uint64_t> valueOffsets;  // |Γ|+|ss|+1 prefix sums of numel over Γ ++ ss
};
}  // namespace detail

class Graph {
 public:
  Graph();  // empty: no inputs, no nodes

  size_t numInputs() const { return body_->inputs.size(); }
  size_t numNodes() const { return body_->nodes.size(); }
  size_t numValues() const { return numInputs() + numNodes(); }  // |Γ| + |ss|

  std::span<const Shape> inputs() const { return body_->inputs; }
  const Node& node(size_t k) const { return body_->nodes[k]; }
  std::span<const Node> nodes() const { return body_->nodes; }
  bool isInput(ValueId id) const { return id < numInputs(); }
  // The node that produced value id; precondition: !isInput(id).
  const Node& producer(ValueId id) const { return body_->nodes[id - numInputs()]; }

  // Shape of value id in Γ ++ ss.
  const Shape& shapeOf(ValueId id) const {
    return id < numInputs() ? body_->inputs[id] : body_->nodes[id - numInputs()].shape.get();
  }
  std::span<const ValueId> parents(const Node& n) const {
    return {body_->parentPool.data() + n.parentBegin, n.numParents};
  }
  std::span<const int64_t> ints(const Node& n) const {
    return {body_->intPool.data() + n.intBegin, n.intCount};
  }
  std::span<const ExactLiteral> literals(const Node& n) const {
    return {body_->literalPool.data() + n.litBegin, n.litCount};
  }
  // The pools themselves, indexed by a Node's parentBegin / intBegin (the engine's sweeps read them
  // directly).
  std::span<const ValueId> parentPool() const { return body_->parentPool; }
  std::span<const int64_t> intPool() const { return body_->intPool; }
  // Element offsets of each value in an arena laid out Γ ++ ss; size numValues()+1.
  std::span<const uint64_t> valueOffsets() const { return body_->valueOffsets; }
  uint64_t totalElements() const { return body_->valueOffsets.back(); }

  // The node's text as the graph format prints it, e.g. "%7 = matmul(%3, %5)".
  std::string nodeText(ValueId id) const;

 private:
  friend class GraphBuilder;
  explicit Graph(std::shared_ptr<const detail::GraphBody> body) : body_(std::move(body)) {}
  std::shared_ptr<const detail::GraphBody> body_;
};

// outId = |Γ| + |ss| - 1. Precondition: ss non-empty (asserted; never wraps).
size_t outId(const Graph& g);
// outId, or the NoOutput error "compiled graph has no output node" when ss is empty.
Result<size_t> checkedOutId(const Graph& g);

}  // namespace verigrad
