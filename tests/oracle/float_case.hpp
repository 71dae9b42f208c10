// Shared by the oracle's float tests: deterministic non-dyadic values (so float results really
// round), seed contexts for every value, and one helper that runs a graph at float or double and
// puts it through the local float check forward and through both gradient sweeps.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/oracle/float_local.hpp"

namespace verigrad::testing {

// splitmix64: a fixed, reproducible stream (no dependence on a library's RNG).
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A value in about [-2, 2]: a multiple of 1/151, 1/153 or 1/157 rounded to double, so never a
// short dyadic: products and sums of such values really round.
inline double Pseudo(uint64_t salt, uint64_t k) {
  static const double kDenominators[] = {151.0, 153.0, 157.0};
  const uint64_t h = Mix(salt * 1000003ULL + k);
  const double num = static_cast<double>(static_cast<int64_t>((h >> 8) % 601) - 300);
  return num / kDenominators[h % 3];
}

template <class F>
Tensor<F> PseudoTensor(const Shape& shape, uint64_t salt) {
  Tensor<F> t(shape);
  for (int64_t k = 0; k < t.numel(); ++k) {
    t[k] = static_cast<F>(Pseudo(salt, static_cast<uint64_t>(k)));
  }
  return t;
}

template <class F>
Tensor<F> FromDoubles(const Shape& shape, const std::vector<double>& xs) {
  std::vector<F> data;
  for (double x : xs) data.push_back(static_cast<F>(x));
  return Unwrap(Tensor<F>::make(shape, std::move(data)));
}

// A seed for every value of the graph (the typed entry point's layout).
template <class F>
std::vector<Tensor<F>> PseudoSeeds(const Graph& g, uint64_t salt) {
  std::vector<Tensor<F>> seeds;
  for (size_t id = 0; id < g.numValues(); ++id) {
    seeds.push_back(PseudoTensor<F>(g.shapeOf(static_cast<ValueId>(id)), salt + 17 * id));
  }
  return seeds;
}

// A hand-built graph: Γ, the nodes (the returned Var is the node under test), and optional
// explicit inputs (kinks and ties need them); inputs left empty are generated.
struct FloatCase {
  std::string name;
  std::vector<Shape> gamma;
  std::function<Var(GraphBuilder&, const std::vector<Var>&)> build;
  std::vector<std::vector<double>> inputs = {};
};

struct BuiltCase {
  Graph graph;
  ValueId underTest = 0;
};

// The case's nodes, then a scalar tail sum(square(t)) (square(t) when t is already a scalar), so
// that backwardDenseAllFromOutput runs through the node under test.
inline BuiltCase Build(const FloatCase& c) {
  GraphBuilder b(c.gamma);
  const Var t = c.build(b, b.args());
  if (t.valid()) {
    const Var sq = b.square(t);
    if (!t.shape.isScalar()) b.sum(sq);
  }
  return BuiltCase{Unwrap(b.finish()), t.id};
}

template <class F>
std::vector<Tensor<F>> CaseInputs(const FloatCase& c) {
  std::vector<Tensor<F>> in;
  for (size_t i = 0; i < c.gamma.size(); ++i) {
    const bool given = i < c.inputs.size() && !c.inputs[i].empty();
    in.push_back(given ? FromDoubles<F>(c.gamma[i], c.inputs[i])
                       : PseudoTensor<F>(c.gamma[i], 101 + 7 * i));
  }
  return in;
}

inline std::string Describe(const oracle::FloatCheckResult& r, const Graph& g) {
  return r.mismatch ? oracle::formatMismatch("float-local", *r.mismatch, g, /*withDot=*/false)
                    : std::string("ok");
}

// Forward check, backwardDenseFrom with pseudo-random seeds for every value,
// backwardDenseAllFromOutput, and backwardDenseAll at the node under test.
template <class F>
void ExpectLocalFloatChecksPass(const FloatCase& c) {
  const BuiltCase built = Build(c);
  const Graph& g = built.graph;
  const std::vector<Tensor<F>> inputs = CaseInputs<F>(c);
  const Compiled<F> run = Unwrap(compile<F>(g, inputs));

  const oracle::FloatCheckResult fwd = oracle::checkFloatForward<F>(g, run.values());
  EXPECT_TRUE(fwd.ok()) << Describe(fwd, g);
  EXPECT_GT(fwd.checked, 0u);
  EXPECT_EQ(fwd.skippedNonFinite, 0u);

  const std::vector<Tensor<F>> seeds = PseudoSeeds<F>(g, 5);
  const Context<F> from = Unwrap(run.tape().backwardDenseFrom(seeds));
  const oracle::FloatCheckResult rFrom =
      oracle::checkFloatGradientsFrom<F>(g, run.values(), std::span<const Tensor<F>>(seeds), from);
  EXPECT_TRUE(rFrom.ok()) << "backwardDenseFrom: " << Describe(rFrom, g);
  EXPECT_EQ(rFrom.checked, g.totalElements());

  const Context<F> all = Unwrap(run.backwardDenseAllFromOutput());
  const oracle::FloatCheckResult rAll =
      oracle::checkFloatGradientsAll<F>(g, run.values(), outId(g), Tensor<F>::scalar(F(1)), all);
  EXPECT_TRUE(rAll.ok()) << "backwardDenseAllFromOutput: " << Describe(rAll, g);
  EXPECT_EQ(rAll.checked, g.totalElements());

  const Tensor<F> mid = PseudoTensor<F>(g.shapeOf(built.underTest), 77);
  const Context<F> atNode = Unwrap(run.tape().backwardDenseAll(built.underTest, mid));
  const oracle::FloatCheckResult rMid =
      oracle::checkFloatGradientsAll<F>(g, run.values(), built.underTest, mid, atNode);
  EXPECT_TRUE(rMid.ok()) << "backwardDenseAll(%" << built.underTest << "): " << Describe(rMid, g);
  EXPECT_EQ(rMid.checked, g.totalElements());
}

}  // namespace verigrad::testing
