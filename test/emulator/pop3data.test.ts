// What AT+POP3READ hands out of a RETR (the manual leaves it open, docs/module-facts.md §5.6): by default the
// server's bytes as they come, dot-stuffed, with the final ".\r\n" and without the "+OK" line; pop3Unstuff removes
// the stuffing, pop3IncludeDot: false leaves the final line out, pop3IncludeOk puts the status line first. The filter
// alone byte by byte, then each combination read from Dovecot through the emulator.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startMailServers, deliverToMaildir, type MailServers } from '../../host/servers';
import { Pop3DataFilter } from '../../host/emulator/pop3data';
import { Wire, show } from './wire';
import type { PartialOptions } from '../../host/emulator';

const t = suite('POP3READ data');
const OKR = '\r\nOK\r\n';
let srv: MailServers;

// data lines that start with a dot, as the server sends them (RFC 1939: stuffed) and as they are
const RAW = 'Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\nmid.dle\r\n.\r\r\nend\r\n';
const STUFFED = 'Subject: dots\r\n\r\n..\r\n...two\r\n..x\r\nmid.dle\r\n..\r\r\nend\r\n';

t.before(async () => {
  srv = await startMailServers({ dovecot: { users: [{ user: 'dots', password: 'secret' }] } });
  deliverToMaildir(srv.pop3.maildir, Buffer.from(RAW, 'latin1'), srv.pop3.mailOwner);
});
t.after(async () => {
  if (srv) await srv.stop();
});

t('the filter, fed byte by byte and at once, in its four settings', () => {
  const reply = STUFFED + '.\r\n';
  for (const [unstuff, keepDot, want] of [
    [false, true, STUFFED + '.\r\n'],
    [true, true, RAW + '.\r\n'],
    [false, false, STUFFED],
    [true, false, RAW],
  ] as const) {
    const whole = new Pop3DataFilter({ unstuff, keepDot }).push(Buffer.from(reply, 'latin1'));
    const f = new Pop3DataFilter({ unstuff, keepDot });
    const bytes = Buffer.concat([...Buffer.from(reply, 'latin1')].map((c) => f.push(Buffer.from([c]))));
    assert.is(show(whole), show(want), `at once, unstuff ${unstuff}, dot ${keepDot}`);
    assert.is(show(bytes), show(want), `byte by byte, unstuff ${unstuff}, dot ${keepDot}`);
  }
  // an empty message: the final line alone
  assert.is(new Pop3DataFilter({ unstuff: true, keepDot: false }).push(Buffer.from('.\r\n')).length, 0);
});

/** RETR 1 through the emulator; the data of every AT+POP3READ joined. */
async function retr(opts: PartialOptions): Promise<string> {
  const w = await Wire.boot(opts);
  try {
    await w.cmd('ATE0', 'ATE0\r' + OKR);
    await w.cmd('AT+SAPBR=1,1', OKR);
    await w.cmd(`AT+POP3SRV="127.0.0.1","dots","secret",${srv.pop3.port}`, OKR);
    await w.cmd('AT+POP3IN', OKR + '\r\n+POP3IN: 1\r\n');
    await w.cmd('AT+POP3CMD=4,1', OKR + '\r\n+POP3CMD: 1\r\n');
    let data = '';
    for (;;) {
      w.send('AT+POP3READ=16\r');
      let head: string;
      do {
        await w.until('\r\n+POP3READ: ');
        head = await w.until('\r\n');
      } while (head.startsWith('3,')); // "new data arrived" after a short read: not this read's answer
      const [state, n] = head.split(',').map(Number);
      data += w.rest().substring(0, n);
      w.pos += n;
      await w.expect('\r\n' + OKR);
      if (state === 2) break;
      if (n === 0) await new Promise((r) => setTimeout(r, 20)); // nothing yet from the server
    }
    await w.cmd('AT+POP3OUT', OKR + '\r\n+POP3OUT: 1\r\n');
    return data;
  } finally {
    w.close();
  }
}

t('default: dot-stuffed, with the final ".", without "+OK"', async () => {
  assert.is(show(await retr({})), show(STUFFED + '.\r\n'));
});

t('pop3Unstuff: the stuffing removed', async () => {
  assert.is(show(await retr({ pop3Unstuff: true })), show(RAW + '.\r\n'));
});

t('pop3IncludeDot false: no final line, with and without the stuffing', async () => {
  assert.is(show(await retr({ pop3IncludeDot: false })), show(STUFFED));
  assert.is(show(await retr({ pop3IncludeDot: false, pop3Unstuff: true })), show(RAW));
});

t('pop3IncludeOk: the server\'s status line first', async () => {
  const d = await retr({ pop3IncludeOk: true });
  assert.ok(/^\+OK[^\r\n]*\r\n/.test(d), show(d));
  assert.is(show(d.replace(/^\+OK[^\r\n]*\r\n/, '')), show(STUFFED + '.\r\n'));
});

t.run();
