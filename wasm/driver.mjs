// The worker's logic (PROTOCOL.md §3) without the Worker: one GradlabSession, a queue of runs,
// and a slice loop that yields to the event loop between slices so stop, pause, step and
// setInput are handled at once. worker.mjs connects it to `self`; the node tests drive it
// directly. No DOM code here, and nothing that needs a browser.
import { WARMUP_CODE } from './warmup.mjs';

/** Wall time one slice aims at, in ms: short enough for a 200 ms Stop, long enough to be fast. */
export const SLICE_TARGET_MS = 8;
/** Instruction budget of the first slice (adapted after every full slice). */
export const FIRST_BUDGET = 20_000;
/** The budget stays within these bounds however fast or slow the instructions are. */
export const MIN_BUDGET = 100;
export const MAX_BUDGET = 50_000_000;
/** A slice may grow or shrink the budget by at most this factor, so one odd slice cannot swing it. */
const MAX_ADAPT = 4;
/** The warm-up (`warmup` message, warmup.mjs) stops after this much of its own run time, in ms. */
export const WARMUP_MAX_MS = 1500;

/**
 * Posts to the page.
 * @callback Post
 * @param {object} message
 */

/**
 * Runs a callback soon, after the messages already waiting: in a browser worker a
 * MessageChannel round trip (one task per message; setTimeout(0) is clamped to 4 ms once
 * nested); in Node setImmediate (Node drains up to 1000 port messages in one go, so a
 * MessageChannel loop would starve timers and incoming messages for seconds).
 * @param {() => void} callback
 * @returns {{schedule: () => void, close: () => void}}
 */
export function makeScheduler(callback) {
  if (typeof setImmediate === 'function') {
    const pending = new Set();
    return {
      schedule: () => {
        const h = setImmediate(() => {
          pending.delete(h);
          callback();
        });
        pending.add(h);
      },
      close: () => {
        for (const h of pending) clearImmediate(h);
        pending.clear();
      },
    };
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = callback;
  return {
    schedule: () => channel.port2.postMessage(0),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

export class Driver {
  /**
   * @param {object} options
   * @param {object} options.module  the instantiated Emscripten module (createGradlab())
   * @param {Post} options.post  sends a message to the page
   * @param {() => number} [options.now]  a millisecond clock (performance.now)
   * @param {number} [options.targetMs]  the slice length to aim at
   * @param {string} [options.warmupCode]  the warm-up program (warmup.mjs; tests give their own)
   */
  constructor({ module, post, now = () => performance.now(), targetMs = SLICE_TARGET_MS, warmupCode = WARMUP_CODE }) {
    this.module = module;
    this.post = post;
    this.now = now;
    this.targetMs = targetMs;
    this.budget = FIRST_BUDGET;
    this.dead = false;
    /** @type {{runId: any, cellName: string, code: string}[]} */
    this.queue = [];
    /** The cell in the session: {runId, mode: 'running'|'paused'|'stepping', line, stopping, started, pausedAt, pausedMs}. */
    this.current = null;
    this.scheduled = false;
    this.scheduler = makeScheduler(() => {
      this.scheduled = false;
      this.tick();
    });
    this.session = this.call(() => new module.GradlabSession());
    /** The warm-up: null before `warmup`, then {session, spentMs, done} (warmup.mjs). */
    this.warm = null;
    this.warmupCode = warmupCode;
    if (!this.dead) this.post({ type: 'ready' });
  }

  /**
   * Handles one page → worker message.
   * @param {{type: string} & Record<string, any>} msg
   */
  handle(msg) {
    if (this.dead || !msg) return;
    try {
      switch (msg.type) {
        case 'run':
          this.queue.push({ runId: msg.runId, cellName: msg.cellName ?? '', code: String(msg.code ?? '') });
          if (!this.current) this.startNext();
          break;
        case 'pause':
          if (this.current && this.current.mode !== 'paused') this.pause();
          break;
        case 'resume':
          if (this.current && this.current.mode === 'paused') {
            this.current.pausedMs += this.now() - this.current.pausedAt;
            this.current.mode = 'running';
            this.postState('running');
            this.schedule();
          }
          break;
        case 'step':
          if (this.current) {
            if (this.current.mode === 'paused') this.current.pausedMs += this.now() - this.current.pausedAt;
            this.current.mode = 'stepping';
            this.current.stepFrom = this.current.line;
            this.tick();
          }
          break;
        case 'stop':
          this.stop();
          break;
        case 'reset':
          this.reset();
          break;
        case 'setInput': {
          const err = this.call(() => this.session.setInput(String(msg.name), Number(msg.value)));
          if (err && this.current)
            this.postEvents(this.current.runId, [{ kind: 'text', text: `${err.type}: ${err.message}\n` }]);
          break;
        }
        case 'variables':
          this.postVariables();
          break;
        case 'addFile': {
          // A data file for open() (the page's "Add data file"): bytes (ArrayBuffer/Uint8Array) or text.
          const err = this.call(() => this.session.addFile(String(msg.name), msg.data ?? ''));
          this.postFiles(err ? { ...err, name: String(msg.name) } : undefined);
          break;
        }
        case 'removeFile':
          this.call(() => this.session.removeFile(String(msg.name)));
          this.postFiles();
          break;
        case 'warmup':
          if (!this.warm) {
            this.warm = { session: null, spentMs: 0, done: false };
            this.schedule();
          }
          break;
        case 'graph': {
          const r = this.call(() => this.session.graph(String(msg.name)));
          if (typeof r === 'string') this.post({ type: 'graph', name: msg.name, data: JSON.parse(r) });
          else this.post({ type: 'graph', name: msg.name, error: r });
          break;
        }
        default:
          break;
      }
    } catch (e) {
      if (!(e instanceof Fatal)) throw e;
    }
  }

  /** Frees the session and the scheduler (node tests; a worker just ends). */
  dispose() {
    this.scheduler.close();
    this.endWarmup();
    if (this.session && !this.dead) this.session.delete();
    this.session = null;
    this.dead = true;
  }

  /**
   * The module aborted (onAbort, or a call threw): say so once and ignore everything after.
   * @param {unknown} what
   */
  fatal(what) {
    if (this.dead) return;
    this.dead = true;
    this.scheduler.close();
    const message = what instanceof Error ? `${what.name}: ${what.message}` : String(what);
    this.post({ type: 'fatal', message });
  }

  // ---- internals ------------------------------------------------------------------------

  /** Calls into the module; any throw means the module is broken (the bindings never throw). */
  call(fn) {
    if (this.dead) throw new Fatal();
    try {
      return fn();
    } catch (e) {
      this.fatal(e);
      throw new Fatal();
    }
  }

  startNext() {
    const run = this.queue.shift();
    if (!run) return;
    const started = this.now();
    const r = this.call(() => this.session.runCell(run.code, run.cellName));
    this.current = {
      runId: run.runId,
      mode: 'running',
      line: r.line,
      stopping: false,
      stepFrom: 0,
      started,
      pausedAt: 0,
      pausedMs: 0,
    };
    this.postEvents(run.runId, r.events);
    if (r.status !== 'suspended') {
      this.finish(r);
      return;
    }
    this.postState('running');
    this.schedule();
  }

  schedule() {
    if (this.scheduled || this.dead) return;
    this.scheduled = true;
    this.scheduler.schedule();
  }

  /** One slice of the current cell (a scheduled callback, or at once for step and stop). */
  tick() {
    const cur = this.current;
    if (!cur && this.warm && !this.warm.done) {
      this.warmSlice();
      return;
    }
    if (this.dead || !cur || cur.mode === 'paused') return;
    try {
      const t0 = this.now();
      const budget = this.budget;
      const r =
        cur.mode === 'stepping'
          ? this.call(() => this.session.stepLine(budget))
          : this.call(() => this.session.resume(budget));
      const dt = this.now() - t0;
      if (r.status === 'suspended' && cur.mode === 'running') this.adapt(dt);
      this.postEvents(cur.runId, r.events);
      if (r.status !== 'suspended') {
        this.finish(r);
        return;
      }
      cur.line = r.line;
      if (cur.mode === 'stepping' && r.line !== cur.stepFrom) {
        cur.mode = 'paused';
        cur.pausedAt = this.now();
        this.postState('paused');
        return;
      }
      this.schedule();
    } catch (e) {
      if (!(e instanceof Fatal)) throw e;
    }
  }

  /**
   * One slice of the warm-up program, in its own session, when no cell is running (a run
   * that arrives meanwhile goes first: the warm-up goes on after it, until done or out of time).
   * Its output is dropped; a failure of the program only ends the warm-up.
   */
  warmSlice() {
    const w = this.warm;
    if (this.dead) return;
    try {
      const t0 = this.now();
      let r;
      if (!w.session) {
        w.session = this.call(() => new this.module.GradlabSession());
        r = this.call(() => w.session.runCell(this.warmupCode, '<warm-up>'));
      } else {
        const budget = this.budget;
        r = this.call(() => w.session.resume(budget));
      }
      const dt = this.now() - t0;
      w.spentMs += dt;
      // Slices as long as a cell's (the same adaptive budget), so a run waits at most one.
      if (r.status === 'suspended') this.adapt(dt);
      if (r.status === 'suspended' && w.spentMs < WARMUP_MAX_MS) this.schedule();
      else this.endWarmup();
    } catch (e) {
      if (!(e instanceof Fatal)) throw e;
    }
  }

  /** Frees the warm-up's session (it is done, out of time, or the driver is disposed). */
  endWarmup() {
    const w = this.warm;
    if (!w || w.done) return;
    w.done = true;
    if (w.session && !this.dead) w.session.delete();
    w.session = null;
  }

  /** Scales the budget so that a full slice takes about targetMs. */
  adapt(dt) {
    const factor = dt > 0 ? Math.min(MAX_ADAPT, Math.max(1 / MAX_ADAPT, this.targetMs / dt)) : MAX_ADAPT;
    this.budget = Math.round(Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, this.budget * factor)));
  }

  pause() {
    const cur = this.current;
    cur.mode = 'paused';
    cur.pausedAt = this.now();
    this.postState('paused');
  }

  /** KeyboardInterrupt in the current cell, answered at once (state "stopped"); the queue is dropped. */
  stop() {
    const cur = this.current;
    if (!cur) return;
    this.cancelQueued();
    if (cur.mode === 'paused') cur.pausedMs += this.now() - cur.pausedAt;
    cur.stopping = true;
    cur.mode = 'running';
    this.call(() => this.session.interrupt());
    this.tick();
  }

  reset() {
    this.cancelQueued();
    const cur = this.current;
    if (cur) {
      this.current = null;
      this.postStateOf(cur, 'stopped');
    }
    const err = this.call(() => this.session.reset());
    if (err) this.fatal(`reset failed: ${err.type}: ${err.message}`);
    else this.postVariables();
  }

  /** Ends the current cell with the final Result `r`, posts its state and variables, starts the next. */
  finish(r) {
    const cur = this.current;
    this.current = null;
    let state = r.status === 'done' ? 'done' : 'error';
    if (state === 'error' && cur.stopping && r.error && r.error.type === 'KeyboardInterrupt') state = 'stopped';
    this.postStateOf(cur, state, r.error);
    if (state !== 'done') this.cancelQueued();
    this.postVariables();
    if (!this.current) this.startNext();
    if (!this.current && this.warm && !this.warm.done) this.schedule();
  }

  /** Runs still waiting in the worker end as "stopped" without running (as in a notebook). */
  cancelQueued() {
    for (const run of this.queue.splice(0)) {
      this.post({ type: 'state', runId: run.runId, state: 'stopped', line: 0, elapsedMs: 0 });
    }
  }

  postState(state) {
    this.postStateOf(this.current, state);
  }

  postStateOf(cur, state, error) {
    const done = state === 'done' || state === 'error' || state === 'stopped';
    const end = cur.mode === 'paused' ? cur.pausedAt : this.now();
    const msg = {
      type: 'state',
      runId: cur.runId,
      state,
      line: done ? 0 : cur.line,
      elapsedMs: Math.max(0, end - cur.started - cur.pausedMs),
    };
    if (error) msg.error = error;
    this.post(msg);
  }

  postEvents(runId, events) {
    if (!events || events.length === 0) return;
    this.post({ type: 'events', runId, events: events.map(parseEvent) });
  }

  /** The added data files, after an addFile/removeFile; `error` is the failed add's record. */
  postFiles(error) {
    const files = this.call(() => this.session.listFiles());
    const msg = { type: 'files', files };
    if (error) msg.error = error;
    this.post(msg);
  }

  postVariables() {
    const vars = this.call(() => this.session.variables());
    if (Array.isArray(vars)) this.post({ type: 'variables', vars });
    else this.post({ type: 'variables', vars: [], error: vars });
  }
}

/** Thrown inside the driver after fatal() to unwind to the message handler. */
class Fatal extends Error {}

/**
 * The bindings send a non-text event's JSON as a string; the page gets the object.
 * @param {{kind: string, text?: string, data?: string}} ev
 */
export function parseEvent(ev) {
  if (typeof ev.data !== 'string') return ev;
  try {
    return { kind: ev.kind, data: JSON.parse(ev.data) };
  } catch (e) {
    return { kind: 'text', text: `[gradlab: a ${ev.kind} event had malformed JSON: ${e.message}]\n` };
  }
}
