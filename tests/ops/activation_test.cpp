// Tests of the Activation family (engine/ops/activation.inl): sqrt, sigmoid, tanh, softplus, exp,
// log and safeLog. Forward values and VJPs at double and float against a 1024-bit MPFR reference
// of TorchLean's definitions (reference §5.2.3) within derived ulp bounds; enclosures at the
// interval scalar that contain the true values and are narrow; exact closed forms; the domain
// rules; the refusal at the exact scalar; and the stable softplus (a departure).
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "transcendental_support.hpp"

namespace verigrad {
namespace {

using namespace testing;  // test_support.hpp, typed_op_support.hpp, transcendental_support.hpp

// ---- one unary case: TorchLean's forward definition and its derivative, written out at 1024
// bits (not the kernels' formulas), the inputs, and the derived ulp bounds at float and double.

using MpFn = Mp (*)(const Mp&);
using UlpBound = std::function<double(const Mp& x)>;

struct UnaryCase {
  Var (*build)(GraphBuilder&, Var);
  MpFn f;
  MpFn df;
  std::vector<std::string> xs;
  UlpBound forwardUlps;
  UlpBound vjpUlps;
};

// Seeds are ± powers of two, so the kernels' final δ · g(x) is exact and adds no rounding.
const std::vector<std::string> kSeeds = {"1", "-1/2", "2", "-4", "1/4", "8", "-1"};

UlpBound constant(double k) {
  return [k](const Mp&) { return k; };
}

// Forward and VJP at float or double: every element within its bound, the backwardDenseFrom
// sweep exactly 1 + the backwardDenseAll one, and the kernel contract.
template <class F>
void checkUnaryFloat(const UnaryCase& c) {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<F>::name));
  const auto n = static_cast<int64_t>(c.xs.size());
  GraphBuilder b({Shape{n}});
  const Var y = c.build(b, b.arg(0));
  const Graph g = Unwrap(b.finish());
  const std::vector<std::string> seedText = cycled(kSeeds, n);
  Compiled<F> comp = Unwrap(compile<F>(g, {tensorOf<F>(Shape{n}, c.xs)}));
  const Tensor<F> seed = tensorOf<F>(Shape{n}, seedText);
  const Sweeps<F> s = bothSweeps(comp, y.id, seed);
  for (int64_t i = 0; i < n; ++i) {
    const Mp x = Mp::of(std::string_view(c.xs[i]));
    EXPECT_TRUE(withinUlps(comp.values()[y.id][i], c.f(x), c.forwardUlps(x)))
        << "forward at x = " << c.xs[i];
    const Mp want = Mp::of(std::string_view(seedText[i])) * c.df(x);
    EXPECT_TRUE(withinUlps(s.all[0][i], want, c.vjpUlps(x)))
        << "VJP at x = " << c.xs[i] << ", seed " << seedText[i];
  }
  expectKernelContract(comp, y.id, seed, s.all);
}

// The same at the interval scalar: each enclosure contains the true value and is narrow.
void checkUnaryInterval(const UnaryCase& c) {
  SCOPED_TRACE("scalar interval");
  const auto n = static_cast<int64_t>(c.xs.size());
  GraphBuilder b({Shape{n}});
  const Var y = c.build(b, b.arg(0));
  const Graph g = Unwrap(b.finish());
  const std::vector<std::string> seedText = cycled(kSeeds, n);
  Compiled<Interval> comp = Unwrap(compile<Interval>(g, {tensorOf<Interval>(Shape{n}, c.xs)}));
  const Tensor<Interval> seed = tensorOf<Interval>(Shape{n}, seedText);
  const Sweeps<Interval> s = bothSweeps(comp, y.id, seed);
  for (int64_t i = 0; i < n; ++i) {
    const Mp x = Mp::of(std::string_view(c.xs[i]));
    EXPECT_TRUE(enclosesNarrowly(comp.values()[y.id][i], c.f(x))) << "forward at x = " << c.xs[i];
    const Mp want = Mp::of(std::string_view(seedText[i])) * c.df(x);
    EXPECT_TRUE(enclosesNarrowly(s.all[0][i], want)) << "VJP at x = " << c.xs[i];
    EXPECT_TRUE(enclosesNarrowly(s.from[0][i], Mp(1) + want)) << "VJP onto 1 at x = " << c.xs[i];
  }
  expectKernelContract(comp, y.id, seed, s.all);
}

void checkUnary(const UnaryCase& c) {
  checkUnaryFloat<double>(c);
  checkUnaryFloat<float>(c);
  checkUnaryInterval(c);
}

const Mp& epsRef() {  // GraphBuilder::defaultEpsilon(), exactly
  static const Mp eps = Mp::of(std::string_view("1/1000000"));
  return eps;
}

// ---- sqrt: TorchLean's sqrt(max(x, 0)); derivative 1/(2 sqrt x) for x > 0, else 0.
// Forward: one correctly rounded sqrt, 1/2 ulp. VJP: sqrt (u), 2· (exact), 1/· (u), δ· (exact):
// 2u, so 2 ulps. Negative inputs and 0 give exactly 0 and gradient exactly 0.
Mp sqrtRef(const Mp& x) { return x.sign() > 0 ? mpSqrt(x) : Mp(); }
Mp sqrtDerivRef(const Mp& x) { return x.sign() > 0 ? Mp(1) / (Mp(2) * mpSqrt(x)) : Mp(); }

TEST(ActivationOps, Sqrt) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.sqrt(x); },
              sqrtRef,
              sqrtDerivRef,
              {"4", "1/4", "2", "3", "0", "-1", "-1/8", "10"},
              constant(0.5),
              constant(2)});
}

// ---- sigmoid: 1/(1 + exp(-x)); derivative, by the quotient rule, exp(-x)/(1 + exp(-x))^2.
// Forward: exp(-x) (2u), 1 + e (relative 2u·e/(1+e) + u ≤ 3u), 1/· (u): 4u, 4 ulps.
// VJP δ·s(1 - s) from the forward s (4u): 1 - s has relative error 4u·s/(1-s) + u = (4e^x + 1)u,
// at most (4e + 1)u = 11.88u for x ≤ 1; s(1-s): 4u + 11.88u + u = 16.88u, so 17 ulps.
Mp sigmoidRef(const Mp& x) { return Mp(1) / (Mp(1) + mpExp(-x)); }
Mp sigmoidDerivRef(const Mp& x) {
  const Mp e = mpExp(-x);
  return e / ((Mp(1) + e) * (Mp(1) + e));
}

TEST(ActivationOps, Sigmoid) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.sigmoid(x); },
              sigmoidRef,
              sigmoidDerivRef,
              {"0", "1", "-1", "1/2", "-1/4", "3/4", "-3"},
              constant(4),
              constant(17)});
}

// ---- tanh; derivative sech^2 x = 4/(e^x + e^-x)^2.
// Forward: the libm's tanh, 2 ulps. VJP δ·(1 - y²) from the forward y (4u): y² has 9u, and
// 1 - y² relative 9u·y²/(1 - y²) + u = 9u·sinh²x + u ≤ (9·1.3811 + 1)u = 13.43u for |x| ≤ 1:
// 13.5 ulps.
Mp tanhRef(const Mp& x) { return mpTanh(x); }
Mp tanhDerivRef(const Mp& x) {
  const Mp s = mpExp(x) + mpExp(-x);
  return Mp(4) / (s * s);
}

TEST(ActivationOps, Tanh) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.tanh(x); },
              tanhRef,
              tanhDerivRef,
              {"0", "1/2", "-1", "1", "1/4", "-3/4"},
              constant(2),
              constant(13.5)});
}

// ---- softplus: TorchLean's log(1 + exp x) (the kernels use the stable form; same function);
// derivative exp(x)/(1 + exp x).
// Forward max(x,0) + log1p(exp(-|x|)): exp (2u); log1p passes a relative input error δ on at most
// as δ·t/((1+t) log1p t) ≤ δ, plus its own 2u: 4u; adding max(x,0) ≥ 0 (same sign) adds u: 5 ulps.
// VJP δ·sigmoid(x): 4 ulps (as sigmoid's forward).
Mp softplusRef(const Mp& x) { return mpLog(Mp(1) + mpExp(x)); }
Mp softplusDerivRef(const Mp& x) { return mpExp(x) / (Mp(1) + mpExp(x)); }

TEST(ActivationOps, Softplus) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.softplus(x); },
              softplusRef,
              softplusDerivRef,
              {"0", "1", "-1", "2", "-3", "1/2", "-20"},
              constant(5),
              constant(4)});
}

// ---- exp; derivative exp. Forward: the libm's exp, 1 ulp. VJP δ·y with y the forward value and
// δ a power of two: the same 1 ulp.
Mp expRef(const Mp& x) { return mpExp(x); }

TEST(ActivationOps, Exp) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.exp(x); },
              expRef,
              expRef,
              {"0", "1", "-1", "1/2", "-3", "5/2", "10"},
              constant(1),
              constant(1)});
}

// ---- log (x > 0); derivative 1/x. Forward: the libm's log, 1 ulp. VJP δ/x: one correctly
// rounded division, 1/2 ulp.
Mp logRef(const Mp& x) { return mpLog(x); }
Mp logDerivRef(const Mp& x) { return Mp(1) / x; }

TEST(ActivationOps, Log) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.log(x); },
              logRef,
              logDerivRef,
              {"1", "2", "1/2", "3", "1/8", "10", "3/8"},
              constant(1),
              constant(0.5)});
}

// ---- safeLog x ε = log(softplus x + ε), ε = 1e-6 exactly; derivative sigmoid(x)/(softplus x + ε).
// Forward: z = softplus + ε: softplus 5u, ε (the literal rounded to F) u, both positive, plus the
// addition's u: 6u. log(z(1 + δ)) = log z + δ: an absolute 6u, relative 6u/|log z|, plus the libm's
// 2u: (6/|log z| + 2) ulps, computed per input (|log z| ≥ 0.366 here, so at most 18.4).
// VJP: sigmoid (4u) / z (6u), one division (u): 11 ulps.
Mp safeLogRef(const Mp& x) { return mpLog(softplusRef(x) + epsRef()); }
Mp safeLogDerivRef(const Mp& x) { return softplusDerivRef(x) / (softplusRef(x) + epsRef()); }
double safeLogForwardUlps(const Mp& x) { return 6 / std::fabs(safeLogRef(x).toDouble()) + 2; }

TEST(ActivationOps, SafeLog) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.safeLog(x); },
              safeLogRef,
              safeLogDerivRef,
              {"0", "-1", "2", "-4", "3", "-1/2"},
              safeLogForwardUlps,
              constant(11)});
}

// safeLog uses the node's own eps: ε = 1/4 (a dyadic, exact at every scalar). The forward bound
// is derived as above; the literal is now exact, which only makes it tighter. At x = -30 the
// argument is 1/4 + 9.4e-14: the eps dominates.
const Mp& quarter() {
  static const Mp q = Mp::of(std::string_view("1/4"));
  return q;
}
Mp safeLogQuarterRef(const Mp& x) { return mpLog(softplusRef(x) + quarter()); }

TEST(ActivationOps, SafeLogUsesTheNodesEps) {
  checkUnary({[](GraphBuilder& b, Var x) { return b.safeLog(x, L("1/4")); },
              safeLogQuarterRef,
              [](const Mp& x) { return softplusDerivRef(x) / (softplusRef(x) + quarter()); },
              {"0", "-1", "2", "-30"},
              [](const Mp& x) { return 6 / std::fabs(safeLogQuarterRef(x).toDouble()) + 2; },
              constant(11)});
}

// ---- closed forms that are exact at every scalar: sigmoid(0) = 1/2 with derivative 1/4,
// tanh(0) = 0 with derivative 1, exp(0) = 1, log(1) = 0 with derivative 1, sqrt(4) = 2 with
// derivative 1/4, sqrt(1/4) = 1/2 with derivative 1. Exact over float/double because each step is
// (exp(0) = 1, tanh(0) = 0, log(1) = 0 and sqrt of a square are exact in the libm and IEEE).
struct ClosedForm {
  Var (*build)(GraphBuilder&, Var);
  const char* x;
  const char* y;
  const char* dy;  // for the seed 1
};

const std::vector<ClosedForm>& closedForms() {
  static const std::vector<ClosedForm> forms = {
      {[](GraphBuilder& b, Var x) { return b.sigmoid(x); }, "0", "1/2", "1/4"},
      {[](GraphBuilder& b, Var x) { return b.tanh(x); }, "0", "0", "1"},
      {[](GraphBuilder& b, Var x) { return b.exp(x); }, "0", "1", "1"},
      {[](GraphBuilder& b, Var x) { return b.log(x); }, "1", "0", "1"},
      {[](GraphBuilder& b, Var x) { return b.sqrt(x); }, "4", "2", "1/4"},
      {[](GraphBuilder& b, Var x) { return b.sqrt(x); }, "1/4", "1/2", "1"},
  };
  return forms;
}

template <class T>
void checkClosedForms() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  for (const ClosedForm& f : closedForms()) {
    GraphBuilder b({Shape{}});
    const Var y = f.build(b, b.arg(0));
    const Graph g = Unwrap(b.finish());
    SCOPED_TRACE(g.nodeText(y.id) + " at " + f.x);
    Compiled<T> c = Unwrap(compile<T>(g, {tensorOf<T>(Shape{}, {f.x})}));
    Context<T> grads = Unwrap(c.backwardDenseAllFromOutput());
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][0], Mp::of(std::string_view(f.y))));
      EXPECT_TRUE(enclosesNarrowly(grads[0][0], Mp::of(std::string_view(f.dy))));
    } else {
      EXPECT_EQ(c.values()[y.id][0], Num<T>(f.y));
      EXPECT_EQ(grads[0][0], Num<T>(f.dy));
    }
  }
}

TEST(ActivationOps, ClosedFormsAreExact) {
  checkClosedForms<double>();
  checkClosedForms<float>();
  checkClosedForms<Interval>();
}

// Rank 0, rank 2 and an empty tensor: the activations are elementwise over any shape.
template <class T>
void checkShapes() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  {
    GraphBuilder b({Shape{2, 2}});
    const Var y = b.exp(b.arg(0));
    Compiled<T> c =
        Unwrap(compile<T>(Unwrap(b.finish()), {tensorOf<T>(Shape{2, 2}, {"0", "0", "0", "0"})}));
    const Sweeps<T> s = bothSweeps(c, y.id, tensorOf<T>(Shape{2, 2}, {"1", "2", "-1", "1/2"}));
    const char* want[] = {"1", "2", "-1", "1/2"};  // δ · exp(0)
    for (int64_t i = 0; i < 4; ++i) {
      if constexpr (kIsInterval<T>) {
        EXPECT_TRUE(enclosesNarrowly(s.all[0][i], Mp::of(std::string_view(want[i]))));
      } else {
        EXPECT_EQ(s.all[0][i], Num<T>(want[i]));
      }
    }
  }
  {
    GraphBuilder b({Shape{0, 3}});
    const Var y = b.tanh(b.sigmoid(b.arg(0)));
    Compiled<T> c = Unwrap(compile<T>(Unwrap(b.finish()), {Tensor<T>(Shape{0, 3})}));
    EXPECT_EQ(c.values()[y.id].numel(), 0);
    const Sweeps<T> s = bothSweeps(c, y.id, Tensor<T>(Shape{0, 3}));
    EXPECT_EQ(s.all[0].shape, (Shape{0, 3}));
  }
}

TEST(ActivationOps, AnyShapeIncludingEmpty) {
  checkShapes<double>();
  checkShapes<float>();
  checkShapes<Interval>();
}

// Far from 0 the float/double kernels saturate without NaN: sigmoid(±1000) = 1 and 0 (exp(1000)
// overflows to +inf and 1/inf = +0), tanh(±1000) = ±1, their derivatives 0; exp(1000) = +inf and
// exp(-1000) = 0 (IEEE). At the interval scalar the same points are narrow enclosures of the true,
// representable-in-MPFR values.
TEST(ActivationOps, LargeArgumentsSaturateWithoutNaN) {
  GraphBuilder b({Shape{2}});
  const Var x = b.arg(0);
  const Var s = b.sigmoid(x), t = b.tanh(x), e = b.exp(x);
  const Graph g = Unwrap(b.finish());
  {
    Compiled<double> c = Unwrap(compile<double>(g, {TF<double>({2}, {1000.0, -1000.0})}));
    EXPECT_EQ(Vals(c.values()[s.id]), (std::vector<double>{1.0, 0.0}));
    EXPECT_EQ(Vals(c.values()[t.id]), (std::vector<double>{1.0, -1.0}));
    EXPECT_EQ(c.values()[e.id][0], std::numeric_limits<double>::infinity());
    EXPECT_EQ(c.values()[e.id][1], 0.0);
    for (const Var& v : {s, t}) {
      Context<double> grads = Unwrap(c.tape().backwardDenseAll(v.id, TF<double>({2}, {1, 1})));
      EXPECT_EQ(Vals(grads[0]), (std::vector<double>{0.0, 0.0})) << g.nodeText(v.id);
    }
  }
  {
    Compiled<Interval> c =
        Unwrap(compile<Interval>(g, {tensorOf<Interval>({2}, {"1000", "-1000"})}));
    const Mp big = Mp::of(std::string_view("1000"));
    // sigmoid(1000) = 1 - 5e-435 lies closer to 1 than the reference's 2^-1024 resolution, so
    // it is bracketed with directed rounding instead: 1/(1 + e^-1000) is decreasing in e^-1000.
    {
      mpfr_t e, lo, hi;
      mpfr_inits2(kRefBits, e, lo, hi, static_cast<mpfr_ptr>(nullptr));
      mpfr_set_si(e, -1000, MPFR_RNDN);
      mpfr_exp(e, e, MPFR_RNDU);  // e ≥ e^-1000
      mpfr_add_ui(e, e, 1, MPFR_RNDU);
      mpfr_ui_div(lo, 1, e, MPFR_RNDD);  // lo ≤ sigmoid(1000)
      mpfr_set_ui(hi, 1, MPFR_RNDN);     // sigmoid(1000) < 1
      const Interval& v = c.values()[s.id][0];
      EXPECT_TRUE(mpfr_lessequal_p(&v.raw()->left, lo) && mpfr_greaterequal_p(&v.raw()->right, hi))
          << v;
      EXPECT_TRUE(narrow(v));
      mpfr_clears(e, lo, hi, static_cast<mpfr_ptr>(nullptr));
    }
    EXPECT_TRUE(enclosesNarrowly(c.values()[s.id][1], sigmoidRef(-big)));
    EXPECT_TRUE(enclosesNarrowly(c.values()[e.id][0], mpExp(big)));
    EXPECT_TRUE(enclosesNarrowly(c.values()[e.id][1], mpExp(-big)));
    Context<Interval> grads =
        Unwrap(c.tape().backwardDenseAll(s.id, tensorOf<Interval>({2}, {"1", "1"})));
    EXPECT_TRUE(enclosesNarrowly(grads[0][1], sigmoidDerivRef(-big)));  // e^-1000, not 0
  }
}

// ---- domain rules

// log over the interval scalar: an enclosure not certainly > 0 (0 itself, a negative value, an
// enclosure straddling 0) is a DomainError naming the node and the element.
void expectLogDomainError(const Shape& shape, std::vector<Interval> xs,
                          const std::string& element) {
  GraphBuilder b({shape});
  b.relu(b.arg(0));  // the log is node %2, not the first node
  const Var y = b.log(b.arg(0));
  const Graph g = Unwrap(b.finish());
  Result<Compiled<Interval>> r =
      compile<Interval>(g, {Unwrap(Tensor<Interval>::make(shape, std::move(xs)))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DomainError) << r.error().message;
  EXPECT_EQ(r.error().node, static_cast<int64_t>(y.id));
  EXPECT_EQ(r.error().message,
            "'%2 = log(%0)': log of a value that is not > 0 at element " + element);
}

TEST(ActivationDomain, LogAtIntervalOfZeroNegativeOrStraddlingIsADomainError) {
  const Interval straddle = Unwrap(Interval::fromEndpoints(Q("-1/4"), Q("1/4")));
  const Interval touching = Unwrap(Interval::fromEndpoints(Q("0"), Q("1")));
  expectLogDomainError(Shape{2}, {Interval(2), Interval(0)}, "[1]");
  expectLogDomainError(Shape{3}, {Interval(1), Interval(Q("-1/2")), Interval(0)}, "[1]");
  expectLogDomainError(Shape{1}, {straddle}, "[0]");
  expectLogDomainError(Shape{1}, {touching}, "[0]");
  // The first offending element in row-major order, as a multi-index.
  expectLogDomainError(Shape{2, 2}, {Interval(1), Interval(3), Interval(-5), Interval(0)}, "[1,0]");
}

// Over float and double the IEEE results stand, with no error: log(0) = -inf, log(-1) = NaN; the
// VJP δ/x is then ±inf or finite.
template <class F>
void checkLogIeee() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<F>::name));
  GraphBuilder b({Shape{3}});
  const Var y = b.log(b.arg(0));
  Compiled<F> c = Unwrap(compile<F>(Unwrap(b.finish()), {TF<F>({3}, {F(0), F(-1), F(1)})}));
  const TensorView<F> v = c.values()[y.id];
  EXPECT_EQ(v[0], -std::numeric_limits<F>::infinity());
  EXPECT_TRUE(std::isnan(v[1])) << v[1];
  EXPECT_EQ(v[2], F(0));
  Context<F> grads = Unwrap(c.tape().backwardDenseAll(y.id, TF<F>({3}, {F(1), F(2), F(3)})));
  EXPECT_EQ(grads[0][0], std::numeric_limits<F>::infinity());  // 1 / +0
  EXPECT_EQ(grads[0][1], F(-2));
  EXPECT_EQ(grads[0][2], F(3));
}

TEST(ActivationDomain, LogAtDoubleAndFloatGivesIeeeValues) {
  checkLogIeee<double>();
  checkLogIeee<float>();
}

// sqrt is total: sqrt(max(x, 0)). Negative inputs give 0 and gradient 0 at every scalar that has
// sqrt (the exact rational refuses it, see below).
template <class T>
void checkSqrtOfNegative() {
  SCOPED_TRACE(std::string("scalar ") + std::string(ScalarTraits<T>::name));
  GraphBuilder b({Shape{3}});
  const Var y = b.sqrt(b.arg(0));
  Compiled<T> c =
      Unwrap(compile<T>(Unwrap(b.finish()), {tensorOf<T>(Shape{3}, {"-1", "-1/8", "-1000"})}));
  const Sweeps<T> s = bothSweeps(c, y.id, tensorOf<T>(Shape{3}, {"1", "-2", "4"}));
  for (int64_t i = 0; i < 3; ++i) {
    if constexpr (kIsInterval<T>) {
      EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][i], Mp()));
      EXPECT_TRUE(c.values()[y.id][i].isPoint());
      EXPECT_TRUE(enclosesNarrowly(s.all[0][i], Mp()));
      EXPECT_TRUE(s.all[0][i].isPoint());
    } else {
      EXPECT_EQ(c.values()[y.id][i], T(0));
      EXPECT_FALSE(std::signbit(c.values()[y.id][i]));
      EXPECT_EQ(s.all[0][i], T(0));
    }
  }
}

TEST(ActivationDomain, SqrtOfNegativeIsZeroWithGradientZero) {
  checkSqrtOfNegative<double>();
  checkSqrtOfNegative<float>();
  checkSqrtOfNegative<Interval>();
}

// An enclosure straddling 0 straddles sqrt's kink: the value is [0, sqrt(hi)], the derivative the
// hull of 0 (for x ≤ 0) and 1/(2 sqrt t) for t in (0, hi], unbounded: [0, +inf]. Never an abort,
// never narrow (inconclusive, not a pass).
TEST(ActivationDomain, SqrtStraddlingZeroAtIntervalIsInconclusiveNotAnAbort) {
  GraphBuilder b({Shape{2}});
  const Var y = b.sqrt(b.arg(0));
  const Graph g = Unwrap(b.finish());
  const Interval straddle = Unwrap(Interval::fromEndpoints(Q("-1/4"), Q("1/4")));
  Compiled<Interval> c = Unwrap(
      compile<Interval>(g, {Unwrap(Tensor<Interval>::make(Shape{2}, {straddle, Interval(4)}))}));
  const Interval& v = c.values()[y.id][0];
  EXPECT_TRUE(v.contains(Q("0")));
  EXPECT_TRUE(v.contains(Q("1/2")));  // sqrt(1/4)
  EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][1], Mp(2)));
  const Sweeps<Interval> s = bothSweeps(c, y.id, tensorOf<Interval>(Shape{2}, {"1", "1"}));
  const Interval& d = s.all[0][0];
  EXPECT_FALSE(narrow(d));
  EXPECT_FALSE(d.isBounded());
  EXPECT_TRUE(d.contains(Q("0")));
  EXPECT_TRUE(d.contains(Q("1000000")));
  EXPECT_TRUE(enclosesNarrowly(s.all[0][1], Mp::of(std::string_view("1/4"))));
}

// safeLog's argument softplus(x) + ε is > 0 for every x: no domain error at any scalar, even for a
// negative input or an enclosure straddling 0.
TEST(ActivationDomain, SafeLogHasNoDomainError) {
  GraphBuilder b({Shape{3}});
  const Var y = b.safeLog(b.arg(0));
  const Graph g = Unwrap(b.finish());
  const Interval straddle = Unwrap(Interval::fromEndpoints(Q("-1/4"), Q("1/4")));
  Compiled<Interval> c = Unwrap(compile<Interval>(
      g, {Unwrap(Tensor<Interval>::make(Shape{3}, {straddle, Interval(-50), Interval(0)}))}));
  EXPECT_TRUE(c.values()[y.id][0].contains(Q("-1/3")));  // safeLog(0) = log(log 2 + 1e-6) ≈ -0.3665
  EXPECT_TRUE(enclosesNarrowly(c.values()[y.id][1], safeLogRef(Mp(-50))));
  Compiled<double> d = Unwrap(compile<double>(g, {TF<double>({3}, {-1000.0, -50.0, 0.0})}));
  EXPECT_TRUE(withinUlps(d.values()[y.id][0], mpLog(epsRef()), 3));  // log(0 + ε): ε rounded, log
  EXPECT_TRUE(std::isfinite(d.values()[y.id][1]));
}

// ---- every activation is refused at the exact rational scalar, naming the op and the node.
TEST(ActivationRational, EveryActivationIsRefusedAtTheExactScalar) {
  const std::pair<const char*, Var (*)(GraphBuilder&, Var)> ops[] = {
      {"sqrt", [](GraphBuilder& b, Var x) { return b.sqrt(x); }},
      {"sigmoid", [](GraphBuilder& b, Var x) { return b.sigmoid(x); }},
      {"tanh", [](GraphBuilder& b, Var x) { return b.tanh(x); }},
      {"softplus", [](GraphBuilder& b, Var x) { return b.softplus(x); }},
      {"exp", [](GraphBuilder& b, Var x) { return b.exp(x); }},
      {"log", [](GraphBuilder& b, Var x) { return b.log(x); }},
      {"safeLog", [](GraphBuilder& b, Var x) { return b.safeLog(x); }},
  };
  for (const auto& [name, build] : ops) {
    SCOPED_TRACE(name);
    GraphBuilder b({Shape{2}});
    const Var r = b.relu(b.arg(0));
    const Var y = build(b, r);
    const Graph g = Unwrap(b.finish());
    expectRefusedAtRational(g, y.id, name);
  }
}

// A family's forward kernel refuses a node of another family.
TEST(ActivationKernels, ForwardRefusesForeignNode) {
  expectForwardRefusesForeignNode<double>(OpFamily::Activation);
  expectForwardRefusesForeignNode<float>(OpFamily::Activation);
  expectForwardRefusesForeignNode<Interval>(OpFamily::Activation);
}

// ---- departures (design.md "Departures from TorchLean")

// softplus at float/double is max(x, 0) + log1p(exp(-|x|)), not TorchLean's literal
// log(1 + exp x): the same function, without the overflow to +inf above x ≈ 709 and without the
// loss of every digit below x ≈ -37 (where 1 + exp x rounds to 1).
TEST(ActivationDepartures, Departure_SoftplusStableForm) {
  GraphBuilder b({Shape{3}});
  const Var y = b.softplus(b.arg(0));
  const Graph g = Unwrap(b.finish());
  Compiled<double> c = Unwrap(compile<double>(g, {TF<double>({3}, {1000.0, -40.0, 800.0})}));
  const TensorView<double> v = c.values()[y.id];
  // The literal form overflows or rounds every digit away; computed here to show it.
  const volatile double big = 1000.0, small = -40.0;
  EXPECT_EQ(std::log(1 + std::exp(big)), std::numeric_limits<double>::infinity());
  EXPECT_EQ(std::log(1 + std::exp(small)), 0.0);
  // softplus(1000) = 1000 + log1p(e^-1000): the correction is far below half an ulp of 1000.
  EXPECT_EQ(v[0], 1000.0);
  EXPECT_EQ(v[2], 800.0);
  // softplus(-40) = log1p(e^-40) ≈ e^-40 = 4.25e-18, to 4 ulps (exp 2u, log1p passes it on and adds
  // 2u; the positive part is 0).
  EXPECT_TRUE(withinUlps(v[1], softplusRef(Mp(-40)), 4));
  EXPECT_GT(v[1], 0.0);
  EXPECT_LT(std::fabs(v[1] - std::exp(-40.0)) / std::exp(-40.0), 1e-15);  // ≈ e^-40 (e^-80 off)
  // The VJP sigmoid(x): 1 at 1000, e^-40 / (1 + e^-40) at -40.
  Context<double> grads = Unwrap(c.tape().backwardDenseAll(y.id, TF<double>({3}, {1, 1, 1})));
  EXPECT_EQ(grads[0][0], 1.0);
  EXPECT_TRUE(withinUlps(grads[0][1], softplusDerivRef(Mp(-40)), 4));
  // At float the same form keeps softplus(100) = 100 (the literal form overflows at ≈ 88.7).
  Compiled<float> f = Unwrap(compile<float>(g, {TF<float>({3}, {100.0f, -40.0f, 80.0f})}));
  EXPECT_EQ(f.values()[y.id][0], 100.0f);
  EXPECT_TRUE(withinUlps(f.values()[y.id][1], softplusRef(Mp(-40)), 4));
}

}  // namespace
}  // namespace verigrad
