// `verigrad run FILE`: compiles a case at one scalar type and prints every value and gradient
// (exact fractions, or shortest round-trip digits for float and double), as text or JSON.
#include <array>
#include <charconv>
#include <iostream>
#include <type_traits>

#include "args.hpp"
#include "case_file.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "verigrad/exact.hpp"

namespace verigrad::cli {
namespace {

constexpr std::array kOptions = {
    OptionSpec{"--scalar", "", OptionSpec::Arity::One, "exact|double|float",
               "scalar type to compile at (default exact)"},
    OptionSpec{"--json", "", OptionSpec::Arity::Switch, "", "print JSON instead of text"},
};

constexpr CommandSpec kSpec{
    "run", "FILE", "compile a case file and print its values and gradients",
    "Compiles the case in FILE (inputs from its `value` lines; missing values are zeros) and runs\n"
    "reverse mode: backwardDenseAllFromOutput when the output (the last node) is a scalar, else\n"
    "backwardDenseFrom with the file's `seed` lines (missing seeds are zeros). Prints every value\n"
    "and gradient of Γ ++ ss: exact fractions at the exact scalar, shortest round-trip digits at\n"
    "float and double. An engine error prints the engine's message and exits 1.",
    kOptions};

std::string scalarText(const Rational& x) { return x.str(); }

template <class F>
std::string floatText(F x) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string("?");
}
std::string scalarText(double x) { return floatText(x); }
std::string scalarText(float x) { return floatText(x); }

// JSON: exact values as strings (no JSON number holds 1/3); finite floats as numbers, and the
// IEEE specials as the strings "inf", "-inf", "nan".
std::string scalarJson(const Rational& x) { return jsonString(x.str()); }
template <class F>
std::string floatJson(F x) {
  std::string t = floatText(x);
  return (t.find_first_of("in") != std::string::npos) ? jsonString(t) : t;
}
std::string scalarJson(double x) { return floatJson(x); }
std::string scalarJson(float x) { return floatJson(x); }

template <class T>
Result<T> fromRational(const Rational& r) {
  if constexpr (std::is_same_v<T, Rational>) {
    return r;
  } else if constexpr (std::is_same_v<T, double>) {
    return r.toDouble();
  } else {
    return r.toFloat();
  }
}

template <class T>
Result<std::vector<Tensor<T>>> convertTensors(const std::vector<Tensor<Rational>>& xs,
                                              std::string_view what) {
  std::vector<Tensor<T>> out;
  out.reserve(xs.size());
  for (size_t id = 0; id < xs.size(); ++id) {
    std::vector<T> data;
    data.reserve(static_cast<size_t>(xs[id].numel()));
    for (const Rational& r : xs[id].span()) {
      Result<T> v = fromRational<T>(r);
      if (!v.ok()) {
        return Error::make(v.error().code, std::string(what) + " %" + std::to_string(id) + ": " +
                                               v.error().message);
      }
      data.push_back(std::move(v).value());
    }
    out.push_back(Tensor<T>::make(xs[id].shape(), std::move(data)).value());
  }
  return out;
}

// The output is "scalar" when the graph produces at least one node and the last one has rank 0.
bool hasScalarOutput(const Graph& g) {
  Result<size_t> out = checkedOutId(g);
  return out.ok() && g.shapeOf(static_cast<ValueId>(out.value())).isScalar();
}

template <class T>
std::string tensorText(const TensorView<T>& v) {
  std::string out = "[";
  for (int64_t i = 0; i < v.numel(); ++i) out += (i ? ", " : "") + scalarText(v[i]);
  return out + "]";
}

template <class T>
std::string tensorJson(size_t id, const TensorView<T>& v) {
  std::vector<std::string> dims, data;
  for (int64_t d : v.shape.dims()) dims.push_back(std::to_string(d));
  for (int64_t i = 0; i < v.numel(); ++i) data.push_back(scalarJson(v[i]));
  return "{\"id\": " + std::to_string(id) + ", \"shape\": " + jsonArray(dims) +
         ", \"data\": " + jsonArray(data) + "}";
}

template <class T>
void printText(std::ostream& os, std::string_view scalar, std::string_view sweep,
               const Context<T>& values, const Context<T>& grads) {
  os << "scalar: " << scalar << "\n";
  os << "values (Γ ++ ss):\n";
  for (size_t id = 0; id < values.size(); ++id) {
    os << "  %" << id << " " << values.shape(id).str() << " = " << tensorText(values[id]) << "\n";
  }
  os << "gradients (" << sweep << "):\n";
  for (size_t id = 0; id < grads.size(); ++id) {
    os << "  %" << id << " " << grads.shape(id).str() << " = " << tensorText(grads[id]) << "\n";
  }
}

template <class T>
void printJson(std::ostream& os, std::string_view scalar, std::string_view sweep,
               const Context<T>& values, const Context<T>& grads) {
  std::vector<std::string> vs, gs;
  for (size_t id = 0; id < values.size(); ++id) vs.push_back(tensorJson(id, values[id]));
  for (size_t id = 0; id < grads.size(); ++id) gs.push_back(tensorJson(id, grads[id]));
  os << "{\"scalar\": " << jsonString(scalar) << ", \"sweep\": " << jsonString(sweep)
     << ", \"values\": " << jsonArray(vs) << ", \"gradients\": " << jsonArray(gs) << "}\n";
}

int reportError(const Error& e, bool json) {
  if (json) {
    std::cout << "{\"error\": {\"code\": " << jsonString(errorCodeName(e.code))
              << ", \"node\": " << e.node << ", \"message\": " << jsonString(e.message) << "}}\n";
  }
  std::cerr << "verigrad run: " << e.message << "\n";
  return kExitFailure;
}

template <class T>
int runAt(const props::Case& c, bool json) {
  const std::string_view scalar = ScalarTraits<T>::name;
  Result<std::vector<Tensor<T>>> inputs = convertTensors<T>(c.inputs, "value");
  if (!inputs.ok()) return reportError(inputs.error(), json);
  Result<Compiled<T>> compiled = compile<T>(c.graph, inputs.value());
  if (!compiled.ok()) return reportError(compiled.error(), json);

  std::string sweep;
  Result<Context<T>> grads = Error::make(ErrorCode::Internal, "no sweep ran");
  if (hasScalarOutput(c.graph)) {
    sweep = "backwardDenseAllFromOutput, seed 1 at %" + std::to_string(outId(c.graph));
    grads = compiled->backwardDenseAllFromOutput();
  } else {
    sweep = "backwardDenseFrom, the file's seeds";
    Result<std::vector<Tensor<T>>> seeds = convertTensors<T>(c.seedsA, "seed");
    if (!seeds.ok()) return reportError(seeds.error(), json);
    grads = compiled->tape().backwardDenseFrom(std::span<const Tensor<T>>(seeds.value()));
  }
  if (!grads.ok()) return reportError(grads.error(), json);
  if (json) {
    printJson(std::cout, scalar, sweep, compiled->values(), grads.value());
  } else {
    printText(std::cout, scalar, sweep, compiled->values(), grads.value());
  }
  return kExitOk;
}

}  // namespace

int runRunCommand(int argc, char** argv) {
  int exitCode = kExitOk;
  std::optional<ParsedArgs> args = parseOrExit(kSpec, argc, argv, exitCode);
  if (!args) return exitCode;
  const std::string scalar = args->value("--scalar").value_or("exact");
  if (scalar != "exact" && scalar != "double" && scalar != "float") {
    return usageError(kSpec, "--scalar must be exact, double or float, not '" + scalar + "'");
  }
  const bool json = args->has("--json");
  Result<CaseFile> file = loadCaseFile(args->positional()[0]);
  if (!file.ok()) return reportError(file.error(), json);
  if (scalar == "double") return runAt<double>(file->value, json);
  if (scalar == "float") return runAt<float>(file->value, json);
  return runAt<Rational>(file->value, json);
}

}  // namespace verigrad::cli
