// String literals: finding their end, decoding escapes, and splitting f-strings into literal
// text and replacement fields whose expressions are tokenized in place (so their spans point
// into the original source). Follows CPython 3.11, where an f-string ends at its closing
// quote like any string and the fields are found afterwards.
#include <cstdio>
#include <cstring>

#include "lang/lexer_impl.h"

namespace gradlab::lang::detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Appends a literal piece, merging it into a literal piece just before it.
void add_literal(std::vector<FStringPiece>& out, std::string text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().is_literal) {
    out.back().literal += text;
    return;
  }
  FStringPiece piece;
  piece.literal = std::move(text);
  out.push_back(std::move(piece));
}

}  // namespace

bool Lexer::fail(const std::string& message, Cursor from, Cursor to) {
  string_error_ = LexError{"SyntaxError", message, span(from, to)};
  return false;
}

void Lexer::lex_string(Cursor start, Cursor quote, bool raw, bool bytes, bool format) {
  cur_ = quote;
  const char q = src_[quote.pos];
  const bool triple = at(quote.pos + 1) == q && at(quote.pos + 2) == q;
  step(cur_);
  if (triple) step(cur_), step(cur_);
  const Cursor body = cur_;
  Cursor body_end;
  for (;;) {
    if (cur_.pos >= end_ || (src_[cur_.pos] == '\n' && !triple)) {
      char message[96];
      std::snprintf(message, sizeof message, "unterminated %sstring literal (detected at line %d)",
                    triple ? "triple-quoted " : "", cur_.line);
      emit_error("SyntaxError", message, span(start, cur_), triple);
      return;
    }
    const char c = src_[cur_.pos];
    if (c == '\\') {
      step(cur_);
      if (cur_.pos < end_) step(cur_);
      continue;
    }
    if (c == q && (!triple || (at(cur_.pos + 1) == q && at(cur_.pos + 2) == q))) {
      body_end = cur_;
      step(cur_);
      if (triple) step(cur_), step(cur_);
      break;
    }
    step(cur_);
  }
  if (bytes) {
    emit_error("SyntaxError", "bytes literals are not supported in gradlab", span(start, cur_));
    return;
  }
  string_error_.reset();
  if (format) {
    auto pieces = std::make_shared<std::vector<FStringPiece>>();
    Cursor c = body;
    if (split_fstring(c, body_end.pos, raw, 0, *pieces)) {
      emit(TokenKind::FString, start, cur_).fstring = std::move(pieces);
      return;
    }
  } else {
    std::string value;
    if (decode_string(body, body_end.pos, raw, value)) {
      emit(TokenKind::String, start, cur_).text = std::move(value);
      return;
    }
  }
  emit_error(string_error_->type, string_error_->message, string_error_->span);
}

bool Lexer::decode_string(Cursor begin, size_t end, bool raw, std::string& out) {
  Cursor c = begin;
  while (c.pos < end) {
    if (src_[c.pos] != '\\' || raw) {
      const size_t from = c.pos;
      step(c);
      out.append(src_, from, c.pos - from);
      continue;
    }
    const Cursor escape = c;
    step(c);
    if (c.pos >= end) {  // a backslash just before an f-string field: "\{x}"
      out += '\\';
      break;
    }
    const char e = src_[c.pos];
    static const char kEscapes[] = "\\'\"abfnrtv";
    static const char kMeanings[] = "\\'\"\a\b\f\n\r\t\v";
    if (e == '\n') {  // backslash-newline joins the lines
      step(c);
      continue;
    }
    if (const char* k = std::strchr(kEscapes, e); k != nullptr && e != '\0') {
      out += kMeanings[k - kEscapes];
      step(c);
      continue;
    }
    if (e >= '0' && e <= '7') {  // up to three octal digits
      uint32_t value = 0;
      for (int i = 0; i < 3 && c.pos < end && src_[c.pos] >= '0' && src_[c.pos] <= '7'; ++i) {
        value = value * 8 + (src_[c.pos] - '0');
        step(c);
      }
      append_utf8(out, value);
    } else if (e == 'x' || e == 'u' || e == 'U') {
      const int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      step(c);
      uint32_t value = 0;
      bool truncated = false;
      for (int i = 0; i < digits && !truncated; ++i) {
        truncated = c.pos >= end || hex_value(src_[c.pos]) < 0;
        if (!truncated) value = value * 16 + hex_value(src_[c.pos]), step(c);
      }
      if (truncated || value > 0x10FFFF) {
        char message[160];
        std::snprintf(message, sizeof message,
                      "(unicode error) 'unicodeescape' codec can't decode bytes in position "
                      "%zu-%zu: %s",
                      escape.pos - begin.pos, c.pos - begin.pos - 1,
                      !truncated ? "illegal Unicode character"
                      : e == 'x' ? "truncated \\xXX escape"
                      : e == 'u' ? "truncated \\uXXXX escape"
                                 : "truncated \\UXXXXXXXX escape");
        return fail(message, escape, c);
      }
      append_utf8(out, value);
    } else if (e == 'N') {
      while (c.pos < end && src_[c.pos] != '}') step(c);
      if (c.pos < end) step(c);
      return fail("'\\N{...}' escapes are not supported in gradlab; use '\\u' with the code point",
                  escape, c);
    } else {
      out += '\\';  // unknown escapes stay as written
    }
  }
  return true;
}

bool Lexer::split_fstring(Cursor& c, size_t end, bool raw, int level,
                          std::vector<FStringPiece>& out) {
  std::string text;
  while (c.pos < end) {
    const Cursor chunk = c;
    while (c.pos < end && src_[c.pos] != '{' && src_[c.pos] != '}') {
      if (src_[c.pos] == '\\' && !raw) {
        step(c);
        if (c.pos >= end || src_[c.pos] == '{' || src_[c.pos] == '}') continue;
        if (src_[c.pos] == 'N' && at(c.pos + 1) == '{') {  // "\N{...}": its braces are no field
          while (c.pos < end && src_[c.pos] != '}') step(c);
        }
      }
      if (c.pos < end) step(c);
    }
    if (!decode_string(chunk, c.pos, raw, text)) return false;
    if (c.pos >= end) break;
    const char brace = src_[c.pos];
    if (level == 0 && c.pos + 1 < end && src_[c.pos + 1] == brace) {  // {{ or }}
      text += brace;
      step(c), step(c);
      continue;
    }
    if (brace == '}') {
      if (level > 0) break;  // the end of a format spec: the caller consumes it
      Cursor after = c;
      step(after);
      return fail("f-string: single '}' is not allowed", c, after);
    }
    add_literal(out, std::move(text));
    text.clear();
    if (!lex_field(c, end, raw, level, out)) return false;
  }
  add_literal(out, std::move(text));
  return true;
}

bool Lexer::lex_field(Cursor& c, size_t end, bool raw, int level, std::vector<FStringPiece>& out) {
  const Cursor open = c;
  Cursor after = c;
  step(after);
  if (level >= 2) return fail("f-string: expressions nested too deeply", open, after);
  c = after;
  const Cursor expr_begin = c;
  // Find where the expression ends, skipping nested brackets and strings (CPython's rules).
  std::string brackets;
  char quote = 0;
  bool triple = false;
  while (c.pos < end) {
    const char ch = src_[c.pos];
    Cursor next = c;
    step(next);
    if (ch == '\\') return fail("f-string expression part cannot include a backslash", c, next);
    if (quote != 0) {
      if (ch == quote && !triple) {
        quote = 0;
      } else if (ch == quote && c.pos + 2 < end && src_[c.pos + 1] == quote &&
                 src_[c.pos + 2] == quote) {
        step(next), step(next);
        quote = 0;
      }
    } else if (ch == '\'' || ch == '"') {
      triple = c.pos + 2 < end && src_[c.pos + 1] == ch && src_[c.pos + 2] == ch;
      if (triple) step(next), step(next);
      quote = ch;
    } else if (ch == '(' || ch == '[' || ch == '{') {
      if (static_cast<int>(brackets.size()) >= kMaxBracketDepth) {
        return fail("f-string: too many nested parenthesis", c, next);
      }
      brackets += ch;
    } else if (ch == '#') {
      return fail("f-string expression part cannot include '#'", c, next);
    } else if (brackets.empty() &&
               (ch == '!' || ch == ':' || ch == '}' || ch == '=' || ch == '<' || ch == '>')) {
      if (ch != ':' && ch != '}' && next.pos < end && src_[next.pos] == '=') {  // != == <= >=
        step(next);
      } else if (ch != '<' && ch != '>') {
        break;
      }
    } else if (ch == ')' || ch == ']' || ch == '}') {
      if (brackets.empty()) return fail(std::string("f-string: unmatched '") + ch + "'", c, next);
      const char opening = brackets.back();
      brackets.pop_back();
      if (opening != (ch == ')' ? '(' : ch == ']' ? '[' : '{')) {
        return fail(std::string("f-string: closing parenthesis '") + ch +
                        "' does not match opening parenthesis '" + opening + "'",
                    c, next);
      }
    }
    c = next;
  }
  if (quote != 0) return fail("f-string: unterminated string", open, c);
  if (!brackets.empty()) {
    return fail(std::string("f-string: unmatched '") + brackets.back() + "'", open, c);
  }
  const auto expecting_brace = [&] { return fail("f-string: expecting '}'", open, c); };
  if (c.pos >= end) return expecting_brace();
  bool blank = true;
  for (size_t p = expr_begin.pos; p < c.pos; ++p) blank = blank && is_space(src_[p]);
  if (blank) {
    Cursor close = c;
    step(close);
    return fail("f-string: empty expression not allowed", open, close);
  }

  FStringPiece field;
  field.is_literal = false;
  field.expr = Lexer(src_, line_len_, expr_begin, c.pos).run();
  bool self_documenting = false;
  if (src_[c.pos] == '=') {  // f"{x=}" prints "x=" and then repr(x)
    step(c);
    while (c.pos < end && is_space(src_[c.pos])) step(c);
    if (c.pos >= end) return expecting_brace();
    add_literal(out, src_.substr(expr_begin.pos, c.pos - expr_begin.pos));
    self_documenting = true;
  }
  if (src_[c.pos] == '!') {
    step(c);
    if (c.pos >= end) return expecting_brace();
    const Cursor conversion = c;
    field.conversion = src_[c.pos];
    step(c);
    if (field.conversion != 's' && field.conversion != 'r' && field.conversion != 'a') {
      return fail("f-string: invalid conversion character: expected 's', 'r', or 'a'", conversion,
                  c);
    }
  }
  if (c.pos < end && src_[c.pos] == ':') {
    step(c);
    if (c.pos >= end) return expecting_brace();
    field.has_spec = true;
    if (!split_fstring(c, end, raw, level + 1, field.spec)) return false;
  }
  if (c.pos >= end || src_[c.pos] != '}') return expecting_brace();
  step(c);
  if (self_documenting && !field.has_spec && field.conversion == 0) field.conversion = 'r';
  field.span = span(open, c);
  out.push_back(std::move(field));
  return true;
}

}  // namespace gradlab::lang::detail
