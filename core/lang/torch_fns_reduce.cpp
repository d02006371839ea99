// Reductions (sum, mean, max with torch.return_types, var/std, norm, any/all, ...) and linear
// algebra (matmul, dot, svd, ...) as torch.* functions and Tensor methods.
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

// sum(input, dim=None, keepdim=False, *, dtype=None); `axis` is numpy's name for dim.
Value fn_sum(VM& vm, CallArgs& a) {
  Value p[5];
  torch_args(vm, a, "sum", {"input", "dim=", "keepdim=", "*", "dtype=", "axis="}, p);
  Tensor t = tensor_arg(vm, p[0], "sum", "input", 1);
  Value dim = dim_or_axis(vm, p[1], p[4], "sum");
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], "sum", "keepdim");
  std::optional<DType> dt;
  if (auto d = dtype_opt(vm, p[3], "sum")) dt = storage_dtype(*d);
  if (dim.is_undef() || dim.is_none()) return wrap(sum(t, dt));
  return wrap(sum(t, dims_arg(vm, dim, "sum"), keepdim, dt));
}

Value fn_mean(VM& vm, CallArgs& a) {
  Value p[5];
  torch_args(vm, a, "mean", {"input", "dim=", "keepdim=", "*", "dtype=", "axis="}, p);
  Tensor t = tensor_arg(vm, p[0], "mean", "input", 1);
  Value dim = dim_or_axis(vm, p[1], p[4], "mean");
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], "mean", "keepdim");
  if (auto d = dtype_opt(vm, p[3], "mean")) t = to_dtype(t, storage_dtype(*d));
  if (dim.is_undef() || dim.is_none()) return wrap(mean(t));
  return wrap(mean(t, dims_arg(vm, dim, "mean"), keepdim));
}

Value fn_prod(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "prod", {"input", "dim=", "keepdim=", "*", "dtype="}, p);
  Tensor t = tensor_arg(vm, p[0], "prod", "input", 1);
  if (auto d = dtype_opt(vm, p[3], "prod")) t = to_dtype(t, storage_dtype(*d));
  if (p[1].is_undef() || p[1].is_none()) return wrap(prod(t));
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], "prod", "keepdim");
  return wrap(prod(t, dim_arg(vm, p[1], "prod"), keepdim));
}

Value fn_cumsum(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "cumsum", {"input", "dim=", "*", "dtype=", "axis="}, p);
  Tensor t = tensor_arg(vm, p[0], "cumsum", "input", 1);
  Value dim = dim_or_axis(vm, p[1], p[3], "cumsum");
  if (dim.is_undef()) type_error("cumsum() missing 1 required positional argument: 'dim'");
  if (auto d = dtype_opt(vm, p[2], "cumsum")) t = to_dtype(t, storage_dtype(*d));
  return wrap(cumsum(t, dim_arg(vm, dim, "cumsum")));
}

// max(input) / max(input, dim, keepdim=False) -> (values, indices) / max(input, other)
Value max_min(VM& vm, CallArgs& a, bool is_max) {
  const char* name = is_max ? "max" : "min";
  Value p[4];
  torch_args(vm, a, name, {"input", "dim=", "keepdim=", "*", "axis="}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  Value dim = dim_or_axis(vm, p[1], p[3], name);
  if (dim.is_tensor()) {
    Tensor other = unwrap(dim);
    return arith_result(is_max ? maximum(t, other) : minimum(t, other), t, other);
  }
  if (dim.is_undef() || dim.is_none()) return result_like(is_max ? max(t) : min(t), t);
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], name, "keepdim");
  ValuesIndices r =
      is_max ? max(t, dim_arg(vm, dim, name), keepdim) : min(t, dim_arg(vm, dim, name), keepdim);
  if (t->int32) r.values->int32 = true;
  TorchState& st = torch_state(vm);
  return return_pair(vm, is_max ? st.return_max : st.return_min, std::move(r.values),
                     std::move(r.indices));
}
Value fn_max(VM& vm, CallArgs& a) { return max_min(vm, a, true); }
Value fn_min(VM& vm, CallArgs& a) { return max_min(vm, a, false); }

Value arg_max_min(VM& vm, CallArgs& a, bool is_max) {
  const char* name = is_max ? "argmax" : "argmin";
  Value p[3];
  torch_args(vm, a, name, {"input", "dim=", "keepdim="}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  std::optional<int64_t> dim;
  if (!p[1].is_undef() && !p[1].is_none()) dim = dim_arg(vm, p[1], name);
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], name, "keepdim");
  return wrap(is_max ? argmax(t, dim, keepdim) : argmin(t, dim, keepdim));
}
Value fn_argmax(VM& vm, CallArgs& a) { return arg_max_min(vm, a, true); }
Value fn_argmin(VM& vm, CallArgs& a) { return arg_max_min(vm, a, false); }

// var/std(input, dim=None, unbiased=True, keepdim=False); var(input, unbiased) also works.
Value var_std(VM& vm, CallArgs& a, bool is_std) {
  const char* name = is_std ? "std" : "var";
  Value p[5];
  torch_args(vm, a, name, {"input", "dim=", "unbiased=", "keepdim=", "*", "axis="}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  Value dim = dim_or_axis(vm, p[1], p[4], name);
  Value unbiased = p[2];
  if (dim.is_bool()) {  // var(input, unbiased)
    unbiased = dim;
    dim = Value();
  }
  bool u = unbiased.is_undef() || bool_arg(vm, unbiased, name, "unbiased");
  bool keepdim = !p[3].is_undef() && bool_arg(vm, p[3], name, "keepdim");
  std::vector<int64_t> dims = dims_arg(vm, dim, name);
  return wrap(is_std ? std(t, dims, u, keepdim) : var(t, dims, u, keepdim));
}
Value fn_var(VM& vm, CallArgs& a) { return var_std(vm, a, false); }
Value fn_std(VM& vm, CallArgs& a) { return var_std(vm, a, true); }

// The order of a norm: a number, 'fro' (2 over all elements) or inf.
double norm_order(VM& vm, const Value& v, const char* name) {
  if (v.is_undef() || v.is_none()) return 2.0;
  if (is_kind(v, ObjKind::Str)) {
    if (as<StrObj>(v)->s == "fro") return 2.0;
    runtime_error(std::string(name) + ": gradlab supports p=number or 'fro', not '" +
                  as<StrObj>(v)->s + "'");
  }
  return double_arg(vm, v, name, "p");
}

Value fn_norm(VM& vm, CallArgs& a) {
  Value p[4];
  torch_args(vm, a, "norm", {"input", "p=", "dim=", "keepdim="}, p);
  Tensor t = tensor_arg(vm, p[0], "norm", "input", 1);
  double order = norm_order(vm, p[1], "norm");
  bool keepdim = !p[3].is_undef() && bool_arg(vm, p[3], "norm", "keepdim");
  if (p[2].is_undef() || p[2].is_none()) return wrap(norm(t, order));
  // p absent or 'fro' with dims is at::frobenius_norm (sqrt(sum(a*a)) over two dims).
  const bool fro = p[1].is_undef() || p[1].is_none() ||
                   (is_kind(p[1], ObjKind::Str) && as<StrObj>(p[1])->s == "fro");
  if (fro) return wrap(frobenius_norm(t, dims_arg(vm, p[2], "norm"), keepdim));
  return wrap(norm(t, order, dims_arg(vm, p[2], "norm"), keepdim));
}

// torch.linalg.norm / vector_norm(input, ord=None, dim=None, keepdim=False)
Value fn_linalg_norm(VM& vm, CallArgs& a, bool matrix_ords_refused) {
  Value p[4];
  torch_args(vm, a, "linalg_norm", {"input", "ord=", "dim=", "keepdim="}, p);
  Tensor t = tensor_arg(vm, p[0], "linalg_norm", "input", 1);
  double order = norm_order(vm, p[1], "linalg_norm");
  bool keepdim = !p[3].is_undef() && bool_arg(vm, p[3], "linalg_norm", "keepdim");
  // A numeric ord over two dims is a matrix norm (max column sum, spectral, ...), which is
  // not the vector norm computed here: refuse rather than answer something else.
  const bool numeric_ord = !p[1].is_undef() && !p[1].is_none() && !is_kind(p[1], ObjKind::Str);
  const bool two_dims = (p[2].is_undef() || p[2].is_none()) ? t.dim() == 2
                                                              : dims_arg(vm, p[2], "linalg_norm").size() == 2;
  if (numeric_ord && two_dims && matrix_ords_refused)
    raise("NotImplementedError",
          "gradlab's torch.linalg.norm computes vector norms and the Frobenius norm; for a "
          "matrix with a numeric ord use torch.linalg.vector_norm on a flattened tensor or "
          "compute the matrix norm from its definition");
  if (p[2].is_undef() || p[2].is_none()) return wrap(vector_norm(t, order, {}, keepdim));
  return wrap(vector_norm(t, order, dims_arg(vm, p[2], "linalg_norm"), keepdim));
}

Value any_all(VM& vm, CallArgs& a, bool is_any) {
  const char* name = is_any ? "any" : "all";
  Value p[3];
  torch_args(vm, a, name, {"input", "dim=", "keepdim="}, p);
  Tensor t = tensor_arg(vm, p[0], name, "input", 1);
  if (p[1].is_undef() || p[1].is_none()) return wrap(is_any ? any(t) : all(t));
  bool keepdim = !p[2].is_undef() && bool_arg(vm, p[2], name, "keepdim");
  int64_t dim = dim_arg(vm, p[1], name);
  return wrap(is_any ? any(t, dim, keepdim) : all(t, dim, keepdim));
}
Value fn_any(VM& vm, CallArgs& a) { return any_all(vm, a, true); }
Value fn_all(VM& vm, CallArgs& a) { return any_all(vm, a, false); }

// --- linear algebra -----------------------------------------------------------------------------
using Binary = Tensor (*)(const Tensor&, const Tensor&);
Value linalg_binary(VM& vm, CallArgs& a, const char* name, const char* other, Binary op) {
  Value p[2];
  torch_args(vm, a, name, {"input", other}, p);
  Tensor x = tensor_arg(vm, p[0], name, "input", 1);
  Tensor y = tensor_arg(vm, p[1], name, other, 2);
  return arith_result(op(x, y), x, y);
}
Value fn_matmul(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "matmul", "other", matmul); }
Value fn_mm(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "mm", "mat2", mm); }
Value fn_mv(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "mv", "vec", mv); }
Value fn_bmm(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "bmm", "mat2", bmm); }
Value fn_dot(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "dot", "tensor", dot); }
Value fn_outer(VM& vm, CallArgs& a) { return linalg_binary(vm, a, "outer", "vec2", outer); }

Value fn_diag(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "diag", {"input", "diagonal="}, p);
  Tensor t = tensor_arg(vm, p[0], "diag", "input", 1);
  return result_like(diag(t, p[1].is_undef() ? 0 : int64_arg(vm, p[1], "diag", "diagonal")), t);
}

Value fn_trace(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "trace", {"input"}, p);
  return wrap(trace(tensor_arg(vm, p[0], "trace", "input", 1)));
}

Value fn_svd(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "svd", {"input", "some=", "compute_uv="}, p);
  Tensor t = tensor_arg(vm, p[0], "svd", "input", 1);
  bool some = p[1].is_undef() || bool_arg(vm, p[1], "svd", "some");
  SvdResult r = svd(t, some);
  return return_svd(vm, std::move(r.U), std::move(r.S), std::move(r.V));
}

}  // namespace

// torch.linalg.svd(A, full_matrices=True) -> torch.return_types.linalg_svd(U, S, Vh)
Value linalg_svd_fn(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "linalg_svd", {"A", "full_matrices="}, p);
  Tensor t = tensor_arg(vm, p[0], "linalg_svd", "A", 1);
  bool full = p[1].is_undef() || bool_arg(vm, p[1], "linalg_svd", "full_matrices");
  SvdResult r = linalg_svd(t, full);
  return return_linalg_svd(vm, std::move(r.U), std::move(r.S), std::move(r.V));
}
Value linalg_norm_fn(VM& vm, CallArgs& a) { return fn_linalg_norm(vm, a, true); }
Value vector_norm_fn(VM& vm, CallArgs& a) { return fn_linalg_norm(vm, a, false); }
Value linalg_matmul_fn(VM& vm, CallArgs& a) { return fn_matmul(vm, a); }

namespace {
const TorchFnDef kDefs[] = {
    {"sum", fn_sum, kBoth},       {"mean", fn_mean, kBoth},     {"prod", fn_prod, kBoth},
    {"cumsum", fn_cumsum, kBoth}, {"max", fn_max, kBoth},       {"min", fn_min, kBoth},
    {"argmax", fn_argmax, kBoth}, {"argmin", fn_argmin, kBoth}, {"var", fn_var, kBoth},
    {"std", fn_std, kBoth},       {"norm", fn_norm, kBoth},     {"any", fn_any, kBoth},
    {"all", fn_all, kBoth},       {"matmul", fn_matmul, kBoth}, {"mm", fn_mm, kBoth},
    {"mv", fn_mv, kBoth},         {"bmm", fn_bmm, kBoth},       {"dot", fn_dot, kBoth},
    {"outer", fn_outer, kBoth},   {"ger", fn_outer, kBoth},     {"diag", fn_diag, kBoth},
    {"trace", fn_trace, kBoth},   {"svd", fn_svd, kBoth},
};
}  // namespace

TorchFnTable reduce_fns() { return {kDefs, sizeof(kDefs) / sizeof(kDefs[0])}; }

}  // namespace gradlab::lang
