import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootSandbox } from '../../host/sandbox';

function loadBundle(o: { code?: string; storageDir?: string }) {
  const sb = bootSandbox({ storageDir: o.storageDir });
  if (o.code) sb.run(o.code);
  return sb;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the linux board's Storage modules load with require() and go with Modules.removeCached", () => {
  const logs: string[] = [];
  const sb = bootSandbox({ board: 'linux', log: (s: any) => logs.push(String(s)) });
  assert.ok(sb.storage.list().includes('s9mail') && sb.storage.list().includes('.bootcde'));
  assert.type(sb.require('s9mail').connect, 'function');
  assert.equal(sb.cached().sort(), ['s9mail']);
  sb.run('Modules.removeCached("s9mail")');
  assert.equal(sb.cached(), []);
  // .bootcde starts the app from mail.json; without one it says so
  sb.boot();
  assert.match(logs.join('\n'), /no mail\.json/);
  sb.close();
});

test('what Espruino lacks is absent in the sandbox', () => {
  const sb = loadBundle({ code: '' });
  for (const g of ['Map', 'Set', 'WeakMap', 'Symbol', 'TextEncoder', 'TextDecoder', 'Proxy', 'Reflect'])
    assert.is(sb.run(`typeof ${g}`), 'undefined', g);
  for (const m of ['Array.from', 'Uint8Array.from', 'Object.freeze', 'Number.isInteger'])
    assert.is(sb.run(`typeof ${m}`), 'undefined', m);
  assert.throws(() => sb.run('new Map()'));
  sb.close();
});

test('Espruino globals: E.toUint8Array, E.toString, btoa/atob, getTime, process.memory', () => {
  const sb = loadBundle({ code: '' });
  assert.ok(sb.run('E.toUint8Array("\\xff\\x00A") instanceof Uint8Array'), 'a Uint8Array of the context');
  assert.equal(Array.prototype.slice.call(sb.run('E.toUint8Array("\\xff\\x00A")')), [255, 0, 65]);
  assert.is(sb.run('E.toString(new Uint8Array([72, 105]))'), 'Hi');
  assert.is(sb.run('E.toString([72, 105])'), 'Hi');
  assert.is(sb.run('atob(btoa("\\xff\\x01"))'), '\xff\x01');
  assert.type(sb.run('getTime()'), 'number');
  const m = sb.run('process.memory()');
  assert.ok(m.usage >= 0 && m.total > m.usage);
  sb.close();
});

test('serial ports: host feeds binary strings in, reads what the board code writes', async () => {
  const sb = loadBundle({ code: 'var got = ""; Serial1.setup(115200, {path: "/dev/pts/9"}); Serial1.on("data", function (d) { got += d; Serial1.write("echo:" + d); });' });
  const seen: Buffer[] = [];
  sb.ports.Serial1.onWrite((b) => seen.push(b));
  sb.ports.Serial1.feed('AT\r');
  sb.ports.Serial1.feed(new Uint8Array([0xff, 0x0d]));
  await wait(10);
  assert.is(sb.run('got'), 'AT\r\xff\r');
  assert.is(Buffer.concat(seen).toString('latin1'), 'echo:AT\r\xff\r');
  assert.is(sb.ports.Serial1.baud, 115200);
  assert.is(sb.ports.Serial1.options.path, '/dev/pts/9');
  sb.close();
});

test('Storage is backed by a folder and survives a restart of the sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-storage-'));
  const a = loadBundle({ code: '', storageDir: dir });
  a.run('var S = require("Storage"); S.write("alert1", "hello"); S.writeJSON("cfg.json", {n: 1}); S.write("big", "ab", 0, 4); S.write("big", "cd", 2);');
  a.run('var f = S.open("log", "w"); f.write("line1\\n"); f.write("line2\\n");');
  a.close();
  const b = loadBundle({ code: '', storageDir: dir });
  assert.is(b.run('require("Storage").read("alert1")'), 'hello');
  assert.is(b.run('require("Storage").readJSON("cfg.json").n'), 1);
  assert.is(b.run('require("Storage").read("big")'), 'abcd');
  assert.is(b.run('var f = require("Storage").open("log", "r"); f.readLine() + f.readLine()'), 'line1\nline2\n');
  assert.ok(b.run('require("Storage").list()').includes('alert1'));
  b.run('require("Storage").erase("alert1")');
  assert.is(b.run('require("Storage").read("alert1")'), undefined);
  assert.throws(() => b.run('require("Storage").write("a_name_that_is_far_too_long_for_flash", "x")'), /longer than 28/);
  b.close();
});

test('timers are Espruino-style ids and all stop when the sandbox closes', async () => {
  const sb = loadBundle({ code: 'var n = 0; var id = setInterval(function () { n++; }, 1); var t = setTimeout(function () { n += 100; }, 5000);' });
  assert.type(sb.run('id'), 'number');
  await wait(20);
  const before = sb.run('n');
  assert.ok(before > 0 && before < 100);
  sb.close();
  await wait(20);
  assert.is(sb.run('n'), sb.run('n'));
});

test('pins: digitalWrite/digitalRead and a PWRKEY-style pulse', async () => {
  const sb = loadBundle({ code: '' });
  sb.run('digitalWrite("B3", 1)');
  assert.is(sb.pins.B3, 1);
  sb.pins.B4 = 1;
  assert.is(sb.run('digitalRead("B4")'), 1);
  sb.run('digitalPulse("B3", 0, 20)');
  assert.is(sb.pins.B3, 0);
  await wait(40);
  assert.is(sb.pins.B3, 1);
  sb.close();
});

test('clearTimeout(undefined) throws, as on Espruino', () => {
  const sb = loadBundle({ code: '' });
  assert.throws(() => sb.run('clearTimeout(undefined)'), /not allowed/);
  sb.run('clearTimeout(null); clearTimeout(12345)');
  sb.close();
});

test("String.indexOf behaves as on Espruino 2v29: a needle's start at the string's end counts", () => {
  const sb = loadBundle({ code: '' });
  assert.equal(sb.run('["abcab".indexOf("abx"), "aaa".indexOf("aab"), "abc\\r".indexOf("\\r\\n."), "ab".indexOf("b\\r\\n"), "abcd".indexOf("bcdef"), "abcab".indexOf("ca"), "x".indexOf("x")].join()'), '3,1,3,-1,-1,2,0');
  sb.close();
});

test.run();
