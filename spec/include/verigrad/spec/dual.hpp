// Dual<S>: a value with a block of tangents (its derivative along several directions at once), the
// forward-mode numbers from which the spec derives every derivative. The kink conventions of the
// non-smooth functions are stated and encoded here, once, independently of the engine's VJPs.
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
  S quotient = divide(a.value, b.value);
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

// ---- the kink conventions (TorchLean's, stated here once; the engine encodes them in its VJPs)

// sign is piecewise constant: its tangent is zero everywhere, and sign(0) = 0.
template <class S>
Dual<S> signum(const Dual<S>& x) {
  return Dual<S>(signum(x.value));
}

// relu'(0) = 0: the tangent passes only where x > 0.
template <class S>
Dual<S> relu(const Dual<S>& x) {
  if (compare(x.value, S(0)) == Order::Greater) return x;
  return Dual<S>(S(0));
}

// abs' = sign, so abs'(0) = sign(0) = 0.
template <class S>
Dual<S> absolute(const Dual<S>& x) {
  switch (compare(x.value, S(0))) {
    case Order::Greater:
      return x;
    case Order::Less:
      return -x;
    case Order::Equal:
      break;
  }
  return Dual<S>(S(0));
}

// max and min follow the strictly larger (smaller) operand; at a tie the derivative is split
// 0.5/0.5 between the operands: tangent (a' + b') / 2.
template <class S>
Dual<S> tieSplit(const Dual<S>& a, const Dual<S>& b) {
  const S half = reciprocal(S(2));
  return Dual<S>(a.value, detail::combinedBlock(a.tangent, half, b.tangent, half));
}

template <class S>
Dual<S> maximum(const Dual<S>& a, const Dual<S>& b) {
  switch (compare(a.value, b.value)) {
    case Order::Greater:
      return a;
    case Order::Less:
      return b;
    case Order::Equal:
      break;
  }
  return tieSplit(a, b);
}

template <class S>
Dual<S> minimum(const Dual<S>& a, const Dual<S>& b) {
  switch (compare(a.value, b.value)) {
    case Order::Less:
      return a;
    case Order::Greater:
      return b;
    case Order::Equal:
      break;
  }
  return tieSplit(a, b);
}

// clamp's derivative is 1 only strictly inside (lo, hi); at lo, at hi, outside, and everywhere
// when lo == hi, it is 0.
template <class S>
Dual<S> clampTo(const Dual<S>& x, const S& lo, const S& hi) {
  const bool inside = compare(x.value, lo) == Order::Greater && compare(x.value, hi) == Order::Less;
  if (inside) return x;
  return Dual<S>(clampTo(x.value, lo, hi));
}

}  // namespace verigrad::spec
