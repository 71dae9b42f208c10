// The local float check of the Modelled rows (see float_modelled.hpp).
#include "float_modelled.hpp"

#include <string>

#include "float_support.hpp"
#include "kernel_model.hpp"
#include "local_node.hpp"

namespace verigrad::oracle::detail {
namespace {

// An enclosure as the check uses it: its midpoint, half-width and an upper bound of |x|.
struct Enclosed {
  Rational mid;
  Rational half;
  Rational magnitude;
};

std::optional<Enclosed> enclosed(const Interval& x) {
  if (!x.isBounded()) return std::nullopt;
  Result<Rational> lo = x.lower(), hi = x.upper();
  if (!lo.ok() || !hi.ok()) return std::nullopt;
  Enclosed e{(lo.value() + hi.value()) / Rational(2), (hi.value() - lo.value()) / Rational(2),
             magnitudeOf(x)};
  return e;
}

// The model's view of a node: operand slots, literals and δ as exact points.
template <class F>
ModelInput modelInput(const Graph& g, const Node& node, const LocalNode& local,
                      const Context<F>& values, const TensorView<F>* delta) {
  ModelInput in;
  in.graph = &g;
  in.node = &node;
  for (ValueId p : g.parents(node)) in.operands.push_back(pointValue(values[p]).data);
  // The local graph holds the literals as compile<F> rounded them.
  const Node& localNode = local.graph.producer(static_cast<ValueId>(local.graph.numInputs()));
  for (const ExactLiteral& lit : local.graph.literals(localNode)) in.literals.emplace_back(lit);
  if (delta) in.delta = pointValue(*delta).data;
  return in;
}

Mismatch nodeProblem(const char* what, ValueId id, std::string why) {
  return Mismatch{what, static_cast<int64_t>(id), "", "-", "-", std::move(why)};
}

// r in ulps of the enclosure's magnitude, for people.
template <class F>
std::string inUlps(const Rational& r, const Rational& magnitude) {
  return formatApprox(r / ulpIn(formatOf<F>(), magnitude));
}

}  // namespace

template <class F>
std::optional<Mismatch> checkModelledForward(const Graph& g, const Context<F>& values, ValueId id,
                                             const OpRounding& row, FloatCheckResult& result) {
  constexpr const char* kWhat = "float-forward";
  const Node& node = g.producer(id);
  const TensorView<F> engine = values[id];
  const auto numel = static_cast<uint64_t>(engine.numel());
  Result<LocalNode> local = localNode<F>(g, id, Sharing::DistinctParents);
  if (!local.ok()) {
    return nodeProblem(kWhat, id, "cannot restate the node alone: " + local.error().message);
  }
  const std::vector<spec::Value<Interval>> inputs = localPointInputs(local.value(), values);
  Result<spec::Value<Interval>> truth = evaluateLocal<Interval>(local.value(), inputs);
  if (!truth.ok()) {
    // log of x <= 0 has no value; IEEE gives -inf or NaN there. The other elements go unchecked.
    if (truth.error().code == ErrorCode::DomainError && !allFinite(engine.span())) {
      result.skippedNonFinite += numel;
      return std::nullopt;
    }
    return nodeProblem(kWhat, id,
                       "the spec fails at the engine's operands: " + truth.error().message);
  }
  if (truth.value().shape != engine.shape) {
    return nodeProblem(kWhat, id,
                       "the spec's shape " + truth.value().shape.str() +
                           " differs from the engine's " + engine.shape.str());
  }
  Result<Radii> radii =
      row.model->forward(formatOf<F>(), modelInput<F>(g, node, local.value(), values, nullptr));
  if (!radii.ok()) return nodeProblem(kWhat, id, "rounding model: " + radii.error().message);

  for (int64_t e = 0; e < engine.numel(); ++e) {
    const Interval& t = truth.value().data[static_cast<size_t>(e)];
    const std::optional<Rational>& r = radii.value()[static_cast<size_t>(e)];
    const std::optional<Enclosed> x = enclosed(t);
    if (!r || !x) {  // the model admits an overflow, or the spec's enclosure is not bounded
      ++result.skippedUnbounded;
      continue;
    }
    const F v = engine[e];
    auto report = [&](std::string why) {
      return Mismatch{kWhat,
                      static_cast<int64_t>(id),
                      engine.shape.indexText(e),
                      formatFloat(v),
                      t.str(),
                      std::move(why)};
    };
    if (!std::isfinite(v)) {
      return report("a non-finite value where the rounding model of '" +
                    std::string(opName(node.op)) + "' admits no overflow");
    }
    const Rational bound = *r + x->half;
    const Rational err = absOf(exactOf(v) - x->mid);
    if (err > bound) {
      return report("|v - exact| = " + formatApprox(err) + " > bound " + formatApprox(bound) +
                    " (" + inUlps<F>(bound, x->magnitude) + " ulp of the exact value; the " +
                    std::string(opName(node.op)) + " kernel's standard-model radius " +
                    formatApprox(*r) + ")");
    }
    ++result.checked;
  }
  return std::nullopt;
}

template <class F>
Result<std::vector<ModelledContribution>> modelledPullback(const Graph& g, const Context<F>& values,
                                                           const Context<F>& grads, ValueId c,
                                                           const OpRounding& row) {
  const Node& node = g.producer(c);
  Result<LocalNode> local = localNode<F>(g, c, Sharing::PerSlot);
  if (!local.ok()) return local.error();
  const std::vector<spec::Value<Interval>> inputs = localPointInputs(local.value(), values);
  const TensorView<F> delta = grads[c];
  Result<std::vector<spec::Value<Interval>>> pull =
      pullbackLocal<Interval>(local.value(), inputs, pointValue(delta));
  if (!pull.ok()) return pull.error();
  const ModelInput in = modelInput(g, node, local.value(), values, &delta);

  std::vector<ModelledContribution> out;
  for (size_t s = 0; s < g.parents(node).size(); ++s) {
    Result<Radii> radii = row.model->vjp(formatOf<F>(), in, static_cast<int>(s));
    if (!radii.ok()) return radii.error();
    const spec::Value<Interval>& truth = pull.value()[local.value().slotInput[s]];
    ModelledContribution m;
    for (size_t e = 0; e < truth.data.size(); ++e) {
      const std::optional<Enclosed> x = enclosed(truth.data[e]);
      const std::optional<Rational>& r = radii.value()[e];
      m.value.push_back(x ? x->mid : Rational(0));
      m.magnitude.push_back(x ? x->magnitude : Rational(0));
      if (x && r) {
        m.bound.emplace_back(*r + x->half);
      } else {
        m.bound.emplace_back(std::nullopt);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

#define VG_FLOAT_MODELLED_INSTANTIATE(F)                                               \
  template std::optional<Mismatch> checkModelledForward<F>(                            \
      const Graph&, const Context<F>&, ValueId, const OpRounding&, FloatCheckResult&); \
  template Result<std::vector<ModelledContribution>> modelledPullback<F>(              \
      const Graph&, const Context<F>&, const Context<F>&, ValueId, const OpRounding&);
VG_FLOAT_MODELLED_INSTANTIATE(float)
VG_FLOAT_MODELLED_INSTANTIATE(double)
#undef VG_FLOAT_MODELLED_INSTANTIATE

}  // namespace verigrad::oracle::detail
