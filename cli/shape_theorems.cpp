// Runs the Z3 shape theorems for `verigrad check` (see shape_theorems.hpp).
#include "shape_theorems.hpp"

#ifdef VERIGRAD_HAVE_SHAPE_THEOREMS
#include "verigrad/smt/theorems.hpp"
#endif

namespace verigrad::cli {

#ifdef VERIGRAD_HAVE_SHAPE_THEOREMS

bool shapeTheoremsAvailable() { return true; }

TheoremRun runShapeTheorems() {
  TheoremRun run;
  for (const smt::TheoremResult& r : smt::runTheorems(smt::Options{})) {
    TheoremLine line;
    line.name = r.theorem.name;
    line.op = r.theorem.op ? std::string(opName(*r.theorem.op)) : "-";
    line.status = r.proved() ? "proved" : smt::statusName(r.status);
    line.seconds = r.seconds;
    line.detail = r.proved() ? "" : (r.counterexample.empty() ? r.detail : r.counterexample);
    run.proved += r.proved() ? 1 : 0;
    run.seconds += r.seconds;
    run.lines.push_back(std::move(line));
  }
  return run;
}

#else

bool shapeTheoremsAvailable() { return false; }
TheoremRun runShapeTheorems() { return {}; }

#endif

}  // namespace verigrad::cli
