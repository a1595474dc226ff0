// The client end to end: the sources and the linux bundle (in the sandbox) send through the emulator to the real
// SMTP server, Dovecot serves the delivered mail, and the client reads it back through the emulator's POP3.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { startMailServers, type MailServers } from '../../host/servers';
import { collector, startWorld, type Via, type World } from '../helpers/world';

/** the POP3 mailbox of the last pop3Login */
let box: any;

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
/** values made in the sandbox's realm, as plain host values for deep comparisons */
const plain = (v: any) => JSON.parse(JSON.stringify(v));

async function retrieveAll(w: World): Promise<Buffer[]> {
  box = await w.mail.pop3Login();
  const { count } = await box.count();
  const out: Buffer[] = [];
  for (let i = 1; i <= count; i++) {
    const c = collector();
    await box.retrieve(i, c.sink);
    assert.ok(c.chunks.every((n) => n <= 1460), 'retrieve pieces are at most 1460 bytes');
    out.push(c.buffer());
  }
  for (let i = 1; i <= count; i++) await box.remove(i);
  await box.logout();
  return out;
}

for (const via of ['source', 'module', 'published'] as Via[]) {
  const t = suite(`mail round trip (${via})`);
  let servers: MailServers;
  let w: World;
  t.before(async () => {
    servers = await startMailServers();
  });
  t.after(async () => {
    await servers.stop();
  });
  t.before.each(async () => {
    w = await startWorld({ via, reuse: servers });
    // every test starts from an empty maildrop
    box = await w.mail.pop3Login();
    const { count } = await box.count();
    for (let i = 1; i <= count; i++) await box.remove(i);
    await box.logout();
  });
  t.after.each(async () => {
    await w.stop();
  });

  t('plain mail arrives in Dovecot and reads back through POP3', async () => {
    const r = await w.mail.sendMail({ to: 'alice@example.org', subject: 'Tank 3 low', body: 'Level 12%.\r\n.leading dot line\r\n..two dots\r\nend' });
    assert.ok(r.commands > 5);
    const got = servers.smtp.received.at(-1)!;
    assert.equal(got.to, ['alice@example.org']);
    const [raw] = await retrieveAll(w);
    const m = await simpleParser(raw);
    assert.is(m.subject, 'Tank 3 low');
    assert.is(m.from!.value[0].address, 'board@example.org');
    assert.is(m.from!.value[0].name, 'Pump station 4');
    assert.is(m.text!.replace(/\r\n/g, '\n').trim(), 'Level 12%.\n.leading dot line\n..two dots\nend');
  });

  t('To, Cc and Bcc: Bcc delivered, absent from the headers', async () => {
    await w.mail.sendMail({
      to: ['alice@example.org', 'Bob Builder <bob@example.org>'],
      cc: { address: 'carol@example.org', name: 'Carol' },
      bcc: ['dave@example.org', 'erin@example.org'],
      subject: 'cc and bcc',
      body: 'x',
    });
    const got = servers.smtp.received.at(-1)!;
    assert.equal([...got.to].sort(), ['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org', 'erin@example.org']);
    const [raw] = await retrieveAll(w);
    const m = await simpleParser(raw);
    const to = (m.to as any).value.map((a: any) => a.address);
    assert.equal(to, ['alice@example.org', 'bob@example.org']);
    assert.is((m.to as any).value[1].name, 'Bob Builder');
    assert.equal((m.cc as any).value.map((a: any) => a.address), ['carol@example.org']);
    assert.is(m.bcc, undefined);
    assert.not.match(raw.toString('latin1'), /dave@|erin@|^Bcc:/im);
  });

  t('UTF-8 subject and body travel in hex and arrive decoded', async () => {
    const subject = 'Température élevée ⚠ 35°C';
    const body = 'Capteur n°4: 35 °C — seuil dépassé.\r\nЖурнал: ok. 日本語';
    await w.mail.sendMail({ to: 'alice@example.org', subject, body });
    assert.match(w.written(), /AT\+SMTPCS="UTF-8"/);
    assert.match(w.written(), /AT\+SMTPSUB="54656D70/);
    const [raw] = await retrieveAll(w);
    const m = await simpleParser(raw);
    assert.is(m.subject, subject);
    assert.is(m.text!.replace(/\r\n/g, '\n').trim(), body.replace(/\r\n/g, '\n'));
  });

  t('text attachment (7bit) arrives with its name and bytes', async () => {
    const text = 'time,level\r\n' + Array.from({ length: 200 }, (_, i) => `${i},${(i * 7) % 100}`).join('\r\n') + '\r\n';
    const progress: number[][] = [];
    await w.mail.sendMail({ to: 'alice@example.org', subject: 'log', body: 'see attached', attachment: { name: 'levels.csv', data: text, type: 'text' }, onProgress: (s: number, n: number) => progress.push([s, n]) });
    const [raw] = await retrieveAll(w);
    const m = await simpleParser(raw);
    assert.is(m.attachments.length, 1);
    assert.is(m.attachments[0].filename, 'levels.csv');
    assert.is(m.attachments[0].content.toString('latin1'), text);
    assert.equal(progress.at(-1), [text.length, text.length]);
  });

  t('binary attachment of 64 KB+ read back over POP3 with equal sha256', async () => {
    const bytes = randomBytes(70 * 1024 + 13);
    const u8 = w.sandbox ? w.sandbox.run(`new Uint8Array(${bytes.length})`) : new Uint8Array(bytes.length);
    u8.set(bytes);
    let chunks = 0;
    await w.mail.sendMail({ to: 'alice@example.org', subject: 'photo', body: 'attached', attachment: { name: 'cam.jpg', data: u8 }, onProgress: () => chunks++ });
    assert.ok(chunks > 40, `flow control in many chunks (${chunks})`);
    const [raw] = await retrieveAll(w);
    const m = await simpleParser(raw);
    assert.is(m.attachments.length, 1);
    assert.is(m.attachments[0].filename, 'cam.jpg');
    assert.is(sha(m.attachments[0].content), sha(bytes));
  });

  t('LIST, UIDL, TOP, retrieve by uid, delete, log-out: the mail is gone; RSET undoes a delete', async () => {
    for (const s of ['first', 'second', 'third']) await w.mail.sendMail({ to: 'alice@example.org', subject: s, body: `body of ${s}\r\nline 2\r\nline 3\r\nline 4` });
    box = await w.mail.pop3Login();
    const count = await box.count();
    assert.is(count.count, 3);
    const list = plain(await box.list());
    assert.equal(list.map((e: any) => e.n), [1, 2, 3]);
    assert.is(list.reduce((a: number, e: any) => a + e.size, 0), count.size);
    assert.is(await box.size(2), list[1].size);
    const uidl = plain(await box.uidl());
    assert.is(uidl.length, 3);
    assert.is(await box.uid(3), uidl[2].uid);
    const top = collector();
    await box.top(2, 1, top.sink);
    const topText = top.buffer().toString('latin1');
    assert.match(topText, /Subject: second/);
    assert.match(topText, /body of second/);
    assert.not.match(topText, /line 2/);
    const n = await box.find(uidl[1].uid);
    assert.is(n, 2);
    const full = collector();
    await box.retrieve(n, full.sink);
    assert.match(full.buffer().toString('latin1'), /line 4/);
    await box.remove(1);
    await box.reset();
    await box.remove(2);
    await box.logout();
    box = await w.mail.pop3Login();
    const after = plain(await box.uidl());
    assert.equal(after.map((e: any) => e.uid), [uidl[0].uid, uidl[2].uid], 'the reset delete is kept, the other is gone');
    await box.remove(1);
    await box.remove(2);
    await box.logout();
  });

  t.run();
}
