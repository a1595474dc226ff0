// What the mail builders of make/ give: one test mail, its case and what it checks (INDEX.tsv), and what the test
// compares it with.

export type Kind = 'legacy' | 'legacy-2231' | 'multibyte' | 'flowed' | 'addresses' | 'raw8bit' | 'digest' | 'boundary';

export interface Mail {
  file: string;
  kind: Kind;
  /** the case, as INDEX.tsv names it */
  case: string;
  /** what the mail checks (INDEX.tsv) */
  checks: string;
  /** the charset label the mail uses for its text (legacy, multibyte) */
  charset?: string;
  /** the attachment names a correct reader gives (legacy-2231, raw8bit) */
  names?: string[];
  raw: Buffer;
  /** what the sender wrote (legacy, multibyte): the subject, the From display name, the text (lines joined by "\n") */
  written?: { subject: string; name: string; text: string };
  /**
   * Where mailparser misreads the mail itself (raw windows-1252 header bytes become U+FFFD; a digest part of the
   * default type is read as text/plain; a multipart without boundary gives no text at all): the same message
   * written the well-formed way (RFC 2047/2231 words, explicit message/rfc822, text/plain as RFC 2045 5.2 says),
   * whose mailparser reading is what the reader should give. Not written to the folder.
   */
  wellFormed?: Buffer;
  /** why wellFormed is the reference (for the test's messages) */
  wellFormedWhy?: string;
}
