// Shape rules as data: every op's row in ops.def (operand patterns, constraints, output dims) and
// its VJP shape recipes, parsed once into the AST below. Two readers interpret the same AST: the
// evaluator here (the builder's validation path and the engine's debug VJP-shape assertions) and
// the Z3 translation in properties/smt. One table, two readers.
//
// The row language
//   rule      := { operand } "->" shape [ "where" cond { "," cond } ]
//   operand   := NAME "[" [ dimpat { "," dimpat } ] "]"    dimpat := IDENT | "*" IDENT (one rest
//   pack) shape     := "[" [ item { "," item } ] "]" | "@shape" | "drop(" PACK "," expr ")"
//              | "swap(" PACK "," expr ")" | "setdim(" PACK "," expr "," expr ")"
//   item      := expr | "*" PACK
//   expr      := INT | IDENT (a bound dim or an int attribute) | PACK "[" expr "]" | "rank(" PACK
//   ")"
//              | "numel(" PACK | "@shape" ")" | "count(" ATTR ")" | expr ("+"|"-"|"*"|"/") expr
//              | "(" expr ")" | "if" cond "then" expr "else" expr        ("/" is floor division)
//   cond      := expr ("=="|"<="|"<") expr | "broadcastable(" shape "," shape ")" | "nonneg(" ATTR
//   ")"
// Recipes: `operand: call`, where call := "g" | OPERAND | OP "(" args ")" and args are calls
// followed by keyword arguments `attr=expr` or `shape=shape`. Internal shape-only rows (not ops):
// `sumToShape: x[*t] -> @shape where broadcastable(@shape, t)` (the reduction broadcastTo's VJP
// needs; it is not expressible with a fixed number of reduceSum rows).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/graph.hpp"
#include "verigrad/op.hpp"
#include "verigrad/result.hpp"
#include "verigrad/shape.hpp"

namespace verigrad::rules {

// ---- AST (read by properties/smt; treat as read-only)

struct DimExpr {
  enum class Kind : uint8_t {
    Const,    // value
    Dim,      // name: a dim variable bound by an operand pattern
    Attr,     // name: an int attribute of the node (or a keyword argument in a recipe)
    PackDim,  // name[index]: pack element
    Rank,     // rank(name)
    Numel,    // numel(name), or numel(@shape) when name == "@shape"
    Count,    // count(name): length of an `ints`/`lits` attribute
    Add,
    Sub,
    Mul,
    FloorDiv,   // lhs, rhs
    IfThenElse  // cond ? lhs : rhs
  };
  Kind kind = Kind::Const;
  int64_t value = 0;
  std::string name;
  std::shared_ptr<const DimExpr> lhs, rhs, index;
  std::shared_ptr<const struct Cond> cond;
};

struct ShapeExpr {
  enum class Kind : uint8_t {
    List,    // items: each a DimExpr or a pack splice
    Target,  // @shape
    Drop,    // drop(pack, arg0)
    Swap,    // swap(pack, arg0): swap axes arg0 and arg0+1
    SetDim,  // setdim(pack, arg0, arg1)
  };
  struct Item {
    bool isPack = false;
    std::string pack;                    // when isPack
    std::shared_ptr<const DimExpr> dim;  // otherwise
  };
  Kind kind = Kind::List;
  std::vector<Item> items;
  std::string pack;
  std::shared_ptr<const DimExpr> arg0, arg1;
};

struct Cond {
  enum class Kind : uint8_t { Eq, Le, Lt, Broadcastable, NonNeg };
  Kind kind = Kind::Eq;
  std::shared_ptr<const DimExpr> lhs, rhs;    // Eq, Le, Lt
  std::shared_ptr<const ShapeExpr> from, to;  // Broadcastable(from, to)
  std::string attr;                           // NonNeg
  std::string text;                           // source text, for messages
};

struct OperandPattern {
  std::string name;  // "a", "w", ...
  struct Dim {
    bool isPack = false;
    std::string name;
  };
  std::vector<Dim> dims;  // at most one pack
};

struct ShapeRule {
  std::string name;  // op name, or the helper row's name
  std::vector<OperandPattern> operands;
  ShapeExpr output;
  std::vector<Cond> constraints;
  std::string text;
};

// A recipe expression: g, an operand, or a call of a forward row with keyword arguments.
struct RecipeExpr {
  enum class Kind : uint8_t { Cotangent, Operand, Call };
  Kind kind = Kind::Cotangent;
  std::string name;  // operand name, or the called row's name
  std::vector<std::shared_ptr<const RecipeExpr>> args;
  std::vector<std::pair<std::string, std::shared_ptr<const DimExpr>>> intArgs;
  std::shared_ptr<const ShapeExpr> shapeArg;  // shape=...
};

struct Recipe {
  int operand;  // index into the op's operands
  std::shared_ptr<const RecipeExpr> expr;
  std::string text;
};

// Parsed rows, built once on first use (thread-safe static initialisation). A row that fails to
// parse is a bug in ops.def: a test parses every row.
const ShapeRule& shapeRule(Op op);
std::span<const Recipe> vjpRecipes(Op op);
const ShapeRule* helperRule(std::string_view name);  // e.g. "sumToShape"
// Parse errors of every row (empty when ops.def is well-formed).
std::vector<std::string> rowParseErrors();

// ---- evaluation

struct RuleArgs {
  std::span<const Shape> operands;
  std::span<const int64_t> ints;
  size_t numLiterals = 0;         // for count() of a `lits` attribute
  const Shape* target = nullptr;  // @shape (the declared shape), when the op takes one
};

// The output shape, or an error. Messages start with `nodeText` in quotes, name the operand by
// index and id label ("operand #1 (%3)"), and show both shapes, e.g.
//   '%4 = matmul(%2, %3)': operand #1 (%3) has shape [4,2], expected [3,*]
// Error kinds: a constraint on index/indices/start/len -> IndexOutOfRange; on axis/d ->
// InvalidArgument; everything else ShapeMismatch; numel beyond 2^62 -> Overflow.
Result<Shape> inferShape(Op op, const RuleArgs& args, std::string_view nodeText,
                         std::span<const ValueId> operandIds);

// True for rows of the form `a[*s] b[*s] ... -> [*s]` with no constraints (elementwise ops):
// inferShape then answers equal operand shapes without running the interpreter (the build fast
// path; a test checks both agree on every such op).
bool isSameShapeRule(const ShapeRule& rule);
// isSameShapeRule of every op's row, in enum order (hasSameShapeRule keeps one copy).
std::array<bool, kNumOps> sameShapeRuleTable();
// Inline: the builder asks on every node.
inline bool hasSameShapeRule(Op op) {
  static const std::array<bool, kNumOps> table = sameShapeRuleTable();
  return table[static_cast<size_t>(op)];
}

// The shape operand `operand`'s VJP recipe yields, for a node whose forward rule accepted `args`
// with output `out`. Operands without a recipe (no gradient edge) are an InvalidArgument error.
Result<Shape> vjpShape(Op op, int operand, const RuleArgs& args, const Shape& out);

}  // namespace verigrad::rules

// ---- for the Z3 reader and tests: canonical text, and rows/recipes that are not in ops.def
// (The parser also reads a bare pack name in shape position as [*pack]: broadcastTo's row and
// the sumToShape row write `broadcastable(s, @shape)`. The AST holds the List form.)

namespace verigrad::rules {

// Canonical text of an AST node, as messages print it ("n + m", "[len, *s]", "matmul(g, b)").
std::string exprText(const DimExpr& e);
std::string shapeText(const ShapeExpr& s);
std::string recipeText(const RecipeExpr& e);

// Parses a row whose int/list attributes are `attrs` (a Parse error names the column).
Result<ShapeRule> parseRule(std::string_view name, std::span<const AttrSpec> attrs,
                            std::string_view text);
// Parses recipe text for `op` in the scope of its ops.def row; calls name ops.def or helper rows.
Result<std::vector<Recipe>> parseRecipes(Op op, std::string_view text);
// inferShape for any parsed row (inferShape(op, ...) is this with op's row and attributes).
Result<Shape> inferShapeWith(const ShapeRule& rule, std::span<const AttrSpec> attrs,
                             const RuleArgs& args, std::string_view nodeText,
                             std::span<const ValueId> operandIds);
// vjpShape for a given recipe of `op` (vjpShape(op, k, ...) is this with op's recipe for k).
Result<Shape> evalRecipe(Op op, const Recipe& recipe, const RuleArgs& args, const Shape& out);

}  // namespace verigrad::rules
