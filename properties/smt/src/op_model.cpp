// Symbolic instances of an op for the theorems and the faithfulness check: rank choices, free
// variables (dims, attributes, list abstractions), the forward row and the recipes applied to them.
#include <algorithm>

#include "verigrad/smt/translate.hpp"

namespace verigrad::smt {

std::string RankChoice::str() const {
  std::string out;
  for (const auto& [pack, rank] : packRanks) {
    out += (out.empty() ? "" : ", ") + std::string("rank(") + pack + ") = " + std::to_string(rank);
  }
  if (targetRank >= 0) {
    out += (out.empty() ? "" : ", ") + std::string("rank(@shape) = ") + std::to_string(targetRank);
  }
  return out.empty() ? "fixed ranks" : out;
}

std::vector<RankChoice> rankChoices(const rules::ShapeRule& rule, bool takesTarget, int maxRank) {
  // Each pack's largest rank keeps every operand that mentions it within maxRank. A pack shared
  // by two operands has one rank: the binder rejects operands whose ranks disagree without
  // looking at any dim, so other rank combinations are structurally vacuous.
  std::vector<std::pair<std::string, int>> packs;  // name, largest rank
  for (const rules::OperandPattern& p : rule.operands) {
    int fixed = 0;
    for (const auto& d : p.dims) fixed += d.isPack ? 0 : 1;
    for (const auto& d : p.dims) {
      if (!d.isPack) continue;
      auto it = std::find_if(packs.begin(), packs.end(),
                             [&](const auto& e) { return e.first == d.name; });
      if (it == packs.end()) {
        packs.emplace_back(d.name, maxRank - fixed);
      } else {
        it->second = std::min(it->second, maxRank - fixed);
      }
    }
  }
  std::vector<RankChoice> out(1);
  for (const auto& [name, largest] : packs) {
    std::vector<RankChoice> longer;
    for (const RankChoice& prefix : out) {
      for (int r = 0; r <= largest; ++r) {
        longer.push_back(prefix);
        longer.back().packRanks.emplace_back(name, r);
      }
    }
    out = std::move(longer);
  }
  if (takesTarget) {
    std::vector<RankChoice> withTarget;
    for (const RankChoice& c : out) {
      for (int r = 0; r <= maxRank; ++r) {
        withTarget.push_back(c);
        withTarget.back().targetRank = r;
      }
    }
    out = std::move(withTarget);
  }
  return out;
}

namespace {

int packRank(const RankChoice& ranks, const std::string& pack) {
  for (const auto& [name, rank] : ranks.packRanks) {
    if (name == pack) return rank;
  }
  return 0;
}

// dims in [0, maxDim] and the shape is a valid Shape (numel <= 2^62).
z3::expr validShape(Translator& t, const std::vector<z3::expr>& dims, int64_t maxDim) {
  z3::expr ok = t.truth(true);
  for (const z3::expr& d : dims) {
    ok = t.conj(ok, z3::ule(Translator::dimVarBits(d),
                            t.ctx().bv_val(static_cast<uint64_t>(maxDim), kDimBits)));
  }
  return t.conj(ok, t.checkedNumel(dims).defined);
}

}  // namespace

std::unique_ptr<OpModel> buildOpModel(Translator& t, Op op, const rules::ShapeRule& rule,
                                      std::span<const rules::Recipe> recipes,
                                      const RankChoice& ranks, int64_t maxDim,
                                      std::span<const AttrChoice> attrChoices) {
  z3::context& c = t.ctx();
  auto m = std::make_unique<OpModel>(
      OpModel{op, ranks, {}, {}, {}, {}, {}, {}, nullptr, {}, t.truth(true)});
  SymArgs args;
  for (const rules::OperandPattern& p : rule.operands) {
    std::vector<z3::expr> dims;
    for (const auto& d : p.dims) {
      const int n = d.isPack ? packRank(ranks, d.name) : 1;
      for (int i = 0; i < n; ++i) {
        dims.push_back(t.dimVar(p.name + "." + std::to_string(dims.size())));
      }
    }
    m->domain = t.conj(m->domain, validShape(t, dims, maxDim));
    m->operandDims.push_back(dims);
    args.operands.push_back(t.knownShape(std::move(dims), t.truth(true)));
  }
  if (ranks.targetRank >= 0) {
    for (int i = 0; i < ranks.targetRank; ++i) {
      m->targetDims.push_back(t.dimVar("shape." + std::to_string(i)));
    }
    m->domain = t.conj(m->domain, validShape(t, m->targetDims, maxDim));
    args.target = t.knownShape(m->targetDims, t.truth(true));
  }
  const z3::expr maxCount = t.word(maxDim);
  bool hasLiterals = false;
  for (const AttrSpec& a : opInfo(op).attrs) {
    const std::string name(a.name);
    if (a.kind == AttrKind::Int) {
      auto choice = std::find_if(attrChoices.begin(), attrChoices.end(),
                                 [&](const AttrChoice& a) { return a.name == name; });
      z3::expr v = c.bv_const(name.c_str(), kWordBits);
      if (choice != attrChoices.end()) {
        v = choice->kind == AttrChoice::Kind::Fixed ? t.word(choice->value) : t.dimVar(name);
      }
      m->intAttrs.emplace_back(name, v);
      args.ints.push_back(v);
    } else if (a.kind == AttrKind::Ints) {
      m->listCount = c.bv_const(("count(" + name + ")").c_str(), kWordBits);
      m->listNonNeg = c.bool_const(("nonneg(" + name + ")").c_str());
      m->domain =
          t.conj(m->domain, z3::sle(t.word(0), *m->listCount) && z3::sle(*m->listCount, maxCount));
      args.listCount = m->listCount;
      args.listNonNeg = m->listNonNeg;
    } else {
      hasLiterals = true;
    }
  }
  if (hasLiterals) {
    m->numLiterals = c.bv_const("literals", kWordBits);
    m->domain = t.conj(m->domain,
                       z3::sle(t.word(0), *m->numLiterals) && z3::sle(*m->numLiterals, maxCount));
    args.numLiterals = m->numLiterals;
  }
  m->forward = t.applyRow(rule, opInfo(op).attrs, std::move(args));
  for (const rules::Recipe& r : recipes) {
    m->recipes.push_back(t.applyRecipe(*m->forward, r, m->forward->output));
  }
  return m;
}

std::vector<z3::expr> OpModel::variables() const {
  std::vector<z3::expr> out;
  for (const auto& dims : operandDims) {
    for (const z3::expr& d : dims) out.push_back(Translator::dimVarBits(d));
  }
  for (const z3::expr& d : targetDims) out.push_back(Translator::dimVarBits(d));
  for (const auto& [name, v] : intAttrs) {
    if (v.is_numeral()) continue;
    out.push_back(v.get_sort().bv_size() == kWordBits && v.is_const() ? v
                                                                      : Translator::dimVarBits(v));
  }
  for (const auto* v : {&listCount, &listNonNeg, &numLiterals}) {
    if (*v) out.push_back(**v);
  }
  return out;
}

}  // namespace verigrad::smt
