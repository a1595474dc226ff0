// Inbox polling: every N minutes log in to POP3, hand each mail not seen before (by UIDL, remembered in Storage)
// through the streaming MIME reader to a handler, delete it after handling when asked, log out.
// The MIME reader is passed in (SIM900MAIL.mime.MimeReader) so that boards without it do not carry it.
import type { MailError } from '../errors';
import type { Mailer } from '../mail/mailer';

export interface InboxMessage {
  uid: string;
  n: number;
  size: number;
  headers: any;
  texts: any[];
  /** attachments saved to Storage: {name, type, file, size} (the file holds `size` bytes from offset 0) */
  attachments: { name: string; type: string; file: string; size: number }[];
  flags: string[];
}

export interface InboxOptions {
  /** the MimeReader class of the bundle (SIM900MAIL.mime.MimeReader) */
  MimeReader: any;
  storage: any;
  /** (message, done) — call done() when handled (done(err) keeps it for the next poll) */
  handler: (msg: InboxMessage, done: (err?: any) => void) => void;
  /** delete a mail from the server once handled */
  deleteAfter?: boolean;
  /** poll period in ms (default 10 min); 0: only when poll() is called */
  every?: number;
  /** save attachments to Storage as "in<k>" files (default true) */
  saveAttachments?: boolean;
  /** bytes of text kept per text part */
  maxText?: number;
  /** how many uids to remember (default 50) */
  remember?: number;
  onProgress?: (received: number, total: number) => void;
}

const SEEN = 'inseen';

export class Inbox {
  mail: Mailer;
  opts: InboxOptions;
  timer: any;
  busy: boolean;

  constructor(mail: Mailer, opts: InboxOptions) {
    this.mail = mail;
    this.opts = opts;
    this.timer = null;
    this.busy = false;
  }

  start(): void {
    const self = this;
    const every = this.opts.every === undefined ? 600000 : this.opts.every;
    if (every > 0) this.timer = setInterval(() => self.poll(() => {}), every);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  seen(): string[] {
    const s = this.opts.storage.readJSON(SEEN, true);
    return s && s.length !== undefined ? s : [];
  }

  remember(uid: string): void {
    const list = this.seen();
    list.push(uid);
    const max = this.opts.remember || 50;
    while (list.length > max) list.shift();
    this.opts.storage.writeJSON(SEEN, list);
  }

  /** One poll: (err, number of mails handled). */
  poll(cb: (err: MailError | null, handled?: number) => void): void {
    if (this.busy) return cb(null, 0);
    this.busy = true;
    const self = this;
    const m = this.mail;
    const finish = (err: MailError | null, n?: number): void => {
      m.pop3Logout((e2: MailError | null) => {
        self.busy = false;
        cb(err || e2, n);
      });
    };
    m.pop3Login(undefined, (err: MailError | null) => {
      if (err) {
        self.busy = false;
        return cb(err);
      }
      m.pop3Uidl((e1: MailError | null, list?: { n: number; uid: string }[]) => {
        if (e1) return finish(e1);
        const seen = self.seen();
        const todo: { n: number; uid: string }[] = [];
        for (const e of list!) if (seen.indexOf(e.uid) < 0) todo.push(e);
        let i = 0;
        let handled = 0;
        const next = (e2?: MailError | null): void => {
          if (e2) return finish(e2, handled);
          if (i >= todo.length) return finish(null, handled);
          const item = todo[i++];
          self.fetch(item.n, item.uid, (e3, msg) => {
            if (e3) return finish(e3, handled);
            self.opts.handler(msg!, (herr?: any) => {
              if (herr) return next(null);
              handled++;
              self.remember(item.uid);
              if (!self.opts.deleteAfter) return next(null);
              m.pop3Delete(item.n, next);
            });
          });
        };
        next(null);
      });
    });
  }

  /** Retrieves message n through the MIME reader; attachments go to Storage piece by piece. */
  fetch(n: number, uid: string, cb: (err: MailError | null, msg?: InboxMessage) => void): void {
    const self = this;
    const st = this.opts.storage;
    const m = this.mail;
    m.pop3Size(n, (e0: MailError | null, size?: number) => {
      if (e0) return cb(e0);
      const msg: InboxMessage = { uid: uid, n: n, size: size!, headers: null, texts: [], attachments: [], flags: [] };
      let file = '';
      let at = 0;
      let received = 0;
      const save = self.opts.saveAttachments !== false;
      const reader = new self.opts.MimeReader({
        maxText: self.opts.maxText || 2048,
        onHeaders: (h: any) => {
          if (!msg.headers) msg.headers = h;
        },
        onText: (t: any) => {
          msg.texts.push(t);
        },
        onAttachmentStart: (info: any) => {
          at = 0;
          file = '';
          if (!save) return;
          file = 'in' + msg.attachments.length + (uid.length > 20 ? uid.substr(uid.length - 20) : uid);
          file = file.substr(0, 28);
          msg.attachments.push({ name: info.name, type: info.type, file: file, size: 0 });
        },
        onAttachmentData: (chunk: string) => {
          // a decoded attachment is never larger than the message that carries it: the first write reserves that
          if (file) st.write(file, chunk, at, at === 0 ? size! : undefined);
          at += chunk.length;
        },
        onAttachmentEnd: (end: any) => {
          if (file) msg.attachments[msg.attachments.length - 1].size = end.size;
        },
      });
      m.pop3Retrieve(
        n,
        (chunk: string) => {
          received += chunk.length;
          reader.write(chunk);
          if (self.opts.onProgress) self.opts.onProgress(received, size!);
        },
        (err: MailError | null) => {
          if (err) return cb(err);
          reader.end();
          msg.flags = reader.flags || [];
          cb(null, msg);
        },
      );
    });
  }
}
