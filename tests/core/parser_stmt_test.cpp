// Statements: every kind, their spans, and the loop/function context checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lang/parser.h"
#include "lang_test_util.h"

namespace gradlab::lang {
namespace {

using testing::all_errors;
using testing::covered;
using testing::dumped;

// The source text of every statement's span, in pre-order.
std::vector<std::string> stmt_texts(const std::string& source) {
  const ParseResult result = parse_source(source);
  if (!result.ok()) return {"ERRORS:\n" + all_errors(source)};
  std::vector<std::string> out;
  testing::walk_body(result.module.body,
                     [&](const Stmt& s) { out.push_back(covered(source, s.span)); });
  return out;
}

using Texts = std::vector<std::string>;

TEST(ParserStmtTest, Assignments) {
  EXPECT_EQ(dumped("a = b = 0"), "assign a = b = 0\n");
  EXPECT_EQ(dumped("a, b = b, a"), "assign (tuple a b) = (tuple b a)\n");
  EXPECT_EQ(dumped("[a, *b] = c"), "assign (list a (* b)) = c\n");
  EXPECT_EQ(dumped("(a, b), c = x"), "assign (tuple (tuple a b) c) = x\n");
  EXPECT_EQ(dumped("x.y[0] = 1, 2"), "assign (sub (. x y) 0) = (tuple 1 2)\n");
  EXPECT_EQ(dumped("a, = b"), "assign (tuple a) = b\n");
  EXPECT_EQ(dumped("x = *a, *b"), "assign x = (tuple (* a) (* b))\n");
  EXPECT_EQ(dumped("match = 3"), "assign match = 3\n");
}

TEST(ParserStmtTest, AugmentedAndAnnotatedAssignments) {
  EXPECT_EQ(dumped("x += 1\nx -= 1\nx *= 2\nx @= m\nx /= 2\nx //= 3\nx %= 4\nx **= 2\n"
                   "x <<= 1\nx >>= 1\nx |= 1\nx ^= 1\nx &= 1"),
            "augassign x += 1\naugassign x -= 1\naugassign x *= 2\naugassign x @= m\n"
            "augassign x /= 2\naugassign x //= 3\naugassign x %= 4\naugassign x **= 2\n"
            "augassign x <<= 1\naugassign x >>= 1\naugassign x |= 1\naugassign x ^= 1\n"
            "augassign x &= 1\n");
  EXPECT_EQ(dumped("V.data -= 0.1 * V.grad"), "augassign (. V data) -= (* 0.1 (. V grad))\n");
  EXPECT_EQ(dumped("x: int = 3"), "annassign x : int = 3\n");
  EXPECT_EQ(dumped("x: list[int]"), "annassign x : (sub list int)\n");
  EXPECT_EQ(dumped("self.w: float = 0.5"), "annassign (. self w) : float = 0.5\n");
}

TEST(ParserStmtTest, ExpressionStatementsAndSemicolons) {
  EXPECT_EQ(dumped("print(x); y = 2;"), "expr (call print x)\nassign y = 2\n");
  EXPECT_EQ(dumped("x\n'doc'\n..."), "expr x\nexpr 'doc'\nexpr ...\n");
  EXPECT_EQ(dumped("match(x)"), "expr (call match x)\n");
}

TEST(ParserStmtTest, IfElifElse) {
  EXPECT_EQ(dumped("if a:\n  x = 1\nelif b:\n  x = 2\nelif c: x = 3\nelse:\n  x = 4\n"),
            "if a\n  assign x = 1\nelse\n  if b\n    assign x = 2\n  else\n    if c\n"
            "      assign x = 3\n    else\n      assign x = 4\n");
  EXPECT_EQ(dumped("if x: y = 1; z = 2"), "if x\n  assign y = 1\n  assign z = 2\n");
}

TEST(ParserStmtTest, Loops) {
  EXPECT_EQ(dumped("while x:\n  break\nelse:\n  pass"), "while x\n  break\nelse\n  pass\n");
  EXPECT_EQ(dumped("for i, (a, b) in enumerate(pairs):\n  continue\nelse:\n  pass"),
            "for (tuple i (tuple a b)) in (call enumerate pairs)\n  continue\nelse\n  pass\n");
  EXPECT_EQ(dumped("for x in *a, *b: pass"), "for x in (tuple (* a) (* b))\n  pass\n");
  EXPECT_EQ(dumped("for uu, mm in pairs:\n    print(f\"{uu+1}\")"),
            "for (tuple uu mm) in pairs\n  expr (call print (f {(+ uu 1)}))\n");
}

TEST(ParserStmtTest, FunctionDefinitions) {
  EXPECT_EQ(dumped("def f(a, b=1, *args, c, d=2, **kw):\n  return a, b\n"),
            "def f (a b=1 *args kw:c kw:d=2 **kw)\n  return (tuple a b)\n");
  EXPECT_EQ(dumped("def f(a, /, b, *, c): pass"), "def f (a b kw:c)\n  pass\n");
  EXPECT_EQ(dumped("def f(x: int = 3, *a: int, y: str = 'a', **k: dict) -> float:\n  return\n"),
            "def f (x=3 *a kw:y='a' **k)\n  return\n");
  EXPECT_EQ(dumped("def f():\n  def g():\n    return 1\n  return g"),
            "def f ()\n  def g ()\n    return 1\n  return g\n");
  const ParseResult r = parse_source("def f(x):\n    \"\"\"Adds one.\"\"\"\n    return x + 1\n");
  ASSERT_TRUE(r.ok());
  const auto& def = static_cast<const FunctionDefStmt&>(*r.module.body[0]);
  EXPECT_EQ(def.docstring, "Adds one.");
  EXPECT_EQ(def.body.size(), 2u);  // the docstring stays in the body
  EXPECT_EQ(def.params[0].kind, ParamKind::Normal);
}

TEST(ParserStmtTest, ClassDefinitions) {
  EXPECT_EQ(dumped("class A: pass"), "class A ()\n  pass\n");
  EXPECT_EQ(dumped("class A(): pass"), "class A ()\n  pass\n");
  EXPECT_EQ(dumped("class A(B, metaclass=M):\n  x = 1"), "class A (B)\n  assign x = 1\n");
  EXPECT_EQ(dumped("class Net(nn.Module):\n  def forward(self, x):\n    return self.fc(x)\n"),
            "class Net ((. nn Module))\n  def forward (self x)\n    return (call (. self fc) x)\n");
}

TEST(ParserStmtTest, SimpleKeywordStatements) {
  EXPECT_EQ(dumped("def f():\n  global x, y\n  nonlocal z\n"),
            "def f ()\n  global x y\n  nonlocal z\n");
  EXPECT_EQ(dumped("global g"), "global g\n");
  EXPECT_EQ(dumped("assert x\nassert x, 'msg'"), "assert x\nassert x 'msg'\n");
  EXPECT_EQ(dumped("raise\nraise E\nraise E('x') from None"),
            "raise\nraise E\nraise (call E 'x') from None\n");
  EXPECT_EQ(dumped("del a, (b, [c.d]), e[0],"), "del a b (. c d) (sub e 0)\n");
  EXPECT_EQ(dumped("pass"), "pass\n");
}

TEST(ParserStmtTest, Imports) {
  EXPECT_EQ(dumped("import torch\nimport torch.nn as nn, os"),
            "import torch\nimport torch.nn as nn, os\n");
  EXPECT_EQ(dumped("from torch import tensor\nfrom a.b import (c as d, e,)\nfrom x import *"),
            "from torch import tensor\nfrom a.b import c as d, e\nfrom x import *\n");
  const std::string src = "from torch.nn import Linear as L";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const auto& imp = static_cast<const ImportFromStmt&>(*r.module.body[0]);
  EXPECT_EQ(covered(src, imp.module_span), "torch.nn");
  EXPECT_EQ(covered(src, imp.names[0].span), "Linear as L");
}

TEST(ParserStmtTest, With) {
  EXPECT_EQ(dumped("with torch.no_grad():\n  w -= lr * w.grad"),
            "with (call (. torch no_grad))\n  augassign w -= (* lr (. w grad))\n");
  EXPECT_EQ(dumped("with a as b, c as (d, e), f: pass"),
            "with a as b, c as (tuple d e), f\n  pass\n");
  EXPECT_EQ(dumped("with (a as b, c as d,): pass"), "with a as b, c as d\n  pass\n");
  EXPECT_EQ(dumped("with (a, b): pass"), "with a, b\n  pass\n");
  EXPECT_EQ(dumped("with (a, b) as c: pass"), "with (tuple a b) as c\n  pass\n");
  EXPECT_EQ(dumped("with (open(p)) as f: pass"), "with (call open p) as f\n  pass\n");
}

TEST(ParserStmtTest, Try) {
  EXPECT_EQ(dumped("try:\n  x\nexcept ValueError:\n  a\nexcept (A, B) as e:\n  b\nexcept:\n"
                   "  c\nelse:\n  d\nfinally:\n  e\n"),
            "try\n  expr x\nexcept ValueError\n  expr a\nexcept (tuple A B) as e\n  expr b\n"
            "except\n  expr c\nelse\n  expr d\nfinally\n  expr e\n");
  EXPECT_EQ(dumped("try:\n  x\nfinally:\n  y"), "try\n  expr x\nfinally\n  expr y\n");
  const std::string src = "try:\n  x\nexcept KeyError as err:\n  pass";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const auto& t = static_cast<const TryStmt&>(*r.module.body[0]);
  EXPECT_EQ(t.handlers[0].name, "err");
  EXPECT_EQ(covered(src, t.handlers[0].span), "except KeyError as err:");
}

TEST(ParserStmtTest, StatementSpansCoverTheirFirstLine) {
  EXPECT_EQ(stmt_texts("x = 1; y = 2  # two"), (Texts{"x = 1", "y = 2"}));
  EXPECT_EQ(stmt_texts("for i in range(3):  # loop\n    total += i\n"),
            (Texts{"for i in range(3):", "total += i"}));
  EXPECT_EQ(stmt_texts("def f(a,\n      b):\n    return a"), (Texts{"def f(a,", "return a"}));
  EXPECT_EQ(stmt_texts("if x:\n  pass\nelif y:\n  pass\nelse:\n  z = [1,\n 2]"),
            (Texts{"if x:", "pass", "elif y:", "pass", "z = [1,"}));
  EXPECT_EQ(stmt_texts("class A(B):\n    x: int = 0\n"), (Texts{"class A(B):", "x: int = 0"}));
  EXPECT_EQ(stmt_texts("with a as b: pass"), (Texts{"with a as b:", "pass"}));
  EXPECT_EQ(stmt_texts("while not done:\n    break"), (Texts{"while not done:", "break"}));
  EXPECT_EQ(stmt_texts("try:\n  import os\nexcept:\n  raise"),
            (Texts{"try:", "import os", "raise"}));
  EXPECT_EQ(stmt_texts("s = '''a\nb'''"), (Texts{"s = '''a"}));
}

TEST(ParserStmtTest, FunctionNameSpan) {
  const std::string src = "def loss_and_grad(u, m):\n    pass";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const auto& def = static_cast<const FunctionDefStmt&>(*r.module.body[0]);
  EXPECT_EQ(covered(src, def.name_span), "loss_and_grad");
  EXPECT_EQ(covered(src, def.params[1].span), "m");
}

TEST(ParserStmtTest, BreakAndContinueNeedALoop) {
  EXPECT_EQ(all_errors("break"), "SyntaxError: 'break' outside loop @ 1:1+5\n");
  EXPECT_EQ(all_errors("if x:\n    continue"),
            "SyntaxError: 'continue' not properly in loop @ 2:5+8\n");
  EXPECT_EQ(all_errors("for x in y:\n    if x: break\nelse:\n    break"),
            "SyntaxError: 'break' outside loop @ 4:5+5\n");
  EXPECT_EQ(all_errors("while x:\n    def f():\n        break"),
            "SyntaxError: 'break' outside loop @ 3:9+5\n");
  EXPECT_EQ(all_errors("while x:\n    class A:\n        continue"),
            "SyntaxError: 'continue' not properly in loop @ 3:9+8\n");
  EXPECT_EQ(all_errors("while x:\n    try:\n        break\n    finally:\n        continue"), "");
}

TEST(ParserStmtTest, ReturnNeedsAFunctionAndNonlocalAnEnclosingScope) {
  EXPECT_EQ(all_errors("return 1"), "SyntaxError: 'return' outside function @ 1:1+8\n");
  EXPECT_EQ(all_errors("class A:\n    return"), "SyntaxError: 'return' outside function @ 2:5+6\n");
  EXPECT_EQ(all_errors("def f():\n    class A:\n        def g(self):\n            return 1"), "");
  EXPECT_EQ(all_errors("nonlocal x"),
            "SyntaxError: nonlocal declaration not allowed at module level @ 1:1+10\n");
  EXPECT_EQ(all_errors("global x"), "");
}

}  // namespace
}  // namespace gradlab::lang
