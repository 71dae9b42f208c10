// One-node subgraphs for the local float check (see local_node.hpp).
#include "local_node.hpp"

#include <algorithm>

#include "float_support.hpp"
#include "verigrad/graph_builder.hpp"
#include "verigrad/spec/graph_semantics.hpp"

namespace verigrad::oracle::detail {
namespace {

// The literal as compile<F> stored it: rounded to nearest even in F, then read back exactly.
template <class F>
Result<ExactLiteral> roundedLiteral(const ExactLiteral& lit) {
  Result<F> r = [&] {
    if constexpr (std::is_same_v<F, float>) {
      return lit.toFloat();
    } else {
      return lit.toDouble();
    }
  }();
  if (!r.ok()) return r.error();
  return ExactLiteral::fromDouble(static_cast<double>(r.value()));
}

}  // namespace

template <class F>
Result<LocalNode> localNode(const Graph& g, ValueId id, Sharing sharing) {
  const Node& node = g.producer(id);
  const std::span<const ValueId> parents = g.parents(node);
  LocalNode local;
  std::vector<Shape> shapes;
  for (ValueId p : parents) {
    const auto seen = std::find(local.sources.begin(), local.sources.end(), p);
    if (sharing == Sharing::DistinctParents && seen != local.sources.end()) {
      local.slotInput.push_back(static_cast<size_t>(seen - local.sources.begin()));
      continue;
    }
    local.slotInput.push_back(local.sources.size());
    local.sources.push_back(p);
    shapes.push_back(g.shapeOf(p));
  }
  std::vector<ExactLiteral> literals;
  for (const ExactLiteral& lit : g.literals(node)) {
    Result<ExactLiteral> r = roundedLiteral<F>(lit);
    if (!r.ok()) return r.error();
    literals.push_back(std::move(r).value());
  }
  std::vector<ValueId> operands;
  for (size_t input : local.slotInput) operands.push_back(static_cast<ValueId>(input));

  GraphBuilder b(shapes);
  Result<Var> v = b.addNode(node.op, operands, g.ints(node), literals, node.shape);
  if (!v.ok()) return v.error();
  Result<Graph> built = b.finish();
  if (!built.ok()) return built.error();
  local.graph = std::move(built).value();
  return local;
}

template <class F>
spec::Value<Rational> exactValue(const TensorView<F>& t, bool absolute) {
  spec::Value<Rational> v{t.shape, {}};
  v.data.reserve(static_cast<size_t>(t.numel()));
  for (int64_t k = 0; k < t.numel(); ++k) {
    Rational x = exactOf(t[k]);
    v.data.push_back(absolute ? absOf(x) : std::move(x));
  }
  return v;
}

template <class F>
std::vector<spec::Value<Rational>> localInputs(const LocalNode& local, const Context<F>& values,
                                               bool absolute) {
  std::vector<spec::Value<Rational>> inputs;
  inputs.reserve(local.sources.size());
  for (ValueId p : local.sources) inputs.push_back(exactValue(values[p], absolute));
  return inputs;
}

template <class F>
spec::Value<Interval> pointValue(const TensorView<F>& t) {
  spec::Value<Interval> v{t.shape, {}};
  v.data.reserve(static_cast<size_t>(t.numel()));
  for (int64_t k = 0; k < t.numel(); ++k) {
    // A point at 53 bits and more; finite by the caller's check (NaN/inf would be an error).
    Result<Interval> x = Interval::fromDouble(static_cast<double>(t[k]));
    v.data.push_back(x.ok() ? std::move(x).value() : quotient(Interval(0), Interval(0)));
  }
  return v;
}

template <class F>
std::vector<spec::Value<Interval>> localPointInputs(const LocalNode& local,
                                                    const Context<F>& values) {
  std::vector<spec::Value<Interval>> inputs;
  inputs.reserve(local.sources.size());
  for (ValueId p : local.sources) inputs.push_back(pointValue(values[p]));
  return inputs;
}

template <class S>
Result<spec::Value<S>> evaluateLocal(const LocalNode& local,
                                     std::span<const spec::Value<S>> inputs) {
  Result<std::vector<spec::Value<S>>> all = spec::evaluate<S>(local.graph, inputs);
  if (!all.ok()) return all.error();
  return std::move(all.value().back());
}

template <class S>
Result<std::vector<spec::Value<S>>> pullbackLocal(const LocalNode& local,
                                                  std::span<const spec::Value<S>> inputs,
                                                  const spec::Value<S>& delta) {
  std::vector<spec::Value<S>> seeds;
  seeds.reserve(local.graph.numValues());
  for (const Shape& s : local.graph.inputs()) seeds.push_back(spec::zeros<S>(s));
  seeds.push_back(delta);
  Result<std::vector<spec::Value<S>>> grads = spec::denseGradient<S>(local.graph, inputs, seeds);
  if (!grads.ok()) return grads.error();
  grads.value().pop_back();  // the node's own entry is δ itself
  return grads;
}

#define VG_LOCAL_SCALAR_INSTANTIATE(S)                                               \
  template Result<spec::Value<S>> evaluateLocal<S>(const LocalNode&,                 \
                                                   std::span<const spec::Value<S>>); \
  template Result<std::vector<spec::Value<S>>> pullbackLocal<S>(                     \
      const LocalNode&, std::span<const spec::Value<S>>, const spec::Value<S>&);
VG_LOCAL_SCALAR_INSTANTIATE(Rational)
VG_LOCAL_SCALAR_INSTANTIATE(Interval)
#undef VG_LOCAL_SCALAR_INSTANTIATE

#define VG_LOCAL_NODE_INSTANTIATE(F)                                                              \
  template Result<LocalNode> localNode<F>(const Graph&, ValueId, Sharing);                        \
  template std::vector<spec::Value<Rational>> localInputs<F>(const LocalNode&, const Context<F>&, \
                                                             bool);                               \
  template spec::Value<Rational> exactValue<F>(const TensorView<F>&, bool);                       \
  template spec::Value<Interval> pointValue<F>(const TensorView<F>&);                             \
  template std::vector<spec::Value<Interval>> localPointInputs<F>(const LocalNode&,               \
                                                                  const Context<F>&);
VG_LOCAL_NODE_INSTANTIATE(float)
VG_LOCAL_NODE_INSTANTIATE(double)
#undef VG_LOCAL_NODE_INSTANTIATE

}  // namespace verigrad::oracle::detail
