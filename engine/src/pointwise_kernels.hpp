// The forward and VJP kernels of the pointwise ops (Elementwise and Activation families): loops
// over each op's Pointwise rule (engine/ops/<family>_rules.hpp). The accumulation mode and the
// operand are template parameters, so the loops carry no branch on them.
#pragma once

#include <string>

#include "kernel_api.hpp"
#include "kernel_loops.hpp"
#include "pointwise_rule.hpp"
#include "verigrad/scalar_traits.hpp"

namespace verigrad::kernels::pointwise {

// Over exact and interval scalars, the first element outside the op's domain is a DomainError
// naming the node and the element; over float and double nothing is checked (IEEE results).
template <Op op, class T>
Status checkDomain([[maybe_unused]] const NodeArgs<T>& a, [[maybe_unused]] int64_t n) {
  if constexpr (ScalarTraits<T>::domainErrors && RestrictedDomain<op>) {
    using P = Pointwise<op>;
    const T* x = a.in[0].data;
    for (int64_t i = 0; i < n; ++i) {
      bool outside;
      if constexpr (kArityOf[static_cast<size_t>(op)] == 1) {
        outside = P::outsideDomain(x[i]);
      } else {
        outside = P::outsideDomain(x[i], a.in[1].data[i]);
      }
      if (outside) return domainError(a, i, P::domainMessage);
    }
  }
  return okStatus();
}

template <Op op, class T>
Status forward(const NodeArgs<T>& a, T* out) {
  using P = Pointwise<op>;
  const int64_t n = loops::numelOf(a);
  VG_TRY_STATUS((checkDomain<op>(a, n)));
  const T* lits = a.lits.data();
  const T* x = a.in[0].data;
  if constexpr (kArityOf[static_cast<size_t>(op)] == 1) {
    return loops::produce(out, n, [&](int64_t i) { return P::value(x[i], lits); });
  } else {
    const T* y = a.in[1].data;
    return loops::produce(out, n, [&](int64_t i) { return P::value(x[i], y[i], lits); });
  }
}

template <Op op, int k, Accum M, class T>
void vjpOperand(const NodeArgs<T>& a, const T* g, T* dst) {
  using P = Pointwise<op>;
  const int64_t n = loops::numelOf(a);
  const T* lits = a.lits.data();
  const T* x = a.in[0].data;
  const T* out = a.out.data;
  if constexpr (kArityOf[static_cast<size_t>(op)] == 1) {
    loops::emit<M>(dst, n,
                   [&](int64_t i) { return P::template grad<k>(g[i], x[i], out[i], lits); });
  } else {
    const T* y = a.in[1].data;
    loops::emit<M>(dst, n,
                   [&](int64_t i) { return P::template grad<k>(g[i], x[i], y[i], out[i], lits); });
  }
}

template <Op op, class T>
void vjp(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  if constexpr (kArityOf[static_cast<size_t>(op)] == 1) {
    if (mode == Accum::Assign) return vjpOperand<op, 0, Accum::Assign>(a, g, dst);
    return vjpOperand<op, 0, Accum::Add>(a, g, dst);
  } else {
    if (operand == 0) {
      if (mode == Accum::Assign) return vjpOperand<op, 0, Accum::Assign>(a, g, dst);
      return vjpOperand<op, 0, Accum::Add>(a, g, dst);
    }
    if (mode == Accum::Assign) return vjpOperand<op, 1, Accum::Assign>(a, g, dst);
    return vjpOperand<op, 1, Accum::Add>(a, g, dst);
  }
}

// One family's dispatch: every op of the family is pointwise (kIsPointwise), so each has a rule.
template <OpFamily F, class T>
Status forwardFamily(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) \
  case Op::id:                                           \
    if constexpr (OpFamily::family == F) {               \
      return pointwise::forward<Op::id>(a, out);         \
    }                                                    \
    break;
#include "verigrad/ops.def"
#undef VG_OP
  }
  return Error::make(ErrorCode::Internal,
                     "the " + std::string(familyName(F)) + " kernels were called for op '" +
                         std::string(opName(a.node->op)) + "'",
                     a.id);
}

template <OpFamily F, class T>
void vjpFamily(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode) {
  switch (a.node->op) {
#define VG_OP(id, name, family, arity, attrs, rule, recipe)    \
  case Op::id:                                                 \
    if constexpr (OpFamily::family == F) {                     \
      return pointwise::vjp<Op::id>(a, operand, g, dst, mode); \
    }                                                          \
    return;
#include "verigrad/ops.def"
#undef VG_OP
  }
}

}  // namespace verigrad::kernels::pointwise
