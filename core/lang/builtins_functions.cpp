// Functions and objects: print, type, isinstance, issubclass, getattr/setattr/hasattr/delattr,
// id, hash, callable, vars, input, exit, super, slice, and the methods of `object` and
// `BaseException` that user classes inherit.
#include <functional>

#include "lang/builtins.h"

namespace gradlab::lang {

void delete_attr(VM& vm, const Value& obj, StrObj* name);  // vm_attr.cpp

namespace {
Value b_print(VM& vm, CallArgs& a) {
  std::string sep = " ", end = "\n";
  for (uint32_t k = 0; k < a.nkw; ++k) {
    std::string_view n = a.kwname(k);
    const Value& v = a.kwvalues[k];
    if (n == "sep" || n == "end") {
      if (!v.is_none() && !is_kind(v, ObjKind::Str))
        vm.raise("TypeError", std::string(n) + " must be None or a string, not " + vm.type_name(v));
      if (is_kind(v, ObjKind::Str)) (n == "sep" ? sep : end) = as<StrObj>(v)->s;
    } else if (n != "file" && n != "flush") {
      vm.raise("TypeError", "print() got an unexpected keyword argument '" + std::string(n) + "'");
    }
  }
  std::string out;
  for (uint32_t i = 0; i < a.npos; ++i) {
    if (i) out += sep;
    out += vm.str_of(a[i]);
  }
  out += end;
  vm.write(out);
  return Value::none();
}

Value type_new(VM& vm, CallArgs& a) {
  no_kwargs(vm, a, "type");
  if (a.npos == 1) return Value::object(vm.class_of(a[0]));
  if (a.npos != 3) vm.raise("TypeError", "type() takes 1 or 3 arguments");
  const std::string& name = str_arg(vm, a[0], "type", 1);
  auto& bases = as<TupleObj>(a[1])->items;
  ClassObj* base = bases.empty() ? vm.classes.object : as<ClassObj>(bases[0]);
  Value cls_ref = vm.make_class(name, "__main__", base);
  ClassObj* cls = as<ClassObj>(cls_ref);
  for (auto& e : as<DictObj>(a[2])->table.entries())
    if (!e.key.is_undef()) cls->dict.set(vm.intern(as<StrObj>(e.key)->s), e.value);
  vm.finish_class(cls);
  return cls_ref;
}

bool class_check(VM& vm, const Value& cls_or_tuple, const char* fname,
                 const std::function<bool(ClassObj*)>& test) {
  if (is_kind(cls_or_tuple, ObjKind::Class)) return test(as<ClassObj>(cls_or_tuple));
  if (is_kind(cls_or_tuple, ObjKind::Tuple)) {
    for (auto& c : as<TupleObj>(cls_or_tuple)->items)
      if (class_check(vm, c, fname, test)) return true;
    return false;
  }
  vm.raise("TypeError",
           std::string(fname) + "() arg 2 must be a type, a tuple of types, or a union");
}
Value b_isinstance(VM& vm, CallArgs& a) {
  expect_args(vm, a, "isinstance", 2, 2);
  Value x = a[0];
  return Value::boolean(
      class_check(vm, a[1], "isinstance", [&](ClassObj* c) { return vm.isinstance(x, c); }));
}
Value b_issubclass(VM& vm, CallArgs& a) {
  expect_args(vm, a, "issubclass", 2, 2);
  if (!is_kind(a[0], ObjKind::Class)) vm.raise("TypeError", "issubclass() arg 1 must be a class");
  ClassObj* sub = as<ClassObj>(a[0]);
  return Value::boolean(
      class_check(vm, a[1], "issubclass", [&](ClassObj* c) { return sub->is_subclass_of(c); }));
}

StrObj* attr_name(VM& vm, const Value& v, const char* fname) {
  if (!is_kind(v, ObjKind::Str))
    vm.raise("TypeError", std::string(fname) + "(): attribute name must be string, not '" +
                              vm.type_name(v) + "'");
  return vm.intern(as<StrObj>(v)->s);
}
Value b_getattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "getattr", 2, 3);
  StrObj* n = attr_name(vm, a[1], "getattr");
  if (a.npos == 2) return vm.get_attr(a[0], n);
  try {
    return vm.get_attr(a[0], n);
  } catch (PyException& e) {
    if (vm.isinstance(e.exc, vm.exception_class("AttributeError"))) return a[2];
    throw;
  }
}
Value b_hasattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "hasattr", 2, 2);
  StrObj* n = attr_name(vm, a[1], "hasattr");
  try {
    vm.get_attr(a[0], n);
    return Value::boolean(true);
  } catch (PyException& e) {
    if (vm.isinstance(e.exc, vm.exception_class("AttributeError"))) return Value::boolean(false);
    throw;
  }
}
Value b_setattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "setattr", 3, 3);
  vm.set_attr(a[0], attr_name(vm, a[1], "setattr"), a[2]);
  return Value::none();
}
Value b_delattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "delattr", 2, 2);
  delete_attr(vm, a[0], attr_name(vm, a[1], "delattr"));
  return Value::none();
}
Value b_id(VM& vm, CallArgs& a) {
  expect_args(vm, a, "id", 1, 1);
  if (a[0].is_object())
    return Value::integer(int64_t(a[0].as_object()->serial) * 48 + 0x7f003a2b1000);
  if (a[0].is_tensor())
    return Value::integer(int64_t(reinterpret_cast<uintptr_t>(a[0].as_tensor()) & 0xffffffffffff));
  return Value::integer(vm.hash(a[0]) * 32 + 0x7f0000000000 + int64_t(a[0].tag()));
}
Value b_hash(VM& vm, CallArgs& a) {
  expect_args(vm, a, "hash", 1, 1);
  return Value::integer(vm.hash(a[0]));
}
Value b_callable(VM& vm, CallArgs& a) {
  expect_args(vm, a, "callable", 1, 1);
  const Value& x = a[0];
  if (!x.is_object()) return Value::boolean(false);
  switch (kind_of(x)) {
    case ObjKind::Function:
    case ObjKind::NativeFunction:
    case ObjKind::BoundMethod:
    case ObjKind::Class:
      return Value::boolean(true);
    case ObjKind::Instance:
      return Value::boolean(vm.instance_dunder(x, vm.names[VM::kCall]) != nullptr);
    case ObjKind::Native: {
      const TypeHooks* h = as<NativeObj>(x)->class_obj()->hooks;
      return Value::boolean(h && h->call);
    }
    default:
      return Value::boolean(false);
  }
}
Value b_vars(VM& vm, CallArgs& a) {
  expect_args(vm, a, "vars", 1, 1);
  if (!is_kind(a[0], ObjKind::Instance))
    vm.raise("TypeError", "vars() argument must have __dict__ attribute");
  return vm.get_attr(a[0], vm.names[VM::kDict]);
}
Value b_input(VM& vm, CallArgs&) {
  vm.raise("RuntimeError",
           "input() is not available in gradlab: programs cannot read from the keyboard; "
           "assign the value in your code instead");
}
Value b_exit(VM& vm, CallArgs& a) {
  expect_args(vm, a, "exit", 0, 1);
  Value exc = vm.make_exception(vm.classes.system_exit, "");
  if (a.npos) as<InstanceObj>(exc)->attrs.set(vm.names[VM::kArgs], vm.tuple({a[0]}));
  throw PyException{std::move(exc)};
}
Value super_new(VM& vm, CallArgs& a) {
  no_kwargs(vm, a, "super");
  if (a.npos == 2) {
    if (!is_kind(a[0], ObjKind::Class))
      vm.raise("TypeError", "super() argument 1 must be a type, not " + vm.type_name(a[0]));
    return vm.heap.make<SuperObj>(a[0], a[1]);
  }
  if (a.npos != 0) vm.raise("TypeError", "super() takes 0 or 2 arguments");
  const Frame* f = vm.current_frame();
  if (!f || !is_kind(f->func, ObjKind::Function) || f->code->argcount == 0)
    vm.raise("RuntimeError", "super(): no arguments");
  const Value& owner = as<FunctionObj>(f->func)->owner;
  if (!owner.is_object()) vm.raise("RuntimeError", "super(): __class__ cell not found");
  Value self = vm.current_local(0);
  if (self.is_undef()) vm.raise("RuntimeError", "super(): arg[0] deleted");
  return vm.heap.make<SuperObj>(owner, self);
}
Value slice_new(VM& vm, CallArgs& a) {
  expect_args(vm, a, "slice", 1, 3);
  if (a.npos == 1) return vm.heap.make<SliceObj>(Value::none(), a[0], Value::none());
  return vm.heap.make<SliceObj>(a[0], a[1], a.npos > 2 ? a[2] : Value::none());
}

// --- object
// ---------------------------------------------------------------------------------------
Value o_init(VM& vm, CallArgs& a) {
  if (a.npos > 1 || a.nkw) {
    ClassObj* cls = vm.class_of(a[0]);
    if (!cls->lookup(vm.names[VM::kInit]) ||
        is_kind(*cls->lookup(vm.names[VM::kInit]), ObjKind::NativeFunction))
      vm.raise("TypeError", cls->name + "() takes no arguments");
  }
  return Value::none();
}
Value o_setattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "__setattr__", 3, 3);
  StrObj* n = attr_name(vm, a[1], "__setattr__");
  if (is_kind(a[0], ObjKind::Instance))
    as<InstanceObj>(a[0])->attrs.set(n, a[2]);
  else
    vm.set_attr(a[0], n, a[2]);
  return Value::none();
}
Value o_getattribute(VM& vm, CallArgs& a) {
  expect_args(vm, a, "__getattribute__", 2, 2);
  StrObj* n = attr_name(vm, a[1], "__getattribute__");
  Value v = vm.get_attr_or_undef(a[0], n);
  if (v.is_undef())
    vm.raise("AttributeError",
             "'" + vm.type_name(a[0]) + "' object has no attribute '" + n->s + "'");
  return v;
}
Value o_delattr(VM& vm, CallArgs& a) {
  expect_args(vm, a, "__delattr__", 2, 2);
  StrObj* n = attr_name(vm, a[1], "__delattr__");
  if (!is_kind(a[0], ObjKind::Instance) || !as<InstanceObj>(a[0])->attrs.erase(n))
    vm.raise("AttributeError",
             "'" + vm.type_name(a[0]) + "' object has no attribute '" + n->s + "'");
  return Value::none();
}
Value o_repr(VM& vm, CallArgs& a) {
  ClassObj* c = vm.class_of(a[0]);
  return vm.str(
      "<" + c->module_name + "." + c->name + " object at " +
      (a[0].is_object() ? fake_address(a[0].as_object()) : std::string("0x7f0000000000")) + ">");
}
Value o_str(VM& vm, CallArgs& a) { return vm.str(vm.repr(a[0])); }
Value o_format(VM& vm, CallArgs& a) {
  expect_args(vm, a, "__format__", 2, 2);
  if (!as<StrObj>(a[1])->s.empty())
    vm.raise("TypeError",
             "unsupported format string passed to " + vm.type_name(a[0]) + ".__format__");
  return vm.str(vm.str_of(a[0]));
}

// --- BaseException
// ----------------------------------------------------------------------------------
const std::vector<Value>& exc_args(VM& vm, const Value& e) {
  static const std::vector<Value> empty;
  if (!is_kind(e, ObjKind::Instance)) return empty;
  Value* v = as<InstanceObj>(e)->attrs.find(vm.names[VM::kArgs]);
  return v && is_kind(*v, ObjKind::Tuple) ? as<TupleObj>(*v)->items : empty;
}
Value e_init(VM& vm, CallArgs& a) {
  std::vector<Value> args(a.pos + 1, a.pos + a.npos);
  as<InstanceObj>(a[0])->attrs.set(vm.names[VM::kArgs], vm.tuple(std::move(args)));
  return Value::none();
}
Value e_str(VM& vm, CallArgs& a) {
  const auto& args = exc_args(vm, a[0]);
  if (args.empty()) return vm.str("");
  if (args.size() == 1) {
    if (vm.isinstance(a[0], vm.exception_class("KeyError"))) return vm.str(vm.repr(args[0]));
    return vm.str(vm.str_of(args[0]));
  }
  return vm.str(vm.repr(vm.tuple(args)));
}
Value e_repr(VM& vm, CallArgs& a) {
  const auto& args = exc_args(vm, a[0]);
  std::string r = vm.type_name(a[0]) + "(";
  for (size_t i = 0; i < args.size(); ++i) r += (i ? ", " : "") + vm.repr(args[i]);
  return vm.str(r + ")");
}
Value e_with_traceback(VM&, CallArgs& a) { return a[0]; }
Value e_add_note(VM& vm, CallArgs& a) {
  expect_args(vm, a, "add_note", 2, 2);
  vm.exception_data(a[0]).notes.push_back(str_arg(vm, a[1], "add_note", 1));
  return Value::none();
}
}  // namespace

void init_functions(VM& vm) {
  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m :
       {M{"print", b_print}, M{"isinstance", b_isinstance}, M{"issubclass", b_issubclass},
        M{"getattr", b_getattr}, M{"hasattr", b_hasattr}, M{"setattr", b_setattr},
        M{"delattr", b_delattr}, M{"id", b_id}, M{"hash", b_hash}, M{"callable", b_callable},
        M{"vars", b_vars}, M{"input", b_input}, M{"exit", b_exit}, M{"quit", b_exit}})
    def_builtin(vm, m.name, m.fn);
  vm.classes.type->construct = type_new;
  vm.classes.super->construct = super_new;
  vm.classes.slice->construct = slice_new;
  vm.add_builtin("type", Value::object(vm.classes.type));
  vm.add_builtin("super", Value::object(vm.classes.super));
  vm.add_builtin("slice", Value::object(vm.classes.slice));
  vm.add_builtin("object", Value::object(vm.classes.object));
  vm.add_builtin("NotImplemented", Value::not_implemented());
  vm.add_builtin("Ellipsis", Value::ellipsis());
  ClassObj* o = vm.classes.object;
  for (const M& m : {M{"__init__", o_init}, M{"__setattr__", o_setattr},
                     M{"__getattribute__", o_getattribute}, M{"__delattr__", o_delattr},
                     M{"__repr__", o_repr}, M{"__str__", o_str}, M{"__format__", o_format}})
    vm.add_method(o, m.name, m.fn);
  ClassObj* e = vm.classes.base_exception;
  for (const M& m : {M{"__init__", e_init}, M{"__str__", e_str}, M{"__repr__", e_repr},
                     M{"with_traceback", e_with_traceback}, M{"add_note", e_add_note}})
    vm.add_method(e, m.name, m.fn);
}

}  // namespace gradlab::lang
