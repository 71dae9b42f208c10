// The Z3 shape theorems: per-op statements about the shape-rule rows and VJP recipes, and global
// statements about numel, row-major offsets and the output id, each proved by refuting its
// negation. `verigrad check` lists them as the property `shape-theorems`; tests run them too.
// No Z3 type appears here, and nothing throws: Z3 errors become TheoremStatus::Error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verigrad/op.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad::smt {

struct Options {
  int64_t maxDim = int64_t{1} << 15;  // every symbolic dim (and list length) is in [0, maxDim]
  int maxRank = 4;                    // every operand and target shape has rank <= maxRank
  unsigned timeoutMs = 30000;         // per solver query; `unknown` (e.g. a timeout) is a failure
  bool smallCounterexamples = true;   // retry a refuted query with small dims for readability
};

// Why Options cannot be used (maxDim beyond the 16-bit dim variables, maxRank beyond Shape's 8).
std::optional<std::string> validate(const Options& options);

enum class TheoremStatus : uint8_t {
  Proved,   // the negation is unsat
  Failed,   // the negation is sat: `counterexample` holds concrete shapes
  Unknown,  // Z3 answered unknown (timeout, incompleteness): counts as a failure
  Error,    // a Z3 exception or a malformed row or recipe
};
const char* statusName(TheoremStatus status);

struct Theorem {
  std::string name;       // "vjp-shape", "numel-bound", "out-id-range", ...
  std::optional<Op> op;   // the op it is about; nullopt for global theorems
  std::string statement;  // one sentence
};

struct TheoremResult {
  Theorem theorem;
  TheoremStatus status = TheoremStatus::Error;
  std::string counterexample;  // Failed: the concrete shapes and what went wrong
  std::string detail;          // Unknown/Error: why; Proved: what Z3 exhibited, if anything
  double seconds = 0;          // solver time, all queries
  int queries = 0;
  bool proved() const { return status == TheoremStatus::Proved; }
};

// Every theorem, per op in ops.def order, then the global ones.
std::vector<Theorem> allTheorems();

// A replacement for one op's own row and/or recipes (for tests that break a rule on purpose, via
// rules::parseRule / rules::parseRecipes). Recipe calls still use the table's rows, as the
// engine's evaluator does.
struct RuleOverride {
  Op op{};
  std::optional<rules::ShapeRule> row;
  std::optional<std::vector<rules::Recipe>> recipes;
};

TheoremResult runTheorem(const Theorem& theorem, const Options& options,
                         const RuleOverride* override = nullptr);
std::vector<TheoremResult> runTheorems(const Options& options);

// A table, one line per theorem: name, op, status, solver time, queries; failures follow with
// their counterexamples; the last line is the total.
std::string formatTheoremTable(std::span<const TheoremResult> results);

}  // namespace verigrad::smt
