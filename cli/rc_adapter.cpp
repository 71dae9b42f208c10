// The RapidCheck adapter (see rc_adapter.hpp): the only file of the command that includes
// rc::detail. It runs one property with an explicit seed, case count and size, bridges
// RapidCheck's listener events to an RcObserver, and renders the reproduce string.
#include "rc_adapter.hpp"

#include <rapidcheck.h>

#include <cstdlib>
#include <iostream>

#include "property_selection.hpp"
#include "verigrad/props/rapidcheck_adapter.hpp"

namespace verigrad::cli {
namespace {

using rc::detail::CaseResult;
using ReproduceMap = std::unordered_map<std::string, rc::detail::Reproduce>;

// RapidCheck's listener events, forwarded to the observer; counts discards on the way.
class ListenerBridge : public rc::detail::TestListener {
 public:
  explicit ListenerBridge(RcObserver& observer) : observer_(observer) {}
  void onTestCaseFinished(const rc::detail::CaseDescription& d) override {
    const bool discarded = d.result.type == CaseResult::Type::Discard;
    if (discarded) ++discarded_;
    observer_.onGeneratedCase(discarded);
  }
  void onShrinkTried(const rc::detail::CaseDescription& /*shrink*/, bool accepted) override {
    observer_.onShrinkTried(accepted);
  }
  void onTestFinished(const rc::detail::TestMetadata& /*metadata*/,
                      const rc::detail::TestResult& /*result*/) override {}
  int discarded() const { return discarded_; }

 private:
  RcObserver& observer_;
  int discarded_ = 0;
};

// The reproduce map of RC_PARAMS, read once. Parsed here rather than through
// rc::detail::configuration() so a malformed RC_PARAMS is our error message, and no
// "Using configuration" line is printed for a run that does not use RapidCheck's configuration.
const ReproduceMap& reproduceMap() {
  static const ReproduceMap map = [] {
    const char* env = std::getenv("RC_PARAMS");
    if (env == nullptr) return ReproduceMap{};
    try {
      return rc::detail::configFromString(env).reproduce;
    } catch (const rc::detail::ConfigurationException& e) {
      std::cerr << "verigrad: ignoring RC_PARAMS: " << e.what() << "\n";
      return ReproduceMap{};
    }
  }();
  return map;
}

// "reproduce=<base64>" for RC_PARAMS: a configuration holding only this failure's entry, printed
// by RapidCheck, keeping only its reproduce key (the minimal form still names the seed, which a
// reproduction ignores).
std::string reproduceString(const std::string& id, const rc::detail::Reproduce& r) {
  rc::detail::Configuration config;
  config.reproduce[id] = r;
  const std::string all = rc::detail::configToMinimalString(config);
  const size_t at = all.find("reproduce=");
  if (at == std::string::npos) return all;
  return all.substr(at, all.find(' ', at) - at);
}

RcRun toRun(const rc::detail::TestResult& result, const std::string& id, int discarded) {
  RcRun run;
  run.discarded = discarded;
  rc::detail::SuccessResult success;
  rc::detail::FailureResult failure;
  rc::detail::GaveUpResult gaveUp;
  rc::detail::Error error;
  if (result.match(success)) {
    run.passed = success.numSuccess;
    const bool skipped = !reproduceMap().empty() && reproduceMap().count(id) == 0;
    run.verdict = skipped ? RcRun::Verdict::Skipped : RcRun::Verdict::Pass;
  } else if (result.match(failure)) {
    run.verdict = RcRun::Verdict::Fail;
    run.passed = failure.numSuccess;
    run.message = failure.description;
    run.reproduce = reproduceString(id, failure.reproduce);
  } else if (result.match(gaveUp)) {
    run.verdict = RcRun::Verdict::GaveUp;
    run.passed = gaveUp.numSuccess;
    run.message = gaveUp.description;
  } else if (result.match(error)) {
    run.verdict = RcRun::Verdict::Error;
    run.message = error.description;
  }
  return run;
}

// The property being run and its observer. props::Property holds a plain function pointer, so the
// observing check below finds them here; a RapidCheck run is single-threaded and not re-entrant.
thread_local const props::Property* tProperty = nullptr;
thread_local RcObserver* tObserver = nullptr;

props::Outcome observedCheck(const props::Case& c) {
  props::Outcome o = checkCase(*tProperty, c);
  tObserver->onEvaluated(c, o);
  return o;
}

// Sets the thread's property and observer for one run, and clears them afterwards.
class ObservedScope {
 public:
  ObservedScope(const props::Property& p, RcObserver& observer) {
    tProperty = &p;
    tObserver = &observer;
  }
  ~ObservedScope() {
    tProperty = nullptr;
    tObserver = nullptr;
  }
  ObservedScope(const ObservedScope&) = delete;
  ObservedScope& operator=(const ObservedScope&) = delete;
};

}  // namespace

std::string rapidCheckId(const props::Property& p) { return props::rapidcheckTestId(p.id); }

bool reproduceRequested() { return !reproduceMap().empty(); }

RcRun runWithRapidCheck(const props::Property& p, const RcParams& params, RcObserver& observer) {
  // The body is the suite's shared one (props::runUnderRapidCheck, also behind every
  // RC_GTEST_PROP), with the check wrapped to report each evaluation: same draws, same test id,
  // so a reproduce string from GoogleTest replays here and the other way round.
  ObservedScope scope(p, observer);
  props::Property observed = p;
  observed.check = &observedCheck;
  auto testable = [&observed]() { props::runUnderRapidCheck(observed); };

  const std::string id = rapidCheckId(p);
  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = std::string(p.id);
  rc::detail::TestParams testParams;
  testParams.seed = params.seed;
  testParams.maxSuccess = params.maxSuccess;
  testParams.maxSize = params.maxSize;
  ListenerBridge listener(observer);
  const rc::detail::TestResult result =
      rc::detail::checkTestable(testable, metadata, testParams, listener, reproduceMap());
  return toRun(result, id, listener.discarded());
}

}  // namespace verigrad::cli
