// Memory stays flat while a 1 MB message streams through the board's reader (s9mime) in the host sandbox: the
// reader lives in a sandbox global, so the sandbox's memory() (Espruino-like variable count of everything reachable
// from the globals) sees its buffers, frames, headers and text. (The real figures are the interpreter's, npm run bench.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandbox } from '../../host/sandbox';

function bigMessage(): string {
  const b64line = Buffer.alloc(57, 0xa5).toString('base64'); // 76 chars
  const qpText = 'caf=C3=A9 and a long line that goes on and on and on and on and on and on=\r\n and on.\r\n';
  let att = '';
  while (att.length < 600000) att += b64line + '\r\n';
  let qp = '';
  while (qp.length < 400000) qp += qpText;
  return (
    'From: "Board" <b@x.org>\r\nSubject: =?utf-8?Q?big_m=C3=A9ssage?=\r\nContent-Type: multipart/mixed; boundary="BB"\r\n\r\n' +
    '--BB\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' + qp +
    '\r\n--BB\r\nContent-Type: application/octet-stream; name="blob.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + att +
    '--BB--\r\n'
  );
}

test("a 1 MB message streams through the board's reader with flat memory", async () => {
  const sb = bootSandbox({ board: 'linux' });
  try {
    sb.run(`var R = { n: 0, text: null, att: 0, name: '', subject: '' };
      var READER = new (require("s9mime").MimeReader)({ maxText: 2048,
        onHeaders: function (h) { R.subject = h.subject; },
        onText: function (t) { R.text = t; },
        onAttachmentStart: function (a) { R.name = a.name; },
        onAttachmentData: function (c) { R.att += c.length; },
        onAttachmentEnd: function (e) { R.size = e.size; } });`);
    const msg = bigMessage();
    assert.ok(msg.length > 1000000, `message is ${msg.length} bytes`);
    const write = sb.run('(function (s) { READER.write(s); })');
    const samples: number[] = [];
    let k = 0;
    for (let p = 0; p < msg.length; p += 1460, k++) {
      write(msg.substr(p, 1460));
      if (k % 40 === 0) samples.push(sb.memory().usage);
    }
    sb.run('READER.end()');
    const R = sb.run('R');
    assert.is(R.subject, 'big méssage');
    assert.is(R.name, 'blob.bin');
    assert.is(R.att, R.size);
    assert.is(R.att, (600000 / 78 | 0) * 57 + 57 * (600000 % 78 ? 1 : 0));
    assert.ok(R.text.truncated);
    assert.is(R.text.size > 300000, true);
    const early = samples.slice(2, 6);
    const max = Math.max(...samples.slice(2));
    const min = Math.min(...samples.slice(2));
    // the text part fills up to maxText (2048 bytes = ~171 variables) early; after that nothing may grow
    assert.ok(max - min < 250, `memory moved from ${min} to ${max} variables over ${samples.length} samples (early ${early})`);
    const later = samples.slice(Math.floor(samples.length / 2));
    assert.ok(Math.max(...later) - Math.min(...later) < 150, `second half moved ${Math.min(...later)}..${Math.max(...later)}`);
    console.log(`    memory usage over the stream: ${min}..${max} variables (${samples.length} samples)`);
  } finally {
    sb.close();
  }
});

test.run();
