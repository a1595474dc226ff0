// Inbox polling (Storage module "s9inbox", loaded for a poll): log in to POP3, hand each mail not seen before (by
// UIDL, remembered in the Storage file "inseen") through the streaming MIME reader to app.onMail (or the 'mail'
// event), delete it after handling when the configuration says so, log out.
import type { MailError } from '../errors';
import type { App } from './app';

const SEEN = 'inseen';

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
  let handled = 0;
  const fin = function (e: any) {
    const done = function (e2?: any) {
      app.unuse_();
      app.idle_();
      cb(e || e2 || null, handled);
    };
    if (box) box.logout(done);
    else done();
  };
  app.use_(function (e: any, m: any) {
    if (e) return fin(e);
    m.pop3Login(function (e1: any, b: any) {
      if (e1) return fin(e1);
      box = b;
      b.uidl(function (e2: any, list: any[]) {
        if (e2) return fin(e2);
        const seen: string[] = S.readJSON(SEEN, true) || [];
        const todo = list.filter(function (x) {
          return seen.indexOf(x.uid) < 0;
        });
        (function next(e3?: any): void {
          const item = todo.shift();
          if (e3 || !item) return fin(e3);
          fetch(app, b, item.n, item.uid, o, function (e4: any, msg: any) {
            if (e4) return fin(e4);
            const handler = app.onMail || function (m2: any, done: () => void) {
              app.emit('mail', m2);
              done();
            };
            handler(msg, function (herr?: any) {
              if (herr) return next();
              handled++;
              const s: string[] = S.readJSON(SEEN, true) || [];
              s.push(item.uid);
              while (s.length > (o.remember || 50)) s.shift();
              S.writeJSON(SEEN, s);
              if (o.deleteAfter) b.remove(item.n, next);
              else next();
            });
          });
        })();
      });
    });
  });
}

/** Retrieves message n through the MIME reader; attachments go to Storage piece by piece. */
function fetch(app: App, b: any, n: number, uid: string, o: any, cb: (e: any, msg?: InboxMessage) => void): void {
  const S = require('Storage');
  b.size(n, function (e0: any, size: number) {
    if (e0) return cb(e0);
    const msg: InboxMessage = { uid: uid, n: n, size: size, headers: null, texts: [], attachments: [], flags: [] };
    let file = '';
    let at = 0;
    let got = 0;
    const reader = new (require('s9mime').MimeReader)({
      maxText: o.maxText || 2048,
      onHeaders: function (h: any) {
        if (!msg.headers) msg.headers = h;
      },
      onText: function (t: any) {
        msg.texts.push(t);
      },
      onAttachmentStart: function (info: any) {
        at = 0;
        file = '';
        if (o.saveAttachments === false) return;
        file = ('in' + msg.attachments.length + uid.substr(Math.max(0, uid.length - 20))).substr(0, 28);
        msg.attachments.push({ name: info.name, type: info.type, file: file, size: 0 });
      },
      onAttachmentData: function (chunk: string) {
        // a decoded attachment is never larger than the message that carries it: the first write reserves that
        if (file) S.write(file, chunk, at, at ? undefined : size);
        at += chunk.length;
      },
      onAttachmentEnd: function (end: any) {
        if (file) msg.attachments[msg.attachments.length - 1].size = end.size;
      },
    });
    b.retrieve(n, function (chunk: string) {
      got += chunk.length;
      reader.write(chunk);
      app.emit('progress', 'in', [got, size]);
    }, function (e: any) {
      if (e) return cb(e);
      reader.end();
      msg.flags = reader.flags || [];
      cb(null, msg);
    });
  });
}
