// `npm run servers` (host/servers/cli.ts) as a user runs it: a child process on free ports, waited on by its
// output lines ("servers ready", never a sleep); mail sent over SMTP with AUTH read back over POP3; Ctrl-C (SIGINT
// to the process group, as a terminal sends it) and SIGTERM stop it with exit 0, Dovecot's processes and the
// temporary folders gone; bad arguments and ports in use end with one line on stderr and a non-zero exit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as net from 'node:net';
import nodemailer from 'nodemailer';
import { freePort, pidAlive, STARTTLS_HOST } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';
import { parseArgs, DEFAULT_SMTP_PORT, DEFAULT_POP3_PORT, READY_LINE } from '../../host/servers/cli';
import { childPids } from './helpers';

const root = join(__dirname, '..', '..');
const SCRIPT = 'node --import tsx host/servers/cli.ts';
/** Only a safety net against a hung child; every wait ends on an output line or an exit. */
const LIMIT_MS = 60000;

interface Run {
  proc: ChildProcess;
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching `re` (already printed or to come); rejects if the CLI exits first. */
  line(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI as package.json's "servers" script does, in its own process group (like a shell job). */
function run(args: string[]): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'host/servers/cli.ts'].concat(args), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: Object.assign({}, process.env, { NO_COLOR: '1' }),
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  let done = false;
  const waiters: { re: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      const hit = lines.find((l) => w.re.test(l));
      if (hit !== undefined) {
        waiters.splice(i, 1);
        w.resolve(hit);
      } else if (done) {
        waiters.splice(i, 1);
        w.reject(new Error(`the CLI exited before printing ${w.re}; stdout:\n${lines.join('\n')}\nstderr:\n${err}`));
      }
    }
  };
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    check();
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('close', (code, signal) => {
      if (partial) lines.push(partial);
      done = true;
      check();
      resolve({ code, signal });
    });
  });
  const safety = setTimeout(() => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, LIMIT_MS);
  void exited.then(() => clearTimeout(safety));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    line: (re) =>
      new Promise((resolve, reject) => {
        waiters.push({ re, resolve, reject });
        check();
      }),
  };
}

/** What the CLI printed before "servers ready" */
interface Printed {
  smtp: { host: string; port: number };
  pop3: { host: string; port: number };
  user: string;
  password: string;
  maildir: string;
  dovecotPid: number;
  dovecotDir: string;
  cert: string | null;
  accounts: { smtp: Record<string, unknown>; pop3: Record<string, unknown> };
}

async function ready(r: Run): Promise<Printed> {
  await r.line(new RegExp(`^${READY_LINE}$`));
  const get = (key: string): string => {
    const l = r.lines.find((x) => x.startsWith(key + ' '));
    if (l === undefined) throw new Error(`no "${key}" line in:\n${r.lines.join('\n')}`);
    return l.slice(key.length).trim();
  };
  const addr = (key: string) => {
    const m = /^([\d.]+):(\d+) /.exec(get(key))!;
    return { host: m[1], port: Number(m[2]) };
  };
  const dv = /^pid (\d+), folder (\S+) /.exec(get('dovecot'))!;
  const certLine = r.lines.find((x) => x.startsWith('cert '));
  return {
    smtp: addr('smtp'),
    pop3: addr('pop3'),
    user: get('user'),
    password: get('password'),
    maildir: get('maildir').split(/\s+/)[0],
    dovecotPid: Number(dv[1]),
    dovecotDir: dv[2],
    cert: certLine ? certLine.slice(5).trim().split(/\s+/)[0] : null,
    accounts: JSON.parse(get('accounts')),
  };
}

/** After the CLI has exited: Dovecot's master and its children are gone, and its folder with them. */
function assertCleanedUp(p: Printed): void {
  assert.not.ok(pidAlive(p.dovecotPid), `dovecot master ${p.dovecotPid} still running`);
  assert.equal(childPids(p.dovecotPid).filter(pidAlive), [], 'dovecot children left');
  assert.not.ok(existsSync(p.dovecotDir), `${p.dovecotDir} left behind`);
}

/** A failed start: a non-zero exit, exactly one line on stderr (no stack trace), nothing on stdout. */
async function failsWith(args: string[], code: number, re: RegExp): Promise<string> {
  const r = run(args);
  const x = await r.exited;
  const err = r.stderr();
  assert.is(x.code, code, `exit code of ${args.join(' ')}; stderr: ${err}`);
  assert.is(x.signal, null);
  assert.match(err, /^servers: [^\n]+\n$/, `one line on stderr for ${args.join(' ')}: ${JSON.stringify(err)}`);
  assert.match(err, re);
  assert.not.match(err, /\n\s+at /);
  assert.equal(r.lines.filter(Boolean), [], 'nothing on stdout');
  return err;
}

function holdPort(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

async function sendAndRead(p: Printed, opts: { auth: boolean; tls?: 'implicit' | 'starttls' }): Promise<void> {
  const token = `cli-${process.pid}-${Date.now()}`;
  const ca = p.cert ? readFileSync(p.cert, 'utf8') : undefined;
  const transport = nodemailer.createTransport({
    host: p.smtp.host,
    port: p.smtp.port,
    secure: opts.tls === 'implicit',
    requireTLS: opts.tls === 'starttls',
    ignoreTLS: !opts.tls,
    auth: opts.auth ? { user: p.user, pass: p.password } : undefined,
    tls: ca ? { ca, servername: 'localhost' } : undefined,
  } as any);
  const info = await transport.sendMail({ from: 'board@example.com', to: 'ops@example.org', subject: token, text: 'sent through npm run servers\n' });
  transport.close();
  assert.equal(info.accepted, ['ops@example.org']);

  const trust = { ca, servername: 'localhost' };
  let pop: Pop3Client;
  if (opts.tls === 'implicit') pop = await Pop3Client.connectTls(p.pop3.port, p.pop3.host, trust);
  else {
    pop = await Pop3Client.connect(p.pop3.port, p.pop3.host);
    if (opts.tls === 'starttls') await pop.stls(trust);
  }
  await pop.login(p.user, p.password);
  const st = await pop.stat();
  assert.is(st.count, 1);
  const raw = (await pop.retr(1)).toString('utf8');
  assert.match(raw, new RegExp(`^Subject: ${token}\\r$`, 'm'));
  assert.match(raw, /sent through npm run servers/);
  if (opts.tls) assert.ok(pop.tlsProtocol, 'POP3 over TLS');
  await pop.quit();
}

const cli = suite('servers: npm run servers (host/servers/cli.ts)');

cli('package.json runs it as the "servers" script; --help names the fixed default ports and exits 0', async () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.scripts.servers, SCRIPT);
  const r = run(['--help']);
  const x = await r.exited;
  assert.is(x.code, 0);
  assert.is(r.stderr(), '');
  const help = r.lines.join('\n');
  assert.match(help, `--smtp-port <n>   SMTP port on 127.0.0.1 (default ${DEFAULT_SMTP_PORT})`);
  assert.match(help, `--pop3-port <n>   POP3 port (default ${DEFAULT_POP3_PORT})`);
  for (const o of ['--tls <mode>', '--no-auth', STARTTLS_HOST, READY_LINE]) assert.match(help, o);
  assert.is(DEFAULT_SMTP_PORT, 2525);
  assert.is(DEFAULT_POP3_PORT, 1110);
});

cli('parseArgs: defaults, every option, both value forms, and what it refuses', () => {
  assert.equal(parseArgs([]), { smtpPort: 2525, pop3Port: 1110, tls: null, auth: true });
  assert.equal(parseArgs(['--smtp-port', '2600', '--pop3-port=0', '--tls', 'starttls', '--no-auth', '--dovecot', '/opt/dovecot']), {
    smtpPort: 2600,
    pop3Port: 0,
    tls: 'starttls',
    auth: false,
    dovecot: '/opt/dovecot',
  });
  assert.is(parseArgs(['--tls=implicit'])!.tls, 'implicit');
  assert.is(parseArgs(['--help']), null);
  assert.is(parseArgs(['-h']), null);
  const bad: [string[], RegExp][] = [
    [['--smtp-port'], /--smtp-port needs a value/],
    [['--smtp-port', '--no-auth'], /--smtp-port needs a value/],
    [['--smtp-port', '65536'], /port number 0-65535/],
    [['--pop3-port', '-1'], /port number 0-65535/],
    [['--pop3-port', '1e3'], /port number 0-65535/],
    [['--tls', 'ssl'], /--tls is implicit or starttls/],
    [['--no-auth=yes'], /takes no value/],
    [['--smtp-port', '3000', '--pop3-port', '3000'], /give two different ports/],
    [['--port', '1'], /unknown option "--port"/],
    [['extra'], /unknown argument "extra"/],
  ];
  for (const [args, re] of bad) assert.throws(() => parseArgs(args), re, args.join(' '));
});

cli('on free ports: mail sent with AUTH comes back over POP3; Ctrl-C stops both servers and exits 0', async () => {
  const smtpPort = await freePort();
  const pop3Port = await freePort();
  const r = run(['--smtp-port', String(smtpPort), '--pop3-port', String(pop3Port)]);
  let p: Printed;
  try {
    p = await ready(r);
  } catch (e) {
    r.proc.kill('SIGKILL');
    throw e;
  }
  assert.equal(p.smtp, { host: '127.0.0.1', port: smtpPort });
  assert.equal(p.pop3, { host: '127.0.0.1', port: pop3Port });
  assert.is(p.user, 'sim900');
  assert.is(p.password, 'sim900-pass');
  assert.ok(p.maildir.startsWith(p.dovecotDir + '/'), p.maildir);
  assert.ok(existsSync(join(p.maildir, 'new')), 'the Maildir exists');
  assert.is(p.cert, null);
  assert.equal(p.accounts, {
    smtp: { host: '127.0.0.1', port: smtpPort, user: 'sim900', password: 'sim900-pass' },
    pop3: { host: '127.0.0.1', port: pop3Port, user: 'sim900', password: 'sim900-pass' },
  });
  assert.match(r.lines.join('\n'), `--smtp 127.0.0.1:${smtpPort} --pop3 127.0.0.1:${pop3Port}`);
  assert.ok(pidAlive(p.dovecotPid));
  try {
    await sendAndRead(p, { auth: true });
  } finally {
    // Ctrl-C in a terminal: SIGINT to the whole process group, Dovecot included
    process.kill(-r.proc.pid!, 'SIGINT');
  }
  const x = await r.exited;
  assert.equal(x, { code: 0, signal: null }, r.stderr());
  assert.is(r.stderr(), '');
  assert.is(r.lines.filter(Boolean).pop(), 'servers stopped');
  assertCleanedUp(p);
});

cli('--no-auth: mail without AUTH is taken; SIGTERM to the CLI alone stops both and exits 0', async () => {
  const r = run(['--smtp-port', '0', '--pop3-port', '0', '--no-auth']);
  const p = await ready(r);
  assert.ok(p.smtp.port > 0 && p.pop3.port > 0);
  assert.match(r.lines.find((l) => l.startsWith('smtp '))!, /no AUTH/);
  assert.equal(p.accounts.smtp, { host: '127.0.0.1', port: p.smtp.port });
  try {
    await sendAndRead(p, { auth: false });
  } finally {
    r.proc.kill('SIGTERM');
  }
  assert.equal(await r.exited, { code: 0, signal: null }, r.stderr());
  assert.is(r.stderr(), '');
  assertCleanedUp(p);
});

cli('--tls starttls: POP3 on 127.0.0.2, STARTTLS/STLS with the printed certificate; its folder goes at exit', async () => {
  const smtpPort = await freePort();
  const pop3Port = await freePort(STARTTLS_HOST);
  const r = run(['--tls', 'starttls', '--smtp-port', String(smtpPort), '--pop3-port', String(pop3Port)]);
  const p = await ready(r);
  assert.equal(p.pop3, { host: STARTTLS_HOST, port: pop3Port });
  assert.ok(p.cert && existsSync(p.cert), 'certificate file printed');
  assert.match(readFileSync(p.cert!, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  assert.is(p.accounts.smtp.ssl, 'starttls');
  assert.is(p.accounts.pop3.ssl, 'starttls');
  assert.match(r.lines.join('\n'), `--emailssl on --tls-verify ${p.cert}`);
  // plaintext is refused before STLS
  const plain = await Pop3Client.connect(pop3Port, STARTTLS_HOST);
  assert.not.ok((await plain.command('USER ' + p.user)).ok);
  plain.destroy();
  try {
    await sendAndRead(p, { auth: true, tls: 'starttls' });
  } finally {
    process.kill(-r.proc.pid!, 'SIGINT');
  }
  assert.equal(await r.exited, { code: 0, signal: null }, r.stderr());
  assertCleanedUp(p);
  assert.not.ok(existsSync(dirname(p.cert!)), 'certificate folder removed');
});

cli('errors: unknown option, bad port, missing dovecot: one line on stderr, exit 2 / 1', async () => {
  await Promise.all([
    failsWith(['--smtp-prot', '2525'], 2, /unknown option "--smtp-prot" \(see --help\)/),
    failsWith(['--pop3-port', 'abc'], 2, /--pop3-port needs a port number 0-65535, got "abc"/),
    failsWith(['--tls', 'maybe'], 2, /--tls is implicit or starttls/),
    failsWith(['--smtp-port', '0', '--pop3-port', '0', '--dovecot', '/nonexistent/dovecot'], 1, /no dovecot program at \/nonexistent\/dovecot/),
  ]);
});

cli('errors: an SMTP or POP3 port in use: one line naming it and its option, exit 1', async () => {
  const held = await holdPort('127.0.0.1');
  const heldPort = (held.address() as net.AddressInfo).port;
  try {
    await Promise.all([
      failsWith(['--smtp-port', String(heldPort), '--pop3-port', '0'], 1, new RegExp(`SMTP port ${heldPort} on 127.0.0.1 is in use \\(pick another with --smtp-port\\)`)),
      failsWith(['--smtp-port', '0', '--pop3-port', String(heldPort)], 1, new RegExp(`POP3 port ${heldPort} on 127.0.0.1 is in use \\(pick another with --pop3-port\\)`)),
    ]);
  } finally {
    await close(held);
  }
});

cli.run();
