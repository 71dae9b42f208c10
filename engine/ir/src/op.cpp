// The static op table, parsed once from ops.def: names, families, attribute signatures.
#include "verigrad/op.hpp"

#include <array>
#include <cassert>
#include <string_view>
#include <vector>

namespace verigrad {
namespace {

struct RawRow {
  Op op;
  std::string_view name;
  OpFamily family;
  int arity;
  std::string_view attrs;
  std::string_view rule;
  std::string_view vjp;
};

constexpr RawRow kRawRows[] = {
#define VG_OP(id, name, family, arity, attrs, rule, vjp) \
  {Op::id, name, OpFamily::family, arity, attrs, rule, vjp},
#include "verigrad/ops.def"
#undef VG_OP
};
static_assert(std::size(kRawRows) == kNumOps);

AttrKind parseKind(std::string_view kind) {
  if (kind == "int") return AttrKind::Int;
  if (kind == "ints") return AttrKind::Ints;
  if (kind == "lit") return AttrKind::Lit;
  assert(kind == "lits" && "unknown attribute kind in ops.def");
  return AttrKind::Lits;
}

struct Table {
  std::array<std::vector<AttrSpec>, kNumOps> attrs;
  std::array<OpInfo, kNumOps> infos;

  Table() {
    for (int i = 0; i < kNumOps; ++i) {
      const RawRow& raw = kRawRows[i];
      assert(static_cast<int>(raw.op) == i);
      // "name:kind name:kind"
      std::string_view rest = raw.attrs;
      while (!rest.empty()) {
        size_t space = rest.find(' ');
        std::string_view item = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        if (item.empty()) continue;
        size_t colon = item.find(':');
        assert(colon != std::string_view::npos);
        attrs[i].push_back({item.substr(0, colon), parseKind(item.substr(colon + 1))});
      }
      int numInts = 0, numLits = 0;
      for (const AttrSpec& a : attrs[i]) {
        switch (a.kind) {
          case AttrKind::Int: numInts = numInts < 0 ? numInts : numInts + 1; break;
          case AttrKind::Ints: numInts = -1; break;
          case AttrKind::Lit: numLits = numLits < 0 ? numLits : numLits + 1; break;
          case AttrKind::Lits: numLits = -1; break;
        }
      }
      infos[i] = OpInfo{raw.op,
                        raw.name,
                        raw.family,
                        raw.arity,
                        attrs[i],
                        raw.rule.find("@shape") != std::string_view::npos,
                        raw.vjp != "none",
                        numInts,
                        numLits,
                        raw.rule,
                        raw.vjp};
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

constexpr std::array<Op, kNumOps> kAllOps = [] {
  std::array<Op, kNumOps> ops{};
  for (int i = 0; i < kNumOps; ++i) ops[i] = static_cast<Op>(i);
  return ops;
}();

}  // namespace

const OpInfo& opInfo(Op op) { return table().infos[static_cast<size_t>(op)]; }
std::string_view opName(Op op) { return kRawRows[static_cast<size_t>(op)].name; }

std::optional<Op> opFromName(std::string_view name) {
  for (const RawRow& raw : kRawRows) {
    if (raw.name == name) return raw.op;
  }
  return std::nullopt;
}

std::span<const Op> allOps() { return kAllOps; }

std::string_view familyName(OpFamily family) {
  switch (family) {
    case OpFamily::Source: return "source";
    case OpFamily::Elementwise: return "elementwise";
    case OpFamily::Reduction: return "reduction";
    case OpFamily::Linalg: return "linalg";
    case OpFamily::Structural: return "structural";
    case OpFamily::Indexing: return "indexing";
    case OpFamily::Activation: return "activation";
    case OpFamily::Normalization: return "normalization";
  }
  return "unknown";
}

bool isTranscendental(Op op) {
  const OpFamily f = opInfo(op).family;
  return f == OpFamily::Activation || f == OpFamily::Normalization;
}

}  // namespace verigrad
