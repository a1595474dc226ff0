// The one encoder for AT command parameters. Every string a user can influence goes through quote() (or
// hexQuote() for subject/body when the charset is not ASCII) and every line through atLine(), so that no
// user value can end the command line (CR, LF), end or cancel a prompt (Ctrl-Z 0x1A, ESC 0x1B), end the
// quoted string (") or break a mail header (CR/LF), and no line exceeds what the module accepts.
//
// The SIM900 email strings have no escape mechanism (FACTS §4 "Strings and quotes"): a `"` ends the string.
// So refusing is the only safe option for ASCII values; non-ASCII text must travel as hex (AT+SMTPCS="UTF-8").
import { paramError } from '../errors';

/** "The Command line buffer can accept a maximum of 556 characters" (SIM900 AT manual, FACTS §4). */
export const MAX_LINE = 556;

function hexDigit(n: number): string {
  return '0123456789ABCDEF'.charAt(n);
}

function describeChar(c: number): string {
  if (c === 0x22) return 'a double quote (")';
  if (c === 0x0d) return 'a carriage return (CR)';
  if (c === 0x0a) return 'a line feed (LF)';
  if (c === 0x1a) return 'Ctrl-Z (0x1A)';
  if (c === 0x1b) return 'ESC (0x1B)';
  if (c === 0) return 'a NUL byte';
  if (c < 0x20 || c === 0x7f) return 'the control character 0x' + hexDigit((c >> 4) & 15) + hexDigit(c & 15);
  return 'the non-ASCII character U+' + c.toString(16).toUpperCase() + ' (use the UTF-8 charset, which sends hex)';
}

// Everything a quoted AT string may hold: printable ASCII except the double quote.
const BAD_IN_QUOTE = /[^\x20\x21\x23-\x7e]/;

function mustBeString(value: any, what: string): void {
  if (typeof value !== 'string') throw paramError(what, 'must be a string, got ' + (value === null ? 'null' : typeof value));
}

/**
 * Returns `"value"` for an AT string parameter, or throws a ParameterError naming `what` when the value holds
 * a `"`, a control character (CR, LF, Ctrl-Z, ESC, NUL, any other < 0x20, DEL) or a non-ASCII character, or
 * is longer than `maxLen` characters.
 */
export function quote(value: string, maxLen: number, what: string): string {
  mustBeString(value, what);
  if (value.length > maxLen) throw paramError(what, 'is ' + value.length + ' characters long; the module accepts at most ' + maxLen);
  const m = BAD_IN_QUOTE.exec(value);
  if (m) throw paramError(what, 'holds ' + describeChar(m[0].charCodeAt(0)) + ' at position ' + m.index + ', which an AT string cannot carry');
  return '"' + value + '"';
}

/**
 * Bytes (a binary string, chars 0-255) as upper-case hex: "TEST" -> "54455354". Throws for a char > 0xFF
 * (text must be turned into bytes first, e.g. toHex(utf8Encode(s))).
 */
export function toHex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw paramError('hex', 'toHex takes bytes; encode text with utf8Encode() first');
    out += hexDigit(c >> 4) + hexDigit(c & 15);
  }
  return out;
}

/** A JS string as the binary string of its UTF-8 bytes (no TextEncoder on Espruino). Lone surrogates -> U+FFFD. */
export function utf8Encode(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out += String.fromCharCode(c);
      continue;
    }
    if (c < 0x800) {
      out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/**
 * `"<hex of the UTF-8 bytes of text>"` for subject (and the form of body) when AT+SMTPCS is not ASCII.
 * `maxLen` limits the hex digits, which is what the module counts.
 */
export function hexQuote(text: string, maxLen: number, what: string): string {
  mustBeString(text, what);
  const hex = toHex(utf8Encode(text));
  if (hex.length > maxLen) throw paramError(what, 'needs ' + hex.length + ' hex digits; the module accepts at most ' + maxLen);
  return '"' + hex + '"';
}

/** An integer parameter in [min, max], as decimal text, or a ParameterError naming `what`. */
export function intParam(n: number, min: number, max: number, what: string): string {
  if (typeof n !== 'number' || n !== n || Math.floor(n) !== n) throw paramError(what, 'must be an integer, got ' + String(n));
  if (n < min || n > max) throw paramError(what, 'must be between ' + min + ' and ' + max + ', got ' + n);
  return String(n);
}

// A command name: AT, then at most one of + & # * in third place, then upper-case letters and digits.
// (No groups, alternation or ? quantifier: Espruino 2v29's regex engine gets those wrong; on the interpreter
// /^AT([+&#*][A-Z0-9]+|[A-Z][A-Z0-9]*)$/ accepted "AT+X;+CPOWD".)
const CMD_CHARS = /^AT[+&#*A-Z0-9]*$/;
const CMD_TAIL = /^[A-Z0-9]*$/;

function goodName(name: string): boolean {
  return typeof name === 'string' && CMD_CHARS.test(name) && CMD_TAIL.test(name.substr(3));
}

/**
 * Assembles `AT+NAME=p1,p2,...` (or `AT+NAME` with no params) from already-encoded parameters (quote(),
 * intParam(), hexQuote()) and refuses a line longer than MAX_LINE or one that holds a line/prompt control byte.
 */
export function atLine(name: string, params?: string[]): string {
  if (!goodName(name)) throw paramError('command', 'bad command name ' + JSON.stringify(name));
  const text = params && params.length ? name + '=' + params.join(',') : name;
  checkLine(text);
  return text;
}

// What a command line may never contain: line ends, Ctrl-Z, ESC, NUL (and other C0 controls), DEL.
const BAD_IN_LINE = /[\x00-\x1f\x7f]/;

/** Throws a ParameterError when `text` cannot be sent as one AT command line. Used by the engine for every line. */
export function checkLine(text: string): void {
  mustBeString(text, 'command line');
  if (text.length > MAX_LINE) throw paramError('command line', 'is ' + text.length + ' characters long; the module accepts at most ' + MAX_LINE);
  const m = BAD_IN_LINE.exec(text);
  if (m) throw paramError('command line', 'holds ' + describeChar(m[0].charCodeAt(0)) + ' at position ' + m.index);
  if (text.length < 1) throw paramError('command line', 'is empty');
}

// Bytes that would end (Ctrl-Z), cancel (ESC) or corrupt (NUL) text typed at a "> " prompt.
const BAD_IN_PROMPT_TEXT = /[\x00\x1a\x1b]/;

/**
 * Checks text typed at a "> " prompt (the SIM900 AT+SMTPBODY body, ASCII charset): CR and LF are allowed,
 * Ctrl-Z, ESC, NUL and non-ASCII (use hex with the UTF-8 charset) are refused, as is text over maxLen.
 */
export function promptText(text: string, maxLen: number, what: string): string {
  mustBeString(text, what);
  if (text.length > maxLen) throw paramError(what, 'is ' + text.length + ' characters long; the module accepts at most ' + maxLen);
  const m = BAD_IN_PROMPT_TEXT.exec(text);
  if (m) throw paramError(what, 'holds ' + describeChar(m[0].charCodeAt(0)) + ' at position ' + m.index + ', which would end or cancel the prompt');
  const n = /[^\x00-\x7f]/.exec(text);
  if (n) throw paramError(what, 'holds ' + describeChar(n[0].charCodeAt(0)) + ' at position ' + n.index);
  return text;
}
