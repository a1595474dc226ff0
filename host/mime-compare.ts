// The comparison of mime-diff: what the board's reader and mailparser give for one message, field by field. Known
// differences are accepted only with a stated reason (ACCEPTED); each excuses only the field or part it names, and
// only when the reader's own flag is there and the values bear it out. Any other mismatch is a DIFFER.
import * as iconv from 'iconv-lite';
import { MailParser } from 'mailparser';
import { hostDecode } from './mime-decode';
import { boardHtml, boardText, normText, type Address, type ParsedMail, type RefMail, type TextPart } from './mime-read';

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
