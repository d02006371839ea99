// The torch module: its functions (from the family tables), dtypes, classes, constants,
// grad mode, and the torch.linalg / torch.autograd / torch.return_types submodules.
#include "lang/torch_module.h"

#include <cmath>
#include <memory>

#include "autograd/autograd.h"
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

Value fn_is_grad_enabled(VM& vm, CallArgs& a) {
  if (a.npos || a.nkw) type_error("is_grad_enabled() takes no arguments");
  return Value::boolean(grad_mode_enabled());
}

Value fn_get_default_dtype(VM& vm, CallArgs& a) {
  if (a.npos || a.nkw) type_error("get_default_dtype() takes no arguments");
  return dtype_value(vm, TorchDType::Float32);
}

// Only float32 can be the default dtype in gradlab (PyTorch's default).
Value fn_set_default_dtype(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "set_default_dtype", {"d"}, p);
  auto d = dtype_opt(vm, p[0], "set_default_dtype");
  if (d != TorchDType::Float32)
    runtime_error(
        "gradlab keeps torch.float32 as the default dtype; pass dtype=torch.float64 where you need "
        "it");
  return Value::none();
}

// torch.autograd.backward(tensors, grad_tensors=None, retain_graph=None)
Value fn_autograd_backward(VM& vm, CallArgs& a) {
  Value p[3];
  torch_args(vm, a, "backward", {"tensors", "grad_tensors=", "retain_graph="}, p);
  std::vector<Tensor> ts = p[0].is_tensor() ? std::vector<Tensor>{unwrap(p[0])}
                                            : tensor_list(vm, p[0], "backward", "tensors");
  std::vector<Tensor> gs;
  if (!p[1].is_undef() && !p[1].is_none())
    gs = p[1].is_tensor() ? std::vector<Tensor>{unwrap(p[1])}
                          : tensor_list(vm, p[1], "backward", "grad_tensors");
  if (!gs.empty() && gs.size() != ts.size())
    runtime_error("got " + std::to_string(gs.size()) + " tensors and " + std::to_string(ts.size()) +
                  " gradients");
  bool retain =
      !p[2].is_undef() && !p[2].is_none() && bool_arg(vm, p[2], "backward", "retain_graph");
  for (size_t i = 0; i < ts.size(); ++i)
    backward(ts[i], gs.empty() ? Tensor() : gs[i], retain || i + 1 < ts.size());
  return Value::none();
}

// torch.autograd.Variable(data, requires_grad=False): the old wrapper, now a detached alias.
Value fn_variable(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "Variable", {"data", "requires_grad="}, p);
  Tensor t = alias_detached(tensor_arg(vm, p[0], "Variable", "data", 1));
  if (!p[1].is_undef() && bool_arg(vm, p[1], "Variable", "requires_grad"))
    t.set_requires_grad(true);
  return wrap(std::move(t));
}

void def(VM& vm, ModuleObj& m, const char* name, NativeFn fn) {
  vm.set_global(&m, name, vm.native_function(name, fn));
}

void init_linalg(VM& vm, ModuleObj& m) {
  def(vm, m, "svd", linalg_svd_fn);
  def(vm, m, "norm", linalg_norm_fn);
  def(vm, m, "vector_norm", vector_norm_fn);
  def(vm, m, "matmul", linalg_matmul_fn);
}

void init_autograd(VM& vm, ModuleObj& m) {
  TorchState& st = torch_state(vm);
  def(vm, m, "backward", fn_autograd_backward);
  def(vm, m, "Variable", fn_variable);
  vm.set_global(&m, "no_grad", Value::object(st.no_grad_class));
  vm.set_global(&m, "enable_grad", Value::object(st.enable_grad_class));
  vm.set_global(&m, "set_grad_enabled", Value::object(st.set_grad_class));
}

void init_torch(VM& vm, ModuleObj& m) {
  auto state = std::make_unique<TorchState>();
  TorchState& st = *state;
  st.generator_class = vm.new_class("Generator", "torch._C", vm.classes.object);
  st.generator_class->subclassable = false;
  Value holder = vm.native_object(st.generator_class, std::move(state));
  st.holder = holder.as_object();
  init_tensor_class(vm, st, holder);
  init_torch_objects(vm, st);
  for (TorchFnTable table :
       {elementwise_fns(), reduce_fns(), shape_fns(), tensor_fns(), creation_fns()})
    for (size_t i = 0; i < table.size; ++i)
      if (table.defs[i].where & kFunction) def(vm, m, table.defs[i].name, table.defs[i].fn);
  def(vm, m, "is_grad_enabled", fn_is_grad_enabled);
  def(vm, m, "get_default_dtype", fn_get_default_dtype);
  def(vm, m, "set_default_dtype", fn_set_default_dtype);

  const struct {
    const char* name;
    TorchDType d;
  } dtypes[] = {{"float32", TorchDType::Float32}, {"float", TorchDType::Float32},
                {"float64", TorchDType::Float64}, {"double", TorchDType::Float64},
                {"int64", TorchDType::Int64},     {"long", TorchDType::Int64},
                {"int32", TorchDType::Int32},     {"int", TorchDType::Int32},
                {"bool", TorchDType::Bool}};
  for (auto& d : dtypes) vm.set_global(&m, d.name, dtype_value(vm, d.d));
  for (int i = 0; i < kNumTorchDTypes; ++i)
    vm.set_global(&m, torch_dtype_legacy_name(TorchDType(i)), Value::object(st.legacy_classes[i]));

  vm.set_global(&m, "Tensor", Value::object(st.tensor_class));
  vm.set_global(&m, "Size", Value::object(st.size_class));
  vm.set_global(&m, "dtype", Value::object(st.dtype_class));
  vm.set_global(&m, "device", Value::object(st.device_class));
  vm.set_global(&m, "Generator", Value::object(st.generator_class));
  vm.set_global(&m, "default_generator", holder);
  vm.set_global(&m, "no_grad", Value::object(st.no_grad_class));
  vm.set_global(&m, "enable_grad", Value::object(st.enable_grad_class));
  vm.set_global(&m, "set_grad_enabled", Value::object(st.set_grad_class));
  vm.set_global(&m, "pi", Value::number(M_PI));
  vm.set_global(&m, "e", Value::number(M_E));
  vm.set_global(&m, "inf", Value::number(HUGE_VAL));
  vm.set_global(&m, "nan", Value::number(std::nan("")));
  vm.set_global(&m, "__version__", vm.str("1.13.0"));

  Value linalg = vm.new_module("torch.linalg");
  init_linalg(vm, *as<ModuleObj>(linalg));
  vm.set_global(&m, "linalg", linalg);
  Value autograd = vm.new_module("torch.autograd");
  init_autograd(vm, *as<ModuleObj>(autograd));
  vm.set_global(&m, "autograd", autograd);
  Value rt = vm.new_module("torch.return_types");
  for (ClassObj* c : {st.return_max, st.return_min, st.return_svd, st.return_linalg_svd})
    vm.set_global(as<ModuleObj>(rt), c->name, Value::object(c));
  vm.set_global(&m, "return_types", rt);
}

}  // namespace

void register_torch(VM& vm) {
  // Importing a submodule imports torch first, so their inits find the state.
  vm.register_module("torch", ModuleDef{init_torch, "", true});
  vm.register_module("torch.linalg", ModuleDef{init_linalg, "", true});
  vm.register_module("torch.autograd", ModuleDef{init_autograd, "", true});
}

Generator& torch_generator(VM& vm) {
  if (!vm.classes.tensor) runtime_error("torch has not been imported");
  return torch_state(vm).generator;
}

}  // namespace gradlab::lang
