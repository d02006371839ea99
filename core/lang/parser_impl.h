// Private to the parser (parser.cpp: token access, spans, errors, recovery, targets, entry
// points; parser_stmt.cpp: statements; parser_expr.cpp: expressions). Not included elsewhere.
#pragma once
#include <string>
#include <vector>

#include "lang/lexer.h"
#include "lang/parser.h"

namespace gradlab::lang::detail {

enum class TargetUse { Assign, Del };  // "cannot assign to %s" / "cannot delete %s"

// Operator levels, loosest first (Python's grammar: disjunction ... term).
enum Level : int { kOr = 1, kAnd, kNot, kCompare, kBitOr, kBitXor, kBitAnd, kShift, kSum, kTerm };

class Parser {
 public:
  explicit Parser(TokenStream stream);
  Module parse_module();
  ExprPtr parse_expression_input();
  std::vector<SyntaxError> take_errors();

  // ---- parser.cpp: tokens, spans, errors ---------------------------------------------
 private:
  const Token& peek(size_t ahead = 0) const;
  bool check(TokenKind kind) const { return peek().kind == kind; }
  bool match(TokenKind kind);
  const Token& advance();
  const Token& expect(TokenKind kind);  // or "invalid syntax" at the current token
  bool can_start_expression(const Token& t) const;

  Span cover(Span first, Span last) const;  // first's start to last's end, on first's line
  Span span_from(size_t start) const;       // the tokens [start, pos_)

  [[noreturn]] void fail(Span span, const std::string& message,
                         const char* type = "SyntaxError") const;
  [[noreturn]] void fail_unexpected() const;  // at peek(): "invalid syntax" or better
  // After expression `a`, the next token is unexpected: suggest a missing comma, print(...)
  // or '==' where CPython does, else fail_unexpected().
  [[noreturn]] void fail_after(const Expr* a);
  void report(const SyntaxError& error);
  // Records an error thrown by the statement starting at token `start`, preferring a
  // lexical error on the same logical line (as CPython's tokenizer does), then skips to the
  // next statement.
  void recover(const SyntaxError& error, size_t start);

  // Nesting limit (kMaxNestingDepth): a guard for recursion, a counter for chains.
  void enter_nesting();
  struct NestingGuard {
    explicit NestingGuard(Parser& p) : parser(p) { p.enter_nesting(); }
    ~NestingGuard() { --parser.depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
    Parser& parser;
  };
  struct NestingRestore {
    explicit NestingRestore(Parser& p) : parser(p), saved(p.depth_) {}
    ~NestingRestore() { parser.depth_ = saved; }
    NestingRestore(const NestingRestore&) = delete;
    NestingRestore& operator=(const NestingRestore&) = delete;
    Parser& parser;
    int saved;
  };

  // Targets of =, del, for, with, comprehensions.
  void check_target(const Expr& e, TargetUse use) const;
  static const char* expr_name(const Expr& e);     // CPython's words: "function call", ...
  static bool is_bitwise_or_level(const Expr& e);  // not a comparison, boolean, 'not',
                                                   // lambda or conditional expression
  // `e = value` where a comparison was likely meant: CPython suggests '==' ("cannot assign
  // to %s here. Maybe you meant '==' instead of '='?"). Not for tuples, lists, None, ...
  static bool suggests_comparison(const Expr& e);

  // ---- parser_stmt.cpp ---------------------------------------------------------------
  void parse_statement_into(Body& out);  // one statement, recovering from its errors
  void parse_statement(Body& out);
  void parse_simple_statements(Body& out);
  StmtPtr parse_simple_statement();
  StmtPtr parse_expression_statement();
  StmtPtr parse_if(size_t start, const char* what);
  StmtPtr parse_while();
  StmtPtr parse_for();
  StmtPtr parse_try();
  StmtPtr parse_with();
  StmtPtr parse_def();
  StmtPtr parse_class();
  StmtPtr parse_import();
  StmtPtr parse_from_import();
  StmtPtr parse_del();
  void expect_colon(const Expr* last);
  Body parse_block(const std::string& what, int header_line);
  void skip_indented_block();          // over INDENT ... DEDENT without parsing
  const Token& after_dedents() const;  // the first token from here that is not a DEDENT
  bool at_match_statement();
  std::string parse_dotted_name(Span* span);

  // ---- parser_expr.cpp ---------------------------------------------------------------
  ExprPtr parse_star_expressions();  // a, *b  → Tuple when there is a comma
  ExprPtr parse_star_expression();   // *a or an expression
  ExprPtr parse_expression();        // lambda, conditional expression, or lower
  // Operators from `or` down to `*`, by precedence climbing: `level` is the loosest operator
  // level the result may have (kOr: a whole disjunction; kBitOr: a bitwise_or, as in targets).
  ExprPtr parse_operators(int level);
  bool comparison_operator(CmpOpKind* op);  // consumes one if it is next
  ExprPtr parse_factor();                   // unary + - ~
  ExprPtr parse_power();
  ExprPtr parse_primary();
  ExprPtr parse_atom();
  ExprPtr parse_paren();
  ExprPtr parse_list();
  ExprPtr parse_brace();
  ExprPtr parse_strings();
  ExprPtr parse_lambda();
  ExprPtr parse_target_list();  // for-loop / comprehension targets: stops before 'in'
  ExprPtr parse_star_target();
  ExprPtr parse_slices();
  ExprPtr parse_slice();
  ExprPtr parse_comprehension(CompKind kind, ExprPtr elt, ExprPtr value, size_t start);
  void parse_call_args(CallExpr& call);  // ( args ), parens included
  std::vector<Param> parse_params(TokenKind closer, bool annotations);
  ExprPtr parse_field_expression(const std::vector<Token>& tokens);
  void add_fstring_pieces(const std::vector<FStringPiece>& pieces, FStringExpr& out);

  std::vector<Token> tokens_;  // the file's tokens
  std::vector<int> line_ends_;
  const std::vector<Token>* toks_;  // tokens_, or an f-string field's while it is parsed
  size_t pos_ = 0;
  mutable size_t furthest_ = 0;  // the furthest token of tokens_ looked at
  std::vector<SyntaxError> errors_;
  int depth_ = 0;      // expression nesting (kMaxNestingDepth)
  int loops_ = 0;      // enclosing loops in the current function or class body
  int functions_ = 0;  // enclosing function bodies (reset by a class body)
  int scopes_ = 0;     // enclosing function and class bodies
  int lenient_ = 0;    // > 0 while re-reading a block after a broken header
};

}  // namespace gradlab::lang::detail
