// Work is never lost: localStorage (debounced saves plus one on pagehide), .py export/import
// with `# %%` cell markers, .ipynb import, and share links carrying the cells in the URL
// fragment (deflate-raw + base64url). No DOM beyond `window` events and localStorage.
import { pick, merge, initialState } from './state.js';

export const STORAGE_KEY = 'gradlab.notebook.v1';
/** The notebook that an import or a share link replaced, for "restore". */
export const PREVIOUS_KEY = 'gradlab.notebook.previous';
/** Saves wait this long after the last change (a burst of typing is one save). */
export const SAVE_DELAY_MS = 250;
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
 * Saves `getState()` at most SAVE_DELAY_MS after each `schedule()`, and at once on pagehide
 * or when the tab is hidden.
 * @param {() => Record<string, any>} getState
 * @param {(ok: boolean) => void} [onSaved]
 */
export function autosave(getState, onSaved) {
  let timer = 0;
  let pending = false;
  const flush = () => {
    clearTimeout(timer);
    timer = 0;
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
      pending = true;
      if (!timer) timer = setTimeout(flush, SAVE_DELAY_MS);
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
  const nb = JSON.parse(text);
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

// ---- share links ---------------------------------------------------------------------------

async function pipe(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
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
  const bytes = await pipe(fromBase64Url(hash.slice(SHARE_PREFIX.length)), new DecompressionStream('deflate-raw'));
  const record = JSON.parse(new TextDecoder().decode(bytes));
  if (!record || !Array.isArray(record.cells)) throw new Error('no cells in the link');
  return merge(record, 'shared', base);
}
