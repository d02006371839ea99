// Reductions, part 4: var, std and norm, computed as PyTorch 1.13's CPU kernels do so the
// float results round identically:
// - var/std with one output element (std_var_all_cpu, ReduceOps.cpp): the float mean (sum /
//   n) taken to double, then the sum of (x - mean)^2 in double, slab by slab in
//   TensorIterator order, divided by n - correction in double.
// - var/std with several outputs (std_var_kernel_impl): Welford in double per output, in
//   TensorIterator order; Debian's AVX2 build fuses `m2 + delta * new_delta` into an FMA.
// - norm (norm_kernel_tensor_iterator_impl): p=2 over a contiguous last dim of float32 uses 8
//   fused lane accumulators, a left fold, then the tail in groups of 4 (squares rounded, added
//   in order) and single fused steps; every other reduction accumulates one element at a
//   time in the input's precision (fused multiply-add for p=2).
// The gradients follow torch/csrc/autograd/FunctionsManual.cpp (var_backward, std_backward,
// norm_backward), composed from the elementwise ops.
#include <cmath>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/reduce_iter.h"

namespace gradlab {

using namespace reduce_detail;

namespace {

// --- var / std -----------------------------------------------------------------------------
// The variance (or its square root) of float T data as double, for one output element.
template <typename T>
double var_all(const Tensor& a, int64_t correction, bool take_sqrt) {
  const double m = element_as_double(mean(alias_detached(a)), 0);
  const ReducePlan plan = make_plan(a.sizes(), a.strides(), make_dim_mask({}, a.dim()));
  const T* src = static_cast<const T*>(a->storage->data);
  double total = 0.0;
  for_each_slab(plan, a->offset, 0, [&](const Slab& s) {
    double local = 0.0;
    for (int64_t i = 0; i < s.size1; ++i)
      for (int64_t j = 0; j < s.size0; ++j) {
        const double dx = double(src[s.in + i * s.in_s1 + j * s.in_s0]) - m;
        local += dx * dx;
      }
    total += local;
  });
  const int64_t dof = std::max<int64_t>(0, a.numel() - correction);
  const double var = total / double(dof);
  return take_sqrt ? std::sqrt(var) : var;
}

template <typename T>
double var_welford(const T* p, const SubIter& inner, int64_t base, int64_t correction,
                   bool take_sqrt) {
  double mean = 0.0, m2 = 0.0;
  int64_t n = 0;
  for_each_offset(inner, base, [&](int64_t off, int64_t) {
    const double x = double(p[off]);
    const double delta = x - mean;
    const double new_mean = mean + delta / double(n + 1);
    const double new_delta = x - new_mean;
    m2 = std::fma(delta, new_delta, m2);
    mean = new_mean;
    ++n;
  });
  const double nf = double(n);
  const double divisor = nf > double(correction) ? nf - double(correction) : 0.0;
  const double var = m2 / divisor;
  return take_sqrt ? std::sqrt(var) : var;
}

Tensor var_kernel(const Tensor& a, const DimMask& mask, bool keepdim, int64_t correction,
                  bool take_sqrt) {
  Tensor out = empty(reduced_shape(a.sizes(), mask, keepdim), a.dtype());
  auto run = [&](auto zero) {
    using T = decltype(zero);
    T* op = out.data<T>();
    if (a.numel() == 0) {
      for (int64_t i = 0; i < out.numel(); ++i) op[i] = T(NAN);
    } else if (out.numel() == 1) {
      op[0] = T(var_all<T>(a, correction, take_sqrt));
    } else {
      const SplitPlan sp = make_split(a.sizes(), a.strides(), mask);
      const T* src = static_cast<const T*>(a->storage->data);
      for_each_offset(sp.outer, a->offset, [&](int64_t base, int64_t k) {
        op[k] = T(var_welford(src, sp.inner, base, correction, take_sqrt));
      });
    }
  };
  if (a.dtype() == DType::Float32)
    run(float());
  else
    run(double());
  return out;
}

void check_var_dtype(const Tensor& a) {
  if (!is_floating(a.dtype()))
    runtime_error("std and var only support floating point and complex dtypes");
}

// The reduced dims of a saved mask (n.ints = mask..., keepdim, correction).
struct SavedReduce {
  std::vector<int64_t> mask;
  bool keepdim = false;
  int64_t correction = 0;
  int64_t count = 1;  // elements per output
};
SavedReduce saved_reduce(const Node& n) {
  SavedReduce s;
  const size_t nd = n.ints.size() - 2;
  s.mask.assign(n.ints.begin(), n.ints.begin() + long(nd));
  s.keepdim = n.ints[nd] != 0;
  s.correction = n.ints[nd + 1];
  for (size_t d = 0; d < nd; ++d)
    if (s.mask[d]) s.count *= n.shapes[0][int(d)];
  return s;
}

std::vector<int64_t> mask_dims(const std::vector<int64_t>& mask) {
  std::vector<int64_t> dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(int64_t(d));
  return dims;
}

// var_backward: (2 / (n - correction)) * grad * (self - self.mean(dims, keepdim=True)).
Tensor var_grad(const Tensor& self, const Tensor& grad, const SavedReduce& s) {
  const Tensor g = expand_reduced_grad(grad, self.sizes(), s.mask, s.keepdim);
  const double scale = 2.0 / double(s.count - s.correction);
  const Tensor centered = sub(self, mean(self, mask_dims(s.mask), true));
  return mul(mul(wrapped_scalar(Scalar::from_double(scale)), g), centered);
}

void var_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  gin[0] = var_grad(n.saved_tensor(0), gout[0], saved_reduce(n));
}

// std_backward: var_backward(grad / (2 * result)), with 0 where the result is 0.
void std_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor self = n.saved_tensor(0), result = n.saved_tensor(1);
  Tensor g = div(gout[0], mul(wrapped_scalar(Scalar::from_int(2)), result));
  g = masked_fill(g, compare(result, wrapped_scalar(Scalar::from_int(0)), CmpOp::Eq),
                  Scalar::from_int(0));
  gin[0] = var_grad(self, g, saved_reduce(n));
}

Tensor var_std(const Tensor& a, const std::vector<int64_t>& dims, bool unbiased, bool keepdim,
               bool take_sqrt) {
  check_var_dtype(a);
  const DimMask mask = make_dim_mask(dims, a.dim());
  const int64_t correction = unbiased ? 1 : 0;
  Tensor out = var_kernel(a, mask, keepdim, correction, take_sqrt);
  if (Node* n = record(take_sqrt ? OpId::Std : OpId::Var, take_sqrt ? std_backward : var_backward,
                       {&a}, {&out})) {
    n->save(a);
    if (take_sqrt) n->save_output(out);
    n->shapes = {a.sizes()};
    n->ints = mask_ints(mask, a.dim());
    n->ints.push_back(keepdim);
    n->ints.push_back(correction);
  }
  return out;
}

// --- norm ----------------------------------------------------------------------------------
// p = 2 over a contiguous float32 line (the vectorized fast path, as Debian's build runs it).
float norm2_lastdim(const float* x, int64_t size) {
  constexpr int V = 8;
  float acc[V] = {};
  int64_t d = 0;
  for (; d < size - (size % V); d += V)
    for (int l = 0; l < V; ++l) acc[l] = std::fma(x[d + l], x[d + l], acc[l]);
  float b = acc[0];
  for (int l = 1; l < V; ++l) b = b + acc[l];
  for (; d + 4 <= size; d += 4) {
    float sq[4];
    for (int k = 0; k < 4; ++k) sq[k] = x[d + k] * x[d + k];
    for (int k = 0; k < 4; ++k) b = b + sq[k];
  }
  for (; d < size; ++d) b = std::fma(x[d], x[d], b);
  return std::sqrt(b);
}

// One element at a time, accumulating in T (NormZeroOps, NormOneOps, NormTwoOps, AbsMaxOps,
// AbsMinOps, NormOps).
template <typename T>
T norm_line(const T* p, const SubIter& inner, int64_t base, double ord) {
  T acc = std::isinf(ord) && ord < 0 ? T(INFINITY) : T(0);
  const T pp = T(ord);
  for_each_offset(inner, base, [&](int64_t off, int64_t) {
    const T x = p[off];
    if (ord == 0.0)
      acc = acc + (x == T(0) ? T(0) : T(1));
    else if (ord == 1.0)
      acc = acc + std::fabs(x);
    else if (ord == 2.0)
      acc = std::fma(x, x, acc);
    else if (std::isinf(ord)) {
      const T ax = std::fabs(x);
      if (std::isnan(acc) || std::isnan(ax))
        acc = T(NAN);
      else
        acc = ord > 0 ? (acc > ax ? acc : ax) : (acc < ax ? acc : ax);
    } else
      acc = acc + std::pow(std::fabs(x), pp);
  });
  if (ord == 2.0) return std::sqrt(acc);
  if (ord == 0.0 || ord == 1.0 || std::isinf(ord)) return acc;
  return std::pow(acc, T(1) / pp);
}

Tensor norm_kernel(const Tensor& a, double ord, const DimMask& mask, bool keepdim) {
  const Shape shape = reduced_shape(a.sizes(), mask, keepdim);
  // Reducing only over dims of size 1: |x| (x != 0 for p = 0), as linalg_vector_norm does.
  bool trivial = true;
  for (int d = 0; d < a.dim(); ++d)
    if (mask.reduced[d] && a.sizes()[d] != 1) trivial = false;
  if (trivial) {
    Tensor out = empty(shape, a.dtype());
    const Tensor v =
        ord == 0.0 ? compare(alias_detached(a), wrapped_scalar(Scalar::from_int(0)), CmpOp::Ne)
                   : abs(alias_detached(a));
    copy_into(out, make_view(contiguous_data(v), shape, contiguous_strides(shape), 0));
    return out;
  }
  Tensor out = empty(shape, a.dtype());
  if (a.numel() == 0) {
    if (ord < 0) fill_(out, Scalar::from_double(INFINITY));
    return out;
  }
  auto run = [&](auto zero) {
    using T = decltype(zero);
    T* op = out.data<T>();
    const T* src = static_cast<const T*>(a->storage->data);
    if constexpr (std::is_same_v<T, float>) {
      const ReducePlan plan = make_plan(a.sizes(), a.strides(), mask);
      const bool lastdim =
          ord == 2.0 && plan.ndim >= 1 && plan.out_stride[0] == 0 && plan.in_stride[0] == 1 && [&] {
            for (int d = 1; d < plan.ndim; ++d)
              if (plan.out_stride[d] == 0) return false;
            return true;
          }();
      if (lastdim) {
        const SplitPlan sp = make_split(a.sizes(), a.strides(), mask);
        for_each_offset(sp.outer, a->offset, [&](int64_t base, int64_t k) {
          op[k] = norm2_lastdim(src + base, plan.shape[0]);
        });
        return;
      }
    }
    const SplitPlan sp = make_split(a.sizes(), a.strides(), mask);
    for_each_offset(sp.outer, a->offset, [&](int64_t base, int64_t k) {
      op[k] = norm_line<T>(src, sp.inner, base, ord);
    });
  };
  if (a.dtype() == DType::Float32)
    run(float());
  else
    run(double());
  return out;
}

// norm_backward (FunctionsManual.cpp).
void norm_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor self = n.saved_tensor(0), result = n.saved_tensor(1);
  const double p = n.scalars[0];
  const bool keepdim = n.ints.back() != 0;
  const std::vector<int64_t> mask(n.ints.begin(), n.ints.end() - 1);
  const Tensor grad = expand_reduced_grad(gout[0], self.sizes(), mask, keepdim);
  const Tensor norm = expand_reduced_grad(result, self.sizes(), mask, keepdim);
  const Tensor zero = wrapped_scalar(Scalar::from_int(0));
  if (p == 0.0) {
    gin[0] = zeros_like(self);
  } else if (p == 1.0) {
    gin[0] = mul(sign(self), grad);
  } else if (p == 2.0) {
    gin[0] = mul(grad,
                 masked_fill(div(self, norm), compare(norm, zero, CmpOp::Eq), Scalar::from_int(0)));
  } else if (std::isinf(p)) {
    const Tensor self_abs = abs(self);
    const Tensor m = logical_or(compare(self_abs, norm, CmpOp::Eq), isnan(self_abs));
    const Tensor count = sum(m, mask_dims(mask), true);
    gin[0] = mul(sign(self), mul(div(grad, count), m));
  } else if (p < 1.0) {
    const Tensor scaled =
        mul(sign(self), masked_fill(pow(abs(self), wrapped_scalar(Scalar::from_double(p - 1))),
                                    compare(self, zero, CmpOp::Eq), Scalar::from_int(0)));
    gin[0] = mul(mul(scaled, grad), pow(norm, wrapped_scalar(Scalar::from_double(1 - p))));
  } else {
    const Tensor scaled =
        p < 2.0 ? mul(sign(self), pow(abs(self), wrapped_scalar(Scalar::from_double(p - 1))))
                : mul(self, pow(abs(self), wrapped_scalar(Scalar::from_double(p - 2))));
    Tensor scale_v = div(grad, pow(norm, wrapped_scalar(Scalar::from_double(p - 1))));
    scale_v = masked_fill(scale_v, compare(norm, zero, CmpOp::Eq), Scalar::from_int(0));
    gin[0] = mul(scaled, scale_v);
  }
}

Tensor norm_impl(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim,
                 OpId op = OpId::Norm) {
  if (!is_floating(a.dtype()))
    runtime_error(
        std::string("norm(): input dtype should be either floating point or complex. Got ") +
        (a.dtype() == DType::Bool ? "Bool" : "Long") + " instead.");
  const DimMask mask = make_dim_mask(dims, a.dim());
  Tensor out = norm_kernel(a, p, mask, keepdim);
  if (Node* n = record(op, norm_backward, {&a}, {&out})) {
    n->save(a);
    n->save_output(out);
    n->scalars = {p};
    n->ints = mask_ints(mask, a.dim());
    n->ints.push_back(keepdim);
  }
  return out;
}

}  // namespace

Tensor var(const Tensor& a, const std::vector<int64_t>& dims, bool unbiased, bool keepdim) {
  return var_std(a, dims, unbiased, keepdim, false);
}
Tensor std(const Tensor& a, const std::vector<int64_t>& dims, bool unbiased, bool keepdim) {
  return var_std(a, dims, unbiased, keepdim, true);
}

Tensor norm(const Tensor& a, double p) { return norm_impl(a, p, {}, false); }
Tensor norm(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim) {
  return norm_impl(a, p, dims, keepdim);
}
// torch.linalg.vector_norm (and linalg.norm of a vector or with ord=None): the same kernel
// under its own grad_fn name.
Tensor vector_norm(const Tensor& a, double p, const std::vector<int64_t>& dims, bool keepdim) {
  return norm_impl(a, p, dims, keepdim, OpId::LinalgVectorNorm);
}

// torch.norm's default p='fro' (at::frobenius_norm): the 2-norm over at most one dim, and
// sqrt(sum(a * a)) over two (SqrtBackward0, rounded as that composition rounds).
Tensor frobenius_norm(const Tensor& a, const std::vector<int64_t>& dims, bool keepdim) {
  if (dims.size() > 2)
    runtime_error("Expected at most 2 dimensions, but got " + std::to_string(dims.size()) +
                  " dimensions instead.");
  if (dims.size() <= 1) return norm_impl(a, 2.0, dims, keepdim);
  const int d0 = wrap_dim(dims[0], a.dim()), d1 = wrap_dim(dims[1], a.dim());
  if (d0 == d1)
    runtime_error("Expected dims to be different, got [" + std::to_string(dims[0]) + ", " +
                  std::to_string(dims[1]) + "] instead");
  return sqrt(sum(mul(a, a), dims, keepdim));
}

}  // namespace gradlab
