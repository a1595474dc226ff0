// The POP3 dot decoder: unstuffing and end detection must not depend on where the data is cut, on the sources
// and on the board's POP3 module (whose sandbox reproduces Espruino's String.indexOf quirk).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { DotDecoder } from '../../src/mail/dot';
import { bootSandbox } from '../../host/sandbox';

function stuff(body: string): string {
  return body.replace(/^\./gm, '..') + '.\r\n';
}

function runDecoder(Decoder: any, input: string, cuts: number[]): { out: string; done: boolean; trailing: number } {
  const parts: string[] = [];
  const d = new Decoder((c: string) => parts.push(c), 1460);
  let at = 0;
  for (const c of cuts) {
    if (c <= at || c >= input.length) continue;
    d.write(input.slice(at, c));
    at = c;
  }
  d.write(input.slice(at));
  d.end();
  return { out: parts.join(''), done: d.done, trailing: d.trailing };
}

const line = fc.stringMatching(/^[.a-z\r]{0,12}$/).map((s) => s.replace(/\r/g, ''));
const body = fc.array(line, { maxLength: 30 }).map((ls) => ls.map((l) => l + '\r\n').join(''));

const sb = bootSandbox({ board: 'linux' });
for (const [name, Decoder] of [['sources', DotDecoder], ['module', sb.require('s9pop3').DotDecoder]] as [string, any][]) {
  test(`dot decoder (${name}): unstuffed output and end do not depend on chunking`, () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(400)), fc.boolean(), (b, cuts, ok) => {
        const input = (ok ? '+OK 123 octets\r\n' : '') + stuff(b) + 'AFTER';
        const r = runDecoder(Decoder, input, cuts.sort((x, y) => x - y));
        assert.is(r.out, b);
        assert.ok(r.done);
        assert.is(r.trailing, 5);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  test(`dot decoder (${name}): the terminator split at every position, and "\\r" held across chunks`, () => {
    const input = 'a\r\n..b\r\nc\r\n.\r\n';
    for (let i = 1; i < input.length; i++) {
      const r = runDecoder(Decoder, input, [i]);
      assert.is(r.out, 'a\r\n.b\r\nc\r\n', `cut at ${i}`);
      assert.ok(r.done, `done with cut at ${i}`);
    }
    const empty = runDecoder(Decoder, '.\r\n', []);
    assert.is(empty.out, '');
    assert.ok(empty.done);
  });
}

test('dot decoder: pieces are at most the chunk size', () => {
  const parts: number[] = [];
  const d = new DotDecoder((c) => parts.push(c.length), 100);
  d.write('x'.repeat(1000) + '\r\n.\r\n');
  assert.ok(parts.every((n) => n <= 100));
  assert.is(parts.reduce((a, b) => a + b, 0), 1002);
  sb.close();
});

test.run();
