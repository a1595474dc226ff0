// The object connect() returns: the client's settings and bearer methods plus sending and POP3, each with a
// node-style callback or, without one, a Promise.
import { Sim900Mail, promised, type Callback, type MailOptions } from './client';
import { sendMail, type Mail, type SendResult } from './smtp';
import * as pop3 from './pop3';
import type { Sink } from './dot';

export class Mailer extends Sim900Mail {
  sendMail(mail: Mail, cb?: Callback<SendResult>): any {
    if (!cb) return promised(this, this.sendMail, [mail]);
    sendMail(this, mail, cb);
  }
  pop3Login(account?: any, cb?: Callback<void>): any {
    if (typeof account === 'function') return this.pop3Login(undefined, account);
    if (!cb) return promised(this, this.pop3Login, [account]);
    pop3.pop3Login(this, account, cb);
  }
  pop3Count(cb?: Callback<{ count: number; size: number }>): any {
    if (!cb) return promised(this, this.pop3Count, []);
    pop3.pop3Count(this, cb);
  }
  pop3Size(n: number, cb?: Callback<number>): any {
    if (!cb) return promised(this, this.pop3Size, [n]);
    pop3.pop3Size(this, n, cb);
  }
  pop3Uid(n: number, cb?: Callback<string>): any {
    if (!cb) return promised(this, this.pop3Uid, [n]);
    pop3.pop3Uid(this, n, cb);
  }
  pop3List(cb?: Callback<{ n: number; size: number }[]>): any {
    if (!cb) return promised(this, this.pop3List, []);
    pop3.pop3List(this, cb);
  }
  pop3Uidl(cb?: Callback<{ n: number; uid: string }[]>): any {
    if (!cb) return promised(this, this.pop3Uidl, []);
    pop3.pop3Uidl(this, cb);
  }
  pop3Top(n: number, lines: number, sink: Sink, cb?: Callback<number>): any {
    if (!cb) return promised(this, this.pop3Top, [n, lines, sink]);
    pop3.pop3Top(this, n, lines, sink, cb);
  }
  pop3Retrieve(n: number, sink: Sink, cb?: Callback<number>): any {
    if (!cb) return promised(this, this.pop3Retrieve, [n, sink]);
    pop3.pop3Retrieve(this, n, sink, cb);
  }
  pop3Find(uid: string, cb?: Callback<number>): any {
    if (!cb) return promised(this, this.pop3Find, [uid]);
    pop3.pop3Find(this, uid, cb);
  }
  pop3Delete(n: number, cb?: Callback<void>): any {
    if (!cb) return promised(this, this.pop3Delete, [n]);
    pop3.pop3Delete(this, n, cb);
  }
  pop3Reset(cb?: Callback<void>): any {
    if (!cb) return promised(this, this.pop3Reset, []);
    pop3.pop3Reset(this, cb);
  }
  pop3Logout(cb?: Callback<void>): any {
    if (!cb) return promised(this, this.pop3Logout, []);
    pop3.pop3Logout(this, cb);
  }
}

/** Espruino module style: require("sim900-mail").connect(Serial2, {apn: ..., smtp: {...}}). */
export function connect(serial: any, options?: MailOptions): Mailer {
  return new Mailer(serial, options || {});
}
