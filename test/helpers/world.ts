// A whole test world: real Dovecot and SMTP servers on loopback, the SIM900 emulator, and the email client
// wired to it either from the sources (in Node) or from the linux board's Storage modules in the sandbox.
// (via 'source': the sources in Node, shaped like Espruino by host/espruino-node; via 'module': the linux board's
// Storage modules in the sandbox; via 'published': the published build/modules/s9mail.min.js in a sandbox with an empty
// Storage, added to the module cache as the Web IDE and the espruino CLI do)
import '../../host/espruino-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULES_DIR } from '../../host/publish';
import { Sim900Emulator, type PartialOptions } from '../../host/emulator';
import { clientAccounts, startMailServers, type MailServers, type MailServersOptions } from '../../host/servers';
import { bootSandbox, type Sandbox } from '../../host/sandbox';
import { connect, type Mail } from '../../src/mail/client';

export type Via = 'source' | 'module' | 'published';

export interface World {
  servers: MailServers;
  emu: Sim900Emulator;
  mail: Mail;
  sandbox: Sandbox | null;
  /** bytes the client wrote to the module */
  written: () => string;
  /** the client options used, for making a second client */
  options: any;
  stop(): Promise<void>;
}

/** A Serial-like port for the sources: binary-string 'data' events from the emulator, writes into it. */
export class EmulatorSerial {
  private fns: ((d: string) => void)[] = [];
  log: Buffer[] = [];
  constructor(private emu: Sim900Emulator) {
    emu.on('output', (b: Buffer) => {
      const s = b.toString('latin1');
      for (const f of this.fns.slice()) f(s);
    });
  }
  on(_ev: string, fn: (d: string) => void): void {
    this.fns.push(fn);
  }
  removeListener(_ev: string, fn: (d: string) => void): void {
    this.fns = this.fns.filter((f) => f !== fn);
  }
  write(d: string | Uint8Array): void {
    const b = typeof d === 'string' ? Buffer.from(d, 'latin1') : Buffer.from(d);
    this.log.push(b);
    this.emu.input(b);
  }
  setup(): void {}
}

export interface WorldOptions {
  via?: Via;
  emulator?: PartialOptions;
  servers?: MailServersOptions;
  /** extra or overriding client options */
  client?: any;
  /** reuse running servers */
  reuse?: MailServers;
}

export const FAST_EMULATOR: PartialOptions = {
  sapbrOpenDelayMs: 5,
  sapbrCloseDelayMs: 5,
  clearAfterSend: true,
};

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const servers = o.reuse ?? (await startMailServers(o.servers));
  const emu = new Sim900Emulator(Object.assign({}, FAST_EMULATOR, o.emulator || {}));
  const booted = new Promise<void>((r) => emu.once('booted', () => r()));
  const options = Object.assign(
    {
      apn: 'internet',
      emailTimeout: 10,
      ...clientAccounts(servers),
      from: { address: 'board@example.org', name: 'Pump station 4' },
    },
    o.client || {},
  );
  let mail: Mail;
  let sandbox: Sandbox | null = null;
  let written: () => string;
  if (o.via === 'module' || o.via === 'published') {
    sandbox = bootSandbox(o.via === 'module' ? { board: 'linux' } : {});
    if (o.via === 'published') sandbox.context.Modules.addCached('s9mail', readFileSync(join(MODULES_DIR, 's9mail.min.js'), 'latin1'));
    const port = sandbox.ports.Serial1;
    port.onWrite((b) => emu.input(b));
    emu.on('output', (b: Buffer) => port.feed(b));
    mail = sandbox.require('s9mail').connect(sandbox.context.Serial1, options);
    written = () => port.writtenText();
  } else {
    const serial = new EmulatorSerial(emu);
    mail = connect(serial, options);
    written = () => Buffer.concat(serial.log).toString('latin1');
  }
  // let the boot URCs (RDY, +CFUN: 1, ...) pass before the first command, as firmware waiting for "Call Ready" does
  await booted;
  await emu.drained();
  await new Promise((r) => setTimeout(r, 5));
  return {
    servers,
    emu,
    mail,
    sandbox,
    written,
    options,
    async stop() {
      mail.close();
      if (sandbox) sandbox.close();
      emu.close();
      if (!o.reuse) await servers.stop();
    },
  };
}

/** Collects a retrieved message into one Buffer. */
export function collector(): { sink: (c: string) => void; buffer: () => Buffer; chunks: number[] } {
  const parts: Buffer[] = [];
  const chunks: number[] = [];
  return {
    sink: (c: string) => {
      chunks.push(c.length);
      parts.push(Buffer.from(c, 'latin1'));
    },
    buffer: () => Buffer.concat(parts),
    chunks,
  };
}
