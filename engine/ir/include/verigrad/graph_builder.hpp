// GraphBuilder: TorchLean's GraphM. arg(i, shape), one method per op returning a typed handle,
// finish(). Every method and the text parser go through one validation path (addNode), whose
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
  Var detach(Var x);
  Var add(Var a, Var b);
  Var sub(Var a, Var b);
  Var mul(Var a, Var b);
  Var div(Var a, Var b);
  Var square(Var x);
  Var scale(Var x, const ExactLiteral& c);
  Var max(Var a, Var b);
  Var min(Var a, Var b);
  Var abs(Var x);
  Var clamp(Var x, const ExactLiteral& lo, const ExactLiteral& hi);
  Var relu(Var x);
  Var inv(Var x);
  Var sum(Var x);
  Var reduceSum(Var x, int64_t axis);
  Var reduceMean(Var x, int64_t axis);
  Var mseLoss(Var yhat, Var target);
  Var linear(Var w, Var b, Var x);
  Var matmul(Var a, Var b);
  Var bmm(Var a, Var b);
  Var flatten(Var x);
  Var reshape(Var x, const Shape& target);
  Var transpose2d(Var x);
  Var transpose3dFirstToLast(Var x);
  Var transpose3dLastToFirst(Var x);
  Var transpose3dLastTwo(Var x);
  Var swapAdjacentAtDepth(Var x, int64_t d);
  Var broadcastTo(Var x, const Shape& target);
  Var concatVectors(Var a, Var b);
  Var concatDim0(Var a, Var b);
  Var sliceRange0(Var x, int64_t start, int64_t len);
  Var gatherScalar(Var x, int64_t index);
  Var gatherRow(Var x, int64_t index);
  Var gatherScalarNat(Var x, int64_t index);
  Var gatherVecNat(Var x, std::span<const int64_t> indices);
  Var gatherRowsNat(Var x, std::span<const int64_t> indices);
  Var scatterAddVec(Var x, Var v, int64_t index);
  Var scatterAddRow(Var x, Var v, int64_t index);
  // Transcendental ops (no exact rational scalar; compile at float, double or interval).
  // eps must be > 0; the default is TorchLean's Numbers.epsilon = 1e-6, stored exactly.
  static ExactLiteral defaultEpsilon();  // exactly 1/1000000
  Var sqrt(Var x);                       // sqrt(max(x, 0)); derivative 0 at x <= 0
  Var sigmoid(Var x);
  Var tanh(Var x);
  Var softplus(Var x);
  Var exp(Var x);
  Var log(Var x);  // x > 0 elementwise (DomainError at exact/interval, IEEE at float)
  Var safeLog(Var x, const ExactLiteral& eps = defaultEpsilon());  // log(softplus(x) + eps)
  Var softmax(Var x);     // along the last axis; a scalar gives 1
  Var logSoftmax(Var x);  // along the last axis; a scalar gives 0
  Var layerNorm(Var x, Var gamma, Var beta, const ExactLiteral& eps = defaultEpsilon());

  // Capacity for `nodes` more nodes with `parents` operand slots in all (default: 2 per node), so
  // a builder whose size is known up front never regrows its pools. Optional: only speed changes.
  void reserve(size_t nodes, size_t parents = 0);

  // The first error so far, if any.
  const Error* error() const { return error_ ? &*error_ : nullptr; }
  size_t numValues() const { return body_->inputs.size() + body_->nodes.size(); }

  // The graph, or the first error. The builder is left empty afterwards.
  Result<Graph> finish();

 private:
  Var build(Op op, std::initializer_list<Var> operands, std::span<const int64_t> ints = {},
            std::span<const ExactLiteral> literals = {},
            const std::optional<Shape>& declared = std::nullopt);
  Var fail(Error e);
  ShapeRef internShape(const Shape& shape, std::span<const ValueId> parents);

  std::shared_ptr<detail::GraphBody> body_;
  std::optional<Error> error_;
};

}  // namespace verigrad
