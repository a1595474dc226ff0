// 6. multipart/digest and 7. broken boundaries
import { base64Body, CRLF } from './encodings';
import type { Mail } from './mail';
import { head, multipart, top } from './message';

// ---------------------------------------------------------------------------------------------------------------
// 6. multipart/digest

export function digestMails(): Mail[] {
  const message = (n: number, from: string, subject: string, text: string, extra: [string, string][] = []) =>
    head([['From', from], ['Subject', subject], ['Date', `Mon, 15 Apr 2024 0${n}:00:00 +0000`], ['Message-ID', `<digest-msg-${n}@lists.example.org>`], ['To', 'board-users@lists.example.org'], ...extra]) + text + CRLF;
  // a part of the default type: no part header (the blank line after the delimiter), then the message
  const msg = (...a: Parameters<typeof message>) => CRLF + message(...a);
  // Mailman's MIME digest: multipart/mixed (masthead, table of contents, the digest, footer)
  const digest = multipart(
    '===============1234567890==',
    [
      msg(1, 'Anna Berg <anna@example.org>', 'Flashing the board', 'How do I flash the board from Linux?', [['Content-Type', 'text/plain; charset=us-ascii'], ['MIME-Version', '1.0']]),
      msg(2, 'Boris <boris@example.de>', 'Re: Flashing the board', 'Use espruino-cli with the --board option.'),
      // an explicit type, as some digests write
      head([['Content-Type', 'message/rfc822']]) + message(3, '=?utf-8?Q?J=C3=BCrgen?= <juergen@example.de>', '=?utf-8?Q?Gr=C3=B6=C3=9Fe_Dateien?=', 'Large files need the Storage module.', [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '8bit']]),
    ],
    '',
  );
  const top1 =
    head([
      ['From', 'board-users-request@lists.example.org'],
      ['Subject', 'board-users Digest, Vol 12, Issue 3'],
      ['To', 'board-users@lists.example.org'],
      ['Reply-To', 'board-users@lists.example.org'],
      ['Date', 'Mon, 15 Apr 2024 12:00:00 +0000'],
      ['Message-ID', '<mailman.3.1713182400.digest@lists.example.org>'],
      ['X-Mailman-Version', '2.1.39'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'multipart/mixed; boundary="===============0987654321=="'],
    ]) +
    multipart(
      '===============0987654321==',
      [
        head([
          ['Content-Type', 'text/plain; charset="us-ascii"'],
          ['MIME-Version', '1.0'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Description', 'board-users Digest, Vol 12, Issue 3'],
        ]) + 'Send board-users mailing list submissions to\r\n\tboard-users@lists.example.org\r\n\r\nToday\'s Topics:\r\n\r\n   1. Flashing the board (Anna Berg)\r\n   2. Re: Flashing the board (Boris)\r\n   3. Large files\r\n',
        head([
          ['Content-Type', 'multipart/digest; boundary="===============1234567890=="'],
          ['MIME-Version', '1.0'],
        ]) + digest,
        head([
          ['Content-Type', 'text/plain; charset="us-ascii"'],
          ['MIME-Version', '1.0'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Disposition', 'inline'],
        ]) + '_______________________________________________\r\nboard-users mailing list\r\n',
      ],
      '',
    );
  // a digest at the top whose parts are messages with their own multiparts, one of them a digest again
  const inner = multipart(
    'inner-digest',
    [msg(4, 'Carol <carol@example.com>', 'First of the inner digest', 'Inner message one.'), msg(5, 'Dora <dora@example.org>', 'Second of the inner digest', 'Inner message two.')],
    '',
  );
  const nested =
    head([
      ['From', 'Digest Robot <robot@example.org>'],
      ['To', 'reader@example.org'],
      ['Subject', 'Nested digest'],
      ['Date', 'Tue, 16 Apr 2024 06:00:00 +0000'],
      ['Message-ID', '<nested-digest@example.org>'],
      ['MIME-Version', '1.0'],
      ['Content-Type', 'multipart/digest; boundary="outer-digest"'],
    ]) +
    multipart(
      'outer-digest',
      [
        msg(6, 'Eve <eve@example.org>', 'A plain message', 'Plain text in the outer digest.'),
        msg(
          7,
          'Frank <frank@example.net>',
          'A message with an attachment',
          multipart('mixed-in-digest', [
            head([['Content-Type', 'text/plain; charset=utf-8']]) + 'See the attached file.',
            head([
              ['Content-Type', 'application/octet-stream; name="data.bin"'],
              ['Content-Disposition', 'attachment; filename="data.bin"'],
              ['Content-Transfer-Encoding', 'base64'],
            ]) + base64Body(Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 254, 255])),
          ]),
          [['MIME-Version', '1.0'], ['Content-Type', 'multipart/mixed; boundary="mixed-in-digest"']],
        ),
        msg(8, 'Grace <grace@example.net>', 'A forwarded digest', inner, [['MIME-Version', '1.0'], ['Content-Type', 'multipart/digest; boundary="inner-digest"']]),
      ],
      'This digest holds three messages.',
    );
  // the reference: every part of the default type of a digest (by its boundary) given its type explicitly (not in
  // the digest inside an attached message: that would change the attachment's bytes)
  const typed = (raw: string, b: string) => Buffer.from(raw.split(`${CRLF}--${b}${CRLF}${CRLF}`).join(`${CRLF}--${b}${CRLF}Content-Type: message/rfc822${CRLF}${CRLF}`), 'latin1');
  const why = 'mailsplit gives a part without Content-Type the type text/plain, also in a multipart/digest (RFC 2046 5.1.5: message/rfc822); the reference is the same mail with "Content-Type: message/rfc822" written in those parts';
  return [
    {
      file: 'digest-mailman.eml',
      kind: 'digest',
      case: '6 multipart/digest (Mailman MIME digest)',
      checks: 'multipart/digest inside multipart/mixed; parts without Content-Type are message/rfc822 (RFC 2046 5.1.5), one written explicitly: texts and attachments as mailparser reports them',
      raw: Buffer.from(top1, 'latin1'),
      wellFormed: typed(top1, '===============1234567890=='),
      wellFormedWhy: why,
    },
    {
      file: 'digest-nested.eml',
      kind: 'digest',
      case: '6 multipart/digest, nested',
      checks: 'a top-level multipart/digest whose messages hold a multipart/mixed with an attachment and another multipart/digest: texts and attachments as mailparser reports them',
      raw: Buffer.from(nested, 'latin1'),
      wellFormed: typed(nested, 'outer-digest'),
      wellFormedWhy: why,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Broken boundaries

export function boundaryMails(): Mail[] {
  const out: Mail[] = [];
  const fields = (n: number, subject: string, ct: string): [string, string][] => [
    ...top({ from: 'Sender <sender@example.com>', to: 'Receiver <receiver@example.org>', subject, date: `Wed, 17 Apr 2024 1${n}:00:00 +0000`, id: `boundary-${n}@example.com`, mailer: ['X-Mailer', 'homegrown-mailer 0.3'] }),
    ['Content-Type', ct],
  ];
  const textPart = (t: string) => head([['Content-Type', 'text/plain; charset=utf-8'], ['Content-Transfer-Encoding', '7bit']]) + t + CRLF;
  const attPart = (name: string, data: Buffer) =>
    head([
      ['Content-Type', `application/octet-stream; name="${name}"`],
      ['Content-Disposition', `attachment; filename="${name}"`],
      ['Content-Transfer-Encoding', 'base64'],
    ]) + base64Body(data);
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 255));
  // longer than the reader's header cap (maxHeader 2048)
  let long = '=_long_';
  while (long.length < 2100) long += (long.length * 7919).toString(36);
  long = long.slice(0, 2100);
  out.push({
    file: 'boundary-too-long.eml',
    kind: 'boundary',
    case: '7 boundary longer than 2048 characters',
    checks: 'a 2100-character boundary (RFC 2046 allows 70; longer than the reader\'s 2048-byte header cap): the parts as mailparser finds them',
    raw: Buffer.from(head(fields(0, 'A very long boundary', `multipart/mixed; boundary="${long}"`)) + multipart(long, [textPart('Text under a very long boundary.'), attPart('long.bin', data)]), 'latin1'),
  });
  // longer than the longest line the reader waits for as a delimiter (200) but under the header cap
  const mid = '=_mid_' + 'x7Q2'.repeat(74);
  out.push({
    file: 'boundary-300.eml',
    kind: 'boundary',
    case: '7 boundary of 302 characters (under the header cap)',
    checks: 'a 302-character boundary: delimiter lines longer than the 200 bytes the reader waits for: the parts as mailparser finds them, whatever the piece size',
    raw: Buffer.from(head(fields(1, 'A long boundary', `multipart/mixed;${CRLF} boundary="${mid}"`)) + multipart(mid, [textPart('Text under a 302-character boundary.'), attPart('mid.bin', data)]), 'latin1'),
  });
  out.push({
    file: 'boundary-missing-param.eml',
    kind: 'boundary',
    case: '7 multipart without boundary parameter',
    checks: 'Content-Type multipart/mixed with no boundary parameter (the body has delimiter lines): text and attachments as mailparser reports them',
    raw: Buffer.from(head(fields(2, 'No boundary parameter', 'multipart/mixed')) + multipart('b1_4f1a2c', [textPart('The header forgot the boundary.'), attPart('lost.bin', data)]), 'latin1'),
    wellFormed: Buffer.from(head(fields(2, 'No boundary parameter', 'text/plain')) + multipart('b1_4f1a2c', [textPart('The header forgot the boundary.'), attPart('lost.bin', data)]), 'latin1'),
    wellFormedWhy: 'mailparser gives neither text nor attachments for a multipart without boundary; RFC 2045 5.2 reads an invalid Content-Type as text/plain, and the reference is the same mail with Content-Type: text/plain',
  });
  out.push({
    file: 'boundary-never-appears.eml',
    kind: 'boundary',
    case: '7 boundary that never appears in the body',
    checks: 'boundary="expected-boundary" while the body is cut by other delimiters: text and attachments as mailparser reports them',
    raw: Buffer.from(head(fields(3, 'Boundary never appears', 'multipart/mixed; boundary="expected-boundary"')) + multipart('actual-boundary', [textPart('The delimiters do not match the header.'), attPart('never.bin', data)]), 'latin1'),
  });
  const ws = multipart('ws-boundary', [textPart('Delimiter lines end in white space.'), attPart('ws.bin', data)]).split('--ws-boundary' + CRLF).join('--ws-boundary \t ' + CRLF).split('--ws-boundary--' + CRLF).join('--ws-boundary--\t' + CRLF);
  out.push({
    file: 'boundary-trailing-space.eml',
    kind: 'boundary',
    case: '7 delimiter lines with trailing white space',
    checks: 'delimiter lines "--ws-boundary \\t " and close "--ws-boundary--\\t" (transport padding, RFC 2046 5.1.1): the parts are found',
    raw: Buffer.from(head(fields(4, 'Trailing white space on delimiters', 'multipart/mixed; boundary=ws-boundary')) + ws, 'latin1'),
  });
  out.push({
    file: 'boundary-param-trailing-space.eml',
    kind: 'boundary',
    case: '7 boundary parameter with trailing white space',
    checks: 'boundary="pad-boundary  " (white space inside the quotes) with delimiter lines "--pad-boundary": the parts are found',
    raw: Buffer.from(head(fields(5, 'Boundary parameter ends in spaces', 'multipart/mixed; boundary="pad-boundary  "')) + multipart('pad-boundary', [textPart('The boundary parameter ends in two spaces.'), attPart('pad.bin', data)]), 'latin1'),
  });
  out.push({
    file: 'boundary-missing-close.eml',
    kind: 'boundary',
    case: '7 missing close delimiter',
    checks: 'no "--boundary--" at the end: the last part (a 7bit text attachment) ends with the message; its size and content as mailparser reports them',
    raw: Buffer.from(
      head(fields(6, 'Missing close delimiter', 'multipart/mixed; boundary="no-close"')) +
        multipart(
          'no-close',
          [
            textPart('The close delimiter is missing.'),
            head([
              ['Content-Type', 'text/plain; charset=us-ascii; name="notes.txt"'],
              ['Content-Disposition', 'attachment; filename="notes.txt"'],
              ['Content-Transfer-Encoding', '7bit'],
            ]) + 'line one\r\nline two\r\n',
          ],
          undefined,
          false,
        ),
      'latin1',
    ),
  });
  out.push({
    file: 'boundary-missing-close-nested.eml',
    kind: 'boundary',
    case: '7 missing close delimiter, nested',
    checks: 'an inner multipart/alternative never closed, the outer multipart/mixed closed: the inner parts end at the outer delimiter',
    raw: Buffer.from(
      head(fields(7, 'Inner multipart not closed', 'multipart/mixed; boundary="outer"')) +
        multipart('outer', [
          head([['Content-Type', 'multipart/alternative; boundary="inner"']]) +
            multipart('inner', [textPart('Plain version.'), head([['Content-Type', 'text/html; charset=utf-8']]) + '<p>HTML version.</p>' + CRLF], '', false),
          attPart('after.bin', data),
        ]),
      'latin1',
    ),
  });
  return out;
}
