// The case generators: a graph is INTERPRETED from a list of small choices, so any list yields a
// valid, well-typed graph, and RapidCheck's shrinking of the list (fewer, smaller choices) yields
// a smaller valid graph. Each choice also carries the data (input values, seeds, tangents) of the
// values it creates, so shrinking the graph keeps the data of what remains, and shrinking the data
// moves it toward zero.
//
// The interpreter (interpret) is plain C++; only the rc::Gen functions at the end of this header
// need RapidCheck.
#pragma once

#include <rapidcheck.h>

#include <array>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "verigrad/props/case.hpp"

namespace verigrad::props {

struct GenConfig {
  // Node budget: minNodes at RapidCheck size 0, maxNodes at size 100 (rc::kNominalSize), growing
  // linearly beyond. A case holds exactly the budget in choices (one case in 32 holds none: the
  // empty graph; a choice the caps cannot afford is skipped, rarely). Half the cases are rational
  // (CasePicks::mixed even) and half mixed, where a choice names a transcendental op with
  // probability 10/23; so a default run of 100 cases makes ~1500 nodes, ~29 of each rational op
  // and ~33 of each transcendental one: every op reaches kMinOpCountPer100 = 10 in all but about
  // one run in 10^2-10^3 (and a `verigrad check` run pools the cases of all ten properties,
  // ~1000). Shrinking removes choices freely.
  int minNodes = 12;
  int maxNodes = 20;
  // Element caps, so exact numbers and the spec's forward-mode gradients stay cheap.
  int64_t maxValueElements = 48;   // per value of Γ ++ ss
  int64_t maxGraphElements = 320;  // over all of Γ ++ ss
  // Longest chain of multiplicative ops (mul, div, square, inv, matmul, linear, bmm, mseLoss).
  // Their operands are chosen among values below the cap, or fresh inputs: numerators and
  // denominators then stay small (GMP aborts the process when an allocation fails).
  int maxMulDepth = 4;
  // exp, softplus, sigmoid, tanh and safeLog take operands whose magnitude is known to be at most
  // this (or fresh inputs): exp stays far from float overflow and interval widths stay small.
  double maxTranscendentalOperand = 4;
};

// The node budget at a RapidCheck size.
int nodeBudget(const GenConfig& cfg, int size);

// One choice: which op, small numbers the interpreter maps into operands, dims and attributes by
// modular arithmetic, and the data of the values the choice creates (its fresh inputs and its
// node), so removing other choices does not disturb them. Every field shrinks toward 0, which
// means "the simplest option": the most recent fitting value, dim 1, axis 0, the value 0.
struct Choice {
  static constexpr size_t kDataPicks = 7;  // a prime period, so rows of a [r,c] tensor differ
  using DataPicks = std::array<uint8_t, kDataPicks>;

  uint8_t op = 0;  // the rational op: rationalOps()[op % kNumRationalOps]
  // Mixed cases only: t = transcendental % kTranscendentalPeriod in [1, kNumTranscendentalOps]
  // replaces op by transcendentalOps()[t - 1]; any other t (0 first) keeps the rational op.
  uint8_t transcendental = 0;
  std::array<uint8_t, 3> operand{};  // per operand: pick among fitting values (newest first);
                                     // >= kFreshPick asks for a fresh input
  std::array<uint8_t, 3> dim{};      // dims of fresh inputs and of target shapes
  uint8_t attr = 0;                  // rank of fresh inputs, axis, index, start, prepended axes
  uint8_t aux = 0;                   // len, index count, "allow a zero divisor", "lo == hi"
  std::array<uint8_t, 3> lit{};      // scale c, clamp lo/hi (value-table picks), Nat indices
  // Value-table picks; element k of the choice's q-th fresh input takes pick (k + 3q) mod 7, and
  // element k of its node (seeds) pick k mod 7:
  DataPicks value{};    // fresh input elements and const payloads
  DataPicks seedA{};    // seedsA of the created values
  DataPicks seedB{};    // seedsB of the created values
  DataPicks tangent{};  // tangents of the fresh inputs
  friend bool operator==(const Choice&, const Choice&) = default;
};

inline constexpr uint8_t kFreshPick = 224;  // operand picks at or above this ask for a fresh input

// The ops a choice names: the catalogue split into the rational ops (exact scalars compute them)
// and the transcendental ones (isTranscendental: the interval scalar is their reference), each in
// catalogue order.
std::span<const Op> rationalOps();
std::span<const Op> transcendentalOps();
inline constexpr int kNumTranscendentalOps = 10;
inline constexpr int kNumRationalOps = kNumOps - kNumTranscendentalOps;
// Choice::transcendental is drawn uniformly below this: a transcendental op with probability
// kNumTranscendentalOps / kTranscendentalPeriod = 10/23 per choice of a mixed case.
inline constexpr int kTranscendentalPeriod = 23;

// The picks that belong to the case rather than to one choice.
struct CasePicks {
  uint8_t coeffA = 0, coeffB = 0;  // value-table picks
  uint8_t out = 0;                 // outId = last id - out (mod the value count): toward the output
  // Odd: a mixed case, whose choices may name transcendental ops (the properties then run at the
  // interval scalar); its inputs and literals are dyadic (exact points at Interval, so ties among
  // rational values stay decidable), and max/min/sub/mseLoss never take one enclosure twice.
  // Even (0 first): a rational case, checked exactly.
  uint8_t mixed = 0;
  friend bool operator==(const CasePicks&, const CasePicks&) = default;
};

// The op a choice names in a rational (mixed = false) or mixed case.
Op choiceOp(const Choice& c, bool mixed);

// What the interpreter made of the choices: the case, and what tests check about it.
struct Interpreted {
  Case c;
  std::vector<bool> nonZeroInput;   // per input of Γ: a fresh divisor, drawn without zeros
  std::vector<bool> positiveInput;  // per input of Γ: a fresh log operand, drawn positive
  std::vector<int> mulDepth;        // per value of Γ ++ ss
  // Per value of Γ ++ ss: a node whose operand was allowed outside the op's domain (a divisor
  // that may be zero, a log operand that may be <= 0). Every DomainError is at such a node.
  std::vector<bool> mayLeaveDomain;
  size_t skippedChoices = 0;  // choices the caps did not allow
  std::string internalError;  // empty unless the builder rejected a planned node (a bug)
};

Interpreted interpret(const std::vector<Choice>& choices, const CasePicks& picks,
                      const GenConfig& cfg);

// The small exact numbers values are drawn from (the first entry is what picks shrink to).
Rational tableValue(uint8_t pick);          // 0, ±1, ±1/2, ±2, 1/3, 3/4, ... (0 favoured)
Rational nonZeroTableValue(uint8_t pick);   // the same without 0 (1 first)
Rational positiveTableValue(uint8_t pick);  // 1, 2, 1/2, 3, 1/3, ... (1 favoured, >= 1/4)
inline constexpr int kValueTableSize = 16;
// eps of safeLog and layerNorm: 1/1000000 (GraphBuilder::defaultEpsilon) first, then 1/1000,
// 1/100, 1/10, 1/3, 1/2, 1.
ExactLiteral epsilonValue(uint8_t pick);

// Per-op node counts of a case (index = static_cast<int>(Op)), and their sum over cases.
using OpCounts = std::array<uint64_t, kNumOps>;
OpCounts opCounts(const Case& c);
void addOpCounts(OpCounts& total, const OpCounts& more);
// What a default run of 100 cases must reach for every op, and a one-line-per-op table.
inline constexpr uint64_t kMinOpCountPer100 = 10;
std::string formatOpCounts(const OpCounts& counts);

// ---- RapidCheck generators (explicit; no rc::Arbitrary specialisations)

rc::Gen<Choice> genChoice();
// nodeBudget(cfg, size) choices (none in one case of 32); shrinks by removing chunks of choices,
// then by shrinking each choice's fields toward 0.
rc::Gen<std::vector<Choice>> genChoices(const GenConfig& cfg);
// Uniform picks; mixed is 0 or 1 with equal odds (shrinks to 0: the rational case).
rc::Gen<CasePicks> genCasePicks();
// A whole case: choices and case picks, interpreted. Shrinks the choices first.
rc::Gen<Case> genCase(const GenConfig& cfg);
// The same, always mixed (CasePicks::mixed = 1): cases for the interval properties' own tests.
rc::Gen<Case> genMixedCase(const GenConfig& cfg);
// A shape of rank 0-3 with dims 0-4, favouring 1 and 2 (rank and dims shrink toward [1]).
rc::Gen<Shape> genShape();

// How RapidCheck prints a case in a counterexample: the case file text.
void showValue(const Case& c, std::ostream& os);
void showValue(const Choice& c, std::ostream& os);

}  // namespace verigrad::props
