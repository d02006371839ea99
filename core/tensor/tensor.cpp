#include "tensor/tensor.h"

#include <cstdlib>
#include <new>

#include "autograd/node.h"

namespace gradlab {

// --- Shape -------------------------------------------------------------------------------
static void check_ndim(size_t n) {
  if (n > size_t(kMaxDims))
    runtime_error("gradlab supports tensors of at most " + std::to_string(kMaxDims) +
                  " dimensions, got " + std::to_string(n));
}

Shape::Shape(std::initializer_list<int64_t> dims) {
  check_ndim(dims.size());
  for (int64_t d : dims) d_[n_++] = d;
}
Shape::Shape(const std::vector<int64_t>& dims) {
  check_ndim(dims.size());
  for (int64_t d : dims) d_[n_++] = d;
}
void Shape::push_back(int64_t v) {
  check_ndim(size_t(n_) + 1);
  d_[n_++] = v;
}
void Shape::insert(int pos, int64_t v) {
  check_ndim(size_t(n_) + 1);
  for (int i = n_; i > pos; --i) d_[i] = d_[i - 1];
  d_[pos] = v;
  ++n_;
}
void Shape::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
  --n_;
}
void Shape::too_many_dims(int n) {
  runtime_error("gradlab supports tensors of at most " + std::to_string(kMaxDims) +
                " dimensions, got " + std::to_string(n));
}
int64_t Shape::numel() const {
  int64_t p = 1;
  for (int i = 0; i < n_; ++i) p *= d_[i];
  return p;
}
std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ", ";
    s += std::to_string(d_[i]);
  }
  return s + "]";
}

Shape contiguous_strides(const Shape& sizes) {
  Shape st;
  st.set_contiguous_strides(sizes);
  return st;
}

// --- execution context ----------------------------------------------------------------------
BlockCache::~BlockCache() {
  while (head_) {
    Link* l = head_;
    head_ = l->next;
    std::free(l);
  }
  // Blocks put back after this (a tensor outliving its thread's context) are freed at once.
  count_ = kMaxBlocks;
}

namespace detail {
thread_local ExecutionContext* installed_context = nullptr;

// Without a Session's scope, a thread uses its default context; installing it makes the
// following current_context() calls a plain load.
ExecutionContext& install_default_context() {
  thread_local ExecutionContext default_context;
  installed_context = &default_context;
  return default_context;
}
}  // namespace detail

ExecutionScope::ExecutionScope(ExecutionContext& ctx) : saved_(detail::installed_context) {
  detail::installed_context = &ctx;
}
ExecutionScope::~ExecutionScope() { detail::installed_context = saved_; }

// --- Storage -----------------------------------------------------------------------------
namespace {
constexpr int64_t kStorageAlign = 16;
constexpr int64_t header_size() {
  return (int64_t(sizeof(Storage)) + kStorageAlign - 1) / kStorageAlign * kStorageAlign;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000.0 && u < 4) {
    bytes /= 1000.0;
    ++u;
  }
  char buf[64];
  if (u == 0)
    snprintf(buf, sizeof buf, "%.0f %s", bytes, units[u]);
  else
    snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
  return buf;
}
}  // namespace

Storage* Storage::allocate(int64_t nbytes) { return allocate_in(current_context(), nbytes); }

Storage* Storage::allocate_in(ExecutionContext& ctx, int64_t nbytes, bool zeroed) {
  if (nbytes < 0 || nbytes > ctx.byte_budget - ctx.bytes_in_use)
    raise("MemoryError", "gradlab cannot allocate " + human_bytes(double(nbytes)) +
                             " for a tensor (the session's tensor memory budget is " +
                             human_bytes(double(ctx.byte_budget)) + ")");
  void* mem;
  if (nbytes <= kSmallStorageBytes) {
    mem = ctx.storage_blocks.get(size_t(header_size() + kSmallStorageBytes));
    // The whole small block (a fixed size: a few stores, no call).
    if (mem && zeroed) std::memset(static_cast<char*>(mem) + header_size(), 0, size_t(kSmallStorageBytes));
  } else {
    mem = zeroed ? std::calloc(1, size_t(header_size() + nbytes)) : std::malloc(size_t(header_size() + nbytes));
  }
  if (!mem)
    raise("MemoryError", "gradlab cannot allocate " + human_bytes(double(nbytes)) + " for a tensor");
  Storage* s = new (mem) Storage;
  s->nbytes = nbytes;
  s->data = static_cast<char*>(mem) + header_size();
  ctx.bytes_in_use += nbytes;
  return s;
}

void Storage::release(Storage* s) {
  if (--s->refcount > 0) return;
  ExecutionContext& ctx = current_context();
  ctx.bytes_in_use -= s->nbytes;
  const bool small = s->nbytes <= kSmallStorageBytes;
  s->~Storage();
  if (small)
    ctx.storage_blocks.put(s);
  else
    std::free(s);
}

// --- TensorImpl --------------------------------------------------------------------------
bool TensorImpl::is_contiguous_nd() const {
  // As PyTorch's compute_contiguous: an empty tensor is contiguous whatever its strides.
  for (int64_t s : sizes)
    if (s == 0) return true;
  int64_t expected = 1;
  for (int i = sizes.size() - 1; i >= 0; --i) {
    if (sizes[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

static void delete_impl(TensorImpl* t) {
  ExecutionContext& ctx = current_context();
  --ctx.live_tensors;
  t->~TensorImpl();
  ctx.tensor_blocks.put(t);
}

void destroy_impl(TensorImpl* t) {
  if (t->storage) Storage::release(t->storage);
  if (t->grad) decref(t->grad);
  if (t->grad_fn) {
    forget_retained(t);
    node_decref(t->grad_fn);
  }
  delete_impl(t);
}

static TensorImpl* new_impl(ExecutionContext& ctx) {
  void* mem = ctx.tensor_blocks.get(sizeof(TensorImpl));
  if (!mem) throw std::bad_alloc();
  ++ctx.live_tensors;
  return new (mem) TensorImpl;  // default-initialized: no zero-fill before the members' own
}

// --- Tensor ------------------------------------------------------------------------------
int wrap_dim(int64_t dim, int ndim) {
  int64_t lo = ndim > 0 ? -ndim : -1, hi = ndim > 0 ? ndim - 1 : 0;
  if (dim < lo || dim > hi)
    index_error("Dimension out of range (expected to be in range of [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "], but got " + std::to_string(dim) + ")");
  return int(dim < 0 ? dim + (ndim > 0 ? ndim : 1) : dim);
}

int64_t Tensor::size(int d) const { return impl_->sizes[wrap_dim(d, dim())]; }

void Tensor::set_requires_grad(bool r) {
  if (!is_leaf()) {
    if (!r)
      runtime_error(
          "you can only change requires_grad flags of leaf variables. If you want to use a "
          "computed variable in a subgraph that doesn't require differentiation use "
          "var_no_grad = var.detach().");
    return;
  }
  if (r && !is_floating(dtype()))
    runtime_error("only Tensors of floating point dtype can require gradients");
  impl_->requires_grad = r;
}

void Tensor::set_grad(const Tensor& g) {
  if (g.defined()) {
    if (g.dtype() != dtype())
      runtime_error("assigned grad has data of a different type");
    if (g.sizes() != sizes()) runtime_error("assigned grad has data of a different size");
    incref(g.get());
  }
  if (impl_->grad) decref(impl_->grad);
  impl_->grad = g.get();
}

static Tensor new_tensor(const Shape& sizes, DType dtype, bool zeroed) {
  int64_t n = 1;
  for (int64_t d : sizes) {
    if (d < 0)
      runtime_error("Trying to create tensor with negative dimension " + std::to_string(d) + ": " +
                    sizes.str());
    n = d != 0 && n > (int64_t(1) << 53) / d ? int64_t(1) << 53 : n * d;
  }
  ExecutionContext& ctx = current_context();
  // Over the budget: name the size and the shape (the byte count in double: it may overflow).
  double want = 1.0;
  for (int64_t d : sizes) want *= double(d);
  want *= double(element_size(dtype));
  if (want > double(ctx.byte_budget - ctx.bytes_in_use))
    raise("MemoryError", "gradlab cannot allocate " + human_bytes(want) + " for a tensor of shape " + sizes.str());
  Storage* storage = Storage::allocate_in(ctx, n * element_size(dtype), zeroed);
  TensorImpl* t;
  try {
    t = new_impl(ctx);
  } catch (...) {
    Storage::release(storage);
    throw;
  }
  t->dtype = dtype;
  t->sizes = sizes;
  t->strides.set_contiguous_strides(sizes);
  t->numel = n;
  t->storage = storage;
  return Tensor::reclaim(t);
}

Tensor empty(const Shape& sizes, DType dtype) { return new_tensor(sizes, dtype, true); }
Tensor empty_for_overwrite(const Shape& sizes, DType dtype) { return new_tensor(sizes, dtype, false); }

Tensor scalar_tensor(Scalar s, DType dtype) {
  Tensor t = empty(Shape{}, dtype);
  switch (dtype) {
    case DType::Bool: *t.data<uint8_t>() = s.to_double() != 0.0; break;
    case DType::Int64: *t.data<int64_t>() = s.to_int(); break;
    case DType::Float32: *t.data<float>() = float(s.to_double()); break;
    case DType::Float64: *t.data<double>() = s.to_double(); break;
  }
  return t;
}

Tensor wrapped_scalar(Scalar s) {
  DType dt = s.kind == Scalar::Kind::Float ? DType::Float64
             : s.kind == Scalar::Kind::Int ? DType::Int64
                                           : DType::Bool;
  Tensor t = scalar_tensor(s, dt);
  t->is_wrapped_number = true;
  return t;
}

template <typename T>
static void store_all(void* dst, const std::vector<T>& v, DType dtype) {
  for (size_t i = 0; i < v.size(); ++i) {
    switch (dtype) {
      case DType::Bool: static_cast<uint8_t*>(dst)[i] = v[i] != T(0); break;
      case DType::Int64: static_cast<int64_t*>(dst)[i] = int64_t(v[i]); break;
      case DType::Float32: static_cast<float*>(dst)[i] = float(v[i]); break;
      case DType::Float64: static_cast<double*>(dst)[i] = double(v[i]); break;
    }
  }
}

Tensor from_doubles(const std::vector<double>& values, const Shape& sizes, DType dtype) {
  if (int64_t(values.size()) != sizes.numel())
    value_error("from_doubles: expected " + std::to_string(sizes.numel()) + " values, got " +
                std::to_string(values.size()));
  Tensor t = empty(sizes, dtype);
  store_all(t.get()->data_ptr(), values, dtype);
  return t;
}

Tensor from_int64s(const std::vector<int64_t>& values, const Shape& sizes, DType dtype) {
  if (int64_t(values.size()) != sizes.numel())
    value_error("from_int64s: expected " + std::to_string(sizes.numel()) + " values, got " +
                std::to_string(values.size()));
  Tensor t = empty(sizes, dtype);
  store_all(t.get()->data_ptr(), values, dtype);
  return t;
}

Tensor make_view(const Tensor& t, const Shape& sizes, const Shape& strides, int64_t offset) {
  TensorImpl* v = new_impl(current_context());
  v->dtype = t.dtype();
  v->sizes = sizes;
  v->strides = strides;
  v->offset = offset;
  v->numel = sizes.numel();
  v->storage = t->storage;
  ++v->storage->refcount;
  v->untracked_version = t->untracked_version;
  return Tensor::reclaim(v);
}

Tensor alias_detached(const Tensor& t) {
  return make_view(t, t.sizes(), t.strides(), t->offset);
}

void bump_version(const Tensor& t) {
  if (!t->untracked_version) ++t->storage->version;
}

// Visits the storage offsets of t in row-major logical order.
template <typename F>
static void for_each_offset(const Tensor& t, F&& f) {
  const int nd = t.dim();
  const int64_t n = t.numel();
  if (n == 0) return;
  if (t.is_contiguous()) {
    for (int64_t i = 0; i < n; ++i) f(t->offset + i);
    return;
  }
  int64_t idx[kMaxDims] = {};
  int64_t off = t->offset;
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  for (int64_t k = 0; k < n; ++k) {
    f(off);
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[d] < sz[d]) {
        off += st[d];
        break;
      }
      off -= st[d] * (sz[d] - 1);
      idx[d] = 0;
    }
  }
}

template <typename To>
static To load_as(const void* base, DType dt, int64_t off) {
  switch (dt) {
    case DType::Bool: return To(static_cast<const uint8_t*>(base)[off]);
    case DType::Int64: return To(static_cast<const int64_t*>(base)[off]);
    case DType::Float32: return To(static_cast<const float*>(base)[off]);
    case DType::Float64: return To(static_cast<const double*>(base)[off]);
  }
  return To();
}

Tensor contiguous_data(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = empty(t.sizes(), t.dtype());
  char* dst = static_cast<char*>(out->data_ptr());
  const char* src = static_cast<const char*>(t->storage->data);
  const int es = element_size(t.dtype());
  for_each_offset(t, [&](int64_t off) {
    std::memcpy(dst, src + off * es, es);
    dst += es;
  });
  return out;
}


// Strides of `t` broadcast to `sizes` (0 where t is broadcast); RuntimeError if impossible.
static Shape broadcast_strides_to(const Tensor& t, const Shape& sizes) {
  Shape st;
  st.resize(sizes.size());
  const int off = sizes.size() - t.dim();
  if (off < 0)
    runtime_error("output with shape " + sizes.str() + " doesn't match the broadcast shape " +
                  t.sizes().str());
  for (int i = 0; i < sizes.size(); ++i) {
    if (i < off) { st[i] = 0; continue; }
    const int64_t s = t.sizes()[i - off];
    if (s == sizes[i]) st[i] = t.strides()[i - off];
    else if (s == 1) st[i] = 0;
    else
      runtime_error("The expanded size of the tensor (" + std::to_string(sizes[i]) +
                    ") must match the existing size (" + std::to_string(s) +
                    ") at non-singleton dimension " + std::to_string(i) + ".  Target sizes: " +
                    sizes.str() + ".  Tensor sizes: " + t.sizes().str());
  }
  return st;
}

// Visits (dst offset, src offset) pairs of two tensors of the same shape in row-major order.
template <typename F>
static void for_each_offset2(const Tensor& a, const Tensor& b, F&& f) {
  const int nd = a.dim();
  const int64_t n = a.numel();
  if (n == 0) return;
  int64_t idx[kMaxDims] = {};
  int64_t oa = a->offset, ob = b->offset;
  const Shape& sz = a.sizes();
  const Shape& sa = a.strides();
  const Shape& sb = b.strides();
  for (int64_t k = 0; k < n; ++k) {
    f(oa, ob);
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[d] < sz[d]) {
        oa += sa[d];
        ob += sb[d];
        break;
      }
      oa -= sa[d] * (sz[d] - 1);
      ob -= sb[d] * (sz[d] - 1);
      idx[d] = 0;
    }
  }
}

// dst[i] = convert(src[i]) for src already viewed with dst's shape.
template <typename To>
static void copy_typed(const Tensor& dst, const Tensor& src) {
  To* d = static_cast<To*>(dst->storage->data);
  const void* sbase = src->storage->data;
  const DType sdt = src.dtype();
  for_each_offset2(dst, src, [&](int64_t od, int64_t os) {
    if constexpr (std::is_same_v<To, uint8_t>) {
      d[od] = load_as<double>(sbase, sdt, os) != 0.0;
    } else if (sdt == DType::Int64 || sdt == DType::Bool) {
      d[od] = To(load_as<int64_t>(sbase, sdt, os));
    } else {
      d[od] = To(load_as<double>(sbase, sdt, os));
    }
  });
}

static void copy_dispatch(const Tensor& dst, const Tensor& src) {
  switch (dst.dtype()) {
    case DType::Bool: copy_typed<uint8_t>(dst, src); break;
    case DType::Int64: copy_typed<int64_t>(dst, src); break;
    case DType::Float32: copy_typed<float>(dst, src); break;
    case DType::Float64: copy_typed<double>(dst, src); break;
  }
}

void copy_into(const Tensor& dst, const Tensor& src) {
  Tensor sb = make_view(src, dst.sizes(), broadcast_strides_to(src, dst.sizes()), src->offset);
  if (dst->storage == src->storage) {
    // Overlapping storage (a[1:] = a[:-1]): read everything before writing.
    Tensor tmp = empty(sb.sizes(), sb.dtype());
    copy_dispatch(tmp, sb);
    sb = tmp;
  }
  if (dst.is_contiguous() && sb.is_contiguous() && dst.dtype() == sb.dtype())
    std::memcpy(dst->data_ptr(), sb->data_ptr(), size_t(dst.numel() * element_size(dst.dtype())));
  else
    copy_dispatch(dst, sb);
  bump_version(dst);
}

Tensor cast_data(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  Tensor out = empty(t.sizes(), dtype);
  copy_dispatch(out, t);
  return out;
}

static int64_t logical_to_offset(const Tensor& t, int64_t i) {
  int64_t off = t->offset;
  for (int d = t.dim() - 1; d >= 0; --d) {
    const int64_t s = t.sizes()[d];
    off += (i % s) * t.strides()[d];
    i /= s;
  }
  return off;
}

double element_as_double(const Tensor& t, int64_t i) {
  return load_as<double>(t->storage->data, t.dtype(), logical_to_offset(t, i));
}
int64_t element_as_int(const Tensor& t, int64_t i) {
  return load_as<int64_t>(t->storage->data, t.dtype(), logical_to_offset(t, i));
}

std::vector<double> to_doubles(const Tensor& t) {
  std::vector<double> v;
  v.reserve(size_t(t.numel()));
  for_each_offset(t, [&](int64_t off) { v.push_back(load_as<double>(t->storage->data, t.dtype(), off)); });
  return v;
}
std::vector<int64_t> to_int64s(const Tensor& t) {
  std::vector<int64_t> v;
  v.reserve(size_t(t.numel()));
  for_each_offset(t, [&](int64_t off) { v.push_back(load_as<int64_t>(t->storage->data, t.dtype(), off)); });
  return v;
}

Scalar item(const Tensor& t) {
  if (t.numel() != 1)
    runtime_error("a Tensor with " + std::to_string(t.numel()) +
                  " elements cannot be converted to Scalar");
  const int64_t off = logical_to_offset(t, 0);
  switch (t.dtype()) {
    case DType::Bool: return Scalar::from_bool(static_cast<const uint8_t*>(t->storage->data)[off] != 0);
    case DType::Int64: return Scalar::from_int(static_cast<const int64_t*>(t->storage->data)[off]);
    case DType::Float32: return Scalar::from_double(static_cast<const float*>(t->storage->data)[off]);
    case DType::Float64: return Scalar::from_double(static_cast<const double*>(t->storage->data)[off]);
  }
  return Scalar();
}

}  // namespace gradlab
