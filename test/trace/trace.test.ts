// The AT session as a picture (host/trace): a real session (the client, the emulator, Dovecot and the SMTP server)
// recorded and written as one HTML page, checked as markup (steps, times, sizes instead of data, errors highlighted,
// everything escaped, nothing external), then rendered by headless Chromium and checked as pixels (the timeline's
// lanes hold the steps' colours and the error markers, error rows are highlighted). Also the page of
// `npm run demo -- --trace` and of `npm run emulator -- --trace` (written while it runs and when it stops).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim900Emulator } from '../../host/emulator';
import { startMailServers, type MailServers } from '../../host/servers';
import { COLORS, recordSession, redactSecrets, traceHtml, STEPS, isRun, type TraceRecorder, type TraceEvent } from '../../host/trace';
import { collector, startWorld, type World } from '../helpers/world';
import { countColour, inked, readPng, rgb, type Image } from './png';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'sim900-trace-'));
// TRACE_TEST_KEEP=1 leaves the pages and screenshots in that folder (its path printed at the end)
const keep = !!process.env.TRACE_TEST_KEEP;

// deterministic attachment bytes (xorshift)
const attachment = Buffer.alloc(5000);
for (let i = 0, x = 0x1234567; i < attachment.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  attachment[i] = x & 255;
}
// a body and a text that look like module answers: echoed at the prompt and read back as counted data, they must
// never become events (nor their text appear on the page)
const BODY = 'BODY-SECRET-7Q\r\nERROR\r\n+CME ERROR: 3\r\n+SMTPSEND: 68\r\nOK';
const INJECTED = '<b>injected</b> & "quoted" \'single\' \x01\xff';

let servers: MailServers;
let w: World;
let rec: TraceRecorder;
let html = '';
let htmlFile = '';
let retrieved: Buffer = Buffer.alloc(0);

function events(): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const i of rec.items()) out.push(...(isRun(i) ? i.head.concat(i.tail) : [i]));
  return out;
}

const settle = async () => {
  await w.emu.drained();
  await new Promise((r) => setTimeout(r, 30));
};

// (uvu reports a failing before hook only as failed tests: say why)
test.before(async () => {
  try {
    await session();
  } catch (e) {
    console.error('the traced session failed:', e);
    throw e;
  }
});

async function session(): Promise<void> {
  servers = await startMailServers();
  servers.smtp.rejectRecipients.add('nobody@example.org');
  w = await startWorld({ reuse: servers });
  rec = recordSession(w.emu);
  // a probe as a bring-up does it
  await new Promise((r) => (w.mail as any).at.send({ line: 'AT+CSQ' }, r));
  await w.mail.sendMail({ to: 'alice@example.org', subject: 'Camera <1> & gate', body: BODY, attachment: { name: 'cam.jpg', data: new Uint8Array(attachment) } });
  // a refused recipient: +SMTPSEND: 68
  const refused = await w.mail.sendMail({ to: 'nobody@example.org', subject: 'x', body: 'y' }).then(
    () => null,
    (e: any) => e.code,
  );
  assert.is(refused, 'E_SMTP_BAD_RECIPIENT');
  // an unknown command: ERROR
  const unknown = await new Promise((r) => (w.mail as any).at.send({ line: 'AT+NOSUCH=1' }, (e: any) => r(e && e.code)));
  assert.is(unknown, 'E_ERROR');
  // module output with markup in it, while no command runs
  await settle();
  w.emu.injectUrc(INJECTED);
  await settle();
  const box = await w.mail.pop3Login();
  const { count } = await box.count();
  assert.is(count, 1);
  const c = collector();
  await box.retrieve(1, c.sink);
  retrieved = c.buffer();
  await box.remove(1);
  await box.logout();
  await settle();
  // the module restarts: a note, then the boot URCs
  const booted = new Promise<void>((r) => w.emu.once('booted', () => r()));
  w.emu.reset();
  await booted;
  await settle();
  html = traceHtml(rec, { title: 'trace test <session>' });
  htmlFile = join(dir, 'session.html');
  writeFileSync(htmlFile, html);
}

test.after(async () => {
  if (rec) rec.detach();
  if (w) await w.stop();
  if (servers) await servers.stop();
  if (keep) console.log(`pages and screenshots kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

test('the recorder: commands, answers, URCs and counted data with their steps; data as sizes only', () => {
  const ev = events();
  const st = rec.stats();
  // every step of the job is there, each with its commands or URCs
  for (const s of STEPS) assert.ok(ev.some((e) => e.step === s.id), `step ${s.id} recorded`);
  const cmd = (re: RegExp) => ev.find((e) => e.kind === 'cmd' && re.test(e.text));
  assert.is(cmd(/^AT\+SAPBR=1,1$/)!.step, 'bearer');
  assert.is(cmd(/^AT\+SMTPSRV=/)!.step, 'smtp-settings');
  assert.is(cmd(/^AT\+SMTPBODY$/)!.step, 'body');
  assert.is(cmd(/^AT\+SMTPSEND$/)!.step, 'send');
  assert.is(cmd(/^AT\+SMTPFT=\d+$/)!.step, 'attachment');
  assert.is(cmd(/^AT\+POP3IN$/)!.step, 'pop3-login');
  assert.is(cmd(/^AT\+POP3READ=\d+$/)!.step, 'retrieve');
  assert.is(cmd(/^AT\+POP3OUT$/)!.step, 'logout');
  // the password is not on the page
  assert.match(cmd(/^AT\+SMTPAUTH=/)!.text, /,"\*\*\*"$/);
  assert.ok(servers.pop3.password.length >= 4);
  assert.not.ok(ev.some((e) => e.text.indexOf(servers.pop3.password) >= 0));
  // the body typed at the prompt: a size, after the "> " prompt
  const body = ev.find((e) => e.kind === 'data' && e.dir === 'host' && e.step === 'body')!;
  assert.is(body.text, `body ${BODY.length} bytes + Ctrl-Z`);
  assert.ok(ev.some((e) => e.kind === 'prompt' && e.text === '> '));
  // the attachment: base64 text in AT+SMTPFT chunks, folded into one run
  const up = rec.items().filter(isRun).find((r) => r.run === 'smtpft')!;
  assert.ok(up, 'an attachment run');
  const b64 = Math.ceil(attachment.length / 3) * 4;
  assert.ok(up.bytes >= b64 && up.bytes <= b64 + 2 * Math.ceil(b64 / 76), `${up.bytes} attachment bytes (base64 in lines)`);
  assert.is(st.dataUp, up.bytes);
  assert.ok(up.blocks >= 3, `${up.blocks} attachment blocks`);
  assert.ok(up.head.some((e) => /^attachment data \d+ bytes$/.test(e.text)));
  // the read-back: "+POP3READ: <1|2>,<n> / data <n> bytes", as many bytes as the client got (+ the final ".")
  const down = rec.items().filter(isRun).find((r) => r.run === 'pop3read')!;
  assert.ok(down, 'a POP3READ run');
  assert.ok(down.head.some((e) => /^\+POP3READ: 1,(\d+) \/ data \1 bytes$/.test(e.text)));
  assert.ok(down.tail.some((e) => /^\+POP3READ: 2,(\d+) \/ data \1 bytes$/.test(e.text)));
  assert.ok(down.bytes >= retrieved.length && down.bytes <= retrieved.length + 3 + 200, `${down.bytes} bytes read for ${retrieved.length}`);
  assert.is(st.dataDown, down.bytes);
  // nothing that was data became an event: the echoed body and the mail read back hold "ERROR", "+CME ERROR: 3"...
  assert.not.ok(ev.some((e) => /BODY-SECRET|CME ERROR: 3/.test(e.text)));
  assert.is(ev.filter((e) => e.text === '+SMTPSEND: 68').length, 1);
  // errors: the refused recipient, the unknown command; the reset is a warning
  const errs = ev.filter((e) => e.error);
  assert.ok(errs.some((e) => e.kind === 'urc' && e.text === '+SMTPSEND: 68' && e.step === 'send'));
  const i = ev.findIndex((e) => e.text === 'AT+NOSUCH=1');
  assert.equal([ev[i + 1].kind, ev[i + 1].text, ev[i + 1].error], ['final', 'ERROR', true]);
  assert.ok(errs.every((e) => e.text === 'ERROR' || e.text === '+SMTPSEND: 68'), errs.map((e) => e.text).join(', '));
  assert.ok(ev.some((e) => e.kind === 'note' && e.text === 'module reset' && e.warn));
  assert.ok(ev.some((e) => e.kind === 'urc' && e.text === 'RDY' && e.warn && e.step === 'bring-up'));
  // the injected line, as the module sent it
  assert.ok(ev.some((e) => e.kind === 'urc' && e.text === INJECTED));
  // times: ms from the start, in order for the lines
  let last = -1;
  for (const e of ev.filter((x) => x.kind !== 'data')) {
    assert.ok(e.t >= last - 1e-9, `time order at ${e.text}`);
    last = e.t;
  }
  assert.ok(st.duration >= last && st.duration < 60000);
});

test('the page: self-contained, steps labelled, sizes shown, errors highlighted, every text escaped', () => {
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.trimEnd().endsWith('</html>'));
  // nothing external, no script
  assert.not.match(html, /<script|<link|<img|<iframe|src=|href=|@import|url\(\s*['"]?(https?:|\/\/|file:)/i);
  assert.not.match(html.replace('xmlns="http://www.w3.org/2000/svg"', ''), /https?:\/\//);
  assert.match(html, /<svg [^>]*class="timeline"/);
  // the steps label their sections
  for (const s of STEPS) assert.match(html, new RegExp(`<section class="phase step-${s.id}"`), s.id);
  for (const l of ['bring-up', 'bearer (SAPBR)', 'SMTP settings', 'body', 'send', 'attachment (SMTPFT)', 'POP3 log-in', 'list/retrieve', 'log-out']) {
    assert.match(html, new RegExp(`<span class="chip"[^>]*>${l.replace(/[()/+]/g, '\\$&')}</span>`), l);
  }
  // rows: time in ms, the host's command, the module's answer
  assert.match(html, /<tr class="host cmd"><td class="t">\d+<\/td><td class="h"><code>AT\+SAPBR=1,1<\/code><\/td>/);
  assert.match(html, /<tr class="module final"><td class="t">\d+<\/td><td class="h"><\/td><td class="a">&#8592;<\/td><td class="m"><code>OK<\/code>/);
  assert.match(html, /<span class="tag data">DATA<\/span> body \d+ bytes \+ Ctrl-Z/);
  assert.match(html, /<span class="tag data">DATA<\/span> attachment data \d+ bytes/);
  assert.match(html, /<span class="tag data">DATA<\/span> \+POP3READ: 1,\d+ \/ data \d+ bytes/);
  assert.match(html, /<span class="tag data">DATA RUN<\/span> attachment data host &#8594; module: \d+ blocks/);
  // errors highlighted
  assert.match(html, /<tr class="module final err"><td class="t">\d+<\/td><td class="h"><\/td><td class="a">&#8592;<\/td><td class="m"><code>ERROR<\/code>/);
  assert.match(html, /<tr class="module urc err">.*<span class="tag error">ERROR<\/span> <span class="tag urc">URC<\/span> \+SMTPSEND: 68/);
  assert.match(html, /<tr class="note note warn">.*module reset/);
  assert.match(html, new RegExp(`<circle [^>]*fill="${COLORS.error}"`));
  // escaped: the injected URC, the subject, the title
  assert.ok(html.includes('&lt;b&gt;injected&lt;/b&gt; &amp; &quot;quoted&quot; &#39;single&#39; \\x01\\xFF'));
  assert.not.ok(html.includes('<b>injected'));
  assert.ok(html.includes('AT+SMTPSUB=&quot;Camera &lt;1&gt; &amp; gate&quot;'));
  assert.ok(html.includes('<title>trace test &lt;session&gt;</title>'));
  // only the page's own tags: every "<" opens a known element
  const tags = new Set((html.match(/<\/?([a-zA-Z0-9]+)/g) || []).map((t) => t.replace(/[</]/g, '').toLowerCase()));
  const allowed = 'html head meta title style body h1 h2 p b i ul li svg defs pattern rect line text circle section table colgroup col tr td span code details summary'.split(' ');
  for (const t of tags) assert.ok(allowed.includes(t), `unexpected element <${t}>`);
  // no data: neither the body nor the attachment (as bytes or base64) nor the password
  assert.not.ok(html.includes('BODY-SECRET'));
  const b64 = attachment.toString('base64');
  for (let at = 0; at + 24 <= b64.length; at += 500) assert.not.ok(html.includes(b64.substr(at, 24)), 'base64 of the attachment');
  assert.not.ok(html.includes(servers.pop3.password));
});

test('the recorder on a bare emulator: echo on (lines and the body at the prompt), A/, ATV0, +CME ERROR, +POP3IN: 61', async () => {
  const emu = new Sim900Emulator({ sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0, seed: 1 });
  const r = recordSession(emu);
  let out = '';
  emu.on('output', (b: Buffer) => (out += b.toString('latin1')));
  const wait = async (re: RegExp) => {
    for (let i = 0; i < 300 && !re.test(out); i++) await new Promise((res) => setTimeout(res, 10));
    assert.match(out, re);
    out = '';
  };
  try {
    await new Promise<void>((res) => emu.once('booted', () => res()));
    await emu.drained();
    emu.input('AT+CMEE=2\r');
    await wait(/OK\r\n$/);
    emu.input('AT+SAPBR=1,1\r');
    await wait(/OK\r\n$/);
    emu.input('AT+SAPBR=1,1\r');
    await wait(/\+CME ERROR: operation not allowed\r\n$/);
    emu.input('AT+SMTPBODY\r');
    await wait(/> $/);
    // typed in two pieces, echoed back: answers in the body are not the module's
    emu.input('SECRET line\r\nERROR\r\n');
    await new Promise((res) => setTimeout(res, 30));
    emu.input('+SMTPSEND: 68\r\nOK\x1a');
    await wait(/OK\r\n$/);
    emu.input('A/');
    await wait(/> $/);
    emu.input('\x1b');
    await wait(/OK\r\n$/);
    emu.input('hello\r');
    await new Promise((res) => setTimeout(res, 30));
    emu.input('AT+POP3SRV="mail.example.org","u","pw",110\r');
    await wait(/OK\r\n$/);
    emu.loseBearer(1);
    await wait(/DEACT\r\n$/);
    emu.input('AT+POP3IN\r');
    await wait(/\+POP3IN: 61\r\n$/);
    emu.input('ATV0\r');
    await wait(/0\r$/);
    emu.input('AT+NOPE\r');
    await wait(/4\r$/);
    await emu.drained();
    const ev = r.items().filter((i): i is TraceEvent => !isRun(i));
    const seq = ev.map((e) => `${e.dir} ${e.kind}${e.error ? ' E' : e.warn ? ' W' : ''}: ${e.text}`);
    assert.equal(seq.slice(5), [
      'host cmd: AT+CMEE=2',
      'module final: OK',
      'host cmd: AT+SAPBR=1,1',
      'module final: OK',
      'host cmd: AT+SAPBR=1,1',
      'module final E: +CME ERROR: operation not allowed',
      'host cmd: AT+SMTPBODY',
      'module prompt: > ',
      'host data: body 37 bytes + Ctrl-Z',
      'module final: OK',
      'host cmd: A/ (AT+SMTPBODY)',
      'module prompt: > ',
      'host data: ESC after 0 bytes of body (cancelled)',
      'module final: OK',
      'host text W: 5 bytes that are no AT command (ignored by the module)',
      'host cmd: AT+POP3SRV="mail.example.org","u","***",110',
      'module final: OK',
      'module urc W: +SAPBR 1: DEACT',
      'host cmd: AT+POP3IN',
      'module final: OK',
      'module urc E: +POP3IN: 61',
      'host cmd: ATV0',
      'module final: 0',
      'host cmd: AT+NOPE',
      'module final E: 4',
    ]);
    assert.equal(seq.slice(0, 5), ['module urc: RDY', 'module urc: +CFUN: 1', 'module urc: +CPIN: READY', 'module urc: Call Ready', 'module urc: SMS Ready']);
    assert.equal(ev.slice(5).map((e) => e.step).filter((x, i, a) => a.indexOf(x) === i), ['bring-up', 'bearer', 'body', 'pop3-login']);
    const page = traceHtml(r);
    assert.match(page, /<tr class="module final err">.*<code>\+CME ERROR: operation not allowed<\/code>/);
    assert.match(page, /<tr class="module urc err">.*\+POP3IN: 61/);
    assert.not.match(page, /SECRET/);
  } finally {
    r.detach();
    emu.close();
  }
});

test('sim800 dialect: AT+SMTPBODY=<len>, DOWNLOAD, the counted body as its size; passwords masked', async () => {
  const emu = new Sim900Emulator({ dialect: 'sim800', seed: 1 });
  const r = recordSession(emu);
  let out = '';
  emu.on('output', (b: Buffer) => (out += b.toString('latin1')));
  try {
    await new Promise<void>((res) => emu.once('booted', () => res()));
    await emu.drained();
    emu.input('ATE0\r');
    for (let i = 0; i < 200 && !/OK\r\n$/.test(out); i++) await new Promise((res) => setTimeout(res, 10));
    emu.input('AT+SMTPBODY=12\r');
    for (let i = 0; i < 200 && !/DOWNLOAD\r\n$/.test(out); i++) await new Promise((res) => setTimeout(res, 10));
    emu.input('ERROR\r\nOK\r\n'); // 11 bytes: the 12th comes later
    await new Promise((res) => setTimeout(res, 30));
    emu.input('x');
    for (let i = 0; i < 200 && (out.match(/OK\r\n/g) || []).length < 2; i++) await new Promise((res) => setTimeout(res, 10));
    emu.input('AT+SAPBR=3,1,"PWD","apn-secret"\r');
    for (let i = 0; i < 200 && (out.match(/OK\r\n/g) || []).length < 3; i++) await new Promise((res) => setTimeout(res, 10));
    await emu.drained();
    const seq = r
      .items()
      .filter((i): i is TraceEvent => !isRun(i))
      .slice(5)
      .map((e) => `${e.dir} ${e.kind}${e.error ? ' E' : ''}: ${e.text}`);
    assert.equal(seq, [
      'host cmd: ATE0',
      'module final: OK',
      'host cmd: AT+SMTPBODY=12',
      'module prompt: DOWNLOAD',
      'host data: DOWNLOAD 12 bytes',
      'module final: OK',
      'host cmd: AT+SAPBR=3,1,"PWD","***"',
      'module final: OK',
    ]);
  } finally {
    r.detach();
    emu.close();
  }
  assert.is(redactSecrets('AT+SMTPAUTH=1,"u","p,w"'), 'AT+SMTPAUTH=1,"u","***"');
  assert.is(redactSecrets('AT+POP3SRV="h","u",pw,110'), 'AT+POP3SRV="h","u","***",110');
  assert.is(redactSecrets('AT+SAPBR=3,1,"APN","internet"'), 'AT+SAPBR=3,1,"APN","internet"');
  assert.is(redactSecrets('+SMTPAUTH: 1,"u","pw"'), '+SMTPAUTH: 1,"u","***"');
  assert.is(redactSecrets('+SMTPAUTH: (0,1),32,32'), '+SMTPAUTH: (0,1),32,32');
  assert.is(redactSecrets('+POP3SRV: "h","u","pw",110'), '+POP3SRV: "h","u","***",110');
  assert.is(redactSecrets('PWD: abc'), 'PWD: ***');
});

test('faults: noise URCs between lines, a reset inside a counted POP3READ block (the data cut short, the boot URCs after it)', async () => {
  const w2 = await startWorld({ reuse: servers, emulator: { seed: 2, chunkMax: 5, faults: { noiseRate: 0.3 } } as any });
  const r = recordSession(w2.emu);
  try {
    const text = 'SECRET-ATT\r\n+CME ERROR: 3\r\nRDY\r\nOK\r\n'.repeat(100);
    await w2.mail.sendMail({ to: 'alice@example.org', subject: 'faults', body: 'b', attachment: { name: 'a.txt', data: text, type: 'text' } });
    // from now on every AT+POP3READ block is cut by a reset
    (w2.emu.opts.faults as any).resetInDataRate = 1;
    const booted = new Promise<void>((res) => w2.emu.once('booted', () => res()));
    const code = await w2.mail.pop3Login().then(
      (box: any) => box.retrieve(1, () => undefined).then(() => null, (e: any) => e.code),
      (e: any) => 'login ' + e.code,
    );
    assert.is(code, 'E_RESET');
    await booted;
    await w2.emu.drained();
    const ev: TraceEvent[] = [];
    for (const i of r.items()) ev.push(...(isRun(i) ? i.head.concat(i.tail) : [i]));
    assert.ok(ev.filter((e) => e.kind === 'urc' && w2.emu.opts.faults.noiseUrcs.indexOf(e.text) >= 0).length >= 3, 'noise URCs recorded');
    const k = ev.findIndex((e) => e.kind === 'data' && e.dir === 'module');
    assert.ok(k > 0, 'a POP3READ block');
    assert.match(ev[k].text, /^\+POP3READ: 1,1460 \/ data cut after (\d+) of 1460 bytes$/);
    assert.ok(ev[k].warn);
    assert.ok(ev.slice(k + 1).some((e) => e.kind === 'urc' && e.text === 'RDY' && e.warn), 'RDY after the cut block');
    assert.ok(ev.slice(k + 1).some((e) => e.kind === 'urc' && e.text === 'Call Ready'));
    assert.ok(ev.some((e) => e.kind === 'note' && e.text === 'module reset'));
    // nothing of the data became an event
    assert.not.ok(ev.some((e) => /SECRET|CME ERROR: 3/.test(e.text)));
    assert.is(ev.filter((e) => e.text === 'RDY').length, 1);
    assert.not.match(traceHtml(r), /SECRET/);
  } finally {
    r.detach();
    await w2.stop();
  }
});

/** Renders `file` in headless Chromium at 1200 x 2000; the screenshot. */
function screenshot(file: string): Image {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash host/servers/install-deps.sh\` (it installs Debian's chromium)`);
  const png = file.replace(/\.html$/, '.png');
  const r = spawnSync(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${join(dir, 'chromium-profile')}`, `--screenshot=${png}`, '--window-size=1200,2000', `file://${file}`],
    { encoding: 'utf8', timeout: 120000, env: { ...process.env, HOME: dir } },
  );
  assert.ok(existsSync(png), `chromium wrote no screenshot (exit ${r.status}): ${(r.stderr || '').slice(-1500)}`);
  return readPng(readFileSync(png));
}

/** The bounding box of the pixels of the colours `hex`. */
function box(img: Image, ...hex: string[]): { x0: number; y0: number; x1: number; y1: number } {
  const cs = hex.map(rgb);
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const p = (y * img.width + x) * 4;
      if (cs.some(([r, g, b]) => img.rgba[p] === r && img.rgba[p + 1] === g && img.rgba[p + 2] === b)) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return { x0, y0, x1, y1 };
}

function crop(img: Image, b: { x0: number; y0: number; x1: number; y1: number }): Image {
  const width = b.x1 - b.x0 + 1;
  const height = b.y1 - b.y0 + 1;
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) img.rgba.copy(rgba, y * width * 4, ((b.y0 + y) * img.width + b.x0) * 4, ((b.y0 + y) * img.width + b.x1 + 1) * 4);
  return { width, height, rgba };
}

test('headless Chromium draws the session: the timeline holds every step and the errors, error rows are red', () => {
  const img = screenshot(htmlFile);
  assert.is(img.width, 1200);
  assert.is(img.height, 2000);
  const all = img.width * img.height;
  const ink = inked(img);
  assert.ok(ink > all * 0.03 && ink < all * 0.9, `not blank: ${ink} of ${all} pixels inked`);
  // the timeline: its lanes alternate #fbfbfc and #f4f5f7, 22 px high: the #f4f5f7 ones are the 2nd to the 8th of 9
  // (#fbfbfc is too near white to look for); inside them, each step's colour and the error markers
  const inner = box(img, '#f4f5f7');
  const lanes = { x0: inner.x0, y0: inner.y0 - 22, x1: inner.x1, y1: inner.y1 + 22 };
  assert.ok(lanes.x1 - lanes.x0 > 900 && lanes.y1 - lanes.y0 > 150 && lanes.y0 < 300, `timeline lanes at ${JSON.stringify(lanes)}`);
  const plot = crop(img, lanes);
  for (const s of STEPS) {
    const n = countColour(plot, COLORS[s.id], 4);
    assert.ok(n >= 30, `step ${s.id} (${COLORS[s.id]}) drawn in the timeline: ${n} pixels`);
  }
  const red = countColour(plot, COLORS.error, 4);
  assert.ok(red >= 200, `error markers in the timeline: ${red} pixels`);
  assert.ok(countColour(plot, COLORS.warn, 4) >= 100, 'the reset marked in the timeline');
  // below it: the rows, error rows on their highlight colour
  const rows = crop(img, { x0: 0, y0: lanes.y1 + 1, x1: img.width - 1, y1: img.height - 1 });
  const errBg = countColour(rows, COLORS.errorBg, 2);
  assert.ok(errBg >= 5000, `highlighted error rows: ${errBg} pixels`);
  assert.ok(countColour(rows, COLORS['smtp-settings'], 4) >= 500, 'step sections drawn');
});

test('npm run demo -- --trace <file>: the page of the whole job', () => {
  const file = join(dir, 'demo.html');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'host/demo.ts', '--trace', file], { encoding: 'utf8', timeout: 240000 });
  const out = (r.stdout || '') + (r.stderr || '');
  assert.is(r.status, 0, out.slice(-3000));
  const lines = (r.stdout || '').trim().split('\n');
  assert.match(lines[lines.length - 1], /^demo ok: sent 49152 bytes, retrieved 49152 bytes, sha256 match$/);
  const size = statSync(file).size;
  assert.match(out, new RegExp(`trace: ${file.replace(/[.]/g, '\\.')} \\(${size} bytes; \\d+ commands, \\d+ errors, [\\d.]+ s\\)`));
  const page = readFileSync(file, 'utf8');
  assert.ok(size < 400 * 1024, `the page is ${size} bytes`);
  for (const s of STEPS) assert.match(page, new RegExp(`<section class="phase step-${s.id}"`), s.id);
  // the boot URCs, from before the board's first command
  assert.match(page, /<span class="tag urc">URC<\/span> RDY/);
  // the 48 KB picture: base64 in AT+SMTPFT chunks, read back with AT+POP3READ, each folded into a run
  const run = (what: string) => new RegExp(`<span class="tag data">DATA RUN</span> ${what}: (\\d+) blocks, ([\\d\\u202f]+) bytes`).exec(page);
  const up = run('attachment data host &#8594; module');
  const down = run('\\+POP3READ data module &#8594; host');
  assert.ok(up && down, 'both runs');
  const b64 = Math.ceil(49152 / 3) * 4;
  const sent = Number(up![2].replace(/\u202f/g, ''));
  assert.ok(sent >= b64 && sent <= b64 + 2 * Math.ceil(b64 / 76), `${sent} attachment bytes`);
  assert.ok(Number(down![2].replace(/\u202f/g, '')) > 65536);
  assert.not.match(page, /<script/i);
  const img = screenshot(file);
  assert.ok(inked(img) > img.width * img.height * 0.03);
  assert.ok(countColour(img, COLORS.attachment, 4) >= 100 && countColour(img, COLORS.retrieve, 4) >= 100);
});

test('npm run emulator -- --trace <file>: written while it runs and when it stops', async () => {
  const file = join(dir, 'cli.html');
  const p = spawn(process.execPath, ['--import', 'tsx', 'host/emulator/cli.ts', '--tcp', '0', '--trace', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (b) => (err += b));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no port: ${err}`)), 30000);
      p.stderr!.on('data', () => {
        const m = /on tcp 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) clearTimeout(t), resolve(Number(m[1]));
      });
    });
    const s = createConnection(port, '127.0.0.1');
    let got = '';
    s.on('data', (b) => (got += b.toString('latin1')));
    const until = async (re: RegExp) => {
      for (let i = 0; i < 300 && !re.test(got); i++) await new Promise((r) => setTimeout(r, 20));
      assert.match(got, re);
    };
    await until(/SMS Ready/);
    s.write('AT+CSQ\r');
    await until(/\+CSQ: .*\r\n\r\nOK\r\n/);
    s.write('AT+BOGUS\r');
    await until(/ERROR\r\n/);
    // rewritten after the final results (at most once a second): the page has them before the emulator stops
    let page = '';
    for (let i = 0; i < 100 && !/AT\+BOGUS/.test(page); i++) {
      await new Promise((r) => setTimeout(r, 50));
      page = existsSync(file) ? readFileSync(file, 'utf8') : '';
    }
    assert.match(page, /<code>AT\+BOGUS<\/code>/);
    s.write('ATI\r');
    await until(/SIM900.*\r\n\r\nOK\r\n/);
    s.destroy();
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
    page = readFileSync(file, 'utf8');
    assert.match(err, /trace written to/);
    assert.match(page, /<tr class="module final err">.*<code>ERROR<\/code>/);
    assert.match(page, /<code>ATI<\/code>/);
    assert.match(page, /<span class="tag urc">URC<\/span> Call Ready/);
  } finally {
    if (p.exitCode === null) p.kill('SIGKILL');
  }
});

test.run();
