// The global theorems: numel of in-bound shapes fits the engine's 2^62 check, row-major offsets of
// in-range indices stay below numel (a per-axis step lemma, then its composition), and the output
// id lies among the produced nodes, with what the unchecked formula gives when there is none.
#include <z3++.h>

#include <algorithm>
#include <functional>

#include "query.hpp"
#include "theorems_internal.hpp"
#include "verigrad/shape.hpp"
#include "verigrad/smt/translate.hpp"

namespace verigrad::smt::detail {
namespace {

constexpr const char* kNumelBound = "numel-bound";
constexpr const char* kNumelLemmas = "numel-lemmas";
constexpr const char* kOffsetStep = "offset-step";
constexpr const char* kOffsetInRange = "offset-in-range";
constexpr const char* kOutIdRange = "out-id-range";
constexpr const char* kOutIdUnchecked = "out-id-unchecked";

// Proves hyps => goal into `out`; false once decided against (with `explain` as the
// counterexample).
bool proveInto(TheoremResult& out, const z3::expr& hyps, const z3::expr& goal, QueryOptions q,
               const std::function<std::string(const z3::model&)>& explain) {
  const QueryResult r = prove(hyps, goal, q);
  if (!account(out, r)) return false;
  if (r.verdict == Verdict::Refuted) {
    out.status = TheoremStatus::Failed;
    out.counterexample = explain(*r.model);
    return false;
  }
  return true;
}

// For every rank r <= maxRank and dims in [0, maxDim], Shape::checkedNumel (the engine's, in its
// int64 form) succeeds and numel <= 2^62: so within the bounds every shape is valid, and the
// operand-validity hypotheses of the per-op theorems exclude nothing.
void numelBound(const Options& o, TheoremResult& out) {
  z3::context c;
  Translator t(c);
  for (int r = 0; r <= o.maxRank; ++r) {
    std::vector<z3::expr> dims;
    z3::expr bounds = c.bool_val(true);
    for (int k = 0; k < r; ++k) {
      dims.push_back(t.dimVar("d." + std::to_string(k)));
      bounds = bounds && z3::ule(Translator::dimVarBits(dims.back()),
                                 c.bv_val(static_cast<uint64_t>(o.maxDim), kDimBits));
    }
    const SymInt n = t.checkedNumel(dims);
    const z3::expr goal = n.defined && z3::ule(n.value, t.word(Shape::kMaxNumel));
    QueryOptions q;
    q.timeoutMs = o.timeoutMs;
    if (!proveInto(out, bounds, goal, q, [&](const z3::model& m) {
          return "rank " + std::to_string(r) + ": dims " + dimsIn(m, dims) +
                 " exceed 2^62 elements";
        })) {
      return;
    }
  }
}

// The facts numel_lemmas.cpp asserts about every abstract product chain, checked against the
// exact chain over unconstrained int64 dims (box lemmas are proved where they are used).
void numelLemmas(const Options& o, TheoremResult& out) {
  z3::context c;
  Translator t(c);
  const z3::expr zero = t.word(0), limit = t.word(Shape::kMaxNumel);
  QueryOptions q;
  q.timeoutMs = o.timeoutMs;
  for (int r = 1; r <= std::max(o.maxRank, 1); ++r) {
    std::vector<z3::expr> dims;
    for (int k = 0; k < r; ++k)
      dims.push_back(c.bv_const(("d." + std::to_string(k)).c_str(), kWordBits));
    const SymInt chain = t.exactChain(dims);
    z3::expr goal =
        z3::implies(chain.defined, z3::sle(zero, chain.value) && z3::ule(chain.value, limit));
    if (r == 1) {
      goal = goal && (chain.defined == (z3::sle(zero, dims[0]) && z3::ule(dims[0], limit))) &&
             chain.value == dims[0];
    }
    if (!proveInto(out, c.bool_val(true), goal, q, [&](const z3::model& m) {
          return "rank " + std::to_string(r) + ": dims " + dimsIn(m, dims);
        })) {
      return;
    }
  }
}

// i*d + j < D*d for 0 <= i < D, 0 <= j < d, over unbounded integers. (64-bit bit-vector
// multiplication makes this intractable for bit-blasting: >100 s without an answer; the integer
// form is linear reasoning plus one monotonicity lemma for Z3's non-linear solver.)
void offsetStep(const Options& o, TheoremResult& out) {
  z3::context c;
  const z3::expr D = c.int_const("D"), d = c.int_const("d"), i = c.int_const("i"),
                 j = c.int_const("j");
  QueryOptions q;
  q.timeoutMs = o.timeoutMs;
  q.logic = Logic::Integers;
  proveInto(out, 0 <= i && i < D && 0 <= j && j < d, i * d + j < D * d, q, [&](const z3::model& m) {
    return "D = " + std::to_string(wordIn(m, D)) + ", d = " + std::to_string(wordIn(m, d)) +
           ", i = " + std::to_string(wordIn(m, i)) + ", j = " + std::to_string(wordIn(m, j));
  });
}

// The row-major offset o = (..((j0*d1 + j1)*d2 + j2)..) of an in-range index of a rank-r shape is
// < numel, for r = 1..maxRank, by composing the step: the hypotheses are the step lemma's
// instances (offset-step) and numel <= 2^62 for each prefix shape (numel-bound), so every partial
// offset is in [0, 2^62) and int64 computes it exactly.
void offsetInRange(const Options& o, TheoremResult& out) {
  z3::context c;
  QueryOptions q;
  q.timeoutMs = o.timeoutMs;
  q.logic = Logic::Integers;
  const z3::expr limit = c.int_val(static_cast<int64_t>(Shape::kMaxNumel));
  for (int r = 1; r <= o.maxRank; ++r) {
    std::vector<z3::expr> d, j;
    z3::expr hyps = c.bool_val(true);
    for (int k = 0; k < r; ++k) {
      d.push_back(c.int_const(("d." + std::to_string(k)).c_str()));
      j.push_back(c.int_const(("j." + std::to_string(k)).c_str()));
      hyps = hyps && 0 <= d[k] && d[k] <= c.int_val(static_cast<int64_t>(o.maxDim)) && 0 <= j[k] &&
             j[k] < d[k];
    }
    z3::expr offset = j[0], numel = d[0];
    z3::expr goal = 0 <= offset && offset < numel;
    hyps = hyps && numel <= limit;
    for (int k = 1; k < r; ++k) {
      const z3::expr next = offset * d[k] + j[k];
      const z3::expr nextNumel = numel * d[k];
      // offset-step with i = offset, D = numel, d = d[k], j = j[k]; numel-bound for the prefix.
      hyps = hyps &&
             z3::implies(0 <= offset && offset < numel && 0 <= j[k] && j[k] < d[k],
                         next < nextNumel) &&
             0 <= offset * d[k] && nextNumel <= limit;
      offset = next;
      numel = nextNumel;
      goal = goal && 0 <= offset && offset < numel;
    }
    if (!proveInto(out, hyps, goal, q, [&, r](const z3::model& m) {
          std::string idx, dims;
          for (int k = 0; k < r; ++k) {
            idx += (k ? "," : "") + std::to_string(wordIn(m, j[static_cast<size_t>(k)]));
            dims += (k ? "," : "") + std::to_string(wordIn(m, d[static_cast<size_t>(k)]));
          }
          return "index [" + idx + "] of shape [" + dims + "]";
        })) {
      return;
    }
  }
}

// graph.cpp's checkedOutId in size_t (64-bit unsigned): NoOutput when |ss| = 0, else
// |Γ| + |ss| - 1.
SymInt checkedOutId(const z3::expr& inputs, const z3::expr& nodes) {
  z3::context& c = inputs.ctx();
  return {inputs + nodes - c.bv_val(1, kWordBits), nodes != c.bv_val(0, kWordBits)};
}

// For all |Γ| >= 0 and |ss| >= 1 with |Γ| + |ss| representable: |Γ| <= checkedOutId < |Γ| + |ss|,
// i.e. the output is a produced node.
void outIdRange(const Options& o, TheoremResult& out) {
  z3::context c;
  const z3::expr g = c.bv_const("inputs", kWordBits), s = c.bv_const("nodes", kWordBits);
  const SymInt id = checkedOutId(g, s);
  QueryOptions q;
  q.timeoutMs = o.timeoutMs;
  proveInto(out, s != c.bv_val(0, kWordBits) && z3::bvadd_no_overflow(g, s, false),
            id.defined && z3::ule(g, id.value) && z3::ult(id.value, g + s), q,
            [&](const z3::model& m) {
              return "|Γ| = " + std::to_string(static_cast<uint64_t>(wordIn(m, g))) +
                     ", |ss| = " + std::to_string(static_cast<uint64_t>(wordIn(m, s)));
            });
}

// With |ss| = 0 the unchecked size_t formula |Γ| + |ss| - 1 is |Γ| - 1: an input's id when
// |Γ| >= 1, and 2^64 - 1 (wrapped) when |Γ| = 0; never a produced node. Z3 exhibits both values.
void outIdUnchecked(const Options& o, TheoremResult& out) {
  z3::context c;
  const z3::expr g = c.bv_const("inputs", kWordBits), s = c.bv_const("nodes", kWordBits);
  const z3::expr zero = c.bv_val(0, kWordBits);
  const z3::expr unchecked = g + s - c.bv_val(1, kWordBits);
  QueryOptions q;
  q.timeoutMs = o.timeoutMs;
  const z3::expr maxSize = c.bv_val(UINT64_MAX, kWordBits);
  const z3::expr statement = !checkedOutId(g, s).defined &&
                             z3::implies(g != zero, z3::ult(unchecked, g)) &&
                             z3::implies(g == zero, unchecked == maxSize);
  if (!proveInto(out, s == zero, statement, q, [&](const z3::model& m) {
        return "|Γ| = " + std::to_string(static_cast<uint64_t>(wordIn(m, g)));
      })) {
    return;
  }
  // Witnesses: Z3 picks |Γ| such that the formula is not even an input id, then one where it is.
  const QueryResult wrap = satisfy(s == zero && z3::uge(unchecked, g), q);
  if (!account(out, wrap)) return;
  // Any |Γ| >= 1 would do; a small one reads better.
  const QueryResult input =
      satisfy(s == zero && g != zero && z3::ule(g, c.bv_val(3, kWordBits)), q);
  if (!account(out, input)) return;
  if (!wrap.model || !input.model) {
    out.status = TheoremStatus::Failed;
    out.counterexample = "Z3 found no witness for |ss| = 0";
    return;
  }
  auto shown = [&](const z3::model& m) {
    return "|Γ| = " + std::to_string(static_cast<uint64_t>(wordIn(m, g))) + " gives " +
           std::to_string(static_cast<uint64_t>(wordIn(m, unchecked)));
  };
  out.detail = "Z3 models with |ss| = 0: " + shown(*wrap.model) + " (2^64 - 1, wrapped), " +
               shown(*input.model) + " (an input's id); checkedOutId returns NoOutput instead";
}

}  // namespace

std::vector<Theorem> globalTheorems() {
  return {
      {kNumelBound, std::nullopt,
       "every shape of rank <= maxRank with dims <= maxDim passes Shape::checkedNumel: numel <= "
       "2^62"},
      {kNumelLemmas, std::nullopt,
       "the facts assumed of abstract product chains hold of checkedNumel's exact chain: a chain "
       "that fits has product in [0, 2^62]; a one-factor chain fits iff 0 <= d <= 2^62 and is d"},
      {kOffsetStep, std::nullopt, "i*d + j < D*d for 0 <= i < D, 0 <= j < d (integers)"},
      {kOffsetInRange, std::nullopt,
       "the row-major offset of an in-range index is in [0, numel), and every partial offset "
       "fits int64 (composition of offset-step over the axes, with numel-bound)"},
      {kOutIdRange, std::nullopt,
       "for |ss| >= 1 (size_t, no overflow of |Γ| + |ss|): |Γ| <= checkedOutId < |Γ| + |ss|"},
      {kOutIdUnchecked, std::nullopt,
       "for |ss| = 0 the unchecked size_t formula |Γ| + |ss| - 1 names an input (|Γ| >= 1) or "
       "wraps to 2^64 - 1 (|Γ| = 0), never a produced node; checkedOutId errors"},
  };
}

void runGlobalTheorem(const Theorem& theorem, const Options& options, TheoremResult& out) {
  out.status = TheoremStatus::Proved;
  const std::string& n = theorem.name;
  if (n == kNumelBound) return numelBound(options, out);
  if (n == kNumelLemmas) return numelLemmas(options, out);
  if (n == kOffsetStep) return offsetStep(options, out);
  if (n == kOffsetInRange) return offsetInRange(options, out);
  if (n == kOutIdRange) return outIdRange(options, out);
  if (n == kOutIdUnchecked) return outIdUnchecked(options, out);
  out.status = TheoremStatus::Error;
  out.detail = "unknown theorem " + n;
}

}  // namespace verigrad::smt::detail
