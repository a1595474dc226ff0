// `npm run flash -- --board <id> --port <path|tcp://host:port> [--baud N] [--config mail.json] [--fast] [--dry-run]`
//
// Builds the board's Storage files (build/<id>/: the modules s9*, the command table s9cmd and .bootcde) and uploads
// them with the Espruino command-line tool (node_modules/espruino), with no network look-up:
//   * the CLI gets a board JSON made from our board file (--board <file>.json), so it never asks espruino.com for
//     one and never queries the board's process.env on connect (ENV_ON_CONNECT=false);
//   * every URL setting is blanked or pointed at a local folder (MODULE_URL, BOARD_JSON_URL, COMPILATION_URL),
//     online minification and the online compiler are off, Bluetooth is off (--no-ble);
//   * the CLI runs with a generated preload (--require net-guard.cjs) that ends it at once if it opens any TCP
//     connection other than the one to the board (tcp:// ports only; nothing at all for serial ports and --dry-run).
// Upload: every file of build/<id>/ goes to Storage under its own name, and the --config file as "mail.json", all as
// exact bytes (--storage name:file writes them with require("Storage").write(name, atob(...))). Nothing is sent when
// the files together do not fit the board's Storage area. The code the CLI sends is `reset()` first, the Storage
// writes, then boot.js: it erases the s9* files that this upload did not write (modules a previous flash left; the
// CLI puts the writes before any code of ours, so this comes after them), then `load()` boots the board as at
// power-up: .bootcde runs `require("s9app").start(...)`, which starts the example app from mail.json. Other Storage
// files (mail.json when no --config is given, the outbox) are left alone.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Board } from '../boards/types';
import { ROOT, boardIds, loadBoard } from './boards';

export const CLI = join(ROOT, 'node_modules', 'espruino', 'bin', 'espruino-cli.js');
/** exit code of the CLI when the net guard stopped it */
export const GUARD_EXIT = 97;
/** the firmware the modules are written for (Storage, `??`, classes...) */
export const FIRMWARE = '2v29';
export const DEFAULT_BAUD = 9600;
/** mail.json is small; refuse anything that would not be a mail configuration */
export const MAX_CONFIG_BYTES = 4096;
/** the Storage files of the library start with this; stale ones are erased */
export const LIBRARY_PREFIX = 's9';

export const USAGE = `usage: npm run flash -- --board <id> --port <serial path | tcp://host:port> [options]
  --board <id>        one of: ${boardIds().join(', ')}
  --port <p>          a serial port (/dev/ttyACM0, /dev/ttyUSB0, COM3) or a network console tcp://host:port
  --baud <n>          serial baud rate of the upload link (default ${DEFAULT_BAUD}; serial ports only)
  --config <file>     a mail.json for the example app, written to the board's Storage as "mail.json"
                      (without it, a mail.json already on the board stays)
  --fast              no delay after each Storage write (for links without data loss: USB, TCP)
  --dry-run           print the espruino CLI command, write the code it would send to a file, connect to nothing
Builds the board into build/<id>/ and writes every file of it to the board's Storage (the s9* modules, the command
table s9cmd, .bootcde), byte for byte; refuses when they do not fit the board's Storage. s9* files a previous flash
left are erased. Then load() starts the example app, as at every power-up.`;

export class UsageError extends Error {}

export interface FlashOptions {
  board: string;
  port: string;
  baud?: number;
  config?: string;
  fast: boolean;
  dryRun: boolean;
}

export interface TcpPort {
  host: string;
  port: number;
}

const VALUE_OPTIONS = ['--board', '--port', '--baud', '--config'];
const FLAG_OPTIONS = ['--fast', '--dry-run'];

/** Parses the command line; every problem is a UsageError with a message that says what to do. */
export function parseArgs(argv: string[]): FlashOptions {
  const seen: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (FLAG_OPTIONS.includes(a)) {
      if (value !== undefined) throw new UsageError(`${a} takes no value`);
      flags[a] = true;
      continue;
    }
    if (!VALUE_OPTIONS.includes(a)) {
      throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `unexpected argument "${a}" (options start with --)`);
    }
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
      i++;
    }
    if (a in seen) throw new UsageError(`${a} given twice`);
    if (value === '') throw new UsageError(`${a} needs a value`);
    seen[a] = value;
  }
  const ids = boardIds();
  if (!seen['--board']) throw new UsageError(`missing --board <id>; boards: ${ids.join(', ')}`);
  if (!ids.includes(seen['--board'])) throw new UsageError(`unknown board "${seen['--board']}"; boards: ${ids.join(', ')}`);
  if (!seen['--port']) throw new UsageError('missing --port <serial path | tcp://host:port>');
  const port = seen['--port'];
  const tcp = parseTcpPort(port);
  if (!tcp) checkSerialPath(port);
  const opts: FlashOptions = { board: seen['--board'], port, fast: !!flags['--fast'], dryRun: !!flags['--dry-run'] };
  if (seen['--baud'] !== undefined) {
    if (tcp) throw new UsageError('--baud applies to serial ports only, not to ' + port);
    const b = seen['--baud'];
    if (!/^[0-9]+$/.test(b) || Number(b) < 300 || Number(b) > 4000000) throw new UsageError(`--baud must be a whole number from 300 to 4000000, not "${b}"`);
    opts.baud = Number(b);
  }
  if (seen['--config'] !== undefined) opts.config = seen['--config'];
  return opts;
}

/** tcp://host:port → {host, port}; null when `p` is not a tcp:// address; UsageError when it is one but malformed. */
export function parseTcpPort(p: string): TcpPort | null {
  if (!/^tcp:\/\//i.test(p)) return null;
  const m = /^tcp:\/\/([A-Za-z0-9._-]+):([0-9]+)$/i.exec(p);
  if (!m) {
    throw new UsageError(`--port ${JSON.stringify(p)}: expected tcp://host:port with a host name or IPv4 address and a port number (the espruino CLI cannot use IPv6 addresses)`);
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UsageError(`--port ${p}: port ${m[2]} is out of range 1-65535`);
  return { host: m[1], port };
}

function checkSerialPath(p: string): void {
  if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(p)) throw new UsageError(`--port ${p} looks like a Bluetooth address; flash works over serial ports and tcp:// only`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) throw new UsageError(`--port ${p}: only serial paths and tcp://host:port are supported`);
  if (!(p.startsWith('/') || /^COM[0-9]+$/i.test(p))) throw new UsageError(`--port ${JSON.stringify(p)}: expected an absolute serial device path (e.g. /dev/ttyACM0), COMn, or tcp://host:port`);
  // the CLI takes any argument containing ".js" after -p for the file to upload
  if (/\.js/i.test(p)) throw new UsageError(`--port ${p}: the espruino CLI cannot take a port path containing ".js"`);
}

/**
 * Reads and checks a mail.json for the example app (src/app/example.ts). Messages name keys only: no value of the
 * file (passwords!) ever reaches the output. Returns the file re-serialised compactly.
 */
export function readMailConfig(file: string): string {
  let st;
  try {
    st = statSync(file);
  } catch (e: any) {
    throw new UsageError(`--config ${file}: ${e.code === 'ENOENT' ? 'no such file' : 'cannot read it (' + e.code + ')'}`);
  }
  if (!st.isFile()) throw new UsageError(`--config ${file}: not a file`);
  if (st.size > MAX_CONFIG_BYTES) throw new UsageError(`--config ${file}: ${st.size} bytes is too big for a mail configuration (at most ${MAX_CONFIG_BYTES})`);
  const text = readFileSync(file, 'utf8');
  let cfg: any;
  try {
    cfg = JSON.parse(text);
  } catch (e: any) {
    // V8's message may quote the file: report a position only
    const m = /position (\d+)/.exec(String(e && e.message));
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${Number(m[1]) - before.lastIndexOf('\n')})`;
    }
    throw new UsageError(`--config ${file}: not valid JSON${where}`);
  }
  const problems = mailConfigProblems(cfg);
  if (problems.length) throw new UsageError(`--config ${file}: ${problems.join('; ')}`);
  return JSON.stringify(cfg);
}

/** What the example app needs from mail.json; messages never quote values. */
export function mailConfigProblems(cfg: any): string[] {
  const out: string[] = [];
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) return ['expected a JSON object like {"to": [...], "smtp": {"host": ...}}'];
  const isText = (v: any) => typeof v === 'string' && v.trim() !== '';
  if (!('to' in cfg)) out.push('"to" is missing (the alert recipients: an address or a list of addresses)');
  else if (!(isText(cfg.to) || (Array.isArray(cfg.to) && cfg.to.length > 0 && cfg.to.every(isText)))) {
    out.push('"to" must be an address or a non-empty list of addresses (strings)');
  }
  checkServer(cfg, 'smtp', true, out);
  checkServer(cfg, 'pop3', false, out);
  if ('inbox' in cfg && !('pop3' in cfg)) out.push('"inbox" needs a "pop3" server');
  if ('baud' in cfg && !(Number.isInteger(cfg.baud) && cfg.baud > 0)) out.push('"baud" must be a positive whole number');
  return out;
}

function checkServer(cfg: any, key: string, required: boolean, out: string[]): void {
  if (!(key in cfg)) {
    if (required) out.push(`"${key}" is missing (an object with at least "host")`);
    return;
  }
  const s = cfg[key];
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    out.push(`"${key}" must be an object with at least "host"`);
    return;
  }
  if (typeof s.host !== 'string' || s.host.trim() === '') out.push(`"${key}.host" is missing or empty`);
  if ('port' in s && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) out.push(`"${key}.port" must be a whole number from 1 to 65535`);
  for (const k of ['user', 'password']) if (k in s && typeof s[k] !== 'string') out.push(`"${key}.${k}" must be a string`);
}

/**
 * The board JSON the CLI reads instead of downloading one (bin/espruino-cli.js copies its keys into the board
 * environment): BOARD, VERSION and info.binary_version (the CLI derives VERSION_MAJOR/MINOR from it, and writes to
 * Storage only for 1v96 and later), info.builtin_modules (a require() of a module in this list is never looked up).
 */
export function boardJson(board: Board): object {
  return {
    BOARD: board.id,
    VERSION: FIRMWARE,
    info: { name: board.name, binary_version: FIRMWARE, builtin_modules: ['Storage'] },
  };
}

/**
 * Source of the preload the CLI runs with: every TCP connection it opens (http, https, ws, net) goes through
 * net.Socket.prototype.connect, which this wraps; anything but the board's own host:port ends the process with
 * GUARD_EXIT before a DNS look-up or a connection happens.
 */
export function guardSource(allow: TcpPort | null): string {
  return `'use strict';
// generated by host/flash.ts: the espruino CLI may open no TCP connection but the one to the board
const net = require('net');
const ALLOW = ${JSON.stringify(allow)};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function () {
  let o = arguments[0];
  if (Array.isArray(o)) o = o[0];
  let host, port, path;
  if (o !== null && typeof o === 'object') { host = o.host; port = o.port; if (typeof o.path === 'string') path = o.path; }
  else if (typeof o === 'string' && !/^[0-9]+$/.test(o)) path = o;
  else { port = o; host = typeof arguments[1] === 'string' ? arguments[1] : undefined; }
  if (host === undefined || host === null || host === '') host = 'localhost';
  const where = path !== undefined ? 'socket path ' + path : host + ':' + port;
  if (!ALLOW || path !== undefined || String(host) !== ALLOW.host || Number(port) !== ALLOW.port) {
    process.stderr.write('flash: stopped the espruino CLI: it tried to connect to ' + where + ' (allowed: ' + (ALLOW ? ALLOW.host + ':' + ALLOW.port : 'nothing') + ')\\n');
    process.exit(${GUARD_EXIT});
  }
  return connect.apply(this, arguments);
};
`;
}

/** --config KEY=value pairs that keep the CLI off the network and send the code as it is. */
export function cliConfig(workdir: string, fast: boolean): string[] {
  const pairs = [
    'ENV_ON_CONNECT=false', // do not query process.env on connect (its answer would trigger a board JSON download)
    `BOARD_JSON_URL=${workdir}`, // any board JSON look-up reads this local folder
    'MODULE_URL=', // never search online for require()d modules
    'MODULE_PROXY_ENABLED=false',
    'COMPILATION=false', // no online compiler for "compiled" functions
    'COMPILATION_URL=',
    'MINIFICATION_LEVEL=', // the modules are minified already; no online closure compiler
    'MODULE_MINIFICATION_LEVEL=',
    'PRETOKENISE=0',
    'SAVE_ON_SEND=0', // send as typed: the Storage writes and boot.js (plan)
    'STORE_LINE_NUMBERS=false',
    'RESET_BEFORE_SEND=true', // free the RAM of the running program before the writes
    'SET_TIME_ON_WRITE=false',
  ];
  if (fast) pairs.push('STORAGE_UPLOAD_METHOD=1', 'SERIAL_THROTTLE_SEND=2');
  const out: string[] = [];
  for (const p of pairs) out.push('--config', p);
  return out;
}

/** Storage files as they are to be written: name -> exact bytes. */
export type StorageFiles = { [name: string]: Buffer };

/** The built files (latin1 strings) and the --config file as bytes. */
export function storageFiles(built: { [name: string]: string }, mailJson: string | null): StorageFiles {
  const out: StorageFiles = {};
  for (const n of Object.keys(built)) out[n] = Buffer.from(built[n], 'latin1');
  if (mailJson !== null) out['mail.json'] = Buffer.from(mailJson);
  return out;
}

/** Storage bytes a file takes (Espruino's src/jsflash.c): a 32-byte header (size, 28-character name), its data padded to 8 bytes (4 on most chips). */
export function storageCost(bytes: number): number {
  return 32 + Math.ceil(bytes / 8) * 8;
}

export function storageNeed(files: StorageFiles): number {
  return Object.keys(files).reduce((t, n) => t + storageCost(files[n].length), 0);
}

/**
 * The order of the writes: .bootcde first, because in the earlier one-bundle layout it held the whole library, the
 * largest file a previous flash can have left; rewritten first, its room is free for the modules. mail.json last.
 */
export function writeOrder(names: string[]): string[] {
  const rest = names.filter((n) => n !== '.bootcde' && n !== 'mail.json').sort();
  return [...names.filter((n) => n === '.bootcde'), ...rest, ...names.filter((n) => n === 'mail.json')];
}

/**
 * boot.js, the code the CLI sends after the Storage writes: erase the library's files (s9*) that this upload did not
 * write, left by a previous flash, then boot. (The CLI puts the writes before any code of ours, and reset() does not
 * touch Storage.)
 */
export function bootSource(names: string[]): string {
  const keep = names.filter((n) => n.startsWith(LIBRARY_PREFIX)).sort();
  return `require("Storage").list(/^${LIBRARY_PREFIX}/).forEach(function(n){if(${JSON.stringify(keep)}.indexOf(n)<0)require("Storage").erase(n)});\nload()\n`;
}

export interface Plan {
  opts: FlashOptions;
  board: Board;
  tcp: TcpPort | null;
  baud: number | null;
  workdir: string;
  /** Storage name -> the file the CLI reads (built files relative to ROOT, where the CLI runs), in write order */
  storage: { [name: string]: string };
  uploadFile: string;
  /** argv of the real upload (argv[0] is process.execPath) */
  command: string[];
  /** argv of the --dry-run: the same without -p/-b, with -n, under a guard that allows nothing */
  dryCommand: string[];
}

/**
 * Writes the work folder (board JSON, guards, boot.js, mail.json) and returns both command lines, which write the
 * files `names` of `buildDir` (relative to ROOT) and mail.json.
 */
export function plan(opts: FlashOptions, buildDir: string, names: string[], mailJson: string | null): Plan {
  const board = loadBoard(opts.board);
  const tcp = parseTcpPort(opts.port);
  const baud = tcp ? null : opts.baud ?? DEFAULT_BAUD;
  const workdir = mkdtempSync(join(tmpdir(), `sim900-flash-${board.id}-`));
  const put = (name: string, text: string) => {
    const f = join(workdir, name);
    writeFileSync(f, text, { mode: 0o600 });
    chmodSync(f, 0o600);
    return f;
  };
  const boardFile = put('board.json', JSON.stringify(boardJson(board), null, 2) + '\n');
  const guard = put('net-guard.cjs', guardSource(tcp));
  const guardNone = put('net-guard-none.cjs', guardSource(null));
  const boot = put('boot.js', bootSource(names));
  const storage: { [name: string]: string } = {};
  for (const n of writeOrder(names)) storage[n] = join(buildDir, n);
  if (mailJson !== null) storage['mail.json'] = put('mail.json', mailJson);
  // the CLI splits --storage name:file at the first ':'
  for (const n of Object.keys(storage)) if (storage[n].includes(':')) throw new Error(`the path ${storage[n]} contains ':', which the espruino CLI cannot take`);
  const uploadFile = join(workdir, 'upload.js');
  const common = ['--no-ble', '--board', boardFile, ...cliConfig(workdir, opts.fast)];
  // the CLI puts each --storage write before the ones collected so far: the last one given is written first
  for (const n of Object.keys(storage).reverse()) common.push('--storage', `${n}:${storage[n]}`);
  common.push('-o', uploadFile);
  const link = tcp ? ['-p', opts.port] : ['-p', opts.port, '-b', String(baud)];
  return {
    opts,
    board,
    tcp,
    baud,
    workdir,
    storage,
    uploadFile,
    command: [process.execPath, '--require', guard, CLI, ...common, ...link, boot],
    dryCommand: [process.execPath, '--require', guardNone, CLI, ...common, '-n', boot],
  };
}

export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The files a CLI upload writes to Storage, decoded from its code: require("Storage").write(name, atob("..."), offset[, size]). */
export function storageWrites(code: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const re = /require\("Storage"\)\.write\(("(?:[^"\\]|\\.)*"),atob\("([A-Za-z0-9+/=]*)"\),(\d+)(?:,(\d+))?\)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) {
    const name = JSON.parse(m[1]) as string;
    const data = Buffer.from(m[2], 'base64');
    const offset = Number(m[3]);
    if (m[4] !== undefined) out[name] = Buffer.alloc(Number(m[4]));
    const buf = out[name];
    if (!buf) throw new Error(`Storage file ${name} written at ${offset} before it was created`);
    data.copy(buf, offset);
  }
  return out;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command in ROOT, passing its output through when `echo` is set. */
export function runCli(argv: string[], timeoutMs: number, echo: boolean): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('latin1');
      if (echo) process.stdout.write(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('latin1');
      if (echo) process.stderr.write(b);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut });
    });
  });
}

/** Upper bound for an upload: the bytes at the link's speed, the CLI's delays after each Storage write, slack. */
export function uploadTimeoutMs(uploadBytes: number, baud: number | null, fast: boolean): number {
  const wire = baud ? (uploadBytes * 10 * 1000) / baud : 0;
  const writes = fast ? 0 : Math.ceil(uploadBytes / 512) * 250;
  return Math.round(wire * 1.5 + writes * 1.5 + 30000);
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let opts: FlashOptions;
  let mailJson: string | null = null;
  try {
    opts = parseArgs(argv);
    if (opts.config !== undefined) mailJson = readMailConfig(resolve(opts.config));
    if (!existsSync(CLI)) throw new Error(`the espruino CLI is not installed at ${CLI}; run npm install`);
    if (!opts.dryRun && !parseTcpPort(opts.port) && !/^COM[0-9]+$/i.test(opts.port) && !existsSync(opts.port)) {
      throw new UsageError(`--port ${opts.port}: no such device (is the board plugged in?)`);
    }
  } catch (e: any) {
    console.error(`flash: ${e.message}`);
    if (e instanceof UsageError) console.error(USAGE);
    return 2;
  }

  // a fresh build (imported here so that --help and argument errors need no esbuild)
  const { buildBoard, boardDir } = await import('./build');
  const built = await buildBoard(opts.board);
  if (built.problems.length) {
    console.error(`flash: the ${opts.board} build failed:\n${built.problems.join('\n')}`);
    return 1;
  }
  const board = built.board;
  const buildDir = relative(ROOT, boardDir(board.id));
  const files = storageFiles(built.files, mailJson);
  report(board, files, buildDir, opts.config, built.libraryBytes);
  const need = storageNeed(files);
  if (need > board.espruino.storageBytes) {
    console.error(`flash: the files do not fit the ${board.name}'s Storage: with the 32-byte header of each they take ${need} bytes, the board has ${board.espruino.storageBytes}; nothing was sent (npm run build shows each module's size)`);
    return 1;
  }
  const p = plan(opts, buildDir, Object.keys(built.files), mailJson);

  let keepWorkdir = opts.dryRun;
  try {
    if (opts.dryRun) {
      console.log(`flash: --dry-run: the upload would run (in ${ROOT}):\n${shellQuote(p.command)}`);
      const r = await runCli(p.dryCommand, 60000, false);
      if (r.code !== 0 || !existsSync(p.uploadFile)) {
        console.error(`flash: the espruino CLI failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.stderr || r.stdout}`);
        return 1;
      }
      chmodSync(p.uploadFile, 0o600); // it carries mail.json, passwords included
      check(p, files);
      console.log(`flash: the code it would send (after reset()): ${p.uploadFile} (${statSync(p.uploadFile).size} bytes); nothing was connected`);
      return 0;
    }
    console.log(`flash: running (in ${ROOT}):\n${shellQuote(p.command)}`);
    const estimate = Object.keys(files).reduce((t, n) => t + Math.ceil((files[n].length * 4) / 3) + 100, 1000);
    const r = await runCli(p.command, uploadTimeoutMs(estimate, p.baud, opts.fast), true);
    if (r.code === GUARD_EXIT) {
      console.error('flash: the espruino CLI tried to reach the network and was stopped; the upload did not finish');
      return 1;
    }
    // the CLI exits 0 even when it could not connect: its "Upload Complete" line is the only success signal
    if (r.timedOut || r.code !== 0 || !/Upload Complete/.test(r.stdout)) {
      console.error(`flash: the upload to ${opts.port} failed` + (r.timedOut ? ' (timed out)' : r.code !== 0 ? ` (espruino CLI exit ${r.code})` : ' (the espruino CLI did not report "Upload Complete")'));
      if (/serial: Port ".*" not found/.test(r.stderr)) {
        console.error('flash: the espruino CLI opens only the ports its serialport module lists (USB and UART devices; not pseudo-terminals)');
      }
      return 1;
    }
    check(p, files);
    console.log(`flash: done: ${Object.keys(files).length} files in the ${board.id}'s Storage; the board booted with load() and starts the app at every power-up`);
    return 0;
  } catch (e: any) {
    console.error(`flash: ${e.message}`);
    return 1;
  } finally {
    if (!keepWorkdir) rmSync(p.workdir, { recursive: true, force: true });
  }
}

/** Each file with its size, and the total against the board's Storage. */
function report(board: Board, files: StorageFiles, buildDir: string, config: string | undefined, libraryBytes: number): void {
  const names = writeOrder(Object.keys(files));
  const width = Math.max(...names.map((n) => n.length));
  console.log(`flash: ${board.name} (${board.id}): ${names.length} files -> Storage`);
  for (const n of names) console.log(`  ${n.padEnd(width)} ${String(files[n].length).padStart(6)} bytes  ${n === 'mail.json' ? config : join(buildDir, n)}`);
  const total = names.reduce((t, n) => t + files[n].length, 0);
  const size = board.espruino.storageBytes;
  const need = storageNeed(files);
  console.log(`flash: library ${libraryBytes} bytes, all files ${total} bytes (${need} in Storage, with headers) of the board's ${size} bytes of Storage` + (need <= size ? ` (${size - need} left)` : ''));
}

/** The code the CLI wrote must write exactly `files` (another build may rewrite build/ meanwhile). */
function check(p: Plan, files: StorageFiles): void {
  const sent = storageWrites(readFileSync(p.uploadFile, 'latin1'));
  const extra = Object.keys(sent).filter((n) => !(n in files));
  if (extra.length) throw new Error(`the upload writes Storage files that were not built: ${extra.join(', ')}`);
  for (const n of Object.keys(files)) {
    if (sent[n] && sent[n].equals(files[n])) continue;
    if (n === 'mail.json') throw new Error('mail.json in the upload differs from --config');
    throw new Error(`${p.storage[n]} ${sent[n] ? 'changed while the CLI read it (another build running?)' : 'is missing from the upload'}; flash again`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
