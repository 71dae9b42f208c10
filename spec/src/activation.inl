// Forward definitions of the activations (TorchLean reference §5.2.3), elementwise and written as
// the plain formulas over E = S or Dual<S>: their derivatives come from the dual numbers' rules
// for exp, log, log1p, tanh, sqrt and the quotient (dual.hpp), never from a derivative formula
// here. Defined only at a scalar with exp and log (the interval); the rational refuses them.
#pragma once

#include "node_forward.hpp"

namespace verigrad::spec::detail {

template <class E>
E constantOf(int n) {
  return Element<E>::constant(ScalarOf<E>(n));
}

// sigmoid(x) = 1 / (1 + exp(-x)); 1 + exp(-x) >= 1, so the quotient is defined.
template <class E>
E logistic(const E& x) {
  return reciprocal(constantOf<E>(1) + spec::exp(-x));
}

// softplus(x) = log(1 + exp(x)), written log1p(exp(x)): the same function, and the enclosure of
// 1 + exp(x) near 1 is not rounded before the logarithm.
template <class E>
E softplusOf(const E& x) {
  return spec::log1p(spec::exp(x));
}

// log: defined for x > 0 only (TorchLean panics, "use safe_log"). The first element whose value is
// not certainly > 0 (at the interval scalar: an enclosure reaching 0 or below) is a DomainError
// naming the node and the element.
template <class E>
Result<Value<E>> logarithm(const NodeView<E>& v) {
  using S = ScalarOf<E>;
  const Value<E>& x = v.operand(0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (spec::compare(Element<E>::primal(x.data[i]), S(0)) != Order::Greater) {
      return domainError(*v.graph, v.id, v.shape, i, "log of a value that is not > 0");
    }
  }
  return mapUnary(v, [](const E& e) { return spec::log(e); });
}

template <class E>
Result<Value<E>> forwardActivation(const NodeView<E>& v) {
  switch (v.op) {
    case Op::Sqrt:  // sqrt(max(x, 0)); the kink at 0 is dual.hpp's (derivative 0 at x <= 0)
      return mapUnary(v, [](const E& x) { return spec::sqrt(x); });
    case Op::Sigmoid:
      return mapUnary(v, [](const E& x) { return logistic(x); });
    case Op::Tanh:
      return mapUnary(v, [](const E& x) { return spec::tanh(x); });
    case Op::Softplus:
      return mapUnary(v, [](const E& x) { return softplusOf(x); });
    case Op::Exp:
      return mapUnary(v, [](const E& x) { return spec::exp(x); });
    case Op::Log:
      return logarithm(v);
    case Op::SafeLog: {  // log(softplus(x) + eps): eps > 0 (the shape rule), so always defined
      const E eps = Element<E>::constant(v.literals[0]);
      return mapUnary(v, [&](const E& x) { return spec::log(softplusOf(x) + eps); });
    }
    default:
      return internalError(*v.graph, v.id, "not an activation");
  }
}

}  // namespace verigrad::spec::detail

#define VG_SPEC_INSTANTIATE(S) VG_SPEC_INSTANTIATE_FAMILY(Activation, S)
