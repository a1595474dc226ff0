// Module bring-up before a send: power (PWRKEY pulse, STATUS pin, else an AT probe), the baud rate, then bounded
// waits for the SIM (AT+CPIN?), network registration (AT+CREG?) and GPRS attach (AT+CGATT?).
import { mailError, type MailError } from '../errors';
import type { Board } from '../../boards/types';
import type { Sim900Mail } from '../mail/client';

export interface ModemOptions {
  /** ms to wait for each of SIM ready, registration, attach */
  simWait?: number;
  registerWait?: number;
  attachWait?: number;
  /** ms between polls */
  poll?: number;
  /** baud rates to try when the board's own gets no answer */
  bauds?: number[];
  /** the baud rate the serial port was set up with */
  baud?: number;
  /** what Serial.setup was given besides the baud rate ({tx, rx} pins, or {path} on Linux) */
  setup?: any;
}

type Cb = (err: MailError | null) => void;

/** Espruino takes a pin's name ("B3") wherever it takes a pin. */
function pin(name: string): any {
  return name;
}

export class Modem {
  mail: Sim900Mail;
  board: Board;
  serial: any;
  opts: ModemOptions;
  /** the module answered since the last reset */
  up: boolean;
  baud: number;

  constructor(mail: Sim900Mail, board: Board, serial: any, opts?: ModemOptions) {
    this.mail = mail;
    this.board = board;
    this.serial = serial;
    this.opts = opts || {};
    this.up = false;
    this.baud = this.opts.baud || board.baud;
    const self = this;
    mail.on('reset', () => {
      self.up = false;
    });
  }

  /** Everything up to an attached GPRS: the module answers, SIM ready, registered, attached. */
  ready(cb: Cb): void {
    const self = this;
    this.power((err) => {
      if (err) return cb(err);
      // READY: go on; a PIN or PUK request: fail now; not ready, not inserted or no answer line: wait (bounded)
      self.waitFor('AT+CPIN?', '+CPIN:', (v) => (v === 'READY' ? true : v.indexOf('PIN') >= 0 || v.indexOf('PUK') >= 0 ? false : null), this.opts.simWait || 30000, 'SimError', (e1) => {
        if (e1) return cb(e1);
        self.waitFor('AT+CREG?', '+CREG:', registered, self.opts.registerWait || 60000, 'NetworkError', (e2) => {
          if (e2) return cb(e2);
          self.waitFor('AT+CGATT?', '+CGATT:', (v) => (v === '1' ? true : null), self.opts.attachWait || 60000, 'NetworkError', cb);
        });
      });
    });
  }

  /** Makes sure the module is on and answering at a known baud rate. */
  power(cb: Cb): void {
    if (this.up) return cb(null);
    const self = this;
    const b = this.board;
    const on = b.status ? digitalRead(pin(b.status)) : -1;
    if (on === 0 && b.pwrkey) {
      this.pulse(() => self.probeBauds(cb));
      return;
    }
    this.probeBauds((err) => {
      if (!err || !b.pwrkey) return cb(err);
      // no answer at any baud rate: switch it on (or off and on) with PWRKEY and try again
      self.pulse(() => self.probeBauds(cb));
    });
  }

  /** PWRKEY through an NPN transistor: board pin high pulls PWRKEY low for ~1.2 s; then boot takes a few s. */
  pulse(cb: () => void): void {
    const p = pin(this.board.pwrkey as string);
    digitalWrite(p, 1);
    setTimeout(() => {
      digitalWrite(p, 0);
      setTimeout(cb, 3000);
    }, 1200);
  }

  /** AT probes at the board's baud rate, then at the others; a module found elsewhere is set to the board's. */
  probeBauds(cb: Cb): void {
    const self = this;
    const list = [this.board.baud].concat(this.opts.bauds || [115200, 57600, 38400, 19200, 9600]);
    let i = 0;
    const next = (): void => {
      if (i >= list.length) return cb(mailError('NoResponseError', 'E_NORESPONSE', 'the module does not answer AT at any baud rate'));
      const baud = list[i++];
      if (i > 1 && baud === self.board.baud) return next();
      if (baud !== self.baud) self.setBaud(baud);
      // ESC first: a board restarted in the middle of a body prompt would otherwise type into it
      self.serial.write('\x1b');
      self.mail.at.resync((err) => {
        if (err) return next();
        self.up = true;
        if (baud === self.board.baud) return cb(null);
        self.mail.exec('AT+IPR=' + self.board.baud, null, (e2) => {
          if (e2) return cb(e2);
          self.setBaud(self.board.baud);
          self.mail.at.resync(cb);
        });
      });
    };
    next();
  }

  setBaud(baud: number): void {
    this.baud = baud;
    const b = this.board;
    let o: any = this.opts.setup;
    if (!o) {
      o = {};
      if (b.tx) o.tx = pin(b.tx);
      if (b.rx) o.rx = pin(b.rx);
      if (b.path) o.path = b.path;
    }
    if (this.serial.setup) this.serial.setup(baud, o);
  }

  /**
   * Polls `line` until `judge` of the value after `prefix` says true (done), null (keep waiting) or false
   * (a final failure), for at most `wait` ms.
   */
  waitFor(line: string, prefix: string, judge: (v: string) => boolean | null, wait: number, name: string, cb: Cb): void {
    const self = this;
    const until = Date.now() + wait;
    let last = '';
    const poll = (): void => {
      self.mail.exec(line, { prefix: prefix }, (err, res) => {
        if (!err) {
          const l = res!.lines[0] || '';
          last = l.substr(prefix.length).trim();
          const verdict = judge(last);
          if (verdict === true) return cb(null);
          if (verdict === false) return cb(mailError(name, 'E_' + name.replace('Error', '').toUpperCase(), `${line} answered ${l}`, { detail: last }));
        } else if (err.code === 'E_CLOSED') return cb(err);
        if (Date.now() >= until) return cb(mailError(name, 'E_' + name.replace('Error', '').toUpperCase(), `${line}: still "${last}" after ${wait} ms`, { detail: last }));
        setTimeout(poll, self.opts.poll || 2000);
      });
    };
    poll();
  }
}

/** +CREG: <n>,<stat>: 1 home, 5 roaming -> registered; 3 denied -> failure; 0, 2, 4 -> keep waiting. */
function registered(v: string): boolean | null {
  const stat = v.split(',').pop();
  if (stat === '1' || stat === '5') return true;
  if (stat === '3') return false;
  return null;
}
