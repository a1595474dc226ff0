// The transcripts T01-T07 of docs/module-facts.md §1 (captures of real modules, sources listed there) that apply to this module, replayed byte-exact.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSmtp, type SmtpHandle } from '../../host/servers';
import { Wire } from './wire';

const t = suite('reference transcripts');
const OKR = '\r\nOK\r\n';
let smtp: SmtpHandle;
t.before(async () => {
  smtp = await startSmtp({ auth: { user: 'login', password: 'pw' } });
});
t.after(async () => {
  if (smtp) await smtp.stop();
});

t('T01 (SIM808): SAPBR query, e-mail set-up, AT+SMTPBODY=258 -> DOWNLOAD, SMTPSEND OK then +SMTPSEND: 65', async () => {
  const w = await Wire.boot({
    dialect: 'sim800',
    sapbrOpenDelayMs: 0,
    bearerIp: '10.1.2.3',
    route: (h) => (h === 'smtp.1und1.de' ? { host: '127.0.0.1', port: smtp.port } : null),
  });
  try {
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,1,"10.1.2.3"\r\n' + OKR);
    await w.cmd('AT+EMAILCID=1', OKR);
    await w.cmd('AT+EMAILTO=60', OKR);
    await w.cmd('AT+SMTPSRV="smtp.1und1.de",25', OKR);
    await w.cmd('AT+SMTPAUTH=1,"login","pw"', OKR);
    await w.cmd('AT+SMTPFROM="mail@sim.test",""', OKR); // the transcript's addresses are redacted
    await w.cmd('AT+SMTPRCPT=0,0,"recipient@sim.test",""', OKR);
    await w.cmd('AT+SMTPSUB="subject"', OKR);
    await w.cmd('AT+SMTPBODY=258', '\r\nDOWNLOAD\r\n');
    w.send('DATA' + '*'.repeat(254));
    await w.expect(OKR);
    smtp.faults.push({ stage: 'data', reply: '554 rejected' });
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPSEND: 65\r\n');
  } finally {
    w.close();
  }
});

t('T02 (SIM800, echo on, CMEE=2): echo + CR then CR LF framing, +CME ERROR for an open bearer', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 0, bearerIp: '10.141.7.244' });
  try {
    const e = (c: string, r: string) => w.cmd(c, c + '\r' + r);
    await e('AT+CREG=1', OKR);
    await e('AT+CREG?', '\r\n+CREG: 1,1\r\n' + OKR); // the capture shows 1,5 (roaming); this module is at home
    await e('AT+CMEE=2', OKR);
    await e('AT+SAPBR=3,1,"CONTYPE","GPRS"', OKR);
    await e('AT+SAPBR=3,1,APN,"IOT.1NCE.NET"', OKR);
    await e('AT+SAPBR=1,1', OKR);
    await e('AT+SAPBR=1,1', '\r\n+CME ERROR: operation not allowed\r\n');
    await e('AT+SAPBR=2,1', '\r\n+SAPBR: 1,1,"10.141.7.244"\r\n' + OKR);
  } finally {
    w.close();
  }
});

t('T03 (SIM800 timing): SAPBR=3 answers at once, SAPBR=1,1 after the configured ~1.3 s, SAPBR=2 at once', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 1290 });
  try {
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    let t0 = Date.now();
    await w.cmd('AT+SAPBR=3,1,"Contype","GPRS"', OKR);
    assert.ok(Date.now() - t0 < 100);
    t0 = Date.now();
    await w.cmd('AT+SAPBR=1,1', OKR, 3000);
    const dt = Date.now() - t0;
    assert.ok(dt >= 1280 && dt < 1600, String(dt));
    t0 = Date.now();
    await w.expect('');
    w.send('AT+SAPBR=2,1\r');
    await w.until('OK\r\n');
    assert.ok(Date.now() - t0 < 100);
  } finally {
    w.close();
  }
});

t('T04 (SIM900): SAPBR=1,1 fails with plain ERROR, the query shows 1,3,"0.0.0.0"', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 0, sapbrOpenFails: true });
  try {
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('AT+SAPBR=3,1,"Contype","GPRS"', OKR);
    await w.cmd('AT+SAPBR=3,1,"APN","net.hotm"', OKR);
    await w.cmd('AT+SAPBR=1,1', '\r\nERROR\r\n');
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
  } finally {
    w.close();
  }
});

t('T05 (STM32 comments): AT+SAPBR=2,1\\r\\r\\n+SAPBR: 1,1,"10.42.39.52"\\r\\n\\r\\nOK\\r\\n', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 0, bearerIp: '10.42.39.52' });
  try {
    await w.cmd('AT+SAPBR=1,1', 'AT+SAPBR=1,1\r' + OKR);
    await w.cmd('AT+SAPBR=2,1', 'AT+SAPBR=2,1\r\r\n+SAPBR: 1,1,"10.42.39.52"\r\n\r\nOK\r\n');
  } finally {
    w.close();
  }
});

t('T06 (LXNK SIM900 library): ATE0, "\\r\\n> " prompt, SMTPFT loop with exactly n bytes, +SMTPSEND: 1', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 0 });
  try {
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd(`AT+SMTPSRV="127.0.0.1",${smtp.port}`, OKR);
    await w.cmd('AT+SMTPAUTH=1,"login","pw"', OKR);
    await w.cmd('AT+SMTPFROM="a@sim.test","A"', OKR);
    await w.cmd('AT+SMTPRCPT=0,0,"b@sim.test","B"', OKR);
    await w.cmd('AT+SMTPSUB="lxnk"', OKR);
    await w.cmd('AT+SMTPBODY', '\r\n> ');
    w.send('with new lines\r\nsecond\x1a');
    await w.expect(OKR);
    await w.cmd('AT+SMTPFILE=2,"name",1', OKR);
    await w.cmd('AT+SMTPSEND', OKR + '\r\n+SMTPFT: 1,1360\r\n');
    const b64 = Buffer.from('binary\x00\x01\x02\xff data').toString('base64'); // a multiple of 4 per chunk
    await w.cmd(`AT+SMTPFT=${b64.length}`, `\r\n+SMTPFT: 2,${b64.length}\r\n`);
    w.send(b64);
    await w.expect(OKR + '\r\n+SMTPFT: 1,1360\r\n');
    await w.cmd('AT+SMTPFT=0', OKR + '\r\n+SMTPSEND: 1\r\n');
    const raw = smtp.received[smtp.received.length - 1].raw.toString('latin1');
    assert.ok(raw.indexOf(b64) > 0 && /Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="name"/.test(raw));
  } finally {
    w.close();
  }
});

t('T07 (SIM900 1137B03SIM900M64_ST_MMS): CGMM, CGMR, the multi-line SAPBR=4 block for cids 1-3', async () => {
  const w = await Wire.boot({ sapbrOpenDelayMs: 0 });
  try {
    await w.cmd('AT+CGMM', 'AT+CGMM\r\r\nSIMCOM_SIM900\r\n' + OKR);
    await w.cmd('AT+CGMR', 'AT+CGMR\r\r\nRevision:1137B03SIM900M64_ST_MMS\r\n' + OKR);
    for (const cid of [1, 2, 3])
      await w.cmd(`AT+SAPBR=4,${cid}`, `AT+SAPBR=4,${cid}\r\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN: \r\nPHONENUM: \r\nUSER: \r\nPWD: \r\nRATE: 2\r\n` + OKR);
  } finally {
    w.close();
  }
});

t.run();
