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
#include "verigrad/interval_engine.hpp"
#include "verigrad/oracle/compare_exact.hpp"
#include "verigrad/oracle/compare_interval.hpp"
#include "verigrad/props/property.hpp"
#include "verigrad/spec/spec.hpp"

namespace verigrad::props::detail {

using SpecValues = std::vector<spec::Value<Rational>>;
using IntervalValues = std::vector<spec::Value<Interval>>;

// Whether the graph holds a transcendental op: its properties then run at Interval, not Rational
// (compile<Rational> and spec<Rational> refuse such graphs).
bool hasTranscendental(const Graph& g);
// The id of the first transcendental node, or -1.
int64_t firstTranscendental(const Graph& g);

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

// The same at Interval: compile<Interval> and spec::evaluate<Interval> on the case's inputs
// enclosed rigorously (oracle::toIntervalTensors), with interval error agreement
// (oracle::compareIntervalOutcomes: a DomainError on one side only is inconclusive).
struct IntervalForward {
  std::vector<Tensor<Interval>> inputs;      // the case's inputs as enclosures
  std::optional<Compiled<Interval>> engine;  // set when both succeeded
  IntervalValues spec;                       // the spec's values, when both succeeded
  std::optional<Error> specError;            // set when both failed
  std::optional<Outcome> settled;            // the property's outcome when already decided
};
IntervalForward runIntervalForward(const Case& c, OnBothFail policy);

// The reference's error on the case's valid request, for the float properties' error agreement:
// spec::evaluate at Rational, or at Interval when the graph holds a transcendental op.
std::optional<Error> referenceError(const Case& c);

// Interval comparisons of one property, merged: the first proven disagreement and the undecided
// elements (see oracle::IntervalComparison).
class IntervalTally {
 public:
  void add(oracle::IntervalComparison c);
  bool failed() const { return mismatch_.has_value(); }
  // Fail (with the first mismatch) when some comparison failed.
  std::optional<Outcome> failure(std::string_view message) const;
  // Fail as above, else Inconclusive when some element was undecided, else Pass.
  Outcome outcome(std::string_view failMessage, std::string_view what) const;

 private:
  std::optional<oracle::Mismatch> mismatch_;
  std::optional<oracle::Mismatch> firstInconclusive_;
  int64_t elements_ = 0, inconclusive_ = 0;
};

// Error agreement at intervals as an outcome: Fail on a mismatch, Inconclusive on a one-sided
// DomainError, nothing when the outcomes agree.
std::optional<Outcome> intervalDisagreement(const Error* engine, const Error* spec,
                                            std::string_view step);
template <class A, class B>
std::optional<Outcome> intervalDisagreement(const Result<A>& engine, const Result<B>& spec,
                                            std::string_view step) {
  return intervalDisagreement(engine.ok() ? nullptr : &engine.error(),
                              spec.ok() ? nullptr : &spec.error(), step);
}

// Exact tensors as rigorous enclosures, and spec values back to engine tensors.
std::vector<Tensor<Interval>> enclosures(std::span<const Tensor<Rational>> tensors);
std::vector<Tensor<Interval>> toTensors(std::span<const spec::Value<Interval>> values);
IntervalValues toValues(std::span<const Tensor<Interval>> tensors);
IntervalValues toValues(const Context<Interval>& ctx);

// Σ over the first `count` values and their elements of x_j[k] * y_j[k].
Rational innerProduct(const SpecValues& xs, std::span<const Tensor<Rational>> ys, size_t count);
Interval innerProduct(const IntervalValues& xs, std::span<const Tensor<Interval>> ys, size_t count);
// a s1 + b s2, tensor by tensor (exact).
std::vector<Tensor<Rational>> combination(const Rational& a, std::span<const Tensor<Rational>> s1,
                                          const Rational& b, std::span<const Tensor<Rational>> s2);

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

// The values whose gradients backwardDenseAll(o, ·) can reach: o itself, then the parents of
// reached nodes through gradient-carrying edges (not detach, not const).
std::vector<bool> reachedFrom(const Graph& g, size_t o);

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
// Intervals are identical when their endpoints (and precisions) are.
bool identical(const Interval& a, const Interval& b);
std::string elementText(const Interval& x);

}  // namespace verigrad::props::detail
