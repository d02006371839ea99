// Runs one gradlab program in Node through the browser build (build/wasm/wasm/gradlab.mjs), the
// way the page's worker does: one GradlabSession, runCell(code, name), then resume(budget)
// until the status is no longer "suspended". Prints the program's text output; on an error,
// prints the traceback to stderr and exits 1. Used by bench/run for the gradlab-node runner.
// --data-dir DIR adds every file of DIR to the session's in-memory files, as the page's "Add data
// file" does, named by its path DIR/NAME: a program opens them by the paths it would use on disk
// (bench/run's W3 opens "<abs path>/bench/data/mf100k/ratings.tsv"). open() reads nothing else.
// usage: node bench/node_run.mjs FILE.py [--wasm-dir DIR] [--budget N] [--data-dir DIR]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let file = null;
let wasmDir = path.join(here, '..', 'build', 'wasm', 'wasm');
let budget = 1_000_000;  // instructions per slice (the worker adapts its budget to ~8 ms slices)
const dataDirs = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--wasm-dir') wasmDir = args[++i];
  else if (args[i] === '--budget') budget = Number(args[++i]);
  else if (args[i] === '--data-dir') dataDirs.push(args[++i]);
  else file = args[i];
}
if (!file) {
  console.error('usage: node bench/node_run.mjs FILE.py [--wasm-dir DIR] [--budget N] [--data-dir DIR]');
  process.exit(2);
}
const mjs = path.join(wasmDir, 'gradlab.mjs');
if (!existsSync(mjs)) {
  console.error(`${mjs} is missing: build the wasm preset first`);
  process.exit(2);
}
const { default: createGradlab } = await import(pathToFileURL(mjs).href);
const module = await createGradlab({ wasmBinary: readFileSync(path.join(wasmDir, 'gradlab.wasm')) });
const session = new module.GradlabSession();
for (const dir of dataDirs) {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (!statSync(full).isFile()) continue;
    const err = session.addFile(full, readFileSync(full));
    if (err) {
      console.error(`${full}: ${err.type}: ${err.message}`);
      process.exit(2);
    }
  }
}
const flush = (r) => {
  for (const e of r.events) if (e.kind === 'text') process.stdout.write(e.text);
};
let r = session.runCell(readFileSync(file, 'utf8'), path.basename(file));
flush(r);
while (r.status === 'suspended') {
  r = session.resume(budget);
  flush(r);
}
const ok = r.status === 'done';
if (!ok) console.error(r.error ? r.error.traceback : `cell ended ${r.status}`);
session.delete();
process.exit(ok ? 0 : 1);
