// Internal to the reduction family (reduce*.cpp): the iteration order PyTorch 1.13's
// TensorIterator gives a reduction, so float results round exactly as torch's do.
//
// TensorIterator (aten/src/ATen/TensorIterator.cpp) takes the input's dims, gives the output
// stride 0 in every reduced dim, sorts the dims (reorder_dimensions: reduced dims innermost,
// then by increasing stride), merges dims that are contiguous in both operands
// (coalesce_dimensions), and with one thread calls the kernel's 2-D loop once per slab of
// the two innermost dims (serial_for_each). The kernels (cascade sum, products, Welford)
// then see the same (size0, size1, strides) torch's kernels see.
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace gradlab {
namespace reduce_detail {

// The dims a reduction runs over: dims wrapped, duplicates rejected with torch's error.
// `dims` empty means every dim.
struct DimMask {
  bool reduced[kMaxDims] = {};
};
DimMask make_dim_mask(const std::vector<int64_t>& dims, int ndim);
// The result shape: reduced dims removed, or kept as 1 when keepdim.
Shape reduced_shape(const Shape& sizes, const DimMask& mask, bool keepdim);

// A reduction's iteration space after TensorIterator's reorder and coalesce, in elements.
struct ReducePlan {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t in_stride[kMaxDims] = {};
  int64_t out_stride[kMaxDims] = {};
};
// `in_strides` are the input's; the output is contiguous in the keepdim shape.
ReducePlan make_plan(const Shape& sizes, const Shape& in_strides, const DimMask& mask);

// One 2-D slab of the iteration, as torch's loop2d receives it (strides in elements).
struct Slab {
  int64_t in = 0, out = 0;  // element offsets of the slab's first element
  int64_t size0 = 1, size1 = 1;
  int64_t in_s0 = 0, in_s1 = 0;
  int64_t out_s0 = 0, out_s1 = 0;
};

// serial_for_each: calls f(slab) for each 2-D slab, outer dims in order (dim 2 fastest).
template <typename F>
void for_each_slab(const ReducePlan& p, int64_t in_base, int64_t out_base, F&& f) {
  Slab s;
  s.in = in_base;
  s.out = out_base;
  if (p.ndim <= 1) {
    s.size0 = p.ndim == 1 ? p.shape[0] : 1;
    s.in_s0 = p.ndim == 1 ? p.in_stride[0] : 0;
    s.out_s0 = p.ndim == 1 ? p.out_stride[0] : 0;
    f(s);
    return;
  }
  s.size0 = p.shape[0];
  s.size1 = p.shape[1];
  s.in_s0 = p.in_stride[0];
  s.in_s1 = p.in_stride[1];
  s.out_s0 = p.out_stride[0];
  s.out_s1 = p.out_stride[1];
  int64_t idx[kMaxDims] = {};
  for (;;) {
    f(s);
    int d = 2;
    for (; d < p.ndim; ++d) {
      if (++idx[d] < p.shape[d]) {
        s.in += p.in_stride[d];
        s.out += p.out_stride[d];
        break;
      }
      s.in -= p.in_stride[d] * (p.shape[d] - 1);
      s.out -= p.out_stride[d] * (p.shape[d] - 1);
      idx[d] = 0;
    }
    if (d == p.ndim) return;
  }
}

// The input elements of one output element in TensorIterator order (for kernels that reduce
// element by element: Welford, max/min with indices). Visits f(offset, k) for k = 0.. in
// the order of `reduced dims sorted by increasing input stride`.
struct SubIter {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t stride[kMaxDims] = {};
  int64_t numel = 1;
};
// Splits an input into the (outer) output elements and the (inner) reduced sub-iteration.
struct SplitPlan {
  SubIter outer;  // over the kept dims, in row-major order of the output
  SubIter inner;  // over the reduced dims, in TensorIterator order
};
SplitPlan make_split(const Shape& sizes, const Shape& in_strides, const DimMask& mask);

template <typename F>
void for_each_offset(const SubIter& it, int64_t base, F&& f) {
  if (it.numel == 0) return;
  int64_t idx[kMaxDims] = {};
  int64_t off = base;
  for (int64_t k = 0; k < it.numel; ++k) {
    f(off, k);
    for (int d = 0; d < it.ndim; ++d) {  // dim 0 fastest
      if (++idx[d] < it.shape[d]) {
        off += it.stride[d];
        break;
      }
      off -= it.stride[d] * (it.shape[d] - 1);
      idx[d] = 0;
    }
  }
}

// A gradient of a reduction's result broadcast back over the input's shape as a stride-0
// view; `mask` has one entry per input dim (1 = reduced), `keepdim` as the forward had it.
Tensor expand_reduced_grad(const Tensor& grad, const Shape& in_sizes,
                           const std::vector<int64_t>& mask, bool keepdim);
std::vector<int64_t> mask_ints(const DimMask& m, int nd);
// The gradient converted to the input's dtype (sum(dtype=...) of another dtype).
Tensor cast_grad(const Tensor& g, DType dt);

}  // namespace reduce_detail
}  // namespace gradlab
