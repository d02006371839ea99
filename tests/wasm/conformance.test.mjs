// The product promise in the browser build: every conformance case prints exactly what PyTorch
// 1.13 prints (../shared/conformance/cases/*.out, compared byte for byte), and every language
// program in tests/lang prints its .out. Cases listed in tests/conformance/known_gaps.txt are
// the native runner's known gaps and are expected to differ here too; any other difference fails.
// Sessions run as on the page, echoing a cell's last expression; no case ends with one whose
// value is not None, so a whole program run as one cell prints what the script prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { loadGradlab, repoRoot, runCell } from './helpers.mjs';

const conformanceDir =
  process.env.GRADLAB_CONFORMANCE_CASES || path.join(repoRoot, '..', 'shared', 'conformance', 'cases');
const langDir = path.join(repoRoot, 'tests', 'lang');
const gapsFile = process.env.GRADLAB_CONFORMANCE_GAPS || path.join(repoRoot, 'tests', 'conformance', 'known_gaps.txt');

function knownGaps() {
  if (!existsSync(gapsFile)) return new Set();
  const names = readFileSync(gapsFile, 'utf8')
    .split('\n')
    .map((l) => l.split('#')[0].trim())
    .filter(Boolean);
  return new Set(names);
}

function lastNonEmptyLine(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  return lines.length ? lines[lines.length - 1] : '';
}

/**
 * Runs one case in a fresh session with the CLI's cell name (the script's path) and slices of
 * 100k instructions (the CLI's), and returns what differs from the expected files, or ''.
 */
function checkCase(M, dir, name) {
  const code = readFileSync(path.join(dir, `${name}.py`), 'utf8');
  const expected = readFileSync(path.join(dir, `${name}.out`), 'utf8');
  const errPath = path.join(dir, `${name}.err`);
  const expectedErr = existsSync(errPath) ? readFileSync(errPath, 'utf8').trim() : null;
  const session = new M.GradlabSession();
  try {
    const r = runCell(session, code, { budget: 100_000, cellName: `${name}.py` });
    const problems = [];
    if (r.text !== expected) {
      const a = r.text.split('\n');
      const e = expected.split('\n');
      let i = 0;
      while (i < a.length && i < e.length && a[i] === e[i]) i++;
      problems.push(
        `stdout differs at line ${i + 1}:\n  expected ${JSON.stringify(e[i])}\n  actual   ${JSON.stringify(a[i])}`,
      );
    }
    if (expectedErr === null && r.status !== 'done') {
      problems.push(`ended ${r.status}: ${r.error ? lastNonEmptyLine(r.error.traceback) : ''}`);
    }
    if (expectedErr !== null) {
      if (r.status !== 'error') problems.push(`expected an error, ended ${r.status}`);
      else if (lastNonEmptyLine(r.error.traceback) !== expectedErr) {
        problems.push(
          `last traceback line:\n  expected ${expectedErr}\n  actual   ${lastNonEmptyLine(r.error.traceback)}`,
        );
      }
    }
    return problems.join('\n');
  } finally {
    session.delete();
  }
}

function caseNames(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .map((f) => f.slice(0, -3))
    .sort();
}

for (const [label, dir, gaps] of [
  ['conformance', conformanceDir, knownGaps()],
  ['language', langDir, new Set()],
]) {
  test(`${label} cases match their .out byte for byte in the wasm build`, async (t) => {
    const M = await loadGradlab();
    const names = caseNames(dir);
    assert.ok(names.length > 0, `no cases in ${dir}`);
    const failures = [];
    const gapResults = [];
    for (const name of names) {
      const problem = checkCase(M, dir, name);
      if (gaps.has(name)) gapResults.push(`${name}: ${problem ? 'differs (known gap)' : 'passes (known gap)'}`);
      else if (problem) failures.push(`${name}: ${problem}`);
    }
    if (gapResults.length) t.diagnostic(gapResults.join('\n'));
    t.diagnostic(`${names.length - gaps.size - failures.length} of ${names.length - gaps.size} cases match`);
    assert.deepEqual(failures, [], `cases that differ from their .out in the wasm build:\n${failures.join('\n\n')}`);
    assert.equal(M.heapStats().sessions, 0);
  });
}
