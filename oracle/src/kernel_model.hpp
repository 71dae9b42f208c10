// Standard-model enclosures of the float kernels of the transcendental ops (engine/ops/
// activation.inl, normalization.inl, engine/src/elementary.hpp), for the local float check.
//
// Each op's kernel formula is re-stated here, operation by operation, and evaluated over intervals
// (MPFI, 256 bits) from the engine's own float operands twice: once with every rounding widened as
// the model allows, once exactly. The first enclosure holds every result the float kernel can
// produce; the second holds the formula's exact value. Their distance bounds
// |computed − exact formula| rigorously, first order and every higher-order term included, and the
// conditioning of the formula (cancellation in 1 − tanh², x − μ, g − Σ) shows up by itself.
// The check then compares the engine's result with the spec's enclosure of the true value (never
// with this formula's): the model only says how far rounding may move a correct kernel.
//
// The model, per operation of format F (p = 24 or 53 bits, emin = −126 or −1022):
//   + − × ÷ sqrt: round to nearest, |fl(a) − a| ≤ ½·ulp(a), ulp(a) = 2^(max(⌊log2|a|⌋, emin) − p +
//   1)
//     (so ½·ulp is η = half the smallest subnormal in the subnormal range);
//   exp, log, log1p, tanh (glibc libm): |libm(a) − f(a)| ≤ (k + ½)·ulp(f(a)·(1 + 2^−p)), where k is
//     glibc's documented maximum error in ulps of the correctly rounded result (kernel_model.cpp);
//   a result that could reach the overflow threshold (2 − 2^−p)·2^emax makes the element
//   unbounded: the model then says nothing (counted, not checked).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "verigrad/graph.hpp"
#include "verigrad/interval.hpp"
#include "verigrad/rational.hpp"
#include "verigrad/result.hpp"

namespace verigrad::oracle::detail {

// The float format: its precision and exponent range.
struct Format {
  int precision = 0;    // p: 24 or 53
  int minExponent = 0;  // emin: the smallest normal is 2^emin (−126, −1022)
  int maxExponent = 0;  // emax: the largest finite value is (2 − 2^(1−p))·2^emax (127, 1023)
  const char* name = "";
};
template <class F>
Format formatOf();

// One node's float operands (per operand slot, exact points), its literals as F rounded them, and
// for a VJP the engine's float gradient δ of the node.
struct ModelInput {
  const Graph* graph = nullptr;
  const Node* node = nullptr;
  std::vector<std::vector<Interval>> operands;
  std::vector<Interval> literals;
  std::vector<Interval> delta;
};

// Per element: a bound on |computed − exact formula|, or nullopt where the model admits an
// overflow or an undefined intermediate (then it bounds nothing).
using Radii = std::vector<std::optional<Rational>>;

// A row's model: the forward value and each operand slot's VJP contribution J_sᵀ δ.
struct KernelModel {
  Result<Radii> (*forward)(const Format& format, const ModelInput& in);
  Result<Radii> (*vjp)(const Format& format, const ModelInput& in, int slot);
};

// The models of the transcendental ops, one per op (referenced by the rows of rounding_model.cpp).
extern const KernelModel kSqrtModel;
extern const KernelModel kSigmoidModel;
extern const KernelModel kTanhModel;
extern const KernelModel kSoftplusModel;
extern const KernelModel kExpModel;
extern const KernelModel kLogModel;
extern const KernelModel kSafeLogModel;
extern const KernelModel kSoftmaxModel;
extern const KernelModel kLogSoftmaxModel;
extern const KernelModel kLayerNormModel;

// ulp(a) in the format (a ≥ 0 exact), and the interval helpers the checks share.
Rational ulpIn(const Format& format, const Rational& a);
// max(|lo|, |hi|) of a bounded enclosure.
Rational magnitudeOf(const Interval& x);

}  // namespace verigrad::oracle::detail
