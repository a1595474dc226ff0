// The emulator's own SMTP client (what the module's firmware does on AT+SMTPSEND), on TCP, with TLS from the start
// or after STARTTLS as AT+EMAILSSL asks. Result codes follow the manual: 1 ok, 62 DNS, 63 TCP (and a failed TLS
// handshake), 64 timeout, 65 server error reply (STARTTLS refused or not offered too), 66 not authenticated, 67
// authentication failed, 68 bad recipient (61 is decided by the emulator: bearer).

import { NetFail, NetSession, CODE, type TlsSetup } from './netline';
import { composeMessage, dotStuff, MailSettings } from './compose';

export interface SmtpJob {
  host: string;
  port: number;
  authType: number;
  user: string;
  password: string;
  ehloName: string;
  /** AT+EMAILSSL: 0 plain, 1 TLS from the start, 2 STARTTLS after EHLO. */
  ssl: number;
  tls: TlsSetup;
  /** Per-reply timeout (ms). */
  timeoutMs: number;
  /** Extra time the server takes for each reply (a slow stage), drawn per reply; default none. */
  replyDelayMs?: () => number;
  mail: MailSettings;
}

export interface SmtpHooks {
  /** Called once the SMTP dialogue has reached the attachment; must resolve when the host finished (AT+SMTPFT=0). */
  attachment: (s: SmtpSession) => Promise<void>;
  /** Called at each stage, so the emulator can inject faults (drop TCP, lose bearer). */
  stage: (name: string, s: SmtpSession) => void;
  /** The connection failed while the session was not waiting for a reply (e.g. during the attachment). */
  lost: (f: NetFail) => void;
}

interface Reply {
  code: number;
  lines: string[];
}

export class SmtpSession extends NetSession {
  private atLineStart = true;
  private b64carry = '';
  private lastCR = false;
  /** Bytes of DATA written (after dot-stuffing), for tests. */
  dataBytes = 0;

  constructor(
    private job: SmtpJob,
    private hooks: SmtpHooks,
  ) {
    super();
  }

  get transcript(): string[] {
    return this.conn ? this.conn.transcript : [];
  }


  private delay(): number {
    return this.job.replyDelayMs ? this.job.replyDelayMs() : 0;
  }

  private async reply(): Promise<Reply> {
    const c = this.conn!;
    const lines: string[] = [];
    let left = await this.slowAnswer(this.delay(), this.job.timeoutMs);
    for (;;) {
      const l = await c.readLine(left);
      left = this.job.timeoutMs;
      const m = /^(\d{3})([ -]?)(.*)$/.exec(l);
      if (!m) throw new NetFail(CODE.response, 'malformed SMTP reply: ' + l);
      lines.push(m[3]);
      if (m[2] !== '-') return { code: parseInt(m[1], 10), lines };
    }
  }

  private async cmd(line: string, logAs?: string): Promise<Reply> {
    this.check();
    await this.conn!.write(line + '\r\n', logAs ?? line);
    return this.reply();
  }

  /**
   * A stage reached: the emulator may inject a fault there, which ends the dialogue at once (no "+SMTPFT: 1,..."
   * after a bearer lost at the DATA stage). After 'sent' the server has the message: the result stays 1.
   */
  private stage(name: string, s: SmtpSession): void {
    this.hooks.stage(name, s);
    if (name !== 'sent') this.check();
  }

  /** EHLO, or HELO when EHLO is refused: the server's capabilities (upper case; none after HELO). */
  private async hello(): Promise<string[]> {
    const ehlo = await this.cmd('EHLO ' + this.job.ehloName);
    if (ehlo.code === 250) return ehlo.lines.slice(1).map((s) => s.toUpperCase());
    const helo = await this.cmd('HELO ' + this.job.ehloName);
    if (helo.code !== 250) throw new NetFail(CODE.response, 'HELO ' + helo.code);
    return [];
  }

  /** Runs the whole dialogue. Resolves 1 or throws NetFail with the result code. */
  async run(): Promise<number> {
    const j = this.job;
    const conn = await this.open(j.host, j.port, j.timeoutMs, (f) => this.hooks.lost(f), j.ssl === 1 ? j.tls : null);
    const greet = await this.reply();
    if (greet.code !== 220) throw new NetFail(CODE.response, 'greeting ' + greet.code);
    this.stage('greeting', this);
    let caps = await this.hello();
    if (j.ssl === 2) {
      // STARTTLS was asked for: a server without it, or refusing it, ends the send (never plaintext instead)
      if (caps.indexOf('STARTTLS') < 0) throw new NetFail(CODE.response, 'server offers no STARTTLS');
      const r = await this.cmd('STARTTLS');
      if (r.code !== 220) throw new NetFail(CODE.response, 'STARTTLS ' + r.code);
      await this.secure(j.tls, j.timeoutMs);
      caps = await this.hello();
    }
    this.stage('ehlo', this);
    if (j.authType === 1) {
      const authLine = caps.find((c) => c.startsWith('AUTH ') || c.startsWith('AUTH='));
      const mechs = authLine ? authLine.substring(5).split(/\s+/) : [];
      if (mechs.indexOf('PLAIN') >= 0) {
        const tok = Buffer.from('\0' + j.user + '\0' + j.password, 'latin1').toString('base64');
        const r = await this.cmd('AUTH PLAIN ' + tok, 'AUTH PLAIN <credentials>');
        if (r.code !== 235) throw new NetFail(67, 'AUTH PLAIN ' + r.code);
      } else if (mechs.indexOf('LOGIN') >= 0) {
        let r = await this.cmd('AUTH LOGIN');
        if (r.code !== 334) throw new NetFail(67, 'AUTH LOGIN ' + r.code);
        r = await this.cmd(Buffer.from(j.user, 'latin1').toString('base64'), '<user>');
        if (r.code !== 334) throw new NetFail(67, 'AUTH LOGIN user ' + r.code);
        r = await this.cmd(Buffer.from(j.password, 'latin1').toString('base64'), '<password>');
        if (r.code !== 235) throw new NetFail(67, 'AUTH LOGIN password ' + r.code);
      } else {
        throw new NetFail(66, 'server offers no AUTH PLAIN/LOGIN');
      }
      this.stage('auth', this);
    }
    const mf = await this.cmd(`MAIL FROM:<${j.mail.fromAddress}>`);
    if (mf.code === 530) throw new NetFail(66, 'MAIL FROM needs authentication');
    if (mf.code !== 250) throw new NetFail(CODE.response, 'MAIL FROM ' + mf.code);
    this.stage('mail', this);
    for (const r of j.mail.rcpts) {
      const rr = await this.cmd(`RCPT TO:<${r.address}>`);
      if (rr.code === 530) throw new NetFail(66, 'RCPT needs authentication');
      if (rr.code !== 250 && rr.code !== 251) throw new NetFail(68, 'RCPT ' + r.address + ' ' + rr.code);
    }
    this.stage('rcpt', this);
    const d = await this.cmd('DATA');
    if (d.code !== 354) throw new NetFail(CODE.response, 'DATA ' + d.code);
    const composed = composeMessage(j.mail);
    await this.writeData(composed.head);
    this.stage('data', this);
    if (j.mail.attachment) {
      await this.hooks.attachment(this);
      this.check();
      await this.flushAttachment();
      await this.writeData(composed.tail);
    }
    this.check();
    const endSeq = this.atLineStart ? '.\r\n' : '\r\n.\r\n';
    await conn.write(endSeq, '<end of data>');
    const fin = await this.reply();
    if (fin.code !== 250) throw new NetFail(CODE.response, 'end of DATA ' + fin.code);
    this.stage('sent', this);
    // QUIT: the message is accepted already; a missing 221 does not change the result.
    try {
      await conn.write('QUIT\r\n', 'QUIT');
      const d = this.delay();
      if (d > 0) await this.pause(Math.min(d, this.job.timeoutMs));
      await conn.readLine(Math.max(1, Math.min(this.job.timeoutMs - d, 2000)));
    } catch {
      /* ignore */
    }
    conn.destroy();
    return 1;
  }

  private async writeData(b: Buffer): Promise<void> {
    this.check();
    const st = dotStuff(b, this.atLineStart);
    this.atLineStart = st.atLineStart;
    this.dataBytes += st.out.length;
    await this.conn!.write(st.out);
  }

  /**
   * One chunk of attachment bytes as sent by the host through AT+SMTPFT. For 7bit, bare LF becomes CRLF. For
   * base64, the host sends base64 text (line breaks allowed and ignored); the module re-wraps it in 76-char
   * lines. Returns false when the chunk is not valid for the encoding (the module answers ERROR).
   */
  async writeAttachment(chunk: Buffer, encodeType: number): Promise<boolean> {
    if (encodeType === 1) {
      const s = chunk.toString('latin1').replace(/[\r\n ]/g, '');
      if (!/^[A-Za-z0-9+/=]*$/.test(s)) return false;
      this.b64carry += s;
      const whole = Math.floor(this.b64carry.length / 76) * 76;
      let out = '';
      for (let i = 0; i < whole; i += 76) out += this.b64carry.substring(i, i + 76) + '\r\n';
      this.b64carry = this.b64carry.substring(whole);
      if (out) await this.writeData(Buffer.from(out, 'latin1'));
      return true;
    }
    let s = '';
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x0a && !this.lastCR) s += '\r';
      s += String.fromCharCode(c);
      this.lastCR = c === 0x0d;
    }
    await this.writeData(Buffer.from(s, 'latin1'));
    return true;
  }

  private async flushAttachment(): Promise<void> {
    if (this.b64carry) {
      const c = this.b64carry;
      this.b64carry = '';
      await this.writeData(Buffer.from(c + '\r\n', 'latin1'));
    }
  }

  close(): void {
    if (this.conn) this.conn.destroy();
  }
}
