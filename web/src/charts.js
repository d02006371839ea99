// Charts for plot events (wasm/PROTOCOL.md §1). Every chart has the same tiny API:
// `append(point)`, `reset()`, `update(spec)` (a fresh "new"/"replace" of the same id) and
// `destroy()`. Line charts are uPlot, appended points are drawn once per animation frame;
// heatmaps and labelled scatters are SVG (svgcharts.js).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { HeatmapChart, ScatterChart, chartFrame, PALETTE, DASHES } from './svgcharts.js';

const LINE_HEIGHT = 220;

/** JSON sends NaN/inf as null; uPlot draws null as a gap. */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A line chart: one or more series, appended to live by `plot.live`.
 */
export class LineChart {
  /**
   * @param {HTMLElement} host
   * @param {object} spec  {id, title, xlabel, ylabel, series: [{name, x, y}]}
   */
  constructor(host, spec) {
    this.frame = chartFrame(host, 'line', spec);
    this.el = this.frame.el;
    this.plot = null;
    this.frameRequested = 0;
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(this.frame.body);
    this.frame.body.setAttribute('role', 'img');
    this.frame.table = () => ({
      columns: [this.spec.xlabel || 'x', ...this.names],
      rows: this.x.map((x, i) => [x, ...this.ys.map((ys) => ys[i])]),
    });
    this.update(spec);
  }

  /** Replaces everything with a new spec (the same id was plotted again). */
  update(spec) {
    this.spec = spec;
    this.frame.setTitle(spec.title ?? spec.id ?? '');
    const series = Array.isArray(spec.series) && spec.series.length ? spec.series : [{ name: spec.id || 'y', y: [] }];
    this.names = series.map((s, i) => s.name || `series ${i + 1}`);
    const xs = series.map((s) => (Array.isArray(s.x) ? s.x.map(Number) : (s.y || []).map((_, i) => i)));
    const aligned = xs.every((x) => x.length === xs[0].length && x.every((v, i) => v === xs[0][i]));
    if (aligned) {
      this.x = xs[0].slice();
      this.ys = series.map((s) => (s.y || []).map(num));
    } else {
      const joined = uPlot.join(series.map((s, i) => [xs[i], (s.y || []).map(num)]));
      this.x = Array.from(joined[0]);
      this.ys = joined.slice(1).map((a) => Array.from(a));
    }
    this.rebuild();
  }

  /**
   * Appends one point to the first series; drawn on the next animation frame.
   * @param {{x?: number, y: number|null}} point
   */
  append(point) {
    const x = typeof point.x === 'number' ? point.x : this.x.length;
    this.x.push(x);
    this.ys.forEach((ys, i) => ys.push(i === 0 ? num(point.y) : null));
    this.schedule();
  }

  /** Empties the chart, keeping its title and axes. */
  reset() {
    this.x = [];
    this.ys = this.ys.map(() => []);
    this.schedule();
  }

  destroy() {
    cancelAnimationFrame(this.frameRequested);
    this.observer.disconnect();
    this.plot?.destroy();
    this.el.remove();
  }

  // ---- internals --------------------------------------------------------------------------

  rebuild() {
    this.plot?.destroy();
    const spec = this.spec;
    const opts = {
      width: this.width(),
      height: LINE_HEIGHT,
      scales: { x: { time: false } },
      legend: { show: this.ys.length > 1 },
      cursor: { drag: { x: true, y: false } },
      axes: [
        { label: spec.xlabel || undefined, stroke: '#475569', grid: { stroke: '#e2e8f0' } },
        { label: spec.ylabel || undefined, stroke: '#475569', grid: { stroke: '#e2e8f0' } },
      ],
      series: [
        { label: spec.xlabel || 'x' },
        ...this.names.map((name, i) => ({
          label: name,
          stroke: PALETTE[i % PALETTE.length],
          dash: DASHES[i % DASHES.length],
          width: 1.5,
          points: { show: false },
          spanGaps: false,
        })),
      ],
    };
    this.plot = new uPlot(opts, this.data(), this.frame.body);
    this.el.dataset.points = String(this.x.length);
    this.describe();
  }

  /** The chart's accessible name and its data table follow the data. */
  describe() {
    const title = this.spec.title || this.spec.id || 'Line chart';
    this.frame.body.setAttribute(
      'aria-label',
      `${title}: ${this.names.join(', ')} over ${this.x.length} points (the Data button lists them)`,
    );
    this.frame.refresh();
  }

  data() {
    return [this.x, ...this.ys];
  }

  width() {
    return Math.max(240, Math.min(this.frame.body.clientWidth || 640, 900));
  }

  schedule() {
    if (this.frameRequested) return;
    this.frameRequested = requestAnimationFrame(() => {
      this.frameRequested = 0;
      this.plot.setData(this.data());
      this.el.dataset.points = String(this.x.length);
      this.describe();
    });
  }

  resize() {
    const w = this.width();
    if (this.plot && Math.abs(this.plot.width - w) > 2) this.plot.setSize({ width: w, height: LINE_HEIGHT });
  }
}

const KINDS = { line: LineChart, heatmap: HeatmapChart, scatter: ScatterChart };

/**
 * The charts of one cell, by id: plot events go through `handle`.
 */
export class ChartSet {
  /** @param {HTMLElement} host */
  constructor(host) {
    this.host = host;
    /** @type {Map<string, any>} */
    this.charts = new Map();
  }

  /**
   * Applies one plot event: "new"/"replace" (re)draws the chart with that id, "append" adds a
   * point to it (making a line chart named after the id if there is none yet).
   * @param {object} data  plot JSON
   */
  handle(data) {
    if (!data || typeof data !== 'object') return;
    const id = String(data.id ?? 'plot');
    const op = data.op || 'new';
    let chart = this.charts.get(id);
    if (op === 'append') {
      if (!chart)
        chart = this.create(id, { id, type: 'line', title: id, ylabel: id, series: [{ name: id, x: [], y: [] }] });
      chart.append({ x: data.x, y: data.y });
      return;
    }
    const type = KINDS[data.type] ? data.type : 'line';
    if (chart && chart.type === type) {
      chart.update(data);
    } else {
      chart?.destroy();
      this.create(id, { ...data, type });
    }
  }

  create(id, spec) {
    const chart = new KINDS[spec.type](this.host, spec);
    chart.type = spec.type;
    chart.el.dataset.chartId = id;
    this.charts.set(id, chart);
    return chart;
  }

  /** Removes every chart. */
  reset() {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
  }
}
