// The parser's machinery: token access, spans, error reporting and recovery, target checks,
// and the public entry points. The grammar itself is in parser_stmt.cpp and parser_expr.cpp.
#include "lang/parser.h"

#include <algorithm>

#include "lang/parser_impl.h"

namespace gradlab::lang {
namespace detail {

Parser::Parser(TokenStream stream)
    : tokens_(std::move(stream.tokens)), line_ends_(std::move(stream.line_ends)), toks_(&tokens_) {}

Module Parser::parse_module() {
  Module module;
  while (!check(TokenKind::EndOfFile)) parse_statement_into(module.body);
  return module;
}

ExprPtr Parser::parse_expression_input() {
  match(TokenKind::Indent);  // eval(" 1") is fine
  ExprPtr e = parse_star_expressions();
  if (e->kind == ExprKind::Starred) fail(e->span, "can't use starred expression here");
  while (match(TokenKind::Newline) || match(TokenKind::Dedent)) {
  }
  if (!check(TokenKind::EndOfFile)) fail_after(e.get());
  return e;
}

std::vector<SyntaxError> Parser::take_errors() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const SyntaxError& a, const SyntaxError& b) {
    return a.span().line != b.span().line ? a.span().line < b.span().line
                                          : a.span().column < b.span().column;
  });
  return std::move(errors_);
}

// ---- tokens ------------------------------------------------------------------------------

const Token& Parser::peek(size_t ahead) const {
  const std::vector<Token>& toks = *toks_;
  const size_t i = std::min(pos_ + ahead, toks.size() - 1);
  if (toks_ == &tokens_ && i > furthest_) furthest_ = i;
  return toks[i];
}

bool Parser::match(TokenKind kind) {
  if (!check(kind)) return false;
  advance();
  return true;
}

const Token& Parser::advance() {
  const Token& t = peek();
  if (pos_ + 1 < toks_->size()) ++pos_;
  return t;
}

const Token& Parser::expect(TokenKind kind) {
  if (!check(kind)) fail_unexpected();
  return advance();
}

bool Parser::can_start_expression(const Token& t) const {
  switch (t.kind) {
    case TokenKind::Name:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::FString:
    case TokenKind::LParen:
    case TokenKind::LBracket:
    case TokenKind::LBrace:
    case TokenKind::Minus:
    case TokenKind::Plus:
    case TokenKind::Tilde:
    case TokenKind::KwNot:
    case TokenKind::KwLambda:
    case TokenKind::KwNone:
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
    case TokenKind::Ellipsis:
      return true;
    default:
      return false;
  }
}

// ---- spans -------------------------------------------------------------------------------

Span Parser::cover(Span first, Span last) const {
  Span s = first;
  if (last.line == first.line) {
    s.length = std::max(first.length, last.column + last.length - first.column);
  } else if (first.line >= 0 && static_cast<size_t>(first.line) < line_ends_.size()) {
    s.length = std::max(first.length, line_ends_[first.line] - first.column);
  }
  return s;
}

Span Parser::span_from(size_t start) const {
  const std::vector<Token>& toks = *toks_;
  if (pos_ <= start) return toks[start].span;
  return cover(toks[start].span, toks[pos_ - 1].span);
}

// ---- errors ------------------------------------------------------------------------------

void Parser::fail(Span span, const std::string& message, const char* type) const {
  throw SyntaxError(type, message, span);
}

void Parser::fail_unexpected() const {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::Error:
      throw SyntaxError(t.error_type, t.text, t.span);
    case TokenKind::ColonEqual:
      fail(t.span, "the walrus operator ':=' is not supported in gradlab");
    case TokenKind::KwYield:
      fail(t.span, "'yield' is not supported in gradlab");
    case TokenKind::KwAwait:
      fail(t.span, "'await' is not supported in gradlab");
    case TokenKind::KwAsync:
      fail(t.span, "'async' is not supported in gradlab");
    default:
      fail(t.span, "invalid syntax");
  }
}

void Parser::fail_after(const Expr* a) {
  const Token& next = peek();
  // Speculatively parses what follows (b); on success, the end of b's last token.
  const auto try_parse = [&](bool star_expressions, bool skip_equal, Span* end) {
    const size_t saved = pos_;
    bool ok = true;
    try {
      if (skip_equal) advance();
      if (star_expressions) {
        parse_star_expressions();
      } else if (skip_equal) {
        parse_operators(kBitOr);
        ok = !check(TokenKind::Equal) && !check(TokenKind::ColonEqual);
      } else {
        parse_expression();
      }
      *end = (*toks_)[pos_ - 1].span;
    } catch (const SyntaxError&) {
      ok = false;
    }
    pos_ = saved;
    return ok;
  };
  Span end;
  if (a != nullptr && a->kind == ExprKind::Name) {
    const std::string& id = static_cast<const NameExpr*>(a)->id;
    if ((id == "print" || id == "exec") && can_start_expression(next) &&
        next.kind != TokenKind::LParen && try_parse(true, false, &end)) {
      fail(cover(a->span, end),
           "Missing parentheses in call to '" + id + "'. Did you mean " + id + "(...)?");
    }
  }
  if (a != nullptr && next.kind == TokenKind::Equal) {  // if x = 1:
    if (a->kind == ExprKind::Name && try_parse(false, true, &end)) {
      fail(cover(a->span, end), "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    }
    if (a->kind != ExprKind::Name && suggests_comparison(*a) && try_parse(false, true, &end)) {
      fail(a->span, std::string("cannot assign to ") + expr_name(*a) +
                        " here. Maybe you meant '==' instead of '='?");
    }
  }
  // Two expressions side by side inside brackets: CPython's "Perhaps you forgot a comma?"
  if (a != nullptr && pos_ > 0 && (*toks_)[pos_ - 1].depth > 0 && can_start_expression(next) &&
      a->kind != ExprKind::Lambda && a->kind != ExprKind::IfExp && a->kind != ExprKind::Starred &&
      a->kind != ExprKind::Slice) {
    bool hint = true;
    if (a->kind == ExprKind::Name) {
      const std::string& id = static_cast<const NameExpr*>(a)->id;
      hint = next.kind != TokenKind::String && next.kind != TokenKind::FString && id != "match" &&
             id != "case" && id != "_";
    }
    if (hint && try_parse(false, false, &end)) {
      fail(cover(a->span, end), "invalid syntax. Perhaps you forgot a comma?");
    }
  }
  fail_unexpected();
}

void Parser::report(const SyntaxError& error) { errors_.push_back(error); }

void Parser::recover(const SyntaxError& error, size_t start) {
  SyntaxError chosen = error;
  for (size_t i = start; i < tokens_.size(); ++i) {
    const Token& t = tokens_[i];
    if (t.kind == TokenKind::Newline || t.kind == TokenKind::EndOfFile) break;
    if (t.kind != TokenKind::Error) continue;
    // CPython blames a bracket that is never closed if, to find the error, the parser read
    // the end of the file or a line after the bracket's.
    if (t.unclosed && furthest_ < i && tokens_[furthest_].span.line <= t.span.line) continue;
    chosen = SyntaxError(t.error_type, t.text, t.span);
    break;
  }
  report(chosen);
  // Skip the rest of the logical line, and the block and clauses of a broken compound
  // statement. Their bodies are parsed for their own errors, but without complaining that a
  // 'return' or 'break' in them has no function or loop around it.
  const TokenKind head = tokens_[start].kind;
  const bool has_clauses = head == TokenKind::KwIf || head == TokenKind::KwWhile ||
                           head == TokenKind::KwFor || head == TokenKind::KwTry;
  do {
    while (!check(TokenKind::Newline) && !check(TokenKind::EndOfFile)) advance();
    if (match(TokenKind::Newline) && check(TokenKind::Indent)) {
      ++lenient_;
      advance();
      Body discarded;
      while (!check(TokenKind::Dedent) && !check(TokenKind::EndOfFile)) {
        parse_statement_into(discarded);
      }
      match(TokenKind::Dedent);
      --lenient_;
    }
  } while (has_clauses && (check(TokenKind::KwElif) || check(TokenKind::KwElse) ||
                           check(TokenKind::KwExcept) || check(TokenKind::KwFinally)));
}

void Parser::enter_nesting() {
  if (depth_ >= kMaxNestingDepth) {
    fail(peek().span, "expression is nested too deeply (the limit is 200 levels)");
  }
  ++depth_;
}

// ---- targets -----------------------------------------------------------------------------

const char* Parser::expr_name(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name:
      return "name";
    case ExprKind::Attribute:
      return "attribute";
    case ExprKind::Subscript:
      return "subscript";
    case ExprKind::Starred:
      return "starred";
    case ExprKind::List:
      return "list";
    case ExprKind::Tuple:
      return "tuple";
    case ExprKind::Lambda:
      return "lambda";
    case ExprKind::Call:
      return "function call";
    case ExprKind::BoolOp:
    case ExprKind::BinOp:
    case ExprKind::UnaryOp:
      return "expression";
    case ExprKind::Comp:
      switch (static_cast<const CompExpr&>(e).ckind) {
        case CompKind::List:
          return "list comprehension";
        case CompKind::Set:
          return "set comprehension";
        case CompKind::Dict:
          return "dict comprehension";
        case CompKind::Generator:
          return "generator expression";
      }
      return "comprehension";
    case ExprKind::Dict:
      return "dict literal";
    case ExprKind::Set:
      return "set display";
    case ExprKind::FString:
      return "f-string expression";
    case ExprKind::Compare:
      return "comparison";
    case ExprKind::IfExp:
      return "conditional expression";
    case ExprKind::Slice:
      return "slice";
    case ExprKind::Constant: {
      const auto& c = static_cast<const ConstantExpr&>(e);
      if (c.ckind == ConstKind::None) return "None";
      if (c.ckind == ConstKind::Bool) return c.b ? "True" : "False";
      if (c.ckind == ConstKind::Ellipsis) return "ellipsis";
      return "literal";
    }
  }
  return "expression";
}

bool Parser::is_bitwise_or_level(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Compare:
    case ExprKind::BoolOp:
    case ExprKind::Lambda:
    case ExprKind::IfExp:
    case ExprKind::Starred:
      return false;
    case ExprKind::UnaryOp:
      return static_cast<const UnaryOpExpr&>(e).op != UnaryOpKind::Not;
    default:
      return true;
  }
}

bool Parser::suggests_comparison(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Tuple:
    case ExprKind::List:
      return false;
    case ExprKind::Comp:
      return static_cast<const CompExpr&>(e).ckind != CompKind::Generator;
    case ExprKind::Constant: {
      const ConstKind k = static_cast<const ConstantExpr&>(e).ckind;
      return k != ConstKind::None && k != ConstKind::Bool;
    }
    default:
      return is_bitwise_or_level(e);
  }
}

void Parser::check_target(const Expr& e, TargetUse use) const {
  switch (e.kind) {
    case ExprKind::Name:
    case ExprKind::Attribute:
    case ExprKind::Subscript:
      return;
    case ExprKind::Tuple:
    case ExprKind::List: {
      int starred = 0;
      for (const ExprPtr& elt : static_cast<const SequenceExpr&>(e).elts) {
        if (elt->kind != ExprKind::Starred) {
          check_target(*elt, use);
          continue;
        }
        if (use == TargetUse::Del) fail(elt->span, "cannot delete starred");
        if (++starred > 1) fail(e.span, "multiple starred expressions in assignment");
        check_target(*static_cast<const StarredExpr&>(*elt).value, use);
      }
      return;
    }
    case ExprKind::Starred:
      if (use == TargetUse::Del) fail(e.span, "cannot delete starred");
      fail(e.span, "starred assignment target must be in a list or tuple");
    default:
      fail(e.span, std::string(use == TargetUse::Del ? "cannot delete " : "cannot assign to ") +
                       expr_name(e));
  }
}

}  // namespace detail

// ---- entry points ------------------------------------------------------------------------

ParseResult parse_source(std::string_view source) {
  detail::Parser parser(tokenize(source));
  ParseResult result;
  result.module = parser.parse_module();
  result.errors = parser.take_errors();
  return result;
}

Module parse(std::string_view source) {
  ParseResult result = parse_source(source);
  if (!result.errors.empty()) throw result.errors.front();
  return std::move(result.module);
}

ExprPtr parse_expression(std::string_view source) {
  detail::Parser parser(tokenize(source));
  return parser.parse_expression_input();
}

}  // namespace gradlab::lang
