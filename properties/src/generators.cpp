// RapidCheck generators over the choice interpreter: choices (shrinking by removing chunks, then
// each field toward 0), case picks, and whole cases.
#include "verigrad/props/generators.hpp"

#include <tuple>

namespace verigrad::props {
namespace {

constexpr size_t kShapeBytes = 11;  // operand, dim, attr, aux, lit
constexpr size_t kDataBytes = 4 * Choice::kDataPicks;

// Uniform in [0, bound) at every size: RapidCheck's inRange scales its range with the size, which
// would skew small sizes toward the first ops and the first table entries. Shrinks toward 0.
rc::Gen<int> uniformBelow(int bound) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange(0, bound));
}

rc::Gen<uint8_t> byteBelow(int bound) { return rc::gen::cast<uint8_t>(uniformBelow(bound)); }

Choice choiceFrom(int op, int transcendental, const std::vector<uint8_t>& b,
                  const std::vector<uint8_t>& data) {
  Choice c;
  c.op = static_cast<uint8_t>(op);
  c.transcendental = static_cast<uint8_t>(transcendental);
  c.operand = {b[0], b[1], b[2]};
  c.dim = {b[3], b[4], b[5]};
  c.attr = b[6];
  c.aux = b[7];
  c.lit = {b[8], b[9], b[10]};
  size_t k = 0;
  for (Choice::DataPicks* role : {&c.value, &c.seedA, &c.seedB, &c.tangent}) {
    for (uint8_t& pick : *role) pick = data[k++];
  }
  return c;
}

// The choice list: nodeBudget(cfg, size) choices (none in one case of 32), then RapidCheck's
// container shrinking (remove chunks, then shrink each element).
class ChoiceListGen {
 public:
  explicit ChoiceListGen(GenConfig cfg) : cfg_(cfg) {}

  rc::Shrinkable<std::vector<Choice>> operator()(const rc::Random& random, int size) const {
    rc::Random r = random;
    // One case in 32 has no choices: the empty graph, whose checkedOutId is the NoOutput error.
    const bool empty = r.split().next() % 32 == 0;
    const auto count = empty ? 0 : static_cast<size_t>(std::max(0, nodeBudget(cfg_, size)));
    const rc::Gen<Choice> element = genChoice();
    std::vector<rc::Shrinkable<Choice>> elements;
    elements.reserve(count);
    for (size_t i = 0; i < count; ++i) elements.push_back(element(r.split(), size));

    using Elements = std::vector<rc::Shrinkable<Choice>>;
    auto shrinks = [](const Elements& es) {
      return rc::seq::concat(
          rc::shrink::removeChunks(es),
          rc::shrink::eachElement(es, [](const rc::Shrinkable<Choice>& s) { return s.shrinks(); }));
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

}  // namespace

rc::Gen<Choice> genChoice() {
  // The op first (a transcendental pick shrinks to 0, the rational op), then the shape fields,
  // then the data: RapidCheck shrinks a tuple in that order.
  return rc::gen::map(
      rc::gen::tuple(
          uniformBelow(kNumRationalOps), uniformBelow(kTranscendentalPeriod),
          rc::gen::container<std::vector<uint8_t>>(kShapeBytes, byteBelow(256)),
          rc::gen::container<std::vector<uint8_t>>(kDataBytes, byteBelow(kValueTableSize))),
      [](const std::tuple<int, int, std::vector<uint8_t>, std::vector<uint8_t>>& t) {
        return choiceFrom(std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t));
      });
}

rc::Gen<std::vector<Choice>> genChoices(const GenConfig& cfg) { return ChoiceListGen(cfg); }

rc::Gen<CasePicks> genCasePicks() {
  return rc::gen::map(
      rc::gen::tuple(byteBelow(kValueTableSize), byteBelow(kValueTableSize), byteBelow(256),
                     byteBelow(2)),
      [](const std::tuple<uint8_t, uint8_t, uint8_t, uint8_t>& t) {
        return CasePicks{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
      });
}

rc::Gen<Case> genCase(const GenConfig& cfg) {
  return rc::gen::map(rc::gen::pair(genChoices(cfg), genCasePicks()),
                      [cfg](const std::pair<std::vector<Choice>, CasePicks>& p) {
                        return interpret(p.first, p.second, cfg).c;
                      });
}

rc::Gen<Case> genMixedCase(const GenConfig& cfg) {
  return rc::gen::map(rc::gen::pair(genChoices(cfg), genCasePicks()),
                      [cfg](std::pair<std::vector<Choice>, CasePicks> p) {
                        p.second.mixed = 1;
                        return interpret(p.first, p.second, cfg).c;
                      });
}

rc::Gen<Shape> genShape() {
  return rc::gen::map(
      rc::gen::pair(uniformBelow(4), rc::gen::container<std::vector<uint8_t>>(3, byteBelow(10))),
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
  os << "{op " << opName(rationalOps()[c.op % kNumRationalOps]) << ", transcendental "
     << int(c.transcendental) << " (mixed cases: " << opName(choiceOp(c, true)) << "), operand "
     << int(c.operand[0]) << " " << int(c.operand[1]) << " " << int(c.operand[2]) << ", dim "
     << int(c.dim[0]) << " " << int(c.dim[1]) << " " << int(c.dim[2]) << ", attr " << int(c.attr)
     << ", aux " << int(c.aux) << ", lit " << int(c.lit[0]) << " " << int(c.lit[1]) << " "
     << int(c.lit[2]);
  for (const auto& [name, picks] :
       {std::pair{"value", &c.value}, std::pair{"seedA", &c.seedA}, std::pair{"seedB", &c.seedB},
        std::pair{"tangent", &c.tangent}}) {
    os << ", " << name;
    for (uint8_t p : *picks) os << " " << int(p);
  }
  os << "}";
}

}  // namespace verigrad::props
