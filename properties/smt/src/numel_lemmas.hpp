// Lemma instances for the abstract product chains (Translator::setAbstractNumel): facts that are
// true of the exact chain, added to a query so that an abstract proof goes through.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "query.hpp"
#include "verigrad/smt/theorems.hpp"
#include "verigrad/smt/translate.hpp"

namespace verigrad::smt::detail {

// An interval [lo, hi] containing the int64 value of `d` in every model where each zero-extended
// dim variable is in [0, maxDim] and no arithmetic in `d` wraps; nullopt when none is evident.
// Only a hint: every lemma that uses it states the bounds it assumes as its premise.
std::optional<std::pair<int64_t, int64_t>> interval(const z3::expr& d, int64_t maxDim);

// For each product chain in t.numelApps():
//   fits => 0 <= product <= 2^62                      (the chain's last check)
//   rank 1: fits <=> 0 <= d <= 2^62, product = d      (a one-factor chain)
//   (0 <= d_i <= B_i for all i) => fits               (box lemma, B from interval hints)
// A box lemma is used only once the exact chain is proved to fit on the whole box [0, B] (one
// bit-vector query per distinct B, cached for the process); its time and query count are added
// to `out`. The rank-1 and last-check facts hold by the chain's definition (theorem
// numel-lemmas checks them against the exact chain).
z3::expr numelLemmas(const Translator& t, const Options& options, TheoremResult& out);

// The box lemma for B, proved on the exact chain (cached): true when it holds.
bool boxLemma(const std::vector<int64_t>& box, const Options& options, TheoremResult& out);

}  // namespace verigrad::smt::detail
