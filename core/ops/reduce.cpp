// Reductions, part 1: sum (and sum_to, which every broadcasting backward uses), mean, and the
// iteration plan all reductions share (reduce_iter.h). Part 2 (reduce_prod.cpp): prod, cumsum;
// part 3 (reduce_minmax.cpp): max, min, argmax, argmin, any, all; part 4 (reduce_stats.cpp):
// var, std, norm.
//
// Float sums reproduce PyTorch 1.13's CPU kernel bit for bit (aten/src/ATen/native/cpu/
// SumKernel.cpp, as Debian's build dispatches it: AVX2, so 8 float / 4 double lanes): the
// output starts at 0, each output element's inputs are summed by a cascade of accumulators
// (multi_row_sum / row_sum) in the layout TensorIterator gives the reduction, and the result
// is added to the output. Lanes are emulated with small fixed arrays (no allocation).
#include <algorithm>
#include <cmath>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/reduce_iter.h"

namespace gradlab {
namespace reduce_detail {

DimMask make_dim_mask(const std::vector<int64_t>& dims, int ndim) {
  DimMask m;
  if (dims.empty()) {
    for (int d = 0; d < ndim; ++d) m.reduced[d] = true;
    return m;
  }
  bool seen0 = false;  // a 0-d tensor accepts dim 0 / -1 (once), with nothing to reduce
  for (int64_t d : dims) {
    const int w = wrap_dim(d, ndim);
    if (ndim == 0 ? seen0 : m.reduced[w])
      runtime_error("dim " + std::to_string(w) + " appears multiple times in the list of dims");
    if (ndim == 0)
      seen0 = true;
    else
      m.reduced[w] = true;
  }
  return m;
}

Shape reduced_shape(const Shape& sizes, const DimMask& mask, bool keepdim) {
  Shape out;
  for (int d = 0; d < sizes.size(); ++d) {
    if (!mask.reduced[d])
      out.push_back(sizes[d]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

// TensorIterator::reorder_dimensions: the permutation (perm[0] = innermost) for a reduction
// whose output (operand 0, stride 0 in reduced dims) and input have the given strides.
static void reorder(int nd, const int64_t* shape, const int64_t* out_st, const int64_t* in_st,
                    int* perm) {
  for (int i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  if (nd == 1) {
    perm[0] = 0;
    return;
  }
  auto should_swap = [&](int d0, int d1) -> int {
    // operand 0: the output; reduced dims (stride 0) go to the front
    int64_t s0 = out_st[d0], s1 = out_st[d1];
    if ((s0 == 0) != (s1 == 0)) return s1 == 0 ? 1 : -1;
    if (s0 != 0 && s1 != 0) {
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    // operand 1: the input
    s0 = in_st[d0];
    s1 = in_st[d1];
    if (s0 != 0 && s1 != 0) {
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (int i = 1; i < nd; ++i) {
    int dim1 = i;
    for (int dim0 = i - 1; dim0 >= 0; --dim0) {
      const int c = should_swap(perm[dim0], perm[dim1]);
      if (c > 0) {
        std::swap(perm[dim0], perm[dim1]);
        dim1 = dim0;
      } else if (c < 0) {
        break;
      }
    }
  }
}

// Output strides of a reduction in the input's dims: contiguous in the keepdim shape, 0 in
// the reduced dims whose input size is not 1 (TensorIterator's broadcast rule).
static void output_strides(const Shape& sizes, const DimMask& mask, int64_t* out) {
  int64_t acc = 1;
  for (int d = sizes.size() - 1; d >= 0; --d) {
    const int64_t s = mask.reduced[d] ? 1 : sizes[d];
    out[d] = (mask.reduced[d] && sizes[d] != 1) ? 0 : acc;
    acc *= s > 1 ? s : 1;
  }
}

ReducePlan make_plan(const Shape& sizes, const Shape& in_strides, const DimMask& mask) {
  const int nd = sizes.size();
  int64_t out_st[kMaxDims] = {};
  output_strides(sizes, mask, out_st);
  int perm[kMaxDims];
  reorder(nd, sizes.data(), out_st, in_strides.data(), perm);
  ReducePlan p;
  p.ndim = nd;
  for (int i = 0; i < nd; ++i) {
    p.shape[i] = sizes[perm[i]];
    p.in_stride[i] = in_strides[perm[i]];
    p.out_stride[i] = out_st[perm[i]];
  }
  // coalesce_dimensions
  if (nd <= 1) return p;
  int prev = 0;
  for (int d = 1; d < nd; ++d) {
    const bool can = p.shape[prev] == 1 || p.shape[d] == 1 ||
                     (p.shape[prev] * p.in_stride[prev] == p.in_stride[d] &&
                      p.shape[prev] * p.out_stride[prev] == p.out_stride[d]);
    if (can) {
      if (p.shape[prev] == 1) {
        p.in_stride[prev] = p.in_stride[d];
        p.out_stride[prev] = p.out_stride[d];
      }
      p.shape[prev] *= p.shape[d];
    } else {
      ++prev;
      if (prev != d) {
        p.in_stride[prev] = p.in_stride[d];
        p.out_stride[prev] = p.out_stride[d];
        p.shape[prev] = p.shape[d];
      }
    }
  }
  p.ndim = prev + 1;
  return p;
}

SplitPlan make_split(const Shape& sizes, const Shape& in_strides, const DimMask& mask) {
  const int nd = sizes.size();
  int64_t out_st[kMaxDims] = {};
  output_strides(sizes, mask, out_st);
  int perm[kMaxDims];
  reorder(nd, sizes.data(), out_st, in_strides.data(), perm);
  SplitPlan s;
  for (int i = 0; i < nd; ++i) {  // reduced dims in iterator order, innermost first
    const int d = perm[i];
    if (!mask.reduced[d] || sizes[d] == 1) continue;
    s.inner.shape[s.inner.ndim] = sizes[d];
    s.inner.stride[s.inner.ndim] = in_strides[d];
    ++s.inner.ndim;
  }
  for (int d = nd - 1; d >= 0; --d) {  // kept dims, last dim fastest (output row-major)
    if (mask.reduced[d]) continue;
    s.outer.shape[s.outer.ndim] = sizes[d];
    s.outer.stride[s.outer.ndim] = in_strides[d];
    ++s.outer.ndim;
  }
  for (int d = 0; d < s.inner.ndim; ++d) s.inner.numel *= s.inner.shape[d];
  for (int d = 0; d < s.outer.ndim; ++d) s.outer.numel *= s.outer.shape[d];
  return s;
}

// grad (reduced shape) broadcast back over the input's shape as a stride-0 view.
Tensor expand_reduced_grad(const Tensor& grad, const Shape& in_sizes,
                           const std::vector<int64_t>& ints, bool keepdim) {
  Shape st;
  st.resize(in_sizes.size());
  int gd = 0;
  for (int d = 0; d < in_sizes.size(); ++d) {
    const bool reduced = ints[size_t(d)] != 0;
    if (reduced) {
      st[d] = 0;
      if (keepdim) ++gd;
    } else {
      st[d] = grad.sizes()[gd] == 1 ? 0 : grad.strides()[gd];
      ++gd;
    }
  }
  return make_view(grad, in_sizes, st, grad->offset);
}

std::vector<int64_t> mask_ints(const DimMask& m, int nd) {
  std::vector<int64_t> v(static_cast<size_t>(nd), 0);
  for (int d = 0; d < nd; ++d) v[size_t(d)] = m.reduced[d] ? 1 : 0;
  return v;
}

Tensor cast_grad(const Tensor& g, DType dt) { return g.dtype() == dt ? g : cast_data(g, dt); }

}  // namespace reduce_detail

using namespace reduce_detail;

namespace {

// --- the cascade sum (SumKernel.cpp) --------------------------------------------------------
// AVX2 vector widths of Debian's build: Vectorized<float> has 8 lanes, Vectorized<double> 4.
template <typename T>
constexpr int kLanes = 32 / int(sizeof(T));

// utils::CeilLog2
inline int64_t ceil_log2(int64_t x) {
  if (x <= 2) return 1;
  uint64_t v = uint64_t(x) - 1;
  int64_t last = 63;
  while (!(v >> last)) --last;
  return last + 1;
}

// multi_row_sum: NR columns of W lanes each, summed over `size` rows by a cascade of 4
// levels of accumulators. load(i, k, l) returns row i, column k, lane l.
template <typename T, int NR, int W, typename Load>
inline void multi_row_sum(int64_t size, Load&& load, T (&ret)[NR][W]) {
  constexpr int kLevels = 4;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2(size) / kLevels);
  const int64_t level_step = int64_t(1) << level_power;
  const int64_t level_mask = level_step - 1;
  T acc[kLevels][NR][W];
  for (auto& a : acc)
    for (auto& b : a)
      for (T& c : b) c = T(0);
  int64_t i = 0;
  for (; i + level_step <= size;) {
    for (int64_t j = 0; j < level_step; ++j, ++i)
      for (int k = 0; k < NR; ++k)
        for (int l = 0; l < W; ++l) acc[0][k][l] += load(i, k, l);
    for (int j = 1; j < kLevels; ++j) {
      for (int k = 0; k < NR; ++k)
        for (int l = 0; l < W; ++l) {
          acc[j][k][l] += acc[j - 1][k][l];
          acc[j - 1][k][l] = T(0);
        }
      const int64_t mask = level_mask << (j * level_power);
      if ((i & mask) != 0) break;
    }
  }
  for (; i < size; ++i)
    for (int k = 0; k < NR; ++k)
      for (int l = 0; l < W; ++l) acc[0][k][l] += load(i, k, l);
  for (int j = 1; j < kLevels; ++j)
    for (int k = 0; k < NR; ++k)
      for (int l = 0; l < W; ++l) acc[0][k][l] += acc[j][k][l];
  for (int k = 0; k < NR; ++k)
    for (int l = 0; l < W; ++l) ret[k][l] = acc[0][k][l];
}

// row_sum: one column of W lanes over `size` rows, read as a (-1, 4) array whose 4 partial
// sums are combined at the end. load(i, l) returns row i, lane l.
template <typename T, int W, typename Load>
inline void row_sum(int64_t size, Load&& load, T (&ret)[W]) {
  constexpr int kIlp = 4;
  const int64_t size_ilp = size / kIlp;
  T partial[kIlp][W];
  multi_row_sum<T, kIlp, W>(
      size_ilp, [&](int64_t i, int k, int l) { return load(i * kIlp + k, l); }, partial);
  for (int64_t i = size_ilp * kIlp; i < size; ++i)
    for (int l = 0; l < W; ++l) partial[0][l] += load(i, l);
  for (int k = 1; k < kIlp; ++k)
    for (int l = 0; l < W; ++l) partial[0][l] += partial[k][l];
  for (int l = 0; l < W; ++l) ret[l] = partial[0][l];
}

// cascade_sum's 2-D loop body for one slab; `out` already holds its starting value (0).
template <typename T>
void cascade_sum_slab(const T* in, T* out, Slab s) {
  constexpr int V = kLanes<T>;
  int64_t in_s[2] = {s.in_s0, s.in_s1};
  int64_t out_s[2] = {s.out_s0, s.out_s1};
  int64_t size0 = s.size0, size1 = s.size1;
  in += s.in;
  out += s.out;
  if (out_s[0] != 0 && out_s[1] == 0) {  // move the reduction to dim 0
    std::swap(in_s[0], in_s[1]);
    std::swap(out_s[0], out_s[1]);
    std::swap(size0, size1);
  }
  if (out_s[0] != 0 && out_s[1] != 0) {  // not a reduction (reduced dims of size 1)
    for (int64_t j = 0; j < size1; ++j)
      for (int64_t i = 0; i < size0; ++i)
        out[j * out_s[1] + i * out_s[0]] =
            out[j * out_s[1] + i * out_s[0]] + in[j * in_s[1] + i * in_s[0]];
    return;
  }
  const int64_t os = out_s[1];
  if (in_s[0] == 1 && size0 >= V) {
    // vectorized_inner_sum: rows contiguous; vectors of V, a scalar tail, then the lanes.
    const int64_t vec_size = size0 / V;
    for (int64_t j = 0; j < size1; ++j) {
      const T* row = in + j * in_s[1];
      T vacc[V];
      row_sum<T, V>(
          vec_size, [&](int64_t i, int l) { return row[i * V + l]; }, vacc);
      T final_acc = T(0);
      for (int64_t k = vec_size * V; k < size0; ++k) final_acc += row[k];
      for (int l = 0; l < V; ++l) final_acc += vacc[l];
      out[j * os] += final_acc;
    }
  } else if (in_s[1] == 1 && size1 >= V) {
    // vectorized_outer_sum: columns contiguous; blocks of 4 vectors, then vectors, then scalars.
    const int64_t stride0 = in_s[0];
    int64_t j = 0;
    for (; j + 4 * V <= size1; j += 4 * V) {
      T sums[4][V];
      multi_row_sum<T, 4, V>(
          size0, [&](int64_t i, int k, int l) { return in[i * stride0 + j + k * V + l]; }, sums);
      for (int k = 0; k < 4; ++k)
        for (int l = 0; l < V; ++l) out[(j + k * V + l) * os] += sums[k][l];
    }
    for (; j + V <= size1; j += V) {
      T sums[V];
      row_sum<T, V>(
          size0, [&](int64_t i, int l) { return in[i * stride0 + j + l]; }, sums);
      for (int l = 0; l < V; ++l) out[(j + l) * os] += sums[l];
    }
    for (; j < size1; ++j) {
      T r[1];
      row_sum<T, 1>(
          size0, [&](int64_t i, int) { return in[i * stride0 + j]; }, r);
      out[j * os] += r[0];
    }
  } else if (in_s[0] < in_s[1]) {
    // scalar_inner_sum
    for (int64_t j = 0; j < size1; ++j) {
      const T* row = in + j * in_s[1];
      T r[1];
      row_sum<T, 1>(
          size0, [&](int64_t i, int) { return row[i * in_s[0]]; }, r);
      out[j * os] += r[0];
    }
  } else {
    // scalar_outer_sum: 4 columns at a time, then one by one
    int64_t j = 0;
    for (; j + 3 < size1; j += 4) {
      const T* col = in + j * in_s[1];
      T sums[4][1];
      multi_row_sum<T, 4, 1>(
          size0, [&](int64_t i, int k, int) { return col[i * in_s[0] + k * in_s[1]]; }, sums);
      for (int k = 0; k < 4; ++k) out[(j + k) * os] += sums[k][0];
    }
    for (; j < size1; ++j) {
      const T* col = in + j * in_s[1];
      T r[1];
      row_sum<T, 1>(
          size0, [&](int64_t i, int) { return col[i * in_s[0]]; }, r);
      out[j * os] += r[0];
    }
  }
}

// Sums `in` (already of the output dtype) over the mask into a fresh tensor of `shape` (the
// reduced shape with or without kept dims: the same contiguous layout either way).
Tensor sum_kernel(const Tensor& in, const DimMask& mask, const Shape& shape) {
  Tensor out = empty(shape, in.dtype());  // zero-filled
  if (in.numel() == 0 || out.numel() == 0) return out;
  const ReducePlan plan = make_plan(in.sizes(), in.strides(), mask);
  switch (in.dtype()) {
    case DType::Float32: {
      const float* src = static_cast<const float*>(in->storage->data);
      float* dst = out.data<float>();
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) { cascade_sum_slab(src, dst, s); });
      break;
    }
    case DType::Float64: {
      const double* src = static_cast<const double*>(in->storage->data);
      double* dst = out.data<double>();
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) { cascade_sum_slab(src, dst, s); });
      break;
    }
    case DType::Int64: {  // exact (wrapping) integer sums: the order does not matter
      const int64_t* src = static_cast<const int64_t*>(in->storage->data);
      uint64_t* dst = reinterpret_cast<uint64_t*>(out.data<int64_t>());
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) {
        for (int64_t j = 0; j < s.size1; ++j)
          for (int64_t i = 0; i < s.size0; ++i)
            dst[s.out + j * s.out_s1 + i * s.out_s0] +=
                uint64_t(src[s.in + j * s.in_s1 + i * s.in_s0]);
      });
      break;
    }
    case DType::Bool: {  // only reached by any/all-style callers; sum casts bool to int64
      const uint8_t* src = static_cast<const uint8_t*>(in->storage->data);
      uint8_t* dst = out.data<uint8_t>();
      for_each_slab(plan, in->offset, 0, [&](const Slab& s) {
        for (int64_t j = 0; j < s.size1; ++j)
          for (int64_t i = 0; i < s.size0; ++i)
            dst[s.out + j * s.out_s1 + i * s.out_s0] |= src[s.in + j * s.in_s1 + i * s.in_s0];
      });
      break;
    }
  }
  return out;
}

// The dtype of sum(a): the requested one, else int64 for bool/int, else a's.
DType sum_dtype(const Tensor& a, std::optional<DType> dtype) {
  if (dtype) return *dtype;
  return is_integral(a.dtype(), true) ? DType::Int64 : a.dtype();
}

}  // namespace

// --- sum_to ------------------------------------------------------------------------------------
Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int nd = grad.dim(), lead = nd - shape.size();
  if (lead < 0)
    runtime_error("sum_to: cannot sum a gradient of shape " + grad.sizes().str() + " to shape " +
                  shape.str());
  DimMask mask;
  for (int d = 0; d < nd; ++d) {
    if (d < lead)
      mask.reduced[d] = true;
    else if (shape[d - lead] == 1 && grad.sizes()[d] != 1)
      mask.reduced[d] = true;
    else if (shape[d - lead] != grad.sizes()[d])
      runtime_error("sum_to: cannot sum a gradient of shape " + grad.sizes().str() + " to shape " +
                    shape.str());
  }
  return sum_kernel(grad, mask, shape);
}

// --- sum -------------------------------------------------------------------------------------
static void sum_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in_sizes = n.shapes[0];
  std::vector<int64_t> all(size_t(in_sizes.size()), 1);
  gin[0] = cast_grad(expand_reduced_grad(gout[0], in_sizes, all, false), n.dtypes[0]);
}

Tensor sum(const Tensor& a, std::optional<DType> dtype) {
  const DType dt = sum_dtype(a, dtype);
  DimMask mask = make_dim_mask({}, a.dim());
  Tensor out = sum_kernel(cast_data(a, dt), mask, Shape{});
  if (Node* n = record(OpId::Sum, sum_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->dtypes = {a.dtype()};
  }
  return out;
}

static void sum_dim_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const bool keepdim = n.ints.back() != 0;
  std::vector<int64_t> mask(n.ints.begin(), n.ints.end() - 1);
  gin[0] = cast_grad(expand_reduced_grad(gout[0], n.shapes[0], mask, keepdim), n.dtypes[0]);
}

Tensor sum(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim,
           std::optional<DType> dtype) {
  const DType dt = sum_dtype(a, dtype);
  const DimMask mask = make_dim_mask(dims, a.dim());
  Tensor out = sum_kernel(cast_data(a, dt), mask, reduced_shape(a.sizes(), mask, keepdim));
  if (Node* n = record(OpId::SumDim, sum_dim_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->dtypes = {a.dtype()};
    n->ints = mask_ints(mask, a.dim());
    n->ints.push_back(keepdim);
  }
  return out;
}

// --- mean ------------------------------------------------------------------------------------
static void check_mean_dtype(const Tensor& a) {
  if (!is_floating(a.dtype()))
    runtime_error(
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: " +
        std::string(a.dtype() == DType::Bool ? "Bool" : "Long"));
}

// NOTE: PyTorch's CPU mean is sum(...).div_(count): the float sum divided by the count as a
// float scalar. Done in place on the fresh sum here (no second allocation).
static void divide_by_count(Tensor& out, int64_t count) {
  if (out.dtype() == DType::Float32) {
    float* p = out.data<float>();
    const float c = float(count);
    for (int64_t i = 0; i < out.numel(); ++i) p[i] = p[i] / c;
  } else {
    double* p = out.data<double>();
    const double c = double(count);
    for (int64_t i = 0; i < out.numel(); ++i) p[i] = p[i] / c;
  }
}

static void mean_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in_sizes = n.shapes[0];
  std::vector<int64_t> all(size_t(in_sizes.size()), 1);
  Tensor g = expand_reduced_grad(gout[0], in_sizes, all, false);
  gin[0] = div(g, wrapped_scalar(Scalar::from_int(in_sizes.numel())));
}

Tensor mean(const Tensor& a) {
  check_mean_dtype(a);
  Tensor out = sum_kernel(a, make_dim_mask({}, a.dim()), Shape{});
  divide_by_count(out, a.numel());
  if (Node* n = record(OpId::Mean, mean_backward, {&a}, {&out})) n->shapes = {a.sizes()};
  return out;
}

static void mean_dim_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const bool keepdim = n.ints.back() != 0;
  std::vector<int64_t> mask(n.ints.begin(), n.ints.end() - 1);
  int64_t count = 1;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) count *= n.shapes[0][int(d)];
  Tensor g = expand_reduced_grad(gout[0], n.shapes[0], mask, keepdim);
  gin[0] = div(g, wrapped_scalar(Scalar::from_int(count)));
}

Tensor mean(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim) {
  check_mean_dtype(a);
  const DimMask mask = make_dim_mask(dims, a.dim());
  Tensor out = sum_kernel(a, mask, reduced_shape(a.sizes(), mask, keepdim));
  int64_t count = 1;
  for (int d = 0; d < a.dim(); ++d)
    if (mask.reduced[d]) count *= a.sizes()[d];
  divide_by_count(out, count);
  if (Node* n = record(OpId::MeanDim, mean_dim_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->ints = mask_ints(mask, a.dim());
    n->ints.push_back(keepdim);
  }
  return out;
}

}  // namespace gradlab
