// Clients written for real modules, run against the emulator as they are: the bring-up and mail sequences of a
// Python SIM808 driver (PYDRV: CR LF line ends, echo left on, readline, UTF-8 hex body) and of a Java SIM800
// library (FONA: AT&F, ATE0, AT+CGREG=1, AT&W, "At+SMTPRCPT" in mixed case, CR only, the body after DOWNLOAD
// followed by CR), a SIM900 client ending every line with CR LF at the "> " prompt, and bodies written early.
// Each mail must arrive at the real SMTP server with its body intact. Nothing of src/ is used.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { simpleParser } from 'mailparser';
import { startMailServers, type MailServers } from '../../host/servers';
import { Sim900Emulator, type PartialOptions } from '../../host/emulator';
import { LineClient } from './lineclient';

const t = suite('conformance: other clients, unchanged');
let srv: MailServers;

t.before(async () => {
  srv = await startMailServers();
});
t.after(async () => {
  if (srv) await srv.stop();
});

/** A module that has just booted (its boot URCs read), and a client on it. */
async function module(eol: string, opts: PartialOptions): Promise<{ emu: Sim900Emulator; c: LineClient }> {
  const emu = new Sim900Emulator({ sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0, ...opts });
  const c = new LineClient(emu, eol);
  await c.until('SMS Ready\r\n');
  return { emu, c };
}

/** The text of the next message the SMTP server receives, and its subject. */
async function received(index: number): Promise<{ text: string; subject: string; raw: string }> {
  const m = await srv.smtp.waitForMessage(index);
  const p = await simpleParser(m.raw);
  return { text: (p.text ?? '').replace(/\n$/, ''), subject: p.subject ?? '', raw: m.raw.toString('latin1') };
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

t('PYDRV (SIM808, Python): CR LF, echo on, readline; UTF-8 hex body through DOWNLOAD (sim800)', async () => {
  const { emu, c } = await module('\r\n', { dialect: 'sim800' });
  try {
    // the driver matches whole lines, echo included: "AT+CCID\r\r\n", then the ICCID line (its sim_get_ccid)
    assert.equal(await c.command('AT'), ['AT\r\r\n', 'OK\r\n']);
    assert.equal(await c.command('AT+CMEE=2'), ['AT+CMEE=2\r\r\n', 'OK\r\n']);
    assert.equal(await c.command('AT+CPIN?'), ['AT+CPIN?\r\r\n', '+CPIN: READY\r\n', '\r\n', 'OK\r\n']);
    assert.equal(await c.command('AT+CSQ'), ['AT+CSQ\r\r\n', '+CSQ: 18,0\r\n', '\r\n', 'OK\r\n']);
    const creg = (await c.command('AT+CREG?'))[1];
    assert.ok(/^[+]CREG: (\d),(\d),?(".+")?,?(".+")?\r\n$/.test(creg), creg); // network_get_registration's pattern
    const cops = (await c.command('AT+COPS?'))[1];
    assert.ok(/^[+]COPS: (\d),?(\d)?,?(.*)?\r\n$/.test(cops), cops); // operator_get_current's
    const avail = (await c.command('AT+COPS=?'))[1];
    assert.ok(/^[+]COPS: ([(].+[)]),,([(].+[)]),([(].+[)])\r\n$/.test(avail), avail); // operator_get_available's
    assert.equal((await c.command('AT+CCID')).slice(0, 2), ['AT+CCID\r\r\n', '89010010000000000019\r\n']);
    // email_initialize
    for (const cmd of [
      'AT+SAPBR=3,1,"Contype","GPRS"', 'AT+SAPBR=3,1,"APN","internet"', 'AT+SAPBR=1,1', 'AT+EMAILCID=1', 'AT+EMAILTO=30',
      'AT+SMTPCS="UTF-8"', `AT+SMTPSRV="127.0.0.1",${srv.smtp.port}`, `AT+SMTPAUTH=1,"${srv.pop3.user}","${srv.pop3.password}"`,
      'AT+SMTPFROM="pump4@example.org","Pump 4"', 'AT+EMAILSSL=0',
    ]) {
      const r = await c.command(cmd);
      assert.is(r[r.length - 1], 'OK\r\n', cmd);
    }
    // email_send: the body is hex; the driver waits for the line "DOWNLOAD\r\n", writes the hex without a line end
    const message = 'Tank 3 low: 12 %\r\nÄnderung um 03:12\r\n.a line with a leading dot';
    const n = srv.smtp.received.length;
    for (const cmd of ['AT+SMTPRCPT=0,0,"ops@example.org","Ops"', `AT+SMTPSUB="${hex('Alarm ✓')}"`]) {
      const r = await c.command(cmd);
      assert.is(r[r.length - 1], 'OK\r\n', cmd);
    }
    c.write(`AT+SMTPBODY=${hex(message).length}\r\n`);
    await c.linesUntil((l) => l === 'DOWNLOAD\r\n');
    c.write(hex(message));
    await c.linesUntil((l) => l === 'OK\r\n');
    c.write('AT+SMTPSEND\r\n');
    await c.linesUntil((l) => l === '+SMTPSEND: 1\r\n', 15000);
    const got = await received(n);
    assert.is(got.subject, 'Alarm ✓');
    assert.is(got.text, message.replace(/\r\n/g, '\n'));
    assert.equal(emu.violations, []);
  } finally {
    c.close();
    emu.close();
  }
});

t('FONA (SIM800, Java): AT&F, ATE0, AT+IPR, AT+CGREG=1, AT&W, GPRS off and on, "At+SMTPRCPT", CR only', async () => {
  const { emu, c } = await module('\r', { dialect: 'sim800' });
  try {
    const ok = async (cmd: string) => {
      const r = await c.command(cmd);
      assert.ok(r.join('').trim().endsWith('OK'), `${cmd}: ${JSON.stringify(r)}`); // atCommandOK's check
      return r;
    };
    // open(): the first three are sent without checking the answer
    await c.command('AT');
    await c.command('AT&F');
    await c.command('ATE0');
    await ok('AT+IPR=115200');
    await ok('AT+CGREG=1');
    await ok('AT&W');
    await c.command('AT+SAPBR=0,1'); // "returns ERROR if no bearer"
    const off = await c.command('AT+CGATT=0', 10000);
    assert.ok(off.indexOf('+CGREG: 0\r\n') >= 0, JSON.stringify(off)); // the URC the library turned on
    assert.ok((await c.command('AT+CGATT?')).indexOf('+CGATT: 0\r\n') >= 0);
    // gprsEnable
    await c.command('AT+CGATT=1', 10000);
    for (const p of ['"CONTYPE","GPRS"', '"APN","internet"', '"USER",""', '"PWD",""']) await ok('AT+SAPBR=3,1,' + p);
    await ok('AT+SAPBR=1,1');
    assert.ok((await c.command('AT+CGATT?')).indexOf('+CGATT: 1\r\n') >= 0);
    // emailSMTPLogin with user and password, then emailSMTPSend
    await ok('AT+EMAILCID=1');
    await ok('AT+EMAILTO=30');
    await ok(`AT+SMTPSRV="127.0.0.1",${srv.smtp.port}`);
    await ok('AT+SMTPAUTH=0');
    await ok(`AT+SMTPAUTH=1,"${srv.pop3.user}","${srv.pop3.password}"`);
    await ok('AT+SMTPFROM="fona@test.com","Fona"');
    await ok('At+SMTPRCPT=0,0,"ops@example.org","Ops"');
    await ok('AT+SMTPSUB="Fona Java Library Email Test"');
    const body = 'Hello, from FONA.';
    const n = srv.smtp.received.length;
    c.write(`AT+SMTPBODY=${body.length}\r`);
    await c.until('DOWNLOAD');
    await ok(body); // the body goes out with atCommandOK: followed by CR, an empty command line
    await ok('AT+SMTPSEND');
    await c.linesUntil((l) => l.startsWith('+SMTPSEND'), 15000).then((ls) => assert.is(ls[ls.length - 1], '+SMTPSEND: 1\r\n'));
    const got = await received(n);
    assert.is(got.text, body);
    assert.is(got.subject, 'Fona Java Library Email Test');
    // AT&W kept echo off: a restart comes back without echo
    emu.reset();
    await c.until('SMS Ready\r\n');
    assert.equal(await c.command('AT'), ['\r\n', 'OK\r\n']);
  } finally {
    c.close();
    emu.close();
  }
});

t('SIM900 client ending every line with CR LF: lower and mixed case, echo on, multi-line body at the "> " prompt', async () => {
  const { emu, c } = await module('\r\n', { dialect: 'sim900' });
  try {
    const lines = [
      'AT', 'ATE1', 'AT+CMEE=2', 'AT+CPIN?', 'AT+CSQ', 'AT+CREG?', 'AT+CGREG=1', 'AT+CGATT?',
      'AT+SAPBR=3,1,"CONTYPE","GPRS"', 'AT+SAPBR=3,1,"APN","internet"', 'AT+SAPBR=1,1', 'AT+SAPBR=2,1',
      'at+emailcid=1', 'At+EmailTO=30', `at+smtpsrv="127.0.0.1",${srv.smtp.port}`,
      `AT+SMTPAUTH=1,"${srv.pop3.user}","${srv.pop3.password}"`, 'at+smtpfrom="pump4@example.org","Pump 4"',
      'At+SMTPRCPT=0,0,"ops@example.org","Ops"', 'AT+smtpsub="Door open"',
    ];
    for (const l of lines) {
      const r = await c.command(l);
      assert.is(r[0], l + '\r\r\n', 'echoed as typed, with its CR (the LF is not echoed)');
      assert.is(r[r.length - 1], 'OK\r\n', l);
    }
    const body = 'Door 2 opened at 03:12.\r\n\r\n.\r\nSecond paragraph, after a line holding a dot.\r\n';
    const n = srv.smtp.received.length;
    c.write('AT+SMTPBODY\r\n');
    await c.until('\r\n> ');
    c.write(body + '\x1a');
    await c.until('OK\r\n');
    c.write('AT+SMTPSEND\r\n');
    await c.until('+SMTPSEND: 1\r\n', 15000);
    const got = await received(n);
    assert.ok(got.raw.indexOf('\r\n\r\n' + body) > 0, 'the body bytes, unchanged, after the header');
    assert.equal(emu.violations, []);
  } finally {
    c.close();
    emu.close();
  }
});

t('a body written early (with the command): dropped by default, the client that then waits still sends it; kept with earlyData keep', async () => {
  for (const dialect of ['sim800', 'sim900'] as const) {
    const { emu, c } = await module('\r\n', { dialect });
    try {
      await c.command('ATE0');
      for (const cmd of ['AT+SAPBR=1,1', `AT+SMTPSRV="127.0.0.1",${srv.smtp.port}`, `AT+SMTPAUTH=1,"${srv.pop3.user}","${srv.pop3.password}"`,
        'AT+SMTPFROM="a@example.org","A"', 'AT+SMTPRCPT=0,0,"ops@example.org","Ops"', `AT+SMTPSUB="early ${dialect}"`]) await c.command(cmd);
      const body = `written too early (${dialect})`;
      const ask = dialect === 'sim800' ? `AT+SMTPBODY=${body.length}\r\n` : 'AT+SMTPBODY\r\n';
      const prompt = dialect === 'sim800' ? '\r\nDOWNLOAD\r\n' : '\r\n> ';
      const end = dialect === 'sim800' ? '' : '\x1a';
      c.write(ask + body + end); // one write: before the module asked
      await c.until(prompt);
      await new Promise((r) => setTimeout(r, 30));
      assert.is(c.pending(), '', 'no OK: the early bytes were not taken');
      assert.ok(emu.violations.some((v) => /before the module asked for data/.test(v)));
      c.write(body + end); // now, after the request
      await c.until('OK\r\n');
      const n = srv.smtp.received.length;
      c.write('AT+SMTPSEND\r\n');
      await c.until('+SMTPSEND: 1\r\n', 15000);
      assert.is((await received(n)).text, body);
    } finally {
      c.close();
      emu.close();
    }
    const k = await module('\r\n', { dialect, earlyData: 'keep' });
    try {
      await k.c.command('ATE0');
      const body = `kept (${dialect})`;
      k.c.write((dialect === 'sim800' ? `AT+SMTPBODY=${body.length}\r\n` : 'AT+SMTPBODY\r\n') + body + (dialect === 'sim800' ? '' : '\x1a'));
      await k.c.until('OK\r\n');
      assert.is((k.emu as any).m.email.body.toString('latin1'), body);
    } finally {
      k.c.close();
      k.emu.close();
    }
  }
});

t.run();
