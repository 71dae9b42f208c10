// What the float checks and the accuracy report share: the constants of the standard model for
// float and double as exact rationals, exact conversion of engine values, and their printing.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include "verigrad/rational.hpp"
#include "verigrad/shape.hpp"

namespace verigrad::oracle::detail {

inline Rational absOf(const Rational& x) { return x.sign() < 0 ? -x : x; }

template <class F>
Rational exactOf(F x) {
  return Rational::fromDouble(static_cast<double>(x));  // exact: F ⊂ double ⊂ Q
}

template <class F>
bool allFinite(std::span<const F> xs) {
  for (F x : xs) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// The standard model of format F: fl(x op y) = (x op y)(1 + δ) + η', |δ| ≤ u, |η'| ≤ η.
template <class F>
struct Model {
  static constexpr int kPrecision = std::numeric_limits<F>::digits;  // 24 or 53

  // γ_k = k·u / (1 − k·u) = k / (2^p − k) with u = 2^-p, defined while k·u < 1.
  static bool gammaDefined(int64_t k) { return k < (int64_t{1} << kPrecision); }
  static Rational gamma(int64_t k) {  // precondition: gammaDefined(k)
    if (k <= 0) return Rational(0);
    return Rational(k) / Rational((int64_t{1} << kPrecision) - k);
  }
  // Half the smallest subnormal: the absolute error of one rounding in the underflow range.
  static Rational eta() {
    return Rational::fromDouble(static_cast<double>(std::numeric_limits<F>::denorm_min())) /
           Rational(2);
  }
  static Rational maxFinite() {
    return Rational::fromDouble(static_cast<double>(std::numeric_limits<F>::max()));
  }
  // The correctly rounded F of x (round to nearest even), or an Overflow error.
  static Result<F> round(const Rational& x) {
    if constexpr (std::is_same_v<F, float>) {
      return x.toFloat();
    } else {
      return x.toDouble();
    }
  }
};

// Exact rational text, left out of a report when it would be unreadably long (η's 2^-1075).
inline bool shortEnough(const std::string& exactText) { return exactText.size() <= 64; }

// "0.100000001 (= 13421773/134217728)": enough digits to round-trip, then the exact value.
template <class F>
std::string formatFloat(F x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", std::numeric_limits<F>::max_digits10,
                static_cast<double>(x));
  if (!std::isfinite(x)) return buf;
  const std::string exact = exactOf(x).str();
  return shortEnough(exact) ? std::string(buf) + " (= " + exact + ")" : std::string(buf);
}

// A magnitude for people (errors, bounds): its nearest double, "~" when that is not exact.
inline std::string formatApprox(const Rational& x) {
  Result<double> d = x.toDouble();
  if (!d.ok()) return x.sign() < 0 ? "-huge" : "huge";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d.value());
  return (Rational::fromDouble(d.value()) == x ? "" : "~") + std::string(buf);
}

// An exact value for people: its nearest double, then the exact value when they differ.
inline std::string formatRational(const Rational& x) {
  const std::string approx = formatApprox(x);
  if (approx.empty() || approx[0] != '~') return approx;
  const std::string exact = x.str();
  return shortEnough(exact) ? approx + " (= " + exact + ")" : approx;
}

}  // namespace verigrad::oracle::detail
