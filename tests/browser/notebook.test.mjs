// The course's embedding model, typed into a fresh page and run with Shift+Enter: PyTorch's
// exact output, a live loss chart of 1000 points drawn while it trains, then a heatmap and a
// labelled scatter of the embeddings. Also takes the README's screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import {
  serve,
  launch,
  openPage,
  cell,
  typeCell,
  waitState,
  outputText,
  CASES,
  ROOT,
  SITE,
  join,
  readFileSync,
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

const CASE = 'train_embedding_6789';

/** The conformance case with a live loss chart in its loop and two charts at the end. */
function trainingCell() {
  const src = readFileSync(join(CASES, `${CASE}.py`), 'utf8');
  const anchor = '    losses.append(loss.item())\n';
  assert.ok(src.includes(anchor), `${CASE}.py changed: no "${anchor.trim()}" line`);
  return (
    src
      .replace('import torch.optim as optim\n', 'import torch.optim as optim\nimport plot\n')
      .replace(anchor, `${anchor}    plot.live("loss", loss.item())\n`)
      .trimEnd() +
    '\n\nnames = []\nvectors = []\nfor row in rows:\n    names.append(row[0])\n    vectors.append(row[1:])\n' +
    'emb = torch.tensor(vectors)\n' +
    'plot.heatmap(emb, rows=names, cols=["violence", "positive message", "language"], title="Embeddings")\n' +
    'plot.embeddings(emb, labels=names, title="Users and items")'
  );
}

test('the embedding model prints what PyTorch prints and charts loss, heatmap and embeddings', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const expected = readFileSync(join(CASES, `${CASE}.out`), 'utf8');
  const code = trainingCell();
  // The fresh page opens with a text cell and a code cell; the student types into the code cell.
  assert.equal(await cell(page, 1).getAttribute('data-kind'), 'code');
  await typeCell(page, 1, code);
  const cellsBefore = await page.locator('[data-testid=cell]').count();

  // Record the loss chart's point count each time it changes while the cell is running.
  await page.evaluate(() => {
    /** @type {any} */ (window).__seen = [];
    new MutationObserver(() => {
      const c = document.querySelectorAll('[data-testid=cell]')[1];
      const chart = c?.querySelector('[data-testid=chart][data-type=line]');
      if (chart) /** @type {any} */ (window).__seen.push([c.dataset.state, Number(chart.dataset.points)]);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-points', 'data-state'] });
  });
  const t0 = Date.now();
  await page.keyboard.press('Shift+Enter');
  assert.equal(await waitState(page, 1, ['done', 'error', 'stopped']), 'done', await cell(page, 1).innerText());
  const seconds = (Date.now() - t0) / 1000;

  assert.equal(await outputText(page, 1), expected);
  assert.equal(await cell(page, 1).locator('[data-testid=cell-error]').count(), 0);
  assert.equal(await cell(page, 1).getAttribute('data-count'), '1');
  assert.match(await cell(page, 1).locator('.duration').innerText(), /\d (ms|s)$/);

  // Shift+Enter moved on to a new cell at the end.
  assert.equal(await page.locator('[data-testid=cell]').count(), cellsBefore + 1);
  assert.ok(await cell(page, cellsBefore).locator('.cm-editor.cm-focused').count(), 'the new cell has the focus');

  const chart = (type) => cell(page, 1).locator(`[data-testid=chart][data-type=${type}]`);
  const line = chart('line');
  assert.equal(await line.getAttribute('data-chart-id'), 'loss');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=chart][data-type=line]')?.getAttribute('data-points') === '1000',
  );
  const seen = await page.evaluate(() => /** @type {any} */ (window).__seen);
  assert.ok(
    seen.some(([state, n]) => state === 'running' && n > 0 && n < 1000),
    `the loss chart grew while the cell ran (seen: ${JSON.stringify(seen.slice(0, 20))})`,
  );
  assert.equal((await line.locator('canvas').count()) > 0, true, 'uPlot drew on a canvas');

  const heatmap = chart('heatmap');
  assert.equal(await heatmap.getAttribute('data-points'), '18');
  const heatText = await heatmap.locator('text').allTextContents();
  for (const t of ['user_0', 'item_2', 'violence', 'language', '0.99', '-1.8', '1.1']) {
    assert.ok(heatText.includes(t), `heatmap shows "${t}" (has ${heatText.join(' ')})`);
  }
  const scatter = chart('scatter');
  assert.equal(await scatter.getAttribute('data-points'), '6');
  assert.deepEqual((await scatter.locator('text.point-label').allTextContents()).sort(), [
    'item_0',
    'item_1',
    'item_2',
    'user_0',
    'user_1',
    'user_2',
  ]);
  assert.equal(await scatter.locator('circle.point').count(), 6);
  assert.match(await scatter.innerText(), /PC1 \(\d+(\.\d+)?%\)/);

  // The variables panel lists the globals with shape, dtype and grad.
  const vars = page.getByTestId('variables');
  await vars.locator('.var[data-name=emb]').waitFor();
  assert.match(await vars.locator('.var[data-name=emb]').innerText(), /\[6, 3\]\s+torch\.float32/);
  assert.match(await vars.locator('.var[data-name=loss]').innerText(), /requires_grad/);
  assert.deepEqual(problems, []);
  console.log(`# training cell: ${seconds.toFixed(1)} s from Shift+Enter to done`);
  await page.close();
});

test('screenshot of the page with charts (docs/screenshot.png)', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const code = [
    'import torch',
    'import torch.nn as nn',
    'import plot',
    'from tqdm import tqdm',
    '',
    'torch.manual_seed(6789)',
    'users = nn.Embedding(3, 3)',
    'items = torch.tensor([[0.6, 0.4, -0.2], [-0.7, 0.8, -0.7], [0.8, -0.75, 0.9]])',
    'likes = torch.eye(3)',
    'lr = slider("lr", 0.1, 0.01, 1.0)',
    'opt = torch.optim.SGD(users.parameters(), lr=lr)',
    'for epoch in tqdm(range(1000)):',
    '    opt.zero_grad()',
    '    scores = torch.sigmoid(users.weight @ items.T)',
    '    loss = ((scores - likes) ** 2).sum() + 0.2 * users.weight.norm()',
    '    loss.backward()',
    '    opt.step()',
    '    plot.live("loss", loss.item())',
    'names = ["user_0", "user_1", "user_2", "item_0", "item_1", "item_2"]',
    'emb = torch.cat([users.weight.detach(), items])',
    'plot.heatmap(emb, rows=names, cols=["violence", "positive message", "language"], title="Embeddings")',
    'plot.embeddings(emb, labels=names, title="Users and items")',
    'print(f"loss {loss.item():.4f}")',
  ].join('\n');
  await typeCell(page, 1, code);
  const cells = await page.locator('[data-testid=cell]').count();
  await page.keyboard.press('Control+Enter');
  assert.equal(await waitState(page, 1, ['done', 'error']), 'done', await cell(page, 1).innerText());
  assert.equal(await page.locator('[data-testid=cell]').count(), cells, 'Ctrl+Enter runs in place');
  assert.equal(await outputText(page, 1), 'loss 1.3984\n');
  // tqdm's bar under the cell: n/total, elapsed<ETA and rate.
  const progress = cell(page, 1).getByTestId('progress');
  await page.waitForFunction(() => document.querySelector('[data-testid=progress]')?.dataset.n === '1000');
  assert.match(await progress.innerText(), /100% 1000\/1000 \[\d\d:\d\d<00:00, [\d.]+it\/s\]/);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=chart][data-type=line]')?.getAttribute('data-points') === '1000',
  );
  await cell(page, 1).getByTestId('slider').waitFor();
  await page.setViewportSize({ width: 1280, height: 1720 });
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  const shot = join(SITE, '..', 'screenshot.png');
  await page.screenshot({ path: shot, fullPage: false });
  if (process.env.GRADLAB_UPDATE_SCREENSHOT) {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    copyFileSync(shot, join(ROOT, 'docs/screenshot.png'));
  }
  assert.deepEqual(problems, []);
  await page.close();
});
