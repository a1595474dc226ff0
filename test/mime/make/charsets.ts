// Texts as bytes in a charset. Legacy charsets are encoded with iconv-lite (every text is checked to survive the
// round trip, so no character silently becomes '?'); ISO-2022-JP, which iconv-lite lacks, is made from its EUC-JP form.
import * as iconv from 'iconv-lite';

/** The bytes of s in a charset, checked to decode back to s. */
export function encode(cs: string, s: string): Buffer {
  const b = cs.toLowerCase() === 'iso-2022-jp' ? encodeIso2022jp(s) : iconv.encode(s, cs);
  const back = cs.toLowerCase() === 'iso-2022-jp' ? decodeIso2022jp(b) : iconv.decode(b, cs);
  if (back !== s) throw new Error(`${cs} cannot hold ${JSON.stringify(s)} (comes back as ${JSON.stringify(back)})`);
  return b;
}

/** ISO-2022-JP (RFC 1468): JIS X 0208 in 7 bits between ESC $ B and ESC ( B, made from the EUC-JP bytes. */
export function encodeIso2022jp(s: string): Buffer {
  const euc = iconv.encode(s, 'euc-jp');
  const out: number[] = [];
  let jis = false;
  for (let i = 0; i < euc.length; i++) {
    const c = euc[i];
    if (c < 0x80) {
      if (jis) out.push(0x1b, 0x28, 0x42);
      jis = false;
      out.push(c);
    } else if (c >= 0xa1 && c <= 0xfe && euc[i + 1] >= 0xa1 && euc[i + 1] <= 0xfe) {
      if (!jis) out.push(0x1b, 0x24, 0x42);
      jis = true;
      out.push(c & 0x7f, euc[++i] & 0x7f);
    } else throw new Error(`ISO-2022-JP cannot hold ${JSON.stringify(s)} (half-width kana or JIS X 0212)`);
  }
  if (jis) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** The reverse of encodeIso2022jp (ESC $ B / ESC $ @ and ESC ( B / ESC ( J), decoded through EUC-JP by iconv-lite. */
export function decodeIso2022jp(b: Buffer): string {
  const euc: number[] = [];
  let jis = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x1b && b[i + 1] === 0x24 && (b[i + 2] === 0x42 || b[i + 2] === 0x40)) {
      jis = true;
      i += 2;
    } else if (c === 0x1b && b[i + 1] === 0x28 && (b[i + 2] === 0x42 || b[i + 2] === 0x4a)) {
      jis = false;
      i += 2;
    } else if (jis && c > 0x20 && c < 0x7f && i + 1 < b.length) euc.push(c | 0x80, b[++i] | 0x80);
    else euc.push(c);
  }
  return iconv.decode(Buffer.from(euc), 'euc-jp');
}

/** Decodes bytes in a charset on the host (iconv-lite, and ISO-2022-JP through EUC-JP). */
export function decodeOnHost(b: Buffer, cs: string): string {
  return cs.toLowerCase() === 'iso-2022-jp' ? decodeIso2022jp(b) : iconv.decode(b, cs);
}
