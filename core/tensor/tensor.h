// Tensors: a refcounted handle (Tensor) over an impl (TensorImpl) that views a refcounted
// Storage through sizes, strides and an offset, as PyTorch does. Views (slicing, view,
// transpose, .data, detach) share the storage, so writes through a view change the base.
//
// Small tensors are the common case in teaching (3-element vectors, thousands of steps), so a
// tensor and its storage are plain structs with inline shape arrays and one allocation each;
// nothing here touches Eigen.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/error.h"

namespace gradlab {

// Limit: tensors have at most this many dimensions (PyTorch allows 64; no course needs > 4).
inline constexpr int kMaxDims = 8;

struct Node;  // autograd graph node (autograd/node.h)
struct ExecutionContext;

// A tensor shape (or strides): up to kMaxDims int64 values, stored inline.
class Shape {
 public:
  // Only the first size() values are ever set or read: a new shape leaves the rest of d_
  // unwritten, and a copy moves 4 or 8 values in one fixed-size block, since every tensor
  // creation copies two shapes (a zero-fill and a 72-byte memcpy were calls into libc in wasm).
  Shape() {}
  Shape(const Shape& o) noexcept { copy_from(o); }
  Shape& operator=(const Shape& o) noexcept {
    if (this != &o) copy_from(o);
    return *this;
  }
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(const std::vector<int64_t>& dims);
  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[i]; }
  int64_t& operator[](int i) { return d_[i]; }
  const int64_t* begin() const { return d_; }
  const int64_t* end() const { return d_ + n_; }
  int64_t* data() { return d_; }
  const int64_t* data() const { return d_; }
  void push_back(int64_t v);
  void insert(int pos, int64_t v);
  void erase(int pos);
  void resize(int n, int64_t fill = 0) {
    if (unsigned(n) > unsigned(kMaxDims)) too_many_dims(n);
    for (int i = n_; i < n; ++i) d_[i] = fill;
    n_ = n;
  }
  int64_t numel() const;  // product of the dims (1 for 0-d)
  std::vector<int64_t> vec() const { return std::vector<int64_t>(d_, d_ + n_); }
  bool operator==(const Shape& o) const {
    if (n_ != o.n_) return false;
    for (int i = 0; i < n_; ++i)
      if (d_[i] != o.d_[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  // Becomes the row-major (C-contiguous) strides of `sizes` (size-1 dims count as 1).
  void set_contiguous_strides(const Shape& sizes) {
    n_ = sizes.n_;
    int64_t acc = 1;
    for (int i = n_ - 1; i >= 0; --i) {
      const int64_t size = sizes.d_[i];  // read first: `sizes` may be this shape
      d_[i] = acc;
      acc *= size > 1 ? size : 1;
    }
  }
  // "[2, 3]" as PyTorch error messages print shapes.
  std::string str() const;

 private:
  [[noreturn]] static void too_many_dims(int n);  // RuntimeError naming kMaxDims
  static constexpr int kShortDims = 4;
  static_assert(kMaxDims == 2 * kShortDims, "copy_from copies kShortDims or kMaxDims values");
  void copy_from(const Shape& o) {
    n_ = o.n_;
    // Byte copies of a constant size (defined for unset values too), which compilers turn
    // into a few inline loads and stores rather than a call.
    if (n_ <= kShortDims) std::memcpy(d_, o.d_, kShortDims * sizeof(int64_t));
    else std::memcpy(d_, o.d_, kMaxDims * sizeof(int64_t));
  }

  int n_ = 0;
  int64_t d_[kMaxDims];
};

// Row-major (C-contiguous) strides of a shape.
Shape contiguous_strides(const Shape& sizes);

// The bytes of a tensor. One allocation holds this header and the data.
struct Storage {
  int32_t refcount = 1;
  uint32_t version = 0;   // bumped by every in-place write (autograd's saved-tensor check)
  // How many of the references are autograd's saved outputs (SavedTensor): they see a later
  // write only through the version check, so they do not make the storage "shared".
  int32_t saved_output_refs = 0;
  int64_t nbytes = 0;
  void* data = nullptr;

  static Storage* allocate(int64_t nbytes);  // zero-filled; MemoryError over the budget
  // zeroed = false: the caller writes every byte before anything reads it.
  static Storage* allocate_in(ExecutionContext& ctx, int64_t nbytes, bool zeroed = true);
  static void release(Storage* s);           // decref, freeing at zero
};
// Storages of up to this many data bytes (16 floats) share one block size and are recycled.
inline constexpr int64_t kSmallStorageBytes = 64;

// A free list of memory blocks of one size (TensorImpls, small storages, autograd nodes).
// Teaching code creates and drops thousands of tiny tensors per second; recycling their
// blocks skips malloc/free on that path. Blocks come from std::malloc and go back to it, so a
// block may be cached by another context than the one that allocated it.
// NOTE: under AddressSanitizer nothing is cached (every block is malloc'd and freed), so the
// sanitizer still sees each use-after-free.
class BlockCache {
 public:
  BlockCache() = default;
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;
  ~BlockCache();
  // A block of `size` bytes (the same size on every call): a cached one or a new one;
  // nullptr when malloc fails.
  void* get(size_t size) {
    if (head_) {
      Link* l = head_;
      head_ = l->next;
      --count_;
      return l;
    }
    return std::malloc(size);
  }
  // Takes the block back: cached, or freed when kMaxBlocks are cached already.
  void put(void* p) {
    if (count_ >= kMaxBlocks) {
      std::free(p);
      return;
    }
    Link* l = static_cast<Link*>(p);
    l->next = head_;
    head_ = l;
    ++count_;
  }
  int cached() const { return count_; }
  // Limit: blocks kept per cache (a few hundred KB at most; the rest go back to malloc).
#if defined(__SANITIZE_ADDRESS__)
  static constexpr int kMaxBlocks = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  static constexpr int kMaxBlocks = 0;
#else
  static constexpr int kMaxBlocks = 4096;
#endif
#else
  static constexpr int kMaxBlocks = 4096;
#endif

 private:
  struct Link {
    Link* next;
  };
  Link* head_ = nullptr;
  int count_ = 0;
};

// Per-session execution state that ops deep in the call tree need: the grad mode, the
// tensor memory budget and the autograd sequence counter.
// NOTE: reached through a thread-local pointer that the Session installs around each slice
// of execution (ExecutionScope); PyTorch keeps GradMode thread-local for the same reason.
// Without a Session a default context (grad on, 1 GiB budget) is used.
struct ExecutionContext {
  bool grad_enabled = true;
  int64_t bytes_in_use = 0;
  int64_t byte_budget = int64_t(1) << 30;  // Limit: 1 GiB of tensor data per session
  uint64_t next_sequence_nr = 0;           // creation order of autograd nodes
  int64_t live_tensors = 0;                // for leak tests
  // Recycled blocks: TensorImpls, storages of at most kSmallStorageBytes, autograd Nodes.
  BlockCache tensor_blocks, storage_blocks, node_blocks;
};
namespace detail {
// The installed context of this thread (null until the first current_context()).
extern thread_local ExecutionContext* installed_context;
ExecutionContext& install_default_context();
}  // namespace detail
inline ExecutionContext& current_context() {
  ExecutionContext* c = detail::installed_context;
  return c ? *c : detail::install_default_context();
}
class ExecutionScope {  // installs a context for the current thread, restores on exit
 public:
  explicit ExecutionScope(ExecutionContext& ctx);
  ~ExecutionScope();
  ExecutionScope(const ExecutionScope&) = delete;
  ExecutionScope& operator=(const ExecutionScope&) = delete;

 private:
  ExecutionContext* saved_;
};
// torch.no_grad(): grad mode off for the scope's lifetime.
class NoGradGuard {
 public:
  NoGradGuard() : saved_(current_context().grad_enabled) { current_context().grad_enabled = false; }
  ~NoGradGuard() { current_context().grad_enabled = saved_; }

 private:
  bool saved_;
};
inline bool grad_mode_enabled() { return current_context().grad_enabled; }

struct TensorImpl {
  int32_t refcount = 1;
  DType dtype = DType::Float32;
  bool requires_grad = false;     // for leaves: set by the user; for results: any input did
  bool retains_grad = false;      // non-leaf keeps .grad (retain_grad())
  bool is_parameter = false;      // nn.Parameter: prints "Parameter containing:"
  bool is_wrapped_number = false; // a Python scalar turned into a 0-d tensor (type promotion)
  bool untracked_version = false; // .data: in-place writes through it are invisible to autograd
  bool int32 = false;             // an Int64 tensor the torch bindings show as torch.int32 (.int())
  Shape sizes;
  Shape strides;                  // in elements
  int64_t offset = 0;             // in elements
  int64_t numel = 0;
  Storage* storage = nullptr;     // owned reference
  TensorImpl* grad = nullptr;     // owned reference, may be null
  Node* grad_fn = nullptr;        // owned reference, null for leaves
  uint32_t output_nr = 0;         // which output of grad_fn this is
  Node* grad_accumulator = nullptr;  // weak: the AccumulateGrad node of a leaf, if alive

  void* data_ptr() const {
    return static_cast<char*>(storage->data) + offset * element_size(dtype);
  }
  bool is_contiguous() const {
    // The common vector case inline; an empty or one-element dim is contiguous whatever its
    // stride.
    if (sizes.size() == 1) return sizes[0] < 2 || strides[0] == 1;
    return is_contiguous_nd();
  }
  bool is_contiguous_nd() const;
};

// Reference counting, inline: every copy of a tensor handle or of a language value holding one
// goes through these; only the last release calls out (destroy_impl).
void destroy_impl(TensorImpl* t);
inline void incref(TensorImpl* t) { ++t->refcount; }
inline void decref(TensorImpl* t) {
  if (--t->refcount == 0) destroy_impl(t);
}

// A Python scalar (int, float, bool) as ops receive it.
struct Scalar {
  enum class Kind : uint8_t { Bool, Int, Float };
  Kind kind = Kind::Int;
  union {
    bool b;
    int64_t i;
    double f;
  };
  Scalar() : i(0) {}
  static Scalar from_bool(bool v) { Scalar s; s.kind = Kind::Bool; s.b = v; return s; }
  static Scalar from_int(int64_t v) { Scalar s; s.kind = Kind::Int; s.i = v; return s; }
  static Scalar from_double(double v) { Scalar s; s.kind = Kind::Float; s.f = v; return s; }
  double to_double() const { return kind == Kind::Float ? f : kind == Kind::Int ? double(i) : double(b); }
  int64_t to_int() const { return kind == Kind::Float ? int64_t(f) : kind == Kind::Int ? i : int64_t(b); }
  bool is_floating() const { return kind == Kind::Float; }
  bool is_integral() const { return kind != Kind::Float; }
  // The dtype a Python scalar of this kind gets as a standalone tensor.
  DType default_dtype() const {
    return kind == Kind::Float ? DType::Float32 : kind == Kind::Int ? DType::Int64 : DType::Bool;
  }
};

// The handle. Copying shares the impl (like a Python reference to a torch.Tensor).
class Tensor {
 public:
  Tensor() = default;
  Tensor(const Tensor& o) : impl_(o.impl_) { if (impl_) incref(impl_); }
  Tensor(Tensor&& o) noexcept : impl_(o.impl_) { o.impl_ = nullptr; }
  Tensor& operator=(const Tensor& o) {
    if (o.impl_) incref(o.impl_);
    if (impl_) decref(impl_);
    impl_ = o.impl_;
    return *this;
  }
  Tensor& operator=(Tensor&& o) noexcept {
    if (this != &o) {
      if (impl_) decref(impl_);
      impl_ = o.impl_;
      o.impl_ = nullptr;
    }
    return *this;
  }
  ~Tensor() { if (impl_) decref(impl_); }

  // Ownership transfer with the VM (which stores a raw TensorImpl* in its values).
  static Tensor reclaim(TensorImpl* t) { Tensor r; r.impl_ = t; return r; }  // adopts a reference
  static Tensor borrow(TensorImpl* t) { if (t) incref(t); return reclaim(t); }  // takes a new one
  TensorImpl* release() { TensorImpl* t = impl_; impl_ = nullptr; return t; }
  TensorImpl* get() const { return impl_; }
  TensorImpl* operator->() const { return impl_; }
  bool defined() const { return impl_ != nullptr; }
  explicit operator bool() const { return defined(); }
  bool same(const Tensor& o) const { return impl_ == o.impl_; }

  // --- metadata -------------------------------------------------------------------------
  DType dtype() const { return impl_->dtype; }
  const Shape& sizes() const { return impl_->sizes; }
  const Shape& strides() const { return impl_->strides; }
  int dim() const { return impl_->sizes.size(); }
  int64_t numel() const { return impl_->numel; }
  int64_t size(int d) const;  // negative d wraps; IndexError when out of range
  bool is_contiguous() const { return impl_->is_contiguous(); }
  bool requires_grad() const { return impl_->requires_grad; }
  bool is_leaf() const { return impl_->grad_fn == nullptr; }
  Node* grad_fn() const { return impl_->grad_fn; }
  template <typename T> T* data() const { return static_cast<T*>(impl_->data_ptr()); }

  // --- autograd-facing accessors (see autograd/autograd.h for backward) ---------------
  Tensor grad() const { return Tensor::borrow(impl_->grad); }
  void set_grad(const Tensor& g);  // TypeError/RuntimeError on dtype/shape mismatch like PyTorch
  void set_requires_grad(bool r);  // RuntimeError for non-leaves and non-float dtypes

 private:
  TensorImpl* impl_ = nullptr;
};

// --- construction -----------------------------------------------------------------------
// A new contiguous, zero-filled tensor.
Tensor empty(const Shape& sizes, DType dtype);
// The same, not zero-filled, for a result the caller writes element by element before it is
// read (the elementwise kernels): filling it with zeros first cost a memset per op.
Tensor empty_for_overwrite(const Shape& sizes, DType dtype);
// A 0-d tensor holding a Python scalar (is_wrapped_number set, for type promotion).
Tensor wrapped_scalar(Scalar s);
// A 0-d tensor of the given dtype.
Tensor scalar_tensor(Scalar s, DType dtype);
// From flat row-major values (converted to dtype).
Tensor from_doubles(const std::vector<double>& values, const Shape& sizes, DType dtype);
Tensor from_int64s(const std::vector<int64_t>& values, const Shape& sizes, DType dtype);

// A view of t's storage with new geometry (no copy; autograd is the caller's business).
Tensor make_view(const Tensor& t, const Shape& sizes, const Shape& strides, int64_t offset);
// A tensor sharing t's storage and geometry but with no autograd history (detach / .data).
Tensor alias_detached(const Tensor& t);

// Contiguous copy (or t itself when already contiguous), no autograd.
Tensor contiguous_data(const Tensor& t);
// Same values converted to dtype (t itself when equal), no autograd.
Tensor cast_data(const Tensor& t, DType dtype);
// Copies src into dst elementwise (broadcasting src, converting dtype), no autograd,
// bumping dst's version.
void copy_into(const Tensor& dst, const Tensor& src);

// Element i (row-major logical index) as double / int64, for printing, item(), tests.
double element_as_double(const Tensor& t, int64_t i);
int64_t element_as_int(const Tensor& t, int64_t i);
// All elements, row-major.
std::vector<double> to_doubles(const Tensor& t);
std::vector<int64_t> to_int64s(const Tensor& t);
// .item(): the single element as a Python scalar (RuntimeError if numel != 1).
Scalar item(const Tensor& t);

// PyTorch's wording for a 'bad dimension' (IndexError "Dimension out of range (expected to
// be in range of [-2, 1], but got 2)"); returns the wrapped dim.
int wrap_dim(int64_t dim, int ndim);

// Marks an in-place write: bumps the storage version (unless t is an untracked .data alias).
void bump_version(const Tensor& t);

}  // namespace gradlab
