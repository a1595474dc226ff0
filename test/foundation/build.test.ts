import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { boardIds, bundlePath, loadBoard } from '../../host/boards';
import { checkEspruino } from '../../host/guard';

test('the five boards the project supports have board files', () => {
  for (const id of ['pico', 'wifi', 'original', 'mdbt42q', 'linux']) assert.ok(boardIds().includes(id), id);
});

for (const id of boardIds()) {
  test(`board ${id}: complete board file and a guarded bundle within budget`, () => {
    const b = loadBoard(id);
    assert.is(b.id, id);
    assert.match(b.serial, /^(Serial\d|USB)$/);
    assert.ok(b.baud >= 9600 && b.baud <= 460800, 'baud');
    assert.ok(b.rxBufferSize >= 512 && b.rxBufferSize <= 16384, 'rxBufferSize');
    assert.ok(b.budget.codeBytes > 0 && b.budget.jsVars > 0 && b.budget.jsVars < b.totalJsVars, 'budget');
    if (id !== 'linux') assert.ok(b.tx && b.rx, 'UART pins');
    const file = bundlePath(id);
    assert.ok(existsSync(file), `${file} is built by npm run build`);
    const code = readFileSync(file, 'utf8');
    assert.ok(code.length <= b.budget.codeBytes, `${code.length} bytes over budget ${b.budget.codeBytes}`);
    assert.equal(checkEspruino(code), []);
  });
}

test.run();
