// The e-mail client (Storage module "s9mail"), Espruino module style:
//   var mail = require("s9mail").connect(Serial2, {apn: "internet", smtp: {...}, from: {...}});
//   mail.sendMail({to: "ops@example.org", subject: "Door open", body: "Door 2"}, function (err, res) {});
// Every method takes a node-style callback (err, result) last and, without one, returns a Promise.
//
// Every command of the manual goes through one generic call (call/get/set/test) driven by the command table
// (table.ts, in Storage as "s9cmd"): one encoder for every write form, one decoder for every read and test form and
// for every final result. Sequences (prepare, bearer, send, log-in) are step lists run by run() below. Sending and
// POP3 live in their own Storage modules ("s9smtp", "s9pop3"), loaded when a job needs them and dropped after.
import { err, bad, type MailError } from '../errors';
import { intParam, quote, promptText } from '../at/params';
import { fields, payload, type Field } from './parse';
import type { Engine, Command } from '../at/engine';
import type { Mailbox } from './pop3';
import type { MailMessage, SendResult } from './smtp';

// what the other modules of the library take from this one (an import of this file is require("s9mail") there)
export { err, bad } from '../errors';
export { quote, hex, scan, promptText } from '../at/params';
export { fields, payload } from './parse';

const Storage = require('Storage');

/** Node style: `result` is there when `err` is null (undefined otherwise, as in Node's own callbacks). */
export type Callback<T> = (err: MailError | null, result: T) => void;

export interface MailOptions {
  /** bearer profile used for e-mail (AT+EMAILCID), 1-3; default 1 */
  cid?: number;
  /** GPRS access point of the SIM's operator, and its user and password if it needs them */
  apn?: string;
  apnUser?: string;
  apnPassword?: string;
  /** AT+EMAILTO: seconds the module waits for a server reply, 10-120; default 30 */
  emailTimeout?: number;
  /** ssl: 'none' (default), 'implicit' (TLS from the start: 465, 995) or 'starttls' (587, 25, 110), by AT+EMAILSSL */
  smtp?: { host: string; port?: number; user?: string; password?: string; ssl?: string };
  pop3?: { host: string; port?: number; user: string; password: string; ssl?: string };
  from?: any;
  /** body entry: 'sim900' (AT+SMTPBODY, "> " prompt, Ctrl-Z), 'sim800' (AT+SMTPBODY=<len>, DOWNLOAD), 'auto' */
  dialect?: string;
  /** when SMTP and POP3 would overlap: 'wait' for the other to end (default) or 'refuse' with E_BUSY */
  busy?: string;
  /** the module keeps server, sender, recipients and subject after a send (docs/module-facts.md §7.2 says it does not) */
  keepsSettings?: boolean;
  /** receive buffer of the AT engine in bytes (the board's rxBufferSize) */
  rxBufferSize?: number;
  /** the most bytes asked for at once of AT+POP3READ and AT+SMTPFT (default 1460; the board's chunkBytes) */
  chunk?: number;
  /** an AT engine already running on the serial port */
  engine?: Engine;
}

/** What the =? forms report: command name (without AT+) -> its fields. */
export type Limits = { [name: string]: Field[] };


/** A step of a sequence: does its work and calls next(err, value) once (or throws). */
export type Step = (x: any, next: (e?: any, v?: any) => void, prev?: any) => void;

/** The callback itself, or one that settles the Promise it carries as .p (the one Promise mechanism). */
export function later(cb?: any): any {
  if (cb) return cb;
  let f: any;
  const p = new Promise(function (res, rej) {
    f = function (e: any, r: any) {
      e ? rej(e) : res(r);
    };
  });
  f.p = p;
  return f;
}

/**
 * Runs `steps` in order on the context `x`: each gets (x, next, value of the step before). The first error (passed
 * or thrown) ends the run; cb gets (err) or (null, x.res). Returns a Promise when cb is left out.
 */
export function run(steps: Step[], x: any, cb?: any): any {
  cb = later(cb);
  let i = 0;
  let over = false;
  function next(e?: any, v?: any): void {
    if (over) return;
    if (e || i == steps.length) return (over = true), cb(e || null, e ? undefined : x.res);
    try {
      steps[i++](x, next, v);
    } catch (t) {
      if (over) throw t;
      next(t);
    }
  }
  next();
  return cb.p;
}

/**
 * The row of the command table (s9cmd) that starts with `key` ("\nNAME "), split at spaces; for a command `name`,
 * E_PARAM when there is none.
 */
function row(key: string, name?: string): any {
  const t = Storage.read('s9cmd');
  const i = name && !/^[A-Z0-9]+$/.test(name) ? -1 : t.indexOf(key);
  // (a match must be whole: Espruino's indexOf also reports a needle whose start ends the string)
  if (i >= 0 && i + key.length <= t.length) return t.substring(i + 1, t.indexOf('\n', i + 1)).split(' ');
  if (name) throw bad('command', 'unknown: ' + name);
}

/** The typed error of result code `n` of +SMTPSEND (kind 'S') or +POP3IN/+POP3OUT ('P'). */
export function codeError(kind: string, n: number, command: string): MailError {
  const w = kind == 'S' ? 'SMTP' : 'POP3';
  const r = row('\n' + kind + n + ' ') || row('\n*' + n + ' ') || ['', 'UNKNOWN', 'unknown result code'];
  return err('E_' + w + '_' + r[1], command + ': ' + r.slice(2).join(' ').replace('%', w) + ' (' + n + ')', { result: n, command: command });
}

export class Mail {
  at: Engine;
  opts: MailOptions;
  /** 'sim900' or 'sim800' once known ('' until the first body) */
  dialect: string;
  /** true when the bearer is known open, false when known closed, null when unknown */
  bearerUp: boolean | null;
  /** 'smtp', 'pop3' (or the app's 'bearer') while one runs: the module does not do SMTP and POP3 at once */
  session: string | null;
  /** commands written since connect */
  commands: number;
  /** ms the module may take for a whole SMTP or POP3 exchange: a few server round trips of AT+EMAILTO */
  net_: number;
  /** setting key -> the exact command line (or its text after "=") the module holds for it; a number where it is one */
  held_: { [key: string]: any };
  /** the =? answer lines, "\n"-separated, once asked */
  lim_: string | null;
  wait_: any[];
  ev_: { [ev: string]: ((a?: any) => void)[] };
  /** why the module ended the last POP3 session on its own, if it did */
  lost_: MailError | null;
  /** a retrieve waiting for data: told when the session ends (+POP3OUT:, a reset); one slot, not two listeners */
  wake_?: () => void;

  constructor(serial: any, opts?: MailOptions) {
    const o = (this.opts = opts || {});
    // what the bearer set-up and the settings will write, checked before anything is: E_PARAM here, not 16 commands on
    if (o.cid !== undefined) intParam(o.cid, 1, 3, 'cid');
    if (o.emailTimeout !== undefined) intParam(o.emailTimeout, 10, 120, 'emailTimeout');
    if (o.apn !== undefined) quote(o.apn, 64, 'apn');
    if (o.apnUser !== undefined) quote(o.apnUser, 32, 'apnUser');
    if (o.apnPassword !== undefined) quote(o.apnPassword, 32, 'apnPassword');
    const at = (this.at = o.engine || require('s9at').connect(serial, { rxBufferSize: o.rxBufferSize }));
    this.dialect = o.dialect == 'sim800' || o.dialect == 'sim900' ? o.dialect : '';
    this.bearerUp = this.session = this.lim_ = this.lost_ = null;
    this.commands = 0;
    this.net_ = ((o.emailTimeout || 30) * 4 + 20) * 1000;
    this.held_ = {};
    this.wait_ = [];
    this.ev_ = {};
    const self = this;
    at.onReset = function (l: string) {
      // the module restarted: it holds none of our settings, no bearer, no session
      self.held_ = {};
      self.bearerUp = null;
      // (a mailbox in use learns why its session is gone)
      if (self.session == 'pop3') self.lost_ = err('E_RESET', 'module reset (' + l + ')');
      self.release_(self.session);
      if (self.wake_) self.wake_();
      self.emit('reset', l);
    };
    at.onLine = function (l: string) {
      self.urc_(l);
    };
  }

  // ---- events: 'urc' (any unsolicited line), 'reset', 'deact' (cid), 'pop3out' (code), 'smtpsend' (code)

  on(ev: string, fn: (a?: any) => void): Mail {
    (this.ev_[ev] = this.ev_[ev] || []).push(fn);
    return this;
  }

  off(ev: string, fn: (a?: any) => void): Mail {
    const l = this.ev_[ev] || [];
    if (l.indexOf(fn) >= 0) l.splice(l.indexOf(fn), 1);
    return this;
  }

  emit(ev: string, a?: any): void {
    const l = this.ev_[ev] || [];
    for (let i = 0; i < l.length; i++) l[i](a);
  }

  /** An unsolicited line nobody claimed. */
  urc_(l: string): void {
    const n = parseInt(l.substr(l.indexOf(':') + 1), 10);
    if (!l.indexOf('+SAPBR ') && l.indexOf('DEACT') > 0) (this.bearerUp = false), this.emit('deact', parseInt(l.substr(7), 10));
    if (!l.indexOf('+POP3OUT:')) {
      // the module ended the POP3 session (bearer lost, server gone, unread data timed out)
      if (this.session == 'pop3') (this.lost_ = n == 1 ? null : codeError('P', n, 'POP3 session')), this.release_('pop3');
      this.emit('pop3out', n);
      if (this.wake_) this.wake_();
    }
    // a send result nobody waits for (e.g. from before the board restarted): the module dropped its settings
    if (!l.indexOf('+SMTPSEND:')) this.sent_(true), this.emit('smtpsend', n);
    this.emit('urc', l);
  }

  // ---- the generic call

  /**
   * Writes one command line (engine options in `c`, e.g. a prompt or finals) and counts it. With `key`, the line is
   * a setting: not written while the module holds exactly it (cb(null) at once), remembered once accepted.
   */
  cmd_(line: string, c: any, cb: (e: MailError | null, c?: Command) => void, key?: string): void {
    const held = this.held_;
    // (a setting is kept as its text after "=": the key names the command, and the map stays in memory)
    const v = key ? line.substr(line.indexOf('=') + 1) : '';
    if (key && held[key] == v) return cb(null);
    delete held[key!];
    c = c || {};
    c.line = line;
    this.commands++;
    const self = this;
    this.at.send(c, function (e, d) {
      // the lines that change what the module holds act also when a command that takes every line collected them
      // (cheaper than URC handlers, which would stay in memory)
      const ls = c.lines;
      for (let i = 0; ls && i < ls.length; i++) if (!ls[i].indexOf('+SAPBR ') || !ls[i].indexOf('+POP3OUT:') || !ls[i].indexOf('+SMTPSEND:')) self.urc_(ls[i]);
      // (a number where the value is one: a property holding a number costs one JsVar less than one holding a string)
      if (key && !e) held[key] = +v + '' === v ? +v : v;
      // a fault (timeout, overflow, reset, a surprise) leaves the module's state unknown: ask again, send again
      if (e && !/E_ERROR|E_CME|E_PARAM|E_BUSY/.test(e.code)) (self.held_ = {}), (self.bearerUp = null);
      cb(e, d);
    });
  }

  /** A limit from the =? answers: field `i` of `name`; its maximum, or its minimum with min. */
  limit_(name: string, i: number, dflt: number, min?: boolean): number {
    const l = this.lim_ || '';
    const at = l.indexOf('\n' + name + ':');
    // (whole matches only: Espruino's indexOf also reports a needle whose start ends the string)
    const f: any = at >= 0 && at + name.length + 2 < l.length ? fields(l.substring(l.indexOf(':', at) + 1, l.indexOf('\n', at + 1)))[i] : null;
    const v = f && f.length ? f[min ? 0 : f.length - 1] : min ? -1 : f;
    return typeof v == 'number' && v >= 0 ? v : dflt;
  }

  /**
   * "AT+NAME=v1,v2..." for the write form: each value checked and encoded as its param in the command table says,
   * against the module's =? limits (`early`, before they are known: lengths unchecked). Throws E_PARAM.
   */
  line_(name: string, values: any, early?: boolean): string {
    const r = row('\n' + name + ' ', name);
    const out: string[] = [];
    values = Array.isArray(values) ? values : [values];
    for (let i = 0; i < values.length && values[i] !== undefined; i++) {
      if (!r[i + 2]) throw bad(name, 'takes ' + i + ' values');
      const p = r[i + 2].split(':');
      const d = p[1].substr(1).split('-');
      const what = name + ' ' + p[0];
      out.push(p[1].charAt(0) == 'i' ? intParam(values[i], this.limit_(name, i, +d[0], true), this.limit_(name, i, +d[1]), what) : quote(values[i], early && !this.lim_ ? 1e9 : this.limit_(name, i, +d[0]), what));
    }
    return 'AT+' + name + (out.length ? '=' + out : '');
  }

  /**
   * The generic call for every command of the table: form '?' (read), '=?' (test), '=' (write `values`) or ''
   * (execute; a prompt command types values[0]). The answer: a read form gives an object of the params (an array
   * of them for a multi-line read); a test form its fields; a command with a final result the fields after its
   * status; others nothing. Result codes other than success are typed errors (codeError, E_POP3_NEGATIVE).
   */
  call(name: string, form: string, values?: any, cb?: any): any {
    cb = later(cb);
    const self = this;
    try {
      const r = row('\n' + name + ' ', name);
      const f = r[1];
      const c: any = {};
      const read = form.indexOf('?') >= 0;
      let line = 'AT+' + name + form;
      if (read) {
        if (form == '?' && f.indexOf('r') < 0) throw bad(name, 'has no read form');
        c.prefix = '+' + name + ':';
      } else if (form) line = this.line_(name, values);
      else if (f.indexOf('p') >= 0) (c.prompt = '> '), (c.payload = promptText(Array.isArray(values) ? values[0] : values, this.limit_(name, 0, 4096), name)), (c.terminator = '\x1a');
      if (f.indexOf('f') >= 0 && !read) {
        // the result comes after OK as "+NAME:", for a POP3 command perhaps as "+POP3OUT:" (or a misspelt alias)
        c.finals = ['+' + name + ':'];
        if (f.indexOf('o') >= 0) c.finals.push('+POP3OUT:');
        if (f.split('/')[1]) c.finals.push('+' + f.split('/')[1] + ':');
        c.afterOk = true;
        c.finalTimeout = this.net_;
      }
      this.cmd_(line, c, function (e: any, d: any) {
        if (e || !d) return cb(e);
        if (c.finals) return self.result_(name, d.final, cb);
        const out: any[] = [];
        for (let i = 0; i < d.lines.length; i++) {
          const text = payload(d.lines[i], c.prefix);
          const v: any = form == '?' && f.indexOf('x') >= 0 ? [text.charAt(0) == '"' ? text.substr(1, text.length - 2) : text] : fields(text);
          const o: any = {};
          for (let k = 2; k < r.length; k++) o[r[k].split(':')[0]] = v[k - 2];
          out.push(form == '=?' ? v : o);
        }
        cb(null, form == '=?' ? out[0] || [] : form != '?' ? undefined : f.indexOf('m') >= 0 ? out : out[0] || null);
      }, form == '=' && /r/.test(f) && !/m/.test(f) ? name : undefined); // a setting is not sent while the module holds it
    } catch (e) {
      cb(e);
    }
    return cb.p;
  }

  /** AT+NAME? as an object of its params, e.g. get('SMTPSRV') -> {host, port}. */
  get(name: string, cb?: Callback<any>): any {
    return this.call(name, '?', null, cb);
  }

  /** AT+NAME=values (an array, or one value), e.g. set('EMAILTO', 60). A setting the module holds is not sent again. */
  set(name: string, values: any, cb?: Callback<any>): any {
    return this.call(name, '=', values, cb);
  }

  /** AT+NAME=? as its fields, e.g. test('POP3READ') -> [[1, 1460]]. */
  test(name: string, cb?: Callback<Field[]>): any {
    return this.call(name, '=?', null, cb);
  }

  /**
   * A final result "+NAME: <status>[,fields]" (or "+POP3OUT: <code>" instead): the fields after the status, or the
   * typed error it means.
   */
  result_(name: string, fin: string, cb: (e: MailError | null, r?: any) => void): void {
    const f: any[] = fields(fin.substr(fin.indexOf(':') + 1));
    const n = f[0];
    const out = !fin.indexOf('+POP3OUT:') && name != 'POP3OUT';
    // the module ended the POP3 session instead of answering
    if (out || name == 'POP3OUT') this.release_('pop3');
    if (out || /^SMTPSEND$|^POP3IN$|^POP3OUT$/.test(name)) return cb(n == 1 && !out ? null : codeError(out ? 'P' : name.charAt(0), n, 'AT+' + name));
    cb(n == 1 ? null : err('E_POP3_NEGATIVE', 'AT+' + name + ': the POP3 server answered -ERR', { result: 0, command: 'AT+' + name }), f.slice(1));
  }

  /**
   * The maxima and ranges of every test form the table marks (q), asked once in one line; their answer lines are
   * kept as one string (a few JsVars, not 100+). `quiet`: only ask, cb(err).
   */
  limits(cb?: any, quiet?: boolean): any {
    cb = later(cb);
    const self = this;
    const done = function (): void {
      const lim: Limits = {};
      if (quiet) return cb();
      const ls = self.lim_!.split('\n');
      for (let i = 0; i < ls.length; i++) if (ls[i]) lim[ls[i].substring(0, ls[i].indexOf(':'))] = fields(payload(ls[i], ls[i].split(':')[0]));
      cb(null, lim);
    };
    if (this.lim_ != null) done();
    else {
      const names = Storage.read('s9cmd').split('\n').filter(function (r: string) {
        return /^[A-Z0-9]+ [a-z]*q/.test(r);
      });
      this.cmd_('AT+' + names.map(function (r: string) {
        return r.split(' ')[0] + '=?';
      }).join(';+'), { prefix: '+' }, function (e: any, c: any) {
        // a module that refuses the chained line keeps the table's defaults
        if (e && !/E_ERROR|E_CME/.test(e.code)) return cb(e);
        // (kept for the session, so kept short: "SMTPSRV:64,(1-65535)")
        self.lim_ = '\n' + (e ? '' : c.lines.join('\n').replace(/[+ ]/g, '') + '\n');
        done();
      });
    }
    return cb.p;
  }

  /**
   * After a send the module drops server, sender, recipients, subject, body and attachment (docs/module-facts.md §7.2), so they are
   * sent again; what it keeps (cid, timeout, charset, bearer, recipient counts) stays known.
   */
  sent_(unknown?: boolean): void {
    if (this.opts.keepsSettings && !unknown) return;
    // (copied, not deleted in place: Espruino's for-in ends when the key it stands on is deleted)
    const h: any = {};
    for (const k in this.held_) if (KEPT.test(k)) h[k] = this.held_[k];
    this.held_ = h;
  }

  /** Takes the module for `kind` ('smtp', 'pop3' or 'bearer'); waits or refuses while another runs. */
  acquire_(kind: string, cb: (e?: any) => void): void {
    const self = this;
    if (this.session === null || this.session == kind) (this.session = kind), cb();
    else if (this.opts.busy == 'refuse') cb(err('E_BUSY', 'the module is busy with ' + this.session + ' (SIM900: no SMTP and POP3 at once)'));
    else
      this.wait_.push(function () {
        self.acquire_(kind, cb);
      });
  }

  release_(kind: string | null): void {
    if (this.session != kind) return;
    this.session = null;
    if (this.wait_.length) this.wait_.shift()();
  }

  /**
   * The GPRS bearer (AT+SAPBR): op 'status' -> {cid, status, state, ip}; 'open' (set-up, AT+SAPBR=1, up to 85 s;
   * nothing when open) -> {ip}; 'close' (up to 65 s); 'setup' (AT+SAPBR=3: GPRS, APN, user, password); 'params'
   * (AT+SAPBR=4) -> {CONTYPE, APN, ...}; 'save' (AT+SAPBR=5, SIM900 only). Other forms: call('SAPBR', ...).
   */
  bearer(op: string, cb?: Callback<any>): any {
    const c = this;
    const cid = this.opts.cid || 1;
    // the op as AT+SAPBR steps: <cmd_type>, "3<tag>" for a setting, "!" done if open, "?" fails unless open
    const plan = ({ status: '2', setup: '30 31 32 33', save: '5', close: '0', params: '4', open: '2 ! 30 31 32 33 1 2 ?' } as any)[op];
    const x: any = { i: 0 };
    // (one step function for them all: a call makes no closure per step)
    const step: Step = function (_x, next) {
      const s = plan.split(' ')[x.i++];
      // (past the end: the bearer was found open, the steps left do nothing)
      if (!s) return next();
      const type = +s.charAt(0);
      const st = x.res;
      if (s == '!' || s == '?') {
        if (c.bearerUp || s == '?') x.res = { ip: st.ip };
        if (c.bearerUp && s == '!') x.i = 99;
        if (s == '!') return next();
        return next(c.bearerUp ? null : err('E_BEARER', 'the GPRS bearer is ' + st.state + ' after AT+SAPBR=1'));
      }
      let line = 'AT+SAPBR=' + type + ',' + cid;
      const tag = ['CONTYPE', 'APN', 'USER', 'PWD'][+s.charAt(1)];
      if (type == 3) {
        const v = +s.charAt(1) ? (c.opts as any)[['', 'apn', 'apnUser', 'apnPassword'][+s.charAt(1)]] : 'GPRS';
        if (v === undefined) return next();
        line += ',"' + tag + '",' + quote(v, tag == 'APN' ? 64 : 32, 'bearer ' + tag);
      }
      c.cmd_(line, { timeout: type == 1 ? 90000 : type ? 5000 : 70000, prefix: type == 4 ? '' : type == 2 ? '+SAPBR:' : undefined }, function (e: any, d: any) {
        if (type == 1 && e) (c.bearerUp = false), (e = err('E_BEARER', 'the GPRS bearer could not be opened: ' + e.message, { cause: e }));
        if (e) return next(e);
        if (!type) c.bearerUp = false;
        if (type == 2) {
          const f = fields(payload(d.lines[0] || '', '+SAPBR'));
          c.bearerUp = f[1] == 1;
          x.res = { cid: f[0], status: f[1], state: ['connecting', 'connected', 'closing', 'closed'][f[1] as number] || 'unknown', ip: f[2] };
        }
        if (type == 4) {
          // real modules print "+SAPBR:" then "CONTYPE: GPRS", "APN: ..."; the manual says "+SAPBR: <tag>,<value>"
          x.res = {};
          for (let i = 0; i < d.lines.length; i++) {
            const l = d.lines[i].replace(/^\+SAPBR: *"*([^",]+)"*,/, '$1:').replace(/"/g, '');
            if (l.indexOf('+SAPBR') && l.indexOf(':') > 0) x.res[l.split(':')[0].toUpperCase()] = l.substr(l.indexOf(':') + 1).trim();
          }
        }
        next();
      }, type == 3 ? 'SAPBR' + tag : undefined);
    };
    const steps: Step[] = [];
    for (let i = 0; plan && i < plan.split(' ').length; i++) steps.push(step);
    return run(plan ? steps : [function () {
      throw bad('bearer', 'unknown operation ' + op);
    }], x, cb);
  }

  /**
   * Everything e-mail needs before a send or a log-in: limits, profile id, server timeout, TLS (AT+EMAILSSL type
   * `ssl`), an open bearer.
   */
  prepare_(ssl: number, cb: (e?: any) => void): void {
    const c = this;
    run([function (_x, next) {
      c.limits(next, true);
    }, function (_x, next) {
      // whether the module has AT+EMAILSSL is asked once (firmware without it answers ERROR) and kept with the limits;
      // the module keeps the type until it restarts, so it is written only when it is not the one held
      // (a match must be whole: Espruino's indexOf also reports a needle whose start ends the string)
      const i = c.lim_!.indexOf('\nEMAILSSL:');
      if (i >= 0 && i + 10 < c.lim_!.length) return next();
      c.cmd_('AT+EMAILSSL=?', { prefix: '+EMAILSSL:' }, function (e: any, d: any) {
        if (e && !/E_ERROR|E_CME/.test(e.code)) return next(e);
        c.lim_ += 'EMAILSSL:' + (e ? '' : payload(d.lines[0] || '', '+EMAILSSL').replace(/ /g, '')) + '\n';
        next();
      });
    }, function (_x, next) {
      const max = c.limit_('EMAILSSL', 0, -1);
      if (max < 0 && ssl) return next(err('E_NO_TLS', 'this module has no AT+EMAILSSL: it cannot use TLS (ssl: ' + ['', 'implicit', 'starttls'][ssl] + ')'));
      max < 0 ? next() : c.set('EMAILSSL', ssl, next);
    }, function (_x, next) {
      // a module that outlived the board (or a fault) may still hold a POP3 session: ended once, ERROR is fine
      // (written as it is, not through the table: a board without POP3 has no row for it, and the session this job
      // may have taken is not the one being ended)
      if (c.held_.OUT) return next();
      c.cmd_('AT+POP3OUT', { finals: ['+POP3OUT:'], afterOk: true, finalTimeout: c.net_ }, function (e: any) {
        if (e && e.code != 'E_ERROR') return next(e);
        c.held_.OUT = 1;
        next();
      });
    }, function (_x, next) {
      c.set('EMAILCID', c.opts.cid || 1, next);
    }, function (_x, next) {
      c.set('EMAILTO', c.opts.emailTimeout || 30, next);
    }, function (_x, next) {
      c.bearerUp ? next() : c.bearer('open', next);
    }], {}, cb);
  }

  /** Sends a mail (see smtp.ts); the result is {commands, attachmentBytes} once the module reports +SMTPSEND: 1. */
  sendMail(mail: MailMessage, cb?: Callback<SendResult>): any {
    return this.job_('s9smtp', mail, cb);
  }

  /** Logs in to POP3 (options.pop3 unless `account`); the result is the session's mailbox (see pop3.ts). */
  pop3Login(cb?: Callback<Mailbox>): any;
  pop3Login(account: any, cb?: Callback<Mailbox>): any;
  pop3Login(account?: any, cb?: Callback<Mailbox>): any {
    if (typeof account == 'function') (cb = account), (account = undefined);
    return this.job_('s9pop3', account, cb);
  }

  /** Runs the Storage module `name`'s job (its exported run(client, arg, cb)) and drops the module afterwards. */
  job_(name: string, arg: any, cb: any): any {
    cb = later(cb);
    let m: any;
    try {
      m = require(name);
    } catch (e) {
      // a board whose feature set leaves the module out
      return cb(err('E_UNSUPPORTED', name + ' is not on this board')), cb.p;
    }
    m.run(this, arg, function (e: any, r: any) {
      try {
        Modules.removeCached(name);
      } catch (x) {
        // (already gone: another job of the same module ended first)
      }
      cb(e, r);
    });
    return cb.p;
  }

  /** Stops the engine: what is queued fails with E_CLOSED. */
  close(): void {
    this.at.close();
  }
}

/** What the module holds after a send (see sent_). */
const KEPT = /^EMAIL|^SMTPCS|^SAPBR|^RMAX|^OUT/;

/**
 * Espruino module style: require("s9mail").connect(Serial2, {apn: ..., smtp: {...}, from: {...}}, cb). Returns the
 * client at once; cb(err, mail), when given, is called once the module answers AT (echo off, errors as text) and has
 * reported its limits: E_NORESPONSE when it does not answer, E_PARAM (thrown) for a bad option.
 */
export function connect(serial: any, options?: MailOptions, cb?: Callback<Mail>): Mail {
  const m = new Mail(serial, options);
  // (a failure has no client to pass)
  const fail = cb as (e: MailError) => void;
  if (cb)
    m.at.resync(function (e) {
      e ? fail(e) : m.limits(function (e2: any) {
        e2 ? fail(e2) : cb(null, m);
      }, true);
    });
  return m;
}
