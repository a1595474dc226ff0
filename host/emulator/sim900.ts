// A byte-level SIM900 emulator: AT command interpreter, bearer (AT+SAPBR), the e-mail command set of the SIM900
// Email AT Command Manual V1.02, real SMTP/POP3 over TCP, and seeded timing/fault injection.
// See README.md in this folder for the decisions taken where the manual is silent.
//
// This file is the public shell; the module itself is a Core (core.ts) worked on by input.ts (host bytes),
// exec.ts (command lines), commands/*.ts (the command groups), sessions.ts, faults.ts and boot.ts.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { PartialOptions, EmulatorOptions, resolveOptions } from './options';
import { Prng } from './prng';
import { Core } from './core';
import { feed } from './input';
import { powerOn, reset } from './boot';
import { loseBearer, dropTcp } from './faults';
import { abortSessions } from './sessions';
import { setNetwork } from './registration';
import type { SentRecord } from './state';

export type { SentRecord } from './state';

/**
 * Events: 'output' (Buffer, module -> host bytes), 'ready' (RDY: input is taken), 'booted' (all boot URCs sent),
 * 'reset', 'powerdown', 'smtpsend' (code).
 */
export class Sim900Emulator extends EventEmitter {
  readonly opts: EmulatorOptions;
  readonly rng: Prng;
  private m: Core;

  constructor(options?: PartialOptions) {
    super();
    this.opts = resolveOptions(options);
    this.rng = new Prng(this.opts.seed);
    this.m = new Core(this.opts, this.rng, this);
    if (this.opts.autoBoot) this.powerOn();
  }

  /** Host mistakes noticed by the emulator (input while busy, control characters in parameters, ...). */
  get violations(): string[] {
    return this.m.violations;
  }

  /** Results of every AT+SMTPSEND with the SMTP transcript. */
  get sends(): SentRecord[] {
    return this.m.sends;
  }

  /** Every POP3 TCP transcript line (C:/S:). */
  get pop3Transcript(): string[] {
    return this.m.pop3Transcript;
  }

  /** Host -> module bytes. */
  input(data: Buffer | Uint8Array | string): void {
    feed(this.m, data);
  }

  /**
   * A Node Duplex stream: writes go to the module, module output is readable. Destroying it detaches it (the
   * module and its sessions live on; a new stream() is the host reconnecting).
   */
  stream(): Duplex {
    const onOutput = (b: Buffer) => d.push(b);
    const d = new Duplex({
      write: (chunk: Buffer, _enc, cb) => {
        this.input(chunk);
        cb();
      },
      read() {},
    });
    this.on('output', onOutput);
    d.once('close', () => this.off('output', onOutput));
    return d;
  }

  /** Everything the module has sent so far. */
  get outputLog(): Buffer {
    return Buffer.concat(this.m.out.log);
  }

  /** Resolves when all queued output has been emitted. */
  drained(): Promise<void> {
    return this.m.out.idle();
  }

  get isReady(): boolean {
    return this.m.mode !== 'off' && this.m.mode !== 'boot';
  }

  /** Powers the module on (boot URCs follow). */
  powerOn(): void {
    powerOn(this.m);
  }

  /** Module reset (e.g. brown-out or watchdog): sessions die silently, all settings are lost, boot URCs follow. */
  reset(): void {
    reset(this.m);
  }

  /** true when bearer profile `cid` (1-3) is open (status 1) */
  bearerIsOpen(cid: number): boolean {
    const b = this.m.bearers[cid - 1];
    return !!b && b.status === 1;
  }

  /** The network drops the bearer: "+SAPBR <cid>: DEACT", and any e-mail session on it fails with 61. */
  loseBearer(cid?: number): void {
    loseBearer(this.m, cid ?? this.m.email.cid);
  }

  /**
   * The network's answer to registration changes: 0 coverage lost, 1 home, 2 searching, 3 denied, 5 roaming. The
   * host hears "+CREG: <stat>" / "+CGREG: <stat>" if it asked (AT+CREG=1, AT+CGREG=1); losing it drops the bearers.
   */
  setRegistration(stat: 0 | 1 | 2 | 3 | 4 | 5): void {
    setNetwork(this.m, stat);
  }

  /** Drops the TCP connection of the running SMTP/POP3 session (as a flaky network would): 63. */
  dropTcp(): void {
    dropTcp(this.m);
  }

  /** Sends an unsolicited result code now (held during data phases). */
  injectUrc(text: string): void {
    this.m.urc(text);
  }

  /** Stops all timers and sockets; the emulator is dead afterwards. */
  close(): void {
    const m = this.m;
    m.closed = true;
    m.generation++;
    abortSessions(m, null);
    for (const t of m.timers) clearTimeout(t);
    m.timers.clear();
    m.out.close();
    this.removeAllListeners('ready');
  }
}

/** Convenience: a duplex stream bound to a new emulator. */
export function createEmulatorStream(options?: PartialOptions): { emu: Sim900Emulator; stream: Duplex } {
  const emu = new Sim900Emulator(options);
  return { emu, stream: emu.stream() };
}
