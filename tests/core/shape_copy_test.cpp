// The copying shape ops (core/ops/shape_copy.cpp): cat, stack, flip, clone, contiguous,
// repeat. Results own their memory; gradients split / flip / sum back exactly. (Their
// PyTorch fixture cases run in shape_test.cpp.)
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace gradlab {
namespace {

Tensor vals(std::vector<double> v, Shape s, DType dt = DType::Float32) {
  return from_doubles(v, s, dt);
}
Tensor leaf(std::vector<double> v, Shape s, DType dt = DType::Float32) {
  Tensor t = from_doubles(v, s, dt);
  t.set_requires_grad(true);
  return t;
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

TEST(ShapeCopy, ResultsOwnTheirMemory) {
  Tensor a = vals({1, 2, 3, 4}, Shape{2, 2});
  for (const Tensor& r :
       {cat({a}), stack({a}), flip(a, {}), clone(a), repeat(a, {1, 1}), contiguous(t(a))}) {
    EXPECT_NE(r->storage, a->storage);
  }
  Tensor c = clone(a);
  index_put_(c, {IndexItem::integer(0)}, wrapped_scalar(Scalar::from_double(9.0)));
  EXPECT_EQ(to_doubles(a), std::vector<double>({1, 2, 3, 4}));
  EXPECT_EQ(to_doubles(c), std::vector<double>({9, 9, 3, 4}));
}

TEST(ShapeCopy, CatSplitsTheGradientBack) {
  Tensor a = leaf({1, 2, 3, 4}, Shape{2, 2});
  Tensor b = leaf({5, 6}, Shape{2, 1});
  Tensor out = cat({a, b}, 1);
  EXPECT_EQ(to_doubles(out), std::vector<double>({1, 2, 5, 3, 4, 6}));
  EXPECT_STREQ(grad_fn_name(out.grad_fn()->op), "CatBackward0");
  backward(out, vals({10, 20, 30, 40, 50, 60}, Shape{2, 3}));
  EXPECT_EQ(to_doubles(a.grad()), std::vector<double>({10, 20, 40, 50}));
  EXPECT_EQ(to_doubles(b.grad()), std::vector<double>({30, 60}));
}

TEST(ShapeCopy, CatPromotesAndCastsGradientsBack) {
  Tensor a = leaf({1, 2}, Shape{2}, DType::Float32);
  Tensor b = leaf({3}, Shape{1}, DType::Float64);
  Tensor i = from_int64s({7}, Shape{1}, DType::Int64);
  Tensor out = cat({a, i, b});
  EXPECT_EQ(out.dtype(), DType::Float64);
  EXPECT_EQ(to_doubles(out), std::vector<double>({1, 2, 7, 3}));
  backward(out, vals({1, 2, 3, 4}, Shape{4}, DType::Float64));
  EXPECT_EQ(a.grad().dtype(), DType::Float32);
  EXPECT_EQ(to_doubles(a.grad()), std::vector<double>({1, 2}));
  EXPECT_EQ(to_doubles(b.grad()), std::vector<double>({4}));
}

TEST(ShapeCopy, StackSelectsTheGradientBack) {
  Tensor x = leaf({1, 2, 3}, Shape{3});
  Tensor y = leaf({4, 5, 6}, Shape{3});
  Tensor s = stack({x, y}, 1);  // [[1, 4], [2, 5], [3, 6]]
  EXPECT_EQ(s.sizes(), Shape({3, 2}));
  EXPECT_EQ(to_doubles(s), std::vector<double>({1, 4, 2, 5, 3, 6}));
  backward(s, vals({1, 2, 3, 4, 5, 6}, Shape{3, 2}));
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({1, 3, 5}));
  EXPECT_EQ(to_doubles(y.grad()), std::vector<double>({2, 4, 6}));
}

TEST(ShapeCopy, FlipReversesAndFlipsTheGradient) {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  Tensor f = flip(x, {0, 1});
  EXPECT_EQ(to_doubles(f), std::vector<double>({6, 5, 4, 3, 2, 1}));
  backward(f, vals({1, 2, 3, 4, 5, 6}, Shape{2, 3}));
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({6, 5, 4, 3, 2, 1}));
  Tensor sq = from_int64s({0, 1, 4, 9, 16, 25, 36, 49, 64, 81}, Shape{10}, DType::Int64);
  EXPECT_EQ(to_int64s(flip(sq, {0})), std::vector<int64_t>({81, 64, 49, 36, 25, 16, 9, 4, 1, 0}));
}

TEST(ShapeCopy, CloneKeepsADenseLayoutAndContiguousDoesNot) {
  Tensor a = vals({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  Tensor ct = clone(t(a));
  EXPECT_EQ(ct.strides(), Shape({1, 3}));
  EXPECT_FALSE(ct.is_contiguous());
  EXPECT_EQ(to_doubles(ct), std::vector<double>({1, 4, 2, 5, 3, 6}));
  Tensor c = contiguous(t(a));
  EXPECT_EQ(c.strides(), Shape({2, 1}));
  EXPECT_EQ(to_doubles(c), std::vector<double>({1, 4, 2, 5, 3, 6}));
  // Not dense (a column slice): a contiguous clone.
  Tensor col = clone(index(a, {IndexItem::slice(std::nullopt, std::nullopt, std::nullopt),
                               IndexItem::slice(1, std::nullopt, std::nullopt)}));
  EXPECT_EQ(col.strides(), Shape({2, 1}));
}

TEST(ShapeCopy, RepeatTilesAndSumsTheGradient) {
  Tensor x = leaf({1, 2, 3}, Shape{3});
  Tensor r = repeat(x, {2, 2});
  EXPECT_EQ(r.sizes(), Shape({2, 6}));
  EXPECT_EQ(to_doubles(r), std::vector<double>({1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
  backward(r, vals({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Shape{2, 6}));
  EXPECT_EQ(to_doubles(x.grad()),
            std::vector<double>({1 + 4 + 7 + 10, 2 + 5 + 8 + 11, 3 + 6 + 9 + 12}));
  Tensor z = repeat(x, {0});
  EXPECT_EQ(z.sizes(), Shape({0}));
  expect_error(
      [&] {
        repeat(vals({1, 2, 3, 4}, Shape{2, 2}), {2});
      },
      "RuntimeError",
      "Number of dimensions of repeat dims can not be smaller than number of dimensions "
      "of tensor");
}

TEST(ShapeCopy, CatAndStackErrors) {
  Tensor a = vals({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  expect_error([&] { cat(std::vector<Tensor>{}); }, "RuntimeError",
               "torch.cat(): expected a non-empty list of Tensors");
  expect_error(
      [&] {
        cat({a, vals({1, 2}, Shape{1, 2})});
      },
      "RuntimeError",
      "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 2 "
      "for tensor number 1 in the list.");
  expect_error(
      [&] {
        stack({a, t(a)});
      },
      "RuntimeError",
      "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at "
      "entry 1");
  expect_error(
      [&] {
        flip(a, {0, -2});
      },
      "RuntimeError", "dim 0 appears multiple times in the list of dims");
}

}  // namespace
}  // namespace gradlab
