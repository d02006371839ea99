// core/ops/fma.h: kernel::fma_f32 (the inlined float fused multiply-add of the kernels) is
// std::fma bit for bit, NaN payloads included: on random triples over the whole float range,
// on results that land exactly halfway between two floats in double (the double-rounding
// cases, built on purpose and counted), in float's subnormal range, and on zeros, infinities
// and NaNs.
#include "ops/fma.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

#include "fma_cases.h"
#include "tensor/bits.h"

namespace gradlab {
namespace {

// Counts mismatches, reporting the first few with their operands.
struct Checker {
  int64_t checked = 0, failed = 0;
  std::ostringstream report;
  void check(float a, float b, float c) {
    ++checked;
    const float got = kernel::fma_f32(a, b, c), want = std::fma(a, b, c);
    if (bit_cast<uint32_t>(got) == bit_cast<uint32_t>(want)) return;
    if (++failed <= 5)
      report << std::hexfloat << "fma(" << a << ", " << b << ", " << c << "): got " << got
             << ", expected " << want << "\n";
  }
};

// A float with random sign, mantissa and an exponent field in [lo, hi].
float random_float(std::mt19937_64& rng, uint32_t lo, uint32_t hi) {
  const uint32_t e = lo + uint32_t(rng() % (hi - lo + 1));
  return bit_cast<float>(uint32_t(rng() & 0x807fffffu) | (e << 23));
}

TEST(FmaF32, MatchesStdFmaOnRandomTriples) {
  std::mt19937_64 rng(20261123);
  Checker ck;
  for (int i = 0; i < 2000000; ++i) {
    // Mostly moderate exponents (products and addends that overlap), some anywhere.
    const bool wide = i % 4 == 0;
    const float a = random_float(rng, wide ? 0 : 100, wide ? 254 : 154);
    const float b = random_float(rng, wide ? 0 : 100, wide ? 254 : 154);
    const float c = random_float(rng, wide ? 0 : 70, wide ? 254 : 184);
    ck.check(a, b, c);
    ck.check(a, b, -float(double(a) * double(b)));  // cancellation: the product's error term
  }
  EXPECT_EQ(ck.failed, 0) << ck.report.str();
}

TEST(FmaF32, MatchesStdFmaOnDoubleRoundingCases) {
  // c + a * b with a * b just off half an ulp of c: for c = f and s = ulp(f) / 2 (a power of
  // two), (s * (1 + 2^-k)) * (1 - 2^-k) = s - s * 2^-2k, which double rounds to f + s exactly
  // when 2k > 29. Both signs, odd and even f (ties go to even), the neighbouring addends, and
  // every k, so that both sides of the halfway point are hit.
  std::mt19937_64 rng(7);
  Checker ck;
  int64_t double_rounded = 0;
  for (int i = 0; i < 200000; ++i) {
    const float f = random_float(rng, 30, 220);
    const int k = 1 + int(rng() % 23);
    const int e = int((bit_cast<uint32_t>(f) >> 23) & 0xff) - 127 - 24;  // ulp(f) / 2 = 2^e
    const float s = std::ldexp(1.0f, e);
    const float up = 1.0f + std::ldexp(1.0f, -k), down = 1.0f - std::ldexp(1.0f, -k);
    const float sign = (rng() & 1) ? 1.0f : -1.0f;
    for (float a : {s * up, s * down, s})
      for (float b : {up, down, 1.0f})
        for (float c : {f, std::nextafter(f, 0.0f), std::nextafter(f, 2 * f)}) {
          const float aa = sign * a;
          double_rounded += double_rounding_case(aa, b, c);
          ck.check(aa, b, c);
        }
  }
  EXPECT_EQ(ck.failed, 0) << ck.report.str();
  EXPECT_GT(double_rounded, 100000);  // the hard cases were really there
}

TEST(FmaF32, MatchesStdFmaInTheSubnormalRange) {
  // Products around 2^-150 and 2^-149 added to subnormal (and the smallest normal) floats:
  // there the halfway point between two floats sits at 2^-150, not 29 bits down.
  std::mt19937_64 rng(11);
  Checker ck;
  int64_t double_rounded = 0;
  for (int i = 0; i < 400000; ++i) {
    const float c = random_float(rng, 0, 2);  // subnormals, zeros, the first normals
    const int k = 1 + int(rng() % 23);
    const float up = 1.0f + std::ldexp(1.0f, -k), down = 1.0f - std::ldexp(1.0f, -k);
    const float s = std::ldexp(1.0f, -75 - int(rng() % 3));
    const float a = (rng() & 1) ? s * up : -s * down;
    const float b = (rng() & 1) ? s * down : s * up;
    double_rounded += double_rounding_case(a, b, c);
    ck.check(a, b, c);
    ck.check(random_float(rng, 0, 60), random_float(rng, 0, 60), c);
    ck.check(random_float(rng, 40, 90), random_float(rng, 0, 40), c);
  }
  EXPECT_EQ(ck.failed, 0) << ck.report.str();
  EXPECT_GT(double_rounded, 0);
}

TEST(FmaF32, MatchesStdFmaOnSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float max = std::numeric_limits<float>::max();
  const float tiny = std::numeric_limits<float>::denorm_min();
  const std::vector<float> values = {0.0f,
                                     -0.0f,
                                     1.0f,
                                     -1.0f,
                                     0.5f,
                                     3.0f,
                                     inf,
                                     -inf,
                                     nan,
                                     -nan,
                                     max,
                                     -max,
                                     tiny,
                                     -tiny,
                                     1e-20f,
                                     1e20f,
                                     0x1p-126f,
                                     -0x1p-126f,
                                     bit_cast<float>(0x7fc12345u),
                                     bit_cast<float>(0xffa00001u)};
  Checker ck;
  for (float a : values)
    for (float b : values)
      for (float c : values) ck.check(a, b, c);
  // Overflow to infinity and the largest finite results, both signs.
  for (float a : {max, std::nextafter(max, 0.0f), 0x1p64f})
    for (float b : {1.0f, 1.5f, 2.0f, 0x1p64f, -1.0f})
      for (float c : {0.0f, max, -max, 0x1p103f, -0x1p103f}) ck.check(a, b, c);
  EXPECT_EQ(ck.failed, 0) << ck.report.str();
  EXPECT_EQ(ck.checked, int64_t(values.size() * values.size() * values.size()) + 75);
}

TEST(FmaF32, DoubleRoundingCasesDifferFromThePlainDoubleSum) {
  // The careful path matters: rounding the double sum to float is wrong on these.
  const float f = 1.0f + 0x1p-23f;  // odd last bit: a tie would go up
  const float s = 0x1p-24f;         // ulp(f) / 2
  const float a = s * (1.0f + 0x1p-18f), b = 1.0f - 0x1p-18f;
  ASSERT_TRUE(double_rounding_case(a, b, f));
  EXPECT_NE(bit_cast<uint32_t>(float(double(a) * double(b) + double(f))), bit_cast<uint32_t>(std::fma(a, b, f)));
  EXPECT_EQ(bit_cast<uint32_t>(kernel::fma_f32(a, b, f)), bit_cast<uint32_t>(std::fma(a, b, f)));
}

TEST(FmaF64, IsStdFma) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-10.0, 10.0);
  for (int i = 0; i < 1000; ++i) {
    const double a = u(rng), b = u(rng), c = u(rng);
    EXPECT_EQ(bit_cast<uint64_t>(kernel::fused_mul_add(a, b, c)), bit_cast<uint64_t>(std::fma(a, b, c)));
  }
}

}  // namespace
}  // namespace gradlab
