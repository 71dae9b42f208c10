// Result<T> and Error: how every public entry point reports failure. Nothing throws across the API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace verigrad {

// The kind of an error; the property suite compares kinds (not message text) between engine and
// spec.
enum class ErrorCode : uint8_t {
  InvalidArgument,  // a malformed request: wrong count, unknown name, bad attribute
  ShapeMismatch,    // an operand, input, seed or declared shape disagrees with its rule
  InvalidId,        // a value id out of range or a forward reference
  IndexOutOfRange,  // a gather/scatter/slice index outside its axis
  DomainError,      // division by zero / log of non-positive over an exact scalar
  Unsupported,      // an op the chosen scalar cannot compute exactly
  Overflow,         // numel beyond 2^62, or a literal that overflows the scalar
  NoOutput,         // checkedOutId on a graph with no produced node
  Parse,            // graph text format
  Internal,         // a broken invariant: always a bug in Verigrad
};

const char* errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  int64_t node = -1;  // value id the error is about, when there is one

  static Error make(ErrorCode code, std::string message, int64_t node = -1) {
    return Error{code, std::move(message), node};
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status okStatus() { return Status(Unit{}); }

}  // namespace verigrad

// Propagate an error from an expression returning Result<...>; binds nothing.
#define VG_TRY_STATUS(expr)                                  \
  do {                                                       \
    auto vg_try_status_ = (expr);                            \
    if (!vg_try_status_.ok()) return vg_try_status_.error(); \
  } while (0)
