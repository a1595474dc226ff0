// POP3 through the module (Storage module "s9pop3", loaded by pop3Login and kept only as long as its mailbox is):
// log-in, then a mailbox whose methods are the POP3 commands of the manual: count, size, uid, the multi-line LIST,
// UIDL, TOP and RETR read back with AT+POP3READ in pieces of at most 1460 bytes, delete, reset, log-out.
import type { MailError } from '../errors';
import { err, bad, fields, payload, later, run as runSteps, type Mail, type Step } from './client';
import { DotDecoder, type Sink } from './dot';

export { DotDecoder };


/** The session's mailbox: what pop3Login gives. Every method takes a callback or returns a Promise. */
export class Mailbox {
  mail: Mail;
  constructor(mail: Mail) {
    this.mail = mail;
  }

  /** Why a POP3 command cannot run now (no session, or the module ended it), else null. */
  closed_(): MailError | null {
    const c = this.mail;
    return c.session == 'pop3' ? null : c.lost_ || err('E_POP3_NOT_LOGGED_IN', 'not logged in to POP3 (call pop3Login first)');
  }

  /** A POP3 command through the generic call, answered with the fields after its status. */
  do_(name: string, values: any, cb: any, then: (f: any[]) => any): any {
    cb = later(cb);
    const e = this.closed_();
    if (e) cb(e);
    else
      this.mail.call(name, values == null ? '' : '=', values, function (e2: any, f: any) {
        if (e2) return cb(e2);
        try {
          cb(null, then(f));
        } catch (x) {
          cb(x);
        }
      });
    return cb.p;
  }

  /** AT+POP3NUM: {count, size} of the maildrop. */
  count(cb?: any): any {
    return this.do_('POP3NUM', null, cb, function (f) {
      return { count: f[0], size: f[1] };
    });
  }

  /** AT+POP3LIST=<n>: the size of message n. */
  size(n: number, cb?: any): any {
    return this.do_('POP3LIST', n, cb, function (f) {
      return f[1];
    });
  }

  /** AT+POP3UIDL=<n>: the unique id of message n. */
  uid(n: number, cb?: any): any {
    return this.do_('POP3UIDL', n, cb, function (f) {
      return f.slice(1).join(',');
    });
  }

  /** AT+POP3DEL=<n>: marks message n deleted (gone at a normal log-out). */
  remove(n: number, cb?: any): any {
    return this.do_('POP3DEL', n, cb, none);
  }

  /** AT+POP3RSET: unmarks deleted messages. */
  reset(cb?: any): any {
    return this.do_('POP3RSET', null, cb, none);
  }

  /** AT+POP3OUT: ends the session; deletions take effect. A session the module ended itself reports why. */
  logout(cb?: any): any {
    cb = later(cb);
    const c = this.mail;
    if (c.session != 'pop3') {
      const lost = c.lost_;
      c.lost_ = null;
      cb(lost);
    } else
      c.call('POP3OUT', '', null, function (e: any) {
        c.release_('pop3');
        // ERROR: the module holds no session (it ended it, or restarted): what a log-out wants
        cb(e && e.code != 'E_ERROR' ? e : null);
      });
    return cb.p;
  }

  /** LIST: [{n, size}] of every message. */
  list(cb?: any): any {
    return this.lines_(1, 'size', cb);
  }

  /** UIDL: [{n, uid}] of every message. */
  uidl(cb?: any): any {
    return this.lines_(2, 'uid', cb);
  }

  lines_(type: number, field: string, cb: any): any {
    cb = later(cb);
    let text = '';
    this.multi_([type], function (s: string) {
      text += s;
    }, function (e: any) {
      if (e) return cb(e);
      const out: any[] = [];
      const ls = text.split('\r\n');
      for (let i = 0; i < ls.length; i++) {
        const sp = ls[i].split(' ');
        const o: any = { n: +sp[0] };
        o[field] = field == 'size' ? +sp[1] : sp[1];
        if (sp.length > 1) out.push(o);
      }
      cb(null, out);
    });
    return cb.p;
  }

  /** TOP: the headers and the first `lines` body lines of message n, to sink in pieces; the result is the byte count. */
  top(n: number, lines: number, sink: Sink, cb?: any): any {
    cb = later(cb);
    this.multi_([3, n, lines], sink, cb);
    return cb.p;
  }

  /** RETR: message n, to sink in pieces of at most 1460 bytes; the result is the byte count. */
  retrieve(n: number, sink: Sink, cb?: any): any {
    cb = later(cb);
    this.multi_([4, n], sink, cb);
    return cb.p;
  }

  /** The number of the message with unique id `uid` (UIDL of all), or E_NOT_FOUND. */
  find(uid: string, cb?: any): any {
    cb = later(cb);
    this.uidl(function (e: any, list: any[]) {
      if (e) return cb(e);
      for (let i = 0; i < list.length; i++) if (list[i].uid == uid) return cb(null, list[i].n);
      cb(err('E_NOT_FOUND', 'no message with uid ' + uid));
    });
    return cb.p;
  }

  /**
   * AT+POP3CMD=<values> and its data read with AT+POP3READ, dot-unstuffed, to sink. While the module has no data yet
   * it reports +POP3READ: 3 when some arrives; reads that bring nothing for longer than AT+EMAILTO, three times, end
   * in E_POP3_READ_TIMEOUT.
   */
  multi_(values: any[], sink: Sink, cb: any): void {
    const c = this.mail;
    const self = this;
    // AT+POP3READ takes 1-1460 bytes a time (manual 2.19)
    const max = Math.min(1460, c.opts.chunk || 1460);
    const dec = new DotDecoder(sink, max);
    // (made once: a read per 1460 bytes makes no closure)
    const onData = dec.write.bind(dec);
    let idle = 0;
    let more = false;
    let timer: any = null;
    const wake = function () {
      more = true;
      if (timer) clearTimeout(timer), (timer = null), read();
    };
    const end = function (e: any) {
      c.at.urc('+POP3READ: 3,', wake, true);
      delete c.wake_;
      if (!e) dec.end();
      cb(e, e ? undefined : dec.bytes);
    };
    const read = function () {
      more = false;
      const e0 = self.closed_();
      if (e0) return end(e0);
      c.cmd_('AT+POP3READ=' + max, { counted: ['+POP3READ: 1,', '+POP3READ: 2,'], onData: onData, finals: ['+POP3OUT:'], timeout: 20000 }, function (e: any, d: any) {
        if (e) return end((c.session != 'pop3' && c.lost_) || e);
        if (d.final != 'OK') return c.result_('POP3READ', d.final, end);
        // (lines nobody claimed may be among the collected ones: the last counted header is the answer)
        let h = '';
        for (let i = 0; i < d.lines.length; i++) if (!d.lines[i].indexOf('+POP3READ: ')) h = d.lines[i];
        const f = fields(payload(h, '+POP3READ'));
        if (f[0] == 2 || dec.done) return end(null);
        if (f[0] != 1) return end(err('E_PROTOCOL', 'AT+POP3READ: unexpected answer ' + JSON.stringify(d.lines.join('|'))));
        if ((f[1] as number) > 0) idle = 0;
        if (f[1] == max || more) return read();
        // less than asked: the module has no more data yet; it reports +POP3READ: 3 when it has
        if (++idle > 3) return end(err('E_POP3_READ_TIMEOUT', 'AT+POP3READ: no data arrived from the POP3 server'));
        timer = setTimeout(wake, (c.opts.emailTimeout || 30) * 1000);
      });
    };
    c.at.urc('+POP3READ: 3,', wake);
    // the module may end the session while we wait for data (+POP3OUT: <code>)
    c.wake_ = wake;
    this.do_('POP3CMD', values, function (e: any) {
      if (e) end(e);
      else read();
    }, none);
  }
}

function none(): void {}

/** Log-in: the account is checked before anything is written; the session holds the module until logout. */
const LOGIN: Step[] = [
  function (x, next) {
    const a = x.a;
    if (!a || typeof a.host != 'string') throw bad('options.pop3', 'the POP3 server is not configured');
    x.c.line_('POP3SRV', [a.host, a.user, a.password, a.port || 110], true);
    // AT+EMAILSSL's type
    x.ssl = ['none', 'implicit', 'starttls'].indexOf(a.ssl || 'none');
    if (x.ssl < 0) throw bad('options.pop3.ssl', "not 'none', 'implicit' or 'starttls'");
    x.c.acquire_('pop3', next);
  },
  function (x, next) {
    x.taken = 1;
    x.c.lost_ = null;
    x.c.prepare_(x.ssl, next);
  },
  function (x, next) {
    const a = x.a;
    x.c.set('POP3SRV', [a.host, a.user, a.password, a.port || 110], function (e: any) {
      e ? next(e) : x.c.call('POP3IN', '', null, next);
    });
  },
];

/** The job s9mail's pop3Login runs: the log-in, then the mailbox. */
export function run(c: Mail, account: any, cb: (e: MailError | null, box?: Mailbox) => void): void {
  const x = { c: c, a: account || c.opts.pop3, taken: 0, ssl: 0 };
  runSteps(LOGIN, x, function (e: any) {
    if (e && x.taken) c.release_('pop3');
    cb(e, e ? undefined : new Mailbox(c));
  });
}
