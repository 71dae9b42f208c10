// The counting operator new/delete of alloc_count.hpp. Every replaceable form that does not
// forward to another is replaced: libstdc++'s array, nothrow and sized forms call these.
#include "alloc_count.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace vgbench::alloc {
namespace {

std::atomic<bool> gOn{false};
std::atomic<int64_t> gLive{0};
std::atomic<int64_t> gCount{0};

// Counts a block allocated or freed while counting is on. A block allocated before enable(true)
// and freed after it makes liveBytes() drift down: W4 takes differences around its own work only.
void note(void* p, int sign) {
  if (p == nullptr || !gOn.load(std::memory_order_relaxed)) return;
  gLive.fetch_add(sign * static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  if (sign > 0) gCount.fetch_add(1, std::memory_order_relaxed);
}

void* allocate(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  note(p, +1);
  return p;
}

void* allocateAligned(std::size_t n, std::align_val_t al) {
  const auto a = static_cast<std::size_t>(al);
  void* p = std::aligned_alloc(a, (n + a - 1) / a * a);
  if (p == nullptr) throw std::bad_alloc();
  note(p, +1);
  return p;
}

void release(void* p) {
  note(p, -1);
  std::free(p);
}

}  // namespace

void enable(bool on) { gOn.store(on, std::memory_order_relaxed); }
int64_t liveBytes() { return gLive.load(std::memory_order_relaxed); }
int64_t allocations() { return gCount.load(std::memory_order_relaxed); }

}  // namespace vgbench::alloc

void* operator new(std::size_t n) { return vgbench::alloc::allocate(n); }
void* operator new[](std::size_t n) { return vgbench::alloc::allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  return vgbench::alloc::allocateAligned(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return vgbench::alloc::allocateAligned(n, a);
}
void operator delete(void* p) noexcept { vgbench::alloc::release(p); }
void operator delete[](void* p) noexcept { vgbench::alloc::release(p); }
void operator delete(void* p, std::size_t) noexcept { vgbench::alloc::release(p); }
void operator delete[](void* p, std::size_t) noexcept { vgbench::alloc::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { vgbench::alloc::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { vgbench::alloc::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  vgbench::alloc::release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  vgbench::alloc::release(p);
}
