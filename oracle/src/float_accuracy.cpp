// The end-to-end float accuracy report (see float_accuracy.hpp): engine<F> against spec<Rational>
// in ulps, per value and per op, for values and for the output's gradients.
#include "verigrad/oracle/float_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "float_support.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/spec/graph_semantics.hpp"

namespace verigrad::oracle {
namespace {

using detail::absOf;
using detail::exactOf;

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

// Per-element ulp errors of one value; non-finite engine elements are counted, not measured.
template <class F>
std::vector<double> ulpErrors(const TensorView<F>& engine, const spec::Value<Rational>& exact,
                              const AccuracyOptions& options, uint64_t& nonFinite,
                              std::vector<int64_t>& indices) {
  Rational largest(0);
  for (const Rational& x : exact.data) largest = std::max(largest, absOf(x));
  const Rational floor = Rational::fromDouble(options.relativeFloor) * largest;
  std::vector<double> out;
  for (int64_t e = 0; e < engine.numel(); ++e) {
    if (!std::isfinite(engine[e])) {
      ++nonFinite;
      continue;
    }
    const Rational& x = exact.data[static_cast<size_t>(e)];
    const Rational ref = std::max(absOf(x), floor);
    out.push_back(toReportDouble(absOf(exactOf(engine[e]) - x) / ulpOf<F>(ref)));
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
                 uint64_t nonFinite) {
  UlpStats s;
  s.elements = ulps.size();
  s.nonFinite = nonFinite;
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

// Measures every value of `engine` against `exact`, per value and pooled per op.
template <class F>
void measureContext(const Graph& g, const Context<F>& engine,
                    std::span<const spec::Value<Rational>> exact, const AccuracyOptions& options,
                    std::vector<ValueAccuracy>& perValue, std::vector<OpAccuracy>& perOp) {
  // Key: op index + 1, 0 for the inputs; ordered so the report lists ops in catalogue order.
  std::map<int, std::pair<std::vector<double>, OpAccuracy>> pooled;
  for (size_t id = 0; id < g.numValues(); ++id) {
    uint64_t nonFinite = 0;
    std::vector<int64_t> indices;
    const std::vector<double> ulps = ulpErrors(engine[id], exact[id], options, nonFinite, indices);
    const std::optional<Op> op = producerOp(g, id);
    perValue.push_back({static_cast<ValueId>(id), op, statsOf(ulps, indices, nonFinite)});
    auto& [all, acc] = pooled[op ? static_cast<int>(*op) + 1 : 0];
    acc.op = op;
    ++acc.values;
    acc.stats.nonFinite += nonFinite;
    all.insert(all.end(), ulps.begin(), ulps.end());
  }
  for (auto& [key, entry] : pooled) {
    auto& [all, acc] = entry;
    const uint64_t nonFinite = acc.stats.nonFinite;
    acc.stats = statsOf(all, std::vector<int64_t>(all.size(), -1), nonFinite);
    acc.stats.worstElement = -1;
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

}  // namespace

template <class F>
Result<AccuracyReport> measureFloatAccuracy(const Graph& graph,
                                            std::span<const Tensor<Rational>> inputs,
                                            const AccuracyOptions& options) {
  Result<std::vector<Tensor<F>>> floats = representable<F>(inputs);
  if (!floats.ok()) return floats.error();
  Result<Compiled<F>> engine = compile<F>(graph, floats.value());
  if (!engine.ok()) return engine.error();
  const std::vector<spec::Value<Rational>> specInputs = toSpecValues(inputs);
  Result<std::vector<spec::Value<Rational>>> exact = spec::evaluate<Rational>(graph, specInputs);
  if (!exact.ok()) return exact.error();

  AccuracyReport report;
  report.scalar = std::string(ScalarTraits<F>::name);
  measureContext<F>(graph, engine->values(), exact.value(), options, report.values,
                    report.valueOps);

  Result<size_t> out = checkedOutId(graph);
  if (!out.ok() || !graph.shapeOf(static_cast<ValueId>(out.value())).isScalar()) {
    report.gradientNote = "no gradients: the graph's output is not a scalar";
    return report;
  }
  Result<Context<F>> grads = engine->backwardDenseAllFromOutput();
  if (!grads.ok()) return grads.error();
  Result<std::vector<spec::Value<Rational>>> seeds = spec::oneHotSeeds<Rational>(
      graph, out.value(), spec::Value<Rational>{Shape{}, {Rational(1)}});
  if (!seeds.ok()) return seeds.error();
  Result<std::vector<spec::Value<Rational>>> exactGrads =
      spec::denseGradient<Rational>(graph, specInputs, seeds.value());
  if (!exactGrads.ok()) return exactGrads.error();
  measureContext<F>(graph, grads.value(), exactGrads.value(), options, report.gradients,
                    report.gradientOps);
  return report;
}

std::string formatAccuracyReport(const AccuracyReport& report, const Graph& graph) {
  std::string out = "end-to-end accuracy at " + report.scalar +
                    " (reported, not asserted; ulps of max(|exact|, floor))\n";
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
