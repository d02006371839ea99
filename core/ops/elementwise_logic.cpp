// Elementwise comparisons, logic and bit ops (results without gradients), closeness tests,
// and the writes and casts: zero_, fill_, copy_, to_dtype -- forward and backward side by side.
#include <cmath>

#include "ops/elementwise_internal.h"

namespace gradlab {

using kernel::binary;
using kernel::dispatch;
using kernel::unary;

// --- comparisons -------------------------------------------------------------------------
namespace {

template <typename T> bool cmp(CmpOp op, T a, T b) {
  switch (op) {
    case CmpOp::Eq: return a == b;
    case CmpOp::Ne: return a != b;
    case CmpOp::Lt: return a < b;
    case CmpOp::Le: return a <= b;
    case CmpOp::Gt: return a > b;
    case CmpOp::Ge: break;
  }
  return a >= b;
}

template <CmpOp Op, typename T>
Tensor compare_typed(const Tensor& a, const Tensor& b, DType ct) {
  return binary<bool, T>(a, b, ct, DType::Bool, [](T x, T y) { return cmp(Op, x, y); });
}

template <typename T> Tensor compare_as(const Tensor& a, const Tensor& b, DType ct, CmpOp op) {
  switch (op) {
    case CmpOp::Eq: return compare_typed<CmpOp::Eq, T>(a, b, ct);
    case CmpOp::Ne: return compare_typed<CmpOp::Ne, T>(a, b, ct);
    case CmpOp::Lt: return compare_typed<CmpOp::Lt, T>(a, b, ct);
    case CmpOp::Le: return compare_typed<CmpOp::Le, T>(a, b, ct);
    case CmpOp::Gt: return compare_typed<CmpOp::Gt, T>(a, b, ct);
    case CmpOp::Ge: break;
  }
  return compare_typed<CmpOp::Ge, T>(a, b, ct);
}

}  // namespace

Tensor compare(const Tensor& a, const Tensor& b, CmpOp op) {
  const DType ct = result_type(a, b);
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    return compare_as<T>(a, b, ct, op);
  });
}

// --- logical ------------------------------------------------------------------------------
namespace {

template <typename F> Tensor logical(const Tensor& a, const Tensor& b, F f) {
  const DType ct = result_type(a, b);
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    return binary<bool, T>(a, b, ct, DType::Bool,
                           [f](T x, T y) { return f(x != T(0), y != T(0)); });
  });
}

}  // namespace

Tensor logical_and(const Tensor& a, const Tensor& b) {
  return logical(a, b, [](bool x, bool y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  return logical(a, b, [](bool x, bool y) { return x || y; });
}
Tensor logical_xor(const Tensor& a, const Tensor& b) {
  return logical(a, b, [](bool x, bool y) { return x != y; });
}
Tensor logical_not(const Tensor& a) {
  return dispatch(a.dtype(), [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    return unary<bool, T>(a, a.dtype(), DType::Bool, [](T x) { return x == T(0); });
  });
}

// --- bitwise (bool and int64 only) --------------------------------------------------------------
namespace {

template <typename F> Tensor bitwise(const Tensor& a, const Tensor& b, const char* name, F f) {
  const DType ct = result_type(a, b);
  if (is_floating(ct)) ew::not_implemented(name, ct);
  if (ct == DType::Bool)
    return binary<bool, bool>(a, b, ct, ct, [f](bool x, bool y) { return bool(f(int(x), int(y))); });
  return binary<int64_t, int64_t>(a, b, ct, ct, f);
}

}  // namespace

Tensor bitwise_and(const Tensor& a, const Tensor& b) {
  return bitwise(a, b, "bitwise_and_cpu", [](auto x, auto y) { return x & y; });
}
Tensor bitwise_or(const Tensor& a, const Tensor& b) {
  return bitwise(a, b, "bitwise_or_cpu", [](auto x, auto y) { return x | y; });
}
Tensor bitwise_xor(const Tensor& a, const Tensor& b) {
  return bitwise(a, b, "bitwise_xor_cpu", [](auto x, auto y) { return x ^ y; });
}
// `~t`: on floating tensors the error is Tensor.__invert__'s TypeError (torch.bitwise_not(t)
// itself would say '"bitwise_not_cpu" not implemented for 'Float'').
Tensor bitwise_not(const Tensor& a) {
  if (is_floating(a.dtype()))
    type_error("~ (operator.invert) is only implemented on integer and Boolean-type tensors");
  if (a.dtype() == DType::Bool)
    return unary<bool, bool>(a, a.dtype(), a.dtype(), [](bool x) { return !x; });
  return unary<int64_t, int64_t>(a, a.dtype(), a.dtype(), [](int64_t x) { return ~x; });
}

// --- classification -----------------------------------------------------------------------------
namespace {

template <typename F> Tensor classify(const Tensor& a, bool integral_result, F f) {
  if (!is_floating(a.dtype())) {
    Tensor out = kernel::empty_like_layout(a, DType::Bool);
    std::memset(out->storage->data, integral_result ? 1 : 0, size_t(out->storage->nbytes));
    return out;
  }
  return dispatch(a.dtype(), [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    return unary<bool, T>(a, a.dtype(), DType::Bool, [f](T x) { return f(double(x)); });
  });
}

}  // namespace

Tensor isnan(const Tensor& a) {
  return classify(a, false, [](double x) { return std::isnan(x); });
}
Tensor isinf(const Tensor& a) {
  return classify(a, false, [](double x) { return std::isinf(x); });
}
Tensor isfinite(const Tensor& a) {
  return classify(a, true, [](double x) { return std::isfinite(x); });
}

// --- closeness ----------------------------------------------------------------------------------
// PyTorch's isclose(...).all(): a == b, or |a - b| finite and <= atol + |rtol * b|, computed in
// the tensors' dtype (integral tensors: the error bound in float32, as PyTorch's promotion
// makes it). Both must have the same dtype ("Long did not match Float").
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  if (a.dtype() != b.dtype())
    runtime_error(std::string(ew::scalar_type_name(a.dtype())) + " did not match " +
                  ew::scalar_type_name(b.dtype()));
  const DType dt = a.dtype();
  Tensor close = dispatch(dt, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T r = T(rtol), at = T(atol);
      return binary<bool, T>(a, b, dt, DType::Bool, [=](T x, T y) {
        if (x == y) return true;
        if (equal_nan && x != x && y != y) return true;
        if (rtol == 0 && atol == 0) return false;
        const T actual = std::abs(x - y);
        return std::isfinite(actual) && actual <= at + std::abs(r * y);
      });
    } else {
      const float r = float(rtol), at = float(atol);
      return binary<bool, T>(a, b, dt, DType::Bool, [=](T x, T y) {
        if (x == y) return true;
        if (rtol == 0 && atol == 0) return false;
        const int64_t diff = int64_t(uint64_t(int64_t(x)) - uint64_t(int64_t(y)));
        const float actual = float(diff < 0 ? int64_t(0 - uint64_t(diff)) : diff);
        return actual <= at + std::abs(r * float(y));
      });
    }
  });
  const bool* p = close.data<bool>();
  if (close.is_contiguous()) {
    for (int64_t i = 0; i < close.numel(); ++i)
      if (!p[i]) return false;
    return true;
  }
  for (int64_t v : to_int64s(close))
    if (!v) return false;
  return true;
}

// torch.equal: same shape and every element equal (values compared after type promotion).
bool equal(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  const Tensor eq = compare(a, b, CmpOp::Eq);
  for (int64_t v : to_int64s(eq))
    if (!v) return false;
  return true;
}

// --- writes -------------------------------------------------------------------------------------
namespace {

void zero_grad_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = zeros_like(gout[0]);
}

// Writes v into every element of self (converted to self's dtype).
void fill_kernel(const Tensor& self, const Scalar& v) {
  dispatch(self.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T x = kernel::scalar_as<T>(v);
    kernel::unary_into<T>(self, [x](T) { return x; });
  });
}

// self: zeros; src: grad summed to src's shape, in src's dtype.
void copy_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = zeros_like(gout[0]);
  if (n.needs_input_grad(1)) gin[1] = ew::fit(gout[0], n, 1);
}

void to_copy_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = to_dtype(gout[0], n.dtypes[0]);
}

}  // namespace

void zero_(Tensor& self) {
  check_inplace(self);
  ew::check_no_internal_overlap(self);
  record_inplace(OpId::Zero, zero_grad_backward, {&self}, self);
  fill_kernel(self, Scalar::from_int(0));
  bump_version(self);
}

void fill_(Tensor& self, Scalar value) {
  check_inplace(self);
  ew::check_no_internal_overlap(self);
  record_inplace(OpId::Fill, zero_grad_backward, {&self}, self);
  fill_kernel(self, value);
  bump_version(self);
}

void copy_(Tensor& self, const Tensor& src) {
  check_inplace(self);
  if (src.sizes() != self.sizes()) {
    const Shape joined = kernel::broadcast_pair(self.sizes(), src.sizes());
    if (joined != self.sizes())
      runtime_error("output with shape " + self.sizes().str() +
                    " doesn't match the broadcast shape " + joined.str());
  }
  ew::check_no_internal_overlap(self);
  if (is_floating(self.dtype())) {
    if (Node* n = record_inplace(OpId::Copy, copy_backward, {&self, &src}, self)) {
      n->shapes = {self.sizes(), src.sizes()};
      n->dtypes = {self.dtype(), src.dtype()};
    }
  }
  copy_into(self, src);  // bumps the version
}

Tensor to_dtype(const Tensor& a, DType dtype) {
  if (a.dtype() == dtype) return a;
  Tensor out = kernel::cast_like_layout(a, dtype);
  if (is_floating(dtype)) {
    if (Node* n = record(OpId::ToCopy, to_copy_backward, {&a}, {&out})) {
      n->shapes = {a.sizes()};
      n->dtypes = {a.dtype()};
    }
  }
  return out;
}

}  // namespace gradlab
