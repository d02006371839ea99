// Minimal markdown for text cells (imported from .ipynb or written by hand) and lessons:
// headings, paragraphs, bullet and numbered lists, fenced code, `code`, **bold** and *italic*,
// and, for lessons, `$inline$` and `$$displayed$$` math. `parseMarkdown` reads the source into
// plain records (no DOM, so web/build.mjs uses the very same rules to find the course's math
// and render it at build time); `renderMarkdown` builds them as DOM nodes with textContent, so
// nothing in a cell or a lesson is ever interpreted as HTML.

/**
 * Renders TeX into a node (the lesson view passes one that looks up the MathML rendered at
 * build time; this module renders no math itself).
 * @typedef {(tex: string, display: boolean) => Node} MathRenderer
 */

/**
 * Inline content: text, or a code span, bold, italic or inline math.
 * @typedef {string
 *   | {type: 'code', text: string}
 *   | {type: 'strong' | 'em', children: Inline[]}
 *   | {type: 'math', tex: string}} Inline
 */

/**
 * A block: a paragraph, a heading (`level` is the HTML heading: `#` is h2), a list (items are
 * inline content), a fenced code block, or displayed math.
 * @typedef {{type: 'p', children: Inline[]}
 *   | {type: 'h', level: number, children: Inline[]}
 *   | {type: 'list', ordered: boolean, items: Inline[][]}
 *   | {type: 'pre', text: string}
 *   | {type: 'math', tex: string}} Block
 */

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;
// Inline math first, so `_` and `*` inside it are not emphasis: `$x_i$`, not `$ 5 and $`.
const INLINE_MATH = /(\$[^$\s](?:[^$\n]*[^$\s])?\$|`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;

/**
 * The inline content of `text` (math, code spans, bold, italic).
 * @param {string} text
 * @param {boolean} math  `$...$` is math
 * @returns {Inline[]}
 */
function parseInline(text, math) {
  /** @type {Inline[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(math ? INLINE_MATH : INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const tok = m[0];
    if (tok.startsWith('$')) out.push({ type: 'math', tex: tok.slice(1, -1) });
    else if (tok.startsWith('`')) out.push({ type: 'code', text: tok.slice(1, -1) });
    else if (tok.startsWith('**') || tok.startsWith('__'))
      out.push({ type: 'strong', children: parseInline(tok.slice(2, -2), math) });
    else out.push({ type: 'em', children: parseInline(tok.slice(1, -1), math) });
    last = m.index + tok.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * Reads markdown source into blocks.
 * @param {string} source
 * @param {{math?: boolean}} [options]  with `math`, `$...$` and `$$...$$` are math
 * @returns {Block[]}
 */
export function parseMarkdown(source, options = {}) {
  const math = Boolean(options.math);
  /** @type {Block[]} */
  const out = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  /** @type {{type: 'list', ordered: boolean, items: Inline[][]}|null} */
  let list = null;
  const flushPara = () => {
    if (para.length) {
      out.push({ type: 'p', children: parseInline(para.join(' '), math) });
      para = [];
    }
  };
  const endList = () => {
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m;
    if (/^\s*```/.test(line)) {
      flushPara();
      endList();
      const code = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      out.push({ type: 'pre', text: code.join('\n') });
    } else if (math && /^\s*\$\$/.test(line)) {
      // Displayed math: from a line starting with $$ to the line ending with $$ (maybe itself).
      flushPara();
      endList();
      const tex = [line.trim().slice(2)];
      while (!/\$\$$/.test(tex[tex.length - 1]) && i + 1 < lines.length) tex.push(lines[++i].trim());
      out.push({ type: 'math', tex: tex.join('\n').replace(/\$\$$/, '') });
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flushPara();
      endList();
      out.push({ type: 'h', level: Math.min(m[1].length + 1, 6), children: parseInline(m[2], math) });
    } else if ((m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line))) {
      flushPara();
      const ordered = /\d/.test(m[1]);
      if (!list || list.ordered !== ordered) {
        list = { type: 'list', ordered, items: [] };
        out.push(list);
      }
      list.items.push(parseInline(m[2], math));
    } else if (line.trim() === '') {
      flushPara();
      endList();
    } else {
      endList();
      para.push(line.trim());
    }
  }
  flushPara();
  return out;
}

/**
 * Every math span of lesson markdown, in order, as `renderMarkdown` with a math renderer
 * would ask for it (web/build.mjs renders each one at build time).
 * @param {string} source
 * @returns {{tex: string, display: boolean}[]}
 */
export function mathSpans(source) {
  /** @type {{tex: string, display: boolean}[]} */
  const spans = [];
  /** @param {Inline[]} children */
  const visit = (children) => {
    for (const c of children) {
      if (typeof c === 'string') continue;
      if (c.type === 'math') spans.push({ tex: c.tex, display: false });
      else if (c.type === 'strong' || c.type === 'em') visit(c.children);
    }
  };
  for (const b of parseMarkdown(source, { math: true })) {
    if (b.type === 'math') spans.push({ tex: b.tex, display: true });
    else if (b.type === 'p' || b.type === 'h') visit(b.children);
    else if (b.type === 'list') b.items.forEach(visit);
  }
  return spans;
}

/**
 * The course's math, rendered at build time: web/build.mjs puts it in lessons/course.json as if
 * it were a file of the course (`{mathKey(tex, display): MathML}` as JSON text); the lesson view
 * reads it like the others.
 */
export const COURSE_MATH_FILE = 'math.json';

/**
 * The key of a math span in the course's pre-rendered math.
 * @param {string} tex
 * @param {boolean} display
 */
export const mathKey = (tex, display) => `${display ? 'display' : 'inline'}:${tex}`;

/**
 * Attributes the lesson view refuses in that MathML (and the build refuses to write): event
 * handlers, links, sources, and inline styles (the page's CSP would block them anyway).
 */
export const REFUSED_MATH_ATTRIBUTE = /^on|^style$|href|src/i;

/**
 * Appends inline content to `parent`.
 * @param {Node} parent
 * @param {Inline[]} children
 * @param {MathRenderer|undefined} math
 */
function appendInline(parent, children, math) {
  for (const c of children) {
    if (typeof c === 'string') {
      parent.appendChild(document.createTextNode(c));
    } else if (c.type === 'math') {
      parent.appendChild(/** @type {MathRenderer} */ (math)(c.tex, false));
    } else if (c.type === 'code') {
      const code = document.createElement('code');
      code.textContent = c.text;
      parent.appendChild(code);
    } else {
      const e = document.createElement(c.type);
      appendInline(e, c.children, math);
      parent.appendChild(e);
    }
  }
}

/**
 * Renders markdown source into a fragment.
 * @param {string} source
 * @param {{math?: MathRenderer}} [options]  with `math`, `$...$` and `$$...$$` are math
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source, options = {}) {
  const { math } = options;
  const out = document.createDocumentFragment();
  for (const b of parseMarkdown(source, { math: Boolean(math) })) {
    let e;
    if (b.type === 'pre') {
      e = document.createElement('pre');
      e.textContent = b.text;
    } else if (b.type === 'math') {
      e = document.createElement('div');
      e.className = 'math-display';
      e.appendChild(/** @type {MathRenderer} */ (math)(b.tex, true));
    } else if (b.type === 'list') {
      e = document.createElement(b.ordered ? 'ol' : 'ul');
      for (const item of b.items) {
        const li = document.createElement('li');
        appendInline(li, item, math);
        e.appendChild(li);
      }
    } else {
      e = document.createElement(b.type === 'p' ? 'p' : `h${b.level}`);
      appendInline(e, b.children, math);
    }
    out.appendChild(e);
  }
  return out;
}
