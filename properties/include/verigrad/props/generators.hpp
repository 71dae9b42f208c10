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
#include <string>
#include <vector>

#include "verigrad/props/case.hpp"

namespace verigrad::props {

struct GenConfig {
  // Node budget: minNodes at RapidCheck size 0, maxNodes at size 100 (rc::kNominalSize), growing
  // linearly beyond. A case holds exactly the budget in choices (one case in 32 holds none: the
  // empty graph; a choice the caps cannot afford is skipped, rarely), so a default run of 100
  // cases makes ~1250 nodes, ~32 per op, and every op reaches kMinOpCountPer100 in all but about
  // one run in 10^3-10^4. Shrinking removes choices freely.
  int minNodes = 10;
  int maxNodes = 16;
  // Element caps, so exact numbers and the spec's forward-mode gradients stay cheap.
  int64_t maxValueElements = 48;   // per value of Γ ++ ss
  int64_t maxGraphElements = 320;  // over all of Γ ++ ss
  // Longest chain of multiplicative ops (mul, div, square, inv, matmul, linear, bmm, mseLoss).
  // Their operands are chosen among values below the cap, or fresh inputs: numerators and
  // denominators then stay small (GMP aborts the process when an allocation fails).
  int maxMulDepth = 4;
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

  uint8_t op = 0;                    // index into the catalogue (allOps()), modulo kNumOps
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

// The picks that belong to the case rather than to one choice.
struct CasePicks {
  uint8_t coeffA = 0, coeffB = 0;  // value-table picks
  uint8_t out = 0;                 // outId = last id - out (mod the value count): toward the output
  friend bool operator==(const CasePicks&, const CasePicks&) = default;
};

// What the interpreter made of the choices: the case, and what tests check about it.
struct Interpreted {
  Case c;
  std::vector<bool> nonZeroInput;  // per input of Γ: a fresh divisor, drawn without zeros
  std::vector<int> mulDepth;       // per value of Γ ++ ss
  size_t skippedChoices = 0;       // choices the caps did not allow
  std::string internalError;       // empty unless the builder rejected a planned node (a bug)
};

Interpreted interpret(const std::vector<Choice>& choices, const CasePicks& picks,
                      const GenConfig& cfg);

// The small exact numbers values are drawn from (the first entry is what picks shrink to).
Rational tableValue(uint8_t pick);         // 0, ±1, ±1/2, ±2, 1/3, 3/4, ... (0 favoured)
Rational nonZeroTableValue(uint8_t pick);  // the same without 0 (1 first)
inline constexpr int kValueTableSize = 16;

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
rc::Gen<CasePicks> genCasePicks();
// A whole case: choices and case picks, interpreted. Shrinks the choices first.
rc::Gen<Case> genCase(const GenConfig& cfg);
// A shape of rank 0-3 with dims 0-4, favouring 1 and 2 (rank and dims shrink toward [1]).
rc::Gen<Shape> genShape();

// How RapidCheck prints a case in a counterexample: the case file text.
void showValue(const Case& c, std::ostream& os);
void showValue(const Choice& c, std::ostream& os);

}  // namespace verigrad::props
