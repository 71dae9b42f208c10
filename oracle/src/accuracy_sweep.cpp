// The per-op accuracy sweep of `verigrad accuracy` (see float_accuracy.hpp): small random graphs
// per transcendental op, measured end to end at float and double against the interval spec.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "verigrad/graph_builder.hpp"
#include "verigrad/oracle/float_accuracy.hpp"

namespace verigrad::oracle {
namespace {

// splitmix64: a fixed, reproducible stream.
class Stream {
 public:
  explicit Stream(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t x = (state_ += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  double sign() { return (next() & 1) ? 1.0 : -1.0; }
  // 2^e for e uniform in [lo, hi], times a significand in [1, 2).
  double logUniform(int lo, int hi) { return std::ldexp(1.0 + unit(), lo + below(hi - lo + 1)); }

 private:
  uint64_t state_;
};

// ε of safeLog and layerNorm: 2^-20 (≈ 1e-6, TorchLean's default size), a dyadic so that float and
// double hold the same ε and the reference sees the literal both formats compute with.
constexpr double kEps = 0x1p-20;

// The ten ops of the sweep, in catalogue order.
constexpr Op kOps[] = {Op::Sqrt, Op::Sigmoid, Op::Tanh,    Op::Softplus,   Op::Exp,
                       Op::Log,  Op::SafeLog, Op::Softmax, Op::LogSoftmax, Op::LayerNorm};

// One input of op's x, as a float: a mixture of a central range, large magnitudes, tiny values
// near the kink at 0, and exact special points. Kept finite at float (exp at most e^80).
float drawX(Op op, Stream& s) {
  const int kind = s.below(10);
  double x = 0;
  switch (op) {
    case Op::Sqrt:
    case Op::Log:  // x > 0 mostly; sqrt also at and below its kink, log near 1 (log x ≈ 0)
      if (kind < 5)
        x = s.logUniform(-20, 20);
      else if (kind < 7)
        x = 1.0 + s.sign() * s.logUniform(-23, -4);
      else if (kind < 8)
        x = s.logUniform(-126, -60);
      else if (op == Op::Sqrt)
        x = kind == 8 ? 0.0 : -s.uniform(0, 4);
      else
        x = s.logUniform(60, 120);
      break;
    case Op::Exp:
      if (kind < 6)
        x = s.uniform(-10, 10);
      else if (kind < 8)
        x = s.uniform(-80, 80);
      else
        x = s.sign() * s.logUniform(-40, -10);
      break;
    default:  // sigmoid, tanh, softplus, safeLog, softmax, logSoftmax
      if (kind < 5)
        x = s.uniform(-4, 4);
      else if (kind < 7)
        x = s.uniform(-30, 30);
      else if (kind < 8)
        x = s.sign() * s.uniform(30, 90);
      else if (kind < 9)
        x = s.sign() * s.logUniform(-40, -10);
      else
        x = s.below(2) ? 0.0 : s.sign() * 0.5;
      break;
  }
  return static_cast<float>(x);
}

Tensor<Rational> tensorOf(const Shape& shape, Stream& s, auto draw) {
  Tensor<Rational> t(shape);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = Rational::fromFloat(draw(s));
  return t;
}

// One random graph for op: out = sum(op(x, ...) ⊙ w). Returns the graph, its inputs, the node id
// and the ids of op's operands.
struct SweepCase {
  Graph graph;
  std::vector<Tensor<Rational>> inputs;
  ValueId node = 0;
  std::vector<ValueId> operands;
};

Result<SweepCase> makeCase(Op op, Stream& s) {
  const auto x = [op](Stream& st) { return drawX(op, st); };
  const auto weight = [](Stream& st) { return static_cast<float>(st.uniform(-2, 2)); };
  SweepCase c;
  const bool rows = op == Op::Softmax || op == Op::LogSoftmax || op == Op::LayerNorm;
  const Shape xs = rows ? Shape{2, 5} : Shape{8};
  std::vector<Shape> gamma = {xs};
  c.inputs.push_back(tensorOf(xs, s, x));
  if (op == Op::Softmax || op == Op::LogSoftmax) {
    // Ties and near-constant rows: copy an element, or shrink row 1 to a spread of 2^-20.
    Tensor<Rational>& t = c.inputs[0];
    if (s.below(4) == 0) t[1] = t[0];
    if (s.below(4) == 0) {
      const float base = static_cast<float>(s.uniform(-4, 4));
      for (int64_t k = 5; k < 10; ++k) {
        t[k] = Rational::fromFloat(base + static_cast<float>(s.uniform(0, 0x1p-20)));
      }
    }
  }
  if (op == Op::LayerNorm) {
    Tensor<Rational>& t = c.inputs[0];
    for (int64_t k = 0; k < 10; ++k)
      t[k] = Rational::fromFloat(static_cast<float>(s.uniform(-3, 3)));
    if (s.below(3) == 0) {  // a near-constant row: variance far below ε (the clamp's kink)
      const float base = static_cast<float>(s.uniform(-3, 3));
      for (int64_t k = 5; k < 10; ++k) {
        t[k] = Rational::fromFloat(base + static_cast<float>(s.uniform(0, 0x1p-12)));
      }
    }
    gamma.push_back(Shape{5});
    gamma.push_back(Shape{5});
    c.inputs.push_back(tensorOf(Shape{5}, s, weight));
    c.inputs.push_back(tensorOf(Shape{5}, s, weight));
  }
  gamma.push_back(xs);
  c.inputs.push_back(tensorOf(xs, s, weight));

  GraphBuilder b(gamma);
  const ExactLiteral eps = ExactLiteral::fromDouble(kEps).value();
  if (!isTranscendental(op)) {
    return Error::make(ErrorCode::InvalidArgument,
                       "accuracy sweep: no generator for op '" + std::string(opName(op)) + "'");
  }
  // The op on the first inputs (x; layerNorm also gamma, beta), through the builder's generic
  // entry point; safeLog and layerNorm take eps.
  const ValueId operands[3] = {0, 1, 2};
  const OpInfo& info = opInfo(op);
  Result<Var> node = b.addNode(op, std::span<const ValueId>(operands, info.arity), {},
                               std::span<const ExactLiteral>(&eps, info.numLits == 1 ? 1 : 0));
  if (!node.ok()) return node.error();
  const Var n = node.value();
  b.sum(b.mul(n, b.arg(static_cast<int>(gamma.size()) - 1)));
  Result<Graph> g = b.finish();
  if (!g.ok()) return g.error();
  c.graph = std::move(g).value();
  c.node = n.id;
  for (size_t i = 0; i + 1 < gamma.size(); ++i) c.operands.push_back(static_cast<ValueId>(i));
  return c;
}

struct Pool {
  std::vector<double> ulps;
  uint64_t nonFinite = 0;
  uint64_t unresolved = 0;
  uint64_t cases = 0;

  void add(const ValueAccuracy& v) {
    ulps.insert(ulps.end(), v.samples.begin(), v.samples.end());
    nonFinite += v.stats.nonFinite;
    unresolved += v.stats.unresolved;
  }
};

template <class F>
Result<std::pair<Pool, Pool>> sweepOne(Op op, const SweepOptions& options) {
  // The same stream for float and double: both formats see the same graphs and inputs.
  Stream s(options.seed * 0x100000001b3ULL + static_cast<uint64_t>(op));
  Pool values, grads;
  for (int k = 0; k < options.cases; ++k) {
    Result<SweepCase> c = makeCase(op, s);
    if (!c.ok()) return c.error();
    Result<AccuracyReport> r = measureFloatAccuracy<F>(
        c->graph, std::span<const Tensor<Rational>>(c->inputs), options.accuracy);
    if (!r.ok()) {
      // log's inputs are drawn > 0 and every other op is total: an error is a real problem.
      return Error::make(r.error().code,
                         "accuracy sweep, " + std::string(opName(op)) + " case " +
                             std::to_string(k) + ": " + r.error().message,
                         r.error().node);
    }
    values.add(r->values[c->node]);
    for (ValueId p : c->operands) grads.add(r->gradients[p]);
    ++values.cases;
    ++grads.cases;
  }
  return std::make_pair(std::move(values), std::move(grads));
}

SweepRow rowOf(Op op, const char* scalar, const char* quantity, Pool p) {
  SweepRow row;
  row.op = op;
  row.scalar = scalar;
  row.quantity = quantity;
  row.cases = p.cases;
  row.stats = summarizeUlps(std::move(p.ulps), p.nonFinite, p.unresolved);
  return row;
}

}  // namespace

Result<std::vector<SweepRow>> sweepTranscendentalAccuracy(const SweepOptions& options) {
  std::vector<SweepRow> rows;
  for (Op op : kOps) {
    Result<std::pair<Pool, Pool>> f = sweepOne<float>(op, options);
    if (!f.ok()) return f.error();
    Result<std::pair<Pool, Pool>> d = sweepOne<double>(op, options);
    if (!d.ok()) return d.error();
    rows.push_back(rowOf(op, "float", "value", std::move(f.value().first)));
    rows.push_back(rowOf(op, "float", "gradient", std::move(f.value().second)));
    rows.push_back(rowOf(op, "double", "value", std::move(d.value().first)));
    rows.push_back(rowOf(op, "double", "gradient", std::move(d.value().second)));
  }
  return rows;
}

std::string formatSweepTable(const std::vector<SweepRow>& rows) {
  std::string out;
  char buf[200];
  std::snprintf(buf, sizeof buf, "%-11s %-7s %-9s %12s %11s %9s %6s\n", "op", "scalar", "quantity",
                "max ulp", "median ulp", "elements", "cases");
  out += buf;
  for (const SweepRow& r : rows) {
    std::snprintf(buf, sizeof buf, "%-11s %-7s %-9s %12.4g %11.4g %9llu %6llu",
                  std::string(opName(r.op)).c_str(), r.scalar.c_str(), r.quantity.c_str(),
                  r.stats.maxUlps, r.stats.medianUlps,
                  static_cast<unsigned long long>(r.stats.elements),
                  static_cast<unsigned long long>(r.cases));
    out += buf;
    if (r.stats.nonFinite) out += "  " + std::to_string(r.stats.nonFinite) + " inf/NaN";
    if (r.stats.unresolved) out += "  " + std::to_string(r.stats.unresolved) + " unresolved";
    out += "\n";
  }
  return out;
}

std::string sweepDomains() {
  return "  sqrt, log    x > 0 log-uniform in [2^-20, 2^21), near 1 (1 +- 2^-23..2^-4),\n"
         "               tiny (2^-126..2^-60); sqrt also 0 and x < 0, log also 2^60..2^121\n"
         "  exp          [-10, 10], [-80, 80], +-2^-40..2^-10\n"
         "  sigmoid, tanh, softplus, safeLog, softmax, logSoftmax\n"
         "               [-4, 4], [-30, 30], +-[30, 90], +-2^-40..2^-10, 0, +-1/2;\n"
         "               softmax rows [2,5] with ties and near-constant rows\n"
         "  layerNorm    x [2,5] in [-3, 3], a third of the rows near-constant (spread 2^-12);\n"
         "               gamma, beta [5] in [-2, 2]; eps = 2^-20 (safeLog too)\n"
         "  delta = w in [-2, 2] (out = sum(op(...) * w)); inputs are floats, shared by both "
         "formats\n";
}

}  // namespace verigrad::oracle
