// The choice interpreter: turns any list of choices into a valid, well-typed graph (and any data
// picks into exact tensors for it). Operands come from existing values of fitting shape or from
// fresh inputs; attributes are reduced into range; a choice the element caps cannot afford is
// skipped. Each choice adds at most one node (never helper nodes), so k choices give at most k
// nodes and the shrinks RapidCheck tries (fewer choices, smaller fields) stay small.
//
// Domains: every value carries a bound on its magnitude and, when it is certainly positive, a
// positive lower bound, both derived from its op and operands (fresh inputs: the tables below).
// log takes only certainly positive operands (lower bound well above 0, so the interval
// enclosure excludes 0 too), exp/softplus/sigmoid/tanh/safeLog only moderate ones; a choice can
// ask for an operand outside the domain (zero divisors, log of <= 0), which marks the node.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "verigrad/graph_builder.hpp"
#include "verigrad/props/generators.hpp"
#include "verigrad/shape_rules.hpp"

namespace verigrad::props {
namespace {

// Dims favour 1 and 2 (the first entry is what a shrunk pick gives); 0 and 4 appear too.
constexpr int64_t kDims[10] = {1, 2, 3, 0, 2, 1, 4, 3, 2, 1};
constexpr int kRanks[8] = {1, 2, 0, 3, 1, 2, 3, 0};

int64_t dimOf(uint8_t pick) { return kDims[pick % 10]; }
int rankOf(uint8_t pick) { return kRanks[pick % 8]; }

struct Ratio {
  int64_t num, den;
};
// 0, 1 and -1 appear more than once so that zeros and ties are common.
constexpr Ratio kTable[kValueTableSize] = {{0, 1},  {1, 1}, {-1, 1}, {1, 2},  {-1, 2}, {2, 1},
                                           {-2, 1}, {1, 3}, {3, 4},  {-1, 3}, {3, 1},  {-3, 4},
                                           {0, 1},  {1, 1}, {-1, 1}, {0, 1}};
constexpr Ratio kNonZeroTable[kValueTableSize] = {
    {1, 1},  {-1, 1}, {1, 2},  {-1, 2}, {2, 1},  {-2, 1}, {1, 3},  {3, 4},
    {-1, 3}, {3, 1},  {-3, 4}, {1, 1},  {-1, 1}, {2, 3},  {-3, 1}, {1, 4}};
// Ties (1) favoured; every entry in [1/4, 3].
constexpr Ratio kPositiveTable[kValueTableSize] = {{1, 1}, {2, 1}, {1, 2}, {3, 1}, {1, 3}, {3, 4},
                                                   {1, 4}, {2, 3}, {1, 1}, {2, 1}, {1, 2}, {1, 1},
                                                   {3, 2}, {1, 4}, {4, 3}, {1, 1}};
// Mixed cases draw inputs and literals from these: the same tables with every non-dyadic entry
// replaced by a dyadic one of the same sign and size class. Dyadic values are exact points at
// Interval and stay points through +, -, ×, so ties among rational values (max(x, x), x - x at a
// kink) stay decidable there; only transcendental values make enclosures.
constexpr Ratio kDyadicTable[kValueTableSize] = {
    {0, 1}, {1, 1},  {-1, 1}, {1, 2},  {-1, 2}, {2, 1}, {-2, 1}, {1, 4},
    {3, 4}, {-1, 4}, {3, 1},  {-3, 4}, {0, 1},  {1, 1}, {-1, 1}, {0, 1}};
constexpr Ratio kDyadicNonZeroTable[kValueTableSize] = {
    {1, 1},  {-1, 1}, {1, 2},  {-1, 2}, {2, 1},  {-2, 1}, {1, 4},  {3, 4},
    {-1, 4}, {3, 1},  {-3, 4}, {1, 1},  {-1, 1}, {3, 2},  {-3, 1}, {1, 4}};
constexpr Ratio kDyadicPositiveTable[kValueTableSize] = {
    {1, 1}, {2, 1}, {1, 2}, {3, 1}, {1, 4}, {3, 4}, {1, 4}, {3, 2},
    {1, 1}, {2, 1}, {1, 2}, {1, 1}, {3, 2}, {1, 4}, {5, 4}, {1, 1}};
constexpr Ratio kEpsilons[] = {{1, 1000000}, {1, 1000}, {1, 100}, {1, 10}, {1, 3}, {1, 2}, {1, 1}};

// What the tables give: every entry's magnitude is at most kTableBound, and the positive table's
// entries are at least kPositiveTableLower.
constexpr double kTableBound = 3;
constexpr double kPositiveTableLower = 0.25;
// A log operand must be certainly positive with this margin: far above the interval scalar's
// widths, so its enclosure excludes 0 as surely as the true value does.
constexpr double kCertainlyPositive = 1e-9;
constexpr double kInf = std::numeric_limits<double>::infinity();

ExactLiteral literalOf(uint8_t pick, bool mixed) {
  const Ratio& r = (mixed ? kDyadicTable : kTable)[pick % kValueTableSize];
  return ExactLiteral::fromRatio(r.num, r.den).value();
}

double doubleOf(const ExactLiteral& x) {
  Result<double> d = x.toDouble();
  return d.ok() ? d.value() : kInf;
}

bool isOneOf(Op op, std::span<const Op> ops) {
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

// The ops whose chains the depth cap counts: each multiplies the sizes of exact numbers.
constexpr Op kMultiplicative[] = {Op::Mul,    Op::Div,    Op::Square, Op::Inv,
                                  Op::Matmul, Op::Linear, Op::Bmm,    Op::MseLoss};

// Ops whose output is non-zero everywhere when every operand is (they move, copy or multiply).
constexpr Op kKeepsNonZero[] = {Op::Inv,
                                Op::Square,
                                Op::Abs,
                                Op::Detach,
                                Op::Reshape,
                                Op::Flatten,
                                Op::Transpose2d,
                                Op::Transpose3dFirstToLast,
                                Op::Transpose3dLastToFirst,
                                Op::Transpose3dLastTwo,
                                Op::SwapAdjacentAtDepth,
                                Op::BroadcastTo,
                                Op::SliceRange0,
                                Op::GatherScalar,
                                Op::GatherRow,
                                Op::Mul,
                                Op::Div,
                                Op::Max,
                                Op::Min,
                                Op::ConcatVectors,
                                Op::ConcatDim0};

bool isMultiplicative(Op op) { return isOneOf(op, kMultiplicative); }

// Ops whose value is an exact point at Interval when every operand (and literal) is a dyadic point:
// no division, no transcendental function, and numbers small enough (the caps) for the precision.
constexpr Op kKeepsPoints[] = {Op::Const,
                               Op::Detach,
                               Op::Add,
                               Op::Sub,
                               Op::Mul,
                               Op::Square,
                               Op::Scale,
                               Op::Max,
                               Op::Min,
                               Op::Abs,
                               Op::Clamp,
                               Op::Relu,
                               Op::Sum,
                               Op::ReduceSum,
                               Op::Linear,
                               Op::Matmul,
                               Op::Bmm,
                               Op::Flatten,
                               Op::Reshape,
                               Op::Transpose2d,
                               Op::Transpose3dFirstToLast,
                               Op::Transpose3dLastToFirst,
                               Op::Transpose3dLastTwo,
                               Op::SwapAdjacentAtDepth,
                               Op::BroadcastTo,
                               Op::ConcatVectors,
                               Op::ConcatDim0,
                               Op::SliceRange0,
                               Op::GatherScalar,
                               Op::GatherRow,
                               Op::GatherScalarNat,
                               Op::GatherVecNat,
                               Op::GatherRowsNat,
                               Op::ScatterAddVec,
                               Op::ScatterAddRow};

// Whether a node's output is non-zero everywhere (a safe divisor), from its operands' flags.
bool nonZeroOutput(Op op, const std::vector<bool>& operandNonZero,
                   std::span<const ExactLiteral> lits) {
  const bool all =
      std::all_of(operandNonZero.begin(), operandNonZero.end(), [](bool b) { return b; });
  if (isOneOf(op, kKeepsNonZero)) return all;
  auto isZero = [](const ExactLiteral& x) { return x.isZero(); };
  switch (op) {
    case Op::Scale:
      return all && !lits[0].isZero();
    case Op::Clamp:
      return lits[0].sign() > 0 || lits[1].sign() < 0 ||
             (all && lits[0].sign() < 0 && lits[1].sign() > 0);
    case Op::Const:
      return std::none_of(lits.begin(), lits.end(), isZero);
    default:
      return false;
  }
}

// Where a value's data comes from: the q-th value created by choice `choice`.
struct Origin {
  size_t choice;
  int q;
};
// A choice's fresh inputs are q = 0, 1, 2 and its node q = 0: element 0 of a value then takes
// pick 0, so a shrunk one-element counterexample needs one pick, not a rotated one.
constexpr int kNodeQ = 0;

// How a fresh input's elements are drawn: any table value, no zeros (divisors), or positive (log).
enum class Draw : uint8_t { Any, NonZero, Positive };

// What is known of a value's elements: |x| <= bound, and x >= lower when lower > 0 (lower = 0:
// nothing known). Bounds are doubles, conservative; NaN from 0·inf is read as "unknown".
struct Magnitude {
  double bound = kInf;
  double lower = 0;
};

// A value made so far, in creation order (inputs and nodes interleaved).
struct Slot {
  bool isInput;
  uint32_t index;  // into the inputs or the planned nodes
  Shape shape;
  int depth;
  bool nonZero;
  Magnitude magnitude;
  bool point;  // mixed cases: an exact point at Interval (dyadic arithmetic only)
};

struct FreshInput {
  Shape shape;
  Draw draw;
  Origin origin;
};

struct PlannedNode {
  Origin origin;
  Op op;
  std::vector<int> operands;  // slot indices
  std::vector<int64_t> ints;
  std::vector<ExactLiteral> lits;
  std::optional<Shape> target;  // reshape, broadcastTo, const
  Shape shape;                  // inferred
  bool mayLeaveDomain = false;  // an operand may lie outside the op's domain
};

double finiteOr(double x, double fallback) { return std::isnan(x) ? fallback : x; }

// The magnitude of a node's output from its operands' (conservative; see Magnitude).
Magnitude magnitudeOf(const PlannedNode& n, const std::vector<Magnitude>& in,
                      const std::vector<Shape>& shapes) {
  auto bound = [&](size_t k) { return in[k].bound; };
  auto lower = [&](size_t k) { return in[k].lower; };
  auto allPositive = [&] {
    return std::all_of(in.begin(), in.end(), [](const Magnitude& m) { return m.lower > 0; });
  };
  auto maxBound = [&] {
    double b = 0;
    for (const Magnitude& m : in) b = std::max(b, m.bound);
    return b;
  };
  auto minLower = [&] {
    double l = kInf;
    for (const Magnitude& m : in) l = std::min(l, m.lower);
    return in.empty() ? 0 : l;
  };
  const double numel0 = shapes.empty() ? 0 : static_cast<double>(shapes[0].numel());
  Magnitude out;
  switch (n.op) {
    case Op::Const: {
      out.bound = 0;
      out.lower = kInf;
      for (const ExactLiteral& x : n.lits) {
        out.bound = std::max(out.bound, std::abs(doubleOf(x)));
        out.lower = std::min(out.lower, x.sign() > 0 ? doubleOf(x) : 0);
      }
      if (n.lits.empty()) out.lower = 0;
      break;
    }
    case Op::Detach:
    case Op::Flatten:
    case Op::Reshape:
    case Op::Transpose2d:
    case Op::Transpose3dFirstToLast:
    case Op::Transpose3dLastToFirst:
    case Op::Transpose3dLastTwo:
    case Op::SwapAdjacentAtDepth:
    case Op::BroadcastTo:
    case Op::SliceRange0:
    case Op::GatherScalar:
    case Op::GatherRow:
    case Op::Abs:
    case Op::Relu:
    case Op::ConcatVectors:
    case Op::ConcatDim0:
    case Op::Min:
      out = {maxBound(), minLower()};
      break;
    case Op::Max:
      out = {maxBound(), std::max(lower(0), lower(1))};
      break;
    case Op::GatherScalarNat:
    case Op::GatherVecNat:
    case Op::GatherRowsNat:  // past the end reads 0
      out.bound = bound(0);
      break;
    case Op::Scale: {
      const double c = doubleOf(n.lits[0]);
      out = {std::abs(c) * bound(0), c > 0 ? c * lower(0) : 0};
      break;
    }
    case Op::Clamp: {
      const double lo = doubleOf(n.lits[0]), hi = doubleOf(n.lits[1]);
      out.bound = std::min(bound(0), std::max(std::abs(lo), std::abs(hi)));
      if (lo > 0) {
        out.lower = lo;
      } else if (hi > 0) {
        out.lower = std::min(lower(0), hi);
      }
      break;
    }
    case Op::Add:
      out = {bound(0) + bound(1), allPositive() ? lower(0) + lower(1) : 0};
      break;
    case Op::Sub:
      out.bound = bound(0) + bound(1);
      break;
    case Op::ScatterAddVec:
    case Op::ScatterAddRow:
      out = {bound(0) + bound(1), allPositive() ? lower(0) : 0};
      break;
    case Op::Mul:
      out = {bound(0) * bound(1), lower(0) * lower(1)};
      break;
    case Op::Square:
      out = {bound(0) * bound(0), lower(0) * lower(0)};
      break;
    case Op::Div:  // no lower bound on the divisor's magnitude is tracked
      out.lower = allPositive() ? lower(0) / bound(1) : 0;
      break;
    case Op::Inv:
      out.lower = lower(0) > 0 ? 1 / bound(0) : 0;
      break;
    case Op::Sum:
      out = {bound(0) * numel0, numel0 > 0 ? lower(0) : 0};
      break;
    case Op::ReduceSum: {
      const double extent = static_cast<double>(shapes[0][static_cast<int>(n.ints[0])]);
      out = {bound(0) * extent, extent > 0 ? lower(0) : 0};
      break;
    }
    case Op::ReduceMean:
      out = {bound(0), lower(0)};
      break;
    case Op::MseLoss:
      out.bound = (bound(0) + bound(1)) * (bound(0) + bound(1));
      break;
    case Op::Linear:
      out.bound = static_cast<double>(shapes[0][1]) * bound(0) * bound(2) + bound(1);
      break;
    case Op::Matmul:
      out.bound = static_cast<double>(shapes[0][1]) * bound(0) * bound(1);
      break;
    case Op::Bmm:
      out.bound = static_cast<double>(shapes[0][2]) * bound(0) * bound(1);
      break;
    case Op::Sqrt:
      out = {std::sqrt(bound(0)), std::sqrt(lower(0))};
      break;
    case Op::Sigmoid:
      out = {1, 1 / (1 + std::exp(bound(0)))};
      break;
    case Op::Tanh:
      out = {1, std::tanh(lower(0))};
      break;
    case Op::Softplus:  // log(1 + e^x) >= e^-b / 2 for x >= -b
      out = {bound(0) + 1, std::exp(-bound(0)) / 2};
      break;
    case Op::Exp:
      out = {std::exp(bound(0)), std::exp(-bound(0))};
      break;
    case Op::Log:
      out.bound = lower(0) > 0 ? std::max(std::abs(std::log(bound(0))), -std::log(lower(0))) : kInf;
      out.lower = lower(0) > 1 ? std::log(lower(0)) : 0;
      break;
    case Op::SafeLog:  // log(softplus(x) + eps), softplus(x) in [e^-b / 2, b + 1]
      out.bound = bound(0) + 2;
      break;
    case Op::Softmax:  // each entry >= e^(-2b) / (number of entries)
      out = {1, numel0 > 0 ? std::exp(-2 * bound(0)) / numel0 : 0};
      break;
    case Op::LogSoftmax:
      out.bound = 2 * bound(0) + std::log(std::max(numel0, 1.0));
      break;
    case Op::LayerNorm:  // |normalised entry| <= sqrt(E - 1) < 7 (E <= 48)
      out.bound = 7 * bound(1) + bound(2);
      break;
  }
  out.bound = finiteOr(out.bound, kInf);
  out.lower = finiteOr(out.lower, 0);
  return out;
}

using Fits = std::function<bool(const Slot&)>;

bool anyValue(const Slot&) { return true; }
bool certainlyPositive(const Slot& s) { return s.magnitude.lower >= kCertainlyPositive; }

Fits hasRank(int r) {
  return [r](const Slot& s) { return s.shape.rank() == r; };
}
Fits hasShape(const Shape& shape) {
  return [shape](const Slot& s) { return s.shape == shape; };
}
Fits both(Fits a, Fits b) {
  return [a = std::move(a), b = std::move(b)](const Slot& s) { return a(s) && b(s); };
}

Shape makeShape(const std::vector<int64_t>& dims) { return Shape::make(dims).value(); }

Shape withPositiveDims(Shape s) {
  std::vector<int64_t> dims(s.dims().begin(), s.dims().end());
  for (int64_t& d : dims) d = std::max<int64_t>(d, 1);
  return makeShape(dims);
}

// Reduces the largest dims until the element count fits `limit` (dims stay >= 1 unless 0).
std::optional<Shape> fitted(Shape s, int64_t limit) {
  std::vector<int64_t> dims(s.dims().begin(), s.dims().end());
  auto numel = [&] {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  };
  while (numel() > limit) {
    auto largest = std::max_element(dims.begin(), dims.end());
    if (largest == dims.end() || *largest <= 1) return std::nullopt;
    --*largest;
  }
  return makeShape(dims);
}

std::vector<int64_t> primeFactors(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t p = 2; p * p <= n; ++p) {
    while (n % p == 0) {
      out.push_back(p);
      n /= p;
    }
  }
  if (n > 1) out.push_back(n);
  return out;
}

class Interpreter {
 public:
  Interpreter(const GenConfig& cfg, bool mixed) : cfg_(cfg), mixed_(mixed) {}

  void apply(const Choice& c, size_t index) {
    const Mark mark{inputs_.size(), slots_.size(), elements_};
    choice_ = index;
    const Op op = choiceOp(c, mixed_);
    std::optional<PlannedNode> node = plan(op, c);
    if (!node || !commit(std::move(*node))) {
      rollback(mark);
      ++skipped_;
    }
  }

  // The graph (inputs first, then the nodes in order), and every value's data origin in id order.
  Interpreted finish(std::vector<Origin>& origins) {
    Interpreted out;
    out.skippedChoices = skipped_;
    std::vector<Shape> shapes;
    for (const FreshInput& in : inputs_) {
      shapes.push_back(in.shape);
      out.nonZeroInput.push_back(in.draw != Draw::Any);
      out.positiveInput.push_back(in.draw == Draw::Positive);
      out.mulDepth.push_back(0);
      out.mayLeaveDomain.push_back(false);
      origins.push_back(in.origin);
    }
    GraphBuilder builder(shapes);
    const auto numInputs = static_cast<ValueId>(inputs_.size());
    for (const PlannedNode& n : nodes_) {
      std::vector<ValueId> parents;
      for (int s : n.operands) parents.push_back(finalId(slots_[s], numInputs));
      Result<Var> v = builder.addNode(n.op, parents, n.ints, n.lits, n.target ? n.target : n.shape);
      if (!v.ok()) {
        out.internalError = v.error().message;  // keep the valid prefix
        break;
      }
      origins.push_back(n.origin);
      out.mayLeaveDomain.push_back(n.mayLeaveDomain);
    }
    // Node slots were appended in node order, so their depths are in id order.
    for (const Slot& s : slots_) {
      if (!s.isInput) out.mulDepth.push_back(s.depth);
    }
    Result<Graph> g = builder.finish();
    if (g.ok()) out.c.graph = std::move(g).value();
    if (!g.ok() && out.internalError.empty()) out.internalError = g.error().message;
    out.mulDepth.resize(out.c.graph.numValues());
    out.mayLeaveDomain.resize(out.c.graph.numValues());
    origins.resize(out.c.graph.numValues());
    return out;
  }

 private:
  struct Mark {
    size_t inputs, slots;
    int64_t elements;
  };

  static ValueId finalId(const Slot& s, ValueId numInputs) {
    return s.isInput ? s.index : numInputs + s.index;
  }

  void rollback(const Mark& m) {
    inputs_.resize(m.inputs);
    slots_.resize(m.slots);
    elements_ = m.elements;
  }

  int64_t room() const {
    return std::min(cfg_.maxValueElements, cfg_.maxGraphElements - elements_);
  }

  // ---- operands

  // The pick-th fitting value, newest first; none when the pick asks for a fresh input.
  std::optional<int> existing(uint8_t pick, const Fits& fits) const {
    if (pick >= kFreshPick) return std::nullopt;
    std::vector<int> candidates;
    for (int s = static_cast<int>(slots_.size()) - 1; s >= 0; --s) {
      if (fits(slots_[s])) candidates.push_back(s);
    }
    if (candidates.empty()) return std::nullopt;
    return candidates[pick % candidates.size()];
  }

  // A fresh input of exactly this shape, if the caps allow it.
  std::optional<int> fresh(const Shape& shape, Draw draw) {
    if (shape.numel() > room()) return std::nullopt;
    const int q =
        static_cast<int>(std::count_if(inputs_.begin(), inputs_.end(), [&](const FreshInput& in) {
          return in.origin.choice == choice_;
        }));
    inputs_.push_back({shape, draw, {choice_, q}});
    elements_ += shape.numel();
    const Magnitude m{kTableBound, draw == Draw::Positive ? kPositiveTableLower : 0};
    slots_.push_back(
        {true, static_cast<uint32_t>(inputs_.size() - 1), shape, 0, draw != Draw::Any, m, true});
    return static_cast<int>(slots_.size()) - 1;
  }
  std::optional<int> fresh(const Shape& shape, bool nonZero) {
    return fresh(shape, nonZero ? Draw::NonZero : Draw::Any);
  }

  // A fresh input whose shape may shrink to fit the caps.
  std::optional<int> freshFitted(const Shape& shape, Draw draw) {
    std::optional<Shape> s = fitted(shape, room());
    if (!s) return std::nullopt;
    return fresh(*s, draw);
  }

  std::optional<int> obtain(uint8_t pick, const Fits& fits, const Shape& freshShape,
                            Draw draw = Draw::Any) {
    if (std::optional<int> e = existing(pick, fits)) return e;
    return freshFitted(freshShape, draw);
  }
  std::optional<int> obtain(uint8_t pick, const Fits& fits, const Shape& freshShape, bool nonZero) {
    return obtain(pick, fits, freshShape, nonZero ? Draw::NonZero : Draw::Any);
  }

  // An operand whose shape is dictated by another operand: existing, or fresh of that exact shape.
  std::optional<int> obtainExact(uint8_t pick, const Fits& fits, const Shape& shape,
                                 bool nonZero = false) {
    if (std::optional<int> e = existing(pick, both(hasShape(shape), fits))) return e;
    return fresh(shape, nonZero);
  }

  Shape shapeOfRank(int rank, const Choice& c) const {
    std::vector<int64_t> dims;
    for (int i = 0; i < rank; ++i) dims.push_back(dimOf(c.dim[i]));
    return makeShape(dims);
  }
  Shape anyShape(const Choice& c) const { return shapeOfRank(rankOf(c.attr), c); }

  Fits mulOk() const {
    const int cap = cfg_.maxMulDepth;
    return [cap](const Slot& s) { return s.depth < cap; };
  }
  static Fits nonZeroOk(bool allowZero) {
    return [allowZero](const Slot& s) { return allowZero || s.nonZero; };
  }
  // In a mixed case, a second operand other than the first operand's own slot when that value is
  // an enclosure rather than a point: max(x, x), min(x, x), x - x and mseLoss(x, x) of an
  // enclosure tie (or cancel to a kink) undecidably, which would only make inconclusive cases.
  Fits distinctUnlessPoint(int first) const {
    if (!mixed_ || slots_[first].point) return anyValue;
    const bool isInput = slots_[first].isInput;
    const uint32_t index = slots_[first].index;
    return [isInput, index](const Slot& s) { return s.isInput != isInput || s.index != index; };
  }

  Fits moderate() const {
    const double cap = cfg_.maxTranscendentalOperand;
    return [cap](const Slot& s) { return s.magnitude.bound <= cap; };
  }

  // By value: taking a fresh input may reallocate the slots.
  Shape shapeOf(int slot) const { return slots_[slot].shape; }

  // ---- one plan per op shape signature

  std::optional<PlannedNode> plan(Op op, const Choice& c) {
    PlannedNode n{{choice_, kNodeQ}, op, {}, {}, {}, std::nullopt, Shape{}};
    auto operand = [&](std::optional<int> s) {
      if (s) n.operands.push_back(*s);
      return s.has_value();
    };
    const uint8_t p0 = c.operand[0], p1 = c.operand[1];
    const bool allowZero = c.aux % 3 == 2;  // a divisor that may hold zeros (error agreement)
    switch (op) {
      case Op::Const: {
        std::optional<Shape> s = fitted(anyShape(c), room());
        if (!s) return std::nullopt;
        n.target = *s;
        for (int64_t k = 0; k < s->numel(); ++k) {
          n.lits.push_back(literalOf(c.value[static_cast<size_t>(k) % Choice::kDataPicks], mixed_));
        }
        return n;
      }
      case Op::Detach:
      case Op::Abs:
      case Op::Relu:
      case Op::Sum:
      case Op::Flatten:
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        return n;
      case Op::Scale:
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        n.lits.push_back(literalOf(c.lit[0], mixed_));
        return n;
      case Op::Clamp: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        ExactLiteral lo = literalOf(c.lit[0], mixed_), hi = literalOf(c.lit[1], mixed_);
        if (ExactLiteral::compare(lo, hi) > 0) std::swap(lo, hi);
        if (c.aux % 4 == 3) hi = lo;  // lo == hi: derivative 0 everywhere
        n.lits = {lo, hi};
        return n;
      }
      case Op::Square:
        if (!operand(obtain(p0, mulOk(), anyShape(c)))) return std::nullopt;
        return n;
      case Op::Inv:
        n.mayLeaveDomain = allowZero;
        if (!operand(obtain(p0, both(mulOk(), nonZeroOk(allowZero)), anyShape(c), !allowZero))) {
          return std::nullopt;
        }
        return n;
      case Op::Add:
      case Op::Sub:
      case Op::Max:
      case Op::Min: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        const Fits second = op == Op::Add ? Fits(anyValue) : distinctUnlessPoint(n.operands[0]);
        if (!operand(obtainExact(p1, second, shapeOf(n.operands[0])))) return std::nullopt;
        return n;
      }
      case Op::Mul:
      case Op::Div: {
        if (!operand(obtain(p0, mulOk(), anyShape(c)))) return std::nullopt;
        const bool divisor = op == Op::Div;
        n.mayLeaveDomain = divisor && allowZero;
        const Fits fits = divisor ? both(mulOk(), nonZeroOk(allowZero)) : mulOk();
        if (!operand(obtainExact(p1, fits, shapeOf(n.operands[0]), divisor && !allowZero))) {
          return std::nullopt;
        }
        return n;
      }
      case Op::MseLoss: {
        const Fits nonEmpty = [](const Slot& s) { return s.shape.numel() > 0; };
        if (!operand(obtain(p0, both(mulOk(), nonEmpty), withPositiveDims(anyShape(c))))) {
          return std::nullopt;
        }
        const Fits second = both(mulOk(), distinctUnlessPoint(n.operands[0]));
        if (!operand(obtainExact(p1, second, shapeOf(n.operands[0])))) return std::nullopt;
        return n;
      }
      case Op::ReduceSum: {
        const Fits ranked = [](const Slot& s) { return s.shape.rank() >= 1; };
        if (!operand(obtain(p0, ranked, shapeOfRank(std::max(1, rankOf(c.attr)), c)))) {
          return std::nullopt;
        }
        n.ints.push_back(c.aux % shapeOf(n.operands[0]).rank());
        return n;
      }
      case Op::ReduceMean:
        return planReduceMean(n, c);
      case Op::Linear:
        return planLinear(n, c);
      case Op::Matmul: {
        if (!operand(obtain(p0, both(hasRank(2), mulOk()), shapeOfRank(2, c)))) return std::nullopt;
        const int64_t inner = shapeOf(n.operands[0])[1];
        const Fits fits = [inner](const Slot& s) {
          return s.shape.rank() == 2 && s.shape[0] == inner;
        };
        if (!operand(obtain(p1, both(fits, mulOk()), makeShape({inner, dimOf(c.dim[2])})))) {
          return std::nullopt;
        }
        return n;
      }
      case Op::Bmm: {
        if (!operand(obtain(p0, both(hasRank(3), mulOk()), shapeOfRank(3, c)))) return std::nullopt;
        const Shape a = shapeOf(n.operands[0]);
        const Fits fits = [a](const Slot& s) {
          return s.shape.rank() == 3 && s.shape[0] == a[0] && s.shape[1] == a[2];
        };
        if (!operand(obtain(p1, both(fits, mulOk()), makeShape({a[0], a[2], dimOf(c.aux)})))) {
          return std::nullopt;
        }
        return n;
      }
      case Op::Reshape: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        n.target = reshapeTarget(shapeOf(n.operands[0]).numel(), c);
        return n;
      }
      case Op::Transpose2d:
        if (!operand(obtain(p0, hasRank(2), shapeOfRank(2, c)))) return std::nullopt;
        return n;
      case Op::Transpose3dFirstToLast:
      case Op::Transpose3dLastToFirst:
      case Op::Transpose3dLastTwo:
        if (!operand(obtain(p0, hasRank(3), shapeOfRank(3, c)))) return std::nullopt;
        return n;
      case Op::SwapAdjacentAtDepth: {
        const Fits ranked = [](const Slot& s) { return s.shape.rank() >= 2; };
        if (!operand(obtain(p0, ranked, shapeOfRank(2 + c.attr % 2, c)))) return std::nullopt;
        n.ints.push_back(c.aux % (shapeOf(n.operands[0]).rank() - 1));
        return n;
      }
      case Op::BroadcastTo: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        n.target = broadcastTarget(shapeOf(n.operands[0]), c);
        return n;
      }
      case Op::ConcatVectors:
        if (!operand(obtain(p0, hasRank(1), shapeOfRank(1, c)))) return std::nullopt;
        if (!operand(obtain(p1, hasRank(1), makeShape({dimOf(c.dim[2])})))) return std::nullopt;
        return n;
      case Op::ConcatDim0:
        return planConcatDim0(n, c);
      case Op::SliceRange0: {
        const Fits ranked = [](const Slot& s) { return s.shape.rank() >= 1; };
        if (!operand(obtain(p0, ranked, shapeOfRank(std::max(1, rankOf(c.attr)), c)))) {
          return std::nullopt;
        }
        const int64_t rows = shapeOf(n.operands[0])[0];
        const int64_t start = c.attr % (rows + 1);
        n.ints = {start, c.aux % (rows - start + 1)};
        return n;
      }
      case Op::GatherScalar:
      case Op::GatherRow:
      case Op::ScatterAddVec:
      case Op::ScatterAddRow:
        return planIndexed(n, c);
      case Op::GatherScalarNat:
      case Op::GatherVecNat:
      case Op::GatherRowsNat:
        return planNatGather(n, c);
      // Transcendental ops: sqrt and the normalisations take any operand (sqrt's kink at 0 and
      // softmax's ties come with the tables' zeros and repeats); the exponentials a moderate one.
      case Op::Sqrt:
      case Op::Softmax:
      case Op::LogSoftmax:
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        return n;
      case Op::Sigmoid:
      case Op::Tanh:
      case Op::Softplus:
      case Op::Exp:
        if (!operand(obtain(p0, moderate(), anyShape(c)))) return std::nullopt;
        return n;
      case Op::SafeLog:
        if (!operand(obtain(p0, moderate(), anyShape(c)))) return std::nullopt;
        n.lits.push_back(epsilonValue(c.lit[0]));
        return n;
      case Op::Log: {
        // One log in sixteen may take any operand (a DomainError when it reaches 0 or below).
        n.mayLeaveDomain = c.aux % 16 == 15;
        const Fits fits = n.mayLeaveDomain ? Fits(anyValue) : Fits(certainlyPositive);
        const Draw draw = n.mayLeaveDomain ? Draw::Any : Draw::Positive;
        if (!operand(obtain(p0, fits, anyShape(c), draw))) return std::nullopt;
        return n;
      }
      case Op::LayerNorm:
        return planLayerNorm(n, c);
    }
    return std::nullopt;
  }

  // x [L,E] with L, E > 0, gamma and beta [E].
  std::optional<PlannedNode> planLayerNorm(PlannedNode& n, const Choice& c) {
    const Fits rows = [](const Slot& s) {
      return s.shape.rank() == 2 && s.shape[0] > 0 && s.shape[1] > 0;
    };
    std::optional<int> x = obtain(c.operand[0], rows, withPositiveDims(shapeOfRank(2, c)));
    if (!x || !rows(slots_[*x])) return std::nullopt;
    const Shape e = makeShape({shapeOf(*x)[1]});
    std::optional<int> gamma = obtainExact(c.operand[1], anyValue, e);
    if (!gamma) return std::nullopt;
    std::optional<int> beta = obtainExact(c.operand[2], anyValue, e);
    if (!beta) return std::nullopt;
    n.operands = {*x, *gamma, *beta};
    n.lits.push_back(epsilonValue(c.lit[0]));
    return n;
  }

  std::optional<PlannedNode> planReduceMean(PlannedNode& n, const Choice& c) {
    // The mean over an empty axis is an error by design; pick an axis with a non-zero extent.
    const Fits meanable = [](const Slot& s) {
      return std::any_of(s.shape.dims().begin(), s.shape.dims().end(),
                         [](int64_t d) { return d > 0; });
    };
    const Shape freshShape = withPositiveDims(shapeOfRank(std::max(1, rankOf(c.attr)), c));
    std::optional<int> x = obtain(c.operand[0], meanable, freshShape);
    if (!x || !meanable(slots_[*x])) return std::nullopt;
    n.operands.push_back(*x);
    std::vector<int64_t> axes;
    for (int a = 0; a < shapeOf(*x).rank(); ++a) {
      if (shapeOf(*x)[a] > 0) axes.push_back(a);
    }
    n.ints.push_back(axes[c.aux % axes.size()]);
    return n;
  }

  std::optional<PlannedNode> planLinear(PlannedNode& n, const Choice& c) {
    std::optional<int> w = obtain(c.operand[0], both(hasRank(2), mulOk()), shapeOfRank(2, c));
    if (!w) return std::nullopt;
    const int64_t outDim = shapeOf(*w)[0], inDim = shapeOf(*w)[1];
    std::optional<int> b = obtainExact(c.operand[1], mulOk(), makeShape({outDim}));
    if (!b) return std::nullopt;
    std::optional<int> x = obtainExact(c.operand[2], mulOk(), makeShape({inDim}));
    if (!x) return std::nullopt;
    n.operands = {*w, *b, *x};
    return n;
  }

  std::optional<PlannedNode> planConcatDim0(PlannedNode& n, const Choice& c) {
    const Fits ranked = [](const Slot& s) { return s.shape.rank() >= 1; };
    std::optional<int> a =
        obtain(c.operand[0], ranked, shapeOfRank(std::max(1, rankOf(c.attr)), c));
    if (!a) return std::nullopt;
    const Shape sa = shapeOf(*a);
    const Fits sameTail = [sa](const Slot& s) {
      if (s.shape.rank() != sa.rank()) return false;
      for (int i = 1; i < sa.rank(); ++i) {
        if (s.shape[i] != sa[i]) return false;
      }
      return true;
    };
    std::vector<int64_t> dims(sa.dims().begin(), sa.dims().end());
    dims[0] = dimOf(c.dim[2]);
    std::optional<int> b = existing(c.operand[1], sameTail);
    if (!b) b = fresh(makeShape(dims), false);
    if (!b) {
      dims[0] = 1;  // the smallest fresh rows that carry a value
      b = fresh(makeShape(dims), false);
    }
    if (!b) return std::nullopt;
    n.operands = {*a, *b};
    return n;
  }

  // gatherScalar/gatherRow read an in-range row; scatterAddVec/Row add a value into one.
  std::optional<PlannedNode> planIndexed(PlannedNode& n, const Choice& c) {
    const int rank = (n.op == Op::GatherScalar || n.op == Op::ScatterAddVec) ? 1 : 2;
    const Fits fits = [rank](const Slot& s) { return s.shape.rank() == rank && s.shape[0] >= 1; };
    Shape freshShape = shapeOfRank(rank, c);
    if (freshShape[0] == 0) {
      std::vector<int64_t> dims(freshShape.dims().begin(), freshShape.dims().end());
      dims[0] = 1;
      freshShape = makeShape(dims);
    }
    std::optional<int> x = obtain(c.operand[0], fits, freshShape);
    if (!x || !fits(slots_[*x])) return std::nullopt;
    n.operands.push_back(*x);
    const Shape sx = shapeOf(*x);
    if (n.op == Op::ScatterAddVec || n.op == Op::ScatterAddRow) {
      const Shape v = n.op == Op::ScatterAddVec ? Shape{} : makeShape({sx[1]});
      std::optional<int> value = obtainExact(c.operand[1], anyValue, v);
      if (!value) return std::nullopt;
      n.operands.push_back(*value);
    }
    n.ints.push_back(c.aux % sx[0]);
    return n;
  }

  // The Nat gathers accept any non-negative index: beyond the axis they read 0 and pass no
  // gradient, so indices run up to n + 1 and repeat.
  std::optional<PlannedNode> planNatGather(PlannedNode& n, const Choice& c) {
    const int rank = n.op == Op::GatherRowsNat ? 2 : 1;
    std::optional<int> x = obtain(c.operand[0], hasRank(rank), shapeOfRank(rank, c));
    if (!x) return std::nullopt;
    n.operands.push_back(*x);
    const int64_t rows = shapeOf(*x)[0];
    if (n.op == Op::GatherScalarNat) {
      n.ints.push_back(c.aux % (rows + 2));
      return n;
    }
    const int count = c.aux % 5;
    for (int j = 0; j < count; ++j) n.ints.push_back((c.lit[j % 3] + j) % (rows + 2));
    return n;
  }

  // A shape with `numel` elements: rank from the choice, prime factors spread over the axes.
  Shape reshapeTarget(int64_t numel, const Choice& c) const {
    int rank = rankOf(c.attr);
    if (numel != 1) rank = std::max(rank, 1);
    std::vector<int64_t> dims(static_cast<size_t>(rank), 1);
    if (numel == 0) {
      for (int i = 0; i < rank; ++i) dims[i] = dimOf(c.dim[i]);
      dims[c.aux % rank] = 0;
      return makeShape(dims);
    }
    const std::vector<int64_t> factors = primeFactors(numel);
    for (size_t j = 0; j < factors.size(); ++j) dims[(c.dim[j % 3] + j) % rank] *= factors[j];
    return makeShape(dims);
  }

  // Right-aligned broadcast: prepend axes, and expand some extent-1 axes (possibly to 0).
  Shape broadcastTarget(const Shape& s, const Choice& c) const {
    const int prepend = c.attr % (4 - s.rank());
    std::vector<int64_t> dims;
    for (int i = 0; i < prepend; ++i) dims.push_back(dimOf(c.dim[i]));
    for (int a = 0; a < s.rank(); ++a) {
      const bool expand = s[a] == 1 && ((c.aux >> a) & 1);
      dims.push_back(expand ? dimOf(c.dim[(a + prepend) % 3]) : s[a]);
    }
    Shape target = makeShape(dims);
    return target.numel() <= room() ? target : s;
  }

  // ---- committing a planned node

  bool commit(PlannedNode n) {
    std::vector<Shape> operandShapes;
    std::vector<ValueId> placeholderIds;
    std::vector<bool> operandNonZero;
    std::vector<Magnitude> operandMagnitudes;
    bool point = isOneOf(n.op, kKeepsPoints);
    int depth = 0;
    for (int s : n.operands) {
      point = point && slots_[s].point;
      operandShapes.push_back(slots_[s].shape);
      placeholderIds.push_back(0);
      operandNonZero.push_back(slots_[s].nonZero);
      operandMagnitudes.push_back(slots_[s].magnitude);
      depth = std::max(depth, slots_[s].depth);
    }
    const rules::RuleArgs args{operandShapes, n.ints, n.lits.size(),
                               n.target ? &*n.target : nullptr};
    Result<Shape> shape = rules::inferShape(n.op, args, "", placeholderIds);
    if (!shape.ok() || shape->numel() > room()) return false;
    if (n.op == Op::Clamp && ExactLiteral::compare(n.lits[0], n.lits[1]) > 0) return false;
    n.shape = shape.value();
    elements_ += n.shape.numel();
    const Magnitude m = magnitudeOf(n, operandMagnitudes, operandShapes);
    const bool nonZero = nonZeroOutput(n.op, operandNonZero, n.lits) || m.lower > 0;
    nodes_.push_back(std::move(n));
    slots_.push_back({false, static_cast<uint32_t>(nodes_.size() - 1), nodes_.back().shape,
                      depth + (isMultiplicative(nodes_.back().op) ? 1 : 0), nonZero, m, point});
    return true;
  }

  const GenConfig& cfg_;
  bool mixed_;
  size_t choice_ = 0;  // the choice being applied
  std::vector<FreshInput> inputs_;
  std::vector<PlannedNode> nodes_;
  std::vector<Slot> slots_;
  int64_t elements_ = 0;
  size_t skipped_ = 0;
};

Rational ratio(const Ratio& r) { return Rational::fromRatio(r.num, r.den).value(); }

// One tensor per value, element k of a value from origin (j, q) taking pick (k + 3q) mod 7 of
// choice j's picks for the role.
std::vector<Tensor<Rational>> tensorsFromPicks(const Graph& g, size_t count,
                                               const std::vector<Choice>& choices,
                                               const std::vector<Origin>& origins,
                                               Choice::DataPicks Choice::*role,
                                               const Interpreted* draws = nullptr,
                                               bool dyadic = false) {
  std::vector<Tensor<Rational>> out;
  out.reserve(count);
  for (size_t id = 0; id < count; ++id) {
    Tensor<Rational> t(g.shapeOf(static_cast<ValueId>(id)));
    const Choice::DataPicks& picks = choices[origins[id].choice].*role;
    const bool positive = draws && draws->positiveInput[id];
    const bool nz = draws && draws->nonZeroInput[id];
    for (int64_t k = 0; k < t.numel(); ++k) {
      const uint8_t pick = picks[(static_cast<size_t>(k) + 3 * static_cast<size_t>(origins[id].q)) %
                                 Choice::kDataPicks];
      const Ratio* table = positive ? (dyadic ? kDyadicPositiveTable : kPositiveTable)
                           : nz     ? (dyadic ? kDyadicNonZeroTable : kNonZeroTable)
                                    : (dyadic ? kDyadicTable : kTable);
      t[k] = ratio(table[pick % kValueTableSize]);
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

int nodeBudget(const GenConfig& cfg, int size) {
  return cfg.minNodes + (cfg.maxNodes - cfg.minNodes) * std::max(size, 0) / rc::kNominalSize;
}

Rational tableValue(uint8_t pick) { return ratio(kTable[pick % kValueTableSize]); }
Rational nonZeroTableValue(uint8_t pick) { return ratio(kNonZeroTable[pick % kValueTableSize]); }
Rational positiveTableValue(uint8_t pick) { return ratio(kPositiveTable[pick % kValueTableSize]); }

ExactLiteral epsilonValue(uint8_t pick) {
  constexpr size_t kCount = sizeof kEpsilons / sizeof kEpsilons[0];
  const Ratio& r = kEpsilons[pick % kCount];
  return ExactLiteral::fromRatio(r.num, r.den).value();
}

std::span<const Op> rationalOps() {
  static const std::vector<Op> ops = [] {
    std::vector<Op> out;
    for (Op op : allOps()) {
      if (!isTranscendental(op)) out.push_back(op);
    }
    return out;
  }();
  return ops;
}

std::span<const Op> transcendentalOps() {
  static const std::vector<Op> ops = [] {
    std::vector<Op> out;
    for (Op op : allOps()) {
      if (isTranscendental(op)) out.push_back(op);
    }
    return out;
  }();
  return ops;
}

Op choiceOp(const Choice& c, bool mixed) {
  const int t = c.transcendental % kTranscendentalPeriod;
  if (mixed && t >= 1 && t <= kNumTranscendentalOps) return transcendentalOps()[t - 1];
  return rationalOps()[c.op % kNumRationalOps];
}

Interpreted interpret(const std::vector<Choice>& choices, const CasePicks& picks,
                      const GenConfig& cfg) {
  Interpreter in(cfg, picks.mixed % 2 == 1);
  for (size_t j = 0; j < choices.size(); ++j) in.apply(choices[j], j);
  std::vector<Origin> origins;
  Interpreted out = in.finish(origins);
  Case& c = out.c;
  const Graph& g = c.graph;
  c.inputs = tensorsFromPicks(g, g.numInputs(), choices, origins, &Choice::value, &out,
                              picks.mixed % 2 == 1);
  c.seedsA = tensorsFromPicks(g, g.numValues(), choices, origins, &Choice::seedA);
  c.seedsB = tensorsFromPicks(g, g.numValues(), choices, origins, &Choice::seedB);
  c.tangents = tensorsFromPicks(g, g.numInputs(), choices, origins, &Choice::tangent);
  c.coeffA = tableValue(picks.coeffA);
  c.coeffB = tableValue(picks.coeffB);
  const size_t n = g.numValues();
  c.outId = n == 0 ? 0 : n - 1 - picks.out % n;
  return out;
}

OpCounts opCounts(const Case& c) {
  OpCounts counts{};
  for (const Node& n : c.graph.nodes()) ++counts[static_cast<size_t>(n.op)];
  return counts;
}

void addOpCounts(OpCounts& total, const OpCounts& more) {
  for (size_t i = 0; i < total.size(); ++i) total[i] += more[i];
}

std::string formatOpCounts(const OpCounts& counts) {
  std::string out;
  for (Op op : allOps()) {
    std::string name(opName(op));
    name.resize(std::max<size_t>(name.size(), 24), ' ');
    out += name + std::to_string(counts[static_cast<size_t>(op)]) + "\n";
  }
  return out;
}

}  // namespace verigrad::props
