// The chain graph of W1, W3 and W4 (built by chain.cpp; scaling.cpp measures its memory).
#pragma once

#include <vector>

#include "verigrad/verigrad.hpp"

namespace vgbench {

// Γ = [x0, a, b], all of `shape`; node i is mul(x, a), add(x, b) or tanh(x) for i mod 3 = 0, 1, 2.
// With `sumAtEnd`, one more node sums the last value (W3's [16] tensors).
verigrad::Graph buildChain(int64_t nodes, const verigrad::Shape& shape, bool sumAtEnd);
// W1's inputs: x0, a, b as double scalars.
std::vector<verigrad::Tensor<double>> chainInputs();

}  // namespace vgbench
