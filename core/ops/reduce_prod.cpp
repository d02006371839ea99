// Reductions, part 2: prod and cumsum.
//
// prod runs PyTorch 1.13's binary_kernel_reduce_vec (aten/src/ATen/native/cpu/Reduce.h) order:
// the output starts at 1; a contiguous inner reduction multiplies 4 vectors of 8 floats (4
// doubles) lane by lane over blocks of 32 (16) elements, folds them, then the tail one by
// one; a contiguous outer reduction keeps one accumulator per column.
// cumsum, like torch's cpu_cum_base_kernel, accumulates in double (int64 for integers) and
// rounds each prefix to the output dtype.
#include <cmath>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/reduce_iter.h"

namespace gradlab {

using namespace reduce_detail;

namespace {

template <typename T>
constexpr int kVecLanes = 32 / int(sizeof(T));  // AVX2 Vectorized<T>

// out = out * in along one slab, in binary_kernel_reduce_vec's order.
template <typename T>
void prod_slab(const T* in, T* out, const Slab& s) {
  constexpr int V = kVecLanes<T>;
  in += s.in;
  out += s.out;
  if (s.out_s0 == 0 && s.in_s0 == 1) {  // contiguous inner reduction
    for (int64_t j = 0; j < s.size1; ++j) {
      const T* row = in + j * s.in_s1;
      T* dst = out + j * s.out_s1;
      const int64_t count = s.size0 / (4 * V);
      if (count > 0) {
        T acc[4][V];
        for (int k = 0; k < 4; ++k)
          for (int l = 0; l < V; ++l) acc[k][l] = row[k * V + l];
        for (int64_t i = 1; i < count; ++i)
          for (int k = 0; k < 4; ++k)
            for (int l = 0; l < V; ++l) acc[k][l] = acc[k][l] * row[i * 4 * V + k * V + l];
        T buf[V];
        for (int l = 0; l < V; ++l) buf[l] = (acc[0][l] * acc[1][l]) * (acc[2][l] * acc[3][l]);
        for (int l = 1; l < V; ++l) buf[0] = buf[0] * buf[l];
        *dst = *dst * buf[0];
      }
      for (int64_t i = count * 4 * V; i < s.size0; ++i) *dst = *dst * row[i];
    }
  } else if (s.out_s0 == 0 && s.out_s1 == 1 && s.in_s1 == 1) {  // contiguous outer reduction
    int64_t j = 0;
    for (; j + 4 * V <= s.size1; j += 4 * V) {
      T acc[4 * V];
      for (int l = 0; l < 4 * V; ++l) acc[l] = in[j + l];
      for (int64_t i = 1; i < s.size0; ++i)
        for (int l = 0; l < 4 * V; ++l) acc[l] = acc[l] * in[i * s.in_s0 + j + l];
      for (int l = 0; l < 4 * V; ++l) out[j + l] = acc[l] * out[j + l];
    }
    for (; j < s.size1; ++j)
      for (int64_t i = 0; i < s.size0; ++i) out[j] = out[j] * in[i * s.in_s0 + j];
  } else {
    for (int64_t j = 0; j < s.size1; ++j)
      for (int64_t i = 0; i < s.size0; ++i) {
        T& o = out[j * s.out_s1 + i * s.out_s0];
        o = o * in[j * s.in_s1 + i * s.in_s0];
      }
  }
}

// Product of `in` (float32, float64 or int64) over the mask, into a fresh tensor of `shape`
// (the reduced shape, with or without kept dims).
Tensor prod_kernel(const Tensor& in, const DimMask& mask, const Shape& shape) {
  Tensor out = empty(shape, in.dtype());
  const int64_t n = out.numel();
  auto run = [&](auto zero) {
    using T = decltype(zero);
    T* dst = out.data<T>();
    for (int64_t i = 0; i < n; ++i) dst[i] = T(1);
    if (in.numel() == 0) return;
    const T* src = static_cast<const T*>(in->storage->data);
    const ReducePlan plan = make_plan(in.sizes(), in.strides(), mask);
    if constexpr (std::is_same_v<T, int64_t>) {  // wrapping integer product: order-free
      uint64_t* d = reinterpret_cast<uint64_t*>(dst);
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) {
        for (int64_t j = 0; j < s.size1; ++j)
          for (int64_t i = 0; i < s.size0; ++i)
            d[s.out + j * s.out_s1 + i * s.out_s0] *=
                uint64_t(src[s.in + j * s.in_s1 + i * s.in_s0]);
      });
    } else {
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) { prod_slab(src, dst, s); });
    }
  };
  switch (in.dtype()) {
    case DType::Float32:
      run(float());
      break;
    case DType::Float64:
      run(double());
      break;
    default:
      run(int64_t());
      break;
  }
  return out;
}

// d prod / d x_i along `dim` when some x are zero: the product of the others, computed as
// PyTorch's prod_safe_zeros_backward does (exclusive cumprods from both ends, each a cumprod
// accumulated in double and rounded, multiplied together).
Tensor prod_safe_zeros_factor(const Tensor& input, int dim) {
  const Tensor x = contiguous_data(input);
  Tensor out = empty(x.sizes(), x.dtype());
  const int64_t n = x.sizes()[dim];
  int64_t inner = 1, outer = 1;
  for (int d = dim + 1; d < x.dim(); ++d) inner *= x.sizes()[d];
  for (int d = 0; d < dim; ++d) outer *= x.sizes()[d];
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < inner; ++k) {
        const T* p = src + o * n * inner + k;
        T* q = dst + o * n * inner + k;
        double acc = 1.0;
        for (int64_t i = 0; i < n; ++i) {  // exclusive_normal
          q[i * inner] = T(acc);
          acc *= double(p[i * inner]);
        }
        acc = 1.0;
        for (int64_t i = n - 1; i >= 0; --i) {  // times exclusive_reverse
          q[i * inner] = q[i * inner] * T(acc);
          acc *= double(p[i * inner]);
        }
      }
  };
  if (x.dtype() == DType::Float32)
    run(float());
  else
    run(double());
  return out;
}

int64_t count_zeros(const Tensor& t) {
  int64_t z = 0;
  for (double v : to_doubles(t)) z += v == 0.0;
  return z;
}

}  // namespace

// --- prod --------------------------------------------------------------------------------------
static void prod_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor input = n.saved_tensor(0), result = n.saved_tensor(1);
  if (input.dim() == 0) {
    gin[0] = gout[0];
    return;
  }
  const std::vector<int64_t> all(size_t(input.dim()), 1);
  const Tensor g = expand_reduced_grad(gout[0], input.sizes(), all, false);
  const int64_t zeros = count_zeros(input);
  if (zeros == 0) {
    gin[0] = mul(g, div(result, input));
  } else if (zeros > 1) {
    gin[0] = zeros_like(input);
  } else {
    const Tensor flat = make_view(contiguous_data(input), Shape{input.numel()}, Shape{1}, 0);
    const Tensor f = prod_safe_zeros_factor(flat, 0);
    gin[0] = mul(g, make_view(f, input.sizes(), contiguous_strides(input.sizes()), 0));
  }
}

Tensor prod(const Tensor& a) {
  const DType dt = is_integral(a.dtype(), true) ? DType::Int64 : a.dtype();
  Tensor out = prod_kernel(cast_data(a, dt), make_dim_mask({}, a.dim()), Shape{});
  if (Node* n = record(OpId::Prod, prod_backward, {&a}, {&out})) {
    n->save(a);
    n->save_output(out);
  }
  return out;
}

static void prod_dim_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor input = n.saved_tensor(0), result = n.saved_tensor(1);
  if (input.dim() == 0) {
    gin[0] = gout[0];
    return;
  }
  const int dim = int(n.ints[0]);
  const bool keepdim = n.ints[1] != 0;
  std::vector<int64_t> mask(size_t(input.dim()), 0);
  mask[size_t(dim)] = 1;
  const Tensor g = expand_reduced_grad(gout[0], input.sizes(), mask, keepdim);
  if (count_zeros(input) == 0) {
    const Tensor r = expand_reduced_grad(result, input.sizes(), mask, keepdim);
    gin[0] = mul(g, div(r, input));
  } else {
    gin[0] = mul(g, prod_safe_zeros_factor(input, dim));
  }
}

Tensor prod(const Tensor& a, int64_t dim, bool keepdim) {
  const DType dt = is_integral(a.dtype(), true) ? DType::Int64 : a.dtype();
  const DimMask mask = make_dim_mask({dim}, a.dim());
  Tensor out = prod_kernel(cast_data(a, dt), mask, reduced_shape(a.sizes(), mask, keepdim));
  if (Node* n = record(OpId::ProdDim, prod_dim_backward, {&a}, {&out})) {
    n->save(a);
    n->save_output(out);
    n->ints = {a.dim() == 0 ? 0 : wrap_dim(dim, a.dim()), keepdim};
  }
  return out;
}

// --- cumsum ------------------------------------------------------------------------------------
namespace {

// Running sums along `dim` (forward, or from the end when `reverse`), accumulated in Acc.
template <typename T, typename Acc>
void cumsum_run(const Tensor& x, const Tensor& out, int dim, bool reverse) {
  const int64_t n = x.dim() == 0 ? 1 : x.sizes()[dim];
  const int64_t xs = x.dim() == 0 ? 0 : x.strides()[dim];
  const int64_t os = out.dim() == 0 ? 0 : out.strides()[dim];
  // every line along dim: iterate the other dims of x (out is contiguous, same shape)
  Shape rest_sizes, rest_x, rest_o;
  for (int d = 0; d < x.dim(); ++d)
    if (d != dim) {
      rest_sizes.push_back(x.sizes()[d]);
      rest_x.push_back(x.strides()[d]);
      rest_o.push_back(out.strides()[d]);
    }
  const T* src = static_cast<const T*>(x->storage->data);
  T* dst = out.data<T>();
  const int64_t lines = rest_sizes.numel();
  int64_t idx[kMaxDims] = {};
  int64_t xo = x->offset, oo = 0;
  for (int64_t l = 0; l < lines; ++l) {
    Acc acc = Acc(0);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = reverse ? n - 1 - k : k;
      acc += Acc(src[xo + i * xs]);
      dst[oo + i * os] = T(acc);
    }
    for (int d = rest_sizes.size() - 1; d >= 0; --d) {
      if (++idx[d] < rest_sizes[d]) {
        xo += rest_x[d];
        oo += rest_o[d];
        break;
      }
      xo -= rest_x[d] * (rest_sizes[d] - 1);
      oo -= rest_o[d] * (rest_sizes[d] - 1);
      idx[d] = 0;
    }
  }
}

Tensor cumsum_kernel(const Tensor& in, int dim, bool reverse) {
  Tensor out = empty(in.sizes(), in.dtype());
  if (in.numel() == 0) return out;
  switch (in.dtype()) {
    case DType::Float32:
      cumsum_run<float, double>(in, out, dim, reverse);
      break;
    case DType::Float64:
      cumsum_run<double, double>(in, out, dim, reverse);
      break;
    default:
      cumsum_run<int64_t, int64_t>(in, out, dim, reverse);
      break;
  }
  return out;
}

}  // namespace

static void cumsum_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor& g = gout[0];
  const int dim = int(n.ints[0]);
  if (g.numel() <= 1 || (g.dim() > 0 && g.sizes()[dim] == 1)) {
    gin[0] = g;
    return;
  }
  gin[0] = cumsum_kernel(g, dim, /*reverse=*/true);
}

Tensor cumsum(const Tensor& a, int64_t dim) {
  const int d = wrap_dim(dim, a.dim());
  const DType dt = is_integral(a.dtype(), true) ? DType::Int64 : a.dtype();
  Tensor out = cumsum_kernel(cast_data(a, dt), d, false);
  if (Node* n = record(OpId::Cumsum, cumsum_backward, {&a}, {&out})) n->ints = {d};
  return out;
}

}  // namespace gradlab
