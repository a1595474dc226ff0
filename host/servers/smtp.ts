// A real SMTP server for host tests and the demo: the `smtp-server` package on 127.0.0.1 and a free port, with
// optional AUTH (LOGIN and PLAIN over plaintext), delivery into a Maildir that Dovecot serves, recipient
// rejection, and fault injection at every stage of a session (reply, drop the connection, or delay).
// With `tls` it refuses plaintext: SMTPS (TLS from the first byte), or STARTTLS required before AUTH and MAIL.
import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession, SMTPServerDataStream, SMTPServerAuthentication } from 'smtp-server';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { deliverToMaildir, ensureMaildir, type MaildirOwner } from './maildir';
import { testCertificate, type TlsMode } from './tls';

/**
 * Where a fault can fire. 'greeting' is the 220 banner, 'message' is the reply after the message body (the end
 * of DATA); every other stage is the reply to that command ('ehlo' covers HELO too; 'auth' is the AUTH command
 * line itself, before any credentials are exchanged).
 */
export type SmtpStage = 'greeting' | 'ehlo' | 'auth' | 'mail' | 'rcpt' | 'data' | 'message' | 'rset' | 'noop' | 'quit';

export const SMTP_STAGES: readonly SmtpStage[] = ['greeting', 'ehlo', 'auth', 'mail', 'rcpt', 'data', 'message', 'rset', 'noop', 'quit'];

export interface SmtpFault {
  stage: SmtpStage;
  /**
   * A reply sent instead of the normal one, e.g. '451 Try again later'. Command stages accept a multi-line
   * reply: lines joined by '\n' (codes on the later lines optional; the code comes from the first line). The command is NOT performed by the server: a
   * rejected RCPT adds no recipient, a rejected message end delivers nothing. At 'greeting' the server closes
   * after the reply, as real servers do.
   */
  reply?: string;
  /** Drop the TCP connection (no reply) when the stage is reached. At 'message' the body is read first. */
  close?: boolean;
  /** Wait this long before answering (or before `reply` / `close` when given too). */
  delayMs?: number;
  /** How many sessions/commands it applies to before it is used up; default 1, Infinity for always. */
  times?: number;
}

export interface ReceivedMessage {
  /** MAIL FROM address ('' for the null sender) */
  from: string;
  /** RCPT TO addresses, in order */
  to: string[];
  /** The message bytes exactly as received after DATA (dot-unstuffed, without the final ".\r\n") */
  raw: Buffer;
  /** The user that authenticated, if any, and how */
  auth?: { user: string; method: string };
  /** HELO/EHLO argument */
  helo: string;
  /** Path of the delivered Maildir file (in new/ when written; Dovecot may move it to cur/ later) */
  file?: string;
  /** smtp-server's session id */
  sessionId: string;
  /** The TLS the message came over, as the server's end of the connection saw it; absent for plaintext */
  tls?: { protocol: string; cipher: string };
}

export interface SmtpOptions {
  /** Require authentication with these credentials (AUTH LOGIN / PLAIN over plaintext). Without it: no AUTH needed. */
  auth?: { user: string; password: string };
  /** Maildir to deliver each accepted message into (created if missing). */
  maildir?: string;
  /** Owner for the delivered files and the Maildir folders (when running as root for a Dovecot mail user). */
  maildirOwner?: MaildirOwner;
  /** Addresses refused at RCPT TO with 550 (compared case-insensitively). */
  rejectRecipients?: string[];
  /** Faults to inject; the returned handle's `faults` array can be changed at any time. */
  faults?: SmtpFault[];
  /** Maximum message size announced and enforced (552), bytes. */
  size?: number;
  /** Server name in the banner and EHLO reply; default 'smtp.test'. */
  name?: string;
  /** Port to listen on; default a free one. */
  port?: number;
  /** Idle timeout per connection, ms (smtp-server default is 60000). */
  socketTimeout?: number;
  /**
   * TLS only, with the certificate of ./tls: 'implicit' speaks TLS from the first byte (as on port 465);
   * 'starttls' offers STARTTLS and, before it, neither offers nor accepts AUTH (538) and refuses MAIL, RCPT and
   * DATA with Gmail's "530 5.7.0 Must issue a STARTTLS command first". Default: plaintext, no STARTTLS.
   */
  tls?: TlsMode;
}

export interface SmtpHandle {
  host: '127.0.0.1';
  port: number;
  /** Every accepted message, in arrival order. */
  received: ReceivedMessage[];
  /** Live list of faults; push to add, splice to remove. Used-up faults are removed automatically. */
  faults: SmtpFault[];
  /** Live set of rejected recipient addresses (lower case). */
  rejectRecipients: Set<string>;
  /** Resolves with the next accepted message (or the one already there when `index` is given and reached). */
  waitForMessage(index?: number, timeoutMs?: number): Promise<ReceivedMessage>;
  /** Number of TCP connections accepted so far (over implicit TLS: those whose handshake succeeded). */
  readonly connections: number;
  /** The TLS mode it was started with; null for plaintext */
  tls: TlsMode | null;
  stop(): Promise<void>;
}

const REPLY_RE = /^([2-5]\d\d)[ -]?([^\r\n]*)$/;

/** Validates a fault (a mistake in a test must fail loudly, not silently do nothing). */
export function checkFault(f: SmtpFault): void {
  if (!f || SMTP_STAGES.indexOf(f.stage) < 0) throw new Error(`SMTP fault: unknown stage ${JSON.stringify(f && f.stage)} (one of ${SMTP_STAGES.join(', ')})`);
  if (f.reply === undefined && !f.close && f.delayMs === undefined) throw new Error(`SMTP fault at ${f.stage}: give reply, close or delayMs`);
  if (f.reply !== undefined && f.close) throw new Error(`SMTP fault at ${f.stage}: reply and close exclude each other`);
  if (f.reply !== undefined) {
    const lines = f.reply.split('\n');
    if (!REPLY_RE.test(lines[0]) || lines.some((l) => /\r/.test(l))) throw new Error(`SMTP fault at ${f.stage}: reply must start with a 2xx-5xx code, got ${JSON.stringify(f.reply)}`);
    if (lines.length > 1 && (f.stage === 'greeting' || f.stage === 'message')) {
      throw new Error(`SMTP fault at ${f.stage}: only a one-line reply can be injected there`);
    }
  }
  if (f.delayMs !== undefined && !(f.delayMs >= 0 && Number.isFinite(f.delayMs))) throw new Error(`SMTP fault at ${f.stage}: bad delayMs ${f.delayMs}`);
  if (f.times !== undefined && !(f.times >= 1)) throw new Error(`SMTP fault at ${f.stage}: times must be >= 1`);
}

function parseReply(reply: string): { code: number; lines: string[] } {
  const parts = reply.split('\n');
  const m = REPLY_RE.exec(parts[0])!;
  const rest = parts.slice(1).map((l) => l.replace(/^[2-5]\d\d[ -]?/, ''));
  return { code: Number(m[1]), lines: [m[2]].concat(rest) };
}

function stageOfCommand(name: string): SmtpStage | null {
  switch (name) {
    case 'EHLO': case 'HELO': case 'LHLO': return 'ehlo';
    case 'AUTH': return 'auth';
    case 'MAIL': return 'mail';
    case 'RCPT': return 'rcpt';
    case 'DATA': return 'data';
    case 'RSET': return 'rset';
    case 'NOOP': return 'noop';
    case 'QUIT': return 'quit';
    default: return null;
  }
}

/** Commands that a 'starttls' server refuses on a plaintext connection */
const NEED_TLS = ['MAIL', 'RCPT', 'DATA'];

interface Conn {
  session: SMTPServerSession;
  secure: boolean;
  _socket: Socket;
  _nextHandler: unknown;
  _onCommand(command: Buffer, callback?: () => void): void;
  send(code: number, data?: string | string[] | null, context?: string | false): void;
}

function smtpError(code: number, message: string): Error {
  const e = new Error(message) as Error & { responseCode?: number };
  e.responseCode = code;
  return e;
}

export async function startSmtp(opts: SmtpOptions = {}): Promise<SmtpHandle> {
  const faults: SmtpFault[] = [];
  for (const f of opts.faults ?? []) {
    checkFault(f);
    faults.push(Object.assign({}, f));
  }
  if (opts.auth) {
    if (!opts.auth.user || typeof opts.auth.password !== 'string') throw new Error('SMTP auth needs a user and a password');
  }
  const mode = opts.tls ?? null;
  if (mode !== null && mode !== 'implicit' && mode !== 'starttls') throw new Error(`startSmtp: tls must be 'implicit' or 'starttls', got ${JSON.stringify(mode)}`);
  const cert = mode ? testCertificate() : null;
  const secured = new WeakMap<SMTPServerSession, { protocol: string; cipher: string }>();
  const rejectRecipients = new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const received: ReceivedMessage[] = [];
  const waiters: { index: number; resolve: (m: ReceivedMessage) => void }[] = [];
  const owner = opts.maildirOwner;
  if (opts.maildir) ensureMaildir(opts.maildir, owner);
  let connectionCount = 0;
  // delayed replies still pending; stop() cancels them so no timer outlives the server
  const timers = new Set<NodeJS.Timeout>();
  function later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  /** Takes the first fault for a stage (validating it again: tests may push to the live array). */
  function takeFault(stage: SmtpStage): SmtpFault | null {
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i];
      if (f.stage !== stage) continue;
      checkFault(f);
      const left = (f.times ?? 1) - 1;
      if (left <= 0) faults.splice(i, 1);
      else f.times = left;
      return f;
    }
    return null;
  }

  function findConn(session: SMTPServerSession): Conn | null {
    for (const c of server.connections as unknown as Set<Conn>) if (c.session === session) return c;
    return null;
  }

  /**
   * Wraps the connection's command dispatcher so that faults can replace, delay or drop any reply, and, in
   * 'starttls' mode, so that plaintext is refused the way Gmail does it (smtp-server alone would take MAIL when
   * no AUTH is configured, and lists AUTH in the EHLO reply before STARTTLS).
   */
  function instrument(conn: Conn): void {
    const dispatch = conn._onCommand.bind(conn);
    const send = conn.send.bind(conn);
    if (mode === 'starttls') {
      conn.send = (code, data, context) => send(code, !conn.secure && code === 250 && Array.isArray(data) ? data.filter((l) => !/^AUTH /.test(l)) : data, context);
    }
    conn._onCommand = (command: Buffer, callback?: () => void) => {
      // continuation lines of an AUTH exchange are not commands
      const name = conn._nextHandler ? '' : (command || Buffer.alloc(0)).toString('latin1').split(' ')[0].toUpperCase();
      const original = () => {
        if (mode !== 'starttls' || conn.secure || NEED_TLS.indexOf(name) < 0) return dispatch(command, callback);
        send(530, '5.7.0 Must issue a STARTTLS command first', false);
        if (callback) callback();
      };
      const stage = name ? stageOfCommand(name) : null;
      const fault = stage ? takeFault(stage) : null;
      if (!fault) return original();
      const act = () => {
        if (fault.close) {
          conn._socket.destroy();
          return;
        }
        if (fault.reply !== undefined) {
          const r = parseReply(fault.reply);
          send(r.code, r.lines.length > 1 ? r.lines : r.lines[0], false);
          if (callback) callback();
          return;
        }
        original();
      };
      if (fault.delayMs) later(act, fault.delayMs);
      else act();
    };
  }

  const server = new SMTPServer({
    name: opts.name ?? 'smtp.test',
    banner: 'test server ready',
    logger: false,
    disableReverseLookup: true,
    secure: mode === 'implicit',
    ...(cert ? { key: cert.key, cert: cert.cert } : {}),
    allowInsecureAuth: !mode,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !opts.auth,
    disabledCommands: (mode === 'starttls' ? [] : ['STARTTLS']).concat(opts.auth ? [] : ['AUTH']),
    size: opts.size,
    socketTimeout: opts.socketTimeout,
    closeTimeout: 200,
    onConnect(session, callback) {
      connectionCount++;
      const conn = findConn(session);
      if (conn) instrument(conn);
      const fault = takeFault('greeting');
      if (!fault) return callback();
      const act = () => {
        if (fault.close) {
          if (conn) conn._socket.destroy();
          else callback(smtpError(421, 'closing'));
          return;
        }
        if (fault.reply !== undefined) {
          const r = parseReply(fault.reply);
          return callback(smtpError(r.code, r.lines.join(' ')));
        }
        callback();
      };
      if (fault.delayMs) later(act, fault.delayMs);
      else act();
    },
    onSecure(socket, session, callback) {
      if (socket instanceof TLSSocket) {
        const cipher = socket.getCipher();
        secured.set(session, { protocol: socket.getProtocol() || '', cipher: cipher ? cipher.name : '' });
      }
      callback();
    },
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      const want = opts.auth;
      if (want && auth.username === want.user && auth.password === want.password) {
        return callback(null, { user: { username: auth.username, method: auth.method } });
      }
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      if (rejectRecipients.has(address.address.toLowerCase())) {
        return callback(smtpError(550, `<${address.address}>: Recipient address rejected: User unknown`));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e: Error) => callback(e));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (stream.sizeExceeded) return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
        const fault = takeFault('message');
        const finish = () => {
          if (fault && fault.close) {
            const conn = findConn(session);
            if (conn) conn._socket.destroy();
            return;
          }
          if (fault && fault.reply !== undefined) {
            const r = parseReply(fault.reply);
            return callback(smtpError(r.code, r.lines.join(' ')));
          }
          const user = session.user as { username: string; method: string } | undefined;
          const msg: ReceivedMessage = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((a) => a.address),
            raw,
            helo: session.hostNameAppearsAs || '',
            sessionId: session.id,
          };
          if (user) msg.auth = { user: user.username, method: user.method };
          const tls = secured.get(session);
          if (tls) msg.tls = tls;
          try {
            if (opts.maildir) msg.file = deliverToMaildir(opts.maildir, raw, owner);
          } catch (e) {
            return callback(smtpError(451, 'Local delivery failed: ' + (e as Error).message));
          }
          received.push(msg);
          for (let i = waiters.length - 1; i >= 0; i--) {
            if (received.length > waiters[i].index) {
              const w = waiters.splice(i, 1)[0];
              w.resolve(received[w.index]);
            }
          }
          callback(null, 'Ok: queued as ' + session.id);
        };
        if (fault && fault.delayMs) later(finish, fault.delayMs);
        else finish();
      });
    },
  });
  server.on('error', () => { /* per-connection errors (resets by tests dropping sockets) are expected */ });

  await new Promise<void>((resolve, reject) => {
    const onErr = (e: Error) => reject(e);
    server.server.once('error', onErr);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.server.removeListener('error', onErr);
      resolve();
    });
  });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('smtp-server did not report its port');

  let stopped: Promise<void> | null = null;
  return {
    host: '127.0.0.1',
    port: addr.port,
    received,
    faults,
    rejectRecipients,
    get connections() {
      return connectionCount;
    },
    tls: mode,
    waitForMessage(index?: number, timeoutMs = 10000) {
      const want = index ?? received.length;
      if (received.length > want) return Promise.resolve(received[want]);
      return new Promise<ReceivedMessage>((resolve, reject) => {
        const w = {
          index: want,
          resolve: (m: ReceivedMessage) => {
            clearTimeout(t);
            resolve(m);
          },
        };
        const t = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no message #${want} arrived at the SMTP server within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    stop() {
      if (!stopped) {
        stopped = new Promise<void>((resolve) => {
          for (const t of timers) clearTimeout(t);
          timers.clear();
          // drop open sessions at once: tests must not wait for idle clients
          for (const c of server.connections as unknown as Set<Conn>) c._socket.destroy();
          server.close(() => resolve());
        });
      }
      return stopped;
    },
  };
}
