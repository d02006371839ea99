// Tensor creation: zeros / ones / full (and *_like), arange, linspace, eye, and the random
// factories and in-place fills over core/tensor/random.h. No autograd: results are leaves.
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>

#include "ops/elementwise_internal.h"

namespace gradlab {

using kernel::dispatch;

namespace {

// Fills every element of a fresh dense tensor (its storage holds exactly its elements).
void fill_storage(const Tensor& t, const Scalar& v) {
  dispatch(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T x = kernel::scalar_as<T>(v);
    T* p = static_cast<T*>(t->storage->data);
    for (int64_t i = 0, n = t->storage->nbytes / int64_t(sizeof(T)); i < n; ++i) p[i] = x;
  });
}

// PyTorch prints range bounds with operator<< of the accumulate type.
std::string num_str(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

// --- constant fills -----------------------------------------------------------------------------
Tensor zeros(const Shape& sizes, DType dtype) { return empty(sizes, dtype); }

Tensor ones(const Shape& sizes, DType dtype) {
  Tensor t = empty(sizes, dtype);
  fill_storage(t, Scalar::from_int(1));
  return t;
}

Tensor full(const Shape& sizes, Scalar value, std::optional<DType> dtype) {
  Tensor t = empty(sizes, dtype ? *dtype : value.default_dtype());
  fill_storage(t, value);
  return t;
}

Tensor zeros_like(const Tensor& t, std::optional<DType> dtype) {
  return kernel::empty_like_layout(t, dtype ? *dtype : t.dtype());
}

Tensor ones_like(const Tensor& t, std::optional<DType> dtype) {
  return full_like(t, Scalar::from_int(1), dtype);
}

Tensor full_like(const Tensor& t, Scalar value, std::optional<DType> dtype) {
  Tensor out = kernel::empty_like_layout(t, dtype ? *dtype : t.dtype());
  fill_storage(out, value);
  return out;
}

// --- ranges -------------------------------------------------------------------------------------
// torch.arange: int64 unless an argument is a float (then float32). The size is
// ceil((end - start) / step) in double; element i is start + step * i computed in the
// accumulate type (int64 or double). PyTorch's SIMD loop (16 floats / 8 doubles per step)
// instead computes each group of 8 floats (4 doubles) as base + k * step from base = the
// group's first value rounded to the element type; we reproduce both. NOTE: std::fma, because
// PyTorch's AVX2 build contracts both `start + step * i` and `base + k * step` into one
// rounding (checked bit for bit against torch.arange in float64).
Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype) {
  const DType dt = dtype ? *dtype
                         : (start.is_floating() || end.is_floating() || step.is_floating())
                               ? DType::Float32
                               : DType::Int64;
  if (dt == DType::Bool) ew::not_implemented("arange_cpu", dt);
  int64_t n = 0;
  if (dt == DType::Int64) {
    const int64_t s = start.to_int(), e = end.to_int(), st = step.to_int();
    if (st == 0) runtime_error("step must be nonzero");
    const double size_d = std::ceil(double(e - s) / double(st));
    if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
      runtime_error("upper bound and larger bound inconsistent with step sign");
    if (!(size_d >= 0 && size_d <= double(std::numeric_limits<int64_t>::max())))
      runtime_error("invalid size, possible overflow?");
    n = int64_t(size_d);
    Tensor out = empty(Shape{n}, dt);
    int64_t* p = out.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = int64_t(uint64_t(s) + uint64_t(st) * uint64_t(i));
    return out;
  }
  const double s = start.to_double(), e = end.to_double(), st = step.to_double();
  const double size_d = std::ceil((e - s) / st);
  if (!(st > 0 || st < 0)) runtime_error("step must be nonzero");
  if (!std::isfinite(s) || !std::isfinite(e))
    runtime_error("unsupported range: " + num_str(s) + " -> " + num_str(e));
  if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
    runtime_error("upper bound and larger bound inconsistent with step sign");
  if (!(size_d >= 0 && size_d <= double(std::numeric_limits<int64_t>::max())))
    runtime_error("invalid size, possible overflow?");
  n = int64_t(size_d);
  Tensor out = empty(Shape{n}, dt);
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* p = out.template data<T>();
      constexpr int64_t lanes = 32 / int64_t(sizeof(T));
      const int64_t vec_end = n - n % (2 * lanes);
      int64_t i = 0;
      for (; i < vec_end; i += lanes) {
        const T base = T(std::fma(st, double(i), s));
        for (int64_t k = 0; k < lanes; ++k) p[i + k] = T(std::fma(double(k), st, double(base)));
      }
      for (; i < n; ++i) p[i] = T(std::fma(st, double(i), s));
    }
  });
  return out;
}

// torch.linspace: float32 unless a dtype is given. PyTorch's kernel: step = (end - start) /
// (steps - 1) in the element type (double for integers); the first half counts up from
// start, the second half down from end; SIMD groups of 8 floats (4 doubles, 4 int64) are
// base + k * step. NOTE: std::fma for the per-element values, as PyTorch's AVX2 build
// contracts `start + step * i` (its SIMD groups are not contracted) -- checked bit for bit.
Tensor linspace(Scalar start, Scalar end, int64_t steps, std::optional<DType> dtype) {
  if (steps < 0) runtime_error("number of steps must be non-negative");
  const DType dt = dtype ? *dtype : DType::Float32;
  Tensor out = empty(Shape{steps}, dt);
  if (steps == 0) return out;
  if (steps == 1) {  // before the kernel's dtype dispatch, as in PyTorch
    fill_storage(out, start);
    return out;
  }
  if (dt == DType::Bool) ew::not_implemented("linspace_cpu", dt);
  const int64_t halfway = steps / 2;
  dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, bool>) {
      // The step type: double for integers.
      using S = std::conditional_t<std::is_same_v<T, int64_t>, double, T>;
      const T s = kernel::scalar_as<T>(start), e = kernel::scalar_as<T>(end);
      const S step = (S(e) - S(s)) / S(steps - 1);
      auto value = [&](int64_t i) -> T {
        return i < halfway ? kernel::convert<T>(std::fma(step, S(i), S(s)))
                           : kernel::convert<T>(std::fma(-step, S(steps - i - 1), S(e)));
      };
      T* p = out.template data<T>();
      constexpr int64_t lanes = 32 / int64_t(sizeof(T));
      const int64_t vec_end = steps - steps % (2 * lanes);
      int64_t i = 0;
      for (; i < vec_end; i += lanes) {
        const T base = value(i);
        for (int64_t k = 0; k < lanes; ++k) p[i + k] = kernel::convert<T>(S(base) + S(k) * step);
      }
      for (; i < steps; ++i) p[i] = value(i);
    }
  });
  return out;
}

Tensor eye(int64_t n, int64_t m, DType dtype) {
  if (n < 0) runtime_error("n must be greater or equal to 0, got " + std::to_string(n));
  if (m == -1) m = n;
  if (m < 0) runtime_error("m must be greater or equal to 0, got " + std::to_string(m));
  Tensor out = empty(Shape{n, m}, dtype);
  dispatch(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.template data<T>();
    for (int64_t i = 0; i < n && i < m; ++i) p[i * m + i] = T(1);
  });
  return out;
}

// --- random ---------------------------------------------------------------------------------------
namespace {

// Storage offsets of t's elements in the order PyTorch's serial kernels visit them: memory
// order (TensorIterator sorts dimensions by stride).
std::vector<int64_t> memory_order_offsets(const Tensor& t) {
  kernel::Iter it;
  kernel::build(it, &t, {}, t.dtype(), t.dtype());
  std::vector<int64_t> offs;
  offs.reserve(size_t(t.numel()));
  if (it.numel == 0) return offs;
  const int64_t inner = it.ndim ? it.shape[0] : 1;
  int64_t idx[kMaxDims] = {};
  int64_t base = t->offset;
  for (int64_t r = 0; r < it.numel / inner; ++r) {
    for (int64_t i = 0; i < inner; ++i) offs.push_back(base + i * (it.ndim ? it.stride[0][0] : 0));
    for (int d = 1; d < it.ndim; ++d) {
      if (++idx[d] < it.shape[d]) {
        base += it.stride[0][d];
        break;
      }
      base -= it.stride[0][d] * (it.shape[d] - 1);
      idx[d] = 0;
    }
  }
  return offs;
}

// Runs fill(buffer, n) for self's elements: directly into a contiguous self, else into a
// temporary scattered back in memory order.
template <typename T, typename F> void fill_in_order(Tensor& self, F fill) {
  if (self.is_contiguous()) {
    fill(self.template data<T>(), self.numel());
    return;
  }
  std::unique_ptr<T[]> tmp(new T[size_t(self.numel())]);
  fill(tmp.get(), self.numel());
  T* base = static_cast<T*>(self->storage->data);
  const std::vector<int64_t> offs = memory_order_offsets(self);
  for (size_t i = 0; i < offs.size(); ++i) base[offs[i]] = tmp[i];
}

void require_floating(DType dt, const char* kernel_name) {
  if (!is_floating(dt)) ew::not_implemented(kernel_name, dt);
}

}  // namespace

Tensor rand(Generator& g, const Shape& sizes, DType dtype) {
  require_floating(dtype, "check_uniform_bounds");
  Tensor out = empty(sizes, dtype);
  uniform_(g, out, 0.0, 1.0);
  return out;
}

Tensor randn(Generator& g, const Shape& sizes, DType dtype) {
  return normal(g, 0.0, 1.0, sizes, dtype);
}

Tensor normal(Generator& g, double mean, double std, const Shape& sizes, DType dtype) {
  Tensor out = empty(sizes, dtype);
  normal_(g, out, mean, std);
  return out;
}

Tensor randint(Generator& g, int64_t low, int64_t high, const Shape& sizes, DType dtype) {
  Tensor out = empty(sizes, dtype);
  if (dtype == DType::Bool) {
    // PyTorch checks from < to, then that from and to - 1 fit the dtype, before drawing.
    random_from_to_fill(g, static_cast<int64_t*>(nullptr), 0, low, high);
    if (low < 0 || low > 1) runtime_error("from is out of bounds for bool");
    if (high - 1 < 0 || high - 1 > 1) runtime_error("to - 1 is out of bounds for bool");
  }
  const int64_t n = out.numel();
  switch (dtype) {
    case DType::Int64: random_from_to_fill(g, out.data<int64_t>(), n, low, high); break;
    case DType::Float32: random_from_to_fill(g, out.data<float>(), n, low, high); break;
    case DType::Float64: random_from_to_fill(g, out.data<double>(), n, low, high); break;
    case DType::Bool: {
      std::vector<int64_t> tmp(static_cast<size_t>(n));
      random_from_to_fill(g, tmp.data(), n, low, high);
      bool* p = out.data<bool>();
      for (int64_t i = 0; i < n; ++i) p[i] = tmp[size_t(i)] != 0;
      break;
    }
  }
  return out;
}

Tensor randperm(Generator& g, int64_t n, DType dtype) {
  if (dtype == DType::Bool) {
    if (n < 0) empty(Shape{n}, dtype);  // PyTorch's negative-size error comes first
    ew::not_implemented("randperm", dtype);
  }
  std::vector<int64_t> perm(size_t(n < 0 ? 0 : n));
  randperm_fill(g, perm.data(), n);
  Tensor out = empty(Shape{n}, dtype);
  dispatch(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.template data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = T(perm[size_t(i)]);
  });
  return out;
}

// PyTorch's normal_: the blocked fill for a contiguous tensor of 16+ elements, else one scalar
// draw per element in memory order.
void normal_(Generator& g, Tensor& self, double mean, double std) {
  check_inplace(self);
  require_floating(self.dtype(), "normal_kernel_cpu");
  dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      if (self.is_contiguous()) {
        normal_fill(g, self.template data<T>(), self.numel(), mean, std);
      } else {
        fill_in_order<T>(self, [&](T* p, int64_t n) {
          if (n == 0) normal_fill(g, p, 0, mean, std);  // still checks std
          for (int64_t i = 0; i < n; ++i) normal_fill(g, p + i, 1, mean, std);
        });
      }
    }
  });
  bump_version(self);
}

void uniform_(Generator& g, Tensor& self, double from, double to) {
  check_inplace(self);
  require_floating(self.dtype(), "check_uniform_bounds");
  dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>)
      fill_in_order<T>(self, [&](T* p, int64_t n) { uniform_fill(g, p, n, from, to); });
  });
  bump_version(self);
}

// Any dtype: the draws do not depend on it (bernoulli_distribution<double>, then a cast).
void bernoulli_(Generator& g, Tensor& self, double p) {
  check_inplace(self);
  std::vector<double> draws(size_t(self.numel()));
  bernoulli_fill(g, draws.data(), self.numel(), p);
  dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    fill_in_order<T>(self, [&](T* out, int64_t n) {
      for (int64_t i = 0; i < n; ++i) out[i] = T(draws[size_t(i)]);
    });
  });
  bump_version(self);
}

}  // namespace gradlab
