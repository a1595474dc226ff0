// The two readings mime-diff compares: the board's MIME reader fed a message in pieces (readWith: what it reports,
// attachments hashed as they stream out) and mailparser's simpleParser (reference); and what a user sees of them, the
// text and HTML bodies built by mailparser's rules (boardText, boardHtml) and normalised alike (normText).
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';


export interface Address {
  name: string;
  address: string;
}

/** A text part as the reader reports it (HTML parts too, type "text/html"), or (type "meta") an inline message's headers. */
export interface TextPart {
  /** a meta entry: the headers as mailparser shows them in its text, and in its html */
  meta?: string;
  metaHtml?: string;
  type: string;
  text: string;
  alternative: boolean;
  depth: number;
  flags: string[];
  charset: string;
  truncated: boolean;
  /** the part's number ("1.2"), "" for a meta entry */
  partPath?: string;
  /** decoded size in bytes of the whole part (before its charset) */
  size?: number;
}

export interface ParsedMail {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** the Date header as written, "" without one */
  date: string;
  /** the Message-ID without its angle brackets */
  messageId: string;
  texts: TextPart[];
  attachments: { name: string; rawName: string; type: string; size: number; sha256: string; flags: string[]; disposition: string; content?: string }[];
  flags: string[];
  /** flags raised while decoding the top-level headers */
  headerFlags: string[];
  headerSeen: boolean;
}

/** What the reader module exposes, from the sources or a board's s9mime. */
export interface MimeLib {
  MimeReader: new (opts: any) => { write(s: string): void; end(): void; flags: string[] };
}

const addresses = (l: any[] | undefined): Address[] => (l || []).map((a: any) => ({ name: a.name, address: a.address }));

/**
 * Runs one message through a MimeReader, fed in pieces of the given sizes (cycled), and collects what it
 * reports. Attachment bytes are hashed on the host as they stream out.
 */
export function readWith(mime: MimeLib, raw: Buffer, sizes: number[], opts?: any): ParsedMail {
  const out: ParsedMail = { subject: '', from: [], to: [], cc: [], replyTo: [], date: '', messageId: '', texts: [], attachments: [], flags: [], headerFlags: [], headerSeen: false };
  let hash: any = null;
  let cur: any = null;
  const depthOf = (path: string) => (path === '1' ? 0 : path.split('.').length);
  const r = new mime.MimeReader(
    Object.assign(
      {
        maxText: 1 << 22,
        onHeaders: (h: any) => {
          if (h.partPath) {
            // a message inline in the message: mailparser shows its headers in the text (showMeta)
            out.texts.push({ meta: metaText(h), metaHtml: metaHtml(h), type: 'meta', text: '', alternative: false, depth: h.depth, flags: [], charset: '', truncated: false, partPath: '', size: 0 });
            return;
          }
          out.headerSeen = true;
          out.headerFlags = [...h.flags];
          out.subject = h.subject;
          out.from = addresses(h.from);
          out.to = addresses(h.to);
          out.cc = addresses(h.cc);
          out.replyTo = addresses(h.replyTo);
          out.date = h.date || '';
          out.messageId = h.messageId || '';
        },
        onText: (t: any) =>
          out.texts.push({
            type: t.type,
            text: t.text,
            alternative: t.alternative,
            depth: t.depth === undefined ? depthOf(t.partPath) : t.depth,
            flags: [...t.flags],
            charset: t.charset,
            truncated: t.truncated,
            partPath: t.partPath,
            size: t.size,
          }),
        onAttachmentStart: (a: any) => {
          hash = createHash('sha256');
          cur = { name: a.name, rawName: a.rawName, type: a.type, size: 0, sha256: '', flags: [], disposition: a.disposition, content: a.type === 'message/rfc822' ? '' : undefined };
        },
        onAttachmentData: (c: string) => {
          if (typeof c !== 'string') throw new Error('attachment data is not a string');
          hash.update(Buffer.from(c, 'latin1'));
          cur.size += c.length;
          // (a message in a digest: kept to check that mailparser shows it as text)
          if (cur.content !== undefined) cur.content = (cur.content + c).slice(0, 65536);
        },
        onAttachmentEnd: (e: any) => {
          if (e.size !== cur.size) throw new Error(`onAttachmentEnd size ${e.size} but ${cur.size} bytes streamed`);
          cur.sha256 = hash.digest('hex');
          cur.flags = [...e.flags];
          out.attachments.push(cur);
          cur = null;
        },
      },
      opts || {},
    ),
  );
  const s = raw.toString('latin1');
  let p = 0;
  let k = 0;
  while (p < s.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]);
    r.write(s.substr(p, n));
    p += n;
  }
  r.end();
  out.flags = [...r.flags];
  return out;
}

/** mailparser's presentation of an inline message's headers, rebuilt from what the reader reports. */
function metaText(h: any): string {
  const addr = (l: any[]) => l.map((a) => (a.name ? `"${a.name.replace(/["\\]/g, '\\$&')}"` + (a.address ? ' <' + a.address + '>' : '') : a.address)).join(', ');
  const lines: string[] = [];
  if (h.from.length) lines.push('From: ' + addr(h.from));
  if (h.subject) lines.push('Subject: ' + h.subject);
  if (h.date) {
    const d = new Date(h.date.replace(/\s*\([^)]*\)\s*$/, ''));
    lines.push('Date: ' + (isNaN(d.getTime()) ? h.date : d.toUTCString()));
  }
  if (h.to.length) lines.push('To: ' + addr(h.to));
  if (h.cc.length) lines.push('Cc: ' + addr(h.cc));
  return '\n' + lines.join('\n') + '\n';
}

/** he.encode with its defaults, as mailparser calls it: unsafe and non-ASCII characters as hex references. */
function heEncode(s: string): string {
  const hex = (c: string) => '&#x' + c.codePointAt(0)!.toString(16).toUpperCase() + ';';
  return s
    .replace(/["&'<>`]/g, hex)
    .replace(/[\ud800-\udbff][\udc00-\udfff]/g, hex)
    .replace(/[\x01-\t\x0b\f\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d\xa0-\uffff]/g, hex);
}

/** mailparser's table of an inline message's headers in its html ("mp_head"), rebuilt from what the reader reports. */
function metaHtml(h: any): string {
  const addr = (l: any[]) =>
    l
      .map((a) => {
        const link = `<a href="mailto:${heEncode(a.address)}" class="mp_address_email">${heEncode(a.address)}</a>`;
        const name = a.name ? `<span class="mp_address_name">${heEncode(a.name)}</span>` : '';
        return `<span class="mp_address_group">${name}${a.address ? (a.name ? ' &lt;' + link + '&gt;' : link) : ''}</span>`;
      })
      .join(', ');
  const rows: [string, string][] = [];
  if (h.from.length) rows.push(['From', addr(h.from)]);
  if (h.subject) rows.push(['Subject', '<strong>' + heEncode(h.subject) + '</strong>']);
  if (h.date) {
    const d = new Date(h.date.replace(/\s*\([^)]*\)\s*$/, ''));
    rows.push(['Date', isNaN(d.getTime()) ? h.date : d.toUTCString()]);
  }
  if (h.to.length) rows.push(['To', addr(h.to)]);
  if (h.cc.length) rows.push(['Cc', addr(h.cc)]);
  // (mailparser's own markup, unbalanced cells and all)
  return '<table class="mp_head">' + rows.map(([k, v]) => `<tr><td class="mp_head_key">${k}:</td><td class="mp_head_value">${v}<td></tr>`).join('\n') + '<table>';
}

/** The text a reader's parts make under mailparser's rule (see the header comment). */
export function boardText(m: Pick<ParsedMail, 'texts'>): string {
  const hasText = m.texts.some((t) => t.type !== 'text/html' && t.type !== 'meta' && t.text);
  const parts: string[] = [];
  for (const t of m.texts) {
    if (t.meta !== undefined) {
      if (hasText) parts.push(t.meta);
      continue;
    }
    if (!t.text) continue;
    if (t.type === 'text/html') {
      if ((!t.alternative && hasText) || (t.depth === 0 && !hasText)) parts.push('');
    } else parts.push(t.text);
  }
  return parts.join('\n');
}

/**
 * The HTML a reader's parts make under mailparser's rule (getTextContent, with skipTextToHtml): once the mail has
 * an HTML part, every non-empty part in order adds an entry, an HTML part its text, a plain or delivery-status part
 * outside multipart/alternative "", an inline message's headers their table; the entries are joined with "<br/>\n".
 */
export function boardHtml(m: Pick<ParsedMail, 'texts'>): string {
  if (!m.texts.some((t) => t.type === 'text/html')) return '';
  const parts: string[] = [];
  for (const t of m.texts) {
    if (t.meta !== undefined) parts.push(t.metaHtml || '');
    else if (t.type === 'text/html' && t.text) parts.push(t.text);
    else if (t.text && !t.alternative) parts.push('');
  }
  return parts.join('<br/>\n');
}

export function normText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}

export interface RefMail {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** the Date as an instant (ms): NaN when mailparser could not parse it (it then gives the current time), undefined without one */
  date?: number;
  /** mailparser's Message-ID, angle brackets included ("" without one) */
  messageId: string;
  text: string;
  /** mailparser's html ("" without an HTML part) */
  html: string;
  /** content: the decoded bytes (for the bad-content-type check) */
  attachments: { name: string; type: string; size: number; sha256: string; content?: Buffer }[];
}

/** mailparser's address objects (one or a list, groups nested) as one flat list in order. */
export function flatAddresses(v: any): Address[] {
  const out: Address[] = [];
  const walk = (list: any[]) => {
    for (const a of list || []) {
      if (a.group) walk(a.group);
      else out.push({ name: a.name || '', address: a.address || '' });
    }
  };
  for (const one of v ? (Array.isArray(v) ? v : [v]) : []) walk(one.value);
  return out;
}

/** mailparser's Date as an instant; it puts the current time in place of a Date it cannot parse, which is NaN here. */
function refDate(m: any): number | undefined {
  const line = (m.headerLines || []).find((l: any) => l.key === 'date');
  // the value as mailparser reads it (libmime's decodeHeader: a fold becomes one space)
  const value = line ? String(line.line).replace(/(?:\r?\n|\r)[ \t]*/g, ' ').replace(/^[^:]*:/, '').trim() : '';
  if (!value) return undefined;
  return isNaN(new Date(value).getTime()) ? NaN : m.date.getTime();
}

export async function reference(raw: Buffer): Promise<RefMail> {
  const m: any = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, checksumAlgo: 'sha256' } as any);
  return {
    subject: m.subject || '',
    from: flatAddresses(m.from),
    to: flatAddresses(m.to),
    cc: flatAddresses(m.cc),
    replyTo: flatAddresses(m.replyTo),
    date: refDate(m),
    messageId: m.messageId || '',
    text: m.text || '',
    html: m.html || '',
    attachments: (m.attachments || []).map((a: any) => ({ name: a.filename || '', type: a.contentType, size: a.size, sha256: a.checksum, content: a.content })),
  };
}
