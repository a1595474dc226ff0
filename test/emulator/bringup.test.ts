// The commands bring-up code sends besides the e-mail manual, in every form (test, read, write, execution): echo and
// profiles, CMEE, CPIN, CSQ, CREG/CGREG with their URCs, CGATT, COPS, identification (CGSN/GSN, CGMR/GMR, CCID),
// IPR, CFUN, CPOWD; the options behind their values; unknown commands still ERROR. No server needed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Wire } from './wire';
import type { PartialOptions } from '../../host/emulator';

const t = suite('bring-up commands');
const OKR = '\r\nOK\r\n';
const ERRR = '\r\nERROR\r\n';
const info = (...lines: string[]) => '\r\n' + lines.join('\r\n') + '\r\n' + OKR;

async function off(opts?: PartialOptions): Promise<Wire> {
  const w = await Wire.boot(opts);
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  return w;
}

t('identification: ATI, AT+GSV, AT+CGMI/GMI, AT+CGMM/GMM, AT+CGMR/GMR, AT+CGSN/GSN, AT+CCID in each form', async () => {
  for (const [dialect, ati, model, rev] of [
    ['sim900', 'SIM900 R11.0', 'SIMCOM_SIM900', '1137B03SIM900M64_ST_MMS'],
    ['sim800', 'SIM800 R14.18', 'SIMCOM_SIM800L', '1418B04SIM800L24'],
  ] as const) {
    const w = await off({ dialect });
    try {
      await w.cmd('ATI', info(ati));
      await w.cmd('AT+GSV', info('SIMCOM_Ltd', model, 'Revision:' + rev));
      for (const [cmd, text] of [
        ['+CGMI', 'SIMCOM_Ltd'], ['+GMI', 'SIMCOM_Ltd'], ['+CGMM', model], ['+GMM', model],
        ['+CGMR', 'Revision:' + rev], ['+GMR', 'Revision:' + rev],
        ['+CGSN', '861234567890127'], ['+GSN', '861234567890127'], ['+CCID', '89010010000000000019'],
      ]) {
        await w.cmd('AT' + cmd, info(text));
        await w.cmd('AT' + cmd + '=?', OKR);
        await w.cmd('AT' + cmd + '?', ERRR);
        await w.cmd('AT' + cmd + '=1', ERRR);
      }
    } finally {
      w.close();
    }
  }
  const w = await off({ imei: '490154203237518', ccid: '8944500102198304826', revision: '1137B05SIM900M64_ST_ENHAN' });
  try {
    await w.cmd('AT+CGSN', info('490154203237518'));
    await w.cmd('AT+GSN', info('490154203237518'));
    await w.cmd('AT+CCID', info('8944500102198304826'));
    await w.cmd('AT+CGMR', info('Revision:1137B05SIM900M64_ST_ENHAN'));
  } finally {
    w.close();
  }
});

t('the default IMEI and ICCID pass the Luhn check', () => {
  const luhn = (s: string) =>
    s.split('').reverse().map(Number).reduce((sum, d, i) => sum + (i % 2 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0) % 10 === 0;
  assert.ok(luhn('861234567890127'));
  assert.ok(luhn('89010010000000000019'));
});

t('ATE, ATV, ATZ, AT&F, AT&W; AT+CMEE in every form; AT+CPIN', async () => {
  const w = await Wire.boot();
  try {
    await w.cmd('AT', 'AT\r' + OKR); // echo on after power-up
    await w.cmd('ATE', 'ATE\r' + OKR); // no digit: 0
    await w.cmd('ATE1', OKR);
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('ATV0', '0\r');
    await w.cmd('ATV1', OKR);
    await w.cmd('AT+CMEE=?', info('+CMEE: (0-2)'));
    await w.cmd('AT+CMEE?', info('+CMEE: 0'));
    await w.cmd('AT+CMEE=2', OKR);
    await w.cmd('AT+CMEE?', info('+CMEE: 2'));
    await w.cmd('AT+CMEE=3', ERRR);
    await w.cmd('AT+CPIN?', info('+CPIN: READY'));
    await w.cmd('AT+CPIN=?', OKR);
    await w.cmd('AT+CPIN="1234"', '\r\n+CME ERROR: operation not allowed\r\n'); // no PIN is asked for
    await w.cmd('AT&F', OKR); // factory: echo on, CMEE 0
    await w.cmd('AT+CMEE?', 'AT+CMEE?\r' + info('+CMEE: 0'));
    await w.cmd('ATZ', 'ATZ\r' + OKR);
  } finally {
    w.close();
  }
});

t('AT+CREG / AT+CGREG: test, read, write n=0/1/2, URCs when registration changes (AT+CFUN, the network)', async () => {
  const w = await off();
  try {
    for (const r of ['CREG', 'CGREG']) {
      await w.cmd(`AT+${r}=?`, info(`+${r}: (0-2)`));
      await w.cmd(`AT+${r}?`, info(`+${r}: 0,1`));
      await w.cmd(`AT+${r}=2`, OKR);
      await w.cmd(`AT+${r}?`, info(`+${r}: 2,1,"00C3","1F4C"`));
      await w.cmd(`AT+${r}=3`, ERRR);
      await w.cmd(`AT+${r}=1,1`, ERRR);
      await w.cmd(`AT+${r}`, ERRR);
      await w.cmd(`AT+${r}=1`, OKR);
      await w.cmd(`AT+${r}?`, info(`+${r}: 1,1`));
    }
    // the radio off: both registrations go, then come back
    await w.cmd('AT+CFUN=0', '\r\n+CREG: 0\r\n\r\n+CGREG: 0\r\n' + OKR);
    await w.cmd('AT+CREG?', info('+CREG: 1,0'));
    await w.cmd('AT+CSQ', info('+CSQ: 99,99'));
    await w.cmd('AT+SAPBR=1,1', ERRR);
    await w.cmd('AT+CFUN=1', '\r\n+CREG: 1\r\n\r\n+CGREG: 1\r\n' + OKR);
    // the network: roaming, lost, back; n=2 adds the location
    await w.cmd('AT+CREG=2', OKR);
    w.emu.setRegistration(5);
    await w.expect('\r\n+CREG: 5,"00C3","1F4C"\r\n\r\n+CGREG: 5\r\n');
    await w.cmd('AT+SAPBR=1,1', OKR);
    w.emu.setRegistration(0); // coverage lost: the bearer goes too
    await w.expect('\r\n+CREG: 0\r\n\r\n+CGREG: 0\r\n\r\n+SAPBR 1: DEACT\r\n');
    await w.cmd('AT+CREG?', info('+CREG: 2,0'));
    w.emu.setRegistration(1);
    await w.expect('\r\n+CREG: 1,"00C3","1F4C"\r\n\r\n+CGREG: 1\r\n');
    // n=0: no URC
    await w.cmd('AT+CREG=0;+CGREG=0', OKR);
    w.emu.setRegistration(3);
    await w.quiet();
    await w.cmd('AT+CREG?;+CGREG?', '\r\n+CREG: 0,3\r\n\r\n+CGREG: 0,3\r\n' + OKR);
    // a restart forgets n (and the network still says what it said)
    w.emu.setRegistration(1);
    await w.cmd('AT+CREG=1', OKR);
    w.emu.reset();
    await w.until('SMS Ready\r\n');
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('AT+CREG?', info('+CREG: 0,1'));
  } finally {
    w.close();
  }
});

t('registration takes registerDelayMs after power-on and AT+CFUN=1: status 2 (searching) meanwhile', async () => {
  const w = await off({ registerDelayMs: 60000 });
  try {
    await w.cmd('AT+CREG?', info('+CREG: 0,2'));
    await w.cmd('AT+CGATT?', info('+CGATT: 0'));
    await w.cmd('AT+CGATT=1', ERRR); // CMEE 0: the +CME ERROR: 100 a SIM800L gave before registering
    await w.cmd('AT+SAPBR=1,1', ERRR);
  } finally {
    w.close();
  }
  // (the radio off first: whether the registration after power-on was over or not, nothing of it is left)
  const w2 = await off({ registerDelayMs: 200, registration: 5 });
  try {
    await w2.cmd('AT+CFUN=4', OKR);
    await w2.cmd('AT+CREG=1', OKR);
    await w2.cmd('AT+CFUN=1', '\r\n+CREG: 2\r\n' + OKR);
    await w2.expect('\r\n+CREG: 5\r\n', 2000);
    await w2.cmd('AT+CGATT?', info('+CGATT: 1'));
  } finally {
    w2.close();
  }
});

t('AT+CGATT: test, read, detach drops the bearer, attach; AT+SAPBR=1 attaches a detached module', async () => {
  const w = await off({ bearerIp: '10.1.2.3' });
  try {
    await w.cmd('AT+CGATT=?', info('+CGATT: (0,1)'));
    await w.cmd('AT+CGATT?', info('+CGATT: 1'));
    await w.cmd('AT+CGREG=1', OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd('AT+CGATT=0', '\r\n+CGREG: 0\r\n\r\n+SAPBR 1: DEACT\r\n' + OKR);
    await w.cmd('AT+CGATT?', info('+CGATT: 0'));
    await w.cmd('AT+CGATT=1', '\r\n+CGREG: 1\r\n' + OKR);
    await w.cmd('AT+CGATT=0', '\r\n+CGREG: 0\r\n' + OKR);
    await w.cmd('AT+SAPBR=1,1', '\r\n+CGREG: 1\r\n' + OKR);
    await w.cmd('AT+SAPBR=2,1', info('+SAPBR: 1,1,"10.1.2.3"'));
    for (const bad of ['AT+CGATT=2', 'AT+CGATT', 'AT+CGATT=']) await w.cmd(bad, ERRR);
  } finally {
    w.close();
  }
});

t('AT+COPS: read in each format, test lists the network, automatic/manual/deregister; the operator option', async () => {
  const w = await off();
  try {
    await w.cmd('AT+COPS?', info('+COPS: 0,0,"Test Network"'));
    await w.cmd('AT+COPS=?', info('+COPS: (2,"Test Network","TEST","00101"),,(0-4),(0-2)'));
    await w.cmd('AT+COPS=3,2', OKR);
    await w.cmd('AT+COPS?', info('+COPS: 0,2,"00101"'));
    await w.cmd('AT+COPS=3,1', OKR);
    await w.cmd('AT+COPS?', info('+COPS: 0,1,"TEST"'));
    await w.cmd('AT+COPS=1,2,"00101"', OKR);
    await w.cmd('AT+COPS?', info('+COPS: 1,2,"00101"'));
    await w.cmd('AT+COPS=1,2,"26201"', '\r\nERROR\r\n'); // another network: not there
    await w.cmd('AT+CMEE=2', OKR);
    await w.cmd('AT+COPS=1,0,"Other"', '\r\n+CME ERROR: no network service\r\n');
    await w.cmd('AT+CREG=1', OKR);
    await w.cmd('AT+COPS=2', '\r\n+CREG: 0\r\n' + OKR);
    await w.cmd('AT+COPS?', info('+COPS: 2'));
    await w.cmd('AT+COPS=0', '\r\n+CREG: 1\r\n' + OKR);
    for (const bad of ['AT+COPS=5', 'AT+COPS=0,3', 'AT+COPS=1', 'AT+COPS']) await w.cmd(bad, ERRR);
  } finally {
    w.close();
  }
  const w2 = await off({ operator: { long: 'Vodafone.de', short: 'Vodafone', numeric: '26202' }, registration: 5 });
  try {
    await w2.cmd('AT+COPS?', info('+COPS: 0,0,"Vodafone.de"'));
    await w2.cmd('AT+COPS=?', info('+COPS: (2,"Vodafone.de","Vodafone","26202"),,(0-4),(0-2)'));
    await w2.cmd('AT+CREG?', info('+CREG: 0,5'));
  } finally {
    w2.close();
  }
});

t('AT+CSQ, AT+IPR, AT+CFUN, AT+CPOWD in every form', async () => {
  const w = await off({ csq: '23,0' });
  try {
    await w.cmd('AT+CSQ', info('+CSQ: 23,0'));
    await w.cmd('AT+CSQ=?', info('+CSQ: (0-31,99),(0-7,99)'));
    await w.cmd('AT+CSQ?', ERRR);
    await w.cmd('AT+IPR=?', info('+IPR: (),(0,1200,2400,4800,9600,19200,38400,57600,115200)'));
    await w.cmd('AT+IPR?', info('+IPR: 115200'));
    await w.cmd('AT+IPR=0', OKR);
    await w.cmd('AT+IPR?', info('+IPR: 0'));
    await w.cmd('AT+IPR=230400', ERRR);
    await w.cmd('AT+CFUN=?', info('+CFUN: (0,1,4),(0,1)'));
    await w.cmd('AT+CFUN?', info('+CFUN: 1'));
    await w.cmd('AT+CFUN=4', OKR);
    await w.cmd('AT+CFUN?', info('+CFUN: 4'));
    await w.cmd('AT+CFUN=2', ERRR);
    await w.cmd('AT+CFUN=1', OKR);
    await w.cmd('AT+CPOWD=?', info('+CPOWD: (0,1)'));
    await w.cmd('AT+CPOWD=2', ERRR);
    await w.cmd('AT+CPOWD=0', ''); // urgent: no NORMAL POWER DOWN
    w.send('AT\r');
    await w.quiet();
  } finally {
    w.close();
  }
  const w8 = await off({ dialect: 'sim800' });
  try {
    await w8.cmd('AT+IPR=460800', OKR);
    await w8.cmd('AT+IPR?', info('+IPR: 460800'));
  } finally {
    w8.close();
  }
});

t('unknown commands still answer ERROR', async () => {
  const w = await off();
  try {
    for (const c of ['AT+NOSUCH', 'AT+NOSUCH?', 'AT+NOSUCH=?', 'AT+NOSUCH=1', 'AT+CGREGX?', 'AT+HTTPINIT']) await w.cmd(c, ERRR);
  } finally {
    w.close();
  }
});

t.run();
