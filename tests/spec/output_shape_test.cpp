// The spec's own output-shape formulas agree with the shapes the builder declares, on a graph that
// uses every op of the catalogue (so a new op without a spec formula fails here).
#include <set>

#include "spec_test_support.hpp"

namespace verigrad::spec {
namespace {

using namespace testing;

TEST(SpecOutputShape, EqualsTheDeclaredShapeForEveryOp) {
  Graph g = EveryOpGraph();
  for (ValueId id = 0; id < g.numValues(); ++id) {
    Result<Shape> shape = specOutputShape(g, id);
    ASSERT_TRUE(shape.ok()) << shape.error().message;
    EXPECT_EQ(shape.value(), g.shapeOf(id)) << g.nodeText(id) << ": spec " << shape.value().str()
                                            << ", declared " << g.shapeOf(id).str();
  }
}

TEST(SpecOutputShape, TheGraphCoversEveryOpOfTheCatalogue) {
  Graph g = EveryOpGraph();
  std::set<Op> used;
  for (const Node& n : g.nodes()) used.insert(n.op);
  for (Op op : allOps()) EXPECT_TRUE(used.count(op)) << opName(op) << " is not exercised";
  EXPECT_EQ(allOps().size(), 49u);
}

// The rational ops at the rational scalar; the transcendental ones are evaluated at the interval
// scalar in interval_forward_test.cpp.
TEST(SpecOutputShape, EveryRationalOpEvaluatesAndDifferentiatesOnTheSameGraph) {
  Graph g = EveryRationalOpGraph();
  std::vector<V> inputs;
  for (const Shape& s : g.inputs()) {
    V x = zeros<Rational>(s);
    for (size_t k = 0; k < x.data.size(); ++k) x.data[k] = Rational(static_cast<int64_t>(k) + 1);
    inputs.push_back(x);
  }
  std::vector<V> values = Ok(evaluate(g, inputs));
  ASSERT_EQ(values.size(), g.numValues());
  for (ValueId id = 0; id < g.numValues(); ++id) EXPECT_EQ(values[id].shape, g.shapeOf(id));
  std::vector<V> seeds;
  for (ValueId id = 0; id < g.numValues(); ++id) seeds.push_back(zeros<Rational>(g.shapeOf(id)));
  std::vector<V> grads = Ok(denseGradient(g, inputs, seeds));
  for (ValueId id = 0; id < g.numValues(); ++id) {
    EXPECT_EQ(grads[id], zeros<Rational>(g.shapeOf(id))) << "zero seeds give zero gradients";
  }
}

TEST(SpecOutputShape, InputsHaveTheirDeclaredShapes) {
  GraphBuilder b({Shape{4, 1}, Shape{}});
  Graph g = Finish(b);
  EXPECT_EQ(Ok(specOutputShape(g, 0)), (Shape{4, 1}));
  EXPECT_EQ(Ok(specOutputShape(g, 1)), Shape{});
}

TEST(SpecOutputShape, AnIdOutOfRangeIsAnInvalidIdError) {
  GraphBuilder b({Shape{2}});
  b.relu(b.arg(0));
  Graph g = Finish(b);
  Result<Shape> r = specOutputShape(g, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidId);
}

}  // namespace
}  // namespace verigrad::spec
