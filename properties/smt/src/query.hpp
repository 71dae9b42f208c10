// One Z3 query with a timeout, its verdict and time: the only place the smt library calls check().
#pragma once

#include <z3++.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace verigrad::smt::detail {

enum class Verdict { Proved, Refuted, Unknown };

struct QueryResult {
  Verdict verdict = Verdict::Unknown;
  std::optional<z3::model> model;  // Refuted: a counterexample; Satisfied queries: a witness
  std::string reason;              // Unknown: Z3's reason (e.g. "timeout")
  double seconds = 0;
};

enum class Logic { BitVectors, Integers };

struct QueryOptions {
  unsigned timeoutMs = 30000;
  Logic logic = Logic::BitVectors;
  // Refuted: retry with these variables in [1, 3], then [0, 3], [0, 15], [0, 255], so the
  // counterexample a reader sees has small dims. Bit-vectors of width <= 16 are bounded unsigned,
  // wider ones signed (in [-bound, bound]); each retry has the same timeout; the first that
  // finds a model wins.
  std::vector<z3::expr> shrink;
};

// Proves `hyps => goal` by refuting `hyps && !goal` (unsat). `unknown` is reported, never a proof.
// Diagnostics: with VERIGRAD_SMT_DUMP=DIR set, every query slower than one second is written to
// DIR as SMT-LIB (q<n>_<seconds>s.smt2), to find which theorem's encoding needs attention.
QueryResult prove(const z3::expr& hyps, const z3::expr& goal, const QueryOptions& options);

// Looks for a model of `e` (for witnesses): Refuted means "found one".
QueryResult satisfy(const z3::expr& e, const QueryOptions& options);

// Values of terms in a model, as the evaluator would print them.
int64_t wordIn(const z3::model& m, const z3::expr& e);
bool truthIn(const z3::model& m, const z3::expr& e);
std::string dimsIn(const z3::model& m, std::span<const z3::expr> dims);  // "[2,3]"

}  // namespace verigrad::smt::detail
