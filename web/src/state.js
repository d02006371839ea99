// One declarative table of the page state that outlives the tab: which properties are saved
// in localStorage, which travel in a share link, their defaults and how each is checked when
// read back (tensorflow/playground's state.ts PROPS is the model).

/** The notebook a fresh page opens with. */
export const WELCOME_CELLS = [
  {
    kind: 'markdown',
    source:
      '# gradlab\n' +
      'Type PyTorch code in a cell and press **Shift+Enter** to run it and move on ' +
      '(**Ctrl+Enter** runs it in place). Everything runs in this tab.',
  },
  {
    kind: 'code',
    source:
      'import torch\n\n' +
      'x = torch.tensor([[2., -1.], [3., 1.]], requires_grad=True)\n' +
      'out = x.pow(3).sum()  # the derivative is 3*x^2\n' +
      'out.backward()\n' +
      'print(x.grad)',
  },
];

/** @param {unknown} v */
function checkCells(v) {
  if (!Array.isArray(v)) return null;
  const cells = v
    .filter((c) => c && typeof c === 'object' && typeof c.source === 'string')
    .map((c) => ({ kind: c.kind === 'markdown' ? 'markdown' : 'code', source: c.source }));
  return cells.length ? cells : null;
}

/** @param {unknown} v */
const checkBool = (v) => (typeof v === 'boolean' ? v : null);

/**
 * @typedef {{name: string, saved: boolean, shared: boolean, initial: () => any,
 *            check: (v: unknown) => any}} Prop
 * @type {Prop[]}
 */
export const PROPS = [
  { name: 'cells', saved: true, shared: true, initial: () => WELCOME_CELLS, check: checkCells },
  { name: 'showVariables', saved: true, shared: false, initial: () => true, check: checkBool },
];

/** The initial state. */
export function initialState() {
  return Object.fromEntries(PROPS.map((p) => [p.name, p.initial()]));
}

/**
 * The part of `state` that is saved (`'saved'`) or shared (`'shared'`).
 * @param {Record<string, any>} state
 * @param {'saved'|'shared'} which
 */
export function pick(state, which) {
  return Object.fromEntries(PROPS.filter((p) => p[which]).map((p) => [p.name, state[p.name]]));
}

/**
 * Reads a stored or shared record back: each known property of `which` kind that passes its
 * check; the rest keep `base`'s values.
 * @param {unknown} record
 * @param {'saved'|'shared'} which
 * @param {Record<string, any>} base
 */
export function merge(record, which, base) {
  const out = { ...base };
  if (!record || typeof record !== 'object') return out;
  for (const p of PROPS) {
    if (!p[which] || !(p.name in record)) continue;
    const v = p.check(record[p.name]);
    if (v !== null) out[p.name] = v;
  }
  return out;
}
