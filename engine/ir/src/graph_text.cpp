// Printer and parser of the graph text format (see graph_text.hpp). The parser feeds every node
// through GraphBuilder::addNode, the one validation path.
#include "verigrad/graph_text.hpp"

#include "node_text.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/text_cursor.hpp"

namespace verigrad {
namespace {

std::string literalList(const std::vector<ExactLiteral>& xs) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + xs[i].str();
  return out + "]";
}

// A literal runs up to the next ',', ']' or '}' (or whitespace).
Result<ExactLiteral> readLiteral(TextCursor& c) {
  const size_t start = c.position();
  Result<ExactLiteral> lit = ExactLiteral::parse(c.token(",]}"));
  if (!lit.ok()) return c.errorAt(start, "bad literal: " + lit.error().message);
  return lit;
}

Result<Shape> readShape(TextCursor& c) {
  Result<std::vector<int64_t>> dims =
      c.list<int64_t>([&] { return c.integer<int64_t>("as a dimension"); });
  if (!dims.ok()) return dims.error();
  Result<Shape> s = Shape::make(dims.value());
  if (!s.ok()) return c.error(s.error().message);
  return s;
}

struct NodeLine {
  Op op;
  std::vector<ValueId> parents;
  std::vector<int64_t> ints;
  std::vector<ExactLiteral> literals;
  Shape shape;
};

Status parseAttributes(TextCursor& c, const OpInfo& info, NodeLine& node) {
  if (!c.accept("{")) {
    if (!info.attrs.empty()) return c.error(std::string(info.name) + " needs attributes {...}");
    return okStatus();
  }
  for (size_t a = 0; a < info.attrs.size(); ++a) {
    const AttrSpec& spec = info.attrs[a];
    if (a) VG_TRY_STATUS(c.expect(",", "between attributes"));
    const size_t nameAt = c.position();
    std::string_view name = c.word();
    if (name != spec.name) {
      return c.errorAt(nameAt, "expected attribute '" + std::string(spec.name) + "' of " +
                                   std::string(info.name) + ", got '" + std::string(name) + "'");
    }
    VG_TRY_STATUS(c.expect("=", "after the attribute name"));
    switch (spec.kind) {
      case AttrKind::Int: {
        Result<int64_t> v = c.integer<int64_t>("attribute value");
        if (!v.ok()) return v.error();
        node.ints.push_back(v.value());
        break;
      }
      case AttrKind::Ints: {
        auto v = c.list<int64_t>([&] { return c.integer<int64_t>("in the list"); });
        if (!v.ok()) return v.error();
        node.ints = std::move(v).value();
        break;
      }
      case AttrKind::Lit: {
        Result<ExactLiteral> v = readLiteral(c);
        if (!v.ok()) return v.error();
        node.literals.push_back(std::move(v).value());
        break;
      }
      case AttrKind::Lits: {
        auto v = c.list<ExactLiteral>([&] { return readLiteral(c); });
        if (!v.ok()) return v.error();
        node.literals = std::move(v).value();
        break;
      }
    }
  }
  return c.expect("}", "to close the attributes");
}

Result<NodeLine> parseNodeLine(TextCursor& c) {
  NodeLine node{};
  VG_TRY_STATUS(c.expect("=", "after the node id"));
  const size_t nameAt = c.position();
  std::string_view name = c.word();
  std::optional<Op> op = opFromName(name);
  if (!op) return c.errorAt(nameAt, "unknown op '" + std::string(name) + "'");
  node.op = *op;
  VG_TRY_STATUS(c.expect("(", "after the op name"));
  if (!c.accept(")")) {
    while (true) {
      Result<ValueId> p = c.id<ValueId>("as an operand");
      if (!p.ok()) return p.error();
      node.parents.push_back(p.value());
      if (c.accept(")")) break;
      VG_TRY_STATUS(c.expect(",", "or ')' after an operand"));
    }
  }
  VG_TRY_STATUS(parseAttributes(c, opInfo(node.op), node));
  VG_TRY_STATUS(c.expect(":", "before the declared shape"));
  Result<Shape> s = readShape(c);
  if (!s.ok()) return s.error();
  node.shape = s.value();
  if (!c.atEnd()) return c.error("unexpected text after the declared shape");
  return node;
}

}  // namespace

std::string printGraph(const Graph& g) {
  std::string out;
  for (size_t i = 0; i < g.numInputs(); ++i) {
    out += "input %" + std::to_string(i) + " : " + g.inputs()[i].str() + "\n";
  }
  for (size_t k = 0; k < g.numNodes(); ++k) {
    const Node& n = g.node(k);
    const auto id = static_cast<ValueId>(g.numInputs() + k);
    out += detail::formatNodeText(id, n.op, g.parents(n), g.ints(n), g.literals(n),
                                  /*abbreviate=*/false) +
           " : " + n.shape.str() + "\n";
  }
  return out;
}

std::string printGraphText(const GraphText& t) {
  std::string out = printGraph(t.graph);
  for (size_t i = 0; i < t.values.size(); ++i) {
    if (t.values[i])
      out += "value %" + std::to_string(i) + " = " + literalList(*t.values[i]) + "\n";
  }
  for (size_t i = 0; i < t.seeds.size(); ++i) {
    if (t.seeds[i]) out += "seed %" + std::to_string(i) + " = " + literalList(*t.seeds[i]) + "\n";
  }
  return out;
}

Result<GraphText> parseGraphText(std::string_view text) {
  std::vector<Shape> inputs;
  std::optional<GraphBuilder> builder;
  std::vector<std::pair<ValueId, std::vector<ExactLiteral>>> values, seeds;
  size_t lineNo = 0;
  while (!text.empty()) {
    ++lineNo;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    TextCursor c(line, lineNo);
    if (c.atEnd()) continue;

    if (c.accept("input")) {
      if (builder) return c.error("inputs must precede the nodes");
      Result<ValueId> id = c.id<ValueId>("after 'input'");
      if (!id.ok()) return id.error();
      if (id.value() != inputs.size()) {
        return c.error("expected input %" + std::to_string(inputs.size()) + " next");
      }
      VG_TRY_STATUS(c.expect(":", "before the input shape"));
      Result<Shape> s = readShape(c);
      if (!s.ok()) return s.error();
      if (!c.atEnd()) return c.error("unexpected text after the input shape");
      inputs.push_back(s.value());
    } else if (const bool isValue = c.accept("value"); isValue || c.accept("seed")) {
      Result<ValueId> id = c.id<ValueId>("after 'value'/'seed'");
      if (!id.ok()) return id.error();
      VG_TRY_STATUS(c.expect("=", "before the data"));
      auto data = c.list<ExactLiteral>([&] { return readLiteral(c); });
      if (!data.ok()) return data.error();
      if (!c.atEnd()) return c.error("unexpected text after the data");
      (isValue ? values : seeds).emplace_back(id.value(), std::move(data).value());
    } else {
      if (!builder) builder.emplace(inputs);
      Result<ValueId> id = c.id<ValueId>("to start a node line");
      if (!id.ok()) return id.error();
      if (id.value() != builder->numValues()) {
        return c.error("expected node %" + std::to_string(builder->numValues()) + " next");
      }
      Result<NodeLine> node = parseNodeLine(c);
      if (!node.ok()) return node.error();
      Result<Var> v =
          builder->addNode(node->op, node->parents, node->ints, node->literals, node->shape);
      if (!v.ok()) {
        Error e = v.error();
        e.message = "line " + std::to_string(lineNo) + ": " + e.message;
        return e;
      }
    }
  }
  if (!builder) builder.emplace(inputs);
  Result<Graph> g = builder->finish();
  if (!g.ok()) return g.error();

  GraphText out{std::move(g).value(), {}, {}};
  out.values.resize(out.graph.numInputs());
  out.seeds.resize(out.graph.numValues());
  for (auto& [id, data] : values) {
    if (id >= out.graph.numInputs()) {
      return Error::make(ErrorCode::Parse, "value %" + std::to_string(id) + " is not an input");
    }
    if (static_cast<int64_t>(data.size()) != out.graph.inputs()[id].numel()) {
      return Error::make(ErrorCode::Parse, "value %" + std::to_string(id) + " has " +
                                               std::to_string(data.size()) + " entries, shape " +
                                               out.graph.inputs()[id].str() + " needs " +
                                               std::to_string(out.graph.inputs()[id].numel()));
    }
    out.values[id] = std::move(data);
  }
  for (auto& [id, data] : seeds) {
    if (id >= out.graph.numValues()) {
      return Error::make(ErrorCode::Parse, "seed %" + std::to_string(id) + " is not a value id");
    }
    const Shape& s = out.graph.shapeOf(id);
    if (static_cast<int64_t>(data.size()) != s.numel()) {
      return Error::make(ErrorCode::Parse, "seed %" + std::to_string(id) + " has " +
                                               std::to_string(data.size()) + " entries, shape " +
                                               s.str() + " needs " + std::to_string(s.numel()));
    }
    out.seeds[id] = std::move(data);
  }
  return out;
}

bool sameGraph(const Graph& a, const Graph& b) {
  if (a.numInputs() != b.numInputs() || a.numNodes() != b.numNodes()) return false;
  for (size_t i = 0; i < a.numInputs(); ++i) {
    if (a.inputs()[i] != b.inputs()[i]) return false;
  }
  for (size_t k = 0; k < a.numNodes(); ++k) {
    const Node &x = a.node(k), &y = b.node(k);
    if (x.op != y.op || x.shape != y.shape) return false;
    auto px = a.parents(x), py = b.parents(y);
    auto ix = a.ints(x), iy = b.ints(y);
    auto lx = a.literals(x), ly = b.literals(y);
    if (!std::equal(px.begin(), px.end(), py.begin(), py.end())) return false;
    if (!std::equal(ix.begin(), ix.end(), iy.begin(), iy.end())) return false;
    if (!std::equal(lx.begin(), lx.end(), ly.begin(), ly.end())) return false;
  }
  return true;
}

}  // namespace verigrad
