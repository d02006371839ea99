// SVG charts: an annotated heatmap and a scatter with text labels (embeddings). Text goes in
// through textContent only. Extents start at ±Infinity and grow over the finite values.

const SVG_NS = 'http://www.w3.org/2000/svg';
const W = 640;

/**
 * Series and group colours, shared by every chart: Okabe and Ito's palette, which stays
 * distinguishable with each kind of colour blindness (tests/browser/a11y.test.mjs simulates
 * them). Series also differ by dash (line charts) and groups by a mark inside the marker (scatters).
 */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9', '#000000'];
/** Line dashes by series (uPlot's `dash`), so that series differ without colour. */
export const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
/** Scatter marker marks by group (see `marker`). */
const SHAPES = ['plain', 'dot', 'bar', 'cross'];
/** Rows the data table shows at most (the rest is counted in its caption). */
export const MAX_TABLE_ROWS = 1000;

/**
 * Creates an SVG element with attributes under `parent`.
 * @param {string} tag
 * @param {Record<string, string|number>} attrs
 * @param {Element} [parent]
 * @param {string} [text]
 */
function svg(tag, attrs, parent, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  parent?.appendChild(el);
  return el;
}

/**
 * @typedef {{columns: string[], rows: (string|number|null)[][]}} ChartTable  the plotted values
 */

let frameIds = 0;

/**
 * The frame every chart lives in: a figure (data-testid "chart") with a caption, a body, and
 * the chart's text alternative: a "Data" button (data-testid "chart-data-toggle") that shows
 * the plotted values as a table (data-testid "chart-data"). The chart sets `table` to a
 * function giving its values and calls `refresh()` after each redraw.
 * @param {HTMLElement} host
 * @param {string} type
 * @param {object} spec
 */
export function chartFrame(host, type, spec) {
  const el = document.createElement('figure');
  el.className = `chart chart-${type}`;
  el.dataset.testid = 'chart';
  el.dataset.type = type;
  const caption = document.createElement('figcaption');
  const body = document.createElement('div');
  body.className = 'chart-body';
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'chart-data-toggle';
  toggle.dataset.testid = 'chart-data-toggle';
  toggle.textContent = 'Data';
  toggle.title = 'Show the plotted values as a table';
  const data = document.createElement('div');
  data.className = 'chart-data';
  data.dataset.testid = 'chart-data';
  data.id = `gl-chart-data-${++frameIds}`;
  data.hidden = true;
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', data.id);
  el.append(caption, body, toggle, data);
  host.appendChild(el);
  let title = '';
  const frame = {
    el,
    body,
    /** @type {() => ChartTable} */
    table: () => ({ columns: [], rows: [] }),
    /** @param {string} t */
    setTitle(t) {
      title = t;
      caption.textContent = t;
      caption.hidden = !t;
      toggle.setAttribute('aria-label', `Data of ${t || `the ${type} chart`}`);
    },
    /** Redraws the table when it is open. */
    refresh() {
      if (!data.hidden) renderTable(data, frame.table(), title || `${type} chart`);
    },
  };
  toggle.addEventListener('click', () => {
    data.hidden = !data.hidden;
    toggle.setAttribute('aria-expanded', String(!data.hidden));
    toggle.textContent = data.hidden ? 'Data' : 'Hide data';
    if (data.hidden) data.replaceChildren();
    else frame.refresh();
  });
  frame.setTitle('');
  return frame;
}

/**
 * A table of the plotted values (text only; at most MAX_TABLE_ROWS rows).
 * @param {HTMLElement} host
 * @param {ChartTable} t
 * @param {string} name
 */
function renderTable(host, t, name) {
  const table = document.createElement('table');
  const cap = document.createElement('caption');
  cap.textContent =
    t.rows.length > MAX_TABLE_ROWS
      ? `${name}: the first ${MAX_TABLE_ROWS} of ${t.rows.length} rows`
      : `${name}: ${t.rows.length} row${t.rows.length === 1 ? '' : 's'}`;
  const head = document.createElement('tr');
  for (const c of t.columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    head.appendChild(th);
  }
  const thead = document.createElement('thead');
  thead.appendChild(head);
  const tbody = document.createElement('tbody');
  for (const row of t.rows.slice(0, MAX_TABLE_ROWS)) {
    const tr = document.createElement('tr');
    for (const v of row) {
      const td = document.createElement('td');
      td.textContent = v === null || v === undefined ? 'nan' : String(v);
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
  table.append(cap, thead, tbody);
  host.replaceChildren(table);
}

/** Finite extent of numbers, starting from ±Infinity. */
function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** About `n` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, n = 5) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(+(k * step).toFixed(decimals) || 0);
  return ticks;
}

/** seaborn's default annotation format, '.2g'. */
export function format2g(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'nan';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e2))
    return v
      .toExponential(1)
      .replace(/\.0e/, 'e')
      .replace(/e([+-])(\d)$/, 'e$10$2');
  return String(Number(v.toPrecision(2)));
}

// seaborn's "rocket" colour map, sampled.
const ROCKET = ['#03051a', '#36193e', '#701f57', '#ad1759', '#e13342', '#f37651', '#f6b48f', '#faebdd'];

function hexToRgb(h) {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour of t in [0, 1] on the map, and whether text over it should be light. */
function colourAt(t) {
  const x = Math.min(Math.max(t, 0), 1) * (ROCKET.length - 1);
  const i = Math.min(Math.floor(x), ROCKET.length - 2);
  const a = hexToRgb(ROCKET[i]);
  const b = hexToRgb(ROCKET[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * (x - i)));
  const luminance = (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255;
  return { fill: `rgb(${c.join(',')})`, light: luminance < 0.5 };
}

let gradientIds = 0;

/** An annotated heatmap: {matrix, rows, cols, annotate, title}. */
export class HeatmapChart {
  constructor(host, spec) {
    this.frame = chartFrame(host, 'heatmap', spec);
    this.el = this.frame.el;
    this.gradientId = `gl-heat-${++gradientIds}`;
    this.update(spec);
  }

  update(spec) {
    this.spec = spec;
    this.matrix = (Array.isArray(spec.matrix) ? spec.matrix : []).map((r) => (Array.isArray(r) ? r : [r]));
    this.draw();
  }

  /** Adds a row. @param {{row: (number|null)[], label?: string}} point */
  append(point) {
    this.matrix.push(point.row || []);
    if (point.label !== undefined) this.spec = { ...this.spec, rows: [...(this.spec.rows || []), point.label] };
    this.draw();
  }

  reset() {
    this.matrix = [];
    this.draw();
  }

  destroy() {
    this.el.remove();
  }

  draw() {
    const { spec, matrix } = this;
    this.frame.setTitle(spec.title || '');
    this.frame.body.replaceChildren();
    const nr = matrix.length;
    const nc = Math.max(0, ...matrix.map((r) => r.length));
    const rows = (spec.rows || []).map(String);
    const cols = (spec.cols || []).map(String);
    const [lo, hi] = extent(matrix.flat());
    const left = 12 + 7 * Math.max(1, ...rows.map((s) => s.length));
    const barW = 70;
    const cw = nc ? Math.max(28, Math.min(128, (W - left - barW - 10) / nc)) : 0;
    const ch = 30;
    const longest = Math.max(1, ...cols.map((s) => s.length));
    const rotate = longest * 7 > cw; // column labels slant when they do not fit
    const bottom = rotate ? 20 + 4 * Math.min(24, longest) : 24;
    const height = 10 + nr * ch + bottom;
    const root = svg(
      'svg',
      {
        viewBox: `0 0 ${W} ${height}`,
        class: 'heatmap',
        role: 'img',
        'aria-label': `${spec.title || 'Heatmap'}: ${nr} by ${nc} values (the Data button lists them)`,
      },
      this.frame.body,
    );
    const annotate = spec.annotate !== false;
    matrix.forEach((row, i) => {
      for (let j = 0; j < nc; j++) {
        const v = typeof row[j] === 'number' && Number.isFinite(row[j]) ? row[j] : null;
        const t = hi > lo && v !== null ? (v - lo) / (hi - lo) : 0.5;
        const c = v === null ? { fill: '#cbd5e1', light: false } : colourAt(t);
        const x = left + j * cw;
        const y = 10 + i * ch;
        svg('rect', { x, y, width: cw, height: ch, fill: c.fill }, root);
        if (annotate) {
          svg(
            'text',
            { x: x + cw / 2, y: y + ch / 2 + 4, 'text-anchor': 'middle', class: c.light ? 'annot light' : 'annot' },
            root,
            format2g(v),
          );
        }
      }
      svg(
        'text',
        { x: left - 6, y: 10 + i * ch + ch / 2 + 4, 'text-anchor': 'end', class: 'tick' },
        root,
        rows[i] ?? String(i),
      );
    });
    for (let j = 0; j < nc; j++) {
      const x = left + j * cw + cw / 2;
      const y = 10 + nr * ch + 12;
      const attrs = rotate
        ? { x, y, 'text-anchor': 'end', transform: `rotate(-35 ${x} ${y})` }
        : { x, y, 'text-anchor': 'middle' };
      svg('text', { ...attrs, class: 'tick' }, root, cols[j] ?? String(j));
    }
    if (Number.isFinite(lo)) this.colourBar(root, left + nc * cw + 16, nr * ch, lo, hi);
    this.el.dataset.points = String(nr * nc);
    this.frame.table = () => ({
      columns: ['', ...Array.from({ length: nc }, (_, j) => cols[j] ?? String(j))],
      rows: matrix.map((row, i) => [rows[i] ?? String(i), ...Array.from({ length: nc }, (_, j) => row[j] ?? null)]),
    });
    this.frame.refresh();
  }

  colourBar(root, x, h, lo, hi) {
    const defs = svg('defs', {}, root);
    const grad = svg('linearGradient', { id: this.gradientId, x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
    ROCKET.forEach((c, i) => svg('stop', { offset: i / (ROCKET.length - 1), 'stop-color': c }, grad));
    svg('rect', { x, y: 10, width: 12, height: h, fill: `url(#${this.gradientId})` }, root);
    for (const v of hi > lo ? niceTicks(lo, hi, 4) : [lo]) {
      const y = 10 + (hi > lo ? (1 - (v - lo) / (hi - lo)) * h : h / 2);
      svg('text', { x: x + 16, y: y + 4, class: 'tick' }, root, format2g(v));
    }
  }
}

/** A scatter with text labels: {points: [[x, y], ..], labels, xlabel, ylabel, title}. */
export class ScatterChart {
  constructor(host, spec) {
    this.frame = chartFrame(host, 'scatter', spec);
    this.el = this.frame.el;
    this.update(spec);
  }

  update(spec) {
    this.spec = spec;
    this.points = (Array.isArray(spec.points) ? spec.points : []).map((p) => [p?.[0], p?.[1]]);
    this.labels = (spec.labels || []).map(String);
    this.draw();
  }

  /** @param {{x: number, y: number, label?: string}} point */
  append(point) {
    this.points.push([point.x, point.y]);
    this.labels.push(point.label ?? '');
    this.draw();
  }

  reset() {
    this.points = [];
    this.labels = [];
    this.draw();
  }

  destroy() {
    this.el.remove();
  }

  draw() {
    const { spec, points, labels } = this;
    this.frame.setTitle(spec.title || '');
    this.frame.body.replaceChildren();
    const H = 360;
    const m = { left: 56, right: 20, top: 12, bottom: 44 };
    let [x0, x1] = extent(points.map((p) => p[0]));
    let [y0, y1] = extent(points.map((p) => p[1]));
    if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [0, 1, 0, 1];
    const pad = (lo, hi) => {
      const d = (hi - lo || Math.abs(hi) || 1) * 0.12;
      return [lo - d, hi + d];
    };
    [x0, x1] = pad(x0, x1);
    [y0, y1] = pad(y0, y1);
    const sx = (v) => m.left + ((v - x0) / (x1 - x0)) * (W - m.left - m.right);
    const sy = (v) => H - m.bottom - ((v - y0) / (y1 - y0)) * (H - m.top - m.bottom);
    const root = svg(
      'svg',
      {
        viewBox: `0 0 ${W} ${H}`,
        class: 'scatter',
        role: 'img',
        'aria-label': `${spec.title || 'Scatter plot'}: ${points.length} points (the Data button lists them)`,
      },
      this.frame.body,
    );
    for (const t of niceTicks(x0, x1)) {
      svg('line', { x1: sx(t), x2: sx(t), y1: m.top, y2: H - m.bottom, class: 'grid' }, root);
      svg('text', { x: sx(t), y: H - m.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, root, String(t));
    }
    for (const t of niceTicks(y0, y1)) {
      svg('line', { x1: m.left, x2: W - m.right, y1: sy(t), y2: sy(t), class: 'grid' }, root);
      svg('text', { x: m.left - 6, y: sy(t) + 4, 'text-anchor': 'end', class: 'tick' }, root, String(t));
    }
    svg(
      'rect',
      { x: m.left, y: m.top, width: W - m.left - m.right, height: H - m.top - m.bottom, class: 'frame' },
      root,
    );
    if (spec.xlabel)
      svg(
        'text',
        { x: (m.left + W - m.right) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' },
        root,
        spec.xlabel,
      );
    if (spec.ylabel) {
      const cy = (m.top + H - m.bottom) / 2;
      svg(
        'text',
        { x: 14, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 14 ${cy})`, class: 'axis-label' },
        root,
        spec.ylabel,
      );
    }
    const groups = [...new Set(labels.map(groupOf))];
    points.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      const g = groups.indexOf(groupOf(labels[i] ?? ''));
      marker(root, SHAPES[g % SHAPES.length], sx(x), sy(y), PALETTE[g % PALETTE.length]);
      if (labels[i]) svg('text', { x: sx(x) + 8, y: sy(y) - 6, class: 'point-label' }, root, labels[i]);
    });
    this.el.dataset.points = String(points.length);
    this.frame.table = () => ({
      columns: ['label', spec.xlabel || 'x', spec.ylabel || 'y'],
      rows: points.map(([x, y], i) => [labels[i] ?? '', x ?? null, y ?? null]),
    });
    this.frame.refresh();
  }
}

/**
 * One scatter point: a disc of radius 5 around (x, y) with a white mark inside that tells the
 * group apart without colour (none, a dot, a bar, a cross).
 * @param {Element} root
 * @param {string} shape
 * @param {number} x
 * @param {number} y
 * @param {string} fill
 */
function marker(root, shape, x, y, fill) {
  svg('circle', { cx: x, cy: y, r: 5, fill, class: 'point', 'data-shape': shape }, root);
  const mark = { class: 'point-mark' };
  if (shape === 'dot') svg('circle', { ...mark, cx: x, cy: y, r: 1.8 }, root);
  else if (shape === 'bar') svg('path', { ...mark, d: `M${x - 3} ${y}H${x + 3}` }, root);
  else if (shape === 'cross') svg('path', { ...mark, d: `M${x - 3} ${y}H${x + 3}M${x} ${y - 3}V${y + 3}` }, root);
}

/** Points are coloured and marked by the label's prefix ("user_0" and "user_1" share both). */
function groupOf(label) {
  return String(label).split(/[_\s\d]/)[0];
}
