// The page's wiring: the notebook document, its cell views, the runtime client (worker), the
// toolbar, the variables panel and persistence. Each of those lives in its own module.
import './style.css';
import { Runtime } from './runtime.js';
import { Notebook } from './notebook.js';
import { CellView } from './cellview.js';
import { VariablesPanel } from './variables.js';
import { DataFiles } from './datafiles.js';
import { initialState } from './state.js';
import {
  loadSaved,
  save,
  autosave,
  exportPy,
  importFile,
  shareLink,
  readShareLink,
  STORAGE_KEY,
  PREVIOUS_KEY,
} from './persistence.js';

const $ = (testid) => /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${testid}"]`));

// ---- notices --------------------------------------------------------------------------------

/**
 * Shows one notice at the top of the page (replacing the previous one).
 * @param {string} kind  reset | share | import | error | info
 * @param {string} text
 * @param {{label: string, run: () => void}|null} [action]
 * @param {HTMLElement|null} [extra]
 */
function notice(kind, text, action = null, extra = null) {
  const box = $('notice');
  box.replaceChildren();
  box.dataset.kind = kind;
  const msg = document.createElement('span');
  msg.textContent = text;
  box.appendChild(msg);
  if (extra) box.appendChild(extra);
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = action.label;
    b.addEventListener('click', () => {
      box.hidden = true;
      action.run();
    });
    box.appendChild(b);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.textContent = '✕';
  close.setAttribute('aria-label', 'Dismiss');
  close.addEventListener('click', () => {
    box.hidden = true;
  });
  box.appendChild(close);
  box.hidden = false;
}

// ---- the notebook -----------------------------------------------------------------------------

class App {
  constructor(state) {
    this.showVariables = state.showVariables;
    this.notebook = new Notebook(state.cells);
    /** @type {Map<string, CellView>} */
    this.views = new Map();
    /** @type {Map<number, string>} runId -> cell id */
    this.runs = new Map();
    this.execCount = 0;
    this.nextRunId = 1;
    this.activeRunId = 0;
    this.host = $('notebook');
    this.variables = new VariablesPanel($('variables'), { onGraph: (name) => this.runtime.requestGraph(name) });
    this.saver = autosave(
      () => this.state(),
      (ok) => {
        if (!ok)
          notice(
            'error',
            'Could not save to this browser’s storage (full or disabled): export a .py to keep your work.',
          );
      },
    );
    /** @type {DataFiles|null} */
    this.dataFiles = null;
    this.runtime = new Runtime(
      new URL('./worker.mjs', import.meta.url),
      {
        onStart: (run) => this.onStart(run),
        onEvents: (runId, events) => this.viewForRun(runId)?.output.addEvents(events),
        onState: (runId, info) => this.onState(runId, info),
        onVariables: (vars) => this.variables.show(vars),
        onGraph: (name, result) => import('./graph.js').then(({ showGraphDialog }) => showGraphDialog(name, result)),
        onStatus: (status) => this.onStatus(status),
        onReset: (reason, message) => this.onReset(reason, message),
        onSpawn: () => this.dataFiles?.resend(), // a respawned worker gets the data files again
        onFiles: (files, error) => this.dataFiles?.onFiles(files, error),
      },
      { warmup: true },
    );
    this.dataFiles = new DataFiles({
      input: /** @type {HTMLInputElement} */ ($('add-data-file')),
      list: $('data-files'),
      send: (msg) => this.runtime.send(msg),
      onError: (text) => notice('error', text),
    });
    this.notebook.subscribe((change) => {
      if (change.type === 'structure') this.render();
      this.saver.schedule();
    });
    this.render();
    this.bindToolbar();
    this.applyVariablesVisibility();
  }

  state() {
    return { cells: this.notebook.toJSON(), showVariables: this.showVariables };
  }

  /** Brings the DOM in line with the notebook's cells (order, additions, deletions). */
  render() {
    const ids = new Set(this.notebook.cells.map((c) => c.id));
    for (const [id, view] of this.views) {
      if (!ids.has(id)) {
        view.destroy();
        this.views.delete(id);
      }
    }
    this.notebook.cells.forEach((cell, i) => {
      let view = this.views.get(cell.id);
      if (!view) {
        view = new CellView(cell, {
          onChange: (id, text) => this.notebook.setSource(id, text),
          onRun: (id, advance) => this.runCell(id, advance),
          onAction: (id, action) => this.cellAction(id, action),
          onInput: (name, value) => this.runtime.setInput(name, value),
        });
        this.views.set(cell.id, view);
      }
      if (this.host.children[i] !== view.el) this.host.insertBefore(view.el, this.host.children[i] ?? null);
    });
  }

  /**
   * Runs a cell (markdown cells are rendered); `advance` moves to the next cell, making one
   * at the end when there is none.
   * @param {string} id
   * @param {boolean} advance
   */
  runCell(id, advance) {
    const cell = this.notebook.get(id);
    const view = this.views.get(id);
    if (!cell || !view) return;
    if (cell.kind === 'markdown') {
      view.setEditing(false);
    } else {
      const runId = this.nextRunId++;
      this.runs.set(runId, id);
      view.pendingRunId = runId;
      view.setState('queued');
      this.runtime.run({ runId, cellName: '', code: view.editor.getText() });
    }
    if (advance) {
      const i = this.notebook.indexOf(id);
      const next = this.notebook.cells[i + 1] ?? this.notebook.insert(undefined, 'code', '');
      const nextView = this.views.get(next.id);
      if (next.kind === 'markdown') nextView.setEditing(true);
      else nextView.editor.focus();
    }
    this.updateControls();
  }

  runAll() {
    for (const cell of this.notebook.cells) this.runCell(cell.id, false);
  }

  /** @param {string} id @param {'up'|'down'|'delete'|'add-below'} action */
  cellAction(id, action) {
    if (action === 'up') this.notebook.move(id, -1);
    else if (action === 'down') this.notebook.move(id, 1);
    else if (action === 'delete') this.notebook.remove(id);
    else if (action === 'add-below') {
      const cell = this.notebook.insert(this.notebook.indexOf(id) + 1);
      this.views.get(cell.id)?.editor.focus();
    }
  }

  /** @param {number} runId */
  viewForRun(runId) {
    const view = this.views.get(this.runs.get(runId) ?? '');
    return view && view.runId === runId ? view : undefined;
  }

  /** The runtime is about to post this run: number it and name its traceback file. */
  onStart(run) {
    const view = this.views.get(this.runs.get(run.runId) ?? '');
    const count = ++this.execCount;
    run.cellName = `<cell ${count}>`;
    this.activeRunId = run.runId;
    if (view) {
      view.setCount(count);
      view.startRun(run.runId, run.cellName);
    }
    this.updateControls();
  }

  /** @param {number} runId @param {import('./runtime.js').StateInfo} info */
  onState(runId, info) {
    if (info.state === 'cancelled') {
      const view = this.views.get(this.runs.get(runId) ?? '');
      if (view && view.pendingRunId === runId && view.state === 'queued') view.setState('cancelled');
      this.runs.delete(runId);
      return;
    }
    const view = this.viewForRun(runId);
    const terminal = info.state === 'done' || info.state === 'error' || info.state === 'stopped';
    if (view) {
      view.setState(info.state, info);
      if (info.error && (info.state === 'error' || info.state === 'stopped')) view.showError(info.error);
      else if (info.state === 'stopped') view.output.note('Stopped.');
      else if (info.state === 'error' && !info.error)
        view.output.note('The session ended while this cell was running.');
    }
    if (terminal) {
      this.runs.delete(runId);
      if (this.activeRunId === runId) this.activeRunId = 0;
    }
    this.updateControls();
  }

  onStatus(status) {
    document.body.dataset.kernel = status;
    $('kernel-status').textContent = { starting: 'starting…', idle: 'ready', busy: 'busy' }[status] ?? status;
    this.updateControls();
  }

  onReset(reason, message) {
    this.execCount = 0;
    this.variables.show([]);
    if (reason === 'restart') {
      notice('info', 'Restarted: a fresh session (variables cleared).');
    } else {
      notice('reset', `The session was reset: ${message}. Variables are gone; your cells are kept.`);
    }
  }

  updateControls() {
    const view = this.viewForRun(this.activeRunId);
    const state = view?.state;
    /** @param {string} id @param {boolean} on */
    const enable = (id, on) => {
      /** @type {HTMLButtonElement} */ ($(id)).disabled = !on;
    };
    enable('pause', state === 'running');
    enable('resume', state === 'paused');
    enable('step', state === 'paused');
    enable('stop', Boolean(this.runtime?.busy));
  }

  applyVariablesVisibility() {
    document.body.classList.toggle('hide-variables', !this.showVariables);
    $('toggle-variables').setAttribute('aria-pressed', String(this.showVariables));
  }

  /**
   * Replaces the cells, keeping the notebook it replaces for "restore".
   * @param {{kind: string, source: string}[]} cells
   * @param {string} text  what happened, for the notice
   */
  replaceCells(cells, text) {
    save(this.state(), PREVIOUS_KEY);
    this.notebook.replaceAll(cells);
    this.saver.flush();
    notice('import', text, { label: 'Restore the previous notebook', run: () => this.restorePrevious() });
  }

  restorePrevious() {
    const prev = loadSaved(PREVIOUS_KEY);
    if (!prev) return;
    save(this.state(), PREVIOUS_KEY);
    this.notebook.replaceAll(prev.cells);
    this.saver.flush();
  }

  bindToolbar() {
    const on = (id, fn) => $(id).addEventListener('click', fn);
    on('run-all', () => this.runAll());
    on('pause', () => this.runtime.pause());
    on('resume', () => this.runtime.resume());
    on('step', () => this.runtime.step());
    on('stop', () => this.runtime.stop());
    on('restart', () => this.runtime.restart());
    on('add-cell', () => {
      const cell = this.notebook.insert();
      this.views.get(cell.id)?.editor.focus();
    });
    on('add-text', () => {
      const cell = this.notebook.insert(undefined, 'markdown');
      this.views.get(cell.id)?.setEditing(true);
    });
    on('toggle-variables', () => {
      this.showVariables = !this.showVariables;
      this.applyVariablesVisibility();
      this.saver.schedule();
    });
    on('export-py', () => download('notebook.py', exportPy(this.notebook.toJSON()), 'text/x-python'));
    on('share', async () => {
      const url = await shareLink(this.state(), location.href);
      const field = document.createElement('input');
      field.readOnly = true;
      field.value = url;
      field.dataset.testid = 'share-link';
      field.addEventListener('focus', () => field.select());
      notice('share', 'Share link (opens these cells without running them):', null, field);
      field.select();
      navigator.clipboard?.writeText(url).catch(() => {});
    });
    /** @type {HTMLInputElement} */
    const file = /** @type {any} */ ($('import-file'));
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      file.value = '';
      if (!f) return;
      try {
        const cells = await importFile(f);
        this.replaceCells(cells, `Imported ${cells.length} cell${cells.length === 1 ? '' : 's'} from ${f.name}.`);
      } catch (e) {
        notice('error', `Could not import ${f.name}: ${e.message}`);
      }
    });
  }

  /** Opens a share link in the fragment (nothing runs); the replaced notebook is kept. */
  async openShareLink() {
    let shared;
    try {
      shared = await readShareLink(location.hash, this.state());
    } catch {
      notice('error', 'This share link is damaged; your own notebook is open instead.');
    }
    if (shared) this.replaceCells(shared.cells, 'Opened a shared notebook (nothing was run).');
    history.replaceState(null, '', location.pathname + location.search);
  }
}

/**
 * The Lessons button: the lesson view and the course (its math rendered at build time) are
 * loaded the first time it is pressed. It has its own sessions and replaces the notebook on
 * screen while open; the notebook is only hidden, never changed.
 */
function bindLessons() {
  const button = $('lessons-button');
  const host = $('lesson-view');
  /** @type {import('./lessonview.js').LessonView|null} */
  let view = null;
  const setOpen = (open) => {
    host.hidden = !open;
    document.body.classList.toggle('lessons-open', open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', async () => {
    if (!host.hidden) {
      setOpen(false);
      return;
    }
    try {
      const { LessonView } = await import('./lessonview.js');
      view ??= new LessonView({
        host,
        workerUrl: new URL('./worker.mjs', import.meta.url),
        lessonsUrl: new URL('./lessons/', import.meta.url),
        onClose: () => {
          setOpen(false);
          button.focus();
        },
        onStorageError: () =>
          notice('error', 'Could not save your exercise progress to this browser’s storage (full or disabled).'),
      });
    } catch (e) {
      notice('error', `The lessons could not be loaded: ${e.message}`);
      return;
    }
    setOpen(true);
    await view.show();
    const current = host.querySelector('.lesson-link[aria-current]') ?? host.querySelector('.lesson-link');
    /** @type {HTMLElement|null} */ (current)?.focus();
  });
}

/** Saves a text file through a temporary link. */
function download(name, text, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

async function main() {
  const saved = loadSaved(STORAGE_KEY);
  const app = new App(saved ?? initialState());
  bindLessons();
  const isShareLink = () => location.hash.startsWith('#nb=');
  if (isShareLink()) await app.openShareLink();
  addEventListener('hashchange', () => {
    if (isShareLink()) app.openShareLink();
  });
  document.body.dataset.ready = 'true';
  performance.mark('gradlab-ready');
  registerServiceWorker();
}

/**
 * The service worker (sw.js) keeps a copy of the app so that it opens offline after the first
 * visit; only over http(s) (not file://), and a failure only costs the offline copy.
 */
function registerServiceWorker() {
  if (!/^https?:$/.test(location.protocol) || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url), { scope: './' }).catch(() => {});
}

main();
