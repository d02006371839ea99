// The module Web Worker that hosts one gradlab session (PROTOCOL.md §3). The logic lives in
// driver.mjs; this file only connects it to the worker's message port. onmessage is assigned
// before the module loads, so messages sent early are queued, not lost.
import createGradlab from './gradlab.mjs';
import { Driver } from './driver.mjs';

/** @type {Driver|null} */
let driver = null;
let failed = false;
const early = [];
const post = (msg) => self.postMessage(msg);

function fail(what) {
  if (driver) {
    driver.fatal(what);
  } else if (!failed) {
    failed = true;
    post({ type: 'fatal', message: what instanceof Error ? `${what.name}: ${what.message}` : String(what) });
  }
}

self.onmessage = (e) => {
  if (e.data?.type === 'debug-trap') trapForTest();
  else if (driver) driver.handle(e.data);
  else if (!failed) early.push(e.data);
};

createGradlab({ onAbort: (what) => fail(`the module aborted: ${what}`) }).then(
  (module) => {
    if (failed) return;
    driver = new Driver({ module, post });
    for (const msg of early.splice(0)) driver.handle(msg);
  },
  (err) => fail(err),
);

/**
 * Test-only (PROTOCOL.md §3 `debug-trap`): a genuine trap inside the module, as a bug in the
 * core would raise one: `free` of an address beyond linear memory ends in "RuntimeError: memory
 * access out of bounds", and the worker reports it as any abort (`fatal`). Nothing on the page
 * posts this message and the language cannot post messages at all; the browser test sends it
 * from the worker's own scope.
 */
function trapForTest() {
  if (!driver) return;
  try {
    driver.module._free(0xfffffff0); // beyond any wasm32 memory (at most 2 GB here)
  } catch (err) {
    fail(err);
    return;
  }
  fail('debug-trap did not trap');
}
