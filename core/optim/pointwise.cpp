// addcmul_ and addcdiv_, the two pointwise updates PyTorch 1.13's optimizers use
// (Adam/AdamW: exp_avg_sq.addcmul_(grad, grad, value=1 - beta2) and
// param.addcdiv_(exp_avg, denom, value=-step_size); RMSprop, Adagrad likewise).
//
// NOTE: native, with PyTorch's rounding: its AVX2 build compiles
// `self + value * t1 * t2` into one fused multiply-add, fma(value * t1, t2, self), in both the
// vectorised loop and the scalar tail (checked bit for bit against torch 1.13; computed by
// kernel::fused_mul_add, ops/fma.h), while
// `self + value * t1 / t2` has no multiply-add to fuse and rounds each step.
#include <cmath>

#include "autograd/autograd.h"
#include "nn/nn_ops.h"
#include "ops/fma.h"
#include "ops/kernel.h"

namespace gradlab {

namespace {

// The helpers are the optimizers' (under no_grad); a call that autograd would have to record
// is refused rather than silently detached.
void check_not_recorded(const char* name, const Tensor& self, const Tensor& t1, const Tensor& t2) {
  check_inplace(self);
  if (any_requires_grad({&self, &t1, &t2}))
    runtime_error(
        std::string(name) +
        ": gradlab's optimizer update is not differentiable; call it under torch.no_grad()");
  if (!is_floating(self.dtype()))
    runtime_error(std::string(name) + ": expected a floating point tensor to update");
}

template <typename F>
void ternary_into(Tensor& self, const Tensor& t1, const Tensor& t2, F f) {
  kernel::Iter it;
  kernel::build(it, &self, {&self, &t1, &t2}, self.dtype(), self.dtype());
  kernel::dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>)
      kernel::run<T, T, 3>(it, [&](T s, T a, T b) { return f(s, a, b); });
  });
  bump_version(self);
}

}  // namespace

void addcmul_(Tensor& self, const Tensor& t1, const Tensor& t2, Scalar value) {
  check_not_recorded("addcmul_", self, t1, t2);
  const double v = value.to_double();
  if (self.dtype() == DType::Float32) {
    const float vf = float(v);
    ternary_into(self, t1, t2, [vf](auto s, auto a, auto b) {
      return kernel::fused_mul_add(decltype(s)(vf * a), b, s);
    });
  } else {
    ternary_into(self, t1, t2, [v](auto s, auto a, auto b) {
      return kernel::fused_mul_add(decltype(s)(v * a), b, s);
    });
  }
}

void addcdiv_(Tensor& self, const Tensor& t1, const Tensor& t2, Scalar value) {
  check_not_recorded("addcdiv_", self, t1, t2);
  const double v = value.to_double();
  if (self.dtype() == DType::Float32) {
    const float vf = float(v);
    ternary_into(self, t1, t2,
                 [vf](auto s, auto a, auto b) { return decltype(s)(s + decltype(s)(vf * a) / b); });
  } else {
    ternary_into(self, t1, t2,
                 [v](auto s, auto a, auto b) { return decltype(s)(s + decltype(s)(v * a) / b); });
  }
}

}  // namespace gradlab
