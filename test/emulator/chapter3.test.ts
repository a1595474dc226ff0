// Every example of chapter 3 of the SIM900 Email AT Command Manual V1.02, replayed byte-exact against the
// emulator (commands in, responses out), with real servers behind it: the smtp-server SMTP server delivering
// into the Maildir that Dovecot serves over POP3. The manual's "mail.sim.com" is routed to those servers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { startMailServers, deliverToMaildir, type MailServers } from '../../host/servers';
import { Wire } from './wire';

const t = suite('chapter 3 examples');
let srv: MailServers;

function route(host: string, port: number) {
  if (host === 'mail.sim.com' && port === 25) return { host: '127.0.0.1', port: srv.smtp.port };
  if (host === 'mail.sim.com' && port === 110) return { host: '127.0.0.1', port: srv.pop3.port };
  return null;
}

async function bootOff(): Promise<Wire> {
  const w = await Wire.boot({ route, bearerIp: '10.89.193.1' });
  await w.cmd('ATE0', 'ATE0\r\r\nOK\r\n');
  return w;
}

async function bearer(w: Wire): Promise<void> {
  await w.cmd('AT+SAPBR=3,1,"Contype","GPRS"', '\r\nOK\r\n');
  await w.cmd('AT+SAPBR=3,1,"APN","CMNET"', '\r\nOK\r\n');
  await w.cmd('AT+SAPBR=1,1', '\r\nOK\r\n');
}

/** The common part of 3.2 - 3.4. */
async function setup(w: Wire, utf8: boolean): Promise<void> {
  await w.cmd('AT+EMAILCID=1', '\r\nOK\r\n');
  await w.cmd('AT+EMAILTO=30', '\r\nOK\r\n');
  if (utf8) await w.cmd('AT+SMTPCS="UTF-8"', '\r\nOK\r\n');
  await w.cmd('AT+SMTPSRV="mail.sim.com",25', '\r\nOK\r\n');
  await w.cmd('AT+SMTPAUTH=1,"john","123456"', '\r\nOK\r\n');
  await w.cmd('AT+SMTPFROM="john@sim.com", "john"', '\r\nOK\r\n');
  await w.cmd('AT+SMTPRCPT=0,0,"john@sim.com","john"', '\r\nOK\r\n');
  await w.cmd('AT+SMTPRCPT=1,0,"john@sim.com","john"', '\r\nOK\r\n');
  await w.cmd('AT+SMTPRCPT=2,0,"john@sim.com","john"', '\r\nOK\r\n');
}

function clearMaildir(): void {
  for (const d of ['new', 'cur']) {
    const dir = join(srv.pop3.maildir, d);
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
  }
}

/** A message whose POP3 size (CRLF lines) is exactly `size` bytes. */
function messageOfSize(size: number, tag: string): Buffer {
  const head = `From: <a@sim.com>\r\nTo: <john@sim.com>\r\nSubject: ${tag}\r\n\r\n`;
  let body = '';
  while (head.length + body.length + 80 <= size) body += 'x'.repeat(76) + '\r\n';
  const left = size - head.length - body.length;
  body += 'y'.repeat(left - 2) + '\r\n';
  const b = Buffer.from(head + body, 'latin1');
  assert.is(b.length, size);
  return b;
}

t.before(async () => {
  srv = await startMailServers({ dovecot: { users: [{ user: 'john', password: '123456' }] } });
});
t.after(async () => {
  if (srv) await srv.stop();
});

t('3.1 bearer profile', async () => {
  const w = await bootOff();
  try {
    await bearer(w);
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,1,"10.89.193.1"\r\n\r\nOK\r\n');
    await w.cmd('AT+SAPBR=0,1', '\r\nOK\r\n');
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n\r\nOK\r\n');
    // "GPRS context is released by network"
    await w.cmd('AT+SAPBR=1,1', '\r\nOK\r\n');
    w.emu.loseBearer(1);
    await w.expect('\r\n+SAPBR 1: DEACT\r\n');
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n\r\nOK\r\n');
    await w.quiet();
  } finally {
    w.close();
  }
});

t('3.2 send an email (echo off)', async () => {
  const w = await bootOff();
  try {
    await bearer(w);
    await setup(w, false);
    await w.cmd('AT+SMTPSUB="Test"', '\r\nOK\r\n');
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('This is a new Email\x1a');
    await w.expect('\r\nOK\r\n');
    const n = srv.smtp.received.length;
    await w.cmd('AT+SMTPSEND', '\r\nOK\r\n');
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    await w.quiet();
    const m = srv.smtp.received[n];
    // To, Cc and Bcc each get a RCPT TO (the server records the address once).
    const tr = w.emu.sends[w.emu.sends.length - 1].transcript;
    assert.is(tr.filter((l) => l === 'C: RCPT TO:<john@sim.com>').length, 3);
    assert.equal(m.to.filter((a) => a !== 'john@sim.com'), []);
    assert.is(m.from, 'john@sim.com');
    assert.is(m.auth && m.auth.user, 'john');
    const p = await simpleParser(m.raw);
    assert.is(p.subject, 'Test');
    assert.is(p.text, 'This is a new Email\n');
    assert.is(p.headers.get('from') && (p.from as any).value[0].name, 'john');
    assert.ok(/^To: john <john@sim.com>\r$/m.test(m.raw.toString('latin1')));
    assert.ok(/^Cc: john <john@sim.com>\r$/m.test(m.raw.toString('latin1')));
    assert.not.ok(/^Bcc:/im.test(m.raw.toString('latin1')), 'no Bcc header');
    assert.ok(p.messageId && p.date);
  } finally {
    w.close();
  }
});

t('3.2 send an email (echo on: the command line is echoed with its CR, the body too)', async () => {
  const w = await Wire.boot({ route, bearerIp: '10.89.193.1' });
  try {
    const echo = async (line: string, resp: string) => w.cmd(line, line + '\r' + resp);
    await echo('AT+SAPBR=3,1,"Contype","GPRS"', '\r\nOK\r\n');
    await echo('AT+SAPBR=3,1,"APN","CMNET"', '\r\nOK\r\n');
    await echo('AT+SAPBR=1,1', '\r\nOK\r\n');
    await echo('AT+EMAILCID=1', '\r\nOK\r\n');
    await echo('AT+EMAILTO=30', '\r\nOK\r\n');
    await echo('AT+SMTPSRV="mail.sim.com",25', '\r\nOK\r\n');
    await echo('AT+SMTPAUTH=1,"john","123456"', '\r\nOK\r\n');
    await echo('AT+SMTPFROM="john@sim.com", "john"', '\r\nOK\r\n');
    await echo('AT+SMTPRCPT=0,0,"john@sim.com","john"', '\r\nOK\r\n');
    await echo('AT+SMTPRCPT=1,0,"john@sim.com","john"', '\r\nOK\r\n');
    await echo('AT+SMTPRCPT=2,0,"john@sim.com","john"', '\r\nOK\r\n');
    await echo('AT+SMTPSUB="Test"', '\r\nOK\r\n');
    await echo('AT+SMTPBODY', '\r\n> ');
    w.send('This is a new Email\x1a');
    await w.expect('This is a new Email\r\nOK\r\n');
    await echo('AT+SMTPSEND', '\r\nOK\r\n');
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    await w.quiet();
  } finally {
    w.close();
  }
});

t('3.3 send an email with an attachment', async () => {
  const w = await bootOff();
  try {
    await bearer(w);
    await setup(w, false);
    await w.cmd('AT+SMTPSUB="Test"', '\r\nOK\r\n');
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('This is a new Email\x1a');
    await w.expect('\r\nOK\r\n');
    await w.cmd('AT+SMTPFILE=1,"test.txt",0', '\r\nOK\r\n');
    const n = srv.smtp.received.length;
    await w.cmd('AT+SMTPSEND', '\r\nOK\r\n');
    await w.expect('\r\n+SMTPFT: 1,1360\r\n');
    const data = 'line one of the attachment\r\n.a line starting with a dot\r\n' + 'z'.repeat(100 - 57 - 2) + '\r\n';
    assert.is(data.length, 100);
    await w.cmd('AT+SMTPFT=100', '\r\n+SMTPFT: 2,100\r\n');
    w.send(data);
    await w.expect('\r\nOK\r\n');
    await w.expect('\r\n+SMTPFT: 1,1360\r\n');
    await w.cmd('AT+SMTPFT=0', '\r\nOK\r\n');
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    await w.quiet();
    const p = await simpleParser(srv.smtp.received[n].raw);
    assert.is(p.text, 'This is a new Email\n');
    assert.is(p.attachments.length, 1);
    assert.is(p.attachments[0].filename, 'test.txt');
    assert.is(p.attachments[0].content.toString('latin1'), data);
  } finally {
    w.close();
  }
});

t('3.4 send a UTF-8 email', async () => {
  const w = await bootOff();
  try {
    await bearer(w);
    await setup(w, true);
    await w.cmd('AT+SMTPSUB="54455354"', '\r\nOK\r\n');
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('546869732069732061206E657720456D61696C\x1a');
    await w.expect('\r\nOK\r\n');
    const n = srv.smtp.received.length;
    await w.cmd('AT+SMTPSEND', '\r\nOK\r\n');
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    const p = await simpleParser(srv.smtp.received[n].raw);
    assert.is(p.subject, 'TEST');
    assert.is(p.text, 'This is a new Email\n');
    assert.ok(/charset=UTF-8/.test(srv.smtp.received[n].raw.toString('latin1')));
  } finally {
    w.close();
  }
});

t('3.5 retrieve the email', async () => {
  clearMaildir();
  const m1 = messageOfSize(5556, 'first');
  deliverToMaildir(srv.pop3.maildir, m1, srv.pop3.mailOwner);
  deliverToMaildir(srv.pop3.maildir, messageOfSize(11124 - 5556, 'second'), srv.pop3.mailOwner);
  const w = await bootOff();
  try {
    await bearer(w);
    await w.cmd('AT+EMAILCID=1', '\r\nOK\r\n');
    await w.cmd('AT+EMAILTO=30', '\r\nOK\r\n');
    await w.cmd('AT+POP3SRV="mail.sim.com","john","123456",110', '\r\nOK\r\n');
    await w.cmd('AT+POP3IN', '\r\nOK\r\n');
    await w.expect('\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3NUM', '\r\nOK\r\n');
    await w.expect('\r\n+POP3NUM: 1,2,11124\r\n');
    await w.cmd('AT+POP3LIST=1', '\r\nOK\r\n');
    await w.expect('\r\n+POP3LIST: 1,1,5556\r\n');
    await w.cmd('AT+POP3CMD=4,1', '\r\nOK\r\n');
    await w.expect('\r\n+POP3CMD: 1\r\n');
    // The whole RETR data (default: no +OK line, final ".\r\n" included) is 5556 + 3 bytes; wait for all of it.
    await new Promise((r) => setTimeout(r, 100));
    const all = Buffer.concat([m1, Buffer.from('.\r\n')]);
    let off = 0;
    for (let i = 0; i < 3; i++) {
      await w.cmd('AT+POP3READ=1460', '\r\n+POP3READ: 1,1460\r\n');
      await w.expect(Buffer.concat([all.subarray(off, off + 1460), Buffer.from('\r\n\r\nOK\r\n')]));
      off += 1460;
    }
    await w.cmd('AT+POP3READ=1460', `\r\n+POP3READ: 2,${all.length - off}\r\n`);
    await w.expect(Buffer.concat([all.subarray(off), Buffer.from('\r\n\r\nOK\r\n')]));
    await w.cmd('AT+POP3OUT', '\r\nOK\r\n');
    await w.expect('\r\n+POP3OUT: 1\r\n');
    await w.quiet();
  } finally {
    w.close();
  }
});

t('3.7 get the email size and unique-id', async () => {
  clearMaildir();
  deliverToMaildir(srv.pop3.maildir, messageOfSize(16601, 'first'), srv.pop3.mailOwner);
  deliverToMaildir(srv.pop3.maildir, messageOfSize(35797 - 16601, 'second'), srv.pop3.mailOwner);
  const w = await bootOff();
  try {
    await bearer(w);
    await w.cmd('AT+EMAILCID=1', '\r\nOK\r\n');
    await w.cmd('AT+EMAILTO=30', '\r\nOK\r\n');
    await w.cmd('AT+POP3SRV="mail.sim.com","john","123456",110', '\r\nOK\r\n');
    await w.cmd('AT+POP3IN', '\r\nOK\r\n');
    await w.expect('\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3NUM', '\r\nOK\r\n');
    await w.expect('\r\n+POP3NUM: 1,2,35797\r\n');
    await w.cmd('AT+POP3LIST=1', '\r\nOK\r\n');
    await w.expect('\r\n+POP3LIST: 1,1,16601\r\n');
    await w.cmd('AT+POP3UIDL=1', '\r\nOK\r\n');
    // The unique-id is the server's (Dovecot's), not the manual's sample string.
    await w.expect('\r\n+POP3UIDL: 1,1,');
    const uid = await w.until('\r\n');
    assert.ok(/^[\x21-\x7e]{1,70}$/.test(uid), uid);
    await w.cmd('AT+POP3OUT', '\r\nOK\r\n');
    await w.expect('\r\n+POP3OUT: 1\r\n');
    await w.quiet();
  } finally {
    w.close();
  }
});

t('3.6 delete the email', async () => {
  clearMaildir();
  deliverToMaildir(srv.pop3.maildir, messageOfSize(5556, 'first'), srv.pop3.mailOwner);
  deliverToMaildir(srv.pop3.maildir, messageOfSize(11124 - 5556, 'second'), srv.pop3.mailOwner);
  const w = await bootOff();
  try {
    await bearer(w);
    await w.cmd('AT+EMAILCID=1', '\r\nOK\r\n');
    await w.cmd('AT+EMAILTO=30', '\r\nOK\r\n');
    await w.cmd('AT+POP3SRV="mail.sim.com","john","123456",110', '\r\nOK\r\n');
    await w.cmd('AT+POP3IN', '\r\nOK\r\n');
    await w.expect('\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3NUM', '\r\nOK\r\n');
    await w.expect('\r\n+POP3NUM: 1,2,11124\r\n');
    await w.cmd('AT+POP3DEL=1', '\r\nOK\r\n');
    await w.expect('\r\n+POP3DEL: 1\r\n');
    await w.cmd('AT+POP3OUT', '\r\nOK\r\n');
    await w.expect('\r\n+POP3OUT: 1\r\n');
    await w.quiet();
    // The deletion took effect: a new session sees one message.
    await w.cmd('AT+POP3IN', '\r\nOK\r\n');
    await w.expect('\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3NUM', '\r\nOK\r\n');
    await w.expect('\r\n+POP3NUM: 1,1,5568\r\n');
    await w.cmd('AT+POP3OUT', '\r\nOK\r\n');
    await w.expect('\r\n+POP3OUT: 1\r\n');
  } finally {
    w.close();
  }
});

t.run();
