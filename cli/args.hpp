// The command-line grammar shared by every subcommand: option specs, parsing with clear errors
// (exit status 2), and help text generated from the same specs so usage never drifts from code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace verigrad::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a property failed, or the engine reported an error
inline constexpr int kExitUsage = 2;    // bad command line

struct OptionSpec {
  enum class Arity { Switch, One, Many };  // Many: values up to the next option, flag repeatable
  std::string_view name;                   // "--cases"
  std::string_view shortName;              // "-o", or empty
  Arity arity = Arity::Switch;
  std::string_view metavar;  // "N", "NAME", ...
  std::string_view help;
};

struct CommandSpec {
  std::string_view name;         // "check"
  std::string_view positional;   // "FILE", or empty when the command takes none
  std::string_view summary;      // one line for `verigrad --help`
  std::string_view description;  // a paragraph for `verigrad <cmd> --help`
  std::span<const OptionSpec> options;
};

class ParsedArgs {
 public:
  bool has(std::string_view option) const { return values_.count(std::string(option)) != 0; }
  // The last value given to a One option.
  std::optional<std::string> value(std::string_view option) const;
  // Every value given to a Many option, in order.
  std::vector<std::string> values(std::string_view option) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool helpRequested() const { return help_; }

 private:
  friend struct ArgParser;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

struct ArgError {
  std::string message;
};

// Parses argv[1..argc) of a subcommand (argv[0] is the subcommand's name). An unknown option, a
// missing value or a wrong number of positional arguments is an ArgError.
std::variant<ParsedArgs, ArgError> parseArgs(const CommandSpec& spec, int argc, char** argv);

std::string helpText(const CommandSpec& spec);

// Prints "verigrad <cmd>: <message>" and a pointer to --help on stderr; returns kExitUsage.
int usageError(const CommandSpec& spec, std::string_view message);

// How the user invoked the command (argv[0] of main), for the commands we print back; set once
// by main before dispatch.
void setProgramName(std::string name);
const std::string& programName();

// Parses the whole argument or reports why not (for option values).
std::optional<uint64_t> parseUnsigned(std::string_view text);

// parseArgs + the common handling: --help prints the help text (exit 0), an error prints it
// (exit 2). Returns nullopt with `exitCode` set when the command should stop.
std::optional<ParsedArgs> parseOrExit(const CommandSpec& spec, int argc, char** argv,
                                      int& exitCode);

}  // namespace verigrad::cli
