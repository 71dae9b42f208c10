// The workloads of issue 8, declared once: their constants, their data, and one entry point per
// system (verigrad, the hand-coded adjoint, the GEMM floor here; libtorch and ADOL-C in peers.hpp).
// Every entry point builds the same graph and returns what the correctness check compares.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace vgbench {

// ---- W1 / W3 / W4: the scalar chain. Node i applies op i mod 3 of (x·a, x + b, tanh x).
//
// The constants make the map f(x) = tanh(a·x + b) have the fixed point x* = 1/2 with slope
// f'(x*) = a·(1 - x*²) = 1.332 · 0.75 = 0.999: the values converge to 1/2 from x0 = 0.9 and stay
// near it, and each cycle scales every adjoint by ~0.999, so after 10^6 nodes (333,333 cycles)
// the smallest adjoint is ~0.999^333333 ≈ e^-333 ≈ 1e-145 (double's normal range ends at 2e-308;
// W3's 20,000 float nodes reach e^-6.7 ≈ 1e-3, float's ends at 1e-38). The checks in chain.cpp
// assert that every value and gradient verigrad computes is normal.
struct ChainConstants {
  static constexpr double a = 1.332;
  static double b() { return std::atanh(0.5) - 0.666; }  // ≈ -0.11669385566594
  static constexpr double x0 = 0.9;
};

// The output and the gradients of the three inputs (x0, a, b).
struct ChainResult {
  double value = 0, dx0 = 0, da = 0, db = 0;
};

// W1(a) at verigrad: GraphBuilder + compile<double> + backwardDenseAll, everything freed before
// returning (as each peer frees its tape/graph). W4 runs it at 10^4 .. 10^6 nodes.
ChainResult verigradChain(int64_t nodes);
// Checks every value and gradient of the chain at `nodes` is a normal double (or exactly the
// seed); returns a one-line report, "" when all are normal.
std::string verigradChainNormality(int64_t nodes);
// W1(a) split into its phases (seconds of one call each), to say where the time goes.
struct ChainPhases {
  double build = 0, compile = 0, backward = 0, teardown = 0;
};
ChainPhases verigradChainPhases(int64_t nodes);
// W1(a) hand-coded: a forward loop that stores each op's input, then a reverse loop.
ChainResult handChain(int64_t nodes);

// W1(b): a graph built once, rerun (forward + backward) through bench/plan_adapter.hpp.
class ChainRerun {
 public:
  explicit ChainRerun(int64_t nodes);
  ~ChainRerun();
  ChainRerun(const ChainRerun&) = delete;
  ChainRerun& operator=(const ChainRerun&) = delete;
  ChainResult run();
  static const char* label();

 private:
  struct Impl;
  Impl* impl_;
};

// ---- W3: 20,000 elementwise nodes (mul, add, tanh) on [16] float32 tensors, then sum.
inline constexpr int64_t kSmallWidth = 16;
struct SmallInputs {
  std::vector<float> x0, a, b;  // kSmallWidth each
};
SmallInputs smallInputs();
struct SmallResult {
  double value = 0;
  std::vector<float> dx0, da, db;
};
SmallResult verigradSmall(int64_t nodes, const SmallInputs& in);

// ---- W2: one MLP training step, batch 64, 784-512-512-10, float32.
inline constexpr int kBatch = 64, kIn = 784, kHidden = 512, kClasses = 10;
struct MlpData {
  std::vector<float> x, w1, b1, w2, b2, w3, b3;  // row-major; x [64,784], wK [in,out], bK [out]
  std::vector<int> labels;                       // kBatch labels in [0, 10)
};
MlpData mlpData();
struct MlpResult {
  float loss = 0;
  std::vector<float> dx, dw1, db1, dw2, db2, dw3, db3;
};

// The graph is built once (a training loop reuses it); step() = compile + backward.
class VerigradMlp {
 public:
  explicit VerigradMlp(const MlpData& d);
  ~VerigradMlp();
  VerigradMlp(const VerigradMlp&) = delete;
  VerigradMlp& operator=(const VerigradMlp&) = delete;
  // compile<float>(graph, std::move(inputs)) + backwardDenseAllFromOutput: the inputs (batch and
  // weights) are adopted, not copied, and come back through releaseInputs() at the next step,
  // as a training loop updating its weights between steps would take them back.
  void step();
  // The same with the copying compile<float>(graph, inputs): every step copies the inputs.
  void copyingStep();
  // The training-loop form: a Plan<float> made once with the inputs written into it (input(i)),
  // then forward() + backwardDenseAllFromOutput into the same buffers (bit-identical results to
  // step()); no step copies the weights, as a training loop updating them in place would not.
  void planStep();
  MlpResult planResult() const;
  void forward();            // step()'s compile<float> only (keeps it for backward())
  void backward();           // backwardDenseAllFromOutput of the last forward()
  MlpResult result() const;  // of the last step or backward

 private:
  struct Impl;
  Impl* impl_;
};

// The 9 GEMMs the step needs (3 forward, 6 backward), made directly through cblas_sgemm on
// preallocated buffers: the floor no engine can beat at the same BLAS thread count.
class GemmFloor {
 public:
  explicit GemmFloor(const MlpData& d);
  void run();

 private:
  std::vector<float> x_, w1_, w2_, w3_, z1_, z2_, z3_, dz1_, dz2_, dz3_, dw1_, dw2_, dw3_, dh1_,
      dh2_, dx_;
};

// ---- W4: per-size memory, measured in a child process (see scaling.cpp).
struct MemoryReport {
  int64_t nodes = 0;
  double peakRssBytes = 0;       // maxrss after - maxrss before, in the child
  double liveGraphBytes = 0;     // live heap after GraphBuilder::finish
  double liveCompiledBytes = 0;  // live heap after compile (graph + state + values)
  double liveTotalBytes = 0;     // live heap with the gradient context too
  double valueBytes = 0;         // value arena: elements x sizeof(double)
  double gradientBytes = 0;      // gradient arena
  // operator new calls during each phase (the design allows none per node in hot loops)
  double buildAllocs = 0, compileAllocs = 0, backwardAllocs = 0;
  double bookkeepingPerNode() const {
    return (liveTotalBytes - valueBytes - gradientBytes) / static_cast<double>(nodes);
  }
};
MemoryReport measureMemoryInProcess(int64_t nodes);  // what the child runs
std::string formatMemoryReport(const MemoryReport& r);
bool parseMemoryReport(const std::string& line, MemoryReport& r);
// Spawns this executable with --w4-child N and parses its report.
bool measureMemoryInChild(const char* self, int64_t nodes, MemoryReport& r, std::string& err);

// ---- W5: backward-spec cases per second.
struct PropsThroughput {
  bool available = false;
  int cases = 0;
  double genSeconds = 0, checkSeconds = 0;  // in process: generation and the property itself
  int failures = 0;
  double cliSeconds = -1;  // `verigrad check --property backward-spec`
  int cliCases = 0;
  std::string note;
};
PropsThroughput measurePropsThroughput(int cases, int cliCases);

}  // namespace vgbench
