// The elementwise iterator (kernel.h): broadcasting, dtype conversion of inputs, PyTorch's
// result layout and dimension coalescing.
#include "ops/kernel.h"

#include <string>

namespace gradlab {
namespace kernel {

Shape broadcast_pair(const Shape& a, const Shape& b) {
  const int n = a.size() > b.size() ? a.size() : b.size();
  Shape out;
  out.resize(n);
  for (int i = n - 1; i >= 0; --i) {
    const int ia = i - (n - a.size()), ib = i - (n - b.size());
    const int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
    if (sa != sb && sa != 1 && sb != 1)
      runtime_error("The size of tensor a (" + std::to_string(sa) +
                    ") must match the size of tensor b (" + std::to_string(sb) +
                    ") at non-singleton dimension " + std::to_string(i));
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

// True when t's elements exactly fill a block of storage with no gaps or overlaps
// (PyTorch's is_non_overlapping_and_dense).
static bool non_overlapping_and_dense(const Tensor& t) {
  const int nd = t.dim();
  if (nd == 1) return t.sizes()[0] < 2 || t.strides()[0] == 1;
  int perm[kMaxDims];
  for (int i = 0; i < nd; ++i) perm[i] = i;
  // Sort dims by stride (size-1 dims last: their stride is irrelevant).
  for (int i = 1; i < nd; ++i)
    for (int j = i; j > 0; --j) {
      const int a = perm[j - 1], b = perm[j];
      const bool a1 = t.sizes()[a] < 2, b1 = t.sizes()[b] < 2;
      const bool swap = a1 != b1 ? a1 : t.strides()[a] > t.strides()[b];
      if (!swap) break;
      perm[j - 1] = b;
      perm[j] = a;
    }
  int64_t expected = 1;
  for (int i = 0; i < nd; ++i) {
    const int d = perm[i];
    if (t.sizes()[d] == 1) continue;
    if (t.strides()[d] != expected) return false;
    expected *= t.sizes()[d];
  }
  return true;
}

Tensor empty_like_layout(const Tensor& like, DType dtype) {
  if (like.is_contiguous()) return empty(like.sizes(), dtype);
  Tensor flat = empty(Shape{like.numel()}, dtype);
  // Dense: the same strides, over a fresh storage of exactly numel elements.
  if (non_overlapping_and_dense(like)) return make_view(flat, like.sizes(), like.strides(), 0);
  // Otherwise PyTorch's infer_dense_strides: dense strides in the order of like's strides
  // (insertion sort from C order; 0 strides are ambiguous and stay put).
  const int nd = like.dim();
  const Shape& sz = like.sizes();
  const Shape& st = like.strides();
  int perm[kMaxDims];
  for (int i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  auto should_swap = [&](int d0, int d1) {
    if (st[d0] == 0 || st[d1] == 0) return 0;
    if (st[d0] < st[d1]) return -1;
    if (st[d0] > st[d1]) return 1;
    return sz[d0] > sz[d1] ? 1 : 0;
  };
  for (int i = 1; i < nd; ++i) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; --d0) {
      const int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  Shape strides;
  strides.resize(nd);
  int64_t acc = 1;
  for (int i = 0; i < nd; ++i) {
    strides[perm[i]] = acc;
    if (sz[perm[i]] > 1) acc *= sz[perm[i]];
  }
  return make_view(flat, sz, strides, 0);
}

Tensor cast_like_layout(const Tensor& t, DType dtype) {
  Tensor out = empty_like_layout(t, dtype);
  copy_into(out, t);
  return out;
}

void build(Iter& it, const Tensor* out, std::initializer_list<const Tensor*> inputs,
           DType compute, DType out_dtype) {
  const int nin = int(inputs.size());
  it.nops = nin + 1;
  // 1. Broadcast shape.
  Shape shape;
  bool first = true;
  for (const Tensor* t : inputs) {
    shape = first ? t->sizes() : broadcast_pair(shape, t->sizes());
    first = false;
  }
  if (out) {
    if (out->sizes() != shape) {
      // An in-place result broadcasting to its own shape is fine; anything else is not.
      Shape joined = broadcast_pair(out->sizes(), shape);
      if (joined != out->sizes())
        runtime_error("output with shape " + out->sizes().str() +
                      " doesn't match the broadcast shape " + joined.str());
      shape = out->sizes();
    }
  }
  const int nd = shape.size();
  it.numel = shape.numel();

  // 2. Operands (inputs converted to the compute dtype) and their strides over `shape`.
  const Tensor* ops[kMaxOperands] = {};
  int k = 1;
  for (const Tensor* t : inputs) {
    if (t->dtype() != compute) {
      if (t->dim() == 0) {
        dispatch(compute, [&](auto tag) {
          using T = typename decltype(tag)::type;
          T v = load<T>(t->get()->data_ptr(), t->dtype());
          std::memcpy(it.slot[k], &v, sizeof(T));
        });
        it.ptr[k] = reinterpret_cast<char*>(it.slot[k]);
        ops[k] = nullptr;  // all strides 0
        ++k;
        continue;
      }
      it.keep[k] = cast_like_layout(*t, compute);
      ops[k] = &it.keep[k];
    } else {
      ops[k] = t;
    }
    it.ptr[k] = static_cast<char*>((*ops[k])->data_ptr());
    ++k;
  }
  int64_t st[kMaxOperands][kMaxDims] = {};
  for (int o = 1; o < it.nops; ++o) {
    if (!ops[o]) continue;
    const Tensor& t = *ops[o];
    const int off = nd - t.dim();
    for (int d = 0; d < t.dim(); ++d)
      st[o][off + d] = (t.sizes()[d] == 1 && shape[off + d] != 1) ? 0 : t.strides()[d];
  }
  const bool have_out = out != nullptr;
  if (have_out)
    for (int d = 0; d < nd; ++d) st[0][d] = out->strides()[d];

  // 3. PyTorch's reorder_dimensions: perm[0] is the fastest-moving dim. Starts reversed
  // (C order) and insertion-sorts by the operands' strides, ignoring broadcast (0) strides
  // and the result when it is being allocated.
  int perm[kMaxDims];
  for (int i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  auto should_swap = [&](int d0, int d1) {
    for (int o = have_out ? 0 : 1; o < it.nops; ++o) {
      if (o > 0 && !ops[o]) continue;  // 0-d operand: no strides
      const int64_t s0 = st[o][d0], s1 = st[o][d1];
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (int i = 1; i < nd; ++i) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; --d0) {
      const int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }

  // 4. The result: given (in place), or allocated contiguous in the permuted order.
  if (have_out) {
    it.out = *out;
  } else {
    bool natural = true;
    for (int j = 0; j < nd; ++j) natural = natural && perm[j] == nd - 1 - j;
    if (natural) {
      it.out = empty_for_overwrite(shape, out_dtype);  // the kernel writes every element
    } else {
      Shape strides;
      strides.resize(nd);
      int64_t acc = 1;
      for (int j = 0; j < nd; ++j) {
        strides[perm[j]] = acc;
        acc *= shape[perm[j]];
      }
      Tensor flat = empty_for_overwrite(Shape{it.numel}, out_dtype);
      it.out = make_view(flat, shape, strides, 0);
    }
    for (int d = 0; d < nd; ++d) st[0][d] = it.out.strides()[d];
  }
  it.ptr[0] = static_cast<char*>(it.out->data_ptr());

  // 5. Permute (dim 0 fastest) and coalesce.
  int64_t psh[kMaxDims];
  int64_t pst[kMaxOperands][kMaxDims];
  for (int j = 0; j < nd; ++j) {
    psh[j] = shape[perm[j]];
    for (int o = 0; o < it.nops; ++o) pst[o][j] = st[o][perm[j]];
  }
  if (nd == 0) {
    it.ndim = 0;
    return;
  }
  auto can_coalesce = [&](int d0, int d1) {
    if (psh[d0] == 1 || psh[d1] == 1) return true;
    for (int o = 0; o < it.nops; ++o)
      if (psh[d0] * pst[o][d0] != pst[o][d1]) return false;
    return true;
  };
  int prev = 0;
  for (int d = 1; d < nd; ++d) {
    if (can_coalesce(prev, d)) {
      if (psh[prev] == 1)
        for (int o = 0; o < it.nops; ++o) pst[o][prev] = pst[o][d];
      psh[prev] *= psh[d];
    } else {
      ++prev;
      if (prev != d) {
        for (int o = 0; o < it.nops; ++o) pst[o][prev] = pst[o][d];
        psh[prev] = psh[d];
      }
    }
  }
  it.ndim = prev + 1;
  for (int j = 0; j < it.ndim; ++j) {
    it.shape[j] = psh[j];
    for (int o = 0; o < it.nops; ++o) it.stride[o][j] = pst[o][j];
  }
}

}  // namespace kernel
}  // namespace gradlab
