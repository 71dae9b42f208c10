// The Source family's kernels (const, detach): values that start or stop a gradient path.
// Included once per scalar by the generated instantiation units (engine/CMakeLists.txt).
#pragma once

#include <string>

#include "kernel_api.hpp"
#include "verigrad/op.hpp"

namespace verigrad::kernels {

namespace source {

// const — ops.def: VG_OP(Const, "const", Source, 0, "payload:lits", "-> @shape", "none").
// The value is the payload, already converted to T by compile, in row-major order.
template <class T>
Status forwardConst(const NodeArgs<T>& a, T* out) {
  const int64_t n = a.node->shape.numel();
  // The builder checks the payload count against the declared shape; a mismatch here means the
  // literal conversion and the graph disagree, which is a bug rather than bad input.
  if (static_cast<int64_t>(a.lits.size()) != n) {
    return Error::make(ErrorCode::Internal,
                       "'" + a.graph->nodeText(a.id) + "': const payload has " +
                           std::to_string(a.lits.size()) + " literals for " + std::to_string(n) +
                           " elements",
                       a.id);
  }
  for (int64_t i = 0; i < n; ++i) out[i] = a.lits[static_cast<size_t>(i)];
  return okStatus();
}

// detach — ops.def: VG_OP(Detach, "detach", Source, 1, "", "x[*s] -> [*s]", "none").
// Identity forward; the gradient stops here (no edge to x).
template <class T>
Status forwardDetach(const NodeArgs<T>& a, T* out) {
  const int64_t n = a.node->shape.numel();
  const T* x = a.in[0].data;
  for (int64_t i = 0; i < n; ++i) out[i] = x[i];
  return okStatus();
}

}  // namespace source

template <class T>
Status forwardSource(const NodeArgs<T>& a, T* out) {
  switch (a.node->op) {
    case Op::Const:
      return source::forwardConst(a, out);
    case Op::Detach:
      return source::forwardDetach(a, out);
    default:
      return Error::make(ErrorCode::Internal,
                         "forwardSource called for op '" + std::string(opName(a.node->op)) + "'",
                         a.id);
  }
}

// Neither const nor detach has a gradient edge (ops.def recipe "none", OpInfo::hasGradientEdges
// is false), so the sweeps never call this. It deliberately leaves dst untouched: a stray call
// must not overwrite a slot that another node's contribution owns.
template <class T>
void vjpSource(const NodeArgs<T>& /*a*/, int /*operand*/, const T* /*g*/, T* /*dst*/,
               Accum /*mode*/) {}

}  // namespace verigrad::kernels
