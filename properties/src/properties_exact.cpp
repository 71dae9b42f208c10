// The exact properties, all at Rational with no tolerance: `forward-spec`, `backward-spec`,
// `vjp-linearity`, `adjoint` and `all-vs-from`. A graph with a transcendental op has no exact
// semantics: those cases go to the properties' interval halves (properties_interval.cpp).
#include "property_checks.hpp"
#include "property_support.hpp"

namespace verigrad::props::detail {
namespace {

// A sweep that must succeed: the case's seeds are laid out for the graph.
std::optional<Outcome> sweepFailed(const Error& e, std::string_view sweep) {
  return failWith(
      {"error", e.node, "", describe(e), "ok", std::string(sweep) + " with valid seeds"},
      std::string(sweep) + " fails on valid seeds");
}

}  // namespace

Outcome checkForwardSpec(const Case& c) {
  if (hasTranscendental(c.graph)) return intervalForwardSpec(c);
  ExactForward fw = runExactForward(c, OnBothFail::Pass);
  if (fw.settled) return *fw.settled;
  if (auto m = oracle::compareExact(fw.engine->values(), fw.spec, "value")) {
    return failWith(*m, "engine<Rational> values differ from spec::evaluate");
  }
  if (auto m = oracle::compareDeclaredShapes(c.graph)) {
    return failWith(*m, "declared shapes differ from the spec's output shapes");
  }
  return Outcome::pass();
}

Outcome checkBackwardSpec(const Case& c) {
  if (hasTranscendental(c.graph)) return intervalBackwardSpec(c);
  ExactForward fw = runExactForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  Result<Context<Rational>> engine = fw.engine->tape().backwardDenseFrom(c.seedsA);
  Result<SpecValues> spec =
      spec::denseGradient<Rational>(c.graph, toValues(c.inputs), toValues(c.seedsA));
  if (auto d = disagreement(engine, spec, "backwardDenseFrom vs spec::denseGradient")) return *d;
  if (!engine.ok()) return Outcome::pass();  // both refuse the seeds identically
  if (auto m = oracle::compareExact(engine.value(), spec.value(), "gradient")) {
    return failWith(*m, "backwardDenseFrom differs from spec::denseGradient");
  }
  return Outcome::pass();
}

Outcome checkVjpLinearity(const Case& c) {
  if (hasTranscendental(c.graph)) return intervalVjpLinearity(c);
  ExactForward fw = runExactForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const Tape<Rational>& tape = fw.engine->tape();
  const std::vector<Tensor<Rational>> mixed = combination(c.coeffA, c.seedsA, c.coeffB, c.seedsB);
  Result<Context<Rational>> both = tape.backwardDenseFrom(mixed);
  Result<Context<Rational>> g1 = tape.backwardDenseFrom(c.seedsA);
  Result<Context<Rational>> g2 = tape.backwardDenseFrom(c.seedsB);
  for (const auto* r : {&both, &g1, &g2}) {
    if (!r->ok()) return *sweepFailed(r->error(), "backwardDenseFrom");
  }
  for (size_t id = 0; id < c.graph.numValues(); ++id) {
    const TensorView<Rational> lhs = both.value()[id], x = g1.value()[id], y = g2.value()[id];
    for (int64_t k = 0; k < lhs.numel(); ++k) {
      const Rational rhs = c.coeffA * x[k] + c.coeffB * y[k];
      if (lhs[k] != rhs) {
        return failWith({"vjp-linearity", static_cast<int64_t>(id), lhs.shape.indexText(k),
                         lhs[k].str(), rhs.str(),
                         "B(a s1 + b s2) vs a B(s1) + b B(s2), a = " + c.coeffA.str() +
                             ", b = " + c.coeffB.str()},
                        "the reverse sweep is not linear in the seed");
      }
    }
  }
  return Outcome::pass();
}

Outcome checkAdjoint(const Case& c) {
  if (hasTranscendental(c.graph)) return intervalAdjoint(c);
  ExactForward fw = runExactForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  Result<SpecValues> jvp = spec::jvp<Rational>(c.graph, toValues(c.inputs), toValues(c.tangents));
  if (!jvp.ok()) {
    return failWith({"error", jvp.error().node, "", "ok", describe(jvp.error()),
                     "spec::jvp fails where compile and spec::evaluate succeed"},
                    "spec::jvp fails on valid tangents");
  }
  Result<Context<Rational>> grads = fw.engine->tape().backwardDenseFrom(c.seedsA);
  if (!grads.ok()) return *sweepFailed(grads.error(), "backwardDenseFrom");
  const Rational forward = innerProduct(jvp.value(), c.seedsA, c.graph.numValues());
  const SpecValues g = toValues(grads.value());
  const Rational reverse = innerProduct(g, c.tangents, c.graph.numInputs());
  if (forward != reverse) {
    return failWith({"adjoint", -1, "", reverse.str(), forward.str(),
                     "engine: Σ_{i∈Γ} <dx_i, backwardDenseFrom(s)_i>; spec: Σ_j <jvp(dx)_j, s_j>"},
                    "the reverse sweep is not the adjoint of spec::jvp");
  }
  return Outcome::pass();
}

Outcome checkAllVsFrom(const Case& c) {
  if (hasTranscendental(c.graph)) return intervalAllVsFrom(c);
  ExactForward fw = runExactForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const Graph& g = c.graph;
  const Tape<Rational>& tape = fw.engine->tape();
  const size_t o = c.outId;
  const Tensor<Rational> seed = o < g.numValues() ? c.seedsA[o] : Tensor<Rational>();
  Result<Context<Rational>> all = tape.backwardDenseAll(o, seed);
  Result<SpecValues> oneHot = spec::oneHotSeeds<Rational>(g, o, toValues(std::span(&seed, 1))[0]);
  if (auto d = disagreement(all, oneHot, "backwardDenseAll vs spec::oneHotSeeds")) return *d;
  if (!all.ok()) return Outcome::pass();  // an out-of-range id, refused by both
  Result<Context<Rational>> from = tape.backwardDenseFrom(oracle::toTensors(oneHot.value()));
  if (!from.ok()) return *sweepFailed(from.error(), "backwardDenseFrom(one-hot)");
  if (auto m = oracle::compareExact(all.value(), toValues(from.value()), "gradient")) {
    m->detail = "engine: backwardDenseAll(o, s); spec: backwardDenseFrom(one-hot(o, s))";
    return failWith(*m, "backwardDenseAll differs from backwardDenseFrom of the one-hot seeds");
  }
  const TensorView<Rational> at = all.value()[o];
  for (int64_t k = 0; k < at.numel(); ++k) {
    if (at[k] != seed[k]) {
      return failWith({"gradient", static_cast<int64_t>(o), at.shape.indexText(k), at[k].str(),
                       seed[k].str(), "the gradient at the output is its seed"},
                      "backwardDenseAll's gradient at the output is not the seed");
    }
  }
  const std::vector<bool> reached = reachedFrom(g, o);
  for (size_t id = 0; id < g.numValues(); ++id) {
    if (reached[id]) continue;
    const TensorView<Rational> v = all.value()[id];
    for (int64_t k = 0; k < v.numel(); ++k) {
      if (!v[k].isZero()) {
        return failWith(
            {"gradient", static_cast<int64_t>(id), v.shape.indexText(k), v[k].str(), "0",
             "%" + std::to_string(id) + " is not an ancestor of %" + std::to_string(o)},
            "a non-ancestor of the output has a non-zero gradient");
      }
    }
  }
  return Outcome::pass();
}

}  // namespace verigrad::props::detail
