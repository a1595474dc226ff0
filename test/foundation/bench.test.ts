// The receive benchmark's own checks: its streams go through the engine whole (what it counts is what was fed),
// an anchor that is not an AT.js module is refused with one clear error, and the build flags are read from a
// binary's debug information.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../host/espruino-node';
import * as engine from '../../src/at/engine';
import { runOurs, runAnchor, runPair, countedCycle, linesCycle } from '../../bench/engine-board';
import { prepareAnchor, buildFlags } from '../../bench/engine';

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

test('the streams: 64-byte chunks, counted frames with OK and a URC inside the data, URC lines', () => {
  const c = countedCycle(4);
  assert.ok(c.every((x) => x.length <= 64));
  const all = c.join('');
  assert.is(all.split('\r\n+POP3READ: 1,1460\r\n').length - 1, 4);
  assert.ok(all.includes('\r\nOK\r\n+SMTPSEND: 1\r\n'), 'a final and a URC inside the data');
  assert.is(linesCycle(45).join('').split('\r\nRING\r\n').length - 1, 15);
});

test('runOurs: every data byte and every URC of what was fed is delivered, memory readings taken', () => {
  const f = runOurs(now, 0.05, engine, 640);
  assert.ok(f.counted.rounds >= 1 && f.lines.rounds >= 1);
  assert.is(f.counted.delivered, f.counted.rounds * f.cycleData);
  assert.is(f.counted.frames, f.counted.rounds * f.cycleFrames);
  assert.is(f.lines.delivered, f.lines.rounds * f.cycleUrcs);
  assert.ok(f.counted.seconds >= 0.05 && f.lines.seconds >= 0.05);
});

test('runAnchor and runPair drive an AT.js-shaped module (register, getData, cmd, registerLine) over the same streams', () => {
  // a minimal module with AT.js's interface, enough to show the driver's use of it
  const AT = {
    connect(ser: any) {
      let line = '';
      let want = 0;
      let dataCb: any = null;
      let lineCb: any = null;
      const handlers: any = {};
      const lineHandlers: any = {};
      ser.on('data', function cb(d: string): void {
        if (want) {
          const k = Math.min(want, d.length);
          want -= k;
          dataCb(d.substr(0, k));
          d = d.substr(k);
        }
        line += d;
        for (;;) {
          const h = Object.keys(handlers).find((k) => line.startsWith(k));
          if (h) {
            const before = line;
            line = handlers[h](line);
            if (line === before) return;
            if (want && line) return cb('');
            continue;
          }
          const i = line.indexOf('\r\n');
          if (i < 0) return;
          const l = line.slice(0, i);
          line = line.slice(i + 2);
          if (!l) continue;
          const lh = Object.keys(lineHandlers).find((k) => l.startsWith(k));
          if (lh) lineHandlers[lh](l);
          else if (lineCb) {
            // (as AT.js: the callback may send the next command, or return itself to take more lines)
            const f = lineCb;
            lineCb = null;
            const n = f(l);
            if (n) lineCb = n;
          }
        }
      });
      return {
        cmd: (_c: string, _t: number, cb: any) => (lineCb = cb),
        register: (k: string, f: any) => (handlers[k] = f),
        unregister: (k: string) => delete handlers[k],
        registerLine: (k: string, f: any) => (lineHandlers[k] = f),
        getData: (n: number, cb: any) => ((want = n), (dataCb = cb)),
      };
    },
  };
  const f = runAnchor(now, 0.05, AT);
  assert.is(f.counted.delivered, f.counted.rounds * f.cycleData);
  assert.is(f.counted.frames, f.counted.rounds * f.cycleFrames);
  assert.is(f.lines.delivered, f.lines.rounds * f.cycleUrcs);
  // both in one process, in alternating slices: each gets its second (here 0.1 s) of each workload, all delivered
  const p = runPair(now, 0.1, engine, 640, AT);
  for (const x of [p.ours, p.anchor]) {
    assert.ok(x.counted.seconds >= 0.1 && x.lines.seconds >= 0.1);
    assert.is(x.counted.delivered, x.counted.rounds * x.cycleData);
    assert.is(x.counted.frames, x.counted.rounds * x.cycleFrames);
    assert.is(x.lines.delivered, x.lines.rounds * x.cycleUrcs);
  }
});

test('--anchor refuses a missing file and a file that is not an AT.js module, with one clear line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchor-'));
  try {
    const why = (p: string): Promise<string> => prepareAnchor(p).then(() => 'accepted', (e) => String(e.message));
    assert.match(await why(join(dir, 'nope.js')), /no such file/);
    writeFileSync(join(dir, 'x.js'), 'var a = 1;');
    assert.match(await why(join(dir, 'x.js')), /not an AT.js module/);
    writeFileSync(join(dir, 'AT.js'), 'exports.connect = function (ser) { return {}; };');
    assert.ok((await prepareAnchor(join(dir, 'AT.js'))).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build flags come from the binary\'s DWARF producer string, or null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flags-'));
  try {
    writeFileSync(join(dir, 'a'), Buffer.concat([Buffer.from([0x7f, 0x45]), Buffer.from('GNU C99 12.2.0 -mtune=generic -g -Os -std=gnu99\0rest')]));
    assert.is(buildFlags(join(dir, 'a')), '-mtune=generic -g -Os -std=gnu99');
    writeFileSync(join(dir, 'b'), 'no producer here');
    assert.is(buildFlags(join(dir, 'b')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run bench: a wrong ESPRUINO or argument is one clear line and exit 1; --json puts only JSON on standard output', () => {
  const bench = (args: string[], env: any = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', ...args], { encoding: 'utf8', timeout: 120000, env: { ...process.env, ...env } });
  const wrong = bench(['--only', 'boards'], { ESPRUINO: '/no/such/espruino' });
  assert.is(wrong.status, 1);
  assert.equal(wrong.stderr.trim().split('\n'), ['bench: ESPRUINO=/no/such/espruino: no such file (the Espruino interpreter\'s Linux port, built with make BOARD=LINUX)']);
  const arg = bench(['--only']);
  assert.is(arg.status, 1);
  assert.match(arg.stderr.trim(), /^bench: --only needs a value/);
  const env: any = { ...process.env };
  delete env.ESPRUINO;
  const json = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--json', '--only', 'boards'], { encoding: 'utf8', timeout: 120000, env });
  assert.is(json.status, 0, json.stderr);
  const out = json.stdout.trim().split('\n');
  assert.is(out.length, 1, json.stdout);
  assert.ok(JSON.parse(out[0]).boards, 'the boards figures');
});

test.run();
