// The command set: every e-mail command in every form of the manual, the basic AT set, parameter errors, the
// command-line limit, compound lines, echo/verbosity, the body prompt and the SIM800 dialect. No server needed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Wire } from './wire';

const t = suite('commands');
const OKR = '\r\nOK\r\n';
const ERRR = '\r\nERROR\r\n';

async function off(opts?: Parameters<typeof Wire.boot>[0]): Promise<Wire> {
  const w = await Wire.boot(opts);
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  return w;
}

t('boot URCs at a fixed baud, echo on after boot', async () => {
  const { Sim900Emulator } = await import('../../host/emulator');
  const emu = new Sim900Emulator({ seed: 3 });
  const w = new Wire(emu);
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await w.expect('\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n');
  await w.cmd('AT', 'AT\r\r\nOK\r\n');
  emu.close();
});

t('test forms report the configured maxima', async () => {
  const w = await off();
  try {
    const tests: [string, string][] = [
      ['AT+EMAILCID=?', '+EMAILCID: (1-3)'],
      ['AT+EMAILTO=?', '+EMAILTO: (10-120)'],
      ['AT+SMTPSRV=?', '+SMTPSRV: 64,(1-65535)'],
      ['AT+SMTPAUTH=?', '+SMTPAUTH: (0,1),32,32'],
      ['AT+SMTPFROM=?', '+SMTPFROM: 48,48'],
      ['AT+SMTPRCPT=?', '+SMTPRCPT: (0-2),(0-4),48,48'],
      ['AT+SMTPSUB=?', '+SMTPSUB: 64'],
      ['AT+SMTPBODY=?', '+SMTPBODY: 4096'],
      ['AT+SMTPFILE=?', '+SMTPFILE: (0-2),48,(0,1)'],
      ['AT+SMTPCS=?', '+SMTPCS: 16'],
      ['AT+POP3SRV=?', '+POP3SRV: 64,32,32, (1-65535)'],
      ['AT+POP3LIST=?', '+POP3LIST: (1-65535)'],
      ['AT+POP3UIDL=?', '+POP3UIDL: (1-65535)'],
      ['AT+POP3CMD=?', '+POP3CMD: (1-4),(1-65535),(0-65535)'],
      ['AT+POP3READ=?', '+POP3READ: (1-1460)'],
      ['AT+POP3DEL=?', '+POP3DEL: (1-65535)'],
      ['AT+SAPBR=?', '+SAPBR: (0-5),(1-3), "ConParamTag","ConParamValue"'],
    ];
    for (const [c, r] of tests) await w.cmd(c, `\r\n${r}\r\n` + OKR);
    for (const c of ['AT+SMTPSEND=?', 'AT+SMTPFT=?', 'AT+POP3IN=?', 'AT+POP3NUM=?', 'AT+POP3RSET=?', 'AT+POP3OUT=?'])
      await w.cmd(c, OKR);
    w.close();
    const w2 = await off({ maxima: { body: 2048, smtpServer: 50 } });
    await w2.cmd('AT+SMTPBODY=?', '\r\n+SMTPBODY: 2048\r\n' + OKR);
    await w2.cmd('AT+SMTPSRV=?', '\r\n+SMTPSRV: 50,(1-65535)\r\n' + OKR);
    w2.close();
  } finally {
    w.close();
  }
});

t('write then read forms, defaults', async () => {
  const w = await off();
  try {
    await w.cmd('AT+EMAILCID?', '\r\n+EMAILCID: 1\r\n' + OKR);
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 30\r\n' + OKR);
    await w.cmd('AT+SMTPCS?', '\r\n+SMTPCS: "ASCII"\r\n' + OKR);
    await w.cmd('AT+SMTPSRV?', '\r\n+SMTPSRV: "",25\r\n' + OKR);
    await w.cmd('AT+SMTPRCPT?', OKR);
    await w.cmd('AT+EMAILCID=2', OKR);
    await w.cmd('AT+EMAILCID?', '\r\n+EMAILCID: 2\r\n' + OKR);
    await w.cmd('AT+EMAILTO=120', OKR);
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 120\r\n' + OKR);
    await w.cmd('AT+SMTPSRV="smtp.example.com"', OKR);
    await w.cmd('AT+SMTPSRV?', '\r\n+SMTPSRV: "smtp.example.com",25\r\n' + OKR);
    await w.cmd('AT+SMTPSRV="10.0.0.1",587', OKR);
    await w.cmd('AT+SMTPSRV?', '\r\n+SMTPSRV: "10.0.0.1",587\r\n' + OKR);
    await w.cmd('AT+SMTPSRV="smtp.gmail.com","465"', OKR); // quoted port tolerated (GSMSim)
    await w.cmd('AT+SMTPAUTH=1,"u","p"', OKR);
    await w.cmd('AT+SMTPAUTH?', '\r\n+SMTPAUTH: 1,"u","p"\r\n' + OKR);
    await w.cmd('AT+SMTPAUTH=0', OKR);
    await w.cmd('AT+SMTPAUTH?', '\r\n+SMTPAUTH: 0,"",""\r\n' + OKR);
    await w.cmd('AT+SMTPFROM="a@b.c"', OKR);
    await w.cmd('AT+SMTPFROM?', '\r\n+SMTPFROM: "a@b.c",""\r\n' + OKR);
    await w.cmd('AT+SMTPFROM="mail",""', OKR); // T01: empty name accepted
    await w.cmd('AT+SMTPRCPT=0,0,"x@y.z","X"', OKR);
    await w.cmd('AT+SMTPRCPT=0,1,"x1@y.z"', OKR);
    await w.cmd('AT+SMTPRCPT=2,0,"b@y.z","B"', OKR);
    await w.cmd('AT+SMTPRCPT=1,3,"c@y.z","C"', OKR);
    await w.cmd(
      'AT+SMTPRCPT?',
      '\r\n+SMTPRCPT: 0,0,"x@y.z","X"\r\n+SMTPRCPT: 0,1,"x1@y.z",""\r\n+SMTPRCPT: 1,3,"c@y.z","C"\r\n+SMTPRCPT: 2,0,"b@y.z","B"\r\n' + OKR,
    );
    await w.cmd('AT+SMTPRCPT=0,1', OKR); // delete one
    await w.cmd('AT+SMTPRCPT=1', OKR); // delete all Cc
    await w.cmd('AT+SMTPRCPT?', '\r\n+SMTPRCPT: 0,0,"x@y.z","X"\r\n+SMTPRCPT: 2,0,"b@y.z","B"\r\n' + OKR);
    await w.cmd('AT+SMTPSUB="Hello, world"', OKR);
    await w.cmd('AT+SMTPSUB?', '\r\n+SMTPSUB: "Hello, world"\r\n' + OKR);
    await w.cmd('AT+SMTPFILE=2,"a.bin",1', OKR);
    await w.cmd('AT+SMTPFILE?', '\r\n+SMTPFILE: 2,"a.bin",1\r\n' + OKR);
    await w.cmd('AT+SMTPFILE=0', OKR);
    await w.cmd('AT+SMTPFILE?', '\r\n+SMTPFILE: 0,"",0\r\n' + OKR);
    await w.cmd('AT+SMTPCS="UTF-8"', OKR);
    await w.cmd('AT+SMTPCS?', '\r\n+SMTPCS: "UTF-8"\r\n' + OKR);
    await w.cmd('AT+POP3SRV="pop.x","u","p"', OKR);
    await w.cmd('AT+POP3SRV?', '\r\n+POP3SRV: "pop.x","u","p",110\r\n' + OKR);
    await w.cmd('AT+POP3SRV="pop.x","u","p",995', OKR);
    await w.cmd('AT+POP3SRV?', '\r\n+POP3SRV: "pop.x","u","p",995\r\n' + OKR);
  } finally {
    w.close();
  }
});

t('AT+EMAILSSL: every form where the firmware has it (sim800 by default, sim900 by option), ERROR where not', async () => {
  for (const o of [{ dialect: 'sim800' as const }, { emailssl: true }]) {
    const w = await off(o);
    try {
      await w.cmd('AT+EMAILSSL=?', '\r\n+EMAILSSL: (0-2)\r\n' + OKR);
      await w.cmd('AT+EMAILSSL?', '\r\n+EMAILSSL: 0\r\n' + OKR);
      await w.cmd('AT+EMAILSSL=2', OKR);
      await w.cmd('AT+EMAILSSL?', '\r\n+EMAILSSL: 2\r\n' + OKR);
      for (const bad of ['AT+EMAILSSL=3', 'AT+EMAILSSL=-1', 'AT+EMAILSSL=', 'AT+EMAILSSL=1,1', 'AT+EMAILSSL="x"', 'AT+EMAILSSL']) await w.cmd(bad, ERRR);
      await w.cmd('AT+EMAILSSL?', '\r\n+EMAILSSL: 2\r\n' + OKR);
      await w.cmd('AT+EMAILSSL=1;+EMAILSSL?', '\r\n+EMAILSSL: 1\r\n' + OKR);
      // lost at a restart, like every e-mail setting (S800M: NO_SAVE)
      w.emu.reset();
      await w.until('SMS Ready\r\n');
      await w.cmd('ATE0', 'ATE0\r' + OKR);
      await w.cmd('AT+EMAILSSL?', '\r\n+EMAILSSL: 0\r\n' + OKR);
    } finally {
      w.close();
    }
  }
  for (const o of [{}, { dialect: 'sim800' as const, emailssl: false }]) {
    const w = await off(o);
    try {
      for (const c of ['AT+EMAILSSL=?', 'AT+EMAILSSL?', 'AT+EMAILSSL=0', 'AT+EMAILSSL=1', 'AT+EMAILSSL']) await w.cmd(c, ERRR);
    } finally {
      w.close();
    }
  }
});

t('bad or missing parameters give ERROR', async () => {
  const w = await off();
  try {
    const bad = [
      'AT+EMAILCID=0', 'AT+EMAILCID=4', 'AT+EMAILCID=', 'AT+EMAILCID', 'AT+EMAILTO=9', 'AT+EMAILTO=121', 'AT+EMAILTO=x',
      'AT+SMTPSRV=', 'AT+SMTPSRV=""', 'AT+SMTPSRV="a",0', 'AT+SMTPSRV="a",65536', 'AT+SMTPSRV="a",25,1', 'AT+SMTPSRV="a',
      'AT+SMTPSRV="' + 'h'.repeat(65) + '"', 'AT+SMTPAUTH=0,"u","p"', 'AT+SMTPAUTH=1', 'AT+SMTPAUTH=1,"u"', 'AT+SMTPAUTH=2,"u","p"',
      'AT+SMTPFROM=', 'AT+SMTPFROM=""', 'AT+SMTPFROM="a b@c"', 'AT+SMTPFROM="' + 'a'.repeat(49) + '"',
      'AT+SMTPRCPT=3', 'AT+SMTPRCPT=0,5,"a@b"', 'AT+SMTPRCPT=0,0,""', 'AT+SMTPRCPT=', 'AT+SMTPRCPT=0,0,"a@b","n",1',
      'AT+SMTPSUB="' + 's'.repeat(65) + '"', 'AT+SMTPFILE=1,"a.txt",1', 'AT+SMTPFILE=2,"a.bin",0', 'AT+SMTPFILE=1',
      'AT+SMTPFILE=3,"a",0', 'AT+SMTPCS=""', 'AT+SMTPCS="' + 'c'.repeat(17) + '"', 'AT+SMTPSEND=1', 'AT+SMTPSEND?',
      'AT+SMTPSEND', // nothing configured
      'AT+SMTPFT=10', 'AT+SMTPFT', 'AT+POP3SRV="a","u"', 'AT+POP3SRV="a","u","p",0', 'AT+POP3IN', 'AT+POP3NUM',
      'AT+POP3LIST=0', 'AT+POP3LIST=1', 'AT+POP3UIDL=1', 'AT+POP3CMD=1,1', 'AT+POP3CMD=3,1', 'AT+POP3CMD=4',
      'AT+POP3CMD=5', 'AT+POP3READ=0', 'AT+POP3READ=1461', 'AT+POP3READ=100', 'AT+POP3DEL=1', 'AT+POP3RSET',
      'AT+POP3OUT', 'AT+SMTPBODY=10', 'AT+SMTPBODY?', 'AT+NOSUCH', 'ATE2', 'AT+SAPBR=0,1', 'AT+SAPBR=1,4',
      'AT+SAPBR=3,1,"",""', 'AT+SAPBR=3,1,"FOO","x"', 'AT+SAPBR=3,1,"CONTYPE","X25"', 'AT+SAPBR=6,1', 'AT+SAPBR=2',
    ];
    for (const c of bad) {
      w.send(c + '\r');
      await w.expect(ERRR, 5000, c);
    }
    // header injection attempts never reach the module's state
    w.send('AT+SMTPSUB="a\nBcc: x@y"\r');
    await w.expect(ERRR);
    await w.cmd('AT+SMTPSUB?', '\r\n+SMTPSUB: ""\r\n' + OKR);
    assert.ok(w.emu.violations.some((v) => /control character/.test(v)));
    await w.quiet();
  } finally {
    w.close();
  }
});

t('the 556-character command line', async () => {
  const w = await off();
  try {
    // 556 characters after "AT" are accepted, 557 refused (none of the commands runs)
    const sub = 'AT+SMTPSUB="x";+EMAILTO=60' + ';+EMAILCID=1'.repeat(0);
    let line = 'AT+EMAILTO=60';
    while (line.length - 2 < 556) line += ';';
    await w.cmd(line, OKR);
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 60\r\n' + OKR);
    await w.cmd(line + ';' .replace(';', '') + ';', ERRR);
    let l2 = 'AT+EMAILTO=90';
    while (l2.length - 2 < 557) l2 += ';';
    await w.cmd(l2, ERRR);
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 60\r\n' + OKR);
    void sub;
  } finally {
    w.close();
  }
});

t('compound lines: ";" after extended commands, concatenated basic commands', async () => {
  const w = await off();
  try {
    await w.cmd('AT+EMAILCID=2;+EMAILTO=45;+EMAILCID?;+EMAILTO?', '\r\n+EMAILCID: 2\r\n\r\n+EMAILTO: 45\r\n' + OKR);
    // an error stops the line: later commands do not run
    await w.cmd('AT+EMAILTO=50;+EMAILCID=9;+EMAILTO=70', ERRR);
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 50\r\n' + OKR);
    await w.cmd('ATE1V1Q0', OKR); // typed while echo was off: not echoed
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    // a data-phase command must be last
    await w.cmd('AT+SMTPBODY;+EMAILTO=60', ERRR);
  } finally {
    w.close();
  }
});

t('basic AT set', async () => {
  const w = await off();
  try {
    await w.cmd('AT', OKR);
    await w.cmd('at', OKR);
    await w.cmd('ATI', '\r\nSIM900 R11.0\r\n' + OKR);
    await w.cmd('AT+GSV', '\r\nSIMCOM_Ltd\r\nSIMCOM_SIM900\r\nRevision:1137B03SIM900M64_ST_MMS\r\n' + OKR);
    await w.cmd('AT+CGMM', '\r\nSIMCOM_SIM900\r\n' + OKR);
    await w.cmd('AT+CPIN?', '\r\n+CPIN: READY\r\n' + OKR);
    await w.cmd('AT+CREG?', '\r\n+CREG: 0,1\r\n' + OKR);
    await w.cmd('AT+CREG=1', OKR);
    await w.cmd('AT+CREG?', '\r\n+CREG: 1,1\r\n' + OKR);
    await w.cmd('AT+CGATT?', '\r\n+CGATT: 1\r\n' + OKR);
    await w.cmd('AT+CSQ', '\r\n+CSQ: 18,0\r\n' + OKR);
    await w.cmd('AT+IPR?', '\r\n+IPR: 115200\r\n' + OKR);
    await w.cmd('AT+IPR=9600', OKR);
    await w.cmd('AT+IPR?', '\r\n+IPR: 9600\r\n' + OKR);
    await w.cmd('AT+IPR=1234', ERRR);
    await w.cmd('AT+CFUN?', '\r\n+CFUN: 1\r\n' + OKR);
    await w.cmd('AT&W', OKR);
    await w.cmd('AT+CMEE=1', OKR);
    await w.cmd('AT+CMEE?', '\r\n+CMEE: 1\r\n' + OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd('AT+SAPBR=1,1', '\r\n+CME ERROR: 3\r\n');
    await w.cmd('AT+CMEE=2', OKR);
    await w.cmd('AT+SAPBR=1,1', '\r\n+CME ERROR: operation not allowed\r\n'); // T02
    await w.cmd('AT+SMTPSRV=', ERRR); // e-mail commands: plain ERROR whatever CMEE says
    await w.cmd('ATV0', '0\r');
    await w.cmd('AT+EMAILTO?', '+EMAILTO: 30\r\n0\r');
    await w.cmd('AT+EMAILTO=1', '4\r');
    await w.cmd('ATV1', OKR);
    await w.cmd('ATQ1', '');
    await w.cmd('AT+EMAILTO?', '\r\n+EMAILTO: 30\r\n');
    await w.cmd('ATQ0', OKR);
    // A/ repeats the last command line
    w.send('A/');
    await w.expect(OKR);
    // garbage lines without the AT prefix are ignored
    w.send('hello\r');
    await w.quiet();
    await w.cmd('AT+CPOWD=1', '\r\nNORMAL POWER DOWN\r\n');
    w.send('AT\r');
    await w.quiet(); // powered off: no answer
    w.emu.powerOn();
    await w.expect('\r\nRDY\r\n');
  } finally {
    w.close();
  }
});

t('AT+SAPBR: all cmd_types, the real =4 block, closed status', async () => {
  const w = await off({ bearerIp: '10.42.39.52' });
  try {
    await w.cmd('AT+SAPBR=4,1', '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: \r\nPHONENUM: \r\nUSER: \r\nPWD: \r\nRATE: 2\r\n' + OKR);
    await w.cmd('AT+SAPBR=3,1,APN,"IOT.1NCE.NET"', OKR); // unquoted tag (T02)
    await w.cmd('AT+SAPBR=3,1,"user","me"', OKR); // tag case-insensitive
    await w.cmd('AT+SAPBR=3,1,"PWD","pw"', OKR);
    await w.cmd('AT+SAPBR=3,1,"RATE","3"', OKR);
    await w.cmd('AT+SAPBR=4,1', '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: IOT.1NCE.NET\r\nPHONENUM: \r\nUSER: me\r\nPWD: pw\r\nRATE: 3\r\n' + OKR);
    await w.cmd('AT+SAPBR=4,2', '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: \r\nPHONENUM: \r\nUSER: \r\nPWD: \r\nRATE: 2\r\n' + OKR);
    await w.cmd('AT+SAPBR=5,1', OKR);
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,1,"10.42.39.52"\r\n' + OKR);
    await w.cmd('AT+SAPBR=0,1', OKR);
    await w.cmd('AT+SAPBR=0,1', ERRR);
  } finally {
    w.close();
  }
  const w8 = await off({ dialect: 'sim800' });
  try {
    await w8.cmd('AT+SAPBR=?', '\r\n+SAPBR: (0-4),(1-3), "ConParamTag","ConParamValue"\r\n' + OKR);
    await w8.cmd('AT+SAPBR=5,1', ERRR);
  } finally {
    w8.close();
  }
});

t('SAPBR open/close delays are configurable, statuses 0 and 2 meanwhile', async () => {
  const w = await off({ sapbrOpenDelayMs: 300, sapbrCloseDelayMs: 200, busyInput: 'queue' });
  try {
    const t0 = Date.now();
    w.send('AT+SAPBR=1,1\r');
    await w.expect(OKR, 2000);
    const dt = Date.now() - t0;
    assert.ok(dt >= 290 && dt < 1000, String(dt));
    w.send('AT+SAPBR=0,1\r');
    await w.expect(OKR, 2000);
    const w2 = await off({ sapbrOpenFails: true, sapbrOpenDelayMs: 10 });
    await w2.cmd('AT+SAPBR=1,1', ERRR); // T04
    await w2.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
    w2.close();
  } finally {
    w.close();
  }
});

t('body prompt: Ctrl-Z saves, ESC cancels and keeps the old body, overflow and bad hex give ERROR', async () => {
  const w = await off({ maxima: { body: 10 } });
  try {
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('line 1\r\nl23\x1a');
    await w.expect(ERRR); // 10 bytes max: 12 given
    await w.cmd('AT+SMTPBODY=', '\r\n> '); // the manual's "AT+SMTPBODY=" spelling of the execution form
    w.send('ab\r\ncd\x1a');
    await w.expect(OKR);
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('other\x1b');
    await w.expect(OKR);
    // URCs during the prompt wait until the final result
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.emu.injectUrc('RING');
    w.send('xy');
    await w.quiet(30);
    w.send('\x1a');
    await w.expect(OKR + '\r\nRING\r\n');
    await w.cmd('AT+SMTPCS="UTF-8"', OKR);
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('4G\x1a');
    await w.expect(ERRR);
    await w.cmd('AT+SMTPSUB="TEST"', ERRR); // not hex while the charset is UTF-8
    await w.cmd('AT+SMTPSUB="0A41"', ERRR); // a control character in the decoded subject
  } finally {
    w.close();
  }
});

t('SIM800 dialect: AT+SMTPBODY=<len> then DOWNLOAD, exactly len bytes, no execution form', async () => {
  const w = await off({ dialect: 'sim800' });
  try {
    await w.cmd('AT+SMTPBODY', ERRR);
    await w.cmd('AT+SMTPBODY=0', ERRR);
    await w.cmd('AT+SMTPBODY=4097', ERRR);
    await w.cmd('AT+SMTPBODY=12', '\r\nDOWNLOAD\r\n');
    w.send('hello\x1a\r\nwor');
    await w.quiet(20);
    w.send('l\r\n'); // 12 bytes done at "l"; the trailing CR LF is an empty command line
    await w.expect(OKR);
    await w.quiet(30);
    await w.cmd('AT', OKR);
  } finally {
    w.close();
  }
});

t('CR LF line ends: the LF after a command\'s CR is not body or counted data (DOWNLOAD, "> " prompt)', async () => {
  const body = (w: Wire) => (w.emu as any).m.email.body.toString('latin1');
  const w = await off({ dialect: 'sim800' });
  try {
    // the LF in a write of its own (after DOWNLOAD), then in the command's write
    await w.cmd('AT+SMTPBODY=5', '\r\nDOWNLOAD\r\n');
    w.send('\nhello');
    await w.expect(OKR);
    assert.is(body(w), 'hello');
    w.send('AT+SMTPBODY=4\r\n');
    await w.expect('\r\nDOWNLOAD\r\n');
    w.send('abcd');
    await w.expect(OKR);
    assert.is(body(w), 'abcd');
    await w.cmd('AT', OKR);
  } finally {
    w.close();
  }
  const p = await off();
  try {
    p.send('AT+SMTPBODY\r\n');
    await p.expect('\r\n> ');
    p.send('line 1\r\nline 2\x1a');
    await p.expect(OKR);
    assert.is(body(p), 'line 1\r\nline 2');
  } finally {
    p.close();
  }
});

t('AT&F loads the factory profile, AT&W stores the current one, ATZ and a restart load the stored one', async () => {
  const w = await off();
  try {
    await w.cmd('AT&F', OKR); // echo back on: the factory profile
    await w.cmd('AT', 'AT\r' + OKR);
    await w.cmd('ATE0V0&W', 'ATE0V0&W\r0\r');
    await w.cmd('ATE1V1', OKR); // (typed while echo was off: not echoed)
    await w.cmd('ATZ', 'ATZ\r0\r'); // the stored profile: echo off, numeric results
    await w.cmd('AT', '0\r');
    w.emu.reset(); // NVRAM outlives a restart: still echo off, numeric
    await w.until('SMS Ready\r\n');
    await w.cmd('AT', '0\r');
    await w.cmd('AT&F&W', OKR);
    await w.cmd('AT', 'AT\r' + OKR);
    await w.cmd('ATZ1', 'ATZ1\r\r\nERROR\r\n');
  } finally {
    w.close();
  }
});

t('input while a command executes is queued (default) and noted as a violation', async () => {
  const w = await off({ sapbrOpenDelayMs: 100 });
  try {
    w.send('AT+SAPBR=1,1\r');
    w.send('AT\r');
    await w.expect(OKR + OKR, 2000);
    assert.ok(w.emu.violations.indexOf('input while a command is executing') >= 0);
  } finally {
    w.close();
  }
});

t.run();
