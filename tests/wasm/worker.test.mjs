// The real build/wasm/wasm/worker.mjs in a Node worker thread: a few lines of shim make the
// thread look like a module Web Worker (`self`, `self.onmessage`, `self.postMessage`), then the
// test talks to it only through messages, as the page does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { wasmDir } from './helpers.mjs';

// Runs inside the thread: makes it look like a module Web Worker to the Emscripten glue and
// to worker.mjs. `importScripts` and `self.location` make the glue take its worker path, and
// fetch() serves file: URLs from disk (Node's fetch has no file: scheme), so the module is
// fetched and compiled with instantiateStreaming as in a browser.
const SHIM = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
globalThis.self = globalThis;
self.location = { href: workerData.url };
self.importScripts = () => {
  throw new Error('importScripts is not available in a module worker');
};
const netFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  const u = String(url);
  if (!u.startsWith('file:')) return netFetch(url, init);
  const type = u.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  return new Response(readFileSync(fileURLToPath(u)), { headers: { 'Content-Type': type } });
};
globalThis.postMessage = (m) => parentPort.postMessage(m);
// As in a browser, messages wait until the worker script's top level has run, then go to
// whatever onmessage it assigned (nothing, if it only does so after an await).
let loaded = false;
const waiting = [];
const deliver = (data) => self.onmessage && self.onmessage({ data });
parentPort.on('message', (data) => (loaded ? deliver(data) : waiting.push(data)));
import(workerData.url).then(() => {
  loaded = true;
  parentPort.postMessage({ type: 'shim', listening: typeof self.onmessage === 'function' });
  for (const data of waiting.splice(0)) deliver(data);
});
`;

function startWorker() {
  const w = new Worker(SHIM, {
    eval: true,
    workerData: { url: pathToFileURL(path.join(wasmDir, 'worker.mjs')).href },
    execArgv: [],
  });
  const msgs = [];
  const waiters = new Set();
  w.on('message', (m) => {
    m.at = performance.now();
    msgs.push(m);
    for (const f of [...waiters]) f();
  });
  const waitFor = (pred, ms = 15_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = msgs.find(pred);
        if (m) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; got ${JSON.stringify(msgs.map((m) => m.type + (m.state ? ':' + m.state : '')))}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { w, msgs, waitFor };
}

test('worker.mjs: listens at once, answers ready, runs a queued-early cell, stops a busy loop fast', async () => {
  const { w, msgs, waitFor } = startWorker();
  try {
    // Sent before the module has loaded: must not be lost.
    w.postMessage({ type: 'run', runId: 1, cellName: '', code: 'import torch\nprint(torch.arange(3) * 2)' });
    const shim = await waitFor((m) => m.type === 'shim');
    assert.equal(shim.listening, true);
    await waitFor((m) => m.type === 'ready');
    const done = await waitFor((m) => m.type === 'state' && m.runId === 1 && m.state === 'done');
    assert.ok(msgs.indexOf(done) > msgs.findIndex((m) => m.type === 'ready'));
    const text = msgs
      .filter((m) => m.type === 'events' && m.runId === 1)
      .flatMap((m) => m.events)
      .map((e) => e.text)
      .join('');
    assert.equal(text, 'tensor([0, 2, 4])\n');

    w.postMessage({ type: 'run', runId: 2, cellName: '', code: 'while True:\n    pass\n' });
    await waitFor((m) => m.type === 'state' && m.runId === 2 && m.state === 'running');
    await new Promise((r) => setTimeout(r, 200));
    const sent = performance.now();
    w.postMessage({ type: 'stop' });
    const stopped = await waitFor((m) => m.type === 'state' && m.runId === 2 && m.state !== 'running');
    assert.equal(stopped.state, 'stopped');
    assert.ok(stopped.at - sent < 200, `stop answered after ${(stopped.at - sent).toFixed(1)} ms`);
  } finally {
    await w.terminate();
  }
});
