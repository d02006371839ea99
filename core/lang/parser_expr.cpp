// Expressions, by precedence from lowest to highest: lambda < conditional < or < and < not <
// comparisons < | < ^ < & < shifts < + - < * / // % @ < unary + - ~ < ** < calls, attributes,
// subscripts < atoms. Everything from `or` to `*` is one precedence-climbing function, so a
// bracket costs few C++ frames (about 1 KB of stack per level of nesting).
#include "lang/parser_impl.h"

namespace gradlab::lang::detail {
namespace {

bool binary_operator(TokenKind kind, int* level, BinOpKind* op) {
  switch (kind) {
    case TokenKind::Pipe:
      *level = kBitOr, *op = BinOpKind::BitOr;
      return true;
    case TokenKind::Caret:
      *level = kBitXor, *op = BinOpKind::BitXor;
      return true;
    case TokenKind::Amp:
      *level = kBitAnd, *op = BinOpKind::BitAnd;
      return true;
    case TokenKind::LShift:
      *level = kShift, *op = BinOpKind::LShift;
      return true;
    case TokenKind::RShift:
      *level = kShift, *op = BinOpKind::RShift;
      return true;
    case TokenKind::Plus:
      *level = kSum, *op = BinOpKind::Add;
      return true;
    case TokenKind::Minus:
      *level = kSum, *op = BinOpKind::Sub;
      return true;
    case TokenKind::Star:
      *level = kTerm, *op = BinOpKind::Mul;
      return true;
    case TokenKind::Slash:
      *level = kTerm, *op = BinOpKind::Div;
      return true;
    case TokenKind::DoubleSlash:
      *level = kTerm, *op = BinOpKind::FloorDiv;
      return true;
    case TokenKind::Percent:
      *level = kTerm, *op = BinOpKind::Mod;
      return true;
    case TokenKind::At:
      *level = kTerm, *op = BinOpKind::MatMul;
      return true;
    default:
      return false;
  }
}

void append_literal(FStringExpr& out, const std::string& text) {
  if (text.empty()) return;
  if (!out.parts.empty() && out.parts.back().is_literal) {
    out.parts.back().literal += text;
    return;
  }
  FStringPart part;
  part.literal = text;
  out.parts.push_back(std::move(part));
}

std::unique_ptr<ConstantExpr> make_constant(Span span, ConstKind kind) {
  auto c = std::make_unique<ConstantExpr>(span);
  c->ckind = kind;
  return c;
}

}  // namespace

ExprPtr Parser::parse_star_expressions() {
  const size_t start = pos_;
  ExprPtr first = parse_star_expression();
  if (!check(TokenKind::Comma)) return first;
  auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, Span{});
  tuple->elts.push_back(std::move(first));
  while (match(TokenKind::Comma)) {
    if (!can_start_expression(peek()) && !check(TokenKind::Star)) break;
    tuple->elts.push_back(parse_star_expression());
  }
  tuple->span = span_from(start);
  return tuple;
}

ExprPtr Parser::parse_star_expression() {
  if (!check(TokenKind::Star)) return parse_expression();
  const size_t start = pos_;
  advance();
  auto starred = std::make_unique<StarredExpr>(Span{});
  starred->value = parse_operators(kBitOr);
  starred->span = span_from(start);
  return starred;
}

ExprPtr Parser::parse_expression() {
  if (check(TokenKind::KwLambda)) return parse_lambda();
  const size_t start = pos_;
  ExprPtr body = parse_operators(kOr);
  if (!check(TokenKind::KwIf)) return body;
  advance();
  auto node = std::make_unique<IfExpExpr>(Span{});
  node->body = std::move(body);
  node->test = parse_operators(kOr);
  if (!match(TokenKind::KwElse)) {
    if (check(TokenKind::Colon)) fail_unexpected();
    fail(span_from(start), "expected 'else' after 'if' expression");
  }
  NestingGuard nested(*this);
  node->orelse = parse_expression();
  node->span = span_from(start);
  return node;
}

ExprPtr Parser::parse_operators(int level) {
  const size_t start = pos_;
  NestingRestore restore(*this);  // each operator in a chain nests the tree one level
  ExprPtr left;
  if (level <= kNot && check(TokenKind::KwNot)) {
    enter_nesting();
    advance();
    auto node = std::make_unique<UnaryOpExpr>(Span{});
    node->op = UnaryOpKind::Not;
    node->operand = parse_operators(kNot);
    node->span = span_from(start);
    left = std::move(node);
  } else {
    left = parse_factor();
  }
  for (;;) {
    const TokenKind kind = peek().kind;
    if (kind == TokenKind::KwOr || kind == TokenKind::KwAnd) {  // flat: a or b or c
      const int bool_level = kind == TokenKind::KwOr ? kOr : kAnd;
      if (bool_level < level) break;
      auto node = std::make_unique<BoolOpExpr>(Span{});
      node->is_and = kind == TokenKind::KwAnd;
      node->values.push_back(std::move(left));
      while (match(kind)) node->values.push_back(parse_operators(bool_level + 1));
      node->span = span_from(start);
      left = std::move(node);
      continue;
    }
    CmpOpKind cmp = CmpOpKind::Eq;
    if (level <= kCompare && comparison_operator(&cmp)) {  // a chain: a < b <= c
      auto node = std::make_unique<CompareExpr>(Span{});
      node->left = std::move(left);
      do {
        node->ops.push_back(cmp);
        node->comparators.push_back(parse_operators(kBitOr));
      } while (comparison_operator(&cmp));
      node->span = span_from(start);
      left = std::move(node);
      continue;
    }
    int op_level = 0;
    BinOpKind op = BinOpKind::Add;
    if (!binary_operator(kind, &op_level, &op) || op_level < level) break;
    enter_nesting();
    advance();
    auto node = std::make_unique<BinOpExpr>(Span{});
    node->op = op;
    node->left = std::move(left);
    node->right = parse_operators(op_level + 1);
    node->span = span_from(start);
    left = std::move(node);
  }
  return left;
}

bool Parser::comparison_operator(CmpOpKind* op) {
  switch (peek().kind) {
    case TokenKind::Less:
      *op = CmpOpKind::Lt;
      break;
    case TokenKind::Greater:
      *op = CmpOpKind::Gt;
      break;
    case TokenKind::LessEqual:
      *op = CmpOpKind::LtE;
      break;
    case TokenKind::GreaterEqual:
      *op = CmpOpKind::GtE;
      break;
    case TokenKind::EqEqual:
      *op = CmpOpKind::Eq;
      break;
    case TokenKind::NotEqual:
      *op = CmpOpKind::NotEq;
      break;
    case TokenKind::KwIn:
      *op = CmpOpKind::In;
      break;
    case TokenKind::KwIs:
      *op = peek(1).kind == TokenKind::KwNot ? CmpOpKind::IsNot : CmpOpKind::Is;
      break;
    case TokenKind::KwNot:
      if (peek(1).kind != TokenKind::KwIn) return false;
      *op = CmpOpKind::NotIn;
      break;
    default:
      return false;
  }
  advance();
  if (*op == CmpOpKind::IsNot || *op == CmpOpKind::NotIn) advance();
  return true;
}

ExprPtr Parser::parse_factor() {
  if (!check(TokenKind::Plus) && !check(TokenKind::Minus) && !check(TokenKind::Tilde)) {
    return parse_power();
  }
  NestingRestore restore(*this);
  std::vector<std::pair<size_t, UnaryOpKind>> ops;  // collected, so - - - x needs no recursion
  for (;;) {
    const TokenKind kind = peek().kind;
    if (kind != TokenKind::Plus && kind != TokenKind::Minus && kind != TokenKind::Tilde) break;
    ops.emplace_back(pos_, kind == TokenKind::Plus    ? UnaryOpKind::Pos
                           : kind == TokenKind::Minus ? UnaryOpKind::Neg
                                                      : UnaryOpKind::Invert);
    enter_nesting();
    advance();
  }
  ExprPtr e = parse_power();
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    auto node = std::make_unique<UnaryOpExpr>(span_from(it->first));
    node->op = it->second;
    node->operand = std::move(e);
    e = std::move(node);
  }
  return e;
}

ExprPtr Parser::parse_power() {
  const size_t start = pos_;
  ExprPtr base = parse_primary();
  if (!check(TokenKind::DoubleStar)) return base;
  NestingGuard nested(*this);
  advance();
  auto node = std::make_unique<BinOpExpr>(Span{});
  node->op = BinOpKind::Pow;
  node->left = std::move(base);
  node->right = parse_factor();  // right-associative, and 2 ** -1 is fine
  node->span = span_from(start);
  return node;
}

ExprPtr Parser::parse_primary() {
  const size_t start = pos_;
  ExprPtr e = parse_atom();
  NestingRestore restore(*this);
  for (;;) {
    if (check(TokenKind::Dot)) {
      enter_nesting();
      advance();
      if (!check(TokenKind::Name)) fail_unexpected();
      const Token& name = advance();
      auto node = std::make_unique<AttributeExpr>(Span{});
      node->value = std::move(e);
      node->attr = name.text;
      node->attr_span = name.span;
      node->span = span_from(start);
      e = std::move(node);
    } else if (check(TokenKind::LParen)) {
      enter_nesting();
      auto node = std::make_unique<CallExpr>(Span{});
      node->func = std::move(e);
      parse_call_args(*node);
      node->span = span_from(start);
      e = std::move(node);
    } else if (check(TokenKind::LBracket)) {
      enter_nesting();
      advance();
      auto node = std::make_unique<SubscriptExpr>(Span{});
      node->value = std::move(e);
      node->index = parse_slices();
      expect(TokenKind::RBracket);
      node->span = span_from(start);
      e = std::move(node);
    } else {
      return e;
    }
  }
}

ExprPtr Parser::parse_atom() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::Name:
      advance();
      return std::make_unique<NameExpr>(t.span, t.text);
    case TokenKind::Int: {
      advance();
      auto c = make_constant(t.span, ConstKind::Int);
      c->i = t.int_value;
      return c;
    }
    case TokenKind::Float: {
      advance();
      auto c = make_constant(t.span, ConstKind::Float);
      c->f = t.float_value;
      return c;
    }
    case TokenKind::KwTrue:
    case TokenKind::KwFalse: {
      advance();
      auto c = make_constant(t.span, ConstKind::Bool);
      c->b = t.kind == TokenKind::KwTrue;
      return c;
    }
    case TokenKind::KwNone:
      advance();
      return make_constant(t.span, ConstKind::None);
    case TokenKind::Ellipsis:
      advance();
      return make_constant(t.span, ConstKind::Ellipsis);
    case TokenKind::String:
    case TokenKind::FString:
      return parse_strings();
    case TokenKind::LParen:
      return parse_paren();
    case TokenKind::LBracket:
      return parse_list();
    case TokenKind::LBrace:
      return parse_brace();
    default:
      fail_unexpected();
  }
}

// ( ) | (e) | (a, b) | (e for ...)
ExprPtr Parser::parse_paren() {
  NestingGuard nested(*this);
  const size_t start = pos_;
  advance();
  auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, Span{});
  if (!check(TokenKind::RParen)) {
    if (check(TokenKind::KwYield)) fail_unexpected();
    ExprPtr first = parse_star_expression();
    if (check(TokenKind::KwFor)) {
      ExprPtr comp = parse_comprehension(CompKind::Generator, std::move(first), nullptr, start);
      expect(TokenKind::RParen);
      comp->span = span_from(start);
      return comp;
    }
    if (match(TokenKind::RParen)) {
      if (first->kind == ExprKind::Starred) {
        fail(first->span, "cannot use starred expression here");
      }
      return first;
    }
    tuple->elts.push_back(std::move(first));
    for (;;) {
      if (!check(TokenKind::Comma)) fail_after(tuple->elts.back().get());
      advance();
      if (check(TokenKind::RParen)) break;
      tuple->elts.push_back(parse_star_expression());
      if (check(TokenKind::RParen)) break;
    }
  }
  advance();  // ')'
  tuple->span = span_from(start);
  return tuple;
}

// [ ] | [a, *b] | [e for ...]
ExprPtr Parser::parse_list() {
  NestingGuard nested(*this);
  const size_t start = pos_;
  advance();
  auto list = std::make_unique<SequenceExpr>(ExprKind::List, Span{});
  while (!check(TokenKind::RBracket)) {
    ExprPtr e = parse_star_expression();
    if (list->elts.empty() && check(TokenKind::KwFor)) {
      ExprPtr comp = parse_comprehension(CompKind::List, std::move(e), nullptr, start);
      expect(TokenKind::RBracket);
      comp->span = span_from(start);
      return comp;
    }
    list->elts.push_back(std::move(e));
    if (match(TokenKind::Comma)) continue;
    if (!check(TokenKind::RBracket)) fail_after(list->elts.back().get());
  }
  advance();  // ']'
  list->span = span_from(start);
  return list;
}

// { } | {k: v, **m} | {k: v for ...} | {a, *b} | {e for ...}
ExprPtr Parser::parse_brace() {
  NestingGuard nested(*this);
  const size_t start = pos_;
  advance();
  if (match(TokenKind::RBrace)) return std::make_unique<DictExpr>(span_from(start));
  // One dict entry, k: v or **m; value_only is set for **m.
  const auto dict_entry = [&](ExprPtr* key, ExprPtr* value, bool first) {
    const size_t entry_start = pos_;
    if (match(TokenKind::DoubleStar)) {
      *value = parse_operators(kBitOr);
      if (check(TokenKind::KwFor)) {
        fail(span_from(entry_start), "dict unpacking cannot be used in dict comprehension");
      }
      return;
    }
    if (!first) *key = parse_expression();
    if (!check(TokenKind::Colon)) {
      if (check(TokenKind::Comma) || check(TokenKind::RBrace)) {
        fail((*key)->span, "':' expected after dictionary key");
      }
      fail_after(key->get());
    }
    const Token& colon = advance();
    if (!can_start_expression(peek())) {
      fail(colon.span, "expression expected after dictionary key and ':'");
    }
    *value = parse_expression();
  };
  ExprPtr key, value;
  bool is_dict = check(TokenKind::DoubleStar);
  if (!is_dict) {
    key = parse_star_expression();
    is_dict = check(TokenKind::Colon) && key->kind != ExprKind::Starred;
  }
  if (is_dict) {
    dict_entry(&key, &value, true);
    if (key && check(TokenKind::KwFor)) {
      ExprPtr comp = parse_comprehension(CompKind::Dict, std::move(key), std::move(value), start);
      expect(TokenKind::RBrace);
      comp->span = span_from(start);
      return comp;
    }
    auto dict = std::make_unique<DictExpr>(Span{});
    dict->keys.push_back(std::move(key));
    dict->values.push_back(std::move(value));
    for (;;) {
      if (!match(TokenKind::Comma)) {
        if (!check(TokenKind::RBrace)) fail_after(dict->values.back().get());
        break;
      }
      if (check(TokenKind::RBrace)) break;
      dict_entry(&key, &value, false);
      dict->keys.push_back(std::move(key));
      dict->values.push_back(std::move(value));
    }
    advance();  // '}'
    dict->span = span_from(start);
    return dict;
  }
  if (check(TokenKind::KwFor)) {
    ExprPtr comp = parse_comprehension(CompKind::Set, std::move(key), nullptr, start);
    expect(TokenKind::RBrace);
    comp->span = span_from(start);
    return comp;
  }
  auto set = std::make_unique<SequenceExpr>(ExprKind::Set, Span{});
  set->elts.push_back(std::move(key));
  for (;;) {
    if (!match(TokenKind::Comma)) {
      if (!check(TokenKind::RBrace)) fail_after(set->elts.back().get());
      break;
    }
    if (check(TokenKind::RBrace)) break;
    set->elts.push_back(parse_star_expression());
  }
  advance();  // '}'
  set->span = span_from(start);
  return set;
}

ExprPtr Parser::parse_comprehension(CompKind kind, ExprPtr elt, ExprPtr value, size_t start) {
  if (elt->kind == ExprKind::Starred) {
    fail(elt->span, "iterable unpacking cannot be used in comprehension");
  }
  auto comp = std::make_unique<CompExpr>(Span{});
  comp->ckind = kind;
  comp->elt = std::move(elt);
  comp->value = std::move(value);
  while (check(TokenKind::KwFor) || check(TokenKind::KwAsync)) {
    if (check(TokenKind::KwAsync)) fail_unexpected();
    advance();
    ComprehensionFor clause;
    clause.target = parse_target_list();
    check_target(*clause.target, TargetUse::Assign);
    if (!match(TokenKind::KwIn)) fail_after(clause.target.get());
    clause.iter = parse_operators(kOr);
    while (match(TokenKind::KwIf)) clause.ifs.push_back(parse_operators(kOr));
    comp->generators.push_back(std::move(clause));
  }
  comp->span = span_from(start);
  return comp;
}

ExprPtr Parser::parse_target_list() {
  const size_t start = pos_;
  ExprPtr first = parse_star_target();
  if (!check(TokenKind::Comma)) return first;
  auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, Span{});
  tuple->elts.push_back(std::move(first));
  while (match(TokenKind::Comma)) {
    if (!can_start_expression(peek()) && !check(TokenKind::Star)) break;
    tuple->elts.push_back(parse_star_target());
  }
  tuple->span = span_from(start);
  return tuple;
}

ExprPtr Parser::parse_star_target() {
  if (!check(TokenKind::Star)) return parse_operators(kBitOr);
  const size_t start = pos_;
  advance();
  auto starred = std::make_unique<StarredExpr>(Span{});
  starred->value = parse_operators(kBitOr);
  starred->span = span_from(start);
  return starred;
}

// The index of a[...]: one slice or expression, or a Tuple of them when there is a comma.
ExprPtr Parser::parse_slices() {
  const size_t start = pos_;
  ExprPtr first = parse_slice();
  if (!check(TokenKind::Comma) && first->kind != ExprKind::Starred) {  // a[*b] indexes by a tuple
    if (!check(TokenKind::RBracket)) fail_after(first.get());
    return first;
  }
  auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, Span{});
  tuple->elts.push_back(std::move(first));
  while (match(TokenKind::Comma)) {
    if (check(TokenKind::RBracket)) break;
    tuple->elts.push_back(parse_slice());
    if (!check(TokenKind::Comma) && !check(TokenKind::RBracket)) {
      fail_after(tuple->elts.back().get());
    }
  }
  tuple->span = span_from(start);
  return tuple;
}

ExprPtr Parser::parse_slice() {
  if (check(TokenKind::Star)) return parse_star_expression();
  const size_t start = pos_;
  ExprPtr lower;
  if (!check(TokenKind::Colon)) {
    lower = parse_expression();
    if (!check(TokenKind::Colon)) return lower;
  }
  advance();  // ':'
  auto slice = std::make_unique<SliceExpr>(Span{});
  slice->lower = std::move(lower);
  if (can_start_expression(peek())) slice->upper = parse_expression();
  if (match(TokenKind::Colon) && can_start_expression(peek())) slice->step = parse_expression();
  slice->span = span_from(start);
  return slice;
}

void Parser::parse_call_args(CallExpr& call) {
  const size_t open = pos_;
  expect(TokenKind::LParen);
  bool keyword_seen = false, unpacking_seen = false;
  while (!check(TokenKind::RParen)) {
    const size_t arg_start = pos_;
    const Expr* last = nullptr;
    if (match(TokenKind::Star)) {
      auto starred = std::make_unique<StarredExpr>(Span{});
      starred->value = parse_expression();
      starred->span = span_from(arg_start);
      if (unpacking_seen) {
        fail(starred->span, "iterable argument unpacking follows keyword argument unpacking");
      }
      last = starred->value.get();
      call.args.push_back(std::move(starred));
    } else if (match(TokenKind::DoubleStar)) {
      Keyword keyword;
      keyword.value = parse_expression();
      keyword.span = span_from(arg_start);
      unpacking_seen = true;
      last = keyword.value.get();
      call.keywords.push_back(std::move(keyword));
    } else if (check(TokenKind::Name) && peek(1).kind == TokenKind::Equal) {
      Keyword keyword;
      keyword.name = advance().text;
      advance();
      if (!can_start_expression(peek())) fail_unexpected();
      keyword.value = parse_expression();
      keyword.span = span_from(arg_start);
      for (const Keyword& other : call.keywords) {
        if (other.name == keyword.name) {
          fail(keyword.span, "keyword argument repeated: " + keyword.name);
        }
      }
      keyword_seen = true;
      last = keyword.value.get();
      call.keywords.push_back(std::move(keyword));
    } else {
      ExprPtr e = parse_expression();
      if (check(TokenKind::KwFor)) {  // sum(x * x for x in v)
        ExprPtr gen = parse_comprehension(CompKind::Generator, std::move(e), nullptr, arg_start);
        if (!call.args.empty() || !call.keywords.empty() || !check(TokenKind::RParen)) {
          fail(gen->span, "Generator expression must be parenthesized");
        }
        advance();
        gen->span = span_from(open);
        call.args.push_back(std::move(gen));
        return;
      }
      if (check(TokenKind::Equal)) {  // f(x.y=1), f(True=1)
        if (e->kind == ExprKind::Constant &&
            (static_cast<const ConstantExpr&>(*e).ckind == ConstKind::None ||
             static_cast<const ConstantExpr&>(*e).ckind == ConstKind::Bool)) {
          fail(e->span, std::string("cannot assign to ") + expr_name(*e));
        }
        fail(cover(e->span, peek().span),
             "expression cannot contain assignment, perhaps you meant \"==\"?");
      }
      if (unpacking_seen) fail(e->span, "positional argument follows keyword argument unpacking");
      if (keyword_seen) fail(e->span, "positional argument follows keyword argument");
      last = e.get();
      call.args.push_back(std::move(e));
    }
    if (!match(TokenKind::Comma)) {
      if (!check(TokenKind::RParen)) fail_after(last);
      break;
    }
  }
  advance();  // ')'
}

std::vector<Param> Parser::parse_params(TokenKind closer, bool annotations) {
  std::vector<Param> params;
  bool star_seen = false, kwstar_seen = false, slash_seen = false, default_seen = false;
  const Token* bare_star = nullptr;
  bool bare_star_followed = false;
  const auto add = [&](Param param) {
    for (const Param& other : params) {
      if (other.name == param.name) {
        fail(param.span, "duplicate argument '" + param.name + "' in function definition");
      }
    }
    params.push_back(std::move(param));
  };
  const auto annotation = [&] {
    if (annotations && match(TokenKind::Colon)) parse_expression();  // parsed and ignored
  };
  while (!check(closer)) {
    const Token& t = peek();
    if (kwstar_seen) fail(t.span, "arguments cannot follow var-keyword argument");
    if (t.kind == TokenKind::Slash) {
      if (params.empty()) fail(t.span, "at least one argument must precede /");
      if (slash_seen) fail(t.span, "/ may appear only once");
      if (star_seen) fail(t.span, "/ must be ahead of *");
      slash_seen = true;  // positional-only: accepted, treated as ordinary parameters
      advance();
    } else if (t.kind == TokenKind::Star || t.kind == TokenKind::DoubleStar) {
      const bool var_keyword = t.kind == TokenKind::DoubleStar;
      if (!var_keyword && star_seen) fail(t.span, "* argument may appear only once");
      advance();
      if (!var_keyword && !check(TokenKind::Name)) {
        star_seen = true;
        bare_star = &t;
      } else {
        Param param;
        const Token& name = expect(TokenKind::Name);
        param.name = name.text;
        param.span = name.span;
        param.kind = var_keyword ? ParamKind::VarKw : ParamKind::VarArgs;
        annotation();
        if (check(TokenKind::Equal)) {
          fail(peek().span, var_keyword ? "var-keyword argument cannot have default value"
                                        : "var-positional argument cannot have default value");
        }
        (var_keyword ? kwstar_seen : star_seen) = true;
        add(std::move(param));
      }
    } else if (t.kind == TokenKind::Name) {
      advance();
      Param param;
      param.name = t.text;
      param.span = t.span;
      param.kind = star_seen ? ParamKind::KwOnly : ParamKind::Normal;
      annotation();
      if (match(TokenKind::Equal)) {
        if (!can_start_expression(peek())) fail_unexpected();
        param.default_value = parse_expression();
        if (!star_seen) default_seen = true;
      } else if (!star_seen && default_seen) {
        fail(t.span, "non-default argument follows default argument");
      }
      if (bare_star != nullptr) bare_star_followed = true;
      add(std::move(param));
    } else {
      fail_unexpected();
    }
    if (!match(TokenKind::Comma)) break;
  }
  if (bare_star != nullptr && !bare_star_followed) {
    fail(bare_star->span, "named arguments must follow bare *");
  }
  return params;
}

// ---- strings and f-strings ---------------------------------------------------------------

ExprPtr Parser::parse_strings() {
  const size_t start = pos_;
  bool formatted = false;
  for (size_t i = pos_; i < toks_->size(); ++i) {
    const TokenKind kind = (*toks_)[i].kind;
    if (kind != TokenKind::String && kind != TokenKind::FString) break;
    formatted = formatted || kind == TokenKind::FString;
  }
  if (!formatted) {
    auto c = make_constant(Span{}, ConstKind::Str);
    while (check(TokenKind::String)) c->s += advance().text;
    c->span = span_from(start);
    return c;
  }
  auto f = std::make_unique<FStringExpr>(Span{});
  while (check(TokenKind::String) || check(TokenKind::FString)) {
    const Token& t = advance();
    if (t.kind == TokenKind::String) {
      append_literal(*f, t.text);
    } else {
      add_fstring_pieces(*t.fstring, *f);
    }
  }
  f->span = span_from(start);
  return f;
}

void Parser::add_fstring_pieces(const std::vector<FStringPiece>& pieces, FStringExpr& out) {
  for (const FStringPiece& piece : pieces) {
    if (piece.is_literal) {
      append_literal(out, piece.literal);
      continue;
    }
    FStringPart part;
    part.is_literal = false;
    part.expr = parse_field_expression(piece.expr);
    part.conversion = piece.conversion;
    if (!piece.spec.empty()) {  // f"{x:}" is the same as f"{x}"
      auto spec = std::make_unique<FStringExpr>(piece.span);
      add_fstring_pieces(piece.spec, *spec);
      part.format_spec = std::move(spec);
    }
    out.parts.push_back(std::move(part));
  }
}

ExprPtr Parser::parse_field_expression(const std::vector<Token>& tokens) {
  struct Restore {
    Parser& parser;
    const std::vector<Token>* toks;
    size_t pos;
    ~Restore() { parser.toks_ = toks, parser.pos_ = pos; }
  } restore{*this, toks_, pos_};
  toks_ = &tokens;
  pos_ = 0;
  try {
    ExprPtr e = parse_star_expressions();
    if (e->kind == ExprKind::Starred) fail(e->span, "cannot use starred expression here");
    if (!check(TokenKind::EndOfFile)) fail_after(e.get());
    return e;
  } catch (const SyntaxError& error) {
    if (error.message().rfind("f-string", 0) == 0) throw;
    throw SyntaxError(error.type(), "f-string: " + error.message(), error.span());
  }
}

ExprPtr Parser::parse_lambda() {
  const size_t start = pos_;
  advance();
  auto lambda = std::make_unique<LambdaExpr>(Span{});
  lambda->params = parse_params(TokenKind::Colon, false);
  expect(TokenKind::Colon);
  NestingGuard nested(*this);
  lambda->body = parse_expression();
  lambda->span = span_from(start);
  return lambda;
}

}  // namespace gradlab::lang::detail
