// Code generation for statements, blocks (loops, try/finally, with) and the code object
// itself (slots, constants, stack size). Expressions are in compiler_expr.cpp.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "lang/compiler_internal.h"

namespace gradlab::lang {

namespace {
constexpr int kVar = 99;
constexpr int kEffects[] = {
#define VAR kVar
#define OP(name, effect) effect,
#include "lang/opcodes.def"
#undef OP
#undef VAR
};
constexpr const char* kNames[] = {
#define OP(name, effect) #name,
#include "lang/opcodes.def"
#undef OP
};
}  // namespace

const char* op_name(Op op) { return kNames[int(op)]; }

int stack_effect(Op op, uint32_t arg, bool jump) {
  switch (op) {
    case Op::CALL:
      return -int(arg) - 1;
    case Op::CALL_KW:
      return -int(arg) - 2;
    case Op::CALL_EX:
      return -2 - int(arg & 1);
    case Op::BUILD_SLICE:
      return 1 - int(arg);
    case Op::JUMP_IF_FALSE_OR_POP:
    case Op::JUMP_IF_TRUE_OR_POP:
      return jump ? 0 : -1;
    case Op::FOR_ITER:
      return jump ? -1 : 1;
    case Op::BUILD_SET:
      return 1 - int(arg & (kBuildSetFromConstant - 1));
    case Op::BUILD_LIST:
    case Op::BUILD_TUPLE:
    case Op::BUILD_STRING:
      return 1 - int(arg);
    case Op::BUILD_MAP:
      return 1 - 2 * int(arg);
    case Op::UNPACK_SEQUENCE:
      return int(arg) - 1;
    case Op::UNPACK_EX:
      return int(arg & 0xFFF) + int(arg >> 12);
    case Op::MAKE_FUNCTION:
      return -int((arg & 1) + ((arg >> 1) & 1) + ((arg >> 2) & 1));
    case Op::RAISE:
      return -int(arg);
    case Op::FORMAT_VALUE:
      return (arg & 4) ? -1 : 0;
    default:
      return kEffects[int(op)];
  }
}

CodeGen::CodeGen(VM& v, ModuleObj* m, std::shared_ptr<const SourceText> src,
                 const std::unordered_map<const void*, Scope*>& idx, Scope* s, CompileOptions o)
    : vm(v), module(m), source(std::move(src)), index(idx), scope(s), options(o) {
  code_ref = vm.heap.make<CodeObj>();
  code = as<CodeObj>(code_ref);
  code->source = source;
  code->name = s->name;
  code->qualname = s->qualname;
  code->hidden = o.hidden;
  code->class_body = s->kind == ScopeKind::Class;
  if (s->kind == ScopeKind::Function) {
    for (auto& p : s->params) local_slot(p);
    for (auto& [n, b] : s->bindings)
      if (b == Binding::Local || b == Binding::Cell) local_slot(n);
  }
  code->free_start = uint32_t(slots_.size());
  for (auto& f : s->freevars) local_slot(f);
  code->nfree = uint32_t(s->freevars.size());
  for (auto& [n, b] : s->bindings)
    if (b == Binding::Cell) code->slot_is_cell[slots_[n]] = 1;
  for (auto& f : s->freevars) code->slot_is_cell[slots_[f]] = 1;
}

uint32_t CodeGen::local_slot(const std::string& n) {
  auto it = slots_.find(n);
  if (it != slots_.end()) return it->second;
  uint32_t s = uint32_t(code->varnames.size());
  slots_[n] = s;
  code->varnames.push_back(vm.interned(n));
  code->slot_is_cell.push_back(0);
  return s;
}

uint32_t CodeGen::temp() {
  uint32_t s = uint32_t(code->varnames.size());
  code->varnames.push_back(vm.interned(".t" + std::to_string(s)));
  code->slot_is_cell.push_back(0);
  return s;
}

uint32_t CodeGen::emit(Op op, uint32_t arg) {
  code->code.push_back(uint32_t(op) | (arg << 8));
  code->spans.push_back(span);
  depth += stack_effect(op, arg, false);
  return here() - 1;
}

void CodeGen::patch(uint32_t at, uint32_t target) {
  code->code[at] = (code->code[at] & 0xFF) | (target << 8);
}

uint32_t CodeGen::constant(Value v) {
  for (size_t i = 0; i < code->consts.size(); ++i) {
    const Value& c = code->consts[i];
    if (c.tag() != v.tag()) continue;
    if (v.is_object() && is_kind(v, ObjKind::Str) && is_kind(c, ObjKind::Str)) {
      // Names must stay the interned object (attribute lookups compare pointers).
      if (as<StrObj>(c)->s == as<StrObj>(v)->s &&
          as<StrObj>(c)->interned == as<StrObj>(v)->interned)
        return uint32_t(i);
    } else if (!v.is_object() && c.same(v)) {
      return uint32_t(i);
    }
  }
  code->consts.push_back(std::move(v));
  return uint32_t(code->consts.size() - 1);
}

uint32_t CodeGen::name_const(const std::string& n) { return constant(vm.interned(n)); }

void CodeGen::load_int(int64_t i) {
  if (i >= -(1 << 23) && i < (1 << 23))
    emit(Op::LOAD_SMALL_INT, uint32_t(i + (1 << 23)));
  else
    load_const(Value::integer(i));
}

void CodeGen::load_name(const std::string& n) {
  switch (scope->lookup(n)) {
    case Binding::Local:
      emit(Op::LOAD_FAST, slots_[n]);
      break;
    case Binding::Cell:
    case Binding::Free:
      emit(Op::LOAD_DEREF, slots_[n]);
      break;
    case Binding::Global:
      emit(Op::LOAD_GLOBAL, module->slot(vm, vm.intern(n)));
      break;
    case Binding::Name:
      emit(Op::LOAD_NAME, name_const(n));
      break;
  }
}

void CodeGen::store_name(const std::string& n) {
  switch (scope->lookup(n)) {
    case Binding::Local:
      emit(Op::STORE_FAST, slots_[n]);
      break;
    case Binding::Cell:
    case Binding::Free:
      emit(Op::STORE_DEREF, slots_[n]);
      break;
    case Binding::Global:
      emit(Op::STORE_GLOBAL, module->slot(vm, vm.intern(n)));
      break;
    case Binding::Name:
      emit(Op::STORE_NAME, name_const(n));
      break;
  }
}

void CodeGen::delete_name(const std::string& n) {
  switch (scope->lookup(n)) {
    case Binding::Local:
      emit(Op::DELETE_FAST, slots_[n]);
      break;
    case Binding::Cell:
    case Binding::Free:
      emit(Op::DELETE_DEREF, slots_[n]);
      break;
    case Binding::Global:
      emit(Op::DELETE_GLOBAL, module->slot(vm, vm.intern(n)));
      break;
    case Binding::Name:
      emit(Op::DELETE_NAME, name_const(n));
      break;
  }
}

// --- blocks -------------------------------------------------------------------------------
std::vector<ExcEntry>* CodeGen::new_range_list() {
  range_lists_.push_back(std::make_unique<std::vector<ExcEntry>>());
  return range_lists_.back().get();
}

void CodeGen::close_range(Block& b) {
  if (b.ranges && here() > b.range_start)
    b.ranges->push_back(ExcEntry{b.range_start, here(), 0, uint32_t(b.try_depth)});
  b.range_start = here();
}

static void set_handler(CodeObj* code, std::vector<ExcEntry>* ranges, uint32_t handler) {
  for (auto& e : *ranges) {
    e.handler = handler;
    code->handlers.push_back(e);
  }
}

void CodeGen::unwind(size_t down_to, bool for_return) {
  for (size_t i = blocks.size(); i-- > down_to;) {
    Block b = blocks[i];
    close_range(blocks[i]);
    if (b.kind == Block::Finally) {
      std::vector<Block> saved(blocks.begin() + long(i), blocks.end());
      blocks.erase(blocks.begin() + long(i), blocks.end());
      body(*b.finalbody);
      blocks.insert(blocks.end(), saved.begin(), saved.end());
    } else if (b.kind == Block::With) {
      emit(Op::LOAD_FAST, b.mgr_slot);
      emit(Op::LOAD_METHOD, name_const("__exit__"));
      for (int k = 0; k < 3; ++k) load_const(Value::none());
      emit(Op::CALL, 3);
      emit(Op::POP_TOP);
    }
  }
}

void CodeGen::loop_break(bool is_continue, Span sp) {
  size_t l = blocks.size();
  while (l > 0 && blocks[l - 1].kind != Block::Loop) --l;
  if (l == 0)
    syntax_error(is_continue ? "'continue' not properly in loop" : "'break' outside loop", sp);
  size_t loop = l - 1;
  int saved = depth;
  unwind(loop + 1, false);
  if (is_continue) {
    emit(Op::JUMP, blocks[loop].continue_target);
  } else {
    if (blocks[loop].is_for) emit(Op::POP_TOP);
    blocks[loop].breaks.push_back(emit(Op::JUMP));
  }
  depth = saved;
  for (size_t i = loop + 1; i < blocks.size(); ++i) open_range(blocks[i]);
}

void CodeGen::try_except(const TryStmt* t) {
  Block guard(Block::TryGuard);
  guard.ranges = new_range_list();
  guard.try_depth = depth;
  open_range(guard);
  blocks.push_back(guard);
  body(t->body);
  Block done = blocks.back();
  blocks.pop_back();
  close_range(done);
  body(t->orelse);
  std::vector<uint32_t> to_end{emit(Op::JUMP)};
  set_handler(code, done.ranges, here());
  depth = done.try_depth + 1;
  uint32_t tmp = temp();
  emit(Op::STORE_FAST, tmp);
  bool caught_all = false;
  for (auto& h : t->handlers) {
    span = h.span;
    uint32_t next = 0;
    bool has_test = h.type != nullptr;
    if (has_test) {
      emit(Op::LOAD_FAST, tmp);
      expr(h.type.get());
      emit(Op::CHECK_EXC_MATCH);
      next = emit(Op::POP_JUMP_IF_FALSE);
    } else {
      caught_all = true;
    }
    if (!h.name.empty()) {
      emit(Op::LOAD_FAST, tmp);
      store_name(h.name);
    }
    Block eb(Block::Except);
    eb.exc_slot = tmp;
    blocks.push_back(eb);
    body(h.body);
    blocks.pop_back();
    if (!h.name.empty()) {
      load_const(Value::none());
      store_name(h.name);
      delete_name(h.name);
    }
    load_const(Value::none());
    emit(Op::STORE_FAST, tmp);
    to_end.push_back(emit(Op::JUMP));
    if (has_test) patch(next, here());
    if (!has_test) break;
  }
  if (!caught_all) {
    emit(Op::LOAD_FAST, tmp);
    emit(Op::RERAISE);
  }
  for (uint32_t j : to_end) patch(j, here());
  depth = done.try_depth;
}

void CodeGen::try_finally(const TryStmt* t) {
  Block b(Block::Finally);
  b.ranges = new_range_list();
  b.try_depth = depth;
  b.finalbody = &t->finalbody;
  open_range(b);
  blocks.push_back(b);
  if (!t->handlers.empty())
    try_except(t);
  else {
    body(t->body);
    body(t->orelse);
  }
  Block done = blocks.back();
  blocks.pop_back();
  close_range(done);
  body(t->finalbody);
  uint32_t j = emit(Op::JUMP);
  set_handler(code, done.ranges, here());
  depth = done.try_depth + 1;
  uint32_t tmp = temp();
  emit(Op::STORE_FAST, tmp);
  body(t->finalbody);
  emit(Op::LOAD_FAST, tmp);
  emit(Op::RERAISE);
  patch(j, here());
  depth = done.try_depth;
}

void CodeGen::with_items(const WithStmt* w, size_t i) {
  if (i == w->items.size()) {
    body(w->body);
    return;
  }
  const WithItem& item = w->items[i];
  span = w->span;
  expr(item.context.get());
  uint32_t mgr = temp();
  emit(Op::STORE_FAST, mgr);
  emit(Op::LOAD_FAST, mgr);
  emit(Op::LOAD_METHOD, name_const("__enter__"));
  emit(Op::CALL, 0);
  if (item.target)
    store(item.target.get());
  else
    emit(Op::POP_TOP);
  Block b(Block::With);
  b.ranges = new_range_list();
  b.try_depth = depth;
  b.mgr_slot = mgr;
  open_range(b);
  blocks.push_back(b);
  with_items(w, i + 1);
  Block done = blocks.back();
  blocks.pop_back();
  close_range(done);
  span = w->span;
  emit(Op::LOAD_FAST, mgr);
  emit(Op::LOAD_METHOD, name_const("__exit__"));
  for (int k = 0; k < 3; ++k) load_const(Value::none());
  emit(Op::CALL, 3);
  emit(Op::POP_TOP);
  uint32_t j = emit(Op::JUMP);
  set_handler(code, done.ranges, here());
  depth = done.try_depth + 1;
  uint32_t tmp = temp();
  emit(Op::STORE_FAST, tmp);
  emit(Op::LOAD_FAST, mgr);
  emit(Op::LOAD_METHOD, name_const("__exit__"));
  emit(Op::LOAD_FAST, tmp);
  emit(Op::EXC_TYPE);
  emit(Op::LOAD_FAST, tmp);
  load_const(Value::none());
  emit(Op::CALL, 3);
  uint32_t suppress = emit(Op::POP_JUMP_IF_TRUE);
  emit(Op::LOAD_FAST, tmp);
  emit(Op::RERAISE);
  patch(suppress, here());
  load_const(Value::none());
  emit(Op::STORE_FAST, tmp);
  patch(j, here());
  load_const(Value::none());
  emit(Op::STORE_FAST, mgr);
  depth = done.try_depth;
}

// --- statements ---------------------------------------------------------------------------
void CodeGen::body(const Body& b) {
  for (auto& s : b) stmt(s.get());
}

void CodeGen::function_body(const Body& b) {
  for (uint32_t s = 0; s < code->free_start; ++s)
    if (code->slot_is_cell[s]) emit(Op::MAKE_CELL, s);
  body(b);
}

void CodeGen::import_stmt(const Stmt* s) {
  if (s->kind == StmtKind::Import) {
    for (auto& a : static_cast<const ImportStmt*>(s)->names) {
      span = a.span;
      bool leaf = !a.asname.empty();
      emit(Op::IMPORT_NAME, constant(vm.tuple({vm.str(a.name), Value::boolean(leaf)})));
      store_name(leaf ? a.asname : a.name.substr(0, a.name.find('.')));
    }
    return;
  }
  auto* f = static_cast<const ImportFromStmt*>(s);
  span = f->module_span;
  emit(Op::IMPORT_NAME, constant(vm.tuple({vm.str(f->module), Value::boolean(true)})));
  for (auto& a : f->names) {
    span = a.span;
    if (a.name == "*") {
      if (scope->kind != ScopeKind::Module)
        syntax_error("import * only allowed at module level", a.span);
      emit(Op::IMPORT_STAR);
      return;
    }
    emit(Op::IMPORT_FROM, name_const(a.name));
    store_name(a.asname.empty() ? a.name : a.asname);
  }
  emit(Op::POP_TOP);
}

void CodeGen::class_def(const ClassDefStmt* c) {
  Scope* inner = index.at(c);
  CodeGen gen(vm, module, source, index, inner, options);
  gen.span = c->span;
  gen.body(c->body);
  Value body_code = gen.finish();
  span = c->span;
  uint32_t flags = 0;
  if (!inner->freevars.empty()) {
    for (auto& fv : inner->freevars) emit(Op::LOAD_CLOSURE, slots_.at(fv));
    emit(Op::BUILD_TUPLE, uint32_t(inner->freevars.size()));
    flags |= 4;
  }
  load_const(body_code);
  emit(Op::MAKE_FUNCTION, flags);
  for (auto& b : c->bases) expr(b.get());
  span = c->span;
  emit(Op::BUILD_TUPLE, uint32_t(c->bases.size()));
  load_const(vm.str(c->name));
  emit(Op::BUILD_CLASS);
  store_name(c->name);
}

void CodeGen::stmt(const Stmt* s) {
  // Exception handlers restore the stack to the depth recorded at compile time, so a wrong
  // stack effect would corrupt the enclosing loop's iterator at run time: fail loudly here.
  const int before = depth;
  stmt_body(s);
  if (depth != before)
    throw std::logic_error("gradlab internal error: the compiler's stack depth changed from " +
                           std::to_string(before) + " to " + std::to_string(depth) +
                           " over a statement on line " + std::to_string(s->span.line) + " of " +
                           code->qualname);
}

void CodeGen::stmt_body(const Stmt* s) {
  span = s->span;
  switch (s->kind) {
    case StmtKind::Expr: {
      auto* e = static_cast<const ExprStmt*>(s);
      expr(e->value.get());
      span = s->span;
      bool echo =
          options.echo_last_expression && scope->kind == ScopeKind::Module && blocks.empty();
      emit(echo ? Op::DISPLAY_VALUE : Op::POP_TOP);
      break;
    }
    case StmtKind::Assign: {
      auto* a = static_cast<const AssignStmt*>(s);
      expr(a->value.get());
      for (size_t i = 0; i < a->targets.size(); ++i) {
        if (i + 1 < a->targets.size()) emit(Op::DUP_TOP);
        store(a->targets[i].get());
      }
      break;
    }
    case StmtKind::AugAssign: {
      auto* a = static_cast<const AugAssignStmt*>(s);
      const Expr* t = a->target.get();
      if (t->kind == ExprKind::Name) {
        expr(t);
        expr(a->value.get());
        span = s->span;
        emit(Op::INPLACE_OP, uint32_t(a->op));
        store(t);
      } else if (t->kind == ExprKind::Attribute) {
        auto* at = static_cast<const AttributeExpr*>(t);
        expr(at->value.get());
        emit(Op::DUP_TOP);
        span = at->span;
        emit(Op::LOAD_ATTR, name_const(at->attr));
        expr(a->value.get());
        span = s->span;
        emit(Op::INPLACE_OP, uint32_t(a->op));
        emit(Op::ROT_TWO);
        emit(Op::STORE_ATTR, name_const(at->attr));
      } else if (t->kind == ExprKind::Subscript) {
        auto* st = static_cast<const SubscriptExpr*>(t);
        expr(st->value.get());
        expr(st->index.get());
        emit(Op::DUP_TOP_TWO);
        span = st->span;
        emit(Op::BINARY_SUBSCR);
        expr(a->value.get());
        span = s->span;
        emit(Op::INPLACE_OP, uint32_t(a->op));
        emit(Op::ROT_THREE);
        emit(Op::STORE_SUBSCR);
      } else {
        syntax_error(
            "'" + std::string("expression") + "' is an illegal expression for augmented assignment",
            t->span);
      }
      break;
    }
    case StmtKind::AnnAssign: {
      auto* a = static_cast<const AnnAssignStmt*>(s);
      if (a->value) {
        expr(a->value.get());
        store(a->target.get());
      }
      break;
    }
    case StmtKind::If: {
      auto* x = static_cast<const IfStmt*>(s);
      expr(x->test.get());
      uint32_t jf = emit(Op::POP_JUMP_IF_FALSE);
      body(x->body);
      if (x->orelse.empty()) {
        patch(jf, here());
      } else {
        uint32_t j = emit(Op::JUMP);
        patch(jf, here());
        body(x->orelse);
        patch(j, here());
      }
      break;
    }
    case StmtKind::While: {
      auto* x = static_cast<const WhileStmt*>(s);
      uint32_t top = here();
      bool forever = x->test->kind == ExprKind::Constant &&
                     static_cast<const ConstantExpr*>(x->test.get())->ckind == ConstKind::Bool &&
                     static_cast<const ConstantExpr*>(x->test.get())->b;
      uint32_t jf = 0;
      if (!forever) {
        expr(x->test.get());
        jf = emit(Op::POP_JUMP_IF_FALSE);
      }
      Block b(Block::Loop);
      b.continue_target = top;
      b.loop_depth = depth;
      blocks.push_back(b);
      body(x->body);
      span = s->span;
      emit(Op::JUMP, top);
      Block done = blocks.back();
      blocks.pop_back();
      if (!forever) patch(jf, here());
      body(x->orelse);
      for (uint32_t j : done.breaks) patch(j, here());
      break;
    }
    case StmtKind::For: {
      auto* x = static_cast<const ForStmt*>(s);
      expr(x->iter.get());
      span = s->span;
      emit(Op::GET_ITER);
      uint32_t top = emit(Op::FOR_ITER);
      Block b(Block::Loop);
      b.is_for = true;
      b.continue_target = top;
      b.loop_depth = depth - 2;  // without the item and the iterator
      store(x->target.get());
      blocks.push_back(b);
      body(x->body);
      span = s->span;
      emit(Op::JUMP, top);
      Block done = blocks.back();
      blocks.pop_back();
      patch(top, here());
      depth = done.loop_depth;
      body(x->orelse);
      for (uint32_t j : done.breaks) patch(j, here());
      break;
    }
    case StmtKind::Break:
      loop_break(false, s->span);
      break;
    case StmtKind::Continue:
      loop_break(true, s->span);
      break;
    case StmtKind::Pass:
      break;
    case StmtKind::Return: {
      auto* r = static_cast<const ReturnStmt*>(s);
      if (scope->kind != ScopeKind::Function) syntax_error("'return' outside function", s->span);
      if (r->value)
        expr(r->value.get());
      else
        load_const(Value::none());
      span = s->span;
      bool cleanup = std::any_of(blocks.begin(), blocks.end(), [](const Block& b) {
        return b.kind == Block::Finally || b.kind == Block::With;
      });
      if (cleanup) {
        uint32_t tmp = temp();
        emit(Op::STORE_FAST, tmp);
        int saved = depth;
        unwind(0, true);
        emit(Op::LOAD_FAST, tmp);
        emit(Op::RETURN_VALUE);
        depth = saved;
        for (auto& b : blocks) open_range(b);
      } else {
        emit(Op::RETURN_VALUE);
      }
      break;
    }
    case StmtKind::FunctionDef: {
      auto* f = static_cast<const FunctionDefStmt*>(s);
      make_function(index.at(f), &f->params, &f->body, nullptr, f->name);
      span = s->span;
      store_name(f->name);
      break;
    }
    case StmtKind::ClassDef:
      class_def(static_cast<const ClassDefStmt*>(s));
      break;
    case StmtKind::Global:
    case StmtKind::Nonlocal:
      break;
    case StmtKind::Import:
    case StmtKind::ImportFrom:
      import_stmt(s);
      break;
    case StmtKind::Assert: {
      auto* a = static_cast<const AssertStmt*>(s);
      expr(a->test.get());
      uint32_t ok = emit(Op::POP_JUMP_IF_TRUE);
      span = s->span;
      emit(Op::LOAD_ASSERTION_ERROR);
      if (a->msg) {
        emit(Op::PUSH_NULL);
        expr(a->msg.get());
        span = s->span;
        emit(Op::CALL, 1);
      }
      emit(Op::RAISE, 1);
      patch(ok, here());
      break;
    }
    case StmtKind::Del:
      for (auto& t : static_cast<const DelStmt*>(s)->targets) {
        span = t->span;
        switch (t->kind) {
          case ExprKind::Name:
            delete_name(static_cast<const NameExpr*>(t.get())->id);
            break;
          case ExprKind::Attribute: {
            auto* at = static_cast<const AttributeExpr*>(t.get());
            expr(at->value.get());
            span = t->span;
            emit(Op::DELETE_ATTR, name_const(at->attr));
            break;
          }
          case ExprKind::Subscript: {
            auto* st = static_cast<const SubscriptExpr*>(t.get());
            expr(st->value.get());
            expr(st->index.get());
            span = t->span;
            emit(Op::DELETE_SUBSCR);
            break;
          }
          case ExprKind::Tuple:
          case ExprKind::List: {
            for (auto& e : static_cast<const SequenceExpr*>(t.get())->elts) {
              if (e->kind != ExprKind::Name) syntax_error("cannot delete expression", e->span);
              delete_name(static_cast<const NameExpr*>(e.get())->id);
            }
            break;
          }
          default:
            syntax_error("cannot delete expression", t->span);
        }
      }
      break;
    case StmtKind::With:
      with_items(static_cast<const WithStmt*>(s), 0);
      break;
    case StmtKind::Try: {
      auto* t = static_cast<const TryStmt*>(s);
      if (!t->finalbody.empty())
        try_finally(t);
      else
        try_except(t);
      break;
    }
    case StmtKind::Raise: {
      auto* r = static_cast<const RaiseStmt*>(s);
      if (!r->exc) {
        for (size_t i = blocks.size(); i-- > 0;)
          if (blocks[i].kind == Block::Except) {
            emit(Op::LOAD_FAST, blocks[i].exc_slot);
            emit(Op::RERAISE);
            return;
          }
        emit(Op::RAISE, 0);
        break;
      }
      expr(r->exc.get());
      if (r->cause) expr(r->cause.get());
      span = s->span;
      emit(Op::RAISE, r->cause ? 2 : 1);
      break;
    }
  }
}

// --- finishing ----------------------------------------------------------------------------
static bool ends_flow(Op op) {
  return op == Op::JUMP || op == Op::RETURN_VALUE || op == Op::RAISE || op == Op::RERAISE;
}

Value CodeGen::finish() {
  if (code->code.empty() || Op(code->code.back() & 0xFF) != Op::RETURN_VALUE) {
    load_const(Value::none());
    emit(Op::RETURN_VALUE);
  }
  // Exact maximum stack depth by flow analysis over every path (and exception handler).
  size_t n = code->code.size();
  std::vector<int> at(n, -1);
  std::vector<std::pair<uint32_t, int>> work{{0, 0}};
  for (auto& h : code->handlers) work.push_back({h.handler, int(h.depth) + 1});
  int maxd = 0;
  while (!work.empty()) {
    auto [pc, d] = work.back();
    work.pop_back();
    while (pc < n) {
      if (at[pc] >= d) break;
      at[pc] = d;
      maxd = std::max(maxd, d);
      Op op = Op(code->code[pc] & 0xFF);
      uint32_t arg = code->code[pc] >> 8;
      bool jumps = op == Op::JUMP || op == Op::POP_JUMP_IF_FALSE || op == Op::POP_JUMP_IF_TRUE ||
                   op == Op::JUMP_IF_FALSE_OR_POP || op == Op::JUMP_IF_TRUE_OR_POP ||
                   op == Op::FOR_ITER;
      if (jumps) work.push_back({arg, d + stack_effect(op, arg, true)});
      if (ends_flow(op)) break;
      d += stack_effect(op, arg, false);
      maxd = std::max(maxd, d);
      ++pc;
    }
  }
  code->stacksize = uint32_t(maxd) + 1;
  code->nlocals = uint32_t(code->varnames.size());
  return code_ref;
}

Value compile_module(VM& vm, const Module& ast, ModuleObj* module,
                     std::shared_ptr<const SourceText> source, CompileOptions options) {
  std::unordered_map<const void*, Scope*> index;
  auto root = analyze_scopes(ast, index);
  CodeGen gen(vm, module, std::move(source), index, root.get(), options);
  if (!ast.body.empty()) gen.span = ast.body.front()->span;
  CompileOptions inner = options;
  gen.options.echo_last_expression = false;
  for (size_t i = 0; i < ast.body.size(); ++i) {
    if (i + 1 == ast.body.size()) gen.options.echo_last_expression = inner.echo_last_expression;
    gen.stmt(ast.body[i].get());
  }
  return gen.finish();
}

}  // namespace gradlab::lang
