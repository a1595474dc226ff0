// SMTP in (nodemailer -> smtp-server -> Maildir), POP3 out (Dovecot), with a raw POP3 client.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import nodemailer from 'nodemailer';
import { startMailServers, pidAlive, type MailServers } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';
import { authPlain, rawSmtp, childPids, canConnect } from './helpers';

const rt = suite<{ s: MailServers }>('servers: SMTP -> Maildir -> Dovecot POP3');

rt.before(async (ctx) => {
  ctx.s = await startMailServers();
});
rt.after(async (ctx) => {
  await ctx.s.stop();
});

function transport(s: MailServers, auth: { user: string; pass: string } | false = { user: s.pop3.user, pass: s.pop3.password }) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: s.smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: auth || undefined,
    tls: { rejectUnauthorized: false },
  } as any);
}

async function pop(s: MailServers): Promise<Pop3Client> {
  const c = await Pop3Client.connect(s.pop3.port);
  await c.login(s.pop3.user, s.pop3.password);
  return c;
}

/** Empties the mailbox so each test starts from zero. */
async function drain(s: MailServers): Promise<void> {
  const c = await pop(s);
  const st = await c.stat();
  for (let i = 1; i <= st.count; i++) assert.ok((await c.command('DELE ' + i)).ok);
  await c.quit();
}

rt('the banner is a real Dovecot +OK greeting and bad passwords are refused', async ({ s }) => {
  const c = await Pop3Client.connect(s.pop3.port);
  assert.match(c.greeting!.text, /Dovecot/);
  assert.ok((await c.command('USER ' + s.pop3.user)).ok);
  const bad = await c.command('PASS wrong-password');
  assert.not.ok(bad.ok);
  await c.quit();
});

rt('a message sent with nodemailer arrives byte-exact over POP3 (STAT, LIST, UIDL, RETR)', async ({ s }) => {
  await drain(s);
  const before = s.smtp.received.length;
  const body = 'Hello from the test.\r\n.a line starting with a dot\r\n..two dots\r\n.\r\nlast line\r\n';
  const info = await transport(s).sendMail({
    from: '"Board One" <board@example.com>',
    to: 'alice@example.com',
    cc: 'carol@example.com',
    bcc: 'hidden@example.com',
    subject: 'round trip',
    text: body,
  });
  assert.equal(info.rejected.length, 0);
  const m = await s.smtp.waitForMessage(before);
  assert.equal(m.from, 'board@example.com');
  assert.equal(m.to, ['alice@example.com', 'carol@example.com', 'hidden@example.com']);
  assert.equal(m.auth, { user: s.pop3.user, method: 'PLAIN' });
  assert.not.ok(/hidden@example\.com/.test(m.raw.toString('latin1')), 'Bcc must not appear in the headers');
  assert.ok(m.raw.toString('latin1').indexOf('\r\n.a line starting with a dot\r\n..two dots\r\n.\r\nlast line') > 0, 'dot lines arrive unstuffed');

  const c = await pop(s);
  const st = await c.stat();
  assert.equal(st.count, 1);
  assert.equal(st.size, m.raw.length, 'POP3 size = bytes received by SMTP (stored with CRLF as received)');
  assert.equal(await c.list(), [{ n: 1, size: m.raw.length }]);
  const uidl = await c.uidl();
  assert.equal(uidl.length, 1);
  const got = await c.retr(1);
  assert.ok(got.equals(m.raw), 'RETR returns exactly the bytes SMTP received');
  // the wire form is dot-stuffed: every line starting with '.' gets one more '.'
  const wire = Buffer.concat(c.wire).toString('latin1');
  assert.ok(wire.indexOf('\r\n..a line starting with a dot\r\n...two dots\r\n..\r\nlast line\r\n') > 0, 'RETR is dot-stuffed on the wire');
  await c.quit();

  // UIDL is stable across sessions
  const c2 = await pop(s);
  assert.equal(await c2.uidl(), uidl);
  await c2.quit();
});

rt('DELE then RSET keeps the message; DELE then QUIT removes it', async ({ s }) => {
  await drain(s);
  await transport(s).sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'one', text: 'one\r\n' });
  await transport(s).sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'two', text: 'two\r\n' });
  let c = await pop(s);
  assert.equal((await c.stat()).count, 2);
  assert.ok((await c.command('DELE 1')).ok);
  assert.equal((await c.stat()).count, 1);
  assert.not.ok((await c.command('RETR 1')).ok, 'a deleted message cannot be retrieved');
  assert.ok((await c.command('RSET')).ok);
  assert.equal((await c.stat()).count, 2);
  assert.ok((await c.command('DELE 1')).ok);
  await c.quit();
  c = await pop(s);
  assert.equal((await c.stat()).count, 1);
  assert.match((await c.retr(1)).toString('latin1'), /Subject: two/);
  assert.not.ok((await c.command('RETR 2')).ok, 'no such message');
  await c.quit();
});

rt('a message with bare LF and 8-bit bytes: what Dovecot does to it', async ({ s }) => {
  await drain(s);
  // raw SMTP so that nothing normalises the message on the way in
  const raw = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: lf\r\n\r\nline one\nline two\r\n\xe9t\xe9\r\n';
  await rawSmtp(s, ['EHLO t', authPlain(s), 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA'], raw);
  const m = s.smtp.received[s.smtp.received.length - 1];
  assert.ok(m.raw.equals(Buffer.from(raw, 'latin1')), 'smtp-server keeps the bytes as sent');
  const c = await pop(s);
  const got = await c.retr(1);
  // measured: Dovecot turns the bare LF into CRLF when serving, and keeps 8-bit bytes
  assert.equal(got.toString('latin1'), raw.replace(/(^|[^\r])\n/g, '$1\r\n'));
  await c.quit();
});

rt('stop() ends Dovecot and its children and frees both ports', async () => {
  const s = await startMailServers();
  const pid = s.pop3.pid;
  const kids = childPids(pid);
  assert.ok(kids.length > 0, 'dovecot has child processes while running');
  await s.stop();
  assert.not.ok(pidAlive(pid), 'master gone');
  for (const k of kids) assert.not.ok(pidAlive(k), `child ${k} gone`);
  assert.not.ok(await canConnect(s.pop3.port), 'POP3 port closed');
  assert.not.ok(await canConnect(s.smtp.port), 'SMTP port closed');
  await s.stop(); // idempotent
});

rt.run();
