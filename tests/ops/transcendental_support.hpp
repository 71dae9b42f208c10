// Shared by the Activation and Normalization tests: an MPFR reference at 1024 bits, errors of
// float/double results in ulps of the exact value, interval containment and narrowness, and the
// sweeps and kernel-contract checks run at float, double and the interval scalar alike.
#pragma once

#include <gmp.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "op_case.hpp"  // nodeArgsOf, callVjp (the kernel contract), SeedsWithOnesAtInputs, Num
#include "verigrad/interval_engine.hpp"

namespace verigrad::testing {

// ---- the MPFR reference

inline constexpr long kRefBits = 1024;

// A 1024-bit MPFR value that remembers whether any step producing it rounded: a value with
// exact() true is the mathematical value itself (MPFR's ternary result was 0 all the way), so an
// enclosure must merely contain it; an inexact one is within a tiny relative distance of the true
// value (each step is correctly rounded to 1024 bits: a short composition with modest condition
// numbers is off by far less than 2^-900 relative), and an enclosure must contain that whole ball.
class Mp {
 public:
  Mp() {
    mpfr_init2(v_, kRefBits);
    mpfr_set_zero(v_, 1);
  }
  explicit Mp(long n) : Mp() { mpfr_set_si(v_, n, MPFR_RNDN); }
  static Mp of(const Rational& q) {
    Mp r;
    r.inexact_ = mpfr_set_q(r.v_, q.impl().backend().data(), MPFR_RNDN) != 0;
    return r;
  }
  static Mp of(double x) {  // exact: 53 bits fit
    Mp r;
    mpfr_set_d(r.v_, x, MPFR_RNDN);
    return r;
  }
  static Mp of(std::string_view text) { return of(Q(text)); }
  static Mp pow2(long k) {
    Mp r(1);
    mpfr_mul_2si(r.v_, r.v_, k, MPFR_RNDN);
    return r;
  }
  Mp(const Mp& o) : Mp() {
    mpfr_set(v_, o.v_, MPFR_RNDN);
    inexact_ = o.inexact_;
  }
  Mp& operator=(const Mp& o) {
    mpfr_set(v_, o.v_, MPFR_RNDN);
    inexact_ = o.inexact_;
    return *this;
  }
  ~Mp() { mpfr_clear(v_); }

  mpfr_srcptr get() const { return v_; }
  bool exact() const { return !inexact_; }
  bool isZero() const { return mpfr_zero_p(v_) != 0; }
  bool isExactZero() const { return isZero() && !inexact_; }
  int sign() const { return mpfr_sgn(v_); }
  double toDouble() const { return mpfr_get_d(v_, MPFR_RNDN); }
  std::string str() const {
    char buf[96];
    mpfr_snprintf(buf, sizeof buf, "%.25Rg", v_);
    return std::string(buf) + (inexact_ ? "" : " (exact)");
  }

  // r = f(args...) rounded to nearest, r inexact if f rounded or an argument was inexact.
  template <class F, class... A>
  static Mp apply(F f, const A&... args) {
    Mp r;
    const int t = f(r.v_, args.v_..., MPFR_RNDN);
    r.inexact_ = t != 0 || (args.inexact_ || ...);
    return r;
  }
  // a·b and a/b are an exact 0 when a factor (the dividend) is an exact 0, however inexact the
  // other operand: e.g. (x − μ)/std for a constant row.
  friend Mp operator*(const Mp& a, const Mp& b) {
    Mp r = apply(mpfr_mul, a, b);
    if ((a.isExactZero() || b.isExactZero())) r.inexact_ = false;
    return r;
  }
  friend Mp operator/(const Mp& a, const Mp& b) {
    Mp r = apply(mpfr_div, a, b);
    if (a.isExactZero()) r.inexact_ = false;
    return r;
  }

 private:
  mpfr_t v_;
  bool inexact_ = false;
};

inline Mp operator+(const Mp& a, const Mp& b) { return Mp::apply(mpfr_add, a, b); }
inline Mp operator-(const Mp& a, const Mp& b) { return Mp::apply(mpfr_sub, a, b); }
inline Mp operator-(const Mp& a) { return Mp::apply(mpfr_neg, a); }
inline bool operator<(const Mp& a, const Mp& b) { return mpfr_less_p(a.get(), b.get()) != 0; }
inline Mp mpAbs(const Mp& a) { return Mp::apply(mpfr_abs, a); }
inline Mp mpExp(const Mp& a) { return Mp::apply(mpfr_exp, a); }
inline Mp mpLog(const Mp& a) { return Mp::apply(mpfr_log, a); }
inline Mp mpLog1p(const Mp& a) { return Mp::apply(mpfr_log1p, a); }
inline Mp mpTanh(const Mp& a) { return Mp::apply(mpfr_tanh, a); }
inline Mp mpSqrt(const Mp& a) { return Mp::apply(mpfr_sqrt, a); }
inline Mp mpMax(const Mp& a, const Mp& b) { return a < b ? b : a; }

using MpVec = std::vector<Mp>;

inline MpVec mpOf(const std::vector<std::string>& text) {
  MpVec out;
  for (const std::string& s : text) out.push_back(Mp::of(std::string_view(s)));
  return out;
}

// The VJP of a forward definition by central differences at 1024 bits: for each element e of
// operand k, (<seed, f(.., x_k + h e_e, ..)> - <seed, f(.., x_k - h e_e, ..)>) / 2h with h =
// 2^-300. For the smooth functions used here the truncation error is h^2/6 times a third derivative
// (2^-600 times a modest constant) and the rounding error 2^-1024/h = 2^-724: both far below the
// 2^-500 radius (fdRadius) the interval checks allow around it, and far below any float ulp. The
// result does not use the VJP formula the kernels implement, only the forward definition.
using MpForward = std::function<MpVec(const std::vector<MpVec>&)>;

inline MpVec fdVjp(const MpForward& f, const std::vector<MpVec>& operands, const MpVec& seed,
                   size_t k) {
  const Mp h = Mp::pow2(-300);
  MpVec out;
  for (size_t e = 0; e < operands[k].size(); ++e) {
    std::vector<MpVec> plus = operands, minus = operands;
    plus[k][e] = plus[k][e] + h;
    minus[k][e] = minus[k][e] - h;
    const MpVec fp = f(plus), fm = f(minus);
    Mp acc;
    for (size_t j = 0; j < seed.size(); ++j) acc = acc + seed[j] * (fp[j] - fm[j]);
    out.push_back(acc / (h + h));
  }
  return out;
}

// The interval checks' radius around a finite-difference reference of magnitude `scale`.
inline Mp fdRadius(const Mp& scale) { return Mp::pow2(-500) * mpMax(mpAbs(scale), Mp(1)); }

// ---- float and double: errors in ulps of the exact value

template <class F>
constexpr double unitRoundoff() {  // u: half an ulp of 1
  return std::numeric_limits<F>::epsilon() / 2;
}

// |got - exact| in ulps of exact in format F (ulp(y) = 2^(floor(log2|y|) - (p - 1))); exact 0
// needs got == 0. Every exact value used here is a normal number of F.
template <class F>
double ulpsOff(F got, const Mp& exact) {
  if (!std::isfinite(got)) return std::numeric_limits<double>::infinity();
  if (exact.isZero()) return got == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  Mp diff = Mp::of(static_cast<double>(got)) - exact;
  // exact = m 2^E with m in [1/2, 1): floor(log2|exact|) = E - 1, so ulp = 2^(E - p).
  const long e = static_cast<long>(mpfr_get_exp(exact.get())) - std::numeric_limits<F>::digits;
  diff = diff * Mp::pow2(-e);
  return std::fabs(diff.toDouble());
}

// A first-order error bound of k units in the last place: k is derived in each test from the
// roundings involved (IEEE + - * / sqrt: at most u = 1/2 ulp relative each; libm exp, log, log1p:
// at most 1 ulp, i.e. 2u relative; tanh: at most 2 ulps, 4u relative: the known maxima glibc lists
// for x86_64, double and float, in sysdeps/x86_64/fpu/libm-test-ulps). A relative error r is at
// most r/u ulps. The factor (1 + 2ku) covers the second-order terms (products of two rounding
// errors) the derivation drops.
template <class F>
::testing::AssertionResult withinUlps(F got, const Mp& exact, double k) {
  const double ulps = ulpsOff(got, exact);
  if (ulps <= k * (1 + 2 * k * unitRoundoff<F>())) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << static_cast<double>(got) << ", exact "
                                       << exact.str() << ": " << ulps << " ulps, bound " << k;
}

// |got - exact| <= k u scale, for results whose error is bounded against a magnitude other than
// their own (cancellation inside the op): k and scale are derived in each test.
template <class F>
::testing::AssertionResult withinScaled(F got, const Mp& exact, double k, const Mp& scale) {
  if (!std::isfinite(got)) return ::testing::AssertionFailure() << "got " << got;
  const Mp err = mpAbs(Mp::of(static_cast<double>(got)) - exact);
  const Mp bound = Mp::of(k * (1 + 2 * k * unitRoundoff<F>()) * unitRoundoff<F>()) * mpAbs(scale);
  if (!(bound < err)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << static_cast<double>(got) << ", exact " << exact.str() << ": error "
         << err.toDouble() << " > " << k << " u * " << scale.toDouble();
}

// ---- the interval scalar: containment and narrowness

// design.md's acceptance width with the absolute floor 2^-128 at the default 256 bits.
inline const Rational& narrowFloor() {
  static const Rational floor = Q("1/340282366920938463463374607431768211456");  // 2^-128
  return floor;
}

inline ::testing::AssertionResult narrow(const Interval& x) {
  if (isNarrow(x, narrowFloor())) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << x << " is not narrow";
}

// [ref - radius, ref + radius] lies within x.
inline ::testing::AssertionResult enclosesBall(const Interval& x, const Mp& ref, const Mp& radius) {
  if (x.isNaN()) return ::testing::AssertionFailure() << "NaN enclosure";
  const Mp lo = ref - radius, hi = ref + radius;
  if (mpfr_lessequal_p(&x.raw()->left, lo.get()) &&
      mpfr_greaterequal_p(&x.raw()->right, hi.get())) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << x << " misses " << ref.str() << " +- " << radius.toDouble();
}

// x contains the true value ref stands for: ref itself when exact, else the ball of relative
// radius 2^-900 around it (see Mp).
inline ::testing::AssertionResult encloses(const Interval& x, const Mp& ref) {
  if (ref.exact()) return enclosesBall(x, ref, Mp());
  if (ref.isZero()) {
    return ::testing::AssertionFailure() << "an inexact reference 0 needs an explicit radius";
  }
  return enclosesBall(x, ref, Mp::pow2(-900) * mpAbs(ref));
}

// Both: the enclosure holds the true value and is narrow enough to count as a pass.
inline ::testing::AssertionResult enclosesNarrowly(const Interval& x, const Mp& ref) {
  ::testing::AssertionResult in = encloses(x, ref);
  if (!in) return in;
  return narrow(x);
}
inline ::testing::AssertionResult enclosesNarrowly(const Interval& x, const Mp& ref,
                                                   const Mp& radius) {
  ::testing::AssertionResult in = enclosesBall(x, ref, radius);
  if (!in) return in;
  return narrow(x);
}

// The same enclosure, endpoint for endpoint.
inline bool sameInterval(const Interval& a, const Interval& b) {
  return mpfr_equal_p(&a.raw()->left, &b.raw()->left) &&
         mpfr_equal_p(&a.raw()->right, &b.raw()->right);
}

// ---- values of any scalar from exact text

template <class T>
constexpr bool kIsInterval = std::is_same_v<T, Interval>;

// T equal to the text: an exact float/double (Num checks), or an interval enclosing it.
template <class T>
T scalarOf(std::string_view text) {
  if constexpr (kIsInterval<T>) {
    return Interval(Q(text));
  } else {
    return Num<T>(text);
  }
}

template <class T>
Tensor<T> tensorOf(const Shape& shape, const std::vector<std::string>& text) {
  std::vector<T> data;
  for (const std::string& s : text) data.push_back(scalarOf<T>(s));
  return Unwrap(Tensor<T>::make(shape, std::move(data)));
}

// Text repeated or cut to n entries (seeds for shapes of any size).
inline std::vector<std::string> cycled(const std::vector<std::string>& text, int64_t n) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(text[static_cast<size_t>(i) % text.size()]);
  return out;
}

// ---- the sweeps and the kernel contract, identical at every scalar

// The contribution c of a sweep lands on a slot holding 1 as 1 + c: one more rounding, the same
// one the test makes, so the comparison is exact (endpoint for endpoint at the interval scalar).
template <class T>
::testing::AssertionResult isOnePlus(const T& got, const T& contribution) {
  const T want = T(1) + contribution;
  if constexpr (kIsInterval<T>) {
    if (sameInterval(got, want)) return ::testing::AssertionSuccess();
  } else {
    if (got == want) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << got << ", want 1 + " << contribution << " = " << want;
}

template <class T>
::testing::AssertionResult same(const T& got, const T& want) {
  if constexpr (kIsInterval<T>) {
    if (sameInterval(got, want)) return ::testing::AssertionSuccess();
  } else {
    if (got == want || (std::isnan(got) && std::isnan(want))) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << got << ", want " << want;
}

// The output's gradients through both sweeps: backwardDenseAll(out, seed) (each input slot takes
// its first contribution: Accum::Assign) and backwardDenseFrom with `seed` at out and 1 at every
// input (Accum::Add onto the 1), which must give exactly 1 + the first sweep's gradient.
template <class T>
struct Sweeps {
  Context<T> all;
  Context<T> from;
};

// `onePlus` false skips that comparison, for an input that receives contributions from several
// nodes (each lands on the slot in turn: (1 + c1) + c2, not 1 + (c1 + c2)).
template <class T>
Sweeps<T> bothSweeps(const Compiled<T>& c, ValueId out, const Tensor<T>& seed,
                     bool onePlus = true) {
  const Graph& g = c.graph();
  Sweeps<T> s{Unwrap(c.tape().backwardDenseAll(out, seed)),
              Unwrap(c.tape().backwardDenseFrom(SeedsWithOnesAtInputs(g, out, seed)))};
  for (size_t i = 0; onePlus && i < g.numInputs(); ++i) {
    const TensorView<T> a = s.all[i], f = s.from[i];
    for (int64_t e = 0; e < a.numel(); ++e) {
      EXPECT_TRUE(isOnePlus(f[e], a[e])) << "backwardDenseFrom, input " << i << " element " << e;
    }
  }
  return s;
}

// A stale slot value the Assign mode must overwrite without reading.
template <class T>
T staleValue() {
  if constexpr (kIsInterval<T>) {
    return Interval(77);
  } else {
    return std::numeric_limits<T>::quiet_NaN();
  }
}

// The VJP contract called directly on node `id`, whose operands are distinct inputs: Assign over
// stale values writes exactly the sweep's contribution `all[operand]`; Add over ones gives 1 + it.
template <class T>
void expectKernelContract(const Compiled<T>& c, ValueId id, const Tensor<T>& seed,
                          const Context<T>& all) {
  const Graph& g = c.graph();
  kernels::NodeArgs<T> a = nodeArgsOf(c, id);
  const std::vector<T> lits = literalsOf<T>(g, *a.node);
  a.lits = lits;
  std::span<const ValueId> parents = g.parents(*a.node);
  for (size_t k = 0; k < parents.size(); ++k) {
    const TensorView<T> want = all[parents[k]];
    const auto numel = static_cast<size_t>(want.numel());
    std::vector<T> dst(numel, staleValue<T>());
    callVjp(a, static_cast<int>(k), seed.data(), dst.data(), kernels::Accum::Assign);
    std::vector<T> acc(numel, T(1));
    callVjp(a, static_cast<int>(k), seed.data(), acc.data(), kernels::Accum::Add);
    for (size_t e = 0; e < numel; ++e) {
      EXPECT_TRUE(same(dst[e], want[static_cast<int64_t>(e)]))
          << "kernel VJP, Accum::Assign, operand #" << k << " element " << e;
      EXPECT_TRUE(isOnePlus(acc[e], want[static_cast<int64_t>(e)]))
          << "kernel VJP, Accum::Add, operand #" << k << " element " << e;
    }
  }
}

// compile<Rational> refuses a transcendental node: Unsupported, naming the op and the node.
inline void expectRefusedAtRational(const Graph& g, ValueId node, std::string_view op) {
  std::vector<Tensor<Rational>> inputs;
  for (size_t i = 0; i < g.numInputs(); ++i) inputs.emplace_back(g.inputs()[i]);
  Result<Compiled<Rational>> r = compile<Rational>(g, inputs);
  ASSERT_FALSE(r.ok()) << op << " compiled at the exact scalar";
  EXPECT_EQ(r.error().code, ErrorCode::Unsupported) << r.error().message;
  EXPECT_EQ(r.error().node, static_cast<int64_t>(node));
  const std::string want = "'" + g.nodeText(node) + "': " + std::string(op) +
                           " cannot be computed exactly at the exact scalar";
  EXPECT_NE(r.error().message.find(want), std::string::npos)
      << r.error().message << "\nexpected to contain: " << want;
}

}  // namespace verigrad::testing
