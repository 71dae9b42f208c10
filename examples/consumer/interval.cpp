// Consumer example at the interval scalar: a small softmax classifier head compiled at double and
// at verigrad::Interval (256-bit MPFI). The interval gradient is a rigorous enclosure of the true
// gradient; the example prints the double gradient beside the enclosure's width and fails unless
// every enclosure is narrow.
#include <iostream>
#include <vector>

#include "verigrad/interval_engine.hpp"
#include "verigrad/verigrad.hpp"

using namespace verigrad;

int main() {
  // loss = -logSoftmax(tanh(x) * w)[1], x, w : [3]
  GraphBuilder b({Shape{3}, Shape{3}});
  Var z = b.mul(b.tanh(b.arg(0)), b.arg(1));
  b.scale(b.gatherScalar(b.logSoftmax(z), 1), ExactLiteral(-1));
  Result<Graph> g = b.finish();
  if (!g.ok()) {
    std::cerr << g.error().message << "\n";
    return 1;
  }
  const double xs[3] = {0.5, -1.0, 2.0}, ws[3] = {1.0, 2.0, -0.5};

  std::vector<Tensor<double>> din{Tensor<double>::make(Shape{3}, {xs[0], xs[1], xs[2]}).value(),
                                  Tensor<double>::make(Shape{3}, {ws[0], ws[1], ws[2]}).value()};
  Result<Compiled<double>> cd = compile<double>(*g, din);
  Result<Context<double>> gd = cd->backwardDenseAllFromOutput();

  std::vector<Tensor<Interval>> iin;
  for (const double* v : {xs, ws}) {
    Tensor<Interval> t(Shape{3});
    for (int k = 0; k < 3; ++k) t[k] = Interval::fromDouble(v[k]).value();  // exact points
    iin.push_back(std::move(t));
  }
  Result<Compiled<Interval>> ci = compile<Interval>(*g, iin);
  if (!cd.ok() || !gd.ok() || !ci.ok()) {
    std::cerr << "compile or backward failed\n";
    return 1;
  }
  Result<Context<Interval>> gi = ci->backwardDenseAllFromOutput();
  if (!gi.ok()) {
    std::cerr << gi.error().message << "\n";
    return 1;
  }
  int status = 0;
  for (int k = 0; k < 3; ++k) {
    const Interval& enclosure = (*gi)[0][k];
    const double approx = (*gd)[0][k];
    const bool narrow = isNarrow(enclosure, Rational::fromRatio(1, 1LL << 60).value());
    std::cout << "d loss / dx[" << k << "]: double " << approx << ", interval width "
              << enclosure.width().value().toDouble().value() << (narrow ? " (narrow)" : " (WIDE)")
              << "\n";
    if (!narrow) status = 1;
  }
  return status;
}
