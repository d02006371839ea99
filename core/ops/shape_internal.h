// Private to core/ops: geometry and copy helpers shared by the shape and indexing families
// (shape.cpp, shape_copy.cpp, indexing.cpp, indexing_advanced.cpp). No autograd here unless a
// function says it records.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "autograd/node.h"
#include "tensor/tensor.h"

namespace gradlab {
namespace shape_detail {

// "[4, -1]" as PyTorch prints an int list in messages.
std::string ints_str(const std::vector<int64_t>& v);

// PyTorch's infer_size: the one -1 resolved against numel, with its errors ("shape '[4, 2]'
// is invalid for input of size 6", "only one dimension can be inferred", ...).
Shape infer_size(const std::vector<int64_t>& shape, int64_t numel);

// PyTorch's computeStride: the strides that view a tensor of (old_sizes, old_strides) as
// new_sizes without copying; false when no such strides exist.
bool view_strides(const Shape& old_sizes, const Shape& old_strides, const Shape& new_sizes,
                  Shape& out);

// t with new sizes: a view when the strides allow, else a contiguous copy. No autograd (used
// by backward functions, which run with grad mode off).
Tensor reshape_nograd(const Tensor& t, const Shape& sizes);

// PyTorch's inferExpandGeometry for t.expand(sizes), with its errors.
void expand_geometry(const Tensor& t, const std::vector<int64_t>& sizes, Shape& out_sizes,
                     Shape& out_strides);
Tensor expand_view(const Tensor& t, const Shape& sizes);  // no autograd

// Copies src into dst (same sizes; src may broadcast with stride 0 or run backwards),
// converting the dtype. For freshly allocated results: no version bump, no autograd, no
// overlap handling.
void copy_values(const Tensor& dst, const Tensor& src);

// c10's is_non_overlapping_and_dense: the elements fill a block of memory exactly once.
bool non_overlapping_and_dense(const Tensor& t);
// A new tensor with t's sizes whose layout follows t's when t is dense (PyTorch's
// empty_like(preserve_format)), contiguous otherwise. Zero-filled.
Tensor empty_like_preserve(const Tensor& t, DType dtype);

// The view t[..., i, ...] (i already in range, dim wrapped), no autograd.
Tensor select_view(const Tensor& t, int dim, int64_t i);

// at::slice: Python slice bounds clamped as PyTorch does (step > 0), recording
// SliceBackward0. start/stop default to 0 / INT64_MAX.
Tensor slice(const Tensor& a, int64_t dim, int64_t start, int64_t stop, int64_t step);
// at::alias: a new view of the whole tensor, recording AliasBackward0 (what x[...] gives).
Tensor alias(const Tensor& a);

// Ops whose output is a view of their input (ViewBackward0, SelectBackward0, ...).
bool is_view_op(OpId op);
// True when `a` is (through view ops only) a view of a leaf that requires grad: PyTorch's
// "a view of a leaf Variable that requires grad is being used in an in-place operation."
bool is_view_of_leaf(const Tensor& a);

// --- advanced indexing (indexing_advanced.cpp) -------------------------------------------------
// `indices` has one entry per leading dim of self (undefined = that dim is not indexed), as
// PyTorch's at::index receives them after basic slicing.

// self[indices], recording IndexBackward0.
Tensor advanced_index(const Tensor& self, const std::vector<Tensor>& indices);

// What `self[indices] = value` will write, with every check PyTorch's index_put_ makes done
// (value broadcastable to the indexing result, matching dtype, indices in range, no overlap
// with self). Preparing writes nothing.
struct PreparedPut {
  Tensor target;             // self, dims permuted so the indexed ones are adjacent
  int first = 0, k = 0;      // the indexed dims of target: [first, first + k)
  Shape bshape;              // broadcast shape of the indices
  std::vector<int64_t> idx;  // numel(bshape) x k wrapped indices, row-major
  Tensor values;             // contiguous, of the indexing result's shape, self's dtype
};
PreparedPut prepare_index_put(const Tensor& self, const std::vector<Tensor>& indices,
                              const Tensor& value);
// Writes a prepared put (no version bump, no autograd).
void run_index_put(const PreparedPut& p);

// PyTorch's get_overlap_status(a, b) is Partial or Full: dense tensors whose memory ranges
// intersect (tensors that are not dense are "too hard" and never reported).
bool overlaps(const Tensor& a, const Tensor& b);

}  // namespace shape_detail
}  // namespace gradlab
