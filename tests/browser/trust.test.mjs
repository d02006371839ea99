// Safe and crash-proof: the page and both servers keep to one Content-Security-Policy and no
// request leaves 127.0.0.1; printed text, tracebacks, chart labels and markdown are text,
// never HTML; the language reaches neither JavaScript nor the network; bad imports and links
// are refused with a clear message; a module that traps is replaced and every cell is kept; a
// killed tab loses no keystroke; the page opens and runs offline after one visit, and a new
// build takes over on the next visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  serve,
  launch,
  openPage,
  cell,
  typeCell,
  setNotebook,
  cellSources,
  runAndWait,
  outputText,
  sitePolicy,
  SITE,
  ROOT,
  join,
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

/** Checks a policy: same-origin only, wasm compilation but no eval, no inline anything. */
function checkPolicy(csp) {
  const directives = Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
  assert.deepEqual(directives['default-src'], ["'self'"]);
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['connect-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  for (const [name, values] of Object.entries(directives)) {
    for (const v of values) {
      assert.ok(
        ["'self'", "'none'", "'wasm-unsafe-eval'", 'data:', 'blob:'].includes(v),
        `${name} allows ${v}: only the page's own origin may be named`,
      );
    }
  }
}

test('one policy in the meta tag and the header; no request leaves 127.0.0.1', async () => {
  const foreign = [];
  const onRequest = (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && u.hostname !== '127.0.0.1') foreign.push(r.url());
  };
  browser.context.on('request', onRequest);
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    /** @type {any} */ (window).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      /** @type {any} */ (window).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto(server.url);
  await page.waitForSelector('body[data-ready=true]');
  const header = response.headers()['content-security-policy'];
  const meta = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  assert.equal(header, meta, 'the served header is the meta tag');
  assert.equal(meta, sitePolicy());
  checkPolicy(meta);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
  assert.equal(await page.locator('style').count(), 0, 'no style element (CodeMirror adopts its sheets)');
  // Use the page: run code with every kind of output, open the lessons and a lesson.
  await setNotebook(page, [
    'import torch\nimport plot\nfrom tqdm import tqdm\nfor i in tqdm(range(3)):\n    plot.live("loss", 1 / (i + 1))\n' +
      'plot.heatmap(torch.eye(2), title="I")\nprint(torch.ones(2))',
  ]);
  assert.equal(await runAndWait(page, 0), 'done');
  await page.getByTestId('lessons-button').click();
  await page.locator('[data-testid=lesson-menu] .lesson-link').first().click();
  await page.locator('[data-testid=lesson] [data-testid=lesson-cell]').first().waitFor();
  assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).__violations), []);
  browser.context.off('request', onRequest);
  assert.deepEqual(foreign, []);
  await page.close();
});

/**
 * Resolves once a service worker controls the page.
 * @param {import('playwright-core').Page} page
 */
function controlled(page) {
  return page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
  });
}

/**
 * Starts `scripts/serve.sh --no-build` on a free port for the site in `dir`.
 * @param {string} dir
 * @returns {Promise<{url: string, child: import('node:child_process').ChildProcess}>}
 */
async function serveSh(dir) {
  const child = spawn('bash', [join(ROOT, 'scripts/serve.sh'), '--no-build', '0'], {
    env: { ...process.env, GRADLAB_SITE_DIR: dir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok(m[1]);
    });
    child.on('exit', (c) => fail(new Error(`serve.sh exited with ${c}: ${out}`)));
  });
  return { url, child };
}

test('scripts/serve.sh serves the page and its worker with the same policy as a header', async () => {
  const { url, child } = await serveSh(SITE);
  try {
    const page = await fetch(url);
    assert.equal(page.headers.get('content-security-policy'), sitePolicy());
    assert.match(await page.text(), /http-equiv="Content-Security-Policy"/);
    for (const [path, type] of [
      ['worker.mjs', /^text\/javascript/],
      ['gradlab.wasm', /^application\/wasm$/],
      ['sw.js', /^text\/javascript/],
    ]) {
      const r = await fetch(new URL(path, url));
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type'), type, path);
      // The worker runs under its own script's policy: it gets the page's.
      assert.equal(r.headers.get('content-security-policy'), sitePolicy(), path);
      await r.arrayBuffer();
    }
  } finally {
    child.kill();
  }
});

const XSS = '<img src=/xss-img onerror="window.pwned=1"><script>window.pwned=2</script>';

test('printed text, tracebacks, chart labels and markdown are text, never HTML', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const q = JSON.stringify(XSS);
  await setNotebook(page, [
    `print(${q})\n${q}`,
    `raise ValueError(${q})`,
    `import torch\nimport plot\nplot.embeddings(torch.eye(2), labels=[${q}, "b"], title=${q})\n` +
      `plot.heatmap(torch.eye(2), rows=[${q}, "r"], cols=["c", ${q}], title=${q})`,
  ]);
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await outputText(page, 0), `${XSS}\n'${XSS}'\n`);
  assert.equal(await runAndWait(page, 1), 'error');
  assert.match(await cell(page, 1).getByTestId('cell-error').textContent(), /ValueError: <img src=\/xss-img/);
  assert.equal(await runAndWait(page, 2), 'done');
  const charts = cell(page, 2).getByTestId('chart');
  assert.equal(await charts.count(), 2);
  assert.equal(await charts.nth(0).locator('figcaption').textContent(), XSS);
  assert.ok((await charts.nth(0).locator('text.point-label').allTextContents()).includes(XSS));
  await charts.nth(1).getByTestId('chart-data-toggle').click();
  assert.equal(await charts.nth(1).locator('tbody tr').first().locator('td').first().textContent(), XSS);
  // A markdown cell with the same text.
  await page.getByTestId('add-text').click();
  await page.keyboard.insertText(`# ${XSS}\nand *${XSS}*`);
  await page.keyboard.press('Control+Enter');
  const md = cell(page, 3).locator('.markdown');
  await md.locator('h2').waitFor();
  assert.equal(await md.locator('h2').textContent(), XSS);
  // Nothing of it became an element, ran or loaded.
  assert.equal(await page.locator('[data-testid=notebook] img, [data-testid=notebook] script').count(), 0);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).pwned), undefined);
  assert.ok(!server.requests.includes('/xss-img'), 'the image was requested');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the language reaches neither JavaScript, the DOM nor the network', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const probes = [
    ['import js', /ModuleNotFoundError/],
    ['import os', /ModuleNotFoundError/],
    ['import urllib', /ModuleNotFoundError/],
    ['eval("1 + 1")', /NameError: name 'eval' is not defined/],
    ['exec("x = 1")', /NameError: name 'exec' is not defined/],
    ['__import__("os")', /NameError: name '__import__' is not defined/],
    [`open(${JSON.stringify(`${server.url}leak`)}).read()`, /Error/],
    ['import torch\ntorch.load("http://127.0.0.1/leak")', /Error/],
  ];
  await setNotebook(
    page,
    probes.map(([src]) => src),
  );
  const before = server.requests.length;
  for (let i = 0; i < probes.length; i++) {
    assert.equal(await runAndWait(page, i), 'error', probes[i][0]);
    assert.match(await cell(page, i).getByTestId('cell-error').textContent(), probes[i][1], probes[i][0]);
  }
  // (sw.js: the browser's own update check of the service worker, not the program's doing.)
  assert.deepEqual(
    server.requests.slice(before).filter((p) => p !== '/sw.js'),
    [],
    'running the probes requested nothing',
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('broken imports and links are refused with a clear message and the cells are kept', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['kept = 1']);
  const cells = await cellSources(page);
  const tryImport = async (name, buffer) => {
    // A file on disk: the browser reads it itself (a 21 MB buffer would cross the DevTools pipe).
    const path = join(mkdtempSync('/tmp/gradlab-browser/import-'), name);
    writeFileSync(path, buffer);
    await page.getByTestId('import-file').setInputFiles(path);
    await page.waitForFunction((n) => document.querySelector('[data-testid=notice]')?.textContent.includes(n), name);
    return page.getByTestId('notice').innerText();
  };
  assert.match(
    await tryImport('broken.ipynb', Buffer.from('{"cells": [')),
    /Could not import broken\.ipynb: it is not valid JSON, so not a Jupyter notebook/,
  );
  assert.match(
    await tryImport('other.ipynb', Buffer.from('{"name": "a package.json"}')),
    /Could not import other\.ipynb: not a Jupyter notebook \(no cells\)/,
  );
  assert.match(
    await tryImport('huge.py', Buffer.alloc(21 * 1024 * 1024, 'x')),
    /Could not import huge\.py: the file is 21\.0 MB; gradlab imports files up to 20\.0 MB/,
  );
  const many = { nbformat: 4, cells: Array.from({ length: 1001 }, () => ({ cell_type: 'code', source: 'x' })) };
  assert.match(
    await tryImport('many.ipynb', Buffer.from(JSON.stringify(many))),
    /Could not import many\.ipynb: it has 1001 cells; gradlab opens up to 1000/,
  );
  assert.deepEqual(await cellSources(page), cells);
  // A link that inflates to 64 MB is refused without inflating it all.
  const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 }).toString('base64url');
  await page.evaluate((h) => {
    location.hash = h;
  }, `nb=${bomb}`);
  await page.waitForFunction(() => /damaged/.test(document.querySelector('[data-testid=notice]')?.textContent ?? ''));
  assert.deepEqual(await cellSources(page), cells);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a module that traps mid-run is replaced: the page says so and keeps every cell', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, ['x = 41', 'while True:\n    x = x + 0', 'print(x + 1)']);
  const cells = await cellSources(page);
  assert.equal(await runAndWait(page, 0), 'done');
  await cell(page, 1).getByTestId('run-cell').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.state === 'running');
  const worker = page.workers().find((w) => w.url().endsWith('/worker.mjs'));
  assert.ok(worker, 'the session worker');
  // PROTOCOL.md §3 debug-trap, sent from inside the worker (nothing on the page sends it).
  await worker.evaluate(() => /** @type {any} */ (self).onmessage({ data: { type: 'debug-trap' } }));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=cell]')[1]?.dataset.state === 'error');
  assert.match(
    await page.getByTestId('notice').innerText(),
    /The session was reset: RuntimeError: memory access out of bounds\. Variables are gone; your cells are kept\./,
  );
  assert.match(await cell(page, 1).innerText(), /The session ended while this cell was running\./);
  assert.deepEqual(await cellSources(page), cells);
  // A fresh session runs: x is gone until its cell runs again.
  await page.waitForSelector('body[data-kernel=idle]');
  assert.equal(await runAndWait(page, 2), 'error');
  assert.match(await cell(page, 2).getByTestId('cell-error').textContent(), /NameError: name 'x' is not defined/);
  assert.equal(await runAndWait(page, 0), 'done');
  assert.equal(await runAndWait(page, 2), 'done');
  assert.equal(await outputText(page, 2), '42\n');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a tab killed mid-typing loses no keystroke', async () => {
  const { page } = await openPage(browser.context, server.url);
  await setNotebook(page, ['first = 1', '']);
  await typeCell(page, 1, '');
  const typed = 'loss = (pred - y) ** 2  # typed without a pause';
  const cdp = await browser.context.newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  await page.keyboard.type(typed); // one key event per character, no waiting in between
  // The renderer dies right after the last key: no pagehide, no unload, no timer runs.
  cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
  await crashed;
  await page.close();
  const { page: again, problems } = await openPage(browser.context, server.url);
  assert.deepEqual(await cellSources(again), [code('first = 1'), code(typed)]);
  assert.deepEqual(problems, []);
  await again.close();
});

test('after one visit the page opens and runs a cell with the server stopped (service worker)', async () => {
  const own = await serve();
  const fresh = await launch();
  try {
    const { page, problems } = await openPage(fresh.context, own.url);
    await controlled(page);
    await page.waitForSelector('body[data-kernel=idle]');
    await own.stop();
    await assert.rejects(fetch(own.url), 'the server is down');
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForSelector('body[data-kernel=idle]');
    await typeCell(page, 1, 'import torch\nprint(torch.arange(3) * 2)');
    assert.equal(await runAndWait(page, 1), 'done');
    assert.equal(await outputText(page, 1), 'tensor([0, 2, 4])\n');
    assert.deepEqual(problems, []);
  } finally {
    await fresh.close();
    await own.stop().catch(() => {});
  }
});

test('a new build takes over on the next visit and its old cache is deleted', async () => {
  const dir = mkdtempSync('/tmp/gradlab-browser/site-');
  cpSync(SITE, dir, { recursive: true });
  const { url, child } = await serveSh(dir);
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    await controlled(page);
    const keys = () => page.evaluate(() => caches.keys());
    const [first] = await keys();
    assert.match(first, /^gradlab-[0-9a-f]{16}$/);
    // The next build: its stylesheet changed, and so did sw.js (its version is a hash of the site).
    appendFileSync(join(dir, 'app.css'), '\n/* the next build */\n');
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    const version = first.slice('gradlab-'.length);
    assert.ok(sw.includes(`"${version}"`), 'sw.js carries its version');
    writeFileSync(join(dir, 'sw.js'), sw.replace(`"${version}"`, '"0123456789abcdef"'));
    // The browser checks sw.js on a visit: the new worker installs, deletes the old cache when
    // it activates, and takes over. Wait for it to be the active, activated worker.
    await page.reload();
    await page.evaluate(async (want) => {
      const reg = await navigator.serviceWorker.ready;
      for (;;) {
        const w = reg.installing ?? reg.waiting ?? reg.active;
        const next = new Promise((ok) => {
          reg.addEventListener('updatefound', ok, { once: true });
          w?.addEventListener('statechange', ok, { once: true });
        });
        const settled = !reg.installing && !reg.waiting && reg.active?.state === 'activated';
        if (settled && (await caches.keys()).includes(want)) return;
        await next;
      }
    }, 'gradlab-0123456789abcdef');
    assert.deepEqual(await keys(), ['gradlab-0123456789abcdef'], 'only the new version is cached');
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    const css = await page.evaluate(async () => (await fetch('app.css')).text());
    assert.match(css, /the next build/);
  } finally {
    await page.close();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
