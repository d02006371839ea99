#include "lang/lexer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "lang_test_util.h"

namespace gradlab::lang {
namespace {

using testing::covered;

std::string show(const Token& t) {
  switch (t.kind) {
    case TokenKind::Name:
      return t.text;
    case TokenKind::Int:
      return std::to_string(t.int_value);
    case TokenKind::Float: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%gf", t.float_value);
      return buf;
    }
    case TokenKind::String:
      return "'" + t.text + "'";
    case TokenKind::FString:
      return "F";
    case TokenKind::Newline:
      return "NL";
    case TokenKind::Indent:
      return "IN";
    case TokenKind::Dedent:
      return "DE";
    case TokenKind::EndOfFile:
      return "EOF";
    case TokenKind::Error:
      return "ERR[" + t.error_type + ": " + t.text + "]";
    default:
      return token_spelling(t.kind);
  }
}

std::string show(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) out += (out.empty() ? "" : " ") + show(t);
  return out;
}

std::string lex(const std::string& source) { return show(tokenize(source).tokens); }

// The only error token of `source`, as "Type: message @ line:col+len".
std::string lex_error(const std::string& source) {
  std::string out;
  for (const Token& t : tokenize(source).tokens) {
    if (t.kind != TokenKind::Error) continue;
    if (!out.empty()) return "more than one error: " + out;
    out = t.error_type + ": " + t.text + " @ " + std::to_string(t.span.line) + ":" +
          std::to_string(t.span.column) + "+" + std::to_string(t.span.length);
  }
  return out.empty() ? "no error" : out;
}

const Token& first(const std::string& source) {
  static TokenStream stream;  // keeps the token alive for the caller
  stream = tokenize(source);
  return stream.tokens.front();
}

TEST(LexerTest, EmptySourceIsJustEndOfFile) {
  EXPECT_EQ(lex(""), "EOF");
  EXPECT_EQ(lex("\n\n  \n# comment\n"), "EOF");
}

TEST(LexerTest, SimpleStatementEndsWithNewlineEvenWithoutOne) {
  EXPECT_EQ(lex("x = 1\n"), "x = 1 NL EOF");
  EXPECT_EQ(lex("x = 1"), "x = 1 NL EOF");
}

TEST(LexerTest, EveryOperatorLongestMatchFirst) {
  EXPECT_EQ(lex("+ - * / // % ** @ << >> & | ^ ~ < > <= >= == != = -> := ..."),
            "+ - * / // % ** @ << >> & | ^ ~ < > <= >= == != = -> := ... NL EOF");
  EXPECT_EQ(lex("a += b -= c *= d /= e //= f %= g **= h @= i <<= j >>= k &= l |= m ^= n"),
            "a += b -= c *= d /= e //= f %= g **= h @= i <<= j >>= k &= l |= m ^= n NL EOF");
  EXPECT_EQ(lex("( ) [ ] { } : , ; ."), "( ) [ ] { } : , ; . NL EOF");
  EXPECT_EQ(lex("a**-b"), "a ** - b NL EOF");
  EXPECT_EQ(lex("x[...]"), "x [ ... ] NL EOF");
}

TEST(LexerTest, KeywordsAreTheirOwnKindsSoftKeywordsAreNames) {
  const TokenStream s = tokenize("if not match case _ None True False lambda yield");
  ASSERT_GE(s.tokens.size(), 10u);
  EXPECT_EQ(s.tokens[0].kind, TokenKind::KwIf);
  EXPECT_EQ(s.tokens[1].kind, TokenKind::KwNot);
  EXPECT_EQ(s.tokens[2].kind, TokenKind::Name);
  EXPECT_EQ(s.tokens[3].kind, TokenKind::Name);
  EXPECT_EQ(s.tokens[4].kind, TokenKind::Name);
  EXPECT_EQ(s.tokens[5].kind, TokenKind::KwNone);
  EXPECT_EQ(s.tokens[6].kind, TokenKind::KwTrue);
  EXPECT_EQ(s.tokens[9].kind, TokenKind::KwYield);
  EXPECT_TRUE(is_keyword(TokenKind::KwAnd));
  EXPECT_FALSE(is_keyword(TokenKind::Name));
  EXPECT_STREQ(token_spelling(TokenKind::DoubleStarEqual), "**=");
  EXPECT_STREQ(token_spelling(TokenKind::KwNonlocal), "nonlocal");
}

TEST(LexerTest, UnicodeIdentifiersAndCodePointColumns) {
  const std::string src = "café = 变量 + αβ_1\nx";
  const TokenStream s = tokenize(src);
  EXPECT_EQ(show(s.tokens), "café = 变量 + αβ_1 NL x NL EOF");
  EXPECT_EQ(s.tokens[1].span.column, 6);  // '=' after four code points and a space
  EXPECT_EQ(s.tokens[2].span.column, 8);
  EXPECT_EQ(s.tokens[2].span.length, 2);
  EXPECT_EQ(covered(src, s.tokens[4].span), "αβ_1");
}

TEST(LexerTest, IndentAndDedent) {
  EXPECT_EQ(lex("if x:\n    y\n    z\nw\n"), "if x : NL IN y NL z NL DE w NL EOF");
  EXPECT_EQ(lex("if a:\n  if b:\n    c\nd\n"), "if a : NL IN if b : NL IN c NL DE DE d NL EOF");
  EXPECT_EQ(lex("if a:\n  if b:\n    c\n"), "if a : NL IN if b : NL IN c NL DE DE EOF");
  EXPECT_EQ(lex("if a:\n  b\n\n   \n  # note\n\n  c\n"), "if a : NL IN b NL c NL DE EOF");
}

TEST(LexerTest, TabsIndentToMultiplesOfEight) {
  EXPECT_EQ(lex("if a:\n\tb\n        c\n"),
            "if a : NL IN b NL ERR[TabError: inconsistent use "
            "of tabs and spaces in indentation] c NL DE EOF");
  EXPECT_EQ(lex("if a:\n\tb\n\tc\n"), "if a : NL IN b NL c NL DE EOF");
  EXPECT_EQ(lex_error("if a:\n\tb\n        c\n"),
            "TabError: inconsistent use of tabs and spaces in indentation @ 3:1+8");
}

TEST(LexerTest, IndentSpanIsTheWhitespace) {
  const TokenStream s = tokenize("if a:\n    b\n");
  EXPECT_EQ(s.tokens[4].kind, TokenKind::Indent);
  EXPECT_EQ(s.tokens[4].span.line, 2);
  EXPECT_EQ(s.tokens[4].span.column, 1);
  EXPECT_EQ(s.tokens[4].span.length, 4);
}

TEST(LexerTest, UnindentMismatchKeepsTheLineInItsBlock) {
  // One error and no extra DEDENT: line 3 stays in the if block, line 4 leaves it.
  EXPECT_EQ(lex("if x:\n        a\n    b\nc\n"),
            "if x : NL IN a NL ERR[IndentationError: unindent does not match any outer "
            "indentation level] b NL DE c NL EOF");
  EXPECT_EQ(lex_error("if x:\n        a\n    bee = 2\n"),
            "IndentationError: unindent does not match any outer indentation level @ 3:5+3");
}

TEST(LexerTest, BracketsJoinLinesAndHideIndentation) {
  EXPECT_EQ(lex("x = (1,\n        2)\ny = [\n]\n"), "x = ( 1 , 2 ) NL y = [ ] NL EOF");
  EXPECT_EQ(lex("f(a,  # comment\n  b)\n"), "f ( a , b ) NL EOF");
}

TEST(LexerTest, BackslashContinuation) {
  EXPECT_EQ(lex("x = 1 + \\\n    2\n"), "x = 1 + 2 NL EOF");
  EXPECT_EQ(lex_error("x = 1 \\ 2\n"),
            "SyntaxError: unexpected character after line continuation character @ 1:7+1");
  EXPECT_EQ(lex_error("x = 1 \\"), "SyntaxError: unexpected EOF while parsing @ 1:7+1");
}

TEST(LexerTest, CommentsAndNewlineSpans) {
  const std::string src = "x = 1  # note\ny\n";
  const TokenStream s = tokenize(src);
  EXPECT_EQ(show(s.tokens), "x = 1 NL y NL EOF");
  EXPECT_EQ(covered(src, s.tokens[3].span), "# note");  // NEWLINE spans the comment
  EXPECT_EQ(s.tokens[5].span.column, 2);                // else the column past the line
  EXPECT_EQ(s.tokens[5].span.length, 1);
}

TEST(LexerTest, LineEndingsAreNormalisedAndByteOrderMarkSkipped) {
  EXPECT_EQ(lex("a\r\nb\rc\n"), "a NL b NL c NL EOF");
  const TokenStream s = tokenize("\xEF\xBB\xBFx = 1");
  EXPECT_EQ(show(s.tokens), "x = 1 NL EOF");
  EXPECT_EQ(s.tokens[0].span.column, 1);
}

TEST(LexerTest, IntegerLiterals) {
  EXPECT_EQ(lex("0 7 1_000 0x1F 0XfF 0o17 0O7 0b101 0B1_0 0x_ff 000 0_0"),
            "0 7 1000 31 255 15 7 5 2 255 0 0 NL EOF");
  EXPECT_EQ(lex("9223372036854775807"), "9223372036854775807 NL EOF");
  EXPECT_EQ(lex("0x7fffffffffffffff"), "9223372036854775807 NL EOF");
}

TEST(LexerTest, IntegerTooLargeIsASyntaxErrorNamingTheLimit) {
  EXPECT_EQ(lex_error("x = 9223372036854775808"),
            "SyntaxError: integer literal is too large: gradlab integers are 64-bit (at most "
            "9223372036854775807) @ 1:5+19");
  EXPECT_EQ(lex_error("x = 0x10000000000000000"),
            "SyntaxError: integer literal is too large: gradlab integers are 64-bit (at most "
            "9223372036854775807) @ 1:5+19");
}

TEST(LexerTest, FloatLiterals) {
  EXPECT_EQ(lex("1. .5 1e-5 1_000.5 1.5e+3 2E2 0.0 1_0.0_1e1_0 007.5"),
            "1f 0.5f 1e-05f 1000.5f 1500f 200f 0f 1.001e+11f 7.5f NL EOF");
  const TokenStream s = tokenize("x = 0.1");
  EXPECT_EQ(s.tokens[2].float_value, 0.1);
}

TEST(LexerTest, NumberGluedToKeywordIsAccepted) {
  EXPECT_EQ(lex("1if x else 2"), "1 if x else 2 NL EOF");
  EXPECT_EQ(lex("1or 2"), "1 or 2 NL EOF");
}

TEST(LexerTest, MalformedNumbers) {
  EXPECT_EQ(lex_error("x = 1__0"), "SyntaxError: invalid decimal literal @ 1:5+4");
  EXPECT_EQ(lex_error("x = 1_"), "SyntaxError: invalid decimal literal @ 1:5+2");
  EXPECT_EQ(lex_error("x = 1abc"), "SyntaxError: invalid decimal literal @ 1:5+4");
  EXPECT_EQ(lex_error("x = 1e"), "SyntaxError: invalid decimal literal @ 1:5+2");
  EXPECT_EQ(lex_error("x = 1.a"), "SyntaxError: invalid decimal literal @ 1:5+3");
  EXPECT_EQ(lex_error("x = 0x"), "SyntaxError: invalid hexadecimal literal @ 1:5+2");
  EXPECT_EQ(lex_error("x = 0b"), "SyntaxError: invalid binary literal @ 1:5+2");
  EXPECT_EQ(lex_error("x = 0b12"), "SyntaxError: invalid digit '2' in binary literal @ 1:8+1");
  EXPECT_EQ(lex_error("x = 0o9"), "SyntaxError: invalid digit '9' in octal literal @ 1:7+1");
  EXPECT_EQ(lex_error("x = 0123"),
            "SyntaxError: leading zeros in decimal integer literals are not permitted; use an "
            "0o prefix for octal integers @ 1:5+4");
  // After the error the lexer goes on: the rest of the line still lexes.
  EXPECT_EQ(lex("x = 1abc + y"), "x = ERR[SyntaxError: invalid decimal literal] + y NL EOF");
}

TEST(LexerTest, ComplexNumbersAreNotSupported) {
  EXPECT_EQ(lex_error("z = 1j"),
            "SyntaxError: complex numbers are not supported in gradlab @ 1:5+2");
  EXPECT_EQ(lex_error("z = 1.5J"),
            "SyntaxError: complex numbers are not supported in gradlab @ 1:5+4");
}

TEST(LexerTest, StringQuotesAndConcatenationPieces) {
  EXPECT_EQ(lex("'a' \"b\" '''c\nd''' \"\"\"e'f\"\"\""), "'a' 'b' 'c\nd' 'e'f' NL EOF");
  EXPECT_EQ(lex("'it\\'s' \"say \\\"hi\\\"\""), "'it's' 'say \"hi\"' NL EOF");
}

TEST(LexerTest, StringEscapes) {
  EXPECT_EQ(first("'\\n\\t\\\\\\'\\\"\\a\\b\\f\\v\\r'").text, "\n\t\\'\"\a\b\f\v\r");
  EXPECT_EQ(first("'\\x41\\101\\u00e9\\U0001F600\\0'").text,
            std::string("AA\xC3\xA9\xF0\x9F\x98\x80") + '\0');
  EXPECT_EQ(first("'a\\\nb'").text, "ab");       // backslash-newline joins
  EXPECT_EQ(first("'\\d\\w'").text, "\\d\\w");   // unknown escapes stay
  EXPECT_EQ(first("'\\777'").text, "\xC7\xBF");  // octal above 0o377: U+01FF
}

TEST(LexerTest, RawAndUnicodePrefixes) {
  EXPECT_EQ(first("r'\\n\\d'").text, "\\n\\d");
  EXPECT_EQ(first("R\"\\\"\"").text, "\\\"");  // a raw string still can't end in a lone '\'
  EXPECT_EQ(first("u'x'").text, "x");
  EXPECT_EQ(first("U'x'").kind, TokenKind::String);
  EXPECT_EQ(lex("ur'x'"), "ur 'x' NL EOF");  // not a prefix: a name and a string
}

TEST(LexerTest, BadEscapes) {
  EXPECT_EQ(lex_error("x = '\\x4'"),
            "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position "
            "0-2: truncated \\xXX escape @ 1:6+3");
  EXPECT_EQ(lex_error("x = 'ab\\u12'"),
            "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position "
            "2-5: truncated \\uXXXX escape @ 1:8+4");
  EXPECT_EQ(lex_error("x = '\\U00110000'"),
            "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position "
            "0-9: illegal Unicode character @ 1:6+10");
  EXPECT_EQ(lex_error("x = '\\N{BULLET}'"),
            "SyntaxError: '\\N{...}' escapes are not supported in gradlab; use '\\u' with the "
            "code point @ 1:6+10");
}

TEST(LexerTest, BytesAreNotSupported) {
  EXPECT_EQ(lex_error("b = b'abc'"),
            "SyntaxError: bytes literals are not supported in gradlab @ 1:5+6");
  EXPECT_EQ(lex_error("b = Rb'abc'"),
            "SyntaxError: bytes literals are not supported in gradlab @ 1:5+7");
}

TEST(LexerTest, UnterminatedStrings) {
  EXPECT_EQ(lex_error("s = 'abc\nx = 1\n"),
            "SyntaxError: unterminated string literal (detected at line 1) @ 1:5+4");
  EXPECT_EQ(lex("s = 'abc\nx = 1\n"),
            "s = ERR[SyntaxError: unterminated string literal (detected at line 1)] NL x = 1 NL "
            "EOF");
  EXPECT_EQ(lex_error("s = 'abc\\\ndef\n"),
            "SyntaxError: unterminated string literal (detected at line 2) @ 1:5+5");
  EXPECT_EQ(lex_error("s = f'abc"),
            "SyntaxError: unterminated string literal (detected at line 1) @ 1:5+5");
  // A triple-quoted string swallows the rest of the file: nothing after it but the end.
  EXPECT_EQ(lex("if x:\n  s = \"\"\"abc\n\nx = 1"),
            "if x : NL IN s = ERR[SyntaxError: unterminated triple-quoted string literal "
            "(detected at line 4)] NL DE EOF");
  EXPECT_EQ(lex_error("s = '''abc\n\ny"),
            "SyntaxError: unterminated triple-quoted string literal (detected at line 3) @ 1:5+6");
}

TEST(LexerTest, MultiLineStringSpanIsClippedToItsFirstLine) {
  const std::string src = "x = '''abc\ndef''' + 1";
  const TokenStream s = tokenize(src);
  EXPECT_EQ(covered(src, s.tokens[2].span), "'''abc");
  EXPECT_EQ(s.tokens[3].span.line, 2);
  EXPECT_EQ(s.tokens[3].span.column, 8);
  ASSERT_GE(s.line_ends.size(), 3u);
  EXPECT_EQ(s.line_ends[1], 11);  // past "'''abc"
  EXPECT_EQ(s.line_ends[2], 11);  // past "1"
}

TEST(LexerTest, InvalidCharacters) {
  EXPECT_EQ(lex_error("x = \xE2\x80\x9Chi\xE2\x80\x9D"),  // curly quotes pasted from a document
            "more than one error: SyntaxError: invalid character '\xE2\x80\x9C' (U+201C) @ 1:5+1");
  EXPECT_EQ(lex_error("x = 1 \xE2\x80\x93 2"),
            "SyntaxError: invalid character '\xE2\x80\x93' (U+2013) @ 1:7+1");
  EXPECT_EQ(lex_error("x =\xC2\xA0"
                      "1"),
            "SyntaxError: invalid non-printable character U+00A0 @ 1:4+1");
  EXPECT_EQ(lex_error("x = 1 $ 2"), "SyntaxError: invalid syntax @ 1:7+1");
  EXPECT_EQ(lex_error("x = a ? b"), "SyntaxError: invalid syntax @ 1:7+1");
  EXPECT_EQ(lex_error("x = a ! b"), "SyntaxError: invalid syntax @ 1:7+1");
  EXPECT_EQ(lex_error(std::string("x = 1\0", 6)),
            "SyntaxError: source code cannot contain null bytes @ 1:6+1");
  EXPECT_EQ(lex_error("x = \xF0\x9F\x98\x80"),
            "SyntaxError: invalid character '\xF0\x9F\x98\x80' (U+1F600) @ 1:5+1");
  EXPECT_EQ(lex_error("x = \xFF"), "SyntaxError: invalid character '\xFF' (U+FFFD) @ 1:5+1");
}

TEST(LexerTest, BracketErrors) {
  EXPECT_EQ(lex_error("x = )"), "SyntaxError: unmatched ')' @ 1:5+1");
  EXPECT_EQ(lex_error("x = (1, 2]"),
            "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' @ 1:10+1");
  EXPECT_EQ(lex_error("x = (1,\n 2]"),
            "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line "
            "1 @ 2:3+1");
  EXPECT_EQ(lex_error("foo(1, [2\n"), "SyntaxError: '[' was never closed @ 1:8+1");
  const TokenStream s = tokenize("foo(1");
  EXPECT_EQ(show(s.tokens), "foo ( 1 ERR[SyntaxError: '(' was never closed] NL EOF");
  EXPECT_TRUE(s.tokens[3].unclosed);
}

TEST(LexerTest, BracketDepthLimit) {
  const int n = kMaxBracketDepth;
  EXPECT_EQ(lex_error(std::string(n, '(') + std::string(n, ')')), "no error");
  EXPECT_EQ(lex_error(std::string(n + 1, '(') + std::string(n + 1, ')')),
            "SyntaxError: too many nested parentheses @ 1:201+1");
}

TEST(LexerTest, IndentationDepthLimit) {
  std::string ok, too_deep;
  for (int i = 0; i < kMaxIndentDepth + 1; ++i) {
    const std::string line = std::string(i, ' ') + "if x:\n";
    if (i < kMaxIndentDepth) ok += line;
    too_deep += line;
  }
  ok += std::string(kMaxIndentDepth, ' ') + "pass\n";
  too_deep += std::string(kMaxIndentDepth + 1, ' ') + "pass\n";
  EXPECT_EQ(lex_error(ok), "no error");
  EXPECT_EQ(lex_error(too_deep), "IndentationError: too many levels of indentation @ 102:102+4");
}

TEST(LexerTest, TokenDepthCountsOpenBrackets) {
  const TokenStream s = tokenize("f(a, [b])");
  EXPECT_EQ(s.tokens[0].depth, 0);  // f
  EXPECT_EQ(s.tokens[1].depth, 1);  // (
  EXPECT_EQ(s.tokens[2].depth, 1);  // a
  EXPECT_EQ(s.tokens[5].depth, 2);  // b
  EXPECT_EQ(s.tokens[7].depth, 0);  // )
}

// ---- f-strings ---------------------------------------------------------------------------

const std::vector<FStringPiece>& pieces(const std::string& source) {
  static TokenStream stream;
  stream = tokenize(source);
  for (const Token& t : stream.tokens) {
    if (t.kind == TokenKind::FString) return *t.fstring;
  }
  static const std::vector<FStringPiece> none;
  ADD_FAILURE() << "no f-string in " << source << ": " << show(stream.tokens);
  return none;
}

std::string show(const std::vector<FStringPiece>& ps) {
  std::string out;
  for (const FStringPiece& p : ps) {
    if (!out.empty()) out += " | ";
    if (p.is_literal) {
      out += "'" + p.literal + "'";
      continue;
    }
    std::vector<Token> expr(p.expr.begin(), p.expr.end() - 1);  // without EndOfFile
    out += "{" + show(expr);
    if (p.conversion != 0) out += std::string("!") + p.conversion;
    if (p.has_spec) out += ":" + show(p.spec);
    out += "}";
  }
  return out;
}

TEST(LexerFStringTest, SplitsLiteralsAndFields) {
  EXPECT_EQ(show(pieces("f'a{b}c'")), "'a' | {b} | 'c'");
  EXPECT_EQ(show(pieces("F\"{x + 1!r}\"")), "{x + 1!r}");
  EXPECT_EQ(show(pieces("f'{x:.2f} {y!s:>10}'")), "{x:'.2f'} | ' ' | {y!s:'>10'}");
  EXPECT_EQ(show(pieces("f'{x:}'")), "{x:}");
  EXPECT_EQ(show(pieces("f''")), "");
}

TEST(LexerFStringTest, NestedFormatSpecFields) {
  EXPECT_EQ(show(pieces("f'{x:{w}.2f}'")), "{x:{w} | '.2f'}");
  EXPECT_EQ(show(pieces("f'{x!r:>{width}}'")), "{x!r:'>' | {width}}");
}

TEST(LexerFStringTest, DoubledBracesAreLiteral) {
  EXPECT_EQ(show(pieces("f'{{x}} {{'")), "'{x} {'");
  EXPECT_EQ(show(pieces("f'{x}}}'")), "{x} | '}'");
}

TEST(LexerFStringTest, EscapesInLiteralPartsRawKeepsThem) {
  EXPECT_EQ(show(pieces("f'a\\tb{x}\\n'")), "'a\tb' | {x} | '\n'");
  EXPECT_EQ(show(pieces("rf'a\\tb{x}'")), "'a\\tb' | {x}");
  EXPECT_EQ(show(pieces("fR'{x}\\n'")), "{x} | '\\n'");
}

TEST(LexerFStringTest, SelfDocumentingEquals) {
  EXPECT_EQ(show(pieces("f'{x=}'")), "'x=' | {x!r}");
  EXPECT_EQ(show(pieces("f'{ x = }'")), "' x = ' | {x!r}");
  EXPECT_EQ(show(pieces("f'{x=:.2f}'")), "'x=' | {x:'.2f'}");
  EXPECT_EQ(show(pieces("f'{x=!s}'")), "'x=' | {x!s}");
}

TEST(LexerFStringTest, ComparisonsAndStringsInsideFields) {
  EXPECT_EQ(show(pieces("f'{a != b} {a == b} {a <= b} {a < b}'")),
            "{a != b} | ' ' | {a == b} | ' ' | {a <= b} | ' ' | {a < b}");
  EXPECT_EQ(show(pieces("f\"{d['}']}\"")), "{d [ '}' ]}");
  EXPECT_EQ(show(pieces("f'{ {\"a\": 1}[\"a\"] }'")), "{{ 'a' : 1 } [ 'a' ]}");
  EXPECT_EQ(show(pieces("f'{f\"{x}\"}'")), "{F}");
}

TEST(LexerFStringTest, FieldTokensPointIntoTheSource) {
  const std::string src = "s = f'ab{x + yy:{w}}'";
  const std::vector<FStringPiece>& ps = pieces(src);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(covered(src, ps[1].span), "{x + yy:{w}}");
  EXPECT_EQ(covered(src, ps[1].expr[2].span), "yy");
  EXPECT_EQ(ps[1].expr[2].depth, 1);
  EXPECT_EQ(covered(src, ps[1].spec[0].expr[0].span), "w");
  // In a triple-quoted f-string a field may span lines.
  const std::string multi = "s = f'''a\n{x +\n   y}'''";
  const std::vector<FStringPiece>& mp = pieces(multi);
  ASSERT_EQ(mp.size(), 2u);
  EXPECT_EQ(mp[1].expr[2].span.line, 3);
  EXPECT_EQ(mp[1].expr[2].span.column, 4);
}

TEST(LexerFStringTest, Errors) {
  EXPECT_EQ(lex_error("f'{}'"), "SyntaxError: f-string: empty expression not allowed @ 1:3+2");
  EXPECT_EQ(lex_error("f'{ }'"), "SyntaxError: f-string: empty expression not allowed @ 1:3+3");
  EXPECT_EQ(lex_error("f'}'"), "SyntaxError: f-string: single '}' is not allowed @ 1:3+1");
  EXPECT_EQ(lex_error("f'{x'"), "SyntaxError: f-string: expecting '}' @ 1:3+2");
  EXPECT_EQ(lex_error("f'{x!rr}'"), "SyntaxError: f-string: expecting '}' @ 1:3+4");
  EXPECT_EQ(lex_error("f'{x!z}'"),
            "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a' @ "
            "1:6+1");
  EXPECT_EQ(lex_error("f'{x:{y:{z}}}'"),
            "SyntaxError: f-string: expressions nested too deeply @ 1:9+1");
  EXPECT_EQ(lex_error("f'{x\\n}'"),
            "SyntaxError: f-string expression part cannot include a backslash @ 1:5+1");
  EXPECT_EQ(lex_error("f'{x#}'"),
            "SyntaxError: f-string expression part cannot include '#' @ 1:5+1");
  EXPECT_EQ(lex_error("f'{a)}'"), "SyntaxError: f-string: unmatched ')' @ 1:5+1");
  EXPECT_EQ(lex_error("f'{a(b'"), "SyntaxError: f-string: unmatched '(' @ 1:3+4");
  EXPECT_EQ(lex_error("f'{a(}'"),
            "SyntaxError: f-string: closing parenthesis '}' does not match opening parenthesis "
            "'(' @ 1:6+1");
  EXPECT_EQ(lex_error("f'{a[)}'"),
            "SyntaxError: f-string: closing parenthesis ')' does not match opening parenthesis "
            "'[' @ 1:6+1");
  // The lexer goes on after a bad f-string.
  EXPECT_EQ(lex("x = f'{}' + 1"),
            "x = ERR[SyntaxError: f-string: empty expression not allowed] + 1 NL EOF");
}

}  // namespace
}  // namespace gradlab::lang
