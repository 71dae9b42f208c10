// GraphBuilder: ids and shapes, the validation path's messages, sticky errors, finish().
#include "test_support.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad {
namespace {

using testing::L;
using testing::Unwrap;

void expectError(const Error* e, ErrorCode code, const std::string& fragment) {
  ASSERT_NE(e, nullptr) << "expected an error containing: " << fragment;
  EXPECT_EQ(e->code, code) << errorCodeName(e->code) << ": " << e->message;
  EXPECT_NE(e->message.find(fragment), std::string::npos)
      << "message: " << e->message << "\nexpected to contain: " << fragment;
}

TEST(GraphBuilder, IdsFollowInputsThenCreationOrder) {
  GraphBuilder b({Shape{2, 3}, Shape{3, 4}});
  Var a = b.arg(0), w = b.arg(1);
  EXPECT_EQ(a.id, 0u);
  EXPECT_EQ(w.id, 1u);
  Var y = b.matmul(a, w);
  EXPECT_EQ(y.id, 2u);
  EXPECT_EQ(y.shape, (Shape{2, 4}));
  Var s = b.sum(y);
  EXPECT_EQ(s.id, 3u);
  EXPECT_EQ(s.shape, Shape{});
  Graph g = Unwrap(b.finish());
  EXPECT_EQ(g.numInputs(), 2u);
  EXPECT_EQ(g.numNodes(), 2u);
  EXPECT_EQ(g.numValues(), 4u);
  EXPECT_EQ(g.shapeOf(2), (Shape{2, 4}));
  EXPECT_EQ(g.nodeText(2), "%2 = matmul(%0, %1)");
  EXPECT_EQ(g.totalElements(), 6u + 12u + 8u + 1u);
}

TEST(GraphBuilder, NodeTextShowsAttributes) {
  GraphBuilder b({Shape{4, 2}});
  Var x = b.arg(0);
  b.sliceRange0(x, 1, 2);
  b.clamp(x, L("-1/2"), L("3"));
  const int64_t idx[] = {0, 3, 3};
  b.gatherRowsNat(x, idx);
  Graph g = Unwrap(b.finish());
  EXPECT_EQ(g.nodeText(1), "%1 = sliceRange0(%0) {start = 1, len = 2}");
  EXPECT_EQ(g.nodeText(2), "%2 = clamp(%0) {lo = -1/2, hi = 3}");
  EXPECT_EQ(g.nodeText(3), "%3 = gatherRowsNat(%0) {indices = [0, 3, 3]}");
  EXPECT_EQ(g.nodeText(0), "%0 (input 0)");
}

TEST(GraphBuilder, ArgChecksIndexAndShape) {
  GraphBuilder b({Shape{2}});
  b.arg(1, Shape{2});
  expectError(b.error(), ErrorCode::InvalidId, "input index out of bounds i=1 (|Γ|=1)");
  GraphBuilder c({Shape{2}});
  c.arg(0, Shape{3});
  expectError(c.error(), ErrorCode::ShapeMismatch,
              "input shape mismatch at i=0: expected [2], got [3]");
}

TEST(GraphBuilder, OperandShapeMismatchNamesNodeOperandAndShapes) {
  GraphBuilder b({Shape{2, 3}, Shape{4, 2}});
  b.matmul(b.arg(0), b.arg(1));
  expectError(b.error(), ErrorCode::ShapeMismatch, "'%2 = matmul(%0, %1)': operand #1 (%1)");
  expectError(b.error(), ErrorCode::ShapeMismatch, "[4,2]");
}

TEST(GraphBuilder, ForwardReferenceIsRejected) {
  GraphBuilder b({Shape{2}});
  const ValueId parents[] = {0, 1};
  Result<Var> r = b.addNode(Op::Add, parents, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidId);
  EXPECT_NE(r.error().message.find("'%1 = add(%0, %1)': operand #1 (%1) is not defined before %1"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().node, 1);
}

TEST(GraphBuilder, WrongArityAndAttributeCounts) {
  GraphBuilder b({Shape{2}});
  const ValueId one[] = {0};
  auto r = b.addNode(Op::Add, one, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("add takes 2 operand(s), got 1"), std::string::npos);
  GraphBuilder c({Shape{2}});
  auto s = c.addNode(Op::ReduceSum, one, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("reduceSum takes 1 int attribute(s), got 0"), std::string::npos);
}

TEST(GraphBuilder, DeclaredShapeMustMatchInferred) {
  GraphBuilder b({Shape{2}});
  const ValueId parents[] = {0, 0};
  auto r = b.addNode(Op::Add, parents, {}, {}, Shape{3});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ShapeMismatch);
  EXPECT_NE(r.error().message.find("declared shape [3] does not match the inferred shape [2]"),
            std::string::npos)
      << r.error().message;
}

TEST(GraphBuilder, ClampNeedsLoAtMostHi) {
  GraphBuilder b({Shape{2}});
  b.clamp(b.arg(0), L("1"), L("1/2"));
  expectError(b.error(), ErrorCode::InvalidArgument, "clamp needs lo <= hi, got lo = 1, hi = 1/2");
  GraphBuilder ok({Shape{2}});
  ok.clamp(ok.arg(0), L("1/2"), L("1/2"));  // lo == hi is allowed
  EXPECT_EQ(ok.error(), nullptr);
}

TEST(GraphBuilder, ConstPayloadMustMatchShape) {
  GraphBuilder b({});
  const ExactLiteral payload[] = {1, 2, 3};
  b.constant(Shape{2, 2}, payload);
  expectError(b.error(), ErrorCode::ShapeMismatch,
              "const of shape [2,2] needs 4 payload values, got 3");
}

TEST(GraphBuilder, ErrorsAreStickyAndFinishReportsTheFirst) {
  GraphBuilder b({Shape{2}, Shape{3}});
  Var x = b.arg(0), y = b.arg(1);
  Var bad = b.add(x, y);  // first error
  EXPECT_FALSE(bad.valid());
  Var later = b.relu(bad);  // no new error
  EXPECT_FALSE(later.valid());
  b.matmul(x, x);
  Result<Graph> g = b.finish();
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("'%2 = add(%0, %1)'"), std::string::npos) << g.error().message;
}

TEST(GraphBuilder, InvalidOrStaleVarIsAnError) {
  GraphBuilder b({Shape{2}});
  b.relu(Var{});
  expectError(b.error(), ErrorCode::InvalidId, "relu operand #0: invalid Var");
  GraphBuilder c({Shape{2}});
  c.relu(Var{0, Shape{3}});
  expectError(c.error(), ErrorCode::ShapeMismatch, "shape mismatch at id=0: expected [3], got [2]");
  GraphBuilder d({Shape{2}});
  d.relu(Var{5, Shape{2}});
  expectError(d.error(), ErrorCode::InvalidId, "invalid id=5 for ctxLen=1");
}

TEST(GraphBuilder, FinishLeavesAnEmptyBuilderAndGraphsShareTheirBody) {
  GraphBuilder b({Shape{2}});
  b.relu(b.arg(0));
  Graph g = Unwrap(b.finish());
  Graph copy = g;  // cheap: shares the immutable body
  EXPECT_EQ(&copy.node(0), &g.node(0));
  EXPECT_EQ(b.numValues(), 0u);
}

// ---- the transcendental ops (issue 6)

TEST(GraphBuilder, TranscendentalOpsKeepTheShapeAndPrintTheirAttributes) {
  GraphBuilder b({Shape{2, 3}, Shape{3}});
  Var x = b.arg(0), g = b.arg(1);
  EXPECT_EQ(b.sqrt(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.sigmoid(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.tanh(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.softplus(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.exp(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.log(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.safeLog(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.safeLog(x, L("1/4")).shape, (Shape{2, 3}));
  EXPECT_EQ(b.softmax(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.logSoftmax(x).shape, (Shape{2, 3}));
  EXPECT_EQ(b.layerNorm(x, g, g).shape, (Shape{2, 3}));  // gamma and beta may be one value
  EXPECT_EQ(b.layerNorm(x, g, g, L("1e-5")).shape, (Shape{2, 3}));
  Graph graph = Unwrap(b.finish());
  EXPECT_EQ(graph.nodeText(2), "%2 = sqrt(%0)");
  EXPECT_EQ(graph.nodeText(7), "%7 = log(%0)");
  // The default eps is TorchLean's Numbers.epsilon = 1e-6, stored exactly.
  EXPECT_EQ(GraphBuilder::defaultEpsilon(), L("1/1000000"));
  EXPECT_EQ(graph.nodeText(8), "%8 = safeLog(%0) {eps = 1/1000000}");
  EXPECT_EQ(graph.nodeText(9), "%9 = safeLog(%0) {eps = 1/4}");
  EXPECT_EQ(graph.nodeText(10), "%10 = softmax(%0)");
  EXPECT_EQ(graph.nodeText(11), "%11 = logSoftmax(%0)");
  EXPECT_EQ(graph.nodeText(12), "%12 = layerNorm(%0, %1, %1) {eps = 1/1000000}");
  EXPECT_EQ(graph.nodeText(13), "%13 = layerNorm(%0, %1, %1) {eps = 1/100000}");
}

TEST(GraphBuilder, SoftmaxFamilyAcceptsEveryRank) {
  for (const Shape& s : {Shape{}, Shape{4}, Shape{2, 0}, Shape{0, 3}, Shape{2, 3, 4}}) {
    GraphBuilder b({s});
    EXPECT_EQ(b.softmax(b.arg(0)).shape, s);
    EXPECT_EQ(b.logSoftmax(b.arg(0)).shape, s);
    EXPECT_EQ(b.error(), nullptr) << s.str() << ": " << b.error()->message;
  }
}

TEST(GraphBuilder, EpsMustBePositive) {
  {
    GraphBuilder b({Shape{2}});
    Var y = b.safeLog(b.arg(0), L("0"));
    EXPECT_FALSE(y.valid());
    expectError(b.error(), ErrorCode::InvalidArgument,
                "'%1 = safeLog(%0) {eps = 0}': safeLog needs eps > 0, got eps = 0");
    EXPECT_EQ(b.error()->node, 1);
  }
  {
    GraphBuilder b({Shape{2}});
    b.relu(b.arg(0));
    b.safeLog(b.arg(0), L("-1/2"));
    expectError(b.error(), ErrorCode::InvalidArgument,
                "'%2 = safeLog(%0) {eps = -1/2}': safeLog needs eps > 0, got eps = -1/2");
    EXPECT_EQ(b.error()->node, 2);
  }
  {
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("0"));
    expectError(b.error(), ErrorCode::InvalidArgument,
                "'%3 = layerNorm(%0, %1, %2) {eps = 0}': layerNorm needs eps > 0, got eps = 0");
    EXPECT_EQ(b.error()->node, 3);
  }
  {
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("-1e-6"));
    expectError(b.error(), ErrorCode::InvalidArgument,
                "layerNorm needs eps > 0, got eps = -1/1000000");
  }
  {
    // The smallest positive eps anyone would write is fine.
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("1/1000000000000000000000000"));
    b.safeLog(b.arg(1), L("1e-30"));
    EXPECT_EQ(b.error(), nullptr) << b.error()->message;
  }
}

TEST(GraphBuilder, LayerNormShapeErrorsNameTheNodeAndOperand) {
  {
    GraphBuilder b({Shape{2, 3}, Shape{4}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch,
                "'%3 = layerNorm(%0, %1, %2) {eps = 1/1000000}': operand #1 (%1) has shape [4], "
                "expected [3] (dim E = 3 from operand #0 (%0) [2,3])");
    EXPECT_EQ(b.error()->node, 3);
  }
  {
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{2}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch,
                "operand #2 (%2) has shape [2], expected [3] (dim E = 3 from operand #0 (%0) "
                "[2,3])");
  }
  {
    GraphBuilder b({Shape{3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch,
                "'%3 = layerNorm(%0, %1, %2) {eps = 1/1000000}': operand #0 (%0) has shape [3], "
                "expected rank 2 [L,E]");
  }
  {
    GraphBuilder b({Shape{1, 2, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch,
                "operand #0 (%0) has shape [1,2,3], expected rank 2 [L,E]");
  }
  {
    GraphBuilder b({Shape{0, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch,
                "'%3 = layerNorm(%0, %1, %2) {eps = 1/1000000}': constraint `0 < L` fails: L = 0");
  }
  {
    GraphBuilder b({Shape{2, 0}, Shape{0}, Shape{0}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2));
    expectError(b.error(), ErrorCode::ShapeMismatch, "constraint `0 < E` fails: E = 0");
  }
}

TEST(GraphBuilder, NumelBeyond2To62IsAnOverflowError) {
  GraphBuilder b({Shape{int64_t{1} << 31, int64_t{1} << 31}});
  b.broadcastTo(b.arg(0), Shape{int64_t{1} << 2, int64_t{1} << 31, int64_t{1} << 31});
  expectError(b.error(), ErrorCode::Overflow, "2^62");
}

// ---- the shape a node records (the same-shape fast path records operand 0's own entry)

// Every Var the builder returns carries exactly the shape its node records, and that shape is the
// shape rule's answer for the node: on the same-shape fast path (inputs or nodes as operand 0),
// on the general path, and for ops with attributes or a target shape.
TEST(GraphBuilder, VarShapeIsTheShapeTheNodeRecordsAndTheRuleInfers) {
  GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{2, 3}, Shape{3, 4}, Shape{}, Shape{6}});
  Var x = b.arg(0), v = b.arg(1), y = b.arg(2), w = b.arg(3), s = b.arg(4), six = b.arg(5);
  std::vector<Var> vars;
  auto keep = [&](Var r) {
    vars.push_back(r);
    return r;
  };
  Var t = keep(b.tanh(x));
  keep(b.add(t, y));
  keep(b.mul(y, t));
  Var m = keep(b.matmul(t, w));
  keep(b.relu(m));
  keep(b.matmul(x, w));
  keep(b.sub(m, keep(b.matmul(y, w))));
  keep(b.sum(m));
  keep(b.reduceSum(m, 0));
  keep(b.broadcastTo(v, Shape{2, 3}));
  keep(b.reshape(x, Shape{3, 2}));
  keep(b.scale(keep(b.mul(s, s)), L("1/2")));
  keep(b.clamp(x, L("-1"), L("1")));
  keep(b.layerNorm(x, v, v));
  keep(b.sliceRange0(six, 1, 2));
  ASSERT_EQ(b.error(), nullptr) << b.error()->message;
  Graph g = Unwrap(b.finish());
  for (const Var& r : vars) {
    ASSERT_TRUE(r.valid());
    EXPECT_EQ(r.shape, g.shapeOf(r.id)) << g.nodeText(r.id);
    const Node& n = g.producer(r.id);
    std::vector<Shape> operands;
    for (ValueId p : g.parents(n)) operands.push_back(g.shapeOf(p));
    const bool target = opInfo(n.op).takesTargetShape;
    rules::RuleArgs args{operands, g.ints(n), g.literals(n).size(), target ? &r.shape : nullptr};
    Result<Shape> inferred = rules::inferShape(n.op, args, "", g.parents(n));
    ASSERT_TRUE(inferred.ok()) << inferred.error().message;
    EXPECT_EQ(inferred.value(), g.shapeOf(r.id)) << g.nodeText(r.id);
  }
}

// A same-shape node records operand 0's own shape entry (Γ's, or the operand node's), so a chain
// holds one shape however long it is; the entries stay valid in copies of the graph after the
// builder and the original graph are gone (copies share the body).
TEST(GraphBuilder, SameShapeNodesShareOperandZerosShapeEntry) {
  std::optional<Graph> copy;
  ValueId t = 0, a = 0, m = 0, m2 = 0, r = 0;
  {
    GraphBuilder b({Shape{2, 3}, Shape{2, 3}, Shape{3, 4}});
    Var x = b.arg(0), y = b.arg(1), w = b.arg(2);
    t = b.tanh(x).id;
    Var sum = b.add(Var{t, Shape{2, 3}}, y);
    a = sum.id;
    m = b.matmul(sum, w).id;
    m2 = b.matmul(x, w).id;  // the general path: shares the previous node's equal entry
    r = b.relu(Var{m2, Shape{2, 4}}).id;
    Graph g = Unwrap(b.finish());
    EXPECT_EQ(&g.shapeOf(t), &g.inputs()[0]);
    EXPECT_EQ(&g.shapeOf(a), &g.inputs()[0]);
    EXPECT_NE(&g.shapeOf(m), &g.inputs()[0]);
    EXPECT_EQ(&g.shapeOf(m2), &g.shapeOf(m));
    EXPECT_EQ(&g.shapeOf(r), &g.shapeOf(m2));
    copy = g;
  }
  EXPECT_EQ(copy->shapeOf(t), (Shape{2, 3}));
  EXPECT_EQ(copy->shapeOf(a), (Shape{2, 3}));
  EXPECT_EQ(copy->shapeOf(m), (Shape{2, 4}));
  EXPECT_EQ(copy->shapeOf(r), (Shape{2, 4}));
  EXPECT_EQ(&copy->shapeOf(a), &copy->inputs()[0]);
}

// The fast path checks the arena size too: elementwise nodes past 2^62 elements in all are an
// Overflow error naming the node, like the general path's.
TEST(GraphBuilder, SameShapeNodesPast2To62ElementsAreAnOverflowError) {
  for (bool unary : {false, true}) {
    GraphBuilder b({Shape{int64_t{1} << 31, int64_t{1} << 30}});  // 2^61 elements
    Var x = b.arg(0);
    Var first = unary ? b.relu(x) : b.add(x, x);  // 2^62 in all: still fits
    EXPECT_TRUE(first.valid());
    Var second = unary ? b.tanh(x) : b.add(x, x);
    EXPECT_FALSE(second.valid());
    ASSERT_NE(b.error(), nullptr);
    EXPECT_EQ(b.error()->code, ErrorCode::Overflow);
    EXPECT_EQ(b.error()->node, 2);
    EXPECT_EQ(b.error()->message,
              std::string(unary ? "'%2 = tanh(%0)'" : "'%2 = add(%0, %0)'") +
                  ": the graph's values would hold more than 2^62 elements in all");
  }
}

// ---- exact messages, codes, nodes and precedence (the validation path's contract, byte for byte)

struct ExpectedError {
  ErrorCode code;
  int64_t node;
  std::string message;
};

void expectExactly(const Error* e, const ExpectedError& want) {
  ASSERT_NE(e, nullptr) << "expected: " << want.message;
  EXPECT_EQ(e->code, want.code) << errorCodeName(e->code) << ": " << e->message;
  EXPECT_EQ(e->node, want.node) << e->message;
  EXPECT_EQ(e->message, want.message);
}

TEST(GraphBuilder, TypedMethodErrorsAreExactAndTheFirstCheckWins) {
  {
    GraphBuilder b({Shape{2}});
    b.add(b.arg(0), Var{});
    expectExactly(b.error(), {ErrorCode::InvalidId, -1,
                              "graph builder: add operand #1: invalid Var (default-constructed or "
                              "from a failed call)"});
  }
  {
    GraphBuilder b({Shape{2}});
    b.add(b.arg(0), Var{1, Shape{2}});  // the id the node itself would get
    expectExactly(b.error(), {ErrorCode::InvalidId, -1,
                              "graph builder: add operand #1: invalid id=1 for ctxLen=1"});
  }
  {
    GraphBuilder b({Shape{2}, Shape{2}});
    b.relu(b.arg(0));
    b.add(b.arg(0), Var{2, Shape{3}});
    expectExactly(b.error(), {ErrorCode::ShapeMismatch, -1,
                              "graph builder: add operand #1: shape mismatch at id=2: expected "
                              "[3], got [2]"});
  }
  {
    // Operand #1's problem is reported before operand #2's, and both before eps.
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{3}});
    b.layerNorm(b.arg(0), Var{}, Var{7, Shape{3}}, L("0"));
    expectExactly(b.error(), {ErrorCode::InvalidId, -1,
                              "graph builder: layerNorm operand #1: invalid Var "
                              "(default-constructed or from a failed call)"});
  }
  {
    // eps is checked before the operand shapes.
    GraphBuilder b({Shape{2, 3}, Shape{3}, Shape{4}});
    b.layerNorm(b.arg(0), b.arg(1), b.arg(2), L("0"));
    expectExactly(b.error(),
                  {ErrorCode::InvalidArgument, 3,
                   "'%3 = layerNorm(%0, %1, %2) {eps = 0}': layerNorm needs eps > 0, got eps = 0"});
  }
  {
    GraphBuilder b({Shape{2}, Shape{3}});
    b.add(b.arg(0), b.arg(1));
    expectExactly(b.error(), {ErrorCode::ShapeMismatch, 2,
                              "'%2 = add(%0, %1)': operand #1 (%1) has shape [3], expected [2] "
                              "(pack s = [2] from operand #0 (%0) [2])"});
    const ValueId one[] = {0};
    Result<Var> later = b.addNode(Op::Relu, one, {}, {});  // sticky: the first error again
    ASSERT_FALSE(later.ok());
    EXPECT_EQ(later.error().message, b.error()->message);
  }
  {
    GraphBuilder b({Shape{2, 3}});
    b.reshape(b.arg(0), Shape{5});
    expectExactly(b.error(),
                  {ErrorCode::ShapeMismatch, 1,
                   "'%1 = reshape(%0)': constraint `numel(s) == numel(@shape)` fails: numel(s) = "
                   "6, numel(@shape) = 5 (operand #0 (%0) has shape [2,3], target shape [5])"});
  }
}

TEST(GraphBuilder, AddNodeErrorsAreExactAndTheFirstCheckWins) {
  GraphBuilder b({Shape{2}});
  const ValueId one[] = {0}, two[] = {0, 0}, forward[] = {3};
  const int64_t twoInts[] = {0, 0};
  const ExactLiteral badBounds[] = {L("2"), L("1")}, zero[] = {L("0")}, three[] = {1, 2, 3};
  auto expectNode = [&](Result<Var> r, const ExpectedError& want) {
    ASSERT_FALSE(r.ok()) << want.message;
    expectExactly(&r.error(), want);
  };
  // The operand count is checked before the operands themselves.
  expectNode(b.addNode(Op::Add, forward, {}, {}),
             {ErrorCode::InvalidArgument, 1, "'%1 = add(%3)': add takes 2 operand(s), got 1"});
  // Forward references are checked before the attribute counts.
  expectNode(b.addNode(Op::ReduceSum, forward, {}, {}),
             {ErrorCode::InvalidId, 1,
              "'%1 = reduceSum(%3) {axis = ?}': operand #0 (%3) is not defined before %1 "
              "(forward reference: operands must have smaller ids)"});
  expectNode(b.addNode(Op::ReduceSum, one, twoInts, {}),
             {ErrorCode::InvalidArgument, 1,
              "'%1 = reduceSum(%0) {axis = 0}': reduceSum takes 1 int attribute(s), got 2"});
  expectNode(b.addNode(Op::Scale, one, {}, {}),
             {ErrorCode::InvalidArgument, 1,
              "'%1 = scale(%0) {c = ?}': scale takes 1 literal attribute(s), got 0"});
  expectNode(b.addNode(Op::Reshape, one, {}, {}),
             {ErrorCode::InvalidArgument, 1, "'%1 = reshape(%0)': reshape needs a target shape"});
  expectNode(b.addNode(Op::Const, {}, {}, three),
             {ErrorCode::InvalidArgument, 1,
              "'%1 = const() {payload = [1, 2, 3]}': const needs a target shape"});
  expectNode(b.addNode(Op::Clamp, one, {}, badBounds),
             {ErrorCode::InvalidArgument, 1,
              "'%1 = clamp(%0) {lo = 2, hi = 1}': clamp needs lo <= hi, got lo = 2, hi = 1"});
  expectNode(b.addNode(Op::SafeLog, one, {}, zero),
             {ErrorCode::InvalidArgument, 1,
              "'%1 = safeLog(%0) {eps = 0}': safeLog needs eps > 0, got eps = 0"});
  expectNode(b.addNode(Op::Const, {}, {}, three, Shape{2}),
             {ErrorCode::ShapeMismatch, 1,
              "'%1 = const() {payload = [1, 2, 3]}': const of shape [2] needs 2 payload values, "
              "got 3"});
  // A declared shape sends an elementwise node down the general path, which checks it.
  expectNode(b.addNode(Op::Add, two, {}, {}, Shape{3}),
             {ErrorCode::ShapeMismatch, 1,
              "'%1 = add(%0, %0)': declared shape [3] does not match the inferred shape [2]"});
  expectNode(b.addNode(Op::Sum, one, {}, {}, Shape{2}),
             {ErrorCode::ShapeMismatch, 1,
              "'%1 = sum(%0)': declared shape [2] does not match the inferred shape []"});
  // None of the failures above changed the builder: the next node is still %1.
  EXPECT_EQ(b.error(), nullptr);
  EXPECT_EQ(b.numValues(), 1u);
  Result<Var> ok = b.addNode(Op::Add, two, {}, {}, Shape{2});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok.value().id, 1u);
  EXPECT_EQ(ok.value().shape, Shape{2});
}

}  // namespace
}  // namespace verigrad
