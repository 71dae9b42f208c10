// The translation's int64 arithmetic and numel check at their edges (overflow, division by zero,
// floor rounding, 2^62), against the engine's evaluator running the same rows: small shapes never
// reach these cases, so the faithfulness check alone would not see them.
#include <gtest/gtest.h>
#include <z3++.h>

#include <limits>

#include "verigrad/smt/translate.hpp"

namespace verigrad::smt {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
const int64_t kEdges[] = {
    kMin, kMin + 1,         -(int64_t{1} << 62), -7,       -2,  -1, 0, 1, 2, 3,
    7,    int64_t{1} << 31, int64_t{1} << 62,    kMax - 1, kMax};

constexpr AttrSpec kAbc[] = {{"a", AttrKind::Int}, {"b", AttrKind::Int}, {"c", AttrKind::Int}};

// The evaluator's verdict on `-> [] where <cond>` with attributes a, b, c.
bool evaluatorAccepts(const rules::ShapeRule& row, int64_t a, int64_t b, int64_t c) {
  const int64_t ints[] = {a, b, c};
  return rules::inferShapeWith(row, kAbc, rules::RuleArgs{{}, ints, 0, nullptr}, "", {}).ok();
}

// The translation of the same row, with a, b, c substituted and simplified.
class Translated {
 public:
  explicit Translated(const rules::ShapeRule& row) : t_(c_) {
    SymArgs args;
    for (const char* name : {"a", "b", "c"}) {
      vars_.push_back(c_.bv_const(name, kWordBits));
      args.ints.push_back(vars_.back());
    }
    app_ = t_.applyRow(row, kAbc, std::move(args));
  }
  bool accepts(int64_t a, int64_t b, int64_t c) {
    z3::expr_vector src(c_), dst(c_);
    const int64_t values[] = {a, b, c};
    for (size_t i = 0; i < 3; ++i) {
      src.push_back(vars_[i]);
      dst.push_back(c_.bv_val(values[i], kWordBits));
    }
    z3::expr ok = app_->ok();
    const z3::expr v = ok.substitute(src, dst).simplify();
    EXPECT_TRUE(v.is_true() || v.is_false()) << v;
    return v.is_true();
  }

 private:
  z3::context c_;
  Translator t_;
  std::vector<z3::expr> vars_;
  std::unique_ptr<RowApp> app_;
};

TEST(Encoding, CheckedArithmeticMatchesTheEvaluatorAtTheEdges) {
  for (const char* cond : {"a + b == c", "a - b == c", "a * b == c", "a / b == c", "a + b < c",
                           "a - b <= c", "(a - b) / 2 == c"}) {
    Result<rules::ShapeRule> row = rules::parseRule("t", kAbc, std::string("-> [] where ") + cond);
    ASSERT_TRUE(row.ok()) << row.error().message;
    Translated translated(row.value());
    int checked = 0, accepted = 0;
    for (int64_t a : kEdges) {
      for (int64_t b : kEdges) {
        // c: the wrapped results and their neighbours, so "== c" is true where defined.
        const auto wrap = [](__int128 v) { return static_cast<int64_t>(static_cast<uint64_t>(v)); };
        for (int64_t c :
             {wrap(__int128{a} + b), wrap(__int128{a} - b), wrap(__int128{a} * b),
              b != 0 && !(a == kMin && b == -1) ? a / b : 0,
              b != 0 && !(a == kMin && b == -1) ? wrap(__int128{a / b} - 1) : 0, int64_t{0}}) {
          const bool want = evaluatorAccepts(row.value(), a, b, c);
          EXPECT_EQ(translated.accepts(a, b, c), want)
              << cond << " with a = " << a << ", b = " << b << ", c = " << c;
          ++checked;
          accepted += want ? 1 : 0;
        }
      }
    }
    EXPECT_GT(accepted, 0) << cond;
    EXPECT_LT(accepted, checked) << cond;
  }
}

// checkedNumel of shapes with huge dims (Shape{...} does not check numel; the evaluator's rows
// call Shape::checkedNumel), through the exact chain's wide branch and its narrow branch.
TEST(Encoding, NumelCheckMatchesTheEvaluatorBeyondTwoToTheSixtyTwo) {
  const int64_t big[] = {0,
                         1,
                         2,
                         3,
                         int64_t{1} << 20,
                         (int64_t{1} << 31) - 1,
                         int64_t{1} << 31,
                         int64_t{1} << 62,
                         (int64_t{1} << 62) + 1};
  z3::context c;
  Translator t(c);
  std::vector<z3::expr> dims;
  for (int i = 0; i < 3; ++i)
    dims.push_back(c.bv_const(("d" + std::to_string(i)).c_str(), kWordBits));
  const SymInt n = t.checkedNumel(dims);
  int overflows = 0;
  for (int64_t x : big) {
    for (int64_t y : big) {
      for (int64_t z : big) {
        const Shape target{x, y, z};
        const Result<int64_t> want = Shape::checkedNumel(target.dims());
        z3::expr_vector src(c), dst(c);
        for (size_t i = 0; i < 3; ++i) {
          src.push_back(dims[i]);
          dst.push_back(c.bv_val(target.dims()[i], kWordBits));
        }
        z3::expr defined = n.defined, value = n.value;
        const z3::expr d = defined.substitute(src, dst).simplify();
        const z3::expr v = value.substitute(src, dst).simplify();
        ASSERT_TRUE(d.is_true() || d.is_false());
        EXPECT_EQ(d.is_true(), want.ok()) << target.str();
        if (want.ok()) {
          EXPECT_EQ(static_cast<int64_t>(v.get_numeral_uint64()), want.value());
        }
        overflows += want.ok() ? 0 : 1;
      }
    }
  }
  EXPECT_GT(overflows, 0);
}

}  // namespace
}  // namespace verigrad::smt
