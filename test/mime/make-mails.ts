// `node --import tsx test/mime/make-mails.ts`: writes the hand-made test mails of test/mime/mails/ (and its INDEX.tsv)
// deterministically; test/mime/own.test.ts checks that the folder holds exactly what this script writes.
//
// Each mail is a realistic message as a mailer sends it (CRLF line ends), made to find where the board's reader and
// mailparser disagree: legacy single-byte charsets (body, RFC 2047 subject and display name, RFC 2231 file names),
// multi-byte charsets, RFC 3676 format=flowed, repeated address fields, raw 8-bit header bytes, multipart/digest and
// broken boundaries. Legacy charsets are encoded with iconv-lite (every text is checked to survive the round trip,
// so no character silently becomes '?'); ISO-2022-JP, which iconv-lite lacks, is made from its EUC-JP form.
//
// The builders are in make/, one file per case group; this file assembles the list and writes the folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundaryMails, digestMails } from './make/digests-boundaries';
import { flowedMails } from './make/flowed';
import { addressMails, raw8bitMails } from './make/headers';
import { legacyMails } from './make/legacy';
import type { Mail } from './make/mail';
import { multibyteMails } from './make/multibyte';

export { decodeIso2022jp, decodeOnHost, encode, encodeIso2022jp } from './make/charsets';
export type { Kind, Mail } from './make/mail';

export const MAILS_DIR = join(__dirname, 'mails');

/** Every mail, in INDEX.tsv order. */
export function makeMails(): Mail[] {
  return [...legacyMails(), ...multibyteMails(), ...flowedMails(), ...addressMails(), ...raw8bitMails(), ...digestMails(), ...boundaryMails()];
}

/** INDEX.tsv: file, case, what it checks. */
export function indexTsv(mails: Mail[]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  return ['file\tcase\tchecks', ...mails.map((m) => `${m.file}\t${clean(m.case)}\t${clean(m.checks)}`)].join('\n') + '\n';
}

/** Writes the folder: every mail, INDEX.tsv; removes files it did not write. */
export function writeMails(dir = MAILS_DIR): Mail[] {
  const mails = makeMails();
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const keep = new Set(['INDEX.tsv', ...mails.map((m) => m.file)]);
  for (const f of readdirSync(dir)) if (!keep.has(f)) unlinkSync(join(dir, f));
  for (const m of mails) {
    const p = join(dir, m.file);
    if (!existsSync(p) || !readFileSync(p).equals(m.raw)) writeFileSync(p, m.raw);
  }
  writeFileSync(join(dir, 'INDEX.tsv'), indexTsv(mails));
  return mails;
}

if (/make-mails\.ts$/.test(process.argv[1] || '')) {
  const mails = writeMails();
  console.log(`${mails.length} mails written to ${MAILS_DIR}`);
}
