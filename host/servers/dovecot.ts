// A real POP3 server for host tests and the demo: Debian's Dovecot run in the foreground with its own
// configuration in a fresh temporary folder (no system configuration, no system service), POP3 only, on
// 127.0.0.1 and a free port, plaintext USER/PASS allowed, a passwd-file with the test users and their Maildirs.
// With `tls` it refuses plaintext instead: POP3S on the port (implicit), or STLS required before USER/PASS
// (then on 127.0.0.2, see STARTTLS_HOST).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ensureMaildir, type MaildirOwner } from './maildir';
import { testCertificate, type TestCertificate, type TlsMode } from './tls';

export interface PopUser {
  user: string;
  password: string;
}

export interface DovecotOptions {
  /** Test users; default one user 'sim900' with password 'sim900-pass'. */
  users?: PopUser[];
  /** Port to listen on; default a free one. */
  port?: number;
  /** Keep the temporary folder after stop() (for debugging). */
  keepDir?: boolean;
  /** How long to wait for the banner, ms; default 15000. */
  startTimeoutMs?: number;
  /**
   * Seconds Dovecot waits before answering a failed login (its default is 2, plus a growing per-IP penalty).
   * Default 0 here, and the penalty is then disabled too: tests that try bad passwords stay fast.
   */
  authFailureDelay?: number;
  /** Path of the dovecot binary; default found on PATH (and /usr/sbin). */
  binary?: string;
  /**
   * Extra top-level settings, written after the defaults (so they win), e.g. {disable_plaintext_auth: 'yes'} to
   * refuse USER on a plain connection, {pop3_lock_session: 'yes'} to refuse a second session ([IN-USE]).
   */
  settings?: Record<string, string>;
  /**
   * TLS only (ssl = required, the certificate of ./tls): 'implicit' serves POP3S on the port (TLS from the first
   * byte), 'starttls' serves POP3 that offers STLS and refuses USER/PASS before it. Default: plaintext only.
   */
  tls?: TlsMode;
}

/** A successful login as Dovecot logged it. */
export interface DovecotLogin {
  user: string;
  /** The TLS protocol of the connection, e.g. 'TLSv1.3'; null for a plaintext login */
  tls: string | null;
}

export interface DovecotUser extends PopUser {
  /** The user's Maildir (deliver into its new/ folder) */
  maildir: string;
}

export interface DovecotHandle {
  /** 127.0.0.1, or STARTTLS_HOST in 'starttls' mode */
  host: string;
  port: number;
  /** First user's name, password and Maildir */
  user: string;
  password: string;
  maildir: string;
  users: DovecotUser[];
  /** Owner that files put into the Maildirs must have so that Dovecot's mail process can move and delete them */
  mailOwner: MaildirOwner;
  /** The temporary folder holding configuration, runtime state, log and mail */
  dir: string;
  /** pid of the dovecot master process */
  pid: number;
  logPath: string;
  /** Dovecot's log so far */
  log(): string;
  /** The TLS mode it was started with; null for plaintext */
  tls: TlsMode | null;
  /** Successful logins so far, in log order */
  logins(): DovecotLogin[];
  /** Resolves with login number `index` (default: the next one) once Dovecot has logged it */
  waitForLogin(index?: number, timeoutMs?: number): Promise<DovecotLogin>;
  stop(): Promise<void>;
}

const SETPRIV = '/usr/bin/setpriv';

/** Running instances, stopped synchronously if the process exits without stop() (e.g. process.exit in a test). */
const live = new Set<{ pid: number; dir: string; keep: boolean }>();
let exitHook = false;
function onExit(): void {
  for (const l of live) {
    // SIGKILL, the master first: a master given SIGTERM after its children restarts them and waits for them,
    // about 5 s in one exit of 8 (measured), longer than this process lives
    for (const k of [l.pid].concat(childrenOf(l.pid))) {
      try {
        process.kill(k, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    // the processes may still write their last log lines while the folder goes: retry instead of failing
    if (!l.keep) {
      try {
        rmSync(l.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
      } catch {
        /* left in the temporary folder */
      }
    }
  }
  live.clear();
}

const NAME_RE = /^[A-Za-z0-9._@+-]{1,64}$/;

function findDovecot(): string {
  for (const p of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' }).trim() || 'dovecot';
  } catch {
    throw new Error('dovecot is not installed: run `bash host/servers/install-deps.sh` as root (or `npm run setup`)');
  }
}

let versionCache: string | null = null;
/** `dovecot --version`, e.g. "2.3.19.1 (9b53102964)". */
export function dovecotVersion(binary?: string): string {
  if (versionCache === null) versionCache = execFileSync(binary ?? findDovecot(), ['--version'], { encoding: 'utf8' }).trim();
  return versionCache;
}

/** uid/gid of a passwd entry, or null. */
function lookupUser(name: string): MaildirOwner | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no /etc/passwd */
  }
  return null;
}

/** Name of a group id from /etc/group, or null. */
function groupName(gid: number): string | null {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && Number(f[2]) === gid && f[0]) return f[0];
    }
  } catch {
    /* no /etc/group */
  }
  return null;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = a && typeof a !== 'string' ? a.port : 0;
      s.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Reads the POP3 greeting (over TLS on an implicit-TLS port); resolves true on "+OK", false on refusal/other. */
function probeBanner(host: string, port: number, cert: TestCertificate | null): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = cert ? tls.connect({ host, port, ca: cert.cert, servername: 'localhost' }) : net.connect({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.indexOf('\r\n') >= 0) done(buf.startsWith('+OK'));
    });
    sock.on('close', () => done(false));
  });
}

/** pids whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces or parentheses, so parse after the last ')'
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid) out.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return out;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie still answers signal 0
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Dovecot counts a connection whose remote address equals its local address as secured, whatever the settings
 * ("localhost connections are always secured", login-common/client-common.c), and so would allow USER/PASS
 * before STLS from a client on 127.0.0.1. In 'starttls' mode it listens here instead: Linux routes all of
 * 127.0.0.0/8 to the loopback interface and connects to it from 127.0.0.1, so the two addresses differ.
 */
export const STARTTLS_HOST = '127.0.0.2';

// the login line carries %k, the TLS security string ("TLSv1.3 with cipher ..."), for logins()
const LOGIN_LOG_FORMAT = 'user=<%u> method=%m rip=%r lip=%l mpid=%e %c session=<%{session}> tls=<%k>';

function sslText(mode: TlsMode | null, cert: TestCertificate | null): string {
  if (!mode || !cert) return 'ssl = no\ndisable_plaintext_auth = no\n';
  return `ssl = required
ssl_cert = <${cert.certFile}
ssl_key = <${cert.keyFile}
disable_plaintext_auth = yes
`;
}

function listenersText(host: string, port: number, mode: TlsMode | null): string {
  const implicit = mode === 'implicit';
  return `  inet_listener pop3 {
    address = ${host}
    port = ${implicit ? 0 : port}
  }
  inet_listener pop3s {
${implicit ? `    address = ${host}\n    port = ${port}\n    ssl = yes\n` : '    port = 0\n'}  }
`;
}

function configText(dir: string, host: string, port: number, runAs: string, runGroup: string, isRoot: boolean, authFailureDelay: number, mode: TlsMode | null, cert: TestCertificate | null): string {
  // Dovecot 2.3 syntax (Debian 12). Everything lives under `dir`.
  return `# written by host/servers/dovecot.ts for one test run
protocols = pop3
listen = ${host}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
login_log_format_elements = ${LOGIN_LOG_FORMAT}
${sslText(mode, cert)}auth_mechanisms = plain login
default_login_user = ${runAs}
default_internal_user = ${runAs}
default_internal_group = ${runGroup}
first_valid_uid = 1
last_valid_uid = 0
first_valid_gid = 1
last_valid_gid = 0
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
auth_failure_delay = ${authFailureDelay}s
service anvil {
${isRoot ? '' : '  # only root can chroot\n  chroot =\n'}${authFailureDelay > 0 ? '' : '  # no growing per-IP penalty after failed logins (its socket is made unusable)\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n'}}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service pop3-login {
${listenersText(host, port, mode)}${isRoot ? '' : '  chroot =\n'}}
`;
}

function extraSettings(settings: Record<string, string> | undefined): string {
  let out = '';
  for (const [k, v] of Object.entries(settings ?? {})) {
    if (!/^[a-z0-9_]+$/.test(k) || /[\r\n{}]/.test(v)) throw new Error(`startDovecot: bad setting ${JSON.stringify(k)} = ${JSON.stringify(v)}`);
    out += `${k} = ${v}\n`;
  }
  return out;
}

export async function startDovecot(opts: DovecotOptions = {}): Promise<DovecotHandle> {
  const binary = opts.binary ?? findDovecot();
  const version = dovecotVersion(binary);
  if (!/^2\.3\./.test(version)) {
    throw new Error(`dovecot ${version} found; this configuration is written for Dovecot 2.3 (Debian 12's dovecot-core)`);
  }
  if (!existsSync('/usr/lib/dovecot/pop3') && !existsSync('/usr/libexec/dovecot/pop3')) {
    throw new Error('Dovecot\'s POP3 service is missing (Debian package dovecot-pop3d): run `bash host/servers/install-deps.sh` as root');
  }
  const users = (opts.users ?? [{ user: 'sim900', password: 'sim900-pass' }]).slice();
  if (users.length === 0) throw new Error('startDovecot: give at least one user');
  for (const u of users) {
    if (!NAME_RE.test(u.user)) throw new Error(`startDovecot: user name ${JSON.stringify(u.user)} must match ${NAME_RE}`);
    if (typeof u.password !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(u.password) || u.password.indexOf(':') >= 0) {
      throw new Error(`startDovecot: password for ${u.user} must be 1-128 printable ASCII characters without ':' or spaces`);
    }
  }

  const authFailureDelay = opts.authFailureDelay ?? 0;
  if (!(Number.isInteger(authFailureDelay) && authFailureDelay >= 0 && authFailureDelay <= 60)) {
    throw new Error('startDovecot: authFailureDelay must be a whole number of seconds, 0-60');
  }
  const mode = opts.tls ?? null;
  if (mode !== null && mode !== 'implicit' && mode !== 'starttls') throw new Error(`startDovecot: tls must be 'implicit' or 'starttls', got ${JSON.stringify(mode)}`);
  // (before the temporary folder is made: a bad option or a missing openssl leaves nothing behind)
  const cert = mode ? testCertificate() : null;
  const host = mode === 'starttls' ? STARTTLS_HOST : '127.0.0.1';

  // Mail processes may not run as root: as root, run everything as `nobody`; otherwise as the current user.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let runAs: string;
  let mailOwner: MaildirOwner;
  if (isRoot) {
    const nobody = lookupUser('nobody');
    if (!nobody) throw new Error('startDovecot: running as root needs the user `nobody` for Dovecot\'s processes');
    runAs = 'nobody';
    mailOwner = nobody;
  } else {
    const me = userInfo();
    runAs = me.username;
    mailOwner = { uid: me.uid, gid: me.gid };
  }

  const runGroup = groupName(mailOwner.gid);
  if (!runGroup) throw new Error(`startDovecot: no group name for gid ${mailOwner.gid} in /etc/group`);

  const dir = mkdtempSync(join(tmpdir(), 'sim900-dovecot-'));
  // the login and auth processes (running as `runAs`) must be able to reach their sockets and the passwd-file
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'run'), { mode: 0o755 });
  mkdirSync(join(dir, 'state'), { mode: 0o750 });
  const logPath = join(dir, 'dovecot.log');
  const outUsers: DovecotUser[] = [];
  let passwd = '';
  for (const u of users) {
    const home = join(dir, 'home', u.user);
    const maildir = join(home, 'Maildir');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    ensureMaildir(maildir, isRoot ? mailOwner : undefined);
    if (isRoot) execFileSync('chown', [`${mailOwner.uid}:${mailOwner.gid}`, home]);
    passwd += `${u.user}:{PLAIN}${u.password}:${mailOwner.uid}:${mailOwner.gid}::${home}::\n`;
    outUsers.push({ user: u.user, password: u.password, maildir });
  }
  chmodSync(join(dir, 'home'), 0o755);
  writeFileSync(join(dir, 'users'), passwd, { mode: 0o644 });

  const startTimeout = opts.startTimeoutMs ?? 15000;
  let child: ChildProcess | null = null;
  let port = 0;
  let stderr = '';
  const readLog = () => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  // a free port found by bind-and-close can be taken by someone else before Dovecot binds it: retry then
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = opts.port ?? (await freePort(host));
    writeFileSync(join(dir, 'dovecot.conf'), configText(dir, host, port, runAs, runGroup, isRoot, authFailureDelay, mode, cert) + extraSettings(opts.settings), { mode: 0o644 });
    // setpriv (util-linux, always on Debian) makes the kernel send SIGTERM to Dovecot if this process dies
    // without calling stop() (a crashed or killed test run), so no orphaned server outlives its test
    const argv = [binary, '-F', '-c', join(dir, 'dovecot.conf')];
    const c = existsSync(SETPRIV)
      ? spawn(SETPRIV, ['--pdeathsig', 'TERM'].concat(argv), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(argv[0], argv.slice(1), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    stderr = '';
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    c.once('exit', () => (exited = true));
    const deadline = Date.now() + startTimeout;
    let up = false;
    while (!exited && Date.now() < deadline) {
      // a service that cannot start makes the master retry with growing pauses: give up at once instead
      if (/ Fatal: /.test(readLog())) break;
      if (await probeBanner(host, port, mode === 'implicit' ? cert : null)) {
        up = true;
        break;
      }
      await sleep(20);
    }
    if (up && !exited) {
      child = c;
      break;
    }
    if (!exited) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
    const why = (stderr + readLog()).trim();
    if (opts.port !== undefined || !/in use/i.test(why)) {
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
      throw new Error(`dovecot did not start on ${host}:${port}${exited ? ' (it exited)' : ` within ${startTimeout} ms`}:\n${why.slice(-2000)}`);
    }
  }
  if (!child) {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    throw new Error('dovecot: no free port after 5 attempts');
  }

  const master = child;
  const pid = master.pid!;
  const entry = { pid, dir, keep: !!opts.keepDir };
  live.add(entry);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', onExit);
  }
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    if (stopped) return stopped;
    stopped = (async () => {
      live.delete(entry);
      const kids = childrenOf(pid);
      if (master.exitCode === null && master.signalCode === null) {
        const gone = new Promise((r) => master.once('exit', r));
        // Signalling only the master makes it wait about a second for its children. Signalling the children
        // right after it ends everything in a few ms, and the master still reaps them (no zombies left behind).
        // (The master must go first: a child that dies before the master knows it is stopping is respawned.)
        master.kill('SIGTERM');
        await sleep(5);
        for (const k of kids) {
          try {
            process.kill(k, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
        let t: NodeJS.Timeout | undefined;
        const timer = new Promise((r) => (t = setTimeout(r, 5000, 'timeout')));
        const how = await Promise.race([gone, timer]);
        clearTimeout(t);
        if (how === 'timeout') {
          master.kill('SIGKILL');
          await gone;
        }
      }
      // the master signals its children when it stops; make sure none of them lingers
      const deadline = Date.now() + 3000;
      for (;;) {
        const alive = kids.filter(pidAlive);
        if (alive.length === 0) break;
        if (Date.now() > deadline) {
          for (const k of alive) {
            try {
              process.kill(k, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
          await sleep(50);
          break;
        }
        await sleep(20);
      }
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  return {
    host,
    port,
    user: outUsers[0].user,
    password: outUsers[0].password,
    maildir: outUsers[0].maildir,
    users: outUsers,
    mailOwner,
    dir,
    pid,
    logPath,
    log: readLog,
    tls: mode,
    logins: () => parseLogins(readLog()),
    waitForLogin: (index?: number, timeoutMs = 10000) => waitForLogin(readLog, index ?? parseLogins(readLog()).length, timeoutMs),
    stop,
  };
}

// (Dovecot leaves out an element whose variable is empty: a plaintext login has no tls=<>)
const LOGIN_RE = /: Login: user=<([^>]*)>(?:.*, tls=<([^>]*)>)?/;

/** The successful logins in a Dovecot log written with LOGIN_LOG_FORMAT. */
export function parseLogins(log: string): DovecotLogin[] {
  const out: DovecotLogin[] = [];
  for (const line of log.split('\n')) {
    const m = LOGIN_RE.exec(line);
    if (m) out.push({ user: m[1], tls: (m[2] && /^(TLSv[\d.]+|SSLv\d)/.exec(m[2])?.[1]) || null });
  }
  return out;
}

/** Dovecot's log process writes the login line some time after the client saw +OK: watch the log until it is there. */
async function waitForLogin(readLog: () => string, index: number, timeoutMs: number): Promise<DovecotLogin> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logins = parseLogins(readLog());
    if (logins.length > index) return logins[index];
    if (Date.now() > deadline) throw new Error(`dovecot logged no login #${index} within ${timeoutMs} ms`);
    await sleep(10);
  }
}
