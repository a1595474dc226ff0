// The SMTP server alone: AUTH, recipient rejection, and every fault hook, seen on the wire by a raw client.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startSmtp, checkFault, type SmtpHandle, type SmtpOptions } from '../../host/servers';
import { SmtpLine } from './smtp-line';

async function session(s: SmtpHandle): Promise<SmtpLine> {
  const c = SmtpLine.plain('127.0.0.1', s.port);
  const g = await c.reply();
  assert.match(g, /^220 /);
  return c;
}

const plain = (u: string, p: string) => 'AUTH PLAIN ' + Buffer.from(`\0${u}\0${p}`).toString('base64');
const b64 = (x: string) => Buffer.from(x).toString('base64');

const started: SmtpHandle[] = [];
async function start(o: SmtpOptions = {}): Promise<SmtpHandle> {
  const s = await startSmtp(o);
  started.push(s);
  return s;
}

const auth = suite('servers: SMTP AUTH and recipients');
auth.after(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

auth('no auth configured: AUTH is not offered and mail is accepted without it', async () => {
  const s = await start();
  const c = await session(s);
  const ehlo = await c.cmd('EHLO board');
  assert.not.match(ehlo, /AUTH/);
  assert.not.match(ehlo, /STARTTLS/);
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  assert.match(await c.cmd('Subject: hi\r\n\r\nbody\r\n.'), /^250 /);
  assert.match(await c.cmd('QUIT'), /^221 /);
  c.close();
  assert.equal(s.received.length, 1);
  assert.equal(s.received[0].raw.toString(), 'Subject: hi\r\n\r\nbody\r\n');
  assert.equal(s.received[0].helo, 'board');
  assert.equal(s.received[0].auth, undefined);
});

auth('auth required: MAIL before AUTH gets 530; wrong password 535; PLAIN and LOGIN both work', async () => {
  const s = await start({ auth: { user: 'u1', password: 'p1' } });
  const c = await session(s);
  const ehlo = await c.cmd('EHLO board');
  assert.match(ehlo, /AUTH PLAIN LOGIN/);
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^530 /);
  assert.match(await c.cmd(plain('u1', 'wrong')), /^535 /);
  assert.match(await c.cmd(plain('nobody', 'p1')), /^535 /);
  assert.match(await c.cmd(plain('u1', 'p1')), /^235 /);
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  c.close();

  const l = await session(s);
  await l.cmd('EHLO board');
  assert.match(await l.cmd('AUTH LOGIN'), /^334 VXNlcm5hbWU6/); // "Username:"
  assert.match(await l.cmd(b64('u1')), /^334 UGFzc3dvcmQ6/); // "Password:"
  assert.match(await l.cmd(b64('p1')), /^235 /);
  assert.match(await l.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  assert.match(await l.cmd('RCPT TO:<b@example.com>'), /^250 /);
  assert.match(await l.cmd('DATA'), /^354 /);
  assert.match(await l.cmd('x: y\r\n\r\nz\r\n.'), /^250 /);
  l.close();
  assert.equal(s.received.length, 1);
  assert.equal(s.received[0].auth, { user: 'u1', method: 'LOGIN' });

  // nodemailer with wrong credentials is refused too
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.port, ignoreTLS: true, auth: { user: 'u1', pass: 'bad' } } as any);
  try {
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' });
    assert.unreachable('should have been refused');
  } catch (e) {
    assert.equal((e as any).responseCode, 535);
  }
});

auth('rejected recipients get 550 and are not part of the envelope; the list is live', async () => {
  const s = await start({ rejectRecipients: ['Bad@Example.com'] });
  const c = await session(s);
  await c.cmd('EHLO board');
  await c.cmd('MAIL FROM:<a@example.com>');
  assert.match(await c.cmd('RCPT TO:<bad@example.com>'), /^550 .*bad@example\.com/);
  assert.match(await c.cmd('RCPT TO:<ok@example.com>'), /^250 /);
  s.rejectRecipients.add('later@example.com');
  assert.match(await c.cmd('RCPT TO:<later@example.com>'), /^550 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  assert.match(await c.cmd('a: b\r\n\r\nc\r\n.'), /^250 /);
  c.close();
  assert.equal(s.received[0].to, ['ok@example.com']);
});

auth('only recipient rejected: DATA is refused (no valid recipients)', async () => {
  const s = await start({ rejectRecipients: ['bad@example.com'] });
  const c = await session(s);
  await c.cmd('EHLO board');
  await c.cmd('MAIL FROM:<a@example.com>');
  assert.match(await c.cmd('RCPT TO:<bad@example.com>'), /^550 /);
  assert.match(await c.cmd('DATA'), /^5\d\d /);
  c.close();
  assert.equal(s.received.length, 0);
});

auth('delivery into a Maildir: tmp/ then new/, unique names, exact bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim900-maildir-test-'));
  try {
    const s = await start({ maildir: join(dir, 'Maildir') });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.port, ignoreTLS: true } as any);
    for (let i = 0; i < 3; i++) await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'n' + i, text: 'body ' + i });
    const names = readdirSync(join(dir, 'Maildir', 'new')).sort();
    assert.equal(names.length, 3);
    assert.equal(new Set(names).size, 3);
    assert.equal(readdirSync(join(dir, 'Maildir', 'tmp')), []);
    for (const m of s.received) {
      assert.ok(m.file && names.indexOf(m.file.split('/').pop()!) >= 0);
      assert.ok(readFileSync(m.file!).equals(m.raw));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const faults = suite('servers: SMTP fault injection');
faults.after(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

faults('bad fault descriptions are refused with a clear error', () => {
  assert.throws(() => checkFault({ stage: 'nope' as any, reply: '451 x' }), /unknown stage/);
  assert.throws(() => checkFault({ stage: 'rcpt' }), /give reply, close or delayMs/);
  assert.throws(() => checkFault({ stage: 'rcpt', reply: 'oops' }), /2xx-5xx/);
  assert.throws(() => checkFault({ stage: 'rcpt', reply: '451 x', close: true }), /exclude/);
  assert.throws(() => checkFault({ stage: 'rcpt', delayMs: -1 }), /delayMs/);
  assert.throws(() => checkFault({ stage: 'message', reply: '451 a\n451 b' }), /one-line/);
  assert.throws(() => checkFault({ stage: 'rcpt', times: 0, close: true }), /times/);
});

faults('greeting: reply 554 then close; close without banner; delayed banner', async () => {
  const s = await start({ faults: [{ stage: 'greeting', reply: '554 no service here' }] });
  let c = SmtpLine.plain('127.0.0.1', s.port);
  assert.equal(await c.reply(), '554 no service here\r\n');
  assert.equal(await c.reply(), 'CLOSED');

  s.faults.push({ stage: 'greeting', close: true });
  c = SmtpLine.plain('127.0.0.1', s.port);
  assert.equal(await c.reply(), 'CLOSED');

  s.faults.push({ stage: 'greeting', delayMs: 400 });
  const t0 = Date.now();
  c = SmtpLine.plain('127.0.0.1', s.port);
  assert.match(await c.reply(), /^220 /);
  assert.ok(Date.now() - t0 >= 380, 'banner delayed');
  c.close();

  // used up: the next session is normal
  const t1 = Date.now();
  c = await session(s);
  assert.ok(Date.now() - t1 < 380);
  c.close();
  assert.equal(s.faults, []);
});

faults('each command stage: the injected reply replaces the real one and the command has no effect', async () => {
  const s = await start({ auth: { user: 'u', password: 'p' } });
  s.faults.push(
    { stage: 'ehlo', reply: '421 too busy' },
  );
  let c = await session(s);
  assert.equal(await c.cmd('EHLO board'), '421 too busy\r\n');
  c.close();

  s.faults.push({ stage: 'auth', reply: '454 Temporary authentication failure' });
  c = await session(s);
  assert.match(await c.cmd('EHLO board'), /^250/);
  assert.equal(await c.cmd(plain('u', 'p')), '454 Temporary authentication failure\r\n');
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^530 /, 'the faulted AUTH did not log in');
  assert.match(await c.cmd(plain('u', 'p')), /^235 /);
  s.faults.push({ stage: 'mail', reply: '451 local error' });
  assert.equal(await c.cmd('MAIL FROM:<a@example.com>'), '451 local error\r\n');
  assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^503 /, 'no MAIL transaction after the faulted MAIL');
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  s.faults.push({ stage: 'rcpt', reply: '452 too many recipients' });
  assert.equal(await c.cmd('RCPT TO:<c@example.com>'), '452 too many recipients\r\n');
  assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
  s.faults.push({ stage: 'data', reply: '554 transaction failed' });
  assert.equal(await c.cmd('DATA'), '554 transaction failed\r\n');
  s.faults.push({ stage: 'data', reply: '451-try\n451 again' });
  assert.equal(await c.cmd('DATA'), '451-try\r\n451 again\r\n', 'multi-line reply');
  s.faults.push({ stage: 'message', reply: '552 message too big' });
  assert.match(await c.cmd('DATA'), /^354 /);
  assert.equal(await c.cmd('h: v\r\n\r\nbody\r\n.'), '552 message too big\r\n');
  assert.equal(s.received.length, 0, 'a message refused at the end is not delivered');
  // the transaction ends with the refused message (RFC 5321): a new one delivers, with only its recipients
  assert.match(await c.cmd('DATA'), /^503 /);
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  assert.match(await c.cmd('h: v\r\n\r\nbody\r\n.'), /^250 /);
  assert.equal(s.received.length, 1);
  assert.equal(s.received[0].to, ['b@example.com']);
  assert.equal(s.faults, []);
  c.close();
});

faults('close at each stage drops the TCP connection without a reply', async () => {
  const s = await start();
  const prefix: Record<string, string[]> = {
    ehlo: [],
    mail: ['EHLO b'],
    rcpt: ['EHLO b', 'MAIL FROM:<a@example.com>'],
    data: ['EHLO b', 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>'],
    message: ['EHLO b', 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA'],
    quit: ['EHLO b'],
  };
  const trigger: Record<string, string> = {
    ehlo: 'EHLO b',
    mail: 'MAIL FROM:<a@example.com>',
    rcpt: 'RCPT TO:<b@example.com>',
    data: 'DATA',
    message: 'h: v\r\n\r\nbody\r\n.',
    quit: 'QUIT',
  };
  for (const stage of Object.keys(prefix)) {
    s.faults.push({ stage: stage as any, close: true });
    const c = await session(s);
    for (const p of prefix[stage]) assert.match(await c.cmd(p), /^[23]\d\d/, `${stage}: ${p}`);
    assert.equal(await c.cmd(trigger[stage]), 'CLOSED', stage);
  }
  assert.equal(s.received.length, 0, 'a connection dropped at the end of DATA delivers nothing');
});

faults('delay at a stage holds the reply; times counts uses', async () => {
  const s = await start({ faults: [{ stage: 'rcpt', delayMs: 300, times: 2 }] });
  const c = await session(s);
  await c.cmd('EHLO b');
  await c.cmd('MAIL FROM:<a@example.com>');
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    assert.match(await c.cmd(`RCPT TO:<r${i}@example.com>`), /^250 /);
    const dt = Date.now() - t0;
    if (i < 2) assert.ok(dt >= 280, `delayed ${dt}`);
    else assert.ok(dt < 280, `not delayed ${dt}`);
  }
  // a delay combined with a reply at the message end
  s.faults.push({ stage: 'message', delayMs: 300, reply: '451 later' });
  await c.cmd('DATA');
  const t0 = Date.now();
  assert.equal(await c.cmd('h: v\r\n\r\nb\r\n.'), '451 later\r\n');
  assert.ok(Date.now() - t0 >= 280);
  c.close();
});

faults('nodemailer sees the injected failures as SMTP errors', async () => {
  const s = await start({ faults: [{ stage: 'rcpt', reply: '550 no such user here' }] });
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.port, ignoreTLS: true } as any);
  try {
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' });
    assert.unreachable();
  } catch (e) {
    assert.equal((e as any).responseCode, 550);
  }
  s.faults.push({ stage: 'message', close: true });
  try {
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' });
    assert.unreachable();
  } catch (e) {
    assert.match(String((e as any).code), /ECONNECTION|ESOCKET|EPROTOCOL/);
  }
  const ok = await t.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' });
  assert.equal(ok.accepted, ['b@example.com']);
  assert.equal(s.received.length, 1);
});

auth.run();
faults.run();
