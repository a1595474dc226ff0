// The e-mail settings: AT+EMAILCID, +EMAILTO, +SMTPSRV, +SMTPAUTH, +SMTPFROM, +SMTPRCPT, +SMTPSUB, +SMTPBODY (prompt
// or DOWNLOAD), +SMTPFILE, +SMTPCS, +POP3SRV.

import type { Core } from '../core';
import { intParam, strParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, DATA, isHex, q } from '../state';

/** A body is stored as typed when the charset is ASCII; otherwise it must be hex. */
export function bodyValid(m: Core, body: Buffer): boolean {
  if (m.email.charset.toUpperCase() === 'ASCII') return true;
  return isHex(body.toString('latin1'));
}

/** clearAfterSend: what MGAMAN says a send forgets (charset, timeout and cid stay). */
export function clearMailSettings(m: Core): void {
  const e = m.email;
  e.smtpHost = '';
  e.smtpPort = 25;
  e.authType = 0;
  e.user = '';
  e.password = '';
  e.fromAddress = '';
  e.fromName = '';
  e.rcpts = [];
  e.subject = '';
  e.body = Buffer.alloc(0);
  e.fileType = 0;
  e.fileName = '';
  e.encodeType = 0;
}

export function emailcid(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+EMAILCID: (1-3)');
  if (c.form === 'read') return m.infoOk(`+EMAILCID: ${m.email.cid}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const v = intParam(p[0]);
  if (v === null || v < 1 || v > 3) return ERR;
  m.email.cid = v;
  return OK;
}

export function emailto(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+EMAILTO: (10-120)');
  if (c.form === 'read') return m.infoOk(`+EMAILTO: ${m.email.timeout}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const v = intParam(p[0]);
  if (v === null || v < 10 || v > 120) return ERR;
  m.email.timeout = v;
  return OK;
}

/**
 * AT+EMAILSSL (SIM800 family, some SIM900 firmware; not in the V1.02 manual): 0 plain, 1 TLS from the start (465,
 * 995), 2 STARTTLS / STLS on the normal port (25, 587, 110). Firmware without it answers every form ERROR.
 */
export function emailssl(m: Core, c: ExtendedCommand): Res {
  if (!m.hasEmailSsl()) return ERR;
  if (c.form === 'test') return m.infoOk('+EMAILSSL: (0-2)');
  if (c.form === 'read') return m.infoOk(`+EMAILSSL: ${m.email.ssl}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const v = intParam(p[0]);
  if (v === null || v < 0 || v > 2) return ERR;
  m.email.ssl = v;
  return OK;
}

export function smtpsrv(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  if (c.form === 'test') return m.infoOk(`+SMTPSRV: ${mx.smtpServer},(1-65535)`);
  if (c.form === 'read') return m.infoOk(`+SMTPSRV: ${q(m.email.smtpHost)},${m.email.smtpPort}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1 || p.length > 2) return ERR;
  const host = strParam(p[0]);
  if (!host || host.length > mx.smtpServer || /\s/.test(host)) return ERR;
  let port = 25;
  if (p.length === 2) {
    const v = intParam(p[1]);
    if (v === null || v < 1 || v > 65535) return ERR;
    port = v;
  }
  m.email.smtpHost = host;
  m.email.smtpPort = port;
  return OK;
}

export function smtpauth(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  const e = m.email;
  if (c.form === 'test') return m.infoOk(`+SMTPAUTH: (0,1),${mx.userName},${mx.password}`);
  if (c.form === 'read') return m.infoOk(`+SMTPAUTH: ${e.authType},${q(e.user)},${q(e.password)}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1) return ERR;
  const t = intParam(p[0]);
  if (t === 0 && p.length === 1) {
    e.authType = 0;
    e.user = '';
    e.password = '';
    return OK;
  }
  if (t !== 1 || p.length !== 3) return ERR;
  const u = strParam(p[1]);
  const pw = strParam(p[2]);
  if (!u || pw === null || u.length > mx.userName || pw.length > mx.password) return ERR;
  e.authType = 1;
  e.user = u;
  e.password = pw;
  return OK;
}

export function smtpfrom(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  if (c.form === 'test') return m.infoOk(`+SMTPFROM: ${mx.senderAddress},${mx.senderName}`);
  if (c.form === 'read') return m.infoOk(`+SMTPFROM: ${q(m.email.fromAddress)},${q(m.email.fromName)}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1 || p.length > 2) return ERR;
  const a = strParam(p[0]);
  const n = p.length > 1 ? strParam(p[1]) ?? '' : '';
  if (!a || a.length > mx.senderAddress || n.length > mx.senderName || /[\s<>]/.test(a)) return ERR;
  m.email.fromAddress = a;
  m.email.fromName = n;
  return OK;
}

export function smtprcpt(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  const e = m.email;
  if (c.form === 'test') return m.infoOk(`+SMTPRCPT: (0-2),(0-${mx.rcptIndexMax}),${mx.rcptAddress},${mx.rcptName}`);
  if (c.form === 'read') {
    const list = e.rcpts
      .slice()
      .sort((a, b) => a.type - b.type || a.index - b.index)
      .map((r) => `+SMTPRCPT: ${r.type},${r.index},${q(r.address)},${q(r.name)}`);
    m.info(list);
    return OK;
  }
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1 || p.length > 4) return ERR;
  const type = intParam(p[0]);
  if (type === null || type > 2) return ERR;
  if (p.length === 1) {
    e.rcpts = e.rcpts.filter((r) => r.type !== type);
    return OK;
  }
  const index = intParam(p[1]);
  if (index === null || index > mx.rcptIndexMax) return ERR;
  if (p.length === 2) {
    e.rcpts = e.rcpts.filter((r) => !(r.type === type && r.index === index));
    return OK;
  }
  const a = strParam(p[2]);
  const n = p.length > 3 ? strParam(p[3]) ?? '' : '';
  if (!a || a.length > mx.rcptAddress || n.length > mx.rcptName || /[\s<>,]/.test(a)) return ERR;
  e.rcpts = e.rcpts.filter((r) => !(r.type === type && r.index === index));
  e.rcpts.push({ type, index, address: a, name: n });
  return OK;
}

export function smtpsub(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  if (c.form === 'test') return m.infoOk(`+SMTPSUB: ${mx.subject}`);
  if (c.form === 'read') return m.infoOk(`+SMTPSUB: ${q(m.email.subject)}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const s = strParam(p[0]) ?? '';
  if (s.length > mx.subject) return ERR;
  if (m.email.charset.toUpperCase() !== 'ASCII') {
    if (!isHex(s)) return ERR;
    const dec = Buffer.from(s, 'hex');
    if (dec.some((x) => x < 0x20 || x === 0x7f)) {
      m.violations.push('control character in the hex subject');
      return ERR;
    }
  }
  m.email.subject = s;
  return OK;
}

export function smtpbody(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  if (c.form === 'test') return m.infoOk(`+SMTPBODY: ${mx.body}`);
  if (m.opts.dialect === 'sim900') {
    // Execution form (the manual writes it "AT+SMTPBODY=" and its example "AT+SMTPBODY").
    if (c.form !== 'exec' && !(c.form === 'write' && c.raw.trim() === '')) return ERR;
    m.openData('prompt', () => m.out.push(Buffer.from('\r\n> ', 'latin1')));
    return DATA;
  }
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const len = intParam(p[0]);
  if (len === null || len < 1 || len > mx.body) return ERR;
  const done = (b: Buffer) => {
    if (!bodyValid(m, b)) m.final(ERR);
    else {
      m.email.body = b;
      m.final(OK);
    }
  };
  m.openData('download', () => (m.noise(), m.unit('\r\nDOWNLOAD\r\n')), len, done);
  return DATA;
}

export function smtpfile(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  const e = m.email;
  if (c.form === 'test') return m.infoOk(`+SMTPFILE: (0-2),${mx.fileName},(0,1)`);
  if (c.form === 'read') return m.infoOk(`+SMTPFILE: ${e.fileType},${q(e.fileName)},${e.encodeType}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || (p.length !== 1 && p.length !== 3)) return ERR;
  const t = intParam(p[0]);
  if (t === 0 && p.length === 1) {
    e.fileType = 0;
    e.fileName = '';
    e.encodeType = 0;
    return OK;
  }
  if (p.length !== 3 || (t !== 1 && t !== 2)) return ERR;
  const name = strParam(p[1]);
  const enc = intParam(p[2]);
  if (!name || name.length > mx.fileName || /["\\/]/.test(name)) return ERR;
  if ((t === 1 && enc !== 0) || (t === 2 && enc !== 1)) return ERR;
  e.fileType = t;
  e.fileName = name;
  e.encodeType = enc!;
  return OK;
}

export function smtpcs(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  if (c.form === 'test') return m.infoOk(`+SMTPCS: ${mx.charset}`);
  if (c.form === 'read') return m.infoOk(`+SMTPCS: ${q(m.email.charset)}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length !== 1) return ERR;
  const s = strParam(p[0]);
  if (!s || s.length > mx.charset || !/^[A-Za-z0-9._:+-]+$/.test(s)) return ERR;
  m.email.charset = s;
  return OK;
}

export function pop3srv(m: Core, c: ExtendedCommand): Res {
  const mx = m.opts.maxima;
  const e = m.email;
  if (c.form === 'test') return m.infoOk(`+POP3SRV: ${mx.pop3Server},${mx.userName},${mx.password}, (1-65535)`);
  if (c.form === 'read') return m.infoOk(`+POP3SRV: ${q(e.pop3Host)},${q(e.pop3User)},${q(e.pop3Password)},${e.pop3Port}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 3 || p.length > 4) return ERR;
  const host = strParam(p[0]);
  const user = strParam(p[1]);
  const pw = strParam(p[2]);
  if (!host || !user || pw === null || /\s/.test(host)) return ERR;
  if (host.length > mx.pop3Server || user.length > mx.userName || pw.length > mx.password) return ERR;
  let port = 110;
  if (p.length === 4) {
    const v = intParam(p[3]);
    if (v === null || v < 1 || v > 65535) return ERR;
    port = v;
  }
  e.pop3Host = host;
  e.pop3User = user;
  e.pop3Password = pw;
  e.pop3Port = port;
  return OK;
}
