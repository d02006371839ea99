// One cell on the page: gutter ([n] and run), header (state, duration, move/delete), the
// editor, sliders beside it, and the output area. The notebook's state drives it; it reports
// the student's actions through `handlers`.
import { createEditor } from './editor.js';
import { CellOutput } from './outputs.js';
import { renderMarkdown } from './markdown.js';

/**
 * @typedef {{
 *   onChange: (id: string, text: string) => void,
 *   onRun: (id: string, advance: boolean) => void,
 *   onAction: (id: string, action: 'up'|'down'|'delete'|'add-below') => void,
 *   onInput: (name: string, value: number) => void,
 * }} CellHandlers
 */

const STATE_LABEL = {
  idle: '',
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  done: 'done',
  error: 'error',
  stopped: 'stopped',
  cancelled: 'not run',
};

/** "85 ms", "1.24 s", "2 min 5 s". @param {number} ms */
export function formatElapsed(ms) {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'testid') e.dataset.testid = v;
    else if (k === 'text') e.textContent = v;
    else e[k] = v;
  }
  e.append(...children);
  return e;
}

export class CellView {
  /**
   * @param {import('./notebook.js').Cell} cell
   * @param {CellHandlers} handlers
   */
  constructor(cell, handlers) {
    this.id = cell.id;
    this.kind = cell.kind;
    this.handlers = handlers;
    /** The run whose outputs this cell shows, and the last one queued for it. */
    this.runId = 0;
    this.pendingRunId = 0;
    this.cellName = '';
    /** @type {Map<string, {root: HTMLElement, input: HTMLInputElement, out: HTMLOutputElement}>} */
    this.sliders = new Map();

    const act = (action, label, text) => {
      const b = el('button', { type: 'button', className: `cell-action ${action}`, title: label, text });
      b.setAttribute('aria-label', label);
      b.addEventListener('click', () => handlers.onAction(this.id, action));
      return b;
    };
    this.count = el('span', { className: 'count', text: cell.kind === 'code' ? '[ ]' : '' });
    this.runButton = el('button', {
      type: 'button',
      className: 'run',
      testid: 'run-cell',
      title: 'Run (Ctrl+Enter)',
      text: '▶',
    });
    this.runButton.setAttribute('aria-label', 'Run cell');
    this.runButton.addEventListener('click', () => handlers.onRun(this.id, false));
    this.badge = el('span', { className: 'state' });
    this.duration = el('span', { className: 'duration' });
    const tools = el(
      'span',
      { className: 'cell-tools' },
      act('up', 'Move up', '↑'),
      act('down', 'Move down', '↓'),
      act('add-below', 'Add a cell below', '+'),
      act('delete', 'Delete cell', '✕'),
    );
    this.editorHost = el('div', { className: 'editor', testid: 'cell-editor' });
    this.inputs = el('aside', { className: 'inputs' });
    this.inputs.hidden = true;
    this.rendered = el('div', { className: 'markdown' });
    const body = el(
      'div',
      { className: 'cell-main' },
      el('div', { className: 'cell-head' }, this.badge, this.duration, tools),
      el('div', { className: 'cell-row' }, this.editorHost, this.rendered, this.inputs),
    );
    this.el = el(
      'section',
      { className: `cell ${cell.kind}` },
      el('div', { className: 'cell-gutter' }, this.count, this.runButton),
      body,
    );
    this.el.dataset.testid = 'cell';
    this.el.dataset.cellId = cell.id;
    this.el.dataset.kind = cell.kind;
    this.output = new CellOutput(body, { onInput: (d) => this.upsertSlider(d) });

    this.editor = createEditor({
      parent: this.editorHost,
      doc: cell.source,
      language: cell.kind === 'code' ? 'python' : 'text',
      onChange: (text) => handlers.onChange(this.id, text),
      onRunAdvance: () => handlers.onRun(this.id, true),
      onRunInPlace: () => handlers.onRun(this.id, false),
    });
    if (cell.kind === 'markdown') {
      this.rendered.addEventListener('dblclick', () => this.setEditing(true));
      this.setEditing(cell.source.trim() === '');
    } else {
      this.rendered.hidden = true;
    }
    this.setState('idle');
  }

  /** Markdown cells: show the editor (true) or the rendered text (false). @param {boolean} on */
  setEditing(on) {
    this.editorHost.hidden = !on;
    this.rendered.hidden = on;
    if (!on) this.rendered.replaceChildren(renderMarkdown(this.editor.getText()));
    if (on) this.editor.focus();
  }

  /**
   * @param {'idle'|'queued'|'running'|'paused'|'done'|'error'|'stopped'|'cancelled'} state
   * @param {{line?: number, elapsedMs?: number}} [info]
   */
  setState(state, info = {}) {
    this.state = state;
    this.el.dataset.state = state;
    const line = state === 'paused' ? info.line || 0 : 0;
    this.el.dataset.line = String(line);
    this.badge.textContent = state === 'paused' && line ? `paused at line ${line}` : (STATE_LABEL[state] ?? state);
    this.editor.setCurrentLine(line);
    this.showCount();
    if (info.elapsedMs !== undefined && state !== 'queued') this.duration.textContent = formatElapsed(info.elapsedMs);
  }

  /** @param {number} n  the execution count */
  setCount(n) {
    this.el.dataset.count = String(n);
    this.showCount();
  }

  /** `[*]` while queued or running, else `[n]` (or `[ ]` before the first run). */
  showCount() {
    if (this.kind !== 'code') return;
    const busy = this.state === 'queued' || this.state === 'running' || this.state === 'paused';
    const n = this.el.dataset.count;
    this.count.textContent = busy ? '[*]' : n ? `[${n}]` : '[ ]';
  }

  /**
   * A run of this cell starts in the worker: clear the previous outputs and marks.
   * @param {number} runId
   * @param {string} cellName
   */
  startRun(runId, cellName) {
    this.runId = runId;
    this.cellName = cellName;
    this.output.clear();
    this.clearSliders();
    this.editor.markError(null);
    this.duration.textContent = '';
    this.setState('running');
  }

  /**
   * Shows an error; its span is underlined when it points into this cell's code (not for a
   * KeyboardInterrupt: Stop is not a mistake in the code).
   * @param {import('./runtime.js').ErrorRecord} error
   */
  showError(error) {
    this.output.showError(error);
    if (error.file === this.cellName && error.line > 0 && error.type !== 'KeyboardInterrupt') {
      this.editor.markError({ line: error.line, column: error.column, length: error.length });
    }
  }

  /**
   * A slider beside the cell, made or updated by an `input` event; moving it sets the global.
   * @param {{name: string, kind?: string, value: number, min: number, max: number, step?: number}} d
   */
  upsertSlider(d) {
    if (!d || typeof d.name !== 'string' || (d.kind && d.kind !== 'slider')) return;
    let s = this.sliders.get(d.name);
    if (!s) {
      const input = el('input', { type: 'range' });
      input.dataset.testid = 'slider';
      input.dataset.name = d.name;
      input.setAttribute('aria-label', d.name);
      const out = el('output', {});
      const root = el(
        'label',
        { className: 'slider' },
        el('span', { className: 'slider-name', text: d.name }),
        input,
        out,
      );
      input.addEventListener('input', () => {
        out.textContent = formatSliderValue(Number(input.value), input.step);
        this.handlers.onInput(d.name, Number(input.value));
      });
      s = { root, input, out };
      this.sliders.set(d.name, s);
      this.inputs.appendChild(root);
      this.inputs.hidden = false;
    }
    const min = Number(d.min);
    const max = Number(d.max);
    const step = d.step > 0 ? Number(d.step) : (max - min) / 100 || 'any';
    Object.assign(s.input, { min: String(min), max: String(max), step: String(step) });
    s.input.value = String(d.value);
    s.out.textContent = formatSliderValue(Number(d.value), String(step));
  }

  clearSliders() {
    this.sliders.clear();
    this.inputs.replaceChildren();
    this.inputs.hidden = true;
  }

  destroy() {
    this.editor.destroy();
    this.output.clear();
    this.el.remove();
  }
}

/** A slider's value to the precision of its step (0.001 and 0.25: 3 and 2 decimals). */
function formatSliderValue(v, step) {
  const st = Number(step);
  if (!(st > 0)) return String(v);
  const written = /\.(\d+)$/.exec(String(st))?.[1].length ?? 0;
  const decimals = written <= 6 ? written : Math.ceil(-Math.log10(st) - 1e-9);
  return v.toFixed(Math.min(6, Math.max(0, decimals)));
}
