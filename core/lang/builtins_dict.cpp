// Dicts (insertion-ordered, with keys()/values()/items() views) and sets.
#include "lang/builtins.h"

namespace gradlab::lang {

namespace {
DictObj* self_dict(VM& vm, const CallArgs& a, const char* name) {
  if (a.npos == 0 || !is_kind(a[0], ObjKind::Dict))
    vm.raise("TypeError", std::string("descriptor '") + name + "' requires a 'dict' object");
  return as<DictObj>(a[0]);
}
SetObj* self_set(VM& vm, const CallArgs& a, const char* name) {
  if (a.npos == 0 || !is_kind(a[0], ObjKind::Set))
    vm.raise("TypeError", std::string("descriptor '") + name + "' requires a 'set' object");
  return as<SetObj>(a[0]);
}
[[noreturn]] void key_error(VM& vm, const Value& key) {
  Value exc = vm.make_exception(vm.exception_class("KeyError"), "");
  as<InstanceObj>(exc)->attrs.set(vm.names[VM::kArgs], vm.tuple({key}));
  throw PyException{std::move(exc)};
}

void update_from(VM& vm, DictObj* d, const Value& src) {
  if (is_kind(src, ObjKind::Dict)) {
    for (auto& e : as<DictObj>(src)->table.entries())
      if (!e.key.is_undef()) vm.dict_set(d, e.key, e.value);
    return;
  }
  if (const Value* keys = class_method(vm, src, "keys")) {
    for (auto& k : vm.to_vector(vm.call(*keys, {src}))) vm.dict_set(d, k, vm.get_item(src, k));
    return;
  }
  std::vector<Value> items = vm.to_vector(src);
  for (size_t i = 0; i < items.size(); ++i) {
    std::vector<Value> pair;
    try {
      pair = vm.to_vector(items[i]);
    } catch (PyException&) {
      vm.raise("TypeError", "cannot convert dictionary update sequence element #" +
                                std::to_string(i) + " to a sequence");
    }
    if (pair.size() != 2)
      vm.raise("ValueError", "dictionary update sequence element #" + std::to_string(i) +
                                 " has length " + std::to_string(pair.size()) + "; 2 is required");
    vm.dict_set(d, pair[0], pair[1]);
  }
}

Value dict_new(VM& vm, CallArgs& a) {
  if (a.npos > 1)
    vm.raise("TypeError", "dict expected at most 1 argument, got " + std::to_string(a.npos));
  Value d = vm.dict();
  if (a.npos) update_from(vm, as<DictObj>(d), a[0]);
  for (uint32_t k = 0; k < a.nkw; ++k)
    vm.dict_set(as<DictObj>(d), a.kwnames->items[k], a.kwvalues[k]);
  return d;
}

// --- views --------------------------------------------------------------------------------------
struct ViewData : NativeData {
  Value dict;
  IterKind kind;
  ViewData(Value d, IterKind k) : dict(std::move(d)), kind(k) {}
  void traverse(Visitor& v) const override { v.visit(dict); }
  void clear() override { dict = Value(); }
};
ViewData& view(const Value& v) { return *static_cast<ViewData*>(as<NativeObj>(v)->data.get()); }

Value view_iter(VM& vm, const Value& self) {
  ViewData& d = view(self);
  Value it = vm.heap.make<IterObj>(d.kind, d.dict);
  as<IterObj>(it)->version = as<DictObj>(d.dict)->table.version();
  return it;
}
int64_t view_len(VM&, const Value& self) {
  return int64_t(as<DictObj>(view(self).dict)->table.size());
}
bool view_contains(VM& vm, const Value& self, const Value& item) {
  ViewData& d = view(self);
  auto* dict = as<DictObj>(d.dict);
  if (d.kind == IterKind::DictKeys) return dict->table.find(vm, item, vm.hash(item)) >= 0;
  if (d.kind == IterKind::DictValues) {
    for (auto& e : dict->table.entries())
      if (!e.key.is_undef() && (e.value.same(item) || vm.eq(e.value, item))) return true;
    return false;
  }
  if (!is_kind(item, ObjKind::Tuple) || as<TupleObj>(item)->items.size() != 2) return false;
  Value v = vm.dict_get(dict, as<TupleObj>(item)->items[0]);
  return !v.is_undef() && vm.eq(v, as<TupleObj>(item)->items[1]);
}
std::string view_repr(VM& vm, const Value& self) {
  ViewData& d = view(self);
  const char* name = d.kind == IterKind::DictKeys     ? "dict_keys"
                     : d.kind == IterKind::DictValues ? "dict_values"
                                                      : "dict_items";
  return std::string(name) + "(" + vm.repr(vm.list(vm.to_vector(self))) + ")";
}
const TypeHooks kViewHooks = [] {
  TypeHooks h;
  h.iter = view_iter;
  h.len = view_len;
  h.contains = view_contains;
  h.repr = view_repr;
  return h;
}();

Value make_view(VM& vm, const Value& d, IterKind kind) {
  static const char* names[] = {"dict_keys", "dict_values", "dict_items"};
  int i = kind == IterKind::DictKeys ? 0 : kind == IterKind::DictValues ? 1 : 2;
  ClassObj* cls = as<ClassObj>(vm.builtin_value(vm.intern(std::string("_") + names[i])));
  return vm.native_object(cls, std::make_unique<ViewData>(d, kind));
}

Value d_keys(VM& vm, CallArgs& a) {
  return make_view(vm, Value::object(self_dict(vm, a, "keys")), IterKind::DictKeys);
}
Value d_values(VM& vm, CallArgs& a) {
  return make_view(vm, Value::object(self_dict(vm, a, "values")), IterKind::DictValues);
}
Value d_items(VM& vm, CallArgs& a) {
  return make_view(vm, Value::object(self_dict(vm, a, "items")), IterKind::DictItems);
}

Value d_get(VM& vm, CallArgs& a) {
  expect_args(vm, a, "get", 2, 3);
  Value v = vm.dict_get(self_dict(vm, a, "get"), a[1]);
  if (!v.is_undef()) return v;
  return a.npos > 2 ? a[2] : Value::none();
}
Value d_pop(VM& vm, CallArgs& a) {
  expect_args(vm, a, "pop", 2, 3);
  DictObj* d = self_dict(vm, a, "pop");
  int64_t h = vm.hash(a[1]);
  int64_t i = d->table.find(vm, a[1], h);
  if (i < 0) {
    if (a.npos > 2) return a[2];
    key_error(vm, a[1]);
  }
  Value v = d->table.entries()[size_t(i)].value;
  d->table.erase_at(size_t(i));
  return v;
}
Value d_popitem(VM& vm, CallArgs& a) {
  DictObj* d = self_dict(vm, a, "popitem");
  auto& es = d->table.entries();
  for (size_t i = es.size(); i-- > 0;)
    if (!es[i].key.is_undef()) {
      Value r = vm.tuple({es[i].key, es[i].value});
      d->table.erase_at(i);
      return r;
    }
  vm.raise("KeyError", "'popitem(): dictionary is empty'");
}
Value d_setdefault(VM& vm, CallArgs& a) {
  expect_args(vm, a, "setdefault", 2, 3);
  DictObj* d = self_dict(vm, a, "setdefault");
  Value v = vm.dict_get(d, a[1]);
  if (!v.is_undef()) return v;
  Value dflt = a.npos > 2 ? a[2] : Value::none();
  vm.dict_set(d, a[1], dflt);
  return dflt;
}
Value d_update(VM& vm, CallArgs& a) {
  DictObj* d = self_dict(vm, a, "update");
  if (a.npos > 2)
    vm.raise("TypeError", "update expected at most 1 argument, got " + std::to_string(a.npos - 1));
  if (a.npos == 2) update_from(vm, d, a[1]);
  for (uint32_t k = 0; k < a.nkw; ++k) vm.dict_set(d, a.kwnames->items[k], a.kwvalues[k]);
  return Value::none();
}
Value d_copy(VM& vm, CallArgs& a) {
  Value out = vm.dict();
  as<DictObj>(out)->table = self_dict(vm, a, "copy")->table;
  return out;
}
Value d_clear(VM& vm, CallArgs& a) {
  self_dict(vm, a, "clear")->table.clear();
  return Value::none();
}
Value d_fromkeys(VM& vm, CallArgs& a) {
  expect_args(vm, a, "fromkeys", 1, 2);
  Value out = vm.dict();
  for (auto& k : vm.to_vector(a[0]))
    vm.dict_set(as<DictObj>(out), k, a.npos > 1 ? a[1] : Value::none());
  return out;
}

// --- sets ---------------------------------------------------------------------------------------
void set_add(VM& vm, SetObj* s, const Value& v) {
  s->table.insert(vm, v, vm.hash(v), Value::none());
}

Value set_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "set", 0, 1);
  Value s = vm.set();
  if (a.npos && is_kind(a[0], ObjKind::Set))
    as<SetObj>(s)->table.merge_from(vm, as<SetObj>(a[0])->table);
  else if (a.npos)
    for (auto& v : vm.to_vector(a[0])) set_add(vm, as<SetObj>(s), v);
  return s;
}
Value s_add(VM& vm, CallArgs& a) {
  expect_args(vm, a, "add", 2, 2);
  set_add(vm, self_set(vm, a, "add"), a[1]);
  return Value::none();
}
Value s_remove(VM& vm, CallArgs& a) {
  expect_args(vm, a, "remove", 2, 2);
  if (!self_set(vm, a, "remove")->table.erase(vm, a[1], vm.hash(a[1]))) key_error(vm, a[1]);
  return Value::none();
}
Value s_discard(VM& vm, CallArgs& a) {
  expect_args(vm, a, "discard", 2, 2);
  self_set(vm, a, "discard")->table.erase(vm, a[1], vm.hash(a[1]));
  return Value::none();
}
Value s_pop(VM& vm, CallArgs& a) {
  SetObj* s = self_set(vm, a, "pop");
  auto& es = s->table.entries();
  for (size_t i = 0; i < es.size(); ++i)
    if (!es[i].key.is_undef()) {
      Value k = es[i].key;
      s->table.erase_at(i);
      return k;
    }
  vm.raise("KeyError", "'pop from an empty set'");
}
Value set_op(VM& vm, CallArgs& a, BinaryOp op, const char* name) {
  Value acc = a[0];
  self_set(vm, a, name);
  for (uint32_t i = 1; i < a.npos; ++i) {
    Value other = a[i];
    if (!is_kind(other, ObjKind::Set)) {
      Value s = vm.set();
      for (auto& v : vm.to_vector(other)) set_add(vm, as<SetObj>(s), v);
      other = s;
    }
    acc = vm.binary(op, acc, other);
  }
  if (acc.same(a[0])) {
    Value copy = vm.set();
    as<SetObj>(copy)->table.merge_from(vm, as<SetObj>(a[0])->table);
    return copy;
  }
  return acc;
}
Value s_union(VM& vm, CallArgs& a) { return set_op(vm, a, BinaryOp::Or, "union"); }
Value s_intersection(VM& vm, CallArgs& a) { return set_op(vm, a, BinaryOp::And, "intersection"); }
Value s_difference(VM& vm, CallArgs& a) { return set_op(vm, a, BinaryOp::Sub, "difference"); }
Value s_symmetric_difference(VM& vm, CallArgs& a) {
  return set_op(vm, a, BinaryOp::Xor, "symmetric_difference");
}
Value s_update(VM& vm, CallArgs& a) {
  SetObj* s = self_set(vm, a, "update");
  for (uint32_t i = 1; i < a.npos; ++i)
    for (auto& v : vm.to_vector(a[i])) set_add(vm, s, v);
  return Value::none();
}
Value s_issubset(VM& vm, CallArgs& a) {
  expect_args(vm, a, "issubset", 2, 2);
  Value other = vm.call(Value::object(vm.classes.set), {a[1]});
  return vm.compare(CompareOp::Le, a[0], other);
}
Value s_issuperset(VM& vm, CallArgs& a) {
  expect_args(vm, a, "issuperset", 2, 2);
  Value other = vm.call(Value::object(vm.classes.set), {a[1]});
  return vm.compare(CompareOp::Ge, a[0], other);
}
Value s_copy(VM& vm, CallArgs& a) {
  Value out = vm.set();
  as<SetObj>(out)->table.merge_from(vm, self_set(vm, a, "copy")->table);
  return out;
}
Value s_clear(VM& vm, CallArgs& a) {
  self_set(vm, a, "clear")->table.clear();
  return Value::none();
}
}  // namespace

void init_dicts_sets(VM& vm) {
  vm.classes.dict->construct = dict_new;
  vm.classes.set->construct = set_new;
  vm.add_builtin("dict", Value::object(vm.classes.dict));
  vm.add_builtin("set", Value::object(vm.classes.set));
  for (const char* n : {"dict_keys", "dict_values", "dict_items"}) {
    ClassObj* c = vm.new_class(n, "builtins", vm.classes.object, &kViewHooks);
    c->subclassable = false;
    vm.add_builtin(std::string("_") + n, Value::object(c));
  }
  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m : {M{"keys", d_keys}, M{"values", d_values}, M{"items", d_items}, M{"get", d_get},
                     M{"pop", d_pop}, M{"popitem", d_popitem}, M{"setdefault", d_setdefault},
                     M{"update", d_update}, M{"copy", d_copy}, M{"clear", d_clear}})
    vm.add_method(vm.classes.dict, m.name, m.fn);
  vm.classes.dict->dict.set(vm.intern("fromkeys"), vm.native_function("fromkeys", d_fromkeys));
  for (const M& m :
       {M{"add", s_add}, M{"remove", s_remove}, M{"discard", s_discard}, M{"pop", s_pop},
        M{"union", s_union}, M{"intersection", s_intersection}, M{"difference", s_difference},
        M{"symmetric_difference", s_symmetric_difference}, M{"update", s_update},
        M{"issubset", s_issubset}, M{"issuperset", s_issuperset}, M{"copy", s_copy},
        M{"clear", s_clear}})
    vm.add_method(vm.classes.set, m.name, m.fn);
}

}  // namespace gradlab::lang
