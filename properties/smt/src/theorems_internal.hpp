// Shared by theorems.cpp (per-op theorems, the list, the runner) and global_theorems.cpp.
#pragma once

#include <string>
#include <vector>

#include "query.hpp"
#include "verigrad/smt/theorems.hpp"

namespace verigrad::smt::detail {

// The global theorems (no op): numel-bound, offset-step, offset-in-range, out-id-range,
// out-id-unchecked.
std::vector<Theorem> globalTheorems();
// Runs one of them into `out` (status, counterexample or detail, time, queries). May throw
// z3::exception; the caller turns it into TheoremStatus::Error.
void runGlobalTheorem(const Theorem& theorem, const Options& options, TheoremResult& out);

// Accumulates a query's time into `out`; false (with status Unknown) when Z3 answered unknown.
bool account(TheoremResult& out, const QueryResult& q);

}  // namespace verigrad::smt::detail
