// 4. Repeated address fields and 5. raw 8-bit header bytes
import { encode } from './charsets';
import { bin, words } from './encodings';
import type { Mail } from './mail';
import { head, multipart } from './message';

// ---------------------------------------------------------------------------------------------------------------
// 4. Repeated address fields

export function addressMails(): Mail[] {
  const a =
    head([
      ['Return-Path', '<hans@example.de>'],
      ['From', '=?utf-8?Q?M=C3=BCller=2C_Hans?= <hans@example.de>'],
      ['To', 'Anna Schmidt <anna@example.de>, bob@example.com'],
      ['To', '"Carol (Sales)" <carol@example.com>'],
      ['Cc', 'Team: dora@example.org, "Eve E." <eve@example.org>;'],
      ['Cc', '=?utf-8?Q?J=C3=BCrgen_Wei=C3=9F?= <juergen@example.de>'],
      ['Cc', 'frank@example.net (Frank N.), "Grace, G." <grace@example.net>'],
      ['Reply-To', 'list@example.org'],
      ['Reply-To', '"Hans privat" <hans.privat@example.net>'],
      ['Subject', 'Repeated address fields'],
      ['Date', 'Wed, 10 Apr 2024 07:30:00 +0200'],
      ['Message-ID', '<addr-1@example.de>'],
      ['X-Mailer', 'PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Transfer-Encoding', '8bit'],
    ]) + bin(Buffer.from('A script that writes one To: line per recipient list.\r\n', 'utf8'));
  const b =
    head([
      ['From', 'Newsletter <news@example.com>'],
      ['From', 'Marketing <marketing@example.com>'],
      ['To', 'undisclosed-recipients:;'],
      ['To', 'Readers: "Ida I." <ida@example.com>, jack@example.com;, Kim <kim@example.com>'],
      ['Subject', 'Groups in repeated fields'],
      ['Date', 'Thu, 11 Apr 2024 18:00:00 +0000'],
      ['Message-ID', '<addr-2@example.com>'],
      ['Cc', 'Empty Group:;'],
      ['Cc', 'leo@example.com'],
      ['Cc', '"Mia M." <mia@example.com>, Noah <noah@example.com>'],
      ['Reply-To', 'Helpdesk: help@example.com;'],
      ['Reply-To', '"Owner" <owner@example.com>'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=us-ascii'],
      ['Content-Transfer-Encoding', '7bit'],
    ]) + 'Groups and an empty group in repeated To:, Cc: and Reply-To: lines.\r\n';
  return [
    {
      file: 'addresses-repeated.eml',
      kind: 'addresses',
      case: '4 repeated address fields',
      checks: 'two To: lines, three Cc: lines (one a group), two Reply-To: lines; display names with commas, parentheses and RFC 2047: every address, in order',
      raw: Buffer.from(a, 'latin1'),
    },
    {
      file: 'addresses-repeated-groups.eml',
      kind: 'addresses',
      case: '4 repeated address fields with groups',
      checks: 'From: twice (mailparser keeps the first, as for Reply-To); To: an empty group then a group; Cc: an empty group, then two lines; Reply-To: a group, then a name: every address, in order',
      raw: Buffer.from(b, 'latin1'),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Raw 8-bit header bytes

export function raw8bitMails(): Mail[] {
  const out: Mail[] = [];
  const build = (cs: string, encoded: boolean) => {
    const e = (s: string) => bin(cs === 'utf-8' ? Buffer.from(s, 'utf8') : encode(cs, s));
    // the well-formed form: RFC 2047 words for the names and the subject, RFC 2231 for the file name
    const w = (s: string) => (encoded ? words(cs, s, 'Q') : e(s));
    const name = (p: string) => (encoded ? `${p}*=${cs}''` + Array.from(encode(cs, 'Frösche.txt')).map((c) => (c < 0x80 ? String.fromCharCode(c) : '%' + c.toString(16).toUpperCase())).join('') : `${p}="${e('Frösche.txt')}"`);
    const body = 'Hallo Björn,\r\n\r\nanbei die Liste der Frösche – mit Grüßen aus Köln.\r\n';
    const att = 'Grasfrosch\r\nLaubfrosch\r\nWasserfrosch\r\n';
    const raw =
      head([
        ['From', `${w('Jürgen Groß')} <juergen@example.de>`.replace(/^(?!=\?)(.*) </, '"$1" <')],
        ['To', `${w('Björn Äström')} <bjoern@example.se>`],
        ['Subject', w('Grüße aus Köln – Frösche & Co.')],
        ['Date', 'Fri, 12 Apr 2024 13:14:15 +0200'],
        ['Message-ID', `<raw8bit-${cs}@example.de>`],
        ['X-Mailer', cs === 'utf-8' ? 'Python smtplib' : 'Pegasus Mail for Windows (4.73)'],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'multipart/mixed; boundary="=_raw8bit_' + cs + '"'],
      ]) +
      multipart('=_raw8bit_' + cs, [
        head([
          ['Content-Type', `text/plain; charset=${cs}`],
          ['Content-Transfer-Encoding', '8bit'],
        ]) + e(body),
        head([
          ['Content-Type', `text/plain; charset=${cs}; ${name('name')}`],
          ['Content-Disposition', `attachment; ${name('filename')}`],
          ['Content-Transfer-Encoding', '8bit'],
        ]) + att,
      ]);
    return Buffer.from(raw, 'latin1');
  };
  for (const cs of ['windows-1252', 'utf-8']) {
    out.push({
      file: `raw8bit-${cs}.eml`,
      kind: 'raw8bit',
      case: cs === 'utf-8' ? '5 raw 8-bit headers, valid UTF-8 (contrast)' : '5 raw 8-bit headers, windows-1252 (not UTF-8)',
      checks: `${cs} bytes written raw (no RFC 2047) in Subject, From and To display names and the attachment file name Frösche.txt (Content-Type name and Content-Disposition filename)`,
      charset: cs,
      names: ['Frösche.txt'],
      raw: build(cs, false),
      wellFormed: cs === 'utf-8' ? undefined : build(cs, true),
      wellFormedWhy: cs === 'utf-8' ? undefined : 'mailparser reads raw windows-1252 header bytes as UTF-8 and gives U+FFFD; the reference is the same mail with RFC 2047 words and an RFC 2231 file name',
    });
  }
  return out;
}
