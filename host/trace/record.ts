// Records an AT session for the trace page (html.ts): taps a Sim900Emulator's input (host -> module bytes) and
// output (module -> host bytes) and turns them into timed events: the host's command lines, the module's answers
// (information lines, final results, prompts), URCs and counted data, each labelled with the mail step it belongs to.
//
// What is counted data comes from the emulator itself, never from guessing at the bytes:
// - host side: the module's input mode when the bytes arrive ('ftdata'/'download': exactly dataNeed - dataLen
//   bytes are data; 'prompt': everything up to Ctrl-Z/ESC is body text; 'cmd': command lines);
// - module side: its framing "+POP3READ: <1|2>,<n>\r\n" + n raw bytes (commands/pop3read.ts), cut short when the
//   module resets in the middle ('reset' event: what is still queued is the last it sends before the boot URCs);
// - echo: the module echoes a command line (dropped from the trace) and, at the "> " prompt, the body bytes (as many
//   as the host typed while echo was on).
// Data is kept as sizes only, never its contents; long runs of attachment chunks or POP3 reads are folded into one
// run item that keeps its first and last events, so memory stays small whatever the session's length.

import { performance } from 'node:perf_hooks';
import type { Sim900Emulator } from '../emulator';

/** The mail steps, in the order a job goes through them. */
export type Step = 'bring-up' | 'bearer' | 'smtp-settings' | 'body' | 'send' | 'attachment' | 'pop3-login' | 'retrieve' | 'logout';

export const STEPS: { id: Step; label: string }[] = [
  { id: 'bring-up', label: 'bring-up' },
  { id: 'bearer', label: 'bearer (SAPBR)' },
  { id: 'smtp-settings', label: 'SMTP settings' },
  { id: 'body', label: 'body' },
  { id: 'send', label: 'send' },
  { id: 'attachment', label: 'attachment (SMTPFT)' },
  { id: 'pop3-login', label: 'POP3 log-in' },
  { id: 'retrieve', label: 'list/retrieve' },
  { id: 'logout', label: 'log-out' },
];

export type EventKind =
  | 'cmd' // a host command line
  | 'text' // host bytes that are no command (the module ignores them), or module bytes that are no line
  | 'info' // an information line answering the command
  | 'final' // OK, ERROR, +CME ERROR: ...
  | 'prompt' // "> " or DOWNLOAD
  | 'urc' // an unsolicited line
  | 'data' // counted data (or the body typed at the prompt): a size only
  | 'note'; // the emulator's own events: reset, power down

export interface TraceEvent {
  /** ms from the start of the recording (for data: its first byte) */
  t: number;
  /** for data: ms of its last byte */
  t1?: number;
  dir: 'host' | 'module' | 'note';
  kind: EventKind;
  /** what the page shows (any bytes; escaped by the renderer; data is described, never copied) */
  text: string;
  step: Step;
  /** counted bytes (data events) */
  bytes?: number;
  error?: boolean;
  warn?: boolean;
}

/** A folded run of counted-data cycles (attachment chunks, POP3 reads). */
export interface TraceRun {
  run: 'smtpft' | 'pop3read';
  step: Step;
  t: number;
  t1: number;
  /** data blocks in the run */
  blocks: number;
  /** counted bytes in the run */
  bytes: number;
  /** events folded into it */
  events: number;
  /** host commands among them */
  commands: number;
  /** the first events, then the last ones (all of them when there are at most HEAD + TAIL) */
  head: TraceEvent[];
  tail: TraceEvent[];
}

export type TraceItem = TraceEvent | TraceRun;

export function isRun(i: TraceItem): i is TraceRun {
  return (i as TraceRun).run !== undefined;
}

export interface TraceStats {
  /** wall-clock time of the start */
  started: Date;
  /** ms from the start to the last event */
  duration: number;
  commands: number;
  errors: number;
  warnings: number;
  hostBytes: number;
  moduleBytes: number;
  /** counted data host -> module (attachment, DOWNLOAD body) and module -> host (POP3READ) */
  dataUp: number;
  dataUpBlocks: number;
  dataDown: number;
  dataDownBlocks: number;
  /** events dropped at the front when the recording outgrew maxItems */
  dropped: number;
}

export interface RecorderOptions {
  /** show the passwords of AT+SMTPAUTH / AT+POP3SRV (default: "***") */
  showSecrets?: boolean;
  /** items kept at most; older ones are dropped (counted in stats.dropped). Default 20000. */
  maxItems?: number;
  /** called after each final result and each result URC (+SMTPSEND:, +POP3IN:, ...) */
  onFinal?: () => void;
  /** called after any new event */
  onEvent?: () => void;
}

const HEAD = 10;
const TAIL = 10;
const MAX_LINE = 2048;

/** The emulator's module state the recorder reads (never writes): input mode, counted bytes, echo, queued output. */
interface CoreView {
  mode: string;
  echo: boolean;
  dataNeed: number;
  dataLen: number;
  inbuf: Buffer;
  out: { pending: number };
}

function coreOf(emu: Sim900Emulator): CoreView | null {
  const m = (emu as unknown as { m?: CoreView }).m;
  return m && typeof m.mode === 'string' && m.out ? m : null;
}

/** The step a command line belongs to, by its command name. */
export function stepOfCommand(line: string): Step {
  const m = /^[^A-Za-z]*AT\s*(\+[A-Z0-9]+)?/i.exec(line);
  const name = m && m[1] ? m[1].toUpperCase() : '';
  if (name === '+SAPBR') return 'bearer';
  if (/^\+(EMAILCID|EMAILTO|EMAILSSL|SMTPSRV|SMTPAUTH|SMTPFROM|SMTPRCPT|SMTPSUB|SMTPCS|SMTPFILE)$/.test(name)) return 'smtp-settings';
  if (name === '+SMTPBODY') return 'body';
  if (name === '+SMTPSEND') return 'send';
  if (name === '+SMTPFT') return 'attachment';
  if (name === '+POP3SRV' || name === '+POP3IN') return 'pop3-login';
  if (/^\+POP3(NUM|LIST|UIDL|CMD|READ|DEL|RSET)$/.test(name)) return 'retrieve';
  if (name === '+POP3OUT') return 'logout';
  return 'bring-up';
}

const BOOT_URCS = /^(RDY|\+CFUN: 1|\+CPIN: READY|Call Ready|SMS Ready|NORMAL POWER DOWN)$/;

/** The step of an unsolicited line, or null when it belongs to whatever step is going on. */
function stepOfUrc(line: string): Step | null {
  if (/^\+SMTPSEND:/.test(line)) return 'send';
  if (/^\+SMTPFT:/.test(line)) return 'attachment';
  if (/^\+POP3IN:/.test(line)) return 'pop3-login';
  if (/^\+POP3OUT:/.test(line)) return 'logout';
  if (/^\+POP3(READ|NUM|LIST|UIDL|DEL|RSET|REST|CMD):/.test(line)) return 'retrieve';
  if (/^\+SAPBR \d: DEACT/.test(line)) return 'bearer';
  if (BOOT_URCS.test(line)) return 'bring-up';
  return null;
}

/** Lines the module sends on its own (after a command's final result, or unrelated to the command running). */
const URC_LINES = /^(\+SMTPSEND: |\+SMTPFT: 1,|\+POP3IN: |\+POP3OUT: |\+POP3READ: 3,|\+POP3(NUM|LIST|UIDL|DEL|RSET|REST|CMD): |\+SAPBR \d: DEACT|RING$|\+CMTI: |UNDER-VOLTAGE|OVER-VOLTAGE|RDY$|Call Ready$|SMS Ready$|NORMAL POWER DOWN$)/;

/** A result code in a result URC: "+SMTPSEND: 68" -> 68 */
function resultCode(line: string): number | null {
  const m = /^\+(SMTPSEND|POP3IN|POP3OUT): *(\d+)/.exec(line);
  return m ? Number(m[2]) : null;
}

/** Splits parameters at commas outside quotes. */
function splitParams(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let q = false;
  for (const c of s) {
    if (c === '"') q = !q;
    if (c === ',' && !q) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * Passwords masked as "***", in the host's commands and the module's read answers: AT+SMTPAUTH=<t>,<u>,<pw>,
 * AT+POP3SRV=<h>,<u>,<pw>,<port>, AT+SAPBR=3,<cid>,"PWD",<pw>; "+SMTPAUTH: ..." and "+POP3SRV: ..." the same; the
 * "PWD: <pw>" line of AT+SAPBR=4,<cid>.
 */
export function redactSecrets(line: string): string {
  if (/^PWD: ./.test(line)) return 'PWD: ***';
  const m = /^([^A-Za-z]*AT\s*\+(SMTPAUTH|POP3SRV|SAPBR)\s*=|\+(SMTPAUTH|POP3SRV): )(.*)$/i.exec(line);
  if (!m) return line;
  const parts = splitParams(m[4]);
  const sapbr = (m[2] || '').toUpperCase() === 'SAPBR';
  if (sapbr && !(parts.length > 3 && parts[0].trim() === '3' && /^\s*"?PWD"?\s*$/i.test(parts[2]))) return line;
  const at = sapbr ? 3 : 2;
  const v = parts.length > at ? parts[at].trim() : '';
  // (in the module's answers only a quoted value: "+SMTPAUTH: (0,1),32,32" is the test form's)
  if (v !== '' && v !== '""' && (m[2] || v.charAt(0) === '"')) parts[at] = '"***"';
  return m[1] + parts.join(',');
}

interface Pending {
  line: string;
  step: Step;
  /** the first command's name, "=" after it for a write form: "+SMTPBODY=" */
  name: string;
  /** the extended commands of the line: ["+EMAILCID", "+EMAILTO"] */
  names: string[];
}

/**
 * Records the session of `emu` from now on. The recorder wraps emu.input (so it must be made before whoever feeds
 * the emulator reads that property at call time: servePty, the sandbox's port, test helpers all do) and listens
 * to 'output' ahead of the other listeners.
 */
export class TraceRecorder {
  readonly started = new Date();
  private readonly t0 = performance.now();
  private readonly core: CoreView | null;
  private readonly opts: RecorderOptions;
  private readonly maxItems: number;
  private list: TraceItem[] = [];
  private open: TraceRun | null = null;
  private detached = false;
  private readonly stats_ = {
    commands: 0, errors: 0, warnings: 0, hostBytes: 0, moduleBytes: 0,
    dataUp: 0, dataUpBlocks: 0, dataDown: 0, dataDownBlocks: 0, dropped: 0, last: 0,
  };
  private lastStep: Step = 'bring-up';
  private sawCommand = false;
  private pending: Pending[] = [];

  // host side
  private hostLine = '';
  /** what the module echoes of the line being typed (with echo on) */
  private hostEcho = '';
  /** lines the module will echo, oldest first: dropped from its output */
  private echoLines: string[] = [];
  /** the last command line, for "A/" */
  private lastCmd: Pending | null = null;
  private hostData: { mode: string; t: number; t1: number; bytes: number; need: number } | null = null;
  private body: { t: number; bytes: number } | null = null;

  // module side
  private emitted = 0;
  private outState: 'line' | 'hdrlf' | 'data' = 'line';
  private outLine = '';
  private outLineT = 0;
  private outLineLong = 0;
  private data: { t: number; need: number; got: number; header: string } | null = null;
  private bodyEcho = 0;
  private cutAt: number | null = null;

  private wrapper: Sim900Emulator['input'] | null = null;
  private readonly onOutput = (b: Buffer) => this.output(b);
  private readonly onReset = () => this.reset('module reset');
  private readonly onPowerdown = () => this.note('module powered down', true);

  constructor(private readonly emu: Sim900Emulator, opts: RecorderOptions = {}) {
    this.opts = opts;
    this.maxItems = opts.maxItems ?? 20000;
    this.core = coreOf(emu);
    const orig = emu.input;
    this.wrapper = emu.input = (data: Buffer | Uint8Array | string) => {
      if (!this.detached) {
        try {
          this.input(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
        } catch {
          // the trace never breaks the session
        }
      }
      return orig.call(emu, data);
    };
    emu.prependListener('output', this.onOutput);
    emu.on('reset', this.onReset);
    emu.on('powerdown', this.onPowerdown);
  }

  /** Stops recording (the emulator goes on untraced). */
  detach(): void {
    if (this.detached) return;
    this.detached = true;
    // the prototype's input again, unless someone wrapped ours (then ours passes the bytes on untouched)
    if (this.emu.input === this.wrapper) delete (this.emu as unknown as { input?: unknown }).input;
    this.emu.off('output', this.onOutput);
    this.emu.off('reset', this.onReset);
    this.emu.off('powerdown', this.onPowerdown);
  }

  /** The items so far (a run still going on included). */
  items(): TraceItem[] {
    const l = this.list.slice();
    if (this.open) l.push(this.foldedRun(this.open));
    return l;
  }

  stats(): TraceStats {
    const s = this.stats_;
    return {
      started: this.started,
      duration: s.last,
      commands: s.commands,
      errors: s.errors,
      warnings: s.warnings,
      hostBytes: s.hostBytes,
      moduleBytes: s.moduleBytes,
      dataUp: s.dataUp,
      dataUpBlocks: s.dataUpBlocks,
      dataDown: s.dataDown,
      dataDownBlocks: s.dataDownBlocks,
      dropped: s.dropped,
    };
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  // ------------------------------------------------------------------ events and runs

  private runOf(e: TraceEvent): 'smtpft' | 'pop3read' | 'ok' | null {
    if (e.error || e.warn) return null;
    if (e.kind === 'final' && e.text === 'OK') return 'ok';
    if (e.kind === 'cmd' && /^AT\+SMTPFT=\s*0*[1-9]/i.test(e.text)) return 'smtpft';
    if ((e.kind === 'info' || e.kind === 'urc') && /^\+SMTPFT: [12],/.test(e.text)) return 'smtpft';
    if (e.kind === 'data' && e.dir === 'host' && e.step === 'attachment') return 'smtpft';
    if (e.kind === 'cmd' && /^AT\+POP3READ=/i.test(e.text)) return 'pop3read';
    if (e.kind === 'data' && e.dir === 'module') return 'pop3read';
    return null;
  }

  private add(e: TraceEvent): void {
    this.stats_.last = Math.max(this.stats_.last, e.t1 ?? e.t);
    if (e.error) this.stats_.errors++;
    if (e.warn) this.stats_.warnings++;
    if (e.kind === 'cmd') this.stats_.commands++;
    this.lastStep = e.step;
    const r = this.runOf(e);
    const o = this.open;
    if (o && r !== null && (r === 'ok' || r === o.run)) this.fold(o, e);
    else if (r !== null && r !== 'ok') {
      this.closeRun();
      this.open = { run: r, step: e.step, t: e.t, t1: e.t1 ?? e.t, blocks: 0, bytes: 0, events: 0, commands: 0, head: [], tail: [] };
      this.fold(this.open, e);
    } else {
      this.closeRun();
      this.push(e);
    }
    if (this.opts.onEvent) this.opts.onEvent();
  }

  private fold(o: TraceRun, e: TraceEvent): void {
    o.events++;
    if (e.kind === 'cmd') o.commands++;
    o.t1 = Math.max(o.t1, e.t1 ?? e.t);
    if (e.kind === 'data') {
      o.blocks++;
      o.bytes += e.bytes || 0;
    }
    if (o.head.length < HEAD) o.head.push(e);
    else {
      o.tail.push(e);
      if (o.tail.length > TAIL) o.tail.shift();
    }
  }

  private foldedRun(o: TraceRun): TraceRun {
    return { ...o, head: o.head.slice(), tail: o.tail.slice() };
  }

  private closeRun(): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    // a run of one or two blocks is shown as its events
    if (o.blocks <= 2 && o.events <= HEAD + TAIL) for (const e of o.head.concat(o.tail)) this.push(e);
    else this.push(o);
  }

  private push(i: TraceItem): void {
    this.list.push(i);
    if (this.list.length > this.maxItems) {
      const n = Math.ceil(this.maxItems / 4);
      this.list.splice(0, n);
      this.stats_.dropped += n;
    }
  }

  private note(text: string, warn: boolean): void {
    this.add({ t: this.now(), dir: 'note', kind: 'note', text, step: this.lastStep, warn });
  }

  private final(): void {
    if (this.opts.onFinal) this.opts.onFinal();
  }

  // ------------------------------------------------------------------ host -> module

  private input(b: Buffer): void {
    const t = this.now();
    this.stats_.hostBytes += b.length;
    const c = this.core;
    const mode = c ? c.mode : 'cmd';
    let i = 0;
    if (mode === 'off' || mode === 'boot') {
      this.add({ t, dir: 'host', kind: 'text', text: `${b.length} bytes while the module does not listen`, step: this.lastStep, warn: true });
      return;
    }
    if (c && (mode === 'ftdata' || mode === 'download')) {
      const need = Math.max(0, c.dataNeed - c.dataLen - c.inbuf.length);
      if (need > 0) {
        const h = (this.hostData = this.hostData || { mode, t, t1: t, bytes: 0, need: c.dataNeed });
        const take = Math.min(need, b.length);
        h.bytes += take;
        h.t1 = t;
        i = take;
        if (take === need) this.hostDataDone();
      }
    } else if (c && mode === 'prompt') {
      let j = 0;
      while (j < b.length && b[j] !== 0x1a && b[j] !== 0x1b) j++;
      const bd = (this.body = this.body || { t, bytes: 0 });
      bd.bytes += j;
      if (c.echo) this.bodyEcho += j;
      if (j === b.length) return;
      this.body = null;
      const step = this.pending.length ? this.pending[0].step : 'body';
      if (b[j] === 0x1a) this.add({ t: bd.t, t1: t, dir: 'host', kind: 'data', text: `body ${bd.bytes} bytes + Ctrl-Z`, bytes: bd.bytes, step });
      else this.add({ t: bd.t, t1: t, dir: 'host', kind: 'data', text: `ESC after ${bd.bytes} bytes of body (cancelled)`, bytes: bd.bytes, step });
      i = j + 1;
    }
    if (i < b.length) this.commandText(b.subarray(i), t);
  }

  private hostDataDone(): void {
    const h = this.hostData!;
    this.hostData = null;
    const attach = h.mode === 'ftdata';
    this.stats_.dataUp += h.bytes;
    this.stats_.dataUpBlocks++;
    this.add({
      t: h.t,
      t1: h.t1,
      dir: 'host',
      kind: 'data',
      text: attach ? `attachment data ${h.bytes} bytes` : `DOWNLOAD ${h.bytes} bytes`,
      bytes: h.bytes,
      step: attach ? 'attachment' : 'body',
    });
  }

  /** Command-line bytes, as the module reads them (LF at a line's start dropped, backspace edits, CR ends). */
  private commandText(b: Buffer, t: number): void {
    const echo = !!this.core && this.core.echo;
    for (let i = 0; i < b.length; i++) {
      const x = b[i];
      if (x === 0x0d) {
        this.hostLineDone(t, echo);
        continue;
      }
      if (x === 0x0a && this.hostLine.length === 0) continue;
      if (x === 0x1a || x === 0x1b || x === 0x00) continue;
      if (this.hostEcho.length < 4096) this.hostEcho += String.fromCharCode(x);
      if (x === 0x08) {
        this.hostLine = this.hostLine.slice(0, -1);
        continue;
      }
      if (this.hostLine.length < 4096) this.hostLine += String.fromCharCode(x);
      if (this.hostLine.length === 2 && this.hostLine.toUpperCase() === 'A/') this.hostLineDone(t, echo);
    }
  }

  private hostLineDone(t: number, echo: boolean): void {
    const raw = this.hostLine;
    this.hostLine = '';
    if (echo && this.hostEcho.length) {
      this.echoLines.push(this.hostEcho);
      if (this.echoLines.length > 32) this.echoLines.shift();
    }
    this.hostEcho = '';
    const l = raw.replace(/^[^A-Za-z]+/, '');
    if (l.toUpperCase() === 'A/' && this.lastCmd) {
      // the module runs its last command line again
      const p = this.lastCmd;
      this.pending.push(p);
      this.add({ t, dir: 'host', kind: 'cmd', text: `A/ (${p.line})`, step: p.step });
    } else if (l.length >= 2 && l.substring(0, 2).toUpperCase() === 'AT') {
      const line = this.opts.showSecrets ? l : redactSecrets(l);
      const step = stepOfCommand(l);
      const name = (/^AT\s*(\+[A-Z0-9]+)/i.exec(l) || ['', ''])[1].toUpperCase();
      const names = (l.replace(/"[^"]*"?/g, '').match(/\+[A-Z0-9]+/gi) || []).map((x) => x.toUpperCase());
      const p: Pending = { line, step, name: name + (/=/.test(l) ? '=' : ''), names };
      this.sawCommand = true;
      this.lastCmd = p;
      this.pending.push(p);
      this.add({ t, dir: 'host', kind: 'cmd', text: line, step });
    } else if (raw.length) {
      this.add({ t, dir: 'host', kind: 'text', text: `${raw.length} bytes that are no AT command (ignored by the module)`, step: this.lastStep, warn: true });
    }
    if (this.pending.length > 64) this.pending.shift();
  }

  // ------------------------------------------------------------------ module -> host

  private output(b: Buffer): void {
    if (this.detached) return;
    try {
      this.parseOutput(b);
    } catch {
      // the trace never breaks the session
    }
    this.emitted += b.length;
    this.stats_.moduleBytes += b.length;
  }

  private parseOutput(b: Buffer): void {
    const t = this.now();
    let i = 0;
    while (i < b.length) {
      if (this.cutAt !== null && this.emitted + i >= this.cutAt) this.cut(t);
      const limit = this.cutAt !== null && this.cutAt > this.emitted + i ? Math.min(b.length, this.cutAt - this.emitted) : b.length;
      if (this.bodyEcho > 0 && this.outState === 'line' && this.outLine.length === 0) {
        // the echo of the body typed at the "> " prompt (URCs are held then: nothing else comes between)
        const take = Math.min(this.bodyEcho, limit - i);
        this.bodyEcho -= take;
        i += take;
        continue;
      }
      switch (this.outState) {
        case 'data': {
          const d = this.data!;
          const take = Math.min(d.need - d.got, limit - i);
          d.got += take;
          i += take;
          if (d.got >= d.need) this.dataDone(t, false);
          break;
        }
        case 'hdrlf': {
          if (b[i] === 0x0a) i++;
          this.outState = this.data && this.data.need > 0 ? 'data' : 'line';
          if (this.outState === 'line') this.dataDone(t, false);
          break;
        }
        default: {
          for (; i < limit && this.outState === 'line'; i++) {
            const x = b[i];
            if (x === 0x0d || x === 0x0a) {
              if (this.outLine.length || this.outLineLong) this.lineDone(t);
              continue;
            }
            if (this.outLine.length === 0) this.outLineT = t;
            if (this.outLine.length < MAX_LINE) this.outLine += String.fromCharCode(x);
            else this.outLineLong++;
            if (this.outLine === '> ' && this.pending.length && /^\+SMTPBODY/.test(this.pending[0].name)) {
              this.outLine = '';
              this.add({ t, dir: 'module', kind: 'prompt', text: '> ', step: this.pending[0].step });
              i++;
              break;
            }
          }
        }
      }
    }
    if (this.cutAt !== null && this.emitted + b.length >= this.cutAt) this.cut(t);
  }

  private lineDone(t: number): void {
    const line = this.outLine;
    const long = this.outLineLong;
    this.outLine = '';
    this.outLineLong = 0;
    // the echo of a line the host typed (with echo on): the host's line is in the trace already
    const k = this.echoLines.indexOf(line);
    if (k >= 0 && k < 4) {
      this.echoLines.splice(0, k + 1);
      return;
    }
    // (the module never starts a line of its own with "AT": a piece of an echo)
    if (/^[^A-Za-z]*a[t/]/i.test(line)) return;
    const text = this.opts.showSecrets ? line : redactSecrets(line);
    const shown = long ? `${text} ... (+${long} bytes)` : text;
    const head = this.pending[0];
    const step = (urc: boolean) => (urc ? stepOfUrc(line) : null) || (head ? head.step : stepOfUrc(line) || this.lastStep);
    const ev = (kind: EventKind, st: Step, extra?: Partial<TraceEvent>): void => this.add({ t: this.outLineT, dir: 'module', kind, text: shown, step: st, ...extra });

    const rd = /^\+POP3READ: ([12]),(\d+)$/.exec(line);
    if (rd) {
      // the emulator's framing: the header's CR LF, then exactly n raw bytes
      this.data = { t: this.outLineT, need: Number(rd[2]), got: 0, header: line };
      this.outState = 'hdrlf';
      return;
    }
    if (/^(OK|ERROR|NO CARRIER)$/.test(line) || /^\+C[MS]E ERROR:/.test(line) || (head && /^[04]$/.test(line))) {
      const err = line !== 'OK' && line !== '0';
      this.pending.shift();
      ev('final', head ? head.step : this.lastStep, err ? { error: true } : undefined);
      this.final();
      return;
    }
    if (head && line === 'DOWNLOAD' && head.name === '+SMTPBODY=') {
      ev('prompt', head.step);
      return;
    }
    const known = URC_LINES.test(line) || this.emu.opts.faults.noiseUrcs.indexOf(line) >= 0;
    const other = /^(\+[A-Z0-9]+):/.exec(line);
    // unsolicited: nothing runs; or a known URC that is not the running command's answer; or another command's "+X:"
    const unsolicited = !head || (!this.answers(head, line) && (known || (other !== null && head.names.indexOf(other[1]) < 0)));
    if (unsolicited) {
      const code = resultCode(line);
      const extra: Partial<TraceEvent> = {};
      if (code !== null && code !== 1) extra.error = true;
      if (/^\+SAPBR \d: DEACT/.test(line)) extra.warn = true;
      if (line === 'RDY' && this.sawCommand) extra.warn = true;
      ev('urc', step(true), extra);
      if (code !== null) this.final();
      return;
    }
    ev('info', step(false));
  }

  /** true when `line` is the information answer of the running command (e.g. "+CREG: 0,1" to AT+CREG?) */
  private answers(p: Pending, line: string): boolean {
    const m = /^(\+[A-Z0-9]+):/.exec(line);
    if (!m) return false;
    if (/^\+SMTPFT: 1,/.test(line)) return false;
    return p.names.indexOf(m[1]) >= 0;
  }

  private dataDone(t: number, cut: boolean): void {
    const d = this.data!;
    this.data = null;
    this.outState = 'line';
    this.stats_.dataDown += d.got;
    this.stats_.dataDownBlocks++;
    const text = cut ? `${d.header} / data cut after ${d.got} of ${d.need} bytes` : d.need ? `${d.header} / data ${d.got} bytes` : d.header;
    this.add({ t: d.t, t1: t, dir: 'module', kind: 'data', text, bytes: d.got, step: 'retrieve', warn: cut || undefined });
  }

  /** The module's output ends here (reset): a counted block stops short, a half line ends. */
  private cut(t: number): void {
    this.cutAt = null;
    if (this.outState === 'data' || this.outState === 'hdrlf') this.dataDone(t, true);
    if (this.outLine.length) this.lineDone(t);
    this.outState = 'line';
    this.bodyEcho = 0;
  }

  private reset(text: string): void {
    this.note(text, true);
    this.pending = [];
    this.hostLine = '';
    this.hostEcho = '';
    this.echoLines = [];
    this.hostData = null;
    this.body = null;
    // what is still queued goes out before the module dies (resetAfter); a plain reset discarded it already
    const c = this.core;
    this.cutAt = this.emitted + (c ? c.out.pending : 0);
    if (c && c.out.pending === 0) this.cut(this.now());
  }
}

/** Starts recording `emu`'s session. */
export function recordSession(emu: Sim900Emulator, opts?: RecorderOptions): TraceRecorder {
  return new TraceRecorder(emu, opts);
}
