// Parser of the graph text format with symbolic dims (shapes.hpp): a line cursor of its own, and
// the rule-language parser (rules::parseRule) for every dim expression, with the symbols as int
// attributes, so expressions mean exactly what they mean in ops.def rows.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "verigrad/smt/shapes.hpp"
#include "verigrad/text_cursor.hpp"

namespace verigrad::smt {
namespace {

// Words of the rule language that cannot name a symbol (the parser treats them specially).
constexpr std::string_view kKeywords[] = {"if",    "then",   "else", "rank",          "numel",
                                          "count", "where",  "drop", "swap",          "setdim",
                                          "shape", "nonneg", "none", "broadcastable", "g"};

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

Error lineError(size_t line, const std::string& what) {
  return Error::make(ErrorCode::Parse, "line " + std::to_string(line) + ": " + what);
}

// A bracketed list "[...]" as its inner text.
Result<std::string_view> bracketed(TextCursor& c, std::string_view what) {
  VG_TRY_STATUS(c.expect("[", what));
  std::string_view inner = c.until("]");
  VG_TRY_STATUS(c.expect("]", "to close the list"));
  return inner;
}

std::vector<std::string_view> splitTopLevel(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    const char c = i < s.size() ? s[i] : ',';
    if (depth == 0 && c == ',') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
    depth += (c == '(' || c == '[') ? 1 : (c == ')' || c == ']') ? -1 : 0;
  }
  if (out.size() == 1 && out[0].find_first_not_of(" \t") == std::string_view::npos) out.clear();
  return out;
}

// Dim expressions of a shape text "d, d, ..." through the rule-language parser.
Result<std::vector<SymbolicGraph::DimPtr>> parseDims(const SymbolicGraph& g, std::string_view text,
                                                     size_t line) {
  Result<rules::ShapeRule> row =
      rules::parseRule("shape", g.symbolAttrs, "-> [" + std::string(text) + "]");
  if (!row.ok()) return lineError(line, "in [" + std::string(text) + "]: " + row.error().message);
  std::vector<SymbolicGraph::DimPtr> dims;
  for (const rules::ShapeExpr::Item& item : row.value().output.items) dims.push_back(item.dim);
  return dims;
}

// Identifiers of an input line's shape: its symbols.
void collectSymbols(std::string_view text, std::vector<std::string>& symbols) {
  for (size_t i = 0; i < text.size();) {
    if (!isIdentStart(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && isIdentChar(text[end])) ++end;
    const std::string name(text.substr(i, end - i));
    bool keyword = false;
    for (std::string_view k : kKeywords) keyword = keyword || k == name;
    if (!keyword && std::find(symbols.begin(), symbols.end(), name) == symbols.end()) {
      symbols.push_back(name);
    }
    i = end;
  }
}

struct Line {
  std::string_view text;
  size_t number;
};

std::vector<Line> splitLines(std::string_view text) {
  std::vector<Line> out;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) {
      line.remove_prefix(1);
    }
    if (!line.empty()) out.push_back({line, number});
  }
  return out;
}

Status parseInput(SymbolicGraph& g, TextCursor& c, const Line& l) {
  Result<uint32_t> id = c.id<uint32_t>("after 'input'");
  if (!id.ok()) return id.error();
  if (id.value() != g.inputs.size()) {
    return c.error("expected input %" + std::to_string(g.inputs.size()) + " next");
  }
  VG_TRY_STATUS(c.expect(":", "before the input shape"));
  Result<std::string_view> inner = bracketed(c, "to open the input shape");
  if (!inner.ok()) return inner.error();
  if (!c.atEnd()) return c.error("unexpected text after the input shape");
  Result<std::vector<SymbolicGraph::DimPtr>> dims = parseDims(g, inner.value(), l.number);
  if (!dims.ok()) return dims.error();
  g.inputs.push_back({std::string(l.text), l.number, std::move(dims).value()});
  return okStatus();
}

Status parseAttributes(SymbolicGraph& g, TextCursor& c, const OpInfo& info,
                       SymbolicGraph::Node& n) {
  if (!c.accept("{")) {
    if (!info.attrs.empty()) return c.error(std::string(info.name) + " needs attributes {...}");
    return okStatus();
  }
  for (size_t a = 0; a < info.attrs.size(); ++a) {
    const AttrSpec& spec = info.attrs[a];
    if (a) VG_TRY_STATUS(c.expect(",", "between attributes"));
    const std::string_view name = c.word();
    if (name != spec.name) {
      return c.error("expected attribute '" + std::string(spec.name) + "' of " +
                     std::string(info.name) + ", got '" + std::string(name) + "'");
    }
    VG_TRY_STATUS(c.expect("=", "after the attribute name"));
    switch (spec.kind) {
      case AttrKind::Int: {
        Result<std::vector<SymbolicGraph::DimPtr>> e = parseDims(g, c.until(",}"), n.line);
        if (!e.ok()) return e.error();
        if (e.value().size() != 1) return c.error("expected one expression");
        n.ints.push_back(e.value()[0]);
        break;
      }
      case AttrKind::Ints: {
        Result<std::string_view> inner = bracketed(c, "to open the list");
        if (!inner.ok()) return inner.error();
        std::vector<int64_t> list;
        for (std::string_view item : splitTopLevel(inner.value())) {
          while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
          while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
          int64_t v = 0;
          auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
          if (ec != std::errc() || end != item.data() + item.size()) {
            return c.error("expected an integer in the list, got '" + std::string(item) + "'");
          }
          list.push_back(v);
        }
        n.list = std::move(list);
        break;
      }
      case AttrKind::Lit:
        // The value does not matter to shapes; only that there is one.
        if (c.until(",}").empty()) return c.error("expected a literal");
        ++n.numLiterals;
        break;
      case AttrKind::Lits: {
        Result<std::string_view> inner = bracketed(c, "to open the list");
        if (!inner.ok()) return inner.error();
        n.numLiterals += splitTopLevel(inner.value()).size();
        break;
      }
    }
  }
  return c.expect("}", "to close the attributes");
}

Status parseNode(SymbolicGraph& g, TextCursor& c, const Line& l) {
  SymbolicGraph::Node n;
  n.text = std::string(l.text);
  n.line = l.number;
  Result<uint32_t> id = c.id<uint32_t>("to start a node line");
  if (!id.ok()) return id.error();
  const size_t expected = g.inputs.size() + g.nodes.size();
  if (id.value() != expected) {
    return c.error("expected node %" + std::to_string(expected) + " next");
  }
  VG_TRY_STATUS(c.expect("=", "after the node id"));
  const std::string_view name = c.word();
  const std::optional<Op> op = opFromName(name);
  if (!op) return c.error("unknown op '" + std::string(name) + "'");
  n.op = *op;
  const OpInfo& info = opInfo(*op);
  VG_TRY_STATUS(c.expect("(", "after the op name"));
  if (!c.accept(")")) {
    while (true) {
      Result<uint32_t> p = c.id<uint32_t>("as an operand");
      if (!p.ok()) return p.error();
      if (p.value() >= id.value()) {
        return c.error("operand %" + std::to_string(p.value()) + " is not defined before %" +
                       std::to_string(id.value()));
      }
      n.parents.push_back(p.value());
      if (c.accept(")")) break;
      VG_TRY_STATUS(c.expect(",", "or ')' after an operand"));
    }
  }
  if (n.parents.size() != static_cast<size_t>(info.arity)) {
    return c.error(std::string(info.name) + " takes " + std::to_string(info.arity) +
                   " operand(s), got " + std::to_string(n.parents.size()));
  }
  VG_TRY_STATUS(parseAttributes(g, c, info, n));
  if (c.accept(":")) {
    Result<std::string_view> inner = bracketed(c, "to open the declared shape");
    if (!inner.ok()) return inner.error();
    Result<std::vector<SymbolicGraph::DimPtr>> dims = parseDims(g, inner.value(), l.number);
    if (!dims.ok()) return dims.error();
    n.declared = std::move(dims).value();
  } else if (info.takesTargetShape) {
    return c.error(std::string(info.name) + " needs its target shape after ':'");
  }
  if (!c.atEnd()) return c.error("unexpected text after the node");
  g.nodes.push_back(std::move(n));
  return okStatus();
}

}  // namespace

Result<SymbolicGraph> parseSymbolicGraph(std::string_view text) {
  const std::vector<Line> lines = splitLines(text);
  // Symbols are the names in the input lines' shapes, known before any expression is parsed.
  auto symbols = std::make_shared<std::vector<std::string>>();
  for (const Line& l : lines) {
    if (l.text.rfind("input", 0) != 0) continue;
    const size_t colon = l.text.find(':');
    if (colon != std::string_view::npos) collectSymbols(l.text.substr(colon + 1), *symbols);
  }
  SymbolicGraph g;
  g.symbols = symbols;
  for (const std::string& s : *symbols) g.symbolAttrs.push_back({s, AttrKind::Int});
  for (const Line& l : lines) {
    TextCursor c(l.text, l.number);
    if (c.accept("input")) {
      if (!g.nodes.empty()) return c.error("inputs must precede the nodes");
      VG_TRY_STATUS(parseInput(g, c, l));
    } else if (c.accept("value") || c.accept("seed")) {
      continue;  // data lines say nothing about shapes
    } else {
      VG_TRY_STATUS(parseNode(g, c, l));
    }
  }
  return g;
}

}  // namespace verigrad::smt
