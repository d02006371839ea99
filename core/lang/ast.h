// The abstract syntax tree of gradlab's Python subset: what the parser builds and the
// compiler walks. Every node carries the span of source it came from, so any error (compile
// time or run time) can underline the exact text in the editor.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gradlab::lang {

// A piece of source text. `line` and `column` are 1-based; `column` and `length` count
// Unicode code points on that line (a span never crosses a line: a multi-line node spans
// its first line from its start to that line's end).
struct Span {
  int line = 0;
  int column = 0;
  int length = 0;
};

// ---------------------------------------------------------------------------------------
// Expressions
enum class ExprKind {
  Name,        // x
  Constant,    // 1, 2.5, "s", True, None, ...
  FString,     // f"a{b:.2f}"
  List,        // [a, b]
  Tuple,       // (a, b) / a, b
  Dict,        // {k: v}
  Set,         // {a, b}
  Comp,        // [e for ...], {k: v for ...}, {e for ...}, (e for ...)
  BinOp,       // a + b
  UnaryOp,     // -a, not a, ~a, +a
  BoolOp,      // a and b and c / a or b
  Compare,     // a < b <= c, a in b, a is not b
  Call,        // f(a, *b, k=c, **d)
  Attribute,   // a.b
  Subscript,   // a[i], a[1:2, ::3]
  Slice,       // lo:hi:step (only inside a Subscript's index)
  Starred,     // *a (in calls, and as an assignment target element)
  Lambda,      // lambda x, y=1: x + y
  IfExp,       // a if c else b
};

struct Expr {
  explicit Expr(ExprKind k, Span s) : kind(k), span(s) {}
  virtual ~Expr() = default;
  ExprKind kind;
  Span span;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NameExpr : Expr {
  NameExpr(Span s, std::string n) : Expr(ExprKind::Name, s), id(std::move(n)) {}
  std::string id;
};

enum class ConstKind { None, Bool, Int, Float, Str, Ellipsis };
struct ConstantExpr : Expr {
  explicit ConstantExpr(Span s) : Expr(ExprKind::Constant, s) {}
  ConstKind ckind = ConstKind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;  // UTF-8, escapes already decoded (adjacent literals already joined)
};

// One part of an f-string: literal text, or a replacement field {expr!conv:spec}.
struct FStringPart {
  bool is_literal = true;
  std::string literal;
  ExprPtr expr;                  // replacement field
  char conversion = 0;           // 0, 'r', 's' or 'a'
  std::unique_ptr<struct FStringExpr> format_spec;  // may itself hold fields: f"{x:{w}.2f}"
};
struct FStringExpr : Expr {
  explicit FStringExpr(Span s) : Expr(ExprKind::FString, s) {}
  std::vector<FStringPart> parts;
};

struct SequenceExpr : Expr {  // List, Tuple, Set
  SequenceExpr(ExprKind k, Span s) : Expr(k, s) {}
  std::vector<ExprPtr> elts;
};

struct DictExpr : Expr {
  explicit DictExpr(Span s) : Expr(ExprKind::Dict, s) {}
  std::vector<ExprPtr> keys;    // a null key means `**values[i]`
  std::vector<ExprPtr> values;
};

struct ComprehensionFor {
  ExprPtr target;               // Name, Tuple or List of names
  ExprPtr iter;
  std::vector<ExprPtr> ifs;
};
enum class CompKind { List, Set, Dict, Generator };
struct CompExpr : Expr {
  explicit CompExpr(Span s) : Expr(ExprKind::Comp, s) {}
  CompKind ckind = CompKind::List;
  ExprPtr elt;                  // element, or the key for a dict comprehension
  ExprPtr value;                // dict comprehension only
  std::vector<ComprehensionFor> generators;
};

enum class BinOpKind { Add, Sub, Mul, MatMul, Div, FloorDiv, Mod, Pow, LShift, RShift, BitOr, BitXor, BitAnd };
struct BinOpExpr : Expr {
  explicit BinOpExpr(Span s) : Expr(ExprKind::BinOp, s) {}
  BinOpKind op = BinOpKind::Add;
  ExprPtr left, right;
};

enum class UnaryOpKind { Neg, Pos, Not, Invert };
struct UnaryOpExpr : Expr {
  explicit UnaryOpExpr(Span s) : Expr(ExprKind::UnaryOp, s) {}
  UnaryOpKind op = UnaryOpKind::Neg;
  ExprPtr operand;
};

struct BoolOpExpr : Expr {
  explicit BoolOpExpr(Span s) : Expr(ExprKind::BoolOp, s) {}
  bool is_and = true;
  std::vector<ExprPtr> values;  // two or more
};

enum class CmpOpKind { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };
struct CompareExpr : Expr {
  explicit CompareExpr(Span s) : Expr(ExprKind::Compare, s) {}
  ExprPtr left;
  std::vector<CmpOpKind> ops;
  std::vector<ExprPtr> comparators;  // same length as ops
};

struct Keyword {
  std::string name;             // empty for `**mapping`
  ExprPtr value;
  Span span;
};
struct CallExpr : Expr {
  explicit CallExpr(Span s) : Expr(ExprKind::Call, s) {}
  ExprPtr func;
  std::vector<ExprPtr> args;    // may contain Starred
  std::vector<Keyword> keywords;
};

struct AttributeExpr : Expr {
  explicit AttributeExpr(Span s) : Expr(ExprKind::Attribute, s) {}
  ExprPtr value;
  std::string attr;
  Span attr_span;
};

struct SubscriptExpr : Expr {
  explicit SubscriptExpr(Span s) : Expr(ExprKind::Subscript, s) {}
  ExprPtr value;
  ExprPtr index;                // a Tuple for a[i, j]; Slice elements allowed inside
};

struct SliceExpr : Expr {
  explicit SliceExpr(Span s) : Expr(ExprKind::Slice, s) {}
  ExprPtr lower, upper, step;   // each may be null
};

struct StarredExpr : Expr {
  explicit StarredExpr(Span s) : Expr(ExprKind::Starred, s) {}
  ExprPtr value;
};

enum class ParamKind { Normal, VarArgs, KwOnly, VarKw };
struct Param {
  std::string name;
  ParamKind kind = ParamKind::Normal;
  ExprPtr default_value;        // may be null
  Span span;
};

struct LambdaExpr : Expr {
  explicit LambdaExpr(Span s) : Expr(ExprKind::Lambda, s) {}
  std::vector<Param> params;
  ExprPtr body;
};

struct IfExpExpr : Expr {
  explicit IfExpExpr(Span s) : Expr(ExprKind::IfExp, s) {}
  ExprPtr test, body, orelse;
};

// ---------------------------------------------------------------------------------------
// Statements
enum class StmtKind {
  Expr, Assign, AugAssign, AnnAssign, If, While, For, Break, Continue, Pass, Return,
  FunctionDef, ClassDef, Global, Nonlocal, Import, ImportFrom, Assert, Del, With, Try, Raise,
};

struct Stmt {
  Stmt(StmtKind k, Span s) : kind(k), span(s) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  Span span;                    // the statement's first line (its header for compound ones)
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct ExprStmt : Stmt {
  explicit ExprStmt(Span s) : Stmt(StmtKind::Expr, s) {}
  ExprPtr value;
};

struct AssignStmt : Stmt {      // a = b = value; targets are Name/Attribute/Subscript/Tuple/List/Starred
  explicit AssignStmt(Span s) : Stmt(StmtKind::Assign, s) {}
  std::vector<ExprPtr> targets;
  ExprPtr value;
};

struct AugAssignStmt : Stmt {   // target op= value
  explicit AugAssignStmt(Span s) : Stmt(StmtKind::AugAssign, s) {}
  ExprPtr target;
  BinOpKind op = BinOpKind::Add;
  ExprPtr value;
};

struct AnnAssignStmt : Stmt {   // x: int = 3 (the annotation is parsed and ignored)
  explicit AnnAssignStmt(Span s) : Stmt(StmtKind::AnnAssign, s) {}
  ExprPtr target;
  ExprPtr annotation;
  ExprPtr value;                // may be null
};

struct IfStmt : Stmt {          // elif chains nest as an If in orelse
  explicit IfStmt(Span s) : Stmt(StmtKind::If, s) {}
  ExprPtr test;
  Body body, orelse;
};

struct WhileStmt : Stmt {
  explicit WhileStmt(Span s) : Stmt(StmtKind::While, s) {}
  ExprPtr test;
  Body body, orelse;
};

struct ForStmt : Stmt {
  explicit ForStmt(Span s) : Stmt(StmtKind::For, s) {}
  ExprPtr target, iter;
  Body body, orelse;
};

struct SimpleStmt : Stmt {      // Break, Continue, Pass
  SimpleStmt(StmtKind k, Span s) : Stmt(k, s) {}
};

struct ReturnStmt : Stmt {
  explicit ReturnStmt(Span s) : Stmt(StmtKind::Return, s) {}
  ExprPtr value;                // may be null
};

struct FunctionDefStmt : Stmt {
  explicit FunctionDefStmt(Span s) : Stmt(StmtKind::FunctionDef, s) {}
  std::string name;
  Span name_span;
  std::vector<Param> params;
  Body body;
  std::string docstring;        // first statement string literal, if any (kept in body too)
};

struct ClassDefStmt : Stmt {
  explicit ClassDefStmt(Span s) : Stmt(StmtKind::ClassDef, s) {}
  std::string name;
  Span name_span;
  std::vector<ExprPtr> bases;   // at most one is supported at run time
  Body body;
};

struct NamesStmt : Stmt {       // Global, Nonlocal
  NamesStmt(StmtKind k, Span s) : Stmt(k, s) {}
  std::vector<std::string> names;
};

struct ImportAlias {
  std::string name;             // dotted: "torch.nn"
  std::string asname;           // empty when absent
  Span span;
};
struct ImportStmt : Stmt {      // import a.b as c, d
  explicit ImportStmt(Span s) : Stmt(StmtKind::Import, s) {}
  std::vector<ImportAlias> names;
};
struct ImportFromStmt : Stmt {  // from a.b import c as d, e   (name "*" for import *)
  explicit ImportFromStmt(Span s) : Stmt(StmtKind::ImportFrom, s) {}
  std::string module;
  Span module_span;
  std::vector<ImportAlias> names;
};

struct AssertStmt : Stmt {
  explicit AssertStmt(Span s) : Stmt(StmtKind::Assert, s) {}
  ExprPtr test, msg;            // msg may be null
};

struct DelStmt : Stmt {
  explicit DelStmt(Span s) : Stmt(StmtKind::Del, s) {}
  std::vector<ExprPtr> targets;
};

struct WithItem {
  ExprPtr context;
  ExprPtr target;               // may be null
};
struct WithStmt : Stmt {
  explicit WithStmt(Span s) : Stmt(StmtKind::With, s) {}
  std::vector<WithItem> items;
  Body body;
};

struct ExceptHandler {
  ExprPtr type;                 // may be null (bare except); a Tuple for several types
  std::string name;             // `as name`, empty when absent
  Body body;
  Span span;
};
struct TryStmt : Stmt {
  explicit TryStmt(Span s) : Stmt(StmtKind::Try, s) {}
  Body body;
  std::vector<ExceptHandler> handlers;
  Body orelse, finalbody;
};

struct RaiseStmt : Stmt {
  explicit RaiseStmt(Span s) : Stmt(StmtKind::Raise, s) {}
  ExprPtr exc, cause;           // both may be null (bare `raise` re-raises)
};

// A parsed cell or file.
struct Module {
  Body body;
};

}  // namespace gradlab::lang
