// Each builtin: programs whose expected output was produced by CPython 3.11.
#include <gtest/gtest.h>

#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::output;

TEST(Builtins, Print) {
  EXPECT_EQ(output("print(1, 'a', sep='-', end='!\\n')\n"),
            "1-a!\n");
  EXPECT_EQ(output("print()\n"),
            "\n");
  EXPECT_EQ(output("print('x', None, end='')\n"),
            "x None");
}

TEST(Builtins, Range) {
  EXPECT_EQ(output("print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -2)), range(3), len(range(1, 100, 7)))\n"),
            "[0, 1, 2, 3, 4] [2, 5, 8] [5, 3, 1] range(0, 3) 15\n");
}

TEST(Builtins, Len) {
  EXPECT_EQ(output("print(len('h\u00e9llo'), len([1]), len((1, 2)), len({'a': 1}), len({1, 2, 3}), len(range(4)))\n"),
            "5 1 2 1 3 4\n");
}

TEST(Builtins, AbsRoundDivmodPow) {
  EXPECT_EQ(output("print(abs(-7), abs(-7.5), round(2.5), round(3.5), round(2.675, 2), round(1.23456, 3), round(-0.5), divmod(-7, 3), divmod(7.5, 2), pow(3, 3), pow(2, -1), pow(3, 3, 5))\n"),
            "7 7.5 2 4 2.67 1.235 0 (-3, 2) (3.0, 1.5) 27 0.5 2\n");
}

TEST(Builtins, MinMaxSum) {
  EXPECT_EQ(output("print(min(4, 2, 8), max([1, 9, 3]), min('bca'), max([], default='empty'), max([1, -5], key=abs), min([[2], [1, 1]], key=len), sum([1, 2, 3], 4), sum([0.1] * 3))\n"),
            "2 9 a empty -5 [2] 10 0.30000000000000004\n");
}

TEST(Builtins, IntFloatStrBool) {
  EXPECT_EQ(output("print(int('  42 '), int('-0x1f', 16), int('1_000'), int(7.9), int(-7.9), float('1e-3'), float('nan') != float('nan'), str(1.5), str([1, 'a']), bool([]), bool(' '))\n"),
            "42 -31 1000 7 -7 0.001 True 1.5 [1, 'a'] False True\n");
}

TEST(Builtins, ListTupleDictSet) {
  EXPECT_EQ(output("print(list('abc'), tuple([1, 2]), dict(a=1, b=[2]), dict([(1, 2)]), sorted(set([3, 1, 3])), list({'x': 1, 'y': 2}), set())\n"),
            "['a', 'b', 'c'] (1, 2) {'a': 1, 'b': [2]} {1: 2} [1, 3] ['x', 'y'] set()\n");
}

TEST(Builtins, ZipEnumerateReversed) {
  EXPECT_EQ(output("print(list(zip('ab', [1, 2, 3])), list(enumerate('xy', 5)), list(reversed((1, 2, 3))), list(reversed('ab')))\n"),
            "[('a', 1), ('b', 2)] [(5, 'x'), (6, 'y')] [3, 2, 1] ['b', 'a']\n");
}

TEST(Builtins, SortedMapFilter) {
  EXPECT_EQ(output("print(sorted([3, 1, 2]), sorted('bca', reverse=True), sorted([(1, 'b'), (1, 'a'), (0, 'z')]), sorted(['aa', 'b', 'ccc'], key=len, reverse=True), list(map(abs, [-1, -2])), list(filter(lambda x: x % 2, range(6))))\n"),
            "[1, 2, 3] ['c', 'b', 'a'] [(0, 'z'), (1, 'a'), (1, 'b')] ['ccc', 'aa', 'b'] [1, 2] [1, 3, 5]\n");
}

TEST(Builtins, AnyAll) {
  EXPECT_EQ(output("print(any([0, 0, 1]), any([]), all([1, 1]), all([1, 0]), all([]), any(x > 2 for x in range(4)))\n"),
            "True False True False True True\n");
}

TEST(Builtins, IsinstanceIssubclassType) {
  EXPECT_EQ(output("print(isinstance(3, int), isinstance(True, int), isinstance(3, (str, float)), issubclass(bool, int), type(3).__name__, type('s') is str, type(None).__name__)\n"),
            "True True False True int True NoneType\n");
}

TEST(Builtins, ReprFormat) {
  EXPECT_EQ(output("print(repr('a\\'b'), repr([1.0, 'x']), format(3.14159, '.2f'), format(42, '>6'), format(255, '#x'), format(0.125, '.1%'), format('s', '^5') + '|')\n"),
            "\"a'b\" [1.0, 'x'] 3.14     42 0xff 12.5%   s  |\n");
}

TEST(Builtins, AttrBuiltins) {
  EXPECT_EQ(output("class C:\n    pass\nc = C()\nsetattr(c, 'x', 3)\nprint(getattr(c, 'x'), hasattr(c, 'x'), hasattr(c, 'y'), getattr(c, 'y', 'dflt'))\ndelattr(c, 'x')\nprint(hasattr(c, 'x'))\n"),
            "3 True False dflt\nFalse\n");
}

TEST(Builtins, IterNext) {
  EXPECT_EQ(output("it = iter([10, 20])\nprint(next(it), next(it), next(it, 'end'))\n"),
            "10 20 end\n");
}

TEST(Builtins, IdHashCallable) {
  EXPECT_EQ(output("a = [1]\nprint(id(a) == id(a), hash(3) == hash(3.0), hash('ab') == hash('a' + 'b'), callable(print), callable(1), callable(lambda: 0))\n"),
            "True True True True False True\n");
}

TEST(Builtins, ChrOrd) {
  EXPECT_EQ(output("print(chr(65), chr(0x263A), ord('a'), ord('\\u00e9'))\n"),
            "A \u263a 97 233\n");
}

TEST(Builtins, StrMethods) {
  EXPECT_EQ(output("print('a-b-c'.split('-'), ' x '.strip(), 'ab'.upper(), 'AB'.lower(), 'hello world'.title(), 'x'.center(5, '*'), 'ab'.startswith(('x', 'a')), 'abcabc'.count('bc'), 'abc'.find('c'), 'abc'.replace('b', 'B'), '3'.zfill(3), 'a\\nb'.splitlines(), ','.join(['1', '2']))\n"),
            "['a', 'b', 'c'] x AB ab Hello World **x** True 2 2 aBc 003 ['a', 'b'] 1,2\n");
}

TEST(Builtins, StrFormat) {
  EXPECT_EQ(output("print('{} {:.1f} {name}'.format(1, 2.25, name='n'), '%d-%s-%.3f' % (1, 'x', 0.5), '%5.1f|%-4d|' % (3.14159, 7), '{0}{0}'.format('ab'))\n"),
            "1 2.2 n 1-x-0.500   3.1|7   | abab\n");
}

TEST(Builtins, ListMethods) {
  EXPECT_EQ(output("x = [3, 1, 2]\nx.append(4); x.insert(0, 9); x.extend([7]); x.remove(1)\nprint(x, x.pop(), x.pop(0), x.index(2), x.count(3))\nx.sort(); print(x)\nx.reverse(); print(x, x.copy())\nx.clear(); print(x)\n"),
            "[3, 2, 4] 7 9 1 1\n[2, 3, 4]\n[4, 3, 2] [4, 3, 2]\n[]\n");
}

TEST(Builtins, DictMethods) {
  EXPECT_EQ(output("d = {'a': 1}\nd.update(b=2); d.setdefault('c', 3)\nprint(d, d.get('z', 0), d.pop('a'), list(d.items()), list(d.keys()), list(d.values()), d.copy())\n"),
            "{'b': 2, 'c': 3} 0 1 [('b', 2), ('c', 3)] ['b', 'c'] [2, 3] {'b': 2, 'c': 3}\n");
}

TEST(Builtins, SetMethods) {
  EXPECT_EQ(output("s = {1, 2}\ns.add(3); s.discard(9); s.remove(1)\nprint(s, s | {7}, s & {2, 8}, s - {2}, {1, 2}.union([3]), {1, 2} <= {1, 2, 3})\n"),
            "{2, 3} {2, 3, 7} {2} {3} {1, 2, 3} True\n");
}

TEST(Builtins, Slicing) {
  EXPECT_EQ(output("x = list(range(8))\nprint(x[::-1], x[1:6:2], x[-3:], 'hello'[::-2], (1, 2, 3)[::-1])\nx[::2] = 'abcd'\nprint(x)\n"),
            "[7, 6, 5, 4, 3, 2, 1, 0] [1, 3, 5] [5, 6, 7] olh (3, 2, 1)\n['a', 1, 'b', 3, 'c', 5, 'd', 7]\n");
}

TEST(Builtins, MathModule) {
  EXPECT_EQ(output("import math\nprint(math.sqrt(2), math.floor(-1.5), math.ceil(1.2), math.log(100, 10), math.isclose(1.0, 1.0 + 1e-10), math.factorial(5), math.gcd(8, 12), math.tanh(1.0))\n"),
            "1.4142135623730951 -2 2 2.0 True 120 4 0.7615941559557649\n");
}

TEST(Builtins, RandomModule) {
  EXPECT_EQ(output("import random\nrandom.seed(7)\nprint(random.random(), random.randint(1, 6), random.choice('abc'), random.uniform(1, 2))\nx = [1, 2, 3, 4]\nrandom.shuffle(x)\nprint(x, random.gauss(0, 1))\n"),
            "0.32383276483316237 2 b 1.6509344730398539\n[2, 4, 3, 1] -0.22972548234202542\n");
}

TEST(Builtins, ErrorsAreCPythonWorded) {
  EXPECT_EQ(output("len(5)\n"), "!TypeError: object of type 'int' has no len()");
  EXPECT_EQ(output("int('x')\n"), "!ValueError: invalid literal for int() with base 10: 'x'");
  EXPECT_EQ(output("[1][3]\n"), "!IndexError: list index out of range");
  EXPECT_EQ(output("{}['k']\n"), "!KeyError: 'k'");
  EXPECT_EQ(output("1 / 0\n"), "!ZeroDivisionError: division by zero");
  EXPECT_EQ(output("1 // 0\n"), "!ZeroDivisionError: integer division or modulo by zero");
  EXPECT_EQ(output("1.0 / 0\n"), "!ZeroDivisionError: float division by zero");
  EXPECT_EQ(output("None[0]\n"), "!TypeError: 'NoneType' object is not subscriptable");
  EXPECT_EQ(output("5()\n"), "!TypeError: 'int' object is not callable");
  EXPECT_EQ(output("'a' + 1\n"), "!TypeError: can only concatenate str (not \"int\") to str");
  EXPECT_EQ(output("1 + 'a'\n"), "!TypeError: unsupported operand type(s) for +: 'int' and 'str'");
  EXPECT_EQ(output("[].foo\n"), "!AttributeError: 'list' object has no attribute 'foo'");
  EXPECT_EQ(output("x, y = [1]\n"), "!ValueError: not enough values to unpack (expected 2, got 1)");
  EXPECT_EQ(output("x, y = [1, 2, 3]\n"), "!ValueError: too many values to unpack (expected 2)");
  EXPECT_EQ(output("max([])\n"), "!ValueError: max() arg is an empty sequence");
  EXPECT_EQ(output("abs('s')\n"), "!TypeError: bad operand type for abs(): 'str'");
  EXPECT_EQ(output("sorted([1, 'a'])\n"), "!TypeError: '<' not supported between instances of 'str' and 'int'");
  EXPECT_EQ(output("chr(-1)\n"), "!ValueError: chr() arg not in range(0x110000)");
  EXPECT_EQ(output("ord('ab')\n"), "!TypeError: ord() expected a character, but string of length 2 found");
  EXPECT_EQ(output("float('x')\n"), "!ValueError: could not convert string to float: 'x'");
  EXPECT_EQ(output("range(1, 2, 0)\n"), "!ValueError: range() arg 3 must not be zero");
  EXPECT_EQ(output("[].pop()\n"), "!IndexError: pop from empty list");
  EXPECT_EQ(output("{1}.remove(2)\n"), "!KeyError: 2");
  EXPECT_EQ(output("(1, 2)[0] = 3\n"), "!TypeError: 'tuple' object does not support item assignment");
  EXPECT_EQ(output("def f(a): pass\nf()\n"), "!TypeError: f() missing 1 required positional argument: 'a'");
  EXPECT_EQ(output("def f(a): pass\nf(1, 2)\n"), "!TypeError: f() takes 1 positional argument but 2 were given");
  EXPECT_EQ(output("def f(a): pass\nf(b=1)\n"), "!TypeError: f() got an unexpected keyword argument 'b'");
  EXPECT_EQ(output("next(iter([]))\n"), "!StopIteration");
  EXPECT_EQ(output("undefined_thing\n"), "!NameError: name 'undefined_thing' is not defined");
}

}  // namespace
}  // namespace gradlab
