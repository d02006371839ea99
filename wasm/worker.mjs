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
  if (driver) driver.handle(e.data);
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
