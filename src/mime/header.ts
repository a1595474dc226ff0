// Header field decoding for the MIME reader: RFC 2047 encoded words, structured values with parameters
// (RFC 2045 + RFC 2231 continuations and charset'lang'value), address lists, and safe attachment names.
// Inputs are binary strings (one char per byte) of bounded length: the reader caps every header it keeps.
//
// Espruino 2v29's indexOf also reports a needle of several characters whose start only fits at the end of the
// string ("xy".indexOf("y ") is 1): each such search below checks the whole needle is there.
import { addFlag, decodeCharset, decodeRaw } from './charset';

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
 * Base64 text to bytes, ignoring characters outside the alphabet and tolerating missing padding. A lone last
 * character holds no byte: it is dropped (with the flag "bad-base64" when given flags).
 */
export function b64bytes(s: string, flags?: string[]): string {
  s = s.replace(/[^A-Za-z0-9+\/]/g, '');
  if ((s.length & 3) == 1) {
    addFlag(flags!, 'bad-base64');
    s = s.slice(0, -1);
  }
  // (atob takes base64 without its padding, on Espruino too)
  return atob(s);
}

/** replace() callback for a hex escape (=XX in Q encoding and quoted-printable, %XX in RFC 2231): its byte. */
export function hexByte(_: any, hex: string): string {
  return String.fromCharCode(parseInt(hex, 16));
}

/**
 * RFC 2047: decodes the encoded words (=?charset?B|Q?text?=) of a header value. White space between two
 * encoded words is dropped; adjacent words in the same charset are joined as bytes before decoding, so a
 * UTF-8 character split across two words survives. Text outside encoded words is read as UTF-8 (raw 8-bit
 * headers are common), or as Windows-1252 when it is not UTF-8 (decodeRaw). Charsets the reader does not decode
 * (decodeCharset) stay raw with a flag.
 */
export function decodeWords(s: string, flags: string[] | null): string {
  var out = '';
  var p = 0;
  // bytes of the last words, and their charset (lower-cased)
  var pend = '';
  var pendCs = '';
  for (;;) {
    var i = s.indexOf('=?', p);
    // q: the '?' after the charset, end: the final "?="
    var q = s.indexOf('?', i + 2);
    var end = s.indexOf('?=', q + 3);
    var enc = s.charAt(q + 1).toUpperCase();
    var ok = i >= 0 && q > i + 2 && s[q + 2] == '?' && end > q + 2 && s[end + 1] == '=' && (enc == 'B' || enc == 'Q') && !/\s/.test(s.slice(i + 2, q));
    var gap = s.slice(p, ok ? i : s.length);
    var joined = ok && p > 0 && /^[ \t\r\n]*$/.test(gap);
    // (RFC 2231 lets a charset end in *language)
    var cs = s.substring(i + 2, q).split('*')[0].toLowerCase();
    if (!joined || cs != pendCs) {
      if (pend) out += decodeCharset(pend, pendCs, flags);
      pend = '';
    }
    if (!joined) out += decodeRaw(gap, flags);
    if (!ok) return out;
    var text = s.slice(q + 3, end);
    pend += enc == 'B' ? b64bytes(text) : text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f][0-9A-Fa-f])/g, hexByte);
    pendCs = cs;
    p = end + 2;
  }
}

/**
 * Parses "type/subtype; a=b; name*0*=utf-8''%E2%82%AC; name*1=.txt" into value + params. RFC 2231 pieces
 * (name*N, name*N*, name*) are put in order and joined; the first piece of an encoded value carries
 * charset'language'. Plain values may hold RFC 2047 words (common in file names) and are decoded too.
 */
export function parseStructured(s: string, flags: string[] | null): Structured {
  var value = '';
  var params: { [name: string]: string } = {};
  // RFC 2231 pieces by base name: lists of [index, value, encoded]
  var pieces: { [name: string]: any[] } = {};
  var start = 0;
  var quoted = false;
  // split at ';' outside double quotes (backslash escapes honoured)
  for (var i = 0; ; i++) {
    var c = s[i];
    if (i >= s.length || (c == ';' && !quoted)) {
      var part = s.slice(start, i);
      if (!start) value = part.trim().toLowerCase();
      else {
        var eq = part.indexOf('=');
        var name = part.substr(0, eq).trim().toLowerCase();
        var val = part.slice(eq + 1).trim();
        if (val.length > 1 && val[0] == '"' && val[val.length - 1] == '"') val = val.slice(1, -1).replace(/\\(.)/g, '$1');
        // RFC 2231 names: "name*" (encoded), "name*N" (piece N), "name*N*" (encoded piece N)
        var star = name.indexOf('*');
        var num = name.slice(star + 1);
        var encoded = !num || /^[0-9]*\*$/.test(num);
        if (star > 0 && (encoded || /^[0-9]+$/.test(num))) {
          var list = pieces[(name = name.slice(0, star))] || (pieces[name] = []);
          // (push: a name like "constructor" finds no list of its own in a plain object)
          if (list.push && list.length < 64) list.push([parseInt(num) || 0, val, encoded]);
        } else if (name && !(name in params)) params[name] = decodeWords(val, flags);
      }
      if (i >= s.length) break;
      start = i + 1;
    } else if (quoted && c == '\\') i++;
    else if (c == '"') quoted = !quoted;
  }
  for (var name in pieces) {
    var list = pieces[name].sort((a: any[], b: any[]) => a[0] - b[0]);
    var cs = '';
    var bytes = '';
    for (var piece of list) {
      var v: string = piece[1];
      if (piece[2]) {
        // the first piece starts with charset'language'
        var m = piece == list[0] && /^([^']*)'[^']*'/.exec(v);
        if (m) {
          cs = m[1];
          v = v.slice(m[0].length);
        }
        v = v.replace(/%([0-9A-Fa-f][0-9A-Fa-f])/g, hexByte);
      }
      bytes += v;
    }
    // an RFC 2231 value wins over a plain one of the same name (it is the precise form)
    params[name] = cs ? decodeCharset(bytes, cs, flags) : decodeWords(bytes, flags);
  }
  return { value, params };
}

/**
 * Parses an address list ("A <a@x>, \"B, Jr.\" <b@y> (work), c@z, Group: d@w, e@v;") into {name, address}.
 * Quoted strings and comments may hold commas; group names are dropped and their members kept (best effort).
 * A comment serves as the name of a bare address. Names are RFC 2047-decoded after the split.
 */
export function parseAddresses(s: string, flags: string[] | null): MimeAddress[] {
  var out: MimeAddress[] = [];
  var squash = (v: string) => v.replace(/[ \t\r\n]+/g, ' ').trim();
  var text = '';
  var comment = '';
  var angle: string | null = null;
  var n = s.length;
  for (var i = 0; ; i++) {
    // substr, not charAt: Espruino 2v29's charAt returns a byte above 127 as a UTF-8 (two-byte) string
    var c = s.substr(i, 1);
    if (i >= n || c == ',' || c == ';') {
      var t = squash(text);
      var cm = squash(comment);
      var address = (angle !== null ? squash(angle) : t.indexOf('@') >= 0 ? t : '').replace(/ /g, '');
      var name = angle === null && address ? cm : t || cm;
      // a display name that only repeats the address says nothing ("a@b" <a@b>)
      if (name == address) name = '';
      if (name || address) out.push({ name: decodeWords(name, flags).trim(), address: decodeRaw(address, flags) });
      if (i >= n || out.length > 99) return out;
      text = comment = '';
      angle = null;
    } else if (c == '"') {
      while (++i < n && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < n) i++;
        text += s.substr(i, 1);
      }
    } else if (c == '(') {
      var depth = 1;
      var v = '';
      while (++i < n) {
        var d = s.substr(i, 1);
        if (d == '\\' && i + 1 < n) v += s.substr(++i, 1);
        else if (d == '(') depth++;
        else if (d == ')' && !--depth) break;
        if (d != '\\') v += d;
      }
      comment += (comment ? ' ' : '') + v;
    } else if (c == '<') {
      var e = s.indexOf('>', i + 1);
      if (e < 0) e = n;
      angle = (angle || '') + s.slice(i + 1, e);
      i = e;
    } else if (c == ':' && angle === null && text.indexOf('@') < 0) {
      // "Group name:" starts a group: the name is not an address
      text = comment = '';
    } else text += c;
  }
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
  var s = raw
    .split(/[\/\\]/)
    .pop()!
    .replace(/[\x00-\x1f\x7f:*?"<>|]/g, '_')
    .replace(/^[. ]+/, '')
    .replace(/[. ]+$/, '');
  if (s.length > 120) {
    var dot = s.lastIndexOf('.');
    var ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    s = s.slice(0, 120 - ext.length) + ext;
  }
  return s;
}
