// The emulator's seeded faults against the project's real servers (smtp-server SMTP, Dovecot POP3 on loopback,
// started once for the suite): noise URCs at every line boundary, a reset inside a counted POP3READ block, short
// +SMTPFT confirmations and a varying maximum, slow server stages against AT+EMAILTO, bearer loss and dropped TCP
// during a retrieve and during the attachment phase, a POP3 session that outlives the host's connection, and the
// CLI flags. Deterministic: fixed seeds, rates 0 or 1; an exact protocol step is reached through the SMTP
// server's stage faults, never by waiting.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Wire, show } from './wire';
import { startMailServers, clientAccounts, deliverToMaildir, type MailServers, type SmtpFault, type SmtpStage } from '../../host/servers';
import { DEFAULT_FAULTS, Sim900Emulator, type PartialOptions } from '../../host/emulator';
import { parseArgs, HELP } from '../../host/emulator/cli';

const t = suite('emulator faults');
const OKR = '\r\nOK\r\n';
const ERRR = '\r\nERROR\r\n';
const BOOT = '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n';
/** The one message in the mailbox (CRLF lines, no line starting with a dot). */
const MSG = 'From: <sender@sim.test>\r\nSubject: hello\r\n\r\n' + 'line of the message body, long enough to be cut\r\n'.repeat(8);
/** What a RETR of it brings: the message and the final dot line. */
const RETR = MSG + '.\r\n';

let srv: MailServers;
let acc: ReturnType<typeof clientAccounts>;

/** The manual's style of server names, routed to the loopback servers of this suite. */
function route(host: string, port: number) {
  if (host === 'mail.sim.test' && port === 25) return { host: acc.smtp.host, port: acc.smtp.port };
  if (host === 'mail.sim.test' && port === 110) return { host: acc.pop3.host, port: acc.pop3.port };
  return null;
}

// EMAILTO=<s> -> <s> x 10 ms per server answer. smtp-server greets only ~100 ms after the connection is made
// (it looks for clients that talk first): every EMAILTO here leaves room for that.
const FAST: PartialOptions = { timeoutScale: 0.01, sapbrOpenDelayMs: 0, sapbrCloseDelayMs: 0, route };

t.before(async () => {
  srv = await startMailServers();
  acc = clientAccounts(srv);
});
t.after(async () => {
  if (srv) await srv.stop();
});
// every test finds exactly MSG in the mailbox (the SMTP server delivers into the same Maildir)
t.before.each(() => {
  for (const d of ['new', 'cur']) {
    const dir = join(srv.pop3.maildir, d);
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
  }
  deliverToMaildir(srv.pop3.maildir, Buffer.from(MSG, 'latin1'), srv.pop3.mailOwner);
});

async function ready(opts?: PartialOptions): Promise<Wire> {
  const w = await Wire.boot({ ...FAST, ...opts });
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  await w.cmd('AT+SAPBR=1,1', OKR);
  await w.cmd('AT+EMAILTO=50', OKR);
  return w;
}

async function smtpSetup(w: Wire, rcpts = 1, file = false): Promise<void> {
  await w.cmd('AT+SMTPSRV="mail.sim.test",25', OKR);
  await w.cmd(`AT+SMTPAUTH=1,"${acc.smtp.user}","${acc.smtp.password}"`, OKR);
  await w.cmd('AT+SMTPFROM="me@sim.test"', OKR);
  for (let i = 0; i < rcpts; i++) await w.cmd(`AT+SMTPRCPT=0,${i},"to${i}@sim.test"`, OKR);
  await w.cmd('AT+SMTPSUB="faults"', OKR);
  await w.cmd('AT+SMTPBODY', '\r\n> ');
  w.send('body\x1a');
  await w.expect(OKR);
  if (file) await w.cmd('AT+SMTPFILE=1,"a.txt",0', OKR);
}

async function pop3Login(w: Wire): Promise<void> {
  await w.cmd(`AT+POP3SRV="mail.sim.test","${acc.pop3.user}","${acc.pop3.password}",110`, OKR);
  await w.cmd('AT+POP3IN', OKR);
  await w.expect('\r\n+POP3IN: 1\r\n');
}

/**
 * Logs in and asks for message 1; returns once the module holds the whole reply, which it says itself: its
 * unread-data reminder "+POP3READ: 3,<n>" (made frequent here) reports every byte. Reminders are off again after.
 */
async function retrieve(w: Wire): Promise<void> {
  await pop3Login(w);
  w.emu.opts.pop3ReminderMs = 20;
  await w.cmd('AT+POP3CMD=4,1', OKR);
  await w.expect('\r\n+POP3CMD: 1\r\n');
  const before = await w.until(`\r\n+POP3READ: 3,${RETR.length}\r\n`);
  assert.ok(/^(\r\n\+POP3READ: 3,\d+\r\n)*$/.test(before), show(before));
  w.emu.opts.pop3ReminderMs = 0; // the next reminder finds this before it fires: nothing more comes
}

/**
 * Runs `fn` at an exact step of the SMTP dialogue: when the server has received the command of `stage` and
 * before it answers (a stage fault of the real server that changes nothing else: no reply, no close, no delay).
 */
function atServerStage(stage: SmtpStage, fn: () => void): SmtpFault {
  let done = false;
  const f = { stage } as SmtpFault;
  Object.defineProperty(f, 'delayMs', {
    enumerable: true,
    get() {
      if (!done) {
        done = true;
        fn();
      }
      return 0;
    },
  });
  srv.smtp.faults.push(f);
  return f;
}

const lastReceived = () => srv.smtp.received[srv.smtp.received.length - 1];

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
    // before the header, right after the n bytes, before the OK
    await w.cmd('AT+POP3READ=1460', `${N}\r\n+POP3READ: 2,${RETR.length}\r\n${RETR}${N}\r\n${N}${OKR}`);
    // between OK and the later result URC
    await w.cmd('AT+POP3NUM', `${N}${OKR}${N}\r\n+POP3NUM: 1,1,${MSG.length}\r\n`);
    await w.cmd('AT+POP3OUT', `${N}${OKR}${N}\r\n+POP3OUT: 1\r\n`);
    // around +SMTPFT lines: before "+SMTPFT: 1,<max>", before and after "+SMTPFT: 2,<n>"
    const n = srv.smtp.received.length;
    await w.cmd('AT+SMTPSEND', `${N}${OKR}`);
    await w.expect(`${N}\r\n+SMTPFT: 1,1360\r\n`);
    await w.cmd('AT+SMTPFT=5', `${N}\r\n+SMTPFT: 2,5\r\n${N}`);
    w.send('abcde');
    await w.expect(`${N}${OKR}${N}\r\n+SMTPFT: 1,1360\r\n`);
    await w.cmd('AT+SMTPFT=0', `${N}${OKR}`);
    await w.expect(`${N}\r\n+SMTPSEND: 1\r\n`);
    const raw = (await srv.smtp.waitForMessage(n)).raw.toString('latin1');
    assert.ok(/\r\n\r\nabcde\r\n/.test(raw), show(raw)); // the attachment is the 5 bytes, no noise in them
    assert.is(raw.indexOf('RING'), -1);
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
    const before = srv.smtp.received.length;
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
    const raw = (await srv.smtp.waitForMessage(before)).raw.toString('latin1');
    assert.ok(raw.indexOf('\r\n\r\n' + text + '\r\n') > 0, 'the attachment arrived whole: ' + show(raw));
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
      const before = srv.smtp.received.length;
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
      const raw = (await srv.smtp.waitForMessage(before)).raw.toString('latin1');
      assert.ok(raw.indexOf('\r\n\r\n' + '0123456789'.repeat(5) + '\r\n') > 0, 'the refused chunk sent nothing: ' + show(raw));
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

t('smtpStageDelayMs: every server answer gets its delay; inside EMAILTO the send goes through, beyond it 64', async () => {
  // EMAILTO=25 s scaled to 250 ms; stage delay 10 s scaled to 100 ms. The option is read once per delay drawn.
  const w = await ready();
  let drawn = 0;
  let delay = 10000;
  Object.defineProperty(w.emu.opts, 'smtpStageDelayMs', {
    configurable: true,
    enumerable: true,
    get: () => {
      drawn++;
      return delay;
    },
  });
  try {
    await w.cmd('AT+EMAILTO=25', OKR);
    await smtpSetup(w, 3);
    const before = srv.smtp.received.length;
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPSEND: 1\r\n');
    const msg = await srv.smtp.waitForMessage(before);
    assert.equal(msg.to, ['to0@sim.test', 'to1@sim.test', 'to2@sim.test']);
    // one delay per answer: greeting, EHLO, AUTH, MAIL, 3 x RCPT, DATA, end of data, QUIT
    const tr = w.emu.sends[w.emu.sends.length - 1].transcript;
    const answers = tr.filter((l) => /^S: \d{3}( |$)/.test(l)).length;
    assert.is(answers, 10, tr.join('\n'));
    assert.is(drawn, answers, 'every answer was delayed');
    // a step slower than EMAILTO: the module gives up on the first one (the greeting)
    delay = 30000; // 300 ms > 250 ms
    drawn = 0;
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SMTPSEND: 64\r\n');
    assert.is(drawn, 1);
    assert.is(w.emu.sends[w.emu.sends.length - 1].transcript.filter((l) => l.startsWith('C: ')).length, 0, 'nothing sent after the slow greeting');
    assert.is(srv.smtp.received.length, before + 1);
  } finally {
    w.close();
  }
});

t('pop3StageDelayMs: answers inside EMAILTO take long; beyond it +POP3IN: 64 / +POP3OUT: 64', async () => {
  // EMAILTO=30 s scaled to 300 ms; 10 s (100 ms) per answer is inside it, 40 s (400 ms) beyond
  const w = await ready({ pop3StageDelayMs: 10000 });
  try {
    await w.cmd('AT+EMAILTO=30', OKR);
    await pop3Login(w);
    await w.cmd('AT+POP3NUM', OKR);
    await w.expect(`\r\n+POP3NUM: 1,1,${MSG.length}\r\n`);
    w.emu.opts.pop3StageDelayMs = 40000;
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
    const before = srv.smtp.received.length;
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
    // at the DATA stage, before the attachment is announced (once a bug: the send went on to "+SMTPFT: 1,...",
    // then ended 64). The rate turns 1 when the server has the DATA command, before its 354: the next fault the
    // module draws is the one of its 'data' stage.
    w.emu.opts.faults.bearerLossRate = 0;
    await w.cmd('AT+SAPBR=1,1', OKR);
    const f = atServerStage('data', () => (w.emu.opts.faults.bearerLossRate = 1));
    await w.cmd('AT+EMAILTO=25', OKR); // 250 ms: the quiet below outlasts it
    await w.cmd('AT+SMTPSEND', OKR);
    await w.expect('\r\n+SAPBR 1: DEACT\r\n\r\n+SMTPSEND: 61\r\n');
    await w.quiet(300); // longer than EMAILTO: no +SMTPFT, no late 64
    assert.is(srv.smtp.faults.indexOf(f), -1, 'the server saw DATA');
    const tr = w.emu.sends[w.emu.sends.length - 1].transcript;
    assert.is(w.emu.sends[w.emu.sends.length - 1].code, 61);
    assert.ok(/^S: 354/.test(tr[tr.length - 1]) && tr[tr.length - 2] === 'C: DATA', 'lost right after DATA was accepted: ' + tr.join('\n'));
    assert.is(srv.smtp.received.length, before, 'neither message arrived');
  } finally {
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
    s1.write(`ATE0\rAT+SAPBR=1,1\rAT+EMAILTO=50\rAT+POP3SRV="mail.sim.test","${acc.pop3.user}","${acc.pop3.password}",110\rAT+POP3IN\r`);
    await waitFor(out1, '+POP3IN: 1\r\n');
    s1.destroy(); // the board restarts: its end of the line goes away
    await new Promise((r) => setImmediate(r));
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
