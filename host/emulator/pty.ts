// Serves an emulator on a pseudo-terminal made by socat, linked at a path (e.g. /tmp/sim900), so that the
// Espruino Linux port (Serial1.setup(baud, {path})) or any serial program can open it as a serial device.
// socat's STDIO side is connected to the emulator: what the program writes to the pty arrives on socat's stdout
// (-> emu.input), and the emulator's output is written to socat's stdin (-> the program reads it).
// When the program closes the device, socat exits; it is started again so the path keeps working.

import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Sim900Emulator } from './sim900';

export interface PtyHandle {
  path: string;
  /** pid of the current socat process */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export function socatAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' }).status === 0;
}

/** Links a pty at `path` and serves `emu` on it. Resolves once the link exists. */
export function servePty(emu: Sim900Emulator, path: string, log?: (dir: 'in' | 'out', b: Buffer) => void): Promise<PtyHandle> {
  if (!socatAvailable()) {
    return Promise.reject(new Error('socat is not installed: run `bash host/servers/install-deps.sh` (or apt-get install socat)'));
  }
  let child: ChildProcess | null = null;
  let closing = false;
  const onOutput = (b: Buffer) => {
    if (log) log('out', b);
    if (child && child.stdin && child.stdin.writable) child.stdin.write(b);
  };
  emu.on('output', onOutput);

  const start = () => {
    // rawer: no line discipline (binary-safe); echo=0: the pty itself must not echo (the module does).
    const c = spawn('socat', ['-d', `PTY,link=${path},rawer,echo=0`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child = c;
    c.stdout!.on('data', (b: Buffer) => {
      if (log) log('in', b);
      emu.input(b);
    });
    c.stdin!.on('error', () => undefined);
    c.stderr!.on('data', () => undefined);
    c.on('exit', () => {
      if (child === c) child = null;
      if (!closing) setTimeout(start, 100);
    });
  };
  start();

  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (existsSync(path)) {
        // Raw mode for whoever opens the device: no CR->LF mapping, no echo by the line discipline.
        spawnSync('stty', ['-F', path, 'raw', '-echo']);
        resolve({
          path,
          get pid() {
            return child ? child.pid : undefined;
          },
          close() {
            closing = true;
            emu.removeListener('output', onOutput);
            const c = child;
            if (!c) return Promise.resolve();
            return new Promise<void>((res) => {
              c.once('exit', () => res());
              c.kill('SIGTERM');
            });
          },
        });
        return;
      }
      if (Date.now() - t0 > 5000) {
        closing = true;
        if (child) child.kill('SIGTERM');
        reject(new Error('socat did not create ' + path));
        return;
      }
      setTimeout(poll, 20);
    };
    poll();
  });
}
