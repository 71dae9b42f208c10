// The rounding model of every op in the standard model of floating-point arithmetic: how many
// roundings its forward value and each operand's VJP contribution may suffer, and against which
// magnitude. One row per op (oracle/src/rounding_model.cpp), read by the local float check.
// Transcendental ops (sqrt, sigmoid, tanh, softplus, exp, log, safeLog, softmax, logSoftmax,
// layerNorm) are Modelled: their rows point to a re-statement of the kernel's float formula that
// the check evaluates over intervals (oracle/src/kernel_model.hpp), with glibc's documented ulp
// errors for exp, log, log1p and tanh.
#pragma once

#include <array>
#include <cstdint>

#include "verigrad/graph.hpp"

namespace verigrad::oracle {

namespace detail {
struct KernelModel;  // oracle/src/kernel_model.hpp
}

// A count read off a node: a rounding depth, a number of summed terms, or a divisor.
struct Count {
  enum class Source : uint8_t {
    Fixed,            // `plus` alone
    OperandNumel,     // numel of operand `operand`, plus `plus`
    OperandDim,       // extent `axis` of operand `operand`, plus `plus`
    AxisExtent,       // extent of operand 0 along the node's int attribute `axis`, plus `plus`
    IndexCount,       // the number of int attributes (gather index lists), plus `plus`
    ReductionFactor,  // numel(node) / numel(operand 0): δ terms summed per operand element
  };
  Source source = Source::Fixed;
  int operand = 0;
  int axis = 0;
  int64_t plus = 0;
};

// How a forward value relates to the exact value of the op at the engine's own operands.
enum class ForwardModel : uint8_t {
  Exact,             // no rounding at all: equal to the exact value
  CorrectlyRounded,  // one IEEE operation: the exact value rounded to nearest even
  Summed,            // a sum of terms in any order: |v − exact| ≤ γ_k·M + k·η
  // The kernel's formula in the standard model, evaluated over intervals at the engine's own
  // operands (OpRounding::model): |v − exact| ≤ the distance between every result the rounded
  // formula can give and the formula's exact value. The same model bounds each VJP contribution.
  Modelled,
};

// The magnitude M a γ_k bound multiplies.
enum class Magnitude : uint8_t {
  OfExact,  // |exact|: no cancellation inside the op (its terms share one sign, or one term)
  OfAbsoluteTerms,  // Σ|terms|: the op re-evaluated exactly at absolute operands (and |δ|)
};

// The rounding of one operand's VJP contribution J_cᵀ δ_c computed in floating point.
struct VjpRounding {
  Count depth;  // k: |contribution − exact| ≤ γ_k·M + k·η
  Magnitude magnitude = Magnitude::OfExact;
};

struct OpRounding {
  Op op;
  ForwardModel forward = ForwardModel::Exact;
  Count forwardDepth;  // k of a Summed forward value
  Magnitude forwardMagnitude = Magnitude::OfAbsoluteTerms;
  Count forwardDivisor{Count::Source::Fixed, 0, 0, 1};  // the op divides its sum by this (mean)
  std::array<VjpRounding, 3> vjp{};            // per operand slot (the op's arity entries are used)
  const detail::KernelModel* model = nullptr;  // Modelled rows: forward value and every VJP
};

// The row of `op`, or nullptr when the table has none (the check then fails; it never passes an
// op it has no model for).
const OpRounding* roundingOf(Op op);

// The value of a count for a node of `graph`.
int64_t countFor(const Count& c, const Graph& graph, const Node& node);

}  // namespace verigrad::oracle
