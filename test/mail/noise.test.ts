// The client over a rough line: output cut into random small chunks and noise URCs (RING, +CMTI, UNDER-VOLTAGE
// WARNNING, +CREG, +CGREG, Call Ready, SMS Ready, +CPIN: READY) at any line boundary, also around counted data,
// through the module; the mail and its attachment still arrive intact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { startWorld, collector } from '../helpers/world';

/** the POP3 mailbox of the last pop3Login */
let box: any;

test('send and retrieve with random chunking and noise URCs (module)', async () => {
  const w = await startWorld({ via: 'module', emulator: { seed: 7, chunkMax: 9, faults: { noiseRate: 0.3 } as any } });
  try {
    const events: string[] = [];
    w.mail.on('urc', (l: string) => /^(RING|\+CMTI:|UNDER-VOLTAGE|\+CREG:|\+CGREG:|Call Ready|SMS Ready|\+CPIN:)/.test(l) && events.push(l));
    const bytes = randomBytes(12000);
    const u8 = w.sandbox!.run(`new Uint8Array(${bytes.length})`);
    u8.set(bytes);
    await w.mail.sendMail({ to: 'a@example.org', subject: 'rough line', body: 'RING\r\nOK\r\n+CMTI: "SM",1', attachment: { name: 'x.bin', data: u8 } });
    box = await w.mail.pop3Login();
    const c = collector();
    await box.retrieve(1, c.sink);
    await box.remove(1);
    await box.logout();
    const m = await simpleParser(c.buffer());
    assert.is(m.text!.replace(/\r\n/g, '\n').trim(), 'RING\nOK\n+CMTI: "SM",1');
    assert.is(createHash('sha256').update(m.attachments[0].content).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
    assert.ok(events.length > 5, `noise URCs reached the handlers (${events.length})`);
  } finally {
    await w.stop();
  }
});

test.run();
