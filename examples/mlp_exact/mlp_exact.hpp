// The exact MLP example's graph and inputs, shared by the example program and its test.
#pragma once

#include <vector>

#include "verigrad/exact.hpp"
#include "verigrad/graph_builder.hpp"

namespace verigrad::examples {

// Γ = [W1 [3,2], b1 [3], W2 [1,3], b2 [1], x [2], t [1]];
// pre = linear(W1, b1, x); h = relu(pre); y = linear(W2, b2, h); loss = mseLoss(y, t).
Result<Graph> buildMlpGraph();
std::vector<Tensor<Rational>> mlpInputs();
inline constexpr const char* kMlpValueNames[] = {"W1", "b1",  "W2", "b2", "x",
                                                 "t",  "pre", "h",  "y",  "loss"};

}  // namespace verigrad::examples
