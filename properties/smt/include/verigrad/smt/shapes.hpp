// Graph-level shape checking with symbolic dims (`verigrad shapes FILE`). The file is the graph
// text format (graph_text.hpp) extended with symbols: input dims, declared shapes and int
// attributes are expressions of the rule language over names introduced by the input lines,
//   input %0 : [B, 784]
//   %2 = matmul(%0, %1) : [B, 128]
//   %3 = reshape(%2) : [B * 2, 64]
//   %4 = sliceRange0(%3) {start = 0, len = B} : [B, 64]
// A node line's declared shape may be omitted (`%2 = relu(%1)`) except for reshape, broadcastTo
// and const, where it is the target. `value` and `seed` lines are accepted and ignored. Every
// symbol ranges over [minDim, maxDim] (or its own --range). Z3 decides whether the graph is
// well-shaped for every assignment (the negation is unsat), for some (a model), or for none (an
// unsat core over one assumption literal per node names the nodes in conflict).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verigrad/op.hpp"
#include "verigrad/result.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad::smt {

struct SymbolicGraph {
  using DimPtr = std::shared_ptr<const rules::DimExpr>;
  struct Input {
    std::string text;  // the line as written (without the comment)
    size_t line = 0;
    std::vector<DimPtr> dims;
  };
  struct Node {
    std::string text;
    size_t line = 0;
    Op op{};
    std::vector<uint32_t> parents;
    std::vector<DimPtr> ints;                  // one expression per `int` attribute
    std::optional<std::vector<int64_t>> list;  // an `ints` attribute
    size_t numLiterals = 0;
    std::optional<std::vector<DimPtr>> declared;
  };
  std::shared_ptr<const std::vector<std::string>> symbols;  // in order of first appearance
  std::vector<AttrSpec> symbolAttrs;  // the symbols as `int` attributes (views into symbols)
  std::vector<Input> inputs;
  std::vector<Node> nodes;
};

Result<SymbolicGraph> parseSymbolicGraph(std::string_view text);

struct SymbolRange {
  std::string name;
  int64_t lo = 0, hi = 0;
};

struct ShapesOptions {
  int64_t minDim = 1;  // default range of every symbol: a batch is >= 1
  int64_t maxDim = int64_t{1} << 15;
  std::vector<SymbolRange> ranges;  // per-symbol overrides
  unsigned timeoutMs = 30000;       // per solver query
  bool minimizeCore = true;         // shrink the unsat core until every literal is needed
};

enum class ShapesVerdict : uint8_t {
  WellShapedForAll,   // proved: the negation is unsat within the bounds
  WellShapedForSome,  // a model exists, and a counterexample assignment too
  IllShaped,          // no assignment within the bounds: `conflict` names the nodes
  Unknown,            // Z3 answered unknown
  Error,              // bad options, or a Z3 exception
};

struct ShapesReport {
  ShapesVerdict verdict = ShapesVerdict::Error;
  std::vector<std::pair<std::string, int64_t>> model;           // a well-shaped assignment
  std::vector<std::pair<std::string, int64_t>> counterexample;  // an ill-shaped one (ForSome)
  std::vector<std::string> failing;   // ForSome: what fails under the counterexample
  std::vector<std::string> conflict;  // IllShaped: the lines in the (minimal) unsat core
  std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> bounds;  // symbol ranges
  std::string message;                                                      // Error/Unknown: why
  double seconds = 0;
  int queries = 0;
};

ShapesReport checkShapes(const SymbolicGraph& graph, const ShapesOptions& options);
// A readable multi-line report (what `verigrad shapes` prints).
std::string formatShapesReport(const ShapesReport& report);

}  // namespace verigrad::smt
