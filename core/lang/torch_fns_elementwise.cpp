// Elementwise ops as torch.* functions and Tensor methods: arithmetic, math functions,
// comparisons, logic, where/clamp, and the in-place methods (add_, zero_, copy_, ...).
#include "autograd/autograd.h"
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

using Unary = Tensor (*)(const Tensor&);
using Binary = Tensor (*)(const Tensor&, const Tensor&);

Value unary(VM& vm, CallArgs& a, const char* name, Unary op) {
  Value p[1];
  torch_args(vm, a, name, {"input"}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  return result_like(op(t), t);
}

Value binary(VM& vm, CallArgs& a, const char* name, Binary op) {
  Value p[2];
  torch_args(vm, a, name, {"input", "other"}, p);
  Tensor x = tensor_arg(vm, p[0], name, "input", 1);
  Tensor y = tensor_or_number(vm, p[1], name, "other", 2);
  return arith_result(op(x, y), x, y);
}

#define UNARY_FN(fname, op) \
  Value fn_##fname(VM& vm, CallArgs& a) { return unary(vm, a, #fname, op); }
#define BINARY_FN(fname, op) \
  Value fn_##fname(VM& vm, CallArgs& a) { return binary(vm, a, #fname, op); }

UNARY_FN(neg, neg)
UNARY_FN(abs, abs)
UNARY_FN(sign, sign)
UNARY_FN(exp, exp)
UNARY_FN(log, log)
UNARY_FN(log2, log2)
UNARY_FN(log10, log10)
UNARY_FN(sqrt, sqrt)
UNARY_FN(sin, sin)
UNARY_FN(cos, cos)
UNARY_FN(tan, tan)
UNARY_FN(tanh, tanh)
UNARY_FN(sigmoid, sigmoid)
UNARY_FN(relu, relu)
UNARY_FN(reciprocal, reciprocal)
UNARY_FN(floor, floor)
UNARY_FN(ceil, ceil)
UNARY_FN(logical_not, logical_not)
UNARY_FN(bitwise_not, bitwise_not)
UNARY_FN(isnan, isnan)
UNARY_FN(isinf, isinf)
UNARY_FN(isfinite, isfinite)

BINARY_FN(mul, mul)
BINARY_FN(div, div)
BINARY_FN(floor_divide, floor_divide)
BINARY_FN(remainder, remainder)
BINARY_FN(maximum, maximum)
BINARY_FN(minimum, minimum)
BINARY_FN(logical_and, logical_and)
BINARY_FN(logical_or, logical_or)
BINARY_FN(logical_xor, logical_xor)
BINARY_FN(bitwise_and, bitwise_and)
BINARY_FN(bitwise_or, bitwise_or)
BINARY_FN(bitwise_xor, bitwise_xor)

Value fn_square(VM& vm, CallArgs& a) {
  return unary(vm, a, "square",
               [](const Tensor& t) { return pow(t, wrapped_scalar(Scalar::from_int(2))); });
}

Value add_or_sub(VM& vm, CallArgs& a, const char* name, bool is_sub) {
  Value p[3];
  p[2] = Value::integer(1);
  torch_args(vm, a, name, {"input", "other", "*", "alpha="}, p);
  Tensor x = tensor_arg(vm, p[0], name, "input", 1);
  Tensor y = tensor_or_number(vm, p[1], name, "other", 2);
  Scalar alpha = scalar_arg(vm, p[2], name, "alpha");
  return arith_result(is_sub ? sub(x, y, alpha) : add(x, y, alpha), x, y);
}
Value fn_add(VM& vm, CallArgs& a) { return add_or_sub(vm, a, "add", false); }
Value fn_sub(VM& vm, CallArgs& a) { return add_or_sub(vm, a, "sub", true); }

Value fn_rsub(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "rsub", {"input", "other"}, p);
  Tensor x = tensor_arg(vm, p[0], "rsub", "input", 1);
  Tensor y = tensor_or_number(vm, p[1], "rsub", "other", 2);
  return arith_result(rsub(x, y), x, y);
}

// div(input, other, *, rounding_mode=None): 'floor' is floor_divide; 'trunc' rounds toward 0.
Value fn_true_div(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "div", {"input", "other", "*", "rounding_mode="}, p);
  Tensor x = tensor_arg(vm, p[0], "div", "input", 1);
  Tensor y = tensor_or_number(vm, p[1], "div", "other", 2);
  if (p[2].is_undef() || p[2].is_none()) return wrap(div(x, y));
  std::string mode = is_kind(p[2], ObjKind::Str) ? as<StrObj>(p[2])->s : "";
  if (mode == "floor") return arith_result(floor_divide(x, y), x, y);
  if (mode == "trunc") {
    Tensor q = div(x, y);
    Tensor r = where(compare(q, wrapped_scalar(Scalar::from_int(0)), CmpOp::Lt), ceil(q), floor(q));
    if (!is_floating(result_type(x, y))) r = to_dtype(r, result_type(x, y));
    return arith_result(std::move(r), x, y);
  }
  runtime_error("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '" +
                mode + "'");
}

// pow(input, exponent); torch.pow(number, tensor) takes a Python number as the base.
Value fn_pow(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "pow", {"input", "exponent"}, p);
  Scalar base;
  if (scalar_of(p[0], &base)) return wrap(pow(base, tensor_arg(vm, p[1], "pow", "exponent", 2)));
  Tensor x = tensor_arg(vm, p[0], "pow", "input", 1);
  Tensor y = tensor_or_number(vm, p[1], "pow", "exponent", 2);
  return arith_result(pow(x, y), x, y);
}

Value fn_round(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "round", {"input", "*", "decimals="}, p);
  Tensor t = tensor_arg(vm, p[0], "round", "input", 1);
  int64_t decimals = p[1].is_undef() ? 0 : int64_arg(vm, p[1], "round", "decimals");
  return result_like(round(t, decimals), t);
}

std::optional<Scalar> bound(VM& vm, const Value& v, const char* name, const char* argname) {
  if (v.is_undef() || v.is_none()) return std::nullopt;
  return scalar_arg(vm, v, name, argname);
}

Value clamp_impl(VM& vm, CallArgs& a, const char* name, bool inplace) {
  Value p[3];
  torch_args(vm, a, name, {"input", "min=", "max="}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  std::optional<Scalar> lo = bound(vm, p[1], name, "min"), hi = bound(vm, p[2], name, "max");
  if (!lo && !hi) runtime_error("torch.clamp: At least one of 'min' or 'max' must not be None");
  if (inplace) {
    clamp_(t, lo, hi);
    return a.pos[0];
  }
  return result_like(clamp(t, lo, hi), t);
}
Value fn_clamp(VM& vm, CallArgs& a) { return clamp_impl(vm, a, "clamp", false); }
Value fn_clamp_(VM& vm, CallArgs& a) { return clamp_impl(vm, a, "clamp_", true); }

Value compare_fn(VM& vm, CallArgs& a, const char* name, CmpOp op) {
  Value p[2];
  torch_args(vm, a, name, {"input", "other"}, p);
  Tensor x = tensor_arg(vm, p[0], name, "input", 1);
  return wrap(compare(x, tensor_or_number(vm, p[1], name, "other", 2), op));
}
Value fn_eq(VM& vm, CallArgs& a) { return compare_fn(vm, a, "eq", CmpOp::Eq); }
Value fn_ne(VM& vm, CallArgs& a) { return compare_fn(vm, a, "ne", CmpOp::Ne); }
Value fn_lt(VM& vm, CallArgs& a) { return compare_fn(vm, a, "lt", CmpOp::Lt); }
Value fn_le(VM& vm, CallArgs& a) { return compare_fn(vm, a, "le", CmpOp::Le); }
Value fn_gt(VM& vm, CallArgs& a) { return compare_fn(vm, a, "gt", CmpOp::Gt); }
Value fn_ge(VM& vm, CallArgs& a) { return compare_fn(vm, a, "ge", CmpOp::Ge); }

// The coordinates of the nonzero elements: an [n, ndim] int64 tensor.
Tensor nonzero_coords(const Tensor& t) {
  Tensor c = contiguous_data(t);
  std::vector<int64_t> coords;
  int64_t count = 0;
  std::vector<int64_t> idx(size_t(c.dim()), 0);
  for (int64_t i = 0; i < c.numel(); ++i) {
    if (element_as_double(c, i) != 0.0) {
      coords.insert(coords.end(), idx.begin(), idx.end());
      ++count;
    }
    for (int d = c.dim() - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < c.sizes()[d]) break;
      idx[size_t(d)] = 0;
    }
  }
  return from_int64s(coords, Shape{count, int64_t(c.dim())}, DType::Int64);
}

// nonzero(as_tuple=True) / where(condition): one int64 tensor of indices per dimension.
Value nonzero_tuple(VM& vm, const Tensor& t) {
  Tensor coords = nonzero_coords(t);
  std::vector<Value> out;
  if (t.dim() == 0) {
    out.push_back(wrap(from_int64s(std::vector<int64_t>(size_t(coords.sizes()[0]), 0),
                                   Shape{coords.sizes()[0]}, DType::Int64)));
  }
  for (int d = 0; d < t.dim(); ++d) out.push_back(wrap(contiguous_data(select(coords, 1, d))));
  return vm.tuple(std::move(out));
}

Value fn_nonzero(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "nonzero", {"input", "*", "as_tuple="}, p);
  Tensor t = tensor_arg(vm, p[0], "nonzero", "input", 1);
  if (!p[1].is_undef() && bool_arg(vm, p[1], "nonzero", "as_tuple")) return nonzero_tuple(vm, t);
  return wrap(nonzero_coords(t));
}

// torch.where(condition, input, other) / torch.where(condition).
Value fn_where(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "where", {"condition", "input=", "other="}, p);
  Tensor cond = tensor_arg(vm, p[0], "where", "condition", 1);
  if (p[1].is_undef() && p[2].is_undef()) return nonzero_tuple(vm, cond);
  if (p[1].is_undef() || p[2].is_undef())
    type_error("where() missing 1 required positional argument");
  Tensor x = tensor_or_number(vm, p[1], "where", "input", 2);
  Tensor y = tensor_or_number(vm, p[2], "where", "other", 3);
  return arith_result(where(cond, x, y), x, y);
}

// x.where(condition, y) == torch.where(condition, x, y)
Value method_where(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "where", {"input", "condition", "other"}, p);
  Tensor x = tensor_arg(vm, p[0], "where", "input", 0);
  Tensor cond = tensor_arg(vm, p[1], "where", "condition", 1);
  Tensor y = tensor_or_number(vm, p[2], "where", "other", 2);
  return arith_result(where(cond, x, y), x, y);
}

Value fn_allclose(VM& vm, CallArgs& a) {
  Value p[5];
  torch_args(vm, a, "allclose", {"input", "other", "rtol=", "atol=", "equal_nan="}, p);
  Tensor x = tensor_arg(vm, p[0], "allclose", "input", 1);
  Tensor y = tensor_arg(vm, p[1], "allclose", "other", 2);
  double rtol = p[2].is_undef() ? 1e-5 : double_arg(vm, p[2], "allclose", "rtol");
  double atol = p[3].is_undef() ? 1e-8 : double_arg(vm, p[3], "allclose", "atol");
  bool equal_nan = !p[4].is_undef() && bool_arg(vm, p[4], "allclose", "equal_nan");
  return Value::boolean(allclose(x, y, rtol, atol, equal_nan));
}

Value fn_equal(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "equal", {"input", "other"}, p);
  return Value::boolean(
      equal(tensor_arg(vm, p[0], "equal", "input", 1), tensor_arg(vm, p[1], "equal", "other", 2)));
}

// --- in-place methods: self is returned
// -----------------------------------------------------------
Value inplace_arith(VM& vm, CallArgs& a, const char* name, BinaryOp op) {
  Value p[3];
  p[2] = Value::integer(1);
  bool has_alpha = op == BinaryOp::Add || op == BinaryOp::Sub;
  if (has_alpha)
    torch_args(vm, a, name, {"self", "other", "*", "alpha="}, p);
  else
    torch_args(vm, a, name, {"self", "other"}, p);
  Tensor self = tensor_arg(vm, p[0], name, "self", 0);
  Tensor other = tensor_or_number(vm, p[1], name, "other", 1);
  switch (op) {
    case BinaryOp::Add:
      add_(self, other, scalar_arg(vm, p[2], name, "alpha"));
      break;
    case BinaryOp::Sub:
      sub_(self, other, scalar_arg(vm, p[2], name, "alpha"));
      break;
    case BinaryOp::Mul:
      mul_(self, other);
      break;
    case BinaryOp::Div:
      div_(self, other);
      break;
    default:
      pow_(self, other);
      break;
  }
  return p[0];
}
Value fn_add_(VM& vm, CallArgs& a) { return inplace_arith(vm, a, "add_", BinaryOp::Add); }
Value fn_sub_(VM& vm, CallArgs& a) { return inplace_arith(vm, a, "sub_", BinaryOp::Sub); }
Value fn_mul_(VM& vm, CallArgs& a) { return inplace_arith(vm, a, "mul_", BinaryOp::Mul); }
Value fn_div_(VM& vm, CallArgs& a) { return inplace_arith(vm, a, "div_", BinaryOp::Div); }
Value fn_pow_(VM& vm, CallArgs& a) { return inplace_arith(vm, a, "pow_", BinaryOp::Pow); }

Value fn_zero_(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "zero_", {"self"}, p);
  Tensor self = tensor_arg(vm, p[0], "zero_", "self", 0);
  zero_(self);
  return p[0];
}

Value fn_fill_(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "fill_", {"self", "value"}, p);
  Tensor self = tensor_arg(vm, p[0], "fill_", "self", 0);
  fill_(self, scalar_arg(vm, p[1], "fill_", "value"));
  return p[0];
}

Value fn_copy_(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "copy_", {"self", "src", "non_blocking="}, p);
  Tensor self = tensor_arg(vm, p[0], "copy_", "self", 0);
  copy_(self, tensor_or_number(vm, p[1], "copy_", "src", 1));
  return p[0];
}

const TorchFnDef kDefs[] = {
    {"add", fn_add, kBoth},
    {"sub", fn_sub, kBoth},
    {"subtract", fn_sub, kBoth},
    {"rsub", fn_rsub, kFunction},
    {"mul", fn_mul, kBoth},
    {"multiply", fn_mul, kBoth},
    {"div", fn_true_div, kBoth},
    {"divide", fn_true_div, kBoth},
    {"true_divide", fn_div, kBoth},
    {"floor_divide", fn_floor_divide, kBoth},
    {"remainder", fn_remainder, kBoth},
    {"pow", fn_pow, kBoth},
    {"square", fn_square, kBoth},
    {"neg", fn_neg, kBoth},
    {"negative", fn_neg, kBoth},
    {"abs", fn_abs, kBoth},
    {"absolute", fn_abs, kBoth},
    {"sign", fn_sign, kBoth},
    {"exp", fn_exp, kBoth},
    {"log", fn_log, kBoth},
    {"log2", fn_log2, kBoth},
    {"log10", fn_log10, kBoth},
    {"sqrt", fn_sqrt, kBoth},
    {"sin", fn_sin, kBoth},
    {"cos", fn_cos, kBoth},
    {"tan", fn_tan, kBoth},
    {"tanh", fn_tanh, kBoth},
    {"sigmoid", fn_sigmoid, kBoth},
    {"relu", fn_relu, kBoth},
    {"reciprocal", fn_reciprocal, kBoth},
    {"floor", fn_floor, kBoth},
    {"ceil", fn_ceil, kBoth},
    {"round", fn_round, kBoth},
    {"clamp", fn_clamp, kBoth},
    {"clip", fn_clamp, kBoth},
    {"clamp_", fn_clamp_, kMethod},
    {"clip_", fn_clamp_, kMethod},
    {"maximum", fn_maximum, kBoth},
    {"minimum", fn_minimum, kBoth},
    {"where", fn_where, kFunction},
    {"where", method_where, kMethod},
    {"nonzero", fn_nonzero, kBoth},
    {"eq", fn_eq, kBoth},
    {"ne", fn_ne, kBoth},
    {"not_equal", fn_ne, kBoth},
    {"lt", fn_lt, kBoth},
    {"less", fn_lt, kBoth},
    {"le", fn_le, kBoth},
    {"less_equal", fn_le, kBoth},
    {"gt", fn_gt, kBoth},
    {"greater", fn_gt, kBoth},
    {"ge", fn_ge, kBoth},
    {"greater_equal", fn_ge, kBoth},
    {"logical_and", fn_logical_and, kBoth},
    {"logical_or", fn_logical_or, kBoth},
    {"logical_xor", fn_logical_xor, kBoth},
    {"logical_not", fn_logical_not, kBoth},
    {"bitwise_and", fn_bitwise_and, kBoth},
    {"bitwise_or", fn_bitwise_or, kBoth},
    {"bitwise_xor", fn_bitwise_xor, kBoth},
    {"bitwise_not", fn_bitwise_not, kBoth},
    {"isnan", fn_isnan, kBoth},
    {"isinf", fn_isinf, kBoth},
    {"isfinite", fn_isfinite, kBoth},
    {"allclose", fn_allclose, kBoth},
    {"equal", fn_equal, kBoth},
    {"add_", fn_add_, kMethod},
    {"sub_", fn_sub_, kMethod},
    {"mul_", fn_mul_, kMethod},
    {"div_", fn_div_, kMethod},
    {"pow_", fn_pow_, kMethod},
    {"zero_", fn_zero_, kMethod},
    {"fill_", fn_fill_, kMethod},
    {"copy_", fn_copy_, kMethod},
};

}  // namespace

TorchFnTable elementwise_fns() { return {kDefs, sizeof(kDefs) / sizeof(kDefs[0])}; }

}  // namespace gradlab::lang
