// Lemma instances for abstract product chains: interval hints for dims, box lemmas proved once on
// the exact chain and cached, and the definitional facts every chain satisfies.
#include "numel_lemmas.hpp"

#include <map>
#include <mutex>

#include "verigrad/shape.hpp"

namespace verigrad::smt::detail {
namespace {

using Interval = std::pair<int64_t, int64_t>;

std::optional<Interval> checked(__int128 lo, __int128 hi) {
  if (lo < INT64_MIN || hi > INT64_MAX || lo > hi) return std::nullopt;
  return Interval{static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
}

std::optional<Interval> sum(const std::optional<Interval>& a, const std::optional<Interval>& b,
                            int sign) {
  if (!a || !b) return std::nullopt;
  if (sign > 0) return checked(__int128{a->first} + b->first, __int128{a->second} + b->second);
  return checked(__int128{a->first} - b->second, __int128{a->second} - b->first);
}

int64_t bitsFor(int64_t v) {
  int64_t bits = 1;
  while (bits < 63 && (int64_t{1} << bits) <= v) ++bits;
  return bits;
}

}  // namespace

std::optional<Interval> interval(const z3::expr& d, int64_t maxDim) {
  uint64_t u = 0;
  if (d.is_numeral() && d.is_numeral_u64(u)) {
    const auto v = static_cast<int64_t>(u);
    return Interval{v, v};
  }
  if (!d.is_app()) return std::nullopt;
  switch (d.decl().decl_kind()) {
    case Z3_OP_ZERO_EXT:
      // A dim variable (or a narrowed attribute, confined to [0, 2^16) and in practice to dims).
      if (d.arg(0).get_sort().bv_size() <= kDimBits) return Interval{0, maxDim};
      return std::nullopt;
    case Z3_OP_BADD: {
      std::optional<Interval> acc = Interval{0, 0};
      for (unsigned i = 0; i < d.num_args(); ++i) acc = sum(acc, interval(d.arg(i), maxDim), 1);
      return acc;
    }
    case Z3_OP_BSUB:
      return sum(interval(d.arg(0), maxDim), interval(d.arg(1), maxDim), -1);
    case Z3_OP_ITE: {
      const auto a = interval(d.arg(1), maxDim), b = interval(d.arg(2), maxDim);
      if (!a || !b) return std::nullopt;
      return Interval{std::min(a->first, b->first), std::max(a->second, b->second)};
    }
    case Z3_OP_UNINTERPRETED:
      if (d.decl().name().str().rfind("numel_", 0) == 0) return Interval{0, Shape::kMaxNumel};
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

bool boxLemma(const std::vector<int64_t>& box, const Options& options, TheoremResult& out) {
  static std::mutex mutex;
  static std::map<std::vector<int64_t>, bool> cache;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(box); it != cache.end()) return it->second;
  }
  __int128 product = 1;
  for (int64_t b : box) {
    product *= b < 1 ? 1 : b;
    if (product > Shape::kMaxNumel) return false;  // the lemma is false: not worth a query
  }
  z3::context c;
  Translator t(c);
  std::vector<z3::expr> dims;
  z3::expr inBox = c.bool_val(true);
  for (size_t i = 0; i < box.size(); ++i) {
    const auto bits = static_cast<unsigned>(bitsFor(box[i]));
    const z3::expr v = c.bv_const(("b." + std::to_string(i)).c_str(), bits);
    dims.push_back(z3::zext(v, kWordBits - bits));
    inBox = inBox && z3::ule(v, c.bv_val(static_cast<uint64_t>(box[i]), bits));
  }
  QueryOptions q;
  q.timeoutMs = options.timeoutMs;
  const QueryResult r = prove(inBox, t.exactChain(dims).defined, q);
  ++out.queries;
  out.seconds += r.seconds;
  const bool holds = r.verdict == Verdict::Proved;
  const std::lock_guard<std::mutex> lock(mutex);
  cache[box] = holds;
  return holds;
}

z3::expr numelLemmas(const Translator& t, const Options& options, TheoremResult& out) {
  z3::context& c = const_cast<Translator&>(t).ctx();
  z3::expr all = c.bool_val(true);
  const z3::expr zero = c.bv_val(0, kWordBits);
  const z3::expr limit = c.bv_val(Shape::kMaxNumel, kWordBits);
  for (const Translator::NumelApp& app : t.numelApps()) {
    all = all && z3::implies(app.fits, z3::sle(zero, app.product) && z3::ule(app.product, limit));
    if (app.dims.size() == 1) {
      const z3::expr& d = app.dims[0];
      all = all && (app.fits == (z3::sle(zero, d) && z3::ule(d, limit))) && app.product == d;
      continue;
    }
    std::vector<int64_t> box;
    z3::expr premise = c.bool_val(true);
    for (const z3::expr& d : app.dims) {
      const std::optional<Interval> i = interval(d, options.maxDim);
      if (!i || i->second < 0) break;
      box.push_back(i->second);
      premise = premise && z3::sle(zero, d) && z3::sle(d, c.bv_val(i->second, kWordBits));
    }
    if (box.size() == app.dims.size() && boxLemma(box, options, out)) {
      all = all && z3::implies(premise, app.fits);
    }
  }
  return all;
}

}  // namespace verigrad::smt::detail
