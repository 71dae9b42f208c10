// Consumer example: builds a small MLP with the builder, compiles it at double and at the exact
// scalar, runs both sweeps and prints the parameter gradients.
#include <cstdio>
#include <iostream>
#include <vector>

#include "verigrad/exact.hpp"
#include "verigrad/verigrad.hpp"

using namespace verigrad;

namespace {

// Γ = [W1 [3,2], b1 [3], W2 [1,3], b2 [1], x [2], t [1]]; loss = mse(W2 relu(W1 x + b1) + b2, t).
Result<Graph> buildMlp() {
  GraphBuilder b({Shape{3, 2}, Shape{3}, Shape{1, 3}, Shape{1}, Shape{2}, Shape{1}});
  Var h = b.relu(b.linear(b.arg(0), b.arg(1), b.arg(4)));
  b.mseLoss(b.linear(b.arg(2), b.arg(3), h), b.arg(5));
  return b.finish();
}

template <class T>
std::vector<Tensor<T>> inputs(T (*num)(int64_t, int64_t)) {
  auto t = [&](Shape s, std::vector<std::pair<int64_t, int64_t>> v) {
    std::vector<T> data;
    for (auto [p, q] : v) data.push_back(num(p, q));
    return Tensor<T>::make(s, std::move(data)).value();
  };
  return {t({3, 2}, {{1, 2}, {-1, 1}, {1, 1}, {1, 3}, {-1, 4}, {1, 2}}),
          t({3}, {{1, 4}, {0, 1}, {1, 2}}),
          t({1, 3}, {{2, 1}, {-1, 2}, {1, 1}}),
          t({1}, {{1, 3}}),
          t({2}, {{1, 1}, {2, 1}}),
          t({1}, {{1, 4}})};
}

double toDouble(int64_t p, int64_t q) { return static_cast<double>(p) / static_cast<double>(q); }
Rational toRational(int64_t p, int64_t q) { return Rational::fromRatio(p, q).value(); }

template <class T>
int run(const Graph& g, const std::vector<Tensor<T>>& in, const char* scalar) {
  Result<Compiled<T>> c = compile<T>(g, in);
  if (!c.ok()) {
    std::cerr << "compile: " << c.error().message << "\n";
    return 1;
  }
  Result<Context<T>> all = c->backwardDenseAllFromOutput();
  if (!all.ok()) {
    std::cerr << "backward: " << all.error().message << "\n";
    return 1;
  }
  // backwardDenseFrom with the one-hot seed gives the same gradients (exactly, over Rational).
  std::vector<Tensor<T>> seeds;
  for (size_t id = 0; id < g.numValues(); ++id) seeds.emplace_back(g.shapeOf(ValueId(id)));
  seeds.back() = Tensor<T>::scalar(T(1));
  Result<Context<T>> from = c->tape().backwardDenseFrom(seeds);
  if (!from.ok() || !checkFinite(*all, "gradient").ok()) {
    std::cerr << "backwardDenseFrom or finiteness failed\n";
    return 1;
  }
  const size_t params[] = {0, 1, 2, 3};
  auto grads = gradientsOf(*all, std::span<const size_t>(params));
  std::cout << scalar << ": loss = " << c->values()[g.numValues() - 1][0] << "\n";
  const char* names[] = {"dW1", "db1", "dW2", "db2"};
  for (size_t i = 0; i < grads->size(); ++i) {
    std::cout << "  " << names[i] << " =";
    for (int64_t e = 0; e < (*grads)[i].numel(); ++e) std::cout << " " << (*grads)[i][e];
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

int main() {
  Result<Graph> g = buildMlp();
  if (!g.ok()) {
    std::cerr << "build: " << g.error().message << "\n";
    return 1;
  }
  int status = run<double>(*g, inputs<double>(toDouble), "double");
  status |= run<Rational>(*g, inputs<Rational>(toRational), "exact");
  return status;
}
