// Inbox polling on the board (linux bundle in the sandbox): new mails by UIDL through the MIME reader, attachments
// saved to Storage piece by piece, uids remembered across polls and restarts, delete after handling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { startMailServers } from '../../host/servers';
import { startWorld } from '../helpers/world';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('poll: new mails parsed on the board, attachment bytes equal, seen uids skipped, deleted when asked', async () => {
  const servers = await startMailServers();
  const w = await startWorld({ reuse: servers, via: 'bundle' });
  try {
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: servers.smtp.port, secure: false, ignoreTLS: true, auth: { user: servers.pop3.user, pass: servers.pop3.password } });
    const pdf = randomBytes(30000);
    await smtp.sendMail({ from: 'Operator <ops@example.org>', to: 'board@example.org', subject: 'Set point 42', text: 'Please set the pump to 42 %.\n' });
    await smtp.sendMail({ from: 'ops@example.org', to: 'board@example.org', subject: 'Firmware notes ✓', text: 'Notes attached.', attachments: [{ filename: 'notes.pdf', content: pdf }] });
    smtp.close();
    const sb = w.sandbox!;
    const handled: any[] = [];
    (sb.context as any).__handled = (m: any) => handled.push(JSON.parse(JSON.stringify(m)));
    const poll = () =>
      new Promise<any>((resolve) => {
        (sb.context as any).__done = (err: any, n: any) => resolve({ err, n });
        sb.run(`var inbox = inbox || new SIM900MAIL.Inbox(SIM900MAIL_MAIL, {MimeReader: SIM900MAIL.mime.MimeReader, storage: require("Storage"), every: 0, deleteAfter: DELETE,
          handler: function (msg, done) { __handled(msg); done(); }});
          inbox.opts.deleteAfter = DELETE;
          inbox.poll(function (err, n) { __done(err && err.code, n); });`);
      });
    (sb.context as any).SIM900MAIL_MAIL = w.mail;
    (sb.context as any).DELETE = false;
    const first = await poll();
    assert.equal(first, { err: null, n: 2 });
    assert.is(handled.length, 2);
    assert.is(handled[0].headers.subject, 'Set point 42');
    assert.equal(handled[0].headers.from, [{ name: 'Operator', address: 'ops@example.org' }]);
    assert.match(handled[0].texts[0].text, /pump to 42/);
    assert.is(handled[1].headers.subject, 'Firmware notes ✓');
    const att = handled[1].attachments[0];
    assert.is(att.name, 'notes.pdf');
    assert.is(att.size, pdf.length);
    const saved = Buffer.from(sb.storage.read(att.file)!, 'latin1').subarray(0, att.size);
    assert.is(sha(saved), sha(pdf), 'the attachment saved on the board has the bytes that were sent');
    // the same uids are not handled twice, also by a new Inbox (they are remembered in Storage)
    sb.run('inbox = null');
    const second = await poll();
    assert.equal(second, { err: null, n: 0 });
    assert.equal(sb.run('require("Storage").readJSON("inseen")').length, 2);
    // deleteAfter: a new mail is handled then deleted; the server keeps only the two old ones
    const smtp2 = nodemailer.createTransport({ host: '127.0.0.1', port: servers.smtp.port, secure: false, ignoreTLS: true, auth: { user: servers.pop3.user, pass: servers.pop3.password } });
    await smtp2.sendMail({ from: 'ops@example.org', to: 'board@example.org', subject: 'third', text: 'x' });
    smtp2.close();
    (sb.context as any).DELETE = true;
    const third = await poll();
    assert.equal(third, { err: null, n: 1 });
    await w.mail.pop3Login();
    assert.is((await w.mail.pop3Count()).count, 2);
    await w.mail.pop3Logout();
  } finally {
    await w.stop();
    await servers.stop();
  }
});

test.run();
