// Advanced indexing and the gather/scatter ops (core/ops/indexing_advanced.cpp): results are
// copies, repeated indices accumulate their gradients, masks select, embedding rows, padding
// rows get no gradient. (Their PyTorch fixture cases run in indexing_test.cpp.)
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace gradlab {
namespace {

Tensor floats(std::vector<double> v, Shape s) { return from_doubles(v, s, DType::Float32); }
Tensor leaf(std::vector<double> v, Shape s) {
  Tensor t = from_doubles(v, s, DType::Float32);
  t.set_requires_grad(true);
  return t;
}
Tensor longs(std::vector<int64_t> v, Shape s) { return from_int64s(v, s, DType::Int64); }
IndexItem L(std::vector<int64_t> v) { return IndexItem::of(longs(v, Shape{int64_t(v.size())})); }

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

// conformance case autograd_funcs_index.py
TEST(IndexingAdvanced, RepeatedIndicesAccumulate) {
  Tensor v = leaf({1, 2, 3, 4}, Shape{4});
  backward(sum(index(v, {L({0, 0, 2})})));
  EXPECT_EQ(to_doubles(v.grad()), std::vector<double>({2, 0, 1, 0}));
}

TEST(IndexingAdvanced, MaskSelectsAndRoutesTheGradient) {
  Tensor v = leaf({1, 2, 3, 4}, Shape{4});
  Tensor m = compare(v, wrapped_scalar(Scalar::from_int(2)), CmpOp::Gt);
  Tensor picked = index(v, {IndexItem::of(m)});
  EXPECT_EQ(to_doubles(picked), std::vector<double>({3, 4}));
  EXPECT_STREQ(grad_fn_name(picked.grad_fn()->op), "IndexBackward0");
  backward(sum(picked));
  EXPECT_EQ(to_doubles(v.grad()), std::vector<double>({0, 0, 1, 1}));
}

TEST(IndexingAdvanced, SplitIndicesGoFirst) {
  // x[[0, 1], :, [0, 1]] on (2, 3, 4): the advanced dims are not adjacent, so the result is
  // (2, 3): result[k, j] = x[k, j, k].
  std::vector<double> vals;
  for (int i = 0; i < 24; ++i) vals.push_back(i);
  Tensor x = floats(vals, Shape{2, 3, 4});
  Tensor r =
      index(x, {L({0, 1}), IndexItem::slice(std::nullopt, std::nullopt, std::nullopt), L({0, 1})});
  EXPECT_EQ(r.sizes(), Shape({2, 3}));
  EXPECT_EQ(to_doubles(r), std::vector<double>({0, 4, 8, 13, 17, 21}));
  // Adjacent: x[:, [0, 1], [0, 1]] keeps its place: (2, 2), result[i, k] = x[i, k, k].
  Tensor a =
      index(x, {IndexItem::slice(std::nullopt, std::nullopt, std::nullopt), L({0, 1}), L({0, 1})});
  EXPECT_EQ(a.sizes(), Shape({2, 2}));
  EXPECT_EQ(to_doubles(a), std::vector<double>({0, 5, 12, 17}));
}

// conformance case nn_embedding_grad.py, with its printed weights.
TEST(IndexingAdvanced, EmbeddingLookupAndGradient) {
  Tensor w = leaf({0.8033, 0.1748, 0.0890, -0.6137, 0.0462, -1.3683, 0.3375, 1.0111}, Shape{4, 2});
  Tensor vecs = embedding(w, longs({1, 3, 1}, Shape{3}));
  EXPECT_EQ(vecs.sizes(), Shape({3, 2}));
  EXPECT_EQ(to_doubles(vecs),
            to_doubles(floats({0.0890, -0.6137, 0.3375, 1.0111, 0.0890, -0.6137}, Shape{3, 2})));
  EXPECT_STREQ(grad_fn_name(vecs.grad_fn()->op), "EmbeddingBackward0");
  backward(sum(mul(vecs, floats({1, -1}, Shape{2}))));
  EXPECT_EQ(to_doubles(w.grad()), std::vector<double>({0, 0, 2, -2, 0, 0, 1, -1}));

  Tensor u = embedding(w, scalar_tensor(Scalar::from_int(2), DType::Int64));
  EXPECT_EQ(u.sizes(), Shape({2}));
  Tensor w2 = leaf({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  Tensor e = embedding(w2, longs({0, 1, 1, 2}, Shape{2, 2}));
  EXPECT_EQ(e.sizes(), Shape({2, 2, 2}));
}

TEST(IndexingAdvanced, EmbeddingPaddingRowsGetNoGradient) {
  Tensor w = leaf({1, 2, 3, 4, 5, 6, 7, 8}, Shape{4, 2});
  Tensor out = embedding(w, longs({1, 3, 1, 0}, Shape{4}), 1);
  EXPECT_EQ(to_doubles(out), std::vector<double>({3, 4, 7, 8, 3, 4, 1, 2}));  // still read
  backward(sum(out));
  EXPECT_EQ(to_doubles(w.grad()), std::vector<double>({1, 1, 0, 0, 0, 0, 1, 1}));
  Tensor w2 = leaf({1, 2, 3, 4}, Shape{2, 2});
  backward(sum(embedding(w2, longs({1, 0, 1}, Shape{3}), -1)));  // -1 is the last row
  EXPECT_EQ(to_doubles(w2.grad()), std::vector<double>({1, 1, 0, 0}));
  expect_error([&] { embedding(w, longs({4}, Shape{1})); }, "IndexError",
               "index out of range in self");
  expect_error([&] { embedding(w, longs({0}, Shape{1}), 4); }, "AssertionError",
               "Padding_idx must be within num_embeddings");
}

// The same values in a non-contiguous layout: x's transpose made contiguous, transposed back.
Tensor strided_copy(const Tensor& x) {
  Tensor t = transpose(contiguous(transpose(x, 0, x.dim() - 1)), 0, x.dim() - 1);
  EXPECT_FALSE(t.is_contiguous());
  return t;
}

// x[idx] with one int64 index on a contiguous tensor copies whole rows (index_rows); the
// general plan handles the same index on a strided tensor. Both give the same values, shape,
// gradients (IndexBackward0) and errors.
TEST(IndexingAdvanced, RowIndexFastPathMatchesTheGeneralPath) {
  std::vector<double> vals;
  for (int i = 0; i < 30; ++i) vals.push_back(i * 0.5 - 3);
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {Shape{5, 3, 2}, {0, 4, -1, 2, 2}}, {Shape{5, 6}, {-5, 3}}, {Shape{30}, {7, -30, 29, 7}}};
  for (const auto& [shape, idx] : cases) {
    Tensor fast = leaf(std::vector<double>(vals.begin(), vals.begin() + shape.numel()), shape);
    Tensor slow = leaf(to_doubles(fast), shape);
    Tensor slow_view = shape.size() > 1 ? strided_copy(slow) : slow;
    for (const Shape& ishape : {Shape{int64_t(idx.size())}, Shape{1, int64_t(idx.size())}}) {
      Tensor a = index(fast, {IndexItem::of(longs(idx, ishape))});
      Tensor b = index(slow_view, {IndexItem::of(longs(idx, ishape))});
      EXPECT_EQ(a.sizes(), b.sizes());
      EXPECT_EQ(to_doubles(a), to_doubles(b));
      EXPECT_STREQ(grad_fn_name(a.grad_fn()->op), "IndexBackward0");
      Tensor w =
          from_doubles(std::vector<double>(size_t(a.numel()), 0.0), a.sizes(), DType::Float32);
      for (int64_t i = 0; i < w.numel(); ++i) w.data<float>()[i] = float(i % 7 - 3);
      backward(sum(mul(a, w)));
      backward(sum(mul(b, w)));
    }
    EXPECT_EQ(to_doubles(fast.grad()), to_doubles(slow.grad()));
    // Integer tensors too (users[idx] in a training loop).
    std::vector<double> whole;
    for (int64_t i = 0; i < shape.numel(); ++i) whole.push_back(double(i * 3 - 7));
    Tensor ints = from_doubles(whole, shape, DType::Int64);
    Tensor flts = from_doubles(whole, shape, DType::Float64);
    const Tensor flat_idx = longs(idx, Shape{int64_t(idx.size())});
    EXPECT_EQ(
        to_doubles(index(ints, {IndexItem::of(flat_idx)})),
        to_doubles(index(shape.size() > 1 ? strided_copy(flts) : flts, {IndexItem::of(flat_idx)})));
    for (int64_t bad : {shape[0], -shape[0] - 1}) {
      const std::string msg = "index " + std::to_string(bad) +
                              " is out of bounds for dimension 0 with size " +
                              std::to_string(shape[0]);
      expect_error([&] { index(fast, {L({0, bad, 1})}); }, "IndexError", msg);
      if (shape.size() > 1)
        expect_error([&] { index(slow_view, {L({0, bad, 1})}); }, "IndexError", msg);
    }
  }
  // No elements to read: the general path's answers.
  EXPECT_EQ(index(floats({1, 2}, Shape{2}), {IndexItem::of(longs({}, Shape{0}))}).sizes(),
            Shape({0}));
  expect_error([&] { index(floats({}, Shape{0}), {L({0})}); }, "IndexError",
               "index is out of bounds for dimension with size 0");
}

// embedding copies rows of a contiguous weight; a strided weight takes the general gather.
TEST(IndexingAdvanced, EmbeddingRowCopyMatchesTheStridedGather) {
  std::vector<double> vals;
  for (int i = 0; i < 15; ++i) vals.push_back(i * 0.25 - 1);
  for (int64_t width : {1, 3}) {
    const Shape shape{15 / width, width};
    Tensor fast = leaf(vals, shape);
    Tensor slow = leaf(vals, shape);
    Tensor slow_view = width > 1 ? strided_copy(slow) : slow;
    Tensor idx = longs({2, 0, 4, 2, 1, 4}, Shape{2, 3});
    Tensor a = embedding(fast, idx), b = embedding(slow_view, idx);
    EXPECT_EQ(a.sizes(), Shape({2, 3, width}));
    EXPECT_EQ(to_doubles(a), to_doubles(b));
    backward(sum(mul(a, a)));
    backward(sum(mul(b, b)));
    EXPECT_EQ(to_doubles(fast.grad()), to_doubles(slow.grad()));
    // Indices read in place or copied first (a strided index tensor): the same rows.
    Tensor idx_t = strided_copy(longs({2, 0, 4, 2, 1, 4}, Shape{2, 3}));
    EXPECT_EQ(to_doubles(embedding(fast, idx_t)), to_doubles(embedding(slow_view, idx_t)));
    expect_error(
        [&] {
          embedding(fast, longs({0, -1}, Shape{2}));
        },
        "IndexError", "index out of range in self");
  }
}

TEST(IndexingAdvanced, IndexSelectAndMaskedFillCopy) {
  Tensor a = floats({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  Tensor s = index_select(a, 1, longs({2, 0}, Shape{2}));
  EXPECT_NE(s->storage, a->storage);
  EXPECT_EQ(to_doubles(s), std::vector<double>({3, 1, 6, 4}));
  Tensor m = masked_fill(a, from_int64s({1, 0, 1}, Shape{3}, DType::Bool), Scalar::from_double(-1));
  EXPECT_NE(m->storage, a->storage);
  EXPECT_EQ(to_doubles(m), std::vector<double>({-1, 2, -1, -1, 5, -1}));
  EXPECT_EQ(to_doubles(a), std::vector<double>({1, 2, 3, 4, 5, 6}));
  Tensor i = from_int64s({1, 2, 3}, Shape{3}, DType::Int64);
  EXPECT_EQ(to_int64s(masked_fill(i, from_int64s({0, 1, 0}, Shape{3}, DType::Bool),
                                  Scalar::from_double(7.9))),
            std::vector<int64_t>({1, 7, 3}));
}

TEST(IndexingAdvanced, IndexSelectGradientAccumulates) {
  Tensor x = leaf({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  backward(sum(index_select(x, 0, longs({2, 0, 2}, Shape{3}))));
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({1, 1, 0, 0, 2, 2}));
}

TEST(IndexingAdvanced, MaskedFillGradientIsZeroWhereFilled) {
  Tensor x = leaf({1, 2, 3}, Shape{3});
  // The mask broadcasts x up to (2, 3); the gradient sums back over the new dim.
  Tensor out = masked_fill(x, from_int64s({1, 0, 0, 0, 0, 1}, Shape{2, 3}, DType::Bool),
                           Scalar::from_int(0));
  EXPECT_EQ(out.sizes(), Shape({2, 3}));
  backward(sum(out));
  EXPECT_EQ(to_doubles(x.grad()), std::vector<double>({1, 2, 1}));
}

TEST(IndexingAdvanced, AdvancedAssignmentWritesEachIndexedElement) {
  Tensor a = floats({0, 0, 0, 0, 0, 0}, Shape{2, 3});
  index_put_(a, {L({1, 0}), L({2, 0})}, floats({5, 6}, Shape{2}));
  EXPECT_EQ(to_doubles(a), std::vector<double>({6, 0, 0, 0, 0, 5}));
  index_put_(a, {IndexItem::slice(std::nullopt, std::nullopt, std::nullopt), L({1})},
             floats({7, 8}, Shape{2, 1}));
  EXPECT_EQ(to_doubles(a), std::vector<double>({6, 7, 0, 0, 8, 5}));
  expect_error(
      [&] {
        index_put_(a, {L({0, 2})}, wrapped_scalar(Scalar::from_double(1)));
      },
      "IndexError", "index 2 is out of bounds for dimension 0 with size 2");
}

}  // namespace
}  // namespace gradlab

namespace gradlab {
namespace {

// Graphs through every op of the family free all their tensors (no reference cycles through
// saved tensors or nodes), with or without a backward pass.
TEST(IndexingAdvanced, GraphsFreeEveryTensor) {
  const int64_t live = current_context().live_tensors;
  for (bool run_backward : {false, true}) {
    Tensor x = leaf({1, 2, 3, 4, 5, 6}, Shape{2, 3});
    Tensor z = clone(x);
    index_put_(z, {IndexItem::integer(0)}, floats({7, 8, 9}, Shape{3}));
    index_put_(z, {L({1})}, wrapped_scalar(Scalar::from_double(1.0)));
    const Tensor mask = from_int64s({1, 0, 1}, Shape{3}, DType::Bool);
    Tensor y =
        cat({flatten(T(z)), flatten(index(x, {L({1, 1})})), reshape(repeat(x, {2, 1}), {-1}),
             flatten(embedding(x, longs({1}, Shape{1}))),
             flatten(masked_fill(x, mask, Scalar::from_int(0))), flatten(stack({x, flip(x, {0})})),
             index_select(flatten(x), 0, longs({0}, Shape{1}))});
    if (run_backward) {
      backward(sum(y));
      EXPECT_TRUE(x.grad().defined());
    }
  }
  EXPECT_EQ(current_context().live_tensors, live);
}

}  // namespace
}  // namespace gradlab
