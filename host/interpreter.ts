// Runs code on the Espruino interpreter's Linux port (the binary named by ESPRUINO): the script prints
// "@@<json>" lines to report to the host, and {"end": true} when it is done.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The interpreter named by ESPRUINO, or null when it is not set; a path that does not exist is an error. */
export function espruinoBinary(): string | null {
  const b = process.env.ESPRUINO;
  if (!b) return null;
  if (!existsSync(b)) throw new Error(`ESPRUINO=${b}: no such file (the Espruino interpreter's Linux port, built with make BOARD=LINUX)`);
  return b;
}

/** JS for the interpreter: report(obj) prints a marked line; finish() ends the run. */
export const REPORT_PRELUDE =
  'echo(false);\nvar __keep = setInterval(function () {}, 1000);\n' +
  'function report(o) { console.log("@@" + JSON.stringify(o)); }\n' +
  'function finish() { report({end: true}); clearInterval(__keep); setTimeout(quit, 50); }\n';

export interface InterpreterRun {
  /** every report, in order */
  reports: any[];
  /** all console output that was not a report */
  output: string;
}

/**
 * Runs `code` (prelude + driver) in `dir` or a fresh working folder (the Linux port keeps Storage in
 * ./espruino.flash there). Standard input stays an open pipe: the port reads serial data only then.
 */
export function runOnInterpreter(binary: string, code: string, onReport: (r: any) => void, timeoutMs: number, dir?: string): Promise<InterpreterRun> {
  const cwd = dir || mkdtempSync(join(tmpdir(), 'espruino-run-'));
  const file = join(cwd, 'main.js');
  writeFileSync(file, REPORT_PRELUDE + code);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [file], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const reports: any[] = [];
    let output = '';
    let pending = '';
    let ended = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the interpreter did not finish within ${timeoutMs} ms; its output:\n${output.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      pending += b.toString('latin1');
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i).replace(/\r$/, '');
        pending = pending.slice(i + 1);
        const at = line.indexOf('@@');
        if (at < 0) {
          output += line + '\n';
          continue;
        }
        let r: any;
        try {
          r = JSON.parse(line.slice(at + 2));
        } catch (e) {
          output += line + '\n';
          continue;
        }
        reports.push(r);
        if (r && r.end) ended = true;
        onReport(r);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (ended) resolve({ reports, output });
      else reject(new Error(`the interpreter exited before finishing; its output:\n${output.slice(-2000)}`));
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * Writes Storage files into the Linux port's flash (./espruino.flash in `cwd`) the way an upload does, piece by piece
 * with require("Storage").write, one short interpreter run per piece (each run's code is small, so even an
 * interpreter built with a board's JsVar count can do it). .bootcde, if among them, is written last: every run boots
 * what is already there.
 */
export function writeStorage(binary: string, cwd: string, files: Record<string, string | Buffer>): void {
  const names = Object.keys(files).sort((a, b) => (a === '.bootcde' ? 1 : b === '.bootcde' ? -1 : 0));
  for (const name of names) {
    const data = Buffer.isBuffer(files[name]) ? (files[name] as Buffer) : Buffer.from(files[name] as string, 'latin1');
    const PIECE = 1536;
    for (let at = 0; at < Math.max(1, data.length); at += PIECE) {
      const b64 = data.subarray(at, at + PIECE).toString('base64');
      const call = data.length <= PIECE ? `require("Storage").write(${JSON.stringify(name)}, atob("${b64}"))` : `require("Storage").write(${JSON.stringify(name)}, atob("${b64}"), ${at}, ${data.length})`;
      const r = spawnSync(binary, ['-e', `if (!${call}) print("@@WRITE FAILED");`], { cwd, encoding: 'latin1', timeout: 20000, input: '' });
      // (each run boots .bootcde before it writes: a .bootcde of several pieces is booted half written, errors and all)
      const partial = name === '.bootcde' && data.length > PIECE;
      if (r.status !== 0 || /@@WRITE FAILED/.test(r.stdout || '') || (!partial && /Uncaught|Error/.test(r.stdout || ''))) throw new Error(`writing ${name} into the interpreter's Storage failed:\n${(r.stdout || '').slice(-600)}${r.stderr || ''}`);
    }
  }
}

export interface BootedInterpreter {
  /** types a line at the board's console (standard input) */
  type(line: string): void;
  /** all console output that was not a report */
  output(): string;
  /** resolves when the interpreter has exited */
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Starts the interpreter as a board at power-up: interactive, in `cwd`, so that it boots .bootcde from its Storage;
 * its console is standard input and output (kept open: the port reads serial data only while it is). Reports
 * ("@@<json>" lines) go to onReport.
 */
export function bootInterpreter(binary: string, cwd: string, onReport: (r: any) => void): BootedInterpreter {
  const child = spawn(binary, [], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let pending = '';
  child.stdout.on('data', (b: Buffer) => {
    pending += b.toString('latin1');
    let i: number;
    while ((i = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, i).replace(/\r$/, '');
      pending = pending.slice(i + 1);
      const at = line.indexOf('@@');
      let r: any;
      try {
        r = at >= 0 ? JSON.parse(line.slice(at + 2)) : undefined;
      } catch (e) {
        r = undefined;
      }
      if (r === undefined) output += line + '\n';
      else onReport(r);
      if (process.env.ESPRUINO_TRACE) require('node:fs').appendFileSync(process.env.ESPRUINO_TRACE, line + '\n');
    }
  });
  child.stderr.on('data', (b: Buffer) => (output += b.toString('latin1')));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    type: (line: string) => child.stdin.write(line + '\n'),
    output: () => output + pending,
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}
