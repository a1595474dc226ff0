// The persistent outbox and its worker (Storage module "s9box", loaded while the app delivers). Every alert is in
// Storage before send() answers, and leaves it only once the module reported +SMTPSEND: 1 (or it was set aside as
// undeliverable). Storage names (at most 28 characters):
//   obseq        the last sequence number handed out
//   ob<seq>      a waiting alert, JSON {id, subject, body, att?: {name, type, file, own}, tries, error?}
//   oa<seq>      the bytes of an attachment given as data (the alert owns them)
//   ox<seq>      an alert set aside after a permanent failure, with its error
// An attachment file is written before its record: a crash between the two leaves an orphan oa<seq> that recover()
// removes, never a record without its bytes.
//
// Delivery is at least once. The one window for a duplicate is between the module's "+SMTPSEND: 1" and the erase of
// the record (one Storage erase, the commit point): a reset there sends that alert again after the restart. So at most
// one duplicate per reset, and never a loss. Each mail carries "[alert <id>]" at the end of its subject so that a
// receiver can drop a repeat.
import type { MailError } from '../errors';
import { bad, err, run, type Mail, type Step } from '../mail/client';
import type { App, Alert } from './app';

const S = require('Storage');

/** Errors that another try cannot fix. */
const PERMANENT = /^E_(PARAM|ATTACHMENT|SMTP_BAD_RECIPIENT|SMTP_AUTH_FAILED|SMTP_NOT_AUTHENTICATED)$/;

export function isPermanent(e: any): boolean {
  return !!e && PERMANENT.test(e.code);
}

function name(prefix: string, id: number): string {
  const s = '0000000' + id;
  return prefix + s.substr(s.length - 8);
}

/** Writes the alert; returns its id. Throws E_PARAM for a malformed alert (nothing written then). */
export function add(alert: Alert): number {
  if (!alert || typeof alert.subject != 'string' || typeof alert.body != 'string') throw bad('alert', 'needs a string subject and a string body');
  const a = alert.attachment;
  if (a && (typeof a.name != 'string' || (a.data === undefined && typeof a.file != 'string'))) throw bad('alert.attachment', 'needs a name and either data or a Storage file');
  if (a && a.data === undefined && S.read(a.file, 0, 0) === undefined) throw bad('alert.attachment.file', 'Storage file "' + a.file + '" not found');
  const id = (parseInt(S.read('obseq') || '0', 10) || 0) + 1;
  S.write('obseq', '' + id);
  const rec: any = { id: id, subject: alert.subject, body: alert.body, tries: 0 };
  if (a) {
    rec.att = { name: a.name, type: a.type, file: a.file, own: a.data !== undefined };
    if (rec.att.own) S.write((rec.att.file = name('oa', id)), a.data);
  }
  S.write(name('ob', id), JSON.stringify(rec));
  return id;
}

/** Ids of the waiting alerts, oldest first. */
export function ids(): number[] {
  return S.list(/^ob\d+$/).map(function (n: string) {
    return +n.substr(2);
  }).sort(function (x: number, y: number) {
    return x - y;
  });
}

/** Alerts set aside, with their errors. */
export function failed(): any[] {
  return S.list(/^ox\d+$/).map(function (n: string) {
    return S.readJSON(n, true);
  });
}

/** Removes attachment files whose record never got written (a crash inside add()). */
export function recover(): void {
  S.list(/^oa\d+$/).forEach(function (n: string) {
    const id = +n.substr(2);
    if (S.read(name('ob', id), 0, 0) === undefined && S.read(name('ox', id), 0, 0) === undefined) S.erase(n);
  });
}

/** The error as a record keeps it. */
function keep(rec: any, e: any): void {
  rec.error = { code: '' + ((e && e.code) || 'E_UNKNOWN'), message: '' + ((e && e.message) || e) };
}

/**
 * The worker, run by app.kick(): the oldest due alert is sent with the app's shared client; then it runs again. With
 * nothing due it sets a timer for the next retry; with nothing waiting it lets the client go (app.unuse_).
 */
export function work(app: App): void {
  const c = app.cfg();
  const now = Date.now();
  let next = -1;
  let wait = 1e12;
  const all = ids();
  for (let i = 0; i < all.length && next < 0; i++) {
    const t = app.due_[all[i]] || 0;
    if (t <= now) next = all[i];
    else if (t - now < wait) wait = t - now;
  }
  const again = function (ms: number) {
    app.busy = false;
    app.timer_ = setTimeout(function () {
      app.kick();
    }, ms);
  };
  if (next < 0) {
    app.busy = false;
    app.idle_();
    if (all.length) return again(wait);
    if (app.hold_) {
      // the outbox is empty: the worker's hold on the client ends
      app.hold_ = false;
      app.unuse_();
    }
    return app.emit('idle');
  }
  const rec = S.readJSON(name('ob', next), true);
  if (!rec) return again(0);
  app.emit('sending', next);
  const fin = function (e: any) {
    app.seen_ = Date.now();
    if (!e) {
      // the commit point: once the record is erased the alert is sent; before, it is sent again after a reset
      S.erase(name('ob', rec.id));
      if (rec.att && rec.att.own) S.erase(rec.att.file);
      delete app.due_[rec.id];
      app.emit('sent', rec.id);
    } else if (isPermanent(e)) {
      keep(rec, e);
      S.write(name('ox', rec.id), JSON.stringify(rec));
      S.erase(name('ob', rec.id));
      delete app.due_[rec.id];
      app.emit('failed', rec.id, e);
    } else {
      // counted in Storage, so that a restart keeps the backoff's place
      rec.tries++;
      keep(rec, e);
      S.write(name('ob', rec.id), JSON.stringify(rec));
      app.due_[rec.id] = Date.now() + Math.min(c.retryCap || 1800000, (c.retryBase || 30000) * Math.pow(2, Math.min(rec.tries - 1, 20)));
      app.emit('retry', rec.id, e);
    }
    again(0);
  };
  // the worker holds the client from its first alert until the outbox is empty
  const go = function (e: any, m?: Mail) {
    if (e) return (app.hold_ = false), fin(e);
    const a = rec.att;
    let size = 0;
    if (a && (size = (S.read(a.file) || '').length) == 0 && S.read(a.file, 0, 0) === undefined)
      return fin(err('E_ATTACHMENT', 'attachment file "' + a.file + '" is gone'));
    m!.sendMail({
      to: c.to,
      cc: c.cc,
      bcc: c.bcc,
      subject: rec.subject + ' [alert ' + rec.id + ']',
      body: rec.body,
      attachment: a ? { name: a.name, type: a.type, file: a.file } : undefined,
      onProgress: function (sent: number, total: number) {
        app.seen_ = Date.now();
        app.emit('progress', rec.id, [sent, total]);
      },
    }, fin);
  };
  if (app.hold_) go(null, app.mail!);
  else (app.hold_ = true), app.use_(go);
}

/** Bring-up: the module answers (power, baud rate), the SIM is ready, registered, GPRS attached. */
export function up(app: App, m: Mail, cb: (e?: MailError | null) => void): void {
  run(UP, { app: app, m: m, o: app.cfg().modem || {} }, cb);
}

/** Polls `line` until judge(value after prefix) says true (go on), false (fail) or null (keep waiting, bounded). */
function poll(line: string, prefix: string, wait: string, dflt: number, judge: (v: string) => boolean | null): Step {
  return function (x, next) {
    const until = Date.now() + (x.o[wait] || dflt);
    let last = '';
    (function ask() {
      x.m.cmd_(line, { prefix: prefix }, function (e: any, d: any) {
        const code = 'E_' + (line == 'AT+CPIN?' ? 'SIM' : 'NETWORK');
        if (!e) {
          last = (d.lines[0] || '').substr(prefix.length).trim();
          const v = judge(last);
          if (v) return next();
          if (v === false) return next(err(code, line + ' answered ' + d.lines[0], { detail: last }));
        } else if (e.code == 'E_CLOSED') return next(e);
        if (Date.now() >= until) return next(err(code, line + ': still "' + last + '" after ' + (x.o[wait] || dflt) + ' ms', { detail: last }));
        setTimeout(ask, x.o.poll || 2000);
      });
    })();
  };
}

const UP: Step[] = [
  function (x, next) {
    // power: a STATUS pin that says off, or no answer at any baud rate, gets a PWRKEY pulse (through an NPN
    // transistor: board pin high pulls PWRKEY low for ~1.2 s), then boot takes a few seconds
    const b = x.app.board;
    const pulse = function (then: () => void) {
      digitalWrite(b.pwrkey, 1);
      setTimeout(function () {
        digitalWrite(b.pwrkey, 0);
        setTimeout(then, 3000);
      }, 1200);
    };
    const bauds = [x.app.cfg().baud || b.baud].concat(x.o.bauds || [115200, 57600, 38400, 19200, 9600]);
    let i = 0;
    let pulsed = false;
    const setup = function (baud: number) {
      const s: any = {};
      if (b.tx) s.tx = b.tx;
      if (b.rx) s.rx = b.rx;
      if (x.app.cfg().path || b.path) s.path = x.app.cfg().path || b.path;
      if (x.app.serial.setup) x.app.serial.setup(baud, s);
    };
    const probe = function (): void {
      if (i >= bauds.length) {
        if (b.pwrkey && !pulsed) return (pulsed = true), (i = 0), pulse(probe);
        return next(err('E_NORESPONSE', 'the module does not answer AT at any baud rate'));
      }
      const baud = bauds[i++];
      if (i > 1 && baud == bauds[0]) return probe();
      if (i > 1 || pulsed) setup(baud);
      // ESC first: a board restarted in the middle of a body prompt would otherwise type into it
      x.app.serial.write('\x1b');
      x.m.at.resync(function (e: any) {
        if (e) return probe();
        if (baud == bauds[0]) return next();
        x.m.cmd_('AT+IPR=' + bauds[0], null, function (e2: any) {
          if (e2) return next(e2);
          setup(bauds[0]);
          x.m.at.resync(next);
        });
      });
    };
    if (b.status && b.pwrkey && !digitalRead(b.status)) return (pulsed = true), pulse(probe);
    probe();
  },
  // READY: go on; a PIN or PUK request: fail now; not ready, not inserted or no answer line: wait (bounded)
  poll('AT+CPIN?', '+CPIN:', 'simWait', 30000, function (v) {
    return v == 'READY' ? true : /PIN|PUK/.test(v) ? false : null;
  }),
  // +CREG: <n>,<stat>: 1 home, 5 roaming -> registered; 3 denied -> failure; 0, 2, 4 -> keep waiting
  poll('AT+CREG?', '+CREG:', 'registerWait', 60000, function (v) {
    const s = v.split(',').pop();
    return s == '1' || s == '5' ? true : s == '3' ? false : null;
  }),
  poll('AT+CGATT?', '+CGATT:', 'attachWait', 60000, function (v) {
    return v == '1' ? true : null;
  }),
];
