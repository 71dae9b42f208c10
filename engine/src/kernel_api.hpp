// The contract between the sweeps (compile.inl, tape.inl) and the op-family kernels
// (engine/ops/<family>.inl). Engine-internal: not installed, not included by users.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "verigrad/graph.hpp"
#include "verigrad/result.hpp"
#include "verigrad/tensor.hpp"

namespace verigrad::kernels {

// How a VJP writes its contribution c into the destination slot.
enum class Accum : uint8_t {
  Assign,  // dst = c         (first contribution of a reached slot, or scratch)
  Add,     // dst = dst + c   (existing first, then the contribution)
};

template <class T>
inline void accumulate(T& dst, const T& c, Accum mode) {
  if (mode == Accum::Assign) {
    dst = c;
  } else {
    dst += c;
  }
}

// Everything a kernel may read about one node.
template <class T>
struct NodeArgs {
  const Graph* graph = nullptr;
  ValueId id = 0;  // the node's value id (|Γ| + k)
  const Node* node = nullptr;
  std::span<const int64_t> ints;  // the node's int attributes
  std::span<const T> lits;        // the node's literals, converted to T by compile
  TensorView<T> in[3];            // operand values, in operand order (arity entries)
  TensorView<T> out;              // the node's forward value; set for VJPs only
};

// Write the node's value (out shape = node->shape) into `out`, which holds node->shape.numel()
// value-initialised elements (unspecified ones for the ops of kForwardOverwrites). Over exact
// scalars, a value outside an op's domain (division by zero) is a DomainError naming the node
// (graph->nodeText(id)) and the element.
template <class T>
using ForwardFn = Status (*)(const NodeArgs<T>&, T* out);

// The contribution of the node's VJP to operand `operand` for upstream cotangent `g` (node's
// shape), written into `dst` (the operand's shape) with `mode`. Called only for operands of ops
// with gradient edges. Must not read dst when mode == Assign.
template <class T>
using VjpFn = void (*)(const NodeArgs<T>&, int operand, const T* g, T* dst, Accum mode);

// Ops whose forward kernel writes every element of `out` without reading it, so evaluate skips
// value-initialising their slots (for a [64,512] layer that is a 128 KB memset per node): the
// Elementwise and Activation families (every kernel stores through loops::produce), matmul (GEMM
// with beta = 0, or an Assign fold) and broadcastTo (a copy). tests/ops/forward_overwrite_test
// checks each claim by calling the kernel on an `out` full of NaN.
inline constexpr std::array<bool, kNumOps> kForwardOverwrites = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp)                                   \
  OpFamily::family == OpFamily::Elementwise || OpFamily::family == OpFamily::Activation || \
      Op::id == Op::Matmul || Op::id == Op::BroadcastTo,
#include "verigrad/ops.def"
#undef VG_OP
};

// One pair per family; each family file defines them for its ops and is instantiated per scalar
// in engine/ops/inst/<family>_<scalar>.cpp.
#define VG_DECLARE_FAMILY(Family)                       \
  template <class T>                                    \
  Status forward##Family(const NodeArgs<T>& a, T* out); \
  template <class T>                                    \
  void vjp##Family(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode);
VG_DECLARE_FAMILY(Source)
VG_DECLARE_FAMILY(Elementwise)
VG_DECLARE_FAMILY(Reduction)
VG_DECLARE_FAMILY(Linalg)
VG_DECLARE_FAMILY(Structural)
VG_DECLARE_FAMILY(Indexing)
VG_DECLARE_FAMILY(Activation)
VG_DECLARE_FAMILY(Normalization)
#undef VG_DECLARE_FAMILY

#define VG_INSTANTIATE_FAMILY(Family, T)                            \
  template Status forward##Family<T>(const NodeArgs<T>& a, T* out); \
  template void vjp##Family<T>(const NodeArgs<T>& a, int operand, const T* g, T* dst, Accum mode);

// The error an exact kernel returns for a value outside its op's domain, e.g.
//   '%5 = div(%3, %4)': division by zero at element [1,0]
template <class T>
Error domainError(const NodeArgs<T>& a, int64_t flatIndex, std::string_view what) {
  return Error::make(ErrorCode::DomainError,
                     "'" + a.graph->nodeText(a.id) + "': " + std::string(what) + " at element " +
                         a.node->shape.indexText(flatIndex),
                     a.id);
}

}  // namespace verigrad::kernels
