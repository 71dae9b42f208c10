// The choice interpreter: turns any list of choices into a valid, well-typed graph (and any data
// picks into exact tensors for it). Operands come from existing values of fitting shape or from
// fresh inputs; attributes are reduced into range; a choice the element caps cannot afford is
// skipped. Each choice adds at most one node (never helper nodes), so k choices give at most k
// nodes and the shrinks RapidCheck tries (fewer choices, smaller fields) stay small.
#include <algorithm>
#include <functional>
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

ExactLiteral literalOf(uint8_t pick) {
  const Ratio& r = kTable[pick % kValueTableSize];
  return ExactLiteral::fromRatio(r.num, r.den).value();
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

// A value made so far, in creation order (inputs and nodes interleaved).
struct Slot {
  bool isInput;
  uint32_t index;  // into the inputs or the planned nodes
  Shape shape;
  int depth;
  bool nonZero;
};

struct FreshInput {
  Shape shape;
  bool nonZero;
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
};

using Fits = std::function<bool(const Slot&)>;

bool anyValue(const Slot&) { return true; }

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
  explicit Interpreter(const GenConfig& cfg) : cfg_(cfg) {}

  void apply(const Choice& c, size_t index) {
    const Mark mark{inputs_.size(), slots_.size(), elements_};
    choice_ = index;
    const Op op = allOps()[c.op % kNumOps];
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
      out.nonZeroInput.push_back(in.nonZero);
      out.mulDepth.push_back(0);
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
    }
    // Node slots were appended in node order, so their depths are in id order.
    for (const Slot& s : slots_) {
      if (!s.isInput) out.mulDepth.push_back(s.depth);
    }
    Result<Graph> g = builder.finish();
    if (g.ok()) out.c.graph = std::move(g).value();
    if (!g.ok() && out.internalError.empty()) out.internalError = g.error().message;
    out.mulDepth.resize(out.c.graph.numValues());
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
  std::optional<int> fresh(const Shape& shape, bool nonZero) {
    if (shape.numel() > room()) return std::nullopt;
    const int q =
        static_cast<int>(std::count_if(inputs_.begin(), inputs_.end(), [&](const FreshInput& in) {
          return in.origin.choice == choice_;
        }));
    inputs_.push_back({shape, nonZero, {choice_, q}});
    elements_ += shape.numel();
    slots_.push_back({true, static_cast<uint32_t>(inputs_.size() - 1), shape, 0, nonZero});
    return static_cast<int>(slots_.size()) - 1;
  }

  // A fresh input whose shape may shrink to fit the caps.
  std::optional<int> freshFitted(const Shape& shape, bool nonZero) {
    std::optional<Shape> s = fitted(shape, room());
    if (!s) return std::nullopt;
    return fresh(*s, nonZero);
  }

  std::optional<int> obtain(uint8_t pick, const Fits& fits, const Shape& freshShape,
                            bool nonZero = false) {
    if (std::optional<int> e = existing(pick, fits)) return e;
    return freshFitted(freshShape, nonZero);
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
          n.lits.push_back(literalOf(c.value[static_cast<size_t>(k) % Choice::kDataPicks]));
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
        n.lits.push_back(literalOf(c.lit[0]));
        return n;
      case Op::Clamp: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        ExactLiteral lo = literalOf(c.lit[0]), hi = literalOf(c.lit[1]);
        if (ExactLiteral::compare(lo, hi) > 0) std::swap(lo, hi);
        if (c.aux % 4 == 3) hi = lo;  // lo == hi: derivative 0 everywhere
        n.lits = {lo, hi};
        return n;
      }
      case Op::Square:
        if (!operand(obtain(p0, mulOk(), anyShape(c)))) return std::nullopt;
        return n;
      case Op::Inv:
        if (!operand(obtain(p0, both(mulOk(), nonZeroOk(allowZero)), anyShape(c), !allowZero))) {
          return std::nullopt;
        }
        return n;
      case Op::Add:
      case Op::Sub:
      case Op::Max:
      case Op::Min: {
        if (!operand(obtain(p0, anyValue, anyShape(c)))) return std::nullopt;
        if (!operand(obtainExact(p1, anyValue, shapeOf(n.operands[0])))) return std::nullopt;
        return n;
      }
      case Op::Mul:
      case Op::Div: {
        if (!operand(obtain(p0, mulOk(), anyShape(c)))) return std::nullopt;
        const bool divisor = op == Op::Div;
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
        if (!operand(obtainExact(p1, mulOk(), shapeOf(n.operands[0])))) return std::nullopt;
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
    }
    return std::nullopt;
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
    int depth = 0;
    for (int s : n.operands) {
      operandShapes.push_back(slots_[s].shape);
      placeholderIds.push_back(0);
      operandNonZero.push_back(slots_[s].nonZero);
      depth = std::max(depth, slots_[s].depth);
    }
    const rules::RuleArgs args{operandShapes, n.ints, n.lits.size(),
                               n.target ? &*n.target : nullptr};
    Result<Shape> shape = rules::inferShape(n.op, args, "", placeholderIds);
    if (!shape.ok() || shape->numel() > room()) return false;
    if (n.op == Op::Clamp && ExactLiteral::compare(n.lits[0], n.lits[1]) > 0) return false;
    n.shape = shape.value();
    elements_ += n.shape.numel();
    const bool nonZero = nonZeroOutput(n.op, operandNonZero, n.lits);
    nodes_.push_back(std::move(n));
    slots_.push_back({false, static_cast<uint32_t>(nodes_.size() - 1), nodes_.back().shape,
                      depth + (isMultiplicative(nodes_.back().op) ? 1 : 0), nonZero});
    return true;
  }

  const GenConfig& cfg_;
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
                                               const std::vector<bool>* nonZero = nullptr) {
  std::vector<Tensor<Rational>> out;
  out.reserve(count);
  for (size_t id = 0; id < count; ++id) {
    Tensor<Rational> t(g.shapeOf(static_cast<ValueId>(id)));
    const Choice::DataPicks& picks = choices[origins[id].choice].*role;
    const bool nz = nonZero && (*nonZero)[id];
    for (int64_t k = 0; k < t.numel(); ++k) {
      const uint8_t pick = picks[(static_cast<size_t>(k) + 3 * static_cast<size_t>(origins[id].q)) %
                                 Choice::kDataPicks];
      t[k] = nz ? nonZeroTableValue(pick) : tableValue(pick);
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

Interpreted interpret(const std::vector<Choice>& choices, const CasePicks& picks,
                      const GenConfig& cfg) {
  Interpreter in(cfg);
  for (size_t j = 0; j < choices.size(); ++j) in.apply(choices[j], j);
  std::vector<Origin> origins;
  Interpreted out = in.finish(origins);
  Case& c = out.c;
  const Graph& g = c.graph;
  c.inputs =
      tensorsFromPicks(g, g.numInputs(), choices, origins, &Choice::value, &out.nonZeroInput);
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
