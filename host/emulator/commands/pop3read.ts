// AT+POP3READ and the data of a multi-line POP3 reply: the downlink (throttled to pop3RateBps) fills the read
// buffer, AT+POP3READ=<n> gives "+POP3READ: <1|2>,<cnf>" + cnf raw bytes, "+POP3READ: 3,<n>" reports new data after
// a short read, reminders while data waits unread, and "+POP3OUT: 69" when it waits too long.

import type { Core } from '../core';
import { intParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, NONE, Pop3State, ReadState } from '../state';
import { pop3Lost, endRead } from '../sessions';
import { readFault, resetInData } from '../faults';

/** Data from the server reaches the read buffer, at the configured downlink rate (null: the end has come). */
export function downlink(m: Core, st: Pop3State, rd: ReadState, b: Buffer | null): void {
  if (b && b.length) rd.incoming.push(Buffer.from(b));
  const rate = m.opts.pop3RateBps;
  const release = () => {
    rd.throttle = null;
    if (m.pop3 !== st) return;
    let budget = rate > 0 ? Math.max(1, Math.round(rate / 20)) : Infinity;
    while (rd.incoming.length && budget > 0) {
      const h = rd.incoming[0];
      if (h.length <= budget) {
        rd.incoming.shift();
        budget -= h.length;
        readData(m, st, rd, h);
      } else {
        rd.incoming[0] = h.subarray(budget);
        readData(m, st, rd, h.subarray(0, budget));
        budget = 0;
      }
    }
    if (rd.incoming.length) rd.throttle = m.later(50, release);
    else if (rd.endPending && !rd.complete) readEnd(m, st, rd);
  };
  if (rate <= 0) release();
  else if (!rd.throttle) rd.throttle = m.later(50, release);
}

function readEnd(m: Core, st: Pop3State, rd: ReadState): void {
  rd.complete = true;
  if (rd.shortRead && m.pop3 === st && st.read === rd) {
    rd.shortRead = false;
    m.urc(`+POP3READ: 3,${rd.avail}`);
  }
}

function readData(m: Core, st: Pop3State, rd: ReadState, b: Buffer): void {
  if (b.length === 0) return;
  rd.chunks.push(Buffer.from(b));
  rd.avail += b.length;
  if (rd.shortRead && st.read === rd && m.pop3 === st) {
    rd.shortRead = false;
    m.urc(`+POP3READ: 3,${rd.avail}`);
  }
}

/** "+POP3READ: 3,<n>" every pop3ReminderMs while data waits; after pop3UnreadQuitMs unread, "+POP3OUT: 69". */
export function armReminder(m: Core, st: Pop3State, rd: ReadState): void {
  const o = m.opts;
  if (rd.reminder) clearTimeout(rd.reminder);
  rd.reminder = null;
  if (o.pop3ReminderMs <= 0 && o.pop3UnreadQuitMs <= 0) return;
  const step = o.pop3ReminderMs > 0 ? o.pop3ReminderMs : o.pop3UnreadQuitMs;
  rd.reminder = m.later(step, () => {
    if (m.pop3 !== st || st.read !== rd) return;
    if (o.pop3UnreadQuitMs > 0 && Date.now() - rd.lastRead >= o.pop3UnreadQuitMs) {
      pop3Lost(m, st, 69);
      return;
    }
    if (rd.avail > 0 && o.pop3ReminderMs > 0) m.urc(`+POP3READ: 3,${rd.avail}`);
    armReminder(m, st, rd);
  });
}

export function pop3read(m: Core, c: ExtendedCommand): Res {
  const max = m.opts.maxima.pop3Read;
  if (c.form === 'test') return m.infoOk(`+POP3READ: (1-${max})`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const n = intParam(p[0]);
  if (n === null || n < 1 || n > max) return ERR;
  const st = m.pop3;
  if (!st || !st.read) return ERR;
  const rd = st.read;
  // A fault at this data block (reset, bearer lost, connection dropped): its URCs are the answer, no OK/ERROR.
  if (readFault(m, rd.avail > 0)) return NONE;
  const cnf = Math.min(n, rd.avail);
  let all = rd.chunks.length === 1 ? rd.chunks[0] : Buffer.concat(rd.chunks);
  const data = all.subarray(0, cnf);
  all = all.subarray(cnf);
  rd.chunks = all.length ? [all] : [];
  rd.avail -= cnf;
  rd.lastRead = Date.now();
  const finished = rd.complete && rd.avail === 0;
  if (!finished && cnf < n) rd.shortRead = true;
  // Framing (docs/module-facts.md §5.5): "\r\n+POP3READ: <s>,<n>\r\n" + n raw bytes + "\r\n", then "\r\nOK\r\n". Noise URCs may
  // come before the header, right after the bytes, and before the OK; never inside the n bytes.
  const head = Buffer.from(`\r\n+POP3READ: ${finished ? 2 : 1},${cnf}\r\n`, 'latin1');
  if (cnf > 0 && resetInData(m, head, data)) return NONE;
  m.unit(head);
  m.out.push(data);
  m.noise();
  m.out.push(Buffer.from('\r\n', 'latin1'));
  if (finished) endRead(st);
  else armReminder(m, st, rd);
  return OK;
}
