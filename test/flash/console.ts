// The Espruino interpreter's Linux port with its REPL console reachable over TCP on 127.0.0.1:<free port>.
// The port's own `--telnet` server listens on every interface at the fixed port 2323, so instead this carries the
// bytes between a loopback TCP socket and the interpreter's stdin/stdout (its console), like a USB-serial or telnet
// link would. Nothing here answers for the interpreter.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';

/** $ESPRUINO, else null (the interpreter tests are skipped). */
export function interpreterBinary(): string | null {
  const env = process.env.ESPRUINO;
  return env && existsSync(env) ? env : null;
}

export class TcpConsole {
  child: ChildProcess;
  server: net.Server;
  sockets = new Set<net.Socket>();
  output = '';
  port = 0;
  /**
   * A link that corrupts: when set, what comes from the TCP side is passed on a line at a time, through this
   * (return the line unchanged to keep it).
   */
  mangle: ((line: string) => string) | null = null;

  /** Starts the interpreter in `cwd` (its Storage is ./espruino.flash there). */
  constructor(binary: string, cwd: string) {
    // stdin stays an open pipe: the port reads its console from it; 0x04 on it would end the process
    this.child = spawn(binary, [], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (b: Buffer) => {
      this.output += b.toString('latin1');
      for (const s of this.sockets) s.write(b);
    });
    this.child.stdin!.on('error', () => {});
    this.server = net.createServer((s) => {
      this.sockets.add(s);
      let partial = '';
      s.on('data', (d) => {
        if (!this.mangle) return void this.child.stdin!.write(d);
        partial += d.toString('latin1');
        let i: number;
        while ((i = partial.indexOf('\n')) >= 0) {
          this.child.stdin!.write(Buffer.from(this.mangle(partial.slice(0, i + 1)), 'latin1'));
          partial = partial.slice(i + 1);
        }
      });
      s.on('error', () => {});
      s.on('close', () => this.sockets.delete(s));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /**
   * Evaluates `expr` on the interpreter over a TCP connection and returns its JSON value. Resends every second
   * until an answer comes: a load() the upload ended with resets the interpreter and drops a half-read line.
   */
  query(expr: string, timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
      const tag = 'Q' + Math.random().toString(36).slice(2, 8);
      const s = net.connect(this.port, '127.0.0.1');
      let got = '';
      const send = () => s.write(`\x10print("${tag}"+JSON.stringify(${expr}))\n`);
      const every = setInterval(send, 1000);
      const done = (err: Error | null, v?: any) => {
        clearInterval(every);
        clearTimeout(timer);
        s.destroy();
        if (err) reject(err);
        else resolve(v);
      };
      const timer = setTimeout(() => done(new Error(`no answer to ${expr} within ${timeoutMs} ms; console:\n${this.output.slice(-1500)}`)), timeoutMs);
      s.on('connect', send);
      s.on('error', (e) => done(e));
      // the console echoes a line whose \x10 (no echo) was cut off, e.g. by the load() that restarts it: the echo
      // holds the tag too, followed by the expression's code, not by its value
      const echo = '"+JSON.stringify(';
      let from = 0;
      s.on('data', (d) => {
        got += d.toString('latin1');
        let i = got.indexOf(tag, from);
        let end = -1;
        for (; i >= 0; i = got.indexOf(tag, i + 1)) {
          end = got.indexOf('\r\n', i);
          if (end < 0) return;
          if (got.substr(i + tag.length, echo.length) != echo) break;
          from = end;
        }
        if (i < 0) return;
        try {
          done(null, JSON.parse(got.slice(i + tag.length, end)));
        } catch (e: any) {
          done(new Error(`bad answer ${JSON.stringify(got.slice(i, end))}`));
        }
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    // the REPL traps SIGTERM; SIGKILL ends it
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    this.child.kill('SIGKILL');
    return Promise.all([exited, new Promise<void>((resolve) => this.server.close(() => resolve()))]).then(() => undefined);
  }
}
