// GraphBuilder: the one validation path (addNode) shared by the typed methods and the parser.
#include "verigrad/graph_builder.hpp"

#include "node_text.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad {
namespace {

std::string quoted(const std::string& nodeText) { return "'" + nodeText + "'"; }

Error nodeError(ErrorCode code, ValueId id, const std::string& nodeText, const std::string& what) {
  return Error::make(code, quoted(nodeText) + ": " + what, id);
}

}  // namespace

GraphBuilder::GraphBuilder(std::vector<Shape> inputs)
    : body_(std::make_shared<detail::GraphBody>()) {
  body_->inputs = std::move(inputs);
  body_->valueOffsets.reserve(body_->inputs.size() + 1);
  body_->valueOffsets.push_back(0);
  for (const Shape& s : body_->inputs) {
    uint64_t next = body_->valueOffsets.back() + static_cast<uint64_t>(s.numel());
    if (next > static_cast<uint64_t>(Shape::kMaxNumel)) {
      fail(Error::make(ErrorCode::Overflow, "graph inputs hold more than 2^62 elements in all"));
      return;
    }
    body_->valueOffsets.push_back(next);
  }
}

Var GraphBuilder::fail(Error e) {
  if (!error_) error_ = std::move(e);
  return Var{};
}

Var GraphBuilder::arg(size_t i) {
  if (error_) return Var{};
  if (i >= body_->inputs.size()) return arg(i, Shape{});
  return arg(i, body_->inputs[i]);
}

Var GraphBuilder::arg(size_t i, const Shape& shape) {
  if (error_) return Var{};
  const size_t n = body_->inputs.size();
  if (i >= n) {
    return fail(Error::make(ErrorCode::InvalidId,
                            "graph builder: input index out of bounds i=" + std::to_string(i) +
                                " (|Γ|=" + std::to_string(n) + ")"));
  }
  if (body_->inputs[i] != shape) {
    return fail(Error::make(ErrorCode::ShapeMismatch,
                            "graph builder: input shape mismatch at i=" + std::to_string(i) +
                                ": expected " + body_->inputs[i].str() + ", got " + shape.str(),
                            static_cast<int64_t>(i)));
  }
  return Var{static_cast<ValueId>(i), shape};
}

std::vector<Var> GraphBuilder::args() {
  std::vector<Var> vars;
  for (size_t i = 0; i < body_->inputs.size(); ++i) vars.push_back(arg(i));
  return vars;
}

Result<Var> GraphBuilder::addNode(Op op, std::span<const ValueId> parents,
                                  std::span<const int64_t> ints,
                                  std::span<const ExactLiteral> literals,
                                  const std::optional<Shape>& declared) {
  if (error_) return *error_;
  const size_t numValues = body_->inputs.size() + body_->nodes.size();
  if (numValues >= Var::kInvalid - 1) {
    return Error::make(ErrorCode::Overflow, "graph builder: more than 2^32 - 2 values");
  }
  const auto id = static_cast<ValueId>(numValues);
  const OpInfo& info = opInfo(op);
  // Formatting the node's text costs more than validating it: only failures pay for it.
  auto nodeText = [&] { return detail::formatNodeText(id, op, parents, ints, literals, true); };

  if (parents.size() != static_cast<size_t>(info.arity)) {
    return nodeError(ErrorCode::InvalidArgument, id, nodeText(),
                     std::string(info.name) + " takes " + std::to_string(info.arity) +
                         " operand(s), got " + std::to_string(parents.size()));
  }
  for (size_t k = 0; k < parents.size(); ++k) {
    if (parents[k] >= id) {
      return nodeError(ErrorCode::InvalidId, id, nodeText(),
                       "operand #" + std::to_string(k) + " (%" + std::to_string(parents[k]) +
                           ") is not defined before %" + std::to_string(id) +
                           " (forward reference: operands must have smaller ids)");
    }
  }
  if (info.numInts >= 0 && ints.size() != static_cast<size_t>(info.numInts)) {
    return nodeError(ErrorCode::InvalidArgument, id, nodeText(),
                     std::string(info.name) + " takes " + std::to_string(info.numInts) +
                         " int attribute(s), got " + std::to_string(ints.size()));
  }
  if (info.numLits >= 0 && literals.size() != static_cast<size_t>(info.numLits)) {
    return nodeError(ErrorCode::InvalidArgument, id, nodeText(),
                     std::string(info.name) + " takes " + std::to_string(info.numLits) +
                         " literal attribute(s), got " + std::to_string(literals.size()));
  }
  if (info.takesTargetShape && !declared) {
    return nodeError(ErrorCode::InvalidArgument, id, nodeText(),
                     std::string(info.name) + " needs a target shape");
  }
  if (op == Op::Clamp && ExactLiteral::compare(literals[0], literals[1]) > 0) {
    return nodeError(
        ErrorCode::InvalidArgument, id, nodeText(),
        "clamp needs lo <= hi, got lo = " + literals[0].str() + ", hi = " + literals[1].str());
  }
  if ((op == Op::SafeLog || op == Op::LayerNorm) && literals[0].sign() <= 0) {
    return nodeError(ErrorCode::InvalidArgument, id, nodeText(),
                     std::string(info.name) + " needs eps > 0, got eps = " + literals[0].str());
  }
  if (op == Op::Const && static_cast<int64_t>(literals.size()) != declared->numel()) {
    return nodeError(ErrorCode::ShapeMismatch, id, nodeText(),
                     "const of shape " + declared->str() + " needs " +
                         std::to_string(declared->numel()) + " payload values, got " +
                         std::to_string(literals.size()));
  }

  const Shape* operandShape[3] = {};  // parents are known to precede id, so their shapes exist
  for (size_t k = 0; k < parents.size(); ++k) {
    operandShape[k] = parents[k] < body_->inputs.size()
                          ? &body_->inputs[parents[k]]
                          : &body_->nodes[parents[k] - body_->inputs.size()].shape.get();
  }
  // Elementwise rows (`a[*s] b[*s] -> [*s]`) over equal operand shapes: the interpreter's answer
  // is the operand shape, so the common case skips it (rules::hasSameShapeRule).
  bool sameShape = !declared && !parents.empty() && rules::hasSameShapeRule(op);
  for (size_t k = 1; sameShape && k < parents.size(); ++k) {
    sameShape = *operandShape[k] == *operandShape[0];
  }
  Result<Shape> inferred = Shape{};
  if (!sameShape) {
    Shape operandShapes[3];
    for (size_t k = 0; k < parents.size(); ++k) operandShapes[k] = *operandShape[k];
    rules::RuleArgs ruleArgs{std::span<const Shape>(operandShapes, parents.size()), ints,
                             literals.size(), info.takesTargetShape ? &*declared : nullptr};
    inferred = rules::inferShape(op, ruleArgs, "", parents);
    if (!inferred.ok()) inferred = rules::inferShape(op, ruleArgs, nodeText(), parents);
    if (!inferred.ok()) {
      Error e = inferred.error();
      e.node = id;
      return e;
    }
    if (declared && !info.takesTargetShape && *declared != inferred.value()) {
      return nodeError(ErrorCode::ShapeMismatch, id, nodeText(),
                       "declared shape " + declared->str() +
                           " does not match the inferred shape " + inferred.value().str());
    }
  }
  const Shape& shape = sameShape ? *operandShape[0] : inferred.value();
  const uint64_t total = body_->valueOffsets.back() + static_cast<uint64_t>(shape.numel());
  if (total > static_cast<uint64_t>(Shape::kMaxNumel)) {
    return nodeError(ErrorCode::Overflow, id, nodeText(),
                     "the graph's values would hold more than 2^62 elements in all");
  }

  Node node{};
  node.op = op;
  node.numParents = static_cast<uint8_t>(parents.size());
  node.parentBegin = static_cast<uint32_t>(body_->parentPool.size());
  node.intBegin = static_cast<uint32_t>(body_->intPool.size());
  node.intCount = static_cast<uint32_t>(ints.size());
  node.litBegin = static_cast<uint32_t>(body_->literalPool.size());
  node.litCount = static_cast<uint32_t>(literals.size());
  node.shape = internShape(shape, parents);
  body_->parentPool.insert(body_->parentPool.end(), parents.begin(), parents.end());
  if (!ints.empty()) body_->intPool.insert(body_->intPool.end(), ints.begin(), ints.end());
  if (!literals.empty()) {
    body_->literalPool.insert(body_->literalPool.end(), literals.begin(), literals.end());
  }
  body_->nodes.push_back(node);
  body_->valueOffsets.push_back(total);
  return Var{id, shape};
}

// The pool entry for a new node's shape: an operand's or the previous node's entry when equal
// (chains and elementwise layers then share one), else a new entry.
ShapeRef GraphBuilder::internShape(const Shape& shape, std::span<const ValueId> parents) {
  const size_t numInputs = body_->inputs.size();
  for (ValueId p : parents) {
    if (p >= numInputs && body_->nodes[p - numInputs].shape == shape) {
      return body_->nodes[p - numInputs].shape;
    }
  }
  if (!body_->nodes.empty() && body_->nodes.back().shape == shape) return body_->nodes.back().shape;
  body_->shapePool.push_back(shape);
  return ShapeRef(body_->shapePool.back());
}

Var GraphBuilder::build(Op op, std::initializer_list<Var> operands, std::span<const int64_t> ints,
                        std::span<const ExactLiteral> literals,
                        const std::optional<Shape>& declared) {
  if (error_) return Var{};
  const size_t numValues = body_->inputs.size() + body_->nodes.size();
  ValueId parents[3];
  size_t k = 0;
  for (const Var& v : operands) {
    // Formatted only on failure: the builder's hot path allocates no strings.
    auto where = [&] {
      return "graph builder: " + std::string(opName(op)) + " operand #" + std::to_string(k) + ": ";
    };
    if (!v.valid()) {
      return fail(Error::make(ErrorCode::InvalidId,
                              where() + "invalid Var (default-constructed or from a failed call)"));
    }
    if (v.id >= numValues) {
      return fail(
          Error::make(ErrorCode::InvalidId, where() + "invalid id=" + std::to_string(v.id) +
                                                " for ctxLen=" + std::to_string(numValues)));
    }
    const Shape& actual = v.id < body_->inputs.size()
                              ? body_->inputs[v.id]
                              : body_->nodes[v.id - body_->inputs.size()].shape.get();
    if (actual != v.shape) {
      return fail(Error::make(ErrorCode::ShapeMismatch,
                              where() + "shape mismatch at id=" + std::to_string(v.id) +
                                  ": expected " + v.shape.str() + ", got " + actual.str()));
    }
    parents[k++] = v.id;
  }
  Result<Var> r = addNode(op, std::span<const ValueId>(parents, k), ints, literals, declared);
  if (!r.ok()) return fail(r.error());
  return r.value();
}

void GraphBuilder::reserve(size_t nodes, size_t parents) {
  if (parents == 0) parents = 2 * nodes;
  body_->nodes.reserve(body_->nodes.size() + nodes);
  body_->parentPool.reserve(body_->parentPool.size() + parents);
  body_->valueOffsets.reserve(body_->valueOffsets.size() + nodes);
}

Result<Graph> GraphBuilder::finish() {
  if (error_) return *error_;
  // The graph is immutable from here: give back the pools' growth slack (up to half of each).
  body_->nodes.shrink_to_fit();
  body_->parentPool.shrink_to_fit();
  body_->intPool.shrink_to_fit();
  body_->literalPool.shrink_to_fit();
  body_->valueOffsets.shrink_to_fit();
  Graph g(std::move(body_));
  body_ = std::make_shared<detail::GraphBody>();
  body_->valueOffsets.push_back(0);
  return g;
}

// ---- one method per op

Var GraphBuilder::constant(const Shape& shape, std::span<const ExactLiteral> payload) {
  return build(Op::Const, {}, {}, payload, shape);
}
Var GraphBuilder::detach(Var x) { return build(Op::Detach, {x}); }
Var GraphBuilder::add(Var a, Var b) { return build(Op::Add, {a, b}); }
Var GraphBuilder::sub(Var a, Var b) { return build(Op::Sub, {a, b}); }
Var GraphBuilder::mul(Var a, Var b) { return build(Op::Mul, {a, b}); }
Var GraphBuilder::div(Var a, Var b) { return build(Op::Div, {a, b}); }
Var GraphBuilder::square(Var x) { return build(Op::Square, {x}); }
Var GraphBuilder::scale(Var x, const ExactLiteral& c) {
  return build(Op::Scale, {x}, {}, std::span<const ExactLiteral>(&c, 1));
}
Var GraphBuilder::max(Var a, Var b) { return build(Op::Max, {a, b}); }
Var GraphBuilder::min(Var a, Var b) { return build(Op::Min, {a, b}); }
Var GraphBuilder::abs(Var x) { return build(Op::Abs, {x}); }
Var GraphBuilder::clamp(Var x, const ExactLiteral& lo, const ExactLiteral& hi) {
  const ExactLiteral bounds[2] = {lo, hi};
  return build(Op::Clamp, {x}, {}, bounds);
}
Var GraphBuilder::relu(Var x) { return build(Op::Relu, {x}); }
Var GraphBuilder::inv(Var x) { return build(Op::Inv, {x}); }
Var GraphBuilder::sum(Var x) { return build(Op::Sum, {x}); }
Var GraphBuilder::reduceSum(Var x, int64_t axis) {
  return build(Op::ReduceSum, {x}, std::span<const int64_t>(&axis, 1));
}
Var GraphBuilder::reduceMean(Var x, int64_t axis) {
  return build(Op::ReduceMean, {x}, std::span<const int64_t>(&axis, 1));
}
Var GraphBuilder::mseLoss(Var yhat, Var target) { return build(Op::MseLoss, {yhat, target}); }
Var GraphBuilder::linear(Var w, Var b, Var x) { return build(Op::Linear, {w, b, x}); }
Var GraphBuilder::matmul(Var a, Var b) { return build(Op::Matmul, {a, b}); }
Var GraphBuilder::bmm(Var a, Var b) { return build(Op::Bmm, {a, b}); }
Var GraphBuilder::flatten(Var x) { return build(Op::Flatten, {x}); }
Var GraphBuilder::reshape(Var x, const Shape& target) {
  return build(Op::Reshape, {x}, {}, {}, target);
}
Var GraphBuilder::transpose2d(Var x) { return build(Op::Transpose2d, {x}); }
Var GraphBuilder::transpose3dFirstToLast(Var x) { return build(Op::Transpose3dFirstToLast, {x}); }
Var GraphBuilder::transpose3dLastToFirst(Var x) { return build(Op::Transpose3dLastToFirst, {x}); }
Var GraphBuilder::transpose3dLastTwo(Var x) { return build(Op::Transpose3dLastTwo, {x}); }
Var GraphBuilder::swapAdjacentAtDepth(Var x, int64_t d) {
  return build(Op::SwapAdjacentAtDepth, {x}, std::span<const int64_t>(&d, 1));
}
Var GraphBuilder::broadcastTo(Var x, const Shape& target) {
  return build(Op::BroadcastTo, {x}, {}, {}, target);
}
Var GraphBuilder::concatVectors(Var a, Var b) { return build(Op::ConcatVectors, {a, b}); }
Var GraphBuilder::concatDim0(Var a, Var b) { return build(Op::ConcatDim0, {a, b}); }
Var GraphBuilder::sliceRange0(Var x, int64_t start, int64_t len) {
  const int64_t attrs[2] = {start, len};
  return build(Op::SliceRange0, {x}, attrs);
}
Var GraphBuilder::gatherScalar(Var x, int64_t index) {
  return build(Op::GatherScalar, {x}, std::span<const int64_t>(&index, 1));
}
Var GraphBuilder::gatherRow(Var x, int64_t index) {
  return build(Op::GatherRow, {x}, std::span<const int64_t>(&index, 1));
}
Var GraphBuilder::gatherScalarNat(Var x, int64_t index) {
  return build(Op::GatherScalarNat, {x}, std::span<const int64_t>(&index, 1));
}
Var GraphBuilder::gatherVecNat(Var x, std::span<const int64_t> indices) {
  return build(Op::GatherVecNat, {x}, indices);
}
Var GraphBuilder::gatherRowsNat(Var x, std::span<const int64_t> indices) {
  return build(Op::GatherRowsNat, {x}, indices);
}
Var GraphBuilder::scatterAddVec(Var x, Var v, int64_t index) {
  return build(Op::ScatterAddVec, {x, v}, std::span<const int64_t>(&index, 1));
}
Var GraphBuilder::scatterAddRow(Var x, Var v, int64_t index) {
  return build(Op::ScatterAddRow, {x, v}, std::span<const int64_t>(&index, 1));
}

ExactLiteral GraphBuilder::defaultEpsilon() { return *ExactLiteral::fromRatio(1, 1000000); }
Var GraphBuilder::sqrt(Var x) { return build(Op::Sqrt, {x}); }
Var GraphBuilder::sigmoid(Var x) { return build(Op::Sigmoid, {x}); }
Var GraphBuilder::tanh(Var x) { return build(Op::Tanh, {x}); }
Var GraphBuilder::softplus(Var x) { return build(Op::Softplus, {x}); }
Var GraphBuilder::exp(Var x) { return build(Op::Exp, {x}); }
Var GraphBuilder::log(Var x) { return build(Op::Log, {x}); }
Var GraphBuilder::safeLog(Var x, const ExactLiteral& eps) {
  return build(Op::SafeLog, {x}, {}, std::span<const ExactLiteral>(&eps, 1));
}
Var GraphBuilder::softmax(Var x) { return build(Op::Softmax, {x}); }
Var GraphBuilder::logSoftmax(Var x) { return build(Op::LogSoftmax, {x}); }
Var GraphBuilder::layerNorm(Var x, Var gamma, Var beta, const ExactLiteral& eps) {
  return build(Op::LayerNorm, {x, gamma, beta}, {}, std::span<const ExactLiteral>(&eps, 1));
}

}  // namespace verigrad
