// The small objects of the torch API: torch.dtype, torch.Size, grad_fn nodes, the
// torch.return_types tuples, the grad-mode context managers, the default Generator and
// torch.device.
#include "autograd/autograd.h"
#include "lang/builtins.h"
#include "lang/torch_internal.h"

namespace gradlab::lang {

namespace {

template <class T>
T& data_of(const Value& v) {
  return *static_cast<T*>(as<NativeObj>(v)->data.get());
}

// --- torch.dtype --------------------------------------------------------------------------------
struct DTypeData : NativeData {
  explicit DTypeData(TorchDType x) : d(x) {}
  TorchDType d;
};

std::string dtype_repr(VM&, const Value& self) {
  return torch_dtype_name(data_of<DTypeData>(self).d);
}

Value dtype_get_attr(VM&, const Value& self, std::string_view name) {
  TorchDType d = data_of<DTypeData>(self).d;
  if (name == "is_floating_point")
    return Value::boolean(d == TorchDType::Float32 || d == TorchDType::Float64);
  if (name == "is_complex") return Value::boolean(false);
  if (name == "is_signed") return Value::boolean(d != TorchDType::Bool);
  if (name == "itemsize")
    return Value::integer(d == TorchDType::Int32 ? 4 : element_size(storage_dtype(d)));
  return Value::undef();
}

// --- torch.Size ---------------------------------------------------------------------------------
std::string size_repr(VM& vm, const Value& self) {
  std::string out = "torch.Size([";
  const auto& items = as<TupleObj>(self)->items;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += vm.repr(items[i]);
  }
  return out + "])";
}

Value size_construct(VM& vm, CallArgs& a) {
  if (a.nkw) type_error("Size() takes no keyword arguments");
  if (a.npos > 1)
    type_error("Size() takes at most 1 argument (" + std::to_string(a.npos) + " given)");
  std::vector<int64_t> dims;
  if (a.npos == 1) {
    for (const Value& v : vm.to_vector(a.pos[0])) {
      if (!v.is_intlike())
        type_error("torch.Size() takes an iterable of 'int' (item 0 is '" + vm.type_name(v) + "')");
      dims.push_back(v.as_int());
    }
  }
  return make_size(vm, Shape(dims));
}

Value size_numel(VM& vm, CallArgs& a) {
  int64_t n = 1;
  for (const Value& v : as<TupleObj>(a.pos[0])->items) n *= v.as_int();
  return Value::integer(n);
}

// --- grad_fn nodes ------------------------------------------------------------------------------
struct NodeData : NativeData {
  explicit NodeData(Node* n) : node(n) { node_incref(n); }
  ~NodeData() override { node_decref(node); }
  Node* node;
};

std::string node_repr(VM&, const Value& self) {
  return std::string("<") + grad_fn_name(data_of<NodeData>(self).node->op) + " object at " +
         fake_address(self.as_object()) + ">";
}

Value node_get_attr(VM& vm, const Value& self, std::string_view name) {
  Node* n = data_of<NodeData>(self).node;
  if (name == "next_functions") {
    std::vector<Value> edges;
    for (const Edge& e : n->next)
      edges.push_back(vm.tuple({node_value(vm, e.fn), Value::integer(e.input_nr)}));
    return vm.tuple(std::move(edges));
  }
  if (name == "variable" && n->op == OpId::AccumulateGrad && n->variable)
    return Value::tensor_borrow(n->variable);
  return Value::undef();
}

// name(): the C++ class name, which for the engine's own nodes carries their namespace.
Value node_name(VM& vm, CallArgs& a) {
  OpId op = data_of<NodeData>(a.pos[0]).node->op;
  if (op == OpId::AccumulateGrad || op == OpId::CopySlices)
    return vm.str(std::string("torch::autograd::") + grad_fn_name(op));
  return vm.str(grad_fn_name(op));
}

// --- torch.return_types -------------------------------------------------------------------------
struct ReturnData : NativeData {
  std::vector<Value> items;
  std::vector<const char*> names;
  void traverse(Visitor& v) const override {
    for (const Value& x : items) v.visit(x);
  }
  void clear() override { items.clear(); }
};

std::string return_repr(VM& vm, const Value& self) {
  auto& d = data_of<ReturnData>(self);
  std::string out = "torch.return_types." + as<NativeObj>(self)->class_obj()->name + "(";
  for (size_t i = 0; i < d.items.size(); ++i)
    out += std::string(i ? ",\n" : "\n") + d.names[i] + "=" + vm.repr(d.items[i]);
  return out + ")";
}

Value return_get_attr(VM&, const Value& self, std::string_view name) {
  auto& d = data_of<ReturnData>(self);
  for (size_t i = 0; i < d.items.size(); ++i)
    if (name == d.names[i]) return d.items[i];
  return Value::undef();
}

Value return_get_item(VM& vm, const Value& self, const Value& key) {
  auto& d = data_of<ReturnData>(self);
  if (!key.is_intlike())
    type_error("tuple indices must be integers or slices, not " + vm.type_name(key));
  int64_t i = key.as_int(), n = int64_t(d.items.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) index_error("tuple index out of range");
  return d.items[size_t(i)];
}

int64_t return_len(VM&, const Value& self) {
  return int64_t(data_of<ReturnData>(self).items.size());
}

Value return_iter(VM& vm, const Value& self) { return vm.tuple(data_of<ReturnData>(self).items); }

Value make_return(VM& vm, ClassObj* cls, std::vector<Value> items, std::vector<const char*> names) {
  auto d = std::make_unique<ReturnData>();
  d->items = std::move(items);
  d->names = std::move(names);
  return vm.native_object(cls, std::move(d));
}

// --- grad mode: no_grad, enable_grad, set_grad_enabled -------------------------------------------
struct GradModeData : NativeData {
  bool mode = false;  // the grad mode inside the block
  bool prev = true;   // the mode to restore on exit
  bool entered = false;
};

Value no_grad_construct(VM& vm, CallArgs& a) {
  if (a.npos || a.nkw) type_error("no_grad() takes no arguments");
  auto d = std::make_unique<GradModeData>();
  d->mode = false;
  return vm.native_object(torch_state(vm).no_grad_class, std::move(d));
}

Value enable_grad_construct(VM& vm, CallArgs& a) {
  if (a.npos || a.nkw) type_error("enable_grad() takes no arguments");
  auto d = std::make_unique<GradModeData>();
  d->mode = true;
  return vm.native_object(torch_state(vm).enable_grad_class, std::move(d));
}

// torch.set_grad_enabled(mode): sets the mode at once; as a context manager, restores it on exit.
Value set_grad_enabled_construct(VM& vm, CallArgs& a) {
  Value p[1];
  torch_args(vm, a, "set_grad_enabled", {"mode"}, p);
  auto d = std::make_unique<GradModeData>();
  d->mode = bool_arg(vm, p[0], "set_grad_enabled", "mode");
  d->prev = current_context().grad_enabled;
  d->entered = true;
  current_context().grad_enabled = d->mode;
  return vm.native_object(torch_state(vm).set_grad_class, std::move(d));
}

Value grad_mode_enter(VM& vm, CallArgs& a) {
  auto& d = data_of<GradModeData>(a.pos[0]);
  if (!d.entered) {
    d.prev = current_context().grad_enabled;
    current_context().grad_enabled = d.mode;
  }
  return Value::none();
}

Value grad_mode_exit(VM& vm, CallArgs& a) {
  auto& d = data_of<GradModeData>(a.pos[0]);
  current_context().grad_enabled = d.prev;
  d.entered = false;
  return Value::boolean(false);
}

// @torch.no_grad(): the decorated function runs with grad mode off (a nested call).
Value grad_mode_wrapper(VM& vm, CallArgs& a) {
  const auto& data = as<TupleObj>(vm.native_data())->items;
  std::vector<Value> args(a.pos, a.pos + a.npos);
  std::vector<std::pair<std::string, Value>> kwargs;
  for (uint32_t k = 0; k < a.nkw; ++k) kwargs.emplace_back(std::string(a.kwname(k)), a.kwvalues[k]);
  bool prev = current_context().grad_enabled;
  current_context().grad_enabled = data[1].as_bool();
  try {
    Value r = vm.call(data[0], args, kwargs);
    current_context().grad_enabled = prev;
    return r;
  } catch (...) {
    current_context().grad_enabled = prev;
    throw;
  }
}

Value grad_mode_call(VM& vm, const Value& self, CallArgs& a) {
  if (a.npos != 1 || a.nkw) type_error("a grad-mode decorator takes one function");
  bool mode = data_of<GradModeData>(self).mode;
  std::string name = "function";
  Value n = vm.get_attr_or_undef(a.pos[0], vm.names[VM::kName]);
  if (is_kind(n, ObjKind::Str)) name = as<StrObj>(n)->s;
  return vm.native_function(name, grad_mode_wrapper, vm.tuple({a.pos[0], Value::boolean(mode)}));
}

// --- torch.Generator and torch.device
// --------------------------------------------------------------
Value generator_manual_seed(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "manual_seed", {"self", "seed"}, p);
  torch_state(vm).generator.manual_seed(uint64_t(int64_arg(vm, p[1], "manual_seed", "seed")));
  return a.pos[0];
}

Value generator_initial_seed(VM& vm, CallArgs& a) {
  return Value::integer(int64_t(torch_state(vm).generator.initial_seed()));
}

std::string device_repr(VM&, const Value&) { return "device(type='cpu')"; }
std::string device_str(VM&, const Value&) { return "cpu"; }
Value device_get_attr(VM& vm, const Value&, std::string_view name) {
  if (name == "type") return vm.str("cpu");
  if (name == "index") return Value::none();
  return Value::undef();
}

Value device_construct(VM& vm, CallArgs& a) {
  Value p[2];
  torch_args(vm, a, "device", {"type", "index="}, p);
  check_device(vm, p[0]);
  return torch_state(vm).cpu;
}

// torch.FloatTensor([1, 2]) / torch.FloatTensor(2, 3) and the other legacy constructors.
template <TorchDType D>
Value legacy_construct(VM& vm, CallArgs& a) {
  if (a.nkw)
    type_error(std::string(torch_dtype_legacy_name(D)) + "() does not take keyword arguments");
  if (a.npos == 1 && !a.pos[0].is_intlike()) return wrap(tensor_from_data(vm, a.pos[0], D));
  Tensor t = zeros(Shape(shape_from_args(vm, a.pos, a.npos, torch_dtype_legacy_name(D))),
                   storage_dtype(D));
  if (D == TorchDType::Int32) t->int32 = true;
  return wrap(std::move(t));
}
constexpr NativeFn kLegacyConstruct[kNumTorchDTypes] = {
    legacy_construct<TorchDType::Bool>, legacy_construct<TorchDType::Int64>,
    legacy_construct<TorchDType::Float32>, legacy_construct<TorchDType::Float64>,
    legacy_construct<TorchDType::Int32>};

}  // namespace

// --- public helpers
// ----------------------------------------------------------------------------------
Value dtype_value(VM& vm, TorchDType d) { return torch_state(vm).dtypes[int(d)]; }

Value make_size(VM& vm, const Shape& s) {
  std::vector<Value> items;
  items.reserve(size_t(s.size()));
  for (int64_t d : s) items.push_back(Value::integer(d));
  Value v = vm.heap.make<TupleObj>(std::move(items));
  as<TupleObj>(v)->cls = Value::object(torch_state(vm).size_class);
  return v;
}

Value node_value(VM& vm, Node* n) {
  if (!n) return Value::none();
  TorchState& st = torch_state(vm);
  ClassObj*& cls = st.node_classes[int(n->op)];
  if (!cls) {
    cls = vm.new_class(grad_fn_name(n->op), "builtins", vm.classes.object, &st.node_hooks);
    cls->subclassable = false;
    vm.add_method(cls, "name", node_name);
  }
  return vm.native_object(cls, std::make_unique<NodeData>(n));
}

Value return_pair(VM& vm, ClassObj* cls, Tensor a, Tensor b) {
  return make_return(vm, cls, {wrap(std::move(a)), wrap(std::move(b))}, {"values", "indices"});
}

Value return_svd(VM& vm, Tensor u, Tensor s, Tensor v) {
  return make_return(vm, torch_state(vm).return_svd,
                     {wrap(std::move(u)), wrap(std::move(s)), wrap(std::move(v))}, {"U", "S", "V"});
}

Value return_linalg_svd(VM& vm, Tensor u, Tensor s, Tensor vh) {
  return make_return(vm, torch_state(vm).return_linalg_svd,
                     {wrap(std::move(u)), wrap(std::move(s)), wrap(std::move(vh))},
                     {"U", "S", "Vh"});
}

void init_torch_objects(VM& vm, TorchState& st) {
  st.dtype_hooks.repr = dtype_repr;
  st.dtype_hooks.get_attr = dtype_get_attr;
  st.dtype_class = vm.new_class("dtype", "torch", vm.classes.object, &st.dtype_hooks);
  st.dtype_class->subclassable = false;
  for (int i = 0; i < kNumTorchDTypes; ++i)
    st.dtypes[i] = vm.native_object(st.dtype_class, std::make_unique<DTypeData>(TorchDType(i)));

  st.size_hooks.repr = size_repr;
  st.size_class = vm.new_class("Size", "torch", vm.classes.tuple, &st.size_hooks, size_construct);
  st.size_class->subclassable = false;
  vm.add_method(st.size_class, "numel", size_numel);

  st.node_hooks.repr = node_repr;
  st.node_hooks.get_attr = node_get_attr;

  st.return_hooks.repr = return_repr;
  st.return_hooks.get_attr = return_get_attr;
  st.return_hooks.get_item = return_get_item;
  st.return_hooks.len = return_len;
  st.return_hooks.iter = return_iter;
  st.return_max = vm.new_class("max", "torch.return_types", vm.classes.object, &st.return_hooks);
  st.return_min = vm.new_class("min", "torch.return_types", vm.classes.object, &st.return_hooks);
  st.return_svd = vm.new_class("svd", "torch.return_types", vm.classes.object, &st.return_hooks);
  st.return_linalg_svd =
      vm.new_class("linalg_svd", "torch.return_types", vm.classes.object, &st.return_hooks);

  st.no_grad_hooks.call = grad_mode_call;
  st.no_grad_class = vm.new_class("no_grad", "torch.autograd.grad_mode", vm.classes.object,
                                  &st.no_grad_hooks, no_grad_construct);
  st.enable_grad_class = vm.new_class("enable_grad", "torch.autograd.grad_mode", vm.classes.object,
                                      &st.no_grad_hooks, enable_grad_construct);
  st.set_grad_class =
      vm.new_class("set_grad_enabled", "torch.autograd.grad_mode", vm.classes.object,
                   &st.no_grad_hooks, set_grad_enabled_construct);
  for (ClassObj* c : {st.no_grad_class, st.enable_grad_class, st.set_grad_class}) {
    vm.add_method(c, "__enter__", grad_mode_enter);
    vm.add_method(c, "__exit__", grad_mode_exit);
  }

  vm.add_method(st.generator_class, "manual_seed", generator_manual_seed);
  vm.add_method(st.generator_class, "initial_seed", generator_initial_seed);

  st.device_hooks.repr = device_repr;
  st.device_hooks.str = device_str;
  st.device_hooks.get_attr = device_get_attr;
  st.device_class =
      vm.new_class("device", "torch", vm.classes.object, &st.device_hooks, device_construct);
  st.cpu = vm.native_object(st.device_class, nullptr);

  for (int i = 0; i < kNumTorchDTypes; ++i) {
    st.legacy_classes[i] = vm.new_class(torch_dtype_legacy_name(TorchDType(i)), "torch",
                                        vm.classes.object, nullptr, kLegacyConstruct[i]);
  }
}

}  // namespace gradlab::lang
