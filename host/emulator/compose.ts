// Composes the message a SIM900 sends from its AT settings (RFC 5322 / MIME). The header strings come from AT
// parameters, which the emulator has already checked to hold no control characters.

export interface Recipient {
  type: number; // 0 To, 1 Cc, 2 Bcc
  index: number;
  address: string;
  name: string;
}

export interface Attachment {
  fileType: number; // 1 text, 2 binary
  fileName: string;
  encodeType: number; // 0 7bit, 1 base64
}

export interface MailSettings {
  fromAddress: string;
  fromName: string;
  rcpts: Recipient[];
  /** Subject bytes (already hex-decoded when the charset is not ASCII). */
  subject: Buffer;
  /** Body bytes (already hex-decoded when the charset is not ASCII). */
  body: Buffer;
  charset: string;
  attachment: Attachment | null;
  date: Date;
  messageIdSeed: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export function rfc5322Date(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`
  );
}

/** The MIME charset name for an AT+SMTPCS value. */
export function mimeCharset(cs: string): string {
  const u = cs.toUpperCase();
  if (u === 'ASCII' || u === 'US-ASCII') return 'us-ascii';
  return cs;
}

function isAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] > 0x7e || (b[i] < 0x20 && b[i] !== 9)) return false;
  return true;
}

/** RFC 2047 encoded-word(s) (B encoding), split so that each word stays within 75 characters. */
export function encodeWord(bytes: Buffer, charset: string): string {
  const prefix = `=?${charset}?B?`;
  const maxRaw = Math.floor((75 - prefix.length - 2) / 4) * 3;
  const words: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    let end = Math.min(bytes.length, i + maxRaw);
    // Do not split a UTF-8 sequence between two words.
    if (charset.toUpperCase() === 'UTF-8') while (end < bytes.length && end > i && (bytes[end] & 0xc0) === 0x80) end--;
    words.push(prefix + bytes.subarray(i, end).toString('base64') + '?=');
    i = end;
  }
  return words.join('\r\n ');
}

/** A header text value: as is when printable ASCII, otherwise RFC 2047. */
function headerText(bytes: Buffer, charset: string): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  return encodeWord(bytes, charset.toUpperCase() === 'ASCII' ? 'UTF-8' : charset);
}

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/;

/** "Name" <addr>, or <addr> when the name is empty. */
export function mailbox(address: string, name: string, charset: string): string {
  if (!name) return `<${address}>`;
  const nb = Buffer.from(name, 'latin1');
  let display: string;
  if (!isAscii(nb)) display = encodeWord(nb, charset.toUpperCase() === 'ASCII' ? 'UTF-8' : charset);
  else if (ATEXT_PHRASE.test(name)) display = name;
  else display = '"' + name.replace(/(["\\])/g, '\\$1') + '"';
  return `${display} <${address}>`;
}

/** Converts bare CR or LF to CRLF. */
export function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

/** base64 in lines of 76 characters, CRLF-terminated. */
export function base64Lines(b: Buffer): string {
  const s = b.toString('base64');
  let out = '';
  for (let i = 0; i < s.length; i += 76) out += s.substring(i, i + 76) + '\r\n';
  return out;
}

export interface ComposedHead {
  /** Headers + text part (+ the attachment part's headers when there is one). Not dot-stuffed. */
  head: Buffer;
  /** Bytes that close the message after the attachment data (closing boundary), or empty. */
  tail: Buffer;
}

/** Builds the message around the attachment data that the host will stream through AT+SMTPFT. */
export function composeMessage(m: MailSettings): ComposedHead {
  const cs = mimeCharset(m.charset);
  const h: string[] = [];
  h.push('Date: ' + rfc5322Date(m.date));
  h.push('From: ' + mailbox(m.fromAddress, m.fromName, m.charset));
  const to = m.rcpts.filter((r) => r.type === 0).map((r) => mailbox(r.address, r.name, m.charset));
  const cc = m.rcpts.filter((r) => r.type === 1).map((r) => mailbox(r.address, r.name, m.charset));
  if (to.length) h.push('To: ' + to.join(',\r\n '));
  if (cc.length) h.push('Cc: ' + cc.join(',\r\n '));
  h.push('Subject: ' + headerText(m.subject, m.charset));
  const domain = (m.fromAddress.split('@')[1] || 'sim900.local').replace(/[^A-Za-z0-9.-]/g, '') || 'sim900.local';
  h.push(`Message-ID: <${m.messageIdSeed}@${domain}>`);
  h.push('MIME-Version: 1.0');
  const bodyAscii = isAscii(Buffer.from(m.body.toString('latin1').replace(/[\r\n]/g, ''), 'latin1'));
  const textPartHeaders = [
    `Content-Type: text/plain; charset=${cs}`,
    `Content-Transfer-Encoding: ${bodyAscii ? '7bit' : 'base64'}`,
  ];
  const bodyText = bodyAscii ? ensureFinalCrlf(toCrlf(m.body).toString('latin1')) : base64Lines(m.body);
  if (!m.attachment) {
    const head = h.concat(textPartHeaders).join('\r\n') + '\r\n\r\n' + bodyText;
    return { head: Buffer.from(head, 'latin1'), tail: Buffer.alloc(0) };
  }
  const boundary = `----=_SIM900_${m.messageIdSeed.replace(/[^A-Za-z0-9]/g, '')}`;
  h.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const a = m.attachment;
  const aType = a.fileType === 1 ? 'text/plain' : 'application/octet-stream';
  const fname = quoteParam(a.fileName);
  const head =
    h.join('\r\n') +
    '\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n' +
    `--${boundary}\r\n` +
    textPartHeaders.join('\r\n') +
    '\r\n\r\n' +
    bodyText +
    `\r\n--${boundary}\r\n` +
    `Content-Type: ${aType}; name=${fname}\r\n` +
    `Content-Transfer-Encoding: ${a.encodeType === 1 ? 'base64' : '7bit'}\r\n` +
    `Content-Disposition: attachment; filename=${fname}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return { head: Buffer.from(head, 'latin1'), tail: Buffer.from(tail, 'latin1') };
}

function ensureFinalCrlf(s: string): string {
  if (s.length === 0 || s.endsWith('\r\n')) return s;
  return s + '\r\n';
}

function quoteParam(v: string): string {
  const b = Buffer.from(v, 'latin1');
  if (!isAscii(b)) return `"${encodeWord(b, 'UTF-8')}"`;
  return '"' + v.replace(/(["\\])/g, '\\$1') + '"';
}

/**
 * Dot-stuffing for the DATA phase, streaming: `atLineStart` says whether the previous byte written ended a line.
 * Returns the stuffed bytes and the new line-start state.
 */
export function dotStuff(b: Buffer, atLineStart: boolean): { out: Buffer; atLineStart: boolean } {
  const s = b.toString('latin1');
  let out = '';
  let ls = atLineStart;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (ls && c === 0x2e) {
      out += s.substring(last, i) + '.';
      last = i;
    }
    ls = c === 0x0a;
  }
  out += s.substring(last);
  return { out: Buffer.from(out, 'latin1'), atLineStart: ls };
}
