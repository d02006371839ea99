// Private to the lexer (lexer.cpp: layout, names, numbers, operators; lexer_string.cpp:
// string literals, escapes and f-string splitting). Not included by anything else.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lang/lexer.h"

namespace gradlab::lang::detail {

// A position in the (newline-normalised) source: byte offset plus 1-based line/column, where
// columns count code points.
struct Cursor {
  size_t pos = 0;
  int line = 1;
  int col = 1;
};

struct LexError {
  std::string type;
  std::string message;
  Span span;
};

// Decodes the code point at src[pos] (lenient: a malformed byte decodes as itself, length 1).
uint32_t decode_utf8(const std::string& src, size_t pos, int* length);
void append_utf8(std::string& out, uint32_t cp);

class Lexer {
 public:
  // Lexes the whole file `src` ('\n' line ends only). `line_lengths[l]` is line l's length in
  // code points.
  Lexer(const std::string& src, const std::vector<int>& line_lengths);
  // Lexes one f-string replacement field's expression, src[begin.pos, end), as if inside
  // brackets: no layout tokens, and an EndOfFile token at `end`.
  Lexer(const std::string& src, const std::vector<int>& line_lengths, Cursor begin, size_t end);

  std::vector<Token> run();

 private:
  // lexer.cpp
  bool lex_indentation();  // at a logical line's start; false at end of input
  void lex_token();
  void lex_name(Cursor start);
  void lex_number(Cursor start);
  void lex_operator(Cursor start);
  void lex_invalid_character(Cursor start);
  void finish();

  // lexer_string.cpp
  void lex_string(Cursor start, Cursor quote, bool raw, bool bytes, bool format);
  bool decode_string(Cursor begin, size_t end, bool raw, std::string& out);
  bool split_fstring(Cursor& c, size_t end, bool raw, int level, std::vector<FStringPiece>& out);
  bool lex_field(Cursor& c, size_t end, bool raw, int level, std::vector<FStringPiece>& out);
  bool fail(const std::string& message, Cursor from, Cursor to);  // sets string_error_

  // Cursor helpers.
  char at(size_t pos) const { return pos < end_ ? src_[pos] : '\0'; }
  void step(Cursor& c) const;
  Span span(Cursor from, Cursor to) const;  // clipped to `from`'s line
  Token& emit(TokenKind kind, Cursor from, Cursor to);
  void emit_error(const std::string& type, const std::string& message, Span span,
                  bool fatal = false);

  const std::string& src_;
  const std::vector<int>& line_len_;
  size_t end_;
  bool field_mode_;
  Cursor cur_;
  std::vector<Token> out_;
  bool fatal_ = false;

  struct Bracket {
    char ch;
    Span span;
  };
  std::vector<Bracket> brackets_;
  struct Level {
    int col;  // tabs to multiples of 8
    int alt;  // tabs as one column: must order the same way (else TabError)
  };
  std::vector<Level> indents_;
  bool line_has_tokens_ = false;   // a token since the last NEWLINE
  std::optional<Cursor> comment_;  // the comment on the current line, if any
  std::optional<LexError> string_error_;
};

}  // namespace gradlab::lang::detail
