// The native recursion of the core at each of its limits, in the wasm build, where the C++
// stack (TOTAL_STACK in wasm/CMakeLists.txt) is fixed and overflows silently: the parser and
// compiler at kMaxNestingDepth, repr/== /hash at kMaxNativeDepth, natives calling back into
// Python at kMaxNestedCalls, all of them at once, and freeing very deep structures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadGradlab, runCell, output } from './helpers.mjs';

let M;
let s;
before(async () => {
  M = await loadGradlab();
  s = new M.GradlabSession();
});
after(() => s.delete());

const nest = (open, inner, close, n) => open.repeat(n) + inner + close.repeat(n);

test('the parser and compiler take 199 levels of nesting; 201 is a SyntaxError', () => {
  assert.equal(output(s, `x = ${nest('(', '1', ')', 199)}\nprint(x)`), '1\n');
  assert.equal(output(s, `x = ${nest('[', '', ']', 199)}\nprint(len(x))`), '1\n');
  assert.equal(output(s, `def f(a=0):\n    return a\nx = ${nest('f(', '', ')', 199)}\nprint(x)`), '0\n');
  assert.equal(output(s, `x = ${nest('-(', '1', ')', 99)}\nprint(x)`), '-1\n');
  const r = runCell(s, `x = ${nest('(', '1', ')', 201)}`);
  assert.equal(r.error.type, 'SyntaxError');
  assert.equal(r.error.message, 'too many nested parentheses');
  const deepIf =
    Array.from({ length: 99 }, (_, i) => `${' '.repeat(i)}if True:\n`).join('') + `${' '.repeat(99)}print('deep')\n`;
  assert.equal(output(s, deepIf), 'deep\n');
});

test('repr, == and hash recurse to their limit, then raise RecursionError', () => {
  const code = `
a = []
b = []
for i in range(499):
    a = [a]
    b = [b]
print(len(repr(a)), a == b)
for i in range(100000):
    a = [a]
    b = [b]
for f in (repr, lambda v: v == b, str):
    try:
        f(a)
    except RecursionError as e:
        print('RecursionError', e)
t = ()
for i in range(100000):
    t = (t,)
try:
    hash(t)
except RecursionError as e:
    print('RecursionError', e)
`;
  assert.equal(
    output(s, code),
    '1000 True\n' +
      'RecursionError maximum recursion depth exceeded while getting the repr of an object\n' +
      'RecursionError maximum recursion depth exceeded in comparison\n' +
      'RecursionError maximum recursion depth exceeded while getting the repr of an object\n' +
      'RecursionError maximum recursion depth exceeded in comparison\n',
  );
});

test('natives calling back into Python nest to kMaxNestedCalls, with native repr inside each', () => {
  // Each level: list repr (native) -> R.__repr__ (a nested VM run) -> repr([...]) -> ...
  const code = `
class R:
    def __init__(self, inner):
        self.inner = inner
    def __repr__(self):
        return 'R' + repr([self.inner])
def chain(depth, leaf):
    r = leaf
    for i in range(depth):
        r = R(r)
    return r
deep = []
for i in range(400):
    deep = [deep]
print(len(repr([chain(62, 0)])))
print(len(repr([chain(40, deep)])))
try:
    repr([chain(100, 0)])
except RecursionError as e:
    print('RecursionError', e)
`;
  assert.equal(
    output(s, code),
    `${2 + 62 * 3 + 1}\n${2 + 40 * 3 + 802}\nRecursionError maximum recursion depth exceeded\n`,
  );
});

test('deep Python recursion runs on the VM stack: 990 frames work, 5000 is a RecursionError', () => {
  assert.equal(output(s, 'def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(990))'), '990\n');
  const r = runCell(s, 'def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nf(5000)');
  assert.equal(r.error.type, 'RecursionError');
});

test('freeing million-deep chains and a 300k-op autograd graph does not recurse natively', () => {
  const code = `
import torch
d = {}
for i in range(1000000):
    d = {'k': d}
l = []
for i in range(1000000):
    l = [l]
class N:
    pass
n = None
for i in range(1000000):
    m = N()
    m.next = n
    n = m
del d, l, n, m
x = torch.ones(1, requires_grad=True)
y = x
for i in range(300000):
    y = y * 1.0
y.backward()
print(x.grad)
del y
print('freed')
`;
  assert.equal(output(s, code), 'tensor([1.])\nfreed\n');
  assert.equal(output(s, 'print(1 + 1)'), '2\n');
});
