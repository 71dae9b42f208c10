// The Z3 reader of the shape-rule table: translates ops.def rows, VJP recipes and helper rows (the
// AST in shape_rules.hpp, the same data the engine's evaluator interprets) into bit-vector terms.
//
// Encoding. Every value the evaluator computes in int64 is a 64-bit bit-vector term with signed
// comparisons, and every way the evaluator can fail (int64 overflow, division by zero, an index
// outside a pack, a negative extent, numel beyond 2^62, a violated constraint) becomes part of a
// Boolean `defined` term, so "the evaluator returns this shape" is `defined` plus the dims. Ranks
// are concrete: a shape is a list of terms whose length is a C++ number, and the caller enumerates
// the ranks of packs and target shapes (the evaluator, too, dispatches on concrete ranks). A
// failure that does not depend on any dim value (a rank or arity mismatch) is a *structural*
// failure: `known == false`. Symbolic dims are 16-bit variables zero-extended to 64 bits before any
// arithmetic, so products never wrap unnoticed and bit-blasting sees constant high bits.
//
// This header exposes z3++; consumers that only want results include theorems.hpp or shapes.hpp.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verigrad/op.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad::smt {

inline constexpr unsigned kWordBits = 64;  // the evaluator's int64
inline constexpr unsigned kDimBits = 16;   // symbolic dims, zero-extended to kWordBits

// An int64 the evaluator may fail to compute: `value` means something only where `defined` holds.
struct SymInt {
  z3::expr value;
  z3::expr defined;
};

// A Boolean the evaluator may fail to compute (a constraint or an if-then-else condition).
struct SymBool {
  z3::expr value;
  z3::expr defined;
};

// A shape of concrete rank with symbolic dims, as the evaluator's Result<Shape>; `known == false`
// is a structural failure (dims empty, `defined` false) that no dim value can avoid.
struct SymShape {
  bool known = false;
  std::vector<z3::expr> dims;
  z3::expr defined;
  std::string failure;  // why, for a structural failure
};

// The symbolic counterpart of rules::RuleArgs. An `ints` list attribute is seen by the rule
// language only through count() and nonneg(), so it is abstracted to its length and one Boolean
// "every entry is >= 0"; that abstraction is exact for everything a row can say.
struct SymArgs {
  std::vector<SymShape> operands;
  std::vector<z3::expr> ints;           // one 64-bit term per `int` attribute, in ops.def order
  std::optional<z3::expr> listCount;    // an `ints` attribute: its length
  std::optional<z3::expr> listNonNeg;   // ... and whether all its entries are >= 0
  std::optional<z3::expr> numLiterals;  // count() of a `lits` attribute
  std::optional<SymShape> target;       // @shape
};

// What a row's expressions see after its operands were bound (the evaluator's Env).
struct Scope {
  const rules::ShapeRule* rule = nullptr;
  std::span<const AttrSpec> attrs;
  const SymArgs* args = nullptr;  // points into the RowApp that owns this scope
  std::vector<std::pair<std::string, z3::expr>> dims;
  std::vector<std::pair<std::string, std::vector<z3::expr>>> packs;
};

// A row applied to symbolic arguments. ok() is exactly "the evaluator returns a shape".
struct RowApp {
  SymArgs args;
  Scope scope;
  z3::expr bound;  // the operands match their patterns (ranks, and names bound twice agree)
  z3::expr holds;  // every constraint evaluates and holds
  SymShape output;
  z3::expr ok() const { return bound && holds && output.defined; }
  bool structural() const { return !output.known; }
};

class Translator {
 public:
  explicit Translator(z3::context& ctx) : c_(ctx) {}
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  z3::context& ctx() { return c_; }

  // Proof acceleration, sound for proofs only. Bit-blasting a product of dims is cheap when the
  // factors are visibly small and the bound is syntactic, but relating two different products
  // (a monotonicity argument) is intractable for SAT. In abstract mode the product chain of
  // checkedNumel is an uninterpreted function of its dims (numel_r, fits_r: equal dims give equal
  // results, by congruence), constrained only by lemmas that are true of the exact chain (see
  // numel_lemmas.hpp). Replacing a function by a less constrained one only adds models: an unsat
  // answer proves the statement about the exact terms; a sat answer must be re-checked exactly.
  void setAbstractNumel(bool on) { abstractNumel_ = on; }
  bool abstractNumel() const { return abstractNumel_; }
  // Every product chain made in abstract mode since the last clear (for lemma instances).
  struct NumelApp {
    std::vector<z3::expr> dims;  // without literal 1 factors; rank >= 1
    z3::expr product;            // numel_r(dims)
    z3::expr fits;               // fits_r(dims): every partial product in [0, 2^62]
  };
  const std::vector<NumelApp>& numelApps() const { return numelApps_; }
  void clearNumelApps() { numelApps_.clear(); }
  // The exact chain: every partial product of non-negative factors in [0, 2^62] (`defined`,
  // without the zero short-cut) and the product (`value`).
  SymInt exactChain(std::span<const z3::expr> dims);
  z3::expr word(int64_t v);
  z3::expr truth(bool b) { return c_.bool_val(b); }
  // A fresh symbolic dim: a kDimBits variable zero-extended to a word.
  z3::expr dimVar(const std::string& name);
  // The kDimBits variable under a term made by dimVar (for bounds and models).
  static z3::expr dimVarBits(const z3::expr& dim);

  // A row applied to arguments (the evaluator's evalRule). The returned app owns its arguments;
  // its scope refers to them, so keep the RowApp alive while using the scope.
  std::unique_ptr<RowApp> applyRow(const rules::ShapeRule& rule, std::span<const AttrSpec> attrs,
                                   SymArgs args);
  // The shape a recipe yields with cotangent g, for a node whose forward row application is fwd
  // (the evaluator's evalRecipe): undefined wherever the forward row rejects the node.
  SymShape applyRecipe(const RowApp& fwd, const rules::Recipe& recipe, const SymShape& g);

  SymInt evalDim(const rules::DimExpr& e, const Scope& scope);
  SymBool evalCond(const rules::Cond& c, const Scope& scope);
  SymShape evalShape(const rules::ShapeExpr& s, const Scope& scope);

  // Shape::checkedNumel: 0 if any dim is 0, else the product, undefined beyond 2^62.
  SymInt checkedNumel(std::span<const z3::expr> dims);
  // Shape::make: rank <= 8 (structural), no negative dim, numel <= 2^62.
  SymShape makeShape(std::vector<z3::expr> dims, z3::expr defined);
  // The evaluator's int64 arithmetic (kind Add/Sub/Mul/FloorDiv), undefined on overflow or / 0.
  SymInt arithmetic(rules::DimExpr::Kind kind, const z3::expr& a, const z3::expr& b);

  SymShape failedShape(std::string why);
  SymShape knownShape(std::vector<z3::expr> dims, z3::expr defined);

  // Light folding while building terms: recipes and rows applied to concrete axes and ranks
  // produce constants that would otherwise reach the solver as ite chains over literals.
  z3::expr conj(const z3::expr& a, const z3::expr& b);
  z3::expr disj(const z3::expr& a, const z3::expr& b);
  z3::expr pick(const z3::expr& cond, const z3::expr& a, const z3::expr& b);
  z3::expr same(const z3::expr& a, const z3::expr& b);
  z3::expr sameDims(std::span<const z3::expr> a, std::span<const z3::expr> b);

 private:
  SymInt numelChain(std::span<const z3::expr> dims);
  SymInt abstractChain(std::vector<z3::expr> dims);
  SymShape applyRecipeExpr(const rules::RecipeExpr& e, const RowApp& fwd, const SymShape& g);
  SymInt intAttr(const Scope& scope, const std::string& name);
  SymInt attrCount(const Scope& scope, const std::string& name);
  SymShape editPack(const rules::ShapeExpr& s, const Scope& scope);
  bool bindOperand(RowApp& app, size_t k);  // false: a structural failure

  z3::context& c_;
  bool abstractNumel_ = false;
  std::vector<NumelApp> numelApps_;
};

// An interval [lo, hi] containing the int64 value of a word term, from its structure: a
// zero-extended w-bit variable lies in [0, 2^w - 1] (or [0, dimHint] with a hint), numerals are
// themselves, and +, -, *, if-then-else combine intervals exactly when no bound leaves int64 (then
// the bit-vector operation cannot wrap, so the interval is sound). With `numelHint`, an abstract
// product chain's value counts as [0, 2^62] (true wherever the chain fits). nullopt: unknown.
struct IntervalHints {
  std::optional<int64_t> dimMax;  // bound zero-extended dims by this instead of their width
  bool numelHint = false;
};
std::optional<std::pair<int64_t, int64_t>> termInterval(const z3::expr& e,
                                                        const IntervalHints& hints = {});

// ---- per-op symbolic models (shared by the theorems and the faithfulness check, so the
// theorems are about the same terms the faithfulness check compares with the engine)

// Concrete ranks for one symbolic instance of an op: each pack's rank, and the target's.
struct RankChoice {
  std::vector<std::pair<std::string, int>> packRanks;
  int targetRank = -1;  // -1: the row takes no @shape
  std::string str() const;
};

// Every rank choice with each operand's rank and the target's rank <= maxRank.
std::vector<RankChoice> rankChoices(const rules::ShapeRule& rule, bool takesTarget, int maxRank);

// The symbolic instance of an op: its free variables, the forward row applied to them, and each
// recipe applied with g = the forward output.
struct OpModel {
  Op op{};
  RankChoice ranks;
  std::vector<std::vector<z3::expr>> operandDims;  // words (zero-extended dim variables)
  std::vector<z3::expr> targetDims;
  // name -> a 64-bit variable, a constant (Fixed) or a zero-extended 16-bit variable (Narrow)
  std::vector<std::pair<std::string, z3::expr>> intAttrs;
  std::optional<z3::expr> listCount, listNonNeg, numLiterals;
  std::unique_ptr<RowApp> forward;
  std::vector<SymShape> recipes;  // in the order of the recipes passed to buildOpModel
  // Every operand and the target are valid Shapes (numel <= 2^62; the evaluator's inputs are
  // Shapes by type) with dims in [0, maxDim], and list counts in [0, maxDim].
  z3::expr domain;
  // All free variables (dims and narrowed attributes as their kDimBits variables).
  std::vector<z3::expr> variables() const;
};

// How an int attribute is represented. By default it is a free int64 variable. The theorems narrow
// an attribute only after proving that the forward row rejects every value outside the narrower
// domain: an axis (forced into [0, maxRank]) is case-split into constants, so drop/swap/setdim
// fold to plain lists; an extent-like attribute (forced into [0, 2^16)) becomes a zero-extended
// 16-bit variable like a dim, so products with it stay small for bit-blasting.
struct AttrChoice {
  std::string name;
  enum class Kind : uint8_t { Fixed, Narrow } kind = Kind::Fixed;
  int64_t value = 0;  // Fixed
};

std::unique_ptr<OpModel> buildOpModel(Translator& t, Op op, const rules::ShapeRule& rule,
                                      std::span<const rules::Recipe> recipes,
                                      const RankChoice& ranks, int64_t maxDim,
                                      std::span<const AttrChoice> attrChoices = {});

}  // namespace verigrad::smt
