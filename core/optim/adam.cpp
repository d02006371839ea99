// Adam's update of one parameter in one pass (torch._gradlab.adam_, called by optim.py's
// _adam_update): the arithmetic of the op sequence PyTorch 1.13's _single_tensor_adam runs
// after its bias corrections,
//
//   exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
//   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
//   denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//   param.addcdiv_(exp_avg, denom, value=-step_size)
//
// element by element, with the same roundings: each op rounds to the tensor's dtype, add_ with
// alpha and addcmul_ are fused multiply-adds (PyTorch's AVX2 build, elementwise.cpp and
// pointwise.cpp), the others round once per op. None of these ops computes differently in
// PyTorch's vectorised loop and its scalar tail, so one formula serves every element.
//
// NOTE: native for speed: the sequence makes eight passes over four tensors and three
// temporaries; this makes one. Float32 runs four elements at a time in 128-bit vectors (SSE2
// natively, SIMD128 in the browser build), each fused multiply-add as the exact double sum
// of kernel::fma_f32 with its double-rounding test per lane; a block with a lane that needs
// the careful rounding is redone one element at a time. tests/core/adam_test.cpp checks
// it against the op sequence bit for bit.
#include <cmath>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"
#include "ops/fma.h"
#include "ops/kernel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define GRADLAB_ADAM_SIMD 1
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define GRADLAB_ADAM_SIMD 1
#else
#define GRADLAB_ADAM_SIMD 0
#endif

namespace gradlab {

namespace {

// The scalars of the sequence, converted as each op converts its Python number.
template <typename T>
struct AdamConsts {
  T beta1, one_minus_beta1;  // mul_(beta1): the wrapped number as T; add_'s alpha as T
  T beta2, addcmul_value;    // mul_(beta2); addcmul_'s value, T(double(value))
  T bias_correction2_sqrt;   // the divisor, a wrapped number as T
  T eps;                     // add_(eps)
  T addcdiv_value;           // addcdiv_'s value, T(double(value))
};

template <typename T>
AdamConsts<T> consts_of(const AdamScalars& s) {
  using kernel::scalar_as;
  return AdamConsts<T>{scalar_as<T>(s.beta1),
                       scalar_as<T>(s.one_minus_beta1),
                       scalar_as<T>(s.beta2),
                       T(s.one_minus_beta2.to_double()),
                       scalar_as<T>(s.bias_correction2_sqrt),
                       scalar_as<T>(s.eps),
                       T(s.neg_step_size.to_double())};
}

// One element, exactly as the op sequence computes it.
template <typename T>
inline void adam_one(T& p, T g, T& m, T& v, const AdamConsts<T>& c) {
  const T m1 = kernel::fused_mul_add(g, c.one_minus_beta1, T(m * c.beta1));
  const T v1 = kernel::fused_mul_add(T(c.addcmul_value * g), g, T(v * c.beta2));
  const T denom = T(T(std::sqrt(v1)) / c.bias_correction2_sqrt) + c.eps;
  p = p + T(T(c.addcdiv_value * m1) / denom);
  m = m1;
  v = v1;
}

#if GRADLAB_ADAM_SIMD
// --- four float lanes ---------------------------------------------------------------------------
#if defined(__SSE2__)
using F4 = __m128;
using D2 = __m128d;
using I4 = __m128i;
inline F4 load4(const float* p) { return _mm_loadu_ps(p); }
inline void store4(float* p, F4 v) { _mm_storeu_ps(p, v); }
inline F4 splat4(float x) { return _mm_set1_ps(x); }
inline F4 add4(F4 a, F4 b) { return _mm_add_ps(a, b); }
inline F4 mul4(F4 a, F4 b) { return _mm_mul_ps(a, b); }
inline F4 div4(F4 a, F4 b) { return _mm_div_ps(a, b); }
inline F4 sqrt4(F4 a) { return _mm_sqrt_ps(a); }
inline D2 low2(F4 a) { return _mm_cvtps_pd(a); }
inline D2 high2(F4 a) { return _mm_cvtps_pd(_mm_movehl_ps(a, a)); }
inline D2 add2(D2 a, D2 b) { return _mm_add_pd(a, b); }
inline D2 mul2(D2 a, D2 b) { return _mm_mul_pd(a, b); }
inline F4 narrow4(D2 lo, D2 hi) { return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi)); }
// The low and the high 32-bit words of four doubles, as four lanes.
inline I4 low_words(D2 lo, D2 hi) {
  return _mm_castps_si128(
      _mm_shuffle_ps(_mm_castpd_ps(lo), _mm_castpd_ps(hi), _MM_SHUFFLE(2, 0, 2, 0)));
}
inline I4 high_words(D2 lo, D2 hi) {
  return _mm_castps_si128(
      _mm_shuffle_ps(_mm_castpd_ps(lo), _mm_castpd_ps(hi), _MM_SHUFFLE(3, 1, 3, 1)));
}
inline I4 isplat4(int32_t x) { return _mm_set1_epi32(x); }
inline I4 and4(I4 a, I4 b) { return _mm_and_si128(a, b); }
inline I4 or4(I4 a, I4 b) { return _mm_or_si128(a, b); }
inline I4 andnot4(I4 a, I4 b) { return _mm_andnot_si128(b, a); }  // a & ~b
inline I4 iadd4(I4 a, I4 b) { return _mm_add_epi32(a, b); }
inline I4 eq4(I4 a, I4 b) { return _mm_cmpeq_epi32(a, b); }
inline I4 lt4(I4 a, I4 b) { return _mm_cmplt_epi32(a, b); }
inline I4 izero4() { return _mm_setzero_si128(); }
inline bool all4(I4 m) { return _mm_movemask_epi8(m) == 0xffff; }
#else
using F4 = v128_t;
using D2 = v128_t;
using I4 = v128_t;
inline F4 load4(const float* p) { return wasm_v128_load(p); }
inline void store4(float* p, F4 v) { wasm_v128_store(p, v); }
inline F4 splat4(float x) { return wasm_f32x4_splat(x); }
inline F4 add4(F4 a, F4 b) { return wasm_f32x4_add(a, b); }
inline F4 mul4(F4 a, F4 b) { return wasm_f32x4_mul(a, b); }
inline F4 div4(F4 a, F4 b) { return wasm_f32x4_div(a, b); }
inline F4 sqrt4(F4 a) { return wasm_f32x4_sqrt(a); }
inline D2 low2(F4 a) { return wasm_f64x2_promote_low_f32x4(a); }
inline D2 high2(F4 a) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 2, 3)); }
inline D2 add2(D2 a, D2 b) { return wasm_f64x2_add(a, b); }
inline D2 mul2(D2 a, D2 b) { return wasm_f64x2_mul(a, b); }
inline F4 narrow4(D2 lo, D2 hi) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0,
                            1, 4, 5);
}
inline I4 low_words(D2 lo, D2 hi) { return wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6); }
inline I4 high_words(D2 lo, D2 hi) { return wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7); }
inline I4 isplat4(int32_t x) { return wasm_i32x4_splat(x); }
inline I4 and4(I4 a, I4 b) { return wasm_v128_and(a, b); }
inline I4 or4(I4 a, I4 b) { return wasm_v128_or(a, b); }
inline I4 andnot4(I4 a, I4 b) { return wasm_v128_andnot(a, b); }  // a & ~b
inline I4 iadd4(I4 a, I4 b) { return wasm_i32x4_add(a, b); }
inline I4 eq4(I4 a, I4 b) { return wasm_i32x4_eq(a, b); }
inline I4 lt4(I4 a, I4 b) { return wasm_i32x4_lt(a, b); }
inline I4 izero4() { return wasm_i32x4_splat(0); }
inline bool all4(I4 m) { return wasm_i32x4_all_true(m); }
#endif

// a * b + c per lane as kernel::fma_f32's fast path computes it. Lanes where that path does
// not apply (the double sum halfway between two floats, a float result below the normal range
// other than zero, NaN or infinity) are cleared in `ok`.
inline F4 fma4(F4 a, F4 b, F4 c, I4& ok) {
  const D2 lo = add2(mul2(low2(a), low2(b)), low2(c));
  const D2 hi = add2(mul2(high2(a), high2(b)), high2(c));
  const I4 low = low_words(lo, hi);
  const I4 h = and4(high_words(lo, hi), isplat4(0x7fffffff));  // |r|'s high word
  // The 29 bits below float's last place are 1000...0: halfway.
  const I4 halfway = eq4(and4(low, isplat4(0x1fffffff)), isplat4(0x10000000));
  // 2^-126 <= |r| < inf, i.e. 0x38100000 <= h < 0x7ff00000: adding 0x47f00000 moves that
  // range (and only it) below 0xc7e00000 as signed words.
  const I4 normal = lt4(iadd4(h, isplat4(0x47f00000)), isplat4(int32_t(0xc7e00000u)));
  // r = +-0, which is exact: a nonzero |r| is at least 2^-298, whose high word is not 0.
  const I4 zero = eq4(h, izero4());
  ok = and4(ok, andnot4(or4(normal, zero), halfway));
  return narrow4(lo, hi);
}

// Four elements at i; false (nothing written) when a lane needs kernel::fma_f32's care.
inline bool adam_four(float* p, const float* g, float* m, float* v, const AdamConsts<float>& c) {
  I4 ok = eq4(izero4(), izero4());
  const F4 gv = load4(g);
  const F4 m1 = fma4(gv, splat4(c.one_minus_beta1), mul4(load4(m), splat4(c.beta1)), ok);
  const F4 v1 = fma4(mul4(splat4(c.addcmul_value), gv), gv, mul4(load4(v), splat4(c.beta2)), ok);
  if (!all4(ok)) return false;
  const F4 denom = add4(div4(sqrt4(v1), splat4(c.bias_correction2_sqrt)), splat4(c.eps));
  store4(p, add4(load4(p), div4(mul4(splat4(c.addcdiv_value), m1), denom)));
  store4(m, m1);
  store4(v, v1);
  return true;
}
#endif  // GRADLAB_ADAM_SIMD

template <typename T>
void adam_run(T* p, const T* g, T* m, T* v, int64_t n, const AdamConsts<T>& c) {
  int64_t i = 0;
#if GRADLAB_ADAM_SIMD
  if constexpr (std::is_same_v<T, float>) {
    for (; i + 4 <= n; i += 4)
      if (!adam_four(p + i, g + i, m + i, v + i, c))
        for (int64_t k = i; k < i + 4; ++k) adam_one(p[k], g[k], m[k], v[k], c);
  }
#endif
  for (; i < n; ++i) adam_one(p[i], g[i], m[i], v[i], c);
}

}  // namespace

bool adam_update_(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                  const AdamScalars& s) {
  const DType dt = param.dtype();
  if (dt != DType::Float32 && dt != DType::Float64) return false;
  const Tensor* ts[] = {&param, &grad, &exp_avg, &exp_avg_sq};
  for (const Tensor* t : ts)
    if (t->dtype() != dt || t->sizes() != param.sizes() || !t->is_contiguous()) return false;
  // Shared memory would make the passes' order visible; recorded ops need the sequence.
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b)
      if ((*ts[a])->storage == (*ts[b])->storage) return false;
  if (any_requires_grad({ts[0], ts[1], ts[2], ts[3]})) return false;
  for (const Scalar* x : {&s.beta1, &s.one_minus_beta1, &s.beta2, &s.one_minus_beta2,
                          &s.neg_step_size, &s.bias_correction2_sqrt, &s.eps})
    if (x->kind == Scalar::Kind::Bool) return false;
  const int64_t n = param.numel();
  if (dt == DType::Float32)
    adam_run(param.data<float>(), grad.data<float>(), exp_avg.data<float>(),
             exp_avg_sq.data<float>(), n, consts_of<float>(s));
  else
    adam_run(param.data<double>(), grad.data<double>(), exp_avg.data<double>(),
             exp_avg_sq.data<double>(), n, consts_of<double>(s));
  // The sequence's version bumps: exp_avg and exp_avg_sq twice each, param once.
  bump_version(exp_avg);
  bump_version(exp_avg);
  bump_version(exp_avg_sq);
  bump_version(exp_avg_sq);
  bump_version(param);
  return true;
}

}  // namespace gradlab
