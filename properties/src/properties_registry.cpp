// The property table (ids, scalar types, statements, check functions) and failure reports.
#include <array>

#include "property_checks.hpp"
#include "verigrad/oracle/compare_interval.hpp"
#include "verigrad/oracle/mismatch.hpp"

namespace verigrad::props {
namespace {

using namespace detail;

constexpr std::array<Property, 12> kProperties{{
    {"layout", "exact, interval, double, float",
     "the value context has |Γ|+|ss| values, value i has shape (Γ ++ ss)[i], and the inputs "
     "pass through unchanged",
     &checkLayout},
    {"out-id", "exact, interval, double",
     "the tape has |Γ|+|ss| nodes; checkedOutId is |Γ|+|ss|-1 when ss is non-empty and the "
     "NoOutput error otherwise",
     &checkOutId},
    {"forward-spec", "exact, interval",
     "engine<Rational> values equal spec::evaluate exactly (with transcendental ops: "
     "engine<Interval> "
     "and spec<Interval> enclosures intersect and are narrow), and declared shapes equal the "
     "spec's",
     &checkForwardSpec},
    {"backward-spec", "exact, interval",
     "backwardDenseFrom(s) equals spec::denseGradient(s) for a random full seed context s "
     "(exactly; with transcendental ops, as intersecting narrow enclosures)",
     &checkBackwardSpec},
    {"vjp-linearity", "exact, interval",
     "B(a s1 + b s2) = a B(s1) + b B(s2), B = backwardDenseFrom (exactly; with transcendental ops, "
     "as intersecting narrow enclosures)",
     &checkVjpLinearity},
    {"adjoint", "exact, interval",
     "Σ_{j∈Γ++ss} <spec::jvp(dx)_j, s_j> = Σ_{i∈Γ} <dx_i, backwardDenseFrom(s)_i> (exactly; with "
     "transcendental ops, as intersecting narrow enclosures)",
     &checkAdjoint},
    {"all-vs-from", "exact, interval",
     "backwardDenseAll(o, s) = backwardDenseFrom(one-hot(o, s)) (exactly; with transcendental "
     "ops, as intersecting narrow enclosures); the gradient at o is s; non-ancestors of o get zero",
     &checkAllVsFrom},
    {"bad-input", "exact, interval, double",
     "wrong input counts and shapes, wrong seed counts and shapes, out-of-range output ids, "
     "malformed nodes (bad eps, mismatched layerNorm operands) and transcendental ops at the "
     "exact scalar give their documented errors (and the spec's), never a crash",
     &checkBadInput},
    {"determinism", "double, float",
     "compile and both sweeps give bit-identical results across repeated runs and across "
     "OpenBLAS thread counts 1 and 2",
     &checkDeterminism},
    {"float-local", "double, float",
     "every forward value and every gradient of both sweeps lies within the local rounding "
     "bound of its op evaluated exactly at the engine's own operands",
     &checkFloatLocal},
    {"plan-reuse", "double, float",
     "a Plan made once and rerun (inputs A with a full seed context, inputs B with a one-hot "
     "seed, A again) gives values and gradients bit-identical to a fresh compile each time (a "
     "NaN matches any NaN: IEEE 754 leaves a NaN's sign unspecified)",
     &checkPlanReuse},
    {"compile-adopt", "exact, double, float",
     "compile(g, std::move(inputs)) gives values and gradients identical to compile(g, inputs), "
     "refuses exactly when it does and then hands the inputs back untouched, keeps Γ's slots in "
     "the adopted buffers, and releaseInputs() returns those buffers (copies while the state is "
     "shared)",
     &checkCompileAdopt},
}};

}  // namespace

std::string_view statusName(Outcome::Status s) {
  switch (s) {
    case Outcome::Status::Pass:
      return "pass";
    case Outcome::Status::Fail:
      return "FAIL";
    case Outcome::Status::Discard:
      return "discard";
    case Outcome::Status::Inconclusive:
      return "inconclusive";
  }
  return "?";
}

double maxInconclusiveShare() { return oracle::kMaxInconclusiveShare; }

bool inconclusiveShareExceeded(uint64_t inconclusive, uint64_t applicable) {
  // inconclusive / applicable > share, without dividing by zero.
  return static_cast<double>(inconclusive) >
         oracle::kMaxInconclusiveShare * static_cast<double>(applicable);
}

std::span<const Property> properties() { return kProperties; }

const Property* findProperty(std::string_view id) {
  for (const Property& p : kProperties) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string report(const Property& p, const Outcome& o, const Case& c) {
  std::string out = "property " + std::string(p.id) + " [" + std::string(p.scalars) +
                    "]: " + std::string(p.statement) + "\n";
  out += std::string(statusName(o.status)) + ": " + o.message + "\n";
  if (o.mismatch) out += oracle::formatMismatch(p.id, *o.mismatch, c.graph);
  out += "case:\n" + printCase(c);
  return out;
}

}  // namespace verigrad::props
