// The AT engine: one command on the wire at a time, responses framed from a UART byte stream.
//
// RECEIVE PATH (speed matters: measured on the interpreter, see bench/engine.ts)
//  - Serial 'data' events carry binary strings. A chunk is searched with String.indexOf('\r\n') (native);
//    complete lines are cut with substring. Only the unfinished tail of a chunk (a partial line or a prompt)
//    is copied into the receive buffer: a fixed Uint8Array of opts.rxBufferSize bytes, allocated once. The
//    next chunk's CR LF then joins buffer + chunk head into one line. A line (with its CR) longer than the
//    buffer is an overflow (E_OVERFLOW for the command in flight, the line is dropped), never a cut line,
//    and that holds whether the line came in one chunk or in many.
//    The buffer is linear, not wrapping: it only ever holds one partial line, which is consumed whole, so a
//    wrap would buy nothing and would cost a second copy per joined line. Measured on Espruino 2v29 (Linux
//    port): Uint8Array.indexOf ~0.4 us per byte, String.indexOf a few us per 64-byte chunk, split('\r\n')
//    ~40 us per chunk, a JS loop turn ~1.5 us: hence search on the chunk string, no split, no per-byte loop.
//    Espruino's String.indexOf also reports a match of only the needle's start at the very end of the string
//    ("ab\r".indexOf("\r\n") is 2): a CR as a chunk's last byte is therefore never taken for a CR LF.
//  - Counted data (after e.g. "+POP3READ: 1,1460") is handed to the command's onData as it arrives: a chunk
//    that is all data is passed on as is (no copy, two compares and one call in receive()); data never
//    enters the receive buffer, so counted data may be any size and may hold any bytes ("OK", "ERROR",
//    "+SMTPSEND: 1", "\r\n.\r\n", 0x00-0xFF).
//  - Lines are CR LF framed; empty lines are ignored. With echo on, the echo "AT...\r" + "\r\n" is a line
//    equal to the command line plus CR: recognised and ignored (echo on or off both work). The echo of text
//    typed at a "> " prompt is not recognised (resync turns echo off before any command runs).
//
// WHAT A LINE MEANS, in this order (first match wins):
//  1. the echo of the command in flight                                  -> ignored
//  2. its prompt as a whole line (SIM800 "DOWNLOAD")                     -> payload written
//  3. a header of its counted data (Command.counted)                     -> next n bytes are data
//  4. its write-on line (Command.writeOn, e.g. "+SMTPFT: 2,<n>")         -> exactly n payload bytes written
//  5. OK / ERROR / +CME ERROR: / +CMS ERROR: / one of Command.finals   -> ends it (or starts the after-OK wait)
//  6. a final of a command released after OK (Command.releaseAfterOk)    -> ends that command
//  7. a line starting with Command.prefix (not '')                      -> collected into result.lines
//  8. URC handlers, looked up by the line's first word (text before the first space; a handler's prefix must
//     hold that whole word, with or without its ':'), then matched by prefix -> called. The reset lines
//     (RDY, +CFUN: 1, NORMAL/UNDER-VOLTAGE/OVER-VOLTAGE POWER DOWN) have internal handlers here -> reset.
//  9. anything else: collected by a command with prefix '' or none, else given to onUnhandled hooks.
//  So URC handlers never swallow a final: `+SMTPSEND: 1` is the final of AT+SMTPSEND when it declares it, and
//  a URC otherwise. A prompt that ends no line ("\r\n> ") is seen in the buffered tail.
//
// COMMANDS end in exactly one callback (err, result). Timeouts: Command.timeout for the command, and
// finalTimeout for the wait after OK. After a timeout, an overflow, a protocol error or a module reset the
// engine resynchronises before it sends anything else: "ATE0V1" until OK (echo off + verbose result codes in
// one line: works whatever the module's E/V state was), then "AT+CMEE=2" (errors as text; numbers would need a
// table the board cannot afford). A fresh engine synchronises the same way before its first command.
// On a reset the command in flight and the queued ones fail with E_RESET unless they set retryOnReset (then
// they run again after resync; a command already released after OK always fails: its OK was consumed).
//
// Differences from the first sketch of the interface: Command.counted may be a list of prefixes (so that the
// URC "+POP3READ: 3,<n>" is not taken for data), Command.releaseAfterOk lets the queue go on while a final is
// awaited (AT+SMTPSEND must let AT+SMTPFT run before +SMTPSEND: <code>), Command.escape answers a prompt with
// ESC (cancel) instead of a payload, Command.onLine streams collected lines instead of keeping them.
import { mailError, MailError } from '../errors';
import { checkLine } from './params';
import { getString, headOf, setString } from './bytes';

export interface SerialLike {
  on(ev: 'data', fn: (d: string) => void): void;
  write(d: string | Uint8Array): void;
  removeListener?(ev: 'data', fn: (d: string) => void): void;
}

export interface Command {
  /** the full command line without CR, already encoded (params.ts), e.g. 'AT+SMTPSUB="x"' */
  line: string;
  /** ms for the command until OK/its final (default opts.timeout) */
  timeout?: number;
  /** final lines (prefixes) besides OK/ERROR/+CME ERROR, e.g. ['+SMTPSEND: '] */
  finals?: string[];
  /** OK is not the end: wait for one of `finals` (each its own finalTimeout) */
  afterOk?: boolean;
  finalTimeout?: number;
  /** with afterOk: after OK the next commands may run while the final is awaited */
  releaseAfterOk?: boolean;
  /** intermediate lines starting with this are collected into result.lines ('' = all lines) */
  prefix?: string;
  /** called for each collected line instead of keeping it in result.lines */
  onLine?: (line: string) => void;
  /** '> ' (SIM900, ends no line) or 'DOWNLOAD' (SIM800, a whole line) */
  prompt?: string;
  /** written when the prompt arrives (or on writeOn), then `terminator` */
  payload?: string | Uint8Array;
  terminator?: string;
  /** answer the prompt with ESC (cancel) instead of a payload */
  escape?: boolean;
  /** when a line with this prefix arrives, write exactly the number it ends with of payload bytes */
  writeOn?: string;
  /** header prefix(es) of counted raw data, e.g. ['+POP3READ: 1,', '+POP3READ: 2,'] */
  counted?: string | string[];
  /** counted data as binary strings, in pieces; without it the data is kept in result.data */
  onData?: (chunk: string) => void;
  /** run again after a resync instead of failing with E_RESET */
  retryOnReset?: boolean;
}

export interface Result {
  lines: string[];
  /** 'OK' or the final line, e.g. '+SMTPSEND: 1' */
  final: string;
  /** counts announced by counted headers, in order */
  counted?: number[];
  /** counted data when the command had no onData */
  data?: string;
  /** bytes written on a writeOn line */
  written?: number;
}

export type Callback = (err: MailError | null, res?: Result) => void;

export interface EngineOptions {
  /** receive buffer size in bytes (the board's rxBufferSize) */
  rxBufferSize?: number;
  /** default command timeout, ms */
  timeout?: number;
  /** default wait for a final after OK, ms */
  finalTimeout?: number;
  /** one resync probe's timeout (ms) and how many probes before E_NORESPONSE */
  probeTimeout?: number;
  probeAttempts?: number;
  /** most commands waiting in the queue (E_BUSY beyond) */
  maxQueue?: number;
  /** synchronise before the first command (default true) */
  syncOnStart?: boolean;
  /** lines that mean the module restarted or powered down (default RESET_LINES) */
  resetLines?: string[];
}

export const RESET_LINES = ['RDY', '+CFUN: 1', 'NORMAL POWER DOWN', 'UNDER-VOLTAGE POWER DOWN', 'OVER-VOLTAGE POWER DOWN'];

// job phases
const QUEUED = 0;
const SENT = 1; // written, waiting for responses
const PROMPT = 2; // written, waiting for the prompt
const AFTER_OK = 3; // OK seen, waiting for a final (holding the queue)
const RELEASED = 4; // OK seen, waiting for a final (queue goes on)
const DONE = 5;

interface Job {
  cmd: Command;
  cb: Callback;
  phase: number;
  lines: string[];
  counted: number[] | null;
  data: string | null;
  written: number;
  early: string | null;
  timer: any;
  internal: boolean;
}

interface UrcHandler {
  p: string;
  fn: (line: string) => void;
}

/** The first word of a line, up to its first space: the URC table key. */
function firstWord(s: string): string {
  const sp = s.indexOf(' ');
  return sp < 0 ? s : s.substr(0, sp);
}

/** The keys a URC prefix is filed under: its first word with and without a trailing ':' ("+CMTI" and "+CMTI:"). */
function keysOf(prefix: string): string[] {
  const w = firstWord(prefix);
  if (w.charAt(w.length - 1) === ':') return [w, w.substr(0, w.length - 1)];
  return [w, w + ':'];
}

/** The integer after the last comma of a line (or after ': ' when there is no comma); -1 if none. */
function lastInt(s: string): number {
  let i = s.lastIndexOf(',');
  if (i < 0) i = s.lastIndexOf(':');
  const t = s.substr(i + 1).trim();
  if (!/^\d+$/.test(t)) return -1;
  return parseInt(t, 10);
}

function startsWithAny(s: string, list: string | string[]): boolean {
  if (typeof list === 'string') return s.indexOf(list) === 0;
  for (let i = 0; i < list.length; i++) if (s.indexOf(list[i]) === 0) return true;
  return false;
}

function noData(_c: string): void {}

// Espruino 2v29's String.indexOf also reports a needle whose start only fits at the end of the string
// ("ab\r".indexOf("\r\n") is 2), so lines() never takes a CR as the last byte of a chunk for a CR LF.

/** Collects counted data into result.data for a command without onData. */
function keepData(job: Job): (c: string) => void {
  return function (c: string) {
    job.data += c;
  };
}

export class AtEngine {
  // Hot fields first: Espruino finds a property by walking the object's property list in insertion order,
  // and a method only after every own property, so the receive path's fields lead and cold state is grouped.
  cnt: number;
  busy: boolean;
  cntFn: (c: string) => void;
  rn: number;
  cur: Job | null;
  urcs: { [key: string]: UrcHandler[] };
  ring: Uint8Array;
  skip: boolean;
  closed: boolean;
  released: Job[];
  cntJob: Job | null;
  resets: { [line: string]: number };
  queue: Job[];
  pending: string[];
  needSync: boolean;
  syncing: boolean;
  serial: SerialLike;
  k: {
    opts: EngineOptions;
    timeout: number;
    finalTimeout: number;
    probes: number;
    reset: ((line: string) => void)[];
    unhandled: ((line: string) => void)[];
    error: ((err: MailError) => void)[];
    sync: ((err: MailError | null) => void)[];
    rx: (d: string) => void;
  };

  constructor(serial: SerialLike, opts?: EngineOptions) {
    const o = opts || {};
    this.cnt = 0;
    this.busy = false;
    this.cntFn = noData;
    this.rn = 0;
    this.cur = null;
    this.urcs = {};
    this.ring = new Uint8Array(o.rxBufferSize || 1024);
    this.skip = false;
    this.closed = false;
    this.released = [];
    this.cntJob = null;
    this.resets = {};
    this.queue = [];
    this.pending = [];
    this.needSync = o.syncOnStart !== false;
    this.syncing = false;
    this.serial = serial;
    const self = this;
    this.k = {
      opts: o,
      timeout: o.timeout || 5000,
      finalTimeout: o.finalTimeout || 60000,
      probes: 0,
      reset: [],
      unhandled: [],
      error: [],
      sync: [],
      rx: function (d: string) {
        self.receive(d);
      },
    };
    const rl = o.resetLines || RESET_LINES;
    const onReset = function (l: string) {
      if (self.resets[l]) self.reset(l);
    };
    for (let i = 0; i < rl.length; i++) {
      // filed like URC handlers, first in their lists: other lines pay nothing for reset detection
      this.resets[rl[i]] = 1;
      this.urc(rl[i], onReset);
    }
    serial.on('data', this.k.rx);
  }

  // ------------------------------------------------------------------ public API

  /** Queues a command; `cb` is called exactly once. A bad line is refused (E_PARAM) before anything is written. */
  send(cmd: Command, cb: Callback): void {
    let err: MailError | null = null;
    try {
      checkLine(cmd.line);
      if (cmd.payload !== undefined && typeof cmd.payload !== 'string' && !(cmd.payload && typeof (cmd.payload as any).length === 'number' && typeof (cmd.payload as any).subarray === 'function'))
        throw mailError('ParameterError', 'E_PARAM', 'payload: must be a string or a Uint8Array', { command: cmd.line });
    } catch (e) {
      err = e as MailError;
    }
    if (!err && this.closed) err = mailError('ClosedError', 'E_CLOSED', 'the AT engine is closed', { command: cmd.line });
    if (!err && this.queue.length >= (this.k.opts.maxQueue || 32))
      err = mailError('BusyError', 'E_BUSY', 'too many AT commands queued', { command: cmd.line });
    if (err) {
      const e2 = err;
      setTimeout(function () {
        cb(e2);
      }, 0);
      return;
    }
    this.queue.push(this.job(cmd, cb, false));
    this.kick();
  }

  /** send() as a Promise. */
  exec(cmd: Command): Promise<Result> {
    const self = this;
    return new Promise(function (resolve, reject) {
      self.send(cmd, function (err, res) {
        if (err) reject(err);
        else resolve(res as Result);
      });
    });
  }

  /** Calls fn(line) for every unsolicited line starting with `prefix`. The prefix must hold the line's whole first word. */
  urc(prefix: string, fn: (line: string) => void): void {
    const ks = keysOf(prefix);
    for (let j = 0; j < 2; j++) (this.urcs[ks[j]] = this.urcs[ks[j]] || []).push({ p: prefix, fn: fn });
  }

  offUrc(prefix: string, fn: (line: string) => void): void {
    const ks = keysOf(prefix);
    for (let j = 0; j < 2; j++) {
      const l = this.urcs[ks[j]];
      if (!l) continue;
      for (let i = 0; i < l.length; i++)
        if (l[i].p === prefix && l[i].fn === fn) {
          l.splice(i, 1);
          break;
        }
    }
  }

  /** fn(line) when the module restarted or powered down (after the engine failed what it had to). */
  onReset(fn: (line: string) => void): void {
    this.k.reset.push(fn);
  }
  /** fn(line) for lines nobody claimed (no command collects them, no URC handler, not a reset). */
  onUnhandled(fn: (line: string) => void): void {
    this.k.unhandled.push(fn);
  }
  /** fn(err) for errors that belong to no command (e.g. an overflow while idle, resync failure). */
  onError(fn: (err: MailError) => void): void {
    this.k.error.push(fn);
  }

  /** Resynchronises now (probe until OK, echo off, verbose errors); cb when done. Queued commands wait. */
  resync(cb?: (err: MailError | null) => void): void {
    if (cb) this.k.sync.push(cb);
    this.needSync = true;
    if (!this.syncing && !this.cur) this.kick();
  }

  /** The board reports lost UART bytes (E.getErrorFlags: FIFO_FULL/UART_OVERFLOW): the frame in progress is void. */
  overflow(): void {
    this.rn = 0;
    if (this.cnt > 0) {
      // the rest of the counted data is void: discard it
      this.cntJob = null;
      this.cntFn = noData;
    } else this.skip = true;
    this.overflowed();
  }

  /** Fails everything with E_CLOSED, stops timers, stops listening. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.serial.removeListener) this.serial.removeListener('data', this.k.rx);
    const all: Job[] = [];
    if (this.cur) all.push(this.cur);
    this.cur = null;
    for (let i = 0; i < this.released.length; i++) all.push(this.released[i]);
    for (let i = 0; i < this.queue.length; i++) all.push(this.queue[i]);
    this.released = [];
    this.queue = [];
    for (let i = 0; i < all.length; i++) this.finish(all[i], mailError('ClosedError', 'E_CLOSED', 'the AT engine was closed', { command: all[i].cmd.line }), null);
    this.settleSync(mailError('ClosedError', 'E_CLOSED', 'the AT engine was closed'));
    this.cnt = Infinity; // the receive path becomes a sink
    this.cntFn = noData;
    this.rn = 0;
  }

  /** Feeds received bytes (the serial 'data' handler calls this; tests and benchmarks may too). */
  receive(d: string): void {
    // fast path: the whole chunk is counted data (most chunks of a POP3READ): two compares and one call.
    // (A closed engine is a sink: close() sets cnt to Infinity and cntFn to a no-op.)
    if (this.cnt >= d.length && !this.busy) {
      this.cnt -= d.length;
      this.cntFn(d);
      return;
    }
    if (this.busy) {
      // a callback wrote and something answered synchronously: keep the order
      this.pending.push(d);
      return;
    }
    this.busy = true;
    try {
      this.frame(d);
      while (this.pending.length) this.frame(this.pending.shift() as string);
    } finally {
      this.busy = false;
    }
  }

  // ------------------------------------------------------------------ receive path

  frame(d: string): void {
    const len = d.length;
    let pos = 0;
    while (pos < len) {
      if (this.cnt > 0) {
        let n = len - pos;
        if (n > this.cnt) n = this.cnt;
        this.cnt -= n;
        this.cntFn(pos === 0 && n === len ? d : d.substr(pos, n));
        pos += n;
        continue;
      }
      if (this.skip) {
        const j = d.indexOf('\n', pos);
        if (j < 0) return;
        this.skip = false;
        pos = j + 1;
        continue;
      }
      pos = this.lines(d, pos);
    }
  }

  /**
   * Line mode over d from pos: String.indexOf/substring per line, one line() call per non-empty line. Returns
   * where to go on: d.length when all was taken, or the start of the counted data a line announced.
   * (Measured on Espruino 2v29: indexOf+substring cost ~5 us per line, split('\r\n') ~40 us per chunk.)
   */
  lines(d: string, pos: number): number {
    const size = this.ring.length;
    const end = d.length - 1; // a CR there is no CR LF: Espruino's indexOf quirk, see above
    let i = d.indexOf('\r\n', pos);
    if (i === end) i = -1;
    const rn = this.rn;
    if (rn > 0) {
      // the buffered head of a line: join it with this chunk's first piece
      let l: string;
      if (d.charAt(pos) === '\n' && this.ring[rn - 1] === 13) {
        l = getString(this.ring, 0, rn - 1); // CR LF split between two chunks
        pos++;
      } else if (i < 0) {
        this.keep(pos === 0 ? d : d.substr(pos));
        return d.length;
      } else if (rn + i - pos + 1 > size) {
        this.rn = 0;
        this.overflowed();
        return i + 2;
      } else {
        l = getString(this.ring, 0, rn) + d.substring(pos, i);
        pos = i + 2;
      }
      this.rn = 0;
      if (l.length) this.line(l);
      if (this.cnt > 0) return pos;
      i = d.indexOf('\r\n', pos);
      if (i === end) i = -1;
    }
    // a line and its CR must fit the buffer, whether it came in one chunk or in many
    const big = d.length - pos >= size;
    while (i >= 0) {
      if (i > pos) {
        if (big && i - pos + 1 > size) this.overflowed();
        else this.line(d.substring(pos, i));
        if (this.cnt > 0) return i + 2;
      }
      pos = i + 2;
      i = d.indexOf('\r\n', pos);
      if (i === end) i = -1;
    }
    if (pos < d.length) this.keep(pos === 0 ? d : d.substr(pos));
    return d.length;
  }

  /** Keeps an unfinished tail in the receive buffer (or reports an overflow); sees prompts that end no line. */
  keep(t: string): void {
    const n = t.length;
    if (this.rn + n > this.ring.length) {
      this.rn = 0;
      this.skip = true;
      this.overflowed();
      return;
    }
    setString(this.ring, t, this.rn);
    this.rn += n;
    const job = this.cur;
    if (job !== null && job.phase === PROMPT) {
      const p = job.cmd.prompt as string;
      if (this.rn >= p.length && getString(this.ring, this.rn - p.length, this.rn) === p) {
        this.rn = 0;
        this.atPrompt(job);
      }
    }
  }

  line(l: string): void {
    const job = this.cur;
    let pre = false;
    if (job !== null) {
      if (this.forCommand(job, l)) return;
      if (this.released.length !== 0 && this.releasedFinal(l)) return;
      const p = job.cmd.prefix;
      if (p !== undefined && (job.phase === SENT || job.phase === AFTER_OK) && l.indexOf(p) === 0) {
        if (p !== '') {
          this.collect(job, l);
          return;
        }
        pre = true; // prefix '' collects what no URC handler claims
      }
    } else if (this.released.length !== 0 && this.releasedFinal(l)) return;
    // URC dispatch: one lookup by the first word; reset lines have internal handlers in the same table
    const sp = l.indexOf(' ');
    const hs = this.urcs[sp < 0 ? l : l.substr(0, sp)];
    if (hs !== undefined) {
      if (hs.length === 1) {
        const h = hs[0];
        if (l.indexOf(h.p) === 0) {
          h.fn(l);
          return;
        }
      } else if (hs.length !== 0 && this.dispatch(hs, l)) return;
    }
    if (job !== null && (pre || (job.cmd.prefix === undefined && job.phase === SENT))) {
      this.collect(job, l);
      return;
    }
    const u = this.k.unhandled;
    for (let i = 0; i < u.length; i++) u[i](l);
  }

  /** Calls every handler of `hs` whose prefix starts `l`; true if one did. */
  dispatch(hs: UrcHandler[], l: string): boolean {
    let claimed = false;
    for (let i = 0; i < hs.length; i++)
      if (l.indexOf(hs[i].p) === 0) {
        claimed = true;
        hs[i].fn(l);
      }
    return claimed;
  }

  /** Steps 1-5 of the table at the top for the command on the wire; true when the line was its. */
  forCommand(job: Job, l: string): boolean {
    const c = job.cmd;
    if (l === c.line || l === c.line + '\r') return true; // echo (with echo on, "AT..\r\r\n")
    const ph = job.phase;
    if (ph === PROMPT && l === c.prompt) {
      this.atPrompt(job);
      return true;
    }
    if (ph === SENT && c.counted !== undefined && startsWithAny(l, c.counted)) {
      this.countedHeader(job, l);
      return true;
    }
    if (ph === SENT && c.writeOn !== undefined && l.indexOf(c.writeOn) === 0) {
      this.writeOn(job, l);
      return true;
    }
    if (l === 'OK') {
      if (ph !== AFTER_OK) this.ok(job);
      return true;
    }
    if (l === 'ERROR') {
      this.fail(job, mailError('ModuleError', 'E_ERROR', c.line + ' answered ERROR', { command: c.line }));
      return true;
    }
    if (l.indexOf('+CME ERROR:') === 0 || l.indexOf('+CMS ERROR:') === 0) {
      const t = l.substr(11).trim();
      const extra: any = { command: c.line, detail: t };
      if (/^\d+$/.test(t)) extra.result = parseInt(t, 10);
      this.fail(job, mailError('CmeError', 'E_CME', c.line + ' answered ' + l, extra));
      return true;
    }
    if (c.finals !== undefined && startsWithAny(l, c.finals)) {
      // a line that is also the final of a released command ends both (e.g. +SMTPSEND: 65 during AT+SMTPFT)
      if (this.released.length) this.releasedFinal(l);
      if (c.afterOk && ph !== AFTER_OK) job.early = l;
      else this.done(job, l);
      return true;
    }
    return false;
  }

  /** Ends every released command whose finals match `l`; true if one did. */
  releasedFinal(l: string): boolean {
    let hit = false;
    for (let i = 0; i < this.released.length; i++) {
      const r = this.released[i];
      if (r.cmd.finals && startsWithAny(l, r.cmd.finals)) {
        hit = true;
        this.done(r, l);
        i--;
      }
    }
    return hit;
  }

  collect(job: Job, l: string): void {
    if (job.cmd.onLine) job.cmd.onLine(l);
    else job.lines.push(l);
  }

  countedHeader(job: Job, l: string): void {
    const n = lastInt(l);
    this.collect(job, l);
    if (n < 0) {
      this.fail(job, mailError('ProtocolError', 'E_PROTOCOL', 'no byte count in ' + JSON.stringify(l), { command: job.cmd.line, detail: l }));
      return;
    }
    (job.counted = job.counted || []).push(n);
    if (!job.cmd.onData && job.data === null) job.data = '';
    if (n > 0) {
      this.cnt = n;
      this.cntJob = job;
      this.cntFn = job.cmd.onData || keepData(job);
    }
  }

  atPrompt(job: Job): void {
    const c = job.cmd;
    job.phase = SENT;
    if (c.escape || c.payload === undefined) {
      this.serial.write('\x1b');
      return;
    }
    this.serial.write(c.payload);
    if (c.terminator) this.serial.write(c.terminator);
  }

  writeOn(job: Job, l: string): void {
    const n = lastInt(l);
    const p = job.cmd.payload;
    const have = p === undefined ? 0 : p.length;
    job.lines.push(l);
    if (n < 0 || n > have) {
      // the module now waits for n bytes we do not have: fail and resync (its timeout ends the wait)
      this.fail(job, mailError('ProtocolError', 'E_PROTOCOL', job.cmd.line + ': the module asked for ' + n + ' bytes, ' + have + ' were given', { command: job.cmd.line, detail: l }));
      return;
    }
    if (n > 0) this.serial.write(headOf(p as string | Uint8Array, n));
    job.written += n;
  }

  ok(job: Job): void {
    const c = job.cmd;
    if (!c.afterOk || job.early !== null) {
      this.done(job, job.early !== null ? job.early : 'OK');
      return;
    }
    clearTimeout(job.timer);
    const self = this;
    job.timer = setTimeout(function () {
      self.timedOut(job);
    }, c.finalTimeout || this.k.finalTimeout);
    if (c.releaseAfterOk) {
      job.phase = RELEASED;
      this.released.push(job);
      this.cur = null;
      this.kick();
    } else job.phase = AFTER_OK;
  }

  // ------------------------------------------------------------------ ending commands

  job(cmd: Command, cb: Callback, internal: boolean): Job {
    return { cmd: cmd, cb: cb, phase: QUEUED, lines: [], counted: null, data: null, written: 0, early: null, timer: null, internal: internal };
  }

  /** Success with final line `final`. */
  done(job: Job, final: string): void {
    const res: Result = { lines: job.lines, final: final };
    if (job.counted) res.counted = job.counted;
    if (job.data !== null) res.data = job.data;
    if (job.written) res.written = job.written;
    this.finish(job, null, res);
  }

  /** Failure of `job`; a command on the wire leaves the engine out of step, so resync before the next one. */
  fail(job: Job, err: MailError): void {
    if (err.code !== 'E_ERROR' && err.code !== 'E_CME') this.needSync = true;
    this.finish(job, err, null);
  }

  finish(job: Job, err: MailError | null, res: Result | null): void {
    if (job.phase === DONE) return;
    job.phase = DONE;
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    if (this.cur === job) this.cur = null;
    if (this.cntJob === job) {
      // the rest of its data (if the module still sends it) will be parsed as lines; resync copes with those
      this.cntJob = null;
      this.cnt = 0;
      this.cntFn = noData;
    }
    const ri = this.released.indexOf(job);
    if (ri >= 0) this.released.splice(ri, 1);
    try {
      if (err) job.cb(err);
      else job.cb(null, res as Result);
    } catch (e) {
      // a throwing callback must not cut the chunk being parsed: report it outside
      setTimeout(function () {
        throw e;
      }, 0);
    }
    this.kick();
  }

  timedOut(job: Job): void {
    if (job.phase === DONE) return;
    const onWire = this.cur === job;
    if (onWire && job.phase === PROMPT) this.serial.write('\x1b');
    if (job.early !== null) {
      // the final came but the OK did not: keep the answer, resync away the stray OK
      this.needSync = true;
      this.done(job, job.early);
      return;
    }
    const what = job.phase === AFTER_OK || job.phase === RELEASED ? 'its final after OK' : 'an answer';
    const err = mailError('TimeoutError', 'E_TIMEOUT', job.cmd.line + ': no ' + what + ' in time', { command: job.cmd.line, detail: what });
    if (onWire || job.phase === AFTER_OK) this.fail(job, err);
    else this.finish(job, err, null);
  }

  overflowed(): void {
    const job = this.cur;
    const err = mailError('OverflowError', 'E_OVERFLOW', 'received data overflowed the ' + this.ring.length + '-byte receive buffer' + (job ? ' during ' + job.cmd.line : ''), { command: job ? job.cmd.line : undefined });
    if (job) this.fail(job, err);
    else {
      this.needSync = true;
      for (let i = 0; i < this.k.error.length; i++) this.k.error[i](err);
      this.kick();
    }
  }

  reset(l: string): void {
    this.cnt = 0;
    this.cntJob = null;
    this.cntFn = noData;
    this.rn = 0;
    this.needSync = true;
    const mk = function (j: Job) {
      return mailError('ModuleResetError', 'E_RESET', 'the module reset (' + l + ') during ' + j.cmd.line, { command: j.cmd.line, detail: l });
    };
    const failed: Job[] = [];
    const cur = this.cur;
    if (cur && cur.internal) {
      // a boot line while probing (RDY, then +CFUN: 1, ...): the probe goes on, its answer or timeout decides
      for (let i = 0; i < this.k.reset.length; i++) this.k.reset[i](l);
      return;
    }
    this.cur = null;
    if (cur) {
      if (cur.timer) clearTimeout(cur.timer);
      cur.timer = null;
      if (cur.cmd.retryOnReset && !cur.internal) {
        cur.phase = QUEUED;
        cur.lines = [];
        cur.counted = null;
        cur.data = null;
        cur.written = 0;
        cur.early = null;
        this.queue.unshift(cur);
      } else failed.push(cur);
    }
    for (let i = 0; i < this.released.length; i++) failed.push(this.released[i]);
    this.released = [];
    const keep: Job[] = [];
    for (let i = 0; i < this.queue.length; i++) {
      if (this.queue[i].cmd.retryOnReset) keep.push(this.queue[i]);
      else failed.push(this.queue[i]);
    }
    this.queue = keep;
    // finish() kicks: hold the wire (syncing) until every callback ran, then resync first
    const wasSyncing = this.syncing;
    this.syncing = true;
    try {
      for (let i = 0; i < failed.length; i++) this.finish(failed[i], mk(failed[i]), null);
    } finally {
      this.syncing = wasSyncing;
    }
    for (let i = 0; i < this.k.reset.length; i++) this.k.reset[i](l);
    this.kick();
  }

  // ------------------------------------------------------------------ sending

  kick(): void {
    if (this.closed || this.cur || this.syncing) return;
    if (this.needSync) {
      // lazily: before the next command, or now when someone waits for resync()
      if (this.queue.length || this.k.sync.length) this.startSync();
      return;
    }
    if (!this.queue.length) return;
    this.start(this.queue.shift() as Job);
  }

  start(job: Job): void {
    const c = job.cmd;
    this.cur = job;
    job.phase = c.prompt ? PROMPT : SENT;
    const self = this;
    job.timer = setTimeout(function () {
      self.timedOut(job);
    }, c.timeout || this.k.timeout);
    this.serial.write(c.line + '\r');
  }

  startSync(): void {
    this.needSync = false;
    this.syncing = true;
    this.k.probes = 0;
    this.probe();
  }

  probe(): void {
    if (this.closed) return;
    const self = this;
    const j = this.job({ line: 'ATE0V1', timeout: this.k.opts.probeTimeout || 1000 }, function (err) {
      self.probed(err);
    }, true);
    this.start(j);
  }

  probed(err: MailError | null): void {
    if (this.closed) return;
    if (err) {
      // a reset during the probe is not a failed attempt (the module just booted)
      if (err.code !== 'E_RESET') this.k.probes++;
      if (this.k.probes >= (this.k.opts.probeAttempts || 5)) {
        this.syncing = false;
        const e = mailError('NoResponseError', 'E_NORESPONSE', 'the module does not answer AT (' + this.k.probes + ' attempts)', { detail: this.k.probes });
        this.needSync = true;
        const q = this.queue;
        this.queue = [];
        this.syncing = true;
        for (let i = 0; i < q.length; i++) this.finish(q[i], mailError('NoResponseError', 'E_NORESPONSE', e.message, { command: q[i].cmd.line, detail: this.k.probes }), null);
        this.syncing = false;
        this.settleSync(e);
        for (let i = 0; i < this.k.error.length; i++) this.k.error[i](e);
        return;
      }
      // the probe is retried right away (its own timeout already paced it); stray bytes are dropped
      this.needSync = false;
      this.probe();
      return;
    }
    const self = this;
    this.needSync = false;
    this.start(
      this.job({ line: 'AT+CMEE=2', timeout: this.k.opts.probeTimeout || 1000 }, function (e2) {
        self.cmeeDone(e2);
      }, true),
    );
  }

  cmeeDone(err: MailError | null): void {
    if (this.closed) return;
    if (err && err.code !== 'E_ERROR' && err.code !== 'E_CME') {
      this.needSync = false;
      this.probe();
      return;
    }
    this.syncing = false;
    this.needSync = false;
    this.settleSync(null);
    this.kick();
  }

  settleSync(err: MailError | null): void {
    const w = this.k.sync;
    this.k.sync = [];
    for (let i = 0; i < w.length; i++) w[i](err);
  }
}
