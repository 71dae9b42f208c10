// The case file format: the graph text format (graph, `value` and `seed` lines) plus the data lines
// only a property case carries (`seedb`, `tangent`, `coeff a|b`, `out`). Every error names its
// line.
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "verigrad/graph_text.hpp"
#include "verigrad/props/case.hpp"
#include "verigrad/text_cursor.hpp"

namespace verigrad::props {
namespace {

std::string listText(std::span<const Rational> xs) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + xs[i].str();
  return out + "]";
}

std::vector<ExactLiteral> toLiterals(const Tensor<Rational>& t) {
  std::vector<ExactLiteral> out;
  out.reserve(static_cast<size_t>(t.numel()));
  // Rational::str() is canonical "p" or "p/q", which ExactLiteral::parse reads exactly.
  for (const Rational& x : t.span()) out.push_back(ExactLiteral::parse(x.str()).value());
  return out;
}

Tensor<Rational> fromLiterals(const Shape& shape, const std::vector<ExactLiteral>& xs) {
  std::vector<Rational> data;
  data.reserve(xs.size());
  for (const ExactLiteral& x : xs) data.push_back(Rational::fromLiteral(x));
  return Tensor<Rational>::make(shape, std::move(data)).value();
}

bool sameTensors(const std::vector<Tensor<Rational>>& a, const std::vector<Tensor<Rational>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].shape() != b[i].shape()) return false;
    if (!std::equal(a[i].span().begin(), a[i].span().end(), b[i].span().begin(),
                    b[i].span().end())) {
      return false;
    }
  }
  return true;
}

// ---- parsing the case's own data lines

// An exact rational data entry, up to the next ',' or ']'.
Result<Rational> readRational(TextCursor& c) {
  const size_t start = c.position();
  Result<Rational> r = Rational::parse(c.token(",]"));
  if (!r.ok()) return c.errorAt(start, "bad rational: " + r.error().message);
  return r;
}

Result<std::vector<Rational>> readData(TextCursor& c) {
  return c.list<Rational>([&] { return readRational(c); }, "the data");
}

struct Line {
  std::string_view text;  // without the comment
  size_t number;          // 1-based
};

std::vector<Line> splitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    lines.push_back({line, number});
  }
  return lines;
}

std::string_view firstWord(std::string_view line) {
  size_t start = 0;
  while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
  size_t end = start;
  while (end < line.size() && std::isalnum(static_cast<unsigned char>(line[end]))) ++end;
  return line.substr(start, end - start);
}

bool isCaseDataWord(std::string_view w) {
  return w == "seedb" || w == "tangent" || w == "coeff" || w == "out";
}

// The graph parser reports a `value`/`seed` line with the wrong element count after the whole
// graph is read, without a line number: find the line it means and name it.
Error withLine(Error e, const std::vector<Line>& lines) {
  if (e.message.rfind("line ", 0) == 0) return e;
  for (std::string_view kind : {std::string_view("value"), std::string_view("seed")}) {
    const std::string head = std::string(kind) + " %";
    if (e.message.rfind(head, 0) != 0) continue;
    const std::string idText =
        e.message.substr(head.size(), e.message.find(' ', head.size()) - head.size());
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      TextCursor c(it->text, it->number);
      if (!c.accept(kind) || !c.accept("%")) continue;
      if (c.word() == idText) {
        e.message = "line " + std::to_string(it->number) + ": " + e.message;
        return e;
      }
    }
  }
  e.message = "case file: " + e.message;
  return e;
}

// The case being filled, with what has been set so far (duplicates are errors).
struct CaseData {
  std::vector<std::optional<std::vector<Rational>>> seedsB, tangents;
  std::optional<Rational> coeffA, coeffB;
  std::optional<size_t> out;
};

Status parseTensorLine(TextCursor& c, std::string_view kind, const Graph& g,
                       std::vector<std::optional<std::vector<Rational>>>& slots) {
  Result<size_t> id = c.id<size_t>("after '" + std::string(kind) + "'");
  if (!id.ok()) return id.error();
  if (id.value() >= slots.size()) {
    return c.error(std::string(kind) + " %" + std::to_string(id.value()) + " is not " +
                   (kind == "tangent" ? "an input" : "a value id"));
  }
  VG_TRY_STATUS(c.expect("=", "before the data"));
  Result<std::vector<Rational>> data = readData(c);
  if (!data.ok()) return data.error();
  if (!c.atEnd()) return c.error("unexpected text after the data");
  const Shape& s = g.shapeOf(static_cast<ValueId>(id.value()));
  if (static_cast<int64_t>(data->size()) != s.numel()) {
    return c.error(std::string(kind) + " %" + std::to_string(id.value()) + " has " +
                   std::to_string(data->size()) + " entries, shape " + s.str() + " needs " +
                   std::to_string(s.numel()));
  }
  if (slots[id.value()]) {
    return c.error("duplicate " + std::string(kind) + " %" + std::to_string(id.value()));
  }
  slots[id.value()] = std::move(data).value();
  return okStatus();
}

Status parseCoeffLine(TextCursor& c, CaseData& data) {
  std::string_view which = c.word();
  if (which != "a" && which != "b") return c.error("expected 'coeff a' or 'coeff b'");
  VG_TRY_STATUS(c.expect("=", "after the coefficient name"));
  Result<Rational> q = readRational(c);
  if (!q.ok()) return q.error();
  if (!c.atEnd()) return c.error("unexpected text after the coefficient");
  std::optional<Rational>& slot = which == "a" ? data.coeffA : data.coeffB;
  if (slot) return c.error("duplicate coeff " + std::string(which));
  slot = std::move(q).value();
  return okStatus();
}

// An out-of-range id is a legal case: the properties check the error it gives.
Status parseOutLine(TextCursor& c, CaseData& data) {
  Result<size_t> id = c.id<size_t>("after 'out'");
  if (!id.ok()) return id.error();
  if (!c.atEnd()) return c.error("unexpected text after the output id");
  if (data.out) return c.error("duplicate out");
  data.out = id.value();
  return okStatus();
}

Status parseDataLine(const Line& line, const Graph& g, CaseData& data) {
  TextCursor c(line.text, line.number);
  const std::string_view kind = c.word();
  if (kind == "seedb") return parseTensorLine(c, kind, g, data.seedsB);
  if (kind == "tangent") return parseTensorLine(c, kind, g, data.tangents);
  if (kind == "coeff") return parseCoeffLine(c, data);
  return parseOutLine(c, data);
}

std::vector<Tensor<Rational>> tensorsOrZeros(
    const Graph& g, size_t count, const std::vector<std::optional<std::vector<Rational>>>& slots) {
  std::vector<Tensor<Rational>> out;
  out.reserve(count);
  for (size_t id = 0; id < count; ++id) {
    const Shape& s = g.shapeOf(static_cast<ValueId>(id));
    out.push_back(slots[id] ? Tensor<Rational>::make(s, *slots[id]).value() : Tensor<Rational>(s));
  }
  return out;
}

}  // namespace

std::string printCase(const Case& c) {
  const Graph& g = c.graph;
  GraphText t{g, {}, {}};
  t.values.resize(g.numInputs());
  t.seeds.resize(g.numValues());
  for (size_t i = 0; i < std::min(c.inputs.size(), t.values.size()); ++i) {
    t.values[i] = toLiterals(c.inputs[i]);
  }
  for (size_t i = 0; i < std::min(c.seedsA.size(), t.seeds.size()); ++i) {
    t.seeds[i] = toLiterals(c.seedsA[i]);
  }
  std::string out = printGraphText(t);
  for (size_t i = 0; i < c.seedsB.size(); ++i) {
    out += "seedb %" + std::to_string(i) + " = " + listText(c.seedsB[i].span()) + "\n";
  }
  for (size_t i = 0; i < c.tangents.size(); ++i) {
    out += "tangent %" + std::to_string(i) + " = " + listText(c.tangents[i].span()) + "\n";
  }
  out += "coeff a = " + c.coeffA.str() + "\n";
  out += "coeff b = " + c.coeffB.str() + "\n";
  out += "out %" + std::to_string(c.outId) + "\n";
  return out;
}

Result<Case> parseCase(std::string_view text) {
  const std::vector<Line> lines = splitLines(text);
  // The graph parser sees the file with the case's own data lines blanked, so its line numbers
  // stay those of the file.
  std::string graphPart;
  std::vector<Line> dataLines;
  for (const Line& line : lines) {
    if (isCaseDataWord(firstWord(line.text))) {
      dataLines.push_back(line);
      graphPart += "\n";
    } else {
      graphPart.append(line.text).append("\n");
    }
  }
  Result<GraphText> parsed = parseGraphText(graphPart);
  if (!parsed.ok()) return withLine(parsed.error(), lines);
  const Graph& g = parsed->graph;

  CaseData data;
  data.seedsB.resize(g.numValues());
  data.tangents.resize(g.numInputs());
  for (const Line& line : dataLines) VG_TRY_STATUS(parseDataLine(line, g, data));

  Case c;
  c.graph = g;
  for (size_t i = 0; i < g.numInputs(); ++i) {
    const Shape& s = g.inputs()[i];
    c.inputs.push_back(parsed->values[i] ? fromLiterals(s, *parsed->values[i])
                                         : Tensor<Rational>(s));
  }
  for (size_t id = 0; id < g.numValues(); ++id) {
    const Shape& s = g.shapeOf(static_cast<ValueId>(id));
    c.seedsA.push_back(parsed->seeds[id] ? fromLiterals(s, *parsed->seeds[id])
                                         : Tensor<Rational>(s));
  }
  c.seedsB = tensorsOrZeros(g, g.numValues(), data.seedsB);
  c.tangents = tensorsOrZeros(g, g.numInputs(), data.tangents);
  c.coeffA = data.coeffA.value_or(Rational(1));
  c.coeffB = data.coeffB.value_or(Rational(1));
  c.outId = data.out.value_or(g.numValues() > 0 ? g.numValues() - 1 : 0);
  return c;
}

bool sameCase(const Case& a, const Case& b) {
  return sameGraph(a.graph, b.graph) && sameTensors(a.inputs, b.inputs) &&
         sameTensors(a.seedsA, b.seedsA) && sameTensors(a.seedsB, b.seedsB) &&
         sameTensors(a.tangents, b.tangents) && a.coeffA == b.coeffA && a.coeffB == b.coeffB &&
         a.outId == b.outId;
}

}  // namespace verigrad::props
