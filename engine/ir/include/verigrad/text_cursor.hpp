// TextCursor: a cursor over one line of a text format (graph files, case files, symbolic-shape
// files), with the token helpers their parsers share; every error names line and column.
#pragma once

#include <cctype>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "verigrad/result.hpp"

namespace verigrad {

class TextCursor {
 public:
  TextCursor(std::string_view line, size_t lineNo) : s_(line), line_(lineNo) {}

  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool atEnd() {
    skipSpace();
    return pos_ >= s_.size();
  }
  // The position of the next token (after spaces), for errors that point back at it.
  size_t position() {
    skipSpace();
    return pos_;
  }
  bool accept(std::string_view token) {
    skipSpace();
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  Status expect(std::string_view token, std::string_view what) {
    if (accept(token)) return okStatus();
    return error("expected '" + std::string(token) + "' " + std::string(what));
  }
  // Letters, digits and '_'.
  std::string_view word() {
    skipSpace();
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  template <class Int>
  Result<Int> integer(std::string_view what) {
    skipSpace();
    Int v{};
    auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
    if (ec != std::errc()) return error("expected an integer " + std::string(what));
    pos_ = static_cast<size_t>(end - s_.data());
    return v;
  }
  // A value id "%N".
  template <class Id>
  Result<Id> id(std::string_view what) {
    if (!accept("%")) return error("expected a value id like %3 " + std::string(what));
    Result<Id> v = integer<Id>(what);
    if (!v.ok()) return error("expected a value id like %3 " + std::string(what));
    return v;
  }
  // The raw text up to the first of `stops` or a space (a literal's text).
  std::string_view token(std::string_view stops) {
    skipSpace();
    const size_t start = pos_;
    while (pos_ < s_.size() && stops.find(s_[pos_]) == std::string_view::npos &&
           !std::isspace(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  // The text up to (not including) the first of `stops` outside parentheses and brackets.
  std::string_view until(std::string_view stops) {
    skipSpace();
    const size_t start = pos_;
    int depth = 0;
    for (; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (depth == 0 && stops.find(c) != std::string_view::npos) break;
      depth += (c == '(' || c == '[') ? 1 : (c == ')' || c == ']') ? -1 : 0;
    }
    return s_.substr(start, pos_ - start);
  }
  // "[item, item, ...]", each item read by `item()` returning Result<T>.
  template <class T, class Item>
  Result<std::vector<T>> list(Item&& item, std::string_view what = "a list") {
    std::vector<T> out;
    VG_TRY_STATUS(expect("[", "to open " + std::string(what)));
    if (accept("]")) return out;
    while (true) {
      Result<T> x = item();
      if (!x.ok()) return x.error();
      out.push_back(std::move(x).value());
      if (accept("]")) return out;
      VG_TRY_STATUS(expect(",", "or ']' in " + std::string(what)));
    }
  }

  Error error(const std::string& what) const { return errorAt(pos_, what); }
  Error errorAt(size_t pos, const std::string& what) const {
    return Error::make(ErrorCode::Parse, "line " + std::to_string(line_) + ", column " +
                                             std::to_string(pos + 1) + ": " + what);
  }

 private:
  std::string_view s_;
  size_t line_;
  size_t pos_ = 0;
};

}  // namespace verigrad
