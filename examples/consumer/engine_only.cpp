// Consumer check: the umbrella header with verigrad::engine only (float/double, no Boost/GMP).
#include <iostream>

#include "verigrad/verigrad.hpp"

int main() {
  using namespace verigrad;
  GraphBuilder b({Shape{2}});
  b.sum(b.square(b.arg(0)));
  Result<Graph> g = b.finish();
  std::vector<Tensor<float>> in{Tensor<float>::make(Shape{2}, {3.0f, -1.5f}).value()};
  Result<Compiled<float>> c = compile<float>(*g, in);
  Result<Context<float>> d = c->backwardDenseAllFromOutput();
  std::cout << "float: d sum(x^2)/dx = " << (*d)[0][0] << " " << (*d)[0][1] << "\n";
  return (*d)[0][0] == 6.0f && (*d)[0][1] == -3.0f ? 0 : 1;
}
