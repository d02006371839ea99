// The tokens the lexer hands to the parser. Every kind is listed once, in the tables below;
// the enum and the spelling lookup are derived from them.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lang/ast.h"

namespace gradlab::lang {

// clang-format off
// Tokens that are not spelled by fixed text.
#define GRADLAB_SPECIAL_TOKENS(X) \
  X(EndOfFile, "end of file")     \
  X(Newline, "newline")           \
  X(Indent, "indent")             \
  X(Dedent, "dedent")             \
  X(Error, "error")               \
  X(Name, "name")                 \
  X(Int, "integer literal")       \
  X(Float, "float literal")       \
  X(String, "string literal")     \
  X(FString, "f-string")

// Reserved words. Soft keywords (match, case, _) are plain names.
#define GRADLAB_KEYWORD_TOKENS(X)                                                           \
  X(KwFalse, "False")                                                                      \
  X(KwNone, "None") X(KwTrue, "True") X(KwAnd, "and") X(KwAs, "as") X(KwAssert, "assert") \
  X(KwAsync, "async") X(KwAwait, "await") X(KwBreak, "break") X(KwClass, "class")         \
  X(KwContinue, "continue") X(KwDef, "def") X(KwDel, "del") X(KwElif, "elif")             \
  X(KwElse, "else") X(KwExcept, "except") X(KwFinally, "finally") X(KwFor, "for")         \
  X(KwFrom, "from") X(KwGlobal, "global") X(KwIf, "if") X(KwImport, "import")             \
  X(KwIn, "in") X(KwIs, "is") X(KwLambda, "lambda") X(KwNonlocal, "nonlocal")             \
  X(KwNot, "not") X(KwOr, "or") X(KwPass, "pass") X(KwRaise, "raise")                     \
  X(KwReturn, "return") X(KwTry, "try") X(KwWhile, "while") X(KwWith, "with")             \
  X(KwYield, "yield")

// Operators and delimiters, spelled as in the source. The lexer matches the longest one.
#define GRADLAB_OPERATOR_TOKENS(X)                                                          \
  X(LParen, "(")                                                                           \
  X(RParen, ")") X(LBracket, "[") X(RBracket, "]") X(LBrace, "{") X(RBrace, "}")          \
  X(Colon, ":") X(Comma, ",") X(Semicolon, ";") X(Dot, ".") X(Ellipsis, "...")            \
  X(Arrow, "->") X(ColonEqual, ":=") X(Plus, "+") X(Minus, "-") X(Star, "*")             \
  X(Slash, "/") X(DoubleSlash, "//") X(Percent, "%") X(DoubleStar, "**") X(At, "@")       \
  X(LShift, "<<") X(RShift, ">>") X(Amp, "&") X(Pipe, "|") X(Caret, "^") X(Tilde, "~")    \
  X(Less, "<") X(Greater, ">") X(LessEqual, "<=") X(GreaterEqual, ">=") X(EqEqual, "==")  \
  X(NotEqual, "!=") X(Equal, "=") X(PlusEqual, "+=") X(MinusEqual, "-=")                  \
  X(StarEqual, "*=") X(SlashEqual, "/=") X(DoubleSlashEqual, "//=") X(PercentEqual, "%=") \
  X(DoubleStarEqual, "**=") X(AtEqual, "@=") X(LShiftEqual, "<<=")                        \
  X(RShiftEqual, ">>=") X(AmpEqual, "&=") X(PipeEqual, "|=") X(CaretEqual, "^=")
// clang-format on

enum class TokenKind : uint8_t {
#define GRADLAB_TOKEN_ENUM(name, spelling) name,
  GRADLAB_SPECIAL_TOKENS(GRADLAB_TOKEN_ENUM) GRADLAB_KEYWORD_TOKENS(GRADLAB_TOKEN_ENUM)
      GRADLAB_OPERATOR_TOKENS(GRADLAB_TOKEN_ENUM)
#undef GRADLAB_TOKEN_ENUM
};

// The source spelling of a keyword or operator ("if", "**="), or a description of the
// other kinds ("name", "end of file").
const char* token_spelling(TokenKind kind);
bool is_keyword(TokenKind kind);

struct FStringPiece;

struct Token {
  TokenKind kind = TokenKind::EndOfFile;
  // Where the token is. A token spanning lines (a triple-quoted string) is clipped to the end
  // of its first line. NEWLINE spans the comment that ends its line, or else the one column
  // just past the line's last character; INDENT spans the indentation; DEDENT is empty;
  // EndOfFile spans the column just past the end (in an f-string field: the character that
  // ends the expression).
  Span span;
  int depth = 0;           // open brackets around the token (an f-string field counts as one)
  std::string text;        // Name: the identifier; String: the decoded value; Error: message
  int64_t int_value = 0;   // Int
  double float_value = 0;  // Float
  std::string error_type;  // Error: "SyntaxError", "IndentationError" or "TabError"
  bool unclosed = false;   // Error: "'(' was never closed" (span: the bracket)
  std::shared_ptr<const std::vector<FStringPiece>> fstring;  // FString: its pieces
};

// One piece of an f-string as the lexer splits it: literal text, or a replacement field
// {expr!conv:spec} whose expression is already tokenized (positions point into the source).
struct FStringPiece {
  bool is_literal = true;
  std::string literal;             // literal: decoded text ({{ and }} already halved)
  std::vector<Token> expr;         // field: the expression's tokens, ending with EndOfFile
  char conversion = 0;             // field: 0, 'r', 's' or 'a'
  bool has_spec = false;           // field: a ':' format spec was given (possibly empty)
  std::vector<FStringPiece> spec;  // field: the spec's own pieces (literals and fields)
  Span span;                       // field: from '{' to '}' (first line)
};

}  // namespace gradlab::lang
