// Calls: the calling convention on the VM stack, argument binding with CPython's error
// wording, frames, dunder calls from operators, nested calls from native code, tail calls,
// function and class creation, and imports.
#include <algorithm>

#include "lang/vm.h"

namespace gradlab::lang {

void VM::clear_region(uint32_t from, uint32_t to) {
  if (to > kValueStackSize) to = kValueStackSize;
  for (uint32_t i = from; i < to; ++i)
    if (!stack_[i].is_undef()) stack_[i] = Value();
}

void VM::push_frame(const Value& func, uint32_t base, uint32_t ret, ReturnMode mode) {
  FunctionObj* f = as<FunctionObj>(func);
  CodeObj* co = f->code_obj();
  if (int(frames_.size()) >= recursion_limit)
    raise("RecursionError", "maximum recursion depth exceeded");
  if (size_t(base) + co->nlocals + co->stacksize + kFrameStackSlack + 8 >= kValueStackSize)
    raise("RecursionError", "maximum recursion depth exceeded");
  for (uint32_t i = 0; i < co->nfree; ++i) stack_[base + co->free_start + i] = f->closure[i];
  Frame& fr = frames_.emplace_back();
  fr.func = func;
  fr.code_ref = f->code;
  fr.code = co;
  fr.module = f->module_obj();
  fr.base = base;
  fr.ret = ret;
  fr.mode = mode;
  sp_ = base + co->nlocals;
}

std::string missing_args_message(std::string_view fname, const std::vector<std::string>& names,
                                 bool kwonly) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    list += "'" + names[i] + "'";
  }
  return std::string(fname) + "() missing " + std::to_string(names.size()) + " required " +
         (kwonly ? "keyword-only" : "positional") + " argument" + (names.size() == 1 ? "" : "s") +
         ": " + list;
}

static std::string takes_message(std::string_view fname, size_t lo, size_t hi, size_t given) {
  std::string m = std::string(fname) + "() takes ";
  if (lo == hi)
    m += std::to_string(lo);
  else
    m += "from " + std::to_string(lo) + " to " + std::to_string(hi);
  m += " positional argument" + std::string(hi == 1 && lo == hi ? "" : "s") + " but " +
       std::to_string(given) + (given == 1 ? " was" : " were") + " given";
  return m;
}

void VM::bind_arguments(FunctionObj* f, uint32_t args_at, uint32_t nargs, const TupleObj* kwnames) {
  CodeObj* co = f->code_obj();
  Value* a = stack_ + args_at;
  uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
  uint32_t npos = nargs - nkw;
  if (nkw == 0 && npos == co->argcount && !co->varargs && !co->varkw && co->kwonlycount == 0)
    return;
  if (size_t(args_at) + co->nlocals + co->stacksize + kFrameStackSlack + 8 >= kValueStackSize)
    raise("RecursionError", "maximum recursion depth exceeded");
  const std::string& fname = co->qualname;
  std::vector<Value> kwv(nkw);
  for (uint32_t i = 0; i < nkw; ++i) kwv[i] = std::move(a[npos + i]);
  std::vector<Value> extras;
  for (uint32_t i = co->argcount; i < npos; ++i) extras.push_back(std::move(a[i]));
  if (!extras.empty() && !co->varargs) {
    size_t lo = co->argcount - f->defaults.size();
    throw gradlab::Error("TypeError", takes_message(fname, lo, co->argcount, npos));
  }
  uint32_t nnamed = co->argcount + co->kwonlycount;
  uint32_t var_slot = nnamed, kw_slot = nnamed + (co->varargs ? 1 : 0);
  Value kwdict;
  if (co->varkw) kwdict = dict();
  for (uint32_t k = 0; k < nkw; ++k) {
    const Value& name = kwnames->items[k];
    uint32_t i = 0;
    for (; i < nnamed; ++i)
      if (co->varnames[i].as_object() == name.as_object()) break;
    if (i < nnamed) {
      if (!a[i].is_undef())
        throw gradlab::Error("TypeError", fname + "() got multiple values for argument '" +
                                              as<StrObj>(name)->s + "'");
      a[i] = std::move(kwv[k]);
    } else if (co->varkw) {
      dict_set(as<DictObj>(kwdict), name, kwv[k]);
    } else {
      throw gradlab::Error("TypeError", fname + "() got an unexpected keyword argument '" +
                                            as<StrObj>(name)->s + "'");
    }
  }
  std::vector<std::string> missing;
  size_t first_default = co->argcount - f->defaults.size();
  for (uint32_t i = 0; i < co->argcount; ++i) {
    if (!a[i].is_undef()) continue;
    if (i >= first_default)
      a[i] = f->defaults[i - first_default];
    else
      missing.push_back(as<StrObj>(co->varnames[i])->s);
  }
  if (!missing.empty())
    throw gradlab::Error("TypeError", missing_args_message(fname, missing, false));
  for (uint32_t i = co->argcount; i < nnamed; ++i) {
    if (!a[i].is_undef()) continue;
    const Value& d = f->kwdefaults[i - co->argcount];
    if (!d.is_undef())
      a[i] = d;
    else
      missing.push_back(as<StrObj>(co->varnames[i])->s);
  }
  if (!missing.empty())
    throw gradlab::Error("TypeError", missing_args_message(fname, missing, true));
  if (co->varargs) a[var_slot] = tuple(std::move(extras));
  if (co->varkw) a[kw_slot] = std::move(kwdict);
}

void VM::finish_native(uint32_t at, Value result, ReturnMode mode) {
  clear_region(at, sp_);
  sp_ = at;
  switch (mode) {
    case ReturnMode::Discard:
      return;
    case ReturnMode::Not:
      stack_[at] = Value::boolean(!truthy(result));
      break;
    case ReturnMode::Bool:
      stack_[at] = Value::boolean(truthy(result));
      break;
    default:
      stack_[at] = std::move(result);
      break;
  }
  sp_ = at + 1;
}

void VM::deliver(Frame& done, Value result) {
  uint32_t ret = done.ret;
  if (done.is_init) {
    if (!result.is_none())
      raise("TypeError", "__init__() should return None, not '" + type_name(result) + "'");
    result = std::move(stack_[ret]);
  } else if (done.mode == ReturnMode::Keep) {
    result = std::move(stack_[ret]);
    if (done.class_ns.is_object()) finish_class(as<ClassObj>(done.class_ns));
  }
  clear_region(ret, sp_ > ret ? sp_ : ret + 1);
  sp_ = ret;
  switch (done.mode) {
    case ReturnMode::Discard:
      return;
    case ReturnMode::Not:
      stack_[ret] = Value::boolean(!truthy(result));
      break;
    case ReturnMode::Bool:
      stack_[ret] = Value::boolean(truthy(result));
      break;
    default:
      stack_[ret] = std::move(result);
      break;
  }
  sp_ = ret + 1;
}

bool VM::call_at(uint32_t at, uint32_t argc, const TupleObj* kwnames, ReturnMode mode) {
  Value tail_kwnames;  // keeps a tail call's keyword names alive for the rest of the call
  for (int hops = 0;; ++hops) {
    Value* base = stack_ + at;
    bool has_self = !base[1].is_undef();
    uint32_t args_at = has_self ? at + 1 : at + 2;
    uint32_t nargs = argc + (has_self ? 1 : 0);
    const Value& callee = base[0];
    if (callee.is_object()) {
      Object* o = callee.as_object();
      switch (o->kind) {
        case ObjKind::Function: {
          bind_arguments(static_cast<FunctionObj*>(o), args_at, nargs, kwnames);
          Value func = callee;
          push_frame(func, args_at, at, mode);
          return true;
        }
        case ObjKind::BoundMethod: {
          auto* bm = static_cast<BoundMethodObj*>(o);
          Value self = bm->self, func = bm->func;
          if (has_self) {  // make room: shift the arguments up one slot
            for (uint32_t i = at + 1 + nargs; i > at + 1; --i) stack_[i] = std::move(stack_[i - 1]);
            ++sp_;
            ++argc;
          }
          base[1] = std::move(self);
          base[0] = std::move(func);
          continue;
        }
        case ObjKind::NativeFunction: {
          auto* nf = static_cast<NativeFunctionObj*>(o);
          uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
          CallArgs ca;
          ca.pos = stack_ + args_at;
          ca.npos = nargs - nkw;
          ca.kwvalues = ca.pos + ca.npos;
          ca.kwnames = kwnames;
          ca.nkw = nkw;
          Value saved = std::move(native_data_);
          native_data_ = nf->data;
          Value r;
          try {
            r = nf->fn(*this, ca);
          } catch (...) {
            native_data_ = std::move(saved);
            throw;
          }
          native_data_ = std::move(saved);
          if (r.tag() == Tag::TailCall) break;
          finish_native(at, std::move(r), mode);
          return false;
        }
        case ObjKind::Class: {
          auto* cls = static_cast<ClassObj*>(o);
          Value cls_ref = callee;
          if (cls->construct) {
            uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
            CallArgs ca;
            ca.pos = stack_ + args_at;
            ca.npos = nargs - nkw;
            ca.kwvalues = ca.pos + ca.npos;
            ca.kwnames = kwnames;
            ca.nkw = nkw;
            Value r = cls->construct(*this, ca);
            if (r.tag() == Tag::TailCall) break;
            finish_native(at, std::move(r), mode);
            return false;
          }
          Value inst = heap.make<InstanceObj>(cls_ref);
          if (cls->is_exception) {
            // BaseException.__new__ keeps the positional arguments as args.
            as<InstanceObj>(inst)->data = std::make_unique<ExceptionData>();
            uint32_t npos = nargs - (kwnames ? uint32_t(kwnames->items.size()) : 0);
            std::vector<Value> args(stack_ + args_at, stack_ + args_at + npos);
            as<InstanceObj>(inst)->attrs.set(names[kArgs], tuple(std::move(args)));
          }
          const Value* init = cls->lookup(names[kInit]);
          if (has_self) {
            for (uint32_t i = at + 1 + nargs; i > at + 1; --i) stack_[i] = std::move(stack_[i - 1]);
            ++sp_;
            ++argc;
          }
          base[1] = inst;
          base[0] = inst;
          args_at = at + 1;
          nargs = argc + 1;
          if (init && is_kind(*init, ObjKind::Function)) {
            Value f = *init;
            bind_arguments(as<FunctionObj>(f), args_at, nargs, kwnames);
            push_frame(f, args_at, at, mode);
            frames_.back().is_init = true;
            return true;
          }
          if (init && is_kind(*init, ObjKind::NativeFunction)) {
            uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
            CallArgs ca;
            ca.pos = stack_ + args_at;
            ca.npos = nargs - nkw;
            ca.kwvalues = ca.pos + ca.npos;
            ca.kwnames = kwnames;
            ca.nkw = nkw;
            as<NativeFunctionObj>(*init)->fn(*this, ca);
          }
          finish_native(at, std::move(inst), mode);
          return false;
        }
        case ObjKind::Instance: {
          const Value* c = instance_dunder(callee, names[kCall]);
          if (!c) break;
          if (!kwnames && is_kind(*c, ObjKind::NativeFunction) &&
              as<NativeFunctionObj>(*c)->call_method.is_object()) {
            // __call__ is self.<method>(*args): call the method in this call's place.
            Value m[2];
            Value self = callee;
            load_method(*this, self, as<StrObj>(as<NativeFunctionObj>(*c)->call_method), m);
            if (!m[1].is_undef()) {  // a method of the class: self goes first
              if (has_self) {
                for (uint32_t i = at + 1 + nargs; i > at + 1; --i) stack_[i] = std::move(stack_[i - 1]);
                ++sp_;
                ++argc;
              }
              base[1] = std::move(m[1]);
            }  // else an attribute of the instance, called with the arguments as they are
            base[0] = std::move(m[0]);
            continue;
          }
          Value func = *c;
          Value self = callee;
          if (has_self) {
            for (uint32_t i = at + 1 + nargs; i > at + 1; --i) stack_[i] = std::move(stack_[i - 1]);
            ++sp_;
            ++argc;
          }
          base[1] = std::move(self);
          base[0] = std::move(func);
          continue;
        }
        case ObjKind::Native: {
          auto* no = static_cast<NativeObj*>(o);
          const TypeHooks* h = no->class_obj()->hooks;
          if (!h || !h->call) break;
          uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
          CallArgs ca;
          ca.pos = stack_ + args_at;
          ca.npos = nargs - nkw;
          ca.kwvalues = ca.pos + ca.npos;
          ca.kwnames = kwnames;
          ca.nkw = nkw;
          Value self = callee;
          Value r = h->call(*this, self, ca);
          if (r.tag() == Tag::TailCall) break;
          finish_native(at, std::move(r), mode);
          return false;
        }
        default:
          break;
      }
      if (pending_tail_.is_object()) {
        // A native asked for a tail call: [callable, args...] replaces the call.
        Value req = std::move(pending_tail_);
        auto& items = as<TupleObj>(req)->items;
        clear_region(at, sp_);
        stack_[at] = items[0];
        for (size_t i = 1; i < items.size(); ++i) stack_[at + 1 + i] = items[i];
        argc = uint32_t(items.size() - 1);
        sp_ = at + 2 + argc;
        tail_kwnames = std::move(pending_tail_kw_);
        kwnames = tail_kwnames.is_object() ? as<TupleObj>(tail_kwnames) : nullptr;
        continue;
      }
    }
    if (callee.is_tensor() && classes.tensor && classes.tensor->hooks &&
        classes.tensor->hooks->call) {
      uint32_t nkw = kwnames ? uint32_t(kwnames->items.size()) : 0;
      CallArgs ca;
      ca.pos = stack_ + args_at;
      ca.npos = nargs - nkw;
      ca.kwvalues = ca.pos + ca.npos;
      ca.kwnames = kwnames;
      ca.nkw = nkw;
      Value self = callee;
      finish_native(at, classes.tensor->hooks->call(*this, self, ca), mode);
      return false;
    }
    raise("TypeError", "'" + type_name(callee) + "' object is not callable");
  }
}

// CALL_EX: [callable, self-or-Undef, args tuple, (kwargs dict)] -> a call with the tuple's
// items as positional arguments and the dict's items as keywords.
bool VM::call_ex(uint32_t flags) {
  Value kwargs;
  if (flags & 1) kwargs = std::move(stack_[--sp_]);
  Value args = std::move(stack_[--sp_]);
  uint32_t at = sp_ - 2;
  std::vector<Value> kwnames;
  for (auto& v : as<TupleObj>(args)->items) stack_[sp_++] = v;
  if (!kwargs.is_undef()) {
    for (auto& e : as<DictObj>(kwargs)->table.entries()) {
      if (e.key.is_undef()) continue;
      if (!is_kind(e.key, ObjKind::Str)) raise("TypeError", "keywords must be strings");
      kwnames.push_back(interned(as<StrObj>(e.key)->s));
      stack_[sp_++] = e.value;
    }
  }
  uint32_t n = uint32_t(as<TupleObj>(args)->items.size() + kwnames.size());
  Value names_tuple;
  if (!kwnames.empty()) names_tuple = tuple(std::move(kwnames));
  return call_at(at, n, names_tuple.is_undef() ? nullptr : as<TupleObj>(names_tuple),
                 ReturnMode::Value);
}

// BUILD_CLASS: [body function, bases tuple, name] -> runs the body in a frame whose STORE_NAMEs
// fill the new class; the class is the frame's result.
void VM::build_class(Frame& fr) {
  uint32_t at = sp_ - 3;
  Value name = std::move(stack_[at + 2]);
  Value bases = std::move(stack_[at + 1]);
  Value body = std::move(stack_[at]);
  auto& bs = as<TupleObj>(bases)->items;
  if (bs.size() > 1) raise("TypeError", "gradlab classes support a single base class");
  ClassObj* base = classes.object;
  if (bs.size() == 1) {
    if (!is_kind(bs[0], ObjKind::Class))
      raise("TypeError", "a class can only inherit from a class, not " + type_name(bs[0]));
    base = as<ClassObj>(bs[0]);
    if (!base->subclassable)
      raise("TypeError", "type '" + base->name + "' is not an acceptable base type");
  }
  Value cls_ref = make_class(as<StrObj>(name)->s, fr.module->name, base);
  ClassObj* cls = as<ClassObj>(cls_ref);
  stack_[at] = std::move(cls_ref);
  sp_ = at + 1;
  push_frame(body, at + 1, at, ReturnMode::Keep);
  frames_.back().class_ns = Value::object(cls);
}

Value VM::tail_call(Value callable, std::vector<Value> args, const TupleObj* kwnames) {
  args.insert(args.begin(), std::move(callable));
  pending_tail_ = tuple(std::move(args));
  pending_tail_kw_ = kwnames ? Value::object(const_cast<TupleObj*>(kwnames)) : Value();
  return Value::tail_call();
}

bool VM::dunder_frame(uint32_t at, const Value& func, uint32_t nargs, ReturnMode mode) {
  for (uint32_t i = at + nargs; i > at; --i) stack_[i] = std::move(stack_[i - 1]);
  stack_[at] = func;
  sp_ = at + 1 + nargs;
  return call_at(at, nargs - 1, nullptr, mode);
}

const Value* VM::instance_dunder(const Value& v, StrObj* name) {
  if (!is_kind(v, ObjKind::Instance)) return nullptr;
  ClassObj* cls = as<InstanceObj>(v)->class_obj();
  for (ClassObj* c = cls; c && c != classes.object; c = c->base_class())
    if (const Value* f = c->dict.find(name)) return f;
  return nullptr;
}

int VM::binary_dunder(BinaryOp op, bool inplace, uint32_t at) {
  StrObj** n = binop_names[int(op)];
  const Value& a = stack_[at];
  const Value& b = stack_[at + 1];
  const Value* d = nullptr;
  if (inplace) d = instance_dunder(a, n[2]);
  if (!d) d = instance_dunder(a, n[0]);
  if (d) {
    Value f = *d;
    return dunder_frame(at, f, 2, ReturnMode::Value) ? 1 : 2;
  }
  if ((d = instance_dunder(b, n[1]))) {
    Value f = *d;
    stack_[at].swap(stack_[at + 1]);
    return dunder_frame(at, f, 2, ReturnMode::Value) ? 1 : 2;
  }
  return 0;
}

int VM::compare_dunder(CompareOp op, uint32_t at) {
  static const int direct[] = {kEq, kNe, kLt, kLe, kGt, kGe};
  static const int reflected[] = {kEq, kNe, kGt, kGe, kLt, kLe};
  const Value& a = stack_[at];
  const Value& b = stack_[at + 1];
  ReturnMode mode = ReturnMode::Value;
  const Value* d = instance_dunder(a, names[direct[int(op)]]);
  if (!d && op == CompareOp::Ne && (d = instance_dunder(a, names[kEq]))) mode = ReturnMode::Not;
  if (d) {
    Value f = *d;
    return dunder_frame(at, f, 2, mode) ? 1 : 2;
  }
  d = instance_dunder(b, names[reflected[int(op)]]);
  if (!d && op == CompareOp::Ne && (d = instance_dunder(b, names[kEq]))) mode = ReturnMode::Not;
  if (d) {
    Value f = *d;
    stack_[at].swap(stack_[at + 1]);
    return dunder_frame(at, f, 2, mode) ? 1 : 2;
  }
  return 0;
}

Value VM::call(const Value& callable, const std::vector<Value>& args,
               const std::vector<std::pair<std::string, Value>>& kwargs) {
  if (nested_calls_ >= kMaxNestedCalls) raise("RecursionError", "maximum recursion depth exceeded");
  uint32_t at = sp_;
  if (!frames_.empty()) at = std::max(at, frame_end(frames_.back()));
  if (size_t(at) + args.size() + kwargs.size() + 16 >= kValueStackSize)
    raise("RecursionError", "maximum recursion depth exceeded");
  uint32_t saved_sp = sp_;
  stack_[at] = callable;
  stack_[at + 1] = Value();
  uint32_t p = at + 2;
  for (auto& a : args) stack_[p++] = a;
  Value kwnames;
  if (!kwargs.empty()) {
    std::vector<Value> ns;
    for (auto& [k, v] : kwargs) {
      ns.push_back(interned(k));
      stack_[p++] = v;
    }
    kwnames = tuple(std::move(ns));
  }
  sp_ = p;
  ++nested_calls_;
  struct Guard {
    int& n;
    ~Guard() { --n; }
  } guard{nested_calls_};
  bool pushed;
  try {
    pushed = call_at(at, uint32_t(args.size() + kwargs.size()),
                     kwnames.is_undef() ? nullptr : as<TupleObj>(kwnames), ReturnMode::Stop);
  } catch (...) {
    clear_region(at, sp_ > at ? sp_ : at + 2);
    sp_ = saved_sp;
    throw;
  }
  if (pushed) {
    RunStatus st = execute(frames_.size() - 1, kNestedCallInstructionLimit, true);
    if (st == RunStatus::Error) {
      Value exc = std::move(error_);
      clear_region(at, at + 2 + uint32_t(args.size() + kwargs.size()));
      sp_ = saved_sp;
      throw PyException{std::move(exc)};
    }
  }
  Value r = std::move(stack_[at]);
  clear_region(at, sp_ > at ? sp_ : at + 1);
  sp_ = saved_sp;
  return r;
}

// --- functions and classes --------------------------------------------------------------
Value make_function(VM& vm, Frame& fr, uint32_t flags, Value* args) {
  Value f = vm.heap.make<FunctionObj>();
  auto* fo = as<FunctionObj>(f);
  Value* p = args;
  if (flags & 1) fo->defaults = as<TupleObj>(*p++)->items;
  if (flags & 2) fo->kwdefaults = as<TupleObj>(*p++)->items;
  if (flags & 4) fo->closure = as<TupleObj>(*p++)->items;
  fo->code = *p;
  fo->module = Value::object(fr.module);
  return f;
}

void VM::finish_class(ClassObj* cls) {
  for (size_t i = 0; i < cls->dict.size(); ++i) {
    const Value& v = cls->dict.value(i);
    if (is_kind(v, ObjKind::Function) && as<FunctionObj>(v)->owner.is_undef())
      as<FunctionObj>(v)->owner = Value::object(cls);
  }
  if (cls->base_class() && cls->base_class()->is_exception) cls->is_exception = true;
}

uint32_t VM::class_flags(ClassObj* cls) {
  if (cls->flags_epoch == class_epoch) return cls->flags;
  uint32_t f = 0;
  for (ClassObj* c = cls; c && c != classes.object; c = c->base_class()) {
    if (c->dict.find(names[kSetattr])) f |= kHasSetattr;
    if (c->dict.find(names[kGetattr])) f |= kHasGetattr;
    if (c->dict.find(names[kDelattr])) f |= kHasDelattr;
  }
  cls->flags = f;
  cls->flags_epoch = class_epoch;
  return f;
}

// --- native argument parsing ----------------------------------------------------------------
void parse_args(VM& vm, const CallArgs& args, std::string_view fname,
                std::initializer_list<std::string_view> names, Value* out) {
  // Called for every native call with keywords (x.add_(g, alpha=-lr)): no allocation unless an
  // error message is built.
  struct P {
    std::string_view name;
    bool has_default, kwonly, set;
  };
  constexpr size_t kInline = 32;
  P inline_ps[kInline];
  std::vector<P> heap_ps;
  P* ps = inline_ps;
  if (names.size() > kInline) {
    heap_ps.resize(names.size());
    ps = heap_ps.data();
  }
  size_t np = 0;
  bool kwonly = false;
  for (auto n : names) {
    if (n == "*") {
      kwonly = true;
      continue;
    }
    bool d = !n.empty() && n.back() == '=';
    ps[np++] = P{d ? n.substr(0, n.size() - 1) : n, d, kwonly, false};
  }
  size_t npositional = 0, nrequired = 0;
  for (size_t i = 0; i < np; ++i) {
    if (!ps[i].kwonly) ++npositional;
    if (!ps[i].kwonly && !ps[i].has_default) ++nrequired;
  }
  if (args.npos > npositional)
    throw gradlab::Error("TypeError",
                         takes_message(std::string(fname), nrequired, npositional, args.npos));
  for (size_t i = 0; i < args.npos; ++i) {
    out[i] = args.pos[i];
    ps[i].set = true;
  }
  for (size_t k = 0; k < args.nkw; ++k) {
    std::string_view kn = args.kwname(k);
    size_t i = 0;
    while (i < np && ps[i].name != kn) ++i;
    if (i == np)
      throw gradlab::Error("TypeError", std::string(fname) +
                                            "() got an unexpected keyword argument '" +
                                            std::string(kn) + "'");
    if (ps[i].set)
      throw gradlab::Error("TypeError", std::string(fname) + "() got multiple values for argument '" +
                                            std::string(kn) + "'");
    out[i] = args.kwvalues[k];
    ps[i].set = true;
  }
  bool complete = true;
  for (size_t i = 0; i < np; ++i) complete = complete && (ps[i].set || ps[i].has_default);
  if (complete) return;
  std::vector<std::string> missing, missing_kw;
  for (size_t i = 0; i < np; ++i)
    if (!ps[i].set && !ps[i].has_default)
      (ps[i].kwonly ? missing_kw : missing).push_back(std::string(ps[i].name));
  const std::string f(fname);
  if (!missing.empty()) throw gradlab::Error("TypeError", missing_args_message(f, missing, false));
  if (!missing_kw.empty())
    throw gradlab::Error("TypeError", missing_args_message(f, missing_kw, true));
  (void)vm;
}

// --- imports --------------------------------------------------------------------------------
void VM::register_module(const std::string& dotted_name, ModuleDef def) {
  module_defs_[dotted_name] = std::move(def);
}

bool VM::import_step(uint32_t at, const Value& spec) {
  const std::string& name = as<StrObj>(as<TupleObj>(spec)->items[0])->s;
  bool leaf = as<TupleObj>(spec)->items[1].as_bool();
  Value top, cur;
  size_t pos = 0;
  for (;;) {
    size_t dot = name.find('.', pos);
    std::string full = name.substr(0, dot);
    auto it = modules_.find(full);
    if (it != modules_.end()) {
      cur = it->second;
    } else {
      auto def = module_defs_.find(full);
      if (def == module_defs_.end()) {
        Value exc = make_exception(exception_class("ModuleNotFoundError"),
                                   "gradlab has no module named '" + full + "'");
        exception_data(exc).notes.push_back(
            "hint: gradlab runs torch (with torch.nn and torch.optim), math, random and time; other "
            "packages are not available");
        throw PyException{std::move(exc)};
      }
      Value m = new_module(full);
      modules_[full] = m;
      if (cur.is_object()) set_global(as<ModuleObj>(cur), full.substr(full.rfind('.') + 1), m);
      if (def->second.init) def->second.init(*this, *as<ModuleObj>(m));
      if (!def->second.source.empty()) {
        if (!compile_source) raise("ImportError", "cannot run the source of module '" + full + "'");
        Value code = compile_source(*this, def->second.source, "<" + full + ">", as<ModuleObj>(m),
                                    def->second.hidden);
        Value fn = heap.make<FunctionObj>();
        as<FunctionObj>(fn)->code = code;
        as<FunctionObj>(fn)->module = m;
        if (!frames_.empty()) frames_.back().ip -= 1;  // run IMPORT_NAME again afterwards
        stack_[at] = Value();
        push_frame(fn, at + 1, at, ReturnMode::Discard);
        frames_.back().import_module = m;
        return true;
      }
      cur = m;
    }
    if (top.is_undef()) top = cur;
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  stack_[at] = leaf ? cur : top;
  sp_ = at + 1;
  return false;
}

bool VM::import_from(uint32_t at, StrObj* name) {
  ModuleObj* m = as<ModuleObj>(stack_[at - 1]);
  if (const Value* v = m->find(name)) {
    stack_[at] = *v;
    sp_ = at + 1;
    return false;
  }
  std::string full = m->name + "." + name->s;
  if (module_defs_.count(full) || modules_.count(full)) {
    return import_step(at, tuple({str(full), Value::boolean(true)}));
  }
  raise("ImportError",
        "cannot import name '" + name->s + "' from '" + m->name + "' (unknown location)");
}

Value VM::current_local(uint32_t slot) const {
  if (frames_.empty()) return Value();
  const Frame& f = frames_.back();
  if (slot >= f.code->nlocals) return Value();
  const Value& v = stack_[f.base + slot];
  if (f.code->slot_is_cell[slot] && is_kind(v, ObjKind::Cell)) return as<CellObj>(v)->value;
  return v;
}

void VM::start(const Value& code, ModuleObj* module) {
  Value fn = heap.make<FunctionObj>();
  as<FunctionObj>(fn)->code = code;
  as<FunctionObj>(fn)->module = Value::object(module);
  error_ = Value();
  clear_region(0, 2);
  push_frame(fn, 1, 0, ReturnMode::Discard);
}

void VM::abort_run() {
  while (!frames_.empty()) {
    clear_region(frames_.back().ret, frame_end(frames_.back()));
    frames_.pop_back();
  }
  clear_region(0, sp_ + 1);
  sp_ = 0;
}

}  // namespace gradlab::lang
