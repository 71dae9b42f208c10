// Faithfulness of the Z3 translation to the engine's evaluator: on every small concrete case
// (shapes matching an op's rank signature, dims <= 4, attributes in a small range) the translated
// terms, with the case's values substituted and simplified to constants (no solver call), give
// the same accept/reject answer and the same shapes as rules::inferShape and rules::evalRecipe.
// So the theorems, proved about the translation, are about the code that runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verigrad/op.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad::smt {

struct FaithfulnessOptions {
  int maxRank = 4;                                           // operand and target ranks
  int64_t maxDim = 4;                                        // every dim in [0, maxDim]
  std::vector<int64_t> attrValues = {-1, 0, 1, 2, 3, 4, 5};  // int attributes and list entries
  int maxListLength = 3;  // `ints` lists: every list of this length or shorter
  // A rank choice whose operands' dims, enumerated independently, give at most this many cases
  // is enumerated that way (every accepted and rejected combination). Beyond it, dims are
  // enumerated per name of the row's patterns (every shape matching the signature), plus each
  // of those with one operand dim changed (the binder's rejections).
  size_t independentLimit = 20000;
};

struct FaithfulnessReport {
  Op op{};
  size_t cases = 0;         // concrete cases compared (per translation variant)
  size_t accepted = 0;      // of those, cases the executable row accepts
  size_t recipeChecks = 0;  // recipe results compared
  size_t mismatches = 0;
  std::vector<std::string> examples;  // the first few mismatches, described
  std::string error;                  // a Z3 exception or a term that did not simplify
  double seconds = 0;
  bool ok() const { return mismatches == 0 && error.empty() && cases > 0; }
};

// Compares the translation of op's table row and recipes with the evaluator. `executableRow`
// replaces the row on the evaluator's side only (a test uses it to show a mismatch is caught).
FaithfulnessReport checkFaithfulness(Op op, const FaithfulnessOptions& options,
                                     const rules::ShapeRule* executableRow = nullptr);

}  // namespace verigrad::smt
