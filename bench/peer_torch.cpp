// The libtorch 1.13 side of W1, W2 and W3: the same graphs, recorded eagerly and differentiated
// with torch::autograd::grad (fresh gradients each call, no .grad accumulation to reset).
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <sstream>

#include "peers.hpp"

namespace vgbench::torchpeer {
namespace {

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);
const auto kF32 = torch::TensorOptions().dtype(torch::kFloat32);

torch::Tensor leaf(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, kF32).clone().requires_grad_(true);
}

std::vector<float> toVector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

void setIntraOpThreads(int n) { torch::set_num_threads(n); }
int intraOpThreads() { return torch::get_num_threads(); }
std::string version() { return TORCH_VERSION; }

// The lines of at::get_parallel_info() that say how libtorch runs: backend, MKL, oneDNN.
std::string parallelInfo() {
  std::istringstream in(at::get_parallel_info());
  std::string line, out;
  while (std::getline(in, line)) {
    line.erase(0, line.find_first_not_of(" \t"));
    const bool wanted = line.find("NUM_THREADS") == std::string::npos &&
                        (line.find("parallel backend") != std::string::npos ||
                         line.find("MKL") != std::string::npos || line.rfind("OpenMP", 0) == 0);
    if (!wanted) continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

ChainResult chain(int64_t nodes) {
  const torch::Tensor x0 = torch::tensor(ChainConstants::x0, kF64).requires_grad_(true);
  const torch::Tensor a = torch::tensor(ChainConstants::a, kF64).requires_grad_(true);
  const torch::Tensor b = torch::tensor(ChainConstants::b(), kF64).requires_grad_(true);
  torch::Tensor x = x0;
  for (int64_t i = 0; i < nodes; ++i) {
    switch (i % 3) {
      case 0:
        x = x * a;
        break;
      case 1:
        x = x + b;
        break;
      default:
        x = torch::tanh(x);
        break;
    }
  }
  const auto g = torch::autograd::grad({x}, {x0, a, b});
  return {x.item<double>(), g[0].item<double>(), g[1].item<double>(), g[2].item<double>()};
}

SmallResult small(int64_t nodes, const SmallInputs& in) {
  const torch::Tensor x0 = leaf(in.x0, {kSmallWidth});
  const torch::Tensor a = leaf(in.a, {kSmallWidth});
  const torch::Tensor b = leaf(in.b, {kSmallWidth});
  torch::Tensor x = x0;
  for (int64_t i = 0; i < nodes; ++i) {
    switch (i % 3) {
      case 0:
        x = x * a;
        break;
      case 1:
        x = x + b;
        break;
      default:
        x = torch::tanh(x);
        break;
    }
  }
  const torch::Tensor s = x.sum();
  const auto g = torch::autograd::grad({s}, {x0, a, b});
  return {s.item<double>(), toVector(g[0]), toVector(g[1]), toVector(g[2])};
}

struct Mlp::Impl {
  explicit Impl(const MlpData& d)
      : x(leaf(d.x, {kBatch, kIn})),
        w1(leaf(d.w1, {kIn, kHidden})),
        b1(leaf(d.b1, {kHidden})),
        w2(leaf(d.w2, {kHidden, kHidden})),
        b2(leaf(d.b2, {kHidden})),
        w3(leaf(d.w3, {kHidden, kClasses})),
        b3(leaf(d.b3, {kClasses})),
        onehot(torch::zeros({kBatch, kClasses}, kF32)) {
    for (int i = 0; i < kBatch; ++i) onehot[i][d.labels[static_cast<size_t>(i)]] = 1.0f;
  }
  // The verigrad graph op for op: matmul, broadcastTo (expand), add, relu; logSoftmax; the
  // composed cross-entropy.
  void forward() {
    const torch::Tensor h1 = torch::relu(torch::mm(x, w1) + b1.expand({kBatch, kHidden}));
    const torch::Tensor h2 = torch::relu(torch::mm(h1, w2) + b2.expand({kBatch, kHidden}));
    const torch::Tensor z = torch::mm(h2, w3) + b3.expand({kBatch, kClasses});
    loss = (torch::log_softmax(z, 1) * onehot).sum() * (-1.0 / kBatch);
  }
  void backward() { grads = torch::autograd::grad({loss}, {x, w1, b1, w2, b2, w3, b3}); }

  torch::Tensor x, w1, b1, w2, b2, w3, b3, onehot, loss;
  std::vector<torch::Tensor> grads;
};

Mlp::Mlp(const MlpData& d) : impl_(std::make_unique<Impl>(d)) {}
Mlp::~Mlp() = default;

void Mlp::step() {
  impl_->forward();
  impl_->backward();
}
void Mlp::forward() { impl_->forward(); }
void Mlp::backward() { impl_->backward(); }

MlpResult Mlp::result() const {
  MlpResult r;
  r.loss = impl_->loss.item<float>();
  std::vector<float>* dst[] = {&r.dx, &r.dw1, &r.db1, &r.dw2, &r.db2, &r.dw3, &r.db3};
  for (size_t i = 0; i < 7; ++i) *dst[i] = toVector(impl_->grads[i]);
  return r;
}

}  // namespace vgbench::torchpeer
