// `verigrad dot FILE`: the case's graph as Graphviz DOT, highlighting the mismatching node of a
// saved failure (its `# mismatch-node %N` comment) or the node given with --highlight.
#include <array>
#include <iostream>

#include "args.hpp"
#include "case_file.hpp"
#include "commands.hpp"
#include "verigrad/graph_dot.hpp"

namespace verigrad::cli {
namespace {

constexpr std::array kOptions = {
    OptionSpec{"--highlight", "", OptionSpec::Arity::One, "ID",
               "node to highlight, e.g. %5 (default: the file's mismatch-node comment)"},
    OptionSpec{"--output", "-o", OptionSpec::Arity::One, "OUT",
               "write the DOT text to OUT instead of stdout"},
};

constexpr CommandSpec kSpec{
    "dot", "FILE", "write a case's graph as Graphviz DOT",
    "Prints the graph of the case in FILE as Graphviz DOT (render with `dot -Tsvg`). A case saved\n"
    "by a failing `verigrad check` names its mismatching node in a `# mismatch-node %N` comment;\n"
    "that node is highlighted unless --highlight names another.",
    kOptions};

// "%5" or "5".
std::optional<ValueId> parseNodeId(std::string_view text) {
  if (text.starts_with('%')) text.remove_prefix(1);
  std::optional<uint64_t> v = parseUnsigned(text);
  if (!v || *v > UINT32_MAX) return std::nullopt;
  return static_cast<ValueId>(*v);
}

}  // namespace

int runDotCommand(int argc, char** argv) {
  int exitCode = kExitOk;
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  Result<CaseFile> file = loadCaseFile(args->positional()[0]);
  if (!file.ok()) {
    std::cerr << "verigrad dot: " << file.error().message << "\n";
    return kExitFailure;
  }
  std::optional<ValueId> highlight = file->mismatchNode;
  if (std::optional<std::string> text = args->value("--highlight")) {
    highlight = parseNodeId(*text);
    if (!highlight)
      return usageError(kSpec, "--highlight needs a node id like %5, not '" + *text + "'");
    if (*highlight >= file->value.graph.numValues()) {
      return usageError(kSpec, "--highlight %" + std::to_string(*highlight) +
                                   " is not a value of the graph (it has " +
                                   std::to_string(file->value.graph.numValues()) + ")");
    }
  }
  const std::string dot = printDot(file->value.graph, highlight);
  if (std::optional<std::string> out = args->value("--output")) {
    if (std::optional<std::string> error = writeFileAtomically(*out, dot)) {
      std::cerr << "verigrad dot: " << *error << "\n";
      return kExitFailure;
    }
    return kExitOk;
  }
  std::cout << dot;
  return kExitOk;
}

}  // namespace verigrad::cli
