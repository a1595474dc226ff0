// AT+SMTPSEND and AT+SMTPFT: the send runs the emulator's SMTP client (smtp.ts) and reports +SMTPSEND: <code>;
// an attachment goes through "+SMTPFT: 1,<max>" / AT+SMTPFT=<n> / "+SMTPFT: 2,<cnf>" / cnf bytes / OK.

import type { Core } from '../core';
import { intParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, DATA, NONE, SmtpState, isHex } from '../state';
import { SmtpSession } from '../smtp';
import { NetFail } from '../netline';
import type { MailSettings } from '../compose';
import { failSmtp } from '../sessions';
import { sendFault } from '../faults';
import { clearMailSettings } from './settings';

/** Subject and body as bytes: as typed with the ASCII charset, else decoded from hex (null: not hex). */
function decodeField(m: Core, s: string | Buffer): Buffer | null {
  const str = typeof s === 'string' ? s : s.toString('latin1');
  if (m.email.charset.toUpperCase() === 'ASCII') return Buffer.from(str, 'latin1');
  if (!isHex(str)) return null;
  return Buffer.from(str, 'hex');
}

export function smtpsend(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return OK;
  if (c.form !== 'exec') return ERR;
  const e = m.email;
  if (m.smtp || m.pop3) return ERR;
  if (!e.smtpHost || !e.fromAddress || e.rcpts.length === 0) return ERR;
  const subject = decodeField(m, e.subject);
  const body = decodeField(m, e.body);
  if (!subject || !body) return ERR;
  const mail: MailSettings = {
    fromAddress: e.fromAddress,
    fromName: e.fromName,
    rcpts: e.rcpts.slice().sort((a, b) => a.type - b.type || a.index - b.index),
    subject,
    body,
    charset: e.charset,
    attachment: e.fileType ? { fileType: e.fileType, fileName: e.fileName, encodeType: e.encodeType } : null,
    date: m.opts.now(),
    messageIdSeed: `${Date.now().toString(36)}.${m.rng.int(0, 0x7fffffff).toString(36)}`,
  };
  const dest = m.routeTo(e.smtpHost, e.smtpPort, 'smtp');
  const session = new SmtpSession(
    {
      host: dest.host,
      port: dest.port,
      authType: e.authType,
      user: e.user,
      password: e.password,
      ehloName: m.opts.ehloName,
      ssl: e.ssl,
      tls: m.tlsSetup(e.smtpHost),
      timeoutMs: m.emailTimeoutMs(),
      replyDelayMs: () => m.scaledMs(m.opts.smtpStageDelayMs),
      mail,
    },
    {
      attachment: () => attachmentPhase(m),
      stage: () => sendFault(m),
      lost: (f) => {
        if (m.smtp && m.smtp.session === session) failSmtp(m.smtp, f.code, f.message);
      },
    },
  );
  m.smtp = { session, encodeType: e.encodeType, ft: null, ftMax: m.opts.maxima.ftMax, done: false };
  m.final(OK);
  void runSend(m, m.smtp);
  return NONE;
}

async function runSend(m: Core, st: SmtpState): Promise<void> {
  const gen = m.generation;
  let code = 1;
  await m.sleep(m.rng.range(m.opts.networkDelayMs));
  if (gen !== m.generation) return;
  if (!m.bearerOpen()) code = 61;
  else {
    try {
      code = await st.session.run();
    } catch (e) {
      code = e instanceof NetFail ? e.code : 65;
    }
  }
  st.session.close();
  if (gen !== m.generation) return;
  m.sends.push({ code, transcript: st.session.transcript.slice() });
  await m.sleep(m.rng.range(m.opts.resultDelayMs));
  if (gen !== m.generation) return;
  st.done = true;
  if (st.ft) {
    if (st.ft.timer) clearTimeout(st.ft.timer);
    st.ft = null;
  }
  if (m.smtp === st) m.smtp = null;
  if (m.opts.clearAfterSend) clearMailSettings(m);
  m.urc(`+SMTPSEND: ${code}`);
  m.events.emit('smtpsend', code);
}

/** The SMTP dialogue reached the attachment: announce it and wait for the host's AT+SMTPFT=0. */
function attachmentPhase(m: Core): Promise<void> {
  const st = m.smtp;
  if (!st) return Promise.reject(new NetFail(65, 'no session'));
  return new Promise((resolve, reject) => {
    st.ft = { resolve, reject, timer: null };
    announceFt(m, st);
  });
}

/** "+SMTPFT: 1,<max>": maxima.ftMax, or with ftMaxVary a value in [64, ftMax] ("depends on the network status"). */
function announceFt(m: Core, st: SmtpState): void {
  if (!st.ft) return;
  const max = m.opts.maxima.ftMax;
  st.ftMax = m.opts.faults.ftMaxVary ? m.rng.int(Math.min(64, max), max) : max;
  m.urc(`+SMTPFT: 1,${st.ftMax}`);
  armFtTimer(m, st);
}

function armFtTimer(m: Core, st: SmtpState): void {
  if (!st.ft) return;
  if (st.ft.timer) clearTimeout(st.ft.timer);
  st.ft.timer = m.later(m.emailTimeoutMs(), () => {
    if (st.ft && m.mode !== 'ftdata') failSmtp(st, 64, 'host did not continue the attachment in time');
  });
}

export function smtpft(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return OK;
  if (c.form !== 'write') return ERR;
  const st = m.smtp;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const n = intParam(p[0]);
  if (n === null || !st || !st.ft || st.done) return ERR;
  if (n > st.ftMax) return ERR;
  if (st.ft.timer) clearTimeout(st.ft.timer);
  if (n === 0) {
    const ft = st.ft;
    st.ft = null;
    m.final(OK);
    ft.resolve();
    return NONE;
  }
  // ftShortRate: the module confirms fewer bytes than asked; the host sends exactly those, the rest later.
  const cnf = n > 1 && m.rng.chance(m.opts.faults.ftShortRate) ? m.rng.int(1, n - 1) : n;
  m.openData('ftdata', () => (m.noise(), m.info([`+SMTPFT: 2,${cnf}`])), cnf, (bytes) => void ftChunk(m, st, bytes));
  return DATA;
}

async function ftChunk(m: Core, st: SmtpState, bytes: Buffer): Promise<void> {
  const gen = m.generation;
  m.busy = true;
  m.holdUrcs++;
  let ok = false;
  try {
    if (!st.done && st.ft && m.smtp === st) ok = await st.session.writeAttachment(bytes, st.encodeType);
  } catch {
    ok = false;
  }
  if (gen !== m.generation) return;
  m.busy = false;
  m.holdUrcs--;
  m.final(ok ? OK : ERR);
  if (st.ft && !st.done) {
    sendFault(m);
    if (gen !== m.generation) return;
    announceFt(m, st);
  }
  m.pump();
}
