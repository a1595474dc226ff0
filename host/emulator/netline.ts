// A TCP connection with a line reader and per-reply timeouts, shared by the emulator's SMTP and POP3 clients.
// Failures are thrown as NetFail with the manual's result code.

import * as net from 'node:net';
import * as tls from 'node:tls';
import * as dns from 'node:dns';

export class NetFail extends Error {
  constructor(
    public code: number,
    msg: string,
  ) {
    super(msg);
  }
}

export const CODE = {
  network: 61,
  dns: 62,
  tcp: 63,
  timeout: 64,
  response: 65,
} as const;

/** Resolves a host name (IPv4 first) or throws NetFail(62). */
export async function resolveHost(host: string): Promise<string> {
  if (net.isIP(host)) return host;
  try {
    const r = await dns.promises.lookup(host, { family: 4 });
    return r.address;
  } catch {
    try {
      const r = await dns.promises.lookup(host);
      return r.address;
    } catch {
      throw new NetFail(CODE.dns, `DNS: cannot resolve ${host}`);
    }
  }
}

/**
 * How the module speaks TLS (AT+EMAILSSL): the name it asked for (SNI, and checked against the certificate when
 * verifying), whether it verifies the server's certificate, against which authorities, and its newest TLS version.
 */
export interface TlsSetup {
  servername: string;
  verify: boolean;
  ca?: string | Buffer | Array<string | Buffer>;
  maxVersion: tls.SecureVersion;
}

/** What a TLS handshake settled, for the transcript and tests. */
export interface TlsInfo {
  protocol: string;
  cipher: string;
  authorized: boolean;
  authorizationError: string | null;
}

export class LineConn {
  private sock: net.Socket;
  /** Set once the connection speaks TLS. */
  tls: TlsInfo | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private failure: NetFail | null = null;
  private closedFlag = false;
  /** Raw-data mode: every received chunk goes to this callback instead of the line buffer. */
  onRaw: ((b: Buffer) => void) | null = null;
  /** Called when the connection fails or closes while idle. */
  onClose: ((f: NetFail) => void) | null = null;
  /** A transcript of the TCP conversation (C: / S: lines), for tests and debugging. */
  readonly transcript: string[] = [];

  private constructor(sock: net.Socket) {
    this.sock = sock;
    this.attach(sock);
  }

  private attach(sock: net.Socket): void {
    sock.on('data', (d: Buffer) => {
      if (this.onRaw) {
        this.onRaw(d);
        return;
      }
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    const fail = (why: string) => {
      if (this.closedFlag) return;
      this.closedFlag = true;
      if (!this.failure) this.failure = new NetFail(CODE.tcp, why);
      this.wake();
      if (this.onClose) this.onClose(this.failure);
    };
    sock.on('error', (e) => fail('TCP error: ' + e.message));
    sock.on('close', () => fail('TCP connection closed by peer'));
  }

  /**
   * TLS over this connection: at once for implicit TLS, after the server's go-ahead for STARTTLS/STLS. A failed
   * handshake (no TLS server there, a version or cipher both sides lack, a certificate refused) throws NetFail(63):
   * the manual has no code of its own for it, and to the module it is a connection that could not be made.
   */
  startTls(t: TlsSetup, timeoutMs: number): Promise<TlsInfo> {
    const raw = this.sock;
    raw.removeAllListeners('data');
    raw.removeAllListeners('error');
    raw.removeAllListeners('close');
    const name = net.isIP(t.servername) ? undefined : t.servername;
    return new Promise((resolve, reject) => {
      let settled = false;
      const s = tls.connect({ socket: raw, servername: name, rejectUnauthorized: t.verify, ca: t.ca, maxVersion: t.maxVersion, minVersion: 'TLSv1' });
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // (an abort from outside, a bearer lost during the handshake, keeps its own code)
        const f = this.failure || new NetFail(CODE.tcp, 'TLS: ' + why);
        this.transcript.push('TLS: ' + why);
        s.destroy();
        this.abort(f);
        reject(f);
      };
      const timer = setTimeout(() => fail('no handshake within ' + timeoutMs + ' ms'), timeoutMs);
      s.once('error', (e) => fail(e.message));
      s.once('close', () => fail('connection closed during the handshake'));
      s.once('secureConnect', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.removeAllListeners('close');
        const c = s.getCipher();
        const info: TlsInfo = {
          protocol: s.getProtocol() || '?',
          cipher: c ? c.name : '?',
          authorized: s.authorized,
          authorizationError: s.authorizationError ? String(s.authorizationError) : null,
        };
        this.tls = info;
        this.transcript.push(`TLS: ${info.protocol} ${info.cipher}${info.authorized ? ', certificate verified' : ', certificate not verified'}`);
        this.sock = s;
        this.attach(s);
        resolve(info);
      });
    });
  }

  static connect(host: string, port: number, timeoutMs: number): Promise<LineConn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port });
      const t = setTimeout(() => {
        sock.destroy();
        reject(new NetFail(CODE.tcp, 'TCP connect timeout'));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(t);
        sock.removeAllListeners('error');
        resolve(new LineConn(sock));
      });
      sock.once('error', (e) => {
        clearTimeout(t);
        reject(new NetFail(CODE.tcp, 'TCP connect: ' + e.message));
      });
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Makes every pending and future wait fail with this code, and closes the socket. */
  abort(f: NetFail): void {
    if (!this.failure) this.failure = f;
    this.closedFlag = true;
    this.sock.destroy();
    this.wake();
  }

  /** Writes and resolves when the data has been handed to the kernel. */
  write(data: Buffer | string, log?: string): Promise<void> {
    if (log !== undefined) this.transcript.push('C: ' + log);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.sock.write(data, (err) => {
        if (err) reject(this.failure || new NetFail(CODE.tcp, 'TCP write: ' + err.message));
        else resolve();
      });
    });
  }

  /** Reads one line (without its CRLF), failing with 64 after timeoutMs of silence. */
  async readLine(timeoutMs: number, timeoutCode: number = CODE.timeout): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(0x0a);
      if (i >= 0) {
        let line = this.buf.subarray(0, i).toString('latin1');
        this.buf = this.buf.subarray(i + 1);
        if (line.endsWith('\r')) line = line.substring(0, line.length - 1);
        this.transcript.push('S: ' + line);
        return line;
      }
      if (this.failure) throw this.failure;
      await this.waitData(timeoutMs, timeoutCode);
    }
  }

  /** Takes whatever is buffered (used when switching to raw mode). */
  takeBuffered(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }

  private waitData(timeoutMs: number, code: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiter = null;
        reject(new NetFail(code, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  destroy(): void {
    this.closedFlag = true;
    this.sock.destroy();
  }
}

/**
 * What an SMTP or POP3 session of the module shares: the connection, and an abort from outside (bearer lost,
 * reset, dropped TCP) that ends whatever the session does next with its code.
 */
export class NetSession {
  conn: LineConn | null = null;
  protected aborted: NetFail | null = null;
  private pauses = new Set<() => void>();

  abort(code: number, why: string): void {
    const f = new NetFail(code, why);
    if (!this.aborted) this.aborted = f;
    if (this.conn) this.conn.abort(f);
    for (const w of Array.from(this.pauses)) w();
  }

  /** Waits ms (cut short by an abort). */
  protected pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.pauses.delete(done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.pauses.add(done);
    });
  }

  /**
   * A server answer that comes delayMs late (a slow server stage). The module waits timeoutMs per step
   * (AT+EMAILTO): a later answer fails with 64 once timeoutMs has passed. Returns the time left to read it.
   */
  protected async slowAnswer(delayMs: number, timeoutMs: number): Promise<number> {
    if (delayMs <= 0) return timeoutMs;
    if (delayMs >= timeoutMs) {
      await this.pause(timeoutMs);
      this.check();
      throw new NetFail(CODE.timeout, `server step slower than ${timeoutMs} ms`);
    }
    await this.pause(delayMs);
    this.check();
    return timeoutMs - delayMs;
  }

  protected check(): void {
    if (this.aborted) throw this.aborted;
  }

  /** DNS, then TCP, then TLS when `implicitTls` is given, each honouring an abort that came meanwhile. */
  protected async open(host: string, port: number, timeoutMs: number, onClose: (f: NetFail) => void, implicitTls?: TlsSetup | null): Promise<LineConn> {
    const ip = await resolveHost(host);
    this.check();
    const conn = await LineConn.connect(ip, port, timeoutMs);
    this.conn = conn;
    conn.onClose = onClose;
    if (this.aborted) {
      conn.abort(this.aborted);
      throw this.aborted;
    }
    if (implicitTls) await this.secure(implicitTls, timeoutMs);
    return conn;
  }

  /** The TLS handshake on the open connection (implicit TLS, or after STARTTLS/STLS was accepted). */
  protected async secure(t: TlsSetup, timeoutMs: number): Promise<void> {
    const conn = this.conn!;
    const onClose = conn.onClose;
    // (a failed handshake is this step's result, not a connection lost while idle)
    conn.onClose = null;
    await conn.startTls(t, timeoutMs);
    conn.onClose = onClose;
    this.check();
  }
}
