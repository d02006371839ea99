// Helpers shared by the lexer and parser tests.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "lang/lexer.h"
#include "lang/parser.h"

namespace gradlab::lang::testing {

// The source text a span covers. Lines and columns are 1-based and count code points.
inline std::string covered(const std::string& source, const Span& span) {
  size_t pos = 0;
  for (int line = 1; line < span.line && pos < source.size(); ++pos) {
    if (source[pos] == '\n') ++line;
  }
  const auto skip_code_points = [&](size_t from, int count) {
    while (count > 0 && from < source.size() && source[from] != '\n') {
      ++from;
      while (from < source.size() && (static_cast<unsigned char>(source[from]) & 0xC0) == 0x80) {
        ++from;
      }
      --count;
    }
    return from;
  };
  const size_t begin = skip_code_points(pos, span.column - 1);
  const size_t end = skip_code_points(begin, span.length);
  return source.substr(begin, end - begin);
}

inline std::string describe(const SyntaxError& e) {
  return e.type() + ": " + e.message() + " @ " + std::to_string(e.span().line) + ":" +
         std::to_string(e.span().column) + "+" + std::to_string(e.span().length);
}

// The first error of parsing `source`, described as "Type: message @ line:col+len", or "OK".
inline std::string first_error(const std::string& source) {
  const ParseResult result = parse_source(source);
  return result.errors.empty() ? "OK" : describe(result.errors.front());
}

// Every error, one description per line.
inline std::string all_errors(const std::string& source) {
  std::string out;
  for (const SyntaxError& e : parse_source(source).errors) out += describe(e) + "\n";
  return out;
}

// The dump of a source that must parse without errors (else the errors, for the failure).
inline std::string dumped(const std::string& source) {
  const ParseResult result = parse_source(source);
  if (!result.ok()) return "ERRORS:\n" + all_errors(source);
  return dump(result.module);
}

// All expressions under a module, in pre-order (a node before its children, left to right).
inline void walk(const Expr& e, const std::function<void(const Expr&)>& visit);

inline void walk_fstring(const FStringExpr& f, const std::function<void(const Expr&)>& visit) {
  for (const FStringPart& part : f.parts) {
    if (part.expr) walk(*part.expr, visit);
    if (part.format_spec) walk(*part.format_spec, visit);
  }
}

inline void walk(const Expr& e, const std::function<void(const Expr&)>& visit) {
  visit(e);
  const auto sub = [&](const ExprPtr& child) {
    if (child) walk(*child, visit);
  };
  switch (e.kind) {
    case ExprKind::Name:
    case ExprKind::Constant:
      break;
    case ExprKind::FString:
      walk_fstring(static_cast<const FStringExpr&>(e), visit);
      break;
    case ExprKind::List:
    case ExprKind::Tuple:
    case ExprKind::Set:
      for (const ExprPtr& x : static_cast<const SequenceExpr&>(e).elts) sub(x);
      break;
    case ExprKind::Dict: {
      const auto& d = static_cast<const DictExpr&>(e);
      for (size_t i = 0; i < d.keys.size(); ++i) sub(d.keys[i]), sub(d.values[i]);
      break;
    }
    case ExprKind::Comp: {
      const auto& c = static_cast<const CompExpr&>(e);
      sub(c.elt), sub(c.value);
      for (const ComprehensionFor& f : c.generators) {
        sub(f.target), sub(f.iter);
        for (const ExprPtr& x : f.ifs) sub(x);
      }
      break;
    }
    case ExprKind::BinOp: {
      const auto& b = static_cast<const BinOpExpr&>(e);
      sub(b.left), sub(b.right);
      break;
    }
    case ExprKind::UnaryOp:
      sub(static_cast<const UnaryOpExpr&>(e).operand);
      break;
    case ExprKind::BoolOp:
      for (const ExprPtr& x : static_cast<const BoolOpExpr&>(e).values) sub(x);
      break;
    case ExprKind::Compare: {
      const auto& c = static_cast<const CompareExpr&>(e);
      sub(c.left);
      for (const ExprPtr& x : c.comparators) sub(x);
      break;
    }
    case ExprKind::Call: {
      const auto& c = static_cast<const CallExpr&>(e);
      sub(c.func);
      for (const ExprPtr& x : c.args) sub(x);
      for (const Keyword& k : c.keywords) sub(k.value);
      break;
    }
    case ExprKind::Attribute:
      sub(static_cast<const AttributeExpr&>(e).value);
      break;
    case ExprKind::Subscript: {
      const auto& s = static_cast<const SubscriptExpr&>(e);
      sub(s.value), sub(s.index);
      break;
    }
    case ExprKind::Slice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      sub(s.lower), sub(s.upper), sub(s.step);
      break;
    }
    case ExprKind::Starred:
      sub(static_cast<const StarredExpr&>(e).value);
      break;
    case ExprKind::Lambda: {
      const auto& l = static_cast<const LambdaExpr&>(e);
      for (const Param& p : l.params) sub(p.default_value);
      sub(l.body);
      break;
    }
    case ExprKind::IfExp: {
      const auto& i = static_cast<const IfExpExpr&>(e);
      sub(i.body), sub(i.test), sub(i.orelse);
      break;
    }
  }
}

inline void walk_body(const Body& body, const std::function<void(const Stmt&)>& visit);

inline void walk(const Stmt& s, const std::function<void(const Stmt&)>& visit) {
  visit(s);
  switch (s.kind) {
    case StmtKind::If: {
      const auto& i = static_cast<const IfStmt&>(s);
      walk_body(i.body, visit), walk_body(i.orelse, visit);
      break;
    }
    case StmtKind::While: {
      const auto& w = static_cast<const WhileStmt&>(s);
      walk_body(w.body, visit), walk_body(w.orelse, visit);
      break;
    }
    case StmtKind::For: {
      const auto& f = static_cast<const ForStmt&>(s);
      walk_body(f.body, visit), walk_body(f.orelse, visit);
      break;
    }
    case StmtKind::FunctionDef:
      walk_body(static_cast<const FunctionDefStmt&>(s).body, visit);
      break;
    case StmtKind::ClassDef:
      walk_body(static_cast<const ClassDefStmt&>(s).body, visit);
      break;
    case StmtKind::With:
      walk_body(static_cast<const WithStmt&>(s).body, visit);
      break;
    case StmtKind::Try: {
      const auto& t = static_cast<const TryStmt&>(s);
      walk_body(t.body, visit);
      for (const ExceptHandler& h : t.handlers) walk_body(h.body, visit);
      walk_body(t.orelse, visit), walk_body(t.finalbody, visit);
      break;
    }
    default:
      break;
  }
}

inline void walk_body(const Body& body, const std::function<void(const Stmt&)>& visit) {
  for (const StmtPtr& s : body) walk(*s, visit);
}

// The expressions directly held by a statement (not those of nested statements).
inline std::vector<const Expr*> own_exprs(const Stmt& s) {
  std::vector<const Expr*> out;
  const auto add = [&](const ExprPtr& e) {
    if (e) out.push_back(e.get());
  };
  switch (s.kind) {
    case StmtKind::Expr:
      add(static_cast<const ExprStmt&>(s).value);
      break;
    case StmtKind::Assign: {
      const auto& a = static_cast<const AssignStmt&>(s);
      for (const ExprPtr& t : a.targets) add(t);
      add(a.value);
      break;
    }
    case StmtKind::AugAssign: {
      const auto& a = static_cast<const AugAssignStmt&>(s);
      add(a.target), add(a.value);
      break;
    }
    case StmtKind::AnnAssign: {
      const auto& a = static_cast<const AnnAssignStmt&>(s);
      add(a.target), add(a.annotation), add(a.value);
      break;
    }
    case StmtKind::If:
      add(static_cast<const IfStmt&>(s).test);
      break;
    case StmtKind::While:
      add(static_cast<const WhileStmt&>(s).test);
      break;
    case StmtKind::For: {
      const auto& f = static_cast<const ForStmt&>(s);
      add(f.target), add(f.iter);
      break;
    }
    case StmtKind::Return:
      add(static_cast<const ReturnStmt&>(s).value);
      break;
    case StmtKind::FunctionDef:
      for (const Param& p : static_cast<const FunctionDefStmt&>(s).params) add(p.default_value);
      break;
    case StmtKind::ClassDef:
      for (const ExprPtr& b : static_cast<const ClassDefStmt&>(s).bases) add(b);
      break;
    case StmtKind::Assert: {
      const auto& a = static_cast<const AssertStmt&>(s);
      add(a.test), add(a.msg);
      break;
    }
    case StmtKind::Del:
      for (const ExprPtr& t : static_cast<const DelStmt&>(s).targets) add(t);
      break;
    case StmtKind::With:
      for (const WithItem& item : static_cast<const WithStmt&>(s).items) {
        add(item.context), add(item.target);
      }
      break;
    case StmtKind::Try:
      for (const ExceptHandler& h : static_cast<const TryStmt&>(s).handlers) add(h.type);
      break;
    case StmtKind::Raise: {
      const auto& r = static_cast<const RaiseStmt&>(s);
      add(r.exc), add(r.cause);
      break;
    }
    default:
      break;
  }
  return out;
}

// Every expression in a module, in pre-order.
inline std::vector<const Expr*> all_exprs(const Module& module) {
  std::vector<const Expr*> out;
  walk_body(module.body, [&](const Stmt& s) {
    for (const Expr* e : own_exprs(s)) walk(*e, [&](const Expr& x) { out.push_back(&x); });
  });
  return out;
}

// The text each expression of `source` covers, in pre-order: the easiest way to check spans.
inline std::vector<std::string> expr_texts(const std::string& source) {
  const ParseResult result = parse_source(source);
  std::vector<std::string> out;
  if (!result.ok()) return {"ERRORS:\n" + all_errors(source)};
  for (const Expr* e : all_exprs(result.module)) out.push_back(covered(source, e->span));
  return out;
}

}  // namespace gradlab::lang::testing
