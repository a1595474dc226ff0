// sendMail (Storage module "s9smtp", loaded for a send and dropped after): the SMTP settings, the body, the
// optional attachment streamed through AT+SMTPFT's flow control, and AT+SMTPSEND's late result. Everything a user
// passes is checked and encoded before the first byte goes to the module (plan), and again against the module's
// own maxima once they are known.
import type { MailError } from '../errors';
import { codeError, err, bad, hex, promptText, scan, fields, run as runSteps, type Mail, type Step } from './client';

/** Every line end (CR LF, lone CR, lone LF) as CR LF: what SMTP carries, so what arrives is what was meant. */
export function crlf(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\r/g, '\n').replace(/\n/g, '\r\n');
}

/** An address: "a@b.c", "Name <a@b.c>" or {address, name?}. */
export type Address = string | { address: string; name?: string };

export interface MailMessage {
  /** one address or a list (at most the module's limit of each kind) */
  to?: Address | Address[];
  cc?: Address | Address[];
  bcc?: Address | Address[];
  /** default options.from */
  from?: Address;
  subject?: string;
  body?: string;
  /** 'ASCII', 'UTF-8', or left out: UTF-8 when subject or body is not ASCII (then both travel as hex) */
  charset?: string;
  /**
   * {name, data, type?}: data is a binary string, a Uint8Array or a {size, read(offset, length)} reader; or
   * {name, file, type?}: a Storage file read in pieces. type 'text' (7bit, US-ASCII) or 'binary' (base64); default:
   * binary unless the data is ASCII text.
   */
  attachment?: { name: string; data?: any; file?: string; type?: string };
  /** (sent, total) in attachment bytes */
  onProgress?: (sent: number, total: number) => void;
}

/** What a send reports: AT commands written for it and the attachment's size. */
export interface SendResult {
  commands: number;
  attachmentBytes: number;
}

const B64 = 57; // bytes per base64 line of 76 characters

/**
 * Plain text: printable ASCII and TAB, line ends only as CR LF. Checked in pieces, `t` is the previous piece's last
 * byte and this piece: its LFs are looked at from `from` on, and a CR ending it is fine unless it is the `last`.
 */
function textOk(t: string, from: number, last: boolean): boolean {
  if (/[^\t\r\n\x20-\x7e]/.test(t)) return false;
  for (let i = t.indexOf('\n', from); i >= 0; i = t.indexOf('\n', i + 1)) if (t.charAt(i - 1) != '\r') return false;
  for (let i = t.indexOf('\r'); i >= 0; i = t.indexOf('\r', i + 1)) if (t.charAt(i + 1) != '\n' && (last || i < t.length - 1)) return false;
  return true;
}

/** "a@b.c", "Name <a@b.c>" or {address, name} -> [address, name?]; throws E_PARAM. */
function address(v: any, what: string): string[] {
  let a = v && v.address;
  let name = v && v.name;
  if (typeof v == 'string') {
    const lt = v.lastIndexOf('<');
    a = v;
    if (lt >= 0 && v.charAt(v.length - 1) == '>') (name = v.substr(0, lt).trim().replace(/^"(.*)"$/, '$1')), (a = v.substring(lt + 1, v.length - 1));
    a = a.trim();
  }
  if (!/^[A-Za-z0-9!#$%&'*+\/=^_`{|}~.-]+@[A-Za-z0-9.-]+$/.test(a) || /\.\.|\.@|@\./.test('@' + a)) throw bad(what, JSON.stringify(a || v) + ' is not a plain e-mail address');
  return name ? [a, name] : [a];
}

/**
 * Checks and encodes the mail: x.todo holds [key, text] settings (a recipient list is one setting of several lines),
 * x.body the body, x.src the attachment. Throws E_PARAM.
 */
function plan(x: any, early?: boolean): void {
  const c: Mail = x.c;
  const m: MailMessage = x.m;
  const smtp: any = c.opts.smtp;
  const L = function (name: string, values: any[]): string {
    return c.line_(name, values, early);
  };
  if (!m || !smtp || typeof smtp.host != 'string') throw bad(m ? 'options.smtp' : 'mail', 'missing');
  // AT+EMAILSSL's type
  x.ssl = ['none', 'implicit', 'starttls'].indexOf(smtp.ssl || 'none');
  if (x.ssl < 0) throw bad('options.smtp.ssl', "not 'none', 'implicit' or 'starttls'");
  const subject = scan(m.subject === undefined ? '' : m.subject, 1e9, /[\x00-\x1f\x7f]/, 'subject');
  // line ends as CR LF whatever they were (SMTP carries nothing else; a lone LF would be turned into CR LF anyway)
  const body = crlf(scan(m.body === undefined ? '' : m.body, 1e9, null, 'body'));
  const cs = m.charset || (/[^\x00-\x7f]/.test(subject + body) ? 'UTF-8' : 'ASCII');
  const hexed = cs.toUpperCase() != 'ASCII';
  const todo = (x.todo = [['SMTPCS', L('SMTPCS', [cs])], ['SMTPSRV', L('SMTPSRV', [smtp.host, smtp.port || 25])], ['SMTPAUTH', L('SMTPAUTH', smtp.user ? [1, smtp.user, smtp.password || ''] : [0])], ['SMTPFROM', L('SMTPFROM', address(m.from || c.opts.from, 'from'))]]);
  const max = c.limit_('SMTPRCPT', 1, 4) + 1;
  let n = 0;
  for (let k = 0; k < 3; k++) {
    const kind = ['to', 'cc', 'bcc'][k];
    const v = (m as any)[kind];
    const list = v == null ? [] : Array.isArray(v) ? v : [v];
    if (list.length > max) throw bad(kind, list.length + ' recipients, at most ' + max + ' of each kind');
    const lines: string[] = [];
    for (let i = 0; i < list.length; i++) lines.push(L('SMTPRCPT', [k, i].concat(address(list[i], kind + '[' + i + ']') as any)));
    todo.push(['RCPT' + k, lines.join('\n')]);
    n += list.length;
  }
  if (!n) throw bad('to', 'no recipient');
  // what the module may take for the whole SMTP exchange: AT+EMAILTO for each step (connect, greeting, EHLO, AUTH's
  // three, MAIL, each RCPT, DATA, the data, QUIT), so that its own result, however late, still ends this send
  x.wait = ((7 + n + (smtp.user ? 3 : 0)) * (c.opts.emailTimeout || 30) + 20) * 1000;
  todo.push(['SMTPSUB', L('SMTPSUB', [hexed ? hex(subject, true) : subject])]);
  x.body = scan(hexed ? hex(body, true) : promptText(body, 1e9, 'body'), early && !c.lim_ ? 1e9 : c.limit_('SMTPBODY', 0, 4096), null, 'body');
  const a = m.attachment;
  x.src = null;
  if (!a) return void todo.push(['SMTPFILE', L('SMTPFILE', [0])]);
  const f = a.file;
  const d = f === undefined ? a.data : require('Storage').read(f);
  const size = d && (d.size === undefined ? d.length : d.size);
  if (!(size >= 0) || (typeof d != 'string' && !d.subarray && !d.read)) throw bad('attachment', f === undefined ? 'needs data: a string, a Uint8Array or a {size, read} reader' : 'no Storage file ' + f);
  if (a.type && !/^text$|^binary$/.test(a.type)) throw bad('attachment.type', "not 'text' or 'binary'");
  // text only when it is plain text with CR LF line ends: anything else would not arrive byte for byte
  const bin = a.type ? a.type != 'text' : typeof d != 'string' || !textOk(d, 0, true);
  if (/[\\\/;]/.test(a.name)) throw bad('attachment.name', 'holds a path or ";"');
  todo.push(['SMTPFILE', L('SMTPFILE', [bin ? 2 : 1, a.name, bin ? 1 : 0])]);
  const get = function (o: number, k: number) {
    return f !== undefined ? require('Storage').read(f, o, k) : d.read ? d.read(o, k) : d.subarray ? d.subarray(o, o + k) : d.substr(o, k);
  };
  if (early && !bin) {
    // the whole text checked before the first byte goes out (the module has no way to abort a send once begun)
    let last = '';
    for (let o = 0; o < size; o += 512) {
      let k = get(o, Math.min(512, size - o));
      if (typeof k != 'string') k = k ? E.toString(k) : '';
      if (!textOk(last + k, last ? 1 : 0, o + 512 >= size)) throw err('E_ATTACHMENT', 'the attachment is not plain text (7-bit, CR LF line ends) in bytes ' + o + '-' + (o + k.length) + ': send it as binary');
      last = k.slice(-1);
    }
  }
  x.src = {
    get: get,
    bin: bin,
    off: 0,
    buf: '',
    sent: 0,
    size: size,
    total: bin ? 4 * Math.ceil(size / 3) + 2 * Math.ceil(size / B64) : size,
  };
}

/** Up to n bytes of the encoded attachment: text as it is, binary as base64 in 76-character CRLF lines. */
function peek(s: any, n: number): string {
  while (s.buf.length < n && s.off < s.size) {
    let k = s.get(s.off, Math.min(s.bin ? B64 * Math.ceil((n - s.buf.length) / 78) : n - s.buf.length, s.size - s.off));
    if (typeof k != 'string') k = k ? E.toString(k) : '';
    if (!k || (!s.bin && /[^\x01-\x7f]/.test(k))) throw err('E_ATTACHMENT', 'the attachment ' + (k ? 'is not 7-bit text: send it as binary' : 'gave no data at ' + s.off));
    s.off += k.length;
    for (let i = 0; s.bin && i < k.length; i += B64) s.buf += btoa(k.substr(i, B64)) + '\r\n';
    if (!s.bin) s.buf += k;
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
    x.c.prepare_(x.ssl, next);
  },
  function (x, next) {
    // every setting not held yet; a recipient list goes after the delete form of AT+SMTPRCPT when the module may
    // hold more entries of that kind than the new list has ("RMAX<kind>": how many it may hold)
    plan(x);
    const c: Mail = x.c;
    const held = c.held_;
    let i = 0;
    (function item(e?: any): void {
      if (e || i == x.todo.length) return next(e);
      const key: string = x.todo[i][0];
      const text: string = x.todo[i++][1];
      const k = key.charAt(4);
      const lines = text ? text.split('\n') : [];
      const n = lines.length;
      if (held[key] == text) return item();
      delete held[key];
      if (key.charAt(0) == 'R' && !(+held['RMAX' + k] <= n)) lines.unshift('AT+SMTPRCPT=' + k);
      (function line(e2?: any): void {
        if (e2) return next(e2);
        if (lines.length) return c.cmd_(lines.shift()!, null, line);
        held[key] = text;
        if (key.charAt(0) == 'R') held['RMAX' + k] = n;
        item();
      })();
    })();
  },
  function (x, next) {
    // the body, in the module's dialect: SIM900 "> " prompt and Ctrl-Z, or SIM800 AT+SMTPBODY=<len> and DOWNLOAD
    const c: Mail = x.c;
    const body = x.body;
    const done = function (e?: any) {
      if (!e) c.held_.SMTPBODY = body;
      next(e);
    };
    const sim800 = function () {
      c.cmd_('AT+SMTPBODY=' + body.length, { prompt: 'DOWNLOAD', payload: body, timeout: 20000 }, done);
    };
    if (c.held_.SMTPBODY == body) return next();
    delete c.held_.SMTPBODY;
    if (c.dialect == 'sim800') return sim800();
    c.cmd_('AT+SMTPBODY', { prompt: '> ', payload: body, terminator: '\x1a', timeout: 20000 }, function (e: any) {
      // no execution form: the SIM800 family's AT+SMTPBODY=<len>
      if (e && !c.dialect && e.code == 'E_ERROR') return (c.dialect = 'sim800'), sim800();
      if (!e && !c.dialect) c.dialect = 'sim900';
      done(e);
    });
  },
  function (x, next) {
    // AT+SMTPSEND, then the attachment through AT+SMTPFT (+SMTPFT: 1,<max> asks for up to max bytes), then the
    // final +SMTPSEND: <code>
    const c: Mail = x.c;
    const s = x.src;
    let open = false;
    // a failure while the module's SMTP session is open (no way to abort it): the session ends only with the module's
    // own +SMTPSEND: <code> (it gives up on the missing data), so that is waited for before the module is let go
    const fail = function (e: any): void {
      if (!open || /E_RESET|E_CLOSED/.test(e.code)) return next(e);
      open = false;
      let t: any = null;
      const done = function (): void {
        clearTimeout(t);
        c.off('smtpsend', done);
        next(e);
      };
      t = setTimeout(done, x.wait);
      c.on('smtpsend', done);
    };
    const flow = function (e: any, d?: any): void {
      try {
        step(e, d);
      } catch (t) {
        fail(t);
      }
    };
    const step = function (e: any, d?: any): void {
      if (e) return fail(e);
      const f = d.final;
      open = !f.indexOf('+SMTPFT');
      const v = fields(f.substr(f.indexOf(':') + 1)) as number[];
      if (f.indexOf('+SMTPFT')) {
        // whatever the result, the module has dropped the mail's settings
        c.sent_();
        x.res = { commands: c.commands - x.n, attachmentBytes: s ? s.size : 0 };
        if (v[0] == 1 && s && x.m.onProgress) x.m.onProgress(s.size, s.size);
        return next(v[0] == 1 ? null : codeError('S', v[0], 'AT+SMTPSEND'));
      }
      if (!(v[1] > 0)) return fail(err('E_PROTOCOL', 'AT+SMTPFT: ' + f));
      // the module confirms how many bytes it takes (+SMTPFT: 2,<cnf>); the engine writes exactly that many
      const chunk = s.sent < s.total ? peek(s, Math.min(v[1], c.opts.chunk || 1460)) : '';
      c.cmd_('AT+SMTPFT=' + chunk.length, { writeOn: chunk ? '+SMTPFT: 2,' : undefined, payload: chunk, finals: ['+SMTPFT: 1,', '+SMTPSEND:'], afterOk: true, finalTimeout: c.net_ }, function (e2: any, d2: any) {
        if (!e2 && chunk) {
          s.buf = s.buf.substr(d2.written || 0);
          s.sent += d2.written || 0;
          if (x.m.onProgress) x.m.onProgress(s.bin ? Math.min(s.size, Math.floor((s.sent * B64) / 78)) : s.sent, s.size);
        }
        flow(e2, d2);
      });
    };
    c.cmd_('AT+SMTPSEND', { finals: s ? ['+SMTPFT: 1,', '+SMTPSEND:'] : ['+SMTPSEND:'], afterOk: true, finalTimeout: x.wait }, flow);
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
