// The value properties at Interval, for graphs that hold a transcendental op (no exact scalar
// computes them): `forward-spec`, `backward-spec`, `vjp-linearity`, `adjoint` and `all-vs-from`
// compare engine<Interval> with spec<Interval> (or one engine sweep with another) through the
// oracle's interval comparisons. Enclosures that are provably disjoint fail; enclosures that
// intersect but are not narrow make the case inconclusive (design.md, "The oracle").
#include "property_checks.hpp"
#include "property_support.hpp"

namespace verigrad::props::detail {
namespace {

// A sweep at Interval that should succeed on the case's valid seeds: an error is a failure, except
// a DomainError (an enclosure reaching a domain's edge), which is inconclusive.
std::optional<Outcome> intervalSweepFailed(const Error& e, std::string_view sweep) {
  if (e.code == ErrorCode::DomainError) {
    return Outcome::inconclusive(std::string(sweep) + " at Interval: " + describe(e));
  }
  return failWith(
      {"error", e.node, "", describe(e), "ok", std::string(sweep) + " with valid seeds"},
      std::string(sweep) + " fails on valid seeds");
}

}  // namespace

Outcome intervalForwardSpec(const Case& c) {
  IntervalForward fw = runIntervalForward(c, OnBothFail::Pass);
  if (fw.settled) return *fw.settled;
  IntervalTally tally;
  tally.add(oracle::compareInterval(fw.engine->values(), fw.spec, "value"));
  if (auto f =
          tally.failure("engine<Interval> values are disjoint from spec::evaluate<Interval>")) {
    return *f;
  }
  if (auto m = oracle::compareDeclaredShapes(c.graph)) {
    return failWith(*m, "declared shapes differ from the spec's output shapes");
  }
  return tally.outcome("engine<Interval> values are disjoint from spec::evaluate<Interval>",
                       "values");
}

Outcome intervalBackwardSpec(const Case& c) {
  IntervalForward fw = runIntervalForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const std::vector<Tensor<Interval>> seeds = enclosures(c.seedsA);
  Result<Context<Interval>> engine = fw.engine->tape().backwardDenseFrom(seeds);
  Result<IntervalValues> spec =
      spec::denseGradient<Interval>(c.graph, toValues(fw.inputs), toValues(seeds));
  if (auto d = intervalDisagreement(engine, spec,
                                    "backwardDenseFrom vs spec::denseGradient<Interval>")) {
    return *d;
  }
  if (!engine.ok()) return Outcome::pass();  // both refuse the seeds identically
  IntervalTally tally;
  tally.add(oracle::compareInterval(engine.value(), spec.value(), "gradient"));
  return tally.outcome("backwardDenseFrom is disjoint from spec::denseGradient<Interval>",
                       "gradient elements");
}

Outcome intervalVjpLinearity(const Case& c) {
  IntervalForward fw = runIntervalForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const Tape<Interval>& tape = fw.engine->tape();
  // The combination is formed exactly, then enclosed: B's argument is the exact seed a s1 + b s2.
  const std::vector<Tensor<Rational>> mixed = combination(c.coeffA, c.seedsA, c.coeffB, c.seedsB);
  Result<Context<Interval>> both = tape.backwardDenseFrom(enclosures(mixed));
  Result<Context<Interval>> g1 = tape.backwardDenseFrom(enclosures(c.seedsA));
  Result<Context<Interval>> g2 = tape.backwardDenseFrom(enclosures(c.seedsB));
  for (const auto* r : {&both, &g1, &g2}) {
    if (!r->ok()) return *intervalSweepFailed(r->error(), "backwardDenseFrom");
  }
  const Interval a(c.coeffA), b(c.coeffB);
  const std::string detail =
      "B(a s1 + b s2) vs a B(s1) + b B(s2), a = " + c.coeffA.str() + ", b = " + c.coeffB.str();
  IntervalTally tally;
  for (size_t id = 0; id < c.graph.numValues(); ++id) {
    const TensorView<Interval> lhs = both.value()[id], x = g1.value()[id], y = g2.value()[id];
    for (int64_t k = 0; k < lhs.numel(); ++k) {
      oracle::IntervalComparison cmp =
          oracle::compareEnclosures(lhs[k], a * x[k] + b * y[k], "vjp-linearity",
                                    static_cast<int64_t>(id), lhs.shape.indexText(k));
      if (cmp.mismatch) cmp.mismatch->detail = detail + "; " + cmp.mismatch->detail;
      tally.add(std::move(cmp));
      if (tally.failed()) break;
    }
    if (tally.failed()) break;
  }
  return tally.outcome("the reverse sweep is not linear in the seed", "gradient elements");
}

Outcome intervalAdjoint(const Case& c) {
  IntervalForward fw = runIntervalForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const std::vector<Tensor<Interval>> tangents = enclosures(c.tangents);
  Result<IntervalValues> jvp =
      spec::jvp<Interval>(c.graph, toValues(fw.inputs), toValues(tangents));
  if (!jvp.ok()) {
    // spec::evaluate succeeded on the same inputs: only an undecidable domain edge excuses it.
    if (auto d = intervalDisagreement(nullptr, &jvp.error(), "spec::jvp<Interval>")) return *d;
    return failWith({"error", jvp.error().node, "", "ok", describe(jvp.error()),
                     "spec::jvp<Interval> fails where compile and spec::evaluate succeed"},
                    "spec::jvp<Interval> fails on valid tangents");
  }
  const std::vector<Tensor<Interval>> seeds = enclosures(c.seedsA);
  Result<Context<Interval>> grads = fw.engine->tape().backwardDenseFrom(seeds);
  if (!grads.ok()) return *intervalSweepFailed(grads.error(), "backwardDenseFrom");
  const Interval forward = innerProduct(jvp.value(), seeds, c.graph.numValues());
  const Interval reverse = innerProduct(toValues(grads.value()), tangents, c.graph.numInputs());
  oracle::IntervalComparison cmp = oracle::compareEnclosures(reverse, forward, "adjoint");
  const std::string detail =
      "engine: Σ_{i∈Γ} <dx_i, backwardDenseFrom(s)_i>; spec: Σ_j <jvp<Interval>(dx)_j, s_j>";
  if (cmp.mismatch) cmp.mismatch->detail = detail + "; " + cmp.mismatch->detail;
  if (cmp.firstInconclusive) cmp.firstInconclusive->detail = detail;
  IntervalTally tally;
  tally.add(std::move(cmp));
  return tally.outcome("the reverse sweep is not the adjoint of spec::jvp<Interval>", "sums");
}

Outcome intervalAllVsFrom(const Case& c) {
  IntervalForward fw = runIntervalForward(c, OnBothFail::Discard);
  if (fw.settled) return *fw.settled;
  const Graph& g = c.graph;
  const Tape<Interval>& tape = fw.engine->tape();
  const size_t o = c.outId;
  const Tensor<Interval> seed =
      o < g.numValues() ? enclosures(std::span(&c.seedsA[o], 1))[0] : Tensor<Interval>();
  Result<Context<Interval>> all = tape.backwardDenseAll(o, seed);
  Result<IntervalValues> oneHot =
      spec::oneHotSeeds<Interval>(g, o, toValues(std::span(&seed, 1))[0]);
  if (auto d = disagreement(all, oneHot, "backwardDenseAll vs spec::oneHotSeeds<Interval>")) {
    return *d;
  }
  if (!all.ok()) return Outcome::pass();  // an out-of-range id, refused by both
  Result<Context<Interval>> from = tape.backwardDenseFrom(toTensors(oneHot.value()));
  if (!from.ok()) return *intervalSweepFailed(from.error(), "backwardDenseFrom(one-hot)");
  IntervalTally tally;
  oracle::IntervalComparison cmp =
      oracle::compareInterval(all.value(), toValues(from.value()), "gradient");
  if (cmp.mismatch) {
    cmp.mismatch->detail = "engine: backwardDenseAll(o, s); spec: backwardDenseFrom(one-hot(o, s))";
  }
  tally.add(std::move(cmp));
  if (auto f = tally.failure(
          "backwardDenseAll is disjoint from backwardDenseFrom of the one-hot seeds")) {
    return *f;
  }
  // The output's slot holds the seed as given (stored, not summed): the very same enclosure.
  const TensorView<Interval> at = all.value()[o];
  for (int64_t k = 0; k < at.numel(); ++k) {
    if (!identical(at[k], seed[k])) {
      return failWith(
          {"gradient", static_cast<int64_t>(o), at.shape.indexText(k), elementText(at[k]),
           elementText(seed[k]), "the gradient at the output is its seed"},
          "backwardDenseAll's gradient at the output is not the seed");
    }
  }
  // Unreached slots are zero-filled: the point 0, not an enclosure of it.
  const std::vector<bool> reached = reachedFrom(g, o);
  for (size_t id = 0; id < g.numValues(); ++id) {
    if (reached[id]) continue;
    const TensorView<Interval> v = all.value()[id];
    for (int64_t k = 0; k < v.numel(); ++k) {
      if (!v[k].isPoint() || !v[k].contains(Rational(0))) {
        return failWith(
            {"gradient", static_cast<int64_t>(id), v.shape.indexText(k), elementText(v[k]), "0",
             "%" + std::to_string(id) + " is not an ancestor of %" + std::to_string(o)},
            "a non-ancestor of the output has a non-zero gradient");
      }
    }
  }
  return tally.outcome("backwardDenseAll is disjoint from backwardDenseFrom of the one-hot seeds",
                       "gradient elements");
}

}  // namespace verigrad::props::detail
