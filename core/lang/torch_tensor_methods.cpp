// Tensor methods that are not ops: Python conversions (item, tolist, __float__), autograd
// (backward, requires_grad_, retain_grad, detach_), dtype conversion (to, float, type, ...)
// and the new_* constructors.
#include <cmath>

#include "autograd/autograd.h"
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

Value fn_item(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "item", {"self"}, p);
  return tensor_item(tensor_arg(vm, p[0], "item", "self", 0));
}

Value fn_tolist(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "tolist", {"self"}, p);
  return tensor_tolist(vm, tensor_arg(vm, p[0], "tolist", "self", 0));
}

Value fn_float_dunder(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "__float__");
  if (t.numel() != 1) value_error("only one element tensors can be converted to Python scalars");
  return Value::number(item(t).to_double());
}

Value fn_int_dunder(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "__int__");
  if (t.numel() != 1) value_error("only one element tensors can be converted to Python scalars");
  Scalar s = item(t);
  if (s.kind != Scalar::Kind::Float) return Value::integer(s.to_int());
  if (std::isnan(s.f)) value_error("cannot convert float NaN to integer");
  if (std::isinf(s.f)) raise("OverflowError", "cannot convert float infinity to integer");
  return Value::integer(int64_t(std::trunc(s.f)));
}

Value fn_index_dunder(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "__index__");
  if (t.numel() != 1 || is_floating(t.dtype()))
    type_error("only integer tensors of a single element can be converted to an index");
  return Value::integer(item(t).to_int());
}

Value fn_abs_dunder(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "__abs__");
  return result_like(abs(t), t);
}

Value fn_numpy(VM& vm, CallArgs& a) {
  runtime_error(
      "gradlab has no NumPy: Tensor.numpy() is not available (use .tolist() for Python lists)");
}

// --- autograd
// -------------------------------------------------------------------------------------
Value fn_backward(VM& vm, CallArgs& a) {
  Value p[5];
  torch_args(vm, a, "backward", {"self", "gradient=", "retain_graph=", "create_graph=", "inputs="},
             p);
  Tensor t = tensor_arg(vm, p[0], "backward", "self", 0);
  Tensor gradient;
  if (!p[1].is_undef() && !p[1].is_none())
    gradient = tensor_arg(vm, p[1], "backward", "gradient", 1);
  bool retain =
      !p[2].is_undef() && !p[2].is_none() && bool_arg(vm, p[2], "backward", "retain_graph");
  if (!p[3].is_undef() && bool_arg(vm, p[3], "backward", "create_graph"))
    runtime_error("gradlab does not support backward(create_graph=True) (higher-order gradients)");
  if (!p[4].is_undef() && !p[4].is_none())
    runtime_error("gradlab does not support backward(inputs=...)");
  backward(t, gradient, retain);
  return Value::none();
}

Value fn_requires_grad_(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "requires_grad_", {"self", "requires_grad="}, p);
  Tensor t = tensor_arg(vm, p[0], "requires_grad_", "self", 0);
  t.set_requires_grad(p[1].is_undef() || bool_arg(vm, p[1], "requires_grad_", "requires_grad"));
  return p[0];
}

Value fn_retain_grad(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "retain_grad", {"self"}, p);
  retain_grad(tensor_arg(vm, p[0], "retain_grad", "self", 0));
  return Value::none();
}

// x.detach_(): x itself leaves the graph (no grad_fn, requires_grad False).
Value fn_detach_(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "detach_", {"self"}, p);
  detach_(tensor_arg(vm, p[0], "detach_", "self", 0));
  return p[0];
}

// --- dtype conversion
// ------------------------------------------------------------------------------- self converted to
// d; self itself when it already has that dtype and no copy is asked for.
Value convert(const Value& self, TorchDType d, bool copy) {
  Tensor t = unwrap(self);
  TorchDType from = torch_dtype_of(t);
  if (from == d && !copy) return self;
  if (d == TorchDType::Int32 || from == TorchDType::Int32) return wrap(convert_dtype(t, d));
  if (from == d) return wrap(clone(t));
  return wrap(to_dtype(t, storage_dtype(d)));
}

// to(dtype) / to(device) / to(device, dtype) / to(other) / to(dtype=..., copy=...)
Value fn_to(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "to");
  std::optional<TorchDType> d;
  bool copy = false;
  auto take = [&](const Value& v) {
    if (auto x = dtype_of_value(vm, v)) {
      d = x;
    } else if (v.is_tensor()) {
      d = torch_dtype_of(unwrap(v));
    } else if (is_kind(v, ObjKind::Str) || v.same(torch_state(vm).cpu)) {
      check_device(vm, v);
    } else if (!v.is_bool() && !v.is_none()) {
      type_error("to() received an invalid combination of arguments - got " + vm.type_name(v));
    }
  };
  for (uint32_t i = 1; i < a.npos; ++i) take(a.pos[i]);
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    if (n == "dtype" || n == "device" || n == "other")
      take(a.kwvalues[k]);
    else if (n == "copy")
      copy = bool_arg(vm, a.kwvalues[k], "to", "copy");
    else if (n != "non_blocking" && n != "memory_format")
      type_error("to() got an unexpected keyword argument '" + std::string(n) + "'");
  }
  if (!d) {
    if (!copy) return a.pos[0];
    d = torch_dtype_of(t);
  }
  return convert(a.pos[0], *d, copy);
}

template <TorchDType D>
Value fn_as_dtype(VM& vm, CallArgs& a) {
  self_tensor(vm, a, torch_dtype_legacy_name(D));
  return convert(a.pos[0], D, false);
}

Value fn_half(VM& vm, CallArgs& a) {
  runtime_error("gradlab has no float16: use .float() (float32)");
}

// type() -> 'torch.FloatTensor'; type(dtype or torch.FloatTensor or 'torch.FloatTensor')
Value fn_type(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "type", {"self", "dtype=", "non_blocking="}, p);
  Tensor t = tensor_arg(vm, p[0], "type", "self", 0);
  if (p[1].is_undef() || p[1].is_none()) return vm.str(torch_dtype_type_name(torch_dtype_of(t)));
  auto d = dtype_of_value(vm, p[1]);
  if (!d) {
    if (is_kind(p[1], ObjKind::Str)) value_error("invalid type: '" + as<StrObj>(p[1])->s + "'");
    type_error("type(): argument 'dtype' must be torch.dtype, not " + vm.type_name(p[1]));
  }
  return convert(p[0], *d, false);
}

Value fn_type_as(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "type_as", {"self", "other"}, p);
  tensor_arg(vm, p[0], "type_as", "self", 0);
  return convert(p[0], torch_dtype_of(tensor_arg(vm, p[1], "type_as", "other", 1)), false);
}

Value fn_cpu(VM& vm, CallArgs& a) {
  self_tensor(vm, a, "cpu");
  return a.pos[0];
}

Value fn_cuda(VM& vm, CallArgs& a) {
  raise("AssertionError", "Torch not compiled with CUDA enabled");
}

Value fn_is_floating_point(VM& vm, CallArgs& a) {
  return Value::boolean(is_floating(self_tensor(vm, a, "is_floating_point").dtype()));
}

Value fn_is_contiguous(VM& vm, CallArgs& a) {
  return Value::boolean(self_tensor(vm, a, "is_contiguous").is_contiguous());
}

Value fn_element_size(VM& vm, CallArgs& a) {
  Tensor t = self_tensor(vm, a, "element_size");
  return Value::integer(t->int32 ? 4 : element_size(t.dtype()));
}

// --- new_*
// --------------------------------------------------------------------------------------------
// x.new_zeros(size, dtype=None, requires_grad=False) and friends: x's dtype by default.
Value new_filled(VM& vm, CallArgs& a, const char* name, int which) {
  Tensor self = self_tensor(vm, a, name);
  std::optional<TorchDType> d;
  bool requires_grad = false;
  Value size, fill;
  std::vector<Value> pos(a.pos + 1, a.pos + a.npos);
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    if (n == "dtype")
      d = dtype_opt(vm, a.kwvalues[k], name);
    else if (n == "requires_grad")
      requires_grad = bool_arg(vm, a.kwvalues[k], name, "requires_grad");
    else if (n == "size" || n == "data")
      pos.insert(pos.begin(), a.kwvalues[k]);
    else if (n == "fill_value")
      fill = a.kwvalues[k];
    else if (n != "device")
      type_error(std::string(name) + "() got an unexpected keyword argument '" + std::string(n) +
                 "'");
  }
  if (which == 2 && fill.is_undef() && pos.size() >= 2) {
    fill = pos.back();
    pos.pop_back();
  }
  TorchDType dt = d ? *d : torch_dtype_of(self);
  Tensor out;
  if (which == 3) {
    if (pos.size() != 1) type_error("new_tensor() missing 1 required positional argument: 'data'");
    out = tensor_from_data(vm, pos[0], dt);
  } else {
    if (which == 2 && fill.is_undef())
      type_error("new_full() missing 1 required positional argument: 'fill_value'");
    Shape shape(shape_from_args(vm, pos.data(), pos.size(), name));
    if (which == 0)
      out = zeros(shape, storage_dtype(dt));
    else if (which == 1)
      out = ones(shape, storage_dtype(dt));
    else
      out = full(shape, scalar_arg(vm, fill, name, "fill_value"), storage_dtype(dt));
    if (dt == TorchDType::Int32) out->int32 = true;
  }
  if (requires_grad) out.set_requires_grad(true);
  return wrap(std::move(out));
}
Value fn_new_zeros(VM& vm, CallArgs& a) { return new_filled(vm, a, "new_zeros", 0); }
Value fn_new_ones(VM& vm, CallArgs& a) { return new_filled(vm, a, "new_ones", 1); }
Value fn_new_full(VM& vm, CallArgs& a) { return new_filled(vm, a, "new_full", 2); }
Value fn_new_tensor(VM& vm, CallArgs& a) { return new_filled(vm, a, "new_tensor", 3); }

Value fn_is_tensor(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "is_tensor", {"obj"}, p);
  return Value::boolean(p[0].is_tensor());
}

const TorchFnDef kDefs[] = {
    {"item", fn_item, kMethod},
    {"tolist", fn_tolist, kMethod},
    {"__float__", fn_float_dunder, kMethod},
    {"__int__", fn_int_dunder, kMethod},
    {"__index__", fn_index_dunder, kMethod},
    {"__abs__", fn_abs_dunder, kMethod},
    {"numpy", fn_numpy, kMethod},
    {"backward", fn_backward, kMethod},
    {"requires_grad_", fn_requires_grad_, kMethod},
    {"retain_grad", fn_retain_grad, kMethod},
    {"detach_", fn_detach_, kMethod},
    {"to", fn_to, kMethod},
    {"float", fn_as_dtype<TorchDType::Float32>, kMethod},
    {"double", fn_as_dtype<TorchDType::Float64>, kMethod},
    {"long", fn_as_dtype<TorchDType::Int64>, kMethod},
    {"int", fn_as_dtype<TorchDType::Int32>, kMethod},
    {"bool", fn_as_dtype<TorchDType::Bool>, kMethod},
    {"half", fn_half, kMethod},
    {"type", fn_type, kMethod},
    {"type_as", fn_type_as, kMethod},
    {"cpu", fn_cpu, kMethod},
    {"cuda", fn_cuda, kMethod},
    {"is_floating_point", fn_is_floating_point, kBoth},
    {"is_contiguous", fn_is_contiguous, kMethod},
    {"element_size", fn_element_size, kMethod},
    {"new_zeros", fn_new_zeros, kMethod},
    {"new_ones", fn_new_ones, kMethod},
    {"new_full", fn_new_full, kMethod},
    {"new_tensor", fn_new_tensor, kMethod},
    {"is_tensor", fn_is_tensor, kFunction},
};

}  // namespace

TorchFnTable tensor_fns() { return {kDefs, sizeof(kDefs) / sizeof(kDefs[0])}; }

}  // namespace gradlab::lang
