// Elementwise math: neg, abs, sign, exp, log, log2, log10, sqrt, sin, cos, tan, tanh,
// sigmoid, relu, reciprocal, floor, ceil, round, clamp, maximum, minimum, where -- forward and
// backward side by side. Transcendentals go through vecmath (PyTorch's SLEEF results).
#include <cmath>
#include <limits>

#include "ops/elementwise_internal.h"
#include "ops/vecmath.h"

namespace gradlab {

using kernel::dispatch;
using kernel::unary;

namespace {

using ew::fit;
using ew::num;

// Records a one-input op, saving the input's geometry; returns the node (or null).
Node* record_unary(OpId op, BackwardFn fn, const Tensor& a, Tensor& out) {
  if (!a.requires_grad()) return nullptr;
  Node* n = record(op, fn, {&a}, {&out});
  if (n) {
    n->shapes = {a.sizes()};
    n->dtypes = {a.dtype()};
  }
  return n;
}

// A floating op: integral/bool inputs compute in float32. f(x) for T in {float, double}.
template <typename F> Tensor float_unary(const Tensor& a, F f) {
  const DType ct = ew::float_dtype(a.dtype());
  if (ct == DType::Float32) return unary<float, float>(a, ct, ct, [&](float x) { return f(x); });
  return unary<double, double>(a, ct, ct, [&](double x) { return f(x); });
}

// Same-dtype op on every dtype except bool (abs, floor, ...), integral handled by fi.
template <typename FF, typename FI>
Tensor same_unary(const Tensor& a, const char* kernel_name, FF ff, FI fi) {
  const DType ct = a.dtype();
  switch (ct) {
    case DType::Bool: ew::not_implemented(kernel_name, ct);
    case DType::Int64: return unary<int64_t, int64_t>(a, ct, ct, fi);
    case DType::Float32: return unary<float, float>(a, ct, ct, [&](float x) { return ff(x); });
    case DType::Float64: break;
  }
  return unary<double, double>(a, ct, ct, [&](double x) { return ff(x); });
}

// Gradient that is zero everywhere (sign, floor, ceil, round).
void zero_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(zeros_like(gout[0]), n, 0);
}

void neg_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(neg(gout[0]), n, 0);
}
// grad * self.sgn()
void abs_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(mul(gout[0], sign(n.saved_tensor(0))), n, 0);
}
// grad * result
void exp_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(mul(gout[0], n.saved_tensor(0)), n, 0);
}
// grad / self
void log_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(div(gout[0], n.saved_tensor(0)), n, 0);
}
// grad / (self * ln 2), grad / (self * ln 10)
void log2_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0))
    gin[0] = fit(div(gout[0], mul(n.saved_tensor(0), num(0.6931471805599453))), n, 0);
}
void log10_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0))
    gin[0] = fit(div(gout[0], mul(n.saved_tensor(0), num(2.3025850929940456))), n, 0);
}
// grad / (2 * result)
void sqrt_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0))
    gin[0] = fit(div(gout[0], mul(n.saved_tensor(0), wrapped_scalar(Scalar::from_int(2)))), n, 0);
}
// grad * self.cos()
void sin_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(mul(gout[0], cos(n.saved_tensor(0))), n, 0);
}
// grad * -self.sin()
void cos_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) gin[0] = fit(mul(gout[0], neg(sin(n.saved_tensor(0)))), n, 0);
}
// grad * (1 + result^2)
void tan_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) {
    const Tensor r = n.saved_tensor(0);
    gin[0] = fit(mul(gout[0], add(pow(r, wrapped_scalar(Scalar::from_int(2))),
                                  wrapped_scalar(Scalar::from_int(1)))), n, 0);
  }
}
// tanh_backward: grad * (1 - y * y), one kernel as PyTorch's. NOTE: std::fma, as PyTorch's
// AVX2 build contracts 1 - y * y (checked bit for bit).
void tanh_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor y = n.saved_tensor(0);
  const DType ct = result_type(gout[0], y);
  gin[0] = fit(dispatch(ct, [&](auto tag) -> Tensor {
                 using T = typename decltype(tag)::type;
                 if constexpr (!std::is_floating_point_v<T>) return Tensor();
                 else return kernel::binary<T, T>(gout[0], y, ct, ct,
                                                  [](T a, T b) { return a * std::fma(-b, b, T(1)); });
               }),
               n, 0);
}
// sigmoid_backward: grad * (1 - y) * y, one kernel as PyTorch's.
void sigmoid_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor y = n.saved_tensor(0);
  const DType ct = result_type(gout[0], y);
  gin[0] = fit(dispatch(ct, [&](auto tag) -> Tensor {
                 using T = typename decltype(tag)::type;
                 if constexpr (!std::is_floating_point_v<T>) return Tensor();
                 else return kernel::binary<T, T>(gout[0], y, ct, ct,
                                                  [](T a, T b) { return a * (T(1) - b) * b; });
               }),
               n, 0);
}
// threshold_backward(grad, result, 0): 0 where result <= 0 (so relu'(0) = 0).
void relu_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor y = n.saved_tensor(0);
  const DType ct = result_type(gout[0], y);
  gin[0] = fit(dispatch(ct, [&](auto tag) -> Tensor {
                 using T = typename decltype(tag)::type;
                 if constexpr (!std::is_floating_point_v<T>) return Tensor();
                 else return kernel::binary<T, T>(gout[0], y, ct, ct,
                                                  [](T g, T r) { return r <= T(0) ? T(0) : g; });
               }),
               n, 0);
}
// -grad * (result * result)
void reciprocal_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (n.needs_input_grad(0)) {
    const Tensor r = n.saved_tensor(0);
    gin[0] = fit(mul(neg(gout[0]), mul(r, r)), n, 0);
  }
}

}  // namespace

Tensor neg(const Tensor& a) {
  if (a.dtype() == DType::Bool)
    runtime_error(
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead.");
  Tensor out = same_unary(a, "neg_cpu", [](auto x) { return -x; },
                          [](int64_t x) { return int64_t(0 - uint64_t(x)); });
  record_unary(OpId::Neg, neg_backward, a, out);
  return out;
}

Tensor abs(const Tensor& a) {
  Tensor out = same_unary(a, "abs_cpu", [](auto x) { return std::abs(x); },
                          [](int64_t x) { return x < 0 ? int64_t(0 - uint64_t(x)) : x; });
  if (Node* n = record_unary(OpId::Abs, abs_backward, a, out)) n->save(a);
  return out;
}

Tensor sign(const Tensor& a) {
  Tensor out;
  if (a.dtype() == DType::Bool) {
    out = kernel::cast_like_layout(a, DType::Bool);
  } else {
    out = dispatch(a.dtype(), [&](auto tag) -> Tensor {
      using T = typename decltype(tag)::type;
      return unary<T, T>(a, a.dtype(), a.dtype(),
                         [](T x) { return T(int(T(0) < x) - int(x < T(0))); });
    });
  }
  record_unary(OpId::Sign, zero_backward, a, out);
  return out;
}

#define GRADLAB_FLOAT_OP(name, Id, backward, saves_output)                              \
  Tensor name(const Tensor& a) {                                                      \
    Tensor out = float_unary(a, [](auto x) { return vecmath::name(x); });             \
    if (Node* n = record_unary(OpId::Id, backward, a, out)) {                         \
      if (saves_output) n->save_output(out);                                          \
      else n->save(a);                                                                \
    }                                                                                 \
    return out;                                                                       \
  }
GRADLAB_FLOAT_OP(exp, Exp, exp_backward, true)
GRADLAB_FLOAT_OP(log, Log, log_backward, false)
GRADLAB_FLOAT_OP(log2, Log2, log2_backward, false)
GRADLAB_FLOAT_OP(log10, Log10, log10_backward, false)
GRADLAB_FLOAT_OP(sin, Sin, sin_backward, false)
GRADLAB_FLOAT_OP(cos, Cos, cos_backward, false)
GRADLAB_FLOAT_OP(tan, Tan, tan_backward, true)
GRADLAB_FLOAT_OP(tanh, Tanh, tanh_backward, true)
#undef GRADLAB_FLOAT_OP

Tensor sqrt(const Tensor& a) {
  Tensor out = float_unary(a, [](auto x) { return std::sqrt(x); });
  if (Node* n = record_unary(OpId::Sqrt, sqrt_backward, a, out)) n->save_output(out);
  return out;
}

// NOTE: its own kernel, not 1 / (1 + exp(-x)) composed: PyTorch's sigmoid is one kernel whose
// SIMD part uses SLEEF's exp and whose scalar tail uses std::exp.
Tensor sigmoid(const Tensor& a) {
  const DType ct = ew::float_dtype(a.dtype());
  Tensor out = dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_floating_point_v<T>) {
      return Tensor();
    } else {
      return unary<T, T>(
          a, ct, ct, [](T x) { return T(1) / (T(1) + std::exp(-x)); },
          [](T x) { return T(1) / (T(1) + vecmath::exp(T(0) - x)); });
    }
  });
  if (Node* n = record_unary(OpId::Sigmoid, sigmoid_backward, a, out)) n->save_output(out);
  return out;
}

Tensor relu(const Tensor& a) {
  if (a.dtype() == DType::Bool) runtime_error("Boolean inputs not supported for relu");
  // clamp_min(self, 0): std::max(x, 0) keeps NaN and -0.
  Tensor out = same_unary(a, "relu", [](auto x) { return x < decltype(x)(0) ? decltype(x)(0) : x; },
                          [](int64_t x) { return x < 0 ? int64_t(0) : x; });
  if (Node* n = record_unary(OpId::Relu, relu_backward, a, out)) n->save_output(out);
  return out;
}

Tensor reciprocal(const Tensor& a) {
  Tensor out = float_unary(a, [](auto x) { return decltype(x)(1) / x; });
  if (Node* n = record_unary(OpId::Reciprocal, reciprocal_backward, a, out)) n->save_output(out);
  return out;
}

// floor / ceil / round of an integral tensor is a copy.
Tensor floor(const Tensor& a) {
  Tensor out = same_unary(a, "floor_vml_cpu", [](auto x) { return std::floor(x); },
                          [](int64_t x) { return x; });
  record_unary(OpId::Floor, zero_backward, a, out);
  return out;
}

Tensor ceil(const Tensor& a) {
  Tensor out = same_unary(a, "ceil_vml_cpu", [](auto x) { return std::ceil(x); },
                          [](int64_t x) { return x; });
  record_unary(OpId::Ceil, zero_backward, a, out);
  return out;
}

// Half to even (std::nearbyint in the default rounding mode). With decimals, PyTorch's
// round_decimals_kernel: nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d.
Tensor round(const Tensor& a, int64_t decimals) {
  Tensor out;
  if (decimals == 0) {
    out = same_unary(a, "round_vml_cpu", [](auto x) { return std::nearbyint(x); },
                     [](int64_t x) { return x; });
    record_unary(OpId::Round, zero_backward, a, out);
    return out;
  }
  if (!is_floating(a.dtype())) ew::not_implemented("round_cpu", a.dtype());
  const bool neg_flag = decimals < 0;
  const int64_t d = neg_flag ? -decimals : decimals;
  out = dispatch(a.dtype(), [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_floating_point_v<T>) {
      return Tensor();
    } else {
      const T ten_pow = static_cast<T>(std::pow(10.0, double(d)));
      if (neg_flag)
        return unary<T, T>(a, a.dtype(), a.dtype(),
                           [ten_pow](T x) { return std::nearbyint(x / ten_pow) * ten_pow; });
      return unary<T, T>(a, a.dtype(), a.dtype(),
                         [ten_pow](T x) { return std::nearbyint(x * ten_pow) / ten_pow; });
    }
  });
  record_unary(OpId::RoundDecimals, zero_backward, a, out);
  return out;
}

// --- clamp ------------------------------------------------------------------------------------
namespace {

// TypeMeta names, which clamp_'s cast error prints ("long int", "float", ...).
const char* type_meta_name(DType t) {
  switch (t) {
    case DType::Bool: return "bool";
    case DType::Int64: return "long int";
    case DType::Float32: return "float";
    case DType::Float64: break;
  }
  return "double";
}

DType clamp_result_type(const Tensor& a, const std::optional<Scalar>& lo,
                        const std::optional<Scalar>& hi) {
  if (!lo && !hi) runtime_error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (is_floating(a.dtype())) return a.dtype();
  if (lo && hi) return ew::result_type_of({&a}, {*lo, *hi});
  return ew::result_type_of({&a}, {lo ? *lo : *hi});
}

// clamp's kernel on `a` (already of dtype ct): std::min(std::max(x, lo), hi); NaN bounds give
// NaN everywhere (PyTorch fills the result with NaN).
Tensor clamp_kernel(const Tensor& a, const std::optional<Scalar>& lo,
                    const std::optional<Scalar>& hi, DType ct) {
  return dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return Tensor();
    } else {
      if constexpr (std::is_floating_point_v<T>) {
        const bool nan_lo = lo && std::isnan(lo->to_double());
        const bool nan_hi = hi && std::isnan(hi->to_double());
        if ((lo && hi && (nan_lo || nan_hi))) {
          return unary<T, T>(a, ct, ct, [](T) { return std::numeric_limits<T>::quiet_NaN(); });
        }
      }
      if (lo && hi) {
        const T l = kernel::scalar_as<T>(*lo), h = kernel::scalar_as<T>(*hi);
        return unary<T, T>(a, ct, ct, [l, h](T x) { return std::min(std::max(x, l), h); });
      }
      if (lo) {
        const T l = kernel::scalar_as<T>(*lo);
        return unary<T, T>(a, ct, ct, [l](T x) { return std::max(x, l); });
      }
      const T h = kernel::scalar_as<T>(*hi);
      return unary<T, T>(a, ct, ct, [h](T x) { return std::min(x, h); });
    }
  });
}

// clamp_backward: grad where min <= self <= max (the bounds included), else 0.
void clamp_backward(Node& n, const Tensor* gout, Tensor* gin) {
  if (!n.needs_input_grad(0)) return;
  const Tensor self = n.saved_tensor(0);
  const Tensor& g = gout[0];
  const bool has_lo = n.ints[0] != 0, has_hi = n.ints[1] != 0;
  Tensor mask;
  if (has_lo) mask = compare(self, num(n.scalars[0]), CmpOp::Ge);
  if (has_hi) {
    const Tensor m = compare(self, num(n.scalars[1]), CmpOp::Le);
    mask = mask.defined() ? logical_and(mask, m) : m;
  }
  gin[0] = fit(where(mask, g, scalar_tensor(Scalar::from_int(0), g.dtype())), n, 0);
}

void save_clamp(Node* n, const Tensor& self, const std::optional<Scalar>& lo,
                const std::optional<Scalar>& hi) {
  n->save(self);
  n->scalars = {lo ? lo->to_double() : 0.0, hi ? hi->to_double() : 0.0};
  n->ints = {lo ? 1 : 0, hi ? 1 : 0};
  n->shapes = {self.sizes()};
  n->dtypes = {self.dtype()};
}

}  // namespace

Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max) {
  const DType ct = clamp_result_type(a, min, max);
  if (ct == DType::Bool) ew::not_implemented("clamp_scalar_cpu", ct);
  Tensor out = clamp_kernel(a, min, max, ct);
  if (Node* n = record(OpId::Clamp, clamp_backward, {&a}, {&out})) save_clamp(n, a, min, max);
  return out;
}

void clamp_(Tensor& self, std::optional<Scalar> min, std::optional<Scalar> max) {
  check_inplace(self);
  const DType ct = clamp_result_type(self, min, max);
  if (ct != self.dtype())
    runtime_error(std::string("result type ") + ew::scalar_type_name(ct) +
                  " can't be cast to the desired output type " + type_meta_name(self.dtype()));
  if (ct == DType::Bool) ew::not_implemented("clamp_scalar_cpu", ct);
  ew::check_no_internal_overlap(self);
  if (Node* n = record_inplace(OpId::Clamp, clamp_backward, {&self}, self))
    save_clamp(n, ew::snapshot(self), min, max);
  copy_into(self, clamp_kernel(self, min, max, ct));
  bump_version(self);
}

// --- maximum / minimum ------------------------------------------------------------------------
namespace {

// self: where(self == other, grad / 2, grad) with 0 where self < other (maximum) / self > other
// (minimum); other: the mirror image. Ties split the gradient.
template <bool kMax> void minmax_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor a = n.saved_tensor(0), b = n.saved_tensor(1);
  const Tensor& g = gout[0];
  const Tensor zero = scalar_tensor(Scalar::from_int(0), g.dtype());
  const Tensor tie = where(compare(a, b, CmpOp::Eq), div(g, wrapped_scalar(Scalar::from_int(2))), g);
  if (n.needs_input_grad(0))
    gin[0] = fit(where(compare(a, b, kMax ? CmpOp::Lt : CmpOp::Gt), zero, tie), n, 0);
  if (n.needs_input_grad(1))
    gin[1] = fit(where(compare(a, b, kMax ? CmpOp::Gt : CmpOp::Lt), zero, tie), n, 1);
}

template <bool kMax> Tensor minmax(const Tensor& a, const Tensor& b) {
  const DType ct = result_type(a, b);
  Tensor out = dispatch(ct, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return kernel::binary<T, T>(a, b, ct, ct, [](T x, T y) { return kMax ? (x || y) : (x && y); });
    } else if constexpr (std::is_same_v<T, int64_t>) {
      return kernel::binary<T, T>(a, b, ct, ct,
                                  [](T x, T y) { return kMax ? std::max(x, y) : std::min(x, y); });
    } else {
      // Scalar loop: NaN if either is NaN, else std::max/min (which keep x on ties, so
      // maximum(-0., 0.) is -0.). SIMD loop: _mm256_max_ps semantics (y on ties).
      return kernel::binary<T, T>(
          a, b, ct, ct,
          [](T x, T y) {
            if (x != x || y != y) return std::numeric_limits<T>::quiet_NaN();
            return kMax ? std::max(x, y) : std::min(x, y);
          },
          [](T x, T y) {
            if (x != x || y != y) return std::numeric_limits<T>::quiet_NaN();
            return kMax ? (x > y ? x : y) : (x < y ? x : y);
          });
    }
  });
  if (Node* n = record(kMax ? OpId::Maximum : OpId::Minimum, minmax_backward<kMax>, {&a, &b}, {&out})) {
    n->save(a);
    n->save(b);
    n->shapes = {a.sizes(), b.sizes()};
    n->dtypes = {a.dtype(), b.dtype()};
  }
  return out;
}

}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return minmax<true>(a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return minmax<false>(a, b); }

// --- where ------------------------------------------------------------------------------------
namespace {

// self: where(cond, grad, 0); other: where(cond, 0, grad).
void where_backward(Node& n, const Tensor* gout, Tensor* gin) {
  const Tensor cond = n.saved_tensor(0);
  const Tensor& g = gout[0];
  const Tensor zero = scalar_tensor(Scalar::from_int(0), g.dtype());
  if (n.needs_input_grad(1)) gin[1] = fit(where(cond, g, zero), n, 1);
  if (n.needs_input_grad(2)) gin[2] = fit(where(cond, zero, g), n, 2);
}

}  // namespace

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (cond.dtype() != DType::Bool)
    runtime_error(std::string("where expected condition to be a boolean tensor, but got a tensor "
                              "with dtype ") + ew::scalar_type_name(cond.dtype()));
  const DType ct = result_type(a, b);
  // The condition rides along converted to the compute dtype (0 or 1).
  kernel::Iter it;
  kernel::build(it, nullptr, {&cond, &a, &b}, ct, ct);
  dispatch(ct, [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernel::run<T, T, 3>(it, [](T c, T x, T y) { return c != T(0) ? x : y; });
  });
  Tensor out = it.out;
  if (Node* n = record(OpId::Where, where_backward, {&cond, &a, &b}, {&out})) {
    n->save(cond);
    n->shapes = {cond.sizes(), a.sizes(), b.sizes()};
    n->dtypes = {cond.dtype(), a.dtype(), b.dtype()};
  }
  return out;
}

}  // namespace gradlab
