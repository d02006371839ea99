// The worker's warm-up (wasm/warmup.mjs, the `warmup` message of PROTOCOL.md §3): its program
// runs, in a session of its own, only while no cell runs, posts nothing, changes nothing the
// student can see, gives way to a run at once, stops at its time limit and frees its session.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGradlab, wasmDir, output } from './helpers.mjs';

const { Driver, WARMUP_MAX_MS } = await import(pathToFileURL(path.join(wasmDir, 'driver.mjs')).href);
const { WARMUP_CODE } = await import(pathToFileURL(path.join(wasmDir, 'warmup.mjs')).href);

let M;
before(async () => {
  M = await loadGradlab();
});

/** A Driver and what it posted; `until` polls a condition on the event loop. */
function harness(options = {}) {
  const msgs = [];
  const driver = new Driver({ module: M, post: (m) => msgs.push(m), ...options });
  const until = async (cond, what, ms = 60_000) => {
    const end = performance.now() + ms;
    while (!cond()) {
      if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setImmediate(r));
    }
  };
  const text = (runId) =>
    msgs
      .filter((m) => m.type === 'events' && m.runId === runId)
      .flatMap((m) => m.events)
      .filter((e) => e.kind === 'text')
      .map((e) => e.text)
      .join('');
  const ended = (runId) =>
    msgs.some((m) => m.type === 'state' && m.runId === runId && ['done', 'error', 'stopped'].includes(m.state));
  return { driver, msgs, until, text, ended };
}

const live = () => M.getInheritedInstanceCount();

// What a student's first cell prints: the default random generator, and what exists.
const PROBE = 'import torch\nr = torch.rand(3)\nprint(r)\n';

test('the warm-up program is valid course code: it runs to the end in a session', () => {
  const s = new M.GradlabSession();
  try {
    const text = output(s, WARMUP_CODE);
    assert.match(text, /torch\.Size\(\[3, 2\]\) torch\.float32 1\.4142135623730951 \[/);
  } finally {
    s.delete();
  }
});

test('the warm-up posts nothing, ends by itself, frees its session and leaves the student session as new', async () => {
  const base = live();
  const plain = harness();
  const warm = harness();
  try {
    const sessions = live();
    warm.driver.handle({ type: 'warmup' });
    await warm.until(() => warm.driver.warm.done, 'the warm-up to end');
    assert.deepEqual(
      warm.msgs.map((m) => m.type),
      ['ready'],
      'the warm-up posted something',
    );
    assert.equal(live(), sessions, 'the warm-up session was not deleted');
    for (const h of [plain, warm]) {
      h.driver.handle({ type: 'run', runId: 1, cellName: 'c', code: PROBE });
      await h.until(() => h.ended(1), 'the probe cell');
    }
    assert.equal(warm.text(1), plain.text(1));
    assert.match(warm.text(1), /^tensor\(\[.*\]\)\n$/);
    for (const h of [plain, warm]) h.driver.handle({ type: 'variables' });
    const names = (h) =>
      h.msgs
        .filter((m) => m.type === 'variables')
        .at(-1)
        .vars.map((v) => v.name);
    assert.deepEqual(names(warm), names(plain));
    assert.deepEqual(names(warm), ['r']);
  } finally {
    plain.driver.dispose();
    warm.driver.dispose();
  }
  assert.equal(live(), base);
});

test('a run sent during the warm-up goes first; the warm-up goes on after it', async () => {
  const h = harness();
  try {
    h.driver.handle({ type: 'warmup' });
    await h.until(() => h.driver.warm.session !== null, 'the warm-up to start');
    h.driver.handle({ type: 'run', runId: 7, cellName: 'c', code: 'x = 6 * 7\nprint(x)\n' });
    // The run starts on the spot, in the student's session, before any further warm-up slice.
    assert.equal(h.driver.current?.runId, 7);
    await h.until(() => h.ended(7), 'the run');
    assert.equal(h.text(7), '42\n');
    assert.equal(h.msgs.find((m) => m.type === 'state' && m.runId === 7 && m.state !== 'running').state, 'done');
    await h.until(() => h.driver.warm.done, 'the warm-up to end after the run');
    assert.equal(h.driver.warm.session, null);
    h.driver.handle({ type: 'variables' });
    const vars = h.msgs.filter((m) => m.type === 'variables').at(-1);
    assert.deepEqual(
      vars.vars.map((v) => v.name),
      ['x'],
    );
  } finally {
    h.driver.dispose();
  }
});

test('the warm-up stops after WARMUP_MAX_MS of its own run time (simulated clock)', async () => {
  let t = 0;
  // Every reading of the clock moves it 50 ms on: each warm-up slice "takes" 50 ms. The program
  // would never end by itself.
  const h = harness({ now: () => (t += 50), warmupCode: 'n = 0\nwhile True:\n    n += 1\n' });
  const base = live();
  try {
    h.driver.handle({ type: 'warmup' });
    await h.until(() => h.driver.warm.done, 'the warm-up to stop');
    assert.ok(h.driver.warm.spentMs >= WARMUP_MAX_MS, `spent ${h.driver.warm.spentMs} ms`);
    assert.ok(h.driver.warm.spentMs < WARMUP_MAX_MS + 100, `spent ${h.driver.warm.spentMs} ms`);
    assert.equal(live(), base, 'the warm-up session was not deleted');
    // A second warmup message does not start it again.
    h.driver.handle({ type: 'warmup' });
    assert.equal(h.driver.warm.done, true);
  } finally {
    h.driver.dispose();
  }
});
