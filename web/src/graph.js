// The autograd graph view: the `graph` event of show_graph(t) (wasm/PROTOCOL.md §1), laid
// out with dagre, drawn as SVG whose labels are real <text> (tests and screen readers read
// them), with zoom and pan (wheel, drag, buttons), a details panel for the clicked node (full
// value and grad), and a toggle that replays the backward pass in the engine's visit order,
// lighting each edge with the gradient it carries. The graph itself comes from the core;
// nothing here re-derives it.
import dagre from '@dagrejs/dagre';

const SVG = 'http://www.w3.org/2000/svg';
/** Width of one character of the node font (12px monospace), for sizing boxes without measuring. */
const CHAR_W = 7.3;
const LINE_H = 16;
const PAD_X = 10;
const PAD_Y = 7;
/** Characters of a value shown inside a node or on an edge (the rest is in the details panel). */
const PREVIEW_CHARS = 34;
/** The backward replay lasts about this long whatever the graph's size, each step within bounds. */
const REPLAY_MS = 6000;
const STEP_MIN_MS = 40;
const STEP_MAX_MS = 500;

let instances = 0;

/**
 * @typedef {{id: number, kind: 'tensor'|'op'|'fold', label: string, name?: string|null,
 *            shape?: number[], dtype?: string, requiresGrad?: boolean, leaf?: boolean,
 *            value?: string, grad?: string|null, visit?: number|null, folded?: number}} GraphNode
 * @typedef {{from: number, to: number, input: number, grad: string|null}} GraphEdge
 * @typedef {{root: number, nodes: GraphNode[], edges: GraphEdge[], visit: number[],
 *            total: number, drawn: number, folded: string[], edgeGrads: boolean,
 *            gradsNote: string|null, note: string|null}} GraphData
 */

/**
 * One line of a printed tensor for a label: whitespace collapsed, "tensor(...)" and the
 * autograd suffixes dropped, cut to `max` characters.
 * @param {string|null|undefined} text
 * @param {number} [max]
 */
export function compactValue(text, max = PREVIEW_CHARS) {
  if (!text) return '';
  let s = text
    .replace(/^Parameter containing:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  s = s.replace(/, (grad_fn=<\w+>|requires_grad=True)\)$/, ')');
  const m = /^tensor\((.*)\)$/.exec(s);
  if (m) s = m[1];
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function svg(tag, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function html(tag, className, text, parent = null) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

/** The text lines of a node's box. @param {GraphNode} n */
function nodeLines(n) {
  if (n.kind === 'op') return [n.label];
  if (n.kind === 'fold') return [n.label, `(${n.folded} nodes folded)`];
  const shape = Array.isArray(n.shape) ? `[${n.shape.join(', ')}]` : '';
  const lines = [n.name ?? 'tensor', `${shape} ${(n.dtype ?? '').replace('torch.', '')}`.trim()];
  lines.push(compactValue(n.value));
  if (n.grad) lines.push(`grad ${compactValue(n.grad, PREVIEW_CHARS - 5)}`);
  return lines;
}

/**
 * A drawn graph with its toolbar, notes and details panel.
 */
export class GraphView {
  /**
   * @param {HTMLElement} host
   * @param {GraphData} data
   * @param {{title?: string}} [options]
   */
  constructor(host, data, options = {}) {
    this.data = data;
    this.uid = ++instances;
    this.el = html('div', 'graph-view', null, host);
    this.el.dataset.testid = 'graph-view';
    const bar = html('div', 'graph-toolbar', null, this.el);
    html('span', 'graph-title', options.title ?? `autograd graph: ${data.nodes.length} of ${data.total} nodes`, bar);
    const button = (label, title, fn) => {
      const b = html('button', 'graph-button', label, bar);
      b.type = 'button';
      b.title = title;
      b.setAttribute('aria-label', title);
      b.addEventListener('click', fn);
      return b;
    };
    button('+', 'Zoom in', () => this.zoomBy(1.25));
    button('−', 'Zoom out', () => this.zoomBy(0.8));
    button('Fit', 'Fit the graph', () => this.fit());
    this.replayButton = button('Backward pass', 'Replay the backward pass', () => this.toggleReplay());
    this.replayButton.dataset.testid = 'graph-backward';
    this.replayButton.setAttribute('aria-pressed', 'false');
    this.replayButton.disabled = !data.visit?.length;

    this.canvas = html('div', 'graph-canvas', null, this.el);
    this.canvas.dataset.testid = 'graph';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'group');
    this.canvas.setAttribute('aria-label', 'autograd graph (drag to pan, wheel to zoom)');

    const notes = [...(data.note ? [data.note] : []), ...(data.folded ?? [])];
    if (data.gradsNote && data.visit?.length) notes.push(`Backward pass: ${data.gradsNote}.`);
    if (notes.length) {
      const ul = html('ul', 'graph-notes', null, this.el);
      ul.dataset.testid = 'graph-notes';
      for (const n of notes) html('li', '', n, ul);
    }
    this.details = html('div', 'graph-details', null, this.el);
    this.details.dataset.testid = 'graph-details';
    this.details.hidden = true;

    this.view = { x: 0, y: 0, k: 1 };
    this.timer = 0;
    this.layout();
    this.draw();
    this.bindPanZoom();
    requestAnimationFrame(() => this.fit());
  }

  layout() {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 22, ranksep: 34, edgesep: 8, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of this.data.nodes) {
      const lines = nodeLines(n);
      const width = Math.max(...lines.map((l) => l.length)) * CHAR_W + 2 * PAD_X;
      g.setNode(String(n.id), { width, height: lines.length * LINE_H + 2 * PAD_Y, lines });
    }
    this.data.edges.forEach((e, i) => {
      const text = e.grad ? compactValue(e.grad, 24) : '';
      g.setEdge(
        String(e.from),
        String(e.to),
        { width: text.length * CHAR_W * 0.85, height: text ? 14 : 0, text },
        `e${i}`,
      );
    });
    dagre.layout(g);
    this.graph = g;
    const { width = 0, height = 0 } = g.graph();
    this.size = { width, height };
  }

  draw() {
    const root = svg('svg', { class: 'graph-svg' });
    const defs = svg('defs', {}, root);
    const marker = svg(
      'marker',
      {
        id: `graph-arrow-${this.uid}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
      },
      defs,
    );
    svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'graph-arrowhead' }, marker);
    const litMarker = /** @type {SVGElement} */ (marker.cloneNode(true));
    litMarker.setAttribute('id', `graph-arrow-lit-${this.uid}`);
    litMarker.firstElementChild?.classList.add('lit');
    defs.appendChild(litMarker);
    this.viewport = svg('g', { class: 'graph-viewport' }, root);
    const edgeLayer = svg('g', { class: 'graph-edges' }, this.viewport);
    const nodeLayer = svg('g', { class: 'graph-nodes' }, this.viewport);

    /** @type {Map<number, SVGGElement>} */
    this.nodeEls = new Map();
    /** @type {SVGGElement[]} */
    this.edgeEls = [];
    this.data.edges.forEach((e, i) => {
      const info = this.graph.edge(String(e.from), String(e.to), `e${i}`);
      const grp = svg('g', { class: 'graph-edge' }, edgeLayer);
      grp.dataset.from = String(e.from);
      grp.dataset.to = String(e.to);
      const pts = info.points ?? [];
      const d = pts.map((p, j) => `${j ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      svg('path', { d, class: 'graph-edge-line', 'marker-end': `url(#graph-arrow-${this.uid})` }, grp);
      if (info.text) {
        const t = svg('text', { x: info.x, y: info.y + 4, class: 'graph-edge-grad', 'text-anchor': 'middle' }, grp);
        t.textContent = info.text;
      }
      this.edgeEls.push(grp);
    });

    for (const n of this.data.nodes) {
      const info = this.graph.node(String(n.id));
      const grp = svg(
        'g',
        {
          class: `graph-node graph-${n.kind}`,
          transform: `translate(${info.x - info.width / 2}, ${info.y - info.height / 2})`,
        },
        nodeLayer,
      );
      grp.dataset.id = String(n.id);
      grp.dataset.kind = n.kind;
      grp.setAttribute('tabindex', '0');
      grp.setAttribute('role', 'button');
      grp.setAttribute('aria-label', info.lines.join(', '));
      if (n.id === this.data.root) grp.classList.add('graph-root');
      svg('rect', { width: info.width, height: info.height, rx: n.kind === 'op' ? 12 : 4 }, grp);
      info.lines.forEach((line, j) => {
        const t = svg(
          'text',
          { x: PAD_X, y: PAD_Y + (j + 1) * LINE_H - 4, class: j === 0 ? 'graph-label' : 'graph-sub' },
          grp,
        );
        t.textContent = line;
      });
      const open = () => this.select(n.id);
      grp.addEventListener('click', open);
      grp.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        }
      });
      this.nodeEls.set(n.id, grp);
    }
    this.svg = root;
    this.canvas.appendChild(root);
    this.apply();
  }

  bindPanZoom() {
    this.canvas.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const r = this.canvas.getBoundingClientRect();
        this.zoomBy(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
      },
      { passive: false },
    );
    let drag = null;
    this.canvas.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0 || /** @type {Element} */ (ev.target).closest('.graph-node')) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: this.view.x, vy: this.view.y };
      this.canvas.setPointerCapture(ev.pointerId);
      this.canvas.classList.add('dragging');
    });
    this.canvas.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      this.view.x = drag.vx + ev.clientX - drag.x;
      this.view.y = drag.vy + ev.clientY - drag.y;
      this.apply();
    });
    const end = () => {
      drag = null;
      this.canvas.classList.remove('dragging');
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('keydown', (ev) => {
      const step = 40;
      const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (ev.target !== this.canvas) return;
      if (moves[ev.key]) {
        this.view.x += moves[ev.key][0];
        this.view.y += moves[ev.key][1];
        this.apply();
        ev.preventDefault();
      } else if (ev.key === '+' || ev.key === '=') this.zoomBy(1.25);
      else if (ev.key === '-') this.zoomBy(0.8);
    });
  }

  /**
   * Zooms by `factor` around a point of the canvas (its centre by default).
   * @param {number} factor @param {number} [cx] @param {number} [cy]
   */
  zoomBy(factor, cx, cy) {
    const w = this.canvas.clientWidth || 600;
    const h = this.canvas.clientHeight || 400;
    const px = cx ?? w / 2;
    const py = cy ?? h / 2;
    const k = Math.min(4, Math.max(0.1, this.view.k * factor));
    const f = k / this.view.k;
    this.view.x = px - (px - this.view.x) * f;
    this.view.y = py - (py - this.view.y) * f;
    this.view.k = k;
    this.apply();
  }

  /** Scales the whole graph into the canvas (never above 1:1) and centres it. */
  fit() {
    const w = this.canvas.clientWidth || 600;
    const h = this.canvas.clientHeight || 400;
    const k = Math.min(1, w / Math.max(1, this.size.width), h / Math.max(1, this.size.height));
    this.view = { k, x: (w - this.size.width * k) / 2, y: (h - this.size.height * k) / 2 };
    this.apply();
  }

  apply() {
    const { x, y, k } = this.view;
    this.viewport.setAttribute('transform', `translate(${x.toFixed(1)}, ${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    this.canvas.dataset.zoom = k.toFixed(3);
  }

  /**
   * Shows a node's full value and grad (tensors), or the gradients on its edges (ops).
   * @param {number} id
   */
  select(id) {
    const n = this.data.nodes[id];
    if (!n) return;
    for (const [nid, el] of this.nodeEls) el.classList.toggle('selected', nid === id);
    const d = this.details;
    d.replaceChildren();
    d.hidden = false;
    const close = html('button', 'graph-details-close', '×', d);
    close.type = 'button';
    close.setAttribute('aria-label', 'Close the details');
    close.addEventListener('click', () => {
      d.hidden = true;
      for (const el of this.nodeEls.values()) el.classList.remove('selected');
    });
    if (n.kind === 'tensor') {
      html('h4', '', n.name ?? 'tensor (no variable name)', d);
      const meta = [
        Array.isArray(n.shape) ? `shape [${n.shape.join(', ')}]` : '',
        n.dtype ?? '',
        n.requiresGrad ? 'requires_grad' : '',
        n.leaf ? 'leaf' : 'result of an op',
      ]
        .filter(Boolean)
        .join(' · ');
      html('p', 'graph-details-meta', meta, d);
      html('div', 'graph-details-key', 'value', d);
      html('pre', 'graph-details-value', n.value ?? '', d).dataset.testid = 'graph-value';
      html('div', 'graph-details-key', 'grad', d);
      html('pre', 'graph-details-grad', n.grad ?? 'None', d).dataset.testid = 'graph-grad';
      return;
    }
    html('h4', '', n.label, d);
    if (n.kind === 'fold') {
      html('p', 'graph-details-meta', `stands for ${n.folded} nodes of the graph that are not drawn`, d);
      return;
    }
    html(
      'p',
      'graph-details-meta',
      n.visit === null || n.visit === undefined ? 'not reached by backward' : `backward runs it as step ${n.visit + 1}`,
      d,
    );
    const incoming = this.data.edges.filter((e) => e.to === id);
    for (const e of incoming) {
      const from = this.data.nodes[e.from];
      const name = from.kind === 'tensor' ? (from.name ?? 'tensor') : from.label;
      html('div', 'graph-details-key', `gradient sent to input ${e.input} (${name})`, d);
      html(
        'pre',
        'graph-details-grad',
        e.grad ?? (this.data.edgeGrads ? 'None' : 'not kept (see the note below the graph)'),
        d,
      );
    }
  }

  /** Starts or stops the backward replay. */
  toggleReplay() {
    if (this.replayButton.getAttribute('aria-pressed') === 'true') {
      this.stopReplay();
      return;
    }
    this.replayButton.setAttribute('aria-pressed', 'true');
    this.el.classList.add('replaying');
    for (const el of [...this.nodeEls.values(), ...this.edgeEls]) el.classList.remove('lit', 'current');
    const order = this.data.visit ?? [];
    const stepMs = Math.max(STEP_MIN_MS, Math.min(STEP_MAX_MS, REPLAY_MS / Math.max(1, order.length)));
    // The seed: the gradient of the root with respect to itself lights the root first.
    this.light(this.data.root);
    let i = 0;
    this.canvas.dataset.step = '0';
    const step = () => {
      if (i >= order.length) {
        this.timer = 0;
        this.canvas.dataset.replay = 'done';
        for (const el of this.nodeEls.values()) el.classList.remove('current');
        return;
      }
      this.light(order[i]);
      i += 1;
      this.canvas.dataset.step = String(i);
      this.timer = setTimeout(step, stepMs);
    };
    this.canvas.dataset.replay = 'running';
    this.timer = setTimeout(step, stepMs);
  }

  stopReplay() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.replayButton.setAttribute('aria-pressed', 'false');
    this.el.classList.remove('replaying');
    delete this.canvas.dataset.replay;
    delete this.canvas.dataset.step;
    for (const el of [...this.nodeEls.values(), ...this.edgeEls]) el.classList.remove('lit', 'current');
    for (const el of this.edgeEls) el.firstElementChild?.setAttribute('marker-end', `url(#graph-arrow-${this.uid})`);
  }

  /**
   * Lights node `id` (the engine runs it) and the edges along which it sends gradients: the
   * edges into it in data-flow order; a leaf's accumulator lights its leaf as well.
   * @param {number} id
   */
  light(id) {
    for (const el of this.nodeEls.values()) el.classList.remove('current');
    const el = this.nodeEls.get(id);
    el?.classList.add('lit', 'current');
    this.data.edges.forEach((e, i) => {
      if (e.to !== id) return;
      this.edgeEls[i].classList.add('lit');
      this.edgeEls[i].firstElementChild?.setAttribute('marker-end', `url(#graph-arrow-lit-${this.uid})`);
      const from = this.data.nodes[e.from];
      if (from.kind === 'tensor') this.nodeEls.get(e.from)?.classList.add('lit');
    });
  }

  destroy() {
    clearTimeout(this.timer);
    this.el.remove();
  }
}

/**
 * Draws a graph event into an output area.
 * @param {HTMLElement} host @param {GraphData} data @param {{title?: string}} [options]
 */
export function renderGraph(host, data, options) {
  return new GraphView(host, data, options);
}

/**
 * The variables panel's graph: a dialog over the page with the graph of one global, or the
 * error that came instead. Escape or the close button ends it.
 * @param {string} name @param {{data?: GraphData, error?: {type: string, message: string}}} result
 */
export function showGraphDialog(name, result) {
  document.querySelector('.graph-dialog')?.remove();
  const overlay = html('div', 'graph-dialog', null, document.body);
  overlay.dataset.testid = 'graph-dialog';
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', `autograd graph of ${name}`);
  const box = html('div', 'graph-dialog-box', null, overlay);
  const head = html('div', 'graph-dialog-head', null, box);
  html('strong', '', `show_graph(${name})`, head);
  const close = html('button', 'graph-dialog-close', 'Close', head);
  close.type = 'button';
  let view = null;
  const end = () => {
    view?.destroy();
    overlay.remove();
    document.removeEventListener('keydown', onKey);
  };
  const onKey = (ev) => {
    if (ev.key === 'Escape') end();
  };
  close.addEventListener('click', end);
  document.addEventListener('keydown', onKey);
  if (result.data) view = new GraphView(box, result.data);
  else html('pre', 'stderr', `${result.error?.type ?? 'Error'}: ${result.error?.message ?? 'no graph'}`, box);
  close.focus();
}
