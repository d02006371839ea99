// The notebook's document: an ordered list of cells (code or markdown) and their text.
// No DOM: the view listens to changes, persistence saves them.

/** @typedef {'code'|'markdown'} CellKind */
/** @typedef {{id: string, kind: CellKind, source: string}} Cell */

let nextId = 1;
const newId = () => `c${Date.now().toString(36)}${(nextId++).toString(36)}`;

/**
 * @typedef {{type: 'structure'}|{type: 'source', id: string}} Change
 */

export class Notebook {
  /** @param {{kind?: CellKind, source?: string}[]} cells */
  constructor(cells = []) {
    /** @type {Cell[]} */
    this.cells = [];
    /** @type {Set<(c: Change) => void>} */
    this.listeners = new Set();
    this.replaceAll(cells);
  }

  /** @param {(c: Change) => void} fn */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(change) {
    for (const fn of this.listeners) fn(change);
  }

  /**
   * Replaces every cell (import, share link, restore); an empty list gives one empty cell.
   * @param {{kind?: CellKind, source?: string}[]} cells
   */
  replaceAll(cells) {
    this.cells = cells.map((c) => ({
      id: newId(),
      kind: c.kind === 'markdown' ? 'markdown' : 'code',
      source: String(c.source ?? ''),
    }));
    if (this.cells.length === 0) this.cells.push({ id: newId(), kind: 'code', source: '' });
    this.emit({ type: 'structure' });
  }

  /** @param {string} id */
  get(id) {
    return this.cells.find((c) => c.id === id);
  }

  /** @param {string} id */
  indexOf(id) {
    return this.cells.findIndex((c) => c.id === id);
  }

  /**
   * Inserts a cell at `index` (the end by default).
   * @param {number} [index]
   * @param {CellKind} [kind]
   * @param {string} [source]
   * @returns {Cell}
   */
  insert(index = this.cells.length, kind = 'code', source = '') {
    const cell = { id: newId(), kind, source };
    this.cells.splice(Math.max(0, Math.min(index, this.cells.length)), 0, cell);
    this.emit({ type: 'structure' });
    return cell;
  }

  /** Deletes a cell; the last one left is emptied instead. @param {string} id */
  remove(id) {
    const i = this.indexOf(id);
    if (i < 0) return;
    this.cells.splice(i, 1);
    if (this.cells.length === 0) this.cells.push({ id: newId(), kind: 'code', source: '' });
    this.emit({ type: 'structure' });
  }

  /** Moves a cell by `delta` places. @param {string} id @param {number} delta */
  move(id, delta) {
    const i = this.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= this.cells.length) return;
    const [cell] = this.cells.splice(i, 1);
    this.cells.splice(j, 0, cell);
    this.emit({ type: 'structure' });
  }

  /** @param {string} id @param {string} source */
  setSource(id, source) {
    const cell = this.get(id);
    if (!cell || cell.source === source) return;
    cell.source = source;
    this.emit({ type: 'source', id });
  }

  /** The cells as plain records (for saving and sharing). */
  toJSON() {
    return this.cells.map(({ kind, source }) => ({ kind, source }));
  }
}
