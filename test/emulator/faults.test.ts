// The emulator's seeded faults against in-process servers: noise URCs at every line boundary, a reset inside a
// counted POP3READ block, short +SMTPFT confirmations and a varying maximum, slow server stages against
// AT+EMAILTO, bearer loss and dropped TCP during a retrieve and during the attachment phase, a POP3 session that
// outlives the host's connection, and the CLI flags. Deterministic: fixed seeds, rates 0 or 1, small delays.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Wire, show } from './wire';
import { fakeSmtp, fakePop3, type FakeSmtp, type FakePop3 } from './fakes';
import { DEFAULT_FAULTS, Sim900Emulator, type PartialOptions } from '../../host/emulator';
import { parseArgs, HELP } from '../../host/emulator/cli';

const t = suite('emulator faults');
const OKR = '\r\nOK\r\n';
const ERRR = '\r\nERROR\r\n';
const BOOT = '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n';
// EMAILTO=10 -> 100 ms per step
const FAST: PartialOptions = { timeoutScale: 0.01, sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0 };
const MSG = 'Subject: hello\r\n\r\n' + 'line of the message body, long enough to be cut\r\n'.repeat(8);

let smtp: FakeSmtp;
let pop3: FakePop3;

t.before(async () => {
  smtp = await fakeSmtp();
  pop3 = await fakePop3([MSG]);
});
t.after(async () => {
  await smtp.close();
  await pop3.close();
});

async function ready(opts?: PartialOptions): Promise<Wire> {
  const w = await Wire.boot({ ...FAST, ...opts });
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  await w.cmd('AT+SAPBR=1,1', OKR);
  await w.cmd('AT+EMAILTO=10', OKR);
  return w;
}

async function smtpSetup(w: Wire, rcpts = 1, file = false): Promise<void> {
  await w.cmd(`AT+SMTPSRV="127.0.0.1",${smtp.port}`, OKR);
  await w.cmd('AT+SMTPAUTH=1,"user","pw"', OKR);
  await w.cmd('AT+SMTPFROM="me@sim.test"', OKR);
  for (let i = 0; i < rcpts; i++) await w.cmd(`AT+SMTPRCPT=0,${i},"to${i}@sim.test"`, OKR);
  await w.cmd('AT+SMTPSUB="faults"', OKR);
  await w.cmd('AT+SMTPBODY', '\r\n> ');
  w.send('body\x1a');
  await w.expect(OKR);
  if (file) await w.cmd('AT+SMTPFILE=1,"a.txt",0', OKR);
}

async function pop3Login(w: Wire): Promise<void> {
  await w.cmd(`AT+POP3SRV="127.0.0.1","user","pw",${pop3.port}`, OKR);
  await w.cmd('AT+POP3IN', OKR);
  await w.expect('\r\n+POP3IN: 1\r\n');
}

/** Logs in and asks for message 1: its data waits for AT+POP3READ. */
async function retrieve(w: Wire): Promise<void> {
  await pop3Login(w);
  await w.cmd('AT+POP3CMD=4,1', OKR);
  await w.expect('\r\n+POP3CMD: 1\r\n');
  await new Promise((r) => setTimeout(r, 30)); // the whole reply has arrived from the server
}

t('default noise URCs: the non-reset URCs, never RDY or +CFUN: 1', () => {
  assert.equal(DEFAULT_FAULTS.noiseUrcs, ['RING', '+CMTI: "SM",1', 'UNDER-VOLTAGE WARNNING', '+CREG: 1', '+CGREG: 1', 'Call Ready', 'SMS Ready', '+CPIN: READY']);
  const d = DEFAULT_FAULTS;
  assert.equal([d.noiseRate, d.resetInDataRate, d.ftShortRate, d.ftMaxVary], [0, 0, 0, false]);
});

t('noiseRate 1: a noise URC at every line boundary, around counted data, never inside it', async () => {
  const w = await ready({ seed: 5 });
  try {
    await smtpSetup(w, 1, true);
    await retrieve(w);
    w.emu.opts.faults.noiseUrcs = ['RING'];
    w.emu.opts.faults.noiseRate = 1;
    const N = '\r\nRING\r\n';
    const data = MSG + '.\r\n';
    // before the header, right after the n bytes, before the OK
    await w.cmd('AT+POP3READ=1460', `${N}\r\n+POP3READ: 2,${data.length}\r\n${data}${N}\r\n${N}${OKR}`);
    // between OK and the later result URC
    await w.cmd('AT+POP3NUM', `${N}${OKR}${N}\r\n+POP3NUM: 1,1,${MSG.length}\r\n`);
    await w.cmd('AT+POP3OUT', `${N}${OKR}${N}\r\n+POP3OUT: 1\r\n`);
    // around +SMTPFT lines: before "+SMTPFT: 1,<max>", before and after "+SMTPFT: 2,<n>"
    await w.cmd('AT+SMTPSEND', `${N}${OKR}`);
    await w.expect(`${N}\r\n+SMTPFT: 1,1360\r\n`);
    await w.cmd('AT+SMTPFT=5', `${N}\r\n+SMTPFT: 2,5\r\n${N}`);
    w.send('abcde');
    await w.expect(`${N}${OKR}${N}\r\n+SMTPFT: 1,1360\r\n`);
    await w.cmd('AT+SMTPFT=0', `${N}${OKR}`);
    await w.expect(`${N}\r\n+SMTPSEND: 1\r\n`);
    assert.ok(smtp.messages[smtp.messages.length - 1].indexOf('abcde') > 0);
  } finally {
    w.close();
  }
});

t('resetInDataRate 1: the module restarts inside the counted block, pauses, boots; everything is lost', async () => {
  const w = await ready({ resetInDataPauseMs: 30, faults: { resetInDataRate: 1 } });
  let resets = 0;
  w.emu.on('reset', () => resets++);
  try {
    await retrieve(w);
    w.send('AT+POP3READ=100\r');
    const got = await w.until(BOOT, 3000);
    const m = /^\r\n\+POP3READ: 1,100\r\n/.exec(got);
    assert.ok(m, show(got));
    const part = got.substring(m![0].length);
    assert.ok(part.length >= 1 && part.length < 100, show(part));
    assert.is(part, MSG.substring(0, part.length));
    assert.is(resets, 1);
    await w.cmd('AT+POP3NUM', 'AT+POP3NUM\r' + ERRR); // echo on again, no session
    await w.cmd('AT+SAPBR=2,1', 'AT+SAPBR=2,1\r\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
    await w.cmd('AT+POP3SRV?', 'AT+POP3SRV?\r\r\n+POP3SRV: "","","",110\r\n' + OKR);
    await w.quiet();
  } finally {
    w.close();
  }
});

t('ftShortRate 1: +SMTPFT: 2,<fewer>, exactly that many bytes taken; the rest in later chunks', async () => {
  const w = await ready({ seed: 9, faults: { ftShortRate: 1 } });
  try {
    await smtpSetup(w, 1, true);
    const text = 'attachment text '.repeat(40);
    await w.cmd('AT+SMTPSEND', OKR);
    let off = 0;
    let chunks = 0;
    while (off < text.length) {
      await w.expect('\r\n+SMTPFT: 1,1360\r\n');
      const n = Math.min(200, text.length - off);
      w.send(`AT+SMTPFT=${n}\r`);
      await w.until('\r\n+SMTPFT: 2,');
      const cnf = Number(await w.until('\r\n'));
      assert.ok(n === 1 ? cnf === 1 : cnf >= 1 && cnf < n, `${cnf} of ${n}`);
      w.send(text.substring(off, off + cnf));
      await w.expect(OKR);
      off += cnf;
      chunks++;
    }
    assert.ok(chunks > Math.ceil(text.length / 200));
    await w.expect('\r\n+SMTPFT: 1,1360\r\n');
    await w.cmd('AT+SMTPFT=0', OKR);
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    assert.ok(smtp.messages[smtp.messages.length - 1].indexOf(text) > 0, 'the attachment arrived whole');
  } finally {
    w.close();
  }
});

t('ftMaxVary: each +SMTPFT: 1,<max> in [64, ftMax], seeded; more than the maximum is ERROR', async () => {
  const maxima = async (): Promise<number[]> => {
    const w = await ready({ seed: 4, faults: { ftMaxVary: true } });
    const seen: number[] = [];
    try {
      await smtpSetup(w, 1, true);
      await w.cmd('AT+SMTPSEND', OKR);
      for (let i = 0; i < 5; i++) {
        await w.until('\r\n+SMTPFT: 1,');
        const max = Number(await w.until('\r\n'));
        seen.push(max);
        if (i === 0) await w.cmd(`AT+SMTPFT=${max + 1}`, ERRR);
        await w.cmd('AT+SMTPFT=10', '\r\n+SMTPFT: 2,10\r\n');
        w.send('0123456789');
        await w.expect(OKR);
      }
      await w.until('\r\n+SMTPFT: 1,');
      await w.until('\r\n');
      await w.cmd('AT+SMTPFT=0', OKR);
      await w.expect('\r\n+SMTPSEND: 1\r\n');
    } finally {
      w.close();
    }
    return seen;
  };
  const a = await maxima();
  assert.ok(a.every((x) => x >= 64 && x <= 1360), String(a));
  assert.ok(new Set(a).size > 1, String(a));
  assert.equal(await maxima(), a, 'the same seed gives the same maxima');
});

t('smtpStageDelayMs: stages inside EMAILTO just take long; a stage beyond it ends the send with 64', async () => {
  // EMAILTO=10 s scaled to 100 ms; stage delay 8 s scaled to 80 ms: 10 steps for 3 recipients
  const w = await ready({ smtpStageDelayMs: 8000 });
  try {
    await smtpSetup(w, 3);
    const t0 = Date.now();
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPSEND: 1\r\n', 5000);
    assert.ok(Date.now() - t0 >= 9 * 80, 'every step took its delay');
    assert.ok(smtp.commands.filter((c) => c.startsWith('RCPT')).length >= 3);
    w.emu.opts.smtpStageDelayMs = 12000; // 120 ms > 100 ms
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPSEND: 64\r\n', 5000);
  } finally {
    w.close();
  }
});

t('pop3StageDelayMs: answers inside EMAILTO take long; beyond it +POP3IN: 64 / +POP3OUT: 64', async () => {
  const w = await ready({ pop3StageDelayMs: 8000 });
  try {
    await pop3Login(w);
    await w.cmd('AT+POP3NUM', OKR);
    await w.expect(`\r\n+POP3NUM: 1,1,${MSG.length}\r\n`);
    w.emu.opts.pop3StageDelayMs = 12000;
    await w.cmd('AT+POP3NUM', OKR);
    await w.expect('\r\n+POP3OUT: 64\r\n');
    await w.cmd('AT+POP3NUM', ERRR); // no session any more
    await w.cmd('AT+POP3IN', OKR);
    await w.expect('\r\n+POP3IN: 64\r\n');
  } finally {
    w.close();
  }
});

t('bearer loss and dropped TCP at a POP3READ data block: DEACT, +POP3OUT: 61 / 63, and no stale result', async () => {
  const w = await ready();
  try {
    await retrieve(w);
    w.emu.opts.faults.bearerLossRate = 1;
    await w.cmd('AT+POP3READ=100', '\r\n+SAPBR 1: DEACT\r\n\r\n+POP3OUT: 61\r\n');
    await w.quiet();
    await w.cmd('AT', OKR); // the next command gets its own answer
    await w.cmd('AT+POP3READ=100', ERRR);
    await w.cmd('AT+POP3OUT', ERRR);
    await w.cmd('AT+SAPBR=2,1', '\r\n+SAPBR: 1,3,"0.0.0.0"\r\n' + OKR);
    w.emu.opts.faults.bearerLossRate = 0;
    await w.cmd('AT+SAPBR=1,1', OKR);
    await retrieve(w);
    w.emu.opts.faults.tcpDropRate = 1;
    await w.cmd('AT+POP3READ=100', '\r\n+POP3OUT: 63\r\n');
    await w.quiet();
    await w.cmd('AT', OKR);
    await w.cmd('AT+POP3NUM', ERRR);
  } finally {
    w.close();
  }
});

t('bearer loss and dropped TCP at a POP3 command: OK, then DEACT and +POP3OUT: 61 / +POP3OUT: 63 (+POP3IN: 61 at log-in)', async () => {
  const w = await ready();
  try {
    await pop3Login(w);
    w.emu.opts.faults.bearerLossRate = 1;
    await w.cmd('AT+POP3NUM', OKR + '\r\n+SAPBR 1: DEACT\r\n\r\n+POP3OUT: 61\r\n');
    await w.quiet();
    await w.cmd('AT', OKR);
    await w.cmd('AT+POP3LIST=1', ERRR);
    w.emu.opts.faults.bearerLossRate = 0;
    await w.cmd('AT+SAPBR=1,1', OKR);
    await pop3Login(w);
    w.emu.opts.faults.tcpDropRate = 1;
    await w.cmd('AT+POP3CMD=1', OKR + '\r\n+POP3OUT: 63\r\n');
    await w.quiet();
    await w.cmd('AT', OKR);
    // at the log-in
    w.emu.opts.faults.tcpDropRate = 0;
    w.emu.opts.faults.bearerLossRate = 1;
    await w.cmd('AT+POP3IN', OKR + '\r\n+SAPBR 1: DEACT\r\n\r\n+POP3IN: 61\r\n');
    await w.quiet();
  } finally {
    w.close();
  }
});

t('bearer loss during the attachment phase ends the send with 61: no more +SMTPFT', async () => {
  const w = await ready();
  try {
    // after a chunk
    await smtpSetup(w, 1, true);
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPFT: 1,1360\r\n');
    w.emu.opts.faults.bearerLossRate = 1;
    await w.cmd('AT+SMTPFT=5', '\r\n+SMTPFT: 2,5\r\n');
    w.send('abcde');
    await w.expect(OKR + '\r\n+SAPBR 1: DEACT\r\n\r\n+SMTPSEND: 61\r\n');
    await w.quiet();
    await w.cmd('AT+SMTPFT=5', ERRR);
    // at the DATA stage, before the attachment is announced
    w.emu.opts.faults.bearerLossRate = 0;
    await w.cmd('AT+SAPBR=1,1', OKR);
    smtp.onCommand = (l) => {
      if (l === 'DATA') w.emu.opts.faults.bearerLossRate = 1; // the next stage drawn is 'data'
    };
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SAPBR 1: DEACT\r\n\r\n+SMTPSEND: 61\r\n');
    await w.quiet(150); // longer than EMAILTO: no +SMTPFT, no late 64
  } finally {
    smtp.onCommand = null;
    w.close();
  }
});

t('the module outlives the host: a new connection finds the POP3 session still open', async () => {
  const emu = new Sim900Emulator({ ...FAST, bootUrcs: true });
  const collect = (s: NodeJS.ReadableStream) => {
    let got = '';
    s.on('data', (b: Buffer) => (got += b.toString('latin1')));
    return () => got;
  };
  const waitFor = async (get: () => string, text: string) => {
    for (let i = 0; i < 300 && get().indexOf(text) < 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(get().indexOf(text) >= 0, `${text} in ${show(get())}`);
  };
  try {
    await new Promise<void>((r) => emu.once('booted', () => r()));
    const s1 = emu.stream();
    const out1 = collect(s1);
    s1.write(`ATE0\rAT+SAPBR=1,1\rAT+POP3SRV="127.0.0.1","user","pw",${pop3.port}\rAT+POP3IN\r`);
    await waitFor(out1, '+POP3IN: 1\r\n');
    s1.destroy(); // the board restarts: its end of the line goes away
    await new Promise((r) => setTimeout(r, 20));
    const s2 = emu.stream();
    const out2 = collect(s2);
    s2.write('AT+POP3IN\r');
    await waitFor(out2, ERRR); // a session is still open: a second log-in is refused
    s2.write('AT+POP3NUM\r');
    await waitFor(out2, `+POP3NUM: 1,1,${MSG.length}\r\n`);
    s2.write('AT+POP3OUT\r');
    await waitFor(out2, '+POP3OUT: 1\r\n');
    assert.is(out2(), `${ERRR}${OKR}\r\n+POP3NUM: 1,1,${MSG.length}\r\n${OKR}\r\n+POP3OUT: 1\r\n`);
    assert.is(out1().indexOf('POP3NUM'), -1, 'nothing went to the old connection');
    s2.destroy();
  } finally {
    emu.close();
  }
});

t('CLI: the fault flags', () => {
  const a = parseArgs(
    ('--stdio --noise-rate 0.1 --reset-rate 0.2 --reset-in-data-rate 0.3 --bearer-loss-rate 0.4 --tcp-drop-rate 0.5 ' +
      '--ft-short-rate 0.6 --ft-max-vary --smtp-stage-delay 8000 --pop3-stage-delay 100-200 --pop3-rate 2000').split(' '),
  );
  assert.equal(a.opts.faults, {
    noiseRate: 0.1,
    resetRate: 0.2,
    resetInDataRate: 0.3,
    bearerLossRate: 0.4,
    tcpDropRate: 0.5,
    ftShortRate: 0.6,
    ftMaxVary: true,
  });
  assert.is(a.opts.smtpStageDelayMs, 8000);
  assert.equal(a.opts.pop3StageDelayMs, [100, 200]);
  assert.is(a.opts.pop3RateBps, 2000);
  for (const f of ['--noise-rate', '--reset-rate', '--reset-in-data-rate', '--bearer-loss-rate', '--tcp-drop-rate', '--ft-short-rate', '--ft-max-vary', '--smtp-stage-delay', '--pop3-stage-delay', '--pop3-rate']) {
    assert.ok(HELP.indexOf(f + ' ') >= 0, f);
  }
});

t.run();
