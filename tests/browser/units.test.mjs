// The page's DOM-free modules under Node: the runtime client against a scripted worker (run
// queue, Stop watchdog, respawn on fatal) and persistence (.py, .ipynb, share links, state).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Runtime, STOP_TIMEOUT_MS } from '../../web/src/runtime.js';
import {
  exportPy,
  importPy,
  importIpynb,
  shareLink,
  readShareLink,
  toBase64Url,
  fromBase64Url,
} from '../../web/src/persistence.js';
import { initialState, merge, pick } from '../../web/src/state.js';

/** A stand-in for the module worker: records what the page posts, replies when told to. */
class ScriptedWorker {
  static all = [];
  constructor(url, opts) {
    this.url = url;
    this.opts = opts;
    this.posted = [];
    this.terminated = false;
    ScriptedWorker.all.push(this);
  }
  postMessage(msg) {
    this.posted.push(msg);
  }
  terminate() {
    this.terminated = true;
  }
  /** The worker says something to the page. */
  say(data) {
    this.onmessage?.({ data });
  }
}

function setup() {
  ScriptedWorker.all = [];
  globalThis.Worker = ScriptedWorker;
  const log = [];
  const rt = new Runtime('worker.mjs', {
    onStart: (run) => {
      run.cellName = `<cell ${run.runId}>`;
      log.push(['start', run.runId]);
    },
    onEvents: (runId, events) => log.push(['events', runId, events]),
    onState: (runId, info) => log.push(['state', runId, info.state]),
    onReset: (reason) => log.push(['reset', reason]),
  });
  const worker = () => ScriptedWorker.all.at(-1);
  return { rt, log, worker };
}

const runs = (w) => w.posted.filter((m) => m.type === 'run');

test('runs wait for the worker, go one at a time, and an error cancels the rest', () => {
  const { rt, log, worker } = setup();
  assert.equal(worker().opts.type, 'module');
  rt.run({ runId: 1, cellName: '', code: 'a = 1' });
  rt.run({ runId: 2, cellName: '', code: 'b = 2' });
  rt.run({ runId: 3, cellName: '', code: 'c = 3' });
  assert.equal(runs(worker()).length, 0, 'nothing is posted before ready');
  worker().say({ type: 'ready' });
  assert.deepEqual(runs(worker()), [{ type: 'run', runId: 1, cellName: '<cell 1>', code: 'a = 1' }]);
  worker().say({ type: 'events', runId: 1, events: [{ kind: 'plot', data: '{"id":"x","op":"append","y":1}' }] });
  assert.deepEqual(log.find((e) => e[0] === 'events')[2], [{ kind: 'plot', data: { id: 'x', op: 'append', y: 1 } }]);
  worker().say({ type: 'state', runId: 1, state: 'done', line: 0, elapsedMs: 3 });
  assert.equal(runs(worker()).length, 2);
  worker().say({ type: 'state', runId: 2, state: 'error', line: 0, elapsedMs: 3, error: { type: 'NameError' } });
  assert.equal(runs(worker()).length, 2, 'run 3 never reaches the worker');
  assert.deepEqual(
    log.filter((e) => e[0] === 'state'),
    [
      ['state', 1, 'done'],
      ['state', 2, 'error'],
      ['state', 3, 'cancelled'],
    ],
  );
  assert.equal(rt.busy, false);
});

test('a Stop answered in time keeps the worker', async () => {
  const { rt, log, worker } = setup();
  worker().say({ type: 'ready' });
  rt.run({ runId: 1, cellName: '', code: 'while True: pass' });
  rt.stop();
  assert.equal(worker().posted.at(-1).type, 'stop');
  worker().say({ type: 'state', runId: 1, state: 'stopped', line: 0, elapsedMs: 9 });
  await new Promise((ok) => setTimeout(ok, STOP_TIMEOUT_MS + 50));
  assert.equal(ScriptedWorker.all.length, 1);
  assert.equal(worker().terminated, false);
  assert.deepEqual(log.at(-1), ['state', 1, 'stopped']);
});

test('a Stop not answered within 200 ms terminates and respawns the worker', async () => {
  const { rt, log, worker } = setup();
  const first = worker();
  first.say({ type: 'ready' });
  rt.run({ runId: 1, cellName: '', code: 'a @ a' });
  rt.run({ runId: 2, cellName: '', code: 'print(1)' });
  rt.stop();
  await new Promise((ok) => setTimeout(ok, STOP_TIMEOUT_MS - 50));
  assert.equal(first.terminated, false, 'not before the timeout');
  await new Promise((ok) => setTimeout(ok, 200));
  assert.equal(first.terminated, true, 'terminated once the timeout passed');
  assert.equal(ScriptedWorker.all.length, 2, 'a fresh worker');
  assert.deepEqual(
    log.filter((e) => e[0] !== 'start'),
    [
      ['state', 2, 'cancelled'],
      ['state', 1, 'stopped'],
      ['reset', 'stop-timeout'],
    ],
  );
  // A late answer from the old worker is ignored; the new one runs the next cell.
  first.say({ type: 'state', runId: 1, state: 'stopped', line: 0, elapsedMs: 1 });
  worker().say({ type: 'ready' });
  rt.run({ runId: 3, cellName: '', code: 'print(2)' });
  assert.equal(runs(worker())[0].runId, 3);
});

test('a fatal worker is replaced and the running cell ends', () => {
  const { rt, log, worker } = setup();
  const first = worker();
  first.say({ type: 'ready' });
  rt.run({ runId: 1, cellName: '', code: 'x' });
  first.say({ type: 'fatal', message: 'the module aborted: OOM' });
  assert.equal(first.terminated, true);
  assert.equal(ScriptedWorker.all.length, 2);
  assert.deepEqual(log.slice(-2), [
    ['state', 1, 'error'],
    ['reset', 'fatal'],
  ]);
  assert.equal(rt.busy, false);
});

test('.py export imports back to the same cells', () => {
  const cells = [
    { kind: 'markdown', source: '# Title\n\nSome text.' },
    { kind: 'code', source: 'import torch\n\n\ndef f(x):\n    return x\n\n# a comment' },
    { kind: 'code', source: 'print(f(1))' },
  ];
  const py = exportPy(cells);
  assert.equal(py.split('\n')[0], '# %% [markdown]');
  assert.deepEqual(importPy(py), cells);
  assert.deepEqual(importPy('x = 1\nprint(x)\n'), [{ kind: 'code', source: 'x = 1\nprint(x)' }]);
  assert.deepEqual(importPy('# %% setup\na = 1\r\n# %%\r\nb = 2\r\n'), [
    { kind: 'code', source: 'a = 1' },
    { kind: 'code', source: 'b = 2' },
  ]);
});

test('.ipynb import takes code and markdown cells (v4 and v3)', () => {
  const v4 = {
    cells: [
      { cell_type: 'markdown', source: ['# A\n', 'b'] },
      { cell_type: 'code', source: 'x = 1\n' },
    ],
  };
  assert.deepEqual(importIpynb(JSON.stringify(v4)), [
    { kind: 'markdown', source: '# A\nb' },
    { kind: 'code', source: 'x = 1' },
  ]);
  const v3 = { worksheets: [{ cells: [{ cell_type: 'code', input: ['y = 2'] }] }] };
  assert.deepEqual(importIpynb(JSON.stringify(v3)), [{ kind: 'code', source: 'y = 2' }]);
  assert.throws(() => importIpynb('{"a": 1}'), /not a Jupyter notebook/);
});

test('share links carry the cells (and only what is shared)', async () => {
  const state = {
    ...initialState(),
    cells: [{ kind: 'code', source: 'print("ünï")\n' + 'x'.repeat(5000) }],
    showVariables: false,
  };
  const link = await shareLink(state, 'http://127.0.0.1:8000/index.html#old');
  assert.match(link, /^http:\/\/127\.0\.0\.1:8000\/index\.html#nb=[\w-]+$/);
  assert.ok(link.length < 400, `compressed: ${link.length} chars`);
  const back = await readShareLink(new URL(link).hash, initialState());
  assert.deepEqual(back.cells, state.cells);
  assert.equal(back.showVariables, true, 'not carried by links');
  assert.equal(await readShareLink('#other', initialState()), null);
  await assert.rejects(readShareLink('#nb=AAAA', initialState()));
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
  assert.deepEqual(fromBase64Url(toBase64Url(bytes)), bytes);
});

test('the state table checks what it reads back', () => {
  const base = initialState();
  assert.deepEqual(pick(base, 'shared'), { cells: base.cells });
  const got = merge({ cells: [{ kind: 'weird', source: 'a' }, { nope: 1 }], showVariables: 'yes' }, 'saved', base);
  assert.deepEqual(got.cells, [{ kind: 'code', source: 'a' }]);
  assert.equal(got.showVariables, base.showVariables);
  assert.deepEqual(merge({ cells: [] }, 'shared', base).cells, base.cells);
});
