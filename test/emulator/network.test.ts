// Real networking through the emulator: result codes 61-69 provoked against real servers (smtp-server with its
// fault hooks, Dovecot), SMTP/POP3 exclusion, POP3READ flow control, the round trip SMTP -> Dovecot -> POP3READ
// with Bcc absent, and the faults (bearer loss, reset, dropped TCP, noise URCs, pacing, chunking).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { simpleParser } from 'mailparser';
import { startMailServers, freePort, type MailServers } from '../../host/servers';
import { Wire } from './wire';
import type { PartialOptions } from '../../host/emulator';

const t = suite('network, codes and faults');
let srv: MailServers;
let silent: net.Server; // accepts TCP and never says a word (a dead host), for the 64 timeouts
const silentSockets: net.Socket[] = [];
const OKR = '\r\nOK\r\n';
const ERRR = '\r\nERROR\r\n';

const FAST: PartialOptions = { timeoutScale: 0.02, sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0 }; // EMAILTO=10 -> 200 ms

async function ready(opts?: PartialOptions, openBearer = true): Promise<Wire> {
  const w = await Wire.boot({ ...FAST, ...opts });
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  if (openBearer) await w.cmd('AT+SAPBR=1,1', OKR);
  await w.cmd('AT+EMAILTO=10', OKR);
  return w;
}

async function smtpSetup(w: Wire, port: number, opts: { host?: string; auth?: [string, string] | null; rcpt?: string } = {}) {
  await w.cmd(`AT+SMTPSRV="${opts.host ?? '127.0.0.1'}",${port}`, OKR);
  const auth = opts.auth === undefined ? [srv.pop3.user, srv.pop3.password] : opts.auth;
  if (auth) await w.cmd(`AT+SMTPAUTH=1,"${auth[0]}","${auth[1]}"`, OKR);
  await w.cmd('AT+SMTPFROM="me@sim.test","Me"', OKR);
  await w.cmd(`AT+SMTPRCPT=0,0,"${opts.rcpt ?? 'to@sim.test'}","To"`, OKR);
  await w.cmd('AT+SMTPSUB="code test"', OKR);
  await w.cmd('AT+SMTPBODY', '\r\n> ');
  w.send('body\x1a');
  await w.expect(OKR);
}

async function sendExpect(w: Wire, code: number): Promise<void> {
  await w.cmd('AT+SMTPSEND', OKR);
  await w.expect(`\r\n+SMTPSEND: ${code}\r\n`, 5000);
}

async function pop3Login(w: Wire, port = srv.pop3.port, password = srv.pop3.password, host = '127.0.0.1') {
  await w.cmd(`AT+POP3SRV="${host}","${srv.pop3.user}","${password}",${port}`, OKR);
  await w.cmd('AT+POP3IN', OKR);
}

t.before(async () => {
  srv = await startMailServers();
  silent = net.createServer((s) => silentSockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
});
t.after(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise((r) => silent.close(r));
  if (srv) await srv.stop();
});

const silentPort = () => (silent.address() as net.AddressInfo).port;

t('SMTP codes 1 and 61-68', async () => {
  const w = await ready();
  try {
    await smtpSetup(w, srv.smtp.port);
    await sendExpect(w, 1);
    await smtpSetup(w, srv.smtp.port, { host: 'no-such-host.invalid' });
    await sendExpect(w, 62);
    await smtpSetup(w, await freePort());
    await sendExpect(w, 63);
    await smtpSetup(w, silentPort());
    await sendExpect(w, 64);
    srv.smtp.faults.push({ stage: 'data', reply: '554 Transaction failed' });
    await smtpSetup(w, srv.smtp.port);
    await sendExpect(w, 65);
    await w.cmd('AT+SMTPAUTH=0', OKR); // the server requires AUTH: 530 at MAIL FROM
    await sendExpect(w, 66);
    await smtpSetup(w, srv.smtp.port, { auth: [srv.pop3.user, 'wrong-password'] });
    await sendExpect(w, 67);
    srv.smtp.rejectRecipients.add('nobody@sim.test');
    await smtpSetup(w, srv.smtp.port, { rcpt: 'nobody@sim.test' });
    await sendExpect(w, 68);
    await w.cmd('AT+SAPBR=0,1', OKR);
    await smtpSetup(w, srv.smtp.port);
    await sendExpect(w, 61);
    await w.quiet();
  } finally {
    w.close();
  }
});

t('POP3 codes: +POP3IN 1, 61-65, 68; +POP3OUT 69 for unread data', async () => {
  const w = await ready();
  try {
    await pop3Login(w);
    await w.expect('\r\n+POP3IN: 1\r\n');
    // SMTP and POP3 never at once
    await smtpSetup(w, srv.smtp.port);
    await w.cmd('AT+SMTPSEND', ERRR);
    await w.cmd('AT+POP3IN', ERRR);
    await w.cmd('AT+POP3OUT', OKR);
    await w.expect('\r\n+POP3OUT: 1\r\n');
    await w.cmd('AT+EMAILTO=120', OKR); // Dovecot delays a failed login by auth_failure_delay (2 s)
    await pop3Login(w, srv.pop3.port, 'wrong');
    await w.expect('\r\n+POP3IN: 68\r\n', 4000);
    await w.cmd('AT+EMAILTO=10', OKR);
    await pop3Login(w, srv.pop3.port, srv.pop3.password, 'no-such-host.invalid');
    await w.expect('\r\n+POP3IN: 62\r\n');
    await pop3Login(w, await freePort());
    await w.expect('\r\n+POP3IN: 63\r\n');
    await pop3Login(w, silentPort());
    await w.expect('\r\n+POP3IN: 64\r\n');
    await pop3Login(w, srv.smtp.port); // an SMTP server greets "220 ...": not a POP3 answer
    await w.expect('\r\n+POP3IN: 65\r\n');
    await w.cmd('AT+SAPBR=0,1', OKR);
    await pop3Login(w);
    await w.expect('\r\n+POP3IN: 61\r\n');
  } finally {
    w.close();
  }
  const w2 = await ready({ pop3ReminderMs: 100, pop3UnreadQuitMs: 350 });
  try {
    await smtpSetup(w2, srv.smtp.port);
    await sendExpect(w2, 1);
    await pop3Login(w2);
    await w2.expect('\r\n+POP3IN: 1\r\n');
    await w2.cmd('AT+POP3CMD=1', OKR);
    await w2.expect('\r\n+POP3CMD: 1\r\n');
    await w2.cmd('AT+EMAILTO?', ERRR); // other commands are refused until the data is read
    const before = await w2.until('\r\n+POP3OUT: 69\r\n', 3000);
    assert.ok(/^(\r\n\+POP3READ: 3,\d+\r\n)+$/.test(before), JSON.stringify(before)); // reminders, then the quit
    await w2.cmd('AT+POP3READ=10', ERRR);
  } finally {
    w2.close();
  }
});

t('round trip: sent through the emulator, read back from Dovecot through POP3READ, Bcc absent', async () => {
  const w = await ready({ pop3RateBps: 20000 });
  try {
    await w.cmd('AT+SMTPSRV="localhost",' + srv.smtp.port, OKR);
    await w.cmd(`AT+SMTPAUTH=1,"${srv.pop3.user}","${srv.pop3.password}"`, OKR);
    await w.cmd('AT+SMTPFROM="sender@sim.test","Sender Name"', OKR);
    await w.cmd('AT+SMTPRCPT=0,0,"to@sim.test","To One"', OKR);
    await w.cmd('AT+SMTPRCPT=1,0,"cc@sim.test"', OKR);
    await w.cmd('AT+SMTPRCPT=2,0,"secret@sim.test","Hidden"', OKR);
    await w.cmd('AT+SMTPCS="UTF-8"', OKR);
    const subject = 'Grüße from the board';
    await w.cmd(`AT+SMTPSUB="${Buffer.from(subject).toString('hex').toUpperCase()}"`, OKR);
    const body = 'Line one\r\n.starts with a dot\r\nÜmlaut line\r\n' + 'long '.repeat(300) + '\r\n';
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send(Buffer.from(body).toString('hex') + '\x1a');
    await w.expect(OKR);
    await w.cmd('AT+SMTPFILE=2,"pic.bin",1', OKR);
    await w.cmd('AT+SMTPSEND', OKR);
    const bin = Buffer.alloc(3000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7 + 3) & 0xff;
    const b64 = bin.toString('base64');
    let off = 0;
    while (off < b64.length) {
      await w.expect('\r\n+SMTPFT: 1,1360\r\n');
      const n = Math.min(1360, b64.length - off);
      await w.cmd(`AT+SMTPFT=${n}`, `\r\n+SMTPFT: 2,${n}\r\n`);
      w.send(b64.substring(off, off + n));
      await w.expect(OKR);
      off += n;
    }
    await w.expect('\r\n+SMTPFT: 1,1360\r\n');
    await w.cmd('AT+SMTPFT=0', OKR);
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    // read it back
    await pop3Login(w);
    await w.expect('\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3NUM', OKR);
    const num = await w.until('\r\n', 3000).then(() => w.until('\r\n'));
    const m = /^\+POP3NUM: 1,(\d+),(\d+)$/.exec(num);
    assert.ok(m, num);
    const last = Number(m![1]);
    await w.cmd(`AT+POP3CMD=4,${last}`, OKR);
    await w.expect('\r\n+POP3CMD: 1\r\n');
    const parts: Buffer[] = [];
    let sawShort = false;
    let sawUrc3 = false;
    for (;;) {
      w.send('AT+POP3READ=1460\r');
      await w.until('\r\n+POP3READ: ');
      const head = await w.until('\r\n');
      const [st, len] = head.split(',').map(Number);
      await w.expect(Buffer.alloc(0));
      const start = w.pos;
      while (w.buf.length < start + len + 8) await new Promise((r) => setTimeout(r, 5));
      parts.push(Buffer.from(w.buf.subarray(start, start + len)));
      w.pos = start + len;
      await w.expect('\r\n\r\nOK\r\n');
      if (st === 2) break;
      if (len < 1460) {
        sawShort = true;
        await w.until('\r\n+POP3READ: 3,');
        await w.until('\r\n');
        sawUrc3 = true;
      }
    }
    assert.ok(sawShort && sawUrc3, 'a short read was followed by the +POP3READ: 3 URC (downlink throttled)');
    const data = Buffer.concat(parts);
    assert.is(data.subarray(data.length - 5).toString(), '\r\n.\r\n');
    const raw = Buffer.from(data.subarray(0, data.length - 3).toString('latin1').replace(/^\.\./gm, '.'), 'latin1');
    assert.not.ok(/^Bcc:/im.test(raw.toString('latin1')));
    assert.not.ok(raw.toString('latin1').indexOf('secret@sim.test') >= 0, 'Bcc address nowhere in the message');
    const p = await simpleParser(raw);
    assert.is(p.subject, subject);
    assert.is(p.text, body.replace(/\r\n/g, '\n'));
    assert.is((p.from as any).value[0].name, 'Sender Name');
    assert.is((p.to as any).value[0].address, 'to@sim.test');
    assert.is((p.cc as any).value[0].address, 'cc@sim.test');
    assert.is(p.attachments.length, 1);
    assert.is(p.attachments[0].filename, 'pic.bin');
    assert.ok(p.attachments[0].content.equals(bin));
    const env = srv.smtp.received[srv.smtp.received.length - 1];
    assert.ok(env.to.indexOf('secret@sim.test') >= 0, 'Bcc got a RCPT TO');
    await w.cmd('AT+POP3OUT', OKR);
    await w.expect('\r\n+POP3OUT: 1\r\n');
  } finally {
    w.close();
  }
});

async function attachmentStart(w: Wire): Promise<void> {
  await smtpSetup(w, srv.smtp.port);
  await w.cmd('AT+SMTPFILE=1,"a.txt",0', OKR);
  await w.cmd('AT+SMTPSEND', OKR);
  await w.expect('\r\n+SMTPFT: 1,1360\r\n');
}

t('faults: bearer loss, dropped TCP and reset in the middle of a send', async () => {
  const w = await ready();
  try {
    await attachmentStart(w);
    w.emu.loseBearer();
    await w.expect('\r\n+SAPBR 1: DEACT\r\n\r\n+SMTPSEND: 61\r\n');
    await w.cmd('AT+SAPBR=1,1', OKR);
    await attachmentStart(w);
    w.emu.dropTcp();
    await w.expect('\r\n+SMTPSEND: 63\r\n');
    await attachmentStart(w);
    // the server drops the connection by itself
    await w.cmd('AT+SMTPFT=5', '\r\n+SMTPFT: 2,5\r\n');
    w.send('abcde');
    await w.expect(OKR + '\r\n+SMTPFT: 1,1360\r\n');
    await attachmentStart(w).catch(() => undefined);
  } finally {
    w.close();
  }
  // seeded probabilities: the bearer is lost at the first stage
  const w2 = await ready({ seed: 7, faults: { bearerLossRate: 1 } });
  try {
    await smtpSetup(w2, srv.smtp.port);
    await w2.cmd('AT+SMTPSEND', OKR);
    await w2.expect('\r\n+SAPBR 1: DEACT\r\n\r\n+SMTPSEND: 61\r\n');
  } finally {
    w2.close();
  }
  // reset during the attachment: boot URCs, settings gone, echo back on
  const w3 = await ready();
  try {
    await attachmentStart(w3);
    w3.emu.reset();
    await w3.expect('\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n');
    await w3.cmd('AT+SMTPSRV?', 'AT+SMTPSRV?\r\r\n+SMTPSRV: "",25\r\n' + OKR);
    await w3.cmd('AT+SAPBR=2,1', 'AT+SAPBR=2,1\r\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
    await w3.quiet();
  } finally {
    w3.close();
  }
  // reset in the middle of a POP3 transfer (resetRate 1: at the first AT+POP3READ)
  const w4 = await ready({ faults: { resetRate: 1 } });
  try {
    await pop3Login(w4);
    await w4.expect('\r\n+POP3IN: 1\r\n');
    await w4.cmd('AT+POP3CMD=2', OKR);
    await w4.expect('\r\n+POP3CMD: 1\r\n');
    w4.send('AT+POP3READ=100\r');
    await w4.expect('\r\nRDY\r\n');
  } finally {
    w4.close();
  }
  // dropped TCP in a POP3 session
  const w5 = await ready();
  try {
    await pop3Login(w5);
    await w5.expect('\r\n+POP3IN: 1\r\n');
    w5.emu.dropTcp();
    await w5.expect('\r\n+POP3OUT: 63\r\n');
  } finally {
    w5.close();
  }
});

t('noise URCs only between lines, never inside a counted block', async () => {
  const w = await ready({ seed: 11 });
  w.emu.opts.faults.noiseRate = 0.5; // from now on (the set-up above expects exact bytes)
  try {
    const noise = /^(\r\n(RING|\+CMTI: "SM",1|UNDER-VOLTAGE WARNNING|\+CREG: 1|\+CGREG: 1|Call Ready|SMS Ready|\+CPIN: READY)\r\n)*/;
    const strip = () => {
      const r = w.rest();
      const m = noise.exec(r)!;
      w.pos += m[0].length;
      return m[0].length > 0;
    };
    let seen = 0;
    for (let i = 0; i < 20; i++) {
      w.send('AT+EMAILTO?\r');
      await w.until('OK\r\n');
    }
    seen = (w.buf.toString('latin1').match(/RING|CMTI|WARNNING|CREG|CGREG|Call Ready|SMS Ready|CPIN/g) || []).length;
    assert.ok(seen > 5, String(seen));
    // a counted block stays whole
    w.send(`AT+POP3SRV="127.0.0.1","${srv.pop3.user}","${srv.pop3.password}",${srv.pop3.port}\r`);
    await w.until('OK\r\n');
    w.send('AT+POP3IN\r');
    await w.until('+POP3IN: 1\r\n');
    w.send('AT+POP3CMD=1\r');
    await w.until('+POP3CMD: 1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    w.pos = w.buf.length;
    w.send('AT+POP3READ=1460\r');
    await new Promise((r) => setTimeout(r, 100));
    strip();
    const r = w.rest();
    const m = /^\r\n\+POP3READ: 2,(\d+)\r\n/.exec(r);
    assert.ok(m, JSON.stringify(r));
    const block = r.substr(m![0].length, Number(m![1]));
    assert.ok(/^(\d+ \d+\r\n)*\.\r\n$/.test(block), JSON.stringify(block));
  } finally {
    w.close();
  }
});

t('pacing at a baud rate and random chunking', async () => {
  const w = await ready({ baud: 9600 });
  try {
    const t0 = Date.now();
    w.send('AT+SAPBR=4,1\r');
    await w.until('OK\r\n', 3000);
    const dt = Date.now() - t0;
    const bytes = '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: \r\nPHONENUM: \r\nUSER: \r\nPWD: \r\nRATE: 2\r\n\r\nOK\r\n'.length;
    const expected = (bytes * 10 * 1000) / 9600;
    assert.ok(dt >= expected * 0.9, `${dt} ms for ${bytes} bytes at 9600 (expected >= ${expected})`);
  } finally {
    w.close();
  }
  const w2 = await ready({ chunkMax: 3, seed: 5 });
  try {
    const c0 = w2.chunks;
    await w2.cmd('AT+SAPBR=4,1', '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: \r\nPHONENUM: \r\nUSER: \r\nPWD: \r\nRATE: 2\r\n' + OKR);
    assert.ok(w2.chunks - c0 >= 70 / 3, String(w2.chunks - c0));
  } finally {
    w2.close();
  }
});

t.run();
