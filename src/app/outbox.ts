// The persistent outbox, its worker and the module's bring-up (Storage module "s9box", loaded while the app
// delivers). Every alert is in Storage before send() answers, and leaves it only once the module reported
// +SMTPSEND: 1 (or it was set aside as undeliverable). Storage names (at most 28 characters):
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
import { drop, type App, type Alert } from './app';

const S = require('Storage');

/** Errors that another try cannot fix. */
export function isPermanent(e: any): boolean {
  return !!e && /^E_PARAM$|^E_ATTACHMENT$|^E_SMTP_BAD_RECIPIENT$|^E_SMTP_AUTH_FAILED$|^E_SMTP_NOT_AUTHENTICATED$|^E_NO_TLS$/.test(e.code);
}

/** The Storage name of record `id` of a kind (ob, oa, ox): the id in 8 digits, so that names sort by id. */
function file(kind: string, id: number): string {
  return kind + (1e8 + id + '').substr(1);
}

/** Writes the alert; returns its id. Throws E_PARAM for a malformed alert (nothing written then). */
export function add(alert: Alert): number {
  const a = alert && alert.attachment;
  // past every id in use, even if "obseq" could not be written last time (a full Storage)
  const id = Math.max(parseInt(S.read('obseq')) || 0, pending().pop() || 0, pending('ox').pop() || 0) + 1;
  const rec: any = { id: id, subject: alert && alert.subject, body: alert && alert.body, tries: 0 };
  if (typeof rec.subject != 'string' || typeof rec.body != 'string') throw bad('alert', 'needs a string subject and body');
  if (a && (typeof a.name != 'string' || (a.data === undefined && S.read(a.file, 0, 0) === undefined))) throw bad('alert.attachment', 'needs a name and data, or a Storage file that exists');
  try {
    if (a) {
      rec.att = { name: a.name, type: a.type, file: a.file, own: a.data !== undefined };
      if (rec.att.own) S.write((rec.att.file = file('oa', id)), a.data);
    }
    S.write(file('ob', id), JSON.stringify(rec));
  } catch (x) {
    // Storage is full: this alert is not queued (its attachment copy goes again); what is queued stays
    if (rec.att && rec.att.own) S.erase(rec.att.file);
    throw err('E_STORAGE', 'Storage is full (' + S.getFree() + ' bytes free): the alert was not queued');
  }
  keep('obseq', '' + id);
  return id;
}

/** Writes a Storage file; false when Storage is full (Espruino throws "Unable to find or create file"). */
function keep(name: string, text: string): boolean {
  try {
    return S.write(name, text) !== false;
  } catch (x) {
    return false;
  }
}

/** Ids of the waiting alerts (kind 'ob'), or of those set aside ('ox'), oldest first. */
export function pending(kind?: string): number[] {
  return S.list(new RegExp('^' + (kind || 'ob') + '\\d')).sort().map(function (n: string) {
    return +n.substr(2);
  });
}

/** Alerts set aside, with their errors. */
export function failed(): any[] {
  return pending('ox').map(function (id: number) {
    return S.readJSON(file('ox', id), true);
  });
}

/** Removes attachment files whose record never got written (a crash inside add()). */
export function recover(): void {
  pending('oa').forEach(function (id: number) {
    if (S.read(file('ob', id), 0, 0) === undefined && S.read(file('ox', id), 0, 0) === undefined) S.erase(file('oa', id));
  });
}

/**
 * The worker, run by app.kick(): the oldest due alert is sent with the app's shared client, then it runs again. With
 * nothing due it sets a timer for the next retry; with nothing waiting the worker lets the client go.
 */
export function work(app: App): void {
  const c = app.cfg();
  const now = Date.now();
  const all = pending();
  let wait = 1e12;
  let id = 0;
  const again = function (ms: number) {
    app.busy = false;
    app.timer_ = setTimeout(function () {
      app.kick();
    }, ms);
  };
  for (let i = 0; i < all.length && !id; i++) {
    const t = (app.due_[all[i]] || 0) - now;
    if (t <= 0) id = all[i];
    else wait = Math.min(wait, t);
  }
  if (!id) {
    app.busy = false;
    // (a poll that runs on keeps the client, not this code)
    drop('s9box');
    if (app.hold_) (app.hold_ = false), app.unuse_();
    app.idle_();
    return all.length ? again(wait) : app.emit('idle');
  }
  const rec = S.readJSON(file('ob', id), true);
  if (!rec) return again(0);
  app.emit('sending', id);
  const fin = function (e: any) {
    app.seen_ = Date.now();
    // the commit point: once the record is erased the alert is sent; before, it is sent again after a reset
    if (e) rec.error = { code: e.code, message: e.message };
    // (set aside only once its record is written: with Storage full it stays queued and is tried again)
    if (!e || (isPermanent(e) && keep(file('ox', id), JSON.stringify(rec)))) {
      S.erase(file('ob', id));
      if (!e && rec.att && rec.att.own) S.erase(rec.att.file);
      delete app.due_[id];
      app.emit(e ? 'failed' : 'sent', id, e);
    } else {
      // counted in Storage, so that a restart keeps the backoff's place
      rec.tries++;
      keep(file('ob', id), JSON.stringify(rec));
      app.due_[id] = Date.now() + Math.min(c.retryCap || 1800000, (c.retryBase || 30000) * Math.pow(2, Math.min(rec.tries - 1, 20)));
      app.emit('retry', id, e);
    }
    again(0);
  };
  const go = function (e: any, m?: Mail) {
    const a = rec.att;
    if (e) return (app.hold_ = false), fin(e);
    if (a && S.read(a.file, 0, 0) === undefined) return fin(err('E_ATTACHMENT', 'attachment file "' + a.file + '" is gone'));
    m!.sendMail({
      to: c.to,
      cc: c.cc,
      bcc: c.bcc,
      subject: rec.subject + ' [alert ' + id + ']',
      body: rec.body,
      attachment: a && { name: a.name, type: a.type, file: a.file },
      onProgress: function (sent: number, total: number) {
        app.seen_ = Date.now();
        app.emit('progress', id, [sent, total]);
      },
    }, fin);
  };
  // the worker holds the client from its first alert until the outbox is empty
  if (app.hold_) go(null, app.mail!);
  else (app.hold_ = true), app.use_(go);
}

/**
 * Bring-up: the module answers (ESC, then a resync at each baud rate of modem.bauds, after a PWRKEY pulse when it
 * does not or the STATUS pin says it is off), the SIM is ready, the network registered, GPRS attached.
 */
export function up(app: App, m: Mail, cb: (e?: MailError | null) => void): void {
  const b = app.board;
  const c = app.cfg();
  const o = c.modem || {};
  const bauds = [c.baud || b.baud].concat(o.bauds || []);
  let i = 0;
  let pulsed = !b.pwrkey;
  const steps: Step[] = [
    function (_x, next) {
      // PWRKEY through an NPN transistor: the pin high pulls PWRKEY low for ~1.2 s; then boot takes a few seconds
      const pulse = function () {
        pulsed = true;
        i = 0;
        digitalWrite(b.pwrkey, 1);
        setTimeout(function () {
          digitalWrite(b.pwrkey, 0);
          setTimeout(probe, 3000);
        }, 1200);
      };
      const probe = function (): any {
        const baud = bauds[i++];
        if (!baud) return pulsed ? next(err('E_NORESPONSE', 'the module does not answer AT')) : pulse();
        if (i > 1) app.serial.setup(baud, { tx: b.tx, rx: b.rx, path: c.path || b.path });
        // ESC first: a board restarted in the middle of a body prompt would otherwise type into it
        app.serial.write('\x1b');
        m.at.resync(function (e: any) {
          if (e) return probe();
          if (baud == bauds[0]) return next();
          // found at another rate: set it to the board's
          m.cmd_('AT+IPR=' + bauds[0], null, function (e2: any) {
            if (e2) return next(e2);
            app.serial.setup(bauds[0], { tx: b.tx, rx: b.rx, path: c.path || b.path });
            m.at.resync(next);
          });
        });
      };
      b.status && !digitalRead(b.status) && !pulsed ? pulse() : probe();
    },
  ];
  // then each of these until its answer says go (READY; home 1 or roaming 5; attached 1), fails (a PIN or PUK asked;
  // registration denied 3) or the wait ends; "+CREG: <n>,<stat>"
  [['CPIN', 'READY', 'PIN|PUK', 'simWait', 3e4], ['CREG', ',[15]$', ',3$', 'registerWait', 6e4], ['CGATT', '1', '$^', 'attachWait', 6e4]].forEach(function (w: any) {
    steps.push(function (_x, next) {
      const until = Date.now() + (o[w[3]] || w[4]);
      (function ask() {
        m.cmd_('AT+' + w[0] + '?', { prefix: '+' + w[0] + ':' }, function (e: any, d: any) {
          const v = d ? (d.lines[0] || '').substr(w[0].length + 2).trim() : '';
          const no = err(w[0] == 'CPIN' ? 'E_SIM' : 'E_NETWORK', 'AT+' + w[0] + '? answered "' + v + '"', { detail: v });
          if (e && e.code == 'E_CLOSED') return next(e);
          if (!e && new RegExp(w[1]).test(v)) return next();
          if ((!e && new RegExp(w[2]).test(v)) || Date.now() > until) return next(no);
          setTimeout(ask, o.poll || 2000);
        });
      })();
    });
  });
  run(steps, {}, cb);
}
