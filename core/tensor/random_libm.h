// The double-precision log and sincos behind PyTorch's CPU Box-Muller, computed exactly as
// Debian 12's glibc 2.36 computes them on an x86-64 CPU with FMA (its __ieee754_log_fma and
// __sincos_fma, which PyTorch 1.13 calls there). Other libms (musl in Emscripten, glibc's
// non-FMA variants) round differently in about one call in a thousand, which shows in float64
// randn values; this port makes native and wasm builds agree with PyTorch bit for bit.
#pragma once

namespace gradlab::random_libm {

// log(x) for every double; the special cases (x <= 0, inf, nan) come from std::log.
double log(double x);

// sin(x) and cos(x) as glibc's sincos returns them, for |x| < 105414350 (the random kernels
// pass angles in [0, 2pi)); larger or non-finite arguments fall back to std::sin / std::cos.
void sincos(double x, double* sin_x, double* cos_x);

}  // namespace gradlab::random_libm
