// Tests of the Source family (engine/ops/source.inl): const yields its payload, detach is the
// identity and carries no gradient edge.
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::L;
using testing::Q;
using testing::Unwrap;
using testing::Vals;

// ---- harness: one case runs at the exact rational, then at double and float with inputs chosen
// so that every value is a small dyadic rational, hence exact there too.

using Scalars = ::testing::Types<Rational, double, float>;
struct ScalarName {
  template <class T>
  static std::string GetName(int) {
    return std::string(ScalarTraits<T>::name);
  }
};

// T nearest to the exact text (correctly rounded; the rational itself for Rational).
template <class T>
T Rounded(std::string_view text) {
  if constexpr (std::is_same_v<T, Rational>) {
    return Q(text);
  } else if constexpr (std::is_same_v<T, double>) {
    return Unwrap(Q(text).toDouble());
  } else {
    return Unwrap(Q(text).toFloat());
  }
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
    std::vector<Tensor<T>> seeds;
    for (size_t id = 0; id < g.numValues(); ++id) {
      Tensor<T> s(g.shapeOf(static_cast<ValueId>(id)));
      if (id == out) s = seed;
      if (id < g.numInputs()) {
        for (int64_t e = 0; e < s.numel(); ++e) s[e] = T(1);
      }
      seeds.push_back(std::move(s));
    }
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

template <class T>
class SourceOps : public ::testing::Test {};
TYPED_TEST_SUITE(SourceOps, Scalars, ScalarName);

std::vector<ExactLiteral> Lits(std::initializer_list<const char*> texts) {
  std::vector<ExactLiteral> out;
  for (const char* t : texts) out.push_back(L(t));
  return out;
}

// ---- const: the value is the payload in row-major order. As the output, its gradient slot is
// its seed; it has no parents to pass anything to.
TYPED_TEST(SourceOps, ConstIsItsPayload) {
  using T = TypeParam;
  GraphBuilder b({});
  const std::vector<ExactLiteral> payload = Lits({"1/2", "-3", "0", "7/4"});
  Var k = b.constant(Shape{2, 2}, payload);
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {});
  EXPECT_EQ(c.values()[k.id].shape, (Shape{2, 2}));
  ExpectExact(c.values()[k.id], {"1/2", "-3", "0", "7/4"});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(k.id, Ten<T>({2, 2}, {"1", "2", "3", "4"})));
  ExpectExact(grads[k.id], {"1", "2", "3", "4"});
}

// Scalar and empty payloads.
TYPED_TEST(SourceOps, ConstScalarAndEmpty) {
  using T = TypeParam;
  GraphBuilder b({});
  const std::vector<ExactLiteral> one = Lits({"-5/4"});
  Var s = b.constant(Shape{}, one);
  Var e = b.constant(Shape{3, 0}, {});
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {});
  EXPECT_EQ(c.values()[s.id].shape, Shape{});
  ExpectExact(c.values()[s.id], {"-5/4"});
  EXPECT_EQ(c.values()[e.id].shape, (Shape{3, 0}));
  EXPECT_EQ(c.values()[e.id].numel(), 0);
}

// A non-dyadic payload: exactly 1/3 over Rational. Over float/double the payload goes through
// one correctly rounded conversion and no arithmetic, so it must equal the correctly rounded 1/3
// exactly (an exact comparison against Rounded<T>, not a tolerance).
TYPED_TEST(SourceOps, ConstNonDyadicPayloadIsCorrectlyRounded) {
  using T = TypeParam;
  GraphBuilder b({});
  const std::vector<ExactLiteral> payload = Lits({"1/3", "-2/3"});
  Var k = b.constant(Shape{2}, payload);
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {});
  EXPECT_EQ(Vals(c.values()[k.id]), (std::vector<T>{Rounded<T>("1/3"), Rounded<T>("-2/3")}));
}

// A const operand: z = x ⊙ k with k = [3, −1/4], x = [1/2, 2]: z = [3/2, −1/2]; with δ = [2, 4]
// x ← δ⊙k = [6, −1]; k's slot is reached and stores δ⊙x = [1, 8], and goes no further.
TYPED_TEST(SourceOps, ConstOperandOfMul) {
  using T = TypeParam;
  GraphBuilder b({Shape{2}});
  const std::vector<ExactLiteral> payload = Lits({"3", "-1/4"});
  Var k = b.constant(Shape{2}, payload);
  Var z = b.mul(b.arg(0), k);
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"1/2", "2"})});
  ExpectExact(c.values()[z.id], {"3/2", "-1/2"});
  const Tensor<T> seed = Ten<T>({2}, {"2", "4"});
  ExpectInputGrads(c, z.id, seed, {{"6", "-1"}});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, seed));
  ExpectExact(grads[k.id], {"1", "8"});
}

// ---- detach: identity forward, no gradient edge. z = detach(x) ⊙ x with x = [3, −1/2]:
// z = [9, 1/4]; with δ = [1, 2] x ← δ⊙detach(x) = [3, −1] only (without the stop it would be
// 2x·δ = [6, −2]); detach's own slot stores δ⊙x = [3, −1] and passes nothing on.
TYPED_TEST(SourceOps, DetachIsIdentityAndStopsTheGradient) {
  using T = TypeParam;
  GraphBuilder b({Shape{2}});
  Var d = b.detach(b.arg(0));
  Var z = b.mul(d, b.arg(0));
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"3", "-1/2"})});
  ExpectExact(c.values()[d.id], {"3", "-1/2"});
  ExpectExact(c.values()[z.id], {"9", "1/4"});
  const Tensor<T> seed = Ten<T>({2}, {"1", "2"});
  ExpectInputGrads(c, z.id, seed, {{"3", "-1"}});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(z.id, seed));
  ExpectExact(grads[d.id], {"3", "-1"});
}

// A seed placed on detach itself reaches nothing: backwardDenseAll from detach leaves x at 0, and
// in backwardDenseFrom (seed [5, 7] on detach, 0 elsewhere) x only gets mul's contribution for
// its zero cotangent, 0.
TYPED_TEST(SourceOps, DetachSeededDirectlyPassesNothing) {
  using T = TypeParam;
  GraphBuilder b({Shape{2}});
  Var d = b.detach(b.arg(0));
  Var z = b.mul(d, b.arg(0));
  Graph g = Unwrap(b.finish());
  Compiled<T> c = CompileOk<T>(g, {Ten<T>({2}, {"3", "-1/2"})});

  Context<T> all = Unwrap(c.tape().backwardDenseAll(d.id, Ten<T>({2}, {"5", "7"})));
  ExpectExact(all[0], {"0", "0"});
  ExpectExact(all[d.id], {"5", "7"});
  ExpectExact(all[z.id], {"0", "0"});

  std::vector<Tensor<T>> seeds = {Tensor<T>(Shape{2}), Ten<T>({2}, {"5", "7"}),
                                  Tensor<T>(Shape{2})};
  Context<T> from = Unwrap(c.tape().backwardDenseFrom(seeds));
  ExpectExact(from[0], {"0", "0"});
  ExpectExact(from[d.id], {"5", "7"});
}

}  // namespace
}  // namespace verigrad
