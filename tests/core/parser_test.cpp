// The parser as a whole: error messages (worded and placed as CPython 3.11 does, checked
// against it), recovery, limits, the entry points, and the course's own code.
#include "lang/parser.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lang_test_util.h"

namespace gradlab::lang {
namespace {

using testing::all_errors;
using testing::describe;
using testing::dumped;
using testing::first_error;

struct ErrorCase {
  const char* source;
  const char* error;  // "Type: message @ line:column+length"
};

// Every message a student may see, with its exact position. The messages were checked
// against CPython 3.11 (spans are ours: they underline the offending text, where CPython
// sometimes points past it).
const ErrorCase kErrorCases[] = {
    {"x = ", "SyntaxError: invalid syntax @ 1:5+1"},
    {"x = 1 2", "SyntaxError: invalid syntax @ 1:7+1"},
    {"for x in y z:\n  pass", "SyntaxError: invalid syntax @ 1:12+1"},
    {"x = # c", "SyntaxError: invalid syntax @ 1:5+3"},
    {"else:\n  pass", "SyntaxError: invalid syntax @ 1:1+4"},
    {"x = 1 +* 2", "SyntaxError: invalid syntax @ 1:8+1"},
    {"x = (1 +)", "SyntaxError: invalid syntax @ 1:9+1"},
    {"def f(x):\n    return x +", "SyntaxError: invalid syntax @ 2:15+1"},
    {"class = 1", "SyntaxError: invalid syntax @ 1:7+1"},
    {"x = a.if", "SyntaxError: invalid syntax @ 1:7+2"},
    {"x = a[]", "SyntaxError: invalid syntax @ 1:7+1"},
    {"x = y = = 1", "SyntaxError: invalid syntax @ 1:9+1"},
    {"raise from e", "SyntaxError: invalid syntax @ 1:7+4"},
    {"x = (,)", "SyntaxError: invalid syntax @ 1:6+1"},
    {"x = 1; ; y = 2", "SyntaxError: invalid syntax @ 1:8+1"},
    {"def f()\n  pass", "SyntaxError: expected ':' @ 1:8+1"},
    {"if x\n  pass", "SyntaxError: expected ':' @ 1:5+1"},
    {"while True\n    x = 1", "SyntaxError: expected ':' @ 1:11+1"},
    {"class A\n  pass", "SyntaxError: expected ':' @ 1:8+1"},
    {"try\n  pass", "SyntaxError: expected ':' @ 1:4+1"},
    {"for x in y:\npass",
     "IndentationError: expected an indented block after 'for' statement on line 1 @ 2:1+4"},
    {"if x:",
     "IndentationError: expected an indented block after 'if' statement on line 1 @ 1:6+1"},
    {"def f():",
     "IndentationError: expected an indented block after function definition on line 1 @ 1:9+1"},
    {"class A:",
     "IndentationError: expected an indented block after class definition on line 1 @ 1:9+1"},
    {"try:\n  pass\nexcept:",
     "IndentationError: expected an indented block after 'except' statement on line 3 @ 3:8+1"},
    {"  x = 1", "IndentationError: unexpected indent @ 1:3+1"},
    {"x = 1\n    y = 2", "IndentationError: unexpected indent @ 2:5+1"},
    {"if x:\n        a = 1\n    b = 2",
     "IndentationError: unindent does not match any outer indentation level @ 3:5+1"},
    {"if x:\n\ta = 1\n        b = 2",
     "TabError: inconsistent use of tabs and spaces in indentation @ 3:1+8"},
    {"x = (1,\ny = 2", "SyntaxError: '(' was never closed @ 1:5+1"},
    {"foo(1, 2\ny = 3", "SyntaxError: '(' was never closed @ 1:4+1"},
    {"foo(1, 2", "SyntaxError: '(' was never closed @ 1:4+1"},
    {"x = )", "SyntaxError: unmatched ')' @ 1:5+1"},
    {"print(1))", "SyntaxError: unmatched ')' @ 1:9+1"},
    {"x = (1, 2]",
     "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' @ 1:10+1"},
    {"x = (1,\n 2]",
     "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line 1 @ "
     "2:3+1"},
    {"s = \"abc", "SyntaxError: unterminated string literal (detected at line 1) @ 1:5+4"},
    {"s = \"\"\"abc\n\nx",
     "SyntaxError: unterminated triple-quoted string literal (detected at line 3) @ 1:5+6"},
    {"f() = 1",
     "SyntaxError: cannot assign to function call here. Maybe you meant '==' instead of '='? @ "
     "1:1+3"},
    {"a + 1 = 2",
     "SyntaxError: cannot assign to expression here. Maybe you meant '==' instead of '='? @ 1:1+5"},
    {"1 = x",
     "SyntaxError: cannot assign to literal here. Maybe you meant '==' instead of '='? @ 1:1+1"},
    {"-x = 1",
     "SyntaxError: cannot assign to expression here. Maybe you meant '==' instead of '='? @ 1:1+2"},
    {"None = 1", "SyntaxError: cannot assign to None @ 1:1+4"},
    {"(a, f()) = 1, 2", "SyntaxError: cannot assign to function call @ 1:5+3"},
    {"x = f() = 1", "SyntaxError: cannot assign to function call @ 1:5+3"},
    {"a < b = 1", "SyntaxError: cannot assign to comparison @ 1:1+5"},
    {"x.y, True = 1, 2", "SyntaxError: cannot assign to True @ 1:6+4"},
    {"lambda: 1 = 1", "SyntaxError: cannot assign to lambda @ 1:1+9"},
    {"(x for x in y) = 1", "SyntaxError: cannot assign to generator expression @ 1:1+14"},
    {"if x = 1:\n  pass",
     "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='? @ 1:4+5"},
    {"if x.y = 1:\n  pass",
     "SyntaxError: cannot assign to attribute here. Maybe you meant '==' instead of '='? @ 1:4+3"},
    {"f(x.y=1)",
     "SyntaxError: expression cannot contain assignment, perhaps you meant \"==\"? @ 1:3+4"},
    {"f(True=1)", "SyntaxError: cannot assign to True @ 1:3+4"},
    {"(a, b) += 1",
     "SyntaxError: 'tuple' is an illegal expression for augmented assignment @ 1:1+6"},
    {"f() += 1",
     "SyntaxError: 'function call' is an illegal expression for augmented assignment @ 1:1+3"},
    {"(x, y): int = 1", "SyntaxError: only single target (not tuple) can be annotated @ 1:1+6"},
    {"f(): int = 1", "SyntaxError: illegal target for annotation @ 1:1+3"},
    {"*a = b", "SyntaxError: starred assignment target must be in a list or tuple @ 1:1+2"},
    {"*a, *b = c", "SyntaxError: multiple starred expressions in assignment @ 1:1+6"},
    {"a = *b", "SyntaxError: can't use starred expression here @ 1:5+2"},
    {"(*a) = b", "SyntaxError: cannot use starred expression here @ 1:2+2"},
    {"del f()", "SyntaxError: cannot delete function call @ 1:5+3"},
    {"del *a", "SyntaxError: cannot delete starred @ 1:5+2"},
    {"for f() in x: pass", "SyntaxError: cannot assign to function call @ 1:5+3"},
    {"with a as f(): pass", "SyntaxError: cannot assign to function call @ 1:11+3"},
    {"[x for f() in y]", "SyntaxError: cannot assign to function call @ 1:8+3"},
    {"print \"x\"",
     "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? @ 1:1+9"},
    {"print \"hello\" + name",
     "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? @ 1:1+20"},
    {"x = (print \"a\")",
     "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? @ 1:6+9"},
    {"exec \"code\"",
     "SyntaxError: Missing parentheses in call to 'exec'. Did you mean exec(...)? @ 1:1+11"},
    {"f(a b)", "SyntaxError: invalid syntax. Perhaps you forgot a comma? @ 1:3+3"},
    {"[1 2]", "SyntaxError: invalid syntax. Perhaps you forgot a comma? @ 1:2+3"},
    {"x = {'a': 1 'b': 2}", "SyntaxError: invalid syntax. Perhaps you forgot a comma? @ 1:11+5"},
    {"class A(x y): pass", "SyntaxError: invalid syntax. Perhaps you forgot a comma? @ 1:9+3"},
    {"x = [1, 2\ny = 3]", "SyntaxError: invalid syntax. Perhaps you forgot a comma? @ 1:9+1"},
    {"x = 1 if y", "SyntaxError: expected 'else' after 'if' expression @ 1:5+6"},
    {"x = {1: 2, 3}", "SyntaxError: ':' expected after dictionary key @ 1:12+1"},
    {"x = {1:}", "SyntaxError: expression expected after dictionary key and ':' @ 1:7+1"},
    {"def f(x=1, y): pass", "SyntaxError: non-default argument follows default argument @ 1:12+1"},
    {"def f(a, a): pass", "SyntaxError: duplicate argument 'a' in function definition @ 1:10+1"},
    {"def f(*): pass", "SyntaxError: named arguments must follow bare * @ 1:7+1"},
    {"def f(**kw, a): pass", "SyntaxError: arguments cannot follow var-keyword argument @ 1:13+1"},
    {"def f(*a, *b): pass", "SyntaxError: * argument may appear only once @ 1:11+1"},
    {"def f(/, a): pass", "SyntaxError: at least one argument must precede / @ 1:7+1"},
    {"def f(a, /, b, /): pass", "SyntaxError: / may appear only once @ 1:16+1"},
    {"def f(*, a, /): pass", "SyntaxError: / must be ahead of * @ 1:13+1"},
    {"def f(*a=1): pass", "SyntaxError: var-positional argument cannot have default value @ 1:9+1"},
    {"def f(**a=1): pass", "SyntaxError: var-keyword argument cannot have default value @ 1:10+1"},
    {"lambda *: 1", "SyntaxError: named arguments must follow bare * @ 1:8+1"},
    {"f(x=1, 2)", "SyntaxError: positional argument follows keyword argument @ 1:8+1"},
    {"f(**k, b)", "SyntaxError: positional argument follows keyword argument unpacking @ 1:8+1"},
    {"f(**k, *a)",
     "SyntaxError: iterable argument unpacking follows keyword argument unpacking @ 1:8+2"},
    {"f(a=1, a=2)", "SyntaxError: keyword argument repeated: a @ 1:8+3"},
    {"f(x for x in y, 1)", "SyntaxError: Generator expression must be parenthesized @ 1:3+12"},
    {"f(1, x for x in y)", "SyntaxError: Generator expression must be parenthesized @ 1:6+12"},
    {"[*a for a in b]", "SyntaxError: iterable unpacking cannot be used in comprehension @ 1:2+2"},
    {"{**a for a in b}",
     "SyntaxError: dict unpacking cannot be used in dict comprehension @ 1:2+3"},
    {"try:\n  pass\nexcept A, B:\n  pass",
     "SyntaxError: multiple exception types must be parenthesized @ 3:8+4"},
    {"try:\n  pass\nx = 1", "SyntaxError: expected 'except' or 'finally' block @ 3:1+1"},
    {"try:\n  pass\nexcept:\n  pass\nexcept E:\n  pass",
     "SyntaxError: default 'except:' must be last @ 3:1+7"},
    {"from a import b,",
     "SyntaxError: trailing comma not allowed without surrounding parentheses @ 1:16+1"},
    {"x = f\"{}\"", "SyntaxError: f-string: empty expression not allowed @ 1:7+2"},
    {"x = f\"{x!z}\"",
     "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a' @ 1:10+1"},
    {"x = f\"}\"", "SyntaxError: f-string: single '}' is not allowed @ 1:7+1"},
    {"x = f\"{x\"", "SyntaxError: f-string: expecting '}' @ 1:7+2"},
    {"x = f\"{a:{b:{c}}}\"", "SyntaxError: f-string: expressions nested too deeply @ 1:13+1"},
    {"x = f\"{lambda x: 1}\"", "SyntaxError: f-string: invalid syntax @ 1:16+1"},
    {"x = f\"{*x}\"", "SyntaxError: f-string: cannot use starred expression here @ 1:8+2"},
    {"x = f\"{a b}\"",
     "SyntaxError: f-string: invalid syntax. Perhaps you forgot a comma? @ 1:8+3"},
    {"x = f\"{1abc}\"", "SyntaxError: f-string: invalid decimal literal @ 1:8+4"},
    {"x = yield 1", "SyntaxError: 'yield' is not supported in gradlab @ 1:5+5"},
    {"x = await y", "SyntaxError: 'await' is not supported in gradlab @ 1:5+5"},
    {"async def f(): pass", "SyntaxError: 'async' is not supported in gradlab @ 1:1+5"},
    {"@decorator\ndef f(): pass",
     "SyntaxError: decorators ('@') are not supported in gradlab @ 1:1+10"},
    {"if (n := 10) > 5: pass",
     "SyntaxError: the walrus operator ':=' is not supported in gradlab @ 1:7+2"},
    {"match x:\n    case 1:\n        pass",
     "SyntaxError: 'match' statements are not supported in gradlab @ 1:1+5"},
    {"from . import x", "SyntaxError: relative imports are not supported in gradlab @ 1:6+1"},
    {"from .models import Net",
     "SyntaxError: relative imports are not supported in gradlab @ 1:6+1"},
    {"try:\n  pass\nexcept* E:\n  pass",
     "SyntaxError: 'except*' is not supported in gradlab @ 3:7+1"},
    {"x = b\"abc\"", "SyntaxError: bytes literals are not supported in gradlab @ 1:5+6"},
    {"z = 3 + 4j", "SyntaxError: complex numbers are not supported in gradlab @ 1:9+2"},
    {"x = 1 – 2", "SyntaxError: invalid character '–' (U+2013) @ 1:7+1"},
    {"x = “hi”\n", "SyntaxError: invalid character '“' (U+201C) @ 1:5+1"},
};

TEST(ParserErrorTest, MessagesAndPositions) {
  for (const ErrorCase& c : kErrorCases) {
    EXPECT_EQ(first_error(c.source), c.error) << "source:\n" << c.source;
  }
}

TEST(ParserErrorTest, EveryErrorSpanIsNonEmptyAndOnItsLine) {
  for (const ErrorCase& c : kErrorCases) {
    for (const SyntaxError& e : parse_source(c.source).errors) {
      EXPECT_GT(e.span().length, 0) << c.source;
      EXPECT_GE(e.span().line, 1) << c.source;
      EXPECT_GE(e.span().column, 1) << c.source;
    }
  }
}

TEST(ParserErrorTest, ParseThrowsTheFirstErrorAndParseSourceNever) {
  try {
    parse("x = 1\ny = = 2\nz = (\n");
    FAIL() << "parse() should have thrown";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(describe(e), "SyntaxError: invalid syntax @ 2:5+1");
    const gradlab::Error& base = e;  // what the rest of gradlab catches
    EXPECT_EQ(base.type(), "SyntaxError");
  }
  const ParseResult result = parse_source("x = 1\ny = = 2\nz = (\n");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(parse("x = 1\n").body.size(), 1u);
}

TEST(ParserErrorTest, ALexicalErrorLaterOnTheLineWinsAsInCPython) {
  EXPECT_EQ(first_error("x = 1 2 'abc"),
            "SyntaxError: unterminated string literal (detected at line 1) @ 1:9+4");
  EXPECT_EQ(first_error("x = = 1 $"), "SyntaxError: invalid syntax @ 1:9+1");
  // A bracket left open is blamed once the parser has read past its line.
  EXPECT_EQ(first_error("foo(a,\n    b\nx = 1"), "SyntaxError: '(' was never closed @ 1:4+1");
  EXPECT_EQ(first_error("foo(a b"), "SyntaxError: '(' was never closed @ 1:4+1");
  EXPECT_EQ(first_error("x = = (1, 2"), "SyntaxError: invalid syntax @ 1:5+1");
}

// ---- recovery: one typo gives one error, two typos two ----------------------------------

TEST(ParserRecoveryTest, OneTypoOneError) {
  EXPECT_EQ(all_errors("x = = 1\ny = 2\n"), "SyntaxError: invalid syntax @ 1:5+1\n");
  // A broken header: its block and its clauses are skipped, break and return don't complain.
  EXPECT_EQ(all_errors("for i in range(10)\n    print(i)\n    if i: break\n"),
            "SyntaxError: expected ':' @ 1:19+1\n");
  EXPECT_EQ(all_errors("def f(x)\n    return x\n"), "SyntaxError: expected ':' @ 1:9+1\n");
  EXPECT_EQ(all_errors("if x\n    y = 1\nelif z:\n    y = 2\nelse:\n    y = 3\n"),
            "SyntaxError: expected ':' @ 1:5+1\n");
  EXPECT_EQ(all_errors("try\n    a()\nexcept E:\n    pass\nfinally:\n    pass\n"),
            "SyntaxError: expected ':' @ 1:4+1\n");
  // An over-indented block is one error, not one per line.
  EXPECT_EQ(all_errors("x = 1\n    y = 2\n    z = 3\nw = 4\n"),
            "IndentationError: unexpected indent @ 2:5+1\n");
  EXPECT_EQ(all_errors("if x:\n    pass\n  else:\n    pass\n"),
            "IndentationError: unindent does not match any outer indentation level @ 3:3+4\n");
  EXPECT_EQ(all_errors("@decorator\ndef f():\n    return 1\n"),
            "SyntaxError: decorators ('@') are not supported in gradlab @ 1:1+10\n");
  EXPECT_EQ(all_errors("match cmd:\n    case 'go':\n        run()\n    case _:\n        pass\n"),
            "SyntaxError: 'match' statements are not supported in gradlab @ 1:1+5\n");
  EXPECT_EQ(all_errors("print(\"hello)\nx = 1\n"),
            "SyntaxError: unterminated string literal (detected at line 1) @ 1:7+7\n");
  EXPECT_EQ(all_errors("x = “hi”\n"), "SyntaxError: invalid character '“' (U+201C) @ 1:5+1\n");
}

TEST(ParserRecoveryTest, TwoTyposTwoErrors) {
  EXPECT_EQ(all_errors("x = = 1\ny = 2\nz = (3 +\n"),
            "SyntaxError: invalid syntax @ 1:5+1\nSyntaxError: '(' was never closed @ 3:5+1\n");
  EXPECT_EQ(all_errors("def f(x):\n    return x +\nprint(f(1)\n"),
            "SyntaxError: invalid syntax @ 2:15+1\nSyntaxError: '(' was never closed @ 3:6+1\n");
  EXPECT_EQ(all_errors("print 'a'\nprint 'b'\n"),
            "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? @ "
            "1:1+9\nSyntaxError: Missing parentheses in call to 'print'. Did you mean "
            "print(...)? @ 2:1+9\n");
  EXPECT_EQ(all_errors("a = 'abc\nb = 2 +\n"),
            "SyntaxError: unterminated string literal (detected at line 1) @ 1:5+4\n"
            "SyntaxError: invalid syntax @ 2:8+1\n");
  EXPECT_EQ(all_errors("for x in y\n    z = = 1\n"),  // errors inside a skipped block count
            "SyntaxError: expected ':' @ 1:11+1\nSyntaxError: invalid syntax @ 2:9+1\n");
}

TEST(ParserRecoveryTest, AnErrorInsideABlockKeepsTheRestOfTheFile) {
  const ParseResult r = parse_source("def f():\n    x = = 1\n    return x\nf()\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(dump(r.module), "def f ()\n  return x\nexpr (call f)\n");
}

// ---- limits ------------------------------------------------------------------------------

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

const char kTooDeep[] = "expression is nested too deeply (the limit is 200 levels)";

TEST(ParserLimitTest, NestingWithinTheLimitParses) {
  const int n = kMaxNestingDepth - 1;
  EXPECT_EQ(first_error("x = " + repeat("(", n) + "1" + repeat(")", n)), "OK");
  EXPECT_EQ(first_error("x = " + repeat("[", n) + repeat("]", n)), "OK");
  EXPECT_EQ(first_error("x = " + repeat("-", n) + "1"), "OK");
  EXPECT_EQ(first_error("x = " + repeat("not ", n) + "1"), "OK");
  EXPECT_EQ(first_error("x = 1" + repeat(" + 1", n)), "OK");
  EXPECT_EQ(first_error("x = a" + repeat(".b", n)), "OK");
  EXPECT_EQ(first_error("x = " + repeat("lambda: ", n) + "1"), "OK");
  EXPECT_EQ(first_error("x = " + repeat("1 if c else ", n) + "1"), "OK");
  EXPECT_EQ(first_error("x = " + repeat("2 ** ", n) + "2"), "OK");
}

TEST(ParserLimitTest, DeeperNestingIsASyntaxErrorNotACrash) {
  const int n = kMaxNestingDepth + 50;
  const auto message = [](const std::string& src) {
    const ParseResult r = parse_source(src);
    return r.errors.empty() ? std::string("OK") : r.errors.front().message();
  };
  EXPECT_EQ(message("x = " + repeat("(", n) + "1" + repeat(")", n)), "too many nested parentheses");
  EXPECT_EQ(message("x = " + repeat("-(", 150) + "1" + repeat(")", 150)), kTooDeep);
  EXPECT_EQ(message("x = " + repeat("-", n) + "1"), kTooDeep);
  EXPECT_EQ(message("x = " + repeat("not ", n) + "1"), kTooDeep);
  EXPECT_EQ(message("x = 1" + repeat(" + 1", n)), kTooDeep);
  EXPECT_EQ(message("x = a" + repeat(".b", n)), kTooDeep);
  EXPECT_EQ(message("x = f" + repeat("()", n)), kTooDeep);
  EXPECT_EQ(message("x = " + repeat("lambda: ", n) + "1"), kTooDeep);
  EXPECT_EQ(message("x = " + repeat("1 if c else ", n) + "1"), kTooDeep);
  EXPECT_EQ(message("x = " + repeat("2 ** ", n) + "2"), kTooDeep);
  EXPECT_EQ(message("if x: pass\n" + repeat("elif x: pass\n", n)), kTooDeep);
  EXPECT_EQ(first_error("x = " + repeat("-", n) + "1"),
            std::string("SyntaxError: ") + kTooDeep + " @ 1:205+1");
  EXPECT_EQ(first_error("x = a" + repeat(".b", n)),
            std::string("SyntaxError: ") + kTooDeep + " @ 1:406+1");  // the 201st '.'
  EXPECT_EQ(first_error("x = 1" + repeat(" + 1", n)),
            std::string("SyntaxError: ") + kTooDeep + " @ 1:807+1");  // the 201st '+'
}

// The deepest accepted inputs, parsed on a thread with a small stack: they must fit. Measured
// at the limit: native -O2 about 225 KB, -O0 about 384 KB, AddressSanitizer about 1 MB; the
// WebAssembly build (-O3) fits in a 64 KB shadow stack (checked with -sSTACK_OVERFLOW_CHECK=2).
TEST(ParserLimitTest, DeepestAcceptedNestingFitsInASmallStack) {
#if defined(__SANITIZE_ADDRESS__)
  const size_t stack_size = 4u << 20;
#else
  const size_t stack_size = 1u << 20;
#endif
  const int n = kMaxNestingDepth - 1;
  static std::vector<std::string> sources;
  sources = {"x = " + repeat("(", n) + "1" + repeat(")", n),
             "x = " + repeat("f(", n) + "1" + repeat(")", n),
             "x = f'{" + repeat("[", n - 1) + repeat("]", n - 1) + "}'",
             "x = {" + repeat("{1: ", n - 1) + "1" + repeat("}", n - 1) + "}",
             "x = " + repeat("a[", n) + "1" + repeat("]", n)};
  static std::vector<std::string> results;
  results.clear();
  const auto run = [](void*) -> void* {
    for (const std::string& s : sources) results.push_back(first_error(s));
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_size);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, run, nullptr), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(results, std::vector<std::string>(sources.size(), "OK"));
}

// ---- the course's code -------------------------------------------------------------------

// Every program of the conformance suite parses without error.
TEST(ParserCorpusTest, ConformanceCasesParse) {
  const std::filesystem::path dir =
      std::filesystem::path(GRADLAB_FIXTURES_DIR "/../../../shared/conformance/cases");
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "no conformance cases at " << dir << " (the shared folder is absent)";
  }
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".py") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    EXPECT_EQ(all_errors(text.str()), "") << entry.path();
  }
  EXPECT_GT(files, 0);
}

// Code from the seed notebooks, as students will paste it.
TEST(ParserCorpusTest, SeedNotebookCodeParses) {
  const char* const kCells[] = {
      R"(import torch
from torch import tensor
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
n_dim = 3
U = torch.randn(5, n_dim).round()
pairs = [(1, 0), (0, 1), (3, 2)]
for uu, mm in pairs:
    print(f"dot(user {uu+1}, movie {mm+1}) = {U[uu] @ M[mm]}")
labels = [f'User {i+1}' for i in range(5)]
ratings_centered = ratings - ratings.mean(dim=-1, keepdim=True)
svd_result = torch.svd(ratings_centered)
V = torch.zeros(3, 1, requires_grad=True)
loss = (U[0] @ V[0] - 1.0) ** 2
loss.backward()
V.data -= 0.1 * V.grad
)",
      R"(def loss_and_m1_grad(u1, m1, target):
    m1 = torch.tensor(m1, requires_grad=True)
    pred = u1 * m1
    diff = target - pred
    loss = diff ** 2
    loss.backward()
    return loss.item(), m1.grad.item()

loss_and_m1_grad(1.0, 0.5, 1.0)
)",
      R"(a = torch.tensor([i for i in range(25)]).reshape(5, 5)
a[1:4, 1:4] = 5.0
b = torch.tensor([i**2 - i for i in range(9)]).reshape(3, 3)
print("Last 3 elements (negative indexing):", a[-3:])
print("Every second element:", a[::2])
print(a[:3, :2])
print("Mean: ", (torch.sum(a) / len(a)).item())
print((torch.sum(a, axis=1) / a.shape[1]).reshape(-1, 1))  # -1 calculates the right size
out = x.pow(3).sum()  # the actual derivative is 3*x^2
print("out={}".format(out))
x.grad.data.zero_()
)",
      R"(class FullyConnectedNetworkModel(nn.Module):
    def __init__(self, seed):
        super().__init__()

        self.seed = torch.manual_seed(seed)

        self.fc = nn.Linear(3, 1, bias=False)

        self.fc.weight.data = torch.tensor([4., 2., -1.], requires_grad=True)

    def forward(self, x):
        x = torch.sigmoid(self.fc(x))

        return x

fc_neural_net = FullyConnectedNetworkModel(seed=6789)
optimizer = optim.SGD(fc_neural_net.parameters(), lr=0.1)

losses = []
n_epochs = 100
for epoch in range(n_epochs):

    optimizer.zero_grad()
    y = fc_neural_net(x)
    loss = torch.pow(y - y_target, 2)
    loss.backward()
    losses.append(loss.item())
    optimizer.step()

    if epoch < 3 or epoch > 96:
        print("w")
        print(next(fc_neural_net.parameters()).grad)
)",
      R"(class EmbeddingNetworkModel(nn.Module):
    def __init__(self, seed):
        super().__init__()
        self.seed = torch.manual_seed(seed)
        self.embedding = nn.Embedding(3, 3)

    def forward(self, x):
        user_id = x[0]
        item_repr = x[1]

        y = self.embedding(user_id) * item_repr
        y = torch.sum(y)
        y = torch.sigmoid(y)

        return y

user_ids = [torch.tensor(0), torch.tensor(1), torch.tensor(2)]
items = [torch.tensor([0.6, 0.4, -0.2]),
         torch.tensor([-0.7, 0.8, -0.7]),
         torch.tensor([0.8, -0.75, 0.9])]
data = [(user_ids[user_id], items[item_id]) for user_id in range(3) for item_id in range(3)]

for epoch in range(n_epochs):
    optimizer.zero_grad()
    for i in range(len(data)):
        user_id = data[i][0]
        y = embedding_nn((user_id, item_repr))
        if i == 0:
            loss = torch.pow(y - responses[i], 2)
        else:
            loss += torch.pow(y - responses[i], 2)

    for param in embedding_nn.parameters():
        loss += 1 / 5 * torch.norm(param)

with torch.no_grad():
    for p in model.parameters():
        p -= 0.1 * p.grad
print("Score={}".format(round(embedding_nn((user_ids[id_pair[0]], items[id_pair[1]])).item(), 2)))
print(f"epoch {epoch}: loss={loss.item():.4f} w={w.item():.4f}")
)",
  };
  for (const char* cell : kCells) EXPECT_EQ(all_errors(cell), "") << cell;
}

}  // namespace
}  // namespace gradlab::lang
