// `npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]`: parses every mail of a folder with the
// board's MIME reader (its Storage module s9mime, from build/<id>/, in the host sandbox; default linux; --sources the
// TypeScript sources) and with
// mailparser's simpleParser, compares what a user sees, prints one line per file and ends with
// "N/M messages agree".
//
// Compared: subject; from/to/cc as lists of {name, address} (mailparser's groups flattened); the text body;
// each attachment's name, type, size and sha256 (in order).
//
// Text normalisation, applied to both sides: line ends become "\n", white space at the end of each line is
// removed, and blank lines at the start and end are dropped. Reason: quoted-printable encoders and decoders
// disagree on trailing white space (RFC 2045 6.7 says to drop it, mailparser keeps it), and the CRLF before a
// delimiter belongs to the delimiter, which decoders treat differently at the last line.
// mailparser runs with skipHtmlToText, so an HTML part counts as "" in its text (the README's "mailparser
// leaves text empty for HTML-only mails"); the board reader has no HTML-to-text either, and the text the
// reader gives is built with mailparser's rule (text/plain and delivery-status parts in order; an HTML
// part adds "" where mailparser would have converted it), joined with "\n".
//
// Known differences are accepted only with a stated reason, printed as "agree* path: reason ...", and
// counted as agreeing; any other mismatch is a DIFFER. The reasons are the ACCEPTED list below.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { simpleParser } from 'mailparser';

export interface ParsedMail {
  subject: string;
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  texts: { meta?: string; type: string; text: string; alternative: boolean; depth: number; flags: string[]; charset: string; truncated: boolean }[];
  attachments: { name: string; rawName: string; type: string; size: number; sha256: string; flags: string[]; disposition: string }[];
  flags: string[];
  /** flags raised while decoding the top-level headers */
  headerFlags: string[];
  headerSeen: boolean;
}

/** What the reader module exposes, from the sources or a board's s9mime. */
export interface MimeLib {
  MimeReader: new (opts: any) => { write(s: string): void; end(): void; flags: string[] };
}

/**
 * Runs one message through a MimeReader, fed in pieces of the given sizes (cycled), and collects what it
 * reports. Attachment bytes are hashed on the host as they stream out.
 */
export function readWith(mime: MimeLib, raw: Buffer, sizes: number[], opts?: any): ParsedMail {
  const out: ParsedMail = { subject: '', from: [], to: [], cc: [], texts: [], attachments: [], flags: [], headerFlags: [], headerSeen: false };
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
            out.texts.push({ meta: metaText(h), type: 'meta', text: '', alternative: false, depth: h.depth, flags: [], charset: '', truncated: false });
            return;
          }
          out.headerSeen = true;
          out.headerFlags = [...h.flags];
          out.subject = h.subject;
          out.from = h.from.map((a: any) => ({ name: a.name, address: a.address }));
          out.to = h.to.map((a: any) => ({ name: a.name, address: a.address }));
          out.cc = h.cc.map((a: any) => ({ name: a.name, address: a.address }));
        },
        onText: (t: any) =>
          out.texts.push({ type: t.type, text: t.text, alternative: t.alternative, depth: t.depth === undefined ? depthOf(t.partPath) : t.depth, flags: [...t.flags], charset: t.charset, truncated: t.truncated }),
        onAttachmentStart: (a: any) => {
          hash = createHash('sha256');
          cur = { name: a.name, rawName: a.rawName, type: a.type, size: 0, sha256: '', flags: [], disposition: a.disposition };
        },
        onAttachmentData: (c: string) => {
          if (typeof c !== 'string') throw new Error('attachment data is not a string');
          hash.update(Buffer.from(c, 'latin1'));
          cur.size += c.length;
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

/** The text a reader's parts make under mailparser's rule (see the header comment). */
export function boardText(m: ParsedMail): string {
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
  from: { name: string; address: string }[];
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  text: string;
  attachments: { name: string; type: string; size: number; sha256: string }[];
}

function flatAddresses(v: any): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  const walk = (list: any[]) => {
    for (const a of list || []) {
      if (a.group) walk(a.group);
      else out.push({ name: a.name || '', address: a.address || '' });
    }
  };
  for (const one of v ? (Array.isArray(v) ? v : [v]) : []) walk(one.value);
  return out;
}

export async function reference(raw: Buffer): Promise<RefMail> {
  const m: any = await simpleParser(raw, { skipHtmlToText: true, skipImageLinks: true, skipTextLinks: true, checksumAlgo: 'sha256' } as any);
  return {
    subject: m.subject || '',
    from: flatAddresses(m.from),
    to: flatAddresses(m.to),
    cc: flatAddresses(m.cc),
    text: m.text || '',
    attachments: (m.attachments || []).map((a: any) => ({ name: a.filename || '', type: a.contentType, size: a.size, sha256: a.checksum })),
  };
}

/**
 * Known, explained differences. Each reason is checked against the evidence (the reader's own flags or the
 * values themselves), never assumed from a file name.
 */
export const ACCEPTED = {
  charset: 'a charset the board does not decode (the reader keeps the raw bytes and flags "charset-raw:<name>")',
  sanitised: 'attachment name sanitised on the board (path parts removed); mailparser passes it unchanged',
  guessedType: 'mailparser replaces application/octet-stream by a type guessed from the file extension',
  truncated: 'a header longer than maxHeader is cut on the board (flag "header-truncated")',
  noSubtype: 'a Content-Type without subtype is read as text/plain (RFC 2045 5.2, flag "bad-content-type"); mailparser makes it an attachment',
};

function sameAddresses(a: { name: string; address: string }[], b: { name: string; address: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].address.toLowerCase() !== b[i].address.toLowerCase() || a[i].name.replace(/\s+/g, ' ').trim() !== b[i].name.replace(/\s+/g, ' ').trim()) return false;
  }
  return true;
}

const short = (v: any) => {
  const s = JSON.stringify(v);
  return s.length > 160 ? s.slice(0, 157) + '...' : s;
};

/** Compares one message; returns the differing fields and the accepted differences with their reasons. */
export function compare(ours: ParsedMail, ref: RefMail, verbose = false): { differ: string[]; accepted: string[] } {
  const differ: string[] = [];
  const accepted: string[] = [];
  const hdrRaw = ours.headerFlags.filter((f) => f.startsWith('charset-raw:'));
  const hdrReason = hdrRaw.length ? ACCEPTED.charset + ': ' + hdrRaw.join(',') : ours.headerFlags.includes('header-truncated') ? ACCEPTED.truncated : undefined;
  const noSubtype = ours.flags.includes('bad-content-type');
  const note = (field: string, a: any, b: any, reason?: string) => {
    const detail = verbose ? ` board=${short(a)} mailparser=${short(b)}` : '';
    if (reason) accepted.push(`${field} (${reason})${detail}`);
    else differ.push(field + detail);
  };
  if (ours.subject !== ref.subject) note('subject', ours.subject, ref.subject, hdrReason);
  for (const k of ['from', 'to', 'cc'] as const) {
    if (!sameAddresses(ours[k], ref[k])) note(k, ours[k], ref[k], hdrReason);
  }
  const a = normText(boardText(ours));
  const b = normText(ref.text);
  if (a !== b) {
    const textRaw = ours.texts.some((t) => t.flags.some((f) => f.startsWith('charset-raw:')));
    note('text', a, b, textRaw ? ACCEPTED.charset : noSubtype ? ACCEPTED.noSubtype : undefined);
  }
  if (ours.attachments.length !== ref.attachments.length) note('attachments.count', ours.attachments.length, ref.attachments.length, noSubtype && ours.attachments.length < ref.attachments.length ? ACCEPTED.noSubtype : undefined);
  const n = Math.min(ours.attachments.length, ref.attachments.length);
  for (let i = 0; i < n; i++) {
    const x = ours.attachments[i];
    const y = ref.attachments[i];
    if (x.name !== y.name) {
      const nameRaw = x.flags.some((f) => f.startsWith('charset-raw:'));
      if (x.rawName === y.name && x.flags.includes('name-sanitised')) note(`attachment[${i}].name`, x.name, y.name, ACCEPTED.sanitised);
      else note(`attachment[${i}].name`, x.name, y.name, nameRaw ? ACCEPTED.charset : undefined);
    }
    if (x.type !== y.type) note(`attachment[${i}].type`, x.type, y.type, x.type === 'application/octet-stream' && y.name ? ACCEPTED.guessedType : undefined);
    if (x.size !== y.size) note(`attachment[${i}].size`, x.size, y.size);
    if (x.sha256 !== y.sha256) note(`attachment[${i}].sha256`, x.sha256.slice(0, 12), y.sha256.slice(0, 12));
  }
  return { differ, accepted };
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
  if (useSources) return { mime: (await import('../src/mime')) as any, close() {}, bytes: 0 };
  const { bootSandbox } = await import('./sandbox');
  const sb = bootSandbox({ board });
  const code = sb.storage.read('s9mime');
  if (code === undefined) throw new Error(`the ${board} board carries no MIME reader (s9mime): choose another board, or npm run build`);
  return { mime: sb.require('s9mime'), close: () => sb.close(), bytes: Buffer.byteLength(code, 'latin1') };
}

export interface DiffResult {
  file: string;
  agree: boolean;
  differ: string[];
  accepted: string[];
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
    out.push({ file: rel, agree: c.differ.length === 0, differ: c.differ, accepted: c.accepted });
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const folder = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--board');
  if (!folder) {
    console.error('usage: npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]');
    process.exit(2);
  }
  const bi = args.indexOf('--board');
  const board = await boardMime(args.includes('--sources'), bi >= 0 ? args[bi + 1] : undefined);
  // pieces of at most 1460 bytes, as the POP3 client delivers them, in varied sizes
  const sizes = [1460, 977, 1, 1460, 333, 1024, 2, 1459];
  try {
    const results = await diffFolder(folder, board.mime, sizes, args.includes('--verbose'));
    let agree = 0;
    for (const r of results) {
      if (r.error) console.log(`DIFFER ${r.file}: ${r.error}`);
      else if (!r.agree) console.log(`DIFFER ${r.file}: ${r.differ.join('; ')}${r.accepted.length ? ' | accepted: ' + r.accepted.join('; ') : ''}`);
      else if (r.accepted.length) console.log(`agree* ${r.file}: ${r.accepted.join('; ')}`);
      else console.log(`agree  ${r.file}`);
      if (r.agree) agree++;
    }
    console.log(`${agree}/${results.length} messages agree`);
  } finally {
    board.close();
  }
}

if (/mime-diff\.ts$/.test(process.argv[1] || '')) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
