// Inbox polling on the board (the linux board's modules in the sandbox): new mails by UIDL through the MIME reader,
// attachments saved to Storage piece by piece, uids remembered across polls and restarts, delete after handling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { Sim900Emulator } from '../../host/emulator';
import { startMailServers } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';
import { FAST_EMULATOR } from '../helpers/world';
import { appConfig, bootBoard, tempDir } from '../helpers/board';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('poll: new mails parsed on the board, attachment bytes equal, seen uids skipped, deleted when asked', async () => {
  const servers = await startMailServers();
  const emu = new Sim900Emulator({ ...FAST_EMULATOR });
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await emu.drained();
  const dir = tempDir('inbox-');
  const boards: { kill(): void }[] = [];
  try {
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: servers.smtp.port, secure: false, ignoreTLS: true, auth: { user: servers.pop3.user, pass: servers.pop3.password } });
    const pdf = randomBytes(30000);
    await smtp.sendMail({ from: 'Operator <ops@example.org>', to: 'board@example.org', subject: 'Set point 42', text: 'Please set the pump to 42 %.\n' });
    await smtp.sendMail({ from: 'ops@example.org', to: 'board@example.org', subject: 'Firmware notes ✓', text: 'Notes attached.', attachments: [{ filename: 'notes.pdf', content: pdf }] });
    const handled: any[] = [];
    const boot = (deleteAfter: boolean) => {
      const b = bootBoard(emu, dir, appConfig(servers, { inbox: { every: 0, deleteAfter } }));
      boards.push(b);
      (b.sb.context as any).__handled = (m: any) => handled.push(JSON.parse(JSON.stringify(m)));
      b.sb.run('app.onMail = function (msg, done) { __handled(msg); done(); };');
      return b;
    };
    const poll = (b: any) =>
      new Promise<any>((resolve) => {
        (b.sb.context as any).__done = (err: any, n: any) => resolve({ err, n });
        b.sb.run('app.poll(function (err, n) { __done(err && err.code, n); });');
      });
    let b = boot(false);
    const first = await poll(b);
    assert.equal(first, { err: null, n: 2 });
    assert.is(handled.length, 2);
    assert.is(handled[0].headers.subject, 'Set point 42');
    assert.equal(handled[0].headers.from, [{ name: 'Operator', address: 'ops@example.org' }]);
    assert.match(handled[0].texts[0].text, /pump to 42/);
    assert.is(handled[1].headers.subject, 'Firmware notes ✓');
    const att = handled[1].attachments[0];
    assert.is(att.name, 'notes.pdf');
    assert.is(att.size, pdf.length);
    const saved = Buffer.from(b.sb.storage.read(att.file)!, 'latin1').subarray(0, att.size);
    assert.is(sha(saved), sha(pdf), 'the attachment saved on the board has the bytes that were sent');
    // the client goes once the bearer is closed; then only the app module stays loaded
    for (let t = 0; t < 100 && b.sb.cached().length > 1; t++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(b.sb.cached(), ['s9app'], 'after the poll only the app module stays loaded');
    // the same uids are not handled twice, also after a restart (they are remembered in Storage)
    b.kill();
    b = boot(true);
    const second = await poll(b);
    assert.equal(second, { err: null, n: 0 });
    assert.equal(b.sb.run('require("Storage").readJSON("inseen")').length, 2);
    // deleteAfter: a new mail is handled then deleted; the server keeps only the two old ones
    await smtp.sendMail({ from: 'ops@example.org', to: 'board@example.org', subject: 'third', text: 'x' });
    smtp.close();
    const third = await poll(b);
    assert.equal(third, { err: null, n: 1 });
    const pop = await Pop3Client.connect(servers.pop3.port);
    await pop.login(servers.pop3.user, servers.pop3.password);
    assert.is((await pop.stat()).count, 2);
    await pop.quit();
  } finally {
    for (const b of boards) b.kill();
    emu.close();
    await servers.stop();
  }
});

test.run();
