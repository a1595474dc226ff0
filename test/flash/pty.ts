// The interpreter's Linux port with its console on a pseudo-terminal, as a board's USB serial port appears: socat
// gives the interpreter a pty for its standard input and output and links the other end to a path. For the serial
// side of npm run flash (the serialport module opens the path); null when socat is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class PtyInterpreter {
  private socat!: ChildProcess;
  path = '';

  static available(): boolean {
    return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
  }

  /** Starts `binary` in `cwd` (Storage in ./espruino.flash there) behind the path cwd/../tty; resolves once it exists. */
  async start(binary: string, cwd: string): Promise<string> {
    this.path = join(cwd, '..', 'tty');
    this.socat = spawn('socat', [`PTY,link=${this.path},raw,echo=0`, `EXEC:${binary},pty,raw,echo=0`], { cwd, stdio: 'ignore' });
    const until = Date.now() + 10000;
    while (!existsSync(this.path) || !this.children().length) {
      if (this.socat.exitCode !== null || Date.now() > until) throw new Error('socat did not start the interpreter');
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.path;
  }

  private children(): number[] {
    const f = `/proc/${this.socat.pid}/task/${this.socat.pid}/children`;
    return existsSync(f) ? readFileSync(f, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
  }

  /** Ends the interpreter (it traps SIGTERM) and socat, by their pids. */
  close(): Promise<void> {
    if (!this.socat || this.socat.exitCode !== null) return Promise.resolve();
    for (const pid of this.children()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        // gone already
      }
    }
    return new Promise((resolve) => {
      this.socat.once('exit', () => resolve());
      this.socat.kill('SIGKILL');
    });
  }
}
