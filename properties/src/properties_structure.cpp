// The structural properties: `layout` (the value context is Γ ++ ss and inputs pass through) and
// `out-id` (tape size and checkedOutId).
#include "property_checks.hpp"
#include "property_support.hpp"
#include "verigrad/graph_text.hpp"

namespace verigrad::props::detail {
namespace {

oracle::Mismatch layoutMismatch(int64_t node, std::string engine, std::string expected,
                                std::string detail) {
  return {"layout", node, "", std::move(engine), std::move(expected), std::move(detail)};
}

// The context holds one value per id of Γ ++ ss with its declared shape, laid out for this graph,
// and the inputs unchanged (exactly, or bit for bit).
template <class T>
std::optional<oracle::Mismatch> contextLayout(const Graph& g, const Context<T>& values,
                                              std::span<const Tensor<T>> inputs,
                                              std::string_view scalar) {
  const std::string at = " (" + std::string(scalar) + ")";
  if (values.size() != g.numValues()) {
    return layoutMismatch(-1, std::to_string(values.size()) + " values",
                          std::to_string(g.numValues()) + " values (|Γ|+|ss|)", "value count" + at);
  }
  if (!sameGraph(values.graph(), g)) {
    return layoutMismatch(-1, "another graph", "the compiled graph",
                          "the context is laid out for another graph" + at);
  }
  if (values.flat().size() != g.totalElements()) {
    return layoutMismatch(-1, std::to_string(values.flat().size()) + " elements",
                          std::to_string(g.totalElements()) + " elements", "arena size" + at);
  }
  for (size_t id = 0; id < g.numValues(); ++id) {
    const TensorView<T> v = values[id];
    const Shape& expected = g.shapeOf(static_cast<ValueId>(id));
    if (v.shape != expected) {
      return layoutMismatch(static_cast<int64_t>(id), v.shape.str(), expected.str(),
                            "shape of value %" + std::to_string(id) + at);
    }
  }
  for (size_t i = 0; i < inputs.size() && i < g.numInputs(); ++i) {
    const TensorView<T> v = values[i];
    for (int64_t k = 0; k < v.numel(); ++k) {
      if (!identical(v[k], inputs[i][k])) {
        return oracle::Mismatch{"layout",
                                static_cast<int64_t>(i),
                                v.shape.indexText(k),
                                elementText(v[k]),
                                elementText(inputs[i][k]),
                                "input did not pass through unchanged" + at};
      }
    }
  }
  return std::nullopt;
}

// compile<F> on the rounded inputs: fails only where the exact spec fails the same way (a domain
// error of the spec is an IEEE result at F, by design).
template <class F>
std::optional<Outcome> floatLayout(const Case& c, const std::optional<Error>& specError) {
  const std::vector<Tensor<F>> inputs = rounded<F>(c.inputs);
  Result<Compiled<F>> compiled = compile<F>(c.graph, inputs);
  if (!compiled.ok()) {
    const Error* spec = specError ? &*specError : nullptr;
    if (std::optional<Outcome> d = disagreement(&compiled.error(), spec,
                                                "compile<" + std::string(scalarName<F>()) + ">")) {
      return d;
    }
    return std::nullopt;
  }
  if (auto m = contextLayout<F>(c.graph, compiled->values(), inputs, scalarName<F>())) {
    return failWith(*m, "the " + std::string(scalarName<F>()) + " value context is not Γ ++ ss");
  }
  return std::nullopt;
}

template <class T>
std::optional<Outcome> tapeSize(const Compiled<T>& compiled, const Graph& g,
                                std::string_view scalar) {
  if (compiled.tape().size() == g.numValues()) return std::nullopt;
  return failWith({"out-id", -1, "", std::to_string(compiled.tape().size()),
                   std::to_string(g.numValues()), "tape size (" + std::string(scalar) + ")"},
                  "tape size differs from |Γ|+|ss|");
}

std::optional<Outcome> checkedOutIdContract(const Graph& g) {
  Result<size_t> out = checkedOutId(g);
  if (g.numNodes() > 0) {
    const size_t expected = g.numValues() - 1;
    if (out.ok() && out.value() == expected && outId(g) == expected) return std::nullopt;
    return failWith({"out-id", static_cast<int64_t>(expected), "",
                     out.ok() ? std::to_string(out.value()) : describe(out.error()),
                     std::to_string(expected), "checkedOutId = |Γ|+|ss|-1"},
                    "checkedOutId is not the last value id");
  }
  if (!out.ok() && out.error().code == ErrorCode::NoOutput &&
      out.error().message.find("compiled graph has no output node") != std::string::npos) {
    return std::nullopt;
  }
  return failWith({"out-id", -1, "", out.ok() ? std::to_string(out.value()) : describe(out.error()),
                   "NoOutput: compiled graph has no output node", "checkedOutId with ss empty"},
                  "checkedOutId of a graph without nodes is not the NoOutput error");
}

// The layout at the reference scalar: Rational, or Interval when the graph holds a transcendental
// op. `settled` is the forward's own outcome (discard, inconclusive) when it decided one; the
// reference's error, when both sides failed, is what the float compiles must agree with.
struct ReferenceLayout {
  std::optional<Outcome> failed;   // a failure (or disagreement) to return at once
  std::optional<Outcome> settled;  // the forward's outcome when it was not a plain pass
  std::optional<Error> specError;
};

template <class Forward, class T>
ReferenceLayout referenceLayout(const Case& c, const Forward& fw, std::span<const Tensor<T>> inputs,
                                std::string_view scalar) {
  ReferenceLayout out;
  out.specError = fw.specError;
  if (fw.settled && fw.settled->status == Outcome::Status::Fail) {
    out.failed = fw.settled;
    return out;
  }
  out.settled = fw.settled;
  if (fw.engine) {
    if (auto m = contextLayout<T>(c.graph, fw.engine->values(), inputs, scalar)) {
      out.failed = failWith(*m, "the " + std::string(scalar) + " value context is not Γ ++ ss");
    }
  }
  return out;
}

ReferenceLayout referenceLayout(const Case& c, OnBothFail policy) {
  if (hasTranscendental(c.graph)) {
    const IntervalForward fw = runIntervalForward(c, policy);
    return referenceLayout<IntervalForward, Interval>(c, fw, fw.inputs, "interval");
  }
  return referenceLayout<ExactForward, Rational>(c, runExactForward(c, policy), c.inputs, "exact");
}

template <class T>
std::optional<Outcome> tapeSizeOf(const std::optional<Compiled<T>>& compiled, const Graph& g,
                                  std::string_view scalar) {
  if (!compiled) return std::nullopt;
  return tapeSize(*compiled, g, scalar);
}

}  // namespace

Outcome checkLayout(const Case& c) {
  ReferenceLayout ref = referenceLayout(c, OnBothFail::Discard);
  if (ref.failed) return *ref.failed;
  if (auto o = floatLayout<double>(c, ref.specError)) return *o;
  if (auto o = floatLayout<float>(c, ref.specError)) return *o;
  return ref.settled ? *ref.settled : Outcome::pass();
}

Outcome checkOutId(const Case& c) {
  std::optional<Error> specError;
  std::optional<Outcome> settled;
  if (hasTranscendental(c.graph)) {
    IntervalForward fw = runIntervalForward(c, OnBothFail::Pass);
    if (fw.settled && fw.settled->status == Outcome::Status::Fail) return *fw.settled;
    if (auto o = tapeSizeOf(fw.engine, c.graph, "interval")) return *o;
    specError = fw.specError;
    settled = fw.settled;
  } else {
    ExactForward fw = runExactForward(c, OnBothFail::Pass);
    if (fw.settled && !fw.settled->passed()) return *fw.settled;
    if (auto o = tapeSizeOf(fw.engine, c.graph, "exact")) return *o;
    specError = fw.specError;
  }
  Result<Compiled<double>> d = compile<double>(c.graph, rounded<double>(c.inputs));
  if (d.ok()) {
    if (auto o = tapeSize(d.value(), c.graph, "double")) return *o;
  } else if (auto o =
                 disagreement(&d.error(), specError ? &*specError : nullptr, "compile<double>")) {
    return *o;
  }
  if (auto o = checkedOutIdContract(c.graph)) return *o;
  // An inconclusive interval forward leaves the tape unchecked at Interval: say so.
  return settled && settled->status == Outcome::Status::Inconclusive ? *settled : Outcome::pass();
}

}  // namespace verigrad::props::detail
