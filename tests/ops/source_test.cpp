// Tests of the Source family (engine/ops/source.inl): const yields its payload, detach is the
// identity and carries no gradient edge.
#include <initializer_list>
#include <vector>

#include "typed_op_support.hpp"

namespace verigrad {
namespace {

using namespace testing;  // test_support.hpp and the typed harness (typed_op_support.hpp)

template <class T>
class SourceOps : public ::testing::Test {};
TYPED_TEST_SUITE(SourceOps, Scalars, ScalarName);

std::vector<ExactLiteral> Lits(std::initializer_list<const char*> texts) {
  std::vector<ExactLiteral> out;
  for (const char* t : texts) out.push_back(L(t));
  return out;
}

// ExpectInputGrads for the single input, then the gradient backwardDenseAll stores at `sink`: a
// value the sweep reaches that passes nothing on (a const, or a detach).
template <class T>
void ExpectInputAndSinkGrads(const Compiled<T>& c, ValueId out, const Tensor<T>& seed,
                             std::initializer_list<const char*> inputGrad, ValueId sink,
                             std::initializer_list<const char*> sinkGrad) {
  ExpectInputGrads(c, out, seed, {inputGrad});
  Context<T> grads = Unwrap(c.tape().backwardDenseAll(out, seed));
  ExpectExact(grads[sink], sinkGrad);
}

// The graph of the detach cases, z = detach(x) ⊙ x, compiled at x = [3, −1/2].
template <class T>
struct DetachTimesX {
  Var d;
  Var z;
  Compiled<T> c;
};

template <class T>
DetachTimesX<T> CompileDetachTimesX() {
  GraphBuilder b({Shape{2}});
  Var d = b.detach(b.arg(0));
  Var z = b.mul(d, b.arg(0));
  Graph g = Unwrap(b.finish());
  return {d, z, CompileOk<T>(g, {Ten<T>({2}, {"3", "-1/2"})})};
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
  ExpectInputAndSinkGrads(c, z.id, Ten<T>({2}, {"2", "4"}), {"6", "-1"}, k.id, {"1", "8"});
}

// ---- detach: identity forward, no gradient edge. z = detach(x) ⊙ x with x = [3, −1/2]:
// z = [9, 1/4]; with δ = [1, 2] x ← δ⊙detach(x) = [3, −1] only (without the stop it would be
// 2x·δ = [6, −2]); detach's own slot stores δ⊙x = [3, −1] and passes nothing on.
TYPED_TEST(SourceOps, DetachIsIdentityAndStopsTheGradient) {
  using T = TypeParam;
  const auto [d, z, c] = CompileDetachTimesX<T>();
  ExpectExact(c.values()[d.id], {"3", "-1/2"});
  ExpectExact(c.values()[z.id], {"9", "1/4"});
  ExpectInputAndSinkGrads(c, z.id, Ten<T>({2}, {"1", "2"}), {"3", "-1"}, d.id, {"3", "-1"});
}

// A seed placed on detach itself reaches nothing: backwardDenseAll from detach leaves x at 0, and
// in backwardDenseFrom (seed [5, 7] on detach, 0 elsewhere) x only gets mul's contribution for
// its zero cotangent, 0.
TYPED_TEST(SourceOps, DetachSeededDirectlyPassesNothing) {
  using T = TypeParam;
  const auto [d, z, c] = CompileDetachTimesX<T>();
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
