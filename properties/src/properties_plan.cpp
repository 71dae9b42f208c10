// The `plan-reuse` property (issue 8): a Plan<F> made once and run three times (inputs A with a
// full seed context, inputs B written in place through input(i) with a one-hot seed at o, inputs A
// again with a one-hot seed) gives bit-identical values and gradients to a fresh compile<F> + Tape
// on the same inputs and seeds. A NaN matches any NaN: IEEE 754 (2008, §6.3) leaves a NaN result's
// sign unspecified, and C++ lets the compiler commute `a + b`, which decides whose NaN an add
// returns; the plan's scalar steps and compile's loops are different code, so only "both NaN" is
// a promise either can keep. Every other bit pattern must agree.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "property_checks.hpp"
#include "property_support.hpp"
#include "verigrad/plan.hpp"

namespace verigrad::props::detail {
namespace {

template <class F>
bool sameResult(F a, F b) {
  return identical(a, b) || (std::isnan(a) && std::isnan(b));
}

template <class F>
std::optional<Outcome> differs(const Context<F>& plan, const Context<F>& fresh,
                               std::string_view what, std::string_view run) {
  if (plan.size() != fresh.size()) {
    return failWith({std::string(what), -1, "", std::to_string(plan.size()) + " values",
                     std::to_string(fresh.size()) + " values", std::string(run)},
                    "context sizes differ");
  }
  for (size_t id = 0; id < plan.size(); ++id) {
    const TensorView<F> x = plan[id], y = fresh[id];
    for (int64_t k = 0; k < x.numel(); ++k) {
      if (sameResult(x[k], y[k])) continue;
      return failWith(
          {std::string(what), static_cast<int64_t>(id), x.shape.indexText(k), elementText(x[k]),
           elementText(y[k]),
           std::string(scalarName<F>()) + ", " + std::string(run) +
               ": Plan<F> (engine column) vs a fresh compile (spec column)"},
          "Plan<" + std::string(scalarName<F>()) + "> differs from compile in " + std::string(run));
    }
  }
  return std::nullopt;
}

std::optional<Outcome> sweepFailed(const Error& e, std::string_view step) {
  return failWith({"error", e.node, "", describe(e), "ok", std::string(step)},
                  std::string(step) + " fails on valid data");
}

// The plan's sweep and the fresh tape's agree: both succeed with bit-identical gradients, or both
// fail with the same code and message (e.g. an output id beyond an empty graph).
template <class F>
std::optional<Outcome> sameSweep(const Status& plan, const Plan<F>& p,
                                 const Result<Context<F>>& fresh, std::string_view run) {
  if (plan.ok() && fresh.ok()) return differs(p.gradients(), fresh.value(), "gradient", run);
  if (!plan.ok() && !fresh.ok() && plan.error().code == fresh.error().code &&
      plan.error().message == fresh.error().message) {
    return std::nullopt;
  }
  return failWith({"error", -1, "", plan.ok() ? "ok" : describe(plan.error()),
                   fresh.ok() ? "ok" : describe(fresh.error()), std::string(run)},
                  "the plan's sweep and a fresh tape's disagree on failing");
}

template <class F>
std::optional<Outcome> planReuseAt(const Case& c) {
  const Graph& g = c.graph;
  const std::vector<Tensor<F>> inputsA = rounded<F>(c.inputs);
  const std::vector<Tensor<F>> inputsB = rounded<F>(c.tangents);  // another point of Γ
  const std::vector<Tensor<F>> seedsA = rounded<F>(c.seedsA);
  const std::vector<Tensor<F>> seedsB = rounded<F>(c.seedsB);

  Result<Plan<F>> plan = Plan<F>::make(g);
  Result<Compiled<F>> freshA = compile<F>(g, inputsA);
  if (!plan.ok() || !freshA.ok()) {
    // Both refuse the graph (an unsupported op, a literal F cannot hold) with the same error.
    if (plan.ok() != freshA.ok() || plan.error().code != freshA.error().code ||
        plan.error().message != freshA.error().message) {
      return failWith(
          {"error", -1, "", plan.ok() ? "ok" : describe(plan.error()),
           freshA.ok() ? "ok" : describe(freshA.error()), "Plan<F>::make vs compile<F>"},
          "Plan<F>::make and compile<F> disagree on refusing the graph");
    }
    return std::nullopt;
  }
  Plan<F>& p = plan.value();

  // Run 1: inputs A, backwardDenseFrom with the full seed context A.
  if (Status s = p.forward(inputsA); !s.ok()) return sweepFailed(s.error(), "plan forward (A)");
  if (auto o = differs(p.values(), freshA->values(), "value", "run 1 (inputs A)")) return o;
  if (auto o = sameSweep(p.backwardDenseFrom(seedsA), p, freshA->tape().backwardDenseFrom(seedsA),
                         "run 1 backwardDenseFrom")) {
    return o;
  }

  // Run 2: inputs B written in place (input(i), then forward()), backwardDenseAll at o with B's
  // seed there.
  const size_t o = c.outId;
  Result<Compiled<F>> freshB = compile<F>(g, inputsB);
  if (!freshB.ok()) return sweepFailed(freshB.error(), "compile (B)");
  for (size_t i = 0; i < inputsB.size(); ++i) {
    Result<std::span<F>> slot = p.input(i);
    if (!slot.ok()) return sweepFailed(slot.error(), "plan input (B)");
    std::copy(inputsB[i].span().begin(), inputsB[i].span().end(), slot.value().begin());
  }
  if (Status s = p.forward(); !s.ok()) return sweepFailed(s.error(), "plan forward (B, in place)");
  if (auto d = differs(p.values(), freshB->values(), "value", "run 2 (inputs B)")) return d;
  const Tensor<F> seedB = o < seedsB.size() ? seedsB[o] : Tensor<F>::scalar(F(1));
  if (auto d = sameSweep(p.backwardDenseAll(o, seedB), p, freshB->tape().backwardDenseAll(o, seedB),
                         "run 2 backwardDenseAll")) {
    return d;
  }

  // Run 3: inputs A again, backwardDenseAll at o with A's seed: nothing of run 2 may remain.
  if (Status s = p.forward(inputsA); !s.ok()) return sweepFailed(s.error(), "plan forward (A)");
  if (auto d = differs(p.values(), freshA->values(), "value", "run 3 (inputs A again)")) return d;
  const Tensor<F> seedA = o < seedsA.size() ? seedsA[o] : Tensor<F>::scalar(F(1));
  return sameSweep(p.backwardDenseAll(o, seedA), p, freshA->tape().backwardDenseAll(o, seedA),
                   "run 3 backwardDenseAll");
}

}  // namespace

Outcome checkPlanReuse(const Case& c) {
  if (auto o = planReuseAt<double>(c)) return *o;
  if (auto o = planReuseAt<float>(c)) return *o;
  return Outcome::pass();
}

}  // namespace verigrad::props::detail
