// RapidCheck generators over the choice interpreter: choices (shrinking by removing chunks, then
// each field toward 0), data picks sized to the interpreted graph, and whole cases.
#include <memory>

#include "verigrad/props/generators.hpp"

namespace verigrad::props {
namespace {

constexpr int kChoiceBytes = 11;  // every Choice field after `op`

rc::Gen<uint8_t> byteBelow(int bound) {
  return rc::gen::cast<uint8_t>(rc::gen::inRange(0, bound));
}

Choice choiceFrom(int op, const std::vector<uint8_t>& b) {
  Choice c;
  c.op = static_cast<uint8_t>(op);
  c.operand = {b[0], b[1], b[2]};
  c.dim = {b[3], b[4], b[5]};
  c.attr = b[6];
  c.aux = b[7];
  c.lit = {b[8], b[9], b[10]};
  return c;
}

// The choice list: a length between 3/4 of the node budget and the budget, then RapidCheck's
// container shrinking (remove chunks, then shrink each element).
class ChoiceListGen {
 public:
  explicit ChoiceListGen(GenConfig cfg) : cfg_(cfg) {}

  rc::Shrinkable<std::vector<Choice>> operator()(const rc::Random& random, int size) const {
    rc::Random r = random;
    const int budget = std::max(0, nodeBudget(cfg_, size));
    const int low = (3 * budget + 3) / 4;
    const auto count = static_cast<size_t>(low + r.split().next() % (budget - low + 1));
    const rc::Gen<Choice> element = genChoice();
    std::vector<rc::Shrinkable<Choice>> elements;
    elements.reserve(count);
    for (size_t i = 0; i < count; ++i) elements.push_back(element(r.split(), size));

    using Elements = std::vector<rc::Shrinkable<Choice>>;
    auto shrinks = [](const Elements& es) {
      return rc::seq::concat(rc::shrink::removeChunks(es),
                             rc::shrink::eachElement(es, [](const rc::Shrinkable<Choice>& s) {
                               return s.shrinks();
                             }));
    };
    return rc::shrinkable::map(rc::shrinkable::shrinkRecur(std::move(elements), shrinks),
                               [](const Elements& es) {
                                 std::vector<Choice> out;
                                 out.reserve(es.size());
                                 for (const auto& s : es) out.push_back(s.value());
                                 return out;
                               });
  }

 private:
  GenConfig cfg_;
};

rc::Gen<TensorPicks> genTensorPicks(size_t tensors, size_t elements, int modes) {
  return rc::gen::map(
      rc::gen::pair(rc::gen::container<std::vector<uint8_t>>(tensors, byteBelow(modes)),
                    rc::gen::container<std::vector<uint8_t>>(elements, byteBelow(kValueTableSize))),
      [](const std::pair<std::vector<uint8_t>, std::vector<uint8_t>>& p) {
        return TensorPicks{p.first, p.second};
      });
}

}  // namespace

rc::Gen<Choice> genChoice() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::inRange(0, kNumOps),
                    rc::gen::container<std::vector<uint8_t>>(kChoiceBytes, byteBelow(256))),
      [](const std::pair<int, std::vector<uint8_t>>& p) { return choiceFrom(p.first, p.second); });
}

rc::Gen<std::vector<Choice>> genChoices(const GenConfig& cfg) { return ChoiceListGen(cfg); }

rc::Gen<DataPicks> genDataPicks(const Skeleton& sk) {
  const Graph& g = sk.graph;
  const size_t inputElements = g.valueOffsets()[g.numInputs()];
  const size_t allElements = g.totalElements();
  // Inputs: 1 in 6 is one repeated value (ties); seeds and tangents: 1 in 8 is all zero.
  return rc::gen::map(
      rc::gen::tuple(genTensorPicks(g.numInputs(), inputElements, 6),
                     genTensorPicks(g.numValues(), allElements, 8),
                     genTensorPicks(g.numValues(), allElements, 8),
                     genTensorPicks(g.numInputs(), inputElements, 8), byteBelow(kValueTableSize),
                     byteBelow(kValueTableSize), byteBelow(256)),
      [](const std::tuple<TensorPicks, TensorPicks, TensorPicks, TensorPicks, uint8_t, uint8_t,
                          uint8_t>& t) {
        DataPicks d;
        std::tie(d.inputs, d.seedsA, d.seedsB, d.tangents, d.coeffA, d.coeffB, d.out) = t;
        return d;
      });
}

rc::Gen<Case> genCase(const GenConfig& cfg) {
  return rc::gen::mapcat(genChoices(cfg), [cfg](const std::vector<Choice>& choices) {
    auto sk = std::make_shared<const Skeleton>(interpretChoices(choices, cfg));
    return rc::gen::map(genDataPicks(*sk), [sk](const DataPicks& d) { return assembleCase(*sk, d); });
  });
}

rc::Gen<Shape> genShape() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::inRange(0, 4),
                    rc::gen::container<std::vector<uint8_t>>(3, byteBelow(10))),
      [](const std::pair<int, std::vector<uint8_t>>& p) {
        // Rank and dims shrink toward [1]: pick 0 of the dim table is 1.
        constexpr int kRankOrder[4] = {1, 0, 2, 3};
        constexpr int64_t kDimOrder[10] = {1, 2, 0, 3, 1, 4, 2, 3, 1, 2};
        std::vector<int64_t> dims;
        for (int i = 0; i < kRankOrder[p.first]; ++i) dims.push_back(kDimOrder[p.second[i]]);
        return Shape::make(dims).value();
      });
}

void showValue(const Case& c, std::ostream& os) { os << "\n" << printCase(c); }

void showValue(const Choice& c, std::ostream& os) {
  os << "{op " << opName(allOps()[c.op % kNumOps]) << ", operand " << int(c.operand[0]) << " "
     << int(c.operand[1]) << " " << int(c.operand[2]) << ", dim " << int(c.dim[0]) << " "
     << int(c.dim[1]) << " " << int(c.dim[2]) << ", attr " << int(c.attr) << ", aux "
     << int(c.aux) << ", lit " << int(c.lit[0]) << " " << int(c.lit[1]) << " " << int(c.lit[2])
     << "}";
}

}  // namespace verigrad::props
