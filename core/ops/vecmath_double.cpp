// PyTorch's float64 transcendental results (see vecmath.h): a scalar port of the SLEEF 3.5
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

using namespace detail;

namespace {

inline int32_t ilogb2k(double d) { return int32_t((d2i(d) >> 52) & 0x7ff) - 0x3ff; }
inline int32_t ilogbk(double d) {
  const bool o = d < 4.9090934652977266E-91;
  if (o) d = 2.037035976334486E90 * d;
  return int32_t((d2i(d) >> 52) & 0x7ff) - (o ? 300 + 0x3ff : 0x3ff);
}
inline double pow2i_d(int32_t q) { return i2d(int64_t(uint64_t(int64_t(q) + 0x3ff) << 52)); }
inline double ldexp2k(double d, int32_t e) {
  return d * pow2i_d(sra(e, 1)) * pow2i_d(wsub(e, sra(e, 1)));
}
inline double ldexp3k(double d, int32_t q) {
  return i2d(int64_t(uint64_t(d2i(d)) + (uint64_t(int64_t(q)) << 52)));
}

constexpr double kPiA = 3.1415926218032836914, kPiB = 3.1786509424591713469e-08,
                 kPiC = 1.2246467864107188502e-16, kPiD = 1.2736634327021899816e-24,
                 kTrigRangeMax = 1e+14;
constexpr double kPiA2 = 3.141592653589793116, kPiB2 = 1.2246467991473532072e-16,
                 kTrigRangeMax2 = 15;
constexpr double kM2PiH = 0.63661977236758138243, kM2PiL = -3.9357353350364971764e-17;
constexpr double kL2U = .69314718055966295651160180568695068359375,
                 kL2L = .28235290563031577122588448175013436025525412068e-12;
constexpr double kRLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931;
constexpr double kM1Pi = 0.318309886183790671537767526745028724;

struct RempiD {
  D2 x;
  int32_t q;
};
inline void rempisub(double x, double& rem, int32_t& q) {
  const double y = std::nearbyint(x * 4);
  q = trunc_i(y - std::nearbyint(x) * 4);
  rem = x - y * 0.25;
}
RempiD rempi(double a) {
  int32_t ex = ilogb2k(a) - 55;
  const int32_t scale_q = ex > 700 - 55 ? -64 : 0;
  a = ldexp3k(a, scale_q);
  if (ex < 0) ex = 0;
  if (ex > 968) ex = 968;  // only inf/NaN get here (SLEEF reads past its table; the result is NaN)
  ex <<= 2;
  D2 x = mul_ff<double>(a, kRempiTabDp[ex]);
  int32_t q, q2;
  double r;
  rempisub(x.x, r, q);
  x.x = r;
  x = normalize(x);
  D2 y = mul_ff<double>(a, kRempiTabDp[ex + 1]);
  x = add2_FF(x, y);
  rempisub(x.x, r, q2);
  q += q2;
  x.x = r;
  x = normalize(x);
  y = mul_Ff(pr(kRempiTabDp[ex + 2], kRempiTabDp[ex + 3]), a);
  x = add2_FF(x, y);
  x = normalize(x);
  x = mul_FF(x, pr(3.141592653589793116 * 2, 1.2246467991473532072e-16 * 2));
  if (std::fabs(a) < 0.7) x = pr(a, 0.0);
  return {x, q};
}

// The shared sin/cos polynomial: t * (1 - s/6 + ...), s = t^2.
double sincos_poly(D2 t) {
  const D2 s = squ(t);
  const double s2 = s.x * s.x, s4 = s2 * s2;
  double u = poly6(s.x, s2, s4, 2.72052416138529567917983e-15, -7.6429259411395447190023e-13,
                   1.60589370117277896211623e-10, -2.5052106814843123359368e-08,
                   2.75573192104428224777379e-06, -0.000198412698412046454654947);
  u = std::fma(u, s.x, 0.00833333333333318056201922);
  const D2 x = add_fF(1.0, mul_FF(add_ff(-0.166666666666666657414808, u * s.x), s));
  return mul_FF_f(t, x);
}

D2 logk(double d) {
  const bool o = d < kDblMin;
  if (o) d = d * (double(INT64_C(1) << 32) * double(INT64_C(1) << 32));
  int32_t e = ilogb2k(d * (1.0 / 0.75));
  const double m = ldexp3k(d, -e);
  if (o) e -= 64;
  D2 x = div_FF(add2_ff(-1.0, m), add2_ff(1.0, m));
  const D2 x2 = squ(x);
  const double x4 = x2.x * x2.x, x8 = x4 * x4, x16 = x8 * x8;
  const double t = poly9(x2.x, x4, x8, x16, 0.116255524079935043668677, 0.103239680901072952701192,
                         0.117754809412463995466069, 0.13332981086846273921509,
                         0.153846227114512262845736, 0.181818180850050775676507,
                         0.222222222230083560345903, 0.285714285714249172087875,
                         0.400000000000000077715612);
  const D2 c = pr(0.666666666666666629659233, 3.80554962542412056336616e-17);
  D2 s = mul_Ff(pr(0.693147180559945286226764, 2.319046813846299558417771e-17), double(e));
  s = add_FF(s, scale(x, 2.0));
  x = mul_FF(x2, x);
  s = add_FF(s, mul_FF(x, c));
  x = mul_FF(x2, x);
  s = add_FF(s, mul_Ff(x, t));
  return s;
}

double expk(D2 d) {
  double u = (d.x + d.y) * kRLn2;
  const double dq = std::nearbyint(u);
  const int32_t q = rint_i(dq);
  D2 s = add2_Ff(d, dq * -kL2U);
  s = add2_Ff(s, dq * -kL2L);
  s = normalize(s);
  const double s2 = s.x * s.x, s4 = s2 * s2, s8 = s4 * s4;
  u = poly10(s.x, s2, s4, s8, 2.51069683420950419527139e-08, 2.76286166770270649116855e-07,
             2.75572496725023574143864e-06, 2.48014973989819794114153e-05,
             0.000198412698809069797676111, 0.0013888888939977128960529,
             0.00833333333332371417601081, 0.0416666666665409524128449,
             0.166666666666666740681535, 0.500000000000000999200722);
  D2 t = add_fF(1.0, s);
  t = add_FF(t, mul_Ff(squ(s), u));
  u = t.x + t.y;
  u = ldexp2k(u, q);
  if (d.x < -1000) u = 0;
  return u;
}

D2 expk2(D2 d) {
  double u = (d.x + d.y) * kRLn2;
  const double dq = std::nearbyint(u);
  const int32_t q = rint_i(dq);
  D2 s = add2_Ff(d, dq * -kL2U);
  s = add2_Ff(s, dq * -kL2L);
  const D2 s2 = squ(s), s4 = squ(s2);
  const double s8 = s4.x * s4.x;
  u = poly10(s.x, s2.x, s4.x, s8, +0.1602472219709932072e-9, +0.2092255183563157007e-8,
             +0.2505230023782644465e-7, +0.2755724800902135303e-6, +0.2755731892386044373e-5,
             +0.2480158735605815065e-4, +0.1984126984148071858e-3, +0.1388888888886763255e-2,
             +0.8333333333333347095e-2, +0.4166666666666669905e-1);
  D2 t = add_fF(0.5, mul_Ff(s, +0.1666666666666666574e+0));
  t = add_fF(1.0, mul_FF(t, s));
  t = add_fF(1.0, mul_FF(t, s));
  t = add_FF(t, mul_Ff(s4, u));
  t.x = ldexp2k(t.x, q);
  t.y = ldexp2k(t.y, q);
  if (d.x < -1000) t = pr(0.0, 0.0);
  return t;
}

// log's reduction: d = m * 2^e with m in [0.75, 1.5).
inline void log_reduce(double d, double& m, int32_t& e) {
  const bool o = d < kDblMin;
  if (o) d = d * (double(INT64_C(1) << 32) * double(INT64_C(1) << 32));
  e = ilogb2k(d * (1.0 / 0.75));
  m = ldexp3k(d, -e);
  if (o) e -= 64;
}
inline double log_special(double d, double r) {
  if (d == kInf) r = kInf;
  if (d < 0 || std::isnan(d)) r = kNaN;
  if (d == 0) r = -kInf;
  return r;
}

}  // namespace

double exp(double d) {
  double u = std::nearbyint(d * kRLn2);
  const int32_t q = rint_i(u);
  double s = std::fma(u, -kL2U, d);
  s = std::fma(u, -kL2L, s);
  const double s2 = s * s, s4 = s2 * s2, s8 = s4 * s4;
  u = poly10(s, s2, s4, s8, +0.2081276378237164457e-8, +0.2511210703042288022e-7,
             +0.2755762628169491192e-6, +0.2755723402025388239e-5, +0.2480158687479686264e-4,
             +0.1984126989855865850e-3, +0.1388888888914497797e-2, +0.8333333333314938210e-2,
             +0.4166666666666602598e-1, +0.1666666666666669072e+0);
  u = std::fma(u, s, +0.5000000000000000000e+0);
  u = std::fma(u, s, +0.1000000000000000000e+1);
  u = std::fma(u, s, +0.1000000000000000000e+1);
  u = ldexp2k(u, q);
  if (d > 709.78271114955742909217217426) u = kInf;
  if (d < -1000) u = 0;
  return u;
}

double log(double d) {
  double m;
  int32_t e;
  log_reduce(d, m, e);
  const D2 x = div_FF(add2_ff(-1.0, m), add2_ff(1.0, m));
  const double x2 = x.x * x.x, x4 = x2 * x2, x8 = x4 * x4;
  const double t = poly7(x2, x4, x8, 0.1532076988502701353e+0, 0.1525629051003428716e+0,
                         0.1818605932937785996e+0, 0.2222214519839380009e+0,
                         0.2857142932794299317e+0, 0.3999999999635251990e+0,
                         0.6666666666667333541e+0);
  D2 s = mul_Ff(pr(0.693147180559945286226764, 2.319046813846299558417771e-17), double(e));
  s = add_FF(s, scale(x, 2.0));
  s = add_Ff(s, x2 * x.x * t);
  return log_special(d, s.x + s.y);
}

double log2(double d) {
  double m;
  int32_t e;
  log_reduce(d, m, e);
  const D2 x = div_FF(add2_ff(-1.0, m), add2_ff(1.0, m));
  const double x2 = x.x * x.x, x4 = x2 * x2, x8 = x4 * x4;
  const double t = poly7(x2, x4, x8, +0.2211941750456081490e+0, +0.2200768693152277689e+0,
                         +0.2623708057488514656e+0, +0.3205977477944495502e+0,
                         +0.4121985945485324709e+0, +0.5770780162997058982e+0,
                         +0.96179669392608091449);
  D2 s = add2_fF(double(e), mul_FF(x, pr(2.885390081777926774, 6.0561604995516736434e-18)));
  s = add2_Ff(s, x2 * x.x * t);
  return log_special(d, s.x + s.y);
}

double log10(double d) {
  double m;
  int32_t e;
  log_reduce(d, m, e);
  const D2 x = div_FF(add2_ff(-1.0, m), add2_ff(1.0, m));
  const double x2 = x.x * x.x, x4 = x2 * x2, x8 = x4 * x4;
  const double t = poly7(x2, x4, x8, +0.6653725819576758460e-1, +0.6625722782820833712e-1,
                         +0.7898105214313944078e-1, +0.9650955035715275132e-1,
                         +0.1240841409721444993e+0, +0.1737177927454605086e+0,
                         +0.2895296546021972617e+0);
  D2 s = mul_Ff(pr(0.30102999566398119802, -2.803728127785170339e-18), double(e));
  s = add_FF(s, mul_FF(x, pr(0.86858896380650363334, 1.1430059694096389311e-17)));
  s = add_Ff(s, x2 * x.x * t);
  return log_special(d, s.x + s.y);
}

double sin(double d) {
  int32_t ql;
  D2 s;
  if (std::fabs(d) < kTrigRangeMax2) {
    const double dql = std::nearbyint(d * kM1Pi);
    ql = rint_i(dql);
    const double u = std::fma(dql, -kPiA2, d);
    s = add_ff(u, dql * -kPiB2);
  } else if (std::fabs(d) < kTrigRangeMax) {
    double dqh = std::trunc(d * (kM1Pi / (1 << 24)));
    dqh = dqh * (1 << 24);
    const double dql = std::nearbyint(std::fma(d, kM1Pi, -dqh));
    ql = rint_i(dql);
    const double u = std::fma(dqh, -kPiA, d);
    s = add_ff(u, dql * -kPiA);
    s = add2_Ff(s, dqh * -kPiB);
    s = add2_Ff(s, dql * -kPiB);
    s = add2_Ff(s, dqh * -kPiC);
    s = add2_Ff(s, dql * -kPiC);
    s = add_Ff(s, (dqh + dql) * -kPiD);
  } else {
    RempiD r = rempi(d);
    ql = r.q & 3;
    ql = ql + ql + (r.x.x > 0 ? 2 : 1);
    ql = sra(ql, 2);
    const bool o = (r.q & 1) == 1;
    D2 x = pr(mulsign(-3.141592653589793116 * 0.5, r.x.x),
              mulsign(-1.2246467991473532072e-16 * 0.5, r.x.x));
    x = add2_FF(r.x, x);
    if (o) r.x = x;
    s = normalize(r.x);
    if (std::isinf(d) || std::isnan(d)) s.x = all_ones_d();
  }
  double u = sincos_poly(s);
  if ((ql & 1) == 1) u = i2d(d2i(u) ^ d2i(-0.0));
  if (d == 0) u = d;
  return u;
}

double cos(double d) {
  int32_t ql;
  D2 s;
  if (std::fabs(d) < kTrigRangeMax2) {
    double dql = std::nearbyint(std::fma(d, kM1Pi, -0.5));
    dql = std::fma(2.0, dql, 1.0);
    ql = rint_i(dql);
    s = add2_ff(d, dql * (-kPiA2 * 0.5));
    s = add_Ff(s, dql * (-kPiB2 * 0.5));
  } else if (std::fabs(d) < kTrigRangeMax) {
    double dqh = std::trunc(std::fma(d, kM1Pi / (1 << 23), -kM1Pi / (1 << 24)));
    ql = rint_i(d * kM1Pi + std::fma(dqh, -double(1 << 23), -0.5));
    dqh = dqh * (1 << 24);
    ql = wadd(wadd(ql, ql), 1);
    const double dql = double(ql);
    const double u = std::fma(dqh, -kPiA * 0.5, d);
    s = add2_ff(u, dql * (-kPiA * 0.5));
    s = add2_Ff(s, dqh * (-kPiB * 0.5));
    s = add2_Ff(s, dql * (-kPiB * 0.5));
    s = add2_Ff(s, dqh * (-kPiC * 0.5));
    s = add2_Ff(s, dql * (-kPiC * 0.5));
    s = add_Ff(s, (dqh + dql) * (-kPiD * 0.5));
  } else {
    RempiD r = rempi(d);
    ql = r.q & 3;
    ql = ql + ql + (r.x.x > 0 ? 8 : 7);
    ql = sra(ql, 1);
    const bool o = (r.q & 1) == 0;
    const double y = r.x.x > 0 ? 0.0 : -1.0;
    D2 x = pr(mulsign(-3.141592653589793116 * 0.5, y), mulsign(-1.2246467991473532072e-16 * 0.5, y));
    x = add2_FF(r.x, x);
    if (o) r.x = x;
    s = normalize(r.x);
    if (std::isinf(d) || std::isnan(d)) s.x = all_ones_d();
  }
  double u = sincos_poly(s);
  if ((ql & 2) == 0) u = i2d(d2i(u) ^ d2i(-0.0));
  return u;
}

double tan(double d) {
  int32_t ql;
  D2 s;
  if (std::fabs(d) < kTrigRangeMax2) {
    const double dql = std::nearbyint(d * (2 * kM1Pi));
    ql = rint_i(dql);
    const double u = std::fma(dql, -kPiA2 * 0.5, d);
    s = add_ff(u, dql * (-kPiB2 * 0.5));
  } else if (std::fabs(d) < kTrigRangeMax) {
    double dqh = std::trunc(d * (2 * kM1Pi / (1 << 24)));
    dqh = dqh * (1 << 24);
    s = add2_Ff(mul_Ff(pr(kM2PiH, kM2PiL), d), (d < 0 ? -0.5 : 0.5) - dqh);
    const double dql = std::trunc(s.x + s.y);
    ql = rint_i(dql);
    const double u = std::fma(dqh, -kPiA * 0.5, d);
    s = add_ff(u, dql * (-kPiA * 0.5));
    s = add2_Ff(s, dqh * (-kPiB * 0.5));
    s = add2_Ff(s, dql * (-kPiB * 0.5));
    s = add2_Ff(s, dqh * (-kPiC * 0.5));
    s = add2_Ff(s, dql * (-kPiC * 0.5));
    s = add_Ff(s, (dqh + dql) * (-kPiD * 0.5));
  } else {
    const RempiD r = rempi(d);
    ql = r.q;
    s = r.x;
    if (std::isinf(d) || std::isnan(d)) s = pr(all_ones_d(), all_ones_d());
  }
  const D2 t = scale(s, 0.5);
  s = squ(t);
  const double s2 = s.x * s.x, s4 = s2 * s2;
  double u = poly8(s.x, s2, s4, +0.3245098826639276316e-3, +0.5619219738114323735e-3,
                   +0.1460781502402784494e-2, +0.3591611540792499519e-2,
                   +0.8863268409563113126e-2, +0.2186948728185535498e-1,
                   +0.5396825399517272970e-1, +0.1333333333330500581e+0);
  u = std::fma(u, s.x, +0.3333333333333343695e+0);
  D2 x = add_FF(t, mul_Ff(mul_FF(s, t), u));
  const D2 y = add_fF(-1.0, squ(x));
  x = scale(x, -2.0);
  const bool o = (ql & 1) == 1;
  x = div_FF(o ? neg(y) : x, o ? x : y);
  u = x.x + x.y;
  if (d == 0) u = d;
  return u;
}

double tanh(double x) {
  double y = std::fabs(x);
  D2 d = expk2(pr(y, 0.0));
  const D2 e = rec_F(d);
  d = div_FF(add2_FF(d, neg(e)), add2_FF(d, e));
  y = d.x + d.y;
  if (std::fabs(x) > 18.714973875 || std::isnan(y)) y = 1.0;
  y = mulsign(y, x);
  if (std::isnan(x)) y = all_ones_d();
  return y;
}

double pow(double x, double y) {
  const bool yisint = std::trunc(y) == y;
  const bool yisodd = std::trunc(y * 0.5) != y * 0.5 && yisint;
  const D2 d = mul_Ff(logk(std::fabs(x)), y);
  double result = expk(d);
  if (d.x > 709.78271114955742909217217426) result = kInf;
  result = result * (x > 0 ? 1.0 : (yisint ? (yisodd ? -1.0 : 1.0) : kNaN));
  const double efx = mulsign(std::fabs(x) - 1, y);
  if (std::isinf(y)) result = efx < 0.0 ? 0.0 : (efx == 0.0 ? 1.0 : kInf);
  if (std::isinf(x) || x == 0.0) {
    const bool sy = std::signbit(y);
    result = mulsign((sy != (x == 0.0)) ? 0.0 : kInf, yisodd ? x : 1.0);
  }
  if (std::isnan(x) || std::isnan(y)) result = all_ones_d();
  if (y == 0 || x == 1) result = 1.0;
  return result;
}

double fmod(double x, double y) { return fmod_impl<double, 21, 54>(x, y, kDblMin); }

}  // namespace vecmath
}  // namespace gradlab
