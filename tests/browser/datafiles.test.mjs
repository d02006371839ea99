// "Add data file": a file chosen in the page is listed with its name and size, open() in a cell
// reads it (lines, a tensor made from it), it survives a worker respawn, and it can be removed;
// open() of a file that was not added is FileNotFoundError.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, cell, setNotebook, runAndWait, outputText, waitState } from './harness.mjs';

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

// MovieLens u.data layout: user, item, rating, timestamp, tab-separated.
const lines = [];
for (let k = 0; k < 1000; k++) lines.push(`${(k % 943) + 1}\t${((k * 7) % 1682) + 1}\t${(k % 5) + 1}\t8812${k}`);
const udata = Buffer.from(lines.join('\n') + '\n');

const readCell = [
  'import torch',
  "with open('u.data') as f:",
  '    rows = [line.split() for line in f]',
  'print(len(rows))',
  'users = torch.tensor([int(r[0]) for r in rows])',
  'print(users[:4], users.shape)',
].join('\n');
const readOutput = '1000\ntensor([1, 2, 3, 4]) torch.Size([1000])\n';

/** The data files list's entries as "name size" texts. */
async function listed(page) {
  return page
    .getByTestId('data-files')
    .locator('li')
    .evaluateAll((lis) =>
      lis.map((li) => `${li.querySelector('.name')?.textContent} ${li.querySelector('.size')?.textContent}`),
    );
}

test('an added file is listed, read by open() into a tensor, kept across a respawn, and removable', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await page.getByTestId('add-data-file').setInputFiles({ name: 'u.data', mimeType: 'text/plain', buffer: udata });
  await page.waitForFunction(() => document.querySelector('[data-testid=data-files] li')?.dataset.name === 'u.data');
  assert.deepEqual(await listed(page), [`u.data ${(udata.length / 1024).toFixed(1)} KB`]);

  await setNotebook(page, [readCell, "open('ratings.tsv')", 'while True:\n    pass']);
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await outputText(page, 0), readOutput);

  assert.equal(await runAndWait(page, 1), 'error');
  assert.match(
    await cell(page, 1).getByTestId('cell-error').innerText(),
    /FileNotFoundError: \[Errno 2\] No such file or directory: 'ratings.tsv'/,
  );

  // Restart while a cell runs: the worker is terminated and a new one spawned; the page sends it
  // the files again before anything else.
  await cell(page, 2).getByTestId('run-cell').click();
  await waitState(page, 2, ['running']);
  await page.getByTestId('restart').click();
  await waitState(page, 2, ['stopped', 'error']);
  await page.waitForSelector('body[data-kernel=idle]');
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await outputText(page, 0), readOutput);

  await page.getByTestId('data-files').getByRole('button', { name: 'Remove u.data' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=data-files]')?.hidden === true);
  assert.equal(await runAndWait(page, 0), 'error');
  assert.match(
    await cell(page, 0).getByTestId('cell-error').innerText(),
    /FileNotFoundError: \[Errno 2\] No such file or directory: 'u.data'/,
  );
  assert.deepEqual(problems, []);
  await page.close();
});
