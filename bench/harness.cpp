// The timing harness and the results table (harness.hpp).
#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace vgbench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double processCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Code points, not bytes: the table holds "µ", "≤" and "×".
size_t displayWidth(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80 ? 1 : 0;
  return w;
}

std::string pad(const std::string& s, size_t width) {
  const size_t w = displayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

}  // namespace

std::vector<Stats> measure(const std::vector<Candidate>& candidates, const Budget& budget) {
  const size_t n = candidates.size();
  std::vector<int> calls(n, 1);
  // Calibration: one untimed warm-up call, then one timed call sets the calls per repetition.
  for (size_t i = 0; i < n; ++i) {
    const Candidate& c = candidates[i];
    if (c.setup) c.setup();
    c.run();
    const auto t0 = Clock::now();
    c.run();
    const double once = std::max(secondsSince(t0), 1e-9);
    calls[i] = std::max(1, static_cast<int>(std::ceil(budget.repSeconds / once)));
  }
  std::vector<std::vector<double>> perCall(n), cpuPerCall(n);
  for (int r = 0; r < budget.reps; ++r) {
    for (size_t i = 0; i < n; ++i) {
      const Candidate& c = candidates[i];
      if (c.setup) c.setup();
      if (c.warmAfterSetup) c.run();
      const double cpu0 = processCpuSeconds();
      const auto t0 = Clock::now();
      for (int k = 0; k < calls[i]; ++k) c.run();
      perCall[i].push_back(secondsSince(t0) / calls[i]);
      cpuPerCall[i].push_back((processCpuSeconds() - cpu0) / calls[i]);
    }
  }
  std::vector<Stats> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].median = median(perCall[i]);
    out[i].cpuMedian = median(cpuPerCall[i]);
    out[i].min = *std::min_element(perCall[i].begin(), perCall[i].end());
    out[i].max = *std::max_element(perCall[i].begin(), perCall[i].end());
    out[i].reps = budget.reps;
    out[i].callsPerRep = calls[i];
  }
  return out;
}

size_t fastest(const std::vector<Stats>& stats, const std::vector<size_t>& indices) {
  size_t best = indices.front();
  for (size_t i : indices) {
    if (stats[i].median < stats[best].median) best = i;
  }
  return best;
}

std::string Row::verdict() const {
  if (checkFailed) return "CHECK FAILED";
  if (ratio < 0) return "n/a";
  if (targetMax < 0) return "-";
  return ratio <= targetMax ? "PASS" : "MISS";
}

std::string formatNumber(double v, int sig) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", sig, v);
  return buf;
}

std::string formatSeconds(double s) {
  const double a = std::fabs(s);
  if (a >= 1) return formatNumber(s, 3) + " s";
  if (a >= 1e-3) return formatNumber(s * 1e3, 3) + " ms";
  if (a >= 1e-6) return formatNumber(s * 1e6, 3) + " µs";
  return formatNumber(s * 1e9, 3) + " ns";
}

std::string formatRatio(double r) {
  if (r < 0) return "-";
  if (r < 0.01) return formatNumber(r, 2);
  return formatNumber(r, 3);
}

std::string formatCount(int64_t n) {
  if (n >= 1000000 && n % 1000000 == 0) return std::to_string(n / 1000000) + "M";
  if (n >= 1000 && n % 1000 == 0) return std::to_string(n / 1000) + "k";
  return std::to_string(n);
}

namespace {

std::vector<std::vector<std::string>> cells(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> t;
  t.push_back({"workload", "verigrad", "peer", "peer time", "ratio", "target", "result", "threads",
               "note"});
  for (const Row& r : rows) {
    t.push_back({r.workload, r.vgTime, r.peer, r.peerTime, formatRatio(r.ratio),
                 r.target.empty() ? "-" : r.target, r.verdict(), r.threads, r.note});
  }
  return t;
}

}  // namespace

std::string textTable(const std::vector<Row>& rows) {
  const auto t = cells(rows);
  std::vector<size_t> width(t[0].size(), 0);
  for (const auto& line : t) {
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], displayWidth(line[c]));
  }
  std::ostringstream os;
  for (size_t i = 0; i < t.size(); ++i) {
    for (size_t c = 0; c < t[i].size(); ++c) {
      os << (c + 1 < t[i].size() ? pad(t[i][c], width[c]) + "  " : t[i][c]);
    }
    os << "\n";
    if (i == 0) {
      size_t total = 0;
      for (size_t w : width) total += w + 2;
      os << std::string(total, '-') << "\n";
    }
  }
  return os.str();
}

std::string markdownTable(const std::vector<Row>& rows) {
  const auto t = cells(rows);
  std::ostringstream os;
  for (size_t i = 0; i < t.size(); ++i) {
    os << "|";
    for (const std::string& cell : t[i]) {
      std::string escaped;
      for (char ch : cell) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      os << " " << escaped << " |";
    }
    os << "\n";
    if (i == 0) {
      os << "|";
      for (size_t c = 0; c < t[i].size(); ++c) os << "---|";
      os << "\n";
    }
  }
  return os.str();
}

}  // namespace vgbench
