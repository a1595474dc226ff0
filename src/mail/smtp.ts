// sendMail (Storage module "s9smtp", loaded for a send and dropped after): the SMTP settings, the body, the
// optional attachment streamed through AT+SMTPFT's flow control, and AT+SMTPSEND's late result. Everything a user
// passes is checked and encoded before the first byte goes to the module (plan), and again against the module's
// own maxima once they are known.
import type { MailError } from '../errors';
import { codeError, err, bad, hex, promptText, scan, fields, payload, run as runSteps, type Mail, type Step } from './client';

/** Attachment bytes read in pieces, so that a large file never has to be in RAM. */
export interface ChunkReader {
  size: number;
  /** `length` bytes from `offset`, as a binary string or Uint8Array */
  read(offset: number, length: number): string | Uint8Array;
}

export interface Attachment {
  name: string;
  /** the bytes: a binary string, a Uint8Array or a reader; or `file`, a Storage file read in pieces */
  data?: string | Uint8Array | ChunkReader;
  file?: string;
  /** 'text' (7bit, US-ASCII lines) or 'binary' (base64); default: binary unless `data` is ASCII text */
  type?: string;
}

export interface MailMessage {
  to?: any;
  cc?: any;
  bcc?: any;
  /** "a@b.c", "Name <a@b.c>" or {address, name}; default options.from */
  from?: any;
  subject?: string;
  body?: string;
  /** 'ASCII', 'UTF-8', or left out: UTF-8 when subject or body is not ASCII (then both travel as hex) */
  charset?: string;
  attachment?: Attachment;
  /** (sent, total) in attachment bytes */
  onProgress?: (sent: number, total: number) => void;
}

/** What a send reports: AT commands written for it and the attachment's size. */
export interface SendResult {
  commands: number;
  attachmentBytes: number;
}

const KINDS = ['to', 'cc', 'bcc'];
const B64 = 57; // bytes per base64 line of 76 characters

/** "a@b.c", "Name <a@b.c>" or {address, name} -> [address, name]; throws E_PARAM. */
function address(v: any, what: string): string[] {
  let a = v && v.address;
  let name = v && v.name;
  if (typeof v == 'string') {
    const lt = v.lastIndexOf('<');
    a = v;
    if (lt >= 0 && v.charAt(v.length - 1) == '>') {
      name = v.substr(0, lt).trim().replace(/^"(.*)"$/, '$1');
      a = v.substring(lt + 1, v.length - 1);
    }
    a = a.trim();
  }
  if (typeof a != 'string' || !/^[A-Za-z0-9!#$%&'*+\/=^_`{|}~.-]+@[A-Za-z0-9.-]+$/.test(a) || a.charAt(0) == '.' || a.indexOf('..') >= 0)
    throw bad(what, JSON.stringify(typeof a == 'string' ? a : v) + ' is not a plain e-mail address');
  return name ? [a, name] : [a];
}

/** Checks and encodes the mail: x.lines (setting lines), x.body, x.src (the attachment). Throws E_PARAM. */
function plan(x: any, early?: boolean): void {
  const c: Mail = x.c;
  const m: MailMessage = x.m;
  if (!m || typeof m != 'object') throw bad('mail', 'expected an object');
  const smtp: any = c.opts.smtp;
  if (!smtp || typeof smtp.host != 'string') throw bad('options.smtp', 'the SMTP server is not configured');
  const subject = m.subject === undefined ? '' : m.subject;
  const body = m.body === undefined ? '' : m.body;
  scan(subject, 1e9, /[\x00-\x1f\x7f]/, 'subject');
  if (typeof body != 'string') throw bad('body', 'must be a string');
  const cs = m.charset || (/[^\x00-\x7f]/.test(subject + body) ? 'UTF-8' : 'ASCII');
  const hexed = cs.toUpperCase() != 'ASCII';
  const L = function (name: string, values: any[]) {
    return c.line_(name, values, early);
  };
  const lines = [L('SMTPCS', [cs]), L('SMTPSRV', [smtp.host, smtp.port || 25]), L('SMTPAUTH', smtp.user !== undefined ? [1, smtp.user, smtp.password || ''] : [0]), L('SMTPFROM', address(m.from || c.opts.from, 'from'))];
  // each kind of recipient is one setting: "RCPT<kind>" holds all its lines
  const rcpt: string[] = (x.rcpt = []);
  const max = c.limit_('SMTPRCPT', 1, 4) + 1;
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const v = (m as any)[KINDS[k]];
    const list = v == null ? [] : Array.isArray(v) ? v : [v];
    if (list.length > max) throw bad(KINDS[k], list.length + ' recipients; the module takes at most ' + max + ' of each kind');
    let all = '';
    for (let i = 0; i < list.length; i++) all += L('SMTPRCPT', ([k, i] as any[]).concat(address(list[i], KINDS[k] + '[' + i + ']'))) + '\n';
    rcpt.push(all);
    n += list.length;
  }
  if (!n) throw bad('to', 'no recipient');
  lines.push(L('SMTPSUB', [hexed ? hex(subject, true) : subject]));
  const bmax = early && !c.lim_ ? 1e9 : c.limit_('SMTPBODY', 0, 4096);
  x.body = hexed ? hex(body, true) : promptText(body, bmax, 'body');
  if (x.body.length > bmax) throw bad('body', 'needs ' + x.body.length + ' hex digits; the module accepts at most ' + bmax);
  const a = m.attachment;
  x.src = null;
  if (!a) lines.push(L('SMTPFILE', [0]));
  else {
    if (!a || typeof a.name != 'string' || !a.name || /[\\\/;]/.test(a.name)) throw bad('attachment.name', 'a file name without path or ";" is required');
    let d: any = a.file !== undefined ? require('Storage').read(a.file) : a.data;
    if (d === undefined) throw bad('attachment', a.file !== undefined ? 'Storage file "' + a.file + '" not found' : 'needs data or a Storage file');
    const size = d.size !== undefined ? d.size : d.length;
    if (typeof size != 'number' || (typeof d != 'string' && !d.subarray && typeof d.read != 'function')) throw bad('attachment.data', 'expected a string, a Uint8Array or a {size, read(offset, length)} reader');
    const bin = a.type ? a.type != 'text' : typeof d != 'string' || /[^\x09\x0a\x0d\x20-\x7e]/.test(d);
    if (a.type && a.type != 'text' && a.type != 'binary') throw bad('attachment.type', "must be 'text' or 'binary'");
    lines.push(L('SMTPFILE', [bin ? 2 : 1, a.name, bin ? 1 : 0]));
    const f = a.file;
    const get = f !== undefined ? function (o: number, k: number) {
      return require('Storage').read(f, o, k);
    } : d.read ? function (o: number, k: number) {
      return d.read(o, k);
    } : function (o: number, k: number) {
      return d.subarray ? d.subarray(o, o + k) : d.substr(o, k);
    };
    x.src = { get: get, bin: bin, off: 0, buf: '', sent: 0, size: size, total: bin ? 4 * Math.ceil(size / 3) + 2 * Math.ceil(size / B64) : size };
  }
  x.lines = lines;
}

/** Up to n bytes of the encoded attachment: text as it is, binary as base64 in 76-character CRLF lines. */
function peek(s: any, n: number): string {
  while (s.buf.length < n && s.off < s.size) {
    const want = s.bin ? B64 * Math.max(1, Math.ceil((n - s.buf.length) / 78)) : n - s.buf.length;
    let k = s.get(s.off, Math.min(want, s.size - s.off));
    if (typeof k != 'string') k = k && k.length !== undefined ? E.toString(k) : '';
    if (!k.length) throw err('E_ATTACHMENT', 'the attachment gave no data at offset ' + s.off + ' of ' + s.size);
    s.off += k.length;
    if (!s.bin && /[^\x01-\x7f]/.test(k)) throw err('E_ATTACHMENT', 'a text attachment must be 7-bit US-ASCII: send it as binary');
    if (!s.bin) s.buf += k;
    else for (let i = 0; i < k.length; i += B64) s.buf += btoa(k.substr(i, B64)) + '\r\n';
  }
  return s.buf.substr(0, n);
}

const STEPS: Step[] = [
  function (x, next) {
    // a first check without the module's maxima: bad input never waits for the module
    plan(x, true);
    x.c.acquire_('smtp', next);
  },
  function (x, next) {
    x.taken = 1;
    x.c.prepare_(next);
  },
  function (x, next) {
    plan(x);
    const c: Mail = x.c;
    let i = 0;
    (function one(e?: any): void {
      if (e || i == x.lines.length) return next(e);
      const line: string = x.lines[i++];
      c.cmd_(line, null, one, line.substring(3, line.indexOf('=')));
    })();
  },
  function (x, next) {
    // each recipient list as one setting ("RCPT<kind>"); its lines go after the delete form when the module may hold
    // more entries of that kind than the new list has ("RMAX<kind>": how many it may hold)
    const c: Mail = x.c;
    let k = 0;
    (function kind(e?: any): void {
      if (e || k == 3) return next(e);
      const t = k++;
      const all = x.rcpt[t];
      if (c.held_['RCPT' + t] == all) return kind();
      delete c.held_['RCPT' + t];
      const items = all.split('\n');
      items.pop();
      const n = items.length;
      const max = c.held_['RMAX' + t];
      if (max === undefined || +max > n) items.unshift('AT+SMTPRCPT=' + t);
      (function item(e2?: any): void {
        if (e2) return next(e2);
        const line = items.shift();
        if (line) return c.cmd_(line, null, item);
        c.held_['RCPT' + t] = all;
        c.held_['RMAX' + t] = '' + n;
        kind();
      })();
    })();
  },
  function (x, next) {
    // the body, in the module's dialect: SIM900 "> " prompt and Ctrl-Z, or SIM800 AT+SMTPBODY=<len> and DOWNLOAD
    const c: Mail = x.c;
    const body = x.body;
    if (c.held_.SMTPBODY == body) return next();
    delete c.held_.SMTPBODY;
    const done = function (e: any) {
      if (!e) c.held_.SMTPBODY = body;
      next(e);
    };
    if (c.dialect == 'sim800') return c.cmd_('AT+SMTPBODY=' + body.length, { prompt: 'DOWNLOAD', payload: body, timeout: 20000 }, done);
    c.cmd_('AT+SMTPBODY', { prompt: '> ', payload: body, terminator: '\x1a', timeout: 20000 }, function (e: any) {
      if (e && !c.dialect && e.code == 'E_ERROR') {
        // no execution form: the SIM800 family's AT+SMTPBODY=<len>
        c.dialect = 'sim800';
        return c.cmd_('AT+SMTPBODY=' + body.length, { prompt: 'DOWNLOAD', payload: body, timeout: 20000 }, done);
      }
      if (!e && !c.dialect) c.dialect = 'sim900';
      done(e);
    });
  },
  function (x, next) {
    // AT+SMTPSEND, then the attachment through AT+SMTPFT (+SMTPFT: 1,<max> asks for up to max bytes), then the
    // final +SMTPSEND: <code>
    const c: Mail = x.c;
    const s = x.src;
    const t = c.netTimeout_();
    const fin = function (e: any, d: any): void {
      if (e) return next(e);
      const f = d.final;
      if (!f.indexOf('+SMTPSEND:')) {
        const code = fields(payload(f, '+SMTPSEND'))[0] as number;
        // whatever the result, the module has dropped the mail's settings
        c.sent_();
        x.res = { commands: c.commands - x.n, attachmentBytes: s ? s.size : 0 };
        if (code == 1 && s && x.m.onProgress) x.m.onProgress(s.size, s.size);
        return next(code == 1 ? null : codeError('S', code, 'AT+SMTPSEND'));
      }
      const max = fields(payload(f, '+SMTPFT'))[1] as number;
      if (!(max > 0)) return next(err('E_PROTOCOL', 'AT+SMTPFT: bad flow-control line ' + JSON.stringify(f)));
      if (s.sent >= s.total) return c.cmd_('AT+SMTPFT=0', { finals: ['+SMTPSEND:'], afterOk: true, finalTimeout: t }, fin);
      let chunk: string;
      try {
        chunk = peek(s, max);
      } catch (e2) {
        return next(e2);
      }
      // the module confirms how many bytes it takes (+SMTPFT: 2,<cnf>); the engine writes exactly that many
      c.cmd_('AT+SMTPFT=' + chunk.length, { writeOn: '+SMTPFT: 2,', payload: chunk, finals: ['+SMTPFT: 1,', '+SMTPSEND:'], afterOk: true, finalTimeout: t }, function (e3: any, d3: any) {
        if (!e3) {
          s.buf = s.buf.substr(d3.written || 0);
          s.sent += d3.written || 0;
          if (x.m.onProgress) x.m.onProgress(s.bin ? Math.min(s.size, Math.floor((s.sent * B64) / 78)) : s.sent, s.size);
        }
        fin(e3, d3);
      });
    };
    c.cmd_('AT+SMTPSEND', { finals: s ? ['+SMTPFT: 1,', '+SMTPSEND:'] : ['+SMTPSEND:'], afterOk: true, finalTimeout: t }, fin);
  },
];

/** The job s9mail's sendMail runs: the steps above; the module is released whatever happened. */
export function run(c: Mail, m: MailMessage, cb: (e: MailError | null, r?: SendResult) => void): void {
  const x = { c: c, m: m, n: c.commands, taken: 0 };
  runSteps(STEPS, x, function (e: any, r: any) {
    if (x.taken) c.release_('smtp');
    // after a failure the module's mail settings are unknown (it may also have ended an older send): all again
    if (e) c.sent_(true);
    cb(e, r);
  });
}
