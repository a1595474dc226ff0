// The one encoder for AT command parameters. Every value a user can influence goes through quote() (or hex() for
// subject and body when the charset is not ASCII) and every line through checkLine(), so that no user value can end
// the command line (CR, LF), end or cancel a prompt (Ctrl-Z 0x1A, ESC 0x1B), end the quoted string (") or break a
// mail header, and no line is longer than the module accepts. They throw a MailError (E_PARAM) naming the value.
//
// The SIM900 e-mail strings have no escape mechanism (FACTS §4 "Strings and quotes"): a `"` ends the string. So
// refusing is the only safe option for ASCII values; non-ASCII text travels as hex (AT+SMTPCS="UTF-8").
import { bad } from '../errors';

/** "The Command line buffer can accept a maximum of 556 characters" (SIM900 AT manual, FACTS §4). */
export const MAX_LINE = 556;

/**
 * True where strings hold characters above 255 (Node, Espruino builds with Unicode support such as the Linux port).
 * Elsewhere (Pico, WiFi, Original, MDBT42Q) a string is bytes: text typed in the IDE is already UTF-8.
 * (Probed through apply: esbuild would fold String.fromCharCode(0x100) at build time, describing Node.)
 */
export const WIDE = String.fromCharCode.apply(null, [0x100] as any).charCodeAt(0) == 0x100;

/** The character at code `c` as a refusal names it. */
function named(c: number): string {
  return c == 34 ? 'a double quote (")' : c == 13 ? 'a carriage return (CR)' : c == 10 ? 'a line feed (LF)' : c == 26 ? 'Ctrl-Z (0x1A)' : c == 27 ? 'ESC (0x1B)' : !c ? 'a NUL byte'
    : c < 32 || c == 127 ? 'the control character 0x' + hex2(c) : 'the non-ASCII character U+' + c.toString(16).toUpperCase() + ' (use the UTF-8 charset, which sends hex)';
}

function hex2(c: number): string {
  return (c < 16 ? '0' : '') + c.toString(16).toUpperCase();
}

/** Throws unless `v` is a string of at most `max` characters with no character matched by `re`. */
export function scan(v: any, max: number, re: RegExp, what: string, why?: string): string {
  if (typeof v != 'string') throw bad(what, 'must be a string, got ' + (v === null ? 'null' : typeof v));
  if (v.length > max) throw bad(what, 'is ' + v.length + ' characters long; the module accepts at most ' + max);
  const m = re.exec(v);
  if (m) throw bad(what, 'holds ' + named(m[0].charCodeAt(0)) + ' at position ' + m.index + (why || ''));
  return v;
}

/** `"value"` for an AT string parameter: printable ASCII without `"`, at most maxLen characters. */
export function quote(v: string, maxLen: number, what: string): string {
  return '"' + scan(v, maxLen, /[^\x20\x21\x23-\x7e]/, what, ', which an AT string cannot carry') + '"';
}

/**
 * Upper-case hex of the bytes of `s`: "TEST" -> "54455354". With `utf8`, text is first UTF-8 encoded where strings
 * are wide (a lone surrogate becomes U+FFFD); byte strings (chars 0-255) are taken as they are.
 */
export function hex(s: string, utf8?: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80 || !utf8 || !WIDE) {
      if (c > 255) throw bad('hex', 'takes bytes, not text');
      out += hex2(c);
      continue;
    }
    if (c < 0x800) {
      out += hex2(0xc0 | (c >> 6)) + hex2(0x80 | (c & 63));
      continue;
    }
    const d = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + d - 0xdc00;
      i++;
      out += hex2(0xf0 | (c >> 18)) + hex2(0x80 | ((c >> 12) & 63));
    } else {
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      out += hex2(0xe0 | (c >> 12));
    }
    out += hex2(0x80 | ((c >> 6) & 63)) + hex2(0x80 | (c & 63));
  }
  return out;
}

/** `"<hex of the UTF-8 bytes of text>"`; maxLen limits the hex digits, which is what the module counts. */
export function hexQuote(text: string, maxLen: number, what: string): string {
  const h = hex(scan(text, 1e9, /[\r\n]/, what, ' (it would start a new mail header)'), true);
  if (h.length > maxLen) throw bad(what, 'needs ' + h.length + ' hex digits; the module accepts at most ' + maxLen);
  return '"' + h + '"';
}

/** An integer parameter in [min, max], as decimal text. */
export function intParam(n: number, min: number, max: number, what: string): string {
  if (typeof n != 'number' || Math.floor(n) !== n) throw bad(what, 'must be an integer, got ' + n);
  if (n < min || n > max) throw bad(what, 'must be between ' + min + ' and ' + max + ', got ' + n);
  return '' + n;
}

/** Throws unless `text` can go to the module as one command line: no control byte, 1-556 characters. */
export function checkLine(text: string): string {
  if (!text) throw bad('command line', 'is empty');
  return scan(text, MAX_LINE, /[\x00-\x1f\x7f]/, 'command line');
}

/** Text typed at a "> " prompt in the ASCII charset: CR and LF allowed; no Ctrl-Z, ESC, NUL or non-ASCII byte. */
export function promptText(text: string, maxLen: number, what: string): string {
  return scan(text, maxLen, /[^\x01-\x19\x1c-\x7f]/, what, ', which would end, cancel or corrupt the prompt text');
}
