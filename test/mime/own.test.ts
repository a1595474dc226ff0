// The hand-made mails of test/mime/mails/ (written by test/mime/make-mails.ts: legacy and multi-byte charsets,
// format=flowed, repeated address fields, raw 8-bit headers, multipart/digest, broken boundaries) read by the board's
// reader, from the sources and from the linux bundle, and by mailparser:
// - the folder holds exactly what make-mails.ts writes;
// - host/mime-diff's diffFolder, with several piece sizes (1-byte writes among them): at least 97% of the mails agree,
//   and the assertion lists every difference, accepted or not;
// - per mail, a direct check of the field its case is about against mailparser (for the few mails that mailparser
//   itself misreads, against mailparser's reading of the same mail written the well-formed way: see
//   make-mails.ts, Mail.wellFormed);
// - the reader's bounds and chunking independence: 1-byte writes and random pieces give what whole-message writes
//   give, and the input the reader holds stays within one piece plus one bounded line.
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { simpleParser } from 'mailparser';
import { boardMime, boardText, diffFolder, flatAddresses, normText, readWith, type MimeLib } from '../../host/mime-diff';
import * as sources from '../../src/mime';
import { rng } from './gen';
import { decodeOnHost, indexTsv, MAILS_DIR, makeMails, type Mail } from './make-mails';

const test = suite('mime own mails');
const MAILS = makeMails();
const MIN_AGREE = 0.97;
// POP3-like pieces (at most 1460 bytes, varied, with 1- and 2-byte ones), as test/mime/corpus.test.ts uses
const POP3 = [1460, 977, 1, 1460, 333, 1024, 2, 1459];
const SIZES: [string, number[]][] = [
  ['1-byte writes', [1]],
  ['POP3 pieces', POP3],
  ['7-byte writes', [7]],
  ['whole-message writes', [1 << 30]],
];
// the reader's defaults: bytes kept per header field, the longest line that may still be a delimiter
const MAX_HEADER = 2048;
const MAX_DELIM = 200;

let bundle: Awaited<ReturnType<typeof boardMime>>;
test.before(async () => {
  bundle = await boardMime(false);
});
test.after(() => bundle && bundle.close());
const readers = (): [string, MimeLib][] => [
  ['sources', sources as any],
  ['bundle', bundle.mime],
];

// ---------------------------------------------------------------------------------------------------------------
// mailparser's reading (once per mail)

interface Addr {
  name: string;
  address: string;
}
interface Ref {
  subject: string;
  from: Addr[];
  to: Addr[];
  cc: Addr[];
  replyTo: Addr[];
  text: string;
  attachments: { name: string; type: string; size: number; sha256: string }[];
}

const refs = new Map<Buffer, Promise<Ref>>();
/** simpleParser with the options host/mime-diff.ts uses. */
function ref(raw: Buffer): Promise<Ref> {
  const known = refs.get(raw);
  if (known) return known;
  const p: Promise<Ref> = (simpleParser as any)(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, checksumAlgo: 'sha256' }).then((m: any) => ({
    subject: m.subject || '',
    from: flatAddresses(m.from),
    to: flatAddresses(m.to),
    cc: flatAddresses(m.cc),
    replyTo: flatAddresses(m.replyTo),
    text: m.text || '',
    attachments: (m.attachments || []).map((a: any) => ({ name: a.filename || '', type: a.contentType, size: a.size, sha256: a.checksum })),
  }));
  refs.set(raw, p);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// the reader's reading

/** The top-level headers as the reader reports them to onHeaders (Reply-To among them), fed whole. */
function headersOf(mime: MimeLib, raw: Buffer): any {
  let top: any = null;
  const r = new mime.MimeReader({
    onHeaders: (h: any) => {
      if (!h.partPath && !top) top = h;
    },
  });
  r.write(raw.toString('latin1'));
  r.end();
  return JSON.parse(JSON.stringify(top));
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 400 ? s.slice(0, 397) + '...' : s;
};
const addrs = (l: Addr[]) => l.map((a) => ({ name: a.name.replace(/\s+/g, ' ').trim(), address: a.address.toLowerCase() }));

/** Collects the problems of one check: `field: reader <value> / mailparser <value>`. */
class Problems {
  list: string[] = [];
  constructor(private who: string) {}
  same(field: string, ours: unknown, theirs: unknown): void {
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) this.list.push(`${this.who} ${field}: reader ${show(ours)} / mailparser ${show(theirs)}`);
  }
  ok(field: string, cond: boolean, detail: string): void {
    if (!cond) this.list.push(`${this.who} ${field}: ${detail}`);
  }
}

/** Runs one check per reader (sources, then bundle) and asserts no problem, listing them all. */
async function check(m: Mail, body: (p: Problems, mime: MimeLib, ref: Ref) => void, why?: string): Promise<void> {
  const r = await ref(m.wellFormed || m.raw);
  const all: string[] = [];
  for (const [name, mime] of readers()) {
    const p = new Problems(name);
    body(p, mime, r);
    all.push(...p.list);
  }
  assert.ok(all.length === 0, `${m.file}${why ? ` (reference: ${why})` : ''}:\n  ${all.join('\n  ')}`);
}

const textOf = (ours: ReturnType<typeof readWith>) => normText(boardText(ours));
const attsOf = (ours: ReturnType<typeof readWith>) => ours.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size, sha256: a.sha256 }));
const rawFlags = (flags: string[]) => flags.filter((f) => f.startsWith('charset-raw:'));

// ---------------------------------------------------------------------------------------------------------------

test('the folder holds exactly what make-mails.ts writes (node --import tsx test/mime/make-mails.ts)', () => {
  const files = readdirSync(MAILS_DIR).sort();
  assert.equal(files, ['INDEX.tsv', ...MAILS.map((m) => m.file)].sort(), 'the files of test/mime/mails');
  for (const m of MAILS) assert.ok(readFileSync(join(MAILS_DIR, m.file)).equals(m.raw), `${m.file} is not what make-mails.ts writes`);
  assert.is(readFileSync(join(MAILS_DIR, 'INDEX.tsv'), 'utf8'), indexTsv(MAILS), 'INDEX.tsv');
  // CRLF line ends throughout (no case here is about line ends)
  for (const m of MAILS) assert.not.ok(/[^\r]\n/.test(m.raw.toString('latin1')), `${m.file} has a bare LF`);
});

for (const [what, sizes] of SIZES) {
  for (const who of ['sources', 'bundle']) {
    test(`${who}, ${what}: at least ${MIN_AGREE * 100}% of the mails agree with mailparser (diffFolder)`, async () => {
      const mime = who === 'sources' ? (sources as any) : bundle.mime;
      // (verbose: each differing field with both values)
      const results = await diffFolder(MAILS_DIR, mime, sizes, true);
      assert.is(results.length, MAILS.length, 'INDEX.tsv lists every mail');
      const agree = results.filter((r) => r.agree).length;
      const cut = (l: string) => (l.length > 700 ? l.slice(0, 697) + '...' : l);
      const differ = results.filter((r) => !r.agree).map((r) => cut(`DIFFER ${r.file}: ${r.error || r.differ.join('; ')}`));
      // (an accepted difference without its values: the field and the reason)
      const accepted = results.filter((r) => r.accepted.length).map((r) => cut(`accepted ${r.file}: ${r.accepted.map((a) => a.split(' board=')[0]).join('; ')}`));
      const need = Math.ceil(MIN_AGREE * results.length);
      assert.ok(agree >= need, `${agree}/${results.length} agree (need ${need});\n  ${[...differ, ...accepted].join('\n  ')}\n`);
      // (printed when the test passes too, once per reader: the accepted differences are what the board leaves to the host)
      if (accepted.length && sizes === POP3) console.log(`    ${who}, ${what}: ${agree}/${results.length} agree, ${accepted.length} only through accepted differences:\n      ${accepted.join('\n      ')}`);
    });
  }
}

test('mailparser reads the legacy and multi-byte mails as they were written (the mails are right)', async () => {
  const bad: string[] = [];
  for (const m of MAILS.filter((m) => m.written)) {
    const r = await ref(m.raw);
    const w = m.written!;
    if (r.subject !== w.subject) bad.push(`${m.file} subject ${show(r.subject)}, written ${show(w.subject)}`);
    if (r.from[0].name !== w.name) bad.push(`${m.file} display name ${show(r.from[0].name)}, written ${show(w.name)}`);
    if (normText(r.text) !== normText(w.text)) bad.push(`${m.file} text ${show(r.text)}, written ${show(w.text)}`);
  }
  assert.ok(bad.length === 0, bad.join('\n'));
});

// ---------------------------------------------------------------------------------------------------------------
// per case: the field the case is about

for (const m of MAILS.filter((m) => m.kind === 'legacy')) {
  test(`${m.file}: text, subject and display name decoded from ${m.charset} as mailparser decodes them`, () =>
    check(m, (p, mime, r) => {
      const ours = readWith(mime, m.raw, POP3);
      p.same('text', textOf(ours), normText(r.text));
      p.same('subject', ours.subject, r.subject);
      p.same('from', addrs(ours.from), addrs(r.from));
      p.same('flags charset-raw (body, headers)', [...rawFlags(ours.flags), ...rawFlags(ours.headerFlags)], []);
    }));
}

for (const m of MAILS.filter((m) => m.kind === 'legacy-2231')) {
  test(`${m.file}: RFC 2231 file names (continued koi8-r, iso-8859-2) as mailparser decodes them`, () =>
    check(m, (p, mime, r) => {
      const ours = readWith(mime, m.raw, POP3);
      p.same('attachment names', ours.attachments.map((a) => a.name), r.attachments.map((a) => a.name));
      p.same('attachment names as written', ours.attachments.map((a) => a.rawName), m.names);
      p.same('attachments', attsOf(ours), r.attachments);
      p.same('subject', ours.subject, r.subject);
      p.same('from', addrs(ours.from), addrs(r.from));
    }));
}

for (const m of MAILS.filter((m) => m.kind === 'multibyte')) {
  const label = m.charset!.toLowerCase();
  test(`${m.file}: raw bytes flagged charset-raw:${label}, decoded on the host they give mailparser's text, subject and name`, () =>
    check(m, (p, mime, r) => {
      const ours = readWith(mime, m.raw, POP3);
      const plain = ours.texts.filter((t) => t.type === 'text/plain');
      p.ok('text/plain parts', plain.length === 1, `${plain.length} text/plain parts`);
      for (const t of plain) {
        p.ok('text flags', t.flags.includes('charset-raw:' + label), `text/plain flags ${show(t.flags)}, no charset-raw:${label}`);
        p.same('text decoded on the host', normText(decodeOnHost(Buffer.from(t.text, 'latin1'), m.charset!)), normText(r.text));
      }
      p.ok('header flags', ours.headerFlags.includes('charset-raw:' + label), `header flags ${show(ours.headerFlags)}, no charset-raw:${label}`);
      p.same('subject decoded on the host', decodeOnHost(Buffer.from(ours.subject, 'latin1'), m.charset!), r.subject);
      p.same(
        'from decoded on the host',
        ours.from.map((a) => ({ name: decodeOnHost(Buffer.from(a.name, 'latin1'), m.charset!), address: a.address })),
        r.from.map((a) => ({ name: a.name, address: a.address })),
      );
    }));
}

for (const m of MAILS.filter((m) => m.kind === 'flowed')) {
  test(`${m.file}: the format=flowed text equals mailparser's (normText)`, () =>
    check(m, (p, mime, r) => {
      p.same('text', textOf(readWith(mime, m.raw, POP3)), normText(r.text));
    }));
}

for (const m of MAILS.filter((m) => m.kind === 'addresses')) {
  test(`${m.file}: repeated To, Cc, Reply-To (and From) lines give the addresses mailparser gives, in order`, () =>
    check(m, (p, mime, r) => {
      const ours = readWith(mime, m.raw, POP3);
      p.same('to', addrs(ours.to), addrs(r.to));
      p.same('cc', addrs(ours.cc), addrs(r.cc));
      p.same('reply-to', addrs(headersOf(mime, m.raw).replyTo), addrs(r.replyTo));
      p.same('from', addrs(ours.from), addrs(r.from));
    }));
}

for (const m of MAILS.filter((m) => m.kind === 'raw8bit')) {
  test(`${m.file}: raw ${m.charset} header bytes: subject, display names and Frösche.txt`, async () => {
    const onRaw = await ref(m.raw);
    await check(
      m,
      (p, mime, r) => {
        const ours = readWith(mime, m.raw, POP3);
        p.same('subject', ours.subject, r.subject);
        p.same('from', addrs(ours.from), addrs(r.from));
        p.same('to', addrs(ours.to), addrs(r.to));
        p.same('attachment names', ours.attachments.map((a) => a.name), r.attachments.map((a) => a.name));
        // mailparser reads the raw name right: the name is checked against its reading of this very mail too
        p.same('attachment names (mailparser on the raw mail)', ours.attachments.map((a) => a.name), onRaw.attachments.map((a) => a.name));
        p.same('attachment names as written', ours.attachments.map((a) => a.rawName), m.names);
        p.same('text', textOf(ours), normText(r.text));
      },
      m.wellFormedWhy,
    );
  });
}

// a boundary longer than the header cap (maxHeader, 2048) is cut with its header: the board reads the body as one
// text (flags multipart-without-boundary, header-truncated) in which nothing is hidden
for (const m of MAILS.filter((m) => m.file === 'boundary-too-long.eml')) {
  test(`${m.file}: the body read as text, with mailparser's text and attachment in it`, async () => {
    const full: any = await (simpleParser as any)(m.raw);
    await check(m, (p, mime, r) => {
      const ours = readWith(mime, m.raw, POP3);
      p.same('flags', ['multipart-without-boundary', 'header-truncated'].filter((f) => ours.flags.includes(f)), ['multipart-without-boundary', 'header-truncated']);
      p.same('attachments', attsOf(ours), []);
      const text = textOf(ours);
      p.same("mailparser's text in it", text.includes(normText(r.text)), true);
      p.same("mailparser's attachment (base64) in it", full.attachments.length > 0 && full.attachments.every((a: any) => text.replace(/\s+/g, '').includes(a.content.toString('base64'))), true);
    });
  });
}

for (const m of MAILS.filter((m) => (m.kind === 'digest' || m.kind === 'boundary') && m.file !== 'boundary-too-long.eml')) {
  test(`${m.file}: text and attachments as mailparser${m.wellFormed ? ' (well-formed reference)' : ''}`, () =>
    check(
      m,
      (p, mime, r) => {
        const ours = readWith(mime, m.raw, POP3);
        p.same('text', textOf(ours), normText(r.text));
        p.same('attachments', attsOf(ours), r.attachments);
      },
      m.wellFormedWhy,
    ));
}

// ---------------------------------------------------------------------------------------------------------------
// bounds and chunking independence

test('the result does not depend on how the stream is cut: 1-byte writes and random pieces give what whole-message writes give (sources and bundle)', () => {
  const problems: string[] = [];
  const r = rng(3676);
  for (const [who, mime] of readers()) {
    for (const m of MAILS) {
      const whole = JSON.stringify(readWith(mime, m.raw, [m.raw.length]));
      const random: number[] = [];
      for (let i = 0; i < 50; i++) random.push(r() < 0.3 ? 1 + Math.floor(r() * 4) : 1 + Math.floor(r() * 1460));
      for (const [what, sizes] of [
        ['1-byte', [1]],
        ['random', random],
      ] as [string, number[]][]) {
        const cut = JSON.stringify(readWith(mime, m.raw, sizes));
        if (cut !== whole) {
          let k = 0;
          while (cut[k] === whole[k]) k++;
          problems.push(`${who} ${m.file} ${what}: differs from whole-message writes at ${k}: ${show(cut.slice(Math.max(0, k - 60), k + 140))} / whole ${show(whole.slice(Math.max(0, k - 60), k + 140))}`);
        }
      }
    }
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});

test(`memory bound: the input the reader holds stays within one piece plus one bounded line (maxHeader ${MAX_HEADER} + ${MAX_DELIM}), open multiparts within maxDepth`, () => {
  const problems: string[] = [];
  for (const [who, mime] of readers()) {
    for (const m of MAILS) {
      for (const piece of [1, 1460]) {
        const r: any = new mime.MimeReader({ onText() {}, onAttachmentData() {} });
        // the held input is the reader's one own string property (buf_, renamed in the bundle), the open
        // multiparts its own array that is not its flags (stack_)
        const strs = Object.keys(r).filter((k) => typeof r[k] === 'string');
        const arrs = Object.keys(r).filter((k) => Array.isArray(r[k]) && k !== 'flags');
        if (strs.length !== 1 || arrs.length !== 1) {
          problems.push(`${who}: cannot find the held input (string properties ${strs}, arrays ${arrs})`);
          break;
        }
        const s = m.raw.toString('latin1');
        let held = 0;
        let depth = 0;
        for (let p = 0; p < s.length; p += piece) {
          r.write(s.substr(p, piece));
          held = Math.max(held, r[strs[0]].length);
          depth = Math.max(depth, r[arrs[0]].length);
        }
        r.end();
        if (held > MAX_HEADER + MAX_DELIM + piece) problems.push(`${who} ${m.file} pieces of ${piece}: held ${held} bytes`);
        if (depth > 10) problems.push(`${who} ${m.file} pieces of ${piece}: ${depth} open multiparts`);
      }
    }
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});

test.run();
