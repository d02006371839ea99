// Minimal markdown for text cells (imported from .ipynb or written by hand): headings,
// paragraphs, bullet and numbered lists, fenced code, `code`, **bold** and *italic*.
// Built as DOM nodes with textContent, so nothing in a cell is ever interpreted as HTML.

/**
 * Appends inline content (code spans, bold, italic) of `text` to `parent`.
 * @param {Node} parent
 * @param {string} text
 */
function inline(parent, text) {
  const re = /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
    const tok = m[0];
    let el;
    if (tok.startsWith('`')) {
      el = document.createElement('code');
      el.textContent = tok.slice(1, -1);
    } else if (tok.startsWith('**') || tok.startsWith('__')) {
      el = document.createElement('strong');
      inline(el, tok.slice(2, -2));
    } else {
      el = document.createElement('em');
      inline(el, tok.slice(1, -1));
    }
    parent.appendChild(el);
    last = m.index + tok.length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

/**
 * Renders markdown source into a fragment.
 * @param {string} source
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source) {
  const out = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para = [];
  let list = null;
  const flushPara = () => {
    if (para.length) {
      const p = document.createElement('p');
      inline(p, para.join(' '));
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
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flushPara();
      endList();
      const h = document.createElement(`h${Math.min(m[1].length + 1, 6)}`);
      inline(h, m[2]);
      out.appendChild(h);
    } else if ((m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line))) {
      flushPara();
      const tag = /\d/.test(m[1]) ? 'ol' : 'ul';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = document.createElement(tag);
        out.appendChild(list);
      }
      const li = document.createElement('li');
      inline(li, m[2]);
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
