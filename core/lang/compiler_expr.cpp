// Code generation for expressions, assignment targets, calls, functions, comprehensions and
// f-strings.
#include <cctype>

#include "lang/compiler_internal.h"

namespace gradlab::lang {

// CPython interns string constants made of name characters only ('lr', 'momentum_buffer'):
// as dict keys they are then the very object the keyword names of dict(lr=...) are, and a
// lookup compares pointers instead of text.
static bool name_characters_only(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return true;
}

void CodeGen::expr(const Expr* e) {
  span = e->span;
  switch (e->kind) {
    case ExprKind::Name:
      load_name(static_cast<const NameExpr*>(e)->id);
      break;
    case ExprKind::Constant: {
      auto* c = static_cast<const ConstantExpr*>(e);
      switch (c->ckind) {
        case ConstKind::None:
          load_const(Value::none());
          break;
        case ConstKind::Bool:
          load_const(Value::boolean(c->b));
          break;
        case ConstKind::Int:
          load_int(c->i);
          break;
        case ConstKind::Float:
          load_const(Value::number(c->f));
          break;
        case ConstKind::Str:
          load_const(name_characters_only(c->s) ? vm.interned(c->s) : vm.str(c->s));
          break;
        case ConstKind::Ellipsis:
          load_const(Value::ellipsis());
          break;
      }
      break;
    }
    case ExprKind::FString:
      fstring(static_cast<const FStringExpr*>(e));
      break;
    case ExprKind::List:
    case ExprKind::Tuple:
    case ExprKind::Set: {
      auto* s = static_cast<const SequenceExpr*>(e);
      bool starred = false;
      for (auto& x : s->elts) starred |= x->kind == ExprKind::Starred;
      if (!starred) {
        bool all_const = s->elts.size() > 2;
        for (auto& x : s->elts) {
          expr(x.get());
          all_const &= x->kind == ExprKind::Constant;
        }
        span = e->span;
        Op op = e->kind == ExprKind::List    ? Op::BUILD_LIST
                : e->kind == ExprKind::Tuple ? Op::BUILD_TUPLE
                                             : Op::BUILD_SET;
        // CPython builds a constant set display as a frozenset and copies it into the new set,
        // which changes the table layout (and so the printed order) of larger sets.
        uint32_t flag = op == Op::BUILD_SET && all_const ? kBuildSetFromConstant : 0;
        emit(op, uint32_t(s->elts.size()) | flag);
        break;
      }
      emit(Op::BUILD_LIST, 0);
      for (auto& x : s->elts) {
        if (x->kind == ExprKind::Starred) {
          expr(static_cast<const StarredExpr*>(x.get())->value.get());
          emit(Op::LIST_EXTEND, 1);
        } else {
          expr(x.get());
          emit(Op::LIST_APPEND, 1);
        }
      }
      span = e->span;
      if (e->kind == ExprKind::Tuple) emit(Op::LIST_TO_TUPLE);
      if (e->kind == ExprKind::Set) {
        // set(list): through the builtin
        emit(Op::LOAD_GLOBAL, module->slot(vm, vm.intern("set")));
        emit(Op::ROT_TWO);
        emit(Op::PUSH_NULL);
        emit(Op::ROT_TWO);
        emit(Op::CALL, 1);
      }
      break;
    }
    case ExprKind::Dict: {
      auto* d = static_cast<const DictExpr*>(e);
      bool merge = false;
      for (auto& k : d->keys) merge |= !k;
      if (!merge) {
        for (size_t i = 0; i < d->keys.size(); ++i) {
          expr(d->keys[i].get());
          expr(d->values[i].get());
        }
        span = e->span;
        emit(Op::BUILD_MAP, uint32_t(d->keys.size()));
        break;
      }
      emit(Op::BUILD_MAP, 0);
      for (size_t i = 0; i < d->keys.size(); ++i) {
        if (!d->keys[i]) {
          expr(d->values[i].get());
          emit(Op::DICT_MERGE, 1);
        } else {
          expr(d->keys[i].get());
          expr(d->values[i].get());
          emit(Op::MAP_ADD, 1);
        }
      }
      break;
    }
    case ExprKind::Comp:
      comprehension(static_cast<const CompExpr*>(e));
      break;
    case ExprKind::BinOp: {
      auto* b = static_cast<const BinOpExpr*>(e);
      expr(b->left.get());
      expr(b->right.get());
      span = e->span;
      emit(Op::BINARY_OP, uint32_t(b->op));
      break;
    }
    case ExprKind::UnaryOp: {
      auto* u = static_cast<const UnaryOpExpr*>(e);
      // Fold -literal so that -9223372036854775808 and small negatives are constants.
      if (u->op == UnaryOpKind::Neg && u->operand->kind == ExprKind::Constant) {
        auto* c = static_cast<const ConstantExpr*>(u->operand.get());
        if (c->ckind == ConstKind::Int && c->i != INT64_MIN) {
          load_int(-c->i);
          break;
        }
        if (c->ckind == ConstKind::Float) {
          load_const(Value::number(-c->f));
          break;
        }
      }
      expr(u->operand.get());
      span = e->span;
      emit(Op::UNARY_OP, uint32_t(u->op));
      break;
    }
    case ExprKind::BoolOp: {
      auto* b = static_cast<const BoolOpExpr*>(e);
      std::vector<uint32_t> jumps;
      for (size_t i = 0; i < b->values.size(); ++i) {
        expr(b->values[i].get());
        if (i + 1 < b->values.size())
          jumps.push_back(emit(b->is_and ? Op::JUMP_IF_FALSE_OR_POP : Op::JUMP_IF_TRUE_OR_POP));
      }
      for (uint32_t j : jumps) patch(j, here());
      break;
    }
    case ExprKind::Compare:
      compare(static_cast<const CompareExpr*>(e));
      break;
    case ExprKind::Call:
      call(static_cast<const CallExpr*>(e));
      break;
    case ExprKind::Attribute: {
      auto* a = static_cast<const AttributeExpr*>(e);
      expr(a->value.get());
      span = a->span;
      emit(Op::LOAD_ATTR, name_const(a->attr));
      break;
    }
    case ExprKind::Subscript: {
      auto* s = static_cast<const SubscriptExpr*>(e);
      expr(s->value.get());
      expr(s->index.get());
      span = e->span;
      emit(Op::BINARY_SUBSCR);
      break;
    }
    case ExprKind::Slice: {
      auto* s = static_cast<const SliceExpr*>(e);
      for (const Expr* p : {s->lower.get(), s->upper.get()}) {
        if (p)
          expr(p);
        else
          load_const(Value::none());
      }
      if (s->step) expr(s->step.get());
      span = e->span;
      emit(Op::BUILD_SLICE, s->step ? 3 : 2);
      break;
    }
    case ExprKind::Starred:
      syntax_error("can't use starred expression here", e->span);
    case ExprKind::Lambda: {
      auto* l = static_cast<const LambdaExpr*>(e);
      make_function(index.at(l), &l->params, nullptr, l->body.get(), "<lambda>");
      break;
    }
    case ExprKind::IfExp: {
      auto* x = static_cast<const IfExpExpr*>(e);
      expr(x->test.get());
      uint32_t jf = emit(Op::POP_JUMP_IF_FALSE);
      expr(x->body.get());
      uint32_t j = emit(Op::JUMP);
      patch(jf, here());
      depth -= 1;
      expr(x->orelse.get());
      patch(j, here());
      break;
    }
  }
}

void CodeGen::compare(const CompareExpr* c) {
  expr(c->left.get());
  auto emit_cmp = [&](CmpOpKind k) {
    span = c->span;
    switch (k) {
      case CmpOpKind::Eq:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Eq));
        break;
      case CmpOpKind::NotEq:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Ne));
        break;
      case CmpOpKind::Lt:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Lt));
        break;
      case CmpOpKind::LtE:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Le));
        break;
      case CmpOpKind::Gt:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Gt));
        break;
      case CmpOpKind::GtE:
        emit(Op::COMPARE_OP, uint32_t(CompareOp::Ge));
        break;
      case CmpOpKind::Is:
        emit(Op::IS_OP, 0);
        break;
      case CmpOpKind::IsNot:
        emit(Op::IS_OP, 1);
        break;
      case CmpOpKind::In:
        emit(Op::CONTAINS_OP, 0);
        break;
      case CmpOpKind::NotIn:
        emit(Op::CONTAINS_OP, 1);
        break;
    }
  };
  if (c->ops.size() == 1) {
    expr(c->comparators[0].get());
    emit_cmp(c->ops[0]);
    return;
  }
  std::vector<uint32_t> cleanups;
  for (size_t i = 0; i < c->ops.size(); ++i) {
    expr(c->comparators[i].get());
    if (i + 1 < c->ops.size()) {
      emit(Op::DUP_TOP);
      emit(Op::ROT_THREE);
      emit_cmp(c->ops[i]);
      cleanups.push_back(emit(Op::JUMP_IF_FALSE_OR_POP));
    } else {
      emit_cmp(c->ops[i]);
    }
  }
  uint32_t j = emit(Op::JUMP);
  for (uint32_t x : cleanups) patch(x, here());
  depth += 1;  // the cleanup path holds [middle, result]
  emit(Op::ROT_TWO);
  emit(Op::POP_TOP);
  patch(j, here());
}

void CodeGen::store(const Expr* t) {
  span = t->span;
  switch (t->kind) {
    case ExprKind::Name:
      store_name(static_cast<const NameExpr*>(t)->id);
      break;
    case ExprKind::Attribute: {
      auto* a = static_cast<const AttributeExpr*>(t);
      expr(a->value.get());
      span = a->span;
      emit(Op::STORE_ATTR, name_const(a->attr));
      break;
    }
    case ExprKind::Subscript: {
      auto* s = static_cast<const SubscriptExpr*>(t);
      expr(s->value.get());
      expr(s->index.get());
      span = t->span;
      emit(Op::STORE_SUBSCR);
      break;
    }
    case ExprKind::Tuple:
    case ExprKind::List: {
      auto* s = static_cast<const SequenceExpr*>(t);
      size_t star = s->elts.size();
      for (size_t i = 0; i < s->elts.size(); ++i)
        if (s->elts[i]->kind == ExprKind::Starred) {
          if (star != s->elts.size())
            syntax_error("multiple starred expressions in assignment", s->elts[i]->span);
          star = i;
        }
      if (star == s->elts.size()) {
        emit(Op::UNPACK_SEQUENCE, uint32_t(s->elts.size()));
      } else {
        emit(Op::UNPACK_EX, uint32_t(star) | uint32_t(s->elts.size() - star - 1) << 12);
      }
      for (auto& x : s->elts) {
        if (x->kind == ExprKind::Starred)
          store(static_cast<const StarredExpr*>(x.get())->value.get());
        else
          store(x.get());
      }
      break;
    }
    case ExprKind::Starred:
      syntax_error("starred assignment target must be in a list or tuple", t->span);
    case ExprKind::Call:
      syntax_error("cannot assign to function call", t->span);
    case ExprKind::Constant:
      syntax_error("cannot assign to literal", t->span);
    default:
      syntax_error("cannot assign to expression", t->span);
  }
}

void CodeGen::call(const CallExpr* c) {
  if (c->func->kind == ExprKind::Attribute) {
    auto* a = static_cast<const AttributeExpr*>(c->func.get());
    expr(a->value.get());
    span = a->span;
    emit(Op::LOAD_METHOD, name_const(a->attr));
  } else {
    expr(c->func.get());
    emit(Op::PUSH_NULL);
  }
  bool star = false;
  for (auto& a : c->args) star |= a->kind == ExprKind::Starred;
  for (auto& k : c->keywords) star |= k.name.empty();
  if (!star) {
    for (auto& a : c->args) expr(a.get());
    for (auto& k : c->keywords) expr(k.value.get());
    span = c->span;
    if (c->keywords.empty()) {
      emit(Op::CALL, uint32_t(c->args.size()));
    } else {
      std::vector<Value> names;
      for (auto& k : c->keywords) names.push_back(vm.interned(k.name));
      load_const(vm.tuple(std::move(names)));
      emit(Op::CALL_KW, uint32_t(c->args.size() + c->keywords.size()));
    }
    return;
  }
  emit(Op::BUILD_LIST, 0);
  for (auto& a : c->args) {
    if (a->kind == ExprKind::Starred) {
      expr(static_cast<const StarredExpr*>(a.get())->value.get());
      emit(Op::LIST_EXTEND, 1);
    } else {
      expr(a.get());
      emit(Op::LIST_APPEND, 1);
    }
  }
  emit(Op::LIST_TO_TUPLE);
  uint32_t flags = 0;
  if (!c->keywords.empty()) {
    flags = 1;
    emit(Op::BUILD_MAP, 0);
    for (auto& k : c->keywords) {
      if (k.name.empty()) {
        expr(k.value.get());
        emit(Op::DICT_MERGE, 1);
      } else {
        load_const(vm.interned(k.name));
        expr(k.value.get());
        emit(Op::MAP_ADD, 1);
      }
    }
  }
  span = c->span;
  emit(Op::CALL_EX, flags);
}

void CodeGen::make_function(Scope* inner, const std::vector<Param>* params, const Body* fbody,
                            const Expr* lambda_body, const std::string& docname) {
  Span here_span = span;
  uint32_t flags = 0;
  size_t ndefaults = 0;
  for (auto& p : *params)
    if (p.kind == ParamKind::Normal && p.default_value) {
      expr(p.default_value.get());
      ++ndefaults;
    }
  if (ndefaults) {
    emit(Op::BUILD_TUPLE, uint32_t(ndefaults));
    flags |= 1;
  }
  size_t nkw = 0;
  for (auto& p : *params)
    if (p.kind == ParamKind::KwOnly) {
      if (p.default_value)
        expr(p.default_value.get());
      else
        load_const(Value());
      ++nkw;
    }
  if (nkw) {
    emit(Op::BUILD_TUPLE, uint32_t(nkw));
    flags |= 2;
  }
  CodeGen gen(vm, module, source, index, inner, options);
  gen.span = here_span;
  gen.code->name = docname;
  for (auto& p : *params) {
    if (p.kind == ParamKind::Normal) ++gen.code->argcount;
    if (p.kind == ParamKind::KwOnly) ++gen.code->kwonlycount;
    if (p.kind == ParamKind::VarArgs) gen.code->varargs = true;
    if (p.kind == ParamKind::VarKw) gen.code->varkw = true;
  }
  if (fbody) {
    gen.function_body(*fbody);
  } else {
    gen.function_body({});
    gen.expr(lambda_body);
    gen.emit(Op::RETURN_VALUE);
  }
  Value fcode = gen.finish();
  span = here_span;
  if (!inner->freevars.empty()) {
    for (auto& fv : inner->freevars) emit(Op::LOAD_CLOSURE, slots_.at(fv));
    emit(Op::BUILD_TUPLE, uint32_t(inner->freevars.size()));
    flags |= 4;
  }
  load_const(fcode);
  emit(Op::MAKE_FUNCTION, flags);
}

void CodeGen::comprehension(const CompExpr* c) {
  Scope* inner = index.at(c);
  Span cspan = c->span;
  CodeGen gen(vm, module, source, index, inner, options);
  gen.span = cspan;
  gen.code->argcount = 1;
  gen.function_body({});
  gen.span = cspan;
  switch (c->ckind) {
    case CompKind::List:
    case CompKind::Generator:
      gen.emit(Op::BUILD_LIST, 0);
      break;
    case CompKind::Set:
      gen.emit(Op::BUILD_SET, 0);
      break;
    case CompKind::Dict:
      gen.emit(Op::BUILD_MAP, 0);
      break;
  }
  std::vector<std::pair<uint32_t, uint32_t>> loops;  // (FOR_ITER, loop top)
  for (size_t i = 0; i < c->generators.size(); ++i) {
    auto& g = c->generators[i];
    if (i == 0) {
      gen.emit(Op::LOAD_FAST, 0);
    } else {
      gen.expr(g.iter.get());
      gen.emit(Op::GET_ITER);
    }
    gen.span = cspan;
    uint32_t top = gen.emit(Op::FOR_ITER);
    loops.push_back({top, top});
    gen.store(g.target.get());
    for (auto& f : g.ifs) {
      gen.expr(f.get());
      gen.emit(Op::POP_JUMP_IF_FALSE, top);
    }
  }
  uint32_t distance = uint32_t(c->generators.size()) + 1;
  gen.expr(c->elt.get());
  if (c->ckind == CompKind::Dict) {
    gen.expr(c->value.get());
    gen.emit(Op::MAP_ADD, distance);
  } else {
    gen.emit(c->ckind == CompKind::Set ? Op::SET_ADD : Op::LIST_APPEND, distance);
  }
  for (size_t i = loops.size(); i-- > 0;) {
    gen.span = cspan;
    gen.emit(Op::JUMP, loops[i].second);
    gen.patch(loops[i].first, gen.here());
    gen.depth -= 1;
  }
  gen.emit(Op::RETURN_VALUE);
  Value ccode = gen.finish();
  span = cspan;
  uint32_t flags = 0;
  if (!inner->freevars.empty()) {
    for (auto& fv : inner->freevars) emit(Op::LOAD_CLOSURE, slots_.at(fv));
    emit(Op::BUILD_TUPLE, uint32_t(inner->freevars.size()));
    flags |= 4;
  }
  load_const(ccode);
  emit(Op::MAKE_FUNCTION, flags);
  emit(Op::PUSH_NULL);
  expr(c->generators[0].iter.get());
  span = cspan;
  emit(Op::GET_ITER);
  emit(Op::CALL, 1);
  if (c->ckind == CompKind::Generator) emit(Op::GEN_WRAP);
}

void CodeGen::fstring(const FStringExpr* f) {
  Span fspan = f->span;
  uint32_t n = 0;
  for (auto& p : f->parts) {
    if (p.is_literal) {
      if (p.literal.empty()) continue;
      load_const(vm.str(p.literal));
    } else {
      expr(p.expr.get());
      uint32_t conv = p.conversion == 's'   ? 1
                      : p.conversion == 'r' ? 2
                      : p.conversion == 'a' ? 3
                                            : 0;
      if (p.format_spec) {
        fstring(p.format_spec.get());
        conv |= 4;
      }
      span = fspan;
      emit(Op::FORMAT_VALUE, conv);
    }
    ++n;
  }
  span = fspan;
  if (n == 0)
    load_const(vm.str(""));
  else if (n > 1 || f->parts.size() != 1 || !f->parts[0].is_literal)
    emit(Op::BUILD_STRING, n);
}

}  // namespace gradlab::lang
