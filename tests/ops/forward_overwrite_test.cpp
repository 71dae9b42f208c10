// kernels::kForwardOverwrites: evaluate skips value-initialising the slots of these ops, so each
// one's forward kernel must write every element of `out` without reading it. Each claimed op is
// run here directly on an `out` full of NaN and must give exactly the value compile computed.
#include <cstring>
#include <vector>

#include "op_case.hpp"

namespace verigrad {
namespace {

using testing::Unwrap;

// A graph whose last node is `op` over fresh inputs, with the attributes the op needs; a broadcast
// `general` case takes the non-prepend path ([2,1] -> [2,3]).
Graph graphFor(Op op, bool general) {
  const OpInfo& info = opInfo(op);
  const Shape x{2, 3};
  std::vector<Shape> gamma;
  std::vector<ExactLiteral> lits;
  std::optional<Shape> declared;
  if (op == Op::Matmul) {
    gamma = {Shape{2, 3}, Shape{3, 2}};
  } else if (op == Op::BroadcastTo) {
    gamma = {general ? Shape{2, 1} : Shape{3}};
    declared = x;
  } else {
    gamma.assign(static_cast<size_t>(info.arity), x);
  }
  if (op == Op::Scale) lits = {Unwrap(ExactLiteral::fromRatio(1, 2))};
  if (op == Op::Clamp) lits = {Unwrap(ExactLiteral::fromRatio(1, 2)), ExactLiteral(1)};
  if (op == Op::SafeLog) lits = {GraphBuilder::defaultEpsilon()};
  GraphBuilder b(gamma);
  std::vector<ValueId> parents;
  for (size_t i = 0; i < gamma.size(); ++i) parents.push_back(static_cast<ValueId>(i));
  Result<Var> v = b.addNode(op, parents, {}, lits, declared);
  EXPECT_TRUE(v.ok()) << opName(op) << ": " << (v.ok() ? "" : v.error().message);
  return Unwrap(b.finish());
}

template <class T>
void expectOverwrites(Op op, bool general) {
  SCOPED_TRACE(std::string(opName(op)) + " at " + std::string(ScalarTraits<T>::name));
  const Graph g = graphFor(op, general);
  std::vector<Tensor<T>> inputs;
  int k = 0;
  for (const Shape& s : g.inputs()) {
    Tensor<T> t(s);
    for (int64_t e = 0; e < t.numel(); ++e) t[e] = T(3 + (k++ * 5) % 11) / T(8);  // in (0, 2)
    inputs.push_back(std::move(t));
  }
  const Compiled<T> c = Unwrap(compile<T>(g, inputs));
  const auto id = static_cast<ValueId>(g.numValues() - 1);
  kernels::NodeArgs<T> a = testing::nodeArgsOf(c, id);
  const std::vector<T> lits = testing::literalsOf<T>(g, *a.node);
  a.lits = lits;
  a.out = TensorView<T>{};
  const TensorView<T> want = c.values()[id];
  std::vector<T> out(static_cast<size_t>(want.numel()), testing::stale<T>());
  ASSERT_TRUE(testing::callForward(a, opInfo(op).family, out.data()).ok());
  ASSERT_EQ(std::memcmp(out.data(), want.data, out.size() * sizeof(T)), 0)
      << "the kernel left or read a stale element";
}

TEST(ForwardOverwrites, EveryClaimedOpWritesEveryElementWithoutReadingIt) {
  int claimed = 0;
  for (Op op : allOps()) {
    if (!kernels::kForwardOverwrites[static_cast<size_t>(op)]) continue;
    ++claimed;
    for (bool general : {false, true}) {
      if (general && op != Op::BroadcastTo) continue;
      expectOverwrites<double>(op, general);
      expectOverwrites<float>(op, general);
    }
  }
  EXPECT_EQ(claimed, 21);  // 12 elementwise + 7 activation + matmul + broadcastTo
}

}  // namespace
}  // namespace verigrad
