// What RESULTS.md records about the run: date, CPU, cores, load, compiler, which BLAS answers
// sgemm_ and with how many threads; and the OpenBLAS thread knob itself.
#pragma once

#include <string>

namespace vgbench {

std::string isoDate();      // local date and time
std::string cpuModel();     // /proc/cpuinfo "model name"
int usableCores();          // sched_getaffinity
std::string loadAverage();  // /proc/loadavg, first three fields
std::string compilerVersion();
std::string blasConfig();    // openblas_get_config()
std::string blasProvider();  // the shared object that provides sgemm_ to this process
std::string runCommand(const std::string& cmd);  // its stdout, trailing newline dropped

// OpenBLAS's own pool (libtorch's intra-op threads are a separate knob: peers.hpp).
void setBlasThreads(int n);
int blasThreads();

}  // namespace vgbench
