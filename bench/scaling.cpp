// W4's memory figures. Each size runs in a fresh child process (this binary with --w4-child N),
// so the peak-RSS delta is that size's alone. Bookkeeping bytes are measured from outside the
// engine with the counting operator new of alloc_count.cpp:
//   live heap after build + compile + backwardDenseAll (graph, compiled state and value context,
//   gradient context all alive) minus the live heap before building,
//   minus the value and gradient arenas (elements × sizeof(double) each),
//   divided by the node count.
// What is left is everything else the engine holds: node records (with their inline Shape),
// parent/int/literal pools, value offsets, vector slack (capacity the builder grew to), the
// compiled state's own allocations, and any per-node arena or header.
#include <sys/resource.h>

#include <cstdio>
#include <sstream>

#include "alloc_count.hpp"
#include "chain.hpp"
#include "must.hpp"
#include "workloads.hpp"

namespace vgbench {
namespace {

double maxRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

}  // namespace

MemoryReport measureMemoryInProcess(int64_t nodes) {
  MemoryReport r;
  r.nodes = nodes;
  const std::vector<verigrad::Tensor<double>> inputs = chainInputs();
  alloc::enable(true);
  const double rss0 = maxRssBytes();
  const int64_t live0 = alloc::liveBytes();
  int64_t count = alloc::allocations();
  auto allocsSince = [&count] {
    const int64_t now = alloc::allocations();
    const auto d = static_cast<double>(now - count);
    count = now;
    return d;
  };
  {
    const verigrad::Graph g = buildChain(nodes, verigrad::Shape{}, false);
    r.buildAllocs = allocsSince();
    r.liveGraphBytes = static_cast<double>(alloc::liveBytes() - live0);
    const verigrad::Compiled<double> c = must(verigrad::compile<double>(g, inputs), "compile");
    r.compileAllocs = allocsSince();
    r.liveCompiledBytes = static_cast<double>(alloc::liveBytes() - live0);
    const verigrad::Context<double> d =
        must(c.tape().backwardDenseAll(verigrad::outId(g), verigrad::Tensor<double>::scalar(1.0)),
             "backward");
    r.backwardAllocs = allocsSince();
    r.liveTotalBytes = static_cast<double>(alloc::liveBytes() - live0);
    r.valueBytes = static_cast<double>(g.totalElements() * sizeof(double));
    r.gradientBytes = static_cast<double>(d.flat().size() * sizeof(double));
  }
  r.peakRssBytes = maxRssBytes() - rss0;
  alloc::enable(false);
  return r;
}

std::string formatMemoryReport(const MemoryReport& r) {
  std::ostringstream os;
  os.precision(17);
  os << "W4MEM " << r.nodes << ' ' << r.peakRssBytes << ' ' << r.liveGraphBytes << ' '
     << r.liveCompiledBytes << ' ' << r.liveTotalBytes << ' ' << r.valueBytes << ' '
     << r.gradientBytes << ' ' << r.buildAllocs << ' ' << r.compileAllocs << ' '
     << r.backwardAllocs;
  return os.str();
}

bool parseMemoryReport(const std::string& line, MemoryReport& r) {
  std::istringstream is(line);
  std::string tag;
  is >> tag >> r.nodes >> r.peakRssBytes >> r.liveGraphBytes >> r.liveCompiledBytes >>
      r.liveTotalBytes >> r.valueBytes >> r.gradientBytes >> r.buildAllocs >> r.compileAllocs >>
      r.backwardAllocs;
  return tag == "W4MEM" && !is.fail();
}

bool measureMemoryInChild(const char* self, int64_t nodes, MemoryReport& r, std::string& err) {
  const std::string cmd = std::string("'") + self + "' --w4-child " + std::to_string(nodes);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    err = "popen failed";
    return false;
  }
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int status = pclose(p);
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (parseMemoryReport(line, r)) return status == 0;
  }
  err = "child printed no report (status " + std::to_string(status) + "): " + out;
  return false;
}

}  // namespace vgbench
