// The worker's logic (wasm/driver.mjs, PROTOCOL.md §3) driven without a Worker: the same
// Driver class worker.mjs uses, fed page messages and collecting what it posts, on the real
// module and with the real MessageChannel slice loop.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGradlab, wasmDir } from './helpers.mjs';

const { Driver, SLICE_TARGET_MS, FIRST_BUDGET, parseEvent } = await import(
  pathToFileURL(path.join(wasmDir, 'driver.mjs')).href
);

let M;
before(async () => {
  M = await loadGradlab();
});

/** A Driver plus the messages it posted, and a way to wait for one. */
class Harness {
  constructor(module = M) {
    this.msgs = [];
    this.waiters = [];
    this.driver = new Driver({
      module,
      post: (m) => {
        m.at = performance.now();
        this.msgs.push(m);
        for (const w of this.waiters.slice()) w();
      },
    });
  }

  send(msg) {
    this.driver.handle(msg);
  }

  /** Resolves with the first message (from index `from`) matching `pred`; rejects after `ms`. */
  waitFor(pred, { from = 0, ms = 10_000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.msgs.slice(from).find(pred);
        if (!m) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(
            `timed out; messages: ${JSON.stringify(this.msgs.map(({ type, state, runId }) => ({ type, state, runId })))}`,
          ),
        );
      }, ms);
      if (!check()) this.waiters.push(check);
    });
  }

  ended(runId) {
    return this.waitFor(
      (m) => m.type === 'state' && m.runId === runId && ['done', 'error', 'stopped'].includes(m.state),
    );
  }

  text(runId) {
    return this.msgs
      .filter((m) => m.type === 'events' && m.runId === runId)
      .flatMap((m) => m.events)
      .filter((e) => e.kind === 'text')
      .map((e) => e.text)
      .join('');
  }

  states(runId) {
    return this.msgs.filter((m) => m.type === 'state' && m.runId === runId).map((m) => m.state);
  }

  dispose() {
    this.driver.dispose();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('ready first; a run posts running, its events, done with elapsedMs, then variables', async () => {
  const h = new Harness();
  try {
    assert.deepEqual(
      h.msgs.map((m) => m.type),
      ['ready'],
    );
    h.send({
      type: 'run',
      runId: 1,
      cellName: 'c1',
      code: 'import torch\nw = torch.ones(2)\nfor i in range(3):\n    print(i)\n',
    });
    const end = await h.ended(1);
    assert.equal(end.state, 'done');
    assert.equal(end.line, 0);
    assert.ok(end.elapsedMs >= 0 && end.elapsedMs < 5000);
    assert.equal(end.error, undefined);
    assert.deepEqual(h.states(1), ['running', 'done']);
    assert.equal(h.text(1), '0\n1\n2\n');
    const vars = await h.waitFor((m) => m.type === 'variables');
    assert.deepEqual(
      vars.vars.map((v) => v.name),
      ['i', 'w'],
    );
    assert.ok(h.msgs.indexOf(vars) > h.msgs.indexOf(end));
  } finally {
    h.dispose();
  }
});

test('an error ends the run with the record, and cancels the runs queued behind it', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'x = 1\nprint(x)\nundefined_name\n' });
    h.send({ type: 'run', runId: 2, cellName: '', code: 'print("queued")' });
    const end = await h.ended(1);
    assert.equal(end.state, 'error');
    assert.equal(end.error.type, 'NameError');
    assert.equal(end.error.line, 3);
    const cancelled = await h.ended(2);
    assert.equal(cancelled.state, 'stopped');
    assert.equal(cancelled.elapsedMs, 0);
    assert.equal(h.text(2), '');
    // The session still works, and globals survived.
    h.send({ type: 'run', runId: 3, cellName: '', code: 'print(x + 1)' });
    assert.equal((await h.ended(3)).state, 'done');
    assert.equal(h.text(3), '2\n');
  } finally {
    h.dispose();
  }
});

test('runs queue in order while one is running', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 'a', cellName: '', code: 'n = 0\nfor i in range(200000):\n    n += i\nprint(n)' });
    h.send({ type: 'run', runId: 'b', cellName: '', code: 'print(n * 2)' });
    await h.ended('b');
    assert.equal(h.text('a'), '19999900000\n');
    assert.equal(h.text('b'), '39999800000\n');
    const order = h.msgs.filter((m) => m.type === 'state').map((m) => `${m.runId}:${m.state}`);
    assert.deepEqual(order, ['a:running', 'a:done', 'b:running', 'b:done']);
  } finally {
    h.dispose();
  }
});

test('slices yield to the event loop between them', async () => {
  const h = new Harness();
  let slices = 0;
  const session = h.driver.session;
  const resume = session.resume.bind(session);
  session.resume = (budget) => {
    slices++;
    return resume(budget);
  };
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'i = 0\nwhile True:\n    i += 1\n' });
    let timers = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      await sleep(0); // a timer only fires if the slice loop yields
      timers++;
    }
    h.send({ type: 'stop' });
    assert.equal((await h.ended(1)).state, 'stopped');
    assert.ok(slices >= 5, `${slices} slices`);
    assert.ok(timers >= slices / 2, `${timers} timer callbacks for ${slices} slices`);
  } finally {
    h.dispose();
  }
});

test('the budget adapts so that a slice takes about SLICE_TARGET_MS (simulated clock)', async () => {
  let clock = 0;
  let nsPerInstruction = 10;
  const msgs = [];
  const driver = new Driver({ module: M, post: (m) => msgs.push(m), now: () => clock });
  const session = driver.session;
  const resume = session.resume.bind(session);
  const slices = [];
  session.resume = (budget) => {
    const r = resume(budget);
    clock += (budget * nsPerInstruction) / 1e6;
    slices.push((budget * nsPerInstruction) / 1e6);
    return r;
  };
  try {
    driver.handle({ type: 'run', runId: 1, cellName: '', code: 'while True:\n    pass\n' });
    while (slices.length < 12) await sleep(1);
    // 20k instructions at 10 ns = 0.2 ms: the budget grows (at most 4x per slice) to 8 ms worth.
    assert.equal(slices[0], (FIRST_BUDGET * 10) / 1e6);
    assert.ok(Math.abs(slices.at(-1) - SLICE_TARGET_MS) < 0.5, `slices ${slices.map((d) => d.toFixed(2))}`);
    assert.ok(
      slices.slice(6).every((d) => Math.abs(d - SLICE_TARGET_MS) < 0.5),
      `slices ${slices.map((d) => d.toFixed(2))}`,
    );
    // Instructions get 100x dearer (big tensor ops): slices shrink back within a few slices.
    nsPerInstruction = 1000;
    const from = slices.length;
    while (slices.length < from + 8) await sleep(1);
    const after = slices.slice(from);
    assert.ok(after[0] > 100, 'the first dear slice overshoots');
    assert.ok(
      after.slice(4).every((d) => Math.abs(d - SLICE_TARGET_MS) < 0.5),
      `slices ${after.map((d) => d.toFixed(2))}`,
    );
    driver.handle({ type: 'stop' });
    assert.equal(msgs.at(-2).state, 'stopped');
  } finally {
    driver.dispose();
  }
});

test('stop ends `while True: pass` within 200 ms: KeyboardInterrupt, state stopped, globals kept', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'kept = 42\nwhile True:\n    pass\n' });
    await h.waitFor((m) => m.type === 'state' && m.state === 'running');
    await sleep(150);
    // The stop message arrives through the event loop, as a page's would: it waits for the
    // slice that is running to yield, which counts towards the 200 ms.
    const sent = performance.now();
    setTimeout(() => h.send({ type: 'stop' }), 0);
    const end = await h.ended(1);
    assert.equal(end.state, 'stopped');
    assert.ok(end.at - sent < 200, `answered after ${(end.at - sent).toFixed(1)} ms`);
    assert.equal(end.error.type, 'KeyboardInterrupt');
    assert.ok(end.elapsedMs >= 150);
    h.send({ type: 'run', runId: 2, cellName: '', code: 'print(kept)' });
    await h.ended(2);
    assert.equal(h.text(2), '42\n');
  } finally {
    h.dispose();
  }
});

test('pause, step line by line, resume: same output, paused time not counted', async () => {
  const code = 'total = 0\nfor i in range(3):\n    total += i\n    print(i)\nprint("total", total)\n';
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code });
    h.send({ type: 'pause' });
    const paused = await h.waitFor((m) => m.type === 'state' && m.state === 'paused');
    assert.equal(paused.line, 1);
    const lines = [];
    for (let k = 0; k < 4; k++) {
      const from = h.msgs.length;
      h.send({ type: 'step' });
      const p = await h.waitFor((m) => m.type === 'state' && m.state === 'paused', { from });
      lines.push(p.line);
    }
    assert.deepEqual(lines, [2, 3, 4, 2]);
    assert.equal(h.text(1), '0\n');
    await sleep(300);
    h.send({ type: 'resume' });
    const end = await h.ended(1);
    assert.equal(end.state, 'done');
    assert.equal(h.text(1), '0\n1\n2\ntotal 3\n');
    assert.ok(end.elapsedMs < 250, `elapsedMs ${end.elapsedMs} counts the 300 ms pause`);
    assert.deepEqual(h.states(1), ['running', 'paused', 'paused', 'paused', 'paused', 'paused', 'running', 'done']);
  } finally {
    h.dispose();
  }
});

test('step on a running cell pauses it on the next line; stop while paused', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'i = 0\nwhile True:\n    i += 1\n    j = i\n' });
    await sleep(50);
    h.send({ type: 'step' });
    const p = await h.waitFor((m) => m.type === 'state' && m.state === 'paused');
    assert.ok([2, 3, 4].includes(p.line), `paused at ${p.line}`);
    h.send({ type: 'stop' });
    const end = await h.ended(1);
    assert.equal(end.state, 'stopped');
    assert.equal(end.error.type, 'KeyboardInterrupt');
  } finally {
    h.dispose();
  }
});

test('setInput reaches a running loop through the worker', async () => {
  const h = new Harness();
  try {
    h.send({
      type: 'run',
      runId: 1,
      cellName: '',
      code: 'lr = slider("lr", 0.1, 0.0, 1.0)\nwhile lr < 0.5:\n    pass\nprint("lr is now", lr)',
    });
    const input = await h.waitFor((m) => m.type === 'events' && m.events.some((e) => e.kind === 'input'));
    const ev = input.events.find((e) => e.kind === 'input');
    assert.equal(ev.data.name, 'lr', 'the driver parsed the JSON');
    await sleep(50);
    assert.deepEqual(h.states(1), ['running']);
    h.send({ type: 'setInput', name: 'lr', value: 0.75 });
    assert.equal((await h.ended(1)).state, 'done');
    assert.equal(h.text(1), 'lr is now 0.75\n');
  } finally {
    h.dispose();
  }
});

test('reset while running ends the run as stopped, drops the queue and clears globals', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'a = 1\nwhile True:\n    pass' });
    h.send({ type: 'run', runId: 2, cellName: '', code: 'print("never")' });
    await sleep(30);
    const from = h.msgs.length;
    h.send({ type: 'reset' });
    assert.equal((await h.ended(1)).state, 'stopped');
    assert.equal((await h.ended(2)).state, 'stopped');
    const vars = await h.waitFor((m) => m.type === 'variables', { from });
    assert.deepEqual(vars.vars, []);
    h.send({ type: 'run', runId: 3, cellName: '', code: 'print(a)' });
    const end = await h.ended(3);
    assert.equal(end.error.type, 'NameError');
    assert.equal(h.text(2), '');
  } finally {
    h.dispose();
  }
});

test('variables on request', async () => {
  const h = new Harness();
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'import torch\nt = torch.zeros(4, 5)' });
    await h.ended(1);
    const from = h.msgs.length;
    h.send({ type: 'variables' });
    const vars = await h.waitFor((m) => m.type === 'variables', { from });
    assert.deepEqual(
      vars.vars.map((v) => [v.name, v.shape, v.dtype]),
      [['t', [4, 5], 'torch.float32']],
    );
  } finally {
    h.dispose();
  }
});

test('a module that throws (an abort) is reported once as fatal, then the driver is inert', async () => {
  let calls = 0;
  const broken = {
    GradlabSession: class {
      runCell() {
        calls++;
        throw new WebAssembly.RuntimeError('unreachable');
      }
      variables() {
        return [];
      }
      delete() {}
    },
  };
  const h = new Harness(broken);
  try {
    h.send({ type: 'run', runId: 1, cellName: '', code: 'x' });
    h.send({ type: 'run', runId: 2, cellName: '', code: 'x' });
    h.send({ type: 'variables' });
    await sleep(20);
    assert.deepEqual(
      h.msgs.map((m) => m.type),
      ['ready', 'fatal'],
    );
    assert.equal(h.msgs[1].message, 'RuntimeError: unreachable');
    assert.equal(calls, 1);
  } finally {
    h.dispose();
  }
});

test('parseEvent: JSON data becomes an object; malformed JSON becomes visible text', () => {
  assert.deepEqual(parseEvent({ kind: 'text', text: 'a' }), { kind: 'text', text: 'a' });
  assert.deepEqual(parseEvent({ kind: 'plot', data: '{"id":"loss","op":"append","x":1,"y":null}' }), {
    kind: 'plot',
    data: { id: 'loss', op: 'append', x: 1, y: null },
  });
  const bad = parseEvent({ kind: 'plot', data: '{' });
  assert.equal(bad.kind, 'text');
  assert.match(bad.text, /malformed JSON/);
});
