// BigUInt: schoolbook unsigned bignum arithmetic behind ExactLiteral's big form.
#include "big_uint.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <utility>

namespace verigrad::detail {

namespace {
constexpr uint64_t kBase = uint64_t{1} << 32;
constexpr uint32_t kDecimalChunk = 1000000000;  // 10^9: the largest power of ten in one limb
constexpr size_t kDecimalChunkDigits = 9;
}  // namespace

BigUInt::BigUInt(uint64_t v) {
  if (v != 0) limbs_.push_back(static_cast<uint32_t>(v));
  if ((v >> 32) != 0) limbs_.push_back(static_cast<uint32_t>(v >> 32));
}

void BigUInt::trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
}

bool BigUInt::fromDecimal(std::string_view digits, BigUInt& out) {
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  BigUInt r;
  // Nine digits at a time: one multiply-add pass per chunk instead of one per digit.
  size_t first = digits.size() % kDecimalChunkDigits;
  if (first == 0) first = kDecimalChunkDigits;
  size_t pos = 0;
  size_t len = first;
  while (pos < digits.size()) {
    uint32_t chunk = 0;
    uint32_t scale = 1;
    for (size_t i = 0; i < len; ++i) {
      chunk = chunk * 10 + static_cast<uint32_t>(digits[pos + i] - '0');
      scale *= 10;
    }
    r.mulAddSmall(scale, chunk);
    pos += len;
    len = kDecimalChunkDigits;
  }
  out = std::move(r);
  return true;
}

std::string BigUInt::toDecimal() const {
  if (isZero()) return "0";
  std::vector<uint32_t> chunks;  // base 10^9, least significant first
  BigUInt x = *this;
  while (!x.isZero()) chunks.push_back(x.divSmall(kDecimalChunk));
  std::string s = std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    s.append(kDecimalChunkDigits - part.size(), '0');
    s += part;
  }
  return s;
}

size_t BigUInt::bitLength() const {
  if (isZero()) return 0;
  return (limbs_.size() - 1) * 32 + static_cast<size_t>(std::bit_width(limbs_.back()));
}

bool BigUInt::testBit(size_t i) const {
  size_t limb = i / 32;
  if (limb >= limbs_.size()) return false;
  return ((limbs_[limb] >> (i % 32)) & 1U) != 0;
}

bool BigUInt::anyBitBelow(size_t n) const {
  size_t full = std::min(n / 32, limbs_.size());
  for (size_t i = 0; i < full; ++i) {
    if (limbs_[i] != 0) return true;
  }
  if (full < limbs_.size() && n % 32 != 0) {
    uint32_t mask = (uint32_t{1} << (n % 32)) - 1;
    if ((limbs_[full] & mask) != 0) return true;
  }
  return false;
}

size_t BigUInt::trailingZeros() const {
  assert(!isZero());
  size_t i = 0;
  while (limbs_[i] == 0) ++i;
  return i * 32 + static_cast<size_t>(std::countr_zero(limbs_[i]));
}

uint64_t BigUInt::toUint64() const {
  assert(fitsUint64());
  uint64_t v = 0;
  if (!limbs_.empty()) v = limbs_[0];
  if (limbs_.size() > 1) v |= uint64_t{limbs_[1]} << 32;
  return v;
}

int BigUInt::compare(const BigUInt& a, const BigUInt& b) {
  if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
  for (size_t i = a.limbs_.size(); i-- > 0;) {
    if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
  }
  return 0;
}

BigUInt& BigUInt::operator+=(const BigUInt& o) {
  if (limbs_.size() < o.limbs_.size()) limbs_.resize(o.limbs_.size(), 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < limbs_.size(); ++i) {
    uint64_t s = uint64_t{limbs_[i]} + (i < o.limbs_.size() ? o.limbs_[i] : 0) + carry;
    limbs_[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
    if (carry == 0 && i >= o.limbs_.size()) break;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  return *this;
}

BigUInt& BigUInt::operator-=(const BigUInt& o) {
  assert(compare(*this, o) >= 0);
  uint64_t borrow = 0;
  for (size_t i = 0; i < limbs_.size(); ++i) {
    uint64_t sub = (i < o.limbs_.size() ? o.limbs_[i] : 0) + borrow;
    if (sub == 0 && i >= o.limbs_.size()) break;
    uint64_t cur = limbs_[i];
    borrow = cur < sub ? 1 : 0;
    limbs_[i] = static_cast<uint32_t>(cur + (borrow << 32) - sub);
  }
  trim();
  return *this;
}

BigUInt operator*(const BigUInt& a, const BigUInt& b) {
  BigUInt r;
  if (a.isZero() || b.isZero()) return r;
  r.limbs_.assign(a.limbs_.size() + b.limbs_.size(), 0);
  for (size_t i = 0; i < a.limbs_.size(); ++i) {
    uint64_t carry = 0;
    const uint64_t ai = a.limbs_[i];
    for (size_t j = 0; j < b.limbs_.size(); ++j) {
      // (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1: the sum cannot overflow 64 bits.
      uint64_t t = ai * b.limbs_[j] + r.limbs_[i + j] + carry;
      r.limbs_[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    r.limbs_[i + b.limbs_.size()] = static_cast<uint32_t>(carry);
  }
  r.trim();
  return r;
}

BigUInt& BigUInt::operator<<=(size_t bits) {
  if (isZero() || bits == 0) return *this;
  const size_t limbShift = bits / 32;
  const unsigned bitShift = static_cast<unsigned>(bits % 32);
  if (bitShift != 0) {
    uint32_t carry = 0;
    for (uint32_t& limb : limbs_) {
      uint32_t next = limb >> (32 - bitShift);
      limb = (limb << bitShift) | carry;
      carry = next;
    }
    if (carry != 0) limbs_.push_back(carry);
  }
  limbs_.insert(limbs_.begin(), limbShift, 0);
  return *this;
}

BigUInt& BigUInt::operator>>=(size_t bits) {
  const size_t limbShift = bits / 32;
  if (limbShift >= limbs_.size()) {
    limbs_.clear();
    return *this;
  }
  limbs_.erase(limbs_.begin(), limbs_.begin() + static_cast<std::ptrdiff_t>(limbShift));
  const unsigned bitShift = static_cast<unsigned>(bits % 32);
  if (bitShift != 0) {
    for (size_t i = 0; i < limbs_.size(); ++i) {
      uint32_t hi = i + 1 < limbs_.size() ? limbs_[i + 1] << (32 - bitShift) : 0;
      limbs_[i] = (limbs_[i] >> bitShift) | hi;
    }
  }
  trim();
  return *this;
}

void BigUInt::mulAddSmall(uint32_t m, uint32_t a) {
  uint64_t carry = a;
  for (uint32_t& limb : limbs_) {
    uint64_t t = uint64_t{limb} * m + carry;
    limb = static_cast<uint32_t>(t);
    carry = t >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
}

uint32_t BigUInt::divSmall(uint32_t d) {
  assert(d != 0);
  uint64_t rem = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | limbs_[i];
    limbs_[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  trim();
  return static_cast<uint32_t>(rem);
}

// Knuth's algorithm D (TAOCP vol. 2, 4.3.1) on 32-bit limbs with 64-bit intermediates.
void BigUInt::divmod(const BigUInt& a, const BigUInt& b, BigUInt& q, BigUInt& r) {
  assert(!b.isZero());
  if (compare(a, b) < 0) {
    r = a;  // before q: a and q, or a and r, may be the same object
    q = BigUInt();
    return;
  }
  if (b.limbs_.size() == 1) {
    BigUInt quotient = a;
    uint32_t rem = quotient.divSmall(b.limbs_[0]);
    q = std::move(quotient);
    r = BigUInt(rem);
    return;
  }
  // Normalise so the divisor's top limb has its high bit set: then the two-limb estimate of
  // each quotient limb is at most two too large.
  const unsigned shift = static_cast<unsigned>(std::countl_zero(b.limbs_.back()));
  const std::vector<uint32_t> v = (b << shift).limbs_;
  std::vector<uint32_t> u = (a << shift).limbs_;
  if (u.size() == a.limbs_.size()) u.push_back(0);
  const size_t n = v.size();
  const size_t m = a.limbs_.size() - n;
  std::vector<uint32_t> quotient(m + 1, 0);
  const uint64_t vTop = v[n - 1];
  const uint64_t vNext = v[n - 2];
  for (size_t j = m + 1; j-- > 0;) {
    const uint64_t top = (uint64_t{u[j + n]} << 32) | u[j + n - 1];
    uint64_t qhat = top / vTop;
    uint64_t rhat = top % vTop;
    while (qhat >= kBase || qhat * vNext > ((rhat << 32) | u[j + n - 2])) {
      --qhat;
      rhat += vTop;
      if (rhat >= kBase) break;
    }
    // u[j .. j+n] -= qhat * v
    uint64_t carry = 0;
    int64_t borrow = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * v[i] + carry;
      carry = p >> 32;
      int64_t t = int64_t{u[i + j]} - borrow - static_cast<int64_t>(p & 0xffffffffU);
      u[i + j] = static_cast<uint32_t>(t);
      borrow = t < 0 ? 1 : 0;
    }
    int64_t t = int64_t{u[j + n]} - borrow - static_cast<int64_t>(carry);
    u[j + n] = static_cast<uint32_t>(t);
    if (t < 0) {
      // The estimate was one too large (rare): add the divisor back once.
      --qhat;
      uint64_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t s = uint64_t{u[i + j]} + v[i] + c;
        u[i + j] = static_cast<uint32_t>(s);
        c = s >> 32;
      }
      u[j + n] = static_cast<uint32_t>(u[j + n] + c);
    }
    quotient[j] = static_cast<uint32_t>(qhat);
  }
  BigUInt rem;
  rem.limbs_.assign(u.begin(), u.begin() + static_cast<std::ptrdiff_t>(n));
  rem.trim();
  rem >>= shift;
  BigUInt quo;
  quo.limbs_ = std::move(quotient);
  quo.trim();
  q = std::move(quo);
  r = std::move(rem);
}

// Binary GCD: shifts and subtractions only, so it needs no division and no recursion.
BigUInt BigUInt::gcd(BigUInt a, BigUInt b) {
  if (a.isZero()) return b;
  if (b.isZero()) return a;
  const size_t za = a.trailingZeros();
  const size_t zb = b.trailingZeros();
  const size_t common = std::min(za, zb);
  a >>= za;
  b >>= zb;
  // Both odd from here on; their difference is even and non-zero until they meet.
  while (true) {
    int c = compare(a, b);
    if (c == 0) break;
    if (c < 0) std::swap(a, b);
    a -= b;
    a >>= a.trailingZeros();
  }
  return a <<= common;
}

BigUInt BigUInt::pow(uint32_t base, uint32_t exponent) {
  BigUInt result(1);
  BigUInt sq(base);
  // Square-and-multiply from the low bit of the exponent.
  while (exponent != 0) {
    if ((exponent & 1U) != 0) result = result * sq;
    exponent >>= 1;
    if (exponent != 0) sq = sq * sq;
  }
  return result;
}

}  // namespace verigrad::detail
