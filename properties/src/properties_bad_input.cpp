// The `bad-input` property: requests derived deterministically from a case (wrong input count or
// shape, wrong seed count or shape, out-of-range output ids, malformed nodes, transcendental ops
// at the exact scalar) give their documented errors, code and message, and the spec refuses the
// same requests the same way. Graphs with a transcendental op are also checked at Interval.
#include <cstdint>

#include "property_checks.hpp"
#include "property_support.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/graph_text.hpp"

namespace verigrad::props::detail {
namespace {

// What a bad request must give.
struct Expected {
  std::string request;  // what was asked, for the report
  ErrorCode code;
  std::string fragment;  // a message fragment from the documentation
  int64_t node = -2;     // -2: any node
};

std::optional<Outcome> expectError(const Error* e, const Expected& x) {
  const bool ok = e && e->code == x.code && e->message.find(x.fragment) != std::string::npos &&
                  (x.node == -2 || e->node == x.node);
  if (ok) return std::nullopt;
  return failWith({"bad-input", x.node >= 0 ? x.node : -1, "", e ? describe(*e) : "ok",
                   std::string(errorCodeName(x.code)) + ": ..." + x.fragment + "...", x.request},
                  "a bad request does not give its documented error: " + x.request);
}

template <class T>
std::optional<Outcome> expectError(const Result<T>& r, const Expected& x) {
  return expectError(r.ok() ? nullptr : &r.error(), x);
}

// A shape that differs from s: one more axis of extent 2 (or one fewer when s is at the maximum).
Shape otherShape(const Shape& s) {
  std::vector<int64_t> dims(s.dims().begin(), s.dims().end());
  if (s.rank() < Shape::kMaxRank) {
    dims.push_back(2);
  } else {
    dims.pop_back();
  }
  return Shape::make(dims).value();
}

// The scalars the spec is instantiated at: there, every bad request is also put to the spec.
template <class T>
constexpr bool kHasSpec = std::is_same_v<T, Rational> || std::is_same_v<T, Interval>;

template <class T>
std::vector<Tensor<T>> asScalar(const std::vector<Tensor<Rational>>& ts) {
  if constexpr (std::is_same_v<T, Rational>) {
    return ts;
  } else if constexpr (std::is_same_v<T, Interval>) {
    return enclosures(ts);
  } else {
    return rounded<T>(ts);
  }
}

template <class T>
std::vector<Tensor<T>> inputsFor(const Case& c) {
  return asScalar<T>(c.inputs);
}

template <class T>
std::vector<Tensor<T>> seedsFor(const Case& c) {
  return asScalar<T>(c.seedsA);
}

// Wrong input count and shape to compile<T>; at the exact scalar the spec must refuse them alike.
template <class T>
std::optional<Outcome> badInputs(const Case& c, std::string_view scalar) {
  const Graph& g = c.graph;
  const size_t m = g.numInputs();
  const std::string at = " (" + std::string(scalar) + ")";
  auto check = [&](const std::vector<Tensor<T>>& inputs,
                   const Expected& x) -> std::optional<Outcome> {
    Result<Compiled<T>> engine = compile<T>(g, inputs);
    if (auto o = expectError(engine, x)) return o;
    if constexpr (kHasSpec<T>) {
      auto spec = spec::evaluate<T>(g, toValues(std::span<const Tensor<T>>(inputs)));
      return disagreement(engine, spec, x.request + ": compile vs spec::evaluate");
    }
    return std::nullopt;
  };
  auto countText = [&](size_t got) {
    return "compile: the graph has " + std::to_string(m) + " inputs (|Γ|), got " +
           std::to_string(got) + " tensors";
  };
  std::vector<Tensor<T>> inputs = inputsFor<T>(c);
  inputs.push_back(Tensor<T>());
  if (auto o = check(inputs,
                     {"one input too many" + at, ErrorCode::InvalidArgument, countText(m + 1)})) {
    return o;
  }
  inputs.pop_back();
  if (m == 0) return std::nullopt;
  const Tensor<T> last = inputs.back();
  inputs.pop_back();
  if (auto o =
          check(inputs, {"one input too few" + at, ErrorCode::InvalidArgument, countText(m - 1)})) {
    return o;
  }
  inputs.push_back(last);
  const size_t k = c.outId % m;
  const Shape wrong = otherShape(g.inputs()[k]);
  inputs[k] = Tensor<T>(wrong);
  return check(inputs, {"input %" + std::to_string(k) + " of shape " + wrong.str() + at,
                        ErrorCode::ShapeMismatch,
                        "compile: input %" + std::to_string(k) + " has shape " + wrong.str() +
                            ", expected " + g.inputs()[k].str(),
                        static_cast<int64_t>(k)});
}

// Wrong seed count and shape to backwardDenseFrom and backwardDenseFromSeedCtx; at the exact
// scalar, spec::denseGradient must refuse the same seeds with the same kind at the same node.
template <class T>
std::optional<Outcome> badSeedContexts(const Case& c, const Compiled<T>& compiled,
                                       std::string_view scalar) {
  const Graph& g = c.graph;
  const size_t n = g.numValues();
  const std::string at = " (" + std::string(scalar) + ")";
  auto check = [&](const std::vector<Tensor<T>>& seeds, const Expected& from,
                   const Expected& ctx) -> std::optional<Outcome> {
    Result<Context<T>> engine = compiled.tape().backwardDenseFrom(seeds);
    if (auto o = expectError(engine, from)) return o;
    if (auto o = expectError(compiled.backwardDenseFromSeedCtx(seeds), ctx)) return o;
    if constexpr (kHasSpec<T>) {
      const std::vector<Tensor<T>> inputs = inputsFor<T>(c);
      auto spec = spec::denseGradient<T>(g, toValues(std::span<const Tensor<T>>(inputs)),
                                         toValues(std::span<const Tensor<T>>(seeds)));
      return disagreement(engine, spec,
                          from.request + ": backwardDenseFrom vs spec::denseGradient");
    }
    return std::nullopt;
  };
  auto lengthText = [&](size_t got) {
    return "autograd: initial dense gradient array has wrong length: expected " +
           std::to_string(n) + ", got " + std::to_string(got);
  };
  auto ctxCountText = [&](size_t got) {
    return "autograd: seed context has " + std::to_string(got) +
           " entries, expected |Γ| + |ss| = " + std::to_string(n);
  };
  std::vector<Tensor<T>> seeds = seedsFor<T>(c);
  seeds.push_back(Tensor<T>());
  if (auto o = check(
          seeds, {"one seed too many" + at, ErrorCode::InvalidArgument, lengthText(n + 1)},
          {"seed context one too long" + at, ErrorCode::InvalidArgument, ctxCountText(n + 1)})) {
    return o;
  }
  seeds.pop_back();
  if (n == 0) return std::nullopt;
  const Tensor<T> last = seeds.back();
  seeds.pop_back();
  if (auto o = check(
          seeds, {"one seed too few" + at, ErrorCode::InvalidArgument, lengthText(n - 1)},
          {"seed context one too short" + at, ErrorCode::InvalidArgument, ctxCountText(n - 1)})) {
    return o;
  }
  seeds.push_back(last);
  const size_t k = c.outId % n;
  const Shape& expected = g.shapeOf(static_cast<ValueId>(k));
  const Shape wrong = otherShape(expected);
  seeds[k] = Tensor<T>(wrong);
  const auto node = static_cast<int64_t>(k);
  return check(
      seeds,
      {"seed %" + std::to_string(k) + " of shape " + wrong.str() + at, ErrorCode::ShapeMismatch,
       "autograd: gradient array has wrong shape for node %" + std::to_string(k) + ": expected " +
           expected.str() + ", got " + wrong.str(),
       node},
      {"seed context entry %" + std::to_string(k) + " of shape " + wrong.str() + at,
       ErrorCode::ShapeMismatch,
       "autograd: seed context entry %" + std::to_string(k) + " has shape " + wrong.str() +
           ", expected " + expected.str(),
       node});
}

// Out-of-range output ids and wrong seed shapes to backwardDenseAll (and, at the exact scalar,
// to spec::oneHotSeeds, which states the same request); backwardDenseAllFromOutput's contract.
template <class T>
std::optional<Outcome> badOutputs(const Case& c, const Compiled<T>& compiled,
                                  std::string_view scalar) {
  const Graph& g = c.graph;
  const size_t n = g.numValues();
  const std::string at = " (" + std::string(scalar) + ")";
  auto check = [&](size_t o, const Tensor<T>& seed, const Expected& x) -> std::optional<Outcome> {
    Result<Context<T>> engine = compiled.tape().backwardDenseAll(o, seed);
    if (auto out = expectError(engine, x)) return out;
    if constexpr (kHasSpec<T>) {
      auto spec = spec::oneHotSeeds<T>(g, o, toValues(std::span<const Tensor<T>>(&seed, 1))[0]);
      return disagreement(engine, spec, x.request + ": backwardDenseAll vs spec::oneHotSeeds");
    }
    return std::nullopt;
  };
  for (size_t o : {n, n + 1 + c.outId % 3, SIZE_MAX}) {
    if (auto out = check(o, Tensor<T>(),
                         {"output id " + std::to_string(o) + at, ErrorCode::InvalidId,
                          "autograd: invalid output id " + std::to_string(o)})) {
      return out;
    }
  }
  if (n > 0) {
    const size_t o = c.outId < n ? c.outId : n - 1;
    const Shape& expected = g.shapeOf(static_cast<ValueId>(o));
    const Shape wrong = otherShape(expected);
    if (auto out =
            check(o, Tensor<T>(wrong),
                  {"seed of shape " + wrong.str() + " at output %" + std::to_string(o) + at,
                   ErrorCode::ShapeMismatch,
                   "autograd: seed gradient shape mismatch for output %" + std::to_string(o) +
                       ": expected " + expected.str() + ", got " + wrong.str(),
                   static_cast<int64_t>(o)})) {
      return out;
    }
  }
  Result<Context<T>> fromOutput = compiled.backwardDenseAllFromOutput();
  if (g.numNodes() == 0) {
    return expectError(fromOutput, {"backwardDenseAllFromOutput without nodes" + at,
                                    ErrorCode::NoOutput, "compiled graph has no output node"});
  }
  if (!g.shapeOf(static_cast<ValueId>(n - 1)).isScalar()) {
    return expectError(
        fromOutput,
        {"backwardDenseAllFromOutput of a non-scalar output" + at, ErrorCode::ShapeMismatch,
         "autograd: seed gradient shape mismatch for output %" + std::to_string(n - 1)});
  }
  return std::nullopt;
}

template <class T>
std::optional<Outcome> badRequestsAt(const Case& c, std::string_view scalar) {
  if (auto o = badInputs<T>(c, scalar)) return o;
  Result<Compiled<T>> compiled = compile<T>(c.graph, inputsFor<T>(c));
  // A domain error, or a transcendental op at the exact scalar: the sweeps have nothing to run on.
  if (!compiled.ok()) return std::nullopt;
  if (auto o = badSeedContexts<T>(c, compiled.value(), scalar)) return o;
  return badOutputs<T>(c, compiled.value(), scalar);
}

// A graph with a transcendental op at the exact scalar: compile<Rational> refuses it with
// Unsupported at the first such node, naming the op; spec::evaluate<Rational> refuses it too (at
// that node, or earlier with a domain error it meets first).
std::optional<Outcome> transcendentalAtExact(const Case& c) {
  const Graph& g = c.graph;
  const int64_t first = firstTranscendental(g);
  if (first < 0) return std::nullopt;
  const std::string name(opName(g.producer(static_cast<ValueId>(first)).op));
  const std::string at = "%" + std::to_string(first);
  if (auto o =
          expectError(compile<Rational>(g, c.inputs),
                      {"compile<Rational> of " + name + " at " + at, ErrorCode::Unsupported,
                       "': " + name + " cannot be computed exactly at the exact scalar", first})) {
    return o;
  }
  Result<SpecValues> spec = spec::evaluate<Rational>(g, toValues(c.inputs));
  const bool refused =
      !spec.ok() && ((spec.error().code == ErrorCode::Unsupported && spec.error().node == first &&
                      spec.error().message.find(name) != std::string::npos) ||
                     (spec.error().code == ErrorCode::DomainError && spec.error().node < first));
  if (refused) return std::nullopt;
  return failWith({"bad-input", first, "", spec.ok() ? "ok" : describe(spec.error()),
                   "Unsupported at " + at + " naming " + name + " (or an earlier DomainError)",
                   "spec::evaluate<Rational> of a graph with " + name},
                  "spec::evaluate<Rational> does not refuse a transcendental op");
}

// ---- malformed nodes through GraphBuilder::addNode

struct BadNode {
  Expected expected;
  Op op;
  std::vector<ValueId> parents;
  std::vector<int64_t> ints;
  std::vector<ExactLiteral> lits;
};

// Requests the builder must refuse at value id `id`, given the values before it.
std::vector<BadNode> badNodesAt(const Graph& g, ValueId id) {
  const std::string at = "%" + std::to_string(id);
  std::vector<BadNode> bad;
  const std::string forward = "is not defined before " + at + " (forward reference";
  bad.push_back(
      {{"relu of itself at " + at, ErrorCode::InvalidId, forward, id}, Op::Relu, {id}, {}, {}});
  bad.push_back({{"relu of a later value at " + at, ErrorCode::InvalidId, forward, id},
                 Op::Relu,
                 {id + 3},
                 {},
                 {}});
  bad.push_back({{"add with no operands at " + at, ErrorCode::InvalidArgument,
                  "add takes 2 operand(s), got 0", id},
                 Op::Add,
                 {},
                 {},
                 {}});
  if (id == 0) return bad;
  const ValueId last = id - 1;
  bad.push_back({{"add with one operand at " + at, ErrorCode::InvalidArgument,
                  "add takes 2 operand(s), got 1", id},
                 Op::Add,
                 {last},
                 {},
                 {}});
  bad.push_back({{"relu with two operands at " + at, ErrorCode::InvalidArgument,
                  "relu takes 1 operand(s), got 2", id},
                 Op::Relu,
                 {last, last},
                 {},
                 {}});
  bad.push_back({{"reduceSum without its axis at " + at, ErrorCode::InvalidArgument,
                  "reduceSum takes 1 int attribute(s), got 0", id},
                 Op::ReduceSum,
                 {last},
                 {},
                 {}});
  bad.push_back({{"clamp with lo > hi at " + at, ErrorCode::InvalidArgument,
                  "clamp needs lo <= hi, got lo = 1, hi = -1", id},
                 Op::Clamp,
                 {last},
                 {},
                 {ExactLiteral(1), ExactLiteral(-1)}});
  // The transcendental ops: arity, eps > 0 (checked before shapes), layerNorm's operand shapes.
  bad.push_back({{"log with two operands at " + at, ErrorCode::InvalidArgument,
                  "log takes 1 operand(s), got 2", id},
                 Op::Log,
                 {last, last},
                 {},
                 {}});
  bad.push_back({{"safeLog with eps = 0 at " + at, ErrorCode::InvalidArgument,
                  "safeLog needs eps > 0, got eps = 0", id},
                 Op::SafeLog,
                 {last},
                 {},
                 {ExactLiteral(0)}});
  bad.push_back({{"layerNorm with eps = -1/2 at " + at, ErrorCode::InvalidArgument,
                  "layerNorm needs eps > 0, got eps = -1/2", id},
                 Op::LayerNorm,
                 {last, last, last},
                 {},
                 {ExactLiteral::fromRatio(-1, 2).value()}});
  // gamma = beta = x: a rank-2 x [L,E] has gamma [L,E], not [E]; any other x is not [L,E].
  bad.push_back({{"layerNorm with gamma and beta of x's shape at " + at, ErrorCode::ShapeMismatch,
                  "'" + at + " = layerNorm(", id},
                 Op::LayerNorm,
                 {last, last, last},
                 {},
                 {GraphBuilder::defaultEpsilon()}});
  const Shape& s = g.shapeOf(last);
  if (s.rank() == 1) {
    bad.push_back({{"gatherScalar past the end at " + at, ErrorCode::IndexOutOfRange,
                    "'" + at + " = gatherScalar(", id},
                   Op::GatherScalar,
                   {last},
                   {s[0]},
                   {}});
  }
  return bad;
}

// Rebuilds the graph node by node; before node `position` every malformed request is refused
// with its documented error, and the refused requests leave no trace: the result is the graph.
std::optional<Outcome> malformedNodes(const Case& c) {
  const Graph& g = c.graph;
  const size_t position = c.outId % (g.numNodes() + 1);
  GraphBuilder b(std::vector<Shape>(g.inputs().begin(), g.inputs().end()));
  for (size_t k = 0; k <= g.numNodes(); ++k) {
    if (k == position) {
      for (const BadNode& bad : badNodesAt(g, static_cast<ValueId>(g.numInputs() + k))) {
        if (auto o =
                expectError(b.addNode(bad.op, bad.parents, bad.ints, bad.lits), bad.expected)) {
          return o;
        }
      }
    }
    if (k == g.numNodes()) break;
    const Node& n = g.node(k);
    const bool target = opInfo(n.op).takesTargetShape;
    Result<Var> v = b.addNode(n.op, g.parents(n), g.ints(n), g.literals(n),
                              target ? std::optional<Shape>(n.shape) : std::nullopt);
    if (!v.ok()) {
      return failWith(
          {"bad-input", static_cast<int64_t>(g.numInputs() + k), "", describe(v.error()), "ok",
           "re-adding a node of a valid graph after refused requests"},
          "a refused request left the builder unable to add a valid node");
    }
  }
  Result<Graph> rebuilt = b.finish();
  if (!rebuilt.ok() || !sameGraph(rebuilt.value(), g)) {
    return failWith({"bad-input", -1, "",
                     rebuilt.ok() ? printGraph(rebuilt.value()) : describe(rebuilt.error()),
                     printGraph(g), "the graph rebuilt around refused requests"},
                    "refused requests changed the graph");
  }
  return std::nullopt;
}

// The text parser refuses eps <= 0 as the builder does (one validation path), with the line.
std::optional<Outcome> badEpsilonText(const Case& c) {
  const Graph& g = c.graph;
  if (g.numValues() == 0) return std::nullopt;
  const ValueId last = static_cast<ValueId>(g.numValues() - 1);
  const std::string at = "%" + std::to_string(g.numValues());
  const std::string text = printGraph(g) + at + " = safeLog(%" + std::to_string(last) +
                           ") {eps = 0} : " + g.shapeOf(last).str() + "\n";
  Result<GraphText> parsed = parseGraphText(text);
  return expectError(parsed,
                     {"graph text with safeLog {eps = 0} at " + at, ErrorCode::InvalidArgument,
                      "safeLog needs eps > 0, got eps = 0", static_cast<int64_t>(g.numValues())});
}

}  // namespace

Outcome checkBadInput(const Case& c) {
  // The case's own (valid) request first: the engine errors iff the spec does, identically (at
  // Interval: or the case is inconclusive).
  std::optional<Outcome> settled;
  if (hasTranscendental(c.graph)) {
    IntervalForward fw = runIntervalForward(c, OnBothFail::Pass);
    if (fw.settled && fw.settled->status != Outcome::Status::Pass) settled = fw.settled;
    if (auto o = transcendentalAtExact(c)) return *o;
  } else {
    ExactForward fw = runExactForward(c, OnBothFail::Pass);
    if (fw.settled && !fw.settled->passed()) return *fw.settled;
  }
  if (settled && settled->status == Outcome::Status::Fail) return *settled;
  if (auto o = badRequestsAt<Rational>(c, "exact")) return *o;
  // At Interval only when the valid request was decided: an undecided domain edge on one side
  // would make every bad request disagree the same way.
  if (hasTranscendental(c.graph) && !settled) {
    if (auto o = badRequestsAt<Interval>(c, "interval")) return *o;
  }
  if (auto o = badRequestsAt<double>(c, "double")) return *o;
  if (auto o = malformedNodes(c)) return *o;
  if (auto o = badEpsilonText(c)) return *o;
  return settled ? *settled : Outcome::pass();
}

}  // namespace verigrad::props::detail
