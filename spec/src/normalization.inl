// Forward definitions of softmax, logSoftmax (last axis; TorchLean reference §5.2.4) and layerNorm
// (§5.2.10), as the plain per-row formulas over E = S or Dual<S>: their derivatives come from the
// dual numbers (dual.hpp), never from a VJP formula here. Sums are left folds from 0. Defined only
// at a scalar with exp and log (the interval); the rational refuses them.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// The shift of one softmax row: max_j x[j] (a fold seeded with the first element), as a constant.
// softmax(x) = exp(x - c) / Σ exp(x - c) and logSoftmax likewise for every constant c, so the
// shift changes neither the values nor the derivative: it enters without a tangent, and any
// enclosure of the max will do when compare() is Ambiguous (the hull of both candidates).
template <class E>
E rowShift(const E* x, int64_t n) {
  ScalarOf<E> m = Element<E>::primal(x[0]);
  for (int64_t j = 1; j < n; ++j) m = maximum(m, Element<E>::primal(x[j]));
  return Element<E>::constant(m);
}

// Applies row(x_row, out) to each last-axis row of the operand (the output has the same shape).
// An empty last axis has no rows: the (empty) value is returned unchanged.
template <class E, class Row>
Value<E> byLastAxisRows(const NodeView<E>& v, Row row) {
  const Value<E>& x = v.operand(0);
  Value<E> out = emptyOutput(v);
  const int64_t n = x.shape.dim(x.shape.rank() - 1);
  if (n == 0) return out;
  for (int64_t start = 0; start < x.numel(); start += n) row(x.data.data() + start, n, out.data);
  return out;
}

// softmax: y[j] = e[j] / Σ_k e[k], e[j] = exp(x[j] - m). Σ e >= exp(0) = 1 (the max's own term),
// so the quotient is defined. A scalar is a row of its own: softmax 1.
template <class E>
Value<E> softmaxOf(const NodeView<E>& v) {
  if (v.shape.rank() == 0) {
    Value<E> out = emptyOutput(v);
    out.data.push_back(Element<E>::constant(ScalarOf<E>(1)));
    return out;
  }
  return byLastAxisRows(v, [](const E* x, int64_t n, std::vector<E>& out) {
    const E m = rowShift(x, n);
    std::vector<E> e;
    e.reserve(static_cast<size_t>(n));
    E total = zeroElement<E>();
    for (int64_t j = 0; j < n; ++j) {
      e.push_back(spec::exp(x[j] - m));
      total += e.back();
    }
    for (const E& ej : e) out.push_back(spec::divide(ej, total));
  });
}

// logSoftmax: y[j] = (x[j] - m) - log Σ_k exp(x[k] - m); the sum is >= 1. A scalar gives 0.
template <class E>
Value<E> logSoftmaxOf(const NodeView<E>& v) {
  if (v.shape.rank() == 0) {
    Value<E> out = emptyOutput(v);
    out.data.push_back(zeroElement<E>());
    return out;
  }
  return byLastAxisRows(v, [](const E* x, int64_t n, std::vector<E>& out) {
    const E m = rowShift(x, n);
    E total = zeroElement<E>();
    for (int64_t j = 0; j < n; ++j) total += spec::exp(x[j] - m);
    const E logTotal = spec::log(total);
    for (int64_t j = 0; j < n; ++j) out.push_back((x[j] - m) - logTotal);
  });
}

// layerNorm, x [L, E], gamma [E], beta [E], per row: mean = Σ x / E; centred c = x - mean;
// variance = max(Σ c c / E, 0) (TorchLean's clamp at >= 0); std = sqrt(variance + eps), eps > 0;
// y = c / std * gamma + beta (std is `deviation` below).
template <class E>
Value<E> layerNormOf(const NodeView<E>& v) {
  const Value<E>& x = v.operand(0);
  const Value<E>& gamma = v.operand(1);
  const Value<E>& beta = v.operand(2);
  const E eps = Element<E>::constant(v.literals[0]);
  const int64_t rows = x.shape.dim(0), width = x.shape.dim(1);
  Value<E> out = emptyOutput(v);
  std::vector<E> centred;
  centred.reserve(static_cast<size_t>(width));
  for (int64_t i = 0; i < rows; ++i) {
    const E* xr = x.data.data() + i * width;
    E sum = zeroElement<E>();
    for (int64_t j = 0; j < width; ++j) sum += xr[j];
    const E mean = divideByCount(sum, width);
    centred.clear();
    E squares = zeroElement<E>();
    for (int64_t j = 0; j < width; ++j) {
      centred.push_back(xr[j] - mean);
      squares += centred.back() * centred.back();
    }
    const E variance = maximum(divideByCount(squares, width), zeroElement<E>());
    const E deviation = spec::sqrt(variance + eps);
    for (int64_t j = 0; j < width; ++j) {
      out.data.push_back(spec::divide(centred[j], deviation) * gamma.data[j] + beta.data[j]);
    }
  }
  return out;
}

template <class E>
Result<Value<E>> forwardNormalization(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Softmax:
      return softmaxOf(v);
    case Op::LogSoftmax:
      return logSoftmaxOf(v);
    case Op::LayerNorm:
      return layerNormOf(v);
    default:
      return internalError(*v.graph, v.id, "not a normalization op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Normalization, S)
