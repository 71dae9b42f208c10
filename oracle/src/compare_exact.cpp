// Exact engine-vs-spec comparisons (see compare_exact.hpp).
#include "verigrad/oracle/compare_exact.hpp"

#include "verigrad/spec/output_shape.hpp"

namespace verigrad::oracle {
namespace {

std::string describe(const Error& e) {
  return std::string(errorCodeName(e.code)) + " at %" + std::to_string(e.node) + ": " + e.message;
}

}  // namespace

std::optional<Mismatch> compareOutcomes(const Error* engine, const Error* spec) {
  if (!engine && !spec) return std::nullopt;
  Mismatch m;
  m.what = "error";
  m.engine = engine ? describe(*engine) : "ok";
  m.spec = spec ? describe(*spec) : "ok";
  if (engine && spec) {
    if (engine->node == spec->node && engine->code == spec->code) return std::nullopt;
    m.node = engine->node;
    m.detail = "both fail, but not at the same node with the same kind";
  } else {
    m.node = engine ? engine->node : spec->node;
    m.detail = engine ? "only the engine fails" : "only the spec fails";
  }
  return m;
}

std::optional<Mismatch> compareExact(const Context<Rational>& engine,
                                     std::span<const spec::Value<Rational>> spec,
                                     std::string_view what) {
  if (engine.size() != spec.size()) {
    return Mismatch{std::string(what) + "-count",
                    -1,
                    "",
                    std::to_string(engine.size()),
                    std::to_string(spec.size()),
                    "number of values differs"};
  }
  for (size_t id = 0; id < spec.size(); ++id) {
    TensorView<Rational> e = engine[id];
    const spec::Value<Rational>& s = spec[id];
    if (e.shape != s.shape || e.numel() != s.numel()) {
      return Mismatch{std::string(what) + "-shape",
                      static_cast<int64_t>(id),
                      "",
                      e.shape.str(),
                      s.shape.str(),
                      ""};
    }
    for (int64_t k = 0; k < s.numel(); ++k) {
      if (e[k] != s.data[static_cast<size_t>(k)]) {
        return Mismatch{std::string(what),
                        static_cast<int64_t>(id),
                        s.shape.indexText(k),
                        e[k].str(),
                        s.data[static_cast<size_t>(k)].str(),
                        ""};
      }
    }
  }
  return std::nullopt;
}

std::optional<Mismatch> compareDeclaredShapes(const Graph& g) {
  for (auto id = static_cast<ValueId>(g.numInputs()); id < g.numValues(); ++id) {
    Result<Shape> s = spec::specOutputShape(g, id);
    if (!s.ok()) {
      return Mismatch{"shape",
                      id,
                      "",
                      g.shapeOf(id).str(),
                      "error: " + s.error().message,
                      "the builder accepted a node the spec rejects"};
    }
    if (s.value() != g.shapeOf(id)) {
      return Mismatch{"shape",
                      id,
                      "",
                      g.shapeOf(id).str(),
                      s.value().str(),
                      "declared shape differs from the spec's"};
    }
  }
  return std::nullopt;
}

std::vector<spec::Value<Rational>> toSpecValues(std::span<const Tensor<Rational>> tensors) {
  std::vector<spec::Value<Rational>> out;
  out.reserve(tensors.size());
  for (const Tensor<Rational>& t : tensors) {
    out.push_back({t.shape(), std::vector<Rational>(t.span().begin(), t.span().end())});
  }
  return out;
}

std::vector<Tensor<Rational>> toTensors(std::span<const spec::Value<Rational>> values) {
  std::vector<Tensor<Rational>> out;
  out.reserve(values.size());
  for (const spec::Value<Rational>& v : values) {
    out.push_back(Tensor<Rational>::make(v.shape, v.data).value());
  }
  return out;
}

}  // namespace verigrad::oracle
