// The example app every board bundle carries: mail alerts configured from the Storage file "mail.json",
// started at power-up. The board's button (if any) sends a test alert; with "inbox" in the configuration it also
// polls POP3 and logs each new mail.
//
// mail.json: {"apn": "internet", "to": ["ops@example.org"], "from": {"address": "pump4@example.org", "name": "Pump 4"},
//             "smtp": {"host": "mail.example.org", "port": 587, "user": "u", "password": "p"},
//             "pop3": {"host": "mail.example.org", "port": 110, "user": "u", "password": "p"},
//             "inbox": {"every": 600000, "deleteAfter": true}}
import type { Board } from '../../boards/types';
import { Alerts } from './alerts';
import { Inbox } from './inbox';

declare const global: any;
declare function setWatch(fn: () => void, pin: any, opts: any): any;

export interface App {
  alerts: Alerts;
  inbox: Inbox | null;
}

/** Starts the app: (board, configuration or undefined for Storage's mail.json, the bundle's mime module). */
export function startApp(board: Board, config: any, mime: any): App | null {
  const storage = require('Storage');
  const cfg = config || storage.readJSON('mail.json', true);
  if (!cfg) {
    console.log('sim900-mail: no mail.json in Storage; write one (see README) and reset');
    return null;
  }
  const serial = global[board.serial];
  const setup: any = {};
  if (board.tx) setup.tx = board.tx;
  if (board.rx) setup.rx = board.rx;
  if (cfg.path || board.path) setup.path = cfg.path || board.path;
  serial.setup(cfg.baud || board.baud, setup);
  const opts: any = {};
  for (const k of Object.keys(cfg)) opts[k] = cfg[k];
  opts.board = board;
  opts.serial = serial;
  opts.modem = opts.modem || {};
  opts.modem.setup = setup;
  opts.modem.baud = cfg.baud || board.baud;
  opts.storage = storage;
  if (opts.watchdog === undefined) opts.watchdog = board.id === 'linux' ? 0 : 30;
  const alerts = new Alerts(opts);
  alerts.on('sent', (id: number) => console.log('alert ' + id + ' sent'));
  alerts.on('retry', (id: number, err: any) => console.log('alert ' + id + ' will be retried: ' + err.code));
  alerts.on('failed', (id: number, err: any) => console.log('alert ' + id + ' set aside: ' + err.code + ' ' + err.message));
  // bytes the UART dropped void the frame the engine is reading: it fails that command and resynchronises
  E.on('errorFlag', (flags: string[]) => {
    if (flags.indexOf('UART_OVERFLOW') >= 0 || flags.indexOf('FIFO_FULL') >= 0) alerts.mail.at.overflow();
  });
  alerts.start();
  let inbox: Inbox | null = null;
  if (cfg.inbox && mime) {
    inbox = new Inbox(alerts.mail, {
      MimeReader: mime.MimeReader,
      storage: storage,
      every: cfg.inbox.every,
      deleteAfter: cfg.inbox.deleteAfter,
      handler: (msg, done) => {
        console.log('mail from ' + (msg.headers && msg.headers.from.length ? msg.headers.from[0].address : '?') + ': ' + (msg.headers ? msg.headers.subject : ''));
        done();
      },
    });
    inbox.start();
  }
  if (board.button && typeof setWatch === 'function') {
    setWatch(
      () => {
        alerts.send({ subject: 'Button pressed on ' + board.name, body: 'Test alert, uptime ' + Math.round(getTime()) + ' s.' });
      },
      board.button,
      { repeat: true, edge: 'rising', debounce: 50 },
    );
  }
  return { alerts: alerts, inbox: inbox };
}
