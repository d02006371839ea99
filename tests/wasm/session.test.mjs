// GradlabSession through Embind (PROTOCOL.md §2): results, error records, slices, interrupt,
// reset, setInput, stepLine, variables and output events, on one module instance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadGradlab, runCell, output } from './helpers.mjs';

let M;
let s;
before(async () => {
  M = await loadGradlab();
  s = new M.GradlabSession();
});
after(() => {
  s.delete();
  assert.equal(M.heapStats().sessions, 0);
});

test('runCell starts a cell without running it; resume runs it to the end', () => {
  let r = s.runCell("print('hello')\nx = 41 + 1\nprint(x)", 'first');
  assert.deepEqual(r, { status: 'suspended', line: 1, events: [], error: null });
  r = s.resume(1e6);
  assert.equal(r.status, 'done');
  assert.equal(r.line, 0);
  assert.equal(r.error, null);
  assert.deepEqual(r.events, [{ kind: 'text', text: 'hello\n42\n' }]);
});

test('a cell echoes the repr of its last expression, as a notebook does (PROTOCOL.md §1)', () => {
  assert.equal(output(s, 'x = 41 + 1\nx'), '42\n');
  assert.equal(output(s, "'a' + 'b'"), "'ab'\n");
  assert.equal(output(s, 'None'), '');
  assert.equal(output(s, 'for i in range(2):\n    i'), '', 'only a top-level expression that ends the cell');
  assert.equal(output(s, 'y = 2\nprint(y)'), '2\n');
});

test('cells share globals and torch is installed', () => {
  assert.equal(output(s, 'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)'), '');
  assert.equal(
    output(
      s,
      'import torch\nx = torch.tensor([[2., -1.], [3., 1.]], requires_grad=True)\nx.pow(3).sum().backward()\nprint(x.grad)',
    ),
    'tensor([[12.,  3.],\n        [27.,  3.]])\n',
  );
  assert.equal(output(s, 'print(x.grad.sum().item())'), '45.0\n');
});

test('a run-time error is a record with type, message, span and frames; the session goes on', () => {
  const r = runCell(s, 'def f(v):\n    return v + undefined_x\nf(1)\n', { cellName: '<cell A>' });
  assert.equal(r.status, 'error');
  assert.deepEqual(r.error, {
    type: 'NameError',
    message: "name 'undefined_x' is not defined",
    line: 2,
    column: 16,
    length: 11,
    file: '<cell A>',
    frames: [
      { name: '<module>', file: '<cell A>', line: 3 },
      { name: 'f', file: '<cell A>', line: 2 },
    ],
    traceback:
      'Traceback (most recent call last):\n' +
      '  File "<cell A>", line 3, in <module>\n    f(1)\n' +
      '  File "<cell A>", line 2, in f\n    return v + undefined_x\n' +
      "NameError: name 'undefined_x' is not defined\n",
  });
  assert.equal(output(s, 'print("still here")'), 'still here\n');
});

test('a syntax error comes back from runCell itself, with the span to underline', () => {
  const r = s.runCell('x = 1\ny = (2 +\n', 'bad');
  assert.equal(r.status, 'error');
  assert.equal(r.line, 0);
  assert.equal(r.error.type, 'SyntaxError');
  assert.equal(r.error.message, "'(' was never closed");
  assert.equal(r.error.line, 2);
  assert.equal(r.error.column, 5);
  assert.equal(r.error.length, 1);
  assert.deepEqual(r.error.frames, []);
  assert.equal(
    r.error.traceback,
    '  File "bad", line 2\n    y = (2 +\n        ^\nSyntaxError: \'(\' was never closed\n',
  );
  assert.equal(s.resume(1000).status, 'error', 'nothing to resume after a compile error');
});

test('a tensor error keeps its PyTorch wording and the text printed before it', () => {
  const r = runCell(s, "import torch\nprint('before')\ntorch.ones(2, 3) @ torch.ones(2, 3)\n");
  assert.equal(r.text, 'before\n');
  assert.equal(r.error.type, 'RuntimeError');
  assert.equal(r.error.message, 'mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)');
  assert.equal(r.error.line, 3);
});

const PROGRAM = `
import torch
torch.manual_seed(0)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
w = torch.randn(3, requires_grad=True)
for step in range(4):
    loss = ((w * torch.arange(3.0) - 1) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad.zero_()
    try:
        print(step, fib(step + 8), round(loss.item(), 4), [i for i in range(step)])
        if step == 2:
            raise ValueError(step)
    except ValueError as e:
        print('caught', e)
print(w)
`;

test('suspending every few instructions gives the same output as one slice', () => {
  s.reset();
  const whole = runCell(s, PROGRAM, { budget: 1e9 });
  assert.equal(whole.status, 'done');
  assert.equal(whole.slices, 1);
  assert.match(whole.text, /^0 21 /);
  for (const budget of [1, 7, 100]) {
    s.reset();
    const sliced = runCell(s, PROGRAM, { budget });
    assert.equal(sliced.status, 'done');
    assert.ok(sliced.slices > 50, `${sliced.slices} slices at budget ${budget}`);
    assert.equal(sliced.text, whole.text, `budget ${budget}`);
  }
});

test('interrupt ends the running cell with KeyboardInterrupt and keeps the globals', () => {
  let r = s.runCell('kept = 5\ni = 0\nwhile True:\n    i += 1\n', '');
  r = s.resume(10_000);
  assert.equal(r.status, 'suspended');
  assert.ok(r.line === 3 || r.line === 4, `line ${r.line}`);
  s.interrupt();
  r = s.resume(10_000);
  assert.equal(r.status, 'error');
  assert.equal(r.error.type, 'KeyboardInterrupt');
  assert.equal(r.error.message, '');
  assert.match(r.error.traceback, /KeyboardInterrupt\n$/);
  assert.equal(output(s, 'print(kept, i > 100)'), '5 True\n');
});

test('an interrupt while idle does not leak into the next cell', () => {
  s.interrupt();
  assert.equal(output(s, 'print("not interrupted")'), 'not interrupted\n');
});

test('reset clears the globals; torch stays installed; a fresh session and a reset one agree', () => {
  output(s, 'gone = 1');
  assert.equal(s.reset(), null);
  const r = runCell(s, 'print(gone)');
  assert.equal(r.error.type, 'NameError');
  assert.equal(output(s, 'x = 3\nx'), '3\n', 'still a notebook: the last expression is echoed');
  const code = 'import torch\nprint(torch.randn(3))\nprint(torch.rand(2))';
  const afterReset = output(s, code);
  const fresh = new M.GradlabSession();
  try {
    assert.equal(output(fresh, code), afterReset);
  } finally {
    fresh.delete();
  }
});

test('setInput is seen by a running loop, and slider() returns the new value', () => {
  s.reset();
  let r = s.runCell(
    'lr = slider("lr", 0.1, 0.0, 1.0)\nseen = [lr]\nwhile lr < 0.9:\n    if lr != seen[-1]:\n        seen.append(lr)\nprint(seen, slider("lr", 0.1, 0.0, 1.0))\n',
    '',
  );
  const events = [];
  for (let i = 0; i < 5; i++) {
    r = s.resume(1000);
    events.push(...r.events);
  }
  assert.equal(r.status, 'suspended');
  assert.equal(s.setInput('lr', 0.5), null);
  for (let i = 0; i < 5; i++) r = s.resume(1000);
  assert.equal(r.status, 'suspended');
  assert.equal(s.setInput('lr', 0.95), null);
  while (r.status === 'suspended') {
    r = s.resume(1000);
    events.push(...r.events);
  }
  assert.equal(r.status, 'done');
  const input = events.find((e) => e.kind === 'input');
  assert.ok(input, 'slider() sends an input event');
  assert.equal(typeof input.data, 'string');
  assert.deepEqual(JSON.parse(input.data), {
    name: 'lr',
    kind: 'slider',
    value: 0.1,
    min: 0,
    max: 1,
    step: JSON.parse(input.data).step,
  });
  assert.equal(
    events
      .filter((e) => e.kind === 'text')
      .map((e) => e.text)
      .join(''),
    '[0.1, 0.5] 0.95\n',
  );
});

test('stepLine advances one line at a time, into and out of functions', () => {
  s.reset();
  const code = 'def f(v):\n    w = v * 2\n    return w\na = 1\nb = f(a)\nfor i in range(2):\n    a += i\nprint(a, b)\n';
  let r = s.runCell(code, '');
  const lines = [r.line];
  let text = '';
  while (r.status === 'suspended') {
    r = s.stepLine(1e6);
    text += r.events.map((e) => e.text).join('');
    if (r.status === 'suspended') lines.push(r.line);
  }
  assert.equal(r.status, 'done');
  assert.equal(text, '2 2\n');
  assert.deepEqual(lines, [1, 4, 5, 2, 3, 5, 6, 7, 6, 7, 6, 8]);
});

test('stepLine stops after maxBudget instructions on a line that does not change', () => {
  s.reset();
  let r = s.runCell('n = 0\nwhile True: n += 1\n', '');
  r = s.stepLine(1e6);
  assert.equal(r.line, 2);
  r = s.stepLine(500);
  assert.equal(r.status, 'suspended');
  assert.equal(r.line, 2);
  s.interrupt();
  assert.equal(s.resume(10).error.type, 'KeyboardInterrupt');
});

test('variables lists tensors and numbers with shape, dtype, grad and preview', () => {
  s.reset();
  output(
    s,
    "import torch\nw = torch.ones(2, 3, requires_grad=True)\nw.sum().backward()\nn = 3\nname = 'x'\ndef f():\n    pass\n_hidden = 1",
  );
  const vars = s.variables();
  assert.deepEqual(
    vars.map((v) => v.name),
    ['n', 'name', 'w'],
  );
  const w = vars.find((v) => v.name === 'w');
  assert.deepEqual(w, {
    name: 'w',
    type: 'Tensor',
    shape: [2, 3],
    dtype: 'torch.float32',
    requiresGrad: true,
    preview: 'tensor([[1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)',
    grad: 'tensor([[1., 1., 1.],\n        [1., 1., 1.]])',
  });
  const n = vars.find((v) => v.name === 'n');
  assert.deepEqual(n, {
    name: 'n',
    type: 'int',
    shape: null,
    dtype: null,
    requiresGrad: false,
    preview: '3',
    grad: null,
  });
});

test('plot and progress events carry their JSON as a string field `data`', () => {
  s.reset();
  const r = runCell(
    s,
    "import plot\nfrom tqdm import tqdm\nfor i in tqdm(range(3)):\n    plot.live('loss', 1.0 / (i + 1))\nprint('end')",
  );
  assert.equal(r.status, 'done', r.error && r.error.traceback);
  const kinds = new Set(r.events.map((e) => e.kind));
  assert.ok(kinds.has('plot') && kinds.has('progress') && kinds.has('text'), [...kinds].join());
  for (const e of r.events) {
    if (e.kind === 'text') assert.deepEqual(Object.keys(e), ['kind', 'text']);
    else {
      assert.deepEqual(Object.keys(e), ['kind', 'data']);
      assert.equal(typeof JSON.parse(e.data), 'object');
    }
  }
  const plots = r.events.filter((e) => e.kind === 'plot').map((e) => JSON.parse(e.data));
  assert.equal(plots[0].id, 'loss');
});

test('budgets outside 1..2^53 are clamped, never a C++ exception', () => {
  for (const budget of [0, -5, NaN, Infinity, 1e300]) {
    const r = runCell(s, 'x = 0\nfor i in range(100):\n    x += i\nprint(x)', { budget });
    assert.equal(r.text, '4950\n', `budget ${budget}`);
  }
});
