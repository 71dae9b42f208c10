// W2 at verigrad: the MLP training step (batch 64, 784-512-512-10, float32), its data, and the
// graph: matmul + broadcastTo + add + relu per layer, logSoftmax, and cross-entropy composed as
// scale(sum(mul(logSoftmax(z), onehot)), -1/64).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "must.hpp"
#include "verigrad/verigrad.hpp"
#include "workloads.hpp"

namespace vgbench {
namespace {

using verigrad::ExactLiteral;
using verigrad::Graph;
using verigrad::GraphBuilder;
using verigrad::Shape;
using verigrad::Tensor;
using verigrad::Var;

// A fixed linear congruential stream, so every system sees the same data on every run.
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : s_(seed) {}
  // Uniform in [-1, 1).
  float next() {
    s_ = s_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<double>(s_ >> 11) * 0x1.0p-52 - 1.0);
  }

 private:
  uint64_t s_;
};

std::vector<float> uniform(Lcg& rng, size_t n, float scale) {
  std::vector<float> v(n);
  for (float& x : v) x = scale * rng.next();
  return v;
}

Graph buildMlp(const std::vector<int>& labels) {
  GraphBuilder b({Shape{kBatch, kIn}, Shape{kIn, kHidden}, Shape{kHidden}, Shape{kHidden, kHidden},
                  Shape{kHidden}, Shape{kHidden, kClasses}, Shape{kClasses}});
  auto layer = [&](Var in, size_t w, size_t bias, int64_t width) {
    return b.add(b.matmul(in, b.arg(w)), b.broadcastTo(b.arg(bias), Shape{kBatch, width}));
  };
  const Var h1 = b.relu(layer(b.arg(0), 1, 2, kHidden));
  const Var h2 = b.relu(layer(h1, 3, 4, kHidden));
  const Var z = layer(h2, 5, 6, kClasses);
  std::vector<ExactLiteral> onehot(static_cast<size_t>(kBatch * kClasses), ExactLiteral(0));
  for (int i = 0; i < kBatch; ++i) onehot[static_cast<size_t>(i * kClasses + labels[i])] = 1;
  const Var picked = b.mul(b.logSoftmax(z), b.constant(Shape{kBatch, kClasses}, onehot));
  b.scale(b.sum(picked), must(ExactLiteral::fromRatio(-1, kBatch), "-1/64"));
  return must(b.finish(), "MLP graph");
}

}  // namespace

MlpData mlpData() {
  Lcg rng(20240808);
  MlpData d;
  d.x = uniform(rng, size_t{kBatch} * kIn, 1.0f);
  // Uniform(±1/sqrt(fan_in)), PyTorch's nn.Linear default.
  d.w1 = uniform(rng, size_t{kIn} * kHidden, 1.0f / std::sqrt(float{kIn}));
  d.b1 = uniform(rng, kHidden, 1.0f / std::sqrt(float{kIn}));
  d.w2 = uniform(rng, size_t{kHidden} * kHidden, 1.0f / std::sqrt(float{kHidden}));
  d.b2 = uniform(rng, kHidden, 1.0f / std::sqrt(float{kHidden}));
  d.w3 = uniform(rng, size_t{kHidden} * kClasses, 1.0f / std::sqrt(float{kHidden}));
  d.b3 = uniform(rng, kClasses, 1.0f / std::sqrt(float{kHidden}));
  for (int i = 0; i < kBatch; ++i) d.labels.push_back((i * 7 + 3) % kClasses);
  return d;
}

struct VerigradMlp::Impl {
  explicit Impl(const MlpData& d) : graph(buildMlp(d.labels)) {
    auto t = [](const Shape& s, const std::vector<float>& v) {
      return must(Tensor<float>::make(s, v), "MLP input");
    };
    inputs = {t(Shape{kBatch, kIn}, d.x), t(Shape{kIn, kHidden}, d.w1),
              t(Shape{kHidden}, d.b1),    t(Shape{kHidden, kHidden}, d.w2),
              t(Shape{kHidden}, d.b2),    t(Shape{kHidden, kClasses}, d.w3),
              t(Shape{kClasses}, d.b3)};
  }
  // The inputs the last adopting compile holds, back here (no copy: the compiled step is the
  // only owner of its state).
  void takeInputsBack() {
    if (!compiled) return;
    if (compiled->values().adoptsInputs()) inputs = std::move(*compiled).releaseInputs();
    compiled.reset();
  }
  Graph graph;
  std::vector<Tensor<float>> inputs;
  std::optional<verigrad::Compiled<float>> compiled;
  std::optional<verigrad::Context<float>> grads;
  std::optional<verigrad::Plan<float>> plan;
};

VerigradMlp::VerigradMlp(const MlpData& d) : impl_(new Impl(d)) {}
VerigradMlp::~VerigradMlp() { delete impl_; }

void VerigradMlp::forward() {
  impl_->grads.reset();
  impl_->takeInputsBack();
  impl_->compiled.emplace(
      must(verigrad::compile<float>(impl_->graph, std::move(impl_->inputs)), "compile"));
}

void VerigradMlp::copyingStep() {
  impl_->grads.reset();
  impl_->takeInputsBack();
  impl_->compiled.emplace(must(verigrad::compile<float>(impl_->graph, impl_->inputs), "compile"));
  backward();
}

void VerigradMlp::backward() {
  impl_->grads.reset();
  impl_->grads.emplace(must(impl_->compiled->backwardDenseAllFromOutput(), "backward"));
}

void VerigradMlp::step() {
  forward();
  backward();
}

void VerigradMlp::planStep() {
  if (!impl_->plan) {
    impl_->takeInputsBack();
    // The inputs (batch and weights) live in the plan, as a training loop keeps them: an
    // optimizer updates them in place through input(i) and no step copies them.
    impl_->plan.emplace(must(verigrad::Plan<float>::make(impl_->graph), "plan"));
    for (size_t i = 0; i < impl_->inputs.size(); ++i) {
      const std::span<float> slot = must(impl_->plan->input(i), "plan input");
      std::copy(impl_->inputs[i].span().begin(), impl_->inputs[i].span().end(), slot.begin());
    }
  }
  must(impl_->plan->forward(), "plan forward");
  must(impl_->plan->backwardDenseAllFromOutput(), "plan backward");
}

MlpResult VerigradMlp::planResult() const {
  MlpResult r;
  r.loss = impl_->plan->values()[verigrad::outId(impl_->graph)][0];
  std::vector<float>* dst[] = {&r.dx, &r.dw1, &r.db1, &r.dw2, &r.db2, &r.dw3, &r.db3};
  for (size_t i = 0; i < 7; ++i) {
    const auto v = impl_->plan->gradients()[i];
    dst[i]->assign(v.data, v.data + v.numel());
  }
  return r;
}

MlpResult VerigradMlp::result() const {
  MlpResult r;
  r.loss = impl_->compiled->values()[verigrad::outId(impl_->graph)][0];
  std::vector<float>* dst[] = {&r.dx, &r.dw1, &r.db1, &r.dw2, &r.db2, &r.dw3, &r.db3};
  for (size_t i = 0; i < 7; ++i) {
    const auto v = (*impl_->grads)[i];
    dst[i]->assign(v.data, v.data + v.numel());
  }
  return r;
}

}  // namespace vgbench
