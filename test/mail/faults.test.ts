// Faults the client survives (issue 11): a module that outlives the board and still holds a POP3 session.
import '../../host/espruino-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startMailServers, type MailServers } from '../../host/servers';
import { bootSandbox } from '../../host/sandbox';
import { connect } from '../../src/mail/client';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { EmulatorSerial, collector, startWorld, type World, type Via } from '../helpers/world';

let servers: MailServers;
let w: World | null = null;
const t = suite('faults: sessions and beliefs');
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

/** The board restarts: its client is gone, a new one starts on the same (still running) module. */
function restartBoard(world: World, via: Via, board = 'linux'): { mail: any; close: () => void } {
  world.mail.close();
  if (via == 'source') {
    const mail = connect(new EmulatorSerial(world.emu), world.options);
    return { mail, close: () => mail.close() };
  }
  if (world.sandbox) world.sandbox.close();
  const sb = bootSandbox({ board });
  const port = sb.ports.Serial1;
  port.onWrite((b) => world.emu.input(b));
  world.emu.on('output', (b: Buffer) => port.feed(b));
  const mail = sb.require('s9mail').connect(sb.context.Serial1, world.options);
  return { mail, close: () => sb.close() };
}

/** Logs in, deletes every mail, logs out; returns how many there were. */
async function emptyMailbox(mail: any): Promise<number> {
  const box = await mail.pop3Login();
  const n = (await box.count()).count;
  for (let i = 1; i <= n; i++) await box.remove(i);
  await box.logout();
  return n;
}

for (const via of ['source', 'module'] as Via[]) {
  t(`the board restarts while the module holds a POP3 session: the next send and log-in work (${via})`, async () => {
    w = await startWorld({ reuse: servers, via });
    await w.mail.sendMail({ to: 'a@example.org', subject: 'one', body: 'b' });
    const box = await w.mail.pop3Login();
    assert.is((await box.count()).count >= 1, true);
    // power cut on the board only: the module keeps its session
    const b = restartBoard(w, via);
    try {
      await b.mail.sendMail({ to: 'a@example.org', subject: 'two', body: 'b' });
      await emptyMailbox(b.mail);
    } finally {
      b.close();
    }
  });
}

t('the board restarts while the module holds a POP3 session, and logs in first: the new session is its own (module)', async () => {
  w = await startWorld({ reuse: servers, via: 'module' });
  await w.mail.sendMail({ to: 'a@example.org', subject: 'one', body: 'b' });
  await w.mail.pop3Login();
  const b = restartBoard(w, 'module');
  try {
    const n = await emptyMailbox(b.mail);
    assert.ok(n >= 1, `the mailbox answers (${n})`);
  } finally {
    b.close();
  }
});

t('a board without POP3 (the Original) frees a POP3 session the module holds and sends', async () => {
  w = await startWorld({ reuse: servers, via: 'module' });
  await w.mail.sendMail({ to: 'a@example.org', subject: 'one', body: 'b' });
  await w.mail.pop3Login();
  const before = servers.smtp.received.length;
  const b = restartBoard(w, 'module', 'original');
  try {
    await b.mail.sendMail({ to: 'a@example.org', subject: 'from the original', body: 'b' });
    assert.is((await servers.smtp.waitForMessage(before, 10000)).to[0], 'a@example.org');
  } finally {
    b.close();
  }
  // the mailbox left for the next test empty
  const c = restartBoard(w, 'module');
  try {
    await emptyMailbox(c.mail);
  } finally {
    c.close();
  }
});

/** Sends one mail with a binary attachment; returns the attachment's bytes. */
async function mailWith(world: World, size: number): Promise<Buffer> {
  const data = randomBytes(size);
  await world.mail.sendMail({ to: 'a@example.org', subject: 'fault', body: 'b', attachment: { name: 'x.bin', data: new Uint8Array(data) } });
  return data;
}

/** Logs in, retrieves every mail (the last must carry `data`), deletes them, logs out. */
async function retrieveAll(world: World, data: Buffer): Promise<void> {
  const box = await world.mail.pop3Login();
  const n = (await box.count()).count;
  assert.ok(n >= 1, 'the mail is there');
  const c = collector();
  await box.retrieve(n, c.sink);
  const m = await simpleParser(c.buffer());
  assert.is(sha(m.attachments[0].content), sha(data));
  for (let i = 1; i <= n; i++) await box.remove(i);
  await box.logout();
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const via of ['source', 'module'] as Via[]) {
  for (const fault of ['bearer loss', 'TCP drop', 'module reset'] as const) {
    t(`${fault} in the middle of a retrieve: the retrieve fails with a typed error, and an immediate log-in and retrieve work (${via})`, async () => {
      w = await startWorld({ reuse: servers, via, emulator: { pop3RateBps: 3000 } });
      const world = w;
      const data = await mailWith(world, 6000);
      const box = await world.mail.pop3Login();
      const n = (await box.count()).count;
      let struck = false;
      const t0 = Date.now();
      const e = await box.retrieve(n, () => {
        if (struck) return;
        struck = true;
        // from a timer: the client's sink runs inside the engine's receive path
        setTimeout(() => (fault == 'bearer loss' ? world.emu.loseBearer() : fault == 'TCP drop' ? world.emu.dropTcp() : world.emu.reset()), 0);
      }).then(
        () => null,
        (x: any) => x,
      );
      assert.ok(struck, 'the fault came while data was arriving');
      assert.ok(e && /^E_/.test(e.code), `the retrieve fails with a typed error: ${e && e.code} ${e && e.message}`);
      if (fault == 'module reset') assert.is(e.code, 'E_RESET');
      assert.ok(Date.now() - t0 < 15000, `the failure is told within a few seconds (${Date.now() - t0} ms)`);
      (world.emu as any).opts.pop3RateBps = 0;
      if (fault == 'module reset') await new Promise((r) => world.emu.once('booted', r));
      await retrieveAll(world, data);
    });
  }

  t(`a reset inside AT+POP3READ data: the read fails with E_RESET (not a timeout), then log-in and retrieve work (${via})`, async () => {
    w = await startWorld({ reuse: servers, via, emulator: { faults: { resetInDataRate: 1 } } });
    const world = w;
    const data = await mailWith(world, 6000);
    const box = await world.mail.pop3Login();
    const n = (await box.count()).count;
    const got = collector();
    const e = await box.retrieve(n, got.sink).then(
      () => null,
      (x: any) => x,
    );
    assert.is(e && e.code, 'E_RESET', e && e.message);
    assert.ok(!/RDY|Call Ready/.test(got.buffer().toString('latin1')), 'no boot line was taken for data');
    (world.emu as any).opts.faults.resetInDataRate = 0;
    await retrieveAll(world, data);
  });

  t(`short AT+SMTPFT counts and a changing maximum: the attachment arrives byte for byte (${via})`, async () => {
    w = await startWorld({ reuse: servers, via, emulator: { seed: 3, faults: { ftShortRate: 0.5, ftMaxVary: true } } });
    const before = servers.smtp.received.length;
    const data = await mailWith(w, 9000);
    const m = await simpleParser((await servers.smtp.waitForMessage(before, 10000)).raw);
    assert.is(sha(m.attachments[0].content), sha(data));
    const ft = w.written().match(/AT\+SMTPFT=\d+/g) || [];
    assert.ok(ft.length > 9, `more chunks than 9000 base64 bytes need at 1360 (${ft.length})`);
  });

  t(`a slow downlink (2 KB/s): the retrieve lives as long as data keeps coming (${via})`, async () => {
  w = await startWorld({ reuse: servers, via, emulator: { pop3RateBps: 2000 } });
  const data = await mailWith(w, 4500);
  const box = await w.mail.pop3Login();
  const n = (await box.count()).count;
  const c = collector();
  const t0 = Date.now();
  const bytes = await box.retrieve(n, c.sink);
  const secs = (Date.now() - t0) / 1000;
  assert.ok(bytes > 6000 && secs > 2, `${bytes} bytes in ${secs} s`);
  const m = await simpleParser(c.buffer());
  assert.is(sha(m.attachments[0].content), sha(data));
  for (let i = 1; i <= n; i++) await box.remove(i);
  await box.logout();
  });
}

t.run();
