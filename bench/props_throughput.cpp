// W5: how many `backward-spec` cases (about half exact, half interval) the harness checks per
// second. In process: cases from props::genCase (default GenConfig) at RapidCheck sizes spread
// evenly over 0..100, as a `verigrad check` run of that many cases draws them; generation and the
// property are timed apart. Then the command itself, `verigrad check --property backward-spec
// --cases N`, wall time.
#include <chrono>
#include <cstdlib>
#include <string>

#include "workloads.hpp"

#ifdef VGB_HAVE_PROPS
#include "verigrad/props/generators.hpp"
#include "verigrad/props/property.hpp"
#endif

namespace vgbench {

PropsThroughput measurePropsThroughput(int cases, int cliCases) {
  PropsThroughput t;
#ifdef VGB_HAVE_PROPS
  using Clock = std::chrono::steady_clock;
  const verigrad::props::Property* p = verigrad::props::findProperty("backward-spec");
  if (p == nullptr) {
    t.note = "no property named backward-spec";
    return t;
  }
  t.available = true;
  t.cases = cases;
  const rc::Gen<verigrad::props::Case> gen = verigrad::props::genCase(verigrad::props::GenConfig{});
  for (int i = 0; i < cases; ++i) {
    const int size = cases > 1 ? i * 100 / (cases - 1) : 100;
    const auto t0 = Clock::now();
    const verigrad::props::Case c = gen(rc::Random(static_cast<uint64_t>(i) + 1), size).value();
    const auto t1 = Clock::now();
    const verigrad::props::Outcome o = p->check(c);
    const auto t2 = Clock::now();
    t.genSeconds += std::chrono::duration<double>(t1 - t0).count();
    t.checkSeconds += std::chrono::duration<double>(t2 - t1).count();
    if (!o.passed()) ++t.failures;
  }
#ifdef VGB_CLI_PATH
  if (cliCases > 0) {
    const std::string cmd = std::string("'") + VGB_CLI_PATH +
                            "' check --property backward-spec --seed 1 --no-timing --cases " +
                            std::to_string(cliCases) + " > /dev/null 2>&1";
    const auto t0 = Clock::now();
    const int status = std::system(cmd.c_str());
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (status == 0) {
      t.cliSeconds = s;
      t.cliCases = cliCases;
    } else {
      t.note = "`verigrad check` exited with status " + std::to_string(status);
    }
  }
#else
  (void)cliCases;
  t.note = "the verigrad command is not built";
#endif
#else
  (void)cases;
  (void)cliCases;
  t.note = "built without the property library";
#endif
  return t;
}

}  // namespace vgbench
