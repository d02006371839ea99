// The course on the page (loaded on demand): the lesson menu with each exercise's mark, a
// lesson's prose (its math rendered at build time) and runnable cells, and its exercises
// (statement, editor, Run, Check, hints, solution, reset). The lesson view has its own sessions
// and its own part of the page; the student's notebook is only hidden while it is open, never
// touched.
import { COURSE_MATH_FILE, REFUSED_MATH_ATTRIBUTE, mathKey, renderMarkdown } from './markdown.js';
import { CellView } from './cellview.js';
import { createEditor } from './editor.js';
import { CellOutput } from './outputs.js';
import { CourseFiles, CourseSession, Progress, checkExercise } from './lessons.js';

const XHTML = 'http://www.w3.org/1999/xhtml';
const MATHML = 'http://www.w3.org/1998/Math/MathML';
/** Parses the course's MathML; a template's content is inert (no script runs, nothing loads). */
const parser = document.createElement('template');

/**
 * One formula of the course's math (web/build.mjs renders every `$...$` and `$$...$$` of the
 * lessons, statements and hints with KaTeX, `output: 'mathml'`, `trust: false`, into
 * lessons/course.json) as DOM: KaTeX's `<span class="katex">` holding MathML and nothing else.
 * Null if the markup is anything more (an HTML element inside, an event handler, a link, a
 * style the page's CSP would refuse).
 * @param {string} html
 * @returns {Element|null}
 */
function mathNode(html) {
  parser.innerHTML = html;
  const root = parser.content.firstElementChild;
  if (parser.content.childNodes.length !== 1 || !root || root.namespaceURI !== XHTML || root.localName !== 'span')
    return null;
  if (root.attributes.length !== 1 || root.className !== 'katex') return null;
  for (const e of root.querySelectorAll('*')) {
    if (e.namespaceURI !== MATHML) return null;
    for (const a of e.attributes) if (REFUSED_MATH_ATTRIBUTE.test(a.name)) return null;
  }
  return root;
}

/**
 * Lesson Markdown, with the course's pre-rendered math. A formula the build did not render
 * (it renders them all, so this should not happen) shows as its TeX in a `<code>`.
 * @param {string} text
 * @param {Record<string, string>} math  {mathKey(tex, display): MathML}
 */
function markdown(text, math) {
  return renderMarkdown(text, {
    math: (tex, display) => {
      const html = Object.hasOwn(math, mathKey(tex, display)) ? math[mathKey(tex, display)] : null;
      const node = html === null ? null : mathNode(html);
      if (!node) return el('code', { className: 'math-missing', text: tex });
      // KaTeX's MathML output has no wrapper of its own for displayed math
      return display ? el('span', { className: 'katex-display' }, node) : el('span', {}, node);
    },
  });
}

/**
 * @param {string} tag
 * @param {Record<string, any>} [props]  `testid`, `text`, `label` (aria-label) or properties
 * @param {...(Node|string)} children
 */
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'testid') e.dataset.testid = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'label') e.setAttribute('aria-label', v);
    else e[k] = v;
  }
  e.append(...children);
  return e;
}

/** @param {string} text @param {string} testid @param {string} [label] */
const button = (text, testid, label) => el('button', { type: 'button', text, testid, ...(label ? { label } : {}) });

const MARK = { solved: '✓', attempted: '•', new: '' };
const MARK_LABEL = { solved: 'solved', attempted: 'attempted', new: 'not started' };

/**
 * @typedef {{
 *   host: HTMLElement,
 *   workerUrl: URL|string,
 *   lessonsUrl: URL|string,
 *   onClose: () => void,
 *   onStorageError: () => void,
 * }} LessonViewOptions
 */

export class LessonView {
  /** @param {LessonViewOptions} opts */
  constructor(opts) {
    this.opts = opts;
    this.host = opts.host;
    this.files = new CourseFiles(opts.lessonsUrl);
    this.progress = new Progress((ok) => {
      if (!ok) opts.onStorageError();
    });
    /** @type {import('./lessons.js').Course|null} */
    this.course = null;
    /** @type {Record<string, string>} the course's math, rendered at build time: {mathKey(tex, display): MathML} */
    this.math = {};
    /** The lesson on screen, and a counter that makes late answers for older ones harmless. */
    this.lessonId = '';
    this.generation = 0;
    /** @type {CellView[]} */
    this.cells = [];
    /** @type {ExercisePanel[]} */
    this.panels = [];
    this.execCount = 0;
    /** @type {CourseSession|null} */
    this.lessonSession = null;
    /** @type {CourseSession|null} */
    this.exerciseSession = null;

    this.status = el('span', { className: 'kernel', testid: 'lesson-status', role: 'status', text: 'not started' });
    const bar = el(
      'div',
      { className: 'lessons-bar', role: 'toolbar', label: 'Lesson' },
      button('← My notebook', 'lessons-close', 'Back to my notebook'),
      this.status,
      button('Run all', 'lesson-run-all', 'Run every cell of this lesson in order'),
      button('Stop', 'lesson-stop', 'Stop the running lesson cell'),
      button('Restart', 'lesson-restart', 'A fresh session for this lesson (cells are kept)'),
    );
    this.menuList = el('ol', { className: 'lesson-list' });
    this.menu = el(
      'nav',
      { className: 'lesson-menu', testid: 'lesson-menu', label: 'Lessons' },
      el('h2', { text: 'Lessons' }),
      this.menuList,
    );
    this.article = el(
      'article',
      { className: 'lesson', testid: 'lesson', tabIndex: -1 },
      el('p', { className: 'lesson-intro', text: 'Choose a lesson from the list.' }),
    );
    this.host.replaceChildren(bar, el('div', { className: 'lessons-layout' }, this.menu, this.article));
    bar.querySelector('[data-testid=lessons-close]').addEventListener('click', () => opts.onClose());
    bar.querySelector('[data-testid=lesson-run-all]').addEventListener('click', () => this.runAll());
    bar.querySelector('[data-testid=lesson-stop]').addEventListener('click', () => this.lessonSession?.stop());
    bar.querySelector('[data-testid=lesson-restart]').addEventListener('click', () => this.restartLesson());
  }

  /** Loads the index and the course's math (once) and draws the menu. */
  async show() {
    try {
      if (!this.course) {
        const [course, math] = await Promise.all([this.files.course(), this.files.text(COURSE_MATH_FILE)]);
        this.math = JSON.parse(math);
        this.course = course;
      }
    } catch (e) {
      this.article.replaceChildren(
        el('p', { className: 'lesson-error', text: `The lessons did not load: ${e.message}` }),
      );
      return;
    }
    this.renderMenu();
  }

  /** Draws the menu afresh (marks and counts), keeping the keyboard focus on the same entry. */
  renderMenu() {
    if (!this.course) return;
    const focused = this.menuList.contains(document.activeElement)
      ? /** @type {HTMLElement} */ (document.activeElement).dataset.testid
      : null;
    this.menuList.replaceChildren(
      ...this.course.lessons.map((lesson, i) => {
        const count = lesson.exercises.length
          ? el('span', {
              className: 'lesson-count',
              testid: 'lesson-progress',
              text: `${this.progress.solved(lesson.exercises)}/${lesson.exercises.length}`,
              title: 'exercises solved',
            })
          : '';
        const open = el('button', { type: 'button', className: 'lesson-link', testid: `lesson-${lesson.id}` });
        open.append(el('span', { text: `${i + 1}. ${lesson.title}` }), count);
        if (lesson.exercises.length)
          open.setAttribute(
            'aria-label',
            `${i + 1}. ${lesson.title}, ${this.progress.solved(lesson.exercises)} of ${lesson.exercises.length} exercises solved`,
          );
        if (lesson.id === this.lessonId) open.setAttribute('aria-current', 'page');
        open.addEventListener('click', () => this.openLesson(lesson.id));
        const exercises = lesson.exercises.map((ex) => {
          const status = this.progress.get(ex.id).status;
          const b = el(
            'button',
            { type: 'button', className: 'exercise-link', testid: `exercise-${ex.id}` },
            el('span', { className: 'mark', testid: 'exercise-mark', text: MARK[status] }),
            el('span', { text: ex.title }),
          );
          b.dataset.status = status;
          b.setAttribute('aria-label', `${ex.title}, ${MARK_LABEL[status]}`);
          b.addEventListener('click', () => this.openExercise(lesson.id, ex.id));
          return el('li', {}, b);
        });
        return el('li', {}, open, exercises.length ? el('ul', {}, ...exercises) : '');
      }),
    );
    if (focused) /** @type {HTMLElement|null} */ (this.menuList.querySelector(`[data-testid="${focused}"]`))?.focus();
  }

  /** @param {string} id */
  lessonEntry(id) {
    return this.course?.lessons.find((l) => l.id === id);
  }

  /**
   * Shows a lesson: its prose, its cells (in a fresh lesson session) and its exercises.
   * @param {string} id
   */
  async openLesson(id) {
    await this.show();
    const lesson = this.lessonEntry(id);
    if (!lesson || !this.course) return;
    if (this.lessonId === id) return;
    const generation = ++this.generation;
    let parts;
    let exercises;
    try {
      [parts, exercises] = await Promise.all([
        this.files.lesson(lesson),
        Promise.all(lesson.exercises.map((e) => this.files.exercise(e))),
      ]);
    } catch (e) {
      if (generation === this.generation)
        this.article.replaceChildren(
          el('p', { className: 'lesson-error', text: `This lesson did not load: ${e.message}` }),
        );
      return;
    }
    if (generation !== this.generation) return;
    this.clearLesson();
    this.lessonId = id;
    this.article.dataset.lessonId = id;
    if (this.lessonSession) this.lessonSession.reset();
    this.execCount = 0;
    for (const part of parts) {
      if (part.type === 'markdown') {
        this.article.appendChild(el('div', { className: 'markdown lesson-text' }, markdown(part.text, this.math)));
      } else {
        const view = new CellView(
          { id: `lesson-${this.cells.length}`, kind: 'code', source: part.text },
          {
            onChange: () => {},
            onRun: (_, advance) => this.runCell(view, advance),
            onAction: () => {},
            onInput: (name, value) => this.lessonSession?.setInput(name, value),
          },
        );
        view.el.dataset.testid = 'lesson-cell';
        view.el.classList.add('lesson-cell');
        this.cells.push(view);
        this.article.appendChild(view.el);
      }
    }
    lesson.exercises.forEach((entry, i) => {
      const panel = new ExercisePanel(this, entry, exercises[i]);
      this.panels.push(panel);
      this.article.appendChild(panel.el);
    });
    this.renderMenu();
    window.scrollTo(0, 0);
  }

  /**
   * Opens the exercise's lesson and brings the exercise into view.
   * @param {string} lessonId
   * @param {string} exerciseId
   */
  async openExercise(lessonId, exerciseId) {
    await this.openLesson(lessonId);
    const panel = this.panels.find((p) => p.entry.id === exerciseId);
    if (!panel) return;
    panel.el.scrollIntoView({ block: 'start' });
    panel.heading.focus({ preventScroll: true });
  }

  clearLesson() {
    for (const v of this.cells) v.destroy();
    for (const p of this.panels) p.destroy();
    this.cells = [];
    this.panels = [];
    this.article.replaceChildren();
  }

  /** The lesson's session, started on the first run. */
  session() {
    this.lessonSession ??= new CourseSession(this.opts.workerUrl, {
      onStatus: (s) => {
        this.status.textContent = { starting: 'starting…', idle: 'ready', busy: 'busy' }[s] ?? s;
        this.status.dataset.status = s;
      },
      onReset: () => {
        this.execCount = 0;
      },
    });
    return this.lessonSession;
  }

  /**
   * Runs one lesson cell in the lesson's session.
   * @param {CellView} view
   * @param {boolean} advance  then focus the next cell
   */
  runCell(view, advance) {
    const generation = this.generation;
    const live = () => generation === this.generation;
    view.setState('queued');
    let started = false;
    this.session()
      .run(view.editor.getText(), {
        onStart: () => {
          if (!live()) return undefined;
          const n = ++this.execCount;
          started = true;
          view.setCount(n);
          view.startRun(n, `<cell ${n}>`);
          return `<cell ${n}>`;
        },
        onEvents: (events) => {
          if (live() && started) view.output.addEvents(events);
        },
        onState: (info) => {
          if (live() && info.state !== 'cancelled') view.setState(info.state, info);
        },
      })
      .then((r) => {
        if (!live()) return;
        if (r.state === 'cancelled') view.setState('cancelled');
        else if (r.error && (r.state === 'error' || r.state === 'stopped')) view.showError(r.error);
        else if (r.state === 'stopped') view.output.note('Stopped.');
      });
    if (advance) {
      const next = this.cells[this.cells.indexOf(view) + 1];
      if (next) next.editor.focus();
      else this.panels[0]?.editor.focus();
    }
  }

  runAll() {
    for (const v of this.cells) this.runCell(v, false);
  }

  /** A fresh lesson session; a running cell ends as stopped and queued ones as not run. */
  restartLesson() {
    this.lessonSession?.reset();
  }

  /** The exercises' session (fresh for every Run and Check), started on first use. */
  exercises() {
    this.exerciseSession ??= new CourseSession(this.opts.workerUrl);
    return this.exerciseSession;
  }
}

/**
 * One exercise: statement, editor (starter or saved code), Run, Check, Hint, Show solution,
 * Reset, the verdict and the output of the student's code.
 */
class ExercisePanel {
  /**
   * @param {LessonView} view
   * @param {import('./lessons.js').ExerciseEntry} entry
   * @param {{title: string, statement: string, starter: string, hints: string[], solution: string, check: string}} ex
   */
  constructor(view, entry, ex) {
    this.view = view;
    this.entry = entry;
    this.ex = ex;
    const saved = view.progress.get(entry.id);
    const headingId = `exercise-title-${entry.id}`;
    this.solvedMark = el('span', { className: 'solved-mark', testid: 'exercise-solved-mark', text: '✓ solved' });
    this.heading = el('h3', { id: headingId, tabIndex: -1 }, el('span', { text: ex.title }), ' ', this.solvedMark);
    this.editorHost = el('div', { className: 'editor', testid: 'exercise-editor' });
    this.buttons = {
      run: button('Run', 'exercise-run', 'Run your code (Ctrl+Enter)'),
      check: button('Check', 'exercise-check', 'Check your answer'),
      hint: button('Hint', 'exercise-hint', 'Show the next hint'),
      solution: button('Show solution', 'exercise-solution', 'Show the reference solution'),
      reset: button('Reset', 'exercise-reset', 'Reset the exercise to the starter code'),
    };
    this.verdict = el('div', { className: 'verdict', testid: 'exercise-verdict', role: 'status' });
    this.verdict.setAttribute('aria-live', 'polite');
    this.hints = el('ol', { className: 'hints', testid: 'exercise-hints', label: 'Hints' });
    this.noMoreHints = el('p', { className: 'hint-note', testid: 'exercise-no-more-hints', text: 'No more hints.' });
    this.noMoreHints.hidden = true;
    this.solution = el('div', { className: 'solution', testid: 'exercise-solution-code' });
    this.solution.hidden = true;
    this.outputHost = el('div', { className: 'exercise-output' });
    this.el = el(
      'section',
      { className: 'exercise', testid: 'exercise' },
      this.heading,
      el('div', { className: 'markdown', testid: 'exercise-statement' }, markdown(ex.statement, view.math)),
      this.editorHost,
      el(
        'div',
        { className: 'exercise-buttons', role: 'toolbar', label: `${ex.title}: actions` },
        ...Object.values(this.buttons),
      ),
      this.outputHost,
      this.verdict,
      this.hints,
      this.noMoreHints,
      this.solution,
    );
    this.el.dataset.exerciseId = entry.id;
    this.el.setAttribute('aria-labelledby', headingId);
    this.output = new CellOutput(this.outputHost);
    this.cellName = '<exercise>';
    this.editor = createEditor({
      parent: this.editorHost,
      doc: saved.code ?? ex.starter,
      language: 'python',
      onChange: (text) => view.progress.update(entry.id, { code: text }),
      onRunAdvance: () => this.run(),
      onRunInPlace: () => this.run(),
    });
    for (let i = 0; i < Math.min(saved.hints, ex.hints.length); i++) this.addHint(i);
    this.labelHintButton();
    this.showStatus(false);
    this.buttons.run.addEventListener('click', () => this.run());
    this.buttons.check.addEventListener('click', () => this.check());
    this.buttons.hint.addEventListener('click', () => this.nextHint());
    this.buttons.solution.addEventListener('click', () => this.showSolution());
    this.buttons.reset.addEventListener('click', () => this.reset());
  }

  /** Shows the exercise's status here and, with `menu`, in the lesson menu. */
  showStatus(menu = true) {
    const status = this.view.progress.get(this.entry.id).status;
    this.el.dataset.status = status;
    this.solvedMark.hidden = status !== 'solved';
    if (menu) this.view.renderMenu();
  }

  /** @param {boolean} busy */
  setBusy(busy) {
    this.el.dataset.busy = String(busy);
    this.buttons.run.disabled = busy;
    this.buttons.check.disabled = busy;
  }

  /**
   * @param {'running'|'pass'|'fail'|'incomplete'|'error'|''} status
   * @param {string} message  Markdown (inline `code`; no math: a check's message is made at run
   *   time, and only the course's own math is rendered, at build time)
   */
  setVerdict(status, message) {
    this.verdict.dataset.status = status;
    this.verdict.replaceChildren(message ? renderMarkdown(message) : '');
  }

  markAttempted() {
    if (this.view.progress.get(this.entry.id).status === 'new') {
      this.view.progress.update(this.entry.id, { status: 'attempted' }, true);
      this.showStatus();
    }
  }

  /** The student's cell's start and events go to this panel's output. */
  studentRun() {
    return {
      cellName: this.cellName,
      onStart: () => {
        this.output.clear();
        this.editor.markError(null);
        return this.cellName;
      },
      onEvents: (events) => this.output.addEvents(events),
    };
  }

  /** @param {import('./runtime.js').ErrorRecord|null|undefined} error */
  showError(error) {
    if (!error) return;
    this.output.showError(error);
    if (error.file === this.cellName && error.line > 0 && error.type !== 'KeyboardInterrupt')
      this.editor.markError({ line: error.line, column: error.column, length: error.length });
  }

  /** Runs the code in a fresh session (as the check will), showing what it prints. */
  async run() {
    if (this.el.dataset.busy === 'true') return;
    this.setBusy(true);
    this.setVerdict('', '');
    this.markAttempted();
    const session = this.view.exercises();
    session.reset();
    const r = await session.run(this.editor.getText(), this.studentRun());
    if (r.state === 'error' || r.state === 'stopped') this.showError(r.error);
    this.setBusy(false);
  }

  /** Runs the code and then the check, each in the fresh exercise session; shows the verdict. */
  async check() {
    if (this.el.dataset.busy === 'true') return;
    this.setBusy(true);
    this.setVerdict('running', 'Checking…');
    const v = await checkExercise(
      this.view.exercises(),
      /** @type {import('./lessons.js').Course} */ (this.view.course).prelude,
      this.ex,
      this.editor.getText(),
      this.studentRun(),
    );
    if (v.status === 'pass') {
      this.view.progress.update(this.entry.id, { status: 'solved' }, true);
      this.setVerdict('pass', 'Solved: your answer passes the check.');
    } else {
      this.markAttempted();
      this.setVerdict(v.status, v.message);
      if (v.status === 'error') this.showError(v.error);
    }
    this.showStatus();
    this.setBusy(false);
  }

  /** @param {number} i */
  addHint(i) {
    this.hints.appendChild(
      el('li', { className: 'markdown', testid: 'exercise-hint-text' }, markdown(this.ex.hints[i], this.view.math)),
    );
  }

  nextHint() {
    const shown = this.hints.children.length;
    if (shown >= this.ex.hints.length) {
      this.noMoreHints.hidden = false;
      return;
    }
    this.addHint(shown);
    this.view.progress.update(this.entry.id, { hints: shown + 1 }, true);
    this.labelHintButton();
  }

  /** "Hint", or "Hint (none left)" once every hint is shown. */
  labelHintButton() {
    const left = this.ex.hints.length - this.hints.children.length;
    this.buttons.hint.textContent = left > 0 ? 'Hint' : 'Hint (none left)';
    this.buttons.hint.setAttribute('aria-label', left > 0 ? `Show the next hint (${left} left)` : 'No more hints');
  }

  showSolution() {
    if (!this.solution.hidden) return;
    if (!confirm('Show the reference solution? Try the hints first: working it out is how it sticks.')) return;
    this.solution.replaceChildren(
      el('p', { className: 'solution-title', text: 'Reference solution:' }),
      el('pre', { text: this.ex.solution }),
    );
    this.solution.hidden = false;
  }

  reset() {
    if (!confirm('Reset this exercise? Your code is replaced by the starter code and the hints are hidden again.'))
      return;
    this.editor.setText(this.ex.starter);
    this.view.progress.update(this.entry.id, { code: null, hints: 0 }, true);
    this.hints.replaceChildren();
    this.noMoreHints.hidden = true;
    this.labelHintButton();
    this.solution.hidden = true;
    this.output.clear();
    this.editor.markError(null);
    this.setVerdict('', '');
  }

  destroy() {
    this.editor.destroy();
    this.output.clear();
    this.el.remove();
  }
}
