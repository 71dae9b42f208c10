// The transcendental kernels re-stated in the standard model (see kernel_model.hpp): each op's
// float formula, operation by operation in the kernel's own order, evaluated twice over
// intervals — with every rounding widened (Rounded) and exactly (Exact) — and the per-element
// distance of the two enclosures returned as the rounding radius. The derivations, with the
// first-order terms and where each formula is ill-conditioned, are on the rows of
// rounding_model.cpp.
#include "kernel_model.hpp"

#include <gmp.h>

#include <algorithm>
#include <limits>

namespace verigrad::oracle::detail {
namespace {

// glibc's documented maximum errors, x86_64, round to nearest, in ulps of the correctly rounded
// result: the glibc manual, "Known Maximum Errors in Math Functions" (§19.7 of the 2.39 manual;
// the table is generated from sysdeps/x86_64/fpu/libm-test-ulps, whose entries for these four
// functions are the same from 2.35 to 2.41; Debian 12 ships 2.36):
//     exp    float 1  double 1
//     log    float 1  double 1
//     log1p  float 1  double 1
//     tanh   float 2  double 2
// They are the largest errors glibc's test suite has observed, already whole numbers ("rounded
// up" leaves them unchanged); the model adds ½ ulp for the distance from the correctly rounded
// result to the true value, so |libm(a) − f(a)| ≤ (k + ½)·ulp(RN(f(a))).
enum class Fn { Exp, Log, Log1p, Tanh };

int libmUlps(const Format& /*format: the same figures at float and double*/, Fn fn) {
  switch (fn) {
    case Fn::Exp:
    case Fn::Log:
    case Fn::Log1p:
      return 1;
    case Fn::Tanh:
      return 2;
  }
  return 2;
}

Rational pow2(long e) {
  Rational::Impl v(1);
  if (e >= 0) {
    mpq_mul_2exp(v.backend().data(), v.backend().data(), static_cast<mp_bitcnt_t>(e));
  } else {
    mpq_div_2exp(v.backend().data(), v.backend().data(), static_cast<mp_bitcnt_t>(-e));
  }
  return Rational(std::move(v));
}

// ⌊log2 a⌋ for a > 0, exactly: a lies in (2^(n−d−1), 2^(n−d+1)) for n, d the bit lengths of its
// numerator and denominator, and one comparison decides.
long floorLog2(const Rational& a) {
  mpq_srcptr q = a.impl().backend().data();
  const auto n = static_cast<long>(mpz_sizeinbase(mpq_numref(q), 2));
  const auto d = static_cast<long>(mpz_sizeinbase(mpq_denref(q), 2));
  const long e = n - d;
  return a >= pow2(e) ? e : e - 1;
}

Interval nanInterval() { return quotient(Interval(0), Interval(0)); }

// |x| ≤ result for every point of a bounded enclosure; nullopt when unbounded or NaN.
std::optional<Rational> magnitude(const Interval& x) {
  if (!x.isBounded()) return std::nullopt;
  Result<Rational> lo = x.lower();
  Result<Rational> hi = x.upper();
  if (!lo.ok() || !hi.ok()) return std::nullopt;
  const Rational a = lo.value().sign() < 0 ? -lo.value() : lo.value();
  const Rational b = hi.value().sign() < 0 ? -hi.value() : hi.value();
  return a < b ? b : a;
}

Interval symmetric(const Rational& w) { return Interval::fromEndpoints(-w, w).value(); }

// Exact arithmetic: the kernel's formula with no rounding at all.
class Exact {
 public:
  Interval round(Interval x) const { return x; }
  Interval libm(Fn, Interval exact) const { return exact; }
  Interval count(int64_t n) const { return Interval(n); }
};

// The standard model of format F: every rounding may move a result by ½ ulp, every libm call by
// (k + ½) ulps; a result that may reach the overflow threshold flags the whole evaluation.
class Rounded {
 public:
  explicit Rounded(const Format& f)
      : f_(f),
        overflowAt_((Rational(2) - pow2(-f.precision)) * pow2(f.maxExponent)),
        nextUlpFactor_(Rational(1) + pow2(-f.precision)) {}

  bool flagged() const { return flagged_; }

  // T(n) of an element count: exact below 2^p, rounded above.
  Interval count(int64_t n) const {
    const Interval x(n);
    return n < (int64_t{1} << f_.precision) ? x : round(x);
  }

  Interval round(const Interval& x) const {
    const std::optional<Rational> m = magnitude(x);
    if (!m) return flag();
    return widen(x, *m, ulpIn(f_, *m) / Rational(2));
  }
  // RN(f(a)) ≤ f(a)·(1 + 2^−p) in magnitude, so its ulp is at most ulp(m·(1 + 2^−p)).
  Interval libm(Fn fn, const Interval& exact) const {
    const std::optional<Rational> m = magnitude(exact);
    if (!m) return flag();
    const Rational k = Rational(2 * libmUlps(f_, fn) + 1) / Rational(2);
    return widen(exact, *m, k * ulpIn(f_, *m * nextUlpFactor_));
  }

 private:
  Interval widen(const Interval& x, const Rational& m, const Rational& w) const {
    if (m + w >= overflowAt_) return flag();
    return x + symmetric(w);
  }
  Interval flag() const {
    flagged_ = true;
    return nanInterval();
  }

  const Format& f_;
  Rational overflowAt_;
  Rational nextUlpFactor_;
  mutable bool flagged_ = false;
};

// The operations a kernel performs, each followed by the arithmetic's rounding.
template <class A>
struct Ops {
  const A& a;

  Interval count(int64_t n) const { return a.count(n); }
  Interval add(const Interval& x, const Interval& y) const { return a.round(x + y); }
  Interval sub(const Interval& x, const Interval& y) const { return a.round(x - y); }
  Interval mul(const Interval& x, const Interval& y) const { return a.round(x * y); }
  Interval square(const Interval& x) const { return a.round(verigrad::square(x)); }
  Interval div(const Interval& x, const Interval& y) const { return a.round(quotient(x, y)); }
  Interval sqrt(const Interval& x) const { return a.round(verigrad::sqrt(x)); }
  Interval exp(const Interval& x) const { return a.libm(Fn::Exp, verigrad::exp(x)); }
  Interval tanh(const Interval& x) const { return a.libm(Fn::Tanh, verigrad::tanh(x)); }
  Interval log(const Interval& x) const { return a.libm(Fn::Log, logPositive(x)); }
  Interval log1p(const Interval& x) const {
    Result<Interval> r = verigrad::log1p(x);
    return a.libm(Fn::Log1p, r.ok() ? std::move(r).value() : nanInterval());
  }
};

// |computed − exact| over the two enclosures, or nullopt when either is unbounded.
std::optional<Rational> radius(const Interval& computed, const Interval& exact, bool flagged) {
  if (flagged || !computed.isBounded() || !exact.isBounded()) return std::nullopt;
  Result<Rational> cl = computed.lower(), ch = computed.upper();
  Result<Rational> el = exact.lower(), eh = exact.upper();
  if (!cl.ok() || !ch.ok() || !el.ok() || !eh.ok()) return std::nullopt;
  const Rational up = ch.value() - el.value();
  const Rational down = eh.value() - cl.value();
  return up < down ? down : up;
}

// Runs `body(ops, block)` — the `length` results of block `block` — rounded and exactly, for
// `count` blocks; element b·length + j is result j of block b.
template <class Body>
Radii blocks(const Format& f, int64_t count, int64_t length, Body body) {
  Radii out(static_cast<size_t>(count * length));
  const Exact exact;
  for (int64_t b = 0; b < count; ++b) {
    const Rounded rounded(f);
    const std::vector<Interval> c = body(Ops<Rounded>{rounded}, b);
    const std::vector<Interval> e = body(Ops<Exact>{exact}, b);
    for (int64_t j = 0; j < length; ++j) {
      out[static_cast<size_t>(b * length + j)] =
          radius(c[static_cast<size_t>(j)], e[static_cast<size_t>(j)], rounded.flagged());
    }
  }
  return out;
}

// One result per element, from element i of the operands.
template <class Body>
Radii elementwise(const Format& f, const ModelInput& in, Body body) {
  return blocks(f, in.node->shape.numel(), 1,
                [&](const auto& o, int64_t i) { return std::vector<Interval>{body(o, i)}; });
}

Interval one() { return Interval(1); }

// ---- activations (engine/ops/activation.inl; elementary.hpp for sigmoid and softplus)

const Interval& x0(const ModelInput& in, int64_t i) {
  return in.operands[0][static_cast<size_t>(i)];
}
const Interval& g0(const ModelInput& in, int64_t i) { return in.delta[static_cast<size_t>(i)]; }

// 1 / (1 + exp(−x)); the negation is exact.
template <class O>
Interval sigmoidOf(const O& o, const Interval& x) {
  return o.div(one(), o.add(one(), o.exp(-x)));
}
// max(x, 0) + log1p(exp(−|x|)); max, |x| and the negation are exact (x is a float).
template <class O>
Interval softplusOf(const O& o, const Interval& x) {
  const Interval positivePart = x.certainlyPositive() ? x : Interval(0);
  const Interval absX = x.certainlyNegative() ? -x : x;
  return o.add(positivePart, o.log1p(o.exp(-absX)));
}

Result<Radii> sqrtForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    const Interval& x = x0(in, i);
    return x.certainlyPositive() ? o.sqrt(x) : Interval(0);  // x <= 0: exactly 0
  });
}
Result<Radii> sqrtVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    const Interval& x = x0(in, i);
    if (!x.certainlyPositive()) return Interval(0);    // derivative 0 at x <= 0: δ·0 exactly
    const Interval twoRoot = o.sqrt(x) * Interval(2);  // doubling is exact
    return o.mul(g0(in, i), o.div(one(), twoRoot));
  });
}

Result<Radii> sigmoidForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return sigmoidOf(o, x0(in, i)); });
}
Result<Radii> sigmoidVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    const Interval s = sigmoidOf(o, x0(in, i));  // the engine's forward value
    return o.mul(g0(in, i), o.mul(s, o.sub(one(), s)));
  });
}

Result<Radii> tanhForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return o.tanh(x0(in, i)); });
}
Result<Radii> tanhVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    const Interval y = o.tanh(x0(in, i));  // the engine's forward value
    return o.mul(g0(in, i), o.sub(one(), o.square(y)));
  });
}

Result<Radii> softplusForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return softplusOf(o, x0(in, i)); });
}
Result<Radii> softplusVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(
      f, in, [&](const auto& o, int64_t i) { return o.mul(g0(in, i), sigmoidOf(o, x0(in, i))); });
}

Result<Radii> expForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return o.exp(x0(in, i)); });
}
Result<Radii> expVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    return o.mul(g0(in, i), o.exp(x0(in, i)));  // δ times the engine's forward value
  });
}

Result<Radii> logForward(const Format& f, const ModelInput& in) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return o.log(x0(in, i)); });
}
Result<Radii> logVjp(const Format& f, const ModelInput& in, int) {
  return elementwise(f, in, [&](const auto& o, int64_t i) { return o.div(g0(in, i), x0(in, i)); });
}

Result<Radii> safeLogForward(const Format& f, const ModelInput& in) {
  const Interval& eps = in.literals[0];
  return elementwise(
      f, in, [&](const auto& o, int64_t i) { return o.log(o.add(softplusOf(o, x0(in, i)), eps)); });
}
Result<Radii> safeLogVjp(const Format& f, const ModelInput& in, int) {
  const Interval& eps = in.literals[0];
  return elementwise(f, in, [&](const auto& o, int64_t i) {
    const Interval& x = x0(in, i);
    return o.mul(g0(in, i), o.div(sigmoidOf(o, x), o.add(softplusOf(o, x), eps)));
  });
}

// ---- normalisation (engine/ops/normalization.inl): rows along the last axis

struct Rows {
  int64_t count = 0;
  int64_t length = 0;
};

Rows lastAxisRows(const Shape& s) {
  if (s.rank() == 0) return {1, 1};
  const int64_t length = s[s.rank() - 1];
  return {length == 0 ? 0 : s.numel() / length, length};
}

// The row's maximum: a float, found by comparisons alone (exact).
Interval rowMax(std::span<const Interval> x) {
  Interval m = x[0];
  for (size_t j = 1; j < x.size(); ++j) {
    if (compare(x[j], m) == Ordering::Greater) m = x[j];
  }
  return m;
}

// A left fold from 0: the first addition is exact, every later one rounds.
template <class O>
void foldAdd(const O& o, Interval& total, const Interval& term, int64_t j) {
  total = j == 0 ? term : o.add(total, term);
}

template <class O>
std::vector<Interval> softmaxRow(const O& o, std::span<const Interval> x) {
  const Interval m = rowMax(x);
  std::vector<Interval> y;
  Interval total;
  for (size_t j = 0; j < x.size(); ++j) {
    y.push_back(o.exp(o.sub(x[j], m)));
    foldAdd(o, total, y.back(), static_cast<int64_t>(j));
  }
  for (Interval& v : y) v = o.div(v, total);
  return y;
}

template <class O>
std::vector<Interval> logSoftmaxRow(const O& o, std::span<const Interval> x) {
  const Interval m = rowMax(x);
  std::vector<Interval> y;
  Interval total;
  for (size_t j = 0; j < x.size(); ++j) {
    y.push_back(o.sub(x[j], m));
    foldAdd(o, total, o.exp(y.back()), static_cast<int64_t>(j));
  }
  const Interval logTotal = o.log(total);
  for (Interval& v : y) v = o.sub(v, logTotal);
  return y;
}

std::span<const Interval> rowOf(const std::vector<Interval>& v, int64_t row, int64_t length) {
  return std::span<const Interval>(v).subspan(static_cast<size_t>(row * length),
                                              static_cast<size_t>(length));
}

// Scalar softmax/logSoftmax: the constants 1 and 0, VJP 0: exact.
Radii exactZeros(const ModelInput& in) {
  return Radii(static_cast<size_t>(in.node->shape.numel()), Rational(0));
}

Result<Radii> softmaxForward(const Format& f, const ModelInput& in) {
  if (in.node->shape.rank() == 0) return exactZeros(in);
  const Rows r = lastAxisRows(in.node->shape);
  return blocks(f, r.count, r.length, [&](const auto& o, int64_t row) {
    return softmaxRow(o, rowOf(in.operands[0], row, r.length));
  });
}
Result<Radii> softmaxVjp(const Format& f, const ModelInput& in, int) {
  if (in.node->shape.rank() == 0) return exactZeros(in);
  const Rows r = lastAxisRows(in.node->shape);
  return blocks(f, r.count, r.length, [&](const auto& o, int64_t row) {
    const std::vector<Interval> y = softmaxRow(o, rowOf(in.operands[0], row, r.length));
    const std::span<const Interval> g = rowOf(in.delta, row, r.length);
    Interval dot;
    for (int64_t j = 0; j < r.length; ++j) foldAdd(o, dot, o.mul(g[j], y[j]), j);
    std::vector<Interval> out;
    for (int64_t j = 0; j < r.length; ++j) out.push_back(o.mul(y[j], o.sub(g[j], dot)));
    return out;
  });
}

Result<Radii> logSoftmaxForward(const Format& f, const ModelInput& in) {
  if (in.node->shape.rank() == 0) return exactZeros(in);
  const Rows r = lastAxisRows(in.node->shape);
  return blocks(f, r.count, r.length, [&](const auto& o, int64_t row) {
    return logSoftmaxRow(o, rowOf(in.operands[0], row, r.length));
  });
}
Result<Radii> logSoftmaxVjp(const Format& f, const ModelInput& in, int) {
  if (in.node->shape.rank() == 0) return exactZeros(in);
  const Rows r = lastAxisRows(in.node->shape);
  return blocks(f, r.count, r.length, [&](const auto& o, int64_t row) {
    const std::vector<Interval> y = logSoftmaxRow(o, rowOf(in.operands[0], row, r.length));
    const std::span<const Interval> g = rowOf(in.delta, row, r.length);
    Interval total;
    for (int64_t j = 0; j < r.length; ++j) foldAdd(o, total, g[j], j);
    std::vector<Interval> out;
    for (int64_t j = 0; j < r.length; ++j) out.push_back(o.sub(g[j], o.mul(o.exp(y[j]), total)));
    return out;
  });
}

// ---- layerNorm: x [L,E], γ [E], β [E], ε a literal

struct Stats {
  Interval mean;
  Interval std;
};

// μ = Σx / E; var = max(Σ(x − μ)² / E, 0); σ = sqrt(var + ε), with E = T(E) as the kernel forms it.
template <class O>
Stats rowStats(const O& o, std::span<const Interval> x, const Interval& eps) {
  const Interval extent = o.count(static_cast<int64_t>(x.size()));
  Interval sum;
  for (size_t j = 0; j < x.size(); ++j) foldAdd(o, sum, x[j], static_cast<int64_t>(j));
  Stats st{o.div(sum, extent), Interval(0)};
  Interval squares;
  for (size_t j = 0; j < x.size(); ++j) {
    foldAdd(o, squares, o.square(o.sub(x[j], st.mean)), static_cast<int64_t>(j));
  }
  const Interval variance = reluValue(o.div(squares, extent));  // the clamp at 0 is exact
  st.std = o.sqrt(o.add(variance, eps));
  return st;
}

template <class O>
Interval xhatOf(const O& o, const Interval& x, const Stats& st) {
  return o.div(o.sub(x, st.mean), st.std);
}

Result<Radii> layerNormForward(const Format& f, const ModelInput& in) {
  const int64_t rows = in.node->shape[0], e = in.node->shape[1];
  const Interval& eps = in.literals[0];
  return blocks(f, rows, e, [&](const auto& o, int64_t row) {
    const std::span<const Interval> x = rowOf(in.operands[0], row, e);
    const Stats st = rowStats(o, x, eps);
    std::vector<Interval> out;
    for (int64_t j = 0; j < e; ++j) {
      out.push_back(o.add(o.mul(xhatOf(o, x[j], st), in.operands[1][j]), in.operands[2][j]));
    }
    return out;
  });
}

// dx = invstd·((δγ − mean(δγ)) − x̂·mean(δγ·x̂)), row by row.
Radii layerNormInputVjp(const Format& f, const ModelInput& in) {
  const int64_t rows = in.node->shape[0], e = in.node->shape[1];
  const Interval& eps = in.literals[0];
  const std::vector<Interval>& gamma = in.operands[1];
  return blocks(f, rows, e, [&](const auto& o, int64_t row) {
    const std::span<const Interval> x = rowOf(in.operands[0], row, e);
    const std::span<const Interval> g = rowOf(in.delta, row, e);
    const Stats st = rowStats(o, x, eps);
    const Interval extent = o.count(e);
    const Interval invStd = o.div(one(), st.std);
    Interval sumDg, sumDgXhat;
    for (int64_t j = 0; j < e; ++j) {
      const Interval dg = o.mul(g[j], gamma[j]);
      foldAdd(o, sumDg, dg, j);
      foldAdd(o, sumDgXhat, o.mul(dg, xhatOf(o, x[j], st)), j);
    }
    const Interval meanDg = o.div(sumDg, extent);
    const Interval meanDgXhat = o.div(sumDgXhat, extent);
    std::vector<Interval> out;
    for (int64_t j = 0; j < e; ++j) {
      const Interval dg = o.mul(g[j], gamma[j]);
      out.push_back(
          o.mul(invStd, o.sub(o.sub(dg, meanDg), o.mul(xhatOf(o, x[j], st), meanDgXhat))));
    }
    return out;
  });
}

// dγ = Σ_rows δ·x̂ and dβ = Σ_rows δ: one column sum per element (left folds from 0 over rows).
Radii layerNormColumnVjp(const Format& f, const ModelInput& in, bool gammaSlot) {
  const int64_t rows = in.node->shape[0], e = in.node->shape[1];
  const Interval& eps = in.literals[0];
  return blocks(f, 1, e, [&](const auto& o, int64_t) {
    std::vector<Interval> sums(static_cast<size_t>(e));
    for (int64_t i = 0; i < rows; ++i) {
      const std::span<const Interval> x = rowOf(in.operands[0], i, e);
      const std::span<const Interval> g = rowOf(in.delta, i, e);
      if (!gammaSlot) {
        for (int64_t j = 0; j < e; ++j) foldAdd(o, sums[j], g[j], i);
        continue;
      }
      const Stats st = rowStats(o, x, eps);
      for (int64_t j = 0; j < e; ++j) foldAdd(o, sums[j], o.mul(g[j], xhatOf(o, x[j], st)), i);
    }
    return sums;
  });
}

Result<Radii> layerNormVjp(const Format& f, const ModelInput& in, int slot) {
  if (slot == 0) return layerNormInputVjp(f, in);
  return layerNormColumnVjp(f, in, slot == 1);
}

}  // namespace

template <class F>
Format formatOf() {
  using Lim = std::numeric_limits<F>;
  return Format{Lim::digits, Lim::min_exponent - 1, Lim::max_exponent - 1,
                std::is_same_v<F, float> ? "float" : "double"};
}
template Format formatOf<float>();
template Format formatOf<double>();

Rational ulpIn(const Format& format, const Rational& a) {
  long e = format.minExponent;
  if (a.sign() > 0) e = std::max(e, floorLog2(a));
  return pow2(e - format.precision + 1);
}

Rational magnitudeOf(const Interval& x) { return magnitude(x).value_or(Rational(0)); }

const KernelModel kSqrtModel{sqrtForward, sqrtVjp};
const KernelModel kSigmoidModel{sigmoidForward, sigmoidVjp};
const KernelModel kTanhModel{tanhForward, tanhVjp};
const KernelModel kSoftplusModel{softplusForward, softplusVjp};
const KernelModel kExpModel{expForward, expVjp};
const KernelModel kLogModel{logForward, logVjp};
const KernelModel kSafeLogModel{safeLogForward, safeLogVjp};
const KernelModel kSoftmaxModel{softmaxForward, softmaxVjp};
const KernelModel kLogSoftmaxModel{logSoftmaxForward, logSoftmaxVjp};
const KernelModel kLayerNormModel{layerNormForward, layerNormVjp};

}  // namespace verigrad::oracle::detail
