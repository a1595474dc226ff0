// Talking to an Espruino REPL over a Link, one command at a time: each command is one line sent with echo off
// (a leading \x10) that prints a completion marker, and the next is sent only once that marker has come back. So the
// board never holds more than one line of ours, whatever the link (the telnet console reads 64 bytes at a time and
// keeps 1072 bytes of output; a UART board has a 256-1024 byte input queue). Everything the board prints is watched
// for interpreter errors from watch() on.
import type { Link } from './flash-link';

/** Lines of console output that mean the interpreter failed (src/jsinteractive.c, jsutils.c, jsdevices.c of 2v29). */
export const ERROR_PATTERNS: RegExp[] = [
  /Uncaught\b/, // an exception (e.g. "Uncaught Error: Unable to find or create file")
  /\bERROR\b/, // jsError: "ERROR: Out of Memory!", ...
  /\bASSERT\(/, // a failed internal assertion: "ASSERT(len <= 64) FAILED AT src/jsdevices.c:591", and the interpreter stops (behind the prompt's "\x1b[J" it shows as "JASSERT")
  /New interpreter error/, // E.getErrorFlags() changed: FIFO_FULL, BUFFER_FULL, LOW_MEMORY, MEMORY...
  /\bFIFO_FULL\b/,
  /\bBUFFER_FULL\b/,
  /\bUART_OVERFLOW\b/,
  /\bLOW_MEMORY\b/,
  /\bMEMORY(_BUSY)?\b/,
  /Out of Memory/i,
];

/** Terminal control sequences and the prompt the REPL puts around its output. */
function clean(line: string): string {
  return line
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    .replace(/^[>:]+/, '')
    .trim();
}

/** The first line of `text` that reports an interpreter error, cleaned up (at most 200 characters), or null. Lines are matched once escape codes and the prompt are taken off. */
export function interpreterError(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = clean(raw);
    if (!ERROR_PATTERNS.some((re) => re.test(line))) continue;
    return line.length > 200 ? line.slice(0, 197) + '...' : line;
  }
  return null;
}

/** The board printed an interpreter error while we watched. */
export class BoardError extends Error {
  constructor(readonly line: string, readonly during: string) {
    super(`the board reported an error ${during}: ${line}`);
  }
}

/** The link ended, or the board did not answer in time. */
export class ConsoleError extends Error {}

interface Waiter {
  seq: number;
  resolve: (value: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class BoardConsole {
  /** everything the board printed since open, as latin1 */
  text = '';
  /** interpreter errors count from this offset of `text` (watch()) */
  private watchFrom = -1;
  private during = '';
  private seq = 0;
  private waiters: Waiter[] = [];
  private ended: string | null = null;
  private readonly tag: string;
  /** commands sent */
  commands = 0;

  constructor(readonly link: Link, tag?: string) {
    this.tag = tag ?? 'F' + Math.random().toString(36).slice(2, 8);
    link.onData((d) => this.received(d));
    link.onClose((why) => {
      this.ended = why;
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(this.endedError());
      }
    });
  }

  /** From now on, an interpreter error on the console fails the command that is waiting, and every later one. */
  watch(during: string): void {
    this.watchFrom = this.text.length;
    this.during = during;
  }

  unwatch(): void {
    this.watchFrom = -1;
  }

  /** The interpreter error seen since watch(), if any. */
  seenError(): string | null {
    return this.watchFrom < 0 ? null : interpreterError(this.text.slice(this.watchFrom));
  }

  /** JS expression whose value is command `seq`'s marker; the line sent holds "<"+"tag:seq>", never the marker itself. */
  private mark(seq: number): string {
    return `"<"+"${this.tag}:${seq}>"`;
  }

  private endedError(): Error {
    const err = this.seenError();
    if (err) return new BoardError(err, this.during);
    // an interpreter that stops says why last (e.g. a failed ASSERT), watched or not
    const last = interpreterError(this.text.slice(-4096));
    return new ConsoleError(`${this.link.name}: ${this.ended}` + (this.during ? ` ${this.during}` : '') + (last ? `, after: ${last}` : ''));
  }

  private received(d: string): void {
    this.text += d;
    const err = this.seenError();
    if (err) {
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new BoardError(err, this.during));
      }
      return;
    }
    for (const w of this.waiters.slice()) {
      const m = new RegExp(`<${this.tag}:${w.seq}>([^\\r\\n]*)\\r?\\n`).exec(this.text);
      if (!m) continue;
      clearTimeout(w.timer);
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(m[1]);
    }
    // keep the text short: drop what no waiter and no error scan needs (the last 4 KB stay for messages)
    if (this.waiters.length === 0 && this.text.length > 1 << 20) {
      const cut = this.text.length - 4096;
      this.text = this.text.slice(cut);
      if (this.watchFrom >= 0) this.watchFrom = Math.max(0, this.watchFrom - cut);
    }
  }

  /** Sends raw bytes (Ctrl-C, a reset() line...). */
  send(data: string): void {
    this.link.write(data);
  }

  /**
   * Sends one command and resolves with what it printed after its marker. `code(mark)` must print mark + a value on
   * one line (print(mark+...)), now or later (from a timeout).
   */
  ask(code: (mark: string) => string, timeoutMs: number, what = 'a command'): Promise<string> {
    if (this.ended) return Promise.reject(this.endedError());
    const err = this.seenError();
    if (err) return Promise.reject(new BoardError(err, this.during));
    const seq = ++this.seq;
    const line = code(this.mark(seq));
    if (/[\r\n]/.test(line)) throw new Error('a console command must be one line');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.findIndex((w) => w.seq === seq), 1);
        reject(new ConsoleError(`${this.link.name}: no answer to ${what} within ${Math.round(timeoutMs / 1000)} s` + (this.during ? ` ${this.during}` : '')));
      }, timeoutMs);
      this.waiters.push({ seq, resolve, reject, timer });
      this.commands++;
      this.link.write('\x10' + line + '\n');
    });
  }

  /** ask() for the value of a JS expression, as text (print's rendering). */
  run(expr: string, timeoutMs: number, what?: string): Promise<string> {
    return this.ask((mark) => `print(${mark}+(${expr}))`, timeoutMs, what ?? expr.slice(0, 60));
  }

  /**
   * Waits until the REPL answers, sending a probe every `everyMs`: after a reset() or load() the interpreter drops a
   * half-read line, so one probe can be lost. `expr` is evaluated by the probe; resolves with its value.
   */
  async ready(expr: string, timeoutMs: number, everyMs = 500): Promise<string> {
    const until = Date.now() + timeoutMs;
    const pending: Promise<string>[] = [];
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) throw new ConsoleError(`${this.link.name}: the board does not answer (no REPL prompt within ${Math.round(timeoutMs / 1000)} s)`);
      const p = this.run(expr, left, 'a probe');
      p.catch(() => undefined);
      pending.push(p);
      const first = await Promise.race([...pending.map((q) => q.then((v) => ({ v }))), new Promise<null>((r) => setTimeout(() => r(null), Math.min(everyMs, left)))]);
      if (first) return first.v;
    }
  }

  close(): Promise<void> {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new ConsoleError('closed'));
    }
    return this.link.close();
  }
}
