// The example app every board carries (Storage module "s9app", started at power-up by .bootcde): IoT mail alerts
// configured from the Storage file "mail.json". send() stores an alert in the outbox (in Storage) and answers; a
// worker brings the module up, opens the bearer, sends, and removes the alert only after +SMTPSEND: 1 (outbox.ts).
// With "inbox" in the configuration it also polls POP3 and hands each new mail to app.onMail (inbox.ts).
//
// Memory: idle, the app holds only itself. The worker loads the client ("s9mail", "s9at", "s9smtp") and the
// outbox code ("s9box") for a delivery and drops them all when the outbox is empty; a poll does the same with
// "s9pop3", "s9mime" and "s9inbox".
//
// mail.json: {"apn": "internet", "to": ["ops@example.org"], "from": {"address": "pump4@example.org", "name": "Pump 4"},
//             "smtp": {"host": "mail.example.org", "port": 587, "user": "u", "password": "p"},
//             "pop3": {"host": "mail.example.org", "port": 110, "user": "u", "password": "p"},
//             "inbox": {"every": 600000, "deleteAfter": true}}
// Other keys: cc, bcc, emailTimeout, cid, apnUser, apnPassword, dialect, baud, path (Linux: the serial device),
// retryBase/retryCap (ms, default 30 s / 30 min), watchdog (s, 0 = none; default 30 on boards), stallLimit (ms),
// closeBearer (default true), modem: {simWait, registerWait, attachWait, poll, bauds}.
import type { BoardWiring as Board } from '../../boards/types';
import type { Mail } from '../mail/client';

declare const global: any;
declare function setWatch(fn: () => void, pin: any, opts: any): any;

export interface Alert {
  subject: string;
  body: string;
  /** {name, type?: 'text'|'binary', data} (the bytes are copied into Storage) or {name, type?, file} (a Storage file) */
  attachment?: any;
}

type Listener = (a?: any, b?: any) => void;

export class App {
  board: Board;
  /** the configuration given to start(), or null: mail.json is read when needed */
  conf: any;
  serial: any;
  /** the worker is delivering */
  busy: boolean;
  stopped: boolean;
  /** the client while a delivery or a poll runs, else null */
  mail: Mail | null;
  /** mail handler of the inbox: (msg, done) */
  onMail: ((msg: any, done: (err?: any) => void) => void) | null;
  /** jobs using the client; the worker's hold counts once, from its first alert until the outbox is empty */
  users_: number;
  hold_: boolean;
  /** alert id -> time (ms) before which it is not tried again */
  due_: { [id: string]: number };
  timer_: any;
  /** Date.now() of the worker's last step (the watchdog's measure) */
  seen_: number;
  ev_: { [ev: string]: Listener[] };

  constructor(board: Board, conf: any) {
    this.board = board;
    this.conf = conf;
    this.serial = global[board.serial];
    this.busy = this.stopped = this.hold_ = false;
    this.mail = this.onMail = this.timer_ = null;
    this.users_ = 0;
    this.due_ = {};
    this.seen_ = Date.now();
    this.ev_ = {};
  }

  // ---- events: 'sending' (id), 'sent' (id), 'retry' (id, err), 'failed' (id, err), 'idle', 'mail' (msg),
  // 'progress' (id or 'in', [done, total]), 'client' (the client made for a job: its events, its engine's hooks)

  on(ev: string, fn: Listener): App {
    (this.ev_[ev] = this.ev_[ev] || []).push(fn);
    return this;
  }

  emit(ev: string, a?: any, b?: any): void {
    const l = this.ev_[ev] || [];
    for (let i = 0; i < l.length; i++) l[i](a, b);
  }

  /** Stores the alert, then answers (err, id); the worker sends it when it can. Returns a Promise without cb. */
  send(alert: Alert, cb?: (err: any, id?: number) => void): any {
    const self = this;
    let e = null;
    let id;
    try {
      id = this.box('add', alert);
      setTimeout(function () {
        self.kick();
      }, 0);
    } catch (x) {
      e = x;
    }
    return cb ? cb(e, id) : e ? Promise.reject(e) : Promise.resolve(id);
  }

  /** Calls the outbox's `fn` ('add', 'pending', 'failed'), dropping the module again unless a job uses it. */
  box(fn: string, a?: any): any {
    try {
      return require('s9box')[fn](a);
    } finally {
      this.idle_();
    }
  }

  /** Waiting alerts' ids, oldest first. */
  pending(): number[] {
    return this.box('pending');
  }

  /** Alerts set aside after a permanent failure, with their errors. */
  failed(): any[] {
    return this.box('failed');
  }

  /** Runs the worker if it is idle: the oldest due alert, or a timer for the next one (outbox.ts). */
  kick(): void {
    if (this.busy || this.stopped) return;
    clearTimeout(this.timer_);
    this.seen_ = Date.now();
    this.busy = true;
    require('s9box').work(this);
  }

  /** The shared client for a job, made and brought up (outbox.ts) for the first: cb(err, mail). */
  use_(cb: (err: any, mail?: Mail) => void): void {
    const self = this;
    const c = this.cfg();
    const o: any = { rxBufferSize: this.board.rxBufferSize, chunk: this.board.chunkBytes };
    this.users_++;
    if (this.mail) return cb(null, this.mail);
    for (const k in c) o[k] = c[k];
    const m = (this.mail = require('s9mail').connect(this.serial, o));
    this.emit('client', m);
    require('s9box').up(this, m, function (e: any) {
      // (the bring-up code is not needed again while the client lives)
      if (!self.busy) drop('s9box');
      if (e) self.unuse_();
      cb(e, m);
    });
  }

  /** A job is done with the client: the last one closes the bearer (unless closeBearer is false) and the client. */
  unuse_(): void {
    const self = this;
    const m = this.mail!;
    const close = function () {
      if (self.users_) return;
      m.close();
      self.mail = null;
      self.idle_();
    };
    if (--this.users_) return;
    if (this.cfg().closeBearer === false || !m.bearerUp) return close();
    // exclusive with a POP3 session, which needs the bearer
    m.acquire_('bearer', function () {
      m.bearer('close', function () {
        m.release_('bearer');
        close();
      });
    });
  }

  /** Nothing runs and no client lives (a module dropped while an instance of it lives would come back twice): every
   * module but this one goes (their memory comes back). */
  idle_(): void {
    if (!this.busy && !this.users_ && !this.mail) drop('s9mail,s9at,s9smtp,s9pop3,s9mime,s9box,s9inbox');
  }

  cfg(): any {
    return this.conf || require('Storage').readJSON('mail.json', true) || {};
  }

  /** One inbox poll (inbox.ts): (err, number of mails handled). */
  poll(cb?: (err: any, n?: number) => void): void {
    let m: any;
    try {
      // (from Storage, or carried by the published s9app module)
      m = require('s9inbox');
    } catch (x) {
      // a board whose feature set leaves it out
    }
    if (m) return m.poll(this, cb || function () {});
    const e: any = new Error('no s9inbox on this board');
    e.name = e.code = 'E_UNSUPPORTED';
    cb ? cb(e) : console.log(e.message);
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer_);
  }
}

/** Drops Storage modules (comma-separated names) from the module cache: their memory comes back once unused. */
export function drop(names: string): void {
  names.split(',').forEach(function (n) {
    try {
      Modules.removeCached(n);
    } catch (e) {
      // (Espruino throws for a module that is not in the cache)
    }
  });
}

/**
 * Starts the app: (board, configuration, or nothing for Storage's mail.json). Sets up the serial port, the watchdog,
 * the button and the inbox timer, and sends what the outbox holds. Returns the app (also global.app).
 */
export function start(board: Board, config?: any): App | null {
  const app = new App(board, config);
  const c = app.cfg();
  const wd = c.watchdog === undefined ? (board.id == 'linux' ? 0 : 30) : c.watchdog;
  if (!c.smtp && !c.pop3) return console.log('sim900-mail: no mail.json in Storage; write one (see README) and reset'), null;
  app.serial.setup(c.baud || board.baud, { tx: board.tx, rx: board.rx, path: c.path || board.path });
  app.box('recover');
  // bytes the UART dropped void the frame the engine is reading: it fails that command and resynchronises
  E.on('errorFlag', function (flags: string[]) {
    if (app.mail && /UART_OVERFLOW|FIFO_FULL/.test('' + flags)) app.mail.at.overflow();
  });
  if (wd) {
    // kicked only while the worker makes progress: a hung worker resets the board (the outbox survives)
    E.enableWatchdog(wd, false);
    setInterval(function () {
      if (!app.busy || Date.now() - app.seen_ < (c.stallLimit || 600000)) E.kickWatchdog();
    }, Math.max(50, wd * 333));
  }
  if (board.button)
    setWatch(function () {
      app.send({ subject: 'Button pressed on ' + board.name, body: 'Test alert, uptime ' + Math.round(getTime()) + ' s.' });
    }, board.button, { repeat: true, edge: 'rising', debounce: 50 });
  if (c.inbox && c.inbox.every !== 0)
    setInterval(function () {
      app.poll();
    }, c.inbox.every || 600000);
  app.start();
  return (global.app = app);
}
