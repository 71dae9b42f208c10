// Steps the properties share: the exact engine beside the spec with error agreement first,
// conversions between engine contexts and spec values, inputs rounded to float types, and
// Outcome construction from oracle mismatches.
#pragma once

#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "verigrad/exact.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/props/property.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::props::detail {

using SpecValues = std::vector<spec::Value<Rational>>;

// What a property does when the engine and the spec both fail identically (same node, same kind):
// pass when that outcome is what the statement is about, discard when the statement needs values.
enum class OnBothFail { Pass, Discard };

// compile<Rational> and spec::evaluate on the case's inputs, compared for error agreement.
struct ExactForward {
  std::optional<Compiled<Rational>> engine;  // set when both succeeded
  SpecValues spec;                           // the spec's values, when both succeeded
  std::optional<Error> specError;            // set when both failed
  std::optional<Outcome> settled;            // the property's outcome when already decided
};
ExactForward runExactForward(const Case& c, OnBothFail policy);

// A Fail outcome when the two outcomes disagree (error agreement), nothing otherwise.
std::optional<Outcome> disagreement(const Error* engine, const Error* spec, std::string_view step);
template <class A, class B>
std::optional<Outcome> disagreement(const Result<A>& engine, const Result<B>& spec,
                                    std::string_view step) {
  return disagreement(engine.ok() ? nullptr : &engine.error(), spec.ok() ? nullptr : &spec.error(),
                      step);
}

Outcome failWith(oracle::Mismatch m, std::string message);

SpecValues toValues(const Context<Rational>& ctx);
SpecValues toValues(std::span<const Tensor<Rational>> tensors);

// The exact tensors correctly rounded to F (never through another format).
template <class F>
Tensor<F> rounded(const Tensor<Rational>& t);
template <class F>
std::vector<Tensor<F>> rounded(std::span<const Tensor<Rational>> ts);

// "double"/"float", for messages.
template <class F>
std::string_view scalarName();

std::string describe(const Error& e);

// Element identity: exact equality for rationals, bit equality for floats (signed zeros and NaN
// payloads count), and a printable form of either.
template <class T>
bool identical(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::memcmp(&a, &b, sizeof(T)) == 0;
  } else {
    return a == b;
  }
}
std::string elementText(const Rational& x);
std::string elementText(double x);
std::string elementText(float x);

}  // namespace verigrad::props::detail
