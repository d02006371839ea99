// The float32 GEMM of the browser build (see gemm_wasm_simd.h for the contract).
//
// Structure (Goto/BLIS): for each block of NC columns of B and each panel of KC rows of K
// (in increasing k), B's panel is packed into NR-column strips; then for each block of MC rows
// of A, A's panel is packed into MR-row strips, and a micro-kernel multiplies one MR-row strip
// by one NR-column strip, keeping the MR x NR tile of C in SIMD registers for the whole panel.
// Packed strips are contiguous in the order the kernel reads them and zero-padded to full
// width, so the kernel never branches on edges; edge tiles of C go through a small buffer.
//
// Sizes for the machines this targets (x86-64 under V8: 16 xmm registers, one reserved as
// scratch; L1d 32-48 KB, L2 512 KB-1 MB; measured on this project's AMD EPYC, L1d 48 KB,
// L2 1 MB): a 4 x 8 register tile, a B strip of KC x NR floats plus an A strip of MR x KC
// floats in L1, A's MC x KC block in L2.
#include "tensor/gemm_wasm_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include <algorithm>
#include <memory>

namespace gradlab {

namespace {

// The register tile: kMR rows of C by kNV f32x4 vectors (kNR = 4 kNV columns). kMR * kNV
// accumulators, kNV B vectors, a broadcast A value and a product live in xmm registers.
// Measured in Node 20 (GFLOP/s at n = 512, cpu time, loaded machine): 4x2 vectors 44,
// 2x4 38, 6x2 24, 5x2 25, 4x3 25, 3x3 22 (the larger tiles spill in V8's register allocator).
constexpr int kMR = 4;
constexpr int kNV = 2;
constexpr int kNR = 4 * kNV;

// Cache blocks (elements). KC: a B strip (KC x kNR) and an A strip (kMR x KC) together take
// 12 KB of L1. MC: A's packed block (MC x KC) takes 192 KB of L2. NC: B's packed panel
// (KC x NC) is 2 MB and is read once per MC block. KC in 128..512 and MC in 96..384 measured
// within the noise of each other for n = 128..1024; 256 x 192 was the steadiest.
constexpr int64_t kKC = 256;
constexpr int64_t kMC = 192;  // a multiple of kMR
constexpr int64_t kNC = 2048;  // a multiple of kNR

// C tile (kMR x kNR, row stride ldc) += A strip (kc x kMR, k-major) times B strip (kc x kNR,
// k-major), one k at a time: for every element a rounded product, then a rounded add.
inline void micro_kernel(int64_t kc, const float* __restrict Ap, const float* __restrict Bp,
                         float* __restrict C, int64_t ldc) {
  v128_t acc[kMR][kNV];
  for (int r = 0; r < kMR; ++r)
    for (int v = 0; v < kNV; ++v) acc[r][v] = wasm_v128_load(C + r * ldc + 4 * v);
  for (int64_t k = 0; k < kc; ++k) {
    v128_t b[kNV];
    for (int v = 0; v < kNV; ++v) b[v] = wasm_v128_load(Bp + 4 * v);
    for (int r = 0; r < kMR; ++r) {
      const v128_t a = wasm_v128_load32_splat(Ap + r);
      for (int v = 0; v < kNV; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(a, b[v]));
    }
    Ap += kMR;
    Bp += kNR;
  }
  for (int r = 0; r < kMR; ++r)
    for (int v = 0; v < kNV; ++v) wasm_v128_store(C + r * ldc + 4 * v, acc[r][v]);
}

// Packs rows [0, mc) and k in [0, kc) of A (element strides sa0, sa1) into ceil(mc / kMR)
// strips, each kc x kMR, k-major; rows past mc are zeros.
void pack_a(const float* A, int64_t sa0, int64_t sa1, int64_t mc, int64_t kc, float* out) {
  for (int64_t i0 = 0; i0 < mc; i0 += kMR) {
    const int64_t rows = std::min<int64_t>(kMR, mc - i0);
    if (rows == kMR && sa1 == 1) {
      const float* a[kMR];
      for (int r = 0; r < kMR; ++r) a[r] = A + (i0 + r) * sa0;
      for (int64_t k = 0; k < kc; ++k)
        for (int r = 0; r < kMR; ++r) *out++ = a[r][k];
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        int r = 0;
        for (; r < rows; ++r) *out++ = A[(i0 + r) * sa0 + k * sa1];
        for (; r < kMR; ++r) *out++ = 0.0f;
      }
    }
  }
}

// Packs k in [0, kc) and columns [0, nc) of B (element strides sb0, sb1) into ceil(nc / kNR)
// strips, each kc x kNR, k-major; columns past nc are zeros.
void pack_b(const float* B, int64_t sb0, int64_t sb1, int64_t kc, int64_t nc, float* out) {
  for (int64_t j0 = 0; j0 < nc; j0 += kNR) {
    const int64_t cols = std::min<int64_t>(kNR, nc - j0);
    if (cols == kNR && sb1 == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        const float* b = B + k * sb0 + j0;
        for (int v = 0; v < kNV; ++v) wasm_v128_store(out + 4 * v, wasm_v128_load(b + 4 * v));
        out += kNR;
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        int c = 0;
        for (; c < cols; ++c) *out++ = B[k * sb0 + (j0 + c) * sb1];
        for (; c < kNR; ++c) *out++ = 0.0f;
      }
    }
  }
}

// The tile of C at (i, j) with only rows x cols of it inside C: through a full-size buffer.
void edge_tile(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, int64_t rows,
               int64_t cols) {
  alignas(16) float tile[kMR * kNR] = {};
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) tile[r * kNR + c] = C[r * ldc + c];
  micro_kernel(kc, Ap, Bp, tile, kNR);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) C[r * ldc + c] = tile[r * kNR + c];
}

int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

}  // namespace

bool gemm_f32_simd_pays(int64_t M, int64_t K, int64_t N) {
  // Measured (square n, Node): the kernel is 2.5x the plain loop at n = 8 but even at n = 10,
  // where edge tiles dominate, and 4x from n = 16 up; below 4 rows or 8 columns every tile is
  // an edge tile. 4096 multiply-adds (n = 16) keeps the small products on the plain loop.
  return M >= kMR && N >= kNR && K >= 4 && M * N * K >= 4096;
}

void gemm_f32_simd(const float* A, int64_t sa0, int64_t sa1, const float* B, int64_t sb0,
                   int64_t sb1, float* C, int64_t ldc, int64_t M, int64_t K, int64_t N) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  const int64_t kc_max = std::min(K, kKC);
  const int64_t nc_max = round_up(std::min(N, kNC), kNR);
  const int64_t mc_max = round_up(std::min(M, kMC), kMR);
  std::unique_ptr<float[]> bpack(new float[kc_max * nc_max]);
  std::unique_ptr<float[]> apack(new float[kc_max * mc_max]);
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += kKC) {  // increasing k: each sum keeps torch's order
      const int64_t kc = std::min(kKC, K - pc);
      pack_b(B + pc * sb0 + jc * sb1, sb0, sb1, kc, nc, bpack.get());
      for (int64_t ic = 0; ic < M; ic += kMC) {
        const int64_t mc = std::min(kMC, M - ic);
        pack_a(A + ic * sa0 + pc * sa1, sa0, sa1, mc, kc, apack.get());
        for (int64_t jr = 0; jr < nc; jr += kNR) {
          const float* Bp = bpack.get() + jr * kc;
          const int64_t cols = std::min<int64_t>(kNR, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kMR) {
            const float* Ap = apack.get() + ir * kc;
            float* Ct = C + (ic + ir) * ldc + jc + jr;
            const int64_t rows = std::min<int64_t>(kMR, mc - ir);
            if (rows == kMR && cols == kNR)
              micro_kernel(kc, Ap, Bp, Ct, ldc);
            else
              edge_tile(kc, Ap, Bp, Ct, ldc, rows, cols);
          }
        }
      }
    }
  }
}

}  // namespace gradlab

#endif  // __wasm_simd128__
