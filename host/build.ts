// Builds each board's Storage modules: one minified file per module in build/<board>/, named as the Storage file it
// becomes, plus the data files (the command table) and .bootcde (the boot code that starts the example app). Every
// module is checked by the Espruino guard; the sizes are reported against the board's goals.
//
// A module is an ES module of src/ bundled on its own (what it imports from src/ is copied in; other Storage modules
// are reached with require() at run time), with esbuild's minifier and property mangling: properties whose names end
// in "_" are internal and get short names, consistently across a board's modules (one build for all of them). The
// trailing `export {a as run}` becomes `exports.run = a`, the shape Espruino's require() evaluates.
import * as esbuild from 'esbuild';
import * as acorn from 'acorn';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkEspruino, formatViolations, type SourceMap } from './guard';
import { ROOT, boardIds, loadBoard } from './boards';
import { goals, type Board } from '../boards/types';
import { TABLE } from '../src/mail/table';
import { charsetTables } from './charset-tables';
import { pretokenise } from './pretokenise';

export interface ModuleSpec {
  /** the Storage file name */
  name: string;
  entry: string;
  /** what the module is for (README) */
  what: string;
  /** a board carries it only with this feature */
  needs?: 'pop3' | 'mime' | 'inbox';
}

export const MODULES: ModuleSpec[] = [
  { name: 's9at', entry: 'src/at/engine.ts', what: 'AT engine' },
  { name: 's9mail', entry: 'src/mail/client.ts', what: 'e-mail client: generic call, settings, bearer' },
  { name: 's9smtp', entry: 'src/mail/smtp.ts', what: 'sendMail' },
  { name: 's9pop3', entry: 'src/mail/pop3.ts', what: 'POP3 mailbox', needs: 'pop3' },
  { name: 's9mime', entry: 'src/mime/index.ts', what: 'streaming MIME reader', needs: 'mime' },
  { name: 's9app', entry: 'src/app/app.ts', what: 'example app (alerts, inbox)' },
  { name: 's9box', entry: 'src/app/outbox.ts', what: 'outbox, delivery, module bring-up' },
  { name: 's9inbox', entry: 'src/app/inbox.ts', what: 'inbox polling', needs: 'inbox' },
];

/** A module published for the Espruino tools (build/modules/, host/publish.ts). */
export interface PublicModule {
  name: string;
  /** private modules it carries (loaded per job) */
  carries: string[];
  /** Storage data files it carries as literals and writes to Storage when it loads (if Storage lacks them) */
  data: { [file: string]: () => string };
  what: string;
}

export const PUBLIC: PublicModule[] = [
  { name: 's9mail', carries: ['s9at', 's9smtp', 's9pop3'], data: { s9cmd: () => TABLE }, what: 'e-mail through a SIMCom SIM900/SIM800: SMTP send, POP3, the GPRS bearer, every command of the manual' },
  { name: 's9mime', carries: [], data: { s9cs: charsetTables }, what: 'streaming MIME reader for mails read over POP3' },
  // (the MIME reader is carried, not required: loaded for a poll only, as on the flashed build)
  { name: 's9app', carries: ['s9box', 's9inbox', 's9mime'], data: { s9cs: charsetTables }, what: 'IoT mail alerts: a persistent outbox and inbox polling (uses s9mail; carries the MIME reader)' },
];

/** Every module's entry, whichever the board carries: an import of one is never bundled into another. */
const ALL_ENTRIES = (): { [name: string]: string } => Object.fromEntries(MODULES.map((m) => [m.name, m.entry]));

/** The Storage files of a board: name -> contents (modules, the command table, the charset tables, .bootcde). */
export interface BoardBuild {
  board: Board;
  files: { [name: string]: string };
  /** bytes of the library's files (everything but .bootcde, which is the user's boot code) */
  libraryBytes: number;
  problems: string[];
}

export function boardModules(b: Board): ModuleSpec[] {
  return MODULES.filter((m) => !m.needs || (m.needs == 'inbox' ? b.features.pop3 && b.features.mime : b.features[m.needs]));
}

/** The command table a board carries: without POP3, its rows and result codes are left out. */
export function boardTable(b: Board): string {
  if (b.features.pop3) return TABLE;
  return TABLE.split('\n').filter((r) => !/^(POP3|P\d)/.test(r)).join('\n');
}

/** What .bootcde passes to start(): the wiring the app uses on the board. */
export function runtimeBoard(b: Board): any {
  const out: any = {};
  for (const k of ['id', 'name', 'serial', 'tx', 'rx', 'path', 'baud', 'pwrkey', 'status', 'button', 'rxBufferSize', 'chunkBytes'] as const) if (b[k] != null) out[k] = b[k];
  return out;
}

export function bootCode(b: Board): string {
  return `require("s9app").start(${JSON.stringify(runtimeBoard(b))});\n`;
}

const MANGLE_CACHE: Record<string, string | false> = {};

/** esbuild options for board code (also used by the guard's tests and the benchmarks). */
export function espruinoBuildOptions(minify = true, ascii = false): esbuild.BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2015',
    minify,
    mangleProps: /_$/,
    mangleCache: MANGLE_CACHE,
    legalComments: 'none',
    charset: ascii ? 'ascii' : 'utf8',
    sourcemap: 'external',
    outdir: 'out',
    write: false,
    logLevel: 'silent',
    tsconfig: join(ROOT, 'src', 'tsconfig.json'),
    // Espruino's require() is a built-in: keep it a plain call (esbuild would bundle it, or wrap it in a helper that
    // reaches for Proxy); renamed back below
    define: { require: '__espruino_require' },
  };
}

/**
 * The esbuild output as an Espruino module: `export {a as x}` -> `exports.x=a`, `import {x as a} from "s9mail"` ->
 * `var a=require("s9mail").x`, and require() restored.
 */
export function toModule(code: string): string {
  const ast: any = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  let out = code;
  for (const node of [...ast.body].reverse()) {
    let text: string;
    if (node.type === 'ExportNamedDeclaration' && !node.declaration) text = node.specifiers.map((s: any) => `exports.${s.exported.name}=${s.local.name};`).join('');
    else if (node.type === 'ImportDeclaration') {
      // one require per module: var $m=require("s9mail"),a=$m.x,b=$m.y;
      const m = '$' + node.source.value.replace(/\W/g, '');
      text = `var ${m}=require(${JSON.stringify(node.source.value)})` + node.specifiers.map((s: any) => `,${s.local.name}=${m}` + (s.type === 'ImportSpecifier' ? '.' + s.imported.name : '')).join('') + ';';
    } else continue;
    out = out.slice(0, node.start) + text + out.slice(node.end);
  }
  return out.replace(/__espruino_require/g, 'require');
}

/** An import of another module's entry file is that module: external, reached with require() at run time. */
function modulesPlugin(entries: { [name: string]: string }): esbuild.Plugin {
  const byFile: { [file: string]: string } = {};
  for (const n of Object.keys(entries)) byFile[join(ROOT, entries[n]).replace(/\.ts$/, '')] = n;
  return {
    name: 'storage-modules',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = join(args.resolveDir, args.path).replace(/\.ts$/, '');
        const name = byFile[target] || byFile[join(target, 'index')];
        return name && args.kind !== 'entry-point' ? { path: name, external: true } : undefined;
      });
    },
  };
}

/** Builds `entries` (name -> TS file) in one esbuild run: name -> module code, or the problems. */
export async function buildModules(entries: { [name: string]: string }, minify = true, plain = !!process.env.ESPRUINO_PLAIN, ascii = false): Promise<{ code: { [name: string]: string }; problems: string[] }> {
  const code: { [name: string]: string } = {};
  const problems: string[] = [];
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build({ ...espruinoBuildOptions(minify, ascii), plugins: [modulesPlugin(ALL_ENTRIES())], entryPoints: Object.keys(entries).map((n) => ({ in: join(ROOT, entries[n]), out: n })) });
  } catch (e: any) {
    const errors: esbuild.Message[] = e.errors || [];
    return { code, problems: errors.length ? errors.map((m) => `  ${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`) : [String(e)] };
  }
  const files = result.outputFiles || [];
  for (const name of Object.keys(entries)) {
    const js = files.find((f) => f.path.endsWith('/' + name + '.js'))!;
    const map = files.find((f) => f.path.endsWith('/' + name + '.js.map'));
    const mod = toModule(js.text);
    const violations = checkEspruino(mod);
    if (violations.length) {
      const sm: SourceMap | undefined = map ? JSON.parse(map.text) : undefined;
      problems.push(`Espruino guard refused ${name} (${violations.length} construct${violations.length > 1 ? 's' : ''}):`, formatViolations(name, violations, sm));
      continue;
    }
    // stored pretokenised: smaller, and its string literals stay in flash (plain text with ESPRUINO_PLAIN=1)
    code[name] = plain ? mod : pretokenise(mod);
  }
  if (problems.length && minify) {
    // minified names hide esbuild's helpers (__spreadValues, ...): report from a readable build when it fails too
    const readable = await buildModules(entries, false, true);
    if (readable.problems.length) return { code, problems: readable.problems };
  }
  return { code, problems };
}

/** Builds one TypeScript source given as text (the guard's tests): its module code, or the problems. */
export async function buildProbe(contents: string, minify = true): Promise<{ code: string; problems: string[] }> {
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'build', '.probe-'));
  try {
    writeFileSync(join(dir, 'entry.ts'), contents);
    const r = await buildModules({ probe: relative(ROOT, join(dir, 'entry.ts')) }, minify);
    return { code: r.code.probe || '', problems: r.problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function boardDir(id: string): string {
  return join(ROOT, 'build', id);
}

/** Builds one board's Storage files into build/<id>/ (nothing is written when a module fails). */
export async function buildBoard(id: string): Promise<BoardBuild> {
  const board = loadBoard(id);
  const entries: { [name: string]: string } = {};
  for (const m of boardModules(board)) entries[m.name] = m.entry;
  const { code, problems } = await buildModules(entries);
  const files: { [name: string]: string } = { ...code, s9cmd: boardTable(board), '.bootcde': bootCode(board) };
  // the single-byte charset tables, read by the MIME reader only for a mail in one of those charsets
  if (board.features.mime) files.s9cs = charsetTables();
  let libraryBytes = 0;
  for (const n of Object.keys(files)) if (n !== '.bootcde') libraryBytes += Buffer.byteLength(files[n], 'latin1');
  if (!problems.length) {
    const dir = boardDir(id);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const n of Object.keys(files)) writeFileSync(join(dir, n), files[n], 'latin1');
  }
  return { board, files, libraryBytes, problems };
}

export async function buildAll(ids = boardIds()): Promise<BoardBuild[]> {
  const out: BoardBuild[] = [];
  for (const id of ids) out.push(await buildBoard(id));
  return out;
}

/** The Storage files of a built board, read back from build/<id>/ (name -> contents). */
export function builtFiles(id: string): { [name: string]: string } {
  const dir = boardDir(id);
  const out: { [name: string]: string } = {};
  for (const n of readdirSync(dir)) out[n] = readFileSync(join(dir, n), 'latin1');
  return out;
}

export { goals };
