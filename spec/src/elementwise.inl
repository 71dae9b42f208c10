// Forward definitions of the elementwise ops: out[i] = f(a[i], b[i]) or f(x[i]), same shape.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// The first divisor that may be zero (an exact zero, or an enclosure containing 0) in row-major
// order is a DomainError at that element: the exact scalar has no infinity to return, and an
// enclosure containing 0 has no finite quotient.
template <class E>
Result<Value<E>> checkedDivisors(const NodeView<E>& v, const Value<E>& divisor) {
  for (int64_t i = 0; i < divisor.numel(); ++i) {
    if (possiblyZero(Element<E>::primal(divisor.data[i]))) {
      return domainError(*v.graph, v.id, v.shape, i, "division by zero");
    }
  }
  return Value<E>{};
}

// div: out[i] = a[i] / b[i].
template <class E>
Result<Value<E>> quotient(const NodeView<E>& v) {
  Result<Value<E>> check = checkedDivisors(v, v.operand(1));
  if (!check.ok()) return check;
  return mapBinary(v, [](const E& a, const E& b) { return spec::divide(a, b); });
}

// inv: out[i] = 1 / x[i].
template <class E>
Result<Value<E>> inverse(const NodeView<E>& v) {
  Result<Value<E>> check = checkedDivisors(v, v.operand(0));
  if (!check.ok()) return check;
  return mapUnary(v, [](const E& x) { return reciprocal(x); });
}

template <class E>
Result<Value<E>> forwardElementwise(const NodeView<E>& v) {
  using S = ScalarOf<E>;
  switch (v.op) {
    case Op::Add:
      return mapBinary(v, [](const E& a, const E& b) { return a + b; });
    case Op::Sub:
      return mapBinary(v, [](const E& a, const E& b) { return a - b; });
    case Op::Mul:
      return mapBinary(v, [](const E& a, const E& b) { return a * b; });
    case Op::Div:
      return quotient(v);
    case Op::Square:  // x ⊙ x, TorchLean's mul x x
      return mapUnary(v, [](const E& x) { return x * x; });
    case Op::Scale: {  // x * c
      const S& c = v.literals[0];
      return mapUnary(v, [&](const E& x) { return x * c; });
    }
    case Op::Max:
      return mapBinary(v, [](const E& a, const E& b) { return maximum(a, b); });
    case Op::Min:
      return mapBinary(v, [](const E& a, const E& b) { return minimum(a, b); });
    case Op::Abs:
      return mapUnary(v, [](const E& x) { return absolute(x); });
    case Op::Clamp: {  // min(hi, max(lo, x))
      const S& lo = v.literals[0];
      const S& hi = v.literals[1];
      return mapUnary(v, [&](const E& x) { return clampTo(x, lo, hi); });
    }
    case Op::Relu:  // max(x, 0)
      return mapUnary(v, [](const E& x) { return relu(x); });
    case Op::Inv:
      return inverse(v);
    default:
      return internalError(*v.graph, v.id, "not an elementwise op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Elementwise, S)
