// The Z3 shape theorems of properties/smt (issue 5) as the `shape-theorems` row of
// `verigrad check`: every theorem is run; the row passes when every one is proved. Without Z3 in
// the build the row is simply absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace verigrad::cli {

inline constexpr std::string_view kShapeTheoremsId = "shape-theorems";
inline constexpr std::string_view kShapeTheoremsScope = "Z3, symbolic dims";

struct TheoremLine {
  std::string name;    // "vjp-shape", "numel-bound", ...
  std::string op;      // the op it is about, "-" for global theorems
  std::string status;  // "proved", "FAILED", "unknown", "error"
  double seconds = 0;  // solver time
  std::string detail;  // counterexample or reason, when not proved
};

struct TheoremRun {
  std::vector<TheoremLine> lines;
  int proved = 0;
  double seconds = 0;
  bool passed() const { return proved == static_cast<int>(lines.size()); }
};

// Whether this build has the Z3 theorems (verigrad::smt was found).
bool shapeTheoremsAvailable();
TheoremRun runShapeTheorems();

}  // namespace verigrad::cli
