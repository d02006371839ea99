// Private to core/ops/vecmath_*.cpp: the building blocks of the SLEEF port -- bit access,
// x86 integer conversions, double-float / double-double arithmetic (SLEEF's df.h / dd.h in
// their FMA variant), SLEEF's Estrin polynomial macros, and fmod's reduction loop. See
// vecmath.h for why; compile without floating-point contraction.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace gradlab {
namespace vecmath {
namespace detail {

// --- bits and integer conversions -------------------------------------------------------------
inline int32_t f2i(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}
inline float i2f(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline int64_t d2i(double d) {
  int64_t i;
  std::memcpy(&i, &d, 8);
  return i;
}
inline double i2d(int64_t i) {
  double d;
  std::memcpy(&d, &i, 8);
  return d;
}

// x86's cvtps2dq / cvttps2dq: out of range or NaN gives INT32_MIN.
inline int32_t to_int_x86(double v) {
  if (!(v >= -2147483648.0 && v < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return int32_t(v);
}
inline int32_t rint_i(float x) { return to_int_x86(std::nearbyint(double(x))); }
inline int32_t rint_i(double x) { return to_int_x86(std::nearbyint(x)); }
inline int32_t trunc_i(float x) { return to_int_x86(std::trunc(double(x))); }
inline int32_t trunc_i(double x) { return to_int_x86(std::trunc(x)); }
inline int32_t sra(int32_t x, int n) { return x >> n; }  // arithmetic (C++20 and every compiler)
// Two's-complement wrapping addition, as SIMD integer lanes do.
inline int32_t wadd(int32_t a, int32_t b) { return int32_t(uint32_t(a) + uint32_t(b)); }
inline int32_t wsub(int32_t a, int32_t b) { return int32_t(uint32_t(a) - uint32_t(b)); }

inline float mulsign(float x, float y) { return i2f(f2i(x) ^ (f2i(y) & int32_t(0x80000000u))); }
inline double mulsign(double x, double y) {
  return i2d(d2i(x) ^ (d2i(y) & int64_t(0x8000000000000000ull)));
}
inline bool is_negzero(float x) { return f2i(x) == f2i(-0.0f); }
inline bool is_negzero(double x) { return d2i(x) == d2i(-0.0); }
// SLEEF's "or with an all-ones mask": a NaN.
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr float kInff = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();
inline float all_ones_f() { return i2f(-1); }
inline double all_ones_d() { return i2d(-1); }

// --- double-float / double-double arithmetic (SLEEF df.h / dd.h, FMA variant) ------------------
// An unevaluated sum x + y carrying about twice T's precision.
template <typename T> struct Pair {
  T x, y;
};
using F2 = Pair<float>;
using D2 = Pair<double>;
template <typename T> inline Pair<T> pr(T x, T y) { return {x, y}; }
inline F2 f2(float x, float y) { return {x, y}; }
template <typename T> inline Pair<T> normalize(Pair<T> t) {
  const T sx = t.x + t.y;
  return {sx, (t.x - sx) + t.y};
}
template <typename T> inline Pair<T> scale(Pair<T> d, T s) { return {d.x * s, d.y * s}; }
template <typename T> inline Pair<T> neg(Pair<T> x) { return {-x.x, -x.y}; }
template <typename T> inline Pair<T> add_ff(T x, T y) {  // |x| >= |y|
  const T rx = x + y;
  return {rx, (x - rx) + y};
}
template <typename T> inline Pair<T> add2_ff(T x, T y) {
  const T rx = x + y, v = rx - x;
  return {rx, (x - (rx - v)) + (y - v)};
}
template <typename T> inline Pair<T> add2_fF(T x, Pair<T> y) {
  const T rx = x + y.x, v = rx - x;
  return {rx, ((x - (rx - v)) + (y.x - v)) + y.y};
}
template <typename T> inline Pair<T> add_Ff(Pair<T> x, T y) {
  const T rx = x.x + y;
  return {rx, ((x.x - rx) + y) + x.y};
}
template <typename T> inline Pair<T> add2_Ff(Pair<T> x, T y) {
  const T rx = x.x + y, v = rx - x.x;
  return {rx, ((x.x - (rx - v)) + (y - v)) + x.y};
}
template <typename T> inline Pair<T> add_fF(T x, Pair<T> y) {
  const T rx = x + y.x;
  return {rx, ((x - rx) + y.x) + y.y};
}
template <typename T> inline Pair<T> add_FF(Pair<T> x, Pair<T> y) {
  const T rx = x.x + y.x;
  return {rx, (((x.x - rx) + y.x) + x.y) + y.y};
}
template <typename T> inline Pair<T> add2_FF(Pair<T> x, Pair<T> y) {
  const T rx = x.x + y.x, v = rx - x.x;
  return {rx, ((x.x - (rx - v)) + (y.x - v)) + (x.y + y.y)};
}
template <typename T> inline Pair<T> sub_FF(Pair<T> x, Pair<T> y) {
  const T rx = x.x - y.x;
  T ry = x.x - rx;
  ry = ry - y.x;
  ry = ry + x.y;
  return {rx, ry - y.y};
}
template <typename T> inline Pair<T> div_FF(Pair<T> n, Pair<T> d) {
  const T t = T(1) / d.x;
  const T qx = n.x * t;
  const T u = std::fma(t, n.x, -qx);
  T qy = std::fma(-d.y, t, std::fma(-d.x, t, T(1)));
  qy = std::fma(qx, qy, std::fma(n.y, t, u));
  return {qx, qy};
}
template <typename T> inline Pair<T> mul_ff(T x, T y) {
  const T rx = x * y;
  return {rx, std::fma(x, y, -rx)};
}
template <typename T> inline Pair<T> squ(Pair<T> x) {
  const T rx = x.x * x.x;
  return {rx, std::fma(x.x + x.x, x.y, std::fma(x.x, x.x, -rx))};
}
template <typename T> inline Pair<T> mul_FF(Pair<T> x, Pair<T> y) {
  const T rx = x.x * y.x;
  return {rx, std::fma(x.x, y.y, std::fma(x.y, y.x, std::fma(x.x, y.x, -rx)))};
}
template <typename T> inline T mul_FF_f(Pair<T> x, Pair<T> y) {
  return std::fma(x.x, y.x, std::fma(x.y, y.x, x.x * y.y));
}
template <typename T> inline Pair<T> mul_Ff(Pair<T> x, T y) {
  const T rx = x.x * y;
  return {rx, std::fma(x.y, y, std::fma(x.x, y, -rx))};
}
template <typename T> inline Pair<T> rec_F(Pair<T> d) {
  const T qx = T(1) / d.x;
  return {qx, qx * std::fma(-d.y, qx, std::fma(-d.x, qx, T(1)))};
}

// SLEEF's Estrin polynomial macros (estrin.h), MLA = fma.
template <typename T> inline T poly2(T x, T c1, T c0) { return std::fma(x, c1, c0); }
template <typename T> inline T poly3(T x, T x2, T c2, T c1, T c0) {
  return std::fma(x2, c2, std::fma(x, c1, c0));
}
template <typename T> inline T poly4(T x, T x2, T c3, T c2, T c1, T c0) {
  return std::fma(x2, std::fma(x, c3, c2), std::fma(x, c1, c0));
}
template <typename T> inline T poly6(T x, T x2, T x4, T c5, T c4, T c3, T c2, T c1, T c0) {
  return std::fma(x4, poly2(x, c5, c4), poly4(x, x2, c3, c2, c1, c0));
}
template <typename T> inline T poly7(T x, T x2, T x4, T c6, T c5, T c4, T c3, T c2, T c1, T c0) {
  return std::fma(x4, poly3(x, x2, c6, c5, c4), poly4(x, x2, c3, c2, c1, c0));
}
template <typename T>
inline T poly8(T x, T x2, T x4, T c7, T c6, T c5, T c4, T c3, T c2, T c1, T c0) {
  return std::fma(x4, poly4(x, x2, c7, c6, c5, c4), poly4(x, x2, c3, c2, c1, c0));
}
template <typename T>
inline T poly9(T x, T x2, T x4, T x8, T c8, T c7, T c6, T c5, T c4, T c3, T c2, T c1, T c0) {
  return std::fma(x8, c8, poly8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0));
}
template <typename T>
inline T poly10(T x, T x2, T x4, T x8, T c9, T c8, T c7, T c6, T c5, T c4, T c3, T c2, T c1,
                T c0) {
  return std::fma(x8, poly2(x, c9, c8), poly8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0));
}

constexpr float kFltMin = 1.17549435082228750797e-38f;
constexpr double kDblMin = 2.2250738585072014e-308;

// One ulp toward zero (SLEEF's vtoward0), 0 stays 0.
inline float toward0(float x) { return x == 0 ? 0.0f : i2f(f2i(x) - 1); }
inline double toward0(double x) { return x == 0 ? 0.0 : i2d(d2i(x) - 1); }

template <typename T, int kSteps, int kScaleBits>
T fmod_impl(T x, T y, T min_normal) {
  T nu = std::fabs(x), de = std::fabs(y), s = 1;
  if (de < min_normal) {
    nu = nu * T(UINT64_C(1) << kScaleBits);
    de = de * T(UINT64_C(1) << kScaleBits);
    s = s * (T(1) / T(UINT64_C(1) << kScaleBits));
  }
  const T rde = toward0(T(1) / de);
  Pair<T> r = pr(nu, T(0));
  for (int i = 0; i < kSteps; ++i) {
    T q = std::trunc(toward0(r.x) * rde);
    if (T(3) * de > r.x && r.x >= de) q = 2;
    if (T(2) * de > r.x && r.x >= de) q = 1;
    r = normalize(add2_FF(r, mul_ff<T>(std::trunc(q), -de)));
    if (r.x < de) break;
  }
  T ret = (r.x + r.y) * s;
  if (r.x + r.y == de) ret = 0;
  ret = mulsign(ret, x);
  if (nu < de) ret = x;
  if (de == 0) ret = std::numeric_limits<T>::quiet_NaN();
  return ret;
}

}  // namespace detail
}  // namespace vecmath
}  // namespace gradlab
