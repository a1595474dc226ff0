// The emulator's own POP3 client (what the module does for AT+POP3IN ... AT+POP3OUT), on TCP, with TLS from the
// start or after STLS (RFC 2595) as AT+EMAILSSL asks. Login codes (manual 2.14): 1 ok, 62 DNS, 63 TCP (and a failed
// TLS handshake), 64 timeout, 65 server response error (STLS refused too), 66 server rejects the login, 67
// incorrect user name, 68 incorrect user name or password (61 is the emulator's: bearer).

import { NetFail, NetSession, CODE, type TlsSetup } from './netline';

export interface Pop3Job {
  host: string;
  port: number;
  user: string;
  password: string;
  /** AT+EMAILSSL: 0 plain, 1 TLS from the start, 2 STLS after the greeting. */
  ssl: number;
  tls: TlsSetup;
  timeoutMs: number;
  /** Extra time the server takes for each answer (a slow stage), drawn per answer; default none. */
  replyDelayMs?: () => number;
}

export interface MultiHandlers {
  /** Data bytes of the multi-line response as they arrive (raw, still dot-stuffed, with the final ".\r\n"). */
  data: (b: Buffer) => void;
  /** The final ".\r\n" line has arrived. */
  end: () => void;
  /** The connection failed (or timed out) in the middle of the multi-line data. */
  fail: (f: NetFail) => void;
}

const TERM = Buffer.from('\r\n.\r\n', 'latin1');

export class Pop3Session extends NetSession {
  /** Fired when the connection is lost while no command is running. */
  onLost: ((f: NetFail) => void) | null = null;

  constructor(private job: Pop3Job) {
    super();
  }

  async login(): Promise<number> {
    const j = this.job;
    const conn = await this.open(
      j.host,
      j.port,
      j.timeoutMs,
      (f) => {
        if (this.onLost) this.onLost(f);
      },
      j.ssl === 1 ? j.tls : null,
    );
    const g = await conn.readLine(await this.slowAnswer(this.delay(), j.timeoutMs));
    if (!g.startsWith('+OK')) throw new NetFail(CODE.response, 'greeting: ' + g);
    if (j.ssl === 2) {
      // STLS when CAPA lists it, or when the server has no CAPA (RFC 2449 came after RFC 2595's STLS)
      const caps = await this.capa();
      if (caps && caps.indexOf('STLS') < 0) throw new NetFail(CODE.response, 'server offers no STLS');
      const r = await this.simple('STLS');
      if (!r.startsWith('+OK')) throw new NetFail(CODE.response, 'STLS: ' + r);
      await this.secure(j.tls, j.timeoutMs);
    }
    const u = await this.simple('USER ' + j.user);
    if (!u.startsWith('+OK')) throw new NetFail(u.indexOf('[IN-USE]') >= 0 || u.indexOf('[SYS') >= 0 ? 66 : 67, 'USER: ' + u);
    const p = await this.simple('PASS ' + j.password, 'PASS <password>');
    if (!p.startsWith('+OK')) {
      // RFC 3206: [AUTH] means the credentials are wrong; [IN-USE] / [SYS/...] / [LOGIN-DELAY] mean the server
      // refuses to log in this user now.
      if (/\[(IN-USE|SYS\/|LOGIN-DELAY)/.test(p)) throw new NetFail(66, 'PASS: ' + p);
      throw new NetFail(68, 'PASS: ' + p);
    }
    return 1;
  }

  /** CAPA (RFC 2449): the capability names (upper case), or null when the server does not know the command. */
  private async capa(): Promise<string[] | null> {
    const status = await this.simple('CAPA');
    if (!status.startsWith('+OK')) return null;
    const out: string[] = [];
    for (;;) {
      const l = await this.conn!.readLine(this.job.timeoutMs);
      if (l === '.') return out;
      out.push(l.split(' ')[0].toUpperCase());
    }
  }

  /** Sends a command with a one-line reply and returns that line. */
  async simple(line: string, logAs?: string): Promise<string> {
    this.check();
    const c = this.conn!;
    await c.write(line + '\r\n', logAs ?? line);
    return c.readLine(await this.slowAnswer(this.delay(), this.job.timeoutMs));
  }

  private delay(): number {
    return this.job.replyDelayMs ? this.job.replyDelayMs() : 0;
  }

  /**
   * Sends a command with a multi-line reply. Resolves with the status line; when it is +OK, the data streams
   * to the handlers until the final dot line. A silence of timeoutMs inside the data fails with 69.
   */
  async multi(line: string, h: MultiHandlers): Promise<string> {
    const status = await this.simple(line);
    if (!status.startsWith('+OK')) return status;
    const c = this.conn!;
    let tail = Buffer.from('\r\n', 'latin1'); // the status line's CRLF: lets ".\r\n" as first line match TERM
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    const prevClose = c.onClose;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (done) return;
        done = true;
        c.onRaw = null;
        c.onClose = prevClose;
        h.fail(new NetFail(69, 'read data timeout'));
      }, this.job.timeoutMs);
      timer.unref();
    };
    const feed = (b: Buffer) => {
      if (done || b.length === 0) return;
      arm();
      const look = Buffer.concat([tail, b]);
      const k = look.indexOf(TERM);
      if (k >= 0) {
        const endInB = k + TERM.length - tail.length; // bytes of b up to and including the final ".\r\n"
        done = true;
        if (timer) clearTimeout(timer);
        c.onRaw = null;
        c.onClose = prevClose;
        h.data(b.subarray(0, endInB));
        h.end();
        return;
      }
      h.data(b);
      tail = look.subarray(Math.max(0, look.length - 4));
    };
    c.onRaw = feed;
    c.onClose = (f) => {
      c.onClose = prevClose;
      if (!done) {
        done = true;
        if (timer) clearTimeout(timer);
        h.fail(f);
      } else if (prevClose) prevClose(f);
    };
    arm();
    const buffered = c.takeBuffered();
    if (buffered.length) feed(buffered);
    return status;
  }

  async quit(): Promise<void> {
    try {
      const r = await this.simple('QUIT');
      void r;
    } finally {
      if (this.conn) this.conn.destroy();
    }
  }

  close(): void {
    if (this.conn) this.conn.destroy();
  }
}
