// must(result, what): the value of an engine Result, or exit 2 naming what failed. The bench's
// graphs and inputs are fixed, so an error here is a bench (or engine) bug, never data.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace vgbench {

template <class R>
auto must(R&& r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "verigrad_bench: %s: %s\n", what, r.error().message.c_str());
    std::exit(2);
  }
  return std::forward<R>(r).value();
}

}  // namespace vgbench
