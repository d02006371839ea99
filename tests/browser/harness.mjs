// Shared by the browser tests: a static server for the built site (127.0.0.1, correct MIME
// types), Debian's Chromium through playwright-core (TOOLCHAIN.md §d), and helpers that drive
// the page through its data-testid contract. Waits are on page state, never on sleeps.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SITE = resolve(process.env.GRADLAB_SITE_DIR || join(ROOT, 'build/wasm/site'));
export const CASES = resolve(process.env.GRADLAB_CONFORMANCE_CASES || join(ROOT, '../shared/conformance/cases'));
/** How long one wait on the page may take: the 1000-epoch training cell runs for seconds. */
export const WAIT_MS = 60_000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Fails with a useful message when the site or its module is not built. */
export function checkSite() {
  for (const f of ['index.html', 'app.js', 'worker.mjs', 'gradlab.mjs', 'gradlab.wasm']) {
    if (!existsSync(join(SITE, f))) {
      throw new Error(`${join(SITE, f)} is missing: build the wasm preset (cmake --build --preset wasm)`);
    }
  }
}

/**
 * The Content-Security-Policy of the built page (its meta tag), which the server also sends as
 * the page's header, as scripts/serve.sh does: the tests see what production sends.
 */
export function sitePolicy() {
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
    readFileSync(join(SITE, 'index.html'), 'utf8'),
  );
  if (!m) throw new Error(`${join(SITE, 'index.html')} has no Content-Security-Policy meta tag`);
  return m[1];
}

/**
 * Serves SITE on 127.0.0.1 (an ephemeral port), with the page's CSP as a header.
 * `stop()` drops open connections too (the offline test: the server is gone at once).
 * @returns {Promise<{url: string, requests: string[], close: () => Promise<void>, stop: () => Promise<void>}>}
 */
export async function serve() {
  checkSite();
  const policy = sitePolicy();
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(SITE, path === '/' ? 'index.html' : path));
    if (!file.startsWith(SITE) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
      // The page's policy on every response, as scripts/serve.sh sends it (the worker's too).
      'content-security-policy': policy,
    });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
    stop: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/**
 * Debian's Chromium, headless, in a throwaway profile.
 * @param {object} [options]  more context options (a device's viewport and touch, bypassCSP)
 * @returns {Promise<{context: import('playwright-core').BrowserContext, close: () => Promise<void>}>}
 */
export async function launch(options = {}) {
  mkdirSync('/tmp/gradlab-browser', { recursive: true });
  const profile = mkdtempSync('/tmp/gradlab-browser/profile-');
  const home = mkdtempSync('/tmp/gradlab-browser/home-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.GRADLAB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: `${home}/.config`, XDG_CACHE_HOME: `${home}/.cache` },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
  context.setDefaultTimeout(WAIT_MS);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the page and records console errors, page errors and CSP violations.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
  return { page, problems };
}

/** The n-th cell (0-based). @param {import('playwright-core').Page} page */
export const cell = (page, n) => page.locator('[data-testid=cell]').nth(n);

/**
 * Replaces a cell's text the way a student's typing or paste arrives (an input event, so the
 * editor's auto-indent does not re-indent it), and checks that the editor holds exactly it.
 * @param {import('playwright-core').Page} page
 * @param {number} n
 * @param {string} code
 */
export async function typeCell(page, n, code) {
  await cell(page, n).locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  if (code) await page.keyboard.insertText(code);
  await page.keyboard.press('Escape'); // close a completion popup, if one opened
  const text = await editorText(page, n);
  if (text !== code) throw new Error(`cell ${n} holds ${JSON.stringify(text)}, not ${JSON.stringify(code)}`);
}

/** A cell's source, from CodeMirror's state (lines out of view are not in the DOM). */
export async function editorText(page, n) {
  return cell(page, n)
    .locator('.cm-content')
    .evaluate((el) => {
      /** @type {any} */ const node = el;
      const view = (node.cmTile ?? node.cmView)?.root?.view;
      if (!view) throw new Error('no EditorView on .cm-content (CodeMirror internals changed?)');
      return view.state.doc.toString();
    });
}

/**
 * Waits until the n-th cell is in one of `states` (data-state).
 * @param {import('playwright-core').Page} page
 * @param {number} n
 * @param {string[]} states
 */
export async function waitState(page, n, states) {
  await page.waitForFunction(
    ([i, s]) => s.includes(document.querySelectorAll('[data-testid=cell]')[i]?.dataset.state),
    [n, states],
    { timeout: WAIT_MS },
  );
  return cell(page, n).getAttribute('data-state');
}

/** All printed text of the n-th cell. */
export async function outputText(page, n) {
  return (await cell(page, n).locator('[data-testid=cell-output]').allTextContents()).join('');
}

/** Runs the n-th cell with its run button and waits for it to finish. */
export async function runAndWait(page, n) {
  await cell(page, n).getByTestId('run-cell').click();
  return waitState(page, n, ['done', 'error', 'stopped']);
}

/** Clicks "+ Code" and types `code` into the new last cell; returns its index. */
export async function addCell(page, code) {
  await page.getByTestId('add-cell').click();
  const n = (await page.locator('[data-testid=cell]').count()) - 1;
  await typeCell(page, n, code);
  return n;
}

/** Every cell's kind and text, in order. */
export async function cellSources(page) {
  const n = await page.locator('[data-testid=cell]').count();
  const out = [];
  for (let i = 0; i < n; i++)
    out.push({ kind: await cell(page, i).getAttribute('data-kind'), source: await editorText(page, i) });
  return out;
}

/** Makes the notebook exactly these code cells (through the page's own .py import). */
export async function setNotebook(page, sources) {
  const py = sources.map((s) => `# %%\n${s}`).join('\n\n');
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'setup.py', mimeType: 'text/x-python', buffer: Buffer.from(py) });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=cell]').length === n, sources.length);
}

export { readFileSync, join };
