// `npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]`: parses every mail of a folder with the
// board's MIME reader (its Storage module s9mime, from build/<id>/, in the host sandbox; default linux; --sources the
// TypeScript sources) and with
// mailparser's simpleParser, compares what a user sees, prints one line per file (--verbose: one block per file,
// every accepted difference and every differing field with both values) and ends with "N/M messages agree".
//
// Compared: subject (unfolded per RFC 5322: a fold's line end goes, the white space after it stays); from, to, cc
// and reply-to as lists of {name, address} (mailparser's groups flattened); the Date as an instant; the Message-ID
// (mailparser keeps its angle brackets, the reader does not); the text body; the HTML body; each attachment's name,
// type, size and sha256 (in order).
//
// Text normalisation, applied to both sides: line ends become "\n", white space at the end of each line is
// removed, and blank lines at the start and end are dropped. Reason: quoted-printable encoders and decoders
// disagree on trailing white space (RFC 2045 6.7 says to drop it, mailparser keeps it), and the CRLF before a
// delimiter belongs to the delimiter, which decoders treat differently at the last line.
// mailparser runs with skipHtmlToText, so an HTML part counts as "" in its text (the README's "mailparser
// leaves text empty for HTML-only mails"); the board reader has no HTML-to-text either, and the text the
// reader gives is built with mailparser's rule (text/plain and delivery-status parts in order; an HTML
// part adds "" where mailparser would have converted it), joined with "\n". The HTML body is built with
// mailparser's rule too (see boardHtml), with skipTextToHtml: a plain part beside HTML adds "".
//
// Known differences are accepted only with a stated reason, printed as "agree* path: field (reason) ...", and
// counted as agreeing; any other mismatch is a DIFFER. The reasons are the ACCEPTED list below; each excuses
// only the field or part it names, and only when the reader's own flag is there and the values bear it out.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import * as iconv from 'iconv-lite';
import { MailParser, simpleParser } from 'mailparser';
import { hostDecode } from './mime-decode';

export { hostDecode };

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

function flatAddresses(v: any): Address[] {
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

/**
 * Known, explained differences. Each is checked against the reader's flag and the values themselves, never
 * assumed from a file name, and excuses only the field or part it is found on.
 */
export const ACCEPTED = {
  /** + " (<charset>)": the reader kept the raw bytes (flag "charset-raw:<charset>"), decoding them on the host gives mailparser's value */
  charset: 'decoded on the host',
  /** flag "header-truncated": the reader's value is the start of mailparser's */
  truncated: 'header-truncated: the board keeps the first maxHeader bytes of a field',
  /** flag "name-sanitised": the reader's rawName is mailparser's filename */
  sanitised: 'name-sanitised on the board (path parts and unsafe characters removed); mailparser passes it unchanged',
  /** the reader says application/octet-stream, mailparser's type is the one libmime guesses from the name */
  guessedType: 'mailparser replaces application/octet-stream by a type guessed from the file extension',
  /** flag "bad-content-type": the reader's text part is, byte for byte, the attachment mailparser made of it */
  noSubtype: 'bad-content-type: a Content-Type without subtype is read as text/plain (RFC 2045 5.2); mailparser makes it an attachment',
  /** mailparser turns a fold's line end and the white space after it into one space; the words are the same */
  folding: "mailparser's folding habit",
  /**
   * flag "header-8bit": raw 8-bit header bytes that are not UTF-8; the reader reads them as windows-1252, mailparser
   * shows U+FFFD: the reader's value written back as windows-1252 and read as UTF-8 is mailparser's
   */
  raw8bit: 'header-8bit: raw bytes that are not UTF-8 read as windows-1252 on the board; mailparser shows U+FFFD',
  /**
   * flag "digest-default": a digest's part without Content-Type is a message (RFC 2046 5.1.5) on the board, an
   * attachment; mailparser reads it as text/plain. Checked: the message, as text, is in mailparser's text, and
   * mailparser's text is the board's once those messages are taken out
   */
  digest: 'digest-default: an untyped digest part is a message/rfc822 attachment on the board (RFC 2046 5.1.5), text in mailparser',
  /**
   * flag "multipart-without-boundary": no boundary, or one cut with its header; the reader gives the body as text.
   * Checked: mailparser shows nothing at all, or every text and attachment mailparser found is in the reader's text
   */
  noBoundary: 'multipart-without-boundary: the body read as text on the board (nothing hidden)',
};

const charsetReason = (cs: string) => `${ACCEPTED.charset} (${cs})`;

/** The charsets a list of flags says were kept raw. */
function rawCharsets(flags: string[]): string[] {
  return flags.filter((f) => f.startsWith('charset-raw:')).map((f) => f.slice(12));
}

/**
 * True when b is a with some of its white space unfolded mailparser's way (libmime turns a fold's line end and the
 * white space after it into one space; RFC 5322 removes the line end only): the same words, and each run of
 * white space in b that run of a, or a with parts of it (a fold's white space) replaced by one space each.
 */
export function foldingHabit(a: string, b: string): boolean {
  const x = a.split(/([ \t]+)/);
  const y = b.split(/([ \t]+)/);
  if (a === b || x.length !== y.length) return false;
  return x.every((w, i) => (i % 2 ? new RegExp('^' + y[i].replace(/ /g, '[ \\t]+') + '$').test(w) : w === y[i]));
}

const squash = (v: string) => v.replace(/\s+/g, ' ').trim();

function sameAddresses(a: Address[], b: Address[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].address.toLowerCase() !== b[i].address.toLowerCase() || squash(a[i].name) !== squash(b[i].name)) return false;
  }
  return true;
}

/** a is b cut short: the same entries, then one whose name and address are starts of b's. */
function addressPrefix(a: Address[], b: Address[]): boolean {
  const n = a.length - 1;
  if (n < 0 || a.length > b.length || !sameAddresses(a.slice(0, n), b.slice(0, n))) return false;
  return squash(b[n].name).startsWith(squash(a[n].name)) && b[n].address.toLowerCase().startsWith(a[n].address.toLowerCase());
}

/**
 * Why the reader's value of a top-level header field, which differs from mailparser's, is still mailparser's:
 * match's own reasons (or none), after a host decoding of a charset the block's flags name, or the cut of a
 * truncated field. undefined when nothing explains it. (The flags are the block's: each field is checked alone.)
 */
function headerExcuse<T>(
  a: T,
  b: T,
  flags: string[],
  match: (x: T, y: T) => string[] | undefined,
  decode: (v: T, cs: string) => T | null,
  prefix: (x: T, y: T) => boolean,
): string[] | undefined {
  let why = match(a, b);
  if (why) return why;
  for (const cs of rawCharsets(flags)) {
    const d = decode(a, cs);
    if (d !== null && (why = match(d, b))) return [charsetReason(cs), ...why];
  }
  if (flags.includes('header-truncated') && prefix(a, b)) return [ACCEPTED.truncated];
  if (flags.includes('header-8bit')) {
    const d = decode(rewrite1252(a), 'utf-8');
    if (d !== null && (why = match(d, b))) return [ACCEPTED.raw8bit, ...why];
  }
  return undefined;
}

/** A header value (a string, or the names of an address list) as the windows-1252 bytes it was read from. */
function rewrite1252<T>(v: T): T {
  const bytes = (x: string) => iconv.encode(x, 'windows-1252').toString('latin1');
  if (typeof v === 'string') return bytes(v) as T;
  return (v as any).map((a: Address) => ({ name: bytes(a.name), address: a.address })) as T;
}

const matchSubject = (x: string, y: string) => (x === y ? [] : foldingHabit(x, y) ? [ACCEPTED.folding] : undefined);
const matchAddresses = (x: Address[], y: Address[]) => (sameAddresses(x, y) ? [] : undefined);
const matchExact = (x: string, y: string) => (x === y ? [] : undefined);
const startOf = (x: string, y: string) => x !== '' && y.startsWith(x);
const decodeNames = (l: Address[], cs: string): Address[] | null => {
  const names = l.map((a) => hostDecode(a.name, cs));
  return names.includes(null) ? null : l.map((a, i) => ({ name: names[i]!, address: a.address }));
};
const noDecode = () => null;

/** A date as the instant it names: undefined for none, NaN when it does not parse. */
const instant = (d: string) => (d ? Date.parse(d) : undefined);
const showInstant = (t: number | undefined) => (t === undefined ? '(none)' : isNaN(t) ? '(unparseable)' : new Date(t).toISOString());

/** One difference: accepted when it has reasons. */
export interface Note {
  field: string;
  board: unknown;
  mailparser: unknown;
  reasons?: string[];
}

type NoteFn = (field: string, board: unknown, mailparser: unknown, reasons?: string[]) => void;

function headerNotes(ours: ParsedMail, ref: RefMail, note: NoteFn): void {
  const flags = ours.headerFlags;
  if (ours.subject !== ref.subject) note('subject', ours.subject, ref.subject, headerExcuse(ours.subject, ref.subject, flags, matchSubject, hostDecode, startOf));
  for (const k of ['from', 'to', 'cc', 'replyTo'] as const) {
    if (!sameAddresses(ours[k], ref[k])) note(k, ours[k], ref[k], headerExcuse(ours[k], ref[k], flags, matchAddresses, decodeNames, addressPrefix));
  }
  const x = instant(ours.date);
  const y = ref.date;
  if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) note('date', `${ours.date} = ${showInstant(x)}`, showInstant(y));
  // mailparser's brackets go, or its id would never match
  const id = /^<.*>$/.test(ref.messageId) ? ref.messageId.slice(1, -1) : ref.messageId;
  if (ours.messageId !== id) note('messageId', ours.messageId, ref.messageId, headerExcuse(ours.messageId, id, flags, matchExact, noDecode, startOf));
}

/** The reader's text parts that mailparser made attachments of (flag "bad-content-type", same bytes), with their index in ref.attachments. */
function noSubtypePairs(ours: ParsedMail, ref: RefMail): Map<TextPart, number> {
  const pairs = new Map<TextPart, number>();
  for (const t of ours.texts) {
    if (!t.flags.includes('bad-content-type')) continue;
    const raw = rawCharsets(t.flags).length > 0;
    const cs = t.charset || 'utf-8';
    const j = ref.attachments.findIndex((y, j) => {
      if (!y.content || y.type.includes('/') || y.size !== t.size || [...pairs.values()].includes(j)) return false;
      const want = raw ? y.content.toString('latin1') : iconv.encodingExists(cs) ? iconv.decode(y.content, cs) : y.content.toString();
      return normText(want) === normText(t.text);
    });
    if (j >= 0) pairs.set(t, j);
  }
  return pairs;
}

/**
 * The text parts as mailparser sees them, with the reason for each change: raw parts decoded on the host (when
 * the host knows the charset), parts that mailparser made attachments of left out.
 */
function fixParts(ours: ParsedMail, pairs: Map<TextPart, number>): { texts: TextPart[]; fixes: Map<TextPart, string> } {
  const fixes = new Map<TextPart, string>();
  const texts: TextPart[] = [];
  for (const t of ours.texts) {
    if (pairs.has(t)) {
      fixes.set(t, `part ${t.partPath}: ${ACCEPTED.noSubtype}`);
      continue;
    }
    const cs = rawCharsets(t.flags)[0];
    const d = cs === undefined ? null : hostDecode(t.text, cs);
    if (d === null || d === t.text) texts.push(t);
    else {
      fixes.set(t, `part ${t.partPath}: ${charsetReason(cs)}`);
      texts.push({ ...t, text: d.replace(/\r\n?/g, '\n') });
    }
  }
  return { texts, fixes };
}

/**
 * Compares a body (text or HTML): equal, or equal once the parts are fixed, which is accepted with the reasons of
 * the fixed parts that belong to that body (html: the HTML parts and the parts left out).
 */
function bodyNote(field: string, build: (m: Pick<ParsedMail, 'texts'>) => string, ours: ParsedMail, ref: RefMail, fixed: ReturnType<typeof fixParts>, note: NoteFn): void {
  const want = field === 'html' ? ref.html : ref.text;
  const a = normText(build(ours));
  const b = normText(want);
  if (a === b) return;
  const html = field === 'html';
  const reasons = [...fixed.fixes]
    .filter(([t, why]) => (t.type === 'text/html') === html || (html && why.includes(ACCEPTED.noSubtype)))
    .map(([, why]) => why);
  note(field, a, b, reasons.length && normText(build(fixed)) === b ? reasons : noBoundaryExcuse(ours, ref));
}

/**
 * The reader read a multipart without a usable boundary as text: accepted for the body and the attachments only when
 * mailparser shows nothing at all, or when every text and attachment mailparser found is in the reader's text
 * (an attachment as its base64 or as its text).
 */
function noBoundaryExcuse(ours: ParsedMail, ref: RefMail): string[] | undefined {
  if (!ours.flags.includes('multipart-without-boundary') || ours.attachments.length) return undefined;
  const mine = normText(boardText(ours));
  const flat = mine.replace(/\s+/g, '');
  if (!normText(ref.text) && !normText(ref.html) && !ref.attachments.length) return [ACCEPTED.noBoundary];
  const inside =
    mine.includes(normText(ref.text)) &&
    ref.attachments.every((a) => !!a.content && (flat.includes(a.content.toString('base64')) || mine.includes(normText(a.content.toString('latin1')))));
  return inside ? [ACCEPTED.noBoundary] : undefined;
}

function attachmentNotes(ours: ParsedMail, ref: RefMail, pairs: Map<TextPart, number>, note: NoteFn): void {
  for (const [t, j] of pairs) note(`mailparser attachment[${j}]`, `text part ${t.partPath}`, ref.attachments[j].type, [ACCEPTED.noSubtype]);
  const theirs = ref.attachments.filter((_, j) => ![...pairs.values()].includes(j));
  if (ours.attachments.length !== theirs.length) note('attachments.count', ours.attachments.length, theirs.length, noBoundaryExcuse(ours, ref));
  const n = Math.min(ours.attachments.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const x = ours.attachments[i];
    const y = theirs[i];
    if (x.name !== y.name) note(`attachment[${i}].name`, x.name, y.name, nameExcuse(x, y));
    if (x.type !== y.type) note(`attachment[${i}].type`, x.type, y.type, typeExcuse(x, y));
    if (x.size !== y.size) note(`attachment[${i}].size`, x.size, y.size);
    if (x.sha256 !== y.sha256) note(`attachment[${i}].sha256`, x.sha256.slice(0, 12), y.sha256.slice(0, 12));
  }
}

function nameExcuse(x: ParsedMail['attachments'][number], y: RefMail['attachments'][number]): string[] | undefined {
  const sanitised = x.flags.includes('name-sanitised');
  if (sanitised && x.rawName === y.name) return [ACCEPTED.sanitised];
  for (const cs of rawCharsets(x.flags)) {
    if (hostDecode(x.name, cs) === y.name) return [charsetReason(cs)];
    if (sanitised && hostDecode(x.rawName, cs) === y.name) return [charsetReason(cs), ACCEPTED.sanitised];
  }
  return undefined;
}

let guesser: any;
/** The type mailparser puts in place of application/octet-stream for a file name (libmime's guess). */
function guessedType(name: string): string {
  guesser = guesser || new MailParser();
  return guesser.libmime.detectMimeType(name);
}

function typeExcuse(x: ParsedMail['attachments'][number], y: RefMail['attachments'][number]): string[] | undefined {
  if (x.type === 'application/octet-stream' && y.name && y.type === guessedType(y.name)) return [ACCEPTED.guessedType];
  if (x.flags.includes('bad-content-type') && x.type === 'text/plain' && !y.type.includes('/')) return [ACCEPTED.noSubtype];
  return undefined;
}

/** A value for a report line: JSON, a long string shown around where it first differs from the other side. */
export function show(v: unknown, other?: unknown): string {
  if (typeof v !== 'string' || typeof other !== 'string' || v.length <= 160) {
    const s = JSON.stringify(v);
    return s.length > 160 ? s.slice(0, 157) + '...' : s;
  }
  let i = 0;
  while (i < v.length && v[i] === other[i]) i++;
  const from = Math.max(0, i - 60);
  return `(${v.length} chars, first difference at ${i}) ` + (from ? '...' : '') + JSON.stringify(v.slice(from, i + 100)) + (i + 100 < v.length ? '...' : '');
}

/**
 * A digest's untyped parts: messages (attachments) on the board, text in mailparser. When each such message is in
 * mailparser's text and mailparser's text without them is the board's (blank lines aside), they are noted as accepted
 * and left out of the comparison: the board's values without those attachments, mailparser's text as the board's.
 */
function digestParts(ours: ParsedMail, ref: RefMail, note: NoteFn): [ParsedMail, RefMail] {
  const theirs = normText(ref.text);
  const dig = ours.attachments.filter((a) => a.flags.includes('digest-default') && a.content !== undefined && theirs.includes(normText(a.content)));
  if (!dig.length) return [ours, ref];
  let rest = theirs;
  for (const a of dig) rest = rest.replace(normText(a.content!), '');
  const lines = (v: string) => v.replace(/\n{2,}/g, '\n').trim();
  const mine = normText(boardText(ours));
  if (lines(rest) !== lines(mine)) return [ours, ref];
  note('digest parts', `${dig.length} message/rfc822 attachment(s)`, 'in the text', [ACCEPTED.digest]);
  return [{ ...ours, attachments: ours.attachments.filter((a) => !dig.includes(a)) }, { ...ref, text: mine }];
}

/**
 * Compares one message; returns the differing fields and the accepted differences with their reasons (as lines,
 * with both values when verbose) and every difference as a Note.
 */
export function compare(ours: ParsedMail, ref: RefMail, verbose = false): { differ: string[]; accepted: string[]; notes: Note[] } {
  const notes: Note[] = [];
  const note: NoteFn = (field, board, mailparser, reasons) => notes.push(reasons ? { field, board, mailparser, reasons } : { field, board, mailparser });
  [ours, ref] = digestParts(ours, ref, note);
  headerNotes(ours, ref, note);
  const pairs = noSubtypePairs(ours, ref);
  const fixed = fixParts(ours, pairs);
  bodyNote('text', boardText, ours, ref, fixed, note);
  bodyNote('html', boardHtml, ours, ref, fixed, note);
  attachmentNotes(ours, ref, pairs, note);
  const detail = (n: Note) => (verbose ? ` board=${show(n.board, n.mailparser)} mailparser=${show(n.mailparser, n.board)}` : '');
  return {
    differ: notes.filter((n) => !n.reasons).map((n) => n.field + detail(n)),
    accepted: notes.filter((n) => n.reasons).map((n) => `${n.field} (${n.reasons!.join('; ')})${detail(n)}`),
    notes,
  };
}

/** The mails of a folder: the files INDEX.tsv lists, or every regular file but LICENSE*, README*, INDEX.tsv. */
export function listMails(folder: string): string[] {
  const index = join(folder, 'INDEX.tsv');
  if (existsSync(index)) {
    const lines = readFileSync(index, 'utf8').split('\n').slice(1);
    return lines.filter((l) => l.trim()).map((l) => join(folder, l.split('\t')[0]));
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !/^(LICENSE|README)/i.test(e) && e !== 'INDEX.tsv' && !e.startsWith('.')) out.push(p);
    }
  };
  walk(folder);
  return out;
}

/**
 * The board reader: the s9mime Storage module of a built board (default linux) in the host sandbox, or with
 * useSources the TypeScript sources in Node.
 */
export async function boardMime(useSources: boolean, board = 'linux'): Promise<{ mime: MimeLib; close(): void; bytes: number }> {
  if (useSources) {
    // (the sources read the charset tables from require("Storage"))
    await import('./espruino-node');
    return { mime: (await import('../src/mime')) as any, close() {}, bytes: 0 };
  }
  const { boardIds } = await import('./boards');
  if (!boardIds().includes(board)) throw new Error(`unknown board "${board}"; boards: ${boardIds().join(', ')}`);
  const { boardDir } = await import('./build');
  if (!existsSync(boardDir(board))) throw new Error(`the ${board} board is not built (no ${relative(process.cwd(), boardDir(board))}): npm run build`);
  const { bootSandbox } = await import('./sandbox');
  const sb = bootSandbox({ board });
  const code = sb.storage.read('s9mime');
  if (code === undefined) {
    sb.close();
    throw new Error(`the ${board} board carries no MIME reader (s9mime): choose another board, or npm run build`);
  }
  return { mime: sb.require('s9mime'), close: () => sb.close(), bytes: Buffer.byteLength(code, 'latin1') };
}

export interface DiffResult {
  file: string;
  agree: boolean;
  differ: string[];
  accepted: string[];
  /** every difference, accepted or not, with both values */
  notes?: Note[];
  error?: string;
}

export async function diffFolder(folder: string, mime: MimeLib, sizes: number[], verbose = false): Promise<DiffResult[]> {
  const out: DiffResult[] = [];
  for (const file of listMails(folder)) {
    const raw = readFileSync(file);
    const rel = relative(folder, file) || basename(file);
    let ours: ParsedMail;
    try {
      ours = readWith(mime, raw, sizes);
    } catch (e: any) {
      out.push({ file: rel, agree: false, differ: [], accepted: [], error: 'board reader threw: ' + (e && e.message) });
      continue;
    }
    let ref: RefMail;
    try {
      ref = await reference(raw);
    } catch (e: any) {
      out.push({ file: rel, agree: false, differ: [], accepted: [], error: 'mailparser threw: ' + (e && e.message) });
      continue;
    }
    const c = compare(ours, ref, verbose);
    out.push({ file: rel, agree: c.differ.length === 0, differ: c.differ, accepted: c.accepted, notes: c.notes });
  }
  return out;
}

export const USAGE = 'usage: npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]';

export interface Args {
  folder: string;
  sources: boolean;
  board?: string;
  verbose: boolean;
}

/** The command line; throws an Error with a one-line message for a wrong one. */
export function parseArgs(args: string[]): Args {
  const out: Args = { folder: '', sources: false, verbose: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--sources') out.sources = true;
    else if (a === '--verbose') out.verbose = true;
    else if (a === '--board') {
      out.board = args[++i];
      if (!out.board || out.board.startsWith('--')) throw new Error('--board needs a board id');
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (out.folder) throw new Error(`one folder only (got ${out.folder} and ${a})`);
    else out.folder = a;
  }
  if (out.sources && out.board) throw new Error('--sources and --board exclude each other');
  if (!out.folder) throw new Error('no folder given');
  if (!existsSync(out.folder)) throw new Error(`no such folder: ${out.folder}`);
  if (!statSync(out.folder).isDirectory()) throw new Error(`not a folder: ${out.folder}`);
  return out;
}

/** The report of one mail: one line, or with verbose a block (a line per difference, both values). */
export function report(r: DiffResult, verbose: boolean): string {
  const head = r.error || !r.agree ? 'DIFFER' : r.accepted.length ? 'agree*' : 'agree ';
  if (r.error) return `${head} ${r.file}: ${r.error}`;
  if (!verbose) {
    if (!r.agree) return `${head} ${r.file}: ${r.differ.join('; ')}${r.accepted.length ? ' | accepted: ' + r.accepted.join('; ') : ''}`;
    return r.accepted.length ? `${head} ${r.file}: ${r.accepted.join('; ')}` : `${head} ${r.file}`;
  }
  const lines = [`${head} ${r.file}`];
  for (const n of r.notes || []) {
    lines.push(`  ${n.reasons ? 'accepted' : 'differs '} ${n.field}${n.reasons ? ' (' + n.reasons.join('; ') + ')' : ''}`);
    lines.push(`           board:      ${show(n.board, n.mailparser)}`);
    lines.push(`           mailparser: ${show(n.mailparser, n.board)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e: any) {
    console.error(`mime-diff: ${e.message} (${USAGE})`);
    process.exit(2);
  }
  const board = await boardMime(args.sources, args.board);
  // pieces of at most 1460 bytes, as the POP3 client delivers them, in varied sizes
  const sizes = [1460, 977, 1, 1460, 333, 1024, 2, 1459];
  try {
    const results = await diffFolder(args.folder, board.mime, sizes, false);
    for (const r of results) console.log(report(r, args.verbose) + (args.verbose ? '\n' : ''));
    console.log(`${results.filter((r) => r.agree).length}/${results.length} messages agree`);
  } finally {
    board.close();
  }
}

if (/mime-diff\.ts$/.test(process.argv[1] || '')) {
  main().catch((e) => {
    console.error(`mime-diff: ${(e && e.message) || e}`);
    process.exit(1);
  });
}
