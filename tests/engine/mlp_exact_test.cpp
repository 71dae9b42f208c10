// The exact MLP example's values and gradients equal values derived by hand.
#include "mlp_exact.hpp"

#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::Strs;
using testing::Unwrap;
using Strings = std::vector<std::string>;

// By hand, x = [1, 2]:
//   pre = W1 x + b1 = [1/2 - 2 + 1/4, 1 + 2/3 + 0, -1/4 + 1 + 1/2] = [-5/4, 5/3, 5/4]
//   h = relu(pre) = [0, 5/3, 5/4]
//   y = W2 h + b2 = 0 - 5/6 + 5/4 + 1/3 = 3/4;  loss = (3/4 - 1/4)^2 / 1 = 1/4
// Reverse, seed 1 at loss:
//   dy = (y - t) * 2/N = 1;  dt = -1;  dW2 = dy h^T = [0, 5/3, 5/4];  db2 = [1]
//   dh = W2^T dy = [2, -1/2, 1];  relu'(pre) = [0, 1, 1] -> dpre = [0, -1/2, 1]
//   dW1 = dpre x^T = [[0, 0], [-1/2, -1], [1, 2]];  db1 = dpre
//   dx = W1^T dpre = [0 - 1/2 - 1/4, 0 - 1/6 + 1/2] = [-3/4, 1/3]
TEST(MlpExactExample, ValuesAndGradientsEqualHandDerivation) {
  Graph g = Unwrap(examples::buildMlpGraph());
  auto inputs = examples::mlpInputs();
  Compiled<Rational> c = Unwrap(compile<Rational>(g, inputs));
  EXPECT_EQ(Strs(c.values()[6]), (Strings{"-5/4", "5/3", "5/4"}));
  EXPECT_EQ(Strs(c.values()[7]), (Strings{"0", "5/3", "5/4"}));
  EXPECT_EQ(Strs(c.values()[8]), (Strings{"3/4"}));
  EXPECT_EQ(Strs(c.values()[9]), (Strings{"1/4"}));

  Context<Rational> d = Unwrap(c.backwardDenseAllFromOutput());
  ASSERT_EQ(d.size(), 10u);
  EXPECT_EQ(Strs(d[0]), (Strings{"0", "0", "-1/2", "-1", "1", "2"}));  // W1
  EXPECT_EQ(Strs(d[1]), (Strings{"0", "-1/2", "1"}));                  // b1
  EXPECT_EQ(Strs(d[2]), (Strings{"0", "5/3", "5/4"}));                 // W2
  EXPECT_EQ(Strs(d[3]), (Strings{"1"}));                               // b2
  EXPECT_EQ(Strs(d[4]), (Strings{"-3/4", "1/3"}));                     // x
  EXPECT_EQ(Strs(d[5]), (Strings{"-1"}));                              // t
  EXPECT_EQ(Strs(d[6]), (Strings{"0", "-1/2", "1"}));                  // pre
  EXPECT_EQ(Strs(d[7]), (Strings{"2", "-1/2", "1"}));                  // h
  EXPECT_EQ(Strs(d[8]), (Strings{"1"}));                               // y
  EXPECT_EQ(Strs(d[9]), (Strings{"1"}));                               // loss (the seed)
}

}  // namespace
}  // namespace verigrad
