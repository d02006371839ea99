// PyTorch's float32 transcendental results (see vecmath.h): a scalar port of the SLEEF 3.5
// functions PyTorch's AVX2 kernels call (Sleef_expf8_u10, Sleef_sind4_u10, ...), in their FMA
// configuration: every SLEEF "mla" is one std::fma, every other
// operation a single IEEE operation, so the results are those of SLEEF's purecfma build bit
// for bit (and so PyTorch's, checked against torch and libsleef on millions of inputs).
//
// NOTE: SLEEF picks a slower, more precise argument reduction for a whole vector when any
// lane needs it; one lane at a time, we do what each lane alone would get. PyTorch results for
// a tensor mixing |x| < 125 and |x| >= 125 (sin/cos/tan) can differ from ours in the last bit.
//
// Written after SLEEF (Boost Software License 1.0, Naoki Shibata and contributors): the
// polynomials, constants and reduction steps are SLEEF's; this file must be compiled without
// floating-point contraction (the std::fma calls are the only fused operations).
#include "ops/vecmath.h"

#include "ops/vecmath_internal.h"
#include "ops/vecmath_tables.h"

namespace gradlab {
namespace vecmath {
namespace {

using namespace detail;

// --- float32 exponent helpers -----------------------------------------------------------------
inline int32_t ilogb2k(float d) { return ((f2i(d) >> 23) & 0xff) - 0x7f; }
inline int32_t ilogbk(float d) {
  const bool o = d < 5.421010862427522E-20f;
  if (o) d = 1.8446744073709552E19f * d;
  return ((f2i(d) >> 23) & 0xff) - (o ? 64 + 0x7f : 0x7f);
}
inline float pow2i(int32_t q) { return i2f(int32_t(uint32_t(wadd(q, 0x7f)) << 23)); }
inline float ldexp2k(float d, int32_t e) { return d * pow2i(sra(e, 1)) * pow2i(wsub(e, sra(e, 1))); }
inline float ldexp3k(float d, int32_t q) { return i2f(int32_t(uint32_t(f2i(d)) + (uint32_t(q) << 23))); }
// Integer steps wrap as SIMD lanes do (q may be INT32_MIN from an out-of-range rint).
float ldexpk(float x, int32_t q) {
  int32_t m = sra(q, 31);
  m = wsub(sra(wadd(m, q), 6), m);
  m = int32_t(uint32_t(m) << 4);
  q = wsub(q, int32_t(uint32_t(m) << 2));
  m = wadd(m, 0x7f);
  m = m > 0 ? m : 0;
  m = m > 0xff ? 0xff : m;
  const float u = i2f(int32_t(uint32_t(m) << 23));
  x = x * u * u * u * u;
  return x * i2f(int32_t(uint32_t(wadd(q, 0x7f)) << 23));
}

// --- float32 constants (SLEEF misc.h) -----------------------------------------------------------
constexpr float kPiA2f = 3.1414794921875f, kPiB2f = 0.00011315941810607910156f,
                kPiC2f = 1.9841872589410058936e-09f, kTrigRangeMax2f = 125.0f;
constexpr float kL2Uf = 0.693145751953125f, kL2Lf = 1.428606765330187045e-06f;
constexpr float kRLn2f = 1.442695040888963407359924681001892137426645954152985934135449406931f;
constexpr float kM1Pif = float(0.318309886183790671537767526745028724);

// Payne-Hanek style reduction: x = d - q * (pi/2) in double-float, q (mod 4).
struct RempiF {
  F2 x;
  int32_t q;
};
inline void rempisubf(float x, float& rem, int32_t& q) {
  const float y = std::nearbyint(x * 4.0f);
  q = trunc_i(y - std::nearbyint(x) * 4.0f);
  rem = x - y * 0.25f;
}
RempiF rempif(float a) {
  int32_t ex = ilogb2k(a) - 25;
  const int32_t scale = ex > 90 - 25 ? -64 : 0;
  a = ldexp3k(a, scale);
  if (ex < 0) ex = 0;
  if (ex > 102) ex = 102;  // only inf/NaN get here (SLEEF reads past its table; the result is NaN)
  ex <<= 2;
  F2 x = mul_ff<float>(a, kRempiTabSp[ex]);
  int32_t q, q2;
  float r;
  rempisubf(x.x, r, q);
  x.x = r;
  x = normalize(x);
  F2 y = mul_ff<float>(a, kRempiTabSp[ex + 1]);
  x = add2_FF(x, y);
  rempisubf(x.x, r, q2);
  q += q2;
  x.x = r;
  x = normalize(x);
  y = mul_Ff(f2(kRempiTabSp[ex + 2], kRempiTabSp[ex + 3]), a);
  x = add2_FF(x, y);
  x = normalize(x);
  x = mul_FF(x, f2(3.1415927410125732422f * 2, -8.7422776573475857731e-08f * 2));
  if (std::fabs(a) < 0.7f) x = f2(a, 0);
  return {x, q};
}

// --- float32 kernels ---------------------------------------------------------------------------
F2 logkf(float d) {
  const bool o = d < kFltMin;
  if (o) d = d * (float(INT64_C(1) << 32) * float(INT64_C(1) << 32));
  int32_t e = ilogb2k(d * (1.0f / 0.75f));
  const float m = ldexp3k(d, -e);
  if (o) e -= 64;
  const F2 x = div_FF(add2_ff(-1.0f, m), add2_ff(1.0f, m));
  const F2 x2 = squ(x);
  float t = 0.240320354700088500976562f;
  t = std::fma(t, x2.x, 0.285112679004669189453125f);
  t = std::fma(t, x2.x, 0.400007992982864379882812f);
  const F2 c = f2(0.66666662693023681640625f, 3.69183861259614332084311e-09f);
  F2 s = mul_Ff(f2(0.69314718246459960938f, -1.904654323148236017e-09f), float(e));
  s = add_FF(s, scale(x, 2.0f));
  s = add_FF(s, mul_FF(mul_FF(x2, x), add2_FF(mul_Ff(x2, t), c)));
  return s;
}

float expkf(F2 d) {
  float u = (d.x + d.y) * kRLn2f;
  const int32_t q = rint_i(u);
  F2 s = add2_Ff(d, float(q) * -kL2Uf);
  s = add2_Ff(s, float(q) * -kL2Lf);
  s = normalize(s);
  u = 0.00136324646882712841033936f;
  u = std::fma(u, s.x, 0.00836596917361021041870117f);
  u = std::fma(u, s.x, 0.0416710823774337768554688f);
  u = std::fma(u, s.x, 0.166665524244308471679688f);
  u = std::fma(u, s.x, 0.499999850988388061523438f);
  F2 t = add_FF(s, mul_Ff(squ(s), u));
  t = add_fF(1.0f, t);
  u = t.x + t.y;
  u = ldexpk(u, q);
  if (d.x < -104) u = 0;
  return u;
}

F2 expk2f(F2 d) {
  float u = (d.x + d.y) * kRLn2f;
  const int32_t q = rint_i(u);
  F2 s = add2_Ff(d, float(q) * -kL2Uf);
  s = add2_Ff(s, float(q) * -kL2Lf);
  u = +0.1980960224e-3f;
  u = std::fma(u, s.x, +0.1394256484e-2f);
  u = std::fma(u, s.x, +0.8333456703e-2f);
  u = std::fma(u, s.x, +0.4166637361e-1f);
  F2 t = add2_Ff(mul_Ff(s, u), +0.166666659414234244790680580464e+0f);
  t = add2_Ff(mul_FF(s, t), 0.5f);
  t = add2_FF(s, mul_FF(squ(s), t));
  t = add_fF(1.0f, t);
  t.x = ldexp2k(t.x, q);
  t.y = ldexp2k(t.y, q);
  if (d.x < -104) t = f2(0, 0);
  return t;
}

}  // namespace

float exp(float d) {
  const int32_t q = rint_i(d * kRLn2f);
  float s = std::fma(float(q), -kL2Uf, d);
  s = std::fma(float(q), -kL2Lf, s);
  float u = 0.000198527617612853646278381f;
  u = std::fma(u, s, 0.00139304355252534151077271f);
  u = std::fma(u, s, 0.00833336077630519866943359f);
  u = std::fma(u, s, 0.0416664853692054748535156f);
  u = std::fma(u, s, 0.166666671633720397949219f);
  u = std::fma(u, s, 0.5f);
  u = 1.0f + std::fma(s * s, u, s);
  u = ldexp2k(u, q);
  if (d < -104) u = 0;
  if (100 < d) u = kInff;
  return u;
}

float log(float d) {
  const bool o = d < kFltMin;
  float dd = o ? d * (float(INT64_C(1) << 32) * float(INT64_C(1) << 32)) : d;
  int32_t e = ilogb2k(dd * (1.0f / 0.75f));
  const float m = ldexp3k(dd, -e);
  if (o) e -= 64;
  F2 s = mul_Ff(f2(0.69314718246459960938f, -1.904654323148236017e-09f), float(e));
  const F2 x = div_FF(add2_ff(-1.0f, m), add2_ff(1.0f, m));
  const float x2 = x.x * x.x;
  float t = +0.3027294874e+0f;
  t = std::fma(t, x2, +0.3996108174e+0f);
  t = std::fma(t, x2, +0.6666694880e+0f);
  s = add_FF(s, scale(x, 2.0f));
  s = add_Ff(s, x2 * x.x * t);
  float r = s.x + s.y;
  if (d == kInff) r = kInff;
  if (d < 0 || std::isnan(d)) r = kNaNf;
  if (d == 0) r = -kInff;
  return r;
}

float log2(float d) {
  const bool o = d < kFltMin;
  float dd = o ? d * (float(INT64_C(1) << 32) * float(INT64_C(1) << 32)) : d;
  int32_t e = ilogb2k(dd * float(1.0 / 0.75));
  const float m = ldexp3k(dd, -e);
  if (o) e -= 64;
  const F2 x = div_FF(add2_ff(-1.0f, m), add2_ff(1.0f, m));
  const float x2 = x.x * x.x;
  float t = +0.4374550283e+0f;
  t = std::fma(t, x2, +0.5764790177e+0f);
  t = std::fma(t, x2, +0.9618012905120f);
  F2 s = add2_fF(float(e), mul_FF(x, f2(2.8853900432586669922f, 3.2734474483568488616e-08f)));
  s = add2_Ff(s, x2 * x.x * t);
  float r = s.x + s.y;
  if (d == kInff) r = kInff;
  if (d < 0 || std::isnan(d)) r = kNaNf;
  if (d == 0) r = -kInff;
  return r;
}

float log10(float d) {
  const bool o = d < kFltMin;
  float dd = o ? d * (float(INT64_C(1) << 32) * float(INT64_C(1) << 32)) : d;
  int32_t e = ilogb2k(dd * float(1.0 / 0.75));
  const float m = ldexp3k(dd, -e);
  if (o) e -= 64;
  const F2 x = div_FF(add2_ff(-1.0f, m), add2_ff(1.0f, m));
  const float x2 = x.x * x.x;
  float t = +0.1314289868e+0f;
  t = std::fma(t, x2, +0.1735493541e+0f);
  t = std::fma(t, x2, +0.2895309627e+0f);
  F2 s = mul_Ff(f2(0.30103001f, -1.432098889e-08f), float(e));
  s = add_FF(s, mul_FF(x, f2(0.868588984f, -2.170757285e-08f)));
  s = add_Ff(s, x2 * x.x * t);
  float r = s.x + s.y;
  if (d == kInff) r = kInff;
  if (d < 0 || std::isnan(d)) r = kNaNf;
  if (d == 0) r = -kInff;
  return r;
}

float sin(float d) {
  int32_t q;
  F2 s;
  if (std::fabs(d) < kTrigRangeMax2f) {
    const float u = std::nearbyint(d * kM1Pif);
    q = rint_i(u);
    const float v = std::fma(u, -kPiA2f, d);
    s = add2_ff(v, u * -kPiB2f);
    s = add_Ff(s, u * -kPiC2f);
  } else {
    RempiF r = rempif(d);
    q = r.q & 3;
    q = q + q + (r.x.x > 0 ? 2 : 1);
    q = sra(q, 2);
    const bool o = (r.q & 1) == 1;
    F2 x = f2(mulsign(3.1415927410125732422f * -0.5f, r.x.x),
              mulsign(-8.7422776573475857731e-08f * -0.5f, r.x.x));
    x = add2_FF(r.x, x);
    if (o) r.x = x;
    s = normalize(r.x);
    if (std::isinf(d) || std::isnan(d)) s.x = all_ones_f();
  }
  const F2 t = s;
  s = squ(s);
  float u = 2.6083159809786593541503e-06f;
  u = std::fma(u, s.x, -0.0001981069071916863322258f);
  u = std::fma(u, s.x, 0.00833307858556509017944336f);
  const F2 x = add_fF(1.0f, mul_FF(add_ff(-0.166666597127914428710938f, u * s.x), s));
  u = mul_FF_f(t, x);
  if ((q & 1) == 1) u = i2f(f2i(u) ^ f2i(-0.0f));
  if (is_negzero(d)) u = d;
  return u;
}

float cos(float d) {
  int32_t q;
  F2 s;
  if (std::fabs(d) < kTrigRangeMax2f) {
    const float dq = std::fma(std::nearbyint(std::fma(d, kM1Pif, -0.5f)), 2.0f, 1.0f);
    q = rint_i(dq);
    s = add2_ff(d, dq * (-kPiA2f * 0.5f));
    s = add2_Ff(s, dq * (-kPiB2f * 0.5f));
    s = add2_Ff(s, dq * (-kPiC2f * 0.5f));
  } else {
    RempiF r = rempif(d);
    q = r.q & 3;
    q = q + q + (r.x.x > 0 ? 8 : 7);
    q = sra(q, 1);
    const bool o = (r.q & 1) == 0;
    const float y = r.x.x > 0 ? 0.0f : -1.0f;
    F2 x = f2(mulsign(3.1415927410125732422f * -0.5f, y), mulsign(-8.7422776573475857731e-08f * -0.5f, y));
    x = add2_FF(r.x, x);
    if (o) r.x = x;
    s = normalize(r.x);
    if (std::isinf(d) || std::isnan(d)) s.x = all_ones_f();
  }
  const F2 t = s;
  s = squ(s);
  float u = 2.6083159809786593541503e-06f;
  u = std::fma(u, s.x, -0.0001981069071916863322258f);
  u = std::fma(u, s.x, 0.00833307858556509017944336f);
  const F2 x = add_fF(1.0f, mul_FF(add_ff(-0.166666597127914428710938f, u * s.x), s));
  u = mul_FF_f(t, x);
  if ((q & 2) == 0) u = i2f(f2i(u) ^ f2i(-0.0f));
  return u;
}

float tan(float d) {
  int32_t q;
  F2 s;
  if (std::fabs(d) < kTrigRangeMax2f) {
    const float u = std::nearbyint(d * float(2 * 0.318309886183790671537767526745028724));
    q = rint_i(u);
    const float v = std::fma(u, -kPiA2f * 0.5f, d);
    s = add2_ff(v, u * (-kPiB2f * 0.5f));
    s = add_Ff(s, u * (-kPiC2f * 0.5f));
  } else {
    const RempiF r = rempif(d);
    q = r.q;
    s = r.x;
    if (std::isinf(d) || std::isnan(d)) s = f2(all_ones_f(), all_ones_f());
  }
  const bool o = (q & 1) == 1;
  if (o) s = f2(i2f(f2i(s.x) ^ f2i(-0.0f)), i2f(f2i(s.y) ^ f2i(-0.0f)));
  const F2 t = s;
  s = squ(s);
  s = normalize(s);
  float u = 0.00446636462584137916564941f;
  u = std::fma(u, s.x, -8.3920182078145444393158e-05f);
  u = std::fma(u, s.x, 0.0109639242291450500488281f);
  u = std::fma(u, s.x, 0.0212360303848981857299805f);
  u = std::fma(u, s.x, 0.0540687143802642822265625f);
  F2 x = add_ff(0.133325666189193725585938f, u * s.x);
  x = add_fF(1.0f, mul_FF(add_fF(0.33333361148834228515625f, mul_FF(s, x)), s));
  x = mul_FF(t, x);
  if (o) x = rec_F(x);
  u = x.x + x.y;
  if (is_negzero(d)) u = d;
  return u;
}

float tanh(float x) {
  float y = std::fabs(x);
  F2 d = expk2f(f2(y, 0));
  const F2 e = rec_F(d);
  d = div_FF(add_FF(d, neg(e)), add_FF(d, e));
  y = d.x + d.y;
  if (std::fabs(x) > 8.664339742f || std::isnan(y)) y = 1.0f;
  y = mulsign(y, x);
  if (std::isnan(x)) y = all_ones_f();
  return y;
}

float pow(float x, float y) {
  const bool yisint = std::trunc(y) == y || std::fabs(y) > float(1 << 24);
  const bool yisodd = (trunc_i(y) & 1) == 1 && yisint && std::fabs(y) < float(1 << 24);
  float result = expkf(mul_Ff(logkf(std::fabs(x)), y));
  if (std::isnan(result)) result = kInff;
  result = result * (x > 0 ? 1.0f : (yisint ? (yisodd ? -1.0f : 1.0f) : kNaNf));
  const float efx = mulsign(std::fabs(x) - 1, y);
  if (std::isinf(y)) result = efx < 0.0f ? 0.0f : (efx == 0.0f ? 1.0f : kInff);
  if (std::isinf(x) || x == 0.0f) {
    const bool sy = std::signbit(y);
    result = mulsign((sy != (x == 0.0f)) ? 0.0f : kInff, yisodd ? x : 1.0f);
  }
  if (std::isnan(x) || std::isnan(y)) result = all_ones_f();
  if (y == 0 || x == 1) result = 1.0f;
  return result;
}

float fmod(float x, float y) { return fmod_impl<float, 8, 25>(x, y, kFltMin); }

}  // namespace vecmath
}  // namespace gradlab
