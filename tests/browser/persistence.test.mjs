// Work is never lost: reload keeps every cell (after adding, moving and deleting), a .py export
// imports back to the same cells, a Jupyter .ipynb imports, and a share link opens the same
// cells without running anything. Also: an error underlines its span in the editor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  serve,
  launch,
  openPage,
  cell,
  typeCell,
  addCell,
  cellSources,
  setNotebook,
  runAndWait,
  waitState,
  outputText,
} from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const code = (source) => ({ kind: 'code', source });

test('reload keeps every cell, in order, after add, move and delete', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, 'first = 1');
  await addCell(page, 'second = 2');
  await addCell(page, 'third = "three"\nprint(third)');
  await addCell(page, 'doomed = 0');
  await cell(page, 4).getByRole('button', { name: 'Delete cell' }).click();
  await cell(page, 3).getByRole('button', { name: 'Move up' }).click();
  const sources = await cellSources(page);
  assert.equal(sources[0].kind, 'markdown', 'the welcome text cell');
  const expected = [sources[0], code('first = 1'), code('third = "three"\nprint(third)'), code('second = 2')];
  assert.deepEqual(sources, expected);
  // The latest edit is saved within the debounce; reload also saves on pagehide.
  await typeCell(page, 3, 'second = 22');
  expected[3] = code('second = 22');
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  assert.deepEqual(await cellSources(page), expected);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an exported .py imports back to the same cells', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['import torch\nx = torch.ones(2)', 'def f(v):\n    return v * 2\n\n\nprint(f(x))']);
  await page.getByTestId('add-text').click();
  await page.keyboard.insertText('## Notes\nSome *text*.');
  await page.keyboard.press('Shift+Enter');
  const original = await cellSources(page);
  assert.equal(original.length, 4, 'three cells plus the one Shift+Enter made');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-py').click()]);
  assert.equal(download.suggestedFilename(), 'notebook.py');
  const py = readFileSync(await download.path(), 'utf8');
  assert.match(py, /^# %%\nimport torch\n/);
  assert.match(py, /\n# %% \[markdown\]\n# ## Notes\n# Some \*text\*\.\n/);

  await setNotebook(page, ['something else']);
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'notebook.py', mimeType: 'text/x-python', buffer: Buffer.from(py) });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cell]').length === n, original.length);
  assert.deepEqual(await cellSources(page), original);
  assert.match(await page.getByTestId('notice').innerText(), /Imported 4 cells from notebook\.py/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a Jupyter .ipynb imports code and markdown cells; markdown is text, never HTML', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Tensors\n', 'Some <b>bold</b> **words** and `code`.'] },
      {
        cell_type: 'code',
        metadata: {},
        execution_count: 3,
        outputs: [],
        source: ['import torch\n', 'print(torch.zeros(2))'],
      },
    ],
  };
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'lesson.ipynb', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(nb)) });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]').length === 2);
  assert.deepEqual(await cellSources(page), [
    { kind: 'markdown', source: '# Tensors\nSome <b>bold</b> **words** and `code`.' },
    code('import torch\nprint(torch.zeros(2))'),
  ]);
  const md = cell(page, 0).locator('.markdown');
  assert.equal(await md.locator('h2').innerText(), 'Tensors');
  assert.equal(await md.locator('b').count(), 0, 'HTML in markdown is shown as text');
  assert.match(await md.innerText(), /Some <b>bold<\/b> words and code\./);
  assert.equal(await md.locator('strong').innerText(), 'words');
  assert.equal(await runAndWait(page, 1), 'done');
  assert.equal(await outputText(page, 1), 'tensor([0., 0.])\n');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a share link opens the same cells without running anything', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const sources = ['import torch\nprint("ran")', 'y = torch.arange(4.)\ny * 2  # a comment with ünïcödé'];
  await setNotebook(page, sources);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#nb=[A-Za-z0-9_-]+$/);

  // Somewhere else (a fresh browser, nothing saved): the link alone carries the cells.
  const other = await launch();
  try {
    const { page: p2, problems: problems2 } = await openPage(other.context, link);
    assert.deepEqual(await cellSources(p2), sources.map(code));
    assert.equal(
      await p2.locator('[data-testid=cell-output], [data-testid=chart], [data-testid=cell-error]').count(),
      0,
    );
    for (let i = 0; i < sources.length; i++) {
      assert.equal(await cell(p2, i).getAttribute('data-state'), 'idle');
      assert.equal(await cell(p2, i).getAttribute('data-count'), null);
    }
    assert.match(await p2.getByTestId('notice').innerText(), /shared notebook \(nothing was run\)/);
    assert.equal(new URL(p2.url()).hash, '', 'the fragment is dropped once opened');
    // It is now this browser's notebook: a reload keeps it.
    await p2.reload();
    await p2.waitForSelector('body[data-ready=true]');
    assert.deepEqual(await cellSources(p2), sources.map(code));
    assert.deepEqual(problems2, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('an error shows its traceback and underlines the failing span', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['def f(v):\n    return v + undefined_name\n', 'x = 1\ny = f(x)']);
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await runAndWait(page, 1), 'error');
  const err = (await cell(page, 1).getByTestId('cell-error').innerText()).trimEnd();
  assert.match(err, /^Traceback \(most recent call last\):/);
  assert.match(err, /NameError: name 'undefined_name' is not defined$/);
  // The span is in cell 0's code (where f is), so cell 1 underlines nothing...
  assert.equal(await cell(page, 1).locator('.cm-gl-error').count(), 0);
  // ...and an error in the cell's own code is underlined there.
  await typeCell(page, 1, 'x = 1\ny = x + undefined_name * 2');
  assert.equal(await runAndWait(page, 1), 'error');
  assert.equal(await cell(page, 1).locator('.cm-gl-error').innerText(), 'undefined_name');
  // A syntax error is underlined too, and nothing ran.
  await typeCell(page, 1, 'z = (1 +\nprint("no")');
  await cell(page, 1).getByTestId('run-cell').click();
  assert.equal(await waitState(page, 1, ['error', 'done']), 'error');
  assert.match(await cell(page, 1).getByTestId('cell-error').innerText(), /SyntaxError/);
  assert.ok((await cell(page, 1).locator('.cm-gl-error').count()) >= 1, 'the syntax error is underlined');
  assert.equal(await cell(page, 1).getByTestId('cell-output').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
