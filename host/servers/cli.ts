// `npm run servers [-- --smtp-port 2525 --pop3-port 1110 --tls implicit|starttls --no-auth]`
// Starts the test mail servers (the npm smtp-server and Dovecot POP3, see ./index) on loopback with fixed ports,
// for firmware or the SIM900 emulator on this PC; prints the addresses, the account and the Maildir, then
// "servers ready", and runs until Ctrl-C / SIGTERM, which stops both (Dovecot's processes, temporary folders)
// and exits 0. A bad argument, a port in use or a missing Dovecot: one line on stderr, a non-zero exit.
import * as net from 'node:net';
import { accessSync, constants as fsConstants } from 'node:fs';
import { startMailServers, clientAccounts, testCertificate, pidAlive, STARTTLS_HOST, type MailServers, type TlsMode } from './index';

export const DEFAULT_SMTP_PORT = 2525;
export const DEFAULT_POP3_PORT = 1110;
/** The line a script waits for */
export const READY_LINE = 'servers ready';

export const HELP = `Test mail servers on loopback: SMTP (npm smtp-server) and POP3 (Dovecot)

usage: npm run servers [-- options]

  --smtp-port <n>   SMTP port on 127.0.0.1 (default ${DEFAULT_SMTP_PORT}); 0 = any free port
  --pop3-port <n>   POP3 port (default ${DEFAULT_POP3_PORT}); 0 = any free port. On 127.0.0.1, or on ${STARTTLS_HOST}
                    with --tls starttls (Dovecot treats 127.0.0.1 -> 127.0.0.1 as secured and would take
                    USER/PASS before STLS)
  --tls <mode>      TLS only, plaintext refused: 'implicit' (TLS from the first byte, like ports 465/995) or
                    'starttls' (SMTP STARTTLS / POP3 STLS required before AUTH / USER). The certificate is
                    self-signed, made at start with openssl, for localhost, 127.0.0.1 and 127.0.0.2; its file
                    is printed: give it to clients as their CA (emulator: --tls-verify <file>)
  --no-auth         the SMTP server takes mail without AUTH (and offers none)
  --dovecot <path>  the dovecot binary (default /usr/sbin/dovecot, or dovecot on PATH; Dovecot 2.3)
  --help            this text

Mail accepted over SMTP, whatever its recipient, is delivered into the test account's Maildir and read back
over POP3. It prints the addresses, the account (user sim900, password sim900-pass), the Maildir, a line
"accounts {json}" with the smtp/pop3 options for a board's mail.json, and then the line "${READY_LINE}".
Ctrl-C or SIGTERM stops both servers, removes their temporary folders and exits 0.
Errors: one line on stderr; exit 2 for a bad argument, 1 when the servers cannot start.
`;

export interface CliOptions {
  smtpPort: number;
  pop3Port: number;
  tls: TlsMode | null;
  auth: boolean;
  dovecot?: string;
}

/** A mistake in the command line (exit 2) */
export class UsageError extends Error {}

function port(s: string, name: string): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw new UsageError(`${name} needs a port number 0-65535, got ${JSON.stringify(s)}`);
  return Number(s);
}

/** Parses the arguments; null for --help. Throws UsageError. */
export function parseArgs(argv: string[]): CliOptions | null {
  const o: CliOptions = { smtpPort: DEFAULT_SMTP_PORT, pop3Port: DEFAULT_POP3_PORT, tls: null, auth: true };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const x = argv[i + 1];
      if (x === undefined || x.startsWith('--')) throw new UsageError(`${a} needs a value (see --help)`);
      i++;
      return x;
    };
    const flag = () => {
      if (inline !== undefined) throw new UsageError(`${a} takes no value (see --help)`);
    };
    switch (a) {
      case '--smtp-port': o.smtpPort = port(value(), a); break;
      case '--pop3-port': o.pop3Port = port(value(), a); break;
      case '--tls': {
        const m = value();
        if (m !== 'implicit' && m !== 'starttls') throw new UsageError(`--tls is implicit or starttls, got ${JSON.stringify(m)}`);
        o.tls = m;
        break;
      }
      case '--no-auth': flag(); o.auth = false; break;
      case '--dovecot': o.dovecot = value(); break;
      case '--help': case '-h': flag(); return null;
      default: throw new UsageError(`unknown ${a.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(argv[i])} (see --help)`);
    }
  }
  if (o.smtpPort !== 0 && o.smtpPort === o.pop3Port) throw new UsageError(`--smtp-port and --pop3-port are both ${o.smtpPort}: give two different ports`);
  return o;
}

/** Fails with a clear message when `port` cannot be listened on at `host` (in use, privileged, no such address). */
function checkPort(host: string, p: number, what: string, flag: string): Promise<void> {
  if (p === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => reject(new Error(portProblem(e.code, host, p, what, flag) ?? `${what} port ${p} on ${host}: ${e.message}`)));
    s.listen({ host, port: p, exclusive: true }, () => s.close(() => resolve()));
  });
}

function portProblem(code: string | undefined, host: string, p: number, what: string, flag: string): string | null {
  if (code === 'EADDRINUSE') return `${what} port ${p} on ${host} is in use (pick another with ${flag})`;
  if (code === 'EACCES') return `${what} port ${p} on ${host} needs root (pick one above 1023 with ${flag})`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${host} (is the loopback interface up?)`;
  return null;
}

/** One line from a start error (Dovecot's carries its log after the first line). */
function startProblem(e: unknown, o: CliOptions, pop3Host: string): string {
  const err = e as NodeJS.ErrnoException;
  const smtp = err.code ? portProblem(err.code, '127.0.0.1', o.smtpPort, 'SMTP', '--smtp-port') : null;
  if (smtp) return smtp;
  const lines = String((err && err.message) || err).split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] || 'the servers did not start';
  const rest = lines.slice(1);
  if (/^dovecot did not start/.test(first) && rest.some((l) => /in use/i.test(l))) return `POP3 port ${o.pop3Port} on ${pop3Host} is in use (pick another with --pop3-port)`;
  if (rest.length === 0) return first;
  const why = rest.filter((l) => /Fatal|Error/.test(l)).pop() || rest[rest.length - 1];
  return `${first.replace(/:$/, '')}: ${why}`;
}

function fail(message: string, code: number): never {
  process.stderr.write(`servers: ${message}\n`);
  process.exit(code);
}

function describe(s: MailServers, o: CliOptions): string[] {
  const acc = clientAccounts(s);
  if (!o.auth) {
    delete (acc.smtp as Partial<typeof acc.smtp>).user;
    delete (acc.smtp as Partial<typeof acc.smtp>).password;
  }
  const smtpHow = o.tls === 'implicit' ? 'TLS from the first byte (SMTPS)' : o.tls === 'starttls' ? 'STARTTLS required' : 'plaintext';
  const pop3How = o.tls === 'implicit' ? 'TLS from the first byte (POP3S)' : o.tls === 'starttls' ? 'STLS required before USER/PASS' : 'plaintext, USER/PASS';
  const out = [
    `smtp      ${s.smtp.host}:${s.smtp.port}  ${smtpHow}, ${o.auth ? 'AUTH PLAIN/LOGIN required' : 'no AUTH'}`,
    `pop3      ${s.pop3.host}:${s.pop3.port}  ${pop3How}`,
    `user      ${s.pop3.user}`,
    `password  ${s.pop3.password}`,
    `maildir   ${s.pop3.maildir}  (every mail the SMTP server accepts lands here)`,
    `dovecot   pid ${s.pop3.pid}, folder ${s.pop3.dir}  (log ${s.pop3.logPath}; removed on exit)`,
  ];
  let emu = `npm run emulator -- --pty /tmp/sim900 --smtp ${s.smtp.host}:${s.smtp.port} --pop3 ${s.pop3.host}:${s.pop3.port}`;
  if (o.tls) {
    const cert = testCertificate();
    out.push(`cert      ${cert.certFile}  (self-signed for localhost, 127.0.0.1, 127.0.0.2; trust it as the CA; removed on exit)`);
    emu += ` --emailssl on --tls-verify ${cert.certFile}`;
  }
  out.push(`accounts  ${JSON.stringify(acc)}`);
  out.push(`emulator  ${emu}`);
  out.push('Ctrl-C or SIGTERM stops both servers');
  return out;
}

async function main(): Promise<void> {
  process.stdout.on('error', () => undefined);
  let o: CliOptions | null;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    fail((e as Error).message, e instanceof UsageError ? 2 : 1);
  }
  if (!o) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const opts = o;
  process.on('uncaughtException', (e) => fail(`unexpected error: ${(e && e.message) || e}`, 1));
  process.on('unhandledRejection', (e) => fail(`unexpected error: ${(e as Error)?.message ?? e}`, 1));

  // a signal while the servers start stops them as soon as they are up
  let servers: MailServers | null = null;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (!servers) return;
    servers.stop().then(
      () => {
        process.stdout.write('servers stopped\n');
        process.exit(0);
      },
      (e: Error) => fail(`stopping: ${e.message.split('\n')[0]}`, 1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);

  const pop3Host = opts.tls === 'starttls' ? STARTTLS_HOST : '127.0.0.1';
  try {
    if (opts.dovecot) {
      try {
        accessSync(opts.dovecot, fsConstants.X_OK);
      } catch {
        throw new Error(`no dovecot program at ${opts.dovecot}`);
      }
    }
    await checkPort('127.0.0.1', opts.smtpPort, 'SMTP', '--smtp-port');
    await checkPort(pop3Host, opts.pop3Port, 'POP3', '--pop3-port');
    servers = await startMailServers({
      tls: opts.tls ?? undefined,
      dovecot: { port: opts.pop3Port || undefined, binary: opts.dovecot },
      smtp: { port: opts.smtpPort, auth: opts.auth ? undefined : null },
    });
  } catch (e) {
    // Ctrl-C during the start reaches Dovecot as well, which then fails to start: not an error of its own
    if (stopping) process.exit(0);
    fail(startProblem(e, opts, pop3Host), 1);
  }
  const s = servers;
  if (stopping) {
    stopping = false;
    stop();
    return;
  }
  process.stdout.write(describe(s, opts).join('\n') + '\n' + READY_LINE + '\n');

  // Run through npm, whose SIGTERM does not reach this process (npm and its sh die, this process is adopted by
  // init): stop when the parent changes. Run directly, the parent may go on purpose (a shell job left running).
  const parent = process.ppid;
  const byNpm = !!process.env.npm_lifecycle_event;
  // Dovecot gone without our stop(): say so instead of serving a dead POP3 port (a Ctrl-C in a terminal reaches
  // Dovecot too, at the same time as this process: give our own handler the time to run first)
  const watch = setInterval(() => {
    if (stopping) return;
    if (byNpm && process.ppid !== parent) {
      process.stderr.write('servers: npm, which started this process, is gone; stopping\n');
      stop();
      return;
    }
    if (pidAlive(s.pop3.pid)) return;
    clearInterval(watch);
    setTimeout(() => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`servers: dovecot (pid ${s.pop3.pid}) exited unexpectedly, POP3 is down; stopping\n`);
      s.stop().finally(() => process.exit(1));
    }, 500);
  }, 1000);
}

if (require.main === module) void main();
