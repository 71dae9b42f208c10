// Graph-level symbolic shape checking: every node's row (the same translation as the theorems)
// over symbolic input dims; one query for "some assignment", one for "every assignment", and an
// unsat core over per-node assumption literals when there is none.
#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "numel_lemmas.hpp"
#include "query.hpp"
#include "verigrad/smt/shapes.hpp"
#include "verigrad/smt/theorems.hpp"
#include "verigrad/smt/translate.hpp"

namespace verigrad::smt {
namespace {

using detail::QueryOptions;
using detail::QueryResult;
using detail::Verdict;

// The symbols as zero-extended 16-bit dims with their ranges.
struct Symbols {
  std::vector<std::string> names;
  std::vector<z3::expr> words;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  z3::expr bounds;
};

std::optional<std::string> rangesOf(const SymbolicGraph& g, const ShapesOptions& o,
                                    std::vector<std::pair<int64_t, int64_t>>& out) {
  const int64_t limit = (int64_t{1} << kDimBits) - 1;
  for (const SymbolRange& r : o.ranges) {
    if (std::find(g.symbols->begin(), g.symbols->end(), r.name) == g.symbols->end()) {
      return "--range names " + r.name + ", which is not a symbol of the graph";
    }
  }
  for (const std::string& name : *g.symbols) {
    std::pair<int64_t, int64_t> range{o.minDim, o.maxDim};
    for (const SymbolRange& r : o.ranges) {
      if (r.name == name) range = {r.lo, r.hi};
    }
    if (range.first < 0 || range.second > limit || range.first > range.second) {
      return "the range of " + name + " must satisfy 0 <= lo <= hi <= " + std::to_string(limit);
    }
    out.push_back(range);
  }
  return std::nullopt;
}

Symbols makeSymbols(Translator& t, const SymbolicGraph& g,
                    const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  Symbols s{*g.symbols, {}, ranges, t.truth(true)};
  z3::context& c = t.ctx();
  for (size_t i = 0; i < s.names.size(); ++i) {
    const z3::expr w = t.dimVar(s.names[i]);
    const z3::expr bits = Translator::dimVarBits(w);
    s.words.push_back(w);
    s.bounds = s.bounds &&
               z3::ule(c.bv_val(static_cast<uint64_t>(ranges[i].first), kDimBits), bits) &&
               z3::ule(bits, c.bv_val(static_cast<uint64_t>(ranges[i].second), kDimBits));
  }
  return s;
}

// What the graph's lines mean over the symbols. With `fresh`, each node's output is a list of
// fresh variables tied to its row's output by its assumption literal (so an unsat core can leave
// a node out); without, consumers read the producing row's terms directly.
struct Encoding {
  std::vector<SymShape> values;   // per value id, what consumers see
  std::vector<z3::expr> holds;    // per value id: the line is well-shaped
  std::vector<z3::expr> defines;  // per value id: fresh outputs equal the row's output
  std::string structural;         // a failure no assignment avoids, naming the line
  size_t structuralId = 0;
};

class GraphEncoder {
 public:
  GraphEncoder(Translator& t, const SymbolicGraph& g, const Symbols& s) : t_(t), g_(g) {
    empty_.name = "graph";
    args_.ints = s.words;
    scope_.rule = &empty_;
    scope_.attrs = g.symbolAttrs;
    scope_.args = &args_;
  }

  Encoding encode(bool fresh) {
    Encoding e;
    for (const SymbolicGraph::Input& in : g_.inputs) {
      SymShape shape = dims(in.dims);
      e.holds.push_back(shape.defined);
      e.defines.push_back(t_.truth(true));
      e.values.push_back(std::move(shape));
    }
    for (size_t k = 0; k < g_.nodes.size(); ++k) {
      if (!node(k, fresh, e)) return e;
    }
    return e;
  }

 private:
  SymShape dims(const std::vector<SymbolicGraph::DimPtr>& exprs) {
    std::vector<z3::expr> out;
    z3::expr defined = t_.truth(true);
    for (const auto& e : exprs) {
      const SymInt d = t_.evalDim(*e, scope_);
      defined = t_.conj(defined, d.defined);
      out.push_back(d.value);
    }
    return t_.makeShape(std::move(out), defined);
  }

  bool node(size_t k, bool fresh, Encoding& e) {
    const SymbolicGraph::Node& n = g_.nodes[k];
    const OpInfo& info = opInfo(n.op);
    const size_t id = g_.inputs.size() + k;
    SymArgs args;
    for (uint32_t p : n.parents) args.operands.push_back(e.values[p]);
    z3::expr attrsDefined = t_.truth(true);
    for (const auto& expr : n.ints) {
      const SymInt v = t_.evalDim(*expr, scope_);
      attrsDefined = t_.conj(attrsDefined, v.defined);
      args.ints.push_back(v.value);
    }
    if (n.list) {
      args.listCount = t_.word(static_cast<int64_t>(n.list->size()));
      args.listNonNeg =
          t_.truth(std::all_of(n.list->begin(), n.list->end(), [](int64_t v) { return v >= 0; }));
    }
    args.numLiterals = t_.word(static_cast<int64_t>(n.numLiterals));
    std::optional<SymShape> declared;
    if (n.declared) declared = dims(*n.declared);
    if (info.takesTargetShape && declared) args.target = *declared;
    const std::unique_ptr<RowApp> app = t_.applyRow(rules::shapeRule(n.op), info.attrs, args);
    z3::expr holds = t_.conj(attrsDefined, app->ok());
    if (declared && !info.takesTargetShape) {
      holds =
          t_.conj(holds, t_.conj(declared->defined, t_.sameDims(app->output.dims, declared->dims)));
    }
    SymShape seen = app->output;
    if (!seen.known) {
      if (!declared) {
        e.structural = "line " + std::to_string(n.line) + ": " + n.text + ": " +
                       app->output.failure + ", whatever the symbols are";
        e.structuralId = id;
        return false;
      }
      seen = *declared;  // consumers go on with the declared shape
      holds = t_.truth(false);
    }
    z3::expr defines = t_.truth(true);
    if (fresh) {
      std::vector<z3::expr> vars;
      for (size_t i = 0; i < seen.dims.size(); ++i) {
        vars.push_back(t_.ctx().bv_const(
            ("%" + std::to_string(id) + "." + std::to_string(i)).c_str(), kWordBits));
      }
      defines = t_.sameDims(vars, seen.dims);
      seen = t_.knownShape(std::move(vars), seen.defined);
    }
    e.values.push_back(std::move(seen));
    e.holds.push_back(holds);
    e.defines.push_back(defines);
    return true;
  }

  Translator& t_;
  const SymbolicGraph& g_;
  rules::ShapeRule empty_;
  SymArgs args_;
  Scope scope_;
};

std::vector<std::pair<std::string, int64_t>> assignment(const Symbols& s, const z3::model& m) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t i = 0; i < s.names.size(); ++i) {
    out.emplace_back(s.names[i], detail::wordIn(m, s.words[i]));
  }
  return out;
}

std::string lineOf(const SymbolicGraph& g, size_t id) {
  if (id < g.inputs.size()) {
    return "line " + std::to_string(g.inputs[id].line) + ": " + g.inputs[id].text;
  }
  const SymbolicGraph::Node& n = g.nodes[id - g.inputs.size()];
  return "line " + std::to_string(n.line) + ": " + n.text;
}

class Checker {
 public:
  Checker(const SymbolicGraph& g, const ShapesOptions& o, ShapesReport& r) : g_(g), o_(o), r_(r) {}

  void run(const std::vector<std::pair<int64_t, int64_t>>& ranges) {
    z3::context c;
    Translator t(c);
    const Symbols s = makeSymbols(t, g_, ranges);
    Encoding e = GraphEncoder(t, g_, s).encode(false);
    if (!e.structural.empty()) {
      r_.verdict = ShapesVerdict::IllShaped;
      r_.conflict = {e.structural};
      return;
    }
    z3::expr all = t.truth(true);
    for (const z3::expr& h : e.holds) all = t.conj(all, h);
    QueryOptions q;
    q.timeoutMs = o_.timeoutMs;
    q.shrink = bitsOf(s);
    const QueryResult some = record(detail::satisfy(s.bounds && all, q));
    if (some.verdict == Verdict::Unknown) return unknown(some);
    if (some.verdict == Verdict::Proved) return core(ranges);  // unsat: no assignment
    r_.model = assignment(s, *some.model);
    if (everyByAbstraction(ranges)) {
      r_.verdict = ShapesVerdict::WellShapedForAll;
      return;
    }
    const QueryResult every = record(detail::prove(s.bounds, all, q));
    if (every.verdict == Verdict::Unknown) return unknown(every);
    if (every.verdict == Verdict::Proved) {
      r_.verdict = ShapesVerdict::WellShapedForAll;
      return;
    }
    r_.verdict = ShapesVerdict::WellShapedForSome;
    r_.counterexample = assignment(s, *every.model);
    for (size_t id = 0; id < e.holds.size(); ++id) {
      if (!detail::truthIn(*every.model, e.holds[id])) r_.failing.push_back(lineOf(g_, id));
    }
  }

 private:
  static std::vector<z3::expr> bitsOf(const Symbols& s) {
    std::vector<z3::expr> out;
    for (const z3::expr& w : s.words) out.push_back(Translator::dimVarBits(w));
    return out;
  }

  // "Every assignment" tried with abstract product chains and their lemmas first: an unsat
  // answer there is a proof; otherwise the exact query decides (and gives the counterexample).
  bool everyByAbstraction(const std::vector<std::pair<int64_t, int64_t>>& ranges) {
    z3::context c;
    Translator t(c);
    t.setAbstractNumel(true);
    const Symbols s = makeSymbols(t, g_, ranges);
    const Encoding e = GraphEncoder(t, g_, s).encode(false);
    if (!e.structural.empty()) return false;
    z3::expr all = t.truth(true);
    for (const z3::expr& h : e.holds) all = t.conj(all, h);
    const z3::expr lemmas = detail::numelLemmas(t, lemmaOptions(), lemmaCost_);
    QueryOptions q;
    q.timeoutMs = o_.timeoutMs;
    const QueryResult every = record(detail::prove(s.bounds && lemmas, all, q));
    return every.verdict == Verdict::Proved;
  }

  Options lemmaOptions() const {
    Options lemma;
    lemma.maxDim = o_.maxDim;
    lemma.timeoutMs = o_.timeoutMs;
    return lemma;
  }

  QueryResult record(QueryResult q) {
    ++r_.queries;
    r_.seconds += q.seconds;
    return q;
  }

  void unknown(const QueryResult& q) {
    r_.verdict = ShapesVerdict::Unknown;
    r_.message = "Z3 answered unknown: " + q.reason;
  }

  // One assumption literal per line (and one for the symbol ranges); the lines in a minimal
  // unsat core are the ones in conflict. Tried first with abstract product chains (their core is
  // a core of the exact problem too), then exactly.
  void core(const std::vector<std::pair<int64_t, int64_t>>& ranges) {
    for (bool abstract : {true, false}) {
      z3::context c;
      Translator t(c);
      t.setAbstractNumel(abstract);
      const Symbols s = makeSymbols(t, g_, ranges);
      const Encoding e = GraphEncoder(t, g_, s).encode(true);
      const z3::expr lemmas =
          abstract ? detail::numelLemmas(t, lemmaOptions(), lemmaCost_) : t.truth(true);
      z3::solver solver(c);
      solver.set("timeout", o_.timeoutMs);
      solver.add(lemmas);
      z3::expr_vector literals(c);
      std::vector<std::string> meaning;
      const z3::expr boundsLiteral = c.bool_const("bounds");
      solver.add(z3::implies(boundsLiteral, s.bounds));
      literals.push_back(boundsLiteral);
      meaning.push_back(boundsText(s));
      for (size_t id = 0; id < e.holds.size(); ++id) {
        // Without its literal a line says nothing, not even what its fresh output equals: the
        // core keeps exactly the lines whose shapes the conflict needs.
        const z3::expr p = c.bool_const(("line!" + std::to_string(id)).c_str());
        solver.add(z3::implies(p, e.defines[id] && e.holds[id]));
        literals.push_back(p);
        meaning.push_back(lineOf(g_, id));
      }
      const auto start = std::chrono::steady_clock::now();
      const z3::check_result result = solver.check(literals);
      ++r_.queries;
      if (result == z3::unsat) {
        const z3::expr_vector found = minimized(solver, solver.unsat_core());
        r_.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        r_.verdict = ShapesVerdict::IllShaped;
        for (size_t i = 0; i < literals.size(); ++i) {
          for (unsigned j = 0; j < found.size(); ++j) {
            if (z3::eq(found[j], literals[static_cast<int>(i)])) r_.conflict.push_back(meaning[i]);
          }
        }
        return;
      }
      r_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (result == z3::unknown) {
        r_.verdict = ShapesVerdict::Unknown;
        r_.message = "Z3 answered unknown while computing the conflict: " + solver.reason_unknown();
        return;
      }
    }
    r_.verdict = ShapesVerdict::Error;
    r_.message = "no assignment is well-shaped, but the per-line encoding found one (a bug)";
  }

  // Drops literals from the core while what is left stays unsat (each check under the timeout).
  z3::expr_vector minimized(z3::solver& solver, z3::expr_vector core) {
    if (!o_.minimizeCore) return core;
    for (unsigned i = 0; i < core.size();) {
      z3::expr_vector without(core.ctx());
      for (unsigned j = 0; j < core.size(); ++j) {
        if (j != i) without.push_back(core[j]);
      }
      ++r_.queries;
      if (solver.check(without) == z3::unsat) {
        core = solver.unsat_core();
        i = 0;
      } else {
        ++i;
      }
    }
    return core;
  }

  static std::string boundsText(const Symbols& s) {
    std::string out = "the symbol ranges:";
    for (size_t i = 0; i < s.names.size(); ++i) {
      out += " " + s.names[i] + " in [" + std::to_string(s.ranges[i].first) + ", " +
             std::to_string(s.ranges[i].second) + "]";
    }
    return out;
  }

  const SymbolicGraph& g_;
  const ShapesOptions& o_;
  ShapesReport& r_;

 public:
  TheoremResult lemmaCost_;  // box-lemma proofs, added to the report's totals by checkShapes
};

std::string assignmentText(const std::vector<std::pair<std::string, int64_t>>& a) {
  if (a.empty()) return "(no symbols)";
  std::string out;
  for (const auto& [name, v] : a)
    out += (out.empty() ? "" : ", ") + name + " = " + std::to_string(v);
  return out;
}

}  // namespace

ShapesReport checkShapes(const SymbolicGraph& graph, const ShapesOptions& options) {
  ShapesReport report;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  if (std::optional<std::string> bad = rangesOf(graph, options, ranges)) {
    report.message = *bad;
    return report;
  }
  for (size_t i = 0; i < ranges.size(); ++i)
    report.bounds.emplace_back((*graph.symbols)[i], ranges[i]);
  try {
    Checker checker(graph, options, report);
    checker.run(ranges);
    report.queries += checker.lemmaCost_.queries;
    report.seconds += checker.lemmaCost_.seconds;
  } catch (const z3::exception& e) {
    report.verdict = ShapesVerdict::Error;
    report.message = std::string("Z3: ") + e.msg();
  }
  return report;
}

std::string formatShapesReport(const ShapesReport& r) {
  std::ostringstream out;
  if (!r.bounds.empty()) {
    out << "symbols:";
    for (const auto& [name, range] : r.bounds) {
      out << " " << name << " in [" << range.first << ", " << range.second << "]";
    }
    out << "\n";
  }
  switch (r.verdict) {
    case ShapesVerdict::WellShapedForAll:
      out << "well-shaped for every assignment within the bounds (proved: the negation is unsat)\n"
          << "  for example " << assignmentText(r.model) << "\n";
      break;
    case ShapesVerdict::WellShapedForSome:
      out << "well-shaped for some assignments, not for all\n"
          << "  well-shaped at " << assignmentText(r.model) << "\n"
          << "  ill-shaped at  " << assignmentText(r.counterexample) << ", where these fail:\n";
      for (const std::string& f : r.failing) out << "    " << f << "\n";
      break;
    case ShapesVerdict::IllShaped:
      out << "ill-shaped for every assignment within the bounds; in conflict (a minimal unsat "
             "core):\n";
      for (const std::string& f : r.conflict) out << "    " << f << "\n";
      break;
    case ShapesVerdict::Unknown:
      out << "unknown: " << r.message << "\n";
      break;
    case ShapesVerdict::Error:
      out << "error: " << r.message << "\n";
      break;
  }
  out << r.queries << " solver queries, " << std::fixed;
  out.precision(3);
  out << r.seconds << " s\n";
  return out.str();
}

}  // namespace verigrad::smt
