// ArenaAllocator<T>: the allocator of value and gradient arenas (Context<T>).
//
// Large blocks go through a small process-wide cache of recently freed blocks, so a loop that
// compiles and sweeps step after step reuses its arenas instead of faulting fresh pages in from
// the kernel each time (bench W2: a tight compile + backward loop spent more time in page faults
// than in GEMM before this). Elements are default-initialised: Context decides what is zeroed.
//
// The cache holds at most kMaxCachedBlocks blocks and kMaxCachedBytes bytes, oldest evicted
// first; releaseCachedArenas() frees it. It is thread-safe. Under AddressSanitizer it is off, so
// a use after free of an arena is still reported.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

namespace verigrad {

namespace detail {
inline constexpr std::size_t kArenaAlignment = 64;         // a cache line
inline constexpr std::size_t kMinCachedBytes = 64 * 1024;  // smaller blocks: plain operator new
inline constexpr std::size_t kMaxCachedBlocks = 8;
inline constexpr std::size_t kMaxCachedBytes = std::size_t{256} << 20;  // 256 MiB

void* arenaAllocate(std::size_t bytes);
void arenaDeallocate(void* p, std::size_t bytes) noexcept;
// Bytes and blocks held by the cache right now (for tests and diagnostics).
std::pair<std::size_t, std::size_t> cachedArenaUsage();
bool arenaCacheEnabled();  // false under AddressSanitizer
}  // namespace detail

// Frees every cached arena block.
void releaseCachedArenas();

template <class T>
struct ArenaAllocator {
  using value_type = T;

  ArenaAllocator() = default;
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= detail::kArenaAlignment);
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::arenaAllocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::arenaDeallocate(p, n * sizeof(T)); }

  // Default-initialise (no zeroing of float/double); explicit values as usual.
  template <class U>
  void construct(U* p) noexcept(noexcept(::new (static_cast<void*>(p)) U)) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <class U>
  friend bool operator==(const ArenaAllocator&, const ArenaAllocator<U>&) noexcept {
    return true;
  }
};

}  // namespace verigrad
