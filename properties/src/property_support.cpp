// Shared property steps (see property_support.hpp).
#include "property_support.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace verigrad::props::detail {

ExactForward runExactForward(const Case& c, OnBothFail policy) {
  ExactForward out;
  Result<Compiled<Rational>> engine = compile<Rational>(c.graph, c.inputs);
  Result<SpecValues> spec = spec::evaluate<Rational>(c.graph, toValues(c.inputs));
  if (std::optional<Outcome> d = disagreement(engine, spec, "compile vs spec::evaluate")) {
    out.settled = std::move(d);
    return out;
  }
  if (!engine.ok()) {
    out.specError = spec.error();
    out.settled = policy == OnBothFail::Pass
                      ? Outcome::pass()
                      : Outcome::discard("engine and spec both fail: " + describe(spec.error()));
    return out;
  }
  out.engine.emplace(std::move(engine).value());
  out.spec = std::move(spec).value();
  return out;
}

std::optional<Outcome> disagreement(const Error* engine, const Error* spec, std::string_view step) {
  std::optional<oracle::Mismatch> m = oracle::compareOutcomes(engine, spec);
  if (!m) return std::nullopt;
  m->detail = std::string(step) + ": " + m->detail;
  return failWith(std::move(*m), "error agreement fails in " + std::string(step));
}

Outcome failWith(oracle::Mismatch m, std::string message) {
  return Outcome::fail(std::move(message), std::move(m));
}

SpecValues toValues(const Context<Rational>& ctx) {
  SpecValues out;
  out.reserve(ctx.size());
  for (size_t id = 0; id < ctx.size(); ++id) {
    TensorView<Rational> v = ctx[id];
    out.push_back({v.shape, std::vector<Rational>(v.data, v.data + v.numel())});
  }
  return out;
}

SpecValues toValues(std::span<const Tensor<Rational>> tensors) {
  return oracle::toSpecValues(tensors);
}

template <class F>
Tensor<F> rounded(const Tensor<Rational>& t) {
  Tensor<F> out(t.shape());
  for (int64_t k = 0; k < t.numel(); ++k) {
    Result<F> x = [&] {
      if constexpr (std::is_same_v<F, float>) {
        return t[k].toFloat();
      } else {
        return t[k].toDouble();
      }
    }();
    // Only a value beyond the format's range fails to convert: it rounds to infinity.
    out[k] = x.ok() ? x.value() : std::numeric_limits<F>::infinity() * static_cast<F>(t[k].sign());
  }
  return out;
}

template <class F>
std::vector<Tensor<F>> rounded(std::span<const Tensor<Rational>> ts) {
  std::vector<Tensor<F>> out;
  out.reserve(ts.size());
  for (const Tensor<Rational>& t : ts) out.push_back(rounded<F>(t));
  return out;
}

template <>
std::string_view scalarName<double>() {
  return "double";
}
template <>
std::string_view scalarName<float>() {
  return "float";
}

std::string describe(const Error& e) {
  return std::string(errorCodeName(e.code)) +
         (e.node >= 0 ? " at %" + std::to_string(e.node) : "") + ": " + e.message;
}

std::string elementText(const Rational& x) { return x.str(); }

std::string elementText(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g (%a)", x, x);
  return buf;
}

std::string elementText(float x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g (%a)", static_cast<double>(x), static_cast<double>(x));
  return buf;
}

template Tensor<double> rounded<double>(const Tensor<Rational>&);
template Tensor<float> rounded<float>(const Tensor<Rational>&);
template std::vector<Tensor<double>> rounded<double>(std::span<const Tensor<Rational>>);
template std::vector<Tensor<float>> rounded<float>(std::span<const Tensor<Rational>>);

}  // namespace verigrad::props::detail
