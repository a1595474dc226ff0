// Hand-made malformed mails: best-effort results with flags, never a crash, a hang or unbounded growth.
// Run against the sources (so the reader's internal buffer can be watched) and, for the results, the bundle.
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MimeReader, decodeWords, parseAddresses, parseStructured, safeFileName } from '../../src/mime';
import { boardMime, readWith } from '../../host/mime-diff';

const test = suite('mime malformed and unit');

interface Run {
  texts: any[];
  atts: { info: any; data: string; end: any }[];
  headers: any[];
  flags: string[];
  maxHeld: number;
}

/** Feeds pieces; records the reader's held input after each write (must stay bounded). */
function feed(pieces: Iterable<string>, opts: any = {}): Run {
  const run: Run = { texts: [], atts: [], headers: [], flags: [], maxHeld: 0 };
  let cur: any = null;
  const r: any = new MimeReader({
    ...opts,
    onHeaders: (h: any) => run.headers.push(h),
    onText: (t: any) => run.texts.push(t),
    onAttachmentStart: (a: any) => (cur = { info: a, data: '', end: null }),
    onAttachmentData: (c: string) => {
      if (cur.data.length < 100000) cur.data += c;
    },
    onAttachmentEnd: (e: any) => {
      cur.end = e;
      run.atts.push(cur);
    },
  });
  for (const p of pieces) {
    r.write(p);
    run.maxHeld = Math.max(run.maxHeld, r.buf_.length, r.stack_.length * 100);
  }
  r.end();
  run.flags = r.flags;
  return run;
}

function* repeat(piece: string, times: number, head = '', tail = ''): Generator<string> {
  if (head) yield head;
  for (let i = 0; i < times; i++) yield piece;
  if (tail) yield tail;
}

const mp = (b: string, parts: string[], close = true) => parts.map((p) => `--${b}\r\n${p}\r\n`).join('') + (close ? `--${b}--\r\n` : '');

test('missing close delimiter: parts kept, flag raised', () => {
  const raw = 'Content-Type: multipart/mixed; boundary=zz\r\n\r\n' + mp('zz', ['Content-Type: text/plain\r\n\r\nfirst', 'Content-Type: text/plain\r\n\r\nsecond'], false);
  const r = feed([raw]);
  assert.equal(r.texts.map((t) => t.text), ['first', 'second\n']);
  assert.ok(r.flags.includes('missing-close-boundary'));
});

test('a boundary that never appears: no part, flag raised, no crash', () => {
  const r = feed(['Content-Type: multipart/mixed; boundary=nothere\r\n\r\nsome text\r\n--other\r\nmore\r\n']);
  assert.is(r.texts.length, 0);
  assert.ok(r.flags.includes('missing-boundary'), r.flags.join());
});

test('an inner multipart never closed: the outer delimiter ends it', () => {
  const inner = 'Content-Type: multipart/alternative; boundary=in\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\ninner text';
  const raw = 'Content-Type: multipart/mixed; boundary=out\r\n\r\n' + mp('out', [inner, 'Content-Type: text/plain\r\n\r\nafter']);
  const r = feed([raw]);
  assert.equal(r.texts.map((t) => [t.partPath, t.text]), [['1.1', 'inner text'], ['2', 'after']]);
  assert.ok(r.flags.includes('missing-close-boundary'));
});

test('bad base64: bad characters flagged and skipped, the rest decoded', () => {
  const good = Buffer.from('Hello, board! This is base64.').toString('base64');
  const bad = good.slice(0, 8) + '!!**' + good.slice(8, 20) + '\r\n\u00ff' + good.slice(20);
  const r = feed(['Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n', bad]);
  assert.is(r.atts[0].data, 'Hello, board! This is base64.');
  assert.ok(r.flags.includes('bad-base64'));
  // a truncated final quantum
  const r2 = feed(['Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\nQUJDR']);
  assert.is(r2.atts[0].data, 'ABC');
  assert.ok(r2.flags.includes('bad-base64'));
});

test('quoted-printable: bad escapes kept as text and flagged, soft breaks in every piece split', () => {
  const body = 'caf=C3=A9 =ZZ and a soft=\r\nbreak, bare=\nLF soft, trailing =  \r\nspace, end=';
  const head = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n';
  const want = 'café =ZZ and a softbreak, bareLF soft, trailing space, end=';
  for (let cut = 1; cut < body.length; cut++) {
    const r = feed([head, body.slice(0, cut), body.slice(cut)]);
    assert.is(r.texts[0].text, want, `cut at ${cut}`);
    assert.ok(r.flags.includes('bad-qp'));
  }
});

test('bare LF and mixed line ends', () => {
  const raw = 'Subject: lf\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nline1\r\nline2\n--b\r\nContent-Type: text/plain\r\n\r\nx\n--b--\n';
  const r = feed([raw]);
  assert.is(r.headers[0].subject, 'lf');
  assert.equal(r.texts.map((t) => t.text), ['line1\nline2', 'x']);
  assert.equal(r.flags, []);
});

test('an endless header line (8 MB, no line end ever) stays bounded and is flagged', () => {
  const r = feed(repeat('x'.repeat(1460), 5800, 'Subject: '), { maxHeader: 512 });
  assert.ok(r.maxHeld < 512 + 200 + 1460 + 2, `held ${r.maxHeld}`);
  assert.ok(r.flags.includes('header-truncated'));
  assert.ok(r.flags.includes('no-body'));
  assert.is(r.headers[0].subject.length, 511, 'maxHeader bytes of value, less the space after the colon');
});

test('an endless folded header (4 MB of continuation lines) stays bounded', () => {
  const r = feed(repeat(' more words here\r\n'.repeat(80), 3000, 'Subject: start\r\n', '\r\nbody'));
  assert.ok(r.maxHeld < 3000, `held ${r.maxHeld}`);
  assert.is(r.headers[0].subject.length, 2047, 'maxHeader (default 2048) bytes of value, less the leading space');
  assert.is(r.texts[0].text, 'body');
});

test('an endless body line inside a multipart, and one that starts with "--", stay bounded', () => {
  for (const start of ['', '--']) {
    const r = feed(repeat('A'.repeat(1460), 2000, 'Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: application/x-y\r\n\r\n' + start, '\r\n--q--\r\n'));
    assert.ok(r.maxHeld <= 1460 + 200, `held ${r.maxHeld}`);
    assert.is(r.atts[0].end.size, 1460 * 2000 + start.length);
  }
});

test('absurd nesting (3000 multiparts, 3000 inline messages): bounded by maxDepth and flagged', () => {
  let head = '';
  for (let i = 0; i < 3000; i++) head += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
  const r = feed([head, 'Content-Type: text/plain\r\n\r\ndeep\r\n'], { maxDepth: 8 });
  assert.ok(r.flags.includes('depth-limit'));
  assert.is(r.texts.length, 0);
  assert.ok(r.maxHeld <= 8 * 100 + 200 + head.length, 'stack bounded');
  let msgs = 'Subject: top\r\n';
  for (let i = 0; i < 3000; i++) msgs += 'Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nSubject: m' + i + '\r\n';
  const r2 = feed([msgs, '\r\ninner']);
  assert.ok(r2.flags.includes('depth-limit'));
  assert.ok(r2.headers.length <= 11, `headers reported ${r2.headers.length}`);
});

test('random bytes and truncated mails do not crash', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < 30; k++) {
    let s = '';
    const n = Math.floor(rnd() * 20000);
    for (let i = 0; i < n; i++) s += String.fromCharCode(rnd() < 0.1 ? 10 : rnd() < 0.05 ? 45 : Math.floor(rnd() * 256));
    const prefix = k % 2 ? 'Content-Type: multipart/mixed; boundary="-"\r\nContent-Transfer-Encoding: base64\r\n\r\n---\r\n' : '';
    feed([prefix + s.slice(0, n / 2), s.slice(n / 2)]);
  }
  const r = feed(['']);
  assert.ok(r.flags.includes('no-body'));
  assert.is(r.headers.length, 1);
});

test('headers: mbox From_ line and lines without a colon are flagged and skipped', () => {
  const r = feed(['From someone Tue Jan 1 00:00:00 2000\r\nSubject: ok\r\nnot a header\r\n\r\nbody']);
  assert.is(r.headers[0].subject, 'ok');
  assert.ok(r.flags.includes('mbox-from-line'));
  assert.ok(r.flags.includes('bad-header-line'));
});

test('misuse gives clear errors', () => {
  const r = new MimeReader({});
  assert.throws(() => r.write(123 as any), /binary string/);
  r.end();
  assert.throws(() => r.write('x'), /after end/);
});

test('text bound: truncated flag, cut on a UTF-8 character boundary', () => {
  const r = feed(['Content-Type: text/plain; charset=utf-8\r\n\r\n', Buffer.from('ab€€€€', 'utf8').toString('latin1')], { maxText: 6 });
  assert.is(r.texts[0].text, 'ab€');
  assert.ok(r.texts[0].truncated);
  assert.is(r.texts[0].size, 14);
  assert.ok(r.flags.includes('text-truncated'));
});

test('RFC 2047: B and Q words, split UTF-8 across words, white space between words, raw charsets flagged', () => {
  const e = Buffer.from('€', 'utf8');
  const w1 = '=?UTF-8?B?' + e.subarray(0, 2).toString('base64') + '?=';
  const w2 = '=?utf-8?Q?=' + e[2].toString(16).toUpperCase() + '_x?=';
  assert.is(decodeWords(`a ${w1}  \r\n ${w2} b`, []), 'a € x b');
  assert.is(decodeWords('=?iso-8859-1?q?caf=E9?=', []), 'café');
  assert.is(decodeWords('=?windows-1252?Q?=80?=', []), '€');
  const flags: string[] = [];
  // a single-byte charset is decoded from its table in Storage; a multi-byte one stays raw, flagged
  assert.is(decodeWords('=?koi8-r?B?8w==?=', flags), 'С');
  assert.is(decodeWords('=?iso-8859-7?Q?=E1=E2?=', flags), 'αβ');
  assert.equal(flags, []);
  assert.is(decodeWords('=?gb2312?B?1tA=?=', flags), '\xd6\xd0');
  assert.equal(flags, ['charset-raw:gb2312']);
  assert.is(decodeWords('=?utf-8?x?bad?= plain', []), '=?utf-8?x?bad?= plain');
});

test('repeated address fields: every To and Cc line adds its addresses, in order; From and Reply-To keep the first (as mailparser)', () => {
  const raw = 'From: a@x\r\nFrom: b@x\r\nTo: t1@x\r\nCc: c1@x\r\nTo: "T, Two" <t2@x>, t3@x\r\nCc: c2@x\r\nCc: Group: c3@x, c4@x;\r\nReply-To: r1@x\r\nReply-To: r2@x\r\nSubject: s\r\nSubject: ignored\r\n\r\nbody';
  for (const size of [raw.length, 1, 7]) {
    const pieces: string[] = [];
    for (let i = 0; i < raw.length; i += size) pieces.push(raw.slice(i, i + size));
    const h = feed(pieces).headers[0];
    assert.equal(h.to.map((a: any) => a.address), ['t1@x', 't2@x', 't3@x']);
    assert.is(h.to[1].name, 'T, Two');
    assert.equal(h.cc.map((a: any) => a.address), ['c1@x', 'c2@x', 'c3@x', 'c4@x']);
    assert.equal(h.replyTo.map((a: any) => a.address), ['r1@x']);
    assert.equal(h.from.map((a: any) => a.address), ['a@x']);
    assert.is(h.subject, 's', 'a repeated Subject keeps the first');
  }
});

test('format=flowed (RFC 3676): soft breaks joined, delsp, quote depth, space-stuffing, the signature separator', () => {
  const body = 'one \r\ntwo \r\nthree\r\n From here\r\n> q1 \r\n> q2\r\n>> deep\r\nhard\r\n-- \r\nsig \r\nend\r\n';
  const text = (params: string) => feed([`Content-Type: text/plain; charset=utf-8${params}\r\n\r\n` + body]).texts[0].text;
  assert.is(text('; format=flowed'), 'one two three\nFrom here\n> q1 q2\n>> deep\nhard\n-- \nsig end');
  assert.is(text('; format=flowed; delsp=yes'), 'onetwothree\nFrom here\n> q1q2\n>> deep\nhard\n-- \nsigend');
  assert.is(text(''), body.replace(/\r\n/g, '\n'), 'not flowed: as written');
  // an HTML part is never unfolded (as mailparser)
  assert.is(feed(['Content-Type: text/html; format=flowed\r\n\r\n<p \r\nx>']).texts[0].text, '<p \nx>');
});

test('raw 8-bit header bytes: UTF-8 when they are, else windows-1252 with the flag "header-8bit"', () => {
  const utf8 = feed([Buffer.from('Subject: Grüße\r\n\r\nx', 'utf8').toString('latin1')]);
  assert.is(utf8.headers[0].subject, 'Grüße');
  assert.not.ok(utf8.flags.includes('header-8bit'));
  const raw = feed([Buffer.from('From: "J\xfcrgen" <j@x>\r\nSubject: Gr\xfc\xdfe \x80\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Disposition: attachment; filename="Fr\xf6sche.txt"\r\n\r\nx\r\n--b--\r\n', 'latin1').toString('latin1')]);
  assert.is(raw.headers[0].subject, 'Grüße €');
  assert.is(raw.headers[0].from[0].name, 'Jürgen');
  assert.ok(raw.headers[0].flags.includes('header-8bit'));
  assert.is(raw.atts[0].info.name, 'Frösche.txt');
  assert.ok(raw.flags.includes('header-8bit'));
  // a real U+FFFD in UTF-8 stays what it is
  assert.is(feed([Buffer.from('Subject: a\ufffdb\r\n\r\nx', 'utf8').toString('latin1')]).headers[0].subject, 'a\ufffdb');
});

test('a multipart without a usable boundary is read as text: none, cut with its header, too long for a delimiter', () => {
  const long = 'b'.repeat(3000);
  const cut = feed([`Content-Type: multipart/mixed; boundary="${long}"\r\n\r\n--${long}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--${long}--\r\n`]);
  assert.is(cut.texts.length, 1);
  assert.ok(cut.texts[0].text.includes('hi'), 'the body is not hidden');
  assert.ok(cut.flags.includes('multipart-without-boundary') && cut.flags.includes('header-truncated'), cut.flags.join());
  const b = 'c'.repeat(197);
  const tooLong = feed([`Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n\r\nhi\r\n--${b}--\r\n`]);
  assert.ok(tooLong.texts[0].text.includes('hi'));
  const ok = 'd'.repeat(196);
  const fits = feed([`Content-Type: multipart/mixed; boundary="${ok}"\r\n\r\n--${ok}\r\n\r\nhi\r\n--${ok}--\r\n`]);
  assert.equal(fits.texts.map((t) => t.text), ['hi']);
  assert.not.ok(fits.flags.includes('multipart-without-boundary'));
});

test('single-byte charsets from the tables in Storage, multi-byte ones raw and flagged; a board without the tables flags them raw', async () => {
  const koi = Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]).toString('latin1');
  const r = feed([`Content-Type: text/plain; charset=KOI8-R\r\n\r\n${koi}`]);
  assert.is(r.texts[0].text, 'Привет');
  assert.equal(r.texts[0].flags, []);
  const sjis = feed(['Content-Type: text/plain; charset=Shift_JIS\r\n\r\n\x82\xa0']);
  assert.is(sjis.texts[0].text, '\x82\xa0');
  assert.equal(sjis.texts[0].flags, ['charset-raw:shift_jis']);
  // the host decodes what the board left raw
  const { hostDecode, rawCharset } = await import('../../host/mime-decode');
  assert.is(hostDecode(sjis.texts[0].text, rawCharset(sjis.texts[0].flags)!), 'あ');
  assert.is(hostDecode('x', 'no-such-charset'), null);
  const { nodeStorage } = await import('../../host/espruino-node');
  const tables = nodeStorage.api.read('s9cs');
  nodeStorage.api.erase('s9cs');
  try {
    const bare = feed([`Content-Type: text/plain; charset=KOI8-R\r\n\r\n${koi}`]);
    assert.is(bare.texts[0].text, koi);
    assert.equal(bare.texts[0].flags, ['charset-raw:koi8-r']);
  } finally {
    nodeStorage.write('s9cs', tables);
  }
});

test('Content-Type parameters: quoting, RFC 2231 continuations and charset\'lang\'value', () => {
  const p = parseStructured('Text/Plain; charset="utf-8"; name*0*=utf-8\'en\'%E2%82%AC; name*1=".txt"; x="a;b"', []);
  assert.is(p.value, 'text/plain');
  assert.is(p.params.charset, 'utf-8');
  assert.is(p.params.name, '€.txt');
  assert.is(p.params.x, 'a;b');
  assert.is(parseStructured("attachment; filename*=iso-8859-1''caf%E9.txt", []).params.filename, 'café.txt');
  assert.is(parseStructured('attachment; filename="=?utf-8?B?4oKs?=.pdf"', []).params.filename, '€.pdf');
});

test('addresses: quoted commas, comments, groups, encoded names', () => {
  const a = parseAddresses('"Doe, John" <j@x.org>, (Work) k@y.org, Team: a@b.c, =?utf-8?Q?Z=C3=BC?= <z@u.de>;, <bare@z>', []);
  assert.equal(a, [
    { name: 'Doe, John', address: 'j@x.org' },
    { name: 'Work', address: 'k@y.org' },
    { name: '', address: 'a@b.c' },
    { name: 'Zü', address: 'z@u.de' },
    { name: '', address: 'bare@z' },
  ]);
});

test('file names: path traversal and special names are made safe', () => {
  assert.is(safeFileName('../../etc/passwd'), 'passwd');
  assert.is(safeFileName('..\\..\\win.ini'), 'win.ini');
  assert.is(safeFileName('C:\\x\\..\\y.txt'), 'y.txt');
  assert.is(safeFileName('..'), '');
  assert.is(safeFileName('.hidden'), 'hidden');
  assert.is(safeFileName('a\x00b:c|d?.txt'), 'a_b_c_d_.txt');
  assert.is(safeFileName('x'.repeat(300) + '.pdf').length, 120);
  assert.ok(safeFileName('x'.repeat(300) + '.pdf').endsWith('.pdf'));
  const r = feed(['Content-Type: application/pdf; name="../../evil.pdf"\r\n\r\n%PDF']);
  assert.is(r.atts[0].info.name, 'evil.pdf');
  assert.is(r.atts[0].info.rawName, '../../evil.pdf');
  assert.ok(r.atts[0].end.flags.includes('name-sanitised'));
});

test('the bundle gives the same results as the sources on malformed input', async () => {
  const b = await boardMime(false);
  try {
    const samples = [
      'Content-Type: multipart/mixed; boundary=zz\r\n\r\n' + mp('zz', ['Content-Type: text/plain\r\n\r\nfirst', 'Content-Transfer-Encoding: base64\r\nContent-Type: image/gif\r\n\r\nR0l!GOD*lh'], false),
      'Subject: =?utf-8?B?4oKs?= \r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nx=3Dy =ZZ=\r\nz',
    ];
    for (const s of samples) {
      const raw = Buffer.from(s, 'latin1');
      assert.equal(JSON.parse(JSON.stringify(readWith(b.mime, raw, [3, 7]))), JSON.parse(JSON.stringify(readWith({ MimeReader } as any, raw, [5]))));
    }
  } finally {
    b.close();
  }
});

test.run();
