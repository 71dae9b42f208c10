// Lemma instances for abstract product chains: interval hints for dims, box lemmas proved once on
// the exact chain and cached, and the definitional facts every chain satisfies.
#include "numel_lemmas.hpp"

#include <map>
#include <mutex>

#include "verigrad/shape.hpp"

namespace verigrad::smt::detail {
namespace {

using Interval = std::pair<int64_t, int64_t>;

int64_t bitsFor(int64_t v) {
  int64_t bits = 1;
  while (bits < 63 && (int64_t{1} << bits) <= v) ++bits;
  return bits;
}

}  // namespace

std::optional<Interval> interval(const z3::expr& d, int64_t maxDim) {
  return termInterval(d, IntervalHints{maxDim, true});
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
