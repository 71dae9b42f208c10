// Dual<S>: a value with a block of tangents (its derivative along several directions at once), the
// forward-mode numbers from which the spec derives every derivative. The kink conventions of the
// non-smooth functions and the derivative rules of the elementary functions are stated and encoded
// here, once, independently of the engine's VJPs.
//
// Where the primal comparison at a kink is Ambiguous (an interval straddling it), the value is the
// plain function's (itself a hull, scalar.hpp) and each tangent entry is the hull of the tangents
// of every branch the comparison cannot rule out: the true derivative at any point of the
// enclosure is one of those branches, so the hull encloses it. Nothing here aborts on overlap.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

#include "verigrad/spec/scalar.hpp"

namespace verigrad::spec {

template <class S>
struct Dual {
  S value;
  // One entry per direction. Empty means zero in every direction: constants, detached values and
  // values that do not depend on the perturbed one carry no storage and cost nothing to combine.
  std::vector<S> tangent;

  Dual() = default;  // 0 with a zero tangent
  explicit Dual(S v) : value(std::move(v)) {}
  Dual(S v, S t) : value(std::move(v)), tangent{std::move(t)} {}
  Dual(S v, std::vector<S> t) : value(std::move(v)), tangent(std::move(t)) {}

  bool hasZeroTangent() const { return tangent.empty(); }
  S tangentAt(size_t k) const { return tangent.empty() ? S(0) : tangent[k]; }
};

namespace detail {

// Blocks combine entry by entry; an empty block is zero of whatever width the other one has.
// Two non-empty blocks always have the same width: one perturbation pass seeds one width.

template <class S>
std::vector<S> scaledBlock(const std::vector<S>& t, const S& c) {
  std::vector<S> out;
  out.reserve(t.size());
  for (const S& x : t) out.push_back(x * c);
  return out;
}

// ca * a + cb * b, computed as (a * ca) + (b * cb) entry by entry.
template <class S>
std::vector<S> combinedBlock(const std::vector<S>& a, const S& ca, const std::vector<S>& b,
                             const S& cb) {
  if (a.empty()) return scaledBlock(b, cb);
  if (b.empty()) return scaledBlock(a, ca);
  assert(a.size() == b.size());
  std::vector<S> out;
  out.reserve(a.size());
  for (size_t k = 0; k < a.size(); ++k) out.push_back(a[k] * ca + b[k] * cb);
  return out;
}

template <class S>
std::vector<S> summedBlock(const std::vector<S>& a, const std::vector<S>& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  assert(a.size() == b.size());
  std::vector<S> out;
  out.reserve(a.size());
  for (size_t k = 0; k < a.size(); ++k) out.push_back(a[k] + b[k]);
  return out;
}

template <class S>
std::vector<S> negatedBlock(const std::vector<S>& t) {
  std::vector<S> out;
  out.reserve(t.size());
  for (const S& x : t) out.push_back(-x);
  return out;
}

template <class S>
std::vector<S> differenceBlock(const std::vector<S>& a, const std::vector<S>& b) {
  if (b.empty()) return a;
  if (a.empty()) return negatedBlock(b);
  assert(a.size() == b.size());
  std::vector<S> out;
  out.reserve(a.size());
  for (size_t k = 0; k < a.size(); ++k) out.push_back(a[k] - b[k]);
  return out;
}

}  // namespace detail

// ---- smooth arithmetic: the usual sum, product and quotient rules

template <class S>
Dual<S> operator+(const Dual<S>& a, const Dual<S>& b) {
  return Dual<S>(a.value + b.value, detail::summedBlock(a.tangent, b.tangent));
}

// acc = acc + b without a new block: the left folds of sums and dot products accumulate this way.
template <class S>
Dual<S>& operator+=(Dual<S>& acc, const Dual<S>& b) {
  acc.value += b.value;
  if (b.tangent.empty()) return acc;
  if (acc.tangent.empty()) {
    acc.tangent = b.tangent;
    return acc;
  }
  assert(acc.tangent.size() == b.tangent.size());
  for (size_t k = 0; k < b.tangent.size(); ++k) acc.tangent[k] += b.tangent[k];
  return acc;
}

template <class S>
Dual<S> operator-(const Dual<S>& a, const Dual<S>& b) {
  return Dual<S>(a.value - b.value, detail::differenceBlock(a.tangent, b.tangent));
}

template <class S>
Dual<S> operator-(const Dual<S>& a) {
  return Dual<S>(-a.value, detail::negatedBlock(a.tangent));
}

// (a b)' = a' b + a b'.
template <class S>
Dual<S> operator*(const Dual<S>& a, const Dual<S>& b) {
  return Dual<S>(a.value * b.value, detail::combinedBlock(a.tangent, b.value, b.tangent, a.value));
}

// Multiplication by a constant (scale's c): (x c)' = x' c.
template <class S>
Dual<S> operator*(const Dual<S>& x, const S& c) {
  return Dual<S>(x.value * c, detail::scaledBlock(x.tangent, c));
}

// (a / b)' = a' (1/b) + b' (-(a/b)/b). Precondition: b.value is not zero.
template <class S>
Dual<S> divide(const Dual<S>& a, const Dual<S>& b) {
  S quotient = spec::divide(a.value, b.value);
  S inverse = reciprocal(b.value);
  S dB = -(quotient * inverse);
  return Dual<S>(std::move(quotient), detail::combinedBlock(a.tangent, inverse, b.tangent, dB));
}

// (1/x)' = -x' / x². Precondition: x.value is not zero.
template <class S>
Dual<S> reciprocal(const Dual<S>& x) {
  S inverse = reciprocal(x.value);
  S slope = -(inverse * inverse);
  return Dual<S>(std::move(inverse), detail::scaledBlock(x.tangent, slope));
}

template <class S>
Dual<S> divideByCount(const Dual<S>& x, int64_t n) {
  return Dual<S>(divideByCount(x.value, n), detail::scaledBlock(x.tangent, reciprocal(S(n))));
}

// ---- the elementary functions: chain rule with the textbook derivative (Activation and
// Normalization ops are written with these; only at a scalar with exp and log)

// exp' = exp.
template <class S>
Dual<S> exp(const Dual<S>& x) {
  S e = spec::exp(x.value);
  std::vector<S> t = detail::scaledBlock(x.tangent, e);
  return Dual<S>(std::move(e), std::move(t));
}

// log' = 1/x. Precondition: x.value > 0.
template <class S>
Dual<S> log(const Dual<S>& x) {
  return Dual<S>(spec::log(x.value), detail::scaledBlock(x.tangent, reciprocal(x.value)));
}

// log1p'(x) = 1/(1 + x). Precondition: x.value > -1.
template <class S>
Dual<S> log1p(const Dual<S>& x) {
  return Dual<S>(spec::log1p(x.value), detail::scaledBlock(x.tangent, reciprocal(S(1) + x.value)));
}

// tanh' = 1 - tanh².
template <class S>
Dual<S> tanh(const Dual<S>& x) {
  S t = spec::tanh(x.value);
  const S slope = S(1) - t * t;
  return Dual<S>(std::move(t), detail::scaledBlock(x.tangent, slope));
}

namespace detail {

// Entry-by-entry hull of two tangent blocks (an empty block is zero of the other's width).
template <class S>
std::vector<S> hullBlock(const std::vector<S>& a, const std::vector<S>& b) {
  if (a.empty() && b.empty()) return {};
  const size_t width = a.empty() ? b.size() : a.size();
  assert(a.empty() || b.empty() || a.size() == b.size());
  std::vector<S> out;
  out.reserve(width);
  for (size_t k = 0; k < width; ++k) {
    out.push_back(branchHull(a.empty() ? S(0) : a[k], b.empty() ? S(0) : b[k]));
  }
  return out;
}

// A block of unknown() entries: the derivative is unbounded on the enclosure.
template <class S>
std::vector<S> unknownBlock(const std::vector<S>& t) {
  if (t.empty()) return {};  // a constant: its tangent is 0 whatever the slope
  return std::vector<S>(t.size(), ScalarOps<S>::unknown());
}

}  // namespace detail

// ---- the kink conventions (TorchLean's, stated here once; the engine encodes them in its VJPs)

// sign is piecewise constant: its tangent is zero everywhere, and sign(0) = 0.
template <class S>
Dual<S> signum(const Dual<S>& x) {
  return Dual<S>(signum(x.value));
}

// relu'(0) = 0: the tangent passes only where x > 0.
template <class S>
Dual<S> relu(const Dual<S>& x) {
  switch (spec::compare(x.value, S(0))) {
    case Order::Greater:
      return x;
    case Order::Less:
    case Order::Equal:
      return Dual<S>(S(0));
    case Order::Ambiguous:
      break;
  }
  return Dual<S>(relu(x.value), detail::hullBlock(x.tangent, {}));  // branches x' and 0
}

// abs' = sign, so abs'(0) = sign(0) = 0.
template <class S>
Dual<S> absolute(const Dual<S>& x) {
  switch (spec::compare(x.value, S(0))) {
    case Order::Greater:
      return x;
    case Order::Less:
      return -x;
    case Order::Equal:
      return Dual<S>(S(0));
    case Order::Ambiguous:
      break;
  }
  // Branches x', -x' and 0.
  return Dual<S>(
      absolute(x.value),
      detail::hullBlock(detail::hullBlock(x.tangent, detail::negatedBlock(x.tangent)), {}));
}

// max and min follow the strictly larger (smaller) operand; at a tie the derivative is split
// 0.5/0.5 between the operands: tangent (a' + b') / 2.
template <class S>
Dual<S> tieSplit(const Dual<S>& a, const Dual<S>& b) {
  const S half = reciprocal(S(2));
  return Dual<S>(a.value, detail::combinedBlock(a.tangent, half, b.tangent, half));
}

namespace detail {

// Either operand may be the larger, or they may tie: branches a', b' and (a' + b') / 2.
template <class S>
std::vector<S> anyOperandBlock(const Dual<S>& a, const Dual<S>& b) {
  return hullBlock(hullBlock(a.tangent, b.tangent), tieSplit(a, b).tangent);
}

}  // namespace detail

template <class S>
Dual<S> maximum(const Dual<S>& a, const Dual<S>& b) {
  switch (spec::compare(a.value, b.value)) {
    case Order::Greater:
      return a;
    case Order::Less:
      return b;
    case Order::Equal:
      return tieSplit(a, b);
    case Order::Ambiguous:
      break;
  }
  return Dual<S>(maximum(a.value, b.value), detail::anyOperandBlock(a, b));
}

template <class S>
Dual<S> minimum(const Dual<S>& a, const Dual<S>& b) {
  switch (spec::compare(a.value, b.value)) {
    case Order::Less:
      return a;
    case Order::Greater:
      return b;
    case Order::Equal:
      return tieSplit(a, b);
    case Order::Ambiguous:
      break;
  }
  return Dual<S>(minimum(a.value, b.value), detail::anyOperandBlock(a, b));
}

// clamp's derivative is 1 only strictly inside (lo, hi); at lo, at hi, outside, and everywhere
// when lo == hi, it is 0. When the comparisons cannot tell, both branches (x' and 0).
template <class S>
Dual<S> clampTo(const Dual<S>& x, const S& lo, const S& hi) {
  const Order aboveLo = spec::compare(x.value, lo);
  const Order belowHi = spec::compare(x.value, hi);
  const Order bounds = spec::compare(lo, hi);
  if (aboveLo == Order::Greater && belowHi == Order::Less) return x;
  const bool outside = aboveLo == Order::Less || aboveLo == Order::Equal ||
                       belowHi == Order::Greater || belowHi == Order::Equal ||
                       bounds == Order::Equal || bounds == Order::Greater;
  S value = clampTo(x.value, lo, hi);
  if (outside) return Dual<S>(std::move(value));
  return Dual<S>(std::move(value), detail::hullBlock(x.tangent, {}));
}

// TorchLean's sqrt(max(x, 0)): derivative 1/(2 sqrt x) where x > 0 and 0 where x <= 0. Where x
// straddles 0 the derivative is unbounded near 0+, so the tangent is unknown() (never narrow).
template <class S>
Dual<S> sqrt(const Dual<S>& x) {
  switch (spec::compare(x.value, S(0))) {
    case Order::Greater: {
      S root = spec::sqrt(x.value);
      const S slope = reciprocal(root + root);
      return Dual<S>(std::move(root), detail::scaledBlock(x.tangent, slope));
    }
    case Order::Less:
    case Order::Equal:
      return Dual<S>(S(0));
    case Order::Ambiguous:
      break;
  }
  return Dual<S>(spec::sqrt(x.value), detail::unknownBlock(x.tangent));
}

}  // namespace verigrad::spec
