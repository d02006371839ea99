// Private to core/ops: the elementwise iteration machinery every elementwise op runs on.
//
// An elementwise op is a functor over C++ scalars, run by `Iter` over a result and up to three
// inputs. Iter mirrors PyTorch's TensorIterator where that is visible to students:
//   - broadcasting, with PyTorch's error for mismatched sizes;
//   - inputs converted to the op's compute dtype (0-d operands, e.g. wrapped Python numbers,
//     are converted once into a local slot and read with stride 0);
//   - a new result takes the memory layout of its inputs (x.t().exp() is not contiguous), by
//     TensorIterator's dimension ordering, then dimensions are coalesced;
//   - each innermost run knows whether PyTorch would run it through its SIMD path (contiguous,
//     or one input broadcast), and which elements of it: PyTorch's cpu_kernel_vec handles the
//     first floor(n / (2 * lanes)) * 2 * lanes elements of a run with its vector function and
//     the rest with its scalar function, and a few ops round differently in the two (see
//     run_vec below).
// Small tensors skip all of it: same-shape contiguous operands of the compute dtype (or 0-d
// ones) run one flat loop (fast_path), with no per-element calls through pointers and no heap
// allocation besides the result.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "tensor/tensor.h"

namespace gradlab {
namespace kernel {

// --- dtypes as C++ types ------------------------------------------------------------------
template <typename T> struct Tag { using type = T; };

template <typename T> constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<T, int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<T, float>) return DType::Float32;
  else return DType::Float64;
}

// Calls f(Tag<T>{}) with T the C++ type of dt (bool, int64_t, float, double).
template <typename F> decltype(auto) dispatch(DType dt, F&& f) {
  switch (dt) {
    case DType::Bool: return f(Tag<bool>{});
    case DType::Int64: return f(Tag<int64_t>{});
    case DType::Float32: return f(Tag<float>{});
    case DType::Float64: break;
  }
  return f(Tag<double>{});
}

// Conversions as PyTorch's CPU casts do them (x86 semantics for float -> int64: NaN and
// out-of-range values become INT64_MIN, where C++ would be undefined).
template <typename To, typename From> inline To convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_same_v<To, int64_t> && std::is_floating_point_v<From>) {
    if (!(v >= From(-9223372036854775808.0) && v < From(9223372036854775808.0)))
      return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <typename To> inline To load(const void* p, DType dt) {
  switch (dt) {
    case DType::Bool: return convert<To>(*static_cast<const bool*>(p));
    case DType::Int64: return convert<To>(*static_cast<const int64_t*>(p));
    case DType::Float32: return convert<To>(*static_cast<const float*>(p));
    case DType::Float64: break;
  }
  return convert<To>(*static_cast<const double*>(p));
}

template <typename To> inline To scalar_as(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::Bool: return convert<To>(s.b);
    case Scalar::Kind::Int: return convert<To>(s.i);
    case Scalar::Kind::Float: break;
  }
  return convert<To>(s.f);
}

// A 0-d (or one-element, broadcast) operand: the tensor has no dims, or every dim is 1 and it
// is read as a single value.
inline bool is_scalar_operand(const Tensor& t) { return t.dim() == 0; }

// Copy of t converted to dtype with t's memory layout when t is dense (as Tensor.to() keeps
// it), else contiguous. No autograd.
Tensor cast_like_layout(const Tensor& t, DType dtype);

// PyTorch's broadcast error wording ("The size of tensor a (3) must match the size of tensor
// b (2) at non-singleton dimension 1"); the shapes broadcast left to right (a is the running
// result).
Shape broadcast_pair(const Shape& a, const Shape& b);

// A new result tensor with `sizes` whose memory layout follows `like` (PyTorch's
// empty_like(preserve_format) for a dense tensor; contiguous otherwise).
Tensor empty_like_layout(const Tensor& like, DType dtype);

// --- the iterator ---------------------------------------------------------------------------
inline constexpr int kMaxOperands = 4;  // the result + up to three inputs (where)

struct Iter {
  int ndim = 0;                        // after coalescing; 0 = one element
  int64_t shape[kMaxDims] = {};        // dim 0 is the fastest-moving
  int nops = 0;                        // operand 0 is the result
  char* ptr[kMaxOperands] = {};        // address of element (0, ..., 0)
  int64_t stride[kMaxOperands][kMaxDims] = {};  // in elements
  int64_t numel = 0;
  Tensor out;
  Tensor keep[kMaxOperands];           // converted copies of inputs, kept alive
  alignas(8) unsigned char slot[kMaxOperands][8] = {};  // converted 0-d inputs
};

// Builds the iteration for result = f(inputs) computed in `compute` and stored as `out_dtype`.
// `out` is the result for in-place ops (its shape must equal the broadcast shape: PyTorch's
// "output with shape [3] doesn't match the broadcast shape [2, 3]"), or undefined to allocate
// one. Inputs are converted to `compute`.
void build(Iter& it, const Tensor* out, std::initializer_list<const Tensor*> inputs,
           DType compute, DType out_dtype);

// Lanes of PyTorch's AVX2 vectors for T (8 floats / 4 doubles); its vectorised loop takes
// 2 vectors per step.
template <typename T> constexpr int64_t vec_block() { return 2 * 32 / int64_t(sizeof(T)); }

// Runs out[i] = f(in...) over the iteration. Out and In are the C++ types of the result and
// the compute dtype. With a `vec` functor, elements PyTorch computes in its SIMD loop use vec
// and the rest f (they differ for a few ops: PyTorch's Sleef vector pow vs std::pow, ...).
template <typename Out, typename In, int N, typename F, typename V>
void run_impl(Iter& it, F& f, V* vec) {
  static_assert(N >= 1 && N <= 3, "elementwise ops take one to three inputs");
  const int64_t inner = it.ndim == 0 ? 1 : it.shape[0];
  if (it.numel == 0) return;
  int64_t idx[kMaxDims] = {};
  char* base[kMaxOperands];
  for (int k = 0; k < it.nops; ++k) base[k] = it.ptr[k];
  const int64_t so = it.ndim ? it.stride[0][0] : 0;
  int64_t si[3] = {};
  for (int k = 0; k < N; ++k) si[k] = it.ndim ? it.stride[k + 1][0] : 0;
  // PyTorch's VectorizedLoop2d: contiguous, or exactly one input broadcast (stride 0).
  bool vectorised = false;
  if (vec && so == 1) {
    int zeros = 0;
    bool ok = true;
    for (int k = 0; k < N; ++k) {
      if (si[k] == 0) ++zeros;
      else if (si[k] != 1) ok = false;
    }
    vectorised = ok && zeros <= 1;
  }
  const int64_t vec_end = vectorised ? inner - inner % vec_block<In>() : 0;
  const int64_t outer = it.numel / inner;
  for (int64_t r = 0; r < outer; ++r) {
    Out* o = reinterpret_cast<Out*>(base[0]);
    const In* a = reinterpret_cast<const In*>(base[1]);
    const In* b = N >= 2 ? reinterpret_cast<const In*>(base[2]) : nullptr;
    const In* c = N >= 3 ? reinterpret_cast<const In*>(base[3]) : nullptr;
    int64_t i = 0;
    if constexpr (!std::is_same_v<V, void>) {
      for (; i < vec_end; ++i) {
        if constexpr (N == 1) o[i] = (*vec)(a[i * si[0]]);
        else if constexpr (N == 2) o[i] = (*vec)(a[i * si[0]], b[i * si[1]]);
        else o[i] = (*vec)(a[i * si[0]], b[i * si[1]], c[i * si[2]]);
      }
    }
    if (so == 1 && si[0] == 1 && (N < 2 || si[1] == 1) && (N < 3 || si[2] == 1)) {
      for (; i < inner; ++i) {
        if constexpr (N == 1) o[i] = f(a[i]);
        else if constexpr (N == 2) o[i] = f(a[i], b[i]);
        else o[i] = f(a[i], b[i], c[i]);
      }
    } else {
      for (; i < inner; ++i) {
        if constexpr (N == 1) o[i * so] = f(a[i * si[0]]);
        else if constexpr (N == 2) o[i * so] = f(a[i * si[0]], b[i * si[1]]);
        else o[i * so] = f(a[i * si[0]], b[i * si[1]], c[i * si[2]]);
      }
    }
    // Next row: odometer over dims 1.. (element strides scaled to bytes per operand).
    for (int d = 1; d < it.ndim; ++d) {
      if (++idx[d] < it.shape[d]) {
        base[0] += it.stride[0][d] * int64_t(sizeof(Out));
        for (int k = 1; k < it.nops; ++k) base[k] += it.stride[k][d] * int64_t(sizeof(In));
        break;
      }
      base[0] -= it.stride[0][d] * (it.shape[d] - 1) * int64_t(sizeof(Out));
      for (int k = 1; k < it.nops; ++k)
        base[k] -= it.stride[k][d] * (it.shape[d] - 1) * int64_t(sizeof(In));
      idx[d] = 0;
    }
  }
}

template <typename Out, typename In, int N, typename F> void run(Iter& it, F f) {
  run_impl<Out, In, N, F, void>(it, f, nullptr);
}
template <typename Out, typename In, int N, typename F, typename V>
void run_vec(Iter& it, F f, V vec) {
  run_impl<Out, In, N, F, V>(it, f, &vec);
}

// --- fast paths ---------------------------------------------------------------------------
// Same-shape contiguous operands already of the compute dtype, or 0-d ones: one flat loop.
// Returns false (doing nothing) when the general iterator is needed.
inline bool flat_ok(const Tensor& t, const Shape& sizes, DType compute) {
  if (t.dim() == 0) return true;
  return t.dtype() == compute && t.sizes() == sizes && t.is_contiguous();
}

// The shape of the flat loop: the first operand with dims, or 0-d.
inline const Tensor& flat_shape_source(const Tensor& a, const Tensor& b) {
  return a.dim() ? a : b;
}

// Pointer to a flat operand's data with its stride (0 for a 0-d operand converted to In).
template <typename In> struct FlatIn {
  const In* p;
  int64_t s;
  In v;
  FlatIn(const Tensor& t, DType compute) {
    if (t.dim() == 0 && t.dtype() != compute) {
      v = load<In>(t->data_ptr(), t.dtype());
      p = &v;
      s = 0;
    } else {
      p = static_cast<const In*>(t->data_ptr());
      s = t.dim() == 0 ? 0 : 1;
    }
  }
  FlatIn(const FlatIn&) = delete;
};

// --- op helpers -----------------------------------------------------------------------------
struct NoVec {};  // "no separate vector function"

// result(Out) = f(a, b) computed in In (= compute). `vec`, when given, is used for the elements
// PyTorch's SIMD loop computes (see run_vec).
template <typename Out, typename In, typename F, typename V = NoVec>
Tensor binary(const Tensor& a, const Tensor& b, DType compute, DType out_dtype, F f, V vec = V()) {
  constexpr bool kVec = !std::is_same_v<V, NoVec>;
  const Tensor& s = a.dim() ? a : b;
  if (flat_ok(a, s.sizes(), compute) && flat_ok(b, s.sizes(), compute)) {
    Tensor out = empty_for_overwrite(s.sizes(), out_dtype);
    const int64_t n = out.numel();
    FlatIn<In> x(a, compute), y(b, compute);
    Out* o = out.template data<Out>();
    int64_t i = 0;
    if constexpr (kVec) {
      const int64_t ve = n - n % vec_block<In>();
      for (; i < ve; ++i) o[i] = vec(x.p[i * x.s], y.p[i * y.s]);
    }
    if (x.s && y.s) {
      for (; i < n; ++i) o[i] = f(x.p[i], y.p[i]);
    } else {
      for (; i < n; ++i) o[i] = f(x.p[i * x.s], y.p[i * y.s]);
    }
    return out;
  }
  Iter it;
  build(it, nullptr, {&a, &b}, compute, out_dtype);
  if constexpr (kVec) run_vec<Out, In, 2>(it, f, vec);
  else run<Out, In, 2>(it, f);
  return it.out;
}

// result(Out) = f(a) computed in In (= compute).
template <typename Out, typename In, typename F, typename V = NoVec>
Tensor unary(const Tensor& a, DType compute, DType out_dtype, F f, V vec = V()) {
  constexpr bool kVec = !std::is_same_v<V, NoVec>;
  if (a.dtype() == compute && a.is_contiguous()) {
    Tensor out = empty_for_overwrite(a.sizes(), out_dtype);
    const int64_t n = out.numel();
    const In* x = static_cast<const In*>(a->data_ptr());
    Out* o = out.template data<Out>();
    int64_t i = 0;
    if constexpr (kVec) {
      const int64_t ve = n - n % vec_block<In>();
      for (; i < ve; ++i) o[i] = vec(x[i]);
    }
    for (; i < n; ++i) o[i] = f(x[i]);
    return out;
  }
  Iter it;
  build(it, nullptr, {&a}, compute, out_dtype);
  if constexpr (kVec) run_vec<Out, In, 1>(it, f, vec);
  else run<Out, In, 1>(it, f);
  return it.out;
}

// self = f(self, b) in place, computed in In (= compute = self's dtype).
template <typename In, typename F, typename V = NoVec>
void binary_into(const Tensor& self, const Tensor& b, F f, V vec = V()) {
  constexpr bool kVec = !std::is_same_v<V, NoVec>;
  const DType compute = self.dtype();
  if (self.is_contiguous() && flat_ok(b, self.sizes(), compute)) {
    const int64_t n = self.numel();
    FlatIn<In> y(b, compute);
    In* o = self.template data<In>();
    int64_t i = 0;
    if constexpr (kVec) {
      const int64_t ve = n - n % vec_block<In>();
      for (; i < ve; ++i) o[i] = vec(o[i], y.p[i * y.s]);
    }
    for (; i < n; ++i) o[i] = f(o[i], y.p[i * y.s]);
    return;
  }
  Iter it;
  build(it, &self, {&self, &b}, compute, compute);
  if constexpr (kVec) run_vec<In, In, 2>(it, f, vec);
  else run<In, In, 2>(it, f);
}

// self = f(self) in place (self's dtype).
template <typename In, typename F, typename V = NoVec>
void unary_into(const Tensor& self, F f, V vec = V()) {
  constexpr bool kVec = !std::is_same_v<V, NoVec>;
  if (self.is_contiguous()) {
    const int64_t n = self.numel();
    In* o = self.template data<In>();
    int64_t i = 0;
    if constexpr (kVec) {
      const int64_t ve = n - n % vec_block<In>();
      for (; i < ve; ++i) o[i] = vec(o[i]);
    }
    for (; i < n; ++i) o[i] = f(o[i]);
    return;
  }
  Iter it;
  build(it, &self, {&self}, self.dtype(), self.dtype());
  if constexpr (kVec) run_vec<In, In, 1>(it, f, vec);
  else run<In, In, 1>(it, f);
}

}  // namespace kernel
}  // namespace gradlab
