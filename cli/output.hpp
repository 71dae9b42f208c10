// Output helpers of the command: aligned text tables and hand-written JSON pieces (no JSON
// library: the command's machine-readable output is small and flat).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace verigrad::cli {

// A left-aligned text table; the last column is not padded, so lines carry no trailing spaces.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void addRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A JSON string literal with every character that needs it escaped.
std::string jsonString(std::string_view text);
// "[a, b, ...]" of already-rendered JSON values.
std::string jsonArray(const std::vector<std::string>& items);

// Every line of `text` prefixed with "# " (for comments in case files).
std::string commentLines(std::string_view text);

}  // namespace verigrad::cli
