// Shared helpers for the GoogleTest suites: exact literals and tensors from text, Result checks.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/exact.hpp"
#include "verigrad/graph_builder.hpp"

namespace verigrad::testing {

// An exact rational from text ("1/3", "-2", "0.5"); fails the test on bad text.
inline Rational Q(std::string_view text) {
  auto r = Rational::parse(text);
  EXPECT_TRUE(r.ok()) << "bad rational literal in test: " << text;
  return r.ok() ? r.value() : Rational();
}

inline ExactLiteral L(std::string_view text) {
  auto r = ExactLiteral::parse(text);
  EXPECT_TRUE(r.ok()) << "bad literal in test: " << text;
  return r.ok() ? r.value() : ExactLiteral();
}

inline Tensor<Rational> TQ(const Shape& shape, std::initializer_list<const char*> values) {
  std::vector<Rational> data;
  for (const char* v : values) data.push_back(Q(v));
  auto t = Tensor<Rational>::make(shape, std::move(data));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? t.value() : Tensor<Rational>(shape);
}

template <class T>
Tensor<T> TF(const Shape& shape, std::initializer_list<T> values) {
  auto t = Tensor<T>::make(shape, std::vector<T>(values));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? t.value() : Tensor<T>(shape);
}

// Element-wise text of a view, e.g. {"1/2", "-3"}: compare exact results with EXPECT_EQ.
inline std::vector<std::string> Strs(const TensorView<Rational>& v) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < v.numel(); ++i) out.push_back(v[i].str());
  return out;
}
template <class T>
std::vector<T> Vals(const TensorView<T>& v) {
  return std::vector<T>(v.data, v.data + v.numel());
}

// Unwraps a Result, failing the test (with the error message) when it holds an error.
template <class T>
T Unwrap(Result<T> r) {
  if (!r.ok()) {
    // GoogleTest reports an escaping exception as this test's failure, with the message.
    throw std::runtime_error("unexpected error: " + r.error().message);
  }
  return std::move(r).value();
}

// Two contexts hold the same values, shape for shape and bit for bit (float and double; NaN
// payloads and signed zeros included), wherever their slots live (a context that adopted its
// inputs keeps Γ outside its arena).
template <class T>
bool bitIdentical(const Context<T>& a, const Context<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t id = 0; id < a.size(); ++id) {
    const TensorView<T> x = a[id], y = b[id];
    if (x.shape != y.shape) return false;
    if (x.numel() > 0 && std::memcmp(x.data, y.data, static_cast<size_t>(x.numel()) * sizeof(T))) {
      return false;
    }
  }
  return true;
}

}  // namespace verigrad::testing

#define VG_ASSERT_OK(expr)                                         \
  do {                                                             \
    const auto& vg_r_ = (expr);                                    \
    ASSERT_TRUE(vg_r_.ok()) << "error: " << vg_r_.error().message; \
  } while (0)
