// The ADOL-C 2.7 side of W1: the chain taped with adoubles and swept in reverse with fos_reverse.
// Buffers are sized to the tape so it stays in core (ADOL-C writes tapes larger than its buffers
// to files in the working directory).
#include <adolc/adolc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "peers.hpp"

namespace vgbench::adolcpeer {
namespace {

constexpr short kTapeA = 1;  // W1(a): retaped on every call
constexpr short kTapeB = 2;  // W1(b): taped once

// Tapes the chain (keeping the Taylor values for an immediate reverse sweep); returns its value.
double tape(short tag, int64_t nodes) {
  // One operation, up to three locations and no constant per node, plus headroom.
  const auto size = static_cast<uint>(std::max<int64_t>(4 * nodes + 1024, 524288));
  trace_on(tag, /*keepTaylors=*/1, size, size, size, size);
  adouble x, a, b;
  x <<= ChainConstants::x0;
  a <<= ChainConstants::a;
  b <<= ChainConstants::b();
  for (int64_t i = 0; i < nodes; ++i) {
    switch (i % 3) {
      case 0:
        x = x * a;
        break;
      case 1:
        x = x + b;
        break;
      default:
        x = tanh(x);
        break;
    }
  }
  double y = 0;
  x >>= y;
  trace_off();
  return y;
}

ChainResult reverse(short tag, double value) {
  double u = 1.0;
  double z[3] = {0, 0, 0};
  if (fos_reverse(tag, 1, 3, &u, z) < 0) {
    std::fprintf(stderr, "verigrad_bench: ADOL-C fos_reverse failed\n");
    std::exit(2);
  }
  return {value, z[0], z[1], z[2]};
}

double lastValue(short tag) {
  // zos_forward with keep = 1 also leaves the Taylor values fos_reverse needs.
  const double x[3] = {ChainConstants::x0, ChainConstants::a, ChainConstants::b()};
  double y = 0;
  if (zos_forward(tag, 1, 3, 1, x, &y) < 0) {
    std::fprintf(stderr, "verigrad_bench: ADOL-C zos_forward failed\n");
    std::exit(2);
  }
  return y;
}

}  // namespace

std::string version() { return "ADOL-C 2.7 (Debian libadolc-dev)"; }

ChainResult chain(int64_t nodes) {
  const double y = tape(kTapeA, nodes);
  return reverse(kTapeA, y);
}

ChainRerun::ChainRerun(int64_t nodes) { tape(kTapeB, nodes); }

ChainResult ChainRerun::run() {
  const double y = lastValue(kTapeB);
  return reverse(kTapeB, y);
}

}  // namespace vgbench::adolcpeer
