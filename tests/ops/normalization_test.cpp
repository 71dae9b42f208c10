// Tests of the Normalization family (engine/ops/normalization.inl): softmax and logSoftmax along
// the last axis and layerNorm. Forward values against a 1024-bit MPFR reference of the textbook
// definitions (reference §5.2.4 and §5.2.10; no max shift there), VJPs against central differences
// of those definitions (not the kernels' VJP formulas), within error bounds derived per op at float
// and double; narrow enclosures of the true values at the interval scalar; exact closed forms; rank
// 0, rank 3 and empty rows; large inputs; repeated operands (Accum::Add); and the refusal at the
// exact scalar.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "transcendental_support.hpp"

namespace verigrad {
namespace {

using namespace testing;  // test_support.hpp, typed_op_support.hpp, transcendental_support.hpp

int64_t rowLength(const Shape& s) { return s.rank() == 0 ? 1 : s[s.rank() - 1]; }

Var buildSoftmax(GraphBuilder& b, Var x, bool log) { return log ? b.logSoftmax(x) : b.softmax(x); }

// softmax y_j = exp(x_j) / Σ_k exp(x_k) and logSoftmax y_j = x_j − log Σ_k exp(x_k) per row of
// `len` elements, unshifted (MPFR's exponent range holds exp(1000)).
MpVec softmaxRef(const MpVec& x, int64_t len, bool log) {
  MpVec y;
  if (len == 0) return y;
  for (size_t r = 0; r < x.size(); r += static_cast<size_t>(len)) {
    Mp total;
    for (int64_t k = 0; k < len; ++k) total = total + mpExp(x[r + k]);
    for (int64_t j = 0; j < len; ++j) {
      y.push_back(log ? x[r + j] - mpLog(total) : mpExp(x[r + j]) / total);
    }
  }
  return y;
}

MpForward softmaxForward(int64_t len, bool log) {
  return [len, log](const std::vector<MpVec>& ops) { return softmaxRef(ops[0], len, log); };
}

// ---- softmax and logSoftmax at float and double.
//
// Inputs are small dyadics, so each x_j − m (m the row max) is exact; seeds are ± powers of two
// whose partial sums are exact too. u is the unit roundoff, n the row length.
//
// softmax forward: exp(x_j − m) 2u; the row total, n − 1 roundings of positive terms: (n + 1)u;
//   the quotient adds u: (n + 4)u relative, so n + 4 ulps.
// softmax VJP y_j (δ_j − Σ δ_k y_k): with ŷ within (n + 4)u and exact products δ_k ŷ_k, the dot
//   is within (n + 4)u·A + (n − 1)u·A = (2n + 3)u·A, A = Σ|δ_k| y_k; the difference adds
//   u|δ_j − dot|, the product (n + 4)u and u of it: u·y_j·((2n + 3)A + (n + 6)|δ_j − dot|).
// logSoftmax forward (x_j − m) − log T, T = Σ exp(x_k − m) within (n + 1)u: log T is off by
//   (n + 1)u + 2u|log T| absolutely (the libm's log), the subtraction adds u|y_j|:
//   u·((n + 1) + 2|log T| + |y_j|).
// logSoftmax VJP δ_j − exp(ŷ_j)·Σδ: exp(ŷ_j) is off by p_j(a_j + 2u) (a_j the forward bound,
//   p_j = exp y_j), the product by the exact Σδ adds u, the subtraction u|r_j|:
//   u·(p_j |Σδ| (a_j/u + 3) + |r_j|).
template <class F>
void checkSoftmaxFloat(const Shape& shape, const std::vector<std::string>& xs,
                       const std::vector<std::string>& seeds, bool log) {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<F>::name) +
               (log ? ", logSoftmax " : ", softmax ") + shape.str());
  GraphBuilder b({shape});
  const Var y = buildSoftmax(b, b.arg(0), log);
  const Graph g = Unwrap(b.finish());
  Compiled<F> comp = Unwrap(compile<F>(g, {tensorOf<F>(shape, xs)}));
  const Tensor<F> seed = tensorOf<F>(shape, seeds);
  const Sweeps<F> s = bothSweeps(comp, y.id, seed);
  const int64_t n = rowLength(shape);
  const MpVec x = mpOf(xs), d = mpOf(seeds);
  const MpVec want = softmaxRef(x, n, log);
  const MpVec vjp = fdVjp(softmaxForward(n, log), {x}, d, 0);
  const Mp nn(static_cast<long>(n));
  for (size_t r = 0; r < x.size(); r += static_cast<size_t>(n)) {
    Mp a, dot, sumD, m = x[r];
    for (int64_t k = 0; k < n; ++k) {
      a = a + mpAbs(d[r + k]) * want[r + k];
      dot = dot + d[r + k] * want[r + k];
      sumD = sumD + d[r + k];
      m = mpMax(m, x[r + k]);
    }
    Mp shifted;
    for (int64_t k = 0; k < n; ++k) shifted = shifted + mpExp(x[r + k] - m);
    const Mp logT = mpLog(shifted);
    for (int64_t j = 0; j < n; ++j) {
      const size_t i = r + static_cast<size_t>(j);
      const F got = comp.values()[y.id][static_cast<int64_t>(i)];
      const F grad = s.all[0][static_cast<int64_t>(i)];
      if (!log) {
        EXPECT_TRUE(withinUlps(got, want[i], static_cast<double>(n + 4))) << "forward " << i;
        const Mp scale = want[i] * (Mp(2 * n + 3) * a + Mp(n + 6) * mpAbs(d[i] - dot));
        EXPECT_TRUE(withinScaled(grad, vjp[i], 1, scale)) << "VJP " << i;
      } else {
        const Mp fwd = (nn + Mp(1)) + Mp(2) * mpAbs(logT) + mpAbs(want[i]);
        EXPECT_TRUE(withinScaled(got, want[i], 1, fwd)) << "forward " << i;
        const Mp scale = mpExp(want[i]) * mpAbs(sumD) * (fwd + Mp(3)) + mpAbs(vjp[i]);
        EXPECT_TRUE(withinScaled(grad, vjp[i], 1, scale)) << "VJP " << i;
      }
    }
  }
  expectKernelContract(comp, y.id, seed, s.all);
}

// The same at the interval scalar: narrow enclosures of the true values (the VJP's reference is a
// central difference: its radius is fdRadius).
void checkSoftmaxInterval(const Shape& shape, const std::vector<std::string>& xs,
                          const std::vector<std::string>& seeds, bool log) {
  SCOPED_TRACE(std::string("scalar interval") + (log ? ", logSoftmax " : ", softmax ") +
               shape.str());
  GraphBuilder b({shape});
  const Var y = buildSoftmax(b, b.arg(0), log);
  const Graph g = Unwrap(b.finish());
  Compiled<Interval> comp = Unwrap(compile<Interval>(g, {tensorOf<Interval>(shape, xs)}));
  const Tensor<Interval> seed = tensorOf<Interval>(shape, seeds);
  const Sweeps<Interval> s = bothSweeps(comp, y.id, seed);
  const int64_t n = rowLength(shape);
  const MpVec x = mpOf(xs), d = mpOf(seeds);
  const MpVec want = softmaxRef(x, n, log);
  const MpVec vjp = fdVjp(softmaxForward(n, log), {x}, d, 0);
  Mp scale;
  for (const Mp& v : d) scale = scale + mpAbs(v);
  for (size_t i = 0; i < x.size(); ++i) {
    const auto e = static_cast<int64_t>(i);
    EXPECT_TRUE(enclosesNarrowly(comp.values()[y.id][e], want[i])) << "forward " << i;
    EXPECT_TRUE(enclosesNarrowly(s.all[0][e], vjp[i], fdRadius(scale))) << "VJP " << i;
    EXPECT_TRUE(enclosesNarrowly(s.from[0][e], Mp(1) + vjp[i], fdRadius(scale)))
        << "VJP onto 1, " << i;
  }
  expectKernelContract(comp, y.id, seed, s.all);
}

void checkSoftmaxAll(const Shape& shape, const std::vector<std::string>& xs,
                     const std::vector<std::string>& seeds) {
  for (bool log : {false, true}) {
    checkSoftmaxFloat<double>(shape, xs, seeds, log);
    checkSoftmaxFloat<float>(shape, xs, seeds, log);
    checkSoftmaxInterval(shape, xs, seeds, log);
  }
}

TEST(NormalizationOps, SoftmaxAndLogSoftmaxOfAVector) {
  checkSoftmaxAll(Shape{4}, {"1/2", "-1", "2", "0"}, {"1", "-1/2", "2", "-4"});
  checkSoftmaxAll(Shape{3}, {"1", "2", "3"}, {"1", "1", "1"});  // Σδ ≠ 0, δ constant: VJP 0
}

// Rank 3: every row along the last axis is normalised on its own (the reference works row by
// row; rows 2 and 3 differ from row 1 only by a shift, rows 4 and 6 are far apart).
TEST(NormalizationOps, SoftmaxAndLogSoftmaxOfRank3AlongTheLastAxis) {
  checkSoftmaxAll(Shape{2, 2, 3},
                  {"1", "2", "3", "0", "0", "0", "-1", "1/2", "1/4", "3", "-2", "1"},
                  {"1", "-1/2", "2", "-4", "1/4", "8", "1", "1", "-1", "2", "1/2", "-2"});
}

// Large inputs: the max shift keeps every exp argument ≤ 0, so nothing overflows (exp(1000) does
// at double and float), and the values are those of the shifted row [2, 1, 0].
TEST(NormalizationOps, LargeInputsAreShiftedByTheRowMax) {
  checkSoftmaxAll(Shape{2, 3}, {"1000", "999", "998", "-1000", "-999", "-1001"},
                  {"1", "-1/2", "2", "-4", "1/4", "8"});
  // [1000, 1000]: exp(0) = 1 twice, so 1/2 each, exactly; logSoftmax -log 2 within its bound.
  GraphBuilder b({Shape{2}});
  const Var y = b.softmax(b.arg(0));
  const Var z = b.logSoftmax(b.arg(0));
  const Graph g = Unwrap(b.finish());
  Compiled<double> c = Unwrap(compile<double>(g, {TF<double>({2}, {1000.0, 1000.0})}));
  EXPECT_EQ(Vals(c.values()[y.id]), (std::vector<double>{0.5, 0.5}));
  for (int64_t i = 0; i < 2; ++i) {
    // n = 2, log T = log 2: u·(3 + 2 log 2 + log 2).
    EXPECT_TRUE(withinScaled(c.values()[z.id][i], -mpLog(Mp(2)), 1, Mp(3) + Mp(3) * mpLog(Mp(2))));
  }
  // [-1000, 0]: e^-1000 underflows to 0 after the shift, as the true 5e-435 does: [0, 1].
  Compiled<double> d = Unwrap(compile<double>(g, {TF<double>({2}, {-1000.0, 0.0})}));
  EXPECT_EQ(Vals(d.values()[y.id]), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(d.values()[z.id][0], -1000.0);  // -1000 - log(1 + e^-1000) rounds to -1000
  EXPECT_EQ(d.values()[z.id][1], 0.0);
  Context<double> grads = Unwrap(d.tape().backwardDenseAll(y.id, TF<double>({2}, {1.0, 2.0})));
  EXPECT_EQ(Vals(grads[0]), (std::vector<double>{0.0, 0.0}));  // y ⊙ (δ − 2) = [0·(−1), 1·0]
}

// Equal entries: softmax is exactly 1/n at every scalar (exp(0) = 1 is exact), and its VJP
// y ⊙ (δ − Σ δ y) = (1/4)(δ − 10/4) = [−3/8, −1/8, 1/8, 3/8] is exact too (dyadic throughout).
template <class T>
void checkEqualEntries() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  GraphBuilder b({Shape{4}, Shape{2}});
  const Var y = b.softmax(b.arg(0));
  const Var pair = b.softmax(b.arg(1));
  const Graph g = Unwrap(b.finish());
  Compiled<T> c = Unwrap(compile<T>(g, {tensorOf<T>(Shape{4}, {"3/2", "3/2", "3/2", "3/2"}),
                                        tensorOf<T>(Shape{2}, {"-7", "-7"})}));
  const Sweeps<T> s = bothSweeps(c, y.id, tensorOf<T>(Shape{4}, {"1", "2", "3", "4"}));
  const char* values[] = {"1/4", "1/4", "1/4", "1/4"};
  const char* grads[] = {"-3/8", "-1/8", "1/8", "3/8"};
  for (int64_t i = 0; i < 4; ++i) {
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][i], Mp::of(std::string_view(values[i]))));
      EXPECT_TRUE(enclosesNarrowly(s.all[0][i], Mp::of(std::string_view(grads[i]))));
    } else {
      EXPECT_EQ(c.values()[y.id][i], Num<T>(values[i]));
      EXPECT_EQ(s.all[0][i], Num<T>(grads[i]));
    }
  }
  for (int64_t i = 0; i < 2; ++i) {  // softmax of [a, a] is [1/2, 1/2]
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[pair.id][i], Mp::of(std::string_view("1/2"))));
    } else {
      EXPECT_EQ(c.values()[pair.id][i], Num<T>("1/2"));
    }
  }
}

TEST(NormalizationOps, SoftmaxOfEqualEntriesIsOneOverN) {
  checkEqualEntries<double>();
  checkEqualEntries<float>();
  checkEqualEntries<Interval>();
}

// Rank 0: a scalar is a row of its own: softmax 1, logSoftmax 0, both with VJP 0 (TorchLean).
template <class T>
void checkRankZero() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  for (bool log : {false, true}) {
    GraphBuilder b({Shape{}});
    const Var y = buildSoftmax(b, b.arg(0), log);
    Compiled<T> c = Unwrap(compile<T>(Unwrap(b.finish()), {tensorOf<T>(Shape{}, {"5/2"})}));
    const Tensor<T> seed = tensorOf<T>(Shape{}, {"3"});
    const Sweeps<T> s = bothSweeps(c, y.id, seed);
    const char* value = log ? "0" : "1";
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][0], Mp::of(std::string_view(value))));
      EXPECT_TRUE(enclosesNarrowly(s.all[0][0], Mp()));
    } else {
      EXPECT_EQ(c.values()[y.id][0], Num<T>(value));
      EXPECT_EQ(s.all[0][0], T(0));
    }
    expectKernelContract(c, y.id, seed, s.all);
  }
}

TEST(NormalizationOps, RankZeroIsOneOrZeroWithVjpZero) {
  checkRankZero<double>();
  checkRankZero<float>();
  checkRankZero<Interval>();
}

// Empty rows ([2, 0]), no rows ([0, 3]) and an empty vector: nothing to compute, no error, and
// gradients of the same (empty) shapes.
template <class T>
void checkEmpty() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  for (const Shape& shape : {Shape{2, 0}, Shape{0, 3}, Shape{0}}) {
    for (bool log : {false, true}) {
      GraphBuilder b({shape});
      const Var y = buildSoftmax(b, b.arg(0), log);
      Compiled<T> c = Unwrap(compile<T>(Unwrap(b.finish()), {Tensor<T>(shape)}));
      EXPECT_EQ(c.values()[y.id].shape, shape);
      const Sweeps<T> s = bothSweeps(c, y.id, Tensor<T>(shape));
      EXPECT_EQ(s.all[0].shape, shape);
      EXPECT_EQ(s.from[0].shape, shape);
    }
  }
}

TEST(NormalizationOps, EmptyLastAxisAndEmptyTensors) {
  checkEmpty<double>();
  checkEmpty<float>();
  checkEmpty<Interval>();
}

// ---- layerNorm: per row μ = Σx/E, var = Σ(x − μ)²/E, y = (x − μ)/sqrt(var + ε) ⊙ γ + β.

struct LayerNormCase {
  int64_t rows;
  int64_t e;
  std::vector<std::string> x, gamma, beta, seed;
};

const Mp& epsRef() {  // GraphBuilder::defaultEpsilon(), exactly
  static const Mp eps = Mp::of(std::string_view("1/1000000"));
  return eps;
}

// The statistics of the definition (for the error bounds): x̂ = (x − μ)/std and 1/std per row.
struct RowRef {
  MpVec xhat;
  Mp invStd;
};

RowRef rowRef(const MpVec& x, size_t begin, int64_t e) {
  Mp sum, squares;
  for (int64_t j = 0; j < e; ++j) sum = sum + x[begin + j];
  const Mp mean = sum / Mp(e);
  for (int64_t j = 0; j < e; ++j) squares = squares + (x[begin + j] - mean) * (x[begin + j] - mean);
  const Mp std = mpSqrt(squares / Mp(e) + epsRef());
  RowRef r{{}, Mp(1) / std};
  for (int64_t j = 0; j < e; ++j) r.xhat.push_back((x[begin + j] - mean) / std);
  return r;
}

MpVec layerNormRef(const std::vector<MpVec>& ops, int64_t rows, int64_t e) {
  MpVec y;
  for (int64_t i = 0; i < rows; ++i) {
    const RowRef r = rowRef(ops[0], static_cast<size_t>(i * e), e);
    for (int64_t j = 0; j < e; ++j) y.push_back(r.xhat[j] * ops[1][j] + ops[2][j]);
  }
  return y;
}

struct LayerNormGraph {
  Graph graph;
  Var y;
};

LayerNormGraph layerNormGraph(int64_t rows, int64_t e) {
  GraphBuilder b({Shape{rows, e}, Shape{e}, Shape{e}});
  const Var y = b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
  return {Unwrap(b.finish()), y};
}

// dβ_j = Σ_i δ_ij: y is β plus a term free of β. Exact here (dyadic seeds).
MpVec betaGradRef(const LayerNormCase& lc) {
  const MpVec d = mpOf(lc.seed);
  MpVec out(static_cast<size_t>(lc.e));
  for (int64_t i = 0; i < lc.rows; ++i) {
    for (int64_t j = 0; j < lc.e; ++j) out[j] = out[j] + d[i * lc.e + j];
  }
  return out;
}

// At float and double, for rows whose statistics are exact (E = 4, small dyadics: the sum, the
// mean, the centred values and their squares, and var = Σc²/4 are all exact), γ and δ ± powers of
// two (exact products), and the default ε:
// forward: var + ε̂ is within 2u (ε̂ the rounded literal, then the addition), std = sqrt within
//   u + u, x̂ = c/std within 3u, ×γ exact, +β adds u|y|: u·(3|x̂γ| + |y|).
// dx = invStd ⊙ ((δγ − mean δγ) − x̂ ⊙ mean(δγ ⊙ x̂)): δγ and its mean exact; Σ δγ x̂ within
//   3u·A + 3u·A (A = Σ|δγ x̂|, three roundings), /4 exact: the mean M within 1.5u·A; x̂·M
//   within |x̂|·1.5u·A + (3u + u)|x̂ M| ≤ 2.5u|x̂|A (|M| ≤ A/4); the subtraction adds u|inner|;
//   invStd = 1/std within 3u, the product 3u + u of |dx| = invStd|inner|:
//   u·invStd·(2.5|x̂|A + 5|inner|).
// dγ_j = Σ_i δ_ij x̂_ij: terms within 3u, L − 1 roundings: (L + 2)u·Σ_i|δ_ij x̂_ij|.
// dβ_j = Σ_i δ_ij: exact.
template <class F>
void checkLayerNormFloat(const LayerNormCase& lc) {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<F>::name));
  ASSERT_EQ(lc.e, 4) << "the bounds above assume exact row statistics (E = 4)";
  const LayerNormGraph lg = layerNormGraph(lc.rows, lc.e);
  Compiled<F> comp = Unwrap(compile<F>(
      lg.graph, {tensorOf<F>(Shape{lc.rows, lc.e}, lc.x), tensorOf<F>(Shape{lc.e}, lc.gamma),
                 tensorOf<F>(Shape{lc.e}, lc.beta)}));
  const Tensor<F> seed = tensorOf<F>(Shape{lc.rows, lc.e}, lc.seed);
  const Sweeps<F> s = bothSweeps(comp, lg.y.id, seed);
  const std::vector<MpVec> ops = {mpOf(lc.x), mpOf(lc.gamma), mpOf(lc.beta)};
  const MpVec d = mpOf(lc.seed);
  const MpForward f = [&lc](const std::vector<MpVec>& o) { return layerNormRef(o, lc.rows, lc.e); };
  const MpVec want = layerNormRef(ops, lc.rows, lc.e);
  const MpVec dx = fdVjp(f, ops, d, 0), dgamma = fdVjp(f, ops, d, 1);
  const MpVec dbeta = betaGradRef(lc);
  MpVec gammaScale(static_cast<size_t>(lc.e));
  for (int64_t i = 0; i < lc.rows; ++i) {
    const size_t begin = static_cast<size_t>(i * lc.e);
    const RowRef r = rowRef(ops[0], begin, lc.e);
    Mp a, meanDg, meanDgXhat;
    for (int64_t j = 0; j < lc.e; ++j) {
      const Mp dg = d[begin + j] * ops[1][j];
      a = a + mpAbs(dg * r.xhat[j]);
      meanDg = meanDg + dg / Mp(lc.e);
      meanDgXhat = meanDgXhat + dg * r.xhat[j] / Mp(lc.e);
      gammaScale[j] = gammaScale[j] + mpAbs(d[begin + j] * r.xhat[j]);
    }
    for (int64_t j = 0; j < lc.e; ++j) {
      const auto k = static_cast<int64_t>(begin + j);
      const Mp xg = mpAbs(r.xhat[j] * ops[1][j]);
      EXPECT_TRUE(withinScaled(comp.values()[lg.y.id][k], want[k], 1, Mp(3) * xg + mpAbs(want[k])))
          << "forward " << k;
      const Mp inner = (d[begin + j] * ops[1][j] - meanDg) - r.xhat[j] * meanDgXhat;
      const Mp dxScale = r.invStd * (Mp::of(2.5) * mpAbs(r.xhat[j]) * a + Mp(5) * mpAbs(inner));
      EXPECT_TRUE(withinScaled(s.all[0][k], dx[k], 1, dxScale)) << "dx " << k;
    }
  }
  for (int64_t j = 0; j < lc.e; ++j) {
    EXPECT_TRUE(withinScaled(s.all[1][j], dgamma[j], 1, Mp(lc.rows + 2) * gammaScale[j]))
        << "dgamma " << j;
    EXPECT_TRUE(withinUlps(s.all[2][j], dbeta[j], 0)) << "dbeta " << j;
  }
  expectKernelContract(comp, lg.y.id, seed, s.all);
}

// At the interval scalar, any rows: narrow enclosures of the true values and gradients.
void checkLayerNormInterval(const LayerNormCase& lc) {
  SCOPED_TRACE("scalar interval");
  const LayerNormGraph lg = layerNormGraph(lc.rows, lc.e);
  Compiled<Interval> comp =
      Unwrap(compile<Interval>(lg.graph, {tensorOf<Interval>(Shape{lc.rows, lc.e}, lc.x),
                                          tensorOf<Interval>(Shape{lc.e}, lc.gamma),
                                          tensorOf<Interval>(Shape{lc.e}, lc.beta)}));
  const Tensor<Interval> seed = tensorOf<Interval>(Shape{lc.rows, lc.e}, lc.seed);
  const Sweeps<Interval> s = bothSweeps(comp, lg.y.id, seed);
  const std::vector<MpVec> ops = {mpOf(lc.x), mpOf(lc.gamma), mpOf(lc.beta)};
  const MpVec d = mpOf(lc.seed);
  const MpForward f = [&lc](const std::vector<MpVec>& o) { return layerNormRef(o, lc.rows, lc.e); };
  const MpVec want = layerNormRef(ops, lc.rows, lc.e);
  const MpVec dx = fdVjp(f, ops, d, 0), dgamma = fdVjp(f, ops, d, 1);
  const MpVec dbeta = betaGradRef(lc);
  Mp scale;
  for (const Mp& v : d) scale = scale + mpAbs(v);
  for (size_t k = 0; k < want.size(); ++k) {
    const auto e = static_cast<int64_t>(k);
    EXPECT_TRUE(enclosesNarrowly(comp.values()[lg.y.id][e], want[k])) << "forward " << k;
    EXPECT_TRUE(enclosesNarrowly(s.all[0][e], dx[k], fdRadius(scale))) << "dx " << k;
  }
  for (size_t j = 0; j < dgamma.size(); ++j) {
    const auto e = static_cast<int64_t>(j);
    EXPECT_TRUE(enclosesNarrowly(s.all[1][e], dgamma[j], fdRadius(scale))) << "dgamma " << j;
    EXPECT_TRUE(enclosesNarrowly(s.all[2][e], dbeta[j])) << "dbeta " << j;
  }
  expectKernelContract(comp, lg.y.id, seed, s.all);
}

// Rows with exact statistics: [1, 2, 3, 6] (μ 3, var 7/2), [−1/2, 1/2, 3/2, 5/2] (μ 1, var 5/4)
// and [3, 3, 3, 3] (var 0: x̂ = 0, y = β, std = sqrt ε, the gradient scaled by 1/sqrt ε = 1000).
const LayerNormCase kExactStatistics = {
    3,
    4,
    {"1", "2", "3", "6", "-1/2", "1/2", "3/2", "5/2", "3", "3", "3", "3"},
    {"1/2", "-1", "2", "1/4"},
    {"1/4", "0", "-1", "2"},
    {"1", "-1/2", "2", "-4", "1/4", "8", "1", "-1", "2", "1/2", "-2", "4"}};

TEST(NormalizationOps, LayerNormAllThreeOperandsBothSweeps) {
  checkLayerNormFloat<double>(kExactStatistics);
  checkLayerNormFloat<float>(kExactStatistics);
  checkLayerNormInterval(kExactStatistics);
  // Rows whose mean and variance are not dyadic (E = 3), γ not a power of two: interval only.
  checkLayerNormInterval({2,
                          3,
                          {"1", "2", "3", "0", "-1/2", "4"},
                          {"1/2", "-1", "3"},
                          {"1/4", "0", "-1"},
                          {"1", "0", "-1", "2", "1", "1/2"}});
}

// The zero-variance row gives y = β exactly, at every scalar: x − μ = 0, 0/std = 0, 0·γ + β = β.
template <class T>
void checkConstantRow() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  const LayerNormGraph lg = layerNormGraph(1, 4);
  Compiled<T> c = Unwrap(compile<T>(lg.graph, {tensorOf<T>(Shape{1, 4}, {"3", "3", "3", "3"}),
                                               tensorOf<T>(Shape{4}, {"5", "6", "7", "8"}),
                                               tensorOf<T>(Shape{4}, {"1/4", "0", "-1", "2"})}));
  const char* beta[] = {"1/4", "0", "-1", "2"};
  for (int64_t j = 0; j < 4; ++j) {
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[lg.y.id][j], Mp::of(std::string_view(beta[j]))));
    } else {
      EXPECT_EQ(c.values()[lg.y.id][j], Num<T>(beta[j]));
    }
  }
}

TEST(NormalizationOps, LayerNormOfAConstantRowIsBeta) {
  checkConstantRow<double>();
  checkConstantRow<float>();
  checkConstantRow<Interval>();
}

// layerNorm of [1, 2, 3] with γ = 1, β = 0: μ = 2, var = 2/3, y = [−1, 0, 1]/sqrt(2/3 + ε).
// At float/double μ, the centred values and Σc² are exact; var = 2/3 rounds (u), + ε̂ (u), sqrt
// halves that and adds u, the quotient adds u: 3 ulps; y[1] = 0/std = 0 and y[0] = −y[2] exactly.
template <class T>
void checkLayerNormOneTwoThree() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  const LayerNormGraph lg = layerNormGraph(1, 3);
  Compiled<T> c = Unwrap(compile<T>(
      lg.graph, {tensorOf<T>(Shape{1, 3}, {"1", "2", "3"}), tensorOf<T>(Shape{3}, {"1", "1", "1"}),
                 tensorOf<T>(Shape{3}, {"0", "0", "0"})}));
  const TensorView<T> y = c.values()[lg.y.id];
  const Mp inv = Mp(1) / mpSqrt(Mp(2) / Mp(3) + epsRef());
  if constexpr (kIsInterval<T>) {
    EXPECT_TRUE(enclosesNarrowly(y[0], -inv));
    EXPECT_TRUE(enclosesNarrowly(y[1], Mp()));
    EXPECT_TRUE(enclosesNarrowly(y[2], inv));
  } else {
    EXPECT_TRUE(withinUlps(y[2], inv, 3));
    EXPECT_EQ(y[1], T(0));
    EXPECT_EQ(y[0], -y[2]);
  }
}

TEST(NormalizationOps, LayerNormOfOneTwoThree) {
  checkLayerNormOneTwoThree<double>();
  checkLayerNormOneTwoThree<float>();
  checkLayerNormOneTwoThree<Interval>();
}

// ---- repeated operands: contributions to one slot are summed (Accum::Add)

// layerNorm(x, g, g): g is both γ and β, so its slot receives dγ + dβ, summed in operand order
// before landing (exactly the sum of the two separate contributions, one rounding), and the
// backwardDenseFrom sweep gives 1 + that.
template <class T>
void checkLayerNormRepeated() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  const LayerNormCase& lc = kExactStatistics;
  GraphBuilder b({Shape{lc.rows, lc.e}, Shape{lc.e}});
  const Var y = b.layerNorm(b.arg(0), b.arg(1), b.arg(1));
  const Graph repeated = Unwrap(b.finish());
  const Tensor<T> x = tensorOf<T>(Shape{lc.rows, lc.e}, lc.x);
  const Tensor<T> g = tensorOf<T>(Shape{lc.e}, lc.gamma);
  const Tensor<T> seed = tensorOf<T>(Shape{lc.rows, lc.e}, lc.seed);
  Compiled<T> c = Unwrap(compile<T>(repeated, {x, g}));
  const Sweeps<T> s = bothSweeps(c, y.id, seed);
  // The same node with β a separate input holding g's values.
  const LayerNormGraph lg = layerNormGraph(lc.rows, lc.e);
  Compiled<T> sep = Unwrap(compile<T>(lg.graph, {x, g, g}));
  Context<T> parts = Unwrap(sep.tape().backwardDenseAll(lg.y.id, seed));
  for (int64_t k = 0; k < x.numel(); ++k) {
    EXPECT_TRUE(same(c.values()[y.id][k], sep.values()[lg.y.id][k])) << "forward " << k;
    EXPECT_TRUE(same(s.all[0][k], parts[0][k])) << "dx " << k;
  }
  for (int64_t j = 0; j < lc.e; ++j) {
    EXPECT_TRUE(same(s.all[1][j], T(parts[1][j] + parts[2][j]))) << "dgamma + dbeta " << j;
  }
}

TEST(NormalizationOps, LayerNormWithGammaAsBetaSumsBothContributions) {
  checkLayerNormRepeated<double>();
  checkLayerNormRepeated<float>();
  checkLayerNormRepeated<Interval>();
}

// add(softmax(x), x): x's slot first takes the add's δ, then softmax's contribution c is added
// onto it: δ + c exactly as computed from a graph with softmax alone. With x pre-seeded with 1
// (backwardDenseFrom) the slot becomes (1 + δ) + c, one node at a time.
template <class T>
void checkSoftmaxPlusInput() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  const Tensor<T> x = tensorOf<T>(Shape{2, 3}, {"1", "2", "3", "1/2", "-1", "0"});
  const Tensor<T> seed = tensorOf<T>(Shape{2, 3}, {"1", "-1/2", "2", "-4", "1/4", "8"});
  GraphBuilder b({Shape{2, 3}});
  const Var z = b.add(b.softmax(b.arg(0)), b.arg(0));
  Compiled<T> c = Unwrap(compile<T>(Unwrap(b.finish()), {x}));
  const Sweeps<T> s = bothSweeps(c, z.id, seed, /*onePlus=*/false);
  GraphBuilder alone({Shape{2, 3}});
  const Var y = alone.softmax(alone.arg(0));
  Compiled<T> a = Unwrap(compile<T>(Unwrap(alone.finish()), {x}));
  Context<T> part = Unwrap(a.tape().backwardDenseAll(y.id, seed));
  for (int64_t k = 0; k < 6; ++k) {
    EXPECT_TRUE(same(s.all[0][k], T(seed[k] + part[0][k]))) << k;
    EXPECT_TRUE(same(s.from[0][k], T(T(T(1) + seed[k]) + part[0][k]))) << k;
  }
}

TEST(NormalizationOps, SoftmaxAddedToItsInputAccumulates) {
  checkSoftmaxPlusInput<double>();
  checkSoftmaxPlusInput<float>();
  checkSoftmaxPlusInput<Interval>();
}

// ---- the exact rational scalar refuses every normalization op, naming the op and the node.
TEST(NormalizationRational, EveryNormalizationOpIsRefusedAtTheExactScalar) {
  {
    GraphBuilder b({Shape{2, 3}});
    const Var y = b.softmax(b.relu(b.arg(0)));
    expectRefusedAtRational(Unwrap(b.finish()), y.id, "softmax");
  }
  {
    GraphBuilder b({Shape{}});
    const Var y = b.logSoftmax(b.arg(0));
    expectRefusedAtRational(Unwrap(b.finish()), y.id, "logSoftmax");
  }
  {
    GraphBuilder b({Shape{2, 3}, Shape{3}});
    const Var y = b.layerNorm(b.arg(0), b.arg(1), b.arg(1), L("1/4"));
    expectRefusedAtRational(Unwrap(b.finish()), y.id, "layerNorm");
  }
}

TEST(NormalizationKernels, ForwardRefusesForeignNode) {
  expectForwardRefusesForeignNode<double>(OpFamily::Normalization);
  expectForwardRefusesForeignNode<float>(OpFamily::Normalization);
  expectForwardRefusesForeignNode<Interval>(OpFamily::Normalization);
}

}  // namespace
}  // namespace verigrad
