// The lexer's main loop: layout (NEWLINE, INDENT, DEDENT), names and keywords, numbers,
// operators and brackets. String literals live in lexer_string.cpp.
#include "lang/lexer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "lang/lexer_impl.h"

namespace gradlab::lang {

const char* token_spelling(TokenKind kind) {
  switch (kind) {
#define GRADLAB_TOKEN_CASE(name, spelling) \
  case TokenKind::name:                    \
    return spelling;
    GRADLAB_SPECIAL_TOKENS(GRADLAB_TOKEN_CASE)
    GRADLAB_KEYWORD_TOKENS(GRADLAB_TOKEN_CASE)
    GRADLAB_OPERATOR_TOKENS(GRADLAB_TOKEN_CASE)
#undef GRADLAB_TOKEN_CASE
  }
  return "?";
}

bool is_keyword(TokenKind kind) { return kind >= TokenKind::KwFalse && kind <= TokenKind::KwYield; }

namespace detail {
namespace {

struct Spelled {
  const char* text;
  TokenKind kind;
};
#define GRADLAB_TOKEN_ENTRY(name, spelling) {spelling, TokenKind::name},
constexpr Spelled kKeywords[] = {GRADLAB_KEYWORD_TOKENS(GRADLAB_TOKEN_ENTRY)};
constexpr Spelled kOperators[] = {GRADLAB_OPERATOR_TOKENS(GRADLAB_TOKEN_ENTRY)};
#undef GRADLAB_TOKEN_ENTRY

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Code points CPython's str.isprintable() rejects (controls, format characters, separators
// other than ' ', surrogates, private use); reported as "invalid non-printable character".
bool is_nonprintable(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF ||
         (c >= 0xD800 && c <= 0xF8FF) || c > 0x10FFFF;
}

// Which non-ASCII code points may appear in identifiers. An approximation of Unicode's XID
// classes that needs no tables: everything is a letter except the blocks of punctuation,
// symbols, spaces, private use and emoji below (the characters students paste by accident:
// curly quotes, dashes, NBSP, arrows, maths operators, emoji).
bool is_unicode_letter(uint32_t c) {
  static constexpr struct {
    uint32_t lo, hi;
  } kNotLetters[] = {
      {0x80, 0xA9},       {0xAB, 0xB4},          {0xB6, 0xB9},     {0xBB, 0xBF},
      {0xD7, 0xD7},       {0xF7, 0xF7},          {0x37E, 0x37E},   {0x387, 0x387},
      {0x2000, 0x2070},   {0x2072, 0x207E},      {0x2080, 0x208F}, {0x20A0, 0x20FF},
      {0x2150, 0x215F},   {0x2189, 0x2BFF},      {0x2E00, 0x2E7F}, {0x3000, 0x3004},
      {0x3008, 0x3020},   {0x3030, 0x3030},      {0x303D, 0x303F}, {0xD800, 0xF8FF},
      {0xFD3E, 0xFD3F},   {0xFE10, 0xFE1F},      {0xFE30, 0xFE32}, {0xFE35, 0xFE4C},
      {0xFE50, 0xFE6F},   {0xFEFF, 0xFEFF},      {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20},
      {0xFF3B, 0xFF3E},   {0xFF40, 0xFF40},      {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF},
      {0x1F000, 0x1FBFF}, {0xE0000, 0xFFFFFFFF},
  };
  for (const auto& r : kNotLetters) {
    if (c >= r.lo && c <= r.hi) return false;
  }
  return c >= 0x80;
}

bool is_id_start(uint32_t c) {
  return c < 0x80 ? (is_ascii_alpha(static_cast<char>(c)) || c == '_') : is_unicode_letter(c);
}
bool is_id_continue(uint32_t c) { return is_id_start(c) || (c >= '0' && c <= '9'); }

std::string format(const char* fmt, long long a) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

}  // namespace

uint32_t decode_utf8(const std::string& s, size_t pos, int* length) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  *length = 1;
  if (b0 < 0x80) return b0;
  int n = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, cp = b0 & 0x07;
  } else {
    return 0xFFFD;
  }
  if (pos + n > s.size()) return 0xFFFD;
  for (int i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0xFFFD;
  *length = n;
  return cp;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Lexer::Lexer(const std::string& src, const std::vector<int>& line_lengths)
    : src_(src), line_len_(line_lengths), end_(src.size()), field_mode_(false) {
  indents_.push_back({0, 0});
}

Lexer::Lexer(const std::string& src, const std::vector<int>& line_lengths, Cursor begin, size_t end)
    : src_(src), line_len_(line_lengths), end_(end), field_mode_(true), cur_(begin) {}

void Lexer::step(Cursor& c) const {
  if (c.pos >= src_.size()) return;
  const char b = src_[c.pos];
  if (b == '\n') {
    ++c.pos, ++c.line, c.col = 1;
    return;
  }
  int n = 1;
  if (static_cast<unsigned char>(b) >= 0x80) decode_utf8(src_, c.pos, &n);
  c.pos += n, ++c.col;
}

Span Lexer::span(Cursor from, Cursor to) const {
  Span s{from.line, from.col, 0};
  s.length = to.line == from.line ? to.col - from.col : line_len_[from.line] - from.col + 1;
  if (s.length < 0) s.length = 0;
  return s;
}

Token& Lexer::emit(TokenKind kind, Cursor from, Cursor to) {
  Token t;
  t.kind = kind;
  t.span = span(from, to);
  t.depth = (field_mode_ ? 1 : 0) + static_cast<int>(brackets_.size());
  if (kind != TokenKind::Newline && kind != TokenKind::Indent && kind != TokenKind::Dedent &&
      kind != TokenKind::EndOfFile) {
    line_has_tokens_ = true;
  }
  out_.push_back(std::move(t));
  return out_.back();
}

void Lexer::emit_error(const std::string& type, const std::string& message, Span span, bool fatal) {
  Token t;
  t.kind = TokenKind::Error;
  t.span = span;
  t.depth = (field_mode_ ? 1 : 0) + static_cast<int>(brackets_.size());
  t.text = message;
  t.error_type = type;
  out_.push_back(std::move(t));
  line_has_tokens_ = true;
  if (fatal) fatal_ = true;
}

std::vector<Token> Lexer::run() {
  bool line_start = !field_mode_;
  while (!fatal_) {
    if (line_start) {
      line_start = false;
      if (!lex_indentation()) break;
    }
    while (cur_.pos < end_ &&
           (src_[cur_.pos] == ' ' || src_[cur_.pos] == '\t' || src_[cur_.pos] == '\f')) {
      step(cur_);
    }
    if (cur_.pos >= end_) break;
    const char c = src_[cur_.pos];
    if (c == '#') {
      comment_ = cur_;
      while (cur_.pos < end_ && src_[cur_.pos] != '\n') step(cur_);
    } else if (c == '\n') {
      if (!field_mode_ && brackets_.empty()) {
        if (line_has_tokens_) {
          Token t;
          t.kind = TokenKind::Newline;
          t.span = comment_ ? span(*comment_, cur_) : Span{cur_.line, cur_.col, 1};
          out_.push_back(std::move(t));
          line_has_tokens_ = false;
        }
        line_start = true;
      }
      comment_.reset();
      step(cur_);
    } else if (c == '\\') {
      const Cursor start = cur_;
      step(cur_);
      if (cur_.pos >= end_) {
        emit_error("SyntaxError", "unexpected EOF while parsing", span(start, cur_), true);
      } else if (src_[cur_.pos] == '\n') {
        step(cur_);
      } else {
        emit_error("SyntaxError", "unexpected character after line continuation character",
                   span(start, cur_));
      }
    } else {
      lex_token();
    }
  }
  finish();
  return std::move(out_);
}

bool Lexer::lex_indentation() {
  for (;;) {
    const Cursor line_start = cur_;
    int col = 0, alt = 0;
    while (cur_.pos < end_) {
      const char c = src_[cur_.pos];
      if (c == ' ') {
        ++col, ++alt;
      } else if (c == '\t') {
        col = (col / 8 + 1) * 8, ++alt;
      } else if (c == '\f') {
        col = alt = 0;
      } else {
        break;
      }
      step(cur_);
    }
    if (cur_.pos >= end_) return false;
    if (src_[cur_.pos] == '#' || src_[cur_.pos] == '\n') {  // blank or comment-only line
      while (cur_.pos < end_ && src_[cur_.pos] != '\n') step(cur_);
      if (cur_.pos >= end_) return false;
      step(cur_);
      continue;
    }
    const Span whitespace = span(line_start, cur_);
    // The first word of the line: what an indentation error underlines.
    Cursor word_end = cur_;
    int n = 1;
    if (is_id_continue(decode_utf8(src_, cur_.pos, &n))) {
      while (word_end.pos < end_ && is_id_continue(decode_utf8(src_, word_end.pos, &n))) {
        step(word_end);
      }
    } else {
      step(word_end);
    }
    const Span word = span(cur_, word_end);
    const auto tab_error = [&] {
      emit_error("TabError", "inconsistent use of tabs and spaces in indentation", whitespace);
    };
    const Level top = indents_.back();
    if (col == top.col) {
      if (alt != top.alt) tab_error();
    } else if (col > top.col) {
      if (static_cast<int>(indents_.size()) > kMaxIndentDepth) {
        emit_error("IndentationError", "too many levels of indentation", word, true);
        return false;
      }
      indents_.push_back({col, alt});
      emit(TokenKind::Indent, line_start, cur_);
      if (alt <= top.alt) tab_error();  // after the INDENT, so that recovery keeps the block
    } else {
      int dedents = 0;
      while (indents_.size() > 1 && col < indents_.back().col) {
        indents_.pop_back();
        ++dedents;
      }
      const bool mismatch = col != indents_.back().col;
      if (mismatch) {  // keep the line in the innermost block it left: one error, no cascade
        --dedents;
        indents_.push_back({col, alt});
      }
      for (int i = 0; i < dedents; ++i) emit(TokenKind::Dedent, cur_, cur_);
      if (mismatch) {
        emit_error("IndentationError", "unindent does not match any outer indentation level", word);
      } else if (alt != indents_.back().alt) {
        tab_error();
      }
    }
    return true;
  }
}

void Lexer::lex_token() {
  const Cursor start = cur_;
  const char c = src_[cur_.pos];
  if (static_cast<unsigned char>(c) < 0x80) {
    if (is_ascii_alpha(c) || c == '_') {
      lex_name(start);
    } else if (is_ascii_digit(c) || (c == '.' && is_ascii_digit(at(cur_.pos + 1)))) {
      lex_number(start);
    } else if (c == '"' || c == '\'') {
      lex_string(start, start, false, false, false);
    } else {
      lex_operator(start);
    }
    return;
  }
  int n = 1;
  if (is_id_start(decode_utf8(src_, cur_.pos, &n))) {
    lex_name(start);
  } else {
    lex_invalid_character(start);
  }
}

void Lexer::lex_name(Cursor start) {
  while (cur_.pos < end_) {
    int n = 1;
    if (!is_id_continue(decode_utf8(src_, cur_.pos, &n))) break;
    step(cur_);
  }
  std::string word = src_.substr(start.pos, cur_.pos - start.pos);
  const char quote = at(cur_.pos);
  if ((quote == '"' || quote == '\'') && word.size() <= 2) {
    bool raw = false, bytes = false, format = false, unicode = false, valid = true;
    for (const char ch : word) {
      bool* flag = nullptr;
      switch (ch) {
        case 'r':
        case 'R':
          flag = &raw;
          break;
        case 'b':
        case 'B':
          flag = &bytes;
          break;
        case 'f':
        case 'F':
          flag = &format;
          break;
        case 'u':
        case 'U':
          flag = &unicode;
          break;
        default:
          break;
      }
      if (flag == nullptr || *flag) valid = false;
      if (flag != nullptr) *flag = true;
    }
    if (valid && !(unicode && word.size() > 1) && !(bytes && format)) {
      lex_string(start, cur_, raw, bytes, format);
      return;
    }
  }
  for (const Spelled& kw : kKeywords) {
    if (word == kw.text) {
      emit(kw.kind, start, cur_);
      return;
    }
  }
  emit(TokenKind::Name, start, cur_).text = std::move(word);
}

void Lexer::lex_number(Cursor start) {
  // The rest of a malformed literal (letters, digits, underscores, dots) goes into its error.
  const auto invalid = [&](const std::string& message, Span where) {
    while (cur_.pos < end_) {
      int n = 1;
      const uint32_t cp = decode_utf8(src_, cur_.pos, &n);
      if (!is_id_continue(cp) && cp != '.') break;
      step(cur_);
    }
    emit_error("SyntaxError", message, where.length > 0 ? where : span(start, cur_));
  };
  const auto bad_literal = [&](const char* kind) {
    invalid(std::string("invalid ") + kind + " literal", Span{});
  };
  // CPython accepts a keyword glued to a number ("1if x else 2"); any other letter is an error.
  const auto ends_cleanly = [&](const char* kind) {
    int n = 1;
    if (cur_.pos >= end_ || !is_id_continue(decode_utf8(src_, cur_.pos, &n))) return true;
    for (const char* kw : {"and", "else", "for", "if", "in", "is", "not", "or"}) {
      if (src_.compare(cur_.pos, std::strlen(kw), kw) == 0) return true;
    }
    bad_literal(kind);
    return false;
  };
  const char prefix = at(cur_.pos + 1);
  if (at(cur_.pos) == '0' && std::strchr("xXoObB", prefix) != nullptr && prefix != '\0') {
    const char p = static_cast<char>(prefix | 0x20);
    const int base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
    const char* kind = p == 'x' ? "hexadecimal" : p == 'o' ? "octal" : "binary";
    const auto digit_value = [&](char c) {
      const int v = is_ascii_digit(c)        ? c - '0'
                    : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                             : 99;
      return v < base ? v : -1;
    };
    const auto bad_digit = [&] {
      Cursor after = cur_;
      step(after);
      invalid(std::string("invalid digit '") + at(cur_.pos) + "' in " + kind + " literal",
              span(cur_, after));
    };
    step(cur_), step(cur_);
    uint64_t value = 0;
    bool overflow = false;
    do {
      if (at(cur_.pos) == '_') step(cur_);
      if (digit_value(at(cur_.pos)) < 0) {
        if (is_ascii_digit(at(cur_.pos))) {
          bad_digit();
        } else {
          bad_literal(kind);
        }
        return;
      }
      for (int d; (d = digit_value(at(cur_.pos))) >= 0; step(cur_)) {
        if (value > (static_cast<uint64_t>(INT64_MAX) - d) / base) overflow = true;
        value = value * base + d;
      }
    } while (at(cur_.pos) == '_');
    if (is_ascii_digit(at(cur_.pos))) {
      bad_digit();
      return;
    }
    if (!ends_cleanly(kind)) return;
    if (overflow) {
      emit_error("SyntaxError",
                 "integer literal is too large: gradlab integers are 64-bit (at most "
                 "9223372036854775807)",
                 span(start, cur_));
      return;
    }
    emit(TokenKind::Int, start, cur_).int_value = static_cast<int64_t>(value);
    return;
  }

  std::string digits;            // the literal without underscores, for strtod
  const auto digit_part = [&] {  // digit (['_'] digit)*
    for (;;) {
      while (is_ascii_digit(at(cur_.pos))) digits += at(cur_.pos), step(cur_);
      if (at(cur_.pos) != '_') return true;
      if (!is_ascii_digit(at(cur_.pos + 1))) return false;
      step(cur_);
    }
  };
  bool is_float = false;
  if (at(cur_.pos) != '.' && !digit_part()) return bad_literal("decimal");
  const std::string int_digits = digits;
  if (at(cur_.pos) == '.') {
    is_float = true;
    digits += '.';
    step(cur_);
    if (is_ascii_digit(at(cur_.pos)) && !digit_part()) return bad_literal("decimal");
  }
  if (at(cur_.pos) == 'e' || at(cur_.pos) == 'E') {
    size_t k = cur_.pos + 1;
    if (at(k) == '+' || at(k) == '-') ++k;
    if (is_ascii_digit(at(k))) {
      is_float = true;
      digits += 'e';
      step(cur_);
      if (at(cur_.pos) == '+' || at(cur_.pos) == '-') digits += at(cur_.pos), step(cur_);
      if (!digit_part()) return bad_literal("decimal");
    }
  }
  if (at(cur_.pos) == 'j' || at(cur_.pos) == 'J') {
    step(cur_);
    invalid("complex numbers are not supported in gradlab", Span{});
    return;
  }
  if (!ends_cleanly("decimal")) return;
  if (is_float) {
    emit(TokenKind::Float, start, cur_).float_value = std::strtod(digits.c_str(), nullptr);
    return;
  }
  if (int_digits.size() > 1 && int_digits[0] == '0' &&
      int_digits.find_first_not_of('0') != std::string::npos) {
    emit_error("SyntaxError",
               "leading zeros in decimal integer literals are not permitted; use an 0o prefix "
               "for octal integers",
               span(start, cur_));
    return;
  }
  uint64_t value = 0;
  for (const char d : int_digits) {
    if (value > (static_cast<uint64_t>(INT64_MAX) - (d - '0')) / 10) {
      emit_error("SyntaxError",
                 "integer literal is too large: gradlab integers are 64-bit (at most "
                 "9223372036854775807)",
                 span(start, cur_));
      return;
    }
    value = value * 10 + (d - '0');
  }
  emit(TokenKind::Int, start, cur_).int_value = static_cast<int64_t>(value);
}

void Lexer::lex_operator(Cursor start) {
  const Spelled* best = nullptr;
  size_t best_len = 0;
  for (const Spelled& op : kOperators) {
    const size_t n = std::strlen(op.text);
    if (n > best_len && cur_.pos + n <= end_ && src_.compare(cur_.pos, n, op.text) == 0) {
      best = &op, best_len = n;
    }
  }
  if (best == nullptr) {
    lex_invalid_character(start);
    return;
  }
  cur_.pos += best_len, cur_.col += static_cast<int>(best_len);
  const char c = best->text[0];
  if (best_len == 1 && (c == '(' || c == '[' || c == '{')) {
    if (static_cast<int>(brackets_.size()) >= kMaxBracketDepth) {
      emit_error("SyntaxError", "too many nested parentheses", span(start, cur_), true);
      return;
    }
    brackets_.push_back({c, span(start, cur_)});
  } else if (best_len == 1 && (c == ')' || c == ']' || c == '}')) {
    if (brackets_.empty()) {
      emit_error("SyntaxError", std::string("unmatched '") + c + "'", span(start, cur_));
      return;
    }
    const Bracket open = brackets_.back();
    brackets_.pop_back();
    if (open.ch != (c == ')' ? '(' : c == ']' ? '[' : '{')) {
      std::string message = std::string("closing parenthesis '") + c +
                            "' does not match opening parenthesis '" + open.ch + "'";
      if (open.span.line != start.line) message += format(" on line %lld", open.span.line);
      emit_error("SyntaxError", message, span(start, cur_));
      return;
    }
  }
  emit(best->kind, start, cur_);
}

void Lexer::lex_invalid_character(Cursor start) {
  int n = 1;
  const uint32_t cp = decode_utf8(src_, cur_.pos, &n);
  step(cur_);
  std::string message;
  if (cp == 0) {
    message = "source code cannot contain null bytes";
  } else if (cp > 0x20 && cp < 0x7F) {
    message = "invalid syntax";  // $ ? ! ` as CPython words it
  } else if (is_nonprintable(cp)) {
    message = format("invalid non-printable character U+%04llX", cp);
  } else {
    message = "invalid character '" + src_.substr(start.pos, cur_.pos - start.pos) + "'" +
              format(" (U+%04llX)", cp);
  }
  emit_error("SyntaxError", message, span(start, cur_));
}

void Lexer::finish() {
  if (field_mode_) {  // spans the character that ended the expression: '}', '!', ':' or '='
    emit(TokenKind::EndOfFile, cur_, cur_).span.length = 1;
    return;
  }
  if (!fatal_ && !brackets_.empty()) {
    const Bracket& open = brackets_.back();
    emit_error("SyntaxError", std::string("'") + open.ch + "' was never closed", open.span);
    out_.back().unclosed = true;
  }
  if (line_has_tokens_) {
    Token t;
    t.kind = TokenKind::Newline;
    t.span = comment_ ? span(*comment_, cur_) : Span{cur_.line, cur_.col, 1};
    out_.push_back(std::move(t));
  }
  while (indents_.size() > 1) {
    indents_.pop_back();
    emit(TokenKind::Dedent, cur_, cur_);
  }
  emit(TokenKind::EndOfFile, cur_, cur_).span.length = 1;
}

}  // namespace detail

namespace {

void record_line_ends(const std::vector<Token>& tokens, std::vector<int>& ends);

void record_piece_ends(const std::vector<FStringPiece>& pieces, std::vector<int>& ends) {
  for (const FStringPiece& piece : pieces) {
    record_line_ends(piece.expr, ends);
    record_piece_ends(piece.spec, ends);
  }
}

void record_line_ends(const std::vector<Token>& tokens, std::vector<int>& ends) {
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::Newline || t.kind == TokenKind::Indent ||
        t.kind == TokenKind::Dedent || t.kind == TokenKind::EndOfFile) {
      continue;
    }
    const size_t line = static_cast<size_t>(t.span.line);
    if (line < ends.size() && t.span.column + t.span.length > ends[line]) {
      ends[line] = t.span.column + t.span.length;
    }
    if (t.fstring) record_piece_ends(*t.fstring, ends);
  }
}

}  // namespace

TokenStream tokenize(std::string_view source) {
  // Normalise line ends to '\n' and drop a UTF-8 byte order mark.
  std::string src;
  src.reserve(source.size());
  size_t i = source.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (; i < source.size(); ++i) {
    if (source[i] == '\r') {
      src += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      src += source[i];
    }
  }
  std::vector<int> line_lengths{0};  // [0] unused; lines are 1-based
  int length = 0;
  for (size_t pos = 0; pos < src.size();) {
    if (src[pos] == '\n') {
      line_lengths.push_back(length);
      length = 0;
      ++pos;
      continue;
    }
    int n = 1;
    if (static_cast<unsigned char>(src[pos]) >= 0x80) detail::decode_utf8(src, pos, &n);
    pos += n;
    ++length;
  }
  line_lengths.push_back(length);
  line_lengths.push_back(0);

  TokenStream stream;
  stream.tokens = detail::Lexer(src, line_lengths).run();
  stream.line_ends.assign(line_lengths.size(), 0);
  record_line_ends(stream.tokens, stream.line_ends);
  return stream;
}

}  // namespace gradlab::lang
