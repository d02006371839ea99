// Indexing, part 2: advanced indexing (index tensors and boolean masks) for reading and
// writing, and the ops built on the same gather/scatter: index_select, masked_fill and
// embedding.
//
// PyTorch's at::index, step by step (TensorAdvancedIndexing.cpp, make_info/AdvancedIndex):
// masks become one int64 index per mask dim (their nonzero positions), the index tensors
// broadcast together to one shape B, and when they are not on adjacent dims those dims are
// moved to the front. The result is self's dims before the indexed ones, then B, then the
// dims after: m[[0, 1], [1, 3]] -> [2]; m[:, [0, 3]] -> [3, 2]; x[[0, 1], :, [0, 1]] -> [2, 3].
#include <cstring>
#include <string>

#include "autograd/autograd.h"
#include "ops/ops.h"
#include "ops/shape_internal.h"

namespace gradlab {

using namespace shape_detail;

namespace {

// Row-major walk over some dims of a tensor, tracking the storage offset.
struct Odometer {
  int n = 0;
  int64_t numel = 1, off = 0;
  int64_t size[kMaxDims] = {}, stride[kMaxDims] = {}, idx[kMaxDims] = {};
  Odometer(const Shape& sz, const Shape& st, int lo, int hi) {
    for (int d = lo; d < hi; ++d) {
      size[n] = sz[d];
      stride[n] = st[d];
      numel *= sz[d];
      ++n;
    }
  }
  void reset() {
    off = 0;
    for (int i = 0; i < n; ++i) idx[i] = 0;
  }
  void next() {
    for (int i = n - 1; i >= 0; --i) {
      if (++idx[i] < size[i]) {
        off += stride[i];
        return;
      }
      off -= stride[i] * (size[i] - 1);
      idx[i] = 0;
    }
  }
};

// Where advanced indexing reads or writes: `target` with its dims [first, first + k) indexed
// by the rows of `idx` (numel(bshape) rows of k in-range indices).
struct IndexGeometry {
  Tensor target;
  int first = 0, k = 0;
  Shape bshape;
  const int64_t* idx = nullptr;

  Shape result_shape() const {
    Shape r;
    for (int d = 0; d < first; ++d) r.push_back(target.sizes()[d]);
    for (int64_t v : bshape) r.push_back(v);
    for (int d = first + k; d < target.dim(); ++d) r.push_back(target.sizes()[d]);
    return r;
  }
  // Calls f(storage offset) for each element of the result, in row-major order.
  template <typename F>
  void for_each(F&& f) const {
    const Shape& sz = target.sizes();
    const Shape& st = target.strides();
    Odometer before(sz, st, 0, first), after(sz, st, first + k, target.dim());
    const int64_t nb = bshape.numel();
    for (int64_t o = 0; o < before.numel; ++o) {
      for (int64_t b = 0; b < nb; ++b) {
        int64_t base = target->offset + before.off;
        for (int j = 0; j < k; ++j) base += idx[b * k + j] * st[first + j];
        after.reset();
        for (int64_t i = 0; i < after.numel; ++i) {
          f(base + after.off);
          after.next();
        }
      }
      before.next();
    }
  }
};

// Element types by size: gathers and plain writes move bytes.
template <typename F>
void by_element_size(DType dt, F&& f) {
  switch (element_size(dt)) {
    case 1:
      f(uint8_t{});
      break;
    case 4:
      f(uint32_t{});
      break;
    default:
      f(uint64_t{});
      break;
  }
}

// out's row i = rows[idx[i]] for `count` rows of `width` elements: rows and out contiguous,
// the indices already checked. NOTE: the common gathers (embedding lookups, x[idx]) copy
// whole rows instead of walking gather()'s odometer element by element.
void copy_rows(const Tensor& rows, const int64_t* idx, int64_t count, int64_t width,
               const Tensor& out) {
  by_element_size(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = static_cast<const T*>(rows->data_ptr());
    T* dst = static_cast<T*>(out->data_ptr());
    if (width == 1) {
      for (int64_t i = 0; i < count; ++i) dst[i] = src[idx[i]];
    } else {
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(dst + i * width, src + idx[i] * width, size_t(width) * sizeof(T));
    }
  });
}

// out[i] = target[i-th indexed element]; out is contiguous with the result's shape.
void gather(const IndexGeometry& g, const Tensor& out) {
  by_element_size(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = static_cast<const T*>(g.target->storage->data);
    T* dst = static_cast<T*>(out->data_ptr());
    int64_t pos = 0;
    g.for_each([&](int64_t off) { dst[pos++] = src[off]; });
  });
}

// target[i-th indexed element] += vals[i] (vals contiguous, floating: gradients).
void scatter_add(const IndexGeometry& g, const Tensor& vals) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    T* dst = static_cast<T*>(g.target->storage->data);
    const T* src = static_cast<const T*>(vals->data_ptr());
    int64_t pos = 0;
    g.for_each([&](int64_t off) { dst[off] += src[pos++]; });
  };
  if (vals.dtype() == DType::Float32)
    run(float{});
  else if (vals.dtype() == DType::Float64)
    run(double{});
  else
    runtime_error("scatter_add: gradients must be floating point");
}

const char* scalar_type_name(DType dt) {
  switch (dt) {
    case DType::Bool:
      return "Bool";
    case DType::Int64:
      return "Long";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
  }
  return "";
}

// --- make_info ---------------------------------------------------------------------------------
struct Plan {
  Tensor target;
  int first = 0, k = 0;
  Shape bshape;
  Shape perm;                // target = self.permute(perm)
  std::vector<int64_t> idx;  // raw index values, numel(bshape) x k
  IndexGeometry geometry() const { return IndexGeometry{target, first, k, bshape, idx.data()}; }
};

// The positions of the true elements of a bool tensor, one int64 column per dim.
std::vector<Tensor> nonzero_columns(const Tensor& mask) {
  const Tensor m = contiguous_data(mask);
  const uint8_t* p = static_cast<const uint8_t*>(m->data_ptr());
  int64_t count = 0;
  for (int64_t i = 0; i < m.numel(); ++i) count += p[i] != 0;
  std::vector<Tensor> cols;
  for (int j = 0; j < m.dim(); ++j) cols.push_back(empty(Shape{count}, DType::Int64));
  int64_t row = 0;
  for (int64_t i = 0; i < m.numel(); ++i) {
    if (!p[i]) continue;
    int64_t rest = i;
    for (int j = m.dim() - 1; j >= 0; --j) {
      cols[size_t(j)].data<int64_t>()[row] = rest % m.sizes()[j];
      rest /= m.sizes()[j];
    }
    ++row;
  }
  return cols;
}

Plan make_plan(const Tensor& self, const std::vector<Tensor>& indices) {
  if (int64_t(indices.size()) > self.dim())
    index_error("too many indices for tensor of dimension " + std::to_string(self.dim()) +
                " (got " + std::to_string(indices.size()) + ")");
  for (const Tensor& t : indices)
    if (t.defined() && t.dtype() != DType::Int64 && t.dtype() != DType::Bool)
      index_error("tensors used as indices must be long, byte or bool tensors");
  // Masks -> their nonzero positions (expandTensors).
  std::vector<Tensor> ex;
  for (const Tensor& t : indices) {
    if (!t.defined()) {
      ex.emplace_back();
    } else if (t.dtype() == DType::Bool) {
      for (int j = 0; j < t.dim(); ++j) {
        const int src = int(ex.size()) + j;
        if (t.sizes()[j] != self.size(src))
          index_error("The shape of the mask " + t.sizes().str() + " at index " +
                      std::to_string(j) + " does not match the shape of the indexed tensor " +
                      self.sizes().str() + " at index " + std::to_string(src));
      }
      for (Tensor& c : nonzero_columns(t)) ex.push_back(std::move(c));
    } else {
      ex.push_back(t);
    }
  }
  // Broadcast the index tensors together.
  Plan p;
  bool first_seen = false;
  for (const Tensor& t : ex) {
    if (!t.defined()) continue;
    if (!first_seen) {
      p.bshape = t.sizes();
      first_seen = true;
      continue;
    }
    const Shape& s = t.sizes();
    const int nd = std::max(p.bshape.size(), s.size());
    Shape r;
    r.resize(nd);
    bool ok = true;
    for (int i = 0; i < nd; ++i) {
      const int ia = i - (nd - p.bshape.size()), ib = i - (nd - s.size());
      const int64_t a = ia >= 0 ? p.bshape[ia] : 1, b = ib >= 0 ? s[ib] : 1;
      ok = ok && (a == b || a == 1 || b == 1);
      r[i] = a == 1 ? b : a;
    }
    if (!ok) {
      std::string shapes;
      for (const Tensor& u : ex)
        if (u.defined()) shapes += (shapes.empty() ? "" : ", ") + u.sizes().str();
      index_error("shape mismatch: indexing tensors could not be broadcast together with shapes " +
                  shapes);
    }
    p.bshape = r;
  }
  while (int(ex.size()) < self.dim()) ex.emplace_back();

  // Indexed dims not adjacent: move them to the front (transposeToFront).
  int lo = -1, hi = -1;
  bool adjacent = true;
  for (int d = 0; d < self.dim(); ++d) {
    if (!ex[size_t(d)].defined()) continue;
    if (lo < 0)
      lo = d;
    else if (hi != d - 1)
      adjacent = false;
    hi = d;
  }
  std::vector<Tensor> ordered;
  if (adjacent) {
    for (int d = 0; d < self.dim(); ++d) p.perm.push_back(d);
    p.target = self;
    p.first = lo < 0 ? 0 : lo;
    ordered = ex;
  } else {
    for (int pass = 0; pass < 2; ++pass)
      for (int d = 0; d < self.dim(); ++d)
        if (ex[size_t(d)].defined() == (pass == 0)) {
          p.perm.push_back(d);
          ordered.push_back(ex[size_t(d)]);
        }
    Shape sz, st;
    for (int64_t d : p.perm) {
      sz.push_back(self.sizes()[int(d)]);
      st.push_back(self.strides()[int(d)]);
    }
    p.target = make_view(self, sz, st, self->offset);
    p.first = 0;
  }
  std::vector<Tensor> defined;
  for (const Tensor& t : ordered)
    if (t.defined()) defined.push_back(t);
  p.k = int(defined.size());

  // An indexed dim of size 0 can only be indexed by an empty index.
  bool empty_dim = false;
  for (int j = 0; j < p.k; ++j) empty_dim = empty_dim || p.target.sizes()[p.first + j] == 0;
  if (empty_dim && p.bshape.numel() != 0)
    index_error("index is out of bounds for dimension with size 0");

  const int64_t nb = p.bshape.numel();
  p.idx.resize(size_t(nb * p.k));
  for (int j = 0; j < p.k; ++j) {
    const std::vector<int64_t> v = to_int64s(expand_view(defined[size_t(j)], p.bshape));
    for (int64_t b = 0; b < nb; ++b) p.idx[size_t(b * p.k + j)] = v[size_t(b)];
  }
  return p;
}

// The indexing kernel's bounds check (only run when the result has elements, as PyTorch's
// kernel only checks the indices it reads); wraps negative indices.
void check_and_wrap(Plan& p) {
  if (p.geometry().result_shape().numel() == 0) return;
  const int64_t nb = p.bshape.numel();
  for (int64_t b = 0; b < nb; ++b)
    for (int j = 0; j < p.k; ++j) {
      int64_t& v = p.idx[size_t(b * p.k + j)];
      const int64_t size = p.target.sizes()[p.first + j];
      if (v < -size || v >= size)
        index_error("index " + std::to_string(v) + " is out of bounds for dimension " +
                    std::to_string(j) + " with size " + std::to_string(size));
      if (v < 0) v += size;
    }
}

// --- IndexBackward0 ------------------------------------------------------------------------------
// ints: first, k, perm (self.dim() entries), then the wrapped indices; shapes: self, B.
void index_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& self_sizes = n.shapes[0];
  const int nd = self_sizes.size();
  Tensor z = empty(self_sizes, gout[0].dtype());
  Shape sz, st;
  for (int i = 0; i < nd; ++i) {
    sz.push_back(self_sizes[int(n.ints[size_t(2 + i)])]);
    st.push_back(z.strides()[int(n.ints[size_t(2 + i)])]);
  }
  const IndexGeometry g{make_view(z, sz, st, 0), int(n.ints[0]), int(n.ints[1]), n.shapes[1],
                        n.ints.data() + 2 + nd};
  scatter_add(g, contiguous_data(gout[0]));
  gin[0] = z;
}

}  // namespace

namespace shape_detail {

bool overlaps(const Tensor& a, const Tensor& b) {
  if (a.same(b)) return true;
  if (a.numel() == 0 || b.numel() == 0) return false;
  if (!non_overlapping_and_dense(a) || !non_overlapping_and_dense(b)) return false;
  if (a->storage != b->storage) return false;
  const int64_t a0 = a->offset * element_size(a.dtype()),
                a1 = a0 + a.numel() * element_size(a.dtype());
  const int64_t b0 = b->offset * element_size(b.dtype()),
                b1 = b0 + b.numel() * element_size(b.dtype());
  return a0 < b1 && b0 < a1;
}

// x[idx] for one contiguous int64 index tensor on dim 0 of a contiguous tensor with elements
// to read: the general path's result, errors and node (IndexBackward0), without its plan.
static Tensor index_rows(const Tensor& self, const Tensor& index) {
  const int64_t size = self.sizes()[0], count = index.numel();
  const int64_t width = size ? self.numel() / size : 0;
  const int64_t* idx = index.data<int64_t>();
  std::vector<int64_t> wrapped;  // the indices with negatives wrapped, when they occur
  for (int64_t b = 0; b < count; ++b) {
    const int64_t v = idx[b];
    if (v >= 0 && v < size) continue;
    if (v < -size || v >= size)
      index_error("index " + std::to_string(v) + " is out of bounds for dimension 0 with size " +
                  std::to_string(size));
    if (wrapped.empty()) wrapped.assign(idx, idx + count);
    wrapped[size_t(b)] = v + size;
  }
  if (!wrapped.empty()) idx = wrapped.data();
  Shape sz = index.sizes();
  for (int d = 1; d < self.dim(); ++d) sz.push_back(self.sizes()[d]);
  Tensor out = empty_for_overwrite(sz, self.dtype());  // every row is copied in
  copy_rows(self, idx, count, width, out);
  if (Node* n = record(OpId::Index, index_backward, {&self}, {&out})) {
    n->ints.reserve(size_t(2 + self.dim() + count));
    n->ints = {0, 1};
    for (int d = 0; d < self.dim(); ++d) n->ints.push_back(d);
    n->ints.insert(n->ints.end(), idx, idx + count);
    n->shapes = {self.sizes(), index.sizes()};
  }
  return out;
}

Tensor advanced_index(const Tensor& self, const std::vector<Tensor>& indices) {
  if (indices.size() == 1 && indices[0].defined() && indices[0].dtype() == DType::Int64 &&
      indices[0].is_contiguous() && self.dim() >= 1 && self.is_contiguous() &&
      self.sizes()[0] > 0 && self.numel() > 0 && indices[0].numel() > 0)
    return index_rows(self, indices[0]);
  Plan p = make_plan(self, indices);
  check_and_wrap(p);
  const IndexGeometry g = p.geometry();
  Tensor out = empty(g.result_shape(), self.dtype());
  gather(g, out);
  if (Node* n = record(OpId::Index, index_backward, {&self}, {&out})) {
    n->ints.reserve(size_t(2 + self.dim()) + p.idx.size());
    n->ints = {p.first, p.k};
    n->ints.insert(n->ints.end(), p.perm.begin(), p.perm.end());
    n->ints.insert(n->ints.end(), p.idx.begin(), p.idx.end());
    n->shapes = {self.sizes(), p.bshape};
  }
  return out;
}

PreparedPut prepare_index_put(const Tensor& self, const std::vector<Tensor>& indices,
                              const Tensor& value) {
  if (int64_t(indices.size()) > self.dim())
    index_error("too many indices for tensor of dimension " + std::to_string(self.dim()) +
                " (got " + std::to_string(indices.size()) + ")");
  // A single mask and a one-element value: PyTorch runs masked_fill_ with value.item(), which
  // converts the value to self's dtype instead of requiring equal dtypes.
  int masks = 0, others = 0;
  for (const Tensor& t : indices)
    if (t.defined()) (t.dtype() == DType::Bool ? masks : others) += 1;
  const bool masked_fill_path = value.numel() == 1 && masks == 1 && others == 0;
  if (!masked_fill_path) {
    if (overlaps(self, value))
      runtime_error(
          "unsupported operation: some elements of the input tensor and the "
          "written-to tensor refer to a single memory location. Please clone() the "
          "tensor before performing the operation.");
    for (const Tensor& t : indices)
      if (t.defined() && overlaps(self, t))
        runtime_error(
            "unsupported operation: some elements of the input tensor and the "
            "written-to tensor refer to a single memory location. Please clone() the "
            "tensor before performing the operation.");
  }
  Plan p = make_plan(self, indices);
  const Shape result = p.geometry().result_shape();
  Tensor v = value;
  if (masked_fill_path) {
    v = cast_data(make_view(value, Shape{}, Shape{}, value->offset), self.dtype());
  } else {
    bool expandable = value.dim() <= result.size();
    for (int i = 1; i <= value.dim() && expandable; ++i) {
      const int64_t vs = value.sizes()[value.dim() - i], rs = result[result.size() - i];
      expandable = vs == rs || vs == 1;
    }
    if (!expandable)
      runtime_error("shape mismatch: value tensor of shape " + value.sizes().str() +
                    " cannot be broadcast to indexing result of shape " + result.str());
    if (value.dtype() != self.dtype())
      runtime_error("Index put requires the source and destination dtypes match, got " +
                    std::string(scalar_type_name(self.dtype())) + " for the destination and " +
                    scalar_type_name(value.dtype()) + " for the source.");
  }
  check_and_wrap(p);
  PreparedPut out;
  out.values = contiguous_data(expand_view(v, result));
  out.target = std::move(p.target);
  out.first = p.first;
  out.k = p.k;
  out.bshape = p.bshape;
  out.idx = std::move(p.idx);
  return out;
}

void run_index_put(const PreparedPut& p) {
  const IndexGeometry g{p.target, p.first, p.k, p.bshape, p.idx.data()};
  by_element_size(p.target.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* dst = static_cast<T*>(p.target->storage->data);
    const T* src = static_cast<const T*>(p.values->data_ptr());
    int64_t pos = 0;
    g.for_each([&](int64_t off) { dst[off] = src[pos++]; });
  });
}

}  // namespace shape_detail

// --- index_select ------------------------------------------------------------------------------
static void index_select_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& self_sizes = n.shapes[0];
  Tensor z = empty(self_sizes, gout[0].dtype());
  const int64_t count = int64_t(n.ints.size()) - 1;
  if (self_sizes.empty()) {  // 0-d self: the result was its one element
    if (count > 0) copy_values(z, gout[0]);
  } else {
    const IndexGeometry g{z, int(n.ints[0]), 1, Shape{count}, n.ints.data() + 1};
    scatter_add(g, contiguous_data(gout[0]));
  }
  gin[0] = z;
}

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& indices) {
  const int d = wrap_dim(dim, a.dim());
  if (indices.dim() > 1) index_error("index_select(): Index is supposed to be a vector");
  if (indices.dtype() != DType::Int64)
    runtime_error("index_select(): Expected dtype int32 or int64 for index");
  const std::vector<int64_t> idx = to_int64s(indices);
  const int64_t count = int64_t(idx.size());
  // PyTorch 1.13 checks bounds in three kernels with three wordings.
  if (a.dim() >= 2 && d == 1) {
    for (int64_t v : idx)
      if (v < 0 || v >= a.sizes()[1])
        runtime_error("INDICES element is out of DATA bounds, id=" + std::to_string(v) +
                      " axis_dim=" + std::to_string(a.sizes()[1]));
  } else if (a.dim() > 1) {
    if (count > 0 && a.numel() == 0 && a.sizes()[d] == 0)
      runtime_error("index_select(): self indexing axis dim should be positive");
    for (int64_t v : idx)
      if (v < 0 || v >= a.sizes()[d]) index_error("index out of range in self");
  } else {
    for (int64_t v : idx)
      if (v < 0 || v >= a.numel()) index_error("index out of range in self");
  }
  Tensor out;
  if (a.dim() == 0) {
    out = empty(Shape{}, a.dtype());
    if (count > 0) copy_values(out, a);
  } else {
    Shape sz = a.sizes();
    sz[d] = count;
    out = empty(sz, a.dtype());
    gather(IndexGeometry{a, d, 1, Shape{count}, idx.data()}, out);
  }
  if (Node* n = record(OpId::IndexSelect, index_select_backward, {&a}, {&out})) {
    n->ints.reserve(idx.size() + 1);
    n->ints.push_back(d);
    n->ints.insert(n->ints.end(), idx.begin(), idx.end());
    n->shapes = {a.sizes()};
  }
  return out;
}

// --- masked_fill -------------------------------------------------------------------------------
// mask (bool, contiguous, the result's shape) saved as the node's tensor 0.
static void masked_fill_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor mask = n.saved_tensor(0);
  Tensor g = empty(gout[0].sizes(), gout[0].dtype());
  copy_values(g, gout[0]);
  const uint8_t* m = mask.data<uint8_t>();
  const int64_t es = element_size(g.dtype());
  char* p = static_cast<char*>(g->data_ptr());
  for (int64_t i = 0; i < g.numel(); ++i)
    if (m[i]) std::memset(p + i * es, 0, size_t(es));
  gin[0] = sum_to(g, n.shapes[0]);
}

Tensor masked_fill(const Tensor& a, const Tensor& mask, Scalar value) {
  const Shape shape = broadcast_shapes(mask.sizes(), a.sizes());
  // NOTE: PyTorch 1.13 reads a non-bool mask by the first byte of each element (the low byte
  // on little-endian machines: 1.0 is false, 256 is false) and rejects bytes other than 0/1.
  Tensor m = empty(shape, DType::Bool);
  {
    const Tensor src = contiguous_data(expand_view(mask, shape));
    const uint8_t* s = static_cast<const uint8_t*>(src->data_ptr());
    const int64_t es = element_size(mask.dtype());
    uint8_t* dst = m.data<uint8_t>();
    for (int64_t i = 0; i < m.numel(); ++i) {
      const uint8_t byte = s[i * es];
      if (mask.dtype() != DType::Bool && byte > 1)
        runtime_error("Mask tensor can take 0 and 1 values only");
      dst[i] = byte != 0;
    }
  }
  Tensor out = empty(shape, a.dtype());
  copy_values(out, expand_view(a, shape));
  {
    const Tensor fill = scalar_tensor(value, a.dtype());
    const int64_t es = element_size(a.dtype());
    const char* v = static_cast<const char*>(fill->data_ptr());
    char* p = static_cast<char*>(out->data_ptr());
    const uint8_t* mm = m.data<uint8_t>();
    for (int64_t i = 0; i < out.numel(); ++i)
      if (mm[i]) std::memcpy(p + i * es, v, size_t(es));
  }
  if (Node* n = record(OpId::MaskedFill, masked_fill_backward, {&a}, {&out})) {
    n->save(m);
    n->shapes = {a.sizes()};
  }
  return out;
}

// --- embedding ---------------------------------------------------------------------------------
// ints: padding_idx (-1 for none), then the flattened indices; shapes: weight.
static void embedding_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Shape& wsize = n.shapes[0];
  Tensor z = empty(wsize, gout[0].dtype());
  const Tensor g = contiguous_data(gout[0]);
  const int64_t pad = n.ints[0], count = int64_t(n.ints.size()) - 1, width = wsize[1];
  // z holds exactly the dense gradient (zero-filled by empty()); each looked-up row adds in,
  // in lookup order. The rows of z and g never overlap, so the row add vectorises.
  auto run = [&](auto tag) {
    using T = decltype(tag);
    T* dst = z.data<T>();
    const T* src = g.data<T>();
    const int64_t* rows = n.ints.data() + 1;
    if (width == 1) {
      for (int64_t i = 0; i < count; ++i)
        if (rows[i] != pad) dst[rows[i]] += src[i];
      return;
    }
    for (int64_t i = 0; i < count; ++i) {
      if (rows[i] == pad) continue;
      T* __restrict d = dst + rows[i] * width;
      const T* __restrict s = src + i * width;
      for (int64_t c = 0; c < width; ++c) d[c] += s[c];
    }
  };
  if (g.dtype() == DType::Float32)
    run(float{});
  else if (g.dtype() == DType::Float64)
    run(double{});
  else
    runtime_error("embedding backward: gradients must be floating point");
  gin[0] = z;
}

Tensor embedding(const Tensor& weight, const Tensor& indices, std::optional<int64_t> padding_idx) {
  int64_t pad = -1;
  if (padding_idx) {  // torch.nn.functional.embedding's checks
    pad = *padding_idx;
    if (pad > 0 && !(pad < weight.size(0)))
      raise("AssertionError", "Padding_idx must be within num_embeddings");
    if (pad < 0) {
      if (!(pad >= -weight.size(0)))
        raise("AssertionError", "Padding_idx must be within num_embeddings");
      pad += weight.size(0);
    }
  }
  if (weight.dim() != 2) runtime_error("'weight' must be 2-D");
  if (indices.dtype() != DType::Int64)
    runtime_error(
        "Expected tensor for argument #1 'indices' to have one of the following scalar "
        "types: Long, Int; but got " +
        std::string(dtype_tensor_type_name(indices.dtype())) +
        " instead (while checking arguments for embedding)");
  // weight.index_select(0, indices.reshape(-1)).view(indices.shape + [dim])
  std::vector<int64_t> copied;  // the indices, unless they can be read in place
  if (!indices.is_contiguous()) copied = to_int64s(indices);
  const int64_t* idx = copied.empty() ? indices.data<int64_t>() : copied.data();
  const int64_t count = indices.numel(), rows = weight.sizes()[0];
  if (count > 0 && weight.numel() == 0 && rows == 0)
    runtime_error("index_select(): self indexing axis dim should be positive");
  for (int64_t i = 0; i < count; ++i)
    if (idx[i] < 0 || idx[i] >= rows) index_error("index out of range in self");
  const int64_t width = weight.sizes()[1];
  Shape sz = indices.sizes();
  sz.push_back(width);
  Tensor out = empty_for_overwrite(sz, weight.dtype());  // every row is copied in
  if (weight.is_contiguous())
    copy_rows(weight, idx, count, width, out);
  else
    gather(IndexGeometry{weight, 0, 1, Shape{count}, idx}, out);
  if (Node* n = record(OpId::Embedding, embedding_backward, {&weight}, {&out})) {
    n->ints.reserve(size_t(count) + 1);
    n->ints.push_back(pad);
    n->ints.insert(n->ints.end(), idx, idx + count);
    n->shapes = {weight.sizes()};
  }
  return out;
}

}  // namespace gradlab
