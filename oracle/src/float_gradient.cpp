// The local float check of gradients (see float_local.hpp): each value's float gradient against
// its seed plus the exact pullbacks J_cᵀ δ_c of its children, δ_c being the engine's own float
// gradient of child c, within the accumulated standard-model bound of rounding_model.hpp.
#include <string>
#include <vector>

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

constexpr const char* kWhat = "float-gradient";

Mismatch valueProblem(int64_t id, std::string why) {
  return Mismatch{kWhat, id, "", "-", "-", std::move(why)};
}

// What value p's gradient is expected to be, and the pieces of its bound, per element.
struct Expected {
  std::vector<Rational> value;   // seed_p + Σ_c exact_c
  std::vector<Rational> gammaM;  // Σ_c γ_{k_c}·M_c
  std::vector<Rational> terms;   // |seed_p| + Σ_c (|exact_c| + γ_{k_c}·M_c)
  std::vector<Rational> peak;    // |seed_p| + Σ_c (1 + γ_{k_c})·M_c: bounds every partial result
  int64_t contributions = 0;     // m: operand slots through which p receives a contribution
  int64_t depthSum = 0;          // Σ_c k_c
  bool nonFinite = false;        // an input of some contribution (or the seed) is inf/NaN
  bool unbounded = false;        // some k_c has k·u ≥ 1
  std::vector<uint8_t> unboundedAt;  // per element: a Modelled contribution the model cannot bound
  std::string from;                  // the contributing children, for the report
};

template <class F>
class GradientCheck {
 public:
  GradientCheck(const Graph& g, const Context<F>& values, const Context<F>& grads,
                const std::vector<uint8_t>* reached)
      : g_(g), values_(values), grads_(grads), reached_(reached), expected_(g.numValues()) {}

  // seed_p (zero when absent) opens every value's sum.
  void seed(ValueId p, const TensorView<F>* s) {
    Expected& x = expected_[p];
    const auto n = static_cast<size_t>(g_.shapeOf(p).numel());
    x.value.assign(n, Rational(0));
    x.gammaM.assign(n, Rational(0));
    x.terms.assign(n, Rational(0));
    x.peak.assign(n, Rational(0));
    x.unboundedAt.assign(n, 0);
    if (!s) return;
    if (!detail::allFinite(s->span())) x.nonFinite = true;
    for (size_t e = 0; e < n && !x.nonFinite; ++e) {
      x.value[e] = exactOf((*s)[static_cast<int64_t>(e)]);
      x.terms[e] = absOf(x.value[e]);
      x.peak[e] = x.terms[e];
    }
  }

  // Adds child c's exact pullbacks to its parents' expectations.
  std::optional<Mismatch> addChild(ValueId c) {
    const Node& node = g_.producer(c);
    if (!opInfo(node.op).hasGradientEdges) return std::nullopt;
    if (reached_ && !(*reached_)[c]) return std::nullopt;
    const OpRounding* row = roundingOf(node.op);
    if (!row) {
      return valueProblem(c,
                          "op '" + std::string(opName(node.op)) +
                              "' has no row in the rounding table (oracle/src/rounding_model.cpp)");
    }
    const std::span<const ValueId> parents = g_.parents(node);
    if (!inputsFinite(c, parents)) {
      markParents(parents, &Expected::nonFinite);
      return std::nullopt;
    }

    if (row->forward == ForwardModel::Modelled) return addModelledChild(c, *row, parents);

    Result<detail::LocalNode> local = detail::localNode<F>(g_, c, detail::Sharing::PerSlot);
    if (!local.ok()) {
      return valueProblem(c, "cannot restate the node alone: " + local.error().message);
    }
    const auto inputs = detail::localInputs(local.value(), values_, /*absolute=*/false);
    Result<std::vector<spec::Value<Rational>>> pull = detail::pullbackLocal<Rational>(
        local.value(), inputs, detail::exactValue(grads_[c], false));
    if (!pull.ok()) {
      // x/0 has no exact derivative; IEEE gives inf/NaN. The parents go unchecked.
      if (pull.error().code == ErrorCode::DomainError) {
        markParents(parents, &Expected::nonFinite);
        return std::nullopt;
      }
      return valueProblem(c, "the spec fails at the engine's operands: " + pull.error().message);
    }
    std::optional<std::vector<spec::Value<Rational>>> absPull;
    for (size_t s = 0; s < parents.size(); ++s) {
      if (row->vjp[s].magnitude != Magnitude::OfAbsoluteTerms || absPull) continue;
      Result<std::vector<spec::Value<Rational>>> a = detail::pullbackLocal<Rational>(
          local.value(), detail::localInputs(local.value(), values_, /*absolute=*/true),
          detail::exactValue(grads_[c], /*absolute=*/true));
      if (!a.ok()) return valueProblem(c, "the spec fails at |operands|: " + a.error().message);
      absPull = std::move(a).value();
    }
    for (size_t s = 0; s < parents.size(); ++s) {
      const int64_t k = countFor(row->vjp[s].depth, g_, node);
      const spec::Value<Rational>* m =
          row->vjp[s].magnitude == Magnitude::OfAbsoluteTerms ? &(*absPull)[s] : nullptr;
      addContribution(parents[s], c, s, k, pull.value()[s], m);
    }
    return std::nullopt;
  }

  // Every value's gradient against its expectation; outId (All mode) must hold its seed exactly.
  std::optional<Mismatch> verify(std::optional<size_t> outId, FloatCheckResult& r) const {
    for (size_t p = 0; p < g_.numValues(); ++p) {
      const TensorView<F> got = grads_[p];
      const Expected& x = expected_[p];
      const auto numel = static_cast<uint64_t>(got.numel());
      const bool unreached = reached_ && !(*reached_)[p];
      const bool exactSlot = unreached || (outId && *outId == p);
      if (!unreached && x.nonFinite) {
        r.skippedNonFinite += numel;
        continue;
      }
      const bool unbounded = x.unbounded || !detail::Model<F>::gammaDefined(x.contributions + 1);
      if (!exactSlot && unbounded) {
        r.skippedUnbounded += numel;
        continue;
      }
      for (int64_t e = 0; e < got.numel(); ++e) {
        if (!exactSlot && x.unboundedAt[static_cast<size_t>(e)]) {
          ++r.skippedUnbounded;
          continue;
        }
        std::optional<Mismatch> m =
            exactSlot ? verifyExact(p, e, outId && *outId == p) : verifyElement(p, e);
        if (m) return m;
        ++r.checked;
      }
    }
    return std::nullopt;
  }

 private:
  bool inputsFinite(ValueId c, std::span<const ValueId> parents) const {
    if (!detail::allFinite(grads_[c].span())) return false;
    for (ValueId p : parents) {
      if (!detail::allFinite(values_[p].span())) return false;
    }
    return true;
  }

  // A transcendental child: its contributions' true values are enclosures from the spec at the
  // interval scalar, their rounding bounds the kernel model's radii (float_modelled.hpp).
  std::optional<Mismatch> addModelledChild(ValueId c, const OpRounding& row,
                                           std::span<const ValueId> parents) {
    Result<std::vector<detail::ModelledContribution>> pull =
        detail::modelledPullback(g_, values_, grads_, c, row);
    if (!pull.ok()) {
      // log at x <= 0 has no exact derivative; IEEE gives inf/NaN. The parents go unchecked.
      if (pull.error().code == ErrorCode::DomainError) {
        markParents(parents, &Expected::nonFinite);
        return std::nullopt;
      }
      return valueProblem(c, "the spec fails at the engine's operands: " + pull.error().message);
    }
    for (size_t s = 0; s < parents.size(); ++s) {
      addModelledContribution(parents[s], c, s, pull.value()[s]);
    }
    return std::nullopt;
  }

  void addModelledContribution(ValueId p, ValueId c, size_t slot,
                               const detail::ModelledContribution& m) {
    Expected& x = expected_[p];
    ++x.contributions;
    noteSource(x, c, slot);
    for (size_t e = 0; e < x.value.size(); ++e) {
      if (!m.bound[e]) {
        x.unboundedAt[e] = 1;
        continue;
      }
      const Rational& b = *m.bound[e];
      x.value[e] += m.value[e];
      x.gammaM[e] += b;
      x.terms[e] += absOf(m.value[e]) + b;
      x.peak[e] += m.magnitude[e] + b;
    }
  }

  void noteSource(Expected& x, ValueId c, size_t slot) const {
    if (x.from.size() < 200) {
      x.from += (x.from.empty() ? "" : ", ") + std::string("%") + std::to_string(c) + " " +
                std::string(opName(g_.producer(c).op)) + " slot " + std::to_string(slot);
    }
  }

  void markParents(std::span<const ValueId> parents, bool Expected::*flag) {
    for (ValueId p : parents) expected_[p].*flag = true;
  }

  // One operand slot's contribution exact_c (exact), with k_c roundings against M_c (Σ|terms|,
  // or |exact_c| when m is null).
  void addContribution(ValueId p, ValueId c, size_t slot, int64_t k,
                       const spec::Value<Rational>& exact, const spec::Value<Rational>* m) {
    using Model = detail::Model<F>;
    Expected& x = expected_[p];
    ++x.contributions;
    x.depthSum += k;
    noteSource(x, c, slot);
    if (!Model::gammaDefined(k)) {
      x.unbounded = true;
      return;
    }
    const Rational gammaK = Model::gamma(k);
    for (size_t e = 0; e < x.value.size(); ++e) {
      const Rational absExact = absOf(exact.data[e]);
      const Rational& mag = m ? m->data[e] : absExact;
      const Rational gm = gammaK * mag;
      x.value[e] += exact.data[e];
      x.gammaM[e] += gm;
      x.terms[e] += absExact + gm;
      x.peak[e] += mag + gm;
    }
  }

  // The element must equal its seed (outId) or zero (unreached), exactly.
  std::optional<Mismatch> verifyExact(size_t p, int64_t e, bool isOut) const {
    const F got = grads_[p][e];
    const Rational& want = expected_[p].value[static_cast<size_t>(e)];
    if (std::isfinite(got) && exactOf(got) == want) return std::nullopt;
    return Mismatch{kWhat,
                    static_cast<int64_t>(p),
                    grads_.shape(p).indexText(e),
                    formatFloat(got),
                    formatRational(want),
                    isOut ? "backwardDenseAll: the output's slot must hold the seed exactly"
                          : "backwardDenseAll: a value not reached from the output must be 0"};
  }

  std::optional<Mismatch> verifyElement(size_t p, int64_t e) const {
    using Model = detail::Model<F>;
    const Expected& x = expected_[p];
    const auto i = static_cast<size_t>(e);
    const F got = grads_[p][e];
    const int64_t m = x.contributions;
    const Rational gammaM1 = Model::gamma(m + 1);
    if (!std::isfinite(got)) {
      // Finite inputs: IEEE overflow is legitimate only when some partial result can exceed
      // the largest finite value.
      const Rational peak = (Rational(1) + gammaM1) * x.peak[i];
      if (absOf(x.value[i]) > Model::maxFinite() || peak > Model::maxFinite()) return std::nullopt;
      return report(
          p, e,
          "no partial result (<= " + formatApprox(peak) + ") exceeds the largest finite value");
    }
    const Rational bound =
        x.gammaM[i] + gammaM1 * x.terms[i] + Rational(m + 1 + x.depthSum) * Model::eta();
    const Rational err = absOf(exactOf(got) - x.value[i]);
    if (err <= bound) return std::nullopt;
    return report(p, e,
                  "|g - expected| = " + formatApprox(err) + " > bound " + formatApprox(bound) +
                      " (m = " + std::to_string(m) + ", sum k = " + std::to_string(x.depthSum) +
                      "; from " + (x.from.empty() ? std::string("the seed only") : x.from) + ")");
  }

  Mismatch report(size_t p, int64_t e, std::string why) const {
    return Mismatch{kWhat,
                    static_cast<int64_t>(p),
                    grads_.shape(p).indexText(e),
                    formatFloat(grads_[p][e]),
                    formatRational(expected_[p].value[static_cast<size_t>(e)]),
                    std::move(why)};
  }

  const Graph& g_;
  const Context<F>& values_;
  const Context<F>& grads_;
  const std::vector<uint8_t>* reached_;  // All mode: the nodes that ran their VJP
  std::vector<Expected> expected_;
};

// The contexts must be laid out for the graph (count and shape of every value).
template <class F>
std::optional<Mismatch> checkLayout(const Graph& g, const Context<F>& ctx, const char* name) {
  if (ctx.size() != g.numValues()) {
    return valueProblem(-1, std::string("the ") + name + " context has " +
                                std::to_string(ctx.size()) + " values, the graph " +
                                std::to_string(g.numValues()));
  }
  for (size_t id = 0; id < g.numValues(); ++id) {
    if (ctx.shape(id) != g.shapeOf(static_cast<ValueId>(id))) {
      return valueProblem(static_cast<int64_t>(id),
                          std::string("the ") + name + " context has shape " + ctx.shape(id).str());
    }
  }
  return std::nullopt;
}

// The nodes backwardDenseAll(outId) runs: outId and, through gradient-carrying edges, the parents
// of every node it runs.
std::vector<uint8_t> reachedFrom(const Graph& g, size_t outId) {
  std::vector<uint8_t> reached(g.numValues(), 0);
  reached[outId] = 1;
  for (size_t id = outId + 1; id-- > g.numInputs();) {
    const Node& n = g.producer(static_cast<ValueId>(id));
    if (!reached[id] || !opInfo(n.op).hasGradientEdges) continue;
    for (ValueId p : g.parents(n)) reached[p] = 1;
  }
  return reached;
}

template <class F>
FloatCheckResult run(GradientCheck<F>& check, const Graph& g, std::optional<size_t> outId) {
  FloatCheckResult r;
  for (size_t c = g.numInputs(); c < g.numValues(); ++c) {
    r.mismatch = check.addChild(static_cast<ValueId>(c));
    if (r.mismatch) return r;
  }
  r.mismatch = check.verify(outId, r);
  return r;
}

}  // namespace

template <class F>
FloatCheckResult checkFloatGradientsFrom(const Graph& graph, const Context<F>& values,
                                         std::span<const Tensor<F>> seeds,
                                         const Context<F>& grads) {
  FloatCheckResult r;
  r.mismatch = checkLayout(graph, values, "value");
  if (!r.mismatch) r.mismatch = checkLayout(graph, grads, "gradient");
  if (!r.mismatch && seeds.size() != graph.numValues()) {
    r.mismatch =
        valueProblem(-1, "expected one seed per value (" + std::to_string(graph.numValues()) +
                             "), got " + std::to_string(seeds.size()));
  }
  for (size_t id = 0; !r.mismatch && id < seeds.size(); ++id) {
    if (seeds[id].shape() != graph.shapeOf(static_cast<ValueId>(id))) {
      r.mismatch = valueProblem(static_cast<int64_t>(id), "seed shape " + seeds[id].shape().str());
    }
  }
  if (r.mismatch) return r;
  GradientCheck<F> check(graph, values, grads, nullptr);
  for (size_t id = 0; id < graph.numValues(); ++id) {
    const TensorView<F> s = seeds[id].view();
    check.seed(static_cast<ValueId>(id), &s);
  }
  return run(check, graph, std::nullopt);
}

template <class F>
FloatCheckResult checkFloatGradientsAll(const Graph& graph, const Context<F>& values, size_t outId,
                                        const Tensor<F>& seed, const Context<F>& grads) {
  FloatCheckResult r;
  r.mismatch = checkLayout(graph, values, "value");
  if (!r.mismatch) r.mismatch = checkLayout(graph, grads, "gradient");
  if (!r.mismatch && outId >= graph.numValues()) {
    r.mismatch = valueProblem(-1, "output id " + std::to_string(outId) + " out of range");
  }
  if (!r.mismatch && seed.shape() != graph.shapeOf(static_cast<ValueId>(outId))) {
    r.mismatch = valueProblem(static_cast<int64_t>(outId), "seed shape " + seed.shape().str());
  }
  if (r.mismatch) return r;
  const std::vector<uint8_t> reached = reachedFrom(graph, outId);
  GradientCheck<F> check(graph, values, grads, &reached);
  const TensorView<F> s = seed.view();
  for (size_t id = 0; id < graph.numValues(); ++id) {
    check.seed(static_cast<ValueId>(id), id == outId ? &s : nullptr);
  }
  return run(check, graph, outId);
}

#define VG_FLOAT_GRADIENT_INSTANTIATE(F)                                                       \
  template FloatCheckResult checkFloatGradientsFrom<F>(                                        \
      const Graph&, const Context<F>&, std::span<const Tensor<F>>, const Context<F>&);         \
  template FloatCheckResult checkFloatGradientsAll<F>(const Graph&, const Context<F>&, size_t, \
                                                      const Tensor<F>&, const Context<F>&);
VG_FLOAT_GRADIENT_INSTANTIATE(float)
VG_FLOAT_GRADIENT_INSTANTIATE(double)
#undef VG_FLOAT_GRADIENT_INSTANTIATE

}  // namespace verigrad::oracle
