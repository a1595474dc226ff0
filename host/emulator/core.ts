// The module's state and what every part of the emulator shares: timers, the output side (line units, URCs held
// during data phases, results, noise URCs) and parameter parsing. The command groups (commands/*.ts), the input
// state machine, boot and faults are functions over a Core; Sim900Emulator (sim900.ts) is the public shell.

import type { EventEmitter } from 'node:events';
import { parseParams, hasControl, ExtendedCommand, Param } from './atparse';
import type { EmulatorOptions, Range } from './options';
import type { Prng } from './prng';
import { OutputQueue } from './output';
import type { TlsSetup } from './netline';
import { pumpInput } from './input';
import {
  Mode, Res, OK, ERR, BearerProfile, EmailSettings, SmtpState, Pop3State, SentRecord, freshBearer, freshEmail,
} from './state';

const CME_TEXT: Record<number, string> = {
  3: 'operation not allowed',
  4: 'operation not supported',
  30: 'no network service',
  100: 'unknown',
};

export type DataMode = 'prompt' | 'download' | 'ftdata';

export class Core {
  readonly out: OutputQueue;
  mode: Mode = 'off';
  inbuf: Buffer = Buffer.alloc(0);
  /** The last byte taken was the CR that ended a command line: an LF right after it is not input. */
  afterCr = false;
  line = '';
  lastLine = '';
  busy = false;
  held: Buffer[] = [];
  holdUrcs = 0;
  timers = new Set<NodeJS.Timeout>();
  closed = false;
  generation = 0; // bumped at every reset: stale async work checks it

  // TA settings
  echo = true;
  verbose = true;
  quiet = false;
  cmee = 0;
  /** The user profile AT&W stores (in the module's NVRAM: it outlives resets) and ATZ and a restart load. */
  profile = { echo: true, verbose: true, quiet: false, cmee: 0 };
  ipr = 115200;
  cfun = 1;

  // network registration (registration.ts)
  /** AT+CREG=<n> and AT+CGREG=<n>: which registration URCs the host wants. */
  creg = 0;
  cgreg = 0;
  /** The registration status while the radio is on: 0 none, 1 home, 2 searching, 3 denied, 5 roaming. */
  netStat = 0;
  /** What the network answers a registration (option registration, emu.setRegistration); outlives resets. */
  netAnswer: number;
  /** GPRS attached (AT+CGATT). */
  attached = true;
  /** AT+COPS <mode> (0 automatic, 1 manual, 2 deregistered) and <format> of its read form. */
  copsMode = 0;
  copsFormat = 0;

  bearers: BearerProfile[] = [freshBearer(), freshBearer(), freshBearer()];
  email: EmailSettings = freshEmail();
  smtp: SmtpState | null = null;
  pop3: Pop3State | null = null;

  // data phases
  dataBuf: Buffer[] = [];
  dataLen = 0;
  dataNeed = 0;
  promptOverflow = false;
  dataDone: ((b: Buffer) => void) | null = null;
  /** The module has written its DOWNLOAD / "> " / "+SMTPFT: 2,<n>": data from the host is taken from now on. */
  dataOpen = false;

  readonly violations: string[] = [];
  readonly sends: SentRecord[] = [];
  readonly pop3Transcript: string[] = [];

  constructor(
    readonly opts: EmulatorOptions,
    readonly rng: Prng,
    readonly events: EventEmitter,
  ) {
    this.ipr = opts.baud > 0 ? opts.baud : 115200;
    this.netAnswer = opts.registration;
    this.out = new OutputQueue({ baud: opts.baud, chunkMax: opts.chunkMax }, rng, (b) => events.emit('output', b));
  }

  /** Feeds buffered input to the state machine (input.ts). */
  pump(): void {
    pumpInput(this);
  }

  // ------------------------------------------------------------------ timers

  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
    return t;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((r) => this.later(ms, r));
  }

  // ------------------------------------------------------------------ output

  get inDataPhase(): boolean {
    return this.mode === 'prompt' || this.mode === 'download' || this.mode === 'ftdata';
  }

  /** With probability faults.noiseRate, a noise URC here: callers only ask at a line boundary. */
  noise(): void {
    const f = this.opts.faults;
    if (f.noiseUrcs.length && this.rng.chance(f.noiseRate)) this.out.push(Buffer.from(`\r\n${this.rng.pick(f.noiseUrcs)}\r\n`, 'latin1'));
  }

  /** Pushes one atomic unit of output (a line, or a counted block); a noise URC may precede it. */
  unit(b: Buffer | string): void {
    if (!this.inDataPhase) this.noise();
    this.out.push(typeof b === 'string' ? Buffer.from(b, 'latin1') : b);
  }

  urc(text: string): void {
    if (this.mode === 'off') return;
    const b = Buffer.from(`\r\n${text}\r\n`, 'latin1');
    if (this.inDataPhase || this.holdUrcs > 0) this.held.push(b);
    else this.unit(b);
  }

  flushHeld(): void {
    const h = this.held;
    this.held = [];
    for (const b of h) this.unit(b);
  }

  /** Information lines, each its own unit (noise may come between two of them). */
  info(lines: string[]): void {
    lines.forEach((l, i) => this.unit((this.verbose && i === 0 ? '\r\n' : '') + l + '\r\n'));
  }

  final(r: Res): void {
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

  echoBytes(s: string): void {
    if (this.echo && s.length) this.out.push(Buffer.from(s, 'latin1'));
  }

  /**
   * Enters a data phase: after promptDelayMs `write` puts out the module's request for data (DOWNLOAD, "> ",
   * "+SMTPFT: 2,<n>"), and the host's bytes count as data as soon as that has left the module (earlier ones:
   * earlyData, input.ts). A counted phase takes exactly `need` bytes and hands them to `done`.
   */
  openData(mode: DataMode, write: () => void, need = 0, done: ((b: Buffer) => void) | null = null): void {
    this.mode = mode;
    this.dataOpen = false;
    this.dataBuf = [];
    this.dataLen = 0;
    this.dataNeed = need;
    this.dataDone = done;
    this.promptOverflow = false;
    const gen = this.generation;
    const current = () => gen === this.generation && this.mode === mode;
    const ask = () => {
      if (!current()) return;
      write();
      this.out.whenSent(() => {
        if (!current()) return;
        this.dataOpen = true;
        this.pump();
      });
      // a counted phase leaves the module at a line boundary while the host sends: a noise URC may come here
      if (mode !== 'prompt') this.noise();
    };
    const delay = this.rng.range(this.opts.promptDelayMs);
    if (delay > 0) this.later(delay, ask);
    else ask();
  }

  // ------------------------------------------------------------------ command helpers

  params(c: ExtendedCommand): Param[] | null {
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

  infoOk(line: string): Res {
    this.info([line]);
    return OK;
  }

  /** true when the bearer profile named by AT+EMAILCID is open */
  bearerOpen(): boolean {
    const b = this.bearers[this.email.cid - 1];
    return !!b && b.status === 1;
  }

  routeTo(host: string, port: number, service: 'smtp' | 'pop3'): { host: string; port: number } {
    const r = this.opts.route ? this.opts.route(host, port, service) : null;
    return r || { host, port };
  }

  /** The firmware has AT+EMAILSSL (option emailssl, else what the dialect's module has). */
  hasEmailSsl(): boolean {
    return this.opts.emailssl ?? this.opts.dialect === 'sim800';
  }

  /** How the module speaks TLS to `host`, the name given in AT+SMTPSRV / AT+POP3SRV (before any routing). */
  tlsSetup(host: string): TlsSetup {
    const o = this.opts;
    return { servername: host, verify: o.tlsVerify, ca: o.tlsCa ?? undefined, maxVersion: o.tlsMaxVersion };
  }

  /** A drawn delay that models the network's side of an AT+EMAILTO wait: scaled by timeoutScale like it. */
  scaledMs(r: Range): number {
    return Math.round(this.rng.range(r) * this.opts.timeoutScale);
  }

  /** AT+EMAILTO in ms, scaled by timeoutScale. */
  emailTimeoutMs(): number {
    return Math.max(1, Math.round(this.email.timeout * 1000 * this.opts.timeoutScale));
  }

  /** Echo, result format and CMEE from a profile: the stored one (ATZ, a restart) or the factory one (AT&F). */
  loadProfile(p: { echo: boolean; verbose: boolean; quiet: boolean; cmee: number }): void {
    this.echo = p.echo;
    this.verbose = p.verbose;
    this.quiet = p.quiet;
    this.cmee = p.cmee;
  }

  /** Everything a reset or power-down loses. */
  resetState(): void {
    this.loadProfile(this.profile);
    this.cfun = 1;
    this.creg = 0;
    this.cgreg = 0;
    this.netStat = 0;
    this.attached = true;
    this.copsMode = 0;
    this.copsFormat = 0;
    this.bearers = [freshBearer(), freshBearer(), freshBearer()];
    this.email = freshEmail();
    this.smtp = null;
    this.pop3 = null;
    this.inbuf = Buffer.alloc(0);
    this.afterCr = false;
    this.line = '';
    this.busy = false;
    this.dataBuf = [];
    this.dataLen = 0;
    this.dataDone = null;
    this.dataOpen = false;
    this.held = [];
    this.holdUrcs = 0;
  }
}
