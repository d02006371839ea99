// Reductions, part 3: max/min (whole tensor, and along a dim with indices), argmax/argmin,
// any/all. Semantics of PyTorch 1.13's CPU kernels: NaN wins (the first NaN along a dim),
// ties give the first index, and max()/min() of a whole tensor spread the gradient evenly
// over every element equal to the result.
#include <cmath>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/reduce_iter.h"

namespace gradlab {

using namespace reduce_detail;

namespace {

template <typename T>
inline bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

// Calls f(input offset of the line's first element, stride along dim, n, output index) for
// each line along `dim`, outputs in row-major order.
template <typename F>
void for_each_line(const Tensor& a, int dim, F&& f) {
  DimMask mask;
  if (a.dim() > 0) mask.reduced[dim] = true;
  const SplitPlan sp = make_split(a.sizes(), a.strides(), mask);
  const int64_t n = a.dim() == 0 ? 1 : a.sizes()[dim];
  const int64_t stride = a.dim() == 0 ? 0 : a.strides()[dim];
  for_each_offset(sp.outer, a->offset, [&](int64_t off, int64_t k) { f(off, stride, n, k); });
}

// The (value, index) a max/min along a line settles on: torch's compare_base_kernel loop.
template <typename T, bool kMax>
inline void best_in_line(const T* p, int64_t stride, int64_t n, T& value, int64_t& index) {
  T best = p[0];
  int64_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    const T v = p[i * stride];
    const bool replace = kMax ? !(v <= best) : !(v >= best);
    if (replace) {
      best = v;
      at = i;
      if (is_nan(v)) break;
    }
  }
  value = best;
  index = at;
}

// argmax/argmin's accumulation (ArgMaxOps / ArgMinOps): the first NaN, else the first extreme.
template <typename T, bool kMax>
inline int64_t arg_in_line(const T* p, int64_t stride, int64_t n) {
  T best = p[0];
  int64_t at = 0;
  for (int64_t i = 1; i < n; ++i) {
    const T v = p[i * stride];
    if (is_nan(best)) break;
    if (is_nan(v) || (kMax ? v > best : v < best)) {
      best = v;
      at = i;
    }
  }
  return at;
}

template <bool kMax>
ValuesIndices minmax_dim_kernel(const Tensor& a, int dim, bool keepdim) {
  DimMask mask;
  if (a.dim() > 0) mask.reduced[dim] = true;
  const Shape shape = reduced_shape(a.sizes(), mask, keepdim);
  ValuesIndices r{empty(shape, a.dtype()), empty(shape, DType::Int64)};
  int64_t* idx = r.indices.data<int64_t>();
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* src = static_cast<const T*>(a->storage->data);
    T* val = r.values.data<T>();
    for_each_line(a, dim, [&](int64_t off, int64_t stride, int64_t n, int64_t k) {
      best_in_line<T, kMax>(src + off, stride, n, val[k], idx[k]);
    });
  };
  switch (a.dtype()) {
    case DType::Bool:
      run(uint8_t());
      break;
    case DType::Int64:
      run(int64_t());
      break;
    case DType::Float32:
      run(float());
      break;
    case DType::Float64:
      run(double());
      break;
  }
  return r;
}

// The value of max()/min() over every element (NaN if any is NaN).
template <bool kMax>
Tensor minmax_all_kernel(const Tensor& a) {
  Tensor out = empty(Shape{}, a.dtype());
  const Tensor c = contiguous_data(a);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* p = c.data<T>();
    T best = p[0];
    for (int64_t i = 1; i < c.numel() && !is_nan(best); ++i) {
      const T v = p[i];
      if (is_nan(v) || (kMax ? v > best : v < best)) best = v;
    }
    *out.data<T>() = best;
  };
  switch (a.dtype()) {
    case DType::Bool:
      run(uint8_t());
      break;
    case DType::Int64:
      run(int64_t());
      break;
    case DType::Float32:
      run(float());
      break;
    case DType::Float64:
      run(double());
      break;
  }
  return out;
}

// Gradient of max()/min() of a whole tensor: grad / count at every element equal to the
// result (or NaN when the result is NaN), zero elsewhere (evenly_distribute_backward).
void evenly_distribute_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor input = n.saved_tensor(0), value = n.saved_tensor(1);
  const bool value_nan = std::isnan(element_as_double(value, 0));
  const Tensor mask = value_nan ? isnan(input) : compare(input, value, CmpOp::Eq);
  const Tensor count = sum(mask);
  const Tensor share = div(gout[0], count);
  gin[0] = where(mask, share, zeros_like(input));
}

// Gradient of max/min along a dim: the incoming gradient at each selected index.
void value_selecting_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& in_sizes = n.shapes[0];
  const int dim = int(n.ints[0]);
  const bool keepdim = n.ints[1] != 0;
  const Tensor indices = n.saved_tensor(0);
  Tensor g = contiguous_data(cast_data(gout[0], n.dtypes[0]));
  Tensor out = zeros(in_sizes, n.dtypes[0]);
  if (in_sizes.size() == 0) {
    copy_into(out, g);
    gin[0] = out;
    return;
  }
  // Every output position k maps to (outer, inner) around dim; its index picks the row.
  const int64_t n_dim = in_sizes[dim];
  int64_t inner = 1;
  for (int d = dim + 1; d < in_sizes.size(); ++d) inner *= in_sizes[d];
  const Tensor ic = contiguous_data(indices);
  const int64_t* ip = ic.data<int64_t>();
  const int64_t m = ic.numel();
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* gp = g.data<T>();
    T* op = out.data<T>();
    for (int64_t k = 0; k < m; ++k) {
      const int64_t o = k / inner, i = k % inner;
      op[(o * n_dim + ip[k]) * inner + i] = gp[k];
    }
  };
  (void)keepdim;  // the positions are the same with or without the kept dim
  if (out.dtype() == DType::Float32)
    run(float());
  else
    run(double());
  gin[0] = out;
}

int check_dim_nonempty(const Tensor& a, int64_t dim, const char* name) {
  const int d = wrap_dim(dim, a.dim());
  if (a.dim() > 0 && a.sizes()[d] == 0)
    index_error(std::string(name) + "(): Expected reduction dim " + std::to_string(d) +
                " to have non-zero size.");
  return d;
}

template <bool kMax>
Tensor minmax_all(const Tensor& a) {
  const char* name = kMax ? "max" : "min";
  if (a.numel() == 0)
    runtime_error(std::string(name) +
                  "(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                  "the reduction dim with the 'dim' argument.");
  Tensor out = minmax_all_kernel<kMax>(a);
  if (Node* n = record(kMax ? OpId::Max : OpId::Min, evenly_distribute_backward, {&a}, {&out})) {
    n->save(a);
    n->save_output(out);
  }
  return out;
}

template <bool kMax>
ValuesIndices minmax_dim(const Tensor& a, int64_t dim, bool keepdim) {
  const int d = check_dim_nonempty(a, dim, kMax ? "max" : "min");
  ValuesIndices r = minmax_dim_kernel<kMax>(a, d, keepdim);
  if (Node* n =
          record(kMax ? OpId::MaxDim : OpId::MinDim, value_selecting_backward, {&a}, {&r.values})) {
    n->save(r.indices);
    n->shapes = {a.sizes()};
    n->dtypes = {a.dtype()};
    n->ints = {d, keepdim};
  }
  return r;
}

template <bool kMax>
Tensor arg_reduce(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  const char* name = kMax ? "argmax" : "argmin";
  if (a.dtype() == DType::Bool)
    runtime_error(std::string("\"") + name + "_cpu\" not implemented for 'Bool'");
  int d = 0;
  Tensor in = a;
  if (dim) {
    d = check_dim_nonempty(a, *dim, name);
  } else {
    if (a.numel() == 0)
      index_error(std::string(name) +
                  "(): Expected reduction dim to be specified for input.numel() == 0.");
    in = make_view(contiguous_data(a), Shape{a.numel()}, Shape{1}, 0);
  }
  DimMask mask;
  if (in.dim() > 0) mask.reduced[d] = true;
  Shape shape = reduced_shape(in.sizes(), mask, keepdim);
  if (!dim) {  // over every element: shape [] or, with keepdim, a 1 per input dim
    shape = Shape{};
    if (keepdim) shape.resize(a.dim(), 1);
  }
  Tensor out = empty(shape, DType::Int64);
  int64_t* op = out.data<int64_t>();
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* src = static_cast<const T*>(in->storage->data);
    for_each_line(in, d, [&](int64_t off, int64_t stride, int64_t n, int64_t k) {
      op[k] = arg_in_line<T, kMax>(src + off, stride, n);
    });
  };
  switch (in.dtype()) {
    case DType::Bool:
      run(uint8_t());
      break;
    case DType::Int64:
      run(int64_t());
      break;
    case DType::Float32:
      run(float());
      break;
    case DType::Float64:
      run(double());
      break;
  }
  return out;
}

// any/all: a bool result; floats count as true when != 0 (NaN is true).
template <bool kAny>
Tensor any_all(const Tensor& a, const DimMask& mask, bool keepdim) {
  Tensor out = empty(reduced_shape(a.sizes(), mask, keepdim), DType::Bool);
  uint8_t* op = out.data<uint8_t>();
  for (int64_t i = 0; i < out.numel(); ++i) op[i] = kAny ? 0 : 1;
  const SplitPlan sp = make_split(a.sizes(), a.strides(), mask);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* src = static_cast<const T*>(a->storage->data);
    for_each_offset(sp.outer, a->offset, [&](int64_t base, int64_t k) {
      for_each_offset(sp.inner, base, [&](int64_t off, int64_t) {
        const bool t = src[off] != T(0);
        if (kAny)
          op[k] |= t;
        else
          op[k] &= t;
      });
    });
  };
  switch (a.dtype()) {
    case DType::Bool:
      run(uint8_t());
      break;
    case DType::Int64:
      run(int64_t());
      break;
    case DType::Float32:
      run(float());
      break;
    case DType::Float64:
      run(double());
      break;
  }
  return out;
}

}  // namespace

Tensor max(const Tensor& a) { return minmax_all<true>(a); }
Tensor min(const Tensor& a) { return minmax_all<false>(a); }
ValuesIndices max(const Tensor& a, int64_t dim, bool keepdim) {
  return minmax_dim<true>(a, dim, keepdim);
}
ValuesIndices min(const Tensor& a, int64_t dim, bool keepdim) {
  return minmax_dim<false>(a, dim, keepdim);
}
Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce<true>(a, dim, keepdim);
}
Tensor argmin(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce<false>(a, dim, keepdim);
}

Tensor any(const Tensor& a) { return any_all<true>(a, make_dim_mask({}, a.dim()), false); }
Tensor all(const Tensor& a) { return any_all<false>(a, make_dim_mask({}, a.dim()), false); }
Tensor any(const Tensor& a, int64_t dim, bool keepdim) {
  return any_all<true>(a, make_dim_mask({dim}, a.dim()), keepdim);
}
Tensor all(const Tensor& a, int64_t dim, bool keepdim) {
  return any_all<false>(a, make_dim_mask({dim}, a.dim()), keepdim);
}

}  // namespace gradlab
