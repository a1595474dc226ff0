// Board files and the build: each board's Storage modules exist, pass the guard, and are Espruino modules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boardIds, loadBoard } from '../../host/boards';
import { boardModules, builtFiles, goals } from '../../host/build';
import { checkEspruino } from '../../host/guard';
import { detokenise } from '../../host/pretokenise';

test('the five boards the project supports have board files', () => {
  for (const id of ['pico', 'wifi', 'original', 'mdbt42q', 'linux']) assert.ok(boardIds().includes(id), id);
});

test("board files carry Espruino's facts (2v29 board files)", () => {
  const facts: Record<string, [number | null, number]> = { pico: [5100, 48 * 1024], wifi: [8190, 64 * 1024], mdbt42q: [2950, 40 * 1024], original: [2756, 20 * 1024] };
  for (const id of Object.keys(facts)) {
    const b = loadBoard(id);
    assert.equal([b.espruino.jsVars, b.espruino.storageBytes], facts[id], id);
    assert.is(b.espruino.blockBytes, 13, id);
    const g = goals(b);
    assert.ok(g.storageBytes <= 24 * 1024 && g.storageBytes <= b.espruino.storageBytes - 8 * 1024, id + ' storage goal');
    assert.ok(g.peakJsVars <= b.espruino.jsVars! && g.idleJsVars < g.peakJsVars, id + ' JsVar goals');
  }
  assert.equal(goals(loadBoard('original')), { storageBytes: 12 * 1024, idleJsVars: 500, peakJsVars: 2000 });
  assert.equal(goals(loadBoard('pico')), { storageBytes: 24 * 1024, idleJsVars: 600, peakJsVars: 2550 });
});

for (const id of boardIds()) {
  test(`board ${id}: complete board file, and its Storage modules built and guarded`, () => {
    const b = loadBoard(id);
    assert.is(b.id, id);
    assert.match(b.serial, /^(Serial\d|USB)$/);
    assert.ok(b.baud >= 9600 && b.baud <= 460800, 'baud');
    // the longest answer line (a read form with a 100-character subject, +SAPBR parameters) is far shorter; a command's
    // echo comes only while echo is on, i.e. from a module that restarted unnoticed (then E_OVERFLOW and a resync)
    assert.ok(b.rxBufferSize >= 512 && b.rxBufferSize <= 16384, 'rxBufferSize holds every answer line');
    if (id !== 'linux') assert.ok(b.tx && b.rx, 'UART pins');
    const files = builtFiles(id);
    for (const m of boardModules(b)) {
      assert.ok(files[m.name], `${m.name} is built by npm run build`);
      // stored pretokenised (Espruino's tokens from 0x80): checked as text
      assert.match(files[m.name], /[\x80-\xff]/, m.name + ' is pretokenised');
      assert.equal(checkEspruino(detokenise(files[m.name])), [], m.name);
      assert.match(files[m.name], /exports\.[a-zA-Z]+=/, m.name + ' exports what it gives');
      assert.not.match(files[m.name], /\bimport\b|\bexport\b|__espruino_require/, m.name + ' is a plain Espruino module');
    }
    assert.ok(files.s9cmd && files['.bootcde'], 'the command table and the boot code');
    assert.match(files['.bootcde'], /^require\("s9app"\)\.start\(/);
    if (!b.features.pop3) assert.not.ok(files.s9pop3 || /POP3/.test(files.s9cmd), 'a board without POP3 carries none of it');
  });
}

test.run();
