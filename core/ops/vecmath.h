// Private to core/ops: the transcendental functions exactly as PyTorch 1.13's CPU kernels
// compute them on x86-64 (Debian's build: AVX2 kernels over SLEEF 3.5).
//
// PyTorch computes exp, log, log2, log10, sin, cos, tan and tanh of float32/float64 tensors
// with SLEEF's 1.0-ULP vector functions on every element (its "vml" path copies strided
// inputs to a buffer first), and pow in the SIMD part of its loops. Those results differ from
// the C library's in about one case in ten (by 1 ULP), so gradlab carries a scalar port of
// the SLEEF algorithms (vecmath.cpp) and gets PyTorch's bits on every platform, WebAssembly
// included. The scalar tails of PyTorch's loops use the C library (std::exp, std::pow), which
// glibc and musl share (ARM optimized-routines).
#pragma once

namespace gradlab {
namespace vecmath {

float exp(float x);
double exp(double x);
float log(float x);
double log(double x);
float log2(float x);
double log2(double x);
float log10(float x);
double log10(double x);
float sin(float x);
double sin(double x);
float cos(float x);
double cos(double x);
float tan(float x);
double tan(double x);
float tanh(float x);
double tanh(double x);
float pow(float x, float y);
double pow(double x, double y);
// SLEEF's fmod (PyTorch's vectorised fmod, in remainder and floor_divide): exact like
// std::fmod, except that quotients beyond the reach of its 8 (float) / 21 (double) reduction
// steps give NaN.
float fmod(float x, float y);
double fmod(double x, double y);

}  // namespace vecmath
}  // namespace gradlab
