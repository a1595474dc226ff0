// mime-diff's comparison: each accepted difference excuses only the field or part it names, and only when the
// reader's flag and the values bear it out; html, date, reply-to and message-id are compared; mailparser's way of
// unfolding a subject is accepted for white space only; a wrong command line ends with one line and a non-zero exit.
// compare() runs on hand-made ParsedMail/RefMail values; the folding and ISO-2022-JP cases on real parses.
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as iconv from 'iconv-lite';
import { ACCEPTED, compare, foldingHabit, hostDecode, parseArgs, readWith, reference, report, type ParsedMail, type RefMail, type TextPart } from '../../host/mime-diff';
import * as sources from '../../src/mime';

const test = suite('mime-diff compare');
const ROOT = join(__dirname, '..', '..');

/** A plain part of the reader. */
const part = (text: string, over: Partial<TextPart> = {}): TextPart => ({
  type: 'text/plain',
  text,
  alternative: false,
  depth: 0,
  flags: [],
  charset: '',
  truncated: false,
  partPath: '1',
  size: text.length,
  ...over,
});

/** A mail as the reader reports it, and (ref) the same mail as mailparser does: they agree. */
function ours(over: Partial<ParsedMail> = {}): ParsedMail {
  return {
    subject: 'Hello',
    from: [{ name: 'Ann', address: 'ann@example.com' }],
    to: [{ name: '', address: 'bob@example.com' }],
    cc: [],
    replyTo: [],
    date: 'Fri, 19 Aug 2011 10:47:17 +0900',
    messageId: 'id-1@example.com',
    texts: [part('Hi Bob')],
    attachments: [],
    flags: [],
    headerFlags: [],
    headerSeen: true,
    ...over,
  };
}
function ref(over: Partial<RefMail> = {}): RefMail {
  return {
    subject: 'Hello',
    from: [{ name: 'Ann', address: 'ann@example.com' }],
    to: [{ name: '', address: 'bob@example.com' }],
    cc: [],
    replyTo: [],
    date: Date.UTC(2011, 7, 19, 1, 47, 17),
    messageId: '<id-1@example.com>',
    text: 'Hi Bob',
    html: '',
    attachments: [],
    ...over,
  };
}
/** The fields a comparison finds different, and those it accepts (field names only). */
function fields(a: ParsedMail, b: RefMail): { differ: string[]; accepted: string[] } {
  const c = compare(a, b);
  return { differ: c.notes.filter((n) => !n.reasons).map((n) => n.field), accepted: c.notes.filter((n) => n.reasons).map((n) => n.field) };
}
/** A string in a charset as the reader keeps it raw: one char per byte. */
const raw = (s: string, cs: string) => iconv.encode(s, cs).toString('latin1');
const att = (over: any = {}) => ({ name: 'a.pdf', rawName: 'a.pdf', type: 'application/pdf', size: 3, sha256: 'abc', flags: [], disposition: 'attachment', ...over });
const refAtt = (over: any = {}) => ({ name: 'a.pdf', type: 'application/pdf', size: 3, sha256: 'abc', ...over });

test('the baseline pair agrees with nothing accepted', () => {
  assert.equal(fields(ours(), ref()), { differ: [], accepted: [] });
});

test('charset-raw: a raw GB2312 subject that decodes on the host to mailparser\'s is accepted, one that does not is a DIFFER', () => {
  const flags = ['charset-raw:gb2312'];
  const c = compare(ours({ subject: raw('代开发票', 'gb2312'), headerFlags: flags }), ref({ subject: '代开发票' }));
  assert.equal(c.differ, []);
  assert.equal(c.notes[0].reasons, [`${ACCEPTED.charset} (gb2312)`]);
  assert.equal(fields(ours({ subject: raw('代开发票', 'gb2312'), headerFlags: flags }), ref({ subject: '别的主题' })).differ, ['subject']);
  // the same bytes without the reader's flag: nothing to excuse them
  assert.equal(fields(ours({ subject: raw('代开发票', 'gb2312') }), ref({ subject: '代开发票' })).differ, ['subject']);
  // a label the host does not know either
  assert.equal(fields(ours({ subject: raw('代开发票', 'gb2312'), headerFlags: ['charset-raw:x-nope'] }), ref({ subject: '代开发票' })).differ, ['subject']);
});

test('charset-raw in a header block is decided per field: a name that does not decode is a DIFFER beside an accepted subject', () => {
  const a = ours({ subject: raw('发票', 'gb2312'), from: [{ name: raw('张先生', 'gb2312'), address: 'z@example.com' }], headerFlags: ['charset-raw:gb2312'] });
  const b = ref({ subject: '发票', from: [{ name: '李先生', address: 'z@example.com' }] });
  assert.equal(fields(a, b), { differ: ['from'], accepted: ['subject'] });
  assert.equal(fields(a, { ...b, from: [{ name: '张先生', address: 'z@example.com' }] }), { differ: [], accepted: ['subject', 'from'] });
});

test('charset-raw on a text part excuses that part only: not a differing subject, not another part', () => {
  const rawPart = part(raw('中文', 'gb2312'), { flags: ['charset-raw:gb2312'], charset: 'gb2312' });
  assert.equal(fields(ours({ texts: [rawPart], subject: 'Hello' }), ref({ text: '中文', subject: 'Goodbye' })), { differ: ['subject'], accepted: ['text'] });
  const c = compare(ours({ texts: [rawPart] }), ref({ text: '中文' }));
  assert.equal(c.notes[0].reasons, [`part 1: ${ACCEPTED.charset} (gb2312)`]);
  // a second, plain part that differs is not excused by the raw one
  const two = ours({ texts: [rawPart, part('second', { partPath: '2' })] });
  assert.equal(fields(two, ref({ text: '中文\nsecond' })).differ, []);
  assert.equal(fields(two, ref({ text: '中文\nother' })), { differ: ['text'], accepted: [] });
  // a raw part whose host decoding is not mailparser's text
  assert.equal(fields(ours({ texts: [rawPart] }), ref({ text: '日本' })).differ, ['text']);
});

test('charset-raw on an HTML part excuses the html, and ISO-2022-JP decodes on the host as mailparser decodes it', async () => {
  const html = part(raw('<p>한국어</p>', 'euc-kr'), { type: 'text/html', flags: ['charset-raw:ks_c_5601-1987'], charset: 'ks_c_5601-1987' });
  assert.equal(fields(ours({ texts: [html] }), ref({ text: '', html: '<p>한국어</p>' })), { differ: [], accepted: ['html'] });
  assert.equal(fields(ours({ texts: [html] }), ref({ text: '', html: '<p>한국</p>' })).differ, ['html']);
  const mail = Buffer.from('Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\n\x1b$BF|K\\8l\x1b(B\r\n', 'latin1');
  const a = readWith(sources as any, mail, [mail.length]);
  const b = await reference(mail);
  assert.is(b.subject, '日本語');
  assert.is(hostDecode(a.subject, 'iso-2022-jp'), '日本語');
  assert.equal(fields(a, b).differ, []);
});

test('header-truncated excuses only the field that is a prefix of mailparser\'s', () => {
  const to = [
    { name: 'A', address: 'a@example.com' },
    { name: 'Bernhard', address: 'bernhard@example.com' },
  ];
  const cut = [
    { name: 'A', address: 'a@example.com' },
    { name: 'Bern', address: '' },
  ];
  const flags = ['header-truncated'];
  assert.equal(fields(ours({ to: cut, headerFlags: flags }), ref({ to })), { differ: [], accepted: ['to'] });
  // the flag is the block's: a subject that is no prefix is not excused by it
  assert.equal(fields(ours({ to: cut, subject: 'Hel?', headerFlags: flags }), ref({ to })), { differ: ['subject'], accepted: ['to'] });
  assert.equal(fields(ours({ subject: 'Hel', headerFlags: flags }), ref()).accepted, ['subject']);
  // a list whose last entry is not the start of mailparser's
  assert.equal(fields(ours({ to: [to[0], { name: 'Bern =?utf-8?Q?x', address: '' }], headerFlags: flags }), ref({ to })).differ, ['to']);
  // a prefix without the flag
  assert.equal(fields(ours({ subject: 'Hel' }), ref()).differ, ['subject']);
});

test('name-sanitised excuses only that attachment\'s name, when the raw name is mailparser\'s', () => {
  const a = ours({ attachments: [att({ name: 'x.pdf', rawName: '../x.pdf', flags: ['name-sanitised'] }), att({ name: 'b.pdf', rawName: 'b.pdf' })] });
  assert.equal(fields(a, ref({ attachments: [refAtt({ name: '../x.pdf' }), refAtt({ name: 'b.pdf' })] })), { differ: [], accepted: ['attachment[0].name'] });
  assert.equal(fields(a, ref({ attachments: [refAtt({ name: '../x.pdf' }), refAtt({ name: 'c.pdf' })] })).differ, ['attachment[1].name']);
  assert.equal(fields(a, ref({ attachments: [refAtt({ name: '../y.pdf' }), refAtt({ name: 'b.pdf' })] })).differ, ['attachment[0].name']);
});

test('mailparser\'s guessed type is accepted only when it is the guess from the name', () => {
  const a = ours({ attachments: [att({ type: 'application/octet-stream' })] });
  assert.equal(fields(a, ref({ attachments: [refAtt()] })).accepted, ['attachment[0].type']);
  assert.equal(fields(a, ref({ attachments: [refAtt({ type: 'image/png' })] })).differ, ['attachment[0].type']);
  assert.equal(fields(ours({ attachments: [att({ type: 'text/plain' })] }), ref({ attachments: [refAtt()] })).differ, ['attachment[0].type']);
});

test('bad-content-type: the flagged part is accepted as mailparser\'s attachment only when its bytes are that attachment', () => {
  const flagged = part('blah blah blah\n', { flags: ['bad-content-type'], size: 15 });
  const gz = { name: 'document.xml.gz', type: 'application-x-gzip', size: 15, sha256: 'x', content: Buffer.from('blah blah blah\n') };
  assert.equal(fields(ours({ texts: [flagged] }), ref({ text: '', attachments: [gz] })), { differ: [], accepted: ['text', 'mailparser attachment[0]'] });
  const other = { ...gz, content: Buffer.from('blah blah bleh\n') };
  assert.equal(fields(ours({ texts: [flagged] }), ref({ text: '', attachments: [other] })).differ, ['text', 'attachments.count']);
  // the flag on one part does not excuse another part's text
  assert.equal(fields(ours({ texts: [flagged, part('Hi', { partPath: '2' })] }), ref({ text: 'Hello', attachments: [gz] })).differ, ['text']);
});

test('header-8bit excuses a field only when the reader\'s value, written back as windows-1252 and read as UTF-8, is mailparser\'s', () => {
  const b = ref({ subject: 'Forma\ufffd\ufffdo' });
  assert.equal(fields(ours({ subject: 'Formação', headerFlags: ['header-8bit'] }), b).differ, []);
  assert.match(compare(ours({ subject: 'Formação', headerFlags: ['header-8bit'] }), b).accepted.join(), /header-8bit/);
  // without the flag, or with another value, a DIFFER
  assert.equal(fields(ours({ subject: 'Formação' }), b).differ, ['subject']);
  assert.equal(fields(ours({ subject: 'Formacao', headerFlags: ['header-8bit'] }), b).differ, ['subject']);
  assert.equal(fields(ours({ subject: 'Formação', headerFlags: ['header-8bit'] }), ref({ subject: 'Formação' })).differ, []);
  // address names too
  const from = [{ name: 'Jürgen', address: 'j@x' }];
  assert.equal(fields(ours({ from, headerFlags: ['header-8bit'] }), ref({ from: [{ name: 'J\ufffdrgen', address: 'j@x' }] })).differ, []);
  assert.equal(fields(ours({ from, headerFlags: ['header-8bit'] }), ref({ from: [{ name: 'J\ufffdrgen', address: 'k@x' }] })).differ, ['from']);
});

test('html, date, reply-to and message-id are compared', () => {
  const html = part('<p>Hi</p>', { type: 'text/html', partPath: '2', alternative: true });
  const alt = ours({ texts: [part('Hi', { alternative: true }), html] });
  assert.equal(fields(alt, ref({ text: 'Hi', html: '<p>Hi</p>' })).differ, []);
  assert.equal(fields(alt, ref({ text: 'Hi', html: '<p>Hello</p>' })).differ, ['html']);
  assert.equal(fields(ours(), ref({ html: '<p>Hi</p>' })).differ, ['html']);
  // the same instant written in another zone agrees; another instant does not
  assert.equal(fields(ours({ date: 'Thu, 18 Aug 2011 18:47:17 -0700 (PDT)' }), ref()).differ, []);
  assert.equal(fields(ours({ date: 'Fri, 19 Aug 2011 10:47:18 +0900' }), ref()).differ, ['date']);
  assert.equal(fields(ours({ date: '' }), ref()).differ, ['date']);
  // unparseable on both sides agrees, on one side only does not
  assert.equal(fields(ours({ date: 'someday' }), ref({ date: NaN })).differ, []);
  assert.equal(fields(ours({ date: 'someday' }), ref()).differ, ['date']);
  assert.equal(fields(ours(), ref({ date: NaN })).differ, ['date']);
  assert.equal(fields(ours({ date: '' }), ref({ date: undefined })).differ, []);
  const rt = [{ name: 'List', address: 'list@example.com' }];
  assert.equal(fields(ours({ replyTo: rt }), ref({ replyTo: rt })).differ, []);
  assert.equal(fields(ours({ replyTo: rt }), ref()).differ, ['replyTo']);
  assert.equal(fields(ours({ messageId: 'id-2@example.com' }), ref()).differ, ['messageId']);
  assert.equal(fields(ours({ messageId: '' }), ref({ messageId: '' })).differ, []);
});

test('an unparseable Date is unparseable on both sides of a real parse (mailparser gives the current time)', async () => {
  const mail = Buffer.from('Date: someday soon\r\nSubject: s\r\n\r\nbody\r\n');
  const a = readWith(sources as any, mail, [mail.length]);
  const b = await reference(mail);
  assert.ok(Number.isNaN(b.date));
  assert.is(a.date, 'someday soon');
  assert.equal(fields(a, b).differ, []);
});

test('a subject folded with a tab: the reader unfolds per RFC 5322, mailparser makes the fold one space; accepted as its habit', async () => {
  const mail = Buffer.from('Subject: a\r\n\tb\r\n\r\nbody\r\n');
  const a = readWith(sources as any, mail, [mail.length]);
  const b = await reference(mail);
  assert.is(a.subject, 'a\tb');
  assert.is(b.subject, 'a b');
  const c = compare(a, b);
  assert.equal(c.differ, []);
  assert.equal(c.notes.map((n) => [n.field, n.reasons]), [['subject', [ACCEPTED.folding]]]);
});

test('the folding habit covers white space only, and only where mailparser has less of it', () => {
  assert.ok(foldingHabit('a \tb', 'a  b'));
  assert.ok(foldingHabit('Re: TEST \tx', 'Re: TEST  x'));
  assert.not.ok(foldingHabit('a b', 'a b'), 'equal is no difference');
  assert.not.ok(foldingHabit('a\tb', 'a\tc'), 'a word differs');
  assert.not.ok(foldingHabit('a b', 'a  b'), 'mailparser never adds white space');
  assert.not.ok(foldingHabit('ab', 'a b'));
  assert.equal(fields(ours({ subject: 'a\tb' }), ref({ subject: 'a c' })).differ, ['subject']);
  assert.equal(fields(ours({ subject: 'a\tb' }), ref({ subject: 'a b' })).accepted, ['subject']);
});

test('--verbose reports every difference with both values, one block per mail', () => {
  const c = compare(ours({ subject: 'x', attachments: [att({ name: 'x.pdf', rawName: '../x.pdf', flags: ['name-sanitised'] })] }), ref({ attachments: [refAtt({ name: '../x.pdf' })] }));
  const block = report({ file: 'm.eml', agree: false, differ: c.differ, accepted: c.accepted, notes: c.notes }, true).split('\n');
  assert.is(block[0], 'DIFFER m.eml');
  assert.ok(block.some((l) => l.includes('differs ') && l.includes('subject')));
  assert.ok(block.some((l) => l.includes('board:') && l.includes('"x"')));
  assert.ok(block.some((l) => l.includes('mailparser:') && l.includes('"Hello"')));
  assert.ok(block.some((l) => l.includes('accepted') && l.includes('attachment[0].name') && l.includes('sanitised')));
  assert.is(report({ file: 'm.eml', agree: false, differ: c.differ, accepted: c.accepted, notes: c.notes }, false).split('\n').length, 1);
});

test('a wrong command line: one clear line, a non-zero exit, no stack trace', () => {
  assert.throws(() => parseArgs([]), /no folder/);
  assert.throws(() => parseArgs(['package.json']), /not a folder/);
  assert.throws(() => parseArgs(['test', '--nope']), /unknown option --nope/);
  assert.throws(() => parseArgs(['test', '--board']), /--board needs/);
  assert.throws(() => parseArgs(['nowhere']), /no such folder/);
  assert.equal(parseArgs(['test', '--board', 'pico', '--verbose']), { folder: 'test', sources: false, board: 'pico', verbose: true });
  for (const args of [[], ['package.json'], ['test/mime', '--nope'], ['test/mime', '--board', 'nope']]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('host', 'mime-diff.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const lines = r.stderr.trim().split('\n');
    assert.ok(r.status !== 0, `${args.join(' ')}: exit ${r.status}`);
    assert.is(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], /^mime-diff: /);
    assert.is(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

test.run();
