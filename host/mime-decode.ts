// What the board leaves to the host: text the MIME reader kept as raw bytes (a multi-byte charset such as GB2312,
// Big5, Shift_JIS, EUC-KR or ISO-2022-JP, flagged "charset-raw:<label>") decoded with iconv-lite, the decoder
// mailparser uses. For a board that forwards what it read to a PC, and for mime-diff.
import * as iconv from 'iconv-lite';

/** The charset a list of reader flags names as left raw, or null. */
export function rawCharset(flags: string[]): string | null {
  const f = flags.find((x) => x.startsWith('charset-raw:'));
  return f ? f.slice('charset-raw:'.length) : null;
}

/**
 * Decodes `text` (one char per byte, as the reader gives raw bytes) in `charset`; null when iconv-lite does not
 * know the charset either.
 */
export function hostDecode(text: string, charset: string): string | null {
  if (!iconv.encodingExists(charset)) return null;
  return iconv.decode(Buffer.from(text, 'latin1'), charset);
}
