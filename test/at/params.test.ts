// The parameter encoder: refusals (with clear messages naming the value) and encodings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { quote, hexQuote, hex, intParam, checkLine, promptText, MAX_LINE } from '../../src/at/params';

function refused(fn: () => unknown, what: RegExp): void {
  try {
    fn();
  } catch (e: any) {
    assert.is(e.code, 'E_PARAM');
    assert.is(e.name, 'E_PARAM');
    assert.match(e.message, what);
    return;
  }
  assert.unreachable('not refused');
}

test('quote: plain ASCII is quoted as is', () => {
  assert.is(quote('john@sim.com', 64, 'sender address'), '"john@sim.com"');
  assert.is(quote('', 10, 'x'), '""');
  assert.is(quote("a,b;c\\d'<e>", 64, 'x'), '"a,b;c\\d\'<e>"');
});

test('quote refuses ", CR, LF, Ctrl-Z, ESC, NUL, other controls, DEL and non-ASCII, naming the value', () => {
  const bad: [string, RegExp][] = [
    ['a"b', /double quote/],
    ['a\rb', /carriage return/],
    ['a\nb', /line feed/],
    ['a\x1ab', /Ctrl-Z/],
    ['a\x1bb', /ESC/],
    ['a\x00b', /NUL/],
    ['a\tb', /control character 0x09/],
    ['a\x7fb', /control character 0x7F/],
    ['caf\u00e9', /non-ASCII.*UTF-8/],
    ['\u{1F600}', /non-ASCII/],
  ];
  for (const [v, re] of bad) {
    refused(() => quote(v, 64, 'subject'), re);
    refused(() => quote(v, 64, 'subject'), /^subject: /);
  }
});

test('quote refuses over-long values and non-strings', () => {
  refused(() => quote('x'.repeat(65), 64, 'sender name'), /sender name: is 65 characters long; the module accepts at most 64/);
  refused(() => quote(undefined as any, 64, 'user'), /user: must be a string/);
  refused(() => quote(5 as any, 64, 'user'), /must be a string/);
});

test('property: quote either refuses or yields exactly one quoted token without line/prompt bytes', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (v) => {
      let q: string;
      try {
        q = quote(v, 64, 'v');
      } catch (e: any) {
        return e.code === 'E_PARAM';
      }
      return q === '"' + v + '"' && q.indexOf('"', 1) === q.length - 1 && !/[\x00-\x1f\x7f-\uffff]/.test(q) && v.length <= 64;
    }),
    { numRuns: 2000 },
  );
});

test('hex / hexQuote: the manual example and UTF-8', () => {
  assert.is(hex('TEST'), '54455354');
  assert.is(hex('\x00\xff\x1a'), '00FF1A');
  assert.is(hex('abc', true), '616263');
  assert.is(hex('é', true), 'C3A9');
  assert.is(hex('€', true), 'E282AC');
  assert.is(hex('😀', true), 'F09F9880');
  assert.is(hex('\ud800x', true), 'EFBFBD78', 'lone surrogate -> U+FFFD');
  assert.is(hexQuote('Grüße', 100, 'subject'), '"' + Buffer.from('Grüße', 'utf8').toString('hex').toUpperCase() + '"');
  refused(() => hexQuote('ab', 3, 'subject'), /needs 4 hex digits/);
  refused(() => hexQuote('a\r\nBcc: x', 300, 'subject'), /subject: holds a carriage return/);
  refused(() => hex('€'), /takes bytes/);
});

test('property: hex of UTF-8 matches Node for any well-formed string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => hex(s, true) === Buffer.from(s, 'utf8').toString('hex').toUpperCase()),
    { numRuns: 1000 },
  );
});

test('intParam', () => {
  assert.is(intParam(30, 10, 120, 'timeout'), '30');
  refused(() => intParam(9, 10, 120, 'timeout'), /timeout: must be between 10 and 120, got 9/);
  refused(() => intParam(1.5, 0, 9, 'n'), /integer/);
  refused(() => intParam(NaN, 0, 9, 'n'), /integer/);
  refused(() => intParam('3' as any, 0, 9, 'n'), /integer/);
});

test('checkLine: one line of 1-556 characters without control bytes', () => {
  const p = 'AT+SMTPSUB="' + 'x'.repeat(MAX_LINE - 'AT+SMTPSUB=""'.length) + '"';
  assert.is(checkLine(p).length, MAX_LINE);
  refused(() => checkLine(p + 'x'), /557 characters.*556/);
  refused(() => checkLine('AT\r'), /carriage return/);
  refused(() => checkLine(''), /empty/);
});

test('promptText: body text may hold CR/LF but not Ctrl-Z, ESC, NUL or non-ASCII', () => {
  assert.is(promptText('a\r\nb\r\n.\r\n', 4096, 'body'), 'a\r\nb\r\n.\r\n');
  refused(() => promptText('a\x1ab', 4096, 'body'), /body: holds Ctrl-Z/);
  refused(() => promptText('a\x1bb', 4096, 'body'), /ESC/);
  refused(() => promptText('a\x00', 4096, 'body'), /NUL/);
  refused(() => promptText('é', 4096, 'body'), /non-ASCII/);
  refused(() => promptText('x'.repeat(4097), 4096, 'body'), /4097/);
});

test.run();
