// Every result code of the manual provoked through the emulator (real servers, real network faults) and seen
// as its typed error; hostile input refused before a byte is written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import nodemailer from 'nodemailer';
import { startDovecot, startMailServers, type MailServers } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';
import { closedPort, startProxy, type FaultProxy } from '../helpers/proxy';
import { startWorld, type World } from '../helpers/world';

/** the POP3 mailbox of the last pop3Login */
let box: any;

async function expectError(p: Promise<any>, code: string, result?: number): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    assert.is(e.code, code, `${e.name}: ${e.message}`);
    if (result !== undefined) assert.is(e.result, result);
    assert.type(e.name, 'string');
    assert.ok(e instanceof Error || typeof e.message === 'string');
    return e;
  }
  assert.unreachable(`expected ${code}${(globalThis as any).__case ? " for " + (globalThis as any).__case : ""}`);
}

const smtp = suite('SMTP result codes 61-68 as typed errors');
let servers: MailServers;
let w: World | null = null;
const proxies: FaultProxy[] = [];
smtp.before(async () => {
  servers = await startMailServers({ smtp: { rejectRecipients: ['nobody@example.org'] } });
});
smtp.after(async () => {
  await servers.stop();
});
smtp.after.each(async () => {
  if (w) await w.stop();
  w = null;
  for (const p of proxies.splice(0)) await p.close();
  servers.smtp.faults.length = 0;
});

const mailTo = { to: 'alice@example.org', subject: 'code test', body: 'x' };

smtp('61 network error: the bearer is lost in the middle of a send, then the next send reopens it', async () => {
  w = await startWorld({ reuse: servers, emulator: { faults: { bearerLossRate: 1 } } });
  const deact: number[] = [];
  w.mail.on('deact', (cid: number) => deact.push(cid));
  const e = await expectError(w.mail.sendMail(mailTo), 'E_SMTP_NETWORK', 61);
  assert.is(e.name, e.code);
  assert.equal(deact, [1]);
  assert.is(w.mail.bearerUp, false);
  w.emu.opts.faults.bearerLossRate = 0;
  const opens = (w.written().match(/AT\+SAPBR=1,1\r/g) || []).length;
  await w.mail.sendMail(mailTo);
  assert.is((w.written().match(/AT\+SAPBR=1,1\r/g) || []).length, opens + 1, 'the bearer was opened again');
});

smtp('62 DNS: the SMTP server name does not resolve', async () => {
  w = await startWorld({ reuse: servers, client: { smtp: { host: 'no-such-host.invalid', port: 25 } } });
  const e = await expectError(w.mail.sendMail(mailTo), 'E_SMTP_DNS', 62);
  assert.is(e.name, e.code);
});

smtp('63 TCP: nothing listens on the SMTP port', async () => {
  w = await startWorld({ reuse: servers, client: { smtp: { host: '127.0.0.1', port: await closedPort() } } });
  await expectError(w.mail.sendMail(mailTo), 'E_SMTP_CONNECT', 63);
});

smtp('64 timeout: the server stays silent past AT+EMAILTO', async () => {
  const p = await startProxy({ host: '127.0.0.1', port: servers.smtp.port }, 0);
  proxies.push(p);
  w = await startWorld({ reuse: servers, emulator: { timeoutScale: 0.01 }, client: { smtp: { host: '127.0.0.1', port: p.port } } });
  await expectError(w.mail.sendMail(mailTo), 'E_SMTP_TIMEOUT', 64);
});

smtp('65 server error: the server refuses the message', async () => {
  servers.smtp.faults.push({ stage: 'message', reply: '554 5.7.1 Message refused' });
  w = await startWorld({ reuse: servers });
  await expectError(w.mail.sendMail(mailTo), 'E_SMTP_SERVER', 65);
});

smtp('66 not authenticated: no AUTH towards a server that requires it', async () => {
  w = await startWorld({ reuse: servers, client: { smtp: { host: '127.0.0.1', port: servers.smtp.port } } });
  await expectError(w.mail.sendMail(mailTo), 'E_SMTP_NOT_AUTHENTICATED', 66);
});

smtp('67 authentication failed: wrong password', async () => {
  w = await startWorld({ reuse: servers, client: { smtp: { host: '127.0.0.1', port: servers.smtp.port, user: servers.pop3.user, password: 'wrong' } } });
  await expectError(w.mail.sendMail(mailTo), 'E_SMTP_AUTH_FAILED', 67);
});

smtp('68 bad recipient: the server refuses the address', async () => {
  w = await startWorld({ reuse: servers });
  await expectError(w.mail.sendMail({ to: 'nobody@example.org', subject: 's', body: 'b' }), 'E_SMTP_BAD_RECIPIENT', 68);
});

smtp.run();

const pop = suite('POP3 result codes as typed errors');
pop.before(async () => {
  servers = await startMailServers();
  // one message to read
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: servers.smtp.port, secure: false, ignoreTLS: true, auth: { user: servers.pop3.user, pass: servers.pop3.password } });
  await t.sendMail({ from: 'a@example.org', to: 'sim900@example.org', subject: 'long', text: 'line of text\n'.repeat(500) });
  t.close();
});
pop.after(async () => {
  await servers.stop();
});
pop.after.each(async () => {
  if (w) await w.stop();
  w = null;
  for (const p of proxies.splice(0)) await p.close();
});

pop('61 network error: the bearer goes during a session; the next command reports it', async () => {
  w = await startWorld({ reuse: servers });
  box = await w.mail.pop3Login();
  w.emu.loseBearer();
  await new Promise((r) => setTimeout(r, 50));
  const e = await expectError(box.count(), 'E_POP3_NETWORK', 61);
  assert.is(e.name, e.code);
});

pop('62 DNS, 63 TCP, 65 not a POP3 server, 68 wrong password: at log-in', async () => {
  const cases: [any, string, number][] = [
    [{ host: 'no-such-host.invalid', user: 'u', password: 'p' }, 'E_POP3_DNS', 62],
    [{ host: '127.0.0.1', port: await closedPort(), user: 'u', password: 'p' }, 'E_POP3_CONNECT', 63],
    [{ host: '127.0.0.1', port: servers.smtp.port, user: 'u', password: 'p' }, 'E_POP3_SERVER', 65],
    [{ host: '127.0.0.1', port: servers.pop3.port, user: servers.pop3.user, password: 'wrong' }, 'E_POP3_PASSWORD', 68],
  ];
  w = await startWorld({ reuse: servers });
  for (const [account, code, result] of cases) {
    await expectError(w.mail.pop3Login(account), code, result);
    assert.is(w.mail.session, null, 'a failed log-in frees the module');
  }
  box = await w.mail.pop3Login();
  assert.is((await box.count()).count, 1);
  await box.logout();
});

pop('64 timeout: the POP3 server stays silent', async () => {
  const p = await startProxy({ host: '127.0.0.1', port: servers.pop3.port }, 0);
  proxies.push(p);
  w = await startWorld({ reuse: servers, emulator: { timeoutScale: 0.01 } });
  await expectError(w.mail.pop3Login({ host: '127.0.0.1', port: p.port, user: servers.pop3.user, password: servers.pop3.password }), 'E_POP3_TIMEOUT', 64);
});

pop('69 read timeout: the data stops in the middle of a retrieve', async () => {
  const p = await startProxy({ host: '127.0.0.1', port: servers.pop3.port });
  proxies.push(p);
  w = await startWorld({ reuse: servers, emulator: { timeoutScale: 0.01 } });
  box = await w.mail.pop3Login({ host: '127.0.0.1', port: p.port, user: servers.pop3.user, password: servers.pop3.password });
  p.stallAfter = p.forwarded + 1000;
  const got: string[] = [];
  await expectError(box.retrieve(1, (c: string) => got.push(c)), 'E_POP3_READ_TIMEOUT', 69);
  assert.ok(got.join('').length > 0, 'the data before the stall was delivered');
});

pop('66 the server rejects the log-in: too many sessions of the user from this address ([IN-USE])', async () => {
  const busy = await startDovecot({ settings: { mail_max_userip_connections: '1' } });
  const other = await Pop3Client.connect(busy.port);
  try {
    await other.login(busy.user, busy.password);
    w = await startWorld({ reuse: servers });
    const e = await expectError(w.mail.pop3Login({ host: '127.0.0.1', port: busy.port, user: busy.user, password: busy.password }), 'E_POP3_LOGIN_REJECTED', 66);
    assert.is(e.name, e.code);
  } finally {
    other.destroy();
    await busy.stop();
  }
});

pop('67 incorrect user name: the server refuses USER (plaintext log-in from a connection it does not trust)', async () => {
  // Dovecot trusts a connection whose two ends have the same address; from 127.0.0.2 it refuses USER in plaintext
  const strict = await startDovecot({ settings: { disable_plaintext_auth: 'yes' } });
  const p = await startProxy({ host: '127.0.0.1', port: strict.port, localAddress: '127.0.0.2' });
  proxies.push(p);
  try {
    w = await startWorld({ reuse: servers });
    const e = await expectError(w.mail.pop3Login({ host: '127.0.0.1', port: p.port, user: strict.user, password: strict.password }), 'E_POP3_USER', 67);
    assert.is(e.name, e.code);
  } finally {
    await strict.stop();
  }
});

pop('-ERR answers (+POP3xxx: 0) are E_POP3_NEGATIVE; a mailbox after its log-out refuses commands', async () => {
  w = await startWorld({ reuse: servers });
  box = await w.mail.pop3Login();
  await expectError(box.size(99), 'E_POP3_NEGATIVE', 0);
  await expectError(box.uid(99), 'E_POP3_NEGATIVE', 0);
  await expectError(box.retrieve(99, () => {}), 'E_POP3_NEGATIVE', 0);
  await expectError(box.remove(99), 'E_POP3_NEGATIVE', 0);
  await box.logout();
  await expectError(box.count(), 'E_POP3_NOT_LOGGED_IN');
});

pop.run();

const hostile = suite('hostile input is refused before a byte is written');
hostile.before(async () => {
  servers = await startMailServers();
});
hostile.after(async () => {
  await servers.stop();
});
hostile.after.each(async () => {
  if (w) await w.stop();
  w = null;
});

const BAD = ['a"b', 'a\rb', 'a\nb', 'a\x1ab', 'a\x1bb', 'a\x00b', 'AT+CPOWD=1\r'];

hostile('quotes, CR, LF, Ctrl-Z, ESC, NUL in any field; over-long values', async () => {
  for (const via of ['source', 'module'] as const) {
    w = await startWorld({ reuse: servers, via });
    await w.mail.limits();
    const base = { to: 'alice@example.org', subject: 'ok', body: 'ok' };
    const cases: any[] = [];
    for (const b of BAD) {
      cases.push({ ...base, subject: b });
      cases.push({ ...base, to: `x${b}@example.org` });
      cases.push({ ...base, to: { address: 'alice@example.org', name: b } });
      cases.push({ ...base, cc: [`c${b}@example.org`] });
      cases.push({ ...base, bcc: { address: `b${b}@x.org` } });
      cases.push({ ...base, from: { address: 'board@example.org', name: b } });
      cases.push({ ...base, attachment: { name: `f${b}.txt`, data: 'x' } });
      // a body is typed at the prompt: quotes and line breaks are text there, Ctrl-Z/ESC/NUL are not
      if (/[\x00\x1a\x1b]/.test(b)) cases.push({ ...base, body: b });
    }
    cases.push({ ...base, subject: 'é\r\nBcc: evil@example.org' }); // hex would carry the CR LF into a header
    cases.push({ ...base, subject: 's'.repeat(500) });
    cases.push({ ...base, body: 'b'.repeat(5000) });
    cases.push({ ...base, to: 'a'.repeat(60) + '@example.org' });
    cases.push({ ...base, to: Array.from({ length: 9 }, (_, i) => `r${i}@example.org`) });
    cases.push({ ...base, attachment: { name: '../../etc/passwd', data: 'x' } });
    cases.push({ ...base, to: [] });
    for (const mail of cases) {
      (globalThis as any).__case = via + ' ' + JSON.stringify(mail).slice(0, 100);
      const before = w.written().length;
      await expectError(w.mail.sendMail(mail), 'E_PARAM');
      assert.is(w.written().length, before, `nothing written for ${JSON.stringify(mail).slice(0, 80)}`);
    }
    for (const acc of [{ host: 'h"x', user: 'u', password: 'p' }, { host: 'h', user: 'u\r\nAT', password: 'p' }, { host: 'h', user: 'u', password: 'p'.repeat(200) }]) {
      const before = w.written().length;
      await expectError(w.mail.pop3Login(acc), 'E_PARAM');
      assert.is(w.written().length, before);
    }
    // the options are checked at connect, before anything at all is written
    for (const opt of [{ apn: 'inter"net' }, { apnUser: 'u\r\nAT' }, { apnPassword: 'p'.repeat(40) }, { cid: 4 }, { emailTimeout: 5 }]) {
      const e = await startWorld({ reuse: servers, via, client: opt }).then(
        (x) => (x.stop(), null),
        (x) => x,
      );
      assert.ok(e && e.code == 'E_PARAM', `connect refuses ${JSON.stringify(opt)}: ${e && e.message}`);
    }
    await w.stop();
    w = null;
  }
});

hostile.run();
