// The timing harness: medians over repeated runs, with the systems of one comparison interleaved
// repetition by repetition (A B C A B C ...), so drift and background load on a shared machine
// fall on every side of a ratio alike. Google Benchmark times one function at a time; ratios
// measured in the same run are what issue 8 asks for, hence this small harness.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace vgbench {

struct Budget {
  double repSeconds = 0.2;  // each repetition runs the workload this long (at least one call)
  int reps = 9;             // repetitions per candidate; the median is reported
};

struct Candidate {
  std::string name;
  std::function<void()> setup;  // thread settings; runs before each repetition (may be empty)
  std::function<void()> run;    // one call of the workload
  bool warmAfterSetup = false;  // one untimed call after setup (thread pools spin up)
};

struct Stats {
  double median = 0, min = 0, max = 0;  // wall seconds per call
  // Process CPU seconds (user + sys, all threads) per call, median: on a loaded machine this is
  // the steadier figure for single-threaded rows (it excludes time the process waits to run;
  // it includes threads that spin, so it overstates multi-threaded rows).
  double cpuMedian = 0;
  int reps = 0, callsPerRep = 0;
};

// Interleaves the candidates' repetitions; one Stats per candidate, in order.
std::vector<Stats> measure(const std::vector<Candidate>& candidates, const Budget& budget);

// The index of the candidate with the smallest median among `indices`.
size_t fastest(const std::vector<Stats>& stats, const std::vector<size_t>& indices);

// ---- the results table

struct Row {
  std::string workload;
  std::string vgTime;    // verigrad's figure, formatted with its unit
  std::string peer;      // what it is compared with
  std::string peerTime;  // the peer's figure
  double ratio = -1;     // verigrad / peer (medians); < 0 when not applicable
  std::string target;    // e.g. "<= 0.02"; empty when the row has no target
  double targetMax = -1;
  std::string threads;  // verigrad's and the peer's thread settings
  std::string note;
  bool checkFailed = false;     // the gradient check of this workload failed: no verdict
  std::string verdict() const;  // PASS, MISS, "-" (no target), "n/a", "CHECK FAILED"
};

std::string formatSeconds(double s);  // "12.3 ms", "4.56 µs", ...
std::string formatNumber(double v, int sig = 3);
std::string formatRatio(double r);
std::string formatCount(int64_t n);  // 20000 -> "20k", 1000000 -> "1M"

// The table as aligned plain text (stdout) and as Markdown (RESULTS.md).
std::string textTable(const std::vector<Row>& rows);
std::string markdownTable(const std::vector<Row>& rows);

}  // namespace vgbench
