// `verigrad shapes FILE`: Z3 decides whether a graph with symbolic input dims is well-shaped for
// every assignment of its symbols within the bounds, for some, or for none (naming the lines in
// conflict); the checking itself is verigrad::smt::checkShapes (properties/smt).
#include <array>
#include <fstream>
#include <iostream>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "verigrad/smt/shapes.hpp"

namespace verigrad::cli {
namespace {

constexpr std::array kOptions = {
    OptionSpec{"--min-dim", "", OptionSpec::Arity::One, "N",
               "smallest value of every symbol (default 1)"},
    OptionSpec{"--max-dim", "", OptionSpec::Arity::One, "N",
               "largest value of every symbol (default 32768, at most 65535)"},
    // One value per use (repeatable): a Many option would swallow FILE after it.
    OptionSpec{"--range", "", OptionSpec::Arity::One, "NAME=LO:HI",
               "the range of one symbol, e.g. B=1:64 (repeatable)"},
    OptionSpec{"--timeout-ms", "", OptionSpec::Arity::One, "MS",
               "time limit of each solver query (default 30000); unknown is a failure"},
    OptionSpec{"--no-minimize", "", OptionSpec::Arity::Switch, "",
               "report Z3's unsat core as found, without shrinking it"},
};

constexpr CommandSpec kSpec{
    "shapes", "FILE", "check a graph with symbolic dims with Z3",
    "FILE is a graph in the text format whose input dims may be symbols or expressions of them,\n"
    "e.g. `input %0 : [B, 784]`; node lines may declare shapes over the symbols (`: [B, 128]`)\n"
    "or omit them (except reshape, broadcastTo and const, whose declared shape is the target).\n"
    "Int attributes may be expressions too (`{len = B}`). Every node's shape row is translated\n"
    "to Z3, and the command reports one of: well-shaped for every assignment of the symbols\n"
    "within the bounds (proved by refuting the negation), for some (with an assignment where it\n"
    "is and one where it is not), or for none (the lines of a minimal unsat core: the nodes in\n"
    "conflict). Exit status: 0 well-shaped for every assignment, 1 otherwise (or unknown),\n"
    "2 a bad command line or a file that does not parse.",
    kOptions};

std::optional<int64_t> boundOption(const ParsedArgs& args, std::string_view name, int64_t fallback,
                                   std::string& error) {
  const std::optional<std::string> text = args.value(name);
  if (!text) return fallback;
  const std::optional<uint64_t> v = parseUnsigned(*text);
  if (!v || *v > 65535) {
    error = std::string(name) + " needs an integer in [0, 65535], not '" + *text + "'";
    return std::nullopt;
  }
  return static_cast<int64_t>(*v);
}

// "B=1:64"
std::optional<smt::SymbolRange> parseRange(const std::string& text) {
  const size_t eq = text.find('='), colon = text.find(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq || eq == 0) {
    return std::nullopt;
  }
  const std::optional<uint64_t> lo =
      parseUnsigned(std::string_view(text).substr(eq + 1, colon - eq - 1));
  const std::optional<uint64_t> hi = parseUnsigned(std::string_view(text).substr(colon + 1));
  if (!lo || !hi || *lo > 65535 || *hi > 65535) return std::nullopt;
  return smt::SymbolRange{text.substr(0, eq), static_cast<int64_t>(*lo), static_cast<int64_t>(*hi)};
}

std::optional<smt::ShapesOptions> shapesOptions(const ParsedArgs& args, std::string& error) {
  smt::ShapesOptions o;
  const std::optional<int64_t> lo = boundOption(args, "--min-dim", o.minDim, error);
  const std::optional<int64_t> hi = boundOption(args, "--max-dim", o.maxDim, error);
  if (!lo || !hi) return std::nullopt;
  o.minDim = *lo;
  o.maxDim = *hi;
  for (const std::string& text : args.values("--range")) {
    const std::optional<smt::SymbolRange> r = parseRange(text);
    if (!r) {
      error = "--range needs NAME=LO:HI with 0 <= LO, HI <= 65535, not '" + text + "'";
      return std::nullopt;
    }
    o.ranges.push_back(*r);
  }
  if (const std::optional<std::string> ms = args.value("--timeout-ms")) {
    const std::optional<uint64_t> v = parseUnsigned(*ms);
    if (!v || *v == 0 || *v > UINT32_MAX) {
      error = "--timeout-ms needs a positive number of milliseconds, not '" + *ms + "'";
      return std::nullopt;
    }
    o.timeoutMs = static_cast<unsigned>(*v);
  }
  o.minimizeCore = !args.has("--no-minimize");
  return o;
}

std::optional<std::string> readFile(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path);
  if (!in) return std::nullopt;
  text << in.rdbuf();
  return text.str();
}

}  // namespace
}  // namespace verigrad::cli

int runShapesCommand(int argc, char** argv) {
  using namespace verigrad::cli;
  int exitCode = kExitOk;
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  std::string error;
  const std::optional<verigrad::smt::ShapesOptions> options = shapesOptions(*args, error);
  if (!options) return usageError(kSpec, error);
  const std::string& path = args->positional()[0];
  const std::optional<std::string> text = readFile(path);
  if (!text) {
    std::cerr << "verigrad shapes: cannot read " << path << "\n";
    return kExitUsage;
  }
  verigrad::Result<verigrad::smt::SymbolicGraph> graph = verigrad::smt::parseSymbolicGraph(*text);
  if (!graph.ok()) {
    std::cerr << "verigrad shapes: " << path << ": " << graph.error().message << "\n";
    return kExitUsage;
  }
  const verigrad::smt::ShapesReport report = verigrad::smt::checkShapes(graph.value(), *options);
  std::cout << path << ": " << verigrad::smt::formatShapesReport(report);
  if (report.verdict == verigrad::smt::ShapesVerdict::Error && !report.message.empty() &&
      report.queries == 0) {
    return kExitUsage;  // bad ranges for this graph: a command-line problem
  }
  return report.verdict == verigrad::smt::ShapesVerdict::WellShapedForAll ? kExitOk : kExitFailure;
}
