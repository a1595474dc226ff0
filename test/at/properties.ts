// Property-based: whatever the chunking, with echo on or off, with URCs and garbage between any two lines,
// every framing mode yields the result the module's stream means.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import type { Command } from '../../src/at/engine';
import { Script, run, type Make, type Step } from './fake';

const URCS = ['RING', '+CMTI: "SM",7', '+SAPBR 1: DEACT', '+POP3READ: 3,1460', '+SMTPFT: 1,1360', 'UNDER-VOLTAGE WARNNING', 'Call Ready'];

// data that looks like responses
const NASTY = ['OK', 'ERROR', '+SMTPSEND: 1', '\r\n.\r\n', '\r\nOK\r\n', '+CME ERROR: 3', 'RDY', '\r\n> ', 'DOWNLOAD', '\n', '\r', '\x1a', '\x1b', '\x00', '\xff'];
const dataArb = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 30 })), { maxLength: 12 })
  .map((a) => a.join(''));
// junk lines: no \n, never a known line (they start with a byte >= 0x80)
const junkArb = fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 }).map((j) => '\x80' + j);
// (commands name a prefix, as the client does: unclaimed junk lines are then not theirs)
// what may come between two lines: nothing, URCs (with their CRLF framing), junk lines
const noiseArb = fc.array(fc.oneof(fc.constantFrom(...URCS).map((u) => ({ urc: u })), junkArb.map((j) => ({ junk: j }))), { maxLength: 2 });
type Noise = { urc?: string; junk?: string }[];

interface Exchange {
  cmd: Command;
  steps: Step[];
  expect: { err?: string; lines?: string[]; final?: string; data?: string; written?: number };
}

function frame(lines: string[], noise: Noise[]): { text: string; urcs: string[] } {
  // lines[i] preceded by noise[i]; each line CRLF framed like the module does
  let text = '';
  const urcs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (const n of noise[i] || []) {
      if (n.urc) {
        text += '\r\n' + n.urc + '\r\n';
        urcs.push(n.urc);
      } else text += n.junk + '\r\n';
    }
    text += lines[i];
  }
  return { text, urcs };
}

const exchangeArb = fc.oneof(
  // info lines + OK / ERROR / +CME ERROR
  fc.record({ kind: fc.constant('info'), n: fc.integer({ min: 0, max: 3 }), end: fc.constantFrom('OK', 'ERROR', '+CME ERROR: 3', '+CME ERROR: operation not allowed'), noise: fc.array(noiseArb, { minLength: 6, maxLength: 6 }), echo: fc.boolean() }),
  // OK then a final
  fc.record({ kind: fc.constant('after'), code: fc.integer({ min: 0, max: 99 }), noise: fc.array(noiseArb, { minLength: 6, maxLength: 6 }), echo: fc.boolean() }),
  // counted data
  fc.record({ kind: fc.constant('counted'), data: dataArb, more: fc.boolean(), noise: fc.array(noiseArb, { minLength: 6, maxLength: 6 }), echo: fc.boolean() }),
  // prompt + payload + Ctrl-Z
  fc.record({ kind: fc.constant('prompt'), body: dataArb.map((d) => d.replace(/[\x00\x1a\x1b]/g, '')), noise: fc.array(noiseArb, { minLength: 6, maxLength: 6 }), echo: fc.boolean() }),
  // write-on
  fc.record({ kind: fc.constant('writeon'), data: dataArb, cut: fc.nat(), noise: fc.array(noiseArb, { minLength: 6, maxLength: 6 }), echo: fc.boolean() }),
);

function build(x: any, i: number): { ex: Exchange; urcs: string[] } {
  const urcs: string[] = [];
  const add = (lines: string[], noise: Noise[]): string => {
    const f = frame(lines, noise);
    urcs.push(...f.urcs);
    return f.text;
  };
  const echo = (line: string) => (x.echo ? line + '\r' : '');
  if (x.kind === 'info') {
    const line = `AT+I${i}`;
    const info: string[] = [];
    for (let k = 0; k < x.n; k++) info.push(`+I${i}: ${k},"a,b"`);
    const reply = echo(line) + add([...info.map((l) => '\r\n' + l + '\r\n'), '\r\n' + x.end + '\r\n'], x.noise);
    const err = x.end === 'OK' ? undefined : x.end === 'ERROR' ? 'E_ERROR' : 'E_CME';
    return { ex: { cmd: { line, prefix: `+I${i}:` }, steps: [{ expect: line + '\r', reply }], expect: err ? { err } : { lines: info, final: 'OK' } }, urcs };
  }
  if (x.kind === 'after') {
    const line = `AT+POP3LIST=${i}`;
    const fin = `+POP3LIST: 1,${i},${x.code}`;
    const reply = echo(line) + add(['\r\nOK\r\n', '\r\n' + fin + '\r\n'], x.noise);
    return { ex: { cmd: { line, prefix: '+POP3LIST:', finals: ['+POP3LIST: ', '+POP3OUT: '], afterOk: true }, steps: [{ expect: line + '\r', reply }], expect: { lines: [], final: fin } }, urcs };
  }
  if (x.kind === 'counted') {
    const line = 'AT+POP3READ=1460';
    const head = `+POP3READ: ${x.more ? 1 : 2},${x.data.length}`;
    // noise only before the header and after the data's CRLF (never inside data)
    const reply = echo(line) + add(['\r\n' + head + '\r\n' + x.data + '\r\n', '\r\nOK\r\n'], x.noise);
    return {
      ex: { cmd: { line, prefix: '+POP3READ: 2,', counted: ['+POP3READ: 1,', '+POP3READ: 2,'] }, steps: [{ expect: line + '\r', reply }], expect: { lines: [head], final: 'OK', data: x.data } },
      urcs,
    };
  }
  if (x.kind === 'prompt') {
    const line = 'AT+SMTPBODY';
    const r1 = echo(line) + add(['\r\n> '], x.noise);
    const r2 = add(['\r\nOK\r\n'], x.noise.slice(3));
    return {
      ex: { cmd: { line, prefix: '+SMTPBODY:', prompt: '> ', payload: x.body, terminator: '\x1a' }, steps: [{ expect: line + '\r', reply: r1 }, { expect: x.body + '\x1a', reply: r2 }], expect: { lines: [], final: 'OK' } },
      urcs,
    };
  }
  const n = x.data.length ? x.cut % (x.data.length + 1) : 0;
  const line = `AT+SMTPFT=${x.data.length}`;
  const r1 = echo(line) + add([`\r\n+SMTPFT: 2,${n}\r\n`], x.noise);
  const r2 = add(['\r\nOK\r\n'], x.noise.slice(3));
  return {
    ex: { cmd: { line, prefix: '+SMTPFT: 2', writeOn: '+SMTPFT: 2,', payload: x.data }, steps: [{ expect: line + '\r', reply: r1 }, { expect: x.data.slice(0, n), reply: r2 }], expect: { lines: [`+SMTPFT: 2,${n}`], final: 'OK', ...(n ? { written: n } : {}) } },
    urcs,
  };
}

async function play(mk: Make, exs: Exchange[], sizes: number[], rx: number) {
  const { s, e } = mk({ rxBufferSize: rx });
  const urcs: string[] = [];
  for (const u of URCS) e.urc(u.split(' ')[0] === '+SAPBR' ? '+SAPBR 1: DEACT' : u, (l) => urcs.push(l));
  new Script(s, exs.flatMap((x) => x.steps), sizes);
  const outcomes = [];
  for (const x of exs) {
    const o = await run(e, x.cmd);
    outcomes.push({ calls: o.calls, err: o.err ? o.err.code : undefined, lines: o.res?.lines, final: o.res?.final, data: o.res?.data, written: o.res?.written });
  }
  e.close();
  return { outcomes, urcs, written: s.out };
}

export function propertyScenarios(name: string, mk: Make, runs: number): void {
const test = suite(name);

test('property: results do not depend on chunking, and match what the stream means', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(exchangeArb, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 8 }), async (xs, sizes) => {
      const built = xs.map((x, i) => build(x, i));
      const exs = built.map((b) => b.ex);
      const whole = await play(mk, exs, [], 256);
      const chunked = await play(mk, exs, sizes, 256);
      assert.equal(chunked, whole);
      // the model: each command's outcome, every URC exactly once, in order
      for (let i = 0; i < exs.length; i++) {
        const o = whole.outcomes[i];
        const want = exs[i].expect;
        assert.is(o.calls, 1);
        if (want.err) assert.is(o.err, want.err);
        else {
          assert.is(o.err, undefined, JSON.stringify(exs[i].cmd.line));
          assert.equal(o.lines, want.lines);
          assert.is(o.final, want.final);
          if ('data' in want) assert.is(o.data, want.data);
          assert.is(o.written, want.written);
        }
      }
      assert.equal(whole.urcs, built.flatMap((b) => b.urcs));
    }),
    { numRuns: runs },
  );
});

test('property: one byte at a time equals one chunk (URC stream, long lines near the buffer size)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...URCS), fc.integer({ min: 1, max: 120 }).map((n) => '+CMTI: "SM",' + '9'.repeat(n))), { maxLength: 20 }), async (lines) => {
      const feedAll = (chunks: string[]) => {
        const { s, e } = mk({ rxBufferSize: 128 });
        const got: string[] = [];
        const errs: string[] = [];
        for (const u of ['RING', '+CMTI:', '+SAPBR 1:', '+POP3READ: 3,', '+SMTPFT: 1,', 'UNDER-VOLTAGE', 'Call Ready']) e.urc(u, (l) => got.push(l));
        e.onError = (x) => errs.push(x.code);
        for (const c of chunks) s.feed(c);
        e.close();
        return { got, errs };
      };
      const text = lines.map((l) => '\r\n' + l + '\r\n').join('');
      const a = feedAll([text]);
      const b = feedAll(text.split(''));
      assert.equal(b, a);
      // lines that fit are delivered; a line over the buffer is an overflow, never a cut line
      const fits = lines.filter((l) => l.length + 1 <= 128); // a line and its CR must fit
      assert.equal(a.got, fits);
      assert.is(a.errs.length, lines.length - fits.length);
    }),
    { numRuns: runs },
  );
});

test.run();
}
