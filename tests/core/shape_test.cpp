// Shape and view ops (core/ops/shape.cpp; the copying ones are also run here from the
// PyTorch fixtures, with hand-written tests in shape_copy_test.cpp): views alias their
// input, reshape copies only when it must, errors word as PyTorch's, and every case of
// tests/fixtures/shape.txt (gen_shape.py) matches PyTorch 1.13.
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "fixture_cases.h"
#include "ops/ops.h"

namespace gradlab {
namespace {

using V = std::vector<Tensor>;
constexpr std::nullopt_t N = std::nullopt;
IndexItem S(std::optional<int64_t> a, std::optional<int64_t> b) {
  return IndexItem::slice(a, b, N);
}

Tensor arange_f(int64_t n, DType dt = DType::Float32) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(double(i));
  return from_doubles(v, Shape{n}, dt);
}
Tensor vals(std::vector<double> v, Shape s, DType dt = DType::Float32) {
  return from_doubles(v, s, dt);
}

template <typename F>
void expect_error(F&& f, const std::string& type, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no error; expected " << type << ": " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), type);
    EXPECT_EQ(e.message(), message);
  }
}

TEST(ShapeFixtures, MatchPyTorch) {
  // clang-format off
  const std::map<std::string, fixtures::CaseFn> cases = {
      {"cat_err_empty_list", [](V&) { return cat(std::vector<Tensor>{}); }},
      {"stack_err_empty", [](V&) { return stack(std::vector<Tensor>{}); }},
      {"view_flat", [](V& in) { return view(in[0], {6}); }},
      {"view_infer", [](V& in) { return view(in[0], {2, -1, 3}); }},
      {"view_same", [](V& in) { return view(in[0], {2, 3}); }},
      {"view_int", [](V& in) { return view(in[0], {3, 4}); }},
      {"view_bool", [](V& in) { return view(in[0], {-1}); }},
      {"view_f64", [](V& in) { return view(in[0], {2, 1, 2}); }},
      {"view_0d_to_11", [](V& in) { return view(in[0], {1, 1}); }},
      {"view_0d_infer", [](V& in) { return view(in[0], {-1}); }},
      {"view_to_0d", [](V& in) { return view(in[0], {}); }},
      {"view_empty", [](V& in) { return view(in[0], {3, 0}); }},
      {"view_column_slice", [](V& in) { return view(index(in[0], {S(N, N), S(1, 2)}), {2}); }},
      {"view_transposed_split", [](V& in) { return view(t(in[0]), {3, 2, 1}); }},
      {"view_err_size", [](V& in) { return view(in[0], {4, 2}); }},
      {"view_err_stride", [](V& in) { return view(t(in[0]), {6}); }},
      {"view_err_two_infer", [](V& in) { return view(in[0], {-1, -1}); }},
      {"view_err_infer_size", [](V& in) { return view(in[0], {-1, 4}); }},
      {"view_err_negative", [](V& in) { return view(in[0], {-2, 3}); }},
      {"view_err_ambiguous", [](V& in) { return view(in[0], {-1, 0}); }},
      {"reshape_alias", [](V& in) { return reshape(in[0], {3, 4}); }},
      {"reshape_infer", [](V& in) { return reshape(in[0], {-1, 6}); }},
      {"reshape_same", [](V& in) { return reshape(in[0], {2, 3}); }},
      {"reshape_copy", [](V& in) { return reshape(t(in[0]), {6}); }},
      {"reshape_copy_int", [](V& in) { return reshape(t(in[0]), {3, 2}); }},
      {"reshape_column", [](V& in) { return reshape(in[0], {-1, 1}); }},
      {"reshape_0d", [](V& in) { return reshape(in[0], {1}); }},
      {"reshape_err", [](V& in) { return reshape(in[0], {4, 2}); }},
      {"flatten_all", [](V& in) { return flatten(in[0]); }},
      {"flatten_from1", [](V& in) { return flatten(in[0], 1); }},
      {"flatten_mid", [](V& in) { return flatten(in[0], 1, 2); }},
      {"flatten_same_dim", [](V& in) { return flatten(in[0], 0, 0); }},
      {"flatten_1d", [](V& in) { return flatten(in[0]); }},
      {"flatten_0d", [](V& in) { return flatten(in[0]); }},
      {"flatten_transposed", [](V& in) { return flatten(t(in[0])); }},
      {"flatten_err_order", [](V& in) { return flatten(in[0], 1, 0); }},
      {"flatten_err_dim", [](V& in) { return flatten(in[0], 3); }},
      {"squeeze_all", [](V& in) { return squeeze(in[0]); }},
      {"squeeze_dim0", [](V& in) { return squeeze(in[0], 0); }},
      {"squeeze_dim_noop", [](V& in) { return squeeze(in[0], 1); }},
      {"squeeze_neg", [](V& in) { return squeeze(in[0], -1); }},
      {"squeeze_nothing", [](V& in) { return squeeze(in[0]); }},
      {"squeeze_to_0d", [](V& in) { return squeeze(in[0]); }},
      {"squeeze_0d", [](V& in) { return squeeze(in[0], 0); }},
      {"squeeze_err", [](V& in) { return squeeze(in[0], 2); }},
      {"unsqueeze_0", [](V& in) { return unsqueeze(in[0], 0); }},
      {"unsqueeze_1", [](V& in) { return unsqueeze(in[0], 1); }},
      {"unsqueeze_neg", [](V& in) { return unsqueeze(in[0], -1); }},
      {"unsqueeze_0d", [](V& in) { return unsqueeze(in[0], -1); }},
      {"unsqueeze_transposed", [](V& in) { return unsqueeze(t(in[0]), 1); }},
      {"unsqueeze_int", [](V& in) { return unsqueeze(in[0], 0); }},
      {"unsqueeze_err", [](V& in) { return unsqueeze(in[0], -4); }},
      {"view_broadcast_add", [](V& in) { return add(view(in[0], {3, 1}), view(in[0], {1, 3})); }},
      {"transpose_2d", [](V& in) { return transpose(in[0], 0, 1); }},
      {"transpose_3d", [](V& in) { return transpose(in[0], 0, 2); }},
      {"transpose_neg", [](V& in) { return transpose(in[0], -1, 1); }},
      {"transpose_same", [](V& in) { return transpose(in[0], 1, 1); }},
      {"transpose_0d", [](V& in) { return transpose(in[0], 0, -1); }},
      {"transpose_err", [](V& in) { return transpose(in[0], 0, 2); }},
      {"t_2d", [](V& in) { return t(in[0]); }},
      {"t_1d", [](V& in) { return t(in[0]); }},
      {"t_0d", [](V& in) { return t(in[0]); }},
      {"t_int", [](V& in) { return t(in[0]); }},
      {"t_err", [](V& in) { return t(in[0]); }},
      {"T_2d", [](V& in) { return T(in[0]); }},
      {"T_1d", [](V& in) { return T(in[0]); }},
      {"T_3d", [](V& in) { return T(in[0]); }},
      {"T_0d", [](V& in) { return T(in[0]); }},
      {"permute_3d", [](V& in) { return permute(in[0], {2, 0, 1}); }},
      {"permute_neg", [](V& in) { return permute(in[0], {-1, 0, 1}); }},
      {"permute_identity", [](V& in) { return permute(in[0], {0, 1}); }},
      {"permute_err_count", [](V& in) { return permute(in[0], {0}); }},
      {"permute_err_dup", [](V& in) { return permute(in[0], {0, 0}); }},
      {"permute_err_dim", [](V& in) { return permute(in[0], {0, 2}); }},
      {"expand_new_dims", [](V& in) { return expand(in[0], {2, 3, 4}); }},
      {"expand_keep", [](V& in) { return expand(in[0], {-1, 2}); }},
      {"expand_same", [](V& in) { return expand(in[0], {4}); }},
      {"expand_0d", [](V& in) { return expand(in[0], {3}); }},
      {"expand_to_zero", [](V& in) { return expand(in[0], {0, 3}); }},
      {"expand_int", [](V& in) { return expand(in[0], {3, 2}); }},
      {"expand_err_fewer", [](V& in) { return expand(in[0], {3}); }},
      {"expand_err_size", [](V& in) { return expand(in[0], {3, 3}); }},
      {"expand_err_leading", [](V& in) { return expand(in[0], {-1, 2, 3}); }},
      {"expand_err_negative", [](V& in) { return expand(in[0], {2, -2}); }},
      {"cat_dim0", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_dim1", [](V& in) { return cat({in[0], in[1]}, 1); }},
      {"cat_neg_dim", [](V& in) { return cat({in[0], in[1]}, -1); }},
      {"cat_three", [](V& in) { return cat({in[0], in[1], in[2]}); }},
      {"cat_one", [](V& in) { return cat({in[0]}); }},
      {"cat_int_float", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_bool_int", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_f32_f64", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_legacy_empty", [](V& in) { return cat({in[0], in[1]}, 1); }},
      {"cat_all_empty", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_zero_rows", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_transposed", [](V& in) { return cat({t(in[0]), in[1]}); }},
      {"cat_err_0d", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_err_ndim", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_err_size", [](V& in) { return cat({in[0], in[1]}); }},
      {"cat_err_size_dim1", [](V& in) { return cat({in[0], in[1]}, 1); }},
      {"cat_err_dim", [](V& in) { return cat({in[0], in[1]}, 1); }},
      {"stack_dim0", [](V& in) { return stack({in[0], in[1]}); }},
      {"stack_dim1", [](V& in) { return stack({in[0], in[1]}, 1); }},
      {"stack_neg", [](V& in) { return stack({in[0], in[1], in[2]}, -1); }},
      {"stack_mid", [](V& in) { return stack({in[0], in[1]}, 1); }},
      {"stack_0d", [](V& in) { return stack({in[0], in[1]}); }},
      {"stack_promote", [](V& in) { return stack({in[0], in[1]}); }},
      {"stack_err_size", [](V& in) { return stack({in[0], in[1]}, 1); }},
      {"stack_err_dim", [](V& in) { return stack({in[0], in[1]}, 3); }},
      {"flip_1d", [](V& in) { return flip(in[0], {0}); }},
      {"flip_rows", [](V& in) { return flip(in[0], {0}); }},
      {"flip_both", [](V& in) { return flip(in[0], {0, 1}); }},
      {"flip_neg", [](V& in) { return flip(in[0], {-1}); }},
      {"flip_none", [](V& in) { return flip(in[0], {}); }},
      {"flip_transposed", [](V& in) { return flip(t(in[0]), {0}); }},
      {"flip_0d", [](V& in) { return flip(in[0], {0}); }},
      {"flip_bool", [](V& in) { return flip(in[0], {0}); }},
      {"flip_err_dup", [](V& in) { return flip(in[0], {1, -1}); }},
      {"flip_err_dim", [](V& in) { return flip(in[0], {2}); }},
      {"clone_plain", [](V& in) { return clone(in[0]); }},
      {"clone_transposed", [](V& in) { return clone(t(in[0])); }},
      {"clone_column", [](V& in) { return clone(index(in[0], {S(N, N), S(1, N)})); }},
      {"clone_expanded", [](V& in) { return clone(expand(in[0], {2, 3})); }},
      {"clone_int", [](V& in) { return clone(in[0]); }},
      {"clone_0d", [](V& in) { return clone(in[0]); }},
      {"contiguous_already", [](V& in) { return contiguous(in[0]); }},
      {"contiguous_transposed", [](V& in) { return contiguous(t(in[0])); }},
      {"detach_plain", [](V& in) { return detach(in[0]); }},
      {"repeat_1d", [](V& in) { return repeat(in[0], {2, 2}); }},
      {"repeat_2d", [](V& in) { return repeat(in[0], {2, 1, 2}); }},
      {"repeat_ones", [](V& in) { return repeat(in[0], {1, 1}); }},
      {"repeat_zero", [](V& in) { return repeat(in[0], {0}); }},
      {"repeat_0d", [](V& in) { return repeat(in[0], {2}); }},
      {"repeat_transposed", [](V& in) { return repeat(t(in[0]), {2, 2}); }},
      {"repeat_err_fewer", [](V& in) { return repeat(in[0], {2}); }},
      {"repeat_err_negative", [](V& in) { return repeat(in[0], {-1, 1}); }},
  };
  // clang-format on
  fixtures::run_fixture_cases("shape.txt", cases);
}

// Raw element write through t's strides (float32), to observe aliasing without autograd.
void set_f(const Tensor& t, std::initializer_list<int64_t> idx, float v) {
  int64_t off = t->offset;
  int d = 0;
  for (int64_t i : idx) off += i * t.strides()[d++];
  static_cast<float*>(t->storage->data)[off] = v;
}

TEST(ShapeViews, WritesThroughEveryViewReachTheBase) {
  Tensor a = arange_f(6);
  Tensor m = view(a, {2, 3});
  set_f(m, {1, 2}, 50.0f);
  EXPECT_EQ(element_as_double(a, 5), 50.0);
  set_f(reshape(a, {3, 2}), {0, 1}, 51.0f);
  EXPECT_EQ(element_as_double(a, 1), 51.0);
  set_f(t(m), {2, 0}, 52.0f);  // m[0, 2]
  EXPECT_EQ(element_as_double(a, 2), 52.0);
  set_f(T(m), {0, 1}, 53.0f);  // m[1, 0]
  EXPECT_EQ(element_as_double(a, 3), 53.0);
  set_f(transpose(m, 0, 1), {1, 1}, 54.0f);  // m[1, 1]
  EXPECT_EQ(element_as_double(a, 4), 54.0);
  set_f(permute(unsqueeze(m, 0), {2, 0, 1}), {0, 0, 0}, 55.0f);
  EXPECT_EQ(element_as_double(a, 0), 55.0);
  set_f(squeeze(unsqueeze(a, 1)), {1}, 56.0f);
  EXPECT_EQ(element_as_double(a, 1), 56.0);
  set_f(flatten(m), {2}, 57.0f);
  EXPECT_EQ(element_as_double(a, 2), 57.0);
  set_f(detach(a), {3}, 58.0f);
  EXPECT_EQ(element_as_double(a, 3), 58.0);
  // An expanded view reads the base's one element everywhere.
  Tensor e = expand(view(a, {6, 1}), {6, 4});
  set_f(a, {4}, 59.0f);
  for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(element_as_double(e, 4 * 4 + j), 59.0);
}

TEST(ShapeViews, ViewsAreMetadataOnly) {
  Tensor a = arange_f(24);
  const int64_t bytes = current_context().bytes_in_use;
  Tensor v = permute(view(a, {2, 3, 4}), {2, 0, 1});
  Tensor w = expand(unsqueeze(squeeze(v), 0), {5, 4, 2, 3});
  Tensor f = flatten(T(reshape(a, {4, 6})), 0, 0);
  EXPECT_EQ(current_context().bytes_in_use, bytes);
  EXPECT_EQ(w->storage, a->storage);
  EXPECT_EQ(f->storage, a->storage);
  EXPECT_EQ(w.strides(), Shape({0, 1, 12, 4}));
}

TEST(ShapeViews, ReshapeAliasesContiguousAndCopiesOtherwise) {
  Tensor a = view(arange_f(6), {2, 3});
  Tensor r = reshape(a, {3, 2});
  EXPECT_EQ(r->storage, a->storage);
  Tensor c = reshape(t(a), {6});  // not viewable: a copy
  EXPECT_NE(c->storage, a->storage);
  EXPECT_EQ(to_doubles(c), std::vector<double>({0, 3, 1, 4, 2, 5}));
  set_f(c, {0}, 100.0f);
  EXPECT_EQ(element_as_double(a, 0), 0.0);
  // A column slice is viewable after all (its stride pattern allows it).
  Tensor col = index(a, {S(N, N), S(1, 2)});
  EXPECT_EQ(reshape(col, {2})->storage, a->storage);
  expect_error([&] { view(t(a), {6}); }, "RuntimeError",
               "view size is not compatible with input tensor's size and stride (at least one "
               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
}

TEST(ShapeViews, ReturnTheInputItselfWherePyTorchDoes) {
  Tensor a = view(arange_f(6), {2, 3});
  EXPECT_TRUE(contiguous(a).same(a));
  EXPECT_TRUE(flatten(a, 1, 1).same(a));
  Tensor v = arange_f(3);
  EXPECT_TRUE(flatten(v).same(v));
  EXPECT_FALSE(contiguous(t(a)).same(a));
  EXPECT_TRUE(contiguous(t(a)).is_contiguous());
}

TEST(ShapeViews, VersionCounterIsSharedThroughViews) {
  Tensor a = arange_f(6);
  Tensor v = t(view(a, {2, 3}));
  const uint32_t before = a->storage->version;
  Tensor row = index(v, {IndexItem::integer(1)});
  index_put_(row, {IndexItem::integer(0)}, wrapped_scalar(Scalar::from_double(9.0)));
  EXPECT_EQ(a->storage->version, before + 1);
  EXPECT_EQ(element_as_double(a, 1), 9.0);
  Tensor d = detach(a);
  index_put_(d, {IndexItem::integer(0)}, wrapped_scalar(Scalar::from_double(8.0)));
  EXPECT_EQ(a->storage->version, before + 2);
  EXPECT_EQ(element_as_double(a, 0), 8.0);
}

TEST(ShapeViews, DetachHasNoHistory) {
  Tensor x = vals({1, 2, 3}, Shape{3});
  x.set_requires_grad(true);
  Tensor y = view(x, {3, 1});
  Tensor d = detach(y);
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_EQ(d->storage, x->storage);
  EXPECT_TRUE(y.requires_grad());
  EXPECT_STREQ(grad_fn_name(y.grad_fn()->op), "ViewBackward0");
}

TEST(ShapeViews, NoHistoryWithoutGradMode) {
  Tensor x = vals({1, 2, 3, 4}, Shape{4});
  x.set_requires_grad(true);
  NoGradGuard no_grad;
  Tensor y = T(unsqueeze(view(x, {2, 2}), 0));
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.grad_fn(), nullptr);
}

// Gradients by hand: a chain of views maps each output element back to one input element.
TEST(ShapeViews, GradientsFollowTheGeometry) {
  Tensor x = vals({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  x.set_requires_grad(true);
  Tensor y = flatten(permute(unsqueeze(x, 0), {2, 1, 0}));  // y[k] = x.T.flatten()[k]
  backward(y, vals({10, 20, 30, 40, 50, 60}, Shape{6}));
  // y = [x00, x10, x01, x11, x02, x12]
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({10, 30, 50, 20, 40, 60}));

  Tensor z = vals({1, 2, 3}, Shape{3, 1});
  z.set_requires_grad(true);
  backward(expand(z, {2, 3, 4}), ones(Shape{2, 3, 4}));
  EXPECT_EQ(to_doubles(z.grad()), std::vector<double>({8, 8, 8}));
}

TEST(ShapeViews, ReshapeCopyRecordsCloneThenUnsafeView) {
  Tensor x = vals({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  x.set_requires_grad(true);
  Tensor r = reshape(t(x), {6});
  ASSERT_NE(r.grad_fn(), nullptr);
  EXPECT_STREQ(grad_fn_name(r.grad_fn()->op), "UnsafeViewBackward0");
  const Node* clone_node = r.grad_fn()->next[0].fn;
  EXPECT_STREQ(grad_fn_name(clone_node->op), "CloneBackward0");
  EXPECT_STREQ(grad_fn_name(clone_node->next[0].fn->op), "TBackward0");
}

TEST(ShapeViews, EmptyTensorsAreContiguous) {
  // torch.zeros(0, 3).view(3, 0).is_contiguous() is True: PyTorch's compute_contiguous
  // returns true for numel == 0 before looking at strides.
  Tensor e = view(zeros(Shape{0, 3}), {3, 0});
  EXPECT_TRUE(e.is_contiguous());
  EXPECT_TRUE(expand(zeros(Shape{1, 3}), {0, 3}).is_contiguous());
}

TEST(ShapeViews, ErrorsNameTheDimensionLikePyTorch) {
  Tensor a = view(arange_f(6), {2, 3});
  expect_error([&] { unsqueeze(a, 3); }, "IndexError",
               "Dimension out of range (expected to be in range of [-3, 2], but got 3)");
  expect_error([&] { squeeze(a, -3); }, "IndexError",
               "Dimension out of range (expected to be in range of [-2, 1], but got -3)");
  expect_error([&] { expand(a, {3}); }, "RuntimeError",
               "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must "
               "be greater or equal to the number of dimensions in the tensor (2)");
  expect_error(
      [&] {
        view(a, {-1, 4});
      },
      "RuntimeError", "shape '[-1, 4]' is invalid for input of size 6");
}

}  // namespace
}  // namespace gradlab
