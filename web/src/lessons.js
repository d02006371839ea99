// The course on the page, without DOM: fetching the lesson files the build copies into the
// site (web/lessons/README.md), the student's progress in localStorage, and a session that
// runs an exercise and its check in a fresh gradlab session (a worker of its own, so the
// student's notebook and the lesson's variables are never touched).
import { parseLesson, parseExercise, buildCheckCell, newToken, readVerdict } from '../lessons/course.js';
import { Runtime } from './runtime.js';

/** Where progress is kept: `{exercises: {[id]: ExerciseProgress}}`. */
export const PROGRESS_KEY = 'gradlab.course.v1';
/** A check calls the student's code: Stop it after this long (the verdict is then incomplete). */
export const CHECK_TIMEOUT_MS = 30_000;
/** Saves of the student's code wait this long after the last keystroke. */
const SAVE_DELAY_MS = 250;

/**
 * @typedef {{id: string, title: string, file: string}} ExerciseEntry
 * @typedef {{id: string, title: string, file: string, exercises: ExerciseEntry[]}} LessonEntry
 * @typedef {{lessons: LessonEntry[], prelude: string}} Course
 * @typedef {{status: 'new'|'attempted'|'solved', code: string|null, hints: number}} ExerciseProgress
 * @typedef {{status: 'pass'|'fail'|'incomplete'|'error', message: string,
 *            error?: import('./runtime.js').ErrorRecord|null}} Verdict
 */

/**
 * Fetches the course's files from `base` (the site's `lessons/` folder), caching each.
 */
export class CourseFiles {
  /** @param {URL|string} base */
  constructor(base) {
    this.base = new URL(base, location.href);
    /** @type {Promise<{files: Record<string, string>}>|null} */
    this.bundle = null;
  }

  /**
   * A course file by its path in web/lessons/. web/build.mjs ships them all in one file,
   * lessons/course.json (`{"files": {path: text}}`), fetched once.
   * @param {string} path relative to the lessons folder
   */
  async text(path) {
    if (!this.bundle) {
      this.bundle = fetch(new URL('course.json', this.base)).then((r) => {
        if (!r.ok) throw new Error(`could not load lessons/course.json (HTTP ${r.status})`);
        return r.json();
      });
      this.bundle.catch(() => (this.bundle = null)); // a failed fetch may be retried
    }
    const { files } = await this.bundle;
    if (!Object.hasOwn(files, path)) throw new Error(`the course has no file lessons/${path}`);
    return files[path];
  }

  /** The index and the check prelude. @returns {Promise<Course>} */
  async course() {
    const index = JSON.parse(await this.text('index.json'));
    return { lessons: index.lessons, prelude: await this.text(index.prelude) };
  }

  /** A lesson's cells. @param {LessonEntry} lesson */
  async lesson(lesson) {
    return parseLesson(await this.text(lesson.file));
  }

  /** An exercise's parts. @param {ExerciseEntry} exercise */
  async exercise(exercise) {
    return parseExercise(await this.text(exercise.file));
  }
}

// ---- progress -----------------------------------------------------------------------------

/** @param {unknown} v @returns {ExerciseProgress|null} */
function checkExerciseProgress(v) {
  if (!v || typeof v !== 'object') return null;
  const r = /** @type {Record<string, unknown>} */ (v);
  return {
    status: r.status === 'solved' || r.status === 'attempted' ? r.status : 'new',
    code: typeof r.code === 'string' ? r.code : null,
    hints: Number.isInteger(r.hints) && /** @type {number} */ (r.hints) > 0 ? /** @type {number} */ (r.hints) : 0,
  };
}

/**
 * The student's progress through the exercises, saved in localStorage (a debounced save after
 * each change, and at once when the tab is hidden or closed).
 */
export class Progress {
  /**
   * @param {(ok: boolean) => void} [onSaved]  false when storage refused the save
   */
  constructor(onSaved) {
    this.onSaved = onSaved;
    /** @type {Record<string, ExerciseProgress>} */
    this.exercises = {};
    try {
      const saved = JSON.parse(localStorage.getItem(PROGRESS_KEY) || '{}');
      for (const [id, v] of Object.entries(saved?.exercises ?? {})) {
        const p = checkExerciseProgress(v);
        if (p) this.exercises[id] = p;
      }
    } catch {
      // unreadable progress starts afresh
    }
    this.timer = 0;
    this.flush = this.flush.bind(this);
    addEventListener('pagehide', this.flush);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flush();
    });
  }

  /** @param {string} id @returns {ExerciseProgress} */
  get(id) {
    return this.exercises[id] ?? { status: 'new', code: null, hints: 0 };
  }

  /**
   * Changes an exercise's record; `now` saves at once (a verdict), else after a pause (typing).
   * @param {string} id
   * @param {Partial<ExerciseProgress>} change
   * @param {boolean} [now]
   */
  update(id, change, now = false) {
    this.exercises[id] = { ...this.get(id), ...change };
    if (now) this.flush();
    else if (!this.timer) this.timer = setTimeout(this.flush, SAVE_DELAY_MS);
  }

  /** @param {ExerciseEntry[]} exercises @returns {number} how many are solved */
  solved(exercises) {
    return exercises.filter((e) => this.get(e.id).status === 'solved').length;
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = 0;
    let ok = true;
    try {
      localStorage.setItem(PROGRESS_KEY, JSON.stringify({ exercises: this.exercises }));
    } catch {
      ok = false;
    }
    this.onSaved?.(ok);
  }
}

// ---- sessions -----------------------------------------------------------------------------

/**
 * @typedef {{state: 'done'|'error'|'stopped'|'cancelled', error: import('./runtime.js').ErrorRecord|null,
 *            text: string}} RunResult
 */

/**
 * A gradlab session in a worker of its own, run cell by cell with promises. The lesson view
 * has one for a lesson's cells and one for exercises, apart from the notebook's.
 */
export class CourseSession {
  /**
   * @param {URL|string} workerUrl
   * @param {{onStatus?: (s: 'starting'|'idle'|'busy') => void,
   *          onReset?: (reason: string, message: string) => void}} [hooks]
   */
  constructor(workerUrl, hooks = {}) {
    this.nextRunId = 1;
    /** @type {Map<number, {text: string[], onStart?: () => string|void,
     *   onEvents?: (events: import('./runtime.js').OutputEvent[]) => void,
     *   onState?: (info: import('./runtime.js').StateInfo) => void,
     *   done: (r: RunResult) => void, cellName: string}>} */
    this.runs = new Map();
    this.runtime = new Runtime(workerUrl, {
      onStart: (run) => {
        const r = this.runs.get(run.runId);
        if (r) run.cellName = r.onStart?.() ?? r.cellName;
      },
      onEvents: (runId, events) => {
        const r = this.runs.get(runId);
        if (!r) return;
        for (const ev of events) if (ev.kind === 'text' && ev.text) r.text.push(ev.text);
        r.onEvents?.(events);
      },
      onState: (runId, info) => {
        const r = this.runs.get(runId);
        if (!r) return;
        r.onState?.(info);
        if (info.state === 'done' || info.state === 'error' || info.state === 'stopped' || info.state === 'cancelled') {
          this.runs.delete(runId);
          r.done({ state: info.state, error: info.error ?? null, text: r.text.join('') });
        }
      },
      onStatus: (s) => hooks.onStatus?.(s),
      onReset: (reason, message) => hooks.onReset?.(reason, message),
    });
  }

  get busy() {
    return this.runtime.busy;
  }

  /**
   * Queues `code` as a cell and resolves when it ends.
   * @param {string} code
   * @param {{cellName?: string, onStart?: () => string|void,
   *          onEvents?: (events: import('./runtime.js').OutputEvent[]) => void,
   *          onState?: (info: import('./runtime.js').StateInfo) => void}} [opts]  `onStart` is
   *   called as the cell starts in the worker and may return its name for tracebacks
   * @returns {Promise<RunResult>}
   */
  run(code, opts = {}) {
    const runId = this.nextRunId++;
    return new Promise((done) => {
      this.runs.set(runId, { text: [], ...opts, cellName: opts.cellName ?? '<cell>', done });
      this.runtime.run({ runId, cellName: '', code });
    });
  }

  /** A fresh session: running cells end (stopped), variables are gone. */
  reset() {
    this.runtime.restart();
  }

  stop() {
    this.runtime.stop();
  }

  /** @param {string} name @param {number} value */
  setInput(name, value) {
    this.runtime.setInput(name, value);
  }

  dispose() {
    this.runtime.dispose();
  }
}

/**
 * Runs an exercise the way its check must see it (web/lessons/README.md "Running a check"): a
 * fresh session, the student's code, then the check cell, whose output is read only for the
 * verdict. Printed text or variables from anything run before cannot pass it.
 * @param {CourseSession} session  the exercise session (reset here)
 * @param {string} prelude  check_prelude.py
 * @param {{check: string}} exercise
 * @param {string} code  the student's code
 * @param {{cellName?: string, onStart?: () => string|void,
 *          onEvents?: (events: import('./runtime.js').OutputEvent[]) => void,
 *          timeoutMs?: number}} [opts]  the student's cell's start and events, to show
 * @returns {Promise<Verdict>}
 */
export async function checkExercise(session, prelude, exercise, code, opts = {}) {
  session.reset();
  const student = await session.run(code, opts);
  if (student.state !== 'done') {
    return {
      status: 'error',
      message:
        student.state === 'error' && student.error
          ? 'Your code stopped with an error (shown below); fix it and check again.'
          : 'Your code did not finish; run it to the end and check again.',
      error: student.error,
    };
  }
  const token = newToken();
  const timer = setTimeout(() => session.stop(), opts.timeoutMs ?? CHECK_TIMEOUT_MS);
  const checked = await session.run(buildCheckCell(prelude, exercise.check, student.text, token), {
    cellName: '<check>',
  });
  clearTimeout(timer);
  return readVerdict(checked.text, token);
}
