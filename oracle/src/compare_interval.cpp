// Interval engine-vs-spec comparisons (see compare_interval.hpp): disjoint enclosures are a
// mismatch, intersecting ones agree only when both are narrow, everything else is inconclusive.
#include "verigrad/oracle/compare_interval.hpp"

#include <string>

#include "float_support.hpp"

namespace verigrad::oracle {
namespace {

std::string describe(const Error& e) {
  return std::string(errorCodeName(e.code)) + " at %" + std::to_string(e.node) + ": " + e.message;
}

// "[lo, hi] (width ~w)": the enclosure, then its width for people (an upper bound to 17 digits).
std::string enclosureText(const Interval& x) {
  std::string out = x.str();
  Result<Rational> w = x.width();
  out += w.ok() ? " (width " + detail::formatApprox(w.value()) + ")" : " (width unbounded)";
  return out;
}

// The op of value `id` in the graph the context is laid out for, "input" for Γ.
std::string opOf(const Graph& g, size_t id) {
  if (id >= g.numValues()) return "?";
  if (g.isInput(static_cast<ValueId>(id))) return "input";
  return std::string(opName(g.producer(static_cast<ValueId>(id)).op));
}

bool narrow(const Interval& x) { return isNarrow(x, acceptanceFloor(x.precision())); }

// Folds one element's verdict into `into` (the first mismatch and first inconclusive win).
void account(IntervalComparison& into, const IntervalComparison& one) {
  into.elements += one.elements;
  into.inconclusive += one.inconclusive;
  if (!into.mismatch && one.mismatch) into.mismatch = one.mismatch;
  if (!into.firstInconclusive && one.firstInconclusive)
    into.firstInconclusive = one.firstInconclusive;
}

}  // namespace

Rational acceptanceFloor(long precisionBits) {
  Rational r(1);
  for (long k = 0; k < precisionBits / 2; ++k) r /= Rational(2);
  return r;
}

IntervalComparison compareIntervalOutcomes(const Error* engine, const Error* spec) {
  IntervalComparison c;
  if (!engine && !spec) return c;
  if (engine && spec && engine->node == spec->node && engine->code == spec->code) return c;
  Mismatch m;
  m.what = "error";
  m.engine = engine ? describe(*engine) : "ok";
  m.spec = spec ? describe(*spec) : "ok";
  m.node = engine ? engine->node : spec->node;
  const bool oneSidedDomain =
      (!engine || !spec) && (engine ? engine : spec)->code == ErrorCode::DomainError;
  if (oneSidedDomain) {
    // An enclosure that reaches 0 cannot prove the true argument is outside the domain.
    m.what = "inconclusive error";
    m.detail = std::string("only the ") + (engine ? "engine" : "spec") +
               " reports a domain error: an enclosure reaching the domain's edge decides nothing";
    c.elements = 1;
    c.inconclusive = 1;
    c.firstInconclusive = std::move(m);
    return c;
  }
  m.detail = engine && spec ? "both fail, but not at the same node with the same kind"
                            : (engine ? "only the engine fails" : "only the spec fails");
  c.mismatch = std::move(m);
  return c;
}

IntervalComparison compareEnclosures(const Interval& engine, const Interval& spec,
                                     std::string_view what, int64_t node,
                                     std::string_view element) {
  IntervalComparison c;
  c.elements = 1;
  const bool engineNarrow = narrow(engine);
  const bool specNarrow = narrow(spec);
  const bool disjoint = !overlaps(engine, spec);
  if (!disjoint && engineNarrow && specNarrow) return c;
  Mismatch m{std::string(what),   node, std::string(element), enclosureText(engine),
             enclosureText(spec), ""};
  if (disjoint) {
    m.detail = "disjoint enclosures: the true values differ";
    if (!engineNarrow || !specNarrow) {
      m.detail += std::string(" (") + (engineNarrow ? "" : "engine ") +
                  (!engineNarrow && !specNarrow ? "and " : "") + (specNarrow ? "" : "spec ") +
                  "wider than the acceptance width, which does not matter for disjointness)";
    }
    c.mismatch = std::move(m);
    return c;
  }
  m.what = "inconclusive " + m.what;
  m.detail = std::string("the enclosures intersect but ") +
             (!engineNarrow && !specNarrow
                  ? "neither is"
                  : (engineNarrow ? "the spec's is not" : "the engine's is not")) +
             " narrow (relative width <= 2^-" +
             std::to_string(std::max(engine.precision(), spec.precision()) / 2) +
             ", absolute floor the same)";
  c.inconclusive = 1;
  c.firstInconclusive = std::move(m);
  return c;
}

IntervalComparison compareInterval(const Context<Interval>& engine,
                                   std::span<const spec::Value<Interval>> spec,
                                   std::string_view what) {
  IntervalComparison c;
  if (engine.size() != spec.size()) {
    c.mismatch = Mismatch{std::string(what) + "-count",
                          -1,
                          "",
                          std::to_string(engine.size()),
                          std::to_string(spec.size()),
                          "number of values differs"};
    return c;
  }
  for (size_t id = 0; id < spec.size(); ++id) {
    const TensorView<Interval> e = engine[id];
    const spec::Value<Interval>& s = spec[id];
    if (e.shape != s.shape || e.numel() != s.numel()) {
      c.mismatch = Mismatch{std::string(what) + "-shape",
                            static_cast<int64_t>(id),
                            "",
                            e.shape.str(),
                            s.shape.str(),
                            "op " + opOf(engine.graph(), id)};
      return c;
    }
    for (int64_t k = 0; k < s.numel(); ++k) {
      IntervalComparison one = compareEnclosures(e[k], s.data[static_cast<size_t>(k)], what,
                                                 static_cast<int64_t>(id), s.shape.indexText(k));
      for (std::optional<Mismatch>* m : {&one.mismatch, &one.firstInconclusive}) {
        if (*m) (*m)->detail = "op " + opOf(engine.graph(), id) + ": " + (*m)->detail;
      }
      account(c, one);
      if (c.mismatch) return c;
    }
  }
  return c;
}

std::vector<Tensor<Interval>> toIntervalTensors(std::span<const Tensor<Rational>> tensors) {
  std::vector<Tensor<Interval>> out;
  out.reserve(tensors.size());
  for (const Tensor<Rational>& t : tensors) {
    Tensor<Interval> x(t.shape());
    for (int64_t k = 0; k < t.numel(); ++k) x[k] = Interval(t[k]);  // mpfi_set_q: encloses
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<spec::Value<Interval>> toSpecValues(std::span<const Tensor<Interval>> tensors) {
  std::vector<spec::Value<Interval>> out;
  out.reserve(tensors.size());
  for (const Tensor<Interval>& t : tensors) {
    out.push_back({t.shape(), std::vector<Interval>(t.span().begin(), t.span().end())});
  }
  return out;
}

std::vector<spec::Value<Interval>> toSpecValues(const Context<Interval>& ctx) {
  std::vector<spec::Value<Interval>> out;
  out.reserve(ctx.size());
  for (size_t id = 0; id < ctx.size(); ++id) {
    const TensorView<Interval> v = ctx[id];
    out.push_back({v.shape, std::vector<Interval>(v.span().begin(), v.span().end())});
  }
  return out;
}

}  // namespace verigrad::oracle
