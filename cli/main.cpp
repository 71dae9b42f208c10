// Entry point of the `verigrad` command: a table of subcommands, `verigrad --help`, and dispatch.
#include <array>
#include <cstring>
#include <iostream>
#include <string_view>

#include "args.hpp"
#include "commands.hpp"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

// One row per subcommand; the usage text below is generated from this table.
constexpr std::array kSubcommands = {
    Subcommand{"check", "run the property suite through RapidCheck (the main job)",
               verigrad::cli::runCheckCommand},
    Subcommand{"replay", "re-run the properties on a saved case file",
               verigrad::cli::runReplayCommand},
    Subcommand{"run", "compile a case file and print its values and gradients",
               verigrad::cli::runRunCommand},
    Subcommand{"dot", "write a case's graph as Graphviz DOT", verigrad::cli::runDotCommand},
    Subcommand{"accuracy", "report end-to-end float/double error of the transcendental ops",
               verigrad::cli::runAccuracyCommand},
#ifdef VERIGRAD_HAVE_SHAPES_COMMAND
    Subcommand{"shapes", "check a graph with symbolic dims with Z3", runShapesCommand},
#endif
};

void printUsage(std::ostream& os) {
  os << "usage: verigrad <command> [options]\n\n"
        "Verigrad checks a reverse-mode autodiff engine against an exact reference.\n\n"
        "commands:\n";
  for (const Subcommand& s : kSubcommands) {
    os << "  " << s.name << std::string(10 - s.name.size(), ' ') << s.summary << "\n";
  }
  os << "\nRun 'verigrad <command> --help' for a command's options.\n"
        "Exit status: 0 success, 1 a failed property or an engine error, 2 a bad command line.\n";
}

}  // namespace

int main(int argc, char** argv) {
  verigrad::cli::setProgramName(argc > 0 ? argv[0] : "");
  if (argc < 2) {
    printUsage(std::cerr);
    return verigrad::cli::kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    printUsage(std::cout);
    return verigrad::cli::kExitOk;
  }
  for (const Subcommand& s : kSubcommands) {
    if (s.name == first) return s.run(argc - 1, argv + 1);
  }
  std::cerr << "verigrad: unknown command '" << first << "'\n"
            << "run 'verigrad --help' for the list of commands\n";
  return verigrad::cli::kExitUsage;
}
