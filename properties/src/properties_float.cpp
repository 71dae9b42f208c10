// The float properties: `determinism` (bit-identical results across runs and OpenBLAS thread
// counts, at double and float) and `float-local` (the oracle's node-by-node rounding bound), plus
// the run bits and the stable hash the golden-hash test uses.
#include <cblas.h>

#include <cstring>

#include "property_checks.hpp"
#include "property_support.hpp"
#include "verigrad/oracle/float_local.hpp"
#include "verigrad/props/result_hash.hpp"

namespace verigrad::props {
namespace {

template <class F>
void appendContext(ResultBits& bits, const std::string& what, const Context<F>& ctx) {
  for (size_t id = 0; id < ctx.size(); ++id) {
    const TensorView<F> v = ctx[id];
    const auto* begin = reinterpret_cast<const unsigned char*>(v.data);
    bits.segments.push_back({what, id, {begin, begin + v.numel() * sizeof(F)}});
  }
}

template <class F>
F fromBytes(const std::vector<unsigned char>& bytes, size_t element) {
  F x;
  std::memcpy(&x, bytes.data() + element * sizeof(F), sizeof(F));
  return x;
}

// The first difference between two runs, element by element.
template <class F>
std::optional<Outcome> compareRuns(const ResultBits& a, const ResultBits& b,
                                   const std::string& runs) {
  const std::string where = std::string(detail::scalarName<F>()) + ", " + runs;
  if (a.errors != b.errors) {
    return detail::failWith({"determinism", -1, "", b.errors, a.errors, "errors differ: " + where},
                            "errors differ between runs");
  }
  if (a.segments.size() != b.segments.size()) {
    return detail::failWith({"determinism", -1, "", std::to_string(b.segments.size()),
                             std::to_string(a.segments.size()), "segment count differs: " + where},
                            "the runs produced different numbers of values");
  }
  for (size_t s = 0; s < a.segments.size(); ++s) {
    const ResultSegment &x = a.segments[s], &y = b.segments[s];
    if (x.bytes == y.bytes) continue;
    const size_t count = std::min(x.bytes.size(), y.bytes.size()) / sizeof(F);
    size_t e = 0;
    while (e < count && std::memcmp(x.bytes.data() + e * sizeof(F), y.bytes.data() + e * sizeof(F),
                                    sizeof(F)) == 0) {
      ++e;
    }
    const std::string engine = e < count ? detail::elementText(fromBytes<F>(y.bytes, e)) : "-";
    const std::string first = e < count ? detail::elementText(fromBytes<F>(x.bytes, e)) : "-";
    return detail::failWith(
        {"determinism", static_cast<int64_t>(x.id), "flat element " + std::to_string(e), engine,
         first, x.what + " differs: " + where},
        "results are not bit-identical across runs");
  }
  return std::nullopt;
}

// compile<F> fails only where the exact spec fails identically (a spec domain error is an IEEE
// result at F by design, so only the engine failing counts).
template <class F>
std::optional<Outcome> floatCompileAgreement(const Result<Compiled<F>>& compiled,
                                             const Error* specError) {
  if (compiled.ok()) return std::nullopt;
  return detail::disagreement(&compiled.error(), specError,
                              "compile<" + std::string(detail::scalarName<F>()) + ">");
}

template <class F>
std::optional<Outcome> determinismAt(const Case& c, const Error* specError) {
  Result<Compiled<F>> compiled = compile<F>(c.graph, detail::rounded<F>(c.inputs));
  if (auto o = floatCompileAgreement<F>(compiled, specError)) return o;
  ResultBits first, again, twoThreads;
  {
    BlasThreads one(1);
    first = runBits<F>(c);
    again = runBits<F>(c);
  }
  {
    BlasThreads two(2);
    twoThreads = runBits<F>(c);
  }
  if (auto o = compareRuns<F>(first, again, "run 1 vs run 2 (1 BLAS thread)")) return o;
  return compareRuns<F>(first, twoThreads, "1 vs 2 BLAS threads");
}

template <class F>
std::optional<Outcome> floatCheckFailed(const oracle::FloatCheckResult& r, std::string_view what) {
  if (r.ok()) return std::nullopt;
  oracle::Mismatch m = *r.mismatch;
  m.detail = std::string(detail::scalarName<F>()) + ", " + std::string(what) +
             (m.detail.empty() ? "" : ": " + m.detail);
  return detail::failWith(std::move(m), "the " + std::string(detail::scalarName<F>()) + " " +
                                            std::string(what) + " is outside its local bound");
}

// engine<F> against the local rounding model; the spec's exact outcome decides error agreement
// (a spec domain error is an IEEE result at F by design, so only the engine failing counts).
template <class F>
std::optional<Outcome> floatLocalAt(const Case& c, const Error* specError) {
  const Graph& g = c.graph;
  Result<Compiled<F>> compiled = compile<F>(g, detail::rounded<F>(c.inputs));
  if (auto o = floatCompileAgreement<F>(compiled, specError)) return o;
  if (!compiled.ok()) return std::nullopt;  // refused identically by the spec
  const Context<F>& values = compiled->values();
  if (auto o = floatCheckFailed<F>(oracle::checkFloatForward<F>(g, values), "forward value")) {
    return o;
  }
  const std::vector<Tensor<F>> seeds = detail::rounded<F>(c.seedsA);
  Result<Context<F>> from = compiled->tape().backwardDenseFrom(seeds);
  if (!from.ok()) {
    return detail::failWith({"error", from.error().node, "", detail::describe(from.error()), "ok",
                             "backwardDenseFrom with valid seeds"},
                            "backwardDenseFrom fails on valid seeds");
  }
  if (auto o =
          floatCheckFailed<F>(oracle::checkFloatGradientsFrom<F>(g, values, seeds, from.value()),
                              "backwardDenseFrom gradient")) {
    return o;
  }
  if (c.outId >= g.numValues()) return std::nullopt;
  Result<Context<F>> all = compiled->tape().backwardDenseAll(c.outId, seeds[c.outId]);
  if (!all.ok()) {
    return detail::failWith({"error", all.error().node, "", detail::describe(all.error()), "ok",
                             "backwardDenseAll with a valid id and seed"},
                            "backwardDenseAll fails on a valid id and seed");
  }
  return floatCheckFailed<F>(
      oracle::checkFloatGradientsAll<F>(g, values, c.outId, seeds[c.outId], all.value()),
      "backwardDenseAll gradient");
}

}  // namespace

template <class F>
ResultBits runBits(const Case& c) {
  ResultBits bits;
  Result<Compiled<F>> compiled = compile<F>(c.graph, detail::rounded<F>(c.inputs));
  if (!compiled.ok()) {
    bits.errors = "compile: " + detail::describe(compiled.error()) + "\n";
    return bits;
  }
  appendContext(bits, "value", compiled->values());
  const std::vector<Tensor<F>> seeds = detail::rounded<F>(c.seedsA);
  Result<Context<F>> from = compiled->tape().backwardDenseFrom(seeds);
  if (from.ok()) {
    appendContext(bits, "gradient (backwardDenseFrom)", from.value());
  } else {
    bits.errors += "backwardDenseFrom: " + detail::describe(from.error()) + "\n";
  }
  const Tensor<F> seed = c.outId < seeds.size() ? seeds[c.outId] : Tensor<F>();
  Result<Context<F>> all = compiled->tape().backwardDenseAll(c.outId, seed);
  if (all.ok()) {
    appendContext(bits, "gradient (backwardDenseAll)", all.value());
  } else {
    bits.errors += "backwardDenseAll: " + detail::describe(all.error()) + "\n";
  }
  return bits;
}

template ResultBits runBits<double>(const Case&);
template ResultBits runBits<float>(const Case&);

uint64_t fnv1a64(std::span<const unsigned char> bytes, uint64_t hash) {
  for (unsigned char b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

uint64_t hashBits(const ResultBits& bits) {
  uint64_t h = kFnvOffsetBasis;
  for (const ResultSegment& s : bits.segments) {
    const uint64_t id = s.id;  // little-endian on every platform the goldens are for
    h = fnv1a64({reinterpret_cast<const unsigned char*>(&id), sizeof id}, h);
    h = fnv1a64(s.bytes, h);
  }
  return fnv1a64({reinterpret_cast<const unsigned char*>(bits.errors.data()), bits.errors.size()},
                 h);
}

BlasThreads::BlasThreads(int threads) : saved_(openblas_get_num_threads()) {
  openblas_set_num_threads(threads);
}

BlasThreads::~BlasThreads() { openblas_set_num_threads(saved_); }

namespace detail {

// The reference's outcome on the case (spec<Rational>, or spec<Interval> for a graph with a
// transcendental op) decides the float compiles' error agreement.
Outcome checkDeterminism(const Case& c) {
  const std::optional<Error> reference = referenceError(c);
  const Error* specError = reference ? &*reference : nullptr;
  if (auto o = determinismAt<double>(c, specError)) return *o;
  if (auto o = determinismAt<float>(c, specError)) return *o;
  return Outcome::pass();
}

Outcome checkFloatLocal(const Case& c) {
  const std::optional<Error> reference = referenceError(c);
  const Error* specError = reference ? &*reference : nullptr;
  if (auto o = floatLocalAt<double>(c, specError)) return *o;
  if (auto o = floatLocalAt<float>(c, specError)) return *o;
  return Outcome::pass();
}

}  // namespace detail
}  // namespace verigrad::props
