// The peers' side of each workload: libtorch 1.13 (peer_torch.cpp) and ADOL-C 2.7 (peer_adolc.cpp),
// each in its own translation unit so their headers stay out of the rest of the bench. Built only
// with VERIGRAD_BENCH_PEERS=ON (VGB_HAVE_PEERS).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "workloads.hpp"

namespace vgbench::torchpeer {

// torch::set_num_threads (intra-op, OpenMP). OpenBLAS's pool is a separate knob (threads.hpp).
void setIntraOpThreads(int n);
int intraOpThreads();
std::string version();
std::string parallelInfo();  // at::get_parallel_info(), condensed to one line

// W1(a): eager record on 0-d double tensors + torch::autograd::grad to (x0, a, b).
ChainResult chain(int64_t nodes);
// W3: the same chain on [16] float tensors, then sum.
SmallResult small(int64_t nodes, const SmallInputs& in);

// W2: eager forward + torch::autograd::grad to x and every weight and bias.
class Mlp {
 public:
  explicit Mlp(const MlpData& d);
  ~Mlp();
  Mlp(const Mlp&) = delete;
  Mlp& operator=(const Mlp&) = delete;
  void step();
  void forward();   // forward only, graph kept for backward()
  void backward();  // of the last forward()
  MlpResult result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vgbench::torchpeer

namespace vgbench::adolcpeer {

std::string version();
// W1(a): trace_on/trace_off taping (keepTaylors = 1) + fos_reverse, tape kept in core.
ChainResult chain(int64_t nodes);
// W1(b): one tape, then zos_forward (keep = 1) + fos_reverse per run.
class ChainRerun {
 public:
  explicit ChainRerun(int64_t nodes);
  ChainResult run();
};

}  // namespace vgbench::adolcpeer
