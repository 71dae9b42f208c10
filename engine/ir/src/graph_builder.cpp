// GraphBuilder: the one validation path (checkNode then placeNode) shared by the typed methods and
// the parser (addNode).
#include "verigrad/graph_builder.hpp"

#include <algorithm>
#include <array>
#include <type_traits>

#include "node_text.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad {
namespace {

// A node as the validation path sees it (addNode's arguments, or a typed method's).
struct NodeRequest {
  Op op;
  std::span<const ValueId> parents;
  const detail::NodeAttributes* attrs;
  std::span<const int64_t> ints() const { return attrs->ints; }
  std::span<const ExactLiteral> literals() const { return attrs->literals; }
  const Shape* declared() const { return attrs->declared; }
};

// The most operands any op takes (ops.def).
constexpr int kMaxArity = std::max({
#define VG_OP(id, name, family, arity, attrs, rule, vjp) arity,
#include "verigrad/ops.def"
#undef VG_OP
});

// The node a failed check is about, for its message.
struct Site {
  ValueId id;
  NodeRequest node;
};

// Formatting the node's text costs more than validating it: only failures pay for it, out of line.
// `what` builds the rest of the message.
template <class What>
[[gnu::cold, gnu::noinline]] Error nodeError(ErrorCode code, const Site& site, What what) {
  const NodeRequest& n = site.node;
  const std::string nodeText =
      detail::formatNodeText(site.id, n.op, n.parents, n.ints(), n.literals(), /*abbreviate=*/true);
  return Error::make(code, "'" + nodeText + "': " + what(), site.id);
}

// Stores a failed check's error and returns the id that says so. The checks' lambdas capture by
// copy ([=]): a local whose address reached this call would live in memory on the hot path too.
template <class What>
[[gnu::cold, gnu::noinline]] ValueId rejectNode(std::optional<Error>& error, ErrorCode code,
                                                const Site& site, What what) {
  error = nodeError(code, site, what);
  return Var::kInvalid;
}

[[gnu::cold, gnu::noinline]] ValueId rejectOverflow(std::optional<Error>& error, const Site& site) {
  return rejectNode(error, ErrorCode::Overflow, site,
                    [] { return "the graph's values would hold more than 2^62 elements in all"; });
}

// An operand Var that does not name a value of this builder's graph (the typed methods' check).
template <class What>
[[gnu::cold, gnu::noinline]] Error operandError(ErrorCode code, Op op, size_t k, What what) {
  return Error::make(code, "graph builder: " + std::string(opName(op)) + " operand #" +
                               std::to_string(k) + ": " + what());
}

// A new node's shape entry and the arena's size once its value is added.
struct Placement {
  ShapeRef shape;
  uint64_t total;
};

// The arena's size once a value of `shape` is added; past 2^62 elements it does not fit.
uint64_t grownTotal(const detail::GraphBody& body, const Shape& shape) {
  return body.valueOffsets.back() + static_cast<uint64_t>(shape.numel());
}
bool fits(uint64_t total) { return total <= static_cast<uint64_t>(Shape::kMaxNumel); }

// The pool entry for a new node's shape: an operand's or the previous node's entry when equal
// (chains and layers then share one), else a new entry.
ShapeRef internShape(detail::GraphBody& body, const Shape& shape,
                     std::span<const ValueId> parents) {
  const size_t numInputs = body.inputs.size();
  for (ValueId p : parents) {
    if (p >= numInputs && body.nodes[p - numInputs].shape == shape) {
      return body.nodes[p - numInputs].shape;
    }
  }
  if (!body.nodes.empty() && body.nodes.back().shape == shape) return body.nodes.back().shape;
  body.shapePool.push_back(shape);
  return ShapeRef(body.shapePool.back());
}

// The general path, for every node the same-shape fast path does not answer: the shape rule's
// interpreter, the declared-shape check, the arena-size check, then the shape's pool entry (only
// once every check has passed). On failure stores the error and returns nullopt.
[[gnu::noinline]] std::optional<Placement> placeByRule(detail::GraphBody& body, const Site& site,
                                                       const Shape* const* operandShape,
                                                       std::optional<Error>& error) {
  const NodeRequest& n = site.node;
  const OpInfo& info = opInfo(n.op);
  Shape operandShapes[kMaxArity];
  for (size_t k = 0; k < n.parents.size(); ++k) operandShapes[k] = *operandShape[k];
  rules::RuleArgs ruleArgs{std::span<const Shape>(operandShapes, n.parents.size()), n.ints(),
                           n.literals().size(), info.takesTargetShape ? n.declared() : nullptr};
  Result<Shape> inferred = rules::inferShape(n.op, ruleArgs, "", n.parents);
  if (!inferred.ok()) {
    const std::string nodeText = detail::formatNodeText(site.id, n.op, n.parents, n.ints(),
                                                        n.literals(), /*abbreviate=*/true);
    inferred = rules::inferShape(n.op, ruleArgs, nodeText, n.parents);
  }
  if (!inferred.ok()) {
    Error e = inferred.error();
    e.node = site.id;
    error = std::move(e);
    return std::nullopt;
  }
  const Shape& shape = inferred.value();
  if (n.declared() && !info.takesTargetShape && *n.declared() != shape) {
    rejectNode(error, ErrorCode::ShapeMismatch, site, [&] {
      return "declared shape " + n.declared()->str() + " does not match the inferred shape " +
             shape.str();
    });
    return std::nullopt;
  }
  const uint64_t total = grownTotal(body, shape);
  if (!fits(total)) {
    rejectOverflow(error, site);
    return std::nullopt;
  }
  return Placement{internShape(body, shape, n.parents), total};
}

// The attributes of a node that has none besides its operands (a static object: the typed
// methods pass its address rather than building an empty one per call).
constexpr detail::NodeAttributes kNoAttributes{};

// Ops whose attribute values the validation path checks (clamp's bounds, eps, const's payload).
constexpr bool hasValueCheck(Op op) {
  static_assert(kNumOps <= 64, "one bit per op");
  constexpr uint64_t kOps =
      uint64_t{1} << static_cast<int>(Op::Clamp) | uint64_t{1} << static_cast<int>(Op::SafeLog) |
      uint64_t{1} << static_cast<int>(Op::LayerNorm) | uint64_t{1} << static_cast<int>(Op::Const);
  return (kOps >> static_cast<int>(op)) & 1;
}

// ---- the one validation path, in two steps that addNode and GraphBuilder::build both take (and
// inline: they share the steps' loads and checks). Each failed check stores its message in
// `error` and stops; the body changes only when every check has passed.

// Step 1: everything that needs no operand shape, in the order the messages take precedence.
// Returns the new node's id, or Var::kInvalid.
[[gnu::always_inline]] inline ValueId checkNode(const detail::GraphBody& body, size_t numInputs,
                                                const NodeRequest& n, std::optional<Error>& error) {
  const size_t numValues = numInputs + body.nodes.size();
  if (numValues >= Var::kInvalid - 1) [[unlikely]] {
    error = Error::make(ErrorCode::Overflow, "graph builder: more than 2^32 - 2 values");
    return Var::kInvalid;
  }
  const auto id = static_cast<ValueId>(numValues);
  const OpInfo& info = opInfo(n.op);
  // The row's counts, read once (the checks below use nothing else of it on the hot path).
  const int arity = info.arity, numInts = info.numInts, numLits = info.numLits;
  const bool takesTargetShape = info.takesTargetShape;
  if (n.parents.size() != static_cast<size_t>(arity)) [[unlikely]] {
    return rejectNode(error, ErrorCode::InvalidArgument, {id, n}, [=] {
      return std::string(info.name) + " takes " + std::to_string(info.arity) + " operand(s), got " +
             std::to_string(n.parents.size());
    });
  }
  for (size_t k = 0; k < n.parents.size(); ++k) {
    // Compared with numValues (== id): the typed methods have just compared each operand's id with
    // it, so the compiler drops this test there.
    if (n.parents[k] >= numValues) [[unlikely]] {
      return rejectNode(error, ErrorCode::InvalidId, {id, n}, [=] {
        return "operand #" + std::to_string(k) + " (%" + std::to_string(n.parents[k]) +
               ") is not defined before %" + std::to_string(id) +
               " (forward reference: operands must have smaller ids)";
      });
    }
  }
  if (numInts >= 0 && n.ints().size() != static_cast<size_t>(numInts)) [[unlikely]] {
    return rejectNode(error, ErrorCode::InvalidArgument, {id, n}, [=] {
      return std::string(info.name) + " takes " + std::to_string(info.numInts) +
             " int attribute(s), got " + std::to_string(n.ints().size());
    });
  }
  if (numLits >= 0 && n.literals().size() != static_cast<size_t>(numLits)) [[unlikely]] {
    return rejectNode(error, ErrorCode::InvalidArgument, {id, n}, [=] {
      return std::string(info.name) + " takes " + std::to_string(info.numLits) +
             " literal attribute(s), got " + std::to_string(n.literals().size());
    });
  }
  if (takesTargetShape && !n.declared()) [[unlikely]] {
    return rejectNode(error, ErrorCode::InvalidArgument, {id, n},
                      [=] { return std::string(info.name) + " needs a target shape"; });
  }
  // The attribute values some ops constrain; every other op skips these checks with one test.
  if (hasValueCheck(n.op)) [[unlikely]] {
    if (n.op == Op::Clamp && ExactLiteral::compare(n.literals()[0], n.literals()[1]) > 0)
        [[unlikely]] {
      return rejectNode(error, ErrorCode::InvalidArgument, {id, n}, [=] {
        return "clamp needs lo <= hi, got lo = " + n.literals()[0].str() +
               ", hi = " + n.literals()[1].str();
      });
    }
    if ((n.op == Op::SafeLog || n.op == Op::LayerNorm) && n.literals()[0].sign() <= 0)
        [[unlikely]] {
      return rejectNode(error, ErrorCode::InvalidArgument, {id, n}, [=] {
        return std::string(info.name) + " needs eps > 0, got eps = " + n.literals()[0].str();
      });
    }
    if (n.op == Op::Const && static_cast<int64_t>(n.literals().size()) != n.declared()->numel())
        [[unlikely]] {
      return rejectNode(error, ErrorCode::ShapeMismatch, {id, n}, [=] {
        return "const of shape " + n.declared()->str() + " needs " +
               std::to_string(n.declared()->numel()) + " payload values, got " +
               std::to_string(n.literals().size());
      });
    }
  }
  return id;
}

// Step 2, given each operand's own shape record (Γ's entry or its node's pool entry): the output
// shape, the arena-size check, then the node itself. Returns the node's shape, or nullptr.
[[gnu::always_inline]] inline const Shape* placeNode(detail::GraphBody& body, ValueId id,
                                                     const NodeRequest& n,
                                                     const Shape* const* operandShape,
                                                     std::optional<Error>& error) {
  // Elementwise rows (`a[*s] b[*s] -> [*s]`) over equal operand shapes: the interpreter's answer
  // is the operand shape, so the common case skips it (rules::hasSameShapeRule).
  bool sameShape = !n.declared() && !n.parents.empty() && rules::hasSameShapeRule(n.op);
  for (size_t k = 1; sameShape && k < n.parents.size(); ++k) {
    sameShape = operandShape[k] == operandShape[0] || *operandShape[k] == *operandShape[0];
  }
  Placement placement;
  if (sameShape) [[likely]] {
    // The node records operand 0's own entry: no comparison, no new pool entry. The entry outlives
    // the node: the shape pool is a deque (entries never move), and Γ (`inputs`) is never resized
    // after the constructor; finish() moves the shared_ptr to the body, not the body, so both
    // addresses stay valid in the Graph and in every copy of it (copies share the body).
    placement = {*operandShape[0], grownTotal(body, *operandShape[0])};
    if (!fits(placement.total)) [[unlikely]] {
      rejectOverflow(error, {id, n});
      return nullptr;
    }
  } else {
    std::optional<Placement> placed = placeByRule(body, {id, n}, operandShape, error);
    if (!placed) return nullptr;
    placement = *placed;
  }

  body.nodes.push_back(Node{
      n.op, static_cast<uint8_t>(n.parents.size()), static_cast<uint32_t>(body.parentPool.size()),
      static_cast<uint32_t>(body.intPool.size()), static_cast<uint32_t>(n.ints().size()),
      static_cast<uint32_t>(body.literalPool.size()), static_cast<uint32_t>(n.literals().size()),
      placement.shape});
  for (ValueId p : n.parents) body.parentPool.push_back(p);
  if (!n.ints().empty()) body.intPool.insert(body.intPool.end(), n.ints().begin(), n.ints().end());
  if (!n.literals().empty()) {
    body.literalPool.insert(body.literalPool.end(), n.literals().begin(), n.literals().end());
  }
  body.valueOffsets.push_back(placement.total);
  return &placement.shape.get();
}

// A pool's growth slack goes back at finish() when it is worth a copy: more than 1/8 of the
// capacity. A pool grown by doubling may hold up to half its capacity spare; one sized by
// reserve() holds little or none, and copying it to save a few entries would cost more than
// building it did.
template <class T>
void giveBackSlack(std::vector<T>& pool) {
  if (pool.capacity() - pool.size() > pool.capacity() / 8) pool.shrink_to_fit();
}

}  // namespace

GraphBuilder::GraphBuilder(std::vector<Shape> inputs)
    : body_(std::make_shared<detail::GraphBody>()) {
  body_->inputs = std::move(inputs);
  numInputs_ = body_->inputs.size();
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
  detail::GraphBody& body = *body_;
  const size_t numInputs = numInputs_;
  const detail::NodeAttributes attrs{ints, literals, declared ? &*declared : nullptr};
  const NodeRequest n{op, parents, &attrs};
  std::optional<Error> error;
  const ValueId id = checkNode(body, numInputs, n, error);
  if (id == Var::kInvalid) return std::move(*error);
  // checkNode has checked the operand count (the op's arity) and that every operand precedes id.
  const Shape* operandShape[kMaxArity];
  for (size_t k = 0; k < parents.size(); ++k) {
    const ValueId p = parents[k];
    operandShape[k] = p < numInputs ? &body.inputs[p] : &body.nodes[p - numInputs].shape.get();
  }
  const Shape* shape = placeNode(body, id, n, operandShape, error);
  if (!shape) return std::move(*error);
  return Var{id, *shape};
}

template <class... Operands>
Var GraphBuilder::build(Op op, const detail::NodeAttributes& attrs, const Operands&... operands) {
  static_assert((std::is_same_v<Operands, Var> && ...));
  constexpr size_t kArity = sizeof...(Operands);
  static_assert(kArity <= kMaxArity);
  if (error_) return Var{};
  detail::GraphBody& body = *body_;
  const size_t numInputs = numInputs_;
  const size_t numValues = numInputs + body.nodes.size();
  const std::array<const Var*, kArity> vars{&operands...};
  std::array<ValueId, kArity> parents;
  std::array<const Shape*, kArity> operandShape;  // each operand's own shape record
  for (size_t k = 0; k < kArity; ++k) {
    const Var& v = *vars[k];
    // An invalid Var's id (kInvalid) is never below numValues: one test covers both cases.
    if (v.id >= numValues) [[unlikely]] {
      if (!v.valid()) {
        return fail(operandError(ErrorCode::InvalidId, op, k, [] {
          return std::string("invalid Var (default-constructed or from a failed call)");
        }));
      }
      return fail(operandError(ErrorCode::InvalidId, op, k, [=, id = v.id] {
        return "invalid id=" + std::to_string(id) + " for ctxLen=" + std::to_string(numValues);
      }));
    }
    const Shape& actual =
        v.id < numInputs ? body.inputs[v.id] : body.nodes[v.id - numInputs].shape.get();
    if (actual != v.shape) [[unlikely]] {
      return fail(operandError(ErrorCode::ShapeMismatch, op, k, [=, &v, &actual] {
        return "shape mismatch at id=" + std::to_string(v.id) + ": expected " + v.shape.str() +
               ", got " + actual.str();
      }));
    }
    parents[k] = v.id;
    operandShape[k] = &actual;
  }
  // error_ is empty here, so a failed step's error is the first one (as fail() would record it).
  const NodeRequest n{op, parents, &attrs};
  const ValueId id = checkNode(body, numInputs, n, error_);
  if (id == Var::kInvalid) return Var{};
  const Shape* shape = placeNode(body, id, n, operandShape.data(), error_);
  if (!shape) return Var{};
  return Var{id, *shape};
}

void GraphBuilder::reserve(size_t nodes, size_t parents) {
  if (parents == 0) parents = 2 * nodes;
  body_->nodes.reserve(body_->nodes.size() + nodes);
  body_->parentPool.reserve(body_->parentPool.size() + parents);
  body_->valueOffsets.reserve(body_->valueOffsets.size() + nodes);
}

Result<Graph> GraphBuilder::finish() {
  if (error_) return *error_;
  // The graph is immutable from here: give back the pools' growth slack where it is worth a copy.
  giveBackSlack(body_->nodes);
  giveBackSlack(body_->parentPool);
  giveBackSlack(body_->intPool);
  giveBackSlack(body_->literalPool);
  giveBackSlack(body_->valueOffsets);
  Graph g(std::move(body_));
  body_ = std::make_shared<detail::GraphBody>();
  numInputs_ = 0;
  body_->valueOffsets.push_back(0);
  return g;
}

// ---- one method per op

Var GraphBuilder::constant(const Shape& shape, std::span<const ExactLiteral> payload) {
  return build(Op::Const, {.literals = payload, .declared = &shape});
}
Var GraphBuilder::detach(const Var& x) { return build(Op::Detach, kNoAttributes, x); }
Var GraphBuilder::add(const Var& a, const Var& b) { return build(Op::Add, kNoAttributes, a, b); }
Var GraphBuilder::sub(const Var& a, const Var& b) { return build(Op::Sub, kNoAttributes, a, b); }
Var GraphBuilder::mul(const Var& a, const Var& b) { return build(Op::Mul, kNoAttributes, a, b); }
Var GraphBuilder::div(const Var& a, const Var& b) { return build(Op::Div, kNoAttributes, a, b); }
Var GraphBuilder::square(const Var& x) { return build(Op::Square, kNoAttributes, x); }
Var GraphBuilder::scale(const Var& x, const ExactLiteral& c) {
  return build(Op::Scale, {.literals = {&c, 1}}, x);
}
Var GraphBuilder::max(const Var& a, const Var& b) { return build(Op::Max, kNoAttributes, a, b); }
Var GraphBuilder::min(const Var& a, const Var& b) { return build(Op::Min, kNoAttributes, a, b); }
Var GraphBuilder::abs(const Var& x) { return build(Op::Abs, kNoAttributes, x); }
Var GraphBuilder::clamp(const Var& x, const ExactLiteral& lo, const ExactLiteral& hi) {
  const ExactLiteral bounds[2] = {lo, hi};
  return build(Op::Clamp, {.literals = bounds}, x);
}
Var GraphBuilder::relu(const Var& x) { return build(Op::Relu, kNoAttributes, x); }
Var GraphBuilder::inv(const Var& x) { return build(Op::Inv, kNoAttributes, x); }
Var GraphBuilder::sum(const Var& x) { return build(Op::Sum, kNoAttributes, x); }
Var GraphBuilder::reduceSum(const Var& x, int64_t axis) {
  return build(Op::ReduceSum, {.ints = {&axis, 1}}, x);
}
Var GraphBuilder::reduceMean(const Var& x, int64_t axis) {
  return build(Op::ReduceMean, {.ints = {&axis, 1}}, x);
}
Var GraphBuilder::mseLoss(const Var& yhat, const Var& target) {
  return build(Op::MseLoss, kNoAttributes, yhat, target);
}
Var GraphBuilder::linear(const Var& w, const Var& b, const Var& x) {
  return build(Op::Linear, kNoAttributes, w, b, x);
}
Var GraphBuilder::matmul(const Var& a, const Var& b) {
  return build(Op::Matmul, kNoAttributes, a, b);
}
Var GraphBuilder::bmm(const Var& a, const Var& b) { return build(Op::Bmm, kNoAttributes, a, b); }
Var GraphBuilder::flatten(const Var& x) { return build(Op::Flatten, kNoAttributes, x); }
Var GraphBuilder::reshape(const Var& x, const Shape& target) {
  return build(Op::Reshape, {.declared = &target}, x);
}
Var GraphBuilder::transpose2d(const Var& x) { return build(Op::Transpose2d, kNoAttributes, x); }
Var GraphBuilder::transpose3dFirstToLast(const Var& x) {
  return build(Op::Transpose3dFirstToLast, kNoAttributes, x);
}
Var GraphBuilder::transpose3dLastToFirst(const Var& x) {
  return build(Op::Transpose3dLastToFirst, kNoAttributes, x);
}
Var GraphBuilder::transpose3dLastTwo(const Var& x) {
  return build(Op::Transpose3dLastTwo, kNoAttributes, x);
}
Var GraphBuilder::swapAdjacentAtDepth(const Var& x, int64_t d) {
  return build(Op::SwapAdjacentAtDepth, {.ints = {&d, 1}}, x);
}
Var GraphBuilder::broadcastTo(const Var& x, const Shape& target) {
  return build(Op::BroadcastTo, {.declared = &target}, x);
}
Var GraphBuilder::concatVectors(const Var& a, const Var& b) {
  return build(Op::ConcatVectors, kNoAttributes, a, b);
}
Var GraphBuilder::concatDim0(const Var& a, const Var& b) {
  return build(Op::ConcatDim0, kNoAttributes, a, b);
}
Var GraphBuilder::sliceRange0(const Var& x, int64_t start, int64_t len) {
  const int64_t attrs[2] = {start, len};
  return build(Op::SliceRange0, {.ints = attrs}, x);
}
Var GraphBuilder::gatherScalar(const Var& x, int64_t index) {
  return build(Op::GatherScalar, {.ints = {&index, 1}}, x);
}
Var GraphBuilder::gatherRow(const Var& x, int64_t index) {
  return build(Op::GatherRow, {.ints = {&index, 1}}, x);
}
Var GraphBuilder::gatherScalarNat(const Var& x, int64_t index) {
  return build(Op::GatherScalarNat, {.ints = {&index, 1}}, x);
}
Var GraphBuilder::gatherVecNat(const Var& x, std::span<const int64_t> indices) {
  return build(Op::GatherVecNat, {.ints = indices}, x);
}
Var GraphBuilder::gatherRowsNat(const Var& x, std::span<const int64_t> indices) {
  return build(Op::GatherRowsNat, {.ints = indices}, x);
}
Var GraphBuilder::scatterAddVec(const Var& x, const Var& v, int64_t index) {
  return build(Op::ScatterAddVec, {.ints = {&index, 1}}, x, v);
}
Var GraphBuilder::scatterAddRow(const Var& x, const Var& v, int64_t index) {
  return build(Op::ScatterAddRow, {.ints = {&index, 1}}, x, v);
}

ExactLiteral GraphBuilder::defaultEpsilon() { return *ExactLiteral::fromRatio(1, 1000000); }
Var GraphBuilder::sqrt(const Var& x) { return build(Op::Sqrt, kNoAttributes, x); }
Var GraphBuilder::sigmoid(const Var& x) { return build(Op::Sigmoid, kNoAttributes, x); }
Var GraphBuilder::tanh(const Var& x) { return build(Op::Tanh, kNoAttributes, x); }
Var GraphBuilder::softplus(const Var& x) { return build(Op::Softplus, kNoAttributes, x); }
Var GraphBuilder::exp(const Var& x) { return build(Op::Exp, kNoAttributes, x); }
Var GraphBuilder::log(const Var& x) { return build(Op::Log, kNoAttributes, x); }
Var GraphBuilder::safeLog(const Var& x, const ExactLiteral& eps) {
  return build(Op::SafeLog, {.literals = {&eps, 1}}, x);
}
Var GraphBuilder::softmax(const Var& x) { return build(Op::Softmax, kNoAttributes, x); }
Var GraphBuilder::logSoftmax(const Var& x) { return build(Op::LogSoftmax, kNoAttributes, x); }
Var GraphBuilder::layerNorm(const Var& x, const Var& gamma, const Var& beta,
                            const ExactLiteral& eps) {
  return build(Op::LayerNorm, {.literals = {&eps, 1}}, x, gamma, beta);
}

}  // namespace verigrad
