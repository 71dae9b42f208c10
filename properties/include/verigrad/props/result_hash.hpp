// The bits of a float/double run of a case — compile, backwardDenseFrom(seedsA) and
// backwardDenseAll(outId, seedsA[outId]) on the inputs correctly rounded to F — as byte segments
// and as one stable hash (FNV-1a 64). The `determinism` property compares the segments across runs
// and BLAS thread counts; the golden-hash test pins the hash of fixed cases.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "verigrad/props/case.hpp"

namespace verigrad::props {

struct ResultSegment {
  std::string what;  // "value", "gradient (backwardDenseFrom)", "gradient (backwardDenseAll)"
  size_t id = 0;     // value id in Γ ++ ss
  std::vector<unsigned char> bytes;
};

struct ResultBits {
  std::vector<ResultSegment> segments;
  std::string errors;  // every error of the run, in order (part of what must repeat)
};

template <class F>
ResultBits runBits(const Case& c);

inline constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;
uint64_t fnv1a64(std::span<const unsigned char> bytes, uint64_t hash = kFnvOffsetBasis);
// The hash of every segment's id and bytes, then the error text, in order.
uint64_t hashBits(const ResultBits& bits);

// OpenBLAS's thread count for the lifetime of the guard (restored afterwards).
class BlasThreads {
 public:
  explicit BlasThreads(int threads);
  ~BlasThreads();
  BlasThreads(const BlasThreads&) = delete;
  BlasThreads& operator=(const BlasThreads&) = delete;

 private:
  int saved_;
};

}  // namespace verigrad::props
