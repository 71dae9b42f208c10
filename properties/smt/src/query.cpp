// Running Z3 queries: a solver per query with a timeout, the verdict, the time, and a smaller
// counterexample when one exists.
#include "query.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <utility>

namespace verigrad::smt::detail {
namespace {

z3::solver makeSolver(z3::context& c, const QueryOptions& options) {
  // QF_BV: simplification, bit-blasting and SAT; integer lemmas use the default (NIA-capable)
  // solver, which proves the few non-linear facts needed (offsets) where bit-blasting cannot.
  z3::solver s = options.logic == Logic::BitVectors ? z3::solver(c, "QF_BV") : z3::solver(c);
  s.set("timeout", options.timeoutMs);
  return s;
}

// Every variable in [lowest, bound]: unsigned for dims (<= 16 bits), signed for wider ones.
z3::expr smallness(const std::vector<z3::expr>& vars, unsigned lowest, unsigned bound) {
  z3::context& c = vars.front().ctx();
  z3::expr out = c.bool_val(true);
  for (const z3::expr& v : vars) {
    if (v.is_bool()) continue;
    const unsigned width = v.get_sort().bv_size();
    if (width <= 16) {
      out = out && z3::ule(c.bv_val(lowest, width), v) && z3::ule(v, c.bv_val(bound, width));
    } else {
      out = out && z3::sle(c.bv_val(-static_cast<int64_t>(bound), width), v) &&
            z3::sle(v, c.bv_val(static_cast<int64_t>(bound), width));
    }
  }
  return out;
}

QueryResult check(const z3::expr& formula, const QueryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  QueryResult r;
  z3::solver s = makeSolver(formula.ctx(), options);
  s.add(formula);
  switch (s.check()) {
    case z3::unsat:
      r.verdict = Verdict::Proved;
      break;
    case z3::sat:
      r.verdict = Verdict::Refuted;
      r.model = s.get_model();
      break;
    case z3::unknown:
      r.verdict = Verdict::Unknown;
      r.reason = s.reason_unknown();
      break;
  }
  if (r.verdict == Verdict::Refuted && !options.shrink.empty()) {
    // Non-zero dims first: a counterexample with empty shapes is correct but less telling.
    for (const auto& [lowest, bound] : {std::pair{1u, 3u}, {0u, 3u}, {0u, 15u}, {0u, 255u}}) {
      z3::solver small = makeSolver(formula.ctx(), options);
      small.add(formula && smallness(options.shrink, lowest, bound));
      if (small.check() == z3::sat) {
        r.model = small.get_model();
        break;
      }
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (const char* dir = std::getenv("VERIGRAD_SMT_DUMP"); dir && r.seconds > 1.0) {
    static int counter = 0;
    std::ofstream(std::string(dir) + "/q" + std::to_string(counter++) + "_" +
                  std::to_string(static_cast<int>(r.seconds)) + "s.smt2")
        << s.to_smt2();
  }
  return r;
}

}  // namespace

QueryResult prove(const z3::expr& hyps, const z3::expr& goal, const QueryOptions& options) {
  return check(hyps && !goal, options);
}

QueryResult satisfy(const z3::expr& e, const QueryOptions& options) { return check(e, options); }

int64_t wordIn(const z3::model& m, const z3::expr& e) {
  const z3::expr v = m.eval(e, true);
  uint64_t u = 0;
  if (v.is_numeral() && v.is_numeral_u64(u)) return static_cast<int64_t>(u);
  int64_t i = 0;
  if (v.is_numeral() && v.is_numeral_i64(i)) return i;
  return 0;
}

bool truthIn(const z3::model& m, const z3::expr& e) { return m.eval(e, true).is_true(); }

std::string dimsIn(const z3::model& m, std::span<const z3::expr> dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    out += (i ? "," : "") + std::to_string(wordIn(m, dims[i]));
  }
  return out + "]";
}

}  // namespace verigrad::smt::detail
