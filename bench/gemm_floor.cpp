// W2's GEMM floor: exactly the 9 GEMMs one training step of the 784-512-512-10 MLP needs, called
// directly through cblas_sgemm on preallocated row-major buffers (no bias, activation or loss).
//   forward   Z1 = X·W1        Z2 = H1·W2          Z3 = H2·W3
//   backward  dW3 = H2ᵀ·dZ3    dH2 = dZ3·W3ᵀ
//             dW2 = H1ᵀ·dZ2    dH1 = dZ2·W2ᵀ
//             dW1 = Xᵀ·dZ1     dX  = dZ1·W1ᵀ      (the input's gradient is asked for)
// H1 and H2 are read from Z1 and Z2 (the floor does not apply relu); dZ3's values do not change
// a GEMM's time.
#include <cblas.h>

#include "workloads.hpp"

namespace vgbench {
namespace {

// C[m,n] = op(A)·op(B), row-major; op(A) is [m,k], op(B) is [k,n].
void gemm(bool ta, bool tb, int m, int n, int k, const float* A, const float* B, float* C) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0f, A, ta ? m : k, B, tb ? k : n, 0.0f, C, n);
}

}  // namespace

GemmFloor::GemmFloor(const MlpData& d)
    : x_(d.x),
      w1_(d.w1),
      w2_(d.w2),
      w3_(d.w3),
      z1_(size_t{kBatch} * kHidden),
      z2_(size_t{kBatch} * kHidden),
      z3_(size_t{kBatch} * kClasses),
      dz1_(size_t{kBatch} * kHidden, 0.01f),
      dz2_(size_t{kBatch} * kHidden, 0.01f),
      dz3_(size_t{kBatch} * kClasses, 0.01f),
      dw1_(size_t{kIn} * kHidden),
      dw2_(size_t{kHidden} * kHidden),
      dw3_(size_t{kHidden} * kClasses),
      dh1_(size_t{kBatch} * kHidden),
      dh2_(size_t{kBatch} * kHidden),
      dx_(size_t{kBatch} * kIn) {}

void GemmFloor::run() {
  gemm(false, false, kBatch, kHidden, kIn, x_.data(), w1_.data(), z1_.data());
  gemm(false, false, kBatch, kHidden, kHidden, z1_.data(), w2_.data(), z2_.data());
  gemm(false, false, kBatch, kClasses, kHidden, z2_.data(), w3_.data(), z3_.data());
  gemm(true, false, kHidden, kClasses, kBatch, z2_.data(), dz3_.data(), dw3_.data());
  gemm(false, true, kBatch, kHidden, kClasses, dz3_.data(), w3_.data(), dh2_.data());
  gemm(true, false, kHidden, kHidden, kBatch, z1_.data(), dz2_.data(), dw2_.data());
  gemm(false, true, kBatch, kHidden, kHidden, dz2_.data(), w2_.data(), dh1_.data());
  gemm(true, false, kIn, kHidden, kBatch, x_.data(), dz1_.data(), dw1_.data());
  gemm(false, true, kBatch, kIn, kHidden, dz1_.data(), w1_.data(), dx_.data());
}

}  // namespace vgbench
