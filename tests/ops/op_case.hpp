// The op-family test harness: a hand-derived case (inputs, output, output seed, expected input
// gradients) checked exactly at any scalar through compile, both sweeps, and the kernel contract.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

// The kernel contract is engine-internal; the harness calls the family kernels directly to check
// what the sweeps cannot show (an Assign VJP must write every element of dst).
#include "../../engine/src/kernel_api.hpp"
#include "test_support.hpp"
#include "typed_op_support.hpp"  // ToScalar, SeedsWithOnesAtInputs

namespace verigrad::testing {

using Strings = std::vector<std::string>;

struct OpCase {
  std::vector<Shape> gamma;
  // Adds the nodes; the last node added is the output (the op under test).
  std::function<void(GraphBuilder&, const std::vector<Var>&)> build;
  std::vector<Strings> inputs;  // row-major values of each input
  Strings out;                  // expected output value
  Strings seed;                 // cotangent of the output
  std::vector<Strings> grads;   // expected gradient of each input
  // The output node's operands are the inputs 0 .. arity-1 in order: its VJP for operand k is
  // then exactly grads[k], and checkCase also calls the kernel directly (see checkKernelVjp).
  bool operandsAreInputs = true;
};

// q as a T, failing the test unless the conversion is exact (double and float cases use dyadic
// values only, so every expected result is exact and compared with ==).
template <class T>
T exactly(const Rational& q) {
  if constexpr (std::is_same_v<T, Rational>) {
    return q;
  } else {
    Result<T> r = ToScalar<T>(q);
    if (!r.ok() || Rational::fromDouble(static_cast<double>(r.value())) != q) {
      ADD_FAILURE() << q << " is not exact in " << ScalarTraits<T>::name;
      return T(0);
    }
    return r.value();
  }
}

// Each text value plus `offset`, as T.
template <class T>
std::vector<T> values(const Strings& text, const Rational& offset = Rational(0)) {
  std::vector<T> out;
  for (const std::string& s : text) out.push_back(exactly<T>(Q(s) + offset));
  return out;
}

template <class T>
void callVjp(const kernels::NodeArgs<T>& a, int operand, const T* g, T* dst, kernels::Accum mode) {
  switch (opInfo(a.node->op).family) {
    case OpFamily::Source:
      return kernels::vjpSource(a, operand, g, dst, mode);
    case OpFamily::Elementwise:
      return kernels::vjpElementwise(a, operand, g, dst, mode);
    case OpFamily::Reduction:
      return kernels::vjpReduction(a, operand, g, dst, mode);
    case OpFamily::Linalg:
      return kernels::vjpLinalg(a, operand, g, dst, mode);
    case OpFamily::Structural:
      return kernels::vjpStructural(a, operand, g, dst, mode);
    case OpFamily::Indexing:
      return kernels::vjpIndexing(a, operand, g, dst, mode);
    // Transcendental families: no kernels at the exact rational (compile refuses them there).
    case OpFamily::Activation:
      if constexpr (ScalarTraits<T>::transcendental) {
        return kernels::vjpActivation(a, operand, g, dst, mode);
      }
      return;
    case OpFamily::Normalization:
      if constexpr (ScalarTraits<T>::transcendental) {
        return kernels::vjpNormalization(a, operand, g, dst, mode);
      }
      return;
  }
}

template <class T>
Status callForward(const kernels::NodeArgs<T>& a, OpFamily family, T* out) {
  switch (family) {
    case OpFamily::Source:
      return kernels::forwardSource(a, out);
    case OpFamily::Elementwise:
      return kernels::forwardElementwise(a, out);
    case OpFamily::Reduction:
      return kernels::forwardReduction(a, out);
    case OpFamily::Linalg:
      return kernels::forwardLinalg(a, out);
    case OpFamily::Structural:
      return kernels::forwardStructural(a, out);
    case OpFamily::Indexing:
      return kernels::forwardIndexing(a, out);
    case OpFamily::Activation:
      if constexpr (ScalarTraits<T>::transcendental) return kernels::forwardActivation(a, out);
      return Error::make(ErrorCode::Internal, "no activation kernels at this scalar", a.id);
    case OpFamily::Normalization:
      if constexpr (ScalarTraits<T>::transcendental) return kernels::forwardNormalization(a, out);
      return Error::make(ErrorCode::Internal, "no normalization kernels at this scalar", a.id);
  }
  return okStatus();
}

// The kernel arguments of value `id` as the engine builds them (operands and output from the
// compiled value context).
template <class T>
kernels::NodeArgs<T> nodeArgsOf(const Compiled<T>& c, ValueId id) {
  const Graph& g = c.graph();
  const Node& n = g.producer(id);
  kernels::NodeArgs<T> a;
  a.graph = &g;
  a.id = id;
  a.node = &n;
  a.ints = g.ints(n);
  std::span<const ValueId> parents = g.parents(n);
  for (size_t k = 0; k < parents.size(); ++k) a.in[k] = c.values()[parents[k]];
  a.out = c.values()[id];
  return a;
}

// A node's literals converted to T the way compile does (ScalarTraits<T>::fromLiteral), for
// kernels called directly: nodeArgsOf leaves NodeArgs::lits empty, compile's copies being
// engine-internal.
template <class T>
std::vector<T> literalsOf(const Graph& g, const Node& n) {
  std::vector<T> lits;
  for (const ExactLiteral& l : g.literals(n))
    lits.push_back(Unwrap(ScalarTraits<T>::fromLiteral(l)));
  return lits;
}

// A stale slot value: NaN where the scalar has one, so an Assign that reads dst (0 * NaN, or a
// BLAS beta = 0 that multiplies) shows up, not just an Assign that skips elements.
template <class T>
T stale() {
  if constexpr (std::is_same_v<T, Rational>) {
    return T(77);
  } else {
    return std::numeric_limits<T>::quiet_NaN();
  }
}

// The VJP contract, called directly: Assign over a dst full of stale values must overwrite every
// element with the contribution; Add over a dst of ones must give 1 + contribution.
template <class T>
void checkKernelVjp(const Compiled<T>& c, const Tensor<T>& seed, const OpCase& oc) {
  const Graph& g = c.graph();
  const auto id = static_cast<ValueId>(g.numValues() - 1);
  const kernels::NodeArgs<T> a = nodeArgsOf(c, id);
  std::span<const ValueId> parents = g.parents(*a.node);
  for (size_t k = 0; k < parents.size(); ++k) {
    ASSERT_EQ(parents[k], k) << "the case's operands are not the inputs in order";
    const auto numel = static_cast<size_t>(g.shapeOf(parents[k]).numel());
    std::vector<T> dst(numel, stale<T>());
    callVjp(a, static_cast<int>(k), seed.data(), dst.data(), kernels::Accum::Assign);
    EXPECT_EQ(dst, values<T>(oc.grads[k])) << "kernel VJP, Accum::Assign, operand #" << k;
    std::vector<T> acc(numel, T(1));
    callVjp(a, static_cast<int>(k), seed.data(), acc.data(), kernels::Accum::Add);
    EXPECT_EQ(acc, values<T>(oc.grads[k], Rational(1))) << "kernel VJP, Accum::Add, operand #" << k;
  }
}

// Builds and compiles the case at scalar T, then checks the forward value, backwardDenseAll (each
// input's first contribution is stored: Accum::Assign), backwardDenseFrom with every input seeded
// with 1 (each input slot becomes 1 + contribution: Accum::Add), and the kernel contract.
template <class T>
void checkCase(const OpCase& oc) {
  SCOPED_TRACE("scalar " + std::string(ScalarTraits<T>::name));
  GraphBuilder b(oc.gamma);
  oc.build(b, b.args());
  Result<Graph> built = b.finish();
  ASSERT_TRUE(built.ok()) << built.error().message;
  const Graph& g = built.value();
  ASSERT_EQ(oc.inputs.size(), g.numInputs());
  ASSERT_EQ(oc.grads.size(), g.numInputs());
  ASSERT_GT(g.numNodes(), 0u);
  const size_t out = g.numValues() - 1;

  std::vector<Tensor<T>> inputs;
  for (size_t i = 0; i < g.numInputs(); ++i) {
    inputs.push_back(Unwrap(Tensor<T>::make(g.inputs()[i], values<T>(oc.inputs[i]))));
  }
  Compiled<T> c = Unwrap(compile<T>(g, inputs));
  EXPECT_EQ(Vals(c.values()[out]), values<T>(oc.out)) << "forward value";
  const Tensor<T> seed =
      Unwrap(Tensor<T>::make(g.shapeOf(static_cast<ValueId>(out)), values<T>(oc.seed)));

  Context<T> all = Unwrap(c.tape().backwardDenseAll(out, seed));
  for (size_t i = 0; i < g.numInputs(); ++i) {
    EXPECT_EQ(Vals(all[i]), values<T>(oc.grads[i])) << "backwardDenseAll, input " << i;
  }

  // out is a node, never an input, so it gets `seed`.
  const std::vector<Tensor<T>> seeds = SeedsWithOnesAtInputs(g, out, seed);
  Context<T> from = Unwrap(c.tape().backwardDenseFrom(seeds));
  for (size_t i = 0; i < g.numInputs(); ++i) {
    EXPECT_EQ(Vals(from[i]), values<T>(oc.grads[i], Rational(1)))
        << "backwardDenseFrom with seed 1 on the inputs, input " << i;
  }

  if (oc.operandsAreInputs) checkKernelVjp(c, seed, oc);
}

// Runs a case at the exact scalar and, when its values are dyadic, at double and float.
inline void checkAllScalars(const OpCase& oc) {
  checkCase<Rational>(oc);
  checkCase<double>(oc);
  checkCase<float>(oc);
}

// The first error a graph-building function produces (fails the test if it builds).
inline Error buildError(const std::vector<Shape>& gamma,
                        const std::function<void(GraphBuilder&, const std::vector<Var>&)>& f) {
  GraphBuilder b(gamma);
  f(b, b.args());
  Result<Graph> r = b.finish();
  EXPECT_FALSE(r.ok()) << "the graph built, but an error was expected";
  return r.ok() ? Error{} : r.error();
}

// A family's forward kernel, handed a node of another family, must refuse with an Internal error.
template <class T>
Status forwardOfFamilyOnForeignNode(OpFamily family) {
  // %1 = add(%0, %0) belongs to Elementwise; Source is the foreign family for it then.
  GraphBuilder b({Shape{2}});
  Var x = b.arg(0);
  b.add(x, x);
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<T>> inputs{Tensor<T>(Shape{2})};
  Compiled<T> c = Unwrap(compile<T>(g, inputs));
  std::vector<T> out(2);
  return callForward(nodeArgsOf(c, 1), family, out.data());
}

// The forward kernel of `family`, handed a node of another family at scalar T, refuses it with an
// Internal error.
template <class T>
void expectForwardRefusesForeignNode(OpFamily family) {
  Status s = forwardOfFamilyOnForeignNode<T>(family);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::Internal);
}

}  // namespace verigrad::testing
