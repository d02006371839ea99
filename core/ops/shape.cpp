// Shape and view ops, part 1: the views. view, reshape, flatten, squeeze, unsqueeze,
// transpose, t, T, permute, expand and detach only compute new sizes/strides over the input's
// storage (make_view), so writes through the result change the input. Each records a node
// whose backward maps the gradient back to the input's geometry. The copying shape ops (cat,
// stack, flip, clone, contiguous, repeat) are in shape_copy.cpp.
#include <algorithm>
#include <string>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/shape_internal.h"

namespace gradlab {
namespace shape_detail {

std::string ints_str(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(v[i]);
  }
  return s + "]";
}

Shape infer_size(const std::vector<int64_t>& shape, int64_t numel) {
  int64_t newsize = 1;
  int infer_dim = -1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1) {
      if (infer_dim >= 0) runtime_error("only one dimension can be inferred");
      infer_dim = int(d);
    } else if (shape[d] >= 0) {
      newsize *= shape[d];
    } else {
      runtime_error("invalid shape dimension " + std::to_string(shape[d]));
    }
  }
  if (numel == newsize || (infer_dim >= 0 && newsize > 0 && numel % newsize == 0)) {
    Shape res(shape);
    if (infer_dim >= 0) {
      if (newsize == 0)
        runtime_error("cannot reshape tensor of 0 elements into shape " + ints_str(shape) +
                      " because the unspecified dimension size -1 can be any value and is "
                      "ambiguous");
      res[infer_dim] = numel / newsize;
    }
    return res;
  }
  runtime_error("shape '" + ints_str(shape) + "' is invalid for input of size " +
                std::to_string(numel));
}

bool view_strides(const Shape& oldshape, const Shape& oldstride, const Shape& newshape,
                  Shape& newstride) {
  newstride.resize(newshape.size());
  if (oldshape.empty()) {
    for (int i = 0; i < newshape.size(); ++i) newstride[i] = 1;
    return true;
  }
  const int64_t numel = oldshape.numel();
  if (numel == 0 && oldshape == newshape) {
    newstride = oldstride;
    return true;
  }
  if (numel == 0) {
    for (int d = newshape.size() - 1; d >= 0; --d)
      newstride[d] =
          d == newshape.size() - 1 ? 1 : std::max<int64_t>(newshape[d + 1], 1) * newstride[d + 1];
    return true;
  }
  int view_d = newshape.size() - 1;
  int64_t chunk_base_stride = oldstride[oldshape.size() - 1];
  int64_t tensor_numel = 1, view_numel = 1;
  for (int tensor_d = oldshape.size() - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= oldshape[tensor_d];
    // At the end of a chunk of dims that are contiguous with each other, the view's dims
    // must tile the chunk exactly.
    if (tensor_d == 0 || (oldshape[tensor_d - 1] != 1 &&
                          oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || newshape[view_d] == 1)) {
        newstride[view_d] = view_numel * chunk_base_stride;
        view_numel *= newshape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (tensor_d > 0) {
        chunk_base_stride = oldstride[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

Tensor reshape_nograd(const Tensor& t, const Shape& sizes) {
  if (t.sizes() == sizes) return t;
  Shape st;
  if (view_strides(t.sizes(), t.strides(), sizes, st)) return make_view(t, sizes, st, t->offset);
  Tensor c = contiguous_data(t);
  return make_view(c, sizes, contiguous_strides(sizes), c->offset);
}

void expand_geometry(const Tensor& t, const std::vector<int64_t>& sizes, Shape& out_sizes,
                     Shape& out_strides) {
  const int ndim = int(sizes.size()), tdim = t.dim();
  if (ndim < tdim)
    runtime_error("expand(" + std::string(dtype_tensor_type_name(t.dtype())) + "{" +
                  t.sizes().str() + "}, size=" + ints_str(sizes) +
                  "): the number of sizes provided (" + std::to_string(ndim) +
                  ") must be greater or equal to the number of dimensions in the tensor (" +
                  std::to_string(tdim) + ")");
  out_sizes.resize(ndim);
  out_strides.resize(ndim);
  bool negative = false;
  for (int i = ndim - 1; i >= 0 && tdim == 0; --i) {  // a 0-d tensor takes the sizes as given
    out_sizes[i] = sizes[size_t(i)];
    negative = negative || out_sizes[i] < 0;
  }
  for (int i = ndim - 1; i >= 0 && tdim > 0; --i) {
    const int offset = ndim - 1 - i;
    const int dim = tdim - 1 - offset;
    int64_t size = dim >= 0 ? t.sizes()[dim] : 1;
    int64_t stride = dim >= 0 ? t.strides()[dim] : out_sizes[i + 1] * out_strides[i + 1];
    int64_t target = sizes[size_t(i)];
    if (target == -1) {
      if (dim < 0)
        runtime_error(
            "The expanded size of the tensor (-1) isn't allowed in a leading, "
            "non-existing dimension " +
            std::to_string(i));
      target = size;
    }
    if (size != target) {
      if (size != 1)
        runtime_error("The expanded size of the tensor (" + std::to_string(target) +
                      ") must match the existing size (" + std::to_string(size) +
                      ") at non-singleton dimension " + std::to_string(i) + ".  Target sizes: " +
                      ints_str(sizes) + ".  Tensor sizes: " + t.sizes().str());
      size = target;
      stride = 0;
    }
    negative = negative || size < 0;
    out_sizes[i] = size;
    out_strides[i] = stride;
  }
  // PyTorch computes the numel of a negative shape as an unsigned product: overflow.
  if (negative) runtime_error("numel: integer multiplication overflow");
}

Tensor expand_view(const Tensor& t, const Shape& sizes) {
  if (t.sizes() == sizes) return t;
  Shape sz, st;
  expand_geometry(t, sizes.vec(), sz, st);
  return make_view(t, sz, st, t->offset);
}

namespace {
template <typename T>
void strided_copy(const Tensor& dst, const Tensor& src) {
  T* d = static_cast<T*>(dst->storage->data);
  const T* s = static_cast<const T*>(src->storage->data);
  const int nd = dst.dim();
  const int64_t n = dst.numel();
  if (n == 0) return;
  if (nd == 0) {
    d[dst->offset] = s[src->offset];
    return;
  }
  const Shape& sz = dst.sizes();
  const Shape& dst_st = dst.strides();
  const Shape& src_st = src.strides();
  const int64_t inner = sz[nd - 1], di = dst_st[nd - 1], si = src_st[nd - 1];
  int64_t idx[kMaxDims] = {};
  int64_t od = dst->offset, os = src->offset;
  for (int64_t done = 0; done < n; done += inner) {
    for (int64_t i = 0; i < inner; ++i) d[od + i * di] = s[os + i * si];
    for (int k = nd - 2; k >= 0; --k) {
      if (++idx[k] < sz[k]) {
        od += dst_st[k];
        os += src_st[k];
        break;
      }
      od -= dst_st[k] * (sz[k] - 1);
      os -= src_st[k] * (sz[k] - 1);
      idx[k] = 0;
    }
  }
}
}  // namespace

void copy_values(const Tensor& dst, const Tensor& src) {
  const Tensor s = src.dtype() == dst.dtype() ? src : cast_data(src, dst.dtype());
  const int es = element_size(dst.dtype());
  if (dst.is_contiguous() && s.is_contiguous()) {
    if (dst.numel() > 0) std::memcpy(dst->data_ptr(), s->data_ptr(), size_t(dst.numel() * es));
    return;
  }
  switch (es) {
    case 1:
      strided_copy<uint8_t>(dst, s);
      break;
    case 4:
      strided_copy<uint32_t>(dst, s);
      break;
    default:
      strided_copy<uint64_t>(dst, s);
      break;
  }
}

bool non_overlapping_and_dense(const Tensor& t) {
  const int nd = t.dim();
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  if (nd == 1) return sz[0] < 2 || st[0] == 1;
  // Dims by increasing stride, size-0/1 dims last (stable insertion sort).
  int perm[kMaxDims];
  for (int i = 0; i < nd; ++i) perm[i] = i;
  auto before = [&](int a, int b) {
    if (sz[a] < 2) return false;
    if (sz[b] < 2) return true;
    return st[a] < st[b];
  };
  for (int i = 1; i < nd; ++i)
    for (int j = i; j > 0 && before(perm[j], perm[j - 1]); --j) std::swap(perm[j], perm[j - 1]);
  int64_t require = 1;
  for (int i = 0; i < nd; ++i) {
    const int64_t s = sz[perm[i]];
    if (s < 2) return true;
    if (st[perm[i]] != require) return false;
    require *= s;
  }
  return true;
}

Tensor empty_like_preserve(const Tensor& t, DType dtype) {
  if (t.is_contiguous() || !non_overlapping_and_dense(t)) return empty(t.sizes(), dtype);
  // Dense but permuted (x.t()): same strides over a fresh block of numel elements.
  Tensor block = empty(Shape{t.numel()}, dtype);
  return make_view(block, t.sizes(), t.strides(), 0);
}

bool is_view_op(OpId op) {
  switch (op) {
    case OpId::View:
    case OpId::ReshapeAlias:
    case OpId::Squeeze:
    case OpId::SqueezeDim:
    case OpId::Unsqueeze:
    case OpId::Transpose:
    case OpId::T:
    case OpId::Permute:
    case OpId::Expand:
    case OpId::Select:
    case OpId::Slice:
    case OpId::Alias:
    case OpId::AsStrided:
      return true;
    default:
      return false;
  }
}

bool is_view_of_leaf(const Tensor& a) {
  if (!a.requires_grad() || a.is_leaf()) return false;
  const Node* n = a.grad_fn();
  while (n && is_view_op(n->op)) n = n->next.empty() ? nullptr : n->next[0].fn;
  return n && n->op == OpId::AccumulateGrad;
}

}  // namespace shape_detail

using namespace shape_detail;

// --- view / reshape / flatten --------------------------------------------------------------
// ViewBackward0, ReshapeAliasBackward0 and UnsafeViewBackward0 all reshape the gradient back.
static void reshape_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = reshape_nograd(gout[0], n.shapes[0]);
}

static Tensor recorded_view(OpId op, const Tensor& a, const Shape& sizes, const Shape& strides) {
  Tensor out = make_view(a, sizes, strides, a->offset);
  if (Node* n = record(op, reshape_backward, {&a}, {&out})) n->shapes = {a.sizes()};
  return out;
}

Tensor view(const Tensor& a, const std::vector<int64_t>& sizes) {
  const Shape shape = infer_size(sizes, a.numel());
  Shape st;
  if (!view_strides(a.sizes(), a.strides(), shape, st))
    runtime_error(
        "view size is not compatible with input tensor's size and stride (at least one "
        "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  return recorded_view(OpId::View, a, shape, st);
}

static Tensor reshape_to(const Tensor& a, const Shape& shape) {
  Shape st;
  if (view_strides(a.sizes(), a.strides(), shape, st))
    return recorded_view(OpId::ReshapeAlias, a, shape, st);
  // Not viewable: PyTorch clones contiguously (CloneBackward0), then _unsafe_view.
  const Tensor c = contiguous(a);
  return recorded_view(OpId::UnsafeView, c, shape, contiguous_strides(shape));
}

Tensor reshape(const Tensor& a, const std::vector<int64_t>& sizes) {
  return reshape_to(a, infer_size(sizes, a.numel()));
}

Tensor flatten(const Tensor& a, int64_t start_dim, int64_t end_dim) {
  const int s = wrap_dim(start_dim, a.dim()), e = wrap_dim(end_dim, a.dim());
  if (s > e) runtime_error("flatten() has invalid args: start_dim cannot come after end_dim");
  if (a.dim() == 0) return reshape_to(a, Shape{1});
  if (s == e) return a;  // PyTorch returns the input itself
  Shape shape;
  int64_t flat = 1;
  for (int d = 0; d < a.dim(); ++d) {
    if (d < s || d > e)
      shape.push_back(a.sizes()[d]);
    else
      flat *= a.sizes()[d];
    if (d == e) shape.push_back(flat);
  }
  return reshape_to(a, shape);
}

// --- squeeze / unsqueeze -------------------------------------------------------------------
Tensor squeeze(const Tensor& a) {
  Shape sz, st;
  for (int d = 0; d < a.dim(); ++d) {
    if (a.sizes()[d] == 1) continue;
    sz.push_back(a.sizes()[d]);
    st.push_back(a.strides()[d]);
  }
  return recorded_view(OpId::Squeeze, a, sz, st);
}

Tensor squeeze(const Tensor& a, int64_t dim) {
  const int d = wrap_dim(dim, a.dim());
  Shape sz = a.sizes(), st = a.strides();
  if (a.dim() > 0 && sz[d] == 1) {
    sz.erase(d);
    st.erase(d);
  }
  return recorded_view(OpId::SqueezeDim, a, sz, st);
}

Tensor unsqueeze(const Tensor& a, int64_t dim) {
  const int d = wrap_dim(dim, a.dim() + 1);
  Shape sz = a.sizes(), st = a.strides();
  const int64_t stride = d >= a.dim() ? 1 : sz[d] * st[d];
  sz.insert(d, 1);
  st.insert(d, stride);
  return recorded_view(OpId::Unsqueeze, a, sz, st);
}

// --- transpose / t / T / permute -----------------------------------------------------------
static void transpose_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor& g = gout[0];
  Shape sz = g.sizes(), st = g.strides();
  if (g.dim() > 0) {
    std::swap(sz[int(n.ints[0])], sz[int(n.ints[1])]);
    std::swap(st[int(n.ints[0])], st[int(n.ints[1])]);
  }
  gin[0] = make_view(g, sz, st, g->offset);
}

static Tensor transpose_as(OpId op, const Tensor& a, int d0, int d1) {
  Shape sz = a.sizes(), st = a.strides();
  if (a.dim() > 0) {
    std::swap(sz[d0], sz[d1]);
    std::swap(st[d0], st[d1]);
  }
  Tensor out = make_view(a, sz, st, a->offset);
  if (Node* n = record(op, transpose_backward, {&a}, {&out})) n->ints = {d0, d1};
  return out;
}

Tensor transpose(const Tensor& a, int64_t d0, int64_t d1) {
  return transpose_as(OpId::Transpose, a, wrap_dim(d0, a.dim()), wrap_dim(d1, a.dim()));
}

Tensor t(const Tensor& a) {
  if (a.dim() > 2)
    runtime_error("t() expects a tensor with <= 2 dimensions, but self is " +
                  std::to_string(a.dim()) + "D");
  return transpose_as(OpId::T, a, 0, a.dim() < 2 ? 0 : 1);
}

static void permute_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor& g = gout[0];
  Shape sz = g.sizes(), st = g.strides();
  for (int i = 0; i < g.dim(); ++i) {  // output dim i is input dim ints[i]
    sz[int(n.ints[size_t(i)])] = g.sizes()[i];
    st[int(n.ints[size_t(i)])] = g.strides()[i];
  }
  gin[0] = make_view(g, sz, st, g->offset);
}

Tensor permute(const Tensor& a, const std::vector<int64_t>& dims) {
  const int nd = a.dim();
  if (int64_t(dims.size()) != nd)
    runtime_error(
        "permute(sparse_coo): number of dimensions in the tensor input does not match "
        "the length of the desired ordering of dimensions i.e. input.dim() = " +
        std::to_string(nd) + " is not equal to len(dims) = " + std::to_string(dims.size()));
  int wrapped[kMaxDims];
  for (int i = 0; i < nd; ++i) wrapped[i] = wrap_dim(dims[size_t(i)], nd);
  bool seen[kMaxDims] = {};
  Shape sz, st;
  for (int i = 0; i < nd; ++i) {
    if (seen[wrapped[i]]) runtime_error("permute(): duplicate dims are not allowed.");
    seen[wrapped[i]] = true;
    sz.push_back(a.sizes()[wrapped[i]]);
    st.push_back(a.strides()[wrapped[i]]);
  }
  Tensor out = make_view(a, sz, st, a->offset);
  if (Node* n = record(OpId::Permute, permute_backward, {&a}, {&out}))
    n->ints.assign(wrapped, wrapped + nd);
  return out;
}

// NOTE: PyTorch 1.13 implements .T as permute(reversed dims) for every rank (with a
// deprecation warning off 2-D), so its grad_fn is PermuteBackward0.
Tensor T(const Tensor& a) {
  std::vector<int64_t> dims(size_t(a.dim()));
  for (int i = 0; i < a.dim(); ++i) dims[size_t(i)] = a.dim() - 1 - i;
  return permute(a, dims);
}

// --- expand ----------------------------------------------------------------------------------
static void expand_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = sum_to(gout[0], n.shapes[0]);
}

Tensor expand(const Tensor& a, const std::vector<int64_t>& sizes) {
  Shape sz, st;
  expand_geometry(a, sizes, sz, st);
  Tensor out = make_view(a, sz, st, a->offset);
  if (Node* n = record(OpId::Expand, expand_backward, {&a}, {&out})) n->shapes = {a.sizes()};
  return out;
}

// --- detach ----------------------------------------------------------------------------------
Tensor detach(const Tensor& a) { return alias_detached(a); }

}  // namespace gradlab
