// The faithfulness check: the translation of each op's row and recipes, evaluated by substitution
// and simplification on every small concrete case, against the engine's evaluator on that case.
#include "verigrad/smt/faithfulness.hpp"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include "verigrad/smt/translate.hpp"

namespace verigrad::smt {
namespace {

constexpr size_t kMaxExamples = 5;

struct Case {
  std::vector<Shape> operands;
  std::optional<Shape> target;
  std::vector<int64_t> ints;  // the int attributes in order, or the whole `ints` list
  size_t numLiterals = 0;
};

std::string describe(const Case& c) {
  std::string out;
  for (size_t k = 0; k < c.operands.size(); ++k) {
    out +=
        (k ? ", " : "") + std::string("operand #") + std::to_string(k) + " " + c.operands[k].str();
  }
  if (c.target) out += ", @shape " + c.target->str();
  if (!c.ints.empty()) {
    out += ", ints [";
    for (size_t i = 0; i < c.ints.size(); ++i) out += (i ? "," : "") + std::to_string(c.ints[i]);
    out += "]";
  }
  return out;
}

// One translation variant of a rank choice, packed as a single term
//   results(ok, out_0.., defined_1, dims_1.., defined_2, dims_2..)
// of an uninterpreted function, so one substitute + simplify evaluates every result with shared
// subterms evaluated once.
struct Packed {
  std::unique_ptr<OpModel> model;
  z3::expr tuple;
  std::vector<int> ranks;  // the output's, then each recipe's; -1: structural failure
};

Packed pack(Translator& t, std::unique_ptr<OpModel> model) {
  z3::context& c = t.ctx();
  z3::sort_vector sorts(c);
  z3::expr_vector args(c);
  std::vector<int> ranks;
  auto add = [&](const SymShape& s, const z3::expr& ok) {
    sorts.push_back(c.bool_sort());
    args.push_back(s.known ? ok : c.bool_val(false));
    ranks.push_back(s.known ? static_cast<int>(s.dims.size()) : -1);
    if (!s.known) return;
    for (const z3::expr& d : s.dims) {
      sorts.push_back(c.bv_sort(kWordBits));
      args.push_back(d);
    }
  };
  add(model->forward->output, model->forward->ok());
  for (const SymShape& r : model->recipes) add(r, r.defined);
  const z3::func_decl results = c.function("results", sorts, c.bool_sort());
  return Packed{std::move(model), results(args), std::move(ranks)};
}

// What a packed term evaluates to on a case: per result, accepted and dims.
struct Evaluated {
  std::vector<bool> accepted;
  std::vector<std::vector<int64_t>> dims;
};

std::optional<Evaluated> evaluate(const Packed& p, z3::expr partial, const z3::expr_vector& src,
                                  const z3::expr_vector& dst) {
  const z3::expr v = partial.substitute(src, dst).simplify();
  Evaluated out;
  unsigned arg = 0;
  for (int rank : p.ranks) {
    const z3::expr ok = v.arg(arg++);
    if (!ok.is_true() && !ok.is_false()) return std::nullopt;
    out.accepted.push_back(ok.is_true());
    std::vector<int64_t> dims;
    for (int i = 0; i < rank; ++i) {
      uint64_t u = 0;
      const z3::expr d = v.arg(arg++);
      if (!d.is_numeral() || !d.is_numeral_u64(u)) return std::nullopt;
      dims.push_back(static_cast<int64_t>(u));
    }
    out.dims.push_back(std::move(dims));
  }
  return out;
}

// The substitution for a case's operands and attributes: each such free variable of the model to
// the case's value; nullopt when the case lies outside the variant's domain (a narrowed attribute
// given a negative value). The target's dims are substituted separately (targetSubstitution),
// so the terms are simplified once per operand case and then once per target.
std::optional<std::pair<z3::expr_vector, z3::expr_vector>> substitution(z3::context& c,
                                                                        const OpModel& m,
                                                                        const Case& k) {
  z3::expr_vector src(c), dst(c);
  auto dims = [&](const std::vector<z3::expr>& vars, const Shape& s) {
    for (size_t i = 0; i < vars.size(); ++i) {
      src.push_back(Translator::dimVarBits(vars[i]));
      dst.push_back(c.bv_val(static_cast<uint64_t>(s[static_cast<int>(i)]), kDimBits));
    }
  };
  for (size_t j = 0; j < m.operandDims.size(); ++j) dims(m.operandDims[j], k.operands[j]);
  size_t index = 0;
  for (const auto& [name, v] : m.intAttrs) {
    const int64_t value = index < k.ints.size() ? k.ints[index] : 0;
    ++index;
    if (v.is_numeral()) continue;
    if (v.is_const()) {
      src.push_back(v);
      dst.push_back(c.bv_val(value, kWordBits));
    } else {
      if (value < 0 || value >= (int64_t{1} << kDimBits)) return std::nullopt;
      src.push_back(Translator::dimVarBits(v));
      dst.push_back(c.bv_val(static_cast<uint64_t>(value), kDimBits));
    }
  }
  if (m.listCount) {
    src.push_back(*m.listCount);
    dst.push_back(c.bv_val(static_cast<int64_t>(k.ints.size()), kWordBits));
  }
  if (m.listNonNeg) {
    src.push_back(*m.listNonNeg);
    dst.push_back(
        c.bool_val(std::all_of(k.ints.begin(), k.ints.end(), [](int64_t v) { return v >= 0; })));
  }
  if (m.numLiterals) {
    src.push_back(*m.numLiterals);
    dst.push_back(c.bv_val(static_cast<int64_t>(k.numLiterals), kWordBits));
  }
  return std::make_pair(src, dst);
}

std::pair<z3::expr_vector, z3::expr_vector> targetSubstitution(z3::context& c, const OpModel& m,
                                                               const std::optional<Shape>& t) {
  z3::expr_vector src(c), dst(c);
  for (size_t i = 0; t && i < m.targetDims.size(); ++i) {
    src.push_back(Translator::dimVarBits(m.targetDims[i]));
    dst.push_back(c.bv_val(static_cast<uint64_t>((*t)[static_cast<int>(i)]), kDimBits));
  }
  return {src, dst};
}

// ---- enumeration of cases

// An odometer over slots with the given numbers of values.
void forEachIndex(const std::vector<size_t>& sizes,
                  const std::function<void(const std::vector<size_t>&)>& visit) {
  std::vector<size_t> index(sizes.size(), 0);
  if (std::any_of(sizes.begin(), sizes.end(), [](size_t n) { return n == 0; })) return;
  while (true) {
    visit(index);
    size_t i = 0;
    for (; i < index.size(); ++i) {
      if (++index[i] < sizes[i]) break;
      index[i] = 0;
    }
    if (i == index.size()) return;
  }
}

std::vector<std::vector<int64_t>> smallLists(const std::vector<int64_t>& values, int maxLength) {
  std::vector<std::vector<int64_t>> out = {{}}, last = {{}};
  for (int len = 1; len <= maxLength; ++len) {
    std::vector<std::vector<int64_t>> next;
    for (const auto& prefix : last) {
      for (int64_t v : values) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    out.insert(out.end(), next.begin(), next.end());
    last = std::move(next);
  }
  return out;
}

// The attribute part of every case: each int attribute over attrValues, or every small list.
std::vector<std::vector<int64_t>> attrCombos(Op op, const FaithfulnessOptions& o) {
  std::vector<std::vector<int64_t>> out = {{}};
  for (const AttrSpec& a : opInfo(op).attrs) {
    if (a.kind == AttrKind::Ints) return smallLists(o.attrValues, o.maxListLength);
    if (a.kind != AttrKind::Int) continue;
    std::vector<std::vector<int64_t>> longer;
    for (const auto& prefix : out) {
      for (int64_t v : o.attrValues) {
        longer.push_back(prefix);
        longer.back().push_back(v);
      }
    }
    out = std::move(longer);
  }
  return out;
}

int packRank(const RankChoice& ranks, const std::string& pack) {
  for (const auto& [name, rank] : ranks.packRanks) {
    if (name == pack) return rank;
  }
  return 0;
}

// Every operand dim list of a rank choice: independently per axis when that is at most
// independentLimit cases (with the attribute combinations), else per pattern name plus
// one-dim perturbations.
std::vector<std::vector<Shape>> operandCases(const rules::ShapeRule& row, const RankChoice& choice,
                                             const FaithfulnessOptions& o, size_t attrCount) {
  const size_t values = static_cast<size_t>(o.maxDim) + 1;
  std::vector<size_t> ranks;
  for (const rules::OperandPattern& p : row.operands) {
    size_t r = 0;
    for (const auto& d : p.dims) r += d.isPack ? static_cast<size_t>(packRank(choice, d.name)) : 1;
    ranks.push_back(r);
  }
  size_t axes = 0;
  for (size_t r : ranks) axes += r;
  double independent = static_cast<double>(attrCount);
  for (size_t i = 0; i < axes; ++i) independent *= static_cast<double>(values);
  auto toShape = [](const std::vector<int64_t>& dims) { return Shape::make(dims).value(); };
  std::vector<std::vector<Shape>> out;
  if (independent <= static_cast<double>(o.independentLimit)) {
    forEachIndex(std::vector<size_t>(axes, values), [&](const std::vector<size_t>& index) {
      std::vector<Shape> operands;
      size_t at = 0;
      for (size_t r : ranks) {
        std::vector<int64_t> dims;
        for (size_t i = 0; i < r; ++i) dims.push_back(static_cast<int64_t>(index[at++]));
        operands.push_back(toShape(dims));
      }
      out.push_back(std::move(operands));
    });
    return out;
  }
  // Per name: each dim name and each pack element is one slot.
  std::vector<std::string> names;
  for (const rules::OperandPattern& p : row.operands) {
    for (const auto& d : p.dims) {
      if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
    }
  }
  std::vector<size_t> first;  // slot of each name's first element
  size_t slots = 0;
  for (const std::string& n : names) {
    first.push_back(slots);
    bool isPack = false;
    for (const rules::OperandPattern& p : row.operands) {
      for (const auto& d : p.dims) isPack = isPack || (d.name == n && d.isPack);
    }
    slots += isPack ? static_cast<size_t>(packRank(choice, n)) : 1;
  }
  forEachIndex(std::vector<size_t>(slots, values), [&](const std::vector<size_t>& index) {
    std::vector<std::vector<int64_t>> dims;
    for (const rules::OperandPattern& p : row.operands) {
      std::vector<int64_t> d;
      for (const auto& pd : p.dims) {
        const size_t at = first[static_cast<size_t>(std::find(names.begin(), names.end(), pd.name) -
                                                    names.begin())];
        const size_t n = pd.isPack ? static_cast<size_t>(packRank(choice, pd.name)) : 1;
        for (size_t i = 0; i < n; ++i) d.push_back(static_cast<int64_t>(index[at + i]));
      }
      dims.push_back(std::move(d));
    }
    auto emit = [&](const std::vector<std::vector<int64_t>>& ds) {
      std::vector<Shape> operands;
      for (const auto& d : ds) operands.push_back(toShape(d));
      out.push_back(std::move(operands));
    };
    emit(dims);
    if (row.operands.size() < 2) return;
    for (size_t k = 0; k < dims.size(); ++k) {
      for (size_t i = 0; i < dims[k].size(); ++i) {
        std::vector<std::vector<int64_t>> changed = dims;
        changed[k][i] = (changed[k][i] + 1) % static_cast<int64_t>(values);
        emit(changed);
      }
    }
  });
  return out;
}

// Every target shape of the choice's target rank (one empty entry when the row takes none).
std::vector<std::optional<Shape>> targetCases(const RankChoice& choice,
                                              const FaithfulnessOptions& o) {
  if (choice.targetRank < 0) return {std::nullopt};
  std::vector<std::optional<Shape>> out;
  const auto rank = static_cast<size_t>(choice.targetRank);
  forEachIndex(std::vector<size_t>(rank, static_cast<size_t>(o.maxDim) + 1),
               [&](const std::vector<size_t>& index) {
                 std::vector<int64_t> dims(index.begin(), index.end());
                 out.push_back(Shape::make(dims).value());
               });
  return out;
}

size_t numLiteralsFor(Op op, const std::optional<Shape>& target) {
  size_t n = 0;
  for (const AttrSpec& a : opInfo(op).attrs) {
    if (a.kind == AttrKind::Lit) ++n;
    if (a.kind == AttrKind::Lits) return target ? static_cast<size_t>(target->numel()) : 0;
  }
  return n;
}

// ---- comparison

class Checker {
 public:
  Checker(Op op, const rules::ShapeRule& execRow, FaithfulnessReport& report)
      : op_(op), execRow_(execRow), report_(report) {}

  // Substitutes a case's operands and attributes into p; nullopt outside p's domain.
  static std::optional<z3::expr> partial(const Packed& p, const Case& k) {
    z3::context& c = p.tuple.ctx();
    const auto sub = substitution(c, *p.model, k);
    if (!sub) return std::nullopt;
    z3::expr tuple = p.tuple;  // substitute() is not const in z3++
    return tuple.substitute(sub->first, sub->second).simplify();
  }

  void compare(const Packed& p, const std::optional<z3::expr>& partialTerm, const Case& k,
               const std::string& variant) {
    if (!partialTerm) return;
    const auto sub = targetSubstitution(p.tuple.ctx(), *p.model, k.target);
    const std::optional<Evaluated> sim = evaluate(p, *partialTerm, sub.first, sub.second);
    ++report_.cases;
    if (!sim) {
      mismatch(k, variant, "the translation did not simplify to constants");
      return;
    }
    const rules::RuleArgs args{k.operands, k.ints, k.numLiterals, k.target ? &*k.target : nullptr};
    const Result<Shape> fwd = rules::inferShapeWith(execRow_, opInfo(op_).attrs, args, "", {});
    report_.accepted += fwd.ok() ? 1 : 0;
    if (!same(fwd, sim->accepted[0], sim->dims[0])) {
      mismatch(k, variant,
               "forward: evaluator " + text(fwd) + ", translation " +
                   text(sim->accepted[0], sim->dims[0]));
      return;
    }
    const std::span<const rules::Recipe> recipes = rules::vjpRecipes(op_);
    for (size_t i = 0; i < recipes.size(); ++i) {
      ++report_.recipeChecks;
      const bool simOk = sim->accepted[i + 1];
      if (!fwd.ok()) {
        if (simOk)
          mismatch(k, variant, "recipe `" + recipes[i].text + "` accepted a rejected node");
        continue;
      }
      const Result<Shape> got = rules::evalRecipe(op_, recipes[i], args, fwd.value());
      if (!same(got, simOk, sim->dims[i + 1])) {
        mismatch(k, variant,
                 "recipe `" + recipes[i].text + "`: evaluator " + text(got) + ", translation " +
                     text(simOk, sim->dims[i + 1]));
      }
    }
  }

 private:
  static bool same(const Result<Shape>& r, bool ok, const std::vector<int64_t>& dims) {
    if (r.ok() != ok) return false;
    if (!ok) return true;
    const auto d = r.value().dims();
    return std::equal(d.begin(), d.end(), dims.begin(), dims.end());
  }
  static std::string text(const Result<Shape>& r) {
    return r.ok() ? r.value().str() : "rejects (" + r.error().message + ")";
  }
  static std::string text(bool ok, const std::vector<int64_t>& dims) {
    if (!ok) return "rejects";
    std::string out = "[";
    for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
    return out + "]";
  }
  void mismatch(const Case& k, const std::string& variant, const std::string& what) {
    if (report_.mismatches++ < kMaxExamples) {
      report_.examples.push_back(describe(k) + " (" + variant + "): " + what);
    }
  }

  Op op_;
  const rules::ShapeRule& execRow_;
  FaithfulnessReport& report_;
};

void checkChoice(Translator& t, Op op, const RankChoice& choice, const FaithfulnessOptions& o,
                 Checker& checker) {
  const rules::ShapeRule& row = rules::shapeRule(op);
  const std::span<const rules::Recipe> recipes = rules::vjpRecipes(op);
  const std::vector<std::vector<int64_t>> attrs = attrCombos(op, o);
  // Variants: every attribute a free int64; every int attribute narrowed to 16 bits; every int
  // attribute a constant (one model per attribute combination) -- the theorems use all three.
  const Packed symbolic = pack(t, buildOpModel(t, op, row, recipes, choice, o.maxDim));
  std::vector<std::string> intNames;
  for (const AttrSpec& a : opInfo(op).attrs) {
    if (a.kind == AttrKind::Int) intNames.emplace_back(a.name);
  }
  std::optional<Packed> narrow;
  if (!intNames.empty()) {
    std::vector<AttrChoice> choices;
    for (const std::string& n : intNames) choices.push_back({n, AttrChoice::Kind::Narrow, 0});
    narrow = pack(t, buildOpModel(t, op, row, recipes, choice, o.maxDim, choices));
  }
  for (const std::vector<int64_t>& ints : attrs) {
    std::optional<Packed> fixed;
    if (!intNames.empty()) {
      std::vector<AttrChoice> choices;
      for (size_t i = 0; i < intNames.size(); ++i) {
        choices.push_back({intNames[i], AttrChoice::Kind::Fixed, ints[i]});
      }
      fixed = pack(t, buildOpModel(t, op, row, recipes, choice, o.maxDim, choices));
    }
    const std::vector<std::optional<Shape>> targets = targetCases(choice, o);
    for (std::vector<Shape>& operands : operandCases(row, choice, o, attrs.size())) {
      Case k{std::move(operands), std::nullopt, ints, 0};
      const std::optional<z3::expr> s = Checker::partial(symbolic, k);
      const std::optional<z3::expr> n = narrow ? Checker::partial(*narrow, k) : std::nullopt;
      const std::optional<z3::expr> f = fixed ? Checker::partial(*fixed, k) : std::nullopt;
      for (const std::optional<Shape>& target : targets) {
        k.target = target;
        k.numLiterals = numLiteralsFor(op, target);
        checker.compare(symbolic, s, k, "free attributes");
        if (narrow) checker.compare(*narrow, n, k, "narrowed attributes");
        if (fixed) checker.compare(*fixed, f, k, "constant attributes");
      }
    }
  }
}

}  // namespace

FaithfulnessReport checkFaithfulness(Op op, const FaithfulnessOptions& options,
                                     const rules::ShapeRule* executableRow) {
  const auto start = std::chrono::steady_clock::now();
  FaithfulnessReport report;
  report.op = op;
  const rules::ShapeRule& row = rules::shapeRule(op);
  if (row.text.empty()) {
    report.error = "the row of " + std::string(opName(op)) + " does not parse";
    return report;
  }
  try {
    z3::context c;
    Checker checker(op, executableRow ? *executableRow : row, report);
    const bool takesTarget = row.text.find("@shape") != std::string::npos;
    for (const RankChoice& choice : rankChoices(row, takesTarget, options.maxRank)) {
      Translator t(c);
      checkChoice(t, op, choice, options, checker);
    }
  } catch (const z3::exception& e) {
    report.error = std::string("Z3: ") + e.msg();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace verigrad::smt
