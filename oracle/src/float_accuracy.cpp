// The end-to-end float accuracy report (see float_accuracy.hpp): engine<F> against the spec (at
// Rational, or at Interval for graphs with transcendental ops) in ulps, per value and per op, for
// values and for the output's gradients.
#include "verigrad/oracle/float_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "float_support.hpp"
#include "verigrad/interval.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/spec/graph_semantics.hpp"

namespace verigrad::oracle {
namespace {

using detail::absOf;
using detail::exactOf;

// The reference values: exact, or the midpoints of interval enclosures with their half-widths.
struct Reference {
  std::vector<spec::Value<Rational>> exact;
  std::vector<std::vector<Rational>> halfWidth;  // empty for an exact reference
};

// Midpoints and half-widths of the spec's enclosures; an unbounded enclosure gets an infinite
// half-width (a negative marker), so its element is never measured.
Reference fromEnclosures(const std::vector<spec::Value<Interval>>& values) {
  Reference r;
  for (const spec::Value<Interval>& v : values) {
    spec::Value<Rational> mid{v.shape, {}};
    std::vector<Rational> half;
    for (const Interval& x : v.data) {
      Result<Rational> lo = x.lower(), hi = x.upper();
      if (!x.isBounded() || !lo.ok() || !hi.ok()) {
        mid.data.emplace_back(0);
        half.emplace_back(-1);
        continue;
      }
      mid.data.push_back((lo.value() + hi.value()) / Rational(2));
      half.push_back((hi.value() - lo.value()) / Rational(2));
    }
    r.exact.push_back(std::move(mid));
    r.halfWidth.push_back(std::move(half));
  }
  return r;
}

std::vector<spec::Value<Interval>> pointValues(std::span<const Tensor<Rational>> in) {
  std::vector<spec::Value<Interval>> out;
  for (const Tensor<Rational>& t : in) {
    spec::Value<Interval> v{t.shape(), {}};
    for (int64_t k = 0; k < t.numel(); ++k) v.data.emplace_back(t[k]);  // points: F-exact inputs
    out.push_back(std::move(v));
  }
  return out;
}

bool hasTranscendental(const Graph& g) {
  for (size_t id = g.numInputs(); id < g.numValues(); ++id) {
    if (isTranscendental(g.producer(static_cast<ValueId>(id)).op)) return true;
  }
  return false;
}

// ulp(r) in F for r ≥ 0: 2^(max(e, emin) − p + 1) with e = floor(log2 r); the subnormal quantum
// for r = 0. Read off r's nearest double, which can only move e across a binade boundary: harmless
// in a report.
template <class F>
Rational ulpOf(const Rational& r) {
  using Lim = std::numeric_limits<F>;
  const int minExp = Lim::min_exponent - 1;  // exponent of the smallest normal, significand [1,2)
  int e = minExp;
  if (!r.isZero()) {
    Result<double> d = r.toDouble();
    const double approx = d.ok() ? d.value() : std::numeric_limits<double>::max();
    int ex = 0;
    std::frexp(approx, &ex);  // approx = m·2^ex, m ∈ [0.5, 1)
    e = std::max(ex - 1, minExp);
  }
  return Rational::fromDouble(std::ldexp(1.0, e - Lim::digits + 1));
}

double toReportDouble(const Rational& x) {
  Result<double> d = x.toDouble();
  return d.ok() ? d.value() : std::numeric_limits<double>::max();
}

// Per-element ulp errors of one value; non-finite engine elements are counted, not measured, and
// so are elements whose interval reference is wider than 1/1024 of the ulp they are measured in.
template <class F>
std::vector<double> ulpErrors(const TensorView<F>& engine, const spec::Value<Rational>& exact,
                              const std::vector<Rational>* halfWidth,
                              const AccuracyOptions& options, UlpStats& counts,
                              std::vector<int64_t>& indices) {
  Rational largest(0);
  for (const Rational& x : exact.data) largest = std::max(largest, absOf(x));
  const Rational floor = std::max(Rational::fromDouble(options.relativeFloor) * largest,
                                  Rational::fromDouble(options.absoluteFloor));
  std::vector<double> out;
  for (int64_t e = 0; e < engine.numel(); ++e) {
    if (!std::isfinite(engine[e])) {
      ++counts.nonFinite;
      continue;
    }
    const Rational& x = exact.data[static_cast<size_t>(e)];
    const Rational ulp = ulpOf<F>(std::max(absOf(x), floor));
    if (halfWidth) {
      const Rational& h = (*halfWidth)[static_cast<size_t>(e)];
      if (h.sign() < 0 || h * Rational(1024) > ulp) {
        ++counts.unresolved;
        continue;
      }
    }
    out.push_back(toReportDouble(absOf(exactOf(engine[e]) - x) / ulp));
    indices.push_back(e);
  }
  return out;
}

double lowerMedian(std::vector<double> xs) {
  if (xs.empty()) return 0;
  const auto mid = xs.begin() + static_cast<std::ptrdiff_t>((xs.size() - 1) / 2);
  std::nth_element(xs.begin(), mid, xs.end());
  return *mid;
}

UlpStats statsOf(const std::vector<double>& ulps, const std::vector<int64_t>& indices,
                 uint64_t nonFinite, uint64_t unresolved) {
  UlpStats s;
  s.elements = ulps.size();
  s.nonFinite = nonFinite;
  s.unresolved = unresolved;
  for (size_t i = 0; i < ulps.size(); ++i) {
    if (i == 0 || ulps[i] > s.maxUlps) {
      s.maxUlps = ulps[i];
      s.worstElement = indices[i];
    }
  }
  s.medianUlps = lowerMedian(ulps);
  return s;
}

std::optional<Op> producerOp(const Graph& g, size_t id) {
  if (g.isInput(static_cast<ValueId>(id))) return std::nullopt;
  return g.producer(static_cast<ValueId>(id)).op;
}

// Measures every value of `engine` against the reference, per value and pooled per op.
template <class F>
void measureContext(const Graph& g, const Context<F>& engine, const Reference& ref,
                    const AccuracyOptions& options, std::vector<ValueAccuracy>& perValue,
                    std::vector<OpAccuracy>& perOp) {
  // Key: op index + 1, 0 for the inputs; ordered so the report lists ops in catalogue order.
  std::map<int, std::pair<std::vector<double>, OpAccuracy>> pooled;
  for (size_t id = 0; id < g.numValues(); ++id) {
    UlpStats counts;
    std::vector<int64_t> indices;
    std::vector<double> ulps =
        ulpErrors(engine[id], ref.exact[id], ref.halfWidth.empty() ? nullptr : &ref.halfWidth[id],
                  options, counts, indices);
    const std::optional<Op> op = producerOp(g, id);
    perValue.push_back({static_cast<ValueId>(id),
                        op,
                        statsOf(ulps, indices, counts.nonFinite, counts.unresolved),
                        {}});
    auto& [all, acc] = pooled[op ? static_cast<int>(*op) + 1 : 0];
    acc.op = op;
    ++acc.values;
    acc.stats.nonFinite += counts.nonFinite;
    acc.stats.unresolved += counts.unresolved;
    all.insert(all.end(), ulps.begin(), ulps.end());
    if (options.keepSamples) perValue.back().samples = std::move(ulps);
  }
  for (auto& [key, entry] : pooled) {
    auto& [all, acc] = entry;
    acc.stats = summarizeUlps(all, acc.stats.nonFinite, acc.stats.unresolved);
    perOp.push_back(acc);
  }
}

template <class F>
Result<std::vector<Tensor<F>>> representable(std::span<const Tensor<Rational>> in) {
  std::vector<Tensor<F>> out;
  for (size_t i = 0; i < in.size(); ++i) {
    Tensor<F> t(in[i].shape());
    for (int64_t e = 0; e < in[i].numel(); ++e) {
      Result<F> r = detail::Model<F>::round(in[i][e]);
      if (!r.ok() || exactOf(r.value()) != in[i][e]) {
        return Error::make(ErrorCode::InvalidArgument,
                           "accuracy: input %" + std::to_string(i) + " element " +
                               in[i].shape().indexText(e) + " = " + in[i][e].str() +
                               " is not exactly representable in " +
                               std::string(ScalarTraits<F>::name),
                           static_cast<int64_t>(i));
      }
      t[e] = r.value();
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string opLabel(const std::optional<Op>& op) {
  return op ? std::string(opName(*op)) : std::string("input");
}

std::string statsLine(const UlpStats& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%8llu elements  max %12.4g ulp  median %10.4g ulp",
                static_cast<unsigned long long>(s.elements), s.maxUlps, s.medianUlps);
  std::string out = buf;
  if (s.nonFinite) out += "  (" + std::to_string(s.nonFinite) + " inf/NaN)";
  if (s.unresolved) out += "  (" + std::to_string(s.unresolved) + " reference too wide)";
  return out;
}

void formatSection(std::string& out, const std::string& title, const std::vector<OpAccuracy>& ops,
                   const std::vector<ValueAccuracy>& values, const Graph& g) {
  out += title + " by op:\n";
  for (const OpAccuracy& o : ops) {
    char name[40];
    std::snprintf(name, sizeof name, "  %-24s", opLabel(o.op).c_str());
    out += name + statsLine(o.stats) + "  over " + std::to_string(o.values) + " values\n";
  }
  out += title + " by value:\n";
  for (const ValueAccuracy& v : values) {
    out += "  " + g.nodeText(v.id) + "\n    " + statsLine(v.stats);
    if (v.stats.worstElement >= 0) {
      out += "  worst " + g.shapeOf(v.id).indexText(v.stats.worstElement);
    }
    out += "\n";
  }
}

// The spec's values (grads = false) or its dense gradient of the one-hot seed 1 at `out`, at S.
template <class S>
Result<std::vector<spec::Value<S>>> specRun(const Graph& graph,
                                            const std::vector<spec::Value<S>>& inputs,
                                            std::optional<size_t> out) {
  if (!out) return spec::evaluate<S>(graph, inputs);
  Result<std::vector<spec::Value<S>>> seeds =
      spec::oneHotSeeds<S>(graph, *out, spec::Value<S>{Shape{}, {S(1)}});
  if (!seeds.ok()) return seeds.error();
  return spec::denseGradient<S>(graph, inputs, seeds.value());
}

// The reference values or gradients: exact for rational graphs, interval enclosures otherwise.
Result<Reference> referenceOf(const Graph& graph, std::span<const Tensor<Rational>> inputs,
                              std::optional<size_t> out) {
  if (!hasTranscendental(graph)) {
    Result<std::vector<spec::Value<Rational>>> r =
        specRun<Rational>(graph, toSpecValues(inputs), out);
    if (!r.ok()) return r.error();
    return Reference{std::move(r).value(), {}};
  }
  Result<std::vector<spec::Value<Interval>>> r = specRun<Interval>(graph, pointValues(inputs), out);
  if (!r.ok()) return r.error();
  return fromEnclosures(r.value());
}

}  // namespace

UlpStats summarizeUlps(std::vector<double> ulps, uint64_t nonFinite, uint64_t unresolved) {
  UlpStats s = statsOf(ulps, std::vector<int64_t>(ulps.size(), -1), nonFinite, unresolved);
  s.worstElement = -1;
  return s;
}

template <class F>
Result<AccuracyReport> measureFloatAccuracy(const Graph& graph,
                                            std::span<const Tensor<Rational>> inputs,
                                            const AccuracyOptions& options) {
  Result<std::vector<Tensor<F>>> floats = representable<F>(inputs);
  if (!floats.ok()) return floats.error();
  Result<Compiled<F>> engine = compile<F>(graph, floats.value());
  if (!engine.ok()) return engine.error();
  Result<Reference> exact = referenceOf(graph, inputs, std::nullopt);
  if (!exact.ok()) return exact.error();

  AccuracyReport report;
  report.scalar = std::string(ScalarTraits<F>::name);
  report.reference =
      exact.value().halfWidth.empty()
          ? "exact rational"
          : "interval (" + std::to_string(Interval::defaultPrecision()) + "-bit MPFI, midpoints)";
  measureContext<F>(graph, engine->values(), exact.value(), options, report.values,
                    report.valueOps);

  Result<size_t> out = checkedOutId(graph);
  if (!out.ok() || !graph.shapeOf(static_cast<ValueId>(out.value())).isScalar()) {
    report.gradientNote = "no gradients: the graph's output is not a scalar";
    return report;
  }
  Result<Context<F>> grads = engine->backwardDenseAllFromOutput();
  if (!grads.ok()) return grads.error();
  Result<Reference> exactGrads = referenceOf(graph, inputs, out.value());
  if (!exactGrads.ok()) return exactGrads.error();
  measureContext<F>(graph, grads.value(), exactGrads.value(), options, report.gradients,
                    report.gradientOps);
  return report;
}

std::string formatAccuracyReport(const AccuracyReport& report, const Graph& graph) {
  std::string out = "end-to-end accuracy at " + report.scalar + " against the " + report.reference +
                    " reference (reported, not asserted; ulps of max(|exact|, floor))\n";
  formatSection(out, "values", report.valueOps, report.values, graph);
  if (!report.gradientNote.empty()) return out + report.gradientNote + "\n";
  formatSection(out, "gradients of the output", report.gradientOps, report.gradients, graph);
  return out;
}

template Result<AccuracyReport> measureFloatAccuracy<float>(const Graph&,
                                                            std::span<const Tensor<Rational>>,
                                                            const AccuracyOptions&);
template Result<AccuracyReport> measureFloatAccuracy<double>(const Graph&,
                                                             std::span<const Tensor<Rational>>,
                                                             const AccuracyOptions&);

}  // namespace verigrad::oracle
