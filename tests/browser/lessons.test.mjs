// The course on the page: the lesson menu, lessons with math and runnable cells, and exercises
// checked in a fresh session with their progress kept across a reload. Every cell of every
// lesson runs in the browser and prints what PyTorch 1.13 prints (tests/exercises/lessons_expected).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve,
  launch,
  openPage,
  typeCell,
  editorText,
  cellSources,
  ROOT,
  SITE,
  join,
  readFileSync,
} from './harness.mjs';
import { parseExercise, parseLesson } from '../../web/lessons/course.js';
import { CourseSession, Progress, PROGRESS_KEY, checkExercise } from '../../web/src/lessons.js';
import { mathSpans } from '../../web/src/markdown.js';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const LESSONS = join(ROOT, 'web/lessons');
/** @type {{lessons: {id: string, title: string, file: string, exercises: {id: string, title: string, file: string}[]}[]}} */
const index = JSON.parse(readFileSync(join(LESSONS, 'index.json'), 'utf8'));
const exerciseEntry = (id) => index.lessons.flatMap((l) => l.exercises).find((e) => e.id === id);
const exercise = (id) => parseExercise(readFileSync(join(LESSONS, exerciseEntry(id).file), 'utf8'));

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

/** Opens the lesson view and waits for its menu. @param {import('playwright-core').Page} page */
async function openMenu(page) {
  await page.getByTestId('lessons-button').click();
  await page.locator('[data-testid=lesson-menu] .lesson-link').first().waitFor();
}

/** @param {import('playwright-core').Page} page @param {string} id */
const panel = (page, id) => page.locator(`[data-testid=exercise][data-exercise-id="${id}"]`);

/** The code in an exercise's editor, from CodeMirror's state. */
async function exerciseCode(page, id) {
  return panel(page, id)
    .locator('.cm-content')
    .evaluate((el) => {
      /** @type {any} */ const node = el;
      return (node.cmTile ?? node.cmView)?.root?.view.state.doc.toString();
    });
}

/** Replaces an exercise's code as typing or a paste would, and checks the editor holds it. */
async function typeExercise(page, id, code) {
  await panel(page, id).locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(code);
  await page.keyboard.press('Escape');
  assert.equal(await exerciseCode(page, id), code);
}

/** Clicks Check and waits for the verdict. @returns {Promise<{status: string, text: string}>} */
async function check(page, id) {
  const p = panel(page, id);
  await p.getByTestId('exercise-check').click();
  await page.waitForFunction((x) => {
    const v = document.querySelector(`[data-exercise-id="${x}"] [data-testid=exercise-verdict]`);
    return v && v.dataset.status && v.dataset.status !== 'running';
  }, id);
  const v = p.getByTestId('exercise-verdict');
  return { status: await v.getAttribute('data-status'), text: await v.innerText() };
}

test('nothing of the course loads before the Lessons button, and the notebook survives a lesson', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  await typeCell(page, 1, 'mine = 42\nprint(mine)');
  const before = await cellSources(page);
  const course = (p) => /^\/(lessons\/|lessonview-)/.test(p);
  assert.deepEqual(server.requests.filter(course), [], 'the first load fetched course files');

  await openMenu(page);
  assert.equal(await page.getByTestId('notebook').isVisible(), false, 'the lesson view replaces the notebook');
  assert.equal(await page.locator('[data-testid=lesson-menu] .lesson-link').count(), index.lessons.length);
  for (const lesson of index.lessons) {
    await page.getByTestId(`lesson-${lesson.id}`).waitFor();
    for (const ex of lesson.exercises) {
      const entry = page.getByTestId(`exercise-${ex.id}`);
      assert.equal(await entry.getAttribute('data-status'), 'new');
      assert.match(await entry.innerText(), new RegExp(ex.title.replace(/[*()]/g, '\\$&')));
    }
  }
  assert.equal(await page.getByTestId('lesson-means').getByTestId('lesson-progress').innerText(), '0/3');

  // A lesson: its prose with math (KaTeX's MathML, written at build time), and its cells.
  await page.getByTestId('lesson-means').click();
  await page.locator('[data-testid=lesson][data-lesson-id=means] [data-testid=lesson-cell]').first().waitFor();
  const cells = parseLesson(readFileSync(join(LESSONS, '06-means.md'), 'utf8')).filter((c) => c.type === 'code');
  assert.equal(await page.getByTestId('lesson-cell').count(), cells.length);
  assert.ok((await page.locator('[data-testid=lesson] .katex').count()) >= 3, 'inline math is rendered');
  assert.equal(await page.locator('[data-testid=lesson] .katex-error').count(), 0);
  assert.equal(await page.getByTestId('exercise').count(), 3, 'the lesson shows its three exercises');
  assert.ok((await page.locator('[data-testid=lesson] .katex math').count()) >= 3, 'KaTeX writes MathML');
  assert.equal(await page.locator('[data-testid=lesson] .math-missing').count(), 0, 'a formula was not pre-rendered');
  // The math comes rendered in lessons/course.json: no script the page loaded carries KaTeX.
  const scripts = server.requests.filter((p) => /\.m?js$/.test(p));
  assert.ok(
    scripts.some((p) => /^\/lessonview-/.test(p)),
    `the lesson view's chunk is not among ${scripts}`,
  );
  for (const p of scripts) assert.ok(!readFileSync(join(SITE, p), 'utf8').includes('KaTeX parse error'), `${p}: KaTeX`);

  // A lesson cell runs in the lesson's own session: the notebook's variables are not there.
  const first = page.getByTestId('lesson-cell').first();
  await first.getByTestId('run-cell').click();
  await page.waitForFunction(() =>
    ['done', 'error'].includes(document.querySelector('[data-testid=lesson-cell]')?.dataset.state),
  );
  assert.equal(await first.getAttribute('data-state'), 'done');
  assert.equal(
    await first.locator('[data-testid=cell-output]').textContent(),
    'tensor([5, 9, 4, 8, 3])\nMean: tensor(5.8000)\nMean: 5.800000190734863\n',
  );

  // Back to the notebook: the same cells, text unchanged, and it still runs.
  await page.getByTestId('lessons-close').click();
  assert.equal(await page.getByTestId('notebook').isVisible(), true);
  assert.equal(await page.getByTestId('lesson-view').isVisible(), false);
  assert.deepEqual(await cellSources(page), before);
  assert.equal(await editorText(page, 1), 'mine = 42\nprint(mine)');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Task 1: hints one at a time, a wrong answer explained, a right one solved and still solved after a reload', async () => {
  const id = 'task1-sigmoid';
  const ex = exercise(id);
  const { page, problems } = await openPage(browser.context, server.url);
  await openMenu(page);
  await page.getByTestId(`exercise-${id}`).click();
  const p = panel(page, id);
  await p.waitFor();
  assert.equal(await exerciseCode(page, id), ex.starter, 'the editor starts with the starter code');
  assert.equal(await p.getByTestId('exercise-solved-mark').isVisible(), false);
  assert.ok((await p.getByTestId('exercise-statement').locator('.katex-display').count()) >= 2, 'displayed math');

  // Hints, one per click, then "No more hints".
  assert.equal(await p.getByTestId('exercise-hint-text').count(), 0);
  for (let i = 1; i <= ex.hints.length; i++) {
    await p.getByTestId('exercise-hint').click();
    assert.equal(await p.getByTestId('exercise-hint-text').count(), i);
    const first = ex.hints[i - 1].split(/[`$*]/)[0].trim();
    assert.ok(
      (
        await p
          .getByTestId('exercise-hint-text')
          .nth(i - 1)
          .innerText()
      ).startsWith(first),
      `hint ${i}`,
    );
  }
  assert.equal(await p.getByTestId('exercise-no-more-hints').isVisible(), false);
  await p.getByTestId('exercise-hint').click();
  assert.equal(await p.getByTestId('exercise-no-more-hints').innerText(), 'No more hints.');
  assert.equal(await p.getByTestId('exercise-hint-text').count(), ex.hints.length);

  // The starter code fails with the check's explanation.
  let v = await check(page, id);
  assert.equal(v.status, 'fail');
  assert.match(v.text, /result/);
  assert.equal(await page.getByTestId(`exercise-${id}`).getAttribute('data-status'), 'attempted');

  // A wrong answer (the first 5 elements) is explained in the check's words.
  await typeExercise(page, id, ex.solution.replace('s[-5:]', 's[:5]'));
  v = await check(page, id);
  assert.equal(v.status, 'fail');
  assert.match(v.text, /first 5 elements/);

  // The check runs in a fresh session: the solution's variables, left by Run, do not count.
  await typeExercise(page, id, ex.solution);
  await p.getByTestId('exercise-run').click();
  await page.waitForFunction((x) => document.querySelector(`[data-exercise-id="${x}"]`)?.dataset.busy === 'false', id);
  const solutionOutput = await p.getByTestId('cell-output').textContent();
  assert.match(solutionOutput, /^tensor\(\[0\.5498, /);
  await typeExercise(page, id, 'print(result)');
  v = await check(page, id);
  assert.equal(v.status, 'error');
  assert.match(await p.getByTestId('cell-error').innerText(), /NameError: name 'result' is not defined/);

  // Printing the expected output is not an answer.
  await typeExercise(page, id, `${ex.starter}\nprint(${JSON.stringify(solutionOutput.trimEnd())})`);
  v = await check(page, id);
  assert.equal(v.status, 'fail');

  // The solution passes; the exercise, its menu entry and its lesson's count say so.
  await typeExercise(page, id, ex.solution);
  v = await check(page, id);
  assert.equal(v.status, 'pass', v.text);
  assert.match(v.text, /Solved/);
  assert.equal(await p.getByTestId('exercise-solved-mark').isVisible(), true);
  assert.equal(await page.getByTestId(`exercise-${id}`).getAttribute('data-status'), 'solved');
  assert.equal(await page.getByTestId('lesson-means').getByTestId('lesson-progress').innerText(), '1/3');

  // After a reload: still solved, the code and the hints are as they were.
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await openMenu(page);
  assert.equal(await page.getByTestId(`exercise-${id}`).getAttribute('data-status'), 'solved');
  assert.equal(await page.getByTestId('lesson-means').getByTestId('lesson-progress').innerText(), '1/3');
  await page.getByTestId(`exercise-${id}`).click();
  await p.waitFor();
  assert.equal(await p.getByTestId('exercise-solved-mark').isVisible(), true);
  assert.equal(await exerciseCode(page, id), ex.solution);
  assert.equal(await p.getByTestId('exercise-hint-text').count(), ex.hints.length);

  // The solution is shown only after a confirmation.
  page.once('dialog', (d) => d.dismiss());
  await p.getByTestId('exercise-solution').click();
  assert.equal(await p.getByTestId('exercise-solution-code').isVisible(), false);
  page.once('dialog', (d) => d.accept());
  await p.getByTestId('exercise-solution').click();
  assert.ok((await p.getByTestId('exercise-solution-code').innerText()).includes('result = s[-5:]'));

  // Reset, after a confirmation, brings the starter code back (and it stays solved).
  page.once('dialog', (d) => d.dismiss());
  await p.getByTestId('exercise-reset').click();
  assert.equal(await exerciseCode(page, id), ex.solution);
  page.once('dialog', (d) => d.accept());
  await p.getByTestId('exercise-reset').click();
  assert.equal(await exerciseCode(page, id), ex.starter);
  assert.equal(await p.getByTestId('exercise-hint-text').count(), 0);
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  await openMenu(page);
  await page.getByTestId(`exercise-${id}`).click();
  await p.waitFor();
  assert.equal(await exerciseCode(page, id), ex.starter);
  assert.equal(await page.getByTestId(`exercise-${id}`).getAttribute('data-status'), 'solved');
  assert.deepEqual(problems, []);
  await page.close();
});

test('every cell of every lesson runs in the browser and prints what PyTorch prints', async () => {
  const { page, problems } = await openPage(browser.context, server.url);
  const missing = [];
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
  });
  await openMenu(page);
  for (const lesson of index.lessons) {
    const cells = parseLesson(readFileSync(join(LESSONS, lesson.file), 'utf8')).filter((c) => c.type === 'code');
    await page.getByTestId(`lesson-${lesson.id}`).click();
    await page.locator(`[data-testid=lesson][data-lesson-id="${lesson.id}"]`).waitFor();
    assert.equal(await page.getByTestId('lesson-cell').count(), cells.length, lesson.id);
    await page.getByTestId('lesson-run-all').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=lesson-cell]')].every((c) =>
        ['done', 'error', 'stopped', 'cancelled'].includes(c.dataset.state),
      ),
    );
    const states = await page.getByTestId('lesson-cell').evaluateAll((els) => els.map((e) => e.dataset.state));
    const errors = await page.locator('[data-testid=lesson-cell] [data-testid=cell-error]').allInnerTexts();
    assert.deepEqual(
      states,
      cells.map(() => 'done'),
      `${lesson.id}: ${errors.join('\n')}`,
    );
    const printed = await page
      .getByTestId('lesson-cell')
      .evaluateAll((els) =>
        els
          .map((e) => [...e.querySelectorAll('[data-testid=cell-output]')].map((o) => o.textContent).join(''))
          .join(''),
      );
    const expected = readFileSync(join(ROOT, 'tests/exercises/lessons_expected', `${lesson.id}.out`), 'utf8');
    assert.equal(printed, expected, `${lesson.id} prints what PyTorch prints`);
    // Every hint of every exercise, so that all of the course's math is set below.
    for (const ex of lesson.exercises) {
      const n = exercise(ex.id).hints.length;
      for (let i = 0; i < n; i++) await panel(page, ex.id).getByTestId('exercise-hint').click();
    }
    assert.equal(await page.locator('[data-testid=lesson] .katex-error').count(), 0, `${lesson.id}: a TeX error`);
    // Every formula of the lesson, its statements and its hints, in page order, as MathML that
    // KaTeX wrote at build time (its annotation is the TeX), displayed or inline as written.
    const expectedMath = [
      ...parseLesson(readFileSync(join(LESSONS, lesson.file), 'utf8'))
        .filter((p) => p.type === 'markdown')
        .map((p) => p.text),
      ...lesson.exercises.flatMap((e) => [exercise(e.id).statement, ...exercise(e.id).hints]),
    ]
      .flatMap((text) => mathSpans(text))
      .map(({ tex, display }) => `${display ? 'block' : 'inline'} ${tex}`);
    const shownMath = await page
      .getByTestId('lesson')
      .locator('math')
      .evaluateAll((els) =>
        els.map(
          (m) =>
            `${m.getAttribute('display') ?? 'inline'} ${m.querySelector('annotation[encoding="application/x-tex"]')?.textContent}`,
        ),
      );
    assert.deepEqual(shownMath, expectedMath, `${lesson.id}: its math`);
    assert.equal(
      await page.locator('[data-testid=lesson] .math-missing').count(),
      0,
      `${lesson.id}: math not rendered`,
    );
  }
  // No font the page asks for is missing.
  await page.evaluate(() => document.fonts.ready);
  const failed = await page.evaluate(() =>
    [...document.fonts].filter((f) => f.status === 'error').map((f) => `${f.family} ${f.weight} ${f.style}`),
  );
  assert.deepEqual(failed, []);
  assert.deepEqual(missing, []);
  assert.deepEqual(problems, []);
  await page.close();
});

// ---- the course's math, found by the page's Markdown rules and rendered at build time --------

test("the course's math is found by the lesson view's own Markdown rules", () => {
  const source = [
    '# The $\\sigma$ function',
    'Inline $x_i$ and **bold $a$**, a `$code$` span, $ 5 and $ not math, nor $',
    '- a list item with $b^2$',
    '```text',
    '$not math$',
    '```',
    '$$y = \\frac{1}{2}$$',
    '$$',
    'z = 1',
    '$$',
  ].join('\n');
  assert.deepEqual(mathSpans(source), [
    { tex: '\\sigma', display: false },
    { tex: 'x_i', display: false },
    { tex: 'a', display: false },
    { tex: 'b^2', display: false },
    { tex: 'y = \\frac{1}{2}', display: true },
    { tex: '\nz = 1\n', display: true },
  ]);
});

test('a TeX error in a lesson stops the build, naming the file and the TeX', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-lessons-'));
  try {
    const lessons = join(dir, 'lessons');
    cpSync(LESSONS, lessons, { recursive: true });
    const file = index.lessons.find((l) => l.id === 'means').file;
    const text = readFileSync(join(lessons, file), 'utf8');
    writeFileSync(join(lessons, file), text.replace(/\n\n/, '\n\nBroken: $\\frac{1}{2$.\n\n'));
    const site = join(dir, 'site');
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'web/build.mjs'), '--out', site, '--lessons', lessons, '--wasm-optional'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`a TeX error in .*lessons/${file}: \\$\\\\frac\\{1\\}\\{2\\$`));
    assert.match(r.stderr, /KaTeX parse error/);
    assert.equal(existsSync(site), false, 'nothing is written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the check flow and the progress store under Node (a scripted worker, no browser) ------

/** A stand-in for the module worker: records what is posted, replies when told to. */
class ScriptedWorker {
  static last = null;
  constructor() {
    this.posted = [];
    ScriptedWorker.last = this;
  }
  postMessage(msg) {
    this.posted.push(msg);
    this.onPost?.(msg);
  }
  terminate() {}
  say(data) {
    this.onmessage?.({ data });
  }
}

/** A CourseSession on a scripted worker that answers each run with `reply(code)`. */
function scriptedSession(reply) {
  globalThis.Worker = /** @type {any} */ (ScriptedWorker);
  const session = new CourseSession('worker.mjs');
  const w = ScriptedWorker.last;
  w.onPost = (msg) => {
    if (msg.type !== 'run') return;
    const r = reply(msg.code);
    queueMicrotask(() => {
      if (r.text) w.say({ type: 'events', runId: msg.runId, events: [{ kind: 'text', text: r.text }] });
      if (r.state) w.say({ type: 'state', runId: msg.runId, state: r.state, line: 0, elapsedMs: 1, error: r.error });
    });
  };
  w.say({ type: 'ready' });
  return { session, w };
}

const TOKEN_LINE = /_chk_finish\("([0-9a-f]+)", (".*")\)\n$/;

test('a check resets the session, runs the code, then the check cell with its output, and reads the verdict', async () => {
  const seen = [];
  const { session, w } = scriptedSession((code) => {
    const m = TOKEN_LINE.exec(code);
    if (!m) return { text: 'tensor([0.5498])\n', state: 'done' };
    seen.push(JSON.parse(m[2]));
    assert.ok(code.startsWith('PRELUDE\n'), 'the check cell starts with the prelude');
    assert.ok(code.includes('def _check(out):\n    pass\n'), 'then the check');
    return { text: `fake PASS\n\n\x1e${m[1]} PASS\n`, state: 'done' };
  });
  const shown = [];
  const v = await checkExercise(session, 'PRELUDE', { check: 'def _check(out):\n    pass' }, 'print(x)', {
    onEvents: (events) => shown.push(...events.map((e) => e.text)),
  });
  assert.deepEqual(v, { status: 'pass', message: '' });
  const kinds = w.posted.filter((m) => m.type !== 'variables').map((m) => m.type);
  assert.deepEqual(kinds, ['reset', 'run', 'run'], 'a fresh session first, then the two cells');
  assert.equal(w.posted.find((m) => m.type === 'run').code, 'print(x)');
  assert.deepEqual(seen, ['tensor([0.5498])\n'], "the check cell receives the student's output");
  assert.deepEqual(shown, ['tensor([0.5498])\n'], "only the student's cell is shown, never the check's");
});

test("a check does not run after an error in the student's code, and a failure carries its message", async () => {
  const error = {
    type: 'NameError',
    message: "name 'a' is not defined",
    line: 1,
    column: 7,
    length: 1,
    file: '<exercise>',
  };
  let { session, w } = scriptedSession(() => ({ state: 'error', error }));
  let v = await checkExercise(session, 'P', { check: 'C' }, 'print(a)');
  assert.equal(v.status, 'error');
  assert.deepEqual(v.error, error);
  assert.equal(w.posted.filter((m) => m.type === 'run').length, 1, 'no check cell');

  ({ session, w } = scriptedSession((code) => {
    const m = TOKEN_LINE.exec(code);
    if (!m) return { text: `\n\x1e${'0'.repeat(32)} PASS\n`, state: 'done' }; // a forged verdict line
    return { text: `\n\x1e${m[1]} FAIL\n\`result\` has shape [8]\n\x1e${m[1]} END\n`, state: 'done' };
  }));
  v = await checkExercise(session, 'P', { check: 'C' }, 'print(...)');
  assert.deepEqual(v, { status: 'fail', message: '`result` has shape [8]' });
});

test('a check that runs too long is stopped and is incomplete, never passed', async () => {
  const { session, w } = scriptedSession((code) => (TOKEN_LINE.test(code) ? {} : { state: 'done' }));
  w.onPost = ((post) => (msg) => {
    post(msg);
    if (msg.type === 'stop') {
      const run = w.posted.filter((m) => m.type === 'run').at(-1);
      queueMicrotask(() => w.say({ type: 'state', runId: run.runId, state: 'stopped', line: 3, elapsedMs: 9 }));
    }
  })(w.onPost);
  const v = await checkExercise(session, 'P', { check: 'C' }, 'x = 1', { timeoutMs: 20 });
  assert.equal(v.status, 'incomplete');
  assert.ok(
    w.posted.some((m) => m.type === 'stop'),
    'Stop was sent',
  );
});

test('progress is read back checked: unknown statuses and bad fields are dropped', (t) => {
  const store = new Map();
  // Browser globals for Progress, taken away again at the end (other code may test for them).
  const g = /** @type {any} */ (globalThis);
  const added = ['localStorage', 'addEventListener', 'document'].filter((k) => !(k in g));
  t.after(() => added.forEach((k) => delete g[k]));
  g.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  g.addEventListener ??= () => {};
  g.document ??= { addEventListener() {} };
  store.set(
    PROGRESS_KEY,
    JSON.stringify({
      exercises: {
        a: { status: 'solved', code: 'x = 1', hints: 2 },
        b: { status: 'owned', code: 5, hints: -1 },
        c: null,
      },
    }),
  );
  const p = new Progress();
  assert.deepEqual(p.get('a'), { status: 'solved', code: 'x = 1', hints: 2 });
  assert.deepEqual(p.get('b'), { status: 'new', code: null, hints: 0 });
  assert.deepEqual(p.get('c'), { status: 'new', code: null, hints: 0 });
  assert.equal(p.solved([{ id: 'a' }, { id: 'b' }]), 1);
  p.update('b', { status: 'attempted', code: 'y' }, true);
  assert.deepEqual(JSON.parse(store.get(PROGRESS_KEY)).exercises.b, { status: 'attempted', code: 'y', hints: 0 });
  store.set(PROGRESS_KEY, '{not json');
  assert.deepEqual(new Progress().get('a'), { status: 'new', code: null, hints: 0 });
});
