// The module->host side of the UART: a queue of byte units, drained asynchronously, optionally paced at a
// baud rate (10 bits per byte) and split into random chunks. Units are atomic for noise injection: a noise
// URC can only be placed between two units, never inside one (a line, or a counted data block).

import { Prng } from './prng';

export interface OutputConfig {
  baud: number;
  chunkMax: number;
}

export class OutputQueue {
  private queue: Buffer[] = [];
  /** Callbacks due once the unit at the same index has gone out (whenSent). */
  private sent: ((() => void)[] | null)[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pacedStart = 0;
  private pacedBytes = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Every byte ever emitted, for tests and transcripts. */
  readonly log: Buffer[] = [];

  constructor(
    private cfg: OutputConfig,
    private rng: Prng,
    private sink: (b: Buffer) => void,
  ) {}

  setBaud(baud: number): void {
    this.cfg.baud = baud;
    this.pacedBytes = 0;
    this.pacedStart = Date.now();
  }

  push(unit: Buffer): void {
    if (this.closed || unit.length === 0) return;
    this.queue.push(unit);
    this.sent.push(null);
    this.schedule();
  }

  /** Calls fn as the last byte queued so far is emitted (at once when nothing is queued). */
  whenSent(fn: () => void): void {
    const i = this.queue.length - 1;
    if (i < 0) return fn();
    (this.sent[i] = this.sent[i] || []).push(fn);
  }

  /** Discards everything not yet sent (module reset / power down). */
  discard(): void {
    this.queue = [];
    this.sent = [];
  }

  get pending(): number {
    let n = 0;
    for (const b of this.queue) n += b.length;
    return n;
  }

  /** Resolves when the queue is empty. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.draining) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.sent = [];
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private schedule(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.drain();
    });
  }

  private takeChunk(due: (() => void)[]): Buffer {
    const total = this.pending;
    let want = total;
    if (this.cfg.chunkMax > 0) want = this.rng.int(1, Math.min(this.cfg.chunkMax, total));
    else if (this.cfg.baud > 0) want = Math.min(total, Math.max(1, Math.ceil(this.cfg.baud / 10 / 1000 * 4)));
    const parts: Buffer[] = [];
    let got = 0;
    while (got < want && this.queue.length > 0) {
      const head = this.queue[0];
      const need = want - got;
      if (head.length <= need) {
        parts.push(head);
        got += head.length;
        this.queue.shift();
        const fns = this.sent.shift();
        if (fns) due.push(...fns);
      } else {
        parts.push(head.subarray(0, need));
        this.queue[0] = head.subarray(need);
        got += need;
      }
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  private drain(): void {
    if (this.closed) return;
    if (this.queue.length === 0) {
      this.draining = false;
      this.wakeIdle();
      return;
    }
    const due: (() => void)[] = [];
    const chunk = this.takeChunk(due);
    this.log.push(chunk);
    // (before the sink: a host that answers from inside its 'output' handler already saw these units)
    for (const f of due) f();
    this.sink(chunk);
    if (this.cfg.baud > 0) {
      const now = Date.now();
      if (now - this.pacedStart > 50 + (this.pacedBytes * 10000) / this.cfg.baud) {
        // The line was idle: restart the pacing clock.
        this.pacedStart = now;
        this.pacedBytes = 0;
      }
      this.pacedBytes += chunk.length;
      const due = this.pacedStart + (this.pacedBytes * 10000) / this.cfg.baud;
      const wait = Math.max(0, Math.round(due - Date.now()));
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.drain();
        }, wait);
        return;
      }
    }
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.drain();
    });
  }
}
