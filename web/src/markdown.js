// Minimal markdown for text cells (imported from .ipynb or written by hand) and lessons:
// headings, paragraphs, bullet and numbered lists, fenced code, `code`, **bold** and *italic*,
// and, when the caller passes a math renderer (lessons, with KaTeX), `$inline$` and
// `$$displayed$$` math. Built as DOM nodes with textContent, so nothing in a cell or a lesson
// is ever interpreted as HTML.

/**
 * Renders TeX into a node (the lesson view passes KaTeX; this module does not load it).
 * @typedef {(tex: string, display: boolean) => Node} MathRenderer
 */

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;
// Inline math first, so `_` and `*` inside it are not emphasis: `$x_i$`, not `$ 5 and $`.
const INLINE_MATH = /(\$[^$\s](?:[^$\n]*[^$\s])?\$|`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;

/**
 * Appends inline content (math, code spans, bold, italic) of `text` to `parent`.
 * @param {Node} parent
 * @param {string} text
 * @param {MathRenderer|undefined} math
 */
function inline(parent, text, math) {
  const re = math ? INLINE_MATH : INLINE;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const tok = m[0];
    let el;
    if (tok.startsWith('$')) {
      el = math(tok.slice(1, -1), false);
    } else if (tok.startsWith('`')) {
      el = document.createElement('code');
      el.textContent = tok.slice(1, -1);
    } else if (tok.startsWith('**') || tok.startsWith('__')) {
      el = document.createElement('strong');
      inline(el, tok.slice(2, -2), math);
    } else {
      el = document.createElement('em');
      inline(el, tok.slice(1, -1), math);
    }
    parent.appendChild(el);
    last = m.index + tok.length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
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
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  let list = null;
  const flushPara = () => {
    if (para.length) {
      const p = document.createElement('p');
      inline(p, para.join(' '), math);
      out.appendChild(p);
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
      const pre = document.createElement('pre');
      pre.textContent = code.join('\n');
      out.appendChild(pre);
    } else if (math && /^\s*\$\$/.test(line)) {
      // Displayed math: from a line starting with $$ to the line ending with $$ (maybe itself).
      flushPara();
      endList();
      const tex = [line.trim().slice(2)];
      while (!/\$\$$/.test(tex[tex.length - 1]) && i + 1 < lines.length) tex.push(lines[++i].trim());
      const body = tex.join('\n').replace(/\$\$$/, '');
      const block = document.createElement('div');
      block.className = 'math-display';
      block.appendChild(math(body, true));
      out.appendChild(block);
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flushPara();
      endList();
      const h = document.createElement(`h${Math.min(m[1].length + 1, 6)}`);
      inline(h, m[2], math);
      out.appendChild(h);
    } else if ((m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line))) {
      flushPara();
      const tag = /\d/.test(m[1]) ? 'ol' : 'ul';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = document.createElement(tag);
        out.appendChild(list);
      }
      const li = document.createElement('li');
      inline(li, m[2], math);
      list.appendChild(li);
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
