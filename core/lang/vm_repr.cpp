// repr(), str() and format() of every value kind, exactly as CPython prints them.
#include <cstdio>

#include "lang/vm.h"
#include "tensor/format.h"

namespace gradlab::lang {

std::string fake_address(const Object* o) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x7f%010llx",
                static_cast<unsigned long long>(o->serial) * 48 + 0x3a2b1000);
  return buf;
}

std::string str_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == static_cast<unsigned char>(q)) {
          out += '\\';
          out += char(c);
        } else if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  out += q;
  return out;
}

namespace {
struct ReprGuard {
  VM& vm;
  bool cycle = false;
  ReprGuard(VM& v, const Value& obj) : vm(v) {
    for (auto& x : vm.repr_stack)
      if (x.same(obj)) cycle = true;
    if (++vm.native_depth > kMaxNativeDepth) {
      --vm.native_depth;
      vm.raise("RecursionError",
               "maximum recursion depth exceeded while getting the repr of an object");
    }
    vm.repr_stack.push_back(obj);
  }
  ~ReprGuard() {
    vm.repr_stack.pop_back();
    --vm.native_depth;
  }
};

const TypeHooks* hooks_of(VM& vm, const Value& v) {
  if (v.is_tensor()) return vm.classes.tensor ? vm.classes.tensor->hooks : nullptr;
  if (is_kind(v, ObjKind::Native)) return as<NativeObj>(v)->class_obj()->hooks;
  return nullptr;
}

std::string class_repr(const ClassObj* c) {
  if (c->module_name == "builtins") return "<class '" + c->name + "'>";
  return "<class '" + c->module_name + "." + c->name + "'>";
}
}  // namespace

std::string VM::repr(const Value& v) {
  switch (v.tag()) {
    case Tag::Undef:
      return "<undefined>";
    case Tag::None:
      return "None";
    case Tag::Bool:
      return v.as_bool() ? "True" : "False";
    case Tag::Int:
      return std::to_string(v.as_int());
    case Tag::Float:
      return python_float_repr(v.as_float());
    case Tag::Ellipsis:
      return "Ellipsis";
    case Tag::NotImplemented:
      return "NotImplemented";
    case Tag::TailCall:
      return "<tail call>";
    case Tag::Tensor: {
      const TypeHooks* h = hooks_of(*this, v);
      if (h && h->repr) return h->repr(*this, v);
      return "<tensor>";
    }
    case Tag::Object:
      break;
  }
  Object* o = v.as_object();
  switch (o->kind) {
    case ObjKind::Str:
      return str_repr(static_cast<StrObj*>(o)->s);
    case ObjKind::List:
    case ObjKind::Tuple: {
      bool is_list = o->kind == ObjKind::List;
      if (!is_list && as<TupleObj>(v)->cls.is_object()) {
        const TypeHooks* h = as<ClassObj>(as<TupleObj>(v)->cls)->hooks;
        if (h && h->repr) return h->repr(*this, v);
      }
      ReprGuard g(*this, v);
      if (g.cycle) return is_list ? "[...]" : "(...)";
      const auto& items = is_list ? as<ListObj>(v)->items : as<TupleObj>(v)->items;
      std::string out = is_list ? "[" : "(";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += repr(items[i]);
      }
      if (!is_list && items.size() == 1) out += ",";
      out += is_list ? "]" : ")";
      return out;
    }
    case ObjKind::Dict: {
      ReprGuard g(*this, v);
      if (g.cycle) return "{...}";
      std::string out = "{";
      bool first = true;
      for (auto& e : as<DictObj>(v)->table.entries()) {
        if (e.key.is_undef()) continue;
        if (!first) out += ", ";
        first = false;
        out += repr(e.key) + ": " + repr(e.value);
      }
      return out + "}";
    }
    case ObjKind::Set: {
      if (as<SetObj>(v)->table.size() == 0) return "set()";
      ReprGuard g(*this, v);
      if (g.cycle) return "set(...)";
      std::string out = "{";
      bool first = true;
      for (auto& e : as<SetObj>(v)->table.entries()) {
        if (e.key.is_undef()) continue;
        if (!first) out += ", ";
        first = false;
        out += repr(e.key);
      }
      return out + "}";
    }
    case ObjKind::Range: {
      auto* r = static_cast<RangeObj*>(o);
      std::string out = "range(" + std::to_string(r->start) + ", " + std::to_string(r->stop);
      if (r->step != 1) out += ", " + std::to_string(r->step);
      return out + ")";
    }
    case ObjKind::Slice: {
      auto* s = static_cast<SliceObj*>(o);
      return "slice(" + repr(s->start) + ", " + repr(s->stop) + ", " + repr(s->step) + ")";
    }
    case ObjKind::Function:
      return "<function " + static_cast<FunctionObj*>(o)->code_obj()->qualname + " at " +
             fake_address(o) + ">";
    case ObjKind::Code:
      return "<code object " + static_cast<CodeObj*>(o)->name + " at " + fake_address(o) + ">";
    case ObjKind::Cell:
      return "<cell at " + fake_address(o) + ">";
    case ObjKind::Class:
      return class_repr(static_cast<ClassObj*>(o));
    case ObjKind::Module: {
      auto* m = static_cast<ModuleObj*>(o);
      return "<module '" + m->name + "'" + (m->native ? " (built-in)>" : ">");
    }
    case ObjKind::BoundMethod: {
      auto* b = static_cast<BoundMethodObj*>(o);
      if (is_kind(b->func, ObjKind::NativeFunction))
        return "<built-in method " + as<NativeFunctionObj>(b->func)->name + " of " +
               type_name(b->self) + " object at " +
               (b->self.is_object() ? fake_address(b->self.as_object())
                                    : std::string("0x7f0000000000")) +
               ">";
      return "<bound method " + as<FunctionObj>(b->func)->code_obj()->qualname + " of " +
             repr(b->self) + ">";
    }
    case ObjKind::NativeFunction:
      return "<built-in function " + static_cast<NativeFunctionObj*>(o)->name + ">";
    case ObjKind::Iterator: {
      auto* it = static_cast<IterObj*>(o);
      static const char* names[] = {"range_iterator",
                                    "list_iterator",
                                    "tuple_iterator",
                                    "str_ascii_iterator",
                                    "dict_keyiterator",
                                    "dict_valueiterator",
                                    "dict_itemiterator",
                                    "set_iterator",
                                    "enumerate",
                                    "zip",
                                    "list_reverseiterator",
                                    "callable_iterator",
                                    "generator"};
      std::string label =
          it->label.empty() ? std::string(names[int(it->ikind)]) + " object" : it->label;
      return "<" + label + " at " + fake_address(o) + ">";
    }
    case ObjKind::Super:
      return "<super: <class '" + as<ClassObj>(static_cast<SuperObj*>(o)->cls)->name + "'>, <" +
             type_name(static_cast<SuperObj*>(o)->self) + " object>>";
    case ObjKind::Native: {
      const TypeHooks* h = hooks_of(*this, v);
      if (h && h->repr) return h->repr(*this, v);
      ClassObj* c = as<NativeObj>(v)->class_obj();
      return "<" + c->module_name + "." + c->name + " object at " + fake_address(o) + ">";
    }
    case ObjKind::Instance: {
      if (const Value* d = as<InstanceObj>(v)->class_obj()->lookup(names[kRepr])) {
        ReprGuard g(*this, v);
        Value r = call(*d, {v});
        if (!is_kind(r, ObjKind::Str))
          raise("TypeError", "__repr__ returned non-string (type " + type_name(r) + ")");
        return as<StrObj>(r)->s;
      }
      ClassObj* c = as<InstanceObj>(v)->class_obj();
      return "<" + c->module_name + "." + c->name + " object at " + fake_address(o) + ">";
    }
  }
  return "<object>";
}

std::string VM::str_of(const Value& v) {
  if (is_kind(v, ObjKind::Str)) return as<StrObj>(v)->s;
  if (is_kind(v, ObjKind::Instance)) {
    if (const Value* d = instance_dunder(v, names[kStr])) {
      ReprGuard g(*this, v);
      Value r = call(*d, {v});
      if (!is_kind(r, ObjKind::Str))
        raise("TypeError", "__str__ returned non-string (type " + type_name(r) + ")");
      return as<StrObj>(r)->s;
    }
    return repr(v);
  }
  const TypeHooks* h = hooks_of(*this, v);
  if (!h && is_kind(v, ObjKind::Tuple) && as<TupleObj>(v)->cls.is_object())
    h = as<ClassObj>(as<TupleObj>(v)->cls)->hooks;
  if (h && h->str) return h->str(*this, v);
  return repr(v);
}

std::string VM::format(const Value& v, std::string_view spec) {
  switch (v.tag()) {
    case Tag::Bool:
      if (spec.empty()) return v.as_bool() ? "True" : "False";
      return python_format_int(v.as_int(), spec);
    case Tag::Int:
      return python_format_int(v.as_int(), spec);
    case Tag::Float:
      return python_format_float(v.as_float(), spec);
    default:
      break;
  }
  if (is_kind(v, ObjKind::Str)) return python_format_str(as<StrObj>(v)->s, spec);
  if (const TypeHooks* h = hooks_of(*this, v); h && h->format) return h->format(*this, v, spec);
  if (const Value* d = instance_dunder(v, intern("__format__"))) {
    Value r = call(*d, {v, str(spec)});
    if (!is_kind(r, ObjKind::Str))
      raise("TypeError", "__format__ must return a str, not " + type_name(r));
    return as<StrObj>(r)->s;
  }
  if (spec.empty()) return str_of(v);
  raise("TypeError", "unsupported format string passed to " + type_name(v) + ".__format__");
}

Value format_value(VM& vm, const Value& v, uint32_t conv, const Value* spec) {
  std::string_view sp = spec ? std::string_view(as<StrObj>(*spec)->s) : std::string_view();
  if (conv == 0 && sp.empty() && is_kind(v, ObjKind::Str)) return v;
  if (conv == 0) return vm.str(vm.format(v, sp));
  std::string s = conv == 1 ? vm.str_of(v) : vm.repr(v);
  if (conv == 3) {
    std::string a;
    for (unsigned char c : s) {
      if (c < 0x80)
        a += char(c);
      else
        a += "?";
    }
    s = a;
  }
  return vm.str(sp.empty() ? s : python_format_str(s, sp));
}

void display_value(VM& vm, const Value& v) {
  if (v.is_none()) return;
  vm.write(vm.repr(v) + "\n");
}

}  // namespace gradlab::lang
