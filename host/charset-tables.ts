// The single-byte charsets the MIME reader decodes from tables, and their Storage file "s9cs": one line of labels
// (lower-case letters and digits only, a group per table, each group ended by "|"), then for each group in order
// the code points of the bytes 0x80-0xff, two bytes each, high byte first, taken from iconv-lite (the decoder
// mailparser uses, so that the board and mailparser agree byte for byte). The reader reads it in place (flash):
// the labels cost it no RAM, and a table is read only for a mail that needs it.
import * as iconv from 'iconv-lite';

/** The label groups; the first label of each is the name iconv-lite knows the charset by. */
export const TABLE_LABELS = [
  'koi8r cskoi8r koi8',
  'koi8u',
  'windows1250 cp1250 xcp1250',
  'windows1251 cp1251 xcp1251',
  'windows1253 cp1253 xcp1253',
  'windows1254 cp1254 xcp1254',
  'windows1255 cp1255 xcp1255',
  'windows1256 cp1256 xcp1256',
  'windows1257 cp1257 xcp1257',
  'windows1258 cp1258 xcp1258',
  'iso88592 latin2 l2 isoir101',
  'iso88593 latin3 l3 isoir109',
  'iso88594 latin4 l4 isoir110',
  'iso88595 cyrillic isoir144',
  'iso88596 arabic isoir127',
  'iso88597 greek greek8 isoir126',
  'iso88598 iso88598i hebrew isoir138',
  'iso88599 latin5 l5 isoir148',
  'iso885910 latin6 l6 isoir157',
  'iso885911 tis620',
  'iso885913 latin7 l7',
  'iso885914 latin8 l8',
  'iso885915 latin9 l9',
  'iso885916 latin10 l10',
  'windows874 cp874',
  'ibm866 cp866 866',
];

/** The file "s9cs" as a binary string. */
export function charsetTables(): string {
  let out = TABLE_LABELS.map((g) => ' ' + g + ' |').join('') + '\n';
  for (const group of TABLE_LABELS) {
    const name = group.split(' ')[0];
    if (!iconv.encodingExists(name)) throw new Error(`charset table ${name}: iconv-lite does not know it`);
    const text = iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), name);
    const points = Array.from(text, (ch) => ch.codePointAt(0)!);
    if (points.length !== 128 || points.some((c) => c > 0xffff)) throw new Error(`charset table ${name}: not one BMP code point per byte`);
    for (const c of points) out += String.fromCharCode(c >> 8, c & 255);
  }
  return out;
}
