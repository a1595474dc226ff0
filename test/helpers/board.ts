// A board in the sandbox running the linux board's example app (its Storage modules), wired to an emulator; it can
// be killed at any moment (like a reset) and started again on the same Storage folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sim900Emulator } from '../../host/emulator';
import { clientAccounts, type MailServers } from '../../host/servers';
import { bootSandbox, type Sandbox } from '../../host/sandbox';
import { runtimeBoard } from '../../host/build';
import { loadBoard } from '../../host/boards';

export interface BoardRun {
  sb: Sandbox;
  /** events seen: ['sent', id], ['retry', id, code], ['failed', id, code], ['idle'] */
  events: any[];
  /** AT command lines written so far */
  commands: () => number;
  kill(): void;
}

export function appConfig(servers: MailServers, extra?: any): any {
  return Object.assign(
    {
      apn: 'internet',
      emailTimeout: 10,
      to: ['ops@example.org'],
      from: { address: 'pump4@example.org', name: 'Pump 4' },
      ...clientAccounts(servers),
      retryBase: 50,
      retryCap: 400,
      modem: { poll: 20 },
    },
    extra || {},
  );
}

/**
 * Boots the board on `storageDir` with the example app (global `app`). `onCommand(n, phase)` is called for the n-th command
 * line the board writes, 'before' it reaches the module and 'after'; it may kill the board.
 */
export function bootBoard(emu: Sim900Emulator, storageDir: string, config: any, onCommand?: (n: number, phase: 'before' | 'after', run: BoardRun) => void): BoardRun {
  const sb = bootSandbox({ board: 'linux', storageDir });
  const port = sb.ports.Serial1;
  let dead = false;
  let commands = 0;
  const events: any[] = [];
  const forward = (b: Buffer) => {
    if (!dead) port.feed(b);
  };
  emu.on('output', forward);
  const run: BoardRun = {
    sb,
    events,
    commands: () => commands,
    kill() {
      if (dead) return;
      dead = true;
      emu.off('output', forward);
      sb.close();
    },
  };
  port.onWrite((b) => {
    if (dead) return;
    // count command lines: each ends in CR (payload bytes at a prompt are not commands; good enough as a clock)
    const crs = b.toString('latin1').split('\r').length - 1;
    for (let i = 0; i < crs && !dead; i++) {
      commands++;
      if (onCommand) onCommand(commands, 'before', run);
    }
    if (dead) return;
    emu.input(b);
    for (let i = 0; i < crs && !dead; i++) if (onCommand) onCommand(commands - crs + i + 1, 'after', run);
  });
  (sb.context as any).__host = {
    event: (...a: any[]) => events.push(JSON.parse(JSON.stringify(a))),
  };
  sb.run(`var app = require("s9app").start(${JSON.stringify(runtimeBoard(loadBoard('linux')))}, ${JSON.stringify(config)});
    app.on('sent', function (id) { __host.event('sent', id); });
    app.on('retry', function (id, e) { __host.event('retry', id, e.code); });
    app.on('failed', function (id, e) { __host.event('failed', id, e.code); });
    app.on('idle', function () { __host.event('idle'); });`);
  return run;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > until) return reject(new Error('timed out waiting for ' + what));
      setTimeout(tick, 10);
    };
    tick();
  });
}
