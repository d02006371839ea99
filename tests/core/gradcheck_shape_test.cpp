// Finite-difference gradchecks for the shape and view ops (core/ops/shape.cpp,
// shape_copy.cpp): one or more cases per op-table row, run by gradcheck_test.cpp.
#include "gradcheck.h"

namespace gradlab {
namespace {

GRADCHECK_CASE(OpId::View, "view split and merge", [](GradInputs& in) {
  return view(in.randn({2, 6}), {3, -1, 2});
});
GRADCHECK_CASE(OpId::View, "view of a column slice", [](GradInputs& in) {
  Tensor x = in.randn({3, 4});
  return view(index(x, {IndexItem::slice(std::nullopt, std::nullopt, std::nullopt),
                        IndexItem::slice(1, 2, std::nullopt)}),
              {3});
});
GRADCHECK_CASE(OpId::ReshapeAlias, "reshape contiguous", [](GradInputs& in) {
  return reshape(in.randn({2, 3, 2}), {4, 3});
});
GRADCHECK_CASE(OpId::UnsafeView, "reshape transposed (copies)", [](GradInputs& in) {
  return reshape(t(in.randn({3, 4})), {2, 6});
});
GRADCHECK_CASE(OpId::Squeeze, "squeeze all", [](GradInputs& in) {
  return squeeze(in.randn({1, 3, 1, 2}));
});
GRADCHECK_CASE(OpId::SqueezeDim, "squeeze one dim", [](GradInputs& in) {
  return squeeze(in.randn({3, 1, 2}), 1);
});
GRADCHECK_CASE(OpId::Unsqueeze, "unsqueeze middle", [](GradInputs& in) {
  return unsqueeze(in.randn({3, 2}), 1);
});
GRADCHECK_CASE(OpId::Transpose, "transpose 3-D", [](GradInputs& in) {
  return transpose(in.randn({2, 3, 4}), 0, 2);
});
GRADCHECK_CASE(OpId::T, "t 2-D", [](GradInputs& in) { return t(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::T, "t 1-D", [](GradInputs& in) { return t(in.randn({3})); });
GRADCHECK_CASE(OpId::Permute, "permute 3-D", [](GradInputs& in) {
  return permute(in.randn({2, 3, 4}), {1, 2, 0});
});
GRADCHECK_CASE(OpId::Permute, ".T of a matrix", [](GradInputs& in) { return T(in.randn({2, 3})); });
GRADCHECK_CASE(OpId::Expand, "expand new and size-1 dims", [](GradInputs& in) {
  return expand(in.randn({3, 1}), {2, 3, 4});
});
GRADCHECK_CASE(OpId::Cat, "cat dim 1, mixed widths", [](GradInputs& in) {
  return cat({in.randn({2, 1}), in.randn({2, 3}), in.randn({2, 2})}, 1);
});
GRADCHECK_CASE(OpId::Cat, "cat with a skipped empty tensor", [](GradInputs& in) {
  return cat({in.randn({2}), in.tensor(zeros(Shape{0}, DType::Float64)), in.randn({3})});
});
GRADCHECK_CASE(OpId::Stack, "stack dim 1", [](GradInputs& in) {
  return stack({in.randn({2, 3}), in.randn({2, 3})}, 1);
});
GRADCHECK_CASE(OpId::Stack, "stack last dim", [](GradInputs& in) {
  return stack({in.randn({3}), in.randn({3}), in.randn({3})}, -1);
});
GRADCHECK_CASE(OpId::Flip, "flip two dims", [](GradInputs& in) {
  return flip(in.randn({2, 3, 2}), {0, 2});
});
GRADCHECK_CASE(OpId::Clone, "clone transposed", [](GradInputs& in) {
  return clone(t(in.randn({2, 3})));
});
GRADCHECK_CASE(OpId::Clone, "contiguous of a transpose", [](GradInputs& in) {
  return contiguous(t(in.randn({3, 2})));
});
GRADCHECK_CASE(OpId::Repeat, "repeat with a new leading dim", [](GradInputs& in) {
  return repeat(in.randn({2, 3}), {2, 1, 3});
});
GRADCHECK_CASE(OpId::Repeat, "repeat zero times", [](GradInputs& in) {
  return repeat(in.randn({2}), {0, 2});
});

}  // namespace
}  // namespace gradlab
