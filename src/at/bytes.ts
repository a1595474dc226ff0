// Copies between binary strings (chars 0-255, what Espruino's Serial 'data' events carry) and Uint8Arrays,
// with the fastest native call each runtime offers. Picked once at load time by feature detection:
//  - Espruino: Uint8Array.set(string, offset) copies the char codes natively; E.toString(view) makes a string.
//  - the host sandbox (V8 shaped like Espruino): no native string set, but E.toUint8Array / E.toString.
//  - plain Node (tests against the sources): a loop / String.fromCharCode.apply; speed does not matter there.
declare const E: any;

const HAS_E = typeof E !== 'undefined' && !!E && typeof E.toString === 'function';

function detectNativeStringSet(): boolean {
  try {
    const t = new Uint8Array(2);
    (t as any).set('A\xff', 0);
    return t[0] === 65 && t[1] === 255;
  } catch (e) {
    return false;
  }
}
const NATIVE_STR_SET = detectNativeStringSet();

/** Copies the binary string `s` into `dst` at `off` (the caller checked that it fits). */
export function setString(dst: Uint8Array, s: string, off: number): void {
  if (NATIVE_STR_SET) (dst as any).set(s, off);
  else if (HAS_E) dst.set(E.toUint8Array(s), off);
  else for (let i = 0; i < s.length; i++) dst[off + i] = s.charCodeAt(i) & 255;
}

/** The bytes src[a..b) as a binary string. */
export function getString(src: Uint8Array, a: number, b: number): string {
  if (b <= a) return '';
  if (HAS_E) return E.toString(src.subarray(a, b));
  return String.fromCharCode.apply(null, src.subarray(a, b) as any);
}

/** A payload (string or bytes) as something Serial.write accepts, cut to its first n bytes. */
export function headOf(p: string | Uint8Array, n: number): string | Uint8Array {
  if (p.length === n) return p;
  return typeof p === 'string' ? p.substr(0, n) : p.subarray(0, n);
}
