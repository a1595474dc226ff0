// Charset decoding for the MIME reader, done by hand (Espruino has no TextDecoder).
// Input is always a "binary string" (one char per byte, 0-255); output is a JS string.
declare const E: any;

/**
 * True when this interpreter's strings hold characters above 255. Espruino builds without Unicode support
 * keep only the low byte of String.fromCharCode(0x20ac); there the reader gives text as UTF-8 bytes (one
 * char per byte: what E.decodeUTF8, a UTF-8 terminal or a file expect) instead of losing the characters.
 */
// (probed through apply: esbuild folds String.fromCharCode(0x180).charCodeAt(0) to a constant at build time,
// which would describe Node, not the board)
export const WIDE_STRINGS = String.fromCharCode.apply(null, [0x180]).charCodeAt(0) === 0x180;

/** Adds a flag, or a list of them, to a list (null: none) once; lists are capped so that a hostile mail cannot grow them. */
export function addFlag(flags: string[] | null, f: string | string[]): void {
  for (var one of ([] as string[]).concat(f)) if (flags && flags.indexOf(one) < 0 && flags.length < 32) flags.push(one);
}

/**
 * Decodes bytes in a charset: UTF-8, ISO-8859-1, Windows-1252, or a single-byte charset whose table is in the
 * Storage file "s9cs" (KOI8-R/U, Windows-1250..1258, ISO-8859-2..16, ...: see host/charset-tables.ts). US-ASCII is
 * read as UTF-8, as mail clients do with stray 8-bit bytes, and so is a missing charset (decodeUtf8 is this function). Another charset (the multi-byte ones: GB2312, Big5,
 * Shift_JIS, EUC-KR, ISO-2022-JP, ...), or a table charset on a board without "s9cs", gives null, or, when flags (a
 * list or null) are given, the bytes kept raw and the flag "charset-raw:<charset>". Ill-formed UTF-8 gives U+FFFD
 * per maximal ill-formed subpart, the same replacement rule as the WHATWG decoder (so results agree with Node's
 * Buffer.toString()).
 */
export function decodeCharset(s: string): string;
export function decodeCharset(s: string, cs: string | undefined): string | null;
export function decodeCharset(s: string, cs: string, flags: string[] | null): string;
export function decodeCharset(s: string, cs?: string, flags?: string[] | null): string | null {
  // labels (lower-case letters and digits only) of UTF-8 | ISO-8859-1 | Windows-1252 (the '|' are at 35 and 75);
  // the final "|" keeps Espruino's indexOf from matching a needle cut at the end of the string
  var name = ' ' + ((cs || '').toLowerCase().replace(/[^a-z0-9]/g, '') || 'utf8') + ' ';
  var at = ' utf8 usascii ascii ansix341968 us | iso88591 latin1 l1 iso885911987 cp819 | windows1252 cp1252 xcp1252 |'.indexOf(name);
  // nothing to do for ASCII (in every charset decoded here)
  var ascii = !/[\x80-\xff]/.test(s);
  var tab: any = 0;
  if (at < 0) {
    // "s9cs": a line of labels, one "|"-ended group per table, then the tables (256 bytes each: the code points of
    // the bytes 0x80-0xff, high byte first); read in place from flash, and a table only when a byte needs it
    var S = require('Storage');
    var all = S.read('s9cs');
    var e = all ? all.indexOf('\n') : -1;
    var lab: number = e > 0 ? all.indexOf(name) : -1;
    if (lab >= 0 && lab < e) {
      for (var g = 0, j = all.indexOf('|'); j >= 0 && j < lab; j = all.indexOf('|', j + 1)) g++;
      if (!ascii) tab = S.read('s9cs', e + 1 + g * 256, 256);
      // (found: decoded through tab below)
      at = 999;
    }
  }
  if (at < 0) {
    if (flags === undefined) return null;
    addFlag(flags, 'charset-raw:' + cs!.toLowerCase());
    return s;
  }
  if (ascii) return s;
  // byte values through Espruino's native call when there is one (charCodeAt is O(i) there)
  var bytes = function (v: string): any {
    return typeof E != 'undefined' ? E.toUint8Array(v) : v.split('').map((ch) => ch.charCodeAt(0) & 255);
  };
  if (tab) tab = bytes(tab);
  var b = bytes(s);
  var n = b.length;
  var out = '';
  // code units, turned into a string ~200 at a time (no per-char string append)
  var u: number[] = [];
  var i = 0;
  while (i < n) {
    var c = b[i++];
    if (c > 0x7f && tab) c = (tab[c * 2 - 0x100] << 8) | tab[c * 2 - 0xff];
    else if (c > 0x7f && at > 35) {
      // ISO-8859-1: the byte is the code point; Windows-1252 differs in 0x80-0x9f, whose code points are below,
      // two bytes each, high byte first (0: undefined byte, kept as the C1 control)
      var cp1252 =
        '\x20\xac\0\0\x20\x1a\x01\x92\x20\x1e\x20\x26\x20\x20\x20\x21\x02\xc6\x20\x30\x01\x60\x20\x39\x01\x52\0\0\x01\x7d\0\0' +
        '\0\0\x20\x18\x20\x19\x20\x1c\x20\x1d\x20\x22\x20\x13\x20\x14\x02\xdc\x21\x22\x01\x61\x20\x3a\x01\x53\0\0\x01\x7e\x01\x78';
      if (at > 75 && c < 0xa0) c = ((cp1252.charCodeAt(c * 2 - 0x100) << 8) | cp1252.charCodeAt(c * 2 - 0xff)) || c;
    } else if (c > 0x7f) {
      // a UTF-8 sequence: lead byte, then continuation bytes; the first of them may have a narrower range (no
      // overlong forms, surrogates or code points above U+10FFFF)
      var need = c < 0xc2 || c > 0xf4 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
      var lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
      var hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
      for (c = need ? c & (0x3f >> need) : 0xfffd; need--; lo = 0x80, hi = 0xbf) {
        var d = b[i];
        if (!(d >= lo && d <= hi)) {
          c = 0xfffd;
          break;
        }
        c = (c << 6) | (d & 0x3f);
        i++;
      }
    }
    if (!WIDE_STRINGS && c > 0x7f) {
      // narrow strings: the UTF-8 bytes of c (a lead byte, then k continuation bytes)
      var k = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
      u.push(((0xff00 >> (k + 1)) & 0xff) | (c >> (6 * k)));
      while (k) u.push(0x80 | ((c >> (6 * --k)) & 0x3f));
    } else if (c > 0xffff) u.push(0xd7c0 + (c >> 10), 0xdc00 + (c & 0x3ff));
    else u.push(c);
    // Espruino's apply takes at most 256 arguments, and one character adds up to 4
    if (u.length > 199 || i >= n) {
      out += String.fromCharCode.apply(null, u);
      u = [];
    }
  }
  return out;
}

export { decodeCharset as decodeUtf8 };

/**
 * Header bytes outside encoded words: UTF-8 when they are, else Windows-1252 with the flag "header-8bit" (old mailers
 * write Latin-1 names and subjects raw: "Fr\xf6sche.txt" is "Frösche.txt", not "Fr\ufffdsche.txt").
 */
export function decodeRaw(s: string, flags: string[] | null): string {
  var u = decodeCharset(s);
  // (ASCII comes back as it was)
  if (u == s) return u;
  // (a U+FFFD, as its UTF-8 bytes on a narrow build, that the input did not hold: not UTF-8)
  var k = s.indexOf('\xef\xbf\xbd');
  // (U+FFFD made at run time: a literal above 255 cannot be pretokenised, and esbuild folds fromCharCode(n))
  if (u.indexOf(WIDE_STRINGS ? String.fromCharCode.apply(null, [0xfffd]) : '\xef\xbf\xbd') < 0 || (k >= 0 && k + 3 <= s.length)) return u;
  addFlag(flags, 'header-8bit');
  return decodeCharset(s, 'windows-1252')!;
}
