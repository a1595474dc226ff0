// Test doubles for the AT engine: a serial port that records writes, and a scripted module that answers
// expected writes with byte streams, delivered in chunks (given sizes) on separate event-loop turns.
import '../../host/espruino-node';
import { connect, type Engine, type EngineOptions, type Command } from '../../src/at/engine';
import type { MailError } from '../../src/errors';

export class FakeSerial {
  fn: ((d: string) => void) | null = null;
  out = '';
  writeHooks: ((s: string) => void)[] = [];
  on(_ev: 'data', fn: (d: string) => void): void {
    this.fn = fn;
  }
  removeListener(): void {
    this.fn = null;
  }
  write(d: string | Uint8Array): void {
    const s = typeof d === 'string' ? d : Buffer.from(d).toString('latin1');
    this.out += s;
    for (const h of this.writeHooks) h(s);
  }
  feed(s: string): void {
    if (this.fn) this.fn(s);
  }
}

export interface Step {
  expect: string;
  reply: string;
}

/** Answers writes in order: when the written bytes (since the last step) start with `expect`, `reply` is fed. */
export class Script {
  acc = '';
  steps: Step[];
  queue: string[] = [];
  pumping = false;
  sizes: number[];
  si = 0;
  constructor(
    readonly serial: FakeSerial,
    steps: Step[],
    sizes: number[] = [],
  ) {
    this.steps = steps.slice();
    this.sizes = sizes;
    serial.writeHooks.push((s) => this.written(s));
  }
  written(s: string): void {
    this.acc += s;
    while (this.steps.length && this.acc.startsWith(this.steps[0].expect)) {
      const st = this.steps.shift()!;
      this.acc = this.acc.slice(st.expect.length);
      this.push(st.reply);
    }
  }
  /** feeds `s` in chunks of the script's sizes (cycled), each on its own turn */
  push(s: string): void {
    let i = 0;
    while (i < s.length) {
      const n = this.sizes.length ? Math.max(1, this.sizes[this.si++ % this.sizes.length]) : s.length;
      this.queue.push(s.slice(i, i + n));
      i += n;
    }
    this.pump();
  }
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const next = (): void => {
      const c = this.queue.shift();
      if (c === undefined) {
        this.pumping = false;
        return;
      }
      this.serial.feed(c);
      setImmediate(next);
    };
    setImmediate(next);
  }
  /** resolves once every queued chunk was fed */
  drained(): Promise<void> {
    return new Promise((r) => {
      const check = (): void => {
        if (!this.queue.length && !this.pumping) r();
        else setImmediate(check);
      };
      check();
    });
  }
}

/** Makes an engine on a fresh FakeSerial; syncOnStart is false unless asked for. */
export type Make = (opts?: EngineOptions) => { s: FakeSerial; e: Engine };

export const sourceEngine: Make = (opts = {}) => {
  const s = new FakeSerial();
  const e = connect(s, { syncOnStart: false, ...opts });
  return { s, e };
};

/** The same, with the engine module of the linux board running in the host sandbox (one sandbox shared). */
let sandbox: any = null;
export const bundleEngine: Make = (opts = {}) => {
  if (!sandbox) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { bootSandbox } = require('../../host/sandbox');
    sandbox = bootSandbox({ board: 'linux' });
  }
  const s = new FakeSerial();
  const e = sandbox.require('s9at').connect(s, { syncOnStart: false, ...opts });
  return { s, e };
};
export function closeBundle(): void {
  if (sandbox) sandbox.close();
  sandbox = null;
}

export const engine = sourceEngine;

export interface Outcome {
  err: MailError | null;
  res?: Command;
  calls: number;
}

/** Sends and resolves with the outcome; `calls` counts callbacks (checked a little later for exactly-once). */
export function run(e: Engine, cmd: Command): Promise<Outcome> {
  return new Promise((resolve) => {
    const o: Outcome = { err: null, calls: 0 };
    e.send(cmd, (err, res) => {
      o.calls++;
      o.err = err;
      // plain data of this realm (the bundle's arrays come from the sandbox's realm)
      o.res = res ? JSON.parse(JSON.stringify(res)) : res;
      setTimeout(() => resolve(o), 5);
    });
  });
}

export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** every byte value, 0-255, as a binary string */
export const ALL_BYTES = (() => {
  let s = '';
  for (let i = 0; i < 256; i++) s += String.fromCharCode(i);
  return s;
})();
