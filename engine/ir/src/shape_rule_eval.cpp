// Evaluator of the shape-rule AST: inferShape (the builder's validation path) and vjpShape (the
// engine's debug VJP-shape checks). properties/smt reads the same AST into Z3; each case below
// (binding, constraints, output, calls) is what that translation mirrors.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "verigrad/shape_rules.hpp"

namespace verigrad::rules {
namespace {

using Kind = DimExpr::Kind;

// More names than any row binds; a row beyond it is an Internal error, not an overflow.
constexpr size_t kMaxBindings = 16;

std::string dimsText(std::span<const int64_t> dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
  return out + "]";
}

std::string quote(const std::string& text) { return "`" + text + "`"; }

// A reason an evaluation failed. Callers decide the final kind from what the failing expression
// mentions; only Overflow (int64 arithmetic, numel beyond 2^62) is kept as it is.
Error reason(std::string what) { return Error::make(ErrorCode::ShapeMismatch, std::move(what)); }
Error overflow(std::string what) { return Error::make(ErrorCode::Overflow, std::move(what)); }

// What an operand pattern bound, and which operand bound it (messages name it).
struct DimBinding {
  std::string_view name;
  int64_t value = 0;
  int operand = 0;
};
struct PackBinding {
  std::string_view name;
  std::span<const int64_t> dims;  // a slice of the operand's shape
  int operand = 0;
};

// How messages name the node and its operands: graph nodes by value id ("operand #1 (%3)"),
// nested recipe calls by the text of each argument ("operand #1 (transpose2d(b))").
struct Context {
  std::string_view nodeText;
  std::span<const ValueId> ids;
  std::span<const std::string> texts;

  std::string operand(int k) const {
    const std::string out = "operand #" + std::to_string(k);
    const auto i = static_cast<size_t>(k);
    if (i < ids.size()) return out + " (%" + std::to_string(ids[i]) + ")";
    if (i < texts.size()) return out + " (" + texts[i] + ")";
    return out;
  }
  Error error(ErrorCode code, const std::string& what) const {
    return Error::make(code, "'" + std::string(nodeText) + "': " + what);
  }
};

// What a row's expressions see while it is evaluated: its bindings, attributes and arguments.
struct Env {
  const ShapeRule* rule = nullptr;
  std::span<const AttrSpec> attrs;
  const RuleArgs* args = nullptr;
  std::array<DimBinding, kMaxBindings> dims{};
  std::array<PackBinding, kMaxBindings> packs{};
  size_t numDims = 0, numPacks = 0;

  const DimBinding* dim(std::string_view name) const {
    for (size_t i = 0; i < numDims; ++i) {
      if (dims[i].name == name) return &dims[i];
    }
    return nullptr;
  }
  const PackBinding* pack(std::string_view name) const {
    for (size_t i = 0; i < numPacks; ++i) {
      if (packs[i].name == name) return &packs[i];
    }
    return nullptr;
  }
  const Shape& operandShape(int k) const { return args->operands[static_cast<size_t>(k)]; }
};

// ---- attributes: an Int attribute is ints[i], i = the number of Int attributes before it
// (ops.def lists int attributes first, in the order the builder stores them); an Ints attribute
// is the whole list; count() of a Lits attribute is the number of literals.

const AttrSpec* findAttr(const Env& env, std::string_view name, size_t* intIndex) {
  size_t index = 0;
  for (const AttrSpec& a : env.attrs) {
    if (a.name == name) {
      *intIndex = index;
      return &a;
    }
    if (a.kind == AttrKind::Int) ++index;
  }
  return nullptr;
}

Result<int64_t> intAttr(const Env& env, std::string_view name) {
  size_t index = 0;
  const AttrSpec* a = findAttr(env, name, &index);
  if (!a || a->kind != AttrKind::Int) return reason("no int attribute " + std::string(name));
  if (index >= env.args->ints.size()) return reason("attribute " + std::string(name) + " missing");
  return env.args->ints[index];
}

Result<int64_t> attrCount(const Env& env, std::string_view name) {
  size_t index = 0;
  const AttrSpec* a = findAttr(env, name, &index);
  if (a && a->kind == AttrKind::Ints) return static_cast<int64_t>(env.args->ints.size());
  if (a && a->kind == AttrKind::Lits) return static_cast<int64_t>(env.args->numLiterals);
  return reason("no list attribute " + std::string(name));
}

// ---- expressions

Result<int64_t> evalDim(const DimExpr& e, const Env& env);
Result<bool> evalCond(const Cond& c, const Env& env);
Result<Shape> evalShape(const ShapeExpr& s, const Env& env);

// a op b in int64, overflow-checked; "/" is floor division (rounds toward minus infinity).
Result<int64_t> arithmetic(const DimExpr& e, int64_t a, int64_t b) {
  int64_t r = 0;
  bool overflowed = false;
  switch (e.kind) {
    case Kind::Add:
      overflowed = __builtin_add_overflow(a, b, &r);
      break;
    case Kind::Sub:
      overflowed = __builtin_sub_overflow(a, b, &r);
      break;
    case Kind::Mul:
      overflowed = __builtin_mul_overflow(a, b, &r);
      break;
    case Kind::FloorDiv:
      if (b == 0) return reason("division by zero in " + quote(exprText(e)));
      overflowed = a == INT64_MIN && b == -1;
      if (!overflowed) r = a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
      break;
    default:
      return Error::make(ErrorCode::Internal, "not an arithmetic expression");
  }
  if (overflowed) return overflow(quote(exprText(e)) + " overflows int64");
  return r;
}

Result<const PackBinding*> packOf(const Env& env, std::string_view name) {
  const PackBinding* p = env.pack(name);
  if (!p) return reason("pack " + std::string(name) + " is unbound");
  return p;
}

Result<int64_t> evalDim(const DimExpr& e, const Env& env) {
  switch (e.kind) {
    case Kind::Const:
      return e.value;
    case Kind::Dim: {
      const DimBinding* d = env.dim(e.name);
      if (!d) return reason("dim " + e.name + " is unbound");
      return d->value;
    }
    case Kind::Attr:
      return intAttr(env, e.name);
    case Kind::PackDim: {
      Result<const PackBinding*> p = packOf(env, e.name);
      if (!p.ok()) return p.error();
      if (!e.index) return reason("malformed " + e.name + "[]");
      Result<int64_t> i = evalDim(*e.index, env);
      if (!i.ok()) return i;
      const auto& dims = p.value()->dims;
      if (i.value() < 0 || static_cast<uint64_t>(i.value()) >= dims.size()) {
        return reason(quote(exprText(e)) + ": index " + std::to_string(i.value()) + " is outside " +
                      e.name + " = " + dimsText(dims));
      }
      return dims[static_cast<size_t>(i.value())];
    }
    case Kind::Rank: {
      Result<const PackBinding*> p = packOf(env, e.name);
      if (!p.ok()) return p.error();
      return static_cast<int64_t>(p.value()->dims.size());
    }
    case Kind::Numel: {
      if (e.name == "@shape") {
        if (!env.args->target) return reason("no target shape");
        return Shape::checkedNumel(env.args->target->dims());
      }
      Result<const PackBinding*> p = packOf(env, e.name);
      if (!p.ok()) return p.error();
      return Shape::checkedNumel(p.value()->dims);
    }
    case Kind::Count:
      return attrCount(env, e.name);
    case Kind::Add:
    case Kind::Sub:
    case Kind::Mul:
    case Kind::FloorDiv: {
      if (!e.lhs || !e.rhs) return reason("malformed " + quote(exprText(e)));
      Result<int64_t> a = evalDim(*e.lhs, env);
      if (!a.ok()) return a;
      Result<int64_t> b = evalDim(*e.rhs, env);
      if (!b.ok()) return b;
      return arithmetic(e, a.value(), b.value());
    }
    case Kind::IfThenElse: {
      if (!e.cond || !e.lhs || !e.rhs) return reason("malformed " + quote(exprText(e)));
      Result<bool> c = evalCond(*e.cond, env);
      if (!c.ok()) return c.error();
      return evalDim(c.value() ? *e.lhs : *e.rhs, env);  // only the chosen branch is evaluated
    }
  }
  return Error::make(ErrorCode::Internal, "unknown expression kind");
}

// Right-aligned NumPy/PyTorch expand: `from` may gain leading axes, and each aligned dim of
// `from` equals the target's or is 1 (1 -> 0 allowed). Returns why not, or nothing.
std::optional<std::string> broadcastMismatch(const Shape& from, const Shape& to) {
  if (from.rank() > to.rank()) {
    return "rank " + std::to_string(from.rank()) + " > rank " + std::to_string(to.rank());
  }
  const int offset = to.rank() - from.rank();
  for (int i = 0; i < from.rank(); ++i) {
    if (from[i] != 1 && from[i] != to[i + offset]) {
      return "dim " + std::to_string(i) + " is " + std::to_string(from[i]) + ", target dim " +
             std::to_string(i + offset) + " is " + std::to_string(to[i + offset]);
    }
  }
  return std::nullopt;
}

// The first negative entry of a nonneg() attribute, if any, as "name = v" or "name[i] = v".
Result<std::optional<std::string>> negativeEntry(const Env& env, std::string_view name) {
  size_t index = 0;
  const AttrSpec* a = findAttr(env, name, &index);
  if (a && a->kind == AttrKind::Int) {
    Result<int64_t> v = intAttr(env, name);
    if (!v.ok()) return v.error();
    if (v.value() >= 0) return std::optional<std::string>();
    return std::optional<std::string>(std::string(name) + " = " + std::to_string(v.value()));
  }
  if (!a || a->kind != AttrKind::Ints) return reason("no int attribute " + std::string(name));
  for (size_t i = 0; i < env.args->ints.size(); ++i) {
    if (env.args->ints[i] < 0) {
      return std::optional<std::string>(std::string(name) + "[" + std::to_string(i) +
                                        "] = " + std::to_string(env.args->ints[i]));
    }
  }
  return std::optional<std::string>();
}

Result<bool> evalCond(const Cond& c, const Env& env) {
  switch (c.kind) {
    case Cond::Kind::Eq:
    case Cond::Kind::Le:
    case Cond::Kind::Lt: {
      if (!c.lhs || !c.rhs) return reason("malformed constraint");
      Result<int64_t> a = evalDim(*c.lhs, env);
      if (!a.ok()) return a.error();
      Result<int64_t> b = evalDim(*c.rhs, env);
      if (!b.ok()) return b.error();
      if (c.kind == Cond::Kind::Eq) return a.value() == b.value();
      return c.kind == Cond::Kind::Le ? a.value() <= b.value() : a.value() < b.value();
    }
    case Cond::Kind::Broadcastable: {
      if (!c.from || !c.to) return reason("malformed constraint");
      Result<Shape> from = evalShape(*c.from, env);
      if (!from.ok()) return from.error();
      Result<Shape> to = evalShape(*c.to, env);
      if (!to.ok()) return to.error();
      return !broadcastMismatch(from.value(), to.value());
    }
    case Cond::Kind::NonNeg: {
      Result<std::optional<std::string>> negative = negativeEntry(env, c.attr);
      if (!negative.ok()) return negative.error();
      return !negative.value();
    }
  }
  return Error::make(ErrorCode::Internal, "unknown constraint kind");
}

// Dims of a shape being built; Shape::make validates them at the end.
struct DimList {
  std::array<int64_t, Shape::kMaxRank> dims{};
  size_t size = 0;

  bool push(int64_t d) {
    if (size == dims.size()) return false;
    dims[size++] = d;
    return true;
  }
  bool append(std::span<const int64_t> more) {
    for (int64_t d : more) {
      if (!push(d)) return false;
    }
    return true;
  }
};

Error tooManyDims() { return reason("more than " + std::to_string(Shape::kMaxRank) + " dims"); }

// The axis argument of drop/swap/setdim on `pack`: `last` is the largest valid axis.
Result<size_t> axisArg(const ShapeExpr& s, const PackBinding& pack, int64_t last, const Env& env) {
  if (!s.arg0) return reason("malformed " + quote(shapeText(s)));
  Result<int64_t> axis = evalDim(*s.arg0, env);
  if (!axis.ok()) return axis.error();
  if (axis.value() < 0 || axis.value() > last) {
    return reason(quote(shapeText(s)) + ": axis " + std::to_string(axis.value()) +
                  " is out of range for " + s.pack + " = " + dimsText(pack.dims));
  }
  return static_cast<size_t>(axis.value());
}

// A computed dim must be a valid extent.
Result<int64_t> extent(const DimExpr* e, const Env& env) {
  if (!e) return reason("malformed shape");
  Result<int64_t> v = evalDim(*e, env);
  if (v.ok() && v.value() < 0) {
    return reason("dim " + quote(exprText(*e)) + " = " + std::to_string(v.value()) +
                  " is negative");
  }
  return v;
}

Result<Shape> evalShape(const ShapeExpr& s, const Env& env) {
  DimList out;
  switch (s.kind) {
    case ShapeExpr::Kind::List:
      for (const ShapeExpr::Item& item : s.items) {
        if (item.isPack) {
          Result<const PackBinding*> p = packOf(env, item.pack);
          if (!p.ok()) return p.error();
          if (!out.append(p.value()->dims)) return tooManyDims();
          continue;
        }
        Result<int64_t> d = extent(item.dim.get(), env);
        if (!d.ok()) return d.error();
        if (!out.push(d.value())) return tooManyDims();
      }
      break;
    case ShapeExpr::Kind::Target:
      if (!env.args->target) return reason("no target shape");
      out.append(env.args->target->dims());  // re-validated below: Shape{...} is unchecked
      break;
    case ShapeExpr::Kind::Drop:
    case ShapeExpr::Kind::Swap:
    case ShapeExpr::Kind::SetDim: {
      Result<const PackBinding*> p = packOf(env, s.pack);
      if (!p.ok()) return p.error();
      const auto rank = static_cast<int64_t>(p.value()->dims.size());
      const int64_t last = s.kind == ShapeExpr::Kind::Swap ? rank - 2 : rank - 1;
      Result<size_t> axis = axisArg(s, *p.value(), last, env);
      if (!axis.ok()) return axis.error();
      out.append(p.value()->dims);
      const size_t a = axis.value();
      if (s.kind == ShapeExpr::Kind::Drop) {
        for (size_t i = a; i + 1 < out.size; ++i) out.dims[i] = out.dims[i + 1];
        --out.size;
      } else if (s.kind == ShapeExpr::Kind::Swap) {
        std::swap(out.dims[a], out.dims[a + 1]);
      } else {
        Result<int64_t> d = extent(s.arg1.get(), env);
        if (!d.ok()) return d.error();
        out.dims[a] = d.value();
      }
      break;
    }
  }
  return Shape::make(std::span<const int64_t>(out.dims.data(), out.size));
}

// ---- messages: which operands and attributes an expression mentions decides what a message
// shows and the error's kind.

struct Mentions {
  std::vector<std::string_view> attrs;
  uint32_t operands = 0;  // bit k: operand k's pattern bound a mentioned dim or pack
  bool target = false;
};

void noteName(std::string_view name, const Env& env, Mentions& m) {
  if (const DimBinding* d = env.dim(name)) m.operands |= 1u << d->operand;
  if (const PackBinding* p = env.pack(name)) m.operands |= 1u << p->operand;
}

void collect(const DimExpr* e, const Env& env, Mentions& m);
void collect(const ShapeExpr* s, const Env& env, Mentions& m);

void collect(const Cond* c, const Env& env, Mentions& m) {
  if (!c) return;
  collect(c->lhs.get(), env, m);
  collect(c->rhs.get(), env, m);
  collect(c->from.get(), env, m);
  collect(c->to.get(), env, m);
  if (c->kind == Cond::Kind::NonNeg) m.attrs.push_back(c->attr);
}

void collect(const DimExpr* e, const Env& env, Mentions& m) {
  if (!e) return;
  switch (e->kind) {
    case Kind::Attr:
    case Kind::Count:
      m.attrs.push_back(e->name);
      break;
    case Kind::Numel:
      if (e->name == "@shape") m.target = true;
      noteName(e->name, env, m);
      break;
    default:
      noteName(e->name, env, m);
      break;
  }
  collect(e->lhs.get(), env, m);
  collect(e->rhs.get(), env, m);
  collect(e->index.get(), env, m);
  collect(e->cond.get(), env, m);
}

void collect(const ShapeExpr* s, const Env& env, Mentions& m) {
  if (!s) return;
  if (s->kind == ShapeExpr::Kind::Target) m.target = true;
  noteName(s->pack, env, m);
  for (const ShapeExpr::Item& item : s->items) {
    noteName(item.pack, env, m);
    collect(item.dim.get(), env, m);
  }
  collect(s->arg0.get(), env, m);
  collect(s->arg1.get(), env, m);
}

// A failure about an index is IndexOutOfRange, one about an axis InvalidArgument; any other
// failure is a ShapeMismatch.
ErrorCode kindOf(const Mentions& m) {
  for (std::string_view a : m.attrs) {
    if (a == "index" || a == "indices" || a == "start" || a == "len") {
      return ErrorCode::IndexOutOfRange;
    }
  }
  for (std::string_view a : m.attrs) {
    if (a == "axis" || a == "d") return ErrorCode::InvalidArgument;
  }
  return ErrorCode::ShapeMismatch;
}

// " (operand #0 (%4) has shape [2,5], target shape [3])": the mentioned operands, or all of them
// when the expression mentions none.
std::string shapesText(const Mentions& m, const Env& env, const Context& ctx) {
  const int numOperands = static_cast<int>(env.args->operands.size());
  const uint32_t shown = m.operands != 0 || m.target ? m.operands : ~0u;
  std::string out;
  for (int k = 0; k < numOperands; ++k) {
    if (!(shown & (1u << k))) continue;
    out += (out.empty() ? "" : ", ") + ctx.operand(k) + " has shape " + env.operandShape(k).str();
  }
  if (m.target && env.args->target) {
    out += (out.empty() ? "" : ", ") + std::string("target shape ") + env.args->target->str();
  }
  return out.empty() ? out : " (" + out + ")";
}

// Why a constraint that evaluated to false is false: the value of each non-constant side.
std::string falseBecause(const Cond& c, const Env& env) {
  if (c.kind == Cond::Kind::Broadcastable) {
    const Shape from = evalShape(*c.from, env).value(), to = evalShape(*c.to, env).value();
    return from.str() + " does not broadcast to " + to.str() + ": " +
           broadcastMismatch(from, to).value_or("");
  }
  if (c.kind == Cond::Kind::NonNeg) return negativeEntry(env, c.attr).value().value_or("");
  std::string out;
  for (const DimExpr* side : {c.lhs.get(), c.rhs.get()}) {
    if (side->kind == Kind::Const) continue;
    out += (out.empty() ? "" : ", ") + exprText(*side) + " = " +
           std::to_string(evalDim(*side, env).value());
  }
  return out.empty() ? "it is false" : out;
}

Status checkConstraint(const Cond& c, const Env& env, const Context& ctx) {
  Result<bool> holds = evalCond(c, env);
  if (holds.ok() && holds.value()) return okStatus();
  Mentions m;
  collect(&c, env, m);
  const bool overflowed = !holds.ok() && holds.error().code == ErrorCode::Overflow;
  const std::string what = holds.ok() ? "fails: " + falseBecause(c, env)
                                      : "cannot be evaluated: " + holds.error().message;
  return ctx.error(overflowed ? ErrorCode::Overflow : kindOf(m),
                   "constraint " + quote(c.text) + " " + what + shapesText(m, env, ctx));
}

// ---- operands

// "[m,n]", "[n,*s]"
std::string patternText(const OperandPattern& p) {
  std::string out = "[";
  for (size_t i = 0; i < p.dims.size(); ++i) {
    out += std::string(i ? "," : "") + (p.dims[i].isPack ? "*" : "") + p.dims[i].name;
  }
  return out + "]";
}

// The pattern with what is known so far: bound dims as numbers, unknown dims as `*`, an unknown
// pack as `*name`; e.g. "[3,*]".
std::string expectedText(const OperandPattern& p, const Env& env) {
  std::vector<std::string> items;
  for (const OperandPattern::Dim& d : p.dims) {
    if (!d.isPack) {
      const DimBinding* b = env.dim(d.name);
      items.push_back(b ? std::to_string(b->value) : "*");
    } else if (const PackBinding* b = env.pack(d.name)) {
      for (int64_t v : b->dims) items.push_back(std::to_string(v));
    } else {
      items.push_back("*" + d.name);
    }
  }
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

Error conflict(const Env& env, int k, const Context& ctx, const std::string& binding, int from) {
  const OperandPattern& p = env.rule->operands[static_cast<size_t>(k)];
  return ctx.error(ErrorCode::ShapeMismatch,
                   ctx.operand(k) + " has shape " + env.operandShape(k).str() + ", expected " +
                       expectedText(p, env) + " (" + binding + " from " + ctx.operand(from) + " " +
                       env.operandShape(from).str() + ")");
}

// Unifies operand k's shape with its pattern: exact rank without a pack, rank >= the fixed dims
// with one; a name bound before must bind the same extent (dim) or the same dims (pack).
Status bindOperand(Env& env, int k, const Context& ctx) {
  const OperandPattern& p = env.rule->operands[static_cast<size_t>(k)];
  const Shape& shape = env.operandShape(k);
  size_t fixed = 0;
  for (const OperandPattern::Dim& d : p.dims) fixed += d.isPack ? 0 : 1;
  const bool hasPack = fixed != p.dims.size();
  const auto rank = static_cast<size_t>(shape.rank());
  if (hasPack ? rank < fixed : rank != fixed) {
    return ctx.error(ErrorCode::ShapeMismatch, ctx.operand(k) + " has shape " + shape.str() +
                                                   ", expected rank " + (hasPack ? ">= " : "") +
                                                   std::to_string(fixed) + " " + patternText(p));
  }
  const size_t packSize = rank - fixed;
  size_t axis = 0;
  for (const OperandPattern::Dim& d : p.dims) {
    if (d.isPack) {
      const std::span<const int64_t> dims = shape.dims().subspan(axis, packSize);
      axis += packSize;
      if (const PackBinding* b = env.pack(d.name)) {
        if (!std::equal(b->dims.begin(), b->dims.end(), dims.begin(), dims.end())) {
          return conflict(env, k, ctx, "pack " + d.name + " = " + dimsText(b->dims), b->operand);
        }
      } else if (env.numPacks < kMaxBindings) {
        env.packs[env.numPacks++] = PackBinding{d.name, dims, k};
      } else {
        return Error::make(ErrorCode::Internal, "shape row binds too many packs");
      }
      continue;
    }
    const int64_t value = shape[static_cast<int>(axis++)];
    if (const DimBinding* b = env.dim(d.name)) {
      if (b->value != value) {
        return conflict(env, k, ctx, "dim " + d.name + " = " + std::to_string(b->value),
                        b->operand);
      }
    } else if (env.numDims < kMaxBindings) {
      env.dims[env.numDims++] = DimBinding{d.name, value, k};
    } else {
      return Error::make(ErrorCode::Internal, "shape row binds too many dims");
    }
  }
  return okStatus();
}

// ---- rows

// Checks the argument counts the row's signature fixes: operands, int attributes, target shape.
Status checkSignature(const Env& env, const Context& ctx) {
  const ShapeRule& rule = *env.rule;
  const RuleArgs& args = *env.args;
  if (args.operands.size() != rule.operands.size()) {
    return ctx.error(ErrorCode::InvalidArgument,
                     rule.name + " takes " + std::to_string(rule.operands.size()) +
                         " operand(s), got " + std::to_string(args.operands.size()));
  }
  size_t numInts = 0;
  bool takesList = false;
  for (const AttrSpec& a : env.attrs) {
    numInts += a.kind == AttrKind::Int ? 1 : 0;
    takesList = takesList || a.kind == AttrKind::Ints;
  }
  if (!takesList && args.ints.size() != numInts) {
    return ctx.error(ErrorCode::InvalidArgument, rule.name + " takes " + std::to_string(numInts) +
                                                     " int attribute(s), got " +
                                                     std::to_string(args.ints.size()));
  }
  if (!args.target && rule.text.find("@shape") != std::string::npos) {
    return ctx.error(ErrorCode::InvalidArgument, rule.name + " needs a target shape");
  }
  if (rule.operands.size() > 32) {
    return Error::make(ErrorCode::Internal, "shape row has more than 32 operands");
  }
  return okStatus();
}

Result<Shape> buildOutput(const Env& env, const Context& ctx) {
  Result<Shape> out = evalShape(env.rule->output, env);
  if (out.ok()) return out;
  Mentions m;
  collect(&env.rule->output, env, m);
  const ErrorCode code = out.error().code == ErrorCode::Overflow ? ErrorCode::Overflow : kindOf(m);
  return ctx.error(code, "output " + shapeText(env.rule->output) + ": " + out.error().message +
                             shapesText(m, env, ctx));
}

// A row applied to arguments: signature, operand patterns in order, constraints in order, output.
// `env` keeps the bindings (a recipe evaluates in its forward node's scope).
Result<Shape> evalRule(const ShapeRule& rule, std::span<const AttrSpec> attrs, const RuleArgs& args,
                       const Context& ctx, Env& env) {
  env.rule = &rule;
  env.attrs = attrs;
  env.args = &args;
  VG_TRY_STATUS(checkSignature(env, ctx));
  for (size_t k = 0; k < rule.operands.size(); ++k) {
    VG_TRY_STATUS(bindOperand(env, static_cast<int>(k), ctx));
  }
  for (const Cond& c : rule.constraints) VG_TRY_STATUS(checkConstraint(c, env, ctx));
  return buildOutput(env, ctx);
}

// ---- recipes

struct Callee {
  const ShapeRule* rule = nullptr;
  std::span<const AttrSpec> attrs;
};

Callee findCallee(std::string_view name) {
  if (std::optional<Op> op = opFromName(name)) {
    const ShapeRule& r = shapeRule(*op);
    return r.text.empty() ? Callee{} : Callee{&r, opInfo(*op).attrs};
  }
  const ShapeRule* helper = helperRule(name);
  return helper ? Callee{helper, {}} : Callee{};
}

Error withPrefix(const std::string& prefix, const Error& e) {
  return Error::make(e.code, prefix + ": " + e.message);
}

// The shape a recipe term denotes: g, a forward operand, or a row applied to the shapes of its
// arguments, with keyword attributes and shape= evaluated in the forward node's scope `fwd`.
Result<Shape> evalRecipeExpr(const RecipeExpr& e, const Env& fwd, const Shape& g) {
  if (e.kind == RecipeExpr::Kind::Cotangent) return g;
  if (e.kind == RecipeExpr::Kind::Operand) {
    for (size_t k = 0; k < fwd.rule->operands.size(); ++k) {
      if (fwd.rule->operands[k].name == e.name) return fwd.args->operands[k];
    }
    return reason("no operand " + e.name);
  }
  const std::string text = recipeText(e);
  const Callee callee = findCallee(e.name);
  if (!callee.rule) return reason(quote(text) + ": no row named " + e.name);
  std::vector<Shape> operands;
  std::vector<std::string> labels;
  for (const auto& arg : e.args) {
    if (!arg) return reason(quote(text) + ": malformed argument");
    Result<Shape> s = evalRecipeExpr(*arg, fwd, g);
    if (!s.ok()) return s;
    operands.push_back(s.value());
    labels.push_back(recipeText(*arg));
  }
  std::vector<int64_t> ints;
  for (const AttrSpec& a : callee.attrs) {
    if (a.kind != AttrKind::Int) continue;
    const DimExpr* value = nullptr;
    for (const auto& [key, expr] : e.intArgs) value = key == a.name ? expr.get() : value;
    if (!value) return reason(quote(text) + ": no " + std::string(a.name) + "=");
    Result<int64_t> v = evalDim(*value, fwd);
    if (!v.ok()) return withPrefix(quote(text) + ": " + std::string(a.name) + "=", v.error());
    ints.push_back(v.value());
  }
  std::optional<Shape> target;
  if (e.shapeArg) {
    Result<Shape> t = evalShape(*e.shapeArg, fwd);
    if (!t.ok()) return withPrefix(quote(text) + ": shape=", t.error());
    target = t.value();
  }
  const RuleArgs args{operands, ints, 0, target ? &*target : nullptr};
  Env env;
  return evalRule(*callee.rule, callee.attrs, args, Context{text, {}, labels}, env);
}

}  // namespace

Result<Shape> inferShapeWith(const ShapeRule& rule, std::span<const AttrSpec> attrs,
                             const RuleArgs& args, std::string_view nodeText,
                             std::span<const ValueId> operandIds) {
  Env env;
  return evalRule(rule, attrs, args, Context{nodeText, operandIds, {}}, env);
}

bool isSameShapeRule(const ShapeRule& rule) {
  if (rule.operands.empty() || !rule.constraints.empty()) return false;
  const OperandPattern& first = rule.operands[0];
  if (first.dims.size() != 1 || !first.dims[0].isPack) return false;
  const std::string& pack = first.dims[0].name;
  for (const OperandPattern& p : rule.operands) {
    if (p.dims.size() != 1 || !p.dims[0].isPack || p.dims[0].name != pack) return false;
  }
  const ShapeExpr& out = rule.output;
  return out.kind == ShapeExpr::Kind::List && out.items.size() == 1 && out.items[0].isPack &&
         out.items[0].pack == pack;
}

std::array<bool, kNumOps> sameShapeRuleTable() {
  std::array<bool, kNumOps> t{};
  for (Op o : allOps()) t[static_cast<size_t>(o)] = isSameShapeRule(shapeRule(o));
  return t;
}

Result<Shape> inferShape(Op op, const RuleArgs& args, std::string_view nodeText,
                         std::span<const ValueId> operandIds) {
  // The fast path decides only what the interpreter would: equal operand shapes under an
  // `x[*s] ... -> [*s]` row (with the row's operand count) are accepted with that shape.
  // Everything else (and every error message) comes from the interpreter.
  if (hasSameShapeRule(op) && args.operands.size() == shapeRule(op).operands.size()) {
    bool equal = true;
    for (const Shape& s : args.operands) equal = equal && s == args.operands[0];
    if (equal) return args.operands[0];
  }
  const ShapeRule& rule = shapeRule(op);
  if (rule.text.empty()) {
    return Error::make(ErrorCode::Internal, "the shape row of " + std::string(opName(op)) +
                                                " does not parse (see rowParseErrors())");
  }
  return inferShapeWith(rule, opInfo(op).attrs, args, nodeText, operandIds);
}

Result<Shape> evalRecipe(Op op, const Recipe& recipe, const RuleArgs& args, const Shape& out) {
  const std::string prefix = "vjp recipe " + quote(recipe.text) + " of " + std::string(opName(op)) +
                             " operand #" + std::to_string(recipe.operand);
  const ShapeRule& rule = shapeRule(op);
  if (rule.text.empty() || !recipe.expr) {
    return Error::make(ErrorCode::Internal, prefix + ": the row or the recipe is malformed");
  }
  std::vector<std::string> names;
  for (const OperandPattern& p : rule.operands) names.push_back(p.name);
  Env fwd;
  Result<Shape> forward =
      evalRule(rule, opInfo(op).attrs, args, Context{opName(op), {}, names}, fwd);
  if (!forward.ok())
    return withPrefix(prefix + ": the forward row rejects the node", forward.error());
  Result<Shape> shape = evalRecipeExpr(*recipe.expr, fwd, out);
  if (!shape.ok()) return withPrefix(prefix, shape.error());
  return shape;
}

Result<Shape> vjpShape(Op op, int operand, const RuleArgs& args, const Shape& out) {
  for (const Recipe& r : vjpRecipes(op)) {
    if (r.operand == operand) return evalRecipe(op, r, args, out);
  }
  const std::string name(opName(op));
  if (!opInfo(op).hasGradientEdges) {
    return Error::make(ErrorCode::InvalidArgument, name + " passes no gradient to its operands");
  }
  if (operand < 0 || operand >= opInfo(op).arity) {
    return Error::make(ErrorCode::InvalidArgument,
                       name + " has no operand #" + std::to_string(operand));
  }
  return Error::make(ErrorCode::Internal, "ops.def has no VJP recipe for " + name + " operand #" +
                                              std::to_string(operand));
}

}  // namespace verigrad::rules
