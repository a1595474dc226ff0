// The AT engine (Storage module "s9at"): one command on the wire at a time, responses framed from a UART byte
// stream. `connect(serial, options)` returns the engine; everything it needs lives in that call's closure, so the
// module costs almost nothing loaded and one engine a fixed amount (see README, "Memory habits").
//
// RECEIVE PATH (speed matters: a board is tens of times slower than a PC while 115200 baud brings a byte every
// 87 us, so there is no JS loop per received byte; how the interpreter spends its time is told in connect())
//  - Serial 'data' events carry binary strings. The listener passes a chunk that is all counted data (after e.g.
//    "+POP3READ: 1,1460") to the command's onData as it is: one compare and one call, no copy. Data is never scanned,
//    so it may hold any bytes ("OK", "ERROR", "+SMTPSEND: 1", "\r\n.\r\n", 0x00-0xFF), and is never kept.
//  - The answer of the command in flight is read line by line with String.indexOf('\r\n') (native), from an offset
//    into the chunk (a large chunk's rest is never copied); complete lines are cut with substring, counted data that
//    follows a header is passed on from the same chunk. With no command in flight (URCs, often several at once) a
//    chunk's lines come from one String.split.
//  - The unfinished end of a chunk (a partial line or a prompt) is kept as the tail, at most rxBufferSize bytes,
//    and joined with the next chunk. A line (with its CR) longer than rxBufferSize is an overflow (E_OVERFLOW for the
//    command in flight, the whole line dropped), never a cut line, whether it came in one chunk or in many.
//  - Espruino 2v29's String.indexOf also reports a match of only the needle's start at the very end of the string
//    ("ab\r".indexOf("\r\n") is 2): a CR as a chunk's last byte is therefore never taken for a CR LF.
//  - Lines are CR LF framed; empty lines are ignored. With echo on, the echo "AT...\r" + "\r\n" is a line equal to
//    the command line plus CR: recognised and ignored.
//
// WHAT A LINE MEANS (first match wins; the steps' lines are unlike each other, so the code tries the likeliest
// first: OK, then a header):
//  1. the echo of the command in flight                                   -> ignored
//  2. its prompt as a whole line (SIM800 "DOWNLOAD")                      -> payload written
//  3. a header of its counted data (Command.counted)                      -> the next n bytes are data
//  4. its write-on line (Command.writeOn, e.g. "+SMTPFT: 2,<n>")          -> exactly n payload bytes written
//  5. OK / ERROR / +CME ERROR: / +CMS ERROR: / one of Command.finals     -> ends it (or starts the wait after OK)
//  6. a line starting with Command.prefix (not '')                       -> collected into its lines
//  7. a reset line (RDY, +CFUN: 1, NORMAL / UNDER-VOLTAGE / OVER-VOLTAGE POWER DOWN) -> everything in flight or
//     queued fails with E_RESET, resync before the next command (a +CFUN: 1 within 3 s of an RDY is the same
//     restart: ignored); then, like any line:
//  8. URC handlers filed under the line's first four characters, matched by prefix (a prefix shorter than four
//     characters matches only the whole line)                           -> called
//  9. anything else: collected by a command with prefix '' (or none, before its OK), else given to onLine.
//  So URC handlers never swallow a final: "+SMTPSEND: 1" is the final of AT+SMTPSEND when it declares it, and a URC
//  otherwise. A prompt that ends no line ("\r\n> ") is seen at the end of the tail.
//
// COMMANDS end in exactly one callback (err, cmd): the command object comes back with its answer in lines (a counted
// header among them), final, data and written. Timeouts: Command.timeout until OK, finalTimeout for the wait after OK.
// After a timeout, an overflow, a protocol error or a reset, the engine resynchronises before it sends anything else:
// "ATE0V1" until OK (echo off and verbose result codes in one line, whatever the module's E/V state was), then
// "AT+CMEE=2" (errors as text). A fresh engine synchronises the same way before its first command.
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
  data?: string;
  /** bytes written on writeOn lines */
  written?: number;
}

export type Callback = (err: MailError | null, cmd?: Command) => void;

export interface EngineOptions {
  /** the longest line (with its CR) that can arrive, and the most of an unfinished line kept (the board's rxBufferSize) */
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
  /**
   * fn(line) for every unsolicited line starting with `prefix`; with remove, no longer. Handlers are filed under
   * their first four characters: a prefix shorter than that matches only a line that is exactly it.
   */
  urc(prefix: string, fn: (line: string) => void, remove?: boolean): void;
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

// phases of the command on the wire (a const enum: the numbers are written in place)
const enum Ph {
  SENT = 1,
  PROMPT = 2,
  AFTER_OK = 3,
}

export function connect(serial: SerialLike, options?: EngineOptions): Engine {
  // WHAT A CALL COSTS on Espruino (measured on the interpreter, see README "Receive speed"): the interpreter parses
  // every token of a function it calls, executed or not (a false if's block, the untaken side of ?:, && and ||, all
  // after a return); a string or array method, .length, or a property an object lacks is looked up through the global
  // scope and the built-ins, each costing about as much as a dozen tokens. So: the functions a chunk or a line runs
  // through hold only their usual case, rare ones are in functions of their own, and the hot path calls few methods.
  let cnt = 0; // counted bytes still to come, for cur
  let sink: any = null; // where they go: cur's onData, or null to keep them in cur.data
  let cur: any = null; // the command on the wire
  let tail = ''; // the unfinished line (or prompt) at the end of the last chunk
  let state = options && options.syncOnStart === false ? 0 : 1; // 0 in step, 1 needs a resync, 2 resynchronising, 3 closed
  let skip = false; // dropping the rest of a line that overflowed
  const urcs: any = {};
  let at: any = null; // the engine (made at the end, found early)

  // The serial 'data' listener: a chunk that is all counted data for an onData (most chunks of a POP3READ are) is
  // passed on as it is; more() does the rest.
  function rx(d: string): void {
    const k = d.length;
    if (k <= cnt && k && sink) return (cnt -= k), sink(d);
    cnt || cur ? more(d, 0, k) : lines(d);
  }

  /**
   * The answer of the command in flight, from d[p] (k = d's length): few lines, and counted data may follow any of
   * them, so line by line, reading d where it lies (a chunk can be large: the rest of it is never copied); odd()
   * does the rarer cases.
   */
  function more(d: string, p: number, k: number): void {
    if (!cnt && (tail || skip || state == 3 || !cur)) return odd(p ? d.substr(p) : d);
    let i: number;
    let l: string;
    let c: any;
    try {
      while (p < k) {
        if (cnt) {
          // counted data: to its end or the chunk's
          i = k - p < cnt ? k - p : cnt;
          l = p || i < k ? d.substr(p, i) : d;
          cnt -= i;
          p += i;
          sink ? sink(l) : (cur.data += l);
        }
        // then a line (a turn of this loop costs more than the lookups here: data and the line after it are read in
        // one turn, empty lines, one before every line of an answer, are passed over)
        i = d.indexOf('\r\n', p);
        while (i == p) i = d.indexOf('\r\n', (p += 2));
        if (i < 0 || i == k - 1) break; // (a match at the last byte is Espruino's indexOf quirk, see above)
        // (the two lines every command with counted data gets are taken here, the rest by line())
        if (i - p >= size) overflow(1);
        else {
          l = d.substring(p, i);
          c = cur;
          if (!c) line(l);
          else if (l == 'OK' && !c.afterOk) end(c, null, l);
          else if (c.ph_ == Ph.SENT && c.counted && !l.indexOf(c.counted[0])) header(c, l);
          else line(l);
        }
        p = i + 2;
      }
      // (a CR as the chunk's last byte was passed over as an empty line above: Espruino's indexOf quirk)
      if (p > k) p = k - 1;
      if (p < k) {
        if (k - p > size) return (skip = true), overflow(1);
        tail = p ? d.substr(p) : d;
        if (cur && cur.ph_ == Ph.PROMPT) odd(null);
      }
    } catch (x) {
      // a callback threw: the rest of this chunk is lost (resync copes), the listener stays; report it outside
      tail = '';
      setTimeout(function () {
        throw x;
      }, 0);
    }
  }

  /** The other cases of a chunk: after a partial line, an overflowed line being dropped, a prompt, a closed engine. */
  function odd(d: string | null): void {
    if (state == 3) return;
    if (d == null) {
      // a prompt that ends no line ends the tail
      const q = cur.prompt;
      if (q && tail.substr(tail.length - q.length) == q) (tail = ''), line(q);
      return;
    }
    if (tail) {
      d = tail + d;
      tail = '';
    }
    if (skip) {
      const j = d.indexOf('\n');
      if (j < 0) return;
      skip = false;
      d = d.substr(j + 1);
    }
    if (d) cur ? more(d, 0, d.length) : lines(d);
  }

  /**
   * Lines with no command in flight (URCs, often several): all of a chunk's in one native call. (A line with its CR
   * longer than the buffer is an overflow; only a chunk that long can hold one.)
   */
  function lines(d: string): void {
    if (tail) {
      d = tail + d;
      tail = '';
    }
    if (skip || state == 3) return odd(d);
    const big = d.length > size;
    try {
      const a = d.split('\r\n');
      const m = a.length - 1;
      for (let k = 0; k < m; k++) {
        if (a[k]) big && a[k].length >= size ? overflow(1) : line(a[k]);
        // a header (its command sent from a handler): the rest of the chunk is data (or begins with it)
        if (cnt) return rx(a.slice(k + 1).join('\r\n'));
      }
      if (a[m]) {
        if (big && a[m].length > size) return (skip = true), overflow(1);
        tail = a[m];
        if (cur && cur.ph_ == Ph.PROMPT) odd(null);
      }
    } catch (x) {
      // a callback threw: the rest of this chunk is lost (resync copes), the listener stays; report it outside
      tail = '';
      setTimeout(function () {
        throw x;
      }, 0);
    }
  }

  function line(l: string): void {
    // 1-6, for the command in flight
    if (cur && other(cur, l)) return;
    // 7, 8: the line's first four characters name its handlers; a boot line's too
    const w = l.substr(0, 4);
    let claimed = (w == 'RDY' || w == '+CFU' || w == 'NORM' || w == 'UNDE' || w == 'OVER') && restart(l);
    for (let h = urcs[w]; h; h = h.n) if (!l.indexOf(h.p)) (claimed = true), h.f(l);
    if (!claimed) {
      // 9: collected by a command that takes every line (or any, before its OK), else onLine's
      if (cur && (cur.prefix === '' || (cur.prefix == null && cur.ph_ == Ph.SENT))) cur.lines.push(l);
      else if (at.onLine) at.onLine(l);
    }
  }

  /** 3: a header of counted data. A write-on line (4) is read here too: its byte count is returned (-1, NaN: none). */
  function header(c: any, l: string): any {
    const t = l.substr(l.lastIndexOf(',') + 1).trim();
    const k = t ? +t : -1;
    c.lines.push(l);
    if (!c.counted) return k;
    if (k >= 0 && k % 1 == 0) {
      sink = c.onData || null;
      if (!sink && c.data == null) c.data = '';
      cnt = k;
      seen = -1;
      if (quiet < 0) {
        quiet = 0;
        setTimeout(overflow, (o.dataGap || 1500) / 4, 2);
      }
      return;
    }
    end(c, err('E_PROTOCOL', c.line + ': no byte count in ' + l, { command: c.line }));
  }

  /**
   * Steps 1-6 for command c (true when line l was its): a header, a write-on line, OK, errors, finals, the echo, the
   * prompt, collected lines. (The steps' lines are unlike each other, so the likeliest are tried first.)
   */
  function other(c: any, l: string): any {
    const ph = c.ph_;
    if (ph == Ph.SENT && startsWith(l, c.counted)) return header(c, l), 1;
    if (ph == Ph.SENT && c.writeOn && !l.indexOf(c.writeOn)) {
      // 4
      const k = header(c, l);
      const p = c.payload;
      const have = p ? p.length : 0;
      if (!(k >= 0) || k % 1 || k > have) return end(c, err('E_PROTOCOL', c.line + ': cannot write what ' + l + ' asks for (' + have + ' bytes given)', { command: c.line })), 1;
      if (k) {
        serial.write(k == have ? p : p.subarray ? p.subarray(0, k) : p.substr(0, k));
        c.written = (c.written || 0) + k;
      }
      return 1;
    }
    if (l == 'OK') {
      // 5; with a final to come: a final that came first ends it now; else the wait for it begins (a second OK
      // changes nothing)
      if (!c.afterOk) end(c, null, l);
      else if (c.early_) end(c, null, c.early_);
      else if (ph != Ph.AFTER_OK) {
        c.ph_ = Ph.AFTER_OK;
        clearTimeout(timer);
        timer = setTimeout(overflow, c.finalTimeout || o.finalTimeout || 60000, 3, c);
      }
      return 1;
    }
    if (l == 'ERROR' || !l.indexOf('+CME ERROR:') || !l.indexOf('+CMS ERROR:')) {
      const t = l.substr(11).trim();
      return end(c, err(l == 'ERROR' ? 'E_ERROR' : 'E_CME', c.line + ': ' + l, { command: c.line, detail: t, result: /^\d+$/.test(t) ? +t : undefined })), 1;
    }
    if (startsWith(l, c.finals)) {
      if (c.afterOk && ph != Ph.AFTER_OK) c.early_ = l;
      else end(c, null, l);
      return 1;
    }
    // 1
    if (l == c.line || l == c.line + '\r') return 1;
    if (ph == Ph.PROMPT) {
      if (l == c.prompt) {
        // 2
        c.ph_ = Ph.SENT;
        serial.write(c.payload == null ? '\x1b' : c.payload);
        if (c.payload != null && c.terminator) serial.write(c.terminator);
        return 1;
      }
    }
    // 6
    else if (c.prefix && !l.indexOf(c.prefix)) return c.lines.push(l), 1;
  }

  const o: EngineOptions = options || {};
  const size = o.rxBufferSize || 640;
  let seen = 0; // cnt at the gap check's last look (-1: a header came since)
  let quiet = -1; // looks since cnt last changed (-1: no gap check due)
  let boot = -9e9; // when the last RDY came
  let timer: any = null; // (never undefined: Espruino's clearTimeout(undefined) throws)
  const queue: any[] = [];
  let probes = 0;
  let valid: any = null; // the last command line found good

  /** A boot line (RDY, +CFUN: 1, ... POWER DOWN): true when it is one, after failing what it ends. */
  function restart(l: string): boolean {
    const up = l == 'RDY' || l == '+CFUN: 1';
    // (RDY starts a restart; its +CFUN: 1 comes soon after and must not fail what the resynchronised engine sends next)
    const reset = l == 'RDY' || (up ? Date.now() - boot > 3000 : / POWER DOWN$/.test(l));
    if (l == 'RDY') boot = Date.now();
    if (reset && !(cur && cur.cb_ == synced)) {
      // (a boot line while probing: the probe goes on, its answer or timeout decides)
      state = 1;
      fail('E_RESET', 'module reset (' + l + ')', l);
    }
    if (reset && at.onReset) at.onReset(l);
    return reset || up;
  }

  /** Fails the command in flight and everything queued with error `code`; without one, closes the engine (close()). */
  function fail(code?: string, msg?: string, detail?: any): void {
    if (!code) {
      if (state == 3) return;
      state = 3;
      if (serial.removeListener) serial.removeListener('data', rx);
      code = 'E_CLOSED';
      msg = 'the engine was closed';
    }
    const all = (cur ? [cur] : []).concat(queue.splice(0, queue.length));
    cur = null;
    cnt = 0;
    for (let i = 0; i < all.length; i++) end(all[i], err(code, msg!, { command: all[i].line, detail: detail }));
  }

  /** Ends command `c`: failed with `e`, or done with final line `fin` (its time running out is overflow(3, c)). */
  function end(c: any, e: MailError | null, fin?: string): void {
    const cb = c.cb_;
    if (!cb) return;
    c.cb_ = null;
    if (c == cur || !cur) {
      cur = null;
      cnt = 0; // the rest of its counted data, if any comes, is read as lines; resync copes
      sink = null; // (it may hold what the reader built: let it go)
      clearTimeout(timer);
      if (e) {
        // a command that failed on the wire may leave the module out of step
        if (cb != synced && !state && e.code != 'E_ERROR' && e.code != 'E_CME') state = 1;
      }
    }
    c.final = fin;
    if (queue.length) kick();
    if (at.onDone) at.onDone(c);
    try {
      cb(e, e ? undefined : c);
    } catch (x) {
      setTimeout(function () {
        throw x;
      }, 0);
    }
  }

  /**
   * Writes the next queued command, or starts a resync when one is due and someone waits. With `c` (a command send()
   * does not write at once), checks and queues it first.
   */
  function kick(c?: any): void {
    if (c) {
      const e = refusal(c, state, queue.length, o.maxQueue || 32);
      if (e) {
        const cb = c.cb_;
        c.cb_ = null;
        return void setTimeout(cb, 0, e);
      }
      valid = c.line;
      queue.push(c);
    }
    if (state == 3 || cur) return;
    if (state == 1 && queue.length) return (state = 2), (probes = 0), synced(null, {});
    c = queue[0];
    if (!c || (state && c.cb_ != synced)) return;
    queue.shift();
    cur = c;
    c.ph_ = c.prompt ? Ph.PROMPT : Ph.SENT;
    timer = setTimeout(overflow, c.timeout || o.timeout || 5000, 3, c);
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
        fail(x.code, x.message, probes);
        if (at.onError) at.onError(x);
        return;
      }
    } else if (l && (!e || e.code == 'E_ERROR' || e.code == 'E_CME')) next = '';
    if (next) queue.unshift({ line: next, timeout: o.probeTimeout || 1000, cb_: synced, lines: [] });
    else state = 0;
    kick();
  }

  /**
   * The frame being read is void: the board lost UART bytes (no argument), or a line was too long for the buffer
   * (1). With 3, command c's timer. With 2, the gap check, on its own timer every quarter of dataGap while counted data is due: data that did
   * not move for four looks (a module sends a read's data in one go, so it restarted) is taken for lost, and what
   * follows is read as lines.
   */
  function overflow(why?: number, c?: any): void {
    if (why == 3) {
      // command c's time ran out (if it is still on the wire)
      if (!c.cb_) return;
      let e: any = null;
      if (c.ph_ == Ph.PROMPT) serial.write('\x1b');
      // a final that came without its OK: the answer stands, resync away the stray OK
      if (c.early_) state = 1;
      else e = err('E_TIMEOUT', c.line + ': no ' + (c.ph_ == Ph.AFTER_OK ? 'final after OK' : 'answer') + ' in time', { command: c.line });
      return end(c, e, c.early_);
    }
    if (why == 2) {
      if (cnt && cnt != seen) (seen = cnt), (quiet = 0);
      else if (!cnt || ++quiet > 3) return void ((cnt = 0), (quiet = -1));
      return void setTimeout(overflow, (o.dataGap || 1500) / 4, 2);
    }
    if (!why) (tail = ''), (skip = !cnt);
    const e = err('E_OVERFLOW', 'a line over ' + size + ' bytes' + (cur ? ' during ' + cur.line : ''), { command: cur && cur.line });
    if (cur) return end(cur, e);
    if (!state) state = 1;
    if (at.onError) at.onError(e);
    kick();
  }

  function send(c: any, cb: Callback): void {
    // (the client encodes every value it writes: kick() only keeps a raw line from being several, or too long; a line
    // checked once is not checked again: a retrieve sends the same AT+POP3READ over and over. In step and with nothing
    // on the wire, nothing is queued: a command that ends starts the next)
    const fast = c.line === valid && !state && !cur && c.payload == null;
    c.cb_ = cb;
    c.lines = [];
    c.early_ = c.data = c.written = c.final = undefined;
    if (!fast) return kick(c);
    // (what kick() does to write it: a call and the reading of kick's body would cost more than these lines)
    cur = c;
    c.ph_ = c.prompt ? Ph.PROMPT : Ph.SENT;
    timer = setTimeout(overflow, c.timeout || o.timeout || 5000, 3, c);
    serial.write(c.line + '\r');
  }

  function urc(p: string, f: (line: string) => void, remove?: boolean): void {
    const k = p.substr(0, 4);
    let h = urcs[k];
    if (remove) {
      for (let b = null; h; b = h, h = h.n)
        if (h.p == p && h.f == f) {
          if (b) b.n = h.n;
          else if (h.n) urcs[k] = h.n;
          else delete urcs[k];
          return;
        }
      return;
    }
    const e = { p: p, f: f, n: null };
    if (!h) return void (urcs[k] = e);
    while (h.n) h = h.n;
    h.n = e;
  }

  // (who waits for it waits for an "AT" queued behind it: it fails as the resync does)
  function resync(cb?: (err: MailError | null) => void): void {
    if (!state) state = 1;
    cb ? send({ line: 'AT' }, cb) : kick();
  }

  // (last: Espruino does not hoist function declarations)
  at = { send: send, urc: urc, resync: resync, overflow: overflow, close: fail, rx: rx };
  serial.on('data', rx);
  return at;
}

/** Why command `c` cannot be sent (an error naming its command), or null. */
function refusal(c: any, state: number, queued: number, max: number): any {
  const p = c.payload;
  const e: any =
    state == 3
      ? err('E_CLOSED', 'the engine is closed')
      : queued >= max
        ? err('E_BUSY', 'too many commands queued')
        : p != null && typeof p != 'string' && !p.subarray
          ? bad('payload', 'not a string or Uint8Array')
          : typeof c.line != 'string' || !c.line || c.line.length > 556 || /[\x00-\x1f\x7f]/.test(c.line)
            ? bad('command line', 'not 1-556 characters without control bytes')
            : null;
  if (e) e.command = c.line;
  return e;
}

/** true when `l` starts with one of `list` (undefined entries and lists never match). */
function startsWith(l: string, list?: (string | undefined)[]): boolean {
  if (list) for (let i = 0; i < list.length; i++) if (list[i] && !l.indexOf(list[i]!)) return true;
  return false;
}
