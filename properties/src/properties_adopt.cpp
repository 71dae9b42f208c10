// compile-adopt: compile(g, std::move(inputs)) adopts the input tensors instead of copying them.
// It must be the copying compile in every observable way: the same values and gradients (bit for
// bit; exactly at Rational), the same refusals with the inputs handed back untouched, Γ's slots
// really being the adopted buffers, and releaseInputs() returning those buffers (or copies of
// them while another handle still shares the compiled state).
#include <cstring>
#include <string>

#include "property_checks.hpp"
#include "property_support.hpp"

namespace verigrad::props::detail {
namespace {

template <class T>
std::string scalarOf() {
  if constexpr (std::is_same_v<T, Rational>) {
    return "exact";
  } else {
    return std::string(scalarName<T>());
  }
}

// The first element where two contexts laid out for one graph differ, as a failure.
template <class T>
std::optional<Outcome> differs(const Context<T>& adopted, const Context<T>& copied,
                               std::string_view what, std::string_view step) {
  for (size_t id = 0; id < copied.size(); ++id) {
    const TensorView<T> x = adopted[id], y = copied[id];
    for (int64_t k = 0; k < y.numel(); ++k) {
      if (identical(x[k], y[k])) continue;
      return failWith(
          {std::string(what), static_cast<int64_t>(id), y.shape.indexText(k), elementText(x[k]),
           elementText(y[k]),
           scalarOf<T>() + ", " + std::string(step) +
               ": adopting compile (engine column) vs copying compile (spec column)"},
          "compile adopting its inputs differs from compile copying them in " + std::string(step));
    }
  }
  return std::nullopt;
}

// The same tensors element for element (exactly / bit for bit).
template <class T>
std::optional<Outcome> sameTensors(const std::vector<Tensor<T>>& got,
                                   const std::vector<Tensor<T>>& expected, std::string_view step) {
  if (got.size() != expected.size()) {
    return failWith({"inputs", -1, "", std::to_string(got.size()) + " tensors",
                     std::to_string(expected.size()) + " tensors", std::string(step)},
                    std::string(step) + " returned the wrong number of inputs");
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const bool sameShape = got[i].shape() == expected[i].shape();
    for (int64_t k = 0; sameShape && k < got[i].numel(); ++k) {
      if (identical(got[i][k], expected[i][k])) continue;
      return failWith({"inputs", static_cast<int64_t>(i), expected[i].shape().indexText(k),
                       elementText(got[i][k]), elementText(expected[i][k]), std::string(step)},
                      std::string(step) + " changed input %" + std::to_string(i));
    }
    if (!sameShape) {
      return failWith({"inputs", static_cast<int64_t>(i), "", got[i].shape().str(),
                       expected[i].shape().str(), std::string(step)},
                      std::string(step) + " changed the shape of input %" + std::to_string(i));
    }
  }
  return std::nullopt;
}

std::vector<const void*> buffersOf(const auto& tensors) {
  std::vector<const void*> out;
  for (const auto& t : tensors) out.push_back(t.numel() > 0 ? t.data() : nullptr);
  return out;
}

// Adopted means zero-copy: input i's slot is the buffer the caller handed over.
template <class T>
std::optional<Outcome> slotsAreTheBuffers(const Context<T>& values,
                                          const std::vector<const void*>& buffers) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i] == nullptr || values[i].data == buffers[i]) continue;
    return failWith({"layout", static_cast<int64_t>(i), "", "a copy", "the adopted buffer",
                     scalarOf<T>() + ": Γ's slot of an adopted input"},
                    "compile copied an input it was given to adopt");
  }
  const Graph& g = values.graph();
  if (values.arenaStart() + values.flat().size() == g.totalElements()) return std::nullopt;
  return failWith({"layout", -1, "", std::to_string(values.flat().size()) + " arena elements",
                   std::to_string(g.totalElements() - values.arenaStart()) + " (ss only)",
                   scalarOf<T>() + ": the adopting context's arena"},
                  "the adopting context's arena is not ss's slots");
}

template <class T>
std::optional<Outcome> sameSweeps(const Compiled<T>& adopted, const Compiled<T>& copied,
                                  const std::vector<Tensor<T>>& seeds, size_t o) {
  Result<Context<T>> a = adopted.tape().backwardDenseFrom(seeds);
  Result<Context<T>> b = copied.tape().backwardDenseFrom(seeds);
  if (!a.ok() || !b.ok()) {
    return failWith({"error", -1, "", a.ok() ? "ok" : describe(a.error()),
                     b.ok() ? "ok" : describe(b.error()), "backwardDenseFrom"},
                    "backwardDenseFrom fails on valid data");
  }
  if (auto d = differs(a.value(), b.value(), "gradient", "backwardDenseFrom")) return d;
  // The values context itself as the seed context: Γ's seeds come from the adopted buffers.
  a = adopted.tape().backwardDenseFrom(adopted.values());
  b = copied.tape().backwardDenseFrom(copied.values());
  if (!a.ok() || !b.ok()) {
    return failWith({"error", -1, "", a.ok() ? "ok" : describe(a.error()),
                     b.ok() ? "ok" : describe(b.error()), "backwardDenseFrom(values())"},
                    "backwardDenseFrom fails on valid data");
  }
  if (auto d = differs(a.value(), b.value(), "gradient", "backwardDenseFrom(values())")) return d;
  if (o >= adopted.tape().size()) return std::nullopt;  // no nodes: no output to seed
  const Tensor<T> seed = o < seeds.size() ? seeds[o] : Tensor<T>::scalar(T(1));
  a = adopted.tape().backwardDenseAll(o, seed);
  b = copied.tape().backwardDenseAll(o, seed);
  if (!a.ok() || !b.ok()) {
    return failWith({"error", -1, "", a.ok() ? "ok" : describe(a.error()),
                     b.ok() ? "ok" : describe(b.error()), "backwardDenseAll"},
                    "backwardDenseAll fails on valid data");
  }
  return differs(a.value(), b.value(), "gradient", "backwardDenseAll");
}

template <class T>
std::optional<Outcome> adoptAt(const Case& c, const std::vector<Tensor<T>>& inputs,
                               const std::vector<Tensor<T>>& seeds) {
  const Graph& g = c.graph;
  Result<Compiled<T>> copied = compile<T>(g, inputs);
  std::vector<Tensor<T>> handed = inputs;
  const std::vector<const void*> buffers = buffersOf(handed);
  Result<Compiled<T>> adopted = compile<T>(g, std::move(handed));
  if (!copied.ok() || !adopted.ok()) {
    if (copied.ok() != adopted.ok() || copied.error().code != adopted.error().code ||
        copied.error().message != adopted.error().message) {
      return failWith({"error", -1, "", adopted.ok() ? "ok" : describe(adopted.error()),
                       copied.ok() ? "ok" : describe(copied.error()),
                       scalarOf<T>() + ": adopting vs copying compile"},
                      "compile adopting its inputs and compile copying them disagree on failing");
    }
    // Refused: the caller keeps its tensors, the very buffers it handed over.
    if (buffersOf(handed) != buffers) {
      return failWith({"inputs", -1, "", "other buffers", "the caller's buffers",
                       scalarOf<T>() + ": inputs after a refused adopting compile"},
                      "a refused adopting compile did not hand the inputs back");
    }
    return sameTensors(handed, inputs, "a refused adopting compile");
  }
  if (!handed.empty()) {
    return failWith({"inputs", -1, "", std::to_string(handed.size()) + " tensors left", "none",
                     scalarOf<T>() + ": the caller's vector after adopting"},
                    "compile reported success but did not adopt the inputs");
  }
  if (auto d = differs(adopted->values(), copied->values(), "value", "forward")) return d;
  if (auto d = slotsAreTheBuffers(adopted->values(), buffers)) return d;
  if (auto d = sameSweeps(adopted.value(), copied.value(), seeds, c.outId)) return d;

  // Released while a copy shares the state: copies of Γ, and the twin still reads the originals.
  Compiled<T> twin = adopted.value();
  const std::vector<Tensor<T>> copies = std::move(twin).releaseInputs();
  if (auto d = sameTensors(copies, inputs, "releaseInputs (state shared)")) return d;
  if (auto d = differs(adopted->values(), copied->values(), "value", "after a twin's release")) {
    return d;
  }
  // Released by the last owner: the adopted buffers themselves, unchanged.
  const std::vector<Tensor<T>> back = std::move(adopted.value()).releaseInputs();
  if (buffersOf(back) != buffers) {
    return failWith({"inputs", -1, "", "other buffers", "the adopted buffers",
                     scalarOf<T>() + ": releaseInputs by the last owner"},
                    "releaseInputs copied the inputs although nothing else shared them");
  }
  return sameTensors(back, inputs, "releaseInputs (last owner)");
}

}  // namespace

Outcome checkCompileAdopt(const Case& c) {
  // At Rational a graph with a transcendental op is refused: that refusal is checked too.
  if (auto o = adoptAt<Rational>(c, c.inputs, c.seedsA)) return *o;
  if (auto o = adoptAt<double>(c, rounded<double>(c.inputs), rounded<double>(c.seedsA))) {
    return *o;
  }
  if (auto o = adoptAt<float>(c, rounded<float>(c.inputs), rounded<float>(c.seedsA))) return *o;
  return Outcome::pass();
}

}  // namespace verigrad::props::detail
