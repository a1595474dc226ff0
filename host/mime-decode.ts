// What the board leaves to the host: text the MIME reader kept as raw bytes (a multi-byte charset such as GB2312,
// Big5, Shift_JIS, EUC-KR or ISO-2022-JP, flagged "charset-raw:<label>") decoded with iconv-lite, the decoder
// mailparser uses. For a board that forwards what it read to a PC, and for mime-diff.
import * as iconv from 'iconv-lite';

/** The charset a list of reader flags names as left raw, or null. */
export function rawCharset(flags: string[]): string | null {
  const f = flags.find((x) => x.startsWith('charset-raw:'));
  return f ? f.slice('charset-raw:'.length) : null;
}

/** The encoding a label names in the WHATWG Encoding Standard, as libmime reads it ("gb2312" is GBK), else the label. */
function encodingOf(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label;
  }
}

/** ISO-2022-JP (RFC 1468, with half-width katakana and JIS X 0212) as EUC-JP bytes, which iconv-lite decodes. */
function jisToEuc(b: Buffer): Buffer {
  const out: number[] = [];
  // 0: ASCII or JIS-Roman, 1: JIS X 0208, 2: half-width katakana, 3: JIS X 0212
  let mode = 0;
  let second = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const esc = c === 0x1b ? b.toString('latin1', i + 1, i + 4) : '';
    const to = /^\([BJ]/.test(esc) ? 0 : /^\$[@B]/.test(esc) ? 1 : /^\(I/.test(esc) ? 2 : /^\$\(D/.test(esc) ? 3 : -1;
    if (to >= 0) {
      i += to === 3 ? 3 : 2;
      mode = to;
      second = false;
    } else if (!mode || c < 0x21 || c > 0x7e) out.push(c);
    else if (mode === 2) out.push(0x8e, c | 0x80);
    else {
      if (mode === 3 && !second) out.push(0x8f);
      out.push(c | 0x80);
      second = !second;
    }
  }
  return Buffer.from(out);
}

/**
 * Decodes `text` in `charset`: each run of characters up to U+00FF is taken as the bytes it stands for (as the reader
 * gives raw bytes; a header may hold decoded characters beside them). iconv-lite knows every charset the board
 * leaves raw but ISO-2022-JP, which goes through EUC-JP. null when the host does not know the charset either.
 */
export function hostDecode(text: string, charset: string): string | null {
  const enc = encodingOf(charset);
  const jis = /^(cs)?iso-?2022-?jp/i.test(enc);
  const name = jis ? 'euc-jp' : enc;
  if (!iconv.encodingExists(name)) return null;
  return text.replace(/[\x00-\xff]+/g, (run) => {
    const bytes = Buffer.from(run, 'latin1');
    return iconv.decode(jis ? jisToEuc(bytes) : bytes, name);
  });
}
