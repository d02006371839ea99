// Finite-difference gradchecks for the reductions (core/ops/reduce*.cpp): one or more cases
// per op-table row, run by gradcheck_test.cpp.
#include "gradcheck.h"

namespace gradlab {
namespace {

GRADCHECK_CASE(OpId::Sum, "sum all", [](GradInputs& in) { return sum(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Sum, "sum 0-d", [](GradInputs& in) { return sum(in.values({1.5}, Shape{})); });
GRADCHECK_CASE(OpId::SumDim, "sum dim 1", [](GradInputs& in) {
  return sum(in.randn({2, 3}), {1}, false);
});
GRADCHECK_CASE(OpId::SumDim, "sum dims 0,2 keepdim", [](GradInputs& in) {
  return sum(in.randn({2, 3, 4}), {0, -1}, true);
});
GRADCHECK_CASE(OpId::SumDim, "sum of a transpose", [](GradInputs& in) {
  return sum(t(in.randn({3, 5})), {1}, false);
});
GRADCHECK_CASE(OpId::Mean, "mean all", [](GradInputs& in) { return mean(in.randn({3, 4})); });
GRADCHECK_CASE(OpId::MeanDim, "mean dim -1", [](GradInputs& in) {
  return mean(in.randn({3, 4}), {-1}, false);
});
GRADCHECK_CASE(OpId::MeanDim, "mean dims keepdim", [](GradInputs& in) {
  return mean(in.randn({2, 3, 4}), {0, 2}, true);
});
GRADCHECK_CASE(OpId::Max, "max all", [](GradInputs& in) { return max(in.randn({3, 4})); });
GRADCHECK_CASE(OpId::Min, "min all", [](GradInputs& in) { return min(in.randn({5})); });
GRADCHECK_CASE(OpId::MaxDim, "max dim 1", [](GradInputs& in) {
  ValuesIndices r = max(in.randn({3, 4}), 1, false);
  return std::vector<Tensor>{r.values, r.indices};
});
GRADCHECK_CASE(OpId::MaxDim, "max dim 0 keepdim", [](GradInputs& in) {
  return max(in.randn({3, 4, 2}), 0, true).values;
});
GRADCHECK_CASE(OpId::MinDim, "min dim -1", [](GradInputs& in) {
  return min(in.randn({2, 5}), -1, false).values;
});
GRADCHECK_CASE(OpId::Prod, "prod all", [](GradInputs& in) {
  return prod(in.uniform({2, 3}, 0.5, 1.5));
});
GRADCHECK_CASE(OpId::Prod, "prod with one zero", [](GradInputs& in) {
  return prod(in.values({2.0, 0.0, -1.5, 0.5}));
});
GRADCHECK_CASE(OpId::ProdDim, "prod dim 1", [](GradInputs& in) {
  return prod(in.uniform({3, 4}, 0.5, 1.5), 1, false);
});
GRADCHECK_CASE(OpId::ProdDim, "prod dim 0 with zeros keepdim", [](GradInputs& in) {
  return prod(in.values({1.5, 0.0, 2.0, 3.0, 0.5, 0.0}, Shape{3, 2}), 0, true);
});
GRADCHECK_CASE(OpId::Cumsum, "cumsum dim 0",
               [](GradInputs& in) { return cumsum(in.randn({5}), 0); });
GRADCHECK_CASE(OpId::Cumsum, "cumsum dim -1 2-D", [](GradInputs& in) {
  return cumsum(in.randn({3, 4}), -1);
});
GRADCHECK_CASE(OpId::Var, "var all unbiased",
               [](GradInputs& in) { return var(in.randn({6}), {}, true, false); });
GRADCHECK_CASE(OpId::Var, "var dim 1 biased keepdim", [](GradInputs& in) {
  return var(in.randn({3, 5}), {1}, false, true);
});
GRADCHECK_CASE(OpId::Std, "std all", [](GradInputs& in) {
  return std(in.randn({2, 4}), {}, true, false);
});
GRADCHECK_CASE(OpId::Std, "std dim 0", [](GradInputs& in) {
  return std(in.randn({5, 3}), {0}, true, false);
});
GRADCHECK_CASE(OpId::Norm, "norm p=2 all", [](GradInputs& in) { return norm(in.randn({3, 4})); });
GRADCHECK_CASE(OpId::Norm, "norm p=2 dim 1", [](GradInputs& in) {
  return norm(in.randn({3, 4}), 2.0, {1}, false);
});
GRADCHECK_CASE(OpId::Norm, "norm p=1 dim 0 keepdim", [](GradInputs& in) {
  return norm(in.randn({3, 4}), 1.0, {0}, true);
});
GRADCHECK_CASE(OpId::Norm, "norm p=inf",
               [](GradInputs& in) { return norm(in.randn({6}), INFINITY); });
GRADCHECK_CASE(OpId::LinalgVectorNorm, "linalg.vector_norm p=2 dim 1",
               [](GradInputs& in) { return vector_norm(in.randn({3, 4}), 2.0, {1}, false); });
GRADCHECK_CASE(OpId::Norm, "norm p=3", [](GradInputs& in) { return norm(in.randn({5}), 3.0); });
GRADCHECK_CASE(OpId::Norm, "norm p=1.5 dims", [](GradInputs& in) {
  return norm(in.uniform({2, 3, 2}, 0.5, 2.0), 1.5, {0, 2}, false);
});
GRADCHECK_CASE(OpId::Norm, "norm p=0.5",
               [](GradInputs& in) { return norm(in.uniform({4}, 0.5, 2.0), 0.5); });

}  // namespace
}  // namespace gradlab
