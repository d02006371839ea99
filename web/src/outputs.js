// One cell's output area: printed text (exactly as printed, via textContent, never HTML),
// the error traceback, charts and progress bars, in the order they were produced.
import { ChartSet } from './charts.js';

/**
 * Formats seconds as tqdm does: M:SS, or H:MM:SS past an hour.
 * @param {number} s
 */
export function formatDuration(s) {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

/**
 * A tqdm-style progress bar: desc, bar, n/total, elapsed<ETA, rate. Redrawn once per frame.
 */
class ProgressBar {
  constructor(host) {
    this.el = document.createElement('div');
    this.el.className = 'progress';
    this.el.dataset.testid = 'progress';
    this.desc = document.createElement('span');
    this.desc.className = 'progress-desc';
    const track = document.createElement('div');
    track.className = 'progress-track';
    this.bar = document.createElement('div');
    this.bar.className = 'progress-bar';
    track.appendChild(this.bar);
    this.stats = document.createElement('span');
    this.stats.className = 'progress-stats';
    this.el.append(this.desc, track, this.stats);
    host.appendChild(this.el);
    this.data = null;
    this.frame = 0;
  }

  /** @param {{n: number, total: number|null, elapsed: number, desc?: string}} data  elapsed in seconds */
  update(data) {
    this.data = data;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  draw() {
    this.frame = 0;
    const { n = 0, total = null, elapsed = 0, desc = '' } = this.data;
    const rate = elapsed > 0 ? n / elapsed : 0;
    const known = typeof total === 'number' && total > 0;
    const frac = known ? Math.min(1, n / total) : 0;
    this.desc.textContent = desc ? `${desc}: ` : '';
    this.bar.style.width = `${(frac * 100).toFixed(1)}%`;
    this.el.classList.toggle('indeterminate', !known);
    const eta = known && rate > 0 ? formatDuration((total - n) / rate) : '?';
    const rateText = rate >= 1 || rate === 0 ? `${rate.toFixed(2)}it/s` : `${(1 / rate).toFixed(2)}s/it`;
    this.stats.textContent = known
      ? `${Math.round(frac * 100)}% ${n}/${total} [${formatDuration(elapsed)}<${eta}, ${rateText}]`
      : `${n} [${formatDuration(elapsed)}, ${rateText}]`;
    this.el.dataset.n = String(n);
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.el.remove();
  }
}

/**
 * The output area of one cell.
 */
export class CellOutput {
  /**
   * @param {HTMLElement} host
   * @param {{onInput?: (data: object) => void}} hooks  input (slider) events go to the cell
   */
  constructor(host, hooks = {}) {
    this.el = document.createElement('div');
    this.el.className = 'output';
    host.appendChild(this.el);
    this.hooks = hooks;
    this.charts = new ChartSet(this.el);
    /** @type {Map<string, ProgressBar>} */
    this.progress = new Map();
    this.textNode = null;
  }

  /** Removes every output (a new run starts). */
  clear() {
    this.charts.reset();
    for (const p of this.progress.values()) p.destroy();
    this.progress.clear();
    this.el.replaceChildren();
    this.textNode = null;
  }

  /**
   * Applies a batch of output events (PROTOCOL.md §1).
   * @param {import('./runtime.js').OutputEvent[]} events
   */
  addEvents(events) {
    for (const ev of events) {
      switch (ev.kind) {
        case 'text':
          this.appendText(ev.text ?? '');
          break;
        case 'plot':
          this.textNode = null;
          this.charts.handle(ev.data);
          break;
        case 'progress':
          this.updateProgress(ev.data);
          break;
        case 'input':
          this.hooks.onInput?.(ev.data);
          break;
        case 'graph':
          this.showGraph(ev.data);
          break;
        default:
          break;
      }
    }
  }

  /**
   * Printed text, appended to the current text block (a new block after a chart).
   * @param {string} text
   */
  appendText(text) {
    if (!text) return;
    if (!this.textNode || this.el.lastChild !== this.textNode.parentNode) {
      const pre = document.createElement('pre');
      pre.className = 'stdout';
      pre.dataset.testid = 'cell-output';
      this.textNode = document.createTextNode('');
      pre.appendChild(this.textNode);
      this.el.appendChild(pre);
    }
    this.textNode.appendData(text);
  }

  /**
   * show_graph(t): the graph view (graph.js, loaded with dagre on first use) in a placeholder
   * taken now, so later output stays below it.
   * @param {object} data  PROTOCOL.md §1 graph JSON
   */
  showGraph(data) {
    if (!data) return;
    const slot = document.createElement('div');
    slot.className = 'graph-slot';
    this.el.appendChild(slot);
    this.textNode = null;
    import('./graph.js').then(({ renderGraph }) => renderGraph(slot, data));
  }

  updateProgress(data) {
    if (!data) return;
    const id = String(data.id ?? 'progress');
    let bar = this.progress.get(id);
    if (!bar) {
      bar = new ProgressBar(this.el);
      this.progress.set(id, bar);
      this.textNode = null;
    }
    bar.update(data);
  }

  /**
   * Shows an error's traceback (or "Type: message" when there is none).
   * @param {import('./runtime.js').ErrorRecord} error
   */
  showError(error) {
    const pre = document.createElement('pre');
    pre.className = 'stderr';
    pre.dataset.testid = 'cell-error';
    pre.textContent = error.traceback || `${error.type}: ${error.message}`;
    this.el.appendChild(pre);
    this.textNode = null;
  }

  /**
   * A one-line note from the page (not the program), e.g. "Stopped".
   * @param {string} text
   */
  note(text) {
    const p = document.createElement('div');
    p.className = 'output-note';
    p.textContent = text;
    this.el.appendChild(p);
    this.textNode = null;
  }
}
