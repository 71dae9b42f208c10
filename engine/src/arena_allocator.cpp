// The block cache behind ArenaAllocator (see verigrad/arena_allocator.hpp).
#include "verigrad/arena_allocator.hpp"

#include <mutex>

#if defined(__SANITIZE_ADDRESS__)
#define VG_ARENA_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG_ARENA_CACHE 0
#endif
#endif
#ifndef VG_ARENA_CACHE
#define VG_ARENA_CACHE 1
#endif

namespace verigrad {
namespace detail {
namespace {

constexpr std::align_val_t kAlign{kArenaAlignment};

void freeBlock(void* p) noexcept { ::operator delete(p, kAlign); }

struct Block {
  void* p = nullptr;
  std::size_t bytes = 0;
};

// Oldest first. A reused block is recorded again at the size it was last requested for, which
// may be smaller than what it holds: the cache only ever under-reports a block.
class BlockCache {
 public:
  void* take(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Best fit, and never more than twice the request: a small arena must not pin a huge block.
    std::size_t best = count_;
    for (std::size_t i = 0; i < count_; ++i) {
      const std::size_t have = blocks_[i].bytes;
      if (have >= bytes && have / 2 <= bytes && (best == count_ || have < blocks_[best].bytes)) {
        best = i;
      }
    }
    if (best == count_) return nullptr;
    void* p = blocks_[best].p;
    total_ -= blocks_[best].bytes;
    removeAt(best);
    return p;
  }

  // False when the block alone exceeds the cache; otherwise evicts the oldest blocks until it fits.
  bool put(void* p, std::size_t bytes) {
    if (bytes > kMaxCachedBytes) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    while (count_ == kMaxCachedBlocks || total_ + bytes > kMaxCachedBytes) {
      freeBlock(blocks_[0].p);
      total_ -= blocks_[0].bytes;
      removeAt(0);
    }
    blocks_[count_++] = Block{p, bytes};
    total_ += bytes;
    return true;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < count_; ++i) freeBlock(blocks_[i].p);
    count_ = 0;
    total_ = 0;
  }

  std::pair<std::size_t, std::size_t> usage() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {total_, count_};
  }

  ~BlockCache() { clear(); }

 private:
  void removeAt(std::size_t i) {
    for (std::size_t j = i + 1; j < count_; ++j) blocks_[j - 1] = blocks_[j];
    --count_;
  }

  std::mutex mutex_;
  Block blocks_[kMaxCachedBlocks];
  std::size_t count_ = 0;
  std::size_t total_ = 0;
};

BlockCache& cache() {
  // Never destroyed: arenas freed by other static destructors after main() must still find it.
  static BlockCache* c = new BlockCache();
  return *c;
}

}  // namespace

void* arenaAllocate(std::size_t bytes) {
  if (VG_ARENA_CACHE && bytes >= kMinCachedBytes) {
    if (void* p = cache().take(bytes)) return p;
  }
  return ::operator new(bytes == 0 ? 1 : bytes, kAlign);
}

void arenaDeallocate(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (VG_ARENA_CACHE && bytes >= kMinCachedBytes && cache().put(p, bytes)) return;
  freeBlock(p);
}

std::pair<std::size_t, std::size_t> cachedArenaUsage() { return cache().usage(); }
bool arenaCacheEnabled() { return VG_ARENA_CACHE != 0; }

}  // namespace detail

void releaseCachedArenas() { detail::cache().clear(); }

}  // namespace verigrad
