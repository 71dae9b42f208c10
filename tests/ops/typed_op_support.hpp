// The typed op-test harness: one TYPED_TEST runs at the exact rational, then at double and float
// with values written as exact text, checked exactly (or correctly rounded) through both sweeps.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace verigrad::testing {

// ---- one case runs at the exact rational, then at double and float with inputs chosen so that
// every value is a small dyadic rational, hence exact there too.

using Scalars = ::testing::Types<Rational, double, float>;
struct ScalarName {
  template <class T>
  static std::string GetName(int) {
    return std::string(ScalarTraits<T>::name);
  }
};

// q as a T, correctly rounded (q itself for Rational); an error if it overflows T.
template <class T>
Result<T> ToScalar(const Rational& q) {
  if constexpr (std::is_same_v<T, Rational>) {
    return q;
  } else if constexpr (std::is_same_v<T, double>) {
    return q.toDouble();
  } else {
    return q.toFloat();
  }
}

// T nearest to the exact text (correctly rounded; the rational itself for Rational).
template <class T>
T Rounded(std::string_view text) {
  return Unwrap(ToScalar<T>(Q(text)));
}

// T equal to the exact text. Over float and double the text must be representable, so an exact
// comparison can never pass by rounding both sides the same way.
template <class T>
T Num(std::string_view text) {
  const T x = Rounded<T>(text);
  if constexpr (!std::is_same_v<T, Rational>) {
    EXPECT_EQ(Rational::fromDouble(static_cast<double>(x)), Q(text))
        << text << " is not exact in " << ScalarTraits<T>::name;
  }
  return x;
}

template <class T>
Tensor<T> Ten(const Shape& shape, std::initializer_list<const char*> values) {
  std::vector<T> data;
  for (const char* v : values) data.push_back(Num<T>(v));
  return Unwrap(Tensor<T>::make(shape, std::move(data)));
}

template <class T>
std::vector<T> Nums(std::initializer_list<const char*> values) {
  std::vector<T> out;
  for (const char* v : values) out.push_back(Num<T>(v));
  return out;
}

// Exact, element for element, no tolerance.
template <class T>
void ExpectExact(const TensorView<T>& got, std::initializer_list<const char*> want) {
  EXPECT_EQ(Vals(got), Nums<T>(want));
}

// For values that are not dyadic: exact over Rational; over float/double within 4 ulps of the
// correctly rounded value (EXPECT_DOUBLE_EQ / EXPECT_FLOAT_EQ), because each intermediate op
// rounds once and a chain of them need not land on the correctly rounded result.
template <class T>
void ExpectRounded(const TensorView<T>& got, std::initializer_list<const char*> want) {
  ASSERT_EQ(static_cast<size_t>(got.numel()), want.size());
  size_t i = 0;
  for (const char* w : want) {
    if constexpr (std::is_same_v<T, Rational>) {
      EXPECT_EQ(got[i], Q(w)) << "element " << i;
    } else if constexpr (std::is_same_v<T, double>) {
      EXPECT_DOUBLE_EQ(got[i], Rounded<double>(w)) << "element " << i;
    } else {
      EXPECT_FLOAT_EQ(got[i], Rounded<float>(w)) << "element " << i;
    }
    ++i;
  }
}

template <class T>
Compiled<T> CompileOk(const Graph& g, const std::vector<Tensor<T>>& inputs) {
  return Unwrap(compile<T>(g, inputs));
}

// A seed for every value of g, for backwardDenseFrom: `seed` at value `out`, ones at every input
// (an input that is `out` too gets ones), zeros elsewhere.
template <class T>
std::vector<Tensor<T>> SeedsWithOnesAtInputs(const Graph& g, size_t out, const Tensor<T>& seed) {
  std::vector<Tensor<T>> seeds;
  for (size_t id = 0; id < g.numValues(); ++id) {
    Tensor<T> s(g.shapeOf(static_cast<ValueId>(id)));
    if (id == out) s = seed;
    if (id < g.numInputs()) {
      for (int64_t e = 0; e < s.numel(); ++e) s[e] = T(1);
    }
    seeds.push_back(std::move(s));
  }
  return seeds;
}

// Checks each input's gradient for `seed` at value `out` through both sweeps:
//  - backwardDenseAll(out, seed): a reached slot stores its first contribution (Accum::Assign);
//  - backwardDenseFrom with `seed` at out and ones at every input: the contributions are added
//    to an existing value (Accum::Add), so each input must then hold 1 + the same gradient.
template <class T>
void ExpectInputGrads(const Compiled<T>& c, ValueId out, const Tensor<T>& seed,
                      std::initializer_list<std::initializer_list<const char*>> want) {
  const Graph& g = c.graph();
  ASSERT_EQ(want.size(), g.numInputs());
  {
    SCOPED_TRACE("backwardDenseAll");
    Context<T> grads = Unwrap(c.tape().backwardDenseAll(out, seed));
    EXPECT_EQ(Vals(grads[out]), Vals(seed.view()));
    size_t i = 0;
    for (const auto& w : want) ExpectExact(grads[i++], w);
  }
  {
    SCOPED_TRACE("backwardDenseFrom, inputs pre-seeded with 1");
    const std::vector<Tensor<T>> seeds = SeedsWithOnesAtInputs(g, out, seed);
    Context<T> grads = Unwrap(c.tape().backwardDenseFrom(seeds));
    size_t i = 0;
    for (const auto& w : want) {
      std::vector<T> plusOne = Nums<T>(w);
      for (T& x : plusOne) x = x + T(1);
      EXPECT_EQ(Vals(grads[i]), plusOne) << "input " << i;
      ++i;
    }
  }
}

// A graph with inputs `shapes` and one binary or unary node built by `op`.
template <class Build>
Graph OneNode(std::vector<Shape> shapes, Build&& op, Var* out) {
  GraphBuilder b(std::move(shapes));
  *out = op(b);
  return Unwrap(b.finish());
}

}  // namespace verigrad::testing
