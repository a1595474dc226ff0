// The interpreter's Linux port as a user runs it for `npm run flash -- --port tcp://127.0.0.1:2323`:
// `espruino --telnet`, whose console listens on port 2323 of every interface (fixed; SO_REUSEPORT, so a second one
// started by someone else would silently share the port). So that tests never meet another interpreter, it runs in a
// network namespace of its own (unshare -n, or unshare -rn without root), and what talks to it (flash, a query) runs
// in that namespace too (nsenter). Without namespaces it runs on the machine's port 2323 if nothing listens there.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from '../../host/boards';

export const TELNET_PORT = 2323;

/** How this machine can isolate the interpreter: ['unshare' args, 'nsenter' args before -t], or null. */
function namespaceTool(): { unshare: string[]; nsenter: string[] } | null {
  const ok = (args: string[]) => spawnSync('unshare', [...args, 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 10000 }).status === 0;
  if (ok(['-n'])) return { unshare: ['-n'], nsenter: ['-n'] };
  if (ok(['-rn'])) return { unshare: ['-rn'], nsenter: ['-U', '-n', '--preserve-credentials'] };
  return null;
}

/** Is something listening on TCP `port` in the network namespace of `pid` (or of this process)? */
function listening(port: number, pid?: number): boolean {
  const hex = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  for (const f of ['tcp', 'tcp6']) {
    const path = `/proc/${pid ?? 'self'}/net/${f}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1] && cols[1].endsWith(hex) && cols[3] === '0A') return true;
    }
  }
  return false;
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

export class TelnetInterpreter {
  child!: ChildProcess;
  output = '';
  /** how it is isolated, for the test's log */
  where = '';
  private enter: string[] = [];

  /**
   * Starts `binary --telnet` in `cwd` (its Storage is ./espruino.flash there). stdin 'open': a pipe kept open, as a
   * terminal would be; 'eof': /dev/null, as `espruino --telnet &` from a script gets. Resolves to null when the
   * interpreter is listening, or to the reason it cannot run here.
   */
  async start(binary: string, cwd: string, stdin: 'open' | 'eof'): Promise<string | null> {
    const ns = namespaceTool();
    if (!ns && listening(TELNET_PORT)) return `port ${TELNET_PORT} is taken on this machine and there are no network namespaces to run another interpreter in`;
    const stdio: any = [stdin === 'open' ? 'pipe' : 'ignore', 'pipe', 'pipe'];
    if (ns) {
      // sh sets lo up, then becomes the interpreter: the pid is the interpreter's, inside the namespace
      this.child = spawn('unshare', [...ns.unshare, 'sh', '-c', 'ip link set lo up && exec "$0" --telnet', binary], { cwd, stdio });
      this.where = `its own network namespace (unshare ${ns.unshare.join(' ')})`;
    } else {
      this.child = spawn(binary, ['--telnet'], { cwd, stdio });
      this.where = `this machine's port ${TELNET_PORT}`;
    }
    this.child.stdout!.on('data', (b: Buffer) => (this.output += b.toString('latin1')));
    this.child.stderr!.on('data', (b: Buffer) => (this.output += b.toString('latin1')));
    if (this.child.stdin) this.child.stdin.on('error', () => undefined);
    this.enter = ns ? ['nsenter', '-t', String(this.child.pid), ...ns.nsenter, '--'] : [];
    const until = Date.now() + 15000;
    while (!listening(TELNET_PORT, ns ? this.child.pid : undefined)) {
      if (this.child.exitCode !== null || Date.now() > until) return `the interpreter did not start listening on ${TELNET_PORT}: ${this.output.slice(-500)}`;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }

  /** Runs a command where the interpreter's port is 127.0.0.1:2323, in ROOT (or o.cwd); ends it once o.stopWhen(its output). */
  exec(argv: string[], timeoutMs: number, o: { cwd?: string; env?: NodeJS.ProcessEnv; stopWhen?: (out: string) => boolean } = {}): Promise<Run> {
    const full = [...this.enter, ...argv];
    const t0 = Date.now();
    return new Promise((resolve, reject) => {
      const c = spawn(full[0], full.slice(1), { cwd: o.cwd || ROOT, env: o.env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
      c.stdout.on('data', (b) => {
        out += b;
        if (o.stopWhen && o.stopWhen(out)) c.kill('SIGTERM');
      });
      c.stderr.on('data', (b) => (err += b));
      c.on('error', reject);
      c.on('close', (code) => {
        clearTimeout(t);
        resolve({ code, out, err, ms: Date.now() - t0 });
      });
    });
  }

  /** npm run flash with `args`, against this interpreter. */
  flash(args: string[], timeoutMs = 120000): Promise<Run> {
    return this.exec([process.execPath, '--import', 'tsx', 'host/flash.ts', ...args], timeoutMs);
  }

  /** The JSON value of `expr` on the interpreter, over its telnet console (resent each second until it answers). */
  async query(expr: string, timeoutMs = 15000): Promise<any> {
    const script = `const net=require('net');const s=net.connect(${TELNET_PORT},'127.0.0.1');let g='';
const send=()=>s.write('\\x10print("<"+"Q>"+JSON.stringify(('+process.argv[1]+')))\\n');
const every=setInterval(send,1000);s.on('connect',send);s.on('error',e=>{console.error(e.code);process.exit(3)});
s.on('data',d=>{g+=d;const m=/<Q>(.*)\\r?\\n/.exec(g);if(m){console.log(m[1]);clearInterval(every);s.destroy();}});`;
    const r = await this.exec([process.execPath, '-e', script, expr], timeoutMs);
    if (r.code !== 0) throw new Error(`query ${expr} failed (exit ${r.code}): ${r.err}${r.out}; interpreter: ${this.output.slice(-500)}`);
    return JSON.parse(r.out.trim());
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  close(): Promise<void> {
    if (!this.child || !this.alive()) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      // the REPL traps SIGTERM; SIGKILL ends it (and with it the namespace)
      this.child.kill('SIGKILL');
    });
  }
}
