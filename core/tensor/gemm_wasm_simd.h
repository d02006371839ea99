// The float32 matrix product of the browser build: a packed, cache-blocked, register-blocked
// GEMM on WebAssembly SIMD128 (compiled only when __wasm_simd128__ is defined; the native
// build keeps the plain blocked loop in ops/linalg.cpp, which the compiler vectorizes).
//
// Same bits as that loop and as PyTorch 1.13's reference BLAS: every element of C receives its
// K products in increasing k, each product rounded and then added to the running value (SIMD128
// has no fused multiply-add). Blocking only reorders which elements are worked on when; K is
// split into panels processed in increasing order, with the running sums kept in C between
// panels, so no element's summation order changes. The conformance cases therefore print the
// same digits whichever path a product takes.
#pragma once
#include <cstdint>

namespace gradlab {

#if defined(__wasm_simd128__)
/// True when gemm_f32_simd is faster than the plain loop for an M x K by K x N product
/// (packing costs more than it saves for thin or tiny products; measured in node).
bool gemm_f32_simd_pays(int64_t M, int64_t K, int64_t N);

/// C[M,N] (row-major, row stride ldc) += A[M,K] B[K,N], with A and B given by element strides
/// (any layout: transposed and sliced views included). Each C[i,j] accumulates
/// A[i,0]*B[0,j], A[i,1]*B[1,j], ... in that order onto its current value. C must not overlap
/// A or B. Throws std::bad_alloc if the packing buffers cannot be allocated.
void gemm_f32_simd(const float* A, int64_t sa0, int64_t sa1, const float* B, int64_t sb0,
                   int64_t sb1, float* C, int64_t ldc, int64_t M, int64_t K, int64_t N);
#endif

}  // namespace gradlab
