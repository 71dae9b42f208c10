// W1 (and W4) at verigrad: the scalar chain built, compiled and swept in one call, its normality
// check, and the W1(b) rerun through plan_adapter.hpp.
#include "chain.hpp"

#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "must.hpp"
#include "plan_adapter.hpp"
#include "verigrad/verigrad.hpp"
#include "workloads.hpp"

namespace vgbench {

using verigrad::Graph;
using verigrad::GraphBuilder;
using verigrad::Shape;
using verigrad::Tensor;
using verigrad::Var;

Graph buildChain(int64_t nodes, const Shape& shape, bool sumAtEnd) {
  GraphBuilder b({shape, shape, shape});
  b.reserve(static_cast<size_t>(nodes) + 1);  // the size is known: no pool regrowth
  Var x = b.arg(0);
  const Var a = b.arg(1), c = b.arg(2);
  for (int64_t i = 0; i < nodes; ++i) {
    switch (i % 3) {
      case 0:
        x = b.mul(x, a);
        break;
      case 1:
        x = b.add(x, c);
        break;
      default:
        x = b.tanh(x);
        break;
    }
  }
  if (sumAtEnd) b.sum(x);
  return must(b.finish(), "chain graph");
}

std::vector<Tensor<double>> chainInputs() {
  return {Tensor<double>::scalar(ChainConstants::x0), Tensor<double>::scalar(ChainConstants::a),
          Tensor<double>::scalar(ChainConstants::b())};
}

ChainResult verigradChain(int64_t nodes) {
  const std::vector<Tensor<double>> inputs = chainInputs();
  const Graph g = buildChain(nodes, Shape{}, false);
  const verigrad::Compiled<double> c = must(verigrad::compile<double>(g, inputs), "compile");
  const size_t out = verigrad::outId(g);
  const verigrad::Context<double> d =
      must(c.tape().backwardDenseAll(out, Tensor<double>::scalar(1.0)), "backwardDenseAll");
  return {c.values()[out][0], d[0][0], d[1][0], d[2][0]};
}

ChainPhases verigradChainPhases(int64_t nodes) {
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  const std::vector<Tensor<double>> inputs = chainInputs();
  ChainPhases p;
  auto t = Clock::now();
  {
    const Graph g = buildChain(nodes, Shape{}, false);
    p.build = since(t);
    t = Clock::now();
    const verigrad::Compiled<double> c = must(verigrad::compile<double>(g, inputs), "compile");
    p.compile = since(t);
    t = Clock::now();
    const verigrad::Context<double> d = must(
        c.tape().backwardDenseAll(verigrad::outId(g), Tensor<double>::scalar(1.0)), "backward");
    p.backward = since(t);
    t = Clock::now();
  }
  p.teardown = since(t);
  return p;
}

std::string verigradChainNormality(int64_t nodes) {
  const std::vector<Tensor<double>> inputs = chainInputs();
  const Graph g = buildChain(nodes, Shape{}, false);
  const verigrad::Compiled<double> c = must(verigrad::compile<double>(g, inputs), "compile");
  const verigrad::Context<double> d =
      must(c.tape().backwardDenseAll(verigrad::outId(g), Tensor<double>::scalar(1.0)), "backward");
  double minValue = DBL_MAX, minGrad = DBL_MAX, maxGrad = 0;
  for (double v : c.values().flat()) minValue = std::min(minValue, std::fabs(v));
  for (double v : d.flat()) {
    minGrad = std::min(minGrad, std::fabs(v));
    maxGrad = std::max(maxGrad, std::fabs(v));
  }
  std::ostringstream os;
  os << "min |value| = " << minValue << ", |gradient| in [" << minGrad << ", " << maxGrad << "]";
  const bool normal = minValue >= DBL_MIN && minGrad >= DBL_MIN && std::isfinite(maxGrad);
  return (normal ? "normal: " : "NOT NORMAL: ") + os.str();
}

// ---- W1(b)

struct ChainRerun::Impl {
  explicit Impl(int64_t nodes) : rerun(buildChain(nodes, Shape{}, false)) {}
  Rerun<double> rerun;
  std::vector<Tensor<double>> inputs = chainInputs();
};

ChainRerun::ChainRerun(int64_t nodes) : impl_(new Impl(nodes)) {}
ChainRerun::~ChainRerun() { delete impl_; }
const char* ChainRerun::label() { return kRerunLabel; }

ChainResult ChainRerun::run() {
  if (!impl_->rerun.run(impl_->inputs)) {
    std::fprintf(stderr, "verigrad_bench: W1(b) rerun failed\n");
    std::exit(2);
  }
  const Rerun<double>& r = impl_->rerun;
  return {r.value(r.outId())[0], r.gradient(0)[0], r.gradient(1)[0], r.gradient(2)[0]};
}

// ---- W3

SmallInputs smallInputs() {
  SmallInputs in;
  for (int64_t i = 0; i < kSmallWidth; ++i) {
    // Distinct starting points in [0.6, 0.975]; every element has the W1 fixed point 1/2.
    in.x0.push_back(static_cast<float>(0.6 + 0.025 * static_cast<double>(i)));
    in.a.push_back(static_cast<float>(ChainConstants::a));
    in.b.push_back(static_cast<float>(ChainConstants::b()));
  }
  return in;
}

SmallResult verigradSmall(int64_t nodes, const SmallInputs& in) {
  const Shape shape{kSmallWidth};
  std::vector<Tensor<float>> inputs{must(Tensor<float>::make(shape, in.x0), "x0"),
                                    must(Tensor<float>::make(shape, in.a), "a"),
                                    must(Tensor<float>::make(shape, in.b), "b")};
  const Graph g = buildChain(nodes, shape, true);
  const verigrad::Compiled<float> c = must(verigrad::compile<float>(g, inputs), "compile");
  const verigrad::Context<float> d = must(c.backwardDenseAllFromOutput(), "backward");
  SmallResult r;
  r.value = c.values()[verigrad::outId(g)][0];
  for (int i = 0; i < 3; ++i) {
    std::vector<float>& dst = i == 0 ? r.dx0 : i == 1 ? r.da : r.db;
    const auto v = d[static_cast<size_t>(i)];
    dst.assign(v.data, v.data + v.numel());
  }
  return r;
}

}  // namespace vgbench
