// PyTorch 1.13's CPU random numbers, bit for bit: the mt19937 generator with its cached
// Box-Muller sample, and the fills behind torch.rand / randn / normal / randint / randperm /
// bernoulli_ (and so nn.Linear / nn.Embedding init and dropout masks).
//
// Each fill writes `n` elements of a contiguous buffer in order, consuming the generator
// exactly as PyTorch's CPU kernels do for a contiguous tensor of `n` elements (a 0-d tensor is
// n = 1; n = 0 draws nothing). PyTorch picks different kernels by size and dtype, and so do we:
// float32 normal_ on 16+ elements is the AVX2 Box-Muller that Debian's build dispatches to,
// reproduced lane by lane with std::fma where that build fuses (see random.cpp), and the
// double-precision log / sincos of the scalar paths are glibc's, ported (random_libm.h), so
// native and WebAssembly builds produce the same bits.
//
// The fills check their arguments as PyTorch's ops do and throw gradlab::Error (RuntimeError)
// with PyTorch's wording; the caller checks shapes and dtypes.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

namespace gradlab {

// PyTorch's CPUGeneratorImpl: a 32-bit mt19937 engine plus the cached second Box-Muller sample.
class Generator {
 public:
  // PyTorch's default_rng_seed_val: the seed of a freshly constructed torch.Generator().
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;

  Generator();  // seeded with kDefaultSeed
  explicit Generator(uint64_t seed);

  // torch.manual_seed: reseeds the engine (with the low 32 bits, as mt19937 does) and clears
  // both cached normal samples. initial_seed() returns the full 64-bit seed.
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }

  uint32_t random();    // the next mt19937 output
  uint64_t random64();  // two outputs, the first in the high 32 bits

  // The second value of the last scalar Box-Muller pair, returned by the next normal draw.
  // PyTorch keeps one cache per precision; its kernels only use the double one.
  std::optional<double> next_double_normal_sample() const { return next_double_normal_; }
  void set_next_double_normal_sample(std::optional<double> v) { next_double_normal_ = v; }
  std::optional<float> next_float_normal_sample() const { return next_float_normal_; }
  void set_next_float_normal_sample(std::optional<float> v) { next_float_normal_ = v; }

 private:
  static constexpr int kStateSize = 624;
  void twist();

  uint64_t seed_ = kDefaultSeed;
  std::array<uint32_t, kStateSize> state_{};
  int index_ = kStateSize;
  std::optional<double> next_double_normal_;
  std::optional<float> next_float_normal_;
};

// Tensor.uniform_(from, to) and torch.rand (from = 0, to = 1). float32 draws 24 bits per element
// and float64 53 (two engine outputs).
void uniform_fill(Generator& gen, float* out, int64_t n, double from, double to);
void uniform_fill(Generator& gen, double* out, int64_t n, double from, double to);

// Tensor.normal_(mean, std), torch.randn (0, 1) and torch.normal(mean, std, size).
void normal_fill(Generator& gen, float* out, int64_t n, double mean, double std);
void normal_fill(Generator& gen, double* out, int64_t n, double mean, double std);

// Tensor.random_(from, to) and torch.randint(low, high): integers in [from, to_exclusive).
void random_from_to_fill(Generator& gen, int64_t* out, int64_t n, int64_t from,
                         int64_t to_exclusive);
void random_from_to_fill(Generator& gen, float* out, int64_t n, int64_t from, int64_t to_exclusive);
void random_from_to_fill(Generator& gen, double* out, int64_t n, int64_t from,
                         int64_t to_exclusive);

// torch.randperm(n): a Fisher-Yates shuffle of 0..n-1 drawing one 32-bit output per swap.
void randperm_fill(Generator& gen, int64_t* out, int64_t n);

// Tensor.bernoulli_(p): 1 with probability p, else 0. nn.Dropout(p)'s keep mask is
// bernoulli_(1 - p) on a tensor shaped like the input.
void bernoulli_fill(Generator& gen, float* out, int64_t n, double p);
void bernoulli_fill(Generator& gen, double* out, int64_t n, double p);

}  // namespace gradlab
