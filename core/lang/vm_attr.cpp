// Types, attributes and subscripts: class_of/isinstance, attribute lookup (instances, classes,
// modules, super, methods of built-in and native kinds), item access with Python's index and
// slice rules.
#include "lang/vm.h"

namespace gradlab::lang {

namespace {
const TypeHooks* hooks_of(VM& vm, const Value& v) {
  if (v.is_tensor()) return vm.classes.tensor ? vm.classes.tensor->hooks : nullptr;
  if (is_kind(v, ObjKind::Native)) return as<NativeObj>(v)->class_obj()->hooks;
  return nullptr;
}
}  // namespace

ClassObj* VM::class_of(const Value& v) {
  switch (v.tag()) {
    case Tag::None:
      return classes.none;
    case Tag::Bool:
      return classes.bool_;
    case Tag::Int:
      return classes.int_;
    case Tag::Float:
      return classes.float_;
    case Tag::Ellipsis:
      return classes.ellipsis;
    case Tag::NotImplemented:
      return classes.not_implemented;
    case Tag::Tensor: {
      const TypeHooks* h = hooks_of(*this, v);
      if (h && h->class_of) return h->class_of(*this, v);
      return classes.tensor ? classes.tensor : classes.object;
    }
    case Tag::Object:
      break;
    default:
      return classes.object;
  }
  switch (kind_of(v)) {
    case ObjKind::Str:
      return classes.str;
    case ObjKind::List:
      return classes.list;
    case ObjKind::Tuple:
      return as<TupleObj>(v)->cls.is_object() ? as<ClassObj>(as<TupleObj>(v)->cls) : classes.tuple;
    case ObjKind::Dict:
      return classes.dict;
    case ObjKind::Set:
      return classes.set;
    case ObjKind::Code:
      return classes.code;
    case ObjKind::Function:
      return classes.function;
    case ObjKind::Cell:
      return classes.cell;
    case ObjKind::Class:
      return classes.type;
    case ObjKind::Instance:
      return as<InstanceObj>(v)->class_obj();
    case ObjKind::BoundMethod:
      return classes.method;
    case ObjKind::NativeFunction:
      return classes.builtin_function;
    case ObjKind::Module:
      return classes.module;
    case ObjKind::Range:
      return classes.range;
    case ObjKind::Slice:
      return classes.slice;
    case ObjKind::Iterator:
      return classes.iterator;
    case ObjKind::Native:
      return as<NativeObj>(v)->class_obj();
    case ObjKind::Super:
      return classes.super;
  }
  return classes.object;
}

std::string VM::type_name(const Value& v) { return class_of(v)->name; }

bool VM::isinstance(const Value& v, const ClassObj* cls) {
  return class_of(v)->is_subclass_of(cls);
}

// --- attributes -------------------------------------------------------------------------------
static Value bind(VM& vm, const Value& self, const Value& f) {
  if (is_kind(f, ObjKind::Function)) return vm.heap.make<BoundMethodObj>(self, f);
  if (is_kind(f, ObjKind::NativeFunction) && !as<NativeFunctionObj>(f)->self_type.is_undef())
    return vm.heap.make<BoundMethodObj>(self, f);
  return f;
}

Value VM::get_attr_or_undef(const Value& obj, StrObj* name) {
  if (name == names[kClass]) return Value::object(class_of(obj));
  if (obj.is_object()) {
    Object* o = obj.as_object();
    switch (o->kind) {
      case ObjKind::Instance: {
        auto* inst = static_cast<InstanceObj*>(o);
        if (Value* v = inst->attrs.find(name)) return *v;
        if (const Value* v = inst->class_obj()->lookup(name)) return bind(*this, obj, *v);
        if (name == names[kDict]) {
          Value d = dict();
          for (size_t i = 0; i < inst->attrs.size(); ++i)
            dict_set(as<DictObj>(d), Value::object(inst->attrs.key(i)), inst->attrs.value(i));
          return d;
        }
        return Value();
      }
      case ObjKind::Class: {
        auto* cls = static_cast<ClassObj*>(o);
        if (const Value* v = cls->lookup(name)) return *v;
        if (name == names[kName] || name == names[kQualname]) return str(cls->name);
        if (name == names[kModule]) return str(cls->module_name);
        if (name->s == "__base__") return cls->base.is_object() ? cls->base : Value::none();
        if (name->s == "__bases__")
          return tuple(cls->base.is_object() ? std::vector<Value>{cls->base}
                                             : std::vector<Value>{});
        if (name->s == "__doc__") return Value::none();
        break;
      }
      case ObjKind::Module: {
        auto* m = static_cast<ModuleObj*>(o);
        if (const Value* v = m->find(name)) return *v;
        if (name == names[kName]) return str(m->name);
        return Value();
      }
      case ObjKind::Super: {
        auto* s = static_cast<SuperObj*>(o);
        ClassObj* start = as<ClassObj>(s->cls)->base_class();
        if (start)
          if (const Value* v = start->lookup(name)) return bind(*this, s->self, *v);
        return Value();
      }
      case ObjKind::Function: {
        auto* f = static_cast<FunctionObj*>(o);
        if (name == names[kName]) return str(f->code_obj()->name);
        if (name == names[kQualname]) return str(f->code_obj()->qualname);
        if (name == names[kModule]) return str(f->module_obj()->name);
        if (name->s == "__doc__") return Value::none();
        return Value();
      }
      case ObjKind::BoundMethod: {
        auto* b = static_cast<BoundMethodObj*>(o);
        if (name->s == "__self__") return b->self;
        if (name->s == "__func__") return b->func;
        return get_attr_or_undef(b->func, name);
      }
      case ObjKind::NativeFunction:
        if (name == names[kName] || name == names[kQualname])
          return str(static_cast<NativeFunctionObj*>(o)->name);
        return Value();
      case ObjKind::Slice: {
        auto* s = static_cast<SliceObj*>(o);
        if (name->s == "start") return s->start;
        if (name->s == "stop") return s->stop;
        if (name->s == "step") return s->step;
        return Value();
      }
      case ObjKind::Range: {
        auto* r = static_cast<RangeObj*>(o);
        if (name->s == "start") return Value::integer(r->start);
        if (name->s == "stop") return Value::integer(r->stop);
        if (name->s == "step") return Value::integer(r->step);
        break;
      }
      default:
        break;
    }
  }
  ClassObj* cls = class_of(obj);
  if (const Value* v = cls->lookup(name)) return bind(*this, obj, *v);
  if (const TypeHooks* h = hooks_of(*this, obj); h && h->get_attr)
    return h->get_attr(*this, obj, name->s);
  if (obj.is_number()) {
    if (name->s == "real") return obj.is_float() ? obj : Value::integer(obj.as_int());
    if (name->s == "imag") return obj.is_float() ? Value::number(0.0) : Value::integer(0);
  }
  return Value();
}

Value VM::get_attr(const Value& obj, StrObj* name) {
  Value v = get_attr_or_undef(obj, name);
  if (!v.is_undef()) return v;
  if (is_kind(obj, ObjKind::Instance) &&
      (class_flags(as<InstanceObj>(obj)->class_obj()) & kHasGetattr)) {
    const Value* ga = instance_dunder(obj, names[kGetattr]);
    return call(*ga, {obj, Value::object(name)});
  }
  if (is_kind(obj, ObjKind::Module))
    raise_attribute_error(
        obj, name, "module '" + as<ModuleObj>(obj)->name + "' has no attribute '" + name->s + "'");
  if (is_kind(obj, ObjKind::Class))
    raise_attribute_error(
        obj, name,
        "type object '" + as<ClassObj>(obj)->name + "' has no attribute '" + name->s + "'");
  raise_attribute_error(obj, name,
                        "'" + type_name(obj) + "' object has no attribute '" + name->s + "'");
}

void VM::set_attr(const Value& obj, StrObj* name, const Value& v) {
  if (obj.is_object()) {
    switch (kind_of(obj)) {
      case ObjKind::Instance: {
        auto* inst = as<InstanceObj>(obj);
        if (class_flags(inst->class_obj()) & kHasSetattr) {
          call(*instance_dunder(obj, names[kSetattr]), {obj, Value::object(name), v});
          return;
        }
        inst->attrs.set(name, v);
        return;
      }
      case ObjKind::Class: {
        auto* cls = as<ClassObj>(obj);
        cls->dict.set(name, v);
        if (name->s.size() > 4 && name->s.compare(0, 2, "__") == 0) ++class_epoch;
        if (is_kind(v, ObjKind::Function) && as<FunctionObj>(v)->owner.is_undef())
          as<FunctionObj>(v)->owner = obj;
        return;
      }
      case ObjKind::Module:
        as<ModuleObj>(obj)->set(*this, name, v);
        return;
      default:
        break;
    }
  }
  if (const TypeHooks* h = hooks_of(*this, obj); h && h->set_attr) {
    if (h->set_attr(*this, obj, name->s, v)) return;
    raise("AttributeError",
          "attribute '" + name->s + "' of '" + type_name(obj) + "' objects is not writable");
  }
  raise("AttributeError", "'" + type_name(obj) + "' object has no attribute '" + name->s + "'");
}

void delete_attr(VM& vm, const Value& obj, StrObj* name) {
  if (is_kind(obj, ObjKind::Instance)) {
    if (const Value* d = vm.instance_dunder(obj, vm.names[VM::kDelattr])) {
      vm.call(*d, {obj, Value::object(name)});
      return;
    }
    if (as<InstanceObj>(obj)->attrs.erase(name)) return;
  } else if (is_kind(obj, ObjKind::Class)) {
    if (as<ClassObj>(obj)->dict.erase(name)) {
      ++vm.class_epoch;
      return;
    }
  }
  if (is_kind(obj, ObjKind::Instance))
    vm.raise("AttributeError",
             "'" + vm.type_name(obj) + "' object has no attribute '" + name->s + "'");
  vm.raise("AttributeError",
           "'" + vm.type_name(obj) + "' object attribute '" + name->s + "' is read-only");
}

// obj.name(...) without creating a bound method: out = [callable, self or Undef].
bool load_method(VM& vm, const Value& obj, StrObj* name, Value* out) {
  if (obj.is_object()) {
    ObjKind k = kind_of(obj);
    if (k == ObjKind::Instance) {
      auto* inst = as<InstanceObj>(obj);
      if (Value* v = inst->attrs.find(name)) {
        out[0] = *v;
        return true;
      }
      if (const Value* v = inst->class_obj()->lookup(name)) {
        if (is_kind(*v, ObjKind::Function) || (is_kind(*v, ObjKind::NativeFunction) &&
                                               !as<NativeFunctionObj>(*v)->self_type.is_undef())) {
          out[0] = *v;
          out[1] = obj;
          return true;
        }
        out[0] = *v;
        return true;
      }
    } else if (k == ObjKind::Super) {
      auto* s = as<SuperObj>(obj);
      ClassObj* start = as<ClassObj>(s->cls)->base_class();
      if (const Value* v = start ? start->lookup(name) : nullptr) {
        if (is_kind(*v, ObjKind::Function) || is_kind(*v, ObjKind::NativeFunction)) {
          out[0] = *v;
          out[1] = s->self;
          return true;
        }
      }
    } else if (k != ObjKind::Class && k != ObjKind::Module) {
      ClassObj* cls = vm.class_of(obj);
      if (const Value* v = cls->lookup(name)) {
        if (is_kind(*v, ObjKind::NativeFunction) || is_kind(*v, ObjKind::Function)) {
          out[0] = *v;
          out[1] = obj;
          return true;
        }
      }
    }
  } else if (obj.is_tensor() && vm.classes.tensor) {
    if (const Value* v = vm.class_of(obj)->lookup(name)) {
      if (is_kind(*v, ObjKind::NativeFunction) || is_kind(*v, ObjKind::Function)) {
        out[0] = *v;
        out[1] = obj;
        return true;
      }
    }
  }
  if (name == vm.names[VM::kEnter] || name == vm.names[VM::kExit]) {
    out[0] = vm.get_attr_or_undef(obj, name);
    if (out[0].is_undef())
      vm.raise("TypeError",
               "'" + vm.type_name(obj) + "' object does not support the context manager protocol");
    return true;
  }
  out[0] = vm.get_attr(obj, name);
  return true;
}

Value load_class_name(VM& vm, Frame& fr, StrObj* name) {
  if (Value* v = as<ClassObj>(fr.class_ns)->dict.find(name)) return *v;
  if (const Value* v = fr.module->find(name)) return *v;
  Value b = vm.builtin_value(name);
  if (!b.is_undef()) return b;
  vm.raise_name_error(name->s, nullptr, fr.module);
}

// --- subscripts -------------------------------------------------------------------------------
static int64_t index_value(VM& vm, const Value& v, const char* what) {
  if (v.is_intlike()) return v.as_int();
  if (is_kind(v, ObjKind::Instance))
    if (const Value* d = vm.instance_dunder(v, vm.intern("__index__")))
      return vm.call(*d, {v}).as_int();
  vm.raise("TypeError",
           std::string(what) + " indices must be integers or slices, not " + vm.type_name(v));
}

// CPython's PySlice_GetIndicesEx: the effective start/stop/step and the item count.
int64_t slice_indices(VM& vm, const SliceObj* s, int64_t len, int64_t* start, int64_t* stop,
                      int64_t* step) {
  auto get = [&](const Value& v, int64_t dflt) -> int64_t {
    if (v.is_none()) return dflt;
    if (!v.is_intlike())
      vm.raise("TypeError", "slice indices must be integers or None or have an __index__ method");
    return v.as_int();
  };
  *step = get(s->step, 1);
  if (*step == 0) vm.raise("ValueError", "slice step cannot be zero");
  bool neg = *step < 0;
  int64_t lo = neg ? -1 : 0, hi = neg ? len - 1 : len;
  auto clamp = [&](const Value& v, int64_t dflt) -> int64_t {
    if (v.is_none()) return dflt;
    int64_t x = get(v, 0);
    if (x < 0) {
      x += len;
      if (x < lo) x = lo;
    } else if (x > hi) {
      x = hi;
    }
    return x;
  };
  *start = clamp(s->start, neg ? hi : lo);
  *stop = clamp(s->stop, neg ? lo : hi);
  if (neg) return *stop < *start ? (*start - *stop - 1) / (-*step) + 1 : 0;
  return *start < *stop ? (*stop - *start - 1) / *step + 1 : 0;
}

static size_t utf8_offset(const std::string& s, int64_t cp) {
  size_t i = 0;
  while (cp > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --cp;
  }
  return i;
}

Value str_index(VM& vm, StrObj* s, int64_t i) {
  if (s->ascii) return vm.char_str(static_cast<unsigned char>(s->s[size_t(i)]));
  size_t a = utf8_offset(s->s, i), b = utf8_offset(s->s, i + 1);
  return vm.str(s->s.substr(a, b - a));
}

Value VM::get_item(const Value& obj, const Value& key) {
  if (obj.is_object()) {
    ObjKind k = kind_of(obj);
    if (k == ObjKind::List || k == ObjKind::Tuple || k == ObjKind::Str || k == ObjKind::Range) {
      const char* what = k == ObjKind::List    ? "list"
                         : k == ObjKind::Tuple ? "tuple"
                         : k == ObjKind::Str   ? "string"
                                               : "range object";
      int64_t n = len(obj);
      if (is_kind(key, ObjKind::Slice)) {
        int64_t start, stop, step;
        int64_t count = slice_indices(*this, as<SliceObj>(key), n, &start, &stop, &step);
        if (k == ObjKind::Range) {
          auto* r = as<RangeObj>(obj);
          return heap.make<RangeObj>(r->start + start * r->step, r->start + stop * r->step,
                                     r->step * step);
        }
        if (k == ObjKind::Str) {
          auto* s = as<StrObj>(obj);
          if (step == 1 && s->ascii) return str(s->s.substr(size_t(start), size_t(count)));
          std::string out;
          for (int64_t i = 0, j = start; i < count; ++i, j += step)
            out += as<StrObj>(str_index(*this, s, j))->s;
          return str(out);
        }
        const auto& items = k == ObjKind::List ? as<ListObj>(obj)->items : as<TupleObj>(obj)->items;
        std::vector<Value> out;
        out.reserve(size_t(count));
        for (int64_t i = 0, j = start; i < count; ++i, j += step) out.push_back(items[size_t(j)]);
        return k == ObjKind::List ? list(std::move(out)) : tuple(std::move(out));
      }
      if (k == ObjKind::Str && !key.is_intlike() && !is_kind(key, ObjKind::Instance))
        raise("TypeError", "string indices must be integers, not '" + type_name(key) + "'");
      int64_t i = index_value(*this, key, what);
      if (i < 0) i += n;
      if (i < 0 || i >= n) raise("IndexError", std::string(what) + " index out of range");
      switch (k) {
        case ObjKind::List:
          return as<ListObj>(obj)->items[size_t(i)];
        case ObjKind::Tuple:
          return as<TupleObj>(obj)->items[size_t(i)];
        case ObjKind::Str:
          return str_index(*this, as<StrObj>(obj), i);
        default:
          return Value::integer(as<RangeObj>(obj)->start + i * as<RangeObj>(obj)->step);
      }
    }
    if (k == ObjKind::Dict) {
      Value v = dict_get(as<DictObj>(obj), key);
      if (v.is_undef()) {
        Value exc = make_exception(exception_class("KeyError"), "");
        as<InstanceObj>(exc)->attrs.set(names[kArgs], tuple({key}));
        throw PyException{std::move(exc)};
      }
      return v;
    }
    if (k == ObjKind::Instance)
      if (const Value* d = instance_dunder(obj, names[kGetitem])) return call(*d, {obj, key});
  }
  if (const TypeHooks* h = hooks_of(*this, obj); h && h->get_item)
    return h->get_item(*this, obj, key);
  if (is_kind(obj, ObjKind::Class))
    raise("TypeError", "type '" + as<ClassObj>(obj)->name + "' is not subscriptable");
  raise("TypeError", "'" + type_name(obj) + "' object is not subscriptable");
}

void VM::set_item(const Value& obj, const Value& key, const Value& v) {
  if (is_kind(obj, ObjKind::List)) {
    auto& items = as<ListObj>(obj)->items;
    int64_t n = int64_t(items.size());
    if (is_kind(key, ObjKind::Slice)) {
      int64_t start, stop, step;
      int64_t count = slice_indices(*this, as<SliceObj>(key), n, &start, &stop, &step);
      std::vector<Value> src = to_vector(v);
      if (step == 1) {
        if (stop < start) stop = start;
        items.erase(items.begin() + long(start), items.begin() + long(stop));
        items.insert(items.begin() + long(start), src.begin(), src.end());
        return;
      }
      if (int64_t(src.size()) != count)
        raise("ValueError", "attempt to assign sequence of size " + std::to_string(src.size()) +
                                " to extended slice of size " + std::to_string(count));
      for (int64_t i = 0, j = start; i < count; ++i, j += step) items[size_t(j)] = src[size_t(i)];
      return;
    }
    int64_t i = index_value(*this, key, "list");
    if (i < 0) i += n;
    if (i < 0 || i >= n) raise("IndexError", "list assignment index out of range");
    items[size_t(i)] = v;
    return;
  }
  if (is_kind(obj, ObjKind::Dict)) {
    dict_set(as<DictObj>(obj), key, v);
    return;
  }
  if (const Value* d = instance_dunder(obj, names[kSetitem])) {
    call(*d, {obj, key, v});
    return;
  }
  if (const TypeHooks* h = hooks_of(*this, obj); h && h->set_item) {
    h->set_item(*this, obj, key, v);
    return;
  }
  raise("TypeError", "'" + type_name(obj) + "' object does not support item assignment");
}

void delete_subscript(VM& vm, const Value& obj, const Value& key) {
  if (is_kind(obj, ObjKind::List)) {
    auto& items = as<ListObj>(obj)->items;
    int64_t n = int64_t(items.size());
    if (is_kind(key, ObjKind::Slice)) {
      int64_t start, stop, step;
      int64_t count = slice_indices(vm, as<SliceObj>(key), n, &start, &stop, &step);
      std::vector<bool> drop(items.size(), false);
      for (int64_t i = 0, j = start; i < count; ++i, j += step) drop[size_t(j)] = true;
      std::vector<Value> keep;
      for (size_t i = 0; i < items.size(); ++i)
        if (!drop[i]) keep.push_back(std::move(items[i]));
      items.swap(keep);
      return;
    }
    int64_t i = index_value(vm, key, "list");
    if (i < 0) i += n;
    if (i < 0 || i >= n) vm.raise("IndexError", "list assignment index out of range");
    items.erase(items.begin() + long(i));
    return;
  }
  if (is_kind(obj, ObjKind::Dict)) {
    if (!as<DictObj>(obj)->table.erase(vm, key, vm.hash(key))) {
      Value exc = vm.make_exception(vm.exception_class("KeyError"), "");
      as<InstanceObj>(exc)->attrs.set(vm.names[VM::kArgs], vm.tuple({key}));
      throw PyException{std::move(exc)};
    }
    return;
  }
  vm.raise("TypeError", "'" + vm.type_name(obj) + "' object doesn't support item deletion");
}

Value build_slice(VM& vm, Value* parts, uint32_t n) {
  return vm.heap.make<SliceObj>(parts[0], parts[1], n == 3 ? parts[2] : Value::none());
}

Value VM::dict_get(DictObj* d, const Value& key) {
  int64_t i = d->table.find(*this, key, hash(key));
  return i < 0 ? Value() : d->table.entries()[size_t(i)].value;
}

void VM::dict_set(DictObj* d, const Value& key, const Value& v) {
  d->table.insert(*this, key, hash(key), v);
}

}  // namespace gradlab::lang
