// The parameter encoder: refusals (with clear messages naming the value) and encodings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { quote, hexQuote, hex, intParam, checkLine, promptText, MAX_LINE } from '../../src/at/params';
import '../../host/espruino-node';
import { crlf } from '../../src/mail/smtp';

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
    ['a"b', /"\\"" at 1 cannot be sent/],
    ['a\rb', /"\\r" at 1/],
    ['a\nb', /"\\n" at 1/],
    ['a\x1ab', /"\\u001a" at 1/],
    ['a\x1bb', /"\\u001b"/],
    ['a\x00b', /"\\u0000"/],
    ['a\tb', /"\\t"/],
    ['a\x7fb', /"\x7f"/],
    ['caf\u00e9', /"é" at 3/],
    ['\u{1F600}', /at 0 cannot be sent/],
  ];
  for (const [v, re] of bad) {
    refused(() => quote(v, 64, 'subject'), re);
    refused(() => quote(v, 64, 'subject'), /^subject: /);
  }
});

test('quote refuses over-long values and non-strings', () => {
  refused(() => quote('x'.repeat(65), 64, 'sender name'), /sender name: 65 characters, at most 64/);
  refused(() => quote(undefined as any, 64, 'user'), /user: not a string/);
  refused(() => quote(5 as any, 64, 'user'), /not a string/);
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
  refused(() => hex('\ud800x', true), /lone surrogate/);
  assert.is(hexQuote('Grüße', 100, 'subject'), '"' + Buffer.from('Grüße', 'utf8').toString('hex').toUpperCase() + '"');
  refused(() => hexQuote('ab', 3, 'subject'), /subject: 4 characters, at most 3/);
  refused(() => hexQuote('a\r\nBcc: x', 300, 'subject'), /subject: "\\r" at 1/);
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
  refused(() => intParam(9, 10, 120, 'timeout'), /timeout: 9 is not an integer in 10-120/);
  refused(() => intParam(1.5, 0, 9, 'n'), /integer/);
  refused(() => intParam(NaN, 0, 9, 'n'), /integer/);
  refused(() => intParam('3' as any, 0, 9, 'n'), /integer/);
});

test('checkLine: one line of 1-556 characters without control bytes', () => {
  const p = 'AT+SMTPSUB="' + 'x'.repeat(MAX_LINE - 'AT+SMTPSUB=""'.length) + '"';
  assert.is(checkLine(p).length, MAX_LINE);
  refused(() => checkLine(p + 'x'), /557 characters, at most 556/);
  refused(() => checkLine('AT\r'), /"\\r" at 2/);
  refused(() => checkLine(''), /not a string/);
});

test('promptText: body text may hold CR/LF but not Ctrl-Z, ESC, NUL or non-ASCII', () => {
  assert.is(promptText('a\r\nb\r\n.\r\n', 4096, 'body'), 'a\r\nb\r\n.\r\n');
  refused(() => promptText('a\x1ab', 4096, 'body'), /body: "\\u001a" at 1/);
  refused(() => promptText('a\x1bb', 4096, 'body'), /"\\u001b"/);
  refused(() => promptText('a\x00', 4096, 'body'), /"\\u0000"/);
  refused(() => promptText('é', 4096, 'body'), /"é"/);
  refused(() => promptText('x'.repeat(4097), 4096, 'body'), /4097/);
  // backspace, DEL and the other control bytes would be typed at the prompt as they are
  refused(() => promptText('ab\x08c', 4096, 'body'), /"\\b" at 2/);
  refused(() => promptText('ab\x7f', 4096, 'body'), /" at 2/);
  refused(() => promptText('\x07', 4096, 'body'), /"\\u0007"/);
  assert.is(promptText('tab\there', 4096, 'body'), 'tab\there');
});

test('crlf: every line end becomes CR LF', () => {
  assert.is(crlf('a\nb\rc\r\nd\n\re'), 'a\r\nb\r\nc\r\nd\r\n\r\ne');
  assert.is(crlf('no line end'), 'no line end');
});

test.run();
