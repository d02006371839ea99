// The autograd graph view (web/src/graph.js, issue 9): show_graph(t) draws the graph the core
// recorded, with real <text> labels under data-testid="graph"; a node's click shows its full
// value and grad; the backward replay lights the ops in the engine's order with the gradient
// on each edge; the seed notebook's embedding model draws its loss graph; the variables
// panel's graph button opens the same view. Also takes docs/graph.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import {
  serve,
  launch,
  openPage,
  cell,
  typeCell,
  runAndWait,
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

const POW = [
  'import torch',
  'x = torch.tensor([[2., -1.], [3., 1.]], requires_grad=True)',
  'out = x.pow(3).sum()',
].join('\n');

/** The label text of every node of the cell's graph, one string per node, whitespace collapsed. */
async function nodeTexts(page, n) {
  const graph = cell(page, n).getByTestId('graph');
  await graph.locator('svg .graph-node').first().waitFor();
  return graph
    .locator('.graph-node')
    .evaluateAll((nodes) => nodes.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' | ')));
}

/** The first-line label (variable or grad_fn name) of every node. */
async function nodeLabels(page, n) {
  return (await nodeTexts(page, n)).map((t) => t.split(' | ')[0]);
}

test('show_graph after backward draws x, PowBackward0, SumBackward0 and x.grad; click shows the full grad', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, `${POW}\nout.backward()\nshow_graph(out)`);
  assert.equal(await runAndWait(page, 1), 'done');
  const labels = await nodeLabels(page, 1);
  assert.deepEqual([...labels].sort(), ['AccumulateGrad', 'PowBackward0', 'SumBackward0', 'out', 'x']);
  const texts = await nodeTexts(page, 1);
  const x = texts.find((t) => t.startsWith('x |'));
  assert.ok(x, texts.join('\n'));
  assert.ok(x.includes('grad [[12., 3.], [27., 3.]]'), x);
  assert.ok(x.includes('[[ 2., -1.], [ 3., 1.]]'), x);
  assert.ok(x.includes('[2, 2] float32'), x);

  // Data-flow edges: x -> AccumulateGrad -> PowBackward0 -> SumBackward0 -> out.
  const graph = cell(page, 1).getByTestId('graph');
  const edges = await graph.locator('.graph-edge').evaluateAll((els) =>
    els.map((e) => {
      const label = (id) => document.querySelector(`.graph-node[data-id="${id}"] text`)?.textContent;
      return `${label(e.dataset.from)}->${label(e.dataset.to)}`;
    }),
  );
  assert.deepEqual(edges.sort(), [
    'AccumulateGrad->PowBackward0',
    'PowBackward0->SumBackward0',
    'SumBackward0->out',
    'x->AccumulateGrad',
  ]);

  // Clicking x shows its full value and grad as printed.
  await graph.locator('.graph-node[data-kind=tensor]', { hasText: /^x/ }).click();
  const details = cell(page, 1).getByTestId('graph-details');
  await details.getByTestId('graph-grad').waitFor();
  assert.equal(await details.getByTestId('graph-grad').textContent(), 'tensor([[12.,  3.],\n        [27.,  3.]])');
  assert.equal(
    await details.getByTestId('graph-value').textContent(),
    'tensor([[ 2., -1.],\n        [ 3.,  1.]], requires_grad=True)',
  );
  // backward() freed the saved values, but the engine kept what it sent along each edge: no
  // note, and the replay shows each edge's gradient.
  assert.equal(await cell(page, 1).getByTestId('graph-notes').count(), 0);
  await cell(page, 1).getByTestId('graph-backward').click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=graph]')].some((g) => g.dataset.replay === 'done'),
  );
  const grads = await graph.locator('.graph-edge.lit .graph-edge-grad').allTextContents();
  assert.ok(grads.includes('[[12., 3.], [27., 3.]]'), grads.join(' ; '));
  assert.ok(grads.includes('[[1., 1.], [1., 1.]]'), grads.join(' ; '));
  await cell(page, 1).getByTestId('graph-backward').click();

  // Zoom buttons change the scale.
  const zoom0 = Number(await graph.getAttribute('data-zoom'));
  await cell(page, 1).getByRole('button', { name: 'Zoom in' }).click();
  assert.ok(Number(await graph.getAttribute('data-zoom')) > zoom0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the backward replay visits the ops in the engine order and shows each edge gradient', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  // Before backward the saved values are there: the core re-runs the backward functions dry.
  await typeCell(page, 1, `${POW}\nshow_graph(out)\nprint(x.grad)`);
  assert.equal(await runAndWait(page, 1), 'done');
  assert.equal((await cell(page, 1).getByTestId('cell-output').textContent()).trim(), 'None');
  const graph = cell(page, 1).getByTestId('graph');
  await graph.locator('svg .graph-node').first().waitFor();
  await cell(page, 1).getByTestId('graph-backward').click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=graph]')].some((g) => g.dataset.replay === 'done'),
  );
  assert.equal(await graph.getAttribute('data-step'), '3'); // SumBackward0, PowBackward0, AccumulateGrad
  const lit = await graph.locator('.graph-node.lit text.graph-label').allTextContents();
  assert.deepEqual(lit.sort(), ['AccumulateGrad', 'PowBackward0', 'SumBackward0', 'out', 'x']);
  // The gradient into PowBackward0's input is 3 x^2; the seed into SumBackward0 is 1.
  const grads = await graph.locator('.graph-edge.lit .graph-edge-grad').allTextContents();
  assert.ok(grads.includes('[[12., 3.], [27., 3.]]'), grads.join(' ; '));
  assert.ok(grads.includes('1.'), grads.join(' ; '));
  assert.ok(grads.includes('[[1., 1.], [1., 1.]]'), grads.join(' ; '));
  // Toggling off clears the lights.
  await cell(page, 1).getByTestId('graph-backward').click();
  assert.equal(await graph.locator('.graph-node.lit').count(), 0);

  assert.deepEqual(problems, []);
  await page.close();
});

test('with retain_graph=True the graph keeps its edge gradients after backward (docs/graph.png)', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, `${POW}\nout.backward(retain_graph=True)\nshow_graph(out)`);
  assert.equal(await runAndWait(page, 1), 'done');
  const graph = cell(page, 1).getByTestId('graph');
  await graph.locator('svg .graph-node').first().waitFor();
  assert.equal(await cell(page, 1).getByTestId('graph-notes').count(), 0); // nothing missing
  await cell(page, 1).getByTestId('graph-backward').click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=graph]')].some((g) => g.dataset.replay === 'done'),
  );
  const grads = await graph.locator('.graph-edge.lit .graph-edge-grad').allTextContents();
  assert.equal(grads.filter((g) => g === '[[12., 3.], [27., 3.]]').length, 2, grads.join(' ; ')); // into Pow, and x's
  await graph.locator('.graph-node[data-kind=tensor]', { hasText: /^x/ }).click();
  assert.equal(
    await cell(page, 1).getByTestId('graph-grad').textContent(),
    'tensor([[12.,  3.],\n        [27.,  3.]])',
  );
  const shot = join(SITE, '..', 'graph.png');
  await cell(page, 1).getByTestId('graph-view').screenshot({ path: shot });
  if (process.env.GRADLAB_UPDATE_SCREENSHOT) {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    copyFileSync(shot, join(ROOT, 'docs/graph.png'));
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('show_graph of a constant and of a non-tensor', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, 'import torch\nc = torch.ones(2)\nshow_graph(c)\nshow_graph(3)');
  assert.equal(await runAndWait(page, 1), 'error');
  assert.deepEqual(await nodeLabels(page, 1), ['c']);
  assert.match(await cell(page, 1).getByTestId('graph-notes').textContent(), /does not require grad/);
  assert.match(
    await cell(page, 1).getByTestId('cell-error').textContent(),
    /TypeError: show_graph\(\): argument 't' must be a Tensor, not int/,
  );
  assert.deepEqual(problems, []);
  await page.close();
});

/** The seed notebook's nn.Embedding model (3 users x 3 movies), trained, then show_graph(loss). */
function embeddingCell() {
  const src = readFileSync(join(CASES, 'train_embedding_6789.py'), 'utf8');
  const end = src.indexOf('print(len(losses)');
  assert.ok(end > 0, 'train_embedding_6789.py changed: no print(len(losses)...) line');
  return `${src.slice(0, end).trimEnd()}\n\nshow_graph(loss)`;
}

test("the seed notebook's embedding model: its loss graph, and the variables panel's graph button", async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, embeddingCell());
  assert.equal(await runAndWait(page, 1), 'done');
  const labels = await nodeLabels(page, 1);
  const count = (name) => labels.filter((l) => l === name).length;
  // PyTorch 1.13's graph of this loss: 66 ops.
  assert.deepEqual(
    Object.fromEntries(
      [
        'EmbeddingBackward0',
        'MulBackward0',
        'SumBackward0',
        'SigmoidBackward0',
        'SubBackward0',
        'PowBackward0',
        'AddBackward0',
        'NormBackward1',
        'AccumulateGrad',
      ].map((n) => [n, count(n)]),
    ),
    {
      EmbeddingBackward0: 9,
      MulBackward0: 10,
      SumBackward0: 9,
      SigmoidBackward0: 9,
      SubBackward0: 9,
      PowBackward0: 9,
      AddBackward0: 9,
      NormBackward1: 1,
      AccumulateGrad: 1,
    },
  );
  assert.ok(labels.includes('embedding_nn.embedding.weight'), labels.join(', '));
  assert.ok(labels.includes('loss'), labels.join(', '));

  // The variables panel: loss has a graph button that opens the same graph in a dialog.
  const item = page.getByTestId('variables').locator('.var[data-name=loss]');
  await item.getByTestId('var-graph').click();
  const dialog = page.getByTestId('graph-dialog');
  await dialog.getByTestId('graph').locator('.graph-node').first().waitFor();
  const dialogLabels = await dialog
    .getByTestId('graph')
    .locator('.graph-node')
    .evaluateAll((nodes) => nodes.map((g) => g.querySelector('text')?.textContent));
  assert.deepEqual([...dialogLabels].sort(), [...labels].sort());
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a graph over 200 nodes is folded, with a note', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(
    page,
    1,
    [
      'import torch',
      'w = torch.tensor([1., 2.], requires_grad=True)',
      'total = torch.tensor(0.)',
      'for i in range(300):',
      '    total = total + (w * float(i)).sigmoid().sum()',
      'show_graph(total)',
    ].join('\n'),
  );
  assert.equal(await runAndWait(page, 1), 'done');
  const labels = await nodeLabels(page, 1);
  assert.ok(labels.length <= 200, `${labels.length} nodes drawn`);
  const notes = await cell(page, 1).getByTestId('graph-notes').textContent();
  assert.match(notes, /a SumBackward0 sub-graph of \d+ ops repeats 300 times: drawn once/);
  assert.match(notes, /cut breadth-first at 200 nodes/);
  const folds = await cell(page, 1).locator('.graph-node[data-kind=fold] text.graph-label').allTextContents();
  assert.equal(folds.filter((t) => /more ops not drawn$/.test(t)).length, 1, folds.join(', '));
  assert.ok(folds.filter((t) => t === 'repeat of the SumBackward0 sub-graph').length > 10, folds.join(', '));
  assert.deepEqual(problems, []);
  await page.close();
});
