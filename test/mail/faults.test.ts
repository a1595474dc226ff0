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
function restartBoard(world: World, via: Via): { mail: any; close: () => void } {
  world.mail.close();
  if (via == 'source') {
    const mail = connect(new EmulatorSerial(world.emu), world.options);
    return { mail, close: () => mail.close() };
  }
  world.sandbox!.close();
  const sb = bootSandbox({ board: 'linux' });
  const port = sb.ports.Serial1;
  port.onWrite((b) => world.emu.input(b));
  world.emu.on('output', (b: Buffer) => port.feed(b));
  const mail = sb.require('s9mail').connect(sb.context.Serial1, world.options);
  return { mail, close: () => sb.close() };
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
      const box2 = await b.mail.pop3Login();
      const n = (await box2.count()).count;
      for (let i = 1; i <= n; i++) await box2.remove(i);
      await box2.logout();
    } finally {
      b.close();
    }
  });

}

t('a slow downlink (2 KB/s): the retrieve lives as long as data keeps coming', async () => {
  w = await startWorld({ reuse: servers, emulator: { pop3RateBps: 2000 } });
  const data = randomBytes(4500);
  await w.mail.sendMail({ to: 'a@example.org', subject: 'slow', body: 'b', attachment: { name: 'x.bin', data: new Uint8Array(data) } });
  const box = await w.mail.pop3Login();
  const n = (await box.count()).count;
  const c = collector();
  const t0 = Date.now();
  const bytes = await box.retrieve(n, c.sink);
  const secs = (Date.now() - t0) / 1000;
  assert.ok(bytes > 6000 && secs > 2, `${bytes} bytes in ${secs} s`);
  const m = await simpleParser(c.buffer());
  assert.is(createHash('sha256').update(m.attachments[0].content).digest('hex'), createHash('sha256').update(data).digest('hex'));
  for (let i = 1; i <= n; i++) await box.remove(i);
  await box.logout();
});

t.run();
