// Per-op counting and rendering for `verigrad check` (see op_counts.hpp).
#include "op_counts.hpp"

#include <utility>

#include "output.hpp"

namespace verigrad::cli {

void OpCounter::stage(const props::Case& c) { staged_ = props::opCounts(c); }

void OpCounter::commit() {
  if (!staged_) return;
  props::addOpCounts(totals_, *staged_);
  ++cases_;
  staged_.reset();
}

void OpCounter::discardStaged() { staged_.reset(); }

std::vector<std::string> OpCounter::below(uint64_t minimum) const {
  std::vector<std::string> out;
  for (Op op : allOps()) {
    if (count(op) < minimum)
      out.push_back(std::string(opName(op)) + " " + std::to_string(count(op)));
  }
  return out;
}

std::string OpCounter::table() const {
  constexpr size_t kColumns = 4;  // (op, count) pairs per line
  std::vector<std::string> header;
  for (size_t c = 0; c < kColumns; ++c) {
    header.push_back("op");
    header.push_back("count");
  }
  TextTable table(header);
  std::vector<std::string> row;
  for (Op op : allOps()) {
    row.push_back(std::string(opName(op)));
    row.push_back(std::to_string(count(op)));
    if (row.size() == 2 * kColumns) table.addRow(std::exchange(row, {}));
  }
  if (!row.empty()) table.addRow(std::move(row));
  return table.render();
}

std::string OpCounter::json() const {
  std::string out = "{";
  bool first = true;
  for (Op op : allOps()) {
    out += (first ? "" : ", ") + jsonString(opName(op)) + ": " + std::to_string(count(op));
    first = false;
  }
  return out + "}";
}

}  // namespace verigrad::cli
