// A raw POP3 client (RFC 1939) over a net socket, for tests that check what Dovecot serves byte by byte; over
// TLS from the start (connectTls, POP3S) or after STLS (RFC 2595).
// Multi-line answers are returned dot-unstuffed, without the terminating ".\r\n", as raw bytes.
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface Pop3Reply {
  ok: boolean;
  /** The status line without "+OK"/"-ERR" and the space after it */
  text: string;
  /** For multi-line answers: the data, dot-unstuffed (bytes as sent, CRLF kept) */
  data?: Buffer;
}

const CRLF = Buffer.from('\r\n');
const END = Buffer.from('\r\n.\r\n');

export class Pop3Client {
  private sock: net.Socket;
  private buf = Buffer.alloc(0);
  private waiting: { multi: boolean; resolve: (r: Pop3Reply) => void; reject: (e: Error) => void } | null = null;
  private closedError: Error | null = null;
  greeting: Pop3Reply | null = null;
  /** Every byte received, for tests that compare the exact wire form */
  wire: Buffer[] = [];

  private constructor(sock: net.Socket, private timeoutMs: number) {
    this.sock = sock;
    this.listen();
  }

  private onData = (d: Buffer) => {
    this.wire.push(d);
    this.buf = Buffer.concat([this.buf, d]);
    this.pump();
  };
  private onError = (e: Error) => {
    this.closedError = e;
    const w = this.waiting;
    this.waiting = null;
    if (w) w.reject(e);
  };
  private onClose = () => this.onError(new Error('POP3 connection closed'));
  private onTimeout = () => this.sock.destroy(new Error('POP3 timeout'));

  private listen(): void {
    this.sock.on('data', this.onData);
    this.sock.on('error', this.onError);
    this.sock.on('close', this.onClose);
    this.sock.setTimeout(this.timeoutMs, this.onTimeout);
  }

  private unlisten(): void {
    this.sock.removeListener('data', this.onData);
    this.sock.removeListener('error', this.onError);
    this.sock.removeListener('close', this.onClose);
    this.sock.setTimeout(0, this.onTimeout);
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 10000): Promise<Pop3Client> {
    return Pop3Client.greet(new Pop3Client(net.connect({ host, port }), timeoutMs));
  }

  /** POP3S: TLS from the first byte (`options` as for tls.connect: ca, servername, maxVersion, ...). */
  static connectTls(port: number, host = '127.0.0.1', options: tls.ConnectionOptions = {}, timeoutMs = 10000): Promise<Pop3Client> {
    return Pop3Client.greet(new Pop3Client(tls.connect(Object.assign({ host, port }, options)), timeoutMs));
  }

  private static greet(c: Pop3Client): Promise<Pop3Client> {
    return c.expect(false).then((g) => {
      c.greeting = g;
      if (!g.ok) throw new Error('POP3 greeting: -ERR ' + g.text);
      return c;
    });
  }

  /** STLS, then the TLS handshake on the same connection; rejects on -ERR or a failed handshake. */
  async stls(options: tls.ConnectionOptions = {}): Promise<void> {
    const r = await this.command('STLS');
    if (!r.ok) throw new Error('STLS: -ERR ' + r.text);
    this.unlisten();
    const secure = tls.connect(Object.assign({}, options, { socket: this.sock }));
    this.sock = secure;
    this.listen();
    await new Promise<void>((resolve, reject) => {
      const fail = (e?: Error) => reject(e || new Error('POP3 connection closed during the TLS handshake'));
      const closed = () => fail();
      secure.once('error', fail);
      secure.once('close', closed);
      secure.once('secureConnect', () => {
        secure.removeListener('error', fail);
        secure.removeListener('close', closed);
        resolve();
      });
    });
  }

  /** The TLS protocol of the connection, e.g. 'TLSv1.3'; null before TLS. */
  get tlsProtocol(): string | null {
    return this.sock instanceof tls.TLSSocket ? this.sock.getProtocol() : null;
  }

  private expect(multi: boolean): Promise<Pop3Reply> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.waiting = { multi, resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiting;
    if (!w) return;
    const eol = this.buf.indexOf(CRLF);
    if (eol < 0) return;
    const line = this.buf.subarray(0, eol).toString('latin1');
    const ok = line.startsWith('+OK');
    if (!ok && !line.startsWith('-ERR')) {
      this.waiting = null;
      w.reject(new Error('POP3: unexpected line ' + JSON.stringify(line)));
      return;
    }
    const text = line.replace(/^(\+OK|-ERR) ?/, '');
    if (!w.multi || !ok) {
      this.buf = this.buf.subarray(eol + 2);
      this.waiting = null;
      w.resolve({ ok, text });
      return;
    }
    // multi-line: data starts after the status line; ends with CRLF.CRLF (or an immediate ".\r\n")
    const start = eol + 2;
    let endAt: number;
    let dataEnd: number;
    if (this.buf.subarray(start, start + 3).toString('latin1') === '.\r\n') {
      endAt = start + 3;
      dataEnd = start;
    } else {
      const i = this.buf.indexOf(END, start);
      if (i < 0) return;
      endAt = i + END.length;
      dataEnd = i + 2;
    }
    const data = unstuff(this.buf.subarray(start, dataEnd));
    this.buf = this.buf.subarray(endAt);
    this.waiting = null;
    w.resolve({ ok, text, data });
  }

  /** Sends one command line (must not contain CR or LF) and reads the answer. */
  command(line: string, multi = false): Promise<Pop3Reply> {
    if (/[\r\n]/.test(line)) throw new Error('POP3 command must be one line');
    this.sock.write(line + '\r\n');
    return this.expect(multi);
  }

  async login(user: string, password: string): Promise<void> {
    const u = await this.command('USER ' + user);
    if (!u.ok) throw new Error('USER: -ERR ' + u.text);
    const p = await this.command('PASS ' + password);
    if (!p.ok) throw new Error('PASS: -ERR ' + p.text);
  }

  async stat(): Promise<{ count: number; size: number }> {
    const r = await this.command('STAT');
    if (!r.ok) throw new Error('STAT: -ERR ' + r.text);
    const m = /^(\d+) (\d+)/.exec(r.text);
    if (!m) throw new Error('STAT: bad answer ' + r.text);
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  /** LIST: message number -> size */
  async list(): Promise<{ n: number; size: number }[]> {
    const r = await this.command('LIST', true);
    if (!r.ok) throw new Error('LIST: -ERR ' + r.text);
    return lines(r.data!).map((l) => {
      const m = /^(\d+) (\d+)$/.exec(l);
      if (!m) throw new Error('LIST: bad line ' + l);
      return { n: Number(m[1]), size: Number(m[2]) };
    });
  }

  async uidl(): Promise<{ n: number; uid: string }[]> {
    const r = await this.command('UIDL', true);
    if (!r.ok) throw new Error('UIDL: -ERR ' + r.text);
    return lines(r.data!).map((l) => {
      const m = /^(\d+) ([\x21-\x7e]{1,70})$/.exec(l);
      if (!m) throw new Error('UIDL: bad line ' + l);
      return { n: Number(m[1]), uid: m[2] };
    });
  }

  async retr(n: number): Promise<Buffer> {
    const r = await this.command('RETR ' + n, true);
    if (!r.ok) throw new Error(`RETR ${n}: -ERR ${r.text}`);
    return r.data!;
  }

  async quit(): Promise<Pop3Reply> {
    const r = await this.command('QUIT');
    await new Promise<void>((res) => {
      if (this.sock.destroyed) return res();
      this.sock.once('close', () => res());
      this.sock.end();
    });
    return r;
  }

  destroy(): void {
    this.sock.destroy();
  }
}

function lines(b: Buffer): string[] {
  const s = b.toString('latin1');
  return s === '' ? [] : s.replace(/\r\n$/, '').split('\r\n');
}

/** Removes the byte-stuffed '.' at the start of each line (RFC 1939 section 3). */
export function unstuff(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  let lineStart = 0;
  while (lineStart < b.length) {
    if (b[lineStart] === 0x2e) {
      parts.push(b.subarray(pos, lineStart));
      pos = lineStart + 1;
    }
    const nl = b.indexOf(CRLF, lineStart);
    if (nl < 0) break;
    lineStart = nl + 2;
  }
  parts.push(b.subarray(pos));
  return Buffer.concat(parts);
}
