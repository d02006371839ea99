// The runtime client: owns the module Web Worker that hosts the gradlab session
// (wasm/PROTOCOL.md §3) and turns its messages into callbacks. No DOM code here.
//
// Runs are queued on this side, one at a time in the worker, so that Stop and errors can cancel
// what is still waiting (as a notebook kernel does). A Stop that the worker does not answer
// within STOP_TIMEOUT_MS (stuck in native code) and a worker `fatal` both end with the worker
// terminated and a fresh one spawned: the session (its variables) is gone, the cells are not.

/** How long a Stop may go unanswered before the worker is terminated and respawned. */
export const STOP_TIMEOUT_MS = 200;

/**
 * @typedef {{kind: string, text?: string, data?: any}} OutputEvent  PROTOCOL.md §1
 * @typedef {{type: string, message: string, line: number, column: number, length: number,
 *            file: string, frames: {name: string, file: string, line: number}[],
 *            traceback: string}} ErrorRecord
 * @typedef {{runId: number, cellName: string, code: string}} Run
 * @typedef {'running'|'paused'|'done'|'error'|'stopped'|'cancelled'} RunState
 * @typedef {{state: RunState, line: number, elapsedMs: number, error?: ErrorRecord|null}} StateInfo
 * @typedef {{
 *   onStart?: (run: Run) => void,  // about to be posted; may set run.cellName
 *   onEvents?: (runId: number, events: OutputEvent[]) => void,
 *   onState?: (runId: number, info: StateInfo) => void,
 *   onVariables?: (vars: object[]) => void,
 *   onGraph?: (name: string, result: {data?: object, error?: ErrorRecord}) => void,
 *   onSpawn?: () => void,  // a new worker exists: messages posted now come before any run
 *   onFiles?: (files: {name: string, size: number}[], error?: ErrorRecord & {name: string}) => void,
 *   onStatus?: (status: 'starting'|'idle'|'busy') => void,
 *   onReset?: (reason: 'stop-timeout'|'fatal'|'restart', message: string) => void,
 * }} RuntimeCallbacks
 */

const TERMINAL = new Set(['done', 'error', 'stopped']);

export class Runtime {
  /**
   * @param {URL|string} workerUrl  the module worker script (worker.mjs)
   * @param {RuntimeCallbacks} callbacks
   * @param {{warmup?: boolean}} [options]  warmup: every new worker runs the warm-up program
   *   (wasm/warmup.mjs) while idle, so the student's first loop runs on optimised code
   */
  constructor(workerUrl, callbacks, { warmup = false } = {}) {
    this.workerUrl = workerUrl;
    this.cb = callbacks;
    this.warmup = warmup;
    /** @type {Run[]} */
    this.queue = [];
    /** @type {Run|null} */
    this.current = null;
    this.ready = false;
    this.stopTimer = 0;
    this.worker = null;
    this.spawn();
  }

  /** True while a run is in the worker or waiting for it. */
  get busy() {
    return this.current !== null || this.queue.length > 0;
  }

  /**
   * Queues a cell; runs start in order, one at a time.
   * @param {Run} run
   */
  run(run) {
    this.queue.push(run);
    this.pump();
  }

  pause() {
    if (this.current) this.post({ type: 'pause' });
  }

  resume() {
    if (this.current) this.post({ type: 'resume' });
  }

  step() {
    if (this.current) this.post({ type: 'step' });
  }

  /** Stops the running cell and cancels the queued ones; respawns a worker that does not answer. */
  stop() {
    this.cancelQueued();
    if (!this.current || this.stopTimer) return;
    this.post({ type: 'stop' });
    this.stopTimer = setTimeout(() => {
      this.stopTimer = 0;
      this.respawn(
        'stop-timeout',
        `the running cell did not answer Stop within ${STOP_TIMEOUT_MS} ms (busy inside one long operation)`,
      );
    }, STOP_TIMEOUT_MS);
  }

  /** A fresh session: `reset` when idle, a new worker when something is running. */
  restart() {
    if (this.busy) {
      this.respawn('restart', 'restarted while a cell was running');
    } else {
      this.post({ type: 'reset' });
      this.cb.onReset?.('restart', 'restarted');
      this.requestVariables();
    }
  }

  /**
   * A slider moved: the session's global `name` becomes `value` (live during a run).
   * @param {string} name
   * @param {number} value
   */
  setInput(name, value) {
    this.post({ type: 'setInput', name, value });
  }

  requestVariables() {
    this.post({ type: 'variables' });
  }

  /**
   * Asks for the autograd graph of global tensor `name`; the answer comes to onGraph.
   * @param {string} name
   */
  requestGraph(name) {
    this.post({ type: 'graph', name });
  }

  /**
   * Posts a message to the worker as it is (the data files' addFile/removeFile, PROTOCOL.md §3).
   * @param {object} msg
   */
  send(msg) {
    this.post(msg);
  }

  /** Ends the worker for good (page teardown). */
  dispose() {
    clearTimeout(this.stopTimer);
    this.worker?.terminate();
    this.worker = null;
  }

  // ---- internals --------------------------------------------------------------------------

  spawn() {
    this.ready = false;
    this.cb.onStatus?.('starting');
    const worker = new Worker(this.workerUrl, { type: 'module', name: 'gradlab' });
    worker.onmessage = (e) => {
      if (worker === this.worker) this.receive(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      if (worker === this.worker) this.respawn('fatal', e.message || 'the worker failed to load');
    };
    this.worker = worker;
    if (this.warmup) worker.postMessage({ type: 'warmup' });
    this.cb.onSpawn?.();
  }

  /**
   * Terminates the worker, ends the current run and cancels the queue, then starts afresh.
   * @param {'stop-timeout'|'fatal'|'restart'} reason
   * @param {string} message
   */
  respawn(reason, message) {
    clearTimeout(this.stopTimer);
    this.stopTimer = 0;
    this.worker?.terminate();
    this.worker = null;
    this.cancelQueued();
    if (this.current) {
      this.finishCurrent(
        { state: reason === 'fatal' ? 'error' : 'stopped', line: 0, elapsedMs: 0, error: null },
        false,
      );
    }
    this.cb.onReset?.(reason, message);
    this.spawn();
  }

  post(msg) {
    this.worker?.postMessage(msg);
  }

  pump() {
    if (this.current || !this.ready || this.queue.length === 0) {
      this.cb.onStatus?.(this.ready ? (this.busy ? 'busy' : 'idle') : 'starting');
      return;
    }
    this.current = /** @type {Run} */ (this.queue.shift());
    this.cb.onStart?.(this.current);
    this.post({ type: 'run', runId: this.current.runId, cellName: this.current.cellName, code: this.current.code });
    this.cb.onStatus?.('busy');
  }

  cancelQueued() {
    const dropped = this.queue;
    this.queue = [];
    for (const r of dropped) this.cb.onState?.(r.runId, { state: 'cancelled', line: 0, elapsedMs: 0 });
  }

  /**
   * @param {StateInfo} info
   * @param {boolean} [next] start the next queued run (false: the worker is being replaced)
   */
  finishCurrent(info, next = true) {
    const run = this.current;
    this.current = null;
    clearTimeout(this.stopTimer);
    this.stopTimer = 0;
    if (run) this.cb.onState?.(run.runId, info);
    if (info.state !== 'done') this.cancelQueued();
    if (next) this.pump(); // the worker posts the variables after every run
  }

  receive(msg) {
    switch (msg?.type) {
      case 'ready':
        this.ready = true;
        this.pump();
        this.requestVariables();
        break;
      case 'events':
        this.cb.onEvents?.(msg.runId, msg.events.map(normalizeEvent));
        break;
      case 'state': {
        const info = { state: msg.state, line: msg.line | 0, elapsedMs: msg.elapsedMs || 0, error: msg.error || null };
        if (this.current && msg.runId === this.current.runId && TERMINAL.has(msg.state)) {
          this.finishCurrent(info);
        } else {
          this.cb.onState?.(msg.runId, info);
        }
        break;
      }
      case 'variables':
        this.cb.onVariables?.(msg.vars || []);
        break;
      case 'graph':
        this.cb.onGraph?.(msg.name, { data: msg.data, error: msg.error });
        break;
      case 'files':
        this.cb.onFiles?.(msg.files || [], msg.error);
        break;
      case 'fatal':
        this.respawn('fatal', msg.message || 'the module aborted');
        break;
      default:
        break;
    }
  }
}

/**
 * Non-text events carry their JSON as a string across the Embind boundary; the worker parses
 * it, and this accepts either form so the page never sees a string payload.
 * @param {OutputEvent} ev
 * @returns {OutputEvent}
 */
export function normalizeEvent(ev) {
  if (ev && typeof ev.data === 'string') {
    try {
      return { ...ev, data: JSON.parse(ev.data) };
    } catch {
      return { kind: 'text', text: '' };
    }
  }
  return ev;
}
