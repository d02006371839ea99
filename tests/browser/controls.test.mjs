// Controls of a running cell: Stop (answered, variables kept), Stop of a cell stuck in one long
// native call (the worker is replaced and the page says so), Pause/Step/Resume with the
// current line highlighted, a slider moving a running loop's learning rate, and Restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, cell, waitState, outputText, runAndWait, setNotebook } from './harness.mjs';

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

/** Waits for the kernel to be idle (the worker is up and nothing runs). */
const idle = (page) => page.waitForSelector('body[data-kernel=idle]');

test('Stop ends `while True: pass` and the next cell sees the earlier variables', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['a = 41\nprint(a + 1)', 'while True:\n    pass', 'print(a)']);
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await outputText(page, 0), '42\n');

  await cell(page, 1).getByTestId('run-cell').click();
  await waitState(page, 1, ['running']);
  assert.equal(await page.getByTestId('stop').isEnabled(), true);
  // Time in the page from the click to the stopped state.
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    document.querySelector('[data-testid=stop]').addEventListener('click', () => (w.__t0 = performance.now()));
    const c = document.querySelectorAll('[data-testid=cell]')[1];
    new MutationObserver(() => {
      if (c.dataset.state === 'stopped') w.__t1 ??= performance.now();
    }).observe(c, { attributes: true });
  });
  await page.getByTestId('stop').click();
  assert.equal(await waitState(page, 1, ['stopped', 'done', 'error']), 'stopped');
  const ms = await page.evaluate(() => /** @type {any} */ (window).__t1 - /** @type {any} */ (window).__t0);
  assert.match(await cell(page, 1).getByTestId('cell-error').innerText(), /KeyboardInterrupt/);
  assert.equal(await page.locator('[data-testid=notice][data-kind=reset]').count(), 0, 'no reset: the worker answered');
  assert.equal(await page.getByTestId('stop').isEnabled(), false);

  assert.equal(await runAndWait(page, 2), 'done');
  assert.equal(await outputText(page, 2), '41\n');
  assert.deepEqual(problems, []);
  console.log(`# Stop answered in ${ms.toFixed(0)} ms (click to stopped state, in the page)`);
  await page.close();
});

test('Pause, Step and Resume move the highlighted line', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const code = 'i = 0\nwhile True:\n    i = i + 1\n    j = i * 2\n    k = j + 1';
  const lines = code.split('\n');
  await setNotebook(page, [code]);
  await cell(page, 0).getByTestId('run-cell').click();
  await waitState(page, 0, ['running']);
  await page.getByTestId('pause').click();
  await waitState(page, 0, ['paused']);
  assert.equal(await page.getByTestId('resume').isEnabled(), true);
  assert.equal(await page.getByTestId('step').isEnabled(), true);

  /** The highlighted line: data-line and the editor's decorated line agree. */
  const current = async () => {
    const n = Number(await cell(page, 0).getAttribute('data-line'));
    const hl = cell(page, 0).locator('.cm-gl-current');
    assert.equal(await hl.count(), 1, 'one highlighted line');
    assert.equal(await hl.innerText(), lines[n - 1], `the highlight is on line ${n}`);
    return n;
  };
  const visited = [await current()];
  assert.ok(visited[0] >= 1 && visited[0] <= lines.length);
  for (let k = 0; k < 3; k++) {
    const before = visited.at(-1);
    await page.getByTestId('step').click();
    await page.waitForFunction((prev) => {
      const c = document.querySelectorAll('[data-testid=cell]')[0];
      return c.dataset.state === 'paused' && c.dataset.line !== String(prev);
    }, before);
    visited.push(await current());
  }
  assert.ok(new Set(visited).size >= 3, `stepping visits different lines: ${visited}`);

  await page.getByTestId('resume').click();
  await waitState(page, 0, ['running']);
  assert.equal(await cell(page, 0).getAttribute('data-line'), '0');
  assert.equal(await cell(page, 0).locator('.cm-gl-current').count(), 0, 'no highlight while running');
  await page.getByTestId('stop').click();
  assert.equal(await waitState(page, 0, ['stopped', 'done', 'error']), 'stopped');
  assert.deepEqual(problems, []);
  console.log(`# stepped through lines ${visited.join(' -> ')}`);
  await page.close();
});

test('a slider changes the learning rate of a running loop', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const code = [
    'import torch',
    'import plot',
    'lr = slider("lr", 0.1, 0.001, 1.0, step=0.001)',
    'w = torch.tensor(5.0, requires_grad=True)',
    'steps = 0',
    'while lr < 0.5:',
    '    loss = w * w',
    '    loss.backward()',
    '    with torch.no_grad():',
    '        w -= lr * w.grad',
    '    w.grad.zero_()',
    '    steps += 1',
    '    if steps % 200 == 0:',
    '        plot.live("lr", lr)',
    'print("lr is now", lr)',
  ].join('\n');
  await setNotebook(page, [code]);
  await cell(page, 0).getByTestId('run-cell').click();
  const slider = cell(page, 0).getByTestId('slider');
  await slider.waitFor();
  assert.equal(await slider.inputValue(), '0.1');
  // The loop is still going (it cannot end before the slider moves) and has plotted lr = 0.1.
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=chart][data-chart-id=lr]')?.dataset.points) > 0,
  );
  assert.equal(await cell(page, 0).getAttribute('data-state'), 'running');
  await slider.fill('0.75');
  assert.equal(await waitState(page, 0, ['done', 'error', 'stopped']), 'done');
  assert.equal(await outputText(page, 0), 'lr is now 0.75\n');
  assert.match(await cell(page, 0).locator('.slider output').innerText(), /^0\.750$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Stop of a cell stuck in one long native call resets the session and keeps the cells', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  // Cell 1 is eight 3000x3000 products (~10 s at the SIMD GEMM's best), each one native call.
  await setNotebook(page, ['import torch\na = torch.ones(3000, 3000)\nkept = 1', 'b = a @ a @ a @ a @ a @ a @ a @ a @ a', 'print(2 + 2)']);
  assert.equal(await runAndWait(page, 0), 'done');
  await cell(page, 1).getByTestId('run-cell').click();
  await waitState(page, 1, ['running']);
  // Stop once the worker is inside the products. Pressed at once, Stop can reach the worker
  // before the run does (the run waits for the slice in progress, e.g. the warm-up's import of
  // torch.nn, one instruction of ~0.6 s): the cell is then stopped before it starts, rightly
  // without a reset.
  await page.waitForTimeout(2000);
  assert.equal(await cell(page, 1).getAttribute('data-state'), 'running');
  await page.getByTestId('stop').click();
  const notice = page.locator('[data-testid=notice][data-kind=reset]');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.innerText(), /The session was reset: the running cell did not answer Stop within 200 ms/);
  assert.equal(await waitState(page, 1, ['stopped', 'done', 'error']), 'stopped');
  await idle(page);
  assert.equal(await page.locator('[data-testid=cell]').count(), 3, 'every cell is kept');
  assert.equal(await runAndWait(page, 2), 'done');
  assert.equal(await outputText(page, 2), '4\n');
  assert.equal(await page.getByTestId('variables').locator('.var[data-name=kept]').count(), 0, 'a fresh session');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Run all runs every cell in order; Restart gives a fresh session', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['x = 5\nprint(x)', 'print(x * 2)']);
  await page.getByTestId('run-all').click();
  assert.equal(await waitState(page, 1, ['done', 'error', 'stopped']), 'done');
  assert.equal(await outputText(page, 0), '5\n');
  assert.equal(await outputText(page, 1), '10\n');
  assert.deepEqual(
    [await cell(page, 0).getAttribute('data-count'), await cell(page, 1).getAttribute('data-count')],
    ['1', '2'],
  );
  await page.getByTestId('variables').locator('.var[data-name=x]').waitFor();
  await page.getByTestId('restart').click();
  await page.getByTestId('variables').locator('.var[data-name=x]').waitFor({ state: 'detached' });
  assert.equal(await runAndWait(page, 1), 'error');
  assert.equal(await cell(page, 1).getAttribute('data-count'), '1', 'counts start again');
  assert.match(await cell(page, 1).getByTestId('cell-error').innerText(), /NameError: name 'x' is not defined/);
  assert.deepEqual(problems, []);
  await page.close();
});
