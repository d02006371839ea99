// Work is never lost: localStorage (a save after every change, so a crashed tab loses no
// keystroke), .py export/import
// with `# %%` cell markers, .ipynb import, and share links carrying the cells in the URL
// fragment (deflate-raw + base64url). No DOM beyond `window` events and localStorage.
import { pick, merge, initialState } from './state.js';

export const STORAGE_KEY = 'gradlab.notebook.v1';
/** The notebook that an import or a share link replaced, for "restore". */
export const PREVIOUS_KEY = 'gradlab.notebook.previous';
const SHARE_PREFIX = '#nb=';

/**
 * Reads the saved state, or null when there is none (or it is unreadable).
 * @param {string} [key]
 */
export function loadSaved(key = STORAGE_KEY) {
  try {
    const text = localStorage.getItem(key);
    return text ? merge(JSON.parse(text), 'saved', initialState()) : null;
  } catch {
    return null;
  }
}

/**
 * Writes the saved part of `state`; false when storage refused (full, disabled).
 * @param {Record<string, any>} state
 * @param {string} [key]
 */
export function save(state, key = STORAGE_KEY) {
  try {
    localStorage.setItem(key, JSON.stringify(pick(state, 'saved')));
    return true;
  } catch {
    return false;
  }
}

/**
 * Saves `getState()` after each `schedule()`: in a microtask, so the changes of one task (a
 * keystroke, an import that replaces every cell) are one save, written before the next event
 * is handled. A tab that crashes or is killed (no pagehide, no unload) therefore loses nothing
 * that was on screen: tests/browser/trust.test.mjs kills the renderer mid-typing. A save is
 * one JSON.stringify + localStorage.setItem of the notebook (well under a millisecond for a
 * course notebook; cells are limited to 1 MB each). pagehide and a hidden tab flush too.
 * @param {() => Record<string, any>} getState
 * @param {(ok: boolean) => void} [onSaved]
 */
export function autosave(getState, onSaved) {
  let pending = false;
  const flush = () => {
    if (!pending) return;
    pending = false;
    onSaved?.(save(getState()));
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  return {
    schedule() {
      if (pending) return;
      pending = true;
      queueMicrotask(flush);
    },
    flush,
  };
}

// ---- .py with `# %%` markers -------------------------------------------------------------

/**
 * The notebook as a Python file that Jupytext, VS Code and Spyder read as cells.
 * @param {{kind: string, source: string}[]} cells
 */
export function exportPy(cells) {
  const parts = cells.map((c) => {
    const src = c.source.replace(/\s+$/, '');
    if (c.kind === 'markdown') {
      const lines = src.split('\n').map((l) => (l ? `# ${l}` : '#'));
      return `# %% [markdown]\n${lines.join('\n')}`;
    }
    return `# %%\n${src}`;
  });
  return `${parts.join('\n\n')}\n`;
}

/**
 * Cells from a `.py` file; a file without markers is one code cell.
 * @param {string} text
 */
export function importPy(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cells = [];
  let cur = null;
  const end = () => {
    if (!cur) return;
    let src = cur.lines.join('\n').replace(/\s+$/, '');
    if (cur.kind === 'markdown')
      src = src
        .split('\n')
        .map((l) => l.replace(/^# ?/, ''))
        .join('\n');
    cells.push({ kind: cur.kind, source: src });
  };
  for (const line of lines) {
    const m = /^# %%(.*)$/.exec(line);
    if (m) {
      end();
      cur = { kind: /\[markdown\]/.test(m[1]) ? 'markdown' : 'code', lines: [] };
    } else {
      if (!cur) {
        if (line.trim() === '') continue;
        cur = { kind: 'code', lines: [] };
      }
      cur.lines.push(line);
    }
  }
  end();
  return cells;
}

/**
 * Code and markdown cells of a Jupyter notebook (nbformat 4, or 3's worksheets); raw cells
 * become text cells. Throws on what is not a notebook.
 * @param {string} text
 */
export function importIpynb(text) {
  let nb;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`it is not valid JSON, so not a Jupyter notebook (${e.message})`);
  }
  const list = Array.isArray(nb?.cells) ? nb.cells : nb?.worksheets?.[0]?.cells;
  if (!Array.isArray(list)) throw new Error('not a Jupyter notebook (no cells)');
  const joined = (s) => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');
  return list
    .filter((c) => c && typeof c === 'object')
    .map((c) => ({
      kind: c.cell_type === 'code' ? 'code' : 'markdown',
      source: joined(c.cell_type === 'code' ? (c.source ?? c.input) : c.source).replace(/\s+$/, ''),
    }));
}

// ---- imported files ------------------------------------------------------------------------

/** The largest file Import reads (a course notebook with its outputs and images is a few MB). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** The most cells a notebook may have when imported or opened from a link (each is an editor). */
export const MAX_CELLS = 1000;

const megabytes = (n) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/**
 * The cells of an imported `.ipynb` (by its name) or `.py` file. Throws an Error whose message
 * says what is wrong (too big, not JSON, not a notebook, no cells, too many cells) without
 * reading a file over the limit.
 * @param {{name: string, size: number, text: () => Promise<string>}} file  a File
 */
export async function importFile(file) {
  if (file.size > MAX_IMPORT_BYTES)
    throw new Error(`the file is ${megabytes(file.size)}; gradlab imports files up to ${megabytes(MAX_IMPORT_BYTES)}`);
  const text = await file.text();
  const cells = /\.ipynb$/i.test(file.name) ? importIpynb(text) : importPy(text);
  if (!cells.length) throw new Error('no cells found');
  if (cells.length > MAX_CELLS) throw new Error(`it has ${cells.length} cells; gradlab opens up to ${MAX_CELLS}`);
  return cells;
}

// ---- share links ---------------------------------------------------------------------------

/**
 * `bytes` through a compression stream; throws when the result passes `limit` bytes (a link of
 * a few kB must not inflate to gigabytes).
 * @param {Uint8Array} bytes
 * @param {TransformStream} transform
 * @param {number} [limit]
 */
async function pipe(bytes, transform, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(transform).getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw new Error(`the link holds more than ${megabytes(limit)}`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** @param {Uint8Array} bytes */
export function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} text */
export function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/**
 * A share link for the shared part of `state`, on the page's own address.
 * @param {Record<string, any>} state
 * @param {string} pageUrl  location.href
 */
export async function shareLink(state, pageUrl) {
  const json = new TextEncoder().encode(JSON.stringify(pick(state, 'shared')));
  const packed = await pipe(json, new CompressionStream('deflate-raw'));
  const url = new URL(pageUrl);
  url.hash = '';
  return `${url.href}${SHARE_PREFIX}${toBase64Url(packed)}`;
}

/**
 * The state carried by a share-link fragment, null when the fragment is not a share link;
 * throws when it is one but is damaged.
 * @param {string} hash  location.hash
 * @param {Record<string, any>} base  values for what links do not carry
 */
export async function readShareLink(hash, base) {
  if (!hash.startsWith(SHARE_PREFIX)) return null;
  const bytes = await pipe(
    fromBase64Url(hash.slice(SHARE_PREFIX.length)),
    new DecompressionStream('deflate-raw'),
    MAX_IMPORT_BYTES,
  );
  const record = JSON.parse(new TextDecoder().decode(bytes));
  if (!record || !Array.isArray(record.cells)) throw new Error('no cells in the link');
  if (record.cells.length > MAX_CELLS) throw new Error(`the link has more than ${MAX_CELLS} cells`);
  return merge(record, 'shared', base);
}
