// A user's upload with the espruino CLI, the way an Espruino user loads the published modules (build/modules): a
// script that require()s them, sent with the CLI's own module resolution from a project's modules folder, a module
// URL or a GitHub URL. Used by the tests and by `npm run demo -- --modules`.
//
// EspruinoTools 0.1.67's automatic modules/ look-up does not work under Node (plugins/localModules.js calls an `fs`
// that its loader never defines, so every file test fails and the module is "not found"); the CLI's MODULE_URL,
// which takes folders as well as URLs ("modules|https://www.espruino.com/modules"), is what finds a project's
// modules folder, .min.js first.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, boardJson, guardSource, runCli, type RunResult } from './flash-cli';
import { parseTcpPort, type TcpPort } from './flash-args';
import { loadBoard } from './boards';
import { MODULES_DIR } from './publish';

export interface UploadOptions {
  /** where the CLI looks for modules (MODULE_URL): a folder relative to the project, or URLs; default "modules" */
  moduleUrl?: string;
  /** Save on Send: 0 to RAM (the default of the tools), 1 direct to flash (.bootcde, code stays in flash) */
  saveOnSend?: 0 | 1;
  /** pretokenise (only with saveOnSend 1): 0 never, 1 auto (tokens and strings for 2v20.48 and later) */
  pretokenise?: 0 | 1;
  /** the board to connect to (tcp://host:port); without it the CLI writes what it would send (-o) and connects to nothing */
  port?: string;
  /** besides the port, hosts the CLI may reach (the net guard ends it on anything else) */
  allow?: TcpPort[];
  /** seconds the CLI stays connected after the upload (the board's output is read meanwhile) */
  sleepS?: number;
  /** environment for the CLI (e.g. NODE_EXTRA_CA_CERTS) */
  env?: NodeJS.ProcessEnv;
  /** more --config pairs (KEY=value) */
  config?: string[];
}

/** A project folder with `script` as app.js and the published modules copied into modules/ (all of them by default). */
export function makeProject(script: string, modules?: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim900-project-'));
  mkdirSync(join(dir, 'modules'));
  for (const f of readdirSync(MODULES_DIR)) {
    if (!/\.js$/.test(f) || (modules && !modules.includes(f.replace(/(\.min)?\.js$/, '')))) continue;
    copyFileSync(join(MODULES_DIR, f), join(dir, 'modules', f));
  }
  writeFileSync(join(dir, 'app.js'), script);
  return dir;
}

/** The CLI's argv for sending `project`/app.js; the board JSON and the net guard are written into the project. */
export function uploadArgv(project: string, o: UploadOptions): string[] {
  writeFileSync(join(project, 'board.json'), JSON.stringify(boardJson(loadBoard('linux'))));
  const allow = (o.allow || []).slice();
  const tcp = o.port ? parseTcpPort(o.port) : null;
  if (tcp) allow.push(tcp);
  writeFileSync(join(project, 'net-guard.cjs'), guardSource(allow));
  const pairs = [
    'ENV_ON_CONNECT=false',
    `BOARD_JSON_URL=${project}`,
    `MODULE_URL=${o.moduleUrl ?? 'modules'}`,
    `SAVE_ON_SEND=${o.saveOnSend ?? 0}`,
    `PRETOKENISE=${o.pretokenise ?? 0}`,
    'RESET_BEFORE_SEND=true',
    'SET_TIME_ON_WRITE=false',
    'COMPILATION=false',
    ...(o.config || []),
  ];
  const argv = [process.execPath, '--require', join(project, 'net-guard.cjs'), CLI, '--no-ble', '--board', join(project, 'board.json')];
  for (const p of pairs) argv.push('--config', p);
  if (o.port) argv.push('-p', o.port, '--sleep', String(o.sleepS ?? 120));
  else argv.push('-n', '-o', join(project, 'out.js'));
  argv.push('app.js');
  return argv;
}

/** Runs the CLI in `project` (see uploadArgv); ends it once stopWhen(its output) holds. */
export function upload(project: string, o: UploadOptions, timeoutMs: number, stopWhen?: (out: string) => boolean): Promise<RunResult> {
  return runCli(uploadArgv(project, o), timeoutMs, false, stopWhen, project, o.env);
}

/**
 * What the CLI stores as .bootcde for `script` with "Save on Send: Direct to flash" (pretokenised or not): its code
 * with the modules the script requires, as the CLI writes it to the board's Storage. `folders`: where modules are
 * looked for before the published ones (MODULE_URL, in order).
 */
export async function cliBootCode(script: string, pretokenise: boolean, folders: string[] = []): Promise<string> {
  const project = makeProject(script);
  try {
    const r = await upload(project, { saveOnSend: 1, pretokenise: pretokenise ? 1 : 0, moduleUrl: [...folders, 'modules'].join('|') }, 60000);
    const missing = /Module (\S+) not found/.exec(r.stdout + r.stderr);
    if (missing) throw new Error(`the espruino CLI found no module ${missing[1]} (in ${[...folders, 'build/modules'].join(', ')})`);
    if (r.code !== 0) throw new Error(`the espruino CLI failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-1500)}`);
    return readFileSync(join(project, 'out.js'), 'latin1');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
