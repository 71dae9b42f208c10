// Parsing of subcommand arguments against their OptionSpecs, and the generated help text.
#include "args.hpp"

#include <charconv>
#include <iostream>
#include <sstream>

namespace verigrad::cli {

std::optional<std::string> ParsedArgs::value(std::string_view option) const {
  auto it = values_.find(std::string(option));
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(std::string_view option) const {
  auto it = values_.find(std::string(option));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

namespace {

bool looksLikeOption(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

const OptionSpec* findOption(const CommandSpec& spec, std::string_view name) {
  for (const OptionSpec& o : spec.options) {
    if (o.name == name || (!o.shortName.empty() && o.shortName == name)) return &o;
  }
  return nullptr;
}

size_t maxPositional(const CommandSpec& spec) { return spec.positional.empty() ? 0 : 1; }

}  // namespace

// A small state machine over argv; a struct so ParsedArgs can befriend it.
struct ArgParser {
  const CommandSpec& spec;
  ParsedArgs out;

  std::optional<ArgError> run(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        out.help_ = true;
        continue;
      }
      if (!looksLikeOption(arg)) {
        out.positional_.emplace_back(arg);
        continue;
      }
      // --name=value is accepted for options that take a value.
      std::optional<std::string_view> inlineValue;
      if (size_t eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
        inlineValue = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
      const OptionSpec* o = findOption(spec, arg);
      if (o == nullptr) return ArgError{"unknown option '" + std::string(arg) + "'"};
      auto& slot = out.values_[std::string(o->name)];
      if (o->arity == OptionSpec::Arity::Switch) {
        if (inlineValue) return ArgError{"option " + std::string(o->name) + " takes no value"};
        continue;
      }
      if (inlineValue) {
        slot.emplace_back(*inlineValue);
      } else if (i + 1 < argc && !looksLikeOption(argv[i + 1])) {
        slot.emplace_back(argv[++i]);
      } else {
        return ArgError{"option " + std::string(o->name) + " needs a value (" +
                        std::string(o->metavar) + ")"};
      }
      // A Many option reads names up to the next option, so a command's FILE goes first.
      if (o->arity == OptionSpec::Arity::Many && !inlineValue) {
        while (i + 1 < argc && !looksLikeOption(argv[i + 1])) slot.emplace_back(argv[++i]);
      }
    }
    if (out.help_) return std::nullopt;
    if (out.positional_.size() > maxPositional(spec)) {
      return ArgError{"unexpected argument '" + out.positional_[maxPositional(spec)] + "'"};
    }
    if (out.positional_.size() < maxPositional(spec)) {
      return ArgError{"missing " + std::string(spec.positional)};
    }
    return std::nullopt;
  }
};

std::variant<ParsedArgs, ArgError> parseArgs(const CommandSpec& spec, int argc, char** argv) {
  ArgParser parser{spec, {}};
  if (std::optional<ArgError> error = parser.run(argc, argv)) return *error;
  return std::move(parser.out);
}

std::string helpText(const CommandSpec& spec) {
  std::ostringstream os;
  os << "usage: verigrad " << spec.name;
  if (!spec.positional.empty()) os << " " << spec.positional;
  if (!spec.options.empty()) os << " [options]";
  os << "\n\n" << spec.description << "\n";
  if (!spec.options.empty()) os << "\noptions:\n";
  for (const OptionSpec& o : spec.options) {
    std::string left = std::string(o.name);
    if (!o.shortName.empty()) left = std::string(o.shortName) + ", " + left;
    if (o.arity != OptionSpec::Arity::Switch) left += " " + std::string(o.metavar);
    if (o.arity == OptionSpec::Arity::Many) left += "...";
    os << "  " << left;
    os << std::string(left.size() < 24 ? 24 - left.size() : 2, ' ') << o.help << "\n";
  }
  os << "  -h, --help" << std::string(14, ' ') << "show this help and exit\n";
  return os.str();
}

int usageError(const CommandSpec& spec, std::string_view message) {
  std::cerr << "verigrad " << spec.name << ": " << message << "\n"
            << "run 'verigrad " << spec.name << " --help' for usage\n";
  return kExitUsage;
}

namespace {
std::string& programNameSlot() {
  static std::string name = "verigrad";
  return name;
}
}  // namespace

void setProgramName(std::string name) {
  if (!name.empty()) programNameSlot() = std::move(name);
}
const std::string& programName() { return programNameSlot(); }

std::optional<uint64_t> parseUnsigned(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<ParsedArgs> parseOrExit(const CommandSpec& spec, int argc, char** argv,
                                      int& exitCode) {
  std::variant<ParsedArgs, ArgError> parsed = parseArgs(spec, argc, argv);
  if (auto* error = std::get_if<ArgError>(&parsed)) {
    exitCode = usageError(spec, error->message);
    return std::nullopt;
  }
  ParsedArgs args = std::get<ParsedArgs>(std::move(parsed));
  if (args.helpRequested()) {
    std::cout << helpText(spec);
    exitCode = kExitOk;
    return std::nullopt;
  }
  return args;
}

}  // namespace verigrad::cli
