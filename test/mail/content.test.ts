// What arrives is what was sent (issue 11): a body's line ends become CR LF, control bytes that would be typed at the
// prompt are refused, an attachment goes as text only when it is plain CR LF text, and one that claims to be text
// but is not is refused before AT+SMTPSEND opens a session the module could not abort.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { startMailServers, type MailServers } from '../../host/servers';
import { startWorld, type World, type Via } from '../helpers/world';

let servers: MailServers;
let w: World | null = null;
const t = suite('content: line ends, control bytes, text or binary attachments');
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

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function sent(world: World, mail: any): Promise<any> {
  const before = servers.smtp.received.length;
  await world.mail.sendMail(Object.assign({ to: 'a@example.org', subject: 'content' }, mail));
  const raw = (await servers.smtp.waitForMessage(before, 10000)).raw;
  return { raw: raw.toString('latin1'), parsed: await simpleParser(raw) };
}

for (const via of ['source', 'module', 'published'] as Via[]) {
  t(`a body's lone LF and lone CR arrive as CR LF; TAB stays (${via})`, async () => {
    w = await startWorld({ reuse: servers, via });
    const m = await sent(w, { body: 'one\ntwo\rthree\r\nfour\tfive' });
    assert.ok(m.raw.indexOf('one\r\ntwo\r\nthree\r\nfour\tfive') > 0, m.raw.slice(-200));
    // UTF-8 travels in hex: the same line ends
    const u = await sent(w, { body: 'grüße\nzwei' });
    assert.match(u.parsed.text, /^grüße\r?\nzwei/);
    assert.not.match(u.raw, /[^\r]\n/, 'no lone LF on the wire');
  });

  t(`backspace, DEL, BEL in an ASCII body are refused before a byte is written (${via})`, async () => {
    w = await startWorld({ reuse: servers, via });
    for (const body of ['ab\x08c', 'ab\x7f', 'ring\x07']) {
      const before = w.written().length;
      const e = await w.mail.sendMail({ to: 'a@example.org', body }).catch((x: any) => x);
      assert.is(e && e.code, 'E_PARAM', JSON.stringify(body));
      assert.is(w.written().length, before);
    }
  });

  t(`an attachment string with lone line ends or control bytes goes as binary, byte for byte (${via})`, async () => {
    w = await startWorld({ reuse: servers, via });
    for (const data of ['unix\nline ends\n', 'old mac\rline', 'nul\x00inside', 'plain\r\ntext\r\n']) {
      const m = await sent(w, { body: 'b', attachment: { name: 'a.txt', data } });
      const a = m.parsed.attachments[0];
      assert.is(sha(a.content), sha(Buffer.from(data, 'latin1')), JSON.stringify(data));
      const base64 = /Content-Transfer-Encoding: base64/i.test(m.raw);
      assert.is(base64, data !== 'plain\r\ntext\r\n', `${JSON.stringify(data)} as ${base64 ? 'base64' : 'text'}`);
    }
  });

  t(`a "text" attachment that is not plain text is refused before AT+SMTPSEND (${via})`, async () => {
    w = await startWorld({ reuse: servers, via });
    const big = 'line\r\n'.repeat(200) + 'caf\xe9\r\n';
    if (w.sandbox) w.sandbox.storage.write('note.txt', 'ok\r\n'.repeat(300) + 'a\nb');
    else (await import('../../host/espruino-node')).nodeStorage.write('note.txt', 'ok\r\n'.repeat(300) + 'a\nb');
    const cases: any[] = [
      { name: 'a.txt', data: 'caf\xe9', type: 'text' },
      { name: 'a.txt', data: 'nul\x00', type: 'text' },
      { name: 'a.txt', data: 'lone\nLF', type: 'text' },
      { name: 'a.txt', data: 'ends in CR\r', type: 'text' },
      { name: 'a.txt', data: big, type: 'text' },
      { name: 'a.txt', file: 'note.txt', type: 'text' },
    ];
    for (const attachment of cases) {
      const e = await w.mail.sendMail({ to: 'a@example.org', body: 'b', attachment }).catch((x: any) => x);
      assert.is(e && e.code, 'E_ATTACHMENT', JSON.stringify(attachment).slice(0, 60));
      assert.not.match(w.written(), /AT\+SMTPSEND/, 'no session was opened');
    }
    // and the module is free: a good send goes through at once
    const m = await sent(w, { body: 'after', attachment: { name: 'a.txt', data: 'fine\r\n', type: 'text' } });
    assert.is(m.parsed.attachments[0].content.toString(), 'fine\r\n');
  });

  t(`an attachment reader that fails in the middle of a send: the send fails after the module closed its session, which is then free (${via})`, async () => {
    w = await startWorld({ reuse: servers, via, emulator: { timeoutScale: 0.05 } });
    const before = servers.smtp.received.length;
    const reader = {
      size: 6000,
      read: (o: number, n: number) => {
        if (o >= 2000) throw new Error('sensor log vanished');
        return 'x'.repeat(n);
      },
    };
    const order: string[] = [];
    w.mail.on('smtpsend', (code: number) => order.push('+SMTPSEND: ' + code));
    const e = await w.mail.sendMail({ to: 'a@example.org', subject: 'cut', body: 'b', attachment: { name: 'log.txt', data: reader } }).catch((x: any) => x);
    order.push('callback');
    assert.ok(e && /vanished/.test(e.message || String(e)), `the reader's error reaches the caller: ${e && e.message}`);
    // the send's callback came after the module's own end of the session
    assert.is(order.length, 2, order.join(', '));
    assert.is(order[1], 'callback');
    const m = await sent(w, { subject: 'next', body: 'after' });
    assert.is(m.parsed.subject, 'next');
    assert.is(servers.smtp.received.length, before + 1, 'the cut mail was not delivered');
  });
}

t.run();
