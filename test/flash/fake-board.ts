// A stand-in for a board's REPL behind a Link, for the tests of host/flash-*.ts that need no interpreter: it takes
// lines (a leading \x10 is dropped, as echo is off), evaluates them in a vm context with require("Storage") backed by
// host/storage.ts, E.CRC32, E.getErrorFlags, atob, print, reset() and load(), and prints what they print, with a
// prompt. Hooks let a test change a line before it runs (a link that corrupts), add output (an interpreter error) or
// raise an error flag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { crc32 } from 'node:zlib';
import type { Link } from '../../host/flash-link';
import { FolderStorage } from '../../host/storage';

/** the Storage folders of the fake boards, removed when the test process ends */
const folders: string[] = [];
process.on('exit', () => {
  for (const d of folders) rmSync(d, { recursive: true, force: true });
});

export class FakeBoard implements Link {
  name = 'fake://board';
  storage = new FolderStorage(mkdtempSync(join(tmpdir(), 'flash-fake-')));
  /** every line the board ran, after `mangle` (hooks number the lines as they came, dropped ones too) */
  lines: string[] = [];
  flags: string[] = [];
  resets = 0;
  loads = 0;
  /** change a line before it runs (return it unchanged to keep it) */
  mangle: (line: string, n: number) => string = (l) => l;
  /** extra output after line n ran (e.g. an interpreter error), or nothing */
  after: (line: string, n: number) => string | void = () => undefined;
  /** lines that are lost whole (the board never sees them), by their number */
  drop: (line: string, n: number) => boolean = () => false;
  private pending = '';
  private seen = 0;
  private ctx!: vm.Context;
  private dataCb: (d: string) => void = () => undefined;
  private closeCb: (why: string) => void = () => undefined;
  private closed = false;

  constructor() {
    folders.push(this.storage.dir);
    this.fresh();
  }

  private out(s: string): void {
    setImmediate(() => {
      if (!this.closed) this.dataCb(s);
    });
  }

  /** the interpreter after reset() or load(): new globals, no flags */
  private fresh(): void {
    const board = this;
    const sandbox: any = {
      print: (...a: any[]) => board.out(a.map(String).join(' ') + '\r\n'),
      atob: (s: string) => Buffer.from(s, 'base64').toString('latin1'),
      JSON,
      setTimeout,
      require: (m: string) => {
        if (m === 'Storage') return board.storage.api;
        throw new Error(`Module ${m} not found`);
      },
      E: {
        CRC32: (s: string) => crc32(Buffer.from(String(s), 'latin1')),
        // flags are bits: each once
        getErrorFlags: () => board.flags.splice(0).filter((f, i, a) => a.indexOf(f) === i),
      },
      reset: () => setImmediate(() => board.restart('reset')),
      load: () => setImmediate(() => board.restart('load')),
    };
    sandbox.global = sandbox;
    this.ctx = vm.createContext(sandbox);
  }

  private restart(why: 'reset' | 'load'): void {
    if (why === 'reset') this.resets++;
    else this.loads++;
    this.flags = [];
    this.fresh();
    this.out('\r\n Espruino (fake)\r\n>');
  }

  private run(line: string): void {
    const n = this.seen++;
    if (this.drop(line, n)) return;
    line = this.mangle(line, n);
    this.lines.push(line);
    try {
      vm.runInContext(line, this.ctx);
    } catch (e: any) {
      this.out(`Uncaught ${e.name || 'Error'}: ${e.message}\r\n`);
    }
    const extra = this.after(line, n);
    if (extra) this.out(extra);
    this.out('>');
  }

  // ---- Link
  write(data: string): void {
    if (this.closed) return;
    this.pending += data;
    let i: number;
    while ((i = this.pending.indexOf('\n')) >= 0) {
      let line = this.pending.slice(0, i);
      this.pending = this.pending.slice(i + 1);
      line = line.replace(/^\x03/, '');
      if (line.startsWith('\x10')) line = line.slice(1);
      if (line.trim()) this.run(line);
    }
    this.pending = this.pending.replace(/\x03/g, '');
  }

  onData(cb: (d: string) => void): void {
    this.dataCb = cb;
  }

  onClose(cb: (why: string) => void): void {
    this.closeCb = cb;
  }

  /** the board goes away (cable pulled, interpreter ended) */
  hangUp(why = 'the board closed the connection'): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.closeCb(why));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
