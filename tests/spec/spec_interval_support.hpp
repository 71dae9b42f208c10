// Helpers for the spec's tests at the interval scalar: enclosures from exact text, the acceptance
// check (contains the known value and is narrow), and rigorous 1000-bit MPFR references for
// values such as e and tanh(1), computed with directed rounding independently of MPFI.
#pragma once

#include <mpfr.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "spec_test_support.hpp"

namespace verigrad::spec::testing {

using IV = Value<Interval>;
using ID = Dual<Interval>;

inline Interval I(std::string_view text) { return Interval(R(text)); }
// [lo, hi]: an enclosure that is not a point, to exercise overlapping comparisons.
inline Interval Span(std::string_view lo, std::string_view hi) {
  return Ok(Interval::fromEndpoints(R(lo), R(hi)));
}

inline IV IVal(const Shape& shape, std::initializer_list<const char*> values) {
  std::vector<Interval> data;
  for (const char* v : values) data.push_back(I(v));
  return Ok(makeValue(shape, std::move(data)));
}

inline IV ToInterval(const V& v) {
  IV out{v.shape, {}};
  for (const Rational& x : v.data) out.data.emplace_back(x);
  return out;
}

inline std::vector<IV> ToIntervals(const std::vector<V>& vs) {
  std::vector<IV> out;
  for (const V& v : vs) out.push_back(ToInterval(v));
  return out;
}

// The absolute floor of the acceptance width in these tests: 2^-128.
inline Rational NarrowFloor() {
  static const Rational floor = Ok(Rational::fromRatio(1, int64_t{1} << 62)) *
                                Ok(Rational::fromRatio(1, int64_t{1} << 62)) *
                                Ok(Rational::fromRatio(1, 16));
  return floor;
}

inline bool Narrow(const Interval& x) { return isNarrow(x, NarrowFloor()); }

// x contains the exact value q and is narrow.
inline ::testing::AssertionResult EnclosesNarrowly(const Interval& x, const Rational& q) {
  if (!x.contains(q)) return ::testing::AssertionFailure() << x.str() << " does not contain " << q;
  if (!Narrow(x)) return ::testing::AssertionFailure() << x.str() << " is not narrow";
  return ::testing::AssertionSuccess();
}
inline ::testing::AssertionResult EnclosesNarrowly(const Interval& x, std::string_view q) {
  return EnclosesNarrowly(x, R(q));
}
// x contains every point of `inner` (a rigorous reference) and is narrow.
inline ::testing::AssertionResult EnclosesNarrowly(const Interval& x, const Interval& inner) {
  if (!x.contains(inner)) {
    return ::testing::AssertionFailure() << x.str() << " does not contain " << inner.str();
  }
  if (!Narrow(x)) return ::testing::AssertionFailure() << x.str() << " is not narrow";
  return ::testing::AssertionSuccess();
}

// ---- rigorous references at 1000 bits with MPFR's directed rounding

inline constexpr mpfr_prec_t kRefBits = 1000;

// An mpfr_t at 1000 bits, with a scope.
class Big {
 public:
  Big() { mpfr_init2(v_, kRefBits); }
  ~Big() { mpfr_clear(v_); }
  Big(const Big&) = delete;
  Big& operator=(const Big&) = delete;
  mpfr_ptr get() { return v_; }

 private:
  mpfr_t v_;
};

inline Rational ExactOf(mpfr_srcptr x) {
  Rational::Impl q;
  mpfr_get_q(q.backend().data(), x);  // exact: an MPFR number is a dyadic rational
  return Rational(std::move(q));
}

inline mpfr_rnd_t Opposite(mpfr_rnd_t rnd) { return rnd == MPFR_RNDD ? MPFR_RNDU : MPFR_RNDD; }

// [f(RNDD), f(RNDU)] as a 1000-bit interval. `f(out, rnd)` must round every step so that the
// result moves in the direction of rnd (use Opposite(rnd) for the operand of a decreasing step):
// then the two results bracket the true value, which the returned interval encloses.
inline Interval Reference(const std::function<void(mpfr_ptr, mpfr_rnd_t)>& f) {
  Big lo, hi;
  f(lo.get(), MPFR_RNDD);
  f(hi.get(), MPFR_RNDU);
  return Ok(Interval::fromEndpoints(ExactOf(lo.get()), ExactOf(hi.get()), kRefBits));
}

// out = n / d rounded by rnd (so a following increasing step keeps the direction).
inline void SetRatio(mpfr_ptr out, long n, long d, mpfr_rnd_t rnd) {
  mpfr_set_si(out, n, rnd);
  mpfr_div_si(out, out, d, rnd);
}

inline Interval RefExp(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, d, rnd);
    mpfr_exp(r, r, rnd);
  });
}
inline Interval RefLog(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, d, rnd);
    mpfr_log(r, r, rnd);
  });
}
inline Interval RefTanh(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, d, rnd);
    mpfr_tanh(r, r, rnd);
  });
}
// sigmoid(x) = (1 + tanh(x / 2)) / 2: increasing in every step.
inline Interval RefSigmoid(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, 2 * d, rnd);
    mpfr_tanh(r, r, rnd);
    mpfr_add_si(r, r, 1, rnd);
    mpfr_div_2ui(r, r, 1, rnd);
  });
}
// softplus(x) = log1p(exp(x)).
inline Interval RefSoftplus(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, d, rnd);
    mpfr_exp(r, r, rnd);
    mpfr_log1p(r, r, rnd);
  });
}
inline Interval RefSqrt(long n, long d = 1) {
  return Reference([=](mpfr_ptr r, mpfr_rnd_t rnd) {
    SetRatio(r, n, d, rnd);
    mpfr_sqrt(r, r, rnd);
  });
}

}  // namespace verigrad::spec::testing
