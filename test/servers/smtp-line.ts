// A line-level SMTP client for the server tests: each call sends one line (or nothing) and returns the complete
// reply, or 'CLOSED'; over a plain or a TLS socket, upgraded in place after STARTTLS.
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { testCertificate } from '../../host/servers';

/** What a client that checks the server needs: our certificate as its only authority, the name in it. */
export const trust = (extra: tls.ConnectionOptions = {}): tls.ConnectionOptions => Object.assign({ ca: testCertificate().cert, servername: 'localhost' }, extra);

/** A line-level SMTP client over a plain or TLS socket; upgrades in place after STARTTLS. */
export class SmtpLine {
  buf = '';
  closed = false;
  private waiter: (() => void) | null = null;
  constructor(public sock: net.Socket) {
    this.listen();
  }
  static plain(host: string, port: number): SmtpLine {
    return new SmtpLine(net.connect(port, host));
  }
  static tls(host: string, port: number, extra?: tls.ConnectionOptions): SmtpLine {
    return new SmtpLine(tls.connect(Object.assign({ host, port }, trust(extra))));
  }
  private onData = (d: Buffer) => {
    this.buf += d.toString('latin1');
    this.wake();
  };
  private onClose = () => {
    this.closed = true;
    this.wake();
  };
  private listen() {
    this.sock.on('data', this.onData);
    this.sock.on('close', this.onClose);
    this.sock.on('error', () => undefined);
  }
  private wake() {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }
  /** Waits for a complete (possibly multi-line) reply, or 'CLOSED'. */
  async reply(): Promise<string> {
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3} [^\r\n]*\r\n/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        return m[0];
      }
      if (this.closed) return 'CLOSED';
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
  async cmd(line: string): Promise<string> {
    this.sock.write(Buffer.from(line + '\r\n', 'latin1'));
    return this.reply();
  }
  /** STARTTLS (must get 220), then the handshake on the same connection. */
  async starttls(extra?: tls.ConnectionOptions): Promise<void> {
    assert.match(await this.cmd('STARTTLS'), /^220 /);
    this.sock.removeListener('data', this.onData);
    this.sock.removeListener('close', this.onClose);
    const secure = tls.connect(Object.assign({ socket: this.sock }, trust(extra)));
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.sock = secure;
    this.listen();
  }
  get protocol(): string | null {
    return this.sock instanceof tls.TLSSocket ? this.sock.getProtocol() : null;
  }
  close() {
    this.sock.destroy();
  }
}
