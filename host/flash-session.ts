// What flash says to the board over its console (host/flash-console.ts), around the upload: reset it, refuse an
// interpreter that corrupts its own input, write the files paced (--fast), check every file (one bounded retry of
// those that do not check out), read the error flags, erase stale library files, boot.
import type { Board } from '../boards/types';
import { type BoardConsole, BoardError, ConsoleError } from './flash-console';
import { checkFiles, errorFlags, staleFiles } from './flash-check';
import { LIBRARY_PREFIX, type StorageFiles, eraseStaleSource, writeOrder } from './flash-files';
import { type UploadStats, pacedWrite } from './flash-upload';

/** how often a file that did not check out is written again */
export const RETRIES = 1;
export const READY_TIMEOUT_MS = 20000;
/** after load(): .bootcde starts the app first */
export const BOOT_TIMEOUT_MS = 30000;

/** A flash that failed; the message is the one line for the user. */
export class FlashFailure extends Error {}

export type Say = (line: string) => void;

/** The REPL answers (a Ctrl-C first on real boards clears a half-typed line; on the Linux port two Ctrl-C exit it). */
export async function attach(con: BoardConsole, board: Board): Promise<void> {
  if (board.id !== 'linux') con.send('\x03');
  await con.ready('1', READY_TIMEOUT_MS);
}

/** reset(), and wait until it has happened: a global set on the same line is gone. */
export async function resetBoard(con: BoardConsole): Promise<void> {
  con.send('\x10global.__s9flash=1;reset()\n');
  const until = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0) throw new ConsoleError(`${con.link.name}: the board did not reset (reset()) within ${READY_TIMEOUT_MS / 1000} s`);
    // a probe read in the same pass as the reset() line runs before the reset
    if ((await con.ready('typeof __s9flash', left)) === 'undefined') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The Linux port started with standard input at end of file (`espruino --telnet &` from a script, `</dev/null`) reads
 * a byte from it in every pass of its input thread (targets/linux/jshardware.c: select() says readable at end of file,
 * read() returns 0 and getch() an unset byte: NULs here, about 10 KB/s) and pushes it into the event queue that the
 * telnet console fills from the main thread, with no lock between the two (jshInterruptOff() does nothing there): the
 * queue gets corrupted: "ASSERT(len <= 64) FAILED AT src/jsdevices.c:591" and the interpreter's end (ECONNRESET),
 * FIFO_FULL, lines with wrong bytes (Uncaught SyntaxError). Counts what arrives on USB (its stdin) for 300 ms while
 * we are the telnet console.
 */
export async function stdinFlood(con: BoardConsole): Promise<number> {
  const v = await con.ask(
    (mark) => `(function(n,f){if(typeof USB=="undefined"||!USB.on)return print(${mark}+0);f=function(d){n+=d.length};USB.on("data",f);setTimeout(function(){USB.removeListener("data",f);print(${mark}+n)},300)})(0)`,
    5000,
    'the stdin probe',
  );
  return Number(v) || 0;
}

export interface CheckResult {
  /** files that did not check out after the retries: name -> problem */
  problems: { [name: string]: string };
  /** the lines said about retries */
  retried: string[];
  ms: number;
}

/**
 * Checks `names` on the board; a file that does not check out is written again (paced) and checked again, at most
 * RETRIES times, each said. An interpreter error on the console ends it with a BoardError (no retry).
 */
export async function checkAndRepair(con: BoardConsole, files: StorageFiles, names: string[], say: Say, retries = RETRIES): Promise<CheckResult> {
  const t0 = Date.now();
  const retried: string[] = [];
  let problems = await checkFiles(con, files, names);
  for (let round = 1; round <= retries && Object.keys(problems).length; round++) {
    const bad = names.filter((n) => n in problems);
    for (const n of bad) {
      const line = `flash: ${problems[n]}; writing it again (retry ${round} of ${retries})`;
      retried.push(line);
      say(line);
    }
    await pacedWrite(con, files, bad);
    problems = await checkFiles(con, files, bad);
  }
  return { problems, retried, ms: Date.now() - t0 };
}

export interface SessionResult {
  upload?: UploadStats;
  check: CheckResult;
  erased: string[];
}

/**
 * After the files are on the board (written by the CLI, or by pacedUpload): check them, read the error flags, erase
 * stale s9* files, and boot with load(). Throws FlashFailure with the one line, or BoardError / ConsoleError.
 */
export async function verifyAndBoot(con: BoardConsole, files: StorageFiles, say: Say): Promise<SessionResult> {
  const names = writeOrder(Object.keys(files));
  const check = await checkAndRepair(con, files, names, say);
  const bad = names.filter((n) => n in check.problems);
  if (bad.length) {
    const after = check.retried.length ? ` (after ${RETRIES} ${RETRIES === 1 ? 'retry' : 'retries'})` : '';
    throw new FlashFailure(`the check failed${after}: ${bad.map((n) => check.problems[n]).join('; ')}`);
  }
  const flags = await errorFlags(con);
  if (flags.length) throw new FlashFailure(`the board raised error flags during the upload: ${flags.join(', ')} (E.getErrorFlags())`);
  const stale = await staleFiles(con, LIBRARY_PREFIX, names);
  if (stale.length) {
    const ok = await con.run(`(${eraseStaleSource(names)}),1`, READY_TIMEOUT_MS, 'the erase of stale files');
    if (ok !== '1') throw new FlashFailure(`erasing ${stale.join(', ')} answered ${JSON.stringify(ok)}`);
    const left = await staleFiles(con, LIBRARY_PREFIX, names);
    if (left.length) throw new FlashFailure(`stale library files stay on the board after the erase: ${left.join(', ')}`);
  }
  const err = con.seenError();
  if (err) throw new BoardError(err, 'during the upload');
  con.unwatch();
  // load() restarts the interpreter from .bootcde; what the app then prints is its own business
  con.send('\x10load()\n');
  await con.ready('1', BOOT_TIMEOUT_MS);
  return { check, erased: stale };
}

/**
 * On the Linux port over tcp (`espruino --telnet`): refuse an interpreter whose standard input floods its event queue
 * (stdinFlood), before anything is written.
 */
export async function refuseFlooded(con: BoardConsole, board: Board, tcp: boolean): Promise<void> {
  if (board.id !== 'linux' || !tcp) return;
  const n = await stdinFlood(con);
  if (n > 32) {
    throw new FlashFailure(
      `the interpreter at ${con.link.name} reads end of file on its standard input (${n} NUL bytes in 0.3 s): the Linux port then corrupts what arrives over telnet (ASSERT, FIFO_FULL, lost lines); start it with standard input open, e.g. \`sleep infinity | espruino --telnet\``,
    );
  }
}

/** --fast: reset, write every file paced, then verifyAndBoot. */
export async function pacedFlash(con: BoardConsole, board: Board, files: StorageFiles, tcp: boolean, say: Say): Promise<SessionResult> {
  await attach(con, board);
  await resetBoard(con);
  await errorFlags(con); // clear what the program before the reset raised
  await refuseFlooded(con, board, tcp);
  con.watch('during the upload');
  const upload = await pacedWrite(con, files, writeOrder(Object.keys(files)));
  const rest = await verifyAndBoot(con, files, say);
  return { ...rest, upload };
}

/** --check: compare the board's files with `files`; no reset, no write, no boot. Returns the problems (none: empty). */
export async function checkOnly(con: BoardConsole, board: Board, files: StorageFiles): Promise<string[]> {
  await attach(con, board);
  const names = writeOrder(Object.keys(files));
  const problems = await checkFiles(con, files, names);
  const stale = await staleFiles(con, LIBRARY_PREFIX, names);
  return [...names.filter((n) => n in problems).map((n) => problems[n]), ...stale.map((n) => `${n} is on the board but not in the build (a flash erases it)`)];
}
