// Exceptions: the built-in exception classes, creating and raising exception objects,
// converting C++ errors, and unwinding frames to a handler (collecting the traceback).
#include <algorithm>
#include <cctype>

#include "lang/diagnostic.h"
#include "lang/vm.h"

namespace gradlab::lang {

ClassObj* VM::exception_class(std::string_view name) {
  auto it = exc_classes_.find(std::string(name));
  if (it != exc_classes_.end()) return it->second;
  // An exception type the core does not know (e.g. from a native library): an Exception.
  ClassObj* cls = new_class(std::string(name), "builtins", classes.exception);
  cls->is_exception = true;
  exc_classes_[std::string(name)] = cls;
  return cls;
}

Value VM::make_exception(ClassObj* cls, const std::string& message) {
  Value exc = heap.make<InstanceObj>(Value::object(cls));
  auto* inst = as<InstanceObj>(exc);
  inst->data = std::make_unique<ExceptionData>();
  std::vector<Value> args;
  if (!message.empty()) args.push_back(str(message));
  inst->attrs.set(names[kArgs], tuple(std::move(args)));
  return exc;
}

void VM::raise(ClassObj* cls, const std::string& message) {
  throw PyException{make_exception(cls, message)};
}
void VM::raise(std::string_view class_name, const std::string& message) {
  throw PyException{make_exception(exception_class(class_name), message)};
}

Value VM::exception_from_error(const gradlab::Error& e) {
  Value exc = make_exception(exception_class(e.type()), e.message());
  if (auto* se = dynamic_cast<const SyntaxError*>(&e)) {
    auto* inst = as<InstanceObj>(exc);
    inst->attrs.set(intern("lineno"), Value::integer(se->span().line));
    inst->attrs.set(intern("offset"), Value::integer(se->span().column));
    inst->attrs.set(intern("length"), Value::integer(se->span().length));
  }
  return exc;
}

ExceptionData& VM::exception_data(const Value& exc) {
  auto* inst = as<InstanceObj>(exc);
  if (!inst->data) inst->data = std::make_unique<ExceptionData>();
  return *static_cast<ExceptionData*>(inst->data.get());
}

// `raise X`: X may be an exception instance or class.
Value prepare_raise(VM& vm, Value exc, bool) {
  if (is_kind(exc, ObjKind::Class) && as<ClassObj>(exc)->is_exception) return vm.call(exc);
  if (is_kind(exc, ObjKind::Instance) && as<InstanceObj>(exc)->class_obj()->is_exception)
    return exc;
  vm.raise("TypeError", "exceptions must derive from BaseException");
}

Value exc_match(VM& vm, const Value& exc, const Value& type) {
  auto check = [&](const Value& t) {
    if (!is_kind(t, ObjKind::Class) || !as<ClassObj>(t)->is_exception)
      vm.raise("TypeError",
               "catching classes that do not inherit from BaseException is not allowed");
    return vm.isinstance(exc, as<ClassObj>(t));
  };
  if (is_kind(type, ObjKind::Tuple)) {
    for (auto& t : as<TupleObj>(type)->items)
      if (check(t)) return Value::boolean(true);
    return Value::boolean(false);
  }
  return Value::boolean(check(type));
}

bool VM::handle_exception(Value exc, size_t stop_depth, bool reraise) {
  ExceptionData& d = exception_data(exc);
  bool first = true;
  while (frames_.size() > stop_depth) {
    Frame& f = frames_.back();
    uint32_t cur = f.ip ? f.ip - 1 : 0;
    if (!(first && reraise)) d.tb.push_back(TracebackEntry{f.code_ref, cur});
    first = false;
    for (const ExcEntry& h : f.code->handlers) {
      if (h.start <= cur && cur < h.end) {
        uint32_t top = f.base + f.code->nlocals + h.depth;
        clear_region(top, frame_end(f));
        stack_[top] = std::move(exc);
        sp_ = top + 1;
        f.ip = h.handler;
        return true;
      }
    }
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    clear_region(done.ret, frame_end(done));
    if (done.import_module.is_object()) {
      std::string n = as<ModuleObj>(done.import_module)->name;
      modules_.erase(n);
    }
    sp_ = done.ret;
    if (done.mode == ReturnMode::Stop || frames_.size() <= stop_depth) break;
    Frame& caller = frames_.back();
    // StopIteration from a user __next__ ends the for loop that asked for the item.
    uint32_t word = caller.code->code[caller.ip - 1];
    if (Op(word & 0xFF) == Op::FOR_ITER && done.mode == ReturnMode::Value && !done.is_init &&
        isinstance(exc, classes.stop_iteration)) {
      clear_region(done.ret - 1, done.ret + 1);
      sp_ = done.ret - 1;
      caller.ip = word >> 8;
      return true;
    }
  }
  error_ = std::move(exc);
  return false;
}

// --- "Did you mean" (CPython 3.11's _Py_CalculateSuggestions) --------------------------------
namespace {
constexpr size_t kMaxSuggestionString = 40;
constexpr size_t kMaxSuggestionCandidates = 750;
constexpr int kMoveCost = 2, kCaseCost = 1;

int substitution_cost(char a, char b) {
  if (a == b) return 0;
  if (std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)))
    return kCaseCost;
  return kMoveCost;
}

int levenshtein(std::string_view a, std::string_view b, int max_cost) {
  if (a == b) return 0;
  while (!a.empty() && !b.empty() && a.front() == b.front()) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  while (!a.empty() && !b.empty() && a.back() == b.back()) {
    a.remove_suffix(1);
    b.remove_suffix(1);
  }
  if (a.empty() || b.empty()) return int(a.size() + b.size()) * kMoveCost;
  if (a.size() > kMaxSuggestionString || b.size() > kMaxSuggestionString) return max_cost + 1;
  if (b.size() < a.size()) std::swap(a, b);
  if (int(b.size() - a.size()) * kMoveCost > max_cost) return max_cost + 1;
  std::vector<int> buffer(a.size());
  for (size_t i = 0; i < a.size(); ++i) buffer[i] = int(i + 1) * kMoveCost;
  int result = 0;
  for (size_t bi = 0; bi < b.size(); ++bi) {
    int distance = result = int(bi) * kMoveCost;
    int minimum = INT32_MAX;
    for (size_t ai = 0; ai < a.size(); ++ai) {
      int substitute = distance + substitution_cost(b[bi], a[ai]);
      distance = buffer[ai];
      int insert_delete = std::min(result, distance) + kMoveCost;
      result = std::min(insert_delete, substitute);
      buffer[ai] = result;
      minimum = std::min(minimum, result);
    }
    if (minimum > max_cost) return max_cost + 1;
  }
  return result;
}
}  // namespace

std::string VM::suggest(const std::string& name, const std::vector<std::string>& candidates) {
  if (candidates.size() > kMaxSuggestionCandidates) return {};
  std::string best;
  int best_distance = INT32_MAX;
  for (auto& c : candidates) {
    if (c == name) continue;
    // No more than a third of the characters involved may change.
    int max_distance = std::min(int(name.size() + c.size() + 3) * kMoveCost / 6, best_distance - 1);
    int d = levenshtein(name, c, max_distance);
    if (d > max_distance) continue;
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

void VM::raise_name_error(const std::string& name, const CodeObj* code, const ModuleObj* module) {
  Value exc = make_exception(exception_class("NameError"), "name '" + name + "' is not defined");
  std::vector<std::string> cands;
  if (code && !code->class_body && code->name != "<module>")
    for (auto& v : code->varnames) cands.push_back(as<StrObj>(v)->s);
  std::string s = suggest(name, cands);
  if (s.empty() && module) {
    cands.clear();
    for (size_t i = 0; i < module->names.size(); ++i)
      if (!module->values[i].is_undef()) cands.push_back(module->names[i]->s);
    s = suggest(name, cands);
  }
  if (s.empty()) {
    cands.clear();
    for (StrObj* b : builtin_order_)
      if (b->s[0] != '_') cands.push_back(b->s);
    s = suggest(name, cands);
  }
  exception_data(exc).suggestion = s;
  throw PyException{std::move(exc)};
}

void VM::raise_attribute_error(const Value& obj, StrObj* name, const std::string& message) {
  Value exc = make_exception(exception_class("AttributeError"), message);
  std::vector<std::string> cands;
  auto add_map = [&](const AttrMap& m) {
    for (size_t i = 0; i < m.size(); ++i) cands.push_back(m.key(i)->s);
  };
  if (is_kind(obj, ObjKind::Module)) {
    auto* m = as<ModuleObj>(obj);
    for (size_t i = 0; i < m->names.size(); ++i)
      if (!m->values[i].is_undef()) cands.push_back(m->names[i]->s);
  } else {
    if (is_kind(obj, ObjKind::Instance)) add_map(as<InstanceObj>(obj)->attrs);
    ClassObj* c = is_kind(obj, ObjKind::Class) ? as<ClassObj>(obj) : class_of(obj);
    for (; c; c = c->base_class()) add_map(c->dict);
  }
  std::sort(cands.begin(), cands.end());
  cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
  exception_data(exc).suggestion = suggest(name->s, cands);
  throw PyException{std::move(exc)};
}

Span VM::current_span() const {
  for (size_t i = frames_.size(); i-- > 0;) {
    const Frame& f = frames_[i];
    if (f.code->hidden) continue;
    uint32_t cur = f.ip ? f.ip - 1 : 0;
    if (cur < f.code->spans.size()) return f.code->spans[cur];
  }
  return Span{};
}

std::string VM::current_file() const {
  for (size_t i = frames_.size(); i-- > 0;)
    if (!frames_[i].code->hidden && frames_[i].code->source)
      return frames_[i].code->source->filename;
  return {};
}

}  // namespace gradlab::lang
