// sendMail: the SMTP settings, the body, the optional attachment streamed through AT+SMTPFT's flow control, and
// AT+SMTPSEND's late result. Everything a user passes is checked before the first byte goes to the module.
import { hexQuote, intParam, promptText, quote, toHex, utf8Encode } from '../at/params';
import { mailError, type MailError } from '../errors';
import { smtpError } from './codes';
import { param, quoted, type Callback, type Sim900Mail } from './client';
import { badFileName, badText, isAscii, toAddress, toAddressList, type Address } from './fields';
import { fields, num, payload } from './parse';

/** Attachment bytes read in pieces, so that a large file never has to be in RAM (e.g. a Storage file). */
export interface ChunkReader {
  size: number;
  /** `length` bytes from `offset`, as a binary string or Uint8Array (shorter only at the end) */
  read(offset: number, length: number): string | Uint8Array;
}

export interface Attachment {
  name: string;
  /** a binary string, a Uint8Array or a reader */
  data: string | Uint8Array | ChunkReader;
  /** 'text' (7bit, US-ASCII lines) or 'binary' (base64); default: binary unless `data` is ASCII text */
  type?: 'text' | 'binary';
}

export interface Mail {
  to: any;
  cc?: any;
  bcc?: any;
  from?: any;
  subject?: string;
  body?: string;
  /** 'ASCII', 'UTF-8', or left out: UTF-8 when subject, body or a name is not ASCII */
  charset?: string;
  attachment?: Attachment;
  /** (sent, total) in attachment bytes */
  onProgress?: (sent: number, total: number) => void;
}

export interface SendResult {
  /** AT commands written for this mail */
  commands: number;
  attachmentBytes: number;
}

/** A mail checked and encoded: every command line it needs, ready to go. */
interface Plan {
  lines: string[][]; // [key, line]
  body: string;
  attach: Source | null;
  progress: ((sent: number, total: number) => void) | null;
}

/** base64 lines of 76 characters, CRLF-terminated, as a MIME body carries them */
const B64_LINE_BYTES = 57;

/** The attachment as the bytes the module forwards: 7bit text as it is, binary in base64 lines. */
class Source {
  reader: ChunkReader;
  binary: boolean;
  /** raw bytes read so far */
  offset: number;
  /** encoded bytes waiting to be sent */
  pending: string;
  /** total encoded bytes */
  total: number;

  constructor(reader: ChunkReader, binary: boolean) {
    this.reader = reader;
    this.binary = binary;
    this.offset = 0;
    this.pending = '';
    const lines = Math.ceil(reader.size / B64_LINE_BYTES);
    this.total = binary ? 4 * Math.ceil(reader.size / 3) + 2 * lines : reader.size;
  }

  /** Up to n encoded bytes, without consuming them. */
  peek(n: number): string | MailError {
    while (this.pending.length < n && this.offset < this.reader.size) {
      const want = this.binary ? B64_LINE_BYTES * Math.max(1, Math.ceil((n - this.pending.length) / 78)) : n - this.pending.length;
      let chunk: any;
      try {
        chunk = this.reader.read(this.offset, Math.min(want, this.reader.size - this.offset));
      } catch (e: any) {
        return mailError('AttachmentError', 'E_ATTACHMENT', 'reading the attachment failed: ' + (e && e.message));
      }
      const s: string = typeof chunk === 'string' ? chunk : bytesToString(chunk);
      if (!s.length) return mailError('AttachmentError', 'E_ATTACHMENT', `the attachment reader gave no data at offset ${this.offset} of ${this.reader.size}`);
      this.offset += s.length;
      if (this.binary) this.pending += base64Lines(s);
      else {
        if (/[^\x01-\x7f]/.test(s)) return mailError('AttachmentError', 'E_ATTACHMENT', 'a text attachment must be 7-bit US-ASCII: send it as binary');
        this.pending += s;
      }
    }
    return this.pending.substr(0, n);
  }

  consume(n: number): void {
    this.pending = this.pending.substr(n);
  }

  /** raw bytes sent, for progress */
  rawSent(encodedSent: number): number {
    if (!this.binary) return encodedSent;
    return Math.min(this.reader.size, Math.floor((encodedSent * B64_LINE_BYTES) / 78));
  }
}

/** Uint8Array -> binary string: E.toString on a board, fromCharCode elsewhere (chunks are small). */
function bytesToString(u: Uint8Array): string {
  if (typeof E !== 'undefined') return E.toString(u);
  return String.fromCharCode.apply(null, u as any);
}

/** Binary string -> base64 in 76-character CRLF lines; `s` is a whole number of 57-byte lines except at the end. */
function base64Lines(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += B64_LINE_BYTES) out += btoa(s.substr(i, B64_LINE_BYTES)) + '\r\n';
  return out;
}

function readerOf(data: any): ChunkReader | MailError {
  if (typeof data === 'string') return { size: data.length, read: (o: number, n: number) => data.substr(o, n) };
  if (data && typeof data.length === 'number' && typeof data.subarray === 'function')
    return { size: data.length, read: (o: number, n: number) => data.subarray(o, o + n) };
  if (data && typeof data.size === 'number' && typeof data.read === 'function') return data as ChunkReader;
  return mailError('ParameterError', 'E_PARAM', 'attachment.data: expected a string, a Uint8Array or a {size, read(offset, length)} reader');
}

/** A reader over a file in Espruino's Storage, read in pieces. */
export function storageReader(name: string): ChunkReader {
  const storage = require('Storage');
  const whole = storage.read(name, 0, 0);
  if (whole === undefined) throw mailError('ParameterError', 'E_PARAM', `Storage file "${name}" not found`);
  const size = storage.read(name).length;
  return { size: size, read: (o: number, n: number) => storage.read(name, o, n) };
}

function fail(what: string, why: string): MailError {
  return mailError('ParameterError', 'E_PARAM', `${what}: ${why}`);
}

/** Checks and encodes everything: returns the plan, or the first problem. Nothing is written. */
function plan(c: Sim900Mail, mail: Mail): Plan | MailError {
  if (!mail || typeof mail !== 'object') return fail('mail', 'expected an object');
  const smtp = c.opts.smtp;
  if (!smtp || typeof smtp.host !== 'string') return fail('options.smtp', 'the SMTP server is not configured');
  const from = toAddress(mail.from || c.opts.from, 'from');
  if (from instanceof Error) return from;
  const lists: Address[][] = [];
  const kinds = ['to', 'cc', 'bcc'];
  for (let k = 0; k < 3; k++) {
    const l = toAddressList((mail as any)[kinds[k]], kinds[k]);
    if (l instanceof Error) return l;
    lists.push(l as Address[]);
  }
  if (!lists[0].length && !lists[1].length && !lists[2].length) return fail('to', 'no recipient');
  const subject = mail.subject === undefined ? '' : mail.subject;
  const body = mail.body === undefined ? '' : mail.body;
  const names = [(from as Address).name || ''];
  for (const l of lists) for (const a of l) names.push(a.name || '');
  let ascii = isAscii(subject) && isAscii(body);
  for (const n of names) if (!isAscii(n)) ascii = false;
  const charset = mail.charset || (ascii ? 'ASCII' : 'UTF-8');
  if (mail.charset !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(charset)) return fail('charset', 'not a charset name');
  const hex = charset.toUpperCase() !== 'ASCII';
  if (!hex && !ascii) return fail('charset', 'ASCII was asked but the mail holds non-ASCII text');
  for (const n of names) {
    // names are quoted AT strings without hex form: ASCII only
    if (!isAscii(n)) return fail('name', `"${n}" is not ASCII; the module sends names as they are`);
  }
  const bad = badText(subject, hex);
  if (bad) return fail('subject', bad);

  const L = (name: string, i: number, fb: number) => c.limit(name, i, fb);
  const lines: string[][] = [];
  const add = (key: string, fn: () => string): MailError | null => {
    const line = param(fn);
    if (line instanceof Error) return line;
    lines.push([key, line as string]);
    return null;
  };
  let e: MailError | null;
  e = add('SMTPCS', () => 'AT+SMTPCS=' + quote(charset, L('SMTPCS', 0, 10), 'charset'));
  if (e) return e;
  e = add('SMTPSRV', () => 'AT+SMTPSRV=' + quote(smtp.host, L('SMTPSRV', 0, 50), 'SMTP server') + ',' + intParam(smtp.port || 25, 1, L('SMTPSRV', 1, 65535), 'SMTP port'));
  if (e) return e;
  if (smtp.user !== undefined)
    e = add('SMTPAUTH', () => 'AT+SMTPAUTH=1,' + quote(smtp.user!, L('SMTPAUTH', 1, 32), 'SMTP user') + ',' + quote(smtp.password || '', L('SMTPAUTH', 2, 32), 'SMTP password'));
  else e = add('SMTPAUTH', () => 'AT+SMTPAUTH=0');
  if (e) return e;
  const f = from as Address;
  e = add('SMTPFROM', () => 'AT+SMTPFROM=' + quote(f.address, L('SMTPFROM', 0, 48), 'from address') + (f.name ? ',' + quote(f.name, L('SMTPFROM', 1, 48), 'from name') : ''));
  if (e) return e;
  const maxIndex = L('SMTPRCPT', 1, 4);
  for (let k = 0; k < 3; k++) {
    const list = lists[k];
    if (list.length > maxIndex + 1) return fail(kinds[k], `${list.length} recipients; the module takes at most ${maxIndex + 1} of each kind`);
    let all = '';
    const kLines: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      const qa = quoted(a.address, L('SMTPRCPT', 2, 48), kinds[k] + ' address');
      if (qa instanceof Error) return qa;
      let line = 'AT+SMTPRCPT=' + k + ',' + i + ',' + qa;
      if (a.name) {
        const qn = quoted(a.name, L('SMTPRCPT', 3, 48), kinds[k] + ' name');
        if (qn instanceof Error) return qn;
        line += ',' + qn;
      }
      kLines.push(line);
      all += line + '\n';
    }
    // the whole list is one setting: key RCPT<k> holds every line of that kind
    lines.push(['RCPT' + k, all]);
    for (const l of kLines) lines.push(['', l]);
  }
  e = add('SMTPSUB', () => 'AT+SMTPSUB=' + (hex ? hexQuote(subject, L('SMTPSUB', 0, 100), 'subject') : quote(subject, L('SMTPSUB', 0, 100), 'subject')));
  if (e) return e;
  let bodyText: string;
  const bodyMax = L('SMTPBODY', 0, 4096);
  if (hex) {
    bodyText = toHex(utf8Encode(body));
    if (bodyText.length > bodyMax) return fail('body', `needs ${bodyText.length} hex digits; the module takes at most ${bodyMax}`);
  } else {
    const b = param(() => promptText(body, bodyMax, 'body'));
    if (b instanceof Error) return b;
    bodyText = body;
  }
  let attach: Source | null = null;
  if (mail.attachment) {
    const a = mail.attachment;
    const why = badFileName(a.name);
    if (why) return fail('attachment.name', why);
    const reader = readerOf(a.data);
    if (reader instanceof Error) return reader;
    const r = reader as ChunkReader;
    let binary = a.type !== 'text';
    if (a.type === undefined && typeof a.data === 'string' && !/[^\x09\x0a\x0d\x20-\x7e]/.test(a.data)) binary = false;
    if (a.type !== undefined && a.type !== 'text' && a.type !== 'binary') return fail('attachment.type', "must be 'text' or 'binary'");
    e = add('SMTPFILE', () => 'AT+SMTPFILE=' + (binary ? 2 : 1) + ',' + quote(a.name, L('SMTPFILE', 1, 48), 'attachment name') + ',' + (binary ? 1 : 0));
    if (e) return e;
    attach = new Source(r, binary);
  } else {
    e = add('SMTPFILE', () => 'AT+SMTPFILE=0');
    if (e) return e;
  }
  return { lines: lines, body: bodyText, attach: attach, progress: mail.onProgress || null };
}

/** Sends a mail; the callback gets {commands, attachmentBytes} once the module reports +SMTPSEND: 1. */
export function sendMail(c: Sim900Mail, mail: Mail, cb: Callback<SendResult>): void {
  // a first check without the module's limits: bad input never waits for the module
  const early = plan(c, mail);
  if (early instanceof Error) return cb(early);
  const startCommands = c.commands;
  c.acquire('smtp', (err) => {
    if (err) return cb(err);
    const done = (e: MailError | null, bytes?: number): void => {
      c.release('smtp');
      // after a failure the module's mail settings are unknown (it may also have ended an older send, which
      // empties them): send them all again next time
      if (e) c.sent(true);
      if (e) return cb(e);
      cb(null, { commands: c.commands - startCommands, attachmentBytes: bytes || 0 });
    };
    c.prepare((e1) => {
      if (e1) return done(e1);
      const p = plan(c, mail); // again, now with the module's own maxima
      if (p instanceof Error) return done(p);
      applySettings(c, p as Plan, 0, (e2) => {
        if (e2) return done(e2);
        sendBody(c, (p as Plan).body, (e3) => {
          if (e3) return done(e3);
          transmit(c, p as Plan, done);
        });
      });
    });
  });
}

function applySettings(c: Sim900Mail, p: Plan, i: number, cb: Callback<void>): void {
  if (i >= p.lines.length) return cb(null);
  const key = p.lines[i][0];
  const line = p.lines[i][1];
  if (key.indexOf('RCPT') === 0) {
    // a recipient list: unchanged and still held -> skip its lines; otherwise set each index, after the delete
    // form of AT+SMTPRCPT when the module may hold more entries of this kind than the new list has
    let n = 0;
    while (i + 1 + n < p.lines.length && p.lines[i + 1 + n][0] === '') n++;
    const after = i + 1 + n;
    if (c.held[key] === line) return applySettings(c, p, after, cb);
    const k = key.charAt(4);
    const held = c.held['RMAX' + k];
    let max = held === undefined ? -1 : parseInt(held, 10);
    delete c.held[key];
    const setAll = (j: number): void => {
      if (j > n) {
        c.held[key] = line;
        c.held['RMAX' + k] = String(Math.max(n, max));
        return applySettings(c, p, after, cb);
      }
      c.exec(p.lines[i + j][1], null, (err) => (err ? cb(err) : setAll(j + 1)));
    };
    if (max >= 0 && max <= n) return setAll(1);
    c.exec('AT+SMTPRCPT=' + k, null, (err) => {
      if (err) return cb(err);
      max = 0;
      setAll(1);
    });
    return;
  }
  c.setting(key, line, (err) => (err ? cb(err) : applySettings(c, p, i + 1, cb)));
}

/** The body, in the module's dialect: SIM900 "> " prompt and Ctrl-Z, or SIM800 AT+SMTPBODY=<len> and DOWNLOAD. */
function sendBody(c: Sim900Mail, body: string, cb: Callback<void>): void {
  if (c.held.SMTPBODY === body) return cb(null);
  const done = (err: MailError | null): void => {
    if (err) return cb(err);
    c.held.SMTPBODY = body;
    cb(null);
  };
  if (c.dialect === 'sim800') {
    c.exec('AT+SMTPBODY=' + body.length, { prompt: 'DOWNLOAD', payload: body, timeout: 20000 }, done);
    return;
  }
  c.exec('AT+SMTPBODY', { prompt: '> ', payload: body, terminator: '\x1a', timeout: 20000 }, (err) => {
    if (err && c.dialect === '' && err.code === 'E_ERROR') {
      // no execution form: the SIM800 family's AT+SMTPBODY=<len>
      c.dialect = 'sim800';
      return sendBody(c, body, cb);
    }
    if (!err && c.dialect === '') c.dialect = 'sim900';
    done(err);
  });
}

/** The code in "+SMTPSEND: <code>". */
function sendCode(line: string): number {
  return num(fields(payload(line, '+SMTPSEND'))[0]);
}

/** AT+SMTPSEND, then the attachment through AT+SMTPFT, then the final +SMTPSEND. */
function transmit(c: Sim900Mail, p: Plan, cb: (err: MailError | null, bytes?: number) => void): void {
  const timeout = c.networkTimeout();
  const finish = (err: MailError | null, res?: any): void => {
    if (err) return cb(err);
    const code = sendCode(res.final);
    // whatever the result, the module has dropped the mail's settings
    c.sent();
    if (code !== 1) return cb(smtpError(code, 'AT+SMTPSEND'));
    if (p.attach && p.progress) p.progress(p.attach.reader.size, p.attach.reader.size);
    cb(null, p.attach ? p.attach.reader.size : 0);
  };
  if (!p.attach) {
    c.exec('AT+SMTPSEND', { finals: ['+SMTPSEND:'], afterOk: true, finalTimeout: timeout }, finish);
    return;
  }
  const src = p.attach;
  let sent = 0;
  const flow = (err: MailError | null, res?: any): void => {
    if (err) return cb(err);
    const fin: string = res.final;
    if (fin.indexOf('+SMTPSEND:') === 0) return finish(null, res);
    // "+SMTPFT: 1,<max>": the module takes up to max bytes now
    const max = num(fields(payload(fin, '+SMTPFT'))[1]);
    if (!(max > 0)) return cb(mailError('ProtocolError', 'E_PROTOCOL', 'AT+SMTPFT: bad flow-control line ' + JSON.stringify(fin)));
    if (sent >= src.total) {
      c.exec('AT+SMTPFT=0', { finals: ['+SMTPSEND:'], afterOk: true, finalTimeout: timeout }, finish);
      return;
    }
    const chunk = src.peek(max);
    if (typeof chunk !== 'string') return cb(chunk);
    c.exec('AT+SMTPFT=' + chunk.length, {
      // the module confirms how many bytes it takes (+SMTPFT: 2,<cnf>); the engine writes exactly that many
      writeOn: '+SMTPFT: 2,',
      payload: chunk,
      finals: ['+SMTPFT: 1,', '+SMTPSEND:'],
      afterOk: true,
      finalTimeout: timeout,
    }, (e2, r2) => {
      if (!e2) {
        const n = r2!.written || 0;
        src.consume(n);
        sent += n;
        if (p.progress) p.progress(src.rawSent(sent), src.reader.size);
      }
      flow(e2, r2);
    });
  };
  c.exec('AT+SMTPSEND', { finals: ['+SMTPFT: 1,', '+SMTPSEND:'], afterOk: true, finalTimeout: timeout }, flow);
}
