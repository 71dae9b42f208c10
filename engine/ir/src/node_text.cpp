// Formats a node's head in the graph text syntax (see node_text.hpp).
#include "node_text.hpp"

namespace verigrad::detail {
namespace {

constexpr size_t kAbbreviateAfter = 8;

template <class T, class Fn>
void appendList(std::string& out, std::span<const T> items, bool abbreviate, Fn&& format) {
  out += '[';
  size_t shown = abbreviate ? std::min(items.size(), kAbbreviateAfter) : items.size();
  for (size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    out += format(items[i]);
  }
  if (shown < items.size()) out += ", ... (" + std::to_string(items.size()) + " in all)";
  out += ']';
}

}  // namespace

std::string formatNodeText(ValueId id, Op op, std::span<const ValueId> parents,
                           std::span<const int64_t> ints, std::span<const ExactLiteral> literals,
                           bool abbreviate) {
  std::string out = "%" + std::to_string(id) + " = " + std::string(opName(op)) + "(";
  for (size_t i = 0; i < parents.size(); ++i) {
    if (i) out += ", ";
    out += "%" + std::to_string(parents[i]);
  }
  out += ')';

  const OpInfo& info = opInfo(op);
  if (info.attrs.empty()) return out;
  out += " {";
  size_t nextInt = 0, nextLit = 0;
  for (size_t a = 0; a < info.attrs.size(); ++a) {
    const AttrSpec& spec = info.attrs[a];
    if (a) out += ", ";
    out += std::string(spec.name) + " = ";
    switch (spec.kind) {
      case AttrKind::Int:
        out += nextInt < ints.size() ? std::to_string(ints[nextInt++]) : "?";
        break;
      case AttrKind::Ints:
        appendList(out, ints, abbreviate, [](int64_t v) { return std::to_string(v); });
        break;
      case AttrKind::Lit:
        out += nextLit < literals.size() ? literals[nextLit++].str() : "?";
        break;
      case AttrKind::Lits:
        appendList(out, literals, abbreviate, [](const ExactLiteral& v) { return v.str(); });
        break;
    }
  }
  return out + "}";
}

}  // namespace verigrad::detail
