// Finite-difference gradchecks for indexing (core/ops/indexing.cpp, indexing_advanced.cpp):
// one or more cases per op-table row, run by gradcheck_test.cpp.
#include "gradcheck.h"

namespace gradlab {
namespace {

constexpr std::nullopt_t N = std::nullopt;
IndexItem I(int64_t i) { return IndexItem::integer(i); }
IndexItem S(std::optional<int64_t> a, std::optional<int64_t> b, std::optional<int64_t> s = N) {
  return IndexItem::slice(a, b, s);
}
IndexItem L(std::vector<int64_t> v) {
  return IndexItem::of(from_int64s(v, Shape{int64_t(v.size())}, DType::Int64));
}
IndexItem mask(std::vector<int64_t> v, Shape s) {
  return IndexItem::of(from_int64s(v, s, DType::Bool));
}
Tensor pyf(double v) { return wrapped_scalar(Scalar::from_double(v)); }

GRADCHECK_CASE(OpId::Select, "row then element", [](GradInputs& in) {
  return index(in.randn({3, 4}), {I(1), I(-1)});
});
GRADCHECK_CASE(OpId::Select, "select dim 1", [](GradInputs& in) {
  return select(in.randn({2, 3, 2}), 1, 2);
});
GRADCHECK_CASE(OpId::Slice, "stepped slices", [](GradInputs& in) {
  return index(in.randn({5, 6}), {S(1, N, 2), S(N, -1, 3)});
});
GRADCHECK_CASE(OpId::Alias, "x[...]", [](GradInputs& in) {
  return index(in.randn({2, 3}), {IndexItem::ellipsis()});
});
GRADCHECK_CASE(OpId::Index, "repeated indices accumulate", [](GradInputs& in) {
  return index(in.randn({4}), {L({0, 0, 2, 3, 0})});
});
GRADCHECK_CASE(OpId::Index, "split advanced dims move to the front", [](GradInputs& in) {
  return index(in.randn({2, 3, 4}), {L({1, 0, 1}), S(N, N), L({3, 2, 3})});
});
GRADCHECK_CASE(OpId::Index, "mask rows", [](GradInputs& in) {
  return index(in.randn({3, 2}), {mask({1, 0, 1}, Shape{3})});
});
GRADCHECK_CASE(OpId::IndexPut, "list assignment with broadcast value", [](GradInputs& in) {
  Tensor z = clone(in.randn({3, 2}));
  index_put_(z, {L({2, 0})}, in.randn({2}));
  return z;
});
GRADCHECK_CASE(OpId::IndexPut, "mask assignment of a 0-d value", [](GradInputs& in) {
  Tensor z = clone(in.randn({4}));
  index_put_(z, {mask({0, 1, 1, 0}, Shape{4})}, in.randn({}));
  return z;
});
GRADCHECK_CASE(OpId::CopySlices, "block assignment", [](GradInputs& in) {
  Tensor z = clone(in.randn({4, 4}));
  index_put_(z, {S(1, 3), S(1, 3)}, in.randn({2, 2}));
  return z;
});
GRADCHECK_CASE(OpId::CopySlices, "row assignment, value with leading 1s", [](GradInputs& in) {
  Tensor z = clone(in.randn({2, 3}));
  index_put_(z, {I(1)}, in.randn({1, 3}));
  return z;
});
GRADCHECK_CASE(OpId::CopySlices, "a[idx] += v", [](GradInputs& in) {
  Tensor z = clone(in.randn({5}));
  const std::vector<IndexItem> idx{S(1, 4)};
  Tensor tmp = index(z, idx);
  add_(tmp, in.randn({3}));
  index_put_(z, idx, tmp);
  return z;
});
GRADCHECK_CASE(OpId::FillTensor, "x[...] = 0-d tensor", [](GradInputs& in) {
  Tensor z = clone(in.randn({2, 2}));
  index_put_(z, {IndexItem::ellipsis()}, in.randn({}));
  return z;
});
GRADCHECK_CASE(OpId::AsStrided, "assignment into a view", [](GradInputs& in) {
  Tensor z = view(clone(in.randn({4})), {2, 2});
  index_put_(z, {I(0)}, in.randn({2}));
  return mul(z, pyf(2.0));
});
GRADCHECK_CASE(OpId::IndexSelect, "rows with repeats", [](GradInputs& in) {
  return index_select(in.randn({3, 2}), 0, from_int64s({2, 0, 2}, Shape{3}, DType::Int64));
});
GRADCHECK_CASE(OpId::IndexSelect, "columns", [](GradInputs& in) {
  return index_select(in.randn({2, 4}), 1, from_int64s({3, 1}, Shape{2}, DType::Int64));
});
GRADCHECK_CASE(OpId::MaskedFill, "broadcast mask", [](GradInputs& in) {
  return masked_fill(in.randn({2, 3}), from_int64s({1, 0, 1}, Shape{3}, DType::Bool),
                     Scalar::from_double(0.5));
});
GRADCHECK_CASE(OpId::MaskedFill, "mask broadcasts the input up", [](GradInputs& in) {
  return masked_fill(in.randn({3}), from_int64s({1, 0, 0, 0, 1, 1}, Shape{2, 3}, DType::Bool),
                     Scalar::from_double(-1.0));
});
// (padding_idx rows get no gradient by design, so they are not a finite-difference check:
// see IndexingAdvanced.EmbeddingPaddingRowsGetNoGradient.)
GRADCHECK_CASE(OpId::Embedding, "2-D indices, repeated rows", [](GradInputs& in) {
  return embedding(in.randn({4, 3}), from_int64s({1, 3, 1, 0}, Shape{2, 2}, DType::Int64));
});
GRADCHECK_CASE(OpId::Embedding, "0-d index", [](GradInputs& in) {
  return embedding(in.randn({3, 2}), scalar_tensor(Scalar::from_int(2), DType::Int64));
});

}  // namespace
}  // namespace gradlab
