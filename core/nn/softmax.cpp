// softmax and log_softmax (SoftmaxBackward0, LogSoftmaxBackward0), forward and backward, as
// PyTorch 1.13's AVX2 kernels (aten/src/ATen/native/cpu/SoftMaxKernel.cpp) compute them.
//
// NOTE: these are native rather than compositions because their rounding is the kernels',
// not the ops': along the last dim a row is reduced in 8 float lanes (4 doubles) folded by a
// shuffle tree; along other dims each column is reduced sequentially, the columns PyTorch
// handles 8 at a time getting SLEEF's exp and the leftover ones the C library's; and the
// multiply-adds the compiler fuses in those kernels (the backward sums, g - exp(out) * sum)
// are fused here with std::fma. Every rule was checked bit for bit against torch 1.13.
#include <cmath>
#include <vector>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"
#include "ops/kernel.h"
#include "ops/vecmath.h"

namespace gradlab {

namespace {

template <typename T>
constexpr int64_t lanes() {
  return 32 / int64_t(sizeof(T));
}

// PyTorch's vec_reduce_all over a full vector register: halves folded onto each other.
template <typename T>
T fold_lanes(T* v) {
  for (int64_t width = lanes<T>() / 2; width >= 1; width /= 2)
    for (int64_t i = 0; i < width; ++i) v[i] = v[i] + v[i + width];
  return v[0];
}

// vec::map_reduce_all(map, +, data, n): n < lanes reduces sequentially; otherwise per-lane
// accumulators, the partial last vector added into its first lanes, then a fold.
// `map(i)` gives element i's mapped value; `fused(acc, i)` gives acc + map(i) as the
// kernel's compiled code rounds it (plain or FMA).
template <typename T, typename Map, typename Acc>
T lane_sum(int64_t n, Map map, Acc fused) {
  constexpr int64_t L = lanes<T>();
  if (n < L) {
    T acc = map(0);
    for (int64_t i = 1; i < n; ++i) acc = acc + map(i);
    return acc;
  }
  T v[L];
  for (int64_t l = 0; l < L; ++l) v[l] = map(l);
  int64_t d = L;
  for (; d < n - n % L; d += L)
    for (int64_t l = 0; l < L; ++l) v[l] = fused(v[l], d + l);
  for (int64_t l = 0; d + l < n; ++l) v[l] = fused(v[l], d + l);
  return fold_lanes(v);
}

template <typename T>
T lane_max(const T* x, int64_t n) {
  T m = x[0];
  for (int64_t i = 1; i < n; ++i) {
    if (std::isnan(x[i]) || std::isnan(m)) return std::numeric_limits<T>::quiet_NaN();
    if (x[i] > m) m = x[i];
  }
  return m;
}

// The geometry of a softmax over `dim` of a contiguous tensor: outer x size x inner.
struct Geometry {
  int64_t outer = 1, size = 1, inner = 1;
};
Geometry geometry(const Shape& s, int dim) {
  Geometry g;
  for (int i = 0; i < s.size(); ++i) {
    if (i < dim)
      g.outer *= s[i];
    else if (i == dim)
      g.size = s[i];
    else
      g.inner *= s[i];
  }
  return g;
}

// Columns [0, vec_end) of an inner block are the ones PyTorch's non-last-dim kernels handle a
// vector at a time (SLEEF exp); the rest go through its scalar tail (the C library's exp).
template <typename T>
int64_t vec_end(int64_t inner) {
  return inner - inner % lanes<T>();
}
template <typename T>
T column_exp(T x, bool vectorised) {
  return vectorised ? vecmath::exp(x) : std::exp(x);
}

template <typename T, bool Log>
void forward_lastdim(const T* x, T* out, int64_t rows, int64_t n) {
  std::vector<T> e(size_t(n > 0 ? n : 1));
  for (int64_t r = 0; r < rows; ++r, x += n, out += n) {
    const T m = lane_max(x, n);
    for (int64_t i = 0; i < n; ++i) e[size_t(i)] = vecmath::exp(T(x[i] - m));
    const T s = lane_sum<T>(
        n, [&](int64_t i) { return e[size_t(i)]; },
        [&](T acc, int64_t i) { return acc + e[size_t(i)]; });
    if (Log) {
      const T ls = vecmath::log(s);
      for (int64_t i = 0; i < n; ++i) out[i] = T(x[i] - m) - ls;
    } else {
      const T inv = T(1) / s;
      for (int64_t i = 0; i < n; ++i) out[i] = e[size_t(i)] * inv;
    }
  }
}

template <typename T, bool Log>
void forward_dim(const T* x, T* out, const Geometry& g) {
  const int64_t ve = vec_end<T>(g.inner);
  for (int64_t o = 0; o < g.outer; ++o) {
    const T* xb = x + o * g.size * g.inner;
    T* ob = out + o * g.size * g.inner;
    for (int64_t j = 0; j < g.inner; ++j) {
      const bool vectorised = j < ve;
      T m = xb[j];
      for (int64_t d = 1; d < g.size; ++d) {
        const T v = xb[d * g.inner + j];
        m = (std::isnan(v) || std::isnan(m)) ? std::numeric_limits<T>::quiet_NaN()
                                             : (v > m ? v : m);
      }
      T s = 0;
      for (int64_t d = 0; d < g.size; ++d) {
        const T e = column_exp(T(xb[d * g.inner + j] - m), vectorised);
        if (!Log) ob[d * g.inner + j] = e;
        s = s + e;
      }
      if (Log) {
        const T ls = vecmath::log(s);
        for (int64_t d = 0; d < g.size; ++d) ob[d * g.inner + j] = T(xb[d * g.inner + j] - m) - ls;
      } else {
        for (int64_t d = 0; d < g.size; ++d) ob[d * g.inner + j] = ob[d * g.inner + j] / s;
      }
    }
  }
}

template <typename T, bool Log>
void backward_lastdim(const T* g, const T* y, T* out, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; ++r, g += n, y += n, out += n) {
    if (Log) {
      const T s = lane_sum<T>(
          n, [&](int64_t i) { return g[i]; }, [&](T acc, int64_t i) { return acc + g[i]; });
      for (int64_t i = 0; i < n; ++i) out[i] = std::fma(-vecmath::exp(y[i]), s, g[i]);
    } else {
      const T s = lane_sum<T>(
          n, [&](int64_t i) { return T(g[i] * y[i]); },
          [&](T acc, int64_t i) { return std::fma(g[i], y[i], acc); });
      for (int64_t i = 0; i < n; ++i) out[i] = T(g[i] - s) * y[i];
    }
  }
}

template <typename T, bool Log>
void backward_dim(const T* g, const T* y, T* out, const Geometry& geo) {
  const int64_t ve = vec_end<T>(geo.inner);
  for (int64_t o = 0; o < geo.outer; ++o) {
    const int64_t base = o * geo.size * geo.inner;
    for (int64_t j = 0; j < geo.inner; ++j) {
      T s = 0;
      for (int64_t d = 0; d < geo.size; ++d) {
        const int64_t k = base + d * geo.inner + j;
        s = Log ? T(s + g[k]) : std::fma(g[k], y[k], s);
      }
      for (int64_t d = 0; d < geo.size; ++d) {
        const int64_t k = base + d * geo.inner + j;
        out[k] = Log ? std::fma(-column_exp(y[k], j < ve), s, g[k]) : T(y[k] * T(g[k] - s));
      }
    }
  }
}

const char* dtype_word(DType t) { return t == DType::Bool ? "Bool" : "Long"; }

template <bool Log>
Tensor softmax_forward(const Tensor& input, int dim) {
  const Tensor x = contiguous_data(input);
  const Shape shape = input.dim() == 0 ? Shape{1} : input.sizes();
  Tensor out = empty(input.sizes(), input.dtype());
  if (input.numel() == 0) return out;
  const bool last = dim == shape.size() - 1;
  const Geometry g = geometry(shape, dim);
  kernel::dispatch(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      if (last)
        forward_lastdim<T, Log>(x.data<T>(), out.data<T>(), g.outer, g.size);
      else
        forward_dim<T, Log>(x.data<T>(), out.data<T>(), g);
    }
  });
  return out;
}

// Input (self); saved the result; ints[0] = the wrapped dim.
template <bool Log>
void softmax_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor y = contiguous_data(n.saved_tensor(0));
  const Tensor g = contiguous_data(cast_data(gout[0], y.dtype()));
  const int dim = int(n.ints[0]);
  const Shape shape = y.dim() == 0 ? Shape{1} : y.sizes();
  Tensor out = empty(y.sizes(), y.dtype());
  if (y.numel() == 0) {
    gin[0] = out;
    return;
  }
  const Geometry geo = geometry(shape, dim);
  kernel::dispatch(y.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      if (dim == shape.size() - 1)
        backward_lastdim<T, Log>(g.data<T>(), y.data<T>(), out.data<T>(), geo.outer, geo.size);
      else
        backward_dim<T, Log>(g.data<T>(), y.data<T>(), out.data<T>(), geo);
    }
  });
  gin[0] = out;
}

template <bool Log>
Tensor softmax_op(const Tensor& input, int64_t dim) {
  const int d = wrap_dim(dim, input.dim() == 0 ? 1 : input.dim());
  if (!is_floating(input.dtype())) {
    const bool last = d == (input.dim() == 0 ? 0 : input.dim() - 1);
    const char* kernel =
        last ? (Log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl")
             : "softmax_kernel_impl";
    runtime_error(std::string("\"") + kernel + "\" not implemented for '" +
                  dtype_word(input.dtype()) + "'");
  }
  Tensor out = softmax_forward<Log>(input, d);
  if (Node* n =
          record(Log ? OpId::LogSoftmax : OpId::Softmax, softmax_backward<Log>, {&input}, {&out})) {
    n->save_output(out);
    n->ints = {d};
  }
  return out;
}

}  // namespace

Tensor softmax(const Tensor& input, int64_t dim) { return softmax_op<false>(input, dim); }
Tensor log_softmax(const Tensor& input, int64_t dim) { return softmax_op<true>(input, dim); }

}  // namespace gradlab
