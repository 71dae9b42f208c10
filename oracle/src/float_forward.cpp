// The local float check of forward values (see float_local.hpp): each node's float value against
// the exact value of its op at the engine's own operands, within its row of the rounding table.
#include <string>

#include "float_modelled.hpp"
#include "float_support.hpp"
#include "local_node.hpp"
#include "verigrad/oracle/float_local.hpp"
#include "verigrad/oracle/rounding_model.hpp"

namespace verigrad::oracle {
namespace {

using detail::absOf;
using detail::exactOf;
using detail::formatApprox;
using detail::formatFloat;
using detail::formatRational;

constexpr const char* kWhat = "float-forward";

Mismatch nodeProblem(ValueId id, std::string why) {
  return Mismatch{kWhat, static_cast<int64_t>(id), "", "-", "-", std::move(why)};
}

// What one node's elements are held to.
struct Bound {
  ForwardModel model = ForwardModel::Exact;
  int64_t k = 0;
  Rational gammaK;    // γ_k
  Rational absError;  // k·η
  Rational divisor;   // the op divides its partial sums' total by this (mean, mseLoss)
  const spec::Value<Rational>* magnitude = nullptr;  // Σ|terms| per element; null: |exact|
};

template <class F>
class NodeCheck {
 public:
  NodeCheck(ValueId id, TensorView<F> engine, const spec::Value<Rational>& exact, const Bound& b)
      : id_(id), engine_(engine), exact_(exact), b_(b) {}

  std::optional<Mismatch> element(int64_t e) const {
    const F v = engine_[e];
    const Rational& x = exact_.data[static_cast<size_t>(e)];
    if (!std::isfinite(v)) return nonFinite(e, v, x);
    switch (b_.model) {
      case ForwardModel::Exact:
        if (exactOf(v) == x) return std::nullopt;
        return report(e, "a depth-0 op: the engine value must equal the exact value");
      case ForwardModel::CorrectlyRounded: {
        Result<F> r = detail::Model<F>::round(x);
        if (!r.ok()) return report(e, "the exact value overflows, the engine's is finite");
        if (exactOf(r.value()) == exactOf(v)) return std::nullopt;
        return report(e, "one rounding: the correctly rounded (nearest even) value is " +
                             formatFloat(r.value()));
      }
      case ForwardModel::Summed: {
        const Rational m = magnitudeAt(e);
        const Rational bound = b_.gammaK * m + b_.absError;
        const Rational err = absOf(exactOf(v) - x);
        if (err <= bound) return std::nullopt;
        return report(e, "|v - exact| = " + formatApprox(err) + " > gamma_" + std::to_string(b_.k) +
                             "*M + " + std::to_string(b_.k) + "*eta = " + formatApprox(bound) +
                             " (M = " + formatApprox(m) + ")");
      }
      case ForwardModel::Modelled:
        break;  // checked by checkModelledForward, never here
    }
    return report(e, "unknown forward model");
  }

 private:
  Rational magnitudeAt(int64_t e) const {
    const Rational& x = exact_.data[static_cast<size_t>(e)];
    return b_.magnitude ? b_.magnitude->data[static_cast<size_t>(e)] : absOf(x);
  }

  // Finite operands, non-finite result: IEEE overflow is legitimate only when the exact value,
  // or a partial result the op must form (bounded by (1 + γ_k)·M·divisor), exceeds the largest
  // finite value; an exactly computed op overflows only with its correctly rounded value.
  std::optional<Mismatch> nonFinite(int64_t e, F v, const Rational& x) const {
    using Model = detail::Model<F>;
    switch (b_.model) {
      case ForwardModel::Exact:
        return report(e, "a depth-0 op cannot produce inf/NaN from finite operands");
      case ForwardModel::CorrectlyRounded: {
        const bool overflows = !Model::round(x).ok();
        if (overflows && std::isinf(v) && (v > 0) == (x.sign() > 0)) return std::nullopt;
        return report(e, overflows ? "the exact value overflows to inf of its own sign"
                                   : "the exact value is finite in this format");
      }
      case ForwardModel::Summed: {
        const Rational peak = (Rational(1) + b_.gammaK) * magnitudeAt(e) * b_.divisor;
        if (absOf(x) > Model::maxFinite() || peak > Model::maxFinite()) return std::nullopt;
        return report(e, "neither the exact value nor any partial sum (<= " + formatApprox(peak) +
                             ") exceeds the largest finite value");
      }
      case ForwardModel::Modelled:
        break;
    }
    return report(e, "unknown forward model");
  }

  Mismatch report(int64_t e, std::string why) const {
    return Mismatch{kWhat,
                    static_cast<int64_t>(id_),
                    engine_.shape.indexText(e),
                    formatFloat(engine_[e]),
                    formatRational(exact_.data[static_cast<size_t>(e)]),
                    std::move(why)};
  }

  ValueId id_;
  TensorView<F> engine_;
  const spec::Value<Rational>& exact_;
  const Bound& b_;
};

template <class F>
bool anyNonFinite(const TensorView<F>& t) {
  return !detail::allFinite(t.span());
}

template <class F>
std::optional<Mismatch> checkNode(const Graph& g, const Context<F>& values, ValueId id,
                                  FloatCheckResult& result) {
  const Node& node = g.producer(id);
  const TensorView<F> engine = values[id];
  const auto numel = static_cast<uint64_t>(engine.numel());
  const OpRounding* row = roundingOf(node.op);
  if (!row) {
    return nodeProblem(id,
                       "op '" + std::string(opName(node.op)) +
                           "' has no row in the rounding table (oracle/src/rounding_model.cpp)");
  }
  for (ValueId p : g.parents(node)) {
    if (anyNonFinite(values[p])) {
      result.skippedNonFinite += numel;
      return std::nullopt;
    }
  }
  if (row->forward == ForwardModel::Modelled) {
    return detail::checkModelledForward(g, values, id, *row, result);
  }
  Result<detail::LocalNode> local = detail::localNode<F>(g, id, detail::Sharing::DistinctParents);
  if (!local.ok()) {
    return nodeProblem(id, "cannot restate the node alone: " + local.error().message);
  }
  const auto inputs = detail::localInputs(local.value(), values, /*absolute=*/false);
  Result<spec::Value<Rational>> exact = detail::evaluateLocal<Rational>(local.value(), inputs);
  if (!exact.ok()) {
    // x/0 has no exact value; IEEE gives inf or NaN there. The other elements go unchecked.
    if (exact.error().code == ErrorCode::DomainError && anyNonFinite(engine)) {
      result.skippedNonFinite += numel;
      return std::nullopt;
    }
    return nodeProblem(id, "the spec fails at the engine's operands: " + exact.error().message);
  }
  if (exact.value().shape != engine.shape) {
    return nodeProblem(id, "the spec's shape " + exact.value().shape.str() +
                               " differs from the engine's " + engine.shape.str());
  }

  Bound b;
  b.model = row->forward;
  std::optional<spec::Value<Rational>> absTerms;
  if (b.model == ForwardModel::Summed) {
    b.k = countFor(row->forwardDepth, g, node);
    if (!detail::Model<F>::gammaDefined(b.k)) {
      result.skippedUnbounded += numel;
      return std::nullopt;
    }
    b.gammaK = detail::Model<F>::gamma(b.k);
    b.absError = Rational(b.k) * detail::Model<F>::eta();
    b.divisor = Rational(countFor(row->forwardDivisor, g, node));
    if (row->forwardMagnitude == Magnitude::OfAbsoluteTerms) {
      Result<spec::Value<Rational>> m = detail::evaluateLocal<Rational>(
          local.value(), detail::localInputs(local.value(), values, /*absolute=*/true));
      if (!m.ok()) return nodeProblem(id, "the spec fails at |operands|: " + m.error().message);
      absTerms = std::move(m).value();
      b.magnitude = &*absTerms;
    }
  }
  const NodeCheck<F> check(id, engine, exact.value(), b);
  for (int64_t e = 0; e < engine.numel(); ++e) {
    if (auto m = check.element(e)) return m;
    ++result.checked;
  }
  return std::nullopt;
}

}  // namespace

template <class F>
FloatCheckResult checkFloatForward(const Graph& graph, const Context<F>& values) {
  FloatCheckResult result;
  if (values.size() != graph.numValues() ||
      values.graph().totalElements() != graph.totalElements()) {
    result.mismatch = Mismatch{kWhat,
                               -1,
                               "",
                               std::to_string(values.size()) + " values",
                               std::to_string(graph.numValues()) + " values",
                               "the value context is not laid out for this graph"};
    return result;
  }
  for (size_t id = graph.numInputs(); id < graph.numValues(); ++id) {
    if (values.shape(id) != graph.shapeOf(static_cast<ValueId>(id))) {
      result.mismatch =
          nodeProblem(static_cast<ValueId>(id), "value context shape " + values.shape(id).str());
      return result;
    }
    result.mismatch = checkNode(graph, values, static_cast<ValueId>(id), result);
    if (result.mismatch) return result;
  }
  return result;
}

template FloatCheckResult checkFloatForward<float>(const Graph&, const Context<float>&);
template FloatCheckResult checkFloatForward<double>(const Graph&, const Context<double>&);

}  // namespace verigrad::oracle
