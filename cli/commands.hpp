// The subcommands of the `verigrad` command: one function per subcommand, each in its own file,
// taking the subcommand's argv (argv[0] is the subcommand name) and returning the exit status
// (0 success, 1 a failed property or an engine error, 2 a bad command line).
#pragma once

namespace verigrad::cli {

int runCheckCommand(int argc, char** argv);     // check_command.cpp
int runReplayCommand(int argc, char** argv);    // replay_command.cpp
int runRunCommand(int argc, char** argv);       // run_command.cpp
int runDotCommand(int argc, char** argv);       // dot_command.cpp
int runAccuracyCommand(int argc, char** argv);  // accuracy_command.cpp

}  // namespace verigrad::cli

// `verigrad shapes`: Z3 checks of graphs with symbolic dims (properties/smt, issue 5). Defined in
// cli/shapes_command.cpp; main.cpp lists it only when CMake found that file and defined
// VERIGRAD_HAVE_SHAPES_COMMAND.
int runShapesCommand(int argc, char** argv);
