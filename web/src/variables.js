// The variables panel: every global the worker reports (PROTOCOL.md §2 `Variable`), with its
// type, shape, dtype, requires_grad, a value preview and its grad, and for each tensor a
// "graph" button that asks for its autograd graph (onGraph). Text only (textContent).

/**
 * @typedef {{name: string, type: string, shape: number[]|null, dtype: string|null,
 *            requiresGrad: boolean, preview: string, grad: string|null}} Variable
 */

function part(tag, className, text) {
  const e = document.createElement(tag);
  e.className = className;
  e.textContent = text;
  return e;
}

export class VariablesPanel {
  /**
   * @param {HTMLElement} host  the panel element (data-testid "variables")
   * @param {{onGraph?: (name: string) => void}} [hooks]  a tensor's graph button was pressed
   */
  constructor(host, hooks = {}) {
    this.hooks = hooks;
    this.list = document.createElement('div');
    this.list.className = 'var-list';
    this.empty = part('p', 'empty', 'No variables yet: run a cell.');
    host.append(this.empty, this.list);
  }

  /** @param {Variable[]} vars */
  show(vars) {
    this.list.replaceChildren(
      ...vars.map((v) => {
        const item = document.createElement('div');
        item.className = 'var';
        item.dataset.name = v.name;
        const meta = [v.type, Array.isArray(v.shape) ? `[${v.shape.join(', ')}]` : '', v.dtype ?? '']
          .filter(Boolean)
          .join(' ');
        const head = document.createElement('div');
        head.className = 'var-head';
        head.append(part('span', 'var-name', v.name), part('span', 'var-meta', meta));
        if (v.requiresGrad) head.append(part('span', 'var-flag', 'requires_grad'));
        if (Array.isArray(v.shape) && this.hooks.onGraph) {
          const b = part('button', 'var-graph', 'graph');
          b.type = 'button';
          b.dataset.testid = 'var-graph';
          b.title = `Show the autograd graph of ${v.name}`;
          b.setAttribute('aria-label', `Show the autograd graph of ${v.name}`);
          b.addEventListener('click', () => this.hooks.onGraph?.(v.name));
          head.append(b);
        }
        item.append(head, part('pre', 'var-value', v.preview ?? ''));
        if (v.grad) item.append(part('pre', 'var-grad', `grad: ${v.grad}`));
        return item;
      }),
    );
    this.empty.hidden = vars.length > 0;
  }
}
