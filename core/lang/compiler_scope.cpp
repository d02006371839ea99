// Scope analysis: which names each function, class body and comprehension binds, and how every
// mentioned name resolves (local slot, cell, free variable from an enclosing function, module
// global slot, or class namespace). Runs before code generation.
#include <algorithm>

#include "lang/compiler_internal.h"

namespace gradlab::lang {

[[noreturn]] void syntax_error(const std::string& message, Span span) {
  throw SyntaxError("SyntaxError", message, span);
}

namespace {

class Collector {
 public:
  explicit Collector(std::unordered_map<const void*, Scope*>& index) : index_(index) {}

  Scope* new_scope(ScopeKind kind, Scope* parent, const void* node, std::string name) {
    auto s = std::make_unique<Scope>();
    s->kind = kind;
    s->parent = parent;
    s->name = name;
    if (!parent || parent->kind == ScopeKind::Module)
      s->qualname = name;
    else if (parent->kind == ScopeKind::Class)
      s->qualname = parent->qualname + "." + name;
    else
      s->qualname = parent->qualname + ".<locals>." + name;
    Scope* raw = s.get();
    if (parent)
      parent->children.push_back(std::move(s));
    else
      root_ = std::move(s);
    if (node) index_[node] = raw;
    return raw;
  }
  std::unique_ptr<Scope> take_root() { return std::move(root_); }

  void assign(Scope* s, const std::string& n, Span span) {
    if (s->globals.count(n) == 0 && s->nonlocals.count(n) == 0) s->assigned.insert(n);
  }

  void target(Scope* s, const Expr* e) {
    switch (e->kind) {
      case ExprKind::Name:
        assign(s, static_cast<const NameExpr*>(e)->id, e->span);
        break;
      case ExprKind::Tuple:
      case ExprKind::List:
        for (auto& x : static_cast<const SequenceExpr*>(e)->elts) target(s, x.get());
        break;
      case ExprKind::Starred:
        target(s, static_cast<const StarredExpr*>(e)->value.get());
        break;
      case ExprKind::Attribute:
        expr(s, static_cast<const AttributeExpr*>(e)->value.get());
        break;
      case ExprKind::Subscript: {
        auto* x = static_cast<const SubscriptExpr*>(e);
        expr(s, x->value.get());
        expr(s, x->index.get());
        break;
      }
      default:
        expr(s, e);
        break;  // the code generator reports the bad target
    }
  }

  void params(Scope* outer, Scope* inner, const std::vector<Param>& ps) {
    for (auto& p : ps)
      if (p.default_value) expr(outer, p.default_value.get());
    // slot order: positional, keyword-only, *args, **kwargs
    for (ParamKind k : {ParamKind::Normal, ParamKind::KwOnly, ParamKind::VarArgs, ParamKind::VarKw})
      for (auto& p : ps)
        if (p.kind == k) {
          inner->params.push_back(p.name);
          inner->assigned.insert(p.name);
        }
  }

  void expr(Scope* s, const Expr* e) {
    if (!e) return;
    switch (e->kind) {
      case ExprKind::Name:
        s->used.insert(static_cast<const NameExpr*>(e)->id);
        break;
      case ExprKind::Constant:
        break;
      case ExprKind::FString:
        fstring(s, static_cast<const FStringExpr*>(e));
        break;
      case ExprKind::List:
      case ExprKind::Tuple:
      case ExprKind::Set:
        for (auto& x : static_cast<const SequenceExpr*>(e)->elts) expr(s, x.get());
        break;
      case ExprKind::Dict: {
        auto* d = static_cast<const DictExpr*>(e);
        for (auto& k : d->keys) expr(s, k.get());
        for (auto& v : d->values) expr(s, v.get());
        break;
      }
      case ExprKind::Comp: {
        auto* c = static_cast<const CompExpr*>(e);
        const char* names[] = {"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"};
        expr(s, c->generators[0].iter.get());
        Scope* inner = new_scope(ScopeKind::Function, s, c, names[int(c->ckind)]);
        inner->is_comprehension = true;
        inner->params.push_back(".0");
        inner->assigned.insert(".0");
        for (size_t i = 0; i < c->generators.size(); ++i) {
          auto& g = c->generators[i];
          if (i > 0) expr(inner, g.iter.get());
          target(inner, g.target.get());
          for (auto& f : g.ifs) expr(inner, f.get());
        }
        expr(inner, c->elt.get());
        expr(inner, c->value.get());
        break;
      }
      case ExprKind::BinOp: {
        auto* b = static_cast<const BinOpExpr*>(e);
        expr(s, b->left.get());
        expr(s, b->right.get());
        break;
      }
      case ExprKind::UnaryOp:
        expr(s, static_cast<const UnaryOpExpr*>(e)->operand.get());
        break;
      case ExprKind::BoolOp:
        for (auto& x : static_cast<const BoolOpExpr*>(e)->values) expr(s, x.get());
        break;
      case ExprKind::Compare: {
        auto* c = static_cast<const CompareExpr*>(e);
        expr(s, c->left.get());
        for (auto& x : c->comparators) expr(s, x.get());
        break;
      }
      case ExprKind::Call: {
        auto* c = static_cast<const CallExpr*>(e);
        expr(s, c->func.get());
        for (auto& a : c->args) expr(s, a.get());
        for (auto& k : c->keywords) expr(s, k.value.get());
        break;
      }
      case ExprKind::Attribute:
        expr(s, static_cast<const AttributeExpr*>(e)->value.get());
        break;
      case ExprKind::Subscript: {
        auto* x = static_cast<const SubscriptExpr*>(e);
        expr(s, x->value.get());
        expr(s, x->index.get());
        break;
      }
      case ExprKind::Slice: {
        auto* x = static_cast<const SliceExpr*>(e);
        expr(s, x->lower.get());
        expr(s, x->upper.get());
        expr(s, x->step.get());
        break;
      }
      case ExprKind::Starred:
        expr(s, static_cast<const StarredExpr*>(e)->value.get());
        break;
      case ExprKind::Lambda: {
        auto* l = static_cast<const LambdaExpr*>(e);
        Scope* inner = new_scope(ScopeKind::Function, s, l, "<lambda>");
        params(s, inner, l->params);
        expr(inner, l->body.get());
        break;
      }
      case ExprKind::IfExp: {
        auto* x = static_cast<const IfExpExpr*>(e);
        expr(s, x->test.get());
        expr(s, x->body.get());
        expr(s, x->orelse.get());
        break;
      }
    }
  }

  void fstring(Scope* s, const FStringExpr* f) {
    for (auto& p : f->parts) {
      if (p.is_literal) continue;
      expr(s, p.expr.get());
      if (p.format_spec) fstring(s, p.format_spec.get());
    }
  }

  void body(Scope* s, const Body& b) {
    for (auto& st : b) stmt(s, st.get());
  }

  void declare(Scope* s, const NamesStmt* n) {
    bool global = n->kind == StmtKind::Global;
    for (auto& name : n->names) {
      if (s->kind == ScopeKind::Module && !global)
        syntax_error("nonlocal declaration not allowed at module level", n->span);
      if (s->params.size() &&
          std::find(s->params.begin(), s->params.end(), name) != s->params.end())
        syntax_error("name '" + name + "' is parameter and " + (global ? "global" : "nonlocal"),
                     n->span);
      if (s->assigned.count(name))
        syntax_error("name '" + name + "' is assigned to before " +
                         (global ? "global" : "nonlocal") + " declaration",
                     n->span);
      if (s->used.count(name))
        syntax_error("name '" + name + "' is used prior to " + (global ? "global" : "nonlocal") +
                         " declaration",
                     n->span);
      if (global) {
        s->globals.insert(name);
        s->global_spans[name] = n->span;
      } else {
        s->nonlocals.insert(name);
        s->nonlocal_spans[name] = n->span;
      }
    }
  }

  void stmt(Scope* s, const Stmt* st) {
    switch (st->kind) {
      case StmtKind::Expr:
        expr(s, static_cast<const ExprStmt*>(st)->value.get());
        break;
      case StmtKind::Assign: {
        auto* a = static_cast<const AssignStmt*>(st);
        expr(s, a->value.get());
        for (auto& t : a->targets) target(s, t.get());
        break;
      }
      case StmtKind::AugAssign: {
        auto* a = static_cast<const AugAssignStmt*>(st);
        expr(s, a->value.get());
        if (a->target->kind == ExprKind::Name)
          s->used.insert(static_cast<const NameExpr*>(a->target.get())->id);
        target(s, a->target.get());
        break;
      }
      case StmtKind::AnnAssign: {
        auto* a = static_cast<const AnnAssignStmt*>(st);
        if (a->value) {
          expr(s, a->value.get());
          target(s, a->target.get());
        }
        break;
      }
      case StmtKind::If: {
        auto* x = static_cast<const IfStmt*>(st);
        expr(s, x->test.get());
        body(s, x->body);
        body(s, x->orelse);
        break;
      }
      case StmtKind::While: {
        auto* x = static_cast<const WhileStmt*>(st);
        expr(s, x->test.get());
        body(s, x->body);
        body(s, x->orelse);
        break;
      }
      case StmtKind::For: {
        auto* x = static_cast<const ForStmt*>(st);
        expr(s, x->iter.get());
        target(s, x->target.get());
        body(s, x->body);
        body(s, x->orelse);
        break;
      }
      case StmtKind::Return:
        expr(s, static_cast<const ReturnStmt*>(st)->value.get());
        break;
      case StmtKind::FunctionDef: {
        auto* f = static_cast<const FunctionDefStmt*>(st);
        Scope* inner = new_scope(ScopeKind::Function, s, f, f->name);
        params(s, inner, f->params);
        assign(s, f->name, f->name_span);
        body(inner, f->body);
        break;
      }
      case StmtKind::ClassDef: {
        auto* c = static_cast<const ClassDefStmt*>(st);
        for (auto& b : c->bases) expr(s, b.get());
        Scope* inner = new_scope(ScopeKind::Class, s, c, c->name);
        assign(s, c->name, c->name_span);
        body(inner, c->body);
        break;
      }
      case StmtKind::Global:
      case StmtKind::Nonlocal:
        declare(s, static_cast<const NamesStmt*>(st));
        break;
      case StmtKind::Import:
        for (auto& a : static_cast<const ImportStmt*>(st)->names) {
          std::string n = a.asname.empty() ? a.name.substr(0, a.name.find('.')) : a.asname;
          assign(s, n, a.span);
        }
        break;
      case StmtKind::ImportFrom:
        for (auto& a : static_cast<const ImportFromStmt*>(st)->names)
          if (a.name != "*") assign(s, a.asname.empty() ? a.name : a.asname, a.span);
        break;
      case StmtKind::Assert: {
        auto* a = static_cast<const AssertStmt*>(st);
        expr(s, a->test.get());
        expr(s, a->msg.get());
        break;
      }
      case StmtKind::Del:
        for (auto& t : static_cast<const DelStmt*>(st)->targets) target(s, t.get());
        break;
      case StmtKind::With: {
        auto* w = static_cast<const WithStmt*>(st);
        for (auto& it : w->items) {
          expr(s, it.context.get());
          if (it.target) target(s, it.target.get());
        }
        body(s, w->body);
        break;
      }
      case StmtKind::Try: {
        auto* t = static_cast<const TryStmt*>(st);
        body(s, t->body);
        for (auto& h : t->handlers) {
          expr(s, h.type.get());
          if (!h.name.empty()) assign(s, h.name, h.span);
          body(s, h.body);
        }
        body(s, t->orelse);
        body(s, t->finalbody);
        break;
      }
      case StmtKind::Raise: {
        auto* r = static_cast<const RaiseStmt*>(st);
        expr(s, r->exc.get());
        expr(s, r->cause.get());
        break;
      }
      case StmtKind::Break:
      case StmtKind::Continue:
      case StmtKind::Pass:
        break;
    }
  }

 private:
  std::unordered_map<const void*, Scope*>& index_;
  std::unique_ptr<Scope> root_;
};

// Finds `name` in the functions enclosing `s` (class bodies are skipped, as in Python). Marks
// the defining scope's binding a Cell and passes it through intermediate scopes as Free.
bool resolve_free(Scope* s, const std::string& name) {
  Scope* p = s->parent;
  while (p && p->kind == ScopeKind::Class) p = p->parent;
  if (!p || p->kind == ScopeKind::Module) return false;
  auto it = p->bindings.find(name);
  if (it != p->bindings.end()) {
    if (it->second == Binding::Local) it->second = Binding::Cell;
    if (it->second == Binding::Cell || it->second == Binding::Free) return true;
    return false;
  }
  if (p->globals.count(name)) return false;
  if (resolve_free(p, name)) {
    p->bindings[name] = Binding::Free;
    p->freevars.push_back(name);
    return true;
  }
  return false;
}

// Children may resolve their names only after all of the parent's locals are known, and a
// parent's local only becomes a cell once a child asks; so resolve in two passes: locals of
// every scope first, then free names.
void resolve_locals(Scope* s) {
  if (s->kind == ScopeKind::Function) {
    for (auto& n : s->assigned) s->bindings[n] = Binding::Local;
    for (auto& n : s->globals) s->bindings[n] = Binding::Global;
  } else if (s->kind == ScopeKind::Class) {
    for (auto& n : s->assigned) s->bindings[n] = Binding::Name;
    for (auto& n : s->globals) s->bindings[n] = Binding::Global;
  }
  for (auto& c : s->children) resolve_locals(c.get());
}

void resolve_names(Scope* s) {
  for (auto& n : s->nonlocals) {
    if (std::find(s->freevars.begin(), s->freevars.end(), n) != s->freevars.end()) continue;
    if (!resolve_free(s, n))
      syntax_error("no binding for nonlocal '" + n + "' found", s->nonlocal_spans[n]);
    s->bindings[n] = Binding::Free;
    s->freevars.push_back(n);
  }
  if (s->kind != ScopeKind::Module) {
    for (auto& n : s->used) {
      auto it = s->bindings.find(n);
      if (it != s->bindings.end()) continue;
      if (resolve_free(s, n)) {
        s->bindings[n] = Binding::Free;
        s->freevars.push_back(n);
      }
    }
  }
  for (auto& c : s->children) resolve_names(c.get());
}

}  // namespace

std::unique_ptr<Scope> analyze_scopes(const Module& m,
                                      std::unordered_map<const void*, Scope*>& index) {
  Collector c(index);
  Scope* root = c.new_scope(ScopeKind::Module, nullptr, nullptr, "<module>");
  c.body(root, m.body);
  auto owned = c.take_root();
  resolve_locals(owned.get());
  resolve_names(owned.get());
  return owned;
}

}  // namespace gradlab::lang
