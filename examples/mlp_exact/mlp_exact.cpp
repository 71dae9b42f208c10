// Builds the 2-layer MLP of the exact example with GraphBuilder and gives its exact inputs.
#include "mlp_exact.hpp"

namespace verigrad::examples {

Result<Graph> buildMlpGraph() {
  GraphBuilder b({Shape{3, 2}, Shape{3}, Shape{1, 3}, Shape{1}, Shape{2}, Shape{1}});
  Var w1 = b.arg(0), b1 = b.arg(1), w2 = b.arg(2), b2 = b.arg(3), x = b.arg(4), t = b.arg(5);
  Var pre = b.linear(w1, b1, x);
  Var h = b.relu(pre);
  Var y = b.linear(w2, b2, h);
  b.mseLoss(y, t);
  return b.finish();
}

std::vector<Tensor<Rational>> mlpInputs() {
  auto q = [](int64_t p, int64_t d) { return Rational::fromRatio(p, d).value(); };
  auto t = [](Shape s, std::vector<Rational> v) {
    return Tensor<Rational>::make(s, std::move(v)).value();
  };
  return {
      t({3, 2}, {q(1, 2), q(-1, 1), q(1, 1), q(1, 3), q(-1, 4), q(1, 2)}),  // W1
      t({3}, {q(1, 4), q(0, 1), q(1, 2)}),                                  // b1
      t({1, 3}, {q(2, 1), q(-1, 2), q(1, 1)}),                              // W2
      t({1}, {q(1, 3)}),                                                    // b2
      t({2}, {q(1, 1), q(2, 1)}),                                           // x
      t({1}, {q(1, 4)}),                                                    // t
  };
}

}  // namespace verigrad::examples
