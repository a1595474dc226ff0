// Differential test on a seeded generated corpus: mails composed by nodemailer's MailComposer (several charsets,
// transfer encodings, nested multiparts, binary and text attachments, long lines, lines beginning with a dot)
// are read by the board's reader in a guarded Espruino bundle of src/mime (host sandbox), fed in random piece sizes up to 1460 bytes,
// and compared with mailparser and with what was composed.
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compare, normText, readWith, reference, boardMime } from '../../host/mime-diff';
import { safeFileName } from '../../src/mime';
import { composeOne, rng } from './gen';

const test = suite('mime generated corpus');
const COUNT = 120;

let board: Awaited<ReturnType<typeof boardMime>>;
test.before(async () => {
  board = await boardMime(false);
});
test.after(() => board && board.close());

test(`${COUNT} composed mails: the bundle's reader agrees with mailparser and with the composed content`, async () => {
  let attachments = 0;
  let bytes = 0;
  for (let seed = 1; seed <= COUNT; seed++) {
    const composed = await composeOne(seed);
    const expected = composed.expected;
    // every third mail with bare LF line ends, as some servers store them
    const raw = seed % 3 === 0 ? Buffer.from(composed.raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : composed.raw;
    bytes += raw.length;
    const r = rng(seed * 7919);
    const sizes: number[] = [];
    for (let i = 0; i < 64; i++) sizes.push(r() < 0.2 ? 1 + Math.floor(r() * 8) : 1 + Math.floor(r() * 1460));
    const ours = readWith(board.mime, raw, sizes);
    const ref = await reference(raw);
    const c = compare(ours, ref, true);
    const allowed = c.accepted.filter((a) => !/sanitised|guessed from the file extension/.test(a));
    assert.equal(c.differ, [], `seed ${seed}: differs from mailparser`);
    assert.equal(allowed, [], `seed ${seed}: unexpected accepted differences`);
    // against the composed truth
    assert.is(ours.subject, expected.subject, `seed ${seed}: subject`);
    const plain = ours.texts.find((t) => t.type === 'text/plain' && !t.charset.startsWith('iso') && !t.charset.startsWith('windows'));
    assert.ok(plain, `seed ${seed}: a text/plain part`);
    assert.is(normText(plain!.text), normText(expected.text), `seed ${seed}: text`);
    assert.is(ours.attachments.length, expected.attachments.length, `seed ${seed}: attachment count`);
    // MailComposer moves related (cid) attachments into multipart/related: match by content, not by order
    const key = (a: { sha256: string; size: number }) => a.sha256 + ':' + a.size;
    // with bare LF, a text attachment sent without base64 changed too: mailparser alone is the reference then
    const want = expected.attachments.filter((a) => raw === composed.raw || !a.textual).sort((a, b) => key(a).localeCompare(key(b)));
    const got = ours.attachments.filter((a) => want.some((w) => key(w) === key(a)) || raw === composed.raw).sort((a, b) => key(a).localeCompare(key(b)));
    assert.is(got.length, want.length, `seed ${seed}: attachments found by content`);
    got.forEach((a, i) => {
      const e = want[i];
      assert.is(a.sha256, e.sha256, `seed ${seed}: attachment ${i} sha256`);
      assert.is(a.size, e.size, `seed ${seed}: attachment ${i} size`);
      if (want.filter((w) => key(w) === key(e)).length === 1) {
        assert.is(a.rawName, e.name, `seed ${seed}: attachment ${i} raw name`);
        assert.is(a.name, safeFileName(e.name), `seed ${seed}: attachment ${i} name`);
      }
      attachments++;
    });
    assert.equal(ours.flags.filter((f) => f !== 'name-sanitised'), [], `seed ${seed}: flags on a well-formed mail`);
  }
  assert.ok(attachments > COUNT / 2, 'the corpus has attachments');
  assert.ok(bytes > 100000, 'the corpus is not trivial');
});

test.run();
