// Interval comparisons of engine<Interval> with spec<Interval> (design.md, "The oracle"): error
// agreement first, then per element: the two enclosures must intersect (disjoint enclosures are a
// proven disagreement: a Mismatch, whatever their widths), and both must be narrow (relative
// width <= 2^-floor(p/2) with an absolute floor, p = precision bits; Interval's isNarrow).
// Intersecting but not narrow is INCONCLUSIVE: counted and reported, never a pass and never a
// failure on its own; a run fails when inconclusive cases exceed a stated share
// (kMaxInconclusiveShare).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "verigrad/interval_engine.hpp"
#include "verigrad/oracle/mismatch.hpp"
#include "verigrad/spec/value.hpp"

namespace verigrad::oracle {

// The share of inconclusive cases above which a property run fails (per property).
inline constexpr double kMaxInconclusiveShare = 0.05;

// The absolute floor of the acceptance width at precision p: 2^-floor(p/2) (so at 256 bits a
// value near 0 is narrow when its width is <= 2^-128).
Rational acceptanceFloor(long precisionBits);

struct IntervalComparison {
  // Set when the enclosures of some element are provably disjoint (or shapes/counts differ, or
  // errors disagree in a way no enclosure width explains): the first such element.
  std::optional<Mismatch> mismatch;
  int64_t elements = 0;      // elements compared
  int64_t inconclusive = 0;  // elements that intersect but are not both narrow
  // The first inconclusive element, reported as a Mismatch record ("inconclusive" in `what`,
  // both enclosures and their widths in engine/spec/detail), for the run's summary.
  std::optional<Mismatch> firstInconclusive;

  bool failed() const { return mismatch.has_value(); }
  bool conclusive() const { return !mismatch && inconclusive == 0; }
};

// Error agreement at intervals. Both ok, or both failed at the same node with the same code:
// agreement (an empty comparison). A DomainError on one side only is INCONCLUSIVE (one count):
// an enclosure that merely reaches 0 or below cannot decide whether the true value is outside
// the domain. Any other disagreement is a Mismatch ("error").
IntervalComparison compareIntervalOutcomes(const Error* engine, const Error* spec);
template <class A, class B>
IntervalComparison compareIntervalOutcomes(const Result<A>& engine, const Result<B>& spec) {
  return compareIntervalOutcomes(engine.ok() ? nullptr : &engine.error(),
                                 spec.ok() ? nullptr : &spec.error());
}

// Every value of `engine` against the spec's, element by element as above. `what` names the
// context in reports ("value", "gradient").
IntervalComparison compareInterval(const Context<Interval>& engine,
                                   std::span<const spec::Value<Interval>> spec,
                                   std::string_view what);
// The same for one pair of enclosures (element `element` of value `node`), e.g. for an adjoint
// identity's two sides.
IntervalComparison compareEnclosures(const Interval& engine, const Interval& spec,
                                     std::string_view what, int64_t node = -1,
                                     std::string_view element = "");

// Conversions: exact tensors to rigorous interval enclosures (mpfi_set_q, points for dyadic
// values), and between engine tensors and spec values at Interval.
std::vector<Tensor<Interval>> toIntervalTensors(std::span<const Tensor<Rational>> tensors);
std::vector<spec::Value<Interval>> toSpecValues(std::span<const Tensor<Interval>> tensors);
std::vector<spec::Value<Interval>> toSpecValues(const Context<Interval>& ctx);

}  // namespace verigrad::oracle
