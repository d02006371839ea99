// Elementwise arithmetic: type promotion, + - * / // % ** and their in-place forms, forward
// and backward side by side. Unary math lives in elementwise_math.cpp, comparisons, logic,
// fills and casts in elementwise_logic.cpp; the loops in kernel.h.
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"
#include "ops/fma.h"
#include "ops/vecmath.h"

namespace gradlab {

using kernel::binary;
using kernel::binary_into;
using kernel::dispatch;

// --- type promotion -------------------------------------------------------------------------
namespace ew {
namespace {
constexpr int kUndefined = -1;
int promote_skip_undefined(int a, int b) {
  if (a == kUndefined) return b;
  if (b == kUndefined) return a;
  return int(promote(DType(a), DType(b)));
}
// combine_categories(higher, lower): a higher-priority class wins unless the lower one is of a
// higher category (bool < integral < floating).
int combine_categories(int higher, int lower) {
  if (higher != kUndefined && is_floating(DType(higher))) return higher;
  if (higher == int(DType::Bool) || (lower != kUndefined && is_floating(DType(lower))))
    return promote_skip_undefined(higher, lower);
  if (higher != kUndefined) return higher;
  return lower;
}
}  // namespace

DType result_type_of(std::initializer_list<const Tensor*> tensors,
                     std::initializer_list<Scalar> scalars) {
  int dim = kUndefined, zero = kUndefined, wrapped = kUndefined;
  for (const Tensor* t : tensors) {
    DType cur = t->dtype();
    if (t->get()->is_wrapped_number) {
      if (is_floating(cur)) cur = DType::Float32;  // the default dtype
      wrapped = promote_skip_undefined(wrapped, int(cur));
    } else if (t->dim() > 0) {
      dim = promote_skip_undefined(dim, int(cur));
    } else {
      zero = promote_skip_undefined(zero, int(cur));
    }
  }
  for (const Scalar& s : scalars) wrapped = promote_skip_undefined(wrapped, int(s.default_dtype()));
  return DType(combine_categories(dim, combine_categories(zero, wrapped)));
}

const char* scalar_type_name(DType t) {
  switch (t) {
    case DType::Bool: return "Bool";
    case DType::Int64: return "Long";
    case DType::Float32: return "Float";
    case DType::Float64: break;
  }
  return "Double";
}

void not_implemented(const char* kernel, DType t) {
  runtime_error(std::string("\"") + kernel + "\" not implemented for '" + scalar_type_name(t) + "'");
}

void check_cast(DType result, DType self) {
  if (!can_cast(result, self))
    runtime_error(std::string("result type ") + scalar_type_name(result) +
                  " can't be cast to the desired output type " + scalar_type_name(self));
}

// Byte range [begin, end) a tensor's elements span in its storage.
static void byte_range(const Tensor& t, int64_t& begin, int64_t& end) {
  int64_t lo = t->offset, hi = t->offset;
  for (int d = 0; d < t.dim(); ++d) {
    if (t.sizes()[d] == 0) {
      begin = end = 0;
      return;
    }
    const int64_t span = (t.sizes()[d] - 1) * t.strides()[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  const int es = element_size(t.dtype());
  begin = lo * es;
  end = (hi + 1) * es;
}

void check_no_internal_overlap(const Tensor& self) {
  if (self.is_contiguous()) return;
  for (int d = 0; d < self.dim(); ++d)
    if (self.strides()[d] == 0 && self.sizes()[d] > 1)
      runtime_error(
          "unsupported operation: more than one element of the written-to tensor refers to a "
          "single memory location. Please clone() the tensor before performing the operation.");
}

void check_inplace_binary(const Tensor& self, const Tensor& other, DType result) {
  check_inplace(self);
  check_cast(result, self.dtype());
  if (other.sizes() != self.sizes()) {
    const Shape joined = kernel::broadcast_pair(self.sizes(), other.sizes());
    if (joined != self.sizes())
      runtime_error("output with shape " + self.sizes().str() +
                    " doesn't match the broadcast shape " + joined.str());
  }
  check_no_internal_overlap(self);
  // PyTorch's assert_no_partial_overlap: the same memory seen through different geometry.
  if (same_storage(self, other) && other.dim() > 0 && self.numel() > 0 && other.numel() > 0) {
    int64_t b0, e0, b1, e1;
    byte_range(self, b0, e0);
    byte_range(other, b1, e1);
    const bool full = b0 == b1 && e0 == e1 && self.strides() == other.strides() &&
                      self.sizes() == other.sizes();
    if (!full && b0 < e1 && b1 < e0)
      runtime_error(
          "unsupported operation: some elements of the input tensor and the written-to tensor "
          "refer to a single memory location. Please clone() the tensor before performing the "
          "operation.");
  }
}

Tensor fit(const Tensor& grad, const Node& n, size_t i) {
  Tensor g = grad;
  if (g.sizes() != n.shapes[i]) g = sum_to(g, n.shapes[i]);
  if (i < n.dtypes.size() && g.dtype() != n.dtypes[i]) g = kernel::cast_like_layout(g, n.dtypes[i]);
  return g;
}

Tensor snapshot(const Tensor& t) { return kernel::cast_like_layout(t, t.dtype()); }

}  // namespace ew

DType result_type(const Tensor& a, const Tensor& b) {
  // Fast path: equal dtypes (and no Python float, which counts as the default dtype).
  if (a.dtype() == b.dtype() && !a->is_wrapped_number && !b->is_wrapped_number) return a.dtype();
  return ew::result_type_of({&a, &b});
}

Shape broadcast_shapes(const Shape& a, const Shape& b) { return kernel::broadcast_pair(a, b); }

namespace {

using ew::fit;
using ew::num;

// --- scalar arithmetic as PyTorch's kernels do it -----------------------------------------
// Integer overflow wraps (two's complement), as it does in PyTorch's compiled kernels.
template <typename T> inline T add_op(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) return a || b;
  else if constexpr (std::is_same_v<T, int64_t>) return int64_t(uint64_t(a) + uint64_t(b));
  else return a + b;
}
template <typename T> inline T mul_op(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) return a && b;
  else if constexpr (std::is_same_v<T, int64_t>) return int64_t(uint64_t(a) * uint64_t(b));
  else return a * b;
}
// self + alpha * other. NOTE: PyTorch's AVX2 build fuses this into one rounding (fmadd), in
// its vector and scalar loops alike (kernel::fused_mul_add: inlined, exact).
template <typename T> inline T add_alpha_op(T a, T b, T alpha) {
  if constexpr (std::is_floating_point_v<T>) return kernel::fused_mul_add(b, alpha, a);
  else return add_op(a, mul_op(alpha, b));
}

bool is_one(const Scalar& s) { return s.to_double() == 1.0; }

Scalar negate(const Scalar& s) {
  if (s.kind == Scalar::Kind::Float) return Scalar::from_double(-s.f);
  return Scalar::from_int(-s.to_int());
}

void alpha_check(DType dtype, const Scalar& alpha) {
  if (alpha.kind == Scalar::Kind::Bool && dtype != DType::Bool)
    runtime_error("Boolean alpha only supported for Boolean results.");
  if (!is_floating(dtype) && alpha.kind == Scalar::Kind::Float)
    runtime_error("For integral input tensors, argument alpha must not be a floating point number.");
}

void sub_check(const Tensor& a, const Tensor& b) {
  if (a.dtype() == DType::Bool && b.dtype() == DType::Bool)
    runtime_error(
        "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
        "`logical_xor()` operator instead.");
  if (a.dtype() == DType::Bool || b.dtype() == DType::Bool)
    runtime_error(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead.");
}

// --- add / sub / rsub -----------------------------------------------------------------------
Tensor add_kernel(const Tensor& a, const Tensor& b, const Scalar& alpha, DType ct) {
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if (is_one(alpha)) return binary<T, T>(a, b, ct, ct, [](T x, T y) { return add_op(x, y); });
    const T al = kernel::scalar_as<T>(alpha);
    return binary<T, T>(a, b, ct, ct, [al](T x, T y) { return add_alpha_op(x, y, al); });
  });
}

void add_kernel_into(const Tensor& self, const Tensor& b, const Scalar& alpha) {
  dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (is_one(alpha)) {
      binary_into<T>(self, b, [](T x, T y) { return add_op(x, y); });
    } else {
      const T al = kernel::scalar_as<T>(alpha);
      binary_into<T>(self, b, [al](T x, T y) { return add_alpha_op(x, y, al); });
    }
  });
}

// Inputs: (self, other); scalars[0] = alpha applied to other's gradient.
void add_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(gout[0], n, 0);
  if (n.needs_input_grad(1)) {
    const double alpha = n.scalars[0];
    gin[1] = fit(alpha == 1.0 ? gout[0] : mul(gout[0], num(alpha)), n, 1);
  }
}
void sub_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(gout[0], n, 0);
  if (n.needs_input_grad(1)) {
    const double alpha = n.scalars[0];
    const Tensor g = neg(gout[0]);
    gin[1] = fit(alpha == 1.0 ? g : mul(g, num(alpha)), n, 1);
  }
}
// rsub(self, other, alpha) = other - alpha * self.
void rsub_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) {
    const double alpha = n.scalars[0];
    const Tensor g = neg(gout[0]);
    gin[0] = fit(alpha == 1.0 ? g : mul(g, num(alpha)), n, 0);
  }
  if (n.needs_input_grad(1)) gin[1] = fit(gout[0], n, 1);
}

void save_geometry(Node* n, const Tensor& a, const Tensor& b) {
  n->shapes = {a.sizes(), b.sizes()};
  n->dtypes = {a.dtype(), b.dtype()};
}

// --- mul / div ------------------------------------------------------------------------------
void mul_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(mul(gout[0], n.saved_tensor(1)), n, 0);
  if (n.needs_input_grad(1)) gin[1] = fit(mul(gout[0], n.saved_tensor(0)), n, 1);
}

Tensor mul_kernel(const Tensor& a, const Tensor& b, DType ct) {
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    return binary<T, T>(a, b, ct, ct, [](T x, T y) { return mul_op(x, y); });
  });
}

// True division computes in a floating dtype (integers: float32).
Tensor div_kernel(const Tensor& a, const Tensor& b, DType ct) {
  if (ct == DType::Float32)
    return binary<float, float>(a, b, ct, ct, [](float x, float y) { return x / y; });
  return binary<double, double>(a, b, ct, ct, [](double x, double y) { return x / y; });
}

// self: grad / other; other: -grad * ((self / other) / other)   (PyTorch's formulas)
void div_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor other = n.saved_tensor(1);
  if (n.needs_input_grad(0)) gin[0] = fit(div(gout[0], other), n, 0);
  if (n.needs_input_grad(1)) {
    const Tensor self = n.saved_tensor(0);
    gin[1] = fit(mul(neg(gout[0]), div(div(self, other), other)), n, 1);
  }
}

// --- floor_divide / remainder ---------------------------------------------------------------
// kSleef: the fmod used is SLEEF's (PyTorch's SIMD loop), else std::fmod (its scalar loop).
template <typename T> inline T fmod_of(T a, T b, bool sleef) {
  return sleef ? vecmath::fmod(a, b) : std::fmod(a, b);
}
template <typename T, bool kSleef = false> T floor_div_op(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>) {
    if (b == 0) runtime_error("ZeroDivisionError");
    if (b == -1) return int64_t(0 - uint64_t(a));  // INT64_MIN // -1 wraps
    if ((a < 0) != (b < 0)) {
      const int64_t q = a / b, r = a % b;
      return r ? q - 1 : q;
    }
    return a / b;
  } else {
    // PyTorch's div_floor_floating.
    if (b == 0) return a / b;
    T mod = fmod_of(a, b, kSleef);
    T div = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) div -= T(1);
    T floordiv;
    if (div != 0) {
      floordiv = std::floor(div);
      if (div - floordiv > T(0.5)) floordiv += T(1.0);
    } else {
      floordiv = std::copysign(T(0), a / b);
    }
    return floordiv;
  }
}

template <typename T, bool kSleef = false> T remainder_op(T a, T b) {
  if constexpr (std::is_same_v<T, int64_t>) {
    if (b == 0) runtime_error("ZeroDivisionError");
    if (b == -1) return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    T mod = fmod_of(a, b, kSleef);
    if (mod != 0 && ((b < 0) != (mod < 0))) mod += b;
    return mod;
  }
}

void floor_divide_backward(Node&, const Tensor*, Tensor*) {
  runtime_error("derivative for aten::floor_divide is not implemented");
}
// torch.remainder(2, x) (a Python number divided by a tensor) has no derivative in PyTorch.
void remainder_number_backward(Node&, const Tensor*, Tensor*) {
  runtime_error("derivative for aten::remainder is not implemented");
}

// RemainderBackward0 (Python-number divisor): self: grad.
// RemainderBackward1: self: grad; other: -grad * floor_divide(self, other).
void remainder_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(gout[0], n, 0);
  if (n.next.size() > 1 && n.needs_input_grad(1))
    gin[1] = fit(mul(neg(gout[0]), floor_divide(n.saved_tensor(0), n.saved_tensor(1))), n, 1);
}

// --- pow ------------------------------------------------------------------------------------
int64_t powi(int64_t a, int64_t b) {
  if (b < 0) {
    if (a == 1) return 1;
    if (a == -1) return (-b) % 2 ? -1 : 1;
    return 0;
  }
  uint64_t result = 1, base = uint64_t(a);
  while (b) {
    if (b & 1) result *= base;
    b /= 2;
    base *= base;
  }
  return int64_t(result);
}

// Tensor ** Tensor: PyTorch's SIMD loop uses SLEEF's pow, its scalar tail std::pow.
Tensor pow_tensor_kernel(const Tensor& a, const Tensor& b, DType ct) {
  switch (ct) {
    case DType::Bool: ew::not_implemented("pow", ct);
    case DType::Int64:
      return binary<int64_t, int64_t>(a, b, ct, ct, [](int64_t x, int64_t y) { return powi(x, y); });
    case DType::Float32:
      return binary<float, float>(
          a, b, ct, ct, [](float x, float y) { return std::pow(x, y); },
          [](float x, float y) { return vecmath::pow(x, y); });
    case DType::Float64: break;
  }
  return binary<double, double>(
      a, b, ct, ct, [](double x, double y) { return std::pow(x, y); },
      [](double x, double y) { return vecmath::pow(x, y); });
}

// Tensor ** Python number, with PyTorch's special cases (0, 1, 0.5, -0.5, -1, 2, 3, -2).
Tensor pow_scalar_kernel(const Tensor& a, const Scalar& e, DType ct) {
  if (ct == DType::Bool) ew::not_implemented("pow", ct);
  const double ed = e.to_double();
  if (ed == 0.0) {
    Tensor out = kernel::empty_like_layout(a, ct);
    dispatch(ct, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = out.template data<T>();
      for (int64_t i = 0, n = out->storage->nbytes / int64_t(sizeof(T)); i < n; ++i) p[i] = T(1);
    });
    return out;
  }
  if (ed == 1.0) return kernel::cast_like_layout(a, ct);
  if (ct == DType::Int64) {
    const int64_t ei = e.to_int();
    return kernel::unary<int64_t, int64_t>(a, ct, ct, [ei](int64_t x) { return powi(x, ei); });
  }
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_floating_point_v<T>) {
      return Tensor();
    } else {
      if (ed == 0.5) return kernel::unary<T, T>(a, ct, ct, [](T x) { return std::sqrt(x); });
      if (ed == -0.5) return kernel::unary<T, T>(a, ct, ct, [](T x) { return T(1) / std::sqrt(x); });
      if (ed == -1.0) return kernel::unary<T, T>(a, ct, ct, [](T x) { return T(1) / x; });
      if (ed == 2.0) return kernel::unary<T, T>(a, ct, ct, [](T x) { return x * x; });
      if (ed == 3.0) return kernel::unary<T, T>(a, ct, ct, [](T x) { return x * x * x; });
      if (ed == -2.0) return kernel::unary<T, T>(a, ct, ct, [](T x) { return T(1) / (x * x); });
      // Scalar loop: std::pow(scalar_t, double) (in double); SIMD loop: SLEEF pow in T.
      const T et = T(ed);
      return kernel::unary<T, T>(
          a, ct, ct, [ed](T x) { return T(std::pow(double(x), ed)); },
          [et](T x) { return vecmath::pow(x, et); });
    }
  });
}

void check_negative_int_power(const Tensor& a, const Scalar& e) {
  if (is_integral(a.dtype(), true) && e.is_integral() && e.to_int() < 0)
    runtime_error("Integers to negative integer powers are not allowed.");
}

Tensor pow_scalar_forward(const Tensor& a, const Scalar& e) {
  check_negative_int_power(a, e);
  return pow_scalar_kernel(a, e, ew::result_type_of({&a}, {e}));
}

// PowBackward0: grad * (exponent * self.pow(exponent - 1)); zeros for exponent 0.
void pow_scalar_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor self = n.saved_tensor(0);
  const double e = n.scalars[0];
  if (e == 0.0) {
    gin[0] = zeros_like(self);
    return;
  }
  const Tensor d = mul(pow_scalar_forward(self, Scalar::from_double(e - 1.0)), num(e));
  gin[0] = fit(mul(gout[0], d), n, 0);
}

// PowBackward1: self: where(exponent == 0, 0, grad * (exponent * self.pow(exponent - 1)))
//               exponent: grad * where(self == 0 & exponent >= 0, 0, result * log(self))
void pow_tensor_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor self = n.saved_tensor(0), exponent = n.saved_tensor(1);
  const Tensor& g = gout[0];
  const Tensor zero = scalar_tensor(Scalar::from_int(0), g.dtype());
  if (n.needs_input_grad(0)) {
    const Tensor em1 = sub(exponent, wrapped_scalar(Scalar::from_int(1)));
    const Tensor d = mul(g, mul(exponent, pow(self, em1)));
    gin[0] = fit(where(compare(exponent, num(0.0), CmpOp::Eq), zero, d), n, 0);
  }
  if (n.needs_input_grad(1)) {
    const Tensor result = n.saved_tensor(2);
    const Tensor cond = logical_and(compare(self, num(0.0), CmpOp::Eq),
                                    compare(exponent, num(0.0), CmpOp::Ge));
    // PyTorch 1.13 takes the log in self's dtype (float32 base, float64 exponent: a float32 log).
    gin[1] = fit(mul(g, where(cond, zero, mul(result, log(self)))), n, 1);
  }
}

// PowBackward2 (Python-number base): exponent: grad * (result * log(base)), 0 where base == 0
// and exponent >= 0.
void pow_base_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  if (n.ints[0])  // PyTorch 1.13 cannot take the log of a bool Scalar
    runtime_error(
        "false INTERNAL ASSERT FAILED at \"./c10/core/Scalar.cpp\":42, please report a bug to "
        "PyTorch. unknown ivalue tag 3");
  const Tensor result = n.saved_tensor(0);
  const double base = n.scalars[0];
  const Tensor& g = gout[0];
  const Tensor d = mul(result, num(std::log(base)));
  if (base == 0.0) {
    const Tensor exponent = n.saved_tensor(1);
    const Tensor zero = scalar_tensor(Scalar::from_int(0), g.dtype());
    gin[0] = fit(mul(g, where(compare(exponent, num(0.0), CmpOp::Ge), zero, d)), n, 0);
  } else {
    gin[0] = fit(mul(g, d), n, 0);
  }
}

// The autograd record shared by out-of-place and in-place binary ops.
Node* record_binary(OpId op, BackwardFn fn, const Tensor& a, const Tensor& b, Tensor& out,
                    bool inplace) {
  Node* n = inplace ? record_inplace(op, fn, {&a, &b}, out) : record(op, fn, {&a, &b}, {&out});
  if (n) save_geometry(n, a, b);
  return n;
}

}  // namespace

// --- public ops ---------------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha) {
  const DType ct = result_type(a, b);
  alpha_check(ct, alpha);
  Tensor out = add_kernel(a, b, alpha, ct);
  if (!a.requires_grad() && !b.requires_grad()) return out;
  if (Node* n = record(OpId::Add, add_backward, {&a, &b}, {&out})) {
    save_geometry(n, a, b);
    n->scalars = {alpha.to_double()};
  }
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha) {
  sub_check(a, b);
  const DType ct = result_type(a, b);
  alpha_check(ct, alpha);
  Tensor out = add_kernel(a, b, negate(alpha), ct);
  if (!a.requires_grad() && !b.requires_grad()) return out;
  if (Node* n = record(OpId::Sub, sub_backward, {&a, &b}, {&out})) {
    save_geometry(n, a, b);
    n->scalars = {alpha.to_double()};
  }
  return out;
}

Tensor rsub(const Tensor& a, const Tensor& b) {
  sub_check(b, a);
  const DType ct = result_type(a, b);
  Tensor out = add_kernel(b, a, Scalar::from_int(-1), ct);
  const OpId op = b->is_wrapped_number ? OpId::Rsub : OpId::RsubTensor;
  if (Node* n = record(op, rsub_backward, {&a, &b}, {&out})) {
    save_geometry(n, a, b);
    n->scalars = {1.0};
  }
  return out;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = mul_kernel(a, b, result_type(a, b));
  if (!a.requires_grad() && !b.requires_grad()) return out;
  if (Node* n = record(OpId::Mul, mul_backward, {&a, &b}, {&out})) {
    // Only what the other input's gradient needs.
    n->save(b.requires_grad() ? a : Tensor());
    n->save(a.requires_grad() ? b : Tensor());
    save_geometry(n, a, b);
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = div_kernel(a, b, ew::float_dtype(result_type(a, b)));
  if (!a.requires_grad() && !b.requires_grad()) return out;
  if (Node* n = record(OpId::Div, div_backward, {&a, &b}, {&out})) {
    n->save(b.requires_grad() ? a : Tensor());
    n->save(b);
    save_geometry(n, a, b);
  }
  return out;
}

Tensor floor_divide(const Tensor& a, const Tensor& b) {
  const DType ct = result_type(a, b);
  if (ct == DType::Bool) ew::not_implemented("div_floor_cpu", ct);
  Tensor out = dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return Tensor();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return binary<T, T>(a, b, ct, ct, [](T x, T y) { return floor_div_op(x, y); });
    } else {
      return binary<T, T>(
          a, b, ct, ct, [](T x, T y) { return floor_div_op(x, y); },
          [](T x, T y) { return floor_div_op<T, true>(x, y); });
    }
  });
  if (is_floating(ct)) record_binary(OpId::FloorDivide, floor_divide_backward, a, b, out, false);
  return out;
}

Tensor remainder(const Tensor& a, const Tensor& b) {
  const DType ct = result_type(a, b);
  if (ct == DType::Bool) ew::not_implemented("remainder_cpu", ct);
  Tensor out = dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return Tensor();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return binary<T, T>(a, b, ct, ct, [](T x, T y) { return remainder_op(x, y); });
    } else {
      return binary<T, T>(
          a, b, ct, ct, [](T x, T y) { return remainder_op(x, y); },
          [](T x, T y) { return remainder_op<T, true>(x, y); });
    }
  });
  if (a->is_wrapped_number) {
    record(OpId::RemainderNumberTensor, remainder_number_backward, {&b}, {&out});
  } else if (b->is_wrapped_number) {
    if (Node* n = record(OpId::Remainder, remainder_backward, {&a}, {&out})) {
      n->shapes = {a.sizes()};
      n->dtypes = {a.dtype()};
    }
  } else if (Node* n = record(OpId::RemainderTensor, remainder_backward, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
    save_geometry(n, a, b);
  }
  return out;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  if (b->is_wrapped_number) {
    const Scalar e = item(b);
    Tensor out = pow_scalar_forward(a, e);
    if (Node* n = record(OpId::PowScalar, pow_scalar_backward, {&a}, {&out})) {
      n->save(a);
      n->scalars = {e.to_double()};
      n->shapes = {a.sizes()};
      n->dtypes = {a.dtype()};
    }
    return out;
  }
  Tensor out = pow_tensor_kernel(a, b, result_type(a, b));
  if (Node* n = record(OpId::PowTensor, pow_tensor_backward, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
    n->save_output(out);
    save_geometry(n, a, b);
  }
  return out;
}

Tensor pow(Scalar base, const Tensor& exponent) {
  const Tensor b = wrapped_scalar(base);
  const DType ct = result_type(b, exponent);
  if (ct == DType::Bool) ew::not_implemented("pow", ct);
  Tensor out;
  if (base.to_double() == 1.0) {
    out = full(exponent.sizes(), Scalar::from_int(1), ct);
  } else {
    out = pow_tensor_kernel(b, exponent, ct);
    if (!out.is_contiguous()) out = contiguous_data(out);
  }
  if (Node* n = record(OpId::PowScalarBase, pow_base_backward, {&exponent}, {&out})) {
    n->save_output(out);
    n->save(base.to_double() == 0.0 ? exponent : Tensor());
    n->scalars = {base.to_double()};
    n->ints = {base.kind == Scalar::Kind::Bool ? 1 : 0};
    n->shapes = {exponent.sizes()};
    n->dtypes = {exponent.dtype()};
  }
  return out;
}

// --- in place ---------------------------------------------------------------------------------
namespace {

// Writes `value` (already computed in the promoted dtype) into self, for in-place ops whose
// result dtype differs from self's (float32 self += float64 tensor).
void assign(Tensor& self, const Tensor& value) { copy_into(self, value); }

}  // namespace

void add_(Tensor& self, const Tensor& other, Scalar alpha) {
  const DType ct = result_type(self, other);
  ew::check_inplace_binary(self, other, ct);
  alpha_check(ct, alpha);
  if (Node* n = record_binary(OpId::Add, add_backward, self, other, self, true))
    n->scalars = {alpha.to_double()};
  if (ct == self.dtype()) add_kernel_into(self, other, alpha);
  else assign(self, add_kernel(self, other, alpha, ct));
  bump_version(self);
}

void sub_(Tensor& self, const Tensor& other, Scalar alpha) {
  sub_check(self, other);
  const DType ct = result_type(self, other);
  ew::check_inplace_binary(self, other, ct);
  alpha_check(ct, alpha);
  if (Node* n = record_binary(OpId::Sub, sub_backward, self, other, self, true))
    n->scalars = {alpha.to_double()};
  if (ct == self.dtype()) add_kernel_into(self, other, negate(alpha));
  else assign(self, add_kernel(self, other, negate(alpha), ct));
  bump_version(self);
}

void mul_(Tensor& self, const Tensor& other) {
  const DType ct = result_type(self, other);
  ew::check_inplace_binary(self, other, ct);
  const bool other_grad = other.requires_grad() && grad_mode_enabled();
  const Tensor before = other_grad ? ew::snapshot(self) : Tensor();
  const bool self_grad = self.requires_grad();
  if (Node* n = record_binary(OpId::Mul, mul_backward, self, other, self, true)) {
    n->save(before);
    n->save(self_grad ? other : Tensor());
  }
  if (ct == self.dtype()) {
    dispatch(ct, [&](auto tag) {
      using T = typename decltype(tag)::type;
      binary_into<T>(self, other, [](T x, T y) { return mul_op(x, y); });
    });
  } else {
    assign(self, mul_kernel(self, other, ct));
  }
  bump_version(self);
}

void div_(Tensor& self, const Tensor& other) {
  const DType ct = ew::float_dtype(result_type(self, other));
  ew::check_inplace_binary(self, other, ct);
  const bool other_grad = other.requires_grad() && grad_mode_enabled();
  if (Node* n = record_binary(OpId::Div, div_backward, self, other, self, true)) {
    n->save(other_grad ? ew::snapshot(self) : Tensor());
    n->save(other);
  }
  if (ct == self.dtype()) {
    dispatch(ct, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>)
        binary_into<T>(self, other, [](T x, T y) { return x / y; });
    });
  } else {
    assign(self, div_kernel(self, other, ct));
  }
  bump_version(self);
}

void pow_(Tensor& self, const Tensor& other) {
  if (other->is_wrapped_number) {
    const Scalar e = item(other);
    check_inplace(self);
    check_negative_int_power(self, e);
    const DType ct = ew::result_type_of({&self}, {e});
    if (ct != self.dtype())  // pow_'s TensorIterator does not cast its result
      runtime_error(std::string("Found dtype ") + ew::scalar_type_name(self.dtype()) +
                    " but expected " + ew::scalar_type_name(ct));
    ew::check_no_internal_overlap(self);
    if (Node* n = record_inplace(OpId::PowScalar, pow_scalar_backward, {&self}, self)) {
      n->save(ew::snapshot(self));
      n->scalars = {e.to_double()};
      n->shapes = {self.sizes()};
      n->dtypes = {self.dtype()};
    }
    assign(self, pow_scalar_kernel(self, e, ct));
    bump_version(self);
    return;
  }
  const DType ct = result_type(self, other);
  ew::check_inplace_binary(self, other, ct);
  Node* n = record_binary(OpId::PowTensor, pow_tensor_backward, self, other, self, true);
  if (n) {
    n->save(ew::snapshot(self));
    n->save(other);
  }
  assign(self, pow_tensor_kernel(self, other, ct));
  bump_version(self);
  if (n) n->save_output(self);
}

}  // namespace gradlab
