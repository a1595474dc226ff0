// A TCP connection with a line reader and per-reply timeouts, shared by the emulator's SMTP and POP3 clients.
// Failures are thrown as NetFail with the manual's result code.

import * as net from 'node:net';
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

export class LineConn {
  private sock: net.Socket;
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

  /** DNS, then TCP, each honouring an abort that came meanwhile. */
  protected async open(host: string, port: number, timeoutMs: number, onClose: (f: NetFail) => void): Promise<LineConn> {
    const ip = await resolveHost(host);
    this.check();
    const conn = await LineConn.connect(ip, port, timeoutMs);
    this.conn = conn;
    conn.onClose = onClose;
    if (this.aborted) {
      conn.abort(this.aborted);
      throw this.aborted;
    }
    return conn;
  }
}
