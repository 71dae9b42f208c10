// Example: a 2-layer MLP with mseLoss over exact rationals. Compiles the graph, runs
// backwardDenseAllFromOutput and prints every value and gradient as an exact fraction.
#include <cstdio>
#include <iostream>

#include "mlp_exact.hpp"

using namespace verigrad;

static void printTensor(const char* label, const TensorView<Rational>& v) {
  std::cout << "  " << label << " " << v.shape.str() << " = [";
  for (int64_t i = 0; i < v.numel(); ++i) std::cout << (i ? ", " : "") << v[i].str();
  std::cout << "]\n";
}

int main() {
  Result<Graph> graph = examples::buildMlpGraph();
  if (!graph.ok()) {
    std::cerr << "error: " << graph.error().message << "\n";
    return 1;
  }
  auto inputs = examples::mlpInputs();
  Result<Compiled<Rational>> compiled = compile<Rational>(graph.value(), inputs);
  if (!compiled.ok()) {
    std::cerr << "error: " << compiled.error().message << "\n";
    return 1;
  }
  Result<Context<Rational>> grads = compiled->backwardDenseAllFromOutput();
  if (!grads.ok()) {
    std::cerr << "error: " << grads.error().message << "\n";
    return 1;
  }
  std::cout << "values (Γ ++ ss):\n";
  for (size_t id = 0; id < compiled->values().size(); ++id) {
    printTensor(examples::kMlpValueNames[id], compiled->values()[id]);
  }
  std::cout << "gradients of loss (backwardDenseAllFromOutput):\n";
  for (size_t id = 0; id < grads->size(); ++id) {
    printTensor(examples::kMlpValueNames[id], (*grads)[id]);
  }
  return 0;
}
