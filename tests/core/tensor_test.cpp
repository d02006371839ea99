// core/tensor/tensor.cpp: the block caches behind tensor, storage and node allocation (recycled
// blocks come back zero-filled, the memory accounting is unchanged, the caches are bounded)
// and the inline geometry helpers.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace gradlab {
namespace {

constexpr int kMax = BlockCache::kMaxBlocks;  // 0 under AddressSanitizer: nothing is cached

TEST(BlockCache, KeepsAtMostItsLimitAndHandsBlocksBack) {
  BlockCache cache;
  std::vector<void*> blocks;
  for (int i = 0; i < kMax + 3; ++i) blocks.push_back(cache.get(32));
  for (void* b : blocks) ASSERT_NE(b, nullptr);
  for (void* b : blocks) cache.put(b);
  EXPECT_EQ(cache.cached(), kMax);
  if (kMax > 0) {
    // Last in, first out: the next block handed out is the last one kept.
    void* again = cache.get(32);
    EXPECT_EQ(again, blocks[size_t(kMax) - 1]);
    EXPECT_EQ(cache.cached(), kMax - 1);
    cache.put(again);
  }
}

TEST(BlockCache, ATensorsBlocksAreRecycledAndComeBackZeroed) {
  ExecutionContext ctx;
  ExecutionScope scope(ctx);
  TensorImpl* first;
  {
    Tensor t = from_doubles({1, 2, 3}, Shape{3}, DType::Float32);
    first = t.get();
    EXPECT_EQ(ctx.live_tensors, 1);
    EXPECT_EQ(ctx.bytes_in_use, 12);
  }
  EXPECT_EQ(ctx.live_tensors, 0);
  EXPECT_EQ(ctx.bytes_in_use, 0);
  EXPECT_EQ(ctx.tensor_blocks.cached(), std::min(1, kMax));
  EXPECT_EQ(ctx.storage_blocks.cached(), std::min(1, kMax));
  Tensor u = empty(Shape{2, 2}, DType::Float32);
  if (kMax > 0) {
    EXPECT_EQ(u.get(), first);
  }
  EXPECT_EQ(to_doubles(u), (std::vector<double>{0, 0, 0, 0}));
  EXPECT_EQ(u.sizes(), (Shape{2, 2}));
  EXPECT_EQ(u.strides(), (Shape{2, 1}));
  EXPECT_FALSE(u.requires_grad());
  EXPECT_EQ(u.grad_fn(), nullptr);
  EXPECT_EQ(ctx.bytes_in_use, 16);
}

TEST(BlockCache, LargeStoragesAreNotCached) {
  ExecutionContext ctx;
  ExecutionScope scope(ctx);
  { Tensor big = empty(Shape{kSmallStorageBytes / 4 + 1}, DType::Float32); }
  EXPECT_EQ(ctx.storage_blocks.cached(), 0);
  EXPECT_EQ(ctx.tensor_blocks.cached(), std::min(1, kMax));
  EXPECT_EQ(ctx.bytes_in_use, 0);
  { Tensor small = empty(Shape{kSmallStorageBytes / 4}, DType::Float32); }
  EXPECT_EQ(ctx.storage_blocks.cached(), std::min(1, kMax));
}

TEST(BlockCache, GraphNodesAreRecycled) {
  ExecutionContext ctx;
  ExecutionScope scope(ctx);
  Tensor w = from_doubles({1, 2, 3}, Shape{3}, DType::Float32);
  w.set_requires_grad(true);
  for (int step = 0; step < 3; ++step) {
    Tensor loss = sum(mul(w, w));  // MulBackward0, SumBackward0 and w's AccumulateGrad
    backward(loss);
  }
  EXPECT_EQ(to_doubles(w.grad()), (std::vector<double>{6, 12, 18}));
  // The graph died with `loss`; the accumulator died with it (w holds it only weakly).
  EXPECT_EQ(ctx.node_blocks.cached(), std::min(3, kMax));
}

TEST(TensorGeometry, ContiguityOfVectorsAndMatrices) {
  Tensor m = empty(Shape{2, 3}, DType::Float32);
  EXPECT_TRUE(m.is_contiguous());
  EXPECT_FALSE(make_view(m, Shape{3, 2}, Shape{1, 3}, 0).is_contiguous());
  EXPECT_TRUE(make_view(m, Shape{3}, Shape{1}, 0).is_contiguous());
  EXPECT_FALSE(make_view(m, Shape{2}, Shape{3}, 0).is_contiguous());  // a column
  EXPECT_TRUE(make_view(m, Shape{1}, Shape{3}, 0).is_contiguous());   // one element
  EXPECT_TRUE(make_view(m, Shape{0}, Shape{7}, 0).is_contiguous());   // empty
  EXPECT_EQ(contiguous_strides(Shape{4, 1, 5}), (Shape{5, 5, 1}));
  EXPECT_EQ(contiguous_strides(Shape{}), Shape{});
}

}  // namespace
}  // namespace gradlab
