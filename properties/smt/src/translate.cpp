// The Z3 translation of the shape-rule AST: each function mirrors the evaluator case of the same
// name in engine/ir/src/shape_rule_eval.cpp (binding, constraints, output, recipe calls).
#include "verigrad/smt/translate.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <memory>

#include "verigrad/shape.hpp"

namespace verigrad::smt {
namespace {

using Kind = rules::DimExpr::Kind;

// A word numeral as the int64 the evaluator holds (words are two's complement).
bool wordValue(const z3::expr& e, int64_t& v) {
  uint64_t u = 0;
  if (!e.is_numeral() || !e.is_numeral_u64(u)) return false;
  v = static_cast<int64_t>(u);
  return true;
}

const AttrSpec* findAttr(std::span<const AttrSpec> attrs, std::string_view name, size_t* intIndex) {
  size_t index = 0;
  for (const AttrSpec& a : attrs) {
    if (a.name == name) {
      *intIndex = index;
      return &a;
    }
    if (a.kind == AttrKind::Int) ++index;
  }
  return nullptr;
}

const z3::expr* findDim(const Scope& s, std::string_view name) {
  for (const auto& [n, v] : s.dims) {
    if (n == name) return &v;
  }
  return nullptr;
}

const std::vector<z3::expr>* findPack(const Scope& s, std::string_view name) {
  for (const auto& [n, v] : s.packs) {
    if (n == name) return &v;
  }
  return nullptr;
}

}  // namespace

// ---- terms

z3::expr Translator::word(int64_t v) { return c_.bv_val(v, kWordBits); }

z3::expr Translator::dimVar(const std::string& name) {
  return z3::zext(c_.bv_const(name.c_str(), kDimBits), kWordBits - kDimBits);
}

z3::expr Translator::dimVarBits(const z3::expr& dim) { return dim.arg(0); }

z3::expr Translator::conj(const z3::expr& a, const z3::expr& b) {
  if (a.is_true() || b.is_false()) return b;
  if (b.is_true() || a.is_false()) return a;
  return a && b;
}

z3::expr Translator::disj(const z3::expr& a, const z3::expr& b) {
  if (a.is_false() || b.is_true()) return b;
  if (b.is_false() || a.is_true()) return a;
  return a || b;
}

z3::expr Translator::pick(const z3::expr& cond, const z3::expr& a, const z3::expr& b) {
  if (cond.is_true()) return a;
  if (cond.is_false()) return b;
  if (z3::eq(a, b)) return a;
  return z3::ite(cond, a, b);
}

z3::expr Translator::same(const z3::expr& a, const z3::expr& b) {
  int64_t x = 0, y = 0;
  if (z3::eq(a, b)) return truth(true);
  if (a.is_bv() && wordValue(a, x) && wordValue(b, y)) return truth(x == y);
  // One order for every equation, so `a == b` in a hypothesis and `b == a` in a goal are the
  // same term and the solver never bit-blasts both sides to relate them.
  return a.id() < b.id() ? a == b : b == a;
}

z3::expr Translator::sameDims(std::span<const z3::expr> a, std::span<const z3::expr> b) {
  if (a.size() != b.size()) return truth(false);
  z3::expr out = truth(true);
  for (size_t i = 0; i < a.size(); ++i) out = conj(out, same(a[i], b[i]));
  return out;
}

SymShape Translator::failedShape(std::string why) {
  return SymShape{false, {}, truth(false), std::move(why)};
}

SymShape Translator::knownShape(std::vector<z3::expr> dims, z3::expr defined) {
  return SymShape{true, std::move(dims), std::move(defined), {}};
}

// ---- arithmetic: int64 with the evaluator's overflow errors

namespace {

// a op b fits in int64: the 65-bit sign-extended result has equal top two bits.
z3::expr fitsAfter(const z3::expr& wide) {
  return wide.extract(kWordBits, kWordBits) == wide.extract(kWordBits - 1, kWordBits - 1);
}

// Folds arithmetic on two numerals exactly as the evaluator computes it (nullopt: it fails).
std::optional<int64_t> foldArithmetic(Kind kind, int64_t a, int64_t b) {
  int64_t r = 0;
  switch (kind) {
    case Kind::Add:
      if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
      return r;
    case Kind::Sub:
      if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
      return r;
    case Kind::Mul:
      if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
      return r;
    case Kind::FloorDiv:
      if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return std::nullopt;
      return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
    default:
      return std::nullopt;
  }
}

}  // namespace

// ---- intervals

namespace {

using Interval = std::pair<int64_t, int64_t>;

std::optional<Interval> checkedInterval(__int128 lo, __int128 hi) {
  if (lo < INT64_MIN || hi > INT64_MAX || lo > hi) return std::nullopt;
  return Interval{static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
}

std::optional<Interval> combine(Kind kind, const std::optional<Interval>& a,
                                const std::optional<Interval>& b) {
  if (!a || !b) return std::nullopt;
  switch (kind) {
    case Kind::Add:
      return checkedInterval(__int128{a->first} + b->first, __int128{a->second} + b->second);
    case Kind::Sub:
      return checkedInterval(__int128{a->first} - b->second, __int128{a->second} - b->first);
    case Kind::Mul: {
      const __int128 corners[] = {__int128{a->first} * b->first, __int128{a->first} * b->second,
                                  __int128{a->second} * b->first, __int128{a->second} * b->second};
      return checkedInterval(*std::min_element(std::begin(corners), std::end(corners)),
                             *std::max_element(std::begin(corners), std::end(corners)));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::pair<int64_t, int64_t>> termInterval(const z3::expr& d,
                                                        const IntervalHints& hints) {
  uint64_t u = 0;
  if (d.is_numeral() && d.is_numeral_u64(u)) {
    const auto v = static_cast<int64_t>(u);
    return Interval{v, v};
  }
  if (!d.is_app()) return std::nullopt;
  auto fold = [&](Kind kind) {
    std::optional<Interval> acc = termInterval(d.arg(0), hints);
    for (unsigned i = 1; i < d.num_args(); ++i)
      acc = combine(kind, acc, termInterval(d.arg(i), hints));
    return acc;
  };
  switch (d.decl().decl_kind()) {
    case Z3_OP_ZERO_EXT: {
      const unsigned width = d.arg(0).get_sort().bv_size();
      if (width >= kWordBits - 1) return std::nullopt;
      const int64_t top = (int64_t{1} << width) - 1;
      return Interval{0, hints.dimMax && width <= kDimBits ? std::min(*hints.dimMax, top) : top};
    }
    case Z3_OP_BADD:
      return fold(Kind::Add);
    case Z3_OP_BSUB:
      return fold(Kind::Sub);
    case Z3_OP_BMUL:
      return fold(Kind::Mul);
    case Z3_OP_ITE: {
      const auto a = termInterval(d.arg(1), hints), b = termInterval(d.arg(2), hints);
      if (!a || !b) return std::nullopt;
      return Interval{std::min(a->first, b->first), std::max(a->second, b->second)};
    }
    case Z3_OP_UNINTERPRETED:
      if (hints.numelHint && d.decl().name().str().rfind("numel_", 0) == 0) {
        return Interval{0, Shape::kMaxNumel};
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

SymInt Translator::arithmetic(Kind kind, const z3::expr& a, const z3::expr& b) {
  int64_t x = 0, y = 0;
  if (wordValue(a, x) && wordValue(b, y)) {
    const std::optional<int64_t> r = foldArithmetic(kind, x, y);
    return {word(r.value_or(0)), truth(r.has_value())};
  }
  // When the operands' intervals show the result stays in int64, no overflow check is needed
  // (a 128-bit product circuit for `*` would otherwise reach every query).
  const bool safe = kind != Kind::FloorDiv && combine(kind, termInterval(a), termInterval(b));
  switch (kind) {
    case Kind::Add:
      return {a + b, safe ? truth(true) : fitsAfter(z3::sext(a, 1) + z3::sext(b, 1))};
    case Kind::Sub:
      return {a - b, safe ? truth(true) : fitsAfter(z3::sext(a, 1) - z3::sext(b, 1))};
    case Kind::Mul: {
      if (safe) return {a * b, truth(true)};
      // The exact product in 128 bits fits int64 when its top 65 bits are all equal. (Z3
      // 4.8.12's signed bvmul_no_overflow/no_underflow misjudge negative operands: the encoding
      // test caught -1 * -1 reported as an overflow.)
      const z3::expr wide = z3::sext(a, kWordBits) * z3::sext(b, kWordBits);
      const z3::expr top = wide.extract(2 * kWordBits - 1, kWordBits - 1);
      const unsigned width = kWordBits + 1;
      return {a * b, top == c_.bv_val(0, width) || top == ~c_.bv_val(0, width)};
    }
    case Kind::FloorDiv: {
      // bvsdiv truncates toward zero and bvsrem takes the dividend's sign, as C++ / and % do.
      const z3::expr q = a / b;
      const z3::expr r = z3::srem(a, b);
      const z3::expr adjust = r != word(0) && ((a < word(0)) != (b < word(0)));
      const z3::expr value = z3::ite(adjust, q - word(1), q);
      const z3::expr ok =
          b != word(0) && !(a == word(std::numeric_limits<int64_t>::min()) && b == word(-1));
      return {value, ok};
    }
    default:
      return {word(0), truth(false)};
  }
}

namespace {

// Extents derived from dims (n + m, n - start - len, ...) are small in every model that matters,
// but their 64-bit form hides that from bit-blasting, and a 64-bit multiplier whose operands are
// not visibly small makes product bounds intractable. Products of terms up to kNarrowBits wide
// (zero-extended, high bits constant) stay cheap.
constexpr unsigned kNarrowBits = 20;

bool visiblyNarrow(const z3::expr& d) {
  uint64_t v = 0;
  if (d.is_numeral() && d.is_numeral_u64(v)) return v < (uint64_t{1} << kNarrowBits);
  return d.is_app() && d.decl().decl_kind() == Z3_OP_ZERO_EXT &&
         d.arg(0).get_sort().bv_size() <= kNarrowBits;
}

}  // namespace

// The partial products of non-negative factors, each checked against 2^62 as checkedNumel does.
SymInt Translator::numelChain(std::span<const z3::expr> dims) {
  z3::expr product = word(1);
  z3::expr fits = truth(true);
  bool first = true;
  const z3::expr limit = word(Shape::kMaxNumel);
  for (const z3::expr& d : dims) {
    // int64 product of non-negative factors <= 2^62: no unsigned wrap and <= 2^62 is the same.
    const z3::expr next = first ? d : product * d;
    const z3::expr noWrap = first ? truth(true) : z3::bvmul_no_overflow(product, d, false);
    fits = conj(fits, conj(z3::sle(word(0), d), conj(noWrap, z3::ule(next, limit))));
    product = next;
    first = false;
  }
  return {product, fits};
}

SymInt Translator::exactChain(std::span<const z3::expr> dims) {
  if (std::all_of(dims.begin(), dims.end(), visiblyNarrow)) return numelChain(dims);
  // The same function written twice: on kNarrowBits-wide copies of the dims where every dim fits
  // (then each copy equals its dim, so both chains agree), on the dims themselves otherwise.
  z3::expr small = truth(true);
  std::vector<z3::expr> narrow;
  for (const z3::expr& d : dims) {
    if (visiblyNarrow(d)) {
      narrow.push_back(d);
      continue;
    }
    small = conj(small, z3::ule(d, word((int64_t{1} << kNarrowBits) - 1)));
    narrow.push_back(z3::zext(d.extract(kNarrowBits - 1, 0), kWordBits - kNarrowBits));
  }
  const SymInt a = numelChain(narrow), b = numelChain(dims);
  return {pick(small, a.value, b.value), pick(small, a.defined, b.defined)};
}

SymInt Translator::abstractChain(std::vector<z3::expr> dims) {
  const auto rank = static_cast<unsigned>(dims.size());
  z3::sort_vector domain(c_);
  for (unsigned i = 0; i < rank; ++i) domain.push_back(c_.bv_sort(kWordBits));
  const std::string r = std::to_string(rank);
  const z3::func_decl product = c_.function(("numel_" + r).c_str(), domain, c_.bv_sort(kWordBits));
  const z3::func_decl fits = c_.function(("fits_" + r).c_str(), domain, c_.bool_sort());
  z3::expr_vector args(c_);
  for (const z3::expr& d : dims) args.push_back(d);
  NumelApp app{std::move(dims), product(args), fits(args)};
  const SymInt out{app.product, app.fits};
  numelApps_.push_back(std::move(app));
  return out;
}

SymInt Translator::checkedNumel(std::span<const z3::expr> dims) {
  std::vector<int64_t> values;
  for (const z3::expr& d : dims) {
    int64_t v = 0;
    if (!wordValue(d, v)) break;
    values.push_back(v);
  }
  if (values.size() == dims.size()) {
    Result<int64_t> n = Shape::checkedNumel(values);
    return {word(n.ok() ? n.value() : 0), truth(n.ok())};
  }
  // A zero extent anywhere makes the product 0 before any overflow check (as checkedNumel); a
  // literal 1 changes no partial product's value or check, so it is left out.
  z3::expr anyZero = truth(false);
  std::vector<z3::expr> factors;
  for (const z3::expr& d : dims) {
    anyZero = disj(anyZero, same(d, word(0)));
    int64_t v = 0;
    if (!(wordValue(d, v) && v == 1)) factors.push_back(d);
  }
  const SymInt chain = abstractNumel_ ? abstractChain(std::move(factors)) : exactChain(factors);
  return {pick(anyZero, word(0), chain.value), disj(anyZero, chain.defined)};
}

SymShape Translator::makeShape(std::vector<z3::expr> dims, z3::expr defined) {
  if (dims.size() > static_cast<size_t>(Shape::kMaxRank)) {
    return failedShape("more than " + std::to_string(Shape::kMaxRank) + " dims");
  }
  z3::expr ok = std::move(defined);
  for (const z3::expr& d : dims) ok = conj(ok, z3::sle(word(0), d));
  ok = conj(ok, checkedNumel(dims).defined);
  return knownShape(std::move(dims), ok);
}

// ---- expressions (evalDim, evalCond, evalShape)

SymInt Translator::intAttr(const Scope& scope, const std::string& name) {
  size_t index = 0;
  const AttrSpec* a = findAttr(scope.attrs, name, &index);
  if (!a || a->kind != AttrKind::Int || index >= scope.args->ints.size()) {
    return {word(0), truth(false)};
  }
  return {scope.args->ints[index], truth(true)};
}

SymInt Translator::attrCount(const Scope& scope, const std::string& name) {
  size_t index = 0;
  const AttrSpec* a = findAttr(scope.attrs, name, &index);
  if (a && a->kind == AttrKind::Ints && scope.args->listCount) {
    return {*scope.args->listCount, truth(true)};
  }
  if (a && a->kind == AttrKind::Lits && scope.args->numLiterals) {
    return {*scope.args->numLiterals, truth(true)};
  }
  return {word(0), truth(false)};
}

SymInt Translator::evalDim(const rules::DimExpr& e, const Scope& scope) {
  const SymInt undefined{word(0), truth(false)};
  switch (e.kind) {
    case Kind::Const:
      return {word(e.value), truth(true)};
    case Kind::Dim: {
      const z3::expr* d = findDim(scope, e.name);
      return d ? SymInt{*d, truth(true)} : undefined;
    }
    case Kind::Attr:
      return intAttr(scope, e.name);
    case Kind::PackDim: {
      const std::vector<z3::expr>* p = findPack(scope, e.name);
      if (!p || !e.index) return undefined;
      const SymInt i = evalDim(*e.index, scope);
      int64_t at = 0;
      if (wordValue(i.value, at)) {
        const bool inside = at >= 0 && static_cast<uint64_t>(at) < p->size();
        return {inside ? (*p)[static_cast<size_t>(at)] : word(0), conj(i.defined, truth(inside))};
      }
      const z3::expr inside =
          z3::sle(word(0), i.value) && z3::slt(i.value, word(static_cast<int64_t>(p->size())));
      z3::expr value = word(0);
      for (size_t k = p->size(); k-- > 0;) {
        value = pick(same(i.value, word(static_cast<int64_t>(k))), (*p)[k], value);
      }
      return {value, conj(i.defined, inside)};
    }
    case Kind::Rank: {
      const std::vector<z3::expr>* p = findPack(scope, e.name);
      return p ? SymInt{word(static_cast<int64_t>(p->size())), truth(true)} : undefined;
    }
    case Kind::Numel: {
      if (e.name == "@shape") {
        const auto& target = scope.args->target;
        if (!target || !target->known) return undefined;
        return checkedNumel(target->dims);
      }
      const std::vector<z3::expr>* p = findPack(scope, e.name);
      return p ? checkedNumel(*p) : undefined;
    }
    case Kind::Count:
      return attrCount(scope, e.name);
    case Kind::Add:
    case Kind::Sub:
    case Kind::Mul:
    case Kind::FloorDiv: {
      if (!e.lhs || !e.rhs) return undefined;
      const SymInt a = evalDim(*e.lhs, scope);
      const SymInt b = evalDim(*e.rhs, scope);
      const SymInt r = arithmetic(e.kind, a.value, b.value);
      return {r.value, conj(conj(a.defined, b.defined), r.defined)};
    }
    case Kind::IfThenElse: {
      if (!e.cond || !e.lhs || !e.rhs) return undefined;
      const SymBool c = evalCond(*e.cond, scope);
      const SymInt a = evalDim(*e.lhs, scope);
      const SymInt b = evalDim(*e.rhs, scope);
      // Only the chosen branch is evaluated: only its failures count.
      return {pick(c.value, a.value, b.value),
              conj(c.defined, pick(c.value, a.defined, b.defined))};
    }
  }
  return undefined;
}

SymBool Translator::evalCond(const rules::Cond& c, const Scope& scope) {
  using CK = rules::Cond::Kind;
  switch (c.kind) {
    case CK::Eq:
    case CK::Le:
    case CK::Lt: {
      if (!c.lhs || !c.rhs) return {truth(false), truth(false)};
      const SymInt a = evalDim(*c.lhs, scope);
      const SymInt b = evalDim(*c.rhs, scope);
      int64_t x = 0, y = 0;
      z3::expr value = truth(false);
      if (wordValue(a.value, x) && wordValue(b.value, y)) {
        value = truth(c.kind == CK::Eq ? x == y : c.kind == CK::Le ? x <= y : x < y);
      } else {
        value = c.kind == CK::Eq   ? same(a.value, b.value)
                : c.kind == CK::Le ? z3::sle(a.value, b.value)
                                   : z3::slt(a.value, b.value);
      }
      return {value, conj(a.defined, b.defined)};
    }
    case CK::Broadcastable: {
      if (!c.from || !c.to) return {truth(false), truth(false)};
      const SymShape from = evalShape(*c.from, scope);
      const SymShape to = evalShape(*c.to, scope);
      if (!from.known || !to.known) return {truth(false), truth(false)};
      const z3::expr defined = conj(from.defined, to.defined);
      // Right-aligned: `from` may gain leading axes; each aligned dim is 1 or equal.
      if (from.dims.size() > to.dims.size()) return {truth(false), defined};
      const size_t offset = to.dims.size() - from.dims.size();
      z3::expr value = truth(true);
      for (size_t i = 0; i < from.dims.size(); ++i) {
        value =
            conj(value, disj(same(from.dims[i], word(1)), same(from.dims[i], to.dims[i + offset])));
      }
      return {value, defined};
    }
    case CK::NonNeg: {
      size_t index = 0;
      const AttrSpec* a = findAttr(scope.attrs, c.attr, &index);
      if (a && a->kind == AttrKind::Int) {
        const SymInt v = intAttr(scope, c.attr);
        return {z3::sle(word(0), v.value), v.defined};
      }
      if (a && a->kind == AttrKind::Ints && scope.args->listNonNeg) {
        return {*scope.args->listNonNeg, truth(true)};
      }
      return {truth(false), truth(false)};
    }
  }
  return {truth(false), truth(false)};
}

// drop(pack, axis), swap(pack, axis), setdim(pack, axis, extent), with the axis checked against
// the pack's rank as the evaluator's axisArg does.
SymShape Translator::editPack(const rules::ShapeExpr& s, const Scope& scope) {
  using SK = rules::ShapeExpr::Kind;
  const std::vector<z3::expr>* p = findPack(scope, s.pack);
  if (!p || !s.arg0) return failedShape("pack " + s.pack + " is unbound");
  const auto rank = static_cast<int64_t>(p->size());
  const int64_t last = s.kind == SK::Swap ? rank - 2 : rank - 1;
  if (last < 0)
    return failedShape(rules::shapeText(s) + ": no axis is valid for rank " + std::to_string(rank));
  const SymInt axis = evalDim(*s.arg0, scope);
  z3::expr defined =
      conj(axis.defined, conj(z3::sle(word(0), axis.value), z3::sle(axis.value, word(last))));
  int64_t a = 0;
  const bool concrete = wordValue(axis.value, a);
  if (concrete && (a < 0 || a > last)) defined = truth(false);
  auto at = [&](int64_t i) { return same(axis.value, word(i)); };
  std::vector<z3::expr> out;
  const auto n = static_cast<size_t>(rank);
  if (s.kind == SK::Drop) {
    for (size_t i = 0; i + 1 < n; ++i) {
      const auto si = static_cast<int64_t>(i);
      const z3::expr after = concrete ? truth(a <= si) : z3::sle(axis.value, word(si));
      out.push_back(pick(after, (*p)[i + 1], (*p)[i]));
    }
  } else if (s.kind == SK::Swap) {
    for (size_t i = 0; i < n; ++i) {
      const auto si = static_cast<int64_t>(i);
      z3::expr d = (*p)[i];
      if (i + 1 < n) d = pick(at(si), (*p)[i + 1], d);
      if (i > 0) d = pick(at(si - 1), (*p)[i - 1], d);
      out.push_back(d);
    }
  } else {
    if (!s.arg1) return failedShape("malformed " + rules::shapeText(s));
    const SymInt extent = evalDim(*s.arg1, scope);
    defined = conj(defined, conj(extent.defined, z3::sle(word(0), extent.value)));
    for (size_t i = 0; i < n; ++i)
      out.push_back(pick(at(static_cast<int64_t>(i)), extent.value, (*p)[i]));
  }
  return makeShape(std::move(out), defined);
}

SymShape Translator::evalShape(const rules::ShapeExpr& s, const Scope& scope) {
  using SK = rules::ShapeExpr::Kind;
  switch (s.kind) {
    case SK::List: {
      std::vector<z3::expr> dims;
      z3::expr defined = truth(true);
      for (const rules::ShapeExpr::Item& item : s.items) {
        if (item.isPack) {
          const std::vector<z3::expr>* p = findPack(scope, item.pack);
          if (!p) return failedShape("pack " + item.pack + " is unbound");
          dims.insert(dims.end(), p->begin(), p->end());
        } else {
          if (!item.dim) return failedShape("malformed shape");
          const SymInt d = evalDim(*item.dim, scope);
          defined = conj(defined, conj(d.defined, z3::sle(word(0), d.value)));
          dims.push_back(d.value);
        }
        if (dims.size() > static_cast<size_t>(Shape::kMaxRank)) {
          return failedShape("more than " + std::to_string(Shape::kMaxRank) + " dims");
        }
      }
      return makeShape(std::move(dims), defined);
    }
    case SK::Target: {
      const auto& target = scope.args->target;
      if (!target || !target->known) return failedShape("no target shape");
      return makeShape(target->dims, target->defined);
    }
    case SK::Drop:
    case SK::Swap:
    case SK::SetDim:
      return editPack(s, scope);
  }
  return failedShape("unknown shape kind");
}

// ---- rows

bool Translator::bindOperand(RowApp& app, size_t k) {
  const rules::OperandPattern& p = app.scope.rule->operands[k];
  const SymShape& shape = app.args.operands[k];
  size_t fixed = 0;
  for (const rules::OperandPattern::Dim& d : p.dims) fixed += d.isPack ? 0 : 1;
  const bool hasPack = fixed != p.dims.size();
  const size_t rank = shape.dims.size();
  if (!shape.known || (hasPack ? rank < fixed : rank != fixed)) {
    app.bound = truth(false);
    app.output =
        failedShape("operand #" + std::to_string(k) + " has rank " + std::to_string(rank) +
                    ", the pattern needs " + (hasPack ? ">= " : "") + std::to_string(fixed));
    return false;
  }
  const size_t packSize = rank - fixed;
  size_t axis = 0;
  for (const rules::OperandPattern::Dim& d : p.dims) {
    if (d.isPack) {
      std::vector<z3::expr> dims(shape.dims.begin() + static_cast<std::ptrdiff_t>(axis),
                                 shape.dims.begin() + static_cast<std::ptrdiff_t>(axis + packSize));
      axis += packSize;
      if (const std::vector<z3::expr>* bound = findPack(app.scope, d.name)) {
        if (bound->size() != dims.size()) {
          app.bound = truth(false);
          app.output = failedShape("pack " + d.name + " is bound with two ranks");
          return false;
        }
        app.bound = conj(app.bound, sameDims(*bound, dims));
      } else {
        app.scope.packs.emplace_back(d.name, std::move(dims));
      }
      continue;
    }
    const z3::expr& value = shape.dims[axis++];
    if (const z3::expr* bound = findDim(app.scope, d.name)) {
      app.bound = conj(app.bound, same(*bound, value));
    } else {
      app.scope.dims.emplace_back(d.name, value);
    }
  }
  return true;
}

std::unique_ptr<RowApp> Translator::applyRow(const rules::ShapeRule& rule,
                                             std::span<const AttrSpec> attrs, SymArgs args) {
  auto app = std::unique_ptr<RowApp>(
      new RowApp{std::move(args), Scope{}, truth(true), truth(true), failedShape("")});
  app->scope.rule = &rule;
  app->scope.attrs = attrs;
  app->scope.args = &app->args;
  // checkSignature: operand and int counts, and the target shape the row needs.
  size_t numInts = 0;
  bool takesList = false;
  for (const AttrSpec& a : attrs) {
    numInts += a.kind == AttrKind::Int ? 1 : 0;
    takesList = takesList || a.kind == AttrKind::Ints;
  }
  const bool needsTarget = rule.text.find("@shape") != std::string::npos;
  if (app->args.operands.size() != rule.operands.size() ||
      (!takesList && app->args.ints.size() != numInts) || (needsTarget && !app->args.target) ||
      rule.text.empty()) {
    app->bound = truth(false);
    app->output = failedShape(rule.name + ": wrong number of operands or attributes");
    return app;
  }
  for (size_t k = 0; k < rule.operands.size(); ++k) {
    if (!bindOperand(*app, k)) return app;
  }
  for (const rules::Cond& c : rule.constraints) {
    const SymBool holds = evalCond(c, app->scope);
    app->holds = conj(app->holds, conj(holds.defined, holds.value));
  }
  app->output = evalShape(rule.output, app->scope);
  return app;
}

// ---- recipes

namespace {

struct Callee {
  const rules::ShapeRule* rule = nullptr;
  std::span<const AttrSpec> attrs;
};

Callee findCallee(std::string_view name) {
  if (std::optional<Op> op = opFromName(name)) {
    const rules::ShapeRule& r = rules::shapeRule(*op);
    return r.text.empty() ? Callee{} : Callee{&r, opInfo(*op).attrs};
  }
  const rules::ShapeRule* helper = rules::helperRule(name);
  return helper ? Callee{helper, {}} : Callee{};
}

}  // namespace

SymShape Translator::applyRecipeExpr(const rules::RecipeExpr& e, const RowApp& fwd,
                                     const SymShape& g) {
  using RK = rules::RecipeExpr::Kind;
  if (e.kind == RK::Cotangent) return g;
  if (e.kind == RK::Operand) {
    for (size_t k = 0; k < fwd.scope.rule->operands.size(); ++k) {
      if (fwd.scope.rule->operands[k].name == e.name) return fwd.args.operands[k];
    }
    return failedShape("no operand " + e.name);
  }
  const Callee callee = findCallee(e.name);
  if (!callee.rule) return failedShape("no row named " + e.name);
  SymArgs args;
  z3::expr defined = truth(true);
  for (const auto& arg : e.args) {
    if (!arg) return failedShape("malformed recipe");
    SymShape s = applyRecipeExpr(*arg, fwd, g);
    if (!s.known) return s;
    defined = conj(defined, s.defined);
    args.operands.push_back(std::move(s));
  }
  for (const AttrSpec& a : callee.attrs) {
    if (a.kind != AttrKind::Int) continue;
    const rules::DimExpr* value = nullptr;
    for (const auto& [key, expr] : e.intArgs) value = key == a.name ? expr.get() : value;
    if (!value) return failedShape(rules::recipeText(e) + ": no " + std::string(a.name) + "=");
    const SymInt v = evalDim(*value, fwd.scope);
    defined = conj(defined, v.defined);
    args.ints.push_back(v.value);
  }
  args.numLiterals = word(0);
  if (e.shapeArg) {
    SymShape t = evalShape(*e.shapeArg, fwd.scope);
    if (!t.known) return t;
    defined = conj(defined, t.defined);
    args.target = std::move(t);
  }
  const std::unique_ptr<RowApp> app = applyRow(*callee.rule, callee.attrs, std::move(args));
  if (app->structural()) return failedShape(rules::recipeText(e) + ": " + app->output.failure);
  SymShape out = app->output;
  out.defined = conj(defined, app->ok());
  return out;
}

SymShape Translator::applyRecipe(const RowApp& fwd, const rules::Recipe& recipe,
                                 const SymShape& g) {
  if (fwd.structural() || !recipe.expr) return failedShape("the forward row rejects the node");
  SymShape out = applyRecipeExpr(*recipe.expr, fwd, g);
  if (out.known) out.defined = conj(fwd.ok(), out.defined);
  return out;
}

}  // namespace verigrad::smt
