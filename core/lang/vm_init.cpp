// VM construction (the built-in classes and exception hierarchy, then the builtins of
// builtins_*.cpp), value creation helpers, interning, and module slots.
#include "lang/builtins.h"
#include "lang/vm.h"

namespace gradlab::lang {

namespace {
const char* kNameStrings[] = {
    "__init__",    "__call__",    "__repr__",     "__str__",     "__len__",     "__getitem__",
    "__setitem__", "__delitem__", "__contains__", "__iter__",    "__next__",    "__bool__",
    "__eq__",      "__ne__",      "__lt__",       "__le__",      "__gt__",      "__ge__",
    "__hash__",    "__enter__",   "__exit__",     "__getattr__", "__setattr__", "__delattr__",
    "__format__",  "__neg__",     "__pos__",      "__invert__",  "__class__",   "__name__",
    "args",        "__dict__",    "__qualname__", "__module__",  "forward"};
static_assert(sizeof(kNameStrings) / sizeof(kNameStrings[0]) == VM::kNameCount,
              "one string per NameId");

const char* kBinopNames[13] = {"add", "sub",    "mul",    "matmul", "truediv", "floordiv", "mod",
                               "pow", "lshift", "rshift", "or",     "xor",     "and"};

// The exception hierarchy: name, base.
const char* kExceptions[][2] = {
    {"Exception", "BaseException"},
    {"KeyboardInterrupt", "BaseException"},
    {"SystemExit", "BaseException"},
    {"GeneratorExit", "BaseException"},
    {"ArithmeticError", "Exception"},
    {"ZeroDivisionError", "ArithmeticError"},
    {"OverflowError", "ArithmeticError"},
    {"FloatingPointError", "ArithmeticError"},
    {"AssertionError", "Exception"},
    {"AttributeError", "Exception"},
    {"BufferError", "Exception"},
    {"EOFError", "Exception"},
    {"ImportError", "Exception"},
    {"ModuleNotFoundError", "ImportError"},
    {"LookupError", "Exception"},
    {"IndexError", "LookupError"},
    {"KeyError", "LookupError"},
    {"MemoryError", "Exception"},
    {"NameError", "Exception"},
    {"UnboundLocalError", "NameError"},
    {"OSError", "Exception"},
    {"TimeoutError", "OSError"},
    {"FileNotFoundError", "OSError"},
    {"PermissionError", "OSError"},
    {"IsADirectoryError", "OSError"},
    {"RuntimeError", "Exception"},
    {"NotImplementedError", "RuntimeError"},
    {"RecursionError", "RuntimeError"},
    {"StopIteration", "Exception"},
    {"SyntaxError", "Exception"},
    {"IndentationError", "SyntaxError"},
    {"TabError", "IndentationError"},
    {"TypeError", "Exception"},
    {"ValueError", "Exception"},
    {"UnicodeError", "ValueError"},
    {"UnicodeDecodeError", "UnicodeError"},
    {"Warning", "Exception"},
    {"UserWarning", "Warning"},
    {"DeprecationWarning", "Warning"},
    {"RuntimeWarning", "Warning"},
};
}  // namespace

VM::VM() {
  stack_ = new Value[kValueStackSize];
  frames_.reserve(64);
  for (int i = 0; i < kNameCount; ++i) names[i] = intern(kNameStrings[i]);
  for (int i = 0; i < 13; ++i) {
    std::string b = kBinopNames[i];
    binop_names[i][0] = intern("__" + b + "__");
    binop_names[i][1] = intern("__r" + b + "__");
    binop_names[i][2] = intern("__i" + b + "__");
  }
  auto mk = [&](const char* name, ClassObj* base, bool subclassable = false) {
    ClassObj* c = new_class(name, "builtins", base);
    c->subclassable = subclassable;
    return c;
  };
  classes.object = mk("object", nullptr, true);
  classes.type = mk("type", classes.object);
  classes.none = mk("NoneType", classes.object);
  classes.int_ = mk("int", classes.object);
  classes.bool_ = mk("bool", classes.int_);
  classes.float_ = mk("float", classes.object);
  classes.str = mk("str", classes.object);
  classes.list = mk("list", classes.object);
  classes.tuple = mk("tuple", classes.object);
  classes.dict = mk("dict", classes.object);
  classes.set = mk("set", classes.object);
  classes.range = mk("range", classes.object);
  classes.slice = mk("slice", classes.object);
  classes.function = mk("function", classes.object);
  classes.builtin_function = mk("builtin_function_or_method", classes.object);
  classes.method = mk("method", classes.object);
  classes.module = mk("module", classes.object);
  classes.cell = mk("cell", classes.object);
  classes.code = mk("code", classes.object);
  classes.iterator = mk("iterator", classes.object);
  classes.ellipsis = mk("ellipsis", classes.object);
  classes.not_implemented = mk("NotImplementedType", classes.object);
  classes.super = mk("super", classes.object);
  classes.base_exception = mk("BaseException", classes.object, true);
  classes.base_exception->is_exception = true;
  exc_classes_["BaseException"] = classes.base_exception;
  for (auto& e : kExceptions) {
    ClassObj* c = mk(e[0], exc_classes_.at(e[1]), true);
    c->is_exception = true;
    exc_classes_[e[0]] = c;
  }
  classes.exception = exc_classes_.at("Exception");
  classes.stop_iteration = exc_classes_.at("StopIteration");
  classes.keyboard_interrupt = exc_classes_.at("KeyboardInterrupt");
  classes.system_exit = exc_classes_.at("SystemExit");
  main_ = new_module("__main__");
  as<ModuleObj>(main_)->native = false;
  for (auto& [name, cls] : exc_classes_) add_builtin(name, Value::object(cls));
  init_numbers(*this);
  init_strings(*this);
  init_containers(*this);
  init_functions(*this);
  init_math_random(*this);
  init_time(*this);
}

VM::~VM() {
  abort_run();
  delete[] stack_;
  stack_ = nullptr;
  for (auto& c : char_cache_) c = Value();
  builtins_.clear();
  modules_.clear();
  owned_.clear();
  std::unordered_map<std::string_view, StrObj*> interned;
  interned.swap(interned_);
  for (auto& [k, s] : interned)
    if (--s->refcount == 0) free_object(s);
}

// --- values --------------------------------------------------------------------------------
Value VM::str(std::string_view s) {
  if (s.size() == 1 && static_cast<unsigned char>(s[0]) < 128)
    return char_str(static_cast<unsigned char>(s[0]));
  return heap.make<StrObj>(std::string(s));
}

Value VM::char_str(unsigned char c) {
  if (c >= 128) return heap.make<StrObj>(std::string(1, char(c)));
  if (char_cache_[c].is_undef()) char_cache_[c] = heap.make<StrObj>(std::string(1, char(c)));
  return char_cache_[c];
}

StrObj* VM::intern(std::string_view s) {
  auto it = interned_.find(s);
  if (it != interned_.end()) return it->second;
  StrObj* o = heap.make_raw<StrObj>(std::string(s));
  o->refcount = 1;
  o->interned = true;
  interned_[std::string_view(o->s)] = o;
  return o;
}

Value VM::list(std::vector<Value> items) { return heap.make<ListObj>(std::move(items)); }
Value VM::tuple(std::vector<Value> items) { return heap.make<TupleObj>(std::move(items)); }
Value VM::dict() { return heap.make<DictObj>(); }
Value VM::set() { return heap.make<SetObj>(); }

Value VM::native_function(std::string name, NativeFn fn, Value data) {
  Value f = heap.make<NativeFunctionObj>(std::move(name), fn);
  as<NativeFunctionObj>(f)->data = std::move(data);
  return f;
}

Value VM::make_class(std::string name, std::string module_name, ClassObj* base) {
  Value c = heap.make<ClassObj>();
  auto* cls = as<ClassObj>(c);
  cls->name = std::move(name);
  cls->module_name = std::move(module_name);
  if (base)
    cls->base = Value::object(base);
  else if (classes.object)
    cls->base = Value::object(classes.object);
  if (base && base->is_exception) cls->is_exception = true;
  return c;
}

ClassObj* VM::new_class(std::string name, std::string module_name, ClassObj* base,
                        const TypeHooks* hooks, NativeFn construct) {
  Value c = make_class(std::move(name), std::move(module_name), base);
  auto* cls = as<ClassObj>(c);
  cls->hooks = hooks;
  cls->construct = construct;
  owned_.push_back(std::move(c));  // native classes live as long as the VM
  return cls;
}

void VM::add_method(ClassObj* cls, std::string_view name, NativeFn fn, Value data) {
  Value f = native_function(std::string(name), fn, std::move(data));
  as<NativeFunctionObj>(f)->self_type = Value::object(cls);
  cls->dict.set(intern(name), std::move(f));
}

Value VM::native_object(ClassObj* cls, std::unique_ptr<NativeData> data) {
  return heap.make<NativeObj>(Value::object(cls), std::move(data));
}

Value VM::new_module(const std::string& name) { return heap.make<ModuleObj>(name); }

void VM::set_global(ModuleObj* m, std::string_view name, Value v) {
  m->set(*this, intern(name), std::move(v));
}

Value VM::builtin_value(StrObj* name) const {
  auto it = builtins_.find(name);
  return it == builtins_.end() ? Value() : it->second;
}

void VM::add_builtin(std::string_view name, Value v) {
  StrObj* n = intern(name);
  if (!builtins_.count(n)) builtin_order_.push_back(n);
  builtins_[n] = std::move(v);
}

uint32_t ModuleObj::slot(VM& vm, StrObj* name) {
  auto it = slots.find(name);
  if (it != slots.end()) return it->second;
  uint32_t s = uint32_t(values.size());
  slots[name] = s;
  names.push_back(name);
  name_refs.push_back(Value::object(name));
  values.emplace_back();
  builtins.push_back(vm.builtin_value(name));
  return s;
}

void ModuleObj::set(VM& vm, StrObj* name, Value v) { values[slot(vm, name)] = std::move(v); }

}  // namespace gradlab::lang
