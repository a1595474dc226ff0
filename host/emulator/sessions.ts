// How the module's SMTP and POP3 sessions end when something else than their own dialogue ends them: a lost
// bearer, a dropped connection, a reset, a power-down.

import type { Core } from './core';
import type { SmtpState, Pop3State } from './state';
import { NetFail } from './netline';

/** Fails the running send with this code (the pending attachment wait, if any, ends too). */
export function failSmtp(s: SmtpState, code: number, why: string): void {
  s.session.abort(code, why);
  if (s.ft) {
    const ft = s.ft;
    s.ft = null;
    if (ft.timer) clearTimeout(ft.timer);
    ft.reject(new NetFail(code, why));
  }
}

export function copyPop3Transcript(m: Core, st: Pop3State): void {
  const t = st.session.conn ? st.session.conn.transcript : [];
  for (let i = st.copied; i < t.length; i++) m.pop3Transcript.push(t[i]);
  st.copied = t.length;
}

export function endRead(st: Pop3State): void {
  if (st.read && st.read.reminder) clearTimeout(st.read.reminder);
  if (st.read && st.read.throttle) clearTimeout(st.read.throttle);
  st.read = null;
}

/** The POP3 session ended abnormally: "+POP3OUT: <code>". */
export function pop3Lost(m: Core, st: Pop3State, code: number): void {
  if (m.pop3 !== st) return;
  copyPop3Transcript(m, st);
  endRead(st);
  st.session.close();
  m.pop3 = null;
  m.urc(`+POP3OUT: ${code}`);
}

/** Ends running sessions. code null: silently (reset / power down); otherwise with the URC for that code. */
export function abortSessions(m: Core, code: number | null): void {
  const s = m.smtp;
  if (s) {
    if (code === null) {
      s.done = true;
      if (s.ft && s.ft.timer) clearTimeout(s.ft.timer);
      s.ft = null;
      s.session.abort(61, 'module reset');
      s.session.close();
      m.smtp = null;
    } else failSmtp(s, code, 'aborted');
  }
  const p = m.pop3;
  if (p) {
    if (code === null) {
      endRead(p);
      p.session.onLost = null;
      p.session.abort(61, 'module reset');
      m.pop3 = null;
    } else {
      p.session.onLost = null;
      p.session.abort(code, 'aborted');
      if (!p.pending || p.read) pop3Lost(m, p, code);
      // a pending command's own error path reports +POP3OUT / +POP3IN with this code
    }
  }
}
