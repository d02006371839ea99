// Runs one gradlab program on the built page in headless Chromium, the way a student does: the
// site is served on 127.0.0.1, the page loads, the program becomes the notebook's only cell
// (through the page's own .py import), the cell's run button runs it in the page's worker and
// module, and the cell's printed output is copied to stdout once the cell has finished. On an
// error the cell's output (the traceback) goes to stderr and the exit status is 1. Used by
// bench/run for the gradlab-chromium runner; the page and browser helpers are the browser
// tests' (tests/browser/harness.mjs).
// --js-flags FLAGS passes V8 flags to Chromium: `--no-liftoff` compiles the module with the
// optimizing tier up front, where the page's default is V8's baseline tier first and the
// optimizing tier for hot functions later, on background threads (which a busy machine starves:
// see bench/README.md).
// --data-dir DIR adds every file of DIR with the page's "Add data file" button before the run
// (the page names each by its file name: the program opens "./NAME").
// --idle SECONDS waits that long on the opened page before pressing run, as a student reading the
// cell would; the page's worker uses idle time for its warm-up (wasm/warmup.mjs).
// usage: node bench/chromium_run.mjs FILE.py [--site DIR] [--timeout SECONDS] [--js-flags FLAGS] [--idle SECONDS]
//   [--data-dir DIR]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let file = null;
let timeoutS = 1800;
let jsFlags = null;
let idleS = 0;
let dataDir = null;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--site') process.env.GRADLAB_SITE_DIR = path.resolve(args[++i]);
  else if (args[i] === '--timeout') timeoutS = Number(args[++i]);
  else if (args[i] === '--js-flags') jsFlags = args[++i];
  else if (args[i] === '--idle') idleS = Number(args[++i]);
  else if (args[i] === '--data-dir') dataDir = args[++i];
  else file = args[i];
}
if (!file) {
  console.error(
    'usage: node bench/chromium_run.mjs FILE.py [--site DIR] [--timeout SECONDS] [--js-flags FLAGS] [--idle SECONDS] [--data-dir DIR]',
  );
  process.exit(2);
}
// After GRADLAB_SITE_DIR is set: the harness reads it when it loads.
const { serve, launch, openPage, setNotebook, cell, outputText } = await import('../tests/browser/harness.mjs');

const code = readFileSync(file, 'utf8');
if (/^# %%/m.test(code)) {
  console.error(`${file} contains a "# %%" cell marker: it would not import as one cell`);
  process.exit(2);
}
const server = await serve();
// The harness's launch arguments (tests/browser/harness.mjs), plus the V8 flags when given.
const browser = await launch(
  jsFlags
    ? {
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--js-flags=${jsFlags}`,
        ],
      }
    : {},
);
let status = 2;
try {
  const { page, problems } = await openPage(browser.context, server.url);
  await setNotebook(page, [code.replace(/\n+$/, '')]);
  if (dataDir) {
    const files = readdirSync(dataDir)
      .sort()
      .map((n) => path.join(dataDir, n))
      .filter((f) => statSync(f).isFile());
    await page.getByTestId('add-data-file').setInputFiles(files);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=data-files] li').length === n,
      files.length,
      { timeout: 60_000 },
    );
  }
  if (idleS > 0) await page.waitForTimeout(idleS * 1000);
  await cell(page, 0).getByTestId('run-cell').click();
  await page.waitForFunction(
    () => ['done', 'error', 'stopped'].includes(document.querySelectorAll('[data-testid=cell]')[0]?.dataset.state),
    null,
    { timeout: timeoutS * 1000, polling: 250 },
  );
  const state = await cell(page, 0).getAttribute('data-state');
  const text = await outputText(page, 0);
  if (state === 'done') {
    process.stdout.write(text);
    status = 0;
  } else {
    const err = await cell(page, 0)
      .locator('[data-testid=cell-error]')
      .allTextContents()
      .catch(() => []);
    console.error(`cell ended ${state}\n${text}${err.join('\n')}`);
    status = 1;
  }
  if (problems.length) console.error(problems.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
process.exit(status);
