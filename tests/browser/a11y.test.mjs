// Accessibility: axe-core finds no serious or critical violation on the notebook (light and
// dark theme, with outputs, an error, a slider and charts) or on a lesson; every control is
// reached with Tab alone and shows its focus; a cell runs from the keyboard and the editor
// lets focus out (Escape, then Tab); charts list their values in a table on demand; the chart
// colours stay apart for each kind of colour blindness (simulated).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, cell, setNotebook, waitState, ROOT, join, readFileSync } from './harness.mjs';
import { PALETTE } from '../../web/src/svgcharts.js';

const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let server;
let browser;
/** The notebook with every kind of output (busyNotebook), shared by the tests in order. */
let busy;
before(async () => {
  server = await serve();
  // The page's CSP (rightly) blocks the injected axe script; this context bypasses it.
  browser = await launch({ bypassCSP: true });
  busy = await openPage(browser.context, server.url);
  await busyNotebook(busy.page);
});
after(async () => {
  await busy?.page.close();
  await browser?.close();
  await server?.close();
});

const CHART_CELL = [
  'import torch',
  'import plot',
  'lr = slider("lr", 0.1, 0.01, 1.0)',
  'for i in range(5):',
  '    plot.live("loss", 1.0 / (i + 1))',
  'plot.heatmap(torch.tensor([[1., 2.], [3., 4.]]), rows=["a", "b"], cols=["x", "y"], title="M")',
  'plot.embeddings(torch.tensor([[0., 1.], [1., 0.], [2., 2.]]), labels=["user_0", "item_0", "item_1"], title="E")',
  'print("done")',
].join('\n');

/** A notebook with every kind of output on it: text, charts (one table open), a slider, an error. */
async function busyNotebook(page) {
  await setNotebook(page, [CHART_CELL, 'raise ValueError("a <b>bad</b> value")']);
  await cell(page, 0).getByTestId('run-cell').click();
  assert.equal(await waitState(page, 0, ['done', 'error']), 'done');
  await cell(page, 1).getByTestId('run-cell').click();
  assert.equal(await waitState(page, 1, ['done', 'error']), 'error');
  await cell(page, 0).getByTestId('chart-data-toggle').first().click();
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('axe: no serious or critical violations on the notebook, light and dark', async () => {
  const { page, problems } = busy;
  assert.deepEqual(await axe(page), [], 'light theme');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(248, 250, 252)', 'the dark theme applies');
  assert.deepEqual(await axe(page), [], 'dark theme');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
});

test('axe: no serious or critical violations on a lesson', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await page.getByTestId('lessons-button').click();
  await page.locator('[data-testid=lesson-menu] .lesson-link').first().waitFor();
  await page.locator('[data-testid=lesson-menu] .lesson-link').first().click();
  await page.locator('[data-testid=lesson] [data-testid=lesson-cell]').first().waitFor();
  assert.deepEqual(await axe(page), [], 'light theme');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await axe(page), [], 'dark theme');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('every control has an accessible name', async () => {
  const { page, problems } = busy;
  const nameless = await page.evaluate(() =>
    [...document.querySelectorAll('button, input:not([type=file]), select, [role=img], .cm-content')]
      .filter((el) => {
        const label =
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          (el instanceof HTMLInputElement && el.labels?.length) ||
          (el.tagName === 'BUTTON' && el.textContent.trim());
        return !label;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(nameless, []);
  assert.deepEqual(problems, []);
});

test('a chart lists its plotted values in a table on demand', async () => {
  const { page, problems } = busy;
  const charts = cell(page, 0).getByTestId('chart');
  assert.equal(await charts.count(), 3);
  // The line chart (opened by busyNotebook): x and the live values.
  const line = charts.nth(0);
  assert.equal(await line.getByTestId('chart-data-toggle').getAttribute('aria-expanded'), 'true');
  const rows = await line
    .locator('[data-testid=chart-data] tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows, [
    ['0', '1'],
    ['1', '0.5'],
    ['2', '0.3333333333333333'],
    ['3', '0.25'],
    ['4', '0.2'],
  ]);
  // The heatmap and the scatter open from the keyboard.
  for (const [n, expected] of [
    [
      1,
      [
        ['a', '1', '2'],
        ['b', '3', '4'],
      ],
    ],
    [
      2,
      [
        ['user_0', '0', '1'],
        ['item_0', '1', '0'],
        ['item_1', '2', '2'],
      ],
    ],
  ]) {
    const chart = charts.nth(/** @type {number} */ (n));
    await chart.getByTestId('chart-data-toggle').focus();
    await page.keyboard.press('Enter');
    const got = await chart
      .locator('[data-testid=chart-data] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.deepEqual(got, expected);
    assert.match(await chart.locator('svg').getAttribute('aria-label'), /\w/);
  }
  // Hide again.
  await line.getByTestId('chart-data-toggle').click();
  assert.equal(await line.getByTestId('chart-data').isVisible(), false);
  assert.deepEqual(problems, []);
});

test('keyboard only: Tab reaches every control with a visible focus, and a cell runs', async () => {
  const { page, problems } = busy;
  await page.locator('body').focus();
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  // Every visible, enabled control, by a key that names it.
  const controls = await page.evaluate(() => {
    const all = document.querySelectorAll('button, input, select, textarea, a[href], [contenteditable=true]');
    let n = 0;
    const keys = [];
    for (const el of all) {
      const h = /** @type {HTMLElement & {disabled?: boolean}} */ (el);
      const style = getComputedStyle(h);
      const r = h.getBoundingClientRect();
      const hiddenFile = h instanceof HTMLInputElement && h.type === 'file'; // its label is the control
      if (h.disabled || style.visibility === 'hidden' || (r.width === 0 && r.height === 0 && !hiddenFile)) continue;
      h.dataset.kbd = String(n++);
      keys.push(`${h.dataset.kbd} ${h.tagName} ${h.dataset.testid ?? h.getAttribute('aria-label') ?? h.textContent}`);
    }
    return keys;
  });
  const reached = new Map();
  const unstyled = [];
  for (let i = 0; i < 400 && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = /** @type {HTMLElement} */ (document.activeElement);
      if (!el || el === document.body) return null;
      const target = el.closest('.button') ?? el;
      const s = getComputedStyle(target);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
      const editor = el.closest('.editor');
      const editorRing = editor && getComputedStyle(editor).boxShadow !== 'none';
      return { kbd: el.dataset.kbd ?? null, cm: el.classList.contains('cm-content'), ring: ring || editorRing };
    });
    if (!info) continue;
    if (info.cm) {
      // In the editor Tab indents; Escape then Tab moves on (CodeMirror's tab-focus escape).
      await page.keyboard.press('Escape');
    }
    if (info.kbd !== null) {
      reached.set(info.kbd, true);
      if (!info.ring) unstyled.push(controls[Number(info.kbd)]);
    }
  }
  const missed = controls.filter((c) => !reached.has(c.split(' ')[0]));
  assert.deepEqual(missed, [], 'controls Tab never reached');
  assert.deepEqual(unstyled, [], 'controls without a visible focus indicator');

  // Run a cell with the keyboard alone: into its editor, type, Ctrl+Enter.
  await cell(page, 1).locator('.cm-content').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText('print(6 * 7)');
  await page.keyboard.press('Control+Enter');
  assert.equal(await waitState(page, 1, ['done', 'error']), 'done');
  assert.equal(await cell(page, 1).getByTestId('cell-output').textContent(), '42\n');
  // And with its Run button: focus it, press Enter.
  await cell(page, 1).getByTestId('run-cell').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.count === '4');
  assert.deepEqual(problems, []);
});

// ---- colour-blind simulation (Machado, Oliveira and Fernandes 2009, severity 1) -----------

const CVD = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

const toLinear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** CIE L*a*b* of a linear-RGB colour (D65). */
function lab([r, g, b]) {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** The smallest CIE76 distance between two of `colours` as someone with `kind` sees them. */
function minDistance(colours, kind) {
  const seen = colours.map((hex) => {
    const rgb = [1, 3, 5].map((i) => toLinear(parseInt(hex.slice(i, i + 2), 16) / 255));
    const m = CVD[kind];
    return lab(m.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]))));
  });
  let min = Infinity;
  for (let i = 0; i < seen.length; i++)
    for (let j = i + 1; j < seen.length; j++) min = Math.min(min, Math.hypot(...seen[i].map((v, k) => v - seen[j][k])));
  return min;
}

test('the chart colours stay apart for protanopia, deuteranopia and tritanopia', () => {
  // Every two chart colours (series of a line chart, groups of a scatter) stay at least this
  // far apart as seen with each condition (CIE76; about 10 is "clearly different" side by side).
  const MIN_DELTA_E = 15;
  // The palette gradlab had before fails: blue and violet are 1.7 apart for deuteranopia.
  const before = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];
  assert.ok(minDistance(before, 'deuteranopia') < 2);
  for (const kind of Object.keys(CVD)) {
    const d = minDistance(PALETTE, kind);
    assert.ok(d >= MIN_DELTA_E, `${kind}: two of ${PALETTE.join(' ')} are only ${d.toFixed(1)} apart`);
  }
});
