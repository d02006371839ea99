// The dispatch loop: one switch over the opcode table, run in slices of a given instruction
// budget. Python-level calls push VM frames; an exception unwinds frames through the code
// objects' handler tables (vm_error.cpp).
#include "lang/vm.h"

#include <cmath>
#include <new>

#include "lang/diagnostic.h"

namespace gradlab::lang {

Value arith(VM& vm, BinaryOp op, const Value& a, const Value& b);  // vm_ops.cpp
Value compare_builtin(VM& vm, CompareOp op, const Value& a, const Value& b);
Value inplace_builtin(VM& vm, BinaryOp op, const Value& a, const Value& b);
Value unary_op(VM& vm, UnaryOp op, const Value& v);
Value format_value(VM& vm, const Value& v, uint32_t conv, const Value* spec);
void unpack(VM& vm, const Value& v, uint32_t before, uint32_t after, bool star, Value* out);
Value make_function(VM& vm, Frame& fr, uint32_t flags, Value* args);
void display_value(VM& vm, const Value& v);
Value exc_match(VM& vm, const Value& exc, const Value& type);
Value prepare_raise(VM& vm, Value exc, bool from_class_ok);
Value load_class_name(VM& vm, Frame& fr, StrObj* name);
void delete_subscript(VM& vm, const Value& obj, const Value& key);
void delete_attr(VM& vm, const Value& obj, StrObj* name);
Value build_slice(VM& vm, Value* parts, uint32_t n);
bool fast_truthy(const Value& v, bool* out);

namespace {
struct Interrupted {};

// NOTE: rare instructions and every error message live outside execute(), in functions of their
// own marked GRADLAB_COLD. In the browser build V8 runs a function on baseline code first and
// recompiles it with its optimising tier once it is hot, on a background thread; that compile
// grows faster than the function does, and with these inlined execute() was 41 KB of wasm and
// ~0.6 s of compiling, during which a student's first training loop ran 3-5x slower.
#define GRADLAB_COLD [[gnu::noinline, gnu::cold]]

GRADLAB_COLD [[noreturn]] void raise_unbound(VM& vm, const CodeObj* co, uint32_t slot, bool free_var) {
  const std::string& n = as<StrObj>(co->varnames[slot])->s;
  if (free_var)
    vm.raise("NameError", "cannot access free variable '" + n +
                              "' where it is not associated with a value in enclosing scope");
  vm.raise("UnboundLocalError",
           "cannot access local variable '" + n + "' where it is not associated with a value");
}

GRADLAB_COLD [[noreturn]] void raise_not_defined(VM& vm, const std::string& name) {
  vm.raise("NameError", "name '" + name + "' is not defined");
}

GRADLAB_COLD [[noreturn]] void raise_nested_timeout(VM& vm) {
  vm.raise("TimeoutError", "code called back from a builtin ran more than " +
                               std::to_string(kNestedCallInstructionLimit) + " instructions");
}

GRADLAB_COLD Value exception_instance(VM& vm, std::string_view cls) {
  return vm.make_exception(vm.exception_class(cls), "");
}

GRADLAB_COLD Value assertion_error_class(VM& vm) {
  return Value::object(vm.exception_class("AssertionError"));
}

// The builders below take the stack pointer and return it after the instruction.
GRADLAB_COLD Value* op_build_set(VM& vm, Value* sp, uint32_t arg) {
  bool from_constant = arg & (1u << 20);
  arg &= (1u << 20) - 1;
  Value s = vm.set();
  for (uint32_t i = 0; i < arg; ++i) {
    const Value& k = sp[int(i) - int(arg)];
    as<SetObj>(s)->table.insert(vm, k, vm.hash(k), Value::none());
  }
  for (uint32_t i = 0; i < arg; ++i) *--sp = Value();
  if (from_constant) {  // as CPython: a frozenset constant copied into a new set
    Value copy = vm.set();
    as<SetObj>(copy)->table.merge_from(vm, as<SetObj>(s)->table);
    s = std::move(copy);
  }
  new (sp) Value(std::move(s));
  return sp + 1;
}

GRADLAB_COLD Value* op_build_map(VM& vm, Value* sp, uint32_t arg) {
  Value d = vm.dict();
  for (uint32_t i = 0; i < arg; ++i)
    vm.dict_set(as<DictObj>(d), sp[2 * int(i) - 2 * int(arg)], sp[2 * int(i) - 2 * int(arg) + 1]);
  for (uint32_t i = 0; i < 2 * arg; ++i) *--sp = Value();
  new (sp) Value(std::move(d));
  return sp + 1;
}

GRADLAB_COLD Value* op_build_string(VM& vm, Value* sp, uint32_t arg) {
  std::string s;
  for (uint32_t i = 0; i < arg; ++i) s += as<StrObj>(sp[int(i) - int(arg)])->s;
  for (uint32_t i = 0; i < arg; ++i) *--sp = Value();
  new (sp) Value(vm.str(s));
  return sp + 1;
}

GRADLAB_COLD Value* op_list_extend(VM& vm, Value* sp, uint32_t arg) {
  std::vector<Value> items = vm.to_vector(sp[-1]);
  *--sp = Value();
  auto& dst = as<ListObj>(sp[-int(arg)])->items;
  for (auto& v : items) dst.push_back(std::move(v));
  return sp;
}

GRADLAB_COLD Value* op_dict_merge(VM& vm, Value* sp, uint32_t arg) {
  Value m = std::move(*--sp);
  if (!is_kind(m, ObjKind::Dict))
    vm.raise("TypeError", "argument after ** must be a mapping, not " + vm.type_name(m));
  for (auto& e : as<DictObj>(m)->table.entries())
    if (!e.key.is_undef()) vm.dict_set(as<DictObj>(sp[-int(arg)]), e.key, e.value);
  return sp;
}

GRADLAB_COLD Value* op_unpack(VM& vm, Value* sp, uint32_t arg, bool star) {
  uint32_t before = star ? (arg & 0xFFF) : arg, after = star ? (arg >> 12) : 0;
  uint32_t n = before + after + (star ? 1 : 0);
  std::vector<Value> out(n);
  unpack(vm, sp[-1], before, after, star, out.data());
  *--sp = Value();
  for (uint32_t i = n; i-- > 0;) new (sp++) Value(std::move(out[i]));
  return sp;
}

GRADLAB_COLD Value* op_import_star(VM& vm, ModuleObj* into, Value* sp) {
  ModuleObj* m = as<ModuleObj>(sp[-1]);
  for (size_t i = 0; i < m->names.size(); ++i)
    if (!m->values[i].is_undef() && m->names[i]->s[0] != '_')
      into->set(vm, m->names[i], m->values[i]);
  *--sp = Value();
  return sp;
}

GRADLAB_COLD Value generator_of(VM& vm, Value fn) {
  Value g = vm.heap.make<IterObj>(IterKind::Generator, std::move(fn));
  as<IterObj>(g)->label = "generator object <genexpr>";
  return g;
}
}  // namespace

RunStatus VM::run(uint64_t budget) {
  if (frames_.empty()) return RunStatus::Done;
  if (interrupt_.exchange(false)) {
    Value exc = make_exception(exception_class("KeyboardInterrupt"), "");
    if (!handle_exception(std::move(exc), 0, false)) return RunStatus::Error;
  }
  return execute(0, budget == 0 ? 1 : budget, false);
}

RunStatus VM::execute(size_t stop_depth, uint64_t budget, bool nested) {
  uint64_t remaining = budget;
  struct Count {  // instructions_executed() for the session's per-cell limit
    uint64_t& total;
    uint64_t& remaining;
    uint64_t budget;
    ~Count() { total += budget - remaining; }
  } count{executed_, remaining, budget};
  Frame* fr;
  CodeObj* co;
  const uint32_t* code;
  const Value* consts;
  Value* locals;
  Value* sp;
  uint32_t ip;
  bool reraise = false;

#define LOAD_STATE()            \
  do {                          \
    fr = &frames_.back();       \
    co = fr->code;              \
    code = co->code.data();     \
    consts = co->consts.data(); \
    locals = stack_ + fr->base; \
    sp = stack_ + sp_;          \
    ip = fr->ip;                \
  } while (0)
#define SYNC()                   \
  do {                           \
    fr->ip = ip;                 \
    sp_ = uint32_t(sp - stack_); \
  } while (0)
#define PUSH(v) (new (sp) Value(v), ++sp)
#define DROP() (*--sp = Value())
#define AT(p) uint32_t((p)-stack_)
// After a call that may have pushed a frame or changed sp_.
#define AFTER_CALL(pushed) \
  do {                     \
    if (pushed) {          \
      LOAD_STATE();        \
    } else {               \
      sp = stack_ + sp_;   \
    }                      \
  } while (0)

  for (;;) {
    try {
      LOAD_STATE();
      for (;;) {
        if (remaining-- == 0) {
          SYNC();
          if (!nested) return RunStatus::Suspended;
          remaining = 0;
          raise_nested_timeout(*this);
        }
        uint32_t word = code[ip++];
        uint32_t arg = word >> 8;
        switch (Op(word & 0xFF)) {
          case Op::NOP:
            break;
          case Op::POP_TOP:
            DROP();
            break;
          case Op::DUP_TOP:
            PUSH(sp[-1]);
            break;
          case Op::DUP_TOP_TWO:
            PUSH(sp[-2]);
            PUSH(sp[-2]);
            break;
          case Op::ROT_TWO:
            sp[-1].swap(sp[-2]);
            break;
          case Op::ROT_THREE:
            sp[-1].swap(sp[-2]);
            sp[-2].swap(sp[-3]);
            break;
          case Op::LOAD_CONST:
            PUSH(consts[arg]);
            break;
          case Op::LOAD_SMALL_INT:
            PUSH(Value::integer(int64_t(arg) - (1 << 23)));
            break;
          case Op::LOAD_FAST: {
            const Value& v = locals[arg];
            if (v.is_undef()) {
              SYNC();
              raise_unbound(*this, co, arg, false);
            }
            PUSH(v);
            break;
          }
          case Op::STORE_FAST:
            locals[arg] = std::move(*--sp);
            break;
          case Op::DELETE_FAST:
            if (locals[arg].is_undef()) {
              SYNC();
              raise_unbound(*this, co, arg, false);
            }
            locals[arg] = Value();
            break;
          case Op::LOAD_DEREF: {
            const Value& v = as<CellObj>(locals[arg])->value;
            if (v.is_undef()) {
              SYNC();
              raise_unbound(*this, co, arg, arg >= co->free_start);
            }
            PUSH(v);
            break;
          }
          case Op::STORE_DEREF:
            as<CellObj>(locals[arg])->value = std::move(*--sp);
            break;
          case Op::DELETE_DEREF:
            as<CellObj>(locals[arg])->value = Value();
            break;
          case Op::LOAD_CLOSURE:
            PUSH(locals[arg]);
            break;
          case Op::MAKE_CELL: {
            Value cell = heap.make<CellObj>();
            as<CellObj>(cell)->value = std::move(locals[arg]);
            locals[arg] = std::move(cell);
            break;
          }
          case Op::LOAD_GLOBAL: {
            ModuleObj* m = fr->module;
            const Value& v = m->values[arg];
            if (!v.is_undef()) {
              PUSH(v);
            } else if (!m->builtins[arg].is_undef()) {
              PUSH(m->builtins[arg]);
            } else {
              SYNC();
              raise_name_error(m->names[arg]->s, co, m);
            }
            break;
          }
          case Op::STORE_GLOBAL:
            fr->module->values[arg] = std::move(*--sp);
            break;
          case Op::DELETE_GLOBAL:
            if (fr->module->values[arg].is_undef()) {
              SYNC();
              raise_not_defined(*this, fr->module->names[arg]->s);
            }
            fr->module->values[arg] = Value();
            break;
          case Op::LOAD_NAME: {
            SYNC();
            Value v = load_class_name(*this, *fr, as<StrObj>(consts[arg]));
            PUSH(std::move(v));
            break;
          }
          case Op::STORE_NAME: {
            SYNC();
            ClassObj* cls = as<ClassObj>(fr->class_ns);
            cls->dict.set(as<StrObj>(consts[arg]), std::move(*--sp));
            break;
          }
          case Op::DELETE_NAME: {
            ClassObj* cls = as<ClassObj>(fr->class_ns);
            if (!cls->dict.erase(as<StrObj>(consts[arg]))) {
              SYNC();
              raise_not_defined(*this, as<StrObj>(consts[arg])->s);
            }
            break;
          }
          case Op::LOAD_ATTR: {
            StrObj* name = as<StrObj>(consts[arg]);
            if (is_kind(sp[-1], ObjKind::Instance) && name != names[kClass]) {
              // The common case: an attribute of the instance itself (self.weight, self.lr).
              if (co->attr_hints.empty()) co->attr_hints.resize(co->code.size());
              if (Value* v = as<InstanceObj>(sp[-1])->attrs.find_hinted(name, co->attr_hints[ip - 1])) {
                sp[-1] = *v;
                break;
              }
            } else if (is_kind(sp[-1], ObjKind::Module) && name != names[kClass]) {
              // A module's global (torch.float32, F.relu).
              if (co->attr_hints.empty()) co->attr_hints.resize(co->code.size());
              if (const Value* v = as<ModuleObj>(sp[-1])->find_hinted(name, co->attr_hints[ip - 1])) {
                sp[-1] = *v;
                break;
              }
            }
            SYNC();
            Value v = get_attr_or_undef(sp[-1], name);
            if (v.is_undef()) {
              const Value* ga = instance_dunder(sp[-1], names[kGetattr]);
              if (ga) {
                uint32_t at = AT(sp - 1);
                stack_[at + 1] = Value::object(name);
                sp_ = at + 2;
                bool pushed = dunder_frame(at, *ga, 2, ReturnMode::Value);
                AFTER_CALL(pushed);
                break;
              }
              v = get_attr(sp[-1], name);  // raises AttributeError
            }
            sp[-1] = std::move(v);
            break;
          }
          case Op::STORE_ATTR: {
            SYNC();
            StrObj* name = as<StrObj>(consts[arg]);
            Value& obj = sp[-1];
            if (is_kind(obj, ObjKind::Instance)) {
              InstanceObj* inst = as<InstanceObj>(obj);
              if (!(class_flags(inst->class_obj()) & kHasSetattr)) {
                if (co->attr_hints.empty()) co->attr_hints.resize(co->code.size());
                if (Value* slot = inst->attrs.find_hinted(name, co->attr_hints[ip - 1]))
                  *slot = std::move(sp[-2]);
                else
                  inst->attrs.set(name, std::move(sp[-2]));
                DROP();
                DROP();
                break;
              }
              // [value, obj] -> [__setattr__, obj, name, value]
              uint32_t at = AT(sp - 2);
              Value value = std::move(stack_[at]);
              Value self = std::move(stack_[at + 1]);
              Value func = *inst->class_obj()->lookup(names[kSetattr]);
              stack_[at] = std::move(self);
              stack_[at + 1] = Value::object(name);
              stack_[at + 2] = std::move(value);
              sp_ = at + 3;
              bool pushed = dunder_frame(at, func, 3, ReturnMode::Discard);
              AFTER_CALL(pushed);
              break;
            }
            set_attr(obj, name, sp[-2]);
            DROP();
            DROP();
            break;
          }
          case Op::DELETE_ATTR:
            SYNC();
            delete_attr(*this, sp[-1], as<StrObj>(consts[arg]));
            DROP();
            break;
          case Op::LOAD_METHOD: {
            if (is_kind(sp[-1], ObjKind::Module) && as<StrObj>(consts[arg]) != names[kClass]) {
              // torch.sum(...): a module's function, called without self.
              if (co->attr_hints.empty()) co->attr_hints.resize(co->code.size());
              if (const Value* v = as<ModuleObj>(sp[-1])->find_hinted(as<StrObj>(consts[arg]),
                                                                     co->attr_hints[ip - 1])) {
                sp[-1] = *v;
                PUSH(Value());
                break;
              }
            }
            SYNC();
            Value pair[2];
            load_method(*this, sp[-1], as<StrObj>(consts[arg]), pair);
            sp[-1] = std::move(pair[0]);
            PUSH(std::move(pair[1]));
            break;
          }
          case Op::PUSH_NULL:
            PUSH(Value());
            break;
          case Op::CALL: {
            SYNC();
            uint32_t at = AT(sp) - arg - 2;
            bool pushed = call_at(at, arg, nullptr, ReturnMode::Value);
            AFTER_CALL(pushed);
            break;
          }
          case Op::CALL_KW: {
            SYNC();
            Value names_tuple = std::move(*--sp);
            sp_ = AT(sp);
            uint32_t at = AT(sp) - arg - 2;
            bool pushed = call_at(at, arg, as<TupleObj>(names_tuple), ReturnMode::Value);
            AFTER_CALL(pushed);
            break;
          }
          case Op::CALL_EX: {
            SYNC();
            bool pushed = call_ex(arg);
            AFTER_CALL(pushed);
            break;
          }
          case Op::BINARY_SUBSCR: {
            Value& obj = sp[-2];
            const Value& key = sp[-1];
            if (is_kind(obj, ObjKind::List) && key.is_int()) {
              auto& items = as<ListObj>(obj)->items;
              int64_t i = key.as_int();
              if (i < 0) i += int64_t(items.size());
              if (i >= 0 && i < int64_t(items.size())) {
                Value v = items[size_t(i)];
                DROP();
                sp[-1] = std::move(v);
                break;
              }
            }
            SYNC();
            if (const Value* gi = instance_dunder(obj, names[kGetitem])) {
              uint32_t at = AT(sp - 2);
              bool pushed = dunder_frame(at, *gi, 2, ReturnMode::Value);
              AFTER_CALL(pushed);
              break;
            }
            Value v = get_item(obj, key);
            DROP();
            sp[-1] = std::move(v);
            break;
          }
          case Op::STORE_SUBSCR: {
            SYNC();
            // [value, obj, key]
            if (const Value* si = instance_dunder(sp[-2], names[kSetitem])) {
              uint32_t at = AT(sp - 3);
              Value value = std::move(stack_[at]);
              Value obj = std::move(stack_[at + 1]);
              Value key = std::move(stack_[at + 2]);
              stack_[at] = std::move(obj);
              stack_[at + 1] = std::move(key);
              stack_[at + 2] = std::move(value);
              sp_ = at + 3;
              bool pushed = dunder_frame(at, *si, 3, ReturnMode::Discard);
              AFTER_CALL(pushed);
              break;
            }
            set_item(sp[-2], sp[-1], sp[-3]);
            DROP();
            DROP();
            DROP();
            break;
          }
          case Op::DELETE_SUBSCR:
            SYNC();
            if (const Value* di = instance_dunder(sp[-2], names[kDelitem])) {
              bool pushed = dunder_frame(AT(sp - 2), *di, 2, ReturnMode::Discard);
              AFTER_CALL(pushed);
              break;
            }
            delete_subscript(*this, sp[-2], sp[-1]);
            DROP();
            DROP();
            break;
          case Op::BUILD_SLICE: {
            SYNC();
            Value s = build_slice(*this, sp - arg, arg);
            for (uint32_t i = 0; i < arg; ++i) DROP();
            PUSH(std::move(s));
            break;
          }
          case Op::BINARY_OP:
          case Op::INPLACE_OP: {
            Value& a = sp[-2];
            const Value& b = sp[-1];
            BinaryOp op = BinaryOp(arg);
            if (a.is_int() && b.is_int()) {
              int64_t x = a.as_int(), y = b.as_int(), r;
              if (op == BinaryOp::Add && !__builtin_add_overflow(x, y, &r)) {
                a = Value::integer(r);
                DROP();
                break;
              }
              if (op == BinaryOp::Sub && !__builtin_sub_overflow(x, y, &r)) {
                a = Value::integer(r);
                DROP();
                break;
              }
              if (op == BinaryOp::Mul && !__builtin_mul_overflow(x, y, &r)) {
                a = Value::integer(r);
                DROP();
                break;
              }
            } else if (a.is_float() && b.is_float()) {
              double x = a.as_float(), y = b.as_float();
              if (op == BinaryOp::Add) {
                a = Value::number(x + y);
                DROP();
                break;
              }
              if (op == BinaryOp::Sub) {
                a = Value::number(x - y);
                DROP();
                break;
              }
              if (op == BinaryOp::Mul) {
                a = Value::number(x * y);
                DROP();
                break;
              }
            }
            SYNC();
            bool inplace = Op(word & 0xFF) == Op::INPLACE_OP;
            if (a.is_object() || b.is_object()) {
              int how = binary_dunder(op, inplace, AT(sp - 2));
              if (how) {
                AFTER_CALL(how == 1);
                break;
              }
            }
            Value r =
                inplace ? inplace_builtin(*this, op, sp[-2], sp[-1]) : binary(op, sp[-2], sp[-1]);
            DROP();
            sp[-1] = std::move(r);
            break;
          }
          case Op::UNARY_OP: {
            SYNC();
            UnaryOp op = UnaryOp(arg);
            if (op != UnaryOp::Not) {
              static const int ids[] = {kNeg, kPos, 0, kInvert};
              if (const Value* d = instance_dunder(sp[-1], names[ids[int(op)]])) {
                bool pushed = dunder_frame(AT(sp - 1), *d, 1, ReturnMode::Value);
                AFTER_CALL(pushed);
                break;
              }
            }
            sp[-1] = unary_op(*this, op, sp[-1]);
            break;
          }
          case Op::COMPARE_OP: {
            const Value& a = sp[-2];
            const Value& b = sp[-1];
            CompareOp op = CompareOp(arg);
            if (a.is_int() && b.is_int()) {
              int64_t x = a.as_int(), y = b.as_int();
              bool r = op == CompareOp::Lt   ? x < y
                       : op == CompareOp::Le ? x <= y
                       : op == CompareOp::Gt ? x > y
                       : op == CompareOp::Ge ? x >= y
                       : op == CompareOp::Eq ? x == y
                                             : x != y;
              DROP();
              sp[-1] = Value::boolean(r);
              break;
            }
            SYNC();
            if (a.is_object() || b.is_object()) {
              int how = compare_dunder(op, AT(sp - 2));
              if (how) {
                AFTER_CALL(how == 1);
                break;
              }
            }
            Value r = compare(op, sp[-2], sp[-1]);
            DROP();
            sp[-1] = std::move(r);
            break;
          }
          case Op::IS_OP: {
            bool r = sp[-2].same(sp[-1]) != (arg == 1);
            DROP();
            sp[-1] = Value::boolean(r);
            break;
          }
          case Op::CONTAINS_OP: {
            SYNC();
            // [item, container]
            if (const Value* c = instance_dunder(sp[-1], names[kContains])) {
              uint32_t at = AT(sp - 2);
              stack_[at].swap(stack_[at + 1]);
              bool pushed = dunder_frame(at, *c, 2, arg ? ReturnMode::Not : ReturnMode::Bool);
              AFTER_CALL(pushed);
              break;
            }
            bool r = contains(sp[-1], sp[-2]) != (arg == 1);
            DROP();
            sp[-1] = Value::boolean(r);
            break;
          }
          case Op::JUMP:
            ip = arg;
            break;
          case Op::POP_JUMP_IF_FALSE:
          case Op::POP_JUMP_IF_TRUE: {
            bool t;
            if (!fast_truthy(sp[-1], &t)) {
              SYNC();
              t = truthy(sp[-1]);
            }
            DROP();
            if (t == (Op(word & 0xFF) == Op::POP_JUMP_IF_TRUE)) ip = arg;
            break;
          }
          case Op::JUMP_IF_FALSE_OR_POP:
          case Op::JUMP_IF_TRUE_OR_POP: {
            bool t;
            if (!fast_truthy(sp[-1], &t)) {
              SYNC();
              t = truthy(sp[-1]);
            }
            if (t == (Op(word & 0xFF) == Op::JUMP_IF_TRUE_OR_POP))
              ip = arg;
            else
              DROP();
            break;
          }
          case Op::GET_ITER: {
            SYNC();
            if (const Value* d = instance_dunder(sp[-1], names[kIter])) {
              bool pushed = dunder_frame(AT(sp - 1), *d, 1, ReturnMode::Value);
              AFTER_CALL(pushed);
              break;
            }
            sp[-1] = iter(sp[-1]);
            break;
          }
          case Op::FOR_ITER: {
            Value& it = sp[-1];
            if (is_kind(it, ObjKind::Iterator)) {
              IterObj* io = as<IterObj>(it);
              if (io->ikind == IterKind::Range) {
                if (io->step > 0 ? io->index < io->stop : io->index > io->stop) {
                  PUSH(Value::integer(io->index));
                  io->index += io->step;
                } else {
                  DROP();
                  ip = arg;
                }
                break;
              }
              if (io->ikind == IterKind::List) {
                auto& items = as<ListObj>(io->src)->items;
                if (io->index < int64_t(items.size())) {
                  PUSH(items[size_t(io->index++)]);
                } else {
                  DROP();
                  ip = arg;
                }
                break;
              }
            }
            SYNC();
            if (const Value* d = instance_dunder(it, names[kNext])) {
              uint32_t at = AT(sp);
              stack_[at] = it;
              sp_ = at + 1;
              bool pushed = dunder_frame(at, *d, 1, ReturnMode::Value);
              AFTER_CALL(pushed);
              break;
            }
            Value out;
            if (next(it, out)) {
              PUSH(std::move(out));
            } else {
              DROP();
              ip = arg;
            }
            break;
          }
          case Op::BUILD_LIST:
          case Op::BUILD_TUPLE: {
            std::vector<Value> items(arg);
            for (uint32_t i = 0; i < arg; ++i) items[i] = std::move(sp[int(i) - int(arg)]);
            sp -= arg;
            PUSH(Op(word & 0xFF) == Op::BUILD_LIST ? list(std::move(items))
                                                   : tuple(std::move(items)));
            break;
          }
          case Op::BUILD_SET:
            SYNC();
            sp = op_build_set(*this, sp, arg);
            break;
          case Op::BUILD_MAP:
            SYNC();
            sp = op_build_map(*this, sp, arg);
            break;
          case Op::BUILD_STRING:
            SYNC();
            sp = op_build_string(*this, sp, arg);
            break;
          case Op::LIST_APPEND: {
            Value v = std::move(*--sp);
            as<ListObj>(sp[-int(arg)])->items.push_back(std::move(v));
            break;
          }
          case Op::SET_ADD: {
            SYNC();
            Value v = std::move(*--sp);
            as<SetObj>(sp[-int(arg)])->table.insert(*this, v, hash(v), Value::none());
            break;
          }
          case Op::MAP_ADD: {
            SYNC();
            Value v = std::move(*--sp);
            Value k = std::move(*--sp);
            dict_set(as<DictObj>(sp[-int(arg)]), k, v);
            break;
          }
          case Op::LIST_EXTEND:
            SYNC();
            sp = op_list_extend(*this, sp, arg);
            break;
          case Op::DICT_MERGE:
            SYNC();
            sp = op_dict_merge(*this, sp, arg);
            break;
          case Op::LIST_TO_TUPLE: {
            std::vector<Value> items = std::move(as<ListObj>(sp[-1])->items);
            sp[-1] = tuple(std::move(items));
            break;
          }
          case Op::UNPACK_SEQUENCE:
          case Op::UNPACK_EX:
            SYNC();
            sp = op_unpack(*this, sp, arg, Op(word & 0xFF) == Op::UNPACK_EX);
            break;
          case Op::MAKE_FUNCTION: {
            SYNC();
            uint32_t n = 1 + (arg & 1) + ((arg >> 1) & 1) + ((arg >> 2) & 1);
            Value f = make_function(*this, *fr, arg, sp - n);
            for (uint32_t i = 0; i < n; ++i) DROP();
            PUSH(std::move(f));
            break;
          }
          case Op::RETURN_VALUE: {
            Value result = std::move(*--sp);
            Frame done = std::move(frames_.back());
            // Slots from sp up are Undef (every pop leaves its slot Undef), so only the frame's
            // locals and live temporaries need clearing, not its whole reserved region.
            clear_region(done.base, AT(sp));
            frames_.pop_back();
            sp_ = done.ret;
            deliver(done, std::move(result));
            if (done.mode == ReturnMode::Stop || frames_.size() <= stop_depth)
              return RunStatus::Done;
            LOAD_STATE();
            break;
          }
          case Op::IMPORT_NAME: {
            SYNC();
            bool pushed = import_step(AT(sp), consts[arg]);
            AFTER_CALL(pushed);
            break;
          }
          case Op::IMPORT_FROM: {
            SYNC();
            bool pushed = import_from(AT(sp), as<StrObj>(consts[arg]));
            AFTER_CALL(pushed);
            break;
          }
          case Op::IMPORT_STAR:
            SYNC();
            sp = op_import_star(*this, fr->module, sp);
            break;
          case Op::RAISE: {
            SYNC();
            if (arg == 0) raise("RuntimeError", "No active exception to reraise");
            Value cause;
            if (arg == 2) cause = std::move(*--sp);
            Value exc = prepare_raise(*this, std::move(*--sp), true);
            if (arg == 2) exception_data(exc).cause = std::move(cause);
            sp_ = AT(sp);
            throw PyException{std::move(exc)};
          }
          case Op::RERAISE: {
            Value exc = std::move(*--sp);
            SYNC();
            reraise = true;
            throw PyException{std::move(exc)};
          }
          case Op::CHECK_EXC_MATCH: {
            SYNC();
            Value r = exc_match(*this, sp[-2], sp[-1]);
            DROP();
            sp[-1] = std::move(r);
            break;
          }
          case Op::LOAD_ASSERTION_ERROR:
            PUSH(assertion_error_class(*this));
            break;
          case Op::BUILD_CLASS:
            SYNC();
            build_class(*fr);
            LOAD_STATE();
            break;
          case Op::FORMAT_VALUE: {
            SYNC();
            Value spec;
            if (arg & 4) spec = std::move(*--sp);
            sp_ = AT(sp);
            sp[-1] = format_value(*this, sp[-1], arg & 3, (arg & 4) ? &spec : nullptr);
            break;
          }
          case Op::GEN_WRAP:
            sp[-1] = generator_of(*this, std::move(sp[-1]));
            break;
          case Op::DISPLAY_VALUE:
            SYNC();
            display_value(*this, sp[-1]);
            DROP();
            break;
          case Op::EXC_TYPE:
            sp[-1] = Value::object(class_of(sp[-1]));
            break;
          case Op::COUNT_:
            break;
        }
      }
    } catch (PyException& e) {
      Value exc = std::move(e.exc);
      bool rr = reraise;
      reraise = false;
      if (!handle_exception(std::move(exc), stop_depth, rr)) return RunStatus::Error;
    } catch (SyntaxError& e) {
      Value exc = exception_from_error(e);
      if (!handle_exception(std::move(exc), stop_depth, false)) return RunStatus::Error;
    } catch (gradlab::Error& e) {
      Value exc = exception_from_error(e);
      if (!handle_exception(std::move(exc), stop_depth, false)) return RunStatus::Error;
    } catch (std::bad_alloc&) {
      Value exc = exception_instance(*this, "MemoryError");
      if (!handle_exception(std::move(exc), stop_depth, false)) return RunStatus::Error;
    }
    if (frames_.size() <= stop_depth) return RunStatus::Done;
  }
#undef LOAD_STATE
#undef SYNC
#undef PUSH
#undef DROP
#undef AT
#undef AFTER_CALL
}

}  // namespace gradlab::lang
