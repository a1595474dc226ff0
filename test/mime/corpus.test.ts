// The real-world corpus (../shared/corpus beside the project, 55 mails from other projects' test suites) read by the board's
// reader and by mailparser. The minimum is what was measured when this test was written: every message agrees,
// 11 of them only through a documented accepted difference (charsets the board leaves raw, a sanitised name,
// a truncated 135 KB header, a Content-Type without subtype).
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
const MIN_AGREE = 55;
const MAX_ACCEPTED = 11;
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
