// Expressions: precedence, every expression kind, and their spans.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lang/parser.h"
#include "lang_test_util.h"

namespace gradlab::lang {
namespace {

using testing::covered;
using testing::expr_texts;

std::string e(const std::string& source) {
  try {
    return dump(*parse_expression(source));
  } catch (const SyntaxError& error) {
    return "ERROR " + testing::describe(error);
  }
}

using Texts = std::vector<std::string>;

TEST(ParserExprTest, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(e("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(e("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(e("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(e("a / b // c % d @ e * f"), "(* (@ (% (// (/ a b) c) d) e) f)");
  EXPECT_EQ(e("1 / 5 * 2"), "(* (/ 1 5) 2)");
  EXPECT_EQ(e("a @ b @ c"), "(@ (@ a b) c)");
  EXPECT_EQ(e("a | b ^ c & d << e + f"), "(| a (^ b (& c (<< d (+ e f)))))");
  EXPECT_EQ(e("a << b >> c"), "(>> (<< a b) c)");
  EXPECT_EQ(e("a & b | c ^ d"), "(| (& a b) (^ c d))");
}

TEST(ParserExprTest, PowerBindsTighterThanUnaryOnItsLeftAndIsRightAssociative) {
  EXPECT_EQ(e("-3**2"), "(neg (** 3 2))");
  EXPECT_EQ(e("2**-1"), "(** 2 (neg 1))");
  EXPECT_EQ(e("2**3**2"), "(** 2 (** 3 2))");
  EXPECT_EQ(e("-a**-b"), "(neg (** a (neg b)))");
  EXPECT_EQ(e("2 * 3 ** 2"), "(* 2 (** 3 2))");
  EXPECT_EQ(e("(-2) ** 3"), "(** (neg 2) 3)");
  EXPECT_EQ(e("a ** b.c(d)"), "(** a (call (. b c) d))");
  EXPECT_EQ(e("(U[0] @ V[0] - 1.0) ** 2"), "(** (- (@ (sub U 0) (sub V 0)) 1.0) 2)");
}

TEST(ParserExprTest, UnaryOperators) {
  EXPECT_EQ(e("~a + -b * +c"), "(+ (~ a) (* (neg b) (pos c)))");
  EXPECT_EQ(e("- - a"), "(neg (neg a))");
  EXPECT_EQ(e("-a.b"), "(neg (. a b))");
  EXPECT_EQ(e("not not a"), "(not (not a))");
}

TEST(ParserExprTest, BooleanAndComparisonPrecedence) {
  EXPECT_EQ(e("not a == b"), "(not (cmp a == b))");
  EXPECT_EQ(e("a or b and not c"), "(or a (and b (not c)))");
  EXPECT_EQ(e("a and b or c and d"), "(or (and a b) (and c d))");
  EXPECT_EQ(e("a or b or c"), "(or a b c)");
  EXPECT_EQ(e("a | b < c | d"), "(cmp (| a b) < (| c d))");
  EXPECT_EQ(e("a < b <= c == d != e > f >= g"), "(cmp a < b <= c == d != e > f >= g)");
  EXPECT_EQ(e("a in b not in c is d is not e"), "(cmp a in b not-in c is d is-not e)");
  EXPECT_EQ(e("not a in b"), "(not (cmp a in b))");
}

TEST(ParserExprTest, ConditionalAndLambda) {
  EXPECT_EQ(e("x if c else y if d else z"), "(if-exp c x (if-exp d y z))");
  EXPECT_EQ(e("a + b if c else d"), "(if-exp c (+ a b) d)");
  EXPECT_EQ(e("a if b else lambda: c"), "(if-exp b a (lambda () c))");
  EXPECT_EQ(e("lambda: a if b else c"), "(lambda () (if-exp b a c))");
  EXPECT_EQ(e("lambda x, y=1, *a, k, j=2, **kw: x"), "(lambda (x y=1 *a kw:k kw:j=2 **kw) x)");
  EXPECT_EQ(e("lambda *, k: k"), "(lambda (kw:k) k)");
  EXPECT_EQ(e("lambda a, /, b: a"), "(lambda (a b) a)");
  EXPECT_EQ(e("lambda *args, **kw: (args, kw)"), "(lambda (*args **kw) (tuple args kw))");
}

TEST(ParserExprTest, Constants) {
  EXPECT_EQ(e("None, True, False, ..."), "(tuple None True False ...)");
  EXPECT_EQ(e("1, 2.5, 0x10, 1e-05, 1e16, 100.0, .5"), "(tuple 1 2.5 16 1e-05 1e+16 100.0 0.5)");
  EXPECT_EQ(e("'a' 'b' \"c\""), "'abc'");
  EXPECT_EQ(e("'it\\'s'"), "\"it's\"");
  EXPECT_EQ(e("'tab\\there\\n'"), "'tab\\there\\n'");
}

TEST(ParserExprTest, FStrings) {
  EXPECT_EQ(e("f'a{b}' 'c' f'{d!r:>4}'"), "(f 'a' {b} 'c' {d!r:(f '>4')})");
  EXPECT_EQ(e("'x' f''"), "(f 'x')");
  EXPECT_EQ(e("f'{x:{w}.2f}'"), "(f {x:(f {w} '.2f')})");
  EXPECT_EQ(e("f'{x:}'"), "(f {x})");
  EXPECT_EQ(e("f'{a, b}'"), "(f {(tuple a b)})");
  EXPECT_EQ(e("f'{x=}'"), "(f 'x=' {x!r})");
  EXPECT_EQ(e("f'{x + 1:.4f} {y!s}'"), "(f {(+ x 1):(f '.4f')} ' ' {y!s})");
  EXPECT_EQ(e("f'{ {\"a\": 1}[\"a\"] }'"), "(f {(sub (dict ('a' 1)) 'a')})");
  EXPECT_EQ(e("f'{f\"{x}\"}'"), "(f {(f {x})})");
  EXPECT_EQ(e("f'{{{x}}}'"), "(f '{' {x} '}')");
}

TEST(ParserExprTest, Displays) {
  EXPECT_EQ(e("[]"), "(list)");
  EXPECT_EQ(e("[1, 2,]"), "(list 1 2)");
  EXPECT_EQ(e("[*a, b]"), "(list (* a) b)");
  EXPECT_EQ(e("()"), "(tuple)");
  EXPECT_EQ(e("(1,)"), "(tuple 1)");
  EXPECT_EQ(e("(1)"), "1");
  EXPECT_EQ(e("(a, *b)"), "(tuple a (* b))");
  EXPECT_EQ(e("a, *b,"), "(tuple a (* b))");
  EXPECT_EQ(e("{}"), "(dict)");
  EXPECT_EQ(e("{1: 2, **m,}"), "(dict (1 2) (** m))");
  EXPECT_EQ(e("{**m, 'k': v}"), "(dict (** m) ('k' v))");
  EXPECT_EQ(e("{1, 2}"), "(set 1 2)");
  EXPECT_EQ(e("{*a}"), "(set (* a))");
}

TEST(ParserExprTest, Comprehensions) {
  EXPECT_EQ(e("[x*x for x in range(10) if x % 2 if x > 3 for y in x]"),
            "(listcomp (* x x) (for x (call range 10) (if (% x 2)) (if (cmp x > 3))) (for y x))");
  EXPECT_EQ(e("{k: v for k, v in d.items()}"),
            "(dictcomp k v (for (tuple k v) (call (. d items))))");
  EXPECT_EQ(e("{x for x in s}"), "(setcomp x (for x s))");
  EXPECT_EQ(e("(x for x in s)"), "(genexp x (for x s))");
  EXPECT_EQ(e("[(a, b) for a, (b, c) in pairs]"),
            "(listcomp (tuple a b) (for (tuple a (tuple b c)) pairs))");
  EXPECT_EQ(e("[x for x in a if b or c]"), "(listcomp x (for x a (if (or b c))))");
  EXPECT_EQ(e("[f'User {i+1}' for i in range(5)]"),
            "(listcomp (f 'User ' {(+ i 1)}) (for i (call range 5)))");
  EXPECT_EQ(e("[(user_ids[u], items[i]) for u in range(3) for i in range(3)]"),
            "(listcomp (tuple (sub user_ids u) (sub items i)) (for u (call range 3)) (for i "
            "(call range 3)))");
}

TEST(ParserExprTest, Calls) {
  EXPECT_EQ(e("f()"), "(call f)");
  EXPECT_EQ(e("f(a, *b, k=c, **d)"), "(call f a (* b) k=c (** d))");
  EXPECT_EQ(e("f(a,)"), "(call f a)");
  EXPECT_EQ(e("f(k=1, *a)"), "(call f (* a) k=1)");
  EXPECT_EQ(e("sum(x*x for x in v)"), "(call sum (genexp (* x x) (for x v)))");
  EXPECT_EQ(e("f(*a, *b, **c, **d)"), "(call f (* a) (* b) (** c) (** d))");
  EXPECT_EQ(e("f(a)(b)"), "(call (call f a) b)");
  EXPECT_EQ(e("torch.sum(a, axis=1) / a.shape[1]"),
            "(/ (call (. torch sum) a axis=1) (sub (. a shape) 1))");
}

TEST(ParserExprTest, AttributesSubscriptsAndSlices) {
  EXPECT_EQ(e("a.b(c)[d].e"), "(. (sub (call (. a b) c) d) e)");
  EXPECT_EQ(e("a[1:4, ::2]"), "(sub a (tuple (slice 1 4 _) (slice _ _ 2)))");
  EXPECT_EQ(e("a[..., None]"), "(sub a (tuple ... None))");
  EXPECT_EQ(e("a[:, 0]"), "(sub a (tuple (slice _ _ _) 0))");
  EXPECT_EQ(e("a[:]"), "(sub a (slice _ _ _))");
  EXPECT_EQ(e("a[::]"), "(sub a (slice _ _ _))");
  EXPECT_EQ(e("a[::-1]"), "(sub a (slice _ _ (neg 1)))");
  EXPECT_EQ(e("a[-3:]"), "(sub a (slice (neg 3) _ _))");
  EXPECT_EQ(e("a[1,]"), "(sub a (tuple 1))");
  EXPECT_EQ(e("a[i]"), "(sub a i)");
  EXPECT_EQ(e("a[*b]"), "(sub a (tuple (* b)))");
  EXPECT_EQ(e("a[i, j:k]"), "(sub a (tuple i (slice j k _)))");
  EXPECT_EQ(e("data[i][0]"), "(sub (sub data i) 0)");
}

TEST(ParserExprTest, ExpressionEntryPointAcceptsSurroundingWhitespace) {
  EXPECT_EQ(e("  1 + 2\n"), "(+ 1 2)");
  EXPECT_EQ(e("1 +"), "ERROR SyntaxError: invalid syntax @ 1:4+1");
  EXPECT_EQ(e("*a"), "ERROR SyntaxError: can't use starred expression here @ 1:1+2");
}

// ---- spans -------------------------------------------------------------------------------

TEST(ParserExprSpanTest, EveryNodeCoversItsText) {
  EXPECT_EQ(expr_texts("x = foo(a + b, c.d)[1:2]"),
            (Texts{"x", "foo(a + b, c.d)[1:2]", "foo(a + b, c.d)", "foo", "a + b", "a", "b", "c.d",
                   "c", "1:2", "1", "2"}));
}

TEST(ParserExprSpanTest, ParenthesesBelongToTheOuterNodeAndToTuples) {
  EXPECT_EQ(expr_texts("(a + b) * c"), (Texts{"(a + b) * c", "a + b", "a", "b", "c"}));
  EXPECT_EQ(expr_texts("t = (a, b)"), (Texts{"t", "(a, b)", "a", "b"}));
  EXPECT_EQ(expr_texts("t = a, b,"), (Texts{"t", "a, b,", "a", "b"}));
  EXPECT_EQ(expr_texts("t = ()"), (Texts{"t", "()"}));
}

TEST(ParserExprSpanTest, MultiLineNodesAreClippedToTheirFirstLine) {
  EXPECT_EQ(expr_texts("y = foo(a,  # first\n        b) + 1"),
            (Texts{"y", "foo(a,", "foo(a,", "foo", "a", "b", "1"}));
  EXPECT_EQ(expr_texts("s = ('a'\n     'b')"), (Texts{"s", "'a'"}));
  EXPECT_EQ(expr_texts("m = [\n  1,\n]"), (Texts{"m", "[", "1"}));
}

TEST(ParserExprSpanTest, OperatorsComparisonsAndBooleans) {
  EXPECT_EQ(expr_texts("-x ** 2"), (Texts{"-x ** 2", "x ** 2", "x", "2"}));
  EXPECT_EQ(expr_texts("not a < b < c"), (Texts{"not a < b < c", "a < b < c", "a", "b", "c"}));
  EXPECT_EQ(expr_texts("a and b or c"), (Texts{"a and b or c", "a and b", "a", "b", "c"}));
  EXPECT_EQ(expr_texts("a if b else c"), (Texts{"a if b else c", "a", "b", "c"}));
}

TEST(ParserExprSpanTest, CallsKeywordsAndAttributes) {
  const std::string src = "loss.backward(retain_graph=True)";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const auto& call =
      static_cast<const CallExpr&>(*static_cast<const ExprStmt&>(*r.module.body[0]).value);
  EXPECT_EQ(covered(src, call.span), src);
  EXPECT_EQ(covered(src, call.keywords[0].span), "retain_graph=True");
  const auto& attr = static_cast<const AttributeExpr&>(*call.func);
  EXPECT_EQ(covered(src, attr.span), "loss.backward");
  EXPECT_EQ(covered(src, attr.attr_span), "backward");
}

TEST(ParserExprSpanTest, ComprehensionsIncludeTheirBrackets) {
  EXPECT_EQ(expr_texts("[x for x in v]"), (Texts{"[x for x in v]", "x", "x", "v"}));
  EXPECT_EQ(expr_texts("sum(x for x in v)"),
            (Texts{"sum(x for x in v)", "sum", "(x for x in v)", "x", "x", "v"}));
  EXPECT_EQ(expr_texts("{k: v for k in d}"), (Texts{"{k: v for k in d}", "k", "v", "k", "d"}));
}

TEST(ParserExprSpanTest, FStringFieldsPointIntoTheSource) {
  EXPECT_EQ(expr_texts("s = f'x{a + b:>{w}}y'"),
            (Texts{"s", "f'x{a + b:>{w}}y'", "a + b", "a", "b", "{a + b:>{w}}", "w"}));
  EXPECT_EQ(expr_texts("print(f\"{uu+1} {U[uu] @ M[mm]}\")"),
            (Texts{"print(f\"{uu+1} {U[uu] @ M[mm]}\")", "print", "f\"{uu+1} {U[uu] @ M[mm]}\"",
                   "uu+1", "uu", "1", "U[uu] @ M[mm]", "U[uu]", "U", "uu", "M[mm]", "M", "mm"}));
  const std::string multi = "s = f'''\n{a +\n  b}'''";
  const ParseResult r = parse_source(multi);
  ASSERT_TRUE(r.ok());
  const std::vector<const Expr*> all = testing::all_exprs(r.module);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2]->span.line, 2);  // a + b, clipped to its first line
  EXPECT_EQ(covered(multi, all[2]->span), "a +");
  EXPECT_EQ(all[4]->span.line, 3);
  EXPECT_EQ(all[4]->span.column, 3);
}

TEST(ParserExprSpanTest, LambdaParamsAndSlices) {
  const std::string src = "f = lambda x, y=2: x[1:, ::2]";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const auto& lambda =
      static_cast<const LambdaExpr&>(*static_cast<const AssignStmt&>(*r.module.body[0]).value);
  EXPECT_EQ(covered(src, lambda.span), "lambda x, y=2: x[1:, ::2]");
  EXPECT_EQ(covered(src, lambda.params[1].span), "y");
  EXPECT_EQ(expr_texts(src), (Texts{"f", "lambda x, y=2: x[1:, ::2]", "2", "x[1:, ::2]", "x",
                                    "1:, ::2", "1:", "1", "::2", "2"}));
}

TEST(ParserExprSpanTest, ColumnsCountCodePointsAndTabsAsOne) {
  EXPECT_EQ(expr_texts("é = 变量 + 1"), (Texts{"é", "变量 + 1", "变量", "1"}));
  const std::string src = "if x:\n\ty = a+b";
  const ParseResult r = parse_source(src);
  ASSERT_TRUE(r.ok());
  const std::vector<const Expr*> all = testing::all_exprs(r.module);
  EXPECT_EQ(all[2]->span.column, 6);  // "\ty = " is five code points
  EXPECT_EQ(covered(src, all[2]->span), "a+b");
}

}  // namespace
}  // namespace gradlab::lang
