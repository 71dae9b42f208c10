// Op and OpFamily enums plus the static op table, all generated from ops.def.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace verigrad {

enum class Op : uint8_t {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) id,
#include "verigrad/ops.def"
#undef VG_OP
};

inline constexpr int kNumOps = 0
#define VG_OP(id, name, family, arity, attrs, rule, vjp) +1
#include "verigrad/ops.def"
#undef VG_OP
    ;

enum class OpFamily : uint8_t {
  Source,
  Elementwise,
  Reduction,
  Linalg,
  Structural,
  Indexing,
  Activation,     // transcendental elementwise ops
  Normalization,  // softmax, logSoftmax, layerNorm
};

enum class AttrKind : uint8_t { Int, Ints, Lit, Lits };

struct AttrSpec {
  std::string_view name;
  AttrKind kind;
};

// One row of the catalogue, parsed from ops.def at compile time.
struct OpInfo {
  Op op;
  std::string_view name;
  OpFamily family;
  int arity;
  std::span<const AttrSpec> attrs;
  bool takesTargetShape;       // the rule mentions @shape: the declared output shape is an argument
  bool hasGradientEdges;       // false for const and detach: no operand receives a gradient
  int numInts;                 // -1 when the op takes an `ints` list of any length
  int numLits;                 // -1 when the op takes a `lits` list of any length
  std::string_view shapeRule;  // source text of the row (shape_rules.hpp parses it)
  std::string_view vjpRecipes;
};

namespace detail {
// The catalogue, one OpInfo per op in enum order. Built at compile time (op.cpp), so it is valid
// before any dynamic initialisation runs and opInfo is a plain indexed load.
extern const std::array<OpInfo, kNumOps> kOpInfos;
}  // namespace detail

inline const OpInfo& opInfo(Op op) { return detail::kOpInfos[static_cast<size_t>(op)]; }
std::string_view opName(Op op);
std::optional<Op> opFromName(std::string_view name);
std::span<const Op> allOps();
std::string_view familyName(OpFamily family);
// True for the Activation and Normalization families: ops no exact rational scalar computes.
bool isTranscendental(Op op);

}  // namespace verigrad
