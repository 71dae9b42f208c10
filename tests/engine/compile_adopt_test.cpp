// compile(g, std::move(inputs)): Γ's slots are the caller's tensors, moved in, not copies; the
// results equal the copying compile's; errors hand the inputs back; releaseInputs() returns them.
// The property `compile-adopt` checks the same over generated graphs.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "verigrad/verigrad.hpp"

namespace verigrad {
namespace {

using testing::bitIdentical;
using testing::TQ;
using testing::Unwrap;

// x·W + b, relu, sum: a matmul (BLAS at float) reading both inputs, and a broadcast bias.
Graph layerGraph() {
  GraphBuilder b({Shape{2, 3}, Shape{3, 4}, Shape{4}});
  Var z = b.add(b.matmul(b.arg(0), b.arg(1)), b.broadcastTo(b.arg(2), Shape{2, 4}));
  b.sum(b.relu(z));
  return Unwrap(b.finish());
}

std::vector<Tensor<float>> layerInputs() {
  std::vector<Tensor<float>> in;
  float next = -1.25f;
  const Graph g = layerGraph();
  for (const Shape& s : g.inputs()) {
    Tensor<float> t(s);
    for (int64_t k = 0; k < t.numel(); ++k, next += 0.375f) t[k] = next;
    in.push_back(std::move(t));
  }
  return in;
}

std::vector<const float*> buffersOf(const std::vector<Tensor<float>>& ts) {
  std::vector<const float*> out;
  for (const Tensor<float>& t : ts) out.push_back(t.data());
  return out;
}

void expectSameTensors(const std::vector<Tensor<float>>& a, const std::vector<Tensor<float>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].shape(), b[i].shape()) << "input " << i;
    for (int64_t k = 0; k < a[i].numel(); ++k) EXPECT_EQ(a[i][k], b[i][k]) << i << "[" << k << "]";
  }
}

TEST(CompileAdopt, GammaSlotsAreTheMovedBuffersAndResultsEqualTheCopyingCompile) {
  const Graph g = layerGraph();
  const std::vector<Tensor<float>> original = layerInputs();
  std::vector<Tensor<float>> handed = original;
  const std::vector<const float*> buffers = buffersOf(handed);

  const Compiled<float> copied = Unwrap(compile<float>(g, original));
  const Compiled<float> adopted = Unwrap(compile<float>(g, std::move(handed)));
  EXPECT_TRUE(handed.empty());
  EXPECT_TRUE(adopted.values().adoptsInputs());
  EXPECT_FALSE(copied.values().adoptsInputs());
  for (size_t i = 0; i < buffers.size(); ++i) EXPECT_EQ(adopted.values()[i].data, buffers[i]);
  // The arena holds ss only: 2·4 (matmul) + 2·4 (broadcast) + 2·4 (add) + 2·4 (relu) + 1.
  EXPECT_EQ(adopted.values().arenaStart(), 6u + 12u + 4u);
  EXPECT_EQ(adopted.values().flat().size(), 33u);
  EXPECT_EQ(copied.values().flat().size(), 55u);

  EXPECT_TRUE(bitIdentical(adopted.values(), copied.values()));
  EXPECT_TRUE(bitIdentical(Unwrap(adopted.backwardDenseAllFromOutput()),
                           Unwrap(copied.backwardDenseAllFromOutput())));
  // The values context as a seed context: its Γ part comes from the adopted buffers.
  EXPECT_TRUE(bitIdentical(Unwrap(adopted.tape().backwardDenseFrom(adopted.values())),
                           Unwrap(copied.tape().backwardDenseFrom(copied.values()))));
}

TEST(CompileAdopt, ReleaseByTheLastOwnerReturnsTheSameBuffers) {
  const Graph g = layerGraph();
  std::vector<Tensor<float>> params = layerInputs();
  const std::vector<const float*> buffers = buffersOf(params);
  Compiled<float> c = Unwrap(compile<float>(g, std::move(params)));
  params = std::move(c).releaseInputs();
  EXPECT_EQ(buffersOf(params), buffers);
  expectSameTensors(params, layerInputs());
  EXPECT_TRUE(std::move(c).releaseInputs().empty());  // already released
}

TEST(CompileAdopt, ReleaseWhileATapeCopyLivesCopiesAndTheTapeKeepsWorking) {
  const Graph g = layerGraph();
  std::vector<Tensor<float>> params = layerInputs();
  const std::vector<const float*> buffers = buffersOf(params);
  Compiled<float> c = Unwrap(compile<float>(g, std::move(params)));
  const Context<float> expected = Unwrap(c.backwardDenseAllFromOutput());
  const Tape<float> tape = c.tape();  // shares the compiled state

  const std::vector<Tensor<float>> back = std::move(c).releaseInputs();
  expectSameTensors(back, layerInputs());
  for (size_t i = 0; i < back.size(); ++i) EXPECT_NE(back[i].data(), buffers[i]);
  // The tape still reads the adopted originals (ASan would see a use after free otherwise).
  EXPECT_TRUE(bitIdentical(
      Unwrap(tape.backwardDenseAll(g.numValues() - 1, Tensor<float>::scalar(1))), expected));
}

TEST(CompileAdopt, ReleaseFromACopyingCompileReturnsCopiesOfGamma) {
  const Graph g = layerGraph();
  const std::vector<Tensor<float>> in = layerInputs();
  Compiled<float> c = Unwrap(compile<float>(g, in));
  const std::vector<Tensor<float>> back = std::move(c).releaseInputs();
  expectSameTensors(back, in);
}

TEST(CompileAdopt, AWrongShapeOrCountLeavesTheInputsWithTheCaller) {
  const Graph g = layerGraph();
  std::vector<Tensor<float>> wrong = layerInputs();
  wrong[1] = Tensor<float>(Shape{4, 3});
  const std::vector<const float*> buffers = buffersOf(wrong);
  Result<Compiled<float>> r = compile<float>(g, std::move(wrong));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_EQ(r.error().message, "compile: input %1 has shape [4,3], expected [3,4]");
  EXPECT_EQ(buffersOf(wrong), buffers);

  std::vector<Tensor<float>> few = layerInputs();
  few.pop_back();
  r = compile<float>(g, std::move(few));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "compile: the graph has 3 inputs (|Γ|), got 2 tensors");
  EXPECT_EQ(few.size(), 2u);
}

TEST(CompileAdopt, AnEvaluationErrorHandsTheAdoptedInputsBack) {
  // inv(0) has no exact value: the error comes from evaluating, after the inputs were adopted.
  GraphBuilder b({Shape{2}});
  b.sum(b.inv(b.arg(0)));
  const Graph g = Unwrap(b.finish());
  std::vector<Tensor<Rational>> in{TQ({2}, {"1/3", "0"})};
  const Rational* buffer = in[0].data();
  const Result<Compiled<Rational>> copied = compile<Rational>(g, in);
  const Result<Compiled<Rational>> adopted = compile<Rational>(g, std::move(in));
  ASSERT_FALSE(copied.ok());
  ASSERT_FALSE(adopted.ok());
  EXPECT_EQ(adopted.error().code, copied.error().code);
  EXPECT_EQ(adopted.error().message, copied.error().message);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].data(), buffer);
  EXPECT_EQ(in[0][0], testing::Q("1/3"));
  EXPECT_EQ(in[0][1], testing::Q("0"));
}

TEST(CompileAdopt, GraphsWithoutInputsOrWithEmptyInputs) {
  GraphBuilder none({});
  const std::vector<ExactLiteral> payload{1, 2};
  none.sum(none.constant(Shape{2}, payload));
  const Compiled<double> c =
      Unwrap(compile<double>(Unwrap(none.finish()), std::vector<Tensor<double>>{}));
  EXPECT_FALSE(c.values().adoptsInputs());
  EXPECT_EQ(c.values()[1][0], 3.0);

  GraphBuilder empty({Shape{0, 3}});
  empty.sum(empty.arg(0));
  const Graph g = Unwrap(empty.finish());
  const Compiled<double> e = Unwrap(compile<double>(g, {Tensor<double>(Shape{0, 3})}));
  EXPECT_TRUE(e.values().adoptsInputs());
  EXPECT_EQ(e.values()[1][0], 0.0);
  const Context<double> grads = Unwrap(e.backwardDenseAllFromOutput());
  EXPECT_EQ(grads[1][0], 1.0);
}

}  // namespace
}  // namespace verigrad
