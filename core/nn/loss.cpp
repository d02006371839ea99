// The loss functions with their own autograd nodes in PyTorch 1.13 (MseLossBackward0,
// BinaryCrossEntropyBackward0, BinaryCrossEntropyWithLogitsBackward0, NllLossBackward0) and
// ATen's division by a number (DivBackward1). Forward and backward follow ATen's CPU kernels
// operation by operation (aten/src/ATen/native/Loss.cpp, LossNLL.cpp); where ATen composes
// tensor ops, so do we, with gradlab's ops computing exactly what ATen's do.
#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"
#include "ops/kernel.h"

namespace gradlab {

namespace {

Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor inum(int64_t v) { return wrapped_scalar(Scalar::from_int(v)); }

Tensor reduce(const Tensor& loss, Reduction r) {
  if (r == Reduction::Mean) return mean(loss);
  if (r == Reduction::Sum) return sum(loss);
  return loss;
}

const char* type_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "Bool";
    case DType::Int64:
      return "Long";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
  }
  return "Float";
}

void require_floating(const char* kernel, DType t) {
  if (!is_floating(t))
    runtime_error(std::string("\"") + kernel + "\" not implemented for '" + type_name(t) + "'");
}

// --- mse_loss -------------------------------------------------------------------------------
// Inputs (input, target); saved both; ints[0] = reduction. ATen's mse_backward kernel:
// norm * (input - target) * grad with norm = 2 / numel (mean) or 2, in the input's dtype.
void mse_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor input = n.saved_tensor(0), target = n.saved_tensor(1);
  const double norm = Reduction(n.ints[0]) == Reduction::Mean ? 2.0 / double(input.numel()) : 2.0;
  if (n.needs_input_grad(0)) gin[0] = mul(mul(num(norm), sub(input, target)), gout[0]);
  if (n.needs_input_grad(1)) gin[1] = mul(mul(num(norm), sub(target, input)), gout[0]);
}

// --- binary_cross_entropy -------------------------------------------------------------------
constexpr double kBceEpsilon = 1e-12;

template <typename T>
void bce_forward_kernel(const T* x, const T* y, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T xv = x[i], yv = y[i];
    if (!(xv >= T(0) && xv <= T(1)))
      runtime_error("all elements of input should be between 0 and 1");
    // NOTE: ATen's Loss.cpp is compiled without FMA (the products are separate statements so
    // no compiler fuses them either), and 1.13 takes log(1 - x), not log1p(-x).
    const T a = (yv - T(1)) * std::max(T(std::log(T(1) - xv)), T(-100));
    const T b = yv * std::max(T(std::log(xv)), T(-100));
    out[i] = a - b;
  }
}

template <typename T>
void bce_backward_kernel(const T* g, int64_t gstride, const T* x, const T* y, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T xv = x[i], yv = y[i];
    out[i] = g[i * gstride] * (xv - yv) / T(std::max((T(1) - xv) * xv, T(kBceEpsilon)));
  }
}

// Inputs (input, target); saved input, target, weight (may be undefined); ints[0] = reduction.
void bce_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor input = n.saved_tensor(0), target = n.saved_tensor(1), weight = n.saved_tensor(2);
  const Reduction r = Reduction(n.ints[0]);
  if (n.needs_input_grad(0)) {
    const Tensor x = contiguous_data(input), y = contiguous_data(cast_data(target, input.dtype()));
    const Tensor g = contiguous_data(cast_data(gout[0], input.dtype()));
    Tensor gi = empty(input.sizes(), input.dtype());
    const int64_t gs = g.numel() == 1 ? 0 : 1;
    kernel::dispatch(input.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>)
        bce_backward_kernel<T>(g.data<T>(), gs, x.data<T>(), y.data<T>(), gi.data<T>(),
                               input.numel());
    });
    if (weight.defined()) mul_(gi, weight);
    if (r == Reduction::Mean) div_(gi, inum(input.numel()));
    gin[0] = gi;
  }
  if (n.needs_input_grad(1)) {
    // binary_cross_entropy_target_backward: (log(1 - x) - log(x)) * grad.
    Tensor gt = mul(sub(log(sub(num(1.0), input)), log(input)), gout[0]);
    if (weight.defined()) mul_(gt, weight);
    if (r == Reduction::Mean) div_(gt, inum(target.numel()));
    gin[1] = gt;
  }
}

// --- binary_cross_entropy_with_logits ---------------------------------------------------------
// log_sigmoid(x) = -(m + log(exp(-m) + exp(-x - m))), m = max(-x, 0).
Tensor log_sigmoid(const Tensor& x) {
  const Tensor m = clamp(neg(x), Scalar::from_double(0.0), std::nullopt);
  return neg(add(m, log(add(exp(neg(m)), exp(sub(neg(x), m))))));
}

// Inputs (input, target); saved input, target, weight, pos_weight; ints[0] = reduction.
void bce_logits_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor input = n.saved_tensor(0), target = n.saved_tensor(1);
  const Tensor weight = n.saved_tensor(2), pos_weight = n.saved_tensor(3);
  const Reduction r = Reduction(n.ints[0]);
  const Tensor& grad = gout[0];
  if (n.needs_input_grad(0)) {
    Tensor gi;
    if (pos_weight.defined()) {
      const Tensor t = mul(pos_weight, target);
      gi = mul(sub(mul(sub(add(t, inum(1)), target), sigmoid(input)), t), grad);
    } else {
      gi = mul(sub(sigmoid(input), target), grad);
    }
    if (weight.defined()) gi = mul(gi, weight);
    if (r == Reduction::Mean) gi = div(gi, inum(input.numel()));
    gin[0] = gi;
  }
  if (n.needs_input_grad(1)) {
    Tensor gt = pos_weight.defined()
                    ? mul(sub(log_sigmoid(neg(input)), mul(log_sigmoid(input), pos_weight)), grad)
                    : mul(neg(input), grad);
    if (weight.defined()) gt = mul(gt, weight);
    if (r == Reduction::Mean) gt = div(gt, inum(target.numel()));
    gin[1] = gt;
  }
}

// --- nll_loss ---------------------------------------------------------------------------------
std::string shape_list(const Shape& s) {
  std::string out = "[";
  for (int i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t checked_target(int64_t t, int64_t n_classes) {
  if (t < 0 || t >= n_classes) index_error("Target " + std::to_string(t) + " is out of bounds.");
  return t;
}

// ATen's nll_loss_out_frame for 1-D/2-D input; returns the loss, sets total_weight.
template <typename T>
Tensor nll_forward(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction r,
                   int64_t ignore_index, T* total_weight) {
  const int64_t n_classes = input.sizes()[input.dim() - 1];
  const Tensor x = contiguous_data(input), tg = contiguous_data(target);
  const Tensor w = weight.defined() ? contiguous_data(weight) : Tensor();
  const T* xd = x.data<T>();
  const int64_t* td = tg.data<int64_t>();
  const T* wd = w.defined() ? w.data<T>() : nullptr;
  if (r == Reduction::None && input.dim() == 2) {
    const int64_t batch = input.sizes()[0];
    Tensor out = empty(Shape{batch}, input.dtype());
    T* o = out.data<T>();
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t t = td[i];
      if (t == ignore_index) {
        o[i] = 0;
        continue;
      }
      checked_target(t, n_classes);
      o[i] = -xd[i * n_classes + t] * (wd ? wd[t] : T(1));
    }
    *total_weight = 0;
    return out;
  }
  Tensor out = empty(Shape{}, input.dtype());
  if (target.numel() == 0) {
    out.data<T>()[0] = r == Reduction::Mean ? std::numeric_limits<T>::quiet_NaN() : T(0);
    *total_weight = 0;
    return out;
  }
  const int64_t batch = input.dim() == 1 ? 1 : input.sizes()[0];
  // NOTE: ATen's cascade summation (8 levels of partial sums), so long batches round as
  // PyTorch's do.
  constexpr int kLevels = 8;
  int64_t ceil_log2 = 0;
  while ((int64_t(1) << ceil_log2) < batch) ++ceil_log2;
  const int64_t level_power = std::max<int64_t>(4, ceil_log2 / kLevels);
  const int64_t level_mask = (int64_t(1) << level_power) - 1;
  T weight_sums[kLevels] = {}, loss_sums[kLevels] = {};
  int64_t ignored = 0;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t t = td[b];
    if (t == ignore_index) {
      ++ignored;
      continue;
    }
    checked_target(t, n_classes);
    const T v = xd[b * n_classes + t];
    if (wd) {
      const T weighted = v * wd[t];
      loss_sums[0] -= weighted;
      weight_sums[0] += wd[t];
    } else {
      loss_sums[0] -= v;
    }
    for (int j = 0; j + 1 < kLevels; ++j) {
      if ((b & (level_mask << (j * level_power))) != 0) break;
      weight_sums[j + 1] += weight_sums[j];
      loss_sums[j + 1] += loss_sums[j];
      weight_sums[j] = 0;
      loss_sums[j] = 0;
    }
  }
  T tw = 0, lv = 0;
  if (wd) {
    for (T s : weight_sums) tw += s;
  } else {
    tw = T(batch - ignored);
  }
  for (T s : loss_sums) lv += s;
  if (r == Reduction::Mean) lv /= tw;
  out.data<T>()[0] = lv;
  *total_weight = tw;
  return out;
}

// Input (input); saved target, weight; scalars[0] = total_weight; ints = {reduction,
// ignore_index}; shapes[0] = input shape.
void nll_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor target = contiguous_data(n.saved_tensor(0));
  const Tensor weight = n.saved_tensor(1);
  const Reduction r = Reduction(n.ints[0]);
  const int64_t ignore_index = n.ints[1];
  const Shape& shape = n.shapes[0];
  const DType dt = n.dtypes[0];
  Tensor gi = zeros(shape, dt);
  const Tensor g = contiguous_data(cast_data(gout[0], dt));
  const Tensor w = weight.defined() ? contiguous_data(weight) : Tensor();
  const int64_t n_classes = shape[shape.size() - 1];
  const int64_t* td = target.data<int64_t>();
  kernel::dispatch(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* o = gi.data<T>();
      const T* gd = g.data<T>();
      const T* wd = w.defined() ? w.data<T>() : nullptr;
      if (r == Reduction::None && shape.size() == 2) {
        for (int64_t i = 0; i < shape[0]; ++i) {
          const int64_t t = td[i];
          if (t == ignore_index) continue;
          o[i * n_classes + t] = -(wd ? wd[t] : T(1)) * gd[i];
        }
        return;
      }
      const T total = T(n.scalars[0]);
      const T grad = -(r == Reduction::Mean ? gd[0] / total : gd[0]);
      const int64_t batch = shape.size() == 1 ? 1 : shape[0];
      for (int64_t i = 0; i < batch; ++i) {
        const int64_t t = td[i];
        if (t == ignore_index) continue;
        o[i * n_classes + t] = wd ? wd[t] * grad : grad;
      }
    }
  });
  gin[0] = gi;
}

// DivBackward1: input (self); scalars[0] = the divisor.
void div_scalar_backward(Node& n, const Tensor* gout, Tensor* gin) {
  gin[0] = div(gout[0], num(n.scalars[0]));
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  Tensor out;
  {
    NoGradGuard no_grad;
    const Tensor diff = sub(input, target);
    require_floating("mse_cpu", diff.dtype());
    out = reduce(mul(diff, diff), reduction);
  }
  if (Node* n = record(OpId::MseLoss, mse_backward, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->ints = {int64_t(reduction)};
  }
  return out;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                            Reduction reduction) {
  require_floating("binary_cross_entropy", input.dtype());
  Tensor out;
  {
    NoGradGuard no_grad;
    const Tensor x = contiguous_data(input), y = contiguous_data(cast_data(target, input.dtype()));
    if (x.numel() != y.numel())
      runtime_error("input and target must have the same number of elements");
    Tensor loss = empty(input.sizes(), input.dtype());
    kernel::dispatch(input.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>)
        bce_forward_kernel<T>(x.data<T>(), y.data<T>(), loss.data<T>(), x.numel());
    });
    if (weight.defined()) mul_(loss, weight);
    out = reduce(loss, reduction);
  }
  if (Node* n = record(OpId::BinaryCrossEntropy, bce_backward, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->save(weight);
    n->ints = {int64_t(reduction)};
  }
  return out;
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const Tensor& pos_weight,
                                        Reduction reduction) {
  Tensor out;
  {
    // ATen's composition, operation by operation.
    NoGradGuard no_grad;
    const Tensor max_val = clamp(neg(input), Scalar::from_double(0.0), std::nullopt);
    const Tensor lse = log(add(exp(neg(max_val)), exp(sub(neg(input), max_val))));
    const Tensor base = mul(sub(num(1.0), target), input);
    Tensor loss;
    if (pos_weight.defined()) {
      const Tensor log_weight = add(mul(sub(pos_weight, inum(1)), target), inum(1));
      loss = add(base, mul(log_weight, add(lse, max_val)));
    } else {
      loss = add(add(base, max_val), lse);
    }
    if (weight.defined()) loss = mul(loss, weight);
    out = reduce(loss, reduction);
  }
  if (Node* n = record(OpId::BinaryCrossEntropyWithLogits, bce_logits_backward, {&input, &target},
                       {&out})) {
    n->save(input);
    n->save(target);
    n->save(weight);
    n->save(pos_weight);
    n->ints = {int64_t(reduction)};
  }
  return out;
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                Reduction reduction, int64_t ignore_index) {
  // nll_loss_nd's checks, then nll_loss_forward's (meta) checks, in ATen's order.
  if (input.dim() < 1)
    value_error("Expected 1 or more dimensions (got " + std::to_string(input.dim()) + ")");
  if (input.dim() != 1 && target.dim() >= 1 && input.sizes()[0] != target.sizes()[0])
    value_error("Expected input batch_size (" + std::to_string(input.sizes()[0]) +
                ") to match target batch_size (" + std::to_string(target.sizes()[0]) + ").");
  if (input.dim() > 2)
    runtime_error("gradlab's nll_loss and cross_entropy take a (C) or (N, C) input, got a " +
                  std::to_string(input.dim()) + "-D input: reshape it to (N, C) first");
  if (target.dim() > 1)
    runtime_error("0D or 1D target tensor expected, multi-target not supported");
  const bool no_batch = input.dim() == 1 && target.dim() == 0;
  if (!no_batch && input.sizes()[0] != (target.dim() ? target.sizes()[0] : 1))
    runtime_error("size mismatch (got input: " + shape_list(input.sizes()) +
                  ", target: " + shape_list(target.sizes()) + ")");
  if (input.dim() == 1 && target.dim() == 1)
    runtime_error("Expected target to be 0D when input is 1D, but got target.dim =" +
                  std::to_string(target.dim()));
  const int64_t n_classes = input.sizes()[input.dim() - 1];
  if (weight.defined() && (weight.dim() != 1 || weight.numel() != n_classes))
    runtime_error(
        "weight tensor should be defined either for all " + std::to_string(n_classes) +
        " classes or no classes but got weight tensor of shape: " + shape_list(weight.sizes()));
  require_floating("nll_loss_out_frame", input.dtype());
  if (target.dtype() != DType::Int64)
    runtime_error(std::string("expected scalar type Long but found ") + type_name(target.dtype()));
  if (weight.defined() && weight.dtype() != input.dtype())
    runtime_error(std::string("expected scalar type ") + type_name(input.dtype()) + " but found " +
                  type_name(weight.dtype()));
  Tensor out;
  double total_weight = 0;
  kernel::dispatch(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T tw = 0;
      out = nll_forward<T>(input, target, weight, reduction, ignore_index, &tw);
      total_weight = double(tw);
    }
  });
  if (Node* n = record(OpId::NllLoss, nll_backward, {&input}, {&out})) {
    n->save(target);
    n->save(weight);
    n->scalars = {total_weight};
    n->ints = {int64_t(reduction), ignore_index};
    n->shapes = {input.sizes()};
    n->dtypes = {input.dtype()};
  }
  return out;
}

Tensor div_scalar(const Tensor& a, Scalar s) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = div(a, wrapped_scalar(s));
  }
  if (Node* n = record(OpId::DivScalar, div_scalar_backward, {&a}, {&out}))
    n->scalars = {s.to_double()};
  return out;
}

std::pair<Tensor, Tensor> broadcast_pair(const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shapes(a.sizes(), b.sizes());
  return {a.sizes() == shape ? a : expand(a, shape.vec()),
          b.sizes() == shape ? b : expand(b, shape.vec())};
}

}  // namespace gradlab
