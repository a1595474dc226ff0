// Bytes a client writes before the module asks for them (before DOWNLOAD, the "> " prompt, "+SMTPFT: 2,<n>"):
// dropped by default and noted as a violation (docs/module-facts.md §4.18), or kept with earlyData 'keep'; data
// written after the request is taken in both cases; promptDelayMs models the module's time to answer. Every case
// is decided by the order of writes and output, never by timing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Wire } from './wire';
import type { PartialOptions } from '../../host/emulator';

const t = suite('data written early');
const OKR = '\r\nOK\r\n';

async function off(opts?: PartialOptions): Promise<Wire> {
  const w = await Wire.boot(opts);
  await w.cmd('ATE0', 'ATE0\r' + OKR);
  return w;
}

const body = (w: Wire) => (w.emu as any).m.email.body.toString('latin1');
const dropped = (w: Wire) => w.emu.violations.filter((v) => /before the module asked for data/.test(v));

t('sim800: a body written with the command is dropped; the module still waits for its bytes after DOWNLOAD', async () => {
  const w = await off({ dialect: 'sim800' });
  try {
    w.send('AT+SMTPBODY=5\r\nearly');
    await w.expect('\r\nDOWNLOAD\r\n');
    await w.quiet(30); // no OK: the 5 early bytes did not count
    assert.equal(dropped(w), ['5 byte(s) written before the module asked for data (download): dropped']);
    w.send('late!');
    await w.expect(OKR);
    assert.is(body(w), 'late!');
    // written in a separate write before DOWNLOAD went out: dropped as well
    w.send('AT+SMTPBODY=3\r');
    w.send('abc');
    await w.expect('\r\nDOWNLOAD\r\n');
    await w.quiet(30);
    w.send('xyz');
    await w.expect(OKR);
    assert.is(body(w), 'xyz');
    assert.is(dropped(w).length, 2);
  } finally {
    w.close();
  }
});

t('sim900: bytes before the "> " prompt are dropped, Ctrl-Z included; the prompt still takes the body', async () => {
  const w = await off();
  try {
    w.send('AT+SMTPBODY\r\nearly\x1a');
    await w.expect('\r\n> ');
    await w.quiet(30);
    w.send('late\x1a');
    await w.expect(OKR);
    assert.is(body(w), 'late');
    assert.is(dropped(w).length, 1);
  } finally {
    w.close();
  }
});

t('AT+SMTPFT: attachment bytes before "+SMTPFT: 2,<n>" are dropped too', async () => {
  const w = await off();
  try {
    // the input side needs no server: a send waiting at its attachment, as after "+SMTPFT: 1,1360"
    (w.emu as any).m.smtp = { ft: { resolve() {}, reject() {}, timer: null }, ftMax: 1360, done: false, session: {} };
    w.send('AT+SMTPFT=4\r\nABCD');
    await w.expect('\r\n+SMTPFT: 2,4\r\n');
    await w.quiet(30);
    assert.equal(dropped(w), ['4 byte(s) written before the module asked for data (ftdata): dropped']);
  } finally {
    (w.emu as any).m.smtp = null;
    w.close();
  }
});

t('a host that answers DOWNLOAD from inside its output handler is in time', async () => {
  const w = await off({ dialect: 'sim800' });
  try {
    const answer = (b: Buffer) => {
      if (b.toString('latin1').indexOf('DOWNLOAD') >= 0) {
        w.emu.off('output', answer);
        w.emu.input('sync!');
      }
    };
    w.emu.on('output', answer);
    w.send('AT+SMTPBODY=5\r');
    await w.expect('\r\nDOWNLOAD\r\n' + OKR);
    assert.is(body(w), 'sync!');
    assert.is(dropped(w).length, 0);
  } finally {
    w.close();
  }
});

t('data is taken from the request on, not from a noise URC after it (chunked output)', async () => {
  const w = await off({ dialect: 'sim800', chunkMax: 3, seed: 4 });
  try {
    w.emu.opts.faults.noiseRate = 1; // a noise URC before and after DOWNLOAD
    let seen = '';
    const answer = (b: Buffer) => {
      seen += b.toString('latin1');
      if (seen.indexOf('DOWNLOAD\r\n') >= 0) {
        w.emu.off('output', answer);
        w.emu.input('intime');
      }
    };
    w.emu.on('output', answer);
    w.send('AT+SMTPBODY=6\r');
    await w.until('OK\r\n');
    assert.is(body(w), 'intime');
    assert.is(dropped(w).length, 0);
  } finally {
    w.close();
  }
});

t("earlyData 'keep': bytes written with the command are the first data bytes, taken once the module asked", async () => {
  const w = await off({ dialect: 'sim800', earlyData: 'keep' });
  try {
    w.send('AT+SMTPBODY=5\r\nhello');
    await w.expect('\r\nDOWNLOAD\r\n' + OKR);
    assert.is(body(w), 'hello');
    assert.is(dropped(w).length, 0);
  } finally {
    w.close();
  }
  const p = await Wire.boot({ earlyData: 'keep' }); // echo on: the body is echoed after the prompt, not before
  try {
    p.send('AT+SMTPBODY\r\nhi\x1a');
    await p.expect('AT+SMTPBODY\r\r\n> hi' + OKR);
    assert.is(body(p), 'hi');
  } finally {
    p.close();
  }
});

t('promptDelayMs: DOWNLOAD comes that much later; what the client writes meanwhile is early', async () => {
  const w = await off({ dialect: 'sim800', promptDelayMs: 120 });
  try {
    const t0 = Date.now();
    w.send('AT+SMTPBODY=4\r\n');
    w.send('soon'); // a client that waits a fixed time shorter than the module's answer (GSMSim waits 50 ms)
    await w.expect('\r\nDOWNLOAD\r\n', 2000);
    assert.ok(Date.now() - t0 >= 110, String(Date.now() - t0));
    assert.is(dropped(w).length, 1);
    w.send('late');
    await w.expect(OKR);
    assert.is(body(w), 'late');
  } finally {
    w.close();
  }
});

t.run();
