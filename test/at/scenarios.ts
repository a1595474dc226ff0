// AT engine scenarios: framing, finals, URCs, prompts, raw writes, counted data, recovery. Run against the
// sources (engine.test.ts) and against the built module in the host sandbox (bundle.test.ts) through `mk`.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Script, run, wait, ALL_BYTES, type Make } from './fake';

const isError = (e: unknown): boolean => Object.prototype.toString.call(e) === '[object Error]';

export function engineScenarios(name: string, mk: Make): void {
const test = suite(name);
const engine = mk;

test('OK with intermediate lines collected by prefix; echo off', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+SAPBR=2,1\r', reply: '\r\n+SAPBR: 1,1,"10.42.39.52"\r\n\r\nOK\r\n' }]);
  const o = await run(e, { line: 'AT+SAPBR=2,1', prefix: '+SAPBR:' });
  assert.is(o.err, null);
  assert.equal(o.res!.lines, ['+SAPBR: 1,1,"10.42.39.52"']);
  assert.is(o.res!.final, 'OK');
  assert.is(o.calls, 1);
  assert.is(s.out, 'AT+SAPBR=2,1\r');
});

test('echo on ("AT..\\r" then "\\r\\n") gives the same result', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+SAPBR=2,1\r', reply: 'AT+SAPBR=2,1\r\r\n+SAPBR: 1,1,"10.42.39.52"\r\n\r\nOK\r\n' }], [1, 3, 2]);
  const o = await run(e, { line: 'AT+SAPBR=2,1', prefix: '+SAPBR:' });
  assert.equal(o.res!.lines, ['+SAPBR: 1,1,"10.42.39.52"']);
});

test('without prefix every unclaimed line is collected (multi-line AT+SAPBR=4,1 block)', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+SAPBR=4,1\r', reply: '\r\n+SAPBR:\r\nCONTYPE: GPRS\r\nAPN:\r\nRATE: 2\r\n\r\nOK\r\n' }]);
  const o = await run(e, { line: 'AT+SAPBR=4,1' });
  assert.equal(o.res!.lines, ['+SAPBR:', 'CONTYPE: GPRS', 'APN:', 'RATE: 2']);
});

test('ERROR, +CME ERROR: <n> and +CME ERROR: <text> are typed errors', async () => {
  const { s, e } = engine();
  new Script(s, [
    { expect: 'AT+A\r', reply: '\r\nERROR\r\n' },
    { expect: 'AT+B\r', reply: '\r\n+CME ERROR: 3\r\n' },
    { expect: 'AT+C\r', reply: '\r\n+CME ERROR: operation not allowed\r\n' },
  ]);
  const a = await run(e, { line: 'AT+A' });
  assert.is(a.err!.code, 'E_ERROR');
  assert.is(a.err!.name, 'E_ERROR');
  assert.is(a.err!.command, 'AT+A');
  assert.ok(isError(a.err), 'an Error');
  const b = await run(e, { line: 'AT+B' });
  assert.is(b.err!.code, 'E_CME');
  assert.is(b.err!.result, 3);
  const c = await run(e, { line: 'AT+C' });
  assert.is(c.err!.code, 'E_CME');
  assert.is(c.err!.result, undefined);
  assert.is(c.err!.detail, 'operation not allowed');
  assert.is(s.out, 'AT+A\rAT+B\rAT+C\r', 'ERROR needs no resync');
});

test('final after OK (+SMTPSEND), URCs in between are dispatched, not swallowed', async () => {
  const { s, e } = engine();
  const urcs: string[] = [];
  e.urc('RING', (l) => urcs.push(l));
  e.urc('+CMTI:', (l) => urcs.push(l));
  e.urc('+SMTPSEND:', (l) => urcs.push('URC ' + l));
  new Script(s, [{ expect: 'AT+SMTPSEND\r', reply: '\r\nOK\r\n\r\nRING\r\n\r\n+CMTI: "SM",3\r\n\r\n+SMTPSEND: 1\r\n' }], [5]);
  const o = await run(e, { line: 'AT+SMTPSEND', finals: ['+SMTPSEND: '], afterOk: true });
  assert.is(o.err, null);
  assert.is(o.res!.final, '+SMTPSEND: 1');
  assert.equal(urcs, ['RING', '+CMTI: "SM",3']);
});

test('+SMTPSEND: <code> with nothing in flight goes to the URC handler', async () => {
  const { s, e } = engine();
  const urcs: string[] = [];
  e.urc('+SMTPSEND:', (l) => urcs.push(l));
  s.feed('\r\n+SMTPSEND: 65\r\n');
  assert.equal(urcs, ['+SMTPSEND: 65']);
});

test('URCs between the lines of a response and inside a split line never end the command', async () => {
  const { s, e } = engine();
  const urcs: string[] = [];
  e.urc('+SAPBR 1: DEACT', (l) => urcs.push(l));
  e.urc('UNDER-VOLTAGE', (l) => urcs.push(l));
  new Script(s, [{ expect: 'AT+POP3LIST=1\r', reply: '\r\n+SAPBR 1: DEACT\r\n\r\nOK\r\n\r\nUNDER-VOLTAGE WARNNING\r\n\r\n+POP3LIST: 1,1,5556\r\n' }], [2, 7]);
  const o = await run(e, { line: 'AT+POP3LIST=1', finals: ['+POP3LIST: ', '+POP3OUT: '], afterOk: true });
  assert.is(o.res!.final, '+POP3LIST: 1,1,5556');
  assert.equal(urcs, ['+SAPBR 1: DEACT', 'UNDER-VOLTAGE WARNNING']);
});

test('a final that arrives before OK ends the command at OK', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+POP3NUM\r', reply: '\r\n+POP3NUM: 1,2,11124\r\n\r\nOK\r\n' }]);
  const o = await run(e, { line: 'AT+POP3NUM', finals: ['+POP3NUM: ', '+POP3OUT: '], afterOk: true });
  assert.is(o.res!.final, '+POP3NUM: 1,2,11124');
});

test('"\\r\\n> " prompt: body then Ctrl-Z, exactly', async () => {
  const { s, e } = engine();
  const body = 'line one\r\nOK\r\n> not a prompt\r\n.';
  new Script(s, [
    { expect: 'AT+SMTPBODY\r', reply: '\r\n> ' },
    { expect: body + '\x1a', reply: '\r\nOK\r\n' },
  ], [1]);
  const o = await run(e, { line: 'AT+SMTPBODY', prompt: '> ', payload: body, terminator: '\x1a' });
  assert.is(o.err, null);
  assert.is(s.out, 'AT+SMTPBODY\r' + body + '\x1a');
});

test('DOWNLOAD prompt (SIM800 dialect) as a line, no terminator', async () => {
  const { s, e } = engine();
  new Script(s, [
    { expect: 'AT+SMTPBODY=5\r', reply: '\r\nDOWNLOAD\r\n' },
    { expect: 'hello', reply: '\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+SMTPBODY=5', prompt: 'DOWNLOAD', payload: 'hello' });
  assert.is(o.err, null);
  assert.is(s.out, 'AT+SMTPBODY=5\rhello');
});

test('a prompt without payload is answered with ESC', async () => {
  const { s, e } = engine();
  new Script(s, [
    { expect: 'AT+SMTPBODY\r', reply: '\r\n> ' },
    { expect: '\x1b', reply: '\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+SMTPBODY', prompt: '> ' });
  assert.is(o.err, null);
  assert.is(s.out, 'AT+SMTPBODY\r\x1b');
});

test('a prompt that never comes: timeout, ESC written, then resync before the next command', async () => {
  const { s, e } = engine();
  new Script(s, [
    { expect: 'AT+SMTPBODY\r', reply: '\r\n' },
    { expect: '\x1bATE0V1\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT\r', reply: '\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+SMTPBODY', prompt: '> ', payload: 'x', terminator: '\x1a', timeout: 40 });
  assert.is(o.err!.code, 'E_TIMEOUT');
  const p = await run(e, { line: 'AT' });
  assert.is(p.err, null);
  assert.is(s.out, 'AT+SMTPBODY\r\x1bATE0V1\rAT+CMEE=2\rAT\r');
});

test('write-on: AT+SMTPFT=n -> +SMTPFT: 2,<cnf> -> exactly cnf raw bytes -> OK', async () => {
  const { s, e } = engine();
  const data = ALL_BYTES.slice(0, 100);
  new Script(s, [
    { expect: 'AT+SMTPFT=100\r', reply: '\r\n+SMTPFT: 2,60\r\n' },
    { expect: data.slice(0, 60), reply: '\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+SMTPFT=100', writeOn: '+SMTPFT: 2,', payload: data });
  assert.is(o.err, null);
  assert.is(o.res!.written, 60);
  assert.is(s.out, 'AT+SMTPFT=100\r' + data.slice(0, 60));
});

test('write-on with a Uint8Array payload', async () => {
  const { s, e } = engine();
  const data = new Uint8Array([0, 1, 0x1a, 0x1b, 13, 10, 255]);
  new Script(s, [
    { expect: 'AT+SMTPFT=7\r', reply: '\r\n+SMTPFT: 2,7\r\n' },
    { expect: '\x00\x01\x1a\x1b\r\n\xff', reply: '\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+SMTPFT=7', writeOn: '+SMTPFT: 2,', payload: data });
  assert.is(o.res!.written, 7);
});

test('write-on asking for more bytes than given is a ProtocolError', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+SMTPFT=3\r', reply: '\r\n+SMTPFT: 2,9\r\n' }]);
  const o = await run(e, { line: 'AT+SMTPFT=3', writeOn: '+SMTPFT: 2,', payload: 'abc' });
  assert.is(o.err!.code, 'E_PROTOCOL');
  assert.not.ok(s.out.includes('abc'), 'no payload byte written');
  e.close();
});

test('the attachment flow: +SMTPFT: 1,<max> ends AT+SMTPSEND and each AT+SMTPFT, +SMTPSEND: <code> the last', async () => {
  const { s, e } = engine();
  new Script(s, [
    { expect: 'AT+SMTPSEND\r', reply: '\r\nOK\r\n\r\n+SMTPFT: 1,1360\r\n' },
    { expect: 'AT+SMTPFT=4\r', reply: '\r\n+SMTPFT: 2,4\r\n' },
    { expect: 'abcd', reply: '\r\nOK\r\n\r\n+SMTPFT: 1,1360\r\n' },
    { expect: 'AT+SMTPFT=0\r', reply: '\r\nOK\r\n\r\n+SMTPSEND: 1\r\n' },
  ]);
  const flow = ['+SMTPFT: 1,', '+SMTPSEND:'];
  const a = await run(e, { line: 'AT+SMTPSEND', finals: flow, afterOk: true });
  assert.is(a.res!.final, '+SMTPFT: 1,1360');
  const b = await run(e, { line: 'AT+SMTPFT=4', writeOn: '+SMTPFT: 2,', payload: 'abcd', finals: flow, afterOk: true });
  assert.is(b.res!.final, '+SMTPFT: 1,1360');
  assert.is(b.res!.written, 4);
  const c = await run(e, { line: 'AT+SMTPFT=0', finals: ['+SMTPSEND:'], afterOk: true });
  assert.is(c.res!.final, '+SMTPSEND: 1');
});

test('+SMTPSEND: <code> during an AT+SMTPFT ends it (the send failed)', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+SMTPFT=4\r', reply: '\r\n+SMTPFT: 2,4\r\n' }, { expect: 'abcd', reply: '\r\n+SMTPSEND: 65\r\n\r\nOK\r\n' }]);
  const o = await run(e, { line: 'AT+SMTPFT=4', writeOn: '+SMTPFT: 2,', payload: 'abcd', finals: ['+SMTPFT: 1,', '+SMTPSEND:'], afterOk: true });
  assert.is(o.res!.final, '+SMTPSEND: 65');
});

test('counted POP3READ data holding OK/ERROR/URC text and every byte value is data', async () => {
  const { s, e } = engine();
  const urcs: string[] = [];
  e.urc('+SMTPSEND:', (l) => urcs.push(l));
  e.urc('+POP3READ: 3,', (l) => urcs.push(l));
  e.urc('RING', (l) => urcs.push(l));
  const data = 'OK\r\nERROR\r\n+SMTPSEND: 1\r\n\r\n.\r\nRING\r\nRDY\r\n> ' + ALL_BYTES + '\r\n+CME ERROR: 3\r\n';
  new Script(s, [{ expect: 'AT+POP3READ=1460\r', reply: `\r\n+POP3READ: 3,500\r\n\r\n+POP3READ: 2,${data.length}\r\n${data}\r\n\r\nOK\r\n` }], [3, 64, 1]);
  const parts: string[] = [];
  const o = await run(e, { line: 'AT+POP3READ=1460', counted: ['+POP3READ: 1,', '+POP3READ: 2,'], onData: (c) => parts.push(c) });
  assert.is(o.err, null);
  assert.is(parts.join(''), data);
  assert.equal(o.res!.lines, [`+POP3READ: 2,${data.length}`]);
  assert.equal(urcs, ['+POP3READ: 3,500']);
});

test('counted data larger than the receive buffer streams through; without onData it is kept', async () => {
  const { s, e } = engine({ rxBufferSize: 64 });
  let data = '';
  for (let i = 0; i < 3000; i++) data += String.fromCharCode((i * 7) & 255);
  new Script(s, [{ expect: 'AT+POP3READ=1460\r', reply: `\r\n+POP3READ: 1,${data.length}\r\n${data}\r\n\r\nOK\r\n` }], [64]);
  const o = await run(e, { line: 'AT+POP3READ=1460', counted: ['+POP3READ: 1,'] });
  assert.is(o.err, null);
  assert.is(o.res!.data, data);
});

test('zero-length counted read', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+POP3READ=1460\r', reply: `\r\n+POP3READ: 1,0\r\n\r\nOK\r\n` }]);
  const o = await run(e, { line: 'AT+POP3READ=1460', counted: ['+POP3READ: 1,', '+POP3READ: 2,'] });
  assert.equal(o.res!.lines, ['+POP3READ: 1,0']);
  assert.is(o.res!.data, '');
});

test('a counted header without a byte count is a ProtocolError', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+POP3READ=1460\r', reply: `\r\n+POP3READ: 1,12x\r\n` }]);
  const o = await run(e, { line: 'AT+POP3READ=1460', counted: ['+POP3READ: 1,'] });
  assert.is(o.err!.code, 'E_PROTOCOL');
  e.close();
});

test('a line longer than the receive buffer: OverflowError, then resync and the engine works again', async () => {
  const { s, e } = engine({ rxBufferSize: 32 });
  const errs: string[] = [];
  e.onError = (x) => errs.push(x.code);
  new Script(s, [
    { expect: 'AT+X\r', reply: '\r\n+X: ' + 'y'.repeat(100) + '\r\n\r\nOK\r\n' },
    { expect: 'ATE0V1\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+Y\r', reply: '\r\n+Y: 1\r\n\r\nOK\r\n' },
  ], [10]);
  const o = await run(e, { line: 'AT+X', prefix: '+X:' });
  assert.is(o.err!.code, 'E_OVERFLOW');
  assert.is(o.err!.name, 'E_OVERFLOW');
  const p = await run(e, { line: 'AT+Y', prefix: '+Y:' });
  assert.is(p.err, null);
  assert.equal(p.res!.lines, ['+Y: 1']);
  assert.equal(errs, []);
});

test('overflow while idle is reported through onError, and the next line parses cleanly', async () => {
  const { s, e } = engine({ rxBufferSize: 16 });
  const errs: string[] = [];
  const urcs: string[] = [];
  e.onError = (x) => errs.push(x.code);
  e.urc('RING', (l) => urcs.push(l));
  s.feed('\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
  s.feed('xxxxRING\r\n\r\nRING\r\n');
  assert.equal(errs, ['E_OVERFLOW']);
  assert.equal(urcs, ['RING']);
  e.close();
});

test('UART overflow reported by the board fails the command in flight', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+X\r', reply: '\r\n+X: 12' }]);
  const p = run(e, { line: 'AT+X', prefix: '+X' });
  await wait(10);
  e.overflow();
  const o = await p;
  assert.is(o.err!.code, 'E_OVERFLOW');
  e.close();
});

test('garbage bytes between lines do not disturb a command', async () => {
  const { s, e } = engine();
  const junk: string[] = [];
  e.onLine = (l) => junk.push(l);
  new Script(s, [{ expect: 'AT+X\r', reply: '\x00IIII\xff\xff\xff\xff\r\n\x80\x81\r\n+X: 5\r\n\xfe\r\n\r\nOK\r\n' }], [3]);
  const o = await run(e, { line: 'AT+X', prefix: '+X:' });
  assert.equal(o.res!.lines, ['+X: 5']);
  assert.equal(junk, ['\x00IIII\xff\xff\xff\xff', '\x80\x81', '\xfe']);
});

test('timeout: E_TIMEOUT once, a late OK is not a second callback, resync precedes the next command', async () => {
  const { s, e } = engine();
  let calls = 0;
  const done = new Promise<any>((r) => e.send({ line: 'AT+SLOW', timeout: 30 }, (err) => { calls++; r(err); }));
  const err = await done;
  assert.is(err.code, 'E_TIMEOUT');
  assert.is(err.name, 'E_TIMEOUT');
  s.feed('\r\nOK\r\n'); // late
  await wait(10);
  assert.is(calls, 1);
  new Script(s, [
    { expect: 'ATE0V1\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+NEXT\r', reply: '\r\nOK\r\n' },
  ]);
  s.out = '';
  const o = await run(e, { line: 'AT+NEXT' });
  assert.is(o.err, null);
  assert.is(s.out, 'ATE0V1\rAT+CMEE=2\rAT+NEXT\r');
});

test('final-after-OK timeout', async () => {
  const { s, e } = engine();
  new Script(s, [{ expect: 'AT+POP3IN\r', reply: '\r\nOK\r\n' }]);
  const o = await run(e, { line: 'AT+POP3IN', finals: ['+POP3IN: '], afterOk: true, finalTimeout: 30 });
  assert.is(o.err!.code, 'E_TIMEOUT');
  assert.match(o.err!.message, /final after OK/);
  e.close();
});

test('sync on start: ATE0V1 (echo tolerated) then AT+CMEE=2, then the queue', async () => {
  const { s, e } = mk({ syncOnStart: true });
  new Script(s, [
    { expect: 'ATE0V1\r', reply: 'ATE0V1\r\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+GMR\r', reply: '\r\nRevision:1137B03SIM900M64_ST\r\n\r\nOK\r\n' },
  ]);
  const o = await run(e, { line: 'AT+GMR' });
  assert.equal(o.res!.lines, ['Revision:1137B03SIM900M64_ST']);
  assert.is(s.out, 'ATE0V1\rAT+CMEE=2\rAT+GMR\r');
});

test('no answer at all: E_NORESPONSE after the probes, for every queued command', async () => {
  const { s, e } = mk({ syncOnStart: true, probeTimeout: 10, probeAttempts: 3 });
  const a = run(e, { line: 'AT+A' });
  const b = run(e, { line: 'AT+B' });
  const errs: string[] = [];
  e.onError = (x) => errs.push(x.code);
  assert.is((await a).err!.code, 'E_NORESPONSE');
  assert.is((await b).err!.code, 'E_NORESPONSE');
  assert.is(s.out, 'ATE0V1\rATE0V1\rATE0V1\r');
  assert.equal(errs, ['E_NORESPONSE']);
  e.close();
});

test('reset (RDY) during a command: it and the queued ones fail with E_RESET; resync before the next', async () => {
  const { s, e } = engine();
  const resets: string[] = [];
  e.onReset = (l) => resets.push(l);
  new Script(s, [
    { expect: 'AT+A\r', reply: '\r\n+A: 1\r\n\x00IIII\xff\xff\xff\xff\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n' },
    { expect: 'ATE0V1\r', reply: 'ATE0V1\r\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+C\r', reply: '\r\nOK\r\n' },
  ]);
  const a = run(e, { line: 'AT+A' });
  const b = run(e, { line: 'AT+B' });
  const [ra, rb] = await Promise.all([a, b]);
  assert.is(ra.err!.code, 'E_RESET');
  assert.is(ra.err!.detail, 'RDY');
  assert.is(rb.err!.code, 'E_RESET');
  assert.is(ra.calls + rb.calls, 2);
  assert.ok(resets.includes('RDY'));
  const c = await run(e, { line: 'AT+C' });
  assert.is(c.err, null);
  assert.is(s.out, 'AT+A\rATE0V1\rAT+CMEE=2\rAT+C\r');
});

test('NORMAL POWER DOWN fails the command in flight', async () => {
  const { s, e } = engine({ probeTimeout: 10, probeAttempts: 1 });
  new Script(s, [{ expect: 'AT+SMTPSEND\r', reply: '\r\nOK\r\n\r\nNORMAL POWER DOWN\r\n' }]);
  const o = await run(e, { line: 'AT+SMTPSEND', finals: ['+SMTPSEND: '], afterOk: true });
  assert.is(o.err!.code, 'E_RESET');
  assert.is(o.err!.detail, 'NORMAL POWER DOWN');
  await wait(30);
  e.close();
});

test('reset in the middle of a counted read: the data stops, the boot lines end it with E_RESET, then recovery', async () => {
  const { s, e } = mk({ dataGap: 40 });
  // 20 of 100 bytes, then the module reboots: a pause (no byte), then its boot lines
  new Script(s, [{ expect: 'AT+POP3READ=100\r', reply: '\r\n+POP3READ: 1,100\r\n' + 'd'.repeat(20) }]);
  const parts: string[] = [];
  const resets: string[] = [];
  e.onReset = (l) => resets.push(l);
  const p0 = run(e, { line: 'AT+POP3READ=100', counted: ['+POP3READ: 1,'], onData: (c) => parts.push(c), timeout: 5000 });
  await new Promise((r) => setTimeout(r, 150));
  s.feed('\x00IIII\xff\xff\xff\xff\r\nRDY\r\n\r\n+CFUN: 1\r\n');
  const o = await p0;
  assert.is(o.err!.code, 'E_RESET');
  assert.is(o.calls, 1);
  assert.is(parts.join(''), 'd'.repeat(20), 'only the data before the pause went to the sink');
  // (+CFUN: 1 right after RDY is the same restart)
  assert.equal(resets, ['RDY']);
  new Script(s, [
    { expect: 'ATE0V1\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT\r', reply: '\r\nOK\r\n' },
  ]);
  const p = await run(e, { line: 'AT' });
  assert.is(p.err, null);
  // data that only pauses shorter than the gap is data, whatever it holds
  new Script(s, [{ expect: 'AT+POP3READ=10\r', reply: '\r\n+POP3READ: 1,10\r\n12345' }]);
  const q0 = run(e, { line: 'AT+POP3READ=10', counted: ['+POP3READ: 1,'], timeout: 2000 });
  await new Promise((r) => setTimeout(r, 10));
  s.feed('\r\nRDY\r\n\r\nOK\r\n');
  const q = await q0;
  assert.is(q.err, null);
  assert.is(q.res!.data, '12345\r\nRDY');
  e.close();
});

test('the gap counts from the last data byte: a read that stops right after a whole one is lost after dataGap', async () => {
  const { s, e } = mk({ dataGap: 200 });
  new Script(s, [
    { expect: 'AT+POP3READ=10\r', reply: '\r\n+POP3READ: 1,10\r\n0123456789\r\nOK\r\n' },
    { expect: 'AT+POP3READ=10\r', reply: '\r\n+POP3READ: 1,10\r\n012' },
  ]);
  const a = await run(e, { line: 'AT+POP3READ=10', counted: ['+POP3READ: 1,'], timeout: 5000 });
  assert.is(a.err, null);
  const p0 = run(e, { line: 'AT+POP3READ=10', counted: ['+POP3READ: 1,'], timeout: 5000 });
  // the first check (200 ms after the first header) finds the second read's data 200 ms old: lost; the boot lines
  // that follow are lines (a check that only compared counts would still be waiting for 7 bytes at 350 ms)
  await new Promise((r) => setTimeout(r, 350));
  s.feed('\r\nRDY\r\n');
  const o = await p0;
  assert.is(o.err && o.err.code, 'E_RESET');
  e.close();
});

test('the boot lines of one restart are one reset: +CFUN: 1 after the resync does not fail the next command', async () => {
  const { s, e } = engine();
  const resets: string[] = [];
  e.onReset = (l) => resets.push(l);
  new Script(s, [{ expect: 'AT+A\r', reply: '\r\nRDY\r\n' }]);
  const a = await run(e, { line: 'AT+A' });
  assert.is(a.err!.code, 'E_RESET');
  new Script(s, [
    { expect: 'ATE0V1\r', reply: '\r\nOK\r\n\r\n+CFUN: 1\r\n' },
    { expect: 'AT+CMEE=2\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+B\r', reply: '\r\n+CPIN: READY\r\n\r\nOK\r\n\r\nCall Ready\r\n' },
  ]);
  const b = await run(e, { line: 'AT+B' });
  assert.is(b.err, null);
  assert.equal(resets, ['RDY']);
  e.close();
});

test('a bad command line is refused before any byte is written', async () => {
  const { s, e } = engine();
  for (const line of ['AT+SMTPSUB="a"\r\nAT+CPOWD=1', 'AT\x1a', 'AT\x1b', 'AT\x00', 'A'.repeat(557), '']) {
    const o = await run(e, { line });
    assert.is(o.err!.code, 'E_PARAM', JSON.stringify(line.slice(0, 20)));
  }
  assert.is(s.out, '');
});

test('one command on the wire at a time, in order', async () => {
  const { s, e } = engine();
  const order: string[] = [];
  new Script(s, [
    { expect: 'AT+A\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+B\r', reply: '\r\nOK\r\n' },
    { expect: 'AT+C\r', reply: '\r\nOK\r\n' },
  ]);
  const ps = ['AT+A', 'AT+B', 'AT+C'].map((l) => run(e, { line: l }).then(() => order.push(l)));
  assert.is(s.out, 'AT+A\r', 'only the first is written before its answer');
  await Promise.all(ps);
  assert.equal(order, ['AT+A', 'AT+B', 'AT+C']);
});

test('close fails what is queued with E_CLOSED and refuses new commands', async () => {
  const { e } = engine();
  const a = run(e, { line: 'AT+A' });
  const b = run(e, { line: 'AT+B' });
  e.close();
  assert.is((await a).err!.code, 'E_CLOSED');
  assert.is((await b).err!.code, 'E_CLOSED');
  assert.is((await run(e, { line: 'AT' })).err!.code, 'E_CLOSED');
});

test('urc(..., true) removes a URC handler', async () => {
  const { s, e } = engine();
  const got: string[] = [];
  const h = (l: string) => got.push(l);
  e.urc('RING', h);
  s.feed('\r\nRING\r\n');
  e.urc('RING', h, true);
  s.feed('\r\nRING\r\n');
  assert.equal(got, ['RING']);
});

test('handlers sharing their first four characters: each gets only its own lines, in order; removing one keeps the others', async () => {
  const { s, e } = engine();
  const got: string[] = [];
  const lines: string[] = [];
  e.onLine = (l) => lines.push(l);
  const a = (l: string) => got.push('a ' + l);
  const b = (l: string) => got.push('b ' + l);
  const c = (l: string) => got.push('c ' + l);
  e.urc('+CMTI:', a);
  e.urc('+CMT:', b);
  e.urc('+CMTI: "SM"', c);
  e.urc('OK', b); // shorter than four characters: that whole line only
  s.feed('\r\n+CMTI: "SM",3\r\n\r\n+CMT: "x"\r\n\r\n+CMTI: "ME",4\r\n\r\nOK\r\n\r\nOKAY\r\n');
  assert.equal(got, ['a +CMTI: "SM",3', 'c +CMTI: "SM",3', 'b +CMT: "x"', 'a +CMTI: "ME",4', 'b OK']);
  assert.equal(lines, ['OKAY']);
  e.urc('+CMTI:', a, true);
  e.urc('+CMTI:', a, true); // (removing what is not there changes nothing)
  got.length = 0;
  s.feed('\r\n+CMTI: "SM",5\r\n\r\n+CMT: "y"\r\n');
  assert.equal(got, ['c +CMTI: "SM",5', 'b +CMT: "y"']);
  e.urc('+CMT:', b, true);
  e.urc('+CMTI: "SM"', c, true);
  got.length = 0;
  s.feed('\r\n+CMTI: "SM",6\r\n');
  assert.equal(got, []);
  assert.equal(lines, ['OKAY', '+CMTI: "SM",6']);
});

test.run();
}
