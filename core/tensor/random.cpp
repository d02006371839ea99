// PyTorch 1.13's CPU random kernels, reproduced bit for bit.
//
// Sources of truth (pytorch/pytorch v1.13): ATen/CPUGeneratorImpl.cpp,
// ATen/core/MT19937RNGEngine.h, ATen/core/DistributionsHelper.h, ATen/core/TransformationHelper.h,
// ATen/native/cpu/DistributionTemplates.h and avx_mathfun.h, ATen/native/TensorFactories.cpp.
//
// NOTE: floating-point contraction. The kernels run from the AVX2 copy of DistributionKernels.cpp,
// which GCC compiles with -mfma and its default -ffp-contract=fast, so several `a * b + c` in those
// sources became fused multiply-adds. Which ones was read off the machine code of Debian's
// libtorch_cpu.so 1.13.1; each is an explicit std::fma here, and every other expression must stay
// unfused. No plain product below feeds an addition (each goes into std::fma, sqrt, sincos, a cast
// or a store), so a compiler that contracts (g++ -mfma, whose default is -ffp-contract=fast) has
// nothing to fuse; keep it that way. Clang also gets the standard pragma.
//
// The double-precision log and sincos are glibc's, ported in random_libm.cpp, so that builds on
// other libms (Emscripten's musl) give the same bits.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "tensor/random.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "tensor/bits.h"
#include "tensor/error.h"
#include "tensor/random_libm.h"

namespace gradlab {

// ---- the engine: mt19937 as in ATen/core/MT19937RNGEngine.h --------------------------------

Generator::Generator() : Generator(kDefaultSeed) {}

Generator::Generator(uint64_t seed) { manual_seed(seed); }

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  state_[0] = static_cast<uint32_t>(seed & 0xffffffffu);
  for (int j = 1; j < kStateSize; ++j) {
    uint32_t prev = state_[j - 1];
    state_[j] = 1812433253u * (prev ^ (prev >> 30)) + static_cast<uint32_t>(j);
  }
  index_ = kStateSize;
  next_double_normal_.reset();
  next_float_normal_.reset();
}

void Generator::twist() {
  constexpr int kShift = 397;
  constexpr uint32_t kMatrixA = 0x9908b0dfu;
  for (int i = 0; i < kStateSize; ++i) {
    uint32_t y = (state_[i] & 0x80000000u) | (state_[(i + 1) % kStateSize] & 0x7fffffffu);
    state_[i] = state_[(i + kShift) % kStateSize] ^ (y >> 1) ^ ((y & 1u) ? kMatrixA : 0u);
  }
  index_ = 0;
}

uint32_t Generator::random() {
  if (index_ >= kStateSize) twist();
  uint32_t y = state_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint64_t Generator::random64() {
  uint64_t hi = random();
  uint64_t lo = random();
  return (hi << 32) | lo;
}

namespace {

// ---- helpers ---------------------------------------------------------------------------------

constexpr double kPi = 3.14159265358979323846;

// c10::str's rendering of a double in error messages (ostream defaults: "1", "0.5", "1e+06").
std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// uniform_real_distribution<float>(0, 1) before its affine step: 24 random bits / 2^24.
float unit_float(Generator& gen) {
  return static_cast<float>(gen.random() & 0xffffffu) * (1.0f / 16777216.0f);
}

// uniform_real_distribution<double>(0, 1) before its affine step: 53 random bits / 2^53.
double unit_double(Generator& gen) {
  return static_cast<double>(gen.random64() & ((uint64_t{1} << 53) - 1)) *
         (1.0 / 9007199254740992.0);
}

// ---- scalar Box-Muller: at::normal_distribution<double>, used below 16 elements ----------------
// 1.13 takes log(1 - u2), not log1p(-u2), and GCC merged the sin and cos into one sincos call.

double normal_sample(Generator& gen, double mean, double std) {
  if (std::optional<double> cached = gen.next_double_normal_sample()) {
    gen.set_next_double_normal_sample(std::nullopt);
    return std::fma(*cached, std, mean);
  }
  const double u1 = unit_double(gen);
  const double u2 = unit_double(gen);
  const double r = std::sqrt(-2.0 * random_libm::log(1.0 - u2));
  const double theta = 2.0 * kPi * u1;
  double s, c;
  random_libm::sincos(theta, &s, &c);
  gen.set_next_double_normal_sample(r * s);
  return std::fma(r * c, std, mean);
}

// ---- vectorised-layout Box-Muller, double: normal_fill_16<double> -----------------------------
// data[0..16) holds uniforms; pairs (j, j + 8) become two normals.

void normal_fill_16(double* data, double mean, double std) {
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1.0 - data[j];
    const double u2 = data[j + 8];
    const double radius = std::sqrt(-2.0 * random_libm::log(u1));
    const double theta = 2.0 * kPi * u2;
    double s, c;
    random_libm::sincos(theta, &s, &c);
    data[j] = std::fma(radius * c, std, mean);
    data[j + 8] = std::fma(radius * s, std, mean);
  }
}

// ---- the AVX2 Box-Muller for float32, one lane at a time ----------------------------------------
// avx_mathfun.h's log256_ps and sincos256_ps (Pommier's cephes ports) with the fusions GCC made.

namespace avx {

constexpr float kOne = 1.0f;
constexpr float kHalf = 0.5f;
constexpr float kSqrtHalf = static_cast<float>(0.707106781186547524);
constexpr float kLogP[9] = {
    static_cast<float>(7.0376836292E-2), static_cast<float>(-1.1514610310E-1),
    static_cast<float>(1.1676998740E-1), static_cast<float>(-1.2420140846E-1),
    static_cast<float>(1.4249322787E-1), static_cast<float>(-1.6668057665E-1),
    static_cast<float>(2.0000714765E-1), static_cast<float>(-2.4999993993E-1),
    static_cast<float>(3.3333331174E-1)};
constexpr float kLogQ1 = static_cast<float>(-2.12194440e-4);
constexpr float kLogQ2 = static_cast<float>(0.693359375);
constexpr float kMinusDP1 = static_cast<float>(-0.78515625);
constexpr float kMinusDP2 = static_cast<float>(-2.4187564849853515625e-4);
constexpr float kMinusDP3 = static_cast<float>(-3.77489497744594108e-8);
constexpr float kSinP0 = static_cast<float>(-1.9515295891E-4);
constexpr float kSinP1 = static_cast<float>(8.3321608736E-3);
constexpr float kSinP2 = static_cast<float>(-1.6666654611E-1);
constexpr float kCosP0 = static_cast<float>(2.443315711809948E-005);
constexpr float kCosP1 = static_cast<float>(-1.388731625493765E-003);
constexpr float kCosP2 = static_cast<float>(4.166664568298827E-002);
constexpr float kFourOverPi = static_cast<float>(1.27323954473516);
constexpr float kTwoPi = static_cast<float>(2.0f * kPi);
constexpr uint32_t kSignMask = 0x80000000u;

// `mask ? x : +0`, as _mm256_and_ps with an all-ones / all-zeros mask.
float select_or_zero(bool mask, float x) { return mask ? x : 0.0f; }

// log256_ps on one lane. Returns an all-ones NaN for x <= 0 like the vector code.
float log_lane(float x) {
  const bool invalid = x <= 0.0f;
  const float min_norm = bit_cast<float>(0x00800000u);
  x = x > min_norm ? x : min_norm;  // _mm256_max_ps(x, min_norm)
  const int32_t exponent = static_cast<int32_t>(bit_cast<uint32_t>(x) >> 23);
  x = bit_cast<float>((bit_cast<uint32_t>(x) & ~0x7f800000u) | bit_cast<uint32_t>(kHalf));  // mantissa in [0.5, 1)
  float e = static_cast<float>(exponent - 0x7f);
  e = e + kOne;
  // if (x < SQRTHF) { e -= 1; x = x + x - 1; } else { x = x - 1; }
  const bool below = x < kSqrtHalf;
  const float tmp = select_or_zero(below, x);
  x = x - kOne;
  e = e - select_or_zero(below, kOne);
  x = x + tmp;

  const float z = x * x;
  const float e_q1 = e * kLogQ1;
  float y = kLogP[0];
  for (int i = 1; i < 9; ++i) y = std::fma(y, x, kLogP[i]);  // fused Horner steps
  y = y * x;
  y = std::fma(y, z, e_q1);    // y * z + e * q1
  y = std::fma(-z, kHalf, y);  // y - z * 0.5
  x = x + y;
  x = std::fma(e, kLogQ2, x);  // x + e * q2
  return invalid ? bit_cast<float>(0xffffffffu) : x;
}

// sincos256_ps on one lane.
void sincos_lane(float x, float* sin_out, float* cos_out) {
  uint32_t sign_sin = bit_cast<uint32_t>(x) & kSignMask;
  x = bit_cast<float>(bit_cast<uint32_t>(x) & ~kSignMask);

  // Octant j = (int(|x| * 4/pi) + 1) & ~1 (cephes).
  int32_t j = static_cast<int32_t>(x * kFourOverPi);  // _mm256_cvttps_epi32 truncates
  j = (j + 1) & ~1;
  const float y_octant = static_cast<float>(j);
  const uint32_t swap_sign_sin = static_cast<uint32_t>(j & 4) << 29;
  const bool poly_mask = (j & 2) == 0;
  const uint32_t sign_cos = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  sign_sin ^= swap_sign_sin;

  // Extended-precision reduction x = ((x - y*DP1) - y*DP2) - y*DP3, each step fused.
  x = std::fma(y_octant, kMinusDP1, x);
  x = std::fma(y_octant, kMinusDP2, x);
  x = std::fma(y_octant, kMinusDP3, x);

  const float z = x * x;
  // Cosine polynomial on [0, pi/4].
  float yc = std::fma(kCosP0, z, kCosP1);
  yc = std::fma(yc, z, kCosP2);
  yc = yc * z;
  const float half_z = z * kHalf;
  yc = std::fma(yc, z, -half_z);  // y * z - z * 0.5
  yc = yc + kOne;
  // Sine polynomial on [0, pi/4].
  float ys = std::fma(kSinP0, z, kSinP1);
  ys = std::fma(ys, z, kSinP2);
  ys = ys * z;
  ys = std::fma(ys, x, x);

  // Select each result's polynomial with masks, exactly as the vector code does.
  const float ysin2 = select_or_zero(poly_mask, ys);
  const float ysin1 = select_or_zero(!poly_mask, yc);
  const float ycos2 = ys - ysin2;
  const float ycos1 = yc - ysin1;
  *sin_out = bit_cast<float>(bit_cast<uint32_t>(ysin1 + ysin2) ^ sign_sin);
  *cos_out = bit_cast<float>(bit_cast<uint32_t>(ycos2 + ycos1) ^ sign_cos);
}

// normal_fill_16_AVX2: data[0..16) holds uniforms; lanes (j, j + 8) become two normals.
void normal_fill_16(float* data, float mean, float std) {
  for (int j = 0; j < 8; ++j) {
    const float u1 = kOne - data[j];
    const float theta = kTwoPi * data[j + 8];
    const float radius = std::sqrt(log_lane(u1) * -2.0f);
    float s, c;
    sincos_lane(theta, &s, &c);
    data[j] = std::fma(radius * c, std, mean);
    data[j + 8] = std::fma(radius * s, std, mean);
  }
}

}  // namespace avx

// normal_fill / normal_fill_AVX2: fill with uniforms, transform each block of 16 in place, then
// redo the last 16 elements from fresh uniforms when n is not a multiple of 16.
template <typename T, typename Unit, typename Block>
void blocked_normal_fill(Generator& gen, T* data, int64_t n, T mean, T std, Unit unit,
                         Block block) {
  for (int64_t i = 0; i < n; ++i) data[i] = unit(gen);
  for (int64_t i = 0; i + 16 <= n; i += 16) block(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = unit(gen);
    block(tail, mean, std);
  }
}

void check_normal(double std) {
  if (!(std >= 0.0)) runtime_error("normal expects std >= 0.0, but found std " + num(std));
}

template <typename T>
void check_uniform(double from, double to, const char* dtype, const char* torch_name) {
  const double lowest = static_cast<double>(std::numeric_limits<T>::lowest());
  const double max = static_cast<double>(std::numeric_limits<T>::max());
  if (!(from >= lowest && from <= max))
    runtime_error(std::string("from is out of bounds for ") + dtype);
  if (!(to >= lowest && to <= max)) runtime_error(std::string("to is out of bounds for ") + dtype);
  if (!(from <= to)) {
    runtime_error("uniform_ expects to return a [from, to) range, but found from=" + num(from) +
                  " > to=" + num(to));
  }
  if (!(to - from <= max)) {
    runtime_error(std::string("uniform_ expects to-from <= std::numeric_limits<") + torch_name +
                  ">::max(), but found to=" + num(to) + " and from=" + num(from) +
                  " which result in to-from to exceed the limit");
  }
}

void check_bernoulli(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    runtime_error("bernoulli_ expects p to be in [0, 1], but got p=" + num(p));
  }
}

// uniform_int_from_to_distribution: `val % range + from`, with 64 random bits once the range
// reaches 2^32.
template <typename T>
void random_from_to(Generator& gen, T* out, int64_t n, int64_t from, int64_t to) {
  if (from >= to) {
    runtime_error("random_ expects 'from' to be less than 'to', but got from=" +
                  std::to_string(from) + " >= to=" + std::to_string(to));
  }
  const uint64_t range = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  const bool wide = range >= (uint64_t{1} << 32);
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t val = wide ? gen.random64() : gen.random();
    out[i] = static_cast<T>(static_cast<int64_t>(val % range + static_cast<uint64_t>(from)));
  }
}

}  // namespace

// ---- public fills -----------------------------------------------------------------------------

void uniform_fill(Generator& gen, float* out, int64_t n, double from, double to) {
  check_uniform<float>(from, to, "float", "Float");
  const float lo = static_cast<float>(from);
  const float range = static_cast<float>(to) - lo;
  for (int64_t i = 0; i < n; ++i) out[i] = std::fma(unit_float(gen), range, lo);
}

void uniform_fill(Generator& gen, double* out, int64_t n, double from, double to) {
  check_uniform<double>(from, to, "double", "Double");
  const double range = to - from;
  for (int64_t i = 0; i < n; ++i) out[i] = std::fma(unit_double(gen), range, from);
}

void normal_fill(Generator& gen, float* out, int64_t n, double mean, double std) {
  check_normal(std);
  if (n >= 16) {
    blocked_normal_fill<float>(gen, out, n, static_cast<float>(mean), static_cast<float>(std),
                               unit_float, avx::normal_fill_16);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(normal_sample(gen, mean, std));
  }
}

void normal_fill(Generator& gen, double* out, int64_t n, double mean, double std) {
  check_normal(std);
  if (n >= 16) {
    blocked_normal_fill<double>(gen, out, n, mean, std, unit_double, normal_fill_16);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = normal_sample(gen, mean, std);
  }
}

void random_from_to_fill(Generator& gen, int64_t* out, int64_t n, int64_t from,
                         int64_t to_exclusive) {
  random_from_to(gen, out, n, from, to_exclusive);
}

void random_from_to_fill(Generator& gen, float* out, int64_t n, int64_t from,
                         int64_t to_exclusive) {
  random_from_to(gen, out, n, from, to_exclusive);
}

void random_from_to_fill(Generator& gen, double* out, int64_t n, int64_t from,
                         int64_t to_exclusive) {
  random_from_to(gen, out, n, from, to_exclusive);
}

void randperm_fill(Generator& gen, int64_t* out, int64_t n) {
  if (n < 0) {
    const std::string dim = std::to_string(n);
    runtime_error("Trying to create tensor with negative dimension " + dim + ": [" + dim + "]");
  }
  for (int64_t i = 0; i < n; ++i) out[i] = i;
  for (int64_t i = 0; i + 1 < n; ++i) {
    const int64_t z = static_cast<int64_t>(gen.random()) % (n - i);
    std::swap(out[i], out[z + i]);
  }
}

void bernoulli_fill(Generator& gen, float* out, int64_t n, double p) {
  check_bernoulli(p);
  for (int64_t i = 0; i < n; ++i) out[i] = unit_double(gen) < p ? 1.0f : 0.0f;
}

void bernoulli_fill(Generator& gen, double* out, int64_t n, double p) {
  check_bernoulli(p);
  for (int64_t i = 0; i < n; ++i) out[i] = unit_double(gen) < p ? 1.0 : 0.0;
}

}  // namespace gradlab
