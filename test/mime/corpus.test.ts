// The real-world corpus (../shared/corpus beside the project, 55 mails from other projects' test suites) read by the board's
// reader and by mailparser. The figures are what was measured on 2026-12-01 (the reader of 3def985, mime-diff
// comparing html, date, reply-to and message-id too, each accepted difference checked on its own field): 51 of
// 55 agree, 6 of them through accepted differences (multi-byte charsets decoded on the host, a sanitised name,
// a Content-Type without subtype, mailparser's folding habit). The 4 that differ: invalid-charset.txt and
// invalid_subject_characters.eml (raw 8-bit header bytes: windows-1252 on the board, U+FFFD in mailparser),
// stack-overflow.txt (a To cut at maxHeader whose last name is not the start of mailparser's), spam.eml (html:
// mailparser splits a text/html part at its boundary parameter).
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { boardMime, diffFolder, listMails, readWith } from '../../host/mime-diff';
import * as sources from '../../src/mime';
import { rng } from './gen';

// ../shared beside the project, as on CI
const CORPUS = resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
const MIN_AGREE = 54;
const MAX_ACCEPTED = 8;
const test = suite('mime real corpus');

let board: Awaited<ReturnType<typeof boardMime>>;
test.before(async () => {
  board = await boardMime(false);
});
test.after(() => board && board.close());

test(`at least ${MIN_AGREE} corpus messages agree with mailparser through the bundle`, async () => {
  assert.ok(existsSync(CORPUS), 'the corpus folder is missing');
  const results = await diffFolder(CORPUS, board.mime, [1460, 977, 1, 1460, 333, 1024, 2, 1459]);
  assert.is(results.length, 55, 'INDEX.tsv lists 55 files');
  const agree = results.filter((r) => r.agree);
  const bad = results.filter((r) => !r.agree).map((r) => `${r.file}: ${r.error || r.differ.join('; ')}`);
  assert.ok(agree.length >= MIN_AGREE, `${agree.length}/${results.length} agree:\n${bad.join('\n')}`);
  const accepted = results.filter((r) => r.accepted.length);
  assert.ok(accepted.length <= MAX_ACCEPTED, `${accepted.length} messages need an accepted difference: ${accepted.map((r) => r.file).join(', ')}`);
});

test('the result does not depend on how the stream is cut (sources and bundle, random piece sizes)', () => {
  const r = rng(42);
  for (const file of listMails(CORPUS)) {
    const raw = readFileSync(file);
    const whole = readWith(sources as any, raw, [raw.length || 1]);
    for (let round = 0; round < 2; round++) {
      const sizes: number[] = [];
      for (let i = 0; i < 50; i++) sizes.push(r() < 0.3 ? 1 + Math.floor(r() * 4) : 1 + Math.floor(r() * 1460));
      const cut = readWith(round ? board.mime : (sources as any), raw, sizes);
      assert.equal(JSON.parse(JSON.stringify(cut)), JSON.parse(JSON.stringify(whole)), `${file} round ${round}`);
    }
  }
});

test.run();
