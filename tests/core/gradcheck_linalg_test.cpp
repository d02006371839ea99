// Finite-difference gradchecks for linear algebra (core/ops/linalg*.cpp): one or more cases
// per op-table row, run by gradcheck_test.cpp.
#include "gradcheck.h"

namespace gradlab {
namespace {

GRADCHECK_CASE(OpId::Mm, "mm 2x3 3x4", [](GradInputs& in) {
  return mm(in.randn({2, 3}), in.randn({3, 4}));
});
GRADCHECK_CASE(OpId::Mm, "mm transposed operands", [](GradInputs& in) {
  return mm(t(in.randn({3, 2})), t(in.randn({4, 3})));
});
GRADCHECK_CASE(OpId::Mv, "mv", [](GradInputs& in) { return mv(in.randn({3, 4}), in.randn({4})); });
GRADCHECK_CASE(OpId::Dot, "dot", [](GradInputs& in) { return dot(in.randn({5}), in.randn({5})); });
GRADCHECK_CASE(OpId::Bmm, "bmm", [](GradInputs& in) {
  return bmm(in.randn({2, 3, 4}), in.randn({2, 4, 2}));
});
GRADCHECK_CASE(OpId::Bmm, "matmul broadcast batch", [](GradInputs& in) {
  return matmul(in.randn({2, 1, 2, 3}), in.randn({4, 3, 2}));
});
GRADCHECK_CASE(OpId::Mm, "matmul 3-D @ 2-D (folded)", [](GradInputs& in) {
  return matmul(in.randn({2, 3, 4}), in.randn({4, 2}));
});
GRADCHECK_CASE(OpId::Mm, "matmul 2-D @ 3-D (folded, transposed)", [](GradInputs& in) {
  return matmul(in.randn({2, 3}), in.randn({2, 3, 4}));
});
GRADCHECK_CASE(OpId::Mv, "matmul 1-D @ 3-D", [](GradInputs& in) {
  return matmul(in.randn({3}), in.randn({2, 3, 4}));
});
GRADCHECK_CASE(OpId::MatmulSqueeze, "matmul 1-D @ 2-D", [](GradInputs& in) {
  return matmul(in.randn({3}), in.randn({3, 2}));
});
GRADCHECK_CASE(OpId::Diag, "diag of a vector, k=1",
               [](GradInputs& in) { return diag(in.randn({3}), 1); });
GRADCHECK_CASE(OpId::Diag, "diag of a matrix, k=-1", [](GradInputs& in) {
  return diag(in.randn({3, 4}), -1);
});
GRADCHECK_CASE(OpId::Trace, "trace square", [](GradInputs& in) { return trace(in.randn({3, 3})); });
GRADCHECK_CASE(OpId::Trace, "trace wide", [](GradInputs& in) { return trace(in.randn({2, 4})); });
// Well-conditioned inputs (distinct singular values); every output checked.
GRADCHECK_CASE(OpId::LinalgSvd, "svd tall some=True", [](GradInputs& in) {
  SvdResult r = svd(in.values({2.0, 0.5, -1.0, 1.5, 0.3, -0.7}, Shape{3, 2}), true);
  return std::vector<Tensor>{r.U, r.S, r.V};
});
GRADCHECK_CASE(OpId::LinalgSvd, "svd wide some=True", [](GradInputs& in) {
  SvdResult r = svd(in.values({1.0, 0.0, -1.0, 0.5, -1.0, 2.0}, Shape{2, 3}), true);
  return std::vector<Tensor>{r.U, r.S, r.V};
});
GRADCHECK_CASE(OpId::LinalgSvd, "linalg.svd square full", [](GradInputs& in) {
  SvdResult r =
      linalg_svd(in.values({3.0, 1.0, 0.2, -1.0, 2.0, 0.5, 0.4, -0.3, 1.0}, Shape{3, 3}), true);
  return std::vector<Tensor>{r.U, r.S, r.V};
});
GRADCHECK_CASE(OpId::LinalgSvd, "linalg.svd singular values only", [](GradInputs& in) {
  return linalg_svd(in.randn({4, 3}), false).S;
});

}  // namespace
}  // namespace gradlab
