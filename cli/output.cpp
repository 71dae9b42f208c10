// Text tables and JSON escaping for the command's output.
#include "output.hpp"

#include <algorithm>
#include <cstdio>

namespace verigrad::cli {

namespace {

// Display width of UTF-8 text: count code points, not bytes (property statements use Γ, ≤, ...).
size_t displayWidth(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void appendRow(std::string& out, const std::vector<std::string>& row,
               const std::vector<size_t>& widths) {
  for (size_t c = 0; c < row.size(); ++c) {
    out += row[c];
    if (c + 1 < row.size()) out += std::string(widths[c] - displayWidth(row[c]) + 2, ' ');
  }
  out += '\n';
}

}  // namespace

std::string TextTable::render() const {
  std::vector<size_t> widths(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);
  std::string out;
  appendRow(out, header_, widths);
  for (const auto& row : rows_) appendRow(out, row, widths);
  return out;
}

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string jsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

std::string commentLines(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += "# ";
    out += text.substr(start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace verigrad::cli
