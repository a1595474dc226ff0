// The email client users call: require(...).connect(serial, options) in Espruino style. Methods take a node-style
// callback (err, result) and return a Promise when the callback is left out.
import { AtEngine, type Command, type Result } from '../at/engine';
import { intParam, quote } from '../at/params';
import { mailError, type MailError } from '../errors';
import { fields, maxOf, minOf, num, payload, str, type Field } from './parse';
import { pop3Error } from './codes';

export type Callback<T> = (err: MailError | null, result?: T) => void;

export interface MailOptions {
  /** bearer profile used for email (AT+EMAILCID), 1-3; default 1 */
  cid?: number;
  /** GPRS access point of the SIM's operator, and its user and password if it needs them */
  apn?: string;
  apnUser?: string;
  apnPassword?: string;
  /** AT+EMAILTO: seconds the module waits for a server reply, 10-120; default 30 */
  emailTimeout?: number;
  smtp?: { host: string; port?: number; user?: string; password?: string };
  pop3?: { host: string; port?: number; user: string; password: string };
  from?: { address: string; name?: string };
  /** body entry: 'sim900' (AT+SMTPBODY, "> " prompt, Ctrl-Z), 'sim800' (AT+SMTPBODY=<len>, DOWNLOAD), 'auto' */
  dialect?: 'sim900' | 'sim800' | 'auto';
  /** when SMTP and POP3 would overlap: 'wait' for the other to end (default) or 'refuse' with E_BUSY */
  busy?: 'wait' | 'refuse';
  /** the module keeps server, sender, recipients and subject after a send (FACTS 5.2 says it does not) */
  keepsSettings?: boolean;
  /** receive ring buffer size of the AT engine in bytes */
  rxBufferSize?: number;
  /** an AT engine already running on the serial port */
  engine?: AtEngine;
}

/** What the =? forms report, keyed by command name without "AT+": the fields of each answer. */
export type Limits = Record<string, Field[]>;

/** Settings the module holds after a send (AT+EMAILCID, AT+EMAILTO, AT+SMTPCS): the rest is reset (FACTS 5.2). */
const PERSISTENT: Record<string, 1> = { EMAILCID: 1, EMAILTO: 1, SMTPCS: 1 };

export const BEARER_STATUS = ['connecting', 'connected', 'closing', 'closed'];

interface Waiter {
  kind: string;
  fn: () => void;
}

export class Sim900Mail {
  at: AtEngine;
  opts: MailOptions;
  /** setting key -> the exact command line the module last accepted for it */
  held: Record<string, string>;
  limits: Limits | null;
  /** true when the bearer is known open, false when known closed, null when unknown */
  bearerUp: boolean | null;
  /** 'smtp' or 'pop3' while one of them runs: the module does not do both at once */
  session: string | null;
  dialect: string;
  /** commands written since connect, for the round-trip benchmark */
  commands: number;
  /** why the module ended the last POP3 session, if it did so on its own */
  pop3Lost: MailError | null;
  private waiters: Waiter[];
  private handlers: Record<string, ((arg?: any) => void)[]>;

  constructor(serial: any, opts: MailOptions) {
    this.opts = opts || {};
    this.at = this.opts.engine || new AtEngine(serial, { rxBufferSize: this.opts.rxBufferSize || 2048 });
    this.held = {};
    this.limits = null;
    this.bearerUp = null;
    this.session = null;
    this.dialect = this.opts.dialect && this.opts.dialect !== 'auto' ? this.opts.dialect : '';
    this.commands = 0;
    this.pop3Lost = null;
    this.waiters = [];
    this.handlers = {};
    const self = this;
    this.at.urc('+SAPBR ', (line: string) => {
      if (line.indexOf('DEACT') < 0) return;
      self.bearerUp = false;
      self.emit('deact', parseInt(line.substr(7), 10));
    });
    // the module ended the POP3 session on its own (bearer lost, server gone, unread data timed out)
    this.at.urc('+POP3OUT:', (line: string) => {
      if (self.session !== 'pop3') return;
      const code = parseInt(line.substr(10), 10);
      self.pop3Lost = code === 1 ? null : pop3Error(code, 'POP3 session');
      self.release('pop3');
      self.emit('pop3out', code);
    });
    // a send result nobody waits for (an older send, e.g. from before the board restarted): the module has
    // dropped its mail settings
    this.at.urc('+SMTPSEND:', (line: string) => {
      self.sent(true);
      self.emit('smtpsend', parseInt(line.substr(11), 10));
    });
    this.at.urc('RING', () => self.emit('ring'));
    this.at.urc('+CMTI:', (line: string) => self.emit('sms', line));
    this.at.urc('UNDER-VOLTAGE', (line: string) => self.emit('power', line));
    this.at.urc('OVER-VOLTAGE', (line: string) => self.emit('power', line));
    this.at.onReset(() => self.forget());
  }

  // ---- events: 'deact' (bearer released by the network), 'reset' (module restarted), 'ring', 'sms', 'power' ----

  on(event: string, fn: (arg?: any) => void): this {
    (this.handlers[event] = this.handlers[event] || []).push(fn);
    return this;
  }

  off(event: string, fn: (arg?: any) => void): this {
    const list = this.handlers[event];
    if (list) this.handlers[event] = list.filter((f) => f !== fn);
    return this;
  }

  emit(event: string, arg?: any): void {
    const list = this.handlers[event];
    if (list) for (const fn of list) fn(arg);
  }

  /** The module restarted: it holds none of our settings, no bearer, no session. */
  forget(): void {
    this.held = {};
    this.bearerUp = null;
    this.session = null;
    this.emit('reset');
    this.wake();
  }

  // ---- commands ----

  /** Sends one command line; `extra` adds finals, prompts, counted data ... (see the engine's Command). */
  exec(line: string, extra: any, cb: Callback<Result>): void {
    const cmd: Command = extra || ({} as Command);
    cmd.line = line;
    this.commands++;
    this.at.send(cmd, cb);
  }

  /** A setting: sent only when the module does not already hold exactly this line. */
  setting(key: string, line: string, cb: Callback<boolean>): void {
    if (this.held[key] === line) {
      cb(null, false);
      return;
    }
    const self = this;
    this.exec(line, null, (err) => {
      if (err) {
        delete self.held[key];
        cb(err);
        return;
      }
      self.held[key] = line;
      cb(null, true);
    });
  }

  /**
   * After a send the module drops server, auth, sender, recipients, subject, body and attachment (FACTS 5.2),
   * so they are sent again. Recipient counts stay: whether or not the module really emptied its lists, a list
   * is cleared before a shorter one is written, so no stale recipient survives at a higher index.
   */
  sent(unknown?: boolean): void {
    if (this.opts.keepsSettings && !unknown) return;
    // the bearer profile (AT+SAPBR=3) is no mail setting: it stays
    for (const k of Object.keys(this.held)) if (!PERSISTENT[k] && k.indexOf('RMAX') !== 0 && k.indexOf('SAPBR') !== 0) delete this.held[k];
  }

  /** Runs a read form "AT+X?" and returns the fields of its "+X:" line. */
  read(name: string, cb: Callback<Field[]>): void {
    this.exec('AT+' + name + '?', { prefix: '+' + name + ':' }, (err, res) => {
      if (err) return cb(err);
      const line = res!.lines[0];
      if (line === undefined) return cb(mailError('ProtocolError', 'E_PROTOCOL', `AT+${name}? gave no +${name}: line`));
      cb(null, fields(payload(line, '+' + name)));
    });
  }

  /** Runs a test form "AT+X=?" and returns the fields of its "+X:" line ([] when it answers only OK). */
  test(name: string, cb: Callback<Field[]>): void {
    this.exec('AT+' + name + '=?', { prefix: '+' + name + ':' }, (err, res) => {
      if (err) return cb(err);
      const line = res!.lines[0];
      cb(null, line === undefined ? [] : fields(payload(line, '+' + name)));
    });
  }

  /** Any test form "AT+<name>=?" of the manual, e.g. testForm('POP3READ') -> [[1, 1460]]. */
  testForm(name: string, cb?: Callback<Field[]>): any {
    if (!cb) return promised(this, this.testForm, [name]);
    if (!/^[A-Z0-9]+$/.test(name)) return cb(mailError('ParameterError', 'E_PARAM', 'testForm: not a command name: ' + name));
    this.test(name, cb);
  }

  /**
   * The maxima and ranges the module reports in the =? forms of the email commands, queried once and kept:
   * every later value is checked against them before it is written.
   */
  queryLimits(cb?: Callback<Limits>): any {
    if (!cb) return promised(this, this.queryLimits, []);
    if (this.limits) return cb(null, this.limits);
    const names = ['EMAILCID', 'EMAILTO', 'SMTPSRV', 'SMTPAUTH', 'SMTPFROM', 'SMTPRCPT', 'SMTPSUB', 'SMTPBODY', 'SMTPFILE', 'SMTPCS', 'POP3SRV'];
    const out: Limits = {};
    const self = this;
    let i = 0;
    const next = (err: MailError | null, f?: Field[]): void => {
      if (err) return cb(err);
      if (i > 0) out[names[i - 1]] = f!;
      if (i === names.length) {
        self.limits = out;
        return cb(null, out);
      }
      self.test(names[i++], next);
    };
    next(null);
  }

  /** A limit from the =? answers: limit('SMTPSUB', 0) is the subject's maximum length. */
  limit(name: string, index: number, fallback: number): number {
    const f = this.limits && this.limits[name];
    const v = f ? maxOf(f[index]) : NaN;
    return isNaN(v) ? fallback : v;
  }

  limitMin(name: string, index: number, fallback: number): number {
    const f = this.limits && this.limits[name];
    const v = f ? minOf(f[index]) : NaN;
    return isNaN(v) ? fallback : v;
  }

  // ---- SMTP and POP3 never at once ----

  /** Takes the module for `kind` ('smtp' or 'pop3'); waits or refuses while the other runs. */
  acquire(kind: string, cb: Callback<void>): void {
    if (this.session === null || this.session === kind) {
      this.session = kind;
      return cb(null);
    }
    if (this.opts.busy === 'refuse')
      return cb(mailError('BusyError', 'E_BUSY', `the module is busy with ${this.session.toUpperCase()}; SIM900 cannot run SMTP and POP3 at once`));
    const self = this;
    this.waiters.push({ kind: kind, fn: () => self.acquire(kind, cb) });
  }

  release(kind: string): void {
    if (this.session !== kind) return;
    this.session = null;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters.shift();
    if (w) w.fn();
  }

  // ---- email settings: AT+EMAILCID and AT+EMAILTO in all forms ----

  setCid(cid: number, cb?: Callback<boolean>): any {
    if (!cb) return promised(this, this.setCid, [cid]);
    const self = this;
    this.queryLimits((err) => {
      if (err) return cb(err);
      const p = param(() => intParam(cid, self.limitMin('EMAILCID', 0, 1), self.limit('EMAILCID', 0, 3), 'cid'));
      if (p instanceof Error) return cb(p);
      self.setting('EMAILCID', 'AT+EMAILCID=' + p, cb);
    });
  }

  getCid(cb?: Callback<number>): any {
    if (!cb) return promised(this, this.getCid, []);
    this.read('EMAILCID', (err, f) => (err ? cb(err) : cb(null, num(f![0]))));
  }

  setEmailTimeout(seconds: number, cb?: Callback<boolean>): any {
    if (!cb) return promised(this, this.setEmailTimeout, [seconds]);
    const self = this;
    this.queryLimits((err) => {
      if (err) return cb(err);
      const p = param(() => intParam(seconds, self.limitMin('EMAILTO', 0, 10), self.limit('EMAILTO', 0, 120), 'email timeout'));
      if (p instanceof Error) return cb(p);
      self.setting('EMAILTO', 'AT+EMAILTO=' + p, cb);
    });
  }

  getEmailTimeout(cb?: Callback<number>): any {
    if (!cb) return promised(this, this.getEmailTimeout, []);
    this.read('EMAILTO', (err, f) => (err ? cb(err) : cb(null, num(f![0]))));
  }

  /** Seconds the module may take for a whole SMTP or POP3 exchange: a few server round trips of AT+EMAILTO. */
  networkTimeout(): number {
    return ((this.opts.emailTimeout || 30) * 4 + 20) * 1000;
  }

  // ---- read forms of the SMTP/POP3 settings ----

  getSmtpServer(cb?: Callback<{ host: string; port: number }>): any {
    if (!cb) return promised(this, this.getSmtpServer, []);
    this.read('SMTPSRV', (err, f) => (err ? cb(err) : cb(null, { host: str(f![0]), port: num(f![1]) })));
  }

  getSmtpAuth(cb?: Callback<{ auth: boolean; user: string; password: string }>): any {
    if (!cb) return promised(this, this.getSmtpAuth, []);
    this.read('SMTPAUTH', (err, f) => (err ? cb(err) : cb(null, { auth: num(f![0]) === 1, user: str(f![1]), password: str(f![2]) })));
  }

  getFrom(cb?: Callback<{ address: string; name: string }>): any {
    if (!cb) return promised(this, this.getFrom, []);
    this.read('SMTPFROM', (err, f) => (err ? cb(err) : cb(null, { address: str(f![0]), name: str(f![1]) })));
  }

  /** AT+SMTPRCPT?: every recipient the module holds, as {type: 'to'|'cc'|'bcc', index, address, name}. */
  getRecipients(cb?: Callback<{ type: string; index: number; address: string; name: string }[]>): any {
    if (!cb) return promised(this, this.getRecipients, []);
    this.exec('AT+SMTPRCPT?', { prefix: '+SMTPRCPT:' }, (err, res) => {
      if (err) return cb(err);
      const out = [];
      for (const line of res!.lines) {
        const f = fields(payload(line, '+SMTPRCPT'));
        out.push({ type: ['to', 'cc', 'bcc'][num(f[0])] || String(f[0]), index: num(f[1]), address: str(f[2]), name: str(f[3]) });
      }
      cb(null, out);
    });
  }

  getSubject(cb?: Callback<string>): any {
    if (!cb) return promised(this, this.getSubject, []);
    this.exec('AT+SMTPSUB?', { prefix: '+SMTPSUB:' }, (err, res) => {
      if (err) return cb(err);
      // the subject is free text: take everything after the prefix, quotes removed, commas kept
      let s = res!.lines.length ? payload(res!.lines[0], '+SMTPSUB') : '';
      if (s.charAt(0) === '"' && s.charAt(s.length - 1) === '"') s = s.substr(1, s.length - 2);
      cb(null, s);
    });
  }

  getAttachment(cb?: Callback<{ type: number; name: string; encoding: number }>): any {
    if (!cb) return promised(this, this.getAttachment, []);
    this.read('SMTPFILE', (err, f) => (err ? cb(err) : cb(null, { type: num(f![0]), name: str(f![1]), encoding: num(f![2]) })));
  }

  getCharset(cb?: Callback<string>): any {
    if (!cb) return promised(this, this.getCharset, []);
    this.read('SMTPCS', (err, f) => (err ? cb(err) : cb(null, str(f![0]))));
  }

  getPop3Server(cb?: Callback<{ host: string; user: string; password: string; port: number }>): any {
    if (!cb) return promised(this, this.getPop3Server, []);
    this.read('POP3SRV', (err, f) => (err ? cb(err) : cb(null, { host: str(f![0]), user: str(f![1]), password: str(f![2]), port: num(f![3]) })));
  }

  // ---- the GPRS bearer (AT+SAPBR) ----

  /** AT+SAPBR=3: connection type GPRS, the APN, its user and password, for the email bearer profile. */
  bearerSetup(cb?: Callback<void>): any {
    if (!cb) return promised(this, this.bearerSetup, []);
    const cid = this.opts.cid || 1;
    const params: string[][] = [['CONTYPE', 'GPRS']];
    if (this.opts.apn !== undefined) params.push(['APN', this.opts.apn]);
    if (this.opts.apnUser !== undefined) params.push(['USER', this.opts.apnUser]);
    if (this.opts.apnPassword !== undefined) params.push(['PWD', this.opts.apnPassword]);
    const lines: string[] = [];
    for (const p of params) {
      const v = quoted(p[1], p[0] === 'APN' ? 64 : 32, 'bearer ' + p[0]);
      if (v instanceof Error) return cb(v);
      lines.push('AT+SAPBR=3,' + cid + ',"' + p[0] + '",' + v);
    }
    const self = this;
    let i = 0;
    const next = (err: MailError | null): void => {
      if (err) return cb(err);
      if (i === lines.length) return cb(null);
      const key = 'SAPBR3' + params[i][0];
      self.setting(key, lines[i++], next);
    };
    next(null);
  }

  /** AT+SAPBR=2: {cid, status: 0-3, state: 'connecting'|'connected'|'closing'|'closed', ip}. */
  bearerStatus(cb?: Callback<{ cid: number; status: number; state: string; ip: string }>): any {
    if (!cb) return promised(this, this.bearerStatus, []);
    const self = this;
    this.exec('AT+SAPBR=2,' + (this.opts.cid || 1), { prefix: '+SAPBR:' }, (err, res) => {
      if (err) return cb(err);
      const f = fields(payload(res!.lines[0] || '', '+SAPBR'));
      const status = num(f[1]);
      self.bearerUp = status === 1;
      cb(null, { cid: num(f[0]), status: status, state: BEARER_STATUS[status] || 'unknown', ip: str(f[2]) });
    });
  }

  /** Opens the bearer unless it is open: set-up, AT+SAPBR=1 (up to 85 s), then the IP address. */
  bearerOpen(cb?: Callback<{ ip: string }>): any {
    if (!cb) return promised(this, this.bearerOpen, []);
    const self = this;
    this.bearerStatus((err, st) => {
      if (err) return cb(err);
      if (st!.status === 1) return cb(null, { ip: st!.ip });
      self.bearerSetup((err2) => {
        if (err2) return cb(err2);
        self.exec('AT+SAPBR=1,' + (self.opts.cid || 1), { timeout: 90000 }, (err3) => {
          if (err3) {
            self.bearerUp = false;
            return cb(mailError('BearerError', 'E_BEARER', 'the GPRS bearer could not be opened (AT+SAPBR=1): ' + err3.message, { cause: err3 }));
          }
          self.bearerStatus((err4, st2) => {
            if (err4) return cb(err4);
            if (st2!.status !== 1) return cb(mailError('BearerError', 'E_BEARER', 'the GPRS bearer is ' + st2!.state + ' after AT+SAPBR=1'));
            cb(null, { ip: st2!.ip });
          });
        });
      });
    });
  }

  /** AT+SAPBR=0 (up to 65 s). */
  bearerClose(cb?: Callback<void>): any {
    if (!cb) return promised(this, this.bearerClose, []);
    const self = this;
    this.exec('AT+SAPBR=0,' + (this.opts.cid || 1), { timeout: 70000 }, (err) => {
      if (err) return cb(err);
      self.bearerUp = false;
      cb(null);
    });
  }

  /** AT+SAPBR=4: the profile's parameters, from the module's multi-line answer ("CONTYPE: GPRS" ...). */
  bearerParams(cb?: Callback<Record<string, string>>): any {
    if (!cb) return promised(this, this.bearerParams, []);
    this.exec('AT+SAPBR=4,' + (this.opts.cid || 1), { prefix: '' }, (err, res) => {
      if (err) return cb(err);
      const out: Record<string, string> = {};
      for (const line of res!.lines) {
        if (line.indexOf('+SAPBR:') === 0) {
          // the manual's form "+SAPBR: <tag>,<value>"
          const f = fields(payload(line, '+SAPBR'));
          if (f.length >= 2) out[str(f[0]).toUpperCase()] = str(f[1]);
          continue;
        }
        const colon = line.indexOf(':');
        if (colon > 0) out[line.substr(0, colon).toUpperCase()] = line.substr(colon + 1).trim();
      }
      cb(null, out);
    });
  }

  /** AT+SAPBR=5: saves the profile to the module's NVRAM (SIM900 only). */
  bearerSave(cb?: Callback<void>): any {
    if (!cb) return promised(this, this.bearerSave, []);
    this.exec('AT+SAPBR=5,' + (this.opts.cid || 1), null, (err) => cb(err));
  }

  /** AT+SAPBR=?: the supported cmd_types and cids. */
  bearerTest(cb?: Callback<Field[]>): any {
    if (!cb) return promised(this, this.bearerTest, []);
    this.test('SAPBR', cb);
  }

  /** Everything email needs before a send or a log-in: profile id, server timeout, an open bearer. */
  prepare(cb: Callback<void>): void {
    const self = this;
    this.queryLimits((err) => {
      if (err) return cb(err);
      const cid = self.opts.cid || 1;
      const to = self.opts.emailTimeout || 30;
      const pc = param(() => intParam(cid, self.limitMin('EMAILCID', 0, 1), self.limit('EMAILCID', 0, 3), 'cid'));
      if (pc instanceof Error) return cb(pc);
      const pt = param(() => intParam(to, self.limitMin('EMAILTO', 0, 10), self.limit('EMAILTO', 0, 120), 'email timeout'));
      if (pt instanceof Error) return cb(pt);
      self.setting('EMAILCID', 'AT+EMAILCID=' + pc, (e1) => {
        if (e1) return cb(e1);
        self.setting('EMAILTO', 'AT+EMAILTO=' + pt, (e2) => {
          if (e2) return cb(e2);
          if (self.bearerUp === true) return cb(null);
          self.bearerOpen((e3) => cb(e3 || null));
        });
      });
    });
  }

  close(): void {
    this.at.close();
  }
}

/** Runs an encoder and turns its exception into a returned error (ParameterError from the engine). */
export function param(fn: () => string): string | MailError {
  try {
    return fn();
  } catch (e: any) {
    if (e && e.code) return e as MailError;
    return mailError('ParameterError', 'E_PARAM', String(e && e.message ? e.message : e));
  }
}

/** quote() with its ParameterError returned instead of thrown. */
export function quoted(value: string, max: number, what: string): string | MailError {
  try {
    return quote(value, max, what);
  } catch (e: any) {
    return e as MailError;
  }
}

/** The Promise form of a callback method. */
export function promised(self: any, fn: Function, args: any[]): Promise<any> {
  return new Promise((resolve, reject) => {
    args.push((err: any, res: any) => (err ? reject(err) : resolve(res)));
    fn.apply(self, args);
  });
}
