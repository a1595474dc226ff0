// `npm run flash -- --board <id> --port <path|tcp://host:port> [--baud N] [--config mail.json] [--fast] [--check] [--dry-run]`
//
// Builds the board's Storage files (build/<id>/: the modules s9*, the command table s9cmd and .bootcde), uploads them
// with mail.json (--config), checks them on the board, and boots it:
//   * upload: by default the Espruino command-line tool, with its pause after each Storage write
//     (host/flash-cli.ts); with --fast, paced by the board itself: one write command at a time, each sent once the
//     board has answered the one before (host/flash-upload.ts);
//   * check: the board reads back each file's size and the CRC32 of each 1 KB piece (host/flash-check.ts); a file
//     that does not check out is written again once (said), and fails the flash if it still does not; so does any
//     interpreter error on the console during the upload (Uncaught, ERROR, ASSERT, FIFO_FULL, LOW_MEMORY...) and
//     any E.getErrorFlags() flag (host/flash-console.ts, host/flash-session.ts);
//   * then the s9* files this upload did not write (a previous flash's) are erased and load() boots the board as at
//     power-up: .bootcde runs `require("s9app").start(...)`, which starts the example app from mail.json.
// `flash: done` only when every file checked out; any failure is one line starting with "flash: " and a non-zero
// exit (2: the command line, the config file or the port; 1: the build, the upload or the check).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { Board } from '../boards/types';
import { ROOT } from './boards';
import { DEFAULT_BAUD, type FlashOptions, USAGE, UsageError, parseArgs, parseTcpPort, readMailConfig } from './flash-args';
import { CLI, GUARD_EXIT, boardLines, checkUploadFile, doneMarker, plan, runCli, shellQuote, uploadTimeoutMs } from './flash-cli';
import { BoardConsole, BoardError, ConsoleError, interpreterError } from './flash-console';
import { type StorageFiles, eraseStaleSource, storageFiles, storageNeed, writeOrder } from './flash-files';
import { type Link, LinkError, openSerial, openTcp } from './flash-link';
import { FlashFailure, type SessionResult, attach, checkOnly, pacedFlash, refuseFlooded, verifyAndBoot } from './flash-session';
import { writeExpressions } from './flash-upload';
import { pretokenise } from './pretokenise';
import { cliBootCode } from './module-upload';
import { publishAll } from './publish';

export * from './flash-args';
export * from './flash-cli';
export * from './flash-files';

/** how long a connection to a tcp:// port may take */
export const CONNECT_TIMEOUT_MS = 5000;

/** Opens the board's console (tcp:// or a serial port). */
export function openLink(opts: FlashOptions): Promise<Link> {
  const tcp = parseTcpPort(opts.port);
  return tcp ? openTcp(opts.port, tcp, CONNECT_TIMEOUT_MS) : openSerial(opts.port, opts.baud ?? DEFAULT_BAUD);
}

/** The command line, the config file and the port, before anything is built: a UsageError or LinkError says what is wrong. */
async function preflight(argv: string[]): Promise<{ opts: FlashOptions; mailJson: string | null }> {
  const opts = parseArgs(argv);
  const mailJson = opts.config !== undefined ? readMailConfig(resolve(opts.config)) : null;
  if (!opts.fast && !opts.check && !existsSync(CLI)) throw new Error(`the espruino CLI is not installed at ${CLI}; run npm install`);
  if (!opts.dryRun) {
    if (!parseTcpPort(opts.port) && !/^COM[0-9]+$/i.test(opts.port) && !existsSync(opts.port)) {
      throw new UsageError(`--port ${opts.port}: no such device (is the board plugged in?)`);
    }
    // reachable? (a telnet console takes the new client and drops the old one; a serial port is opened and closed)
    await (await openLink(opts)).close();
  }
  return { opts, mailJson };
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let opts: FlashOptions;
  let mailJson: string | null;
  try {
    ({ opts, mailJson } = await preflight(argv));
  } catch (e: any) {
    console.error(`flash: ${e.message}${e instanceof UsageError ? ' (--help shows the usage)' : ''}`);
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
  let buildDir = relative(ROOT, boardDir(board.id));
  if (opts.script) {
    try {
      const files = await scriptFiles(opts.script);
      buildDir = relative(ROOT, files.dir);
      built.files = files.files;
      built.libraryBytes = files.files['.bootcde'].length;
    } catch (e: any) {
      console.error(`flash: --script ${opts.script}: ${oneLine(e)}`);
      return 1;
    }
  }
  const files = storageFiles(built.files, mailJson);
  report(board, files, buildDir, opts.config, built.libraryBytes);
  const need = storageNeed(files);
  if (need > board.espruino.storageBytes) {
    console.error(`flash: the files do not fit the ${board.name}'s Storage: with the 32-byte header of each they take ${need} bytes, the board has ${board.espruino.storageBytes}; nothing was sent (npm run build shows each module's size)`);
    return 1;
  }
  try {
    if (opts.check) return await check(opts, board, files);
    if (opts.dryRun) return opts.fast ? dryRunFast(board, files) : await dryRunCli(opts, buildDir, Object.keys(built.files), mailJson, files);
    return opts.fast ? await flashFast(opts, board, files) : await flashCli(opts, board, buildDir, Object.keys(built.files), mailJson, files);
  } catch (e: any) {
    console.error(`flash: ${oneLine(e)}${linuxHint(board, opts, oneLine(e))}`);
    return 1;
  }
}

/**
 * --script: the user's script with the published modules it requires, found by the espruino CLI (a modules/ folder
 * beside the script first, then build/modules), pretokenised by our pretokeniser (the CLI's own leaves long strings as
 * text, and its Storage writes of pretokenised code failed over the Linux port's telnet console: README), as the one
 * file .bootcde.
 */
async function scriptFiles(script: string): Promise<{ dir: string; files: { [name: string]: string } }> {
  await publishAll();
  const code = pretokenise(await cliBootCode(readFileSync(script, 'utf8'), false, [join(dirname(resolve(script)), 'modules')]));
  const dir = mkdtempSync(join(tmpdir(), 'sim900-script-'));
  writeFileSync(join(dir, '.bootcde'), code, 'latin1');
  return { dir, files: { '.bootcde': code } };
}

/**
 * The Linux port over telnet ends or garbles its input when its standard input is at end of file (see stdinFlood in
 * host/flash-session.ts); when the probe for that could not even run, say so with the failure.
 */
function linuxHint(board: Board, opts: FlashOptions, message: string): string {
  if (board.id !== 'linux' || !parseTcpPort(opts.port) || /standard input/.test(message)) return '';
  if (!/closed the connection|connection failed|ASSERT\(|FIFO_FULL|SyntaxError/.test(message)) return '';
  return ' (the Linux port does this when its standard input is at end of file: start it with standard input open, e.g. `sleep infinity | espruino --telnet`)';
}

/** The one line for a failure. */
function oneLine(e: any): string {
  if (e instanceof BoardError || e instanceof ConsoleError || e instanceof FlashFailure || e instanceof LinkError) return e.message;
  return String(e && e.message ? e.message : e).split('\n')[0];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1) + ' s';
}

function done(board: Board, files: StorageFiles, r: SessionResult, ms: number, how: string): number {
  const bytes = Object.keys(files).reduce((t, n) => t + files[n].length, 0);
  const retried = r.check.retried.length ? `, ${r.check.retried.length} written again` : '';
  const erased = r.erased.length ? `, erased ${r.erased.join(' ')}` : '';
  console.log(
    `flash: done: ${Object.keys(files).length} files (${bytes} bytes) in the ${board.id}'s Storage, each checked (size and CRC32s)${retried}${erased}, in ${seconds(ms)} (${how}check ${seconds(r.check.ms)}); load() booted the board, the app starts at every power-up`,
  );
  return 0;
}

async function withConsole<T>(opts: FlashOptions, fn: (con: BoardConsole) => Promise<T>): Promise<T> {
  const con = new BoardConsole(await openLink(opts));
  try {
    return await fn(con);
  } finally {
    await con.close();
  }
}

/** --fast: our own paced upload. */
async function flashFast(opts: FlashOptions, board: Board, files: StorageFiles): Promise<number> {
  const t0 = Date.now();
  console.log(`flash: --fast: writing to ${opts.port}, each command once the board has answered the one before`);
  const r = await withConsole(opts, (con) => pacedFlash(con, board, files, !!parseTcpPort(opts.port), (l) => console.log(l)));
  const u = r.upload!;
  return done(board, files, r, Date.now() - t0, `write ${seconds(u.ms)}, ${u.commands} commands; `);
}

/** The default: the espruino CLI uploads, then we check over our own connection. */
async function flashCli(opts: FlashOptions, board: Board, buildDir: string, names: string[], mailJson: string | null, files: StorageFiles): Promise<number> {
  const t0 = Date.now();
  const tcp = !!parseTcpPort(opts.port);
  if (board.id === 'linux' && tcp) {
    await withConsole(opts, async (con) => {
      await attach(con, board);
      await refuseFlooded(con, board, tcp);
    });
  }
  const p = plan(opts, buildDir, names, mailJson);
  try {
    console.log(`flash: running (in ${ROOT}):\n${shellQuote(p.command)}`);
    const estimate = Object.keys(files).reduce((t, n) => t + Math.ceil((files[n].length * 4) / 3) + 100, 1000);
    const marker = doneMarker(p.tag);
    const r = await runCli(p.command, uploadTimeoutMs(estimate, p.baud), true, (out) => out.includes(marker) || interpreterError(boardLines(out)) !== null);
    if (r.code === GUARD_EXIT) throw new FlashFailure('the espruino CLI tried to reach the network and was stopped; the upload did not finish');
    const err = interpreterError(boardLines(r.stdout));
    if (err) throw new BoardError(err, 'during the upload');
    if (!r.stdout.includes(marker)) {
      let why = r.timedOut ? 'timed out' : !/Upload Complete/.test(r.stdout) ? 'the espruino CLI did not report "Upload Complete"' : 'the board did not finish what it was sent';
      if (/RECEIVE ERROR|Disconnected/.test(r.stdout + r.stderr)) why += '; the connection dropped';
      if (/serial: Port ".*" not found/.test(r.stderr)) why += '; the espruino CLI opens only the ports its serialport module lists (USB and UART devices; not pseudo-terminals)';
      throw new FlashFailure(`the upload to ${opts.port} failed (${why})`);
    }
    checkUploadFile(p, files);
    const tUp = Date.now() - t0;
    const s = await withConsole(opts, async (con) => {
      await attach(con, board);
      con.watch('after the upload');
      return verifyAndBoot(con, files, (l) => console.log(l));
    });
    return done(board, files, s, Date.now() - t0, `upload ${seconds(tUp)}; `);
  } finally {
    rmSync(p.workdir, { recursive: true, force: true });
  }
}

/** --check: compare only. */
async function check(opts: FlashOptions, board: Board, files: StorageFiles): Promise<number> {
  const t0 = Date.now();
  const problems = await withConsole(opts, (con) => checkOnly(con, board, files));
  if (problems.length) {
    console.error(`flash: check failed: ${problems.join('; ')}`);
    return 1;
  }
  console.log(`flash: check: the ${Object.keys(files).length} files on the board match the build (size and CRC32s), in ${seconds(Date.now() - t0)}`);
  return 0;
}

/** The lines --fast sends, in order (each after the answer to the one before; the check commands are left out). */
export function pacedScript(files: StorageFiles): string[] {
  const names = writeOrder(Object.keys(files));
  const writes = names.reduce((a: string[], n) => a.concat(writeExpressions(n, files[n])), []);
  return ['reset()', ...writes, eraseStaleSource(names), 'load()'];
}

function dryRunFast(board: Board, files: StorageFiles): number {
  const dir = mkdtempSync(join(tmpdir(), `sim900-flash-${board.id}-`));
  const file = join(dir, 'upload.js');
  const lines = pacedScript(files);
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // it carries mail.json, passwords included
  console.log(`flash: --dry-run --fast: the commands it would send, one at a time, each once the board has answered the one before (then it checks every file): ${file} (${lines.length} commands, ${statSync(file).size} bytes); nothing was connected`);
  return 0;
}

async function dryRunCli(opts: FlashOptions, buildDir: string, names: string[], mailJson: string | null, files: StorageFiles): Promise<number> {
  const p = plan(opts, buildDir, names, mailJson);
  console.log(`flash: --dry-run: the upload would run (in ${ROOT}):\n${shellQuote(p.command)}`);
  const r = await runCli(p.dryCommand, 60000, false);
  if (r.code !== 0 || !existsSync(p.uploadFile)) {
    console.error(`flash: the espruino CLI failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    return 1;
  }
  chmodSync(p.uploadFile, 0o600); // it carries mail.json, passwords included
  checkUploadFile(p, files);
  console.log(`flash: the code it would send (after reset()): ${p.uploadFile} (${statSync(p.uploadFile).size} bytes); then it checks every file over its own connection; nothing was connected`);
  return 0;
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

if (require.main === module) {
  // should the event loop ever run dry before main() settles (a promise nobody will resolve), node would leave with
  // exit code 0 and no word: make that a failure, said
  let settled = false;
  process.exitCode = 1;
  process.on('beforeExit', () => {
    if (settled) return;
    console.error('flash: stopped before it finished (internal error: nothing left to wait for); nothing is known about the board');
    process.exit(1);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      settled = true;
      process.exit(code);
    },
    (e) => {
      settled = true;
      console.error(`flash: ${oneLine(e)}`);
      process.exit(1);
    },
  );
}
