// End-to-end float accuracy, reported and never asserted: the float/double engine and the exact
// spec run the same graph on the same (exactly representable) inputs, and every value and every
// gradient of backwardDenseAllFromOutput is measured in ulps of the exact result. Cancellation and
// kinks make any end-to-end bound false or vacuous (design.md, "The oracle"); the asserted check
// is the local one (float_local.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verigrad/exact.hpp"

namespace verigrad::oracle {

struct AccuracyOptions {
  // Near zero, ulps of the exact value explode. An element whose |exact| is below this fraction
  // of the largest |exact| of its value is measured in ulps of that floor instead.
  double relativeFloor = 0x1p-20;
};

// Errors of a set of elements in ulps (of max(|exact|, floor)). The median is the lower median.
struct UlpStats {
  uint64_t elements = 0;   // finite engine elements measured
  uint64_t nonFinite = 0;  // engine elements that are inf/NaN (not measured)
  double maxUlps = 0;
  double medianUlps = 0;
  int64_t worstElement = -1;  // flat index of the maximum (per value only)
};

struct ValueAccuracy {
  ValueId id = 0;
  std::optional<Op> op;  // the producing op; none for an input of Γ
  UlpStats stats;
};

// All elements of all values produced by one op (or of the inputs, op = none) pooled together.
struct OpAccuracy {
  std::optional<Op> op;
  uint64_t values = 0;
  UlpStats stats;
};

struct AccuracyReport {
  std::string scalar;                 // "float" or "double"
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
// spec. Errors of either side (bad inputs, the spec's division by zero) are returned.
template <class F>
Result<AccuracyReport> measureFloatAccuracy(const Graph& graph,
                                            std::span<const Tensor<Rational>> inputs,
                                            const AccuracyOptions& options = {});

// The report as text: one line per op, then one line per value, for values and for gradients.
std::string formatAccuracyReport(const AccuracyReport& report, const Graph& graph);

}  // namespace verigrad::oracle
