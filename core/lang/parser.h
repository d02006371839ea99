// The parser: tokens → lang::Module (ast.h), by recursive descent over Python 3.11's grammar
// for gradlab's subset.
//
// Errors are collected, not thrown: after a syntax error the parser skips to the end of the
// logical line (and over an indented block that follows a broken header), so one typo gives
// one error and two typos on different lines give two. Messages and positions follow
// CPython 3.11 where students see them ("invalid syntax", "expected ':'", "'(' was never
// closed", "cannot assign to function call here. Maybe you meant '==' instead of '='?", ...);
// features gradlab lacks get "... is not supported in gradlab" at their own position.
//
// Checks done here besides the grammar: assignment/del/for/with targets, argument and
// parameter order, duplicate keyword arguments and parameters, starred-expression placement,
// 'break'/'continue' outside a loop, 'return' outside a function, 'nonlocal' at module
// level. Left to the compiler: name-scope checks ("name 'x' is used prior to global
// declaration", nonlocal without a binding).
//
// Spans follow ast.h: a node spans its first token to its last, clipped to the first line
// (up to the last token on that line). Parenthesised tuples and generator expressions
// include their brackets; a parenthesised plain expression does not. A statement spans its
// first line (a compound statement's header up to ':').
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "lang/ast.h"
#include "lang/diagnostic.h"

namespace gradlab::lang {

// How deeply expressions may nest (brackets, operator chains, unary operators, 'not',
// lambda and conditional-expression chains, elif chains), so that neither the parser nor the
// compiler's walk over the tree can overflow the C++ stack (small under WebAssembly).
// Exceeding it is a SyntaxError: "expression is nested too deeply (the limit is 200 levels)".
// At the limit the parser needs about 225 KB of native stack (-O2) and under 64 KB of
// WebAssembly shadow stack (-O3); see ParserLimitTest.
constexpr int kMaxNestingDepth = 200;

struct ParseResult {
  Module module;                    // complete when `errors` is empty, best effort otherwise
  std::vector<SyntaxError> errors;  // in source order
  bool ok() const { return errors.empty(); }
};

// Parses a cell or file. Never throws for any input.
ParseResult parse_source(std::string_view source);

// Parses a cell or file; throws the first SyntaxError (the one Python would report).
Module parse(std::string_view source);

// Parses a single expression (an eval() input, or a tuple `a, b`); throws the first
// SyntaxError.
ExprPtr parse_expression(std::string_view source);

// Debugging aids: the tree as S-expressions, one statement per line, bodies indented by two
// spaces, e.g. "assign x = (+ 1 (* 2 3))". The format is documented in parser_dump.cpp.
std::string dump(const Module& module);
std::string dump(const Stmt& stmt);
std::string dump(const Expr& expr);

}  // namespace gradlab::lang
