// Case files on disk: loading a saved case (with the `# mismatch-node %N` comment a failing check
// leaves in it) and saving a failing case from inside a property run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "verigrad/props/case.hpp"

namespace verigrad::cli {

struct CaseFile {
  std::string path;
  props::Case value;
  std::optional<ValueId>
      mismatchNode;  // from `# mismatch-node %N`, when the case came from a failure
};

// Reads and parses a case file; errors are prefixed with the path (parse errors keep line:column).
Result<CaseFile> loadCaseFile(const std::string& path);

// The node id of the first `# mismatch-node %N` comment line, if any.
std::optional<ValueId> findMismatchNode(std::string_view text);

// What a failing evaluation leaves on disk: comments naming the property, seed and failure, the
// mismatch node (when the failure is about one), then the case itself.
struct FailureRecord {
  std::string_view property;
  uint64_t seed = 0;
  std::string_view message;
  std::optional<int64_t> mismatchNode;
};
std::string renderFailureCase(const FailureRecord& record, const props::Case& c);

// Writes `text` to `path` (creating parent directories) through a temporary file and a rename, so
// a reader never sees half a case. Returns an error message on failure.
std::optional<std::string> writeFileAtomically(const std::filesystem::path& path,
                                               std::string_view text);

}  // namespace verigrad::cli
