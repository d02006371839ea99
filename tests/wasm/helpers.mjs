// Shared by the tests/wasm/*.test.mjs files (not a test itself): loads the built module the
// way a test must in Node 20 (with {wasmBinary}, TOOLCHAIN.md §a) and runs cells to their end.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

/** build/wasm/wasm (or $GRADLAB_WASM_DIR, which ctest sets): gradlab.mjs/.wasm, worker.mjs. */
export const wasmDir = process.env.GRADLAB_WASM_DIR || path.join(repoRoot, 'build', 'wasm', 'wasm');

/** Loads a fresh instance of the module (each has its own heap). */
export async function loadGradlab(extra = {}) {
  const mjs = path.join(wasmDir, 'gradlab.mjs');
  if (!existsSync(mjs)) throw new Error(`${mjs} is missing: build the wasm preset first`);
  const { default: createGradlab } = await import(pathToFileURL(mjs).href);
  return createGradlab({ wasmBinary: readFileSync(path.join(wasmDir, 'gradlab.wasm')), ...extra });
}

/**
 * Starts `code` and resumes it with `budget` instructions per slice until it ends.
 * @returns {{status: string, text: string, error: object|null, events: object[], slices: number}}
 */
export function runCell(session, code, { budget = 1e6, cellName = '', maxSlices = 1e6 } = {}) {
  const events = [];
  let r = session.runCell(code, cellName);
  events.push(...r.events);
  let slices = 0;
  while (r.status === 'suspended') {
    if (++slices > maxSlices) throw new Error(`still running after ${maxSlices} slices`);
    r = session.resume(budget);
    events.push(...r.events);
  }
  const text = events
    .filter((e) => e.kind === 'text')
    .map((e) => e.text)
    .join('');
  return { status: r.status, text, error: r.error, events, slices };
}

/** The text a cell prints; fails the test (with the traceback) if the cell does not end well. */
export function output(session, code, options) {
  const r = runCell(session, code, options);
  if (r.status !== 'done') throw new Error(`cell ended ${r.status}:\n${r.error ? r.error.traceback : ''}`);
  return r.text;
}
