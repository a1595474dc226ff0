// Test helper: the host side of the emulator's UART. Collects module output and checks it byte-exact.
import * as assert from 'uvu/assert';
import { Sim900Emulator } from '../../host/emulator';
import type { PartialOptions } from '../../host/emulator';

export function show(b: Buffer | string): string {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  return JSON.stringify(s);
}

export class Wire {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  chunks = 0;
  private waiters: (() => void)[] = [];

  constructor(public emu: Sim900Emulator) {
    emu.on('output', (b: Buffer) => {
      this.chunks++;
      this.buf = Buffer.concat([this.buf, b]);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  static async boot(opts?: PartialOptions): Promise<Wire> {
    const emu = new Sim900Emulator({ sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0, ...opts });
    const w = new Wire(emu);
    await new Promise<void>((r) => emu.once('booted', () => r()));
    await emu.drained();
    w.pos = w.buf.length;
    return w;
  }

  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((f) => f !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  send(s: string | Buffer): void {
    this.emu.input(s);
  }

  /** The next bytes must be exactly `exp`. */
  async expect(exp: string | Buffer, ms = 5000, what = 'module output'): Promise<void> {
    const e = typeof exp === 'string' ? Buffer.from(exp, 'latin1') : exp;
    const end = Date.now() + ms;
    while (this.buf.length - this.pos < e.length) {
      if (!(await this.wait(Math.max(1, end - Date.now())))) break;
    }
    const got = this.buf.subarray(this.pos, this.pos + e.length);
    assert.is(show(got), show(e), what);
    this.pos += e.length;
  }

  /** Sends a command line and expects exactly `resp` (with echo off). */
  async cmd(line: string, resp: string, ms = 5000): Promise<void> {
    this.send(line + '\r');
    await this.expect(resp, ms);
  }

  /** Waits until `text` appears; returns everything before it and consumes through it. */
  async until(text: string, ms = 5000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.buf.indexOf(text, this.pos, 'latin1');
      if (i >= 0) {
        const before = this.buf.subarray(this.pos, i).toString('latin1');
        this.pos = i + Buffer.byteLength(text, 'latin1');
        return before;
      }
      if (Date.now() >= end || !(await this.wait(Math.max(1, end - Date.now())))) {
        assert.unreachable(`"${text}" did not arrive; pending output: ${show(this.buf.subarray(this.pos))}`);
      }
    }
  }

  /** Nothing more arrives within ms. */
  async quiet(ms = 50): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    assert.is(show(this.buf.subarray(this.pos)), show(''), 'no more output expected');
  }

  rest(): string {
    return this.buf.subarray(this.pos).toString('latin1');
  }

  close(): void {
    this.emu.close();
  }
}
