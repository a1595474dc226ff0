// npm run flash: argument handling, --dry-run, the network guard around the espruino CLI, and real uploads into the
// Espruino interpreter's Linux port over tcp://127.0.0.1 (only where the interpreter binary exists): checked, and
// failing on a corrupted or missing file, a lossy link and an interpreter error; 5 --fast uploads in a row to
// `espruino --telnet`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, boardIds, loadBoard } from '../../host/boards';
import { boardDir } from '../../host/build';
import {
  CLI, GUARD_EXIT, UsageError, boardJson, eraseStaleSource, guardSource, mailConfigProblems, pacedScript, parseArgs, plan, readMailConfig, runCli, storageCost, storageNeed, storageWrites, writeOrder,
} from '../../host/flash';
import { TcpConsole, interpreterBinary } from './console';
import { PtyInterpreter } from './pty';
import { TelnetInterpreter } from './telnet';

const PASSWORD = 'pw-Zq81-never-printed';
const MAIL = { to: ['ops@example.org'], from: { address: 'pump4@example.org', name: 'Pump 4' }, smtp: { host: '127.0.0.1', port: 2525, user: 'u', password: PASSWORD }, path: '/nonexistent/sim900-tty' };

function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.stdout.on('data', (b) => (out += b));
    c.stderr.on('data', (b) => (err += b));
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

const flash = (args: string[], timeoutMs = 60000) => run(process.execPath, ['--import', 'tsx', 'host/flash.ts', ...args], timeoutMs);

function usageError(fn: () => unknown, re: RegExp): string {
  try {
    fn();
  } catch (e: any) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    assert.match(e.message, re);
    return e.message;
  }
  assert.unreachable(`expected an error matching ${re}`);
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
const args = suite('flash: arguments');

args('board and port are required; an unknown board lists the boards', () => {
  const list = boardIds().join(', ');
  assert.ok(boardIds().includes('linux') && boardIds().includes('pico'));
  assert.ok(usageError(() => parseArgs(['--port', '/dev/ttyACM0']), /missing --board/).includes(list));
  assert.ok(usageError(() => parseArgs(['--board', 'nano', '--port', '/dev/ttyACM0']), /unknown board "nano"/).includes(list));
  usageError(() => parseArgs(['--board', 'pico']), /missing --port/);
  usageError(() => parseArgs(['--board', '--port', '/dev/ttyACM0']), /--board needs a value/);
  usageError(() => parseArgs(['--board', 'pico', '--port', '/dev/ttyACM0', '--board', 'linux']), /--board given twice/);
  usageError(() => parseArgs(['--board', 'pico', '--port', '/dev/ttyACM0', '--speed', '9']), /unknown option --speed/);
  usageError(() => parseArgs(['pico']), /unexpected argument "pico"/);
});

args('ports: serial paths and tcp://host:port only', () => {
  assert.equal(parseArgs(['--board', 'pico', '--port', '/dev/ttyACM0']), { board: 'pico', port: '/dev/ttyACM0', fast: false, dryRun: false, check: false });
  assert.equal(parseArgs(['--board=linux', '--port=tcp://127.0.0.1:2323', '--fast', '--dry-run']), { board: 'linux', port: 'tcp://127.0.0.1:2323', fast: true, dryRun: true, check: false });
  assert.is(parseArgs(['--board', 'linux', '--port', 'tcp://h:1', '--check']).check, true);
  usageError(() => parseArgs(['--board', 'linux', '--port', 'tcp://h:1', '--check', '--dry-run']), /--check and --dry-run do not go together/);
  usageError(() => parseArgs(['--board', 'linux', '--port', 'tcp://h:1', '--check=1']), /--check takes no value/);
  assert.equal(parseArgs(['--board', 'wifi', '--port', 'COM7', '--baud', '115200']).baud, 115200);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'tcp://127.0.0.1']), /expected tcp:\/\/host:port/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'tcp://[::1]:23']), /IPv6/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'tcp://h:70000']), /out of range/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'ttyACM0']), /absolute serial device path/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'aa:bb:cc:dd:ee:ff']), /Bluetooth/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'ws://host/x']), /only serial paths and tcp/);
  usageError(() => parseArgs(['--board', 'pico', '--port', '/tmp/my.js.tty']), /containing "\.js"/);
  usageError(() => parseArgs(['--board', 'pico', '--port', 'tcp://h:23', '--baud', '9600']), /serial ports only/);
  usageError(() => parseArgs(['--board', 'pico', '--port', '/dev/ttyACM0', '--baud', 'fast']), /--baud must be a whole number/);
  usageError(() => parseArgs(['--board', 'pico', '--port', '/dev/ttyACM0', '--baud', '12']), /--baud must be a whole number from 300/);
});

args('mail.json is checked for what the example app needs, and no value of it is ever quoted', () => {
  const dir = tmp('flash-args-');
  try {
    const put = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    assert.equal(JSON.parse(readMailConfig(put('ok.json', JSON.stringify(MAIL, null, 2)))), MAIL);
    assert.equal(JSON.parse(readMailConfig(put('one.json', '{"to":"a@b.c","smtp":{"host":"h"}}'))), { to: 'a@b.c', smtp: { host: 'h' } });
    const msgs = [
      usageError(() => readMailConfig(join(dir, 'missing.json')), /no such file/),
      usageError(() => readMailConfig(put('bad.json', `{"smtp":{"host":"h","password":"${PASSWORD}"},}`)), /not valid JSON \(line 1, column \d+\)/),
      usageError(() => readMailConfig(put('noto.json', JSON.stringify({ smtp: { host: 'h', password: PASSWORD } }))), /"to" is missing/),
      usageError(() => readMailConfig(put('nohost.json', JSON.stringify({ to: ['a@b.c'], smtp: { password: PASSWORD } }))), /"smtp\.host" is missing/),
      usageError(() => readMailConfig(put('nosmtp.json', JSON.stringify({ to: ['a@b.c'] }))), /"smtp" is missing/),
      usageError(() => readMailConfig(put('arr.json', '[1,2]')), /expected a JSON object/),
      usageError(() => readMailConfig(put('big.json', JSON.stringify({ to: 'a@b.c', smtp: { host: 'h' }, pad: 'x'.repeat(5000) }))), /too big/),
    ];
    for (const m of msgs) assert.not.ok(m.includes(PASSWORD), m);
    assert.equal(mailConfigProblems({ to: [], smtp: { host: 'h', port: 0, password: 5 } }), [
      '"to" must be an address or a non-empty list of addresses (strings)',
      '"smtp.port" must be a whole number from 1 to 65535',
      '"smtp.password" must be a string',
    ]);
    assert.equal(mailConfigProblems({ to: 'a@b.c', smtp: { host: 'h' }, inbox: { every: 1 } }), ['"inbox" needs a "pop3" server']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A TCP port on 127.0.0.1 where nothing listens (just closed). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

args('a wrong argument, config file or port: one line, exit 2, before any build', async () => {
  const oneLine = (r: { code: number | null; out: string; err: string }, re: RegExp | string) => {
    assert.is(r.code, 2, r.out + r.err);
    assert.is(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, re);
    assert.ok(r.err.startsWith('flash: '), r.err);
    assert.not.match(r.out, /bytes ->/);
  };
  oneLine(await flash(['--board', 'nano', '--port', '/dev/ttyACM0']), `flash: unknown board "nano"; boards: ${boardIds().join(', ')} (--help shows the usage)`);
  const dir = tmp('flash-args-');
  try {
    writeFileSync(join(dir, 'mail.json'), JSON.stringify({ to: 'a@b.c', smtp: { password: PASSWORD } }));
    const r2 = await flash(['--board', 'pico', '--port', '/dev/ttyACM0', '--config', join(dir, 'mail.json')]);
    oneLine(r2, /"smtp\.host" is missing or empty/);
    assert.not.ok((r2.out + r2.err).includes(PASSWORD));
    oneLine(await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--config', join(dir, 'nope.json')]), `flash: --config ${join(dir, 'nope.json')}: no such file`);
    oneLine(await flash(['--board', 'pico', '--port', join(dir, 'no-such-tty')]), /no such device/);
    const port = await freePort();
    oneLine(await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port}`, '--fast']), `flash: cannot connect to tcp://127.0.0.1:${port}: connection refused (nothing listens there; for the Linux port start \`espruino --telnet\`)`);
    oneLine(await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port}`, '--check']), /cannot connect/);
    oneLine(await flash(['--board', 'linux', '--port', 'tcp://no-such-host.invalid:2323']), /cannot connect to tcp:\/\/no-such-host\.invalid:2323: (no such host|the host name could not be looked up)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const none = await flash([]);
  assert.is(none.code, 2);
  assert.match(none.out, /usage: npm run flash/);
});

args.run();

// ---------------------------------------------------------------------------------------------------------------
const dry = suite('flash: --dry-run');

/** The files of build/<id>/ (what flash just built): name -> bytes. */
function buildFiles(id: string): Record<string, Buffer> {
  const dir = boardDir(id);
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n))]));
}

/** The Storage writes of an upload file equal `want`, byte for byte, in write order (.bootcde first, mail.json last). */
function assertWrites(uploadFile: string, want: Record<string, Buffer>, what: string): string {
  const code = readFileSync(uploadFile, 'latin1');
  const files = storageWrites(code);
  assert.equal(Object.keys(files), writeOrder(Object.keys(want)), `${what}: the files written`);
  assert.is(Object.keys(files)[0], '.bootcde');
  for (const n of Object.keys(want)) assert.ok(files[n].equals(want[n]), `${what}: ${n} byte for byte`);
  const end = /\n([^\n]*)\nprint\("<"\+"F[a-z0-9]+:done>"\)\n$/.exec(code);
  assert.ok(end, `${what}: ends with the done marker`);
  assert.is(end![1], eraseStaleSource(Object.keys(want)), `${what}: erases stale s9 files at the end`);
  return code;
}

dry('Storage sizes and the code after the writes', () => {
  assert.is(storageCost(0), 32);
  assert.is(storageCost(1), 40);
  assert.is(storageCost(4478), 32 + 4480);
  assert.is(storageNeed({ a: Buffer.alloc(3), b: Buffer.alloc(16) }), 40 + 48);
  assert.equal(writeOrder(['s9at', 'mail.json', 's9cmd', '.bootcde']), ['.bootcde', 's9at', 's9cmd', 'mail.json']);
  assert.is(eraseStaleSource(['s9at', 's9cmd', '.bootcde', 'mail.json']), 'require("Storage").list(/^s9/).forEach(function(n){if(["s9at","s9cmd"].indexOf(n)<0)require("Storage").erase(n)})');
});

dry('prints the CLI command (build/<id>/ files, no URL), each file and its size, writes the exact upload, connects to nothing', async () => {
  const dir = tmp('flash-dry-');
  let work = '';
  try {
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const r = await flash(['--board', 'pico', '--port', '/dev/ttyACM0', '--config', join(dir, 'mail.json'), '--dry-run']);
    assert.is(r.code, 0, r.err + r.out);
    assert.not.ok((r.out + r.err).includes(PASSWORD), 'password printed');
    const built = buildFiles('pico');
    assert.ok(['.bootcde', 's9app', 's9at', 's9cmd', 's9mail', 's9smtp'].every((n) => n in built), Object.keys(built).join(' '));
    const lines = r.out.split('\n');
    const cmd = lines[lines.findIndex((l) => /--dry-run: the upload would run/.test(l)) + 1];
    assert.ok(cmd.startsWith(process.execPath + ' --require '), cmd);
    assert.ok(cmd.includes(' ' + CLI + ' '), 'runs the local CLI');
    for (const n of Object.keys(built)) {
      assert.ok(cmd.includes(` --storage ${n}:build/pico/${n} `), `${n}: path relative to the root`);
      assert.match(r.out, new RegExp(`^  ${n.replace('.', '\\.')} +${built[n].length} bytes  build/pico/${n.replace('.', '\\.')}$`, 'm'));
    }
    assert.match(r.out, new RegExp(`^  mail\\.json +${JSON.stringify(MAIL).length} bytes  ${join(dir, 'mail.json')}$`, 'm'));
    const need = storageNeed({ ...built, 'mail.json': Buffer.from(JSON.stringify(MAIL)) });
    assert.match(r.out, `(${need} in Storage, with headers) of the board's ${loadBoard('pico').espruino.storageBytes} bytes of Storage`);
    assert.ok(cmd.includes(' -p /dev/ttyACM0 -b 9600 '), 'port and default baud');
    for (const c of ['ENV_ON_CONNECT=false', 'MODULE_URL= ', 'COMPILATION=false', 'MINIFICATION_LEVEL= ', '--no-ble']) assert.ok(cmd.includes(c), c);
    assert.not.match(cmd, /https?:\/\//);
    assert.not.match(cmd, /espruino\.com/);
    assert.not.match(cmd, /STORAGE_UPLOAD_METHOD/); // not --fast
    work = /--board (\S+)\/board\.json/.exec(cmd)![1];
    const board = JSON.parse(readFileSync(join(work, 'board.json'), 'utf8'));
    assert.equal(board, boardJson(loadBoard('pico')));
    assert.is(board.info.binary_version, '2v29');
    const m = /the code it would send \(after reset\(\)\): (\S+) \(/.exec(r.out);
    assert.ok(m, r.out);
    const code = assertWrites(m![1], { ...built, 'mail.json': Buffer.from(JSON.stringify(MAIL)) }, 'pico');
    assert.equal(JSON.parse(storageWrites(code)['mail.json'].toString('utf8')), MAIL);
    assert.is(statSync(m![1]).mode & 0o777, 0o600, 'the upload file (it holds the password) is private');
    assert.is(statSync(work).mode & 0o777, 0o700);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (work && work.startsWith(tmpdir())) rmSync(work, { recursive: true, force: true });
  }
});

dry('every board: the upload carries every file of build/<id>/ byte for byte, or flash refuses what does not fit', async () => {
  for (const id of boardIds()) {
    const r = await flash(['--board', id, '--port', '/dev/ttyACM0', '--dry-run']);
    const board = loadBoard(id);
    const built = buildFiles(id);
    const need = storageNeed(built);
    if (need <= board.espruino.storageBytes) {
      assert.is(r.code, 0, `${id}: ${r.err}`);
      const upload = /the code it would send \(after reset\(\)\): (\S+) \(/.exec(r.out)![1];
      try {
        assertWrites(upload, built, id);
      } finally {
        rmSync(join(upload, '..'), { recursive: true, force: true });
      }
      continue;
    }
    assert.is(r.code, 1, `${id}: ${r.out}`);
    assert.match(r.err, `flash: the files do not fit the ${board.name}'s Storage: with the 32-byte header of each they take ${need} bytes, the board has ${board.espruino.storageBytes}; nothing was sent`);
    assert.not.match(r.out, /would run/);
    // what it would have sent all the same
    const p = plan({ board: id, port: '/dev/ttyACM0', fast: false, dryRun: true, check: false }, relative(ROOT, boardDir(id)), Object.keys(built), null);
    try {
      const cli = await runCli(p.dryCommand, 60000, false);
      assert.is(cli.code, 0, `${id}: ${cli.stderr}`);
      assertWrites(p.uploadFile, built, id);
    } finally {
      rmSync(p.workdir, { recursive: true, force: true });
    }
  }
});

dry('--fast: the commands it would send, one at a time: reset(), the writes (the same bytes), the erase, load()', async () => {
  const dir = tmp('flash-dry-');
  try {
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const r = await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--config', join(dir, 'mail.json'), '--fast', '--dry-run']);
    assert.is(r.code, 0, r.err + r.out);
    const m = /--dry-run --fast: .*: (\S+upload\.js) \((\d+) commands, \d+ bytes\); nothing was connected/.exec(r.out);
    assert.ok(m, r.out);
    try {
      const lines = readFileSync(m![1], 'latin1').split('\n').slice(0, -1);
      const files: Record<string, Buffer> = { ...buildFiles('linux'), 'mail.json': Buffer.from(JSON.stringify(MAIL)) };
      assert.is(lines.length, Number(m![2]));
      assert.equal(lines, pacedScript(files));
      assert.is(lines[0], 'reset()');
      assert.is(lines[lines.length - 1], 'load()');
      assert.is(lines[lines.length - 2], eraseStaleSource(Object.keys(files)));
      const written = storageWrites(lines.join('\n'));
      assert.equal(Object.keys(written), writeOrder(Object.keys(files)));
      for (const n of Object.keys(files)) assert.ok(written[n].equals(files[n]), n);
      assert.ok(lines.every((l) => l.length < 2200), 'no line over 2.2 KB');
      assert.is(statSync(m![1]).mode & 0o777, 0o600);
    } finally {
      rmSync(join(m![1], '..'), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

dry('--script: the script and the published modules it requires (resolved by the espruino CLI, a modules/ folder beside it first), pretokenised, as the one file .bootcde; a module nowhere to be found fails', async () => {
  const dir = tmp('flash-script-');
  try {
    mkdirSync(join(dir, 'modules'));
    writeFileSync(join(dir, 'modules', 'pumpctl.js'), 'exports.level = function () { return 12; };\n');
    writeFileSync(join(dir, 'app.js'), 'var mail = require("s9mail"), pump = require("pumpctl");\nconsole.log("level " + pump.level());\n');
    const r = await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--fast', '--dry-run', '--script', join(dir, 'app.js')]);
    assert.is(r.code, 0, r.err + r.out);
    const m = /--dry-run --fast: .*: (\S+upload\.js) \((\d+) commands, \d+ bytes\); nothing was connected/.exec(r.out);
    assert.ok(m, r.out);
    try {
      const written = storageWrites(readFileSync(m![1], 'latin1'));
      assert.equal(Object.keys(written), ['.bootcde']);
      const code = written['.bootcde'].toString('latin1');
      // the tools' module form for each module, pretokenised (a string is 0xd1 <length> <bytes>), the user's own
      // module from its folder
      assert.match(code, /Modules\.addCached\(\xd1\x06s9mail,/);
      assert.match(code, /Modules\.addCached\(\xd1\x07pumpctl,/);
      assert.ok(!/Modules\.addCached\(\xd1.s9(at|smtp|pop3),/.test(code), 'carried modules are not uploaded on their own');
    } finally {
      rmSync(join(m![1], '..'), { recursive: true, force: true });
    }
    writeFileSync(join(dir, 'bad.js'), 'require("nosuchmodule").go();\n');
    const bad = await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--fast', '--dry-run', '--script', join(dir, 'bad.js')]);
    assert.is(bad.code, 1, bad.out + bad.err);
    assert.match(bad.err, /^flash: --script \S+bad\.js: the espruino CLI found no module nosuchmodule/m);
    const none = await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--fast', '--dry-run', '--script', join(dir, 'missing.js')]);
    assert.is(none.code, 2);
    assert.match(none.err, /--script \S+missing\.js: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

dry.run();

// ---------------------------------------------------------------------------------------------------------------
const guard = suite('flash: no network');

/** An HTTP server on loopback that counts connections: where the CLI would look for modules. */
function moduleServer(): Promise<{ port: number; connections: () => number; urls: string[]; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    let n = 0;
    const urls: string[] = [];
    const srv = http.createServer((req, res) => {
      urls.push(req.url || '');
      res.statusCode = 404;
      res.end();
    });
    srv.on('connection', () => n++);
    srv.listen(0, '127.0.0.1', () =>
      resolve({
        port: (srv.address() as any).port,
        connections: () => n,
        urls,
        close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
      }),
    );
  });
}

guard('the guard stops the CLI before its first connection (and without it the CLI does connect)', async () => {
  const dir = tmp('flash-guard-');
  const srv = await moduleServer();
  try {
    writeFileSync(join(dir, 'board.json'), JSON.stringify(boardJson(loadBoard('linux'))));
    writeFileSync(join(dir, 'guard.cjs'), guardSource(null));
    writeFileSync(join(dir, 'app.js'), 'var m = require("flash_test_module");\n');
    const cli = [CLI, '--no-ble', '--board', join(dir, 'board.json'), '--config', 'MODULE_URL=http://modules.invalid/m',
      // the CLI's own HTTP code cannot reach host:port URLs (it looks up "host:port" as a name): its proxy setting can
      '--config', 'MODULE_PROXY_ENABLED=true', '--config', 'MODULE_PROXY_URL=127.0.0.1', '--config', `MODULE_PROXY_PORT=${srv.port}`, '-n', '-o', join(dir, 'out.js'), join(dir, 'app.js')];
    // control: the CLI does go online for a module that is not built in
    const open = await run(process.execPath, cli, 30000);
    assert.is(open.code, 0, open.err);
    assert.ok(srv.connections() >= 1, 'the CLI fetched the module');
    assert.ok(srv.urls.includes('http://modules.invalid/m/flash_test_module.min.js'), srv.urls.join(' '));
    const before = srv.connections();
    const guarded = await run(process.execPath, ['--require', join(dir, 'guard.cjs'), ...cli], 30000);
    assert.is(guarded.code, GUARD_EXIT, guarded.err);
    assert.match(guarded.err, `flash: stopped the espruino CLI: it tried to connect to 127.0.0.1:${srv.port} (allowed: nothing)`);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(srv.connections(), before, 'no connection reached the server');
    // a guard for a board at tcp://127.0.0.1:P lets that one through and nothing else
    writeFileSync(join(dir, 'guard2.cjs'), guardSource({ host: '127.0.0.1', port: srv.port + 1 === 65536 ? 1 : srv.port + 1 }));
    const other = await run(process.execPath, ['--require', join(dir, 'guard2.cjs'), ...cli], 30000);
    assert.is(other.code, GUARD_EXIT, other.err);
    assert.is(srv.connections(), before);
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

guard('the flash command line itself makes no connection: --dry-run runs the full CLI under a guard that allows none', async () => {
  // the --dry-run tests above passed with exit 0 (every board whose files fit): had the CLI opened any TCP
  // connection, the guard would have ended it with GUARD_EXIT. Here: a tcp:// board port allows that one only.
  const r = await flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:9', '--dry-run']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, / -p tcp:\/\/127\.0\.0\.1:9 --sleep \d+ \S+\/boot\.js\n/);
  const work = /(\S+)\/upload\.js/.exec(r.out)![1];
  try {
    assert.match(readFileSync(join(work, 'net-guard-none.cjs'), 'utf8'), 'const ALLOW = [];');
    assert.match(readFileSync(join(work, 'net-guard.cjs'), 'utf8'), 'const ALLOW = [{"host":"127.0.0.1","port":9}];');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

guard.run();

// ---------------------------------------------------------------------------------------------------------------
const device = suite('flash: upload into the Espruino interpreter (Linux port) over tcp://127.0.0.1');
const binary = interpreterBinary();

/**
 * The board's state: the app (global.app, set by start() when .bootcde ran; "new" unless marked old before a flash;
 * it reads mail.json for its configuration), its module, and every Storage file with its CRC32.
 */
const STATE = `(function (S) {
  var a = global.app, names = S.list().sort();
  return [a ? (a.old ? "old" : "new") : "none", a && a.board.id, a && a.cfg().to, typeof require("s9app").start, names,
    names.map(function (n) { return E.CRC32(new Uint8Array(S.readArrayBuffer(n))); })];
})(require("Storage"))`.replace(/\n */g, ' ');

function expectedState(files: Record<string, Buffer>): any[] {
  const names = Object.keys(files).sort();
  return ['new', 'linux', MAIL.to, 'function', names, names.map((n) => crc32(files[n]))];
}

/**
 * STATE once the app flashed last runs. The CLI reports "Upload Complete" at a prompt, while the board may still be
 * working through the last lines (on the interpreter, Storage writes take a while): answers can come before load().
 */
async function started(con: TcpConsole, timeoutMs: number): Promise<any[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await con.query(STATE, Math.max(1000, until - Date.now()));
    if (s[0] === 'new' || Date.now() >= until) return s;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The files a flash of build/linux/ with MAIL writes. */
function linuxFiles(withMail = true): Record<string, Buffer> {
  return { ...buildFiles('linux'), ...(withMail ? { 'mail.json': Buffer.from(JSON.stringify(MAIL)) } : {}) };
}

/** A flash's output ends with exactly one "flash: done" line, and says nothing of a failure. */
function assertDone(r: { code: number | null; out: string; err: string }, what: string): string {
  assert.is(r.code, 0, `${what}: ${r.out.slice(-1500)}${r.err}`);
  const done = r.out.split('\n').filter((l) => l.startsWith('flash: done'));
  assert.is(done.length, 1, `${what}: exit ${r.code}, no "flash: done" line in ${JSON.stringify(r.out.slice(-1500))}, stderr ${JSON.stringify(r.err.slice(-1500))}`);
  assert.match(done[0], /^flash: done: \d+ files \(\d+ bytes\) in the linux's Storage, each checked \(size and CRC32s\)/);
  assert.not.ok((r.out + r.err).includes(PASSWORD), `${what}: password printed`);
  return done[0];
}

/**
 * A failed flash: exit 1, no "flash: done", and standard error is the one line matching `re` (after what the espruino
 * CLI wrote there itself, which the default upload passes through, when `afterCli`).
 */
function assertFailed(r: { code: number | null; out: string; err: string }, re: RegExp, afterCli = false): string {
  assert.is(r.code, 1, r.out.slice(-1500) + r.err);
  assert.not.match(r.out, /flash: done/);
  const lines = r.err.trim().split('\n');
  if (!afterCli) assert.is(lines.length, 1, r.err);
  const last = lines[lines.length - 1];
  assert.match(last, re);
  assert.is(lines.filter((l) => l.startsWith('flash: ')).length, 1, r.err);
  return last;
}

(binary ? device : device.skip)('--fast, then the default (espruino CLI): build/linux/ and mail.json checked on the board, a stale module erased; the app runs now, after a restart and after a flash without --config', async () => {
  const dir = tmp('flash-device-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  let con = new TcpConsole(binary!, cwd);
  try {
    const port = await con.listen();
    // what a board can hold before: a module of an earlier flash (erased) and a file of the user's (kept)
    assert.equal(await con.query('[require("Storage").write("s9old", "old module"), require("Storage").write("notes", "keep")]', 15000), [true, true]);
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const r = await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port}`, '--config', join(dir, 'mail.json'), '--fast'], 60000);
    const done = assertDone(r, '--fast');
    assert.match(done, /, erased s9old, /);
    const expected = expectedState({ ...linuxFiles(), notes: Buffer.from('keep') });
    assert.equal(await started(con, 30000), expected);
    // "power cycle": a new interpreter on the same Storage boots .bootcde, which starts the app from mail.json
    await con.close();
    con = new TcpConsole(binary!, cwd);
    const port2 = await con.listen();
    assert.equal(await started(con, 15000), expected);
    // the default upload (the espruino CLI, with its pause after each write), without --config: mail.json stays
    assert.is(await con.query('global.app.old = true', 5000), true);
    const r2 = await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port2}`], 180000);
    assertDone(r2, 'default');
    assert.match(r2.out, /espruino-cli\.js /);
    assert.not.match(r2.out, /mail\.json/);
    assert.equal(await started(con, 30000), expected);
  } finally {
    await con.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

(binary ? device : device.skip)('--check names a corrupted and a missing Storage file (exit 1); a flash repairs them', async () => {
  const dir = tmp('flash-device-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  const con = new TcpConsole(binary!, cwd);
  try {
    const port = await con.listen();
    const at = `tcp://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const cfg = ['--config', join(dir, 'mail.json')];
    assertDone(await flash(['--board', 'linux', '--port', at, ...cfg, '--fast']), 'flash');
    const ok = await flash(['--board', 'linux', '--port', at, ...cfg, '--check']);
    assert.is(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /^flash: check: the 12 files on the board match the build \(size and CRC32s\)/m);
    // through the console: s9at rewritten with one byte changed (same length), s9mime erased
    const corrupt = '(function(S){var d=S.read("s9at");return S.write("s9at",d.substr(0,700)+(d[700]=="x"?"y":"x")+d.substr(701))})(require("Storage"))';
    assert.is(await con.query(corrupt, 10000), true);
    assert.is(await con.query('(require("Storage").erase("s9mime"),1)', 10000), 1);
    const bad = await flash(['--board', 'linux', '--port', at, ...cfg, '--check']);
    const line = assertFailed(bad, /^flash: check failed: /);
    assert.match(line, /s9at differs on the board in bytes 0-1023 \(CRC32 \d+, expected \d+\)/);
    assert.match(line, /s9mime is missing on the board/);
    assert.not.match(line, /s9mail|s9cs|\.bootcde/);
    // --check wrote nothing and did not restart the app
    assert.is(await con.query('typeof global.app', 5000), 'object');
    assertDone(await flash(['--board', 'linux', '--port', at, ...cfg, '--fast']), 'repair');
    assert.is((await flash(['--board', 'linux', '--port', at, ...cfg, '--check'])).code, 0);
    assert.equal(await started(con, 15000), expectedState(linuxFiles()));
  } finally {
    await con.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

(binary ? device : device.skip)('a link that corrupts a write: the check finds it, one retry (said) repairs it; a link that always does fails the flash', async () => {
  const dir = tmp('flash-device-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  const con = new TcpConsole(binary!, cwd);
  try {
    const port = await con.listen();
    const at = `tcp://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const cfg = ['--config', join(dir, 'mail.json')];
    // one base64 character of s9mail's second write changed on the way (still valid base64: other bytes arrive)
    const flip = (line: string) => {
      const i = line.indexOf('atob("') + 16;
      return line.slice(0, i) + (line[i] === 'A' ? 'B' : 'A') + line.slice(i + 1);
    };
    let flipped = 0;
    con.mangle = (l) => (flipped === 0 && /write\("s9mail",atob\("[^"]+"\),1536\)/.test(l) ? (flipped++, flip(l)) : l);
    const r = await flash(['--board', 'linux', '--port', at, ...cfg, '--fast']);
    assert.is(flipped, 1);
    assertDone(r, 'one corrupted write');
    assert.match(r.out, /^flash: s9mail differs on the board in bytes 1024-2047 \(CRC32 \d+, expected \d+\); writing it again \(retry 1 of 1\)$/m);
    assert.match(r.out, /, 1 written again, /);
    assert.equal(await started(con, 15000), expectedState(linuxFiles()));
    // every write of s9cmd corrupted: the retry cannot help
    con.mangle = (l) => (/write\("s9cmd",atob\(/.test(l) ? flip(l) : l);
    const r2 = await flash(['--board', 'linux', '--port', at, ...cfg, '--fast']);
    assertFailed(r2, /^flash: the check failed \(after 1 retry\): s9cmd differs on the board in bytes 0-1023 /);
    assert.match(r2.out, /^flash: s9cmd differs .*; writing it again \(retry 1 of 1\)$/m);
  } finally {
    await con.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

(binary ? device : device.skip)('an interpreter error during the upload (Storage full) fails the flash with its line; the board is not booted', async () => {
  const dir = tmp('flash-device-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  const con = new TcpConsole(binary!, cwd);
  try {
    const port = await con.listen();
    // a file of the user's that leaves too little room for the library
    const size = loadBoard('linux').espruino.storageBytes - Math.floor(storageNeed(linuxFiles(false)) / 2);
    assert.is(await con.query(`require("Storage").write("big","x",0,${size})`, 15000), true);
    const r = await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port}`, '--fast']);
    assertFailed(r, /^flash: the board reported an error during the upload: Uncaught Error: Unable to find or create file$/);
    assert.is(await con.query('typeof global.app', 5000), 'undefined');
    // the default upload fails the same way, on the error the espruino CLI shows
    const r2 = await flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${port}`], 180000);
    assertFailed(r2, /^flash: the board reported an error during the upload: Uncaught Error: Unable to find or create file$/, true);
  } finally {
    await con.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

(binary ? device : device.skip)('over a serial port (a pty, through the serialport module): --fast flashes and checks, --check compares', async () => {
  if (!PtyInterpreter.available()) {
    console.log('flash: no socat: the serial test is skipped');
    return;
  }
  const dir = tmp('flash-serial-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  const board = new PtyInterpreter();
  try {
    const tty = await board.start(binary!, cwd);
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const cfg = ['--config', join(dir, 'mail.json')];
    assertDone(await flash(['--board', 'linux', '--port', tty, '--baud', '115200', ...cfg, '--fast']), 'serial --fast');
    const c = await flash(['--board', 'linux', '--port', tty, ...cfg, '--check']);
    assert.is(c.code, 0, c.out + c.err);
    assert.match(c.out, /^flash: check: the 12 files on the board match the build/m);
    // the espruino CLI lists ports and opens none that is not USB or UART: the default upload says so, in one line
    const d = await flash(['--board', 'linux', '--port', tty, ...cfg]);
    assertFailed(d, /^flash: the upload to \S+ failed \(.*not pseudo-terminals\)\)$/, true);
  } finally {
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const telnet = suite('flash: `espruino --telnet` on the Linux port (tcp://127.0.0.1:2323)');

(binary ? telnet : telnet.skip)('5 --fast uploads in a row: each succeeds and checks out (times reported)', async () => {
  const dir = tmp('flash-telnet-');
  const cwd = join(dir, 'board');
  mkdirSync(cwd);
  const board = new TelnetInterpreter();
  try {
    const skip = await board.start(binary!, cwd, 'open');
    if (skip) {
      console.log(`flash: the telnet test is skipped: ${skip}`);
      return;
    }
    writeFileSync(join(dir, 'mail.json'), JSON.stringify(MAIL));
    const want = linuxFiles();
    const names = Object.keys(want).sort();
    const times: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await board.flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:2323', '--config', join(dir, 'mail.json'), '--fast']);
      const done = assertDone(r, `upload ${i}`);
      assert.ok(board.alive(), `upload ${i}: the interpreter ended:\n${board.output.slice(-1500)}`);
      // checked again here, independently of flash: every file's CRC32, no error flag, the app running
      const state = await board.query('[Object.keys(global.app||{}).length>0, E.getErrorFlags(), (function(S){return S.list().sort().map(function(n){return [n,E.CRC32(S.read(n))]})})(require("Storage"))]');
      assert.equal(state, [true, [], names.map((n) => [n, crc32(want[n])])], `upload ${i}`);
      times.push(`${i}: ${(r.ms / 1000).toFixed(1)} s wall (${/in ([0-9.]+ s \([^)]*\))/.exec(done)![1]})`);
    }
    console.log(`flash: 5 --fast uploads to espruino --telnet in ${board.where}, each checked:\n  ${times.join('\n  ')}`);
  } finally {
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

(binary ? telnet : telnet.skip)('an interpreter started with standard input at end of file (its input queue flooded) is refused before any write, with the cause', async () => {
  // refused by the probe, or, when the flood garbles the probe itself or ends the interpreter first, the failure
  // names the cause too
  const refused = /^flash: (the interpreter at tcp:\/\/127\.0\.0\.1:2323 reads end of file on its standard input \(\d+ NUL bytes in 0\.3 s\): .*|tcp:\/\/127\.0\.0\.1:2323: .* \(the Linux port does this when its standard input is at end of file: .*\))`sleep infinity \| espruino --telnet`\)?$/;
  for (const mode of [['--fast'], []]) {
    const dir = tmp('flash-telnet-');
    const cwd = join(dir, 'board');
    mkdirSync(cwd);
    const board = new TelnetInterpreter();
    try {
      const skip = await board.start(binary!, cwd, 'eof');
      if (skip) {
        console.log(`flash: the telnet test is skipped: ${skip}`);
        return;
      }
      const r = await board.flash(['--board', 'linux', '--port', 'tcp://127.0.0.1:2323', ...mode]);
      assertFailed(r, refused);
      // the default upload is refused before the espruino CLI runs
      assert.not.match(r.out, /espruino-cli/);
    } finally {
      await board.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

if (!binary) console.log('flash: no Espruino interpreter (set ESPRUINO=/path/to/espruino): the upload tests are skipped');
device.run();
telnet.run();
