// Forward definitions of the sources and gradient stops: const and detach.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

// const: the payload in row-major order. A constant does not move: its tangent is zero.
template <class E>
Value<E> constPayload(const NodeView<E>& v) {
  Value<E> out = emptyOutput(v);
  for (const ScalarOf<E>& c : v.literals) out.data.push_back(Element<E>::constant(c));
  return out;
}

// detach: out[i] = x[i], as a constant (a gradient stop: the tangent does not pass).
template <class E>
Value<E> detached(const NodeView<E>& v) {
  Value<E> out = emptyOutput(v);
  for (const E& x : v.operand(0).data)
    out.data.push_back(Element<E>::constant(Element<E>::primal(x)));
  return out;
}

template <class E>
Result<Value<E>> forwardSource(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Const:
      return constPayload(v);
    case Op::Detach:
      return detached(v);
    default:
      return internalError(*v.graph, v.id, "not a source op");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Source, S)
