// The lexer: UTF-8 source text → tokens (Python 3.11's tokenizer rules for gradlab's subset).
//
// It never throws on user input. A lexical error becomes an Error token (its message, type and
// span), placed where the bad text was, and lexing goes on after it where that makes sense
// (a stray character, an unterminated single-quoted string, a bad number); after an error
// that swallows the rest of the file (an unterminated triple-quoted string, a bracket never
// closed) only NEWLINE, DEDENTs and EndOfFile follow. The parser reports Error tokens when it
// reaches them, so errors come out in source order, at most one per logical line.
//
// Layout tokens follow CPython: NEWLINE ends each logical line that has tokens (blank and
// comment-only lines give none, nor do line breaks inside (), [], {} or after a backslash);
// INDENT/DEDENT bracket each block; the stream ends with NEWLINE (if the last line had
// tokens), the DEDENTs that close open blocks, and EndOfFile.
#pragma once
#include <string_view>
#include <vector>

#include "lang/token.h"

namespace gradlab::lang {

// Limits, each with CPython's value. Deeper nesting gives an error token, never a crash.
constexpr int kMaxBracketDepth = 200;  // "too many nested parentheses"
constexpr int kMaxIndentDepth = 100;   // "too many levels of indentation"

struct TokenStream {
  std::vector<Token> tokens;  // ends with EndOfFile
  // line_ends[line]: the column just past the last token that starts on `line` (1-based,
  // layout tokens excluded; a multi-line string counts to its first line's end), or 0.
  // Indexed 0..last line + 1. Used to clip multi-line spans to their first line.
  std::vector<int> line_ends;
};

TokenStream tokenize(std::string_view source);

}  // namespace gradlab::lang
