// A byte-level SIM900 emulator: AT command interpreter, bearer (AT+SAPBR), the e-mail command set of the SIM900
// Email AT Command Manual V1.02, real SMTP/POP3 over TCP, and seeded timing/fault injection.
// See README.md in this folder for the decisions taken where the manual is silent.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { splitCommands, parseParams, intParam, strParam, hasControl, Command, ExtendedCommand, Param } from './atparse';
import { EmulatorOptions, PartialOptions, resolveOptions } from './options';
import { Prng } from './prng';
import { OutputQueue } from './output';
import { SmtpSession } from './smtp';
import { Pop3Session } from './pop3';
import { NetFail } from './netline';
import { Recipient, MailSettings } from './compose';

type Mode = 'off' | 'boot' | 'cmd' | 'prompt' | 'download' | 'ftdata';

/** Result of one command of a command line. */
type Res =
  | { t: 'ok' }
  | { t: 'error' }
  | { t: 'cme'; code: number }
  | { t: 'data' } // entered a data phase: the final result comes later
  | { t: 'none' }; // no final result at all (power down, reset)

const OK: Res = { t: 'ok' };
const ERR: Res = { t: 'error' };
const DATA: Res = { t: 'data' };

const CME_TEXT: Record<number, string> = {
  3: 'operation not allowed',
  4: 'operation not supported',
  100: 'unknown',
};

const MAX_LINE = 556;

interface BearerProfile {
  status: number; // 0 connecting, 1 connected, 2 closing, 3 closed
  ip: string;
  params: Record<string, string>;
}

function freshBearer(): BearerProfile {
  return { status: 3, ip: '0.0.0.0', params: { CONTYPE: 'GPRS', APN: '', PHONENUM: '', USER: '', PWD: '', RATE: '2' } };
}

const SAPBR_TAGS = ['CONTYPE', 'APN', 'PHONENUM', 'USER', 'PWD', 'RATE'];

interface SmtpState {
  session: SmtpSession;
  encodeType: number;
  /** Set while the module waits for AT+SMTPFT (after "+SMTPFT: 1,<max>"). */
  ft: { resolve: () => void; reject: (f: NetFail) => void; timer: NodeJS.Timeout | null } | null;
  done: boolean;
}

interface ReadState {
  chunks: Buffer[];
  avail: number;
  complete: boolean;
  /** A read returned less than requested before the end: report new data with "+POP3READ: 3,<n>". */
  shortRead: boolean;
  lastRead: number;
  reminder: NodeJS.Timeout | null;
  /** Bytes received from the server but not yet "arrived" (downlink throttling). */
  incoming: Buffer[];
  endPending: boolean;
  throttle: NodeJS.Timeout | null;
}

interface Pop3State {
  session: Pop3Session;
  loggedIn: boolean;
  /** A POP3 command is on its way to the server (its URC not yet sent). */
  pending: boolean;
  read: ReadState | null;
}

interface EmailSettings {
  cid: number;
  timeout: number;
  smtpHost: string;
  smtpPort: number;
  authType: number;
  user: string;
  password: string;
  fromAddress: string;
  fromName: string;
  rcpts: Recipient[];
  subject: string;
  body: Buffer;
  charset: string;
  fileType: number;
  fileName: string;
  encodeType: number;
  pop3Host: string;
  pop3User: string;
  pop3Password: string;
  pop3Port: number;
}

function freshEmail(): EmailSettings {
  return {
    cid: 1,
    timeout: 30,
    smtpHost: '',
    smtpPort: 25,
    authType: 0,
    user: '',
    password: '',
    fromAddress: '',
    fromName: '',
    rcpts: [],
    subject: '',
    body: Buffer.alloc(0),
    charset: 'ASCII',
    fileType: 0,
    fileName: '',
    encodeType: 0,
    pop3Host: '',
    pop3User: '',
    pop3Password: '',
    pop3Port: 110,
  };
}

function isHex(s: string): boolean {
  return s.length % 2 === 0 && /^[0-9A-Fa-f]*$/.test(s);
}

function q(s: string): string {
  return '"' + s + '"';
}

export interface SentRecord {
  code: number;
  transcript: string[];
}

export class Sim900Emulator extends EventEmitter {
  readonly opts: EmulatorOptions;
  readonly rng: Prng;
  private out: OutputQueue;
  private mode: Mode = 'off';
  private inbuf: Buffer = Buffer.alloc(0);
  private line = '';
  private lastLine = '';
  private busy = false;
  private held: Buffer[] = [];
  private holdUrcs = 0;
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private generation = 0; // bumped at every reset: stale async work checks it

  // TA settings
  private echo = true;
  private verbose = true;
  private quiet = false;
  private cmee = 0;
  private ipr = 115200;
  private cfun = 1;
  private creg = 0;

  private bearers: BearerProfile[] = [freshBearer(), freshBearer(), freshBearer()];
  private email: EmailSettings = freshEmail();
  private smtp: SmtpState | null = null;
  private pop3: Pop3State | null = null;

  // data phases
  private dataBuf: Buffer[] = [];
  private dataLen = 0;
  private dataNeed = 0;
  private promptOverflow = false;
  private dataDone: ((b: Buffer) => void) | null = null;

  /** Host mistakes noticed by the emulator (input while busy, control characters in parameters, ...). */
  readonly violations: string[] = [];
  /** Results of every AT+SMTPSEND with the SMTP transcript. */
  readonly sends: SentRecord[] = [];
  /** Every POP3 TCP transcript line (C:/S:). */
  readonly pop3Transcript: string[] = [];

  constructor(options?: PartialOptions) {
    super();
    this.opts = resolveOptions(options);
    this.rng = new Prng(this.opts.seed);
    this.ipr = this.opts.baud > 0 ? this.opts.baud : 115200;
    this.out = new OutputQueue({ baud: this.opts.baud, chunkMax: this.opts.chunkMax }, this.rng, (b) => this.emit('output', b));
    if (this.opts.autoBoot) this.powerOn();
  }

  // ------------------------------------------------------------------ public API

  /** Host -> module bytes. */
  input(data: Buffer | Uint8Array | string): void {
    if (this.closed) return;
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    if (this.mode === 'off' || this.mode === 'boot') return; // not listening yet
    if (this.busy && this.mode === 'cmd') {
      const printable = b.toString('latin1').replace(/[\r\n]/g, '');
      if (printable.length > 0 || b.indexOf(0x0d) >= 0) this.violations.push('input while a command is executing');
      if (this.opts.busyInput === 'drop') return;
    }
    this.inbuf = this.inbuf.length ? Buffer.concat([this.inbuf, b]) : b;
    this.pump();
  }

  /** A Node Duplex stream: writes go to the module, module output is readable. */
  stream(): Duplex {
    const d = new Duplex({
      write: (chunk: Buffer, _enc, cb) => {
        this.input(chunk);
        cb();
      },
      read() {},
    });
    this.on('output', (b: Buffer) => d.push(b));
    return d;
  }

  /** Everything the module has sent so far. */
  get outputLog(): Buffer {
    return Buffer.concat(this.out.log);
  }

  /** Resolves when all queued output has been emitted. */
  drained(): Promise<void> {
    return this.out.idle();
  }

  get isReady(): boolean {
    return this.mode !== 'off' && this.mode !== 'boot';
  }

  /** Powers the module on (boot URCs follow). */
  powerOn(): void {
    if (this.closed) return;
    this.mode = 'boot';
    const gen = this.generation;
    const steps: string[] = this.opts.bootUrcs ? ['RDY', '+CFUN: 1', '+CPIN: READY', 'Call Ready', 'SMS Ready'] : [];
    const run = (i: number) => {
      if (gen !== this.generation || this.closed) return;
      if (i === 0 && this.opts.bootGarbage) this.out.push(Buffer.from([0x00, 0x49, 0x49, 0x49, 0x49, 0xff, 0xff, 0xff, 0xff]));
      if (i < steps.length) this.urc(steps[i]);
      if (i === 0) {
        this.mode = 'cmd';
        this.emit('ready');
      }
      if (i + 1 < steps.length) this.later(this.rng.range(this.opts.bootDelayMs), () => run(i + 1));
      else this.emit('booted');
    };
    this.later(this.rng.range(this.opts.bootDelayMs), () => run(0));
  }

  /** Module reset (e.g. brown-out or watchdog): sessions die silently, all settings are lost, boot URCs follow. */
  reset(): void {
    this.generation++;
    this.abortSessions(null);
    this.out.discard();
    this.held = [];
    this.resetState();
    this.emit('reset');
    this.powerOn();
  }

  /** The network drops the bearer: "+SAPBR <cid>: DEACT", and any e-mail session fails with 61. */
  /** true when bearer profile `cid` (1-3) is open (status 1) */
  bearerIsOpen(cid: number): boolean {
    const b = this.bearers[cid - 1];
    return !!b && b.status === 1;
  }

  loseBearer(cid?: number): void {
    const c = cid ?? this.email.cid;
    const b = this.bearers[c - 1];
    if (!b || b.status !== 1) return;
    b.status = 3;
    b.ip = '0.0.0.0';
    this.urc(`+SAPBR ${c}: DEACT`);
    if (c === this.email.cid) this.abortSessions(61);
  }

  /** Drops the TCP connection of the running SMTP/POP3 session (as a flaky network would). */
  dropTcp(): void {
    if (this.smtp) this.failSmtp(this.smtp, 63, 'TCP dropped (fault)');
    const p = this.pop3;
    if (p) {
      p.session.onLost = null;
      p.session.abort(63, 'TCP dropped (fault)');
      // a command on its way reports the failure itself; an idle session reports it now
      if (!p.pending || p.read) this.pop3Lost(p, 63);
    }
  }

  /** Sends an unsolicited result code now (held during data phases). */
  injectUrc(text: string): void {
    this.urc(text);
  }

  /** Stops all timers and sockets; the emulator is dead afterwards. */
  close(): void {
    this.closed = true;
    this.generation++;
    this.abortSessions(null);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.out.close();
    this.removeAllListeners('ready');
  }

  // ------------------------------------------------------------------ helpers: timers and output

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((r) => this.later(ms, r));
  }

  private get inDataPhase(): boolean {
    return this.mode === 'prompt' || this.mode === 'download' || this.mode === 'ftdata';
  }

  /** Pushes one atomic unit of output; a noise URC may precede it. */
  private unit(b: Buffer | string, lineUnit = true): void {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    if (lineUnit && !this.inDataPhase && this.rng.chance(this.opts.faults.noiseRate)) {
      const n = this.rng.pick(this.opts.faults.noiseUrcs);
      this.out.push(Buffer.from(`\r\n${n}\r\n`, 'latin1'));
    }
    this.out.push(buf);
  }

  private urc(text: string): void {
    if (this.mode === 'off') return;
    const b = Buffer.from(`\r\n${text}\r\n`, 'latin1');
    if (this.inDataPhase || this.holdUrcs > 0) this.held.push(b);
    else this.unit(b);
  }

  private flushHeld(): void {
    const h = this.held;
    this.held = [];
    for (const b of h) this.unit(b);
  }

  private info(lines: string[]): void {
    if (lines.length === 0) return;
    if (this.verbose) this.unit('\r\n' + lines.join('\r\n') + '\r\n');
    else this.unit(lines.join('\r\n') + '\r\n');
  }

  private final(r: Res): void {
    if (r.t === 'ok') {
      if (!this.quiet) this.unit(this.verbose ? '\r\nOK\r\n' : '0\r');
    } else if (r.t === 'error') {
      if (!this.quiet) this.unit(this.verbose ? '\r\nERROR\r\n' : '4\r');
    } else if (r.t === 'cme') {
      if (this.cmee === 0) this.final(ERR);
      else if (this.cmee === 1) this.unit(`\r\n+CME ERROR: ${r.code}\r\n`);
      else this.unit(`\r\n+CME ERROR: ${CME_TEXT[r.code] || 'unknown'}\r\n`);
    }
    this.flushHeld();
  }

  private echoBytes(s: string): void {
    if (this.echo && s.length) this.out.push(Buffer.from(s, 'latin1'));
  }

  // ------------------------------------------------------------------ input state machine

  private pump(): void {
    while (this.inbuf.length > 0 && !this.busy && !this.closed) {
      switch (this.mode) {
        case 'cmd':
          this.pumpCommand();
          break;
        case 'prompt':
          this.pumpPrompt();
          break;
        case 'download':
        case 'ftdata':
          this.pumpCounted();
          break;
        default:
          this.inbuf = Buffer.alloc(0);
          return;
      }
    }
  }

  private pumpCommand(): void {
    const b = this.inbuf;
    let echoed = '';
    let i = 0;
    for (; i < b.length; i++) {
      const c = b[i];
      if (c === 0x0d) {
        echoed += '\r';
        i++;
        break;
      }
      if (c === 0x0a && this.line.length === 0) continue; // LF after CR / blank line
      if (c === 0x1a || c === 0x1b || c === 0x00) continue;
      if (c === 0x08) {
        if (this.line.length) this.line = this.line.substring(0, this.line.length - 1);
        echoed += '\b';
        continue;
      }
      if (this.line.length < 4096) this.line += String.fromCharCode(c);
      echoed += String.fromCharCode(c);
      if (this.line.length === 2 && this.line.toUpperCase() === 'A/') {
        // "A/" repeats the last command line, without a CR.
        i++;
        this.echoBytes(echoed);
        this.inbuf = b.subarray(i);
        this.line = '';
        this.runLine(this.lastLine);
        return;
      }
    }
    this.echoBytes(echoed);
    this.inbuf = b.subarray(i);
    if (echoed.endsWith('\r')) {
      const l = this.line;
      this.line = '';
      this.runLine(l);
    }
  }

  private pumpPrompt(): void {
    const b = this.inbuf;
    let i = 0;
    for (; i < b.length; i++) if (b[i] === 0x1a || b[i] === 0x1b) break;
    const chunk = b.subarray(0, i);
    if (chunk.length) {
      this.echoBytes(chunk.toString('latin1'));
      if (this.dataLen + chunk.length > this.opts.maxima.body) this.promptOverflow = true;
      if (!this.promptOverflow) {
        this.dataBuf.push(Buffer.from(chunk));
        this.dataLen += chunk.length;
      }
    }
    if (i >= b.length) {
      this.inbuf = Buffer.alloc(0);
      return;
    }
    const term = b[i];
    this.inbuf = b.subarray(i + 1);
    const body = Buffer.concat(this.dataBuf);
    this.dataBuf = [];
    this.dataLen = 0;
    this.mode = 'cmd';
    if (term === 0x1b) {
      // ESC cancels: the stored body stays as it was.
      this.final(OK);
      return;
    }
    if (this.promptOverflow || !this.bodyValid(body)) {
      this.final(ERR);
      return;
    }
    this.email.body = body;
    this.final(OK);
  }

  private pumpCounted(): void {
    const need = this.dataNeed - this.dataLen;
    const take = Math.min(need, this.inbuf.length);
    this.dataBuf.push(Buffer.from(this.inbuf.subarray(0, take)));
    this.dataLen += take;
    this.inbuf = this.inbuf.subarray(take);
    if (this.dataLen >= this.dataNeed) {
      const all = Buffer.concat(this.dataBuf);
      this.dataBuf = [];
      this.dataLen = 0;
      const done = this.dataDone!;
      this.dataDone = null;
      this.mode = 'cmd';
      done(all);
    }
  }

  private bodyValid(body: Buffer): boolean {
    if (this.email.charset.toUpperCase() === 'ASCII') return true;
    return isHex(body.toString('latin1'));
  }

  // ------------------------------------------------------------------ command execution

  private runLine(raw: string): void {
    // Strip anything before the "AT" prefix that is not text (line noise, 0xFF sync bytes).
    const l = raw.replace(/^[^A-Za-z]+/, '');
    if (l.length < 2 || l.substring(0, 2).toUpperCase() !== 'AT') return; // not a command: ignored
    this.lastLine = l;
    const rest = l.substring(2);
    if (rest.length > MAX_LINE) {
      this.final(ERR);
      return;
    }
    const cmds = splitCommands(rest);
    if (!cmds) {
      this.final(ERR);
      return;
    }
    this.busy = true;
    const gen = this.generation;
    this.execAll(cmds)
      .then((r) => {
        if (gen !== this.generation) return;
        if (r.t !== 'data' && r.t !== 'none') this.final(r);
      })
      .catch((e) => {
        if (gen !== this.generation) return;
        this.violations.push('internal error: ' + (e && e.message));
        this.final(ERR);
      })
      .finally(() => {
        if (gen !== this.generation) return;
        this.busy = false;
        this.pump();
      });
  }

  private async execAll(cmds: Command[]): Promise<Res> {
    if (cmds.length === 0) return OK;
    // A command that opens a data phase (prompt, DOWNLOAD, attachment bytes) must end the line.
    for (let i = 0; i < cmds.length - 1; i++) {
      const c = cmds[i];
      if (c.kind === 'ext' && (c.name === '+SMTPBODY' || c.name === '+SMTPFT') && c.form !== 'test') return ERR;
    }
    for (let i = 0; i < cmds.length; i++) {
      const c = cmds[i];
      if (this.pop3 && this.pop3.read && !this.allowedDuringRead(c)) return ERR;
      const r = c.kind === 'basic' ? this.basic(c.name, c.arg) : await this.extended(c);
      if (r.t === 'data' && i !== cmds.length - 1) return ERR;
      if (r.t !== 'ok') return r;
    }
    return OK;
  }

  private allowedDuringRead(c: Command): boolean {
    return c.kind === 'ext' && (c.name === '+POP3READ' || c.name === '+POP3OUT');
  }

  private basic(name: string, arg: string): Res {
    const n = arg === '' ? 0 : parseInt(arg, 10);
    switch (name) {
      case 'E':
        if (n > 1) return ERR;
        this.echo = n === 1;
        return OK;
      case 'V':
        if (n > 1) return ERR;
        this.verbose = n === 1;
        return OK;
      case 'Q':
        if (n > 1) return ERR;
        this.quiet = n === 1;
        return OK;
      case 'I':
        this.info([`SIM900 R11.0`]);
        return OK;
      case 'Z':
      case '&F':
      case '&W':
      case '&V':
      case 'X':
      case 'L':
      case 'M':
        return OK;
      case '&D':
      case '&C':
        return n > 2 ? ERR : OK;
      case 'S3':
        return arg === '?' ? (this.info(['013']), OK) : arg === '=13' || arg === '' ? OK : ERR;
      case 'S4':
        return arg === '?' ? (this.info(['010']), OK) : arg === '=10' || arg === '' ? OK : ERR;
      case 'S5':
        return arg === '?' ? (this.info(['008']), OK) : OK;
      case 'S0':
        return arg === '?' ? (this.info(['000']), OK) : OK;
      default:
        return ERR;
    }
  }

  private params(c: ExtendedCommand): Param[] | null {
    const p = parseParams(c.raw);
    if (!p) return null;
    for (const x of p) {
      if (hasControl(x.value)) {
        this.violations.push(`control character in a parameter of ${c.name}`);
        return null;
      }
    }
    return p;
  }

  private async extended(c: ExtendedCommand): Promise<Res> {
    switch (c.name) {
      case '+GSV':
        if (c.form !== 'exec') return ERR;
        this.info(['SIMCOM_Ltd', 'SIMCOM_SIM900', 'Revision:' + this.opts.revision]);
        return OK;
      case '+CGMI':
      case '+GMI':
        return this.simpleInfo(c, 'SIMCOM_Ltd');
      case '+CGMM':
      case '+GMM':
        return this.simpleInfo(c, 'SIMCOM_SIM900');
      case '+CGMR':
      case '+GMR':
        return this.simpleInfo(c, 'Revision:' + this.opts.revision);
      case '+CGSN':
      case '+GSN':
        return this.simpleInfo(c, '861234567890123');
      case '+CSQ':
        if (c.form === 'test') return this.infoOk('+CSQ: (0-31,99),(0-7,99)');
        if (c.form !== 'exec') return ERR;
        return this.infoOk('+CSQ: ' + this.opts.csq);
      case '+CPIN':
        if (c.form === 'read') return this.infoOk('+CPIN: READY');
        if (c.form === 'test') return OK;
        return { t: 'cme', code: 3 };
      case '+CREG':
        if (c.form === 'read') return this.infoOk(`+CREG: ${this.creg},${this.cfun === 1 ? 1 : 0}`);
        if (c.form === 'test') return this.infoOk('+CREG: (0-2)');
        if (c.form === 'write') {
          const v = intParam((this.params(c) || [])[0]);
          if (v === null || v > 2) return ERR;
          this.creg = v;
          return OK;
        }
        return ERR;
      case '+CGATT':
        if (c.form === 'read') return this.infoOk(`+CGATT: ${this.cfun === 1 ? 1 : 0}`);
        if (c.form === 'test') return this.infoOk('+CGATT: (0,1)');
        if (c.form === 'write') {
          const v = intParam((this.params(c) || [])[0]);
          return v === 0 || v === 1 ? OK : ERR;
        }
        return ERR;
      case '+CMEE':
        if (c.form === 'read') return this.infoOk(`+CMEE: ${this.cmee}`);
        if (c.form === 'test') return this.infoOk('+CMEE: (0-2)');
        if (c.form === 'write') {
          const v = intParam((this.params(c) || [])[0]);
          if (v === null || v > 2) return ERR;
          this.cmee = v;
          return OK;
        }
        return ERR;
      case '+IPR':
        return this.ipr_(c);
      case '+CFUN':
        return this.cfun_(c);
      case '+CPOWD':
        return this.cpowd(c);
      case '+CIURC':
        if (c.form === 'read') return this.infoOk('+CIURC: 1');
        return c.form === 'exec' ? ERR : OK;
      case '+SAPBR':
        return this.sapbr(c);
      case '+EMAILCID':
        return this.emailcid(c);
      case '+EMAILTO':
        return this.emailto(c);
      case '+SMTPSRV':
        return this.smtpsrv(c);
      case '+SMTPAUTH':
        return this.smtpauth(c);
      case '+SMTPFROM':
        return this.smtpfrom(c);
      case '+SMTPRCPT':
        return this.smtprcpt(c);
      case '+SMTPSUB':
        return this.smtpsub(c);
      case '+SMTPBODY':
        return this.smtpbody(c);
      case '+SMTPFILE':
        return this.smtpfile(c);
      case '+SMTPSEND':
        return this.smtpsend(c);
      case '+SMTPFT':
        return this.smtpft(c);
      case '+SMTPCS':
        return this.smtpcs(c);
      case '+POP3SRV':
        return this.pop3srv(c);
      case '+POP3IN':
        return this.pop3in(c);
      case '+POP3NUM':
        return this.pop3simple(c, 'NUM');
      case '+POP3LIST':
        return this.pop3simple(c, 'LIST');
      case '+POP3UIDL':
        return this.pop3simple(c, 'UIDL');
      case '+POP3DEL':
        return this.pop3simple(c, 'DEL');
      case '+POP3RSET':
        return this.pop3simple(c, 'RSET');
      case '+POP3CMD':
        return this.pop3cmd(c);
      case '+POP3READ':
        return this.pop3read(c);
      case '+POP3OUT':
        return this.pop3out(c);
      default:
        return ERR;
    }
  }

  private infoOk(line: string): Res {
    this.info([line]);
    return OK;
  }

  private simpleInfo(c: ExtendedCommand, text: string): Res {
    if (c.form === 'test') return OK;
    if (c.form !== 'exec') return ERR;
    return this.infoOk(text);
  }

  // ------------------------------------------------------------------ basic module commands

  private ipr_(c: ExtendedCommand): Res {
    const rates = [0, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
    if (c.form === 'read') return this.infoOk(`+IPR: ${this.ipr}`);
    if (c.form === 'test') return this.infoOk(`+IPR: (),(${rates.join(',')})`);
    if (c.form !== 'write') return ERR;
    const v = intParam((this.params(c) || [])[0]);
    if (v === null || rates.indexOf(v) < 0) return ERR;
    this.ipr = v;
    // The new rate applies after the OK: pace from then on (when pacing is on).
    if (this.opts.baud > 0 && v > 0) {
      this.final(OK);
      this.out.setBaud(v);
      return { t: 'none' };
    }
    return OK;
  }

  private cfun_(c: ExtendedCommand): Res {
    if (c.form === 'read') return this.infoOk(`+CFUN: ${this.cfun}`);
    if (c.form === 'test') return this.infoOk('+CFUN: (0,1,4),(0,1)');
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p) return ERR;
    const fun = intParam(p[0]);
    const rst = p.length > 1 ? intParam(p[1]) : 0;
    if (fun === null || [0, 1, 4].indexOf(fun) < 0 || rst === null || rst > 1 || p.length > 2) return ERR;
    if (rst === 1) {
      this.final(OK);
      const gen = this.generation;
      this.later(50, () => {
        if (gen === this.generation) this.reset();
      });
      return { t: 'none' };
    }
    this.cfun = fun;
    if (fun !== 1) for (let i = 1; i <= 3; i++) this.loseBearer(i);
    return OK;
  }

  private cpowd(c: ExtendedCommand): Res {
    if (c.form === 'test') return this.infoOk('+CPOWD: (0,1)');
    if (c.form !== 'write') return ERR;
    const v = intParam((this.params(c) || [])[0]);
    if (v !== 0 && v !== 1) return ERR;
    this.generation++;
    this.abortSessions(null);
    if (v === 1) this.unit('\r\nNORMAL POWER DOWN\r\n');
    this.resetState();
    this.mode = 'off';
    this.emit('powerdown');
    return { t: 'none' };
  }

  private resetState(): void {
    this.echo = true;
    this.verbose = true;
    this.quiet = false;
    this.cmee = 0;
    this.cfun = 1;
    this.creg = 0;
    this.bearers = [freshBearer(), freshBearer(), freshBearer()];
    this.email = freshEmail();
    this.smtp = null;
    this.pop3 = null;
    this.inbuf = Buffer.alloc(0);
    this.line = '';
    this.busy = false;
    this.dataBuf = [];
    this.dataLen = 0;
    this.dataDone = null;
    this.held = [];
    this.holdUrcs = 0;
  }

  // ------------------------------------------------------------------ AT+SAPBR

  private async sapbr(c: ExtendedCommand): Promise<Res> {
    const sim800 = this.opts.dialect === 'sim800';
    if (c.form === 'test') return this.infoOk(`+SAPBR: (0-${sim800 ? 4 : 5}),(1-3), "ConParamTag","ConParamValue"`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 2) return ERR;
    const type = intParam(p[0]);
    const cid = intParam(p[1]);
    if (type === null || cid === null || cid < 1 || cid > 3) return ERR;
    const b = this.bearers[cid - 1];
    switch (type) {
      case 0: {
        if (p.length !== 2) return ERR;
        if (b.status !== 1) return ERR;
        b.status = 2;
        const gen = this.generation;
        await this.sleep(this.rng.range(this.opts.sapbrCloseDelayMs));
        if (gen !== this.generation) return { t: 'none' };
        b.status = 3;
        b.ip = '0.0.0.0';
        if (cid === this.email.cid) this.abortSessions(61);
        return OK;
      }
      case 1: {
        if (p.length !== 2) return ERR;
        if (b.status === 1) return { t: 'cme', code: 3 };
        if (b.status !== 3) return ERR;
        if (this.cfun !== 1) return ERR;
        b.status = 0;
        const gen = this.generation;
        await this.sleep(this.rng.range(this.opts.sapbrOpenDelayMs));
        if (gen !== this.generation) return { t: 'none' };
        if (this.opts.sapbrOpenFails) {
          b.status = 3;
          return ERR;
        }
        b.status = 1;
        b.ip = this.opts.bearerIp || `10.${this.rng.int(1, 254)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}`;
        return OK;
      }
      case 2:
        if (p.length !== 2) return ERR;
        return this.infoOk(`+SAPBR: ${cid},${b.status},"${b.status === 1 ? b.ip : '0.0.0.0'}"`);
      case 3: {
        if (p.length !== 4) return ERR;
        const tag = (strParam(p[2]) || '').toUpperCase();
        const val = strParam(p[3]);
        if (SAPBR_TAGS.indexOf(tag) < 0 || val === null) return ERR;
        if (tag === 'CONTYPE' && ['GPRS', 'CSD'].indexOf(val.toUpperCase()) < 0) return ERR;
        if (tag === 'RATE' && !/^[0-3]$/.test(val)) return ERR;
        if (tag === 'APN' && val.length > 64) return ERR;
        if ((tag === 'USER' || tag === 'PWD') && val.length > 32) return ERR;
        b.params[tag] = tag === 'CONTYPE' ? val.toUpperCase() : val;
        return OK;
      }
      case 4: {
        if (p.length !== 2) return ERR;
        // The real SIM900 (FACTS 1.3, T07) prints a multi-line block, not "+SAPBR: tag,value".
        const lines = ['+SAPBR:'];
        for (const t of SAPBR_TAGS) lines.push(`${t}: ${b.params[t]}`);
        this.info(lines);
        return OK;
      }
      case 5:
        if (sim800 || p.length !== 2) return ERR;
        return OK;
      default:
        return ERR;
    }
  }

  private bearerOpen(): boolean {
    const b = this.bearers[this.email.cid - 1];
    return !!b && b.status === 1;
  }

  // ------------------------------------------------------------------ e-mail settings

  private maxLenOk(s: string, max: number): boolean {
    return s.length <= max;
  }

  private emailcid(c: ExtendedCommand): Res {
    if (c.form === 'test') return this.infoOk('+EMAILCID: (1-3)');
    if (c.form === 'read') return this.infoOk(`+EMAILCID: ${this.email.cid}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const v = intParam(p[0]);
    if (v === null || v < 1 || v > 3) return ERR;
    this.email.cid = v;
    return OK;
  }

  private emailto(c: ExtendedCommand): Res {
    if (c.form === 'test') return this.infoOk('+EMAILTO: (10-120)');
    if (c.form === 'read') return this.infoOk(`+EMAILTO: ${this.email.timeout}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const v = intParam(p[0]);
    if (v === null || v < 10 || v > 120) return ERR;
    this.email.timeout = v;
    return OK;
  }

  private smtpsrv(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPSRV: ${m.smtpServer},(1-65535)`);
    if (c.form === 'read') return this.infoOk(`+SMTPSRV: ${q(this.email.smtpHost)},${this.email.smtpPort}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 1 || p.length > 2) return ERR;
    const host = strParam(p[0]);
    if (!host || !this.maxLenOk(host, m.smtpServer) || /\s/.test(host)) return ERR;
    let port = 25;
    if (p.length === 2) {
      const v = intParam(p[1]);
      if (v === null || v < 1 || v > 65535) return ERR;
      port = v;
    }
    this.email.smtpHost = host;
    this.email.smtpPort = port;
    return OK;
  }

  private smtpauth(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPAUTH: (0,1),${m.userName},${m.password}`);
    if (c.form === 'read') return this.infoOk(`+SMTPAUTH: ${this.email.authType},${q(this.email.user)},${q(this.email.password)}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 1) return ERR;
    const t = intParam(p[0]);
    if (t === 0 && p.length === 1) {
      this.email.authType = 0;
      this.email.user = '';
      this.email.password = '';
      return OK;
    }
    if (t !== 1 || p.length !== 3) return ERR;
    const u = strParam(p[1]);
    const pw = strParam(p[2]);
    if (!u || pw === null || !this.maxLenOk(u, m.userName) || !this.maxLenOk(pw, m.password)) return ERR;
    this.email.authType = 1;
    this.email.user = u;
    this.email.password = pw;
    return OK;
  }

  private smtpfrom(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPFROM: ${m.senderAddress},${m.senderName}`);
    if (c.form === 'read') return this.infoOk(`+SMTPFROM: ${q(this.email.fromAddress)},${q(this.email.fromName)}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 1 || p.length > 2) return ERR;
    const a = strParam(p[0]);
    const n = p.length > 1 ? strParam(p[1]) ?? '' : '';
    if (!a || !this.maxLenOk(a, m.senderAddress) || !this.maxLenOk(n, m.senderName) || /[\s<>]/.test(a)) return ERR;
    this.email.fromAddress = a;
    this.email.fromName = n;
    return OK;
  }

  private smtprcpt(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPRCPT: (0-2),(0-${m.rcptIndexMax}),${m.rcptAddress},${m.rcptName}`);
    if (c.form === 'read') {
      const list = this.email.rcpts
        .slice()
        .sort((a, b) => a.type - b.type || a.index - b.index)
        .map((r) => `+SMTPRCPT: ${r.type},${r.index},${q(r.address)},${q(r.name)}`);
      this.info(list);
      return OK;
    }
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 1 || p.length > 4) return ERR;
    const type = intParam(p[0]);
    if (type === null || type > 2) return ERR;
    if (p.length === 1) {
      this.email.rcpts = this.email.rcpts.filter((r) => r.type !== type);
      return OK;
    }
    const index = intParam(p[1]);
    if (index === null || index > m.rcptIndexMax) return ERR;
    if (p.length === 2) {
      this.email.rcpts = this.email.rcpts.filter((r) => !(r.type === type && r.index === index));
      return OK;
    }
    const a = strParam(p[2]);
    const n = p.length > 3 ? strParam(p[3]) ?? '' : '';
    if (!a || !this.maxLenOk(a, m.rcptAddress) || !this.maxLenOk(n, m.rcptName) || /[\s<>,]/.test(a)) return ERR;
    this.email.rcpts = this.email.rcpts.filter((r) => !(r.type === type && r.index === index));
    this.email.rcpts.push({ type, index, address: a, name: n });
    return OK;
  }

  private smtpsub(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPSUB: ${m.subject}`);
    if (c.form === 'read') return this.infoOk(`+SMTPSUB: ${q(this.email.subject)}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const s = strParam(p[0]) ?? '';
    if (!this.maxLenOk(s, m.subject)) return ERR;
    if (this.email.charset.toUpperCase() !== 'ASCII') {
      if (!isHex(s)) return ERR;
      const dec = Buffer.from(s, 'hex');
      if (dec.some((x) => x < 0x20 || x === 0x7f)) {
        this.violations.push('control character in the hex subject');
        return ERR;
      }
    }
    this.email.subject = s;
    return OK;
  }

  private smtpbody(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPBODY: ${m.body}`);
    if (this.opts.dialect === 'sim900') {
      // Execution form (the manual writes it "AT+SMTPBODY=" and its example "AT+SMTPBODY").
      if (c.form !== 'exec' && !(c.form === 'write' && c.raw.trim() === '')) return ERR;
      this.mode = 'prompt';
      this.dataBuf = [];
      this.dataLen = 0;
      this.promptOverflow = false;
      this.out.push(Buffer.from('\r\n> ', 'latin1'));
      return DATA;
    }
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const len = intParam(p[0]);
    if (len === null || len < 1 || len > m.body) return ERR;
    this.unit('\r\nDOWNLOAD\r\n');
    this.mode = 'download';
    this.dataBuf = [];
    this.dataLen = 0;
    this.dataNeed = len;
    this.dataDone = (b) => {
      if (!this.bodyValid(b)) this.final(ERR);
      else {
        this.email.body = b;
        this.final(OK);
      }
    };
    return DATA;
  }

  private smtpfile(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPFILE: (0-2),${m.fileName},(0,1)`);
    if (c.form === 'read') return this.infoOk(`+SMTPFILE: ${this.email.fileType},${q(this.email.fileName)},${this.email.encodeType}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || (p.length !== 1 && p.length !== 3)) return ERR;
    const t = intParam(p[0]);
    if (t === 0 && p.length === 1) {
      this.email.fileType = 0;
      this.email.fileName = '';
      this.email.encodeType = 0;
      return OK;
    }
    if (p.length !== 3 || (t !== 1 && t !== 2)) return ERR;
    const name = strParam(p[1]);
    const enc = intParam(p[2]);
    if (!name || !this.maxLenOk(name, m.fileName) || /["\\/]/.test(name)) return ERR;
    if ((t === 1 && enc !== 0) || (t === 2 && enc !== 1)) return ERR;
    this.email.fileType = t;
    this.email.fileName = name;
    this.email.encodeType = enc!;
    return OK;
  }

  private smtpcs(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+SMTPCS: ${m.charset}`);
    if (c.form === 'read') return this.infoOk(`+SMTPCS: ${q(this.email.charset)}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const s = strParam(p[0]);
    if (!s || !this.maxLenOk(s, m.charset) || !/^[A-Za-z0-9._:+-]+$/.test(s)) return ERR;
    this.email.charset = s;
    return OK;
  }

  // ------------------------------------------------------------------ AT+SMTPSEND / AT+SMTPFT

  private decodeField(s: string | Buffer): Buffer | null {
    const str = typeof s === 'string' ? s : s.toString('latin1');
    if (this.email.charset.toUpperCase() === 'ASCII') return Buffer.from(str, 'latin1');
    if (!isHex(str)) return null;
    return Buffer.from(str, 'hex');
  }

  private smtpsend(c: ExtendedCommand): Res {
    if (c.form === 'test') return OK;
    if (c.form !== 'exec') return ERR;
    const e = this.email;
    if (this.smtp || this.pop3) return ERR;
    if (!e.smtpHost || !e.fromAddress || e.rcpts.length === 0) return ERR;
    const subject = this.decodeField(e.subject);
    const body = this.decodeField(e.body);
    if (!subject || !body) return ERR;
    const mail: MailSettings = {
      fromAddress: e.fromAddress,
      fromName: e.fromName,
      rcpts: e.rcpts.slice().sort((a, b) => a.type - b.type || a.index - b.index),
      subject,
      body,
      charset: e.charset,
      attachment: e.fileType ? { fileType: e.fileType, fileName: e.fileName, encodeType: e.encodeType } : null,
      date: this.opts.now(),
      messageIdSeed: `${Date.now().toString(36)}.${this.rng.int(0, 0x7fffffff).toString(36)}`,
    };
    const dest = this.routeTo(e.smtpHost, e.smtpPort, 'smtp');
    const session = new SmtpSession(
      {
        host: dest.host,
        port: dest.port,
        authType: e.authType,
        user: e.user,
        password: e.password,
        ehloName: this.opts.ehloName,
        timeoutMs: this.emailTimeoutMs(),
        mail,
      },
      {
        attachment: () => this.attachmentPhase(),
        stage: (name) => this.smtpStageFault(name),
        lost: (f) => {
          if (this.smtp && this.smtp.session === session) this.failSmtp(this.smtp, f.code, f.message);
        },
      },
    );
    this.smtp = { session, encodeType: e.encodeType, ft: null, done: false };
    this.final(OK);
    void this.runSend(this.smtp);
    return { t: 'none' };
  }

  private routeTo(host: string, port: number, service: 'smtp' | 'pop3'): { host: string; port: number } {
    const r = this.opts.route ? this.opts.route(host, port, service) : null;
    return r || { host, port };
  }

  private emailTimeoutMs(): number {
    return Math.max(1, Math.round(this.email.timeout * 1000 * this.opts.timeoutScale));
  }

  private smtpStageFault(_name: string): void {
    const f = this.opts.faults;
    if (this.rng.chance(f.bearerLossRate)) this.loseBearer();
    else if (this.rng.chance(f.tcpDropRate)) this.dropTcp();
    else if (this.rng.chance(f.resetRate)) this.reset();
  }

  private async runSend(st: SmtpState): Promise<void> {
    const gen = this.generation;
    let code = 1;
    await this.sleep(this.rng.range(this.opts.networkDelayMs));
    if (gen !== this.generation) return;
    if (!this.bearerOpen()) code = 61;
    else {
      try {
        code = await st.session.run();
      } catch (e) {
        code = e instanceof NetFail ? e.code : 65;
      }
    }
    st.session.close();
    if (gen !== this.generation) return;
    this.sends.push({ code, transcript: st.session.transcript.slice() });
    await this.sleep(this.rng.range(this.opts.resultDelayMs));
    if (gen !== this.generation) return;
    st.done = true;
    if (st.ft) {
      if (st.ft.timer) clearTimeout(st.ft.timer);
      st.ft = null;
    }
    if (this.smtp === st) this.smtp = null;
    if (this.opts.clearAfterSend) this.clearMailSettings();
    this.urc(`+SMTPSEND: ${code}`);
    this.emit('smtpsend', code);
  }

  private clearMailSettings(): void {
    const e = this.email;
    e.smtpHost = '';
    e.smtpPort = 25;
    e.authType = 0;
    e.user = '';
    e.password = '';
    e.fromAddress = '';
    e.fromName = '';
    e.rcpts = [];
    e.subject = '';
    e.body = Buffer.alloc(0);
    e.fileType = 0;
    e.fileName = '';
    e.encodeType = 0;
  }

  /** The SMTP dialogue reached the attachment: announce it and wait for the host's AT+SMTPFT=0. */
  private attachmentPhase(): Promise<void> {
    const st = this.smtp;
    if (!st) return Promise.reject(new NetFail(65, 'no session'));
    return new Promise((resolve, reject) => {
      st.ft = { resolve, reject, timer: null };
      this.announceFt(st);
    });
  }

  private announceFt(st: SmtpState): void {
    if (!st.ft) return;
    this.urc(`+SMTPFT: 1,${this.opts.maxima.ftMax}`);
    this.armFtTimer(st);
  }

  private armFtTimer(st: SmtpState): void {
    if (!st.ft) return;
    if (st.ft.timer) clearTimeout(st.ft.timer);
    st.ft.timer = this.later(this.emailTimeoutMs(), () => {
      if (st.ft && this.mode !== 'ftdata') this.failSmtp(st, 64, 'host did not continue the attachment in time');
    });
  }

  private smtpft(c: ExtendedCommand): Res {
    if (c.form === 'test') return OK;
    if (c.form !== 'write') return ERR;
    const st = this.smtp;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const n = intParam(p[0]);
    if (n === null || !st || !st.ft || st.done) return ERR;
    if (n > this.opts.maxima.ftMax) return ERR;
    if (st.ft.timer) clearTimeout(st.ft.timer);
    if (n === 0) {
      const ft = st.ft;
      st.ft = null;
      this.final(OK);
      ft.resolve();
      return { t: 'none' };
    }
    this.info([`+SMTPFT: 2,${n}`]);
    this.mode = 'ftdata';
    this.dataBuf = [];
    this.dataLen = 0;
    this.dataNeed = n;
    this.dataDone = (bytes) => void this.ftChunk(st, bytes);
    return DATA;
  }

  private async ftChunk(st: SmtpState, bytes: Buffer): Promise<void> {
    const gen = this.generation;
    this.busy = true;
    this.holdUrcs++;
    let ok = false;
    try {
      if (!st.done && st.ft && this.smtp === st) ok = await st.session.writeAttachment(bytes, st.encodeType);
    } catch {
      ok = false;
    }
    if (gen !== this.generation) return;
    this.busy = false;
    this.holdUrcs--;
    this.final(ok ? OK : ERR);
    if (st.ft && !st.done) {
      const f = this.opts.faults;
      if (this.rng.chance(f.bearerLossRate)) this.loseBearer();
      else if (this.rng.chance(f.tcpDropRate)) this.dropTcp();
      else if (this.rng.chance(f.resetRate)) {
        this.reset();
        return;
      } else this.announceFt(st);
    }
    this.pump();
  }

  // ------------------------------------------------------------------ POP3

  private pop3srv(c: ExtendedCommand): Res {
    const m = this.opts.maxima;
    if (c.form === 'test') return this.infoOk(`+POP3SRV: ${m.pop3Server},${m.userName},${m.password}, (1-65535)`);
    const e = this.email;
    if (c.form === 'read') return this.infoOk(`+POP3SRV: ${q(e.pop3Host)},${q(e.pop3User)},${q(e.pop3Password)},${e.pop3Port}`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 3 || p.length > 4) return ERR;
    const host = strParam(p[0]);
    const user = strParam(p[1]);
    const pw = strParam(p[2]);
    if (!host || !user || pw === null || /\s/.test(host)) return ERR;
    if (!this.maxLenOk(host, m.pop3Server) || !this.maxLenOk(user, m.userName) || !this.maxLenOk(pw, m.password)) return ERR;
    let port = 110;
    if (p.length === 4) {
      const v = intParam(p[3]);
      if (v === null || v < 1 || v > 65535) return ERR;
      port = v;
    }
    e.pop3Host = host;
    e.pop3User = user;
    e.pop3Password = pw;
    e.pop3Port = port;
    return OK;
  }

  private pop3in(c: ExtendedCommand): Res {
    if (c.form === 'test') return OK;
    if (c.form !== 'exec') return ERR;
    const e = this.email;
    if (this.smtp || this.pop3 || !e.pop3Host) return ERR;
    const dest = this.routeTo(e.pop3Host, e.pop3Port, 'pop3');
    const session = new Pop3Session({
      host: dest.host,
      port: dest.port,
      user: e.pop3User,
      password: e.pop3Password,
      timeoutMs: this.emailTimeoutMs(),
    });
    const st: Pop3State = { session, loggedIn: false, pending: true, read: null };
    this.pop3 = st;
    this.final(OK);
    void this.runPop3In(st);
    return { t: 'none' };
  }

  private async runPop3In(st: Pop3State): Promise<void> {
    const gen = this.generation;
    await this.sleep(this.rng.range(this.opts.networkDelayMs));
    if (gen !== this.generation) return;
    let code = 1;
    if (!this.bearerOpen()) code = 61;
    else {
      try {
        code = await st.session.login();
      } catch (e) {
        code = e instanceof NetFail ? e.code : 65;
      }
    }
    this.copyPop3Transcript(st);
    await this.sleep(this.rng.range(this.opts.resultDelayMs));
    if (gen !== this.generation || this.pop3 !== st) return;
    st.pending = false;
    if (code !== 1) {
      st.session.close();
      this.pop3 = null;
    } else {
      st.loggedIn = true;
      st.session.onLost = (f) => this.pop3Lost(st, f.code);
    }
    this.urc(`+POP3IN: ${code}`);
  }

  private copyPop3Transcript(st: Pop3State): void {
    const t = st.session.conn ? st.session.conn.transcript : [];
    const already = (st as any)._copied || 0;
    for (let i = already; i < t.length; i++) this.pop3Transcript.push(t[i]);
    (st as any)._copied = t.length;
  }

  /** The POP3 session ended abnormally: "+POP3OUT: <code>". */
  private pop3Lost(st: Pop3State, code: number): void {
    if (this.pop3 !== st) return;
    this.copyPop3Transcript(st);
    this.endRead(st);
    st.session.close();
    this.pop3 = null;
    this.urc(`+POP3OUT: ${code}`);
  }

  private pop3Ready(): Pop3State | null {
    const st = this.pop3;
    if (!st || !st.loggedIn || st.pending || st.read) return null;
    return st;
  }

  private pop3simple(c: ExtendedCommand, what: 'NUM' | 'LIST' | 'UIDL' | 'DEL' | 'RSET'): Res {
    const takesMsg = what === 'LIST' || what === 'UIDL' || what === 'DEL';
    if (c.form === 'test') {
      if (takesMsg) return this.infoOk(`+POP3${what}: (1-${this.opts.maxima.msgNumber})`);
      return OK;
    }
    let msg = 0;
    if (takesMsg) {
      if (c.form !== 'write') return ERR;
      const p = this.params(c);
      if (!p || p.length !== 1) return ERR;
      const v = intParam(p[0]);
      if (v === null || v < 1 || v > this.opts.maxima.msgNumber) return ERR;
      msg = v;
    } else if (c.form !== 'exec') return ERR;
    const st = this.pop3Ready();
    if (!st) return ERR;
    st.pending = true;
    this.final(OK);
    void this.runPop3Simple(st, what, msg);
    return { t: 'none' };
  }

  private async runPop3Simple(st: Pop3State, what: string, msg: number): Promise<void> {
    const gen = this.generation;
    await this.sleep(this.rng.range(this.opts.networkDelayMs));
    if (gen !== this.generation || this.pop3 !== st) return;
    if (this.rng.chance(this.opts.faults.tcpDropRate)) this.dropTcp();
    let urc: string;
    try {
      switch (what) {
        case 'NUM': {
          const r = await st.session.simple('STAT');
          const m = /^\+OK\s+(\d+)\s+(\d+)/.exec(r);
          urc = m ? `+POP3NUM: 1,${m[1]},${m[2]}` : '+POP3NUM: 0';
          break;
        }
        case 'LIST': {
          const r = await st.session.simple('LIST ' + msg);
          const m = /^\+OK\s+(\d+)\s+(\d+)/.exec(r);
          urc = m ? `+POP3LIST: 1,${m[1]},${m[2]}` : '+POP3LIST: 0';
          break;
        }
        case 'UIDL': {
          const r = await st.session.simple('UIDL ' + msg);
          const m = /^\+OK\s+(\d+)\s+(\S+)/.exec(r);
          urc = m ? `+POP3UIDL: 1,${m[1]},${m[2]}` : '+POP3UIDL: 0';
          break;
        }
        case 'DEL': {
          const r = await st.session.simple('DELE ' + msg);
          urc = r.startsWith('+OK') ? '+POP3DEL: 1' : '+POP3DEL: 0';
          break;
        }
        default: {
          const r = await st.session.simple('RSET');
          // The manual's spelling of the negative answer is "+POP3REST: 0" (sic).
          urc = r.startsWith('+OK') ? '+POP3RSET: 1' : '+POP3REST: 0';
        }
      }
    } catch (e) {
      if (gen !== this.generation) return;
      this.pop3Lost(st, e instanceof NetFail ? e.code : 65);
      return;
    }
    this.copyPop3Transcript(st);
    await this.sleep(this.rng.range(this.opts.resultDelayMs));
    if (gen !== this.generation || this.pop3 !== st) return;
    st.pending = false;
    this.urc(urc);
  }

  private pop3cmd(c: ExtendedCommand): Res {
    const mx = this.opts.maxima.msgNumber;
    if (c.form === 'test') return this.infoOk(`+POP3CMD: (1-4),(1-${mx}),(0-${mx})`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length < 1 || p.length > 3) return ERR;
    const t = intParam(p[0]);
    const msg = p.length > 1 ? intParam(p[1]) : null;
    const lines = p.length > 2 ? intParam(p[2]) : null;
    let line: string;
    if ((t === 1 || t === 2) && p.length === 1) line = t === 1 ? 'LIST' : 'UIDL';
    else if (t === 3 && p.length === 3 && msg !== null && msg >= 1 && lines !== null) line = `TOP ${msg} ${lines}`;
    else if (t === 4 && p.length === 2 && msg !== null && msg >= 1) line = `RETR ${msg}`;
    else return ERR;
    if (msg !== null && msg > mx) return ERR;
    const st = this.pop3Ready();
    if (!st) return ERR;
    st.pending = true;
    this.final(OK);
    void this.runPop3Cmd(st, line);
    return { t: 'none' };
  }

  private async runPop3Cmd(st: Pop3State, line: string): Promise<void> {
    const gen = this.generation;
    await this.sleep(this.rng.range(this.opts.networkDelayMs));
    if (gen !== this.generation || this.pop3 !== st) return;
    if (this.rng.chance(this.opts.faults.tcpDropRate)) this.dropTcp();
    const rd: ReadState = {
      chunks: [],
      avail: 0,
      complete: false,
      shortRead: false,
      lastRead: Date.now(),
      reminder: null,
      incoming: [],
      endPending: false,
      throttle: null,
    };
    let status: string;
    try {
      status = await st.session.multi(line, {
        data: (b) => this.downlink(st, rd, b),
        end: () => {
          rd.endPending = true;
          this.downlink(st, rd, null);
        },
        fail: (f) => {
          if (gen === this.generation) this.pop3Lost(st, f.code);
        },
      });
    } catch (e) {
      if (gen !== this.generation) return;
      this.pop3Lost(st, e instanceof NetFail ? e.code : 65);
      return;
    }
    this.copyPop3Transcript(st);
    if (gen !== this.generation || this.pop3 !== st) return;
    st.pending = false;
    if (!status.startsWith('+OK')) {
      this.urc('+POP3CMD: 0');
      return;
    }
    if (this.opts.pop3IncludeOk) {
      const okLine = Buffer.from(status + '\r\n', 'latin1');
      rd.chunks.unshift(okLine);
      rd.avail += okLine.length;
    }
    st.read = rd;
    this.armReminder(st, rd);
    this.urc('+POP3CMD: 1');
  }

  /** Data from the server reaches the read buffer, at the configured downlink rate. */
  private downlink(st: Pop3State, rd: ReadState, b: Buffer | null): void {
    if (b && b.length) rd.incoming.push(Buffer.from(b));
    const rate = this.opts.pop3RateBps;
    const release = () => {
      rd.throttle = null;
      if (this.pop3 !== st) return;
      let budget = rate > 0 ? Math.max(1, Math.round(rate / 20)) : Infinity;
      while (rd.incoming.length && budget > 0) {
        const h = rd.incoming[0];
        if (h.length <= budget) {
          rd.incoming.shift();
          budget -= h.length;
          this.readData(st, rd, h);
        } else {
          rd.incoming[0] = h.subarray(budget);
          this.readData(st, rd, h.subarray(0, budget));
          budget = 0;
        }
      }
      if (rd.incoming.length) rd.throttle = this.later(50, release);
      else if (rd.endPending && !rd.complete) this.readEnd(st, rd);
    };
    if (rate <= 0) release();
    else if (!rd.throttle) rd.throttle = this.later(50, release);
  }

  private readEnd(st: Pop3State, rd: ReadState): void {
    if (!this.opts.pop3IncludeDot) this.stripDot(rd);
    rd.complete = true;
    if (rd.shortRead && this.pop3 === st && st.read === rd) {
      rd.shortRead = false;
      this.urc(`+POP3READ: 3,${rd.avail}`);
    }
  }

  private readData(st: Pop3State, rd: ReadState, b: Buffer): void {
    if (b.length === 0) return;
    rd.chunks.push(Buffer.from(b));
    rd.avail += b.length;
    if (rd.shortRead && st.read === rd && this.pop3 === st) {
      rd.shortRead = false;
      this.urc(`+POP3READ: 3,${rd.avail}`);
    }
  }

  private stripDot(rd: ReadState): void {
    let all = Buffer.concat(rd.chunks);
    if (all.length >= 3 && all.subarray(all.length - 3).toString('latin1') === '.\r\n') all = all.subarray(0, all.length - 3);
    rd.chunks = [all];
    rd.avail = all.length;
  }

  private armReminder(st: Pop3State, rd: ReadState): void {
    const o = this.opts;
    if (rd.reminder) clearTimeout(rd.reminder);
    rd.reminder = null;
    if (o.pop3ReminderMs <= 0 && o.pop3UnreadQuitMs <= 0) return;
    const step = o.pop3ReminderMs > 0 ? o.pop3ReminderMs : o.pop3UnreadQuitMs;
    rd.reminder = this.later(step, () => {
      if (this.pop3 !== st || st.read !== rd) return;
      if (o.pop3UnreadQuitMs > 0 && Date.now() - rd.lastRead >= o.pop3UnreadQuitMs) {
        this.pop3Lost(st, 69);
        return;
      }
      if (rd.avail > 0 && o.pop3ReminderMs > 0) this.urc(`+POP3READ: 3,${rd.avail}`);
      this.armReminder(st, rd);
    });
  }

  private endRead(st: Pop3State): void {
    if (st.read && st.read.reminder) clearTimeout(st.read.reminder);
    if (st.read && st.read.throttle) clearTimeout(st.read.throttle);
    st.read = null;
  }

  private pop3read(c: ExtendedCommand): Res {
    const max = this.opts.maxima.pop3Read;
    if (c.form === 'test') return this.infoOk(`+POP3READ: (1-${max})`);
    if (c.form !== 'write') return ERR;
    const p = this.params(c);
    if (!p || p.length !== 1) return ERR;
    const n = intParam(p[0]);
    if (n === null || n < 1 || n > max) return ERR;
    const st = this.pop3;
    if (!st || !st.read) return ERR;
    const rd = st.read;
    if (this.rng.chance(this.opts.faults.resetRate)) {
      this.reset();
      return { t: 'none' };
    }
    const cnf = Math.min(n, rd.avail);
    let all = rd.chunks.length === 1 ? rd.chunks[0] : Buffer.concat(rd.chunks);
    const data = all.subarray(0, cnf);
    all = all.subarray(cnf);
    rd.chunks = all.length ? [all] : [];
    rd.avail -= cnf;
    rd.lastRead = Date.now();
    const finished = rd.complete && rd.avail === 0;
    if (!finished && cnf < n) rd.shortRead = true;
    // Framing (FACTS 2.6): "\r\n+POP3READ: <s>,<n>\r\n" + n raw bytes + "\r\n", then "\r\nOK\r\n".
    this.unit(Buffer.concat([Buffer.from(`\r\n+POP3READ: ${finished ? 2 : 1},${cnf}\r\n`, 'latin1'), data, Buffer.from('\r\n', 'latin1')]));
    if (finished) this.endRead(st);
    else this.armReminder(st, rd);
    return OK;
  }

  private pop3out(c: ExtendedCommand): Res {
    if (c.form === 'test') return OK;
    if (c.form !== 'exec') return ERR;
    const st = this.pop3;
    if (!st || !st.loggedIn) return ERR;
    if (st.pending && !st.read) return ERR;
    this.endRead(st);
    st.pending = true;
    this.final(OK);
    void this.runPop3Out(st);
    return { t: 'none' };
  }

  private async runPop3Out(st: Pop3State): Promise<void> {
    const gen = this.generation;
    st.session.onLost = null;
    let code = 1;
    try {
      await st.session.quit();
    } catch (e) {
      code = e instanceof NetFail ? e.code : 63;
    }
    this.copyPop3Transcript(st);
    await this.sleep(this.rng.range(this.opts.resultDelayMs));
    if (gen !== this.generation || this.pop3 !== st) return;
    this.pop3 = null;
    this.urc(`+POP3OUT: ${code}`);
  }

  // ------------------------------------------------------------------ faults

  /** Fails the running send with this code (the pending attachment wait, if any, ends too). */
  private failSmtp(s: SmtpState, code: number, why: string): void {
    s.session.abort(code, why);
    if (s.ft) {
      const ft = s.ft;
      s.ft = null;
      if (ft.timer) clearTimeout(ft.timer);
      ft.reject(new NetFail(code, why));
    }
  }

  /** Ends running sessions. code null: silently (reset / power down); otherwise with the URC for that code. */
  private abortSessions(code: number | null): void {
    const s = this.smtp;
    if (s) {
      if (code === null) {
        s.done = true;
        if (s.ft && s.ft.timer) clearTimeout(s.ft.timer);
        s.ft = null;
        s.session.abort(61, 'module reset');
        s.session.close();
        this.smtp = null;
      } else this.failSmtp(s, code, 'aborted');
    }
    const p = this.pop3;
    if (p) {
      if (code === null) {
        this.endRead(p);
        p.session.onLost = null;
        p.session.abort(61, 'module reset');
        this.pop3 = null;
      } else {
        p.session.onLost = null;
        p.session.abort(code, 'aborted');
        if (!p.pending || p.read) this.pop3Lost(p, code);
        // a pending command's own error path reports +POP3OUT / +POP3IN with this code
      }
    }
  }
}

/** Convenience: a duplex stream bound to a new emulator. */
export function createEmulatorStream(options?: PartialOptions): { emu: Sim900Emulator; stream: Duplex } {
  const emu = new Sim900Emulator(options);
  return { emu, stream: emu.stream() };
}
