// BigUInt: a minimal unsigned bignum (32-bit limbs, std only) for ExactLiteral's big form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace verigrad::detail {

// Literals are parsed and converted once, never in a hot loop, so every operation is the plain
// schoolbook algorithm. The limb vector is little-endian and never has a zero top limb, so zero
// is the empty vector and equal values have equal limbs.
class BigUInt {
 public:
  BigUInt() = default;
  explicit BigUInt(uint64_t v);

  // Parses a non-empty string of decimal digits only ('0'..'9'); false on anything else.
  static bool fromDecimal(std::string_view digits, BigUInt& out);
  std::string toDecimal() const;

  bool isZero() const { return limbs_.empty(); }
  size_t bitLength() const;
  bool testBit(size_t i) const;
  // True when any of the bits below position n is set (the sticky bit of a right shift by n).
  bool anyBitBelow(size_t n) const;
  size_t trailingZeros() const;  // precondition: non-zero
  bool fitsUint64() const { return limbs_.size() <= 2; }
  uint64_t toUint64() const;  // precondition: fitsUint64()

  // Negative, zero or positive as a <, =, > b.
  static int compare(const BigUInt& a, const BigUInt& b);
  friend bool operator==(const BigUInt& a, const BigUInt& b) { return a.limbs_ == b.limbs_; }

  BigUInt& operator+=(const BigUInt& o);
  BigUInt& operator-=(const BigUInt& o);  // precondition: *this >= o
  BigUInt& operator<<=(size_t bits);
  BigUInt& operator>>=(size_t bits);
  friend BigUInt operator+(BigUInt a, const BigUInt& b) { return a += b; }
  friend BigUInt operator-(BigUInt a, const BigUInt& b) { return a -= b; }
  friend BigUInt operator*(const BigUInt& a, const BigUInt& b);
  friend BigUInt operator<<(BigUInt a, size_t bits) { return a <<= bits; }
  friend BigUInt operator>>(BigUInt a, size_t bits) { return a >>= bits; }

  // q = a / b, r = a % b (floor division of non-negatives). Precondition: b != 0.
  static void divmod(const BigUInt& a, const BigUInt& b, BigUInt& q, BigUInt& r);
  static BigUInt gcd(BigUInt a, BigUInt b);
  static BigUInt pow(uint32_t base, uint32_t exponent);

 private:
  void trim();
  // *this = *this * m + a, for single-limb m and a (decimal parsing).
  void mulAddSmall(uint32_t m, uint32_t a);
  // *this /= d for a single limb d; returns the remainder.
  uint32_t divSmall(uint32_t d);

  std::vector<uint32_t> limbs_;
};

}  // namespace verigrad::detail
