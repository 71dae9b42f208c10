// `verigrad accuracy`: end-to-end float and double error of each transcendental op in ulps against
// the interval spec (oracle::sweepTranscendentalAccuracy), as a table on stdout and a PNG plot
// rendered by gnuplot (Debian package gnuplot-nox). Reported, never asserted.
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "args.hpp"
#include "commands.hpp"
#include "verigrad/interval.hpp"
#include "verigrad/oracle/float_accuracy.hpp"

namespace verigrad::cli {
namespace {

constexpr const char* kDefaultPng = "verigrad-accuracy.png";

constexpr std::array kOptions = {
    OptionSpec{"--cases", "", OptionSpec::Arity::One, "N",
               "random graphs per op and format (default 100; 8-10 elements each)"},
    OptionSpec{"--seed", "", OptionSpec::Arity::One, "S", "seed of the input stream (default 1)"},
    OptionSpec{"--png", "", OptionSpec::Arity::One, "FILE",
               "write the plot to FILE (default verigrad-accuracy.png)"},
    OptionSpec{"--no-png", "", OptionSpec::Arity::Switch, "", "print the table only"},
};

constexpr CommandSpec kSpec{
    "accuracy", "", "report end-to-end float/double error of the transcendental ops",
    "Measures sqrt, sigmoid, tanh, softplus, exp, log, safeLog, softmax, logSoftmax and layerNorm\n"
    "at float and double against the spec at the interval scalar (256-bit MPFI enclosures; an\n"
    "element whose enclosure is wider than 1/1024 ulp is left out as 'unresolved'). Each op runs\n"
    "in N small random graphs out = sum(op(x, ...) * w): 'value' is the op's output, 'gradient'\n"
    "its operands' gradients (the op's VJP of delta = w). Errors are in ulps of\n"
    "max(|exact|, 2^-30): the absolute floor near zero keeps a tiny true value (tanh' at |x| = "
    "20,\n"
    "softmax of a far-off element) from dividing by its own tiny ulp. Max and median are over\n"
    "all elements of all cases.\n"
    "\n"
    "This is a report, not a check: cancellation and kinks make any end-to-end bound false or\n"
    "vacuous, and large maxima where an op is ill-conditioned (1 - tanh^2 at large |x|, the\n"
    "three-term layerNorm VJP of a near-constant row) are expected. The asserted float check is\n"
    "the local one (`verigrad check`, property float-local), which bounds every op at the "
    "engine's\n"
    "own operands with glibc's documented ulp errors for exp, log, log1p and tanh.\n"
    "\n"
    "The PNG (two panels, max and median ulps per op, log scale) is rendered by gnuplot: install\n"
    "the Debian package gnuplot-nox (scripts/check and scripts/test do). Without gnuplot the\n"
    "table is still printed and the command exits 1; --no-png skips the plot.",
    kOptions};

std::string helpWithDomains() {
  return helpText(kSpec) + "\ninput domains of the sweep:\n" + oracle::sweepDomains();
}

// The plot's data: per op, max and median of the four series.
std::string plotData(const std::vector<oracle::SweepRow>& rows) {
  // Series order: float value, float gradient, double value, double gradient.
  std::map<std::string, std::array<std::array<double, 2>, 4>> byOp;
  std::vector<std::string> order;
  for (const oracle::SweepRow& r : rows) {
    const std::string op(opName(r.op));
    if (!byOp.count(op)) order.push_back(op);
    const int series = (r.scalar == "double" ? 2 : 0) + (r.quantity == "gradient" ? 1 : 0);
    // Log scale: an error of 0 (or below 1/100 ulp) is drawn at 1/100.
    byOp[op][series] = {std::max(r.stats.maxUlps, 0.01), std::max(r.stats.medianUlps, 0.01)};
  }
  std::ostringstream out;
  for (const std::string& op : order) {
    out << op;
    for (const auto& s : byOp[op]) out << " " << s[0];
    for (const auto& s : byOp[op]) out << " " << s[1];
    out << "\n";
  }
  return out.str();
}

std::string gnuplotScript(const std::vector<oracle::SweepRow>& rows, const std::string& png,
                          int cases) {
  std::ostringstream s;
  std::string escaped;
  for (char c : png) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  s << "$data << EOD\n"
    << plotData(rows) << "EOD\n"
    << "set terminal pngcairo size 1200,900 noenhanced font ',10'\n"
    << "set output \"" << escaped << "\"\n"
    << "set style data histograms\n"
    << "set style histogram clustered gap 1\n"
    << "set style fill solid 0.8 border -1\n"
    << "set logscale y\n"
    << "set grid ytics\n"
    << "set key outside right top\n"
    << "set xtics rotate by -30\n"
    << "set multiplot layout 2,1 title \"verigrad accuracy: end-to-end error vs the interval "
       "spec, ulps of max(|exact|, 2^-30), "
    << cases << " cases per op (values < 0.01 drawn at 0.01)\"\n"
    << "set ylabel 'max ulp'\n"
    << "plot $data using 2:xtic(1) title 'float value', '' using 3 title 'float gradient', "
       "'' using 4 title 'double value', '' using 5 title 'double gradient'\n"
    << "set ylabel 'median ulp'\n"
    << "plot $data using 6:xtic(1) title 'float value', '' using 7 title 'float gradient', "
       "'' using 8 title 'double value', '' using 9 title 'double gradient'\n"
    << "unset multiplot\n";
  return s.str();
}

bool gnuplotAvailable() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// Runs gnuplot on the script; an error message, or nullopt when the PNG was written.
std::optional<std::string> renderPng(const std::string& script, const std::string& png) {
  if (!gnuplotAvailable()) {
    return "gnuplot is not installed: the table above is complete, but no PNG was written "
           "(install the Debian package gnuplot-nox, or pass --no-png)";
  }
  std::error_code ec;
  std::filesystem::remove(png, ec);
  FILE* pipe = popen("gnuplot 2>&1", "w");
  if (!pipe) return "cannot start gnuplot";
  std::fwrite(script.data(), 1, script.size(), pipe);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "gnuplot failed (exit status " +
           std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ") writing " + png;
  }
  if (!std::filesystem::exists(png, ec)) return "gnuplot did not write " + png;
  return std::nullopt;
}

}  // namespace

int runAccuracyCommand(int argc, char** argv) {
  int exitCode = kExitOk;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << helpWithDomains();
      return kExitOk;
    }
  }
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  oracle::SweepOptions options;
  if (std::optional<std::string> text = args->value("--cases")) {
    std::optional<uint64_t> n = parseUnsigned(*text);
    if (!n || *n == 0 || *n > 1000000) {
      return usageError(kSpec, "--cases needs a count from 1 to 1000000, not '" + *text + "'");
    }
    options.cases = static_cast<int>(*n);
  }
  if (std::optional<std::string> text = args->value("--seed")) {
    std::optional<uint64_t> s = parseUnsigned(*text);
    if (!s) return usageError(kSpec, "--seed needs an unsigned integer, not '" + *text + "'");
    options.seed = *s;
  }
  const std::string png = args->value("--png").value_or(kDefaultPng);

  Result<std::vector<oracle::SweepRow>> rows = oracle::sweepTranscendentalAccuracy(options);
  if (!rows.ok()) {
    std::cerr << "verigrad accuracy: " << rows.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "end-to-end accuracy against the spec at the interval scalar ("
            << Interval::defaultPrecision() << "-bit MPFI), seed " << options.seed << ", "
            << options.cases << " cases per op and format\n"
            << "reported, not asserted; errors in ulps of max(|exact|, 2^-30)\n\n"
            << oracle::formatSweepTable(rows.value());
  if (args->has("--no-png")) return kExitOk;
  if (std::optional<std::string> error =
          renderPng(gnuplotScript(rows.value(), png, options.cases), png)) {
    std::cerr << "verigrad accuracy: " << *error << "\n";
    return kExitFailure;
  }
  std::cout << "\nwrote " << png << "\n";
  return kExitOk;
}

}  // namespace verigrad::cli
