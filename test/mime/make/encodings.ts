// Encoding helpers. Messages are built as binary strings (one char per byte) and written as latin1.
import { encode } from './charsets';

export const CRLF = '\r\n';

export const bin = (b: Buffer) => b.toString('latin1');

/** Base64 in lines of 76 characters, each ended by CRLF. */
export function base64Body(b: Buffer): string {
  const s = b.toString('base64');
  let out = '';
  for (let i = 0; i < s.length; i += 76) out += s.slice(i, i + 76) + CRLF;
  return out;
}

/**
 * Quoted-printable (RFC 2045 6.7) of bytes whose lines end in CRLF: '=', control bytes and bytes above 126 are
 * escaped, and so is white space at a line end; lines longer than 76 get soft breaks, never inside an escape.
 */
export function qpBody(b: Buffer): string {
  const lines = bin(b).split(CRLF);
  const out: string[] = [];
  for (const line of lines) {
    const tokens: string[] = [];
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      if ((c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !last)) tokens.push(line[i]);
      else tokens.push('=' + c.toString(16).toUpperCase().padStart(2, '0'));
    }
    let cur = '';
    for (const t of tokens) {
      if (cur.length + t.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += t;
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

/** Q encoding of bytes for an encoded word (RFC 2047 4.2): letters, digits and !*+-/ stay, space is '_'. */
function qWord(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 32) s += '_';
    else if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || '!*+-/'.includes(String.fromCharCode(c))) s += String.fromCharCode(c);
    else s += '=' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return s;
}

/**
 * RFC 2047 encoded words for a text: as many words of at most 75 characters as needed, each holding whole
 * characters (a multi-byte character is never split between two words), folded onto continuation lines.
 */
export function words(cs: string, text: string, enc: 'B' | 'Q'): string {
  // characters, a combining mark kept with the letter before it
  const chars = text.match(/\P{M}\p{M}*/gu) || [];
  const out: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let n = 1;
    let best = '';
    for (; i + n <= chars.length; n++) {
      const b = encode(cs, chars.slice(i, i + n).join(''));
      const w = `=?${cs}?${enc}?${enc === 'B' ? b.toString('base64') : qWord(b)}?=`;
      if (w.length > 75 && best) break;
      best = w;
    }
    out.push(best);
    i += n - 1;
  }
  return out.join(CRLF + ' ');
}
