// Read (?) and test (=?) forms, the bearer in all its cmd_types, both body dialects, SMTP/POP3 exclusion,
// attachments read from Storage in pieces, and the settings cache across repeated sends.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { startMailServers, type MailServers } from '../../host/servers';
import { collector, startWorld, type World } from '../helpers/world';

/** the POP3 mailbox of the last pop3Login */
let box: any;

const plain = (v: any) => JSON.parse(JSON.stringify(v));
let servers: MailServers;
let w: World | null = null;

const t = suite('client: read and test forms, bearer, dialects, exclusion');
t.before(async () => {
  servers = await startMailServers();
});
t.after(async () => {
  await servers.stop();
});
t.after.each(async () => {
  if (w) await w.stop();
  w = null;
});

async function lastMail(world: World): Promise<any> {
  box = await world.mail.pop3Login();
  const { count } = await box.count();
  const c = collector();
  await box.retrieve(count, c.sink);
  for (let i = 1; i <= count; i++) await box.remove(i);
  await box.logout();
  return simpleParser(c.buffer());
}

t('test forms: the module maxima are queried once and enforced', async () => {
  w = await startWorld({ reuse: servers, emulator: { maxima: { subject: 20, rcptIndexMax: 1 } } });
  const limits = plain(await w.mail.limits());
  assert.equal(limits.SMTPSUB, [20]);
  assert.equal(limits.EMAILTO, [[10, 120]]);
  assert.equal(limits.SMTPRCPT[1], [0, 1]);
  assert.equal(limits.SMTPBODY, [4096]);
  const n = (w.written().match(/=\?\r/g) || []).length;
  await w.mail.limits();
  assert.is((w.written().match(/=\?\r/g) || []).length, n, 'asked once');
  const e1 = await w.mail.sendMail({ to: 'a@example.org', subject: 'twenty-one characters', body: 'b' }).catch((e: any) => e);
  assert.is(e1.code, 'E_PARAM');
  assert.match(e1.message, /at most 20/);
  const e2 = await w.mail.sendMail({ to: ['a@example.org', 'b@example.org', 'c@example.org'], subject: 's', body: 'b' }).catch((e: any) => e);
  assert.is(e2.code, 'E_PARAM');
  assert.match(e2.message, /at most 2/);
  assert.equal(plain(await w.mail.test('SAPBR')).slice(0, 2), [[0, 5], [1, 3]]);
});

t('every test form of the manual answers and parses', async () => {
  w = await startWorld({ reuse: servers });
  const expect: Record<string, any> = {
    EMAILCID: [[1, 3]], EMAILTO: [[10, 120]], SMTPSRV: [64, [1, 65535]], SMTPAUTH: [[0, 1], 32, 32], SMTPFROM: [48, 48],
    SMTPRCPT: [[0, 2], [0, 4], 48, 48], SMTPSUB: [64], SMTPBODY: [4096], SMTPFILE: [[0, 2], 48, [0, 1]], SMTPSEND: [], SMTPFT: [],
    SMTPCS: [16], POP3SRV: [64, 32, 32, [1, 65535]], POP3IN: [], POP3NUM: [], POP3LIST: [[1, 65535]], POP3UIDL: [[1, 65535]],
    POP3CMD: [[1, 4], [1, 65535], [0, 65535]], POP3READ: [[1, 1460]], POP3DEL: [[1, 65535]], POP3RSET: [], POP3OUT: [],
  };
  for (const name of Object.keys(expect)) {
    const f = plain(await w.mail.test(name));
    if (name === 'POP3CMD') assert.equal(f[0], expect[name][0], name);
    else assert.equal(f, expect[name], name);
  }
  assert.is((await w.mail.test('NOT;AT+X').catch((e: any) => e)).code, 'E_PARAM');
});

t('read forms give back what the module holds', async () => {
  w = await startWorld({ reuse: servers, emulator: { clearAfterSend: false }, client: { keepsSettings: true } });
  await w.mail.set('EMAILCID', 2);
  assert.equal(plain(await w.mail.get('EMAILCID')), { cid: 2 });
  await w.mail.set('EMAILCID', [1]);
  await w.mail.set('EMAILTO', 45);
  assert.is((await w.mail.get('EMAILTO')).timeout, 45);
  const e = await w.mail.set('EMAILTO', 5).catch((x: any) => x);
  assert.is(e.code, 'E_PARAM');
  await w.mail.sendMail({ to: ['Al <al@example.org>'], cc: 'cc@example.org', bcc: 'bcc@example.org', subject: 'read back', body: 'b', attachment: { name: 'a.txt', data: 'hello\r\n', type: 'text' } });
  assert.equal(plain(await w.mail.get('SMTPSRV')), { host: '127.0.0.1', port: servers.smtp.port });
  assert.equal(plain(await w.mail.get('SMTPAUTH')), { auth: 1, user: servers.pop3.user, password: servers.pop3.password });
  assert.equal(plain(await w.mail.get('SMTPFROM')), { address: 'board@example.org', name: 'Pump station 4' });
  assert.equal(plain(await w.mail.get('SMTPRCPT')), [
    { type: 0, index: 0, address: 'al@example.org', name: 'Al' },
    { type: 1, index: 0, address: 'cc@example.org', name: '' },
    { type: 2, index: 0, address: 'bcc@example.org', name: '' },
  ]);
  assert.equal(plain(await w.mail.get('SMTPSUB')), { subject: 'read back' });
  assert.equal(plain(await w.mail.get('SMTPFILE')), { type: 1, name: 'a.txt', encoding: 0 });
  assert.equal(plain(await w.mail.get('SMTPCS')), { charset: 'ASCII' });
  box = await w.mail.pop3Login();
  await box.logout();
  assert.equal(plain(await w.mail.get('POP3SRV')), { host: '127.0.0.1', user: servers.pop3.user, password: servers.pop3.password, port: servers.pop3.port });
});

t('bearer: set-up, open, status with IP, parameters (multi-line =4), save, close', async () => {
  w = await startWorld({ reuse: servers, emulator: { bearerIp: '10.89.193.1' }, client: { apn: 'CMNET', apnUser: 'u1', apnPassword: 'p1' } });
  assert.equal(plain(await w.mail.bearer('status')), { cid: 1, status: 3, state: 'closed', ip: '0.0.0.0' });
  assert.equal(plain(await w.mail.bearer('open')), { ip: '10.89.193.1' });
  assert.equal(plain(await w.mail.bearer('status')), { cid: 1, status: 1, state: 'connected', ip: '10.89.193.1' });
  const p = plain(await w.mail.bearer('params'));
  assert.is(p.CONTYPE, 'GPRS');
  assert.is(p.APN, 'CMNET');
  assert.is(p.USER, 'u1');
  assert.is(p.PWD, 'p1');
  await w.mail.bearer('save');
  await w.mail.bearer('close');
  assert.is((await w.mail.bearer('status')).status, 3);
  assert.is(w.mail.bearerUp, false);
  const bad = await startWorld({ reuse: servers, emulator: { sapbrOpenFails: true } });
  const e = await bad.mail.bearer('open').catch((x: any) => x);
  assert.is(e.code, 'E_BEARER');
  await bad.stop();
});

t('SIM800 dialect: chosen by option, and detected when the module refuses the SIM900 form', async () => {
  for (const dialect of ['sim800', 'auto']) {
    w = await startWorld({ reuse: servers, emulator: { dialect: 'sim800' }, client: { dialect } });
    await w.mail.sendMail({ to: 'a@example.org', subject: 'dialect ' + dialect, body: 'counted body\r\nwith two lines' });
    assert.match(w.written(), /AT\+SMTPBODY=28\rcounted body\r\nwith two lines/);
    assert.is(w.mail.dialect, 'sim800');
    const m = await lastMail(w);
    assert.is(m.subject, 'dialect ' + dialect);
    assert.is(m.text.trim(), 'counted body\nwith two lines');
    await w.stop();
    w = null;
  }
  w = await startWorld({ reuse: servers });
  await w.mail.sendMail({ to: 'a@example.org', subject: 's', body: 'b' });
  assert.is(w.mail.dialect, 'sim900');
  assert.not.match(w.written(), /AT\+SMTPBODY=\d/);
  await lastMail(w);
});

t('SMTP and POP3 never at once: a send waits for the log-out, or is refused', async () => {
  w = await startWorld({ reuse: servers });
  box = await w.mail.pop3Login();
  const order: string[] = [];
  const sending = w.mail.sendMail({ to: 'a@example.org', subject: 'waits', body: 'b' }).then(() => order.push('sent'));
  await new Promise((r) => setTimeout(r, 50));
  await box.count();
  order.push('count');
  await box.logout();
  order.push('logout');
  await sending;
  assert.equal(order, ['count', 'logout', 'sent']);
  const r = await startWorld({ reuse: servers, client: { busy: 'refuse' } });
  box = await r.mail.pop3Login();
  const e = await r.mail.sendMail({ to: 'a@example.org', subject: 's', body: 'b' }).catch((x: any) => x);
  assert.is(e.code, 'E_BUSY');
  await box.logout();
  await r.stop();
  await lastMail(w);
});

t('the generic call: a body with Ctrl-Z or ESC is refused before a byte goes out; AT+POP3OUT ends the session', async () => {
  w = await startWorld({ reuse: servers });
  const before = w.written().length;
  for (const bad of ['a\x1ab', 'a\x1bb']) {
    const e = await w.mail.call('SMTPBODY', '', bad).catch((x: any) => x);
    assert.is(e.code, 'E_PARAM', JSON.stringify(bad));
  }
  assert.is(w.written().length, before, 'nothing written');
  box = await w.mail.pop3Login();
  assert.is(w.mail.session, 'pop3');
  await w.mail.call('POP3OUT', '');
  assert.is(w.mail.session, null, 'a raw AT+POP3OUT ends the client\'s POP3 session');
  await w.mail.sendMail({ to: 'a@example.org', subject: 'after a raw log-out', body: 'b' });
  assert.is((await lastMail(w)).subject, 'after a raw log-out');
});

t('a repeat alert sends no setting the module still holds', async () => {
  w = await startWorld({ reuse: servers });
  const alert = { to: 'ops@example.org', subject: 'pump 4 down', body: 'pressure 0.2 bar' };
  const first = await w.mail.sendMail(alert);
  const mark = w.written().length;
  const second = await w.mail.sendMail(alert);
  const repeat = w.written().slice(mark);
  assert.ok(second.commands < first.commands, `${second.commands} < ${first.commands}`);
  for (const held of ['AT+EMAILCID', 'AT+EMAILTO', 'AT+SAPBR', 'AT+SMTPCS', '=?', 'AT+SMTPRCPT=0\r'])
    assert.not.ok(repeat.includes(held), `repeat alert sent ${held}`);
  // what the module dropped after the send (docs/module-facts.md §7.2) is sent again
  for (const again of ['AT+SMTPSRV=', 'AT+SMTPAUTH=', 'AT+SMTPFROM=', 'AT+SMTPRCPT=0,0,', 'AT+SMTPSUB=', 'AT+SMTPBODY', 'AT+SMTPSEND'])
    assert.ok(repeat.includes(again), `repeat alert must send ${again}`);
});

t('attachment read from a Storage file in pieces (built modules in the sandbox)', async () => {
  w = await startWorld({ reuse: servers, via: 'module' });
  const bytes = randomBytes(20000);
  w.sandbox!.storage.write('photo.jpg', bytes.toString('latin1'));
  await w.mail.sendMail({ to: 'a@example.org', subject: 'from flash', body: 'b', attachment: { name: 'photo.jpg', file: 'photo.jpg' } });
  const m = await lastMail(w);
  assert.is(createHash('sha256').update(m.attachments[0].content).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
});

t.run();
