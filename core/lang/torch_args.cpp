// Argument helpers of the torch bindings: keyword parsing with a fast path, and tensor, scalar,
// dtype and dim arguments with PyTorch's TypeError wording.
#include "lang/torch_internal.h"

namespace gradlab::lang {

void torch_args(VM& vm, const CallArgs& a, const char* fname,
                std::initializer_list<std::string_view> names, Value* out) {
  if (a.nkw == 0) {
    size_t npositional = 0, nrequired = 0;
    for (std::string_view n : names) {
      if (n == "*") break;
      ++npositional;
      if (n.back() != '=') ++nrequired;
    }
    if (a.npos <= npositional && a.npos >= nrequired) {
      for (size_t i = 0; i < a.npos; ++i) out[i] = a.pos[i];
      return;
    }
  }
  parse_args(vm, a, fname, names, out);
}

static std::string position(int p) { return p > 0 ? " (position " + std::to_string(p) + ")" : ""; }

Tensor tensor_arg(VM& vm, const Value& v, const char* fname, const char* argname, int pos) {
  if (v.is_tensor()) return unwrap(v);
  type_error(std::string(fname) + "(): argument '" + argname + "'" + position(pos) +
             " must be Tensor, not " + vm.type_name(v));
}

Tensor self_tensor(VM& vm, const CallArgs& a, const char* fname) {
  if (a.npos > 0 && a.pos[0].is_tensor()) return unwrap(a.pos[0]);
  for (uint32_t k = 0; k < a.nkw; ++k)
    if (a.kwname(k) == "input") return tensor_arg(vm, a.kwvalues[k], fname, "input", 0);
  if (a.npos == 0)
    type_error(std::string(fname) + "() missing 1 required positional argument: 'input'");
  return tensor_arg(vm, a.pos[0], fname, "input", 1);
}

Tensor number_tensor(VM& vm, const Scalar& s) {
  TensorImpl*& cached = torch_state(vm).scalar_cache[int(s.kind)];
  // Reusable only if no tensor, node or view holds it or its storage.
  if (cached && cached->refcount == 1 && cached->storage->refcount == 1) {
    switch (s.kind) {
      case Scalar::Kind::Bool:
        *static_cast<bool*>(cached->data_ptr()) = s.b;
        break;
      case Scalar::Kind::Int:
        *static_cast<int64_t*>(cached->data_ptr()) = s.i;
        break;
      case Scalar::Kind::Float:
        *static_cast<double*>(cached->data_ptr()) = s.f;
        break;
    }
    return Tensor::borrow(cached);
  }
  Tensor t = wrapped_scalar(s);
  if (cached) decref(cached);
  cached = t.get();
  incref(cached);
  return t;
}

Tensor tensor_or_number(VM& vm, const Value& v, const char* fname, const char* argname, int pos) {
  if (v.is_tensor()) return unwrap(v);
  Scalar s;
  if (scalar_of(v, &s)) return number_tensor(vm, s);
  type_error(std::string(fname) + "(): argument '" + argname + "'" + position(pos) +
             " must be Tensor, not " + vm.type_name(v));
}

Scalar scalar_arg(VM& vm, const Value& v, const char* fname, const char* argname) {
  Scalar s;
  if (scalar_of(v, &s)) return s;
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.numel() == 1) return item(t);
  }
  type_error(std::string(fname) + "(): argument '" + argname + "' must be Number, not " +
             vm.type_name(v));
}

double double_arg(VM& vm, const Value& v, const char* fname, const char* argname) {
  Scalar s;
  if (scalar_of(v, &s)) return s.to_double();
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.numel() == 1) return item(t).to_double();
  }
  type_error(std::string(fname) + "(): argument '" + argname + "' must be float, not " +
             vm.type_name(v));
}

int64_t int64_arg(VM& vm, const Value& v, const char* fname, const char* argname) {
  if (v.is_intlike()) return v.as_int();
  if (v.is_tensor()) {
    Tensor t = unwrap(v);
    if (t.numel() == 1 && is_integral(t.dtype(), true)) return item(t).to_int();
  }
  type_error(std::string(fname) + "(): argument '" + argname + "' must be int, not " +
             vm.type_name(v));
}

bool bool_arg(VM& vm, const Value& v, const char* fname, const char* argname) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int() != 0;
  type_error(std::string(fname) + "(): argument '" + argname + "' must be bool, not " +
             vm.type_name(v));
}

std::optional<TorchDType> dtype_opt(VM& vm, const Value& v, const char* fname) {
  if (v.is_undef() || v.is_none()) return std::nullopt;
  if (auto d = dtype_of_value(vm, v)) return d;
  type_error(std::string(fname) + "(): argument 'dtype' must be torch.dtype, not " +
             vm.type_name(v));
}

Value dim_or_axis(VM& vm, const Value& dim, const Value& axis, const char* fname) {
  if (!dim.is_undef() && !axis.is_undef())
    type_error(std::string(fname) +
               "() received an invalid combination of arguments - got both 'dim' and 'axis'");
  return dim.is_undef() ? axis : dim;
}

void check_device(VM& vm, const Value& v) {
  if (v.is_none() || v.is_undef() || v.same(torch_state(vm).cpu)) return;
  if (is_kind(v, ObjKind::Str)) {
    const std::string& s = as<StrObj>(v)->s;
    if (s == "cpu") return;
    if (s.compare(0, 4, "cuda") == 0)
      raise("AssertionError", "Torch not compiled with CUDA enabled");
    runtime_error("Expected one of cpu, cuda device type at start of device string: " + s);
  }
  type_error("device must be a torch.device or a string, not " + vm.type_name(v));
}

int64_t dim_arg(VM& vm, const Value& v, const char* fname) {
  if (v.is_intlike()) return v.as_int();
  type_error(std::string(fname) + "(): argument 'dim' must be int, not " + vm.type_name(v));
}

Value result_like(Tensor t, const Tensor& like) {
  if (like->int32 && t.dtype() == DType::Int64) t->int32 = true;
  return wrap(std::move(t));
}

std::vector<Tensor> tensor_list(VM& vm, const Value& v, const char* fname, const char* argname) {
  if (!is_kind(v, ObjKind::List) && !is_kind(v, ObjKind::Tuple))
    type_error(std::string(fname) + "(): argument '" + argname +
               "' (position 1) must be tuple of Tensors, not " + vm.type_name(v));
  const auto& items = is_kind(v, ObjKind::List) ? as<ListObj>(v)->items : as<TupleObj>(v)->items;
  std::vector<Tensor> out;
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_tensor())
      type_error("expected Tensor as element " + std::to_string(i) + " in argument 0, but got " +
                 vm.type_name(items[i]));
    out.push_back(unwrap(items[i]));
  }
  return out;
}

}  // namespace gradlab::lang
