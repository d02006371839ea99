// Indexing, part 1: select, slicing and the subscript operator a[...] for reading
// (index) and writing (index_put_), with PyTorch's __getitem__/__setitem__ semantics.
//
// A subscript is applied as PyTorch's applySlicing does: left to right, ints select (views,
// SelectBackward0), slices slice (SliceBackward0), None unsqueezes, Ellipsis skips dims, and
// index tensors / masks are set aside per dim for one advanced-indexing step at the end
// (indexing_advanced.cpp: a copy, IndexBackward0). Writing goes through the same slicing,
// then copies into the view (CopySlices) or scatters (IndexPutBackward0).
#include <climits>
#include <string>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/shape_internal.h"

namespace gradlab {

using namespace shape_detail;

// --- select ----------------------------------------------------------------------------------
namespace shape_detail {
Tensor select_view(const Tensor& t, int dim, int64_t i) {
  Shape sz = t.sizes(), st = t.strides();
  const int64_t off = t->offset + i * st[dim];
  sz.erase(dim);
  st.erase(dim);
  return make_view(t, sz, st, off);
}
}  // namespace shape_detail

static void select_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  Tensor z = empty(n.shapes[0], gout[0].dtype());
  copy_values(select_view(z, int(n.ints[0]), n.ints[1]), gout[0]);
  gin[0] = z;
}

// Iterating a tensor (for row in t) calls this once per row: metadata only.
Tensor select(const Tensor& a, int64_t dim, int64_t index) {
  if (a.dim() == 0) index_error("select() cannot be applied to a 0-dim tensor.");
  const int d = wrap_dim(dim, a.dim());
  const int64_t size = a.sizes()[d];
  if (index < -size || index >= size)
    index_error("select(): index " + std::to_string(index) + " out of range for tensor of size " +
                a.sizes().str() + " at dimension " + std::to_string(d));
  if (index < 0) index += size;
  Tensor out = select_view(a, d, index);
  if (Node* n = record(OpId::Select, select_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->ints = {d, index};
  }
  return out;
}

// --- slice / alias -----------------------------------------------------------------------------
static Tensor slice_view(const Tensor& t, int dim, int64_t start, int64_t stop, int64_t step) {
  Shape sz = t.sizes(), st = t.strides();
  const int64_t off = t->offset + start * st[dim];
  sz[dim] = (stop - start + step - 1) / step;
  st[dim] *= step;
  return make_view(t, sz, st, off);
}

static void slice_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  Tensor z = empty(n.shapes[0], gout[0].dtype());
  copy_values(slice_view(z, int(n.ints[0]), n.ints[1], n.ints[2], n.ints[3]), gout[0]);
  gin[0] = z;
}

namespace shape_detail {
Tensor slice(const Tensor& a, int64_t dim, int64_t start, int64_t stop, int64_t step) {
  if (a.dim() == 0) index_error("slice() cannot be applied to a 0-dim tensor.");
  const int d = wrap_dim(dim, a.dim());
  if (step <= 0) runtime_error("slice step must be positive");
  const int64_t len = a.sizes()[d];
  if (start == INT64_MAX) start = 0;
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0)
    start = 0;
  else if (start >= len)
    start = len;
  if (stop < start)
    stop = start;
  else if (stop >= len)
    stop = len;
  Tensor out = slice_view(a, d, start, stop, step);
  if (Node* n = record(OpId::Slice, slice_backward, {&a}, {&out})) {
    n->shapes = {a.sizes()};
    n->ints = {d, start, stop, step};
  }
  return out;
}

static void alias_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = gout[0];
}

Tensor alias(const Tensor& a) {
  Tensor out = make_view(a, a.sizes(), a.strides(), a->offset);
  record(OpId::Alias, alias_backward, {&a}, {&out});
  return out;
}
}  // namespace shape_detail

// --- applying a subscript ----------------------------------------------------------------------
namespace {

// PyTorch's applySelect: the 0-dim and bounds messages of a[i] (real_dim is the position in
// the subscript, which is what PyTorch prints).
Tensor apply_select(const Tensor& t, int64_t dim, int64_t index, size_t real_dim) {
  if (index == 0 && dim == 0 && t.dim() == 0)
    index_error(
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
        "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  const int64_t size = dim < t.dim() ? t.sizes()[int(dim)] : 0;
  if (index < -size || index >= size)
    index_error("index " + std::to_string(index) + " is out of bounds for dimension " +
                std::to_string(real_dim) + " with size " + std::to_string(size));
  return select(t, dim, index);
}

// PyTorch's applySlice. A full slice 0:len:1 is skipped (returns t) unless disabled, as
// PyTorch does for a[a:b] alone but not inside a tuple (x[0:2, 0] records no slice).
Tensor apply_slice(const Tensor& t, int64_t dim, const IndexItem& it, bool disable_opt) {
  const int64_t step = it.step.value_or(1);
  if (step == 0) value_error("slice step cannot be zero");
  if (step < 0) value_error("step must be greater than zero");
  const int64_t start = it.start.value_or(0), stop = it.stop.value_or(INT64_MAX);
  if (!disable_opt && dim < t.dim() && start == 0 && step == 1 && stop == t.sizes()[int(dim)])
    return t;
  return slice(t, dim, start, stop, step);
}

// A 0-d bool index adds a dim of size 1, indexed by [0] (True) or [] (False).
Tensor bool_to_indexing_tensor(bool v) {
  return v ? empty(Shape{1}, DType::Int64) : empty(Shape{0}, DType::Int64);
}

struct Sliced {
  Tensor result;
  std::vector<Tensor> indices;  // per dim of result; undefined where not advanced-indexed
};

void record_tensor_index(const Tensor& t, std::vector<Tensor>& out, int64_t& dim) {
  out.resize(size_t(dim + 1));
  out[size_t(dim)] = t;
  ++dim;
}

// PyTorch's applySlicing (python_variable_indexing.cpp) for a subscript tuple.
Sliced apply_slicing(const Tensor& a, const std::vector<IndexItem>& idx) {
  int64_t specified = 0;
  for (const IndexItem& it : idx) {
    if (it.kind == IndexItem::Kind::Tensor)
      specified += it.tensor.dtype() == DType::Bool ? it.tensor.dim() : 1;
    else if (it.kind == IndexItem::Kind::Int || it.kind == IndexItem::Kind::Slice)
      ++specified;
  }
  if (specified > a.dim())
    index_error("too many indices for tensor of dimension " + std::to_string(a.dim()));
  Sliced s;
  s.result = a;
  int64_t dim = 0;
  for (size_t i = 0; i < idx.size(); ++i) {
    const IndexItem& it = idx[i];
    switch (it.kind) {
      case IndexItem::Kind::Int:
        s.result = apply_select(s.result, dim, it.index, i);
        break;
      case IndexItem::Kind::Slice:
        s.result = apply_slice(s.result, dim, it, false);
        ++dim;
        break;
      case IndexItem::Kind::Ellipsis:
        dim += a.dim() - specified;
        break;
      case IndexItem::Kind::None:
        s.result = unsqueeze(s.result, dim);
        ++dim;
        break;
      case IndexItem::Kind::Tensor: {
        const Tensor& t = it.tensor;
        if (t.dim() == 0 && t.dtype() == DType::Int64) {
          s.result = apply_select(s.result, dim, item(t).i, i);
        } else if (t.dim() == 0 && t.dtype() == DType::Bool) {
          s.result = unsqueeze(s.result, dim);
          record_tensor_index(bool_to_indexing_tensor(item(t).b), s.indices, dim);
        } else {
          record_tensor_index(t, s.indices, dim);
        }
        break;
      }
    }
  }
  return s;
}

}  // namespace

Tensor index(const Tensor& a, const std::vector<IndexItem>& idx) {
  // A lone int, slice, None or Ellipsis takes Python's fast paths (no dimension count).
  if (idx.size() == 1) {
    const IndexItem& it = idx[0];
    switch (it.kind) {
      case IndexItem::Kind::Int:
        return apply_select(a, 0, it.index, 0);
      case IndexItem::Kind::Slice:
        return apply_slice(a, 0, it, true);
      case IndexItem::Kind::None:
        return unsqueeze(a, 0);
      case IndexItem::Kind::Ellipsis:
        return alias(a);
      case IndexItem::Kind::Tensor:
        break;
    }
  }
  Sliced s = apply_slicing(a, idx);
  if (s.indices.empty()) return s.result.same(a) ? alias(a) : s.result;
  return advanced_index(s.result, s.indices);
}

// --- a[idx] = value --------------------------------------------------------------------------
namespace {

// The subscript's items, stored in a node: 5 ints each (kind, three values, which slice
// bounds are present); index tensors go to the node's saved tensors.
void save_items(Node& n, const std::vector<IndexItem>& idx) {
  n.ints.reserve(idx.size() * 5);
  for (const IndexItem& it : idx) {
    const int64_t kind = int64_t(it.kind);
    switch (it.kind) {
      case IndexItem::Kind::Int:
        n.ints.insert(n.ints.end(), {kind, it.index, 0, 0, 0});
        break;
      case IndexItem::Kind::Slice:
        n.ints.insert(n.ints.end(),
                      {kind, it.start.value_or(0), it.stop.value_or(0), it.step.value_or(0),
                       (it.start ? 1 : 0) | (it.stop ? 2 : 0) | (it.step ? 4 : 0)});
        break;
      case IndexItem::Kind::Tensor:
        n.ints.insert(n.ints.end(), {kind, int64_t(n.saved.size()), 0, 0, 0});
        n.save(it.tensor);
        break;
      default:
        n.ints.insert(n.ints.end(), {kind, 0, 0, 0, 0});
        break;
    }
  }
}

std::vector<IndexItem> load_items(const Node& n) {
  std::vector<IndexItem> idx;
  for (size_t p = 0; p + 5 <= n.ints.size(); p += 5) {
    const int64_t* v = &n.ints[p];
    switch (IndexItem::Kind(v[0])) {
      case IndexItem::Kind::Int:
        idx.push_back(IndexItem::integer(v[1]));
        break;
      case IndexItem::Kind::Slice:
        idx.push_back(IndexItem::slice(v[4] & 1 ? std::optional<int64_t>(v[1]) : std::nullopt,
                                       v[4] & 2 ? std::optional<int64_t>(v[2]) : std::nullopt,
                                       v[4] & 4 ? std::optional<int64_t>(v[3]) : std::nullopt));
        break;
      case IndexItem::Kind::None:
        idx.push_back(IndexItem::none());
        break;
      case IndexItem::Kind::Ellipsis:
        idx.push_back(IndexItem::ellipsis());
        break;
      case IndexItem::Kind::Tensor:
        idx.push_back(IndexItem::of(n.saved_tensor(size_t(v[1]))));
        break;
    }
  }
  return idx;
}

// PyTorch's slicePrefix1sSize: a value's leading size-1 dims are dropped before broadcasting.
Shape strip_leading_ones(const Shape& s) {
  int first = 0;
  while (first < s.size() && s[first] == 1) ++first;
  Shape r;
  for (int i = first; i < s.size(); ++i) r.push_back(s[i]);
  return r;
}
Tensor strip_leading_ones(const Tensor& v) {
  const int lead = v.dim() - strip_leading_ones(v.sizes()).size();
  if (lead == 0) return v;
  Shape sz, st;
  for (int i = lead; i < v.dim(); ++i) {
    sz.push_back(v.sizes()[i]);
    st.push_back(v.strides()[i]);
  }
  return make_view(v, sz, st, v->offset);
}

// Both the CopySlices (basic) and IndexPutBackward0 (advanced) gradients: the overwritten
// elements get no gradient from `a`'s old history; the value gets the gradient read back
// through the same subscript, summed over its broadcasting.
void index_put_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const std::vector<IndexItem> idx = load_items(n);
  const Tensor& g = gout[0];
  if (n.needs_input_grad(0)) {
    Tensor ga = empty(g.sizes(), g.dtype());
    copy_values(ga, g);
    index_put_(ga, idx, scalar_tensor(Scalar::from_int(0), ga.dtype()));
    gin[0] = ga;
  }
  if (n.needs_input_grad(1)) {
    const Shape& vshape = n.shapes[0];
    Tensor gv = sum_to(index(g, idx), strip_leading_ones(vshape));
    gv = reshape_nograd(gv, vshape);
    gin[1] = gv.dtype() == n.dtypes[0] ? gv : cast_data(gv, n.dtypes[0]);
  }
}

void as_strided_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = gout[0];
}

// PyTorch's has_internal_overlap == Yes: a stride-0 dim of size > 1 (an expanded tensor).
bool internal_overlap(const Tensor& t) {
  if (non_overlapping_and_dense(t)) return false;
  for (int d = 0; d < t.dim(); ++d)
    if (t.strides()[d] == 0 && t.sizes()[d] > 1) return true;
  return false;
}

bool same_geometry(const Tensor& a, const Tensor& b) {
  return a->storage == b->storage && a->offset == b->offset && a.sizes() == b.sizes() &&
         a.strides() == b.strides();
}

// NOTE: gradlab tensors do not know their views (PyTorch keeps a view's base and rebuilds the
// view's grad_fn after an in-place write to either). A recorded write into `a` is only
// correct when nothing else can observe a's memory, so it is refused when another tensor
// shares a's storage (`mine`: the views of `a` this op holds itself), except for the value
// itself being exactly the region written, which is how Python runs `a[idx] += v`
// (tmp = a[idx]; tmp += v; a[idx] = tmp).
void check_recordable(const Tensor& a, std::initializer_list<const Tensor*> mine,
                      const Tensor& region, const Tensor& value) {
  int32_t expected = 1;
  std::vector<const TensorImpl*> counted{a.get()};
  auto count = [&](const Tensor& t) {
    for (const TensorImpl* c : counted)
      if (c == t.get()) return;
    counted.push_back(t.get());
    if (t->storage == a->storage) ++expected;
  };
  for (const Tensor* t : mine) count(*t);
  if (same_geometry(value, region)) count(value);
  if (a->storage->refcount - a->storage->saved_output_refs > expected)
    runtime_error(
        "gradlab cannot record this indexed assignment for autograd: the tensor shares its "
        "memory with another tensor (a view of it, or its .data / detach()), whose gradient "
        "history would not see the change. Assign into a copy made with .clone() instead, or "
        "do the assignment under torch.no_grad().");
}

void check_leaf_inplace(const Tensor& a, bool through_view) {
  if (!grad_mode_enabled() || !a.requires_grad()) return;
  if (a.is_leaf()) {
    if (through_view)
      runtime_error(
          "a view of a leaf Variable that requires grad is being used in an in-place "
          "operation.");
    runtime_error("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  if (is_view_of_leaf(a))
    runtime_error(
        "a view of a leaf Variable that requires grad is being used in an in-place "
        "operation.");
}

}  // namespace

void index_put_(Tensor& a, const std::vector<IndexItem>& idx, const Tensor& value_in) {
  // A Python scalar becomes a tensor of a's dtype, as PyTorch's __setitem__ does.
  const Tensor value = value_in->is_wrapped_number ? cast_data(value_in, a.dtype()) : value_in;

  // The region the subscript selects, as views (nothing recorded: the write is one node).
  Sliced s;
  {
    NoGradGuard no_grad;
    const IndexItem* lone = idx.size() == 1 ? &idx[0] : nullptr;
    if (lone && lone->kind == IndexItem::Kind::Int)
      s.result = apply_select(a, 0, lone->index, 0);
    else if (lone && lone->kind == IndexItem::Kind::Slice)
      s.result = apply_slice(a, 0, *lone, false);
    else if (lone && lone->kind == IndexItem::Kind::None)
      s.result = unsqueeze(a, 0);
    else if (lone && lone->kind == IndexItem::Kind::Ellipsis)
      s.result = a;
    else
      s = apply_slicing(a, idx);
  }
  const Tensor& region = s.result;
  const bool advanced = !s.indices.empty();
  const bool record_grad = grad_mode_enabled() && is_floating(a.dtype()) &&
                           (a.requires_grad() || value_in.requires_grad());
  bool src_is_region = false;

  if (!advanced) {
    // copy_to: equal shapes copy, a 0-d value fills, otherwise the value (without leading
    // 1s) must expand to the region.
    const bool expand = value.sizes() != region.sizes() && value.dim() > 0;
    Shape sz, st;
    if (expand) expand_geometry(strip_leading_ones(value), region.sizes().vec(), sz, st);
    check_leaf_inplace(a, !region.same(a));
    if (record_grad) check_recordable(a, {&region}, region, value);
    const Tensor src = expand ? make_view(value, sz, st, value->offset) : value;
    // copy_ skips a copy onto the very same elements (a[i] += v writes tmp back) and refuses
    // one between partly overlapping ones (a[1:] = a[:-1]); a 0-d value is a fill.
    if (value.dim() > 0 || region.dim() == 0) {
      if (same_geometry(src, region) && src.dtype() == region.dtype()) {
        bump_version(a);
        src_is_region = true;
      } else if (internal_overlap(region)) {
        runtime_error(
            "unsupported operation: more than one element of the written-to tensor "
            "refers to a single memory location. Please clone() the tensor before "
            "performing the operation.");
      } else if (overlaps(region, src)) {
        runtime_error(
            "unsupported operation: some elements of the input tensor and the "
            "written-to tensor refer to a single memory location. Please clone() the "
            "tensor before performing the operation.");
      }
    }
    if (!src_is_region) copy_into(region, src);
  } else {
    check_leaf_inplace(a, !region.same(a));
    PreparedPut p = prepare_index_put(region, s.indices, strip_leading_ones(value));
    if (record_grad) check_recordable(a, {&region, &p.target}, region, value);
    run_index_put(p);
    bump_version(a);
  }

  if (record_grad) {
    // PyTorch names the node after what ran on `a`: copy_/fill_ on a itself (a[...] = v),
    // index_put_ on a itself (a[[0, 2]] = v), or a write into a view of a (CopySlices).
    OpId op = OpId::CopySlices;
    if (region.same(a))
      op = advanced                                              ? OpId::IndexPut
           : value.dim() == 0 && value.sizes() != region.sizes() ? OpId::FillTensor
                                                                 : OpId::Copy;
    // NOTE: when `a` is itself a view (its base is gone, or check_recordable would have
    // refused), PyTorch records the write on the base and gives `a` a fresh
    // AsStridedBackward0 on top; an identity node of that name keeps grad_fn the same.
    const bool a_is_view = a.grad_fn() && is_view_op(a.grad_fn()->op);
    if (Node* n = record_inplace(op, index_put_backward, {&a, &value_in}, a)) {
      save_items(*n, idx);
      n->shapes = {value_in.sizes()};
      n->dtypes = {value_in.dtype()};
    }
    if (a_is_view) record_inplace(OpId::AsStrided, as_strided_backward, {&a}, a);
  }
}

}  // namespace gradlab
