// The one encoder for AT command parameters. Every value a user can influence goes through quote() (or hex() for
// subject and body when the charset is not ASCII), so that no user value can end the command line (CR, LF), end or
// cancel a prompt (Ctrl-Z 0x1A, ESC 0x1B), end the quoted string (") or break a mail header, and no line is longer
// than the module accepts. They throw a MailError (E_PARAM) naming the value.
//
// The SIM900 e-mail strings have no escape mechanism (docs/module-facts.md §3.12): a `"` ends the string. So
// refusing is the only safe option for ASCII values; non-ASCII text travels as hex (AT+SMTPCS="UTF-8").
import { bad } from '../errors';

/** "The Command line buffer can accept a maximum of 556 characters" (SIM900 AT manual, docs/module-facts.md §3.4). */
export const MAX_LINE = 556;

/**
 * True where strings hold characters above 255 (Node, the host sandbox). On Espruino a string is bytes: text typed
 * in the IDE is already UTF-8. (Probed through apply: esbuild would fold String.fromCharCode(0x100) at build time.)
 */
export const WIDE = String.fromCharCode.apply(null, [0x100] as any).charCodeAt(0) == 0x100;

/** Throws unless `v` is a string of at most `max` characters with no character matched by `re` (if given). */
export function scan(v: any, max: number, re: RegExp | null, what: string): string {
  if (typeof v != 'string') throw bad(what, 'not a string');
  if (v.length > max) throw bad(what, v.length + ' characters, at most ' + max);
  const m = re && re.exec(v);
  if (m) throw bad(what, JSON.stringify(m[0]) + ' at ' + m.index + ' cannot be sent');
  return v;
}

/** `"value"` for an AT string parameter: printable ASCII without `"`, at most maxLen characters. */
export function quote(v: string, maxLen: number, what: string): string {
  return '"' + scan(v, maxLen, /[^\x20\x21\x23-\x7e]/, what) + '"';
}

/** Upper-case hex of the bytes of `s` ("TEST" -> "54455354"); with utf8, wide text is UTF-8 encoded first. */
export function hex(s: string, utf8?: boolean): string {
  if (utf8 && WIDE)
    try {
      s = unescape(encodeURIComponent(s));
    } catch (e) {
      throw bad('text', 'not well-formed (a lone surrogate)');
    }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw bad('hex', 'takes bytes, not text');
    out += (c < 16 ? '0' : '') + c.toString(16);
  }
  return out.toUpperCase();
}

/** `"<hex of the UTF-8 bytes of text>"`; maxLen limits the hex digits, which is what the module counts. */
export function hexQuote(text: string, maxLen: number, what: string): string {
  return quote(hex(scan(text, 1e9, /[\r\n]/, what), true), maxLen, what);
}

/** An integer parameter in [min, max], as decimal text. */
export function intParam(n: number, min: number, max: number, what: string): string {
  if (typeof n != 'number' || Math.floor(n) !== n || n < min || n > max) throw bad(what, n + ' is not an integer in ' + min + '-' + max);
  return '' + n;
}

/** Throws unless `text` can go to the module as one command line: no control byte, 1-556 characters. */
export function checkLine(text: string): string {
  return scan(text || 0, MAX_LINE, /[\x00-\x1f\x7f]/, 'command line');
}

/**
 * Text typed at a "> " prompt in the ASCII charset: printable ASCII, TAB, CR and LF; no other control byte (Ctrl-Z
 * and ESC would end the prompt, backspace and DEL would be typed as they are).
 */
export function promptText(text: string, maxLen: number, what: string): string {
  return scan(text, maxLen, /[^\t\r\n\x20-\x7e]/, what);
}
