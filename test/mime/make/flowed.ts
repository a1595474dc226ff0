// 3. RFC 3676 format=flowed
import { bin, CRLF, qpBody } from './encodings';
import type { Mail } from './mail';
import { head, MAILERS, multipart, top } from './message';

export function flowedMails(): Mail[] {
  const out: Mail[] = [];
  // Thunderbird: delsp=no, 8bit UTF-8. Soft breaks (a line ending in a space), hard breaks, space-stuffed lines
  // (" From", " >"), a quoted block with two depths, the signature separator "-- ".
  const tb = [
    'Hi Anna,',
    '',
    'Thanks for the notes from yesterday\'s meeting. I went through all of the ',
    'points and I think we agree on most of them, except the budget for the ',
    'second quarter, which still looks too small to me.',
    ' From what I remember, the numbers were different in the first draft.',
    ' >This line starts with a quote mark but is not a quote.',
    'A line that flows on into a stuffed one: the text goes on ',
    ' From here to the end of the paragraph.',
    'A paragraph whose last line ends in a space ',
    '',
    'and a new paragraph after the blank line.',
    'Here is a hard break after this line.',
    'And this line follows it directly.',
    '',
    'On 03.04.2024 10:15, Anna Berg wrote:',
    '> Could you send me the final figures before Friday? I need them for the ',
    '> board meeting on Monday morning.',
    '>> Older quoted text that was wrapped by the mail client at seventy-two ',
    '>> characters per line, and then quoted once more.',
    '>',
    '> Anna',
    '',
    '-- ',
    'Boris Müller',
    'Grüße aus Köln ',
    'und Umgebung',
  ];
  out.push({
    file: 'flowed-delsp-no.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=no',
    checks: 'soft breaks joined (space kept), hard breaks kept, space-stuffing removed (" From", " >"), quoted lines joined per depth, "-- " signature separator never joined',
    raw: Buffer.from(
      head([
        ...top({ from: 'Boris =?UTF-8?Q?M=C3=BCller?= <boris@example.de>', to: 'Anna Berg <anna.berg@example.org>', subject: 'Re: Budget Q2', date: 'Thu, 4 Apr 2024 08:02:17 +0200', id: 'flowed-1.tb@example.de', mailer: MAILERS[1], more: [['In-Reply-To', '<budget-q2@example.org>']] }),
        ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
        ['Content-Transfer-Encoding', '8bit'],
      ]) + bin(Buffer.from(tb.join(CRLF) + CRLF, 'utf8')),
      'latin1',
    ),
  });
  // Apple Mail: delsp=yes; a soft break may fall inside a word (the space before it is deleted)
  const apple = [
    'Hello team,',
    '',
    'The new build is on the server: https://files.example.com/releases/2024/04/ ',
    'board-firmware-2v29-final.zip (please check the checksum first).',
    'This sentence was wrapped in the middle of a wo ',
    'rd by the sender, and delsp=yes puts it back together.',
    '日本語のテキストは単語の間に空白がないので、 ',
    '途中で折り返されます。',
    ' From the stuffed line on, a new paragraph.',
    '',
    // (a break at a space: the space stays, the one added for the soft break goes)
    '> Quoted text can be flowed as well, and is joined without the  ',
    '> space that was added at the break.',
    '',
    '-- ',
    'Clara',
  ];
  out.push({
    file: 'flowed-delsp-yes.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=yes',
    checks: 'delsp=yes: the space before a soft break is deleted when joining (words and CJK text broken mid-word), stuffing removed, quotes, signature separator',
    raw: Buffer.from(
      head([
        ...top({ from: 'Clara Schmidt <clara@example.com>', to: 'team@example.com', subject: 'New build', date: 'Fri, 5 Apr 2024 16:40:00 +0200', id: 'flowed-2.apple@example.com', mailer: ['X-Mailer', 'Apple Mail (2.3731.700.6)'] }),
        ['Content-Type', 'text/plain; charset=utf-8; format=flowed; delsp=yes'],
        ['Content-Transfer-Encoding', '8bit'],
      ]) + bin(Buffer.from(apple.join(CRLF) + CRLF, 'utf8')),
      'latin1',
    ),
  });
  // Thunderbird with quoted-printable: the space of a soft break is written "=20", long lines get QP soft breaks
  const qp = [
    'Hallo Jörg,',
    '',
    'die Übersicht für das nächste Quartal ist fertig. Die Zahlen für März ',
    'sind noch vorläufig, weil die Rechnungen der Lieferanten fehlen. Das ist eine sehr lange Zeile ohne weichen Umbruch, die der QP-Kodierer umbrechen muss, damit keine Zeile länger als 76 Zeichen ist.',
    ' From März an gilt der neue Tarif.',
    '',
    '> Kannst du mir die Übersicht schicken? Ich brauche sie für die ',
    '> Sitzung am Montag.',
    '',
    '-- ',
    'Grüße, Jürgen',
  ];
  out.push({
    file: 'flowed-qp.eml',
    kind: 'flowed',
    case: '3 format=flowed with quoted-printable',
    checks: 'flowed lines whose trailing space is QP-escaped (=20) and QP soft breaks (=CRLF) inside a flowed line: QP decoded first, then unflowed',
    raw: Buffer.from(
      head([
        ...top({ from: '=?UTF-8?Q?J=C3=BCrgen_Wei=C3=9F?= <juergen@example.de>', to: '=?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>', subject: '=?UTF-8?Q?=C3=9Cbersicht_Q2?=', date: 'Mon, 8 Apr 2024 10:11:12 +0200', id: 'flowed-3.qp@example.de', mailer: MAILERS[1] }),
        ['Content-Type', 'text/plain; charset=UTF-8; format=flowed; delsp=no'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ]) + qpBody(Buffer.from(qp.join(CRLF) + CRLF, 'utf8')) + CRLF,
      'latin1',
    ),
  });
  // Apple Mail with quoted-printable and delsp=yes
  const appleQp = ['Grüße aus Zürich! Das Wetter ist heute wunderschön und die Berge sind kla ', 'r zu sehen. Wir sehen uns am  ', 'Wochenende.', '', 'Liebe Grüße', 'Käthe'];
  out.push({
    file: 'flowed-delsp-yes-qp.eml',
    kind: 'flowed',
    case: '3 format=flowed delsp=yes with quoted-printable',
    checks: 'delsp=yes and quoted-printable together (=20 before the line end is the deleted space)',
    raw: Buffer.from(
      head([
        ...top({ from: '=?utf-8?Q?K=C3=A4the_Brunner?= <kaethe@example.ch>', to: 'Familie Brunner <familie@example.ch>', subject: '=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=', date: 'Sat, 6 Apr 2024 19:05:33 +0200', id: 'flowed-4.apple@example.ch', mailer: ['X-Mailer', 'iPhone Mail (21E236)'] }),
        ['Content-Type', 'text/plain;' + CRLF + '\tcharset=utf-8;' + CRLF + '\tdelsp=yes;' + CRLF + '\tformat=flowed'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ]) + qpBody(Buffer.from(appleQp.join(CRLF) + CRLF, 'utf8')) + CRLF,
      'latin1',
    ),
  });
  // a flowed text/plain beside HTML in multipart/alternative (Thunderbird's HTML mail)
  const alt = ['This is the plain version of the message, which Thunderbird wraps at ', 'seventy-two characters with format=flowed.', '', '-- ', 'Dora'];
  const html = '<html><body><p>This is the plain version of the message, which Thunderbird wraps at seventy-two characters with format=flowed.</p><div class="moz-signature">-- <br>Dora</div></body></html>';
  out.push({
    file: 'flowed-alternative.eml',
    kind: 'flowed',
    case: '3 format=flowed in multipart/alternative',
    checks: 'a flowed text/plain part inside multipart/alternative (beside text/html) is unflowed too',
    raw: Buffer.from(
      head([
        ...top({ from: 'Dora Kim <dora@example.net>', to: 'Eve <eve@example.net>', subject: 'Plain and HTML', date: 'Tue, 9 Apr 2024 12:00:00 +0000', id: 'flowed-5.tb@example.net', mailer: MAILERS[1] }),
        ['Content-Type', 'multipart/alternative;' + CRLF + ' boundary="------------3hXbG0wH1kM5tYv8rQ2cN9Zd"'],
      ]) +
        multipart('------------3hXbG0wH1kM5tYv8rQ2cN9Zd', [
          head([
            ['Content-Type', 'text/plain; charset=UTF-8; format=flowed'],
            ['Content-Transfer-Encoding', '7bit'],
          ]) + alt.join(CRLF) + CRLF,
          head([
            ['Content-Type', 'text/html; charset=UTF-8'],
            ['Content-Transfer-Encoding', '7bit'],
          ]) + html + CRLF,
        ]),
      'latin1',
    ),
  });
  return out;
}
