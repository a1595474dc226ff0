// IoT mail alerts: send() stores the alert in the outbox and answers; a worker brings the module up, opens the
// bearer, sends, closes, and removes an alert only after +SMTPSEND: 1. Transient failures retry with capped
// exponential backoff; permanent ones (bad recipient, authentication, refused input) are set aside and reported.
// A watchdog resets a board whose worker stopped making progress; the outbox survives the reset.
//
// Delivery is at least once. The one window for a duplicate is between the module's "+SMTPSEND: 1" and the
// erase of the record (one Storage erase): a reset there sends that alert again after the restart. So at most
// one duplicate per reset, and never a loss. Each mail carries "[alert <id>]" at the end of its subject so that
// a receiver can drop a repeat.
import { mailError, type MailError } from '../errors';
import type { Board } from '../../boards/types';
import { connect, type Mailer } from '../mail/mailer';
import type { MailOptions } from '../mail/client';
import type { ChunkReader } from '../mail/smtp';
import { Modem, type ModemOptions } from './modem';
import { Outbox, type Alert, type Record } from './outbox';

export interface AlertsOptions extends MailOptions {
  /** recipients of every alert */
  to: any;
  cc?: any;
  bcc?: any;
  board: Board;
  /** the Serial object wired to the module (on a board: the global named by board.serial) */
  serial: any;
  /** require("Storage") on a board; a folder-backed one in tests */
  storage?: any;
  /** first retry after this many ms, doubling up to retryCap; default 30 s and 30 min */
  retryBase?: number;
  retryCap?: number;
  /** seconds of the hardware watchdog (0: none); the worker must progress within stallLimit ms */
  watchdog?: number;
  stallLimit?: number;
  /** close the bearer when the outbox is empty (default true) */
  closeBearer?: boolean;
  modem?: ModemOptions;
  /** (id, sent, total) while an attachment goes out */
  onProgress?: (id: number, sent: number, total: number) => void;
}

/** Errors that another try cannot fix. */
const PERMANENT: { [code: string]: 1 } = {
  E_PARAM: 1,
  E_SMTP_BAD_RECIPIENT: 1,
  E_SMTP_AUTH_FAILED: 1,
  E_SMTP_NOT_AUTHENTICATED: 1,
  E_ATTACHMENT: 1,
};

export function isPermanent(err: any): boolean {
  return !!err && PERMANENT[err.code] === 1;
}

type Listener = (a?: any, b?: any) => void;

export class Alerts {
  opts: AlertsOptions;
  outbox: Outbox;
  mail: Mailer;
  modem: Modem;
  /** id -> time (ms) before which it is not tried again */
  due: { [id: string]: number };
  busy: boolean;
  stopped: boolean;
  timer: any;
  watchdogTimer: any;
  /** Date.now() of the worker's last step */
  progress: number;
  handlers: { [ev: string]: Listener[] };

  constructor(opts: AlertsOptions) {
    this.opts = opts;
    this.outbox = new Outbox(opts.storage || require('Storage'));
    this.outbox.recover();
    this.mail = connect(opts.serial, opts);
    this.modem = new Modem(this.mail, opts.board, opts.serial, opts.modem);
    this.due = {};
    this.busy = false;
    this.stopped = false;
    this.timer = null;
    this.watchdogTimer = null;
    this.progress = Date.now();
    this.handlers = {};
    if (opts.watchdog) this.startWatchdog(opts.watchdog);
  }

  on(ev: string, fn: Listener): this {
    (this.handlers[ev] = this.handlers[ev] || []).push(fn);
    return this;
  }

  emit(ev: string, a?: any, b?: any): void {
    const l = this.handlers[ev];
    if (l) for (const fn of l) fn(a, b);
  }

  /** Stores the alert, then answers (err, id); the worker sends it when it can. */
  send(alert: Alert, cb?: (err: MailError | null, id?: number) => void): any {
    let id: number;
    try {
      id = this.outbox.add(alert);
    } catch (e: any) {
      if (cb) return cb(e);
      return Promise.reject(e);
    }
    const self = this;
    setTimeout(() => self.kick(), 0);
    if (cb) return cb(null, id);
    return Promise.resolve(id);
  }

  /** Waiting alerts' ids, oldest first. */
  pending(): number[] {
    return this.outbox.ids();
  }

  failed(): Record[] {
    return this.outbox.failed();
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.timer = null;
    this.watchdogTimer = null;
  }

  /** Runs the worker if it is idle: the oldest due alert, or a timer for the next one. */
  kick(): void {
    if (this.busy || this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.progress = Date.now();
    const ids = this.outbox.ids();
    if (!ids.length) {
      this.idle();
      return;
    }
    const now = Date.now();
    let next = -1;
    let wait = Infinity;
    for (const id of ids) {
      const t = this.due[id] || 0;
      if (t <= now) {
        next = id;
        break;
      }
      if (t - now < wait) wait = t - now;
    }
    const self = this;
    if (next < 0) {
      this.timer = setTimeout(() => {
        self.timer = null;
        self.kick();
      }, wait);
      return;
    }
    const rec = this.outbox.get(next);
    if (!rec) {
      setTimeout(() => self.kick(), 0);
      return;
    }
    this.busy = true;
    this.deliver(rec, (err) => {
      self.busy = false;
      self.progress = Date.now();
      if (!err) {
        self.outbox.done(rec);
        delete self.due[rec.id];
        self.emit('sent', rec.id);
      } else if (isPermanent(err)) {
        self.outbox.setAside(rec, err);
        delete self.due[rec.id];
        self.emit('failed', rec.id, err);
      } else {
        self.outbox.tried(rec, err);
        const delay = Math.min(self.opts.retryCap || 1800000, (self.opts.retryBase || 30000) * Math.pow(2, Math.min(rec.tries - 1, 20)));
        self.due[rec.id] = Date.now() + delay;
        self.emit('retry', rec.id, err);
      }
      setTimeout(() => self.kick(), 0);
    });
  }

  /** One alert: module ready, bearer, send. */
  deliver(rec: Record, cb: (err: MailError | null) => void): void {
    const self = this;
    this.emit('sending', rec.id);
    this.modem.ready((err) => {
      if (err) return cb(err);
      self.progress = Date.now();
      let attachment: any;
      if (rec.att) {
        const size = self.outbox.attachmentSize(rec);
        if (size < 0) return cb(mailError('AttachmentError', 'E_ATTACHMENT', `attachment file "${rec.att.file}" is gone`));
        attachment = { name: rec.att.name, type: rec.att.type, data: storageChunks(self.outbox.storage, rec.att.file, size) };
      }
      const o = self.opts;
      self.mail.sendMail(
        {
          to: o.to,
          cc: o.cc,
          bcc: o.bcc,
          subject: rec.subject + ' [alert ' + rec.id + ']',
          body: rec.body,
          attachment: attachment,
          onProgress: (sent: number, total: number) => {
            self.progress = Date.now();
            if (o.onProgress) o.onProgress(rec.id, sent, total);
          },
        },
        (e2) => cb(e2 || null),
      );
    });
  }

  /** The outbox is empty: release the bearer (the next send reopens it). */
  idle(): void {
    this.emit('idle');
    if (this.opts.closeBearer === false || this.mail.bearerUp !== true) return;
    const self = this;
    const m = this.mail;
    this.busy = true;
    // exclusive with a POP3 session (e.g. an inbox poll), which needs the bearer
    m.acquire('bearer', (err) => {
      if (err) {
        self.busy = false;
        return;
      }
      const done = (): void => {
        m.release('bearer');
        self.busy = false;
        // an alert may have come in meanwhile
        if (self.outbox.ids().length) self.kick();
      };
      if (m.bearerUp !== true) return done();
      m.bearerClose(done);
    });
  }

  /** Kicks the hardware watchdog only while the worker makes progress: a hung worker resets the board. */
  startWatchdog(seconds: number): void {
    const self = this;
    const limit = this.opts.stallLimit || 10 * 60000;
    if (E.enableWatchdog) E.enableWatchdog(seconds, false);
    this.watchdogTimer = setInterval(() => {
      if (!self.busy || Date.now() - self.progress < limit) {
        if (E.kickWatchdog) E.kickWatchdog();
      }
    }, Math.max(50, (seconds * 1000) / 3));
  }
}

/** A reader over a Storage file: pieces read on demand, never the whole file in RAM. */
function storageChunks(storage: any, file: string, size: number): ChunkReader {
  return { size: size, read: (o: number, n: number) => storage.read(file, o, n) };
}

export function start(opts: AlertsOptions): Alerts {
  const a = new Alerts(opts);
  a.start();
  return a;
}
