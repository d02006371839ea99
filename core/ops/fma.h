// Private to the kernels: fused multiply-add, a * b + c rounded once, as PyTorch's AVX2
// kernels compute it (vfmadd), inlined on every target.
//
// NOTE: std::fma is a library call wherever the compiler may not assume an FMA instruction:
// the generic x86-64 build calls glibc's fmaf/fma (an indirect call per element), and the
// browser build has no fused instruction at all and calls musl's software fmaf. For float
// there is a cheap exact way instead: the product of two floats is exact in double (24 + 24
// bits <= 53), so `double(a) * double(b) + double(c)` rounds once, to double; rounding that
// to float again gives the correctly rounded result unless the double lands exactly halfway
// between two floats (double rounding; musl's fmaf makes the same test). Those rare results,
// and results in float's subnormal range where the halfway point sits elsewhere, are rounded
// "to odd" with the exact error of the double addition (Boldo-Melquiond): inexact results move
// to the odd neighbour, which float rounding then resolves correctly. NaN and infinite results
// go to std::fma so that even NaN payloads are the library's. Doubles keep std::fma.
// tests/core/fma_test.cpp checks fma_f32 against std::fma bit for bit.
#pragma once
#include <cmath>
#include <cstdint>

#include "tensor/bits.h"

namespace gradlab {
namespace kernel {

// a * b + c with one rounding, for float (see above).
inline float fma_f32(float a, float b, float c) {
  const double xy = double(a) * double(b);  // exact
  double r = xy + double(c);
  uint64_t u = bit_cast<uint64_t>(r);
  const uint32_t e = uint32_t(u >> 52) & 0x7ffu;
  // Fast path: a normal float result (|r| >= 2^-126, finite) whose 29 bits below float's last
  // place are not the halfway pattern 1000...0.
  if ((u & 0x1fffffffu) != 0x10000000u && e - 897u < 0x7feu - 896u) return float(r);
  if (e == 0x7ffu) return std::fma(a, b, c);  // NaN or infinity
  // TwoSum: err = (xy + c) - r exactly (no overflow: |xy| <= 2^256, |c| < 2^128).
  const double bv = r - xy;
  const double err = (xy - (r - bv)) + (double(c) - bv);
  if (err != 0.0 && (u & 1u) == 0) {
    u += (err > 0.0) == (r > 0.0) ? 1 : uint64_t(-1);  // r != 0 here: a zero sum is exact
    r = bit_cast<double>(u);
  }
  return float(r);
}

inline double fma_f64(double a, double b, double c) { return std::fma(a, b, c); }

// fma(a, b, c) for float or double.
inline float fused_mul_add(float a, float b, float c) { return fma_f32(a, b, c); }
inline double fused_mul_add(double a, double b, double c) { return fma_f64(a, b, c); }

}  // namespace kernel
}  // namespace gradlab
