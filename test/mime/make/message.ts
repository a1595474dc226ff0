// Message helpers: header lines, multipart bodies, and the top fields (dates, mailers) the mails share.
import { CRLF } from './encodings';

/** Header lines (name, value) joined with CRLF, and the blank line after them. */
export function head(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${k}: ${v}`).join(CRLF) + CRLF + CRLF;
}

/** A multipart body: each part (its headers and body, as written) after a delimiter, then the close delimiter. */
export function multipart(boundary: string, parts: string[], preamble = 'This is a multi-part message in MIME format.', close = true): string {
  let s = preamble ? preamble + CRLF : '';
  for (const p of parts) s += `--${boundary}${CRLF}${p}${p.endsWith(CRLF) ? '' : CRLF}`;
  if (close) s += `--${boundary}--${CRLF}`;
  return s;
}

/** The common top fields of a message. */
export function top(o: { from: string; to: string; subject: string; date: string; id: string; mailer?: [string, string]; more?: [string, string][] }): [string, string][] {
  const f: [string, string][] = [
    ['From', o.from],
    ['To', o.to],
    ['Subject', o.subject],
    ['Date', o.date],
    ['Message-ID', `<${o.id}>`],
  ];
  if (o.mailer) f.push(o.mailer);
  return f.concat(o.more || [], [['MIME-Version', '1.0']]);
}

export const DATES = ['Mon, 4 Mar 2024 09:12:44 +0100', 'Tue, 5 Mar 2024 14:03:10 +0200', 'Wed, 6 Mar 2024 08:30:00 +0300', 'Thu, 7 Mar 2024 17:45:21 -0500'];
export const MAILERS: [string, string][] = [
  ['X-Mailer', 'The Bat! (v9.1.18) Professional'],
  ['User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Thunderbird/115.9.0'],
  ['X-Mailer', 'Microsoft Outlook 16.0'],
  ['User-Agent', 'Mutt/2.2.12 (2023-09-09)'],
];
