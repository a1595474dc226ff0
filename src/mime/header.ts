// Header field decoding for the MIME reader: RFC 2047 encoded words, structured values with parameters
// (RFC 2045 + RFC 2231 continuations and charset'lang'value), address lists, and safe attachment names.
// Inputs are binary strings (one char per byte) of bounded length: the reader caps every header it keeps.
import { decodeCharset, decodeUtf8 } from './charset';

export interface MimeAddress {
  name: string;
  address: string;
}

export interface Structured {
  /** the value before the first ';', lower-cased and trimmed ("text/plain") */
  value: string;
  /** parameters by lower-cased name, values decoded to JS strings */
  params: { [name: string]: string };
}

/**
 * s.indexOf(t, from) for a needle of several characters. Espruino 2v29 (seen on the Linux build) returns a
 * match that runs past the end of s ("xy".indexOf("y ") is 1, "ab\n-".indexOf("\n--") is 2): such a prefix
 * at the very end is no match, and no full match can come after it.
 */
export function find(s: string, t: string, from: number): number {
  const i = s.indexOf(t, from);
  return i >= 0 && i + t.length > s.length ? -1 : i;
}

/** Adds a flag to a list once; lists are capped so that a hostile mail cannot grow them. */
export function addFlag(flags: string[], f: string): void {
  if (flags.indexOf(f) < 0 && flags.length < 32) flags.push(f);
}

/** Base64 text to bytes, ignoring characters outside the alphabet and tolerating missing padding. */
export function b64bytes(s: string): string {
  s = s.replace(/[^A-Za-z0-9+\/]/g, '');
  const r = s.length & 3;
  if (r === 1) s = s.substr(0, s.length - 1);
  else if (r === 2) s += '==';
  else if (r === 3) s += '=';
  return s.length ? atob(s) : '';
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Replaces %XX (RFC 2231) or =XX (Q encoding) escapes by their bytes; others stay as they are. */
function unescapeHex(s: string, esc: string): string {
  let out = '';
  let p = 0;
  for (;;) {
    const i = s.indexOf(esc, p);
    if (i < 0) break;
    const h = hexVal(s.charCodeAt(i + 1));
    const l = hexVal(s.charCodeAt(i + 2));
    if (h < 0 || l < 0) {
      out += s.substring(p, i + 1);
      p = i + 1;
      continue;
    }
    out += s.substring(p, i) + String.fromCharCode(h * 16 + l);
    p = i + 3;
  }
  return out + s.substring(p);
}

/** Decodes bytes in a charset, or keeps them raw (Latin-1 view) and flags the charset. */
function charsetOrRaw(bytes: string, cs: string, flags: string[] | null): string {
  const t = decodeCharset(bytes, cs);
  if (t !== null) return t;
  if (flags) addFlag(flags, 'charset-raw:' + cs.toLowerCase());
  return bytes;
}

/**
 * RFC 2047: decodes the encoded words (=?charset?B|Q?text?=) of a header value. White space between two
 * encoded words is dropped; adjacent words in the same charset are joined as bytes before decoding, so a
 * UTF-8 character split across two words survives. Text outside encoded words is read as UTF-8 (raw 8-bit
 * headers are common). Charsets other than UTF-8/US-ASCII/ISO-8859-1/Windows-1252 stay raw with a flag.
 */
export function decodeWords(s: string, flags: string[] | null): string {
  if (find(s, '=?', 0) < 0) return decodeUtf8(s);
  let out = '';
  let p = 0;
  let pend = '';
  let pendCs = '';
  let lastWasWord = false;
  for (;;) {
    const i = find(s, '=?', p);
    let ok = i >= 0;
    let q1 = 0;
    let q2 = 0;
    let end = 0;
    if (ok) {
      q1 = s.indexOf('?', i + 2);
      q2 = q1 + 2;
      end = find(s, '?=', q2 + 1);
      ok = q1 > i + 2 && s.charAt(q2) === '?' && end > q2 && /^[BbQq]$/.test(s.charAt(q1 + 1)) && !/[\s?]/.test(s.substring(i + 2, q1));
    }
    const gap = s.substring(p, ok ? i : s.length);
    if (!ok || !(lastWasWord && /^[ \t\r\n]*$/.test(gap))) {
      if (pend) out += charsetOrRaw(pend, pendCs, flags);
      pend = '';
      out += decodeUtf8(ok ? gap : s.substring(p));
    }
    if (!ok) break;
    let cs = s.substring(i + 2, q1);
    const star = cs.indexOf('*');
    if (star >= 0) cs = cs.substr(0, star);
    const text = s.substring(q2 + 1, end);
    const bytes = s.charAt(q1 + 1).toUpperCase() === 'B' ? b64bytes(text) : unescapeHex(text.replace(/_/g, ' '), '=');
    if (pend && cs.toLowerCase() !== pendCs.toLowerCase()) {
      out += charsetOrRaw(pend, pendCs, flags);
      pend = '';
    }
    pend += bytes;
    pendCs = cs;
    lastWasWord = true;
    p = end + 2;
  }
  return out;
}

/** Splits at `sep` outside double quotes (backslash escapes honoured). */
function splitQuoted(s: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0;
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (q && c === '\\') i++;
    else if (c === '"') q = !q;
    else if (!q && c === sep) {
      out.push(s.substring(start, i));
      start = i + 1;
    }
  }
  out.push(s.substring(start));
  return out;
}

function unquote(v: string): string {
  v = v.trim();
  if (v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') v = v.substring(1, v.length - 1).replace(/\\(.)/g, '$1');
  return v;
}

/**
 * Parses "type/subtype; a=b; name*0*=utf-8''%E2%82%AC; name*1=.txt" into value + params. RFC 2231 pieces
 * (name*N, name*N*, name*) are put in order and joined; the first piece of an encoded value carries
 * charset'language'. Plain values may hold RFC 2047 words (common in file names) and are decoded too.
 */
export function parseStructured(s: string, flags: string[] | null): Structured {
  const parts = splitQuoted(s, ';');
  const res: Structured = { value: parts[0].trim().toLowerCase(), params: {} };
  // RFC 2231 pieces by base name: list of [index, value, encoded]
  const pieces: { [k: string]: any[] } = {};
  for (let i = 1; i < parts.length; i++) {
    const eq = parts[i].indexOf('=');
    if (eq < 0) continue;
    let name = parts[i].substr(0, eq).trim().toLowerCase();
    const val = unquote(parts[i].substr(eq + 1));
    if (!name || name === '__proto__') continue;
    // RFC 2231 names: "name*" (encoded), "name*N" (piece N), "name*N*" (encoded piece N)
    const star = name.indexOf('*');
    if (star > 0) {
      let num = name.substring(star + 1);
      const enc = num.charAt(num.length - 1) === '*';
      if (enc) num = num.substr(0, num.length - 1);
      if (/^[0-9]*$/.test(num)) {
        name = name.substr(0, star);
        const list = pieces[name] || (pieces[name] = []);
        if (list.length < 64) list.push([num === '' ? 0 : Number(num), val, enc || num === '']);
        continue;
      }
    }
    if (!(name in res.params)) res.params[name] = decodeWords(val, flags);
  }
  const names = Object.keys(pieces);
  for (let k = 0; k < names.length; k++) {
    const list = pieces[names[k]];
    list.sort((a: any[], b: any[]) => a[0] - b[0]);
    let cs = '';
    let bytes = '';
    for (let j = 0; j < list.length; j++) {
      let v: string = list[j][1];
      if (list[j][2]) {
        if (j === 0) {
          const a = v.indexOf("'");
          const b = a >= 0 ? v.indexOf("'", a + 1) : -1;
          if (b > a) {
            cs = v.substr(0, a);
            v = v.substr(b + 1);
          }
        }
        v = unescapeHex(v, '%');
      }
      bytes += v;
    }
    // an RFC 2231 value wins over a plain one of the same name (it is the precise form)
    res.params[names[k]] = cs ? charsetOrRaw(bytes, cs, flags) : decodeWords(bytes, flags);
  }
  return res;
}

/** Collapses runs of white space and trims. */
function squash(s: string): string {
  return s.replace(/[ \t\r\n]+/g, ' ').trim();
}

function pushAddress(out: MimeAddress[], text: string, angle: string | null, comment: string, flags: string[] | null): void {
  text = squash(text);
  comment = squash(comment);
  let name = '';
  let address = '';
  if (angle !== null) {
    address = squash(angle).replace(/ /g, '');
    name = text || comment;
  } else if (text.indexOf('@') >= 0) {
    address = text.replace(/ /g, '');
    name = comment;
  } else name = text || comment;
  // a display name that only repeats the address says nothing ("a@b" <a@b>)
  if (name === address) name = '';
  if (name || address) out.push({ name: decodeWords(name, flags).trim(), address: decodeUtf8(address) });
}

/**
 * Parses an address list ("A <a@x>, \"B, Jr.\" <b@y> (work), c@z, Group: d@w, e@v;") into {name, address}.
 * Quoted strings and comments may hold commas; group names are dropped and their members kept (best effort).
 * A comment serves as the name of a bare address. Names are RFC 2047-decoded after the split.
 */
export function parseAddresses(s: string, flags: string[] | null): MimeAddress[] {
  const out: MimeAddress[] = [];
  let text = '';
  let comment = '';
  let angle: string | null = null;
  const n = s.length;
  let i = 0;
  while (i < n) {
    // substr, not charAt: Espruino 2v29's charAt returns a byte above 127 as a UTF-8 (two-byte) string
    const c = s.substr(i, 1);
    if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < n && s.charAt(j) !== '"') {
        if (s.charAt(j) === '\\' && j + 1 < n) j++;
        v += s.substr(j, 1);
        j++;
      }
      text += v;
      i = j + 1;
    } else if (c === '(') {
      let depth = 1;
      let j = i + 1;
      let v = '';
      while (j < n && depth > 0) {
        const d = s.substr(j, 1);
        if (d === '\\' && j + 1 < n) {
          j++;
          v += s.substr(j, 1);
        } else if (d === '(') depth++;
        else if (d === ')') depth--;
        if (depth > 0 && d !== '\\') v += d;
        j++;
      }
      comment += (comment ? ' ' : '') + v;
      i = j;
    } else if (c === '<') {
      const j = s.indexOf('>', i + 1);
      const e = j < 0 ? n : j;
      angle = (angle || '') + s.substring(i + 1, e);
      i = e + 1;
    } else if (c === ',' || c === ';') {
      pushAddress(out, text, angle, comment, flags);
      text = '';
      comment = '';
      angle = null;
      i++;
    } else if (c === ':' && angle === null && text.indexOf('@') < 0) {
      // "Group name:" starts a group: the name is not an address
      text = '';
      comment = '';
      i++;
    } else {
      text += c;
      i++;
    }
    if (out.length >= 100) return out;
  }
  pushAddress(out, text, angle, comment, flags);
  return out;
}

/**
 * A file name from a mail made safe for a board's file system. Attachments are written with names taken
 * from the mail (e.g. require("Storage").write(name, ...)), so a hostile name must not reach another
 * folder or a special file: only the part after the last '/' or '\' is kept (so "../../x", "/etc/x" and
 * "C:\\x\\..\\y" lose every directory part), control characters and : * ? " < > | become '_', leading dots
 * and spaces are removed (no ".", ".." or hidden names), and the name is cut to 120 characters keeping
 * its extension. May return "" (the caller then names the part itself).
 */
export function safeFileName(raw: string): string {
  let s = raw;
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut >= 0) s = s.substring(cut + 1);
  s = s.replace(/[\x00-\x1f\x7f:*?"<>|]/g, '_').replace(/^[. ]+/, '').replace(/[. ]+$/, '');
  if (s.length > 120) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.substring(dot) : '';
    s = s.substr(0, 120 - ext.length) + ext;
  }
  return s;
}
