// The pieces of npm run flash that need no interpreter: the console protocol (markers, errors, probes), the paced
// writes, the self-check and its retry, against a fake board (test/flash/fake-board.ts) and as pure functions.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { crc32 } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { storageWrites } from '../../host/flash-cli';
import { CHECK_PIECE, checkExpression, compareDigest, hostDigest } from '../../host/flash-check';
import { BoardConsole, BoardError, ConsoleError, interpreterError } from '../../host/flash-console';
import { FlashFailure, checkOnly, pacedFlash } from '../../host/flash-session';
import { WRITE_PIECE, pacedWrite, writeExpressions } from '../../host/flash-upload';
import { ROOT, loadBoard } from '../../host/boards';
import { FakeBoard } from './fake-board';

/** bytes 0..255 repeated, n of them, shifted by `seed` */
function bytes(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) & 255;
  return b;
}

const FILES = {
  '.bootcde': Buffer.from('require("s9app").start({id:"linux"})'),
  s9at: bytes(5079, 1),
  s9mail: bytes(8429, 2),
  s9cmd: bytes(1311, 3),
  'mail.json': Buffer.from('{"to":"a@b.c","smtp":{"host":"h"}}'),
};
const LINUX = loadBoard('linux');
const PICO = loadBoard('pico');

// ---------------------------------------------------------------------------------------------------------------
const pure = suite('flash pieces: errors, writes, digests');

pure('interpreter errors are found in console output, with escape codes and prompts removed', () => {
  const cases: [string, string | null][] = [
    ['>\x1b[JASSERT(len <= 64) FAILED AT src/jsdevices.c:591\r\n  #1[r1,l2] Object {', 'ASSERT(len <= 64) FAILED AT src/jsdevices.c:591'],
    ['>Uncaught SyntaxError: Got ID:Storage expected \',\'\r\n at line 1 col 58', "Uncaught SyntaxError: Got ID:Storage expected ','"],
    ['<F1:3>true\r\n>New interpreter error: FIFO_FULL\r\n>', 'New interpreter error: FIFO_FULL'],
    ['ERROR: Out of Memory!\r\n', 'ERROR: Out of Memory!'],
    ['>\x1b[JERROR: Out of Memory!\r\n', 'ERROR: Out of Memory!'],
    ['Uncaught Error: Unable to find or create file\r\n', 'Uncaught Error: Unable to find or create file'],
    ['New interpreter error: LOW_MEMORY,MEMORY\r\n', 'New interpreter error: LOW_MEMORY,MEMORY'],
    ['flags: BUFFER_FULL\r\n', 'flags: BUFFER_FULL'],
    // nothing wrong
    [' ____                 _ \r\n|  __|___ ___ ___ _ _|_|___ ___ \r\n 2v29.277 (c) 2025 G.Williams\r\n>', null],
    ['<Fab12:7>true\r\n>\x1b[J<Fab12:8>1234 2922389017 12\r\n', null],
    ['<Fab12:9>fifo_full low_memory\r\n', null], // E.getErrorFlags() answers in lower case on purpose
  ];
  for (const [text, want] of cases) assert.is(interpreterError(text), want, JSON.stringify(text));
});

pure('writes: the CLI form, pieces of WRITE_PIECE bytes, decoded back byte for byte; no empty file', () => {
  assert.is(WRITE_PIECE % 3, 0);
  const data = bytes(WRITE_PIECE * 2 + 5);
  const w = writeExpressions('s9at', data);
  assert.is(w.length, 3);
  assert.ok(w[0].startsWith('require("Storage").write("s9at",atob("') && w[0].endsWith(`),0,${data.length})`), w[0].slice(-30));
  assert.ok(w[1].endsWith(`"),${WRITE_PIECE})`));
  assert.ok(w.every((l) => !/[\r\n]/.test(l) && l.length <= Math.ceil(WRITE_PIECE / 3) * 4 + 80));
  assert.ok(storageWrites(w.join('\n')).s9at.equals(data));
  assert.equal(writeExpressions('a', Buffer.from('x')), ['require("Storage").write("a",atob("eA=="),0,1)']);
  assert.throws(() => writeExpressions('a', Buffer.alloc(0)), /zero-length/);
});

pure('digests: the board-side check code (run here on a Storage stand-in) answers what hostDigest expects', () => {
  const files: Record<string, Buffer> = {};
  const fake = {
    read: (n: string, off: number, len: number) => (files[n] === undefined ? undefined : files[n].subarray(off, off + len).toString('latin1')),
  };
  const run = (name: string, size: number, E: any = { CRC32: (s: string) => crc32(Buffer.from(s, 'latin1')) }) =>
    new Function('E', 'require', 'return ' + checkExpression(name, size))(E, () => fake) as string;
  for (const n of [1, 1023, 1024, 1025, 5000, 4096]) {
    files.f = bytes(n, n);
    const d = hostDigest(files.f);
    assert.is(run('f', n), `${n} ${d.crcs.join(' ')}`);
    assert.is(compareDigest('f', files.f, run('f', n)), null);
    assert.is(d.crcs.length, Math.ceil(n / CHECK_PIECE));
  }
  assert.is(run('nope', 10), 'missing');
  assert.is(run('f', 10, {}), 'nocrc');
  // a longer file shows as longer, read at most one piece past the expected size
  files.f = bytes(9000);
  assert.match(compareDigest('f', bytes(2048), run('f', 2048))!, /^f has more than 2048 bytes on the board, 2048 were written$/);
  files.f = bytes(100);
  assert.is(compareDigest('f', bytes(2048), run('f', 2048)), 'f has 100 bytes on the board, 2048 were written');
  const bad = Buffer.from(bytes(3000));
  bad[2500] ^= 1;
  files.f = bad;
  assert.match(compareDigest('f', bytes(3000), run('f', 3000))!, /^f differs on the board in bytes 2048-2999 \(CRC32 \d+, expected \d+\)$/);
  assert.is(compareDigest('f', bytes(3), 'missing'), 'f is missing on the board');
  assert.match(compareDigest('f', bytes(3), 'nocrc')!, /no E\.CRC32/);
  assert.match(compareDigest('f', bytes(3), 'Uncaught x')!, /not a size and checksums/);
});

pure.run();

// ---------------------------------------------------------------------------------------------------------------
const con = suite('flash pieces: the console protocol');

con('a command resolves with what it printed after its own marker; an echo of the line is not the answer', async () => {
  const b = new FakeBoard();
  // a board that echoes each line (its \x10 was lost): the echo holds "<"+"tag:n>", not <tag:n>
  b.after = (line) => line + '\r\n';
  const c = new BoardConsole(b, 'Ftest');
  assert.is(await c.run('1+2', 1000), '3');
  assert.is(await c.run('"a"+"b"', 1000), 'ab');
  assert.is(c.commands, 2);
  await c.close();
});

con('an interpreter error on the console fails the waiting command, once watched, and every later one', async () => {
  const b = new FakeBoard();
  const c = new BoardConsole(b);
  b.after = (_l, n) => (n === 0 ? 'Uncaught Error: from the program before\r\n' : undefined);
  assert.is(await c.run('1', 1000), '1'); // before watch(): not ours
  await new Promise((r) => setTimeout(r, 20)); // (its output after the marker has come in)
  c.watch('during the upload');
  b.mangle = (l, n) => (n === 1 ? 'print("New interpreter error: FIFO_FULL");' + l : l);
  const e = await c.run('2', 1000).then(() => null, (x) => x);
  assert.ok(e instanceof BoardError, String(e));
  assert.is(e.message, 'the board reported an error during the upload: New interpreter error: FIFO_FULL');
  const e2 = await c.run('3', 1000).then(() => null, (x) => x);
  assert.ok(e2 instanceof BoardError);
  await c.close();
});

con('an exception in a command is an error; a hang-up and a silent board are ConsoleErrors', async () => {
  const b = new FakeBoard();
  const c = new BoardConsole(b);
  c.watch('during the upload');
  const e = await c.run('require("Nope")', 1000).then(() => null, (x) => x);
  assert.ok(e instanceof BoardError);
  assert.match(e.message, 'Uncaught Error: Module Nope not found');

  const b2 = new FakeBoard();
  const c2 = new BoardConsole(b2);
  c2.watch('during the upload');
  b2.drop = () => true;
  const t = await c2.run('1', 300, 'the write of s9at at byte 0').then(() => null, (x) => x);
  assert.ok(t instanceof ConsoleError);
  assert.is(t.message, 'fake://board: no answer to the write of s9at at byte 0 within 0 s during the upload');
  const p = c2.run('2', 5000);
  b2.hangUp();
  const h = await p.then(() => null, (x) => x);
  assert.ok(h instanceof ConsoleError);
  assert.is(h.message, 'fake://board: the board closed the connection during the upload');
});

con('ready() probes again when a probe is lost (a reset drops a half-read line)', async () => {
  const b = new FakeBoard();
  b.drop = (_l, n) => n === 0;
  const c = new BoardConsole(b);
  const t0 = Date.now();
  assert.is(await c.ready('1', 3000, 100), '1');
  assert.ok(Date.now() - t0 >= 90);
  await c.close();
});

con('a TCP link closed before anything was read still ends cleanly: the process does not leave early with exit 0', async () => {
  // as the telnet console: a prompt at once, then it reads late (it polls its socket every 50 ms at most)
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    s.write('>');
    s.pause();
    setTimeout(() => s.resume(), 30);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  try {
    const code = `const { openTcp } = require('./host/flash-link');
(async () => { for (let i = 0; i < 20; i++) { const l = await openTcp('x', { host: '127.0.0.1', port: ${port} }, 5000); await l.close(); } console.log('all closed'); })();`;
    for (let round = 0; round < 3; round++) {
      const out = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        let o = '';
        c.stdout.on('data', (b) => (o += b));
        c.on('close', (x) => resolve({ code: x, out: o }));
      });
      assert.equal(out, { code: 0, out: 'all closed\n' });
    }
  } finally {
    srv.close();
  }
});

con.run();

// ---------------------------------------------------------------------------------------------------------------
const session = suite('flash pieces: paced upload, check, retry (fake board)');

function stored(b: FakeBoard, name: string): Buffer | undefined {
  const s = b.storage.read(name);
  return s === undefined ? undefined : Buffer.from(s, 'latin1');
}

session('--fast: reset, every file written one command at a time, checked, stale s9 files erased, others kept, load()', async () => {
  const b = new FakeBoard();
  b.storage.write('s9old', 'old module');
  b.storage.write('notes', 'keep');
  const c = new BoardConsole(b);
  const said: string[] = [];
  const r = await pacedFlash(c, PICO, FILES, false, (l) => said.push(l));
  for (const n of Object.keys(FILES)) assert.ok(stored(b, n)!.equals((FILES as any)[n]), n);
  assert.is(stored(b, 's9old'), undefined);
  assert.is(b.storage.read('notes'), 'keep');
  assert.equal(r.erased, ['s9old']);
  assert.equal(said, []);
  assert.is(b.resets, 1);
  assert.is(b.loads, 1);
  const writes = Object.keys(FILES).reduce((t, n) => t + Math.ceil((FILES as any)[n].length / WRITE_PIECE), 0);
  assert.is(r.upload!.commands, writes);
  // the writes came in write order, .bootcde first, mail.json last, and each after the answer to the one before
  const order = b.lines.filter((l) => l.includes('.write(')).map((l) => /write\("([^"]+)"/.exec(l)![1]);
  assert.is(order[0], '.bootcde');
  assert.is(order[order.length - 1], 'mail.json');
  const lastWrite = b.lines.map((l) => l.includes('.write(')).lastIndexOf(true);
  assert.ok(b.lines.indexOf('load()') > lastWrite, 'load() after the writes and checks');
  await c.close();
});

session('a write the link corrupted is found by the check and written again once, said', async () => {
  const b = new FakeBoard();
  let done = false;
  // one base64 character of the second piece of s9mail changed on the way: still valid base64, other bytes
  b.mangle = (l) => {
    if (done || !/write\("s9mail",atob\("[^"]+"\),1536\)/.test(l)) return l;
    done = true;
    const i = l.indexOf('atob("') + 16;
    return l.slice(0, i) + (l[i] === 'A' ? 'B' : 'A') + l.slice(i + 1);
  };
  const c = new BoardConsole(b);
  const said: string[] = [];
  const r = await pacedFlash(c, PICO, FILES, false, (l) => said.push(l));
  assert.ok(done);
  assert.equal(said.length, 1);
  assert.match(said[0], /^flash: s9mail differs on the board in bytes 1024-2047 \(CRC32 \d+, expected \d+\); writing it again \(retry 1 of 1\)$/);
  assert.equal(r.check.retried, said);
  assert.ok(stored(b, 's9mail')!.equals(FILES.s9mail));
  await c.close();
});

session('a file that does not check out after the retry fails the flash, named, and the board is not booted', async () => {
  const b = new FakeBoard();
  b.mangle = (l) => l.replace(/(write\("s9cmd",atob\(")(.)/, (_m, a, ch) => a + (ch === 'A' ? 'B' : 'A'));
  const c = new BoardConsole(b);
  const e = await pacedFlash(c, PICO, FILES, false, () => undefined).then(() => null, (x) => x);
  assert.ok(e instanceof FlashFailure, String(e));
  assert.match(e.message, /^the check failed \(after 1 retry\): s9cmd differs on the board in bytes 0-1023 /);
  assert.is(b.loads, 0);
  await c.close();
});

session('a file the board did not keep is found missing and written again', async () => {
  const b = new FakeBoard();
  let lost = false;
  // the board answers the write as done but keeps nothing
  b.mangle = (l) => {
    if (lost || !l.includes('write("s9cmd"')) return l;
    lost = true;
    return l.replace(/require\("Storage"\)\.write\(.*\)\)$/, 'true))');
  };
  const c = new BoardConsole(b);
  const said: string[] = [];
  await pacedFlash(c, PICO, { s9cmd: FILES.s9cmd }, false, (l) => said.push(l));
  assert.ok(lost);
  assert.equal(said, ['flash: s9cmd is missing on the board; writing it again (retry 1 of 1)']);
  assert.ok(stored(b, 's9cmd')!.equals(FILES.s9cmd));
  await c.close();
});

session('an interpreter error printed during the upload fails it with that line (no retry, no boot)', async () => {
  const b = new FakeBoard();
  b.after = (l) => (l.includes('write("s9mail"') ? 'ERROR: Out of Memory!\r\n' : undefined);
  const c = new BoardConsole(b);
  const e = await pacedFlash(c, PICO, FILES, false, () => undefined).then(() => null, (x) => x);
  assert.ok(e instanceof BoardError, String(e));
  assert.is(e.message, 'the board reported an error during the upload: ERROR: Out of Memory!');
  assert.is(b.loads, 0);
  assert.not.ok(b.lines.some((l) => l.includes('write("mail.json"')), 'stopped at the error');
  await c.close();
});

session('an error flag raised silently during the upload fails it', async () => {
  const b = new FakeBoard();
  b.after = (l) => {
    if (l.includes('write("s9at"')) b.flags.push('FIFO_FULL');
  };
  const c = new BoardConsole(b);
  const e = await pacedFlash(c, PICO, FILES, false, () => undefined).then(() => null, (x) => x);
  assert.ok(e instanceof FlashFailure, String(e));
  assert.is(e.message, 'the board raised error flags during the upload: FIFO_FULL (E.getErrorFlags())');
  await c.close();
});

session('a hang-up during the upload is one line', async () => {
  const b = new FakeBoard();
  b.after = (l) => {
    if (l.includes('write("s9at"')) b.hangUp('the connection failed (ECONNRESET)');
  };
  const c = new BoardConsole(b);
  const e = await pacedFlash(c, PICO, FILES, false, () => undefined).then(() => null, (x) => x);
  assert.ok(e instanceof ConsoleError, String(e));
  assert.is(e.message, 'fake://board: the connection failed (ECONNRESET) during the upload');
});

session('--check: names a corrupted, a missing and a stale file; nothing written, no reset', async () => {
  const b = new FakeBoard();
  const c = new BoardConsole(b);
  await pacedFlash(c, PICO, FILES, false, () => undefined);
  const resets = b.resets;
  const n = b.lines.length;
  assert.equal(await checkOnly(c, PICO, FILES), []);
  const d = stored(b, 's9at')!;
  d[100] ^= 0x20;
  b.storage.write('s9at', d.toString('latin1'));
  b.storage.erase('s9mail');
  b.storage.write('s9zzz', 'x');
  const problems = await checkOnly(c, PICO, FILES);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0], /^s9at differs on the board in bytes 0-1023 /);
  assert.is(problems[1], 's9mail is missing on the board');
  assert.is(problems[2], 's9zzz is on the board but not in the build (a flash erases it)');
  assert.is(b.resets, resets);
  assert.not.ok(b.lines.slice(n).some((l) => /write\(|reset\(|load\(/.test(l)));
  await c.close();
});

session('the Linux port over tcp: a stdin that floods the event queue is refused before any write', async () => {
  const b = new FakeBoard();
  b.mangle = (l) => l.replace('typeof USB=="undefined"||!USB.on', 'false').replace('USB.on("data",f)', 'f("\\0".repeat(2000))').replace('USB.removeListener("data",f)', '0');
  const c = new BoardConsole(b);
  const e = await pacedFlash(c, LINUX, FILES, true, () => undefined).then(() => null, (x) => x);
  assert.ok(e instanceof FlashFailure, String(e));
  assert.match(e.message, /reads end of file on its standard input \(2000 NUL bytes in 0\.3 s\).*sleep infinity \| espruino --telnet/);
  assert.not.ok(b.lines.some((l) => l.includes('.write(')));
  // without the flood the same board takes the upload
  const b2 = new FakeBoard();
  const c2 = new BoardConsole(b2);
  await pacedFlash(c2, LINUX, FILES, true, () => undefined);
  assert.ok(stored(b2, 's9mail')!.equals(FILES.s9mail));
});

session('pacedWrite never has two commands on the link', async () => {
  const b = new FakeBoard();
  const c = new BoardConsole(b);
  let inFlight = 0;
  let most = 0;
  const write = b.write.bind(b);
  b.write = (d: string) => {
    if (d.includes('\n')) most = Math.max(most, ++inFlight);
    write(d);
  };
  const cb = (b as any).dataCb as (d: string) => void;
  b.onData((d) => {
    if (/<F\w+:\d+>/.test(d)) inFlight--;
    cb(d);
  });
  await pacedWrite(c, FILES, Object.keys(FILES));
  assert.is(most, 1);
});

session.run();
