// The static op table, parsed from ops.def at compile time: names, families, attribute signatures.
#include "verigrad/op.hpp"

#include <array>
#include <string_view>

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

// A kind ops.def does not define stops the compile: the table below is a constant expression, and
// this function is not constexpr.
AttrKind unknownAttributeKindInOpsDef() { return AttrKind::Lits; }

constexpr AttrKind parseKind(std::string_view kind) {
  if (kind == "int") return AttrKind::Int;
  if (kind == "ints") return AttrKind::Ints;
  if (kind == "lit") return AttrKind::Lit;
  if (kind == "lits") return AttrKind::Lits;
  return unknownAttributeKindInOpsDef();
}

// Calls f(AttrSpec) for each `name:kind` item of an attribute string ("name:kind name:kind").
template <class F>
constexpr void forEachAttr(std::string_view rest, F f) {
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    const std::string_view item = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    if (item.empty()) continue;
    const size_t colon = item.find(':');  // an item without one has no kind: parseKind stops
    f(AttrSpec{item.substr(0, colon),
               parseKind(colon == std::string_view::npos ? "" : item.substr(colon + 1))});
  }
}

constexpr size_t kNumAttrSpecs = [] {
  size_t n = 0;
  for (const RawRow& raw : kRawRows) forEachAttr(raw.attrs, [&](AttrSpec) { ++n; });
  return n;
}();

// Every row's attributes, back to back; row i owns [begin[i], begin[i + 1]).
struct AttrTable {
  std::array<AttrSpec, kNumAttrSpecs> specs{};
  std::array<size_t, kNumOps + 1> begin{};
};

constexpr AttrTable kAttrTable = [] {
  AttrTable t;
  size_t n = 0;
  for (int i = 0; i < kNumOps; ++i) {
    t.begin[i] = n;
    forEachAttr(kRawRows[i].attrs, [&](AttrSpec a) { t.specs[n++] = a; });
  }
  t.begin[kNumOps] = n;
  return t;
}();

constexpr bool rowsInEnumOrder() {
  for (int i = 0; i < kNumOps; ++i) {
    if (static_cast<int>(kRawRows[i].op) != i) return false;
  }
  return true;
}
static_assert(rowsInEnumOrder());

constexpr OpInfo makeInfo(int i) {
  const RawRow& raw = kRawRows[i];
  const std::span<const AttrSpec> attrs(kAttrTable.specs.data() + kAttrTable.begin[i],
                                        kAttrTable.begin[i + 1] - kAttrTable.begin[i]);
  int numInts = 0, numLits = 0;
  for (const AttrSpec& a : attrs) {
    switch (a.kind) {
      case AttrKind::Int:
        numInts = numInts < 0 ? numInts : numInts + 1;
        break;
      case AttrKind::Ints:
        numInts = -1;
        break;
      case AttrKind::Lit:
        numLits = numLits < 0 ? numLits : numLits + 1;
        break;
      case AttrKind::Lits:
        numLits = -1;
        break;
    }
  }
  return OpInfo{raw.op,
                raw.name,
                raw.family,
                raw.arity,
                attrs,
                raw.rule.find("@shape") != std::string_view::npos,
                raw.vjp != "none",
                numInts,
                numLits,
                raw.rule,
                raw.vjp};
}

constexpr std::array<Op, kNumOps> kAllOps = [] {
  std::array<Op, kNumOps> ops{};
  for (int i = 0; i < kNumOps; ++i) ops[i] = static_cast<Op>(i);
  return ops;
}();

}  // namespace

constexpr std::array<OpInfo, kNumOps> detail::kOpInfos = [] {
  std::array<OpInfo, kNumOps> infos{};
  for (int i = 0; i < kNumOps; ++i) infos[i] = makeInfo(i);
  return infos;
}();

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
    case OpFamily::Source:
      return "source";
    case OpFamily::Elementwise:
      return "elementwise";
    case OpFamily::Reduction:
      return "reduction";
    case OpFamily::Linalg:
      return "linalg";
    case OpFamily::Structural:
      return "structural";
    case OpFamily::Indexing:
      return "indexing";
    case OpFamily::Activation:
      return "activation";
    case OpFamily::Normalization:
      return "normalization";
  }
  return "unknown";
}

bool isTranscendental(Op op) {
  const OpFamily f = opInfo(op).family;
  return f == OpFamily::Activation || f == OpFamily::Normalization;
}

}  // namespace verigrad
