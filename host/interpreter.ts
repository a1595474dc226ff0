// Runs code on the Espruino interpreter's Linux port (the binary named by ESPRUINO): the script prints
// "@@<json>" lines to report to the host, and {"end": true} when it is done.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function espruinoBinary(): string | null {
  const b = process.env.ESPRUINO;
  return b && existsSync(b) ? b : null;
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
 * Runs `code` (prelude + bundle + driver) in a fresh working folder (the Linux port keeps Storage in
 * ./espruino.flash there). Standard input stays an open pipe: the port reads serial data only then.
 */
export function runOnInterpreter(binary: string, code: string, onReport: (r: any) => void, timeoutMs: number): Promise<InterpreterRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'espruino-run-'));
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
