// Shared property steps (see property_support.hpp).
#include "property_support.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

namespace verigrad::props::detail {

namespace {

// What runExactForward and runIntervalForward share once the engine and the spec have run: a
// disagreement settles the case; both failing settles it by the policy; otherwise both results
// are kept.
template <class Forward, class EngineResult, class SpecResult>
void settleForward(Forward& out, EngineResult engine, SpecResult spec,
                   std::optional<Outcome> disagreement, OnBothFail policy) {
  if (disagreement) {
    out.settled = std::move(disagreement);
    return;
  }
  if (!engine.ok()) {
    out.specError = spec.error();
    out.settled = policy == OnBothFail::Pass
                      ? Outcome::pass()
                      : Outcome::discard("engine and spec both fail: " + describe(spec.error()));
    return;
  }
  out.engine.emplace(std::move(engine).value());
  out.spec = std::move(spec).value();
}

}  // namespace

ExactForward runExactForward(const Case& c, OnBothFail policy) {
  ExactForward out;
  Result<Compiled<Rational>> engine = compile<Rational>(c.graph, c.inputs);
  Result<SpecValues> spec = spec::evaluate<Rational>(c.graph, toValues(c.inputs));
  std::optional<Outcome> d = disagreement(engine, spec, "compile vs spec::evaluate");
  settleForward(out, std::move(engine), std::move(spec), std::move(d), policy);
  return out;
}

bool hasTranscendental(const Graph& g) { return firstTranscendental(g) >= 0; }

int64_t firstTranscendental(const Graph& g) {
  for (size_t k = 0; k < g.numNodes(); ++k) {
    if (isTranscendental(g.node(k).op)) return static_cast<int64_t>(g.numInputs() + k);
  }
  return -1;
}

IntervalForward runIntervalForward(const Case& c, OnBothFail policy) {
  IntervalForward out;
  out.inputs = enclosures(c.inputs);
  Result<Compiled<Interval>> engine = compile<Interval>(c.graph, out.inputs);
  Result<IntervalValues> spec = spec::evaluate<Interval>(c.graph, toValues(out.inputs));
  std::optional<Outcome> d =
      intervalDisagreement(engine, spec, "compile<Interval> vs spec::evaluate<Interval>");
  settleForward(out, std::move(engine), std::move(spec), std::move(d), policy);
  return out;
}

std::optional<Error> referenceError(const Case& c) {
  if (hasTranscendental(c.graph)) {
    Result<IntervalValues> r = spec::evaluate<Interval>(c.graph, toValues(enclosures(c.inputs)));
    if (!r.ok()) return r.error();
    return std::nullopt;
  }
  Result<SpecValues> r = spec::evaluate<Rational>(c.graph, toValues(c.inputs));
  if (!r.ok()) return r.error();
  return std::nullopt;
}

void IntervalTally::add(oracle::IntervalComparison c) {
  elements_ += c.elements;
  inconclusive_ += c.inconclusive;
  if (c.mismatch && !mismatch_) mismatch_ = std::move(c.mismatch);
  if (c.firstInconclusive && !firstInconclusive_)
    firstInconclusive_ = std::move(c.firstInconclusive);
}

std::optional<Outcome> IntervalTally::failure(std::string_view message) const {
  if (!mismatch_) return std::nullopt;
  return failWith(*mismatch_, std::string(message));
}

Outcome IntervalTally::outcome(std::string_view failMessage, std::string_view what) const {
  if (std::optional<Outcome> f = failure(failMessage)) return *f;
  if (inconclusive_ == 0) return Outcome::pass();
  return Outcome::inconclusive(std::to_string(inconclusive_) + " of " + std::to_string(elements_) +
                                   " " + std::string(what) +
                                   " undecided (enclosures intersect but are not narrow)",
                               firstInconclusive_);
}

std::optional<Outcome> intervalDisagreement(const Error* engine, const Error* spec,
                                            std::string_view step) {
  oracle::IntervalComparison cmp = oracle::compareIntervalOutcomes(engine, spec);
  if (cmp.mismatch) {
    oracle::Mismatch m = std::move(*cmp.mismatch);
    m.detail = std::string(step) + ": " + m.detail;
    return failWith(std::move(m), "error agreement fails in " + std::string(step));
  }
  if (cmp.inconclusive > 0) {
    std::optional<oracle::Mismatch> m = std::move(cmp.firstInconclusive);
    if (m) m->detail = std::string(step) + ": " + m->detail;
    return Outcome::inconclusive("a domain error on one side only in " + std::string(step) +
                                     " (an enclosure reaching the domain's edge cannot decide it)",
                                 std::move(m));
  }
  return std::nullopt;
}

std::vector<Tensor<Interval>> enclosures(std::span<const Tensor<Rational>> tensors) {
  return oracle::toIntervalTensors(tensors);
}

std::vector<Tensor<Interval>> toTensors(std::span<const spec::Value<Interval>> values) {
  std::vector<Tensor<Interval>> out;
  out.reserve(values.size());
  for (const spec::Value<Interval>& v : values) {
    out.push_back(Tensor<Interval>::make(v.shape, v.data).value());
  }
  return out;
}

IntervalValues toValues(std::span<const Tensor<Interval>> tensors) {
  return oracle::toSpecValues(tensors);
}

IntervalValues toValues(const Context<Interval>& ctx) { return oracle::toSpecValues(ctx); }

Rational innerProduct(const SpecValues& xs, std::span<const Tensor<Rational>> ys, size_t count) {
  Rational sum;
  for (size_t j = 0; j < count; ++j) {
    for (int64_t k = 0; k < ys[j].numel(); ++k) {
      sum += xs[j].data[static_cast<size_t>(k)] * ys[j][k];
    }
  }
  return sum;
}

Interval innerProduct(const IntervalValues& xs, std::span<const Tensor<Interval>> ys,
                      size_t count) {
  Interval sum;
  for (size_t j = 0; j < count; ++j) {
    for (int64_t k = 0; k < ys[j].numel(); ++k) {
      sum += xs[j].data[static_cast<size_t>(k)] * ys[j][k];
    }
  }
  return sum;
}

std::vector<Tensor<Rational>> combination(const Rational& a, std::span<const Tensor<Rational>> s1,
                                          const Rational& b, std::span<const Tensor<Rational>> s2) {
  std::vector<Tensor<Rational>> out;
  out.reserve(s1.size());
  for (size_t j = 0; j < s1.size(); ++j) {
    Tensor<Rational> t(s1[j].shape());
    for (int64_t k = 0; k < t.numel(); ++k) t[k] = a * s1[j][k] + b * s2[j][k];
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<Outcome> disagreement(const Error* engine, const Error* spec, std::string_view step) {
  std::optional<oracle::Mismatch> m = oracle::compareOutcomes(engine, spec);
  if (!m) return std::nullopt;
  m->detail = std::string(step) + ": " + m->detail;
  return failWith(std::move(*m), "error agreement fails in " + std::string(step));
}

Outcome failWith(oracle::Mismatch m, std::string message) {
  return Outcome::fail(std::move(message), std::move(m));
}

SpecValues toValues(const Context<Rational>& ctx) {
  SpecValues out;
  out.reserve(ctx.size());
  for (size_t id = 0; id < ctx.size(); ++id) {
    TensorView<Rational> v = ctx[id];
    out.push_back({v.shape, std::vector<Rational>(v.data, v.data + v.numel())});
  }
  return out;
}

SpecValues toValues(std::span<const Tensor<Rational>> tensors) {
  return oracle::toSpecValues(tensors);
}

template <class F>
Tensor<F> rounded(const Tensor<Rational>& t) {
  Tensor<F> out(t.shape());
  for (int64_t k = 0; k < t.numel(); ++k) {
    Result<F> x = [&] {
      if constexpr (std::is_same_v<F, float>) {
        return t[k].toFloat();
      } else {
        return t[k].toDouble();
      }
    }();
    // Only a value beyond the format's range fails to convert: it rounds to infinity.
    out[k] = x.ok() ? x.value() : std::numeric_limits<F>::infinity() * static_cast<F>(t[k].sign());
  }
  return out;
}

template <class F>
std::vector<Tensor<F>> rounded(std::span<const Tensor<Rational>> ts) {
  std::vector<Tensor<F>> out;
  out.reserve(ts.size());
  for (const Tensor<Rational>& t : ts) out.push_back(rounded<F>(t));
  return out;
}

template <>
std::string_view scalarName<double>() {
  return "double";
}
template <>
std::string_view scalarName<float>() {
  return "float";
}

std::string describe(const Error& e) {
  return std::string(errorCodeName(e.code)) +
         (e.node >= 0 ? " at %" + std::to_string(e.node) : "") + ": " + e.message;
}

std::string elementText(const Rational& x) { return x.str(); }

std::string elementText(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g (%a)", x, x);
  return buf;
}

bool identical(const Interval& a, const Interval& b) {
  return a.precision() == b.precision() && mpfr_equal_p(&a.raw()->left, &b.raw()->left) != 0 &&
         mpfr_equal_p(&a.raw()->right, &b.raw()->right) != 0;
}

std::string elementText(const Interval& x) { return x.str(); }

std::string elementText(float x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g (%a)", static_cast<double>(x), static_cast<double>(x));
  return buf;
}

template Tensor<double> rounded<double>(const Tensor<Rational>&);
template Tensor<float> rounded<float>(const Tensor<Rational>&);
template std::vector<Tensor<double>> rounded<double>(std::span<const Tensor<Rational>>);
template std::vector<Tensor<float>> rounded<float>(std::span<const Tensor<Rational>>);

std::vector<bool> reachedFrom(const Graph& g, size_t o) {
  std::vector<bool> reached(g.numValues(), false);
  reached[o] = true;
  for (size_t id = o + 1; id-- > g.numInputs();) {
    if (!reached[id]) continue;
    const Node& n = g.producer(static_cast<ValueId>(id));
    if (!opInfo(n.op).hasGradientEdges) continue;
    for (ValueId p : g.parents(n)) reached[p] = true;
  }
  return reached;
}

}  // namespace verigrad::props::detail
