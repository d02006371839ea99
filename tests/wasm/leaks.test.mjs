// No heap growth and no leaked handles across the boundary: 1000 cells of every kind (output,
// tensors and autograd, errors, syntax errors, interrupts, variables) leave the C++ heap and
// the Embind handle counts where they were after a warm-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGradlab, runCell } from './helpers.mjs';

const CELLS = [
  'print(1 + 2)',
  'x = torch.randn(8, 4, requires_grad=True)\nloss = (x * 2).sum()\nloss.backward()\nprint(x.grad.shape)',
  'y = [i * i for i in range(50)]\nd = {str(i): i for i in range(20)}',
  'print(undefined_name)',
  'def f(n):\n    return f(n - 1) if n else 1 / 0\nf(20)',
  'x = (1 +',
  'w = torch.zeros(3, requires_grad=True)\nfor _ in range(5):\n    l = ((w - 1) ** 2).sum()\n    l.backward()\n    with torch.no_grad():\n        w -= 0.1 * w.grad\n    w.grad.zero_()',
  'a = []\na.append(a)\nclass C:\n    pass\nc = C()\nc.me = c',
  "s = 'abc' * 100\nprint(len(s))",
  'raise ValueError("nope")',
];

function counts(M) {
  return { heap: M.heapStats().heapBytes, emval: M.count_emval_handles(), instances: M.getInheritedInstanceCount() };
}

/** One round: every cell once, plus an interrupted loop and a variables() call. */
function round(M, session) {
  for (const code of CELLS) runCell(session, `import torch\n${code}`, { budget: 5_000 });
  let r = session.runCell('while True:\n    pass', '');
  r = session.resume(1000);
  session.interrupt();
  r = session.resume(1000);
  assert.equal(r.error.type, 'KeyboardInterrupt');
  const vars = session.variables();
  assert.ok(Array.isArray(vars));
  return CELLS.length + 1;
}

test('1000 cells leave the heap and the handle counts at their baseline', async (t) => {
  const M = await loadGradlab();
  const session = new M.GradlabSession();
  const before = { sessions: M.heapStats().sessions };
  // Warm-up: interned names, the allocator's free lists, autograd's caches reach their steady size.
  for (let i = 0; i < 5; i++) round(M, session);
  const base = counts(M);
  let cells = 0;
  while (cells < 1000) cells += round(M, session);
  const after = counts(M);
  t.diagnostic(`heap delta ${after.heap - base.heap} bytes over ${cells} cells`);
  assert.equal(after.emval, base.emval, 'live Embind val handles');
  assert.equal(after.instances, base.instances, 'live Embind class instances');
  // A few dozen bytes of jitter remain: the last error record and the "<cell N>" names it
  // holds change length as N grows (libc++'s short-string buffer is 10 chars on wasm32).
  assert.ok(
    Math.abs(after.heap - base.heap) <= 256,
    `heap grew by ${after.heap - base.heap} bytes over ${cells} cells`,
  );
  session.delete();
  assert.equal(M.heapStats().sessions, before.sessions - 1);
  assert.equal(M.getInheritedInstanceCount(), 0);
});

test('sessions created, reset and deleted return the heap to its baseline', async () => {
  const M = await loadGradlab();
  const life = () => {
    const s = new M.GradlabSession();
    runCell(s, "import torch\nx = torch.randn(100, requires_grad=True)\n(x * x).sum().backward()\nprint('ok')");
    assert.equal(s.reset(), null);
    runCell(s, 'y = 1');
    s.delete();
  };
  life(); // warm-up: what the core initialises once (interned names, lazily built tables)
  const base = counts(M);
  for (let i = 0; i < 20; i++) life();
  const after = counts(M);
  assert.equal(after.emval, base.emval);
  assert.equal(after.instances, 0);
  assert.equal(after.heap - base.heap, 0, `heap grew by ${after.heap - base.heap} bytes over 20 sessions`);
  assert.equal(M.heapStats().sessions, 0);
});
