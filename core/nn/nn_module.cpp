// Registers torch.nn (with torch.nn.modules.module), torch.nn.functional, torch.nn.init,
// torch.optim and torch.optim.lr_scheduler (gradlab-language sources embedded at build time,
// see cmake/embed_python.cmake) and their private native helper module torch._gradlab: the
// nn.Parameter class and thin argument-checking wrappers over core/nn/nn_ops.h.
#include "nn/nn_module.h"

#include "lang/torch_convert.h"
#include "nn/nn_ops.h"
#include "nn/nn_sources.h"
#include "nn/per_step.h"

namespace gradlab::lang {

namespace {

// --- arguments --------------------------------------------------------------------------------
Tensor tensor_param(VM& vm, const Value& v, const char* fn, const char* arg, int pos) {
  if (!v.is_tensor())
    type_error(std::string(fn) + "(): argument '" + arg + "' (position " + std::to_string(pos) +
               ") must be Tensor, not " + vm.type_name(v));
  return unwrap(v);
}

// None (or absent) -> undefined.
Tensor optional_tensor(VM& vm, const Value& v, const char* fn, const char* arg, int pos) {
  if (v.is_undef() || v.is_none()) return Tensor();
  return tensor_param(vm, v, fn, arg, pos);
}

int64_t int_param(VM& vm, const Value& v, const char* fn, const char* arg, int pos) {
  if (!v.is_intlike())
    type_error(std::string(fn) + "(): argument '" + arg + "' (position " + std::to_string(pos) +
               ") must be int, not " + vm.type_name(v));
  return v.as_int();
}

Scalar number_param(VM& vm, const Value& v, const char* fn, const char* arg, int pos) {
  Scalar s;
  if (!scalar_of(v, &s))
    type_error(std::string(fn) + "(): argument '" + arg + "' (position " + std::to_string(pos) +
               ") must be Number, not " + vm.type_name(v));
  return s;
}

Reduction reduction_param(VM& vm, const Value& v, const char* fn, int pos) {
  const int64_t r = int_param(vm, v, fn, "reduction", pos);
  if (r < 0 || r > 2) value_error(std::to_string(r) + " is not a valid value for reduction");
  return Reduction(r);
}

// --- nn.Parameter -----------------------------------------------------------------------------
// Parameter(data=None, requires_grad=True): a leaf sharing data's storage, flagged so that
// printing shows "Parameter containing:" and class_of reports torch.nn.parameter.Parameter.
Value parameter_new(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "Parameter", {"data=", "requires_grad="}, p);
  Tensor data = p[0].is_undef() || p[0].is_none() ? empty(Shape{0}, DType::Float32)
                                                  : tensor_param(vm, p[0], "Parameter", "data", 1);
  bool requires_grad = true;
  if (!p[1].is_undef()) {
    if (!p[1].is_bool())
      type_error("Parameter(): argument 'requires_grad' must be bool, not " + vm.type_name(p[1]));
    requires_grad = p[1].as_bool();
  }
  // Tensor._make_subclass's check (its wording differs from requires_grad_'s).
  if (requires_grad && !is_floating(data.dtype()))
    runtime_error("Only Tensors of floating point and complex dtype can require gradients");
  Tensor param = alias_detached(data);
  param->int32 = data->int32;
  param->untracked_version = false;
  param->is_parameter = true;
  param.set_requires_grad(requires_grad);
  return wrap(std::move(param));
}

// The tensor class's dict entry under which the Parameter class is found by class_of.
constexpr const char* kParameterClassKey = "_parameter_class";

ClassObj* tensor_class_of(VM& vm, const Value& v) {
  if (v.as_tensor()->is_parameter)
    if (const Value* c = vm.classes.tensor->dict.find(vm.intern(kParameterClassKey)))
      return as<ClassObj>(*c);
  return vm.classes.tensor;
}

// Makes the Parameter class (a subclass of torch.Tensor) and teaches the tensor hooks'
// class_of to report it for parameters.
// NOTE: the Tensor hooks belong to the torch bindings (core/lang/torch_tensor.cpp), which
// leave class_of unset; torch.nn installs it here, the one place that knows the class.
ClassObj* make_parameter_class(VM& vm) {
  ClassObj* tensor = vm.classes.tensor;
  if (const Value* c = tensor->dict.find(vm.intern(kParameterClassKey))) return as<ClassObj>(*c);
  ClassObj* cls =
      vm.new_class("Parameter", "torch.nn.parameter", tensor, tensor->hooks, parameter_new);
  cls->subclassable = false;
  tensor->dict.set(vm.intern(kParameterClassKey), Value::object(cls));
  auto* hooks = const_cast<TypeHooks*>(tensor->hooks);
  if (!hooks->class_of) hooks->class_of = tensor_class_of;
  return cls;
}

// --- torch._gradlab functions -----------------------------------------------------------------
Value gl_linear(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "linear", {"input", "weight", "bias="}, p);
  return wrap(linear(tensor_param(vm, p[0], "linear", "input", 1),
                     tensor_param(vm, p[1], "linear", "weight", 2),
                     optional_tensor(vm, p[2], "linear", "bias", 3)));
}

Value gl_embedding(VM& vm, CallArgs& a) {
  Value p[3];
  if (a.nkw == 0 && a.npos >= 2 && a.npos <= 3) {  // every call from nn (the hot path)
    for (uint32_t i = 0; i < a.npos; ++i) p[i] = a.pos[i];
  } else {
    parse_args(vm, a, "embedding", {"weight", "input", "padding_idx="}, p);
  }
  std::optional<int64_t> pad;
  if (!p[2].is_undef() && !p[2].is_none()) pad = int_param(vm, p[2], "embedding", "padding_idx", 3);
  return wrap(embedding(tensor_param(vm, p[0], "embedding", "weight", 1),
                        tensor_param(vm, p[1], "embedding", "indices", 2), pad));
}

Value gl_softmax(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "softmax", {"input", "dim"}, p);
  return wrap(softmax(tensor_param(vm, p[0], "softmax", "input", 1),
                      int_param(vm, p[1], "softmax", "dim", 2)));
}

Value gl_log_softmax(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "log_softmax", {"input", "dim"}, p);
  return wrap(log_softmax(tensor_param(vm, p[0], "log_softmax", "input", 1),
                          int_param(vm, p[1], "log_softmax", "dim", 2)));
}

Value gl_broadcast_tensors(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "broadcast_tensors", {"a", "b"}, p);
  auto pair = broadcast_pair(tensor_param(vm, p[0], "broadcast_tensors", "tensors", 1),
                             tensor_param(vm, p[1], "broadcast_tensors", "tensors", 2));
  return vm.tuple({wrap(std::move(pair.first)), wrap(std::move(pair.second))});
}

Value gl_mse_loss(VM& vm, CallArgs& a) {
  Value p[3];
  parse_args(vm, a, "mse_loss", {"input", "target", "reduction"}, p);
  return wrap(mse_loss(tensor_param(vm, p[0], "mse_loss", "input", 1),
                       tensor_param(vm, p[1], "mse_loss", "target", 2),
                       reduction_param(vm, p[2], "mse_loss", 3)));
}

Value gl_binary_cross_entropy(VM& vm, CallArgs& a) {
  Value p[4];
  const char* fn = "binary_cross_entropy";
  parse_args(vm, a, fn, {"input", "target", "weight", "reduction"}, p);
  return wrap(binary_cross_entropy(
      tensor_param(vm, p[0], fn, "input", 1), tensor_param(vm, p[1], fn, "target", 2),
      optional_tensor(vm, p[2], fn, "weight", 3), reduction_param(vm, p[3], fn, 4)));
}

Value gl_binary_cross_entropy_with_logits(VM& vm, CallArgs& a) {
  Value p[5];
  const char* fn = "binary_cross_entropy_with_logits";
  parse_args(vm, a, fn, {"input", "target", "weight", "pos_weight", "reduction"}, p);
  return wrap(binary_cross_entropy_with_logits(
      tensor_param(vm, p[0], fn, "input", 1), tensor_param(vm, p[1], fn, "target", 2),
      optional_tensor(vm, p[2], fn, "weight", 3), optional_tensor(vm, p[3], fn, "pos_weight", 4),
      reduction_param(vm, p[4], fn, 5)));
}

Value gl_nll_loss(VM& vm, CallArgs& a) {
  Value p[5];
  parse_args(vm, a, "nll_loss", {"input", "target", "weight", "reduction", "ignore_index"}, p);
  return wrap(nll_loss(tensor_param(vm, p[0], "nll_loss", "input", 1),
                       tensor_param(vm, p[1], "nll_loss", "target", 2),
                       optional_tensor(vm, p[2], "nll_loss", "weight", 3),
                       reduction_param(vm, p[3], "nll_loss", 4),
                       int_param(vm, p[4], "nll_loss", "ignore_index", 5)));
}

Value gl_div_scalar(VM& vm, CallArgs& a) {
  Value p[2];
  parse_args(vm, a, "div", {"input", "other"}, p);
  return wrap(div_scalar(tensor_param(vm, p[0], "div", "input", 1),
                         number_param(vm, p[1], "div", "other", 2)));
}

using PointwiseOp = void (*)(Tensor&, const Tensor&, const Tensor&, Scalar);

// addcmul_(self, tensor1, tensor2, value) / addcdiv_(...): updates self in place, returns it.
Value pointwise(VM& vm, CallArgs& a, const char* fn, PointwiseOp op) {
  Value p[4];
  parse_args(vm, a, fn, {"self", "tensor1", "tensor2", "value"}, p);
  Tensor self = tensor_param(vm, p[0], fn, "self", 1);
  op(self, tensor_param(vm, p[1], fn, "tensor1", 2), tensor_param(vm, p[2], fn, "tensor2", 3),
     number_param(vm, p[3], fn, "value", 4));
  return p[0];
}
Value gl_addcmul_(VM& vm, CallArgs& a) { return pointwise(vm, a, "addcmul_", addcmul_); }
Value gl_addcdiv_(VM& vm, CallArgs& a) { return pointwise(vm, a, "addcdiv_", addcdiv_); }

// adam_(param, grad, exp_avg, exp_avg_sq, beta1, beta2, neg_step_size, bias_correction2_sqrt,
// eps): optim.py's _adam_update after its bias corrections, fused (core/optim/adam.cpp).
// Returns False, having done nothing, when it does not apply (the op sequence runs instead).
Value gl_adam_(VM& vm, CallArgs& a) {
  Value p[9];
  if (a.nkw == 0 && a.npos == 9) {
    for (int i = 0; i < 9; ++i) p[i] = a.pos[i];
  } else {
    parse_args(vm, a, "adam_",
               {"param", "grad", "exp_avg", "exp_avg_sq", "beta1", "beta2", "neg_step_size",
                "bias_correction2_sqrt", "eps"},
               p);
  }
  for (int i = 0; i < 4; ++i)
    if (!p[i].is_tensor()) return Value::boolean(false);
  AdamScalars s;
  Scalar* numbers[] = {&s.beta1, &s.beta2, &s.neg_step_size, &s.bias_correction2_sqrt, &s.eps};
  for (int i = 0; i < 5; ++i)
    if (!p[4 + i].is_number() || !scalar_of(p[4 + i], numbers[i])) return Value::boolean(false);
  // Python's 1 - beta1 and 1 - beta2.
  scalar_of(vm.binary(BinaryOp::Sub, Value::integer(1), p[4]), &s.one_minus_beta1);
  scalar_of(vm.binary(BinaryOp::Sub, Value::integer(1), p[5]), &s.one_minus_beta2);
  Tensor param = unwrap(p[0]), exp_avg = unwrap(p[2]), exp_avg_sq = unwrap(p[3]);
  return Value::boolean(adam_update_(param, unwrap(p[1]), exp_avg, exp_avg_sq, s));
}

void init_gradlab(VM& vm, ModuleObj& m) {
  if (!vm.classes.tensor) runtime_error("torch._gradlab needs torch: import torch first");
  vm.set_global(&m, "Parameter", Value::object(make_parameter_class(vm)));
  const struct {
    const char* name;
    NativeFn fn;
  } fns[] = {
      {"linear", gl_linear},
      {"embedding", gl_embedding},
      {"softmax", gl_softmax},
      {"log_softmax", gl_log_softmax},
      {"broadcast_tensors", gl_broadcast_tensors},
      {"mse_loss", gl_mse_loss},
      {"binary_cross_entropy", gl_binary_cross_entropy},
      {"binary_cross_entropy_with_logits", gl_binary_cross_entropy_with_logits},
      {"nll_loss", gl_nll_loss},
      {"div_scalar", gl_div_scalar},
      {"addcmul_", gl_addcmul_},
      {"addcdiv_", gl_addcdiv_},
      {"adam_", gl_adam_},
  };
  for (auto& f : fns) vm.set_global(&m, f.name, vm.native_function(f.name, f.fn));
  add_per_step_natives(vm, m);
}

}  // namespace

void register_nn(VM& vm) {
  vm.register_module("torch._gradlab", ModuleDef{init_gradlab, "", true});
  vm.register_module("torch.nn", ModuleDef{nullptr, nn_sources::kNn, true});
  vm.register_module("torch.nn.modules", ModuleDef{nullptr, "", true});
  vm.register_module("torch.nn.modules.module", ModuleDef{nullptr, nn_sources::kModule, true});
  vm.register_module("torch.nn.functional", ModuleDef{nullptr, nn_sources::kFunctional, true});
  vm.register_module("torch.nn.init", ModuleDef{nullptr, nn_sources::kInit, true});
  vm.register_module("torch.optim", ModuleDef{nullptr, nn_sources::kOptim, true});
  vm.register_module("torch.optim.lr_scheduler",
                     ModuleDef{nullptr, nn_sources::kLrScheduler, true});
}

}  // namespace gradlab::lang
