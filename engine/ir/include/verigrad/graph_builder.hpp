// GraphBuilder: TorchLean's GraphM. arg(i, shape), one method per op returning a typed handle,
// finish(). Every method and the text parser go through one validation path (addNode's), whose
// messages name the node in the graph's text syntax, the operand, and the shapes involved.
//
// Errors are sticky: the first failing call records its Error and returns an invalid Var; later
// calls return invalid Vars without adding errors; finish() returns the first Error. So a
// builder chain never crashes and reports exactly the first problem.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "verigrad/graph.hpp"

namespace verigrad {

namespace detail {
// A node's attributes besides its operands (see ops.def): its int and literal attributes, and its
// declared shape (the target of reshape, broadcastTo and const; optional for every other op).
struct NodeAttributes {
  std::span<const int64_t> ints = {};
  std::span<const ExactLiteral> literals = {};
  const Shape* declared = nullptr;
};
}  // namespace detail

// A typed handle to a value: its id in Γ ++ ss and its shape. Invalid after a failed call.
struct Var {
  static constexpr ValueId kInvalid = UINT32_MAX;
  ValueId id = kInvalid;
  Shape shape;
  bool valid() const { return id != kInvalid; }
};

class GraphBuilder {
 public:
  explicit GraphBuilder(std::vector<Shape> inputs);

  // Input i, checked against Γ[i] (TorchLean's `arg`).
  Var arg(size_t i, const Shape& shape);
  Var arg(size_t i);  // input i with whatever shape Γ declares
  std::vector<Var> args();

  // The one validation path. `declared` is the target shape for reshape/broadcastTo/const and,
  // for every other op, an optional declared shape checked against the inferred one (the parser
  // passes the shape written in the file).
  Result<Var> addNode(Op op, std::span<const ValueId> parents, std::span<const int64_t> ints,
                      std::span<const ExactLiteral> literals,
                      const std::optional<Shape>& declared = std::nullopt);

  // ---- one method per op (see ops.def for signatures and attributes)
  Var constant(const Shape& shape, std::span<const ExactLiteral> payload);
  Var detach(const Var& x);
  Var add(const Var& a, const Var& b);
  Var sub(const Var& a, const Var& b);
  Var mul(const Var& a, const Var& b);
  Var div(const Var& a, const Var& b);
  Var square(const Var& x);
  Var scale(const Var& x, const ExactLiteral& c);
  Var max(const Var& a, const Var& b);
  Var min(const Var& a, const Var& b);
  Var abs(const Var& x);
  Var clamp(const Var& x, const ExactLiteral& lo, const ExactLiteral& hi);
  Var relu(const Var& x);
  Var inv(const Var& x);
  Var sum(const Var& x);
  Var reduceSum(const Var& x, int64_t axis);
  Var reduceMean(const Var& x, int64_t axis);
  Var mseLoss(const Var& yhat, const Var& target);
  Var linear(const Var& w, const Var& b, const Var& x);
  Var matmul(const Var& a, const Var& b);
  Var bmm(const Var& a, const Var& b);
  Var flatten(const Var& x);
  Var reshape(const Var& x, const Shape& target);
  Var transpose2d(const Var& x);
  Var transpose3dFirstToLast(const Var& x);
  Var transpose3dLastToFirst(const Var& x);
  Var transpose3dLastTwo(const Var& x);
  Var swapAdjacentAtDepth(const Var& x, int64_t d);
  Var broadcastTo(const Var& x, const Shape& target);
  Var concatVectors(const Var& a, const Var& b);
  Var concatDim0(const Var& a, const Var& b);
  Var sliceRange0(const Var& x, int64_t start, int64_t len);
  Var gatherScalar(const Var& x, int64_t index);
  Var gatherRow(const Var& x, int64_t index);
  Var gatherScalarNat(const Var& x, int64_t index);
  Var gatherVecNat(const Var& x, std::span<const int64_t> indices);
  Var gatherRowsNat(const Var& x, std::span<const int64_t> indices);
  Var scatterAddVec(const Var& x, const Var& v, int64_t index);
  Var scatterAddRow(const Var& x, const Var& v, int64_t index);
  // Transcendental ops (no exact rational scalar; compile at float, double or interval).
  // eps must be > 0; the default is TorchLean's Numbers.epsilon = 1e-6, stored exactly.
  static ExactLiteral defaultEpsilon();  // exactly 1/1000000
  Var sqrt(const Var& x);                // sqrt(max(x, 0)); derivative 0 at x <= 0
  Var sigmoid(const Var& x);
  Var tanh(const Var& x);
  Var softplus(const Var& x);
  Var exp(const Var& x);
  Var log(const Var& x);  // x > 0 elementwise (DomainError at exact/interval, IEEE at float)
  Var safeLog(const Var& x, const ExactLiteral& eps = defaultEpsilon());  // log(softplus(x) + eps)
  Var softmax(const Var& x);     // along the last axis; a scalar gives 1
  Var logSoftmax(const Var& x);  // along the last axis; a scalar gives 0
  Var layerNorm(const Var& x, const Var& gamma, const Var& beta,
                const ExactLiteral& eps = defaultEpsilon());

  // Capacity for `nodes` more nodes with `parents` operand slots in all (default: 2 per node), so
  // a builder whose size is known up front never regrows its pools. Optional: only speed changes.
  void reserve(size_t nodes, size_t parents = 0);

  // The first error so far, if any.
  const Error* error() const { return error_ ? &*error_ : nullptr; }
  size_t numValues() const { return body_->inputs.size() + body_->nodes.size(); }

  // The graph, or the first error. The builder is left empty afterwards.
  Result<Graph> finish();

 private:
  // The typed methods' path: checks each operand Var against the graph, then takes the validation
  // path addNode takes. A template over the operands (each a const Var&), so its loops unroll.
  template <class... Operands>
  Var build(Op op, const detail::NodeAttributes& attrs, const Operands&... operands);
  Var fail(Error e);

  std::shared_ptr<detail::GraphBody> body_;
  size_t numInputs_ = 0;  // body_->inputs.size(), fixed per body: cached, as every node asks it
  std::optional<Error> error_;
};

}  // namespace verigrad
