// Running out of memory in the wasm build (MAXIMUM_MEMORY 2 GB, a 1 GiB tensor budget) is a
// MemoryError record, never an abort or a C++ exception in JS, and the session goes on. Its
// own file: the module's memory grows to its maximum here and never shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGradlab, runCell, output } from './helpers.mjs';

test('memory exhaustion is a MemoryError record and the session survives it', async () => {
  const M = await loadGradlab();
  const s = new M.GradlabSession();
  try {
    // Over the tensor budget: the core refuses before allocating.
    let r = runCell(s, 'import torch\nbig = torch.zeros(300, 1000, 1000)');
    assert.equal(r.status, 'error');
    assert.equal(r.error.type, 'MemoryError');
    assert.equal(r.error.line, 2);

    // A real heap exhaustion: the allocation fails in C++ (std::bad_alloc), the VM turns it into
    // a MemoryError the cell can catch.
    r = runCell(
      s,
      `hog = []
try:
    while True:
        hog.append([0] * 2**22)
except MemoryError:
    print('caught at', len(hog))
for n in (2**18, 2**14, 2**10):
    try:
        while True:
            hog.append([0] * n)
    except MemoryError:
        pass
print('full')
`,
    );
    assert.equal(r.status, 'done', r.error && r.error.traceback);
    assert.match(r.text, /^caught at \d+\nfull\n$/);
    assert.ok(M.HEAP8.length > 1.5 * 2 ** 30, `heap ${M.HEAP8.length} bytes`);

    // The heap is full: whatever runs next may fail, but only as records, never as a throw.
    for (const code of ['x = [i for i in range(10**6)]', "s = 'ab' * 10**7", 'print(len(hog))']) {
      r = runCell(s, code);
      assert.ok(
        r.status === 'done' || r.error.type === 'MemoryError',
        `${code}: ${r.status} ${r.error && r.error.type}`,
      );
    }
    const vars = s.variables();
    assert.ok(Array.isArray(vars) || vars.type === 'MemoryError', JSON.stringify(vars).slice(0, 200));

    // Freed, everything works again.
    assert.equal(output(s, 'del hog\nimport torch\nprint(torch.ones(2, 2).sum())'), 'tensor(4.)\n');
    const after = s.variables();
    assert.ok(Array.isArray(after));
    assert.ok(s.reset() === null);
    assert.equal(output(s, 'print("fresh")'), 'fresh\n');
  } finally {
    s.delete();
  }
});
