// One cell's editor: CodeMirror 6 with Python highlighting, bracket matching, indentation and
// torch completion, plus two decorations the notebook drives: the error span (underlined) and
// the current line of a paused or stepping cell (highlighted).
import { EditorView } from 'codemirror';
import { EditorState, StateEffect, StateField, Prec } from '@codemirror/state';
import { keymap, lineNumbers, highlightSpecialChars, drawSelection, Decoration } from '@codemirror/view';
import { indentOnInput, syntaxHighlighting, HighlightStyle, bracketMatching, indentUnit } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { history, defaultKeymap, historyKeymap, indentWithTab } from '@codemirror/commands';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { python, pythonLanguage } from '@codemirror/lang-python';
import { torchCompletions } from './completions.js';

/** @typedef {{line: number, column: number, length: number}} Span  1-based line and column */

const setErrorSpan = StateEffect.define();
const setCurrentLine = StateEffect.define();

const errorMark = Decoration.mark({ class: 'cm-gl-error', attributes: { 'data-testid': 'error-span' } });
const currentLineDeco = Decoration.line({ class: 'cm-gl-current' });

/** A field holding one decoration set, replaced by `effect` and mapped through edits. */
function decorationField(effect, build) {
  return StateField.define({
    create: () => Decoration.none,
    update(deco, tr) {
      for (const e of tr.effects) if (e.is(effect)) return build(tr.state, e.value);
      return tr.docChanged ? deco.map(tr.changes) : deco;
    },
    provide: (f) => EditorView.decorations.from(f),
  });
}

/**
 * The document range of an error span; a 0 column or length covers the line's text.
 * @param {import('@codemirror/state').Text} doc
 * @param {Span} span
 * @returns {{from: number, to: number}|null}
 */
export function spanRange(doc, span) {
  if (!span || !(span.line >= 1) || span.line > doc.lines) return null;
  const line = doc.line(span.line);
  if (!(span.column >= 1)) {
    const indent = /^\s*/.exec(line.text)[0].length;
    return line.from + indent < line.to ? { from: line.from + indent, to: line.to } : null;
  }
  const from = Math.min(line.from + span.column - 1, line.to);
  let to = from + Math.max(span.length | 0, 0);
  if (to === from) to = Math.min(from + 1, doc.length);
  to = Math.min(to, doc.length);
  return from < to ? { from, to } : null;
}

const errorField = decorationField(setErrorSpan, (state, span) => {
  const r = spanRange(state.doc, span);
  return r ? Decoration.set([errorMark.range(r.from, r.to)]) : Decoration.none;
});

const currentLineField = decorationField(setCurrentLine, (state, line) =>
  line >= 1 && line <= state.doc.lines
    ? Decoration.set([currentLineDeco.range(state.doc.line(line).from)])
    : Decoration.none,
);

// Python's highlighting: CodeMirror's default tag set, coloured by CSS variables (style.css
// defines them for the light and the dark theme, so the editor follows prefers-color-scheme).
const highlight = HighlightStyle.define([
  { tag: tags.meta, color: 'var(--tok-meta)' },
  { tag: tags.keyword, color: 'var(--tok-keyword)' },
  { tag: [tags.atom, tags.bool, tags.url, tags.contentSeparator, tags.labelName], color: 'var(--tok-atom)' },
  { tag: [tags.literal, tags.inserted], color: 'var(--tok-literal)' },
  { tag: [tags.string, tags.deleted], color: 'var(--tok-string)' },
  { tag: [tags.regexp, tags.escape, tags.special(tags.string)], color: 'var(--tok-escape)' },
  { tag: tags.definition(tags.variableName), color: 'var(--tok-definition)' },
  { tag: tags.local(tags.variableName), color: 'var(--tok-local)' },
  { tag: [tags.typeName, tags.namespace, tags.className], color: 'var(--tok-type)' },
  { tag: [tags.special(tags.variableName), tags.macroName], color: 'var(--tok-special)' },
  { tag: tags.definition(tags.propertyName), color: 'var(--tok-definition)' },
  { tag: tags.comment, color: 'var(--tok-comment)' },
  { tag: tags.invalid, color: 'var(--tok-invalid)' },
]);

// The editor's look, scoped by CodeMirror (its CSS goes in through a constructable stylesheet);
// colours are style.css's variables.
const theme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'var(--editor-bg)', color: 'var(--editor-ink)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--editor-ink)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionLayer .cm-selectionBackground':
    { backgroundColor: 'var(--editor-selection)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', 'SFMono-Regular', Menlo, Consolas, monospace",
    lineHeight: '1.45',
  },
  '.cm-content': { padding: '4px 0' },
  '.cm-gutters': {
    backgroundColor: 'var(--editor-gutter-bg)',
    borderRight: '1px solid var(--line)',
    color: 'var(--editor-gutter-ink)',
  },
  '.cm-gl-error': {
    textDecoration: 'underline wavy var(--editor-error)',
    textDecorationSkipInk: 'none',
    textUnderlineOffset: '3px',
    backgroundColor: 'var(--editor-error-bg)',
  },
  '.cm-gl-current': { backgroundColor: 'var(--editor-current)', boxShadow: 'inset 3px 0 0 #eab308' },
});

/**
 * @typedef {{
 *   parent: HTMLElement,
 *   doc: string,
 *   language: 'python'|'text',
 *   onChange?: (text: string) => void,
 *   onRunAdvance?: () => void,
 *   onRunInPlace?: () => void,
 *   onFocus?: () => void,
 * }} EditorOptions
 */

/**
 * Creates a cell editor.
 * @param {EditorOptions} opts
 */
export function createEditor(opts) {
  const run = (fn) => () => {
    fn?.();
    return true;
  };
  const extensions = [
    theme,
    lineNumbers(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    indentUnit.of('    '),
    syntaxHighlighting(highlight),
    bracketMatching(),
    closeBrackets(),
    Prec.highest(
      keymap.of([
        { key: 'Shift-Enter', run: run(opts.onRunAdvance) },
        { key: 'Mod-Enter', run: run(opts.onRunInPlace) },
      ]),
    ),
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
    errorField,
    currentLineField,
    EditorView.updateListener.of((u) => {
      if (u.docChanged) opts.onChange?.(u.state.doc.toString());
      if (u.focusChanged && u.view.hasFocus) opts.onFocus?.();
    }),
    EditorView.contentAttributes.of({ 'aria-label': opts.language === 'python' ? 'Python cell' : 'Text cell' }),
  ];
  if (opts.language === 'python') {
    extensions.push(python(), pythonLanguage.data.of({ autocomplete: torchCompletions }), autocompletion());
  } else {
    extensions.push(EditorView.lineWrapping);
  }
  const view = new EditorView({
    parent: opts.parent,
    state: EditorState.create({ doc: opts.doc, extensions }),
  });

  return {
    view,
    /** @returns {string} */
    getText: () => view.state.doc.toString(),
    /** @param {string} text */
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    /** Underlines an error span (1-based line/column); null clears it. @param {Span|null} span */
    markError(span) {
      view.dispatch({ effects: setErrorSpan.of(span) });
    },
    /** Highlights the line about to run (1-based); 0 clears it. @param {number} line */
    setCurrentLine(line) {
      view.dispatch({ effects: setCurrentLine.of(line) });
      if (line >= 1 && line <= view.state.doc.lines) {
        view.dispatch({ effects: EditorView.scrollIntoView(view.state.doc.line(line).from, { y: 'nearest' }) });
      }
    },
    destroy: () => view.destroy(),
  };
}
