// W1's hand-coded adjoint: what a programmer writes for this chain with no AD tool. The forward
// loop stores each op's input (the tape a hand adjoint needs), the reverse loop walks it back.
#include <cmath>
#include <vector>

#include "workloads.hpp"

namespace vgbench {

ChainResult handChain(int64_t nodes) {
  const double a = ChainConstants::a, b = ChainConstants::b();
  std::vector<double> in(static_cast<size_t>(nodes));
  double x = ChainConstants::x0;
  int op = 0;
  for (int64_t i = 0; i < nodes; ++i) {
    in[static_cast<size_t>(i)] = x;
    if (op == 0) {
      x = x * a;
    } else if (op == 1) {
      x = x + b;
    } else {
      x = std::tanh(x);
    }
    op = op == 2 ? 0 : op + 1;
  }
  ChainResult r;
  r.value = x;
  double g = 1, ga = 0, gb = 0;
  double out = x;  // the output of node i, walking back
  for (int64_t i = nodes; i-- > 0;) {
    const double xin = in[static_cast<size_t>(i)];
    switch (i % 3) {
      case 0:
        ga += g * xin;
        g *= a;
        break;
      case 1:
        gb += g;
        break;
      default:
        g *= 1 - out * out;
        break;
    }
    out = xin;
  }
  r.dx0 = g;
  r.da = ga;
  r.db = gb;
  return r;
}

}  // namespace vgbench
