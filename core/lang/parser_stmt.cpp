// Statements: simple statements, compound statements and their blocks, and the
// statement-level recovery loop.
#include <string>

#include "lang/parser_impl.h"

namespace gradlab::lang::detail {
namespace {

// Raises a counter for the lifetime of a scope (loops, function bodies, ...).
class Counting {
 public:
  explicit Counting(int& counter) : counter_(counter) { ++counter_; }
  ~Counting() { --counter_; }
  Counting(const Counting&) = delete;
  Counting& operator=(const Counting&) = delete;

 private:
  int& counter_;
};

// Sets a counter for the lifetime of a scope, then restores it.
class Setting {
 public:
  Setting(int& counter, int value) : counter_(counter), saved_(counter) { counter_ = value; }
  ~Setting() { counter_ = saved_; }
  Setting(const Setting&) = delete;
  Setting& operator=(const Setting&) = delete;

 private:
  int& counter_;
  int saved_;
};

// The expression a simple statement ends with (what the next token was unexpected after).
const Expr* trailing_expr(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Expr:
      return static_cast<const ExprStmt&>(s).value.get();
    case StmtKind::Assign:
      return static_cast<const AssignStmt&>(s).value.get();
    case StmtKind::AugAssign:
      return static_cast<const AugAssignStmt&>(s).value.get();
    case StmtKind::AnnAssign: {
      const auto& a = static_cast<const AnnAssignStmt&>(s);
      return a.value ? a.value.get() : a.annotation.get();
    }
    case StmtKind::Return:
      return static_cast<const ReturnStmt&>(s).value.get();
    case StmtKind::Raise: {
      const auto& r = static_cast<const RaiseStmt&>(s);
      return r.cause ? r.cause.get() : r.exc.get();
    }
    case StmtKind::Assert: {
      const auto& a = static_cast<const AssertStmt&>(s);
      return a.msg ? a.msg.get() : a.test.get();
    }
    default:
      return nullptr;
  }
}

bool augmented_operator(TokenKind kind, BinOpKind* op) {
  switch (kind) {
    case TokenKind::PlusEqual:
      *op = BinOpKind::Add;
      return true;
    case TokenKind::MinusEqual:
      *op = BinOpKind::Sub;
      return true;
    case TokenKind::StarEqual:
      *op = BinOpKind::Mul;
      return true;
    case TokenKind::AtEqual:
      *op = BinOpKind::MatMul;
      return true;
    case TokenKind::SlashEqual:
      *op = BinOpKind::Div;
      return true;
    case TokenKind::DoubleSlashEqual:
      *op = BinOpKind::FloorDiv;
      return true;
    case TokenKind::PercentEqual:
      *op = BinOpKind::Mod;
      return true;
    case TokenKind::DoubleStarEqual:
      *op = BinOpKind::Pow;
      return true;
    case TokenKind::LShiftEqual:
      *op = BinOpKind::LShift;
      return true;
    case TokenKind::RShiftEqual:
      *op = BinOpKind::RShift;
      return true;
    case TokenKind::PipeEqual:
      *op = BinOpKind::BitOr;
      return true;
    case TokenKind::CaretEqual:
      *op = BinOpKind::BitXor;
      return true;
    case TokenKind::AmpEqual:
      *op = BinOpKind::BitAnd;
      return true;
    default:
      return false;
  }
}

bool is_simple_target(const Expr& e) {
  return e.kind == ExprKind::Name || e.kind == ExprKind::Attribute || e.kind == ExprKind::Subscript;
}

// del (a, [b, c]) deletes a, b and c: the compiler sees only Name/Attribute/Subscript.
void flatten_del_target(ExprPtr e, std::vector<ExprPtr>& out) {
  if (e->kind == ExprKind::Tuple || e->kind == ExprKind::List) {
    for (ExprPtr& elt : static_cast<SequenceExpr&>(*e).elts)
      flatten_del_target(std::move(elt), out);
    return;
  }
  out.push_back(std::move(e));
}

}  // namespace

// ---- the statement loop ------------------------------------------------------------------

void Parser::parse_statement_into(Body& out) {
  const size_t start = pos_;
  try {
    if (check(TokenKind::Indent)) {
      const Token& indent = advance();
      const Token& next = peek();
      if (next.kind == TokenKind::Error) {
        report(SyntaxError(next.error_type, next.text, next.span));
        advance();
        while (!check(TokenKind::Newline) && !check(TokenKind::EndOfFile)) advance();
      } else {  // underline the statement, or the indentation if none follows ("  \")
        report(SyntaxError("IndentationError", "unexpected indent",
                           next.span.length > 0 ? next.span : indent.span));
      }
      Body discarded;  // the over-indented lines are still checked for their own errors
      while (!check(TokenKind::Dedent) && !check(TokenKind::EndOfFile)) {
        parse_statement_into(discarded);
      }
      match(TokenKind::Dedent);
    } else if (check(TokenKind::Newline) || check(TokenKind::Dedent)) {
      advance();
    } else {
      parse_statement(out);
    }
  } catch (const SyntaxError& error) {
    recover(error, start);
  }
  if (pos_ == start && !check(TokenKind::EndOfFile)) advance();
}

void Parser::parse_statement(Body& out) {
  const Token& t = peek();
  const size_t start = pos_;
  switch (t.kind) {
    case TokenKind::KwIf:
      out.push_back(parse_if(start, "'if' statement"));
      return;
    case TokenKind::KwWhile:
      out.push_back(parse_while());
      return;
    case TokenKind::KwFor:
      out.push_back(parse_for());
      return;
    case TokenKind::KwTry:
      out.push_back(parse_try());
      return;
    case TokenKind::KwWith:
      out.push_back(parse_with());
      return;
    case TokenKind::KwDef:
      out.push_back(parse_def());
      return;
    case TokenKind::KwClass:
      out.push_back(parse_class());
      return;
    case TokenKind::At: {  // the decorator line is the error; the def after it parses as usual
      size_t last = pos_;
      while (tokens_[last + 1].kind != TokenKind::Newline &&
             tokens_[last + 1].kind != TokenKind::EndOfFile) {
        ++last;
      }
      fail(cover(t.span, tokens_[last].span), "decorators ('@') are not supported in gradlab");
    }
    case TokenKind::KwAsync:
      fail_unexpected();
    case TokenKind::Name:
      if (t.text == "match" && at_match_statement()) {
        report(
            SyntaxError("SyntaxError", "'match' statements are not supported in gradlab", t.span));
        while (!check(TokenKind::Newline) && !check(TokenKind::EndOfFile)) advance();
        if (match(TokenKind::Newline) && check(TokenKind::Indent)) skip_indented_block();
        return;
      }
      break;
    default:
      break;
  }
  parse_simple_statements(out);
}

bool Parser::at_match_statement() {
  const size_t saved = pos_;
  bool result = false;
  try {
    advance();
    if (can_start_expression(peek()) || check(TokenKind::Star)) {
      parse_star_expressions();
      result = check(TokenKind::Colon) && peek(1).kind == TokenKind::Newline;
    }
  } catch (const SyntaxError&) {
    result = false;
  }
  pos_ = saved;
  return result;
}

const Token& Parser::after_dedents() const {
  size_t i = pos_;
  while ((*toks_)[i].kind == TokenKind::Dedent) ++i;  // the stream ends with EndOfFile
  return (*toks_)[i];
}

void Parser::skip_indented_block() {
  int level = 0;
  do {
    if (check(TokenKind::EndOfFile)) return;
    if (check(TokenKind::Indent)) ++level;
    if (check(TokenKind::Dedent)) --level;
    advance();
  } while (level > 0);
}

Body Parser::parse_block(const std::string& what, int header_line) {
  Body body;
  if (!check(TokenKind::Newline)) {  // if x: y = 1
    parse_simple_statements(body);
    return body;
  }
  const Span newline = advance().span;
  if (!check(TokenKind::Indent)) {
    const Token& next = after_dedents();
    if (next.kind == TokenKind::Error) return body;  // the lexer's error says more; it comes next
    report(SyntaxError(
        "IndentationError",
        "expected an indented block after " + what + " on line " + std::to_string(header_line),
        next.kind == TokenKind::EndOfFile ? newline : next.span));
    return body;
  }
  advance();
  while (!check(TokenKind::Dedent) && !check(TokenKind::EndOfFile)) parse_statement_into(body);
  match(TokenKind::Dedent);
  return body;
}

void Parser::expect_colon(const Expr* last) {
  if (match(TokenKind::Colon)) return;
  if (check(TokenKind::Newline)) fail(peek().span, "expected ':'");
  fail_after(last);
}

// ---- simple statements -------------------------------------------------------------------

void Parser::parse_simple_statements(Body& out) {
  for (;;) {
    out.push_back(parse_simple_statement());
    if (match(TokenKind::Semicolon)) {
      if (check(TokenKind::Newline) || check(TokenKind::EndOfFile)) break;
      continue;
    }
    if (!check(TokenKind::Newline) && !check(TokenKind::EndOfFile)) {
      fail_after(trailing_expr(*out.back()));
    }
    break;
  }
  match(TokenKind::Newline);
}

StmtPtr Parser::parse_simple_statement() {
  const size_t start = pos_;
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::KwPass:
    case TokenKind::KwBreak:
    case TokenKind::KwContinue: {
      advance();
      const StmtKind kind = t.kind == TokenKind::KwPass    ? StmtKind::Pass
                            : t.kind == TokenKind::KwBreak ? StmtKind::Break
                                                           : StmtKind::Continue;
      auto s = std::make_unique<SimpleStmt>(kind, span_from(start));
      if (kind != StmtKind::Pass && loops_ == 0 && lenient_ == 0) {
        report(SyntaxError(
            "SyntaxError",
            kind == StmtKind::Break ? "'break' outside loop" : "'continue' not properly in loop",
            s->span));
      }
      return s;
    }
    case TokenKind::KwReturn: {
      advance();
      auto s = std::make_unique<ReturnStmt>(Span{});
      if (can_start_expression(peek()) || check(TokenKind::Star)) {
        s->value = parse_star_expressions();
        if (s->value->kind == ExprKind::Starred) {
          fail(s->value->span, "can't use starred expression here");
        }
      }
      s->span = span_from(start);
      if (functions_ == 0 && lenient_ == 0) {
        report(SyntaxError("SyntaxError", "'return' outside function", s->span));
      }
      return s;
    }
    case TokenKind::KwRaise: {
      advance();
      auto s = std::make_unique<RaiseStmt>(Span{});
      if (can_start_expression(peek())) {
        s->exc = parse_expression();
        if (match(TokenKind::KwFrom)) s->cause = parse_expression();
      }
      s->span = span_from(start);
      return s;
    }
    case TokenKind::KwGlobal:
    case TokenKind::KwNonlocal: {
      advance();
      const StmtKind kind = t.kind == TokenKind::KwGlobal ? StmtKind::Global : StmtKind::Nonlocal;
      auto s = std::make_unique<NamesStmt>(kind, Span{});
      do {
        s->names.push_back(expect(TokenKind::Name).text);
      } while (match(TokenKind::Comma));
      s->span = span_from(start);
      if (kind == StmtKind::Nonlocal && scopes_ == 0 && lenient_ == 0) {
        report(SyntaxError("SyntaxError", "nonlocal declaration not allowed at module level",
                           s->span));
      }
      return s;
    }
    case TokenKind::KwAssert: {
      advance();
      auto s = std::make_unique<AssertStmt>(Span{});
      s->test = parse_expression();
      if (match(TokenKind::Comma)) s->msg = parse_expression();
      s->span = span_from(start);
      return s;
    }
    case TokenKind::KwDel:
      return parse_del();
    case TokenKind::KwImport:
      return parse_import();
    case TokenKind::KwFrom:
      return parse_from_import();
    default:
      return parse_expression_statement();
  }
}

StmtPtr Parser::parse_expression_statement() {
  const size_t start = pos_;
  ExprPtr first = parse_star_expressions();
  BinOpKind op = BinOpKind::Add;
  if (check(TokenKind::Equal)) {
    std::vector<ExprPtr> chain;
    chain.push_back(std::move(first));
    while (match(TokenKind::Equal)) {
      if (check(TokenKind::KwYield)) fail_unexpected();
      chain.push_back(parse_star_expressions());
    }
    auto s = std::make_unique<AssignStmt>(Span{});
    s->value = std::move(chain.back());
    chain.pop_back();
    if (s->value->kind == ExprKind::Starred) {
      fail(s->value->span, "can't use starred expression here");
    }
    for (const ExprPtr& target : chain) {
      if (chain.size() == 1 && !is_simple_target(*target) && suggests_comparison(*target)) {
        fail(target->span, std::string("cannot assign to ") + expr_name(*target) +
                               " here. Maybe you meant '==' instead of '='?");
      }
      check_target(*target, TargetUse::Assign);
    }
    s->targets = std::move(chain);
    s->span = span_from(start);
    return s;
  }
  if (augmented_operator(peek().kind, &op)) {
    if (!is_simple_target(*first)) {
      fail(first->span, std::string("'") + expr_name(*first) +
                            "' is an illegal expression for augmented assignment");
    }
    advance();
    if (check(TokenKind::KwYield)) fail_unexpected();
    auto s = std::make_unique<AugAssignStmt>(Span{});
    s->target = std::move(first);
    s->op = op;
    s->value = parse_star_expressions();
    if (s->value->kind == ExprKind::Starred) {
      fail(s->value->span, "can't use starred expression here");
    }
    s->span = span_from(start);
    return s;
  }
  if (check(TokenKind::Colon)) {
    if (first->kind == ExprKind::Tuple || first->kind == ExprKind::List) {
      fail(first->span,
           std::string("only single target (not ") + expr_name(*first) + ") can be annotated");
    }
    if (!is_simple_target(*first)) fail(first->span, "illegal target for annotation");
    advance();
    auto s = std::make_unique<AnnAssignStmt>(Span{});
    s->target = std::move(first);
    s->annotation = parse_expression();
    if (match(TokenKind::Equal)) {
      if (check(TokenKind::KwYield)) fail_unexpected();
      s->value = parse_star_expressions();
      if (s->value->kind == ExprKind::Starred) {
        fail(s->value->span, "can't use starred expression here");
      }
    }
    s->span = span_from(start);
    return s;
  }
  if (first->kind == ExprKind::Starred) fail(first->span, "can't use starred expression here");
  auto s = std::make_unique<ExprStmt>(span_from(start));
  s->value = std::move(first);
  return s;
}

StmtPtr Parser::parse_del() {
  const size_t start = pos_;
  advance();
  auto s = std::make_unique<DelStmt>(Span{});
  do {
    if (!s->targets.empty() && !can_start_expression(peek()) && !check(TokenKind::Star)) break;
    ExprPtr target = parse_star_target();
    check_target(*target, TargetUse::Del);
    flatten_del_target(std::move(target), s->targets);
  } while (match(TokenKind::Comma));
  s->span = span_from(start);
  return s;
}

std::string Parser::parse_dotted_name(Span* span) {
  const size_t start = pos_;
  std::string name = expect(TokenKind::Name).text;
  while (check(TokenKind::Dot) && peek(1).kind == TokenKind::Name) {
    advance();
    name += '.';
    name += advance().text;
  }
  if (span != nullptr) *span = span_from(start);
  return name;
}

StmtPtr Parser::parse_import() {
  const size_t start = pos_;
  advance();
  auto s = std::make_unique<ImportStmt>(Span{});
  do {
    const size_t alias_start = pos_;
    ImportAlias alias;
    alias.name = parse_dotted_name(nullptr);
    if (match(TokenKind::KwAs)) alias.asname = expect(TokenKind::Name).text;
    alias.span = span_from(alias_start);
    s->names.push_back(std::move(alias));
  } while (match(TokenKind::Comma));
  s->span = span_from(start);
  return s;
}

StmtPtr Parser::parse_from_import() {
  const size_t start = pos_;
  advance();
  auto s = std::make_unique<ImportFromStmt>(Span{});
  if (check(TokenKind::Dot) || check(TokenKind::Ellipsis)) {
    fail(peek().span, "relative imports are not supported in gradlab");
  }
  s->module = parse_dotted_name(&s->module_span);
  expect(TokenKind::KwImport);
  if (check(TokenKind::Star)) {
    ImportAlias alias;
    alias.name = "*";
    alias.span = advance().span;
    s->names.push_back(std::move(alias));
  } else {
    const bool parenthesized = match(TokenKind::LParen);
    for (;;) {
      const size_t alias_start = pos_;
      ImportAlias alias;
      alias.name = expect(TokenKind::Name).text;
      if (match(TokenKind::KwAs)) alias.asname = expect(TokenKind::Name).text;
      alias.span = span_from(alias_start);
      s->names.push_back(std::move(alias));
      if (!check(TokenKind::Comma)) break;
      const Token& comma = advance();
      if (parenthesized && check(TokenKind::RParen)) break;
      if (!parenthesized && !check(TokenKind::Name)) {
        fail(comma.span, "trailing comma not allowed without surrounding parentheses");
      }
    }
    if (parenthesized) expect(TokenKind::RParen);
  }
  s->span = span_from(start);
  return s;
}

// ---- compound statements -----------------------------------------------------------------

StmtPtr Parser::parse_if(size_t start, const char* what) {
  const int line = advance().span.line;  // 'if' or 'elif'
  auto s = std::make_unique<IfStmt>(Span{});
  s->test = parse_expression();
  expect_colon(s->test.get());
  s->span = span_from(start);
  s->body = parse_block(what, line);
  if (check(TokenKind::KwElif)) {
    NestingGuard nested(*this);  // an elif chain nests in the tree
    s->orelse.push_back(parse_if(pos_, "'elif' statement"));
  } else if (check(TokenKind::KwElse)) {
    const int else_line = advance().span.line;
    expect_colon(nullptr);
    s->orelse = parse_block("'else' statement", else_line);
  }
  return s;
}

StmtPtr Parser::parse_while() {
  const size_t start = pos_;
  const int line = advance().span.line;
  auto s = std::make_unique<WhileStmt>(Span{});
  s->test = parse_expression();
  expect_colon(s->test.get());
  s->span = span_from(start);
  {
    Counting in_loop(loops_);
    s->body = parse_block("'while' statement", line);
  }
  if (check(TokenKind::KwElse)) {
    const int else_line = advance().span.line;
    expect_colon(nullptr);
    s->orelse = parse_block("'else' statement", else_line);
  }
  return s;
}

StmtPtr Parser::parse_for() {
  const size_t start = pos_;
  const int line = advance().span.line;
  auto s = std::make_unique<ForStmt>(Span{});
  s->target = parse_target_list();
  check_target(*s->target, TargetUse::Assign);
  if (!match(TokenKind::KwIn)) fail_after(s->target.get());
  s->iter = parse_star_expressions();
  if (s->iter->kind == ExprKind::Starred) fail(s->iter->span, "can't use starred expression here");
  expect_colon(s->iter.get());
  s->span = span_from(start);
  {
    Counting in_loop(loops_);
    s->body = parse_block("'for' statement", line);
  }
  if (check(TokenKind::KwElse)) {
    const int else_line = advance().span.line;
    expect_colon(nullptr);
    s->orelse = parse_block("'else' statement", else_line);
  }
  return s;
}

StmtPtr Parser::parse_try() {
  const size_t start = pos_;
  const int line = advance().span.line;
  expect_colon(nullptr);
  auto s = std::make_unique<TryStmt>(span_from(start));
  s->body = parse_block("'try' statement", line);
  const Span after_body = after_dedents().span;
  bool bare_seen = false, bare_reported = false;
  Span bare_span;
  while (check(TokenKind::KwExcept)) {
    const size_t handler_start = pos_;
    const int handler_line = advance().span.line;
    if (check(TokenKind::Star)) fail(peek().span, "'except*' is not supported in gradlab");
    ExceptHandler handler;
    const Expr* last = nullptr;
    if (!check(TokenKind::Colon)) {
      handler.type = parse_expression();
      last = handler.type.get();
      if (check(TokenKind::Comma)) {
        while (match(TokenKind::Comma)) parse_expression();
        fail(cover(handler.type->span, (*toks_)[pos_ - 1].span),
             "multiple exception types must be parenthesized");
      }
      if (match(TokenKind::KwAs)) {
        handler.name = expect(TokenKind::Name).text;
        last = nullptr;
      }
    }
    expect_colon(last);
    handler.span = span_from(handler_start);
    if (bare_seen && !bare_reported) {
      report(SyntaxError("SyntaxError", "default 'except:' must be last", bare_span));
      bare_reported = true;
    }
    if (!handler.type) bare_seen = true, bare_span = handler.span;
    handler.body = parse_block("'except' statement", handler_line);
    s->handlers.push_back(std::move(handler));
  }
  bool has_else = false, has_finally = false;
  if (check(TokenKind::KwElse)) {
    has_else = true;
    const int else_line = advance().span.line;
    expect_colon(nullptr);
    s->orelse = parse_block("'else' statement", else_line);
  }
  if (check(TokenKind::KwFinally)) {
    has_finally = true;
    const int finally_line = advance().span.line;
    expect_colon(nullptr);
    s->finalbody = parse_block("'finally' statement", finally_line);
  }
  if (s->handlers.empty() && (has_else || !has_finally)) {
    report(SyntaxError("SyntaxError", "expected 'except' or 'finally' block", after_body));
  }
  return s;
}

StmtPtr Parser::parse_with() {
  const size_t start = pos_;
  const int line = advance().span.line;
  auto s = std::make_unique<WithStmt>(Span{});
  const auto parse_item = [&] {
    WithItem item;
    item.context = parse_expression();
    if (match(TokenKind::KwAs)) {
      item.target = parse_star_target();
      check_target(*item.target, TargetUse::Assign);
    }
    s->items.push_back(std::move(item));
  };
  if (check(TokenKind::LParen)) {  // with (a as b, c as d): ... unless it is with (a, b) as c:
    const size_t saved = pos_;
    bool parenthesized = false;
    try {
      advance();
      do {
        if (check(TokenKind::RParen)) break;
        parse_item();
      } while (match(TokenKind::Comma));
      parenthesized = match(TokenKind::RParen) && check(TokenKind::Colon);
    } catch (const SyntaxError&) {
      parenthesized = false;
    }
    if (!parenthesized) {
      pos_ = saved;
      s->items.clear();
    }
  }
  if (s->items.empty()) {
    do {
      parse_item();
    } while (match(TokenKind::Comma));
  }
  const WithItem& last = s->items.back();
  expect_colon(last.target ? last.target.get() : last.context.get());
  s->span = span_from(start);
  s->body = parse_block("'with' statement", line);
  return s;
}

StmtPtr Parser::parse_def() {
  const size_t start = pos_;
  const int line = advance().span.line;
  auto s = std::make_unique<FunctionDefStmt>(Span{});
  const Token& name = expect(TokenKind::Name);
  s->name = name.text;
  s->name_span = name.span;
  expect(TokenKind::LParen);
  s->params = parse_params(TokenKind::RParen, true);
  expect(TokenKind::RParen);
  ExprPtr returns;
  if (match(TokenKind::Arrow)) returns = parse_expression();  // annotations are ignored
  expect_colon(returns.get());
  s->span = span_from(start);
  {
    Counting in_function(functions_);
    Counting in_scope(scopes_);
    Setting no_loop(loops_, 0);
    s->body = parse_block("function definition", line);
  }
  if (!s->body.empty() && s->body[0]->kind == StmtKind::Expr) {
    const Expr& doc = *static_cast<const ExprStmt&>(*s->body[0]).value;
    if (doc.kind == ExprKind::Constant &&
        static_cast<const ConstantExpr&>(doc).ckind == ConstKind::Str) {
      s->docstring = static_cast<const ConstantExpr&>(doc).s;
    }
  }
  return s;
}

StmtPtr Parser::parse_class() {
  const size_t start = pos_;
  const int line = advance().span.line;
  auto s = std::make_unique<ClassDefStmt>(Span{});
  const Token& name = expect(TokenKind::Name);
  s->name = name.text;
  s->name_span = name.span;
  if (check(TokenKind::LParen)) {
    CallExpr arguments(Span{});  // keywords (metaclass=...) are parsed and ignored
    parse_call_args(arguments);
    s->bases = std::move(arguments.args);
  }
  expect_colon(nullptr);
  s->span = span_from(start);
  {
    Counting in_scope(scopes_);
    Setting no_function(functions_, 0);
    Setting no_loop(loops_, 0);
    s->body = parse_block("class definition", line);
  }
  return s;
}

}  // namespace gradlab::lang::detail
