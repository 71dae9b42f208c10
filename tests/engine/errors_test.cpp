// Every error path of compile and the sweeps returns its documented message (and never crashes).
#include "test_support.hpp"

namespace verigrad {
namespace {

using testing::L;
using testing::TQ;
using testing::Unwrap;

void expectError(const Error& e, ErrorCode code, const std::string& fragment, int64_t node = -2) {
  EXPECT_EQ(e.code, code) << errorCodeName(e.code) << ": " << e.message;
  EXPECT_NE(e.message.find(fragment), std::string::npos)
      << "message: " << e.message << "\nexpected to contain: " << fragment;
  if (node != -2) {
    EXPECT_EQ(e.node, node) << e.message;
  }
}

template <class T>
void expectError(const Result<T>& r, ErrorCode code, const std::string& fragment,
                 int64_t node = -2) {
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << fragment;
  expectError(r.error(), code, fragment, node);
}

Graph squareSum() {  // Γ = [x [2]]; %1 = square(x); %2 = sum(%1)
  GraphBuilder b({Shape{2}});
  b.sum(b.square(b.arg(0)));
  return Unwrap(b.finish());
}

TEST(CompileErrors, WrongInputCount) {
  std::vector<Tensor<double>> none;
  expectError(compile<double>(squareSum(), none), ErrorCode::InvalidArgument,
              "compile: the graph has 1 inputs (|Γ|), got 0 tensors");
}

TEST(CompileErrors, WrongInputShape) {
  std::vector<Tensor<double>> in{Tensor<double>(Shape{3})};
  expectError(compile<double>(squareSum(), in), ErrorCode::ShapeMismatch,
              "compile: input %0 has shape [3], expected [2]", 0);
}

TEST(CompileErrors, DivisionByZeroOverRationalsNamesTheNode) {
  GraphBuilder b({Shape{2}, Shape{2}});
  b.div(b.arg(0), b.arg(1));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<Rational>> in{TQ({2}, {"1", "2"}), TQ({2}, {"3", "0"})};
  expectError(compile<Rational>(g, in), ErrorCode::DomainError,
              "'%2 = div(%0, %1)': division by zero at element [1]", 2);
}

TEST(CompileErrors, InvOfZeroOverRationalsNamesTheNode) {
  GraphBuilder b({Shape{2, 2}});
  b.inv(b.arg(0));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<Rational>> in{TQ({2, 2}, {"1", "2", "0", "4"})};
  expectError(compile<Rational>(g, in), ErrorCode::DomainError,
              "'%1 = inv(%0)': division by zero at element [1,0]", 1);
}

TEST(CompileErrors, LiteralOverflowingFloatIsAnError) {
  GraphBuilder b({Shape{2}});
  b.scale(b.arg(0), L("1e39"));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<float>> in{Tensor<float>(Shape{2})};
  expectError(compile<float>(g, in), ErrorCode::Overflow, "'%1 = scale(%0) {c = ", 1);
  // The same literal is fine for double.
  std::vector<Tensor<double>> inD{Tensor<double>(Shape{2})};
  EXPECT_TRUE(compile<double>(g, inD).ok());
}

TEST(SweepErrors, WrongGrads0Length) {
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {1.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(squareSum(), in));
  std::vector<Tensor<double>> seeds{Tensor<double>(Shape{2})};
  expectError(c.tape().backwardDenseFrom(seeds), ErrorCode::InvalidArgument,
              "autograd: initial dense gradient array has wrong length: expected 3, got 1");
}

TEST(SweepErrors, WrongGrads0Shape) {
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {1.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(squareSum(), in));
  std::vector<Tensor<double>> seeds{Tensor<double>(Shape{2}), Tensor<double>(Shape{3}),
                                    Tensor<double>::scalar(1.0)};
  expectError(c.tape().backwardDenseFrom(seeds), ErrorCode::ShapeMismatch,
              "autograd: gradient array has wrong shape for node %1: expected [2], got [3]", 1);
}

TEST(SweepErrors, InvalidOutputId) {
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {1.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(squareSum(), in));
  expectError(c.tape().backwardDenseAll(3, Tensor<double>::scalar(1.0)), ErrorCode::InvalidId,
              "autograd: invalid output id 3 (the tape has 3 nodes)");
  expectError(c.tape().backwardDenseAll(SIZE_MAX, Tensor<double>::scalar(1.0)),
              ErrorCode::InvalidId, "autograd: invalid output id");
}

TEST(SweepErrors, WrongSeedShape) {
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {1.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(squareSum(), in));
  expectError(c.tape().backwardDenseAll(1, Tensor<double>::scalar(1.0)), ErrorCode::ShapeMismatch,
              "autograd: seed gradient shape mismatch for output %1: expected [2], got []", 1);
}

TEST(SweepErrors, FromOutputNeedsAScalarOutput) {
  GraphBuilder b({Shape{2}});
  b.square(b.arg(0));
  Graph g = Unwrap(b.finish());
  std::vector<Tensor<double>> in{testing::TF<double>({2}, {1.0, 2.0})};
  Compiled<double> c = Unwrap(compile<double>(g, in));
  expectError(c.backwardDenseAllFromOutput(), ErrorCode::ShapeMismatch,
              "autograd: seed gradient shape mismatch for output %1");
}

TEST(TensorErrors, DataCountMustMatchShape) {
  expectError(Tensor<double>::make(Shape{2, 2}, {1.0, 2.0}), ErrorCode::ShapeMismatch,
              "tensor of shape [2,2] needs 4 elements, got 2");
}

}  // namespace
}  // namespace verigrad
