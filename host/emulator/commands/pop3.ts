// The POP3 session commands: AT+POP3IN, +POP3NUM, +POP3LIST, +POP3UIDL, +POP3DEL, +POP3RSET, +POP3CMD, +POP3OUT.
// Each answers OK at once; the server's answer comes later as a URC, or "+POP3OUT: <code>" when the session ends.
// (AT+POP3READ and the data of a multi-line reply: pop3read.ts.)

import type { Core } from '../core';
import { intParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, NONE, Pop3State, ReadState } from '../state';
import { Pop3Session } from '../pop3';
import { Pop3DataFilter } from '../pop3data';
import { NetFail } from '../netline';
import { copyPop3Transcript, pop3Lost, endRead } from '../sessions';
import { pop3Fault } from '../faults';
import { downlink, armReminder } from './pop3read';

export function pop3in(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return OK;
  if (c.form !== 'exec') return ERR;
  const e = m.email;
  if (m.smtp || m.pop3 || !e.pop3Host) return ERR;
  const dest = m.routeTo(e.pop3Host, e.pop3Port, 'pop3');
  const session = new Pop3Session({
    host: dest.host,
    port: dest.port,
    user: e.pop3User,
    password: e.pop3Password,
    ssl: e.ssl,
    tls: m.tlsSetup(e.pop3Host),
    timeoutMs: m.emailTimeoutMs(),
    replyDelayMs: () => m.scaledMs(m.opts.pop3StageDelayMs),
  });
  const st: Pop3State = { session, loggedIn: false, pending: true, read: null, copied: 0 };
  m.pop3 = st;
  m.final(OK);
  void runPop3In(m, st);
  return NONE;
}

async function runPop3In(m: Core, st: Pop3State): Promise<void> {
  const gen = m.generation;
  await m.sleep(m.rng.range(m.opts.networkDelayMs));
  if (gen !== m.generation) return;
  if (m.bearerOpen()) pop3Fault(m); // the log-in's own DEACT / dropped connection: +POP3IN: 61 / 63
  let code = 1;
  if (!m.bearerOpen()) code = 61;
  else {
    try {
      code = await st.session.login();
    } catch (e) {
      code = e instanceof NetFail ? e.code : 65;
    }
  }
  copyPop3Transcript(m, st);
  await m.sleep(m.rng.range(m.opts.resultDelayMs));
  if (gen !== m.generation || m.pop3 !== st) return;
  st.pending = false;
  if (code !== 1) {
    st.session.close();
    m.pop3 = null;
  } else {
    st.loggedIn = true;
    st.session.onLost = (f) => pop3Lost(m, st, f.code);
  }
  m.urc(`+POP3IN: ${code}`);
}

/** The session when a command may be sent now: logged in, nothing in flight, no unread data. */
function pop3Ready(m: Core): Pop3State | null {
  const st = m.pop3;
  if (!st || !st.loggedIn || st.pending || st.read) return null;
  return st;
}

type Simple = 'NUM' | 'LIST' | 'UIDL' | 'DEL' | 'RSET';

export function pop3simple(m: Core, c: ExtendedCommand, what: Simple): Res {
  const takesMsg = what === 'LIST' || what === 'UIDL' || what === 'DEL';
  if (c.form === 'test') {
    if (takesMsg) return m.infoOk(`+POP3${what}: (1-${m.opts.maxima.msgNumber})`);
    return OK;
  }
  let msg = 0;
  if (takesMsg) {
    if (c.form !== 'write') return ERR;
    const p = m.params(c);
    if (!p || p.length !== 1) return ERR;
    const v = intParam(p[0]);
    if (v === null || v < 1 || v > m.opts.maxima.msgNumber) return ERR;
    msg = v;
  } else if (c.form !== 'exec') return ERR;
  const st = pop3Ready(m);
  if (!st) return ERR;
  st.pending = true;
  m.final(OK);
  void runPop3Simple(m, st, what, msg);
  return NONE;
}

/** The server's one-line answer as the manual's URC. */
async function simpleUrc(st: Pop3State, what: Simple, msg: number): Promise<string> {
  const s = st.session;
  switch (what) {
    case 'NUM': {
      const r = /^\+OK\s+(\d+)\s+(\d+)/.exec(await s.simple('STAT'));
      return r ? `+POP3NUM: 1,${r[1]},${r[2]}` : '+POP3NUM: 0';
    }
    case 'LIST': {
      const r = /^\+OK\s+(\d+)\s+(\d+)/.exec(await s.simple('LIST ' + msg));
      return r ? `+POP3LIST: 1,${r[1]},${r[2]}` : '+POP3LIST: 0';
    }
    case 'UIDL': {
      const r = /^\+OK\s+(\d+)\s+(\S+)/.exec(await s.simple('UIDL ' + msg));
      return r ? `+POP3UIDL: 1,${r[1]},${r[2]}` : '+POP3UIDL: 0';
    }
    case 'DEL':
      return (await s.simple('DELE ' + msg)).startsWith('+OK') ? '+POP3DEL: 1' : '+POP3DEL: 0';
    default:
      // The manual's spelling of the negative answer is "+POP3REST: 0" (sic).
      return (await s.simple('RSET')).startsWith('+OK') ? '+POP3RSET: 1' : '+POP3REST: 0';
  }
}

async function runPop3Simple(m: Core, st: Pop3State, what: Simple, msg: number): Promise<void> {
  const gen = m.generation;
  await m.sleep(m.rng.range(m.opts.networkDelayMs));
  if (gen !== m.generation || m.pop3 !== st) return;
  pop3Fault(m);
  let urc: string;
  try {
    urc = await simpleUrc(st, what, msg);
  } catch (e) {
    if (gen !== m.generation) return;
    pop3Lost(m, st, e instanceof NetFail ? e.code : 65);
    return;
  }
  copyPop3Transcript(m, st);
  await m.sleep(m.rng.range(m.opts.resultDelayMs));
  if (gen !== m.generation || m.pop3 !== st) return;
  st.pending = false;
  m.urc(urc);
}

export function pop3cmd(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima.msgNumber;
  if (c.form === 'test') return m.infoOk(`+POP3CMD: (1-4),(1-${mx}),(0-${mx})`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1 || p.length > 3) return ERR;
  const t = intParam(p[0]);
  const msg = p.length > 1 ? intParam(p[1]) : null;
  const lines = p.length > 2 ? intParam(p[2]) : null;
  let line: string;
  if ((t === 1 || t === 2) && p.length === 1) line = t === 1 ? 'LIST' : 'UIDL';
  else if (t === 3 && p.length === 3 && msg !== null && msg >= 1 && lines !== null) line = `TOP ${msg} ${lines}`;
  else if (t === 4 && p.length === 2 && msg !== null && msg >= 1) line = `RETR ${msg}`;
  else return ERR;
  if (msg !== null && msg > mx) return ERR;
  const st = pop3Ready(m);
  if (!st) return ERR;
  st.pending = true;
  m.final(OK);
  void runPop3Cmd(m, st, line);
  return NONE;
}

async function runPop3Cmd(m: Core, st: Pop3State, line: string): Promise<void> {
  const gen = m.generation;
  await m.sleep(m.rng.range(m.opts.networkDelayMs));
  if (gen !== m.generation || m.pop3 !== st) return;
  pop3Fault(m);
  const rd: ReadState = {
    chunks: [],
    avail: 0,
    complete: false,
    shortRead: false,
    lastRead: Date.now(),
    reminder: null,
    incoming: [],
    endPending: false,
    throttle: null,
  };
  const filter = new Pop3DataFilter({ unstuff: m.opts.pop3Unstuff, keepDot: m.opts.pop3IncludeDot });
  let status: string;
  try {
    status = await st.session.multi(line, {
      data: (b) => downlink(m, st, rd, filter.push(b)),
      end: () => {
        rd.endPending = true;
        downlink(m, st, rd, null);
      },
      fail: (f) => {
        if (gen === m.generation) pop3Lost(m, st, f.code);
      },
    });
  } catch (e) {
    if (gen !== m.generation) return;
    pop3Lost(m, st, e instanceof NetFail ? e.code : 65);
    return;
  }
  copyPop3Transcript(m, st);
  if (gen !== m.generation || m.pop3 !== st) return;
  st.pending = false;
  if (!status.startsWith('+OK')) {
    m.urc('+POP3CMD: 0');
    return;
  }
  if (m.opts.pop3IncludeOk) {
    const okLine = Buffer.from(status + '\r\n', 'latin1');
    rd.chunks.unshift(okLine);
    rd.avail += okLine.length;
  }
  st.read = rd;
  armReminder(m, st, rd);
  m.urc('+POP3CMD: 1');
}

export function pop3out(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return OK;
  if (c.form !== 'exec') return ERR;
  const st = m.pop3;
  if (!st || !st.loggedIn) return ERR;
  if (st.pending && !st.read) return ERR;
  endRead(st);
  st.pending = true;
  m.final(OK);
  void runPop3Out(m, st);
  return NONE;
}

async function runPop3Out(m: Core, st: Pop3State): Promise<void> {
  const gen = m.generation;
  st.session.onLost = null;
  let code = 1;
  try {
    await st.session.quit();
  } catch (e) {
    code = e instanceof NetFail ? e.code : 63;
  }
  copyPop3Transcript(m, st);
  await m.sleep(m.rng.range(m.opts.resultDelayMs));
  if (gen !== m.generation || m.pop3 !== st) return;
  m.pop3 = null;
  m.urc(`+POP3OUT: ${code}`);
}
