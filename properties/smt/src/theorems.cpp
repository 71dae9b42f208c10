// The per-op shape theorems (vjp-shape, output-numel, numel-preserved, permutation, broadcast-vjp,
// index-bounds), the theorem list, the runner and the result table. Each theorem is checked on
// every rank choice of the op (ranks <= maxRank) by refuting its negation over symbolic dims.
#include <z3++.h>

#include <algorithm>
#include <functional>
#include <iomanip>
#include <sstream>

#include "numel_lemmas.hpp"
#include "query.hpp"
#include "theorems_internal.hpp"
#include "verigrad/smt/translate.hpp"

namespace verigrad::smt {
namespace {

using detail::QueryOptions;
using detail::QueryResult;
using detail::Verdict;

// ---- what each theorem says and which ops it covers

constexpr const char* kVjpShape = "vjp-shape";
constexpr const char* kOutputNumel = "output-numel";
constexpr const char* kNumelPreserved = "numel-preserved";
constexpr const char* kPermutation = "permutation";
constexpr const char* kBroadcastVjp = "broadcast-vjp";
constexpr const char* kIndexBounds = "index-bounds";

constexpr Op kNumelOps[] = {Op::Reshape, Op::Flatten};
constexpr Op kPermutationOps[] = {Op::Transpose2d, Op::Transpose3dFirstToLast,
                                  Op::Transpose3dLastToFirst, Op::Transpose3dLastTwo,
                                  Op::SwapAdjacentAtDepth};

// An index the op's kernel reads or writes, written in the rule language over the op's own
// operand patterns and attributes plus loop variables: the output is [index, extent of the axis
// it indexes], the constraints are the loop's range (and the kernel's guard, for the Nat ops).
// `element` names a list attribute the loop variable is an entry of.
struct AccessSpec {
  Op op;
  const char* what;
  const char* row;
  std::vector<AttrSpec> loopVars;
  const char* element = nullptr;
};

const std::vector<AccessSpec>& accessSpecs() {
  static const std::vector<AccessSpec> specs = {
      {Op::SliceRange0,
       "output row i reads x row start + i",
       "x[n,*s] -> [start + i, n] where 0 <= i, i < len",
       {{"i", AttrKind::Int}}},
      {Op::ConcatVectors,
       "output i < n reads a[i]",
       "a[n] b[m] -> [i, n] where 0 <= i, i < n + m, i < n",
       {{"i", AttrKind::Int}}},
      {Op::ConcatVectors,
       "output i >= n reads b[i - n]",
       "a[n] b[m] -> [i - n, m] where 0 <= i, i < n + m, n <= i",
       {{"i", AttrKind::Int}}},
      {Op::ConcatDim0,
       "output row i < n reads a row i",
       "a[n,*s] b[m,*s] -> [i, n] where 0 <= i, i < n + m, i < n",
       {{"i", AttrKind::Int}}},
      {Op::ConcatDim0,
       "output row i >= n reads b row i - n",
       "a[n,*s] b[m,*s] -> [i - n, m] where 0 <= i, i < n + m, n <= i",
       {{"i", AttrKind::Int}}},
      {Op::GatherScalar, "reads x[index]", "x[n] -> [index, n]", {}},
      {Op::GatherRow, "reads x row index", "x[r,c] -> [index, r]", {}},
      {Op::GatherScalarNat,
       "reads x[index] when index < n",
       "x[n] -> [index, n] where index < n",
       {}},
      {Op::GatherVecNat,
       "reads x[k] for each entry k < n of indices",
       "x[n] -> [k, n] where k < n",
       {{"k", AttrKind::Int}},
       "indices"},
      {Op::GatherRowsNat,
       "reads x row k for each entry k < r of indices",
       "x[r,c] -> [k, r] where k < r",
       {{"k", AttrKind::Int}},
       "indices"},
      {Op::ScatterAddVec, "adds v into x[index]", "x[n] v[] -> [index, n]", {}},
      {Op::ScatterAddRow, "adds v into x row index", "x[r,c] v[c] -> [index, r]", {}},
  };
  return specs;
}

bool contains(std::span<const Op> ops, Op op) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

bool hasAccessSpec(Op op) {
  for (const AccessSpec& s : accessSpecs()) {
    if (s.op == op) return true;
  }
  return op == Op::BroadcastTo;
}

std::vector<Theorem> opTheorems(Op op) {
  const std::string name(opName(op));
  std::vector<Theorem> out;
  if (opInfo(op).hasGradientEdges) {
    out.push_back({kVjpShape, op,
                   "each operand's VJP recipe, evaluated with g = the output shape, yields exactly "
                   "that operand's shape for all shapes and attributes the row accepts"});
  }
  out.push_back({kOutputNumel, op,
                 "once the operands match and the constraints hold, the output is a valid shape: "
                 "no negative extent, numel <= 2^62 (the row never reports Overflow)"});
  if (contains(kNumelOps, op)) {
    out.push_back({kNumelPreserved, op, "numel(output) = numel(x)"});
  }
  if (contains(kPermutationOps, op)) {
    out.push_back({kPermutation, op,
                   "the row read as a map on index tuples sends in-range indices of x to in-range "
                   "indices of the output and back, and the VJP recipe is its inverse on both "
                   "sides (a bijection; the VJP applies the inverse permutation)"});
  }
  if (op == Op::BroadcastTo) {
    out.push_back({kBroadcastVjp, op,
                   "the reduction sumToShape(g : @shape, shape = s) is defined and returns s for "
                   "every s that broadcasts to @shape"});
  }
  if (hasAccessSpec(op)) {
    out.push_back(
        {kIndexBounds, op, "every index the kernel reads or writes is in [0, extent) of its axis"});
  }
  return out;
}

// ---- running an op theorem over every rank choice and case split

// One proof obligation on one symbolic instance: hyps (besides the domain) imply goal.
struct Obligation {
  z3::expr hyps;
  z3::expr goal;
  std::vector<z3::expr> shrink;                          // extra variables to keep small
  std::function<std::string(const z3::model&)> explain;  // what the counterexample shows
};

using MakeObligations = std::function<std::vector<Obligation>(Translator&, const OpModel&)>;

struct OpRules {
  Op op;
  const rules::ShapeRule* row;
  std::span<const rules::Recipe> recipes;
};

std::string describe(const OpModel& m, const rules::ShapeRule& row, const z3::model& model) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  for (size_t k = 0; k < m.operandDims.size(); ++k) {
    add(row.operands[k].name + " = " + detail::dimsIn(model, m.operandDims[k]));
  }
  if (m.ranks.targetRank >= 0) add("@shape = " + detail::dimsIn(model, m.targetDims));
  for (const auto& [name, v] : m.intAttrs) {
    add(name + " = " + std::to_string(detail::wordIn(model, v)));
  }
  if (m.listCount)
    add(m.listCount->to_string() + " = " + std::to_string(detail::wordIn(model, *m.listCount)));
  if (m.listNonNeg) {
    add(m.listNonNeg->to_string() + " = " +
        (detail::truthIn(model, *m.listNonNeg) ? "true" : "false"));
  }
  return out;
}

// How to represent each int attribute, by what the forward row forces (one query per attribute
// and domain): confined to [0, maxRank], an axis, case-split into constants; else confined to
// [0, 2^16), narrowed to a 16-bit variable; else a free int64. Returned as the list of
// attribute-choice lists to check, one per combination of axis values.
std::optional<std::vector<std::vector<AttrChoice>>> attrChoices(const OpModel& m,
                                                                const z3::expr& lemmas,
                                                                const Options& o,
                                                                TheoremResult& out) {
  std::vector<std::vector<AttrChoice>> combos(1);
  for (const auto& attr : m.intAttrs) {
    // Named, not a structured binding: clang 14 cannot capture bindings in the lambda below.
    const auto& name = attr.first;
    const z3::expr& v = attr.second;
    if (v.is_numeral()) continue;
    z3::context& c = v.ctx();
    auto confined = [&](int64_t hi) -> std::optional<bool> {
      QueryOptions q;
      q.timeoutMs = o.timeoutMs;
      // The row's binding and constraints alone (without its output checks) confine the
      // attribute: a stronger statement than needed, and a smaller query.
      const QueryResult r = detail::prove(
          m.domain && lemmas && m.forward->bound && m.forward->holds,
          z3::sle(c.bv_val(0, kWordBits), v) && z3::sle(v, c.bv_val(hi, kWordBits)), q);
      if (!detail::account(out, r)) return std::nullopt;
      return r.verdict == Verdict::Proved;
    };
    const std::optional<bool> axis = confined(o.maxRank);
    if (!axis) return std::nullopt;
    if (*axis) {
      std::vector<std::vector<AttrChoice>> longer;
      for (const auto& prefix : combos) {
        for (int value = 0; value <= o.maxRank; ++value) {
          longer.push_back(prefix);
          longer.back().push_back({name, AttrChoice::Kind::Fixed, value});
        }
      }
      combos = std::move(longer);
      continue;
    }
    const std::optional<bool> extent = confined((int64_t{1} << kDimBits) - 1);
    if (!extent) return std::nullopt;
    if (*extent) {
      for (auto& combo : combos) combo.push_back({name, AttrChoice::Kind::Narrow, 0});
    }
  }
  return combos;
}

// Checks one instance's obligations; false once the theorem is decided against. Each obligation
// is first tried on the instance built with abstract product chains plus their lemmas (an unsat
// answer is already a proof); only when that finds a model or gives up is it re-checked on the
// exact instance, which decides.
bool checkInstance(Translator& t, const OpRules& rules, const RankChoice& choice,
                   const std::vector<AttrChoice>& attrs, const Options& o,
                   const MakeObligations& make, TheoremResult& out) {
  t.setAbstractNumel(true);
  t.clearNumelApps();
  const std::unique_ptr<OpModel> fast =
      buildOpModel(t, rules.op, *rules.row, rules.recipes, choice, o.maxDim, attrs);
  const std::vector<Obligation> obligations = make(t, *fast);
  const z3::expr lemmas = detail::numelLemmas(t, o, out);
  t.setAbstractNumel(false);
  if (fast->forward->structural() || fast->forward->ok().is_false()) return true;
  std::unique_ptr<OpModel> exact;
  std::vector<Obligation> exactObligations;
  for (size_t i = 0; i < obligations.size(); ++i) {
    QueryOptions q;
    q.timeoutMs = o.timeoutMs;
    QueryResult r =
        detail::prove(fast->domain && lemmas && obligations[i].hyps, obligations[i].goal, q);
    ++out.queries;
    out.seconds += r.seconds;
    if (r.verdict == Verdict::Proved) continue;
    if (!exact) {
      exact = buildOpModel(t, rules.op, *rules.row, rules.recipes, choice, o.maxDim, attrs);
      exactObligations = make(t, *exact);
    }
    const Obligation& ob = exactObligations[i];
    if (o.smallCounterexamples) {
      q.shrink = exact->variables();
      q.shrink.insert(q.shrink.end(), ob.shrink.begin(), ob.shrink.end());
    }
    r = detail::prove(exact->domain && ob.hyps, ob.goal, q);
    if (!detail::account(out, r)) return false;
    if (r.verdict == Verdict::Refuted) {
      out.status = TheoremStatus::Failed;
      out.counterexample = describe(*exact, *rules.row, *r.model) + ": " + ob.explain(*r.model);
      return false;
    }
  }
  return true;
}

void runOpTheorem(const OpRules& rules, const Options& o, const MakeObligations& make,
                  TheoremResult& out) {
  z3::context c;
  out.status = TheoremStatus::Proved;
  int instances = 0;
  const bool takesTarget = rules.row->text.find("@shape") != std::string::npos;
  for (const RankChoice& choice : rankChoices(*rules.row, takesTarget, o.maxRank)) {
    Translator t(c);
    t.setAbstractNumel(true);  // the attribute queries are proofs only
    const std::unique_ptr<OpModel> base =
        buildOpModel(t, rules.op, *rules.row, rules.recipes, choice, o.maxDim);
    const z3::expr lemmas = detail::numelLemmas(t, o, out);
    t.setAbstractNumel(false);
    if (base->forward->structural() || base->forward->ok().is_false()) continue;
    const auto combos = attrChoices(*base, lemmas, o, out);
    if (!combos) return;
    for (const std::vector<AttrChoice>& attrs : *combos) {
      ++instances;
      if (!checkInstance(t, rules, choice, attrs, o, make, out)) return;
    }
  }
  if (instances == 0) {
    out.status = TheoremStatus::Error;
    out.detail = "the row accepts no operands of rank <= " + std::to_string(o.maxRank);
  }
}

// ---- the obligations of each theorem

std::string shapeOrRejection(const z3::model& model, const SymShape& s) {
  if (!s.known) return "fails for every dim (" + s.failure + ")";
  if (!detail::truthIn(model, s.defined)) return "is rejected by the evaluator";
  return "gives " + detail::dimsIn(model, s.dims);
}

std::vector<Obligation> vjpShapeObligations(Translator& t, const OpModel& m,
                                            std::span<const rules::Recipe> recipes) {
  std::vector<Obligation> out;
  for (size_t i = 0; i < recipes.size(); ++i) {
    const rules::Recipe& r = recipes[i];
    const SymShape& got = m.recipes[i];
    const std::vector<z3::expr>& want = m.operandDims[static_cast<size_t>(r.operand)];
    const z3::expr goal =
        got.known ? t.conj(got.defined, t.sameDims(got.dims, want)) : t.truth(false);
    const std::string text = r.text;
    const SymShape output = m.forward->output;
    out.push_back({m.forward->ok(), goal, {}, [=](const z3::model& model) {
                     return "g = " + detail::dimsIn(model, output.dims) + ", recipe `" + text +
                            "` " + shapeOrRejection(model, got) + ", expected " +
                            detail::dimsIn(model, want);
                   }});
  }
  return out;
}

std::vector<Obligation> outputNumelObligations(Translator& t, const OpModel& m) {
  const RowApp& f = *m.forward;
  const SymShape output = f.output;
  const std::string text = rules::shapeText(f.scope.rule->output);
  const z3::expr goal = output.known ? output.defined : t.truth(false);
  return {{f.bound && f.holds, goal, {}, [=](const z3::model& model) {
             return "the constraints hold but the output " + text + " " +
                    shapeOrRejection(model, output) +
                    (output.known ? " (a negative extent, an int64 overflow or numel beyond 2^62)"
                                  : "");
           }}};
}

std::vector<Obligation> numelPreservedObligations(Translator& t, const OpModel& m) {
  const RowApp& f = *m.forward;
  const SymInt out = t.checkedNumel(f.output.dims);
  const SymInt in = t.checkedNumel(m.operandDims[0]);
  return {
      {f.ok(), t.conj(out.defined, t.same(out.value, in.value)), {}, [=](const z3::model& model) {
         return "numel(output) = " + std::to_string(detail::wordIn(model, out.value)) +
                ", numel(x) = " + std::to_string(detail::wordIn(model, in.value));
       }}};
}

z3::expr allBelow(Translator& t, std::span<const z3::expr> idx, std::span<const z3::expr> dims) {
  if (idx.size() != dims.size()) return t.truth(false);
  z3::expr out = t.truth(true);
  for (size_t k = 0; k < idx.size(); ++k) out = t.conj(out, z3::ult(idx[k], dims[k]));
  return out;
}

std::vector<z3::expr> indexVars(Translator& t, const std::string& prefix, size_t n) {
  std::vector<z3::expr> out;
  for (size_t k = 0; k < n; ++k) out.push_back(t.dimVar(prefix + "." + std::to_string(k)));
  return out;
}

std::vector<z3::expr> bitsOf(std::span<const z3::expr> dims) {
  std::vector<z3::expr> out;
  for (const z3::expr& d : dims) out.push_back(Translator::dimVarBits(d));
  return out;
}

// The row applied to another operand shape with the same attributes (an index tuple read as a
// shape: for a permutation row, out[f(i)] = x[i]).
std::unique_ptr<RowApp> reapply(Translator& t, const RowApp& f, const SymShape& operand) {
  SymArgs args = f.args;
  args.operands = {operand};
  return t.applyRow(*f.scope.rule, f.scope.attrs, std::move(args));
}

std::vector<Obligation> permutationObligations(Translator& t, const OpModel& m,
                                               std::span<const rules::Recipe> recipes) {
  const RowApp& f = *m.forward;
  if (recipes.size() != 1 || f.output.dims.empty()) {
    return {{t.truth(true), t.truth(false), {}, [](const z3::model&) {
               return std::string("not a one-operand permutation row with one recipe");
             }}};
  }
  const rules::Recipe& recipe = recipes[0];
  const std::vector<z3::expr>& x = m.operandDims[0];
  const std::vector<z3::expr>& fx = f.output.dims;
  // Forward on indices, then back through the recipe: in range, and h(f(i)) = i.
  const std::vector<z3::expr> idx = indexVars(t, "i", x.size());
  const std::unique_ptr<RowApp> fi = reapply(t, f, t.knownShape(idx, t.truth(true)));
  const SymShape back = t.applyRecipe(f, recipe, fi->output);
  z3::expr there =
      fi->structural() ? t.truth(false) : t.conj(fi->ok(), allBelow(t, fi->output.dims, fx));
  z3::expr leftInverse =
      back.known ? t.conj(back.defined, t.sameDims(back.dims, idx)) : t.truth(false);
  const SymShape fiOut = fi->output;
  Obligation forward{f.ok() && allBelow(t, idx, x), t.conj(there, leftInverse), bitsOf(idx),
                     [=](const z3::model& model) {
                       return "index i = " + detail::dimsIn(model, idx) + ": the row " +
                              shapeOrRejection(model, fiOut) + " (output " +
                              detail::dimsIn(model, fx) + "), from which the recipe " +
                              shapeOrRejection(model, back) + ", not i";
                     }};
  // Through the recipe from an output index, then forward: in range, and f(h(o)) = o.
  const std::vector<z3::expr> o = indexVars(t, "o", fx.size());
  const SymShape h = t.applyRecipe(f, recipe, t.knownShape(o, t.truth(true)));
  z3::expr goal = t.truth(false);
  std::string hFailure;
  if (h.known) {
    const std::unique_ptr<RowApp> fh = reapply(t, f, h);
    const z3::expr round =
        fh->structural() ? t.truth(false) : t.conj(fh->ok(), t.sameDims(fh->output.dims, o));
    goal = t.conj(t.conj(h.defined, allBelow(t, h.dims, x)), round);
  }
  Obligation backward{f.ok() && allBelow(t, o, fx), goal, bitsOf(o), [=](const z3::model& model) {
                        return "output index o = " + detail::dimsIn(model, o) + ": the recipe " +
                               shapeOrRejection(model, h) + " (x " + detail::dimsIn(model, x) +
                               "), which the row does not map back to o";
                      }};
  return {forward, backward};
}

std::vector<Obligation> broadcastVjpObligations(Translator& t, const OpModel& m) {
  const rules::ShapeRule* helper = rules::helperRule("sumToShape");
  if (!helper) {
    return {{t.truth(true), t.truth(false), {}, [](const z3::model&) {
               return std::string("no helper row sumToShape");
             }}};
  }
  SymArgs args;
  args.operands = {m.forward->output};
  args.target = t.knownShape(m.operandDims[0], t.truth(true));
  const std::unique_ptr<RowApp> sum = t.applyRow(*helper, {}, std::move(args));
  const SymShape got = sum->output;
  const std::vector<z3::expr> want = m.operandDims[0];
  const z3::expr goal =
      sum->structural() ? t.truth(false) : t.conj(sum->ok(), t.sameDims(got.dims, want));
  const z3::expr ok = sum->structural() ? t.truth(false) : sum->ok();
  return {{m.forward->ok(), goal, {}, [=](const z3::model& model) {
             return std::string("sumToShape ") +
                    (detail::truthIn(model, ok) ? "gives " + detail::dimsIn(model, got.dims)
                                                : "is rejected") +
                    ", expected " + detail::dimsIn(model, want);
           }}};
}

struct ParsedAccess {
  const AccessSpec* spec;
  std::vector<AttrSpec> attrs;  // the op's, then the loop variables
  rules::ShapeRule row;
};

const std::vector<ParsedAccess>& parsedAccesses() {
  static const std::vector<ParsedAccess> parsed = [] {
    std::vector<ParsedAccess> out;
    for (const AccessSpec& s : accessSpecs()) {
      ParsedAccess p{&s, {}, {}};
      const auto own = opInfo(s.op).attrs;
      p.attrs.assign(own.begin(), own.end());
      p.attrs.insert(p.attrs.end(), s.loopVars.begin(), s.loopVars.end());
      Result<rules::ShapeRule> row = rules::parseRule(opName(s.op), p.attrs, s.row);
      if (row.ok()) p.row = std::move(row).value();  // else left empty: reported as an error
      out.push_back(std::move(p));
    }
    return out;
  }();
  return parsed;
}

Obligation accessObligation(Translator& t, const OpModel& m, const ParsedAccess& a) {
  if (a.row.text.empty() || a.row.output.items.size() != 2 || !a.row.output.items[0].dim ||
      !a.row.output.items[1].dim) {
    return {t.truth(true), t.truth(false), {}, [spec = a.spec](const z3::model&) {
              return std::string("access row `") + spec->row + "` does not parse";
            }};
  }
  SymArgs args = m.forward->args;
  std::vector<z3::expr> loop;
  for (const AttrSpec& v : a.spec->loopVars) {
    loop.push_back(t.ctx().bv_const(std::string(v.name).c_str(), kWordBits));
    args.ints.push_back(loop.back());
  }
  const std::unique_ptr<RowApp> app = t.applyRow(a.row, a.attrs, std::move(args));
  const SymInt index = t.evalDim(*a.row.output.items[0].dim, app->scope);
  const SymInt extent = t.evalDim(*a.row.output.items[1].dim, app->scope);
  z3::expr hyps = m.forward->ok() && app->bound && app->holds;
  if (a.spec->element && m.listNonNeg && m.listCount && !loop.empty()) {
    // The loop variable is an entry of the list: the list is non-empty, and nonneg covers it.
    hyps = hyps && z3::sle(t.word(1), *m.listCount) &&
           z3::implies(*m.listNonNeg, z3::sle(t.word(0), loop.front()));
  }
  const z3::expr goal = index.defined && extent.defined && z3::sle(t.word(0), index.value) &&
                        z3::slt(index.value, extent.value);
  return {hyps, goal, loop, [=, what = std::string(a.spec->what)](const z3::model& model) {
            std::string vars;
            for (const z3::expr& v : loop) {
              vars += ", " + v.to_string() + " = " + std::to_string(detail::wordIn(model, v));
            }
            return what + vars + ": index " + std::to_string(detail::wordIn(model, index.value)) +
                   " is outside [0, " + std::to_string(detail::wordIn(model, extent.value)) + ")";
          }};
}

// broadcastTo reads x at the source index of each output index: axis a of x (aligned right) is
// 0 where x's extent is 1, else the output's index on that axis.
Obligation broadcastAccessObligation(Translator& t, const OpModel& m) {
  const std::vector<z3::expr>& x = m.operandDims[0];
  const std::vector<z3::expr>& target = m.targetDims;
  const std::vector<z3::expr> o = indexVars(t, "o", target.size());
  z3::expr goal = t.truth(x.size() <= target.size());
  std::vector<z3::expr> source;
  if (x.size() <= target.size()) {
    const size_t offset = target.size() - x.size();
    for (size_t a = 0; a < x.size(); ++a) {
      source.push_back(t.pick(t.same(x[a], t.word(1)), t.word(0), o[a + offset]));
      goal = t.conj(goal, z3::ult(source.back(), x[a]));
    }
  }
  return {m.forward->ok() && allBelow(t, o, target), goal, bitsOf(o), [=](const z3::model& model) {
            return "output index " + detail::dimsIn(model, o) + " reads x at " +
                   detail::dimsIn(model, source) + ", outside x";
          }};
}

std::vector<Obligation> indexBoundsObligations(Translator& t, const OpModel& m) {
  std::vector<Obligation> out;
  if (m.op == Op::BroadcastTo) out.push_back(broadcastAccessObligation(t, m));
  for (const ParsedAccess& a : parsedAccesses()) {
    if (a.spec->op == m.op) out.push_back(accessObligation(t, m, a));
  }
  return out;
}

// ---- dispatch

void runOp(const Theorem& theorem, const Options& o, const RuleOverride* override,
           TheoremResult& out) {
  const Op op = *theorem.op;
  const bool overridden = override && override->op == op;
  const rules::ShapeRule& row = overridden && override->row ? *override->row : rules::shapeRule(op);
  const std::span<const rules::Recipe> recipes =
      overridden && override->recipes ? std::span<const rules::Recipe>(*override->recipes)
                                      : rules::vjpRecipes(op);
  if (row.text.empty()) {
    out.status = TheoremStatus::Error;
    out.detail = "the row of " + std::string(opName(op)) + " does not parse";
    return;
  }
  const OpRules rules{op, &row, recipes};
  const std::string& name = theorem.name;
  if (name == kVjpShape) {
    for (int k = 0; k < opInfo(op).arity; ++k) {
      if (std::none_of(recipes.begin(), recipes.end(),
                       [&](const rules::Recipe& r) { return r.operand == k; })) {
        out.status = TheoremStatus::Failed;
        out.counterexample = "operand #" + std::to_string(k) + " has no VJP recipe";
        return;
      }
    }
    runOpTheorem(
        rules, o,
        [&](Translator& t, const OpModel& m) { return vjpShapeObligations(t, m, recipes); }, out);
  } else if (name == kOutputNumel) {
    runOpTheorem(rules, o, outputNumelObligations, out);
  } else if (name == kNumelPreserved) {
    runOpTheorem(rules, o, numelPreservedObligations, out);
  } else if (name == kPermutation) {
    runOpTheorem(
        rules, o,
        [&](Translator& t, const OpModel& m) { return permutationObligations(t, m, recipes); },
        out);
  } else if (name == kBroadcastVjp) {
    runOpTheorem(rules, o, broadcastVjpObligations, out);
  } else if (name == kIndexBounds) {
    runOpTheorem(rules, o, indexBoundsObligations, out);
  } else {
    out.status = TheoremStatus::Error;
    out.detail = "unknown theorem " + name;
  }
}

}  // namespace

std::optional<std::string> validate(const Options& o) {
  if (o.maxDim < 0 || o.maxDim >= (int64_t{1} << kDimBits)) {
    return "maxDim must be in [0, " + std::to_string((int64_t{1} << kDimBits) - 1) +
           "] (dims are " + std::to_string(kDimBits) + "-bit variables)";
  }
  if (o.maxRank < 0 || o.maxRank > 8) return "maxRank must be in [0, 8]";
  if (o.timeoutMs == 0) return "the timeout must be positive";
  return std::nullopt;
}

const char* statusName(TheoremStatus status) {
  switch (status) {
    case TheoremStatus::Proved:
      return "proved";
    case TheoremStatus::Failed:
      return "FAILED";
    case TheoremStatus::Unknown:
      return "UNKNOWN";
    case TheoremStatus::Error:
      return "ERROR";
  }
  return "?";
}

std::vector<Theorem> allTheorems() {
  std::vector<Theorem> out;
  for (Op op : allOps()) {
    std::vector<Theorem> own = opTheorems(op);
    out.insert(out.end(), own.begin(), own.end());
  }
  std::vector<Theorem> global = detail::globalTheorems();
  out.insert(out.end(), global.begin(), global.end());
  return out;
}

TheoremResult runTheorem(const Theorem& theorem, const Options& options,
                         const RuleOverride* override) {
  TheoremResult out;
  out.theorem = theorem;
  if (std::optional<std::string> bad = validate(options)) {
    out.detail = *bad;
    return out;
  }
  try {
    if (theorem.op) {
      runOp(theorem, options, override, out);
    } else {
      detail::runGlobalTheorem(theorem, options, out);
    }
  } catch (const z3::exception& e) {
    out.status = TheoremStatus::Error;
    out.detail = std::string("Z3: ") + e.msg();
  }
  return out;
}

std::vector<TheoremResult> runTheorems(const Options& options) {
  std::vector<TheoremResult> out;
  for (const Theorem& t : allTheorems()) out.push_back(runTheorem(t, options));
  return out;
}

std::string formatTheoremTable(std::span<const TheoremResult> results) {
  std::ostringstream out;
  out << std::left << std::setw(18) << "theorem" << std::setw(24) << "op" << std::setw(9)
      << "status" << std::right << std::setw(10) << "time (s)" << std::setw(9) << "queries"
      << "\n";
  double total = 0;
  int proved = 0;
  for (const TheoremResult& r : results) {
    total += r.seconds;
    proved += r.proved() ? 1 : 0;
    out << std::left << std::setw(18) << r.theorem.name << std::setw(24)
        << (r.theorem.op ? std::string(opName(*r.theorem.op)) : std::string("-")) << std::setw(9)
        << statusName(r.status) << std::right << std::setw(10) << std::fixed << std::setprecision(3)
        << r.seconds << std::setw(9) << r.queries << "\n";
    if (!r.counterexample.empty()) out << "    counterexample: " << r.counterexample << "\n";
    if (!r.proved() && !r.detail.empty()) out << "    " << r.detail << "\n";
  }
  out << proved << "/" << results.size() << " theorems proved, solver time " << std::fixed
      << std::setprecision(2) << total << " s\n";
  return out.str();
}

}  // namespace verigrad::smt

namespace verigrad::smt::detail {

bool account(TheoremResult& out, const QueryResult& q) {
  ++out.queries;
  out.seconds += q.seconds;
  if (q.verdict == Verdict::Unknown) {
    out.status = TheoremStatus::Unknown;
    out.detail = "Z3 answered unknown: " + q.reason;
    return false;
  }
  return true;
}

}  // namespace verigrad::smt::detail
