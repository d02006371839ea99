// Gradcheck cases for the nn rows of the op table (core/nn/*.cpp) and for every loss of
// torch.nn, composed here as torch.nn.functional composes them (L1 from sub/abs/mean,
// cross-entropy from log_softmax and nll_loss). Probabilities stay inside (0, 1) and away
// from the clamps; class targets are fixed index tensors (not checked).
#include "gradcheck.h"
#include "nn/nn_ops.h"

namespace gradlab {
namespace {

Tensor classes(std::vector<int64_t> v) {
  return from_int64s(v, Shape{int64_t(v.size())}, DType::Int64);
}
Tensor f64(std::vector<double> v) {
  return from_doubles(v, Shape{int64_t(v.size())}, DType::Float64);
}

// --- linear ---------------------------------------------------------------------------------
GRADCHECK_CASE(OpId::Addmm, "addmm bias broadcast", [](GradInputs& in) {
  return addmm(in.randn({4}), in.randn({3, 2}), in.randn({2, 4}));
});
GRADCHECK_CASE(OpId::Addmm, "addmm column-major mat2 (linear)", [](GradInputs& in) {
  Tensor w = in.randn({3, 5});
  return addmm(in.randn({3}), in.randn({2, 5}), t(w));
});
GRADCHECK_CASE(OpId::Addmm, "addmm column-major mat1, 2-D bias", [](GradInputs& in) {
  Tensor a = in.randn({4, 2});
  return addmm(in.randn({2, 1}), t(a), in.randn({4, 3}));
});
GRADCHECK_CASE(OpId::Addmm, "linear 3-D input", [](GradInputs& in) {
  return linear(in.randn({2, 3, 4}), in.randn({5, 4}), in.randn({5}));
});
GRADCHECK_CASE(OpId::Add, "linear 1-D input with bias", [](GradInputs& in) {
  return linear(in.randn({4}), in.randn({3, 4}), in.randn({3}));
});

// --- losses ---------------------------------------------------------------------------------
GRADCHECK_CASE(OpId::MseLoss, "mse_loss mean", [](GradInputs& in) {
  return mse_loss(in.randn({3, 4}), in.randn({3, 4}), Reduction::Mean);
});
GRADCHECK_CASE(OpId::MseLoss, "mse_loss sum", [](GradInputs& in) {
  return mse_loss(in.randn({5}), in.randn({5}), Reduction::Sum);
});
GRADCHECK_CASE(OpId::MseLoss, "mse_loss none, broadcast target", [](GradInputs& in) {
  auto pair = broadcast_pair(in.randn({2, 3}), in.randn({3}));
  return mse_loss(pair.first, pair.second, Reduction::None);
});
GRADCHECK_CASE(OpId::Abs, "l1_loss mean (functional.py's composition)", [](GradInputs& in) {
  return mean(abs(sub(in.uniform({3, 3}, 0.5, 1.5), in.uniform({3, 3}, -1.5, -0.5))));
});
GRADCHECK_CASE(OpId::BinaryCrossEntropy, "binary_cross_entropy mean", [](GradInputs& in) {
  return binary_cross_entropy(in.uniform({2, 3}, 0.1, 0.9), in.uniform({2, 3}, 0.1, 0.9), Tensor(),
                              Reduction::Mean);
});
GRADCHECK_CASE(OpId::BinaryCrossEntropy, "binary_cross_entropy weighted sum", [](GradInputs& in) {
  return binary_cross_entropy(in.uniform({4}, 0.1, 0.9), in.uniform({4}, 0.0, 1.0),
                              f64({1.0, 2.0, 0.5, 3.0}), Reduction::Sum);
});
GRADCHECK_CASE(OpId::BinaryCrossEntropy, "binary_cross_entropy none", [](GradInputs& in) {
  return binary_cross_entropy(in.uniform({5}, 0.05, 0.95), in.uniform({5}, 0.0, 1.0), Tensor(),
                              Reduction::None);
});
GRADCHECK_CASE(OpId::BinaryCrossEntropyWithLogits, "bce_with_logits mean", [](GradInputs& in) {
  return binary_cross_entropy_with_logits(in.randn({3, 4}), in.uniform({3, 4}, 0.0, 1.0), Tensor(),
                                          Tensor(), Reduction::Mean);
});
GRADCHECK_CASE(OpId::BinaryCrossEntropyWithLogits, "bce_with_logits pos_weight and weight",
               [](GradInputs& in) {
                 return binary_cross_entropy_with_logits(
                     in.randn({2, 3}), in.uniform({2, 3}, 0.0, 1.0), f64({0.5, 1.0, 2.0}),
                     f64({3.0, 1.0, 0.25}), Reduction::Sum);
               });
GRADCHECK_CASE(OpId::BinaryCrossEntropyWithLogits, "bce_with_logits none", [](GradInputs& in) {
  return binary_cross_entropy_with_logits(in.randn({6}), in.uniform({6}, 0.0, 1.0), Tensor(),
                                          Tensor(), Reduction::None);
});
GRADCHECK_CASE(OpId::NllLoss, "nll_loss mean", [](GradInputs& in) {
  return nll_loss(in.randn({4, 3}), classes({2, 0, 1, 2}), Tensor(), Reduction::Mean, -100);
});
GRADCHECK_CASE(OpId::NllLoss, "nll_loss weighted, ignore_index", [](GradInputs& in) {
  return nll_loss(in.randn({5, 3}), classes({2, 0, 1, 2, 1}), f64({1.0, 0.5, 2.0}), Reduction::Mean,
                  1);
});
GRADCHECK_CASE(OpId::NllLoss, "nll_loss none", [](GradInputs& in) {
  return nll_loss(in.randn({3, 4}), classes({3, 0, 1}), Tensor(), Reduction::None, -100);
});
GRADCHECK_CASE(OpId::NllLoss, "nll_loss 1-D input", [](GradInputs& in) {
  return nll_loss(in.randn({4}), from_int64s({2}, Shape{}, DType::Int64), Tensor(), Reduction::Sum,
                  -100);
});
GRADCHECK_CASE(OpId::NllLoss, "cross_entropy (log_softmax + nll_loss)", [](GradInputs& in) {
  return nll_loss(log_softmax(in.randn({4, 5}), 1), classes({4, 0, 2, 2}), Tensor(),
                  Reduction::Mean, -100);
});
GRADCHECK_CASE(OpId::DivScalar, "cross_entropy with probabilities", [](GradInputs& in) {
  const Tensor logp = log_softmax(in.randn({3, 4}), 1);
  return div_scalar(neg(sum(mul(logp, in.uniform({3, 4}, 0.0, 0.5)))), Scalar::from_int(3));
});
GRADCHECK_CASE(OpId::DivScalar, "div by a number", [](GradInputs& in) {
  return div_scalar(in.randn({2, 3}), Scalar::from_double(-2.5));
});

// --- softmax --------------------------------------------------------------------------------
GRADCHECK_CASE(OpId::Softmax, "softmax last dim", [](GradInputs& in) {
  return softmax(in.randn({3, 10}), -1);
});
GRADCHECK_CASE(OpId::Softmax, "softmax dim 0", [](GradInputs& in) {
  return softmax(in.randn({4, 6}), 0);
});
GRADCHECK_CASE(OpId::Softmax, "softmax middle dim", [](GradInputs& in) {
  return softmax(in.randn({2, 3, 5}), 1);
});
GRADCHECK_CASE(OpId::LogSoftmax, "log_softmax last dim", [](GradInputs& in) {
  return log_softmax(in.randn({2, 9}), 1);
});
GRADCHECK_CASE(OpId::LogSoftmax, "log_softmax dim 0", [](GradInputs& in) {
  return log_softmax(in.randn({5, 6}), 0);
});
GRADCHECK_CASE(OpId::LogSoftmax, "log_softmax 1-D",
               [](GradInputs& in) { return log_softmax(in.randn({7}), 0); });

}  // namespace
}  // namespace gradlab
