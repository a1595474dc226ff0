// Charset decoding for the MIME reader, done by hand (Espruino has no TextDecoder).
// Input is always a "binary string" (one char per byte, 0-255); output is a JS string.
declare const E: any;

/** Windows-1252 code points for bytes 0x80-0x9F (0 = undefined byte, kept as the C1 control). */
const CP1252 = [
  0x20ac, 0, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0, 0x17d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0, 0x17e, 0x178,
];

/** Byte values of a binary string, through Espruino's native call when there is one (charCodeAt is O(i) there). */
export function bytesOf(s: string): Uint8Array {
  if (typeof E !== 'undefined' && E.toUint8Array) return E.toUint8Array(s);
  const a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}

/**
 * True when this interpreter's strings hold characters above 255. Espruino builds without Unicode support
 * keep only the low byte of String.fromCharCode(0x20ac); there the reader gives text as UTF-8 bytes (one
 * char per byte: what E.decodeUTF8, a UTF-8 terminal or a file expect) instead of losing the characters.
 */
// (probed through apply: esbuild folds String.fromCharCode(0x100).charCodeAt(0) to a constant at build time,
// which would describe Node, not the board)
export const WIDE_STRINGS = String.fromCharCode.apply(null, [0x100]).charCodeAt(0) === 0x100;

/** Collects code units and turns them into a string ~200 at a time (no per-char string append). */
class Out {
  s: string;
  u: number[];
  constructor() {
    this.s = '';
    this.u = [];
  }
  push(c: number): void {
    if (!WIDE_STRINGS && c > 0x7f) {
      // UTF-8 bytes of c
      if (c < 0x800) this.u.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) this.u.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else this.u.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    } else if (c > 0xffff) {
      c -= 0x10000;
      this.u.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else this.u.push(c);
    // Espruino's apply takes at most 256 arguments, and one push adds up to 4
    if (this.u.length >= 200) this.flush();
  }
  flush(): void {
    if (this.u.length) this.s += String.fromCharCode.apply(null, this.u);
    this.u = [];
  }
  done(): string {
    this.flush();
    return this.s;
  }
}

/**
 * UTF-8 to a JS string. Ill-formed input gives U+FFFD per maximal ill-formed subpart, the same
 * replacement rule as the WHATWG decoder (so results agree with Node's Buffer.toString()).
 */
export function decodeUtf8(s: string): string {
  if (!/[\x80-\xff]/.test(s)) return s;
  // (on a narrow interpreter this validates: well-formed UTF-8 comes out as it went in)
  const b = bytesOf(s);
  const n = b.length;
  const o = new Out();
  let i = 0;
  while (i < n) {
    const c = b[i++];
    if (c < 0x80) {
      o.push(c);
      continue;
    }
    let need = 0;
    let cp = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else {
      o.push(0xfffd);
      continue;
    }
    let ok = true;
    while (need > 0) {
      const d = i < n ? b[i] : -1;
      if (d < lo || d > hi) {
        ok = false;
        break;
      }
      lo = 0x80;
      hi = 0xbf;
      cp = (cp << 6) | (d & 0x3f);
      i++;
      need--;
    }
    o.push(ok ? cp : 0xfffd);
  }
  return o.done();
}

/** Windows-1252 (or, with latin1, ISO-8859-1) to a JS string; ISO-8859-1 needs no work where strings are wide. */
function decode1252(s: string, latin1: boolean): string {
  if (!(WIDE_STRINGS ? /[\x80-\x9f]/ : /[\x80-\xff]/).test(s)) return s;
  const b = bytesOf(s);
  const o = new Out();
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    o.push(!latin1 && c >= 0x80 && c < 0xa0 && CP1252[c - 0x80] ? CP1252[c - 0x80] : c);
  }
  return o.done();
}

/** A charset label reduced to lower-case letters and digits: "UTF-8" -> "utf8", "ISO_8859-1" -> "iso88591". */
export function charsetKey(cs: string): string {
  return (cs || '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Decodes bytes in a charset. Returns the text, or null when the charset is not one this reader decodes
 * (the caller then keeps the raw bytes and flags it). US-ASCII is read as UTF-8, as mail clients do with
 * stray 8-bit bytes; an empty charset means UTF-8.
 */
export function decodeCharset(s: string, cs: string): string | null {
  const k = charsetKey(cs);
  if (k === '' || k === 'utf8' || k === 'usascii' || k === 'ascii' || k === 'ansix341968' || k === 'us') return decodeUtf8(s);
  if (k === 'iso88591' || k === 'latin1' || k === 'l1' || k === 'iso885911987' || k === 'cp819') return WIDE_STRINGS ? s : decode1252(s, true);
  if (k === 'windows1252' || k === 'cp1252' || k === 'xcp1252') return decode1252(s, false);
  return null;
}
