// The emulator served on a pseudo-terminal made by socat: a program opens the device path like a serial port.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim900Emulator } from '../../host/emulator';
import { servePty, socatAvailable } from '../../host/emulator/pty';
import { parseArgs, HELP } from '../../host/emulator/cli';

test('pty: boot URCs and an echoed command through a real device path', async () => {
  assert.ok(socatAvailable(), 'socat is installed (host/servers/install-deps.sh)');
  const path = join(tmpdir(), `sim900-${process.pid}`);
  const emu = new Sim900Emulator({ sapbrOpenDelayMs: 0 });
  const h = await servePty(emu, path);
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  const rs = fs.createReadStream('', { fd, autoClose: false });
  rs.on('error', () => undefined);
  let got = '';
  rs.on('data', (b) => (got += (b as Buffer).toString('latin1')));
  try {
    const until = async (s: string) => {
      const end = Date.now() + 3000;
      while (got.indexOf(s) < 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    };
    await until('SMS Ready\r\n');
    fs.writeSync(fd, 'AT+SAPBR=2,1\r');
    await until('OK\r\n');
    assert.is(got, '\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\nAT+SAPBR=2,1\r\r\n+SAPBR: 1,3,"0.0.0.0"\r\n\r\nOK\r\n');
  } finally {
    await h.close();
    rs.destroy();
    try {
      fs.closeSync(fd);
    } catch {
      /* already closed by the stream */
    }
    emu.close();
  }
});

test('cli options', () => {
  const a = parseArgs(['--pty', '/tmp/x', '--smtp', '127.0.0.1:2525', '--pop3', 'localhost:1110', '--baud', '9600', '--seed', '4', '--dialect', 'sim800', '--noise', '0.1', '--fast']);
  assert.is(a.pty, '/tmp/x');
  assert.is(a.opts.baud, 9600);
  assert.is(a.opts.dialect, 'sim800');
  assert.is(a.opts.faults!.noiseRate, 0.1);
  assert.equal(a.opts.route!('mail.sim.com', 25, 'smtp'), { host: '127.0.0.1', port: 2525 });
  assert.equal(a.opts.route!('x', 110, 'pop3'), { host: 'localhost', port: 1110 });
  assert.throws(() => parseArgs(['--pty', '/tmp/x', '--baud']), /needs a value/);
  assert.throws(() => parseArgs(['--bogus']), /unknown option/);
  assert.throws(() => parseArgs([]), /--pty/);
});

test('cli TLS options: --emailssl, --tls-verify <ca.pem>, --tls-max', () => {
  const dir = fs.mkdtempSync(join(tmpdir(), "sim900-cli-"));
  try {
    fs.writeFileSync(join(dir, "ca.pem"), "PEM");
    const a = parseArgs(['--stdio', '--emailssl', 'on', '--tls-verify', join(dir, 'ca.pem'), '--tls-max', '1.3']);
    assert.is(a.opts.emailssl, true);
    assert.is(a.opts.tlsVerify, true);
    assert.is(String(a.opts.tlsCa), 'PEM');
    assert.is(a.opts.tlsMaxVersion, 'TLSv1.3');
    assert.is(parseArgs(['--stdio', '--emailssl', 'off']).opts.emailssl, false);
    assert.throws(() => parseArgs(['--stdio', '--emailssl', 'yes']), /--emailssl is on or off/);
    assert.throws(() => parseArgs(['--stdio', '--tls-max', '1.1']), /--tls-max is 1.2 or 1.3/);
    assert.throws(() => parseArgs(['--stdio', '--tls-verify', join(dir, 'missing.pem')]), /--tls-verify: cannot read .*missing\.pem: ENOENT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cli errors: a --pty in a missing folder or a --tcp port in use is one line and exit 1; a reader that leaves --stdio ends it quietly', async () => {
  const { spawnSync, spawn } = await import('node:child_process');
  const cli = ['--import', 'tsx', 'host/emulator/cli.ts'];
  const pty = spawnSync(process.execPath, [...cli, '--pty', '/no/such/folder/sim900'], { encoding: 'utf8', timeout: 30000 });
  assert.is(pty.status, 1);
  assert.equal(pty.stderr.trim().split('\n'), ['emulator: --pty /no/such/folder/sim900: no folder /no/such/folder']);
  const net = await import('node:net');
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (busy.address() as any).port;
    const tcp = spawnSync(process.execPath, [...cli, '--tcp', String(port)], { encoding: 'utf8', timeout: 30000 });
    assert.is(tcp.status, 1);
    assert.equal(tcp.stderr.trim().split('\n'), [`emulator: --tcp ${port}: port in use`]);
  } finally {
    busy.close();
  }
  // `npm run emulator -- --stdio | head -c 20`: the reader takes 20 bytes and goes
  const child = spawn(process.execPath, [...cli, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  child.stdout.destroy();
  child.stdin.write('AT\r');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.is(code, 0);
  assert.is(err, '');
});

test('cli: POP3READ data, early data, identity and network flags (and --help lists them)', () => {
  const d = parseArgs(['--stdio']).opts;
  for (const k of ['pop3IncludeOk', 'pop3IncludeDot', 'pop3Unstuff', 'earlyData', 'promptDelayMs', 'imei', 'ccid', 'revision', 'operator', 'registration', 'registerDelayMs'])
    assert.is((d as any)[k], undefined, k + ': left to the emulator unless given');
  const a = parseArgs(
    ['--stdio', '--pop3-ok', '--no-pop3-dot', '--pop3-unstuff', '--early-data', 'keep', '--prompt-delay', '20-90', '--imei', '490154203237518',
      '--ccid', '8944500102198304826', '--revision', '1418B05SIM800L24', '--operator', 'Vodafone.de,Vodafone,26202', '--registration', '5',
      '--register-delay', '3000'],
  ).opts;
  assert.equal(
    [a.pop3IncludeOk, a.pop3IncludeDot, a.pop3Unstuff, a.earlyData, a.promptDelayMs, a.imei, a.ccid, a.revision, a.operator, a.registration, a.registerDelayMs],
    [true, false, true, 'keep', [20, 90], '490154203237518', '8944500102198304826', '1418B05SIM800L24', { long: 'Vodafone.de', short: 'Vodafone', numeric: '26202' }, 5, 3000],
  );
  assert.is(parseArgs(['--stdio', '--early-data', 'drop']).opts.earlyData, 'drop');
  assert.throws(() => parseArgs(['--stdio', '--early-data', 'queue']), /--early-data is drop or keep/);
  assert.throws(() => parseArgs(['--stdio', '--imei', '12345']), /--imei is 15 digits/);
  assert.throws(() => parseArgs(['--stdio', '--ccid', '89x']), /--ccid is 18-22 digits/);
  assert.throws(() => parseArgs(['--stdio', '--operator', 'Vodafone']), /--operator is/);
  assert.throws(() => parseArgs(['--stdio', '--registration', '7']), /--registration is a \+CREG status 0-5/);
  assert.throws(() => parseArgs(['--stdio', '--prompt-delay', 'soon']), /--prompt-delay needs a number/);
  for (const f of ['--pop3-ok', '--no-pop3-dot', '--pop3-unstuff', '--early-data', '--prompt-delay', '--imei', '--ccid', '--revision', '--operator', '--registration', '--register-delay'])
    assert.ok(HELP.indexOf('  ' + f + ' ') >= 0, f);
});

test.run();
