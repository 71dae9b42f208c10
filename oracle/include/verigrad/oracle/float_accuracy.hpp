// End-to-end float accuracy, reported and never asserted: the float/double engine and the spec run
// the same graph on the same (exactly representable) inputs, and every value and every gradient of
// backwardDenseAllFromOutput is measured in ulps of the reference result. The reference is the
// exact spec (Rational) for rational graphs and the spec at the interval scalar (256-bit MPFI
// enclosures, measured from their midpoints) when the graph has a transcendental op. Cancellation
// and kinks make any end-to-end bound false or vacuous (design.md, "The oracle"); the asserted
// check is the local one (float_local.hpp). sweepTranscendentalAccuracy runs the per-op sweep of
// `verigrad accuracy`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verigrad/exact.hpp"

namespace verigrad::oracle {

struct AccuracyOptions {
  // Near zero, ulps of the exact value explode. An element is measured in ulps of
  // max(|exact|, relativeFloor · (largest |exact| of its value), absoluteFloor).
  double relativeFloor = 0x1p-20;
  double absoluteFloor = 0;
  // Keep every element's error (ValueAccuracy::samples), for pooling across graphs.
  bool keepSamples = false;
};

// Errors of a set of elements in ulps (of max(|exact|, floors)). The median is the lower median.
struct UlpStats {
  uint64_t elements = 0;    // finite engine elements measured
  uint64_t nonFinite = 0;   // engine elements that are inf/NaN (not measured)
  uint64_t unresolved = 0;  // interval reference wider than 1/1024 ulp: not measured
  double maxUlps = 0;
  double medianUlps = 0;
  int64_t worstElement = -1;  // flat index of the maximum (per value only)
};

// The statistics of a pooled set of errors (lower median).
UlpStats summarizeUlps(std::vector<double> ulps, uint64_t nonFinite = 0, uint64_t unresolved = 0);

struct ValueAccuracy {
  ValueId id = 0;
  std::optional<Op> op;  // the producing op; none for an input of Γ
  UlpStats stats;
  std::vector<double> samples;  // every measured element's error (AccuracyOptions::keepSamples)
};

// All elements of all values produced by one op (or of the inputs, op = none) pooled together.
struct OpAccuracy {
  std::optional<Op> op;
  uint64_t values = 0;
  UlpStats stats;
};

struct AccuracyReport {
  std::string scalar;                 // "float" or "double"
  std::string reference;              // "exact rational" or "interval (256-bit MPFI)"
  std::vector<ValueAccuracy> values;  // Γ ++ ss
  std::vector<OpAccuracy> valueOps;
  // Gradients of backwardDenseAllFromOutput against spec::denseGradient of the one-hot seed 1,
  // per value (keyed by the op that produced the value). Empty, with a note, when the output is
  // not a scalar.
  std::vector<ValueAccuracy> gradients;
  std::vector<OpAccuracy> gradientOps;
  std::string gradientNote;
};

// Runs compile<F> and spec::evaluate / spec::denseGradient on `inputs` (every element must be
// exactly representable in F: InvalidArgument otherwise) and measures the engine against the
// spec (at Rational, or at Interval when the graph has a transcendental op). Errors of either
// side (bad inputs, the spec's division by zero or log of a non-positive value) are returned.
template <class F>
Result<AccuracyReport> measureFloatAccuracy(const Graph& graph,
                                            std::span<const Tensor<Rational>> inputs,
                                            const AccuracyOptions& options = {});

// The report as text: one line per op, then one line per value, for values and for gradients.
std::string formatAccuracyReport(const AccuracyReport& report, const Graph& graph);

// ---- The per-op sweep of `verigrad accuracy`: each transcendental op applied to random inputs
// (float values, so float and double start from the same inputs) drawn from a domain per op that
// includes its kinks and large magnitudes, in a small graph out = sum(op(x, ...) ⊙ w) with w
// random, so the op's operands receive exactly its VJP of δ = w. The op's value and its operands'
// gradients are measured against the interval spec, pooled over all cases.

struct SweepOptions {
  int cases = 100;    // random graphs per op (each with 8 to 10 elements per value)
  uint64_t seed = 1;  // splitmix64 stream of the inputs
  // ulps of max(|exact|, 2^-30): the absolute floor near zero; no relative floor.
  AccuracyOptions accuracy{0.0, 0x1p-30, true};
};

struct SweepRow {
  Op op = Op::Exp;
  std::string scalar;    // "float" or "double"
  std::string quantity;  // "value" (the op's output) or "gradient" (its operands')
  UlpStats stats;
  uint64_t cases = 0;  // graphs measured
};

// Rows in op catalogue order, float then double, value then gradient.
Result<std::vector<SweepRow>> sweepTranscendentalAccuracy(const SweepOptions& options = {});

// The sweep as a table: op, scalar, quantity, max ulp, median ulp, elements, cases.
std::string formatSweepTable(const std::vector<SweepRow>& rows);

// The input domain of each op in the sweep, one line per op, for --help and reports.
std::string sweepDomains();

}  // namespace verigrad::oracle
