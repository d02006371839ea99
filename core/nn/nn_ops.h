// The native operations behind torch.nn and torch.optim: the ones whose rounding or grad_fn
// PyTorch 1.13 fixes and a composition in gradlab's Python subset could not reproduce (the
// fused linear layer, the loss kernels, softmax/log_softmax with their vectorised reduction
// order, the optimizers' addcmul_/addcdiv_). Each records its op-table row (autograd/ops.def,
// "nn" section) with its backward beside its forward, grouped by family:
//   core/nn/linear.cpp    addmm, linear
//   core/nn/loss.cpp      mse_loss, binary_cross_entropy(_with_logits), nll_loss, div_scalar
//   core/nn/softmax.cpp   softmax, log_softmax
//   core/optim/pointwise.cpp   addcmul_, addcdiv_
//   core/optim/adam.cpp        adam_update_ (Adam's update fused)
// Errors are gradlab::Error with PyTorch 1.13's wording.
#pragma once
#include <optional>

#include "ops/ops.h"

namespace gradlab {

// Loss reductions, numbered as PyTorch's Reduction enum.
enum class Reduction : int { None = 0, Mean = 1, Sum = 2 };

// --- linear.cpp -----------------------------------------------------------------------------
// bias + mat1 @ mat2 (bias broadcast to the result; AddmmBackward0). Rounds as PyTorch's CPU
// addmm: the matrix product first, then the bias added.
Tensor addmm(const Tensor& bias, const Tensor& mat1, const Tensor& mat2);
// F.linear as ATen's at::linear: addmm for 2-D input with bias (and contiguous 3-D input,
// viewed as 2-D), else matmul(input, weight.t()) followed by an in-place bias add.
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias /* may be undefined */);

// --- loss.cpp -------------------------------------------------------------------------------
// Both arguments already broadcast to one shape (F.mse_loss expands them first).
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const Tensor& weight /* may be undefined */, Reduction reduction);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight, const Tensor& pos_weight,
                                        Reduction reduction);
// input (C) or (N, C) log-probabilities, target () or (N) class indices.
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                Reduction reduction, int64_t ignore_index);
// tensor / Python number as ATen's div(Tensor, Scalar) (DivBackward1), for ATen formulas that
// divide by an integer count.
Tensor div_scalar(const Tensor& a, Scalar s);
// torch.broadcast_tensors of two tensors: each expanded (ExpandBackward0) only when its shape
// differs from the broadcast shape.
std::pair<Tensor, Tensor> broadcast_pair(const Tensor& a, const Tensor& b);

// --- softmax.cpp ----------------------------------------------------------------------------
Tensor softmax(const Tensor& input, int64_t dim);
Tensor log_softmax(const Tensor& input, int64_t dim);

// --- core/optim/pointwise.cpp ---------------------------------------------------------------
// self += value * t1 * t2 and self += value * t1 / t2 in place (t1, t2 broadcast to self),
// rounded as PyTorch's AVX2 kernels round them. Not differentiable: the optimizers call them
// under no_grad, and a call that would need a gradient raises RuntimeError.
void addcmul_(Tensor& self, const Tensor& t1, const Tensor& t2, Scalar value);
void addcdiv_(Tensor& self, const Tensor& t1, const Tensor& t2, Scalar value);

// --- core/optim/adam.cpp --------------------------------------------------------------------
// The Python numbers of Adam's update after its bias corrections (optim.py's _adam_update).
struct AdamScalars {
  Scalar beta1, one_minus_beta1, beta2, one_minus_beta2, neg_step_size, bias_correction2_sqrt,
      eps;
};
// exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1);
// addcmul_(exp_avg_sq.mul_(beta2), grad, grad, 1 - beta2);
// addcdiv_(param, exp_avg, (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps), -step_size)
// in one pass, bit for bit. Returns false, doing nothing, unless the four tensors are distinct
// contiguous float32 or float64 tensors of one dtype and shape that no op would record.
bool adam_update_(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq,
                  const AdamScalars& s);

}  // namespace gradlab
