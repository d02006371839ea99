// The per-step natives of torch._gradlab (per_step.h).
#include "nn/per_step.h"

#include "autograd/autograd.h"
#include "lang/torch_convert.h"
#include "ops/ops.h"

namespace gradlab::lang {

namespace {

// --- nn.Module.__call__ and __getattr__ -------------------------------------------------------
// PyTorch 1.13's (torch/nn/modules/module.py); install_module_dunders puts them into nn.Module.

// The names they use, interned once (the natives' data).
enum ModuleName { kParameters, kBuffers, kModules, kNonPersistent, kForward };
StrObj* module_name(VM& vm, ModuleName n) {
  return as<StrObj>(as<TupleObj>(vm.native_data())->items[n]);
}

// Module.__getattr__(self, name): a registered parameter, buffer or submodule of that name.
Value module_getattr(VM& vm, CallArgs& a) {
  Value p[2];
  if (a.nkw == 0 && a.npos == 2) {
    p[0] = a.pos[0];
    p[1] = a.pos[1];
  } else {
    parse_args(vm, a, "Module.__getattr__", {"self", "name"}, p);
  }
  const Value& self = p[0];
  const Value& name = p[1];
  auto missing = [&]() {
    vm.raise("AttributeError",
             "'" + vm.type_name(self) + "' object has no attribute '" + vm.str_of(name) + "'");
  };
  if (is_kind(name, ObjKind::Str)) {  // name in _MODULE_DICTS
    const std::string& s = as<StrObj>(name)->s;
    for (ModuleName d : {kParameters, kBuffers, kModules, kNonPersistent})
      if (s == module_name(vm, d)->s) missing();
  }
  for (ModuleName d : {kParameters, kBuffers, kModules}) {
    Value table = vm.get_attr(self, module_name(vm, d));
    if (is_kind(table, ObjKind::Dict)) {
      Value v = vm.dict_get(as<DictObj>(table), name);
      if (!v.is_undef()) return v;
    } else if (vm.contains(table, name)) {
      return vm.get_item(table, name);
    }
  }
  missing();
  return Value();
}

// Module.__call__(self, *input, **kwargs): self.forward(*input, **kwargs), as a tail call.
Value module_call(VM& vm, CallArgs& a) {
  if (a.npos == 0)
    throw Error("TypeError", missing_args_message("Module._call_impl", {"self"}, false));
  for (uint32_t k = 0; k < a.nkw; ++k)
    if (a.kwname(k) == "self")
      throw Error("TypeError", "Module._call_impl() got multiple values for argument 'self'");
  Value forward[2];
  load_method(vm, a.pos[0], module_name(vm, kForward), forward);
  std::vector<Value> args;
  args.reserve(a.npos + a.nkw);
  if (!forward[1].is_undef()) args.push_back(forward[1]);
  for (uint32_t i = 1; i < a.npos; ++i) args.push_back(a.pos[i]);
  for (uint32_t k = 0; k < a.nkw; ++k) args.push_back(a.kwvalues[k]);
  return vm.tail_call(forward[0], std::move(args), a.nkw ? a.kwnames : nullptr);
}

Value gl_install_module_dunders(VM& vm, CallArgs& a) {
  if (a.npos != 1 || !is_kind(a.pos[0], ObjKind::Class))
    type_error("install_module_dunders(): expected the nn.Module class");
  ClassObj* cls = as<ClassObj>(a.pos[0]);
  Value names = vm.tuple({vm.interned("_parameters"), vm.interned("_buffers"),
                          vm.interned("_modules"), vm.interned("_non_persistent_buffers_set"),
                          vm.interned("forward")});
  vm.add_method(cls, "__getattr__", module_getattr, names);
  vm.add_method(cls, "__call__", module_call, names);
  // model(x) without keywords: the VM calls self.forward(x) in place of module_call.
  as<NativeFunctionObj>(*cls->dict.find(vm.intern("__call__")))->call_method =
      vm.interned("forward");
  ++vm.class_epoch;  // the class gained dunders after its body ran
  return Value::none();
}

// --- nn.Embedding.forward ---------------------------------------------------------------------
// Embedding.forward(self, input) with the default options (no padding_idx, max_norm,
// scale_grad_by_freq or sparse: what F.embedding then does is torch.embedding(weight, input)),
// natively; any other case runs the class's Python forward (F.embedding's checks and options).
enum EmbeddingName { kPaddingIdx, kMaxNorm, kScaleGrad, kSparse, kWeight, kParams, kPyForward };

Value embedding_forward(VM& vm, CallArgs& a) {
  const auto& data = as<TupleObj>(vm.native_data())->items;
  auto name = [&](EmbeddingName n) { return as<StrObj>(data[n]); };
  if (a.nkw == 0 && a.npos == 2 && is_kind(a.pos[0], ObjKind::Instance) && a.pos[1].is_tensor()) {
    InstanceObj* self = as<InstanceObj>(a.pos[0]);
    auto attr = [&](EmbeddingName n) -> const Value* { return self->attrs.find(name(n)); };
    const Value *pad = attr(kPaddingIdx), *max_norm = attr(kMaxNorm),
                *scale = attr(kScaleGrad), *sparse = attr(kSparse);
    if (pad && pad->is_none() && max_norm && max_norm->is_none() && scale && scale->is_bool() &&
        !scale->as_bool() && sparse && sparse->is_bool() && !sparse->as_bool()) {
      // self.weight: an instance attribute, else the registered parameter (Module.__getattr__).
      const Value* weight = attr(kWeight);
      if (!weight) {
        const Value* params = attr(kParams);
        if (params && is_kind(*params, ObjKind::Dict)) {
          Value w = vm.dict_get(as<DictObj>(*params), Value::object(name(kWeight)));
          if (w.is_tensor()) return wrap(embedding(unwrap(w), unwrap(a.pos[1]), std::nullopt));
        }
      } else if (weight->is_tensor()) {
        return wrap(embedding(unwrap(*weight), unwrap(a.pos[1]), std::nullopt));
      }
    }
  }
  std::vector<Value> args(a.pos, a.pos + a.npos + a.nkw);
  return vm.tail_call(data[kPyForward], std::move(args), a.nkw ? a.kwnames : nullptr);
}

// install_embedding_forward(Embedding): its Python forward becomes the native one's fallback.
Value gl_install_embedding_forward(VM& vm, CallArgs& a) {
  if (a.npos != 1 || !is_kind(a.pos[0], ObjKind::Class))
    type_error("install_embedding_forward(): expected the nn.Embedding class");
  ClassObj* cls = as<ClassObj>(a.pos[0]);
  const Value* py_forward = cls->dict.find(vm.intern("forward"));
  if (!py_forward || !is_kind(*py_forward, ObjKind::Function))
    type_error("install_embedding_forward(): the class has no Python forward");
  Value data = vm.tuple({vm.interned("padding_idx"), vm.interned("max_norm"),
                         vm.interned("scale_grad_by_freq"), vm.interned("sparse"),
                         vm.interned("weight"), vm.interned("_parameters"), *py_forward});
  vm.add_method(cls, "forward", embedding_forward, data);
  return Value::none();
}

// --- the optimizers ---------------------------------------------------------------------------
// PyTorch 1.13's Optimizer.zero_grad loop for one group's parameters.
void zero_grads_of(VM& vm, const Value& params, bool set_to_none) {
  StrObj* grad_name = nullptr;
  for (const Value& param : vm.to_vector(params)) {
    if (!param.is_tensor()) {  // add_param_group only lets tensors in; p.grad as Python reads it
      if (!grad_name) grad_name = vm.intern("grad");
      vm.get_attr(param, grad_name);
      continue;
    }
    Tensor t = unwrap(param);
    if (!t->grad) continue;
    if (set_to_none) {
      t.set_grad(Tensor());
      continue;
    }
    Tensor g = t.grad();
    if (g.grad_fn())
      detach_(g);
    else
      g.set_requires_grad(false);
    zero_(g);
  }
}

// zero_grads(params, set_to_none): zero_grads_of, for optim.py.
Value gl_zero_grads(VM& vm, CallArgs& a) {
  Value p[2];
  if (a.nkw == 0 && a.npos == 2) {
    p[0] = a.pos[0];
    p[1] = a.pos[1];
  } else {
    parse_args(vm, a, "zero_grads", {"params", "set_to_none"}, p);
  }
  zero_grads_of(vm, p[0], vm.truthy(p[1]));
  return Value::none();
}

// Optimizer.zero_grad(self, set_to_none=False): for group in self.param_groups:
// zero_grads_of(group['params'], set_to_none) -- optim.py's method, natively.
Value optimizer_zero_grad(VM& vm, CallArgs& a) {
  Value p[2];
  if (a.nkw == 0 && a.npos >= 1 && a.npos <= 2) {
    for (uint32_t i = 0; i < a.npos; ++i) p[i] = a.pos[i];
  } else {
    parse_args(vm, a, "Optimizer.zero_grad", {"self", "set_to_none="}, p);
  }
  const bool set_to_none = !p[1].is_undef() && vm.truthy(p[1]);
  const auto& names = as<TupleObj>(vm.native_data())->items;
  Value groups = vm.get_attr(p[0], as<StrObj>(names[0]));
  for (const Value& group : vm.to_vector(groups))
    zero_grads_of(vm, vm.get_item(group, names[1]), set_to_none);
  return Value::none();
}

// SGD's hyper-parameters of one group, when all four numeric ones are plain numbers.
struct SgdHyper {
  Scalar weight_decay, momentum, lr, dampening;
  Value dampening_value, nesterov, maximize;
};
// p: a group's weight_decay, momentum, lr, dampening, nesterov and maximize, in that order.
bool sgd_hyper(const Value* p, SgdHyper* h) {
  auto number = [](const Value& v, Scalar* s) { return v.is_number() && scalar_of(v, s); };
  if (!number(p[0], &h->weight_decay) || !number(p[1], &h->momentum) || !number(p[2], &h->lr) ||
      !number(p[3], &h->dampening))
    return false;
  h->dampening_value = p[3];
  h->nesterov = p[4];
  h->maximize = p[5];
  return true;
}

// PyTorch 1.13's _single_tensor_sgd over one group's parameters that have a grad, and its
// momentum_buffer bookkeeping in `state` (the optimizer's dict of per-parameter dicts), with
// the same tensor ops in the same order.
void sgd_group(VM& vm, const Value& params, DictObj* state, const SgdHyper& h) {
  StrObj* buffer_key = vm.intern("momentum_buffer");
  // Python's -lr and 1 - dampening.
  const Scalar neg_lr = h.lr.kind == Scalar::Kind::Float ? Scalar::from_double(-h.lr.f)
                                                         : Scalar::from_int(-h.lr.to_int());
  Scalar one_minus_dampening;
  scalar_of(vm.binary(BinaryOp::Sub, Value::integer(1), h.dampening_value), &one_minus_dampening);
  // The state dict of a parameter, created empty on first use (optim.py's _State).
  auto state_of = [&](const Value& param) {
    Value st = vm.dict_get(state, param);
    if (st.is_undef()) {
      st = vm.dict();
      vm.dict_set(state, param, st);
    }
    return st;
  };
  std::vector<Value> with_grads;  // the parameters that have a grad when the step starts
  for (Value& param : vm.to_vector(params)) {
    if (!param.is_tensor()) type_error("optimizer can only optimize Tensors");
    if (unwrap(param)->grad) with_grads.push_back(std::move(param));
  }
  const bool maximize = vm.truthy(h.maximize);
  for (const Value& param : with_grads) {
    Tensor t = unwrap(param);
    Tensor d_p = maximize ? neg(t.grad()) : t.grad();
    if (h.weight_decay.to_double() != 0.0) d_p = add(d_p, t, h.weight_decay);
    if (h.momentum.to_double() != 0.0) {
      Value st = state_of(param);
      if (!is_kind(st, ObjKind::Dict)) type_error("optimizer state entries must be dicts");
      Value buf = vm.dict_get(as<DictObj>(st), Value::object(buffer_key));
      if (buf.is_undef() || buf.is_none()) {
        buf = wrap(detach(clone(d_p)));
        vm.dict_set(as<DictObj>(st), Value::object(buffer_key), buf);
      } else {
        if (!buf.is_tensor()) type_error("momentum_buffer must be a Tensor, not " + vm.type_name(buf));
        Tensor b = unwrap(buf);
        mul_(b, wrapped_scalar(h.momentum));
        add_(b, d_p, one_minus_dampening);
      }
      if (vm.truthy(h.nesterov))
        d_p = add(d_p, unwrap(buf), h.momentum);
      else
        d_p = unwrap(buf);
    } else {
      vm.set_item(state_of(param), Value::object(buffer_key), Value::none());
    }
    add_(t, d_p, neg_lr);
  }
}

// _gl.sgd(params, state, weight_decay, momentum, lr, dampening, nesterov, maximize): sgd_group
// for optim.py. Returns False, having done nothing, unless the four numeric hyper-parameters
// are plain numbers (optim.py then runs the same steps in Python).
Value gl_sgd(VM& vm, CallArgs& a) {
  Value p[8];
  if (a.nkw == 0 && a.npos == 8) {
    for (int i = 0; i < 8; ++i) p[i] = a.pos[i];
  } else {
    parse_args(vm, a, "sgd",
               {"params", "state", "weight_decay", "momentum", "lr", "dampening", "nesterov",
                "maximize"},
               p);
  }
  SgdHyper h;
  if (!is_kind(p[1], ObjKind::Dict) || !sgd_hyper(p + 2, &h)) return Value::boolean(false);
  sgd_group(vm, p[0], as<DictObj>(p[1]), h);
  return Value::boolean(true);
}

// SGD.step(self, closure=None) natively: when there is no closure, self.state is optim.py's
// _State, and every group's hyper-parameters are plain numbers, it does what the Python step
// does -- self._step_count += 1, then sgd_group per group under no_grad -- and returns None.
// Anything else runs the class's Python step (its fallback) from the start.
enum SgdStepName {
  kParamGroups, kStateAttr, kStateDict, kStepCount, kGroupParams, kWeightDecay, kMomentum, kLr,
  kDampening, kNesterov, kMaximize, kPyStep
};
Value sgd_step(VM& vm, CallArgs& a) {
  const auto& data = as<TupleObj>(vm.native_data())->items;
  auto fallback = [&]() {
    std::vector<Value> args(a.pos, a.pos + a.npos + a.nkw);
    return vm.tail_call(data[kPyStep], std::move(args), a.nkw ? a.kwnames : nullptr);
  };
  if (a.nkw != 0 || a.npos < 1 || a.npos > 2 || (a.npos == 2 && !a.pos[1].is_none()) ||
      !is_kind(a.pos[0], ObjKind::Instance))
    return fallback();
  InstanceObj* self = as<InstanceObj>(a.pos[0]);
  auto attr = [&](SgdStepName n) { return self->attrs.find(as<StrObj>(data[n])); };
  const Value *groups = attr(kParamGroups), *state = attr(kStateAttr), *count = attr(kStepCount);
  if (!groups || !is_kind(*groups, ObjKind::List) || !state || !is_kind(*state, ObjKind::Instance) ||
      !count || !count->is_int())
    return fallback();
  const Value* state_dict = as<InstanceObj>(*state)->attrs.find(as<StrObj>(data[kStateDict]));
  if (!state_dict || !is_kind(*state_dict, ObjKind::Dict)) return fallback();
  // Every group's settings first: the Python step runs from the start if any is unusual.
  std::vector<Value> group_values = as<ListObj>(*groups)->items;
  std::vector<std::pair<Value, SgdHyper>> plan;
  plan.reserve(group_values.size());
  for (const Value& group : group_values) {
    if (!is_kind(group, ObjKind::Dict)) return fallback();
    Value p[7];
    for (int k = 0; k < 7; ++k) {
      p[k] = vm.dict_get(as<DictObj>(group), data[kGroupParams + k]);
      if (p[k].is_undef()) return fallback();
    }
    SgdHyper h;
    if (!sgd_hyper(p + 1, &h)) return fallback();
    plan.emplace_back(p[0], h);
  }
  vm.set_attr(a.pos[0], as<StrObj>(data[kStepCount]), Value::integer(count->as_int() + 1));
  NoGradGuard no_grad;
  for (const auto& [params, h] : plan) sgd_group(vm, params, as<DictObj>(*state_dict), h);
  return Value::none();
}

// install_optimizer_natives(Optimizer, SGD): Optimizer.zero_grad and SGD.step become native;
// SGD's Python step stays as the fallback.
Value gl_install_optimizer_natives(VM& vm, CallArgs& a) {
  if (a.npos != 2 || !is_kind(a.pos[0], ObjKind::Class) || !is_kind(a.pos[1], ObjKind::Class))
    type_error("install_optimizer_natives(): expected the Optimizer and SGD classes");
  ClassObj* sgd = as<ClassObj>(a.pos[1]);
  const Value* py_step = sgd->dict.find(vm.intern("step"));
  if (!py_step || !is_kind(*py_step, ObjKind::Function))
    type_error("install_optimizer_natives(): SGD has no Python step");
  vm.add_method(as<ClassObj>(a.pos[0]), "zero_grad", optimizer_zero_grad,
                vm.tuple({vm.interned("param_groups"), vm.str("params")}));
  Value data = vm.tuple({vm.interned("param_groups"), vm.interned("state"), vm.interned("_d"),
                         vm.interned("_step_count"), vm.str("params"), vm.str("weight_decay"),
                         vm.str("momentum"), vm.str("lr"), vm.str("dampening"),
                         vm.str("nesterov"), vm.str("maximize"), *py_step});
  vm.add_method(sgd, "step", sgd_step, data);
  return Value::none();
}

}  // namespace

void add_per_step_natives(VM& vm, ModuleObj& m) {
  vm.set_global(&m, "install_module_dunders",
                vm.native_function("install_module_dunders", gl_install_module_dunders));
  vm.set_global(&m, "install_embedding_forward",
                vm.native_function("install_embedding_forward", gl_install_embedding_forward));
  vm.set_global(&m, "install_optimizer_natives",
                vm.native_function("install_optimizer_natives", gl_install_optimizer_natives));
  vm.set_global(&m, "zero_grads", vm.native_function("zero_grads", gl_zero_grads));
  vm.set_global(&m, "sgd", vm.native_function("sgd", gl_sgd));
}

}  // namespace gradlab::lang
