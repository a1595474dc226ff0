// Inbox polling (Storage module "s9inbox", loaded for a poll): log in to POP3, hand each mail not seen before (by
// UIDL, remembered in the Storage file "inseen") through the streaming MIME reader to app.onMail (or the 'mail'
// event), delete it after handling when the configuration says so, log out.
import type { MailError } from '../errors';
import type { App } from './app';

/** What a handler gets for each new mail. */
export interface InboxMessage {
  uid: string;
  n: number;
  size: number;
  /** the MIME reader's headers: subject, from, to, cc, date, messageId, ... */
  headers: any;
  /** text parts: {type, charset, text, truncated, ...} */
  texts: any[];
  /** attachments saved to Storage: {name, type, file, size} (the file holds `size` bytes from offset 0) */
  attachments: { name: string; type: string; file: string; size: number }[];
  flags: string[];
}

/**
 * One poll with the app's shared client: cb(err, number of mails handled). The configuration's "inbox" says
 * deleteAfter, saveAttachments (default true), maxText (bytes kept per text part, default 2048), remember (uids kept,
 * default 50).
 */
export function poll(app: App, cb: (err: MailError | null, handled?: number) => void): void {
  const o = app.cfg().inbox || {};
  const S = require('Storage');
  let box: any = null;
  let used = false;
  let handled = 0;
  let todo: any[] = [];
  const fin = function (e: any) {
    const done = function (e2?: any) {
      if (used) app.unuse_();
      app.idle_();
      cb(e || e2 || null, handled);
    };
    box ? box.logout(done) : done();
  };
  const next = function (e?: any): void {
    const item = todo.shift();
    if (e || !item) return fin(e);
    // the message through the MIME reader; attachments to Storage piece by piece ("in<k><uid>")
    box.size(item.n, function (e0: any, size: number) {
      if (e0) return fin(e0);
      const msg: InboxMessage = { uid: item.uid, n: item.n, size: size, headers: null, texts: [], attachments: [], flags: [] };
      let att: any = null;
      let got = 0;
      const reader = new (require('s9mime').MimeReader)({
        maxText: o.maxText || 2048,
        onHeaders: function (h: any) {
          msg.headers = msg.headers || h;
        },
        onText: function (t: any) {
          msg.texts.push(t);
        },
        onAttachmentStart: function (info: any) {
          att = o.saveAttachments === false ? null : { name: info.name, type: info.type, file: ('in' + msg.attachments.length + item.uid.substr(Math.max(0, item.uid.length - 20))).substr(0, 28), size: 0 };
          if (att) msg.attachments.push(att);
        },
        onAttachmentData: function (chunk: string) {
          // a decoded attachment is never larger than the message that carries it: the first write reserves that
          if (att) S.write(att.file, chunk, att.size, att.size ? undefined : size);
          if (att) att.size += chunk.length;
        },
      });
      box.retrieve(item.n, function (chunk: string) {
        reader.write(chunk);
        app.emit('progress', 'in', [(got += chunk.length), size]);
      }, function (e1: any) {
        if (e1) return fin(e1);
        reader.end();
        msg.flags = reader.flags;
        (app.onMail || function (m: any, done: () => void) {
          app.emit('mail', m);
          done();
        })(msg, function (herr?: any) {
          if (herr) return next();
          const seen: string[] = S.readJSON('inseen', true) || [];
          handled++;
          seen.push(item.uid);
          S.writeJSON('inseen', seen.slice(-(o.remember || 50)));
          o.deleteAfter ? box.remove(item.n, next) : next();
        });
      });
    });
  };
  app.use_(function (e: any, m: any) {
    if (e) return fin(e);
    used = true;
    m.pop3Login(function (e1: any, b: any) {
      if (e1) return fin(e1);
      box = b;
      b.uidl(function (e2: any, list: any[]) {
        const seen: string[] = S.readJSON('inseen', true) || [];
        todo = (list || []).filter(function (x) {
          return seen.indexOf(x.uid) < 0;
        });
        next(e2);
      });
    });
  });
}
