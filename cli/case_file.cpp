// Loading and saving case files for check, replay, run and dot.
#include "case_file.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "output.hpp"

namespace verigrad::cli {

namespace {

constexpr std::string_view kMismatchTag = "# mismatch-node %";

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<ValueId> findMismatchNode(std::string_view text) {
  size_t at = 0;
  while ((at = text.find(kMismatchTag, at)) != std::string_view::npos) {
    const bool lineStart = at == 0 || text[at - 1] == '\n';
    const char* first = text.data() + at + kMismatchTag.size();
    ValueId id = 0;
    auto [end, ec] = std::from_chars(first, text.data() + text.size(), id);
    if (lineStart && ec == std::errc() && end != first) return id;
    at += kMismatchTag.size();
  }
  return std::nullopt;
}

Result<CaseFile> loadCaseFile(const std::string& path) {
  std::optional<std::string> text = readFile(path);
  if (!text) {
    return Error::make(ErrorCode::InvalidArgument, path + ": cannot read the file");
  }
  Result<props::Case> parsed = props::parseCase(*text);
  if (!parsed.ok()) {
    return Error::make(parsed.error().code, path + ": " + parsed.error().message,
                       parsed.error().node);
  }
  std::optional<ValueId> node = findMismatchNode(*text);
  if (node && *node >= parsed->graph.numValues()) node.reset();  // a stale comment names nothing
  return CaseFile{path, std::move(parsed).value(), node};
}

std::string renderFailureCase(const FailureRecord& record, const props::Case& c) {
  std::string out = "# saved by `verigrad check`: property " + std::string(record.property) +
                    " failed (seed " + std::to_string(record.seed) + ")\n";
  out += commentLines(record.message);
  if (record.mismatchNode && *record.mismatchNode >= 0) {
    out += std::string(kMismatchTag) + std::to_string(*record.mismatchNode) + "\n";
  }
  return out + props::printCase(c);
}

std::optional<std::string> writeFileAtomically(const std::filesystem::path& path,
                                               std::string_view text) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return "cannot create " + path.parent_path().string() + ": " + ec.message();
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return "cannot write " + tmp.string();
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return "cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
  return std::nullopt;
}

}  // namespace verigrad::cli
