// Parser of the shape-rule language (shape_rules.hpp): every ops.def row and VJP recipe, and the
// internal helper rows, become AST once in a static table; AST nodes print back as canonical text.
#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "verigrad/shape_rules.hpp"

namespace verigrad::rules {
namespace {

// Shape-only rows that are not ops. sumToShape is what broadcastTo's VJP computes: summing a
// broadcast back needs one reduceSum per broadcast axis, which no fixed chain of rows expresses.
struct HelperRow {
  std::string_view name;
  std::string_view text;
};
constexpr HelperRow kHelperRows[] = {
    {"sumToShape", "x[*t] -> @shape where broadcastable(@shape, t)"},
};

// Parsing recurses over the text; this bounds the depth for text that does not come from ops.def.
constexpr int kMaxNesting = 64;

// Words with a meaning of their own; a pattern may not bind them as names.
constexpr std::string_view kReserved[] = {"where", "if",     "then", "else",          "rank",
                                          "numel", "count",  "drop", "swap",          "setdim",
                                          "shape", "nonneg", "none", "broadcastable", "g"};

bool isReserved(std::string_view name) {
  for (std::string_view word : kReserved) {
    if (word == name) return true;
  }
  return false;
}

// ---- tokens

// clang-format off
enum class Tok : uint8_t {
  Ident, Int, Target, LBracket, RBracket, LParen, RParen, Comma, Star, Plus, Minus, Slash, Colon,
  Semi, Assign, EqEq, Le, Lt, Arrow, End
};
// clang-format on

struct Token {
  Tok kind = Tok::End;
  std::string_view text;
  int64_t value = 0;  // Int
  size_t pos = 0;     // offset in the source text
};

bool isIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::string atColumn(size_t pos, const std::string& what) {
  return "column " + std::to_string(pos + 1) + ": " + what;
}

// The punctuation tokens, longest first so "->" wins over "-".
struct Punct {
  std::string_view text;
  Tok kind;
};
constexpr Punct kPunct[] = {
    {"->", Tok::Arrow},      {"==", Tok::EqEq},  {"<=", Tok::Le},    {"[", Tok::LBracket},
    {"]", Tok::RBracket},    {"(", Tok::LParen}, {")", Tok::RParen}, {",", Tok::Comma},
    {"*", Tok::Star},        {"+", Tok::Plus},   {"-", Tok::Minus},  {"/", Tok::Slash},
    {":", Tok::Colon},       {";", Tok::Semi},   {"=", Tok::Assign}, {"<", Tok::Lt},
    {"@shape", Tok::Target},
};

// Splits `src` into tokens ending with End; an unknown character or an int beyond int64 fails.
std::optional<std::vector<Token>> tokenize(std::string_view src, std::string& error) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < src.size()) {
    const char c = src[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    size_t end = i;
    if (isIdentStart(c)) {
      while (end < src.size() && isIdentChar(src[end])) ++end;
      t.kind = Tok::Ident;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (end < src.size() && std::isdigit(static_cast<unsigned char>(src[end]))) {
        if (__builtin_mul_overflow(t.value, 10, &t.value) ||
            __builtin_add_overflow(t.value, src[end] - '0', &t.value)) {
          error = atColumn(i, "integer does not fit in int64");
          return std::nullopt;
        }
        ++end;
      }
      t.kind = Tok::Int;
    } else {
      for (const Punct& p : kPunct) {
        if (src.substr(i, p.text.size()) == p.text) {
          t.kind = p.kind;
          end = i + p.text.size();
          break;
        }
      }
      if (end == i) {
        error = atColumn(i, std::string("unexpected character '") + c + "'");
        return std::nullopt;
      }
    }
    t.text = src.substr(i, end - i);
    out.push_back(t);
    i = end;
  }
  out.push_back(Token{Tok::End, {}, 0, src.size()});
  return out;
}

// ---- names

// What a name in an expression refers to: a dim or pack bound by the row's operand patterns, or
// one of the op's attributes. A recipe's keyword values and shapes see its forward row's scope.
struct Scope {
  std::vector<std::string> dims, packs;
  std::span<const AttrSpec> attrs;

  static bool contains(const std::vector<std::string>& names, std::string_view name) {
    for (const std::string& n : names) {
      if (n == name) return true;
    }
    return false;
  }
  bool isDim(std::string_view name) const { return contains(dims, name); }
  bool isPack(std::string_view name) const { return contains(packs, name); }
  const AttrSpec* attr(std::string_view name) const {
    for (const AttrSpec& a : attrs) {
      if (a.name == name) return &a;
    }
    return nullptr;
  }
};

Scope scopeOf(const ShapeRule& rule, std::span<const AttrSpec> attrs) {
  Scope scope;
  scope.attrs = attrs;
  for (const OperandPattern& p : rule.operands) {
    for (const OperandPattern::Dim& d : p.dims) {
      std::vector<std::string>& names = d.isPack ? scope.packs : scope.dims;
      if (!Scope::contains(names, d.name)) names.push_back(d.name);
    }
  }
  return scope;
}

bool usesTarget(const ShapeRule& rule) { return rule.text.find("@shape") != std::string::npos; }

// A row a recipe may call: an op's row or a helper row, with the attributes its keywords name.
struct Callee {
  const ShapeRule* rule = nullptr;
  std::span<const AttrSpec> attrs;
};
using CalleeLookup = std::function<Callee(std::string_view)>;

using DimPtr = std::shared_ptr<const DimExpr>;
using RecipePtr = std::shared_ptr<const RecipeExpr>;

DimPtr binary(DimExpr::Kind kind, DimPtr lhs, DimPtr rhs) {
  DimExpr e;
  e.kind = kind;
  e.lhs = std::move(lhs);
  e.rhs = std::move(rhs);
  return std::make_shared<const DimExpr>(std::move(e));
}

// ---- the parser: recursive descent over one row or recipe list. Every parse function returns
// an empty value (false, nullptr, nullopt) after recording the first error.

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> tokens) : src_(src), toks_(std::move(tokens)) {}

  std::optional<ShapeRule> rule(std::string_view name, std::span<const AttrSpec> attrs);
  std::optional<std::vector<Recipe>> recipes(const ShapeRule& forward,
                                             std::span<const AttrSpec> attrs,
                                             const CalleeLookup& lookup);
  const std::string& error() const { return error_; }

 private:
  // Counts nesting depth for as long as it lives.
  struct Nesting {
    explicit Nesting(int& depth) : depth_(depth) { ++depth_; }
    ~Nesting() { --depth_; }
    int& depth_;
  };

  const Token& peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  bool peekWord(std::string_view word, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::Ident && peek(ahead).text == word;
  }
  bool peekCall(std::string_view word) const {
    return peekWord(word) && peek(1).kind == Tok::LParen;
  }
  bool accept(Tok kind) {
    if (peek().kind != kind) return false;
    ++pos_;
    return true;
  }
  // Records the first error and returns false; functions returning a pointer or an optional
  // write `return fail(...), nullptr;` (or std::nullopt).
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = atColumn(peek().pos, what);
    return false;
  }
  bool expect(Tok kind, std::string_view what) {
    if (accept(kind)) return true;
    const std::string found =
        peek().kind == Tok::End ? "the end" : "'" + std::string(peek().text) + "'";
    return fail("expected " + std::string(what) + ", found " + found);
  }
  bool expectWord(std::string_view word) {
    if (!peekWord(word)) return fail("expected `" + std::string(word) + "`");
    ++pos_;
    return true;
  }
  bool tooDeep() {
    if (depth_ <= kMaxNesting) return false;
    fail("nesting deeper than " + std::to_string(kMaxNesting));
    return true;
  }
  // Source text of the tokens from `first` up to the current one.
  std::string textFrom(size_t first) const {
    const size_t begin = toks_[first].pos;
    const Token& last = toks_[pos_ == 0 ? 0 : pos_ - 1];
    return std::string(src_.substr(begin, last.pos + last.text.size() - begin));
  }

  bool pattern(ShapeRule& rule);
  bool bindName(std::string_view name, bool isPack);
  DimPtr expr();
  DimPtr term();
  DimPtr primary();
  DimPtr nameRef(const Token& name);
  DimPtr function();
  DimPtr ifThenElse();
  std::optional<Cond> cond();
  std::optional<ShapeExpr> shape();
  std::optional<std::string> packName();
  std::optional<std::string> attrName(bool allowInt, bool allowInts, bool allowLits);
  RecipePtr call();
  bool keywordArg(RecipeExpr& call, const Callee& callee);
  bool checkCall(const RecipeExpr& call, const Callee& callee);

  std::string_view src_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
  Scope scope_;
  const ShapeRule* forward_ = nullptr;  // recipes: the row whose operands the recipes name
  const CalleeLookup* lookup_ = nullptr;
};

// rule := { operand } "->" shape [ "where" cond { "," cond } ]
std::optional<ShapeRule> Parser::rule(std::string_view name, std::span<const AttrSpec> attrs) {
  ShapeRule rule;
  rule.name = name;
  rule.text = src_;
  scope_.attrs = attrs;
  while (peek().kind == Tok::Ident) {
    if (!pattern(rule)) return std::nullopt;
  }
  if (!expect(Tok::Arrow, "an operand pattern or '->'")) return std::nullopt;
  std::optional<ShapeExpr> output = shape();
  if (!output) return std::nullopt;
  rule.output = std::move(*output);
  if (peekWord("where")) {
    ++pos_;
    do {
      std::optional<Cond> c = cond();
      if (!c) return std::nullopt;
      rule.constraints.push_back(std::move(*c));
    } while (accept(Tok::Comma));
  }
  if (!expect(Tok::End, "`where`, ',' or the end of the row")) return std::nullopt;
  return rule;
}

// operand := NAME "[" [ dimpat { "," dimpat } ] "]"    dimpat := IDENT | "*" IDENT
bool Parser::pattern(ShapeRule& rule) {
  const Token name = peek();
  if (isReserved(name.text)) return fail("`" + std::string(name.text) + "` is reserved");
  for (const OperandPattern& p : rule.operands) {
    if (p.name == name.text) return fail("operand `" + p.name + "` appears twice");
  }
  ++pos_;
  if (!expect(Tok::LBracket, "'['")) return false;
  OperandPattern p;
  p.name = name.text;
  bool hasPack = false;
  if (!accept(Tok::RBracket)) {
    do {
      const bool isPack = accept(Tok::Star);
      if (isPack && hasPack) return fail("a pattern has at most one pack");
      hasPack = hasPack || isPack;
      const Token dim = peek();
      if (!expect(Tok::Ident, "a dim name")) return false;
      if (!bindName(dim.text, isPack)) return false;
      p.dims.push_back({isPack, std::string(dim.text)});
    } while (accept(Tok::Comma));
    if (!expect(Tok::RBracket, "',' or ']'")) return false;
  }
  rule.operands.push_back(std::move(p));
  return true;
}

// A name stands for one thing in a row: a dim everywhere or a pack everywhere, never an attribute.
bool Parser::bindName(std::string_view name, bool isPack) {
  const std::string quoted = "`" + std::string(name) + "`";
  if (isReserved(name)) return fail(quoted + " is reserved");
  if (scope_.attr(name)) return fail(quoted + " is an attribute of the op");
  if (isPack ? scope_.isDim(name) : scope_.isPack(name)) {
    return fail(quoted + " is bound both as a dim and as a pack");
  }
  std::vector<std::string>& names = isPack ? scope_.packs : scope_.dims;
  if (!Scope::contains(names, name)) names.emplace_back(name);
  return true;
}

// expr := term { ("+" | "-") term }
DimPtr Parser::expr() {
  DimPtr lhs = term();
  while (lhs && (peek().kind == Tok::Plus || peek().kind == Tok::Minus)) {
    const auto kind = peek().kind == Tok::Plus ? DimExpr::Kind::Add : DimExpr::Kind::Sub;
    ++pos_;
    DimPtr rhs = term();
    if (!rhs) return nullptr;
    lhs = binary(kind, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// term := primary { ("*" | "/") primary }      ("/" is floor division)
DimPtr Parser::term() {
  DimPtr lhs = primary();
  while (lhs && (peek().kind == Tok::Star || peek().kind == Tok::Slash)) {
    const auto kind = peek().kind == Tok::Star ? DimExpr::Kind::Mul : DimExpr::Kind::FloorDiv;
    ++pos_;
    DimPtr rhs = primary();
    if (!rhs) return nullptr;
    lhs = binary(kind, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// primary := INT | "(" expr ")" | if-then-else | rank/numel/count(..) | NAME | PACK "[" expr "]"
DimPtr Parser::primary() {
  Nesting nesting(depth_);
  if (tooDeep()) return nullptr;
  const Token t = peek();
  if (t.kind == Tok::Int) {
    ++pos_;
    DimExpr e;
    e.value = t.value;
    return std::make_shared<const DimExpr>(std::move(e));
  }
  if (accept(Tok::LParen)) {
    DimPtr inner = expr();
    if (!inner || !expect(Tok::RParen, "')'")) return nullptr;
    return inner;
  }
  if (t.kind != Tok::Ident) return fail("expected a dim expression"), nullptr;
  if (t.text == "if") return ifThenElse();
  if (peekCall("rank") || peekCall("numel") || peekCall("count")) return function();
  ++pos_;
  return nameRef(t);
}

DimPtr Parser::nameRef(const Token& name) {
  const std::string quoted = "`" + std::string(name.text) + "`";
  DimExpr e;
  e.name = name.text;
  if (accept(Tok::LBracket)) {
    if (!scope_.isPack(name.text)) return fail(quoted + " is not a pack"), nullptr;
    e.kind = DimExpr::Kind::PackDim;
    e.index = expr();
    if (!e.index || !expect(Tok::RBracket, "']'")) return nullptr;
  } else if (scope_.isDim(name.text)) {
    e.kind = DimExpr::Kind::Dim;
  } else if (const AttrSpec* a = scope_.attr(name.text); a && a->kind == AttrKind::Int) {
    e.kind = DimExpr::Kind::Attr;
  } else if (scope_.isPack(name.text)) {
    return fail("pack " + quoted + " is not a dim: write " + e.name + "[i], rank(" + e.name +
                ") or numel(" + e.name + ")"),
           nullptr;
  } else if (scope_.attr(name.text)) {
    return fail("attribute " + quoted + " is a list: write count(" + e.name + ")"), nullptr;
  } else {
    return fail("unknown name " + quoted), nullptr;
  }
  return std::make_shared<const DimExpr>(std::move(e));
}

// rank(PACK) | numel(PACK | @shape) | count(ATTR)
DimPtr Parser::function() {
  const std::string_view fn = peek().text;
  pos_ += 2;
  DimExpr e;
  if (fn == "numel" && accept(Tok::Target)) {
    e.kind = DimExpr::Kind::Numel;
    e.name = "@shape";
  } else if (fn == "count") {
    std::optional<std::string> name = attrName(false, true, true);
    if (!name) return nullptr;
    e.kind = DimExpr::Kind::Count;
    e.name = std::move(*name);
  } else {
    std::optional<std::string> name = packName();
    if (!name) return nullptr;
    e.kind = fn == "rank" ? DimExpr::Kind::Rank : DimExpr::Kind::Numel;
    e.name = std::move(*name);
  }
  if (!expect(Tok::RParen, "')'")) return nullptr;
  return std::make_shared<const DimExpr>(std::move(e));
}

// "if" cond "then" expr "else" expr
DimPtr Parser::ifThenElse() {
  ++pos_;
  std::optional<Cond> c = cond();
  if (!c || !expectWord("then")) return nullptr;
  DimPtr then = expr();
  if (!then || !expectWord("else")) return nullptr;
  DimPtr otherwise = expr();
  if (!otherwise) return nullptr;
  DimExpr e;
  e.kind = DimExpr::Kind::IfThenElse;
  e.cond = std::make_shared<const Cond>(std::move(*c));
  e.lhs = std::move(then);
  e.rhs = std::move(otherwise);
  return std::make_shared<const DimExpr>(std::move(e));
}

// cond := expr ("==" | "<=" | "<") expr | broadcastable(shape, shape) | nonneg(ATTR)
std::optional<Cond> Parser::cond() {
  const size_t first = pos_;
  Cond c;
  if (peekCall("broadcastable")) {
    pos_ += 2;
    std::optional<ShapeExpr> from = shape();
    if (!from || !expect(Tok::Comma, "','")) return std::nullopt;
    std::optional<ShapeExpr> to = shape();
    if (!to || !expect(Tok::RParen, "')'")) return std::nullopt;
    c.kind = Cond::Kind::Broadcastable;
    c.from = std::make_shared<const ShapeExpr>(std::move(*from));
    c.to = std::make_shared<const ShapeExpr>(std::move(*to));
  } else if (peekCall("nonneg")) {
    pos_ += 2;
    std::optional<std::string> name = attrName(true, true, false);
    if (!name || !expect(Tok::RParen, "')'")) return std::nullopt;
    c.kind = Cond::Kind::NonNeg;
    c.attr = std::move(*name);
  } else {
    c.lhs = expr();
    if (!c.lhs) return std::nullopt;
    switch (peek().kind) {
      case Tok::EqEq:
        c.kind = Cond::Kind::Eq;
        break;
      case Tok::Le:
        c.kind = Cond::Kind::Le;
        break;
      case Tok::Lt:
        c.kind = Cond::Kind::Lt;
        break;
      default:
        return fail("expected '==', '<=' or '<'"), std::nullopt;
    }
    ++pos_;
    c.rhs = expr();
    if (!c.rhs) return std::nullopt;
  }
  c.text = textFrom(first);
  return c;
}

// shape := "[" [item {"," item}] "]" | "@shape" | drop(PACK, e) | swap(PACK, e)
//        | setdim(PACK, e, e) | PACK          (a bare pack `s` reads as [*s])
std::optional<ShapeExpr> Parser::shape() {
  Nesting nesting(depth_);
  if (tooDeep()) return std::nullopt;
  ShapeExpr s;
  if (accept(Tok::Target)) {
    s.kind = ShapeExpr::Kind::Target;
    return s;
  }
  if (accept(Tok::LBracket)) {
    if (accept(Tok::RBracket)) return s;
    do {
      ShapeExpr::Item item;
      if (accept(Tok::Star)) {
        std::optional<std::string> pack = packName();
        if (!pack) return std::nullopt;
        item.isPack = true;
        item.pack = std::move(*pack);
      } else {
        item.dim = expr();
        if (!item.dim) return std::nullopt;
      }
      s.items.push_back(std::move(item));
    } while (accept(Tok::Comma));
    if (!expect(Tok::RBracket, "',' or ']'")) return std::nullopt;
    return s;
  }
  if (peekCall("drop") || peekCall("swap") || peekCall("setdim")) {
    const std::string_view fn = peek().text;
    pos_ += 2;
    s.kind = fn == "drop"   ? ShapeExpr::Kind::Drop
             : fn == "swap" ? ShapeExpr::Kind::Swap
                            : ShapeExpr::Kind::SetDim;
    std::optional<std::string> pack = packName();
    if (!pack || !expect(Tok::Comma, "','")) return std::nullopt;
    s.pack = std::move(*pack);
    s.arg0 = expr();
    if (!s.arg0) return std::nullopt;
    if (s.kind == ShapeExpr::Kind::SetDim) {
      if (!expect(Tok::Comma, "','")) return std::nullopt;
      s.arg1 = expr();
      if (!s.arg1) return std::nullopt;
    }
    if (!expect(Tok::RParen, "')'")) return std::nullopt;
    return s;
  }
  if (peek().kind == Tok::Ident && scope_.isPack(peek().text)) {
    s.items.push_back({true, std::string(peek().text), nullptr});
    ++pos_;
    return s;
  }
  return fail("expected a shape: [dims], @shape, drop, swap, setdim or a pack"), std::nullopt;
}

std::optional<std::string> Parser::packName() {
  const Token t = peek();
  if (t.kind != Tok::Ident || !scope_.isPack(t.text)) return fail("expected a pack"), std::nullopt;
  ++pos_;
  return std::string(t.text);
}

std::optional<std::string> Parser::attrName(bool allowInt, bool allowInts, bool allowLits) {
  const Token t = peek();
  const AttrSpec* a = t.kind == Tok::Ident ? scope_.attr(t.text) : nullptr;
  const bool allowed =
      a && ((a->kind == AttrKind::Int && allowInt) || (a->kind == AttrKind::Ints && allowInts) ||
            (a->kind == AttrKind::Lits && allowLits));
  if (!allowed) return fail("expected an attribute of a fitting kind"), std::nullopt;
  ++pos_;
  return std::string(t.text);
}

// recipes := "none" | OPERAND ":" call { ";" OPERAND ":" call }
std::optional<std::vector<Recipe>> Parser::recipes(const ShapeRule& forward,
                                                   std::span<const AttrSpec> attrs,
                                                   const CalleeLookup& lookup) {
  scope_ = scopeOf(forward, attrs);
  forward_ = &forward;
  lookup_ = &lookup;
  std::vector<Recipe> out;
  if (peekWord("none") && peek(1).kind == Tok::End) return out;
  do {
    const size_t first = pos_;
    const Token name = peek();
    int operand = -1;
    for (size_t k = 0; k < forward.operands.size(); ++k) {
      if (name.kind == Tok::Ident && forward.operands[k].name == name.text)
        operand = static_cast<int>(k);
    }
    if (operand < 0) return fail("expected an operand of " + forward.name), std::nullopt;
    for (const Recipe& r : out) {
      if (r.operand == operand) return fail("operand has two recipes"), std::nullopt;
    }
    ++pos_;
    if (!expect(Tok::Colon, "':'")) return std::nullopt;
    RecipePtr expr = call();
    if (!expr) return std::nullopt;
    out.push_back(Recipe{operand, std::move(expr), textFrom(first)});
  } while (accept(Tok::Semi));
  if (!expect(Tok::End, "';' or the end")) return std::nullopt;
  return out;
}

// call := "g" | OPERAND | ROW "(" [ arg { "," arg } ] ")"    arg := call | NAME "=" (expr | shape)
RecipePtr Parser::call() {
  Nesting nesting(depth_);
  if (tooDeep()) return nullptr;
  const Token name = peek();
  if (!expect(Tok::Ident, "g, an operand or a call")) return nullptr;
  RecipeExpr e;
  e.name = name.text;
  if (!accept(Tok::LParen)) {
    if (name.text == "g") {
      e.kind = RecipeExpr::Kind::Cotangent;
      return std::make_shared<const RecipeExpr>(std::move(e));
    }
    for (const OperandPattern& p : forward_->operands) {
      if (p.name == name.text) {
        e.kind = RecipeExpr::Kind::Operand;
        return std::make_shared<const RecipeExpr>(std::move(e));
      }
    }
    return fail("`" + e.name + "` is neither g nor an operand of " + forward_->name), nullptr;
  }
  e.kind = RecipeExpr::Kind::Call;
  const Callee callee = (*lookup_)(name.text);
  if (!callee.rule) return fail("no row named `" + e.name + "`"), nullptr;
  if (!accept(Tok::RParen)) {
    do {
      if (peek().kind == Tok::Ident && peek(1).kind == Tok::Assign) {
        if (!keywordArg(e, callee)) return nullptr;
        continue;
      }
      if (!e.intArgs.empty() || e.shapeArg) return fail("operand after a keyword"), nullptr;
      RecipePtr arg = call();
      if (!arg) return nullptr;
      e.args.push_back(std::move(arg));
    } while (accept(Tok::Comma));
    if (!expect(Tok::RParen, "',' or ')'")) return nullptr;
  }
  if (!checkCall(e, callee)) return nullptr;
  return std::make_shared<const RecipeExpr>(std::move(e));
}

// `shape=` sets the callee's @shape; any other keyword one of its int attributes.
bool Parser::keywordArg(RecipeExpr& e, const Callee& callee) {
  const std::string key(peek().text);
  pos_ += 2;
  if (key == "shape") {
    if (!usesTarget(*callee.rule)) return fail(e.name + " takes no target shape");
    if (e.shapeArg) return fail("shape= given twice");
    std::optional<ShapeExpr> s = shape();
    if (!s) return false;
    e.shapeArg = std::make_shared<const ShapeExpr>(std::move(*s));
    return true;
  }
  bool isInt = false;
  for (const AttrSpec& a : callee.attrs)
    isInt = isInt || (a.name == key && a.kind == AttrKind::Int);
  if (!isInt) return fail(e.name + " has no int attribute `" + key + "`");
  for (const auto& [name, value] : e.intArgs) {
    if (name == key) return fail(key + "= given twice");
  }
  DimPtr value = expr();
  if (!value) return false;
  e.intArgs.emplace_back(key, std::move(value));
  return true;
}

// A call passes each of the callee's operands, int attributes and target shape exactly once.
bool Parser::checkCall(const RecipeExpr& e, const Callee& callee) {
  if (e.args.size() != callee.rule->operands.size()) {
    return fail(e.name + " takes " + std::to_string(callee.rule->operands.size()) +
                " operand(s), got " + std::to_string(e.args.size()));
  }
  for (const AttrSpec& a : callee.attrs) {
    if (a.kind == AttrKind::Ints) return fail(e.name + " takes a list attribute; recipes cannot");
    if (a.kind != AttrKind::Int) continue;
    bool given = false;
    for (const auto& arg : e.intArgs) given = given || arg.first == a.name;
    if (!given) return fail(e.name + " needs " + std::string(a.name) + "=");
  }
  if (usesTarget(*callee.rule) && !e.shapeArg) return fail(e.name + " needs shape=");
  return true;
}

// ---- the table

struct Table {
  std::vector<ShapeRule> rules;              // by Op; a row that does not parse is left empty
  std::vector<std::vector<Recipe>> recipes;  // by Op
  std::vector<ShapeRule> helpers;            // kHelperRows, in order
  std::vector<std::string> errors;

  Callee callee(std::string_view name) const {
    if (std::optional<Op> op = opFromName(name)) {
      const ShapeRule& r = rules[static_cast<size_t>(*op)];
      return r.text.empty() ? Callee{} : Callee{&r, opInfo(*op).attrs};
    }
    for (const ShapeRule& h : helpers) {
      if (h.name == name && !h.text.empty()) return Callee{&h, {}};
    }
    return Callee{};
  }
};

std::string quote(std::string_view text) { return "`" + std::string(text) + "`"; }

Result<std::vector<Recipe>> parseRecipesWith(Op op, std::string_view text, const ShapeRule& forward,
                                             const CalleeLookup& lookup) {
  std::string error;
  std::optional<std::vector<Token>> tokens = tokenize(text, error);
  if (tokens) {
    Parser parser(text, std::move(*tokens));
    std::optional<std::vector<Recipe>> recipes = parser.recipes(forward, opInfo(op).attrs, lookup);
    if (recipes) return std::move(*recipes);
    error = parser.error();
  }
  return Error::make(ErrorCode::Parse,
                     "recipes " + quote(text) + " of " + std::string(opName(op)) + ": " + error);
}

Table buildTable() {
  Table t;
  t.rules.resize(kNumOps);
  t.recipes.resize(kNumOps);
  for (Op op : allOps()) {
    const OpInfo& info = opInfo(op);
    Result<ShapeRule> r = parseRule(info.name, info.attrs, info.shapeRule);
    if (r.ok()) {
      t.rules[static_cast<size_t>(op)] = std::move(r).value();
    } else {
      t.rules[static_cast<size_t>(op)].name = info.name;  // left without text: unusable
      t.errors.push_back("row of " + std::string(info.name) + ": " + r.error().message);
    }
  }
  for (const HelperRow& h : kHelperRows) {
    Result<ShapeRule> r = parseRule(h.name, {}, h.text);
    if (r.ok()) {
      t.helpers.push_back(std::move(r).value());
    } else {
      t.helpers.emplace_back().name = h.name;
      t.errors.push_back("helper row " + std::string(h.name) + ": " + r.error().message);
    }
  }
  const CalleeLookup lookup = [&t](std::string_view name) { return t.callee(name); };
  for (Op op : allOps()) {
    const ShapeRule& forward = t.rules[static_cast<size_t>(op)];
    if (forward.text.empty()) continue;
    Result<std::vector<Recipe>> r = parseRecipesWith(op, opInfo(op).vjpRecipes, forward, lookup);
    if (r.ok()) {
      t.recipes[static_cast<size_t>(op)] = std::move(r).value();
    } else {
      t.errors.push_back(r.error().message);
    }
  }
  return t;
}

const Table& table() {
  static const Table t = buildTable();
  return t;
}

// ---- printing (canonical spacing; a subexpression is parenthesised only where needed)

int precedence(const DimExpr& e) {
  switch (e.kind) {
    case DimExpr::Kind::IfThenElse:
      return 0;
    case DimExpr::Kind::Add:
    case DimExpr::Kind::Sub:
      return 1;
    case DimExpr::Kind::Mul:
    case DimExpr::Kind::FloorDiv:
      return 2;
    default:
      return 3;
  }
}

std::string operandText(const DimExpr* e, int minPrecedence) {
  if (!e) return "?";
  const std::string text = exprText(*e);
  return precedence(*e) < minPrecedence ? "(" + text + ")" : text;
}

std::string condText(const Cond& c) {
  if (!c.text.empty()) return c.text;
  switch (c.kind) {
    case Cond::Kind::Eq:
      return operandText(c.lhs.get(), 1) + " == " + operandText(c.rhs.get(), 1);
    case Cond::Kind::Le:
      return operandText(c.lhs.get(), 1) + " <= " + operandText(c.rhs.get(), 1);
    case Cond::Kind::Lt:
      return operandText(c.lhs.get(), 1) + " < " + operandText(c.rhs.get(), 1);
    case Cond::Kind::Broadcastable:
      return "broadcastable(" + (c.from ? shapeText(*c.from) : "?") + ", " +
             (c.to ? shapeText(*c.to) : "?") + ")";
    case Cond::Kind::NonNeg:
      return "nonneg(" + c.attr + ")";
  }
  return "?";
}

}  // namespace

// ---- public

Result<ShapeRule> parseRule(std::string_view name, std::span<const AttrSpec> attrs,
                            std::string_view text) {
  std::string error;
  std::optional<std::vector<Token>> tokens = tokenize(text, error);
  if (tokens) {
    Parser parser(text, std::move(*tokens));
    std::optional<ShapeRule> rule = parser.rule(name, attrs);
    if (rule) return std::move(*rule);
    error = parser.error();
  }
  return Error::make(ErrorCode::Parse, "row " + quote(text) + ": " + error);
}

Result<std::vector<Recipe>> parseRecipes(Op op, std::string_view text) {
  const Table& t = table();
  const ShapeRule& forward = t.rules[static_cast<size_t>(op)];
  if (forward.text.empty()) {
    return Error::make(ErrorCode::Internal, "the row of " + std::string(opName(op)) +
                                                " does not parse (see rowParseErrors())");
  }
  return parseRecipesWith(op, text, forward, [&t](std::string_view n) { return t.callee(n); });
}

const ShapeRule& shapeRule(Op op) { return table().rules[static_cast<size_t>(op)]; }

std::span<const Recipe> vjpRecipes(Op op) { return table().recipes[static_cast<size_t>(op)]; }

const ShapeRule* helperRule(std::string_view name) {
  for (const ShapeRule& h : table().helpers) {
    if (h.name == name && !h.text.empty()) return &h;
  }
  return nullptr;
}

std::vector<std::string> rowParseErrors() { return table().errors; }

std::string exprText(const DimExpr& e) {
  using Kind = DimExpr::Kind;
  switch (e.kind) {
    case Kind::Const:
      return std::to_string(e.value);
    case Kind::Dim:
    case Kind::Attr:
      return e.name;
    case Kind::PackDim:
      return e.name + "[" + (e.index ? exprText(*e.index) : "?") + "]";
    case Kind::Rank:
      return "rank(" + e.name + ")";
    case Kind::Numel:
      return "numel(" + e.name + ")";
    case Kind::Count:
      return "count(" + e.name + ")";
    case Kind::Add:
    case Kind::Sub:
    case Kind::Mul:
    case Kind::FloorDiv: {
      static constexpr const char* kSymbol[] = {" + ", " - ", " * ", " / "};
      const int p = precedence(e);
      const auto symbol = kSymbol[static_cast<int>(e.kind) - static_cast<int>(Kind::Add)];
      // Left-associative: a right operand of equal precedence keeps its parentheses.
      return operandText(e.lhs.get(), p) + symbol + operandText(e.rhs.get(), p + 1);
    }
    case Kind::IfThenElse:
      return "if " + (e.cond ? condText(*e.cond) : "?") + " then " + operandText(e.lhs.get(), 0) +
             " else " + operandText(e.rhs.get(), 0);
  }
  return "?";
}

std::string shapeText(const ShapeExpr& s) {
  const std::string arg0 = s.arg0 ? exprText(*s.arg0) : "?";
  switch (s.kind) {
    case ShapeExpr::Kind::List: {
      std::string out = "[";
      for (size_t i = 0; i < s.items.size(); ++i) {
        const ShapeExpr::Item& item = s.items[i];
        if (i) out += ", ";
        out += item.isPack ? "*" + item.pack : (item.dim ? exprText(*item.dim) : "?");
      }
      return out + "]";
    }
    case ShapeExpr::Kind::Target:
      return "@shape";
    case ShapeExpr::Kind::Drop:
      return "drop(" + s.pack + ", " + arg0 + ")";
    case ShapeExpr::Kind::Swap:
      return "swap(" + s.pack + ", " + arg0 + ")";
    case ShapeExpr::Kind::SetDim:
      return "setdim(" + s.pack + ", " + arg0 + ", " + (s.arg1 ? exprText(*s.arg1) : "?") + ")";
  }
  return "?";
}

std::string recipeText(const RecipeExpr& e) {
  if (e.kind != RecipeExpr::Kind::Call) return e.name;
  std::string out = e.name + "(";
  const char* sep = "";
  for (const auto& arg : e.args) {
    out += sep + (arg ? recipeText(*arg) : "?");
    sep = ", ";
  }
  for (const auto& [key, value] : e.intArgs) {
    out += sep + key + "=" + (value ? exprText(*value) : "?");
    sep = ", ";
  }
  if (e.shapeArg) out += sep + std::string("shape=") + shapeText(*e.shapeArg);
  return out + ")";
}

}  // namespace verigrad::rules
