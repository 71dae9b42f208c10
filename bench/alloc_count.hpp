// A counting global operator new/delete for this binary: live heap bytes (malloc_usable_size of
// every block, so what the allocator really holds), switched on only where W4 measures, so the
// timed runs pay one relaxed load per allocation.
#pragma once

#include <cstdint>

namespace vgbench::alloc {

void enable(bool on);
int64_t liveBytes();    // bytes live through operator new since the first enable(true)
int64_t allocations();  // operator new calls while enabled

}  // namespace vgbench::alloc
