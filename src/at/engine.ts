// The AT engine (Storage module "s9at"): one command on the wire at a time, responses framed from a UART byte
// stream. `connect(serial, options)` returns the engine; everything it needs lives in that call's closure, so the
// module costs almost nothing loaded and one engine a fixed amount (see README, "Memory habits").
//
// RECEIVE PATH (speed matters: a board is tens of times slower than a PC while 115200 baud brings a byte every
// 87 us, so there is no JS loop per received byte)
//  - Serial 'data' events carry binary strings. A chunk is searched with String.indexOf('\r\n') (native); complete
//    lines are cut with substring. Only the unfinished tail of a chunk (a partial line or a prompt) is copied into
//    the receive buffer: a fixed Uint8Array of rxBufferSize bytes, allocated once. The next chunk's CR LF joins
//    buffer + chunk head into one line. A line (with its CR) longer than the buffer is an overflow (E_OVERFLOW for
//    the command in flight, the whole line dropped), never a cut line, whether it came in one chunk or in many.
//  - Espruino 2v29's String.indexOf also reports a match of only the needle's start at the very end of the string
//    ("ab\r".indexOf("\r\n") is 2): a CR as a chunk's last byte is therefore never taken for a CR LF.
//  - Counted data (after e.g. "+POP3READ: 1,1460") goes to the command's onData as it arrives: a chunk that is all
//    data is passed on as it is (no copy: two compares and one call). Data never enters the receive buffer, so it may
//    be any size and hold any bytes ("OK", "ERROR", "+SMTPSEND: 1", "\r\n.\r\n", 0x00-0xFF).
//  - Lines are CR LF framed; empty lines are ignored. With echo on, the echo "AT...\r" + "\r\n" is a line equal to
//    the command line plus CR: recognised and ignored.
//
// WHAT A LINE MEANS, in this order (first match wins):
//  1. the echo of the command in flight                                   -> ignored
//  2. its prompt as a whole line (SIM800 "DOWNLOAD")                      -> payload written
//  3. a header of its counted data (Command.counted)                      -> the next n bytes are data
//  4. its write-on line (Command.writeOn, e.g. "+SMTPFT: 2,<n>")          -> exactly n payload bytes written
//  5. OK / ERROR / +CME ERROR: / +CMS ERROR: / one of Command.finals     -> ends it (or starts the wait after OK)
//  6. a line starting with Command.prefix (not '')                       -> collected into its lines
//  7. a reset line (RDY, +CFUN: 1, NORMAL / UNDER-VOLTAGE / OVER-VOLTAGE POWER DOWN) -> everything in flight or
//     queued fails with E_RESET, resync before the next command (a +CFUN: 1 within 3 s of an RDY is the same
//     restart: ignored); then, like any line:
//  8. URC handlers filed under the line's first word (its text up to the first space: a handler's prefix must hold
//     that whole word, e.g. "+CMTI:"), matched by prefix                  -> called
//  9. anything else: collected by a command with prefix '' (or none, before its OK), else given to onLine.
//  So URC handlers never swallow a final: "+SMTPSEND: 1" is the final of AT+SMTPSEND when it declares it, and a URC
//  otherwise. A prompt that ends no line ("\r\n> ") is seen in the buffered tail.
//
// COMMANDS end in exactly one callback (err, cmd): the command object comes back with its answer in lines, final,
// counts, data and written. Timeouts: Command.timeout until OK, finalTimeout for the wait after OK. After a timeout,
// an overflow, a protocol error or a reset, the engine resynchronises before it sends anything else: "ATE0V1" until
// OK (echo off and verbose result codes in one line, whatever the module's E/V state was), then "AT+CMEE=2" (errors as
// text). A fresh engine synchronises the same way before its first command.
import { err, bad, type MailError } from '../errors';

export interface SerialLike {
  on(ev: 'data', fn: (d: string) => void): void;
  write(d: string | Uint8Array): void;
  removeListener?(ev: 'data', fn: (d: string) => void): void;
}

export interface Command {
  /** the whole command line without CR, already encoded (params.ts), e.g. 'AT+SMTPSUB="x"' */
  line: string;
  /** ms until OK or a final (default: the engine's timeout) */
  timeout?: number;
  /** final lines (prefixes) besides OK/ERROR/+CME ERROR, e.g. ['+SMTPSEND:'] */
  finals?: string[];
  /** OK is not the end: wait (finalTimeout ms) for one of `finals` */
  afterOk?: boolean;
  finalTimeout?: number;
  /** lines starting with this are collected into `lines` ('' = every line nobody else claims) */
  prefix?: string;
  /** '> ' (SIM900: ends no line) or 'DOWNLOAD' (SIM800: a whole line) */
  prompt?: string;
  /** written at the prompt (then `terminator`); without it the prompt is answered with ESC; or with writeOn */
  payload?: string | Uint8Array;
  terminator?: string;
  /** when a line with this prefix arrives, exactly the number it ends with of payload bytes are written */
  writeOn?: string;
  /** header prefixes of counted raw data, e.g. ['+POP3READ: 1,', '+POP3READ: 2,'] */
  counted?: string[];
  /** counted data in pieces (binary strings); without it the data is kept in `data` */
  onData?: (chunk: string) => void;
  // ---- the answer, filled in by the engine
  lines?: string[];
  /** 'OK' or the final line, e.g. '+SMTPSEND: 1' */
  final?: string;
  /** byte counts of the counted headers, in order */
  counts?: number[];
  data?: string;
  /** bytes written on writeOn lines */
  written?: number;
}

export type Callback = (err: MailError | null, cmd?: Command) => void;

export interface EngineOptions {
  /** receive buffer in bytes: the longest line (with its CR) that can arrive (the board's rxBufferSize) */
  rxBufferSize?: number;
  /** default command timeout and wait for a final after OK, ms */
  timeout?: number;
  finalTimeout?: number;
  /** one resync probe's timeout (ms) and how many probes before E_NORESPONSE */
  probeTimeout?: number;
  probeAttempts?: number;
  /** most commands waiting in the queue (E_BUSY beyond) */
  maxQueue?: number;
  /** synchronise before the first command (default true) */
  syncOnStart?: boolean;
  /**
   * ms without a byte of counted data still due after which the rest is taken for lost (default 1500): a module
   * sends a read's data in one go, so a pause inside it means it restarted; what follows is read as lines (its boot
   * lines then fail the command with E_RESET)
   */
  dataGap?: number;
}

export interface Engine {
  send(cmd: Command, cb: Callback): void;
  /** fn(line) for every unsolicited line starting with `prefix` (which holds the line's whole first word) */
  urc(prefix: string, fn: (line: string) => void): void;
  off(prefix: string, fn: (line: string) => void): void;
  /** probe until OK, echo off, verbose errors; queued commands wait; cb after an "AT" queued behind the resync */
  resync(cb?: (err: MailError | null) => void): void;
  /** the board lost UART bytes (E.errorFlag FIFO_FULL/UART_OVERFLOW): the frame being read is void */
  overflow(): void;
  /** fails everything with E_CLOSED and stops listening */
  close(): void;
  /** feeds received bytes (the serial 'data' handler; tests and benchmarks may call it too) */
  rx(d: string): void;
  /** hooks the owner may set: the module restarted; an error no command owns; a line nobody claimed; a command ended */
  onReset?: (line: string) => void;
  onError?: (e: MailError) => void;
  onLine?: (line: string) => void;
  onDone?: (cmd: Command) => void;
}

// phases of the command on the wire
const SENT = 1;
const PROMPT = 2;
const AFTER_OK = 3;

export function connect(serial: SerialLike, options?: EngineOptions): Engine {
  const o: EngineOptions = options || {};
  const buf = new Uint8Array(o.rxBufferSize || 640);
  let n = 0; // bytes of an unfinished line in buf
  let skip = false; // dropping the rest of a line that overflowed
  let cnt = 0; // counted bytes still to come, for cur
  let last = 0; // when counted data (or its header) last came; 0 while no gap check is due
  let boot = -9e9; // when the last RDY came
  let cur: any = null; // the command on the wire
  let timer: any = null; // (never undefined: Espruino's clearTimeout(undefined) throws)
  const queue: any[] = [];
  const urcs: any = {};
  let state = o.syncOnStart === false ? 0 : 1; // 0 in step, 1 needs a resync, 2 resynchronising, 3 closed
  let probes = 0;

  function rx(d?: string): void {
    if (state == 3) return;
    if (d == null) {
      // (rx's own timer, without data: the gap check; counted data silent for dataGap is lost)
      const w = last + (o.dataGap || 1500) - Date.now();
      if (cnt && w > 0) return void setTimeout(rx, w);
      cnt = last = 0;
      return;
    }
    const len = d.length;
    let pos = 0;
    try {
      while (pos < len) {
        if (cnt > 0) {
          // counted data (most chunks of a POP3READ are all data: passed on as they are)
          const k = Math.min(cnt, len - pos);
          const part = pos || k < len ? d.substr(pos, k) : d;
          cnt -= k;
          pos += k;
          last = Date.now();
          cur.onData ? cur.onData(part) : (cur.data += part);
          continue;
        }
        if (skip) {
          const j = d.indexOf('\n', pos);
          if (j < 0) return;
          skip = false;
          pos = j + 1;
          continue;
        }
        if (n && buf[n - 1] == 13 && d.charCodeAt(pos) == 10) {
          // a CR LF split between two chunks ends the buffered line
          const b = E.toString(buf.subarray(0, n - 1));
          n = 0;
          pos++;
          if (b) line(b);
          continue;
        }
        let i = d.indexOf('\r\n', pos);
        if (i == len - 1) i = -1; // Espruino's indexOf quirk, see above
        if (i < 0) {
          // no line end in the rest of the chunk: keep it behind what is buffered
          const t = pos ? d.substr(pos) : d;
          if (n + t.length > buf.length) return (n = 0), (skip = true), overflow(1);
          buf.set(t as any, n);
          n += t.length;
          const p = cur && cur.ph_ == PROMPT && cur.prompt;
          if (p && n >= p.length && E.toString(buf.subarray(n - p.length, n)) == p) (n = 0), line(p);
          return;
        }
        // a line (with its CR) longer than the buffer is an overflow, whether it came in one chunk or in many. A
        // line begun in an earlier chunk is finished in the buffer and made one string there: on Espruino,
        // E.toString's result may be a flat string, and `flat + more` appends in place to it and fails (2v29).
        let l: string | null = null;
        if (n + i - pos < buf.length) {
          if (!n) l = d.substring(pos, i);
          else buf.set(d.substring(pos, i) as any, n), (l = E.toString(buf.subarray(0, n + i - pos)));
        }
        n = 0;
        pos = i + 2;
        if (l === null) overflow(1);
        else if (l) line(l);
      }
    } catch (x) {
      // a callback threw: the rest of this chunk is lost (resync copes), the listener stays; report it outside
      n = 0;
      setTimeout(function () {
        throw x;
      }, 0);
    }
  }

  function line(l: string): void {
    const c = cur;
    let t: string;
    let k: number;
    if (c) {
      const ph = c.ph_;
      if (l == c.line || l == c.line + '\r') return; // 1
      if (ph == PROMPT) {
        if (l == c.prompt) {
          // 2
          c.ph_ = SENT;
          serial.write(c.payload == null ? '\x1b' : c.payload);
          if (c.payload != null && c.terminator) serial.write(c.terminator);
          return;
        }
      } else if (ph == SENT && (startsWith(l, c.counted) || startsWith(l, [c.writeOn]))) {
        c.lines.push(l);
        t = l.substr(l.lastIndexOf(',') + 1).trim();
        k = /^\d+$/.test(t) ? +t : -1;
        if (c.counted) {
          // 3
          if (k < 0) return end(c, err('E_PROTOCOL', c.line + ': no byte count in ' + l, { command: c.line }));
          (c.counts = c.counts || []).push(k);
          if (!c.onData && c.data == null) c.data = '';
          cnt = k;
          if (!last) setTimeout(rx, o.dataGap || 1500);
          last = Date.now();
          return;
        }
        // 4
        const p = c.payload;
        const have = p ? p.length : 0;
        if (k < 0 || k > have) return end(c, err('E_PROTOCOL', c.line + ': asked for ' + t + ' bytes, ' + have + ' given', { command: c.line }));
        if (k) {
          serial.write(k == have ? p : p.subarray ? p.subarray(0, k) : p.substr(0, k));
          c.written = (c.written || 0) + k;
        }
        return;
      }
      // 5
      if (l == 'OK') {
        if (ph == AFTER_OK) return;
        if (!c.afterOk || c.early_) return end(c, null, c.early_ || l);
        c.ph_ = AFTER_OK;
        clearTimeout(timer);
        timer = setTimeout(end, c.finalTimeout || o.finalTimeout || 60000, c, null, 'T');
        return;
      }
      if (l == 'ERROR' || /^\+CM[ES] ERROR:/.test(l)) {
        t = l.substr(11).trim();
        return end(c, err(l == 'ERROR' ? 'E_ERROR' : 'E_CME', c.line + ': ' + l, { command: c.line, detail: t, result: /^\d+$/.test(t) ? +t : undefined }));
      }
      if (startsWith(l, c.finals)) {
        if (c.afterOk && ph != AFTER_OK) c.early_ = l;
        else end(c, null, l);
        return;
      }
      // 6
      if (c.prefix && ph != PROMPT && !l.indexOf(c.prefix)) return void c.lines.push(l);
    }
    // 7
    const up = l == 'RDY' || l == '+CFUN: 1';
    // (RDY starts a restart; its +CFUN: 1 comes soon after and must not fail what the resynchronised engine sends next)
    const reset = l == 'RDY' || (up ? Date.now() - boot > 3000 : / POWER DOWN$/.test(l));
    if (l == 'RDY') boot = Date.now();
    if (reset && !(c && c.i_)) {
      // (a boot line while probing: the probe goes on, its answer or timeout decides)
      state = 1;
      fail(c ? [c] : [], 'E_RESET', 'module reset (' + l + ')', l);
    }
    if (reset && at.onReset) at.onReset(l);
    // 8
    const sp = l.indexOf(' ');
    const hs = urcs[sp < 0 ? l : l.substr(0, sp)] || [];
    let claimed = reset || up;
    for (k = 0; k < hs.length; k++) if (!l.indexOf(hs[k].p)) (claimed = true), hs[k].f(l);
    if (claimed) return;
    // 9
    if (c && cur == c && (c.prefix === '' || (c.prefix == null && c.ph_ == SENT))) c.lines.push(l);
    else if (at.onLine) at.onLine(l);
  }

  /** Fails `first` and everything queued with error `code`. */
  function fail(first: any[], code: string, msg: string, detail?: any): void {
    const all = first.concat(queue.splice(0, queue.length));
    cur = null;
    cnt = 0;
    for (let i = 0; i < all.length; i++) end(all[i], err(code, msg, { command: all[i].line, detail: detail }));
  }

  /** Ends command `c`: failed with `e`, or done with final line `fin`; or, with fin 'T', its time ran out. */
  function end(c: any, e: MailError | null, fin?: string): void {
    const cb = c.cb_;
    if (!cb) return;
    if (fin == 'T') {
      if (c.ph_ == PROMPT) serial.write('\x1b');
      // a final that came without its OK: the answer stands, resync away the stray OK
      if (c.early_) state = 1;
      else e = err('E_TIMEOUT', c.line + ': no ' + (c.ph_ == AFTER_OK ? 'final after OK' : 'answer') + ' in time', { command: c.line });
      fin = c.early_;
    }
    c.cb_ = null;
    if (c == cur || !cur) {
      cur = null;
      cnt = 0; // the rest of its counted data, if any comes, is read as lines; resync copes
      clearTimeout(timer);
      // a command that failed on the wire may leave the module out of step
      if (e && !c.i_ && !/E_ERROR|E_CME/.test(e.code) && !state) state = 1;
    }
    c.final = fin;
    kick();
    if (at.onDone) at.onDone(c);
    try {
      cb(e, e ? undefined : c);
    } catch (x) {
      setTimeout(function () {
        throw x;
      }, 0);
    }
  }

  /** Writes the next command, or starts a resync when one is due and someone waits. */
  function kick(): void {
    if (state == 3 || cur) return;
    if (state == 1 && queue.length) return (state = 2), (probes = 0), synced(null, {});
    const c = queue[0];
    if (!c || (state && !c.i_)) return;
    queue.shift();
    cur = c;
    c.ph_ = c.prompt ? PROMPT : SENT;
    timer = setTimeout(end, c.timeout || o.timeout || 5000, c, null, 'T');
    serial.write(c.line + '\r');
  }

  /**
   * The resync, one probe at a time, each ending here: "ATE0V1" until OK (E_NORESPONSE after probeAttempts), then
   * "AT+CMEE=2" (refusing it is fine).
   */
  function synced(e: any, c?: any): void {
    if (state == 3) return;
    const l = e ? e.command : c.line;
    let next = 'ATE0V1';
    if (l == next) {
      if (!e) next = 'AT+CMEE=2';
      else if (++probes >= (o.probeAttempts || 5)) {
        state = 1;
        const x = err('E_NORESPONSE', 'no answer to AT (' + probes + ' tries)', { detail: probes });
        fail([], x.code, x.message, probes);
        if (at.onError) at.onError(x);
        return;
      }
    } else if (l && (!e || /E_ERROR|E_CME/.test(e.code))) next = '';
    if (next) queue.unshift({ line: next, timeout: o.probeTimeout || 1000, cb_: synced, i_: 1, lines: [] });
    else state = 0;
    kick();
  }

  /** A line too long for the buffer (internal), or bytes the board lost: the frame being read is void. */
  function overflow(internal?: any): void {
    if (!internal) (n = 0), (skip = !cnt);
    const e = err('E_OVERFLOW', 'a line over ' + buf.length + ' bytes' + (cur ? ' during ' + cur.line : ''), { command: cur && cur.line });
    if (cur) return end(cur, e);
    if (!state) state = 1;
    if (at.onError) at.onError(e);
    kick();
  }

  function send(c: any, cb: Callback): void {
    let e: any = state == 3 ? err('E_CLOSED', 'the engine is closed') : queue.length >= (o.maxQueue || 32) ? err('E_BUSY', 'too many commands queued') : null;
    // (the client encodes every value it writes: this only keeps a raw line from being several, or too long)
    if (!e && (c.payload != null && typeof c.payload != 'string' && !c.payload.subarray)) e = bad('payload', 'not a string or Uint8Array');
    if (!e && (typeof c.line != 'string' || !c.line || c.line.length > 556 || /[\x00-\x1f\x7f]/.test(c.line))) e = bad('command line', 'not 1-556 characters without control bytes');
    if (e) {
      e.command = c.line;
      return void setTimeout(cb, 0, e);
    }
    c.cb_ = cb;
    c.lines = [];
    c.early_ = c.counts = c.data = c.written = c.final = undefined;
    queue.push(c);
    kick();
  }

  function urc(p: string, f: (line: string) => void): void {
    const k = p.split(' ')[0];
    (urcs[k] = urcs[k] || []).push({ p: p, f: f });
  }

  function off(p: string, f: (line: string) => void): void {
    const hs = urcs[p.split(' ')[0]] || [];
    for (let i = 0; i < hs.length; i++) if (hs[i].p == p && hs[i].f == f) return void hs.splice(i, 1);
  }

  // (who waits for it waits for an "AT" queued behind it: it fails as the resync does)
  function resync(cb?: (err: MailError | null) => void): void {
    if (!state) state = 1;
    cb ? send({ line: 'AT' }, cb) : kick();
  }

  function close(): void {
    if (state == 3) return;
    state = 3;
    if (serial.removeListener) serial.removeListener('data', rx);
    fail(cur ? [cur] : [], 'E_CLOSED', 'the engine was closed');
  }

  // (last: Espruino does not hoist function declarations)
  const at: Engine = { send: send, urc: urc, off: off, resync: resync, overflow: overflow, close: close, rx: rx };
  serial.on('data', rx);
  return at;
}

/** true when `l` starts with one of `list` (undefined entries and lists never match). */
function startsWith(l: string, list?: (string | undefined)[]): boolean {
  if (list) for (let i = 0; i < list.length; i++) if (list[i] && !l.indexOf(list[i]!)) return true;
  return false;
}
